//! Bounds on what users and plugins hand hookcheck, checked before any
//! parser sees it: a file must be a regular file of a known size at most,
//! and YAML or JSON may nest only so deep.

use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// The largest input file hookcheck reads: fixtures, expectations,
/// manifests, configuration.
pub const MAX_INPUT_FILE_BYTES: u64 = 16 << 20;
/// The deepest YAML or JSON nesting hookcheck parses (flow brackets, block
/// sequences on one line); a configuration never needs more.
pub const MAX_NESTING: usize = 64;
/// The widest block indentation hookcheck parses, in columns.
pub const MAX_INDENT: usize = 512;

/// Reads `path` as text: a regular file of at most `max` bytes, refused
/// before reading otherwise (a FIFO or `/dev/zero` would never end).
pub fn read_text_bounded(path: &Path, max: u64) -> Result<String> {
    String::from_utf8(read_bounded(path, max)?).map_err(|_| Error::Input {
        path: path.to_owned(),
        reason: "not UTF-8 text".into(),
    })
}

/// Reads `path`: a regular file of at most `max` bytes, refused before
/// reading otherwise.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |reason: String| Error::Input {
        path: path.to_owned(),
        reason,
    };
    // Opened without blocking (a FIFO would wait for a writer), then judged
    // by what was opened, not by a name that could change in between.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Error::io("read", path, e))?;
    let meta = file.metadata().map_err(|e| Error::io("read", path, e))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    if meta.len() > max {
        return Err(refuse(format!(
            "{} bytes; files over {max} bytes are not read",
            meta.len()
        )));
    }
    let mut data = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut data)
        .map_err(|e| Error::io("read", path, e))?;
    if data.len() as u64 > max {
        return Err(refuse(format!("it grew past {max} bytes while being read")));
    }
    Ok(data)
}

/// Refuses YAML or JSON nested deeper than [`MAX_NESTING`] (brackets
/// outside quoted strings, `- - -` runs) or indented past [`MAX_INDENT`]
/// columns — in one linear pass, where a parser could take seconds.
pub fn check_nesting(text: &[u8]) -> std::result::Result<(), String> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut comment = false;
    // What came before this byte, outside quotes: a quote opens a string
    // only where a scalar can start (`don't` in plain text, `5" screen`
    // do not), and `#` starts a comment only after a space.
    let mut previous = b'\n';
    for &b in text {
        if comment {
            if b == b'\n' {
                comment = false;
                previous = b;
            }
            continue;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' && q == b'"' {
                    escaped = true;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' if b" \t\n:[{,-".contains(&previous) => quote = Some(b),
                b'#' if b" \t\n".contains(&previous) => comment = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(format!(
                            "nested deeper than {MAX_NESTING} levels of brackets"
                        ));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        if quote.is_none() {
            previous = b;
        }
    }
    for line in text.split(|b| *b == b'\n') {
        let indent = line.iter().take_while(|b| **b == b' ').count();
        if indent > MAX_INDENT {
            return Err(format!("indented more than {MAX_INDENT} columns"));
        }
        let mut rest = &line[indent..];
        let mut run = 0;
        while let Some(after) = rest.strip_prefix(b"- ") {
            run += 1;
            rest = after.strip_prefix(b" ").unwrap_or(after);
        }
        if run > MAX_NESTING {
            return Err(format!("more than {MAX_NESTING} nested `- ` on one line"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_and_ordinary_documents_pass() {
        assert!(check_nesting("[".repeat(200_000).as_bytes()).is_err());
        assert!(check_nesting(("- ".repeat(100_000) + "x").as_bytes()).is_err());
        assert!(check_nesting(format!("{}x: 1", " ".repeat(600)).as_bytes()).is_err());
        let fine = "a:\n  b: [1, 2, {c: \"[[[[\"}]\n  d: '{{{{'\n- - x\n";
        assert!(check_nesting(fine.as_bytes()).is_ok());
        // A stray quote or a comment does not switch the scan off.
        for opener in ["# don't\n", "size: 5\" screen\n", "x: it's\n"] {
            let sneaky = opener.to_owned() + &"[".repeat(200);
            assert!(check_nesting(sneaky.as_bytes()).is_err(), "{opener:?}");
        }
        let deep_ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(check_nesting(deep_ok.as_bytes()).is_ok());
    }

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.yaml");
        std::fs::write(&small, "a: 1\n").unwrap();
        assert_eq!(read_text_bounded(&small, 100).unwrap(), "a: 1\n");
        let err = read_text_bounded(&small, 3).unwrap_err().to_string();
        assert!(err.contains("5 bytes"), "{err}");
        let err = read_text_bounded(dir.path(), 100).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let err = read_text_bounded(Path::new("/dev/zero"), 100)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
