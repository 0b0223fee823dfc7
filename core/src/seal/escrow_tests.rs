//! Unit tests of key escrow: round trips, wrong identities, damaged files, recipient kinds.

use std::collections::BTreeMap;

use age::secrecy::ExposeSecret;
use serde_json::json;

use super::*;
use crate::seal::{Plaintext, SealingCert, types::ObjectMeta};

const KEY_PEM: &str = include_str!("../../tests/vectors/throwaway-test-2048-key.pem");
const CERT_PEM: &str = include_str!("../../tests/vectors/throwaway-test-2048-cert.pem");
const OTHER_KEY_PEM: &str = include_str!("../../tests/vectors/throwaway-other-4096-key.pem");
const OTHER_CERT_PEM: &str = include_str!("../../tests/vectors/throwaway-other-4096-cert.pem");
const SSH_ED25519: &str = include_str!("../../tests/fixtures/escrow/throwaway-ssh-ed25519");
const SSH_ED25519_PUB: &str = include_str!("../../tests/fixtures/escrow/throwaway-ssh-ed25519.pub");
const SSH_RSA: &str = include_str!("../../tests/fixtures/escrow/throwaway-ssh-rsa");
const SSH_RSA_PUB: &str = include_str!("../../tests/fixtures/escrow/throwaway-ssh-rsa.pub");
const SSH_LOCKED: &str =
    include_str!("../../tests/fixtures/escrow/throwaway-ssh-ed25519-passphrase");

/// A key Secret as `kubectl get secret -o json` shows it, server-set fields included.
fn key_secret(name: &str, key_pem: &str, cert_pem: &str) -> Secret {
    let mut extra = serde_json::Map::new();
    for (field, value) in [
        ("uid", json!("0b6c1a8e-1111-2222-3333-444455556666")),
        ("resourceVersion", json!("4242")),
        ("creationTimestamp", json!("2026-01-02T03:04:05Z")),
        ("generation", json!(1)),
        (
            "managedFields",
            json!([{"manager": "controller", "operation": "Update"}]),
        ),
        (
            "ownerReferences",
            json!([{"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "gone"}]),
        ),
        ("finalizers", json!(["example.com/keep"])),
        ("generateName", json!("sealed-secrets-key")),
    ] {
        extra.insert(field.to_owned(), value);
    }
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some("kube-system".to_owned()),
            labels: BTreeMap::from([(
                "sealedsecrets.bitnami.com/sealed-secrets-key".to_owned(),
                "active".to_owned(),
            )]),
            annotations: BTreeMap::from([("team".to_owned(), "platform".to_owned())]),
            extra,
        },
        type_: Some("kubernetes.io/tls".to_owned()),
        data: BTreeMap::from([
            (
                "tls.key".to_owned(),
                Plaintext::from_slice(key_pem.as_bytes()),
            ),
            (
                "tls.crt".to_owned(),
                Plaintext::from_slice(cert_pem.as_bytes()),
            ),
        ]),
        ..Secret::default()
    }
}

fn two_keys() -> Vec<Secret> {
    vec![
        key_secret("sealed-secrets-keyb", OTHER_KEY_PEM, OTHER_CERT_PEM),
        key_secret("sealed-secrets-keya", KEY_PEM, CERT_PEM),
    ]
}

fn new_identity() -> (age::x25519::Identity, String) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    (identity, recipient)
}

fn identities_of(identity: &age::x25519::Identity) -> Identities {
    let file = format!(
        "# created: 2026-01-01T00:00:00Z\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    );
    Identities::from_file(file.as_bytes(), "id.txt").unwrap()
}

#[test]
fn backup_restore_round_trip_keeps_each_secret_verbatim() {
    let (identity, recipient) = new_identity();
    let armored = backup(&two_keys(), &[recipient]).unwrap();
    assert!(armored.starts_with(AGE_ARMOR_HEADER));
    assert!(
        armored
            .trim_end()
            .ends_with("-----END AGE ENCRYPTED FILE-----")
    );

    let restored = restore(armored.as_bytes(), &identities_of(&identity), "b.age").unwrap();
    assert_eq!(restored.len(), 2);
    // Sorted by name, whatever the input order.
    assert_eq!(
        restored[0].metadata.name.as_deref(),
        Some("sealed-secrets-keya")
    );
    assert_eq!(restored[0].data["tls.key"].as_bytes(), KEY_PEM.as_bytes());
    assert_eq!(restored[0].data["tls.crt"].as_bytes(), CERT_PEM.as_bytes());
    assert_eq!(
        restored[1].data["tls.key"].as_bytes(),
        OTHER_KEY_PEM.as_bytes()
    );
    for secret in &restored {
        assert_eq!(secret.kind, "Secret");
        assert_eq!(secret.api_version, "v1");
        assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
        assert_eq!(secret.metadata.namespace.as_deref(), Some("kube-system"));
        assert_eq!(
            secret.metadata.labels["sealedsecrets.bitnami.com/sealed-secrets-key"],
            "active"
        );
        assert_eq!(secret.metadata.annotations["team"], "platform");
        let mut kept: Vec<&str> = secret.metadata.extra.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(
            kept,
            ["finalizers", "generateName"],
            "server-set fields dropped"
        );
    }
}

#[test]
fn decrypted_backup_is_a_v1_list_kubectl_can_apply() {
    let (identity, recipient) = new_identity();
    let armored = backup(&two_keys()[..1], &[recipient]).unwrap();
    let plaintext = decrypt(armored.as_bytes(), &identities_of(&identity), "b.age").unwrap();
    let doc: serde_json::Value =
        serde_saphyr::from_str(std::str::from_utf8(&plaintext).unwrap()).unwrap();
    assert_eq!(doc["apiVersion"], "v1");
    assert_eq!(doc["kind"], "List");
    let item = &doc["items"][0];
    assert_eq!(item["kind"], "Secret");
    assert_eq!(item["type"], "kubernetes.io/tls");
    assert_eq!(item["metadata"]["name"], "sealed-secrets-keyb");
    assert!(item["metadata"].get("uid").is_none());
    assert!(item["metadata"].get("ownerReferences").is_none());
    let encoded = item["data"]["tls.key"].as_str().unwrap();
    assert_eq!(decode_base64_text(encoded), OTHER_KEY_PEM.as_bytes());
}

fn decode_base64_text(text: &str) -> Vec<u8> {
    crate::seal::decode_base64(text).unwrap()
}

#[test]
fn backup_contains_no_plaintext() {
    let (_, recipient) = new_identity();
    let armored = backup(&two_keys(), &[recipient]).unwrap();
    assert!(!armored.contains("PRIVATE KEY"));
    let key_b64 = crate::seal::encode_base64(KEY_PEM.as_bytes());
    assert!(!armored.contains(&key_b64[..40]));
    assert!(
        !armored.contains("sealed-secrets-key"),
        "even names are encrypted"
    );
}

#[test]
fn load_backup_keys_gives_the_backed_up_private_keys() {
    let (identity, recipient) = new_identity();
    let armored = backup(&two_keys(), &[recipient]).unwrap();
    let keys = load_backup_keys(armored.as_bytes(), &identities_of(&identity), "b.age").unwrap();
    let mut got: Vec<String> = keys.iter().map(|k| k.fingerprint().to_owned()).collect();
    got.sort();
    let mut want = vec![
        PrivateKey::from_pem(KEY_PEM.as_bytes())
            .unwrap()
            .fingerprint()
            .to_owned(),
        PrivateKey::from_pem(OTHER_KEY_PEM.as_bytes())
            .unwrap()
            .fingerprint()
            .to_owned(),
    ];
    want.sort();
    assert_eq!(got, want);
    // The cert in the Secret dates each key (newest-first ordering in UnsealingKeys).
    let cert = SealingCert::inspect_pem(CERT_PEM.as_bytes()).unwrap();
    assert!(
        keys.iter()
            .any(|k| k.not_before() == Some(cert.not_before()))
    );
}

#[test]
fn wrong_identity_is_a_clear_error() {
    let (_, recipient) = new_identity();
    let (stranger, _) = new_identity();
    let armored = backup(&two_keys(), &[recipient]).unwrap();
    let err = restore(armored.as_bytes(), &identities_of(&stranger), "b.age").unwrap_err();
    assert!(
        matches!(err, EscrowError::NoMatchingIdentity { tried: 1, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "b.age: none of the 1 identity(ies) given can decrypt it; it was encrypted to other recipients"
    );
}

#[test]
fn every_recipient_alone_can_restore() {
    let (first, first_recipient) = new_identity();
    let (second, second_recipient) = new_identity();
    let recipients = [
        "# the platform team".to_owned(),
        first_recipient,
        String::new(),
        SSH_ED25519_PUB.to_owned(),
        SSH_RSA_PUB.to_owned(),
        second_recipient,
    ];
    let armored = backup(&two_keys(), &recipients).unwrap();
    for identities in [
        identities_of(&first),
        identities_of(&second),
        Identities::from_file(SSH_ED25519.as_bytes(), "id_ed25519").unwrap(),
        Identities::from_file(SSH_RSA.as_bytes(), "id_rsa").unwrap(),
    ] {
        let restored = restore(armored.as_bytes(), &identities, "b.age").unwrap();
        assert_eq!(restored.len(), 2);
    }
}

#[test]
fn several_identity_files_are_tried_together() {
    let (_, recipient) = new_identity();
    let (stranger, _) = new_identity();
    let armored = backup(&two_keys(), &[recipient, SSH_ED25519_PUB.to_owned()]).unwrap();
    let mut identities = identities_of(&stranger);
    identities
        .add_file(SSH_ED25519.as_bytes(), "id_ed25519")
        .unwrap();
    assert_eq!(identities.len(), 2);
    assert_eq!(
        restore(armored.as_bytes(), &identities, "b.age")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn tampered_armor_is_rejected_without_output() {
    let (identity, recipient) = new_identity();
    let armored = backup(&two_keys(), &[recipient]).unwrap();
    let identities = identities_of(&identity);
    let lines: Vec<&str> = armored.lines().collect();
    // Flip one character in the middle of the body (payload), in the first body line
    // (header), and cut the file short: each must fail, none may panic.
    let mut damaged = Vec::new();
    for line_index in [1, lines.len() / 2] {
        let mut copy: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let line = &mut copy[line_index];
        let pos = line.len() / 2;
        let flipped = if &line[pos..=pos] == "A" { "B" } else { "A" };
        line.replace_range(pos..=pos, flipped);
        damaged.push(copy.join("\n"));
    }
    let mut cut: Vec<&str> = lines[..lines.len() - 2].to_vec();
    cut.push(lines[lines.len() - 1]);
    damaged.push(cut.join("\n"));
    for text in damaged {
        let err = restore(text.as_bytes(), &identities, "b.age").unwrap_err();
        assert!(
            matches!(
                err,
                EscrowError::Damaged { .. } | EscrowError::NoMatchingIdentity { .. }
            ),
            "{err}"
        );
        assert!(!err.to_string().contains("PRIVATE"));
    }
}

#[test]
fn a_non_age_file_is_named_as_such() {
    let (identity, _) = new_identity();
    let err = restore(KEY_PEM.as_bytes(), &identities_of(&identity), "key.pem").unwrap_err();
    assert!(matches!(err, EscrowError::NotAgeFile { .. }), "{err}");
    assert!(!is_age_file(KEY_PEM.as_bytes()));
}

#[test]
fn recipients_are_checked() {
    let none: [&str; 0] = [];
    assert!(matches!(
        backup(&two_keys(), &none),
        Err(EscrowError::NoRecipients)
    ));
    assert!(matches!(
        backup(&two_keys(), &["# only a comment", "  "]),
        Err(EscrowError::NoRecipients)
    ));
    let err = backup(&two_keys(), &["age1notakey"]).unwrap_err();
    assert!(matches!(err, EscrowError::BadRecipient { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("recipient \"age1notakey\" is not an age public key")
    );
    let err = backup(&two_keys(), &["ssh-dss AAAAB3NzaC1kc3MAAACBAP comment"]).unwrap_err();
    assert!(matches!(err, EscrowError::BadRecipient { .. }), "{err}");
    // An identity given where a recipient belongs must not be echoed back.
    let (identity, _) = new_identity();
    let secret = identity.to_string();
    let err = backup(&two_keys(), &[secret.expose_secret()]).unwrap_err();
    assert!(matches!(err, EscrowError::BadRecipient { .. }), "{err}");
}

#[test]
fn nothing_to_back_up_is_an_error() {
    let (_, recipient) = new_identity();
    assert!(matches!(
        backup(&[], &[&recipient]),
        Err(EscrowError::NoKeys)
    ));
    let mut unnamed = key_secret("x", KEY_PEM, CERT_PEM);
    unnamed.metadata.name = None;
    assert!(matches!(
        backup(&[unnamed], &[&recipient]),
        Err(EscrowError::UnnamedSecret { .. })
    ));
}

#[test]
fn identity_files_are_checked() {
    let err = Identities::from_file(b"# nothing here\n", "empty.txt").unwrap_err();
    assert!(matches!(err, EscrowError::BadIdentity { .. }), "{err}");
    let err = Identities::from_file(b"AGE-SECRET-KEY-1NOPE\n", "bad.txt").unwrap_err();
    assert!(matches!(err, EscrowError::BadIdentity { .. }), "{err}");
    assert!(
        !err.to_string().contains("NOPE"),
        "identity lines are never echoed: {err}"
    );
    let err = Identities::from_file(SSH_LOCKED.as_bytes(), "id_locked").unwrap_err();
    assert!(
        matches!(err, EscrowError::EncryptedSshIdentity { .. }),
        "{err}"
    );
    let err = Identities::from_file(CERT_PEM.as_bytes(), "cert.pem").unwrap_err();
    assert!(matches!(err, EscrowError::BadIdentity { .. }), "{err}");
    // A PEM RSA private key is an ssh-rsa identity to age, as to ssh itself.
    assert_eq!(
        Identities::from_file(KEY_PEM.as_bytes(), "key.pem")
            .unwrap()
            .len(),
        1
    );
    let (_, recipient) = new_identity();
    let armored = backup(&two_keys(), &[recipient]).unwrap();
    assert!(matches!(
        restore(armored.as_bytes(), &Identities::new(), "b.age"),
        Err(EscrowError::NoIdentities)
    ));
}

#[test]
fn restore_reads_a_yaml_stream_of_secrets_and_rejects_other_kinds() {
    let stream = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ntype: kubernetes.io/tls\ndata:\n  tls.key: {}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n",
        crate::seal::encode_base64(KEY_PEM.as_bytes())
    );
    let secrets = secrets_from_yaml(stream.as_bytes(), "s").unwrap();
    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets[0].data["tls.key"].as_bytes(), KEY_PEM.as_bytes());
    let err = secrets_from_yaml(b"apiVersion: v1\nkind: ConfigMap\n", "s").unwrap_err();
    assert!(
        err.to_string().contains("found kind \"ConfigMap\""),
        "{err}"
    );
    let err = secrets_from_yaml(b"kind: List\nitems: []\n", "s").unwrap_err();
    assert!(err.to_string().contains("no Secret"), "{err}");
    let err = secrets_from_yaml(b"kind: List\n---\nkind: Secret\n", "s").unwrap_err();
    assert!(err.to_string().contains("mixes"), "{err}");
    // A parse error gives a position, never the text around it.
    let err = secrets_from_yaml(b"kind: Secret\ndata: {tls.key: [SECRETSTUFF\n", "s").unwrap_err();
    assert!(!err.to_string().contains("SECRETSTUFF"), "{err}");
}
