//! The capability manifest (`<name>.manifest`, TOML).

use serde::Deserialize;

use crate::{Error, Result};

/// A table a plugin can be granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantTable {
    /// `content` → `content_items`.
    Content,
    /// `media` → `media_files`.
    Media,
    /// `users` → `users`.
    Users,
}

impl GrantTable {
    /// The SQL table the grant names.
    pub fn table(self) -> &'static str {
        match self {
            Self::Content => "content_items",
            Self::Media => "media_files",
            Self::Users => "users",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "content" => Self::Content,
            "media" => Self::Media,
            "users" => Self::Users,
            _ => return None,
        })
    }

    /// The grant for a SQL table name, compared case-insensitively.
    pub fn for_table(table: &str) -> Option<Self> {
        [Self::Content, Self::Media, Self::Users]
            .into_iter()
            .find(|g| g.table().eq_ignore_ascii_case(table))
    }
}

/// One `database` permission: `read:<table>` or `write:<table>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DbGrant {
    /// `true` for `write:`.
    pub write: bool,
    /// The table.
    pub table: GrantTable,
}

/// A parsed capability manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityManifest {
    /// The plugin's name (non-empty).
    pub name: String,
    /// The plugin's version (non-empty).
    pub version: String,
    /// URL patterns, in order.
    pub http: Vec<String>,
    /// Database permissions.
    pub database: Vec<DbGrant>,
    /// Keys the host accepts and never uses (`max_memory_mb`,
    /// `[capabilities.rate_limit]`, unknown keys), and a bare `*` URL
    /// pattern, which the host reads as every URL
    /// (internal/plugin/capability/manifest.go:12-31, types.go:36-54).
    pub ignored: Vec<String>,
}

#[derive(Deserialize)]
struct RawManifest {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    capabilities: RawCapabilities,
    #[serde(flatten)]
    extra: std::collections::BTreeMap<String, toml::Value>,
}

#[derive(Default, Deserialize)]
struct RawCapabilities {
    #[serde(default)]
    http: Vec<String>,
    #[serde(default)]
    database: Vec<String>,
    #[serde(flatten)]
    extra: std::collections::BTreeMap<String, toml::Value>,
}

impl CapabilityManifest {
    /// Parses manifest text; `source` names the file in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self> {
        let bad = |reason: String| Error::Manifest {
            source_name: source.to_owned(),
            reason,
        };
        let raw: RawManifest =
            toml::from_str(text).map_err(|e| bad(e.to_string().trim().replace('\n', " ")))?;
        let name = raw
            .name
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| bad("`name` is required and must not be empty".into()))?;
        let version = raw
            .version
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| bad("`version` is required and must not be empty".into()))?;
        let mut ignored: Vec<String> =
            raw.extra
                .keys()
                .map(|k| format!("`{k}` (the host accepts it and never uses it)"))
                .chain(
                    raw.capabilities.extra.keys().map(|k| {
                        format!("`capabilities.{k}` (the host accepts it and never uses it)")
                    }),
                )
                .collect();
        for pattern in &raw.capabilities.http {
            if pattern == "*" {
                ignored.push(
                    "http pattern `*`: the host allows every URL with it; hookcheck does too"
                        .into(),
                );
                continue;
            }
            if pattern.trim_end_matches('*').contains('*') {
                return Err(bad(format!(
                    "http pattern `{pattern}`: `*` is allowed only at the end"
                )));
            }
            let base = pattern.trim_end_matches('*');
            if url::Url::parse(base).is_err() {
                return Err(bad(format!("http pattern `{pattern}` is not a URL")));
            }
        }
        let database = raw
            .capabilities
            .database
            .iter()
            .map(|p| {
                let (op, table) = p.split_once(':').ok_or_else(|| {
                    bad(format!(
                        "database permission `{p}` is not `read:<table>` or `write:<table>`"
                    ))
                })?;
                let write = match op {
                    "read" => false,
                    "write" => true,
                    _ => {
                        return Err(bad(format!(
                            "database permission `{p}`: `{op}` is not `read` or `write`"
                        )));
                    }
                };
                let table = GrantTable::parse(table).ok_or_else(|| {
                    bad(format!(
                        "database permission `{p}`: `{table}` is not one of content, media, users"
                    ))
                })?;
                Ok(DbGrant { write, table })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            name,
            version,
            http: raw.capabilities.http,
            database,
            ignored,
        })
    }

    /// Reads and parses the manifest file at `path`.
    pub fn read(path: &std::path::Path) -> Result<Self> {
        let text = crate::limits::read_text_bounded(path, crate::limits::MAX_INPUT_FILE_BYTES)?;
        Self::parse(&text, &path.display().to_string())
    }
}
