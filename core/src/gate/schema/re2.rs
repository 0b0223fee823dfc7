//! A CRD's `pattern` (Go RE2 syntax, as the API server compiles it) spelled as ECMA-262, the
//! dialect the JSON Schema engine reads.
//!
//! The two agree on most syntax; where they do not, the engine refuses the whole enclosing schema
//! (prometheus-operator's PrometheusRule writes `^(?i)(abort|warn)?$`, AlertmanagerConfig
//! `^((?i)january|…)`), which used to leave whole subtrees unchecked. RE2's flag setting `(?i)`
//! holds until the end of the enclosing group; ECMA has only the scoped form `(?i:…)`, so the
//! setting becomes a modifier group closed where the enclosing group closes (alternation is
//! associative, so `a|(?i)b|c` = `a|(?i:b|c)`). RE2's `(?P<name>…)` becomes ECMA's `(?<name>…)`.
//! Flags ECMA lacks (`U`) are left alone: the pattern stays refused and degrades as before.

/// Flags both dialects give the same meaning (case-insensitive, multi-line, dot matches newline).
const SHARED_FLAGS: &str = "ims";

/// `pattern` in ECMA-262 syntax; unchanged when it uses nothing RE2-only.
pub(crate) fn to_ecma(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 4);
    // For each open group (the bottom entry is the pattern itself): how many modifier groups
    // opened inside it must close when it closes.
    let mut open: Vec<usize> = vec![0];
    let mut in_class = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            out.push(c);
            if let Some(&escaped) = chars.get(i + 1) {
                out.push(escaped);
            }
            i += 2;
            continue;
        }
        if in_class {
            in_class = c != ']';
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push(c);
                i += 1;
                // `[^` and a `]` right after the opening are literal, not the class's end.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
            }
            '(' => {
                if let Some(end) = flag_setting(&chars, i) {
                    let flags: String = chars[i + 2..end].iter().collect();
                    out.push_str("(?");
                    out.push_str(&flags);
                    out.push(':');
                    if let Some(count) = open.last_mut() {
                        *count += 1;
                    }
                    i = end + 1;
                } else if chars[i..].starts_with(&['(', '?', 'P', '<']) {
                    out.push_str("(?<");
                    open.push(0);
                    i += 4;
                } else {
                    out.push(c);
                    open.push(0);
                    i += 1;
                }
            }
            ')' => {
                if open.len() > 1 {
                    let pending = open.pop().unwrap_or_default();
                    out.extend(std::iter::repeat_n(')', pending));
                }
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let pending: usize = open.iter().sum();
    out.extend(std::iter::repeat_n(')', pending));
    out
}

/// At `(`: the index of the `)` that ends a flag setting `(?flags)` / `(?flags-flags)` made of
/// flags ECMA shares, or `None`.
fn flag_setting(chars: &[char], open: usize) -> Option<usize> {
    if chars.get(open + 1) != Some(&'?') {
        return None;
    }
    let start = open + 2;
    let len = chars[start..].iter().position(|&c| c == ')')?;
    let flags = &chars[start..start + len];
    let mut parts = flags.split(|&c| c == '-');
    let on = parts.next().unwrap_or_default();
    let off = parts.next().unwrap_or_default();
    // `(?)` and `(?i-)` are errors in both dialects: left for the engine to refuse.
    let some_flag = if flags.contains(&'-') {
        !off.is_empty()
    } else {
        !on.is_empty()
    };
    let valid = parts.next().is_none()
        && some_flag
        && on.iter().chain(off).all(|c| SHARED_FLAGS.contains(*c));
    valid.then_some(start + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_settings_become_modifier_groups_up_to_their_group_end() {
        assert_eq!(to_ecma("^(?i)(abort|warn)?$"), "^(?i:(abort|warn)?$)");
        assert_eq!(
            to_ecma("^((?i)jan|feb)(?:((:((?i)jan|feb))$)|$)"),
            "^((?i:jan|feb))(?:((:((?i:jan|feb)))$)|$)"
        );
        assert_eq!(to_ecma("a(?i)b|c"), "a(?i:b|c)");
        assert_eq!(to_ecma("(?s-m)x"), "(?s-m:x)");
        assert_eq!(to_ecma("(?P<year>[0-9]{4})"), "(?<year>[0-9]{4})");
    }

    #[test]
    fn what_ecma_already_reads_is_unchanged() {
        for p in [
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
            r"^\(?i\)$",
            "[(?i)]x",
            "[]()]",
            "(?:a)(?=b)",
            "(?i:a)",
            "(?U)a",
            "(?i-)a",
        ] {
            assert_eq!(to_ecma(p), p);
        }
    }

    #[test]
    fn the_engine_accepts_the_translations_and_matches_like_go() {
        let schema =
            serde_json::json!({"type": "string", "pattern": to_ecma("^(?i)(abort|warn)?$")});
        let validator = jsonschema::draft4::new(&schema).unwrap();
        assert!(validator.is_valid(&serde_json::json!("ABORT")));
        assert!(validator.is_valid(&serde_json::json!("")));
        assert!(!validator.is_valid(&serde_json::json!("abort!")));
        let months = to_ecma(
            "^((?i)january|february|1[0-2]|[1-9])(?:((:((?i)january|february|1[0-2]|[1-9]))$)|$)",
        );
        let schema = serde_json::json!({"type": "string", "pattern": months});
        let validator = jsonschema::draft4::new(&schema).unwrap();
        assert!(validator.is_valid(&serde_json::json!("January:FEBRUARY")));
        assert!(!validator.is_valid(&serde_json::json!("march")));
    }
}
