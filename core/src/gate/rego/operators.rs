//! OPA's builtin for each of Rego's infix operators (v1.22.3, `ast/builtins.go`): `+` is `plus`,
//! `==` is `equal`, `|` is `or`, … OPA's compiler calls them as builtins, so its capabilities,
//! its type checker and its AST name them so.

use regorus::unstable::{ArithOp, BinOp, BoolOp, Expr};

/// The builtin an arithmetic, comparison or set operator calls; `None` for other expressions.
pub(super) fn builtin(expr: &Expr) -> Option<&'static str> {
    Some(match expr {
        Expr::BinExpr { op, .. } => match op {
            BinOp::Union => "or",
            BinOp::Intersection => "and",
        },
        Expr::BoolExpr { op, .. } => match op {
            BoolOp::Lt => "lt",
            BoolOp::Le => "lte",
            BoolOp::Eq => "equal",
            BoolOp::Ge => "gte",
            BoolOp::Gt => "gt",
            BoolOp::Ne => "neq",
        },
        Expr::ArithExpr { op, .. } => match op {
            ArithOp::Add => "plus",
            ArithOp::Sub => "minus",
            ArithOp::Mul => "mul",
            ArithOp::Div => "div",
            ArithOp::Mod => "rem",
        },
        _ => return None,
    })
}
