//! `sealgate validate`: manifests from files, folders or stdin → schema (+ Rego) findings → report.

mod clusters;
mod output;
mod render;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use clap::ArgMatches;
use regex::Regex;
use sealgate_core::gate::parsers::{Context, Parser};
use sealgate_core::gate::{
    Input, RegoOptions, ResourceResult, SchemaLocation, SchemaOptions, Subject, Validator,
};
use sealgate_core::layout::{self, Layout, Role};
use sealgate_core::manifest::{Budget, ManifestError, Source};
use sealgate_core::walk;

use self::output::{RunInfo, render};
use self::render::Renders;
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::conftest_config;
use crate::error::{CliError, Outcome, schema_error, validate_error};
use crate::policy_flags::{parser_context, rego_options};

/// What `validate` was asked to read: inputs for the validator, the files and charts skipped
/// with a note, and the renders whose findings are traced back to their source files.
struct Gathered {
    inputs: Vec<Input>,
    skipped: Vec<ResourceResult>,
    renders: Renders,
    /// The manifest files read as they are (not through a render), for the cluster check.
    files: Vec<PathBuf>,
}

/// Everything `validate` was asked to read; each file is read (and refused if unreadable) here,
/// after [`Layout`] says what role it plays (manifest, kustomization, a file a kustomization names,
/// part of a Helm chart).
fn gather_inputs(
    args: &ValidateArgs,
    ignore: &[Regex],
    context: &Context,
) -> Result<Gathered, CliError> {
    let max = args.limits.budget();
    // Tools first: a missing one stops the run before any reading.
    let timeout = std::time::Duration::from_secs(args.render_timeout);
    let kustomize = args
        .kustomize
        .then(|| render::kustomize(timeout))
        .transpose()?;
    let helm = args.helm.then(|| render::helm(timeout)).transpose()?;
    let mut inputs = Vec::new();
    // As conftest, policies also judge the configuration files a folder holds (Terraform,
    // Dockerfiles, …); a schema-only run walks folders for manifests alone.
    let configs = !args.policy.policy.is_empty();
    let mut stdin_used = false;
    // Files in argument order, and the folders (absolute) whose overlays are rendered.
    let mut files: Vec<PathBuf> = Vec::new();
    let mut overlay_roots: Vec<PathBuf> = Vec::new();
    for raw in &args.paths {
        if raw == "-" {
            if stdin_used {
                return Err(CliError::usage("stdin (-) given twice", "pass - once"));
            }
            stdin_used = true;
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".to_owned());
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err(CliError::usage(
                    "validate - reads manifests from stdin, but stdin is a terminal",
                    "pipe manifests in, e.g. `kustomize build . | sealgate validate -`",
                ));
            }
            let source = Source::read(&name, stdin.lock(), max).map_err(manifest_error)?;
            inputs.push(match args.parser.filter(|p| !p.is_manifest()) {
                Some(parser) => Input::Config {
                    source,
                    parser,
                    context: context.clone(),
                },
                None => Input::Read(source),
            });
            continue;
        }
        let path = PathBuf::from(raw);
        let meta = std::fs::metadata(&path).map_err(|e| CliError::read(raw, e))?;
        if meta.is_dir() {
            // the files conftest has a parser for by name (`--parser` changes how a file is
            // read, not which files a folder holds)
            let found = walk::files_where(&path, |f| {
                walk::is_manifest_file(f) || (configs && config_parser(f, None).is_some())
            })
            .map_err(|e| CliError::read(raw, e.source))?;
            for file in found.into_iter().filter(|f| !is_ignored(f, ignore)) {
                match config_parser(&file, args.parser) {
                    Some(parser) => inputs.push(read_config(&file, parser, context, max)?),
                    None => files.push(file),
                }
            }
            overlay_roots.push(layout::normalize(&path));
        } else if let Some(parser) = config_parser(&path, args.parser) {
            inputs.push(read_config(&path, parser, context, max)?);
        } else {
            if layout::is_kustomization_file(&path) {
                // `kustomization.yaml` alone has the empty parent: the working folder.
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
                overlay_roots.push(layout::normalize(dir.unwrap_or(Path::new("."))));
            }
            files.push(path);
        }
    }
    let mut layout = Layout::around(files.iter().map(PathBuf::as_path));
    let mut skipped = Vec::new();
    let mut charts: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut read = Vec::new();
    for file in &files {
        match layout.role(file) {
            Role::Chart { chart } => *charts.entry(chart).or_default() += 1,
            role @ (Role::Named { .. } | Role::ToolConfig { .. }) => {
                let reason = role.skip_reason().unwrap_or_default();
                skipped.push(ResourceResult::skipped(
                    Subject::file(&file.display().to_string(), 1),
                    reason,
                    Vec::new(),
                ));
            }
            // Rendering checks a kustomization's resources in its output, once, as kustomize
            // changes them; the raw file would repeat every finding.
            Role::Manifest
                if kustomize.is_some() && layout.is_rendered_resource(file, &overlay_roots) => {}
            Role::Manifest | Role::Kustomization => {
                inputs.push(read_file(file, max)?);
                read.push(file.clone());
            }
        }
    }
    let mut renders = Renders::default();
    if let Some(tool) = &kustomize {
        let mut done = std::collections::BTreeSet::new();
        for root in &overlay_roots {
            for overlay in layout.overlays_under(root) {
                if done.insert(overlay.clone())
                    && let Some(k) = layout.kustomization(&overlay)
                    && !k.component
                {
                    renders.kustomize(tool, &overlay, max)?;
                }
            }
        }
    }
    for (chart, count) in charts {
        match &helm {
            Some(tool) => renders.helm(tool, &chart, &args.values, max)?,
            None => {
                let name = chart.file_name().map(|n| n.to_string_lossy().into_owned());
                let subject = Subject {
                    kind: Some("Chart".to_owned()),
                    name,
                    ..Subject::file(&layout::shown(&chart.join(layout::CHART_FILE)), 1)
                };
                skipped.push(ResourceResult::skipped(
                    subject,
                    format!(
                        "Helm chart ({count} {}): templates, not manifests; pass --helm to render it with helm template",
                        if count == 1 { "file" } else { "files" }
                    ),
                    Vec::new(),
                ));
            }
        }
    }
    inputs.append(&mut renders.inputs);
    Ok(Gathered {
        inputs,
        skipped,
        renders,
        files: read,
    })
}

fn is_ignored(path: &Path, ignore: &[Regex]) -> bool {
    let text = path.to_string_lossy();
    ignore.iter().any(|re| re.is_match(&text))
}

/// The parser of a configuration file (no manifest): `--parser`'s, else the one conftest picks by
/// the file's name; `None` for manifests (YAML, JSON) and names sealgate has no parser for.
fn config_parser(path: &Path, forced: Option<Parser>) -> Option<Parser> {
    forced
        .or_else(|| Parser::for_path(path))
        .filter(|p| !p.is_manifest())
}

fn read_config(
    path: &Path,
    parser: Parser,
    context: &Context,
    max: Budget,
) -> Result<Input, CliError> {
    let source = Source::read_path(path, max).map_err(manifest_error)?;
    Ok(Input::Config {
        source,
        parser,
        context: context.for_file(path),
    })
}

fn read_file(path: &Path, max: Budget) -> Result<Input, CliError> {
    Input::file(path, max).map_err(manifest_error)
}

fn manifest_error(e: ManifestError) -> CliError {
    match e {
        ManifestError::Io { file, source } => CliError::read(file, source),
        too_large @ ManifestError::TooLarge { .. } => CliError::usage(
            too_large.to_string(),
            "split it, raise --max-file-size-mib, or leave it out with --ignore",
        ),
        limit @ (ManifestError::AliasExpansion { .. } | ManifestError::TooManyDocuments { .. }) => {
            let hint = crate::error::limit_hint(&limit);
            CliError::usage(limit.to_string(), hint)
        }
        other => CliError::usage(
            other.to_string(),
            "pass Kubernetes manifests (YAML or JSON text), or leave the file out with --ignore",
        ),
    }
}

/// Typed request: flags checked for conflicts and converted once.
struct Request {
    schema: SchemaOptions,
    /// `None`: no `--policy`, a schema-only run.
    policies: Option<RegoOptions>,
    ignore: Vec<Regex>,
    /// `-j`; one worker per core when not given.
    jobs: Option<usize>,
    /// How configuration files are read: `--proto-file-dirs` loaded, Jsonnet in a bounded child.
    context: Context,
}

fn request(args: &ValidateArgs) -> Result<Request, CliError> {
    let locations = args
        .schema_location
        .iter()
        .map(|l| {
            SchemaLocation::parse(l).map_err(|e| schema_error(&e, "see `sealgate validate --help`"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ignore = args
        .ignore
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                CliError::usage(
                    format!("--ignore {p:?} is not a valid regex: {e}"),
                    "use a regular expression matched against file paths",
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if args.jobs == Some(0) {
        return Err(CliError::usage("-j 0", "use at least one worker"));
    }
    // Loaded once, shared by every file and by the policies' `parse_config*`; a folder that
    // cannot be loaded is each textproto file's refusal (as in conftest, a run without one never
    // sees it).
    let context = parser_context(&args.proto_file_dirs);
    let policies = (!args.policy.policy.is_empty()).then(|| RegoOptions {
        parsers: context.clone(),
        ..rego_options(&args.policy, serde_json::json!({}))
    });
    Ok(Request {
        schema: SchemaOptions {
            kubernetes_version: args.kubernetes_version.clone(),
            strict: args.strict,
            locations,
            crd_paths: args.crd.clone(),
            ignore_missing_schemas: args.ignore_missing_schemas,
        },
        policies,
        ignore,
        jobs: args.jobs,
        context,
    })
}

/// `validate`; `given` are its matches, which say which flags the command line set (conftest's
/// settings fill in the others).
pub fn run(mut args: ValidateArgs, given: &ArgMatches) -> Result<Outcome, CliError> {
    if let Some(file) = conftest_config::apply_to_validate(&mut args, given)? {
        eprintln!("note: conftest settings from {}", file.display());
    }
    let req = request(&args)?;
    let mut validator = Validator::new(req.schema, req.policies).map_err(|e| validate_error(&e))?;
    if let Some(jobs) = req.jobs {
        validator = validator.with_jobs(jobs);
    }
    let cluster_check = clusters::load(args.config.as_deref())?;
    let Gathered {
        inputs,
        skipped,
        renders,
        files,
    } = gather_inputs(&args, &req.ignore, &req.context)?;
    let mut report = validator.validate(inputs).map_err(|e| validate_error(&e))?;
    let sources = renders.trace(&mut report);
    if let Some(check) = &cluster_check {
        check.apply(&files, &mut report);
    }
    report.files += skipped.len();
    report.resources.extend(skipped);
    report.sort();
    report.cap_findings(args.max_findings);

    let info = RunInfo {
        kubernetes_version: validator.kubernetes_version(),
        max_findings: args.max_findings,
        catalog: validator.catalog_used(),
        strict: args.strict,
        policies: !args.policy.policy.is_empty(),
        sources,
    };
    let text = render(&report, args.output, &info);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)?;
    // formats without a summary line (JSON has `omittedFindings`) say it on stderr
    if report.omitted_findings > 0
        && !matches!(args.output, ValidateFormat::Text | ValidateFormat::Github)
    {
        eprintln!(
            "note: {}",
            output::omitted(&report, &info).trim_start_matches("; ")
        );
    }
    Ok(if report.failed(args.fail_on_warn) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
