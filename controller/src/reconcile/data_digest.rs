//! The keyed data digest: proof that a Secret's data is still what the controller wrote.
//!
//! The sealed digest (`digest.rs`) says which SealedSecret content a Secret was produced from,
//! but the metadata-only watch cannot see the data, so an edit that keeps the annotations went
//! unnoticed. The controller therefore also records `sealgate.dev/data-digest`: an HMAC-SHA-256
//! (key derived from one of its private keys, see [`PrivateKey::data_tag`]) over the Secret's
//! namespace, name, sealed digest, type and every item it wrote. Checking it needs the data (one
//! GET) and a loaded key, never an RSA operation; only a mismatch leads to decrypting again.
//! Keyed, not a plain hash: a hash of a low-entropy password in an annotation would let anyone
//! who can read Secret metadata try a dictionary against it.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use k8s_openapi::api::core::v1::Secret;
use sealgate_core::seal::{PrivateKey, SealedSecret, UnsealingKeys};

use super::digest::DIGEST_ANNOTATION;
use super::plan::PATCH_ANNOTATION;

/// Annotation on the Secret: `hmac-sha256:<unpadded base64>;key=<fingerprint>`.
pub const DATA_DIGEST_ANNOTATION: &str = sealgate_core::seal::DATA_DIGEST_ANNOTATION;
const PREFIX: &str = "hmac-sha256:";
const KEY_MARK: &str = ";key=";
/// Format version, first part of every tagged message.
const VERSION: &[u8] = b"sealgate data digest v1";

/// Adds the data digest to `secret` (the Secret about to be written, with its final type and the
/// items the controller writes), tagged with `key` (the newest loaded key).
pub fn stamp(secret: &mut Secret, key: &PrivateKey) {
    let tag = key.data_tag(parts(secret, None));
    let value = format!(
        "{PREFIX}{}{KEY_MARK}{}",
        STANDARD_NO_PAD.encode(tag),
        key.fingerprint()
    );
    secret
        .metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(DATA_DIGEST_ANNOTATION.to_owned(), value);
}

/// What checking a Secret's data against its data digest found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The data, type and item set are what the controller wrote.
    Intact,
    /// No data digest (written before it existed, or stripped) or its key is no longer loaded.
    Unverifiable,
    /// Data, type or item set changed after the controller wrote them.
    Changed,
}

/// Checks `secret` (with its data) against its data digest. For a `patch` Secret only the items
/// `sealed` declares are covered (others belong to whoever made the Secret); otherwise every item.
pub fn check(secret: &Secret, sealed: &SealedSecret, keys: &UnsealingKeys) -> Check {
    let Some((tag, fingerprint)) = recorded(secret) else {
        return Check::Unverifiable;
    };
    let Some(key) = keys.iter().find(|k| k.fingerprint() == fingerprint) else {
        return Check::Unverifiable;
    };
    let patch = secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(PATCH_ANNOTATION))
        .is_some_and(|v| v == "true");
    let covered = patch.then(|| declared_items(sealed)).flatten();
    if let Some(covered) = &covered {
        let present: BTreeSet<&str> = secret
            .data
            .iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect();
        if covered.iter().any(|item| !present.contains(item.as_str())) {
            return Check::Changed;
        }
    }
    if key.verify_data_tag(parts(secret, covered.as_ref()), &tag) {
        Check::Intact
    } else {
        Check::Changed
    }
}

/// The item names the SealedSecret produces (`encryptedData` and `template.data`); `None` for
/// the legacy `spec.data` format, whose names are only known after decrypting.
fn declared_items(sealed: &SealedSecret) -> Option<BTreeSet<String>> {
    if sealed.spec.data.is_some() {
        return None;
    }
    let mut names: BTreeSet<String> = sealed.spec.encrypted_data.keys().cloned().collect();
    if let Some(templates) = sealed.spec.template.as_ref().and_then(|t| t.data.as_ref()) {
        names.extend(templates.keys().cloned());
    }
    Some(names)
}

fn recorded(secret: &Secret) -> Option<(Vec<u8>, &str)> {
    let value = secret
        .metadata
        .annotations
        .as_ref()?
        .get(DATA_DIGEST_ANNOTATION)?;
    let (tag, fingerprint) = value.strip_prefix(PREFIX)?.split_once(KEY_MARK)?;
    Some((STANDARD_NO_PAD.decode(tag).ok()?, fingerprint))
}

/// The tagged message: version, namespace, name, sealed digest, type, then name and value of
/// each covered item in name order (data is a BTreeMap). `covered: None` = every item.
fn parts<'a>(
    secret: &'a Secret,
    covered: Option<&'a BTreeSet<String>>,
) -> impl Iterator<Item = &'a [u8]> + 'a {
    let meta = &secret.metadata;
    let text = |s: Option<&'a String>| s.map_or(&b""[..], |s| s.as_bytes());
    let sealed_digest = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(DIGEST_ANNOTATION));
    let head = [
        VERSION,
        text(meta.namespace.as_ref()),
        text(meta.name.as_ref()),
        text(sealed_digest),
        secret.type_.as_deref().unwrap_or("Opaque").as_bytes(),
    ];
    let items = secret
        .data
        .iter()
        .flatten()
        .filter(move |(name, _)| covered.is_none_or(|c| c.contains(*name)))
        .flat_map(|(name, value)| [name.as_bytes(), value.0.as_slice()]);
    head.into_iter().chain(items)
}

/// The item names whose value differs between `existing` and `desired`, or that only one of
/// them has (for a `patch` Secret, only `desired`'s items count), plus `type` when it differs.
/// Names only: this feeds the `SecretRepaired` Event.
pub fn differences(existing: &Secret, desired: &Secret, patch: bool) -> Vec<String> {
    let empty = Default::default();
    let old = existing.data.as_ref().unwrap_or(&empty);
    let new = desired.data.as_ref().unwrap_or(&empty);
    let mut names: Vec<String> = Vec::new();
    for (name, value) in new {
        match old.get(name) {
            None => names.push(format!("{name} (deleted)")),
            Some(v) if v != value => names.push(format!("{name} (changed)")),
            Some(_) => {}
        }
    }
    if !patch {
        names.extend(
            old.keys()
                .filter(|name| !new.contains_key(*name))
                .map(|name| format!("{name} (added)")),
        );
    }
    if existing.type_.as_deref().unwrap_or("Opaque") != desired.type_.as_deref().unwrap_or("Opaque")
    {
        names.push("type".to_owned());
    }
    names
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::ByteString;
    use sealgate_core::seal::{KeyBits, KeyGenOptions, generate_key_pair};

    use super::*;

    fn key() -> PrivateKey {
        generate_key_pair(&KeyGenOptions {
            bits: KeyBits::Rsa2048,
            ..KeyGenOptions::default()
        })
        .and_then(|p| p.private_key())
        .unwrap()
    }

    fn secret(items: &[(&str, &str)]) -> Secret {
        let mut s = Secret::default();
        s.metadata.name = Some("s".to_owned());
        s.metadata.namespace = Some("n".to_owned());
        s.metadata.annotations = Some(BTreeMap::from([(
            DIGEST_ANNOTATION.to_owned(),
            "sha256:x".to_owned(),
        )]));
        s.data = Some(
            items
                .iter()
                .map(|(k, v)| ((*k).to_owned(), ByteString(v.as_bytes().to_vec())))
                .collect(),
        );
        s
    }

    fn sealed(items: &[&str]) -> SealedSecret {
        let mut s = SealedSecret::default();
        for item in items {
            s.spec
                .encrypted_data
                .insert((*item).to_owned(), "AgA=".to_owned());
        }
        s
    }

    #[test]
    fn every_kind_of_edit_is_noticed_and_the_annotation_shows_no_value() {
        let k = key();
        let keys: UnsealingKeys = [k].into_iter().collect();
        let Some(k) = keys.iter().next() else {
            panic!("no key")
        };
        let ss = sealed(&["a", "b"]);
        let mut written = secret(&[("a", "hunter2"), ("b", "x")]);
        stamp(&mut written, k);
        let annotation =
            written.metadata.annotations.as_ref().unwrap()[DATA_DIGEST_ANNOTATION].clone();
        assert!(annotation.starts_with(PREFIX) && annotation.ends_with(k.fingerprint()));
        assert!(!annotation.contains("hunter2") && !annotation.contains("aHVudGVyMg"));
        assert_eq!(check(&written, &ss, &keys), Check::Intact);

        let mut changed = written.clone();
        changed
            .data
            .as_mut()
            .unwrap()
            .insert("a".to_owned(), ByteString(b"other".to_vec()));
        assert_eq!(check(&changed, &ss, &keys), Check::Changed);
        let mut deleted = written.clone();
        deleted.data.as_mut().unwrap().remove("b");
        assert_eq!(check(&deleted, &ss, &keys), Check::Changed);
        let mut added = written.clone();
        added
            .data
            .as_mut()
            .unwrap()
            .insert("c".to_owned(), ByteString(b"1".to_vec()));
        assert_eq!(check(&added, &ss, &keys), Check::Changed);
        let mut retyped = written.clone();
        retyped.type_ = Some("kubernetes.io/basic-auth".to_owned());
        assert_eq!(check(&retyped, &ss, &keys), Check::Changed);
        let mut moved = written.clone();
        moved.metadata.name = Some("elsewhere".to_owned());
        assert_eq!(check(&moved, &ss, &keys), Check::Changed);

        let mut stripped = written.clone();
        stripped
            .metadata
            .annotations
            .as_mut()
            .unwrap()
            .remove(DATA_DIGEST_ANNOTATION);
        assert_eq!(check(&stripped, &ss, &keys), Check::Unverifiable);
        assert_eq!(
            check(&written, &ss, &UnsealingKeys::new()),
            Check::Unverifiable
        );

        assert_eq!(
            differences(&changed, &written, false),
            vec!["a (changed)".to_owned()]
        );
        assert_eq!(
            differences(&deleted, &written, false),
            vec!["b (deleted)".to_owned()]
        );
        assert_eq!(
            differences(&added, &written, false),
            vec!["c (added)".to_owned()]
        );
        assert_eq!(differences(&added, &written, true), Vec::<String>::new());
        assert_eq!(
            differences(&retyped, &written, false),
            vec!["type".to_owned()]
        );
    }

    #[test]
    fn a_patch_secret_covers_only_the_declared_items() {
        let keys: UnsealingKeys = [key()].into_iter().collect();
        let Some(k) = keys.iter().next() else {
            panic!("no key")
        };
        let ss = sealed(&["a"]);
        let mut ours = secret(&[("a", "1")]);
        stamp(&mut ours, k);
        let mut merged = ours.clone();
        merged
            .metadata
            .annotations
            .as_mut()
            .unwrap()
            .insert(PATCH_ANNOTATION.to_owned(), "true".to_owned());
        merged
            .data
            .as_mut()
            .unwrap()
            .insert("theirs".to_owned(), ByteString(b"t".to_vec()));
        assert_eq!(check(&merged, &ss, &keys), Check::Intact);
        merged.data.as_mut().unwrap().remove("a");
        assert_eq!(check(&merged, &ss, &keys), Check::Changed);
    }
}
