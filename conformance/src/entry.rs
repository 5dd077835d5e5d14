//! One contract's entry: everything the commands need from a contract,
//! registered once in the [`Catalog`](crate::Catalog). The built-in
//! contracts' entries live in `contracts/`, one line each in
//! `contracts/builtin.rs`; a contract added outside this crate registers
//! its own with [`Catalog::with`](crate::Catalog::with) (a
//! [`HostedEntry`](crate::HostedEntry) for a host played through the seam).

use hookcheck::engine::Contract;
use hookcheck::host::LoadOptions;

use crate::subject::{Artifact, Subject};
use crate::suite::Suite;
use crate::{Error, RequestExtras, Result};

/// How a run opens native plugins: the command that starts their child
/// runner (`None`: find a `hookcheck` executable, see
/// [`native_runner`](crate::native_runner)).
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// The child runner of native plugins.
    pub runner: Option<hookcheck::featherfly::RunnerCommand>,
}

/// One document built into the binary: its path in the repository and
/// its text.
#[derive(Clone, Copy, Debug)]
pub struct Document {
    /// The path, from the repository's root (`docs/contracts/pylon.md`).
    pub path: &'static str,
    /// The text.
    pub text: &'static str,
}

/// A contract's two pages in this repository, built into the binary: the
/// contract document (`docs/contracts/NAME.md`, whose `Checks` table
/// `explain` cites) and the checks' lessons (`docs/checks/NAME.md`).
#[derive(Clone, Copy, Debug)]
pub struct Documents {
    /// The contract document.
    pub contract: Document,
    /// The lessons: why, bad, good, fix per check.
    pub lessons: Document,
}

/// The [`Documents`] of the built-in contract `$name`, from `docs/`.
macro_rules! documents {
    ($name:literal) => {
        $crate::entry::Documents {
            contract: $crate::entry::Document {
                path: concat!("docs/contracts/", $name, ".md"),
                text: include_str!(concat!("../../../../docs/contracts/", $name, ".md")),
            },
            lessons: $crate::entry::Document {
                path: concat!("docs/checks/", $name, ".md"),
                text: include_str!(concat!("../../../../docs/checks/", $name, ".md")),
            },
        }
    };
}
pub(crate) use documents;

/// How `serve` and `replay` load a directory of plugins: the deadline of
/// one hook call and the command that starts a native runner.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// How long one hook call may take.
    pub timeout: std::time::Duration,
    /// The child runner of native plugins.
    pub runner: hookcheck::featherfly::RunnerCommand,
}

/// Everything the tools need from one contract.
pub trait ContractEntry: Sync {
    /// The contract.
    fn contract(&self) -> Contract;

    /// Its suite of checks.
    fn suite(&self) -> &'static Suite;

    /// Why this contract claims `artifact` when no profile is given (`a
    /// WASM module`, `exports featherfly_plugin_entry`), if it does.
    fn detect(&self, _artifact: &Artifact) -> Option<&'static str> {
        None
    }

    /// What files [`ContractEntry::detect`] claims, for the message when
    /// none does (`a WASM module (\`\\0asm\`)`).
    fn claims(&self) -> Option<&'static str> {
        None
    }

    /// Opens `artifact` as one of this contract's plugins.
    ///
    /// # Errors
    ///
    /// The file is not a plugin this contract can check, in one line.
    fn open(&self, artifact: Artifact, _options: &OpenOptions) -> Result<Subject> {
        Err(artifact.bad(format!(
            "the {} contract opens no plugin files; check its plugins through the library",
            self.contract()
        )))
    }

    /// The in-process plugins built into hookcheck that `CONTRACT:NAME`
    /// names.
    fn bundled_names(&self) -> Vec<String> {
        Vec::new()
    }

    /// The bundled plugin `name` and a sentence saying what it is, if
    /// there is one.
    fn open_bundled(&self, _name: &str) -> Option<(Subject, String)> {
        None
    }

    /// Where a bundled plugin's source is, for `explain`.
    fn bundled_source(&self, name: &str) -> String {
        format!("the bundled `{name}`")
    }

    /// The kinds of the author's own input fixtures its checks send
    /// (`request`, `write`, `delete`, `config document`, `JSON body`).
    fn input_kinds(&self) -> &'static [&'static str] {
        &[]
    }

    /// Its pages in this repository, if it has them.
    fn documents(&self) -> Option<Documents> {
        None
    }

    /// `options` with what this contract's loader needs to load a
    /// directory of its plugins for `serve` and `replay` (its own option
    /// type, read by its [`HostEntry`](hookcheck::host::HostEntry)).
    fn load_options(&self, options: LoadOptions, _serve: &ServeOptions) -> LoadOptions {
        options
    }

    /// Which of the request flags given (`--header`, `--path`, `--body`)
    /// its checks use.
    fn request_flags(&self, _extras: &RequestExtras) -> &'static [&'static str] {
        &[]
    }
}

impl std::fmt::Debug for dyn ContractEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ContractEntry({})", self.contract())
    }
}

/// The error for a bundled plugin that does not exist.
pub(crate) fn no_bundled(entry: &dyn ContractEntry, name: &str) -> Error {
    let known = entry.bundled_names();
    Error::Artifact {
        path: format!("{}:{name}", entry.contract()).into(),
        reason: if known.is_empty() {
            format!("the {} contract has no bundled plugins", entry.contract())
        } else {
            format!(
                "no bundled {} plugin `{name}` (known: {})",
                entry.contract(),
                known.join(", ")
            )
        },
    }
}
