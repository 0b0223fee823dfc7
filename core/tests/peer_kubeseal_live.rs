//! Live cross-check with the real kubeseal (from `$SEALGATE_PEERS`): keys we generate and values
//! we seal are accepted by kubeseal, and what kubeseal seals to our cert we open.

use std::path::PathBuf;

use sealgate_core::seal::{
    KeyBits, KeyGenOptions, Scope, SealOptions, SealedSecret, Secret, UnsealingKeys,
    generate_key_pair, seal_secret, unseal,
};
use serde_json::json;

use crate::peer::run;

/// The real kubeseal, or `None` after a SKIPPED line (a failure in CI).
fn kubeseal() -> Option<PathBuf> {
    sealgate_tests::peer_tool("peer_kubeseal_live", "kubeseal").unwrap()
}

#[test]
fn generated_keys_work_with_kubeseal_in_both_directions() {
    let Some(kubeseal) = kubeseal() else { return };
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa4096,
        ..KeyGenOptions::default()
    })
    .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let cert_path = dir.join("throwaway-cert.pem");
    let key_path = dir.join("throwaway-key.pem");
    std::fs::write(&cert_path, pair.cert_pem()).unwrap();
    std::fs::write(&key_path, pair.key_pem()).unwrap();
    let cert = pair.sealing_cert().unwrap();
    let keys: UnsealingKeys = std::iter::once(pair.private_key().unwrap()).collect();

    for scope in [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide] {
        let input = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "live", "namespace": "live-ns"},
            "data": {"bin": "AAEC/w==", "empty": ""}, "stringData": {"text": "hello"}});

        // kubeseal seals to our cert → we open it.
        let sealed_by_kubeseal = run(
            &kubeseal,
            &[
                "--cert",
                cert_path.to_str().unwrap(),
                "-o",
                "json",
                "--scope",
                scope.as_str(),
            ],
            input.to_string().as_bytes(),
        );
        let sealed: SealedSecret = serde_json::from_slice(&sealed_by_kubeseal).unwrap();
        let unsealed = unseal(&keys, &sealed, None).unwrap();
        assert_eq!(
            unsealed.secret.data["bin"].as_bytes(),
            &[0, 1, 2, 255],
            "{scope}"
        );
        assert_eq!(unsealed.secret.data["text"].as_bytes(), b"hello", "{scope}");
        assert!(unsealed.secret.data["empty"].is_empty(), "{scope}");

        // We seal → kubeseal opens it with our PKCS#1 key.
        let secret: Secret = serde_json::from_value(input.clone()).unwrap();
        let ours = seal_secret(
            &cert,
            &secret,
            &SealOptions {
                scope: Some(scope),
                ..SealOptions::default()
            },
        )
        .unwrap();
        let opened = run(
            &kubeseal,
            &[
                "--recovery-unseal",
                "--recovery-private-key",
                key_path.to_str().unwrap(),
                "-o",
                "json",
            ],
            serde_json::to_string(&ours).unwrap().as_bytes(),
        );
        let opened: serde_json::Value = serde_json::from_slice(&opened).unwrap();
        assert_eq!(opened["data"]["bin"], "AAEC/w==", "{scope}");
        assert_eq!(opened["data"]["text"], "aGVsbG8=", "{scope}");
    }
    scratch.close().unwrap();
}
