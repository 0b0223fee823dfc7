//! Gatekeeper: ConstraintTemplates compiled once each, Constraints matched per object, reviews shaped like gator's.

pub(crate) mod expansion;
pub(crate) mod matching;

use std::collections::BTreeMap;
use std::time::Duration;

use regorus::{Engine, Value as RegoValue};
use serde_json::{Value, json};

use super::engine::{self, RegoVersion};
use super::error::RegoError;
use super::{Level, PolicyFinding};
use matching::{MatchError, Target};

const TEMPLATE_GROUP: &str = "templates.gatekeeper.sh/";
const CONSTRAINT_GROUP: &str = "constraints.gatekeeper.sh/";
const TARGET: &str = "admission.k8s.gatekeeper.sh";

pub(crate) fn is_template(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("ConstraintTemplate")
        && v.get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with(TEMPLATE_GROUP))
}

pub(crate) fn is_constraint(v: &Value) -> bool {
    v.get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|a| a.starts_with(CONSTRAINT_GROUP))
}

/// ConstraintTemplates, Constraints and ExpansionTemplates are policy, wherever they are found.
pub(crate) fn is_policy_object(v: &Value) -> bool {
    is_template(v) || is_constraint(v) || expansion::is_expansion_template(v)
}

pub(super) fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
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
    let package = engine::add_policy(&mut engine, &format!("{file}#{name}"), &rego, v0)?;
    for (i, lib) in libs.iter().enumerate() {
        engine::add_policy(&mut engine, &format!("{file}#{name}/libs[{i}]"), lib, v0)?;
    }
    let uses_inventory = rego.contains("inventory") || libs.iter().any(|l| l.contains("inventory"));
    Ok(Template {
        name,
        kind,
        query: format!("{package}.violation"),
        engine,
        uses_inventory,
    })
}

/// A Constraint: which template, which parameters, which objects, and what a violation means.
#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub kind: String,
    pub name: String,
    pub file: String,
    /// `input.parameters`, converted once for every review.
    pub parameters: RegoValue,
    pub matcher: Option<Value>,
    /// `None`: a scoped constraint with no action for gator's enforcement point (not evaluated).
    pub level: Option<Level>,
    pub action: String,
}

pub(crate) fn read_constraint(file: &str, value: &Value) -> Constraint {
    let action = match text(value, "/spec/enforcementAction") {
        "" => "deny".to_string(),
        a => a.to_string(),
    };
    let level = enforcement_level(value, &action);
    Constraint {
        kind: text(value, "/kind").to_string(),
        name: text(value, "/metadata/name").to_string(),
        file: file.to_string(),
        parameters: value
            .pointer("/spec/parameters")
            .filter(|p| !p.is_null())
            .map_or_else(RegoValue::new_object, engine::from_json),
        matcher: value
            .pointer("/spec/match")
            .filter(|m| !m.is_null())
            .cloned(),
        level,
        action,
    }
}

/// deny → failure, warn → warning, dryrun → reported only. `scoped` takes the actions listed for
/// gator's enforcement point (or `*`), the strictest when several apply; `None` when no scoped
/// action names gator, in which case gator does not evaluate the constraint at all.
fn enforcement_level(value: &Value, action: &str) -> Option<Level> {
    let of = action_level;
    if action != "scoped" {
        return Some(of(action));
    }
    let scoped = value
        .pointer("/spec/scopedEnforcementActions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    scoped
        .iter()
        .filter(|s| {
            s.get("enforcementPoints")
                .and_then(Value::as_array)
                .is_some_and(|points| {
                    points
                        .iter()
                        .any(|p| matches!(text(p, "/name"), "*" | "gator.gatekeeper.sh"))
                })
        })
        .map(|s| of(text(s, "/action")))
        .min()
}

/// gator fails the run only for `deny` (or no action); anything else is reported and passes.
fn action_level(action: &str) -> Level {
    match action {
        "deny" | "" => Level::Failure,
        "warn" => Level::Warning,
        _ => Level::DryRun,
    }
}

/// `data.inventory` as gator fills it: `cluster[apiVersion][kind][name]`, `namespace[ns][apiVersion][kind][name]`.
/// Built straight into regorus values (each object read once, nothing deep-copied in between).
pub(crate) fn inventory<'a>(objects: impl Iterator<Item = &'a Value>) -> RegoValue {
    type ByApi<'a> = BTreeMap<&'a str, BTreeMap<&'a str, BTreeMap<&'a str, &'a Value>>>;
    let mut cluster: ByApi<'a> = BTreeMap::new();
    let mut namespaced: BTreeMap<&'a str, ByApi<'a>> = BTreeMap::new();
    for obj in objects {
        let (api, kind, name) = (
            text(obj, "/apiVersion"),
            text(obj, "/kind"),
            text(obj, "/metadata/name"),
        );
        if api.is_empty() || kind.is_empty() || matching::group_version(api).1.is_empty() {
            continue;
        }
        let root = match text(obj, "/metadata/namespace") {
            "" => &mut cluster,
            ns => namespaced.entry(ns).or_default(),
        };
        root.entry(api)
            .or_default()
            .entry(kind)
            .or_default()
            .insert(name, obj);
    }
    let by_api = |m: ByApi<'_>| {
        object(m, |by_kind| {
            object(by_kind, |by_name| object(by_name, engine::from_json))
        })
    };
    let inventory = record([
        ("cluster", by_api(cluster)),
        ("namespace", object(namespaced, by_api)),
    ]);
    record([("inventory", inventory)])
}

/// A regorus object with string keys, each value converted by `value`.
fn object<'a, V>(
    entries: impl IntoIterator<Item = (&'a str, V)>,
    value: impl Fn(V) -> RegoValue,
) -> RegoValue {
    RegoValue::from(
        entries
            .into_iter()
            .map(|(k, v)| (RegoValue::from(k), value(v)))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn record<const N: usize>(fields: [(&str, RegoValue); N]) -> RegoValue {
    object(fields, |v| v)
}

/// `input.review` for a plain object, as gator builds it (an AdmissionRequest without operation or user),
/// or the `request` of an `admission.k8s.io` AdmissionReview given as the object.
pub(crate) fn review(object: &Value, namespace: Option<&Value>) -> RegoValue {
    let namespace_object = namespace.map_or(RegoValue::Null, engine::from_json);
    if text(object, "/kind") == "AdmissionReview"
        && matching::group_version(text(object, "/apiVersion")).0 == "admission.k8s.io"
        && let Some(request) = object.get("request")
    {
        let mut req = engine::from_json(request);
        if let Ok(m) = req.as_object_mut() {
            // A DELETE reviews the old object (gatekeeper's setObjectOnDelete).
            if text(request, "/operation") == "DELETE"
                && request.get("object").is_none_or(Value::is_null)
                && let Some(old) = request.get("oldObject")
            {
                m.insert(RegoValue::from("object"), engine::from_json(old));
            }
            m.insert(RegoValue::from("namespaceObject"), namespace_object);
        }
        return req;
    }
    let (group, version) = matching::group_version(text(object, "/apiVersion"));
    let s = RegoValue::from;
    let mut r: BTreeMap<&str, RegoValue> = BTreeMap::new();
    r.insert("uid", s(""));
    r.insert(
        "kind",
        record([
            ("group", s(group)),
            ("version", s(version)),
            ("kind", s(text(object, "/kind"))),
        ]),
    );
    r.insert(
        "resource",
        record([("group", s("")), ("version", s("")), ("resource", s(""))]),
    );
    let name = text(object, "/metadata/name");
    if !name.is_empty() {
        r.insert("name", s(name));
    }
    let ns = text(object, "/metadata/namespace");
    if !ns.is_empty() {
        r.insert("namespace", s(ns));
    }
    r.insert("operation", s(""));
    r.insert("userInfo", RegoValue::new_object());
    r.insert("object", engine::from_json(object));
    r.insert("oldObject", RegoValue::Null);
    r.insert("options", RegoValue::Null);
    r.insert("namespaceObject", namespace_object);
    self::object(r, |v| v)
}

/// The object a review is about, for matching (an AdmissionReview's object or old object).
fn reviewed_object(object: &Value) -> &Value {
    if object.get("kind").and_then(Value::as_str) == Some("AdmissionReview") {
        if let Some(o) = object.pointer("/request/object").filter(|o| !o.is_null()) {
            return o;
        }
        if let Some(o) = object
            .pointer("/request/oldObject")
            .filter(|o| !o.is_null())
        {
            return o;
        }
    }
    object
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
        let t = compile_template(file, value, timeout)?;
        self.templates.insert(t.kind.clone(), t);
        Ok(())
    }

    /// A constraint replaces an earlier one of the same kind and name (the same file given both as
    /// `--policy` and as input, or a later version), as the API server would keep only one.
    pub fn add_constraint(&mut self, file: &str, value: &Value) {
        let c = read_constraint(file, value);
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
                        object: reviewed_object(object),
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
        namespace: Option<&Value>,
        doc: Option<usize>,
        subject: &str,
        timeout: Duration,
    ) -> Result<Vec<PolicyFinding>, RegoError> {
        let mut findings = self.check(engines, object, namespace, doc, subject, timeout)?;
        // An object without a kind cannot match an `applyTo` (its schema check reports it).
        if self.expansions.is_empty() || matches!(text(object, "/kind"), "" | "AdmissionReview") {
            return Ok(findings);
        }
        let resultants = expansion::expand(object, namespace, &self.expansions).map_err(|e| {
            RegoError::Gatekeeper {
                file: subject.to_string(),
                what: "resource",
                name: text(object, "/metadata/name").to_string(),
                message: format!("expanding it: {e}"),
            }
        })?;
        for r in resultants {
            for mut f in self.check(engines, &r.object, namespace, doc, subject, timeout)? {
                f.message = format!("[Implied by {}] {}", r.template, f.message);
                // Only violations carry an action ("not evaluated" notes keep theirs).
                if !r.enforcement_action.is_empty()
                    && let Some(action) = f.metadata.get_mut("enforcementAction")
                {
                    *action = json!(r.enforcement_action);
                    f.level = action_level(&r.enforcement_action);
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
        namespace: Option<&Value>,
        doc: Option<usize>,
        subject: &str,
        timeout: Duration,
    ) -> Result<Vec<PolicyFinding>, RegoError> {
        let mut findings = Vec::new();
        let target = Target {
            object: reviewed_object(object),
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
                .get_or_insert_with(|| review(object, namespace))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn inventory_is_shaped_like_gator() {
        let objs = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "a"}}),
        ];
        let inv = engine::to_json(&inventory(objs.iter()));
        assert_eq!(
            inv.pointer("/inventory/cluster/v1/Namespace/a/metadata/name"),
            Some(&json!("a"))
        );
        assert_eq!(
            inv.pointer("/inventory/namespace/a/apps~1v1/Deployment/d/kind"),
            Some(&json!("Deployment"))
        );
    }

    #[test]
    fn review_of_a_plain_object() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "a"}});
        let r = engine::to_json(&review(&obj, None));
        assert_eq!(
            r["kind"],
            json!({"group": "apps", "version": "v1", "kind": "Deployment"})
        );
        assert_eq!(r["name"], json!("d"));
        assert_eq!(r["namespace"], json!("a"));
        assert_eq!(r["object"], obj);
        assert_eq!(r["namespaceObject"], Value::Null);
        assert_eq!(r["uid"], json!(""));
        assert_eq!(r["oldObject"], Value::Null);
    }

    #[test]
    fn review_of_an_admission_review_delete_takes_the_old_object() {
        let old =
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "a"}});
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}});
        let ar = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"operation": "DELETE", "oldObject": old, "userInfo": {"username": "u"}}});
        let r = engine::to_json(&review(&ar, Some(&ns)));
        assert_eq!(r["object"], old);
        assert_eq!(r["userInfo"], json!({"username": "u"}));
        assert_eq!(r["namespaceObject"], ns);
    }

    #[test]
    fn scoped_enforcement_takes_the_gator_point() {
        let c = json!({"spec": {"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "warn", "enforcementPoints": [{"name": "gator.gatekeeper.sh"}]},
            {"action": "deny", "enforcementPoints": [{"name": "audit.gatekeeper.sh"}]}]}});
        assert_eq!(read_constraint("f", &c).level, Some(Level::Warning));
        let c = json!({"spec": {"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "warn", "enforcementPoints": [{"name": "validation.gatekeeper.sh"}]}]}});
        assert_eq!(read_constraint("f", &c).level, None);
    }
}
