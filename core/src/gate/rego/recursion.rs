//! Recursive Rego functions rejected at load time, as OPA's compiler does (`rego_recursion_error`).
//!
//! regorus detects a rule that depends on itself while evaluating, but not a function that calls
//! itself: `f(x) := y if { y := f(x) }` recurses until the stack overflows and the process aborts.
//! A policy may come from an untrusted pull request, so the call graph of every function is built
//! from the parsed modules and any cycle is refused before evaluation starts.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Parser, Query, Ref, Rule, RuleHead, Source};

use super::error::RegoError;
use super::load::PolicyMaterial;
use super::shadowing::{StmtPart, stmt_parts};

/// Refuses the policies when a function calls itself, directly or through other functions.
pub(crate) fn reject_recursion(material: &PolicyMaterial) -> Result<(), RegoError> {
    let mut graph = Graph::default();
    for file in &material.rego {
        graph.add_module(&file.path, &file.text);
    }
    for object in &material.objects {
        for (i, text) in super::gatekeeper::template_modules(&object.value)
            .iter()
            .enumerate()
        {
            graph.add_module(&format!("{}#rego{i}", object.file), text);
        }
    }
    match graph.cycle() {
        Some((file, path)) => Err(RegoError::Compile {
            file,
            message: format!(
                "function {} is recursive: {} (OPA refuses recursion at compile time; rewrite it without calling itself)",
                path[0],
                path.join(" -> ")
            ),
        }),
        None => Ok(()),
    }
}

/// Functions (`package.name`) and the functions each one calls.
#[derive(Default)]
struct Graph {
    calls: BTreeMap<String, BTreeSet<String>>,
    file_of: BTreeMap<String, String>,
}

impl Graph {
    /// Adds the functions of one module; a module that does not parse is left to the engine,
    /// which reports the syntax error with its position.
    fn add_module(&mut self, path: &str, text: &str) {
        let Ok(source) = Source::from_contents(path.to_owned(), text.to_owned()) else {
            return;
        };
        // v1 first (the default), then v0
        let module = Parser::new(&source)
            .and_then(|mut p| p.enable_rego_v1().and_then(|()| p.parse()))
            .or_else(|_| Parser::new(&source).and_then(|mut p| p.parse()));
        let Ok(module) = module else { return };
        let package = module
            .package
            .refr
            .span()
            .text()
            .trim_start_matches("data.")
            .to_owned();
        let mut aliases = BTreeMap::new();
        for import in &module.imports {
            let target = import.refr.span().text().to_owned();
            let Some(target) = target.strip_prefix("data.") else {
                continue;
            };
            let alias = match &import.r#as {
                Some(span) => span.text().to_owned(),
                None => target.rsplit('.').next().unwrap_or(target).to_owned(),
            };
            aliases.insert(alias, target.to_owned());
        }
        let scope = Scope { package, aliases };
        for rule in &module.policy {
            let Rule::Spec {
                head: RuleHead::Func { refr, .. },
                bodies,
                ..
            } = rule.as_ref()
            else {
                continue;
            };
            let name = format!("{}.{}", scope.package, refr.span().text());
            let mut called = BTreeSet::new();
            for body in bodies {
                if let Some(assign) = &body.assign {
                    expr_calls(&assign.value, &scope, &mut called);
                }
                query_calls(&body.query, &scope, &mut called);
            }
            if let Rule::Spec {
                head:
                    RuleHead::Func {
                        assign: Some(assign),
                        ..
                    },
                ..
            } = rule.as_ref()
            {
                expr_calls(&assign.value, &scope, &mut called);
            }
            self.file_of
                .entry(name.clone())
                .or_insert_with(|| path.to_owned());
            self.calls.entry(name).or_default().extend(called);
        }
    }

    /// The first cycle found, as the file of its first function and `data.a.f -> … -> data.a.f`.
    fn cycle(&self) -> Option<(String, Vec<String>)> {
        let mut done = BTreeSet::new();
        for start in self.calls.keys() {
            let mut stack = Vec::new();
            if let Some(path) = self.visit(start, &mut stack, &mut done) {
                let file = self.file_of.get(&path[0]).cloned().unwrap_or_default();
                let shown = path.iter().map(|f| format!("data.{f}")).collect();
                return Some((file, shown));
            }
        }
        None
    }

    fn visit<'g>(
        &'g self,
        node: &'g str,
        stack: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let mut path: Vec<String> = stack[at..].iter().map(|s| (*s).to_owned()).collect();
            path.push(node.to_owned());
            return Some(path);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node);
        for next in self.calls.get(node).into_iter().flatten() {
            if let Some(cycle) = self.visit(next, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node);
        None
    }
}

/// How names in one module resolve: its package and its `import data.x [as y]` aliases.
struct Scope {
    package: String,
    aliases: BTreeMap<String, String>,
}

impl Scope {
    /// `f` → `pkg.f`; `data.lib.f` → `lib.f`; `alias.f` → `lib.f`; builtins (`count`,
    /// `strings.repeat`) resolve to names no function has, so they add no edge.
    fn resolve(&self, called: &str) -> String {
        if let Some(rest) = called.strip_prefix("data.") {
            return rest.to_owned();
        }
        if let Some((head, rest)) = called.split_once('.')
            && let Some(target) = self.aliases.get(head)
        {
            return format!("{target}.{rest}");
        }
        if called.contains('.') {
            return format!("builtin:{called}");
        }
        format!("{}.{called}", self.package)
    }
}

fn query_calls(query: &Ref<Query>, scope: &Scope, out: &mut BTreeSet<String>) {
    for stmt in &query.stmts {
        for part in stmt_parts(stmt) {
            match part {
                StmtPart::Expr(e) => expr_calls(e, scope, out),
                StmtPart::Query(q) => query_calls(q, scope, out),
            }
        }
    }
}

fn expr_calls(expr: &Ref<Expr>, scope: &Scope, out: &mut BTreeSet<String>) {
    match expr.as_ref() {
        Expr::Call { fcn, .. } => {
            out.insert(scope.resolve(fcn.span().text()));
        }
        // comprehensions are their own scope for shadowing, but their calls count here
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            expr_calls(term, scope, out);
            query_calls(query, scope, out);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            expr_calls(key, scope, out);
            expr_calls(value, scope, out);
            query_calls(query, scope, out);
        }
        _ => {}
    }
    super::shadowing::children(expr, &mut |c| expr_calls(c, scope, out));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::rego::load::RegoFile;

    fn check(text: &str) -> Result<(), RegoError> {
        reject_recursion(&PolicyMaterial {
            rego: vec![RegoFile {
                path: "p.rego".to_owned(),
                text: text.to_owned(),
                builtin: false,
            }],
            objects: Vec::new(),
        })
    }

    #[test]
    fn self_and_mutual_recursion_are_refused() {
        let direct = "package main\nf(x) := y if { y := f(x) }\ndeny contains m if { m := f(1) }\n";
        let err = check(direct)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("data.main.f -> data.main.f"), "{err}");
        let mutual = "package main\nf(x) := g(x)\ng(x) := data.main.f(x)\n";
        let err = check(mutual)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("recursive"), "{err}");
    }

    #[test]
    fn ordinary_calls_pass() {
        let ok = "package main\nimport data.lib\ng(x) := x + 1\nf(x) := g(x) * count([x])\nh(x) := lib.f(x)\ndeny contains m if { m := sprintf(\"%v\", [f(1)]) }\n";
        assert!(check(ok).is_ok());
    }
}
