//! The SealedSecret CRD's hand-written field schemas (feature `kube`): where upstream's CRD says
//! more, or less, than the Rust types would derive.
//!
//! Used by the `schemars` attributes of the model in `sealed_secret.rs`; the controller's tests
//! compare every field of upstream's CRD against the generated one.

use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::Value;

/// Upstream requires `encryptedData`; the Rust side defaults it (lenient reads), which must not
/// leak into the CRD as a `default`.
pub(super) fn require_encrypted_data(schema: &mut Schema) {
    schema.insert("required".to_owned(), serde_json::json!(["encryptedData"]));
    remove_default(schema, "encryptedData");
}

/// The template's metadata defaults to empty when read (a missing or `null` one), which upstream's
/// CRD does not say and the API server must not fill in.
pub(super) fn no_metadata_default(schema: &mut Schema) {
    remove_default(schema, "metadata");
}

fn remove_default(schema: &mut Schema, property: &str) {
    if let Some(Value::Object(field)) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut(property))
    {
        field.remove("default");
    }
}

pub(super) fn encrypted_data(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": {"type": "string"},
        "x-kubernetes-preserve-unknown-fields": true,
    })
}

pub(super) fn date_time(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "format": "date-time"})
}

pub(super) fn byte_string(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Data is deprecated and will be removed eventually. Use per-value EncryptedData instead.",
        "type": "string",
        "format": "byte",
    })
}

pub(super) fn nullable_string_map(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Keys that should be templated using decrypted data.",
        "type": "object",
        "nullable": true,
        "additionalProperties": {"type": "string"},
    })
}

pub(super) fn template_metadata(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Standard object's metadata, copied onto the produced Secret.",
        "type": "object",
        "nullable": true,
        "x-kubernetes-preserve-unknown-fields": true,
        "properties": {
            "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            "finalizers": {"type": "array", "items": {"type": "string"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "name": {"type": "string"},
            "namespace": {"type": "string"},
        },
    })
}
