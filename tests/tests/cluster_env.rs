//! The local control plane is a real cluster: RBAC, watches, ownerReference GC, namespace deletion.

use std::collections::BTreeMap;
use std::error::Error;

use futures::TryStreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{DeleteParams, ObjectMeta, PostParams};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event, watcher};
use kube::{Api, ResourceExt};
use sealgate_tests::{DEFAULT_WAIT, TestNamespace, cluster, eventually};

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

fn secret(name: &str, owner: Option<OwnerReference>) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            owner_references: owner.map(|o| vec![o]),
            ..ObjectMeta::default()
        },
        string_data: Some(BTreeMap::from([(
            "k".to_owned(),
            "not a real secret".to_owned(),
        )])),
        ..Secret::default()
    }
}

/// Deleting a ConfigMap makes the garbage collector delete the Secret it owns (seen both by GET
/// and by a watch), leaves an unowned Secret alone, and the namespace then deletes completely.
#[tokio::test]
async fn owner_deletion_garbage_collects_dependents_and_namespace_finalizes() -> TestResult {
    let Some(cluster) = cluster("owner_deletion_garbage_collects_dependents").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "gc").await?;
    let ns_name = ns.name().to_owned();
    let configmaps: Api<ConfigMap> = ns.api();
    let secrets: Api<Secret> = ns.api();

    // Watch Secrets from before anything exists, so both the creation and the GC deletion of the
    // owned Secret must arrive as events.
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let watched = secrets.clone();
    let watch = tokio::spawn(async move {
        let mut ready = Some(ready_tx);
        let mut seen: Vec<String> = Vec::new();
        let mut stream =
            std::pin::pin!(watcher(watched, watcher::Config::default()).default_backoff());
        while let Some(event) = stream.try_next().await? {
            match event {
                Event::InitDone => {
                    if let Some(tx) = ready.take() {
                        let _ = tx.send(());
                    }
                }
                Event::Apply(s) | Event::InitApply(s) => {
                    seen.push(format!("apply {}", s.name_any()))
                }
                Event::Delete(s) => {
                    seen.push(format!("delete {}", s.name_any()));
                    if s.name_any() == "owned" {
                        return Ok(seen);
                    }
                }
                Event::Init => {}
            }
        }
        Err::<Vec<String>, Box<dyn Error + Send + Sync>>(
            format!("watch ended early; saw {seen:?}").into(),
        )
    });
    tokio::time::timeout(DEFAULT_WAIT, ready_rx).await??;

    let owner = configmaps
        .create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("owner".to_owned()),
                    ..ObjectMeta::default()
                },
                data: Some(BTreeMap::from([("a".to_owned(), "b".to_owned())])),
                ..ConfigMap::default()
            },
        )
        .await?;
    let owner_ref = OwnerReference {
        api_version: "v1".to_owned(),
        kind: "ConfigMap".to_owned(),
        name: owner.name_any(),
        uid: owner.uid().ok_or("created ConfigMap has no uid")?,
        ..OwnerReference::default()
    };
    secrets
        .create(&PostParams::default(), &secret("owned", Some(owner_ref)))
        .await?;
    secrets
        .create(&PostParams::default(), &secret("unowned", None))
        .await?;

    configmaps
        .delete("owner", &DeleteParams::background())
        .await?;
    eventually(
        "the garbage collector to delete Secret 'owned'",
        DEFAULT_WAIT,
        || async {
            match secrets.get_opt("owned").await {
                Ok(None) => Ok(()),
                Ok(Some(s)) => Err(format!(
                    "Secret 'owned' still exists (ownerReferences {:?})",
                    s.owner_references()
                )),
                Err(e) => Err(format!("GET failed: {e}")),
            }
        },
    )
    .await?;
    assert!(
        secrets.get_opt("unowned").await?.is_some(),
        "the unowned Secret must survive the owner's deletion"
    );

    let seen = tokio::time::timeout(DEFAULT_WAIT, watch).await???;
    assert!(
        seen.contains(&"apply owned".to_owned()),
        "watch never saw 'owned' created: {seen:?}"
    );
    assert!(
        seen.contains(&"delete owned".to_owned()),
        "watch never saw 'owned' deleted: {seen:?}"
    );

    ns.delete().await?;
    let namespaces: Api<Namespace> = Api::all(cluster.client.clone());
    eventually(
        "the namespace controller to finish deleting the namespace",
        DEFAULT_WAIT,
        || async {
            match namespaces.get_opt(&ns_name).await {
                Ok(None) => Ok(()),
                Ok(Some(n)) => Err(format!(
                    "namespace still there, phase {:?}",
                    n.status.and_then(|s| s.phase)
                )),
                Err(e) => Err(format!("GET failed: {e}")),
            }
        },
    )
    .await?;
    Ok(())
}

/// RBAC is enforced: a user with no bindings is refused, while the admin is not.
#[tokio::test]
async fn rbac_refuses_an_unbound_user() -> TestResult {
    let Some(cluster) = cluster("rbac_refuses_an_unbound_user").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "rbac").await?;
    let nobody = cluster.impersonating("sealgate-test-nobody", &["system:authenticated"])?;
    let refused = Api::<Secret>::namespaced(nobody, ns.name())
        .list(&Default::default())
        .await;
    match refused {
        Err(kube::Error::Api(status)) if status.code == 403 => {}
        other => {
            return Err(
                format!("expected 403 Forbidden for an unbound user, got {other:?}").into(),
            );
        }
    }
    ns.api::<Secret>().list(&Default::default()).await?;
    ns.delete().await?;
    Ok(())
}

/// The controller manager runs the service account controller: every namespace gets `default`.
#[tokio::test]
async fn new_namespaces_get_a_default_service_account() -> TestResult {
    let Some(cluster) = cluster("new_namespaces_get_a_default_service_account").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "sa").await?;
    let accounts: Api<ServiceAccount> = ns.api();
    eventually(
        "ServiceAccount 'default' in the new namespace",
        DEFAULT_WAIT,
        || async {
            match accounts.get_opt("default").await {
                Ok(Some(_)) => Ok(()),
                Ok(None) => Err("not created yet".to_owned()),
                Err(e) => Err(format!("GET failed: {e}")),
            }
        },
    )
    .await?;
    ns.delete().await?;
    Ok(())
}
