//! OpenAPI definitions → standalone JSON Schemas, the way kubeconform's schema registry builds them.
//!
//! The Kubernetes schemas kubeconform downloads (yannh/kubernetes-json-schema, `-standalone` and
//! `-standalone-strict`) come from instrumenta's `openapi2jsonschema`; the functions below port
//! its steps one for one, so verdicts agree: `kind`/`apiVersion` enums from
//! `x-kubernetes-group-version-kind`, `$ref`s inlined, `int-or-string` as a string|integer
//! choice, optional fields made nullable, and (strict) `additionalProperties: false` wherever
//! an object lists its properties. CRD schemas follow kubeconform's `openapi2jsonschema.py`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

const REF_PREFIX: &str = "#/definitions/";

/// `additional_properties`: every object schema (reached through object values, not arrays)
/// that lists `properties` and says nothing about extra keys gets `additionalProperties: false`.
/// `x-kubernetes-preserve-unknown-fields` opts a CRD subtree out, as the API server does.
pub(crate) fn deny_additional_properties(value: &mut Value) {
    let Value::Object(map) = value else { return };
    map.values_mut().for_each(close_schema);
}

/// One step of `additional_properties`: `schema` itself closed (when it is an object that lists
/// `properties`), then everything under it.
pub(crate) fn close_schema(schema: &mut Value) {
    if let Value::Object(inner) = schema {
        let preserves =
            inner.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        if inner.contains_key("properties")
            && !inner.contains_key("additionalProperties")
            && !preserves
        {
            inner.insert("additionalProperties".to_owned(), Value::Bool(false));
        }
        deny_additional_properties(schema);
    }
}

/// `replace_int_or_string`: `format: int-or-string` → `oneOf: [string, integer]`.
pub(crate) fn replace_int_or_string(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                let is_int_or_string =
                    child.get("format").and_then(Value::as_str) == Some("int-or-string");
                if is_int_or_string {
                    *child = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
                } else {
                    replace_int_or_string(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(replace_int_or_string),
        _ => {}
    }
}

/// `allow_null_optional_fields`: a `type` becomes `[type, "null"]` unless the schema two levels
/// up (the object whose `properties` hold it) has a `required` list. Ported literally, quirks
/// included (array items and root fields end up nullable), because that is what kubeconform checks.
pub(crate) fn allow_null_optional_fields(value: &mut Value) {
    nullable_frame(value, false, false);
}

/// Python's `"required" in x` for a truthy dict or list.
fn contains_required(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("required"),
        Value::Array(items) => items.iter().any(|i| i.as_str() == Some("required")),
        _ => false,
    }
}

/// One frame `f(data, parent, grand_parent)` of the Python function; only whether the parent
/// and grand parent contain `required` matters.
fn nullable_frame(data: &mut Value, parent_required: bool, grand_parent_required: bool) {
    let data_required = contains_required(data);
    let Value::Object(map) = data else { return };
    for (key, child) in map.iter_mut() {
        match child {
            Value::Object(_) => nullable_frame(child, data_required, parent_required),
            Value::Array(items) => {
                let list_required = items.iter().any(|i| i.as_str() == Some("required"));
                for item in items.iter_mut() {
                    nullable_frame(item, list_required, parent_required);
                }
            }
            Value::String(s) if key == "type" && s != "null" && !grand_parent_required => {
                *child = json!([s.clone(), "null"]);
            }
            _ => {}
        }
    }
}

/// Inlines `#/definitions/X` references, `definition` giving each one's body. A definition that
/// refers back to itself (only `JSONSchemaProps` does) stays a `$ref`, and the definitions it
/// needs are attached.
pub(crate) fn inline_refs(root: &Value, definition: &dyn Fn(&str) -> Option<Value>) -> Value {
    let mut stack = Vec::new();
    let mut kept = BTreeSet::new();
    let mut out = inline(root, definition, &mut stack, &mut kept);
    if !kept.is_empty() {
        let mut needed = Map::new();
        let mut queue: Vec<String> = kept.into_iter().collect();
        while let Some(name) = queue.pop() {
            if needed.contains_key(&name) {
                continue;
            }
            if let Some(def) = definition(&name) {
                collect_refs(&def, &mut queue);
                needed.insert(name, def);
            }
        }
        if let Value::Object(map) = &mut out {
            map.insert("definitions".to_owned(), Value::Object(needed));
        }
    }
    out
}

fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(REF_PREFIX))
}

fn collect_refs(value: &Value, queue: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = ref_name(value) {
                queue.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, queue));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, queue)),
        _ => {}
    }
}

fn inline(
    value: &Value,
    definition: &dyn Fn(&str) -> Option<Value>,
    stack: &mut Vec<String>,
    kept: &mut BTreeSet<String>,
) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(name) = ref_name(value) {
                let body = if stack.iter().any(|s| s == name) {
                    None
                } else {
                    definition(name)
                };
                let Some(def) = body else {
                    kept.insert(name.to_owned());
                    return value.clone();
                };
                stack.push(name.to_owned());
                let mut expanded = inline(&def, definition, stack, kept);
                stack.pop();
                // Siblings of `$ref` (rare in Kubernetes' spec) are kept next to the inlined body.
                if let Value::Object(target) = &mut expanded {
                    for (k, v) in map.iter().filter(|(k, _)| k.as_str() != "$ref") {
                        target.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                return expanded;
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline(v, definition, stack, kept)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| inline(v, definition, stack, kept))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn additional_properties_only_where_properties_are_listed() {
        let mut v = json!({"something": {"properties": {}}, "other": {"somethingelse": {}},
            "keep": {"properties": {}, "x-kubernetes-preserve-unknown-fields": true}});
        deny_additional_properties(&mut v);
        assert_eq!(v["something"]["additionalProperties"], json!(false));
        assert!(v["other"].get("additionalProperties").is_none());
        assert!(v["keep"].get("additionalProperties").is_none());
    }

    #[test]
    fn int_or_string_becomes_one_of() {
        let mut v = json!({"something": {"format": "int-or-string", "type": "string"}, "s": {"format": "string"}});
        replace_int_or_string(&mut v);
        assert_eq!(
            v["something"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(v["s"], json!({"format": "string"}));
    }

    #[test]
    fn optional_fields_become_nullable_unless_their_object_has_required() {
        // Called on the root's `properties`, like openapi2jsonschema does.
        let mut props = json!({
            "spec": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "inner": {"type": "object", "properties": {"x": {"type": "integer"}}}
            }},
            "kind": {"type": "string"}
        });
        allow_null_optional_fields(&mut props);
        assert_eq!(props["kind"]["type"], json!(["string", "null"]));
        assert_eq!(props["spec"]["type"], json!(["object", "null"]));
        // spec has `required`: its direct properties keep strict types.
        assert_eq!(props["spec"]["properties"]["name"]["type"], json!("string"));
        assert_eq!(
            props["spec"]["properties"]["inner"]["type"],
            json!("object")
        );
        // inner has no `required`: its properties are nullable.
        assert_eq!(
            props["spec"]["properties"]["inner"]["properties"]["x"]["type"],
            json!(["integer", "null"])
        );
    }

    #[test]
    fn refs_are_inlined_and_cycles_kept() {
        let defs = json!({
            "A": {"properties": {"b": {"$ref": "#/definitions/B"}}},
            "B": {"type": "string"},
            "C": {"properties": {"self": {"$ref": "#/definitions/C"}}}
        });
        let Value::Object(defs) = defs else {
            unreachable!()
        };
        let lookup = |name: &str| defs.get(name).cloned();
        let a = inline_refs(&json!({"$ref": "#/definitions/A"}), &lookup);
        assert_eq!(a, json!({"properties": {"b": {"type": "string"}}}));
        let c = inline_refs(&json!({"$ref": "#/definitions/C"}), &lookup);
        assert_eq!(c["properties"]["self"], json!({"$ref": "#/definitions/C"}));
        assert!(c["definitions"]["C"].is_object());
    }
}
