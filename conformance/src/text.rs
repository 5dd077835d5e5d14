//! Text from plugins made safe to print: a plugin's evidence, names and
//! log lines can carry terminal escape sequences, NUL bytes or newlines.

/// `text` with every control character (C0, DEL, C1) written as `\u{…}`,
/// and newlines and tabs as spaces: one line, with no control character a
/// terminal acts on. The bidirectional controls (U+202A–U+202E,
/// U+2066–U+2069, the marks U+200E, U+200F and U+061C) are escaped too: they
/// would reorder what the line shows around them. (Markdown's own
/// characters are the Markdown reporter's to escape.)
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&c.escape_unicode().to_string());
            }
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
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
        assert_eq!(
            printable("file\u{202e}txt.exe"),
            "file\\u{202e}txt.exe",
            "a right-to-left override cannot reverse the rest of the line"
        );
    }
}
