//! The kube-runtime controller loop: watches SealedSecrets and their Secrets, runs reconciles.
//!
//! SealedSecrets are watched in all namespaces (or the controller's own with
//! `--all-namespaces=false`); Secrets are watched metadata-only, so Secret values are never held
//! in the controller's cache, and a change to an owned Secret (e.g. its deletion) re-queues its
//! SealedSecret. Every SealedSecret is re-queued when the key set changes (a key added at
//! runtime opens items that failed before) and when this replica becomes leader.

use std::future::Future;
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Secret;
use kube::runtime::controller::{self, Controller};
use kube::core::PartialObjectMeta;
use kube::ResourceExt;
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Api, Client};
use tokio_stream_compat::watch_changes;

use super::cluster::Cluster;
use super::{Context, error_policy, reconcile};
use crate::crd::SealedSecret;

/// Where to watch.
#[derive(Debug, Clone)]
pub enum Scope {
    AllNamespaces,
    Namespace(String),
}

/// Runs until `shutdown` resolves (then finishes the reconciles in flight).
pub async fn run<C: Cluster>(
    client: Client,
    scope: Scope,
    workers: u16,
    ctx: Arc<Context<C>>,
    shutdown: impl Future<Output = ()> + Send + Sync + 'static,
) {
    // Api<PartialObjectMeta<_>> makes metadata-only requests.
    let (sealed_api, secret_api): (Api<SealedSecret>, Api<PartialObjectMeta<Secret>>) = match &scope {
        Scope::AllNamespaces => (Api::all(client.clone()), Api::all(client)),
        Scope::Namespace(ns) => (Api::namespaced(client.clone(), ns), Api::namespaced(client, ns)),
    };
    let owned = watcher(secret_api, watcher::Config::default().any_semantic()).default_backoff().touched_objects();
    let key_changes = watch_changes(ctx.keyring.subscribe());
    let leadership = watch_changes(ctx.is_leader.clone());
    // Our own watch (instead of Controller::new) so a deleted SealedSecret's condition_info
    // series can be dropped, as upstream does: reconcile never sees deleted objects.
    let (reader, writer) = reflector::store();
    let metrics = ctx.metrics.clone();
    let sealed_events = watcher(sealed_api, watcher::Config::default().any_semantic())
        .default_backoff()
        .inspect_ok(move |event| {
            if let watcher::Event::Delete(gone) = event {
                let instance = gone.labels().get("app.kubernetes.io/instance").cloned().unwrap_or_default();
                metrics.condition(&gone.namespace().unwrap_or_default(), &gone.name_any(), &instance, None);
            }
        });
    let sealed = reflector::reflector(writer, sealed_events).applied_objects();
    Controller::for_stream(sealed, reader)
        .owns_stream(owned)
        .reconcile_all_on(key_changes)
        .reconcile_all_on(leadership)
        .with_config(controller::Config::default().concurrency(workers.max(1)))
        .graceful_shutdown_on(shutdown)
        .run(reconcile, error_policy, ctx)
        .for_each(|result| async move {
            if let Err(error) = result {
                match error {
                    // Reconcile failures were already reported (status, Event, log).
                    controller::Error::ReconcilerFailed(..) => {}
                    other => tracing::warn!(error = %other, "controller loop"),
                }
            }
        })
        .await;
}

/// `watch::Receiver` changes as a stream of `()` (the first value is not a change).
mod tokio_stream_compat {
    use futures::Stream;
    use tokio::sync::watch;

    pub fn watch_changes<T: Send + Sync + 'static>(rx: watch::Receiver<T>) -> impl Stream<Item = ()> + Send + 'static {
        futures::stream::unfold(rx, |mut rx| async move {
            rx.changed().await.ok()?;
            Some(((), rx))
        })
    }
}
