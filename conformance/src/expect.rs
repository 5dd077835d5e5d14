//! The expectations file: known failures and skips, each with a reason.
//!
//! ```toml
//! [[expect]]
//! id = "LS-HOOK-008"
//! status = "fail"          # or "skip"
//! reason = "the counter is the point of this plugin"
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::check::Status;
use crate::{Error, Result};

/// One expected failure or skip.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The check id.
    pub id: String,
    /// `fail` or `skip`.
    pub status: Status,
    /// Why (required).
    pub reason: String,
}

/// Every expectation of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// The entries.
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

impl Expectations {
    /// Reads and checks an expectations file: statuses are `fail` or
    /// `skip`, reasons are not empty, ids exist in the catalog.
    pub fn read(path: &Path) -> Result<Self> {
        let text =
            hookcheck::limits::read_text_bounded(path, hookcheck::limits::MAX_INPUT_FILE_BYTES)
                .map_err(|e| Error::Expectations {
                    path: path.to_owned(),
                    reason: match e {
                        hookcheck::Error::Input { reason, .. } => reason,
                        other => other.to_string(),
                    },
                })?;
        Self::parse(&text, path)
    }

    /// Parses expectations text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let bad = |reason: String| Error::Expectations {
            path: path.to_owned(),
            reason,
        };
        let parsed: Self = toml::from_str(text).map_err(|e| {
            // `line L, column C: what`, rather than TOML's drawing of the line.
            let at = e.span().map(|span| {
                let before = text.get(..span.start).unwrap_or_default();
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {column}: ")
            });
            bad(format!("{}{}", at.unwrap_or_default(), e.message().trim()))
        })?;
        for e in &parsed.expect {
            if crate::find(&e.id).is_none() {
                return Err(bad(format!(
                    "`{}` is not a check id (see `hookcheck checks`)",
                    e.id
                )));
            }
            if e.status == Status::Pass {
                return Err(bad(format!("`{}`: status must be `fail` or `skip`", e.id)));
            }
            if e.reason.trim().is_empty() {
                return Err(bad(format!("`{}`: every expectation needs a reason", e.id)));
            }
        }
        Ok(parsed)
    }

    /// Fails when an entry names a check of another profile than
    /// `contract`: it would never apply, and a silent expectation hides a
    /// mistake. `path` names the file in the error.
    pub fn check_profile(&self, contract: hookcheck::engine::Contract, path: &Path) -> Result<()> {
        for e in &self.expect {
            if let Some(check) = crate::find(&e.id)
                && check.profile != contract
            {
                return Err(Error::Expectations {
                    path: path.to_owned(),
                    reason: format!(
                        "`{}` is a {} check, and this run checks profile {contract}",
                        e.id, check.profile
                    ),
                });
            }
        }
        Ok(())
    }

    /// The expectation for check `id`.
    pub fn get(&self, id: &str) -> Option<&Expectation> {
        self.expect.iter().find(|e| e.id.eq_ignore_ascii_case(id))
    }
}
