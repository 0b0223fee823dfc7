//! `sealgate policy test`: Rego unit tests with coverage, Gatekeeper Suites, and policy case files,
//! collected first, then rendered as text or JSON.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use regex::Regex;
use sealgate_core::gate::policy_test::{
    CaseOutcome, CaseResult, CaseRun, TestOutcome, VerifyOptions, VerifyReport, find_suites,
    run_builtin_cases, run_case_files, run_rego_tests, run_suite,
};
use sealgate_core::walk;
use serde_json::json;

use crate::cli::{PolicyTestArgs, TestFormat};
use crate::conftest_config;
use crate::error::{CliError, Outcome, rego_error};
use crate::policy_flags::parser_context;

/// Everything one `policy test` run found: Rego unit tests, Gatekeeper Suite cases, policy cases.
struct Results {
    rego: VerifyReport,
    suites: Vec<CaseResult>,
    cases: Vec<CaseRun>,
}

impl Results {
    fn is_empty(&self) -> bool {
        self.rego.results.is_empty() && self.suites.is_empty() && self.cases.is_empty()
    }

    /// Failed or erroring tests of every kind (unsupported and skipped suite cases are not failures).
    fn failed(&self) -> usize {
        self.rego
            .results
            .iter()
            .filter(|r| r.outcome != TestOutcome::Pass)
            .count()
            + self
                .suites
                .iter()
                .filter(|r| matches!(r.outcome, CaseOutcome::Fail(_) | CaseOutcome::Error(_)))
                .count()
            + self.cases.iter().filter(|c| c.result.is_err()).count()
    }
}

/// `policy test`; `given` are its matches, which say which flags the command line set (conftest's
/// settings fill in the others, as for `conftest verify`).
pub fn run(mut args: PolicyTestArgs, given: &ArgMatches) -> Result<Outcome, CliError> {
    if let Some(file) = conftest_config::apply_to_policy_test(&mut args, given)? {
        eprintln!("note: conftest settings from {}", file.display());
    }
    let results = collect(&args)?;
    // `--namespace` leaving none of the policies' tests is no error: conftest verify says "0 tests"
    let all_filtered_out = !args.namespace.is_empty()
        && args
            .paths
            .iter()
            .any(|p| p.as_os_str() == "builtin" || has_rego(p));
    if results.is_empty() && !all_filtered_out {
        return Err(CliError::usage(
            "no tests found",
            "give folders holding *_test.rego files with test_* rules, gator Suite files or cases.yaml files (or `builtin`)",
        ));
    }
    let text = match args.output {
        TestFormat::Json => render_json(&results),
        TestFormat::Text => render_text(&results, args.verbose),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)?;
    Ok(if results.failed() > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Finds and runs every test under the paths (and the built-ins' with `builtin`).
fn collect(args: &PolicyTestArgs) -> Result<Results, CliError> {
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
    let rego = if builtin || disk.iter().any(|p| has_rego(p)) {
        let mut paths = disk.clone();
        if builtin {
            paths.push(PathBuf::from("builtin"));
        }
        run_rego_tests(&VerifyOptions {
            paths,
            data: args.rego.data.clone(),
            rego_version: args.rego.rego_version.into(),
            run: run_filter.clone(),
            namespaces: args.namespace.clone(),
            coverage: args.coverage,
            timeout,
            allow_file_access: args.rego.allow_file_access.clone(),
            capabilities: args.rego.capabilities.clone(),
            parsers: parser_context(&args.proto_file_dirs),
        })
        .map_err(|e| rego_error(&e))?
    } else {
        VerifyReport::default()
    };

    // 2. Gatekeeper Suites; 3. cases.yaml files (and the built-ins' embedded cases).
    let mut suites = Vec::new();
    for (path, s) in &find_suites(&disk).map_err(|e| rego_error(&e))? {
        suites.extend(run_suite(path, s, run_filter.as_ref(), timeout));
    }
    let mut cases: Vec<CaseRun> = run_case_files(&disk).map_err(|e| rego_error(&e))?;
    if builtin {
        cases.extend(run_builtin_cases().map_err(|e| rego_error(&e))?);
    }
    if let Some(r) = &run_filter {
        cases.retain(|c| r.is_match(&format!("{}/{}", c.policy, c.case)));
    }
    Ok(Results {
        rego,
        suites,
        cases,
    })
}

/// Whether a path is, or holds, a `.rego` file (the project's walking rule; an unreadable folder
/// counts as none, and the loader then says what is wrong with it).
fn has_rego(path: &Path) -> bool {
    walk::files(path, walk::POLICY_EXTENSIONS).is_ok_and(|files| !files.is_empty())
}

fn render_json(results: &Results) -> String {
    let Results {
        rego,
        suites,
        cases,
    } = results;
    let doc = json!({
        "tests": rego.results.iter().map(|r| {
            let mut test = json!({
                "package": r.package, "name": r.name,
                "outcome": match &r.outcome { TestOutcome::Pass => "pass", TestOutcome::Fail => "fail", TestOutcome::Error(_) => "error" },
                "error": match &r.outcome { TestOutcome::Error(e) => Some(e.clone()), _ => None },
                "duration_us": r.duration.as_micros(),
            });
            if !r.output.is_empty() {
                test["output"] = json!(r.output);
            }
            test
        }).collect::<Vec<_>>(),
        "suites": suites.iter().map(|r| json!({
            "suite": r.suite.display().to_string(), "test": r.test, "case": r.case,
            "outcome": outcome_word(&r.outcome), "message": outcome_message(&r.outcome),
        })).collect::<Vec<_>>(),
        "cases": cases.iter().map(|c| json!({
            "policy": c.policy, "case": c.case,
            "outcome": if c.result.is_ok() { "pass" } else { "fail" },
            "message": c.result.as_ref().err(),
        })).collect::<Vec<_>>(),
        "coverage": rego.coverage.as_ref().map(|c| json!({
            "percent": c.percent(),
            "files": c.files.iter().map(|f| json!({"path": f.path, "covered": f.covered, "not_covered": f.not_covered})).collect::<Vec<_>>(),
        })),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn render_text(results: &Results, verbose: bool) -> String {
    let Results {
        rego,
        suites,
        cases,
    } = results;
    let mut out = String::new();
    for r in &rego.results {
        let line = match &r.outcome {
            TestOutcome::Pass if !verbose => continue,
            TestOutcome::Pass => format!("PASS  data.{}.{}", r.package, r.name),
            TestOutcome::Fail => format!("FAIL  data.{}.{}", r.package, r.name),
            TestOutcome::Error(e) => format!("ERROR data.{}.{}: {e}", r.package, r.name),
        };
        let _ = writeln!(out, "{line}");
        // what the test printed, indented between blank lines, as `opa test` shows it
        if !r.output.is_empty() {
            let _ = writeln!(out);
            for printed in r.output.iter().flat_map(|p| p.split('\n')) {
                let _ = writeln!(out, "  {printed}");
            }
            let _ = writeln!(out);
        }
    }
    for r in suites {
        if matches!(r.outcome, CaseOutcome::Pass | CaseOutcome::Skipped) && !verbose {
            continue;
        }
        let msg = outcome_message(&r.outcome)
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<5} {} {} / {}{msg}",
            outcome_word(&r.outcome).to_uppercase(),
            r.suite.display(),
            r.test,
            r.case
        );
    }
    for c in cases {
        match &c.result {
            Ok(()) if !verbose => {}
            Ok(()) => {
                let _ = writeln!(out, "PASS  {} / {}", c.policy, c.case);
            }
            Err(e) => {
                let _ = writeln!(out, "FAIL  {} / {}: {e}", c.policy, c.case);
            }
        }
    }
    if let Some(cov) = rego.coverage.as_ref().filter(|_| !rego.results.is_empty()) {
        let _ = writeln!(out, "coverage: {:.1}%", cov.percent());
        for f in &cov.files {
            let total = f.covered.len() + f.not_covered.len();
            let missed = if f.not_covered.is_empty() {
                String::new()
            } else {
                format!(" (not covered: lines {})", ranges(&f.not_covered))
            };
            let _ = writeln!(
                out,
                "  {}: {}/{} lines{missed}",
                f.path,
                f.covered.len(),
                total
            );
        }
    }
    let passed_tests = rego
        .results
        .iter()
        .filter(|r| r.outcome == TestOutcome::Pass)
        .count();
    let suite_count =
        |pred: fn(&CaseOutcome) -> bool| suites.iter().filter(|r| pred(&r.outcome)).count();
    let passed_cases = suite_count(|o| *o == CaseOutcome::Pass);
    let unsupported = suite_count(|o| matches!(o, CaseOutcome::Unsupported(_)));
    let skipped = suite_count(|o| *o == CaseOutcome::Skipped);
    let passed_policy_cases = cases.iter().filter(|c| c.result.is_ok()).count();
    let _ = writeln!(
        out,
        "{} rego tests: {passed_tests} passed; {} suite cases: {passed_cases} passed, {unsupported} unsupported, {skipped} skipped; {} policy cases: {passed_policy_cases} passed; {} failed",
        rego.results.len(),
        suites.len(),
        cases.len(),
        results.failed(),
    );
    out
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

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn line_ranges_are_compact() {
        assert_eq!(ranges(&[1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
        assert_eq!(ranges(&[]), "");
    }
}
