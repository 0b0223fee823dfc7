//! The node cluster the `cluster_node_*` tests share: finding it, one test at a time on it, a clean
//! slate before each, and the steps they all take (render deploy/, apply, seal, wait for pods).
//!
//! Needs `SEALGATE_NODE_KUBECONFIG` (the admin kubeconfig of `tests/cluster/up --node`) and the
//! image references `deploy/image/build --load` printed; tests/run sets them when it starts a node.
//! The controller lives in kube-system under upstream's names (sealgate's and Bitnami's alike), so
//! two node tests at once would fight over one Deployment, one CRD and one key: [`exclusive`]
//! serialises them and [`reset`] removes what the previous one left, whatever it was.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    DeleteParams, DynamicObject, GetParams, GroupVersionKind, ListParams, Patch, PatchParams,
    PostParams,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{Scope, pinned_kind};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client, Config};
use sealgate_tests::{TestNamespace, eventually, require};
use serde_json::{Value, json};
use tokio::sync::{Mutex, MutexGuard};

pub type AnyError = Box<dyn Error + Send + Sync>;

pub const CONTROLLER_NS: &str = "kube-system";
pub const DEPLOYMENT: &str = "sealed-secrets-controller";
/// sealgate's pods (deploy/base).
pub const POD_SELECTOR: &str = "app.kubernetes.io/name=sealgate-controller";
/// Bitnami's pods (its controller.jsonnet labels them with kube.libsonnet's `name`).
pub const UPSTREAM_POD_SELECTOR: &str = "name=sealed-secrets-controller";
/// The label on every key Secret, upstream's and sealgate's.
pub const KEY_SELECTOR: &str = "sealedsecrets.bitnami.com/sealed-secrets-key";
const CRD_NAME: &str = "sealedsecrets.bitnami.com";
/// The image name deploy/base's `images:` sets; the overlay swaps it for the locally built one.
const BASE_IMAGE: &str = "ghcr.io/sealgate/sealgate-controller";
/// Two pods start, one makes a 4096-bit key: generous on 2 shared cores.
pub const ROLLOUT_WAIT: Duration = Duration::from_secs(240);

/// One node test at a time (the tests of one binary share this process).
static NODE: Mutex<()> = Mutex::const_new(());

/// Holds the node cluster for the calling test until the guard is dropped.
pub async fn exclusive() -> MutexGuard<'static, ()> {
    NODE.lock().await
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The node cluster: its admin client and kubeconfig path. `None` after a SKIPPED line.
pub async fn node_cluster(test: &str) -> Result<Option<(Client, PathBuf)>, AnyError> {
    let Some(path) = std::env::var_os("SEALGATE_NODE_KUBECONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
    else {
        require(
            test,
            "SEALGATE_NODE_KUBECONFIG",
            "start a cluster with a node: tests/cluster/up --node (as root), or run tests/run",
        )?;
        return Ok(None);
    };
    let config = Config::from_custom_kubeconfig(
        Kubeconfig::read_from(&path)?,
        &KubeConfigOptions::default(),
    )
    .await?;
    Ok(Some((Client::try_from(config)?, path)))
}

/// An image loaded into the node's containerd, named by env var `var` (what `deploy/image/build
/// --load` printed), as name and tag. `None` after a SKIPPED line.
pub fn node_image(
    test: &str,
    var: &str,
    build: &str,
    kubeconfig: &Path,
) -> Result<Option<(String, String)>, AnyError> {
    let Some(image) = std::env::var(var).ok().filter(|i| !i.is_empty()) else {
        require(
            test,
            var,
            &format!(
                "build and load the image: deploy/image/build {build}--load {}",
                kubeconfig.display()
            ),
        )?;
        return Ok(None);
    };
    let (name, tag) = image
        .rsplit_once(':')
        .ok_or_else(|| format!("{var}={image} has no tag"))?;
    Ok(Some((name.to_owned(), tag.to_owned())))
}

/// `kustomize build` of an overlay of deploy/base that only swaps the image, one JSON value per
/// document. The base is copied next to the overlay: an overlay names its base by relative path.
pub fn render(kustomize: &Path, image: &str, tag: &str) -> Result<Vec<Value>, AnyError> {
    let tmp = tempfile::tempdir()?;
    let base = tmp.path().join("base");
    std::fs::create_dir_all(&base)?;
    for entry in std::fs::read_dir(repo_root().join("deploy/base"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), base.join(entry.file_name()))?;
    }
    let overlay = tmp.path().join("overlay");
    std::fs::create_dir_all(&overlay)?;
    std::fs::write(
        overlay.join("kustomization.yaml"),
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\nimages:\n  - name: {BASE_IMAGE}\n    newName: {image}\n    newTag: \"{tag}\"\n"
        ),
    )?;
    let out = Command::new(kustomize)
        .arg("build")
        .arg(&overlay)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "kustomize build failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    let docs: Vec<Value> = serde_saphyr::from_multiple(&String::from_utf8(out.stdout)?)?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

pub fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or_default()
}

pub fn name(doc: &Value) -> &str {
    doc["metadata"]["name"].as_str().unwrap_or_default()
}

/// The API of the document's kind, in its namespace when it has one.
async fn api_for(client: &Client, doc: &Value) -> Result<Api<DynamicObject>, AnyError> {
    let api_version = doc["apiVersion"].as_str().unwrap_or_default();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, kind(doc));
    let (resource, caps) = pinned_kind(client, &gvk).await?;
    Ok(match (caps.scope, doc["metadata"]["namespace"].as_str()) {
        (Scope::Namespaced, Some(ns)) => Api::namespaced_with(client.clone(), ns, &resource),
        (Scope::Namespaced, None) => {
            return Err(format!("{}/{}: no namespace", kind(doc), name(doc)).into());
        }
        (Scope::Cluster, _) => Api::all_with(client.clone(), &resource),
    })
}

/// Server-side apply of one document with `--force-conflicts`, as field manager `manager` (what
/// `kubectl apply --server-side --force-conflicts` does; kubectl's manager is `kubectl`).
pub async fn apply(client: &Client, doc: &Value, manager: &str) -> Result<(), AnyError> {
    api_for(client, doc)
        .await?
        .patch(
            name(doc),
            &PatchParams::apply(manager).force(),
            &Patch::Apply(doc),
        )
        .await
        .map_err(|e| format!("{}/{}: {e}", kind(doc), name(doc)))?;
    Ok(())
}

/// How documents are installed.
#[derive(Clone, Copy)]
pub enum How<'a> {
    /// `kubectl apply --server-side --force-conflicts`, as this field manager.
    ServerSide(&'a str),
    /// `kubectl apply -f` of objects that do not exist yet: created, with the applied
    /// configuration in the last-applied annotation, as kubectl's client-side-apply manager.
    ClientSide,
}

/// Installs `docs`, the CRDs first, and waits until every CRD is served (what later documents,
/// SealedSecrets, need).
pub async fn install(client: &Client, docs: &[Value], how: How<'_>) -> Result<(), AnyError> {
    let (crds, rest): (Vec<&Value>, Vec<&Value>) = docs
        .iter()
        .partition(|d| kind(d) == "CustomResourceDefinition");
    for doc in crds.iter().chain(rest.iter()) {
        match how {
            How::ServerSide(manager) => apply(client, doc, manager).await?,
            How::ClientSide => create_as_kubectl(client, doc).await?,
        }
        if kind(doc) == "CustomResourceDefinition" {
            tokio::time::timeout(
                Duration::from_secs(60),
                await_condition(
                    Api::<CustomResourceDefinition>::all(client.clone()),
                    name(doc),
                    conditions::is_crd_established(),
                ),
            )
            .await??;
        }
    }
    Ok(())
}

/// Creates the object as `kubectl apply -f` does when it does not exist yet.
async fn create_as_kubectl(client: &Client, doc: &Value) -> Result<(), AnyError> {
    let mut object = doc.clone();
    object["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
        Value::String(doc.to_string());
    let params = PostParams {
        field_manager: Some("kubectl-client-side-apply".to_owned()),
        ..PostParams::default()
    };
    api_for(client, doc)
        .await?
        .create(&params, &serde_json::from_value(object)?)
        .await
        .map_err(|e| format!("creating {}/{}: {e}", kind(doc), name(doc)))?;
    Ok(())
}

/// Deletes the object a document names; absent is fine.
async fn delete(client: &Client, doc: &Value) -> Result<(), AnyError> {
    let api = match api_for(client, doc).await {
        Ok(api) => api,
        // a kind the server does not serve (the CRD's kinds after it is gone) has no objects
        Err(_) => return Ok(()),
    };
    match api.delete(name(doc), &DeleteParams::background()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
        Err(e) => Err(format!("deleting {}/{}: {e}", kind(doc), name(doc)).into()),
    }
}

/// Deletes a named object of a typed API; absent is fine.
async fn delete_named<K>(api: &Api<K>, name: &str) -> Result<(), AnyError>
where
    K: Clone + k8s_openapi::serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.delete(name, &DeleteParams::background()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
        Err(e) => Err(format!("deleting {name}: {e}").into()),
    }
}

/// A clean node cluster: every object of `manifests` (deploy/base's, upstream's) deleted, no
/// controller pod left, no key Secret, Lease or cert ConfigMap, and no CRD (so no SealedSecret, and
/// the garbage collector removes the Secrets they own). A node test calls it first, holding
/// [`exclusive`], whatever the previous test left behind.
pub async fn reset(client: &Client, manifests: &[&[Value]]) -> Result<(), AnyError> {
    for doc in manifests.iter().flat_map(|docs| docs.iter()) {
        // the CRD goes last (after its controller), a Namespace (kube-system) never
        if !matches!(kind(doc), "CustomResourceDefinition" | "Namespace") {
            delete(client, doc).await?;
        }
    }
    let secrets: Api<Secret> = Api::namespaced(client.clone(), CONTROLLER_NS);
    secrets
        .delete_collection(
            &DeleteParams::background(),
            &ListParams::default().labels(KEY_SELECTOR),
        )
        .await?;
    delete_named(&secrets, "sealgate-key-backup").await?;
    delete_named(
        &Api::<Lease>::namespaced(client.clone(), CONTROLLER_NS),
        "sealgate-controller",
    )
    .await?;
    delete_named(
        &Api::<ConfigMap>::namespaced(client.clone(), CONTROLLER_NS),
        "sealgate-cert",
    )
    .await?;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    delete_named(&crds, CRD_NAME).await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), CONTROLLER_NS);
    eventually("a clean node cluster", ROLLOUT_WAIT, || async {
        let mut left = Vec::new();
        for selector in [POD_SELECTOR, UPSTREAM_POD_SELECTOR] {
            left.extend(
                pods.list(&ListParams::default().labels(selector))
                    .await?
                    .items
                    .into_iter()
                    .filter_map(|p| p.metadata.name),
            );
        }
        if crds.get_opt(CRD_NAME).await?.is_some() {
            left.push(format!("crd/{CRD_NAME}"));
        }
        if left.is_empty() {
            Ok(())
        } else {
            Err(AnyError::from(format!("still there: {left:?}")))
        }
    })
    .await?;
    Ok(())
}

/// GET through the API server (the service or pod proxy paths included).
pub async fn get_raw(client: &Client, collection: &str, rest: &str) -> Result<String, AnyError> {
    let request = kube::core::Request::new(collection).get(rest, &GetParams::default())?;
    Ok(client.request_text(request).await?)
}

/// Runs a tool (kubeseal, sealgate) with `KUBECONFIG` and `env` set and none of the caller's
/// cert/controller variables, feeding `stdin`; its stdout, or an error with its stderr.
pub fn run_tool(
    tool: &Path,
    args: &[&str],
    kubeconfig: &Path,
    stdin: &[u8],
    env: &[(&str, &Path)],
) -> Result<String, AnyError> {
    let mut child = Command::new(tool)
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .envs(env.iter().copied())
        .env_remove("SEALED_SECRETS_CERT")
        .env_remove("SEALED_SECRETS_CONTROLLER_NAMESPACE")
        .env_remove("SEALED_SECRETS_CONTROLLER_NAME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().ok_or("no stdin")?.write_all(stdin)?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(format!(
            "{} {args:?} failed: {}",
            tool.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// The pods matching `selector` not being deleted.
pub async fn controller_pods(pods: &Api<Pod>, selector: &str) -> Result<Vec<Pod>, AnyError> {
    Ok(pods
        .list(&ListParams::default().labels(selector))
        .await?
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect())
}

/// The names of sealgate's controller pods not being deleted.
pub async fn live_pods(pods: &Api<Pod>) -> Result<Vec<String>, AnyError> {
    Ok(controller_pods(pods, POD_SELECTOR)
        .await?
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect())
}

/// The pods matching `selector`, Running and Ready.
pub async fn ready_pods(pods: &Api<Pod>, selector: &str) -> Result<Vec<Pod>, AnyError> {
    Ok(controller_pods(pods, selector)
        .await?
        .into_iter()
        .filter(|p| {
            p.status.as_ref().is_some_and(|s| {
                s.phase.as_deref() == Some("Running")
                    && s.conditions
                        .iter()
                        .flatten()
                        .any(|c| c.type_ == "Ready" && c.status == "True")
            })
        })
        .collect())
}

/// Waits until the Deployment has `replicas` updated Ready replicas and as many Ready pods
/// match `selector`; returns those pods.
pub async fn wait_rollout(
    client: &Client,
    selector: &str,
    replicas: i32,
) -> Result<Vec<Pod>, AnyError> {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let pods: Api<Pod> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let ready = eventually(
        &format!("{replicas} Ready controller pods ({selector})"),
        ROLLOUT_WAIT,
        || async {
            let status = deployments
                .get(DEPLOYMENT)
                .await?
                .status
                .unwrap_or_default();
            let ready = ready_pods(&pods, selector).await?;
            if status.ready_replicas == Some(replicas)
                && status.updated_replicas == Some(replicas)
                && ready.len() == usize::try_from(replicas)?
            {
                Ok(ready)
            } else {
                let phases = pod_phases(&pods, selector).await?;
                Err::<_, AnyError>(format!("deployment status {status:?}; pods {phases:?}").into())
            }
        },
    )
    .await?;
    Ok(ready)
}

/// What the pods matching `selector` are doing, for a wait's last observation.
async fn pod_phases(pods: &Api<Pod>, selector: &str) -> Result<Vec<String>, AnyError> {
    Ok(pods
        .list(&ListParams::default().labels(selector))
        .await?
        .items
        .iter()
        .map(|p| {
            format!(
                "{}: {:?} {:?}",
                p.metadata.name.as_deref().unwrap_or("?"),
                p.status.as_ref().and_then(|s| s.phase.clone()),
                p.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.clone())
                    .unwrap_or_default()
                    .iter()
                    .map(|c| format!("{:?}", c.state))
                    .collect::<Vec<_>>()
            )
        })
        .collect())
}

/// `kubeseal` seals a Secret NAME for `ns` (fetching the cert through the service proxy), the
/// SealedSecret is applied by `manager`, and the controller's Secret appears with the sealed value.
pub async fn seal_and_unseal(
    client: &Client,
    kubeseal: &Path,
    kubeconfig: &Path,
    ns: &TestNamespace,
    secret_name: &str,
    manager: &str,
) -> Result<String, AnyError> {
    let value = format!("node-e2e-{secret_name}-not-a-real-password");
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": secret_name, "namespace": ns.name()},
        "stringData": {"password": value}
    });
    let sealed = run_tool(
        kubeseal,
        &["--format", "json"],
        kubeconfig,
        secret.to_string().as_bytes(),
        &[],
    )?;
    apply(client, &serde_json::from_str(&sealed)?, manager).await?;
    wait_unsealed(ns, secret_name, &value).await?;
    Ok(sealed)
}

/// A controller pod's `/metrics` (port 8081), read through the API server's pod proxy.
pub async fn pod_metrics(client: &Client, pod: &str) -> Result<String, AnyError> {
    let path = format!("/api/v1/namespaces/{CONTROLLER_NS}/pods");
    get_raw(client, &path, &format!("{pod}:8081/proxy/metrics")).await
}

/// One metric's value from a pod's `/metrics` (port 8081), read through the API server's pod
/// proxy: the sample whose line starts with `series` (a name, or a name and its labels).
pub async fn pod_counter(client: &Client, pod: &str, series: &str) -> Result<f64, AnyError> {
    pod_metrics(client, pod)
        .await?
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{series} ")))
        .ok_or_else(|| AnyError::from(format!("{pod}: no {series} in /metrics")))?
        .trim()
        .parse::<f64>()
        .map_err(|e| AnyError::from(format!("{pod}: {series}: {e}")))
}

/// Waits for the controller's Secret NAME in `ns` and checks its `password` is `value`.
pub async fn wait_unsealed(ns: &TestNamespace, name: &str, value: &str) -> Result<(), AnyError> {
    let unsealed = eventually(
        &format!("the unsealed Secret {name}"),
        Duration::from_secs(90),
        || async {
            ns.api::<Secret>()
                .get(name)
                .await?
                .data
                .and_then(|d| d.get("password").cloned())
                .ok_or_else(|| AnyError::from("no password key yet"))
        },
    )
    .await?;
    assert_eq!(unsealed.0, value.as_bytes(), "{name}: the sealed value");
    Ok(())
}

/// The Lease's current holder, if any.
pub async fn lease_holder(leases: &Api<Lease>) -> Result<String, AnyError> {
    leases
        .get("sealgate-controller")
        .await?
        .spec
        .and_then(|s| s.holder_identity)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| AnyError::from("no holderIdentity"))
}
