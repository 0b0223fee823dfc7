//! OPA's type check of builtin calls (v1.22.3, `ast/check.go`): a call whose arguments OPA knows
//! to be of the wrong type (`upper(1)`, `concat(",", [1, 2])`, `count(5)`, `1 + "a"`) makes `opa`,
//! conftest and `opa test` refuse the policy at load with `rego_type_error: upper: invalid
//! argument(s)`. regorus has no type checker and evaluates such a call as undefined (the rule
//! does not fire); sealgate refuses the policy as OPA does ([`super::capabilities::check`] runs
//! this over every rule of the user's modules).
//!
//! Only refusals OPA makes too: every type here is one OPA's checker gives the term or a wider
//! one, so a call refused here is refused there. Known: literals, the declared result of a
//! builtin call (`signatures.json`, from OPA's capabilities), comprehensions (`array[any]`, …),
//! references into values of known type, complete rules and calls of the policies' functions,
//! typed by their values ([`RuleTypes`]), and a local assigned once with `:=` (and bound nowhere
//! else) to a term of known type. Any other term is `any`: `input`, partial rules and rules named
//! by a reference, function arguments, `some`/`every` variables, and a local that OPA may widen
//! (one inside a composite literal checked against `any`, as `unify1` does with `union`). What
//! OPA refuses and this does not: calls of the policies' own functions with arguments of a type
//! their bodies do not take (OPA infers the arguments' types), partial rules' values, and
//! mismatched unifications (`x := 1; x = "a"`, OPA's "match error").

mod rules;
mod signatures;
mod types;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{AssignOp, Expr, Literal, Query, Ref, Rule, RuleHead};

pub(crate) use self::rules::RuleTypes;
pub(crate) use self::types::Type;
use self::types::unifies;
use super::capabilities::{Position, start as position};
use super::rule_walk;
use super::shadowing::{StmtPart, children, stmt_parts};

/// Names the builtin a call's function expression refers to (`None`: one of the policies' own
/// functions, or a name this cannot resolve), as the caller resolves names in its module.
pub(super) type Resolve<'a> = &'a dyn Fn(&Ref<Expr>) -> Option<String>;

/// What a rule's names refer to, in its module.
pub(super) struct Context<'a> {
    pub(super) resolve: Resolve<'a>,
    /// Rules of known type, in every module.
    pub(super) rules: &'a RuleTypes,
    /// The module's package (without `data`).
    pub(super) package: &'a [String],
    /// The names the module's imports bring in.
    pub(super) aliases: &'a [String],
}

/// The calls of one rule that OPA's type checker refuses: where, and OPA's words after
/// `rego_type_error: ` (`upper: invalid argument(s) — have: (number, ???), want: (x: string, y: string)`).
pub(super) fn rule_errors(rule: &Ref<Rule>, context: &Context<'_>) -> Vec<(Position, String)> {
    scopes(rule)
        .iter()
        .flat_map(|scope| scope_errors(scope, context))
        .collect()
}

/// One body of a rule and the head terms that refer to its locals: a scope of its own in OPA
/// (`else` bodies and Rego v0's chained bodies are rules of their own there).
struct Scope<'r> {
    query: Option<&'r Ref<Query>>,
    exprs: Vec<&'r Ref<Expr>>,
    /// A function's arguments.
    args: &'r [Ref<Expr>],
}

fn scopes(rule: &Ref<Rule>) -> Vec<Scope<'_>> {
    match rule.as_ref() {
        Rule::Default { value, args, .. } => vec![Scope {
            query: None,
            exprs: vec![value],
            args,
        }],
        Rule::Spec { head, bodies, .. } => {
            let (head_exprs, args): (Vec<&Ref<Expr>>, &[Ref<Expr>]) = match head {
                RuleHead::Compr { refr, assign, .. } => {
                    let mut exprs: Vec<&Ref<Expr>> = assign.iter().map(|a| &a.value).collect();
                    if let Expr::RefBrack { index, .. } = refr.as_ref() {
                        exprs.push(index);
                    }
                    (exprs, &[])
                }
                RuleHead::Set { key, .. } => (key.iter().collect(), &[]),
                RuleHead::Func { args, assign, .. } => {
                    (assign.iter().map(|a| &a.value).collect(), args.as_slice())
                }
            };
            if bodies.is_empty() {
                return vec![Scope {
                    query: None,
                    exprs: head_exprs,
                    args,
                }];
            }
            bodies
                .iter()
                .map(|body| {
                    let mut exprs: Vec<&Ref<Expr>> = body.assign.iter().map(|a| &a.value).collect();
                    if !body.is_else {
                        exprs.extend(head_exprs.iter().copied());
                    }
                    Scope {
                        query: Some(&body.query),
                        exprs,
                        args,
                    }
                })
                .collect()
        }
    }
}

impl Scope<'_> {
    /// Every query of the scope, outer before inner.
    fn queries(&self, f: &mut dyn FnMut(&Ref<Query>)) {
        if let Some(query) = self.query {
            rule_walk::query(query, f);
        }
        for expr in &self.exprs {
            rule_walk::expr_queries(expr, f);
        }
    }
}

fn scope_errors(scope: &Scope<'_>, context: &Context<'_>) -> Vec<(Position, String)> {
    with_scope(scope, context, |checker| checker.errors.clone())
}

/// The types of a complete rule's or a function's values, one per definition body (`else` ones
/// included), as the checker types each in its body (a function's arguments `any`); `None` for
/// any other rule (see [`RuleTypes`]).
pub(super) fn value_types(rule: &Ref<Rule>, context: &Context<'_>) -> Option<Vec<Type>> {
    let scopes = scopes(rule);
    match rule.as_ref() {
        Rule::Default { value, .. } => {
            let scope = scopes.first()?;
            Some(vec![with_scope(scope, context, |c| c.type_of(value))])
        }
        Rule::Spec {
            head: RuleHead::Compr { assign, .. } | RuleHead::Func { assign, .. },
            bodies,
            ..
        } => {
            let head_value = assign.as_ref().map(|a| &a.value);
            if bodies.is_empty() {
                let scope = scopes.first()?;
                let value = head_value?;
                return Some(vec![with_scope(scope, context, |c| c.type_of(value))]);
            }
            if scopes.len() != bodies.len() {
                return None;
            }
            let types = bodies
                .iter()
                .zip(&scopes)
                .map(|(body, scope)| {
                    let value = if body.is_else {
                        body.assign.as_ref().map(|a| &a.value)
                    } else {
                        head_value
                    };
                    // `p if { … }` without a value is `true`
                    value.map_or(Type::Boolean, |v| {
                        with_scope(scope, context, |c| c.type_of(v))
                    })
                })
                .collect();
            Some(types)
        }
        _ => None,
    }
}

/// Runs the checker over one scope and gives `f` the checker at its end.
fn with_scope<R>(scope: &Scope<'_>, context: &Context<'_>, f: impl FnOnce(&Checker<'_>) -> R) -> R {
    let (bindings, locals) = assigned_once(scope);
    let mut widened: BTreeSet<String> = BTreeSet::new();
    // A local OPA may widen is `any` everywhere: check again without it until none is left.
    loop {
        let typed: BTreeSet<&String> = bindings.difference(&widened).collect();
        let mut checker = Checker {
            context,
            locals: &locals,
            typed,
            vars: BTreeMap::new(),
            failed: BTreeSet::new(),
            widened: BTreeSet::new(),
            statements: BTreeSet::new(),
            errors: Vec::new(),
        };
        scope.queries(&mut |q| checker.query(q));
        for expr in &scope.exprs {
            checker.check(expr);
        }
        let more: Vec<String> = checker
            .widened
            .iter()
            .filter(|v| checker.vars.contains_key(*v) && !widened.contains(*v))
            .cloned()
            .collect();
        if more.is_empty() {
            return f(&checker);
        }
        widened.extend(more);
    }
}

/// The locals of a scope that a statement of its body assigns with `name := value`, and nothing
/// else in the scope binds (no other `:=`, even in a comprehension, where it would be another
/// local; no `=`, `some`, `every` or argument); and every name the scope may bind (those, and
/// those it binds otherwise), which do not refer to rules there.
fn assigned_once(scope: &Scope<'_>) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut once: BTreeSet<String> = BTreeSet::new();
    let mut other: BTreeSet<String> = BTreeSet::new();
    let mut assignments: BTreeMap<String, usize> = BTreeMap::new();
    scope.args.iter().for_each(|a| vars_in(a, &mut other));
    scope.queries(&mut |query| {
        // regorus's nodes compare by identity
        let top = scope.query == Some(query);
        for stmt in &query.stmts {
            match &stmt.literal {
                Literal::SomeVars { vars, .. } => {
                    other.extend(vars.iter().map(|v| v.text().to_owned()));
                }
                Literal::SomeIn { key, value, .. } => {
                    key.iter()
                        .chain([value])
                        .for_each(|e| vars_in(e, &mut other));
                }
                Literal::Every { key, value, .. } => {
                    other.extend(key.iter().chain([value]).map(|v| v.text().to_owned()));
                }
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                    let Expr::AssignExpr { op, lhs, rhs, .. } = expr.as_ref() else {
                        continue;
                    };
                    match (op, lhs.as_ref()) {
                        (AssignOp::ColEq, Expr::Var { span, .. }) => {
                            let name = span.text().to_owned();
                            *assignments.entry(name.clone()).or_default() += 1;
                            if top {
                                once.insert(name);
                            }
                        }
                        (AssignOp::ColEq, _) => vars_in(lhs, &mut other),
                        (AssignOp::Eq, _) => {
                            vars_in(lhs, &mut other);
                            vars_in(rhs, &mut other);
                        }
                    }
                }
            }
        }
    });
    once.retain(|name| name != "_" && assignments.get(name) == Some(&1) && !other.contains(name));
    let locals = other.into_iter().chain(assignments.into_keys()).collect();
    (once, locals)
}

/// Calls `f` on the names of the variables a term's type depends on: those in composite
/// literals and at the head of references, not those in calls' arguments or comprehensions
/// (whose types do not depend on them).
fn untyped_locals(term: &Ref<Expr>, f: &mut dyn FnMut(&str)) {
    match term.as_ref() {
        Expr::Var { span, .. } if !matches!(span.text(), "input" | "data") => f(span.text()),
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            items.iter().for_each(|i| untyped_locals(i, f));
        }
        Expr::Object { fields, .. } => fields.iter().for_each(|(_, k, v)| {
            untyped_locals(k, f);
            untyped_locals(v, f);
        }),
        Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => untyped_locals(refr, f),
        _ => {}
    }
}

/// Every variable name in an expression (references' heads and indexes included).
fn vars_in(expr: &Ref<Expr>, names: &mut BTreeSet<String>) {
    if let Expr::Var { span, .. } = expr.as_ref() {
        names.insert(span.text().to_owned());
    }
    children(expr, &mut |c| vars_in(c, names));
}

struct Checker<'a> {
    context: &'a Context<'a>,
    /// Names the scope binds: not references to rules.
    locals: &'a BTreeSet<String>,
    /// Locals typed when their `:=` is met.
    typed: BTreeSet<&'a String>,
    /// Locals of known type.
    vars: BTreeMap<String, Type>,
    /// Calls refused already (by their text's range): their result is not known (OPA does
    /// not type the output of a call it refused).
    failed: BTreeSet<(u32, u32)>,
    /// Locals OPA may widen (see the module doc).
    widened: BTreeSet<String>,
    /// Calls that are statements of their own (no result local in OPA's `have`), by range.
    statements: BTreeSet<(u32, u32)>,
    errors: Vec<(Position, String)>,
}

impl Checker<'_> {
    /// The statements of one query (nested queries come on their own).
    fn query(&mut self, query: &Ref<Query>) {
        for stmt in &query.stmts {
            if let Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } = &stmt.literal {
                self.statements.insert(range(expr));
            }
            for part in stmt_parts(stmt) {
                if let StmtPart::Expr(e) = part {
                    self.check(e);
                }
            }
            if let Literal::Expr { expr, .. } = &stmt.literal
                && let Expr::AssignExpr {
                    op: AssignOp::ColEq,
                    lhs,
                    rhs,
                    ..
                } = expr.as_ref()
                && let Expr::Var { span, .. } = lhs.as_ref()
                && self.typed.contains(&span.text().to_owned())
            {
                let t = self.type_of(rhs);
                self.vars.insert(span.text().to_owned(), t);
            }
            // OPA's compiler writes these as `internal.member_*` calls over `any` arguments,
            // and `some … in` over a local or a call's result as a reference into it
            match &stmt.literal {
                Literal::SomeIn { collection, .. } => {
                    self.unify(collection, &Type::any(), false);
                    let indexed = matches!(
                        collection.as_ref(),
                        Expr::Var { .. }
                            | Expr::Call { .. }
                            | Expr::ArithExpr { .. }
                            | Expr::BinExpr { .. }
                            | Expr::BoolExpr { .. }
                            | Expr::RefDot { .. }
                            | Expr::RefBrack { .. }
                    );
                    if indexed
                        && matches!(
                            self.type_of(collection),
                            Type::Null | Type::Boolean | Type::Number | Type::String
                        )
                    {
                        self.errors.push((
                            position(collection),
                            format!("undefined ref: {}[_]", written(collection)),
                        ));
                    }
                }
                Literal::Every { domain, .. } => {
                    self.unify(domain, &Type::any(), false);
                }
                _ => {}
            }
        }
    }

    /// Checks every call in an expression, inner calls first, except in the queries of
    /// comprehensions (which come as queries).
    fn check(&mut self, expr: &Ref<Expr>) {
        match expr.as_ref() {
            Expr::ArrayCompr { term, .. } | Expr::SetCompr { term, .. } => self.check(term),
            Expr::ObjectCompr { key, value, .. } => {
                self.check(key);
                self.check(value);
            }
            _ => children(expr, &mut |c| self.check(c)),
        }
        if let Some((name, args)) = self.call_of(expr) {
            self.call(expr, &name, &args);
        }
        if let Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } = expr.as_ref()
            && self.undefined_ref(expr)
        {
            self.failed.insert(range(expr));
            self.errors
                .push((position(refr), format!("undefined ref: {}", written(expr))));
        }
    }

    /// Whether OPA's `checkRef` (`checkRefLeaf`) finds a reference undefined by the type of
    /// what it indexes: a scalar; an empty collection with a constant key; a constant key the
    /// type has no element at (`{"a": 1}.b`, `[1][5]`, `{1, 2}["a"]`); a key of another type
    /// than the collection's keys (`{1, 2}[["a"]]`), or a comprehension as the key.
    fn undefined_ref(&mut self, expr: &Ref<Expr>) -> bool {
        let (base, index) = match expr.as_ref() {
            Expr::RefDot { refr, field, .. } => (refr, Index::Field(field.0.text())),
            Expr::RefBrack { refr, index, .. } => (refr, Index::Term(index)),
            _ => return false,
        };
        let t = self.type_of(base);
        let keys = match &t {
            Type::Any(_) => return false,
            Type::Null | Type::Boolean | Type::Number | Type::String => return true,
            Type::Array { .. } => Type::Number,
            Type::Object { fixed, rest } => {
                let mut keys: Vec<Type> = Vec::new();
                if !fixed.is_empty() {
                    keys.push(Type::String);
                }
                if let Some(rest) = rest {
                    if rest.0.is_any() {
                        keys = vec![Type::any()];
                    } else if !keys.contains(&rest.0) {
                        keys.push(rest.0.clone());
                    }
                }
                match keys.len() {
                    0 => Type::any(),
                    1 => keys.remove(0),
                    _ => Type::Any(keys),
                }
            }
            Type::Set(of) => of.as_deref().cloned().unwrap_or_else(Type::any),
        };
        let empty = match &t {
            Type::Object { fixed, rest } => fixed.is_empty() && rest.is_none(),
            Type::Array { fixed, rest } => fixed.is_empty() && rest.is_none(),
            Type::Set(of) => of.is_none(),
            _ => false,
        };
        let constant = match &index {
            Index::Field(name) => Some(Constant::String(name)),
            Index::Term(term) => constant(term),
        };
        if empty {
            return constant.is_some()
                || matches!(t, Type::Array { .. })
                    && matches!(&index, Index::Term(term) if matches!(term.as_ref(), Expr::Var { .. })
                        && !unifies(&self.type_of(term), &Type::Number));
        }
        if let Some(constant) = constant {
            return select(&t, &constant).is_none();
        }
        let Index::Term(term) = index else {
            return false;
        };
        match term.as_ref() {
            Expr::Array { .. } | Expr::Object { .. } | Expr::Set { .. } => {
                !self.unify(term, &keys, false)
            }
            Expr::ArrayCompr { .. } | Expr::SetCompr { .. } | Expr::ObjectCompr { .. } => true,
            _ => !unifies(&self.type_of(term), &keys),
        }
    }

    /// The builtin an expression calls (operators are OPA's builtins too) and its arguments;
    /// `None` for the `0` of `-x` (OPA's `minus(0, x)`).
    fn call_of<'e>(&self, expr: &'e Ref<Expr>) -> Option<(String, Vec<Option<&'e Ref<Expr>>>)> {
        let (name, args) = match expr.as_ref() {
            Expr::Call { fcn, params, .. } => (
                (self.context.resolve)(fcn)?,
                params.iter().map(Some).collect(),
            ),
            Expr::ArithExpr { lhs, rhs, .. }
            | Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. } => (
                super::operators::builtin(expr)?.to_owned(),
                vec![Some(lhs), Some(rhs)],
            ),
            Expr::Membership {
                key: Some(key),
                value,
                collection,
                ..
            } => (
                "internal.member_3".to_owned(),
                vec![Some(key), Some(value), Some(collection)],
            ),
            Expr::Membership {
                key: None,
                value,
                collection,
                ..
            } => (
                "internal.member_2".to_owned(),
                vec![Some(value), Some(collection)],
            ),
            Expr::UnaryExpr { expr: inner, .. }
                if !matches!(inner.as_ref(), Expr::Number { .. }) =>
            {
                ("minus".to_owned(), vec![None, Some(inner)])
            }
            _ => return None,
        };
        Some((name, args))
    }

    /// One call of builtin `name`: each argument (and an output argument, `count(xs, n)`) must
    /// unify with what the builtin declares there, as `checkExprBuiltin` requires.
    fn call(&mut self, expr: &Ref<Expr>, name: &str, args: &[Option<&Ref<Expr>>]) {
        let Some(signature) = signatures::of(name) else {
            return;
        };
        if signature.variadic {
            return;
        }
        let wanted: Vec<&Type> = signature
            .args
            .iter()
            .chain(&signature.result)
            .map(|(_, t)| t)
            .collect();
        // an arity regorus refuses itself, at load, in its own words
        if args.len() > wanted.len() || args.len() < signature.args.len() {
            return;
        }
        // as `checkExprBuiltin`: an argument of known type (every local in it typed) must
        // unify as a whole first (`sum([1, a])`, `concat(",", [x, count(y)])`), then part by part
        let fits = args.iter().zip(&wanted).all(|(arg, want)| match arg {
            Some(arg) => {
                self.known_type(arg).is_none_or(|t| unifies(&t, want))
                    && self.unify(arg, want, false)
            }
            None => unifies(&Type::Number, want),
        });
        if !fits {
            let at = position(expr);
            self.failed.insert(range(expr));
            let output = wanted.len() > args.len() && !self.statements.contains(&range(expr));
            let written = |elide: bool| {
                let mut have: Vec<String> = args.iter().map(|a| self.shown(*a, elide)).collect();
                // the result's local OPA adds, unless the call is a statement of its own
                if output {
                    have.push("???".to_owned());
                }
                format!("({})", have.join(", "))
            };
            // as OPA does, a line too wide is written with its wide types elided
            let mut have = written(false);
            if have.chars().count() > MAX_LINE_WIDTH {
                have = written(true);
            }
            self.errors.push((
                at,
                format!(
                    "{name}: invalid argument(s) — have: {have}, want: {}",
                    signature.want()
                ),
            ));
        }
    }

    /// `unify1` of OPA's `ast/check.go`: whether `term` may have type `want`, looking into
    /// composite literals; a local met with `union` is one OPA widens.
    fn unify(&mut self, term: &Ref<Expr>, want: &Type, union: bool) -> bool {
        match term.as_ref() {
            Expr::Array { items, .. } => match want {
                Type::Array { fixed, rest } => {
                    (items.len() == fixed.len() || rest.is_some())
                        && items.iter().enumerate().all(|(i, item)| {
                            Type::element(fixed, rest.as_deref(), i)
                                .is_some_and(|t| self.unify(item, t, union))
                        })
                }
                Type::Any(alternatives) => self.unify_alternatives(term, items, alternatives),
                _ => false,
            },
            Expr::Set { items, .. } => match want {
                Type::Set(of) => {
                    let of = of.as_deref();
                    items
                        .iter()
                        .all(|item| of.is_some_and(|t| self.unify(item, t, union)))
                }
                Type::Any(alternatives) => self.unify_alternatives(term, items, alternatives),
                _ => false,
            },
            Expr::Object { fields, .. } => match want {
                Type::Object { fixed, rest } => {
                    (fields.len() == fixed.len() || rest.is_some())
                        && fields
                            .iter()
                            .all(|(_, key, value)| match constant_key(key) {
                                Some(key) => Type::property(fixed, rest.as_deref(), &key)
                                    .is_some_and(|t| self.unify(value, t, union)),
                                None => {
                                    self.unify(value, &Type::any(), union);
                                    true
                                }
                            })
                }
                Type::Any(alternatives) => {
                    let parts: Vec<Ref<Expr>> = fields
                        .iter()
                        .flat_map(|(_, k, v)| [k.clone(), v.clone()])
                        .collect();
                    self.unify_alternatives(term, &parts, alternatives)
                }
                _ => false,
            },
            Expr::Var { span, .. } => {
                let name = span.text();
                if union {
                    self.widened.insert(name.to_owned());
                    return true;
                }
                match self.vars.get(name) {
                    Some(t) => unifies(t, want),
                    None => true,
                }
            }
            // OPA has bound a call's result to a local of the result's type by now
            Expr::Call { .. } if union => true,
            _ => unifies(&self.type_of(term), want),
        }
    }

    /// A composite literal against `any<…>`: against `any` its parts are unified with `any`
    /// in union mode; against alternatives, one must fit (each tried in union mode).
    fn unify_alternatives(
        &mut self,
        term: &Ref<Expr>,
        parts: &[Ref<Expr>],
        alternatives: &[Type],
    ) -> bool {
        if alternatives.is_empty() {
            for part in parts {
                self.unify(part, &Type::any(), true);
            }
            return true;
        }
        let mut fits = false;
        for alternative in alternatives {
            fits = self.unify(term, alternative, true) || fits;
        }
        fits
    }

    /// The type OPA gives a term, or a wider one.
    fn type_of(&self, term: &Ref<Expr>) -> Type {
        match term.as_ref() {
            Expr::Null { .. } => Type::Null,
            Expr::Bool { .. } => Type::Boolean,
            Expr::Number { .. } => Type::Number,
            Expr::String { .. } | Expr::RawString { .. } => Type::String,
            Expr::Array { items, .. } => Type::Array {
                fixed: items.iter().map(|i| self.type_of(i)).collect(),
                rest: None,
            },
            Expr::Set { items, .. } if items.is_empty() => Type::Set(None),
            Expr::Set { items, .. } => {
                Type::set_of(Type::or(items.iter().map(|i| self.type_of(i))))
            }
            Expr::Object { fields, .. } => {
                let mut fixed = Vec::new();
                for (_, key, value) in fields {
                    match constant_key(key) {
                        Some(key) => fixed.push((key, self.type_of(value))),
                        None => return Type::object_of(Type::any(), Type::any()),
                    }
                }
                Type::Object { fixed, rest: None }
            }
            Expr::ArrayCompr { .. } => Type::array_of(Type::any()),
            Expr::SetCompr { .. } => Type::set_of(Type::any()),
            Expr::ObjectCompr { .. } => Type::object_of(Type::any(), Type::any()),
            Expr::Var { span, .. } => match self.vars.get(span.text()) {
                Some(t) => t.clone(),
                None => self.rule_type(term).unwrap_or_else(Type::any),
            },
            Expr::BoolExpr { .. } | Expr::Membership { .. } => Type::Boolean,
            Expr::RefDot { .. } | Expr::RefBrack { .. } if let Some(t) = self.rule_type(term) => t,
            Expr::RefDot { refr, field, .. } => {
                select(&self.type_of(refr), &Constant::String(field.0.text()))
                    .unwrap_or_else(Type::any)
            }
            Expr::RefBrack { refr, index, .. } => {
                let base = self.type_of(refr);
                match constant(index) {
                    Some(key) => select(&base, &key).unwrap_or_else(Type::any),
                    None => values(&base),
                }
            }
            Expr::UnaryExpr { expr: inner, .. }
                if matches!(inner.as_ref(), Expr::Number { .. }) =>
            {
                Type::Number
            }
            Expr::Call { fcn, params, .. } if (self.context.resolve)(fcn).is_none() => self
                .function_type(fcn, params.len())
                .unwrap_or_else(Type::any),
            _ => match self.call_of(term) {
                Some((name, _)) if !self.failed.contains(&range(term)) => signatures::of(&name)
                    .and_then(|s| s.result.as_ref())
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(Type::any),
                _ => Type::any(),
            },
        }
    }

    /// The type of the rule a name (`limit`, not a local here nor an import) or a reference
    /// (`data.main.limit`) refers to, when known.
    fn rule_type(&self, term: &Ref<Expr>) -> Option<Type> {
        self.rule_at(super::capabilities::path_of(term)?)
    }

    /// [`Self::rule_type`] of a reference's parts.
    fn rule_at(&self, path: Vec<String>) -> Option<Type> {
        let full: Vec<String> = match path.as_slice() {
            [name] => {
                let name = name.as_str();
                if self.locals.contains(name)
                    || self.context.aliases.iter().any(|a| a == name)
                    || matches!(name, "input" | "data")
                {
                    return None;
                }
                self.context.package.iter().cloned().chain(path).collect()
            }
            [data, rest @ ..] if data == "data" => rest.to_vec(),
            _ => return None,
        };
        self.context.rules.get(&full).cloned()
    }

    /// The result type of a call of one of the policies' functions (`f(x)`, `data.lib.f(x)`)
    /// with `args` arguments, when known.
    fn function_type(&self, fcn: &Ref<Expr>, args: usize) -> Option<Type> {
        let path = super::capabilities::path_of(fcn)?;
        let full: Vec<String> = match path.as_slice() {
            [_] => self.context.package.iter().cloned().chain(path).collect(),
            [data, rest @ ..] if data == "data" => rest.to_vec(),
            _ => return None,
        };
        self.context.rules.function(&full, args).cloned()
    }

    /// A term's type when OPA knows all of it (`GetByValue` without a nil part): `None` when
    /// it holds a local not typed here.
    fn known_type(&self, term: &Ref<Expr>) -> Option<Type> {
        let mut typed = true;
        untyped_locals(term, &mut |name| {
            typed &= self.vars.contains_key(name) || self.rule_at(vec![name.to_owned()]).is_some();
        });
        typed.then(|| self.type_of(term))
    }

    /// An argument's type as OPA writes it in `have`: `???` for a local it has not typed.
    fn shown(&self, arg: Option<&Ref<Expr>>, elide: bool) -> String {
        let t = match arg {
            None => Type::Number,
            Some(arg) => match arg.as_ref() {
                Expr::Var { .. } if self.known_type(arg).is_none() => return "???".to_owned(),
                _ => self.type_of(arg),
            },
        };
        if elide { t.elided() } else { t.to_string() }
    }
}

/// The type of the element of a value of type `t` at a constant `key` (`types.Select` of OPA's
/// `types`): `None` when a value of that type has none there; `any` when not known.
fn select(t: &Type, key: &Constant<'_>) -> Option<Type> {
    let key_type = key.type_of();
    match t {
        Type::Array { fixed, rest } => match key {
            Constant::Number(text) => text
                .parse::<usize>()
                .ok()
                .and_then(|i| Type::element(fixed, rest.as_deref(), i))
                .cloned(),
            _ => None,
        },
        Type::Object { fixed, rest } => {
            let named = match key {
                Constant::String(k) => Type::property(fixed, None, k),
                _ => None,
            };
            named
                .or_else(|| {
                    rest.as_ref()
                        .filter(|r| contains(&r.0, &key_type))
                        .map(|r| &r.1)
                })
                .cloned()
        }
        Type::Set(Some(of)) if **of == key_type => Some(key_type),
        Type::Set(Some(of)) => contains(of, &key_type).then_some(key_type),
        Type::Any(_) => Some(Type::any()),
        _ => None,
    }
}

/// The type of any element of a value of type `t` (`types.Values`): what a reference with a
/// variable key gives.
fn values(t: &Type) -> Type {
    match t {
        Type::Array { fixed, rest } => Type::or(fixed.iter().chain(rest.as_deref()).cloned()),
        Type::Object { fixed, rest } => Type::or(
            fixed
                .iter()
                .map(|(_, v)| v)
                .chain(rest.as_deref().map(|r| &r.1))
                .cloned(),
        ),
        Type::Set(Some(of)) => (**of).clone(),
        _ => Type::any(),
    }
}

/// A reference's key when it is a scalar literal.
fn constant(index: &Ref<Expr>) -> Option<Constant<'_>> {
    match index.as_ref() {
        Expr::String { value, .. } | Expr::RawString { value, .. } => {
            value.as_string().ok().map(|s| Constant::String(s))
        }
        Expr::Number { span, .. } => Some(Constant::Number(span.text())),
        Expr::Bool { .. } => Some(Constant::Other(Type::Boolean)),
        Expr::Null { .. } => Some(Constant::Other(Type::Null)),
        _ => None,
    }
}

/// How a reference indexes: `.name`, or `[term]`.
enum Index<'e> {
    Field(&'e str),
    Term(&'e Ref<Expr>),
}

/// A scalar key written in a reference.
enum Constant<'e> {
    String(&'e str),
    /// A number, as written.
    Number(&'e str),
    Other(Type),
}

impl Constant<'_> {
    fn type_of(&self) -> Type {
        match self {
            Constant::String(_) => Type::String,
            Constant::Number(_) => Type::Number,
            Constant::Other(t) => t.clone(),
        }
    }
}

/// Whether type `a` takes every value of scalar type `b` (`types.Contains`, for the scalar
/// types of written keys).
fn contains(a: &Type, b: &Type) -> bool {
    match a {
        Type::Any(alternatives) => alternatives.is_empty() || alternatives.contains(b),
        other => other == b,
    }
}

/// An object literal's key when it is a constant string (the keys OPA's declarations name);
/// an object with keys of other types is typed `object[any: any]` here.
pub(super) fn constant_key(key: &Ref<Expr>) -> Option<String> {
    match key.as_ref() {
        Expr::String { value, .. } | Expr::RawString { value, .. } => {
            value.as_string().ok().map(|s| s.to_string())
        }
        _ => None,
    }
}

/// Widest `have` a type error writes in full (OPA's `maxTypeErrLineWidth`).
const MAX_LINE_WIDTH: usize = 80;

/// An expression's text for an error: its first [`MAX_LINE_WIDTH`] characters, on one line (a
/// reference into a literal of thousands of keys is not written out whole).
fn written(expr: &Ref<Expr>) -> String {
    let text = expr.span().text();
    let mut shown: String = text
        .chars()
        .take(MAX_LINE_WIDTH)
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if text.chars().count() > MAX_LINE_WIDTH {
        shown.push('…');
    }
    shown
}

/// Where an expression's text starts and ends.
fn range(expr: &Ref<Expr>) -> (u32, u32) {
    let span = expr.span();
    (span.start, span.end)
}
