//! Text from plugins made safe to print: a plugin's evidence, names and
//! log lines can carry terminal escape sequences, NUL bytes or newlines.

/// `text` with every control character (C0, DEL, C1) written as `\u{…}`,
/// and newlines and tabs as spaces: one line, with no control character a
/// terminal acts on. (Markdown's own characters are the Markdown
/// reporter's to escape.)
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_bytes_are_escaped_and_lines_joined() {
        assert_eq!(
            printable("red \u{1b}[31mALERT\u{0} bell\u{7}\nnext\u{9b}"),
            "red \\u{1b}[31mALERT\\u{0} bell\\u{7} next\\u{9b}"
        );
        assert_eq!(printable("plain ✓ text"), "plain ✓ text");
    }
}
