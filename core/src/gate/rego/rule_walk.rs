//! Walks a parsed rule for the load-time rewrites that look at every query or expression in it:
//! its bodies, `else` bodies, head values and keys, and the queries of the comprehensions and
//! `every` statements nested in them.

use regorus::unstable::{Expr, Query, Ref, Rule, RuleHead};

use super::shadowing::{StmtPart, children, stmt_parts};

/// Calls `f` on every query of `rule`, nested ones included, outer before inner.
pub(super) fn queries(rule: &Ref<Rule>, f: &mut dyn FnMut(&Ref<Query>)) {
    if let Rule::Spec { bodies, .. } = rule.as_ref() {
        for body in bodies {
            query(&body.query, f);
        }
    }
    head_exprs(rule, &mut |e| expr_queries(e, f));
}

/// Calls `f` on the expressions of a rule outside its queries: head values and keys, the
/// values of `else` bodies, a default's value.
pub(super) fn head_exprs(rule: &Ref<Rule>, f: &mut dyn FnMut(&Ref<Expr>)) {
    match rule.as_ref() {
        Rule::Spec { head, bodies, .. } => {
            for body in bodies {
                if let Some(assign) = &body.assign {
                    f(&assign.value);
                }
            }
            match head {
                RuleHead::Func { assign, .. } | RuleHead::Compr { assign, .. } => {
                    if let Some(assign) = assign {
                        f(&assign.value);
                    }
                }
                RuleHead::Set { key, .. } => {
                    if let Some(key) = key {
                        f(key);
                    }
                }
            }
        }
        Rule::Default { value, .. } => f(value),
    }
}

/// Calls `f` on the expressions of `query`'s statements (not those of nested queries).
pub(super) fn statement_exprs(query: &Ref<Query>, f: &mut dyn FnMut(&Ref<Expr>)) {
    for stmt in &query.stmts {
        for part in stmt_parts(stmt) {
            if let StmtPart::Expr(e) = part {
                f(e);
            }
        }
    }
}

/// Calls `f` on `q` and on every query nested in it, outer before inner.
pub(super) fn query(q: &Ref<Query>, f: &mut dyn FnMut(&Ref<Query>)) {
    f(q);
    for stmt in &q.stmts {
        for part in stmt_parts(stmt) {
            match part {
                StmtPart::Expr(e) => expr_queries(e, f),
                StmtPart::Query(inner) => query(inner, f),
            }
        }
    }
}

/// Calls `f` on every query nested in `expr` (its comprehensions'), outer before inner.
pub(super) fn expr_queries(expr: &Ref<Expr>, f: &mut dyn FnMut(&Ref<Query>)) {
    match expr.as_ref() {
        Expr::ArrayCompr { term, query: q, .. } | Expr::SetCompr { term, query: q, .. } => {
            expr_queries(term, f);
            query(q, f);
        }
        Expr::ObjectCompr {
            key,
            value,
            query: q,
            ..
        } => {
            expr_queries(key, f);
            expr_queries(value, f);
            query(q, f);
        }
        _ => children(expr, &mut |c| expr_queries(c, f)),
    }
}
