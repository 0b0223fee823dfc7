//! The sealed digest: a SHA-256 over everything that decides the Secret a SealedSecret produces.
//!
//! The controller stores it on the produced Secret (`sealgate.dev/sealed-digest`) as its fast
//! path, and `sealgate drift` compares it, from Secret metadata alone, with the live
//! SealedSecret. It covers ciphertexts (not plaintexts), so it reveals nothing about values.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde_json::{Map, Value};

use super::{Scope, SealedSecret};

/// Annotation on a produced Secret: the sealed digest of the SealedSecret it came from.
pub const SEALED_DIGEST_ANNOTATION: &str = "sealgate.dev/sealed-digest";
/// Annotation on a produced Secret: the controller's keyed digest (HMAC) of the data it wrote.
pub const DATA_DIGEST_ANNOTATION: &str = "sealgate.dev/data-digest";
/// The field manager (managedFields) of the controller's Secret writes.
pub const CONTROLLER_FIELD_MANAGER: &str = "sealgate-controller";

/// `sha256:<unpadded base64>` over a canonical JSON of: format version, the SealedSecret's uid
/// (a re-created SealedSecret must re-own its Secret), namespace, name, scope, `encryptedData`,
/// legacy `data` and the `template` (metadata, type, immutable, data templates).
pub fn sealed_digest(sealed: &SealedSecret, uid: &str) -> String {
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    // Unknown template fields are left out: the CRD prunes them, so the controller never sees
    // them, and a reader of the raw object (`sealgate drift`) gets the controller's digest.
    let template = sealed
        .spec
        .template
        .as_ref()
        .map(|t| {
            let mut known = t.clone();
            known.extra.clear();
            known
        })
        .and_then(|t| serde_json::to_value(t).ok())
        .unwrap_or(Value::Null);
    let canonical = serde_json::json!({
        "v": 1,
        "uid": uid,
        "namespace": sealed.metadata.namespace,
        "name": sealed.metadata.name,
        "scope": scope.as_str(),
        "encryptedData": sealed.spec.encrypted_data,
        "data": sealed.spec.data,
        "template": sorted(template),
    });
    let bytes = canonical.to_string();
    format!(
        "sha256:{}",
        STANDARD_NO_PAD.encode(digest(&SHA256, bytes.as_bytes()).as_ref())
    )
}

/// Object keys sorted at every level (serde_json keeps insertion order in this workspace).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(json: Value) -> SealedSecret {
        serde_json::from_value(json).unwrap_or_default()
    }

    fn base() -> Value {
        serde_json::json!({
            "metadata": {"name": "a", "namespace": "ns"},
            "spec": {"encryptedData": {"x": "AgA1", "y": "AgA2"},
                     "template": {"metadata": {"labels": {"b": "2", "a": "1"}}, "type": "Opaque"}}
        })
    }

    #[test]
    fn key_order_does_not_matter() {
        let reordered = serde_json::json!({
            "metadata": {"namespace": "ns", "name": "a"},
            "spec": {"template": {"type": "Opaque", "metadata": {"labels": {"a": "1", "b": "2"}}},
                     "encryptedData": {"y": "AgA2", "x": "AgA1"}}
        });
        assert_eq!(
            sealed_digest(&sealed(base()), "u"),
            sealed_digest(&sealed(reordered), "u")
        );
    }

    #[test]
    fn every_input_changes_the_digest() {
        let d = sealed_digest(&sealed(base()), "u");
        assert!(d.starts_with("sha256:"));
        assert_ne!(d, sealed_digest(&sealed(base()), "other-uid"));
        let mut v = base();
        v["spec"]["encryptedData"]["x"] = "AgA3".into();
        assert_ne!(d, sealed_digest(&sealed(v), "u"));
        let mut v = base();
        v["spec"]["template"]["metadata"]["labels"]["a"] = "9".into();
        assert_ne!(d, sealed_digest(&sealed(v), "u"));
        let mut v = base();
        v["spec"]["template"]["immutable"] = true.into();
        assert_ne!(d, sealed_digest(&sealed(v), "u"));
        let mut v = base();
        v["metadata"]["annotations"] =
            serde_json::json!({"sealedsecrets.bitnami.com/cluster-wide": "true"});
        assert_ne!(d, sealed_digest(&sealed(v), "u"));
        let mut v = base();
        v["metadata"]["namespace"] = "other".into();
        assert_ne!(d, sealed_digest(&sealed(v), "u"));
    }
}
