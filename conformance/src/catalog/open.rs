//! Opening what a run checks: a plugin file, claimed by the first
//! contract whose entry detects it (or the one `--profile` names), or a
//! bundled plugin spelled `CONTRACT:NAME`.

use std::path::Path;

use hookcheck::engine::Contract;
use hookcheck::featherfly::RunnerCommand;

use super::Catalog;
use crate::entry::{OpenOptions, no_bundled};
use crate::subject::{Artifact, Subject};
use crate::{Error, Result};

/// Which profile to check against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileChoice {
    /// Detect from the artifact.
    Auto,
    /// A named profile.
    Fixed(Contract),
}

impl ProfileChoice {
    /// `auto` or the name of one of `catalog`'s contracts.
    ///
    /// # Errors
    ///
    /// Neither: the message lists what is.
    pub fn parse(s: &str, catalog: &Catalog) -> std::result::Result<Self, String> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        catalog
            .contract(s)
            .map(Self::Fixed)
            .ok_or_else(|| format!("`{s}` is not a profile (auto, {})", catalog.names()))
    }
}

impl std::str::FromStr for ProfileChoice {
    type Err = String;

    /// `auto` or a built-in contract's name.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Self::parse(s, &Catalog::builtin())
    }
}

impl Catalog {
    /// Opens `spec`: a plugin file, or a bundled in-process plugin
    /// `CONTRACT:NAME` (`pylon:audit_log`). Returns the subject and a
    /// sentence saying which profile was chosen and why. Native plugins
    /// run in `runner` (default: this executable's hidden `native-runner`
    /// subcommand).
    ///
    /// # Errors
    ///
    /// The file cannot be read, no contract claims it, or the chosen
    /// contract cannot check it: one line naming the file.
    pub fn open(
        &self,
        spec: &str,
        choice: ProfileChoice,
        runner: Option<RunnerCommand>,
    ) -> Result<(Subject, String)> {
        if let Some((kind, name)) = spec.split_once(':')
            && let Some(entry) = self.entries().find(|e| e.contract().name() == kind)
            && !Path::new(spec).exists()
        {
            if let ProfileChoice::Fixed(c) = choice
                && c != entry.contract()
            {
                return Err(Error::Artifact {
                    path: spec.into(),
                    reason: format!(
                        "a bundled {kind} plugin cannot be checked against profile {c}"
                    ),
                });
            }
            return entry
                .open_bundled(name)
                .ok_or_else(|| no_bundled(entry, name));
        }
        let artifact = Artifact::read(Path::new(spec))?;
        let (entry, why) = match choice {
            ProfileChoice::Fixed(c) => {
                let entry = self.entry(c).ok_or_else(|| {
                    artifact.bad(format!("no contract `{c}` (known: {})", self.names()))
                })?;
                (entry, format!("profile {c} (from --profile)"))
            }
            ProfileChoice::Auto => {
                // An ELF file whose symbols cannot be read is refused
                // here, with the reason, rather than claimed by no one.
                artifact.symbols()?;
                let claimed = self
                    .entries()
                    .find_map(|e| e.detect(&artifact).map(|why| (e, why)));
                let Some((entry, why)) = claimed else {
                    return Err(artifact.bad(self.unclaimed(&artifact)));
                };
                (entry, format!("profile {} ({why})", entry.contract()))
            }
        };
        let options = OpenOptions { runner };
        Ok((entry.open(artifact, &options)?, why))
    }

    /// Why no contract claims `artifact`: what each one would have.
    fn unclaimed(&self, artifact: &Artifact) -> String {
        let claims: Vec<String> = self
            .entries()
            .filter_map(|e| e.claims().map(|c| format!("{} checks {c}", e.contract())))
            .collect();
        let what = if artifact.is_elf() {
            "a shared library no contract claims"
        } else {
            "not a plugin any contract claims"
        };
        format!(
            "{what} ({}); pass --profile to check it anyway",
            claims.join(", ")
        )
    }

    /// The names of the bundled plugins of `contract`.
    pub fn bundled_names(&self, contract: Contract) -> Vec<String> {
        self.entry(contract)
            .map(|e| e.bundled_names())
            .unwrap_or_default()
    }
}

impl Subject {
    /// Opens `spec` against the built-in contracts: see [`Catalog::open`].
    ///
    /// # Errors
    ///
    /// As [`Catalog::open`].
    pub fn open(
        spec: &str,
        choice: ProfileChoice,
        runner: Option<RunnerCommand>,
    ) -> Result<(Subject, String)> {
        Catalog::builtin().open(spec, choice, runner)
    }
}

/// The names of the built-in bundled plugins of `kind` (`pylon` or
/// `rustant`).
pub fn bundled_names(kind: &str) -> Vec<String> {
    let catalog = Catalog::builtin();
    catalog
        .contract(kind)
        .map(|c| catalog.bundled_names(c))
        .unwrap_or_default()
}
