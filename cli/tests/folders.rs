//! Kustomize- and Helm-aware folders, with no tool installed: kustomizations are checked against
//! kustomize's schema, the files they name as patches or data are skipped with a note, a Helm chart
//! is one note, and nothing of that is a false alarm; planted errors are still found. `--kustomize`
//! and `--helm` without their tool are one clear error. (Rendering with the real tools:
//! `peer_folders_render`.)

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const SEALGATE: &str = env!("CARGO_BIN_EXE_sealgate");

pub const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources: {requests: {cpu: 100m, memory: 64Mi}}\n";

/// A small GitOps layout as people write it: a base, an overlay with every kind of patch and a
/// generator reading a values file, a component, and a Helm chart.
pub fn layout(root: &Path) {
    let files: &[(&str, &str)] = &[
        (
            "base/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\nconfigMapGenerator:\n- name: web-values\n  files: [values.yaml=web-values.yaml]\n",
        ),
        ("base/deployment.yaml", DEPLOYMENT),
        (
            "base/web-values.yaml",
            "replicaCount: 2\nimage: {tag: \"1.27\"}\n",
        ),
        (
            "overlays/prod/kustomization.yaml",
            "resources:\n- ../../base\ncomponents:\n- ../../components/monitoring\nnamePrefix: prod-\npatches:\n- path: replicas.yaml\n- path: json-patch.yaml\n  target: {kind: Deployment, name: web}\npatchesStrategicMerge:\n- memory.yaml\nimages:\n- name: nginx\n  newTag: \"1.27.1\"\n",
        ),
        (
            "overlays/prod/replicas.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 5\n",
        ),
        (
            "overlays/prod/memory.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        resources: {limits: {memory: 256Mi}}\n",
        ),
        (
            "overlays/prod/json-patch.yaml",
            "- op: add\n  path: /metadata/annotations\n  value: {tier: prod}\n",
        ),
        (
            "components/monitoring/Kustomization",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {monitored: \"true\"}\n",
        ),
        (
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        ),
        ("charts/web/values.yaml", "replicas: 2\n"),
        (
            "charts/web/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: \"nginx:1.27\"}\n",
        ),
    ];
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

pub fn validate(dir: &Path, args: &[&str], path: Option<&std::ffi::OsStr>) -> Output {
    let mut command = Command::new(SEALGATE);
    command.current_dir(dir).arg("validate").args(args);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().unwrap()
}

pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// (status, file, reason or first finding) of every resource.
pub fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let what = r["reason"]
                .as_str()
                .or_else(|| r["findings"][0]["message"].as_str())
                .unwrap_or_default();
            (
                r["status"].as_str().unwrap().to_owned(),
                r["file"].as_str().unwrap().to_owned(),
                what.to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_kustomize_and_helm_layout_gives_no_false_alarms() {
    let dir = tempfile::tempdir().unwrap();
    layout(dir.path());
    let out = validate(dir.path(), &["--strict", "-o", "json", "."], None);
    let report = json(&out);
    let verdicts = verdicts(&report);
    assert_eq!(out.status.code(), Some(0), "{verdicts:#?}");
    let status_of = |file: &str| {
        verdicts
            .iter()
            .find(|(_, f, _)| f == file)
            .unwrap_or_else(|| panic!("no verdict on {file}: {verdicts:#?}"))
            .clone()
    };
    for file in [
        "./base/kustomization.yaml",
        "./overlays/prod/kustomization.yaml",
        "./components/monitoring/Kustomization",
        "./base/deployment.yaml",
    ] {
        assert_eq!(status_of(file).0, "valid", "{file}");
    }
    for (file, reason) in [
        ("./overlays/prod/replicas.yaml", "a patch named by "),
        ("./overlays/prod/memory.yaml", "a patch named by "),
        ("./overlays/prod/json-patch.yaml", "a patch named by "),
        ("./base/web-values.yaml", "generator data named by "),
        ("charts/web/Chart.yaml", "Helm chart (3 files)"),
    ] {
        let (status, _, why) = status_of(file);
        assert_eq!(status, "skipped", "{file}");
        assert!(why.starts_with(reason), "{file}: {why}");
    }
    // One note for the whole chart, none of its files read as manifests.
    assert!(
        !verdicts.iter().any(|(_, f, _)| f.contains("templates")),
        "{verdicts:#?}"
    );
    assert_eq!(report["summary"]["skipped"], 5, "{verdicts:#?}");

    // The same rules for files passed one by one (as pre-commit passes them).
    let out = validate(
        dir.path(),
        &[
            "overlays/prod/replicas.yaml",
            "charts/web/templates/deployment.yaml",
            "charts/web/values.yaml",
            "overlays/prod/kustomization.yaml",
        ],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("overlays/prod/replicas.yaml:1 skipped: a patch named by ")
            && text.contains("charts/web/Chart.yaml:1 skipped Chart/web: Helm chart (2 files)"),
        "{text}"
    );
}

#[test]
fn planted_errors_in_kustomizations_and_objects_are_found() {
    let dir = tempfile::tempdir().unwrap();
    layout(dir.path());
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    };
    edit("overlays/prod/kustomization.yaml", "patches:", "patchez:");
    edit(
        "overlays/prod/kustomization.yaml",
        "newTag: \"1.27.1\"",
        "newTag: 1.27",
    );
    edit("base/deployment.yaml", "replicas: 2", "replicas: two");
    edit(
        "components/monitoring/Kustomization",
        "kind: Component",
        "kind: Komponent",
    );
    let out = validate(dir.path(), &["-o", "json", "."], None);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let mut found: Vec<(String, usize, String)> = Vec::new();
    for r in report["resources"].as_array().unwrap() {
        for f in r["findings"].as_array().unwrap() {
            found.push((
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap() as usize,
                f["message"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let has = |file: &str, line: usize, needle: &str| {
        found
            .iter()
            .any(|(f, l, m)| f == file && *l == line && m.contains(needle))
    };
    assert!(
        has("./overlays/prod/kustomization.yaml", 6, "patchez"),
        "{found:#?}"
    );
    assert!(
        has("./overlays/prod/kustomization.yaml", 14, "1.27"),
        "{found:#?}"
    );
    assert!(has("./base/deployment.yaml", 7, "two"), "{found:#?}");
    assert!(
        has("./components/monitoring/Kustomization", 2, "Komponent"),
        "{found:#?}"
    );
    // With the patch key misspelled, the overlay no longer names its `patches` files: they are
    // read as what they are, a partial object (selector and template missing) and a JSON patch
    // (a list, not an object); the `patchesStrategicMerge` file stays a patch.
    assert!(
        has("./overlays/prod/replicas.yaml", 4, "selector")
            && has("./overlays/prod/replicas.yaml", 4, "template"),
        "{found:#?}"
    );
    assert!(
        has("./overlays/prod/json-patch.yaml", 1, "is a list"),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|(f, _, _)| f == "./overlays/prod/memory.yaml"),
        "{found:#?}"
    );
    assert_eq!(found.len(), 7, "{found:#?}");
}

#[test]
fn rendering_without_its_tool_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    layout(dir.path());
    let empty = tempfile::tempdir().unwrap();
    for (flag, tool) in [("--kustomize", "kustomize"), ("--helm", "helm")] {
        let out = validate(dir.path(), &[flag, "."], Some(empty.path().as_os_str()));
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(out.stdout.is_empty(), "{flag}: no partial report");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(tool) && stderr.contains("PATH"),
            "{stderr}"
        );
    }
    let out = validate(dir.path(), &["--values", "v.yaml", "."], None);
    assert_eq!(out.status.code(), Some(2));
}
