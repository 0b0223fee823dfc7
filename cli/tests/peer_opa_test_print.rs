//! What `print(…)` writes under `sealgate policy test`, side by side with `opa test` (v1.22.3):
//! per unit test, the same lines (`opa test --format json` carries them base64-encoded). The
//! cases cover every kind of value, undefined arguments, iteration (OPA's cross product), calls in
//! functions, `else`, comprehensions, `every`, negation, `with`, and a Rego v0 module; then the
//! corpora's own policies that print (conftest's `report/policy_print`, OPA's
//! `build/policy/files`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use serde_json::Value;

const TEST: &str = "peer_opa_test_print";
const SEALGATE: &str = env!("CARGO_BIN_EXE_sealgate");

const PRINTING: &str = r#"package printing

import rego.v1

values := {"s": "str", "n": 1, "f": 2.5, "neg": -3, "big": 12345678901234567890, "b": true, "z": null, "a": [1, "x", [2]], "o": {"k": "v", "n": {"m": 1}}, "e": [], "eo": {}, "ko": {1: "one"}}

f(x) := y if {
	print("f called with", x)
	y := x * 2
}

g(x) := "small" if {
	print("small?", x)
	x < 3
} else := "big" if {
	print("big?", x)
}

r1 if print("r1 evaluated")

print_and_fail if {
	print("in negated rule")
	false
}

test_scalars if print(values.s, values.n, values.f, values.neg, values.b, values.z, values.big)

test_composites if print(values.a, values.o, values.e, values.eo, values.ko, {1, "a", [1]}, set())

test_undefined if print("missing:", input.missing, data.nothing.here)

test_iteration if {
	some x in [1, 2]
	some y in ["a", "b"]
	print(x, y)
}

test_set_arg if {
	xs := {x | some x in [3, 1, 2]}
	print(xs)
}

test_function if {
	f(2) == 4
	print("after", f(3))
}

test_with if {
	f(1) with input as {"k": [1]}
}

test_empty if print()

test_trailing if print("a", "b",)

test_multiline if {
	print(
		"multi",
		"line",
	)
}

test_newline_in_string if print("a\nb")

test_escapes if print("tab\t", "quote\"", {"k": "q\"uote\u0001"}, "é", ["é"])

test_failing_prints if {
	print("before failing")
	false
}

test_in_comprehension if {
	xs := [x | some x in [1, 2]; print("elem", x)]
	count(xs) == 2
}

test_every if {
	every x in [1, 2] {
		print("every", x)
	}
}

test_not if not print_and_fail

test_rule_twice if {
	r1
	r1
}

test_else if g(5) == "big"
"#;

const PRINTING_V0: &str = r#"package printing_v0

deny[msg] {
	print("checking", input.kind)
	input.kind == "Pod"
	msg := "no pods"
}

test_deny {
	print("v0 test")
	deny["no pods"] with input as {"kind": "Pod"}
}
"#;

/// Per test (`package.name`): the lines it printed.
type Printed = BTreeMap<String, Vec<String>>;

fn opa_printed(opa: &Path, dir: &Path, paths: &[&str], v0: bool) -> Printed {
    let mut cmd = Command::new(opa);
    cmd.current_dir(dir).args(["test", "--format", "json"]);
    if v0 {
        cmd.arg("--v0-compatible");
    }
    let out = cmd.args(paths).output().expect("run opa");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "opa test {paths:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut printed = Printed::new();
    for t in json.as_array().expect("a list of tests") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(t["output"].as_str().unwrap_or_default())
            .expect("base64 output");
        let text = String::from_utf8(bytes).expect("utf-8 output");
        let name = format!(
            "{}.{}",
            t["package"].as_str().unwrap().trim_start_matches("data."),
            t["name"].as_str().unwrap()
        );
        printed.insert(name, text.lines().map(str::to_string).collect());
    }
    printed
}

fn sealgate_printed(dir: &Path, paths: &[&str], v0: bool) -> Printed {
    let mut cmd = Command::new(SEALGATE);
    cmd.current_dir(dir).args(["policy", "test", "-o", "json"]);
    if v0 {
        cmd.args(["--rego-version", "v0"]);
    }
    let out = cmd.args(paths).output().expect("run sealgate");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "sealgate policy test {paths:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut printed = Printed::new();
    for t in json["tests"].as_array().expect("a list of tests") {
        let name = format!(
            "{}.{}",
            t["package"].as_str().unwrap(),
            t["name"].as_str().unwrap()
        );
        // a printed string may hold line breaks: compare lines, as opa's text is split
        let lines = t["output"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .flat_map(|l| l.as_str().unwrap().split('\n').map(str::to_string))
            .collect();
        printed.insert(name, lines);
    }
    printed
}

#[test]
fn print_writes_what_opa_test_shows() {
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("v1")).unwrap();
    std::fs::create_dir(dir.path().join("v0")).unwrap();
    std::fs::write(dir.path().join("v1/printing_test.rego"), PRINTING).unwrap();
    std::fs::write(dir.path().join("v0/printing_test.rego"), PRINTING_V0).unwrap();
    let mut runs = vec![
        (dir.path().to_path_buf(), vec!["v1"], false),
        (dir.path().to_path_buf(), vec!["v0"], true),
    ];
    if let Some(c) = sealgate_tests::corpus(TEST, "conftest-examples").unwrap() {
        runs.push((c, vec!["report/policy_print", "report/success"], false));
    }
    if let Some(c) = sealgate_tests::corpus(TEST, "opa-policy-tests").unwrap() {
        runs.push((c, vec!["build/policy/files"], false));
    }
    let mut lines = 0;
    for (dir, paths, v0) in &runs {
        let theirs = opa_printed(&opa, dir, paths, *v0);
        let ours = sealgate_printed(dir, paths, *v0);
        assert!(!theirs.is_empty(), "opa ran no test of {paths:?}");
        assert_eq!(theirs, ours, "{paths:?}");
        lines += theirs.values().map(Vec::len).sum::<usize>();
    }
    // every case above prints: a run where nothing printed would compare nothing
    assert!(lines >= 25, "only {lines} printed lines compared");
}
