//! `unseal --key backup.age`: the identity also comes from `SEALGATE_AGE_IDENTITY`, and the keys
//! in an age backup open what the plain key opens.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn sealgate(args: &[&str], identity_env: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sealgate"));
    command
        .args(args)
        .current_dir(fixtures())
        .env("SEALGATE_HOME", fixtures().join("local"))
        .env_remove("SEALGATE_AGE_IDENTITY")
        .stdin(Stdio::null());
    if let Some(value) = identity_env {
        command.env("SEALGATE_AGE_IDENTITY", value);
    }
    command.output().expect("run sealgate")
}

#[test]
fn identity_from_the_environment_opens_the_backup() {
    let from_backup = sealgate(
        &[
            "unseal",
            "--key",
            "escrow/backup.age",
            "-f",
            "sealed-strict.yaml",
        ],
        Some("escrow/wrong-id.txt,escrow/id.txt"),
    );
    assert!(
        from_backup.status.success(),
        "{}",
        String::from_utf8_lossy(&from_backup.stderr)
    );
    let from_pem = sealgate(
        &[
            "unseal",
            "--key",
            "local/local-key.pem",
            "-f",
            "sealed-strict.yaml",
        ],
        None,
    );
    assert!(from_pem.status.success());
    assert_eq!(from_backup.stdout, from_pem.stdout);
}

#[test]
fn without_an_identity_the_backup_is_refused_with_exit_2() {
    let out = sealgate(
        &[
            "unseal",
            "--key",
            "escrow/backup.age",
            "-f",
            "sealed-strict.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no partial output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--identity"), "{stderr}");
}
