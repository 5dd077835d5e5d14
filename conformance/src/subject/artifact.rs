//! A plugin file read within hookcheck's limits and sniffed, before a
//! contract's entry claims and opens it.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The largest plugin file hookcheck reads: a native library. A WASM
/// module is held to [`hookcheck::limits::MAX_WASM_BYTES`] and WAT text to
/// [`hookcheck::limits::MAX_WAT_BYTES`], both refused before reading.
pub const MAX_ARTIFACT_BYTES: u64 = 256 << 20;

/// A plugin file, read and sniffed: what a contract's entry detects and
/// opens.
#[derive(Debug)]
pub struct Artifact {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its bytes.
    pub data: Vec<u8>,
    /// The dynamic symbols it defines when it is an ELF file, or why
    /// they could not be read.
    symbols: Option<std::result::Result<Vec<String>, String>>,
}

impl Artifact {
    /// Reads the plugin file at `path` within hookcheck's limits.
    ///
    /// # Errors
    ///
    /// The file cannot be read or is too large.
    pub fn read(path: &Path) -> Result<Self> {
        let data = read_artifact(path)?;
        let symbols = data.starts_with(b"\x7fELF").then(|| elf_symbols(&data));
        Ok(Self {
            path: path.to_owned(),
            data,
            symbols,
        })
    }

    /// The error that names this file and `reason`.
    pub fn bad(&self, reason: impl Into<String>) -> Error {
        Error::artifact(&self.path, reason.into())
    }

    /// Whether it is a WASM module or WAT text.
    pub fn is_wasm(&self) -> bool {
        self.data.starts_with(b"\0asm") || self.path.extension().is_some_and(|e| e == "wat")
    }

    /// Whether it is an ELF file.
    pub fn is_elf(&self) -> bool {
        self.symbols.is_some()
    }

    /// The dynamic symbols it defines; empty when it is not an ELF file.
    ///
    /// # Errors
    ///
    /// An ELF file this host cannot read.
    pub fn symbols(&self) -> Result<&[String]> {
        match &self.symbols {
            None => Ok(&[]),
            Some(Ok(names)) => Ok(names),
            Some(Err(e)) => Err(self.bad(format!("not a shared library this host can read: {e}"))),
        }
    }

    /// Whether it is an ELF file that defines `symbol`.
    pub fn exports(&self, symbol: &str) -> bool {
        matches!(&self.symbols, Some(Ok(names)) if names.iter().any(|name| name == symbol))
    }

    /// The plugin's name: the file stem.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map_or_else(|| "plugin".into(), |s| s.to_string_lossy().into_owned())
    }
}

/// The `rustc version …` line of an ELF file's `.comment` section.
pub(crate) fn rustc_of(data: &[u8]) -> Option<String> {
    use object::{Object, ObjectSection};
    let file = object::File::parse(data).ok()?;
    let comment = file.section_by_name(".comment")?.data().ok()?;
    comment
        .split(|b| *b == 0)
        .filter_map(|s| std::str::from_utf8(s).ok())
        .find(|s| s.starts_with("rustc version"))
        .map(str::to_owned)
}

fn elf_symbols(data: &[u8]) -> std::result::Result<Vec<String>, String> {
    use object::{Object, ObjectSymbol};
    let file = object::File::parse(data).map_err(|e| e.to_string())?;
    let names = file
        .dynamic_symbols()
        .filter(|s| s.is_definition() && s.is_global())
        .filter_map(|s| s.name().ok().map(str::to_owned))
        .collect();
    Ok(names)
}

/// Whether the file at `path` starts like a WASM binary, read without
/// blocking; anything but a regular file is left to [`read_artifact`] to
/// refuse.
fn starts_as_wasm(path: &Path) -> bool {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut magic = [0u8; 4];
    file.take(4).read_exact(&mut magic).is_ok() && magic == *b"\0asm"
}

/// The most hookcheck reads of the plugin file at `path`, and what kind of
/// file that limit is for: WAT text (`.wat`), a WASM module (`.wasm` or
/// `\0asm`), or anything else.
fn artifact_limit(path: &Path) -> (u64, &'static str) {
    match path.extension().and_then(|e| e.to_str()) {
        Some("wat") => (hookcheck::limits::MAX_WAT_BYTES, "WAT text"),
        Some("wasm") => (hookcheck::limits::MAX_WASM_BYTES, "a WASM module"),
        _ if starts_as_wasm(path) => (hookcheck::limits::MAX_WASM_BYTES, "a WASM module"),
        _ => (MAX_ARTIFACT_BYTES, "a plugin file"),
    }
}

/// Reads a plugin file: a regular file of at most [`artifact_limit`]
/// bytes, refused before reading otherwise (a 255 MB module cost a minute
/// and 3 GB of compiling before it was refused).
fn read_artifact(path: &Path) -> Result<Vec<u8>> {
    let (max, what) = artifact_limit(path);
    let data = hookcheck::limits::read_bounded(path, max).map_err(|e| match e {
        // Too large: say whose limit it is.
        hookcheck::Error::Input { reason, .. } if reason.contains(" bytes") => {
            Error::artifact(path, format!("{reason} (hookcheck's limit for {what})"))
        }
        hookcheck::Error::Input { reason, .. } => Error::artifact(path, reason),
        hookcheck::Error::Io { source, .. } => Error::io("read", path, source),
        other => Error::artifact(path, other.to_string()),
    })?;
    // Swapped for a WASM module between the look and the read.
    if max == MAX_ARTIFACT_BYTES
        && data.starts_with(b"\0asm")
        && data.len() as u64 > hookcheck::limits::MAX_WASM_BYTES
    {
        return Err(Error::artifact(
            path,
            format!(
                "a WASM module of {} bytes; hookcheck compiles modules of at most {} bytes",
                data.len(),
                hookcheck::limits::MAX_WASM_BYTES
            ),
        ));
    }
    Ok(data)
}
