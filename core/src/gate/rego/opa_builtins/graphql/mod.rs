//! OPA's `graphql.*` builtins as OPA v1.22.3 computes them with gqlparser v2.5.64:
//! `graphql.parse_query(q)` and `graphql.parse_schema(s)` return gqlparser's AST as pruned JSON
//! (see [`ast`]); `graphql.parse(q, s)` returns `[query_ast, schema_ast]` after
//! validating both; `graphql.parse_and_verify(q, s)` returns `[true, query_ast, schema_ast]`, or
//! `[false, {}, {}]` instead of an error; `graphql.is_valid(q, s)` and
//! `graphql.schema_is_valid(s)` are `false` instead of an error. A query or schema is a string of
//! GraphQL or an AST object as the parse builtins return it.
//!
//! Limits: a document of more than a million tokens is refused (OPA has none; its AST as a Rego
//! value would be gigabytes), and one nesting deeper than gqlparser's 1,000 levels is an error as
//! in OPA. Validating a query stops (the query is invalid, where OPA would go on) past 10,000
//! selection sets nested through fragment spreads or a million steps (selections visited, field
//! pairs compared; `query.rs`, `overlap.rs`).

use regorus::Value;
use serde_json::json;

mod ast;
mod overlap;
mod parse;
mod query;
mod schema;
mod syntax_extras;

use self::ast::{QueryDocument, SchemaDocument, Shape, decoded, pruned_json};
use self::parse::token_count;
use self::schema::Schema;
use super::super::engine;
use super::{Builtin, guards, operand_error};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("graphql.parse_query", 1, parse_query),
    ("graphql.parse_schema", 1, parse_schema),
    ("graphql.parse", 2, parse),
    ("graphql.parse_and_verify", 2, parse_and_verify),
    ("graphql.is_valid", 2, is_valid),
    ("graphql.schema_is_valid", 1, schema_is_valid),
];

/// Documents too large to parse into a Rego value: over a million tokens, or an AST object that
/// would be too large written out.
pub(super) fn refusal(args: &[Value]) -> Option<String> {
    args.iter().find_map(|a| match a {
        Value::String(s) => {
            guards::over_elements(token_count(s, guards::MAX_ELEMENTS as usize) as f64)
        }
        Value::Object(_) => guards::written_out(std::slice::from_ref(a)),
        _ => None,
    })
}

fn parse_query(args: &[Value]) -> Result<Value, String> {
    match args.first() {
        Some(Value::String(s)) => ast_value(&parse::query(s)?),
        _ => Err(operand_error(args, 0, "string")),
    }
}

fn parse_schema(args: &[Value]) -> Result<Value, String> {
    match args.first() {
        Some(Value::String(s)) => ast_value(&parse::schema(s)?),
        _ => Err(operand_error(args, 0, "string")),
    }
}

fn ast_value<T: serde::Serialize>(ast: &T) -> Result<Value, String> {
    Ok(engine::from_json(&pruned_json(ast)?))
}

/// A query operand: GraphQL text, or an AST object decoded as gqlparser decodes JSON.
fn query_operand(args: &[Value]) -> Result<QueryDocument, String> {
    match args.first() {
        Some(Value::String(s)) => parse::query(s),
        Some(v @ Value::Object(_)) => decoded(engine::to_json(v), Shape::QueryDocument),
        _ => Err(operand_error(args, 0, "string or object")),
    }
}

/// A schema operand (operand `index`), not yet validated.
fn schema_operand(args: &[Value], index: usize) -> Result<SchemaDocument, String> {
    match args.get(index) {
        Some(Value::String(s)) => parse::schema(s),
        Some(v @ Value::Object(_)) => decoded(engine::to_json(v), Shape::SchemaDocument),
        _ => Err(operand_error(args, index, "string or object")),
    }
}

/// Both documents parsed, the schema validated and the query validated against it: the query's
/// and the schema's ASTs as OPA returns them.
fn verified(args: &[Value]) -> Result<(serde_json::Value, serde_json::Value), String> {
    let query = query_operand(args)?;
    let schema_doc = schema_operand(args, 1)?;
    let schema_ast = pruned_json(&schema_doc)?;
    let schema: Schema = schema::validated(&schema_doc)?;
    let query_ast = pruned_json(&query)?;
    query::validate(&schema, &query).map_err(|e| format!("{e} in GraphQL query"))?;
    Ok((query_ast, schema_ast))
}

fn parse(args: &[Value]) -> Result<Value, String> {
    let (query, schema) = verified(args)?;
    Ok(engine::from_json(&json!([query, schema])))
}

fn parse_and_verify(args: &[Value]) -> Result<Value, String> {
    Ok(engine::from_json(&match verified(args) {
        Ok((query, schema)) => json!([true, query, schema]),
        Err(_) => json!([false, {}, {}]),
    }))
}

fn is_valid(args: &[Value]) -> Result<Value, String> {
    let valid = query_operand(args).and_then(|query| {
        let schema = schema::validated(&schema_operand(args, 1)?)?;
        query::validate(&schema, &query)
    });
    Ok(Value::from(valid.is_ok()))
}

fn schema_is_valid(args: &[Value]) -> Result<Value, String> {
    let valid = schema_operand(args, 0).and_then(|doc| schema::validated(&doc));
    Ok(Value::from(valid.is_ok()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{eval_x, eval_x_with_input};
    use serde_json::{Value as Json, json};

    /// Runs `check` with the stack evaluation threads have (64 MiB, engine.rs).
    fn on_evaluation_stack(check: impl FnOnce() + Send + 'static) {
        let thread = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(check)
            .unwrap_or_else(|e| panic!("{e}"));
        thread
            .join()
            .unwrap_or_else(|_| panic!("the check panicked"));
    }

    fn eval(call: &str, strict: bool) -> Result<Option<String>, String> {
        eval_x(&format!("x := {call}"), strict)
    }

    /// Calls written here (ASTs with comments and every value kind; each schema and query rule
    /// gqlparser checks, broken and kept), each with what `opa eval` v1.22.3 gives for it (`null`:
    /// undefined, a builtin error under OPA's default non-strict builtin errors).
    #[test]
    fn computes_what_opa_computes() {
        let cases: Json = serde_json::from_str(include_str!("cases.json")).unwrap_or_default();
        let cases = cases.as_array().cloned().unwrap_or_default();
        assert!(cases.len() > 150, "{}", cases.len());
        for case in cases {
            let call = case["rego"].as_str().unwrap_or_default();
            let got = eval(call, false)
                .unwrap_or_else(|e| panic!("{call}: {e}"))
                .map_or(Json::Null, |x| serde_json::from_str(&x).unwrap_or_default());
            assert_eq!(got, case["opa"], "{call}");
        }
    }

    /// OPA errors for a document it cannot parse or validate in `parse_query`, `parse_schema`
    /// and `parse` (undefined unless builtin errors are strict); `is_valid`, `schema_is_valid`
    /// and `parse_and_verify` answer instead.
    #[test]
    fn bad_documents_are_errors_or_answers_as_in_opa() {
        for call in [
            "graphql.parse_query(`{`)",
            "graphql.parse_query(`{ a } type T { a: Int }`)",
            "graphql.parse_schema(`type T {}`)",
            "graphql.parse(`{ b }`, `type Query { a: Int }`)",
            "graphql.parse(`{ a }`, `type Query { a: Nope }`)",
        ] {
            assert_eq!(eval(call, false), Ok(None), "{call}");
            let err = eval(call, true).err().unwrap_or_default();
            let name = call.split('(').next().unwrap_or_default();
            assert!(err.contains(&format!("{name}: ")), "{call}: {err}");
        }
        for (call, want) in [
            ("graphql.is_valid(`{`, `type Query { a: Int }`)", "false"),
            ("graphql.schema_is_valid(`type Query { a: Nope }`)", "false"),
            ("graphql.schema_is_valid([])", "false"),
            (
                "graphql.parse_and_verify(`{ b }`, `type Query { a: Int }`)",
                "[false,{},{}]",
            ),
        ] {
            assert_eq!(eval(call, true), Ok(Some(want.to_owned())), "{call}");
        }
    }

    /// gqlparser stops at 1,000 levels of selection sets, lists and objects counted together;
    /// a list value nested 300,000 deep is an error, not a stack overflow. Evaluation threads
    /// have 64 MiB of stack (engine.rs); so does this test's.
    #[test]
    fn nesting_stops_where_gqlparser_stops() {
        let check = || {
            let selections = |n: usize| format!("{}a{}", "{a".repeat(n - 1) + "{", "}".repeat(n));
            let lists = |n: usize| format!("{{a(x: {}1{})}}", "[".repeat(n), "]".repeat(n));
            for (query, parses) in [
                (selections(1000), true),
                (selections(1001), false),
                (lists(999), true),
                (lists(1000), false),
                (lists(300_000), false),
            ] {
                let input = json!({ "q": query });
                let got = eval_x_with_input("x := graphql.parse_query(input.q)", &input, true);
                match got {
                    Ok(Some(_)) => assert!(parses, "{} bytes parsed", query.len()),
                    Err(e) => {
                        assert!(!parses, "{e}");
                        assert!(e.contains("exceeded maximum nesting depth of 1000"), "{e}");
                    }
                    Ok(None) => panic!("undefined under strict builtin errors"),
                }
            }
        };
        on_evaluation_stack(check);
    }

    /// Documents that are small but long to walk: a chain of input types 30,000 long (checked
    /// for cycles without recursion), fragments spread within each other 20,000 deep (past the
    /// walk's 10,000 levels), a fragment of 5,000 selections spread by 300 operations (past
    /// the walk's million steps), one field selected 200,000 times (2·10¹⁰ pairs to compare for
    /// OverlappingFieldsCanBeMerged, past the same million steps; valid under OPA). Each answers
    /// within seconds, on 64 MiB of stack as evaluation threads have.
    #[test]
    fn validation_of_hostile_documents_is_bounded() {
        let check = || {
            let mut inputs: String = (0..30_000)
                .map(|i| format!("input I{i} {{ a: I{}! }}\n", i + 1))
                .collect();
            inputs.push_str("input I30000 { a: Int } type Query { a(x: I0): Int }");
            let mut chain: String = (0..20_000)
                .map(|i| format!("fragment F{i} on Query {{ ...F{} }}\n", i + 1))
                .collect();
            chain.push_str("fragment F20000 on Query { a } { ...F0 }");
            let mut spread: String = (0..300)
                .map(|i| format!("query Q{i} {{ ...F }}\n"))
                .collect();
            spread.push_str(&format!("fragment F on Query {{ {} }}", "a ".repeat(5_000)));
            let same = format!("{{ {} }}", "a ".repeat(200_000));
            for (call, input, want) in [
                (
                    "graphql.schema_is_valid(input.s)",
                    json!({ "s": inputs }),
                    "true",
                ),
                (
                    "graphql.is_valid(input.q, `type Query { a: Int }`)",
                    json!({ "q": chain }),
                    "false",
                ),
                (
                    "graphql.is_valid(input.q, `type Query { a: Int }`)",
                    json!({ "q": spread }),
                    "false",
                ),
                (
                    "graphql.is_valid(input.q, `type Query { a: Int }`)",
                    json!({ "q": same }),
                    "false",
                ),
            ] {
                // bounded: without the step and depth limits these ran for hours
                let got = eval_x_with_input(&format!("x := {call}"), &input, true);
                assert_eq!(got, Ok(Some(want.to_owned())), "{call}");
            }
        };
        on_evaluation_stack(check);
    }

    /// A document of more than a million tokens would be gigabytes as a Rego AST; an AST object
    /// that shares one part 2^50 times is petabytes written out. Both are refused, strict or not.
    #[test]
    fn documents_too_large_to_hold_are_refused() {
        let input = json!({ "q": format!("{{{}}}", "a ".repeat(1_000_001)) });
        let err = eval_x_with_input("x := graphql.parse_query(input.q)", &input, false)
            .err()
            .unwrap_or_default();
        assert!(err.contains("1000001 elements is over the limit"), "{err}");
        let mut chain = r#"a0 := {"Name": "a"}"#.to_owned();
        for i in 1..=50 {
            chain.push_str(&format!(
                r#"
a{i} := {{"Name": "a", "SelectionSet": [a{j}, a{j}]}}"#,
                j = i - 1
            ));
        }
        let call = format!(
            r#"{chain}
x := graphql.is_valid({{"Operations": [{{"Operation": "query", "SelectionSet": [a50]}}]}}, `type Query {{ a: Int }}`)"#
        );
        let err = eval_x(&call, false).err().unwrap_or_default();
        assert!(err.contains("over the limit"), "{err}");
    }
}
