//! Schema conformance: the real kubeconform and `sealgate validate` on kubeconform's own `fixtures/`,
//! with the same schemas for both (sealgate's built-ins, exported with `sealgate schemas export`
//! and given to kubeconform as `-schema-location`), compared resource by resource, normal and `-strict`.
//!
//! Needs `$SEALGATE_PEERS/kubeconform` and `$SEALGATE_CORPORA/kubeconform-fixtures` (tests/peers/build):
//! missing ones fail the test when `CI` is set, and print a loud SKIPPED line otherwise.
//! `SEALGATE_UPDATE_DOCS=1` rewrites the kubeconform section of `docs/conformance.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const SEALGATE: &str = env!("CARGO_BIN_EXE_sealgate");

/// One comparison: files (relative to the fixtures folder) and extra schema locations tried
/// after the exported built-ins, both given to both tools.
struct Case {
    files: Vec<String>,
    extra_locations: Vec<&'static str>,
}

/// Every manifest-looking file of the corpus on its own, the `folder/` walk, and the two
/// acceptance cases that add local schema locations (the others in kubeconform's bats need the network).
fn cases(fixtures: &Path) -> Vec<Case> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    names.sort();
    let mut out: Vec<Case> = names
        .into_iter()
        .map(|n| Case {
            files: vec![n],
            extra_locations: vec![],
        })
        .collect();
    out.push(Case {
        files: vec!["folder".into()],
        extra_locations: vec![],
    });
    out.push(Case {
        files: vec!["registry/sagemaker.aws.amazon.com_trainingjobs.yaml".into()],
        extra_locations: vec![],
    });
    out.push(Case {
        files: vec!["test_crd.yaml".into()],
        extra_locations: vec!["registry/{{ .ResourceKind }}{{ .KindSuffix }}.json"],
    });
    out.push(Case {
        files: vec!["grafana-alert-rule-group-sample.yaml".into()],
        extra_locations: vec!["grafanaalertrulegroup_v1beta1.json"],
    });
    out
}

/// A resource's identity and verdict: (file, kind, name) → statuses in document order.
type Verdicts = BTreeMap<(String, String, String), Vec<String>>;

struct Run {
    exit: i32,
    verdicts: Verdicts,
    /// file/kind/name → the first message, to explain a difference.
    messages: BTreeMap<(String, String, String), String>,
}

fn kubeconform(
    bin: &Path,
    fixtures: &Path,
    schemas: &Path,
    version: &str,
    strict: bool,
    case: &Case,
) -> Run {
    let mut cmd = Command::new(bin);
    cmd.current_dir(fixtures)
        .args([
            "-output",
            "json",
            "-verbose",
            "-n",
            "1",
            "-kubernetes-version",
            version,
            "-schema-location",
        ])
        .arg(schemas);
    for l in &case.extra_locations {
        cmd.args(["-schema-location", l]);
    }
    if strict {
        cmd.arg("-strict");
    }
    let out = cmd.args(&case.files).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "kubeconform output is not JSON ({e}): {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut run = Run {
        exit: out.status.code().unwrap_or(-1),
        verdicts: Verdicts::new(),
        messages: BTreeMap::new(),
    };
    for r in value["resources"].as_array().into_iter().flatten() {
        let status = match r["status"].as_str().unwrap_or_default() {
            "statusValid" => "valid",
            "statusInvalid" => "invalid",
            "statusError" => "error",
            "statusSkipped" => "skipped",
            // Empty documents: `statusEmpty`, or no status at all for a file with no document.
            "statusEmpty" | "" => continue,
            other => panic!("unknown kubeconform status {other}"),
        };
        let key = (s(&r["filename"]), s(&r["kind"]), s(&r["name"]));
        let mut msg = s(&r["msg"]);
        for e in r["validationErrors"].as_array().into_iter().flatten() {
            let _ = write!(msg, " [{}: {}]", s(&e["path"]), s(&e["msg"]));
        }
        run.messages.entry(key.clone()).or_insert(msg);
        run.verdicts.entry(key).or_default().push(status.to_owned());
    }
    run
}

fn sealgate(fixtures: &Path, version: &str, strict: bool, case: &Case) -> Run {
    let mut cmd = Command::new(SEALGATE);
    cmd.current_dir(fixtures)
        .args(["validate", "-o", "json", "--kubernetes-version", version]);
    if !case.extra_locations.is_empty() {
        cmd.args(["--schema-location", "default"]);
    }
    for l in &case.extra_locations {
        cmd.args(["--schema-location", l]);
    }
    if strict {
        cmd.arg("--strict");
    }
    let out = cmd.args(&case.files).output().unwrap();
    let exit = out.status.code().unwrap_or(-1);
    let mut run = Run {
        exit,
        verdicts: Verdicts::new(),
        messages: BTreeMap::new(),
    };
    if exit == 2 {
        // An input error stops the whole run: every file gets one "error" verdict with the message.
        let msg = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        for f in &case.files {
            let key = (f.clone(), String::new(), String::new());
            run.messages.insert(key.clone(), msg.clone());
            run.verdicts.entry(key).or_default().push("error".into());
        }
        return run;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("sealgate output is not JSON ({e}): {text}"));
    for r in value["resources"].as_array().into_iter().flatten() {
        let key = (s(&r["file"]), s(&r["kind"]), s(&r["name"]));
        let msg: Vec<String> = r["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| s(&f["message"]))
            .collect();
        run.messages.entry(key.clone()).or_insert(msg.join("; "));
        run.verdicts.entry(key).or_default().push(s(&r["status"]));
    }
    run
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

struct Row {
    what: String,
    agree: bool,
    detail: String,
}

fn summarize(v: &Verdicts) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for status in v.values().flatten() {
        *counts.entry(status.as_str()).or_default() += 1;
    }
    if counts.is_empty() {
        return "no resources".into();
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare(what: String, k: &Run, g: &Run) -> Row {
    let mut detail = format!(
        "kubeconform: {} (exit {}); sealgate: {} (exit {})",
        summarize(&k.verdicts),
        k.exit,
        summarize(&g.verdicts),
        g.exit
    );
    let mut agree = k.exit == g.exit;
    let keys: std::collections::BTreeSet<_> = k.verdicts.keys().chain(g.verdicts.keys()).collect();
    let mut shown = 0;
    for key in keys {
        let (a, b) = (k.verdicts.get(key), g.verdicts.get(key));
        if a != b {
            agree = false;
            shown += 1;
            if shown > 3 {
                continue;
            }
            let none = Vec::new();
            let _ = write!(
                detail,
                ". {} {} {}: kubeconform {:?} ({}), sealgate {:?} ({})",
                key.0,
                key.1,
                key.2,
                a.unwrap_or(&none),
                k.messages.get(key).map_or("", String::as_str),
                b.unwrap_or(&none),
                g.messages.get(key).map_or("", String::as_str)
            );
        }
    }
    if shown > 3 {
        let _ = write!(detail, ". … and {} more resources", shown - 3);
    }
    Row {
        what,
        agree,
        detail,
    }
}

/// Cases where the verdicts differ on purpose; the reason of each is in [`DIFFERENCES_EXPLAINED`].
const KNOWN_DIFFERENCES: &[&str] = &[];

const DIFFERENCES_EXPLAINED: &str = "
### Differences, and why

- Duplicate keys in `-strict` mode (`duplicate_property.yaml`): kubeconform's strict YAML decoder refuses the
  document (`error`); sealgate now does the same (before, it reported `invalid`).
- Objects with only `metadata.generateName` are named `<generateName>{{ generateName }}` by both tools.
";

fn markdown(rows: &[Row], version: &str) -> String {
    let agree = rows.iter().filter(|r| r.agree).count();
    let mut s = format!(
        "## kubeconform (schemas)\n\nGenerated by `cli/tests/conformance_kubeconform.rs` (`SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate conformance_kubeconform`).\n\
         Both tools see the same schemas: sealgate's built-in Kubernetes {version} schemas, exported with `sealgate schemas export` \
         and passed to kubeconform as `-schema-location` (`-kubernetes-version {version} -n 1 -output json -verbose`); sealgate runs \
         `validate -o json --kubernetes-version {version}`. Verdicts (valid / invalid / error / skipped) are compared per resource \
         (file, kind, name), plus the exit code.\n\n### kubeconform fixtures: {agree}/{} agree\n\n| case | verdicts | details |\n|---|---|---|\n",
        rows.len()
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            r.what,
            if r.agree { "same" } else { "**differ**" },
            r.detail.replace('|', "\\|").replace('\n', " ")
        );
    }
    s.push_str(DIFFERENCES_EXPLAINED);
    s
}

#[test]
fn kubeconform_and_sealgate_agree_on_kubeconform_fixtures() {
    const TEST: &str = "conformance_kubeconform";
    let Some(bin) = sealgate_tests::peer_tool(TEST, "kubeconform").unwrap() else {
        return;
    };
    let Some(fixtures) = sealgate_tests::corpus(TEST, "kubeconform-fixtures").unwrap() else {
        return;
    };
    let version = *sealgate_core::gate::kubernetes_versions().last().unwrap();
    let schemas = tempfile::tempdir().unwrap();
    let export = Command::new(SEALGATE)
        .args(["schemas", "export", "--kubernetes-version", version])
        .arg(schemas.path())
        .output()
        .unwrap();
    assert!(
        export.status.success(),
        "schemas export failed: {}",
        String::from_utf8_lossy(&export.stderr)
    );

    let mut rows = Vec::new();
    for case in cases(&fixtures) {
        for strict in [false, true] {
            let k = kubeconform(&bin, &fixtures, schemas.path(), version, strict, &case);
            let g = sealgate(&fixtures, version, strict, &case);
            let mut what = String::from("`");
            if strict {
                what.push_str("-strict ");
            }
            for l in &case.extra_locations {
                let _ = write!(what, "-schema-location '{l}' ");
            }
            what.push_str(&case.files.join(" "));
            what.push('`');
            rows.push(compare(what, &k, &g));
        }
    }
    let section = markdown(&rows, version);
    eprintln!("{section}");
    if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
        let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md");
        sealgate_tests::update_doc_section(&doc, "kubeconform-conformance", &section).unwrap();
    }
    let unexpected: Vec<String> = rows
        .iter()
        .filter(|r| !r.agree && !KNOWN_DIFFERENCES.iter().any(|k| r.what.contains(k)))
        .map(|r| format!("{}: {}", r.what, r.detail))
        .collect();
    assert!(
        unexpected.is_empty(),
        "verdicts differ from kubeconform:\n{}",
        unexpected.join("\n")
    );
    assert!(
        rows.len() >= 80,
        "only {} cases ran: is the fixtures folder complete?",
        rows.len()
    );
}
