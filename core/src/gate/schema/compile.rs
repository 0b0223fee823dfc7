//! Compiling a JSON Schema once per kind, degrading what does not compile instead of failing.
//!
//! A CRD's OpenAPI schema may hold a fragment the JSON Schema engine refuses (a construct the
//! conversion does not cover, a keyword spelled for another draft). Refusing the whole kind would
//! turn every object of a popular CRD into an error, so the refused fragment is replaced by "any
//! value" and reported as "not checked here: <path>" on each object of that kind; the rest of the
//! schema still judges. Messages are one line and bounded: the engine's errors print whole schema
//! fragments and instance values, kilobytes long.

use serde_json::Value;

use super::duration;

/// Longest message text taken from the engine (characters), before " …".
const MAX_MESSAGE: usize = 200;

/// At most this many fragments are given up on before the schema counts as broken.
const MAX_DEGRADED: usize = 32;

pub(crate) struct Compiled {
    pub validator: jsonschema::Validator,
    /// Fragments replaced by "any value": the object path they cover (`/spec/groups/*/rules`)
    /// and why, for the "not checked here" warnings.
    pub unchecked: Vec<Unchecked>,
    /// For a CRD's schema: the raw `openAPIV3Schema`, whose null pruning and defaults are applied
    /// to each object before it is judged (see `admission`).
    pub crd_schema: Option<Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct Unchecked {
    pub path: String,
    pub reason: String,
}

/// The compiled schema, or the reason it cannot be used at all (one bounded line).
pub(crate) fn compile(schema: &Value) -> Result<Compiled, String> {
    let mut schema = schema.clone();
    let mut unchecked = Vec::new();
    loop {
        let error = match build(&schema) {
            Ok(validator) => {
                return Ok(Compiled {
                    validator,
                    unchecked,
                    crd_schema: None,
                });
            }
            Err(error) => error,
        };
        let reason = one_line(&error.to_string());
        let pointer = error.instance_path().as_str().to_owned();
        let Some((schema_at, data_path)) = enclosing_schema(&pointer) else {
            return Err(reason);
        };
        if schema_at.is_empty() || unchecked.len() >= MAX_DEGRADED {
            return Err(reason);
        }
        match schema.pointer_mut(&schema_at) {
            Some(fragment) if fragment != &Value::Object(serde_json::Map::new()) => {
                *fragment = Value::Object(serde_json::Map::new());
            }
            // Already "any value" and still refused: the problem is elsewhere, give up.
            _ => return Err(reason),
        }
        unchecked.push(Unchecked {
            path: data_path,
            reason,
        });
    }
}

fn build(schema: &Value) -> Result<jsonschema::Validator, jsonschema::ValidationError<'static>> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_format("duration", duration::is_valid)
        .build(schema)
}

/// The innermost schema (not keyword value) that holds the JSON pointer `pointer` of a schema
/// document, as (its pointer, the object path it validates with `*` for any item or key).
/// `None` when the pointer cannot be read as a schema position.
fn enclosing_schema(pointer: &str) -> Option<(String, String)> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut at = String::new();
    let mut data = String::new();
    let mut last = (String::new(), String::new());
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let next = tokens.get(i + 1).copied();
        let (consumed, data_step) = match (token, next) {
            ("properties" | "patternProperties", Some(name)) => {
                (2, if token == "properties" { name } else { "*" })
            }
            ("definitions", Some(_)) => (2, ""),
            ("items", Some(index)) if index.parse::<usize>().is_ok() => (2, "*"),
            ("items", _) => (1, "*"),
            ("additionalProperties" | "additionalItems", _) => (1, "*"),
            ("anyOf" | "allOf" | "oneOf", Some(index)) if index.parse::<usize>().is_ok() => (2, ""),
            ("not", _) => (1, ""),
            // A keyword's value: the schema that holds it is the one to replace.
            _ => break,
        };
        for t in &tokens[i..i + consumed] {
            at.push('/');
            at.push_str(t);
        }
        if !data_step.is_empty() {
            data.push('/');
            data.push_str(data_step);
        }
        last = (at.clone(), data.clone());
        i += consumed;
    }
    if i == tokens.len() && !tokens.is_empty() {
        // The pointer names a whole schema: that schema is the one to replace.
        return Some((at, data));
    }
    Some(last)
}

/// A message as one line of at most [`MAX_MESSAGE`] characters.
pub(crate) fn one_line(message: &str) -> String {
    let flat: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_MESSAGE {
        return flat;
    }
    let cut: String = flat.chars().take(MAX_MESSAGE).collect();
    format!("{cut} …")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_positions_map_to_object_paths() {
        assert_eq!(
            enclosing_schema("/properties/spec/properties/groups/items/properties/expr/anyOf"),
            Some((
                "/properties/spec/properties/groups/items/properties/expr".to_owned(),
                "/spec/groups/*/expr".to_owned()
            ))
        );
        assert_eq!(
            enclosing_schema("/properties/spec/additionalProperties/type/0"),
            Some((
                "/properties/spec/additionalProperties".to_owned(),
                "/spec/*".to_owned()
            ))
        );
        assert_eq!(
            enclosing_schema("/properties/a/anyOf/1"),
            Some(("/properties/a/anyOf/1".to_owned(), "/a".to_owned()))
        );
        assert_eq!(
            enclosing_schema("/type"),
            Some((String::new(), String::new()))
        );
    }

    #[test]
    fn a_broken_fragment_is_given_up_and_the_rest_still_judges() {
        let schema = json!({"type": "object", "properties": {
            "bad": {"type": "no-such-type"},
            "good": {"type": "string"}
        }});
        let compiled = compile(&schema).unwrap();
        assert_eq!(compiled.unchecked.len(), 1);
        assert_eq!(compiled.unchecked[0].path, "/bad");
        assert!(compiled.validator.is_valid(&json!({"bad": 1, "good": "x"})));
        assert!(!compiled.validator.is_valid(&json!({"good": 1})));
    }

    #[test]
    fn a_broken_root_is_one_bounded_line() {
        let huge: Vec<Value> = (0..500).map(|i| json!(format!("value-{i}"))).collect();
        let err = compile(&json!({"type": huge})).err().unwrap();
        assert!(!err.contains('\n'), "{err}");
        assert!(err.chars().count() <= MAX_MESSAGE + 2, "{err}");
    }

    #[test]
    fn messages_are_flattened_and_capped() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        let long = "x".repeat(1000);
        assert!(one_line(&long).ends_with(" …"));
    }
}
