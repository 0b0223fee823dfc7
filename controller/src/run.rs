//! Wiring: API client, key loading, the reconcile loop, shutdown on SIGTERM/SIGINT.
//!
//! [`start`] returns a [`Running`] controller whose [`Shared`] state (client, keyring, metrics,
//! leadership) other parts hook into: the HTTP server, key generation/renewal and leader
//! election are started from `start` with that state (through [`crate::replica::Replica`]).

use std::future::Future;
use std::sync::Arc;

use kube::api::ListParams;
use kube::runtime::events::{Recorder, Reporter};
use kube::{Api, Client};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::crd::SealedSecretResource;
use crate::keys::{Keyring, watch_keys};
use crate::kube_client::{ClientError, client};
use crate::metrics::Metrics;
use crate::reconcile::cluster::KubeCluster;
use crate::reconcile::controller::{self, Scope, Watch};
use crate::reconcile::events::NoteRecorder;
use crate::reconcile::{Context, Settings};
use crate::replica::{Replica, ReplicaError};

/// Upstream's Event source, kept so existing alerting on `sealed-secrets` Events still works.
pub const REPORTER: &str = "sealed-secrets";

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(
        "the SealedSecret CRD (sealedsecrets.bitnami.com) is not installed; install it with `kubectl apply -f deploy/base/crd.yaml` (or `crdgen | kubectl apply -f -`)"
    )]
    CrdMissing,
    #[error("cannot list SealedSecrets: {source}")]
    Api {
        #[source]
        source: kube::Error,
    },
    #[error("--label-selector is not a valid label selector: {reason}")]
    LabelSelector { reason: String },
    #[error("the key loader stopped before the first key list")]
    KeysNotLoaded,
    #[error(transparent)]
    Replica(#[from] ReplicaError),
}

/// State shared by every part of a running controller.
#[derive(Clone)]
pub struct Shared {
    pub client: Client,
    /// Namespace holding the key Secrets.
    pub namespace: String,
    pub config: Config,
    pub keyring: Keyring,
    pub metrics: Arc<Metrics>,
    pub recorder: Recorder,
    /// True while this replica holds the leader lease and so may write (see `replica`).
    pub is_leader: watch::Receiver<bool>,
    /// True once the keys are loaded and the SealedSecret watches started (`/readyz`).
    pub ready: watch::Receiver<bool>,
}

/// A started controller.
pub struct Running {
    pub shared: Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
    controller: JoinHandle<()>,
}

impl Running {
    /// Waits until the reconcile loop ends (after a shutdown signal).
    pub async fn wait(mut self) {
        let _ = (&mut self.controller).await;
        self.abort_tasks();
    }

    /// Stops: finishes reconciles in flight, then ends the background tasks.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.wait().await;
    }

    fn abort_tasks(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.abort_tasks();
        self.controller.abort();
    }
}

/// Runs until SIGTERM or SIGINT.
pub async fn run(config: Config) -> Result<(), RunError> {
    let running = start(config, shutdown_signal()).await?;
    running.wait().await;
    Ok(())
}

/// Connects, loads the keys, and starts reconciling; returns once the first key list is in.
pub async fn start(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + Sync + 'static,
) -> Result<Running, RunError> {
    let client = client(&config.cluster, &config.kube_client).await?;
    let namespace = config
        .cluster
        .namespace
        .clone()
        .unwrap_or_else(|| client.default_namespace().to_owned());
    check_crd(&client, config.watch.label_selector.as_deref()).await?;
    let metrics =
        Arc::new(Metrics::new().omitting_secret_labels(config.http.metrics_omit_secret_labels));
    let reporter = Reporter {
        controller: REPORTER.to_owned(),
        instance: std::env::var("POD_NAME").ok(),
    };
    let recorder = Recorder::new(client.clone(), reporter.clone());
    let (keys_tx, keyring) = Keyring::channel();
    let mut replica = Replica::elect(&client, &config, &namespace)?;
    let is_leader = replica.is_leader();
    let (ready_tx, ready) = watch::channel(false);
    let shared = Shared {
        client: client.clone(),
        namespace: namespace.clone(),
        config: config.clone(),
        keyring: keyring.clone(),
        metrics: metrics.clone(),
        recorder: recorder.clone(),
        is_leader: is_leader.clone(),
        ready,
    };
    let tasks = vec![tokio::spawn(watch_keys(
        client.clone(),
        namespace.clone(),
        keys_tx,
        recorder.clone(),
        metrics.clone(),
    ))];
    // HTTP before the first key list, so probes answer while a big cluster loads.
    replica.start(&shared).await?;
    keyring
        .wait_loaded()
        .await
        .map_err(|_| RunError::KeysNotLoaded)?;

    let settings = Settings::from(&config.reconcile);
    let ctx = Arc::new(Context::new(
        KubeCluster::new(client.clone(), NoteRecorder::new(client.clone(), reporter)),
        keyring,
        metrics,
        settings,
        is_leader,
    ));
    let watch = Watch {
        scope: Scope::from_flags(
            config.watch.all_namespaces,
            &namespace,
            &config.watch.additional_namespaces,
        ),
        label_selector: config
            .watch
            .label_selector
            .clone()
            .filter(|s| !s.trim().is_empty()),
    };
    tracing::info!(scope = ?watch.scope, label_selector = ?watch.label_selector, "watching SealedSecrets");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let stop = async move {
        tokio::select! {
            () = shutdown => {}
            _ = stop_rx => {}
        }
        // Stop writing and hand the lease over before reconciles in flight drain.
        replica.stop().await;
    };
    let controller = tokio::spawn(controller::run(
        client,
        watch,
        config.reconcile.workers,
        ctx,
        stop,
    ));
    // Upstream's readiness: once the watches of every namespace are started (each loop then
    // lists on its own; the first list of a big cluster is not waited for, as upstream).
    ready_tx.send_replace(true);
    tracing::info!(namespace = %shared.namespace, "sealgate-controller started");
    Ok(Running {
        shared,
        stop: Some(stop_tx),
        tasks,
        controller,
    })
}

/// A missing CRD is the most common install mistake: say how to fix it instead of retrying.
/// The list also carries `--label-selector`, so a malformed selector stops the start with the
/// API server's reason instead of a watch that retries forever.
async fn check_crd(client: &Client, label_selector: Option<&str>) -> Result<(), RunError> {
    let mut params = ListParams::default().limit(1);
    if let Some(selector) = label_selector.filter(|s| !s.trim().is_empty()) {
        params = params.labels(selector);
    }
    match Api::<SealedSecretResource>::all(client.clone())
        .list_metadata(&params)
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 => Err(RunError::CrdMissing),
        Err(kube::Error::Api(status)) if status.code == 400 && label_selector.is_some() => {
            Err(RunError::LabelSelector {
                reason: status.message,
            })
        }
        Err(source) => Err(RunError::Api { source }),
    }
}

/// Resolves on SIGTERM (Kubernetes) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutdown signal received; finishing reconciles in flight");
}
