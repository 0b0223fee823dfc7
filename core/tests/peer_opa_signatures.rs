//! `core/src/gate/rego/typecheck/signatures.json`, the builtin declarations sealgate's type check
//! reads, against the real `opa` (v1.22.3, from `tests/peers/build`): the file must be exactly
//! `opa capabilities --current`'s `decl` of every builtin, without descriptions. With
//! `SEALGATE_UPDATE_DOCS=1` the file is written from `opa` instead.

use std::path::Path;

use serde_json::{Map, Value};

const TEST: &str = "peer_opa_signatures";

/// A declaration without its descriptions (the type checker reads names and types only).
fn stripped(decl: &Value) -> Value {
    match decl {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(k, _)| *k != "description")
                .map(|(k, v)| (k.clone(), stripped(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(stripped).collect()),
        other => other.clone(),
    }
}

/// The file's text: one builtin a line, sorted by name.
fn written(capabilities: &Value) -> String {
    let mut decls: Map<String, Value> = Map::new();
    for builtin in capabilities["builtins"].as_array().unwrap() {
        let name = builtin["name"].as_str().unwrap().to_owned();
        decls.insert(name, stripped(&builtin["decl"]));
    }
    let mut names: Vec<&String> = decls.keys().collect();
    names.sort();
    let lines: Vec<String> = names
        .iter()
        .map(|name| format!("{}: {}", Value::from(name.as_str()), decls[*name]))
        .collect();
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

#[test]
fn peer_opa_signatures_are_opas() {
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let out = std::process::Command::new(&opa)
        .args(["capabilities", "--current"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let capabilities: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = written(&capabilities);
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gate/rego/typecheck/signatures.json");
    if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap();
    assert!(
        have == want,
        "{} is not `opa capabilities --current`'s declarations: run SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate-core --test integration {TEST}",
        path.display()
    );
}
