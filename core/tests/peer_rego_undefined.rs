//! OPA's *undefined* where regorus would raise an error, side by side with the real `opa` (v1.22.3):
//! each case is one conftest-style policy whose `deny` messages `opa eval` and sealgate's Rego gate
//! (the engine setup `validate --policy` uses) must agree on.

use std::path::Path;

use sealgate_core::gate::{InputDoc, PolicySource, RegoError, RegoGate, RegoOptions, RegoVersion};
use serde_json::{Value, json};

use crate::peer;

const TEST: &str = "peer_rego_undefined";

/// The OPA release whose behaviour these cases pin (what `tests/peers/build` builds).
const OPA_VERSION: &str = "1.22.3";

/// (name, Rego v0?, policy in package `main`, input). Every policy also denies "reached", so a
/// case where both sides are empty cannot pass by accident: the run must have gone on.
const CASES: &[(&str, bool, &str, &str)] = &[
    (
        "some_in_over_a_string",
        false,
        "deny contains \"iterated\" if { some x in input.apiVersion; x }",
        r#"{"apiVersion": "apps/v1"}"#,
    ),
    (
        "some_key_value_in_over_a_number",
        false,
        "deny contains \"iterated\" if { some k, v in input.n; [k, v] }",
        r#"{"n": 5}"#,
    ),
    (
        "some_in_over_the_combined_style_input_document",
        false,
        "deny contains msg if { some doc in input; msg := sprintf(\"%v\", [doc.kind]) }",
        r#"{"apiVersion": "apps/v1", "kind": "Deployment"}"#,
    ),
    (
        "head_loop_over_an_absent_field",
        false,
        "containers(pod) := pod.spec[k][_] if some k in {\"containers\", \"initContainers\"}\ndeny contains c.name if { c := containers(input) }",
        r#"{"spec": {"containers": [{"name": "a"}]}}"#,
    ),
    (
        "comprehension_term_loop_over_a_scalar",
        false,
        "names := [c.x[_] | some c in input.items]\ndeny contains sprintf(\"%v\", [names])",
        r#"{"items": [{"x": "str"}, {"x": [1, 2]}]}"#,
    ),
    (
        "partial_set_head_loop_v0",
        true,
        "all_containers[c] { c := input.spec[k][_] }\nkeys[input.spec.initContainers[_].name] { true }\ndeny[msg] { count(all_containers) == 1; count(keys) == 0; msg := \"one\" }",
        r#"{"spec": {"containers": [{"name": "a"}], "initContainers": "oops"}}"#,
    ),
    (
        "deprecated_re_match_with_a_bad_pattern_v0",
        true,
        "deny[\"matched\"] { re_match(\"[\", input.s) }\ndeny[\"not matched\"] { not re_match(input.n, input.s) }",
        r#"{"s": "x", "n": 1}"#,
    ),
    (
        "builtin_errors_are_undefined",
        false,
        "deny contains \"num\" if to_number(input.s)\ndeny contains \"div\" if 1 / (input.n - 5)\ndeny contains \"fmt\" if sprintf(input.n, [])",
        r#"{"s": "x", "n": 5}"#,
    ),
    (
        "comparisons_across_types_order_by_type",
        false,
        "deny contains \"lt\" if input.s < input.n\ndeny contains \"gt\" if input.s > input.n\ndeny contains \"eq\" if input.s == input.n",
        r#"{"s": "apps/v1", "n": 5}"#,
    ),
    (
        "negated_call_with_an_undefined_operand_is_undefined",
        false,
        "f(x) if x == 1\ng(a, b) if a == b\ndeny contains \"f\" if not f(input.missing)\ndeny contains \"g\" if { y := input.obj; not g(1, y.missing) }\ndeny contains \"set\" if not count({\"a\": input.missing}) == 1\ndeny contains \"builtin\" if not startswith(input.missing, \"x\")",
        r#"{"obj": {}}"#,
    ),
    (
        "negated_comparison_membership_arithmetic_with_an_undefined_operand",
        false,
        "deny contains \"gt\" if not input.missing > 0\ndeny contains \"ne\" if not input.missing != 1\ndeny contains \"in\" if not 1 in input.missing\ndeny contains \"plus\" if not input.missing + 1 == 2\ndeny contains \"nested\" if not input.obj.x == count(input.missing)",
        r#"{"obj": {"x": 1}}"#,
    ),
    (
        "negated_equality_and_plain_refs_stay_true",
        false,
        "deny contains \"eq\" if not input.missing == 1\ndeny contains \"eq2\" if not input.missing == input.other\ndeny contains \"ref\" if not input.missing\ndeny contains \"defined\" if not startswith(input.s, \"x\")\ndeny contains \"compr\" if not count([x | x := input.missing[_]]) == 1",
        r#"{"s": "abc", "xs": [1, 2]}"#,
    ),
    (
        "negated_call_under_future_keywords_not_is_true",
        false,
        "import future.keywords\ndeny contains \"plus\" if not input.missing + 1 == 2\ndeny contains \"call\" if not startswith(input.missing, \"x\")",
        r#"{}"#,
    ),
    (
        "negated_call_with_an_undefined_operand_v0",
        true,
        "accept(rule, v, ranges) { rule == \"MustRunAs\"; v == ranges[_] }\ndeny[msg] {\n  rule := input.rule\n  not accept(rule, input.v, input.params.ranges)\n  msg := \"disallowed\"\n}",
        r#"{"rule": "RunAsAny", "v": 1000, "params": {"rule": "RunAsAny"}}"#,
    ),
    (
        "a_line_starting_with_a_paren_is_a_new_statement",
        false,
        "deny contains msg if {\n  input.spread\n  (input.max - input.min) >= input.spread\n  msg := \"wide\"\n}",
        r#"{"spread": 2, "max": 5, "min": 1}"#,
    ),
    (
        "chained_bodies_of_a_partial_set_rule_v0",
        true,
        "deny[msg] {\n  input.a\n  msg := \"a\"\n} {\n  input.b\n  msg := \"b\"\n} {\n  input.c\n  msg := \"c\"\n}",
        r#"{"a": true, "c": true}"#,
    ),
    (
        "sprintf_with_fewer_operands_than_verbs",
        true,
        "deny[msg] { msg := sprintf(\"%v is %v, allowed: %v\", [input.name, input.n]) }",
        r#"{"name": "hpa", "n": 7}"#,
    ),
    (
        "strings_count_without_overlaps_and_for_an_empty_substring",
        false,
        "deny contains sprintf(\"%v %v %v\", [strings.count(\"aaaa\", \"aa\"), strings.count(\"héllo\", \"\"), strings.count(input.s, \"\")])",
        r#"{"s": ""}"#,
    ),
    (
        "arithmetic_and_set_operators_on_wrong_types",
        false,
        "deny contains \"plus\" if input.s + 1\ndeny contains \"minus\" if input.s - {1}\ndeny contains \"union\" if input.s | {1}\ndeny contains \"and\" if input.n & {1}\ndeny contains \"mul\" if input.o * 2\ndeny contains \"mod\" if 5 % input.z\ndeny contains \"modf\" if 5.5 % 2\ndeny contains \"okset\" if count({1, 2} - {1}) == 1\ndeny contains \"oknum\" if input.n - 1 == 2\ndeny contains \"setminus\" if count({1} - input.s) >= 0\ndeny contains \"numset\" if input.n - {1}\ndeny contains \"literals\" if {1, 2} - 0\ndeny contains \"locals\" if { s := {1}; s - input.n }\ndeny contains \"localsok\" if { s := {1, 2}; count(s - {x | x := input.n - 2}) == 1 }",
        r#"{"s": "apps/v1", "n": 3, "o": {}, "z": 0}"#,
    ),
    (
        "replace_n_without_chained_replacements",
        false,
        "deny contains strings.replace_n({\"a\": \"b\", \"b\": \"a\"}, input.s)\ndeny contains strings.replace_n({\"aab\": \"Y\", \"ab\": \"X\"}, \"aaabab\")",
        r#"{"s": "abba"}"#,
    ),
    (
        "body_loop_over_an_absent_field_and_a_scalar_v0",
        true,
        "containers[c] { keys := {\"containers\", \"initContainers\", \"hostname\"}; c = input.spec[keys[_]][_] }\ndeny[msg] { c := containers[_]; msg := sprintf(\"%v\", [c.name]) }",
        r#"{"spec": {"containers": [{"name": "a"}], "hostname": "h"}}"#,
    ),
    (
        "every_over_a_scalar_is_undefined",
        false,
        "deny contains \"all\" if { every x in input.s { x } }",
        r#"{"s": "apps/v1"}"#,
    ),
];

fn opa_deny(opa: &Path, dir: &Path, v0: bool) -> Vec<String> {
    let policy = dir.join("p.rego");
    let input = dir.join("input.json");
    let mut args = vec!["eval", "-f", "json"];
    if v0 {
        args.push("--v0-compatible");
    }
    args.extend([
        "-d",
        policy.to_str().unwrap(),
        "-i",
        input.to_str().unwrap(),
        "data.main.deny",
    ]);
    let out: Value = serde_json::from_slice(&peer::run(opa, &args, b"")).unwrap();
    let value = &out["result"][0]["expressions"][0]["value"];
    let mut msgs: Vec<String> = value
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    msgs.sort();
    msgs
}

fn sealgate_deny(dir: &Path, v0: bool, input: &Value) -> Vec<String> {
    let gate = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::Path(dir.join("p.rego"))],
        rego_version: if v0 { RegoVersion::V0 } else { RegoVersion::V1 },
        ..RegoOptions::default()
    })
    .unwrap();
    let docs = [InputDoc {
        file: "input.json",
        line: 1,
        value: input,
    }];
    let evaluation = gate.evaluate(&docs).unwrap();
    let outcome = &evaluation.docs[0];
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let mut msgs: Vec<String> = outcome.findings.iter().map(|f| f.message.clone()).collect();
    msgs.sort();
    msgs
}

#[test]
fn peer_rego_undefined_matches_opa() {
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let version = String::from_utf8(peer::run(&opa, &["version"], b"")).unwrap();
    assert!(
        version.contains(&format!("Version: {OPA_VERSION}")),
        "these cases pin OPA {OPA_VERSION}; found {version}"
    );
    let mut differ = Vec::new();
    for (name, v0, body, input) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let reached = if *v0 {
            "deny[\"reached\"] { true }\n"
        } else {
            "deny contains \"reached\" if true\n"
        };
        std::fs::write(
            dir.path().join("p.rego"),
            format!("package main\n{body}\n{reached}"),
        )
        .unwrap();
        std::fs::write(dir.path().join("input.json"), input).unwrap();
        let input: Value = serde_json::from_str(input).unwrap();
        let theirs = opa_deny(&opa, dir.path(), *v0);
        let ours = sealgate_deny(dir.path(), *v0, &input);
        assert!(
            theirs.contains(&"reached".to_string()),
            "{name}: {theirs:?}"
        );
        if theirs != ours {
            differ.push(format!("{name}: opa {theirs:?}, sealgate {ours:?}"));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}

/// A genuine runtime error (a complete rule with two values, an error in OPA too) is an error for
/// that rule and document; the other rules' verdicts still come out. Only when nothing at all
/// could be evaluated is the run itself an error.
#[test]
fn peer_rego_undefined_runtime_error_stays_with_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.rego"),
        "package main\nx := 1 if input.a\nx := 2 if input.a\ndeny_conflict contains \"x\" if x\ndeny contains \"kept\" if input.a\n",
    )
    .unwrap();
    let gate = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::Path(dir.path().join("p.rego"))],
        ..RegoOptions::default()
    })
    .unwrap();
    let doc = json!({"a": true});
    let docs = [InputDoc {
        file: "d.yaml",
        line: 1,
        value: &doc,
    }];
    let evaluation = gate.evaluate(&docs).unwrap();
    let outcome = &evaluation.docs[0];
    let msgs: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(msgs, ["kept"]);
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert_eq!(outcome.errors[0].policy, "main.deny_conflict");

    // OPA agrees that this rule is an error, not a verdict.
    if let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() {
        std::fs::write(dir.path().join("input.json"), doc.to_string()).unwrap();
        let out = std::process::Command::new(opa)
            .args(["eval", "-f", "json", "-d"])
            .arg(dir.path().join("p.rego"))
            .arg("-i")
            .arg(dir.path().join("input.json"))
            .arg("data.main.deny_conflict")
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("eval_conflict_error"));
    }

    // Only the failing rule: nothing could be judged, the run is an error.
    std::fs::write(
        dir.path().join("p.rego"),
        "package main\nx := 1 if input.a\nx := 2 if input.a\ndeny contains \"x\" if x\n",
    )
    .unwrap();
    let gate = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::Path(dir.path().join("p.rego"))],
        ..RegoOptions::default()
    })
    .unwrap();
    let err = gate.evaluate(&docs).unwrap_err();
    assert!(matches!(err, RegoError::Runtime { .. }), "{err}");
    assert!(err.to_string().starts_with("data.main.deny: "), "{err}");
}
