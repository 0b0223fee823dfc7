//! `rego.parse_module` side by side with the real `opa` (v1.22.3): every module of OPA's
//! compliance suite (`modules:` of `$SEALGATE_CORPORA/opa-compliance-cases/**.yaml`) and every
//! `.rego` file of the conftest, OPA and gatekeeper-library corpora, parsed by sealgate's engine
//! and by one `opa eval` over all of them, the ASTs compared as JSON (numbers by value).
//!
//! A module matches when both give the same AST or both refuse it (a parse error: undefined).
//! The count of matching modules may not fall below [`MIN_MATCHING`]; the differences left are
//! listed by kind (the first JSON path where the two differ, or which side refused).
//! Measured 2026-12-06: 4,226 of 4,481 alike (2,412 parsed, 1,814 refused by both; 5 of the
//! modules are `tests/fixtures/parse_module/`, written here for cases the corpora lack); the 255
//! left are all modules regorus 0.14 does not parse and OPA does (OPA's logic operators and
//! `not { … }` bodies, template strings, keywords as ref heads, numbers beyond f64, one past
//! sealgate's nesting limit; see `opa_builtins/parse_module/mod.rs`). Run with
//! `SEALGATE_SHOW_MODULE=<n>` to print module n and both ASTs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sealgate_core::gate::policy_test::{AdHocQuery, eval_query};
use serde_json::{Value, json};

use crate::peer;

const TEST: &str = "peer_opa_parse_module";

/// Modules whose AST (or refusal) matched OPA's when this test was last measured (2026-12-06,
/// 4,481 modules): fewer is a regression.
const MIN_MATCHING: usize = 4226;

/// Of those, modules both parsed to the same AST (the rest both refused).
const MIN_PARSED_ALIKE: usize = 2412;

/// The query both sides run: each module's AST as JSON text by its index (a refused module is
/// absent); text, because OPA's AST of a module holding `1e400` is beyond serde_json's numbers.
const QUERY: &str = "x := {sprintf(\"%d\", [i]): json.marshal(m) | some i; t := input.modules[i]; m := rego.parse_module(\"m.rego\", t)}";

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// Every module of the corpora at hand, each once.
fn modules(corpora: &Path) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut yaml = Vec::new();
    files(&corpora.join("opa-compliance-cases"), "yaml", &mut yaml);
    for file in yaml {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in doc["cases"].as_array().into_iter().flatten() {
            for m in case["modules"].as_array().into_iter().flatten() {
                if let Some(m) = m.as_str()
                    && seen.insert(m.to_owned())
                {
                    out.push(m.to_owned());
                }
            }
        }
    }
    let mut rego = Vec::new();
    for name in ["conftest-examples", "conftest-tests", "opa-policy-tests"] {
        files(&corpora.join(name), "rego", &mut rego);
    }
    if let Some(shared) = std::env::var_os("SEALGATE_SHARED_CORPORA").filter(|d| !d.is_empty()) {
        files(
            &PathBuf::from(shared).join("gatekeeper-library"),
            "rego",
            &mut rego,
        );
    }
    // and a few written here for what the corpora do not show (else chains of functions with
    // wildcards, `-x + 1`, ref heads, set order, comments after non-ASCII text)
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse_module"),
        "rego",
        &mut rego,
    );
    for file in rego {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if seen.insert(text.clone()) {
            out.push(text);
        }
    }
    out
}

/// Whether two JSON values are equal, numbers by value (OPA writes `1.0` as it reads it).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The first path where `a` and `b` differ, indexes written `*` (the kind of difference).
fn first_difference(a: &Value, b: &Value, path: &str) -> String {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).find(|(a, b)| !same(a, b)).map_or_else(
                || path.to_owned(),
                |(a, b)| first_difference(a, b, &format!("{path}/*")),
            )
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(a), Some(b)) if same(a, b) => {}
                    (Some(a), Some(b)) => return first_difference(a, b, &format!("{path}/{k}")),
                    (Some(_), None) => return format!("{path}/{k} (only sealgate's)"),
                    (None, _) => return format!("{path}/{k} (only opa's)"),
                }
            }
            path.to_owned()
        }
        _ => format!("{path}: {} vs {}", short(a), short(b)),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!("{}…", &s[..s.floor_char_boundary(80)])
    } else {
        s
    }
}

#[test]
fn parse_module_gives_opas_ast_on_public_modules() {
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let Some(corpora) = sealgate_tests::corpus(TEST, "opa-compliance-cases")
        .unwrap()
        .and_then(|d| d.parent().map(Path::to_path_buf))
    else {
        return;
    };
    let modules = modules(&corpora);
    assert!(modules.len() > 1000, "only {} modules found", modules.len());
    let input = json!({ "modules": modules });

    let out = peer::run(
        &opa,
        &["eval", "--format", "json", "--stdin-input", QUERY],
        input.to_string().as_bytes(),
    );
    let answer: Value = serde_json::from_slice(&out).unwrap();
    let want = answer["result"][0]["bindings"]["x"].clone();

    let results = eval_query(&AdHocQuery {
        modules: Vec::new(),
        data: None,
        input: Some(input),
        input_term: None,
        query: QUERY.to_owned(),
        v0: false,
        strict_builtin_errors: false,
        timeout: Duration::from_secs(120),
    })
    .unwrap_or_else(|e| panic!("sealgate: {e}"));
    let got = results
        .first()
        .and_then(|r| r.get("x"))
        .cloned()
        .unwrap_or(Value::Null);

    let mut matching = 0;
    let mut both_parse = 0;
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (i, module) in modules.iter().enumerate() {
        let key = i.to_string();
        let parse = |answer: &Value| {
            answer.get(&key).and_then(Value::as_str).map(|text| {
                serde_json::from_str::<Value>(text)
                    .unwrap_or_else(|e| json!({ "unreadable": e.to_string() }))
            })
        };
        let (ours, theirs) = (parse(&got), parse(&want));
        let kind = match (&ours, &theirs) {
            (None, None) => None,
            (Some(a), Some(b)) if same(a, b) => {
                both_parse += 1;
                None
            }
            (Some(a), Some(b)) => Some(first_difference(a, b, "")),
            (Some(_), None) => Some("opa refuses, sealgate parses".to_owned()),
            (None, Some(_)) => Some(format!("sealgate refuses, opa parses: {}", refusal(module))),
        };
        match kind {
            None => matching += 1,
            Some(kind) => kinds.entry(kind).or_insert((0, i)).0 += 1,
        }
    }
    eprintln!(
        "{TEST}: {matching} of {} modules match opa ({both_parse} parsed alike, {} refused by both)",
        modules.len(),
        matching - both_parse
    );
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1.0));
    for (kind, (count, example)) in &kinds {
        eprintln!("  {count:5}  {kind}  (e.g. module {example})");
    }
    if let Some(i) = std::env::var("SEALGATE_SHOW_MODULE")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
    {
        let key = i.to_string();
        eprintln!("--- module {i}\n{}", modules[i]);
        eprintln!("--- sealgate\n{}", got.get(&key).unwrap_or(&Value::Null));
        eprintln!("--- opa\n{}", want.get(&key).unwrap_or(&Value::Null));
    }
    assert!(
        both_parse >= MIN_PARSED_ALIKE,
        "{both_parse} modules parse to opa's AST, fewer than the {MIN_PARSED_ALIKE} measured"
    );
    assert!(
        matching >= MIN_MATCHING,
        "{matching} modules match opa's rego.parse_module, fewer than the {MIN_MATCHING} measured"
    );
}

/// Why sealgate refuses a module: its strict error, without positions and quoted text.
fn refusal(module: &str) -> String {
    let error = eval_query(&AdHocQuery {
        modules: Vec::new(),
        data: None,
        input: Some(json!({ "m": module })),
        input_term: None,
        query: "x := rego.parse_module(\"m.rego\", input.m)".to_owned(),
        v0: false,
        strict_builtin_errors: true,
        timeout: Duration::from_secs(20),
    })
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    let reason = error
        .lines()
        .find_map(|l| l.split_once("error: ").map(|(_, r)| r.to_owned()))
        .unwrap_or_else(|| error.lines().next().unwrap_or_default().to_owned());
    let reason: String = reason.chars().filter(|c| !c.is_ascii_digit()).collect();
    reason.chars().take(90).collect()
}
