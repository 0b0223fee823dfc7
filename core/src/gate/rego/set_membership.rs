//! Key-and-value membership (`k, v in xs`) rewritten at load time to an extension that also
//! answers it for sets.
//!
//! In OPA (v1.22.3) a set's "key" is its element: `"foo", "foo" in {"foo", "bar"}` is true
//! (compliance case `aggregates/member check set with with both key and value`, OPA's
//! `internal.member_3`). regorus 0.14 answers false for any key-and-value membership of a set.
//! Each `k, v in xs` expression becomes `__sealgate_member_kv(k, v, xs)` ([`MEMBER_KV`]), which
//! answers arrays and objects as regorus does (`xs[k] == v`), a set as OPA does, and anything
//! else false. The texts of `k`, `v` and `xs` are kept, so lines keep their numbers. `some k, v
//! in xs` and `every k, v in xs` (iteration, not membership) are untouched, and so is a
//! membership written inside another one's operands (a rarity left to regorus).

use regorus::unstable::{Expr, Ref};
use regorus::{Engine, Value};

use super::shadowing::children;
use super::{rule_walk, source_edits};

/// The extension `k, v in xs` is rewritten to.
pub(crate) const MEMBER_KV: &str = "__sealgate_member_kv";

/// Registers [`MEMBER_KV`] on an engine.
pub(crate) fn register(engine: &mut Engine) -> anyhow::Result<()> {
    engine.add_extension(
        MEMBER_KV.to_string(),
        3,
        Box::new(|args: Vec<Value>| {
            let [key, value, collection] = args.as_slice() else {
                anyhow::bail!("{MEMBER_KV} takes 3 arguments");
            };
            Ok(Value::Bool(match collection {
                Value::Array(_) | Value::Object(_) => collection[key] == *value,
                Value::Set(set) => key == value && set.contains(value),
                _ => false,
            }))
        }),
    )
}

/// The policy text with each `k, v in xs` expression rewritten, or `None` when there is none (or
/// the text does not parse: the engine then reports the syntax error itself).
pub(crate) fn rewrite(path: &str, text: &str, v0: bool) -> Option<String> {
    if !text.contains(" in ") && !text.contains("\tin ") {
        return None;
    }
    let module = super::parse::module(path, text, v0)?;
    let mut edits = Vec::new();
    for rule in &module.policy {
        rule_walk::head_exprs(rule, &mut |e| membership(text, e, &mut edits));
        rule_walk::queries(rule, &mut |q| {
            rule_walk::statement_exprs(q, &mut |e| membership(text, e, &mut edits));
        });
    }
    super::undefined::edited(text, edits)
}

/// Adds the edit for `expr` if it is a key-and-value membership written `k, v in xs`, else looks
/// inside it (a comprehension's query is walked as a query of its own).
fn membership(text: &str, expr: &Ref<Expr>, edits: &mut Vec<(usize, usize, String)>) {
    match expr.as_ref() {
        Expr::Membership {
            key: Some(key),
            value,
            collection,
            ..
        } => {
            let span = |e: &Ref<Expr>| {
                (
                    source_edits::start(text, e.span()),
                    source_edits::end(text, e.span()),
                )
            };
            let ((k0, k1), (v0, v1), (c0, c1)) = (span(key), span(value), span(collection));
            let between = |a: usize, b: usize| text.get(a..b).map(str::trim);
            // only the plain form: a parenthesised operand's span may leave its brackets out
            if between(k1, v0) == Some(",") && between(v1, c0) == Some("in") {
                let part = |a: usize, b: usize| text.get(a..b).unwrap_or_default();
                edits.push((
                    k0,
                    c1,
                    format!(
                        "{MEMBER_KV}({}, {}, {})",
                        part(k0, k1),
                        part(v0, v1),
                        part(c0, c1)
                    ),
                ));
            }
        }
        Expr::ArrayCompr { term, .. } | Expr::SetCompr { term, .. } => {
            membership(text, term, edits);
        }
        Expr::ObjectCompr { key, value, .. } => {
            membership(text, key, edits);
            membership(text, value, edits);
        }
        _ => children(expr, &mut |c| membership(text, c, edits)),
    }
}

#[cfg(test)]
mod tests {
    use crate::gate::rego::engine::query_json;

    fn p(body: &str) -> String {
        query_json(
            &[&format!("package t\n\np if {{\n\t{body}\n}}\n")],
            false,
            "data.t.p",
        )
    }

    /// What `opa eval` (v1.22.3) answers for each: true, or undefined.
    #[test]
    fn key_and_value_membership_answers_as_opa() {
        for yes in [
            r#""foo", "foo" in {"foo", "bar"}"#,
            r#"1, "b" in ["a", "b"]"#,
            r#""k", 2 in {"k": 2}"#,
            r#"x := {"a"}; "a", "a" in x"#,
            r#"count([1 | "a", "a" in {"a"}]) == 1"#,
            r#"not "a", "b" in {"a"}"#,
        ] {
            assert_eq!(p(yes), "true", "{yes}");
        }
        for no in [
            r#""foo", "bar" in {"foo", "bar"}"#,
            r#"0, "b" in ["a", "b"]"#,
            r#""k", 3 in {"k": 2}"#,
            r#""a", "a" in "a""#,
        ] {
            assert_eq!(p(no), "undefined", "{no}");
        }
    }

    /// Iteration keeps regorus's own evaluation.
    #[test]
    fn some_and_every_are_untouched() {
        let text = "package t\n\np if {\n\tsome k, v in {\"a\"}\n\tk == v\n\tevery i, x in [1] { i < x }\n}\n";
        assert_eq!(super::rewrite("t.rego", text, false), None);
    }
}
