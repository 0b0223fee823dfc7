//! One SealedSecret's drift state, from what Git declares and what the cluster shows.
//!
//! Only ciphertexts, status and Secret *metadata* are read: no value, sealed or decrypted, ever
//! reaches a row (items are named, reasons describe). `tampered` is what Secret metadata alone
//! can show: the controller's digests missing or not matching the SealedSecret, or managedFields
//! saying another field manager wrote data or type after the controller did (or that a declared
//! item is owned by nobody: deleted).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ManagedFieldsEntry, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use sealgate_core::seal::{
    CONTROLLER_FIELD_MANAGER, DATA_DIGEST_ANNOTATION, SEALED_DIGEST_ANNOTATION, Scope,
    SealedSecret, sealed_digest,
};
use serde::Serialize;
use serde_json::Value;

/// Existing-Secret annotation: the controller merges its items into someone else's Secret.
const PATCH_ANNOTATION: &str = "sealedsecrets.bitnami.com/patch";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    InSync,
    Missing,
    Differs,
    NotSynced,
    Tampered,
    Orphaned,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InSync => "in-sync",
            Self::Missing => "missing",
            Self::Differs => "differs",
            Self::NotSynced => "not-synced",
            Self::Tampered => "tampered",
            Self::Orphaned => "orphaned",
        }
    }
}

/// One report row. `items` are item names, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub state: State,
    pub items: Vec<String>,
    pub reason: String,
    /// `file:line` of the declaring document (none for `orphaned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The verdict for one declared SealedSecret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub state: State,
    pub items: Vec<String>,
    pub reason: String,
}

impl Verdict {
    fn new(state: State, items: Vec<String>, reason: impl Into<String>) -> Self {
        Self {
            state,
            items,
            reason: reason.into(),
        }
    }
}

/// Compares `declared` (from a file) with the `live` SealedSecret and the metadata of its Secret.
pub fn compare(
    declared: &SealedSecret,
    live: Option<&SealedSecret>,
    secret: Option<&ObjectMeta>,
) -> Verdict {
    let Some(live) = live else {
        return Verdict::new(State::Missing, Vec::new(), "not in the cluster");
    };
    if let Some(verdict) = differs(declared, live) {
        return verdict;
    }
    if let Some(reason) = not_synced(live) {
        return Verdict::new(State::NotSynced, Vec::new(), reason);
    }
    let Some(secret) = secret else {
        return Verdict::new(
            State::NotSynced,
            Vec::new(),
            "its Secret does not exist (deleted, not yet re-created)",
        );
    };
    if let Some(verdict) = tampered(live, secret) {
        return verdict;
    }
    Verdict::new(State::InSync, Vec::new(), "")
}

fn differs(declared: &SealedSecret, live: &SealedSecret) -> Option<Verdict> {
    let (want, have) = (&declared.spec.encrypted_data, &live.spec.encrypted_data);
    let mut items: BTreeSet<String> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    items.extend(have.keys().filter(|k| !want.contains_key(*k)).cloned());
    let mut reasons = Vec::new();
    if !items.is_empty() {
        reasons.push("encryptedData differs".to_owned());
    }
    if declared.spec.data != live.spec.data {
        reasons.push("spec.data (v1 format) differs".to_owned());
    }
    let template = |s: &SealedSecret| {
        s.spec
            .template
            .as_ref()
            .and_then(|t| serde_json::to_value(t).ok())
            .map_or(Value::Null, normalized)
    };
    if template(declared) != template(live) {
        reasons.push("template differs".to_owned());
    }
    let (git_scope, live_scope) = (
        Scope::from_annotations(&declared.metadata.annotations),
        Scope::from_annotations(&live.metadata.annotations),
    );
    if git_scope != live_scope {
        reasons.push(format!(
            "scope differs (file {git_scope}, cluster {live_scope})"
        ));
    }
    (!reasons.is_empty()).then(|| {
        Verdict::new(
            State::Differs,
            items.into_iter().collect(),
            reasons.join("; "),
        )
    })
}

/// Nulls and empty objects/arrays dropped at every level: the API server prunes them, so a file
/// that spells `creationTimestamp: null` (kubeseal's output) still matches.
fn normalized(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, normalized(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn not_synced(live: &SealedSecret) -> Option<String> {
    let Some(status) = live.status.as_ref() else {
        return Some("no status yet (is the controller running, with --update-status?)".to_owned());
    };
    let Some(synced) = status.conditions.iter().find(|c| c.type_ == "Synced") else {
        return Some("no Synced condition yet".to_owned());
    };
    if synced.status != "True" {
        let message = synced.message.as_deref().unwrap_or("no message");
        return Some(format!("Synced={}: {message}", synced.status));
    }
    let generation = live
        .metadata
        .extra
        .get("generation")
        .and_then(Value::as_i64);
    if status.observed_generation != generation {
        return Some(format!(
            "status is for generation {}, the object is at {}",
            status
                .observed_generation
                .map_or("none".to_owned(), |g| g.to_string()),
            generation.map_or("none".to_owned(), |g| g.to_string())
        ));
    }
    None
}

fn tampered(live: &SealedSecret, secret: &ObjectMeta) -> Option<Verdict> {
    let annotations = secret.annotations.clone().unwrap_or_default();
    let uid = live
        .metadata
        .extra
        .get("uid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match annotations.get(SEALED_DIGEST_ANNOTATION) {
        None => {
            return Some(Verdict::new(
                State::Tampered,
                Vec::new(),
                "the Secret carries no sealed digest (not written by sealgate-controller, or the annotation was removed)",
            ));
        }
        Some(found) if *found != sealed_digest(live, uid) => {
            return Some(Verdict::new(
                State::Tampered,
                Vec::new(),
                "the Secret's sealed digest does not match the SealedSecret (replaced or edited behind the controller)",
            ));
        }
        Some(_) => {}
    }
    if !annotations.contains_key(DATA_DIGEST_ANNOTATION) {
        return Some(Verdict::new(
            State::Tampered,
            Vec::new(),
            "the Secret carries no data digest (annotation removed, or written by an older controller)",
        ));
    }
    let patch = annotations
        .get(PATCH_ANNOTATION)
        .is_some_and(|v| v == "true");
    let declared = declared_items(live);
    foreign_writes(
        secret.managed_fields.as_deref().unwrap_or_default(),
        patch,
        &declared,
    )
}

/// Item names the SealedSecret produces (`encryptedData` and `template.data`).
fn declared_items(live: &SealedSecret) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = live.spec.encrypted_data.keys().cloned().collect();
    if let Some(templates) = live.spec.template.as_ref().and_then(|t| t.data.as_ref()) {
        names.extend(templates.keys().cloned());
    }
    names
}

/// What managedFields tell: another manager that wrote data items (or the type) no earlier than
/// the controller's last write, or declared items nobody owns any more (deleted). Older foreign
/// entries are not drift: a Secret taken over with `managed`, or one written by an older
/// controller, keeps its first writer for the fields whose value did not change.
fn foreign_writes(
    entries: &[ManagedFieldsEntry],
    patch: bool,
    declared: &BTreeSet<String>,
) -> Option<Verdict> {
    let time = |e: &ManagedFieldsEntry| e.time.as_ref().map(|t| t.0);
    let ours = |e: &&ManagedFieldsEntry| e.manager.as_deref() == Some(CONTROLLER_FIELD_MANAGER);
    let controller_time: Option<Timestamp> = entries.iter().filter(ours).filter_map(time).max();
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut managers: BTreeSet<String> = BTreeSet::new();
    for entry in entries {
        let manager = entry.manager.clone().unwrap_or_default();
        let fields = entry.fields_v1.as_ref().map(|f| &f.0);
        let items = data_items(fields);
        for item in &items {
            owners
                .entry(item.clone())
                .or_default()
                .push(manager.clone());
        }
        if ours(&entry) {
            continue;
        }
        let recent = match (time(entry), controller_time) {
            (_, None) => true,
            (Some(t), Some(c)) => t >= c,
            (None, Some(_)) => false,
        };
        if !recent {
            continue;
        }
        let relevant: Vec<String> = items
            .into_iter()
            .filter(|i| !patch || declared.contains(i))
            .collect();
        let retyped = fields.is_some_and(|f| f.get("f:type").is_some());
        if !relevant.is_empty() || retyped {
            managers.insert(manager);
            changed.extend(relevant);
            if retyped {
                changed.insert("type".to_owned());
            }
        }
    }
    let deleted: Vec<String> = declared
        .iter()
        .filter(|i| !owners.contains_key(*i))
        .cloned()
        .collect();
    if changed.is_empty() && deleted.is_empty() {
        return None;
    }
    let mut reasons = Vec::new();
    if !managers.is_empty() {
        let names: Vec<String> = managers.iter().map(|m| format!("{m:?}")).collect();
        reasons.push(format!(
            "field manager {} wrote the Secret after the controller did",
            names.join(", ")
        ));
    }
    if !deleted.is_empty() {
        reasons.push(format!("declared items missing: {}", deleted.join(", ")));
    }
    changed.extend(deleted);
    Some(Verdict::new(
        State::Tampered,
        changed.into_iter().collect(),
        reasons.join("; "),
    ))
}

/// Item names under `f:data` of one managedFields entry (`{"f:data": {"f:a": {}}}` → `a`).
fn data_items(fields: Option<&Value>) -> Vec<String> {
    fields
        .and_then(|f| f.get("f:data"))
        .and_then(Value::as_object)
        .map(|data| {
            data.keys()
                .filter_map(|k| k.strip_prefix("f:"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, Time};

    use super::*;

    fn sealed(items: &[(&str, &str)]) -> SealedSecret {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": "s", "namespace": "n"},
            "spec": {
                "encryptedData": items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>(),
                "template": {"metadata": {"creationTimestamp": null, "name": "s"}}
            }
        }))
        .unwrap()
    }

    fn live(items: &[(&str, &str)], synced: &str, generation: i64, observed: i64) -> SealedSecret {
        let mut s = sealed(items);
        s.metadata.extra.insert("uid".to_owned(), "u1".into());
        s.metadata
            .extra
            .insert("generation".to_owned(), generation.into());
        s.spec.template =
            serde_json::from_value(serde_json::json!({"metadata": {"name": "s"}})).ok();
        s.status = serde_json::from_value(serde_json::json!({
            "observedGeneration": observed,
            "conditions": [{"type": "Synced", "status": synced, "message": if synced == "True" { None } else { Some("no key could decrypt") }}]
        }))
        .ok();
        s
    }

    fn entry(manager: &str, seconds: i64, fields: Value) -> ManagedFieldsEntry {
        ManagedFieldsEntry {
            manager: Some(manager.to_owned()),
            operation: Some("Update".to_owned()),
            time: Some(Time(Timestamp::from_second(seconds).unwrap())),
            fields_type: Some("FieldsV1".to_owned()),
            fields_v1: Some(FieldsV1(fields)),
            ..ManagedFieldsEntry::default()
        }
    }

    fn secret_of(live: &SealedSecret, entries: Vec<ManagedFieldsEntry>) -> ObjectMeta {
        ObjectMeta {
            annotations: Some(BTreeMap::from([
                (
                    SEALED_DIGEST_ANNOTATION.to_owned(),
                    sealed_digest(live, "u1"),
                ),
                (
                    DATA_DIGEST_ANNOTATION.to_owned(),
                    "hmac-sha256:x;key=k".to_owned(),
                ),
            ])),
            managed_fields: Some(entries),
            ..ObjectMeta::default()
        }
    }

    fn ours(seconds: i64) -> ManagedFieldsEntry {
        entry(
            CONTROLLER_FIELD_MANAGER,
            seconds,
            serde_json::json!({"f:data": {".": {}, "f:a": {}, "f:b": {}}, "f:type": {}}),
        )
    }

    #[test]
    fn every_state_from_the_objects() {
        let git = sealed(&[("a", "AgA1"), ("b", "AgA2")]);
        let up = live(&[("a", "AgA1"), ("b", "AgA2")], "True", 2, 2);
        let state = |l: Option<&SealedSecret>, s: Option<&ObjectMeta>| compare(&git, l, s);

        assert_eq!(state(None, None).state, State::Missing);
        let ok = secret_of(&up, vec![ours(100)]);
        assert_eq!(
            state(Some(&up), Some(&ok)),
            Verdict::new(State::InSync, vec![], "")
        );

        let other = live(&[("a", "AgA9"), ("b", "AgA2"), ("c", "AgA3")], "True", 2, 2);
        let v = state(Some(&other), Some(&ok));
        assert_eq!(
            (v.state, v.items.clone()),
            (State::Differs, vec!["a".to_owned(), "c".to_owned()])
        );
        assert!(!v.reason.contains("AgA"), "{v:?}");

        let failing = live(&[("a", "AgA1"), ("b", "AgA2")], "False", 2, 2);
        let v = state(Some(&failing), Some(&ok));
        assert_eq!(v.state, State::NotSynced);
        assert!(v.reason.contains("no key could decrypt"), "{v:?}");
        let stale = live(&[("a", "AgA1"), ("b", "AgA2")], "True", 3, 2);
        assert_eq!(state(Some(&stale), Some(&ok)).state, State::NotSynced);
        assert_eq!(state(Some(&up), None).state, State::NotSynced);

        // Another manager wrote an item after the controller: tampered, naming it.
        let edited = secret_of(
            &up,
            vec![
                ours(100),
                entry(
                    "kubectl-edit",
                    130,
                    serde_json::json!({"f:data": {"f:a": {}}}),
                ),
            ],
        );
        let v = state(Some(&up), Some(&edited));
        assert_eq!(
            (v.state, v.items.clone()),
            (State::Tampered, vec!["a".to_owned()])
        );
        assert!(v.reason.contains("\"kubectl-edit\""), "{v:?}");
        // An older foreign entry (a taken-over Secret) is not drift.
        let taken_over = secret_of(
            &up,
            vec![
                ours(100),
                entry(
                    "kubectl-create",
                    50,
                    serde_json::json!({"f:data": {"f:a": {}}}),
                ),
            ],
        );
        assert_eq!(state(Some(&up), Some(&taken_over)).state, State::InSync);
        // A declared item nobody owns was deleted.
        let deleted = secret_of(
            &up,
            vec![entry(
                CONTROLLER_FIELD_MANAGER,
                100,
                serde_json::json!({"f:data": {"f:a": {}}}),
            )],
        );
        let v = state(Some(&up), Some(&deleted));
        assert_eq!(
            (v.state, v.items.clone()),
            (State::Tampered, vec!["b".to_owned()])
        );
        // Digests missing or not matching.
        let mut no_digest = ok.clone();
        no_digest
            .annotations
            .as_mut()
            .unwrap()
            .remove(DATA_DIGEST_ANNOTATION);
        assert_eq!(state(Some(&up), Some(&no_digest)).state, State::Tampered);
        let mut wrong = ok.clone();
        wrong.annotations.as_mut().unwrap().insert(
            SEALED_DIGEST_ANNOTATION.to_owned(),
            "sha256:other".to_owned(),
        );
        assert_eq!(state(Some(&up), Some(&wrong)).state, State::Tampered);
    }
}
