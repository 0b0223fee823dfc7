//! `sprintf` side by side with the real `opa` (v1.22.3, from `tests/peers/build`): a grid of Go
//! format strings (flags, widths, precisions, `*`, argument indexes, every verb, mistakes) over
//! operands of each kind, and calls with several operands. Every answer of sealgate's engine
//! must equal `opa eval`'s, but for one deliberate difference (see `opa_builtins/sprintf`):
//! regorus keeps a number's value, not its text, so an integer written with a float verb is
//! formatted as a float here, where OPA writes Go's `%!f(int64=…)`. (`%p` and `%w` of an integer
//! past int64 print a Go address and struct fields in OPA: not compared.)

use std::time::Duration;

use sealgate_core::gate::policy_test::{AdHocQuery, eval_query};
use serde_json::{Value, json};

use crate::peer;

const TEST: &str = "peer_opa_sprintf";

const FORMATS: &[&str] = &[
    "%v",
    "%s",
    "%d",
    "%q",
    "%x",
    "%X",
    "%o",
    "%O",
    "%b",
    "%c",
    "%U",
    "%e",
    "%E",
    "%f",
    "%F",
    "%g",
    "%G",
    "%t",
    "%T",
    "%p",
    "%w",
    "%5v|",
    "%-5v|",
    "%05v",
    "%+v",
    "%#v",
    "% v",
    "%10s|",
    "%-10s|",
    "%.2s",
    "%5.1s|",
    "%05s",
    "%+q",
    "%#q",
    "% x",
    "%# x",
    "%#X",
    "%5d|",
    "%-5d|",
    "%05d",
    "%+d",
    "% d",
    "%.3d",
    "%8.3d|",
    "%-08d|",
    "%#x",
    "%#o",
    "%#b",
    "%#U",
    "%.6U",
    "%08.3f",
    "%-8.2f|",
    "%+.1f",
    "% .2e",
    "%.0f",
    "%#.0f",
    "%.3g",
    "%#g",
    "%10.4g|",
    "%.0e",
    "%#.3x",
    "%.1x",
    "%8.3e|",
    "%x%%",
    "%!",
    "%",
    "%.",
    "%[1]d",
    "%[2]d",
    "%[0]d",
    "%[1]*d",
    "%*d",
    "%.*f",
    "%-*d|",
    "%[x]d",
    "%1000001d",
    "%d %d",
];

/// One operand of each kind OPA's sprintf tells apart (no integral float: see the module doc).
fn operands() -> Vec<Value> {
    vec![
        json!(0),
        json!(42),
        json!(-7),
        json!(255),
        json!(65),
        json!(1.5),
        json!(-3.25),
        json!(0.000123),
        json!(123456.789),
        json!(1.0e-7),
        json!(12345678901234567890u64),
        json!(""),
        json!("ab"),
        json!("héllo wörld"),
        json!("a\"b\\c\n\t\u{7f}\u{00a0}`"),
        json!(true),
        json!(null),
        json!([1, "a"]),
        json!({"k": 1}),
    ]
}

/// Calls with several operands (argument indexes, `*`, extra and missing operands).
fn multi() -> Vec<Value> {
    vec![
        json!(["%[2]s %[1]s", ["a", "b"]]),
        json!(["%[2]*[1]d|", [12, 5]]),
        json!(["%[3]*.[2]*[1]f|", [12.0, 2, 6]]),
        json!(["%d %s", [1]]),
        json!(["%s", ["a", 2, "b"]]),
        json!(["%[1]s %s", ["a", "b"]]),
        json!(["%*d", [-5, 3]]),
        json!(["%.*d", [-1, 3]]),
        json!(["%*d", ["x", 3]]),
        json!(["%v and %v", [[1, 2], {"a": ["b"]}]]),
        // strings inside a composite are quoted as Go's strconv.Quote quotes them
        json!(["%v %v", [["\u{1}\"é\u{7f}\u{200b}"], {"k\u{2}": "\u{1F600}\\"}]]),
        json!(["%-*s|%*s|", [4, "a", 3, "b"]]),
    ]
}

const POLICY: &str = "package t\n\nx := [sprintf(c[0], c[1]) | some c in input.calls]\n";

fn calls() -> Vec<Value> {
    let mut calls = Vec::new();
    for format in FORMATS {
        for operand in operands() {
            calls.push(json!([format, [operand]]));
        }
    }
    calls.extend(multi());
    calls
}

#[test]
fn sprintf_writes_what_opa_writes() {
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let calls = calls();
    let input = json!({ "calls": calls });
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("t.rego");
    std::fs::write(&policy, POLICY).unwrap();
    let out = peer::run(
        &opa,
        &[
            "eval",
            "--format",
            "json",
            "--stdin-input",
            "--data",
            policy.to_str().unwrap(),
            "data.t.x",
        ],
        input.to_string().as_bytes(),
    );
    let opa_answers: Value = serde_json::from_slice(&out).unwrap();
    let theirs = opa_answers["result"][0]["expressions"][0]["value"]
        .as_array()
        .unwrap_or_else(|| panic!("opa gave no answer: {opa_answers}"))
        .clone();
    let results = eval_query(&AdHocQuery {
        modules: vec![POLICY.to_owned()],
        data: None,
        input: Some(input),
        input_term: None,
        query: "x := data.t.x".to_owned(),
        v0: false,
        strict_builtin_errors: false,
        timeout: Duration::from_secs(60),
    })
    .unwrap();
    let ours = results[0]["x"].as_array().unwrap().clone();
    assert_eq!(ours.len(), theirs.len(), "every call answers");
    let mut deliberate = 0;
    let mut differ = Vec::new();
    for ((call, o), t) in calls.iter().zip(&ours).zip(&theirs) {
        if o == t {
            continue;
        }
        let int_as_float = ["e", "E", "f", "F", "g", "G"].iter().any(|v| {
            t.as_str()
                .is_some_and(|t| t.contains(&format!("%!{v}(int64=")))
        });
        // `%p` and `%w` of a *big.Int print Go's pointer (an address) and its struct fields
        let go_internals = matches!(call[0].as_str(), Some("%p" | "%w"))
            && call[1][0].as_u64().is_some_and(|n| n > i64::MAX as u64);
        if int_as_float || go_internals {
            deliberate += 1;
        } else {
            differ.push(format!("{call}: opa {t}, sealgate {o}"));
        }
    }
    eprintln!(
        "{TEST}: {} of {} calls write what opa writes; {deliberate} differ deliberately \
         (integers under float verbs, Go internals)",
        calls.len() - deliberate - differ.len(),
        calls.len()
    );
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
