//! conftest's `--namespace` globs (Go `path.Match`) as regexes. Hand-written on purpose: the
//! point is Go's exact semantics (`*` and `?` never cross `/`, `[…]` classes), which glob crates differ on.

use regex::Regex;

use super::error::RegoError;

/// Turns a package-name glob (Go `path.Match`: `*`, `?`, `[…]`, no `/`) into a regex.
pub(super) fn namespace_glob(pattern: &str) -> Result<Regex, RegoError> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    re.push('^');
                }
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    if c == '\\' || c == '[' {
                        re.push('\\');
                    }
                    re.push(c);
                }
                re.push(']');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).map_err(|e| RegoError::NamespacePattern {
        pattern: pattern.to_string(),
        message: e.to_string(),
    })
}
