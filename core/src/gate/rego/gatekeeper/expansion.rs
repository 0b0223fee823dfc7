//! Gatekeeper ExpansionTemplates: a generator resource (a Deployment) expanded into the resources it implies (its Pod).
//!
//! Follows gatekeeper's `pkg/expansion` (v3.23): `applyTo` matches group, version and kind exactly;
//! the resultant is the map at `templateSource`, given the `generatedGVK`, the parent's namespace
//! (or the Namespace object's name), the name `<parent>-<kind>` lower-cased and an owner reference to
//! the parent; resultants are expanded again (depth limit 30). Their violations are reported with the
//! prefix `[Implied by <template>]` and, when the template sets one, its `enforcementAction`.

use serde_json::{Map, Value, json};

use super::matching::group_version;
use super::{string_list, text};

const GROUP: &str = "expansion.gatekeeper.sh/";
const MAX_DEPTH: usize = 30;

pub(crate) fn is_expansion_template(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("ExpansionTemplate")
        && v.get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with(GROUP))
}

/// Group, version, kind.
type Gvk<'a> = (&'a str, &'a str, &'a str);

#[derive(Debug, Clone, Default)]
struct ApplyTo {
    groups: Vec<String>,
    versions: Vec<String>,
    kinds: Vec<String>,
}

impl ApplyTo {
    fn matches(&self, (group, version, kind): Gvk<'_>) -> bool {
        self.groups.iter().any(|g| g == group)
            && self.versions.iter().any(|v| v == version)
            && self.kinds.iter().any(|k| k == kind)
    }
}

/// One ExpansionTemplate, checked the way gatekeeper's `ValidateTemplate` checks it.
#[derive(Debug, Clone)]
pub(crate) struct ExpansionTemplate {
    pub name: String,
    apply_to: Vec<ApplyTo>,
    source: Vec<String>,
    generated: (String, String, String),
    /// Replaces the constraint's action for violations of the resultants; empty keeps it.
    pub enforcement_action: String,
}

pub(crate) fn read(value: &Value) -> Result<ExpansionTemplate, String> {
    let name = text(value, "/metadata/name").to_string();
    if name.is_empty() {
        return Err("ExpansionTemplate has empty name field".to_string());
    }
    if name.len() >= 64 {
        return Err(format!(
            "ExpansionTemplate {name}: name must be less than 64 characters"
        ));
    }
    let source = text(value, "/spec/templateSource");
    if source.is_empty() {
        return Err(format!("ExpansionTemplate {name} has empty source field"));
    }
    let generated = (
        text(value, "/spec/generatedGVK/group").to_string(),
        text(value, "/spec/generatedGVK/version").to_string(),
        text(value, "/spec/generatedGVK/kind").to_string(),
    );
    if generated.1.is_empty() && generated.2.is_empty() && generated.0.is_empty() {
        return Err(format!(
            "ExpansionTemplate {name} has empty generatedGVK field"
        ));
    }
    let apply_to: Vec<ApplyTo> = value
        .pointer("/spec/applyTo")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|a| ApplyTo {
            groups: string_list(a.get("groups")),
            versions: string_list(a.get("versions")),
            kinds: string_list(a.get("kinds")),
        })
        .collect();
    if apply_to.is_empty() {
        return Err(format!("ExpansionTemplate {name} must specify ApplyTo"));
    }
    let gvk = (
        generated.0.as_str(),
        generated.1.as_str(),
        generated.2.as_str(),
    );
    if apply_to.iter().any(|a| a.matches(gvk)) {
        return Err(format!(
            "ExpansionTemplate {name} generates GVK {gvk:?}, but also applies to that same GVK"
        ));
    }
    Ok(ExpansionTemplate {
        source: source.split('.').map(str::to_string).collect(),
        enforcement_action: text(value, "/spec/enforcementAction").to_string(),
        name,
        apply_to,
        generated,
    })
}

/// A resource implied by another one, and the template that implied it.
#[derive(Debug, Clone)]
pub(crate) struct Resultant {
    pub object: Value,
    pub template: String,
    pub enforcement_action: String,
}

/// Every resource the object implies, recursively (deepest first, like gatekeeper).
pub(crate) fn expand(
    object: &Value,
    namespace: Option<&Value>,
    templates: &[ExpansionTemplate],
) -> Result<Vec<Resultant>, String> {
    let mut out = Vec::new();
    expand_into(object, namespace, templates, 0, &mut out)?;
    Ok(out)
}

fn expand_into(
    object: &Value,
    namespace: Option<&Value>,
    templates: &[ExpansionTemplate],
    depth: usize,
    out: &mut Vec<Resultant>,
) -> Result<(), String> {
    if depth >= MAX_DEPTH {
        return Err(format!("maximum recursion depth of {MAX_DEPTH} reached"));
    }
    let (group, version) = group_version(text(object, "/apiVersion"));
    let kind = text(object, "/kind");
    if group.is_empty() && version.is_empty() && kind.is_empty() {
        let name = text(object, "/metadata/name");
        return Err(format!("cannot expand resource {name} with empty GVK"));
    }
    let level: Vec<Resultant> = templates
        .iter()
        .filter(|t| t.apply_to.iter().any(|a| a.matches((group, version, kind))))
        .map(|t| {
            Ok(Resultant {
                object: expand_resource(object, namespace, t)?,
                template: t.name.clone(),
                enforcement_action: t.enforcement_action.clone(),
            })
        })
        .collect::<Result<_, String>>()?;
    for r in &level {
        expand_into(&r.object, namespace, templates, depth + 1, out)?;
    }
    out.extend(level);
    Ok(())
}

fn expand_resource(
    parent: &Value,
    namespace: Option<&Value>,
    t: &ExpansionTemplate,
) -> Result<Value, String> {
    let name = text(parent, "/metadata/name");
    let mut src = parent;
    for field in &t.source {
        src = src.get(field).ok_or_else(|| {
            format!(
                "could not find source field {:?} in resource {name}",
                t.source.join(".")
            )
        })?;
    }
    let Value::Object(src) = src else {
        return Err(format!(
            "could not extract source field from resource {name}: {:?} is not a map",
            t.source.join(".")
        ));
    };
    let mut resource = src.clone();
    let (group, version, kind) = &t.generated;
    let api_version = if group.is_empty() {
        version.clone()
    } else {
        format!("{group}/{version}")
    };
    resource.insert("apiVersion".into(), json!(api_version));
    resource.insert("kind".into(), json!(kind));
    let metadata = resource
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    if let Some(meta) = metadata.as_object_mut() {
        let ns = match namespace {
            Some(ns) => Some(text(ns, "/metadata/name")),
            None => parent
                .pointer("/metadata/namespace")
                .and_then(Value::as_str),
        };
        if let Some(ns) = ns {
            meta.insert("namespace".into(), json!(ns));
        }
        let suffix = if kind.is_empty() { "" } else { "-" };
        meta.insert(
            "name".into(),
            json!(format!("{name}{suffix}{kind}").to_lowercase()),
        );
        let owner = (text(parent, "/apiVersion"), text(parent, "/kind"), name);
        if !owner.0.is_empty() && !owner.1.is_empty() && !owner.2.is_empty() {
            let refs = meta.entry("ownerReferences").or_insert_with(|| json!([]));
            if let Some(refs) = refs.as_array_mut() {
                let present = refs
                    .iter()
                    .any(|r| (text(r, "/apiVersion"), text(r, "/kind"), text(r, "/name")) == owner);
                if !present {
                    refs.push(json!({"apiVersion": owner.0, "kind": owner.1, "name": owner.2}));
                }
            }
        }
    }
    Ok(Value::Object(resource))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str, applies_to: &str, generates: &str) -> ExpansionTemplate {
        read(&json!({
            "apiVersion": "expansion.gatekeeper.sh/v1beta1", "kind": "ExpansionTemplate",
            "metadata": {"name": name},
            "spec": {"applyTo": [{"groups": ["apps"], "versions": ["v1"], "kinds": [applies_to]}],
                     "templateSource": "spec.template",
                     "generatedGVK": {"group": "", "version": "v1", "kind": generates}}
        }))
        .unwrap()
    }

    #[test]
    fn a_deployment_implies_its_pod() {
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "Web", "namespace": "shop"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}}});
        let out = expand(
            &deployment,
            None,
            &[template("expand-deployments", "Deployment", "Pod")],
        )
        .unwrap();
        assert_eq!(out.len(), 1);
        let pod = &out[0].object;
        assert_eq!(pod["apiVersion"], "v1");
        assert_eq!(pod["kind"], "Pod");
        assert_eq!(pod["metadata"]["name"], "web-pod");
        assert_eq!(pod["metadata"]["namespace"], "shop");
        assert_eq!(pod["metadata"]["labels"]["app"], "web");
        assert_eq!(
            pod["metadata"]["ownerReferences"],
            json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "Web"}])
        );
        assert_eq!(out[0].template, "expand-deployments");
    }

    #[test]
    fn other_kinds_and_missing_sources() {
        let t = [template("t", "Deployment", "Pod")];
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}});
        assert!(expand(&svc, None, &t).unwrap().is_empty());
        let bare =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        assert_eq!(
            expand(&bare, None, &t).unwrap_err(),
            "could not find source field \"spec.template\" in resource d"
        );
    }

    #[test]
    fn a_template_may_not_generate_what_it_applies_to() {
        let err = read(
            &json!({"kind": "ExpansionTemplate", "metadata": {"name": "loop"},
            "spec": {"applyTo": [{"groups": [""], "versions": ["v1"], "kinds": ["Pod"]}],
                     "templateSource": "spec", "generatedGVK": {"version": "v1", "kind": "Pod"}}}),
        )
        .unwrap_err();
        assert!(err.contains("also applies to that same GVK"), "{err}");
    }
}
