//! CustomResourceDefinitions as schema sources: each served version's `openAPIV3Schema` becomes
//! the JSON Schema of `group/version` `kind`. A Gatekeeper ConstraintTemplate is one too: it
//! defines the CRD of its constraint kind, whose `spec.parameters` schema the template gives
//! (as Gatekeeper's frameworks `CreateSchema` builds it).

use serde_json::{Value, json};

use super::re2;
use super::transform::replace_int_or_string;

/// One schema taken from a CRD.
#[derive(Debug, Clone)]
pub struct CrdSchema {
    pub api_version: String,
    pub kind: String,
    /// The raw `openAPIV3Schema`.
    pub schema: Value,
    /// Where the CRD came from (`file:line`), for messages.
    pub origin: String,
}

pub fn is_crd(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
}

/// A Gatekeeper ConstraintTemplate (`templates.gatekeeper.sh`, any version).
pub fn is_constraint_template(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("ConstraintTemplate")
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("templates.gatekeeper.sh/"))
}

/// Whether a document defines schemas for other documents (a CRD or a ConstraintTemplate).
pub fn defines_schemas(value: &Value) -> bool {
    is_crd(value) || is_constraint_template(value)
}

/// Whether a source's text can hold a CustomResourceDefinition (or ConstraintTemplate), without
/// parsing it: the kind is
/// spelled out verbatim unless a double-quoted scalar writes it with backslash escapes, so a
/// source with neither the word nor any backslash has no CRD. Lets a run register the inputs'
/// CRDs by parsing only these sources before it streams through all of them.
pub fn may_define_crd(text: &str) -> bool {
    text.contains("CustomResourceDefinition")
        || text.contains("ConstraintTemplate")
        || text.contains('\\')
}

/// Schemas of every version of a CRD (v1 `spec.versions[].schema`, or v1beta1 `spec.validation`),
/// or of the constraint kind a ConstraintTemplate defines.
pub fn schemas_of(crd: &Value, origin: &str) -> Vec<CrdSchema> {
    if is_constraint_template(crd) {
        return constraint_schemas(crd, origin);
    }
    let spec = crd.get("spec").unwrap_or(&Value::Null);
    let group = spec
        .get("group")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(kind) = spec.pointer("/names/kind").and_then(Value::as_str) else {
        return Vec::new();
    };
    let shared = spec.pointer("/validation/openAPIV3Schema");
    let mut out = Vec::new();
    let versions = spec
        .get("versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut names: Vec<(String, Option<Value>)> = versions
        .iter()
        .filter_map(|v| {
            let name = v.get("name").and_then(Value::as_str)?;
            Some((
                name.to_owned(),
                v.pointer("/schema/openAPIV3Schema").cloned(),
            ))
        })
        .collect();
    if names.is_empty()
        && let Some(version) = spec.get("version").and_then(Value::as_str)
    {
        names.push((version.to_owned(), None));
    }
    for (version, schema) in names {
        let Some(schema) = schema.or_else(|| shared.cloned()) else {
            continue;
        };
        let api_version = if group.is_empty() {
            version
        } else {
            format!("{group}/{version}")
        };
        out.push(CrdSchema {
            api_version,
            kind: kind.to_owned(),
            schema,
            origin: origin.to_owned(),
        });
    }
    out
}

/// Versions Gatekeeper serves constraint kinds in (frameworks `pkg/client/crds`).
const CONSTRAINT_VERSIONS: [&str; 2] = ["v1beta1", "v1alpha1"];

/// The schema of a template's constraint kind: Gatekeeper's `match` (gatekeeper
/// `pkg/mutation/match`), `enforcementAction`, `scopedEnforcementActions`, and `parameters` as the
/// template declares them (`spec.crd.spec.validation.openAPIV3Schema`; absent = anything).
fn constraint_schemas(template: &Value, origin: &str) -> Vec<CrdSchema> {
    let Some(kind) = template
        .pointer("/spec/crd/spec/names/kind")
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let selector = json!({"type": "object", "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        "matchExpressions": {"type": "array", "items": {"type": "object", "required": ["key", "operator"], "properties": {
            "key": {"type": "string"}, "operator": {"type": "string"}, "values": strings
        }}}
    }});
    let matching = json!({"type": "object", "properties": {
        "source": {"type": "string", "enum": ["All", "Generated", "Original"]},
        "kinds": {"type": "array", "items": {"type": "object", "properties": {"apiGroups": strings, "kinds": strings}}},
        "scope": {"type": "string"},
        "namespaces": strings,
        "excludedNamespaces": strings,
        "labelSelector": selector,
        "namespaceSelector": selector,
        "name": {"type": "string"}
    }});
    let mut spec = json!({
        "match": matching,
        "enforcementAction": {"type": "string"},
        "scopedEnforcementActions": {"type": "array", "items": {"type": "object", "properties": {
            "action": {"type": "string"},
            "enforcementPoints": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}
        }}}
    });
    // Without a declared schema Gatekeeper keeps whatever parameters are given.
    spec["parameters"] = template
        .pointer("/spec/crd/spec/validation/openAPIV3Schema")
        .cloned()
        .unwrap_or_else(|| json!({"x-kubernetes-preserve-unknown-fields": true}));
    let schema = json!({"type": "object", "properties": {
        "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 63}}},
        "spec": {"type": "object", "properties": spec},
        "status": {"x-kubernetes-preserve-unknown-fields": true}
    }});
    CONSTRAINT_VERSIONS
        .iter()
        .map(|version| CrdSchema {
            api_version: format!("constraints.gatekeeper.sh/{version}"),
            kind: kind.to_owned(),
            schema: schema.clone(),
            origin: origin.to_owned(),
        })
        .collect()
}

/// A CRD's OpenAPI v3 schema as a JSON Schema (draft 4): `nullable`,
/// `x-kubernetes-int-or-string` and RE2 `pattern`s spelled in JSON Schema terms; in strict mode
/// unknown fields are refused wherever the schema lists properties (except under
/// `x-kubernetes-preserve-unknown-fields`).
pub(crate) fn to_json_schema(schema: &Value, strict: bool) -> Value {
    let mut out = schema.clone();
    // The API server accepts these on every custom resource, listed in the schema or not.
    if let Some(Value::Object(props)) = out.get_mut("properties") {
        props
            .entry("apiVersion")
            .or_insert_with(|| json!({"type": "string"}));
        props
            .entry("kind")
            .or_insert_with(|| json!({"type": "string"}));
        props
            .entry("metadata")
            .or_insert_with(|| json!({"type": "object"}));
    }
    openapi_extensions(&mut out);
    replace_int_or_string(&mut out);
    if strict {
        close_structurally(&mut out);
    }
    out
}

/// Strict mode: `additionalProperties: false` on every object schema that lists `properties`,
/// reached the way the API server prunes — through `properties`, `items` and
/// `additionalProperties` only. Walking every JSON value instead (as kubeconform's Python does
/// for the built-ins) mistakes a field *named* `properties` (Kyverno's PolicyException and
/// PolicyReport have one) for the keyword and plants a `false` schema the engine refuses; the
/// value-validation branches (`anyOf`, `allOf`, `oneOf`, `not`) never declare fields the
/// server keeps, so they stay open.
fn close_structurally(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    let preserves = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !preserves {
        map.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    if let Some(Value::Object(fields)) = map.get_mut("properties") {
        fields.values_mut().for_each(close_structurally);
    }
    for keyword in ["items", "additionalProperties"] {
        match map.get_mut(keyword) {
            Some(Value::Array(tuple)) => tuple.iter_mut().for_each(close_structurally),
            Some(inner) => close_structurally(inner),
            None => {}
        }
    }
}

fn openapi_extensions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
                && !map.contains_key("anyOf")
                && !map.contains_key("oneOf")
            {
                map.remove("type");
                map.insert(
                    "anyOf".to_owned(),
                    json!([{"type": "integer"}, {"type": "string"}]),
                );
            }
            if let Some(Value::String(pattern)) = map.get_mut("pattern") {
                *pattern = re2::to_ecma(pattern);
            }
            if map.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::String(t)) = map.get("type").cloned()
            {
                map.insert("type".to_owned(), json!([t, "null"]));
            }
            map.values_mut().for_each(openapi_extensions);
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_extensions),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd() -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget"},
                "versions": [
                    {"name": "v1", "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "size": {"x-kubernetes-int-or-string": true},
                            "note": {"type": "string", "nullable": true},
                            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"a": {"type": "string"}}}
                        }}
                    }}}},
                    {"name": "v2"}
                ]
            }
        })
    }

    #[test]
    fn versions_with_schemas_are_listed() {
        let c = crd();
        assert!(is_crd(&c));
        let s = schemas_of(&c, "crd.yaml:1");
        assert_eq!(s.len(), 1);
        assert_eq!(
            (s[0].api_version.as_str(), s[0].kind.as_str()),
            ("example.com/v1", "Widget")
        );
    }

    #[test]
    fn openapi_extensions_and_strictness() {
        let s = &schemas_of(&crd(), "x")[0];
        let loose = to_json_schema(&s.schema, false);
        assert_eq!(
            loose["properties"]["spec"]["properties"]["note"]["type"],
            json!(["string", "null"])
        );
        assert!(loose["properties"]["spec"]["properties"]["size"]["anyOf"].is_array());
        assert!(
            loose["properties"]["spec"]
                .get("additionalProperties")
                .is_none()
        );
        let strict = to_json_schema(&s.schema, true);
        assert_eq!(strict["additionalProperties"], json!(false));
        assert_eq!(
            strict["properties"]["spec"]["additionalProperties"],
            json!(false)
        );
        assert!(
            strict["properties"]["spec"]["properties"]["free"]
                .get("additionalProperties")
                .is_none()
        );
    }

    #[test]
    fn strict_mode_reads_a_field_named_properties_as_a_field() {
        // Kyverno's PolicyException: `spec.properties` is a string map.
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "properties": {"type": "object", "additionalProperties": {"type": "string"}},
            "reportResult": {"type": "string", "pattern": "^(?i)(skip|pass)$"}
        }}}});
        let strict = to_json_schema(&schema, true);
        let spec = &strict["properties"]["spec"];
        assert_eq!(spec["additionalProperties"], json!(false));
        assert!(spec["properties"].get("additionalProperties").is_none());
        assert_eq!(
            spec["properties"]["reportResult"]["pattern"],
            json!("^(?i:(skip|pass)$)")
        );
        let compiled = super::super::compile::compile(&strict).unwrap();
        assert!(compiled.unchecked.is_empty());
        let good = json!({"spec": {"properties": {"a": "b"}, "reportResult": "PASS"}});
        assert!(compiled.validator.is_valid(&good));
        let bad = json!({"spec": {"properties": {"a": 1}}});
        assert!(!compiled.validator.is_valid(&bad));
    }
}
