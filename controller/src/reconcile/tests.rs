//! Reconcile decisions against a mocked cluster: what is read, written, reported and retried.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use sealgate_core::seal::{
    KeyBits, KeyGenOptions, PrivateKey, SEALED_FOR_ANNOTATION, Scope, SealingCert,
    generate_key_pair, seal_raw,
};
use tokio::sync::watch;

use super::cluster::{Cached, Cluster, Severity};
use super::digest::{DIGEST_ANNOTATION, FINGERPRINT_ANNOTATION};
use super::plan::MANAGED_ANNOTATION;
use super::*;
use crate::crd::SealedSecretResource;
use crate::keys::{KeySnapshot, Keyring};
use sealgate_core::seal::SealedSecretStatus;

#[derive(Default)]
struct MockCluster {
    secrets: Mutex<BTreeMap<String, Secret>>,
    log: Mutex<Vec<String>>,
    statuses: Mutex<Vec<SealedSecretStatus>>,
    reject_immutable: bool,
    /// What the Secret watch shows (`None`: no watch); may lag behind `secrets`.
    watch_cache: Mutex<Option<BTreeMap<String, Secret>>>,
    /// The last resourceVersion handed out, as the API server does on every write.
    version: Mutex<u64>,
}

impl MockCluster {
    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
    fn note(&self, line: String) {
        self.log.lock().unwrap().push(line);
    }
    fn secret(&self, name: &str) -> Option<Secret> {
        self.secrets.lock().unwrap().get(name).cloned()
    }
    /// Stores `secret` under a new resourceVersion, as the API server does; returns it.
    fn store(&self, secret: &Secret) -> Option<String> {
        let mut version = self.version.lock().unwrap();
        *version += 1;
        let mut stored = secret.clone();
        stored.metadata.resource_version = Some(version.to_string());
        let name = stored.metadata.name.clone().unwrap_or_default();
        self.secrets.lock().unwrap().insert(name, stored);
        Some(version.to_string())
    }
}

fn api_error(code: u16, message: &str) -> kube::Error {
    kube::Error::Api(Box::new(kube::core::Status {
        code,
        message: message.to_owned(),
        ..kube::core::Status::default()
    }))
}

impl Cluster for Arc<MockCluster> {
    async fn cached_secret(&self, _namespace: &str, name: &str) -> Cached {
        match self.watch_cache.lock().unwrap().as_ref() {
            None => Cached::Unknown,
            Some(cache) => match cache.get(name) {
                Some(secret) => Cached::Present(Box::new(Secret {
                    metadata: secret.metadata.clone(),
                    ..Secret::default()
                })),
                None => Cached::Absent,
            },
        }
    }
    async fn get_secret(
        &self,
        _namespace: &str,
        name: &str,
    ) -> Result<Option<Secret>, kube::Error> {
        self.note(format!("get {name}"));
        Ok(self.secret(name))
    }
    async fn create_secret(
        &self,
        _namespace: &str,
        secret: &Secret,
    ) -> Result<Option<String>, kube::Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        self.note(format!("create {name}"));
        if self.secrets.lock().unwrap().contains_key(&name) {
            return Err(kube::Error::Api(Box::new(kube::core::Status {
                code: 409,
                reason: "AlreadyExists".to_owned(),
                ..kube::core::Status::default()
            })));
        }
        Ok(self.store(secret))
    }
    async fn replace_secret(
        &self,
        _namespace: &str,
        secret: &Secret,
    ) -> Result<Option<String>, kube::Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        self.note(format!("replace {name}"));
        if self.reject_immutable {
            return Err(api_error(
                422,
                "Secret \"s\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
            ));
        }
        Ok(self.store(secret))
    }
    async fn delete_secret(&self, _namespace: &str, secret: &Secret) -> Result<(), kube::Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        self.note(format!("delete {name}"));
        self.secrets.lock().unwrap().remove(&name);
        Ok(())
    }
    async fn write_status(
        &self,
        _sealed: &SealedSecretResource,
        status: &SealedSecretStatus,
    ) -> Result<(), kube::Error> {
        let c = &status.conditions[0];
        self.note(format!("status {}", c.status));
        self.statuses.lock().unwrap().push(status.clone());
        Ok(())
    }
    async fn event(
        &self,
        _sealed: &SealedSecretResource,
        severity: Severity,
        reason: &str,
        note: &str,
    ) {
        self.note(format!("event {severity:?} {reason}: {note}"));
    }
}

struct Keys {
    cert: SealingCert,
    key: PrivateKey,
}

fn keys() -> Keys {
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        ..KeyGenOptions::default()
    })
    .unwrap();
    Keys {
        cert: pair.sealing_cert().unwrap(),
        key: pair.private_key().unwrap(),
    }
}

fn context(
    cluster: Arc<MockCluster>,
    key: PrivateKey,
    leader: bool,
) -> Arc<Context<Arc<MockCluster>>> {
    let snapshot = KeySnapshot {
        keys: [key].into_iter().collect(),
        loaded: true,
        ..KeySnapshot::default()
    };
    let (_tx, is_leader) = watch::channel(leader);
    let settings = Settings {
        accept_deprecated_v1_data: true,
        update_status: true,
        resync_period: Duration::from_secs(600),
        max_retry_backoff: Duration::from_secs(60),
    };
    Arc::new(Context::new(
        cluster,
        Keyring::fixed(snapshot),
        Arc::new(Metrics::new()),
        settings,
        is_leader,
    ))
}

/// A SealedSecret `n/s` with items sealed for `sealed_for` (namespace) in strict scope.
fn sealed_secret(
    cert: &SealingCert,
    sealed_for: &str,
    items: &[(&str, &str)],
) -> SealedSecretResource {
    let encrypted: BTreeMap<String, String> = items
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                seal_raw(
                    cert,
                    Scope::Strict,
                    Some(sealed_for),
                    Some("s"),
                    v.as_bytes(),
                )
                .unwrap(),
            )
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
        "metadata": {"name": "s", "namespace": "n", "uid": "uid-1", "generation": 1},
        "spec": {"encryptedData": encrypted, "template": {"metadata": {"labels": {"app": "x"}}}}
    }))
    .unwrap()
}

fn value(secret: &Secret, key: &str) -> String {
    String::from_utf8_lossy(&secret.data.as_ref().unwrap()[key].0).into_owned()
}

fn counter(ctx: &Context<Arc<MockCluster>>) -> u64 {
    ctx.metrics.rsa_operations.get()
}

#[tokio::test]
async fn creates_the_secret_then_takes_the_fast_path() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let mut sealed = sealed_secret(&k.cert, "n", &[("a", "1"), ("b", "2")]);

    let action = reconcile(Arc::new(sealed.clone()), ctx.clone())
        .await
        .unwrap();
    assert_eq!(action, Action::requeue(Duration::from_secs(600)));
    let secret = cluster.secret("s").unwrap();
    assert_eq!(
        (value(&secret, "a"), value(&secret, "b")),
        ("1".to_owned(), "2".to_owned())
    );
    let annotations = secret.metadata.annotations.clone().unwrap();
    assert!(annotations[DIGEST_ANNOTATION].starts_with("sha256:"));
    assert_eq!(annotations[FINGERPRINT_ANNOTATION], k.cert.fingerprint());
    assert_eq!(secret.metadata.labels.clone().unwrap()["app"], "x");
    let owner = &secret.metadata.owner_references.clone().unwrap()[0];
    assert_eq!(
        (owner.uid.as_str(), owner.controller),
        ("uid-1", Some(true))
    );
    assert_eq!(counter(&ctx), 2, "one RSA operation per item");
    assert_eq!(
        cluster.log(),
        vec![
            "get s",
            "create s",
            "status True",
            "event Normal Unsealed: SealedSecret unsealed successfully"
        ]
    );

    // The status came back from the API server; a resync now decrypts nothing and writes nothing.
    sealed.status = cluster.statuses.lock().unwrap().last().cloned();
    reconcile(Arc::new(sealed), ctx.clone()).await.unwrap();
    assert_eq!(counter(&ctx), 2);
    assert_eq!(ctx.metrics.fast_path_hits.get(), 1);
    // Only a GET, and the Unsealed Event upstream sends after every successful reconcile.
    assert_eq!(
        cluster.log()[4..],
        [
            "get s",
            "event Normal Unsealed: SealedSecret unsealed successfully"
        ],
        "{:?}",
        cluster.log()
    );
}

#[tokio::test]
async fn the_watch_cache_spares_the_get_and_a_stale_one_is_caught_by_the_create() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let mut sealed = sealed_secret(&k.cert, "n", &[("a", "1")]);

    // The watch shows no Secret: create without a GET.
    *cluster.watch_cache.lock().unwrap() = Some(BTreeMap::new());
    reconcile(Arc::new(sealed.clone()), ctx.clone())
        .await
        .unwrap();
    assert_eq!(cluster.log()[..2], ["create s", "status True"]);

    // The watch shows it in sync: nothing is read, decrypted or written.
    sealed.status = cluster.statuses.lock().unwrap().last().cloned();
    let in_sync = cluster.secrets.lock().unwrap().clone();
    *cluster.watch_cache.lock().unwrap() = Some(in_sync);
    let before = cluster.log().len();
    reconcile(Arc::new(sealed.clone()), ctx.clone())
        .await
        .unwrap();
    assert_eq!(
        cluster.log()[before..],
        ["event Normal Unsealed: SealedSecret unsealed successfully"],
        "only the Event: {:?}",
        cluster.log()
    );
    assert_eq!((counter(&ctx), ctx.metrics.fast_path_hits.get()), (1, 1));

    // The watch lags (says absent, yet the Secret exists with an old value): the create's 409
    // leads to a GET and a replace, within the same reconcile and without an error.
    *cluster.watch_cache.lock().unwrap() = Some(BTreeMap::new());
    let changed = sealed_secret(&k.cert, "n", &[("a", "2")]);
    let before = cluster.log().len();
    reconcile(Arc::new(changed), ctx.clone()).await.unwrap();
    assert_eq!(
        cluster.log()[before..before + 3],
        ["create s", "get s", "replace s"]
    );
    assert_eq!(value(&cluster.secret("s").unwrap(), "a"), "2");
}

#[tokio::test]
async fn changed_item_is_rewritten_with_the_hinted_key() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    reconcile(
        Arc::new(sealed_secret(&k.cert, "n", &[("a", "1")])),
        ctx.clone(),
    )
    .await
    .unwrap();
    reconcile(
        Arc::new(sealed_secret(&k.cert, "n", &[("a", "2"), ("c", "3")])),
        ctx.clone(),
    )
    .await
    .unwrap();
    let secret = cluster.secret("s").unwrap();
    assert_eq!(value(&secret, "a"), "2");
    assert_eq!(value(&secret, "c"), "3");
    assert_eq!(counter(&ctx), 3);
    assert!(cluster.log().contains(&"replace s".to_owned()));
}

#[tokio::test]
async fn unmanaged_secret_is_refused_without_decrypting() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let foreign = Secret {
        metadata: ObjectMeta {
            name: Some("s".to_owned()),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([(
            "a".to_owned(),
            ByteString(b"theirs".to_vec()),
        )])),
        ..Secret::default()
    };
    cluster
        .secrets
        .lock()
        .unwrap()
        .insert("s".to_owned(), foreign.clone());
    let ctx = context(cluster.clone(), k.key, true);
    let sealed = Arc::new(sealed_secret(&k.cert, "n", &[("a", "1")]));
    let error = reconcile(sealed.clone(), ctx.clone()).await.unwrap_err();
    assert!(matches!(error, SyncError::Unmanaged { .. }));
    assert_eq!(counter(&ctx), 0);
    assert_eq!(cluster.secret("s"), Some(foreign));
    let log = cluster.log();
    assert_eq!(log[1], "status False");
    assert_eq!(
        log[2],
        "event Warning ErrUpdateFailed: Resource \"s\" already exists and is not managed by SealedSecret"
    );
    let message = cluster.statuses.lock().unwrap()[0].conditions[0]
        .message
        .clone();
    assert_eq!(
        message.as_deref(),
        Some("Resource \"s\" already exists and is not managed by SealedSecret")
    );
    assert!(ctx.metrics.encode().contains("reason=\"unmanaged\""));

    // Taking it over with the `managed` annotation works on the next try.
    let mut managed = cluster.secret("s").unwrap();
    managed.metadata.annotations = Some(BTreeMap::from([(
        MANAGED_ANNOTATION.to_owned(),
        "true".to_owned(),
    )]));
    cluster
        .secrets
        .lock()
        .unwrap()
        .insert("s".to_owned(), managed);
    reconcile(sealed, ctx).await.unwrap();
    assert_eq!(value(&cluster.secret("s").unwrap(), "a"), "1");
}

#[tokio::test]
async fn wrong_namespace_reports_unseal_failure_and_writes_no_secret() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let sealed = Arc::new(sealed_secret(&k.cert, "other-namespace", &[("a", "1")]));
    let error = reconcile(sealed.clone(), ctx.clone()).await.unwrap_err();
    assert!(matches!(error, SyncError::Unseal(_)));
    assert!(cluster.secret("s").is_none());
    let log = cluster.log();
    assert_eq!(log[1], "status False");
    assert!(
        log[2].starts_with(
            "event Warning ErrUnsealFailed: Failed to unseal: cannot decrypt item \"a\""
        ),
        "{log:?}"
    );
    assert_eq!(counter(&ctx), 1, "the only key was tried once");
    // Retries back off exponentially up to the cap and never stop.
    let delays: Vec<Action> = (0..10)
        .map(|_| error_policy(sealed.clone(), &error, ctx.clone()))
        .collect();
    assert_eq!(delays[0], Action::requeue(Duration::from_millis(500)));
    assert_eq!(delays[1], Action::requeue(Duration::from_secs(1)));
    assert_eq!(delays[9], Action::requeue(Duration::from_secs(60)));
}

#[tokio::test]
async fn immutable_secret_is_reported_and_not_hammered() {
    let k = keys();
    let cluster = Arc::new(MockCluster {
        reject_immutable: true,
        ..MockCluster::default()
    });
    let ctx = context(cluster.clone(), k.key, true);
    reconcile(
        Arc::new(sealed_secret(&k.cert, "n", &[("a", "1")])),
        ctx.clone(),
    )
    .await
    .unwrap();
    let action = reconcile(
        Arc::new(sealed_secret(&k.cert, "n", &[("a", "2")])),
        ctx.clone(),
    )
    .await
    .unwrap();
    assert_eq!(action, Action::requeue(Duration::from_secs(600)));
    assert!(
        cluster
            .log()
            .iter()
            .any(|l| l.starts_with("event Warning ErrUpdateFailed: Secret \"s\" is immutable"))
    );
}

#[tokio::test]
async fn followers_write_nothing() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, false);
    let action = reconcile(
        Arc::new(sealed_secret(&k.cert, "n", &[("a", "1")])),
        ctx.clone(),
    )
    .await
    .unwrap();
    assert_eq!(action, Action::await_change());
    assert!(cluster.log().is_empty());
}

#[tokio::test]
async fn template_data_is_rendered_over_the_items() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let mut sealed = sealed_secret(&k.cert, "n", &[("user", "admin"), ("pass", "s3cret")]);
    sealed.spec.template.as_mut().unwrap().data = Some(BTreeMap::from([
        (
            "url".to_owned(),
            "postgres://{{ .user }}:{{ .pass }}@db".to_owned(),
        ),
        ("pass".to_owned(), "{{ .pass | b64enc }}".to_owned()),
    ]));
    reconcile(Arc::new(sealed), ctx).await.unwrap();
    let secret = cluster.secret("s").unwrap();
    assert_eq!(value(&secret, "url"), "postgres://admin:s3cret@db");
    assert_eq!(
        value(&secret, "pass"),
        "czNjcmV0",
        "a template wins over the item of the same name"
    );
    assert_eq!(value(&secret, "user"), "admin");
}

/// `sealgate seal`'s hint is the SealedSecret's own (top-level) annotation: the Secret's metadata
/// comes from the template, as upstream's `Unseal` does it, so the hint never reaches the Secret.
#[tokio::test]
async fn the_sealed_for_hint_stays_on_the_sealed_secret() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let mut sealed = sealed_secret(&k.cert, "n", &[("a", "1")]);
    sealed.metadata.annotations = Some(BTreeMap::from([(
        SEALED_FOR_ANNOTATION.to_owned(),
        k.cert.fingerprint().to_owned(),
    )]));
    reconcile(Arc::new(sealed), ctx).await.unwrap();
    let secret = cluster.secret("s").unwrap();
    assert_eq!(value(&secret, "a"), "1");
    let annotations = secret.metadata.annotations.unwrap_or_default();
    assert!(
        !annotations.contains_key(SEALED_FOR_ANNOTATION),
        "{annotations:?}"
    );
}

#[tokio::test]
async fn unsupported_template_construct_is_named_in_the_status() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let mut sealed = sealed_secret(&k.cert, "n", &[("a", "1")]);
    sealed.spec.template.as_mut().unwrap().data = Some(BTreeMap::from([(
        "t".to_owned(),
        "{{ env \"HOME\" }}".to_owned(),
    )]));
    let error = reconcile(Arc::new(sealed), ctx).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("spec.template.data[\"t\"]: "),
        "{message}"
    );
    assert!(message.contains("env"), "{message}");
    assert!(cluster.secret("s").is_none());
    let status = cluster.statuses.lock().unwrap()[0].clone();
    assert_eq!(status.conditions[0].status, "False");
    assert_eq!(
        status.conditions[0].message.as_deref(),
        Some(message.as_str())
    );
}

#[test]
fn retry_delays_double_from_half_a_second_and_never_exceed_the_cap() {
    let delays: Vec<Duration> = retry_delays(Duration::from_secs(300)).take(30).collect();
    assert_eq!(delays[0], Duration::from_millis(500));
    assert_eq!(delays[1], Duration::from_secs(1));
    assert_eq!(delays[9], Duration::from_secs(256));
    assert_eq!(delays[10], Duration::from_secs(300));
    assert_eq!(delays[29], Duration::from_secs(300), "never gives up");
    let short: Vec<Duration> = retry_delays(Duration::from_millis(200)).take(3).collect();
    assert_eq!(
        short,
        vec![Duration::from_millis(200); 3],
        "a cap below 500 ms wins"
    );
}

/// Someone else's write to the stored Secret (a new resourceVersion, as with `kubectl edit`),
/// recorded in managedFields under `manager`.
fn tamper(cluster: &MockCluster, manager: &str, edit: impl FnOnce(&mut Secret)) {
    let mut secret = cluster.secret("s").unwrap();
    edit(&mut secret);
    secret.metadata.managed_fields = Some(vec![
        k8s_openapi::apimachinery::pkg::apis::meta::v1::ManagedFieldsEntry {
            manager: Some(manager.to_owned()),
            operation: Some("Update".to_owned()),
            fields_type: Some("FieldsV1".to_owned()),
            fields_v1: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::FieldsV1(
                serde_json::json!({"f:data": {"f:a": {}}}),
            )),
            ..Default::default()
        },
    ]);
    cluster.store(&secret);
}

#[tokio::test]
async fn an_edited_secret_is_checked_repaired_and_reported_by_name_only() {
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let sealed = Arc::new(sealed_secret(&k.cert, "n", &[("a", "1"), ("b", "2")]));
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    assert_eq!(counter(&ctx), 2);

    // Unchanged: the version we wrote is known, nothing is decrypted.
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    assert_eq!(counter(&ctx), 2);

    // One value changed and one item deleted, annotations kept: found by the data check,
    // rewritten (one RSA operation per item), reported without values.
    tamper(&cluster, "kubectl-edit", |s| {
        let data = s.data.as_mut().unwrap();
        data.insert("a".to_owned(), ByteString(b"planted-value".to_vec()));
        data.remove("b");
    });
    let before = cluster.log().len();
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    assert_eq!(counter(&ctx), 4);
    let secret = cluster.secret("s").unwrap();
    assert_eq!(
        (value(&secret, "a"), value(&secret, "b")),
        ("1".to_owned(), "2".to_owned())
    );
    let log = cluster.log()[before..].to_vec();
    assert_eq!(log[..2], ["get s", "replace s"], "{log:?}");
    let repaired = log
        .iter()
        .find(|l| l.starts_with("event Warning SecretRepaired: "))
        .unwrap_or_else(|| panic!("no SecretRepaired Event: {log:?}"));
    assert!(
        repaired.contains("a (changed)")
            && repaired.contains("b (deleted)")
            && repaired.contains("\"kubectl-edit\""),
        "{repaired}"
    );
    assert!(
        !log.iter()
            .any(|l| l.contains("planted-value") || l.contains(": 1")),
        "{log:?}"
    );
    assert_eq!(ctx.metrics.secrets_repaired.get(), 1);

    // Our own write does not come back as a repair.
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    assert_eq!((counter(&ctx), ctx.metrics.secrets_repaired.get()), (4, 1));

    // The type changed (re-created by someone with our annotations): re-created again.
    tamper(&cluster, "kubectl-replace", |s| {
        s.type_ = Some("kubernetes.io/basic-auth".to_owned());
    });
    let before = cluster.log().len();
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    let log = cluster.log()[before..].to_vec();
    assert_eq!(log[..3], ["get s", "delete s", "create s"], "{log:?}");
    assert_eq!(
        cluster.secret("s").unwrap().type_.as_deref(),
        Some("Opaque")
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("event Warning SecretRepaired: ") && l.contains("type"))
    );
    assert_eq!(ctx.metrics.secrets_repaired.get(), 2);
}

#[tokio::test]
async fn a_rewrite_that_changes_no_data_is_no_repair() {
    // A Secret written before the data digest existed (or with the annotation stripped): the
    // data check cannot decide, so it is rewritten once, quietly when the data was right.
    let k = keys();
    let cluster = Arc::new(MockCluster::default());
    let ctx = context(cluster.clone(), k.key, true);
    let sealed = Arc::new(sealed_secret(&k.cert, "n", &[("a", "1")]));
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    tamper(&cluster, "old-controller", |s| {
        s.metadata
            .annotations
            .as_mut()
            .unwrap()
            .remove(data_digest::DATA_DIGEST_ANNOTATION);
    });
    reconcile(sealed.clone(), ctx.clone()).await.unwrap();
    assert!(cluster.log().contains(&"replace s".to_owned()));
    assert!(!cluster.log().iter().any(|l| l.contains("SecretRepaired")));
    assert_eq!(ctx.metrics.secrets_repaired.get(), 0);
    let annotations = cluster.secret("s").unwrap().metadata.annotations.unwrap();
    assert!(annotations.contains_key(data_digest::DATA_DIGEST_ANNOTATION));
}
