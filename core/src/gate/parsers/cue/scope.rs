//! CUE's compile-time check of references (cuelang.org/go `internal/core/compile`): every
//! identifier must name something in scope — a field or alias of an enclosing struct literal, a
//! `let`, a comprehension variable, a pattern's label alias, or a predeclared identifier — even
//! where the evaluation never reaches it (a definition nobody uses, an open list's type).

use super::Stop;
use super::ast::{Clause, Decl, Expr, LabelName, StrPart};

/// CUE's predeclared identifiers (types, builtins).
const PREDECLARED: &[&str] = &[
    "_", "int", "float", "number", "string", "bytes", "bool", "uint", "int8", "int16", "int32",
    "int64", "int128", "uint8", "uint16", "uint32", "uint64", "uint128", "byte", "rune", "float32",
    "float64", "len", "close", "and", "or", "div", "mod", "quo", "rem", "error", "matchN",
    "matchIf", "self",
];

/// Checks every reference of a file's declarations.
pub(super) fn check(decls: &[Decl]) -> Result<(), Stop> {
    let mut scopes: Vec<Vec<&str>> = Vec::new();
    struct_scope(decls, &mut scopes)
}

fn struct_scope<'a>(decls: &'a [Decl], scopes: &mut Vec<Vec<&'a str>>) -> Result<(), Stop> {
    let mut names = Vec::new();
    for d in decls {
        match d {
            Decl::Field(f) => {
                if let (LabelName::Name(n), true) = (&f.name, f.ident) {
                    names.push(n.as_str());
                }
                if let Some(a) = &f.alias {
                    names.push(a.as_str());
                }
            }
            Decl::Let(n, _, _) => names.push(n.as_str()),
            _ => {}
        }
    }
    scopes.push(names);
    let r = decls.iter().try_for_each(|d| decl(d, scopes));
    scopes.pop();
    r
}

fn decl<'a>(d: &'a Decl, scopes: &mut Vec<Vec<&'a str>>) -> Result<(), Stop> {
    match d {
        Decl::Field(f) => match &f.name {
            LabelName::Name(_) => expr(&f.value, scopes),
            LabelName::Dynamic(e) => {
                expr(e, scopes)?;
                expr(&f.value, scopes)
            }
            LabelName::Pattern(e, alias) => {
                expr(e, scopes)?;
                scopes.push(alias.as_deref().into_iter().collect());
                let r = expr(&f.value, scopes);
                scopes.pop();
                r
            }
        },
        Decl::Embed(e) | Decl::Let(_, e, _) => expr(e, scopes),
        Decl::Ellipsis(_) => Ok(()),
        Decl::Comprehension(clauses, body) => comprehension(clauses, body, scopes),
    }
}

fn comprehension<'a>(
    clauses: &'a [Clause],
    body: &'a Expr,
    scopes: &mut Vec<Vec<&'a str>>,
) -> Result<(), Stop> {
    let depth = scopes.len();
    let mut r = Ok(());
    for c in clauses {
        r = match c {
            Clause::For(k, v, src) => expr(src, scopes).map(|()| {
                scopes.push(k.as_deref().into_iter().chain([v.as_str()]).collect());
            }),
            Clause::If(cond) => expr(cond, scopes),
            Clause::Let(n, e) => expr(e, scopes).map(|()| scopes.push(vec![n.as_str()])),
        };
        if r.is_err() {
            break;
        }
    }
    if r.is_ok() {
        r = expr(body, scopes);
    }
    scopes.truncate(depth);
    r
}

fn expr<'a>(e: &'a Expr, scopes: &mut Vec<Vec<&'a str>>) -> Result<(), Stop> {
    match e {
        Expr::Ident(name, _) => {
            let known = scopes.iter().rev().any(|s| s.contains(&name.as_str()))
                || PREDECLARED.contains(&name.as_str())
                || name.starts_with("__");
            if known {
                Ok(())
            } else {
                Err(Stop::Eval(
                    String::new(),
                    format!("reference `{name}` not found"),
                ))
            }
        }
        Expr::Str { parts, .. } => parts.iter().try_for_each(|p| match p {
            StrPart::Expr(x) => expr(x, scopes),
            StrPart::Text(_) => Ok(()),
        }),
        Expr::Unary(_, x, _) | Expr::Paren(x) | Expr::Selector(x, _, _) => expr(x, scopes),
        Expr::Binary(_, a, b, _) | Expr::Index(a, b, _) => {
            expr(a, scopes)?;
            expr(b, scopes)
        }
        Expr::Call(f, args, _) => {
            expr(f, scopes)?;
            args.iter().try_for_each(|a| expr(a, scopes))
        }
        Expr::Struct(decls, _) => struct_scope(decls, scopes),
        Expr::List(elems, rest, _) => {
            for el in elems {
                match el {
                    Decl::Embed(x) => expr(x, scopes)?,
                    Decl::Comprehension(clauses, body) => comprehension(clauses, body, scopes)?,
                    _ => {}
                }
            }
            rest.as_deref().map_or(Ok(()), |r| expr(r, scopes))
        }
        Expr::Int(..)
        | Expr::Float(..)
        | Expr::Bool(_)
        | Expr::Null
        | Expr::Bottom(_)
        | Expr::Alias(_) => Ok(()),
    }
}
