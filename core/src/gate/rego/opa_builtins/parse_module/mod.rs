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
//! Where sealgate differs (each undefined, or an error under `--strict-builtin-errors`, where
//! OPA gives an AST, unless said otherwise):
//! - what regorus 0.14 does not parse: template strings (`$"…{x}"`), the logic operators of
//!   `import future.keywords.and`/`.or` (sealgate rewrites those in policies at load time, not
//!   in a text given to this builtin), numbers beyond f64;
//! - a text whose brackets nest deeper than `nesting::MAX_NESTING` (OPA parses it; regorus
//!   would take exponential time), or over `parse.rs`'s size limits;
//! - a module regorus accepts and OPA's v1 parser refuses (e.g. `input := 1` the other way
//!   round: regorus refuses shadowing `input`, which OPA's parser allows) comes out as regorus
//!   decides;
//! - parentheses are not kept by regorus, which does not matter to OPA's AST either, but
//!   regorus binds `-x + 1` as `-(x + 1)` (OPA: `minus(0, x) + 1`).
//!
//! A parse error's message is regorus's, prefixed `rego_parse_error:` as OPA's is.

mod comments;
mod exprs;
mod rules;
mod terms;

use regorus::Value;

use super::{Builtin, string_operand};
use crate::gate::rego::{nesting, parse};
use exprs::Reader;
use terms::{Term, object};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[("rego.parse_module", 2, parse_module)];

fn parse_module(args: &[Value]) -> Result<Value, String> {
    let file = string_operand(args, 0)?;
    let text = string_operand(args, 1)?;
    module_json(file, text).map_err(|e| format!("rego_parse_error: {e}"))
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
