//! regorus's expressions and queries read as OPA's parser builds them: operators become calls
//! (`x + 1` is `plus(x, 1)`, `x in xs` is `internal.member_2(x, xs)`), `-x` is `minus(0, x)`,
//! `input` and `data` alone are refs (a `with` target naming a function stays a variable),
//! `not x` is a `not` term where OPA reads `not` bodies, and every `_` is a fresh `$N` numbered in source order
//! across the module, as OPA's parser numbers them.

use regorus::Value;
use regorus::unstable::{AssignOp, Expr, Literal, LiteralStmt, Query};

use super::terms::{self, Term, Terms};
use crate::gate::rego::{guards, operators};

/// Converts expressions in source order, numbering wildcards as it goes.
pub(super) struct Reader {
    wildcards: usize,
    /// Terms read so far: the AST is bounded like every builtin's result (`guards`).
    terms: usize,
    /// `import future.keywords.not` (or `future.keywords`, `rego.v2`): OPA then writes
    /// `not x` as a `not` term holding the body `x`.
    not_bodies: bool,
}

/// A construct OPA's parser refuses (or that regorus's AST cannot carry): the module does not
/// parse.
pub(super) type Refused = String;

fn var_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Var { value, .. } => value.as_string().ok().map(|s| s.as_ref()),
        _ => None,
    }
}

/// OPA's builtin for an infix operator, `=` and `:=` included.
fn infix_name(expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::AssignExpr { op, .. } => Some(match op {
            AssignOp::Eq => "eq",
            AssignOp::ColEq => "assign",
        }),
        other => operators::builtin(other),
    }
}

impl Reader {
    /// A reader for one module; `not_bodies` as OPA's parser for it.
    pub fn new(not_bodies: bool) -> Self {
        Reader {
            wildcards: 0,
            terms: 0,
            not_bodies,
        }
    }

    /// The next generated wildcard variable (`$0`, `$1`, …).
    pub fn wildcard(&mut self) -> Term {
        let name = format!("${}", self.wildcards);
        self.wildcards += 1;
        Term::Var(name)
    }

    /// A variable by name: `_` is a fresh wildcard.
    pub fn var(&mut self, name: &str) -> Term {
        if name == "_" {
            self.wildcard()
        } else {
            Term::Var(name.to_owned())
        }
    }

    /// The parts of a ref (`a.b[c]` is `[a, "b", c]`); its head is the term itself when it is
    /// not a variable (`f(x).y`, `[1][0]`).
    pub fn ref_parts(&mut self, expr: &Expr) -> Result<Vec<Term>, Refused> {
        // a long ref is a long chain of nodes: walk it without recursion
        let mut chain = Vec::new();
        let mut at = expr;
        loop {
            match at {
                Expr::RefDot { refr, field, .. } => {
                    chain.push(Err(field.1.clone()));
                    at = refr;
                }
                Expr::RefBrack { refr, index, .. } => {
                    chain.push(Ok(index.clone()));
                    at = refr;
                }
                _ => break,
            }
        }
        let mut parts = vec![match var_name(at) {
            Some(name) => self.var(name),
            None => self.term(at)?,
        }];
        for link in chain.into_iter().rev() {
            parts.push(match link {
                Err(field) => Term::String(
                    field
                        .as_string()
                        .map_or_else(|_| field.to_string(), |s| s.as_ref().to_owned()),
                ),
                Ok(index) => self.term(&index)?,
            });
        }
        Ok(parts)
    }

    /// A ref term (a lone variable too: a `with` target, a function name, an import path).
    pub fn ref_term(&mut self, expr: &Expr) -> Result<Term, Refused> {
        Ok(Term::Ref(self.ref_parts(expr)?))
    }

    /// An operator applied to operands, as the parts of a call.
    fn call_parts(&mut self, expr: &Expr) -> Result<Option<Vec<Term>>, Refused> {
        let binary = |this: &mut Self, name: &str, lhs: &Expr, rhs: &Expr| {
            Ok::<_, Refused>(vec![
                terms::operator(name),
                this.term(lhs)?,
                this.term(rhs)?,
            ])
        };
        Ok(Some(match expr {
            Expr::Call { fcn, params, .. } => {
                let mut parts = vec![self.ref_term(fcn)?];
                for p in params {
                    parts.push(self.term(p)?);
                }
                parts
            }
            Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::ArithExpr { lhs, rhs, .. }
            | Expr::AssignExpr { lhs, rhs, .. } => {
                binary(self, infix_name(expr).unwrap_or_default(), lhs, rhs)?
            }
            Expr::Membership {
                key,
                value,
                collection,
                ..
            } => self.membership(key.as_deref(), value, collection)?,
            Expr::UnaryExpr { expr: operand, .. } if !matches!(**operand, Expr::Number { .. }) => {
                match self.negated_leftmost(operand)? {
                    Term::Call(parts) => parts,
                    _ => return Err("unexpected - token: expected a reference".to_owned()),
                }
            }
            _ => return Ok(None),
        }))
    }

    /// `-` before an operator chain: regorus reads `-x + 1` as `-(x + 1)`; OPA's minus takes
    /// the reference right after it (`minus(0, x) + 1`), the leftmost operand of the chain.
    fn negated_leftmost(&mut self, expr: &Expr) -> Result<Term, Refused> {
        let chain = |this: &mut Self, op: Term, lhs: &Expr, rhs: &Expr| {
            let lhs = this.negated_leftmost(lhs)?;
            Ok::<_, Refused>(Term::Call(vec![op, lhs, this.term(rhs)?]))
        };
        match expr {
            Expr::ArithExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::BinExpr { lhs, rhs, .. } => {
                let op = terms::operator(infix_name(expr).unwrap_or_default());
                chain(self, op, lhs, rhs)
            }
            Expr::Membership {
                key: None,
                value,
                collection,
                ..
            } => chain(
                self,
                terms::operator("internal.member_2"),
                value,
                collection,
            ),
            Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } | Expr::Call { .. } => {
                Ok(Term::Call(vec![
                    terms::operator("minus"),
                    Term::Number(Value::from(0)),
                    self.term(expr)?,
                ]))
            }
            _ => Err("unexpected - token: expected a reference".to_owned()),
        }
    }

    /// `k, v in xs` / `v in xs` as the parts of OPA's `internal.member_3` / `_2` call.
    fn membership(
        &mut self,
        key: Option<&Expr>,
        value: &Expr,
        collection: &Expr,
    ) -> Result<Vec<Term>, Refused> {
        let mut parts = vec![terms::operator(if key.is_some() {
            "internal.member_3"
        } else {
            "internal.member_2"
        })];
        if let Some(key) = key {
            parts.push(self.term(key)?);
        }
        parts.push(self.term(value)?);
        parts.push(self.term(collection)?);
        Ok(parts)
    }

    /// One term.
    pub fn term(&mut self, expr: &Expr) -> Result<Term, Refused> {
        self.terms += 1;
        if let Some(problem) = guards::over_elements(self.terms as f64) {
            return Err(format!(
                "the module's AST is too large: {problem}; sealgate refuses to allocate that much for one builtin call"
            ));
        }
        if let Some(parts) = self.call_parts(expr)? {
            return Ok(Term::Call(parts));
        }
        Ok(match expr {
            Expr::String { value, .. } | Expr::RawString { value, .. } => {
                Term::String(value.as_string().map_err(|e| e.to_string())?.to_string())
            }
            Expr::Number { value, .. } => Term::Number(value.clone()),
            Expr::Bool { value, .. } => Term::Bool(value == &Value::from(true)),
            Expr::Null { .. } => Term::Null,
            Expr::Var { .. } => {
                let name = var_name(expr).unwrap_or_default();
                if matches!(name, "input" | "data") {
                    // OPA's parser makes the root documents refs wherever they stand alone
                    Term::Ref(vec![Term::Var(name.to_owned())])
                } else {
                    self.var(name)
                }
            }
            Expr::Array { items, .. } => Term::Array(self.terms(items)?),
            Expr::Set { items, .. } => Term::Set(self.terms(items)?),
            Expr::Object { fields, .. } => {
                let mut items = Vec::with_capacity(fields.len());
                for (_, k, v) in fields {
                    let key = self.term(k)?;
                    items.push((key, self.term(v)?));
                }
                Term::Object(items)
            }
            Expr::ArrayCompr { term, query, .. } => {
                let term = self.term(term)?;
                Term::ArrayCompr(Box::new(term), self.body(query)?)
            }
            Expr::SetCompr { term, query, .. } => {
                let term = self.term(term)?;
                Term::SetCompr(Box::new(term), self.body(query)?)
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                let key = self.term(key)?;
                let value = self.term(value)?;
                Term::ObjectCompr(Box::new(key), Box::new(value), self.body(query)?)
            }
            Expr::RefDot { .. } | Expr::RefBrack { .. } => Term::Ref(self.ref_parts(expr)?),
            Expr::UnaryExpr { expr: operand, .. } => match &**operand {
                // `- 1`: a negative number, as OPA reads `-1`
                Expr::Number { span, .. } => Term::Number(
                    Value::from_json_str(&format!("-{}", span.text()))
                        .map_err(|e| e.to_string())?,
                ),
                _ => return Err("unexpected unary minus".to_owned()),
            },
            Expr::Call { .. }
            | Expr::BinExpr { .. }
            | Expr::BoolExpr { .. }
            | Expr::ArithExpr { .. }
            | Expr::AssignExpr { .. }
            | Expr::Membership { .. } => {
                return Err("unexpected operator".to_owned());
            }
        })
    }

    fn terms(&mut self, items: &[regorus::unstable::ExprRef]) -> Result<Vec<Term>, Refused> {
        items.iter().map(|i| self.term(i)).collect()
    }

    /// A query as OPA's body.
    pub fn body(&mut self, query: &Query) -> Result<Vec<terms::Expr>, Refused> {
        query.stmts.iter().map(|s| self.statement(s)).collect()
    }

    fn statement(&mut self, stmt: &LiteralStmt) -> Result<terms::Expr, Refused> {
        let (negated, terms) = match &stmt.literal {
            Literal::SomeVars { vars, .. } => (
                false,
                Terms::Some(vars.iter().map(|v| self.var(v.text())).collect()),
            ),
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => (
                false,
                Terms::Some(vec![Term::Call(self.membership(
                    key.as_deref(),
                    value,
                    collection,
                )?)]),
            ),
            Literal::Expr { expr, .. } => (false, self.statement_terms(expr)?),
            Literal::NotExpr { expr, .. } => match &**expr {
                // `not { x }` where OPA reads `not` bodies: regorus reads the set `{x}`
                Expr::Set { span, items, .. }
                    if self.not_bodies && items.len() == 1 && span.text().starts_with('{') =>
                {
                    let body = terms::Expr::new(self.statement_terms(&items[0])?);
                    (false, Terms::Not(Box::new(body), true))
                }
                _ => (true, self.statement_terms(expr)?),
            },
            Literal::Every {
                key,
                value,
                domain,
                query,
                ..
            } => {
                let key = key.as_ref().map(|k| self.var(k.text()));
                let value = self.var(value.text());
                let domain = self.term(domain)?;
                let body = self.body(query)?;
                (
                    false,
                    Terms::Every {
                        key,
                        value,
                        domain,
                        body,
                    },
                )
            }
        };
        let mut with = Vec::with_capacity(stmt.with_mods.len());
        for w in &stmt.with_mods {
            // a function or rule name stays a variable; `input`, `data` and paths are refs
            let target = match &*w.refr {
                Expr::Var { .. } => self.term(&w.refr)?,
                _ => self.ref_term(&w.refr)?,
            };
            with.push((target, self.term(&w.r#as)?));
        }
        if negated && self.not_bodies {
            return Ok(terms::Expr {
                with,
                ..terms::Expr::new(Terms::Not(Box::new(terms::Expr::new(terms)), false))
            });
        }
        Ok(terms::Expr {
            negated,
            generated: false,
            terms,
            with,
        })
    }

    /// A statement's terms: a call statement is its operator and operands.
    fn statement_terms(&mut self, expr: &Expr) -> Result<Terms, Refused> {
        Ok(match self.call_parts(expr)? {
            Some(parts) => Terms::Call(parts),
            None => Terms::Term(self.term(expr)?),
        })
    }
}
