//! Plain YAML scalars resolved the way kubectl's YAML 1.1 reader (go-yaml v2 via sigs.k8s.io/yaml) does.
//!
//! Only *plain* (unquoted) scalars are resolved; quoted, literal and folded scalars are strings.
//! Matching kubectl matters more than YAML 1.2 purity: a manifest is valid only if the API server
//! reads it the same way we do, so `enabled: yes` is a boolean here and reported as a diagnostic.

use serde_json::{Number, Value};

/// What a plain scalar resolved to, and whether that resolution is a YAML 1.1 surprise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resolved {
    pub value: Value,
    /// Set for words that only YAML 1.1 reads as booleans (`yes`, `off`, `y`, …).
    pub yaml11_bool: bool,
}

const TRUE_WORDS: &[&str] = &["true", "True", "TRUE"];
const FALSE_WORDS: &[&str] = &["false", "False", "FALSE"];
// go-yaml v2 resolve table: these are booleans for kubectl, strings for YAML 1.2 tools.
const YAML11_TRUE: &[&str] = &["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"];
const YAML11_FALSE: &[&str] = &["n", "N", "no", "No", "NO", "off", "Off", "OFF"];
const NULL_WORDS: &[&str] = &["", "~", "null", "Null", "NULL"];

pub(crate) fn resolve_plain(text: &str) -> Resolved {
    let plain = |value| Resolved {
        value,
        yaml11_bool: false,
    };
    if NULL_WORDS.contains(&text) {
        return plain(Value::Null);
    }
    if TRUE_WORDS.contains(&text) {
        return plain(Value::Bool(true));
    }
    if FALSE_WORDS.contains(&text) {
        return plain(Value::Bool(false));
    }
    if YAML11_TRUE.contains(&text) {
        return Resolved {
            value: Value::Bool(true),
            yaml11_bool: true,
        };
    }
    if YAML11_FALSE.contains(&text) {
        return Resolved {
            value: Value::Bool(false),
            yaml11_bool: true,
        };
    }
    match resolve_number(text) {
        Some(n) => plain(Value::Number(n)),
        None => plain(Value::String(text.to_owned())),
    }
}

/// Integers as Go's `strconv.ParseInt(s, 0, 64)` after dropping `_` (so `0x1F`, `0o17`, `0b101`,
/// and C-style octal `0644` = 420), then floats. Non-finite floats stay strings: JSON has no NaN.
fn resolve_number(text: &str) -> Option<Number> {
    let first = text.chars().next()?;
    if !matches!(first, '+' | '-' | '.' | '0'..='9') {
        return None;
    }
    let cleaned: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(i) = parse_go_int(&cleaned) {
        return Some(Number::from(i));
    }
    if let Some(u) = parse_go_uint(&cleaned) {
        return Some(Number::from(u));
    }
    parse_float(&cleaned)
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    }
}

fn radix_digits(body: &str) -> Option<(u32, &str)> {
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    match lower.as_deref() {
        Some("0x") => Some((16, &body[2..])),
        Some("0o") => Some((8, &body[2..])),
        Some("0b") => Some((2, &body[2..])),
        _ if body.len() > 1 && body.starts_with('0') => Some((8, &body[1..])),
        _ => Some((10, body)),
    }
}

fn parse_go_int(s: &str) -> Option<i64> {
    let (negative, body) = split_sign(s);
    let (radix, digits) = radix_digits(body)?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn parse_go_uint(s: &str) -> Option<u64> {
    let (radix, digits) = radix_digits(s.strip_prefix('+').unwrap_or(s))?;
    if s.starts_with('-') || digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

fn parse_float(s: &str) -> Option<Number> {
    // Rust accepts "inf"/"nan"/"infinity"; YAML spells those .inf/.nan, which JSON cannot carry.
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
    {
        return None;
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    Number::from_f64(f)
}

/// A mapping key as sigs.k8s.io/yaml turns it into a JSON object key.
pub(crate) fn key_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(text: &str) -> Value {
        resolve_plain(text).value
    }

    #[test]
    fn yaml11_booleans_are_booleans_and_flagged() {
        for word in ["yes", "Yes", "YES", "on", "On", "ON", "y", "Y"] {
            let r = resolve_plain(word);
            assert_eq!(r.value, json!(true), "{word}");
            assert!(r.yaml11_bool, "{word}");
        }
        for word in ["no", "No", "NO", "off", "Off", "OFF", "n", "N"] {
            let r = resolve_plain(word);
            assert_eq!(r.value, json!(false), "{word}");
            assert!(r.yaml11_bool, "{word}");
        }
        assert!(!resolve_plain("true").yaml11_bool);
        assert_eq!(v("yEs"), json!("yEs"));
    }

    #[test]
    fn numbers_follow_go_parse_int() {
        assert_eq!(v("42"), json!(42));
        assert_eq!(v("-7"), json!(-7));
        assert_eq!(v("0644"), json!(420));
        assert_eq!(v("0x1F"), json!(31));
        assert_eq!(v("0o17"), json!(15));
        assert_eq!(v("0b101"), json!(5));
        assert_eq!(v("1_000"), json!(1000));
        assert_eq!(v("1.5"), json!(1.5));
        assert_eq!(v("1e3"), json!(1000.0));
        assert_eq!(v("18446744073709551615"), json!(18446744073709551615u64));
        assert_eq!(v("089"), json!(89.0));
    }

    #[test]
    fn strings_stay_strings() {
        for s in [
            "100m",
            "1Gi",
            "v1",
            ".inf",
            ".nan",
            "1.2.3",
            "+",
            "-",
            "0x",
            "nan",
            "inf",
            "2024-01-01",
        ] {
            assert_eq!(v(s), json!(s), "{s}");
        }
    }

    #[test]
    fn nulls() {
        for s in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(v(s), Value::Null, "{s:?}");
        }
    }

    #[test]
    fn keys_become_strings_like_sigs_k8s_yaml() {
        assert_eq!(key_string(&json!(true)), "true");
        assert_eq!(key_string(&json!(3)), "3");
        assert_eq!(key_string(&Value::Null), "null");
        assert_eq!(key_string(&json!("on")), "on");
    }
}
