//! The repository config `.sealgate.yaml` as users meet it: `sealgate cert --all-clusters` finds it
//! upwards from the working directory (or takes `--config`) and shows each cluster's certificate;
//! a wrong or missing config is one error naming the file and line.

use std::path::Path;
use std::process::{Command, Output};

use crate::file_safety::{fixtures, sealgate};

pub fn fingerprint(cert: &Path) -> String {
    let out = sealgate(&fixtures(), &["cert", &cert.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint:"))
        .unwrap()
        .trim()
        .to_owned()
}

/// A repository with two clusters' certs (relative paths) and its config.
pub fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join("certs")).unwrap();
    std::fs::create_dir_all(repo.path().join("clusters/prod/apps")).unwrap();
    std::fs::copy(
        fixtures().join("local/local-cert.pem"),
        repo.path().join("certs/prod.pem"),
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("other/cert.pem"),
        repo.path().join("certs/dr.pem"),
    )
    .unwrap();
    std::fs::write(
        repo.path().join(".sealgate.yaml"),
        "clusters:\n  prod:\n    cert: certs/prod.pem\n  dr:\n    cert: certs/dr.pem\npaths:\n  - path: clusters/{cluster}/**\n",
    )
    .unwrap();
    repo
}

#[test]
fn cert_all_clusters_lists_each_cluster_from_the_config_found_upwards() {
    let repo = repository();
    let out = sealgate(
        &repo.path().join("clusters/prod/apps"),
        &["cert", "--all-clusters"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        [
            "CLUSTER",
            "FINGERPRINT",
            "NOT",
            "AFTER",
            "DAYS",
            "LEFT",
            "SOURCE"
        ]
    );
    for (row, (name, cert)) in lines[1..]
        .iter()
        .zip([("prod", "certs/prod.pem"), ("dr", "certs/dr.pem")])
    {
        assert_eq!(row[0], name, "{text}");
        assert_eq!(row[1], fingerprint(&repo.path().join(cert)), "{text}");
        assert!(row[2].ends_with('Z'), "{text}");
        assert!(row[3].parse::<u32>().is_ok_and(|d| d > 0), "{text}");
        assert_eq!(row[4], cert, "as written in the config: {text}");
    }
    assert_ne!(lines[1][1], lines[2][1], "two clusters, two keys");

    // --config names it from anywhere
    let elsewhere = tempfile::tempdir().unwrap();
    let config = repo.path().join(".sealgate.yaml").display().to_string();
    let again = sealgate(
        elsewhere.path(),
        &["cert", "--all-clusters", "--config", &config],
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn a_wrong_or_missing_config_is_one_clear_error() {
    let repo = repository();
    std::fs::write(
        repo.path().join(".sealgate.yaml"),
        "clusters:\n  prod:\n    cert: certs/prod.pem\n  dr:\n    cert: certs/dr.pem\n    context: dr\n",
    )
    .unwrap();
    let out = sealgate(repo.path(), &["cert", "--all-clusters"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: both `cert` and `context`, "),
        "{stderr}"
    );
    assert!(
        stderr.contains(".sealgate.yaml:4: give one certificate source"),
        "{stderr}"
    );

    // a cluster whose certificate is gone: the error names the cluster and the file
    std::fs::write(
        repo.path().join(".sealgate.yaml"),
        "clusters:\n  prod:\n    cert: certs/prod.pem\n  dr:\n    cert: certs/gone.pem\n",
    )
    .unwrap();
    let out = sealgate(repo.path(), &["cert", "--all-clusters"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no partial table");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "error: cluster dr: cannot read its certificate (no such file or directory), "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("certs/gone.pem: fix its `cert` path in "),
        "{stderr}"
    );

    let empty = tempfile::tempdir().unwrap();
    let out = sealgate(empty.path(), &["cert", "--all-clusters"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no .sealgate.yaml in this folder or any parent"),
        "{stderr}"
    );
    assert!(stderr.contains("--config FILE"), "{stderr}");

    let out = sealgate(repo.path(), &["cert", "--all-clusters", "--pem"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sealgate(repo.path(), &["cert", "--config", "x.yaml"]);
    assert_eq!(out.status.code(), Some(2));
}

pub const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\nstringData:\n  password: changeme-demo\n";

fn seal(dir: &Path, args: &[&str]) -> Output {
    with_stdin(dir, "seal", args, SECRET)
}

/// `sealgate SUBCOMMAND ARGS…` in `dir` with `stdin` piped in.
pub fn with_stdin(dir: &Path, subcommand: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sealgate"))
        .arg(subcommand)
        .args(args)
        .current_dir(dir)
        .env_remove("SEALED_SECRETS_CERT")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // a refused command line exits before it reads stdin
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// Whether `sealed` opens with the private key `key` (a fixture path).
pub fn opens_with(sealed: &Path, key: &str) -> bool {
    let out = sealgate(
        &fixtures(),
        &[
            "unseal",
            "--key",
            key,
            "-f",
            &sealed.display().to_string(),
            "-o",
            "json",
        ],
    );
    out.status.success()
        && String::from_utf8_lossy(&out.stdout).contains("\"password\": \"Y2hhbmdlbWUtZGVtbw==\"")
}

/// [`repository`] with `db` sealed for both clusters by `seal --all-clusters`, one file each.
pub fn sealed_repository() -> tempfile::TempDir {
    let repo = repository();
    std::fs::create_dir_all(repo.path().join("clusters/dr")).unwrap();
    let out = seal(
        repo.path(),
        &["--all-clusters", "-w", "clusters/{cluster}/db-sealed.yaml"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    repo
}

#[test]
fn seal_all_clusters_writes_one_sealed_secret_per_cluster_where_the_rules_say() {
    let repo = sealed_repository();
    let prod = repo.path().join("clusters/prod/db-sealed.yaml");
    let dr = repo.path().join("clusters/dr/db-sealed.yaml");
    assert!(opens_with(&prod, "local/local-key.pem"));
    assert!(
        !opens_with(&prod, "other/key.pem"),
        "prod's copy is sealed for prod's key only"
    );
    assert!(opens_with(&dr, "other/key.pem"));
    assert!(
        !opens_with(&dr, "local/local-key.pem"),
        "dr's copy is sealed for dr's key only"
    );
    let text = std::fs::read_to_string(&dr).unwrap();
    assert!(
        text.starts_with("---\nkind: SealedSecret\napiVersion: bitnami.com/v1alpha1\n"),
        "{text}"
    );

    // one cluster, from a subfolder (config found upwards), to stdout
    let out = seal(
        &repo.path().join("clusters/prod"),
        &["--cluster", "dr", "-o", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let one = repo.path().join("one.json");
    std::fs::write(&one, &out.stdout).unwrap();
    assert!(opens_with(&one, "other/key.pem"));
}

#[test]
fn seal_for_clusters_writes_every_file_or_none() {
    let repo = repository();
    let before = "# kept\n";
    std::fs::write(repo.path().join("clusters/prod/db-sealed.yaml"), before).unwrap();
    // clusters/dr is a file: dr's copy cannot be written, so prod's must not be either
    std::fs::write(repo.path().join("clusters/dr"), "not a folder").unwrap();
    let out = seal(
        repo.path(),
        &["--all-clusters", "-w", "clusters/{cluster}/db-sealed.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot write clusters/dr/db-sealed.yaml"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join("clusters/prod/db-sealed.yaml")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(repo.path().join("clusters/prod"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".sealgate"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn seal_for_clusters_refuses_what_would_go_wrong() {
    let repo = repository();
    let refused = |args: &[&str], part: &str| {
        let out = seal(repo.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(part), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    };
    refused(
        &["--all-clusters"],
        "sealing for 2 clusters needs -w PATH with {cluster}",
    );
    refused(
        &["--all-clusters", "-w", "db.yaml"],
        "db.yaml has no {cluster}: every cluster would use the same file",
    );
    refused(
        &["--all-clusters", "-w", "elsewhere/{cluster}/db.yaml"],
        "elsewhere/prod/db.yaml is not a file of cluster prod by the path rules",
    );
    refused(
        &["--cluster", "qa", "-w", "clusters/{cluster}/x.yaml"],
        "cluster \"qa\" is not declared",
    );
    refused(
        &["--cluster", "prod", "--cert", "certs/prod.pem"],
        "--cluster/--all-clusters and --cert/--local",
    );
    refused(
        &["--cluster", "prod", "--raw"],
        "--raw seals for one identity",
    );
    refused(
        &["--config", ".sealgate.yaml"],
        "--config only goes with --cluster or --all-clusters",
    );
    assert!(!repo.path().join("elsewhere").exists());
    assert!(!repo.path().join("clusters/prod/x.yaml").exists());
}

/// `set` with a value piped in, in `dir`.
fn set(dir: &Path, args: &[&str], value: &str) -> Output {
    with_stdin(dir, "set", args, value)
}

#[test]
fn set_changes_every_clusters_copy_by_one_line_or_none() {
    let repo = sealed_repository();
    let template = "clusters/{cluster}/db-sealed.yaml";
    let files = [
        (
            repo.path().join("clusters/prod/db-sealed.yaml"),
            "local/local-key.pem",
        ),
        (
            repo.path().join("clusters/dr/db-sealed.yaml"),
            "other/key.pem",
        ),
    ];
    let before: Vec<String> = files
        .iter()
        .map(|(f, _)| std::fs::read_to_string(f).unwrap())
        .collect();

    let out = set(
        repo.path(),
        &[template, "token", "--all-clusters"],
        "new-token-demo",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for ((file, key), old) in files.iter().zip(&before) {
        let new = std::fs::read_to_string(file).unwrap();
        let added: Vec<&str> = new
            .lines()
            .filter(|l| !old.lines().any(|o| o == *l))
            .collect();
        assert_eq!(
            added.len(),
            1,
            "one new line in {}: {added:?}",
            file.display()
        );
        assert!(added[0].trim_start().starts_with("token: "), "{added:?}");
        assert!(
            old.lines().all(|l| new.lines().any(|n| n == l)),
            "no line lost"
        );
        let out = sealgate(
            &fixtures(),
            &[
                "unseal",
                "--key",
                key,
                "-f",
                &file.display().to_string(),
                "-o",
                "json",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("\"token\": \"bmV3LXRva2VuLWRlbW8=\""),
            "{text}"
        );
    }

    // dr's copy is gone: prod's is not changed either
    let prod_now = std::fs::read_to_string(&files[0].0).unwrap();
    std::fs::remove_file(&files[1].0).unwrap();
    let out = set(repo.path(), &[template, "other", "--all-clusters"], "x");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("clusters/dr/db-sealed.yaml"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&files[0].0).unwrap(), prod_now);
}

/// Key rotation per cluster: every cluster's files re-sealed for the cluster's current
/// certificate (dr moves to a new key pair here), with the old keys; other lines unchanged.
#[test]
fn reencrypt_reseals_each_clusters_files_for_its_certificate() {
    let repo = sealed_repository();
    let prod = repo.path().join("clusters/prod/db-sealed.yaml");
    let dr = repo.path().join("clusters/dr/db-sealed.yaml");
    let prod_before = std::fs::read_to_string(&prod).unwrap();
    let dr_before = std::fs::read_to_string(&dr).unwrap();
    assert!(opens_with(&dr, "other/key.pem"));

    // dr's controller now has prod's key pair (as if rotated to it)
    std::fs::copy(
        repo.path().join("certs/prod.pem"),
        repo.path().join("certs/dr.pem"),
    )
    .unwrap();
    let keys = format!(
        "{},{}",
        fixtures().join("local/local-key.pem").display(),
        fixtures().join("other/key.pem").display()
    );
    let out = sealgate(
        repo.path(),
        &["reencrypt", "--all-clusters", "--key", &keys],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        opens_with(&dr, "local/local-key.pem"),
        "dr's file is sealed for dr's new cert"
    );
    assert!(!opens_with(&dr, "other/key.pem"));
    assert!(opens_with(&prod, "local/local-key.pem"));
    // the item's line changes; the sealed-for hint's line only where the certificate did (dr)
    let prod_fp = fingerprint(&repo.path().join("certs/prod.pem"));
    for (file, before, hint_changes) in [(&prod, &prod_before, false), (&dr, &dr_before, true)] {
        let after = std::fs::read_to_string(file).unwrap();
        assert_ne!(&after, before, "{} re-sealed", file.display());
        let changed: Vec<&str> = after
            .lines()
            .zip(before.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.trim())
            .collect();
        let mut expected = vec!["password"];
        if hint_changes {
            expected.insert(0, "sealgate.dev/sealed-for");
        }
        assert_eq!(
            changed
                .iter()
                .map(|l| l.split(':').next().unwrap())
                .collect::<Vec<_>>(),
            expected,
            "only the item's line (and a stale hint) changes in {}",
            file.display()
        );
        assert!(
            after.contains(&format!("sealgate.dev/sealed-for: {prod_fp}\n")),
            "{after}"
        );
        assert_eq!(after.lines().count(), before.lines().count());
    }

    // without the old key of one cluster's files: nothing is written at all
    let prod_now = std::fs::read_to_string(&prod).unwrap();
    let dr_now = std::fs::read_to_string(&dr).unwrap();
    std::fs::copy(
        fixtures().join("other/cert.pem"),
        repo.path().join("certs/dr.pem"),
    )
    .unwrap();
    let only_other = fixtures().join("other/key.pem").display().to_string();
    let out = sealgate(
        repo.path(),
        &["reencrypt", "--all-clusters", "--key", &only_other],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&prod).unwrap(), prod_now);
    assert_eq!(std::fs::read_to_string(&dr).unwrap(), dr_now);
}

/// `examples/gitops`'s two clusters: each cluster's sealed copy opens with that cluster's key only, and
/// `cert --all-clusters` reads the example's config.
#[test]
fn the_multi_cluster_example_is_sealed_per_cluster() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/gitops");
    for (cluster, key, other) in [
        (
            "staging",
            "clusters/staging/key.pem",
            "clusters/prod/key.pem",
        ),
        ("prod", "clusters/prod/key.pem", "clusters/staging/key.pem"),
    ] {
        let file = example.join(format!("clusters/{cluster}/db-sealed.yaml"));
        assert!(opens_with(&file, key), "{cluster}");
        assert!(
            !opens_with(&file, other),
            "{cluster} opens with the other cluster's key"
        );
    }
    let out = sealgate(&example.join("clusters"), &["cert", "--all-clusters"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["staging", "prod"], "{text}");

    // the gate: each copy is sealed for its own cluster (by its sealed-for hint)...
    let out = sealgate(&example, &["validate", "clusters"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // ...and staging's copy in prod's folder is caught
    let copy = tempfile::tempdir().unwrap();
    for file in [
        ".sealgate.yaml",
        "certs/prod.pem",
        "certs/staging.pem",
        "clusters/staging/db-sealed.yaml",
    ] {
        std::fs::create_dir_all(copy.path().join(file).parent().unwrap()).unwrap();
        std::fs::copy(example.join(file), copy.path().join(file)).unwrap();
    }
    std::fs::create_dir_all(copy.path().join("clusters/prod")).unwrap();
    std::fs::copy(
        example.join("clusters/staging/db-sealed.yaml"),
        copy.path().join("clusters/prod/db-sealed.yaml"),
    )
    .unwrap();
    let out = sealgate(copy.path(), &["validate", "clusters"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("sealed for cluster staging's certificate")
            && report.contains("give this file to cluster prod"),
        "{report}"
    );
}
