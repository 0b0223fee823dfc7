//! `sealgate policy test`: Rego unit tests with coverage, Gatekeeper Suites, and policy case files;
//! also the shared `--policy` flags → `RegoOptions` conversion that `validate` uses.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;
use sealgate_core::gate::rego::cases::{self, CaseRun};
use sealgate_core::gate::rego::suite::{self, CaseOutcome};
use sealgate_core::gate::rego::verify::{self, TestOutcome, VerifyOptions};
use sealgate_core::gate::rego::{PolicySource, RegoOptions, RegoVersion};
use serde_json::json;

use crate::cli::{PolicyFlags, PolicyTestArgs, RegoVersionArg, TestFormat};
use crate::error::{CliError, Outcome};

impl From<RegoVersionArg> for RegoVersion {
    fn from(v: RegoVersionArg) -> Self {
        match v {
            RegoVersionArg::V0 => RegoVersion::V0,
            RegoVersionArg::V1 => RegoVersion::V1,
        }
    }
}

/// `--policy`/`--data`/`--namespace`… as the core's options; `builtin_data` feeds `data.sealgate`
/// (e.g. `{"cert": {"modulus_bytes": 512}}` from `--cert`).
pub fn rego_options(flags: &PolicyFlags, builtin_data: serde_json::Value) -> RegoOptions {
    RegoOptions {
        policies: flags
            .policy
            .iter()
            .map(|p| PolicySource::parse(p))
            .collect(),
        data: flags.rego.data.clone(),
        namespaces: flags.namespace.clone(),
        all_namespaces: flags.all_namespaces,
        rego_version: flags.rego.rego_version.into(),
        combine: flags.combine,
        timeout: Duration::from_millis(flags.rego.policy_timeout_ms),
        builtin_data,
        sealing_cert: flags.cert.clone(),
    }
}

/// The one-line message for a policy load/evaluation error (exit 2).
pub fn rego_error(e: &sealgate_core::gate::rego::RegoError) -> CliError {
    CliError::usage(
        format!("policy: {e}"),
        "fix the policy (or its --data) and run again; `sealgate policy test` runs its tests",
    )
}

fn stdout_error(e: std::io::Error) -> CliError {
    CliError::Stdout(e)
}

pub fn run(args: PolicyTestArgs) -> Result<Outcome, CliError> {
    let run_filter = match &args.run {
        Some(r) => Some(Regex::new(r).map_err(|e| {
            CliError::usage(
                format!("invalid --run regex {r:?}: {e}"),
                "give a valid regular expression",
            )
        })?),
        None => None,
    };
    let timeout = Duration::from_millis(args.rego.policy_timeout_ms);
    let builtin = args.paths.iter().any(|p| p.as_os_str() == "builtin");
    let disk: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "builtin")
        .cloned()
        .collect();
    for p in &disk {
        if !p.exists() {
            return Err(CliError::read(
                p.display(),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }

    // 1. Rego unit tests (test_* rules) in every .rego file under the paths.
    let has_rego = !disk.is_empty() && disk.iter().any(|p| contains_ext(p, "rego"));
    let report = if has_rego || builtin {
        let mut paths = disk.clone();
        if builtin {
            paths.push(PathBuf::from("builtin"));
        }
        verify::run_rego_tests(&VerifyOptions {
            paths,
            data: args.rego.data.clone(),
            rego_version: args.rego.rego_version.into(),
            run: run_filter.clone(),
            coverage: args.coverage,
            timeout,
        })
        .map_err(|e| rego_error(&e))?
    } else {
        verify::VerifyReport::default()
    };

    // 2. Gatekeeper Suites; 3. cases.yaml files (and the built-ins' embedded cases).
    let suites = suite::find_suites(&disk).map_err(|e| rego_error(&e))?;
    let mut suite_results = Vec::new();
    for (path, s) in &suites {
        suite_results.extend(suite::run_suite(path, s, run_filter.as_ref(), timeout));
    }
    let mut case_runs: Vec<CaseRun> = cases::run_case_files(&disk).map_err(|e| rego_error(&e))?;
    if builtin {
        case_runs.extend(cases::run_builtin_cases().map_err(|e| rego_error(&e))?);
    }
    if let Some(r) = &run_filter {
        case_runs.retain(|c| r.is_match(&format!("{}/{}", c.policy, c.case)));
    }

    if report.results.is_empty() && suite_results.is_empty() && case_runs.is_empty() {
        return Err(CliError::usage(
            "no tests found",
            "give folders holding *_test.rego files with test_* rules, gator Suite files or cases.yaml files (or `builtin`)",
        ));
    }

    let failed = report
        .results
        .iter()
        .filter(|r| r.outcome != TestOutcome::Pass)
        .count()
        + suite_results
            .iter()
            .filter(|r| matches!(r.outcome, CaseOutcome::Fail(_) | CaseOutcome::Error(_)))
            .count()
        + case_runs.iter().filter(|c| c.result.is_err()).count();

    let mut out = std::io::stdout().lock();
    match args.output {
        TestFormat::Json => {
            let doc = json!({
                "tests": report.results.iter().map(|r| json!({
                    "package": r.package, "name": r.name,
                    "outcome": match &r.outcome { TestOutcome::Pass => "pass", TestOutcome::Fail => "fail", TestOutcome::Error(_) => "error" },
                    "error": match &r.outcome { TestOutcome::Error(e) => Some(e.clone()), _ => None },
                    "duration_us": r.duration.as_micros(),
                })).collect::<Vec<_>>(),
                "suites": suite_results.iter().map(|r| json!({
                    "suite": r.suite.display().to_string(), "test": r.test, "case": r.case,
                    "outcome": outcome_word(&r.outcome), "message": outcome_message(&r.outcome),
                })).collect::<Vec<_>>(),
                "cases": case_runs.iter().map(|c| json!({
                    "policy": c.policy, "case": c.case,
                    "outcome": if c.result.is_ok() { "pass" } else { "fail" },
                    "message": c.result.as_ref().err(),
                })).collect::<Vec<_>>(),
                "coverage": report.coverage.as_ref().map(|c| json!({
                    "percent": c.percent(),
                    "files": c.files.iter().map(|f| json!({"path": f.path, "covered": f.covered, "not_covered": f.not_covered})).collect::<Vec<_>>(),
                })),
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
            .map_err(stdout_error)?;
        }
        TestFormat::Text => {
            for r in &report.results {
                let line = match &r.outcome {
                    TestOutcome::Pass if !args.verbose => continue,
                    TestOutcome::Pass => format!("PASS  data.{}.{}", r.package, r.name),
                    TestOutcome::Fail => format!("FAIL  data.{}.{}", r.package, r.name),
                    TestOutcome::Error(e) => format!("ERROR data.{}.{}: {e}", r.package, r.name),
                };
                writeln!(out, "{line}").map_err(stdout_error)?;
            }
            for r in &suite_results {
                if matches!(r.outcome, CaseOutcome::Pass | CaseOutcome::Skipped) && !args.verbose {
                    continue;
                }
                let msg = outcome_message(&r.outcome)
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{:<5} {} {} / {}{msg}",
                    outcome_word(&r.outcome).to_uppercase(),
                    r.suite.display(),
                    r.test,
                    r.case
                )
                .map_err(stdout_error)?;
            }
            for c in &case_runs {
                match &c.result {
                    Ok(()) if !args.verbose => {}
                    Ok(()) => {
                        writeln!(out, "PASS  {} / {}", c.policy, c.case).map_err(stdout_error)?
                    }
                    Err(e) => writeln!(out, "FAIL  {} / {}: {e}", c.policy, c.case)
                        .map_err(stdout_error)?,
                }
            }
            if let Some(cov) = report
                .coverage
                .as_ref()
                .filter(|_| !report.results.is_empty())
            {
                writeln!(out, "coverage: {:.1}%", cov.percent()).map_err(stdout_error)?;
                for f in &cov.files {
                    let total = f.covered.len() + f.not_covered.len();
                    let missed = if f.not_covered.is_empty() {
                        String::new()
                    } else {
                        format!(" (not covered: lines {})", ranges(&f.not_covered))
                    };
                    writeln!(
                        out,
                        "  {}: {}/{} lines{missed}",
                        f.path,
                        f.covered.len(),
                        total
                    )
                    .map_err(stdout_error)?;
                }
            }
            let passed_tests = report
                .results
                .iter()
                .filter(|r| r.outcome == TestOutcome::Pass)
                .count();
            let passed_cases = suite_results
                .iter()
                .filter(|r| r.outcome == CaseOutcome::Pass)
                .count();
            let unsupported = suite_results
                .iter()
                .filter(|r| matches!(r.outcome, CaseOutcome::Unsupported(_)))
                .count();
            let skipped = suite_results
                .iter()
                .filter(|r| r.outcome == CaseOutcome::Skipped)
                .count();
            let passed_policy_cases = case_runs.iter().filter(|c| c.result.is_ok()).count();
            writeln!(
                out,
                "{} rego tests: {passed_tests} passed; {} suite cases: {passed_cases} passed, {unsupported} unsupported, {skipped} skipped; {} policy cases: {passed_policy_cases} passed; {failed} failed",
                report.results.len(),
                suite_results.len(),
                case_runs.len(),
            )
            .map_err(stdout_error)?;
        }
    }
    Ok(if failed > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn outcome_word(o: &CaseOutcome) -> &'static str {
    match o {
        CaseOutcome::Pass => "pass",
        CaseOutcome::Fail(_) => "fail",
        CaseOutcome::Error(_) => "error",
        CaseOutcome::Unsupported(_) => "unsupported",
        CaseOutcome::Skipped => "skip",
    }
}

fn outcome_message(o: &CaseOutcome) -> Option<&str> {
    match o {
        CaseOutcome::Fail(m) | CaseOutcome::Error(m) | CaseOutcome::Unsupported(m) => Some(m),
        CaseOutcome::Pass | CaseOutcome::Skipped => None,
    }
}

/// `1,2,3,7,9,10` → `1-3, 7, 9-10`.
fn ranges(lines: &[u32]) -> String {
    let mut parts = Vec::new();
    let mut iter = lines.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
    }
    parts.join(", ")
}

fn contains_ext(path: &std::path::Path, ext: &str) -> bool {
    if path.is_file() {
        return path.extension().is_some_and(|e| e == ext);
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| contains_ext(&e.path(), ext))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn line_ranges_are_compact() {
        assert_eq!(ranges(&[1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
        assert_eq!(ranges(&[]), "");
    }
}
