//! OPA's AST terms and body expressions as `rego.parse_module` writes them: each term is
//! `{"type": …, "value": …}` (OPA v1.22.3 `ast.Term.MarshalJSON`, no locations by default), and
//! set elements and object keys come out in OPA's term order (`ast.Compare`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use regorus::Value;

/// An OPA term.
#[derive(Clone, Debug)]
pub(super) enum Term {
    Null,
    Bool(bool),
    /// A number as regorus read it.
    Number(Value),
    String(String),
    Var(String),
    Ref(Vec<Term>),
    Array(Vec<Term>),
    /// Items in source order; [`Term::to_value`] sorts them by key (stable, as OPA keeps
    /// repeated keys).
    Object(Vec<(Term, Term)>),
    /// Elements in source order; [`Term::to_value`] sorts them and drops repeats.
    Set(Vec<Term>),
    ArrayCompr(Box<Term>, Vec<Expr>),
    SetCompr(Box<Term>, Vec<Expr>),
    ObjectCompr(Box<Term>, Box<Term>, Vec<Expr>),
    /// Operator (a ref) and operands.
    Call(Vec<Term>),
}

/// What one body expression holds.
#[derive(Clone, Debug)]
pub(super) enum Terms {
    Term(Term),
    /// A call statement: operator ref, then operands (`x == 1` is `[equal, x, 1]`).
    Call(Vec<Term>),
    /// `some x, y` / `some x in xs` (a `internal.member_2` call).
    Some(Vec<Term>),
    /// `not x` where OPA reads `not` bodies (`import future.keywords.not`): the body `x`, and
    /// whether it was written in braces (`not { x }`).
    Not(Box<Expr>, bool),
    Every {
        key: Option<Term>,
        value: Term,
        domain: Term,
        body: Vec<Expr>,
    },
}

/// One body expression.
#[derive(Clone, Debug)]
pub(super) struct Expr {
    pub negated: bool,
    /// The implicit `true` body of a rule written without one.
    pub generated: bool,
    pub terms: Terms,
    /// `with` target and value.
    pub with: Vec<(Term, Term)>,
}

impl Expr {
    /// A plain statement.
    pub fn new(terms: Terms) -> Self {
        Expr {
            negated: false,
            generated: false,
            terms,
            with: Vec::new(),
        }
    }

    /// OPA's body of a rule written without one: `true`, marked generated.
    pub fn implicit_true() -> Self {
        Expr {
            generated: true,
            ..Expr::new(Terms::Term(Term::Bool(true)))
        }
    }
}

/// A ref to a builtin operator (`plus`, `internal.member_2`).
pub(super) fn operator(name: &str) -> Term {
    let mut parts = name.split('.');
    let head = Term::Var(parts.next().unwrap_or_default().to_owned());
    Term::Ref(
        std::iter::once(head)
            .chain(parts.map(|p| Term::String(p.to_owned())))
            .collect(),
    )
}

/// An object of named fields.
pub(super) fn object(fields: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::from(
        fields
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn array(terms: &[Term]) -> Value {
    Value::from(terms.iter().map(Term::to_value).collect::<Vec<_>>())
}

/// A body as OPA writes it: expressions with their index.
pub(super) fn body_value(body: &[Expr]) -> Value {
    Value::from(
        body.iter()
            .enumerate()
            .map(|(i, e)| e.to_value(i))
            .collect::<Vec<_>>(),
    )
}

impl Term {
    /// OPA's `ValueName`.
    fn type_name(&self) -> &'static str {
        match self {
            Term::Null => "null",
            Term::Bool(_) => "boolean",
            Term::Number(_) => "number",
            Term::String(_) => "string",
            Term::Var(_) => "var",
            Term::Ref(_) => "ref",
            Term::Array(_) => "array",
            Term::Object(_) => "object",
            Term::Set(_) => "set",
            Term::ArrayCompr(..) => "arraycomprehension",
            Term::SetCompr(..) => "setcomprehension",
            Term::ObjectCompr(..) => "objectcomprehension",
            Term::Call(_) => "call",
        }
    }

    /// OPA's `valueSortOrder`.
    fn sort_order(&self) -> u8 {
        match self {
            Term::Null => 0,
            Term::Bool(_) => 1,
            Term::Number(_) => 2,
            Term::String(_) => 3,
            Term::Var(_) => 5,
            Term::Ref(_) => 6,
            Term::Array(_) => 7,
            Term::Object(_) => 8,
            Term::Set(_) => 9,
            Term::ArrayCompr(..) => 10,
            Term::ObjectCompr(..) => 11,
            Term::SetCompr(..) => 12,
            Term::Call(_) => 13,
        }
    }

    /// Whether the term holds no variable (OPA's `IsGround`).
    pub fn is_ground(&self) -> bool {
        match self {
            Term::Null | Term::Bool(_) | Term::Number(_) | Term::String(_) => true,
            Term::Array(items) | Term::Set(items) => items.iter().all(Term::is_ground),
            Term::Object(items) => items.iter().all(|(k, v)| k.is_ground() && v.is_ground()),
            Term::Var(_)
            | Term::Ref(_)
            | Term::ArrayCompr(..)
            | Term::SetCompr(..)
            | Term::ObjectCompr(..)
            | Term::Call(_) => false,
        }
    }

    /// Object items sorted by key, as OPA's object keeps them.
    fn sorted_items(items: &[(Term, Term)]) -> Vec<&(Term, Term)> {
        let mut sorted: Vec<&(Term, Term)> = items.iter().collect();
        sorted.sort_by(|a, b| a.0.compare(&b.0));
        sorted
    }

    /// Set elements sorted, repeats dropped, as OPA's set keeps them.
    fn sorted_elements(items: &[Term]) -> Vec<&Term> {
        let mut sorted: Vec<&Term> = items.iter().collect();
        sorted.sort_by(|a, b| a.compare(b));
        sorted.dedup_by(|a, b| a.compare(b) == Ordering::Equal);
        sorted
    }

    /// OPA's term order (`ast.Compare`). Comprehensions compare by their JSON (OPA compares
    /// term and body; two comprehensions in one set literal are rare).
    pub fn compare(&self, other: &Term) -> Ordering {
        let by_type = self.sort_order().cmp(&other.sort_order());
        if by_type != Ordering::Equal {
            return by_type;
        }
        match (self, other) {
            (Term::Bool(a), Term::Bool(b)) => a.cmp(b),
            (Term::Number(a), Term::Number(b)) => a.cmp(b),
            (Term::String(a), Term::String(b)) | (Term::Var(a), Term::Var(b)) => a.cmp(b),
            (Term::Ref(a), Term::Ref(b))
            | (Term::Array(a), Term::Array(b))
            | (Term::Call(a), Term::Call(b)) => compare_all(a.iter(), b.iter()),
            (Term::Set(a), Term::Set(b)) => compare_all(
                Self::sorted_elements(a).into_iter(),
                Self::sorted_elements(b).into_iter(),
            ),
            (Term::Object(a), Term::Object(b)) => {
                let (a, b) = (Self::sorted_items(a), Self::sorted_items(b));
                for (x, y) in a.iter().zip(&b) {
                    let c = x.0.compare(&y.0).then_with(|| x.1.compare(&y.1));
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => self.to_value().cmp(&other.to_value()),
        }
    }

    /// The term as OPA's JSON (`{"type": …, "value": …}`).
    pub fn to_value(&self) -> Value {
        let value = match self {
            // Go writes OPA's `Null` (an empty struct) as `{}`.
            Term::Null => Value::new_object(),
            Term::Bool(b) => Value::from(*b),
            Term::Number(n) => n.clone(),
            Term::String(s) | Term::Var(s) => Value::from(s.as_str()),
            Term::Ref(terms) | Term::Array(terms) | Term::Call(terms) => array(terms),
            Term::Set(items) => Value::from(
                Self::sorted_elements(items)
                    .into_iter()
                    .map(Term::to_value)
                    .collect::<Vec<_>>(),
            ),
            Term::Object(items) => Value::from(
                Self::sorted_items(items)
                    .into_iter()
                    .map(|(k, v)| Value::from(vec![k.to_value(), v.to_value()]))
                    .collect::<Vec<_>>(),
            ),
            Term::ArrayCompr(term, body) | Term::SetCompr(term, body) => {
                object([("term", term.to_value()), ("body", body_value(body))])
            }
            Term::ObjectCompr(key, value, body) => object([
                ("key", key.to_value()),
                ("value", value.to_value()),
                ("body", body_value(body)),
            ]),
        };
        object([("type", Value::from(self.type_name())), ("value", value)])
    }
}

fn compare_all<'a>(
    mut a: impl Iterator<Item = &'a Term>,
    mut b: impl Iterator<Item = &'a Term>,
) -> Ordering {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let c = x.compare(y);
                if c != Ordering::Equal {
                    return c;
                }
            }
        }
    }
}

impl Expr {
    /// The expression as OPA's JSON, at `index` in its body.
    pub fn to_value(&self, index: usize) -> Value {
        let terms = match &self.terms {
            Terms::Term(t) => t.to_value(),
            Terms::Call(terms) => array(terms),
            Terms::Some(symbols) => object([("symbols", array(symbols))]),
            Terms::Not(body, explicit) => object([
                ("type", Value::from("not")),
                ("body", Value::from(vec![body.to_value(0)])),
                ("explicit_body", Value::from(*explicit)),
            ]),
            Terms::Every {
                key,
                value,
                domain,
                body,
            } => object([
                ("key", key.as_ref().map_or(Value::Null, Term::to_value)),
                ("value", value.to_value()),
                ("domain", domain.to_value()),
                ("body", body_value(body)),
            ]),
        };
        let mut fields = vec![("index", Value::from(index)), ("terms", terms)];
        if self.negated {
            fields.push(("negated", Value::from(true)));
        }
        if self.generated {
            fields.push(("generated", Value::from(true)));
        }
        if !self.with.is_empty() {
            let with = self
                .with
                .iter()
                .map(|(target, value)| {
                    object([("target", target.to_value()), ("value", value.to_value())])
                })
                .collect::<Vec<_>>();
            fields.push(("with", Value::from(with)));
        }
        object(fields)
    }
}
