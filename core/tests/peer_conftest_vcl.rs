//! conftest's `vcl` parser (go-vcl v0.4.0), side by side with the real `conftest parse --parser
//! vcl` (v0.71.1), on files nobody here wrote: go-vcl's example, conftest's example, and the VCL
//! of falco (a Fastly VCL linter and simulator: its examples, linter, formatter and testing
//! files) at three versions, fetched into the module cache with `go mod download`; then corner
//! cases of go-vcl's lexer and decoder. sealgate's side is `Parser::parse`. A file agrees when both
//! give the same JSON (numbers compared as f64, as conftest prints Go's float64s) or both refuse it
//! (go-vcl panics on an empty file, an empty comment, `x = a + b`…; sealgate refuses those).
//! Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.
//!
//! Not run through conftest: the inputs on which go-vcl never returns (a block header running to
//! the end of the file, as `backend foo`); the parser's unit tests cover sealgate's refusal.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Outcome, Wanted, check_module_files, compare_files, go_present, numbers_as_f64, write_cases,
};

const TEST: &str = "peer_conftest_vcl";

const MODULES: &[&str] = &[
    "github.com/KeisukeYamashita/go-vcl@v0.4.0",
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/ysugimoto/falco@v1.0.0",
    "github.com/ysugimoto/falco@v1.11.0",
    "github.com/ysugimoto/falco@v1.12.0",
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 81;

/// Corner cases, judged by conftest like the files: the expected output is whatever `conftest
/// parse` prints.
pub(crate) const VCL_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "x = 1;\n#\n",
    "x = 1;\n//\n",
    "x = 1; # a\n// b\n/* c */\n",
    "x = 1;\ny = 010;\nz = 08;\n",
    "x = 9223372036854775807;\n",
    "x = \"a\" + \"b\";\n",
    "x = a;\ny = 50%;\nz = true;\nw = \"10.0.0.0\"/8;\nv = \"/path\";\n",
    "backend b;\n",
    "backend { .a = 1; }\n",
    "backend b {}\n",
    "backend b { .host = \"h\"; .port = \"80\"; .probe = { .url = \"/\"; .interval = 5s; } }\n",
    "director d a b c { .quorum = 50%; { .backend = F1; .weight = 1; } }\n",
    "director d random { { .backend = F1; } { .backend = F2; } }\n",
    "acl a { \"localhost\"; \"192.0.2.0\"/24; ! \"192.0.2.23\"; }\nacl a { \"other\"; }\n",
    "table t { \"k\": \"v\", \"n\": 1, }\n",
    "table t STRING { \"k\": \"v\" }\n",
    "sub vcl_recv { set req.http.X = \"1\"; if (req.url ~ \"^/a\") { return(pass); } else { call x; } }\n",
    "sub a { .x = 1; sub b { .y = 2; } sub c { .z = 3; } sub c { .z = 4; } }\n",
    "sub a { backend q r { .x = 1; } backend s t { .x = 2; } }\n",
    // `..x..` and `.x` are one name, but which value conftest keeps for both depends on Go's map
    // order (1 or 2 from run to run), so each half is a case of its own
    "sub a { ..x.. = 1; }\n",
    "sub a { .x = 2; .x = 3; }\n",
    "x = { .a = 1; };\n",
    "x = 1;\ntable t { { \"a\": \"b\", # c\n } 1; true; \"s\"; 50%; }\n",
    "x = 1;\nacl a { { backend b c { .q = 1; } } }\n",
    "x = \"unterminated; y = 2;\n",
    "x = \"a\"/\"b\";\n",
    "x = 1; \u{0} y = 2;\n",
    "x = \"é\";\nsub ünï { .ä = \"ö\"; }\n#é\n",
    "x = 1;\nsub s #\n{ }\n",
    "x = 1;\ntable t { { #é\n \"a\": \"b\" } }\nsub ü { .a = 1; }\n",
    "x = 1;\n/* unterminated\nbackend b { .a = 1; }\n",
    "x = (1);\ny = !z;\nw = (1;\n",
    "x = 1\ny = 2\n",
    "x = 1;\nif (a) { b = 1; }\n",
    "x=1;;;\n}\n{\n",
    "\"k\": \"v\",\n\"n\": 2,\n",
    "backend b { .a = 1; }\nbackend = 2;\n",
];

/// How many of `files` (read as `texts`) agree, and the differences (with the input when
/// `show_input`).
fn compare(conftest: &Path, files: &[PathBuf], texts: &[String], show_input: bool) -> Outcome {
    compare_files(
        conftest,
        Parser::Vcl,
        files,
        texts,
        numbers_as_f64,
        &|_| false,
        show_input,
    )
}

#[test]
fn peer_conftest_vcl_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let is_vcl: Wanted = |p| p.extension().and_then(|e| e.to_str()) == Some("vcl");
    let modules: Vec<(&str, Wanted)> = MODULES.iter().map(|m| (*m, is_vcl)).collect();
    check_module_files(TEST, &modules, FLOOR, |files, texts| {
        compare(&conftest, files, texts, false)
    });
}

#[test]
fn peer_conftest_vcl_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = VCL_CORNERS.iter().map(|c| (*c).to_string()).collect();
    let files = write_cases(dir.path(), &texts, |i| format!("case-{i}.vcl"));
    let o = compare(&conftest, &files, &texts, true);
    o.assert_most_parse(files.len());
    o.assert_corner_cases(TEST, files.len());
}
