//! Post-type schemas and the system-field rules.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::{Error, Result};

/// One field of a post type.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The key in `customFields`.
    pub name: String,
    /// `text` (or `string`), `number`, `integer` or `boolean`.
    #[serde(rename = "type", default = "text")]
    pub kind: String,
    /// Managed by plugins: user values are stripped, plugin values validated.
    #[serde(default)]
    pub system: bool,
    /// Must be present (after the hooks, for system fields).
    #[serde(default)]
    pub required: bool,
    /// The allowed values, when set.
    #[serde(default)]
    pub options: Vec<Value>,
    /// Smallest number, or shortest text.
    pub min: Option<f64>,
    /// Largest number, or longest text.
    pub max: Option<f64>,
}

fn text() -> String {
    "text".to_owned()
}

/// A post type's schema (the `postType` value and its fields).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostTypeSchema {
    /// The post type (`post`, `page`, or custom).
    pub name: String,
    /// Its fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}

impl PostTypeSchema {
    /// Parses schema TOML; `source` names the file in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self> {
        let schema: Self = toml::from_str(text).map_err(|e| Error::Manifest {
            source_name: source.to_owned(),
            reason: e.to_string().trim().replace('\n', " "),
        })?;
        for f in &schema.fields {
            if !matches!(
                f.kind.as_str(),
                "text" | "string" | "number" | "integer" | "boolean"
            ) {
                return Err(Error::Manifest {
                    source_name: source.to_owned(),
                    reason: format!(
                        "field `{}`: type `{}` is not text, number, integer or boolean",
                        f.name, f.kind
                    ),
                });
            }
        }
        Ok(schema)
    }

    /// The system fields.
    pub fn system_fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(|f| f.system)
    }

    /// Removes system fields from user-submitted custom fields; returns
    /// the names removed.
    pub fn strip_system(&self, custom: &mut Map<String, Value>) -> Vec<String> {
        self.system_fields()
            .filter_map(|f| custom.remove(&f.name).map(|_| f.name.clone()))
            .collect()
    }

    /// Validates the system fields of `custom` after the hooks ran.
    pub fn validate_system(&self, custom: &Map<String, Value>) -> std::result::Result<(), String> {
        for field in self.system_fields() {
            match custom.get(&field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err(format!("system field `{}` is required", field.name));
                }
                None | Some(Value::Null) => {}
                Some(value) => check(field, value)?,
            }
        }
        Ok(())
    }
}

fn check(field: &FieldDef, value: &Value) -> std::result::Result<(), String> {
    let name = &field.name;
    let measure = match (field.kind.as_str(), value) {
        ("text" | "string", Value::String(s)) => s.chars().count() as f64,
        ("number", Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => n.as_f64().unwrap_or(f64::NAN),
        ("boolean", Value::Bool(_)) => 0.0,
        (kind, other) => return Err(format!("system field `{name}` must be {kind}, got {other}")),
    };
    if !field.options.is_empty() && !field.options.contains(value) {
        return Err(format!(
            "system field `{name}` is {value}, not one of {:?}",
            field.options
        ));
    }
    let what = if matches!(field.kind.as_str(), "text" | "string") {
        "length"
    } else {
        "value"
    };
    if let Some(min) = field.min
        && measure < min
    {
        return Err(format!(
            "system field `{name}` {what} {measure} is below min {min}"
        ));
    }
    if let Some(max) = field.max
        && measure > max
    {
        return Err(format!(
            "system field `{name}` {what} {measure} is above max {max}"
        ));
    }
    Ok(())
}
