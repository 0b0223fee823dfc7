//! Migration from a running Bitnami sealed-secrets controller to sealgate, on a real node, the way
//! deploy/README.md ("Migrating from sealed-secrets") tells a user to do it.
//!
//! Upstream's own manifest: its release's `controller.yaml` is `kubecfg show` of the module's
//! `controller.jsonnet`; here go-jsonnet (kubecfg's evaluator, `$SEALGATE_PEERS/jsonnet`) renders
//! the same file from `$SEALGATE_CORPORA/sealed-secrets` with the image swapped through the
//! `CONTROLLER_IMAGE` variable upstream's Makefile sets, and it is installed as `kubectl apply -f`
//! installs it (create, client-side-apply field manager, last-applied annotation). The image is
//! `deploy/image/build --reference-controller` of the v0.40.0 controller
//! (`SEALGATE_NODE_REFERENCE_IMAGE`, set by tests/run).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, Service};
use kube::Api;
use kube::api::{DeleteParams, DynamicObject, GroupVersionKind, ListParams};
use kube::discovery::pinned_kind;
use sealgate_tests::{TestNamespace, corpus, eventually, peer_tool};
use serde_json::{Value, json};

use crate::node_support::{
    AnyError, CONTROLLER_NS, DEPLOYMENT, How, KEY_SELECTOR, POD_SELECTOR, ROLLOUT_WAIT,
    UPSTREAM_POD_SELECTOR, apply, exclusive, get_raw, install, kind, lease_holder, node_cluster,
    node_image, pod_metrics, render, reset, run_tool, seal_and_unseal, wait_rollout, wait_unsealed,
};

type TestResult = Result<(), AnyError>;

/// The field manager of `kubectl apply --server-side`.
const KUBECTL: &str = "kubectl";

/// kubecfg's native `parseYaml` (a list of documents), the one kubecfg function controller.jsonnet
/// uses, from jsonnet's own std.parseYaml (schema-v1alpha1.yaml is one document).
const KUBECFG_LIBSONNET: &str = "{ parseYaml(text):: [std.parseYaml(text)] }\n";

/// `kubecfg show -V CONTROLLER_IMAGE=IMAGE -V IMAGE_PULL_POLICY= controller.jsonnet` (upstream's
/// Makefile rule for controller.yaml): every Kubernetes object in the evaluated tree.
fn render_upstream(jsonnet: &Path, module: &Path, image: &str) -> Result<Vec<Value>, AnyError> {
    let lib = tempfile::tempdir()?;
    std::fs::write(lib.path().join("kubecfg.libsonnet"), KUBECFG_LIBSONNET)?;
    let out = Command::new(jsonnet)
        .arg("-J")
        .arg(lib.path())
        .arg("-J")
        .arg(module)
        .args(["--ext-str", &format!("CONTROLLER_IMAGE={image}")])
        .args(["--ext-str", "IMAGE_PULL_POLICY="])
        .arg(module.join("controller.jsonnet"))
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "jsonnet controller.jsonnet failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    let tree: Value = serde_json::from_slice(&out.stdout)?;
    let mut objects = Vec::new();
    collect_objects(&tree, &mut objects);
    Ok(objects)
}

/// kubecfg's walk: an object with `apiVersion` and `kind` is a Kubernetes object; anything else
/// is searched (fields in key order, arrays in order).
fn collect_objects(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) if map.contains_key("apiVersion") && map.contains_key("kind") => {
            out.push(value.clone());
        }
        Value::Object(map) => map.values().for_each(|v| collect_objects(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_objects(v, out)),
        _ => {}
    }
}

/// The key Secrets by name, with their data.
async fn key_secrets(
    secrets: &Api<Secret>,
) -> Result<BTreeMap<String, BTreeMap<String, ByteString>>, AnyError> {
    Ok(secrets
        .list(&ListParams::default().labels(KEY_SELECTOR))
        .await?
        .items
        .into_iter()
        .map(|s| {
            (
                s.metadata.name.unwrap_or_default(),
                s.data.unwrap_or_default(),
            )
        })
        .collect())
}

/// The `Synced` condition's status of a SealedSecret.
async fn synced(api: &Api<DynamicObject>, name: &str) -> Result<String, AnyError> {
    let object = api.get(name).await?;
    object.data["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Synced")
        .and_then(|c| c["status"].as_str().map(str::to_owned))
        .ok_or_else(|| AnyError::from(format!("{name}: no Synced condition yet")))
}

/// One Secret's state as the migration must leave it.
struct Before {
    resource_version: Option<String>,
    data: BTreeMap<String, ByteString>,
}

/// The Bitnami controller v0.40.0, installed from its own manifest, makes its key and unseals
/// SealedSecrets sealed by the real kubeseal; sealgate replaces it as deploy/README.md says.
/// Afterwards every Secret is untouched, every SealedSecret is Synced=True under sealgate (its
/// status and sealgate's own condition metric), the key Secrets are the same ones, kubeseal
/// fetches the same cert from sealgate's pods, and new SealedSecrets (sealed before or after the
/// migration) are unsealed.
#[tokio::test]
async fn migration_from_a_running_bitnami_controller() -> TestResult {
    let test = "migration_from_a_running_bitnami_controller";
    let Some((client, kubeconfig)) = node_cluster(test).await? else {
        return Ok(());
    };
    let Some((image, tag)) = node_image(test, "SEALGATE_NODE_IMAGE", "", &kubeconfig)? else {
        return Ok(());
    };
    let Some((reference, reference_tag)) = node_image(
        test,
        "SEALGATE_NODE_REFERENCE_IMAGE",
        "--reference-controller $SEALGATE_PEERS/controller ",
        &kubeconfig,
    )?
    else {
        return Ok(());
    };
    let (Some(kustomize), Some(kubeseal), Some(jsonnet), Some(module)) = (
        peer_tool(test, "kustomize")?,
        peer_tool(test, "kubeseal")?,
        peer_tool(test, "jsonnet")?,
        corpus(test, "sealed-secrets")?,
    ) else {
        return Ok(());
    };

    let _node = exclusive().await;
    let upstream = render_upstream(&jsonnet, &module, &format!("{reference}:{reference_tag}"))?;
    let ours = render(&kustomize, &image, &tag)?;
    reset(&client, &[&upstream, &ours]).await?;

    // --- Bitnami's controller as a user installs it: `kubectl apply -f controller.yaml`
    let deployment = upstream
        .iter()
        .find(|d| kind(d) == "Deployment")
        .ok_or("upstream's manifest has no Deployment")?;
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"],
        json!(format!("{reference}:{reference_tag}")),
        "the image is swapped through CONTROLLER_IMAGE"
    );
    install(&client, &upstream, How::ClientSide).await?;
    wait_rollout(&client, UPSTREAM_POD_SELECTOR, 1).await?;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), CONTROLLER_NS);
    let keys = eventually("Bitnami's key Secret", ROLLOUT_WAIT, || async {
        let keys = key_secrets(&secrets).await?;
        if keys.len() == 1 {
            Ok(keys)
        } else {
            Err(AnyError::from(format!("{} key Secrets", keys.len())))
        }
    })
    .await?;
    let cert = eventually(
        "kubeseal --fetch-cert from Bitnami's controller",
        ROLLOUT_WAIT,
        || async { run_tool(&kubeseal, &["--fetch-cert"], &kubeconfig, b"", &[]) },
    )
    .await?;

    // --- SealedSecrets sealed by the real kubeseal, one per scope, unsealed by Bitnami's
    let ns = TestNamespace::create(&client, "node-migration").await?;
    let sealed_api: Api<DynamicObject> = {
        let gvk = GroupVersionKind::gvk("bitnami.com", "v1alpha1", "SealedSecret");
        let (resource, _) = pinned_kind(&client, &gvk).await?;
        Api::namespaced_with(client.clone(), ns.name(), &resource)
    };
    let mut names = Vec::new();
    for scope in ["strict", "namespace-wide", "cluster-wide"] {
        let value = format!("migration-{scope}-not-a-real-password");
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": scope, "namespace": ns.name()},
            "stringData": {"password": value}
        });
        let sealed = run_tool(
            &kubeseal,
            &["--format", "json", "--scope", scope],
            &kubeconfig,
            secret.to_string().as_bytes(),
            &[],
        )?;
        install(&client, &[serde_json::from_str(&sealed)?], How::ClientSide).await?;
        wait_unsealed(&ns, scope, &value).await?;
        names.push(scope.to_owned());
    }
    // sealed now, applied only after the migration
    let later_value = "migration-sealed-before-applied-after";
    let later = run_tool(
        &kubeseal,
        &["--format", "json"],
        &kubeconfig,
        json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "later", "namespace": ns.name()},
            "stringData": {"password": later_value}
        })
        .to_string()
        .as_bytes(),
        &[],
    )?;
    let mut before = BTreeMap::new();
    for name in &names {
        eventually(
            &format!("{name} Synced=True under Bitnami's controller"),
            Duration::from_secs(90),
            || async {
                match synced(&sealed_api, name).await?.as_str() {
                    "True" => Ok(()),
                    other => Err(AnyError::from(format!("Synced={other}"))),
                }
            },
        )
        .await?;
        let secret = ns.api::<Secret>().get(name).await?;
        before.insert(
            name.clone(),
            Before {
                resource_version: secret.metadata.resource_version,
                data: secret.data.unwrap_or_default(),
            },
        );
    }

    // --- deploy/README.md, "Migrating from sealed-secrets"
    // 1. `kubectl -n kube-system get secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml`
    //    (the backup): `keys` above
    // 2. `kubectl -n kube-system delete deployment sealed-secrets-controller` and
    //    `kubectl -n kube-system delete service sealed-secrets-controller sealed-secrets-controller-metrics`
    Api::<Deployment>::namespaced(client.clone(), CONTROLLER_NS)
        .delete(DEPLOYMENT, &DeleteParams::background())
        .await?;
    let services: Api<Service> = Api::namespaced(client.clone(), CONTROLLER_NS);
    for service in [DEPLOYMENT, "sealed-secrets-controller-metrics"] {
        services
            .delete(service, &DeleteParams::background())
            .await?;
    }
    // 3. `kubectl -n kube-system wait --for=delete pod -l name=sealed-secrets-controller`
    let pods: Api<Pod> = Api::namespaced(client.clone(), CONTROLLER_NS);
    eventually(
        "Bitnami's controller pod to be gone",
        ROLLOUT_WAIT,
        || async {
            let left = pods
                .list(&ListParams::default().labels(UPSTREAM_POD_SELECTOR))
                .await?
                .items
                .len();
            if left == 0 {
                Ok(())
            } else {
                Err(AnyError::from(format!("{left} pods")))
            }
        },
    )
    .await?;
    // 4. `kustomize build deploy/base | kubectl apply --server-side --force-conflicts -f -`
    install(&client, &ours, How::ServerSide(KUBECTL)).await?;
    // 5. `kubectl -n kube-system rollout status deployment/sealed-secrets-controller`
    let ready = wait_rollout(&client, POD_SELECTOR, 2).await?;

    // --- afterwards: the same key Secrets, none made
    let leases = Api::namespaced(client.clone(), CONTROLLER_NS);
    let holder = eventually("a Lease holder", Duration::from_secs(60), || {
        lease_holder(&leases)
    })
    .await?;
    let leader = ready
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .find(|p| holder.starts_with(&format!("{p}-")))
        .ok_or_else(|| format!("the Lease holder {holder} is none of the pods"))?;
    let published = eventually("the sealgate-cert ConfigMap", ROLLOUT_WAIT, || async {
        Api::<ConfigMap>::namespaced(client.clone(), CONTROLLER_NS)
            .get("sealgate-cert")
            .await?
            .data
            .and_then(|d| d.get("cert.pem").cloned())
            .ok_or_else(|| AnyError::from("no cert.pem yet"))
    })
    .await?;
    assert_eq!(
        published.trim(),
        cert.trim(),
        "sealgate publishes Bitnami's cert"
    );
    assert_eq!(
        key_secrets(&secrets).await?,
        keys,
        "the key Secrets are Bitnami's, unchanged; none was made"
    );

    // --- kubeseal finds sealgate behind the same Service and gets the same cert
    let fetched = run_tool(&kubeseal, &["--fetch-cert"], &kubeconfig, b"", &[])?;
    assert_eq!(
        fetched.trim(),
        cert.trim(),
        "kubeseal --fetch-cert after the migration"
    );

    // --- every SealedSecret Synced=True, in its status and in sealgate's own condition metric
    // (upstream's `sealed_secrets_controller_condition_info`, 1 = true), every Secret untouched
    for name in &names {
        assert_eq!(synced(&sealed_api, name).await?, "True", "{name}: Synced");
        let series = format!(
            "sealed_secrets_controller_condition_info{{namespace=\"{}\",name=\"{name}\",condition=\"Synced\"",
            ns.name()
        );
        eventually(
            &format!("{name} Synced in sealgate's metrics"),
            Duration::from_secs(90),
            || async {
                let metrics = pod_metrics(&client, &leader).await?;
                let line = metrics
                    .lines()
                    .find(|l| l.starts_with(&series))
                    .ok_or_else(|| AnyError::from(format!("no {series}")))?;
                if line.ends_with(" 1") {
                    Ok(())
                } else {
                    Err(AnyError::from(line.to_owned()))
                }
            },
        )
        .await?;
        let secret = ns.api::<Secret>().get(name).await?;
        let was = &before[name];
        assert!(
            secret.metadata.resource_version == was.resource_version
                || secret.data.as_ref() == Some(&was.data),
            "{name}: the Secret changed in the migration"
        );
        assert_eq!(
            secret.data.unwrap_or_default(),
            was.data,
            "{name}: the Secret's data"
        );
    }

    // --- new SealedSecrets: one sealed before the migration, one sealed after it
    apply(&client, &serde_json::from_str(&later)?, KUBECTL).await?;
    wait_unsealed(&ns, "later", later_value).await?;
    seal_and_unseal(
        &client,
        &kubeseal,
        &kubeconfig,
        &ns,
        "after-migration",
        KUBECTL,
    )
    .await?;
    assert_eq!(
        key_secrets(&secrets).await?,
        keys,
        "still Bitnami's one key"
    );
    // the pod proxy reaches sealgate's pods; the metrics Service of Bitnami's is gone
    let path = format!("/api/v1/namespaces/{CONTROLLER_NS}/services");
    get_raw(
        &client,
        &path,
        &format!("http:{DEPLOYMENT}:http/proxy/healthz"),
    )
    .await?;

    ns.delete().await?;
    Ok(())
}
