//! The inputs checks feed plugins: valid hook data for each contract,
//! shaped like what the real hosts send.

use serde_json::{Value, json};

/// Lesstruct hook data: a new post, an update with custom fields, a
/// published page, and a new post with nothing optional, shaped as the
/// host sends it (internal/domain/content/service.go:236-249): `tags`
/// null, `postType` empty, `customFields` left out.
#[cfg(feature = "wasm")]
pub(crate) fn lesstruct_contents() -> Vec<Value> {
    vec![
        json!({"contentId": 0, "userId": 1, "title": "Hello", "content": "First post, a few words long.",
               "tags": ["intro"], "status": "draft", "postType": "post", "customFields": {"subtitle": "hi"}}),
        json!({"contentId": 42, "userId": 2, "title": "Pricing", "content": "Plans and prices.",
               "tags": [], "status": "published", "postType": "page", "customFields": {"order": 3, "hero": true}}),
        json!({"contentId": 7, "userId": 3, "title": "Ünïcödé — ✓", "content": "Text with \"quotes\" and \\ slashes\n",
               "tags": ["a", "b"], "status": "archived", "postType": "product", "customFields": {"price": 9.5}}),
        json!({"contentId": 0, "userId": 1, "title": "", "content": "",
               "tags": null, "status": "draft", "postType": ""}),
    ]
}

/// Lesstruct hook data for a new post made of `fields` (a write's data, a
/// request's JSON body) laid over the fields every post has, so one that
/// names only `title` still reaches the plugin in the host's shape.
#[cfg(feature = "wasm")]
pub(crate) fn new_post(fields: Option<&serde_json::Map<String, Value>>) -> Value {
    let mut post = json!({"contentId": 0, "userId": 1, "title": "", "content": "",
        "tags": null, "status": "draft", "postType": "post"});
    if let (Some(base), Some(fields)) = (post.as_object_mut(), fields) {
        base.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    post
}

/// FeatherFly config YAML.
pub(crate) const CONFIG_YAML: &[u8] = b"system:\n  plugins_directory: /var/lib/featherfly/plugins\nlisten: 127.0.0.1:9090\ndebug: false\n";

/// FeatherFly JSON bodies for routes, with and without `actions`.
pub(crate) fn json_bodies() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/api/system",
            json!({"version": "8.1.0", "uptime": 12, "actions": [{"id": "restart", "label": "Restart", "step": "confirm"}]}),
        ),
        ("/api/sites", json!({"sites": [{"domain": "example.com"}]})),
        ("/health", json!({"ok": true})),
    ]
}

/// FeatherFly CloudPanel commands: operation, command, args.
pub(crate) fn cloudpanel_commands() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "site:add:php",
            "site:add:php",
            json!({"domainName": "example.com", "phpVersion": "8.3"}),
        ),
        (
            "db:add",
            "db:add",
            json!({"databaseName": "shop", "databaseUserName": "shop"}),
        ),
        (
            "site:delete",
            "site:delete",
            json!({"domainName": "old.example.com", "force": true}),
        ),
    ]
}

/// Request paths derived from a FeatherFly route pattern: the pattern's
/// own path, a sub-path, and near misses (a sibling that shares the
/// prefix without a `/`, the parent), each with whether the host's
/// matcher sends it to the pattern. Near misses exercise the matcher and
/// whatever else the plugin registered; they must not reach this one.
pub(crate) fn paths_for_pattern(pattern: &str) -> Vec<(String, bool)> {
    let base = pattern.trim_end_matches('*').trim_end_matches('/');
    let base = if base.starts_with('/') {
        base.to_owned()
    } else {
        format!("/{base}")
    };
    let literal = (pattern.starts_with('/') && !pattern.contains('*')).then(|| pattern.to_owned());
    let mut paths: Vec<String> = literal.into_iter().collect();
    paths.extend([
        base.clone(),
        format!("{}/probe", base.trim_end_matches('/')),
        format!("{base}x"),
    ]);
    if let Some((parent, _)) = base.rsplit_once('/') {
        paths.push(if parent.is_empty() {
            "/".into()
        } else {
            parent.to_owned()
        });
    }
    let mut seen = std::collections::HashSet::new();
    paths
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .map(|p| {
            let matches = hookcheck::featherfly::pattern_matches(pattern, &p);
            (p, matches)
        })
        .collect()
}

/// The payload FeatherFly sends with lifecycle event `id`, shaped as the
/// host's code builds it (application/src/utils/plugin_events.rs:6-126,
/// daemon.rs:102-169, application/src/plugins/mod.rs:307-311): events 1–5
/// are raw bytes (nothing, the listen address, nothing, the YAML, the
/// plugin's name); the rest are compact JSON in the host's field order,
/// with `query` left out when empty and CloudPanel's `site_type` in
/// snake_case (the documents write `siteType`).
pub(crate) fn event_payload(id: u32) -> Vec<u8> {
    let request = || json!({"request_id": "req-1", "client_ip": "203.0.113.7", "method": "GET", "path": "/api/system"});
    let payload = match id {
        1 | 3 => return Vec::new(),
        2 => return b"127.0.0.1:9090".to_vec(),
        4 => return CONFIG_YAML.to_vec(),
        5 => return b"hello".to_vec(),
        6 | 8 | 11 => request(),
        9 => {
            let mut r = request();
            r["query"] = json!("probe=1");
            r
        }
        7 => {
            let mut r = request();
            r["status"] = json!(200);
            r["duration_ms"] = json!(3);
            r
        }
        10 => {
            json!({"request_id": "req-1", "client_ip": "203.0.113.7", "unknown_hits": 12, "block_secs": 60})
        }
        12 => json!({"delay_ms": 750, "reason": "plugin reload"}),
        13 => json!({"plugin_count": 2, "delay_ms": 750}),
        14 => json!({"uuid": "6f1c0e1a-8a38-4e0f-9f57-3e2f4f8f0c11", "token_id": "tok-1"}),
        15 => json!({"hook_count": 1, "input_len": 90, "output_len": 102}),
        16 => {
            json!({"phase": "request.intercept", "method": "GET", "path": "/api/system", "status": 403})
        }
        17 | 18 => {
            json!({"method": "GET", "path": "/api/system", "input_len": 64, "output_len": 80})
        }
        19 => json!({"plugin": "hello", "method": "GET", "path": "/plugins/hello", "status": 200}),
        20 => {
            json!({"plugin": "hello", "method": "GET", "path": "/plugins/hello", "error": "plugin route handler returned error"})
        }
        _ => json!({"operation": "add_php_site", "command": "site:add:php",
                    "args": ["clpctl", "site:add:php", "--domainName=example.com"], "site_type": "php", "status": 0,
                    "duration_ms": 1200, "hook_handlers": 1}),
    };
    payload.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_paths_match_their_pattern_and_near_misses_do_not() {
        for pattern in ["/admin", "/api", "/plugins/hello", "/x/", "*"] {
            let paths = paths_for_pattern(pattern);
            let matching: Vec<&str> = paths
                .iter()
                .filter(|(_, m)| *m)
                .map(|(p, _)| p.as_str())
                .collect();
            assert!(
                matching.len() >= 2,
                "{pattern}: the pattern itself and a sub-path match: {paths:?}"
            );
            if pattern != "*" {
                assert!(
                    paths.iter().any(|(_, m)| !m),
                    "{pattern}: at least one near miss: {paths:?}"
                );
            }
        }
        let admin = paths_for_pattern("/admin");
        assert!(admin.contains(&("/admin".into(), true)));
        assert!(admin.contains(&("/admin/probe".into(), true)));
        // The host matches a plain prefix: `/adminx` too.
        assert!(admin.contains(&("/adminx".into(), true)));
        assert!(admin.contains(&("/".into(), false)));
        // A pattern without its leading `/`, or with a `*` the host reads
        // literally, is never reached, and the coverage says so.
        assert!(paths_for_pattern("admin").iter().all(|(_, m)| !m));
        assert!(paths_for_pattern("/api/*").iter().all(|(_, m)| !m));
    }

    #[test]
    fn every_event_has_a_payload_of_its_documented_kind() {
        assert!(event_payload(1).is_empty());
        assert_eq!(event_payload(2), b"127.0.0.1:9090");
        for id in 6..=47 {
            let value: Value = serde_json::from_slice(&event_payload(id))
                .unwrap_or_else(|e| panic!("event {id}: {e}"));
            assert!(value.is_object(), "event {id}");
        }
    }
}
