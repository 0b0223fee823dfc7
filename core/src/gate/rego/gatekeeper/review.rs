//! What a constraint sees: `input.review` built like gator's AdmissionRequest, and `data.inventory`.

use std::collections::BTreeMap;
use std::time::Duration;

use regorus::Value as RegoValue;
use serde_json::Value;

use super::super::engine;
use super::{matching, text};

/// Where and for whom one object is reviewed: the same for every constraint it meets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReviewCtx<'a> {
    /// The object's Namespace object, when the inputs hold it.
    pub namespace: Option<&'a Value>,
    /// Index of the input document the findings belong to.
    pub doc: Option<usize>,
    /// `file:line`, for error messages.
    pub subject: &'a str,
    pub timeout: Duration,
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
pub(super) fn reviewed_object(object: &Value) -> &Value {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

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
}
