//! Key loading: watches the key Secrets in the controller namespace and keeps an up-to-date key set.
//!
//! Upstream reads the keys once at startup (new or removed keys need a restart) and crashes on a
//! malformed key Secret. Here the labelled Secrets and the legacy `sealed-secrets-key` Secret are
//! watched; every change rebuilds an immutable [`KeySnapshot`] that readers get through a
//! `watch` channel (cheap `Arc` clones). A malformed key Secret is logged, counted in
//! `sealgate_key_secrets_invalid` and reported as a Warning Event on that Secret — never fatal.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::{StreamExt, stream};
use k8s_openapi::api::core::v1::Secret;
use kube::runtime::events::{Event, EventType, Recorder};
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource, ResourceExt};
use sealgate_core::seal::{PrivateKey, SealingCert, UnsealingKeys};
use tokio::sync::watch;

use crate::metrics::Metrics;

/// Label that marks a key Secret; upstream uses only the value `active` (others, e.g.
/// `compromised`, are ignored).
pub const KEY_LABEL: &str = "sealedsecrets.bitnami.com/sealed-secrets-key";
pub const KEY_LABEL_ACTIVE: &str = "active";
/// The single key Secret of pre-0.9 installations, read whatever its labels.
pub const LEGACY_KEY_SECRET: &str = "sealed-secrets-key";

/// What is wrong with one key Secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeySecretError {
    #[error("key Secret {namespace}/{name} has no data[\"tls.key\"]")]
    MissingKey { namespace: String, name: String },
    #[error(
        "key Secret {namespace}/{name}: data[\"tls.key\"] is not a usable RSA private key: {reason}"
    )]
    BadKey {
        namespace: String,
        name: String,
        reason: String,
    },
}

/// One loaded key Secret, as key renewal and the key metrics need it (no key material).
#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub secret_name: String,
    pub fingerprint: String,
    /// The cert, when `tls.crt` parses (a key without a usable cert still unseals).
    pub cert: Option<SealingCert>,
    pub cert_pem: Option<String>,
    pub created: Option<k8s_openapi::jiff::Timestamp>,
}

/// The key set at one moment. Immutable; replaced as a whole when a key Secret changes.
#[derive(Debug, Default)]
pub struct KeySnapshot {
    /// Private keys, newest first (cert NotBefore), for unsealing.
    pub keys: UnsealingKeys,
    /// Every loaded key, newest first (same order as `keys`).
    pub infos: Vec<KeyInfo>,
    /// Key Secrets that could not be used, with why.
    pub invalid: Vec<KeySecretError>,
    /// True once the first LIST of the key Secrets has been seen.
    pub loaded: bool,
}

impl KeySnapshot {
    /// The newest key that has a usable cert: what sealing should use (`/v1/cert.pem`, ConfigMap).
    pub fn newest(&self) -> Option<&KeyInfo> {
        self.infos.iter().find(|i| i.cert.is_some())
    }

    /// PEM of the newest cert.
    pub fn newest_cert_pem(&self) -> Option<&str> {
        self.newest().and_then(|i| i.cert_pem.as_deref())
    }

    /// Builds a snapshot from key Secrets (any order; duplicates by name are read once).
    pub fn from_secrets<'a>(
        namespace: &str,
        secrets: impl IntoIterator<Item = &'a Secret>,
    ) -> Self {
        let mut keys = UnsealingKeys::new();
        let mut infos = Vec::new();
        let mut invalid = Vec::new();
        let mut seen = BTreeSet::new();
        for secret in secrets {
            let name = secret.name_any();
            if !seen.insert(name.clone()) {
                continue;
            }
            match parse_key_secret(namespace, secret) {
                Ok((key, info)) => {
                    keys.push(key);
                    infos.push(info);
                }
                Err(e) => invalid.push(e),
            }
        }
        // Same newest-first order as UnsealingKeys (which sorts by NotBefore).
        let position: BTreeMap<&str, usize> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.fingerprint(), i))
            .collect();
        infos.sort_by_key(|i| {
            position
                .get(i.fingerprint.as_str())
                .copied()
                .unwrap_or(usize::MAX)
        });
        infos.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Self {
            keys,
            infos,
            invalid,
            loaded: true,
        }
    }
}

fn parse_key_secret(
    namespace: &str,
    secret: &Secret,
) -> Result<(PrivateKey, KeyInfo), KeySecretError> {
    let name = secret.name_any();
    let data = secret.data.as_ref();
    let key_pem =
        data.and_then(|d| d.get("tls.key"))
            .ok_or_else(|| KeySecretError::MissingKey {
                namespace: namespace.to_owned(),
                name: name.clone(),
            })?;
    let key = PrivateKey::from_pem(&key_pem.0).map_err(|e| KeySecretError::BadKey {
        namespace: namespace.to_owned(),
        name: name.clone(),
        reason: e.to_string(),
    })?;
    let cert_bytes = data.and_then(|d| d.get("tls.crt")).map(|c| c.0.as_slice());
    let cert = cert_bytes.and_then(|c| SealingCert::inspect_pem(c).ok());
    if cert.is_none() {
        tracing::warn!(secret = %name, "key Secret has no usable tls.crt; its key unseals but is never used for sealing");
    }
    let key = match &cert {
        Some(c) => key.with_not_before(c.not_before()),
        None => key,
    };
    let info = KeyInfo {
        secret_name: name,
        fingerprint: key.fingerprint().to_owned(),
        cert_pem: cert
            .as_ref()
            .and(cert_bytes)
            .map(|c| String::from_utf8_lossy(c).into_owned()),
        cert,
        created: secret.metadata.creation_timestamp.as_ref().map(|t| t.0),
    };
    Ok((key, info))
}

/// Readers' handle on the current key set.
#[derive(Clone)]
pub struct Keyring {
    rx: watch::Receiver<Arc<KeySnapshot>>,
}

impl Keyring {
    /// A keyring fed by `tx` (see [`watch_keys`]); starts empty and not loaded.
    pub fn channel() -> (watch::Sender<Arc<KeySnapshot>>, Self) {
        let (tx, rx) = watch::channel(Arc::new(KeySnapshot::default()));
        (tx, Self { rx })
    }

    /// A fixed key set (tests, offline tools).
    pub fn fixed(snapshot: KeySnapshot) -> Self {
        let (_tx, rx) = watch::channel(Arc::new(snapshot));
        Self { rx }
    }

    pub fn current(&self) -> Arc<KeySnapshot> {
        self.rx.borrow().clone()
    }

    /// Changes of the key set (e.g. to publish a new cert or re-run failed items).
    pub fn subscribe(&self) -> watch::Receiver<Arc<KeySnapshot>> {
        self.rx.clone()
    }

    /// Waits for the first complete LIST of key Secrets.
    pub async fn wait_loaded(&self) -> Result<Arc<KeySnapshot>, watch::error::RecvError> {
        let mut rx = self.rx.clone();
        rx.wait_for(|s| s.loaded).await.map(|s| s.clone())
    }
}

/// Watches the key Secrets of `namespace` and publishes a new snapshot on every change, until
/// the watches end (never, in practice: watcher errors are retried with backoff).
pub async fn watch_keys(
    client: Client,
    namespace: String,
    tx: watch::Sender<Arc<KeySnapshot>>,
    recorder: Recorder,
    metrics: Arc<Metrics>,
) {
    let api: Api<Secret> = Api::namespaced(client, &namespace);
    let labelled_cfg =
        watcher::Config::default().labels(&format!("{KEY_LABEL}={KEY_LABEL_ACTIVE}"));
    let legacy_cfg =
        watcher::Config::default().fields(&format!("metadata.name={LEGACY_KEY_SECRET}"));
    let (labelled, labelled_writer) = reflector::store();
    let (legacy, legacy_writer) = reflector::store();
    let labelled_events = reflector::reflector(
        labelled_writer,
        watcher(api.clone(), labelled_cfg).default_backoff(),
    );
    let legacy_events =
        reflector::reflector(legacy_writer, watcher(api, legacy_cfg).default_backoff());
    let mut events = std::pin::pin!(stream::select(labelled_events, legacy_events));
    let mut last_signature = None;
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some(event) = events.next().await {
        match event {
            Err(e) => {
                tracing::warn!(error = %e, "watching key Secrets failed; retrying");
                continue;
            }
            Ok(watcher::Event::Init | watcher::Event::InitApply(_)) => continue,
            Ok(_) => {}
        }
        if !(ready(&labelled) && ready(&legacy)) {
            continue;
        }
        let secrets: Vec<Arc<Secret>> =
            labelled.state().into_iter().chain(legacy.state()).collect();
        let signature: BTreeSet<(String, String)> = secrets
            .iter()
            .map(|s| (s.name_any(), s.resource_version().unwrap_or_default()))
            .collect();
        if last_signature.as_ref() == Some(&signature) {
            continue;
        }
        let snapshot = KeySnapshot::from_secrets(&namespace, secrets.iter().map(|s| s.as_ref()));
        report_invalid(&snapshot, &secrets, &recorder, &mut reported).await;
        metrics
            .key_secrets_invalid
            .set(i64::try_from(snapshot.invalid.len()).unwrap_or(i64::MAX));
        tracing::info!(
            keys = snapshot.keys.len(),
            invalid = snapshot.invalid.len(),
            newest = snapshot
                .newest()
                .map(|k| k.fingerprint.as_str())
                .unwrap_or("-"),
            "key set loaded"
        );
        last_signature = Some(signature);
        if tx.send(Arc::new(snapshot)).is_err() {
            return;
        }
    }
}

fn ready(store: &Store<Secret>) -> bool {
    // A store is ready after its first InitDone; `wait_until_ready` would block, so peek with a
    // zero timeout instead.
    futures::FutureExt::now_or_never(store.wait_until_ready()).is_some()
}

/// One Warning Event per (Secret, resourceVersion) that fails to load, so a broken key Secret is
/// visible in `kubectl describe secret` without an event storm on every rebuild.
async fn report_invalid(
    snapshot: &KeySnapshot,
    secrets: &[Arc<Secret>],
    recorder: &Recorder,
    reported: &mut BTreeSet<(String, String)>,
) {
    for error in &snapshot.invalid {
        let (KeySecretError::MissingKey { name, .. } | KeySecretError::BadKey { name, .. }) = error;
        tracing::error!(error = %error, "ignoring malformed key Secret");
        let Some(secret) = secrets.iter().find(|s| &s.name_any() == name) else {
            continue;
        };
        let key = (name.clone(), secret.resource_version().unwrap_or_default());
        if !reported.insert(key) {
            continue;
        }
        let event = Event {
            type_: EventType::Warning,
            reason: "ErrKeyInvalid".to_owned(),
            note: Some(truncate_note(&error.to_string())),
            action: "LoadKey".to_owned(),
            secondary: None,
        };
        if let Err(e) = recorder.publish(&event, &secret.object_ref(&())).await {
            tracing::warn!(error = %e, secret = %name, "cannot record the malformed key Event");
        }
    }
}

/// Event notes are limited to 1 kB by the API server.
pub(crate) fn truncate_note(text: &str) -> String {
    const MAX: usize = 1000;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::ByteString;
    use kube::api::ObjectMeta;
    use sealgate_core::seal::{KeyBits, KeyGenOptions, generate_key_pair};

    fn key_secret(name: &str, key_pem: Option<&str>, cert_pem: Option<&str>) -> Secret {
        let mut data = BTreeMap::new();
        if let Some(k) = key_pem {
            data.insert("tls.key".to_owned(), ByteString(k.as_bytes().to_vec()));
        }
        if let Some(c) = cert_pem {
            data.insert("tls.crt".to_owned(), ByteString(c.as_bytes().to_vec()));
        }
        Secret {
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                ..ObjectMeta::default()
            },
            data: Some(data),
            type_: Some("kubernetes.io/tls".to_owned()),
            ..Secret::default()
        }
    }

    #[test]
    fn malformed_key_secrets_are_listed_and_good_ones_still_load()
    -> Result<(), Box<dyn std::error::Error>> {
        let pair = generate_key_pair(&KeyGenOptions {
            bits: KeyBits::Rsa2048,
            ..KeyGenOptions::default()
        })?;
        let good = key_secret("good", Some(pair.key_pem()), Some(pair.cert_pem()));
        let no_key = key_secret("no-key", None, Some(pair.cert_pem()));
        let garbage = key_secret(
            "garbage",
            Some("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
            None,
        );
        let snapshot = KeySnapshot::from_secrets("ns", [&good, &no_key, &garbage]);
        assert_eq!(snapshot.keys.len(), 1);
        assert_eq!(snapshot.invalid.len(), 2);
        assert!(
            matches!(&snapshot.invalid[0], KeySecretError::MissingKey { name, .. } if name == "no-key")
        );
        assert!(
            matches!(&snapshot.invalid[1], KeySecretError::BadKey { name, .. } if name == "garbage")
        );
        assert_eq!(snapshot.newest_cert_pem(), Some(pair.cert_pem()));
        Ok(())
    }

    #[test]
    fn key_without_cert_unseals_but_is_not_newest() -> Result<(), Box<dyn std::error::Error>> {
        let pair = generate_key_pair(&KeyGenOptions {
            bits: KeyBits::Rsa2048,
            ..KeyGenOptions::default()
        })?;
        let bare = key_secret("bare", Some(pair.key_pem()), None);
        let snapshot = KeySnapshot::from_secrets("ns", [&bare]);
        assert_eq!(snapshot.keys.len(), 1);
        assert!(snapshot.invalid.is_empty());
        assert!(snapshot.newest().is_none());
        Ok(())
    }

    #[test]
    fn long_notes_are_cut_on_a_char_boundary() {
        let long = "é".repeat(800);
        let cut = truncate_note(&long);
        assert!(cut.len() <= 1004);
        assert!(cut.ends_with('…'));
    }
}
