//! `validate --kustomize` and `--helm` with the real tools (`kustomize` v5.8.1 and `helm` v3.22.0 from
//! `tests/peers/build`, put first on PATH): overlays and charts are rendered and their output
//! validated, findings name the overlay or chart and the file the object comes from, and a broken
//! overlay or chart is one error line (exit 2, no report), as is output over the input budget.

use std::ffi::OsString;
use std::path::Path;
use std::process::Output;

use crate::folders::{json, layout, validate, verdicts};

/// PATH with the reference tools first, or `None` (SKIPPED, or a failure under CI) without them.
fn path_with(test: &str, tool: &str) -> Option<OsString> {
    let bin = sealgate_tests::peer_tool(test, tool).unwrap()?;
    let mut dirs = vec![bin.parent().unwrap().to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Some(std::env::join_paths(dirs).unwrap())
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The test layout in a new folder, PATH with `tool` first, and `validate -o json ARGS` run there.
fn render_layout(
    test: &str,
    tool: &str,
    args: &[&str],
) -> Option<(tempfile::TempDir, OsString, Output)> {
    let path = path_with(test, tool)?;
    let dir = tempfile::tempdir().unwrap();
    layout(dir.path());
    let mut all = vec!["-o", "json"];
    all.extend(args);
    let out = validate(dir.path(), &all, Some(path.as_os_str()));
    Some((dir, path, out))
}

#[test]
fn kustomize_renders_each_overlay_once_and_traces_findings() {
    let Some((dir, path, out)) = render_layout(
        "peer_folders_render::kustomize",
        "kustomize",
        &["--kustomize", "."],
    ) else {
        return;
    };
    let report = json(&out);
    let verdicts = verdicts(&report);
    assert_eq!(out.status.code(), Some(0), "{verdicts:#?}");
    // The overlay's output (Deployment + generated ConfigMap); base is inside it, not rendered
    // again, and its deployment.yaml is checked in the output instead of as a file.
    let rendered: Vec<&(String, String, String)> = verdicts
        .iter()
        .filter(|(_, f, _)| f == "overlays/prod (kustomize build)")
        .collect();
    assert_eq!(rendered.len(), 2, "{verdicts:#?}");
    assert!(
        !verdicts
            .iter()
            .any(|(_, f, _)| f.contains("base (kustomize") || f == "./base/deployment.yaml"),
        "{verdicts:#?}"
    );

    // Errors in the base show in the overlay's output, traced to their file where kustomize's
    // origin annotation names one (a JSON 6902 patch, as on the Deployment, replaces it with the
    // patch transformer's, which names no file: then nothing is claimed).
    edit(
        dir.path(),
        "base/deployment.yaml",
        "image: nginx:1.27",
        "image: nginx:1.27\n        imagePullPolicy: 7",
    );
    edit(
        dir.path(),
        "base/kustomization.yaml",
        "- deployment.yaml",
        "- deployment.yaml\n- service.yaml",
    );
    std::fs::write(
        dir.path().join("base/service.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n  - port: eighty\n",
    )
    .unwrap();
    let out = validate(dir.path(), &["--kustomize", "."], Some(path.as_os_str()));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    let port = line("eighty");
    assert!(
        port.starts_with("overlays/prod (kustomize build):")
            && port.contains("Service/prod-web")
            && port.ends_with("(from base/service.yaml)"),
        "{port}"
    );
    let policy = line("imagePullPolicy");
    assert!(
        policy.starts_with("overlays/prod (kustomize build):")
            && policy.contains("Deployment/prod-web")
            && !policy.contains("(from"),
        "{policy}"
    );

    // Rendered output is input like a file: the document budget applies to it.
    let out = validate(
        dir.path(),
        &["--kustomize", "--max-documents", "1", "overlays/prod"],
        Some(path.as_os_str()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no partial report: {stderr}");
    assert!(stderr.contains("--max-documents"), "{stderr}");

    // A broken overlay is one error naming it and what kustomize said, and no partial report.
    std::fs::create_dir_all(dir.path().join("overlays/broken")).unwrap();
    std::fs::write(
        dir.path().join("overlays/broken/kustomization.yaml"),
        "resources: [missing.yaml]\n",
    )
    .unwrap();
    let out = validate(dir.path(), &["--kustomize", "."], Some(path.as_os_str()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no partial report: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: kustomize build failed")
            && stderr.contains("missing.yaml")
            && stderr.contains("rendering overlays/broken")
            && stderr.contains("--kustomize"),
        "{stderr}"
    );
}

#[test]
fn helm_renders_charts_with_values_and_traces_findings() {
    let Some((dir, path, out)) =
        render_layout("peer_folders_render::helm", "helm", &["--helm", "charts"])
    else {
        return;
    };
    let report = json(&out);
    let verdicts = verdicts(&report);
    assert_eq!(out.status.code(), Some(0), "{verdicts:#?}");
    assert_eq!(
        verdicts,
        [(
            "valid".to_owned(),
            "charts/web (helm template)".to_owned(),
            String::new()
        )]
    );
    // A values file that breaks the template's output: found, traced to the template.
    std::fs::write(dir.path().join("bad-values.yaml"), "replicas: many\n").unwrap();
    let out = validate(
        dir.path(),
        &["--helm", "--values", "bad-values.yaml", "charts"],
        Some(path.as_os_str()),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("charts/web (helm template):")
                && l.contains("many")
                && l.ends_with("(from charts/web/templates/deployment.yaml)")),
        "{text}"
    );

    // A template helm cannot render is one error naming the chart, and no partial report.
    edit(
        dir.path(),
        "charts/web/templates/deployment.yaml",
        "{{ .Values.replicas }}",
        "{{ .Values.replicas",
    );
    let out = validate(dir.path(), &["--helm", "charts"], Some(path.as_os_str()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no partial report: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: helm template failed")
            && stderr.contains("rendering charts/web")
            && stderr.contains("--helm"),
        "{stderr}"
    );
}
