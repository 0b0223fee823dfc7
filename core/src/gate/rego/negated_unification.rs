//! A unification under `not` (`not a = f(1)`) rewritten at load time to the comparison it is in
//! OPA (`not a == f(1)`).
//!
//! OPA (v1.22.3) never binds a variable inside a negated expression: every variable in it must
//! be bound by another statement ("var _ is unsafe" otherwise), and the compiler orders the
//! negation after the statements that bind them. So `not a = f(1)` followed by `a = f(2)` is true
//! for `a` = 2 (compliance case `negation/not-body: negated and non-negated unification on same
//! var, calls, rearranged`). regorus 0.14 reads the negated `=` as binding `a`, schedules it
//! first, and the negation fails. Written `==`, regorus sees a use of `a`, orders the statements
//! as OPA does, and compares; where OPA accepts the policy the two mean the same. A variable
//! bound nowhere becomes regorus's "undefined variable" error, as it is OPA's unsafe-variable
//! error. Only the operator changes, so lines keep their numbers.

use regorus::unstable::{AssignOp, Expr, Literal};

use super::{rule_walk, source_edits};

/// The policy text with each negated `=` written `==`, or `None` when there is none (or the
/// text does not parse: the engine then reports the syntax error itself).
pub(crate) fn rewrite(path: &str, text: &str, v0: bool) -> Option<String> {
    if !text.contains("not ") {
        return None;
    }
    let module = super::parse::module(path, text, v0)?;
    let mut edits = Vec::new();
    for rule in &module.policy {
        rule_walk::queries(rule, &mut |query| {
            for stmt in &query.stmts {
                let Literal::NotExpr { expr, .. } = &stmt.literal else {
                    continue;
                };
                let Expr::AssignExpr {
                    op: AssignOp::Eq,
                    lhs,
                    rhs,
                    ..
                } = expr.as_ref()
                else {
                    continue;
                };
                let from = source_edits::end(text, lhs.span());
                let to = source_edits::start(text, rhs.span());
                let Some(between) = text.get(from..to) else {
                    continue;
                };
                if between.trim() == "=" {
                    let at = from + between.find('=').unwrap_or_default();
                    edits.push((at, at + 1, "==".to_string()));
                }
            }
        });
    }
    super::undefined::edited(text, edits)
}

#[cfg(test)]
mod tests {
    use crate::gate::rego::engine::query_json;

    /// What `opa eval` (v1.22.3) answers for `data.t`.
    #[test]
    fn a_negated_unification_compares_after_the_binding() {
        let text = "package t\n\nimport future.keywords.not\n\np := a if {\n  not a = f(1)\n  a = f(2)\n}\n\nq := a if {\n  not a = 1\n  a = 2\n}\n\nr if {\n  x := [3, 1]\n  not x = [3, 2]\n}\n\ns := [y | some y in [1, 2]; not y = 1]\n\nf(x) := x\n";
        assert_eq!(
            query_json(&[text], false, "data.t"),
            r#"{"p":2,"q":2,"r":true,"s":[2]}"#
        );
    }

    #[test]
    fn text_without_a_negated_unification_is_untouched() {
        let text = "package t\n\np if {\n  not input.x == 1\n  y = 2\n  y == 2\n}\n";
        assert_eq!(super::rewrite("t.rego", text, false), None);
    }
}
