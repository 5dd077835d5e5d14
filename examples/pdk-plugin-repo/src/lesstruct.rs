//! The Lesstruct side: `before_save` adds `customFields.words`.

use serde_json::{Map, Value};

/// The hook data with `customFields.words` set, or `None` (no change) for
/// input that is not a JSON object.
fn before_save(input: &[u8]) -> Option<Vec<u8>> {
    let Ok(Value::Object(mut content)) = serde_json::from_slice::<Value>(input) else {
        return None;
    };
    let words = crate::words(content.get("content").and_then(Value::as_str).unwrap_or(""));
    let mut custom = match content.remove("customFields") {
        Some(Value::Object(custom)) => custom,
        _ => Map::new(),
    };
    custom.insert("words".into(), Value::from(words));
    content.insert("customFields".into(), Value::Object(custom));
    serde_json::to_vec(&content).ok()
}

hookcheck_pdk::lesstruct_plugin! {
    hook_before_save => before_save,
}
