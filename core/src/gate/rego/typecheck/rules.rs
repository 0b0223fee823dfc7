//! The types OPA's checker gives rules, as far as they are certain: a complete rule (`p := v`,
//! `p if …`, its `default` and `else` values included, in every module) is of the type of its
//! values, the union of them; a reference to it (`limit`, `data.main.limit`) has that type.
//! Literal values are typed first ([`RuleTypes::of`]); then each value is typed as the checker
//! types a term in its body ([`RuleTypes::with_values`], `p := count(input)` is a number), round
//! after round, as a rule's type may come from other rules'. A function's calls are of the type
//! of its values, typed with its arguments `any` (`f(x) := count(x)`: `f(input)` is a number;
//! OPA also infers the arguments' types, which is not done). Partial rules (`p contains x`, `p[k]
//! := v`), rules named by a reference (`p.q := 1`) and rules a `with` replaces are `any` here.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Module, Ref, Rule, RuleHead};

use super::super::capabilities::{package_of, path_of};
use super::super::rule_walk;
use super::types::Type;

/// Rules of certain type, by their path without `data` (`["main", "limit"]`).
#[derive(Default, Clone, PartialEq)]
pub(crate) struct RuleTypes {
    types: BTreeMap<Vec<String>, Type>,
    /// The rules whose every definition is a complete rule's (or `default`'s) value, one of them
    /// not a literal: typed by [`Self::with_values`].
    inferred: BTreeSet<Vec<String>>,
    /// The rules of literal values.
    literal: BTreeMap<Vec<String>, Type>,
    /// The functions among [`Self::inferred`], by their number of arguments.
    arities: BTreeMap<Vec<String>, usize>,
    /// The functions' result types (typed by [`Self::with_values`]).
    functions: BTreeMap<Vec<String>, Type>,
}

impl RuleTypes {
    pub(crate) fn of<'m>(modules: impl Iterator<Item = &'m Module>) -> Self {
        let mut values: BTreeMap<Vec<String>, Vec<Type>> = BTreeMap::new();
        let mut uncertain: BTreeSet<Vec<String>> = BTreeSet::new();
        // rules with a value that is no literal: typed by `with_values`
        let mut computed: BTreeSet<Vec<String>> = BTreeSet::new();
        let mut arities: BTreeMap<Vec<String>, usize> = BTreeMap::new();
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
                // a function: every definition of the same number of arguments
                let arity = match rule.as_ref() {
                    Rule::Spec {
                        head: RuleHead::Func { args, .. },
                        ..
                    } => Some(args.len()),
                    Rule::Default { args, .. } if !args.is_empty() => Some(args.len()),
                    _ => None,
                };
                match (arity, arities.get(&path)) {
                    (Some(n), None) if !values.contains_key(&path) && !computed.contains(&path) => {
                        arities.insert(path.clone(), n);
                    }
                    (Some(n), Some(&m)) if n == m => {}
                    (None, None) => {}
                    _ => {
                        uncertain.insert(path.clone());
                    }
                }
                match found {
                    Some(types) => values.entry(path).or_default().extend(types),
                    None if value_rule(rule) => {
                        computed.insert(path);
                    }
                    None => {
                        uncertain.insert(path);
                    }
                }
            }
        }
        let certain = |path: &Vec<String>| {
            !uncertain.contains(path) && path.last().is_none_or(|n| !replaced.contains(n))
        };
        let literal: BTreeMap<Vec<String>, Type> = values
            .into_iter()
            .filter(|(path, _)| certain(path) && !computed.contains(path))
            .map(|(path, types)| (path, Type::or(types)))
            .collect();
        let inferred: BTreeSet<Vec<String>> = computed.into_iter().filter(|p| certain(p)).collect();
        arities.retain(|path, _| inferred.contains(path));
        RuleTypes {
            types: literal.clone(),
            inferred,
            literal,
            arities,
            functions: BTreeMap::new(),
        }
    }

    /// The path a definition of a rule typed by [`Self::with_values`] gives a value to, in a
    /// module of `package`.
    pub(crate) fn inferred_path(
        &self,
        rule: &Ref<Rule>,
        package: &[String],
    ) -> Option<Vec<String>> {
        let name = plain_name(definition(rule).0)?;
        let path: Vec<String> = package.iter().cloned().chain([name]).collect();
        self.inferred.contains(&path).then_some(path)
    }

    /// These types, with the rules of [`Self::inferred_path`] typed by their definitions'
    /// `values` (each definition's value types, as the checker types them with these types).
    pub(crate) fn with_values(&self, values: BTreeMap<Vec<String>, Vec<Type>>) -> Self {
        let mut types = self.literal.clone();
        let mut functions = BTreeMap::new();
        for (path, t) in values {
            if !self.inferred.contains(&path) {
                continue;
            }
            let into = if self.arities.contains_key(&path) {
                &mut functions
            } else {
                &mut types
            };
            into.insert(path, Type::or(t));
        }
        RuleTypes {
            types,
            inferred: self.inferred.clone(),
            literal: self.literal.clone(),
            arities: self.arities.clone(),
            functions,
        }
    }

    /// The result type of a call of the function at `path` with `args` arguments, when known.
    pub(super) fn function(&self, path: &[String], args: usize) -> Option<&Type> {
        (self.arities.get(path) == Some(&args))
            .then(|| self.functions.get(path))
            .flatten()
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

/// Whether a rule is a complete rule's, a function's or a `default`'s definition (`p := v`, `p
/// if …`, `f(x) := v`): one whose values [`super::value_types`] types.
fn value_rule(rule: &Ref<Rule>) -> bool {
    match rule.as_ref() {
        Rule::Default { .. } => true,
        Rule::Spec { head, .. } => matches!(head, RuleHead::Compr { .. } | RuleHead::Func { .. }),
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
