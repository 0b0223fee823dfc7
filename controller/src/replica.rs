//! What every replica runs beside reconcile: leader election, the leader's key loop, HTTP servers.
//!
//! Shutdown order matters for HA: first stop writing (`is_leader` → false), then release the
//! lease so a standby takes over, then let reconciles in flight finish (they no longer write).

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::http::{HttpConfig, HttpError, HttpMetrics, HttpServers, serve};
use crate::keys::{Backup, BackupError, KeyMetrics, KeyRenewal, Triggers, sigusr1_requests};
use crate::leader::{LeaderError, Leadership, default_identity};
use crate::run::Shared;

/// How long shutdown waits for a key pass or HTTP requests in flight.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error(transparent)]
    Leader(#[from] LeaderError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Backup(#[from] BackupError),
}

/// This replica's election, key loop and servers.
pub struct Replica {
    leadership: Leadership,
    stopping: watch::Sender<bool>,
    keys: Option<JoinHandle<()>>,
    http: Option<HttpServers>,
}

impl Replica {
    /// Joins the election (`--leader-elect`, `--lease-duration`, `--lease-name`) before anything writes.
    pub fn elect(client: &Client, config: &Config, namespace: &str) -> Result<Self, ReplicaError> {
        let (stopping, stopping_rx) = watch::channel(false);
        let leader = config.leader.config(namespace, default_identity());
        let leader_elect = leader.enabled;
        let leadership = Leadership::start(client.clone(), leader, stopped(stopping_rx))?;
        tracing::info!(identity = %leadership.identity(), leader_elect, "joined leader election");
        Ok(Self {
            leadership,
            stopping,
            keys: None,
            http: None,
        })
    }

    /// The "may write" state for reconcile and status updates.
    pub fn is_leader(&self) -> watch::Receiver<bool> {
        self.leadership.subscribe()
    }

    /// Starts the HTTP/metrics servers (every replica) and the key loop (acts on the leader only).
    pub async fn start(&mut self, shared: &Shared) -> Result<(), ReplicaError> {
        let config = &shared.config;
        let http_metrics = HttpMetrics::default();
        let keyring = shared.keyring.clone();
        let is_leader = self.is_leader();
        let key_usage = Arc::clone(&shared.metrics.key_usage);
        shared.metrics.register(|registry| {
            http_metrics.register(registry);
            registry.register_collector(Box::new(KeyMetrics::new(
                keyring.clone(),
                is_leader.clone(),
                Arc::clone(&key_usage),
            )));
        });
        let http_config = HttpConfig::from(&config.http);
        let metrics = Arc::clone(&shared.metrics);
        let render = Arc::new(move || metrics.encode());
        let stopping = self.stopping.subscribe();
        self.http = Some(
            serve(
                &http_config,
                keyring.clone(),
                shared.ready.clone(),
                http_metrics,
                render,
                stopped(stopping.clone()),
            )
            .await?,
        );

        let policy = config.keys.policy(&shared.namespace);
        let backup = if config.backup.backup_recipients.is_empty() {
            None
        } else {
            Some(Backup::new(
                shared.client.clone(),
                &shared.namespace,
                &config.backup.backup_name,
                &config.backup.backup_recipients,
            )?)
        };
        let requests = match sigusr1_requests() {
            Ok(requests) => Some(requests),
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGUSR1; new keys come only from the schedule");
                None
            }
        };
        let triggers = Triggers {
            is_leader,
            requests,
            key_changes: Some(keyring.subscribe()),
        };
        let renewal = KeyRenewal::new(shared.client.clone(), policy, backup);
        self.keys = Some(tokio::spawn(renewal.run(triggers, stopped(stopping))));
        Ok(())
    }

    /// Stops writing and releases the lease (bounded), then stops the key loop and servers.
    pub async fn stop(mut self) {
        self.stopping.send_replace(true);
        // A key pass or a slow client must not hold up the pod's termination grace period.
        if let Some(keys) = self.keys.take() {
            let abort = keys.abort_handle();
            if tokio::time::timeout(STOP_TIMEOUT, keys).await.is_err() {
                abort.abort();
            }
        }
        if let Some(http) = self.http.take() {
            let _ = tokio::time::timeout(STOP_TIMEOUT, http.stopped()).await;
        }
        self.leadership.stopped().await;
    }
}

/// Dropped without [`Replica::stop`] (an aborted controller task): nothing keeps running.
impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(keys) = self.keys.take() {
            keys.abort();
        }
    }
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}
