//! Leader election on a `coordination.k8s.io` Lease: one replica writes, the others stand by.
//!
//! The outcome is a `watch::Receiver<bool>` ("this replica is the leader now") that gates every
//! write (Secrets, status, keys, the cert ConfigMap). Any error while renewing publishes `false`
//! at once: a replica that cannot prove it holds the lease stops writing, then rejoins.

use std::future::Future;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use k8s_openapi::api::coordination::v1::Lease;
use kube::{Api, Client};
use kube_lease_manager::{LeaseManager, LeaseManagerBuilder, LeaseManagerError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The Lease every replica competes for, in the controller namespace.
pub const DEFAULT_LEASE_NAME: &str = "sealgate-controller";

/// Upper bound on the wait between two attempts after an API error.
const MAX_RETRY: Duration = Duration::from_secs(10);

/// A release that hangs must not hold up shutdown: the lease then expires on its own.
const RELEASE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum LeaderError {
    #[error(
        "--lease-duration must be at least 2 seconds (got {seconds} s): the holder renews one grace period before expiry"
    )]
    DurationTooShort { seconds: u64 },
}

/// How this replica takes part in the election.
#[derive(Debug, Clone)]
pub struct LeaderConfig {
    /// `false` (`--leader-elect=false`): a single replica that always writes.
    pub enabled: bool,
    pub namespace: String,
    pub lease_name: String,
    /// Unique per process: see [`default_identity`].
    pub identity: String,
    /// How long a lease stays valid after its last renewal (`--lease-duration`).
    pub lease_duration: Duration,
}

impl LeaderConfig {
    /// Renew this long before the lease expires; a third of the duration (≥ 1 s) leaves room for
    /// a slow API server and for clock skew between nodes.
    fn grace_seconds(&self) -> u64 {
        (self.lease_duration.as_secs() / 3).max(1)
    }

    fn validate(&self) -> Result<(), LeaderError> {
        let seconds = self.lease_duration.as_secs();
        if self.enabled && seconds < 2 {
            return Err(LeaderError::DurationTooShort { seconds });
        }
        Ok(())
    }
}

/// `POD_NAME` (downward API) or the host name, plus a random suffix so a restarted pod with the
/// same name never mistakes the previous process's lease for its own.
pub fn default_identity() -> String {
    let base = std::env::var("POD_NAME")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "sealgate-controller".to_owned());
    format!("{base}-{}", random_suffix())
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 4];
    // A failing system RNG only weakens uniqueness; the process id still differs.
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        bytes = std::process::id().to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// This replica's part in the election: the "is leader" channel and the task that renews the
/// lease (and releases it on shutdown).
pub struct Leadership {
    is_leader: watch::Receiver<bool>,
    identity: String,
    task: Option<JoinHandle<()>>,
}

impl Leadership {
    /// Starts electing (or, with `enabled: false`, leads at once). The task stops, sets the
    /// channel to `false` and releases the lease when `shutdown` completes.
    pub fn start(
        client: Client,
        config: LeaderConfig,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<Self, LeaderError> {
        config.validate()?;
        if !config.enabled {
            return Ok(Self::always(config.identity));
        }
        let (tx, rx) = watch::channel(false);
        let identity = config.identity.clone();
        let task = tokio::spawn(elect(client, config, tx, shutdown));
        Ok(Self {
            is_leader: rx,
            identity,
            task: Some(task),
        })
    }

    /// A replica that is always the leader (`--leader-elect=false`).
    pub fn always(identity: String) -> Self {
        let (_tx, rx) = watch::channel(true);
        Self {
            is_leader: rx,
            identity,
            task: None,
        }
    }

    /// A receiver of the "is leader" state; `wait_for(|l| *l)` waits for leadership.
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.is_leader.clone()
    }

    pub fn is_leader(&self) -> bool {
        *self.is_leader.borrow()
    }

    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// Waits for the election task to finish (after shutdown: the lease has been released).
    pub async fn stopped(&mut self) {
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            tracing::warn!(%error, "leader election task ended abnormally");
        }
    }
}

/// A replica dropped without [`Leadership::stopped`] (e.g. an aborted test) stops renewing:
/// a detached task would otherwise hold the lease for the rest of the process. The lease is not
/// released, as after a crash, so the failover tests drop one to play a killed replica.
impl Drop for Leadership {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn elect(
    client: Client,
    config: LeaderConfig,
    tx: watch::Sender<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut retry = Retry::new();
    loop {
        let manager = tokio::select! {
            () = &mut shutdown => return,
            built = build(&client, &config) => built,
        };
        match manager {
            Ok(manager) => {
                if follow(&client, &manager, &config, &tx, &mut shutdown, &mut retry).await {
                    return;
                }
            }
            Err(error) => {
                tracing::warn!(%error, lease = %config.lease_name, "cannot reach the leader Lease; retrying");
            }
        }
        tx.send_replace(false);
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(retry.next()) => {}
        }
    }
}

/// Follows one lease manager until an error (`false`: rebuild it) or shutdown (`true`).
///
/// While leading, a watchdog reads the Lease every half grace period: a renewal that hangs
/// (a partition that drops packets rather than refusing them) must not leave this replica
/// writing after its lease expired, so the leader steps down once it cannot see a lease of its
/// own with at least half a grace period left.
async fn follow(
    client: &Client,
    manager: &LeaseManager,
    config: &LeaderConfig,
    tx: &watch::Sender<bool>,
    shutdown: &mut std::pin::Pin<&mut (impl Future<Output = ()> + Send)>,
    retry: &mut Retry,
) -> bool {
    let leases: Api<Lease> = Api::namespaced(client.clone(), &config.namespace);
    let margin = Duration::from_millis(config.grace_seconds() * 500);
    let mut watchdog = tokio::time::interval(margin);
    watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Kept across loop turns: a watchdog tick must not cancel a renewal in flight.
    let mut changed = std::pin::pin!(manager.changed());
    loop {
        tokio::select! {
            biased;
            () = shutdown.as_mut() => {
                // Stop writing first, then hand the lease over so a standby need not wait for expiry.
                tx.send_replace(false);
                match tokio::time::timeout(RELEASE_TIMEOUT, manager.release()).await {
                    Ok(Ok(())) => tracing::info!(identity = %config.identity, "leader lease released"),
                    Ok(Err(error)) => tracing::warn!(%error, "releasing the leader lease failed; it expires on its own"),
                    Err(_) => tracing::warn!("releasing the leader lease timed out; it expires on its own"),
                }
                return true;
            }
            result = &mut changed => {
                changed.set(manager.changed());
                match result {
                    Ok(leading) => {
                        retry.reset();
                        // A lease taken over after an outage may still show the old renewTime:
                        // the manager renews it at once, so the first check comes a margin later.
                        watchdog.reset();
                        let was = tx.send_replace(leading);
                        if was != leading {
                            if leading {
                                tracing::info!(identity = %config.identity, lease = %config.lease_name, "became the leader");
                            } else {
                                tracing::info!(identity = %config.identity, "lost the leader lease; standing by");
                            }
                        }
                    }
                    Err(error) => {
                        log_error(&error, config);
                        return false;
                    }
                }
            }
            _ = watchdog.tick(), if *tx.borrow() => {
                if let Err(why) = confirm_held(&leases, config, margin).await {
                    tracing::warn!(%why, identity = %config.identity, "cannot confirm the leader lease; not writing until it is confirmed");
                    return false;
                }
            }
        }
    }
}

/// Reads the Lease (bounded by `margin`): held by us, with more than `margin` left.
async fn confirm_held(
    leases: &Api<Lease>,
    config: &LeaderConfig,
    margin: Duration,
) -> Result<(), String> {
    let lease = tokio::time::timeout(margin, leases.get(&config.lease_name))
        .await
        .map_err(|_| format!("the API server did not answer within {margin:?}"))?
        .map_err(|e| e.to_string())?;
    let spec = lease.spec.unwrap_or_default();
    if spec.holder_identity.as_deref() != Some(config.identity.as_str()) {
        return Err(format!("the lease is held by {:?}", spec.holder_identity));
    }
    let renewed = spec.renew_time.map(|t| t.0.as_millisecond()).unwrap_or(0);
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(0)) * 1000;
    let left = renewed + duration - k8s_openapi::jiff::Timestamp::now().as_millisecond();
    if left <= i64::try_from(margin.as_millis()).unwrap_or(i64::MAX) {
        return Err(format!("the lease has {left} ms left and was not renewed"));
    }
    Ok(())
}

fn log_error(error: &LeaseManagerError, config: &LeaderConfig) {
    tracing::warn!(%error, identity = %config.identity, "leader election failed; not writing until the lease is confirmed again");
}

async fn build(client: &Client, config: &LeaderConfig) -> Result<LeaseManager, LeaseManagerError> {
    LeaseManagerBuilder::new(client.clone(), &config.lease_name)
        .with_namespace(&config.namespace)
        .with_identity(&config.identity)
        .with_duration(config.lease_duration.as_secs())
        .with_grace(config.grace_seconds())
        .with_field_manager(format!("sealgate-controller/{}", config.identity))
        .build()
        .await
}

/// Exponential wait between attempts (0.5 s doubling to [`MAX_RETRY`]), reset by a success;
/// never gives up.
struct Retry {
    delays: ExponentialBackoff,
}

impl Retry {
    fn new() -> Self {
        Self {
            delays: ExponentialBuilder::new()
                .with_min_delay(Duration::from_millis(500))
                .with_max_delay(MAX_RETRY)
                .without_max_times()
                .build(),
        }
    }

    fn next(&mut self) -> Duration {
        self.delays.next().unwrap_or(MAX_RETRY)
    }

    fn reset(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(seconds: u64) -> LeaderConfig {
        LeaderConfig {
            enabled: true,
            namespace: "ns".into(),
            lease_name: DEFAULT_LEASE_NAME.into(),
            identity: "me".into(),
            lease_duration: Duration::from_secs(seconds),
        }
    }

    #[test]
    fn grace_is_a_third_of_the_duration_and_below_it() {
        assert_eq!(config(15).grace_seconds(), 5);
        assert_eq!(config(2).grace_seconds(), 1);
        for s in 2..100 {
            assert!(config(s).grace_seconds() < s);
        }
    }

    #[test]
    fn too_short_a_lease_is_refused_only_when_electing() {
        assert!(matches!(
            config(1).validate(),
            Err(LeaderError::DurationTooShort { seconds: 1 })
        ));
        let mut single = config(0);
        single.enabled = false;
        assert!(single.validate().is_ok());
    }

    #[test]
    fn identities_are_unique_per_process_start() {
        let a = default_identity();
        let b = default_identity();
        assert_ne!(a, b);
        assert!(a.len() > 9, "{a}");
    }

    #[test]
    fn retry_doubles_up_to_the_cap_and_resets() {
        let mut retry = Retry::new();
        let waits: Vec<_> = (0..8).map(|_| retry.next()).collect();
        assert_eq!(waits[0], Duration::from_millis(500));
        assert_eq!(waits[1], Duration::from_secs(1));
        assert_eq!(*waits.last().unwrap_or(&Duration::ZERO), MAX_RETRY);
        retry.reset();
        assert_eq!(retry.next(), Duration::from_millis(500));
    }

    #[tokio::test]
    async fn a_single_replica_always_leads() {
        let leadership = Leadership::always("solo".into());
        let mut rx = leadership.subscribe();
        assert!(leadership.is_leader());
        assert!(rx.wait_for(|l| *l).await.is_ok());
    }
}
