//! `sealgate validate`: manifests from files, folders or stdin → schema (+ Rego) findings → report.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use regex::Regex;
use sealgate_core::gate::finding::check;
use sealgate_core::gate::rego::{InputDoc, Level, RegoGate};
use sealgate_core::gate::schema::{
    SchemaLocation, SchemaOptions, SchemaSet, collect_manifest_files,
};
use sealgate_core::gate::validate::{Input, check_sources, register_crds};
use sealgate_core::gate::{Finding, Report, ResourceResult, Severity, Status, Subject};
use sealgate_core::manifest::{Document, ManifestError, Source};

use crate::cli::ValidateArgs;
use crate::error::{CliError, Outcome};
use crate::policy_test::{rego_error, rego_options};
use crate::validate_output::{RunInfo, render};

/// Everything `validate` was asked to read; each file is read (and refused if unreadable) here.
fn gather_inputs(args: &ValidateArgs, ignore: &[Regex]) -> Result<Vec<Input>, CliError> {
    let max = args.max_file_size_mib.saturating_mul(1024 * 1024);
    let mut sources = Vec::new();
    let mut stdin_used = false;
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
            sources.push(Input::Read(
                Source::read(&name, stdin.lock(), max).map_err(manifest_error)?,
            ));
            continue;
        }
        let path = PathBuf::from(raw);
        let meta = std::fs::metadata(&path).map_err(|e| CliError::read(raw, e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            collect_manifest_files(&path, &mut files).map_err(|e| CliError::read(raw, e))?;
            files.sort();
            for file in files.into_iter().filter(|f| !is_ignored(f, ignore)) {
                sources.push(read_file(&file, max)?);
            }
        } else {
            sources.push(read_file(&path, max)?);
        }
    }
    Ok(sources)
}

fn is_ignored(path: &Path, ignore: &[Regex]) -> bool {
    let text = path.to_string_lossy();
    ignore.iter().any(|re| re.is_match(&text))
}

fn read_file(path: &Path, max: u64) -> Result<Input, CliError> {
    Input::file(path, max).map_err(manifest_error)
}

fn manifest_error(e: ManifestError) -> CliError {
    match e {
        ManifestError::Io { file, source } => CliError::read(file, source),
        too_large @ ManifestError::TooLarge { .. } => CliError::usage(
            too_large.to_string(),
            "split it, raise --max-file-size-mib, or leave it out with --ignore",
        ),
        other => CliError::usage(
            other.to_string(),
            "pass Kubernetes manifests (YAML or JSON text), or leave the file out with --ignore",
        ),
    }
}

/// Typed request: flags checked for conflicts and converted once.
struct Request {
    schema: SchemaOptions,
    ignore: Vec<Regex>,
    jobs: usize,
}

fn request(args: &ValidateArgs) -> Result<Request, CliError> {
    let locations = args
        .schema_location
        .iter()
        .map(|l| {
            SchemaLocation::parse(l)
                .map_err(|e| CliError::usage(e.to_string(), "see `sealgate validate --help`"))
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
    let jobs = match args.jobs {
        Some(0) => return Err(CliError::usage("-j 0", "use at least one worker")),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok(Request {
        schema: SchemaOptions {
            kubernetes_version: args.kubernetes_version.clone(),
            strict: args.strict,
            locations,
            crd_paths: args.crd.clone(),
            ignore_missing_schemas: args.ignore_missing_schemas,
        },
        ignore,
        jobs,
    })
}

pub fn run(args: ValidateArgs) -> Result<Outcome, CliError> {
    let req = request(&args)?;
    let mut schemas = SchemaSet::new(req.schema.clone())
        .map_err(|e| CliError::usage(e.to_string(), "see `sealgate validate --help`"))?;
    let rego = if args.policy.policy.is_empty() {
        None
    } else {
        Some(
            RegoGate::load(rego_options(&args.policy, serde_json::json!({})))
                .map_err(|e| rego_error(&e))?,
        )
    };

    let sources = gather_inputs(&args, &req.ignore)?;
    let mut report = Report {
        files: sources.len(),
        ..Report::default()
    };
    register_crds(&mut schemas, &sources, req.jobs);
    // Documents are kept only for Rego; a schema-only run streams through them.
    let checked = check_sources(sources, &schemas, req.jobs, rego.is_some());
    let mut docs: Vec<Document> = Vec::new();
    // One exact allocation for every result (with room for the per-file errors and the combined
    // Rego input): this vector is the largest thing a big schema-only run holds at the end.
    let capacity = checked
        .iter()
        .map(|c| c.as_ref().map_or(1, |c| c.results.len()))
        .sum::<usize>()
        + 1;
    let mut results: Vec<ResourceResult> = Vec::with_capacity(capacity);
    for result in checked {
        match result {
            Ok(mut checked) => {
                report.empty += checked.empty;
                results.append(&mut checked.results);
                docs.append(&mut checked.documents);
            }
            Err(ManifestError::Yaml {
                file,
                line,
                column,
                message,
            }) => {
                let subject = Subject::file(&file, line);
                let mut finding = Finding::new(
                    Severity::Error,
                    check::PARSE,
                    format!("invalid YAML: {message}"),
                    &subject,
                );
                finding.column = Some(column);
                report
                    .resources
                    .push(ResourceResult::error(subject, finding));
            }
            Err(other) => {
                let name = other.location().0.to_owned();
                return Err(CliError::usage(
                    other.to_string(),
                    format!("fix or --ignore {name}"),
                ));
            }
        }
    }

    if let Some(gate) = &rego {
        let inputs: Vec<InputDoc<'_>> = docs
            .iter()
            .map(|d| InputDoc {
                file: d.file(),
                line: d.line(),
                value: d.value(),
            })
            .collect();
        let evaluation = gate
            .evaluate(&inputs, req.jobs)
            .map_err(|e| rego_error(&e))?;
        for (i, outcome) in evaluation.docs.iter().enumerate() {
            let (Some(doc), Some(result)) = (docs.get(i), results.get_mut(i)) else {
                continue;
            };
            for pf in &outcome.findings {
                let mut f = Finding::new(
                    severity(pf.level),
                    &pf.policy,
                    pf.message.clone(),
                    &Subject::of(doc),
                );
                if let Some((file, line)) = &pf.location {
                    f.file = file.clone();
                    f.line = *line;
                }
                result.findings.push(f);
            }
            if result.status == Status::Valid
                && result
                    .findings
                    .iter()
                    .any(|f| f.severity == Severity::Error)
            {
                result.status = Status::Invalid;
            }
        }
        if let Some(combined) = &evaluation.combined
            && !combined.findings.is_empty()
        {
            let subject = Subject::file("<combined input>", 0);
            let findings: Vec<Finding> = combined
                .findings
                .iter()
                .map(|pf| {
                    Finding::new(severity(pf.level), &pf.policy, pf.message.clone(), &subject)
                })
                .collect();
            report
                .resources
                .push(ResourceResult::checked(subject, findings));
        }
    }
    results.append(&mut report.resources);
    report.resources = results;
    report.sort();

    let info = RunInfo {
        kubernetes_version: schemas.kubernetes_version(),
        strict: args.strict,
        policies: !args.policy.policy.is_empty(),
    };
    let text = render(&report, args.output, &info);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)?;
    Ok(if report.failed(args.fail_on_warn) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Failure => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::DryRun => Severity::Note,
    }
}
