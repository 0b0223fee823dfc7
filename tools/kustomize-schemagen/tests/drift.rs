//! The committed `schemas/kustomize/kustomization.json` matches what `schemas/kustomize/generate`
//! makes from kustomize's Go types today (CI's drift check).
//!
//! The sources (`sigs.k8s.io/kustomize/api` and `kyaml`) come from the Go module proxy, cached in
//! GOMODCACHE after the first run. Without `go`, the test fails when `CI` is set and prints a loud
//! SKIPPED line otherwise.

use std::path::Path;
use std::process::Command;

#[test]
fn committed_kustomization_schema_matches_the_generator() {
    if Command::new("go").arg("version").output().is_err() {
        sealgate_tests::require(
            "committed_kustomization_schema_matches_the_generator",
            "`go` on PATH",
            "it fetches sigs.k8s.io/kustomize/api from the Go module proxy",
        )
        .unwrap();
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(root.join("schemas/kustomize/generate"))
        .arg("--check")
        .env(
            "KUSTOMIZE_SCHEMAGEN_BIN",
            env!("CARGO_BIN_EXE_kustomize-schemagen"),
        )
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "schemas/kustomize/kustomization.json drifted (exit {:?}): {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
