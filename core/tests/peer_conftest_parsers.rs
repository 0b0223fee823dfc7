//! conftest's `hcl2` and `nginx` parsers, side by side with the real `conftest parse --parser …`
//! (v0.71.1), on files nobody here wrote: every `.tf`/`.hcl`/`.tfvars` and every nginx `.conf`
//! in a fixed set of Go modules (conftest's examples, HCL's spec suite and fuzz corpus, Terraform's
//! and Packer's test fixtures, gonginx's and ingress-nginx's configurations…), fetched into the
//! module cache with `go mod download`. sealgate's side is the `parse_config` builtin as a policy
//! calls it (the engine setup `validate --policy` uses). A file agrees when both print the same
//! JSON (numbers compared as numbers) or both refuse it. Without `conftest` or `go` the test fails
//! in CI and is skipped loudly elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use sealgate_core::gate::{InputDoc, PolicySource, RegoGate, RegoOptions};
use serde_json::{Value, json};

const TEST: &str = "peer_conftest_parsers";

/// Modules whose HCL files are read.
const HCL_MODULES: &[&str] = &[
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/hashicorp/hcl/v2@v2.23.0",
    "github.com/hashicorp/hcl@v1.0.0",
    "github.com/hashicorp/terraform@v1.13.3",
    "github.com/hashicorp/packer@v1.9.5",
    "github.com/external-secrets/external-secrets@v1.3.2",
    "github.com/aquasecurity/trivy-checks@v1.10.0",
];

/// Modules whose nginx configurations (`.conf` files with `nginx` in their path; all of gonginx's)
/// are read.
const NGINX_MODULES: &[&str] = &[
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/tufanbarisyildirim/gonginx@v0.0.0-20260220081509-8e17ce617db3",
    "k8s.io/ingress-nginx@v0.0.0-20240708192948-52c50467d67d",
];

/// Files on which sealgate must agree with conftest, at least (the counts of the last run; a
/// regression fails the test, and so does any file that differs).
const HCL_FLOOR: usize = 2239;
const NGINX_FLOOR: usize = 32;

/// The module's folder in the module cache, downloaded if needed.
fn module_dir(module: &str) -> PathBuf {
    let out = Command::new("go")
        .args(["mod", "download", "-json", module])
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    let info: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "go mod download {module}: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    PathBuf::from(
        info["Dir"]
            .as_str()
            .unwrap_or_else(|| panic!("go mod download {module}: no folder: {info}")),
    )
}

fn files(modules: &[&str], wanted: impl Fn(&str, &Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for module in modules {
        let dir = module_dir(module);
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() && wanted(module, entry.path()) {
                out.push(entry.into_path());
            }
        }
    }
    out
}

/// Numbers as f64, so `1` and `1.0` compare equal (conftest prints Go's float64s).
fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

/// Per file: conftest's JSON, or its refusal. Files go in batches (one process each); a batch
/// that fails is retried file by file, so one bad file does not hide the others.
fn conftest_parse(conftest: &Path, parser: &str, files: &[PathBuf]) -> Vec<Result<Value, String>> {
    let run = |batch: &[PathBuf]| {
        let out = Command::new(conftest)
            .args(["parse", "--parser", parser])
            .args(batch)
            .output()
            .unwrap();
        if out.status.success() {
            Ok(serde_json::from_slice::<Value>(&out.stdout).unwrap())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    };
    let mut results = Vec::new();
    for batch in files.chunks(100) {
        match run(batch) {
            Ok(mut all) if batch.len() > 1 => {
                for f in batch {
                    let key = f.to_str().unwrap();
                    results.push(Ok(normalize(all[key].take())));
                }
            }
            Ok(one) => results.push(Ok(normalize(one))),
            Err(_) if batch.len() > 1 => {
                for f in batch {
                    results.push(run(std::slice::from_ref(f)).map(normalize));
                }
            }
            Err(e) => results.push(Err(e)),
        }
    }
    results
}

/// Per file: what `parse_config(parser, text)` gives a policy, or why it gave nothing.
fn sealgate_parse(parser: &str, texts: &[String]) -> Vec<Result<Value, String>> {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.rego");
    std::fs::write(
        &policy,
        "package main\n\ndeny contains msg if {\n\tmsg := json.marshal({\"v\": parse_config(input.parser, input.text)})\n}\n",
    )
    .unwrap();
    let gate = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::Path(policy)],
        ..RegoOptions::default()
    })
    .unwrap();
    let inputs: Vec<Value> = texts
        .iter()
        .map(|t| json!({"parser": parser, "text": t}))
        .collect();
    let docs: Vec<InputDoc<'_>> = inputs
        .iter()
        .map(|value| InputDoc {
            file: "input",
            line: 1,
            value,
        })
        .collect();
    let evaluation = gate.evaluate(&docs).unwrap();
    evaluation
        .docs
        .iter()
        .map(|d| match d.findings.as_slice() {
            [one] => {
                let v: Value = serde_json::from_str(&one.message).unwrap();
                Ok(normalize(v["v"].clone()))
            }
            [] => Err(d
                .errors
                .iter()
                .map(|e| e.error.to_string())
                .collect::<Vec<_>>()
                .join("; ")),
            many => panic!("one message expected, got {}", many.len()),
        })
        .collect()
}

/// (agreeing files, of which both refuse, differences) for `parser` on `files`.
fn compare(conftest: &Path, parser: &str, files: &[PathBuf]) -> (usize, usize, Vec<String>) {
    let (files, texts): (Vec<PathBuf>, Vec<String>) = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok().map(|t| (f.clone(), t)))
        .unzip();
    let theirs = conftest_parse(conftest, parser, &files);
    let ours = sealgate_parse(parser, &texts);
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for ((f, t), o) in files.iter().zip(&theirs).zip(&ours) {
        match (t, o) {
            (Ok(t), Ok(o)) if t == o => agree += 1,
            (Err(_), Err(_)) => {
                agree += 1;
                refused += 1;
            }
            (Ok(t), Ok(o)) => differ.push(format!(
                "{}: differs at {} (conftest vs sealgate)",
                f.display(),
                first_difference(t, o, "").unwrap_or_default()
            )),
            (Err(e), Ok(_)) => differ.push(format!(
                "{}: only conftest refuses: {}",
                f.display(),
                e.lines().last().unwrap_or_default()
            )),
            (Ok(_), Err(e)) => differ.push(format!("{}: only sealgate refuses: {e}", f.display())),
        }
    }
    (agree, refused, differ)
}

/// Where two JSON values first differ, as `path: theirs vs ours`.
fn first_difference(t: &Value, o: &Value, at: &str) -> Option<String> {
    match (t, o) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(x, y, &format!("{at}.{k}")),
                (x, y) => Some(format!("{at}.{k}: {x:?} vs {y:?}")),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}[{i}]"))),
        _ if t == o => None,
        _ => Some(format!("{at}: {t} vs {o}")),
    }
}

fn go_present() -> bool {
    if Command::new("go").arg("version").output().is_ok() {
        return true;
    }
    sealgate_tests::require(
        TEST,
        "`go` on PATH",
        "it reads the corpus modules from the Go module proxy",
    )
    .unwrap();
    false
}

#[test]
fn peer_conftest_parsers_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present() {
        return;
    }
    let hcl = files(HCL_MODULES, |_, p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("tf" | "hcl" | "tfvars")
        )
    });
    let nginx = files(NGINX_MODULES, |module, p| {
        p.extension().and_then(|e| e.to_str()) == Some("conf")
            && (module.contains("gonginx") || p.to_string_lossy().contains("nginx"))
    });
    let mut differ = Vec::new();
    for (parser, files, floor) in [("hcl2", &hcl, HCL_FLOOR), ("nginx", &nginx, NGINX_FLOOR)] {
        let (agree, refused, d) = compare(&conftest, parser, files);
        eprintln!(
            "{TEST}: {parser}: {agree} of {} files agree with conftest ({refused} refused by both), {} differ",
            files.len(),
            d.len()
        );
        assert!(
            agree >= floor,
            "{parser}: {agree} files agree, fewer than the {floor} of the last run"
        );
        differ.extend(d);
    }
    assert!(
        differ.is_empty(),
        "{} file(s) differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
