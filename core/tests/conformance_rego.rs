//! Rego conformance: the real conftest and gator against sealgate's Rego gate on their own corpora.
//!
//! Needs the reference tools from `tests/peers/build` (`SEALGATE_PEERS`, `SEALGATE_CORPORA`; falls back
//! to `~/.cache/sealgate/peers-dev` and the Go module cache). Missing tools fail the test when `CI` is
//! set, and print a loud SKIPPED line otherwise. With `SEALGATE_UPDATE_DOCS=1` the results replace the
//! conftest/gator section of `docs/conformance.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sealgate_core::gate::policy_test::{self, CaseOutcome, TestOutcome, VerifyOptions};
use sealgate_core::gate::{InputDoc, Level, PolicySource, RegoGate, RegoOptions, RegoVersion};
use serde_json::Value;

const TEST: &str = "conformance_rego";

/// A missing tool or corpus: a failure in CI, a loud SKIPPED line elsewhere.
fn skip_or_fail(what: &str, how: &str) {
    sealgate_tests::require(TEST, what, how).unwrap();
}

fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
}

/// A reference binary: `$SEALGATE_PEERS/<name>`, else the dev cache.
fn peer(name: &str) -> Option<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(p) = std::env::var_os("SEALGATE_PEERS") {
        dirs.push(PathBuf::from(p));
    }
    dirs.push(home().join(".cache/sealgate/peers"));
    dirs.push(home().join(".cache/sealgate/peers-dev"));
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// Corpora the Go module proxy does not serve (gatekeeper-library), kept next to the checkout:
/// `$SEALGATE_SHARED_CORPORA` (what `tests/run` sets), else `../shared/corpora` from the repository root.
fn shared_corpora() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = std::env::var_os("SEALGATE_SHARED_CORPORA")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .collect();
    roots.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora"));
    roots
}

/// A corpus folder: `$SEALGATE_CORPORA/<name>` or a shared corpus, else a module in the Go module cache.
fn corpus(name: &str, module_glob: &str, sub: &str) -> Option<PathBuf> {
    let mut roots: Vec<PathBuf> = std::env::var_os("SEALGATE_CORPORA")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    roots.push(home().join(".cache/sealgate/peers/corpora"));
    roots.extend(shared_corpora());
    if let Some(p) = roots.into_iter().map(|r| r.join(name)).find(|p| p.is_dir()) {
        return Some(p);
    }
    let (parent, prefix) = module_glob.rsplit_once('/')?;
    let base = home().join("go/pkg/mod").join(parent);
    let mut found: Vec<PathBuf> = std::fs::read_dir(base)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    found.sort();
    found.pop().map(|p| p.join(sub)).filter(|p| p.is_dir())
}

/// One `conftest test` invocation from conftest's own acceptance tests (YAML/JSON inputs only).
struct ConftestCase {
    policies: &'static [&'static str],
    data: &'static [&'static str],
    flags: &'static [&'static str],
    files: &'static [&'static str],
}

const CONFTEST_CASES: &[ConftestCase] = &[
    ConftestCase {
        policies: &["kubernetes/policy"],
        data: &[],
        flags: &[],
        files: &["kubernetes/service.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/policy"],
        data: &[],
        flags: &[],
        files: &["kubernetes/deployment.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/policy"],
        data: &[],
        flags: &[],
        files: &["kubernetes/deployment+service.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/policy"],
        data: &[],
        flags: &[],
        files: &["kubernetes/deployment.yaml", "kubernetes/service.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/policy"],
        data: &[],
        flags: &["--namespace", "notpresent"],
        files: &["kubernetes/deployment.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/policy"],
        data: &[],
        flags: &["--all-namespaces"],
        files: &["kubernetes/deployment.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/policy/deny.rego"],
        data: &[],
        flags: &[],
        files: &["kubernetes/deployment.yaml"],
    },
    ConftestCase {
        policies: &["report/policy_print/labels.rego"],
        data: &[],
        flags: &[],
        files: &["kubernetes/deployment.yaml"],
    },
    ConftestCase {
        policies: &["data/policy"],
        data: &["data/exclusions"],
        flags: &[],
        files: &["data/service.yaml"],
    },
    ConftestCase {
        policies: &["compose/policy"],
        data: &[],
        flags: &[],
        files: &["compose/docker-compose.yml"],
    },
    ConftestCase {
        policies: &["compose/policy"],
        data: &[],
        flags: &[],
        files: &["compose/docker-compose-valid.yml"],
    },
    ConftestCase {
        policies: &["exceptions/policy"],
        data: &[],
        flags: &[],
        files: &["exceptions/deployments.yaml"],
    },
    ConftestCase {
        policies: &["combine/policy"],
        data: &[],
        flags: &["--combine"],
        files: &[
            "combine/team.yaml",
            "combine/user1.yaml",
            "combine/user2.yaml",
        ],
    },
    ConftestCase {
        policies: &["combine/policy"],
        data: &[],
        flags: &["--combine"],
        files: &["combine/team.yaml", "combine/users.yaml"],
    },
    ConftestCase {
        policies: &["kubernetes/combine/combine.rego"],
        data: &[],
        flags: &["--combine"],
        files: &[
            "kubernetes/combine/deployment.yaml",
            "kubernetes/combine/service.yaml",
        ],
    },
    ConftestCase {
        policies: &["awssam/policy"],
        data: &[],
        flags: &[],
        files: &["awssam/lambda.yaml"],
    },
    ConftestCase {
        policies: &["serverless/policy"],
        data: &[],
        flags: &[],
        files: &["serverless/serverless.yaml"],
    },
    ConftestCase {
        policies: &["kustomize/policy"],
        data: &[],
        flags: &[],
        files: &[
            "kustomize/deployment.yaml",
            "kustomize/service.yaml",
            "kustomize/configMap.yaml",
        ],
    },
    ConftestCase {
        policies: &["hcl1/policy/base.rego"],
        data: &[],
        flags: &[],
        files: &["hcl1/gke-show.json"],
    },
];

/// (failures, warnings, exceptions, successes) and the sorted failure messages, per file.
type Tally = BTreeMap<String, ((usize, usize, usize, usize), Vec<String>)>;

fn conftest_tally(
    conftest: &Path,
    examples: &Path,
    case: &ConftestCase,
) -> Result<(Tally, i32), String> {
    let mut cmd = Command::new(conftest);
    cmd.current_dir(examples)
        .args(["test", "--no-color", "-o", "json"]);
    for p in case.policies {
        cmd.args(["-p", p]);
    }
    for d in case.data {
        cmd.args(["-d", d]);
    }
    cmd.args(case.flags).args(case.files);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run conftest: {e}"))?;
    let code = out.status.code().unwrap_or(-1);
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "conftest output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let mut tally = Tally::new();
    for r in json.as_array().map(Vec::as_slice).unwrap_or_default() {
        let file = r["filename"].as_str().unwrap_or_default().to_string();
        let len = |k: &str| r.get(k).and_then(Value::as_array).map_or(0, Vec::len);
        let entry = tally.entry(file).or_default();
        entry.0.0 += len("failures");
        entry.0.1 += len("warnings");
        entry.0.2 += len("exceptions");
        entry.0.3 += r["successes"].as_u64().unwrap_or(0) as usize;
        for f in r
            .get("failures")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            entry
                .1
                .push(f["msg"].as_str().unwrap_or_default().to_string());
        }
        entry.1.sort();
    }
    Ok((tally, code))
}

/// conftest's YAML reading: one value per document; a root array is a list of documents.
fn load_docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if let [Value::Array(items)] = docs.as_slice() {
        return items.clone();
    }
    docs
}

fn sealgate_tally(examples: &Path, case: &ConftestCase) -> Result<(Tally, i32), String> {
    let mut options = RegoOptions {
        policies: case
            .policies
            .iter()
            .map(|p| PolicySource::Path(examples.join(p)))
            .collect(),
        data: case.data.iter().map(|d| examples.join(d)).collect(),
        timeout: Duration::from_secs(10),
        ..RegoOptions::default()
    };
    let mut flags = case.flags.iter();
    while let Some(f) = flags.next() {
        match *f {
            "--combine" => options.combine = true,
            "--all-namespaces" => options.all_namespaces = true,
            "--namespace" => options.namespaces.push(flags.next().unwrap().to_string()),
            other => panic!("flag {other} not mapped"),
        }
    }
    let gate = RegoGate::load(options).map_err(|e| e.to_string())?;
    let loaded: Vec<(String, Vec<Value>)> = case
        .files
        .iter()
        .map(|f| (f.to_string(), load_docs(&examples.join(f))))
        .collect();
    let mut docs = Vec::new();
    for (file, values) in &loaded {
        for (i, v) in values.iter().enumerate() {
            docs.push(InputDoc {
                file,
                line: i + 1,
                value: v,
            });
        }
    }
    let eval = gate.evaluate(&docs).map_err(|e| e.to_string())?;
    let mut tally = Tally::new();
    let mut failed = false;
    let mut add = |file: String, o: &sealgate_core::gate::DocOutcome| {
        let entry = tally.entry(file).or_default();
        for f in &o.findings {
            match f.level {
                Level::Failure => {
                    entry.0.0 += 1;
                    entry.1.push(f.message.clone());
                    failed = true;
                }
                Level::Warning => entry.0.1 += 1,
                Level::DryRun => {}
            }
        }
        entry.0.2 += o.exceptions;
        entry.0.3 += o.successes;
        entry.1.sort();
    };
    match &eval.combined {
        Some(c) => add("Combined".to_string(), c),
        None => {
            for (d, o) in docs.iter().zip(&eval.docs) {
                add(d.file.to_string(), o);
            }
        }
    }
    Ok((tally, i32::from(failed)))
}

struct Row {
    what: String,
    agree: bool,
    detail: String,
}

fn conftest_rows(conftest: &Path, examples: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    for case in CONFTEST_CASES {
        let mut what = format!("`conftest test -p {}", case.policies.join(" -p "));
        for d in case.data {
            write!(what, " -d {d}").unwrap();
        }
        for f in case.flags {
            write!(what, " {f}").unwrap();
        }
        write!(what, " {}`", case.files.join(" ")).unwrap();
        let theirs = conftest_tally(conftest, examples, case);
        let ours = sealgate_tally(examples, case);
        let (agree, detail) = match (&theirs, &ours) {
            (Ok((t, tc)), Ok((o, oc))) => {
                let counts = |t: &Tally| {
                    t.iter()
                        .map(|(f, ((fl, w, e, s), _))| {
                            format!("{f}: {fl} fail, {w} warn, {e} exc, {s} ok")
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                if t == o && tc == oc {
                    (true, counts(t))
                } else {
                    (
                        false,
                        format!(
                            "conftest (exit {tc}): {} — sealgate (exit {oc}): {}",
                            counts(t),
                            counts(o)
                        ),
                    )
                }
            }
            // Both refusing the policy (compile or evaluation error) is the same verdict: no result.
            (Err(t), Err(o)) => (
                true,
                format!("both reject the policy. conftest: {t} sealgate: {o}"),
            ),
            (t, o) => (
                false,
                format!(
                    "conftest: {:?} — sealgate: {:?}",
                    t.as_ref().err(),
                    o.as_ref().err()
                ),
            ),
        };
        rows.push(Row {
            what,
            agree,
            detail,
        });
    }
    // `conftest verify`: the same test_* rules pass and fail.
    for policy in ["kubernetes/policy", "kubernetes/combine", "data/policy"] {
        let mut cmd = Command::new(conftest);
        cmd.current_dir(examples)
            .args(["verify", "--no-color", "-o", "json", "-p", policy]);
        if policy == "data/policy" {
            cmd.args(["-d", "data/exclusions"]);
        }
        let theirs = cmd
            .output()
            .ok()
            .and_then(|o| serde_json::from_slice::<Value>(&o.stdout).ok())
            .map(|j| {
                let mut pass = 0;
                let mut fail = 0;
                for r in j.as_array().map(Vec::as_slice).unwrap_or_default() {
                    pass += r["successes"].as_u64().unwrap_or(0) as usize;
                    fail += r
                        .get("failures")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                }
                (pass, fail)
            });
        let ours = policy_test::run_rego_tests(&VerifyOptions {
            paths: vec![examples.join(policy)],
            data: if policy == "data/policy" {
                vec![examples.join("data/exclusions")]
            } else {
                vec![]
            },
            rego_version: RegoVersion::V1,
            run: None,
            namespaces: vec![],
            coverage: false,
            timeout: Duration::from_secs(10),
            allow_file_access: vec![],
            capabilities: None,
            parsers: Default::default(),
        })
        .map(|r| {
            let pass = r
                .results
                .iter()
                .filter(|t| t.outcome == TestOutcome::Pass)
                .count();
            (pass, r.results.len() - pass)
        });
        let agree = matches!((&theirs, &ours), (Some(t), Ok(o)) if t == o);
        rows.push(Row {
            what: format!("`conftest verify -p {policy}`"),
            agree,
            detail: format!(
                "conftest (pass, fail) = {theirs:?}, sealgate = {:?}",
                ours.as_ref().map_err(ToString::to_string)
            ),
        });
    }
    rows
}

/// gator verify per suite vs sealgate's suite runner: per-suite pass/fail.
fn gator_rows(gator: &Path, roots: &[PathBuf]) -> Vec<Row> {
    let mut rows = Vec::new();
    for root in roots {
        let suites = policy_test::find_suites(std::slice::from_ref(root)).unwrap();
        for (path, s) in &suites {
            let dir = path.parent().unwrap();
            let out = Command::new(gator)
                .current_dir(dir)
                .args(["verify", "-v", "."])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let results = policy_test::run_suite(path, s, None, Duration::from_secs(10));
            let ours_ok = results
                .iter()
                .all(|r| matches!(r.outcome, CaseOutcome::Pass | CaseOutcome::Skipped));
            let unsupported = results
                .iter()
                .filter(|r| matches!(r.outcome, CaseOutcome::Unsupported(_)))
                .count();
            let theirs_ok = out.status.success();
            let passed = results
                .iter()
                .filter(|r| r.outcome == CaseOutcome::Pass)
                .count();
            let failures: Vec<String> = results
                .iter()
                .filter(|r| !matches!(r.outcome, CaseOutcome::Pass | CaseOutcome::Skipped))
                .map(|r| format!("{}/{}: {:?}", r.test, r.case, r.outcome))
                .collect();
            let gator_passed = text
                .lines()
                .filter(|l| l.trim_start().starts_with("--- PASS"))
                .count();
            let gator_failed = text
                .lines()
                .filter(|l| l.trim_start().starts_with("--- FAIL"))
                .count();
            let detail = format!(
                "sealgate: {passed}/{} cases pass, {unsupported} unsupported; gator: exit {:?}, {gator_passed} PASS / {gator_failed} FAIL lines (tests and cases). {}",
                results.len(),
                out.status.code(),
                failures.join("; ")
            );
            rows.push(Row {
                what: format!("`gator verify {}`", path.display()),
                agree: theirs_ok == ours_ok && unsupported == 0,
                detail,
            });
        }
    }
    rows
}

/// `gator test -f …` invocations from gatekeeper's own bats tests (test/gator/test/test.bats).
const GATOR_TEST_CASES: &[&[&str]] = &[
    &["manifests/with-policies/no-violations.yaml"],
    &["manifests/with-policies/with-violations.yaml"],
    &["manifests/with-policies/with-violations-rego-v1.yaml"],
    &[
        "manifests/no-policies/with-violations.yaml",
        "policies/default",
    ],
    &[
        "policies/default",
        "manifests/no-policies/no-violations.yaml",
    ],
    &["manifests/different-extensions"],
    &[
        "policies/default/template_k8srequiredprobes.yaml",
        "policies/enforcement_action/k8srequiredprobes/deny.yaml",
        "manifests/no-policies/with-violations.yaml",
    ],
    &[
        "policies/default/template_k8srequiredprobes.yaml",
        "policies/enforcement_action/k8srequiredprobes/foo.yaml",
        "manifests/no-policies/with-violations.yaml",
    ],
    &["policies/default", "manifests/referential-data"],
    // An ExpansionTemplate: the Deployment's implied Pod is reviewed (namespaceSelector needs ns.yaml).
    &[
        "manifests/expansion/expansion-w-ns-selector.yaml",
        "manifests/expansion/ns.yaml",
    ],
];

fn yaml_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(path)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .flat_map(|p| yaml_files(&p))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    out.sort();
    out
}

/// gator test vs sealgate on the same objects (templates and constraints among them): messages and exit.
fn gator_test_rows(gator: &Path, fixtures: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    for case in GATOR_TEST_CASES {
        let mut cmd = Command::new(gator);
        cmd.current_dir(fixtures).args(["test", "-o", "json"]);
        for f in *case {
            cmd.arg(format!("--filename={f}"));
        }
        let out = cmd.output().unwrap();
        let theirs_code = out.status.code().unwrap_or(-1);
        let mut theirs: Vec<String> = serde_json::from_slice::<Value>(&out.stdout)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|r| r["msg"].as_str().unwrap_or_default().to_string())
            .collect();
        theirs.sort();
        let loaded: Vec<(String, Vec<Value>)> = case
            .iter()
            .flat_map(|f| yaml_files(&fixtures.join(f)))
            .map(|p| (p.display().to_string(), load_docs(&p)))
            .collect();
        let docs: Vec<InputDoc<'_>> = loaded
            .iter()
            .flat_map(|(f, vs)| {
                vs.iter().enumerate().map(move |(i, v)| InputDoc {
                    file: f,
                    line: i + 1,
                    value: v,
                })
            })
            .collect();
        let ours = RegoGate::load(RegoOptions::default()).and_then(|g| g.evaluate(&docs));
        let (ours_msgs, ours_code) = match &ours {
            Ok(eval) => {
                let mut m: Vec<String> = eval.findings().map(|f| f.message.clone()).collect();
                m.sort();
                let code = i32::from(eval.findings().any(|f| f.level == Level::Failure));
                (m, code)
            }
            Err(e) => (vec![format!("error: {e}")], 2),
        };
        let agree = theirs == ours_msgs && theirs_code == ours_code;
        rows.push(Row {
            what: format!("`gator test -f {}`", case.join(" -f ")),
            agree,
            detail: if agree {
                format!("exit {theirs_code}, {} violation(s)", theirs.len())
            } else {
                format!(
                    "gator exit {theirs_code} {theirs:?}; sealgate exit {ours_code} {ours_msgs:?}"
                )
            },
        });
    }
    rows
}

/// Paths in the report are shown relative to the corpora, not to this machine's cache.
fn portable(text: &str) -> String {
    let mut out = text.to_string();
    let mut roots: Vec<String> = std::env::var("SEALGATE_CORPORA").ok().into_iter().collect();
    roots.push(
        home()
            .join(".cache/sealgate/peers/corpora")
            .display()
            .to_string(),
    );
    roots.push(home().join("go/pkg/mod").display().to_string());
    roots.extend(shared_corpora().iter().map(|r| r.display().to_string()));
    for r in roots {
        out = out.replace(&format!("{r}/"), "");
    }
    out
}

fn markdown(title: &str, rows: &[Row]) -> String {
    let agree = rows.iter().filter(|r| r.agree).count();
    let mut s = format!(
        "### {title}: {agree}/{} agree\n\n| case | verdicts | details |\n|---|---|---|\n",
        rows.len()
    );
    for r in rows {
        writeln!(
            s,
            "| {} | {} | {} |",
            r.what,
            if r.agree { "same" } else { "**differ**" },
            portable(&r.detail).replace('|', "\\|").replace('\n', " ")
        )
        .unwrap();
    }
    s
}

#[test]
fn conftest_and_gator_agree_with_sealgate() {
    let Some(conftest) = peer("conftest") else {
        return skip_or_fail("conftest", "run tests/peers/build, or set SEALGATE_PEERS");
    };
    let Some(examples) = corpus(
        "conftest-examples",
        "github.com/open-policy-agent/conftest@",
        "examples",
    ) else {
        return skip_or_fail("the conftest examples", "set SEALGATE_CORPORA");
    };
    let conftest_rows = conftest_rows(&conftest, &examples);
    let mut section = String::from(
        "## conftest and gator (Rego)\n\nGenerated by `core/tests/conformance_rego.rs` (`SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate-core conformance_rego`).\n\n",
    );
    section.push_str(&markdown("conftest examples", &conftest_rows));

    let mut gator_rows_all = Vec::new();
    match peer("gator") {
        None => skip_or_fail("gator", "run tests/peers/build, or set SEALGATE_PEERS"),
        Some(gator) => {
            let mut roots = Vec::new();
            match corpus(
                "gatekeeper-library",
                "github.com/open-policy-agent/gatekeeper-library@",
                "library",
            ) {
                Some(lib) => roots.push(lib),
                None => skip_or_fail(
                    "the gatekeeper-library corpus",
                    "set SEALGATE_SHARED_CORPORA to a folder holding gatekeeper-library/library (tests/run uses ../shared/corpora)",
                ),
            }
            match corpus(
                "gatekeeper-gator-tests",
                "github.com/open-policy-agent/gatekeeper/v3@",
                "test/gator",
            ) {
                Some(gk) => roots.push(gk),
                None => skip_or_fail(
                    "gatekeeper's test/gator corpus",
                    "run tests/peers/build, or set SEALGATE_CORPORA",
                ),
            }
            gator_rows_all = gator_rows(&gator, &roots);
            section.push('\n');
            section.push_str(&markdown("gator verify suites", &gator_rows_all));
            if let Some(fixtures) = corpus(
                "gatekeeper-gator-tests",
                "github.com/open-policy-agent/gatekeeper/v3@",
                "test/gator",
            )
            .map(|p| p.join("test/fixtures"))
            .filter(|p| p.is_dir())
            {
                let rows = gator_test_rows(&gator, &fixtures);
                section.push('\n');
                section.push_str(&markdown("gator test fixtures", &rows));
                gator_rows_all.extend(rows);
            } else {
                skip_or_fail(
                    "gatekeeper's test/fixtures corpus",
                    "run tests/peers/build, or set SEALGATE_CORPORA",
                );
            }
        }
    }
    section.push_str(DIFFERENCES_EXPLAINED);
    let section = portable(&section);
    eprintln!("{section}");
    if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
        let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md");
        sealgate_tests::update_doc_section(&doc, "rego-conformance", &section).unwrap();
    }
    let differ: Vec<&Row> = conftest_rows
        .iter()
        .chain(&gator_rows_all)
        .filter(|r| !r.agree)
        .collect();
    // Differences are listed (with reasons) in docs/conformance.md; each one here is a regression.
    let known: &[&str] = &KNOWN_DIFFERENCES;
    let unexpected: Vec<&&Row> = differ
        .iter()
        .filter(|r| !known.iter().any(|k| r.what.contains(k)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "verdicts differ: {:#?}",
        unexpected
            .iter()
            .map(|r| format!("{}: {}", r.what, r.detail))
            .collect::<Vec<_>>()
    );
}

/// Cases where sealgate knowingly differs (see docs/conformance.md for the reason of each).
const KNOWN_DIFFERENCES: [&str; 0] = [];

const DIFFERENCES_EXPLAINED: &str = "
### Differences, and why

- A file without a single object (empty, comments only, a bare `---`) is evaluated once with `input`
  null, as conftest does: a rule that does not look at the input fires there too (reported at the
  file's line 1; such files take no part in `--combine`'s input). Until 2026-12-06 sealgate skipped
  them, which was three of conftest's own test cases.
- A result's `_loc` naming another file than the tested one (conftest ≥ 0.64) leaves the finding on
  the tested file, with the named position as its `origin` (text: `(originating from FILE:LINE)`,
  JSON `origin`, SARIF `relatedLocations`, GitHub: an annotation on each file, as conftest's);
  until 2026-12-06 sealgate moved the finding to the named file.
- `combine/policy` (2 cases) agree thanks to a load-time rewrite (`core/src/gate/rego/shadowing.rs`) of two
  regorus scoping divergences from OPA, both in `duplicate.rego`: (1) a comprehension that uses an outer
  variable and then declares its own local of the same name (`[name | … == name; name := …]`) is refused
  (\"var `name` used before definition\"), and a nested `some i` takes the outer `i`'s value instead of
  declaring a new local; (2) a bare `some i` after a loop fails on the loop's second iteration
  (\"duplicated definition of local variable i\"). The rewrite does what OPA's compiler does: nested
  locals that share a name with the enclosing query are renamed (`name__local0`), and a bare `some` moves
  to the front of its query. Policies without these patterns are passed to regorus byte for byte.
  The proper fix is in regorus' scheduler and interpreter (scopes resolved by position); to report upstream.
- ExpansionTemplates (`core/src/gate/rego/gatekeeper/expansion.rs`, after gatekeeper's `pkg/expansion`:
  exact `applyTo` GVK match, `templateSource` map, `generatedGVK`, inherited namespace, `<parent>-<kind>`
  name, owner reference, recursive expansion, `[Implied by <template>]` message prefix, `enforcementAction`
  override) work in `sealgate validate` (like `gator test`) and in Suites (like `gator verify`): all 9 cases of
  gatekeeper's own `test/gator/verify` suite agree, including the 3 that use them. Mutators (Assign,
  ModifySet, …), which gatekeeper applies to resultants, are not implemented; nor is gatekeeper's
  detection of conflicting (cyclic) templates beyond refusing a template that generates what it applies to.
- Exit codes: conftest exits 1 on failures and, with `--fail-on-warn`, 2 on failures and 1 on
  warnings; sealgate exits 1 on any finding that fails the run (warnings too with `--fail-on-warn`)
  and keeps 2 for a run that could not judge (bad flags, unreadable policies), so a CI step that
  checks for a non-zero exit behaves the same.
- `serverless/policy`: both tools refuse the policy (conftest at compile time: undefined function
  `has_field`; regorus at evaluation time), so both produce no verdict; counted as agreement.
- gatekeeper-library (49 suites, 270 cases, all agreeing with gator): the Go module proxy does not serve
  `github.com/open-policy-agent/gatekeeper-library` (403), so the test reads it from
  `$SEALGATE_SHARED_CORPORA/gatekeeper-library` (`tests/run` and `.ci/run`: `../shared/corpora`), never
  copied into the repository.
- Input reading differs by design: sealgate expands `kind: List` into its items before policies run
  (conftest passes the List as one document). This table runs the YAML/JSON examples; the examples
  in conftest's other formats (Terraform, Dockerfile, TOML, INI, …) are compared in the
  policy-repository table below (section \"conftest's input parsers\" lists the formats read).
- regorus divergences that gatekeeper-library hits, each made to behave as OPA v1.22.3 at load time
  or by a builtin wrapper (section \"OPA's *undefined* where regorus raises an error\" below): a
  line ending in a ref followed by a line starting with `(` parses as a call (`horizontalpodautoscaler`);
  v0 chained bodies on a partial-set rule are rejected (`noupdateserviceaccount`); `not f(x,
  input.missing)` is true where OPA makes it undefined (`users`); `sprintf` with fewer operands than
  verbs is an error where OPA writes `%!v(MISSING)` (`horizontalpodautoscaler`). `re_match`, `any` and
  `all` (deprecated OPA builtins that v0 templates still use) are provided by sealgate as extensions.
";
