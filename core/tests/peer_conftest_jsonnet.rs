//! conftest's `jsonnet` parser, side by side with the real `conftest parse --parser jsonnet`
//! (v0.71.1, go-jsonnet v0.22.0), on programs nobody here wrote: every `.jsonnet` file of
//! go-jsonnet's own module (its `testdata/` conformance cases, many of them errors that both must
//! refuse, its linter's and formatter's cases, its builtin benchmarks) and conftest's example,
//! fetched into the module cache with `go mod download`. sealgate's side is `Parser::parse_in`
//! with the file's folder, so imports resolve as conftest resolves them. A file agrees when both
//! give the same JSON (numbers compared as float64s) or both refuse it (the messages differ:
//! go-jsonnet's and rsjsonnet's words are their own). The files that differ are listed in
//! [`KNOWN_DIFFERENCES`] with the reason; any other difference fails the test. Without `conftest`
//! or `go` the test fails in CI and is skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::{Context, Parser};

use crate::conftest_parse::{
    Verdict, assert_none_differ, conftest_parse, go_present, module_files, numbers_as_f64, verdict,
};

const TEST: &str = "peer_conftest_jsonnet";

/// Modules whose `.jsonnet` files are evaluated.
const MODULES: &[&str] = &[
    "github.com/google/go-jsonnet@v0.22.0",
    "github.com/open-policy-agent/conftest@v0.71.1",
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 805;

/// Files read differently, by path suffix, with the reason.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "testdata/builtin_escapeStringJson.jsonnet",
        "a float turned into text: go-jsonnet writes 17 significant digits (1.4199999999999999), \
         rsjsonnet-lang the shortest that reads back (1.42); the same float, another string",
    ),
    (
        "testdata/builtin_manifestTomlEx.jsonnet",
        "a float turned into text inside std.manifestTomlEx (as above)",
    ),
    (
        "testdata/pow6.jsonnet",
        "std.pow near the largest float64: Go's math.Pow and Rust's powf differ in the last digits",
    ),
    (
        "testdata/std.makeArray_recursive_evalutation_order_matters.jsonnet",
        "an array whose items read earlier items 2,000 deep: go-jsonnet runs out of stack frames, \
         rsjsonnet-lang evaluates it",
    ),
    (
        "testdata/tailstrict3.jsonnet",
        "`tailstrict` forcing an unused default argument that raises an error: go-jsonnet forces \
         defaults too and refuses, rsjsonnet-lang only the arguments given",
    ),
];

/// Small programs over the language's corners, the fuzz target's seeds (`fuzz.rs`).
pub(crate) const JSONNET_SEEDS: &[&str] = &[
    "{ a: 1, b:: 2, c+: { d: [1, 2.5, 'x', null, true] } }",
    "local f(x, y=2) = x * y; [f(1), f(2, y=3), std.map(function(v) v + 1, std.range(1, 3))]",
    "{ a: 1 } + { a+: 2, [if true then 'k']: $.a, local l = self.a, m: l }",
    "[x * 2 for x in [1, 2, 3] if x > 1]",
    "|||\n  text\n  block\n|||",
    "std.manifestJsonEx({ a: [1, { b: 'c' }] }, '  ') + std.format('%05.2f %s', [3.14159, 'x'])",
    "assert 1 < 2 : 'message'; error 'raised'",
    "local o = { a: o.a }; o",
    "function(x=1) { x: x, s: @'verbatim \\', e: \"\\u00e9\\n\" }",
    "std.foldl(function(a, b) a + b, std.range(1, 100), 0) % 7 == 0 && !false || std.xor(true, false)",
    "/* c */ // c\n# c\n{ 'quoted key': 0x1, big: 1e308 * 10 }",
];

#[test]
fn peer_conftest_jsonnet_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for module in MODULES {
        files.extend(module_files(module, |p: &Path| {
            p.extension().is_some_and(|e| e == "jsonnet")
        }));
    }
    let theirs = conftest_parse(&conftest, "jsonnet", &files, numbers_as_f64);
    let (mut agree, mut refused, mut known, mut differ) = (0, 0, 0, Vec::new());
    for (f, t) in files.iter().zip(&theirs) {
        let ours = match std::fs::read_to_string(f) {
            Ok(text) => Parser::Jsonnet
                .parse_in(&text, &Context::default().for_file(f))
                .map(numbers_as_f64)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let shown = f.display().to_string();
        match verdict(t, &ours) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(_) if KNOWN_DIFFERENCES.iter().any(|(k, _)| shown.ends_with(k)) => {
                known += 1
            }
            Verdict::Differ(why) => differ.push(format!("{shown}: {why}")),
        }
    }
    eprintln!(
        "{TEST}: {agree} of {} files agree with conftest ({refused} refused by both), {known} known differences",
        files.len()
    );
    assert!(agree >= FLOOR, "{agree} files agree, fewer than {FLOOR}");
    assert_none_differ("files", &differ);
}
