//! OPA's `json.verify_schema(schema)` and `json.match_schema(document, schema)`, validated by the
//! `jsonschema` crate and reported in the shapes and words of OPA v1.22.3 (whose validator is a
//! fork of gojsonschema).
//!
//! `verify_schema` is `[true, null]` or `[false, "jsonschema: <why>"]`; `match_schema` is
//! `[valid, errors]`, each error `{"error": "<field>: <desc>", "type", "field", "desc"}` with
//! gojsonschema's type names and descriptions, `field` the dotted path of the value (`(Root)` for
//! the document). Where they differ from OPA, the error list says so only in its order and
//! detail: OPA lists a property's errors in Go's (random) map order and adds the closest branch's
//! errors after an `anyOf`/`oneOf`/`allOf` error; here the crate's order is kept and a
//! combinator's error stands alone. A schema error other than an unknown `type` has the crate's
//! words. A schema without `$schema` is read as draft 7 (gojsonschema's default understands
//! drafts 4 to 7). References are only resolved inside the schema: the crate is built without
//! its network and file resolvers, so a `$ref` cannot reach out.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use regorus::Value;
use serde_json::{Value as Json, json};

use super::super::engine;
use super::Builtin;

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("json.verify_schema", 1, verify_schema),
    ("json.match_schema", 2, match_schema),
];

/// gojsonschema's primitive type names, as its schema error lists them.
const PRIMITIVES: [&str; 7] = [
    "array", "boolean", "integer", "number", "null", "object", "string",
];

/// A schema or document operand as JSON: a string is parsed, an object or array converted.
fn loaded(value: &Value) -> Result<Json, String> {
    match value {
        Value::String(text) => {
            serde_json::from_str(text).map_err(|_| "invalid JSON string".to_owned())
        }
        Value::Object(_) | Value::Array(_) => Ok(engine::to_json(value)),
        _ => Err("wrong type, expected string or object".to_owned()),
    }
}

/// The validator of `schema`, else why the schema is invalid (in gojsonschema's words for an
/// unknown primitive type).
fn compiled(schema: &Json) -> Result<jsonschema::Validator, String> {
    let mut options = jsonschema::options();
    if schema.get("$schema").is_none() {
        options = options.with_draft(jsonschema::Draft::Draft7);
    }
    options.build(schema).map_err(|e| schema_error(&e))
}

fn schema_error(e: &ValidationError<'_>) -> String {
    let at_type = e
        .instance_path()
        .as_str()
        .rsplit('/')
        .next()
        .is_some_and(|last| last == "type");
    let unknown = match e.instance().as_ref() {
        Json::String(t) if !PRIMITIVES.contains(&t.as_str()) => Some(t.clone()),
        Json::Array(ts) => ts
            .iter()
            .filter_map(Json::as_str)
            .find(|t| !PRIMITIVES.contains(t))
            .map(str::to_owned),
        _ => None,
    };
    match unknown.filter(|_| at_type) {
        Some(t) => format!(
            "has a primitive type that is NOT VALID -- given: /{t}/ Expected valid values are:[{}]",
            PRIMITIVES.join(" ")
        ),
        None => e.to_string(),
    }
}

fn verify_schema(args: &[Value]) -> Result<Value, String> {
    let verdict = args
        .first()
        .ok_or_else(|| "operand 1 missing".to_owned())
        .and_then(loaded)
        .and_then(|schema| compiled(&schema).map(|_| ()));
    Ok(engine::from_json(&match verdict {
        Ok(()) => json!([true, null]),
        Err(why) => json!([false, format!("jsonschema: {why}")]),
    }))
}

fn match_schema(args: &[Value]) -> Result<Value, String> {
    let (Some(document), Some(schema)) = (args.first(), args.get(1)) else {
        return Err("two operands expected".to_owned());
    };
    let document = loaded(document)?;
    let schema = loaded(schema)?;
    let validator = compiled(&schema)?;
    let mut errors: Vec<Json> = Vec::new();
    let mut mistyped: Vec<String> = Vec::new();
    for e in validator.iter_errors(&document) {
        let field = field_of(e.instance_path().as_str());
        if matches!(e.kind(), ValidationErrorKind::Type { .. }) {
            mistyped.push(field.clone());
        }
        for (kind, desc) in described(&e, &field, &schema) {
            errors.push(json!({
                "error": format!("{field}: {desc}"),
                "type": kind,
                "field": field,
                "desc": desc,
            }));
        }
    }
    // gojsonschema checks a value's type first and stops there when it does not match
    errors.retain(|e| {
        e["type"] == "invalid_type" || !mistyped.iter().any(|f| e["field"] == f.as_str())
    });
    Ok(engine::from_json(&json!([errors.is_empty(), errors])))
}

/// gojsonschema's field: the path's segments joined by dots, `(Root)` for the document.
fn field_of(pointer: &str) -> String {
    if pointer.is_empty() {
        return "(Root)".to_owned();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

/// gojsonschema's type name of a value (a whole number is an integer).
fn given_type(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Json::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// A number as Go's `%v` writes a whole or decimal limit.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

fn compact(value: &Json) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The expected types as gojsonschema lists them: the schema's `type`, in its order.
fn expected_types(e: &ValidationError<'_>, kind: &TypeKind, schema: &Json) -> String {
    match schema.pointer(e.schema_path().as_str()) {
        Some(Json::String(t)) => return t.clone(),
        Some(Json::Array(ts)) if ts.len() == 1 => {
            return ts[0].as_str().unwrap_or_default().to_owned();
        }
        Some(Json::Array(ts)) => {
            return format!(
                "[{}]",
                ts.iter()
                    .filter_map(Json::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            );
        }
        _ => {}
    }
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(ts) => format!(
            "[{}]",
            ts.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// gojsonschema's (type, description) pairs for one error of the crate.
fn described(e: &ValidationError<'_>, field: &str, schema: &Json) -> Vec<(String, String)> {
    let one = |kind: &str, desc: String| vec![(kind.to_owned(), desc)];
    match e.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected = expected_types(e, kind, schema);
            one(
                "invalid_type",
                format!(
                    "Invalid type. Expected: {expected}, given: {}",
                    given_type(e.instance())
                ),
            )
        }
        ValidationErrorKind::Required { property } => one(
            "required",
            format!("{} is required", property.as_str().unwrap_or_default()),
        ),
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|p| {
                (
                    "additional_property_not_allowed".to_owned(),
                    format!("Additional property {p} is not allowed"),
                )
            })
            .collect(),
        ValidationErrorKind::Enum { options } => {
            let allowed = options
                .as_array()
                .map(|o| o.iter().map(compact).collect::<Vec<_>>().join(", "))
                .unwrap_or_else(|| compact(options));
            one(
                "enum",
                format!("{field} must be one of the following: {allowed}"),
            )
        }
        ValidationErrorKind::Constant { expected_value } => one(
            "const",
            format!("{field} does not match: {}", compact(expected_value)),
        ),
        ValidationErrorKind::MinLength { limit } => one(
            "string_gte",
            format!("String length must be greater than or equal to {limit}"),
        ),
        ValidationErrorKind::MaxLength { limit } => one(
            "string_lte",
            format!("String length must be less than or equal to {limit}"),
        ),
        ValidationErrorKind::MinItems { limit } => one(
            "array_min_items",
            format!("Array must have at least {limit} items"),
        ),
        ValidationErrorKind::MaxItems { limit } => one(
            "array_max_items",
            format!("Array must have at most {limit} items"),
        ),
        ValidationErrorKind::MinProperties { limit } => one(
            "array_min_properties",
            format!("Must have at least {limit} properties"),
        ),
        ValidationErrorKind::MaxProperties { limit } => one(
            "array_max_properties",
            format!("Must have at most {limit} properties"),
        ),
        ValidationErrorKind::Pattern { pattern } => {
            one("pattern", format!("Does not match pattern '{pattern}'"))
        }
        ValidationErrorKind::Format { format } => {
            one("format", format!("Does not match format '{format}'"))
        }
        ValidationErrorKind::Minimum { limit } => one(
            "number_gte",
            format!("Must be greater than or equal to {}", compact(limit)),
        ),
        ValidationErrorKind::Maximum { limit } => one(
            "number_lte",
            format!("Must be less than or equal to {}", compact(limit)),
        ),
        ValidationErrorKind::ExclusiveMinimum { limit } => one(
            "number_gt",
            format!("Must be greater than {}", compact(limit)),
        ),
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            one("number_lt", format!("Must be less than {}", compact(limit)))
        }
        ValidationErrorKind::MultipleOf { multiple_of } => one(
            "multiple_of",
            format!("Must be a multiple of {}", number(*multiple_of)),
        ),
        ValidationErrorKind::UniqueItems => duplicates(e.instance())
            .into_iter()
            .map(|(i, j)| {
                (
                    "unique".to_owned(),
                    format!("array items[{i},{j}] must be unique"),
                )
            })
            .collect(),
        ValidationErrorKind::Contains => one(
            "contains",
            "At least one of the items must match".to_owned(),
        ),
        ValidationErrorKind::AnyOf { .. } => one(
            "number_any_of",
            "Must validate at least one schema (anyOf)".to_owned(),
        ),
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => one(
            "number_one_of",
            "Must validate one and only one schema (oneOf)".to_owned(),
        ),
        ValidationErrorKind::Not { .. } => one(
            "number_not",
            "Must not validate the schema (not)".to_owned(),
        ),
        ValidationErrorKind::FalseSchema => {
            one("false", "False always fails validation".to_owned())
        }
        ValidationErrorKind::AdditionalItems { .. } => one(
            "array_no_additional_items",
            "No additional items allowed on array".to_owned(),
        ),
        ValidationErrorKind::PropertyNames { error } => one(
            "invalid_property_name",
            format!(
                "Property name of \"{}\" does not match",
                error.instance().as_str().unwrap_or_default()
            ),
        ),
        _ => one("internal", format!("Internal Error {e}")),
    }
}

/// gojsonschema's pairs for `uniqueItems`: each item equal to an earlier one, with the index of
/// the last earlier equal item before it.
fn duplicates(value: &Json) -> Vec<(usize, usize)> {
    let Some(items) = value.as_array() else {
        return Vec::new();
    };
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for (j, item) in items.iter().enumerate() {
        let key = compact(item);
        match seen.iter_mut().find(|(k, _)| *k == key) {
            Some((_, i)) => {
                pairs.push((*i, j));
                *i = j;
            }
            None => seen.push((key, j)),
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    fn x(query: &str) -> serde_json::Value {
        let got = eval_x(query, false)
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .unwrap_or_else(|| panic!("{query}: undefined"));
        serde_json::from_str(&got).unwrap_or_default()
    }

    /// `opa eval` (v1.22.3) of the same call gives these errors (in another order: OPA visits
    /// properties in Go's random map order).
    #[test]
    fn match_schema_errors_are_gojsonschema_s() {
        let got = x(r#"x := json.match_schema(
            {"a": {"b": [1, "x"]}, "c": 5.5, "e": "zz", "extra": 1, "u": [1, 2, 1, 1], "k": {"a": 1}, "d": 1.5, "m": 5},
            {"type": "object", "additionalProperties": false, "required": ["a", "z"], "properties": {
                "a": {"type": "object", "properties": {"b": {"type": "array", "items": {"type": ["integer", "null"]}, "maxItems": 1}}},
                "c": {"type": "integer", "minimum": 6, "multipleOf": 2},
                "e": {"enum": ["a", 1, null], "minLength": 3, "pattern": "^a"},
                "u": {"uniqueItems": true, "minItems": 5},
                "k": {"const": {"a": 2}, "minProperties": 2, "not": {}},
                "d": {"maximum": 1.25, "exclusiveMinimum": 2},
                "m": {"exclusiveMaximum": 4.5, "multipleOf": 2},
                "z": {}, "extra2": {}}})"#);
        assert_eq!(got[0], false);
        let mut got: Vec<String> = got[1]
            .as_array()
            .map(|a| a.iter().map(|e| e.to_string()).collect())
            .unwrap_or_default();
        let mut want: Vec<String> = [
            ("(Root)", "required", "z is required"),
            ("(Root)", "additional_property_not_allowed", "Additional property extra is not allowed"),
            ("a.b.1", "invalid_type", "Invalid type. Expected: [integer,null], given: string"),
            ("a.b", "array_max_items", "Array must have at most 1 items"),
            ("c", "invalid_type", "Invalid type. Expected: integer, given: number"),
            ("e", "enum", "e must be one of the following: \"a\", 1, null"),
            ("e", "string_gte", "String length must be greater than or equal to 3"),
            ("e", "pattern", "Does not match pattern '^a'"),
            ("u", "array_min_items", "Array must have at least 5 items"),
            ("u", "unique", "array items[0,2] must be unique"),
            ("u", "unique", "array items[2,3] must be unique"),
            ("k", "number_not", "Must not validate the schema (not)"),
            ("k", "array_min_properties", "Must have at least 2 properties"),
            ("k", "const", "k does not match: {\"a\":2}"),
            ("d", "number_lte", "Must be less than or equal to 1.25"),
            ("d", "number_gt", "Must be greater than 2"),
            ("m", "number_lt", "Must be less than 4.5"),
            ("m", "multiple_of", "Must be a multiple of 2"),
        ]
        .iter()
        .map(|(field, kind, desc)| {
            serde_json::json!({"desc": desc, "error": format!("{field}: {desc}"), "field": field, "type": kind})
                .to_string()
        })
        .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn match_schema_takes_strings_and_objects() {
        for query in [
            r#"x := json.match_schema({"id": 5}, {"required": ["id"]})"#,
            r#"x := json.match_schema(`{"id": 5}`, `{"properties": {"id": {"type": "integer"}}}`)"#,
        ] {
            assert_eq!(x(query), serde_json::json!([true, []]), "{query}");
        }
    }

    #[test]
    fn verify_schema_says_why_as_opa_does() {
        for (schema, want) in [
            (r#"{"type": "boolean"}"#, serde_json::json!([true, null])),
            (
                r#"{"type": ["string", "bogus"]}"#,
                serde_json::json!([
                    false,
                    "jsonschema: has a primitive type that is NOT VALID -- given: /bogus/ Expected valid values are:[array boolean integer number null object string]"
                ]),
            ),
            (
                "\"{\"",
                serde_json::json!([false, "jsonschema: invalid JSON string"]),
            ),
            (
                "5",
                serde_json::json!([false, "jsonschema: wrong type, expected string or object"]),
            ),
        ] {
            assert_eq!(
                x(&format!("x := json.verify_schema({schema})")),
                want,
                "{schema}"
            );
        }
        // another schema error: the crate's words, OPA's shape
        let other = x(r#"x := json.verify_schema({"properties": 5})"#);
        assert_eq!(other[0], false);
        assert!(
            other[1]
                .as_str()
                .is_some_and(|s| s.starts_with("jsonschema: ")),
            "{other}"
        );
    }

    /// A bad schema or document is a builtin error: undefined, or an error under strict builtin
    /// errors; a `$ref` to another host is not fetched.
    #[test]
    fn bad_schemas_are_builtin_errors_and_refs_stay_local() {
        let bad = r#"x := json.match_schema({}, {"type": "unknown"})"#;
        assert_eq!(eval_x(bad, false), Ok(None));
        let err = eval_x(bad, true).err().unwrap_or_default();
        assert!(
            err.contains(
                "json.match_schema: has a primitive type that is NOT VALID -- given: /unknown/"
            ),
            "{err}"
        );
        let remote = r#"x := json.match_schema({}, {"$ref": "http://127.0.0.1:9/schema.json"})"#;
        assert_eq!(eval_x(remote, false), Ok(None));
        let draft = r#"x := json.verify_schema({"$schema": "http://example.com/unknown-draft"})"#;
        assert!(eval_x(draft, false).is_ok());
    }
}
