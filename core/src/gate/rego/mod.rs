//! The Rego side of the gate: conftest-style packages and Gatekeeper constraints, compiled once, run in parallel.

mod builtin;
pub mod cases;
mod conftest;
mod conftest_builtins;
mod engine;
mod error;
mod findings;
pub(crate) mod gatekeeper;
mod load;
mod shadowing;
pub mod suite;
pub mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use regex::Regex;
use regorus::Engine;
use serde_json::{Value, json};

pub use builtin::{BuiltinPolicy, builtin_policies};
pub use engine::RegoVersion;
pub use error::RegoError;
pub use gatekeeper::matching::MatchError;
pub use load::PolicySource;

/// How bad a policy result is: conftest `deny`/`violation` and Gatekeeper `deny` fail the run,
/// `warn` does not (unless the caller says so), Gatekeeper `dryrun` is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Failure,
    Warning,
    DryRun,
}

/// One policy result about one input document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFinding {
    /// Index of the document in the slice given to [`RegoGate::evaluate`]; `None` in combine mode.
    pub doc: Option<usize>,
    pub level: Level,
    /// `main.deny_latest`, `sealgate.no_plaintext_secrets.deny`, or `K8sRequiredLabels/must-have-owner`.
    pub policy: String,
    pub message: String,
    /// A position the policy chose itself (conftest `_loc`), which overrides the document's.
    pub location: Option<(String, usize)>,
    /// Everything else the policy returned (conftest metadata with `query`, Gatekeeper `details`).
    pub metadata: Value,
}

/// Counts and findings for one input document (or the combined input).
#[derive(Debug, Default, Clone)]
pub struct DocOutcome {
    pub findings: Vec<PolicyFinding>,
    /// conftest-style passed checks (successes as conftest counts them).
    pub successes: usize,
    /// Results waived by an `exception` rule.
    pub exceptions: usize,
}

/// The result of one run: one outcome per input document, plus the combined input's in combine mode.
#[derive(Debug, Default, Clone)]
pub struct Evaluation {
    pub docs: Vec<DocOutcome>,
    pub combined: Option<DocOutcome>,
}

impl Evaluation {
    /// Every finding, documents first.
    pub fn findings(&self) -> impl Iterator<Item = &PolicyFinding> {
        self.docs
            .iter()
            .chain(self.combined.iter())
            .flat_map(|o| o.findings.iter())
    }
}

/// One input document as the gate sees it: its parsed value and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct InputDoc<'a> {
    pub file: &'a str,
    pub line: usize,
    pub value: &'a Value,
}

/// What `--policy`, `--data`, `--namespace`… asked for.
#[derive(Debug, Clone)]
pub struct RegoOptions {
    pub policies: Vec<PolicySource>,
    pub data: Vec<PathBuf>,
    /// conftest `--namespace` (globs allowed); empty means `main`.
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub rego_version: RegoVersion,
    /// conftest `--combine`: one evaluation with `input` = `[{path, contents}]`.
    pub combine: bool,
    /// Wall-clock limit for a single rule evaluation.
    pub timeout: Duration,
    /// Extra data for the built-in policies, placed under `data.sealgate` (e.g. the sealing cert's key size).
    pub builtin_data: Value,
    /// The sealing certificate (PEM): `data.sealgate.cert.modulus_bytes` lets sealedsecret-sanity
    /// check that every blob was sealed for this cert's key size.
    pub sealing_cert: Option<PathBuf>,
}

impl Default for RegoOptions {
    fn default() -> Self {
        Self {
            policies: Vec::new(),
            data: Vec::new(),
            namespaces: Vec::new(),
            all_namespaces: false,
            rego_version: RegoVersion::V1,
            combine: false,
            timeout: Duration::from_secs(5),
            builtin_data: json!({}),
            sealing_cert: None,
        }
    }
}

/// Compiled policies: parse and compile once, then [`RegoGate::evaluate`] clones one engine per worker.
#[derive(Clone)]
pub struct RegoGate {
    engine: Option<Engine>,
    namespaces: Vec<conftest::Namespace>,
    gatekeeper: gatekeeper::Gatekeeper,
    /// `data.conftest.file` is only injected when some policy mentions it (it costs a data reset per file).
    wants_file_info: bool,
    base_data: Value,
    options: RegoOptions,
}

impl std::fmt::Debug for RegoGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegoGate")
            .field(
                "namespaces",
                &self.namespaces.iter().map(|n| &n.name).collect::<Vec<_>>(),
            )
            .field("constraints", &self.gatekeeper.constraints.len())
            .finish()
    }
}

/// Turns a `--namespace` glob (Go `path.Match`: `*`, `?`, `[…]`, no `/`) into a regex.
fn namespace_glob(pattern: &str) -> Result<Regex, RegoError> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    re.push('^');
                }
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    if c == '\\' || c == '[' {
                        re.push('\\');
                    }
                    re.push(c);
                }
                re.push(']');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).map_err(|e| RegoError::NamespacePattern {
        pattern: pattern.to_string(),
        message: e.to_string(),
    })
}

impl RegoGate {
    /// Reads, parses and compiles everything the options name. Syntax errors carry file:line:col.
    pub fn load(options: RegoOptions) -> Result<Self, RegoError> {
        let material = load::collect(&options.policies)?;
        let mut gatekeeper = gatekeeper::Gatekeeper::default();
        for obj in material
            .objects
            .iter()
            .filter(|o| gatekeeper::is_template(&o.value))
        {
            gatekeeper.add_template(&obj.file, &obj.value, options.timeout)?;
        }
        for obj in material
            .objects
            .iter()
            .filter(|o| gatekeeper::is_constraint(&o.value))
        {
            gatekeeper.add_constraint(&obj.file, &obj.value);
        }
        for obj in material
            .objects
            .iter()
            .filter(|o| gatekeeper::expansion::is_expansion_template(&o.value))
        {
            gatekeeper.add_expansion(&obj.file, &obj.value)?;
        }

        let mut engine = None;
        let mut namespaces = Vec::new();
        let mut base_data = json!({});
        let mut wants_file_info = false;
        if !material.rego.is_empty() {
            let mut e = engine::new_engine(options.timeout)?;
            let mut builtin_packages = Vec::new();
            for file in &material.rego {
                let v0 = !file.builtin && options.rego_version == RegoVersion::V0;
                let package = engine::add_policy(&mut e, &file.path, &file.text, v0)?;
                if file.builtin {
                    builtin_packages.push(package.trim_start_matches("data.").to_string());
                }
                wants_file_info |= file.text.contains("conftest");
            }
            for (path, doc) in load::collect_data(&options.data)? {
                merge_data(&mut e, &path, &doc)?;
                merge_value(&mut base_data, doc);
            }
            let mut builtin_data = options.builtin_data.clone();
            if let Some(path) = &options.sealing_cert {
                merge_value(&mut builtin_data, cert_data(path)?);
            }
            let sealgate = json!({"sealgate": builtin_data});
            merge_data(&mut e, "builtin data", &sealgate)?;
            merge_value(&mut base_data, sealgate);

            conftest_builtins::register(&mut e, load::policy_dirs(&material.rego))?;
            let declared = engine::declared_rules(&mut e)?;
            let selected = select_namespaces(&options, &declared, &builtin_packages)?;
            namespaces = selected
                .iter()
                .map(|ns| conftest::Namespace::from_package(ns, declared.get(ns)))
                .collect();
            engine = Some(e);
        }
        Ok(Self {
            engine,
            namespaces,
            gatekeeper,
            wants_file_info,
            base_data,
            options,
        })
    }

    /// Names of the conftest-style packages that will be queried.
    pub fn namespaces(&self) -> Vec<String> {
        self.namespaces.iter().map(|n| n.name.clone()).collect()
    }

    /// Evaluates every document with `jobs` workers (each with its own engine clones).
    /// ConstraintTemplates and Constraints among the documents join the policies for this run.
    pub fn evaluate(&self, docs: &[InputDoc<'_>], jobs: usize) -> Result<Evaluation, RegoError> {
        let mut gk = self.gatekeeper.clone();
        for d in docs.iter().filter(|d| gatekeeper::is_template(d.value)) {
            gk.add_template(d.file, d.value, self.options.timeout)?;
        }
        for d in docs.iter().filter(|d| gatekeeper::is_constraint(d.value)) {
            gk.add_constraint(d.file, d.value);
        }
        for d in docs
            .iter()
            .filter(|d| gatekeeper::expansion::is_expansion_template(d.value))
        {
            gk.add_expansion(d.file, d.value)?;
        }
        gk.check_complete()?;
        let namespaces: BTreeMap<&str, &Value> = docs
            .iter()
            .filter(|d| {
                d.value.get("kind").and_then(Value::as_str) == Some("Namespace")
                    && d.value.get("apiVersion").and_then(Value::as_str) == Some("v1")
            })
            .filter_map(|d| {
                d.value
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .map(|n| (n, d.value))
            })
            .collect();
        // Matching every object is the one pass over all of them before the workers start: spread it too.
        let reads_inventory = gk.templates.values().any(|t| t.uses_inventory);
        let needs_inventory = reads_inventory
            && std::thread::scope(|scope| {
                let (gk, namespaces) = (&gk, &namespaces);
                let parts: Vec<_> = docs
                    .chunks(docs.len().div_ceil(jobs.max(1)).max(1))
                    .map(|part| {
                        scope.spawn(move || {
                            gk.needs_inventory(
                                part.iter()
                                    .map(|d| (d.value, namespace_of(namespaces, d.value))),
                            )
                        })
                    })
                    .collect();
                // A worker that died cannot say no: load the inventory to be safe.
                parts.into_iter().any(|h| h.join().unwrap_or(true))
            });
        if needs_inventory {
            gk.set_inventory(&gatekeeper::inventory(docs.iter().map(|d| d.value)))?;
        }

        let mut outcomes = vec![DocOutcome::default(); docs.len()];
        let mut combined = None;
        if self.options.combine
            && let Some(engine) = &self.engine
        {
            let mut engine = engine.clone();
            let input: Vec<Value> = docs
                .iter()
                .map(|d| json!({"path": d.file, "contents": d.value}))
                .collect();
            engine.set_input(engine::from_json(&Value::Array(input)));
            let o = conftest::check(
                &mut engine,
                &self.namespaces,
                "combined input",
                None,
                self.options.timeout,
            )?;
            combined = Some(DocOutcome {
                findings: o.findings,
                successes: o.successes,
                exceptions: o.exceptions,
            });
        }

        let jobs = jobs.clamp(1, docs.len().max(1));
        let chunk = docs.len().div_ceil(jobs).max(1);
        let gk = &gk;
        let namespaces = &namespaces;
        let results: Vec<Result<Vec<DocOutcome>, RegoError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = docs
                .chunks(chunk)
                .enumerate()
                .map(|(i, part)| {
                    scope.spawn(move || self.evaluate_chunk(gk, namespaces, part, i * chunk))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(RegoError::Worker)))
                .collect()
        });
        let mut index = 0;
        for part in results {
            for outcome in part? {
                if let Some(slot) = outcomes.get_mut(index) {
                    *slot = outcome;
                }
                index += 1;
            }
        }
        Ok(Evaluation {
            docs: outcomes,
            combined,
        })
    }

    fn evaluate_chunk(
        &self,
        gk: &gatekeeper::Gatekeeper,
        namespaces: &BTreeMap<&str, &Value>,
        docs: &[InputDoc<'_>],
        offset: usize,
    ) -> Result<Vec<DocOutcome>, RegoError> {
        let timeout = self.options.timeout;
        let mut engine = if self.options.combine {
            None
        } else {
            self.engine.clone()
        };
        let mut gk_engines = gk.engines();
        let mut current_file: Option<&str> = None;
        let mut out = Vec::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            let index = offset + i;
            let subject = format!("{}:{}", doc.file, doc.line);
            let mut outcome = DocOutcome::default();
            if let Some(engine) = engine.as_mut() {
                if self.wants_file_info && current_file != Some(doc.file) {
                    self.set_file_info(engine, doc.file)?;
                    current_file = Some(doc.file);
                }
                engine.set_input(engine::from_json(doc.value));
                let o = conftest::check(engine, &self.namespaces, &subject, Some(index), timeout)?;
                outcome.findings = o.findings;
                outcome.successes = o.successes;
                outcome.exceptions = o.exceptions;
            }
            if !gk.is_empty() {
                let ns = namespace_of(namespaces, doc.value);
                let found = gk.review(
                    &mut gk_engines,
                    doc.value,
                    ns,
                    Some(index),
                    &subject,
                    timeout,
                )?;
                outcome.findings.extend(found);
            }
            out.push(outcome);
        }
        Ok(out)
    }

    /// `data.conftest.file.{name,dir}` for the file being checked, on top of the run's data.
    fn set_file_info(&self, engine: &mut Engine, file: &str) -> Result<(), RegoError> {
        let path = std::path::Path::new(file);
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = abs
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut data = self.base_data.clone();
        merge_value(
            &mut data,
            json!({"conftest": {"file": {"name": name, "dir": dir}}}),
        );
        engine.clear_data();
        merge_data(engine, file, &data)
    }
}

/// The Namespace object of a namespaced object, when the inputs contain it.
fn namespace_of<'a>(namespaces: &BTreeMap<&str, &'a Value>, object: &Value) -> Option<&'a Value> {
    object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .and_then(|n| namespaces.get(n).copied())
}

/// What the built-in policies know about the sealing cert: its RSA modulus size and fingerprint.
fn cert_data(path: &std::path::Path) -> Result<Value, RegoError> {
    let pem = std::fs::read(path).map_err(|e| RegoError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let cert = crate::seal::SealingCert::inspect_pem(&pem).map_err(|e| RegoError::Cert {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(json!({"cert": {"modulus_bytes": cert.key_bits() / 8, "fingerprint": cert.fingerprint()}}))
}

fn select_namespaces(
    options: &RegoOptions,
    declared: &BTreeMap<String, engine::PackageRules>,
    builtin_packages: &[String],
) -> Result<Vec<String>, RegoError> {
    let mut selected: Vec<String> = Vec::new();
    let user_packages = declared.keys().filter(|p| !builtin_packages.contains(p));
    if options.all_namespaces {
        selected.extend(user_packages.cloned());
    } else if options
        .namespaces
        .iter()
        .any(|p| p.contains(['*', '?', '[']))
    {
        let globs = options
            .namespaces
            .iter()
            .map(|p| namespace_glob(p))
            .collect::<Result<Vec<_>, _>>()?;
        selected.extend(
            user_packages
                .filter(|p| globs.iter().any(|g| g.is_match(p)))
                .cloned(),
        );
    } else if options.namespaces.is_empty() {
        selected.push("main".to_string());
    } else {
        selected.extend(options.namespaces.iter().cloned());
    }
    for p in builtin_packages {
        if !selected.contains(p) {
            selected.push(p.clone());
        }
    }
    Ok(selected)
}

fn merge_data(engine: &mut Engine, path: &str, doc: &Value) -> Result<(), RegoError> {
    if !doc.is_object() {
        return Err(RegoError::Data {
            path: path.to_string(),
            message: "the top level must be a mapping (its keys become data.<key>)".to_string(),
        });
    }
    engine
        .add_data(engine::from_json(doc))
        .map_err(|e| RegoError::DataConflict {
            path: path.to_string(),
            message: load::one_line(&e.to_string()),
        })
}

/// Deep merge for the copy of `data` kept to re-inject `data.conftest.file`.
fn merge_value(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(slot) => merge_value(slot, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests;
