//! `validate --kustomize` / `--helm`: overlays and charts rendered by the real tools (`kustomize
//! build`, else `kubectl kustomize`; `helm template`), their output validated like any input, and
//! each rendered object traced back to the one file it comes from where the tool says so.
//!
//! Rendering runs programs found on PATH, so it happens only when asked: a folder checked with no
//! flags never runs anything (kustomizations are schema-checked, patches and charts skipped with a
//! note). A tool that is not installed is one clear error, never a silent skip; a render that
//! fails is an error finding on the overlay's kustomization or the chart's `Chart.yaml`.
//!
//! Tracing: an overlay is built through a wrapper kustomization in a temporary folder that lists
//! it as its one resource and turns on kustomize's `buildMetadata: [originAnnotations]`, so every
//! object carries `config.kubernetes.io/origin` with the file it was read from (the annotation
//! stays in the validated object). helm marks each object with a `# Source:` comment.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use sealgate_core::gate::{Finding, Input, Report, ResourceResult, Severity, Subject};
use sealgate_core::layout::normalize;
use sealgate_core::manifest::{Source, load};

use crate::error::CliError;

/// Check id of a render that failed.
pub const RENDER: &str = "render";

/// A program found on PATH and the arguments that come before the folder to render.
#[derive(Debug)]
pub struct Tool {
    program: PathBuf,
    args: Vec<&'static str>,
    label: String,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(OsString::new);
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `kustomize build`, else `kubectl kustomize`, else the error that says how to get one.
pub fn kustomize() -> Result<Tool, CliError> {
    if let Some(program) = on_path("kustomize") {
        return Ok(Tool {
            program,
            args: vec!["build"],
            label: "kustomize build".to_owned(),
        });
    }
    if let Some(program) = on_path("kubectl") {
        return Ok(Tool {
            program,
            args: vec!["kustomize"],
            label: "kubectl kustomize".to_owned(),
        });
    }
    Err(CliError::usage(
        "--kustomize renders overlays with `kustomize build` or `kubectl kustomize`, and neither is on PATH",
        "install kustomize (or kubectl), or leave out --kustomize to check kustomizations without rendering them",
    ))
}

/// `helm template`, or the error that says how to get it.
pub fn helm() -> Result<Tool, CliError> {
    on_path("helm")
        .map(|program| Tool {
            program,
            args: vec!["template"],
            label: "helm template".to_owned(),
        })
        .ok_or_else(|| {
            CliError::usage(
                "--helm renders charts with `helm template`, and helm is not on PATH",
                "install helm, or leave out --helm to skip charts with a note",
            )
        })
}

/// `path` as the user would write it: relative to the working folder when it is below it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().map(|d| normalize(&d)).ok();
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

/// One rendered overlay or chart: its output as an input, and where each object came from.
#[derive(Debug)]
pub struct Rendered {
    /// The name findings carry, e.g. `apps/prod (kustomize build)`.
    pub name: String,
    /// Object start line in the output → the file it was read from.
    origins: Vec<(usize, String)>,
}

/// What rendering gave: inputs to validate, renders to trace, and the failures as results.
#[derive(Debug, Default)]
pub struct Renders {
    pub inputs: Vec<Input>,
    pub rendered: Vec<Rendered>,
    pub failed: Vec<ResourceResult>,
}

fn run(tool: &Tool, extra: &[OsString], cwd: Option<&Path>) -> Result<String, String> {
    let mut command = Command::new(&tool.program);
    command.args(&tool.args).args(extra);
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let out = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.program.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The tool's own first line says what is wrong; the rest is usage text or a stack.
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!(
            "{} failed ({}): {}",
            tool.label,
            out.status,
            first.trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{} printed non-UTF-8 output", tool.label))
}

fn failure(file: &Path, message: String) -> ResourceResult {
    let subject = Subject::file(&shown(file), 1);
    ResourceResult::error(
        subject.clone(),
        Finding::new(Severity::Error, RENDER, message, &subject),
    )
}

impl Renders {
    /// Renders the kustomization folder `overlay` (absolute) through an origin-annotating wrapper.
    pub fn kustomize(&mut self, tool: &Tool, overlay: &Path, kustomization: &Path) {
        let outcome = (|| {
            let wrapper = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
            let root = normalize(wrapper.path());
            // kustomize refuses an absolute resource: the overlay is named relative to the wrapper.
            let mut relative = PathBuf::new();
            for _ in root.components().skip(1) {
                relative.push("..");
            }
            relative.push(overlay.strip_prefix("/").unwrap_or(overlay));
            let text = format!(
                "resources:\n- {}\nbuildMetadata: [originAnnotations]\n",
                serde_json::to_string(&relative.display().to_string()).unwrap_or_default()
            );
            std::fs::write(root.join("kustomization.yaml"), text)
                .map_err(|e| format!("temporary kustomization: {e}"))?;
            let output = run(tool, &[".".into()], Some(&root))?;
            Ok::<_, String>((root, output))
        })();
        let name = format!("{} ({})", shown(overlay), tool.label);
        match outcome {
            Ok((root, output)) => {
                let source = Source::from_text(&name, output);
                let origins = kustomize_origins(&source, &root);
                self.inputs.push(Input::Read(source));
                self.rendered.push(Rendered { name, origins });
            }
            Err(message) => self.failed.push(failure(
                kustomization,
                format!("{message} (rendering {})", shown(overlay)),
            )),
        }
    }

    /// Renders the chart folder `chart` (absolute) with `helm template`, values files in order.
    pub fn helm(&mut self, tool: &Tool, chart: &Path, values: &[PathBuf]) {
        let release = chart.file_name().map_or_else(
            || "release".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut extra: Vec<OsString> = vec![release.into(), chart.into()];
        for file in values {
            extra.push("--values".into());
            extra.push(file.into());
        }
        let name = format!("{} ({})", shown(chart), tool.label);
        match run(tool, &extra, None) {
            Ok(output) => {
                let source = Source::from_text(&name, output);
                let origins = helm_origins(&source, chart);
                self.inputs.push(Input::Read(source));
                self.rendered.push(Rendered { name, origins });
            }
            Err(message) => self.failed.push(failure(
                &chart.join(sealgate_core::layout::CHART_FILE),
                message,
            )),
        }
    }

    /// Names, in each finding about a rendered object, the file the object comes from.
    pub fn trace(&self, report: &mut Report) {
        for result in &mut report.resources {
            let Some(rendered) = self.rendered.iter().find(|r| r.name == result.subject.file)
            else {
                continue;
            };
            let Some((_, origin)) = rendered
                .origins
                .iter()
                .find(|(line, _)| *line == result.subject.line)
            else {
                continue;
            };
            for finding in &mut result.findings {
                finding.message.push_str(&format!(" (from {origin})"));
            }
        }
    }
}

/// Each object's start line and its `config.kubernetes.io/origin` `path`, made relative to the
/// working folder (the path in the annotation is relative to the wrapper `root`).
fn kustomize_origins(source: &Source, root: &Path) -> Vec<(usize, String)> {
    let Ok(manifest) = load(source.clone()) else {
        return Vec::new();
    };
    manifest
        .documents
        .iter()
        .filter_map(|doc| {
            let origin = doc
                .value()
                .pointer("/metadata/annotations/config.kubernetes.io~1origin")?
                .as_str()?;
            let path = origin
                .lines()
                .find_map(|l| l.strip_prefix("path: "))?
                .trim();
            Some((doc.line(), shown(&normalize(&root.join(path)))))
        })
        .collect()
}

/// Each object's start line and the template helm names in the `# Source: chart/templates/x.yaml`
/// comment above it, as a path under the chart folder.
fn helm_origins(source: &Source, chart: &Path) -> Vec<(usize, String)> {
    let Ok(manifest) = load(source.clone()) else {
        return Vec::new();
    };
    let lines: Vec<&str> = source.text().lines().collect();
    manifest
        .documents
        .iter()
        .filter_map(|doc| {
            let start = doc.line().checked_sub(1)?;
            let template = lines[..start.min(lines.len())]
                .iter()
                .rev()
                .take_while(|l| l.trim() != "---")
                .find_map(|l| l.strip_prefix("# Source: "))?;
            // `chart/templates/x.yaml`: the first segment is the chart's name, not a folder.
            let within = template.split_once('/').map_or(template, |(_, rest)| rest);
            Some((doc.line(), shown(&chart.join(within))))
        })
        .collect()
}
