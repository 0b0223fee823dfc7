//! conftest conventions: `deny`/`violation`/`warn` rules (with `_suffix`), `exception`, string-or-object results.

use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use regorus::{Engine, Value as RegoValue};
use serde_json::{Map, Value};

use super::engine::{self, PackageRules};
use super::error::RegoError;
use super::types::{Level, PolicyError, PolicyFinding};

// The exact patterns conftest uses to pick rules (policy/engine.go).
static FAILURE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new("^(deny|violation)(_[a-zA-Z0-9]+)*$").ok());
static WARNING: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new("^warn(_[a-zA-Z0-9]+)*$").ok());

fn is_failure(rule: &str) -> bool {
    FAILURE.as_ref().is_some_and(|r| r.is_match(rule))
}

fn is_warning(rule: &str) -> bool {
    WARNING.as_ref().is_some_and(|r| r.is_match(rule))
}

/// conftest's refusal of `deny[msg] if { … }` in Rego v1 (its `problematicIf`): such a rule is an
/// object of `true` values, so its messages would silently never be reported.
pub(crate) fn refuse_keyed_rules_without_value(engine: &mut Engine) -> Result<(), RegoError> {
    let found = super::engine::keyed_rules_without_value(engine)
        .into_iter()
        .find(|(_, _, name)| is_failure(name) || is_warning(name));
    match found {
        Some((file, line, name)) => Err(RegoError::Compile {
            file,
            message: format!(
                "rule is using 'if' keyword without 'contains' keyword: `{name}[…] if` at line {line} defines an object, not a set of messages; write `{name} contains msg if`"
            ),
        }),
        None => Ok(()),
    }
}

/// The rules conftest would query in one package.
#[derive(Debug, Clone)]
pub(crate) struct Namespace {
    pub name: String,
    /// Distinct rule names, in declaration order.
    pub rules: Vec<String>,
    /// Number of rule definitions (conftest counts each body towards successes).
    pub definitions: usize,
    pub has_exception: bool,
}

impl Namespace {
    pub fn from_package(name: &str, declared: Option<&PackageRules>) -> Self {
        let mut rules = Vec::new();
        let mut definitions = 0;
        let mut has_exception = false;
        for (rule, count) in declared.map(|p| p.rules.as_slice()).unwrap_or_default() {
            if rule == "exception" {
                has_exception = true;
            }
            if is_failure(rule) || is_warning(rule) {
                definitions += count;
                if !rules.iter().any(|r: &String| r.eq_ignore_ascii_case(rule)) {
                    rules.push(rule.clone());
                }
            }
        }
        Self {
            name: name.to_string(),
            rules,
            definitions,
            has_exception,
        }
    }
}

/// What one input (a document, or the combined array) produced across the selected packages.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub findings: Vec<PolicyFinding>,
    pub errors: Vec<PolicyError>,
    /// Rules (and `exception` rules) evaluated without error.
    pub evaluated: usize,
    pub successes: usize,
    pub exceptions: usize,
}

/// conftest's `removeRulePrefix`: the suffix an `exception` entry must name to exempt this rule.
fn exception_name(rule: &str) -> &str {
    if matches!(rule, "deny" | "violation" | "warn") {
        return "";
    }
    for prefix in ["violation_", "deny_", "warn_"] {
        if let Some(rest) = rule.strip_prefix(prefix) {
            return rest;
        }
    }
    rule
}

fn elements(value: &RegoValue) -> Option<Vec<RegoValue>> {
    match value {
        RegoValue::Set(s) => Some(s.iter().cloned().collect()),
        RegoValue::Array(a) => Some(a.iter().cloned().collect()),
        _ => None,
    }
}

/// How many `exception[_][_] == name` bindings hold (conftest reports one exception per binding).
fn exception_hits(exception: Option<&RegoValue>, name: &str) -> usize {
    let Some(outer) = exception.and_then(elements) else {
        return 0;
    };
    outer
        .iter()
        .filter_map(elements)
        .flatten()
        .filter(|v| matches!(v, RegoValue::String(s) if s.as_ref() == name))
        .count()
}

/// Runs every selected package against the engine's current input. A rule that fails to evaluate
/// is an error for that rule alone (a failed `exception` rule: for its whole package, whose
/// verdicts it would change); the other rules' verdicts still come out, as with `opa eval`.
pub(crate) fn check(
    engine: &mut Engine,
    namespaces: &[Namespace],
    subject: &str,
    doc: Option<usize>,
    timeout: Duration,
) -> Outcome {
    let mut outcome = Outcome::default();
    for ns in namespaces {
        let exception = if ns.has_exception {
            let query = format!("data.{}.exception", ns.name);
            match engine::eval(engine, &query, subject, timeout) {
                Ok(v) => {
                    outcome.evaluated += 1;
                    v
                }
                Err(e) => {
                    outcome.error(&query, e);
                    continue;
                }
            }
        } else {
            None
        };
        let mut results = 0usize;
        let mut successes = 0usize;
        for rule in &ns.rules {
            let query = format!("data.{}.{}", ns.name, rule);
            let hits = exception_hits(exception.as_ref(), exception_name(rule));
            let value = match engine::eval(engine, &query, subject, timeout) {
                Ok(v) => v,
                Err(e) => {
                    outcome.error(&query, e);
                    continue;
                }
            };
            if hits > 0 {
                outcome.evaluated += 1;
                outcome.exceptions += hits;
                results += hits;
                continue;
            }
            let Some(value) = value else {
                outcome.evaluated += 1;
                continue;
            };
            let Some(items) = elements(&value) else {
                // A non-collection value (`deny := true`) is reported by conftest as one passing result.
                outcome.evaluated += 1;
                successes += 1;
                results += 1;
                continue;
            };
            if items.is_empty() {
                outcome.evaluated += 1;
                successes += 1;
                results += 1;
                continue;
            }
            let mut found = Vec::new();
            let mut shape_error = None;
            for item in &items {
                match to_finding(item, rule, &query, subject, doc) {
                    Ok(Some(finding)) => found.push(finding),
                    Ok(None) => {}
                    Err(e) => {
                        shape_error = Some(e);
                        break;
                    }
                }
            }
            if let Some(e) = shape_error {
                outcome.error(&query, e);
                continue;
            }
            outcome.evaluated += 1;
            for finding in found {
                results += 1;
                if finding.message.is_empty() {
                    successes += 1;
                } else {
                    outcome.findings.push(finding);
                }
            }
        }
        // conftest pads successes up to the number of rule definitions it saw.
        if results < ns.definitions {
            successes += ns.definitions - results;
        }
        outcome.successes += successes;
    }
    outcome
}

impl Outcome {
    fn error(&mut self, query: &str, error: RegoError) {
        self.errors.push(PolicyError {
            policy: query.trim_start_matches("data.").to_string(),
            error,
        });
    }
}

fn to_finding(
    item: &RegoValue,
    rule: &str,
    query: &str,
    subject: &str,
    doc: Option<usize>,
) -> Result<Option<PolicyFinding>, RegoError> {
    let level = if is_failure(rule) {
        Level::Failure
    } else {
        Level::Warning
    };
    let mut metadata = Map::new();
    metadata.insert("query".to_string(), Value::String(query.to_string()));
    let (message, location) = match engine::to_json(item) {
        Value::String(s) => (s, None),
        Value::Object(obj) => {
            let Some(Value::String(msg)) = obj.get("msg") else {
                return Err(RegoError::ResultShape {
                    query: query.to_string(),
                    subject: subject.to_string(),
                });
            };
            let msg = msg.clone();
            let location = obj.get("_loc").and_then(location_of);
            for (k, v) in obj {
                if k != "msg" && k != "_loc" {
                    metadata.insert(k, v);
                }
            }
            (msg, location)
        }
        // Numbers, booleans… are ignored by conftest.
        _ => return Ok(None),
    };
    Ok(Some(PolicyFinding {
        doc,
        level,
        policy: query.trim_start_matches("data.").to_string(),
        message,
        location,
        metadata: Value::Object(metadata),
    }))
}

/// `_loc: {file, line}` as conftest ≥ 0.64 reads it.
fn location_of(loc: &Value) -> Option<(String, usize)> {
    let obj = loc.as_object()?;
    let file = obj
        .get("file")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let line = obj
        .get("line")
        .and_then(|l| {
            l.as_u64()
                .or_else(|| l.as_str().and_then(|s| s.parse().ok()))
        })
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0);
    (!file.is_empty() || line > 0).then_some((file, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_follow_conftest_patterns() {
        assert!(is_failure("deny"));
        assert!(is_failure("violation_no_root"));
        assert!(is_failure("deny_a_b"));
        assert!(!is_failure("denyall"));
        assert!(!is_failure("deny_"));
        assert!(is_warning("warn_x1"));
        assert!(!is_warning("warning"));
    }

    #[test]
    fn exception_suffixes() {
        assert_eq!(exception_name("deny"), "");
        assert_eq!(exception_name("deny_latest"), "latest");
        assert_eq!(exception_name("warn_x"), "x");
    }
}
