//! What the tests that hold sealgate's input parsers against `conftest parse` share (the
//! `peer_conftest_*` tests): corpus files from Go modules, the real conftest's answer per file,
//! numbers normalized, the verdict on one file, and the tally of a set of files.

use std::path::{Path, PathBuf};
use std::process::Command;

use sealgate_core::gate::parsers::Parser;
use serde_json::{Value, json};

/// The module's folder in the module cache, downloaded if needed.
pub(crate) fn module_dir(module: &str) -> PathBuf {
    let info = crate::peer::go_mod_download(module);
    PathBuf::from(
        info["Dir"]
            .as_str()
            .unwrap_or_else(|| panic!("go mod download {module}: no folder: {info}")),
    )
}

/// The files of `module` that `wanted` keeps, sorted by name.
pub(crate) fn module_files(module: &str, wanted: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(module_dir(module)).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && wanted(entry.path()) {
            out.push(entry.into_path());
        }
    }
    out
}

/// Numbers as f64, so `1` and `1.0` compare equal (conftest prints Go's float64s).
pub(crate) fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}

/// Numbers compared as numbers: integers exactly, a float with an integral value as that
/// integer (Go prints the float 1.0 as `1`), other floats as f64.
pub(crate) fn exact_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                Value::Number(n)
            } else {
                let f = n.as_f64().unwrap();
                if f.fract() == 0.0 && f.abs() < 9.0e18 {
                    json!(f as i64)
                } else {
                    json!(f)
                }
            }
        }
        Value::Array(a) => Value::Array(a.into_iter().map(exact_numbers).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, exact_numbers(v))).collect())
        }
        other => other,
    }
}

/// Per file: conftest's JSON (through `normalize`), or its refusal. conftest runs with an empty
/// environment (nothing of this process's leaks into a parse: gotenv and magiconair expand names
/// from it, BurntSushi's TOML takes the local time zone) and `TZ=UTC`. Files go in batches (one
/// process each). A batch that fails names the file it failed on (`…, path: FILE`, the same
/// one-line error as that file alone): that file gets the error and the rest of the batch is run
/// again, so one bad file does not hide the others and costs one run, not one per file; an error
/// that names no file of the batch has the batch retried file by file.
pub(crate) fn conftest_parse(
    conftest: &Path,
    parser: &str,
    files: &[PathBuf],
    normalize: fn(Value) -> Value,
) -> Vec<Result<Value, String>> {
    conftest_parse_in(conftest, parser, files, normalize, None, &[])
}

/// [`conftest_parse`] run in the folder `cwd`, with `env` added to its empty environment (such
/// as `CONFTEST_PROTO_FILE_DIRS`, the setting `conftest parse` has no flag for).
pub(crate) fn conftest_parse_in(
    conftest: &Path,
    parser: &str,
    files: &[PathBuf],
    normalize: fn(Value) -> Value,
    cwd: Option<&Path>,
    env: &[(&str, String)],
) -> Vec<Result<Value, String>> {
    let home = tempfile::tempdir().unwrap();
    let run = |batch: &[PathBuf]| {
        let mut cmd = Command::new(conftest);
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        let out = cmd
            .env_clear()
            .env("XDG_DATA_HOME", home.path())
            .env("XDG_CACHE_HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("TZ", "UTC")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .args(["parse", "--parser", parser])
            .args(batch)
            .output()
            .unwrap();
        if out.status.success() {
            Ok(read_json(out.stdout))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    };
    let mut results = Vec::new();
    for batch in files.chunks(100) {
        let mut out: Vec<Option<Result<Value, String>>> = vec![None; batch.len()];
        // indexes into `batch` not judged yet
        let mut left: Vec<usize> = (0..batch.len()).collect();
        while !left.is_empty() {
            let paths: Vec<PathBuf> = left.iter().map(|&i| batch[i].clone()).collect();
            match run(&paths) {
                Ok(mut all) if paths.len() > 1 => {
                    for &i in &left {
                        let key = batch[i].to_str().unwrap();
                        out[i] = Some(Ok(normalize(all[key].take())));
                    }
                    left.clear();
                }
                Ok(one) => {
                    out[left[0]] = Some(Ok(normalize(one)));
                    left.clear();
                }
                Err(e) if paths.len() == 1 => {
                    out[left[0]] = Some(Err(e));
                    left.clear();
                }
                Err(e) => match failed_file(&e, &paths) {
                    Some(at) => {
                        out[left.remove(at)] = Some(Err(e));
                    }
                    None => {
                        for i in left.drain(..) {
                            out[i] = Some(run(std::slice::from_ref(&batch[i])).map(normalize));
                        }
                    }
                },
            }
        }
        results.extend(out.into_iter().map(Option::unwrap));
    }
    results
}

/// Which of `paths` a failed `conftest parse` names (its one-line error ends `, path: FILE`).
fn failed_file(error: &str, paths: &[PathBuf]) -> Option<usize> {
    if error.lines().count() != 1 {
        return None;
    }
    let (_, name) = error.rsplit_once(", path: ")?;
    paths.iter().position(|p| p.to_str() == Some(name))
}

/// conftest's JSON however deep it nests (a Groovy tree nests about two JSON levels per tree level,
/// past serde_json's default limit of 128), read on a thread with the stack for it.
fn read_json(bytes: Vec<u8>) -> Value {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut reader = serde_json::Deserializer::from_slice(&bytes);
            reader.disable_recursion_limit();
            let value = <Value as serde::Deserialize>::deserialize(&mut reader).unwrap();
            reader.end().unwrap();
            value
        })
        .unwrap()
        .join()
        .unwrap()
}

/// One file, conftest's answer against sealgate's.
pub(crate) enum Verdict {
    Same,
    BothRefuse,
    /// Why they differ, for the failure message.
    Differ(String),
}

pub(crate) fn verdict(theirs: &Result<Value, String>, ours: &Result<Value, String>) -> Verdict {
    match (theirs, ours) {
        (Ok(t), Ok(o)) if t == o => Verdict::Same,
        (Err(_), Err(_)) => Verdict::BothRefuse,
        (Ok(t), Ok(o)) => Verdict::Differ(format!(
            "differs at {} (conftest vs sealgate)",
            first_difference(t, o, "").unwrap_or_default()
        )),
        (Err(e), Ok(_)) => Verdict::Differ(format!(
            "only conftest refuses: {}",
            e.lines().last().unwrap_or_default()
        )),
        (Ok(_), Err(e)) => Verdict::Differ(format!("only sealgate refuses: {e}")),
    }
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

/// How a set of files compared with conftest: agreeing (among them, refused by both), differing
/// as a listed difference says (`known`), and every other difference.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) agree: usize,
    pub(crate) refused: usize,
    pub(crate) known: usize,
    pub(crate) differ: Vec<String>,
}

impl Outcome {
    /// Reports `total` corner cases on stderr and asserts that none differ.
    pub(crate) fn assert_corner_cases(&self, test: &str, total: usize) {
        eprintln!(
            "{test}: {} of {total} corner cases agree with conftest ({} refused by both)",
            self.agree, self.refused
        );
        assert_none_differ("corner cases", &self.differ);
    }

    /// Asserts that fewer than half of `total` cases were refused by both, for sets meant to
    /// parse: both sides refusing most of them would prove little.
    pub(crate) fn assert_most_parse(&self, total: usize) {
        assert!(self.refused * 2 < total, "{} refused", self.refused);
    }

    /// Reports `total` texts written inline in a library's tests (`what`) and asserts that at
    /// least `floor` (the count of the last run) agree and none differ.
    pub(crate) fn assert_inline(&self, test: &str, what: &str, total: usize, floor: usize) {
        eprintln!(
            "{test}: {what}: {} of {total} agree with conftest ({} refused by both)",
            self.agree, self.refused
        );
        assert!(
            self.agree >= floor,
            "{} agree, fewer than the {floor} of the last run",
            self.agree
        );
        assert_none_differ(what, &self.differ);
    }
}

/// `files` (read as `texts`) through `conftest parse --parser NAME` and sealgate's `parser`, both
/// through `normalize`. A difference in a file `known(path)` excuses is counted apart; with
/// `show_input`, every other difference shows its input (for corner cases written inline).
pub(crate) fn compare_files(
    conftest: &Path,
    parser: Parser,
    files: &[PathBuf],
    texts: &[String],
    normalize: fn(Value) -> Value,
    known: &dyn Fn(&str) -> bool,
    show_input: bool,
) -> Outcome {
    let theirs = conftest_parse(conftest, parser.name(), files, normalize);
    let mut out = Outcome::default();
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = parser.parse(text).map(normalize).map_err(|e| e.to_string());
        let shown = f.display().to_string();
        match verdict(t, &ours) {
            Verdict::Same => out.agree += 1,
            Verdict::BothRefuse => {
                out.agree += 1;
                out.refused += 1;
            }
            Verdict::Differ(_) if known(&shown) => out.known += 1,
            Verdict::Differ(why) if show_input => out
                .differ
                .push(format!("{shown}: {why}\n  input: {text:?}")),
            Verdict::Differ(why) => out.differ.push(format!("{shown}: {why}")),
        }
    }
    out
}

/// Each of `texts` written to a file of `dir` named by its index (`case-{i}.hocon`), for
/// `conftest parse`.
pub(crate) fn write_cases(
    dir: &Path,
    texts: &[String],
    name: impl Fn(usize) -> String,
) -> Vec<PathBuf> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = dir.join(name(i));
            std::fs::write(&f, t).unwrap();
            f
        })
        .collect()
}

/// Which files of a module a test reads.
pub(crate) type Wanted = fn(&Path) -> bool;

/// Every file of each module that its `wanted` keeps, compared through `compare`, a line per
/// module; fails below `floor` agreeing files (the last run's) or on any difference not listed.
pub(crate) fn check_module_files(
    test: &str,
    modules: &[(&str, Wanted)],
    floor: usize,
    compare: impl Fn(&[PathBuf], &[String]) -> Outcome,
) {
    let (mut agree, mut total, mut known, mut differ) = (0, 0, 0, Vec::new());
    for (module, wanted) in modules {
        let files = module_files(module, wanted);
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        let o = compare(&files, &texts);
        eprintln!(
            "{test}: {module}: {} of {} files agree with conftest ({} refused by both), {} known, {} differ",
            o.agree,
            files.len(),
            o.refused,
            o.known,
            o.differ.len()
        );
        agree += o.agree;
        total += files.len();
        known += o.known;
        differ.extend(o.differ);
    }
    eprintln!("{test}: {agree} of {total} files agree with conftest, {known} known differences");
    assert!(
        agree >= floor,
        "{agree} files agree, fewer than the {floor} of the last run"
    );
    assert_none_differ("files", &differ);
}

/// Fails with every difference listed (`what`: files, corner cases) when there is one.
pub(crate) fn assert_none_differ(what: &str, differ: &[String]) {
    assert!(
        differ.is_empty(),
        "{} of the {what} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// Whether `go` runs (the corpora come from the Go module proxy); fails in CI, skips loudly
/// elsewhere.
pub(crate) fn go_present(test: &str) -> bool {
    if Command::new("go").arg("version").output().is_ok() {
        return true;
    }
    sealgate_tests::require(
        test,
        "`go` on PATH",
        "it reads the corpus modules from the Go module proxy",
    )
    .unwrap();
    false
}
