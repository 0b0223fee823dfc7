//! The `bitnami.com/v1alpha1` SealedSecret custom resource: Rust types, generated CRD, core conversion.
//!
//! These types are the API server's view (lenient reads, the CRD's schemas and descriptions);
//! core's `seal::SealedSecret` is the sealing view that `kubeseal`-compatible code reads and
//! writes. [`SealedSecret::to_core`] converts field by field on every reconcile.
//!
//! Same group, version, names, printer columns and status subresource as upstream's CRD, so an
//! existing installation's objects are served unchanged. Field schemas that upstream marks
//! `x-kubernetes-preserve-unknown-fields` keep that marker; the tests compare every field of
//! upstream's CRD against ours.

use std::collections::BTreeMap;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, JSONSchemaProps,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff;
use kube::CustomResource;
use kube::CustomResourceExt;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use sealgate_core::seal as core;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The condition type upstream writes (and Argo CD's health check reads).
pub const SYNCED: &str = "Synced";

/// Errors converting between the API object and the core sealing types.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    #[error("SealedSecret {namespace}/{name} cannot be read as a sealing object: {reason}")]
    Convert {
        namespace: String,
        name: String,
        reason: String,
    },
    #[error("cannot render the CRD: {reason}")]
    Render { reason: String },
}

/// SealedSecretSpec is the specification of a SealedSecret.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "bitnami.com",
    version = "v1alpha1",
    kind = "SealedSecret",
    plural = "sealedsecrets",
    singular = "sealedsecret",
    namespaced,
    status = "SealedSecretStatus",
    derive = "PartialEq",
    doc = "SealedSecret is the K8s representation of a \"sealed Secret\" - a regular k8s Secret that has been sealed (encrypted) using the controller's key.",
    printcolumn = r#"{"name": "Status", "type": "string", "jsonPath": ".status.conditions[0].message"}"#,
    printcolumn = r#"{"name": "Synced", "type": "string", "jsonPath": ".status.conditions[0].status"}"#,
    printcolumn = r#"{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = require_encrypted_data)]
pub struct SealedSecretSpec {
    /// Template defines the structure of the Secret that will be created from this sealed secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<SecretTemplateSpec>,
    /// EncryptedData maps each item name to its sealed value (base64).
    // Entries that are not strings are dropped when read, as upstream's decoder does, so one
    // malformed object cannot wedge the watch.
    #[serde(default, deserialize_with = "string_entries_only")]
    #[schemars(schema_with = "encrypted_data_schema")]
    pub encrypted_data: BTreeMap<String, String>,
    /// Data is deprecated and will be removed eventually. Use per-value EncryptedData instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "byte_string_schema")]
    pub data: Option<String>,
}

/// The Secret metadata, type, immutability and data templates of the produced Secret.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretTemplateSpec {
    /// Standard object's metadata, copied onto the produced Secret (name and namespace forced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "template_metadata_schema")]
    pub metadata: Option<Map<String, Value>>,
    /// Used to facilitate programmatic handling of secret data.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Immutable, if set to true, ensures that data stored in the Secret cannot be updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Keys that should be templated using decrypted data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "nullable_string_map_schema")]
    pub data: Option<BTreeMap<String, String>>,
}

/// SealedSecretStatus is the most recently observed status of the SealedSecret.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SealedSecretStatus {
    /// ObservedGeneration reflects the generation most recently observed by the controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Represents the latest available observations of a sealed secret's current state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<SealedSecretCondition>,
}

/// SealedSecretCondition describes the state of a sealed secret at a certain point.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SealedSecretCondition {
    /// Type of condition for a sealed secret. Valid value: "Synced"
    #[serde(rename = "type")]
    pub type_: String,
    /// Status of the condition: "True", "False", or "Unknown".
    pub status: String,
    /// The last time this condition was updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "date_time_schema")]
    pub last_update_time: Option<Time>,
    /// Last time the condition transitioned from one status to another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "date_time_schema")]
    pub last_transition_time: Option<Time>,
    /// The reason for the condition's last transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A human readable message indicating details about the transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn string_entries_only<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<Map<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(raw
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            _ => None,
        })
        .collect())
}

/// Upstream requires `encryptedData`; the Rust side defaults it (lenient reads), which must not
/// leak into the CRD as a `default`.
fn require_encrypted_data(schema: &mut Schema) {
    schema.insert("required".to_owned(), serde_json::json!(["encryptedData"]));
    if let Some(Value::Object(field)) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("encryptedData"))
    {
        field.remove("default");
    }
}

fn encrypted_data_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": {"type": "string"},
        "x-kubernetes-preserve-unknown-fields": true,
    })
}

fn date_time_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "format": "date-time"})
}

fn byte_string_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Data is deprecated and will be removed eventually. Use per-value EncryptedData instead.",
        "type": "string",
        "format": "byte",
    })
}

fn nullable_string_map_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Keys that should be templated using decrypted data.",
        "type": "object",
        "nullable": true,
        "additionalProperties": {"type": "string"},
    })
}

fn template_metadata_schema(_: &mut SchemaGenerator) -> Schema {
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

/// The CRD as served: one version, status subresource, upstream's printer columns.
pub fn crd() -> Result<CustomResourceDefinition, CrdError> {
    let mut crd = SealedSecret::crd();
    // The derive leaves listKind to the API server's default; upstream's file spells it out.
    crd.spec.names.list_kind = Some("SealedSecretList".to_owned());
    // Like controller-gen, name the root fields the API server owns, so a strict validator
    // (unknown fields are findings) accepts a complete object.
    let root = crd.spec.versions.iter_mut().filter_map(|v| {
        v.schema
            .as_mut()?
            .open_api_v3_schema
            .as_mut()?
            .properties
            .as_mut()
    });
    for properties in root {
        for (field, type_) in [
            ("apiVersion", "string"),
            ("kind", "string"),
            ("metadata", "object"),
        ] {
            properties
                .entry(field.to_owned())
                .or_insert_with(|| JSONSchemaProps {
                    type_: Some(type_.to_owned()),
                    ..JSONSchemaProps::default()
                });
        }
    }
    Ok(crd)
}

/// `deploy/base/crd.yaml`: the CRD as YAML, with a header saying where it comes from.
pub fn crd_yaml() -> Result<String, CrdError> {
    let body = serde_saphyr::to_string(&crd()?).map_err(|e| CrdError::Render {
        reason: e.to_string(),
    })?;
    Ok(format!(
        "# Generated by `cargo run -p sealgate-controller --bin crdgen` from controller/src/crd.rs; do not edit.\n{body}"
    ))
}

/// `schemas/sealedsecret-crd.json`: the validator's view (identity and version schemas only),
/// pretty JSON with a trailing newline.
pub fn crd_schema_json() -> Result<String, CrdError> {
    let crd = serde_json::to_value(crd()?).map_err(|e| CrdError::Render {
        reason: e.to_string(),
    })?;
    let versions: Vec<Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .map(|v| {
                    let mut kept = Map::new();
                    for key in ["name", "schema", "served", "storage"] {
                        if let Some(x) = v.get(key) {
                            kept.insert(key.to_owned(), x.clone());
                        }
                    }
                    Value::Object(kept)
                })
                .collect()
        })
        .unwrap_or_default();
    let out = serde_json::json!({
        "apiVersion": crd.get("apiVersion"),
        "kind": crd.get("kind"),
        "metadata": {"name": crd.pointer("/metadata/name")},
        "spec": {
            "group": crd.pointer("/spec/group"),
            "names": {"kind": crd.pointer("/spec/names/kind")},
            "versions": versions,
        }
    });
    let mut text = serde_json::to_string_pretty(&out).map_err(|e| CrdError::Render {
        reason: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

/// One committed file generated from these types, relative to the repository root.
pub struct CrdFile {
    pub path: &'static str,
    pub content: String,
}

/// Every committed file crdgen owns: the deploy CRD and the validator's schema.
pub fn generated_files() -> Result<Vec<CrdFile>, CrdError> {
    Ok(vec![
        CrdFile {
            path: "deploy/base/crd.yaml",
            content: crd_yaml()?,
        },
        CrdFile {
            path: "schemas/sealedsecret-crd.json",
            content: crd_schema_json()?,
        },
    ])
}

impl SealedSecret {
    /// The same object as the core sealing type, field by field: identity, labels and
    /// annotations, the whole spec and the status. Only the template's metadata, which the CRD
    /// keeps free-form (`x-kubernetes-preserve-unknown-fields`), is read as core's `ObjectMeta`
    /// from its JSON; the other server-set metadata (uid, generation, …) sealing does not read.
    pub fn to_core(&self) -> Result<core::SealedSecret, CrdError> {
        let template = self
            .spec
            .template
            .as_ref()
            .map(SecretTemplateSpec::to_core)
            .transpose()
            .map_err(|e| CrdError::Convert {
                namespace: self.metadata.namespace.clone().unwrap_or_default(),
                name: self.metadata.name.clone().unwrap_or_default(),
                reason: e.to_string(),
            })?;
        Ok(core::SealedSecret {
            metadata: core::ObjectMeta {
                name: self.metadata.name.clone(),
                namespace: self.metadata.namespace.clone(),
                labels: self.metadata.labels.clone().unwrap_or_default(),
                annotations: self.metadata.annotations.clone().unwrap_or_default(),
                extra: Map::new(),
            },
            spec: core::SealedSecretSpec {
                template,
                encrypted_data: self.spec.encrypted_data.clone(),
                data: self.spec.data.clone(),
                extra: Map::new(),
            },
            status: self.status.as_ref().map(SealedSecretStatus::to_core),
            ..core::SealedSecret::default()
        })
    }
}

impl SecretTemplateSpec {
    fn to_core(&self) -> Result<core::SecretTemplateSpec, serde_json::Error> {
        let metadata = match &self.metadata {
            Some(metadata) => serde_json::from_value(Value::Object(metadata.clone()))?,
            None => core::ObjectMeta::default(),
        };
        Ok(core::SecretTemplateSpec {
            metadata,
            type_: self.type_.clone(),
            immutable: self.immutable,
            data: self.data.clone(),
            extra: Map::new(),
        })
    }
}

impl SealedSecretStatus {
    fn to_core(&self) -> core::SealedSecretStatus {
        // As `Time` serializes: whole seconds, UTC.
        let time = |t: &Option<Time>| {
            t.as_ref()
                .and_then(|t| jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", t.0).ok())
        };
        core::SealedSecretStatus {
            observed_generation: self.observed_generation,
            conditions: self
                .conditions
                .iter()
                .map(|c| core::SealedSecretCondition {
                    type_: c.type_.clone(),
                    status: c.status.clone(),
                    last_update_time: time(&c.last_update_time),
                    last_transition_time: time(&c.last_transition_time),
                    reason: c.reason.clone(),
                    message: c.message.clone(),
                })
                .collect(),
            extra: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crd_has_upstream_identity_columns_and_status() -> Result<(), CrdError> {
        let crd = serde_json::to_value(crd()?).map_err(|e| CrdError::Render {
            reason: e.to_string(),
        })?;
        assert_eq!(
            crd.pointer("/metadata/name"),
            Some(&serde_json::json!("sealedsecrets.bitnami.com"))
        );
        assert_eq!(
            crd.pointer("/spec/scope"),
            Some(&serde_json::json!("Namespaced"))
        );
        assert_eq!(
            crd.pointer("/spec/names/listKind"),
            Some(&serde_json::json!("SealedSecretList"))
        );
        assert_eq!(
            crd.pointer("/spec/versions/0/subresources/status"),
            Some(&serde_json::json!({}))
        );
        let columns: Vec<_> = crd
            .pointer("/spec/versions/0/additionalPrinterColumns")
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .map(|c| (c["name"].clone(), c["jsonPath"].clone()))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            columns,
            vec![
                (
                    serde_json::json!("Status"),
                    serde_json::json!(".status.conditions[0].message")
                ),
                (
                    serde_json::json!("Synced"),
                    serde_json::json!(".status.conditions[0].status")
                ),
                (
                    serde_json::json!("Age"),
                    serde_json::json!(".metadata.creationTimestamp")
                ),
            ]
        );
        assert_eq!(
            crd.pointer("/spec/versions/0/schema/openAPIV3Schema/properties/spec/required"),
            Some(&serde_json::json!(["encryptedData"]))
        );
        Ok(())
    }

    #[test]
    fn non_string_encrypted_data_entries_are_dropped_not_fatal() -> Result<(), serde_json::Error> {
        let ss: SealedSecret = serde_json::from_value(serde_json::json!({
            "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": "a", "namespace": "b"},
            "spec": {"encryptedData": {"good": "AgA=", "bad": {"nested": 1}, "n": 3}}
        }))?;
        assert_eq!(
            ss.spec.encrypted_data.keys().collect::<Vec<_>>(),
            vec!["good"]
        );
        Ok(())
    }

    #[test]
    fn core_conversion_keeps_template_metadata_and_unknown_fields()
    -> Result<(), Box<dyn std::error::Error>> {
        let ss: SealedSecret = serde_json::from_value(serde_json::json!({
            "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": "a", "namespace": "b", "uid": "u-1", "generation": 3,
                         "annotations": {"sealedsecrets.bitnami.com/namespace-wide": "true"}},
            "spec": {"encryptedData": {"k": "AgA="},
                     "template": {"type": "kubernetes.io/tls", "immutable": true,
                                  "metadata": {"labels": {"l": "v"}, "creationTimestamp": null, "finalizers": ["f"]},
                                  "data": {"t": "{{ .k }}"}}}
        }))?;
        let core = ss.to_core()?;
        assert_eq!(core.metadata.namespace.as_deref(), Some("b"));
        assert_eq!(
            core.metadata
                .annotations
                .get("sealedsecrets.bitnami.com/namespace-wide")
                .map(String::as_str),
            Some("true")
        );
        let template = core.spec.template.ok_or("template lost")?;
        assert_eq!(template.type_.as_deref(), Some("kubernetes.io/tls"));
        assert_eq!(template.immutable, Some(true));
        assert_eq!(
            template.metadata.labels.get("l").map(String::as_str),
            Some("v")
        );
        assert_eq!(
            template.metadata.extra.get("finalizers"),
            Some(&serde_json::json!(["f"]))
        );
        assert_eq!(
            template
                .data
                .ok_or("data lost")?
                .get("t")
                .map(String::as_str),
            Some("{{ .k }}")
        );
        assert_eq!(
            core.spec.encrypted_data.get("k").map(String::as_str),
            Some("AgA=")
        );
        Ok(())
    }

    /// The typed conversion gives what a JSON round trip gives for everything sealing reads, so
    /// the fast-path digest of every existing Secret stays the same.
    #[test]
    fn core_conversion_matches_a_json_round_trip() -> Result<(), Box<dyn std::error::Error>> {
        let ss: SealedSecret = serde_json::from_value(serde_json::json!({
            "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": "a", "namespace": "b", "uid": "u-1", "labels": {"l": "1"},
                         "annotations": {"sealedsecrets.bitnami.com/cluster-wide": "true"}},
            "spec": {"encryptedData": {"k": "AgA=", "j": "AgB="}, "data": "AgC=",
                     "template": {"type": "Opaque", "immutable": false,
                                  "metadata": {"name": "x", "labels": {"t": "2"}, "annotations": {"a": "3"},
                                               "creationTimestamp": null, "ownerReferences": []},
                                  "data": {"t": "{{ .k }}"}}},
            "status": {"observedGeneration": 2, "conditions": [{"type": "Synced", "status": "False",
                       "lastUpdateTime": "2024-06-01T12:00:00Z", "lastTransitionTime": "2024-05-01T00:00:01Z",
                       "reason": "ErrUnsealFailed", "message": "no key"}]}
        }))?;
        let typed = ss.to_core()?;
        let via_json: core::SealedSecret = serde_json::from_value(serde_json::to_value(&ss)?)?;
        assert_eq!(typed.spec, via_json.spec);
        assert_eq!(typed.status, via_json.status);
        assert_eq!(typed.metadata.name, via_json.metadata.name);
        assert_eq!(typed.metadata.namespace, via_json.metadata.namespace);
        assert_eq!(typed.metadata.labels, via_json.metadata.labels);
        assert_eq!(typed.metadata.annotations, via_json.metadata.annotations);
        assert_eq!(
            (typed.kind.as_str(), typed.api_version.as_str()),
            (via_json.kind.as_str(), via_json.api_version.as_str())
        );
        Ok(())
    }

    #[test]
    fn template_metadata_that_is_not_object_meta_is_a_conversion_error() {
        let ss: Result<SealedSecret, _> = serde_json::from_value(serde_json::json!({
            "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": "a", "namespace": "b"},
            "spec": {"encryptedData": {}, "template": {"metadata": {"labels": {"l": 1}}}}
        }));
        let converted = ss.map_err(|e| e.to_string()).map(|ss| ss.to_core());
        assert!(
            matches!(converted, Ok(Err(CrdError::Convert { ref name, .. })) if name == "a"),
            "{converted:?}"
        );
    }
}
