//! A builtin as the replacement of a `with` (`f(x) with f as count`), rewritten at load time to a
//! function regorus accepts there.
//!
//! OPA (v1.22.3) lets `with` replace a function or builtin by another function *or builtin*
//! (its compliance cases `withkeyword/builtin-builtin…`, `…built-in replacement…`). regorus 0.14
//! evaluates such a replacement, but its safety check first reads a builtin's name there as a
//! variable and refuses the query ("use of undefined variable `count` is unsafe"). So such a name
//! becomes a function of the module's own, `__sealgate_builtin_count(a0) := count(a0)`, written
//! after the module's last line so every line keeps its number. Functions and values given as
//! replacements, and text without a builtin after `with … as`, reach regorus unchanged.

use std::collections::BTreeMap;

use regorus::unstable::{BUILTINS, TokenKind};

use super::source_edits;

/// Prefix of the generated functions.
const PREFIX: &str = "__sealgate_builtin_";

/// The policy text with each builtin replacement of a `with` made a function, or `None` when there
/// is none (or the text does not lex: the engine then reports it). `own` are the builtins
/// sealgate adds as extensions (name, arity).
pub(crate) fn rewrite(path: &str, text: &str, own: &[(&str, u8)]) -> Option<String> {
    if !text.contains("with") {
        return None;
    }
    let tokens = source_edits::tokens(path, text)?;
    let arity = |name: &str| {
        BUILTINS
            .get(name)
            .map(|b| b.1)
            .or_else(|| own.iter().find(|(n, _)| *n == name).map(|(_, a)| *a))
    };
    let ident = |i: usize| {
        tokens
            .get(i)
            .is_some_and(|(kind, _, _)| *kind == TokenKind::Ident)
    };
    let text_at = |i: usize| tokens.get(i).map_or("", |(_, t, _)| t.as_str());
    let mut edits = Vec::new();
    let mut functions: BTreeMap<String, u8> = BTreeMap::new();
    for (i, (_, t, _)) in tokens.iter().enumerate() {
        let rooted = matches!(text_at(i + 1), "input" | "data");
        if t != "with" || !ident(i) || (i > 0 && text_at(i - 1) == ".") || rooted {
            continue;
        }
        let Some(at) = (i + 1..tokens.len()).find(|&k| text_at(k) == "as" && ident(k)) else {
            continue;
        };
        // the replacement: a dotted name, not followed by a call, index or further field
        let mut end = at + 1;
        let mut name = String::new();
        while ident(end) {
            name.push_str(text_at(end));
            if text_at(end + 1) == "." && ident(end + 2) {
                name.push('.');
                end += 2;
            } else {
                break;
            }
        }
        let followed = matches!(text_at(end + 1), "(" | "[" | ".");
        let Some(n) = arity(&name).filter(|n| *n > 0 && !followed) else {
            continue;
        };
        let (start, stop) = (tokens[at + 1].2.start as usize, tokens[end].2.end as usize);
        let generated = format!("{PREFIX}{}", name.replace('.', "_"));
        edits.push((start, stop, generated.clone()));
        functions.insert(name, n);
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = super::undefined::apply(text, edits)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (name, n) in functions {
        let args: Vec<String> = (0..n).map(|k| format!("a{k}")).collect();
        let args = args.join(", ");
        out.push_str(&format!(
            "{PREFIX}{}({args}) := {name}({args})\n",
            name.replace('.', "_")
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(policy: &str) -> String {
        super::super::engine::query_json(&[policy], false, "data.test.p")
    }

    /// OPA's compliance cases `withkeyword/…`; each value is OPA v1.22.3's.
    #[test]
    fn builtins_replace_functions_and_builtins_as_in_opa() {
        let p = |body: &str| format!("package test\n\nf(_) := 2\n\np := x if {{\n\t{body}\n}}\n");
        assert_eq!(
            eval(&p(
                "x = count([{}, {\"foo\": 3}]) with count as object.union_n"
            )),
            r#"{"foo":3}"#
        );
        assert_eq!(
            eval(&p(
                "x = object.union_n([{}, {\"foo\": 3}]) with object.union_n as count"
            )),
            "2"
        );
        assert_eq!(eval(&p("x = f([1]) with f as count")), "1");
        // a function or a value as the replacement is left to regorus
        assert_eq!(eval(&p("x = count([1]) with count as f")), "2");
        assert_eq!(eval(&p("x = count([1]) with count as 7")), "7");
    }

    #[test]
    fn lines_keep_their_numbers_and_other_withs_are_left_alone() {
        let text = "package test\n\np if {\n  f(1) with f as count # with g as count\n}\nq if { input.a with input as {\"a\": \"with x as count\"} }\n";
        let out = rewrite("t.rego", text, &[]).expect("rewritten");
        assert_eq!(
            out,
            "package test\n\np if {\n  f(1) with f as __sealgate_builtin_count # with g as count\n}\nq if { input.a with input as {\"a\": \"with x as count\"} }\n__sealgate_builtin_count(a0) := count(a0)\n"
        );
        for untouched in [
            "package t\nq if { count(x) with input.a as count }\n",
            "package t\nq if { g(1) with g as count(1) }\n",
            "package t\nq if { g(1) with g as data.count }\n",
            "package t\nx := \"with g as count\"\n",
        ] {
            assert_eq!(rewrite("t.rego", untouched, &[]), None, "{untouched}");
        }
    }
}
