//! `validate`'s built-in multi-cluster check: with a `.sealgate.yaml` found upwards (or named
//! with `--config`), a SealedSecret under one cluster's path that was sealed for another cluster's
//! certificate is an error finding — by sealgate's `sealgate.dev/sealed-for` hint, or without one
//! (kubeseal's output) by the RSA block size of its items.

use std::path::Path;
use std::process::{Command, Output};

use crate::file_safety::{fixtures, sealgate};
use crate::multi_cluster::{
    SECRET, fingerprint, opens_with, repository, sealed_repository, with_stdin,
};

fn validate(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    sealgate(dir, &all)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn hint_line(file: &Path) -> Option<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .find(|l| l.contains("sealgate.dev/sealed-for"))
        .map(|l| l.trim().to_owned())
}

#[test]
fn a_file_sealed_for_another_clusters_certificate_is_flagged_by_its_hint() {
    let repo = sealed_repository();
    let prod = repo.path().join("clusters/prod/db-sealed.yaml");
    let dr = repo.path().join("clusters/dr/db-sealed.yaml");
    let prod_fp = fingerprint(&repo.path().join("certs/prod.pem"));
    let dr_fp = fingerprint(&repo.path().join("certs/dr.pem"));
    assert_eq!(
        hint_line(&prod),
        Some(format!("sealgate.dev/sealed-for: {prod_fp}")),
        "seal records the certificate"
    );
    assert_eq!(
        hint_line(&dr),
        Some(format!("sealgate.dev/sealed-for: {dr_fp}"))
    );
    let out = validate(repo.path(), &["clusters"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // dr's copy put under prod's path: both keys are 2048 bits, only the hint tells them apart
    std::fs::copy(&dr, &prod).unwrap();
    let out = validate(repo.path(), &["clusters"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("sealed-for-cluster"), "{report}");
    assert!(
        report.contains(&format!(
            "sealed for cluster dr's certificate ({dr_fp}), but the path rules give this file to cluster prod ({prod_fp})"
        )),
        "{report}"
    );
    assert!(report.contains("clusters/prod/db-sealed.yaml"), "{report}");
    assert!(!report.contains("clusters/dr/db-sealed.yaml:"), "{report}");
    assert!(!report.contains("changeme-demo"), "{report}");

    // the same with --config from anywhere; without a config found there is no such check
    let elsewhere = tempfile::tempdir().unwrap();
    let config = repo.path().join(".sealgate.yaml").display().to_string();
    let file = prod.display().to_string();
    let out = validate(elsewhere.path(), &["--config", &config, &file]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("cluster dr's certificate"));
    let out = validate(elsewhere.path(), &[&file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // JSON names the check and the annotation
    let out = validate(repo.path(), &["clusters", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<&serde_json::Value> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .collect();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["check"], "sealed-for-cluster");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(
        findings[0]["path"],
        "/metadata/annotations/sealgate.dev~1sealed-for"
    );
    let annotation_line = std::fs::read_to_string(&prod)
        .unwrap()
        .lines()
        .position(|l| l.contains("sealgate.dev/sealed-for"))
        .unwrap()
        + 1;
    assert_eq!(
        findings[0]["line"], annotation_line,
        "the annotation's line: {json}"
    );

    // re-sealing for prod, as the finding says, rewrites the hint too
    let key = fixtures().join("other/key.pem").display().to_string();
    let out = sealgate(
        repo.path(),
        &["reencrypt", "--cluster", "prod", "--key", &key],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        hint_line(&prod),
        Some(format!("sealgate.dev/sealed-for: {prod_fp}"))
    );
    assert!(opens_with(&prod, "local/local-key.pem"));
    let out = validate(repo.path(), &["clusters"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // without the hint two 2048-bit certificates cannot be told apart: no finding
    std::fs::copy(&dr, &prod).unwrap();
    let stripped: String = std::fs::read_to_string(&prod)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("sealgate.dev/sealed-for") && l.trim() != "annotations:")
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&prod, stripped).unwrap();
    assert_eq!(hint_line(&prod), None);
    let out = validate(repo.path(), &["clusters"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// [`repository`] plus a third cluster, `edge`, whose certificate has a 4096-bit key (a local
/// key pair made for the test), and a folder per cluster.
pub fn three_clusters() -> tempfile::TempDir {
    let repo = repository();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sealgate"))
        .args(["cert", "--local", "--pem"])
        .env("SEALGATE_HOME", home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(repo.path().join("certs/edge.pem"), &out.stdout).unwrap();
    std::fs::write(
        repo.path().join(".sealgate.yaml"),
        "clusters:\n  prod:\n    cert: certs/prod.pem\n  dr:\n    cert: certs/dr.pem\n  edge:\n    cert: certs/edge.pem\npaths:\n  - path: clusters/{cluster}/**\n",
    )
    .unwrap();
    for cluster in ["prod", "dr", "edge"] {
        std::fs::create_dir_all(repo.path().join("clusters").join(cluster)).unwrap();
    }
    repo
}

/// The findings of `validate clusters` in `repo` as (check, message) pairs, and the exit code.
pub fn cluster_findings(repo: &Path) -> (Option<i32>, Vec<(String, String)>) {
    let out = validate(repo, &["clusters", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (out.status.code(), findings)
}

#[test]
fn a_file_without_hint_is_judged_by_its_key_size() {
    let repo = three_clusters();
    // the kubeseal drop-in writes kubeseal's output: no hint
    let drop_in = |cert: &str, file: &str| {
        let out = with_stdin(
            repo.path(),
            "kubeseal",
            &["--cert", cert, "-w", file],
            SECRET,
        );
        assert!(out.status.success(), "{}", text(&out));
        let written = std::fs::read_to_string(repo.path().join(file)).unwrap();
        assert!(!written.contains("sealgate.dev"), "{written}");
    };
    drop_in("certs/edge.pem", "clusters/prod/db.yaml");
    let prod = repo.path().join("clusters/prod/db.yaml");

    let (code, findings) = cluster_findings(repo.path());
    assert_eq!(code, Some(1), "{findings:?}");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "sealed-for-cluster");
    let prod_fp = fingerprint(&repo.path().join("certs/prod.pem"));
    assert_eq!(
        findings[0].1,
        format!(
            "item \"password\" was sealed for a 4096-bit RSA key (the key size of cluster edge), but the path rules give this file to cluster prod, whose certificate ({prod_fp}) has a 2048-bit key: the controller there cannot open it; re-seal it for prod"
        )
    );

    // under edge's path it is right
    std::fs::rename(&prod, repo.path().join("clusters/edge/db.yaml")).unwrap();
    let (code, findings) = cluster_findings(repo.path());
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");

    // prod's (2048-bit) output under dr's path: same size, no hint, nothing to say
    drop_in("certs/prod.pem", "clusters/dr/db.yaml");
    let (code, findings) = cluster_findings(repo.path());
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");

    // ... but under edge's (4096-bit) path it is flagged
    std::fs::rename(
        repo.path().join("clusters/dr/db.yaml"),
        repo.path().join("clusters/edge/db2.yaml"),
    )
    .unwrap();
    let (code, findings) = cluster_findings(repo.path());
    assert_eq!(code, Some(1), "{findings:?}");
    assert!(
        findings[0].1.starts_with(
            "item \"password\" was sealed for a 2048-bit RSA key (the key size of clusters prod, dr)"
        ),
        "{findings:?}"
    );
}
