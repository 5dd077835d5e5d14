//! The inputs checks feed plugins: valid hook data for each contract,
//! shaped like what the real hosts send.

use serde_json::{Value, json};

/// Lesstruct hook data: a new post, an update with custom fields, a
/// published page, and one with every optional value empty.
pub(crate) fn lesstruct_contents() -> Vec<Value> {
    vec![
        json!({"contentId": 0, "userId": 1, "title": "Hello", "content": "First post, a few words long.",
               "tags": ["intro"], "status": "draft", "postType": "post", "customFields": {"subtitle": "hi"}}),
        json!({"contentId": 42, "userId": 2, "title": "Pricing", "content": "Plans and prices.",
               "tags": [], "status": "published", "postType": "page", "customFields": {"order": 3, "hero": true}}),
        json!({"contentId": 7, "userId": 3, "title": "Ünïcödé — ✓", "content": "Text with \"quotes\" and \\ slashes\n",
               "tags": ["a", "b"], "status": "archived", "postType": "product", "customFields": {"price": 9.5}}),
        json!({"contentId": 0, "userId": 1, "title": "", "content": "",
               "tags": [], "status": "draft", "postType": "post", "customFields": {}}),
    ]
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
