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

/// Lesstruct's hooks (contracts §2).
pub const HOOKS: &[HookSpec] = &[
    HookSpec::new(
        CONTRACT,
        "before_save",
        Chain,
        OnError::FAIL_500,
        true,
        "content JSON; only `customFields` is read back",
    ),
    HookSpec::new(
        CONTRACT,
        "after_create",
        Observe,
        OnError::KeepPrior,
        true,
        "content JSON; result ignored",
    ),
    HookSpec::new(
        CONTRACT,
        "after_publish",
        Observe,
        OnError::KeepPrior,
        true,
        "content JSON; result ignored",
    ),
    HookSpec::new(
        CONTRACT,
        "on_plugin_loaded",
        Observe,
        OnError::KeepPrior,
        false,
        "defined, never invoked",
    ),
    HookSpec::new(
        CONTRACT,
        "before_delete",
        Observe,
        OnError::KeepPrior,
        false,
        "defined, never invoked",
    ),
];
