//! Recursive Rego functions rejected at load time, as OPA's compiler does (`rego_recursion_error`).
//!
//! regorus detects a rule that depends on itself while evaluating, but not a function that calls
//! itself: `f(x) := y if { y := f(x) }` recurses until the stack overflows and the process aborts.
//! A policy may come from an untrusted pull request, so the call graph of every function is built
//! from the parsed modules and any cycle is refused before evaluation starts.
//!
//! regorus also evaluates what a rule uses by recursion, one set of stack frames per rule or
//! function on the way: `a1 := [a0]`, `a2 := [a1]` … five hundred deep aborted a debug build
//! (about 5 KB of stack each on a 2 MiB worker thread). So the longest chain of rules and
//! functions using each other is measured on the same graph (names used count, not only calls)
//! and refused past [`MAX_CHAIN`]; evaluation threads get a stack that holds that many
//! (`gate::validator`).

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Query, Ref, Rule, RuleHead};

use super::error::RegoError;
use super::load::PolicyMaterial;
use super::shadowing::{StmtPart, stmt_parts};

/// Longest chain of rules and functions using each other. Hand-written policies chain a few
/// levels (a library function calling a helper calling a builtin); generated ones a few dozen.
pub const MAX_CHAIN: usize = 1_000;

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
    // first: `cycle` walks by recursion, which a chain past the limit could overflow
    if let Some((length, name)) = graph.longest_chain()
        && length > MAX_CHAIN
    {
        return Err(RegoError::Compile {
            file: graph.file_of.get(&name).cloned().unwrap_or_default(),
            message: format!(
                "data.{name} starts a chain of {length} rules and functions using each other, over sealgate's limit of {MAX_CHAIN} (each level costs evaluation stack); shorten the chain"
            ),
        });
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

/// Functions (`package.name`) and the functions each one calls; every rule and the names it uses.
#[derive(Default)]
struct Graph {
    calls: BTreeMap<String, BTreeSet<String>>,
    /// Every rule and function → the rules and functions it may use (calls, and names that
    /// resolve to rules; a local that shadows a rule's name adds an edge too: an overestimate).
    uses: BTreeMap<String, BTreeSet<String>>,
    file_of: BTreeMap<String, String>,
}

/// What one rule's bodies use: the functions called, and every name (calls included).
#[derive(Default)]
struct Used {
    calls: BTreeSet<String>,
    names: BTreeSet<String>,
}

impl Graph {
    /// Adds the functions of one module; a module that does not parse is left to the engine,
    /// which reports the syntax error with its position.
    fn add_module(&mut self, path: &str, text: &str) {
        // v1 first (the default), then v0; with OPA's logic operators rewritten as at load, so
        // a call inside an operand counts (`f(x) if x == 0 or f(x)` overflowed the stack)
        let module = [false, true].into_iter().find_map(|v0| {
            let rewritten = super::logic_operators::rewrite(path, text, v0);
            super::parse::module(path, rewritten.as_deref().unwrap_or(text), v0)
        });
        let Some(module) = module else { return };
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
            let mut used = Used::default();
            let (refr, function) = match rule.as_ref() {
                Rule::Spec { head, bodies, .. } => {
                    for body in bodies {
                        if let Some(assign) = &body.assign {
                            expr_calls(&assign.value, &scope, &mut used);
                        }
                        query_calls(&body.query, &scope, &mut used);
                    }
                    match head {
                        RuleHead::Func { refr, assign, .. } => {
                            if let Some(assign) = assign {
                                expr_calls(&assign.value, &scope, &mut used);
                            }
                            (refr, true)
                        }
                        RuleHead::Compr { refr, assign, .. } => {
                            if let Some(assign) = assign {
                                expr_calls(&assign.value, &scope, &mut used);
                            }
                            (refr, false)
                        }
                        RuleHead::Set { refr, key, .. } => {
                            if let Some(key) = key {
                                expr_calls(key, &scope, &mut used);
                            }
                            (refr, false)
                        }
                    }
                }
                Rule::Default { refr, value, .. } => {
                    expr_calls(value, &scope, &mut used);
                    (refr, false)
                }
            };
            let name = format!("{}.{}", scope.package, refr.span().text());
            self.file_of
                .entry(name.clone())
                .or_insert_with(|| path.to_owned());
            self.uses
                .entry(name.clone())
                .or_default()
                .extend(used.names);
            if function {
                self.calls.entry(name).or_default().extend(used.calls);
            }
        }
    }

    /// The longest chain of rules and functions using each other (a cycle, which only a local
    /// shadowing a rule's name can make here, is cut where it closes), and where it starts.
    /// Iterative: the chain being measured may be the very thing too deep for recursion.
    fn longest_chain(&self) -> Option<(usize, String)> {
        // 1 = on the path being walked, else the finished length
        let mut length: BTreeMap<&str, usize> = BTreeMap::new();
        let mut best: Option<(usize, &str)> = None;
        for start in self.uses.keys() {
            let mut stack: Vec<(&str, bool)> = vec![(start.as_str(), false)];
            while let Some((node, children_done)) = stack.pop() {
                if !children_done {
                    if length.contains_key(node) {
                        continue;
                    }
                    length.insert(node, 0);
                    stack.push((node, true));
                    for next in self.uses.get(node).into_iter().flatten() {
                        if self.uses.contains_key(next.as_str())
                            && !length.contains_key(next.as_str())
                        {
                            stack.push((next, false));
                        }
                    }
                    continue;
                }
                let longest_next = self
                    .uses
                    .get(node)
                    .into_iter()
                    .flatten()
                    .filter_map(|next| length.get(next.as_str()).copied())
                    .max()
                    .unwrap_or(0);
                let own = longest_next + 1;
                length.insert(node, own);
                if best.is_none_or(|(b, _)| own > b) {
                    best = Some((own, node));
                }
            }
        }
        best.map(|(n, name)| (n, name.to_owned()))
    }

    /// The first cycle found, as the file of its first function and `data.a.f -> … -> data.a.f`.
    fn cycle(&self) -> Option<(String, Vec<String>)> {
        let mut done = BTreeSet::new();
        for start in self.calls.keys() {
            let mut stack = Vec::new();
            if let Some(path) = self.visit(start, &mut stack, &mut done) {
                let file = self.file_of.get(&path[0]).cloned().unwrap_or_default();
                // the functions sealgate generates for `and`/`or` are not the user's (the
                // cycle is closed again when it started at one)
                let mut shown: Vec<String> = path
                    .iter()
                    .filter(|f| !super::logic_operators::generated(f))
                    .map(|f| format!("data.{f}"))
                    .collect();
                if let Some(first) = shown.first().cloned()
                    && (shown.len() == 1 || shown.last() != Some(&first))
                {
                    shown.push(first);
                }
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

fn query_calls(query: &Ref<Query>, scope: &Scope, out: &mut Used) {
    for stmt in &query.stmts {
        for part in stmt_parts(stmt) {
            match part {
                StmtPart::Expr(e) => expr_calls(e, scope, out),
                StmtPart::Query(q) => query_calls(q, scope, out),
            }
        }
    }
}

fn expr_calls(expr: &Ref<Expr>, scope: &Scope, out: &mut Used) {
    match expr.as_ref() {
        Expr::Call { fcn, .. } => {
            let called = scope.resolve(fcn.span().text());
            out.names.insert(called.clone());
            out.calls.insert(called);
        }
        Expr::Var { span, .. } | Expr::RefDot { span, .. } => {
            out.names.insert(scope.resolve(span.text()));
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

    /// The load error for `text`, empty when it loads.
    fn error_of(text: &str) -> String {
        check(text).err().map(|e| e.to_string()).unwrap_or_default()
    }

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
        let err = error_of(direct);
        assert!(err.contains("data.main.f -> data.main.f"), "{err}");
        let mutual = "package main\nf(x) := g(x)\ng(x) := data.main.f(x)\n";
        let err = error_of(mutual);
        assert!(err.contains("recursive"), "{err}");
    }

    /// `a1 := [a0]` … : rules chained past the limit are refused, naming the start of the chain;
    /// at the limit they load. Functions count the same.
    #[test]
    fn chains_past_the_limit_are_refused() {
        let chain = |n: usize, function: bool| {
            let mut text = "package main\na0 := [1]\n".to_owned();
            for i in 1..n {
                if function {
                    text.push_str(&format!("f{i}(x) := [f{j}(x)]\n", j = i - 1));
                } else {
                    text.push_str(&format!("a{i} := [a{j}]\n", j = i - 1));
                }
            }
            if function {
                text = text.replace("f0(x)", "a0");
            }
            text
        };
        assert!(check(&chain(MAX_CHAIN, false)).is_ok());
        let err = error_of(&chain(MAX_CHAIN + 1, false));
        assert!(
            err.contains("data.main.a1000 starts a chain of 1001 rules and functions"),
            "{err}"
        );
        let err = error_of(&chain(MAX_CHAIN + 1, true));
        assert!(
            err.contains("data.main.f1000 starts a chain of 1001"),
            "{err}"
        );
        // a local named like a rule adds an edge, never a false cycle
        assert!(check("package main\nx := 1\ny := z if { x := 2; z := x }\n").is_ok());
    }

    /// A call inside an `and`/`or` operand counts: regorus evaluated this one until the stack
    /// overflowed.
    #[test]
    fn recursion_through_logic_operators_is_refused() {
        let text = "package main\nimport future.keywords.or\nf(x) if x == 0 or f(x)\n";
        let err = error_of(text);
        assert!(
            err.contains("recursive: data.main.f -> data.main.f"),
            "{err}"
        );
    }

    #[test]
    fn ordinary_calls_pass() {
        let ok = "package main\nimport data.lib\ng(x) := x + 1\nf(x) := g(x) * count([x])\nh(x) := lib.f(x)\ndeny contains m if { m := sprintf(\"%v\", [f(1)]) }\n";
        assert!(check(ok).is_ok());
    }
}
