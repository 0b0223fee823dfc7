//! conftest's `cue` parser (cuelang.org/go v0.17.1: format, compile, MarshalJSON), side by side
//! with the real `conftest parse --parser cue` (v0.71.1), on files nobody here wrote: every `.cue`
//! file of cuelang.org/go and of conftest, and every `.cue` section of the test archives (txtar)
//! of CUE's evaluation suite (`cue/testdata/`) and its export tests
//! (`internal/core/export/testdata/`), each section written to a file of its own; then corner
//! cases of CUE's syntax and evaluation. sealgate's side is `Parser::parse`.
//!
//! Four classes per file: agree (the same JSON, numbers compared as f64 as conftest prints Go's
//! float64s, or both refuse); sealgate refuses as unsupported ("does not support", or its
//! evaluation budget) where conftest gives JSON — allowed, counted per construct; both give JSON
//! but a different one; only one side refuses otherwise. The last two are wrong answers: there
//! must be none (each known one would be listed in docs/conformance.md with its reason).
//! Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    conftest_parse, go_present, module_dir, module_files, numbers_as_f64, write_cases,
};

const TEST: &str = "peer_conftest_cue";

const CUE: &str = "cuelang.org/go@v0.17.1";
const CONFTEST: &str = "github.com/open-policy-agent/conftest@v0.71.1";

/// The folders of CUE's module whose test archives are read.
const ARCHIVES: &[&str] = &["cue/testdata", "internal/core/export/testdata"];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 769;

/// Known wrong answers (file name suffixes, with the reason), each listed in
/// docs/conformance.md.
const KNOWN: &[(&str, &str)] = &[
    (
        "definitions/typocheck.txtar#large.cue",
        "a dynamic field labelled by an optional field (`(namespace): patch`) filled in later \
         through a let: sealgate finds the optional reference incomplete where CUE waits for it",
    ),
    (
        "eval/issue3801.txtar#nested.cue",
        "the same construct as typocheck.txtar#large.cue",
    ),
    (
        "eval/conjuncts.txtar#issue2355.cue",
        "an interpolation of a field reached through two selections from unified definitions \
     inside a let-bound embedding: sealgate finds it not concrete, CUE resolves it",
    ),
];

/// Corner cases, judged by conftest like the files.
pub(crate) const CUE_CORNERS: &[&str] = &[
    "",
    "// only a comment\n",
    "a: 1\n",
    "a: b: c: 1\n",
    "a: 1, b: 2\n",
    "a: 1\n,\nb: 2\n",
    "a: 1 b: 2\n",
    "package x\na: 1\n",
    "@attr(x)\npackage x\na: 1 @tag(y)\n",
    "x: 1K\ny: 1.5Mi\nz: 0x_1f\nw: 1_000\nv: 0o17\nu: 0b101\nt: 1e3\ns: .5\nr: 1.\n",
    "x: 1__0\n",
    "x: 1_\n",
    "x: 01\n",
    "x: 0.1 + 0.2\ny: 1/3\nz: 4/2\nw: div(7, 2)\nv: 7 / 2.0\nu: mod(-7, 2)\nq: quo(-7, 2)\nr: rem(-7, 2)\n",
    "a: 'ab\\x00'\nb: \"\"\"\n    x\n      y\n    \"\"\"\nc: #\"a\\#n\\n\"#\nd: '\\101'\n",
    "b: \"\"\"\n    x\n  y\n    \"\"\"\n",
    "b: \"\"\"x\n\"\"\"\n",
    "a: \"\\u00e9\\U0001F600\\t\\\"\"\n",
    "a: \"\\x41\"\n",
    "a: \"unterminated\n",
    "a: {b: 1} & {c: 2}\na: b: 1\n",
    "a: 1\na: 2\n",
    "a: 1\na: 1.0\n",
    "a: \"x\"\nb: \"y\\(a)z\"\nc: \"\\(1+1)\"\ne: \"\\(true)\"\n",
    "f: \"\\(null)\"\n",
    "a: 1 == 1.0\nb: \"a\" + \"b\"\nd: 3 * \"ab\"\ne: -(2)\nf: !true\ng: 1 < 2 && 2 > 1\nh: 7 / 7\ni: 1 + 1.0\nj: \"a\" < \"b\"\nk: \"ab\" =~ \"^a\"\nl: null == null\nm: 1 != \"a\"\n",
    "c: [1] + [2]\n",
    "a: len(\"héllo\")\nb: len([1,2])\nc: len({a: 1, b: 2})\nd: len('ab')\n",
    "a: int\n",
    "a?: int\nb: 1\n",
    "b!: int\n",
    "b!: int\nb: 2\n",
    "a: *1 | 2\nb: a + 1\nc: *\"x\" | string\nd: c\n",
    "z: *1 | *2\n",
    "y: (*1 | 2) & 2\n",
    "x: (*1|2|3) | *(1|*2|3)\n",
    "x: (*1|2) & (1|*2)\n",
    "x: int & >=0.5\nx: 1\n",
    "x: >=1 & <=1\n",
    "_x: >5 & <3\ny: 1\n",
    "x: \"a\" & !=null\ny: {a: 1} & !=null\n",
    "x: \"a\" & !=1\n",
    "x: string & =~\"^a\" & \"abc\"\ny: \"b\" & !~\"^a\"\n",
    "x: \"b\" & =~\"^a\"\n",
    "x: uint8 & 300\n",
    "x: uint & 3\ny: rune & 65\n",
    "#D: {a: int, b?: string}\nx: #D & {a: 1}\n",
    "#D: {a: int}\nx: #D & {a: 1, b: 1}\n",
    "#D: {a: int, ...}\nx: #D & {a: 1, b: 1}\n",
    "#D: {a: 1} & {b: 2}\nx: #D\n",
    "#D: {a: 1 & 2}\nx: 1\n",
    "_h: 1 & 2\nx: 1\n",
    "o?: 1 & 2\nx: 1\n",
    "y: {b: 1}\n#D: {a: y}\nx: #D & {a: {c: 1}}\n",
    "#A: {b: int}\n#B: {#A, c: int}\nx: #B & {b: 1, c: 2}\n",
    "#A: {b: int}\nx: {#A, c: 2, b: 1}\n",
    "#L: {next?: #L, v: int}\nx: #L & {v: 1, next: {v: 2}}\n",
    "x: #D.a\n#D: {a: int}\n",
    "a: b: a\n",
    "a: b\nb: a\n",
    "_y: {a: int, b: a}\nx: _y & {a: 1}\n",
    "x: [1,2] & [...int]\ny: {for i, v in x {\"k\\(i)\": v}}\n",
    "x: [1, 2, ...]\ny: [...int]\nz: [1, 2] & [1, 2, 3]\n",
    "x: [1, \"a\"] & [...int]\n",
    "x: [for v in [1, 2, 3] if v > 1 {v * 10}]\n",
    "x: {for k, v in {a: 1, b: 2} {(k): v + 1}}\n",
    "s: {a: 1, b: 2}\nfor k, v in s {\"x\\(k)\": v}\n",
    "a: [string]: {n: int}\na: b: {n: 1}\n",
    "#P: [N=string]: {name: N}\nq: #P & {k: {}}\n",
    "a: [=~\"^x\"]: int\na: x1: 1\na: y: \"s\"\n",
    "a: [=~\"^x\"]: int\na: x1: \"s\"\n",
    "let L = 2\nn: L\n",
    "X=a: 1\nb: X\n",
    "a: {b: 1, c: b + 1}\n",
    "x: [1,2][1]\ny: {a: 1}[\"a\"]\n",
    "z: \"\\(1.5)\"\n",
    "x: 9223372036854775808 * 10\ny: -1\n",
    "x: 1e400\n",
    "\"a\"\nx: 1\n",
    "1\n",
    "[1, 2]\n",
    "x: {a: 1} | {b: 2}\n",
    "x: *{a: 1} | {b: 2}\n",
    "x: *{a: 1} | {b: 2}\ny: {a: 1} | {a: 2}\ny: a: 2\nz: *null | {c: 1}\n",
    "#A: {k: \"a\", n: int}\n#B: {k: \"b\", s: string}\nx: #A | #B\nx: {k: \"b\", s: \"t\"}\n",
    "y: {a: 1} | {b: 2}\ny: b: 2\n",
    "x: [...{a: int}] | *[]\n",
    "#T: {{op: \"a\", t: *\"l\" | string} | {op: \"b\"}}\nf: #T & {op: \"a\"}\n",
    "x: a: 1\nx: {b: 1} | {c: 1}\n",
    "import \"strings\"\nx: strings.ToUpper(\"a\")\n",
    "x: _|_\n",
    "x: a.b\na: {}\n",
    "x: y\n",
    "if true { a: 1 }\nif false { b: 1 }\n",
    "for: 1\nif: 2\nlet: 3\nin: 4\n",
    "a: true: 1\n",
    "\"a-b\": 1\nc: \"a-b\"\n",
    "#a: 1\n_b: 2\nc: #a + _b\n",
    "a: {1}\nb: {b: 1, 1}\n",
    "x: {a: 1} == {a: 1}\n",
    "x: 1 +\n2\n",
    "x: [\n1,\n2\n]\n",
    "x: {\na: 1\nb: 2\n}\n",
    "x: (1 +\n2)\n",
    "a: 1 // c\nb: 2\n",
    "a: 1; b: 2\n",
    "a: 1\n}\n",
    "a: {\n",
    "__a: 1\n",
    "a: b: c: d\nd: 1\n",
    "a: 10 & int & >5 & <20\n",
    "x: \"a\" * -1\n",
    "x: len(1)\n",
    "x: 1 / 0\n",
    "x: [1, 2, 3][5]\n",
];

/// Files of CUE's test archives: each `.cue` section of each `.txtar` under `ARCHIVES`, written
/// into `dir`; with the archive and section names.
fn archive_sections(dir: &Path) -> (Vec<PathBuf>, Vec<String>, Vec<String>) {
    let root = module_dir(CUE);
    let (mut files, mut texts, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for sub in ARCHIVES {
        for entry in walkdir::WalkDir::new(root.join(sub)).sort_by_file_name() {
            let entry = entry.unwrap();
            if !entry.file_type().is_file()
                || entry.path().extension().and_then(|e| e.to_str()) != Some("txtar")
            {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let rel = entry
                .path()
                .strip_prefix(&root)
                .unwrap()
                .display()
                .to_string();
            for (name, body) in txtar_sections(&text) {
                if !name.ends_with(".cue") {
                    continue;
                }
                let f = dir.join(format!("s{}.cue", files.len()));
                std::fs::write(&f, &body).unwrap();
                files.push(f);
                texts.push(body);
                names.push(format!("{rel}#{name}"));
            }
        }
    }
    (files, texts, names)
}

/// The sections of a txtar archive: `-- name --` lines start them.
fn txtar_sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches('\n');
        if let Some(name) = l
            .strip_prefix("-- ")
            .and_then(|r| r.strip_suffix(" --"))
            .filter(|n| !n.trim().is_empty())
        {
            out.push((name.trim().to_string(), String::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

/// The tally of a set of files.
#[derive(Default)]
struct Tally {
    agree: usize,
    known: usize,
    refused: usize,
    unsupported: BTreeMap<String, usize>,
    wrong: Vec<String>,
}

impl Tally {
    fn unsupported_total(&self) -> usize {
        self.unsupported.values().sum()
    }
}

/// What a refusal of sealgate's says it does not support, when it says so.
fn unsupported(e: &str) -> Option<String> {
    if let Some(i) = e.find("does not support ") {
        let rest = &e[i + "does not support ".len()..];
        return Some(rest.split(';').next().unwrap_or(rest).to_string());
    }
    e.contains("evaluation budget")
        .then(|| "its evaluation budget".to_string())
}

fn compare(
    conftest: &Path,
    files: &[PathBuf],
    texts: &[String],
    names: &[String],
    show: bool,
) -> Tally {
    let theirs = conftest_parse(conftest, "cue", files, numbers_as_f64);
    let mut t = Tally::default();
    for (((t_res, text), name), _) in theirs.iter().zip(texts).zip(names).zip(files) {
        let ours = Parser::Cue
            .parse(text)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        let input = if show {
            format!("\n  input: {text:?}")
        } else {
            String::new()
        };
        let same = matches!((t_res, &ours), (Ok(a), Ok(b)) if a == b)
            || matches!((t_res, &ours), (Err(_), Err(_)));
        if !same && KNOWN.iter().any(|(k, _)| name.ends_with(k)) {
            t.known += 1;
            continue;
        }
        match (t_res, &ours) {
            (Ok(a), Ok(b)) if a == b => t.agree += 1,
            (Err(_), Err(_)) => {
                t.agree += 1;
                t.refused += 1;
            }
            (Ok(_), Err(e)) if unsupported(e).is_some() => {
                *t.unsupported
                    .entry(unsupported(e).unwrap_or_default())
                    .or_default() += 1;
            }
            (Ok(a), Ok(b)) => t.wrong.push(format!(
                "{name}: both give JSON, a different one\n  conftest: {a}\n  sealgate: {b}{input}"
            )),
            (Err(e), Ok(_)) => t.wrong.push(format!(
                "{name}: only conftest refuses: {}{input}",
                e.lines().last().unwrap_or_default()
            )),
            (Ok(_), Err(e)) => t
                .wrong
                .push(format!("{name}: only sealgate refuses: {e}{input}")),
        }
    }
    t
}

fn report(what: &str, total: usize, t: &Tally) {
    eprintln!(
        "{TEST}: {what}: {} of {total} agree with conftest ({} refused by both), {} unsupported, {} known, {} wrong",
        t.agree,
        t.refused,
        t.unsupported_total(),
        t.known,
        t.wrong.len()
    );
    for (construct, n) in &t.unsupported {
        eprintln!("{TEST}:   unsupported {n}: {construct}");
    }
}

#[test]
fn peer_conftest_cue_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let is_cue = |p: &Path| p.extension().and_then(|e| e.to_str()) == Some("cue");
    let mut files = module_files(CUE, is_cue);
    files.extend(module_files(CONFTEST, is_cue));
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let plain = compare(&conftest, &files, &texts, &names, false);
    report(".cue files", files.len(), &plain);

    let dir = tempfile::tempdir().unwrap();
    let (afiles, atexts, anames) = archive_sections(dir.path());
    let archived = compare(&conftest, &afiles, &atexts, &anames, false);
    report("txtar sections", afiles.len(), &archived);

    let agree = plain.agree + archived.agree;
    eprintln!(
        "{TEST}: {agree} of {} files agree with conftest",
        files.len() + afiles.len()
    );
    let wrong: Vec<String> = plain.wrong.into_iter().chain(archived.wrong).collect();
    assert!(
        agree >= FLOOR,
        "{agree} files agree, fewer than the {FLOOR} of the last run"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn peer_conftest_cue_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = CUE_CORNERS.iter().map(|c| (*c).to_string()).collect();
    let files = write_cases(dir.path(), &texts, |i| format!("case-{i}.cue"));
    let names: Vec<String> = (0..files.len()).map(|i| format!("corner {i}")).collect();
    let t = compare(&conftest, &files, &texts, &names, true);
    report("corner cases", files.len(), &t);
    assert!(t.refused * 2 < files.len(), "{} refused", t.refused);
    assert!(
        t.wrong.is_empty(),
        "{} wrong answers:\n{}",
        t.wrong.len(),
        t.wrong.join("\n")
    );
}
