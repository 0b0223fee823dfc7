//! The committed `schemas/` match what `schemas/generate` makes from upstream today (CI's drift check).
//!
//! Runs `schemas/generate --check` with this package's schemagen binary. The sources come from the Go
//! module proxy (`k8s.io/kubernetes` at each built-in version, Gatekeeper's
//! `github.com/open-policy-agent/frameworks/constraint`, and the CRD catalog's operator modules,
//! whose CRD files are unpacked with `unzip`), cached in GOMODCACHE after the first run. Without `go`
//! or `unzip`, the test fails when `CI` is set and prints a loud SKIPPED line otherwise.

use std::path::Path;
use std::process::Command;

#[test]
fn committed_schemas_match_the_generator() {
    if Command::new("go").arg("version").output().is_err()
        || Command::new("unzip").arg("-v").output().is_err()
    {
        sealgate_tests::require(
            "committed_schemas_match_the_generator",
            "`go` and `unzip` on PATH",
            "it fetches k8s.io/kubernetes from the Go module proxy",
        )
        .unwrap();
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(root.join("schemas/generate"))
        .arg("--check")
        .env("SCHEMAGEN_BIN", env!("CARGO_BIN_EXE_schemagen"))
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "schemas/ drifted from the generator (exit {:?}): {}{}run schemas/generate and commit the result",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
