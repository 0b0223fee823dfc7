//! OPA's `array.flatten`: the elements of an array, with each element that is an array replaced
//! by its elements (one level deep; sets and objects stay as they are).

use regorus::Value;

use super::{Builtin, operand_error};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[("array.flatten", 1, flatten)];

fn flatten(args: &[Value]) -> Result<Value, String> {
    let Some(Value::Array(items)) = args.first() else {
        return Err(operand_error(args, 0, "array"));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item {
            Value::Array(nested) => out.extend(nested.iter().cloned()),
            other => out.push(other.clone()),
        }
    }
    Ok(Value::from(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    #[test]
    fn flattens_one_level() {
        for (query, want) in [
            ("x := array.flatten([])", "[]"),
            (
                "x := array.flatten([[1, 2], 3, [[4], []]])",
                "[1,2,3,[4],[]]",
            ),
            (
                r#"x := array.flatten([{1}, {"a": [2]}, [null]])"#,
                r#"[[1],{"a":[2]},null]"#,
            ),
        ] {
            assert_eq!(
                eval_x(query, false).ok().flatten().as_deref(),
                Some(want),
                "{query}"
            );
        }
    }

    #[test]
    fn a_non_array_is_undefined_or_a_strict_error() {
        assert_eq!(eval_x("x := array.flatten(42)", false), Ok(None));
        let err = eval_x("x := array.flatten({1})", true)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("array.flatten: operand 1 must be array but got set"),
            "{err}"
        );
    }
}
