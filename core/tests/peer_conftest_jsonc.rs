//! conftest's `jsonc` parser, side by side with the real `conftest parse --parser jsonc`
//! (v0.71.1), on files nobody here wrote: every `.jsonc` file and every file of the formats that
//! carry comments by convention (`tsconfig*.json`, `jsconfig.json`, `devcontainer.json`,
//! `.eslintrc.json`, `.vscode/*.json`) in a fixed set of Go modules, fetched into the module
//! cache with `go mod download`; then corner cases (the library's own test strings, its quirks,
//! Go's JSON rules) the same way. sealgate's side is `Parser::parse`. A file agrees when both
//! give the same JSON (numbers compared as float64s) or both refuse it. No file or case differs;
//! the one difference by design (nesting past 128 levels, which Go reads to 10,000 and sealgate
//! refuses) is left to the parser's unit tests. Without `conftest` or `go` the tests fail in CI
//! and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Verdict, assert_none_differ, conftest_parse, go_present, module_files, numbers_as_f64, verdict,
    write_cases,
};

const TEST: &str = "peer_conftest_jsonc";

/// Modules whose JSON-with-comments files are read.
const MODULES: &[&str] = &[
    "github.com/open-policy-agent/opa@v1.22.3",
    "code.gitea.io/gitea@v1.22.6",
    "github.com/containerd/containerd/v2@v2.2.0",
    "github.com/dgraph-io/ristretto/v2@v2.2.0",
    "github.com/dgraph-io/badger/v4@v4.9.6",
    "github.com/prometheus/prometheus@v0.307.3",
    "github.com/docker/docker@v28.5.2+incompatible",
    "github.com/hashicorp/packer@v1.9.5",
    "github.com/google/flatbuffers@v25.2.10+incompatible",
    "github.com/testcontainers/testcontainers-go@v0.34.0",
    "github.com/kyverno/kyverno@v1.19.1",
    "github.com/grpc-ecosystem/grpc-gateway/v2@v2.31.0",
    "istio.io/api@v1.32.0",
    "dario.cat/mergo@v1.0.1",
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 25;

fn wanted(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let in_vscode = p
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == ".vscode");
    name.ends_with(".jsonc")
        || (name.starts_with("tsconfig") && name.ends_with(".json"))
        || matches!(
            name,
            "jsconfig.json" | "devcontainer.json" | ".eslintrc.json"
        )
        || (in_vscode && name.ends_with(".json"))
}

/// Corner cases, judged by conftest like the files: the expected output is whatever `conftest
/// parse` prints.
pub(crate) const JSONC_CORNERS: &[&str] = &[
    // The library's test strings (`jsonc_test.go`).
    r#"{"foo": /** this is a bloc/k comm\"ent */ "bar foo", "true": /* true */ false, "number": 42, "object": { "test": "done" }, "array" : [1, 2, 3], "url" : "https://github.com", "escape":"\"wo//rking" }"#,
    r#"{"foo": /* this is a block comment "bar foo", "true": false, "number": 42, "object": { "test": "done" }, "array" : [1, 2, 3], "url" : "https://github.com", "escape":"\"wo//rking }"#,
    "{\"foo\": // this is a single line comm\\\"ent\n\"bar foo\", \"true\": false, \"number\": 42, \"object\": { \"test\": \"done\" }, \"array\" : [1, 2, 3], \"url\" : \"https://github.com\", \"escape\":\"\\\"wo//rking\" }",
    r#"{"foo": // this is a single line comment "bar foo", "true": false }"#,
    "{\"foo\": # this is a single line comm\\\"ent\n\"bar foo\", \"true\": false }",
    r#"{"foo":/*comment*/"bar"}"#,
    r#"{"foo"://comment without ending"#,
    // Its quirks.
    "[\"a b\nc\", \"tab\there\"]",
    "[1, // x \\\n 2]",
    "[1 /* \" */, 2 ]",
    "[1/2, \"/\"/3]",
    "[/* a */ 1, /*/ 2]",
    "# c\n[1]\n",
    "{\"a\": 1, /* trailing */}",
    "[1, 2, ]",
    "{\"url\": \"http://x//y\", \"hash\": \"#not\", \"star\": \"/*no*/\"}",
    "[\"\\\\\", \"\\\"//\"] // end",
    "{\"a\" : 1}\r\n",
    "/* only a comment */",
    "",
    "[1] /* unterminated",
    "[1] \\ 2",
    "[\"\\u00e9\\ud800\\ud83d\\ude00\", \"é😀\"]",
    "{\"a\": 1, \"a\": 2}",
    "[0, -0, 1.5, 1e2, 1E-2, 12345678901234567890, 0.1, 5e-324, 1.7976931348623157e308]",
    "[1e400]",
    "[01]",
    "[.5]",
    "[tru]",
    "{'a': 1}",
    "\u{feff}{}",
    "[\"ctrl\u{1}\"]",
    "{\"nested\": {\"deeper\": [{\"x\": null}, true, false]}}",
    // Shaped like real files.
    "// tsconfig\n{\n  \"compilerOptions\": {\n    /* strict */ \"strict\": true,\n    \"paths\": {\"@/*\": [\"src/*\"]} // aliases\n  }\n}\n",
    "{\n  // VS Code\n  \"editor.rulers\": [100],\n  \"files.exclude\": {\"**/.git\": true}\n}\n",
    "/*\n * header\n */\n{\"name\": \"dev\", \"image\": \"mcr/x:1\", \"features\": {}}\n",
    "{\"a\": \"tab\\there \\n\\r\\f\\b\\/\"} # hash\n",
];

#[test]
fn peer_conftest_jsonc_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let mut files = Vec::new();
    for module in MODULES {
        files.extend(module_files(module, wanted));
    }
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let (agree, refused, differ) = compare(&conftest, &files, &texts);
    eprintln!(
        "{TEST}: {agree} of {} files agree with conftest ({refused} refused by both)",
        files.len()
    );
    assert!(agree >= FLOOR, "{agree} files agree, fewer than {FLOOR}");
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_jsonc_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut texts: Vec<String> = JSONC_CORNERS.iter().map(|c| (*c).to_string()).collect();
    // Deep, but within what serde_json reads of conftest's answer (nesting past sealgate's 128
    // levels, which conftest reads, is the parser's unit test).
    texts.push("[".repeat(120) + &"]".repeat(120));
    let files = write_cases(dir.path(), &texts, |i| format!("case-{i}.jsonc"));
    let theirs = conftest_parse(&conftest, "jsonc", &files, numbers_as_f64);
    let ours = |t: &str| {
        Parser::Jsonc
            .parse(t)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string())
    };
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for (i, (t, text)) in theirs.iter().zip(&texts).enumerate() {
        match verdict(t, &ours(text)) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(why) => differ.push(format!("case {i}: {why}\n  input: {text:?}")),
        }
    }
    eprintln!(
        "{TEST}: {agree} of {} corner cases agree ({refused} refused by both)",
        texts.len()
    );
    // Cases both refuse prove little: a third at least must parse.
    assert!(refused * 3 < texts.len() * 2, "{refused} refused");
    assert_none_differ("corner cases", &differ);
}

fn compare(conftest: &Path, files: &[PathBuf], texts: &[String]) -> (usize, usize, Vec<String>) {
    let theirs = conftest_parse(conftest, "jsonc", files, numbers_as_f64);
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = Parser::Jsonc
            .parse(text)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        match verdict(t, &ours) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(why) => differ.push(format!("{}: {why}", f.display())),
        }
    }
    (agree, refused, differ)
}
