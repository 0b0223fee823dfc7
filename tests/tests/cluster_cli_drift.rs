//! `sealgate drift` against the real control plane: a folder with one SealedSecret in each state
//! (in-sync, missing, differs, not-synced, tampered, and orphaned with --prune-scope) gives the
//! right rows and exit codes in text, JSON and SARIF, and no output or error ever shows a planted
//! value, its base64, or a ciphertext.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams};
use kube::{Api, Client};
use sealgate_controller::crd::SealedSecretResource;
use sealgate_core::seal::Scope;
use sealgate_tests::{TestNamespace, cluster, workspace_binary};

use crate::controller_support::{
    BoxError, add_key_secret, create, install_crd, pause, sealed, start_controller,
    wait_secret_data, wait_synced,
};

type TestResult = Result<(), BoxError>;

const PLANTED: &str = "drift-planted-4c1e";
const VALUES: [&str; 4] = ["drift-value-a", "drift-value-b", "drift-value-new", PLANTED];

fn drift(bin: &Path, kubeconfig: &Path, args: &[&str]) -> Result<Output, BoxError> {
    Ok(Command::new(bin)
        .arg("drift")
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .output()?)
}

/// Every output must be free of the planted values, their base64, and every ciphertext.
fn assert_clean(output: &Output, secrets: &[String]) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for value in VALUES {
        let b64 = base64::engine::general_purpose::STANDARD.encode(value);
        assert!(
            !text.contains(value) && !text.contains(&b64),
            "{value} leaked: {text}"
        );
    }
    for ciphertext in secrets {
        assert!(
            !text.contains(ciphertext.as_str()),
            "a ciphertext leaked: {text}"
        );
    }
}

fn write(dir: &Path, file: &str, ss: &SealedSecretResource) -> TestResult {
    std::fs::write(dir.join(file), serde_json::to_string_pretty(ss)?)?;
    Ok(())
}

fn ciphertexts(all: &[&SealedSecretResource]) -> Vec<String> {
    all.iter()
        .flat_map(|s| s.spec.encrypted_data.values().cloned())
        .collect()
}

async fn tamper(client: &Client, ns: &str, name: &str) -> TestResult {
    let b64 = base64::engine::general_purpose::STANDARD.encode(PLANTED);
    let params = PatchParams {
        field_manager: Some("tamper-test".to_owned()),
        ..PatchParams::default()
    };
    Api::<Secret>::namespaced(client.clone(), ns)
        .patch(
            name,
            &params,
            &Patch::Merge(serde_json::json!({"data": {"a": b64}})),
        )
        .await?;
    Ok(())
}

#[tokio::test]
async fn drift_reports_every_state_in_every_format_without_values() -> TestResult {
    let test = "drift_reports_every_state_in_every_format_without_values";
    let Some(cluster) = cluster(test).await? else {
        return Ok(());
    };
    let Some(bin) = workspace_binary(test, "sealgate")? else {
        return Ok(());
    };
    install_crd(&cluster.client).await?;
    let client = cluster.client.clone();
    let ns = TestNamespace::create(&client, "cli-drift").await?;
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keydrift").await?;
    let items = [("a", "drift-value-a"), ("b", "drift-value-b")];
    let make = |name: &str, sealed_for: &str, values: &[(&str, &str)]| {
        sealed(
            &pair,
            &n,
            name,
            Scope::Strict,
            sealed_for,
            values,
            serde_json::json!({"metadata": {"labels": {"app": "drift"}}}),
        )
    };
    let in_sync = make("in-sync", &n, &items)?;
    let tampered = make("tampered", &n, &items)?;
    let failing = make("failing", "another-namespace", &items)?;
    let changed_live = make("changed", &n, &items)?;
    // Git re-sealed item a only (a fresh ciphertext); b is byte-identical.
    let resealed = make("changed", &n, &[("a", "drift-value-new")])?;
    let mut changed_git = changed_live.clone();
    changed_git
        .spec
        .encrypted_data
        .extend(resealed.spec.encrypted_data.clone());
    let missing = make("missing", &n, &items)?;
    let orphan = make("orphan", &n, &items)?;
    let all = [
        &in_sync,
        &tampered,
        &failing,
        &changed_live,
        &resealed,
        &missing,
        &orphan,
    ];
    let secrets = ciphertexts(&all);

    let controller = start_controller(&cluster.kubeconfig, &n, &["--resync-period=10m"]).await?;
    for ss in [&in_sync, &tampered, &failing, &changed_live, &orphan] {
        create(&client, ss).await?;
    }
    for name in ["in-sync", "tampered", "changed", "orphan"] {
        wait_secret_data(&client, &n, name, &items).await?;
        wait_synced(&client, &n, name, "True").await?;
    }
    wait_synced(&client, &n, "failing", "False").await?;
    // No controller from here on: the tampered Secret stays tampered.
    controller.stop().await;
    pause(1100).await;
    tamper(&client, &n, "tampered").await?;

    let dir = tempfile::tempdir()?;
    write(dir.path(), "in-sync.json", &in_sync)?;
    write(dir.path(), "tampered.json", &tampered)?;
    write(dir.path(), "failing.json", &failing)?;
    write(dir.path(), "changed.json", &changed_git)?;
    std::fs::create_dir(dir.path().join("more"))?;
    write(&dir.path().join("more"), "missing.json", &missing)?;
    std::fs::write(
        dir.path().join("more/other.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-sealed-secret\n",
    )?;
    let folder = dir.path().to_string_lossy().into_owned();
    let kubeconfig = cluster.kubeconfig.clone();

    // JSON: one row per SealedSecret, the orphan from --prune-scope.
    let out = drift(
        &bin,
        &kubeconfig,
        &[&folder, "-o", "json", "--prune-scope", &n],
    )?;
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)?;
    let state_of = |name: &str| -> (String, Vec<String>, String) {
        rows.iter()
            .find(|r| r["name"] == name)
            .map(|r| {
                (
                    r["state"].as_str().unwrap_or_default().to_owned(),
                    r["items"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    r["reason"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .unwrap_or_default()
    };
    assert_eq!(rows.len(), 6, "{rows:?}");
    for row in &rows {
        for field in ["kind", "namespace", "name", "state", "items", "reason"] {
            assert!(row.get(field).is_some(), "{field} missing in {row}");
        }
        assert_eq!(row["kind"], "SealedSecret");
        assert_eq!(row["namespace"], n.as_str());
    }
    assert_eq!(state_of("in-sync").0, "in-sync");
    assert_eq!(state_of("missing").0, "missing");
    let (state, items_changed, _) = state_of("changed");
    assert_eq!(
        (state.as_str(), items_changed),
        ("differs", vec!["a".to_owned()])
    );
    let (state, _, reason) = state_of("failing");
    assert_eq!(state, "not-synced");
    assert!(reason.contains("Synced=False"), "{reason}");
    let (state, items_tampered, reason) = state_of("tampered");
    assert_eq!(state, "tampered", "{reason}");
    assert_eq!(items_tampered, vec!["a".to_owned()]);
    assert!(reason.contains("tamper-test"), "{reason}");
    assert_eq!(state_of("orphan").0, "orphaned");

    // Text and SARIF: the same states.
    let out = drift(&bin, &kubeconfig, &[&folder, "--prune-scope", &n])?;
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout.clone())?;
    for (state, name) in [
        ("in-sync", "in-sync"),
        ("missing", "missing"),
        ("differs", "changed"),
        ("not-synced", "failing"),
        ("tampered", "tampered"),
        ("orphaned", "orphan"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(state) && l.contains(&format!("{n}/{name}"))),
            "{state} {name}: {text}"
        );
    }
    assert!(
        text.contains("6 SealedSecret(s), 1 in sync, 5 drifted"),
        "{text}"
    );
    let out = drift(
        &bin,
        &kubeconfig,
        &[&folder, "-o", "sarif", "--prune-scope", &n],
    )?;
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut rules: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["ruleId"].as_str().map(str::to_owned))
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        ["differs", "missing", "not-synced", "orphaned", "tampered"]
    );

    // Only the in-sync file: exit 0 in every format.
    let only = dir
        .path()
        .join("in-sync.json")
        .to_string_lossy()
        .into_owned();
    for format in ["text", "json", "sarif"] {
        let out = drift(&bin, &kubeconfig, &[&only, "-o", format])?;
        assert_clean(&out, &secrets);
        assert_eq!(out.status.code(), Some(0), "{format}: {out:?}");
    }

    // An error is exit 2 with one line naming what to do.
    let out = drift(&bin, &kubeconfig, &[&only, "--context", "no-such-context"])?;
    assert_clean(&out, &secrets);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    let out = drift(&bin, &kubeconfig, &["/no/such/folder"])?;
    assert_eq!(out.status.code(), Some(2));

    // A controller again: it repairs the Secret, and drift sees it in sync.
    let controller = start_controller(&cluster.kubeconfig, &n, &["--resync-period=10m"]).await?;
    wait_secret_data(&client, &n, "tampered", &items).await?;
    let tampered_file = dir
        .path()
        .join("tampered.json")
        .to_string_lossy()
        .into_owned();
    let mut last = None;
    for _ in 0..20 {
        let out = drift(&bin, &kubeconfig, &[&tampered_file, "-o", "json"])?;
        assert_clean(&out, &secrets);
        if out.status.code() == Some(0) {
            last = None;
            break;
        }
        last = Some(String::from_utf8_lossy(&out.stdout).into_owned());
        pause(500).await;
    }
    assert_eq!(last, None, "after the repair");
    controller.stop().await;
    ns.delete().await?;
    Ok(())
}
