//! Reconcile: one SealedSecret → its Secret, status, Events and metrics.
//!
//! The steps are pure functions in the sub-modules (digest, decryption, desired Secret, plan,
//! status); this file sequences them over a [`Cluster`] and handles retries: failures back off
//! exponentially up to `--max-retry-backoff` and never stop; successes re-check after
//! `--resync-period` (cheap thanks to the digest fast path).

pub mod checked;
pub mod cluster;
pub mod controller;
pub mod data_digest;
pub mod desired;
pub mod digest;
pub mod events;
pub mod plan;
pub mod status;
pub mod store_ready;
pub mod unseal;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::jiff::Timestamp;
use kube::runtime::controller::Action;
use tokio::sync::{Semaphore, watch};

use crate::crd::SealedSecretResource;
use crate::drift_gauges::DriftState;
use crate::keys::Keyring;
use crate::keys::{ITEMS_PER_KEY_ANNOTATION, ItemsPerKey, parse_items_per_key};
use crate::metrics::{ErrorReason, Metrics};
use checked::Checked;
use cluster::{Cached, Cluster, FIELD_MANAGER, Severity};
use data_digest::Check;
use desired::{Owner, desired_secret};
use digest::{FINGERPRINT_ANNOTATION, sealed_digest};
use plan::{PATCH_ANNOTATION, Plan, already_in_sync, controlled_by, plan, writable};
use status::{metav1_time, next_status};
use unseal::{UnsealFailure, decrypt};

/// Reconcile behaviour chosen by flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub accept_deprecated_v1_data: bool,
    pub update_status: bool,
    pub resync_period: Duration,
    pub max_retry_backoff: Duration,
}

/// Why a SealedSecret is not synced. The text is the status message and the Event note.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Unseal(UnsealFailure),
    #[error("Resource \"{name}\" already exists and is not managed by SealedSecret")]
    Unmanaged { name: String },
    #[error(
        "Secret \"{name}\" is immutable and its data differs from the SealedSecret; delete the Secret so it can be re-created"
    )]
    Immutable { name: String },
    #[error("cannot read Secret {namespace}/{name}: {source}")]
    Fetch {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
    #[error("cannot write Secret {namespace}/{name}: {source}")]
    Update {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
    #[error("Secret \"{name}\" was created and removed again while being written; retrying")]
    Raced { name: String },
    #[error("the decryption task stopped: {reason}")]
    Task { reason: String },
}

impl SyncError {
    /// Upstream's Event reason and metric reason for this failure.
    fn reasons(&self) -> (&'static str, ErrorReason) {
        match self {
            Self::Unseal(_) | Self::Task { .. } => ("ErrUnsealFailed", ErrorReason::Unseal),
            Self::Unmanaged { .. } => ("ErrUpdateFailed", ErrorReason::Unmanaged),
            Self::Immutable { .. } | Self::Update { .. } | Self::Raced { .. } => {
                ("ErrUpdateFailed", ErrorReason::Update)
            }
            Self::Fetch { .. } => ("ErrUpdateFailed", ErrorReason::Fetch),
        }
    }
}

/// Everything a reconcile needs, shared by all workers.
pub struct Context<C> {
    pub cluster: C,
    pub keyring: Keyring,
    pub metrics: Arc<Metrics>,
    pub settings: Settings,
    /// Only the leader writes; always true with `--leader-elect=false` (see `leader`).
    pub is_leader: watch::Receiver<bool>,
    /// Bounds concurrent RSA work to the CPU count (workers beyond it wait on I/O, not CPU).
    rsa_slots: Arc<Semaphore>,
    /// The retry delays of each SealedSecret that is failing; success forgets it.
    retries: Mutex<HashMap<(String, String), ExponentialBackoff>>,
    /// Secret versions written or checked by this replica (the watch loop reads it too).
    pub checked: Arc<Checked>,
}

impl<C: Cluster> Context<C> {
    pub fn new(
        cluster: C,
        keyring: Keyring,
        metrics: Arc<Metrics>,
        settings: Settings,
        is_leader: watch::Receiver<bool>,
    ) -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            cluster,
            keyring,
            metrics,
            settings,
            is_leader,
            rsa_slots: Arc::new(Semaphore::new(cpus)),
            retries: Mutex::new(HashMap::new()),
            checked: Arc::default(),
        }
    }

    /// How long a data check stays good: half the resync period, so every resync checks each
    /// Secret's data again (one GET, no RSA), whatever the watch saw.
    fn check_max_age(&self) -> Duration {
        self.settings.resync_period / 2
    }

    /// The wait before the next retry of `key`, which just failed (again).
    fn next_retry(&self, key: (String, String)) -> Duration {
        let cap = self.settings.max_retry_backoff;
        let Ok(mut retries) = self.retries.lock() else {
            return cap;
        };
        retries
            .entry(key)
            .or_insert_with(|| retry_delays(cap))
            .next()
            .unwrap_or(cap)
    }

    fn succeeded(&self, key: &(String, String)) {
        if let Ok(mut retries) = self.retries.lock() {
            retries.remove(key);
        }
    }
}

fn identity(sealed: &SealedSecretResource) -> (String, String) {
    (
        sealed.metadata.namespace.clone().unwrap_or_default(),
        sealed.metadata.name.clone().unwrap_or_default(),
    )
}

/// Retry delays of one failing SealedSecret: 500 ms doubling, capped at `cap`, never ending.
fn retry_delays(cap: Duration) -> ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(500).min(cap))
        .with_max_delay(cap)
        .without_max_times()
        .build()
}

/// One reconcile of one SealedSecret. Its log lines carry the object in a span; the span field
/// is `sealedsecret`, not `name`, because JSON logs already use `name` for the span's own name.
#[tracing::instrument(
    name = "reconcile",
    skip_all,
    fields(
        namespace = sealed.metadata.namespace.as_deref().unwrap_or_default(),
        sealedsecret = sealed.metadata.name.as_deref().unwrap_or_default(),
    )
)]
pub async fn reconcile<C: Cluster>(
    sealed: Arc<SealedSecretResource>,
    ctx: Arc<Context<C>>,
) -> Result<Action, SyncError> {
    if !*ctx.is_leader.borrow() {
        // Followers keep their caches warm but write nothing; becoming leader re-queues all.
        return Ok(Action::await_change());
    }
    if sealed.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let started = Instant::now();
    ctx.metrics.unseal_requests.inc();
    let (namespace, name) = identity(&sealed);
    let mut found = Found::default();
    let outcome = sync(&sealed, &ctx, &mut found).await;

    let message = outcome.as_ref().err().map(ToString::to_string);
    if ctx.settings.update_status {
        let result = message.as_deref().map_or(Ok(()), Err);
        if let Some(status) = next_status(
            sealed.status.as_ref(),
            sealed.metadata.generation,
            result,
            &metav1_time(Timestamp::now()),
        ) && let Err(e) = ctx.cluster.write_status(&sealed, &status).await
        {
            ctx.metrics.error(ErrorReason::Status, &namespace);
            tracing::warn!(error = %e, "cannot write the SealedSecret status");
        }
    }
    let instance = sealed
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("app.kubernetes.io/instance"))
        .cloned()
        .unwrap_or_default();
    ctx.metrics
        .condition(&namespace, &name, &instance, Some(outcome.is_ok()));
    ctx.metrics
        .reconcile_duration
        .observe(started.elapsed().as_secs_f64());
    let drift = match (&outcome, found.tampered) {
        (Ok(_), _) => DriftState::InSync,
        (Err(_), true) => DriftState::Tampered,
        (Err(_), false) => DriftState::NotSynced,
    };
    ctx.metrics.drift.set(&namespace, &name, Some(drift));

    match outcome {
        Ok(wrote) => {
            ctx.succeeded(&(namespace.clone(), name.clone()));
            if wrote {
                tracing::info!("unsealed");
            }
            if let Some(repair) = found.repair.filter(|_| wrote) {
                ctx.metrics.secrets_repaired.inc();
                let note = repair.note(&name);
                tracing::warn!(items = ?repair.items, manager = ?repair.manager, "Secret repaired");
                ctx.cluster
                    .event(&sealed, Severity::Warning, "SecretRepaired", &note)
                    .await;
            }
            // Upstream reports every successful reconcile, not only the ones that wrote.
            ctx.cluster
                .event(
                    &sealed,
                    Severity::Normal,
                    "Unsealed",
                    "SealedSecret unsealed successfully",
                )
                .await;
            Ok(Action::requeue(ctx.settings.resync_period))
        }
        Err(error) => {
            let (reason, metric) = error.reasons();
            ctx.metrics.error(metric, &namespace);
            tracing::warn!(%error, reason, "not synced");
            let note = match reason {
                "ErrUnsealFailed" => format!("Failed to unseal: {error}"),
                _ => error.to_string(),
            };
            ctx.cluster
                .event(&sealed, Severity::Warning, reason, &note)
                .await;
            if matches!(error, SyncError::Immutable { .. }) {
                // Retrying cannot help until someone deletes the Secret (which re-queues it).
                return Ok(Action::requeue(ctx.settings.resync_period));
            }
            Err(error)
        }
    }
}

/// Retries with exponential backoff, never giving up.
pub fn error_policy<C: Cluster>(
    sealed: Arc<SealedSecretResource>,
    _error: &SyncError,
    ctx: Arc<Context<C>>,
) -> Action {
    Action::requeue(ctx.next_retry(identity(&sealed)))
}

/// What one sync found out about the Secret besides the outcome.
#[derive(Debug, Default)]
struct Found {
    /// The data check failed: the data no longer matched its data digest.
    tampered: bool,
    /// What differed from the SealedSecret when the data check failed or could not be made.
    repair: Option<Repair>,
}

/// Names (never values) of what a repair put back, and who had changed it.
#[derive(Debug)]
struct Repair {
    items: Vec<String>,
    manager: Option<String>,
}

impl Repair {
    fn note(&self, name: &str) -> String {
        let by = self
            .manager
            .as_deref()
            .map_or_else(String::new, |m| format!(" by field manager {m:?}"));
        format!(
            "Secret {name:?} was changed outside its SealedSecret{by} ({}); rewritten from the SealedSecret",
            self.items.join(", ")
        )
    }
}

/// The Secret as found before writing.
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per reconcile, moved once"
)]
enum Current {
    /// Produced from this SealedSecret content, data intact: nothing to do.
    InSync(Box<Secret>),
    /// To be written (created when `None`); `check` is the data check's verdict when it failed.
    Stale {
        existing: Option<Secret>,
        check: Option<Check>,
    },
}

/// Brings the Secret in line; `Ok(true)` when it was created or changed.
async fn sync<C: Cluster>(
    sealed: &SealedSecretResource,
    ctx: &Context<C>,
    found: &mut Found,
) -> Result<bool, SyncError> {
    let core = sealgate_core::seal::SealedSecret::from(sealed);
    let (namespace, name) = identity(sealed);
    let uid = sealed.metadata.uid.clone().unwrap_or_default();
    let digest = sealed_digest(&core, &uid);
    let snapshot = ctx.keyring.current();
    let owner = Owner {
        namespace: &namespace,
        name: &name,
        uid: &uid,
    };
    let (existing, has_data) = match ctx.cluster.cached_secret(&namespace, &name).await {
        Cached::Absent => (None, true),
        Cached::Present(meta) => (Some(*meta), false),
        Cached::Unknown => (fetch(ctx, &namespace, &name).await?, true),
    };
    let (existing, check) = match current(ctx, &owner, &core, &digest, existing, has_data).await? {
        Current::InSync(in_sync) => {
            ctx.metrics.fast_path_hits.inc();
            ctx.metrics
                .key_usage
                .record(&namespace, &name, recorded_usage(&in_sync, &core));
            return Ok(false);
        }
        Current::Stale { existing, check } => (existing, check),
    };
    found.tampered = check == Some(Check::Changed);
    // Refuse before decrypting: a foreign Secret costs no RSA work.
    if existing.as_ref().is_some_and(|s| !writable(s, &uid)) {
        return Err(SyncError::Unmanaged { name });
    }
    let hint = existing.as_ref().and_then(hint_of);
    let accept_v1 = ctx.settings.accept_deprecated_v1_data;
    let permit = ctx
        .rsa_slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| SyncError::Task {
            reason: e.to_string(),
        })?;
    let keys = snapshot.clone();
    let sealed_core = core.clone();
    let attempt = tokio::task::spawn_blocking(move || {
        let attempt = decrypt(&keys.keys, &sealed_core, hint.as_deref(), accept_v1);
        drop(permit);
        attempt
    })
    .await
    .map_err(|e| SyncError::Task {
        reason: e.to_string(),
    })?;
    ctx.metrics.rsa_operations.inc_by(attempt.rsa_operations);
    let decrypted = attempt.result.map_err(SyncError::Unseal)?;
    ctx.metrics
        .key_usage
        .record(&namespace, &name, decrypted.items_per_key.clone());
    let mut desired = desired_secret(&owner, &decrypted, &digest);
    drop(decrypted);
    if let Some(key) = snapshot.keys.iter().next() {
        data_digest::stamp(&mut desired, key);
    }
    if let (Some(existing), Some(_)) = (existing.as_ref(), check) {
        found.repair = repair_of(existing, &desired);
    }
    match write(ctx, &owner, existing.as_ref(), desired).await? {
        Written::Done(wrote) => Ok(wrote),
        Written::AlreadyExists(desired) => {
            // Created after the watch (or our GET) saw it missing: plan against what is there.
            let fetched = fetch(ctx, &namespace, &name).await?;
            let existing = match current(ctx, &owner, &core, &digest, fetched, true).await? {
                Current::InSync(_) => return Ok(false),
                Current::Stale { existing, check } => {
                    found.tampered = check == Some(Check::Changed);
                    if let (Some(existing), Some(_)) = (existing.as_ref(), check) {
                        found.repair = repair_of(existing, &desired);
                    }
                    existing
                }
            };
            if existing.as_ref().is_some_and(|s| !writable(s, &uid)) {
                return Err(SyncError::Unmanaged { name });
            }
            match write(ctx, &owner, existing.as_ref(), *desired).await? {
                Written::Done(wrote) => Ok(wrote),
                Written::AlreadyExists(_) => Err(SyncError::Raced { name }),
            }
        }
    }
}

/// Looks at the Secret: absent, stale, or produced from this content, and then whether its data
/// is still what was written. The data check costs one GET (the watch holds no data) and no
/// RSA operation; it is skipped for a version this replica wrote or checked recently.
async fn current<C: Cluster>(
    ctx: &Context<C>,
    owner: &Owner<'_>,
    core: &sealgate_core::seal::SealedSecret,
    digest: &str,
    existing: Option<Secret>,
    has_data: bool,
) -> Result<Current, SyncError> {
    let stale = |existing| Current::Stale {
        existing,
        check: None,
    };
    let Some(secret) = existing else {
        return Ok(stale(None));
    };
    let full = |secret: Secret| async move {
        if has_data {
            Ok(Some(secret))
        } else {
            fetch(ctx, owner.namespace, owner.name).await
        }
    };
    if !already_in_sync(Some(&secret), owner.uid, digest) {
        return Ok(stale(full(secret).await?));
    }
    let version = secret.metadata.resource_version.clone();
    if ctx.checked.is_fresh(
        owner.namespace,
        owner.name,
        version.as_deref(),
        ctx.check_max_age(),
    ) {
        return Ok(Current::InSync(Box::new(secret)));
    }
    let Some(secret) = full(secret).await? else {
        return Ok(stale(None));
    };
    if !already_in_sync(Some(&secret), owner.uid, digest) {
        return Ok(stale(Some(secret)));
    }
    match data_digest::check(&secret, core, &ctx.keyring.current().keys) {
        Check::Intact => {
            ctx.checked.record(
                owner.namespace,
                owner.name,
                secret.metadata.resource_version.as_deref(),
            );
            Ok(Current::InSync(Box::new(secret)))
        }
        check => Ok(Current::Stale {
            existing: Some(secret),
            check: Some(check),
        }),
    }
}

/// What a rewrite of `existing` into `desired` puts back, when anything: item names and type,
/// and the last field manager other than the controller that wrote data or type.
fn repair_of(existing: &Secret, desired: &Secret) -> Option<Repair> {
    let patch = existing
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(PATCH_ANNOTATION))
        .is_some_and(|v| v == "true");
    let items = data_digest::differences(existing, desired, patch);
    if items.is_empty() {
        return None;
    }
    let manager = existing
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter(|m| m.manager.as_deref() != Some(FIELD_MANAGER))
        .filter(|m| {
            m.fields_v1.as_ref().is_some_and(|f| {
                f.0.get("f:data")
                    .is_some_and(|d| d.as_object().is_some_and(|o| !o.is_empty()))
                    || f.0.get("f:type").is_some()
            })
        })
        .max_by_key(|m| m.time.as_ref().map(|t| t.0))
        .and_then(|m| m.manager.clone());
    Some(Repair { items, manager })
}

async fn fetch<C: Cluster>(
    ctx: &Context<C>,
    namespace: &str,
    name: &str,
) -> Result<Option<Secret>, SyncError> {
    ctx.cluster
        .get_secret(namespace, name)
        .await
        .map_err(|source| SyncError::Fetch {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            source,
        })
}

/// The outcome of one write attempt.
enum Written {
    /// `true` when the Secret was created or changed.
    Done(bool),
    /// A create found the Secret already there; the desired Secret comes back for a re-plan.
    AlreadyExists(Box<Secret>),
}

/// Plans `desired` against `existing` and issues the create or replace.
async fn write<C: Cluster>(
    ctx: &Context<C>,
    owner: &Owner<'_>,
    existing: Option<&Secret>,
    desired: Secret,
) -> Result<Written, SyncError> {
    let write_error = |source| SyncError::Update {
        namespace: owner.namespace.to_owned(),
        name: owner.name.to_owned(),
        source,
    };
    let wrote = |version: Option<String>| {
        ctx.checked
            .record(owner.namespace, owner.name, version.as_deref());
        Ok(Written::Done(true))
    };
    let create = |secret: Box<Secret>| async move {
        match ctx.cluster.create_secret(owner.namespace, &secret).await {
            Ok(version) => wrote(version),
            Err(kube::Error::Api(status))
                if status.code == 409 && status.reason == "AlreadyExists" =>
            {
                Ok(Written::AlreadyExists(secret))
            }
            Err(e) => Err(write_error(e)),
        }
    };
    // Held until the new version is recorded: the watch event of this write waits for it
    // instead of looking like someone else's change (a second reconcile).
    let _writing = ctx.checked.writing(owner.namespace, owner.name);
    match plan(existing, desired, owner.uid) {
        Plan::Create(secret) => create(secret).await,
        Plan::Update(secret) => {
            if let Some(existing) = existing.filter(|e| retyped_and_ours(e, &secret, owner.uid)) {
                // `type` is immutable: put our own Secret back by re-creating it.
                ctx.cluster
                    .delete_secret(owner.namespace, existing)
                    .await
                    .map_err(write_error)?;
                ctx.checked.deleted(
                    owner.namespace,
                    owner.name,
                    existing.metadata.uid.as_deref(),
                );
                let mut fresh = *secret;
                fresh.metadata.resource_version = None;
                fresh.metadata.uid = None;
                fresh.metadata.managed_fields = None;
                fresh.metadata.creation_timestamp = None;
                return create(Box::new(fresh)).await;
            }
            match ctx.cluster.replace_secret(owner.namespace, &secret).await {
                Ok(version) => wrote(version),
                Err(e) if is_immutable_rejection(&e) => Err(SyncError::Immutable {
                    name: owner.name.to_owned(),
                }),
                Err(e) => Err(write_error(e)),
            }
        }
        Plan::Unchanged => Ok(Written::Done(false)),
        Plan::RefuseUnmanaged => Err(SyncError::Unmanaged {
            name: owner.name.to_owned(),
        }),
    }
}

/// A Secret of ours (owned, or carrying our digest; never a `patch` target, which belongs to
/// someone else) whose type differs from the one to write.
fn retyped_and_ours(existing: &Secret, next: &Secret, owner_uid: &str) -> bool {
    let type_of = |s: &Secret| s.type_.clone().unwrap_or_else(|| "Opaque".to_owned());
    let annotations = existing.metadata.annotations.as_ref();
    let patch = annotations
        .and_then(|a| a.get(PATCH_ANNOTATION))
        .is_some_and(|v| v == "true");
    let ours = controlled_by(existing, owner_uid)
        || annotations.is_some_and(|a| a.contains_key(digest::DIGEST_ANNOTATION));
    type_of(existing) != type_of(next) && ours && !patch
}

fn hint_of(secret: &Secret) -> Option<String> {
    secret
        .metadata
        .annotations
        .as_ref()?
        .get(FINGERPRINT_ANNOTATION)
        .cloned()
}

/// Items per key of an in-sync Secret, from its annotation; a Secret written before that
/// annotation existed credits every item to the key named by its fingerprint hint.
fn recorded_usage(secret: &Secret, sealed: &sealgate_core::seal::SealedSecret) -> ItemsPerKey {
    let annotations = secret.metadata.annotations.as_ref();
    if let Some(items) = annotations
        .and_then(|a| a.get(ITEMS_PER_KEY_ANNOTATION))
        .and_then(|t| parse_items_per_key(t))
    {
        return items;
    }
    let items = if sealed.spec.data.is_some() {
        1
    } else {
        u32::try_from(sealed.spec.encrypted_data.len()).unwrap_or(u32::MAX)
    };
    hint_of(secret)
        .map(|fp| ItemsPerKey::from([(fp, items)]))
        .unwrap_or_default()
}

/// The API server's answer to a data change on an immutable Secret (422, "field is immutable").
fn is_immutable_rejection(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 422 && status.message.contains("immutable"))
}

#[cfg(test)]
mod tests;
