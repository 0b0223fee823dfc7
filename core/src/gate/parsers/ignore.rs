//! conftest's `ignore` parser: a `.gitignore`/`.dockerignore` as conftest v0.71.1 prints it,
//! `[[{Kind, Value, Original}, …]]`, one entry per line, read by its library's rules
//! (shteou/go-ignore v0.3.1).
//!
//! Hand-written (go-ignore is forty lines; the `ignore` crate matches paths, it does not list
//! entries). go-ignore's rules, kept here: lines split at `\n` only (a `\r` stays, a final `\n`
//! gives a last empty entry); trailing spaces dropped unless escaped; `Empty` entries keep the
//! whole line as their value; `Comment` values are trimmed; `Path` and `NegatedPath` values
//! lose single backslashes and are rebuilt byte by byte, so a non-ASCII byte becomes the Latin-1
//! character of that byte (`é` prints as `Ã©`). A line ending in a backslash is refused: go-ignore
//! slices past its end there, and conftest crashes.

use serde_json::{Value, json};

/// Parses `text` as conftest's ignore parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let mut entries = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let stripped = trim_right_space(line).ok_or_else(|| {
            anyhow::anyhow!(
                "line {}: ends in a backslash, which conftest v0.71.1 crashes on (go-ignore reads past the line)",
                n + 1
            )
        })?;
        let (kind, value) = if stripped.is_empty() {
            ("Empty", line.to_string())
        } else if let Some(comment) = line.strip_prefix('#').map(|_| &stripped[1..]) {
            ("Comment", comment.trim().to_string())
        } else if line.starts_with('!') {
            ("NegatedPath", unescape(&stripped[1..]))
        } else {
            ("Path", unescape(stripped))
        };
        entries.push(json!({"Kind": kind, "Value": value, "Original": line}));
    }
    Ok(json!([entries]))
}

/// go-ignore's `TrimRightSpace`: trailing spaces dropped, one kept after a backslash; `None`
/// where go-ignore slices out of range (a backslash with no space after it).
fn trim_right_space(s: &str) -> Option<&str> {
    let kept = s.trim_end_matches(' ');
    if kept.ends_with('\\') {
        return s.get(..kept.len() + 1);
    }
    Some(kept)
}

/// go-ignore's `Unescape`: a single backslash is dropped, a double one is one; every other byte
/// is appended as the character of that byte (`string(s[i])` in Go).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(char::from(b[i]));
        } else if b.get(i + 1) == Some(&b'\\') {
            out.push('\\');
            i += 1;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_as_go_ignore_gives_them() {
        let v = parse("# c \n/target\n!keep\\ \n  \nsp\\ ace\\\\x\né\n").unwrap();
        let e = |k: &str, v: &str, o: &str| json!({"Kind": k, "Value": v, "Original": o});
        assert_eq!(
            v,
            json!([[
                e("Comment", "c", "# c "),
                e("Path", "/target", "/target"),
                e("NegatedPath", "keep ", "!keep\\ "),
                e("Empty", "  ", "  "),
                e("Path", "sp ace\\x", "sp\\ ace\\\\x"),
                e("Path", "Ã©", "é"),
                e("Empty", "", ""),
            ]])
        );
        assert!(parse("a\\\n").is_err());
        assert!(parse("a\\ \n").is_ok());
    }
}
