//! `sealgate keys backup` / `keys restore` against a real API server: backup → delete → restore
//! gives byte-identical key Secrets; restoring again changes nothing; a different existing key is
//! refused without `--force`; `sealgate unseal --key backup.age --identity …` opens what the
//! backed-up key sealed.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;
use std::process::{Command, Output};

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{DeleteParams, ObjectMeta, PostParams};
use sealgate_tests::{TestNamespace, cluster, workspace_binary};

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

const KEY_LABEL: &str = "sealedsecrets.bitnami.com/sealed-secrets-key";

fn sealgate(
    bin: &Path,
    home: &Path,
    args: &[&str],
) -> Result<Output, Box<dyn Error + Send + Sync>> {
    Ok(Command::new(bin)
        .args(args)
        .env("SEALGATE_HOME", home)
        .env_remove("SEALED_SECRETS_CERT")
        .env_remove("SEALED_SECRETS_CONTROLLER_NAMESPACE")
        .env_remove("SEALED_SECRETS_CONTROLLER_NAME")
        .output()?)
}

fn ok(out: Output, what: &str) -> Result<String, Box<dyn Error + Send + Sync>> {
    if !out.status.success() {
        return Err(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// A fresh RSA-4096 pair from `sealgate`'s local key pair in `home`: (cert PEM, key PEM).
fn key_pair(bin: &Path, home: &Path) -> Result<(String, String), Box<dyn Error + Send + Sync>> {
    std::fs::create_dir_all(home)?;
    let cert = ok(
        sealgate(bin, home, &["cert", "--local", "--pem"])?,
        "cert --local",
    )?;
    let key = std::fs::read_to_string(home.join("local-key.pem"))?;
    Ok((cert, key))
}

fn tls_secret(name: &str, labelled: bool, cert: &str, key: &str) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: labelled.then(|| BTreeMap::from([(KEY_LABEL.to_owned(), "active".to_owned())])),
            annotations: Some(BTreeMap::from([(
                "example.com/kept".to_owned(),
                "yes".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        type_: Some("kubernetes.io/tls".to_owned()),
        data: Some(BTreeMap::from([
            ("tls.crt".to_owned(), ByteString(cert.as_bytes().to_vec())),
            ("tls.key".to_owned(), ByteString(key.as_bytes().to_vec())),
        ])),
        ..Secret::default()
    }
}

/// What must survive a backup and restore unchanged: labels, type, data, an annotation.
type Essence = (
    Option<BTreeMap<String, String>>,
    Option<String>,
    Option<BTreeMap<String, ByteString>>,
    Option<String>,
);

fn essence(secret: &Secret) -> Essence {
    let kept = secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("example.com/kept").cloned());
    (
        secret.metadata.labels.clone(),
        secret.type_.clone(),
        secret.data.clone(),
        kept,
    )
}

#[tokio::test]
async fn keys_backup_delete_restore_roundtrip() -> TestResult {
    let test = "keys_backup_delete_restore_roundtrip";
    let Some(cluster) = cluster(test).await? else {
        return Ok(());
    };
    let Some(bin) = workspace_binary(test, "sealgate")? else {
        return Ok(());
    };
    let scratch = tempfile::Builder::new()
        .prefix(&format!("sealgate-{test}-"))
        .tempdir()?;
    let work = scratch.path();
    let ns = TestNamespace::create(&cluster.client, "keys-escrow").await?;
    let secrets = ns.api::<Secret>();
    let kubeconfig = cluster.kubeconfig.display().to_string();

    // Two keys: a labelled one (current upstream) and the legacy `sealed-secrets-key`; plus a
    // Secret that is not a key and must stay out of the backup.
    let (cert_a, key_a) = key_pair(&bin, &work.join("a"))?;
    let (cert_b, key_b) = key_pair(&bin, &work.join("b"))?;
    let pp = PostParams::default();
    let originals = [
        secrets
            .create(
                &pp,
                &tls_secret("sealed-secrets-keyabcde", true, &cert_a, &key_a),
            )
            .await?,
        secrets
            .create(
                &pp,
                &tls_secret("sealed-secrets-key", false, &cert_b, &key_b),
            )
            .await?,
    ];
    secrets
        .create(&pp, &tls_secret("not-a-key", false, &cert_b, &key_b))
        .await?;

    // The CLI snapshot tests' throwaway age identities (public key in the file's comment).
    let escrow = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/fixtures/escrow");
    let identity_file = escrow.join("id.txt");
    let recipient = std::fs::read_to_string(&identity_file)?
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_owned))
        .ok_or("no public key comment in id.txt")?;
    let id_arg = identity_file.display().to_string();
    let backup = work.join("backup.age");
    let backup_arg = backup.display().to_string();

    let out = sealgate(
        &bin,
        work,
        &[
            "keys",
            "backup",
            "--recipient",
            &recipient,
            "-w",
            &backup_arg,
            "--kubeconfig",
            &kubeconfig,
            "--controller-namespace",
            ns.name(),
        ],
    )?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(out, "keys backup")?;
    assert!(stderr.contains("backed up 2 key Secret(s)"), "{stderr}");
    let armored = std::fs::read_to_string(&backup)?;
    assert!(
        armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{armored}"
    );
    assert!(!armored.contains("PRIVATE KEY") && !armored.contains("not-a-key"));

    for original in &originals {
        secrets
            .delete(
                original.metadata.name.as_deref().ok_or("unnamed")?,
                &DeleteParams::default(),
            )
            .await?;
    }
    let restore = [
        "keys",
        "restore",
        "--identity",
        &id_arg,
        "-f",
        &backup_arg,
        "--kubeconfig",
        &kubeconfig,
    ];
    let report = ok(sealgate(&bin, work, &restore)?, "keys restore")?;
    let n = ns.name();
    assert_eq!(
        report,
        format!("created   {n}/sealed-secrets-key\ncreated   {n}/sealed-secrets-keyabcde\n"),
        "{report}"
    );
    for original in &originals {
        let restored = secrets
            .get(original.metadata.name.as_deref().ok_or("unnamed")?)
            .await?;
        assert!(
            essence(&restored) == essence(original),
            "{:?} differs after restore",
            original.metadata.name
        );
    }

    // Again: nothing to do.
    let report = ok(sealgate(&bin, work, &restore)?, "keys restore (again)")?;
    assert_eq!(
        report,
        format!(
            "unchanged {n}/sealed-secrets-key (already there, identical)\nunchanged {n}/sealed-secrets-keyabcde (already there, identical)\n"
        )
    );

    // A different key under the same name: refused (nothing written), then replaced with --force.
    let mut changed = secrets.get("sealed-secrets-keyabcde").await?;
    changed.data = tls_secret("x", true, &cert_b, &key_b).data;
    secrets
        .replace("sealed-secrets-keyabcde", &pp, &changed)
        .await?;
    let out = sealgate(&bin, work, &restore)?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!("key Secret(s) {n}/sealed-secrets-keyabcde already exist with other content; nothing was changed")),
        "{stderr}"
    );
    assert!(stderr.contains("pass --force"), "{stderr}");
    assert!(essence(&secrets.get("sealed-secrets-keyabcde").await?) != essence(&originals[0]));
    let report = ok(
        sealgate(&bin, work, &[&restore[..], &["--force"]].concat())?,
        "keys restore --force",
    )?;
    assert!(
        report.contains(&format!("replaced  {n}/sealed-secrets-keyabcde (--force)")),
        "{report}"
    );
    assert!(essence(&secrets.get("sealed-secrets-keyabcde").await?) == essence(&originals[0]));

    // The wrong identity opens nothing.
    let other = escrow.join("wrong-id.txt");
    let other_arg = other.display().to_string();
    let out = sealgate(
        &bin,
        work,
        &[
            "keys",
            "restore",
            "--identity",
            &other_arg,
            "-f",
            &backup_arg,
            "--kubeconfig",
            &kubeconfig,
        ],
    )?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("none of the 1 identity(ies) given can decrypt it"),
        "{stderr}"
    );

    // Offline recovery from the backup: what key A sealed opens with backup + identity.
    let cert_file = work.join("a-cert.pem");
    std::fs::write(&cert_file, &cert_a)?;
    let secret_file = work.join("secret.yaml");
    std::fs::write(
        &secret_file,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\nstringData:\n  password: not-a-real-password\n",
    )?;
    let sealed = work.join("sealed.yaml");
    ok(
        sealgate(
            &bin,
            work,
            &[
                "seal",
                "--cert",
                &cert_file.display().to_string(),
                "-f",
                &secret_file.display().to_string(),
                "-w",
                &sealed.display().to_string(),
            ],
        )?,
        "seal",
    )?;
    let unsealed = ok(
        sealgate(
            &bin,
            work,
            &[
                "unseal",
                "--key",
                &backup_arg,
                "--identity",
                &id_arg,
                "-f",
                &sealed.display().to_string(),
                "-o",
                "json",
            ],
        )?,
        "unseal --key backup.age",
    )?;
    assert!(
        unsealed.contains("bm90LWEtcmVhbC1wYXNzd29yZA=="),
        "{unsealed}"
    );
    ns.delete().await?;
    Ok(())
}
