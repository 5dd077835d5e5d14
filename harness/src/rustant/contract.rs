//! Rustant's contract as data: its hook points.

use crate::engine::{Contract, HookKind::Chain, HookSpec, OnError, Profile};

/// The contract's name, as users type it.
pub const CONTRACT: Contract = Contract::new("rustant");

/// The contract: its hooks.
pub const PROFILE: Profile = Profile::new(CONTRACT, HOOKS, &[]);

const KEEP: OnError = OnError::KeepPrior;

/// Rustant's hook points (contracts §4).
pub const HOOKS: &[HookSpec] = &[
    HookSpec::new(
        CONTRACT,
        "BeforeToolExecution",
        Chain,
        KEEP,
        true,
        "tool name + arguments",
    ),
    HookSpec::new(
        CONTRACT,
        "AfterToolExecution",
        Chain,
        KEEP,
        true,
        "tool name + result",
    ),
    HookSpec::new(
        CONTRACT,
        "BeforeLlmRequest",
        Chain,
        KEEP,
        true,
        "LLM request",
    ),
    HookSpec::new(
        CONTRACT,
        "AfterLlmResponse",
        Chain,
        KEEP,
        true,
        "LLM response",
    ),
    HookSpec::new(CONTRACT, "OnSessionStart", Chain, KEEP, true, "session id"),
    HookSpec::new(CONTRACT, "OnSessionEnd", Chain, KEEP, true, "session id"),
    HookSpec::new(CONTRACT, "OnError", Chain, KEEP, true, "error message"),
];
