//! OPA's own compliance suite (`v1/test/cases/testdata/{v0,v1}/*/*.yaml` in the OPA module that
//! `tests/peers/build` builds `opa` from) through sealgate's engine setup: the options, extensions and
//! load-time rewrites `validate --policy` uses. Reports pass/fail/skip per folder; with
//! `SEALGATE_UPDATE_DOCS=1` the table replaces the OPA compliance section of `docs/conformance.md`.
//!
//! The suite is read from `$SEALGATE_CORPORA/opa-compliance-cases` (copied there by
//! `tests/peers/build` from the module of the `opa` it builds), else from the Go module cache.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sealgate_core::gate::policy_test::{AdHocQuery, eval_query};
use serde::Deserialize;
use serde_json::Value;

const TEST: &str = "conformance_opa_compliance";

/// The OPA release `tests/peers/build` builds (its module carries the cases).
const OPA_VERSION: &str = "v1.22.3";

/// Builtins sealgate leaves out on purpose: they reach the network or the host environment, which
/// a policy gate must not. A case that calls one is skipped (and listed).
const DISABLED_BUILTINS: &[&str] = &["http.send", "net.lookup_ip_addr", "opa.runtime"];

/// Why the cases that still fail do, by the start of their note (measured 2026-12-06; each is
/// a regorus difference sealgate cannot rewrite at load time, or a gap named here).
const WHY_FAILING: &[(&str, &str)] = &[
    (
        "strings/sprintf: float too big",
        "regorus refuses numbers beyond f64 (`2e308`)",
    ),
    (
        "comparisonexpr/decimals order",
        "regorus refuses numbers beyond f64",
    ),
    (
        "jsonbuiltins/unmarshal number with large exponent",
        "regorus refuses numbers beyond f64",
    ),
    (
        "providers-aws-sign_req/failure-simple-bad timestamp",
        "regorus reads `-1e9` as the integer -1000000000, so the float OPA refuses cannot be told apart",
    ),
];

/// Builtins that only OPA's Go test harness registers: the `opa` binary refuses them ("undefined
/// function test.sleep"), and so does sealgate. A case that calls one is skipped (and listed).
const HARNESS_BUILTINS: &[&str] = &["test.sleep"];

/// Pass rate below which the test fails: the numbers are reported in docs/conformance.md, and a
/// drop below what this commit measured is a regression.
const MIN_PASSING: usize = 4403;

#[derive(Deserialize)]
struct CaseFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    note: String,
    query: String,
    #[serde(default)]
    modules: Vec<String>,
    data: Option<Value>,
    input: Option<Value>,
    input_term: Option<String>,
    want_result: Option<Vec<Value>>,
    want_error: Option<String>,
    want_error_code: Option<String>,
    #[serde(default)]
    strict_error: bool,
    #[serde(default)]
    sort_bindings: bool,
    #[serde(default)]
    skip: bool,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    pass: usize,
    fail: usize,
    skip: usize,
}

fn cases_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SEALGATE_CORPORA")
        .filter(|d| !d.is_empty())
        .map(|d| PathBuf::from(d).join("opa-compliance-cases"))
        .filter(|d| d.is_dir())
    {
        return Some(d);
    }
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let gopath = std::env::var_os("GOPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join("go"));
    let dir = gopath
        .join("pkg/mod/github.com/open-policy-agent")
        .join(format!("opa@{OPA_VERSION}"))
        .join("v1/test/cases/testdata");
    dir.is_dir().then_some(dir)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

/// Arrays inside each binding sorted (the cases' `sort_bindings`).
fn sorted_bindings(results: &mut [Value]) {
    for r in results {
        if let Some(obj) = r.as_object_mut() {
            for v in obj.values_mut() {
                if let Some(a) = v.as_array_mut() {
                    a.sort_by_key(ToString::to_string);
                }
            }
        }
    }
}

/// Whether two results are equal as OPA's own harness compares them (`testAssertResultSet` in
/// `v1/topdown/exported_test.go`: `ast.Compare`), where numbers compare by value: OPA's `3.0`
/// and sealgate's `3` (regorus keeps no float identity) are the same result there.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `got` and `want` hold the same results in any order ([`same`]).
fn same_results(got: &[Value], want: &[Value]) -> bool {
    let mut unused: Vec<&Value> = got.iter().collect();
    got.len() == want.len()
        && want.iter().all(|w| {
            unused
                .iter()
                .position(|g| same(g, w))
                .map(|i| unused.swap_remove(i))
                .is_some()
        })
}

/// How a case that passes passed.
#[derive(PartialEq)]
enum Pass {
    Exactly,
    /// Equal only as numbers compare in OPA's harness (`3` for `3.0`).
    NumbersByValue,
}

/// The outcome of one case: how it passes, else why not.
fn run(case: &Case, v0: bool) -> Result<Pass, String> {
    let q = AdHocQuery {
        modules: case.modules.clone(),
        data: case.data.clone(),
        input: case.input.clone(),
        input_term: case.input_term.clone(),
        query: case.query.clone(),
        v0,
        strict_builtin_errors: case.strict_error,
        timeout: Duration::from_secs(10),
    };
    let wants_error = case.want_error.is_some() || case.want_error_code.is_some();
    // A panic inside regorus is one failing case (listed), not the end of the survey.
    let outcome = std::panic::catch_unwind(|| eval_query(&q))
        .map_err(|p| format!("panic: {}", panic_text(p.as_ref())))?;
    match (outcome, &case.want_result) {
        (Err(_), _) if wants_error => Ok(Pass::Exactly),
        (Err(e), _) => Err(format!("error: {e}")),
        (Ok(got), _) if wants_error => Err(format!(
            "want error {:?}, got {got:?}",
            case.want_error_code.as_ref().or(case.want_error.as_ref())
        )),
        (Ok(mut got), Some(want)) => {
            let mut want = want.clone();
            if case.sort_bindings {
                sorted_bindings(&mut got);
                sorted_bindings(&mut want);
            }
            // OPA does not order a query's result set; compare it as a multiset.
            got.sort_by_key(ToString::to_string);
            want.sort_by_key(ToString::to_string);
            if got == want {
                Ok(Pass::Exactly)
            } else if same_results(&got, &want) {
                Ok(Pass::NumbersByValue)
            } else {
                Err(format!("want {want:?}, got {got:?}"))
            }
        }
        (Ok(got), None) if got.is_empty() => Ok(Pass::Exactly),
        (Ok(got), None) => Err(format!("want undefined, got {got:?}")),
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// `a`, `b` as Markdown code.
fn listed(names: &[&str]) -> String {
    names
        .iter()
        .map(|b| format!("`{b}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The disabled or harness-only builtin a case calls, or names as a `with` replacement.
fn disabled_builtin(case: &Case) -> Option<&'static str> {
    DISABLED_BUILTINS
        .iter()
        .chain(HARNESS_BUILTINS)
        .copied()
        .find(|b| {
            case.query.contains(b)
                || case
                    .modules
                    .iter()
                    .any(|m| m.contains(&format!("{b}(")) || m.contains(&format!(" as {b}\n")))
        })
}

#[test]
fn conformance_opa_compliance() {
    let Some(dir) = cases_dir() else {
        sealgate_tests::require(
            TEST,
            &format!("OPA {OPA_VERSION}'s compliance cases"),
            "run tests/peers/build (it copies them to $SEALGATE_CORPORA/opa-compliance-cases)",
        )
        .unwrap();
        return;
    };
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    let mut folders: BTreeMap<String, Tally> = BTreeMap::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut by_value: Vec<String> = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&dir).unwrap();
        let folder = rel.parent().unwrap().to_string_lossy().replace('\\', "/");
        let v0 = folder.starts_with("v0/") || folder == "v0";
        let text = std::fs::read_to_string(file).unwrap();
        let parsed: CaseFile =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in &parsed.cases {
            let tally = folders.entry(folder.clone()).or_default();
            if case.skip {
                tally.skip += 1;
                skipped.push(format!("{folder}: {} (marked `skip` by OPA)", case.note));
                continue;
            }
            if let Some(b) = disabled_builtin(case) {
                tally.skip += 1;
                let why = if HARNESS_BUILTINS.contains(&b) {
                    "only OPA's test harness has it"
                } else {
                    "disabled in sealgate"
                };
                skipped.push(format!("{folder}: {} (calls `{b}`: {why})", case.note));
                continue;
            }
            match run(case, v0) {
                Ok(how) => {
                    tally.pass += 1;
                    if how == Pass::NumbersByValue {
                        by_value.push(format!("{folder}: {}", case.note));
                    }
                }
                Err(why) => {
                    tally.fail += 1;
                    let mut why = why.replace('\n', " ");
                    why.truncate(300);
                    failures
                        .entry(folder.clone())
                        .or_default()
                        .push(format!("{}: {why}", case.note));
                }
            }
        }
    }
    let total = folders.values().fold(Tally::default(), |a, t| Tally {
        pass: a.pass + t.pass,
        fail: a.fail + t.fail,
        skip: a.skip + t.skip,
    });
    let mut section = format!(
        "## OPA compliance suite (Rego)\n\nGenerated by `core/tests/conformance_opa_compliance.rs` \
         (`SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate-core conformance_opa_compliance`): OPA \
         {OPA_VERSION}'s `v1/test/cases/testdata` run through sealgate's engine setup (the options, \
         extensions and load-time rewrites of `validate --policy`).\n\n\
         **{} of {} cases pass, {} fail, {} skipped** ({} skipped because they call a builtin \
         sealgate disables: {}; {} because they call a builtin only OPA's Go test harness has, \
         which the `opa` binary refuses too: {}; the rest are marked `skip` by OPA itself).\n\n\
         | folder | pass | fail | skip |\n|---|---|---|---|\n",
        total.pass,
        total.pass + total.fail + total.skip,
        total.fail,
        total.skip,
        skipped
            .iter()
            .filter(|s| s.contains("disabled in sealgate"))
            .count(),
        listed(DISABLED_BUILTINS),
        skipped
            .iter()
            .filter(|s| s.contains("test harness"))
            .count(),
        listed(HARNESS_BUILTINS),
    );
    for (folder, t) in &folders {
        writeln!(
            section,
            "| {folder} | {} | {} | {} |",
            t.pass, t.fail, t.skip
        )
        .unwrap();
    }
    section.push_str("\n### Failing cases, and why\n\n");
    for (folder, why) in &failures {
        for w in why {
            let note = w.split(": ").next().unwrap_or(w);
            let reason = WHY_FAILING
                .iter()
                .find(|(prefix, _)| w.starts_with(prefix))
                .map_or("not yet examined", |(_, reason)| reason);
            writeln!(section, "- {folder}: {note}: {reason}").unwrap();
        }
    }
    section.push_str(
        "\n### Passing with numbers equal by value\n\nResults are compared as OPA's own harness \
         compares them (`testAssertResultSet` in `v1/topdown/exported_test.go`, `ast.Compare`: \
         numbers by value). These cases pass that way only: OPA's result has a float written \
         `3.0` where sealgate's has `3` (regorus keeps no float identity), which a consumer \
         reading the JSON as numbers cannot tell apart.\n\n",
    );
    for c in &by_value {
        writeln!(section, "- {c}").unwrap();
    }
    section.push_str("\n### Skipped cases\n\n");
    for s in &skipped {
        writeln!(section, "- {s}").unwrap();
    }
    eprintln!("{section}");
    for (folder, why) in &failures {
        for w in why {
            eprintln!("FAIL {folder}: {w}");
        }
    }
    if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
        let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md");
        sealgate_tests::update_doc_section(&doc, "opa-compliance", &section).unwrap();
    }
    assert!(
        total.pass >= MIN_PASSING,
        "{} of {} OPA compliance cases pass, fewer than the {MIN_PASSING} this suite passed when measured",
        total.pass,
        total.pass + total.fail
    );
}
