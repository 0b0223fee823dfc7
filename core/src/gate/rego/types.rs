//! The Rego gate's public vocabulary: options in, per-document outcomes and policy findings out.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use super::engine::RegoVersion;
use super::error::RegoError;
use super::load::PolicySource;

/// How bad a policy result is: conftest `deny`/`violation` and Gatekeeper `deny` fail the run,
/// `warn` does not (unless the caller says so), Gatekeeper `dryrun` is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Failure,
    Warning,
    DryRun,
}

/// One policy result about one input document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFinding {
    /// Index of the document in the slice given to [`super::RegoGate::evaluate`]; `None` in combine mode.
    pub doc: Option<usize>,
    pub level: Level,
    /// `main.deny_latest`, `sealgate.no_plaintext_secrets.deny`, or `K8sRequiredLabels/must-have-owner`.
    pub policy: String,
    pub message: String,
    /// A position the policy chose itself (conftest `_loc`), which overrides the document's.
    pub location: Option<(String, usize)>,
    /// Everything else the policy returned (conftest metadata with `query`, Gatekeeper `details`).
    pub metadata: Value,
}

/// A rule that could not be evaluated for one document (a genuine runtime error, a time-limit
/// hit, a result of the wrong shape): reported for that rule and document, the others go on.
#[derive(Debug)]
pub struct PolicyError {
    /// `main.deny`, like [`PolicyFinding::policy`].
    pub policy: String,
    /// What went wrong; its message names the query, the document, the position.
    pub error: RegoError,
}

/// Counts and findings for one input document (or the combined input).
#[derive(Debug, Default)]
pub struct DocOutcome {
    pub findings: Vec<PolicyFinding>,
    /// Rules that failed to evaluate for this document.
    pub errors: Vec<PolicyError>,
    /// Rules evaluated without error for this document (0 with errors: nothing could be judged).
    pub evaluated: usize,
    /// conftest-style passed checks (successes as conftest counts them).
    pub successes: usize,
    /// Results waived by an `exception` rule.
    pub exceptions: usize,
}

/// The result of one run: one outcome per input document, plus the combined input's in combine mode.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub docs: Vec<DocOutcome>,
    pub combined: Option<DocOutcome>,
}

impl Evaluation {
    /// Every finding, documents first.
    pub fn findings(&self) -> impl Iterator<Item = &PolicyFinding> {
        self.docs
            .iter()
            .chain(self.combined.iter())
            .flat_map(|o| o.findings.iter())
    }
}

/// One input document as the gate sees it: its parsed value and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct InputDoc<'a> {
    pub file: &'a str,
    pub line: usize,
    pub value: &'a Value,
}

/// What `--policy`, `--data`, `--namespace`… asked for.
#[derive(Debug, Clone)]
pub struct RegoOptions {
    pub policies: Vec<PolicySource>,
    pub data: Vec<PathBuf>,
    /// conftest `--namespace` (globs allowed); empty means `main`.
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub rego_version: RegoVersion,
    /// conftest `--combine`: one evaluation with `input` = `[{path, contents}]`.
    pub combine: bool,
    /// Wall-clock limit for a single rule evaluation.
    pub timeout: Duration,
    /// Extra data for the built-in policies, placed under `data.sealgate` (e.g. the sealing cert's key size).
    pub builtin_data: Value,
    /// The sealing certificate (PEM): `data.sealgate.cert.modulus_bytes` lets sealedsecret-sanity
    /// check that every blob was sealed for this cert's key size.
    pub sealing_cert: Option<PathBuf>,
    /// Folders that conftest's `parse_config_file` builtins may read besides the policy and data
    /// folders (`--allow-file-access`).
    pub allow_file_access: Vec<PathBuf>,
    /// OPA's capabilities file (`--capabilities`): policies using a builtin it does not list are
    /// refused at load time, as OPA refuses them.
    pub capabilities: Option<PathBuf>,
    /// How `parse_config*` read their text: the protobuf message types of `--proto-file-dirs`
    /// (as `conftest test` gives them its flag's types too) and the bounded Jsonnet child, as
    /// `validate` reads its input files. Its `dir` is ignored: each file builtin sets its file's.
    pub parsers: crate::gate::parsers::Context,
}

impl Default for RegoOptions {
    fn default() -> Self {
        Self {
            policies: Vec::new(),
            data: Vec::new(),
            namespaces: Vec::new(),
            all_namespaces: false,
            rego_version: RegoVersion::V1,
            combine: false,
            timeout: Duration::from_secs(5),
            builtin_data: json!({}),
            sealing_cert: None,
            allow_file_access: Vec::new(),
            capabilities: None,
            parsers: crate::gate::parsers::Context::default(),
        }
    }
}
