//! The one SealedSecret model (`bitnami.com/v1alpha1`): spec, template and status, shared by the
//! CLI and the controller.
//!
//! The spec, template and status types are declared once, here. With the `kube` feature (which
//! only the controller enables) the same types also derive `kube::CustomResource` and
//! `schemars::JsonSchema`: the CRD (`deploy/base/crd.yaml`, written by the controller's `crdgen`)
//! is generated from them, so the doc comments on these types and fields are the CRD's
//! descriptions (upstream's wording; notes for readers of the code are `//` comments) and the
//! `schemars` attributes are its hand-written field schemas (see `crd_schema`).
//!
//! Two top-level objects remain around that one model, on purpose:
//! - [`SealedSecret`], the file view: what `seal` writes and `unseal`, `reencrypt` and `drift` read.
//!   `kind` and `apiVersion` are fields in kubeseal's output order, metadata is core's small
//!   [`ObjectMeta`] and unknown fields are kept in `extra`, so the CLI's output stays byte-identical
//!   to kubeseal's and a file round-trips unchanged.
//! - `SealedSecretResource` (feature `kube`), the API server's view that kube's derive generates:
//!   `k8s-openapi`'s full `ObjectMeta` (uid, generation, deletionTimestamp, owner references), which
//!   the controller's watch, ownership and status writes need. Its serialization is kube's (no
//!   `extra`, its own metadata field order), which the file view must not take on.
//!
//! `SealedSecret::from(&SealedSecretResource)` goes from one to the other without serialization:
//! spec and status are the same values, only the identity (name, namespace, labels, annotations)
//! is copied.
//!
//! Reading is as lenient as objects from the API server need, in both views: `encryptedData`
//! entries that are not strings are dropped (upstream's CRD lets them be stored, and one such
//! object must not wedge the controller's watch), and a `null` template `metadata` (the CRD marks
//! it nullable) reads as empty. Readers of files that must not lose an item refuse non-string
//! entries before decoding (`manifest::redact::first_non_string`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::types::ObjectMeta;

pub const SEALED_SECRET_API_VERSION: &str = "bitnami.com/v1alpha1";
pub const SEALED_SECRET_KIND: &str = "SealedSecret";

fn sealed_api_version() -> String {
    SEALED_SECRET_API_VERSION.to_owned()
}

fn sealed_kind() -> String {
    SEALED_SECRET_KIND.to_owned()
}

/// A `bitnami.com/v1alpha1` SealedSecret as a file holds it. Field order follows kubeseal's JSON
/// output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedSecret {
    #[serde(default = "sealed_kind")]
    pub kind: String,
    #[serde(default = "sealed_api_version")]
    pub api_version: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: SealedSecretSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SealedSecretStatus>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// kind and apiVersion must be set on every SealedSecret built in code, not only deserialized ones
impl Default for SealedSecret {
    fn default() -> Self {
        Self {
            kind: sealed_kind(),
            api_version: sealed_api_version(),
            metadata: ObjectMeta::default(),
            spec: SealedSecretSpec::default(),
            status: None,
            extra: Map::new(),
        }
    }
}

/// SealedSecretSpec is the specification of a SealedSecret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "kube",
    derive(kube_derive::CustomResource, schemars::JsonSchema),
    kube(
        group = "bitnami.com",
        version = "v1alpha1",
        kind = "SealedSecret",
        root = "SealedSecretResource",
        plural = "sealedsecrets",
        singular = "sealedsecret",
        namespaced,
        status = "SealedSecretStatus",
        derive = "PartialEq",
        crates(kube_core = "::kube_core"),
        doc = "SealedSecret is the K8s representation of a \"sealed Secret\" - a regular k8s Secret that has been sealed (encrypted) using the controller's key.",
        printcolumn = r#"{"name": "Status", "type": "string", "jsonPath": ".status.conditions[0].message"}"#,
        printcolumn = r#"{"name": "Synced", "type": "string", "jsonPath": ".status.conditions[0].status"}"#,
        printcolumn = r#"{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}"#
    ),
    schemars(transform = super::crd_schema::require_encrypted_data)
)]
#[serde(rename_all = "camelCase")]
pub struct SealedSecretSpec {
    /// Template defines the structure of the Secret that will be created from this sealed secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<SecretTemplateSpec>,
    /// EncryptedData maps each item name to its sealed value (base64).
    // A BTreeMap keeps the output order stable. Entries that are not strings are dropped when
    // read, as upstream's decoder does, so one malformed object cannot wedge the watch.
    #[serde(default, deserialize_with = "string_entries_only")]
    #[cfg_attr(
        feature = "kube",
        schemars(schema_with = "super::crd_schema::encrypted_data")
    )]
    pub encrypted_data: BTreeMap<String, String>,
    /// Data is deprecated and will be removed eventually. Use per-value EncryptedData instead.
    // The v1 format: the whole Secret as JSON, sealed as one base64 value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "kube",
        schemars(schema_with = "super::crd_schema::byte_string")
    )]
    pub data: Option<String>,
    // Unknown fields of a file survive a rewrite; the API server prunes them, so the CRD has none.
    #[serde(flatten)]
    #[cfg_attr(feature = "kube", schemars(skip))]
    pub extra: Map<String, Value>,
}

/// The Secret metadata, type, immutability and data templates of the produced Secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "kube",
    derive(schemars::JsonSchema),
    schemars(transform = super::crd_schema::no_metadata_default)
)]
#[serde(rename_all = "camelCase")]
pub struct SecretTemplateSpec {
    /// Standard object's metadata, copied onto the produced Secret (name and namespace forced).
    // `null` (the CRD marks it nullable) reads as empty metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(
        feature = "kube",
        schemars(schema_with = "super::crd_schema::template_metadata")
    )]
    pub metadata: ObjectMeta,
    /// Used to facilitate programmatic handling of secret data.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Immutable, if set to true, ensures that data stored in the Secret cannot be updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Keys that should be templated using decrypted data.
    // Go `text/template` strings rendered at unseal time over the decrypted items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "kube",
        schemars(schema_with = "super::crd_schema::nullable_string_map")
    )]
    pub data: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "kube", schemars(skip))]
    pub extra: Map<String, Value>,
}

/// SealedSecretStatus is the most recently observed status of the SealedSecret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SealedSecretStatus {
    /// ObservedGeneration reflects the generation most recently observed by the controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Represents the latest available observations of a sealed secret's current state.
    // Upstream sets one condition, `Synced`; Argo CD's health check reads it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<SealedSecretCondition>,
    #[serde(flatten)]
    #[cfg_attr(feature = "kube", schemars(skip))]
    pub extra: Map<String, Value>,
}

/// SealedSecretCondition describes the state of a sealed secret at a certain point.
// The times are RFC 3339 text as stored (upstream and the controller write `metav1.Time`'s form,
// whole seconds in UTC).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SealedSecretCondition {
    /// Type of condition for a sealed secret. Valid value: "Synced"
    #[serde(rename = "type")]
    pub type_: String,
    /// Status of the condition: "True", "False", or "Unknown".
    pub status: String,
    /// The last time this condition was updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "kube",
        schemars(schema_with = "super::crd_schema::date_time")
    )]
    pub last_update_time: Option<String>,
    /// Last time the condition transitioned from one status to another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "kube",
        schemars(schema_with = "super::crd_schema::date_time")
    )]
    pub last_transition_time: Option<String>,
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

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The controller's API object as the sealing view: the same spec and status, and the identity
/// sealing reads (name, namespace, labels, annotations; the scope is in the annotations). The
/// other server-set metadata (uid, generation, …) sealing does not read.
#[cfg(feature = "kube")]
impl From<&SealedSecretResource> for SealedSecret {
    fn from(resource: &SealedSecretResource) -> Self {
        let meta = &resource.metadata;
        Self {
            metadata: ObjectMeta {
                name: meta.name.clone(),
                namespace: meta.namespace.clone(),
                labels: meta.labels.clone().unwrap_or_default(),
                annotations: meta.annotations.clone().unwrap_or_default(),
                extra: Map::new(),
            },
            spec: resource.spec.clone(),
            status: resource.status.clone(),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_template_metadata_and_data_read_as_empty() -> Result<(), serde_json::Error> {
        let ss: SealedSecret = serde_json::from_value(json!({
            "kind": "SealedSecret", "metadata": {"name": "a"},
            "spec": {"encryptedData": null, "template": {"metadata": null, "data": null}}
        }))?;
        let template = ss.spec.template.unwrap_or_default();
        assert_eq!(template.metadata, ObjectMeta::default());
        assert_eq!(template.data, None);
        assert!(ss.spec.encrypted_data.is_empty());
        Ok(())
    }

    #[test]
    fn template_metadata_keeps_unknown_fields_and_refuses_wrong_types() {
        let template: Result<SecretTemplateSpec, _> = serde_json::from_value(json!({
            "metadata": {"labels": {"l": "v"}, "creationTimestamp": null, "finalizers": ["f"]}
        }));
        let metadata = template.map(|t| t.metadata).unwrap_or_default();
        assert_eq!(metadata.labels.get("l").map(String::as_str), Some("v"));
        assert_eq!(metadata.extra.get("finalizers"), Some(&json!(["f"])));
        assert_eq!(metadata.extra.get("creationTimestamp"), Some(&Value::Null));
        let wrong: Result<SecretTemplateSpec, _> =
            serde_json::from_value(json!({"metadata": {"labels": {"l": 1}}}));
        assert!(wrong.is_err());
    }
}
