//! An in-process sealgate-controller for integration tests: CRD installed, one namespace, keys.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client};
use sealgate_controller::config::Config;
use sealgate_controller::crd::{SYNCED, SealedSecretResource, crd};
use sealgate_controller::keys::{KEY_LABEL, KEY_LABEL_ACTIVE};
use sealgate_controller::run::{Running, start};
use sealgate_core::seal::{
    GeneratedKeyPair, KeyBits, KeyGenOptions, Scope, generate_key_pair, seal_raw,
};

use sealgate_tests::{DEFAULT_WAIT, eventually};

pub type BoxError = Box<dyn Error + Send + Sync>;

/// A test's control plane client, its kubeconfig and a fresh namespace, with the CRD installed.
pub struct Setup {
    pub client: Client,
    pub kubeconfig: std::path::PathBuf,
    pub ns: sealgate_tests::TestNamespace,
}

/// [`Setup`] for `test`; `None` (after a SKIPPED line) without a control plane.
pub async fn setup(test: &str, prefix: &str) -> Result<Option<Setup>, BoxError> {
    let Some(cluster) = sealgate_tests::cluster(test).await? else {
        return Ok(None);
    };
    install_crd(&cluster.client).await?;
    let ns = sealgate_tests::TestNamespace::create(&cluster.client, prefix).await?;
    Ok(Some(Setup {
        client: cluster.client.clone(),
        kubeconfig: cluster.kubeconfig.clone(),
        ns,
    }))
}

/// Installs (server-side apply, idempotent across parallel tests) the generated CRD and waits
/// until it is served.
pub async fn install_crd(client: &Client) -> Result<(), BoxError> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let definition = crd()?;
    let name = "sealedsecrets.bitnami.com";
    crds.patch(
        name,
        &PatchParams::apply("sealgate-tests").force(),
        &Patch::Apply(&definition),
    )
    .await?;
    tokio::time::timeout(
        DEFAULT_WAIT,
        await_condition(crds, name, conditions::is_crd_established()),
    )
    .await??;
    Ok(())
}

/// A fresh RSA key pair (2048 bits: generation stays fast on shared CI cores; the controller
/// reads any size) stored as an upstream-style key Secret named `name` in `namespace`.
pub async fn add_key_secret(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<GeneratedKeyPair, BoxError> {
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        ..KeyGenOptions::default()
    })?;
    let secret = key_secret(name, pair.key_pem().as_bytes(), pair.cert_pem().as_bytes());
    Api::<Secret>::namespaced(client.clone(), namespace)
        .create(&PostParams::default(), &secret)
        .await?;
    Ok(pair)
}

/// A `kubernetes.io/tls` Secret with upstream's active-key label.
pub fn key_secret(name: &str, key_pem: &[u8], cert_pem: &[u8]) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(BTreeMap::from([(
                KEY_LABEL.to_owned(),
                KEY_LABEL_ACTIVE.to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        type_: Some("kubernetes.io/tls".to_owned()),
        data: Some(BTreeMap::from([
            ("tls.key".to_owned(), ByteString(key_pem.to_vec())),
            ("tls.crt".to_owned(), ByteString(cert_pem.to_vec())),
        ])),
        ..Secret::default()
    }
}

/// A SealedSecret `namespace/name` whose items are sealed for `sealed_for` (namespace) in `scope`.
pub fn sealed(
    pair: &GeneratedKeyPair,
    namespace: &str,
    name: &str,
    scope: Scope,
    sealed_for: &str,
    items: &[(&str, &str)],
    template: serde_json::Value,
) -> Result<SealedSecretResource, BoxError> {
    let cert = pair.sealing_cert()?;
    let mut encrypted = BTreeMap::new();
    for (k, v) in items {
        let (ns, n) = match scope {
            Scope::Strict => (Some(sealed_for), Some(name)),
            Scope::NamespaceWide => (Some(sealed_for), None),
            Scope::ClusterWide => (None, None),
        };
        encrypted.insert(
            (*k).to_owned(),
            seal_raw(&cert, scope, ns, n, v.as_bytes())?,
        );
    }
    let mut annotations = BTreeMap::new();
    scope.apply_to(&mut annotations);
    Ok(serde_json::from_value(serde_json::json!({
        "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
        "spec": {"encryptedData": encrypted, "template": template}
    }))?)
}

pub async fn create(
    client: &Client,
    ss: &SealedSecretResource,
) -> Result<SealedSecretResource, BoxError> {
    let ns = ss.metadata.namespace.clone().unwrap_or_default();
    Ok(Api::<SealedSecretResource>::namespaced(client.clone(), &ns)
        .create(&PostParams::default(), ss)
        .await?)
}

/// Replaces an existing SealedSecret's spec (on top of its current resourceVersion).
pub async fn update(client: &Client, ss: &SealedSecretResource) -> Result<(), BoxError> {
    let ns = ss.metadata.namespace.clone().unwrap_or_default();
    let name = ss.metadata.name.clone().unwrap_or_default();
    let api = Api::<SealedSecretResource>::namespaced(client.clone(), &ns);
    let mut next = ss.clone();
    // The controller writes the status right after it writes the Secret a test waits for: a
    // replace based on the version read before that write conflicts (409), so read again and
    // retry, as any client of an object a controller also writes must.
    let mut attempts = 0;
    loop {
        next.metadata.resource_version = api.get(&name).await?.metadata.resource_version;
        match api.replace(&name, &PostParams::default(), &next).await {
            Err(kube::Error::Api(status)) if status.code == 409 && attempts < 5 => attempts += 1,
            result => {
                result?;
                return Ok(());
            }
        }
    }
}

/// Starts a controller for `namespace` only (keys and SealedSecrets both there), with short
/// retry and resync periods so tests converge quickly.
pub async fn start_controller(
    kubeconfig: &std::path::Path,
    namespace: &str,
    extra: &[&str],
) -> Result<Running, BoxError> {
    let mut args: Vec<std::ffi::OsString> = vec![
        "sealgate-controller".into(),
        "--kubeconfig".into(),
        kubeconfig.as_os_str().to_owned(),
        "--namespace".into(),
        namespace.into(),
    ];
    // Defaults a test may override through `extra`.
    let defaults = [
        "--all-namespaces=false",
        "--resync-period=5s",
        "--max-retry-backoff=2s",
        // Several controllers run in one test process: ephemeral ports.
        "--listen-addr=127.0.0.1:0",
        "--listen-metrics-addr=127.0.0.1:0",
    ];
    for default in defaults {
        let flag = default.split('=').next().unwrap_or(default);
        if !extra.iter().any(|e| e.split('=').next() == Some(flag)) {
            args.push(default.into());
        }
    }
    args.extend(extra.iter().map(Into::into));
    let config = Config::parse_from_with(args, |_| None)?;
    Ok(start(config, std::future::pending()).await?)
}

/// Waits for the `Synced` condition of `ns/name` to be `status`; returns its message.
pub async fn wait_synced(
    client: &Client,
    namespace: &str,
    name: &str,
    status: &str,
) -> Result<String, BoxError> {
    let api: Api<SealedSecretResource> = Api::namespaced(client.clone(), namespace);
    let message = eventually(
        &format!("SealedSecret {namespace}/{name} Synced={status}"),
        DEFAULT_WAIT,
        || async {
            let ss = api.get(name).await.map_err(|e| e.to_string())?;
            let condition = ss
                .status
                .iter()
                .flat_map(|s| &s.conditions)
                .find(|c| c.type_ == SYNCED)
                .ok_or("no Synced condition yet")?;
            if condition.status != status {
                return Err(format!(
                    "Synced={} message={:?}",
                    condition.status, condition.message
                ));
            }
            if ss.status.as_ref().and_then(|s| s.observed_generation) != ss.metadata.generation {
                return Err("observedGeneration lags".to_owned());
            }
            Ok(condition.message.clone().unwrap_or_default())
        },
    )
    .await?;
    Ok(message)
}

/// Waits for an Event with `reason` about the object named `name`; returns its note.
pub async fn wait_event(
    client: &Client,
    namespace: &str,
    name: &str,
    reason: &str,
) -> Result<String, BoxError> {
    let api: Api<Event> = Api::namespaced(client.clone(), namespace);
    let note = eventually(
        &format!("Event {reason} on {namespace}/{name}"),
        DEFAULT_WAIT,
        || async {
            let events = api
                .list(&ListParams::default())
                .await
                .map_err(|e| e.to_string())?;
            let seen: Vec<String> = events
                .items
                .iter()
                .filter(|e| e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name))
                .map(|e| e.reason.clone().unwrap_or_default())
                .collect();
            events
                .items
                .iter()
                .find(|e| {
                    e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name)
                        && e.reason.as_deref() == Some(reason)
                })
                .map(|e| e.note.clone().unwrap_or_default())
                .ok_or_else(|| format!("events about {name}: {seen:?}"))
        },
    )
    .await?;
    Ok(note)
}

/// Waits until Secret `ns/name` has exactly `expected` as data.
pub async fn wait_secret_data(
    client: &Client,
    namespace: &str,
    name: &str,
    expected: &[(&str, &str)],
) -> Result<Secret, BoxError> {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let want: BTreeMap<String, String> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let secret = eventually(
        &format!("Secret {namespace}/{name} data"),
        DEFAULT_WAIT,
        || async {
            let secret = api
                .get_opt(name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("no Secret yet")?;
            let data = secret_data(&secret);
            // Only key names go into the message: the values are test secrets, but the habit stays.
            if data != want {
                return Err(format!("keys {:?}", data.keys().collect::<Vec<_>>()));
            }
            Ok(secret)
        },
    )
    .await?;
    Ok(secret)
}

/// A Secret's data as text.
pub fn secret_data(secret: &Secret) -> BTreeMap<String, String> {
    secret
        .data
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
        .collect()
}

/// A metric's value in an OpenMetrics text (first sample whose line starts with `prefix`).
pub fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// Waits until the in-process controller's metric `series` (name and labels) has `value`.
pub async fn wait_metric(controller: &Running, series: &str, value: f64) -> Result<(), BoxError> {
    eventually(&format!("{series} = {value}"), DEFAULT_WAIT, || async {
        match metric(&controller.shared.metrics.encode(), series) {
            Some(v) if (v - value).abs() < f64::EPSILON => Ok(()),
            other => Err(format!("{series} is {other:?}")),
        }
    })
    .await?;
    Ok(())
}

/// Polling interval helper for tests that need a short pause.
pub async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}
