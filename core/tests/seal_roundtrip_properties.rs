//! Property tests: whatever is sealed opens again under its own scope and identity, and only there.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use sealgate_core::seal::{
    ObjectMeta, Plaintext, PrivateKey, Scope, SealOptions, SealingCert, Secret, UnsealingKeys,
    seal_raw, seal_secret, unseal, unseal_raw,
};

pub(crate) struct Pair {
    pub(crate) cert: SealingCert,
    pub(crate) keys: UnsealingKeys,
}

/// The committed 2048-bit throwaway key keeps each case fast; 4096 is covered by the vectors.
pub(crate) fn pair() -> &'static Pair {
    static PAIR: OnceLock<Pair> = OnceLock::new();
    PAIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        let cert = SealingCert::from_pem(
            &std::fs::read(dir.join("throwaway-test-2048-cert.pem")).unwrap(),
        )
        .unwrap();
        let key =
            PrivateKey::from_pem(&std::fs::read(dir.join("throwaway-test-2048-key.pem")).unwrap())
                .unwrap();
        Pair {
            cert,
            keys: std::iter::once(key).collect(),
        }
    })
}

fn scope() -> impl Strategy<Value = Scope> {
    prop_oneof![
        Just(Scope::Strict),
        Just(Scope::NamespaceWide),
        Just(Scope::ClusterWide)
    ]
}

fn dns_label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,20}[a-z0-9]"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn raw_value_round_trips(
        value in proptest::collection::vec(any::<u8>(), 0..4096),
        scope in scope(),
        namespace in dns_label(),
        name in dns_label(),
    ) {
        let p = pair();
        let blob = seal_raw(&p.cert, scope, Some(&namespace), Some(&name), &value).unwrap();
        let opened = unseal_raw(&p.keys, scope, &namespace, &name, &blob).unwrap();
        prop_assert_eq!(opened.as_bytes(), value.as_slice());
        // Layout: 2 + 256 (RSA-2048) + len + 16, base64 with padding.
        let raw = sealgate_core::seal::decode_base64(&blob).unwrap();
        prop_assert_eq!(raw.len(), 2 + 256 + value.len() + 16);
        prop_assert_eq!(&raw[..2], &[0x01, 0x00]);
    }

    #[test]
    fn value_does_not_open_under_another_identity(
        value in proptest::collection::vec(any::<u8>(), 0..64),
        namespace in dns_label(),
        name in dns_label(),
        other in dns_label(),
    ) {
        prop_assume!(other != namespace && other != name);
        let p = pair();
        let strict = seal_raw(&p.cert, Scope::Strict, Some(&namespace), Some(&name), &value).unwrap();
        prop_assert!(unseal_raw(&p.keys, Scope::Strict, &namespace, &other, &strict).is_err());
        prop_assert!(unseal_raw(&p.keys, Scope::Strict, &other, &name, &strict).is_err());
        prop_assert!(unseal_raw(&p.keys, Scope::ClusterWide, "", "", &strict).is_err());
        let wide = seal_raw(&p.cert, Scope::NamespaceWide, Some(&namespace), None, &value).unwrap();
        prop_assert!(unseal_raw(&p.keys, Scope::NamespaceWide, &namespace, "", &wide).is_ok());
        prop_assert!(unseal_raw(&p.keys, Scope::NamespaceWide, &other, "", &wide).is_err());
    }

    #[test]
    fn secret_round_trips_with_string_data_winning(
        data in proptest::collection::btree_map("[a-zA-Z0-9._-]{1,12}", proptest::collection::vec(any::<u8>(), 0..256), 0..6),
        string_data in proptest::collection::btree_map("[a-zA-Z0-9._-]{1,12}", "[ -~]{0,64}", 0..4),
        scope in scope(),
        namespace in dns_label(),
        name in dns_label(),
    ) {
        prop_assume!(!data.is_empty() || !string_data.is_empty());
        let p = pair();
        let secret = Secret {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                ..ObjectMeta::default()
            },
            data: data.iter().map(|(k, v)| (k.clone(), Plaintext::from(v.clone()))).collect(),
            string_data: string_data.iter().map(|(k, v)| (k.clone(), Plaintext::from(v.clone()))).collect(),
            ..Secret::default()
        };
        let sealed = seal_secret(&p.cert, &secret, &SealOptions { scope: Some(scope), ..SealOptions::default() }).unwrap();
        prop_assert_eq!(Scope::from_annotations(&sealed.metadata.annotations), scope);
        let unsealed = unseal(&p.keys, &sealed, None).unwrap();
        let mut expected: BTreeMap<String, Vec<u8>> = data.clone();
        for (k, v) in &string_data {
            expected.insert(k.clone(), v.clone().into_bytes());
        }
        let got: BTreeMap<String, Vec<u8>> = unsealed.secret.data.iter().map(|(k, v)| (k.clone(), v.as_bytes().to_vec())).collect();
        prop_assert_eq!(got, expected);
        prop_assert!(unsealed.opened_with.values().all(|f| f == p.keys.iter().next().unwrap().fingerprint()));
    }
}

#[test]
fn one_mebibyte_value_round_trips() {
    let p = pair();
    let value: Vec<u8> = (0..1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let blob = seal_raw(&p.cert, Scope::ClusterWide, None, None, &value).unwrap();
    let opened = unseal_raw(&p.keys, Scope::ClusterWide, "", "", &blob).unwrap();
    assert_eq!(opened.as_bytes(), value.as_slice());
}

#[test]
fn every_seal_is_fresh() {
    // A fresh session key per value: sealing the same value twice never gives the same blob.
    let p = pair();
    let a = seal_raw(&p.cert, Scope::Strict, Some("ns"), Some("n"), b"same").unwrap();
    let b = seal_raw(&p.cert, Scope::Strict, Some("ns"), Some("n"), b"same").unwrap();
    assert_ne!(a, b);
}
