//! Data-driven policy cases (`cases.yaml` next to a policy): inputs with the exact messages they must produce.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::RegoError;
use super::{
    DocOutcome, InputDoc, Level, PolicySource, RegoGate, RegoOptions, builtin_policies, load,
};

/// One case of a `cases.yaml` file.
#[derive(Debug, Clone)]
pub struct PolicyCase {
    pub name: String,
    pub input: Value,
    /// Merged under `data.sealgate` (e.g. `{cert: {modulus_bytes: 512}}`).
    pub data: Value,
    pub deny: Vec<String>,
    pub warn: Vec<String>,
}

/// Reads a case file. `deny` and `warn` are both required: an omitted expectation is an error,
/// so a case can never pass by saying nothing.
pub fn parse_cases(file: &str, text: &str) -> Result<Vec<PolicyCase>, RegoError> {
    let bad = |message: String| RegoError::Data {
        path: file.to_string(),
        message,
    };
    let doc: Value =
        serde_saphyr::from_str(text).map_err(|e| bad(crate::manifest::redact::yaml_error(&e)))?;
    let cases = doc
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("top-level `cases:` list is missing".to_string()))?;
    let strings = |case: &Value, name: &str, field: &str| -> Result<Vec<String>, RegoError> {
        let list = case.get(field).and_then(Value::as_array).ok_or_else(|| {
            bad(format!(
                "case {name:?}: `{field}:` (a list, [] for none) is required"
            ))
        })?;
        list.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("case {name:?}: `{field}` entries must be strings")))
            })
            .collect()
    };
    cases
        .iter()
        .map(|case| {
            let name = case
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("every case needs a `name`".to_string()))?
                .to_string();
            let input = case
                .get("input")
                .cloned()
                .ok_or_else(|| bad(format!("case {name:?}: `input:` is required")))?;
            Ok(PolicyCase {
                deny: strings(case, &name, "deny")?,
                warn: strings(case, &name, "warn")?,
                data: case
                    .get("data")
                    .cloned()
                    .unwrap_or_else(|| serde_json::json!({})),
                input,
                name,
            })
        })
        .collect()
}

/// The verdict on one case: `Ok` or what differed.
#[derive(Debug, Clone)]
pub struct CaseRun {
    /// The policy folder or `builtin:NAME`.
    pub policy: String,
    pub case: String,
    pub result: Result<(), String>,
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn level_messages(outcome: &DocOutcome, level: Level) -> Vec<String> {
    sorted(
        outcome
            .findings
            .iter()
            .filter(|f| f.level == level)
            .map(|f| f.message.clone())
            .collect(),
    )
}

/// Runs the cases of one policy source: each case gets a fresh gate (its `data` differs).
fn run_source(label: &str, source: PolicySource, cases: Vec<PolicyCase>) -> Vec<CaseRun> {
    cases
        .into_iter()
        .map(|case| {
            let result = (|| -> Result<(), String> {
                let gate = RegoGate::load(RegoOptions {
                    policies: vec![source.clone()],
                    all_namespaces: true,
                    builtin_data: case.data.clone(),
                    ..RegoOptions::default()
                })
                .map_err(|e| e.to_string())?;
                let docs = [InputDoc {
                    file: "case",
                    line: 1,
                    value: &case.input,
                }];
                let eval = gate.evaluate(&docs).map_err(|e| e.to_string())?;
                let outcome = eval.docs.into_iter().next().unwrap_or_default();
                if let Some(e) = outcome.errors.first() {
                    return Err(e.error.to_string());
                }
                let (deny, warn) = (
                    level_messages(&outcome, Level::Failure),
                    level_messages(&outcome, Level::Warning),
                );
                let (want_deny, want_warn) = (sorted(case.deny.clone()), sorted(case.warn.clone()));
                if deny != want_deny {
                    return Err(format!("deny: got {deny:?}, want {want_deny:?}"));
                }
                if warn != want_warn {
                    return Err(format!("warn: got {warn:?}, want {want_warn:?}"));
                }
                Ok(())
            })();
            CaseRun {
                policy: label.to_string(),
                case: case.name,
                result,
            }
        })
        .collect()
}

/// Every built-in policy against its embedded `cases.yaml`.
pub fn run_builtin_cases() -> Result<Vec<CaseRun>, RegoError> {
    let mut out = Vec::new();
    for policy in builtin_policies() {
        let label = format!("builtin:{}", policy.name);
        let cases = parse_cases(&label, policy.cases)?;
        out.extend(run_source(
            &label,
            PolicySource::Builtin(Some(policy.name.to_string())),
            cases,
        ));
    }
    Ok(out)
}

/// Every `cases.yaml` under the paths, run against the `.rego` files of its own folder.
pub fn run_case_files(paths: &[PathBuf]) -> Result<Vec<CaseRun>, RegoError> {
    let mut out = Vec::new();
    for path in paths {
        let files = load::files(path, &["yaml"])?;
        for file in files
            .iter()
            .filter(|f| f.file_name().is_some_and(|n| n == "cases.yaml"))
        {
            let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
            let label = dir.to_string_lossy().into_owned();
            let cases = parse_cases(&file.to_string_lossy(), &load::read(file)?)?;
            out.extend(run_source(&label, PolicySource::Path(dir), cases));
        }
    }
    Ok(out)
}
