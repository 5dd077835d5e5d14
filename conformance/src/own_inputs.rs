//! The author's own inputs (`--inputs DIR`, [`Subject::with_inputs`]):
//! recorded fixtures the checks feed the plugin after the standard inputs.
//!
//! [`Subject::with_inputs`]: crate::Subject::with_inputs

use std::path::Path;

use hookcheck::engine::Contract;
use hookcheck::engine::RequestMeta;
use hookcheck::fixtures::{
    ConfigEvent, Event, JsonEvent, RequestEvent, WriteEvent, fixture_files, read_fixture,
};

use crate::error::{Error, Result};

/// At most this many fixture files are read from one inputs directory.
pub const MAX_INPUT_FIXTURES: usize = 1000;

/// Inputs an author adds to the standard ones, each labelled by its file
/// name. Which contract reads which kind:
///
/// | kind | Pylon | Lesstruct | FeatherFly |
/// |---|---|---|---|
/// | `request` | `on_request_with_meta` | — | `request.intercept`, `middleware.inject` |
/// | `write` | `before_*` / `after_*` writes | inserts and updates: `before_save` and the after hooks (the write's `data` over a new post) | — |
/// | `config` | — | — | `config.mutate` |
/// | `json` | — | — | the JSON mixins |
///
/// Rustant plugins take none of them.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Requests.
    pub requests: Vec<(String, RequestEvent)>,
    /// Entity writes.
    pub writes: Vec<(String, WriteEvent)>,
    /// Configuration documents.
    pub configs: Vec<(String, ConfigEvent)>,
    /// JSON response bodies.
    pub json: Vec<(String, JsonEvent)>,
}

impl Inputs {
    /// Reads every fixture (`.yaml`, `.yml`, `.json`, the format of
    /// `fixtures/README.md`) in `dir`; `expect` blocks are ignored.
    ///
    /// # Errors
    ///
    /// An unreadable directory, a malformed fixture (named), a directory
    /// without fixtures, or more than [`MAX_INPUT_FIXTURES`].
    pub fn read_dir(dir: &Path) -> Result<Self> {
        let files = fixture_files(dir)?;
        if files.len() > MAX_INPUT_FIXTURES {
            return Err(Error::artifact(
                dir,
                format!(
                    "{} fixture files; at most {MAX_INPUT_FIXTURES} are read as inputs",
                    files.len()
                ),
            ));
        }
        let fixtures = files
            .into_iter()
            .map(|p| read_fixture(&p).map(|f| (p, f)))
            .collect::<hookcheck::Result<Vec<_>>>()?;
        if fixtures.is_empty() {
            return Err(Error::artifact(
                dir,
                "no fixture files (.yaml, .yml, .json) in this inputs directory",
            ));
        }
        let mut inputs = Self::default();
        for (path, fixture) in fixtures {
            let label = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            match fixture.event {
                Event::Request(r) => inputs.requests.push((label, r)),
                Event::Write(w) => inputs.writes.push((label, w)),
                Event::Config(c) => inputs.configs.push((label, c)),
                Event::Json(j) => inputs.json.push((label, j)),
            }
        }
        Ok(inputs)
    }

    /// How many inputs there are.
    pub fn len(&self) -> usize {
        self.requests.len() + self.writes.len() + self.configs.len() + self.json.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of these inputs `contract`'s checks send, and what they
    /// leave out (`"1 write"`): Pylon takes requests and writes, Lesstruct
    /// inserts and updates, FeatherFly requests, config and JSON; Rustant
    /// and hosted contracts none.
    pub fn taken_by(&self, contract: Contract) -> (usize, Vec<String>) {
        let deletes = self
            .writes
            .iter()
            .filter(|(_, w)| w.op == hookcheck::engine::WriteOp::Delete)
            .count();
        let kinds = [
            ("request", self.requests.len()),
            ("write", self.writes.len() - deletes),
            ("delete", deletes),
            ("config document", self.configs.len()),
            ("JSON body", self.json.len()),
        ];
        let takes: &[&str] = match contract {
            Contract::PYLON => &["request", "write", "delete"],
            Contract::LESSTRUCT => &["write"],
            Contract::FEATHERFLY => &["request", "config document", "JSON body"],
            _ => &[],
        };
        let mut taken = 0;
        let mut left = Vec::new();
        for (kind, n) in kinds {
            if takes.contains(&kind) {
                taken += n;
            } else if n > 0 {
                left.push(format!("{n} {kind}{}", if n == 1 { "" } else { "s" }));
            }
        }
        (taken, left)
    }

    /// The requests as a host's request hooks see them.
    pub(crate) fn request_metas(&self) -> impl Iterator<Item = (&str, RequestMeta)> {
        self.requests
            .iter()
            .map(|(label, r)| (label.as_str(), r.meta()))
    }

    /// Lesstruct hook data: each insert or update's `data` laid over the
    /// fields of a new post, so a write that names only `title` still
    /// reaches the plugin in the host's shape.
    #[cfg(feature = "wasm")]
    pub(crate) fn lesstruct_contents(&self) -> impl Iterator<Item = (&str, serde_json::Value)> {
        self.writes
            .iter()
            .filter(|(_, w)| w.op != hookcheck::engine::WriteOp::Delete)
            .map(|(label, w)| (label.as_str(), crate::inputs::new_post(w.data.as_object())))
    }
}
