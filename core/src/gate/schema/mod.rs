//! JSON Schema validation of Kubernetes objects: built-in schemas, CRDs, kubeconform-style locations.
//!
//! Where a schema comes from, in order: CRDs (from the inputs, `--crd` folders, and the
//! SealedSecret CRD), then the embedded CRD catalog (`catalog.rs`), then each
//! `--schema-location` (the built-in Kubernetes schemas are `default`, the only location when
//! none is given). Each schema is compiled once per
//! `apiVersion`/`kind` and shared by all worker threads.

mod admission;
mod builtin;
mod catalog;
mod compile;
pub(super) mod crd;
mod duration;
mod export;
mod location;
mod quantity;
mod re2;
mod transform;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind;
use serde_json::{Value, json};

pub use builtin::kubernetes_versions;
pub use catalog::{CatalogProject, catalog_projects};
pub use crd::CrdSchema;
pub use export::{ExportedFolder, kubeconform_folder};
pub use location::SchemaLocation;

use super::finding::{Finding, Severity, Subject, check};
use super::report::ResourceResult;
use crate::manifest::{Diagnostic, DiagnosticKind, Document, push_pointer_segment, redact};
use crate::walk;

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("no built-in schemas for Kubernetes {version}; known versions: {known}")]
    UnknownKubernetesVersion { version: String, known: String },
    #[error(
        "{location}: network locations are not supported (sealgate works offline); download the schemas and pass the local directory or template"
    )]
    NetworkLocation { location: String },
    #[error(
        "{location}: unknown template variable {variable:?}; use .NormalizedKubernetesVersion, .StrictSuffix, .ResourceKind, .ResourceAPIVersion, .Group or .KindSuffix"
    )]
    Template { location: String, variable: String },
    #[error(
        "built-in schemas for Kubernetes {version} are corrupt ({message}); reinstall sealgate"
    )]
    Embedded { version: String, message: String },
    #[error("CRDs from {path}: {message}")]
    CrdDir { path: String, message: String },
    #[error("{first} and {second} would both be written to {file} in kubeconform's layout")]
    ExportCollision {
        file: String,
        first: String,
        second: String,
    },
}

/// What the schema check needs to know.
#[derive(Debug, Clone, Default)]
pub struct SchemaOptions {
    /// `1.35`, `v1.35.4`, `master`; `None` = newest built-in.
    pub kubernetes_version: Option<String>,
    /// Unknown fields are errors (kubeconform `-strict`), and so are duplicate keys.
    pub strict: bool,
    /// Empty = built-in schemas only.
    pub locations: Vec<SchemaLocation>,
    /// Folders (or files) whose CustomResourceDefinitions provide schemas.
    pub crd_paths: Vec<PathBuf>,
    /// A kind without a schema is skipped (and counted) instead of being an error.
    pub ignore_missing_schemas: bool,
}

use compile::{Compiled, one_line};

enum Lookup {
    Found(Compiled),
    Missing,
    Broken { origin: String, message: String },
}

type Key = (String, String);

/// Compiled schemas, shared by all workers.
pub struct SchemaSet {
    options: SchemaOptions,
    version: usize,
    locations: Vec<SchemaLocation>,
    crds: HashMap<Key, CrdSchema>,
    /// How many of `crds` are built in (SealedSecret, ConstraintTemplate), for messages.
    builtin_crds: usize,
    cache: Mutex<HashMap<Key, Arc<OnceLock<Lookup>>>>,
    /// Catalog projects that judged at least one kind (`argo-cd v3.6.2`), for the summary.
    catalog_used: Mutex<std::collections::BTreeSet<String>>,
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaSet")
            .field("kubernetes", &builtin::patch_version(self.version))
            .field("crds", &self.crds.len())
            .finish_non_exhaustive()
    }
}

impl SchemaSet {
    pub fn new(options: SchemaOptions) -> Result<SchemaSet, SchemaError> {
        let version = builtin::select(options.kubernetes_version.as_deref())?;
        let locations = if options.locations.is_empty() {
            vec![SchemaLocation::Builtin]
        } else {
            options.locations.clone()
        };
        let mut set = SchemaSet {
            options,
            version,
            locations,
            crds: HashMap::new(),
            builtin_crds: 0,
            cache: Mutex::new(HashMap::new()),
            catalog_used: Mutex::new(std::collections::BTreeSet::new()),
        };
        let sealed: Value = serde_json::from_str(builtin::SEALED_SECRET_CRD).map_err(|e| {
            SchemaError::Embedded {
                version: "SealedSecret CRD".to_owned(),
                message: e.to_string(),
            }
        })?;
        set.add_crd(&sealed, "built-in SealedSecret CRD");
        let templates: Value =
            serde_json::from_str(builtin::CONSTRAINT_TEMPLATE_CRD).map_err(|e| {
                SchemaError::Embedded {
                    version: "ConstraintTemplate CRD".to_owned(),
                    message: e.to_string(),
                }
            })?;
        set.add_crd(&templates, "built-in Gatekeeper ConstraintTemplate CRD");
        set.builtin_crds = set.crds.len();
        for path in set.options.crd_paths.clone() {
            set.load_crd_path(&path)?;
        }
        Ok(set)
    }

    /// Catalog projects whose schemas judged a kind in this run, as `argo-cd v3.6.2`, sorted.
    pub fn catalog_used(&self) -> Vec<String> {
        self.catalog_used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// The Kubernetes version whose built-in schemas are used, as `1.35.4`.
    pub fn kubernetes_version(&self) -> &'static str {
        builtin::patch_version(self.version)
    }

    /// Whether unknown fields and duplicate keys are errors (`--strict`).
    pub fn strict(&self) -> bool {
        self.options.strict
    }

    /// Registers the schemas of a CustomResourceDefinition (later CRDs win).
    pub fn add_crd(&mut self, crd: &Value, origin: &str) {
        for schema in crd::schemas_of(crd, origin) {
            self.crds
                .insert((schema.api_version.clone(), schema.kind.clone()), schema);
        }
    }

    /// Registers every CRD and ConstraintTemplate among the documents (the inputs validate
    /// against their own CRDs; constraints against their template's parameters).
    pub fn add_crds_from(&mut self, docs: &[Document]) {
        for doc in docs.iter().filter(|d| crd::defines_schemas(d.value())) {
            self.add_crd(doc.value(), &format!("{}:{}", doc.file(), doc.line()));
        }
    }

    fn load_crd_path(&mut self, path: &Path) -> Result<(), SchemaError> {
        let err = |message: String| SchemaError::CrdDir {
            path: path.display().to_string(),
            message,
        };
        let files = if path.is_dir() {
            walk::files(path, walk::MANIFEST_EXTENSIONS).map_err(|e| err(e.to_string()))?
        } else if path.is_file() {
            vec![path.to_path_buf()]
        } else {
            return Err(err("no such file or directory".to_owned()));
        };
        for file in files {
            let source =
                crate::manifest::Source::read_path(&file, crate::manifest::DEFAULT_MAX_BYTES)
                    .map_err(|e| err(e.to_string()))?;
            let manifest = crate::manifest::load(source).map_err(|e| err(e.to_string()))?;
            self.add_crds_from(&manifest.documents);
        }
        Ok(())
    }

    /// Schema verdict for one document, with its YAML diagnostics as findings.
    pub fn check(&self, doc: &Document) -> ResourceResult {
        let subject = Subject::of(doc);
        let mut findings = diagnostics(doc, self.options.strict);
        let value = doc.value();
        let problem = if !value.is_object() {
            Some(format!(
                "document is a {}, not a Kubernetes object",
                redact::type_name(value)
            ))
        } else if !value.get("kind").is_some_and(Value::is_string) {
            Some("missing 'kind' key; every Kubernetes object needs kind and apiVersion".to_owned())
        } else if !value.get("apiVersion").is_some_and(Value::is_string) {
            Some(
                "missing 'apiVersion' key; every Kubernetes object needs kind and apiVersion"
                    .to_owned(),
            )
        } else {
            None
        };
        if let Some(message) = problem {
            let mut result = ResourceResult::error(
                subject.clone(),
                Finding::new(Severity::Error, check::PARSE, message, &subject),
            );
            result.findings.extend(findings);
            return result;
        }
        let kind = doc.kind().unwrap_or_default();
        let api_version = doc.api_version().unwrap_or_default();
        let entry = {
            let mut cache = self
                .cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(
                cache
                    .entry((api_version.to_owned(), kind.to_owned()))
                    .or_default(),
            )
        };
        match entry.get_or_init(|| self.lookup(api_version, kind)) {
            Lookup::Found(compiled) => {
                let prepared = compiled.crd_schema.as_ref().map(|raw| {
                    let mut instance = value.clone();
                    admission::prepare(raw, &mut instance);
                    instance
                });
                let instance = prepared.as_ref().unwrap_or(value);
                findings.extend(schema_findings(&compiled.validator, doc, instance));
                for gap in &compiled.unchecked {
                    let message = format!(
                        "not checked here: {} (its schema for {api_version} {kind} does not convert: {})",
                        gap.path, gap.reason
                    );
                    findings.push(Finding::new(
                        Severity::Warning,
                        check::SCHEMA,
                        message,
                        &subject,
                    ));
                }
                let mut result = ResourceResult::checked(subject, findings);
                // Strict mode decodes like kubectl's strict decoder (and kubeconform -strict): a
                // duplicate key makes the document unreadable, an error rather than an invalid object.
                if self.options.strict
                    && doc
                        .diagnostics()
                        .iter()
                        .any(|d| matches!(d.kind, DiagnosticKind::DuplicateKey { .. }))
                {
                    result.status = super::report::Status::Error;
                }
                result
            }
            Lookup::Missing if self.options.ignore_missing_schemas => ResourceResult::skipped(
                subject,
                format!("no schema for {api_version} {kind}"),
                findings,
            ),
            Lookup::Missing => {
                let message = format!(
                    "no schema for {api_version} {kind} (Kubernetes {} built-ins, {} CRD schemas from the inputs and --crd); check kind and apiVersion, add the CRD with --crd, or pass --ignore-missing-schemas",
                    self.kubernetes_version(),
                    self.crds.len().saturating_sub(self.builtin_crds)
                );
                let mut result = ResourceResult::error(
                    subject.clone(),
                    Finding::new(Severity::Error, check::MISSING_SCHEMA, message, &subject),
                );
                result.findings.extend(findings);
                result
            }
            Lookup::Broken { origin, message } => {
                let message = format!(
                    "schema for {api_version} {kind} from {origin} does not compile: {message}"
                );
                let mut result = ResourceResult::error(
                    subject.clone(),
                    Finding::new(Severity::Error, check::SCHEMA, message, &subject),
                );
                result.findings.extend(findings);
                result
            }
        }
    }

    fn lookup(&self, api_version: &str, kind: &str) -> Lookup {
        if let Some(crd) = self.crds.get(&(api_version.to_owned(), kind.to_owned())) {
            let schema = crd::to_json_schema(&crd.schema, self.options.strict);
            return for_custom_resources(compile(&schema, &crd.origin), &crd.schema);
        }
        match catalog::schema(api_version, kind) {
            Ok(Some((raw, project))) => {
                let label = format!("{} {}", project.name, project.version);
                self.catalog_used
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(label.clone());
                let schema = crd::to_json_schema(&raw, self.options.strict);
                return for_custom_resources(compile(&schema, &format!("catalog {label}")), &raw);
            }
            Ok(None) => {}
            Err(message) => {
                return Lookup::Broken {
                    origin: "the CRD catalog".to_owned(),
                    message,
                };
            }
        }
        let k8s_version = self
            .options
            .kubernetes_version
            .clone()
            .unwrap_or_else(|| "master".to_owned());
        for location in &self.locations {
            match location {
                SchemaLocation::Builtin => match self.builtin_schema(api_version, kind) {
                    Ok(Some(schema)) => {
                        return compile(
                            &schema,
                            &format!("built-in Kubernetes {}", self.kubernetes_version()),
                        );
                    }
                    Ok(None) => continue,
                    Err(e) => {
                        return Lookup::Broken {
                            origin: "built-in schemas".to_owned(),
                            message: e.to_string(),
                        };
                    }
                },
                SchemaLocation::Template(_) => {
                    let Some(path) =
                        location.path_for(kind, api_version, &k8s_version, self.options.strict)
                    else {
                        continue;
                    };
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    // Like kubeconform: a file that is not JSON, or does not compile, is passed over.
                    let Ok(schema) = serde_json::from_str::<Value>(&text) else {
                        continue;
                    };
                    if let found @ Lookup::Found(_) = compile(&schema, &path.display().to_string())
                    {
                        return found;
                    }
                }
            }
        }
        Lookup::Missing
    }

    /// One definition of the selected version with the version-wide steps of openapi2jsonschema
    /// applied (kind/apiVersion enums; strict: closed objects), parsed anew at each use: a
    /// schema is built once per kind, and parsing only what it reaches keeps the ~700
    /// definitions of a version out of memory.
    fn prepared_definition(&self, defs: &builtin::Definitions, name: &str) -> Option<Value> {
        let mut def = defs.get(name)?;
        let gvks = def
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(props) = def.get_mut("properties").and_then(Value::as_object_mut) {
            for gvk in gvks {
                append_enum(
                    props.get_mut("apiVersion"),
                    Value::String(builtin::gvk_api_version(&gvk)),
                );
                append_enum(
                    props.get_mut("kind"),
                    gvk.get("kind").cloned().unwrap_or_default(),
                );
            }
        }
        if self.options.strict {
            transform::close_schema(&mut def);
        }
        Some(def)
    }

    /// The standalone schema of one built-in kind, as kubeconform's `-standalone[-strict]` file.
    pub fn builtin_schema(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<Option<Value>, SchemaError> {
        let defs = builtin::definitions(self.version)?;
        let Some(name) = defs.by_gvk.get(&(api_version.to_owned(), kind.to_owned())) else {
            return Ok(None);
        };
        let lookup = |name: &str| self.prepared_definition(defs, name);
        let Some(mut root) = lookup(name) else {
            return Ok(None);
        };
        if let Value::Object(map) = &mut root {
            map.entry("type").or_insert_with(|| json!("object"));
            if self.options.strict {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
        }
        let mut root = transform::inline_refs(&root, &lookup);
        if let Some(props) = root.get_mut("properties") {
            if self.options.strict {
                transform::deny_additional_properties(props);
            }
            transform::replace_int_or_string(props);
            transform::allow_null_optional_fields(props);
        }
        Ok(Some(root))
    }

    /// Every `apiVersion`/`kind` with a built-in schema in the selected version.
    pub fn builtin_kinds(&self) -> Result<Vec<(String, String)>, SchemaError> {
        let mut kinds: Vec<(String, String)> = builtin::definitions(self.version)?
            .by_gvk
            .keys()
            .cloned()
            .collect();
        kinds.sort();
        Ok(kinds)
    }
}

/// One kind with a built-in schema, for `sealgate schemas list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownKind {
    /// `kubernetes`, `built-in` (SealedSecret, ConstraintTemplate) or the catalog project's name.
    pub source: String,
    pub version: String,
    pub api_version: String,
    pub kind: String,
}

/// Every kind with a schema in the binary: the Kubernetes version's built-ins, the built-in CRDs
/// and the CRD catalog, in that order (the order `validate` looks them up in is CRDs, catalog,
/// Kubernetes; no kind is in two of them).
pub fn known_kinds(kubernetes_version: Option<&str>) -> Result<Vec<KnownKind>, SchemaError> {
    let set = SchemaSet::new(SchemaOptions {
        kubernetes_version: kubernetes_version.map(str::to_owned),
        ..SchemaOptions::default()
    })?;
    let mut out: Vec<KnownKind> = set
        .builtin_kinds()?
        .into_iter()
        .map(|(api_version, kind)| KnownKind {
            source: "kubernetes".to_owned(),
            version: set.kubernetes_version().to_owned(),
            api_version,
            kind,
        })
        .collect();
    let mut crds: Vec<KnownKind> = set
        .crds
        .keys()
        .map(|(api_version, kind)| KnownKind {
            source: "built-in".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            api_version: api_version.clone(),
            kind: kind.clone(),
        })
        .collect();
    crds.sort_by(|a, b| (&a.api_version, &a.kind).cmp(&(&b.api_version, &b.kind)));
    out.extend(crds);
    let projects = catalog::catalog_projects().map_err(|message| SchemaError::Embedded {
        version: "CRD catalog".to_owned(),
        message,
    })?;
    for project in projects {
        for key in &project.kinds {
            let (api_version, kind) = key.split_once(' ').unwrap_or((key, ""));
            out.push(KnownKind {
                source: project.name.clone(),
                version: project.version.clone(),
                api_version: api_version.to_owned(),
                kind: kind.to_owned(),
            });
        }
    }
    Ok(out)
}

fn append_enum(prop: Option<&mut Value>, value: Value) {
    let Some(Value::Object(map)) = prop else {
        return;
    };
    let list = map
        .entry("enum")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = list
        && !items.contains(&value)
    {
        items.push(value);
    }
}

fn compile(schema: &Value, origin: &str) -> Lookup {
    match compile::compile(schema) {
        Ok(compiled) => Lookup::Found(compiled),
        Err(message) => Lookup::Broken {
            origin: origin.to_owned(),
            message,
        },
    }
}

/// A CRD's compiled schema judges objects as the API server prepares them (see `admission`).
fn for_custom_resources(lookup: Lookup, raw: &Value) -> Lookup {
    match lookup {
        Lookup::Found(mut compiled) => {
            compiled.crd_schema = Some(raw.clone());
            Lookup::Found(compiled)
        }
        other => other,
    }
}

pub(super) fn schema_findings(
    validator: &jsonschema::Validator,
    doc: &Document,
    instance: &Value,
) -> Vec<Finding> {
    // Most documents are valid: the boolean check stops early and builds no error values.
    if validator.is_valid(instance) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for error in validator.iter_errors(instance) {
        let pointer = error.instance_path().as_str().to_owned();
        if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
            for key in unexpected {
                let mut at = pointer.clone();
                push_pointer_segment(&mut at, key);
                let message =
                    format!("unknown field {key:?} (not in the schema; strict mode refuses it)");
                out.push(Finding::at(
                    Severity::Error,
                    check::SCHEMA,
                    message,
                    doc,
                    &at,
                ));
            }
            continue;
        }
        let shown = if pointer.is_empty() {
            "/".to_owned()
        } else {
            pointer.clone()
        };
        // jsonschema's message quotes the instance: a secret value is described by type only
        let secret = redact::touches_secret(doc.kind(), &pointer);
        let value = if secret {
            format!(
                "a {} (value not shown)",
                redact::type_name(error.instance())
            )
        } else {
            error.instance().to_string()
        };
        let message = if let Some(message) = quantity::message(error.kind(), &value) {
            message
        } else if secret {
            redacted_message(error.kind(), error.instance())
        } else {
            error.to_string()
        };
        out.push(Finding::at(
            Severity::Error,
            check::SCHEMA,
            one_line(&format!("{shown}: {message}")),
            doc,
            &pointer,
        ));
    }
    out
}

/// What is wrong with a secret value, without the value: its type and what the schema wants.
fn redacted_message(kind: &ValidationErrorKind, instance: &Value) -> String {
    let found = redact::type_name(instance);
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("a {found} (value not shown), expected {expected}")
        }
        other => format!(
            "a {found} (value not shown) that fails the schema's {:?} rule",
            other.keyword()
        ),
    }
}

pub(super) fn diagnostics(doc: &Document, strict: bool) -> Vec<Finding> {
    doc.diagnostics()
        .iter()
        .map(|d: &Diagnostic| {
            let (severity, id) = match d.kind {
                DiagnosticKind::DuplicateKey { .. } if strict => {
                    (Severity::Error, check::DUPLICATE_KEY)
                }
                DiagnosticKind::DuplicateKey { .. } => (Severity::Warning, check::DUPLICATE_KEY),
                DiagnosticKind::Yaml11Boolean { .. } => (Severity::Warning, check::YAML11_BOOLEAN),
            };
            let message = match &d.kind {
                DiagnosticKind::Yaml11Boolean { .. } if redact::touches_secret(doc.kind(), &d.pointer) => format!(
                    "an unquoted YAML 1.1 boolean word (value not shown) at {} is read by Kubernetes as a boolean; quote it if a string is meant",
                    d.pointer
                ),
                _ => d.to_string(),
            };
            let mut f = Finding::new(severity, id, message, &Subject::of(doc));
            f.subject.line = d.line;
            f.column = Some(d.column);
            f.path = Some(d.pointer.clone());
            f
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests;
