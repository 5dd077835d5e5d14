//! Lesstruct: where the plugin guide (seed 002) and the host's code at
//! `aristorinjuang/lesstruct@af5edad8a1dc5ebc8f2f2bf3f1f758c0bd513d2a`
//! disagree.

use crate::host::{Divergence, Handling};

use Handling::{Emulated, KeptSafe};

/// Every known difference.
pub(crate) const DIVERGENCES: &[Divergence] = &[
    Divergence::new(
        "start functions",
        "seed 002: a Rust plugin built for wasm32-wasip1 as a library",
        "internal/plugin/loader/loader.go:98-104: instantiated with an empty start-function list: neither `_start` nor `_initialize` runs",
        Emulated,
        "hookcheck never calls them either; a trap in a module that exports `_initialize` says the host never calls it",
    )
    .driving(&[]),
    Divergence::new(
        "memory too small for the input",
        "seed 002: the host writes the input at offset 65536",
        "internal/plugin/registry/discover.go:21-28: memory is never grown; an input that does not fit fails the save with 500",
        Emulated,
        "the save fails with 500 and the failure says the host never grows memory for the input",
    )
    .driving(&[]),
    Divergence::new(
        "memory cap",
        "seed 002: plugins run with a memory limit",
        "internal/plugin/runtime/runtime.go:43-46, types.go:8: the 64 MiB default is never passed to wazero",
        KeptSafe,
        "hookcheck keeps its own hard cap (LS-HOOK-003)",
    )
    .driving(&["LS-HOOK-003"]),
    Divergence::new(
        "timeout closes the instance",
        "seed 002: a hook that runs too long is stopped",
        "internal/plugin/runtime/executor.go:31-32: a 30 s deadline; wazero closes the instance on it, and every later call fails until restart; after a trap the instance is kept",
        Emulated,
        "LS-HOOK-002 fails (required); later calls fail as the closed instance's do, and a trapped instance is kept",
    )
    .driving(&["LS-HOOK-002"]),
    Divergence::new(
        "missing __hook_result_len",
        "seed 002: export `__hook_result_len` to give the result's length",
        "internal/plugin/registry/discover.go:56-73: missing, trapping or wrong-arity: the length falls back to the input's length",
        Emulated,
        "LS-OUT-* read what the host reads",
    )
    .driving(&[]),
    Divergence::new(
        "before_save result not parseable",
        "seed 002: a hook returns the content JSON",
        "internal/domain/content/service.go:273-291: any unmarshal error (trailing bytes, `\"title\": 5`, non-object customFields) is ignored and the save succeeds without the plugin's change",
        Emulated,
        "the save succeeds without the change, as on the host; LS-OUT-002/003/004 fail (required) saying the change is dropped, LS-OUT-001 warns for bytes Go replaces (the rest of the change goes through)",
    )
    .driving(&["LS-OUT-001", "LS-OUT-002"]),
    Divergence::new(
        "rejecting a save",
        "seed 002 (Failure Mode): when a hook returns an error, the request fails with 500 and the content is not saved",
        "internal/domain/content/service.go:273-291, 515-518: only a failed call (an error from executing the module) fails the save; a result such as `{\"error\": …}` is read for its `customFields` only and the post is saved with 200",
        Emulated,
        "the post is saved, as on the host; LS-HOOK-009 fails (required) a result that rejects, saying the post is saved anyway and that a trap is what refuses a save",
    )
    .driving(&["LS-HOOK-009"]),
    Divergence::new(
        "chains",
        "seed 002: each plugin may modify the content",
        "internal/plugin/registry/registry.go:57-147, service.go:520-522: each plugin gets the previous plugin's raw bytes; only the final result's `customFields` is applied",
        Emulated,
        "each plugin gets the previous one's raw result and only the final `customFields` applies; LS-CHAIN-001 fails (required) a result that drops the hook data the next plugin needs",
    )
    .driving(&["LS-CHAIN-001"]),
    Divergence::new(
        "invalid system field",
        "seed 002 system fields: an invalid value answers 500",
        "internal/domain/content/service.go:528-530, internal/api/handlers/content.go:73-76: 400 `system_field_validation`",
        Emulated,
        "hookcheck answers 400 as the host does",
    )
    .driving(&[]),
    Divergence::new(
        "hook data shape",
        "seed 002: eight keys, contentId of the item",
        "internal/domain/content/service.go:236-390: `customFields` omitted when empty, `tags` null when the request has none, `contentId` 0 in after_create/after_publish, `userId` the owner on update",
        Emulated,
        "the standard inputs and the harness's writes send the null, empty and omitted shapes; after hooks still get the stored row and `userId` is the requesting user",
    )
    .driving(&[]),
    Divergence::new(
        "manifest keys",
        "seed 002 manifest: capabilities with URL patterns and table grants",
        "internal/plugin/capability/manifest.go:12-31 and types.go:36-54, 81-83: unknown keys, `max_memory_mb` and `[capabilities.rate_limit]` are accepted and unused; a bare `*` URL allows everything",
        Emulated,
        "accepted as the host accepts them, named in LS-LOAD-007's evidence; a bare `*` allows every URL",
    )
    .driving(&["LS-LOAD-007"]),
    Divergence::new(
        "second plugin with a manifest",
        "seed 002: each plugin has its own manifest",
        "internal/plugin/hostfunctions/registry.go:34-133 and internal/plugin/loader/loader.go:81-96: one `lesstruct` host module per plugin with a manifest, in one shared runtime: the second plugin with a manifest fails to load (`module[lesstruct] has already been instantiated`), a host bug",
        Emulated,
        "the second plugin with a manifest does not load (skipped with a warning in a directory), and an import the manifest does not grant fails the load (LS-LOAD-006); a plugin without a manifest that imports host functions is not linked to the first's grants yet",
    )
    .driving(&["LS-LOAD-006"]),
    Divergence::new(
        "host answer shapes",
        "seed 002: answers are JSON at offset 4096",
        "internal/plugin/hostfunctions/http.go:203-225, database.go:273-283: no terminator and no length; stale bytes stay after a shorter answer; answers up to 1 MiB overwrite the input at 65536",
        Emulated,
        "hookcheck writes the host's shapes: no terminator, rows as arrays, `rows`/`body`/`headers` left out when empty, canonical header keys, `status: 0` on HTTP errors, `permission_denied`/`query_error`/`exec_error`; the pdk reads one JSON value",
    )
    .driving(&[]),
    Divergence::new(
        "HTTP redirects",
        "seed 002: HTTP only to URLs the manifest allows",
        "internal/plugin/hostfunctions/http.go:55, 88-93, 138: the allowlist is checked on the first URL only, and Go's default client follows up to 10 redirects; response bodies are cut at 1 MiB",
        KeptSafe,
        "hookcheck re-checks every redirect against the manifest",
    )
    .driving(&[]),
    Divergence::new(
        "bad plugins",
        "seed 002: plugins in the plugin directory are loaded",
        "internal/plugin/loader/loader.go:137-153: a plugin that fails to load is logged (`Failed to load plugin: <file> - <err>`) and skipped; the rest load",
        Emulated,
        "`serve`, `replay` and `Harness` skip it with a warning and load the others",
    )
    .driving(&[]),
];
