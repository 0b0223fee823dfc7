//! conftest's `hcl1` parser, side by side with the real `conftest parse --parser hcl1` (v0.71.1),
//! on files nobody here wrote: hashicorp/hcl v1.0.0's own fixtures (HCL, JSON and its printer's
//! inputs), conftest's HCL 1 example, the `.tf`/`.hcl`/`.tfvars`/`.json` files of Terraform v0.12
//! (whose legacy `config` package read HCL 1) and v1.13, and Packer's JSON templates and HCL
//! files, fetched into the module cache with `go mod download`. Files written for HCL 2 are in on
//! purpose: most of them HCL 1 refuses, and both sides must refuse the same ones. A file agrees
//! when both print the same JSON (numbers compared as numbers) or both refuse it; a second test
//! runs corner cases of the library's quirks the same way. Without `conftest` or `go` the tests
//! fail in CI and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Verdict, Wanted, assert_none_differ, conftest_parse, exact_numbers, go_present, module_files,
    verdict,
};

const TEST: &str = "peer_conftest_hcl1";

/// Modules read, and which of their files.
const MODULES: &[(&str, Wanted)] = &[
    ("github.com/hashicorp/hcl@v1.0.0", |p| {
        has_ext(p, &["hcl", "json", "input", "golden"])
    }),
    ("github.com/open-policy-agent/conftest@v0.71.1", |p| {
        has_ext(p, &["tf", "hcl", "tfvars"])
    }),
    ("github.com/hashicorp/terraform@v0.12.29", terraform_file),
    ("github.com/hashicorp/terraform@v1.13.3", terraform_file),
    ("github.com/hashicorp/packer@v1.9.5", |p| {
        has_ext(p, &["json", "hcl"])
    }),
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run; a
/// regression fails the test, and so does any file that differs).
const FLOOR: usize = 3487;

/// Files where sealgate knowingly differs, by path suffix, with the reason.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

fn has_ext(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.contains(&e))
}

fn terraform_file(path: &Path) -> bool {
    has_ext(path, &["tf", "hcl", "tfvars"]) || path.to_string_lossy().ends_with(".tf.json")
}

/// Corner cases of the library's scanner, parser and decoder, judged by conftest.
pub(crate) const HCL1_CORNERS: &[&str] = &[
    "",
    "# only a comment\n// another\n/* and\n a block */\n",
    "a = 1\nb = 1.5\nc = -2\nd = 0x1F\ne = 017\nf = 1e3\ng = .5\nh = 1.\ni = 0.5e-2\nj = true\n",
    "a = 08\n",
    "a = 09.5\n",
    "a = .5e3\n",
    "a = 1e}\n",
    "a = 9223372036854775807\nb = 9223372036854775808\n",
    "a = -9223372036854775808\n",
    "a = 1e400\n",
    "a = \"x\"\na = 1\na = 0x10\n",
    "a = 1\na = \"2\"\n",
    "a = 1\na = \"x\"\n",
    "a = 1.5\na = 2\n",
    "a = 1\na = 2.5\n",
    "a = true\na = false\n",
    "a = [1]\na = [2, 3]\na { x = 1 }\n",
    "a { x = 1 }\na = [1]\n",
    "a { x = 1 }\na { y = 2 }\na \"l\" {}\n",
    "a \"l\" {}\na { x = 1 }\n",
    "a = 1\na \"l\" {}\n",
    "resource \"aws\" \"x\" { n = 1 }\nresource \"aws\" \"y\" { n = 2 }\nresource \"gcp\" \"z\" {}\n",
    "Resource \"a\" {}\nresource \"b\" {}\nRESOURCE \"c\" {}\n",
    "k \"a\" {}\nK \"b\" {}\n",
    "a b c d { e f { g = 1 } }\n",
    "\"quoted key\" = 1\n\"q\" \"r\" { s = \"t\" }\n",
    "a = \"${var.x} and ${lookup(map, \"k\")}\"\nb = \"\\\"q\\\" \\\\ \\t \\u00e9 \\x41 \\101\"\n",
    "a = \"${x\ny}\"\n",
    "a = \"a\nb\"\n",
    "a = \"\\q\"\n",
    "a = \"\\400\"\n",
    "a = \"\\ud800\"\n",
    "a = \"${a(\"}\")}\"\n",
    "a = <<EOF\nline one\n  two\nEOF\n",
    "a = <<-EOF\n    one\n      two\n    EOF\n",
    "a = <<-EOF\n    one\n  two\n    EOF\n",
    "a = <<EOF\n  indented end\n  EOF\n",
    "a = <<EOF\nno end\n",
    "a = <<EOF\nEOF",
    "a = <<EOF\r\nx\r\nEOF\r\n",
    "a = <<\nx\n\n",
    "a = [1, \"two\", {x = 1}, [3], true, 1.5, <<EOF\nh\nEOF\n]\n",
    "a = [[1][2]]\n",
    "a = [1 2]\n",
    "a = [1,]\nb = [,]\n",
    "a = {x = 1, y = 2}\nb = {}\nc = { d { e = 1 } }\n",
    "a { b = 1, c = 2, }\n",
    "a = 1, b = 2\n",
    "a = 1 b = 2\n",
    "a = 1\nb =\n",
    "a =",
    "a",
    "a b = 1\n",
    "= 1\n",
    "{}\n",
    "x { a = } }\n",
    "x { a = [1 } }\ny = 1\n",
    "a = 1\n}\n",
    "a.b = 1\nc-d = 2\ne_f.g-h = 3\n",
    "a = -x\n",
    "a = +1\n",
    "a = 1 # comment\nb = 2 // comment\nc = 3 /* comment */\n",
    "a = 1\n/* unterminated\n",
    "a = 1 / 2\n",
    "@\n",
    "a = \"\u{e123}\"\n",
    "ключ = \"значение\"\nk٣ = 1\n",
    "a = 1\r\nb = 2\r\n",
    "\u{feff}a = 1\n",
    "{\"a\": 1, \"b\": \"x\", \"c\": true, \"d\": null, \"e\": 1.5, \"f\": [1, \"x\", true, [2], {\"g\": 1}]}",
    "{\"resource\": {\"aws\": {\"web\": {\"ami\": \"x\"}, \"db\": {\"n\": 1}}}}",
    "{\"a\": [{\"b\": 1}, {\"c\": 2}], \"d\": [], \"e\": {}}",
    "{\"a\": {\"b\": {}}}",
    "{\"a\": {\"b\": [{\"c\": 1}]}}",
    "{\"a\": 1} trailing garbage",
    "{\"a\": 1 \"b\": 2}",
    "{\"a\": 1,}",
    "{\"a\": 1",
    "{\"a\":",
    "{",
    "{\"a\" \"b\": {\"c\": 1}}",
    "{\"a\": 01}",
    "{\"a\": -0}",
    "{\"a\": \"\\/\"}",
    "{\"a\": \"\\ud83d\\ude00\"}",
    "{\"a\": \"\\u00e9 ${x}\"}",
    "{\"a\": [null]}",
    "{\"a\": nul}",
    "{\"a\": 1, \"a\": \"x\"}",
    "{\"a\": \"x\", \"a\": 2}",
    "\n\t {\"a\": 1}",
    "\u{a0}{\"a\": 1}",
    "[1, 2]",
    "{\"a\": 1}\u{0}{",
];

fn compare(conftest: &Path, files: &[PathBuf], texts: &[String]) -> (usize, usize, Vec<String>) {
    let theirs = conftest_parse(conftest, "hcl1", files, exact_numbers);
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = Parser::Hcl1
            .parse(text)
            .map(exact_numbers)
            .map_err(|e| e.to_string());
        let shown = f.display().to_string();
        match verdict(t, &ours) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(_) if KNOWN_DIFFERENCES.iter().any(|(k, _)| shown.ends_with(k)) => {}
            Verdict::Differ(why) => differ.push(format!("{shown}: {why}")),
        }
    }
    (agree, refused, differ)
}

#[test]
fn peer_conftest_hcl1_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let (mut agree, mut total, mut differ) = (0, 0, Vec::new());
    for (module, wanted) in MODULES {
        let (mut files, mut texts, mut not_utf8) = (Vec::new(), Vec::new(), 0);
        for f in module_files(module, wanted) {
            match std::fs::read_to_string(&f) {
                Ok(t) => {
                    files.push(f);
                    texts.push(t);
                }
                Err(_) => not_utf8 += 1,
            }
        }
        let (a, refused, d) = compare(&conftest, &files, &texts);
        eprintln!(
            "{TEST}: {module}: {a} of {} files agree with conftest ({refused} refused by both), {} differ, {not_utf8} not UTF-8",
            files.len(),
            d.len()
        );
        agree += a;
        total += files.len();
        differ.extend(d);
    }
    eprintln!("{TEST}: {agree} of {total} files agree with conftest");
    assert!(
        agree >= FLOOR,
        "{agree} files agree, fewer than the {FLOOR} of the last run"
    );
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_hcl1_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = HCL1_CORNERS.iter().map(|c| (*c).to_string()).collect();
    let files: Vec<PathBuf> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = dir.path().join(format!("hcl1-{i}"));
            std::fs::write(&f, t).unwrap();
            f
        })
        .collect();
    let (agree, refused, differ) = compare(&conftest, &files, &texts);
    eprintln!(
        "{TEST}: corner cases: {agree} of {} agree ({refused} refused by both)",
        files.len()
    );
    let differ: Vec<String> = differ
        .into_iter()
        .map(|d| {
            let name = d.split(':').next().unwrap_or_default();
            let i: usize = name.rsplit('-').next().unwrap().parse().unwrap();
            format!("{d}\n  input: {:?}", texts[i])
        })
        .collect();
    assert_none_differ("corner cases", &differ);
}
