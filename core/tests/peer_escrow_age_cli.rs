//! Key escrow against the real `age` CLI (filippo.io/age, from `$SEALGATE_PEERS`), both ways:
//! our backups decrypt with `age -d -i`, and files `age -r`/`-R` encrypts restore with ours.

use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use sealgate_core::seal::escrow::{self, Identities};
use sealgate_core::seal::{Plaintext, Secret};

const KEY_PEM: &str = include_str!("vectors/throwaway-test-2048-key.pem");
const CERT_PEM: &str = include_str!("vectors/throwaway-test-2048-cert.pem");

use crate::peer::run;

/// The real `age` CLI, or `None` after a SKIPPED line (a failure in CI).
fn age_cli(test: &str) -> Option<PathBuf> {
    sealgate_tests::peer_tool(test, "age").unwrap()
}

fn key_secret() -> Secret {
    let mut secret: Secret = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "sealed-secrets-keyabc12", "namespace": "kube-system",
                     "labels": {"sealedsecrets.bitnami.com/sealed-secrets-key": "active"},
                     "uid": "1234", "resourceVersion": "99"}
    }))
    .unwrap();
    secret
        .data
        .insert("tls.key".into(), Plaintext::from_slice(KEY_PEM.as_bytes()));
    secret
        .data
        .insert("tls.crt".into(), Plaintext::from_slice(CERT_PEM.as_bytes()));
    secret
}

#[test]
fn our_backup_decrypts_with_age_cli() {
    let Some(age_bin) = age_cli("peer_escrow_age_cli::our_backup_decrypts_with_age_cli") else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let identity = age::x25519::Identity::generate();
    let id_path = dir.join("id.txt");
    std::fs::write(
        &id_path,
        format!("# test\n{}\n", identity.to_string().expose_secret()),
    )
    .unwrap();
    let ssh_pub = include_str!("fixtures/escrow/throwaway-ssh-ed25519.pub");
    let armored = escrow::backup(
        &[key_secret()],
        &[identity.to_public().to_string(), ssh_pub.to_owned()],
    )
    .unwrap();
    let backup_path = dir.join("backup.age");
    std::fs::write(&backup_path, &armored).unwrap();

    for id in [
        id_path.clone(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escrow/throwaway-ssh-ed25519"),
    ] {
        let plain = run(
            &age_bin,
            &[
                "-d",
                "-i",
                id.to_str().unwrap(),
                backup_path.to_str().unwrap(),
            ],
            b"",
        );
        let doc: serde_json::Value =
            serde_saphyr::from_str(std::str::from_utf8(&plain).unwrap()).unwrap();
        assert_eq!(doc["kind"], "List");
        let item = &doc["items"][0];
        assert_eq!(item["metadata"]["name"], "sealed-secrets-keyabc12");
        assert!(item["metadata"].get("uid").is_none());
        let key =
            sealgate_core::seal::decode_base64(item["data"]["tls.key"].as_str().unwrap()).unwrap();
        assert_eq!(key, KEY_PEM.as_bytes());
    }
    scratch.close().unwrap();
}

#[test]
fn age_cli_files_restore_with_ours() {
    let Some(age_bin) = age_cli("peer_escrow_age_cli::age_cli_files_restore_with_ours") else {
        return;
    };
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let identities = Identities::from_file(
        format!("{}\n", identity.to_string().expose_secret()).as_bytes(),
        "id.txt",
    )
    .unwrap();
    // What `kubectl get secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml` prints.
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: sealed-secrets-key\n    namespace: kube-system\n    resourceVersion: \"5\"\n  type: kubernetes.io/tls\n  data:\n    tls.crt: {}\n    tls.key: {}\nmetadata:\n  resourceVersion: \"\"\n",
        sealgate_core::seal::encode_base64(CERT_PEM.as_bytes()),
        sealgate_core::seal::encode_base64(KEY_PEM.as_bytes()),
    );
    let ssh_pub_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escrow/throwaway-ssh-rsa.pub");
    let ssh_identities = Identities::from_file(
        include_bytes!("fixtures/escrow/throwaway-ssh-rsa"),
        "id_rsa",
    )
    .unwrap();
    for (args, ids) in [
        (vec!["-r", recipient.as_str(), "-a"], &identities),
        (vec!["-r", recipient.as_str()], &identities),
        (
            vec!["-R", ssh_pub_path.to_str().unwrap(), "-a"],
            &ssh_identities,
        ),
    ] {
        let encrypted = run(&age_bin, &args, list.as_bytes());
        let secrets = escrow::restore(&encrypted, ids, "from-age-cli").unwrap();
        assert_eq!(secrets.len(), 1, "{args:?}");
        assert_eq!(secrets[0].data["tls.key"].as_bytes(), KEY_PEM.as_bytes());
        let keys = escrow::load_backup_keys(&encrypted, ids, "from-age-cli").unwrap();
        assert_eq!(keys.len(), 1);
    }
}
