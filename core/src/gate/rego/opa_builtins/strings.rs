//! OPA's `strings.split_n(x, delimiter, n)`: the first `n` parts of `x` split on `delimiter`, the
//! last `-n` parts for a negative `n`, none for zero (Go's `strings.Split`: an empty delimiter
//! splits into characters, and the empty string into no parts).

use regorus::Value;

use super::{Builtin, operand_error, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[("strings.split_n", 3, split_n)];

/// OPA's integer operand: a number without a fractional part.
fn int_operand(args: &[Value], index: usize) -> Result<i64, String> {
    let Some(Value::Number(n)) = args.get(index) else {
        return Err(operand_error(args, index, "number"));
    };
    n.as_i64().ok_or_else(|| {
        format!(
            "operand {} must be integer number but got floating-point number",
            index + 1
        )
    })
}

/// Go's `strings.Split`.
fn go_split<'a>(text: &'a str, delimiter: &str) -> Vec<&'a str> {
    if delimiter.is_empty() {
        return text
            .char_indices()
            .map(|(i, c)| &text[i..i + c.len_utf8()])
            .collect();
    }
    text.split(delimiter).collect()
}

fn split_n(args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    let delimiter = string_operand(args, 1)?;
    let n = int_operand(args, 2)?;
    let parts = go_split(text, delimiter);
    let chosen: &[&str] = if n >= 0 {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        &parts[..n.min(parts.len())]
    } else {
        let n = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
        &parts[parts.len().saturating_sub(n)..]
    };
    Ok(Value::from(
        chosen.iter().map(|p| Value::from(*p)).collect::<Vec<_>>(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    /// The answers of `opa eval` (v1.22.3).
    #[test]
    fn parts_from_either_end() {
        for (call, want) in [
            (r#"strings.split_n("a.b.c.d", ".", 2)"#, r#"["a","b"]"#),
            (
                r#"strings.split_n("a.b.c.d", ".", 10)"#,
                r#"["a","b","c","d"]"#,
            ),
            (r#"strings.split_n("a.b.c.d", ".", 0)"#, "[]"),
            (r#"strings.split_n("a.b.c.d", ".", -2)"#, r#"["c","d"]"#),
            (
                r#"strings.split_n("a.b.c.d", ".", -10)"#,
                r#"["a","b","c","d"]"#,
            ),
            (r#"strings.split_n("héllo", "", 3)"#, r#"["h","é","l"]"#),
            (r#"strings.split_n("", "", 3)"#, "[]"),
            (r#"strings.split_n("", ",", 3)"#, r#"[""]"#),
        ] {
            let got = eval_x(&format!("x := {call}"), false);
            assert_eq!(got, Ok(Some(want.to_owned())), "{call}");
        }
    }

    #[test]
    fn a_fractional_count_is_undefined_or_a_strict_error() {
        let call = r#"x := strings.split_n("a.b", ".", 1.5)"#;
        assert_eq!(eval_x(call, false), Ok(None));
        let err = eval_x(call, true).err().unwrap_or_default();
        assert!(
            err.contains(
                "strings.split_n: operand 3 must be integer number but got floating-point number"
            ),
            "{err}"
        );
    }
}
