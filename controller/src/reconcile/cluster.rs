//! The few API calls reconcile makes, behind a trait so decisions can be tested with a mock.

use std::future::Future;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::events::{Event, EventType, Recorder};
use kube::{Api, Client, Resource};

use crate::crd::{SealedSecret, SealedSecretStatus};
use crate::keyring::truncate_note;

/// Severity of an Event, as upstream emits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Normal,
    Warning,
}

/// Reads and writes of one reconcile. Errors are the API's.
pub trait Cluster: Send + Sync + 'static {
    fn get_secret(&self, namespace: &str, name: &str) -> impl Future<Output = Result<Option<Secret>, kube::Error>> + Send;
    fn create_secret(&self, namespace: &str, secret: &Secret) -> impl Future<Output = Result<(), kube::Error>> + Send;
    fn replace_secret(&self, namespace: &str, secret: &Secret) -> impl Future<Output = Result<(), kube::Error>> + Send;
    fn write_status(
        &self,
        sealed: &SealedSecret,
        status: &SealedSecretStatus,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// Best effort: a failed Event is logged, never fails the reconcile.
    fn event(&self, sealed: &SealedSecret, severity: Severity, reason: &str, note: &str) -> impl Future<Output = ()> + Send;
}

/// The real API server.
#[derive(Clone)]
pub struct KubeCluster {
    client: Client,
    recorder: Recorder,
}

impl KubeCluster {
    pub fn new(client: Client, recorder: Recorder) -> Self {
        Self { client, recorder }
    }
}

impl Cluster for KubeCluster {
    async fn get_secret(&self, namespace: &str, name: &str) -> Result<Option<Secret>, kube::Error> {
        Api::<Secret>::namespaced(self.client.clone(), namespace).get_opt(name).await
    }

    async fn create_secret(&self, namespace: &str, secret: &Secret) -> Result<(), kube::Error> {
        Api::<Secret>::namespaced(self.client.clone(), namespace)
            .create(&PostParams::default(), secret)
            .await
            .map(|_| ())
    }

    async fn replace_secret(&self, namespace: &str, secret: &Secret) -> Result<(), kube::Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        // replace carries the resourceVersion we read: a concurrent change makes it fail (409)
        // and the retry re-reads, instead of overwriting someone else's write.
        Api::<Secret>::namespaced(self.client.clone(), namespace)
            .replace(&name, &PostParams::default(), secret)
            .await
            .map(|_| ())
    }

    async fn write_status(&self, sealed: &SealedSecret, status: &SealedSecretStatus) -> Result<(), kube::Error> {
        let namespace = sealed.metadata.namespace.clone().unwrap_or_default();
        let name = sealed.metadata.name.clone().unwrap_or_default();
        let patch = serde_json::json!({ "status": status });
        Api::<SealedSecret>::namespaced(self.client.clone(), &namespace)
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ())
    }

    async fn event(&self, sealed: &SealedSecret, severity: Severity, reason: &str, note: &str) {
        let event = Event {
            type_: match severity {
                Severity::Normal => EventType::Normal,
                Severity::Warning => EventType::Warning,
            },
            reason: reason.to_owned(),
            note: Some(truncate_note(note)),
            action: "Unseal".to_owned(),
            secondary: None,
        };
        if let Err(e) = self.recorder.publish(&event, &sealed.object_ref(&())).await {
            tracing::warn!(error = %e, reason, "cannot record an Event");
        }
    }
}
