//! Gatekeeper `spec.match`: which objects a Constraint applies to, decided before any Rego runs.

use std::collections::BTreeMap;

use serde_json::Value;

/// Why a match could not be decided (gator reports these as errors for the object).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    #[error("namespaceSelector needs the Namespace {namespace:?}, which is not among the inputs")]
    MissingNamespace { namespace: String },
    #[error("invalid {field}: {reason}")]
    InvalidSelector { field: &'static str, reason: String },
}

/// The object under review, seen the way Gatekeeper's matchers see it.
#[derive(Debug)]
pub(crate) struct Target<'a> {
    pub object: &'a Value,
    /// The object's Namespace, when the inputs contain it.
    pub namespace: Option<&'a Value>,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return "",
        }
    }
    cur.as_str().unwrap_or_default()
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub(crate) fn group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

impl Target<'_> {
    fn kind(&self) -> &str {
        str_at(self.object, &["kind"])
    }
    fn group(&self) -> &str {
        group_version(str_at(self.object, &["apiVersion"])).0
    }
    fn own_namespace(&self) -> &str {
        str_at(self.object, &["metadata", "namespace"])
    }
    fn is_namespace(&self) -> bool {
        self.kind() == "Namespace" && self.group().is_empty()
    }
    /// The namespace name the namespace matchers compare against, if any.
    fn namespace_name(&self) -> Option<&str> {
        if self.is_namespace() {
            return Some(str_at(self.object, &["metadata", "name"]));
        }
        if let Some(ns) = self.namespace {
            return Some(str_at(ns, &["metadata", "name"]));
        }
        let own = self.own_namespace();
        (!own.is_empty()).then_some(own)
    }
}

/// Gatekeeper's wildcard: `*x` suffix, `x*` prefix, `*x*` substring, otherwise exact.
pub(crate) fn wildcard(pattern: &str, candidate: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), Some(_)) => candidate.contains(rest.strip_suffix('*').unwrap_or(rest)),
        (Some(suffix), None) => candidate.ends_with(suffix),
        (None, Some(prefix)) => candidate.starts_with(prefix),
        (None, None) => pattern == candidate,
    }
}

fn wildcard_generate_name(pattern: &str, candidate: &str) -> bool {
    if pattern.starts_with('*') && pattern.ends_with('*') {
        wildcard(pattern, candidate)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        candidate.starts_with(prefix)
    } else {
        false
    }
}

/// The strings of a list field; matching runs per object and constraint, so nothing is collected.
fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> + Clone {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
}

/// A list field matches when it is absent or empty, or names `*` or the candidate.
fn any_or_listed<'a>(mut list: impl Iterator<Item = &'a str> + Clone, candidate: &str) -> bool {
    list.clone().next().is_none() || list.any(|s| s == "*" || s == candidate)
}

fn labels(obj: &Value) -> BTreeMap<&str, &str> {
    obj.pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// A Kubernetes LabelSelector (`matchLabels` AND `matchExpressions`).
pub(crate) fn selector_matches(
    selector: &Value,
    labels: &BTreeMap<&str, &str>,
    field: &'static str,
) -> Result<bool, MatchError> {
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            if labels.get(k.as_str()).copied() != v.as_str() {
                return Ok(false);
            }
        }
    }
    for expr in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let key = str_at(expr, &["key"]);
        let mut values = strings(expr.get("values"));
        let present = labels.get(key).copied();
        let ok = match str_at(expr, &["operator"]) {
            "In" => present.is_some_and(|v| values.any(|x| x == v)),
            "NotIn" => present.is_none_or(|v| !values.any(|x| x == v)),
            "Exists" => present.is_some(),
            "DoesNotExist" => present.is_none(),
            other => {
                return Err(MatchError::InvalidSelector {
                    field,
                    reason: format!("unknown operator {other:?}"),
                });
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// All of Gatekeeper's top-level matchers (pkg/mutation/match); an absent `match` matches everything.
pub(crate) fn matches(m: Option<&Value>, target: &Target<'_>) -> Result<bool, MatchError> {
    let Some(m) = m else { return Ok(true) };
    Ok(kinds(m, target)
        && scope(m, target)
        && namespaces(m, target)
        && excluded_namespaces(m, target)
        && label_selector(m, target)?
        && namespace_selector(m, target)?
        && name(m, target))
}

fn kinds(m: &Value, t: &Target<'_>) -> bool {
    let Some(list) = m.get("kinds").and_then(Value::as_array) else {
        return true;
    };
    if list.is_empty() {
        return true;
    }
    list.iter().any(|entry| {
        any_or_listed(strings(entry.get("kinds")), t.kind())
            && any_or_listed(strings(entry.get("apiGroups")), t.group())
    })
}

fn scope(m: &Value, t: &Target<'_>) -> bool {
    let has_namespace = !t.own_namespace().is_empty() || t.namespace.is_some();
    match str_at(m, &["scope"]) {
        "Cluster" => t.is_namespace() || !has_namespace,
        "Namespaced" => !t.is_namespace() && has_namespace,
        _ => true,
    }
}

fn namespaces(m: &Value, t: &Target<'_>) -> bool {
    let mut list = strings(m.get("namespaces"));
    if list.clone().next().is_none() {
        return true;
    }
    match t.namespace_name() {
        None => true,
        Some(ns) => list.any(|p| wildcard(p, ns)),
    }
}

fn excluded_namespaces(m: &Value, t: &Target<'_>) -> bool {
    let mut list = strings(m.get("excludedNamespaces"));
    if list.clone().next().is_none() {
        return true;
    }
    match t.namespace_name() {
        None => true,
        Some(ns) => !list.any(|p| wildcard(p, ns)),
    }
}

fn label_selector(m: &Value, t: &Target<'_>) -> Result<bool, MatchError> {
    match m.get("labelSelector") {
        None | Some(Value::Null) => Ok(true),
        Some(sel) => selector_matches(sel, &labels(t.object), "labelSelector"),
    }
}

fn namespace_selector(m: &Value, t: &Target<'_>) -> Result<bool, MatchError> {
    let sel = match m.get("namespaceSelector") {
        None | Some(Value::Null) => return Ok(true),
        Some(sel) => sel,
    };
    if t.is_namespace() {
        return selector_matches(sel, &labels(t.object), "namespaceSelector");
    }
    match t.namespace {
        Some(ns) => selector_matches(sel, &labels(ns), "namespaceSelector"),
        None if t.own_namespace().is_empty() => Ok(true),
        None => Err(MatchError::MissingNamespace {
            namespace: t.own_namespace().to_string(),
        }),
    }
}

fn name(m: &Value, t: &Target<'_>) -> bool {
    let pattern = str_at(m, &["name"]);
    if pattern.is_empty() {
        return true;
    }
    wildcard(pattern, str_at(t.object, &["metadata", "name"]))
        || wildcard_generate_name(pattern, str_at(t.object, &["metadata", "generateName"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcards_like_gatekeeper() {
        assert!(wildcard("kube-*", "kube-system"));
        assert!(wildcard("*-system", "kube-system"));
        assert!(wildcard("*be-sy*", "kube-system"));
        assert!(!wildcard("kube-*", "default"));
        assert!(wildcard("default", "default"));
        assert!(wildcard("*", "anything"));
    }

    #[test]
    fn kinds_groups_and_excluded_namespaces() {
        let m = json!({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}],
                       "excludedNamespaces": ["kube-*"]});
        let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "namespace": "prod"}});
        let sys = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "namespace": "kube-system"}});
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "prod"}});
        let t = |o| Target {
            object: o,
            namespace: None,
        };
        assert_eq!(matches(Some(&m), &t(&dep)), Ok(true));
        assert_eq!(matches(Some(&m), &t(&sys)), Ok(false));
        assert_eq!(matches(Some(&m), &t(&pod)), Ok(false));
    }

    #[test]
    fn namespace_selector_needs_the_namespace_object() {
        let m = json!({"namespaceSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]}});
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "web"}});
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web", "labels": {"env": "prod"}}});
        assert!(matches!(
            matches(
                Some(&m),
                &Target {
                    object: &pod,
                    namespace: None
                }
            ),
            Err(MatchError::MissingNamespace { .. })
        ));
        assert_eq!(
            matches(
                Some(&m),
                &Target {
                    object: &pod,
                    namespace: Some(&ns)
                }
            ),
            Ok(true)
        );
        assert_eq!(
            matches(
                Some(&m),
                &Target {
                    object: &ns,
                    namespace: None
                }
            ),
            Ok(true)
        );
    }

    #[test]
    fn scope_and_label_selector() {
        let cluster = json!({"scope": "Cluster"});
        let ns_scoped = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "x", "labels": {"a": "b"}}});
        assert_eq!(
            matches(
                Some(&cluster),
                &Target {
                    object: &ns_scoped,
                    namespace: None
                }
            ),
            Ok(false)
        );
        let sel = json!({"labelSelector": {"matchLabels": {"a": "b"}}});
        assert_eq!(
            matches(
                Some(&sel),
                &Target {
                    object: &ns_scoped,
                    namespace: None
                }
            ),
            Ok(true)
        );
        let sel = json!({"labelSelector": {"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}});
        assert_eq!(
            matches(
                Some(&sel),
                &Target {
                    object: &ns_scoped,
                    namespace: None
                }
            ),
            Ok(false)
        );
    }
}
