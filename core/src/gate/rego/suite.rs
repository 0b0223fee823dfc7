//! Gatekeeper `Suite` files (`gator verify`): template + constraint, objects, violation assertions.

use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;
use serde_json::Value;

use super::error::RegoError;
use super::gatekeeper::expansion::{self, ExpansionTemplate};
use super::gatekeeper::{self, Gatekeeper};
use super::load;

/// How one case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOutcome {
    Pass,
    /// An assertion did not hold (the message says which and what was seen).
    Fail(String),
    /// The case could not run (missing file, bad template, …).
    Error(String),
    /// Not supported by sealgate (e.g. `invalid: true` tests need parameter schema checks); never a pass.
    Unsupported(String),
    Skipped,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub suite: PathBuf,
    pub test: String,
    pub case: String,
    pub outcome: CaseOutcome,
}

/// Every `Suite` file under the paths (other YAML is ignored, like gator does).
pub fn find_suites(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Value)>, RegoError> {
    let mut out = Vec::new();
    for path in paths {
        // gator reads Suites from YAML files only.
        for file in load::files(path, &["yaml", "yml"])? {
            let text = load::read(&file)?;
            let Ok(docs) = load::parse_yaml_stream(&text) else {
                continue;
            };
            for doc in docs {
                let is_suite = doc.get("kind").and_then(Value::as_str) == Some("Suite")
                    && doc
                        .get("apiVersion")
                        .and_then(Value::as_str)
                        .is_some_and(|a| a.starts_with("test.gatekeeper.sh/"));
                if is_suite {
                    out.push((file.clone(), doc));
                }
            }
        }
    }
    Ok(out)
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn read_objects(dir: &Path, rel: &str) -> Result<Vec<Value>, String> {
    if Path::new(rel).is_absolute() {
        return Err(format!(
            "{rel}: suite paths must be relative to the suite file"
        ));
    }
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let docs = load::parse_yaml_stream(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if docs.is_empty() {
        return Err(format!("{}: defines no YAML objects", path.display()));
    }
    Ok(docs)
}

/// Runs one suite. Errors in a test are reported per case; only unreadable suites fail as a whole.
pub fn run_suite(
    path: &Path,
    suite: &Value,
    filter: Option<&Regex>,
    timeout: Duration,
) -> Vec<CaseResult> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut results = Vec::new();
    let skip_suite = suite.get("skip").and_then(Value::as_bool).unwrap_or(false);
    for test in suite
        .get("tests")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let test_name = str_field(test, "name").to_string();
        let cases = test
            .get("cases")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let result = |case: &str, outcome| CaseResult {
            suite: path.to_path_buf(),
            test: test_name.clone(),
            case: case.to_string(),
            outcome,
        };
        if skip_suite || test.get("skip").and_then(Value::as_bool).unwrap_or(false) {
            results.extend(
                cases
                    .iter()
                    .map(|c| result(str_field(c, "name"), CaseOutcome::Skipped)),
            );
            continue;
        }
        if test
            .get("invalid")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            results.push(result(
                "(invalid constraint)",
                CaseOutcome::Unsupported(
                    "`invalid: true` needs Constraint parameter schema validation".into(),
                ),
            ));
            continue;
        }
        let gk = match load_test(dir, test, timeout) {
            Ok(gk) => gk,
            Err(e) => {
                results.extend(
                    cases
                        .iter()
                        .map(|c| result(str_field(c, "name"), CaseOutcome::Error(e.clone()))),
                );
                continue;
            }
        };
        for case in cases {
            let case_name = str_field(case, "name");
            let wanted = filter.is_none_or(|f| {
                f.is_match(&format!("{test_name}/{case_name}")) || f.is_match(&test_name)
            });
            if !wanted || case.get("skip").and_then(Value::as_bool).unwrap_or(false) {
                results.push(result(case_name, CaseOutcome::Skipped));
                continue;
            }
            let outcome = match run_case(dir, &gk, case, timeout) {
                Ok(None) => CaseOutcome::Pass,
                Ok(Some(fail)) => CaseOutcome::Fail(fail),
                Err(e) => CaseOutcome::Error(e),
            };
            results.push(result(case_name, outcome));
        }
    }
    results
}

fn load_test(dir: &Path, test: &Value, timeout: Duration) -> Result<Gatekeeper, String> {
    let template = str_field(test, "template");
    let constraint = str_field(test, "constraint");
    if template.is_empty() {
        return Err("missing template".to_string());
    }
    if constraint.is_empty() {
        return Err("missing constraint".to_string());
    }
    let mut gk = Gatekeeper::default();
    let file = dir.join(template).to_string_lossy().into_owned();
    for t in read_objects(dir, template)? {
        gk.add_template(&file, &t, timeout)
            .map_err(|e| e.to_string())?;
    }
    let cfile = dir.join(constraint).to_string_lossy().into_owned();
    for c in read_objects(dir, constraint)? {
        gk.add_constraint(&cfile, &c);
    }
    gk.check_complete().map_err(|e| e.to_string())?;
    if let Some(file) = test
        .get("expansion")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
    {
        gk.expansions = read_expansions(dir, file)?;
    }
    Ok(gk)
}

/// A test's `expansion` file: ExpansionTemplates only.
fn read_expansions(dir: &Path, rel: &str) -> Result<Vec<ExpansionTemplate>, String> {
    read_objects(dir, rel)?
        .iter()
        .map(|o| {
            if expansion::is_expansion_template(o) {
                expansion::read(o).map_err(|e| format!("{rel}: {e}"))
            } else {
                Err(format!(
                    "{rel}: {} is not an ExpansionTemplate",
                    str_field(o, "kind")
                ))
            }
        })
        .collect()
}

/// `Ok(None)` when every assertion holds, `Ok(Some(why))` when one does not.
fn run_case(
    dir: &Path,
    gk: &Gatekeeper,
    case: &Value,
    timeout: Duration,
) -> Result<Option<String>, String> {
    let object_path = str_field(case, "object");
    if object_path.is_empty() {
        return Err("must define object".to_string());
    }
    let assertions = case
        .get("assertions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if assertions.is_empty() {
        return Err("assertions must be non-empty".to_string());
    }
    let objects = read_objects(dir, object_path)?;
    let [object] = objects.as_slice() else {
        return Err(format!(
            "{object_path} defines {} objects, want exactly 1",
            objects.len()
        ));
    };
    let mut inventory = Vec::new();
    for inv in case
        .get("inventory")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        inventory.extend(read_objects(dir, inv.as_str().unwrap_or_default())?);
    }
    let mut gk = gk.clone();
    if gk.templates.values().any(|t| t.uses_inventory) {
        gk.set_inventory(&gatekeeper::inventory(inventory.iter()))
            .map_err(|e| e.to_string())?;
    }
    // gator's matcher finds the object's Namespace in the data it was given (the inventory).
    let ns_name = object
        .pointer("/metadata/namespace")
        .or_else(|| object.pointer("/request/namespace"))
        .and_then(Value::as_str);
    let namespace = inventory.iter().find(|o| {
        o.get("kind").and_then(Value::as_str) == Some("Namespace")
            && o.pointer("/metadata/name").and_then(Value::as_str) == ns_name
    });
    let mut engines = gk.engines();
    let ctx = gatekeeper::ReviewCtx {
        namespace,
        doc: None,
        subject: object_path,
        timeout,
    };
    let findings = gk
        .review(&mut engines, object, &ctx)
        .map_err(|e| e.to_string())?;
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    for a in assertions {
        if let Some(fail) = check_assertion(a, &messages)? {
            return Ok(Some(fail));
        }
    }
    Ok(None)
}

/// gator's `Assertion.Run`: count results whose message matches the (unanchored) regex, compare.
fn check_assertion(a: &Value, messages: &[&str]) -> Result<Option<String>, String> {
    let regex = match a.get("message").and_then(Value::as_str) {
        Some(m) => Some(Regex::new(m).map_err(|e| format!("invalid message regex {m:?}: {e}"))?),
        None => None,
    };
    let matching = messages
        .iter()
        .filter(|m| regex.as_ref().is_none_or(|r| r.is_match(m)))
        .count();
    let what = regex
        .as_ref()
        .map(|r| format!(" containing {:?}", r.as_str()))
        .unwrap_or_default();
    // A YAML 1.1 reader (serde-saphyr here) turns unquoted `yes`/`no` into booleans; gator reads them as strings.
    let violations = match a.get("violations") {
        Some(Value::Bool(true)) => Some(Value::String("yes".to_string())),
        Some(Value::Bool(false)) => Some(Value::String("no".to_string())),
        other => other.cloned(),
    };
    let verdict = match violations.as_ref() {
        None => (matching > 0)
            .then_some(())
            .ok_or(format!("got 0 violations{what} but want at least 1")),
        Some(Value::String(s)) if s == "yes" => (matching > 0)
            .then_some(())
            .ok_or(format!("got 0 violations{what} but want at least 1")),
        Some(Value::String(s)) if s == "no" => (matching == 0)
            .then_some(())
            .ok_or(format!("got {matching} violations{what} but want none")),
        Some(v) => match v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(n) => (matching as u64 == n).then_some(()).ok_or(format!(
                "got {matching} violations{what} but want exactly {n}"
            )),
            None => {
                return Err(format!(
                    "assertion.violations must be a nonnegative integer, \"yes\" or \"no\", not {v}"
                ));
            }
        },
    };
    Ok(verdict
        .err()
        .map(|e| format!("{e}: got messages {messages:?}")))
}
