//! The types OPA's checker gives rules, as far as they are certain: a complete rule every
//! definition of which (in every module, its `default` and `else` values included) has a literal
//! value (`limit := 10`, `default allow := false` with `allow if { … }`) is of the type of those
//! values; a reference to it (`limit`, `data.main.limit`) has that type. Every other rule is
//! `any` here: OPA infers more (`p := count(input)` is a number), which is not done.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Module, Ref, Rule, RuleHead};

use super::super::capabilities::{package_of, path_of};
use super::super::rule_walk;
use super::types::Type;

/// Rules of certain type, by their path without `data` (`["main", "limit"]`).
#[derive(Default)]
pub(crate) struct RuleTypes {
    types: BTreeMap<Vec<String>, Type>,
}

impl RuleTypes {
    pub(crate) fn of<'m>(modules: impl Iterator<Item = &'m Module>) -> Self {
        let mut values: BTreeMap<Vec<String>, Vec<Type>> = BTreeMap::new();
        let mut uncertain: BTreeSet<Vec<String>> = BTreeSet::new();
        // a rule a `with` replaces has the replacement's type there too: not certain
        let mut replaced: BTreeSet<String> = BTreeSet::new();
        for module in modules {
            let package = package_of(module);
            for rule in &module.policy {
                rule_walk::queries(rule, &mut |q| {
                    for stmt in &q.stmts {
                        for with in &stmt.with_mods {
                            if let Some(last) = path_of(&with.refr).and_then(|p| p.last().cloned())
                            {
                                replaced.insert(last);
                            }
                        }
                    }
                });
                let (refr, found) = definition(rule);
                let Some(name) = plain_name(refr) else {
                    // `p.q := 1` makes `p` an object of rules
                    if let Some(first) = first_name(refr) {
                        uncertain.insert(package.iter().cloned().chain([first]).collect());
                    }
                    continue;
                };
                let path: Vec<String> = package.iter().cloned().chain([name]).collect();
                match found {
                    Some(types) => values.entry(path).or_default().extend(types),
                    None => {
                        uncertain.insert(path);
                    }
                }
            }
        }
        let types = values
            .into_iter()
            .filter(|(path, _)| {
                !uncertain.contains(path) && path.last().is_none_or(|n| !replaced.contains(n))
            })
            .map(|(path, types)| (path, Type::or(types)))
            .collect();
        RuleTypes { types }
    }

    /// The type of the rule at `path` (without `data`), when certain.
    pub(super) fn get(&self, path: &[String]) -> Option<&Type> {
        self.types.get(path)
    }
}

/// A rule's name, and the types of its values when each is a literal (`None`: not certain).
fn definition(rule: &Ref<Rule>) -> (&Ref<Expr>, Option<Vec<Type>>) {
    match rule.as_ref() {
        Rule::Default {
            refr, args, value, ..
        } => (
            refr,
            args.is_empty()
                .then(|| literal(value))
                .flatten()
                .map(|t| vec![t]),
        ),
        Rule::Spec { head, bodies, .. } => match head {
            RuleHead::Compr { refr, assign, .. } => {
                // `p if { … }` and `else if { … }` without a value are `true`
                let mut types = vec![match assign {
                    Some(a) => literal(&a.value),
                    None => Some(Type::Boolean),
                }];
                types.extend(
                    bodies
                        .iter()
                        .filter(|b| b.is_else)
                        .map(|b| match &b.assign {
                            Some(a) => literal(&a.value),
                            None => Some(Type::Boolean),
                        }),
                );
                (refr, types.into_iter().collect())
            }
            RuleHead::Set { refr, .. } | RuleHead::Func { refr, .. } => (refr, None),
        },
    }
}

/// The type of a literal value (no variable, reference or call in it).
fn literal(expr: &Ref<Expr>) -> Option<Type> {
    Some(match expr.as_ref() {
        Expr::Null { .. } => Type::Null,
        Expr::Bool { .. } => Type::Boolean,
        Expr::Number { .. } => Type::Number,
        Expr::String { .. } | Expr::RawString { .. } => Type::String,
        Expr::UnaryExpr { expr: inner, .. } if matches!(inner.as_ref(), Expr::Number { .. }) => {
            Type::Number
        }
        Expr::Array { items, .. } => Type::Array {
            fixed: items.iter().map(literal).collect::<Option<_>>()?,
            rest: None,
        },
        Expr::Set { items, .. } if items.is_empty() => Type::Set(None),
        Expr::Set { items, .. } => Type::set_of(Type::or(
            items.iter().map(literal).collect::<Option<Vec<_>>>()?,
        )),
        Expr::Object { fields, .. } => Type::Object {
            fixed: fields
                .iter()
                .map(|(_, k, v)| Some((super::constant_key(k)?, literal(v)?)))
                .collect::<Option<_>>()?,
            rest: None,
        },
        _ => return None,
    })
}

/// A rule head's name when it is one name (`p`, not `p.q` or `p[x]`).
fn plain_name(refr: &Ref<Expr>) -> Option<String> {
    match refr.as_ref() {
        Expr::Var { span, .. } => Some(span.text().to_owned()),
        _ => None,
    }
}

/// The first name of a rule head's reference.
fn first_name(refr: &Ref<Expr>) -> Option<String> {
    let mut at = refr;
    loop {
        at = match at.as_ref() {
            Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => refr,
            Expr::Var { span, .. } => return Some(span.text().to_owned()),
            _ => return None,
        };
    }
}
