//! Rustant: where the plugin documentation (seed 004) and the agent's code
//! at `DevJadhav/Rustant@2884e161fd7dfb9ce782b878b5af5c55f60c81e9`
//! disagree.

use crate::host::{Divergence, Handling};

use Handling::{Emulated, KeptSafe, Reported};

/// Every known difference.
pub(crate) const DIVERGENCES: &[Divergence] = &[
    Divergence::new(
        "validator errors",
        "seed 004 security: capabilities outside the policy, blocked names and scopes are refused",
        "rustant-plugins/src/security.rs:61-127 and lib.rs:145-155: errors only for empty name or version, blocked names and a too-new min_core_version (the manager builds a default validator, so only the first two and the version can trigger); FileSystem/Network/Shell/Secret are warnings, dropped unlogged; scopes and allowed_plugins exist nowhere in the code",
        Emulated,
        "`AgentHost` turns away only what the agent does; RU-CAP-001/002 and RU-META-002 warn (recommended) for the documents' rules",
    )
    .driving(&["RU-CAP-001", "RU-META-002"]),
    Divergence::new(
        "names",
        "seed 004: a plugin has a name",
        "rustant-plugins/src/lib.rs:140-142 and security.rs:71-78: a duplicate name is refused (`Plugin already loaded`) before validation; only a literally empty name or version is refused (`\" \"` passes)",
        Emulated,
        "an empty name or version (RU-META-001) and a name already loaded are turned away, as by the agent",
    )
    .driving(&["RU-META-001"]),
    Divergence::new(
        "min_core_version",
        "seed 004: the minimum core version a plugin needs",
        "rustant-plugins/src/security.rs:111-153: optional; each dot-separated piece that does not parse as a number is dropped and the rest shift (`>=2.0.0` is accepted, `v1.2.3` is refused)",
        Emulated,
        "read as the agent reads it; RU-META-002 warns when it is not a version",
    )
    .driving(&["RU-META-002"]),
    Divergence::new(
        "hooks after on_load",
        "seed 004: plugins register hooks",
        "rustant-plugins/src/lib.rs:136-178: `on_load` runs, then `hooks()` is collected once; `unload` (lib.rs:181-188) leaves the plugin's hooks registered",
        Emulated,
        "`AgentHost` calls `on_load`, then collects tools and hooks",
    )
    .driving(&[]),
    Divergence::new(
        "hook context",
        "seed 004: hooks receive a context; Modified means \"continue with modified context\"",
        "rustant-plugins/src/hooks.rs:29-97, 101-109, 140-156: the context is `{point, name, input, output, error, session_id}`, one immutable value shared by every hook; `Modified` is a unit variant that only sets the result's flag",
        Emulated,
        "`HookContext` and `Hook::execute(&HookContext)` have the agent's shape; RU-HOOK-002 warns a hook that returns Modified that nothing is passed on",
    )
    .driving(&["RU-HOOK-002"]),
    Divergence::new(
        "panics in hooks",
        "seed 004: each hook returns a HookResult",
        "rustant-plugins/src/hooks.rs:140-156 and lib.rs:136-178: hooks, on_load and metadata are called directly; there is no catch_unwind in the crate",
        KeptSafe,
        "hookcheck catches the panic and names it (RU-HOOK-001 fails, saying the panic would unwind into the agent)",
    )
    .driving(&["RU-HOOK-001"]),
    Divergence::new(
        "who fires hooks",
        "seed 004: hooks fire before and after tool calls, LLM requests and sessions",
        "rustant-cli/src/commands.rs:1856-1890: outside the plugin crate nothing creates a PluginManager or fires a hook; only `rustant plugin list` reads plugin files; `tools()` is never collected (lib.rs:136-178)",
        Reported,
        "hookcheck fires every point as the documents describe, so the hooks can be checked at all; every Rustant report's coverage line says the agent fires none",
    )
    .driving(&[]),
];
