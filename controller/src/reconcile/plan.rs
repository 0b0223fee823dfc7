//! What to do with the target Secret: upstream's rules for existing Secrets, as pure functions.
//!
//! - none exists → create;
//! - exists, not controlled by this SealedSecret, neither `managed` nor `patch` → refuse;
//! - `patch` → merge data, labels and annotations into it; ownerReferences only if also `managed`;
//! - otherwise (owned or `managed`) → replace data, labels, annotations and ownerReferences;
//! - `type` (and `immutable`, when the template sets it) always follow the SealedSecret;
//! - an update is issued only when something changed.

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::digest::DIGEST_ANNOTATION;

/// Existing-Secret annotation: the controller may take over (and overwrite) this Secret.
pub const MANAGED_ANNOTATION: &str = "sealedsecrets.bitnami.com/managed";
/// Existing-Secret annotation: merge into this Secret instead of replacing its content.
pub const PATCH_ANNOTATION: &str = "sealedsecrets.bitnami.com/patch";

#[derive(PartialEq)]
pub enum Plan {
    Create(Box<Secret>),
    Update(Box<Secret>),
    Unchanged,
    /// The Secret exists and belongs to someone else (upstream's `unmanaged` error).
    RefuseUnmanaged,
}

/// The planned Secret holds decrypted values: Debug names it and its keys, never the data.
impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let described = |verb: &str, secret: &Secret, f: &mut std::fmt::Formatter<'_>| {
            let keys: Vec<&String> = secret.data.iter().flat_map(|d| d.keys()).collect();
            write!(f, "{verb}({:?}, data keys {keys:?})", secret.metadata.name)
        };
        match self {
            Self::Create(secret) => described("Create", secret, f),
            Self::Update(secret) => described("Update", secret, f),
            Self::Unchanged => f.write_str("Unchanged"),
            Self::RefuseUnmanaged => f.write_str("RefuseUnmanaged"),
        }
    }
}

fn annotated(secret: &Secret, key: &str) -> bool {
    secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
        == Some("true")
}

/// True when an ownerReference with `controller: true` names the SealedSecret `uid`.
pub fn controlled_by(secret: &Secret, uid: &str) -> bool {
    secret
        .metadata
        .owner_references
        .iter()
        .flatten()
        .any(|r: &OwnerReference| r.controller == Some(true) && r.uid == uid)
}

/// Whether the controller may write this Secret. Besides upstream's rules, a Secret carrying our
/// digest annotation was produced by us (e.g. with skip-set-owner-references, which leaves no
/// ownerReference to recognise it by; upstream then refuses its own Secret on the next update).
pub fn writable(existing: &Secret, owner_uid: &str) -> bool {
    controlled_by(existing, owner_uid)
        || annotated(existing, MANAGED_ANNOTATION)
        || annotated(existing, PATCH_ANNOTATION)
        || existing
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(DIGEST_ANNOTATION))
}

/// The fast path: the existing Secret is writable by us and was produced from exactly this
/// SealedSecret content, so there is nothing to decrypt.
pub fn already_in_sync(existing: Option<&Secret>, owner_uid: &str, digest: &str) -> bool {
    existing.is_some_and(|s| {
        writable(s, owner_uid)
            && s.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DIGEST_ANNOTATION))
                .map(String::as_str)
                == Some(digest)
    })
}

/// Decides the write for `desired` given what exists.
pub fn plan(existing: Option<&Secret>, desired: Secret, owner_uid: &str) -> Plan {
    let Some(existing) = existing else {
        return Plan::Create(Box::new(desired));
    };
    if !writable(existing, owner_uid) {
        return Plan::RefuseUnmanaged;
    }
    let mut next = existing.clone();
    if annotated(existing, PATCH_ANNOTATION) {
        let data = next.data.get_or_insert_with(Default::default);
        data.extend(desired.data.unwrap_or_default());
        let labels = next.metadata.labels.get_or_insert_with(Default::default);
        labels.extend(desired.metadata.labels.unwrap_or_default());
        let annotations = next
            .metadata
            .annotations
            .get_or_insert_with(Default::default);
        annotations.extend(desired.metadata.annotations.unwrap_or_default());
        if annotated(existing, MANAGED_ANNOTATION) {
            next.metadata.owner_references = desired.metadata.owner_references;
        }
    } else {
        next.data = desired.data;
        next.metadata.labels = desired.metadata.labels;
        next.metadata.annotations = desired.metadata.annotations;
        next.metadata.owner_references = desired.metadata.owner_references;
    }
    next.type_ = desired.type_.or_else(|| Some("Opaque".to_owned()));
    if desired.immutable.is_some() {
        next.immutable = desired.immutable;
    }
    if same_content(existing, &next) {
        Plan::Unchanged
    } else {
        Plan::Update(Box::new(next))
    }
}

fn same_content(a: &Secret, b: &Secret) -> bool {
    let empty_none = |m: &Option<std::collections::BTreeMap<String, String>>| {
        m.clone().filter(|m| !m.is_empty())
    };
    a.data.clone().unwrap_or_default() == b.data.clone().unwrap_or_default()
        && a.type_.as_deref().unwrap_or("Opaque") == b.type_.as_deref().unwrap_or("Opaque")
        && a.immutable.unwrap_or(false) == b.immutable.unwrap_or(false)
        && empty_none(&a.metadata.labels) == empty_none(&b.metadata.labels)
        && empty_none(&a.metadata.annotations) == empty_none(&b.metadata.annotations)
        && a.metadata.owner_references.clone().unwrap_or_default()
            == b.metadata.owner_references.clone().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::ByteString;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    const UID: &str = "ss-uid";

    fn owner_ref(uid: &str) -> OwnerReference {
        OwnerReference {
            api_version: "bitnami.com/v1alpha1".to_owned(),
            kind: "SealedSecret".to_owned(),
            name: "s".to_owned(),
            uid: uid.to_owned(),
            controller: Some(true),
            block_owner_deletion: None,
        }
    }

    #[test]
    fn debug_never_shows_the_data() {
        let plan = Plan::Create(Box::new(secret(
            &[("password", "hunter2-plaintext")],
            &[],
            None,
        )));
        let shown = format!("{plan:?}");
        assert!(
            shown.contains("password") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(
            !shown.contains(&format!("{:?}", b"hunter2-plaintext".to_vec())),
            "{shown}"
        );
    }

    fn secret(data: &[(&str, &str)], annotations: &[(&str, &str)], owner: Option<&str>) -> Secret {
        Secret {
            metadata: ObjectMeta {
                name: Some("s".to_owned()),
                namespace: Some("n".to_owned()),
                annotations: Some(
                    annotations
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                ),
                owner_references: owner.map(|u| vec![owner_ref(u)]),
                ..ObjectMeta::default()
            },
            data: Some(
                data.iter()
                    .map(|(k, v)| ((*k).to_owned(), ByteString(v.as_bytes().to_vec())))
                    .collect(),
            ),
            type_: Some("Opaque".to_owned()),
            ..Secret::default()
        }
    }

    fn desired() -> Secret {
        secret(
            &[("a", "new")],
            &[(DIGEST_ANNOTATION, "sha256:x")],
            Some(UID),
        )
    }

    fn data_of(s: &Secret) -> BTreeMap<String, String> {
        s.data
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
            .collect()
    }

    #[test]
    fn missing_secret_is_created() {
        assert_eq!(
            plan(None, desired(), UID),
            Plan::Create(Box::new(desired()))
        );
    }

    #[test]
    fn foreign_secret_is_refused() {
        let foreign = secret(&[("a", "theirs")], &[], None);
        assert_eq!(plan(Some(&foreign), desired(), UID), Plan::RefuseUnmanaged);
        let other_owner = secret(&[("a", "theirs")], &[], Some("other-uid"));
        assert_eq!(
            plan(Some(&other_owner), desired(), UID),
            Plan::RefuseUnmanaged
        );
        assert!(!already_in_sync(Some(&foreign), UID, "sha256:x"));
    }

    #[test]
    fn managed_secret_is_taken_over_and_replaced() {
        let managed = secret(
            &[("a", "old"), ("extra", "x")],
            &[(MANAGED_ANNOTATION, "true")],
            None,
        );
        let Plan::Update(next) = plan(Some(&managed), desired(), UID) else {
            panic!("expected an update")
        };
        assert_eq!(
            data_of(&next),
            BTreeMap::from([("a".to_owned(), "new".to_owned())])
        );
        assert!(controlled_by(&next, UID));
        // Annotations are replaced wholesale, like upstream: `managed` is gone, ownership stays.
        assert!(!annotated(&next, MANAGED_ANNOTATION));
    }

    #[test]
    fn patched_secret_keeps_other_keys_and_gets_no_owner_unless_managed() {
        let patched = secret(
            &[("a", "old"), ("keep", "k")],
            &[(PATCH_ANNOTATION, "true"), ("mine", "1")],
            None,
        );
        let Plan::Update(next) = plan(Some(&patched), desired(), UID) else {
            panic!("expected an update")
        };
        assert_eq!(data_of(&next).get("keep").map(String::as_str), Some("k"));
        assert_eq!(data_of(&next).get("a").map(String::as_str), Some("new"));
        assert!(annotated(&next, PATCH_ANNOTATION));
        assert_eq!(
            next.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("mine"))
                .map(String::as_str),
            Some("1")
        );
        assert!(next.metadata.owner_references.is_none());

        let both = secret(
            &[("a", "old")],
            &[(PATCH_ANNOTATION, "true"), (MANAGED_ANNOTATION, "true")],
            None,
        );
        let Plan::Update(next) = plan(Some(&both), desired(), UID) else {
            panic!("expected an update")
        };
        assert!(controlled_by(&next, UID));
    }

    #[test]
    fn owned_secret_in_sync_is_unchanged_and_fast_pathed() {
        let current = desired();
        assert_eq!(plan(Some(&current), desired(), UID), Plan::Unchanged);
        assert!(already_in_sync(Some(&current), UID, "sha256:x"));
        assert!(!already_in_sync(Some(&current), UID, "sha256:other"));
        assert!(!already_in_sync(None, UID, "sha256:x"));
    }

    #[test]
    fn our_own_unowned_secret_is_still_ours() {
        // skip-set-owner-references: no ownerReference, but our digest annotation.
        let ours = secret(&[("a", "old")], &[(DIGEST_ANNOTATION, "sha256:old")], None);
        let mut want = desired();
        want.metadata.owner_references = None;
        assert!(matches!(plan(Some(&ours), want, UID), Plan::Update(_)));
    }

    #[test]
    fn type_and_immutable_follow_the_template() {
        let current = desired();
        let mut want = desired();
        want.type_ = Some("kubernetes.io/tls".to_owned());
        want.immutable = Some(true);
        let Plan::Update(next) = plan(Some(&current), want, UID) else {
            panic!("expected an update")
        };
        assert_eq!(next.type_.as_deref(), Some("kubernetes.io/tls"));
        assert_eq!(next.immutable, Some(true));
    }
}
