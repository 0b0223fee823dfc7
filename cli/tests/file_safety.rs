//! Files on disk: failed runs leave them untouched, `set` and `reencrypt` change only blob strings.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn sealgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sealgate"))
        .args(args)
        .current_dir(dir)
        .env("SEALGATE_HOME", fixtures().join("local"))
        .env_remove("SEALED_SECRETS_CERT")
        .stdin(Stdio::null())
        .output()
        .expect("run sealgate")
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "secret.yaml",
        "two-docs-second-bad.yaml",
        "sealed-strict.yaml",
        "sealed-tampered.yaml",
        "expired-cert.pem",
        "value.txt",
    ] {
        fs::copy(fixtures().join(name), dir.path().join(name)).expect("copy fixture");
    }
    dir
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn failed_seal_creates_no_output_file() {
    let dir = scratch();
    let before = names_in(dir.path());
    let out = sealgate(
        dir.path(),
        &[
            "seal",
            "--local",
            "-f",
            "two-docs-second-bad.yaml",
            "-w",
            "out.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        names_in(dir.path()),
        before,
        "no file (and no temp file) may be left behind"
    );
}

#[test]
fn failed_seal_keeps_existing_output_file() {
    let dir = scratch();
    fs::write(dir.path().join("out.yaml"), "previous content\n").expect("write");
    let out = sealgate(
        dir.path(),
        &[
            "seal",
            "--cert",
            "expired-cert.pem",
            "-f",
            "secret.yaml",
            "-w",
            "out.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(dir.path().join("out.yaml")).expect("read"),
        "previous content\n"
    );
}

#[test]
fn seal_writes_output_file_that_unseals() {
    let dir = scratch();
    let out = sealgate(
        dir.path(),
        &["seal", "--local", "-f", "secret.yaml", "-w", "out.yaml"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "-w writes to the file, not stdout");
    let sealed = fs::read_to_string(dir.path().join("out.yaml")).expect("read");
    assert!(!sealed.contains("changeme-demo") && !sealed.contains("Y2hhbmdlbWUtZGVtbw=="));
    let back = sealgate(dir.path(), &["unseal", "--local", "-f", "out.yaml"]);
    assert!(String::from_utf8_lossy(&back.stdout).contains("password: Y2hhbmdlbWUtZGVtbw=="));
}

#[test]
fn failed_set_leaves_file_byte_identical() {
    let dir = scratch();
    let before = fs::read(dir.path().join("sealed-strict.yaml")).expect("read");
    let out = sealgate(
        dir.path(),
        &[
            "set",
            "sealed-strict.yaml",
            "token",
            "--cert",
            "expired-cert.pem",
            "--from-file",
            "value.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read(dir.path().join("sealed-strict.yaml")).expect("read"),
        before
    );
}

#[test]
fn set_changes_only_the_one_item() {
    let dir = scratch();
    let path = dir.path().join("sealed-strict.yaml");
    let before = fs::read_to_string(&path).expect("read");
    let with_comment = before.replace("spec:\n", "# reviewed by ops\nspec:\n");
    fs::write(&path, &with_comment).expect("write");

    let out = sealgate(
        dir.path(),
        &[
            "set",
            "sealed-strict.yaml",
            "user",
            "--local",
            "--from-file",
            "value.txt",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = fs::read_to_string(&path).expect("read");
    let old: Vec<&str> = with_comment.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    assert_eq!(old.len(), new.len());
    let changed: Vec<_> = old.iter().zip(&new).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "exactly one line changes");
    assert!(changed[0].1.starts_with("    user: Ag") || changed[0].1.starts_with("    user: AQ"));

    let out = sealgate(
        dir.path(),
        &[
            "set",
            "sealed-strict.yaml",
            "api-token",
            "--local",
            "--from-file",
            "value.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let added = fs::read_to_string(&path).expect("read");
    assert_eq!(
        added.lines().count(),
        new.len() + 1,
        "a new item adds exactly one line"
    );

    let back = sealgate(
        dir.path(),
        &["unseal", "--local", "-f", "sealed-strict.yaml"],
    );
    let text = String::from_utf8_lossy(&back.stdout);
    // value.txt holds "changeme-demo"
    assert!(text.contains("user: Y2hhbmdlbWUtZGVtbw=="), "{text}");
    assert!(text.contains("api-token: Y2hhbmdlbWUtZGVtbw=="), "{text}");
    assert!(text.contains("password: Y2hhbmdlbWUtZGVtbw=="), "{text}");
}

#[test]
fn reencrypt_writes_nothing_if_any_file_fails() {
    let dir = scratch();
    let good = fs::read(dir.path().join("sealed-strict.yaml")).expect("read");
    let other_cert = fixtures().join("other/cert.pem");
    let out = sealgate(
        dir.path(),
        &[
            "reencrypt",
            "sealed-strict.yaml",
            "sealed-tampered.yaml",
            "--local-key",
            "--cert",
            other_cert.to_str().expect("utf8 path"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read(dir.path().join("sealed-strict.yaml")).expect("read"),
        good
    );
}

#[test]
fn reencrypt_moves_items_to_the_new_key_and_keeps_the_rest() {
    let dir = scratch();
    let path = dir.path().join("sealed-strict.yaml");
    let before = fs::read_to_string(&path)
        .expect("read")
        .replace("spec:\n", "# keep me\nspec:\n");
    fs::write(&path, &before).expect("write");
    let other = fixtures().join("other");
    let out = sealgate(
        dir.path(),
        &[
            "reencrypt",
            ".",
            "--local-key",
            "--cert",
            other.join("cert.pem").to_str().expect("utf8"),
        ],
    );
    // the folder also holds plain Secrets and the tampered fixture: only explicit files must be sealed
    assert_eq!(
        out.status.code(),
        Some(2),
        "tampered file in the folder fails the whole run"
    );
    fs::remove_file(dir.path().join("sealed-tampered.yaml")).expect("rm");
    let out = sealgate(
        dir.path(),
        &[
            "reencrypt",
            ".",
            "--local-key",
            "--cert",
            other.join("cert.pem").to_str().expect("utf8"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = fs::read_to_string(&path).expect("read");
    let changed: Vec<_> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 2, "only the two blob lines change");
    assert!(after.contains("# keep me"));

    let old_key = sealgate(
        dir.path(),
        &["unseal", "--local", "-f", "sealed-strict.yaml"],
    );
    assert_eq!(
        old_key.status.code(),
        Some(2),
        "the old key no longer opens it"
    );
    let new_key = sealgate(
        dir.path(),
        &[
            "unseal",
            "--key",
            other.join("key.pem").to_str().expect("utf8"),
            "-f",
            "sealed-strict.yaml",
        ],
    );
    assert!(String::from_utf8_lossy(&new_key.stdout).contains("password: Y2hhbmdlbWUtZGVtbw=="));
}
