//! The embedded CRD catalog: the CustomResourceDefinitions that common operators install at
//! bootstrap (so GitOps repositories never commit them), taken from the CRD YAML inside each
//! project's Go module.
//!
//! Writes, per project, `catalog/<name>.json.deflate`: a deflated JSON object from
//! `"<apiVersion> <kind>"` to that version's stripped `openAPIV3Schema` (served versions only, as
//! the API server refuses the others); and `catalog/index.json`, the record of what was taken
//! from where: module, version, `go.sum` hash, source files and kinds of every project (and, for
//! CRDs generated from a module's Go types, the generator and its version). The
//! index is small and read at run time to find which project knows a kind, so only that
//! project's file is ever inflated.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::{Project, strip};

/// `(path under --out, bytes)` for every catalog file.
pub(crate) fn files(projects: &[Project]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut index = Vec::new();
    for project in projects {
        let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
        let mut sources = Vec::new();
        for file in &project.files {
            for (key, schema) in crd_schemas(file)? {
                if schemas.insert(key.clone(), schema).is_some() {
                    return Err(format!(
                        "{}: {key} is defined twice in {}",
                        file.display(),
                        project.name
                    ));
                }
            }
            sources.push(module_relative(file, &project.version));
        }
        if schemas.is_empty() {
            return Err(format!("{}: no CRD schemas in its files", project.name));
        }
        let json = serde_json::to_vec(&schemas).map_err(|e| e.to_string())?;
        let file = format!("{}.json.deflate", project.name);
        let mut entry = json!({
            "name": project.name,
            "module": project.module,
            "version": project.version,
            "sum": project.sum,
            "file": file,
            "sources": sources,
            "kinds": schemas.keys().collect::<Vec<_>>(),
        });
        if let (Some(generator), Value::Object(map)) = (&project.generator, &mut entry) {
            map.insert("generator".to_owned(), json!(generator));
        }
        index.push(entry);
        out.push((
            format!("catalog/{file}"),
            miniz_oxide::deflate::compress_to_vec(&json, 9),
        ));
    }
    let mut text =
        serde_json::to_vec_pretty(&json!({ "projects": index })).map_err(|e| e.to_string())?;
    text.push(b'\n');
    out.push(("catalog/index.json".to_owned(), text));
    Ok(out)
}

/// `"<apiVersion> <kind>"` and stripped schema of every served version of every CRD in a file.
fn crd_schemas(file: &Path) -> Result<Vec<(String, Value)>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut out = Vec::new();
    for crd in docs
        .iter()
        .filter(|d| d.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition"))
    {
        let group = crd
            .pointer("/spec/group")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = crd
            .pointer("/spec/names/kind")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{}: a CRD without spec.names.kind", file.display()))?;
        for version in crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if version.get("served") == Some(&Value::Bool(false)) {
                continue;
            }
            let (Some(name), Some(schema)) = (
                version.get("name").and_then(Value::as_str),
                version.pointer("/schema/openAPIV3Schema"),
            ) else {
                continue;
            };
            out.push((format!("{group}/{name} {kind}"), strip(schema)));
        }
    }
    Ok(out)
}

/// A source file's path inside its module (`config/crd/bases/x.yaml`), for the record.
fn module_relative(file: &Path, version: &str) -> String {
    let shown = file.display().to_string();
    let marker = format!("@{version}/");
    match shown.find(&marker) {
        Some(at) => shown[at + marker.len()..].to_owned(),
        None => shown,
    }
}
