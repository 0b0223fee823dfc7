//! `Validator`: the gate's one entry point. Schemas and policies compiled once; a run's inputs in,
//! one [`Report`] out.

use serde_json::Value;

use crate::manifest::{Document, ManifestError};

use super::finding::{Finding, Origin, Severity, Subject, check};
use super::kustomization;
use super::rego::{
    DocOutcome, InputDoc, Level, PolicyError, PolicyFinding, RegoError, RegoGate, RegoOptions,
};
use super::report::{Report, ResourceResult, Status};
use super::schema::{SchemaError, SchemaOptions, SchemaSet};
use super::validate::{CheckedSource, ConfigFile, Input, check_sources, register_crds};

/// The subject of findings about the combined input (conftest `--combine`), which no one document owns.
pub const COMBINED_INPUT: &str = "<combined input>";

/// What stops a validation run (a problem *in* a manifest is a [`Finding`], not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValidateError {
    /// The schema options cannot be used (unknown Kubernetes version, bad location, `crd_paths`).
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// Policies that do not load, or whose evaluation fails.
    #[error(transparent)]
    Rego(#[from] RegoError),
    /// An input that cannot be read as manifests at all (a YAML syntax error is a finding instead).
    #[error(transparent)]
    Input(#[from] ManifestError),
}

/// Stack of each evaluation thread: 1,000 chained rules took about 5 MB in a debug build.
const EVAL_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Schemas (built-in, CRDs, locations) and optional Rego policies, compiled once and shared by
/// every worker of a run.
///
/// ```
/// use sealgate_core::gate::{Input, SchemaOptions, Status, Validator};
/// use sealgate_core::manifest::Source;
///
/// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n";
/// let mut validator = Validator::new(SchemaOptions::default(), None)?;
/// let report = validator.validate(vec![Input::Read(Source::from_text("cm.yaml", text))])?;
/// assert_eq!(report.resources[0].status, Status::Valid);
/// assert!(!report.failed(false));
/// # Ok::<(), sealgate_core::gate::ValidateError>(())
/// ```
#[derive(Debug)]
pub struct Validator {
    schemas: SchemaSet,
    rego: Option<RegoGate>,
    jobs: usize,
}

impl Validator {
    /// Compiles the schema options, then the policies (`None`: a schema-only run). Uses every
    /// core; see [`Validator::with_jobs`].
    pub fn new(
        schema: SchemaOptions,
        policies: Option<RegoOptions>,
    ) -> Result<Self, ValidateError> {
        let schemas = SchemaSet::new(schema)?;
        let rego = policies.map(RegoGate::load).transpose()?;
        let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Validator {
            schemas,
            rego,
            jobs,
        })
    }

    /// Runs with `jobs` workers (at least 1) instead of one per core.
    #[must_use]
    pub fn with_jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// The Kubernetes version whose built-in schemas are used, as `1.35.4`.
    pub fn kubernetes_version(&self) -> &'static str {
        self.schemas.kubernetes_version()
    }

    /// Catalog projects whose CRD schemas judged a kind so far, as `argo-cd v3.6.2`.
    pub fn catalog_used(&self) -> Vec<String> {
        self.schemas.catalog_used()
    }

    /// Checks every input against the schemas and the policies; results come back sorted by file
    /// and line, whatever the worker count. CRDs among the inputs are registered first (every
    /// input validates against them) and stay registered for later runs of this validator.
    pub fn validate(&mut self, inputs: Vec<Input>) -> Result<Report, ValidateError> {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs)
            // regorus evaluates a chain of rules by recursion: the longest chain a policy may
            // have (rego::MAX_CHAIN) needs more than the default 2 MiB (reserved, not touched)
            .stack_size(EVAL_STACK_BYTES)
            .build()
        {
            Ok(pool) => pool.install(|| self.run(inputs)),
            // No threads to be had: the caller's thread does the work alone.
            Err(_) => self.run(inputs),
        }
    }

    fn run(&mut self, inputs: Vec<Input>) -> Result<Report, ValidateError> {
        let mut report = Report {
            files: inputs.len(),
            ..Report::default()
        };
        register_crds(&mut self.schemas, &inputs);
        // Documents are kept only for Rego; a schema-only run streams through them.
        let checked = check_sources(inputs, &self.schemas, self.jobs, self.rego.is_some());
        let mut docs: Vec<Document> = Vec::new();
        // Files without a single object: conftest still evaluates its policies once on each,
        // with `input` null (a rule that does not look at the input fires there too).
        let mut empty_files: Vec<String> = Vec::new();
        // Configuration files (conftest's other parsers): judged by policies only.
        let mut configs: Vec<ConfigDocs> = Vec::new();
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
                Ok(CheckedSource {
                    file,
                    config: Some(ConfigFile { parser, documents }),
                    ..
                }) => match documents {
                    Ok(documents) => configs.push(ConfigDocs {
                        file,
                        parser: parser.name(),
                        documents,
                    }),
                    Err(message) => {
                        // the parsers' messages start with their name (for parse_config's
                        // errors); said once here
                        let name = parser.name();
                        let message = message
                            .strip_prefix(name)
                            .and_then(|m| m.strip_prefix(": "))
                            .unwrap_or(&message);
                        let subject = Subject::file(&file, leading_line(message).unwrap_or(1));
                        let finding = Finding::new(
                            Severity::Error,
                            check::PARSE,
                            format!("invalid {name} file: {message}"),
                            &subject,
                        );
                        report
                            .resources
                            .push(ResourceResult::error(subject, finding));
                    }
                },
                Ok(mut checked) => {
                    report.empty += checked.empty;
                    if checked.results.is_empty() {
                        empty_files.push(checked.file);
                    }
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
                Err(other) => return Err(other.into()),
            }
        }
        if let Some(gate) = &self.rego {
            // `check_sources` gives one result per document, in document order.
            apply_policies(gate, &docs, &configs, &mut results, &mut report.resources)?;
            apply_policies_to_empty_files(gate, &empty_files, &mut report.resources)?;
        } else {
            report.resources.extend(configs.iter().map(|c| {
                ResourceResult::skipped(
                    Subject::file(&c.file, 1),
                    format!(
                        "{} file, not a Kubernetes manifest: only policies (--policy) judge it",
                        c.parser
                    ),
                    Vec::new(),
                )
            }));
        }
        results.append(&mut report.resources);
        report.resources = results;
        report.sort();
        Ok(report)
    }
}

/// A configuration file's documents, as one of conftest's parsers read them.
struct ConfigDocs {
    file: String,
    parser: &'static str,
    documents: Vec<Value>,
}

/// Evaluates the documents and adds the policy findings to their results (`results[i]` is the
/// result of `docs[i]`). Each configuration file (evaluated with them, so `--combine` sees it too)
/// and the combined input become results of their own in `extra`.
fn apply_policies(
    gate: &RegoGate,
    docs: &[Document],
    configs: &[ConfigDocs],
    results: &mut [ResourceResult],
    extra: &mut Vec<ResourceResult>,
) -> Result<(), RegoError> {
    // Policies judge Kubernetes objects; kustomize's own files are not objects (their schema
    // check is all they get), so a rule such as "every object has an owner label" leaves them be.
    let (docs, results): (Vec<&Document>, Vec<&mut ResourceResult>) = docs
        .iter()
        .zip(results.iter_mut())
        .filter(|(doc, _)| !kustomization::applies(doc))
        .unzip();
    let inputs: Vec<InputDoc<'_>> = docs
        .iter()
        .map(|d| InputDoc {
            file: d.file(),
            line: d.line(),
            value: d.value(),
        })
        .chain(configs.iter().flat_map(|c| {
            c.documents.iter().map(|value| InputDoc {
                file: &c.file,
                line: 1,
                value,
            })
        }))
        .collect();
    let evaluation = gate.evaluate(&inputs)?;
    let mut outcomes = evaluation.docs.iter();
    let count = docs.len();
    for ((doc, result), outcome) in docs
        .into_iter()
        .zip(results)
        .zip(outcomes.by_ref().take(count))
    {
        let subject = Subject::of(doc);
        result.findings.extend(
            outcome
                .findings
                .iter()
                .map(|pf| policy_finding(pf, &subject)),
        );
        result
            .findings
            .extend(outcome.errors.iter().map(|e| policy_error(e, &subject)));
        if !outcome.errors.is_empty() {
            // Not fully checked: one of its policies could not be evaluated.
            result.status = Status::Error;
        } else if result.status == Status::Valid
            && result
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error)
        {
            result.status = Status::Invalid;
        }
    }
    for config in configs {
        let outcomes: Vec<&DocOutcome> = outcomes.by_ref().take(config.documents.len()).collect();
        let subject = Subject::file(&config.file, 1);
        let findings: Vec<Finding> = outcomes
            .iter()
            .flat_map(|o| o.findings.iter().map(|pf| policy_finding(pf, &subject)))
            .chain(
                outcomes
                    .iter()
                    .flat_map(|o| o.errors.iter().map(|e| policy_error(e, &subject))),
            )
            .collect();
        let mut result = ResourceResult::checked(subject, findings);
        if outcomes.iter().any(|o| !o.errors.is_empty()) {
            result.status = Status::Error;
        }
        extra.push(result);
    }
    if let Some(combined) = &evaluation.combined {
        extra.extend(result_of_its_own(
            Subject::file(COMBINED_INPUT, 0),
            combined,
        ));
    }
    Ok(())
}

/// The findings and errors of an input that is no resource of a file (the combined input, a file
/// without objects) as a result of its own; `None` when there are none.
fn result_of_its_own(subject: Subject, outcome: &DocOutcome) -> Option<ResourceResult> {
    if outcome.findings.is_empty() && outcome.errors.is_empty() {
        return None;
    }
    let findings = outcome
        .findings
        .iter()
        .map(|pf| policy_finding(pf, &subject))
        .chain(outcome.errors.iter().map(|e| policy_error(e, &subject)))
        .collect();
    let mut result = ResourceResult::checked(subject, findings);
    if !outcome.errors.is_empty() {
        result.status = Status::Error;
    }
    Some(result)
}

/// Evaluates the policies once per file that holds no object, with `input` null, as conftest does;
/// a file with findings becomes a result of its own (line 1). Such files take no part in the
/// combined input.
fn apply_policies_to_empty_files(
    gate: &RegoGate,
    files: &[String],
    extra: &mut Vec<ResourceResult>,
) -> Result<(), RegoError> {
    if files.is_empty() {
        return Ok(());
    }
    let null = Value::Null;
    let inputs: Vec<InputDoc<'_>> = files
        .iter()
        .map(|file| InputDoc {
            file,
            line: 1,
            value: &null,
        })
        .collect();
    let evaluation = gate.evaluate(&inputs)?;
    for (file, outcome) in files.iter().zip(&evaluation.docs) {
        extra.extend(result_of_its_own(Subject::file(file, 1), outcome));
    }
    Ok(())
}

/// conftest deny/violation and Gatekeeper deny fail the run; warn warns; Gatekeeper dryrun is a note.
fn severity(level: Level) -> Severity {
    match level {
        Level::Failure => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::DryRun => Severity::Note,
    }
}

/// A rule that failed to evaluate for `subject`: an error finding under the rule's name.
fn policy_error(e: &PolicyError, subject: &Subject) -> Finding {
    Finding::new(Severity::Error, &e.policy, e.error.to_string(), subject)
}

/// A policy result as a gate finding about `subject`. A position the policy chose itself
/// (conftest `_loc`) in the subject's file wins over the subject's line; one in another file is
/// the finding's origin, and the finding stays on the file that was tested (conftest ≥ 0.64 does
/// both: its GitHub output annotates both files).
fn policy_finding(pf: &PolicyFinding, subject: &Subject) -> Finding {
    let mut finding = Finding::new(severity(pf.level), &pf.policy, pf.message.clone(), subject);
    if let Some((file, line)) = &pf.location {
        if !file.is_empty() && !same_file(file, &subject.file) {
            finding.origin = Some(Origin {
                file: file.clone(),
                line: *line,
            });
        } else if *line > 0 {
            finding.subject.line = *line;
        }
    }
    finding
}

/// Whether a file a policy names is the subject's file (`./a.yaml` and `a.yaml` are one).
fn same_file(named: &str, subject: &str) -> bool {
    let clean = |s: &str| std::path::absolute(s).unwrap_or_else(|_| s.into());
    clean(named) == clean(subject)
}

/// The line a parser's refusal starts with (`line 12, column 3: …`, `line 12: …`), for the
/// finding's place; a refusal about an imported file or the whole file names none.
fn leading_line(message: &str) -> Option<usize> {
    let rest = message.strip_prefix("line ")?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    rest[..digits].parse().ok().filter(|&n| n > 0)
}

#[cfg(test)]
mod tests;
