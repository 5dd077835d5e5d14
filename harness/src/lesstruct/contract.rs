//! Lesstruct's contract as data: its hooks (available without the `wasm`
//! feature, which only the host needs).

use crate::engine::{
    Contract,
    HookKind::{Chain, Observe},
    HookSpec, OnError, Profile,
};

/// The contract's name, as users type it.
pub const CONTRACT: Contract = Contract::new("lesstruct");

/// The contract: its hooks.
pub const PROFILE: Profile = Profile::new(CONTRACT, HOOKS, &[]);

const FAIL_500: OnError = OnError::Stop { status: 500 };
const KEEP: OnError = OnError::KeepPrior;

/// Lesstruct's hooks (contracts §2).
pub const HOOKS: &[HookSpec] = &[
    HookSpec::new(
        CONTRACT,
        "before_save",
        Chain,
        FAIL_500,
        true,
        "content JSON; only `customFields` is read back",
    ),
    HookSpec::new(
        CONTRACT,
        "after_create",
        Observe,
        KEEP,
        true,
        "content JSON; result ignored",
    ),
    HookSpec::new(
        CONTRACT,
        "after_publish",
        Observe,
        KEEP,
        true,
        "content JSON; result ignored",
    ),
    HookSpec::new(
        CONTRACT,
        "on_plugin_loaded",
        Observe,
        KEEP,
        false,
        "defined, never invoked",
    ),
    HookSpec::new(
        CONTRACT,
        "before_delete",
        Observe,
        KEEP,
        false,
        "defined, never invoked",
    ),
];
