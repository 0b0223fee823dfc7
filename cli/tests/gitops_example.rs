//! The GitOps example (`examples/gitops`) passes the gate its CI workflow runs, a broken copy fails
//! with the right findings, and the pre-commit hooks (`.pre-commit-hooks.yaml`) work, both run the
//! way pre-commit runs them and through the real `pre-commit try-repo`.
//!
//! pre-commit comes from PATH, else from a venv under `~/.cache/sealgate/pre-commit-venv` (made from
//! PyPI on first use). Without python3 the try-repo test fails when `CI` is set and prints a loud
//! SKIPPED line otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const SEALGATE: &str = env!("CARGO_BIN_EXE_sealgate");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn example() -> PathBuf {
    repo_root().join("examples/gitops")
}

/// The gate exactly as `examples/gitops/.github/workflows/validate.yml` runs it, from `dir`, as JSON.
fn gate(dir: &Path) -> (i32, Value) {
    let out = Command::new(SEALGATE)
        .current_dir(dir)
        .args([
            "validate",
            "--strict",
            "--crd",
            "crds",
            "--policy",
            "policies",
            "--policy",
            "builtin",
            "--cert",
            "sealing-cert.pem",
            "-o",
            "json",
            "apps",
            "crds",
            "clusters",
        ])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), report)
}

/// (check, file, message) of every finding.
fn findings(report: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for r in report["resources"].as_array().unwrap() {
        for f in r["findings"].as_array().unwrap() {
            out.push((
                f["check"].as_str().unwrap_or_default().to_owned(),
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out
}

#[test]
fn the_workflow_gate_passes_on_the_example() {
    let (code, report) = gate(&example());
    assert_eq!(code, 0, "{:#?}", findings(&report));
    let summary = &report["summary"];
    // Namespace, Deployment, Service, BackupSchedule, 2 SealedSecrets, the CRD, the two
    // kustomizations (checked against kustomize's schema, not given to the policies), and the two
    // clusters' sealed copies of `db` (each checked against its cluster's certificate too).
    assert_eq!(summary["valid"], 11, "{report:#}");
    assert_eq!(
        summary["invalid"].as_u64().unwrap() + summary["errors"].as_u64().unwrap(),
        0
    );
    // The prod overlay's patch is not an object on its own: skipped, with the note saying why.
    assert_eq!(summary["skipped"], 1, "{report:#}");
    let skipped: Vec<&Value> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "skipped")
        .collect();
    assert_eq!(skipped[0]["file"], "apps/prod/replicas-patch.yaml");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("a patch named by "),
        "{report:#}"
    );
    assert_eq!(summary["warning_findings"], 0, "{:#?}", findings(&report));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_broken_copy_fails_with_the_right_findings() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    let apps = dir.path().join("apps/demo");
    // A plaintext Secret committed by mistake, an unpinned image, a typo'd field, a CR breaking its
    // CRD's schema, a missing owner label, and a sealed blob cut short.
    std::fs::copy(
        repo_root().join("examples/secrets/app-credentials.yaml"),
        apps.join("oops-plaintext.yaml"),
    )
    .unwrap();
    edit(
        &apps.join("deployment.yaml"),
        "registry.example.invalid/demo/app:1.4.2",
        "registry.example.invalid/demo/app:latest",
    );
    edit(
        &apps.join("deployment.yaml"),
        "allowPrivilegeEscalation: false",
        "allowPrivilegeEscalation: false\n            privilegd: true",
    );
    edit(
        &apps.join("backup-schedule.yaml"),
        "retentionDays: 14",
        "retentionDays: 900",
    );
    edit(
        &apps.join("service.yaml"),
        "  labels:\n    owner: platform-team\n",
        "",
    );
    let sealed = apps.join("sealed-app-credentials.yaml");
    let text = std::fs::read_to_string(&sealed).unwrap();
    let blob_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("password:"))
        .unwrap()
        .to_owned();
    let (key, blob) = blob_line.split_once(": ").unwrap();
    std::fs::write(
        &sealed,
        text.replacen(
            &blob_line,
            &format!("{key}: {}", &blob[..blob.len() / 2]),
            1,
        ),
    )
    .unwrap();

    let (code, report) = gate(dir.path());
    assert_eq!(code, 1);
    let found = findings(&report);
    // check ids: `schema`, or the Rego rule (`main.deny`, `sealgate.<policy>.deny`).
    let has = |check: &str, file: &str, needle: &str| {
        found
            .iter()
            .any(|(c, f, m)| c.contains(check) && f.ends_with(file) && m.contains(needle))
    };
    let expected = [
        (
            "no_plaintext_secrets",
            "oops-plaintext.yaml",
            "app-credentials",
        ),
        ("pinned_image_tags", "deployment.yaml", "latest"),
        ("schema", "deployment.yaml", "privilegd"),
        ("schema", "backup-schedule.yaml", "900"),
        ("main.deny", "service.yaml", "owner"),
        (
            "sealedsecret_sanity",
            "sealed-app-credentials.yaml",
            "password",
        ),
    ];
    for (check, file, needle) in expected {
        assert!(
            has(check, file, needle),
            "no {check} finding on {file} mentioning {needle:?}; findings: {found:#?}"
        );
    }
    assert_eq!(report["summary"]["invalid"], 5, "{found:#?}");
}

/// `entry` + `args` of one hook in `.pre-commit-hooks.yaml`.
fn hook_entry(id: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<serde_json::Value> = serde_saphyr::from_str(&text).unwrap();
    let hook = hooks
        .iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("no hook {id}"));
    assert_eq!(hook["language"], "system");
    let mut words: Vec<String> = hook["entry"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    words.extend(
        hook["args"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| a.as_str().unwrap().to_owned()),
    );
    assert_eq!(words[0], "sealgate");
    words
}

/// A hook run as pre-commit runs it: entry words, then the file names, from the repo root.
fn run_hook(id: &str, dir: &Path, files: &[&str]) -> Output {
    let words = hook_entry(id);
    Command::new(SEALGATE)
        .current_dir(dir)
        .args(&words[1..])
        .args(files)
        .output()
        .unwrap()
}

#[test]
fn hooks_as_pre_commit_runs_them() {
    let files = [
        "apps/demo/deployment.yaml",
        "apps/demo/sealed-app-credentials.yaml",
        "apps/demo/namespace.yaml",
        "apps/demo/kustomization.yaml",
        "apps/prod/replicas-patch.yaml",
        // no exclusion in the hooks: tool configs are skipped by validate's own rules
        ".pre-commit-config.yaml",
        ".github/workflows/validate.yml",
    ];
    for id in ["sealgate-validate", "sealgate-no-plaintext-secrets"] {
        let out = run_hook(id, &example(), &files);
        assert!(
            out.status.success(),
            "{id}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let plaintext = repo_root().join("examples/secrets/app-credentials.yaml");
    let out = run_hook(
        "sealgate-no-plaintext-secrets",
        &example(),
        &[plaintext.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no_plaintext_secrets"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// pre-commit from PATH, else the cached venv, else a new venv from PyPI.
fn pre_commit() -> Option<PathBuf> {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Some(PathBuf::from("pre-commit"));
    }
    let venv = PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/sealgate/pre-commit-venv");
    let bin = venv.join("bin/pre-commit");
    if !bin.is_file() {
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "pre-commit"])
                .status()
                .is_ok_and(|s| s.success());
        if !made {
            sealgate_tests::require(
                "gitops_example::pre_commit_try_repo_runs_both_hooks",
                "pre-commit",
                "on PATH, or python3 -m venv + pip install pre-commit from PyPI",
            )
            .unwrap();
            return None;
        }
    }
    Some(bin)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=sealgate test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pre_commit_try_repo_runs_both_hooks() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // The hook repository: only `.pre-commit-hooks.yaml` matters for language: system hooks.
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);
    // The GitOps repository, with its CI workflow and pre-commit config (both must be left alone by the hooks).
    let repo = tmp.path().join("gitops");
    copy_dir(&example(), &repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "example"]);

    let sealgate_dir = Path::new(SEALGATE).parent().unwrap();
    let path = format!(
        "{}:{}",
        sealgate_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let try_repo = |id: &str| {
        Command::new(&pre_commit)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
            .args(["try-repo", hooks.to_str().unwrap(), id, "--all-files"])
            .output()
            .unwrap()
    };
    for id in ["sealgate-validate", "sealgate-no-plaintext-secrets"] {
        let out = try_repo(id);
        assert!(
            out.status.success(),
            "{id}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Passed"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A plaintext Secret committed by mistake is caught.
    std::fs::copy(
        repo_root().join("examples/secrets/app-credentials.yaml"),
        repo.join("apps/demo/oops.yaml"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let out = try_repo("sealgate-no-plaintext-secrets");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Failed")
            && stdout.contains("no-plaintext-secrets")
            && stdout.contains("oops.yaml"),
        "{stdout}"
    );
}
