//! Pylon's contract as data: the hooks its registry runs.

use crate::engine::{
    Contract,
    HookKind::{Chain, Observe},
    HookSpec, OnError, Profile,
};

/// The contract's name, as users type it.
pub const CONTRACT: Contract = Contract::new("pylon");

/// The contract: its hooks.
pub const PROFILE: Profile = Profile::new(CONTRACT, HOOKS, &[]);

/// Pylon's hooks: the `pylon_plugin::Plugin` methods its registry runs
/// (pylon-plugin 0.3.23 `src/lib.rs:11-95`, `:181-310`). A panic is not
/// caught on Pylon; hookcheck stops the request with 500 and names it.
pub const HOOKS: &[HookSpec] = &[
    HookSpec::new(
        CONTRACT,
        "on_init",
        Observe,
        OnError::FAIL_500,
        true,
        "the shared PluginContext (manifest + key-value store)",
    ),
    HookSpec::new(
        CONTRACT,
        "on_request_with_meta",
        Chain,
        OnError::FAIL_500,
        true,
        "method, path, auth, RequestMeta { peer_ip }",
    ),
    HookSpec::new(
        CONTRACT,
        "before_insert",
        Chain,
        OnError::FAIL_500,
        true,
        "entity, mutable JSON data, auth",
    ),
    HookSpec::new(
        CONTRACT,
        "before_update",
        Chain,
        OnError::FAIL_500,
        true,
        "entity, id, mutable JSON data, auth",
    ),
    HookSpec::new(
        CONTRACT,
        "before_delete",
        Chain,
        OnError::FAIL_500,
        true,
        "entity, id, auth (no data)",
    ),
    HookSpec::new(
        CONTRACT,
        "after_insert",
        Observe,
        OnError::KeepPrior,
        true,
        "entity, id, written data, auth",
    ),
    HookSpec::new(
        CONTRACT,
        "after_update",
        Observe,
        OnError::KeepPrior,
        true,
        "entity, id, written data, auth",
    ),
    HookSpec::new(
        CONTRACT,
        "after_delete",
        Observe,
        OnError::KeepPrior,
        true,
        "entity, id, auth",
    ),
    HookSpec::new(
        CONTRACT,
        "route",
        Chain,
        OnError::FAIL_500,
        true,
        "routes() on every request; the first route whose method equals and whose path prefixes the request's answers (body, path, auth)",
    ),
];
