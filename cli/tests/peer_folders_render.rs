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
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-settings}\ndata: {a: b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n  - port: eighty\n",
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

    // GitHub annotations go on the traced file, at the object's line there (the Service is the
    // second document of base/service.yaml), the rendered position in the message; an object
    // with no traced file keeps the rendered name.
    let out = validate(
        dir.path(),
        &["--kustomize", "-o", "github", "."],
        Some(path.as_os_str()),
    );
    let github = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{github}");
    let port = github
        .lines()
        .find(|l| l.contains("eighty"))
        .unwrap_or_else(|| panic!("{github}"));
    assert!(
        port.starts_with("::error file=base/service.yaml,line=6,title=")
            && port.contains("Service/prod-web")
            && port.contains("[rendered: overlays/prod (kustomize build):"),
        "{port}"
    );
    let policy = github
        .lines()
        .find(|l| l.contains("imagePullPolicy"))
        .unwrap_or_else(|| panic!("{github}"));
    assert!(
        policy.starts_with("::error file=overlays/prod (kustomize build),line="),
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

    let out = validate(
        dir.path(),
        &[
            "--helm",
            "--values",
            "bad-values.yaml",
            "-o",
            "github",
            "charts",
        ],
        Some(path.as_os_str()),
    );
    let github = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{github}");
    assert!(
        github.lines().any(|l| l
            .starts_with("::error file=charts/web/templates/deployment.yaml,line=1,title=")
            && l.contains("many")
            && l.contains("[rendered: charts/web (helm template):")),
        "{github}"
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

/// Rendered output is held to `--max-file-size-mib` like a file: a render over it (a ConfigMap
/// generated from a 1.5 MiB file, a template that loops) is one error naming the folder and the
/// flag, the tool is stopped, and no partial report is printed; under the limit it is validated.
#[test]
fn rendered_output_over_the_file_size_limit_is_one_error() {
    let big = format!("{}\n", "x".repeat(3 * 512 * 1024));
    let cases: [(&str, &str, &[&str], &str); 2] = [
        (
            "kustomize",
            "--kustomize",
            &["overlays/prod"],
            "overlays/prod",
        ),
        ("helm", "--helm", &["charts/web"], "charts/web"),
    ];
    for (tool, flag, folder, place) in cases {
        let test = format!("peer_folders_render::max_file_size::{tool}");
        let Some((dir, path, out)) = render_layout(&test, tool, &[&[flag][..], folder].concat())
        else {
            continue;
        };
        assert_eq!(out.status.code(), Some(0), "{tool}");
        // The same bytes in the kustomize overlay (generator) and in the chart (a loop).
        std::fs::write(dir.path().join("overlays/prod/big.txt"), &big).unwrap();
        edit(
            dir.path(),
            "overlays/prod/kustomization.yaml",
            "namePrefix: prod-\n",
            "namePrefix: prod-\nconfigMapGenerator:\n- name: big\n  files: [big.txt]\n",
        );
        std::fs::write(
            dir.path().join("charts/web/templates/big.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n{{- range $i := until 24000 }}\n  k{{ $i }}: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n{{- end }}\n",
        )
        .unwrap();
        let mut args = vec![flag, "--max-file-size-mib", "1"];
        args.extend(folder);
        let out = validate(dir.path(), &args, Some(path.as_os_str()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{tool}: {stderr}");
        assert!(out.stdout.is_empty(), "{tool}: no partial report: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{tool}: {stderr}");
        assert!(
            stderr.contains(&format!("rendering {place}"))
                && stderr.contains("--max-file-size-mib"),
            "{tool}: {stderr}"
        );
        // Under a limit it fits in, the same render is validated.
        let mut args = vec![flag, "--max-file-size-mib", "4", "-o", "json"];
        args.extend(folder);
        let out = validate(dir.path(), &args, Some(path.as_os_str()));
        let verdicts = verdicts(&json(&out));
        assert_eq!(out.status.code(), Some(0), "{tool}: {verdicts:#?}");
        assert!(
            verdicts.iter().any(|(status, file, _)| status == "valid"
                && file
                    == &format!(
                        "{place} ({tool_label})",
                        tool_label = if tool == "helm" {
                            "helm template"
                        } else {
                            "kustomize build"
                        }
                    )),
            "{tool}: {verdicts:#?}"
        );
    }
}

/// A template that loops without output (a template bomb) is stopped at `--render-timeout`:
/// one error naming the chart and the flag, no partial report, and the run ends.
#[test]
fn a_render_that_never_ends_is_stopped_at_the_render_timeout() {
    let Some((dir, path, out)) = render_layout(
        "peer_folders_render::render_timeout",
        "helm",
        &["--helm", "charts/web"],
    ) else {
        return;
    };
    assert_eq!(out.status.code(), Some(0));
    // 10^12 iterations, no output: helm would run for days.
    std::fs::write(
        dir.path().join("charts/web/templates/loop.yaml"),
        "{{- range $i := until 1000000 }}{{- range $j := until 1000000 }}{{- end }}{{- end }}\n",
    )
    .unwrap();
    // (without the timeout this call would not return for days)
    let out = validate(
        dir.path(),
        &["--helm", "--render-timeout", "2", "charts/web"],
        Some(path.as_os_str()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no partial report: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("helm template was still running after 2 s")
            && stderr.contains("rendering charts/web")
            && stderr.contains("--render-timeout"),
        "{stderr}"
    );
}
