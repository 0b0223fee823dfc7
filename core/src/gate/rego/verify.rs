//! Rego unit tests (`test_*` rules, `with` mocking), like `opa test` / `conftest verify`, with line coverage.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use regex::Regex;
use regorus::Value as RegoValue;

use super::capabilities::Capabilities;
use super::engine::{self, RegoVersion};
use super::error::RegoError;
use super::load::{self, PolicySource};
use super::module_set::ModuleSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    Pass,
    /// The rule was undefined or false.
    Fail,
    Error(String),
}

#[derive(Debug, Clone)]
pub struct TestResult {
    pub package: String,
    pub name: String,
    pub outcome: TestOutcome,
    pub duration: Duration,
    /// What the test's `print(…)` calls wrote, a line each (as `opa test` shows them).
    pub output: Vec<String>,
}

/// Lines evaluated / not evaluated per policy file (test files excluded).
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub files: Vec<FileCoverage>,
}

#[derive(Debug, Clone)]
pub struct FileCoverage {
    pub path: String,
    pub covered: Vec<u32>,
    pub not_covered: Vec<u32>,
}

impl Coverage {
    /// Percentage of coverable lines that ran (100 when nothing is coverable).
    pub fn percent(&self) -> f64 {
        let covered: usize = self.files.iter().map(|f| f.covered.len()).sum();
        let total: usize = self
            .files
            .iter()
            .map(|f| f.covered.len() + f.not_covered.len())
            .sum();
        if total == 0 {
            100.0
        } else {
            // Line counts are far below 2^52, so the conversion is exact.
            covered as f64 * 100.0 / total as f64
        }
    }
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub paths: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub rego_version: RegoVersion,
    /// Only tests whose `package.name` matches.
    pub run: Option<Regex>,
    /// Only tests in packages that match one of these globs (`conftest verify --namespace`, Go's
    /// `path.Match` as for `validate`); none: every package.
    pub namespaces: Vec<String>,
    pub coverage: bool,
    pub timeout: Duration,
    /// Folders the file builtins may read besides the policy and data folders.
    pub allow_file_access: Vec<PathBuf>,
    /// OPA's capabilities file (`--capabilities`), as for `validate`.
    pub capabilities: Option<PathBuf>,
    /// How `parse_config*` read their text (proto types, Jsonnet child), as for `validate`.
    pub parsers: crate::gate::parsers::Context,
}

#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub results: Vec<TestResult>,
    pub coverage: Option<Coverage>,
}

/// Loads every `.rego` file under the paths (`builtin` allowed) and runs each `test_*` rule once.
pub fn run_rego_tests(options: &VerifyOptions) -> Result<VerifyReport, RegoError> {
    let sources: Vec<PolicySource> = options
        .paths
        .iter()
        .map(|p| PolicySource::parse(&p.to_string_lossy()))
        .collect();
    let capabilities = options
        .capabilities
        .as_deref()
        .map(Capabilities::read)
        .transpose()?;
    let material = load::collect(&sources)?;
    let mut engine = engine::new_engine(options.timeout)?;
    let v0_of = |file: &load::RegoFile| !file.builtin && options.rego_version == RegoVersion::V0;
    let module_set = ModuleSet::of(
        material
            .rego
            .iter()
            .map(|f| (f.path.as_str(), f.text.as_str(), v0_of(f))),
    )
    .keeping_prints();
    let printed = super::print::register(&mut engine).map_err(|e| RegoError::Compile {
        file: "builtin print".to_string(),
        message: e.to_string(),
    })?;
    for file in &material.rego {
        engine::add_module(
            &mut engine,
            &file.path,
            &file.text,
            v0_of(file),
            &module_set,
        )?;
    }
    super::capabilities::check(capabilities.as_ref(), &material, v0_of)?;
    for (path, doc) in load::collect_data(&options.data)? {
        engine
            .add_data(engine::from_json(&doc))
            .map_err(|e| RegoError::DataConflict {
                path,
                message: load::one_line(&e.to_string()),
            })?;
    }
    super::conftest_builtins::register(
        &mut engine,
        load::file_access(&material.rego, &options.data, &options.allow_file_access),
        options.parsers.clone(),
    )?;
    if options.coverage {
        engine.set_enable_coverage(true);
    }
    let declared = engine::declared_rules(&mut engine)?;
    let namespaces = options
        .namespaces
        .iter()
        .map(|p| super::glob::namespace_glob(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut report = VerifyReport::default();
    for (package, rules) in &declared {
        if !namespaces.is_empty() && !namespaces.iter().any(|g| g.is_match(package)) {
            continue;
        }
        for (name, _) in rules.rules.iter().filter(|(n, _)| n.starts_with("test_")) {
            let full = format!("{package}.{name}");
            if options.run.as_ref().is_some_and(|r| !r.is_match(&full)) {
                continue;
            }
            printed.take();
            let start = Instant::now();
            let outcome = match engine::eval(
                &mut engine,
                &format!("data.{full}"),
                "test",
                options.timeout,
            ) {
                Ok(Some(RegoValue::Bool(false)) | None) => TestOutcome::Fail,
                Ok(Some(_)) => TestOutcome::Pass,
                // the test's name is printed with it already
                Err(RegoError::Runtime { message, .. }) => TestOutcome::Error(message),
                Err(e) => TestOutcome::Error(e.to_string()),
            };
            report.results.push(TestResult {
                package: package.clone(),
                name: name.clone(),
                outcome,
                duration: start.elapsed(),
                output: printed.take(),
            });
        }
    }
    if options.coverage {
        let raw = engine
            .get_coverage_report()
            .map_err(|e| RegoError::Runtime {
                query: "coverage".to_string(),
                subject: "tests".to_string(),
                message: e.to_string(),
            })?;
        report.coverage = Some(Coverage {
            files: raw
                .files
                .into_iter()
                .filter(|f| !f.path.ends_with("_test.rego"))
                .map(|f| FileCoverage {
                    path: f.path,
                    covered: f.covered.into_iter().collect(),
                    not_covered: f.not_covered.into_iter().collect(),
                })
                .collect(),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OPA's own `build/policy/pr-check` declares `package policy["pr-check_test"]`: `opa test`
    /// (v1.22.3) runs its tests and names them `data.policy["pr-check_test"].test_…`.
    #[test]
    fn a_package_with_a_quoted_segment_runs_its_tests() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("p.rego"),
            "package policy[\"pr-check\"]\n\nok if input.x == 1\n",
        )?;
        std::fs::write(
            dir.path().join("p_test.rego"),
            "package policy[\"pr-check_test\"]\n\nimport data.policy[\"pr-check\"] as p\n\ntest_ok if p.ok with input as {\"x\": 1}\n\ntest_not_ok if not p.ok with input as {\"x\": 2}\n",
        )?;
        let report = run_rego_tests(&VerifyOptions {
            paths: vec![dir.path().to_path_buf()],
            data: vec![],
            rego_version: RegoVersion::V1,
            run: None,
            namespaces: vec![],
            coverage: false,
            timeout: Duration::from_secs(10),
            allow_file_access: vec![],
            capabilities: None,
            parsers: Default::default(),
        })?;
        let got: Vec<(String, &str, bool)> = report
            .results
            .iter()
            .map(|r| {
                (
                    r.package.clone(),
                    r.name.as_str(),
                    r.outcome == TestOutcome::Pass,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("policy[\"pr-check_test\"]".to_string(), "test_ok", true),
                ("policy[\"pr-check_test\"]".to_string(), "test_not_ok", true),
            ]
        );
        Ok(())
    }
}
