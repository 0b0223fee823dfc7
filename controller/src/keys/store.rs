//! Key Secrets as the API server has them right now: list and check them, name and create a new one.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{ListParams, ObjectMeta, PostParams};
use kube::{Api, ResourceExt};
use sealgate_core::seal::{GeneratedKeyPair, SealingCert};
use time::OffsetDateTime;

use super::ring::{KEY_LABEL, KEY_LABEL_ACTIVE, KeyInfo, KeySnapshot};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("listing key Secrets in namespace {namespace:?} failed: {source}")]
    List {
        namespace: String,
        #[source]
        source: kube::Error,
    },
    #[error("reading the legacy key Secret {namespace}/{name} failed: {source}")]
    Legacy {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
    #[error("creating key Secret {namespace}/{name} failed: {source}")]
    Create {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
}

/// Every key Secret in the controller namespace, read from the API server (never a cache:
/// the decision to create a key must see keys another replica created a moment ago).
#[derive(Default)]
pub struct KeyListing {
    /// As the API server returned them (for the backup).
    pub secrets: Vec<Secret>,
    /// The same Secrets parsed the way the keyring parses them.
    pub snapshot: KeySnapshot,
}

impl KeyListing {
    /// Reads the `active` key Secrets and the legacy Secret named exactly `legacy_name`.
    pub async fn fetch(
        api: &Api<Secret>,
        namespace: &str,
        legacy_name: &str,
    ) -> Result<Self, StoreError> {
        let selector = format!("{KEY_LABEL}={KEY_LABEL_ACTIVE}");
        let listed = api
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|source| StoreError::List {
                namespace: namespace.to_owned(),
                source,
            })?;
        let mut secrets = listed.items;
        if !secrets.iter().any(|s| s.name_any() == legacy_name) {
            let legacy = api
                .get_opt(legacy_name)
                .await
                .map_err(|source| StoreError::Legacy {
                    namespace: namespace.to_owned(),
                    name: legacy_name.to_owned(),
                    source,
                })?;
            secrets.extend(legacy);
        }
        Ok(Self::from_secrets(namespace, secrets))
    }

    pub fn from_secrets(namespace: &str, secrets: Vec<Secret>) -> Self {
        let snapshot = KeySnapshot::from_secrets(namespace, &secrets);
        Self { secrets, snapshot }
    }

    /// The key new Secrets are sealed with: the newest one with a usable cert.
    pub fn newest(&self) -> Option<&KeyInfo> {
        self.snapshot.newest()
    }

    /// Its ordering time (upstream's default `--key-order-priority CertNotBefore`).
    pub fn newest_time(&self) -> Option<OffsetDateTime> {
        self.newest()
            .and_then(|k| k.cert.as_ref())
            .map(SealingCert::not_before)
    }

    /// What identifies this set of key Secrets: their UIDs, sorted.
    pub fn generation(&self) -> Vec<String> {
        let mut uids: Vec<String> = self
            .secrets
            .iter()
            .map(|s| s.metadata.uid.clone().unwrap_or_else(|| s.name_any()))
            .collect();
        uids.sort();
        uids
    }

    /// The name of the next key Secret: `<prefix>` plus a hash of the key Secrets that exist
    /// now. Two replicas that decide on the same listing pick the same name, so the API server
    /// lets exactly one of them create it (the other gets 409) even if both think they lead.
    pub fn next_name(&self, prefix: &str) -> String {
        let mut hasher = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        hasher.update(b"sealgate next key after:");
        for uid in self.generation() {
            hasher.update(uid.as_bytes());
            hasher.update(b"\n");
        }
        let digest = hasher.finish();
        let suffix: String = digest.as_ref()[..5]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{prefix}{suffix}")
    }
}

/// Labels and annotations of created key Secrets (`--privatekey-labels/annotations`).
#[derive(Debug, Clone, Default)]
pub struct KeyMetadata {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// The key Secret upstream writes (§3.2): `kubernetes.io/tls`, `tls.key` + `tls.crt`, the
/// `active` label; ours is named by [`KeyListing::next_name`] instead of `generateName`.
pub fn key_secret(
    pair: &GeneratedKeyPair,
    name: &str,
    namespace: &str,
    extra: &KeyMetadata,
) -> Secret {
    let mut labels = extra.labels.clone();
    labels.insert(KEY_LABEL.to_owned(), KEY_LABEL_ACTIVE.to_owned());
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels),
            annotations: (!extra.annotations.is_empty()).then(|| extra.annotations.clone()),
            ..ObjectMeta::default()
        },
        type_: Some("kubernetes.io/tls".to_owned()),
        data: Some(BTreeMap::from([
            (
                "tls.crt".to_owned(),
                ByteString(pair.cert_pem().as_bytes().to_vec()),
            ),
            (
                "tls.key".to_owned(),
                ByteString(pair.key_pem().as_bytes().to_vec()),
            ),
        ])),
        ..Secret::default()
    }
}

/// The result of creating a key Secret under a deterministic name.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    Ours,
    /// Another replica created a Secret with that name first; ours was discarded.
    Lost,
}

pub async fn create(api: &Api<Secret>, secret: &Secret) -> Result<Created, StoreError> {
    match api.create(&PostParams::default(), secret).await {
        Ok(_) => Ok(Created::Ours),
        Err(kube::Error::Api(status)) if status.code == 409 => Ok(Created::Lost),
        Err(source) => Err(StoreError::Create {
            namespace: secret.metadata.namespace.clone().unwrap_or_default(),
            name: secret.name_any(),
            source,
        }),
    }
}

/// `k=v,k2=v2` (upstream's `--privatekey-labels` / `--privatekey-annotations`).
pub fn parse_pairs(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut pairs = BTreeMap::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (key, value) = item
            .split_once('=')
            .ok_or_else(|| format!("{item:?} is not key=value"))?;
        if key.trim().is_empty() {
            return Err(format!("{item:?} has an empty key"));
        }
        pairs.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sealgate_core::seal::{KeyBits, KeyGenOptions, generate_key_pair};

    fn pair() -> GeneratedKeyPair {
        let options = KeyGenOptions {
            bits: KeyBits::Rsa2048,
            ..KeyGenOptions::default()
        };
        generate_key_pair(&options).unwrap()
    }

    fn with_uid(mut secret: Secret, uid: &str) -> Secret {
        secret.metadata.uid = Some(uid.to_owned());
        secret
    }

    #[test]
    fn a_generated_secret_is_a_usable_upstream_key_secret() {
        let pair = pair();
        let extra = KeyMetadata {
            labels: BTreeMap::from([("team".into(), "a".into())]),
            annotations: BTreeMap::from([("note".into(), "x".into())]),
        };
        let secret = key_secret(&pair, "sealed-secrets-keyabc", "kube-system", &extra);
        assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
        let labels = secret.metadata.labels.clone().unwrap_or_default();
        assert_eq!(labels.get(KEY_LABEL).map(String::as_str), Some("active"));
        assert_eq!(labels.get("team").map(String::as_str), Some("a"));
        let listing = KeyListing::from_secrets("kube-system", vec![secret]);
        assert_eq!(listing.snapshot.infos.len(), 1);
        assert!(listing.snapshot.invalid.is_empty());
        let cert = pair.sealing_cert().unwrap();
        assert_eq!(
            listing.newest().map(|k| k.fingerprint.as_str()),
            Some(cert.fingerprint())
        );
        assert_eq!(listing.newest_time(), Some(cert.not_before()));
    }

    #[test]
    fn a_malformed_secret_is_reported_and_never_the_newest() {
        let a = pair();
        let good = key_secret(&a, "good", "ns", &KeyMetadata::default());
        let mut garbage = key_secret(&a, "garbage", "ns", &KeyMetadata::default());
        if let Some(data) = garbage.data.as_mut() {
            data.insert("tls.key".into(), ByteString(b"not a key".to_vec()));
        }
        let listing = KeyListing::from_secrets("ns", vec![garbage.clone()]);
        assert!(listing.newest().is_none());
        assert_eq!(listing.snapshot.invalid.len(), 1);
        let listing = KeyListing::from_secrets("ns", vec![garbage, good]);
        assert_eq!(
            listing.newest().map(|k| k.secret_name.as_str()),
            Some("good")
        );
    }

    #[test]
    fn next_name_is_deterministic_per_key_set_and_changes_with_it() {
        let a = pair();
        let s1 = with_uid(key_secret(&a, "k1", "ns", &KeyMetadata::default()), "uid-1");
        let s2 = with_uid(key_secret(&a, "k2", "ns", &KeyMetadata::default()), "uid-2");
        let empty = KeyListing::default();
        let one = KeyListing::from_secrets("ns", vec![s1.clone()]);
        let both = KeyListing::from_secrets("ns", vec![s2.clone(), s1.clone()]);
        let both_again = KeyListing::from_secrets("ns", vec![s1, s2]);
        let prefix = "sealed-secrets-key";
        assert_eq!(
            empty.next_name(prefix),
            KeyListing::default().next_name(prefix)
        );
        assert_eq!(both.next_name(prefix), both_again.next_name(prefix));
        assert_ne!(empty.next_name(prefix), one.next_name(prefix));
        assert_ne!(one.next_name(prefix), both.next_name(prefix));
        let name = both.next_name(prefix);
        assert!(
            name.starts_with(prefix) && name.len() == prefix.len() + 10,
            "{name}"
        );
    }

    #[test]
    fn pairs_parse_like_upstream_flags() {
        assert_eq!(
            parse_pairs("a=1, b = two ,c="),
            Ok(BTreeMap::from([
                ("a".into(), "1".into()),
                ("b".into(), "two".into()),
                ("c".into(), String::new())
            ]))
        );
        assert_eq!(parse_pairs(""), Ok(BTreeMap::new()));
        assert!(parse_pairs("novalue").is_err());
        assert!(parse_pairs("=x").is_err());
    }
}
