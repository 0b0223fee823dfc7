//! sealgate's type check (`core/src/gate/rego/typecheck`) against `opa check` (v1.22.3, from
//! `tests/peers/build`) on every Rego file of three modules nobody here wrote: OPA's own (format
//! and parser test files, documentation examples, policies), conftest's, and trivy-checks' (a
//! thousand real policies). Each file is checked alone, as Rego v1, or as v0 where OPA cannot
//! parse it as v1. Where OPA's type checker runs (it loads the file, or refuses it only with type
//! errors), sealgate's must give the same verdict: the same lines, the same builtin or undefined
//! reference. A file OPA refuses earlier (an undefined function from another file, a parse
//! error) says nothing of the type checker and is not compared.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sealgate_core::gate::{PolicySource, RegoError, RegoGate, RegoOptions, RegoVersion, Ungranted};
use serde_json::Value;

use crate::peer;

const TEST: &str = "peer_opa_type_check";

const MODULES: &[&str] = &[
    "github.com/open-policy-agent/opa@v1.22.3",
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/aquasecurity/trivy-checks@v1.10.0",
];

/// Files compared at least (the count of the last run; fewer fails the test), and files OPA
/// refuses with type errors among them.
const COMPARED_FLOOR: usize = 450;
const REFUSED_FLOOR: usize = 3;

/// A type error where it is: line, and the builtin (`concat`) or `undefined ref`.
type TypeError = (u32, String);

/// What `opa check` says of one file, as Rego v1 or else v0 (which of them, and its type errors);
/// `None` when it stops before its type checker.
fn opa_verdict(opa: &Path, file: &Path) -> Option<(bool, BTreeSet<TypeError>)> {
    match opa_type_errors(opa, file, false) {
        Err(Unparsed) => opa_type_errors(opa, file, true).ok()?.map(|e| (true, e)),
        Ok(verdict) => verdict.map(|e| (false, e)),
    }
}

/// `opa check` refused the file's syntax.
struct Unparsed;

/// What `opa check` says of one file in one version: `None` when it stops before its type checker.
fn opa_type_errors(
    opa: &Path,
    file: &Path,
    v0: bool,
) -> Result<Option<BTreeSet<TypeError>>, Unparsed> {
    let mut command = Command::new(opa);
    command.args(["check", "--max-errors", "-1", "--format", "json"]);
    if v0 {
        command.arg("--v0-compatible");
    }
    let out = command.arg(file).output().unwrap();
    if out.status.success() {
        return Ok(Some(BTreeSet::new()));
    }
    // the errors come on stderr
    let json: Value = serde_json::from_slice(&out.stderr).unwrap_or(Value::Null);
    let errors = json["errors"].as_array().cloned().unwrap_or_default();
    if errors.iter().any(|e| e["code"] == "rego_parse_error") {
        return Err(Unparsed);
    }
    let mut found = BTreeSet::new();
    for error in &errors {
        let message = error["message"].as_str().unwrap_or_default();
        let kind = if error["code"] != "rego_type_error" {
            return Ok(None);
        } else if let Some(name) = message.strip_suffix(": invalid argument(s)") {
            name.to_owned()
        } else if message.starts_with("undefined ref: ") {
            "undefined ref".to_owned()
        } else {
            return Ok(None);
        };
        let row = error["location"]["row"]
            .as_u64()
            .and_then(|r| u32::try_from(r).ok());
        let Some(row) = row else {
            return Ok(None);
        };
        found.insert((row, kind));
    }
    Ok((!found.is_empty()).then_some(found))
}

/// What sealgate says of one file: its type errors, `None` when it refuses it otherwise.
fn sealgate_type_errors(file: &Path, v0: bool) -> Option<BTreeSet<TypeError>> {
    let loaded = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::Path(file.to_path_buf())],
        rego_version: if v0 { RegoVersion::V0 } else { RegoVersion::V1 },
        ..RegoOptions::default()
    });
    match loaded {
        Ok(_) => Some(BTreeSet::new()),
        Err(RegoError::TypeErrors { refused }) => Some(
            refused
                .iter()
                .map(|r| {
                    let Ungranted::Type(words) = &r.what else {
                        panic!("not a type error: {r}");
                    };
                    let kind = match words.split_once(": invalid argument(s)") {
                        Some((name, _)) => name.to_owned(),
                        None => "undefined ref".to_owned(),
                    };
                    (r.line, kind)
                })
                .collect(),
        ),
        Err(_) => None,
    }
}

/// How one file compares.
enum Outcome {
    BothLoad,
    /// Both refuse it, with the same type errors.
    BothRefuse,
    Differ(String),
}

/// One file compared: `None` when it is not (OPA stops before its type checker, or sealgate
/// refuses it for another reason, so that its type check did not run).
fn compare(opa: &Path, module: &str, dir: &Path, file: &Path) -> Option<Outcome> {
    let (v0, theirs) = opa_verdict(opa, file)?;
    let ours = sealgate_type_errors(file, v0)?;
    Some(if theirs != ours {
        let shown = file.strip_prefix(dir).unwrap_or(file).display();
        Outcome::Differ(format!(
            "{module} {shown}: opa {theirs:?}, sealgate {ours:?}"
        ))
    } else if theirs.is_empty() {
        Outcome::BothLoad
    } else {
        Outcome::BothRefuse
    })
}

fn rego_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rego"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

#[test]
fn peer_opa_type_check_matches_opa_check() {
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let mut files: Vec<(&str, PathBuf, PathBuf)> = Vec::new();
    for module in MODULES {
        let entry = peer::go_mod_download(module);
        let dir = PathBuf::from(entry["Dir"].as_str().unwrap());
        files.extend(
            rego_files(&dir)
                .into_iter()
                .map(|f| (*module, dir.clone(), f)),
        );
    }
    // one `opa check` a file (two for Rego v0): spread over the cores
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let chunks: Vec<_> = files
            .chunks(files.len().div_ceil(workers).max(1))
            .map(|chunk| {
                let opa = &opa;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|(module, dir, file)| compare(opa, module, dir, file))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    let compared = outcomes.len();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::BothRefuse))
        .count();
    let differ: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Differ(d) => Some(d.as_str()),
            _ => None,
        })
        .collect();
    eprintln!(
        "{TEST}: {compared} files compared, {refused} with type errors; {} differ",
        differ.len()
    );
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(
        compared >= COMPARED_FLOOR && refused >= REFUSED_FLOOR,
        "{compared} compared, {refused} refused: fewer than {COMPARED_FLOOR} and {REFUSED_FLOOR}"
    );
}
