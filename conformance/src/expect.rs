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
use crate::text::printable;
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

/// Where each entry's id is written, for errors that name a line.
#[derive(Deserialize)]
struct Spans {
    #[serde(default)]
    expect: Vec<IdSpan>,
}

#[derive(Deserialize)]
struct IdSpan {
    id: toml::Spanned<String>,
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
    /// `skip`, reasons are not empty, ids exist in the catalog, and no id
    /// is listed twice.
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
        // `line L, column C: ` for a byte offset into `text`.
        let at = |offset: usize| {
            let before = text.get(..offset).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, column)
        };
        let parsed: Self = toml::from_str(text).map_err(|e| {
            // `line L, column C: what`, rather than TOML's drawing of the line.
            let at = e.span().map(|span| {
                let (line, column) = at(span.start);
                format!("line {line}, column {column}: ")
            });
            bad(format!(
                "{}{}",
                at.unwrap_or_default(),
                printable(e.message().trim())
            ))
        })?;
        for e in &parsed.expect {
            let id = printable(&e.id);
            if crate::find(&e.id).is_none() {
                return Err(bad(format!(
                    "`{id}` is not a check id (see `hookcheck checks`)"
                )));
            }
            if e.status == Status::Pass {
                return Err(bad(format!("`{id}`: status must be `fail` or `skip`")));
            }
            if e.reason.trim().is_empty() {
                return Err(bad(format!("`{id}`: every expectation needs a reason")));
            }
        }
        // One entry per check: with two, which reason (or status) holds
        // would depend on the order of the file.
        let spans: Spans = toml::from_str(text).map_err(|e| bad(printable(e.message().trim())))?;
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for entry in &spans.expect {
            let id = entry.id.get_ref().as_str();
            let (line, _) = at(entry.id.span().start);
            if let Some((_, first)) = seen.iter().find(|(s, _)| s.eq_ignore_ascii_case(id)) {
                return Err(bad(format!(
                    "line {line}: `{}` is expected twice (first on line {first}); keep one entry per check",
                    printable(id)
                )));
            }
            seen.push((id, line));
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
                        printable(&e.id),
                        check.profile
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

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "[[expect]]\nid = \"LS-HOOK-001\"\nstatus = \"fail\"\nreason = \"traps\"\n";

    #[test]
    fn a_check_listed_twice_is_refused_naming_the_file_the_id_and_the_line() {
        let path = Path::new("dir/known.toml");
        assert!(Expectations::parse(ENTRY, path).is_ok());
        let twice = format!("{ENTRY}\n{}", ENTRY.replace("LS-HOOK-001", "ls-hook-001"));
        let e = Expectations::parse(&twice, path).unwrap_err().to_string();
        assert_eq!(
            e,
            "failed to read expectations dir/known.toml: line 7: `ls-hook-001` is expected twice (first on line 2); keep one entry per check"
        );
    }

    #[test]
    fn control_bytes_in_an_id_are_not_printed_raw() {
        let text = ENTRY.replace("LS-HOOK-001", "\\u001b[31mX");
        let e = Expectations::parse(&text, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`\\u{1b}[31mX` is not a check id"), "{e}");
        assert!(!e.contains('\u{1b}'), "{e}");
    }
}
