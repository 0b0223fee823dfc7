//! kustomize-schemagen: the committed generator of `schemas/kustomize/kustomization.json`, the JSON
//! Schema of kustomize's own `Kustomization` type, from its Go source (run it through
//! `schemas/kustomize/generate`).
//!
//! kustomize publishes no schema of the kustomization file (kyaml's `kustomizationapi` covers only
//! the generators), and SchemaStore's schema is not served by any registry the project uses. So the
//! schema is derived from the Go structs kustomize itself decodes into (`sigs.k8s.io/kustomize/api`
//! `types`, plus kyaml's `resid`), with encoding/json's rules as kustomize applies them
//! (`Kustomization.Unmarshal`: YAML to JSON, then a decoder with `DisallowUnknownFields`):
//!
//! - a field's name is its `json` tag's name, else its Go name; `-` and unexported fields are left out;
//! - an embedded struct without a tag name (`json:",inline"`) contributes its fields (encoding/json
//!   has no `inline` option: an empty name is what promotes them);
//! - unknown fields are refused (`additionalProperties: false`), like kustomize;
//! - JSON `null` is accepted for every field (encoding/json leaves the zero value);
//! - `string`, `bool`, the integer types, `[]T`, `*T`, `map[string]T`, `interface{}`, named types.
//!
//! `kind` and `apiVersion` get the values `Kustomization.EnforceFields` allows. `--check` compares
//! with the committed file instead of writing it (CI's drift test).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Map, Value, json};

/// A Go type expression, as far as kustomize's types use them.
#[derive(Debug, Clone)]
enum GoType {
    String,
    Bool,
    Integer,
    Any,
    Slice(Box<GoType>),
    Map(Box<GoType>),
    Named(String),
}

#[derive(Debug)]
struct Field {
    /// `None`: an embedded struct whose fields are promoted.
    json_name: Option<String>,
    ty: GoType,
}

#[derive(Debug)]
enum Decl {
    Struct(Vec<Field>),
    Alias(GoType),
}

/// Parses `t` (after any `*`) into a [`GoType`]; package qualifiers are dropped (type names do not
/// collide between `types` and `resid`).
fn parse_type(t: &str) -> Result<GoType, String> {
    let t = t.trim().trim_start_matches('*');
    Ok(match t {
        "string" => GoType::String,
        "bool" => GoType::Bool,
        "int" | "int32" | "int64" | "uint" | "uint32" | "uint64" => GoType::Integer,
        "interface{}" | "any" => GoType::Any,
        _ if t.starts_with("[]") => GoType::Slice(Box::new(parse_type(&t[2..])?)),
        _ if t.starts_with("map[string]") => {
            GoType::Map(Box::new(parse_type(&t["map[string]".len()..])?))
        }
        _ if t
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_') =>
        {
            GoType::Named(t.rsplit('.').next().unwrap_or(t).to_owned())
        }
        _ => return Err(format!("unsupported Go type {t:?}")),
    })
}

/// The name encoding/json uses for a field with this tag (`None` for a promoted embedded struct,
/// `Some("-")` for a field it skips).
fn json_name(go_name: Option<&str>, tag: &str) -> Option<String> {
    let json = tag
        .split_whitespace()
        .find_map(|part| part.strip_prefix("json:\""))
        .map(|rest| rest.trim_end_matches('"'));
    let name = json.map(|j| j.split(',').next().unwrap_or_default());
    match (name, go_name) {
        (Some(n), _) if !n.is_empty() => Some(n.to_owned()),
        (_, Some(go)) => Some(go.to_owned()),
        (_, None) => None,
    }
}

/// One struct field line (`Name Type \`tag\``, or `Type \`tag\`` when embedded).
fn parse_field(line: &str) -> Result<Option<Field>, String> {
    let (decl, tag) = match line.split_once('`') {
        // The tag is what lies between the backticks; a comment may follow it.
        Some((decl, rest)) => (decl.trim(), rest.split('`').next().unwrap_or_default()),
        None => (line.trim(), ""),
    };
    let parts: Vec<&str> = decl.split_whitespace().collect();
    let (go_name, ty) = match parts.as_slice() {
        [ty] => (None, *ty),
        [name, ty] => (Some(*name), *ty),
        _ => return Err(format!("cannot read the struct field {line:?}")),
    };
    let exported = go_name
        .unwrap_or_else(|| ty.trim_start_matches('*').rsplit('.').next().unwrap_or(ty))
        .starts_with(|c: char| c.is_ascii_uppercase());
    if !exported {
        return Ok(None);
    }
    let json_name = json_name(go_name, tag);
    if json_name.as_deref() == Some("-") {
        return Ok(None);
    }
    Ok(Some(Field {
        json_name,
        ty: parse_type(ty)?,
    }))
}

/// Every top-level `type` declaration of one Go file.
fn parse_file(text: &str, decls: &mut BTreeMap<String, Decl>) -> Result<(), String> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("type ") else {
            continue;
        };
        let Some((name, def)) = rest.split_once(' ') else {
            continue;
        };
        let def = def.trim();
        if def == "struct {" {
            let mut fields = Vec::new();
            for field in lines.by_ref() {
                let field = match field.split_once("//") {
                    // `//` inside a tag (a URL) is not a comment; tags are read before comments.
                    Some((code, _)) if !code.contains('`') => code,
                    _ => field,
                };
                let field = field.trim();
                if field == "}" {
                    break;
                }
                if field.is_empty() {
                    continue;
                }
                if let Some(f) = parse_field(field)? {
                    fields.push(f);
                }
            }
            decls.insert(name.to_owned(), Decl::Struct(fields));
        } else if def == "struct{}" {
            decls.insert(name.to_owned(), Decl::Struct(Vec::new()));
        } else if let Ok(ty) = parse_type(def.split("//").next().unwrap_or(def)) {
            decls.insert(name.to_owned(), Decl::Alias(ty));
        }
    }
    Ok(())
}

fn nullable(ty: &str) -> Value {
    json!([ty, "null"])
}

struct Generator<'a> {
    decls: &'a BTreeMap<String, Decl>,
    definitions: Map<String, Value>,
    pending: BTreeSet<String>,
}

impl Generator<'_> {
    fn schema_of(&mut self, ty: &GoType) -> Result<Value, String> {
        Ok(match ty {
            GoType::String => json!({"type": nullable("string")}),
            GoType::Bool => json!({"type": nullable("boolean")}),
            GoType::Integer => json!({"type": nullable("integer")}),
            GoType::Any => json!({}),
            GoType::Slice(item) => {
                json!({"type": nullable("array"), "items": self.schema_of(item)?})
            }
            GoType::Map(value) => {
                json!({"type": nullable("object"), "additionalProperties": self.schema_of(value)?})
            }
            GoType::Named(name) => match self.decls.get(name) {
                Some(Decl::Alias(inner)) => self.schema_of(inner)?,
                Some(Decl::Struct(_)) => {
                    if !self.definitions.contains_key(name) {
                        self.pending.insert(name.clone());
                    }
                    json!({"$ref": format!("#/definitions/{name}")})
                }
                None => return Err(format!("Go type {name} is not declared in the sources")),
            },
        })
    }

    /// The JSON fields of a struct, embedded structs' promoted fields included (a shallower field
    /// wins over a promoted one of the same name, as in encoding/json).
    fn fields_of(&mut self, name: &str, out: &mut Map<String, Value>) -> Result<(), String> {
        let Some(Decl::Struct(fields)) = self.decls.get(name) else {
            return Err(format!("{name} is not a struct"));
        };
        let mut promoted = Map::new();
        for field in fields {
            match (&field.json_name, &field.ty) {
                (Some(json_name), ty) => {
                    let schema = self.schema_of(ty)?;
                    out.insert(json_name.clone(), schema);
                }
                (None, GoType::Named(inner)) => self.fields_of(inner, &mut promoted)?,
                (None, other) => return Err(format!("embedded non-struct {other:?} in {name}")),
            }
        }
        for (key, schema) in promoted {
            out.entry(key).or_insert(schema);
        }
        Ok(())
    }

    fn define(&mut self, name: &str) -> Result<(), String> {
        let mut properties = Map::new();
        self.fields_of(name, &mut properties)?;
        self.definitions.insert(
            name.to_owned(),
            json!({
                "type": nullable("object"),
                "properties": properties,
                "additionalProperties": false,
            }),
        );
        Ok(())
    }
}

fn generate(sources: &[PathBuf]) -> Result<Value, String> {
    let mut decls = BTreeMap::new();
    for dir in sources {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.ends_with(".go") && !name.ends_with("_test.go")
            })
            .collect();
        files.sort();
        for file in files {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            parse_file(&text, &mut decls).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    let mut generator = Generator {
        decls: &decls,
        definitions: Map::new(),
        pending: BTreeSet::from(["Kustomization".to_owned()]),
    };
    while let Some(name) = generator.pending.pop_first() {
        generator.define(&name)?;
    }
    let mut root = generator
        .definitions
        .remove("Kustomization")
        .ok_or("no Kustomization struct in the sources")?;
    // The whole file is an object (null is the empty file, which kustomize refuses anyway), and
    // kind/apiVersion are what Kustomization.EnforceFields allows, when given.
    root["type"] = json!("object");
    root["properties"]["kind"] = json!({"enum": ["Kustomization", "Component"]});
    root["properties"]["apiVersion"] = json!({
        "enum": ["kustomize.config.k8s.io/v1beta1", "kustomize.config.k8s.io/v1alpha1"]
    });
    root["$schema"] = json!("http://json-schema.org/draft-04/schema#");
    root["definitions"] = Value::Object(generator.definitions);
    Ok(root)
}

fn run() -> Result<ExitCode, String> {
    let mut sources = Vec::new();
    let mut out = PathBuf::from("schemas/kustomize/kustomization.json");
    let mut check = false;
    let mut origin = String::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--source" => sources.push(PathBuf::from(
                args.next().ok_or("--source needs a folder of Go files")?,
            )),
            "--origin" => origin = args.next().ok_or("--origin needs MODULE@VERSION")?,
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a file")?),
            "--check" => check = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if sources.is_empty() {
        return Err(
            "give the Go sources with --source DIR (kustomize api/types, kyaml resid)".into(),
        );
    }
    let mut schema = generate(&sources)?;
    if !origin.is_empty() {
        schema["$comment"] = json!(format!(
            "generated by tools/kustomize-schemagen from {origin}; do not edit"
        ));
    }
    let mut text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
    text.push('\n');
    if check {
        let committed = std::fs::read_to_string(&out).unwrap_or_default();
        if committed != text {
            eprintln!(
                "{} differs from what the generator makes; run schemas/kustomize/generate and commit it",
                out.display()
            );
            return Ok(ExitCode::FAILURE);
        }
        return Ok(ExitCode::SUCCESS);
    }
    write(&out, &text)?;
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kustomize-schemagen: error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_embedded_structs_and_tags_follow_encoding_json() {
        let mut decls = BTreeMap::new();
        parse_file(
            "type Gvk struct {\n\tKind string `json:\"kind,omitempty\"`\n\thidden bool\n}\n\
             type Outer struct {\n\tresid.Gvk `json:\",inline,omitempty\" yaml:\",inline\"`\n\
             \tKind int `json:\"kind\"` // shallower wins\n\tCount int64\n\tSkip string `json:\"-\"`\n\
             \tValues map[string]interface{} `json:\"values\"`\n\tList []*Gvk `json:\"list\"`\n}\n\
             type Order string\n",
            &mut decls,
        )
        .unwrap();
        let mut g = Generator {
            decls: &decls,
            definitions: Map::new(),
            pending: BTreeSet::new(),
        };
        g.define("Outer").unwrap();
        let outer = &g.definitions["Outer"]["properties"];
        let keys: Vec<&String> = outer.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "Count", "values", "list"]);
        assert_eq!(outer["kind"]["type"], json!(["integer", "null"]));
        assert_eq!(outer["list"]["items"]["$ref"], "#/definitions/Gvk");
        assert!(g.pending.contains("Gvk"));
        assert!(matches!(decls["Order"], Decl::Alias(GoType::String)));
        assert!(parse_type("chan int").is_err());
    }
}
