//! A value as OPA writes it in text (`Value.String()`, v1.22.3): Rego syntax, strings quoted by
//! Go's `strconv.Quote`, object keys and set elements in order, the empty set as `set()`. Used
//! where OPA writes values into text: `sprintf`'s `%v` of a composite, template strings and
//! `print` (these two write a top-level string bare: [`bare`]).

use regorus::Value;

use super::opa_builtins::sprintf::escape;

/// `value` in Rego syntax: `{"a": [1, 2.5]}`, `{1, "b"}`, `set()`, `"tab\t"`.
pub(crate) fn text(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value);
    out
}

/// [`text`], but a string is written as it is (`print("a")` writes `a`).
pub(crate) fn bare(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        other => text(other),
    }
}

fn write(out: &mut String, value: &Value) {
    let items = |out: &mut String, values: &mut dyn Iterator<Item = &Value>| {
        for (n, v) in values.enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            write(out, v);
        }
    };
    match value {
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                escape(out, c, '"', false);
            }
            out.push('"');
        }
        Value::Array(a) => {
            out.push('[');
            items(out, &mut a.iter());
            out.push(']');
        }
        Value::Set(s) if s.is_empty() => out.push_str("set()"),
        Value::Set(s) => {
            out.push('{');
            items(out, &mut s.iter());
            out.push('}');
        }
        Value::Object(o) => {
            out.push('{');
            for (n, (k, v)) in o.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write(out, k);
                out.push_str(": ");
                write(out, v);
            }
            out.push('}');
        }
        // numbers, booleans and null as in JSON
        other => out.push_str(&other.to_json_str().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pinned to `opa eval 'sprintf("%v", [x])'` (v1.22.3).
    #[test]
    fn values_are_written_as_opa_writes_them() {
        let cases = [
            (
                r#"{"a": [1, 2.5, null, true]}"#,
                r#"{"a": [1, 2.5, null, true]}"#,
            ),
            (r#""tab\t\u0001é""#, r#""tab\t\x01é""#),
            (r#"[[], {}]"#, "[[], {}]"),
            (r#"{"q\"": "b\\"}"#, r#"{"q\"": "b\\"}"#),
        ];
        for (json, want) in cases {
            let value = Value::from_json_str(json).unwrap();
            assert_eq!(text(&value), want, "{json}");
        }
        let set = Value::from(std::collections::BTreeSet::from([
            Value::from(1u64),
            Value::from("a"),
            Value::new_set(),
        ]));
        assert_eq!(text(&set), r#"{1, "a", set()}"#);
        assert_eq!(text(&Value::new_set()), "set()");
        assert_eq!(bare(&Value::from("a b")), "a b");
        assert_eq!(bare(&Value::from_json_str(r#"["a"]"#).unwrap()), r#"["a"]"#);
    }
}
