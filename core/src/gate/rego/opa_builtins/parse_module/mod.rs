//! OPA's `rego.parse_module(filename, text)`: the module's AST as OPA v1.22.3 marshals it to
//! JSON (`ast.Module`: `package`, `imports`, `rules`, `comments`), parsed as Rego v1 as OPA's
//! builtin does (`ast.ParseModule`), read from regorus's parser (under `parse.rs`'s limits).
//!
//! What OPA writes by default is written: terms as `{"type", "value"}`, body expressions with
//! `index` (and `negated`, `generated`, `with`), operators as calls (`equal`, `plus`,
//! `internal.member_2`, …), wildcards as `$0`, `$1`, … in source order. OPA writes no
//! locations by default except a comment's, and no `annotations` (its builtin parses without
//! `ProcessAnnotation`). `peer_opa_parse_module` compares this with the real `opa` on every
//! module of OPA's compliance suite and the conftest and gatekeeper-library policies.
//!
//! Where sealgate differs (measured by `peer_opa_parse_module`: 4,226 of 4,481 modules alike,
//! 2,412 of them parsed, the rest refused by both; every difference left is a refusal, undefined
//! or under `--strict-builtin-errors` an error, where OPA gives an AST):
//! - what regorus 0.14 does not parse: template strings (`$"…{x}"`), the logic operators and
//!   `not { … }` bodies of `import future.keywords.and`/`.or`/`.not` and `rego.v2` (sealgate
//!   rewrites those in policies at load time, not in a text given to this builtin; a
//!   `not { x }` of one expression regorus reads as a set, which is read back as OPA's body),
//!   keywords as the head of a ref (`as.foo`, `some.foo`, `every.foo`), numbers beyond f64;
//! - a text whose brackets nest deeper than `nesting::MAX_NESTING` (OPA parses it; regorus
//!   would take exponential time), with more than `chains::MAX_CHAIN` operators in one
//!   expression (regorus's AST would overflow the stack), over `parse.rs`'s size limits, or
//!   with more terms than `guards` lets a builtin's result hold;
//! - a module regorus's v1 parser accepts and OPA's refuses comes out as regorus reads it
//!   (none in the corpus).
//!
//! regorus binds `-x + 1` as `-(x + 1)`; the minus is moved back onto `x` as OPA reads it
//! (`plus(minus(0, x), 1)`).
//!
//! A parse error's message is regorus's, prefixed `rego_parse_error:` as OPA's is.

mod comments;
mod exprs;
mod rules;
mod terms;

use regorus::Value;

use super::{Builtin, string_operand};
use crate::gate::rego::{chains, nesting, parse};
use exprs::Reader;
use terms::{Term, object};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[("rego.parse_module", 2, parse_module)];

/// Stack of the thread a module is read on: regorus's AST recurses once per nesting level
/// (brackets up to `nesting::MAX_NESTING`, operators up to `chains::MAX_CHAIN`), and so do
/// reading and dropping it; an evaluation thread's stack may be 2 MiB.
const STACK_BYTES: usize = 64 << 20;

fn parse_module(args: &[Value]) -> Result<Value, String> {
    let file = string_operand(args, 0)?.to_owned();
    let text = string_operand(args, 1)?.to_owned();
    if let Some(line) = chains::overlong_chain(&file, &text) {
        return Err(format!(
            "rego_parse_error: {file}:{line}: more than {} operators or reference segments in one expression; sealgate reads no longer chains",
            chains::MAX_CHAIN
        ));
    }
    std::thread::Builder::new()
        .name("rego.parse_module".to_owned())
        .stack_size(STACK_BYTES)
        .spawn(move || module_json(&file, &text))
        .map_err(|e| format!("cannot start the parse: {e}"))?
        .join()
        .map_err(|_| "the parse failed".to_owned())?
        .map_err(|e| format!("rego_parse_error: {e}"))
}

/// `text` as OPA's module JSON.
fn module_json(file: &str, text: &str) -> Result<Value, String> {
    nesting::check(file, text).map_err(|e| e.to_string())?;
    let module = parse::parsed(file, text, false)?;
    let mut reader = Reader::new(module.imports.iter().any(|i| {
        let path = i.refr.span().text();
        ["future.keywords", "future.keywords.not", "rego.v2"].contains(&path)
    }));
    let mut fields = Vec::new();
    // the package's first part is a string under `data`, as every other
    let mut path = vec![Term::Var("data".to_owned()).to_value()];
    for part in reader.ref_parts(&module.package.refr)? {
        path.push(match part {
            Term::Var(name) => Term::String(name).to_value(),
            other => other.to_value(),
        });
    }
    fields.push(("package", object([("path", Value::from(path))])));
    if !module.imports.is_empty() {
        let mut imports = Vec::new();
        for import in &module.imports {
            let mut entry = vec![("path", reader.ref_term(&import.refr)?.to_value())];
            if let Some(alias) = &import.r#as {
                entry.push(("alias", Value::from(alias.text())));
            }
            imports.push(object(entry));
        }
        fields.push(("imports", Value::from(imports)));
    }
    if !module.policy.is_empty() {
        let mut rules = Vec::new();
        for rule in &module.policy {
            rules.push(reader.rule(rule)?);
        }
        fields.push(("rules", Value::from(rules)));
    }
    let comments = comments::comments(file, text)?;
    if !comments.is_empty() {
        fields.push(("comments", Value::from(comments)));
    }
    Ok(object(fields))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{eval_x, eval_x_with_input};

    fn parse(text: &str, strict: bool) -> Result<Option<serde_json::Value>, String> {
        let input = serde_json::json!({ "m": text });
        eval_x_with_input(
            "x := rego.parse_module(\"g.rego\", input.m)",
            &input,
            strict,
        )
        .map(|x| x.map(|x| serde_json::from_str(&x).unwrap_or_default()))
    }

    /// The AST the real `opa` (v1.22.3) gives for a module with a default rule, `some … in`,
    /// `not`, a call with `with`, a multi-value rule with a wildcard, a function with `else`,
    /// a ref head, a set comprehension and comments (`opa_ast.json`).
    #[test]
    fn a_module_comes_out_as_opa_writes_it() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("opa_ast.json")).unwrap_or_default();
        let text = fixture["module"].as_str().unwrap_or_default();
        let got = parse(text, true).expect("parses").expect("defined");
        assert_eq!(got, fixture["ast"]);
    }

    /// OPA's builtin error semantics: undefined by default, an error under strict builtin
    /// errors, which names the builtin and says it is a parse error.
    #[test]
    fn a_text_that_does_not_parse_is_undefined_or_a_parse_error() {
        assert_eq!(parse("package foo.", false), Ok(None));
        let error = parse("package foo.", true).expect_err("strict");
        assert!(
            error.contains("rego.parse_module: rego_parse_error:"),
            "{error}"
        );
        assert_eq!(
            eval_x("x := rego.parse_module(\"g.rego\", 1)", false),
            Ok(None)
        );
    }

    /// Hostile texts are refused quickly with their reason, never a crash or a hang: brackets
    /// nested deeper than sealgate parses (regorus takes exponential time), a line longer than
    /// regorus reports on, a module over the size limit, an operator chain longer than
    /// sealgate reads.
    #[test]
    fn hostile_texts_are_refused() {
        let deep = format!(
            "package p\n\nx := {}1{}\n",
            "[".repeat(5_000),
            "]".repeat(5_000)
        );
        let error = parse(&deep, true).expect_err("too deep");
        assert!(error.contains("brackets nest deeper"), "{error}");
        let long = format!("package p\n\nx := \"{}\"\n", "a".repeat(70_000));
        let error = parse(&long, true).expect_err("too long");
        assert!(error.contains("line 3 is 65535 bytes or longer"), "{error}");
        let big = format!("package p\n\n{}", "x := 1\n".repeat(3_000_000));
        assert!(parse(&big, true).is_err());
        let line = format!("{}\n", "1,".repeat(20_000));
        let terms = format!("package p\n\nx := [\n{}1]\n", line.repeat(51));
        let error = parse(&terms, true).expect_err("too many terms");
        assert!(error.contains("the module's AST is too large"), "{error}");
        // a thousand operators overflowed a 2 MiB stack reading regorus's AST: the longest
        // chain read is read on its own stack, a longer one is refused before it is parsed
        let chain = |n: usize| format!("package p\n\nx := {}1\n", "1 + ".repeat(n));
        let longest = parse(&chain(crate::gate::rego::chains::MAX_CHAIN), true).expect("parses");
        assert!(longest.is_some());
        let lines = chain(100_000).replace("+ ", "+\n");
        let error = parse(&lines, true).expect_err("too long");
        assert!(
            error.contains("g.rego:503: more than 500 operators"),
            "{error}"
        );
    }
}
