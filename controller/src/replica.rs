//! What every replica runs beside reconcile: leader election, the leader's key loop, HTTP servers.
//!
//! Shutdown order matters for HA: first stop writing (`is_leader` → false), then release the
//! lease so a standby takes over, then let reconciles in flight finish (they no longer write).

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use sealgate_core::seal::KeyBits;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::http::{HttpConfig, HttpError, HttpMetrics, HttpServers, serve};
use crate::keys::{
    Backup, BackupError, KeyMetadata, KeyMetrics, KeyPolicy, KeyRenewal, Schedule, Triggers,
    sigusr1_requests,
};
use crate::leader::{LeaderConfig, LeaderError, Leadership, default_identity};
use crate::run::Shared;

/// The leader looks at the key Secrets at least this often, even without a watch event.
const KEY_RESYNC: Duration = Duration::from_secs(60);

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
    #[error("--key-size {bits} is not supported; use 2048, 3072 or 4096")]
    KeySize { bits: u32 },
    #[error("--key-ttl {ttl:?} is too long")]
    KeyTtl { ttl: Duration },
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
        let leader = LeaderConfig {
            enabled: config.leader_elect,
            namespace: namespace.to_owned(),
            lease_name: config.lease_name.clone(),
            identity: default_identity(),
            lease_duration: config.lease_duration,
        };
        let leadership = Leadership::start(client.clone(), leader, stopped(stopping_rx))?;
        tracing::info!(identity = %leadership.identity(), leader_elect = config.leader_elect, "joined leader election");
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
        let http_config = HttpConfig {
            listen_addr: config.listen_addr.clone(),
            metrics_addr: config.listen_metrics_addr.clone(),
            rate_limit: config.rate_limit,
            rate_limit_burst: config.rate_limit_burst,
            request_timeout: config.read_timeout.saturating_add(config.write_timeout),
        };
        let metrics = Arc::clone(&shared.metrics);
        let render = Arc::new(move || metrics.encode());
        let stopping = self.stopping.subscribe();
        self.http = Some(
            serve(
                &http_config,
                keyring.clone(),
                http_metrics,
                render,
                stopped(stopping.clone()),
            )
            .await?,
        );

        let policy = key_policy(config, &shared.namespace)?;
        let backup = if config.backup_recipients.is_empty() {
            None
        } else {
            Some(Backup::new(
                shared.client.clone(),
                &shared.namespace,
                &config.backup_name,
                &config.backup_recipients,
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

fn key_policy(config: &Config, namespace: &str) -> Result<KeyPolicy, ReplicaError> {
    let bits = match config.key_size {
        2048 => KeyBits::Rsa2048,
        3072 => KeyBits::Rsa3072,
        4096 => KeyBits::Rsa4096,
        bits => return Err(ReplicaError::KeySize { bits }),
    };
    let ttl = time::Duration::try_from(config.key_ttl).map_err(|_| ReplicaError::KeyTtl {
        ttl: config.key_ttl,
    })?;
    Ok(KeyPolicy {
        namespace: namespace.to_owned(),
        prefix: config.key_prefix.clone(),
        bits,
        ttl,
        common_name: Some(config.my_cn.clone()).filter(|cn| !cn.is_empty()),
        metadata: KeyMetadata {
            labels: config.privatekey_labels.clone(),
            annotations: config.privatekey_annotations.clone(),
        },
        schedule: Schedule::new(config.key_renew_period, config.key_cutoff_time),
        cert_configmap: config.cert_configmap.clone(),
        resync: KEY_RESYNC,
    })
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}
