//! OPA's deprecated casts and `set_diff`, still accepted by OPA v1.22.3 in Rego v0 policies:
//! `cast_array`, `cast_set`, `cast_string`, `cast_boolean`, `cast_null`, `cast_object` (each
//! returns its operand when it has, or converts to, the named type) and `set_diff(a, b)`
//! (`a - b`).

use regorus::Value;

use super::{Builtin, operand_error};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("cast_array", 1, cast_array),
    ("cast_set", 1, cast_set),
    ("cast_string", 1, cast_string),
    ("cast_boolean", 1, cast_boolean),
    ("cast_null", 1, cast_null),
    ("cast_object", 1, cast_object),
    ("set_diff", 2, set_diff),
];

fn cast_array(args: &[Value]) -> Result<Value, String> {
    match args.first() {
        Some(v @ Value::Array(_)) => Ok(v.clone()),
        Some(Value::Set(s)) => Ok(Value::from(s.iter().cloned().collect::<Vec<_>>())),
        _ => Err(operand_error(args, 0, "one of {array, set}")),
    }
}

fn cast_set(args: &[Value]) -> Result<Value, String> {
    match args.first() {
        Some(v @ Value::Set(_)) => Ok(v.clone()),
        Some(Value::Array(a)) => Ok(Value::from(
            a.iter().cloned().collect::<std::collections::BTreeSet<_>>(),
        )),
        _ => Err(operand_error(args, 0, "one of {array, set}")),
    }
}

/// The casts that only let their own type through.
fn same_type(args: &[Value], wanted: &str) -> Result<Value, String> {
    match args.first() {
        Some(v) if super::type_name(v) == wanted => Ok(v.clone()),
        _ => Err(operand_error(args, 0, wanted)),
    }
}

fn cast_string(args: &[Value]) -> Result<Value, String> {
    same_type(args, "string")
}

fn cast_boolean(args: &[Value]) -> Result<Value, String> {
    same_type(args, "boolean")
}

fn cast_null(args: &[Value]) -> Result<Value, String> {
    same_type(args, "null")
}

fn cast_object(args: &[Value]) -> Result<Value, String> {
    same_type(args, "object")
}

fn set_diff(args: &[Value]) -> Result<Value, String> {
    match (args.first(), args.get(1)) {
        (Some(Value::Set(a)), Some(Value::Set(b))) => Ok(Value::from(
            a.iter()
                .filter(|v| !b.contains(v))
                .cloned()
                .collect::<std::collections::BTreeSet<_>>(),
        )),
        (Some(Value::Set(_)), _) => Err(operand_error(args, 1, "set")),
        _ => Err(operand_error(args, 0, "set")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    /// The answers of `opa eval --v0-compatible` (v1.22.3).
    #[test]
    fn casts_and_set_diff_as_opa() {
        for (call, want) in [
            ("cast_array({3, 1})", Some("[1,3]")),
            ("cast_array([2, 1])", Some("[2,1]")),
            ("cast_set([2, 1, 2])", Some("[1,2]")),
            (r#"cast_string("a")"#, Some(r#""a""#)),
            ("cast_boolean(false)", Some("false")),
            ("cast_null(null)", Some("null")),
            (r#"cast_object({"a": 1})"#, Some(r#"{"a":1}"#)),
            ("set_diff({1, 2, 3}, {2})", Some("[1,3]")),
            ("cast_array(1)", None),
            ("cast_string(1)", None),
            ("set_diff({1}, [1])", None),
        ] {
            let got = eval_x(&format!("x := {call}"), false);
            assert_eq!(got, Ok(want.map(str::to_owned)), "{call}");
        }
    }
}
