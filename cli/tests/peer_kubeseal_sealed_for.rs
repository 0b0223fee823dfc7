//! The real kubeseal v0.40.0's output (`$SEALGATE_PEERS/kubeseal`) under a repository config:
//! it carries no `sealgate.dev/sealed-for` hint, so `validate` judges it by key size only — right
//! under the cluster whose key size it has, flagged under a cluster with another.

use crate::multi_cluster::SECRET;
use crate::peer_kubeseal_compat::kubeseal_for;
use crate::validate_clusters::{cluster_findings, three_clusters};

#[test]
fn kubeseal_output_is_judged_by_key_size_only() {
    let Some(kubeseal) = kubeseal_for("peer_kubeseal_sealed_for") else {
        return;
    };
    let repo = three_clusters();
    let seal = |cert: &str, out: &str| {
        use std::io::Write as _;
        let mut child = std::process::Command::new(&kubeseal)
            .args(["--cert", cert, "-o", "yaml", "-w", out])
            .current_dir(repo.path())
            .env_remove("SEALED_SECRETS_CERT")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(SECRET.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        let text = std::fs::read_to_string(repo.path().join(out)).unwrap();
        assert!(!text.contains("sealgate.dev"), "{text}");
    };
    // edge's 4096-bit key under prod's 2048-bit path: flagged, naming edge as that size
    seal("certs/edge.pem", "clusters/prod/db.yaml");
    let (code, findings) = cluster_findings(repo.path());
    assert_eq!(code, Some(1), "{findings:?}");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "sealed-for-cluster");
    assert!(
        findings[0]
            .1
            .starts_with("item \"password\" was sealed for a 4096-bit RSA key (the key size of cluster edge), but the path rules give this file to cluster prod"),
        "{findings:?}"
    );
    // under edge's path: right
    std::fs::rename(
        repo.path().join("clusters/prod/db.yaml"),
        repo.path().join("clusters/edge/db.yaml"),
    )
    .unwrap();
    let (code, findings) = cluster_findings(repo.path());
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");
    // prod's key under dr's path: both 2048 bits and no hint, so nothing can be said
    seal("certs/prod.pem", "clusters/dr/db.yaml");
    let (code, findings) = cluster_findings(repo.path());
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");
}
