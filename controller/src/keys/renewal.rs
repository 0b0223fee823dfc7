//! The leader's key loop: create a key when one is due (exactly once), then publish the newest cert.
//!
//! Every pass reads the key Secrets from the API server, decides with [`Schedule`], and before
//! creating a key (after the seconds RSA generation takes) reads them again: a key another
//! replica made meanwhile cancels ours. The deterministic name ([`KeyListing::next_name`]) makes
//! the API server itself refuse a second key when two replicas both believe they lead.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::{Api, Client};
use sealgate_core::seal::{GeneratedKeyPair, KeyBits, KeyGenOptions, generate_key_pair};
use time::{Duration, OffsetDateTime};
use tokio::sync::{mpsc, watch};

use super::backup::{Backup, BackupError};
use super::publish::{PublishError, publish};
use super::ring::KeySnapshot;
use super::schedule::{KeyDue, Reason, Schedule};
use super::store::{Created, KeyListing, KeyMetadata, StoreError, create, key_secret};

#[derive(Debug, thiserror::Error)]
pub enum RenewalError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error("generating a key pair failed: {reason}")]
    Generate { reason: String },
}

/// What the key loop needs to know (flags, resolved).
#[derive(Debug, Clone)]
pub struct KeyPolicy {
    pub namespace: String,
    /// `--key-prefix`: name prefix of new key Secrets, and the legacy key Secret's exact name.
    pub prefix: String,
    pub bits: KeyBits,
    /// `--key-ttl`: validity of generated certs.
    pub ttl: Duration,
    /// `--my-cn`.
    pub common_name: Option<String>,
    pub metadata: KeyMetadata,
    pub schedule: Schedule,
    /// `--cert-configmap`.
    pub cert_configmap: String,
    /// How often the leader looks even when nothing asked it to (BYO keys added by hand).
    pub resync: StdDuration,
}

/// Why the loop wakes up besides its own schedule.
pub struct Triggers {
    /// The "is leader" state; the loop only acts while it is `true`.
    pub is_leader: watch::Receiver<bool>,
    /// One message per SIGUSR1 (a key now); `None` when signals are not wired.
    pub requests: Option<mpsc::Receiver<()>>,
    /// The keyring's snapshots: a change (a key added or removed by anyone) triggers a pass.
    pub key_changes: Option<watch::Receiver<Arc<KeySnapshot>>>,
}

/// What one pass did (for logs and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub created: Option<(String, Reason)>,
    pub next: KeyDue,
    pub published: Option<String>,
}

pub struct KeyRenewal {
    secrets: Api<Secret>,
    configmaps: Api<ConfigMap>,
    policy: KeyPolicy,
    backup: Option<Backup>,
    /// Fingerprint last written to the ConfigMap, so an unchanged cert costs no write.
    published: Option<String>,
}

impl KeyRenewal {
    pub fn new(client: Client, policy: KeyPolicy, backup: Option<Backup>) -> Self {
        Self {
            secrets: Api::namespaced(client.clone(), &policy.namespace),
            configmaps: Api::namespaced(client, &policy.namespace),
            policy,
            backup,
            published: None,
        }
    }

    /// Runs until `shutdown`; never gives up on API errors (capped exponential backoff).
    pub async fn run(mut self, mut triggers: Triggers, shutdown: impl Future<Output = ()> + Send) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut requested = false;
        let mut retries = retry_delays();
        loop {
            if !*triggers.is_leader.borrow_and_update() {
                // A standby forgets what it published: the next leader term re-checks the ConfigMap.
                self.published = None;
                tokio::select! {
                    () = &mut shutdown => return,
                    () = leader_changed(&mut triggers.is_leader) => {}
                    () = next_request(&mut triggers.requests) => {
                        tracing::warn!("SIGUSR1 ignored: only the leader creates keys; signal the leader pod");
                    }
                }
                continue;
            }
            let wait = match self
                .pass(std::mem::take(&mut requested), &triggers.is_leader)
                .await
            {
                Ok(pass) => {
                    retries = retry_delays();
                    self.wait_after(&pass.next)
                }
                Err(error) => {
                    let wait = retries.next().unwrap_or(MAX_RETRY);
                    tracing::warn!(%error, retry_in = ?wait, "key maintenance failed; retrying");
                    wait
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(wait) => {}
                () = leader_changed(&mut triggers.is_leader) => {}
                () = next_request(&mut triggers.requests) => {
                    tracing::info!("SIGUSR1: creating a new key now");
                    requested = true;
                }
                () = key_changed(&mut triggers.key_changes) => {}
            }
        }
    }

    fn wait_after(&self, next: &KeyDue) -> StdDuration {
        let until = match next {
            KeyDue::At(at) => (*at - OffsetDateTime::now_utc())
                .try_into()
                .unwrap_or(StdDuration::ZERO),
            KeyDue::Now(_) | KeyDue::Never => self.policy.resync,
        };
        // Never sleep less than a second (clock rounding) or longer than the resync period.
        until.clamp(
            StdDuration::from_secs(1),
            self.policy.resync.max(StdDuration::from_secs(1)),
        )
    }

    /// One look at the keys: maybe create one, then publish the newest cert.
    pub async fn pass(
        &mut self,
        requested: bool,
        is_leader: &watch::Receiver<bool>,
    ) -> Result<Pass, RenewalError> {
        let listing = self.fetch().await?;
        report_malformed(&listing);
        let now = OffsetDateTime::now_utc();
        let due = if requested {
            KeyDue::Now(Reason::Requested)
        } else {
            self.policy.schedule.decide(newest_time(&listing), now)
        };
        let (listing, created) = match due {
            KeyDue::Now(reason) => self.create_key(listing, reason, now, is_leader).await?,
            _ => (listing, None),
        };
        let next = self
            .policy
            .schedule
            .decide(newest_time(&listing), OffsetDateTime::now_utc());
        let published = self.publish_newest(&listing, is_leader).await?;
        Ok(Pass {
            created,
            next,
            published,
        })
    }

    async fn fetch(&self) -> Result<KeyListing, RenewalError> {
        Ok(KeyListing::fetch(&self.secrets, &self.policy.namespace, &self.policy.prefix).await?)
    }

    /// Generates, re-checks, backs up, then creates. Returns the listing after the attempt.
    async fn create_key(
        &self,
        before: KeyListing,
        reason: Reason,
        asked_at: OffsetDateTime,
        is_leader: &watch::Receiver<bool>,
    ) -> Result<(KeyListing, Option<(String, Reason)>), RenewalError> {
        let pair = self.generate().await?;
        let listing = self.fetch().await?;
        if listing.generation() != before.generation()
            && !still_due(&self.policy.schedule, &listing, &reason, asked_at)
        {
            tracing::info!(
                reason = reason.as_str(),
                "another replica created a key meanwhile; discarding ours"
            );
            return Ok((listing, None));
        }
        if !*is_leader.borrow() {
            tracing::info!("lost leadership while generating a key; discarding it");
            return Ok((listing, None));
        }
        let name = listing.next_name(&self.policy.prefix);
        let secret = key_secret(&pair, &name, &self.policy.namespace, &self.policy.metadata);
        if let Some(backup) = &self.backup {
            // Before the key exists: no moment where a key has no backup.
            let mut all = listing.secrets.clone();
            all.push(secret.clone());
            backup.write(&all).await?;
        }
        let created = create(&self.secrets, &secret).await?;
        let listing = self.fetch().await?;
        match created {
            Created::Ours => {
                tracing::info!(
                    secret = %name,
                    reason = reason.as_str(),
                    fingerprint = pair.sealing_cert().map(|c| c.fingerprint().to_owned()).unwrap_or_default(),
                    cert = pair.cert_pem(),
                    "created a new sealing key"
                );
                Ok((listing, Some((name, reason))))
            }
            Created::Lost => {
                tracing::info!(secret = %name, "another replica created this key first; ours was discarded");
                if let Some(backup) = &self.backup {
                    // Our backup may have overwritten the winner's: write the real set again.
                    backup.write(&listing.secrets).await?;
                }
                Ok((listing, None))
            }
        }
    }

    async fn generate(&self) -> Result<GeneratedKeyPair, RenewalError> {
        let options = KeyGenOptions {
            bits: self.policy.bits,
            common_name: self.policy.common_name.clone(),
            not_before: OffsetDateTime::now_utc(),
            validity: self.policy.ttl,
        };
        // Seconds of CPU: off the async reactor.
        tokio::task::spawn_blocking(move || generate_key_pair(&options))
            .await
            .map_err(|e| RenewalError::Generate {
                reason: e.to_string(),
            })?
            .map_err(|e| RenewalError::Generate {
                reason: e.to_string(),
            })
    }

    async fn publish_newest(
        &mut self,
        listing: &KeyListing,
        is_leader: &watch::Receiver<bool>,
    ) -> Result<Option<String>, RenewalError> {
        let Some(cert) = listing.newest().and_then(|k| k.cert.as_ref()) else {
            return Ok(None);
        };
        let fingerprint = cert.fingerprint().to_owned();
        if self.published.as_deref() == Some(fingerprint.as_str()) || !*is_leader.borrow() {
            return Ok(None);
        }
        publish(
            &self.configmaps,
            cert,
            &self.policy.cert_configmap,
            &self.policy.namespace,
        )
        .await?;
        tracing::info!(%fingerprint, configmap = %self.policy.cert_configmap, "published the sealing cert");
        self.published = Some(fingerprint.clone());
        Ok(Some(fingerprint))
    }
}

/// One message per SIGUSR1 received by this process (upstream's "new key now"; distroless
/// images have no `kill`, so `kubectl debug` or the node sends it).
pub fn sigusr1_requests() -> std::io::Result<mpsc::Receiver<()>> {
    let mut signals =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1())?;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        while signals.recv().await.is_some() {
            // A full queue already holds a pending request: one new key serves them all.
            let _ = tx.try_send(());
        }
    });
    Ok(rx)
}

fn newest_time(listing: &KeyListing) -> Option<OffsetDateTime> {
    listing.newest_time()
}

/// After another replica changed the keys: is our reason still standing?
fn still_due(
    schedule: &Schedule,
    listing: &KeyListing,
    reason: &Reason,
    asked_at: OffsetDateTime,
) -> bool {
    match reason {
        // A request is satisfied by any key made after it was asked for.
        Reason::Requested => newest_time(listing)
            .is_none_or(|t| t < asked_at.replace_nanosecond(0).unwrap_or(asked_at)),
        _ => matches!(
            schedule.decide(newest_time(listing), OffsetDateTime::now_utc()),
            KeyDue::Now(_)
        ),
    }
}

fn report_malformed(listing: &KeyListing) {
    // The keyring warns (log, Event, metric); here it only explains a key decision.
    for invalid in &listing.snapshot.invalid {
        tracing::debug!(%invalid, "key Secret is not usable; ignored for key decisions");
    }
}

/// Completes on a change of leadership; a closed channel (a fixed leader) never changes.
async fn leader_changed(is_leader: &mut watch::Receiver<bool>) {
    if is_leader.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Completes on the next request; a closed or absent channel never completes.
async fn next_request(requests: &mut Option<mpsc::Receiver<()>>) {
    if let Some(rx) = requests.as_mut()
        && rx.recv().await.is_some()
    {
        return;
    }
    *requests = None;
    std::future::pending::<()>().await;
}

async fn key_changed(changes: &mut Option<watch::Receiver<Arc<KeySnapshot>>>) {
    match changes {
        Some(rx) => {
            if rx.changed().await.is_err() {
                // The sender is gone: stop listening, keep the loop's other wake-ups.
                *changes = None;
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// The longest wait between failed passes.
const MAX_RETRY: StdDuration = StdDuration::from_secs(300);

/// Waits between failed passes: 1 s doubling to [`MAX_RETRY`], never ending.
fn retry_delays() -> ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(StdDuration::from_secs(1))
        .with_max_delay(MAX_RETRY)
        .without_max_times()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let delays: Vec<StdDuration> = retry_delays().take(40).collect();
        assert_eq!(delays[0], StdDuration::from_secs(1));
        assert_eq!(delays[1], StdDuration::from_secs(2));
        assert_eq!(delays[4], StdDuration::from_secs(16));
        assert_eq!(delays[39], StdDuration::from_secs(300));
    }

    #[test]
    fn a_request_is_satisfied_only_by_a_key_made_after_it() {
        let asked = OffsetDateTime::now_utc();
        let schedule = Schedule::default();
        assert!(still_due(
            &schedule,
            &KeyListing::default(),
            &Reason::Requested,
            asked
        ));
    }
}
