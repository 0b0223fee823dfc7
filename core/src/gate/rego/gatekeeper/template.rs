//! ConstraintTemplates: recognised, and their Rego compiled once each into its own engine.

use std::time::Duration;

use regorus::Engine;
use serde_json::Value;

use super::super::engine::{self, RegoVersion};
use super::super::error::RegoError;
use super::super::load::{PolicyMaterial, RegoFile};
use super::super::module_set::ModuleSet;
use super::{string_list, text};

const TEMPLATE_GROUP: &str = "templates.gatekeeper.sh/";
const TARGET: &str = "admission.k8s.gatekeeper.sh";

pub(crate) fn is_template(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("ConstraintTemplate")
        && v.get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with(TEMPLATE_GROUP))
}

/// A ConstraintTemplate's Rego, compiled into its own engine (libs of different templates may share names).
#[derive(Clone)]
pub(crate) struct Template {
    pub name: String,
    /// The Constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    /// `data.<package>.violation`.
    pub query: String,
    pub engine: Engine,
    pub uses_inventory: bool,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish()
    }
}

/// Every Rego module of a template, in any target (`rego`/`code[]` and their libs), for the
/// checks that run on the text before anything is parsed (recursion, bracket nesting).
pub(crate) fn modules(value: &Value) -> Vec<String> {
    let targets = value.pointer("/spec/targets").and_then(Value::as_array);
    let mut out = Vec::new();
    for (rego, libs, _) in targets.into_iter().flatten().filter_map(rego_source) {
        out.push(rego);
        out.extend(libs);
    }
    out
}

/// The Rego source of a template: legacy `rego` + `libs` first, then a `code[]` entry with `engine: Rego`.
fn rego_source(target: &Value) -> Option<(String, Vec<String>, RegoVersion)> {
    let libs_of = string_list;
    if let Some(rego) = target.get("rego").and_then(Value::as_str) {
        return Some((
            rego.to_string(),
            libs_of(target.get("libs")),
            RegoVersion::V0,
        ));
    }
    let code = target.get("code")?.as_array()?;
    let entry = code.iter().find(|c| text(c, "/engine") == "Rego")?;
    let source = entry.get("source")?;
    let version = if text(source, "/version") == "v1" {
        RegoVersion::V1
    } else {
        RegoVersion::V0
    };
    Some((
        text(source, "/rego").to_string(),
        libs_of(source.get("libs")),
        version,
    ))
}

pub(crate) fn compile_template(
    file: &str,
    value: &Value,
    timeout: Duration,
) -> Result<Template, RegoError> {
    let name = text(value, "/metadata/name").to_string();
    let err = |message: String| RegoError::Gatekeeper {
        file: file.to_string(),
        what: "ConstraintTemplate",
        name: name.clone(),
        message,
    };
    let kind = text(value, "/spec/crd/spec/names/kind").to_string();
    if kind.is_empty() {
        return Err(err("spec.crd.spec.names.kind is missing".to_string()));
    }
    let targets = value.pointer("/spec/targets").and_then(Value::as_array);
    let target = targets
        .and_then(|t| t.iter().find(|t| text(t, "/target") == TARGET))
        .ok_or_else(|| err(format!("no spec.targets entry for {TARGET}")))?;
    let (rego, libs, version) = rego_source(target).ok_or_else(|| {
        err("has no Rego code (CEL-only templates are not supported; add a `code` entry with engine: Rego)".to_string())
    })?;
    let mut engine = engine::new_engine(timeout)?;
    let v0 = version == RegoVersion::V0;
    // Positions in errors point into the template file: name the module after it.
    // parsed as `--policy` files are: brackets checked first, the parse under the timeout
    let module = format!("{file}#{name}");
    super::super::nesting::check(&module, &rego)?;
    let lib_modules: Vec<String> = (0..libs.len())
        .map(|i| format!("{file}#{name}/libs[{i}]"))
        .collect();
    let module_set = ModuleSet::of(
        std::iter::once((module.as_str(), rego.as_str(), v0)).chain(
            lib_modules
                .iter()
                .zip(&libs)
                .map(|(m, lib)| (m.as_str(), lib.as_str(), v0)),
        ),
    );
    let package = engine::add_policy_within(&mut engine, &module, &rego, v0, &module_set, timeout)?;
    for (module, lib) in lib_modules.iter().zip(&libs) {
        super::super::nesting::check(module, lib)?;
        engine::add_policy_within(&mut engine, module, lib, v0, &module_set, timeout)?;
    }
    // Gatekeeper compiles templates with OPA's compiler, whose type checker refuses a builtin
    // called with arguments of the wrong type (and, in Rego v1, deprecated builtins): gator
    // refuses such a template (`adding template "x": unable to compile modules: … rego_type_error`)
    let material = PolicyMaterial {
        rego: std::iter::once((&module, &rego))
            .chain(lib_modules.iter().zip(&libs))
            .map(|(path, text)| RegoFile {
                path: path.clone(),
                text: text.clone(),
                builtin: false,
            })
            .collect(),
        objects: Vec::new(),
    };
    super::super::capabilities::check(None, &material, |_| v0).map_err(|e| match e {
        RegoError::TypeErrors { .. }
        | RegoError::RuleConflicts { .. }
        | RegoError::Deprecated { .. } => err(e.to_string()),
        other => other,
    })?;
    // A substring test errs on the safe side: a template that merely mentions "inventory" gets
    // `data.inventory` loaded for nothing, while one that reads it can never go without.
    let uses_inventory = rego.contains("inventory") || libs.iter().any(|l| l.contains("inventory"));
    Ok(Template {
        name,
        kind,
        query: format!("{package}.violation"),
        engine,
        uses_inventory,
    })
}
