//! `validate --kustomize` / `--helm`: overlays and charts rendered by the real tools (`kustomize
//! build`, else `kubectl kustomize`; `helm template`), their output validated like any input, and
//! each rendered object traced back to the one file it comes from where the tool says so.
//!
//! Rendering runs programs found on PATH, so it happens only when asked: a folder checked with no
//! flags never runs anything (kustomizations are schema-checked, patches and charts skipped with a
//! note). A tool that is not installed, a render that fails, or output over the input budget
//! (`--max-file-size-mib`, `--max-documents`: rendered output is input like any file) is one
//! error that ends the run before anything is printed, never a silent skip or a partial report.
//!
//! Tracing: an overlay is built through a wrapper kustomization in a temporary folder that lists
//! it as its one resource and turns on kustomize's `buildMetadata: [originAnnotations]`, so every
//! object carries `config.kubernetes.io/origin` with the file it was read from (the annotation
//! stays in the validated object). helm marks each object with a `# Source:` comment. Findings
//! name that file in their message, and annotations that need a real file (`-o github`) are put
//! on it: at the object's own line when the file is a manifest that holds it, else at line 1.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sealgate_core::gate::{Input, Report};
use sealgate_core::layout::{normalize, shown};
use sealgate_core::manifest::{Budget, Source, load};

use crate::error::CliError;

/// A program found on PATH and the arguments that come before the folder to render.
#[derive(Debug)]
pub struct Tool {
    program: PathBuf,
    args: Vec<&'static str>,
    label: String,
    /// How long one render may take (`--render-timeout`): a template that loops without output
    /// would otherwise hold a pre-commit hook or a CI job forever.
    timeout: Duration,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `kustomize build`, else `kubectl kustomize`, else the error that says how to get one; one
/// render may take `timeout`.
pub fn kustomize(timeout: Duration) -> Result<Tool, CliError> {
    if let Some(program) = on_path("kustomize") {
        return Ok(Tool {
            program,
            args: vec!["build"],
            label: "kustomize build".to_owned(),
            timeout,
        });
    }
    if let Some(program) = on_path("kubectl") {
        return Ok(Tool {
            program,
            args: vec!["kustomize"],
            label: "kubectl kustomize".to_owned(),
            timeout,
        });
    }
    Err(CliError::usage(
        "--kustomize renders overlays with `kustomize build` or `kubectl kustomize`, and neither is on PATH",
        "install kustomize (or kubectl), or leave out --kustomize to check kustomizations without rendering them",
    ))
}

/// `helm template`, or the error that says how to get it; one render may take `timeout`.
pub fn helm(timeout: Duration) -> Result<Tool, CliError> {
    on_path("helm")
        .map(|program| Tool {
            program,
            args: vec!["template"],
            label: "helm template".to_owned(),
            timeout,
        })
        .ok_or_else(|| {
            CliError::usage(
                "--helm renders charts with `helm template`, and helm is not on PATH",
                "install helm, or leave out --helm to skip charts with a note",
            )
        })
}

/// One rendered overlay or chart: its output as an input, and where each object came from.
#[derive(Debug)]
pub struct Rendered {
    /// The name findings carry, e.g. `apps/prod (kustomize build)`.
    pub name: String,
    /// Object start line in the output → where it was read from.
    origins: Vec<(usize, Origin)>,
}

/// Where one rendered object comes from.
#[derive(Debug, Clone)]
struct Origin {
    /// What findings say it comes from: a file, or a generator and the kustomization configuring it.
    said: String,
    /// The real file that is: the object's file, or the generator's kustomization.
    file: String,
}

/// A finding's place in the rendered output (`overlays/prod (kustomize build)`, line) → its
/// object's place in the repository (file, line).
pub type SourceLocations = BTreeMap<(String, usize), (String, usize)>;

/// What rendering gave: inputs to validate and renders to trace.
#[derive(Debug, Default)]
pub struct Renders {
    pub inputs: Vec<Input>,
    pub rendered: Vec<Rendered>,
}

/// What went wrong with one render, before it becomes the run's one error.
enum Failure {
    /// The tool could not be started or said no: its own first line of stderr.
    Tool(String),
    /// The output broke the input budget or was not text.
    Output(sealgate_core::manifest::ManifestError),
    /// The tool was still running at `--render-timeout` (and was stopped).
    Timeout { label: String, limit: Duration },
}

/// Runs `tool` and reads its standard output as the input `name`, under `budget` (the child is
/// stopped as soon as its output is over it) and within the tool's timeout (stopped then too).
fn run(
    tool: &Tool,
    extra: &[OsString],
    cwd: Option<&Path>,
    name: &str,
    budget: Budget,
) -> Result<Source, Failure> {
    let mut command = Command::new(&tool.program);
    command
        .args(&tool.args)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command
        .spawn()
        .map_err(|e| Failure::Tool(format!("cannot run {}: {e}", tool.program.display())))?;
    // stderr is drained on its own thread so that a chatty tool never blocks on a full pipe.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            text
        })
    });
    // stdout too, so that this thread can watch the clock and the reader's verdict.
    let stdout = child.stdout.take();
    let owned_name = name.to_owned();
    let (sender, verdict) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let read = match stdout {
            Some(stdout) => Source::read(&owned_name, stdout, budget),
            None => Ok(Source::from_text(&owned_name, "")),
        };
        let _ = sender.send(read);
    });
    let deadline = Instant::now() + tool.timeout;
    let timed_out = || Failure::Timeout {
        label: tool.label.clone(),
        limit: tool.timeout,
    };
    let mut read = None;
    let status = loop {
        if read.is_none()
            && let Ok(result) = verdict.try_recv()
        {
            if result.is_err() {
                // Over budget or not text: the rest of the output is not wanted.
                let _ = child.kill();
            }
            read = Some(result);
        }
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(timed_out());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(e),
        }
    }
    .map_err(|e| Failure::Tool(format!("{} did not finish: {e}", tool.label)))?;
    // The tool has ended; what it started may still hold its output open.
    let read = match read {
        Some(read) => read,
        None => verdict
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .map_err(|_| timed_out())?,
    };
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    let source = read.map_err(Failure::Output)?;
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        // The tool's own first line says what is wrong; the rest is usage text or a stack.
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(Failure::Tool(format!(
            "{} failed ({}): {}",
            tool.label,
            status,
            first.trim()
        )));
    }
    Ok(source)
}

/// The run's one error for a render of `what` (an overlay or chart folder) that failed.
fn render_error(failure: Failure, what: &Path, flag: &str) -> CliError {
    let place = format!("rendering {}", shown(what));
    match failure {
        Failure::Tool(message) => CliError::input(
            message,
            place,
            format!(
                "fix it so that the tool renders it on its own, or leave out {flag} to check the folder without rendering"
            ),
        ),
        Failure::Output(error) => CliError::input(&error, place, crate::error::limit_hint(&error)),
        Failure::Timeout { label, limit } => CliError::input(
            format!(
                "{label} was still running after {} s and was stopped (a template or generator that loops?)",
                limit.as_secs()
            ),
            place,
            "raise --render-timeout if it is legitimately slow".to_owned(),
        ),
    }
}

impl Renders {
    /// Renders the kustomization folder `overlay` (absolute) through an origin-annotating wrapper.
    pub fn kustomize(
        &mut self,
        tool: &Tool,
        overlay: &Path,
        budget: Budget,
    ) -> Result<(), CliError> {
        let name = format!("{} ({})", shown(overlay), tool.label);
        let wrapper = tempfile::tempdir().map_err(|e| CliError::write("a temporary folder", e))?;
        let root = normalize(wrapper.path());
        // kustomize refuses an absolute resource: the overlay is named relative to the wrapper.
        let mut relative = PathBuf::new();
        for _ in root.components().skip(1) {
            relative.push("..");
        }
        relative.push(overlay.strip_prefix("/").unwrap_or(overlay));
        let quoted = serde_json::Value::String(relative.display().to_string());
        let text = format!("resources:\n- {quoted}\nbuildMetadata: [originAnnotations]\n");
        let file = root.join("kustomization.yaml");
        std::fs::write(&file, text).map_err(|e| CliError::write(file.display(), e))?;
        let source = run(tool, &[".".into()], Some(&root), &name, budget)
            .map_err(|f| render_error(f, overlay, "--kustomize"))?;
        let origins = kustomize_origins(&source, &root);
        self.inputs.push(Input::Read(source));
        self.rendered.push(Rendered { name, origins });
        Ok(())
    }

    /// Renders the chart folder `chart` (absolute) with `helm template`, values files in order.
    pub fn helm(
        &mut self,
        tool: &Tool,
        chart: &Path,
        values: &[PathBuf],
        budget: Budget,
    ) -> Result<(), CliError> {
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
        let source =
            run(tool, &extra, None, &name, budget).map_err(|f| render_error(f, chart, "--helm"))?;
        let origins = helm_origins(&source, chart);
        self.inputs.push(Input::Read(source));
        self.rendered.push(Rendered { name, origins });
        Ok(())
    }

    /// Names, in each finding about a rendered object, the file the object comes from, and
    /// returns where each such object is in the repository.
    pub fn trace(&self, report: &mut Report) -> SourceLocations {
        let mut locations = SourceLocations::new();
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
            if result.findings.is_empty() {
                continue;
            }
            let line = line_in(
                &origin.file,
                result.subject.kind.as_deref(),
                result.subject.name.as_deref(),
            );
            // Keyed by each finding's own line in the output (the field's, not the object's);
            // two objects never share an output line.
            for finding in &mut result.findings {
                finding
                    .message
                    .push_str(&format!(" (from {})", origin.said));
                locations.insert(
                    (finding.subject.file.clone(), finding.subject.line),
                    (origin.file.clone(), line),
                );
            }
        }
        locations
    }
}

/// The start line of the object of `kind` named `name` (or whose rendered name contains its own,
/// after a `namePrefix`/`nameSuffix`) in the manifest `file`; 1 when the file is no manifest
/// (a Helm template, a kustomization) or does not hold it.
fn line_in(file: &str, kind: Option<&str>, name: Option<&str>) -> usize {
    let (Some(kind), Some(name)) = (kind, name) else {
        return 1;
    };
    let Ok(text) = std::fs::read_to_string(file) else {
        return 1;
    };
    let Ok(manifest) = load(Source::from_text(file, text)) else {
        return 1;
    };
    manifest
        .documents
        .iter()
        .filter(|doc| doc.kind() == Some(kind))
        .filter_map(|doc| {
            let own = doc.value().pointer("/metadata/name")?.as_str()?;
            (!own.is_empty() && name.contains(own)).then_some((own == name, doc.line()))
        })
        // An exact name first, then the first that the rendered name contains.
        .max_by_key(|(exact, line)| (*exact, std::cmp::Reverse(*line)))
        .map_or(1, |(_, line)| line)
}

/// Each object's start line and where its `config.kubernetes.io/origin` annotation says it comes
/// from: the file it was read from (`path`, relative to the wrapper `root`), or the generator that
/// made it and the kustomization that configures it. A JSON 6902 patch makes kustomize replace
/// the origin with the patch transformer's; that names no source file, so nothing is added.
fn kustomize_origins(source: &Source, root: &Path) -> Vec<(usize, Origin)> {
    let Ok(manifest) = load(source.clone()) else {
        return Vec::new();
    };
    manifest
        .documents
        .iter()
        .filter_map(|doc| {
            let annotation = doc
                .value()
                .pointer("/metadata/annotations/config.kubernetes.io~1origin")?
                .as_str()?;
            let origin = load(Source::from_text("origin", annotation))
                .ok()?
                .documents
                .into_iter()
                .next()?
                .into_value();
            let at = |key: &str| {
                let path = origin.get(key)?.as_str()?;
                Some(shown(&normalize(&root.join(path))))
            };
            let from = match at("path") {
                Some(file) => Origin {
                    said: file.clone(),
                    file,
                },
                None => {
                    let by = origin.pointer("/configuredBy/kind")?.as_str()?;
                    if !by.ends_with("Generator") {
                        return None;
                    }
                    let file = at("configuredIn")?;
                    Origin {
                        said: format!("{by} in {file}"),
                        file,
                    }
                }
            };
            Some((doc.line(), from))
        })
        .collect()
}

/// Each object's start line and the template helm names in the `# Source: chart/templates/x.yaml`
/// comment above it, as a path under the chart folder.
fn helm_origins(source: &Source, chart: &Path) -> Vec<(usize, Origin)> {
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
            let file = shown(&chart.join(within));
            Some((
                doc.line(),
                Origin {
                    said: file.clone(),
                    file,
                },
            ))
        })
        .collect()
}
