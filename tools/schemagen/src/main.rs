//! schemagen: the committed generator behind `schemas/` (run it through `schemas/generate`).
//!
//! Reads Kubernetes' official OpenAPI v2 spec (`api/openapi-spec/swagger.json` of the
//! `k8s.io/kubernetes` module) for each version, keeps only what validation needs (no
//! descriptions, no `x-kubernetes-*` except the group-version-kind), and writes one deflated
//! JSON per minor version. `--crd NAME=FILE.yaml` writes an upstream CRD (Gatekeeper's
//! ConstraintTemplate) as `NAME.json`, with the same stripping applied to its schemas. (The
//! SealedSecret CRD schema comes from the controller's Rust types: `crdgen` in
//! sealgate-controller.) `--catalog-project`/`--catalog-generator`/`--catalog-file` build the
//! embedded CRD catalog (`schemas/catalog/`, see `catalog.rs`). `--check` compares instead of writing, so CI can fail on drift.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Map, Value};

mod catalog;

/// One project of the CRD catalog: where its CRDs come from and the files that hold them.
struct Project {
    name: String,
    module: String,
    version: String,
    /// The module's `go.sum` hash (`h1:…`), as `go mod download -json` reports it.
    sum: String,
    /// How the CRD YAML was made when the module holds only Go types (controller-gen and its
    /// version and options); `None` when the files are the module's own.
    generator: Option<String>,
    files: Vec<PathBuf>,
}

struct Args {
    kubernetes: Vec<(String, PathBuf)>,
    crds: Vec<(String, PathBuf)>,
    catalog: Vec<Project>,
    out: PathBuf,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        kubernetes: Vec::new(),
        crds: Vec::new(),
        catalog: Vec::new(),
        out: PathBuf::from("schemas"),
        check: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--kubernetes" => {
                let value = it
                    .next()
                    .ok_or("--kubernetes needs VERSION=PATH/swagger.json")?;
                let (version, path) = value
                    .split_once('=')
                    .ok_or("--kubernetes needs VERSION=PATH/swagger.json")?;
                args.kubernetes
                    .push((version.to_owned(), PathBuf::from(path)));
            }
            "--crd" => {
                let value = it.next().ok_or("--crd needs NAME=PATH.yaml")?;
                let (name, path) = value.split_once('=').ok_or("--crd needs NAME=PATH.yaml")?;
                args.crds.push((name.to_owned(), PathBuf::from(path)));
            }
            "--catalog-project" => {
                let mut next = || {
                    it.next()
                        .ok_or("--catalog-project needs NAME MODULE VERSION SUM")
                };
                args.catalog.push(Project {
                    name: next()?,
                    module: next()?,
                    version: next()?,
                    sum: next()?,
                    generator: None,
                    files: Vec::new(),
                });
            }
            "--catalog-generator" => {
                let generator = it
                    .next()
                    .ok_or("--catalog-generator needs the generator and its version")?;
                args.catalog
                    .last_mut()
                    .ok_or("--catalog-generator comes after its --catalog-project")?
                    .generator = Some(generator);
            }
            "--catalog-file" => {
                let file = it.next().ok_or("--catalog-file needs a CRD file")?;
                args.catalog
                    .last_mut()
                    .ok_or("--catalog-file comes after its --catalog-project")?
                    .files
                    .push(PathBuf::from(file));
            }
            "--out" => args.out = PathBuf::from(it.next().ok_or("--out needs a folder")?),
            "--check" => args.check = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Drops documentation and server-side hints, recursing through schema positions only (the
/// keys of `properties` are field names and are all kept).
pub(crate) fn strip(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                if key == "description"
                    || (key.starts_with("x-kubernetes-")
                        && key != "x-kubernetes-group-version-kind"
                        && key != "x-kubernetes-preserve-unknown-fields"
                        && key != "x-kubernetes-int-or-string")
                {
                    continue;
                }
                let stripped = match (key.as_str(), value) {
                    ("properties" | "patternProperties" | "definitions", Value::Object(fields)) => {
                        Value::Object(fields.iter().map(|(k, v)| (k.clone(), strip(v))).collect())
                    }
                    (
                        "enum"
                        | "required"
                        | "x-kubernetes-group-version-kind"
                        | "default"
                        | "example",
                        v,
                    ) => v.clone(),
                    (_, v) => strip(v),
                };
                out.insert(key.clone(), stripped);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
        other => other.clone(),
    }
}

/// The API server decodes a `resource.Quantity` from a JSON string or a JSON number (`cpu: 0.5`,
/// `memory: 128`; apimachinery `Quantity.UnmarshalJSON`), but the OpenAPI spec says only
/// `type: string` (its schema is hand-written in `Quantity.OpenAPISchemaType`). Rendered as the
/// spec says, every numeric quantity in a real manifest would be refused; kubeconform's schemas
/// (yannh/kubernetes-json-schema) widen it the same way. `anyOf`, not `oneOf`: once optional fields
/// are made nullable both branches accept `null`, which the API server also accepts. A string must
/// be a quantity the server parses (`cpu: abc` is refused there): the pattern controller-gen writes
/// into every CRD for a `resource.Quantity` field (apimachinery `ParseQuantity`'s grammar).
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

fn widen_quantity(defs: &mut Map<String, Value>) {
    if let Some(quantity) = defs.get_mut(QUANTITY) {
        *quantity = serde_json::json!({"anyOf": [
            {"type": "string", "pattern": QUANTITY_PATTERN},
            {"type": "number"}
        ]});
    }
}

fn kubernetes_file(version: &str, swagger: &Path) -> Result<(String, Vec<u8>), String> {
    let text =
        std::fs::read_to_string(swagger).map_err(|e| format!("{}: {e}", swagger.display()))?;
    let spec: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", swagger.display()))?;
    let Some(Value::Object(defs)) = spec.get("definitions") else {
        return Err(format!("{}: no definitions", swagger.display()));
    };
    let mut stripped: Map<String, Value> =
        defs.iter().map(|(k, v)| (k.clone(), strip(v))).collect();
    widen_quantity(&mut stripped);
    let json = serde_json::to_vec(&Value::Object(stripped)).map_err(|e| e.to_string())?;
    let minor: String = version
        .trim_start_matches('v')
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    Ok((
        format!("kubernetes/v{minor}.json.deflate"),
        miniz_oxide::deflate::compress_to_vec(&json, 9),
    ))
}

/// An upstream CRD (YAML) as pretty JSON, descriptions and server-side hints dropped from the
/// schema of every version; the rest of the CRD (names, versions, scope) is kept as it is.
fn crd_file(name: &str, yaml: &Path) -> Result<(String, Vec<u8>), String> {
    let text = std::fs::read_to_string(yaml).map_err(|e| format!("{}: {e}", yaml.display()))?;
    let mut crd: Value =
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", yaml.display()))?;
    if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
        return Err(format!(
            "{}: not a CustomResourceDefinition",
            yaml.display()
        ));
    }
    if let Some(Value::Array(versions)) = crd.pointer_mut("/spec/versions") {
        for version in versions {
            if let Some(schema) = version.pointer_mut("/schema/openAPIV3Schema") {
                *schema = strip(schema);
            }
        }
    }
    let mut json = serde_json::to_vec_pretty(&crd).map_err(|e| e.to_string())?;
    json.push(b'\n');
    Ok((format!("{name}.json"), json))
}

fn run() -> Result<bool, String> {
    let args = parse_args()?;
    let mut files = Vec::new();
    for (version, swagger) in &args.kubernetes {
        files.push(kubernetes_file(version, swagger)?);
    }
    for (name, yaml) in &args.crds {
        files.push(crd_file(name, yaml)?);
    }
    if !args.catalog.is_empty() {
        files.extend(catalog::files(&args.catalog)?);
    }
    let mut clean = true;
    for (name, bytes) in files {
        let path = args.out.join(&name);
        if args.check {
            let current = std::fs::read(&path).unwrap_or_default();
            if current != bytes {
                eprintln!(
                    "schemagen: {} is out of date; run schemas/generate",
                    path.display()
                );
                clean = false;
            }
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!(
            "schemagen: wrote {} ({} bytes)",
            path.display(),
            bytes.len()
        );
    }
    Ok(clean)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("schemagen: {e}");
            ExitCode::from(2)
        }
    }
}
