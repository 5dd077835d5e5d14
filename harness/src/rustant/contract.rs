//! Rustant's contract as data: its hook points.

use crate::engine::{Contract, HookKind::Chain, HookSpec, OnError, Profile};

/// The contract's name, as users type it.
pub const CONTRACT: Contract = Contract::new("rustant");

/// The contract: its hooks.
pub const PROFILE: Profile = Profile::new(CONTRACT, HOOKS, &[]);

/// Rustant's hook points (contracts §4).
pub const HOOKS: &[HookSpec] = &[
    HookSpec::new(
        CONTRACT,
        "BeforeToolExecution",
        Chain,
        OnError::KeepPrior,
        true,
        "tool name + arguments",
    ),
    HookSpec::new(
        CONTRACT,
        "AfterToolExecution",
        Chain,
        OnError::KeepPrior,
        true,
        "tool name + result",
    ),
    HookSpec::new(
        CONTRACT,
        "BeforeLlmRequest",
        Chain,
        OnError::KeepPrior,
        true,
        "LLM request",
    ),
    HookSpec::new(
        CONTRACT,
        "AfterLlmResponse",
        Chain,
        OnError::KeepPrior,
        true,
        "LLM response",
    ),
    HookSpec::new(
        CONTRACT,
        "OnSessionStart",
        Chain,
        OnError::KeepPrior,
        true,
        "session id",
    ),
    HookSpec::new(
        CONTRACT,
        "OnSessionEnd",
        Chain,
        OnError::KeepPrior,
        true,
        "session id",
    ),
    HookSpec::new(
        CONTRACT,
        "OnError",
        Chain,
        OnError::KeepPrior,
        true,
        "error message",
    ),
];
