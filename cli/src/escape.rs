//! Untrusted text (file names, object names, messages) made safe for one report or error line.

use std::borrow::Cow;

/// File names, object names and messages come from the input: a newline in a `metadata.name`
/// would forge a report line (a TAP result, a GitHub `::error`), an ESC byte would reach the
/// terminal. Control characters (and Unicode line separators) are shown as Rust escapes (`\n`,
/// `\u{1b}`); everything else, UTF-8 included, is kept.
pub fn controls(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(
            controls("a\nb\u{1b}[31mé\u{2028}"),
            "a\\nb\\u{1b}[31mé\\u{2028}"
        );
        assert!(matches!(controls("plain ünïcode"), Cow::Borrowed(_)));
    }
}
