//! The controller as users run it: deploy/ rendered by kustomize and applied to a cluster with a real
//! node (`tests/cluster/up --node`), the image built by `deploy/image/build --load`, two pods.
//!
//! Needs `SEALGATE_NODE_KUBECONFIG` (the node cluster's admin kubeconfig) and `SEALGATE_NODE_IMAGE`
//! (the image reference `deploy/image/build --load` printed); tests/run sets both when it starts a
//! node. The Deployment lives in kube-system like upstream's, so one test owns the cluster.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{DynamicObject, GetParams, GroupVersionKind, ListParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{Scope, pinned_kind};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client, Config};
use sealgate_tests::{TestNamespace, eventually, peer_tool, require, workspace_binary};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;
type AnyError = Box<dyn Error + Send + Sync>;

const FIELD_MANAGER: &str = "sealgate-node-e2e";
const CONTROLLER_NS: &str = "kube-system";
const DEPLOYMENT: &str = "sealed-secrets-controller";
const POD_SELECTOR: &str = "app.kubernetes.io/name=sealgate-controller";
/// The image name deploy/base's `images:` sets; the overlay swaps it for the locally built one.
const BASE_IMAGE: &str = "ghcr.io/sealgate/sealgate-controller";
/// Two pods start, one makes a 4096-bit key: generous on 2 shared cores.
const ROLLOUT_WAIT: Duration = Duration::from_secs(240);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The node cluster: its admin client, kubeconfig path and state dir. `None` after a SKIPPED line.
async fn node_cluster(test: &str) -> Result<Option<(Client, PathBuf)>, AnyError> {
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

/// The controller image loaded into the node's containerd. `None` after a SKIPPED line.
fn node_image(test: &str, kubeconfig: &Path) -> Result<Option<(String, String)>, AnyError> {
    let Some(image) = std::env::var("SEALGATE_NODE_IMAGE")
        .ok()
        .filter(|i| !i.is_empty())
    else {
        require(
            test,
            "SEALGATE_NODE_IMAGE",
            &format!(
                "build and load the image: deploy/image/build --load {}",
                kubeconfig.display()
            ),
        )?;
        return Ok(None);
    };
    let (name, tag) = image
        .rsplit_once(':')
        .ok_or_else(|| format!("SEALGATE_NODE_IMAGE={image} has no tag"))?;
    Ok(Some((name.to_owned(), tag.to_owned())))
}

/// `kustomize build` of an overlay of deploy/base that only swaps the image, one JSON value per
/// document. The base is copied next to the overlay: an overlay names its base by relative path.
fn render(kustomize: &Path, image: &str, tag: &str) -> Result<Vec<Value>, AnyError> {
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

fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or_default()
}

fn name(doc: &Value) -> &str {
    doc["metadata"]["name"].as_str().unwrap_or_default()
}

/// Server-side apply of one document, for real (what `kubectl apply --server-side` does).
async fn apply(client: &Client, doc: &Value) -> Result<(), AnyError> {
    let api_version = doc["apiVersion"].as_str().unwrap_or_default();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, kind(doc));
    let (resource, caps) = pinned_kind(client, &gvk).await?;
    let api: Api<DynamicObject> = match (caps.scope, doc["metadata"]["namespace"].as_str()) {
        (Scope::Namespaced, Some(ns)) => Api::namespaced_with(client.clone(), ns, &resource),
        (Scope::Namespaced, None) => {
            return Err(format!("{}/{}: no namespace", kind(doc), name(doc)).into());
        }
        (Scope::Cluster, _) => Api::all_with(client.clone(), &resource),
    };
    api.patch(
        name(doc),
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(doc),
    )
    .await
    .map_err(|e| format!("{}/{}: {e}", kind(doc), name(doc)))?;
    Ok(())
}

/// GET through the API server (the service or pod proxy paths included).
async fn get_raw(client: &Client, collection: &str, rest: &str) -> Result<String, AnyError> {
    let request = kube::core::Request::new(collection).get(rest, &GetParams::default())?;
    Ok(client.request_text(request).await?)
}

/// Runs a tool (kubeseal, sealgate) with `KUBECONFIG` and `env` set and none of the caller's
/// cert/controller variables, feeding `stdin`; its stdout, or an error with its stderr.
fn run_tool(
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

/// The controller pods not being deleted.
async fn controller_pods(pods: &Api<Pod>) -> Result<Vec<Pod>, AnyError> {
    Ok(pods
        .list(&ListParams::default().labels(POD_SELECTOR))
        .await?
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect())
}

/// The names of the controller pods not being deleted.
async fn live_pods(pods: &Api<Pod>) -> Result<Vec<String>, AnyError> {
    Ok(controller_pods(pods)
        .await?
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect())
}

/// The controller pods, Running and Ready.
async fn ready_pods(pods: &Api<Pod>) -> Result<Vec<Pod>, AnyError> {
    Ok(controller_pods(pods)
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

/// The OCI runtime spec containerd gave runc for a container (`ctr containers info`): what the
/// kernel enforces, not only what the pod spec asked for.
fn runtime_spec(kubeconfig: &Path, container_id: &str) -> Result<Value, AnyError> {
    let state = kubeconfig.parent().ok_or("kubeconfig has no folder")?;
    let env = std::fs::read_to_string(state.join("env"))?;
    let sock = env
        .lines()
        .find_map(|l| l.strip_prefix("export SEALGATE_NODE_CONTAINERD_SOCK="))
        .ok_or("the cluster's env file names no node containerd socket")?;
    let out = Command::new("ctr")
        .args([
            "--address",
            sock,
            "-n",
            "k8s.io",
            "containers",
            "info",
            container_id,
        ])
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "ctr containers info: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let info: Value = serde_json::from_slice(&out.stdout)?;
    Ok(info["Spec"].clone())
}

/// `kubeseal` seals a Secret NAME for `ns` (fetching the cert through the service proxy), the
/// SealedSecret is applied, and the controller's Secret appears with the sealed value.
async fn seal_and_unseal(
    client: &Client,
    kubeseal: &Path,
    kubeconfig: &Path,
    ns: &TestNamespace,
    secret_name: &str,
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
    let sealed_text = sealed;
    let sealed: Value = serde_json::from_str(&sealed_text)?;
    apply(client, &sealed).await?;
    wait_unsealed(ns, secret_name, &value).await?;
    Ok(sealed_text)
}

/// One counter's value from a pod's `/metrics` (port 8081), read through the API server's pod proxy.
async fn pod_counter(client: &Client, pod: &str, counter: &str) -> Result<f64, AnyError> {
    let path = format!("/api/v1/namespaces/{CONTROLLER_NS}/pods");
    let text = get_raw(client, &path, &format!("{pod}:8081/proxy/metrics")).await?;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{counter} ")))
        .ok_or_else(|| AnyError::from(format!("{pod}: no {counter} in /metrics")))?
        .trim()
        .parse::<f64>()
        .map_err(|e| AnyError::from(format!("{pod}: {counter}: {e}")))
}

/// Waits for the controller's Secret NAME in `ns` and checks its `password` is `value`.
async fn wait_unsealed(ns: &TestNamespace, name: &str, value: &str) -> Result<(), AnyError> {
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
async fn lease_holder(leases: &Api<Lease>) -> Result<String, AnyError> {
    leases
        .get("sealgate-controller")
        .await?
        .spec
        .and_then(|s| s.holder_identity)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| AnyError::from("no holderIdentity"))
}

/// deploy/base applied with only the image swapped: two Ready replicas, one Lease holder that is
/// one of the pods, one key, the cert published; kubeseal fetches the cert through the service
/// proxy, seals, validates and re-encrypts against the pods, and its SealedSecret is unsealed; the
/// hardened securityContext is what runc enforces; the Service proxies /healthz and /metrics; when
/// the leader pod is deleted another pod takes over, new SealedSecrets are unsealed and the
/// Deployment is back to two Ready pods with the same key; `sealgate seal` without --cert works;
/// a rolling restart makes no RSA operation.
#[tokio::test]
async fn deploy_runs_on_a_real_node() -> TestResult {
    let test = "deploy_runs_on_a_real_node";
    let Some((client, kubeconfig)) = node_cluster(test).await? else {
        return Ok(());
    };
    let Some((image, tag)) = node_image(test, &kubeconfig)? else {
        return Ok(());
    };
    let Some(kustomize) = peer_tool(test, "kustomize")? else {
        return Ok(());
    };
    let Some(kubeseal) = peer_tool(test, "kubeseal")? else {
        return Ok(());
    };

    // --- apply: the CRD first (the rest does not need it, SealedSecrets later do)
    let docs = render(&kustomize, &image, &tag)?;
    let (crds, rest): (Vec<&Value>, Vec<&Value>) = docs
        .iter()
        .partition(|d| kind(d) == "CustomResourceDefinition");
    for crd in &crds {
        apply(&client, crd).await?;
        tokio::time::timeout(
            Duration::from_secs(60),
            await_condition(
                Api::<CustomResourceDefinition>::all(client.clone()),
                name(crd),
                conditions::is_crd_established(),
            ),
        )
        .await??;
    }
    for doc in rest {
        apply(&client, doc).await?;
    }

    // --- two replicas Ready
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let pods: Api<Pod> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let ready = eventually("two Ready controller pods", ROLLOUT_WAIT, || async {
        let d = deployments.get(DEPLOYMENT).await?;
        let status = d.status.unwrap_or_default();
        let ready = ready_pods(&pods).await?;
        if status.ready_replicas == Some(2)
            && status.updated_replicas == Some(2)
            && ready.len() == 2
        {
            Ok(ready)
        } else {
            let phases: Vec<String> = pods
                .list(&ListParams::default().labels(POD_SELECTOR))
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
                .collect();
            Err::<_, AnyError>(format!("deployment status {status:?}; pods {phases:?}").into())
        }
    })
    .await?;
    let pod_names: Vec<String> = ready
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    for pod in &ready {
        let spec = pod.spec.as_ref().ok_or("pod without spec")?;
        assert_eq!(
            spec.containers[0].image.as_deref(),
            Some(format!("{image}:{tag}").as_str()),
            "the overlay's image runs"
        );
    }

    // --- exactly one leader, and it is one of the pods (identity = POD_NAME-<random>)
    let leases: Api<Lease> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let holder = eventually("a Lease holder", Duration::from_secs(60), || {
        lease_holder(&leases)
    })
    .await?;
    let holders: Vec<&String> = pod_names
        .iter()
        .filter(|p| holder.starts_with(&format!("{p}-")))
        .collect();
    assert_eq!(
        holders.len(),
        1,
        "the Lease holder {holder:?} names exactly one of the pods {pod_names:?}"
    );

    // --- the cert published (the leader made the key), and one key Secret: made once, not by
    // each replica (Ready comes before the key: /healthz does not wait for the first key)
    let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let published = eventually("the sealgate-cert ConfigMap", ROLLOUT_WAIT, || async {
        configmaps
            .get("sealgate-cert")
            .await?
            .data
            .and_then(|d| d.get("cert.pem").cloned())
            .ok_or_else(|| AnyError::from("no cert.pem yet"))
    })
    .await?;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let keys = secrets
        .list(&ListParams::default().labels("sealedsecrets.bitnami.com/sealed-secrets-key"))
        .await?;
    assert_eq!(
        keys.items.len(),
        1,
        "exactly one key Secret after the first start"
    );

    // --- the real kubeseal, defaults (kube-system/sealed-secrets-controller), service proxy
    let fetched = run_tool(&kubeseal, &["--fetch-cert"], &kubeconfig, b"", &[])?;
    assert_eq!(
        fetched.trim(),
        published.trim(),
        "kubeseal --fetch-cert returns the controller's published cert"
    );

    // --- kubeseal seals (fetching the cert itself), the controller in the pod unseals
    let ns = TestNamespace::create(&client, "node-e2e").await?;
    let sealed = seal_and_unseal(&client, &kubeseal, &kubeconfig, &ns, "db").await?;
    // --validate and --re-encrypt are answered by the pods (kubeseal's /v1/verify, /v1/rotate)
    run_tool(
        &kubeseal,
        &["--validate"],
        &kubeconfig,
        sealed.as_bytes(),
        &[],
    )?;
    let rotated: Value = serde_json::from_str(&run_tool(
        &kubeseal,
        &["--re-encrypt", "--format", "json"],
        &kubeconfig,
        sealed.as_bytes(),
        &[],
    )?)?;
    let original: Value = serde_json::from_str(&sealed)?;
    assert_eq!(rotated["kind"], json!("SealedSecret"));
    assert!(
        rotated["spec"]["encryptedData"]["password"].is_string()
            && rotated["spec"]["encryptedData"]["password"]
                != original["spec"]["encryptedData"]["password"],
        "--re-encrypt returns freshly encrypted data"
    );

    // --- the hardened securityContext, as runc got it
    for pod in &ready {
        let status = pod.status.as_ref().ok_or("pod without status")?;
        let container_id = status
            .container_statuses
            .iter()
            .flatten()
            .find_map(|c| c.container_id.as_deref())
            .and_then(|id| id.strip_prefix("containerd://"))
            .ok_or("no containerd container id")?;
        let spec = runtime_spec(&kubeconfig, container_id)?;
        let who = pod.metadata.name.as_deref().unwrap_or("?");
        assert_eq!(spec["process"]["user"]["uid"], json!(1001), "{who}: uid");
        assert_eq!(spec["process"]["user"]["gid"], json!(1001), "{who}: gid");
        assert_eq!(
            spec["root"]["readonly"],
            json!(true),
            "{who}: read-only root"
        );
        assert_eq!(
            spec["process"]["noNewPrivileges"],
            json!(true),
            "{who}: no privilege escalation"
        );
        for set in [
            "bounding",
            "effective",
            "permitted",
            "inheritable",
            "ambient",
        ] {
            let caps = &spec["process"]["capabilities"][set];
            assert!(
                caps.is_null() || caps.as_array().is_some_and(Vec::is_empty),
                "{who}: capability set {set} is {caps}"
            );
        }
        assert_eq!(
            spec["linux"]["seccomp"]["defaultAction"],
            json!("SCMP_ACT_ERRNO"),
            "{who}: RuntimeDefault seccomp (containerd's default profile)"
        );
    }

    // --- /healthz and /metrics through the Service (the API server's service proxy)
    let services = format!("/api/v1/namespaces/{CONTROLLER_NS}/services");
    // a non-2xx answer is an error of get_raw
    get_raw(
        &client,
        &services,
        &format!("http:{DEPLOYMENT}:http/proxy/healthz"),
    )
    .await?;
    let metrics = get_raw(
        &client,
        &services,
        &format!("http:{DEPLOYMENT}:metrics/proxy/metrics"),
    )
    .await?;
    assert!(
        metrics.contains("# TYPE") || metrics.contains("# HELP"),
        "metrics in Prometheus text format: {}",
        metrics.chars().take(200).collect::<String>()
    );
    // and the pod proxy reaches each pod by its IP
    let pods_path = format!("/api/v1/namespaces/{CONTROLLER_NS}/pods");
    for pod in &pod_names {
        let cert = get_raw(
            &client,
            &pods_path,
            &format!("{pod}:8080/proxy/v1/cert.pem"),
        )
        .await?;
        assert_eq!(cert.trim(), published.trim(), "{pod} serves the same cert");
    }

    // --- the leader pod is deleted: the standby takes over within the lease duration (15 s by
    // default, plus the renew period), new SealedSecrets are unsealed, two pods are Ready again
    let leader = holders[0].clone();
    pods.delete(&leader, &kube::api::DeleteParams::default())
        .await?;
    let new_holder = eventually(
        "the standby to take the Lease",
        Duration::from_secs(45),
        || async {
            let h = lease_holder(&leases).await?;
            if h.starts_with(&format!("{leader}-")) {
                Err(AnyError::from(format!(
                    "still held by the deleted pod: {h}"
                )))
            } else {
                Ok(h)
            }
        },
    )
    .await?;
    // the standby usually wins; the ReplicaSet's replacement pod may be quicker when the deleted
    // leader released the Lease on SIGTERM, which is as good: a live pod leads
    let live = live_pods(&pods).await?;
    assert!(
        live.iter()
            .any(|p| *p != leader && new_holder.starts_with(&format!("{p}-"))),
        "the new holder {new_holder:?} is a live pod other than {leader} (live: {live:?})"
    );
    seal_and_unseal(&client, &kubeseal, &kubeconfig, &ns, "after-failover").await?;
    eventually("two Ready pods again", ROLLOUT_WAIT, || async {
        let ready = ready_pods(&pods).await?;
        if ready.len() == 2 {
            Ok(())
        } else {
            Err(AnyError::from(format!("{} Ready pods", ready.len())))
        }
    })
    .await?;
    let keys = secrets
        .list(&ListParams::default().labels("sealedsecrets.bitnami.com/sealed-secrets-key"))
        .await?;
    assert_eq!(keys.items.len(), 1, "no key was made by the failover");

    // --- `sealgate seal` without --cert finds the same controller (ConfigMap or service proxy)
    // SealedSecrets in the test namespace so far: db and after-failover
    let mut sealed_count = 2.0;
    if let Some(sealgate) = workspace_binary(test, "sealgate")? {
        sealed_count += 1.0;
        let home = tempfile::tempdir()?;
        let secret = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: by-sealgate\n  namespace: {}\nstringData:\n  password: node-e2e-by-sealgate\n",
            ns.name()
        );
        let path = kubeconfig.to_str().ok_or("kubeconfig path is not UTF-8")?;
        let sealed = run_tool(
            &sealgate,
            &["seal", "--kubeconfig", path],
            &kubeconfig,
            secret.as_bytes(),
            &[("SEALGATE_HOME", home.path())],
        )?;
        apply(&client, &serde_saphyr::from_str::<Value>(&sealed)?).await?;
        wait_unsealed(&ns, "by-sealgate", "node-e2e-by-sealgate").await?;
    }

    // --- a rolling restart: the new pods find every Secret up to date (fast path), so they make
    // no RSA operation at all
    let before: Vec<String> = live_pods(&pods).await?;
    let restarted = json!({"spec": {"template": {"metadata": {"annotations": {
        "sealgate.dev/restarted-by": "node-e2e"
    }}}}});
    deployments
        .patch(
            DEPLOYMENT,
            &PatchParams::default(),
            &Patch::Merge(&restarted),
        )
        .await?;
    let fresh = eventually(
        "two Ready pods after the rolling restart",
        ROLLOUT_WAIT,
        || async {
            let ready: Vec<String> = ready_pods(&pods)
                .await?
                .into_iter()
                .filter_map(|p| p.metadata.name)
                .collect();
            let live = live_pods(&pods).await?;
            if ready.len() == 2 && live.len() == 2 && live.iter().all(|p| !before.contains(p)) {
                Ok(ready)
            } else {
                Err(AnyError::from(format!(
                    "ready {ready:?}, live {live:?}, before {before:?}"
                )))
            }
        },
    )
    .await?;
    let leader = eventually("a new pod to lead and resync", ROLLOUT_WAIT, || async {
        let holder = lease_holder(&leases).await?;
        let leader = fresh
            .iter()
            .find(|p| holder.starts_with(&format!("{p}-")))
            .ok_or_else(|| AnyError::from(format!("held by {holder}, not a new pod")))?;
        // every SealedSecret of the test namespace reconciled once at start
        let hits = pod_counter(&client, leader, "sealgate_fast_path_hits_total").await?;
        if hits >= sealed_count {
            Ok(leader.clone())
        } else {
            Err(AnyError::from(format!("{leader}: {hits} fast path hits")))
        }
    })
    .await?;
    for pod in &fresh {
        let rsa = pod_counter(&client, pod, "sealgate_rsa_operations_total").await?;
        assert_eq!(
            rsa, 0.0,
            "{pod} (leader {leader}): RSA operations after a rolling restart"
        );
    }

    ns.delete().await?;
    Ok(())
}
