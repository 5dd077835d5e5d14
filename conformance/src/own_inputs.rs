//! The author's own inputs (`--inputs DIR`, [`Subject::with_inputs`]):
//! recorded fixtures the checks feed the plugin after the standard inputs.
//!
//! [`Subject::with_inputs`]: crate::Subject::with_inputs

use std::path::Path;

use hookcheck::engine::RequestMeta;
use hookcheck::fixtures::{
    ConfigEvent, Event, JsonEvent, RequestEvent, WriteEvent, fixture_files, read_fixture,
};

use crate::error::{Error, Result};

/// At most this many fixture files are read from one inputs directory.
pub const MAX_INPUT_FIXTURES: usize = 1000;

/// What the author adds to every request hookcheck derives
/// (`--header NAME:VALUE`, `--path PATH`, `--body FILE`): the way to reach
/// a branch the standard requests miss (a hook that answers only requests
/// carrying `x-deny: 1`) without writing a fixture.
///
/// | | Pylon | Lesstruct | FeatherFly |
/// |---|---|---|---|
/// | headers | documented-trait plugins (the crate's hook sees none) | — | every derived request, sent again with them |
/// | paths | requested like the standard paths | — | requested like the derived paths |
/// | body | — | laid over a new post, saved like a write | every derived POST, and every JSON mixin input when it is JSON |
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestExtras {
    /// Headers added to every derived request.
    pub headers: Vec<(String, String)>,
    /// Paths requested besides the derived ones.
    pub paths: Vec<String>,
    /// A body sent on every derived POST (and, as JSON, to the mixins).
    pub body: Option<Vec<u8>>,
}

/// The largest `--body` file read: the FeatherFly daemon's request limit.
pub const MAX_BODY_BYTES: usize = 1 << 20;

impl RequestExtras {
    /// Whether nothing is added.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.paths.is_empty() && self.body.is_none()
    }

    /// Parses one `--header` argument, `NAME:VALUE`.
    ///
    /// # Errors
    ///
    /// No `:`, an empty name, or a name or value a request cannot carry.
    pub fn parse_header(arg: &str) -> std::result::Result<(String, String), String> {
        let (name, value) = arg
            .split_once(':')
            .ok_or_else(|| format!("`{arg}` is not a header: write NAME:VALUE, e.g. x-deny:1"))?;
        let (name, value) = (name.trim(), value.trim());
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(format!(
                "`{arg}`: `{name}` is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
            ));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(format!(
                "`{arg}`: a header value cannot hold control characters"
            ));
        }
        Ok((name.to_owned(), value.to_owned()))
    }

    /// Parses one `--path` argument: an absolute request path.
    ///
    /// # Errors
    ///
    /// A path that does not start with `/`, or holds spaces or control
    /// characters.
    pub fn parse_path(arg: &str) -> std::result::Result<String, String> {
        if !arg.starts_with('/') || arg.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "`{arg}` is not a request path: write an absolute path such as /api/orders"
            ));
        }
        Ok(arg.to_owned())
    }

    /// Reads a `--body` file, at most [`MAX_BODY_BYTES`].
    ///
    /// # Errors
    ///
    /// A file that cannot be read or is larger than the limit.
    pub fn read_body(path: &Path) -> Result<Vec<u8>> {
        let meta = std::fs::metadata(path).map_err(|e| Error::artifact(path, e.to_string()))?;
        if meta.len() > MAX_BODY_BYTES as u64 {
            return Err(Error::artifact(
                path,
                format!(
                    "{} bytes; a request body is at most {MAX_BODY_BYTES} bytes (the FeatherFly daemon answers larger ones 400)",
                    meta.len()
                ),
            ));
        }
        std::fs::read(path).map_err(|e| Error::artifact(path, e.to_string()))
    }

    /// The body as JSON, when it is JSON.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
    }
}

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
    /// What is added to every derived request.
    pub extras: RequestExtras,
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

    /// Whether there are none: no fixture and no request extras.
    pub fn is_empty(&self) -> bool {
        self.len() == 0 && self.extras.is_empty()
    }

    /// How many of these inputs a contract whose checks send the kinds
    /// `takes` (its entry's [`input_kinds`](crate::ContractEntry::input_kinds))
    /// sends, and what it leaves out (`"1 write"`).
    pub fn taken_by(&self, takes: &[&str]) -> (usize, Vec<String>) {
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
    /// reaches the plugin in the host's shape; then the `--body`, when it
    /// is a JSON object, the same way.
    #[cfg(feature = "wasm")]
    pub(crate) fn lesstruct_contents(&self) -> Vec<(String, serde_json::Value)> {
        let mut out: Vec<(String, serde_json::Value)> = self
            .writes
            .iter()
            .filter(|(_, w)| w.op != hookcheck::engine::WriteOp::Delete)
            .map(|(label, w)| {
                (
                    format!("input {label}"),
                    crate::inputs::new_post(w.data.as_object()),
                )
            })
            .collect();
        if let Some(serde_json::Value::Object(fields)) = self.extras.json_body() {
            out.push(("your --body".into(), crate::inputs::new_post(Some(&fields))));
        }
        out
    }
}
