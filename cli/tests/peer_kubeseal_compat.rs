//! Cross-checks with the real `kubeseal` (from `$SEALGATE_PEERS`, built by `tests/peers/build`):
//! for every scope, kubeseal's output unseals with `sealgate unseal`, and sealgate's output opens
//! with `kubeseal --recovery-unseal`; `--raw` both ways. Without `$SEALGATE_PEERS/kubeseal` the tests fail
//! when `CI` is set and print a loud SKIPPED line otherwise.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The real kubeseal, or `None` after a SKIPPED line (a failure in CI).
fn kubeseal() -> Option<PathBuf> {
    kubeseal_for("peer_kubeseal_compat")
}

/// [`kubeseal`] for another test, named in the SKIPPED line.
pub fn kubeseal_for(test: &str) -> Option<PathBuf> {
    sealgate_tests::peer_tool(test, "kubeseal").unwrap()
}

fn run(program: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(fixtures())
        .env("SEALGATE_HOME", fixtures().join("local"))
        .env_remove("SEALED_SECRETS_CERT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{} {:?} failed: {}",
        program.display(),
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn sealgate() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sealgate"))
}

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\nstringData:\n  user: admin\n  password: changeme-demo\n";

fn data_of(json: &[u8]) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(json).expect("json output");
    value["data"].clone()
}

fn expected_data() -> serde_json::Value {
    serde_json::json!({"password": "Y2hhbmdlbWUtZGVtbw==", "user": "YWRtaW4="})
}

#[test]
fn kubeseal_output_unseals_with_sealgate_for_every_scope() {
    let Some(kubeseal) = kubeseal() else { return };
    for scope in ["strict", "namespace-wide", "cluster-wide"] {
        let sealed = run(
            &kubeseal,
            &[
                "--cert",
                "local/local-cert.pem",
                "--scope",
                scope,
                "-o",
                "yaml",
            ],
            SECRET.as_bytes(),
        );
        let unsealed = run(
            &sealgate(),
            &["unseal", "--local", "-o", "json"],
            &sealed.stdout,
        );
        assert_eq!(data_of(&unsealed.stdout), expected_data(), "scope {scope}");
    }
}

#[test]
fn sealgate_output_opens_with_kubeseal_recovery_for_every_scope() {
    let Some(kubeseal) = kubeseal() else { return };
    for scope in ["strict", "namespace-wide", "cluster-wide"] {
        let sealed = run(
            &sealgate(),
            &["seal", "--local", "--scope", scope, "-o", "json"],
            SECRET.as_bytes(),
        );
        let unsealed = run(
            &kubeseal,
            &[
                "--recovery-unseal",
                "--recovery-private-key",
                "local/local-key.pem",
                "-o",
                "json",
            ],
            &sealed.stdout,
        );
        assert_eq!(data_of(&unsealed.stdout), expected_data(), "scope {scope}");
    }
}

#[test]
fn raw_values_cross_both_ways() {
    let Some(kubeseal) = kubeseal() else { return };
    for (scope, extra) in [
        ("strict", vec!["--namespace", "prod", "--name", "db"]),
        ("namespace-wide", vec!["--namespace", "prod"]),
        ("cluster-wide", vec![]),
    ] {
        let mut args = vec!["--raw", "--scope", scope, "--cert", "local/local-cert.pem"];
        args.extend(&extra);
        let blob = run(&kubeseal, &args, b"changeme-demo").stdout;
        // wrap the bare blob into a SealedSecret with the same identity and unseal it
        let sealed = wrap(scope, &String::from_utf8_lossy(&blob));
        let unsealed = run(
            &sealgate(),
            &["unseal", "--local", "-o", "json"],
            sealed.as_bytes(),
        );
        assert_eq!(
            data_of(&unsealed.stdout)["v"],
            "Y2hhbmdlbWUtZGVtbw==",
            "kubeseal --raw, scope {scope}"
        );

        let mut args = vec!["seal", "--raw", "--local", "--scope", scope];
        args.extend(&extra);
        let blob = run(&sealgate(), &args, b"changeme-demo").stdout;
        assert!(!blob.ends_with(b"\n"), "--raw prints no trailing newline");
        let sealed = wrap(scope, &String::from_utf8_lossy(&blob));
        let unsealed = run(
            &kubeseal,
            &[
                "--recovery-unseal",
                "--recovery-private-key",
                "local/local-key.pem",
                "-o",
                "json",
            ],
            sealed.as_bytes(),
        );
        assert_eq!(
            data_of(&unsealed.stdout)["v"],
            "Y2hhbmdlbWUtZGVtbw==",
            "sealgate --raw, scope {scope}"
        );
    }
}

fn wrap(scope: &str, blob: &str) -> String {
    let annotation = match scope {
        "namespace-wide" => {
            "  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: \"true\"\n"
        }
        "cluster-wide" => "  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"\n",
        _ => "",
    };
    format!(
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: prod\n{annotation}spec:\n  encryptedData:\n    v: {blob}\n"
    )
}
