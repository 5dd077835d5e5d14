//! What the Lesstruct host makes of a `before_save` result: Go's
//! `json.Unmarshal` into its eight-field hook-data struct
//! (internal/domain/content/service.go:21-30, 273-291 at the pinned
//! commit). Any error and the host ignores the whole result, silently; on
//! success only `customFields` is applied.

use serde_json::{Map, Value};

use super::protocol::{NOT_JSON, NOT_UTF8};
use crate::engine::{BadOutput, Failure};

/// Phrase in the reason for a `before_save` result that is not an object.
pub(crate) const NOT_OBJECT: &str = "result is JSON but not an object";
/// Phrase in the reason for a `customFields` that is not an object.
pub(crate) const CUSTOM_FIELDS_NOT_OBJECT: &str = "result `customFields` is not an object";

/// What the host reads from a result.
#[derive(Debug, PartialEq)]
pub(crate) struct HostRead {
    /// The `customFields` the host applies (`None`: absent or null, the
    /// content keeps its own).
    pub(crate) custom_fields: Option<Map<String, Value>>,
}

/// Reads `bytes` as the host does: the bytes that are not UTF-8, if any
/// (Go replaces them, no error), and what the host applies — or, as
/// `Err`, why it ignores the result and with it the plugin's change.
pub(crate) fn host_reads(bytes: &[u8]) -> (Option<Failure>, Result<HostRead, Failure>) {
    let not_utf8 = std::str::from_utf8(bytes).err().map(|e| {
        Failure::bad_output(
            BadOutput::NotUtf8,
            format!(
                "{NOT_UTF8}: invalid byte at offset {}; the host replaces it with U+FFFD",
                e.valid_up_to()
            ),
        )
    });
    (not_utf8, read(&String::from_utf8_lossy(bytes)))
}

fn read(text: &str) -> Result<HostRead, Failure> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Failure::bad_output(
            BadOutput::NotJson,
            format!("{NOT_JSON}: {e}; the host ignores it and saves without your change"),
        )
    })?;
    let object = match value {
        Value::Null => {
            return Ok(HostRead {
                custom_fields: None,
            });
        }
        Value::Object(object) => object,
        other => {
            return Err(Failure::bad_output(
                BadOutput::NotObject,
                format!("{NOT_OBJECT}: {other}; the host ignores it and saves without your change"),
            ));
        }
    };
    let mut custom_fields = None;
    // Go matches field names case-insensitively. With repeated keys
    // (`customFields` and `CustomFields`) Go merges them in document order;
    // here the one that sorts last wins — a known gap.
    for (key, value) in &object {
        let field = key.to_ascii_lowercase();
        let ok = match field.as_str() {
            "contentid" | "userid" => value.is_null() || value.is_i64() || value.is_u64(),
            "title" | "content" | "status" | "posttype" => value.is_null() || value.is_string(),
            "tags" => {
                value.is_null()
                    || value
                        .as_array()
                        .is_some_and(|a| a.iter().all(|t| t.is_string() || t.is_null()))
            }
            "customfields" => match value {
                Value::Null => true,
                Value::Object(map) => {
                    custom_fields = Some(map.clone());
                    true
                }
                _ => {
                    return Err(Failure::bad_output(
                        BadOutput::CustomFieldsNotObject,
                        format!(
                            "{CUSTOM_FIELDS_NOT_OBJECT}: {value}; the host ignores the result and saves without your change"
                        ),
                    ));
                }
            },
            _ => true,
        };
        if !ok {
            return Err(Failure::bad_output(
                BadOutput::WrongShape,
                format!(
                    "result `{key}` is {value}, not the type the host reads; the host ignores the result and saves without your change"
                ),
            ));
        }
    }
    Ok(HostRead { custom_fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: &[u8]) -> Option<BadOutput> {
        host_reads(bytes).1.err().and_then(|f| f.bad_output_kind())
    }

    fn custom(bytes: &[u8]) -> Option<Map<String, Value>> {
        host_reads(bytes).1.unwrap().custom_fields
    }

    #[test]
    fn the_host_reads_results_as_go_unmarshals_them() {
        assert_eq!(
            custom(br#"{"title":"x","customFields":{"a":1}}"#).unwrap()["a"],
            1
        );
        assert_eq!(custom(br#"{"CUSTOMFIELDS":{"b":2}}"#).unwrap()["b"], 2);
        assert!(custom(b"null").is_none());
        assert_eq!(
            kind(br#"{"title":5,"customFields":{}}"#),
            Some(BadOutput::WrongShape)
        );
        assert_eq!(kind(br#"{"contentId":1.5}"#), Some(BadOutput::WrongShape));
        assert_eq!(
            kind(br#"{"customFields":[1]}"#),
            Some(BadOutput::CustomFieldsNotObject)
        );
        assert_eq!(kind(br#"{"a":1} trailing"#), Some(BadOutput::NotJson));
        assert_eq!(kind(b"[1]"), Some(BadOutput::NotObject));
        let (not_utf8, lossy) = host_reads(b"{\"customFields\":{\"s\":\"\xff\"}}");
        assert_eq!(lossy.unwrap().custom_fields.unwrap()["s"], "\u{fffd}");
        assert_eq!(
            not_utf8.and_then(|f| f.bad_output_kind()),
            Some(BadOutput::NotUtf8)
        );
    }
}
