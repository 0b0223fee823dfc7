//! OPA's capabilities file (`--capabilities FILE`, as `opa` and conftest take it): policies that
//! call a builtin the file does not list are refused at load time, as OPA's compiler refuses them.
//! The same walk, with or without a file, refuses builtin calls OPA's type checker refuses
//! ([`super::typecheck`], `checkTypes`) and calls of OPA's deprecated builtins in Rego v1
//! modules ([`DEPRECATED`], OPA's `checkDeprecatedBuiltins`), in the order of OPA's compiler
//! stages, which stop at the first that finds an error.
//!
//! OPA (v1.22.3, `checkUndefinedFuncs`) checks every call of its compiled modules against the
//! builtins of the capabilities and the functions the modules define, and names each other one
//! `rego_type_error: undefined function X` at its file and line. Operators are builtins there
//! too: `==` is `equal`, `:=` and `=` are `eq`, `x in xs` is `internal.member_2`, `print` is
//! `internal.print` (conftest and `opa test` enable print statements); and its compiler writes
//! more as unifications (`eq`): `some … in`, `every`, each `print` argument, a rule's key or
//! value that refers to anything (`p := input.x`), a `with` replacement that does. This module reads each
//! user module as the engine does ([`engine::readable_terms`], [`engine::readable_operators`]),
//! walks its rules and refuses the policies with every such use, before anything is evaluated.
//!
//! Honoured from the file: `builtins` (names only), and of `features` what OPA's compiler reads
//! (conftest parses with the full grammar, whatever the file says): `rego_v1_import` /
//! `rego_v2_import` (or `rego_v1`, `rego_v2`) for `import rego.v1` / `rego.v2`, and
//! `template_strings` with `internal.template_string` for `$"…"`. Not honoured: the builtins'
//! declared types (OPA also checks arities against them), `future_keywords` (a parser option,
//! which conftest's loader does not get), the `rule_head_refs` / `rule_head_ref_string_prefixes`
//! / `keywords_in_refs` features, `allow_net` (sealgate's network builtins are off anyway) and
//! `wasm_abi_versions`. sealgate's own restrictions stay: a builtin the file lists but sealgate
//! disables (`http.send`) stays disabled. The shipped `builtin:` policies and Gatekeeper
//! templates are not checked; their functions count as defined for the user's modules.
//! Where OPA stops descending (a call it found undefined hides the comprehensions in its
//! arguments), every use is named here; an `eq` OPA adds in a way not listed above is not named
//! (its verdict is the same unless a file leaves out `eq`, which every OPA-made file has). A use
//! inside an operand of OPA's `and` / `or` is named at the last line of its rule, where the
//! load-time rewrite ([`super::logic_operators`]) writes the operand's function.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Literal, Module, Query, Ref, Rule, RuleHead, Span};

mod conflicts;
mod file;

pub(crate) use file::Capabilities;

use super::engine;
use super::error::{Refused, RegoError, Ungranted};
use super::load::{PolicyMaterial, RegoFile};
use super::shadowing::{StmtPart, children, stmt_parts};
use super::template_strings::{TEMPLATE_STRING, TEMPLATE_VALUE, TEMPLATE_VAR};

/// Prefix of the functions and extensions sealgate's rewrites generate: not the policy's calls.
const GENERATED: &str = "__sealgate_";

/// OPA's deprecated builtins (v1.22.3, `Deprecated: true` in `ast/builtins.go`): a call of one in
/// a Rego v1 module, or a v0 module that imports `rego.v1`, is refused at compile time
/// (`checkDeprecatedBuiltins`), unless the module's package defines a function of that name.
const DEPRECATED: [&str; 11] = [
    "any",
    "all",
    "re_match",
    "set_diff",
    "net.cidr_overlap",
    "cast_array",
    "cast_set",
    "cast_string",
    "cast_boolean",
    "cast_null",
    "cast_object",
];

/// Most rounds of rule typing (see [`check`]): one per rule a rule's type comes through.
const MAX_INFERENCE_ROUNDS: usize = 8;

/// Refuses the policies when a user module uses what `capabilities` does not grant, calls a
/// builtin with arguments OPA's type checker refuses, or calls a deprecated builtin in Rego v1
/// (the last two with or without a capabilities file), naming every such use. `v0_of` says
/// which modules are Rego v0, as for loading. Run after the modules loaded (a syntax error is
/// reported as such first); a module that loaded but cannot be read here is refused when a
/// capabilities file is given, so nothing passes it unchecked, and not checked otherwise.
pub(crate) fn check(
    capabilities: Option<&Capabilities>,
    material: &PolicyMaterial,
    v0_of: impl Fn(&RegoFile) -> bool,
) -> Result<(), RegoError> {
    let mut modules: Vec<(&RegoFile, Module)> = Vec::new();
    for file in &material.rego {
        let v0 = v0_of(file);
        for text in readable(&file.path, &file.text, v0) {
            match (super::parse::parsed(&file.path, &text, v0), capabilities) {
                (Ok(module), _) => modules.push((file, module)),
                (Err(message), Some(c)) => {
                    return Err(RegoError::Compile {
                        file: file.path.clone(),
                        message: format!(
                            "cannot be checked against capabilities file {}: {message}",
                            c.path.display()
                        ),
                    });
                }
                // The engine loaded it, so OPA's syntax is not in question: a text the walk
                // cannot read (a rewrite of the engine's it lacks) is not checked for type
                // errors and deprecated builtins rather than refused.
                (Err(_), None) => {}
            }
        }
    }
    // OPA's compiler checks rule conflicts first, and stops there
    let conflicting = conflicts::conflicts(&modules);
    if !conflicting.is_empty() {
        return Err(RegoError::RuleConflicts {
            refused: conflicting,
        });
    }
    let defined: BTreeSet<Vec<String>> = modules.iter().flat_map(|(_, m)| functions(m)).collect();
    let rules: BTreeSet<Vec<String>> = modules.iter().flat_map(|(_, m)| rules(m)).collect();
    let mut rule_types = super::typecheck::RuleTypes::of(modules.iter().map(|(_, m)| m));
    // A rule's type may come from other rules' (`b := a`): type them again until nothing
    // changes. Types only narrow from `any`, so stopping early leaves some wider, never wrong.
    for _ in 0..MAX_INFERENCE_ROUNDS {
        let uses = Uses {
            capabilities,
            defined: &defined,
            rules: &rules,
            rule_types: &rule_types,
            found: Vec::new(),
        };
        let mut values = BTreeMap::new();
        let mut untyped = BTreeSet::new();
        for (file, module) in &modules {
            uses.rule_values(
                (&file.path, module, !v0_of(file)),
                &mut values,
                &mut untyped,
            );
        }
        values.retain(|path, _| !untyped.contains(path));
        let next = rule_types.with_values(values);
        if next == rule_types {
            break;
        }
        rule_types = next;
    }
    let mut uses = Uses {
        capabilities,
        defined: &defined,
        rules: &rules,
        rule_types: &rule_types,
        found: Vec::new(),
    };
    for (file, module) in modules.iter().filter(|(f, _)| !f.builtin) {
        uses.imports(file);
        uses.module(&file.path, module, !v0_of(file));
    }
    let mut found = uses.found;
    found.sort();
    found.dedup();
    let (mut ungranted, mut typed, mut deprecated) = (Vec::new(), Vec::new(), Vec::new());
    for (file, line, _, what) in found {
        let group = match what {
            Ungranted::Deprecated(_) => &mut deprecated,
            Ungranted::Type(_) => &mut typed,
            _ => &mut ungranted,
        };
        group.push(Refused { file, line, what });
    }
    // in the order of OPA's compiler stages, which stop at the first with errors
    if let Some(c) = capabilities
        && !ungranted.is_empty()
    {
        return Err(RegoError::NotCapable {
            path: c.path.clone(),
            refused: ungranted,
        });
    }
    if !typed.is_empty() {
        return Err(RegoError::TypeErrors { refused: typed });
    }
    if !deprecated.is_empty() {
        return Err(RegoError::Deprecated {
            refused: deprecated,
        });
    }
    Ok(())
}

/// The texts regorus parses for one module, as [`engine::add_module`] makes them (a module with
/// rules named by keywords is two; Rego v0's chained bodies are split), templates marked as
/// [`TEMPLATE_STRING`] calls.
fn readable(path: &str, text: &str, v0: bool) -> Vec<String> {
    let text = engine::readable_terms(path, text, super::template_strings::rewrite_marked);
    super::keyword_refs::split(path, &text, v0)
        .unwrap_or_else(|| vec![text])
        .iter()
        .map(|part| {
            let text = engine::readable_operators(path, part, v0);
            let split = if v0 {
                super::chained::split(path, &text)
            } else {
                None
            };
            split.unwrap_or(text)
        })
        .collect()
}

/// The functions a module defines, as full paths without `data` (`["lib", "k8s", "name"]`).
fn functions(module: &Module) -> Vec<Vec<String>> {
    let package = package_of(module);
    module
        .policy
        .iter()
        .filter_map(|rule| match rule.as_ref() {
            Rule::Spec {
                head: RuleHead::Func { refr, .. },
                ..
            } => path_of(refr),
            // `default f(_) := 1` defines a function too
            Rule::Default { refr, args, .. } if !args.is_empty() => path_of(refr),
            _ => None,
        })
        .map(|name| package.iter().cloned().chain(name).collect())
        .collect()
}

/// The rules a module defines, by the first part of their name (`["main", "deny"]`).
fn rules(module: &Module) -> Vec<Vec<String>> {
    let package = package_of(module);
    module
        .policy
        .iter()
        .filter_map(|rule| {
            let refr = match rule.as_ref() {
                Rule::Spec { head, .. } => match head {
                    RuleHead::Compr { refr, .. }
                    | RuleHead::Set { refr, .. }
                    | RuleHead::Func { refr, .. } => refr,
                },
                Rule::Default { refr, .. } => refr,
            };
            let mut at = refr;
            loop {
                match at.as_ref() {
                    Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => at = refr,
                    Expr::Var { span, .. } => {
                        return Some(
                            package
                                .iter()
                                .cloned()
                                .chain([span.text().to_owned()])
                                .collect(),
                        );
                    }
                    _ => return None,
                }
            }
        })
        .collect()
}

/// A module's package path without `data`.
pub(super) fn package_of(module: &Module) -> Vec<String> {
    path_of(&module.package.refr)
        .unwrap_or_default()
        .into_iter()
        .skip_while(|s| s == "data")
        .collect()
}

/// A reference as its parts (`data.lib["f"]` → `data`, `lib`, `f`), or `None` when a part is
/// not a name or a string.
pub(super) fn path_of(refr: &Ref<Expr>) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut at = refr;
    loop {
        match at.as_ref() {
            Expr::Var { span, .. } => {
                parts.push(span.text().to_owned());
                break;
            }
            Expr::RefDot { refr, field, .. } => {
                parts.push(field.0.text().to_owned());
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => match index.as_ref() {
                Expr::String { value, .. } => {
                    parts.push(value.as_string().ok()?.to_string());
                    at = refr;
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts)
}

/// The uses found so far: (file, line, column, what), sorted as OPA sorts its errors.
struct Uses<'a> {
    /// `None`: only deprecated builtins are looked for.
    capabilities: Option<&'a Capabilities>,
    defined: &'a BTreeSet<Vec<String>>,
    /// Every rule, by the first part of its name: what a name in a rule head may refer to.
    rules: &'a BTreeSet<Vec<String>>,
    /// The rules whose type the type check knows.
    rule_types: &'a super::typecheck::RuleTypes,
    found: Vec<(String, u32, u32, Ungranted)>,
}

/// How names resolve in one module: its package and its `import data.…` aliases.
struct Scope<'a> {
    file: &'a str,
    package: Vec<String>,
    aliases: Vec<(String, Vec<String>)>,
    /// Whether OPA refuses deprecated builtins here: a Rego v1 module, or one importing `rego.v1`.
    refuses_deprecated: bool,
}

impl Uses<'_> {
    /// `import rego.v1` / `rego.v2` without the feature OPA's compiler asks for. Read from the
    /// text as written: a Rego v0 module's `rego.v2` is `rego.v1` by the time regorus reads it.
    fn imports(&mut self, file: &RegoFile) {
        let Some(capabilities) = self.capabilities else {
            return;
        };
        let Some(tokens) = super::source_edits::tokens(&file.path, &file.text) else {
            return;
        };
        for window in tokens.windows(4) {
            let [import, rego, dot, version] = window else {
                continue;
            };
            if import.1 != "import" || rego.1 != "rego" || dot.1 != "." {
                continue;
            }
            let what = match version.1.as_str() {
                "v1" if !capabilities.has_feature(&["rego_v1_import", "rego_v1", "rego_v2"]) => {
                    Ungranted::RegoV1Import
                }
                "v2" if !capabilities.has_feature(&["rego_v2_import", "rego_v2"]) => {
                    Ungranted::RegoV2Import
                }
                _ => continue,
            };
            let at = &import.2;
            self.found.push((file.path.clone(), at.line, at.col, what));
        }
    }

    fn module(&mut self, file: &str, module: &Module, v1: bool) {
        let scope = Self::scope(file, module, v1);
        let aliases: Vec<String> = scope.aliases.iter().map(|(a, _)| a.clone()).collect();
        for rule in &module.policy {
            let errors =
                self.in_context(&scope, &aliases, |c| super::typecheck::rule_errors(rule, c));
            for (at, message) in errors {
                self.push(&scope, at, Ungranted::Type(message));
            }
            super::rule_walk::queries(rule, &mut |q| self.query(&scope, q));
            super::rule_walk::head_exprs(rule, &mut |e| self.expr(&scope, e));
            self.head_terms(&scope, rule);
        }
    }

    /// The types of the values of a module's rules that the type check infers ([`RuleTypes`]),
    /// as it types them with [`Self::rule_types`], added to `values` by rule; a rule one of
    /// whose definitions cannot be typed goes to `untyped`.
    ///
    /// [`RuleTypes`]: super::typecheck::RuleTypes
    fn rule_values(
        &self,
        (file, module, v1): (&str, &Module, bool),
        values: &mut BTreeMap<Vec<String>, Vec<super::typecheck::Type>>,
        untyped: &mut BTreeSet<Vec<String>>,
    ) {
        let scope = Self::scope(file, module, v1);
        let aliases: Vec<String> = scope.aliases.iter().map(|(a, _)| a.clone()).collect();
        for rule in &module.policy {
            let Some(path) = self.rule_types.inferred_path(rule, &scope.package) else {
                continue;
            };
            match self.in_context(&scope, &aliases, |c| super::typecheck::value_types(rule, c)) {
                Some(types) => values.entry(path).or_default().extend(types),
                None => {
                    untyped.insert(path);
                }
            }
        }
    }

    /// Gives `f` what names in a rule of one module refer to, for the type check.
    fn in_context<R>(
        &self,
        scope: &Scope<'_>,
        aliases: &[String],
        f: impl FnOnce(&super::typecheck::Context<'_>) -> R,
    ) -> R {
        let resolve = |fcn: &Ref<Expr>| self.builtin_of(scope, fcn);
        f(&super::typecheck::Context {
            resolve: &resolve,
            rules: self.rule_types,
            package: &scope.package,
            aliases,
        })
    }

    /// How names resolve in a module.
    fn scope<'f>(file: &'f str, module: &Module, v1: bool) -> Scope<'f> {
        let package = package_of(module);
        let aliases = module
            .imports
            .iter()
            .filter_map(|import| {
                let target = path_of(&import.refr)?;
                let alias = match &import.r#as {
                    Some(span) => span.text().to_owned(),
                    None => target.last()?.clone(),
                };
                Some((alias, target))
            })
            .collect();
        let imports_v1 = module.imports.iter().any(|import| {
            path_of(&import.refr).is_some_and(|p| p == ["rego", "v1"] || p == ["rego", "v2"])
        });
        Scope {
            file,
            package,
            aliases,
            refuses_deprecated: v1 || imports_v1,
        }
    }

    /// OPA moves a rule's key or value that refers to anything (`p := input.x`, `p contains
    /// q`) or holds a comprehension into its body as a unification (`rewriteRefsInHead`): an
    /// `eq` at the term. A call there becomes a call in the body instead.
    fn head_terms(&mut self, scope: &Scope<'_>, rule: &Ref<Rule>) {
        let Rule::Spec { head, bodies, .. } = rule.as_ref() else {
            return;
        };
        let mut terms: Vec<&Ref<Expr>> = bodies
            .iter()
            .filter_map(|b| b.assign.as_ref().map(|a| &a.value))
            .collect();
        match head {
            RuleHead::Func { assign, .. } => terms.extend(assign.iter().map(|a| &a.value)),
            RuleHead::Compr { refr, assign, .. } => {
                terms.extend(assign.iter().map(|a| &a.value));
                if let Expr::RefBrack { index, .. } = refr.as_ref() {
                    terms.push(index);
                }
            }
            RuleHead::Set { key, .. } => terms.extend(key.iter()),
        }
        for term in terms {
            if self.refers(scope, term) {
                self.builtin(scope, start(term), "eq");
            }
        }
    }

    /// Whether a head term holds a reference or a comprehension, not counting call arguments.
    fn refers(&self, scope: &Scope<'_>, term: &Ref<Expr>) -> bool {
        match term.as_ref() {
            Expr::Call { .. } => false,
            Expr::RefDot { .. }
            | Expr::RefBrack { .. }
            | Expr::ArrayCompr { .. }
            | Expr::SetCompr { .. }
            | Expr::ObjectCompr { .. } => true,
            Expr::Var { span, .. } => {
                let name = span.text();
                matches!(name, "input" | "data")
                    || scope.aliases.iter().any(|(alias, _)| alias == name)
                    || self.rules.contains(
                        &scope
                            .package
                            .iter()
                            .cloned()
                            .chain([name.to_owned()])
                            .collect::<Vec<_>>(),
                    )
            }
            _ => {
                let mut found = false;
                children(term, &mut |c| found = found || self.refers(scope, c));
                found
            }
        }
    }

    /// The statements of one query (nested queries come on their own, see `rule_walk`).
    fn query(&mut self, scope: &Scope<'_>, query: &Ref<Query>) {
        for stmt in &query.stmts {
            // OPA's compiler writes both as unifications
            if matches!(stmt.literal, Literal::SomeIn { .. } | Literal::Every { .. }) {
                self.builtin(scope, at(&stmt.span), "eq");
            }
            for part in stmt_parts(stmt) {
                if let StmtPart::Expr(e) = part {
                    self.expr(scope, e);
                }
            }
            for with in &stmt.with_mods {
                let value = &with.r#as;
                match path_of(value) {
                    Some(name) if self.is_function(scope, &name) => {}
                    // a builtin as the replacement (`f(x) with f as http.send`) is a use of it
                    Some(name)
                        if !matches!(name[0].as_str(), "data" | "input")
                            && is_builtin(&name.join(".")) =>
                    {
                        let _ = self.call(scope, at(value.span()), &name);
                    }
                    // OPA binds a replacement that refers to anything to a local first
                    _ if self.refers(scope, value) => self.builtin(scope, start(value), "eq"),
                    _ => {}
                }
            }
        }
    }

    /// An expression and those nested in it, except the queries of comprehensions.
    fn expr(&mut self, scope: &Scope<'_>, expr: &Ref<Expr>) {
        let operator = match expr.as_ref() {
            Expr::Call {
                fcn, span, params, ..
            } => {
                match path_of(fcn) {
                    Some(name) => {
                        self.deprecated(scope, at(span), &name);
                        // OPA collects each argument of `print` with a unification (which it
                        // does not see when `internal.print` itself is undefined)
                        if self.call(scope, at(span), &name)
                            && self
                                .capabilities
                                .is_some_and(|c| c.builtins.contains("internal.print"))
                        {
                            for p in params {
                                self.builtin(scope, start(p), "eq");
                            }
                        }
                    }
                    None => self.undefined(scope, at(span), fcn.span().text().to_owned()),
                }
                None
            }
            Expr::BoolExpr { .. } | Expr::ArithExpr { .. } | Expr::BinExpr { .. } => {
                super::operators::builtin(expr)
            }
            // the variable a template's value goes through is sealgate's, not the policy's
            Expr::AssignExpr { lhs, .. } => match lhs.as_ref() {
                Expr::Var { span, .. } if span.text() == TEMPLATE_VAR => None,
                _ => Some("eq"),
            },
            Expr::Membership { key: Some(_), .. } => Some("internal.member_3"),
            Expr::Membership { key: None, .. } => Some("internal.member_2"),
            // `-1` is a number; `-(x)` is OPA's `minus(0, x)` (`-x` became `(0 - x)` at load)
            Expr::UnaryExpr { expr: inner, .. } => {
                (!matches!(inner.as_ref(), Expr::Number { .. })).then_some("minus")
            }
            _ => None,
        };
        if let Some(name) = operator {
            self.builtin(scope, start(expr), name);
        }
        match expr.as_ref() {
            Expr::ArrayCompr { term, .. } | Expr::SetCompr { term, .. } => self.expr(scope, term),
            Expr::ObjectCompr { key, value, .. } => {
                self.expr(scope, key);
                self.expr(scope, value);
            }
            _ => children(expr, &mut |c| self.expr(scope, c)),
        }
    }

    /// A call of a deprecated builtin where OPA refuses one (not a function of the policies, an
    /// alias or a reference into `data`). Calls only: OPA does not look at `with … as any`.
    fn deprecated(&mut self, scope: &Scope<'_>, span: Position, name: &[String]) {
        let written = name.join(".");
        let builtin = scope.refuses_deprecated
            && DEPRECATED.contains(&written.as_str())
            && !matches!(name[0].as_str(), "data" | "input")
            && !scope.aliases.iter().any(|(alias, _)| *alias == name[0])
            && !self.is_function(scope, name);
        if builtin {
            self.push(scope, span, Ungranted::Deprecated(written));
        }
    }

    /// Whether `name` as written names a function the policies define.
    fn is_function(&self, scope: &Scope<'_>, name: &[String]) -> bool {
        if name[0] == "data" {
            return self.defined.contains(&name[1..]);
        }
        if let Some((_, target)) = scope.aliases.iter().find(|(alias, _)| *alias == name[0]) {
            let full: Vec<String> = target.iter().chain(&name[1..]).cloned().collect();
            return full[0] == "data" && self.defined.contains(&full[1..]);
        }
        let local: Vec<String> = scope.package.iter().chain(name).cloned().collect();
        self.defined.contains(&local)
    }

    /// The builtin a call's function expression names, as [`Self::call`] resolves it; `None`
    /// for the policies' own functions, references into `data`, aliases, `print` and the
    /// calls sealgate's rewrites write.
    fn builtin_of(&self, scope: &Scope<'_>, fcn: &Ref<Expr>) -> Option<String> {
        let name = path_of(fcn)?;
        let written = name.join(".");
        let own = written.starts_with(GENERATED)
            || written == TEMPLATE_STRING
            || written == TEMPLATE_VALUE
            || written == "print"
            || matches!(name[0].as_str(), "data" | "input")
            || scope.aliases.iter().any(|(alias, _)| *alias == name[0])
            || self.is_function(scope, &name);
        (!own).then_some(written)
    }

    /// A call of `name` as written: the policies' own function, else a granted builtin. True
    /// when it is a call of the builtin `print`.
    fn call(&mut self, scope: &Scope<'_>, span: Position, name: &[String]) -> bool {
        let written = name.join(".");
        if written == TEMPLATE_STRING {
            let granted = self.capabilities.is_none_or(|c| {
                c.has_feature(&["template_strings"])
                    && c.builtins.contains("internal.template_string")
            });
            if !granted {
                self.push(scope, span, Ungranted::TemplateStrings);
            }
            return false;
        }
        if written.starts_with(GENERATED) || written == TEMPLATE_VALUE {
            return false;
        }
        if self.is_function(scope, name) {
            return false;
        }
        if matches!(name[0].as_str(), "data" | "input") {
            self.undefined(scope, span, written);
            return false;
        }
        if let Some((_, target)) = scope.aliases.iter().find(|(alias, _)| *alias == name[0]) {
            let full: Vec<String> = target.iter().chain(&name[1..]).cloned().collect();
            self.undefined(scope, span, full.join("."));
            return false;
        }
        // print statements are on in conftest and `opa test`: OPA calls `internal.print`
        let builtin = if written == "print" {
            "internal.print"
        } else {
            &written
        };
        self.builtin(scope, span, builtin);
        written == "print"
    }

    /// A use of builtin `name`: fine when the capabilities list it.
    fn builtin(&mut self, scope: &Scope<'_>, span: Position, name: &str) {
        if self
            .capabilities
            .is_some_and(|c| !c.builtins.contains(name))
        {
            self.undefined(scope, span, name.to_owned());
        }
    }

    fn undefined(&mut self, scope: &Scope<'_>, span: Position, name: String) {
        self.push(scope, span, Ungranted::Function(name));
    }

    fn push(&mut self, scope: &Scope<'_>, (line, col): Position, what: Ungranted) {
        self.found.push((scope.file.to_owned(), line, col, what));
    }
}

/// Line and column of a use.
pub(super) type Position = (u32, u32);

fn at(span: &Span) -> Position {
    (span.line, span.col)
}

/// Where an expression starts, as OPA places an operator's call: at its left operand (and a
/// reference at its first part: regorus places `x.y` at `y`).
pub(super) fn start(expr: &Ref<Expr>) -> Position {
    let mut at_expr = expr;
    loop {
        at_expr = match at_expr.as_ref() {
            Expr::BoolExpr { lhs, .. }
            | Expr::ArithExpr { lhs, .. }
            | Expr::BinExpr { lhs, .. }
            | Expr::AssignExpr { lhs, .. } => lhs,
            Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => refr,
            Expr::Membership {
                key: Some(first), ..
            }
            | Expr::Membership { value: first, .. } => first,
            other => return at(other.span()),
        };
    }
}

/// Whether `name` is a builtin of OPA that sealgate has (regorus's, or sealgate's own).
fn is_builtin(name: &str) -> bool {
    regorus::unstable::BUILTINS.contains_key(name)
        || engine::own_builtins().iter().any(|(n, _)| *n == name)
        || super::conftest_builtins::NAMES.contains(&name)
}

#[cfg(test)]
mod tests;
