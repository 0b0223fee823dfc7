//! The Secret a SealedSecret should produce: template metadata, type, immutable, data, owner.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use sealgate_core::seal::{SEALED_SECRET_API_VERSION, SEALED_SECRET_KIND};

use super::digest::{DIGEST_ANNOTATION, FINGERPRINT_ANNOTATION};
use super::unseal::Decrypted;
use crate::keys::{ITEMS_PER_KEY_ANNOTATION, format_items_per_key};

/// Template annotation: the produced Secret gets no ownerReference and outlives its SealedSecret.
pub const SKIP_OWNER_ANNOTATION: &str = "sealedsecrets.bitnami.com/skip-set-owner-references";

/// Who the Secret belongs to.
pub struct Owner<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub uid: &'a str,
}

impl Owner<'_> {
    /// Upstream's ownerReference: controller=true, no blockOwnerDeletion.
    pub fn reference(&self) -> OwnerReference {
        OwnerReference {
            api_version: SEALED_SECRET_API_VERSION.to_owned(),
            kind: SEALED_SECRET_KIND.to_owned(),
            name: self.name.to_owned(),
            uid: self.uid.to_owned(),
            controller: Some(true),
            block_owner_deletion: None,
        }
    }
}

/// Builds the Secret: the template's metadata (labels, annotations, finalizers… as given) with
/// name and namespace forced, server-side fields dropped, ownerReferences replaced, and our
/// digest/fingerprint/items-per-key annotations added. Plaintext leaves its zeroizing buffers here, because
/// the API types hold plain bytes.
pub fn desired_secret(owner: &Owner<'_>, decrypted: &Decrypted, digest: &str) -> Secret {
    let template = &decrypted.template;
    let mut metadata: ObjectMeta = serde_json::to_value(&template.metadata)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_else(|| ObjectMeta {
            labels: Some(template.metadata.labels.clone()),
            annotations: Some(template.metadata.annotations.clone()),
            ..ObjectMeta::default()
        });
    metadata.name = Some(owner.name.to_owned());
    metadata.namespace = Some(owner.namespace.to_owned());
    metadata.uid = None;
    metadata.resource_version = None;
    metadata.creation_timestamp = None;
    metadata.deletion_timestamp = None;
    metadata.deletion_grace_period_seconds = None;
    metadata.generation = None;
    metadata.managed_fields = None;
    metadata.generate_name = None;
    let skip_owner = template
        .metadata
        .annotations
        .get(SKIP_OWNER_ANNOTATION)
        .map(String::as_str)
        == Some("true");
    metadata.owner_references = (!skip_owner).then(|| vec![owner.reference()]);
    let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
    annotations.insert(DIGEST_ANNOTATION.to_owned(), digest.to_owned());
    match &decrypted.fingerprint {
        Some(fp) => annotations.insert(FINGERPRINT_ANNOTATION.to_owned(), fp.clone()),
        None => annotations.remove(FINGERPRINT_ANNOTATION),
    };
    annotations.insert(
        ITEMS_PER_KEY_ANNOTATION.to_owned(),
        format_items_per_key(&decrypted.items_per_key),
    );
    if metadata.labels.as_ref().is_some_and(BTreeMap::is_empty) {
        metadata.labels = None;
    }
    let data = decrypted
        .data
        .iter()
        .map(|(k, v)| (k.clone(), ByteString(v.as_bytes().to_vec())))
        .collect();
    Secret {
        metadata,
        type_: template.type_.clone(),
        immutable: template.immutable,
        data: Some(data),
        string_data: None,
    }
}
