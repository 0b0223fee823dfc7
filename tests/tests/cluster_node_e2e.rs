//! The controller as users run it: deploy/ rendered by kustomize and applied to a cluster with a real
//! node (`tests/cluster/up --node`), the image built by `deploy/image/build --load`, two pods.
//!
//! Needs `SEALGATE_NODE_KUBECONFIG` (the node cluster's admin kubeconfig) and `SEALGATE_NODE_IMAGE`
//! (the image reference `deploy/image/build --load` printed); tests/run sets both when it starts a
//! node. The Deployment lives in kube-system like upstream's: the test holds the node cluster
//! (`node_support::exclusive`) and starts from a clean one (`node_support::reset`).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret};
use kube::Api;
use kube::api::{ListParams, Patch, PatchParams};
use sealgate_tests::{TestNamespace, eventually, peer_tool, workspace_binary};
use serde_json::{Value, json};

use crate::node_support::{
    AnyError, CONTROLLER_NS, DEPLOYMENT, How, KEY_SELECTOR, POD_SELECTOR, ROLLOUT_WAIT, apply,
    exclusive, get_raw, install, lease_holder, live_pods, node_cluster, node_image, pod_counter,
    ready_pods, render, reset, run_tool, seal_and_unseal, wait_rollout, wait_unsealed,
};

type TestResult = Result<(), AnyError>;

const FIELD_MANAGER: &str = "sealgate-node-e2e";

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
    let Some((image, tag)) = node_image(test, "SEALGATE_NODE_IMAGE", "", &kubeconfig)? else {
        return Ok(());
    };
    let Some(kustomize) = peer_tool(test, "kustomize")? else {
        return Ok(());
    };
    let Some(kubeseal) = peer_tool(test, "kubeseal")? else {
        return Ok(());
    };

    // --- alone on a clean node cluster, then apply: the CRD first (SealedSecrets need it)
    let _node = exclusive().await;
    let docs = render(&kustomize, &image, &tag)?;
    reset(&client, &[&docs]).await?;
    install(&client, &docs, How::ServerSide(FIELD_MANAGER)).await?;

    // --- two replicas Ready
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let pods: Api<Pod> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let ready = wait_rollout(&client, POD_SELECTOR, 2).await?;
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
        .list(&ListParams::default().labels(KEY_SELECTOR))
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
    let sealed = seal_and_unseal(&client, &kubeseal, &kubeconfig, &ns, "db", FIELD_MANAGER).await?;
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
    seal_and_unseal(
        &client,
        &kubeseal,
        &kubeconfig,
        &ns,
        "after-failover",
        FIELD_MANAGER,
    )
    .await?;
    eventually("two Ready pods again", ROLLOUT_WAIT, || async {
        let ready = ready_pods(&pods, POD_SELECTOR).await?;
        if ready.len() == 2 {
            Ok(())
        } else {
            Err(AnyError::from(format!("{} Ready pods", ready.len())))
        }
    })
    .await?;
    let keys = secrets
        .list(&ListParams::default().labels(KEY_SELECTOR))
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
        apply(
            &client,
            &serde_saphyr::from_str::<Value>(&sealed)?,
            FIELD_MANAGER,
        )
        .await?;
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
            let ready: Vec<String> = ready_pods(&pods, POD_SELECTOR)
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
