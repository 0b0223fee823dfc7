//! The kube-runtime controller loop: watches SealedSecrets and their Secrets, runs reconciles.
//!
//! SealedSecrets are watched in all namespaces, or in the controller's own plus
//! `--additional-namespaces` (one loop per namespace, as upstream), optionally narrowed by
//! `--label-selector`. Only changes that can change the produced Secret start a reconcile: a
//! new generation (spec), annotations (scope) or labels — not the status this controller writes.
//! Secrets are watched metadata-only, so Secret values are never held in the controller's cache
//! (which reconcile reads instead of GETting an in-sync or missing Secret);
//! a deleted owned Secret, or one that lost our digest annotation, re-queues its SealedSecret,
//! and so does any other change to an owned Secret (a resourceVersion the controller neither
//! wrote nor checked: its data may have been edited, so reconcile GETs that one Secret and checks
//! its data digest), while the Secrets the controller itself writes (and its first list of
//! them) do not. Every SealedSecret is re-queued when
//! the key set changes (a key added at runtime opens items that failed before) and when this
//! replica becomes leader.

use std::future::Future;
use std::sync::Arc;

use futures::{FutureExt, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Secret;
use kube::ResourceExt;
use kube::core::PartialObjectMeta;
use kube::runtime::controller::{self, Controller};
use kube::runtime::{Predicate, WatchStreamExt, predicates, reflector, watcher};
use kube::{Api, Client};
use tokio_stream_compat::watch_changes;

use super::checked::Checked;
use super::cluster::Cluster;
use super::digest::DIGEST_ANNOTATION;
use super::{Context, error_policy, reconcile};
use crate::crd::SealedSecretResource;

/// Where to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    AllNamespaces,
    Namespaces(Vec<String>),
}

impl Scope {
    /// Upstream's rule: `--all-namespaces=false` or any additional namespace limits the watch
    /// to the controller namespace plus the additional ones.
    pub fn from_flags(all_namespaces: bool, own: &str, additional: &[String]) -> Self {
        let extra: Vec<&String> = additional
            .iter()
            .filter(|ns| !ns.trim().is_empty())
            .collect();
        if all_namespaces && extra.is_empty() {
            return Self::AllNamespaces;
        }
        let mut namespaces = vec![own.to_owned()];
        for ns in extra {
            let ns = ns.trim().to_owned();
            if !namespaces.contains(&ns) {
                namespaces.push(ns);
            }
        }
        Self::Namespaces(namespaces)
    }
}

/// What to watch: where, and which SealedSecrets.
#[derive(Debug, Clone)]
pub struct Watch {
    pub scope: Scope,
    pub label_selector: Option<String>,
}

/// Runs until `shutdown` resolves (then finishes the reconciles in flight).
pub async fn run<C: Cluster>(
    client: Client,
    watch: Watch,
    workers: u16,
    ctx: Arc<Context<C>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let shutdown = shutdown.boxed().shared();
    match &watch.scope {
        Scope::AllNamespaces => {
            let apis = (Api::all(client.clone()), Api::all(client));
            run_one(
                apis,
                None,
                watch.label_selector.as_deref(),
                workers,
                ctx,
                shutdown,
            )
            .await;
        }
        Scope::Namespaces(namespaces) => {
            let loops = namespaces.iter().map(|ns| {
                let apis = (
                    Api::namespaced(client.clone(), ns),
                    Api::namespaced(client.clone(), ns),
                );
                run_one(
                    apis,
                    Some(ns.as_str()),
                    watch.label_selector.as_deref(),
                    workers,
                    ctx.clone(),
                    shutdown.clone(),
                )
            });
            futures::future::join_all(loops).await;
        }
    }
}

/// One watch + reconcile loop over one set of APIs (all namespaces or one namespace).
async fn run_one<C: Cluster>(
    (sealed_api, secret_api): (Api<SealedSecretResource>, Api<PartialObjectMeta<Secret>>),
    namespace: Option<&str>,
    label_selector: Option<&str>,
    workers: u16,
    ctx: Arc<Context<C>>,
    shutdown: impl Future<Output = ()> + Send + Sync + 'static,
) {
    // Api<PartialObjectMeta<_>> makes metadata-only requests; the store answers reconcile's
    // "is the Secret there and in sync" without a GET.
    let (secrets, secrets_writer) = reflector::store();
    ctx.cluster.add_secret_store(namespace, secrets);
    let secret_events =
        watcher(secret_api, watcher::Config::default().any_semantic()).default_backoff();
    let owned = secret_triggers(
        reflector::reflector(secrets_writer, secret_events),
        ctx.checked.clone(),
    );
    let key_changes = watch_changes(ctx.keyring.subscribe());
    let leadership = watch_changes(ctx.is_leader.clone());
    // Our own watch (instead of Controller::new) so a deleted SealedSecret's condition_info
    // series can be dropped, as upstream does: reconcile never sees deleted objects.
    let (reader, writer) = reflector::store();
    let metrics = ctx.metrics.clone();
    let forget = ctx.checked.clone();
    let mut sealed_config = watcher::Config::default().any_semantic();
    if let Some(selector) = label_selector {
        sealed_config = sealed_config.labels(selector);
    }
    let sealed_events = watcher(sealed_api, sealed_config)
        .default_backoff()
        .inspect_ok(move |event| {
            if let watcher::Event::Delete(gone) = event {
                let instance = gone
                    .labels()
                    .get("app.kubernetes.io/instance")
                    .cloned()
                    .unwrap_or_default();
                let namespace = gone.namespace().unwrap_or_default();
                metrics.condition(&namespace, &gone.name_any(), &instance, None);
                metrics.key_usage.forget(&namespace, &gone.name_any());
                metrics.drift.set(&namespace, &gone.name_any(), None);
                forget.forget(&namespace, &gone.name_any());
            }
        });
    // Our status writes change neither generation, annotations nor labels, so they do not come
    // back as a second reconcile (the predicate cache forgets entries after an hour, which only
    // costs a fast-path check).
    let changes = predicates::generation
        .combine(predicates::annotations)
        .combine(predicates::labels);
    let sealed = reflector::reflector(writer, sealed_events)
        .applied_objects()
        .predicate_filter(changes, Default::default());
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

/// Events whose decision may wait at once (for a write in flight on their Secret, see
/// [`secret_trigger`]). Past this many the watch waits too, which only happens when that many
/// writes hang at the API server.
const PENDING_DECISIONS: usize = 256;

/// The Secrets of `events` that need their SealedSecret reconciled ([`secret_trigger`]). The
/// decisions run concurrently, in any order: one waiting for a slow write on its Secret must not
/// hold up the watch, and with it the store that reconciles read, for every other Secret.
fn secret_triggers<E: Send + 'static>(
    events: impl futures::Stream<Item = Result<watcher::Event<PartialObjectMeta<Secret>>, E>>
    + Send
    + 'static,
    checked: Arc<Checked>,
) -> impl futures::Stream<Item = Result<PartialObjectMeta<Secret>, E>> + Send + 'static {
    events
        .map_ok(move |event| {
            let checked = checked.clone();
            async move { Ok(secret_trigger(event, &checked).await) }
        })
        .try_buffer_unordered(PENDING_DECISIONS)
        .try_filter_map(|secret| async move { Ok(secret) })
}

/// The Secret changes that need their SealedSecret reconciled: deletions (re-create it),
/// Secrets without our digest annotation (written by someone else, or stripped), and versions
/// of our Secrets that this replica neither wrote nor checked (someone else's write: check the
/// data). The controller's own writes are recorded in `checked` (an event that overtakes the
/// write's response waits for it), so they do not come back. On the first list, a Secret of
/// ours that this replica has not looked at yet does not trigger either: the SealedSecret list
/// reconciles every SealedSecret anyway, with the same data check.
async fn secret_trigger(
    event: watcher::Event<PartialObjectMeta<Secret>>,
    checked: &Checked,
) -> Option<PartialObjectMeta<Secret>> {
    let names = |secret: &PartialObjectMeta<Secret>| {
        (
            secret.metadata.namespace.clone().unwrap_or_default(),
            secret.metadata.name.clone().unwrap_or_default(),
        )
    };
    let ours = |secret: &PartialObjectMeta<Secret>| {
        secret
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(DIGEST_ANNOTATION))
    };
    match event {
        watcher::Event::Delete(secret) => {
            let (namespace, name) = names(&secret);
            checked.settled(&namespace, &name).await;
            if checked.take_deleted(&namespace, &name, secret.metadata.uid.as_deref()) {
                // Deleted by the controller to re-create it with the right type.
                return None;
            }
            checked.forget(&namespace, &name);
            Some(secret)
        }
        watcher::Event::Apply(secret) | watcher::Event::InitApply(secret) if !ours(&secret) => {
            Some(secret)
        }
        watcher::Event::Apply(secret) => {
            let (namespace, name) = names(&secret);
            checked.settled(&namespace, &name).await;
            let version = secret.metadata.resource_version.as_deref();
            (!checked.is_known(&namespace, &name, version)).then_some(secret)
        }
        watcher::Event::InitApply(secret) => {
            let (namespace, name) = names(&secret);
            checked.settled(&namespace, &name).await;
            let version = secret.metadata.resource_version.as_deref();
            // A re-list after a watch gap: a version other than the one recorded changed meanwhile.
            (checked.is_tracked(&namespace, &name) && !checked.is_known(&namespace, &name, version))
                .then_some(secret)
        }
        watcher::Event::Init | watcher::Event::InitDone => None,
    }
}

/// `watch::Receiver` changes as a stream of `()` (the first value is not a change).
mod tokio_stream_compat {
    use futures::Stream;
    use tokio::sync::watch;

    pub fn watch_changes<T: Send + Sync + 'static>(
        rx: watch::Receiver<T>,
    ) -> impl Stream<Item = ()> + Send + 'static {
        futures::stream::unfold(rx, |mut rx| async move {
            rx.changed().await.ok()?;
            Some(((), rx))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_follows_upstream_flag_rules() {
        let ns = |list: &[&str]| Scope::Namespaces(list.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(Scope::from_flags(true, "ctl", &[]), Scope::AllNamespaces);
        assert_eq!(
            Scope::from_flags(true, "ctl", &[String::new()]),
            Scope::AllNamespaces,
            "an empty variable adds nothing"
        );
        assert_eq!(Scope::from_flags(false, "ctl", &[]), ns(&["ctl"]));
        let extra = [
            "a".to_owned(),
            " b ".to_owned(),
            "ctl".to_owned(),
            "a".to_owned(),
        ];
        assert_eq!(
            Scope::from_flags(true, "ctl", &extra),
            ns(&["ctl", "a", "b"])
        );
    }

    fn secret(annotated: bool, version: &str, uid: &str) -> PartialObjectMeta<Secret> {
        let mut meta = PartialObjectMeta::<Secret>::default();
        meta.metadata.namespace = Some("n".to_owned());
        meta.metadata.name = Some("s".to_owned());
        meta.metadata.resource_version = Some(version.to_owned());
        meta.metadata.uid = Some(uid.to_owned());
        if annotated {
            meta.metadata.annotations =
                Some([(DIGEST_ANNOTATION.to_owned(), "sha256:x".to_owned())].into());
        }
        meta
    }

    #[tokio::test]
    async fn only_foreign_changed_or_deleted_secrets_trigger_a_reconcile() {
        let checked = Checked::default();
        let trigger = |event| secret_trigger(event, &checked);
        assert!(
            trigger(watcher::Event::InitApply(secret(true, "7", "u")))
                .await
                .is_none(),
            "the first list: the SealedSecret list checks it"
        );
        assert!(
            trigger(watcher::Event::InitApply(secret(false, "7", "u")))
                .await
                .is_some(),
            "listed without our digest"
        );
        checked.record("n", "s", Some("7"));
        assert!(
            trigger(watcher::Event::Apply(secret(true, "7", "u")))
                .await
                .is_none(),
            "our own write"
        );
        assert!(
            trigger(watcher::Event::InitApply(secret(true, "7", "u")))
                .await
                .is_none(),
            "a re-list of our Secrets"
        );
        assert!(
            trigger(watcher::Event::InitApply(secret(true, "8", "u")))
                .await
                .is_some(),
            "a re-list showing a change made during a watch gap"
        );
        assert!(
            trigger(watcher::Event::Apply(secret(true, "8", "u")))
                .await
                .is_some(),
            "someone else's write keeping our annotations: check the data"
        );
        assert!(
            trigger(watcher::Event::Apply(secret(false, "7", "u")))
                .await
                .is_some(),
            "digest stripped or foreign"
        );
        checked.deleted("n", "s", Some("u"));
        assert!(
            trigger(watcher::Event::Delete(secret(true, "7", "u")))
                .await
                .is_none(),
            "deleted by the controller to re-create it"
        );
        assert!(
            trigger(watcher::Event::Delete(secret(true, "7", "u")))
                .await
                .is_some(),
            "deleted: re-create it"
        );
        assert!(
            !checked.is_known("n", "s", Some("7")),
            "a deleted Secret's version is forgotten"
        );
        assert!(trigger(watcher::Event::InitDone).await.is_none());
    }

    /// Found by reading: the watch loop awaited each decision in turn, so an event waiting (up
    /// to 30 s) for a slow write on one Secret held up every other Secret's events and the store.
    #[tokio::test]
    async fn a_decision_waiting_for_a_write_does_not_hold_up_other_secrets() {
        let checked = Arc::new(Checked::default());
        let writing = checked.writing("n", "s");
        let mut other = secret(false, "3", "v");
        other.metadata.name = Some("other".to_owned());
        let events = futures::stream::iter([
            Ok::<_, std::convert::Infallible>(watcher::Event::Apply(secret(true, "9", "u"))),
            Ok(watcher::Event::Apply(other)),
        ]);
        let mut triggers = Box::pin(secret_triggers(events, checked.clone()));
        let first = tokio::time::timeout(std::time::Duration::from_secs(5), triggers.next())
            .await
            .expect("the other Secret's event is decided while the write is in flight");
        let first = first.expect("an item").expect("no error");
        assert_eq!(first.metadata.name.as_deref(), Some("other"));
        checked.record("n", "s", Some("9"));
        drop(writing);
        assert!(
            triggers.next().await.is_none(),
            "our own write: no reconcile"
        );
    }

    #[tokio::test]
    async fn the_event_of_our_own_write_waits_for_its_response() {
        let checked = Arc::new(Checked::default());
        let writing = checked.writing("n", "s");
        let event = tokio::spawn({
            let checked = checked.clone();
            async move {
                secret_trigger(watcher::Event::Apply(secret(true, "9", "u")), &checked)
                    .await
                    .is_some()
            }
        });
        let foreign = tokio::spawn({
            let checked = checked.clone();
            async move {
                secret_trigger(watcher::Event::Apply(secret(true, "10", "u")), &checked)
                    .await
                    .is_some()
            }
        });
        // The watch delivered both before the write's response recorded version 9.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        checked.record("n", "s", Some("9"));
        drop(writing);
        assert!(!event.await.expect("task"), "our write: no reconcile");
        assert!(foreign.await.expect("task"), "someone else's: reconcile");
    }
}
