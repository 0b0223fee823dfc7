//! Rego keywords as the first part of a reference (`as.foo := 1`, `if { not.x == 1 }`), rewritten
//! at load time for regorus, with the rule paths in `data` that OPA gives them.
//!
//! OPA (v1.22.3, `keywords_in_refs`) reads a keyword followed by `.` at the start of a rule head
//! or of a body statement as a reference into the rule's own package: `as.foo := 1` in `package
//! test` defines `data.test.as.foo`, and `as.foo == 1` in a body reads it. Its compliance cases
//! (`keywordrefs`, 125 of them) cover `as`, `default`, `else`, `every`, `false`, `if`, `import`,
//! `in`, `not`, `null`, `package`, `some`, `true` and `with`; Kubernetes fields named `default` or
//! `not` make them appear in real policies. regorus 0.14 takes a keyword after a `.` (`input.default`,
//! `foo.as := 2`, `package foo.as`) but not first, so here:
//!
//! - a keyword first in a body reference becomes the package's full path: `as.foo` →
//!   `data.test.as.foo` (a keyword is never a local variable, so it always meant that);
//! - a rule whose head starts with a keyword moves to a module of its own, `package test["as"]`,
//!   with the head's first part dropped (`foo := 1`), the original module's imports, and the
//!   references of its body to rules of `package test` written out in full (`data.test.p`). That
//!   module and the original (the moved rules blanked out) are loaded under the original path,
//!   each line where it was, so errors and `data.test` read as in OPA.
//!
//! Text without such a reference reaches regorus byte for byte.

use std::collections::BTreeSet;

use regorus::Engine;
use regorus::unstable::{Parser, Rule, RuleHead, TokenKind};

use super::error::RegoError;
use super::module_set::ModuleSet;
use super::source_edits::Token;

/// Keywords in every Rego version (regorus refuses them as a reference's first part).
const KEYWORDS: [&str; 11] = [
    "as", "default", "else", "false", "import", "package", "not", "null", "some", "true", "with",
];

/// Keywords of Rego v1, and of v0 modules that import them (`future.keywords`, `rego.v1`).
/// `contains` is left out: regorus takes it as a name already.
const FUTURE_KEYWORDS: [&str; 3] = ["every", "if", "in"];

/// The first part of a rule head that was a keyword, while the rules are found.
const PLACEHOLDER: &str = "__sealgate_keyword_";

/// Loads `text` as [`super::engine::add_module`] does when it holds keyword references, as one
/// module or several (see the module's documentation); `None` when it holds none.
pub(crate) fn add_policy(
    engine: &mut Engine,
    path: &str,
    text: &str,
    v0: bool,
    modules: &ModuleSet,
) -> Option<Result<String, RegoError>> {
    let parts = split(path, text, v0)?;
    let mut package = None;
    for part in &parts {
        match super::engine::add_module(engine, path, part, v0, modules) {
            Ok(p) => {
                package.get_or_insert(p);
            }
            Err(e) => return Some(Err(e)),
        }
    }
    package.map(Ok)
}

/// The modules `text` becomes, the original (rewritten) first; `None` when it has no keyword
/// reference, or the rewritten text does not parse (regorus then reports the text as written).
pub(crate) fn split(path: &str, text: &str, v0: bool) -> Option<Vec<String>> {
    let tokens = super::source_edits::tokens(path, text)?;
    let keywords = keywords(&tokens, v0);
    let package = package_path(text, &tokens)?;
    let mut edits = Vec::new();
    let mut heads = 0usize;
    let mut depth = 0usize;
    for (i, (kind, t, span)) in tokens.iter().enumerate() {
        if *kind == TokenKind::Symbol {
            match t.as_str() {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            }
            continue;
        }
        if *kind != TokenKind::Ident || !keywords.contains(t.as_str()) || !starts_ref(&tokens, i) {
            continue;
        }
        let (start, end) = (span.start as usize, span.end as usize);
        if depth == 0 && starts_rule(&tokens, i) {
            heads += 1;
            edits.push((start, end, format!("{PLACEHOLDER}{t}")));
        } else {
            edits.push((start, end, format!("data.{package}.{t}")));
        }
    }
    if edits.is_empty() {
        return None;
    }
    let rewritten = super::undefined::apply(text, edits)?;
    if heads == 0 {
        return Some(vec![rewritten]);
    }
    move_rules(path, &rewritten, v0, &package, heads)
}

/// The keywords of this module: v1's, or v0's and those it imports.
fn keywords(tokens: &[Token], v0: bool) -> BTreeSet<&'static str> {
    let mut out: BTreeSet<&'static str> = KEYWORDS.into_iter().collect();
    for (i, (_, t, _)) in tokens.iter().enumerate() {
        if t != "import" {
            continue;
        }
        let path: Vec<&str> = tokens[i + 1..]
            .iter()
            .take_while(|(_, _, s)| s.line == tokens[i].2.line)
            .map(|(_, t, _)| t.as_str())
            .filter(|t| *t != ".")
            .collect();
        match path.as_slice() {
            ["rego", "v1", ..] | ["future", "keywords"] => out.extend(FUTURE_KEYWORDS),
            ["future", "keywords", kw, ..] => {
                out.extend(FUTURE_KEYWORDS.into_iter().filter(|f| f == kw));
            }
            _ => {}
        }
    }
    if !v0 {
        out.extend(FUTURE_KEYWORDS);
    }
    out
}

/// Whether token `i` starts a reference: `kw.name` written together, not after a `.`.
fn starts_ref(tokens: &[Token], i: usize) -> bool {
    let joined = |a: usize, b: usize| tokens[a].2.end == tokens[b].2.start;
    let after_dot = i > 0 && tokens[i - 1].1 == ".";
    !after_dot
        && tokens
            .get(i + 2)
            .is_some_and(|(kind, _, _)| *kind == TokenKind::Ident)
        && tokens[i + 1].1 == "."
        && joined(i, i + 1)
        && joined(i + 1, i + 2)
}

/// Whether token `i` (outside brackets) starts a rule: first on its line, or after a `default`
/// that is.
fn starts_rule(tokens: &[Token], i: usize) -> bool {
    let first_on_line = |k: usize| k == 0 || tokens[k - 1].2.line < tokens[k].2.line;
    first_on_line(i) || (i > 0 && tokens[i - 1].1 == "default" && first_on_line(i - 1))
}

/// The package's path as written (`test`, `a.b`, `policy["pr-check"]`): the text of the tokens
/// after `package` on its line.
fn package_path(text: &str, tokens: &[Token]) -> Option<String> {
    let at = tokens.iter().position(|(_, t, _)| t == "package")?;
    let line = tokens[at].2.line;
    let rest: Vec<&Token> = tokens[at + 1..]
        .iter()
        .take_while(|(_, _, s)| s.line == line)
        .collect();
    let (first, last) = (rest.first()?, rest.last()?);
    text.get(first.2.start as usize..last.2.end as usize)
        .map(str::to_string)
}

/// `text` (with [`PLACEHOLDER`] heads) as the original module without those rules and one module
/// per keyword holding them.
fn move_rules(
    path: &str,
    text: &str,
    v0: bool,
    package: &str,
    heads: usize,
) -> Option<Vec<String>> {
    let module = super::parse::module(path, text, v0)?;
    // rule → (keyword it moves under, or none), its byte range, where its head's path ends
    let mut moved: Vec<(String, usize, usize, usize)> = Vec::new();
    let mut names = BTreeSet::new();
    for rule in &module.policy {
        let span = rule.span();
        let (refr, args) = match rule.as_ref() {
            Rule::Spec { head, .. } => match head {
                RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => (refr, None),
                RuleHead::Func { refr, args, .. } => (refr, Some(args)),
            },
            Rule::Default { refr, args, .. } => (refr, Some(args)),
        };
        let components = Parser::get_path_ref_components(refr).ok()?;
        let first = components.first()?.text().to_string();
        match first.strip_prefix(PLACEHOLDER) {
            Some(kw) => {
                let mut end = refr.span().end as usize;
                if let Some(args) = args.filter(|a| !a.is_empty()) {
                    end = args.last().map_or(end, |a| a.span().end as usize);
                }
                moved.push((
                    kw.to_string(),
                    span.start as usize,
                    super::source_edits::end(text, span),
                    end,
                ));
            }
            None => {
                names.insert(first);
            }
        }
    }
    if moved.len() != heads {
        // a placeholder outside a rule's head: not a reference this module understands
        return None;
    }
    let tokens = super::source_edits::tokens(path, text)?;
    let blank_ranges = |keep: &[(usize, usize)]| -> Vec<(usize, usize, String)> {
        let mut edits = Vec::new();
        let mut at = 0;
        for &(start, end) in keep {
            if start > at {
                edits.push((at, start, blank(&text[at..start])));
            }
            at = at.max(end);
        }
        if at < text.len() {
            edits.push((at, text.len(), blank(&text[at..])));
        }
        edits
    };
    let mut parts = Vec::new();
    // the original, its moved rules blanked
    let moved_ranges: Vec<(usize, usize, String)> = moved
        .iter()
        .map(|(_, start, end, _)| (*start, *end, blank(text.get(*start..*end).unwrap_or(""))))
        .collect();
    parts.push(super::undefined::apply(text, moved_ranges)?);
    let keywords: BTreeSet<&str> = moved.iter().map(|m| m.0.as_str()).collect();
    for kw in keywords {
        let pkg = &module.package.refr;
        let mut keep = vec![(
            module.package.span.start as usize,
            module.package.span.end as usize,
        )];
        let mut edits = vec![(
            pkg.span().start as usize,
            pkg.span().end as usize,
            format!("{package}[\"{kw}\"]"),
        )];
        keep.extend(module.imports.iter().map(|i| {
            (
                i.span.start as usize,
                super::source_edits::end(text, &i.span),
            )
        }));
        for (_, start, end, head_end) in moved.iter().filter(|m| m.0 == kw) {
            keep.push((*start, *end));
            let inner: Vec<&Token> = tokens
                .iter()
                .filter(|(_, _, s)| (s.start as usize) >= *start && (s.end as usize) <= *end)
                .collect();
            // `__sealgate_keyword_as.` goes: the rule's path starts after it
            let at = inner.iter().position(|t| t.1.starts_with(PLACEHOLDER))?;
            let (placeholder, dot) = (inner.get(at)?, inner.get(at + 1)?);
            edits.push((
                placeholder.2.start as usize,
                dot.2.end as usize,
                String::new(),
            ));
            let bound = bound_names(&inner, *head_end);
            for (k, (kind, t, s)) in inner.iter().map(|t| (&t.0, &t.1, &t.2)).enumerate() {
                let qualify = *kind == TokenKind::Ident
                    && (s.start as usize) >= *head_end
                    && names.contains(t.as_str())
                    && !bound.contains(t.as_str())
                    && (k == 0 || inner[k - 1].1 != ".");
                if qualify {
                    edits.push((
                        s.start as usize,
                        s.start as usize,
                        format!("data.{package}."),
                    ));
                }
            }
        }
        keep.sort_unstable();
        edits.extend(blank_ranges(&keep));
        parts.push(super::undefined::apply(text, edits)?);
    }
    Some(parts)
}

/// Names a rule binds itself (its arguments: the names in its head after `(`, which ends at
/// `head_end`; `:=`; `some`; `every`): those are not references to the package's rules.
fn bound_names(tokens: &[&Token], head_end: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut args = false;
    // the line of a `some`/`every` whose names are being read
    let mut declaring: Option<u32> = None;
    for (k, (kind, t, span)) in tokens.iter().map(|t| (&t.0, &t.1, &t.2)).enumerate() {
        let ident = *kind == TokenKind::Ident;
        if (span.end as usize) <= head_end {
            args |= t == "(";
            if args && ident {
                out.insert(t.clone());
            }
            continue;
        }
        if ident && matches!(t.as_str(), "some" | "every") {
            declaring = Some(span.line);
            continue;
        }
        let names_go_on = declaring == Some(span.line) && ((ident && t != "in") || t == ",");
        if !names_go_on {
            declaring = None;
        }
        let next = tokens.get(k + 1).map(|n| n.1.as_str());
        if ident && (declaring.is_some() || next == Some(":=")) {
            out.insert(t.clone());
        }
    }
    out
}

/// `s` with every character but line breaks a space.
fn blank(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(modules: &[&str], query: &str, v0: bool) -> String {
        super::super::engine::query_json(modules, v0, query)
    }

    /// OPA v1.22.3 (`opa eval -d p.rego data.test`) gives the same document.
    #[test]
    fn keyword_rules_land_where_opa_puts_them() {
        let policy = "package test\n\np if {\n  as.foo == 1\n  foo.as == 2\n  not.x(1) == 1\n  if.s == {\"a\"}\n}\n\nas.foo := 1\n\nfoo.as := 2\n\ndefault not.x(_) := 42\n\nnot.x(v) := v if {\n  v < 10\n}\n\nif.s contains \"a\"\n";
        assert_eq!(
            eval(&[policy], "data.test", false),
            r#"{"as":{"foo":1},"foo":{"as":2},"if":{"s":["a"]},"not":{},"p":true}"#
        );
        assert_eq!(eval(&[policy], "data.test.not.x(11)", false), "42");
    }

    #[test]
    fn moved_rules_read_their_package_and_imports() {
        let lib = "package lib\n\nlimit := 3\n";
        let policy = "package a.b\n\nimport data.lib\n\nthreshold := 2\n\nhelper(x) := x + 1\n\nsome.v := helper(threshold) if {\n  lib.limit > threshold\n  y := 5\n  y > threshold\n}\n\nq if some.v == 3\n";
        assert_eq!(eval(&[lib, policy], "data.a.b.q", false), "true");
        assert_eq!(eval(&[lib, policy], "data.a.b.some.v", false), "3");
    }

    #[test]
    fn else_chains_and_v0_heads() {
        let v1 = "package test\n\nwith.foo := 1 if {\n  input.x == 1\n} else := 3\n\np := x if {\n  x := with.foo\n}\n";
        assert_eq!(eval(&[v1], "data.test.p", false), "3");
        let v0 = "package test\n\ntrue.foo[x] {\n  x := \"a\"\n}\n\np {\n  true.foo[\"a\"]\n}\n";
        assert_eq!(eval(&[v0], "data.test.p", true), "true");
        assert_eq!(eval(&[v0], "data.test.true.foo", true), "[\"a\"]");
    }

    #[test]
    fn strings_comments_and_later_parts_are_left_alone() {
        let text = "package test\n\n# as.foo is not here\nx := \"as.foo\"\ny := `not.z`\nz := input.as.default\n";
        assert_eq!(split("t.rego", text, false), None);
        // v0 without `future.keywords`: `if` is a name
        assert_eq!(split("t.rego", "package t\nif.x := 1\n", true), None);
    }

    #[test]
    fn lines_keep_their_numbers() {
        let text = "package test\n\nimport rego.v1\n\np if as.foo == 1 # as.x\n\nas.foo := 1 if {\n  \"é\" != \"\"\n}\nq := 2\n";
        let parts = split("t.rego", text, false).expect("rewritten");
        assert_eq!(parts.len(), 2);
        for part in &parts {
            assert_eq!(part.lines().count(), text.lines().count());
        }
        assert_eq!(
            parts[0].lines().nth(4),
            Some("p if data.test.as.foo == 1 # as.x")
        );
        assert_eq!(parts[0].lines().nth(9), Some("q := 2"));
        assert_eq!(parts[1].lines().next(), Some("package test[\"as\"]"));
        assert_eq!(parts[1].lines().nth(2), Some("import rego.v1"));
        assert_eq!(parts[1].lines().nth(6), Some("foo := 1 if {"));
        assert_eq!(parts[1].lines().nth(9).map(str::trim), Some(""));
        // an error in a moved rule is reported at its own line
        let bad = "package test\n\nas.foo := 1 if {\n  x := 1\n  x := 2\n}\n";
        let err = eval(&[bad], "data.test", false);
        assert!(err.contains("m0.rego:5"), "{err}");
    }
}
