//! Gatekeeper: ConstraintTemplates compiled once each, Constraints matched per object, reviews shaped like gator's.

mod constraint;
pub(crate) mod expansion;
pub(crate) mod matching;
mod review;
mod template;

use std::collections::BTreeMap;
use std::time::Duration;

use regorus::{Engine, Value as RegoValue};
use serde_json::{Value, json};

use super::engine;
use super::error::RegoError;
use super::types::{Level, PolicyFinding};
use constraint::Constraint;
pub(crate) use constraint::is_constraint;
use matching::{MatchError, Target};
pub(crate) use review::{ReviewCtx, inventory};
pub(crate) use template::{Template, is_template, modules as template_modules};

/// ConstraintTemplates, Constraints and ExpansionTemplates are policy, wherever they are found.
pub(crate) fn is_policy_object(v: &Value) -> bool {
    is_template(v) || is_constraint(v) || expansion::is_expansion_template(v)
}

pub(super) fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The strings of a list field (other items are ignored, as Kubernetes' decoder would refuse them).
pub(super) fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Templates (by constraint kind) and their constraints, ready to review objects.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gatekeeper {
    pub templates: BTreeMap<String, Template>,
    pub constraints: Vec<Constraint>,
    /// Generator resources are expanded with these, and what they imply is reviewed too.
    pub expansions: Vec<expansion::ExpansionTemplate>,
}

impl Gatekeeper {
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    pub fn add_template(
        &mut self,
        file: &str,
        value: &Value,
        timeout: Duration,
    ) -> Result<(), RegoError> {
        let t = template::compile_template(file, value, timeout)?;
        self.templates.insert(t.kind.clone(), t);
        Ok(())
    }

    /// A constraint replaces an earlier one of the same kind and name (the same file given both as
    /// `--policy` and as input, or a later version), as the API server would keep only one.
    pub fn add_constraint(&mut self, file: &str, value: &Value) {
        let c = constraint::read_constraint(file, value);
        match self
            .constraints
            .iter_mut()
            .find(|o| o.kind == c.kind && o.name == c.name)
        {
            Some(slot) => *slot = c,
            None => self.constraints.push(c),
        }
    }

    pub fn add_expansion(&mut self, file: &str, value: &Value) -> Result<(), RegoError> {
        let t = expansion::read(value).map_err(|message| RegoError::Gatekeeper {
            file: file.to_string(),
            what: "ExpansionTemplate",
            name: text(value, "/metadata/name").to_string(),
            message,
        })?;
        match self.expansions.iter_mut().find(|o| o.name == t.name) {
            Some(slot) => *slot = t,
            None => self.expansions.push(t),
        }
        Ok(())
    }

    /// Every constraint needs its template; gator refuses the run otherwise.
    pub fn check_complete(&self) -> Result<(), RegoError> {
        for c in &self.constraints {
            if !self.templates.contains_key(&c.kind) {
                return Err(RegoError::Gatekeeper {
                    file: c.file.clone(),
                    what: "Constraint",
                    name: c.name.clone(),
                    message: format!("no ConstraintTemplate defines kind {:?}", c.kind),
                });
            }
        }
        Ok(())
    }

    /// Loads `data.inventory` into the templates that read it (once per run, before workers clone).
    pub fn set_inventory(&mut self, inventory: &RegoValue) -> Result<(), RegoError> {
        for t in self.templates.values_mut().filter(|t| t.uses_inventory) {
            t.engine
                .add_data(inventory.clone())
                .map_err(|e| RegoError::Runtime {
                    query: t.query.clone(),
                    subject: "data.inventory".to_string(),
                    message: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// Whether some constraint of a template that reads `data.inventory` applies to one of these
    /// objects (object, its Namespace); if none does, the inventory need not be built at all.
    pub fn needs_inventory<'a>(
        &self,
        mut objects: impl Iterator<Item = (&'a Value, Option<&'a Value>)>,
    ) -> bool {
        let readers: Vec<&Constraint> = self
            .constraints
            .iter()
            .filter(|c| c.level.is_some())
            .filter(|c| {
                self.templates
                    .get(&c.kind)
                    .is_some_and(|t| t.uses_inventory)
            })
            .collect();
        // What an ExpansionTemplate implies is only known while reviewing: assume it may apply.
        !readers.is_empty()
            && (!self.expansions.is_empty()
                || objects.any(|(object, namespace)| {
                    let target = Target {
                        object: review::reviewed_object(object),
                        namespace,
                    };
                    readers
                        .iter()
                        .any(|c| matching::matches(c.matcher.as_ref(), &target) == Ok(true))
                }))
    }

    /// Reviews one object, and the resources it implies (ExpansionTemplates), against every
    /// constraint, like gator: violations of an implied resource say `[Implied by <template>]` and
    /// take the template's enforcementAction when it sets one. The engines are this worker's clones.
    pub fn review(
        &self,
        engines: &mut BTreeMap<String, Engine>,
        object: &Value,
        ctx: &ReviewCtx<'_>,
    ) -> Result<Vec<PolicyFinding>, RegoError> {
        let mut findings = self.check(engines, object, ctx)?;
        // An object without a kind cannot match an `applyTo` (its schema check reports it).
        if self.expansions.is_empty() || matches!(text(object, "/kind"), "" | "AdmissionReview") {
            return Ok(findings);
        }
        let resultants =
            expansion::expand(object, ctx.namespace, &self.expansions).map_err(|e| {
                RegoError::Gatekeeper {
                    file: ctx.subject.to_string(),
                    what: "resource",
                    name: text(object, "/metadata/name").to_string(),
                    message: format!("expanding it: {e}"),
                }
            })?;
        for r in resultants {
            for mut f in self.check(engines, &r.object, ctx)? {
                f.message = format!("[Implied by {}] {}", r.template, f.message);
                // Only violations carry an action ("not evaluated" notes keep theirs).
                if !r.enforcement_action.is_empty()
                    && let Some(action) = f.metadata.get_mut("enforcementAction")
                {
                    *action = json!(r.enforcement_action);
                    f.level = constraint::action_level(&r.enforcement_action);
                }
                findings.push(f);
            }
        }
        Ok(findings)
    }

    /// One object against every constraint. `spec.match` is decided first: `input.review` is
    /// only built when some constraint applies.
    fn check(
        &self,
        engines: &mut BTreeMap<String, Engine>,
        object: &Value,
        ctx: &ReviewCtx<'_>,
    ) -> Result<Vec<PolicyFinding>, RegoError> {
        let ReviewCtx {
            namespace,
            doc,
            subject,
            timeout,
        } = *ctx;
        let mut findings = Vec::new();
        let target = Target {
            object: review::reviewed_object(object),
            namespace,
        };
        // Converted to a regorus value at most once per object, shared (reference-counted) by every constraint.
        let mut review_value: Option<RegoValue> = None;
        for c in &self.constraints {
            let Some(level) = c.level else { continue };
            let Some(template) = self.templates.get(&c.kind) else {
                continue;
            };
            let Some(engine) = engines.get_mut(&c.kind) else {
                continue;
            };
            let policy = || format!("{}/{}", c.kind, c.name);
            match matching::matches(c.matcher.as_ref(), &target) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e @ MatchError::MissingNamespace { .. }) => {
                    // Without the Namespace object the constraint cannot be decided; say so instead of guessing.
                    findings.push(PolicyFinding {
                        doc,
                        level: Level::Warning,
                        policy: policy(),
                        message: format!("not evaluated: {e}"),
                        location: None,
                        metadata: json!({"constraint": c.name, "kind": c.kind}),
                    });
                    continue;
                }
                Err(e) => {
                    return Err(RegoError::Gatekeeper {
                        file: c.file.clone(),
                        what: "Constraint",
                        name: c.name.clone(),
                        message: e.to_string(),
                    });
                }
            }
            let review = review_value
                .get_or_insert_with(|| review::review(object, namespace))
                .clone();
            let input: BTreeMap<RegoValue, RegoValue> = [
                (RegoValue::from("review"), review),
                (RegoValue::from("parameters"), c.parameters.clone()),
            ]
            .into_iter()
            .collect();
            engine.set_input(RegoValue::from(input));
            let mut found = |message: String, details: Value| {
                findings.push(PolicyFinding {
                    doc,
                    level,
                    policy: policy(),
                    message,
                    location: None,
                    metadata: json!({
                        "constraint": c.name,
                        "kind": c.kind,
                        "enforcementAction": c.action,
                        "details": details,
                    }),
                });
            };
            match engine::eval(engine, &template.query, subject, timeout) {
                Ok(None) => {}
                Ok(Some(violations)) => {
                    let items: Vec<&RegoValue> = match &violations {
                        RegoValue::Set(s) => s.iter().collect(),
                        RegoValue::Array(a) => a.iter().collect(),
                        _ => Vec::new(),
                    };
                    for v in items {
                        let Ok(msg) = v["msg"].as_string() else {
                            continue;
                        };
                        let details = match &v["details"] {
                            RegoValue::Undefined => json!({}),
                            d => engine::to_json(d),
                        };
                        found(msg.to_string(), details);
                    }
                }
                // Gatekeeper turns evaluation errors into a violation carrying the error text.
                Err(e) => found(e.to_string(), json!({})),
            }
        }
        Ok(findings)
    }

    /// One engine clone per template for a worker thread.
    pub fn engines(&self) -> BTreeMap<String, Engine> {
        self.templates
            .iter()
            .map(|(k, t)| (k.clone(), t.engine.clone()))
            .collect()
    }
}
