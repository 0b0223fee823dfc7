//! Compatibility with the real kubeseal: every vector in `vectors/` (made by `vectors/generate`
//! with kubeseal itself) must reach the outcome the vector states, without Go.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealgate_core::seal::{OpenError, PrivateKey, SealingCert, UnsealError, UnsealingKeys, unseal};
use serde::Deserialize;

use crate::vector::{self, data_base64};

/// A kubeseal vector: also names the cert it was sealed for; a failure is named by its kind.
type Vector = vector::Vector<SealedFor, String>;

#[derive(Deserialize)]
struct SealedFor {
    cert: String,
}

fn vectors_dir() -> PathBuf {
    vector::dir("vectors")
}

fn load(name: &str) -> Vector {
    vector::load(&vectors_dir(), name)
}

/// Runs one vector and checks its stated outcome; returns the vector for extra checks.
fn check(name: &str) -> Vector {
    let vector = load(name);
    let keys = vector::keys(&vectors_dir(), &vector);
    let result = unseal(&keys, &vector.sealed, None);
    match (&vector.expect.data, &vector.expect.error, result) {
        (Some(expected), None, Ok(unsealed)) => {
            let got = data_base64(&unsealed);
            assert_eq!(&got, expected, "{name}: {}", vector.description);
            assert_eq!(
                unsealed.secret.metadata.name, vector.sealed.metadata.name,
                "{name}: Secret name comes from the SealedSecret"
            );
        }
        (None, Some(kind), Err(UnsealError::Item { error, .. })) => {
            let got = match error {
                OpenError::NoKeyMatched { .. } => "no_key_matched",
                OpenError::Tampered { .. } => "tampered",
                OpenError::Format(sealgate_core::seal::HybridError::Truncated { .. }) => {
                    "truncated"
                }
                OpenError::Format(sealgate_core::seal::HybridError::TooShort { .. }) => "too_short",
                other => panic!("{name}: unexpected error {other:?}"),
            };
            assert_eq!(got, kind, "{name}: {}", vector.description);
        }
        (_, _, Ok(_)) => panic!(
            "{name}: unsealed, but the vector expects {:?}",
            vector.expect.error
        ),
        (_, _, Err(e)) => panic!("{name}: failed with {e}, but the vector expects success"),
    }
    vector
}

/// Every kubeseal blob must have the documented layout: prefix = RSA block length of the key.
fn assert_layout(vector: &Vector, rsa_len: usize) {
    for (key, value) in &vector.sealed.spec.encrypted_data {
        let blob = STANDARD
            .decode(value)
            .expect("kubeseal writes padded base64");
        let prefix = usize::from(u16::from_be_bytes([blob[0], blob[1]]));
        assert_eq!(prefix, rsa_len, "item {key}");
        assert!(blob.len() >= 2 + rsa_len + 16, "item {key}");
    }
}

#[test]
fn strict_scope_roundtrip() {
    let v = check("strict_scope_roundtrip");
    assert_layout(&v, 512);
}

#[test]
fn namespace_wide_renamed_opens() {
    check("namespace_wide_renamed_opens");
}

#[test]
fn namespace_wide_wrong_namespace_fails() {
    check("namespace_wide_wrong_namespace_fails");
}

#[test]
fn cluster_wide_moved_opens() {
    check("cluster_wide_moved_opens");
}

#[test]
fn both_annotations_cluster_wide_wins() {
    check("both_annotations_cluster_wide_wins");
}

#[test]
fn strict_wrong_namespace_fails() {
    check("strict_wrong_namespace_fails");
}

#[test]
fn strict_wrong_name_fails() {
    check("strict_wrong_name_fails");
}

#[test]
fn empty_value() {
    let v = check("empty_value");
    // RSA-4096: 2 + 512 + 0 + 16 bytes for an empty value (research §1.3: N + 530).
    let blob = STANDARD
        .decode(&v.sealed.spec.encrypted_data["empty"])
        .expect("base64");
    assert_eq!(blob.len(), 530);
    assert!(v.sealed.spec.encrypted_data["empty"].starts_with("Ag"));
}

#[test]
fn binary_value() {
    check("binary_value");
}

#[test]
fn truncated_blob() {
    check("truncated_blob");
}

#[test]
fn tampered_tag() {
    check("tampered_tag");
}

#[test]
fn too_short_blob() {
    check("too_short_blob");
}

#[test]
fn wrong_key() {
    let v = check("wrong_key");
    // Positive control: the vector is fine, it just needs the other key.
    let pem = std::fs::read(vectors_dir().join("throwaway-other-4096-key.pem")).expect("read");
    let other: UnsealingKeys = std::iter::once(PrivateKey::from_pem(&pem).expect("key")).collect();
    assert!(unseal(&other, &v.sealed, None).is_ok());
}

#[test]
fn rsa2048_roundtrip() {
    let v = check("rsa2048_roundtrip");
    assert_layout(&v, 256);
    assert!(
        v.sealed
            .spec
            .encrypted_data
            .values()
            .all(|b| b.starts_with("AQ"))
    );
}

#[test]
fn raw_strict_value() {
    check("raw_strict_value");
}

#[test]
fn every_vector_file_has_a_test() {
    let source = include_str!("kubeseal_vectors.rs");
    let names = vector::names(&vectors_dir());
    assert!(names.len() >= 15, "vectors missing: {names:?}");
    for name in names {
        assert!(
            source.contains(&format!("check(\"{name}\")")),
            "vector {name} is not checked by a test"
        );
    }
}

#[test]
fn vector_certs_match_their_keys() {
    for stem in [
        "throwaway-test-4096",
        "throwaway-test-2048",
        "throwaway-other-4096",
    ] {
        let cert = SealingCert::from_pem(
            &std::fs::read(vectors_dir().join(format!("{stem}-cert.pem"))).expect("cert"),
        )
        .expect("parse cert");
        let key = PrivateKey::from_pem(
            &std::fs::read(vectors_dir().join(format!("{stem}-key.pem"))).expect("key"),
        )
        .expect("parse key");
        assert_eq!(cert.fingerprint(), key.fingerprint(), "{stem}");
    }
    // The vectors name the cert they were sealed for; it must be the key's pair.
    let v = load("strict_scope_roundtrip");
    assert_eq!(v.suite.cert, "throwaway-test-4096-cert.pem");
}
