//! `RegoGate`: policies loaded and compiled once, then every document evaluated by parallel
//! workers, each with its own engine clones.

use std::collections::BTreeMap;

use rayon::prelude::*;
use regorus::Engine;
use serde_json::{Value, json};

use super::capabilities::Capabilities;
use super::data::{cert_data, merge_data, merge_value};
use super::engine::{self, RegoVersion};
use super::error::RegoError;
use super::glob::namespace_glob;
use super::module_set::ModuleSet;
use super::types::{DocOutcome, Evaluation, InputDoc, RegoOptions};
use super::{conftest, conftest_builtins, gatekeeper, load};

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

impl RegoGate {
    /// Reads, parses and compiles everything the options name. Syntax errors carry file:line:col.
    pub fn load(options: RegoOptions) -> Result<Self, RegoError> {
        // a bad capabilities file is the run's first error, before any policy is read
        let capabilities = options
            .capabilities
            .as_deref()
            .map(Capabilities::read)
            .transpose()?;
        let material = load::collect(&options.policies)?;
        let mut gatekeeper = gatekeeper::Gatekeeper::default();
        let objects = material.objects.iter().map(|o| (o.file.as_str(), &o.value));
        add_policy_objects(&mut gatekeeper, objects, &options)?;

        let mut engine = None;
        let mut namespaces = Vec::new();
        let mut base_data = json!({});
        let mut wants_file_info = false;
        if !material.rego.is_empty() {
            let mut e = engine::new_engine(options.timeout)?;
            let mut builtin_packages = Vec::new();
            let v0_of =
                |file: &load::RegoFile| !file.builtin && options.rego_version == RegoVersion::V0;
            let module_set = ModuleSet::of(
                material
                    .rego
                    .iter()
                    .map(|f| (f.path.as_str(), f.text.as_str(), v0_of(f))),
            );
            for file in &material.rego {
                let v0 = v0_of(file);
                let package = engine::add_policy_within(
                    &mut e,
                    &file.path,
                    &file.text,
                    v0,
                    &module_set,
                    options.timeout,
                )?;
                if file.builtin {
                    builtin_packages.push(package.trim_start_matches("data.").to_string());
                }
                // A substring test errs on the safe side: a policy that merely mentions
                // "conftest" gets the file info it does not read, never the other way round.
                wants_file_info |= file.text.contains("conftest");
            }
            super::capabilities::check(capabilities.as_ref(), &material, v0_of)?;
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

            conftest_builtins::register(
                &mut e,
                load::file_access(&material.rego, &options.data, &options.allow_file_access),
                options.parsers.clone(),
            )?;
            conftest::refuse_keyed_rules_without_value(&mut e)?;
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

    /// Evaluates every document on the current rayon pool (each worker with its own engine
    /// clones); outcomes come back in document order, and an error is the first document's that
    /// failed. ConstraintTemplates and Constraints among the documents join the policies for
    /// this run.
    pub fn evaluate(&self, docs: &[InputDoc<'_>]) -> Result<Evaluation, RegoError> {
        let mut gk = self.gatekeeper.clone();
        let objects = docs.iter().map(|d| (d.file, d.value));
        add_policy_objects(&mut gk, objects, &self.options)?;
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
        // Matching every object is the one pass over all of them before evaluation: spread it too.
        let reads_inventory = gk.templates.values().any(|t| t.uses_inventory);
        let needs_inventory = reads_inventory
            && docs.par_chunks(INVENTORY_CHUNK).any(|part| {
                gk.needs_inventory(
                    part.iter()
                        .map(|d| (d.value, namespace_of(&namespaces, d.value))),
                )
            });
        if needs_inventory {
            gk.set_inventory(&gatekeeper::inventory(docs.iter().map(|d| d.value)))?;
        }

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
            );
            combined = Some(DocOutcome {
                findings: o.findings,
                errors: o.errors,
                evaluated: o.evaluated,
                successes: o.successes,
                exceptions: o.exceptions,
            });
        }

        let gk = &gk;
        let namespaces = &namespaces;
        let outcomes: Vec<Result<DocOutcome, RegoError>> = docs
            .par_iter()
            .enumerate()
            .map_init(
                || Worker {
                    engine: if self.options.combine {
                        None
                    } else {
                        self.engine.clone()
                    },
                    gatekeeper: gk.engines(),
                    current_file: None,
                },
                |worker, (index, doc)| self.evaluate_one(worker, gk, namespaces, index, doc),
            )
            .collect();
        let mut evaluation = Evaluation {
            docs: outcomes.into_iter().collect::<Result<_, _>>()?,
            combined,
        };
        nothing_judged(&mut evaluation)?;
        Ok(evaluation)
    }

    fn evaluate_one<'d>(
        &self,
        worker: &mut Worker<'d>,
        gk: &gatekeeper::Gatekeeper,
        namespaces: &BTreeMap<&str, &Value>,
        index: usize,
        doc: &InputDoc<'d>,
    ) -> Result<DocOutcome, RegoError> {
        let timeout = self.options.timeout;
        let subject = format!("{}:{}", doc.file, doc.line);
        let mut outcome = DocOutcome::default();
        if let Some(engine) = worker.engine.as_mut() {
            if self.wants_file_info && worker.current_file != Some(doc.file) {
                self.set_file_info(engine, doc.file)?;
                worker.current_file = Some(doc.file);
            }
            engine.set_input(engine::from_json(doc.value));
            let o = conftest::check(engine, &self.namespaces, &subject, Some(index), timeout);
            outcome.findings = o.findings;
            outcome.errors = o.errors;
            outcome.evaluated = o.evaluated;
            outcome.successes = o.successes;
            outcome.exceptions = o.exceptions;
        }
        if !gk.is_empty() {
            let review = gatekeeper::ReviewCtx {
                namespace: namespace_of(namespaces, doc.value),
                doc: Some(index),
                subject: &subject,
                timeout,
            };
            let found = gk.review(&mut worker.gatekeeper, doc.value, &review)?;
            outcome.findings.extend(found);
            // Gatekeeper reports a template's evaluation error as a violation: always judged.
            outcome.evaluated += 1;
        }
        Ok(outcome)
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

/// A run where every rule failed for every document judged nothing: that is the run's error
/// (exit 2, the first rule's error as it is), not a report of errors. As soon as one rule
/// evaluated, errors are per rule and document.
fn nothing_judged(evaluation: &mut Evaluation) -> Result<(), RegoError> {
    if evaluation
        .docs
        .iter()
        .chain(evaluation.combined.iter())
        .any(|o| o.evaluated > 0)
    {
        return Ok(());
    }
    match evaluation
        .combined
        .iter_mut()
        .chain(evaluation.docs.iter_mut())
        .find_map(|o| (!o.errors.is_empty()).then(|| o.errors.swap_remove(0)))
    {
        Some(e) => Err(e.error),
        None => Ok(()),
    }
}

/// Documents per inventory-matching task: big enough that a task outweighs its scheduling.
const INVENTORY_CHUNK: usize = 256;

/// One worker's engine clones (a clone is cheap next to an evaluation, but not free: one per
/// rayon task, not per document), and the file whose info its conftest engine holds.
struct Worker<'d> {
    engine: Option<Engine>,
    gatekeeper: BTreeMap<String, Engine>,
    current_file: Option<&'d str>,
}

/// ConstraintTemplates first, then Constraints and ExpansionTemplates (a constraint needs its
/// template's kind), whether they come from `--policy` folders or from the inputs.
fn add_policy_objects<'a>(
    gk: &mut gatekeeper::Gatekeeper,
    objects: impl Iterator<Item = (&'a str, &'a Value)> + Clone,
    options: &RegoOptions,
) -> Result<(), RegoError> {
    for (file, value) in objects.clone().filter(|(_, v)| gatekeeper::is_template(v)) {
        gk.add_template(file, value, options.timeout)?;
    }
    for (file, value) in objects
        .clone()
        .filter(|(_, v)| gatekeeper::is_constraint(v))
    {
        gk.add_constraint(file, value);
    }
    for (file, value) in objects.filter(|(_, v)| gatekeeper::expansion::is_expansion_template(v)) {
        gk.add_expansion(file, value)?;
    }
    Ok(())
}

/// The Namespace object of a namespaced object, when the inputs contain it.
fn namespace_of<'a>(namespaces: &BTreeMap<&str, &'a Value>, object: &Value) -> Option<&'a Value> {
    object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .and_then(|n| namespaces.get(n).copied())
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
