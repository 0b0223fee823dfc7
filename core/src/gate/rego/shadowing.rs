//! OPA's scoping of locals in nested queries and of bare `some`, rewritten at load time for regorus.
//!
//! In OPA a nested query (comprehension, `every` body) may declare a local (`:=`, `some`) with the
//! name of a variable of its enclosing query: references *before* the declaration still mean the
//! outer variable, the declaration and everything after it (and the comprehension's head) the new
//! local. OPA's compiler gets there by renaming declared locals (`rewriteLocalVars`, `__local0__`).
//! regorus resolves such names by scope only: it refuses `[x | … == x; x := …]` ("var `x` used
//! before definition below") and lets a nested `some i` take the outer `i`'s value. It also refuses
//! a bare `some i` met again in the same scope, i.e. after any loop ("duplicated definition of local
//! variable i"). conftest's own `examples/combine` hits all three.
//!
//! So this module does what OPA's compiler does, where it matters: a nested declaration whose name
//! the enclosing query also uses is renamed (`x__local0`) with every later reference to it, and a
//! bare `some` moves to the front of its query (it only declares). Policies without these patterns
//! reach regorus byte for byte; rewritten lines keep their line numbers. The proper fix belongs in
//! regorus (scopes resolved by position).

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{AssignOp, Expr, Literal, LiteralStmt, Query, Ref, Rule, RuleHead, Span};

/// The policy text with shadowing locals renamed, or `None` when nothing needs renaming (or the
/// text does not parse: the engine then reports the syntax error itself).
pub(crate) fn rewrite(path: &str, text: &str, v0: bool) -> Option<String> {
    let module = super::parse::module(path, text, v0)?;
    let mut renamer = Renamer {
        text,
        edits: Vec::new(),
        frames: Vec::new(),
        next: 0,
    };
    for rule in &module.policy {
        renamer.rule(rule);
    }
    if renamer.edits.is_empty() {
        return None;
    }
    // An insertion sorts before a replacement starting at the same byte.
    super::undefined::apply(text, renamer.edits)
}

/// One query's scope: the names it declared (→ their spelling after renaming) and the names it
/// referenced while they still meant a variable of an enclosing query.
#[derive(Default)]
struct Frame {
    declared: BTreeMap<String, String>,
    /// Every variable name written directly in this query (not in queries nested in it).
    names: BTreeSet<String>,
    /// Names referenced here (or in a query nested here) that no declaration had bound yet.
    used_free: BTreeSet<String>,
}

struct Renamer<'t> {
    text: &'t str,
    /// Byte ranges of variable occurrences and their new spelling.
    edits: Vec<(usize, usize, String)>,
    frames: Vec<Frame>,
    next: usize,
}

fn is_special(name: &str) -> bool {
    matches!(name, "_" | "input" | "data")
}

impl Renamer<'_> {
    fn rule(&mut self, rule: &Ref<Rule>) {
        match rule.as_ref() {
            Rule::Spec { head, bodies, .. } => {
                // Function arguments share the frame of the body (OPA refuses to redeclare them there).
                let mut args = Vec::new();
                if let RuleHead::Func { args: a, .. } = head {
                    for arg in a {
                        pattern_vars(arg, &mut args);
                    }
                }
                let root = |query: Option<&Ref<Query>>| {
                    let mut frame = Frame::default();
                    if let Some(q) = query {
                        query_names(q, &mut frame.names);
                    }
                    for span in &args {
                        let name = span.text().to_string();
                        frame.names.insert(name.clone());
                        frame.declared.insert(name.clone(), name);
                    }
                    frame
                };
                for body in bodies {
                    self.frames.push(root(Some(&body.query)));
                    self.query_stmts(&body.query);
                    self.head(head);
                    if let Some(assign) = &body.assign {
                        self.expr(&assign.value);
                    }
                    self.frames.pop();
                }
                if bodies.is_empty() {
                    self.frames.push(root(None));
                    self.head(head);
                    self.frames.pop();
                }
            }
            Rule::Default { value, .. } => {
                self.frames.push(Frame::default());
                self.expr(value);
                self.frames.pop();
            }
        }
    }

    fn head(&mut self, head: &RuleHead) {
        if let Some(value) = head_value(head) {
            self.expr(value);
        }
    }

    fn query_stmts(&mut self, query: &Ref<Query>) {
        let mut hoisted: Vec<String> = Vec::new();
        for (index, stmt) in query.stmts.iter().enumerate() {
            for wm in &stmt.with_mods {
                self.expr(&wm.r#as);
            }
            match &stmt.literal {
                // regorus refuses a `some x` it meets a second time in the same scope, which is what
                // happens on the second iteration of any loop above it ("duplicated definition of
                // local variable"). A bare `some` only declares, so it moves to the front of its query,
                // unless the name was already used there (OPA's "referenced above" error stays as is).
                Literal::SomeVars { span, vars } => {
                    let hoist = index > 0
                        && vars.iter().all(|v| {
                            self.frames
                                .last()
                                .is_some_and(|f| !f.used_free.contains(v.text()))
                        });
                    for v in vars {
                        let spelling = self.declare(v, !hoist);
                        if hoist {
                            hoisted.push(spelling);
                        }
                    }
                    if hoist {
                        self.edits.push((
                            span.start as usize,
                            span.end as usize,
                            "true".to_string(),
                        ));
                    }
                }
                Literal::SomeIn {
                    key,
                    value,
                    collection,
                    ..
                } => {
                    self.expr(collection);
                    let mut vars = Vec::new();
                    if let Some(k) = key {
                        pattern_vars(k, &mut vars);
                    }
                    pattern_vars(value, &mut vars);
                    for v in &vars {
                        self.declare(v, true);
                    }
                }
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => match expr.as_ref() {
                    Expr::AssignExpr {
                        op: AssignOp::ColEq,
                        lhs,
                        rhs,
                        ..
                    } => {
                        // The right-hand side still sees the outer variable (`x := x + 1`).
                        self.expr(rhs);
                        let mut vars = Vec::new();
                        pattern_vars(lhs, &mut vars);
                        for v in &vars {
                            self.declare(v, true);
                        }
                    }
                    _ => self.expr(expr),
                },
                Literal::Every {
                    key,
                    value,
                    domain,
                    query,
                    ..
                } => {
                    self.expr(domain);
                    let mut frame = Frame::default();
                    query_names(query, &mut frame.names);
                    self.frames.push(frame);
                    for v in key.iter().chain(std::iter::once(value)) {
                        self.declare(v, true);
                    }
                    self.query_stmts(query);
                    self.frames.pop();
                }
            }
        }
        if let Some(first) = query.stmts.first().filter(|_| !hoisted.is_empty()) {
            let at = first.span.start as usize;
            self.edits
                .push((at, at, format!("some {}; ", hoisted.join(", "))));
        }
    }

    /// A declaration in the innermost frame, renamed when an enclosing query of the same rule
    /// names a variable alike: in OPA the nested one is always a new local, in regorus it would
    /// mean the outer one (a `some` takes its value, a `:=` after a use is refused). Returns its
    /// spelling; `edit` false when the caller rewrites the whole statement itself.
    fn declare(&mut self, span: &Span, edit: bool) -> String {
        let name = span.text();
        if is_special(name) {
            return name.to_string();
        }
        let depth = self.frames.len();
        let shadows = depth > 1
            && self
                .frames
                .get(..depth - 1)
                .is_some_and(|outer| outer.iter().any(|f| f.names.contains(name)));
        let spelling = if shadows {
            let fresh = self.fresh(name);
            if edit {
                self.edits
                    .push((span.start as usize, span.end as usize, fresh.clone()));
            }
            fresh
        } else {
            name.to_string()
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.declared.insert(name.to_string(), spelling.clone());
        }
        spelling
    }

    fn fresh(&mut self, name: &str) -> String {
        loop {
            let candidate = format!("{name}__local{}", self.next);
            self.next += 1;
            if !self.text.contains(&candidate) {
                return candidate;
            }
        }
    }

    fn var(&mut self, span: &Span) {
        let name = span.text();
        if is_special(name) {
            return;
        }
        let Some(depth) = self
            .frames
            .iter()
            .rposition(|f| f.declared.contains_key(name))
        else {
            // Every enclosing query saw it too: a `some` hoisted there would capture this use.
            for frame in &mut self.frames {
                frame.used_free.insert(name.to_string());
            }
            return;
        };
        let spelling = self
            .frames
            .get(depth)
            .and_then(|f| f.declared.get(name))
            .filter(|s| s.as_str() != name)
            .cloned();
        if let Some(s) = spelling {
            self.edits.push((span.start as usize, span.end as usize, s));
        }
    }

    fn nested(&mut self, query: &Ref<Query>, heads: &[&Ref<Expr>]) {
        let mut frame = Frame::default();
        query_names(query, &mut frame.names);
        self.frames.push(frame);
        self.query_stmts(query);
        for h in heads {
            self.expr(h);
        }
        self.frames.pop();
    }

    fn expr(&mut self, expr: &Ref<Expr>) {
        match expr.as_ref() {
            Expr::Var { span, .. } => self.var(span),
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                self.nested(query, &[term]);
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => self.nested(query, &[key, value]),
            _ => children(expr, &mut |c| self.expr(c)),
        }
    }
}

/// Variable names written directly in a query: its statements, but not the queries nested in them.
fn query_names(query: &Ref<Query>, out: &mut BTreeSet<String>) {
    for stmt in &query.stmts {
        for wm in &stmt.with_mods {
            expr_names(&wm.r#as, out);
        }
        match &stmt.literal {
            Literal::SomeVars { vars, .. } => {
                out.extend(vars.iter().map(|v| v.text().to_string()));
            }
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                for e in key.iter().chain([value, collection]) {
                    expr_names(e, out);
                }
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => expr_names(expr, out),
            Literal::Every { domain, .. } => expr_names(domain, out),
        }
    }
}

fn expr_names(expr: &Ref<Expr>, out: &mut BTreeSet<String>) {
    match expr.as_ref() {
        Expr::Var { span, .. } => {
            out.insert(span.text().to_string());
        }
        Expr::ArrayCompr { .. } | Expr::SetCompr { .. } | Expr::ObjectCompr { .. } => {}
        _ => children(expr, &mut |c| expr_names(c, out)),
    }
}

/// The value (or partial set key) a rule head states, if any.
pub(super) fn head_value(head: &RuleHead) -> Option<&Ref<Expr>> {
    match head {
        RuleHead::Compr { assign, .. } | RuleHead::Func { assign, .. } => {
            assign.as_ref().map(|a| &a.value)
        }
        RuleHead::Set { key, .. } => key.as_ref(),
    }
}

/// A part of a statement: an expression in it, or the query of an `every`.
pub(super) enum StmtPart<'a> {
    Expr(&'a Ref<Expr>),
    Query(&'a Ref<Query>),
}

/// The parts of a statement in source order: its `with` values, then its literal's expressions
/// (and an `every`'s query).
pub(super) fn stmt_parts(stmt: &LiteralStmt) -> Vec<StmtPart<'_>> {
    let mut parts: Vec<StmtPart<'_>> = stmt
        .with_mods
        .iter()
        .map(|w| StmtPart::Expr(&w.r#as))
        .collect();
    match &stmt.literal {
        Literal::SomeIn {
            key,
            value,
            collection,
            ..
        } => parts.extend(key.iter().chain([value, collection]).map(StmtPart::Expr)),
        Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
            parts.push(StmtPart::Expr(expr));
        }
        Literal::Every { domain, query, .. } => {
            parts.push(StmtPart::Expr(domain));
            parts.push(StmtPart::Query(query));
        }
        Literal::SomeVars { .. } => {}
    }
    parts
}

/// The direct sub-expressions of an expression, except the parts of comprehensions (their own
/// scope) and the name of a called function (a rule reference, never a local).
pub(super) fn children(expr: &Ref<Expr>, f: &mut dyn FnMut(&Ref<Expr>)) {
    match expr.as_ref() {
        Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().for_each(f),
        Expr::Object { fields, .. } => {
            for (_, k, v) in fields {
                f(k);
                f(v);
            }
        }
        Expr::Call { params, .. } => params.iter().for_each(f),
        Expr::UnaryExpr { expr, .. } | Expr::RefDot { refr: expr, .. } => f(expr),
        Expr::RefBrack {
            refr: lhs,
            index: rhs,
            ..
        }
        | Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => key.iter().chain([value, collection]).for_each(f),
        Expr::Var { .. }
        | Expr::String { .. }
        | Expr::RawString { .. }
        | Expr::Number { .. }
        | Expr::Bool { .. }
        | Expr::Null { .. }
        | Expr::ArrayCompr { .. }
        | Expr::SetCompr { .. }
        | Expr::ObjectCompr { .. } => {}
    }
}

/// The variables a declaration binds: a var, or the vars inside array/object patterns (values only).
fn pattern_vars(expr: &Ref<Expr>, out: &mut Vec<Span>) {
    match expr.as_ref() {
        Expr::Var { span, .. } => out.push(span.clone()),
        Expr::Array { items, .. } => {
            for i in items {
                pattern_vars(i, out);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, _, v) in fields {
                pattern_vars(v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comprehension_local_shadowing_a_used_outer_var_is_renamed() {
        let text = "package p\nimport rego.v1\nr contains n if {\n  name := input[_].a\n  n := [name | some i; input[i].a == name; name := input[i].b]\n}\n";
        let out = rewrite("p.rego", text, false).unwrap();
        assert_eq!(
            out,
            "package p\nimport rego.v1\nr contains n if {\n  name := input[_].a\n  n := [name__local0 | some i; input[i].a == name; name__local0 := input[i].b]\n}\n"
        );
    }

    #[test]
    fn a_bare_some_after_a_loop_moves_to_the_front_of_its_query() {
        let text = "package p\nr contains [x, i] if {\n  x := input[_].a\n  some i\n  input[i].a == x\n}\n";
        let out = rewrite("p.rego", text, false).unwrap();
        assert_eq!(
            out,
            "package p\nr contains [x, i] if {\n  some i; x := input[_].a\n  true\n  input[i].a == x\n}\n"
        );
        // Used earlier, if only in a comprehension: moving `some i` would make that `i` the outer one.
        let text = "package p\nr contains [x, i] if {\n  x := [y | y := input[i]]\n  some i\n  input[i] == 1\n}\n";
        assert_eq!(rewrite("p.rego", text, false), None);
        // Already first: nothing to do.
        let text = "package p\nr contains [x, i] if {\n  some i\n  x := input[i].a\n}\n";
        assert_eq!(rewrite("p.rego", text, false), None);
    }

    /// Results as OPA 1.22 (`opa eval -d p.rego -i input.json data.p.r`) computes them.
    #[test]
    fn rewritten_policies_evaluate_as_opa_does() {
        let cases = [
            (
                "package p\nimport rego.v1\nr contains [x, i, y] if {\n\tx := input[_].a\n\tsome i\n\tinput[i].a == x\n\ty := {j | some i; j := input[i].a + x}\n}\n",
                r#"[[1, 0, [2, 3]], [2, 1, [3, 4]]]"#,
                false,
            ),
            (
                "package p\nimport rego.v1\nr contains [x, n] if {\n\tx := input[_].a\n\tn := [x | some i; input[i].a == x; x := input[i].b]\n}\n",
                r#"[[1, ["x"]], [2, []]]"#,
                false,
            ),
            (
                "package p\nimport rego.v1\nr contains [x, n] if {\n\tx := input[_].a\n\tn := [x | some y in input; x := y.a]\n}\n",
                r#"[[1, [1, 2]], [2, [1, 2]]]"#,
                false,
            ),
            // Rego v0, the outer `i` bound by a loop rather than declared.
            (
                "package p\nr[[i, n]] {\n\tinput[i].a == 1\n\tn := {j | some i; j := input[i].a}\n}\n",
                r#"[[0, [1, 2]]]"#,
                true,
            ),
        ];
        for (policy, want, v0) in cases {
            let mut engine =
                crate::gate::rego::engine::new_engine(std::time::Duration::from_secs(5)).unwrap();
            crate::gate::rego::engine::add_policy(&mut engine, "p.rego", policy, v0).unwrap();
            engine.set_input(regorus::Value::from(
                serde_json::json!([{"a": 1, "b": "x"}, {"a": 2}]),
            ));
            let got = engine.eval_rule("data.p.r".to_string()).unwrap();
            let want: serde_json::Value = serde_json::from_str(want).unwrap();
            assert_eq!(crate::gate::rego::engine::to_json(&got), want, "{policy}");
        }
    }

    #[test]
    fn policies_without_the_pattern_are_left_alone() {
        // A nested local whose name the enclosing query does not use.
        let text = "package p\nimport rego.v1\nr contains n if {\n  x := 1\n  n := [y | some y in input; y > x]\n}\n";
        assert_eq!(rewrite("p.rego", text, false), None);
        // No outer declaration: the nested query's own var.
        let text = "package p\nimport rego.v1\nr := [x | x := input[_]]\n";
        assert_eq!(rewrite("p.rego", text, false), None);
        // Not Rego at all: the engine reports the syntax error.
        assert_eq!(rewrite("p.rego", "package p\nr := [\n", false), None);
    }

    #[test]
    fn the_right_hand_side_and_deeper_comprehensions_keep_their_meaning() {
        let text = "package p\nr contains n if {\n  x := 1\n  n := {v | v := [x | x == 1; x := x + 1; y := [x | true]]}\n}\n";
        let out = rewrite("p.rego", text, true).unwrap();
        assert_eq!(
            out,
            "package p\nr contains n if {\n  x := 1\n  n := {v | v := [x__local0 | x == 1; x__local0 := x + 1; y := [x__local0 | true]]}\n}\n"
        );
    }
}
