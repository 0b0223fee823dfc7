//! The few API calls reconcile makes, behind a trait so decisions can be tested with a mock.
//!
//! Reads of the target Secret go to the controller's metadata-only Secret watch first: an
//! in-sync Secret (digest annotation) or a missing one is known without a GET, so a restart in
//! sync makes no read at all and a cold sync one request fewer per SealedSecret.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams, Preconditions};
use kube::core::PartialObjectMeta;
use kube::runtime::events::{Event, EventType};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Api, Client, Resource};

use super::events::NoteRecorder;
use super::store_ready::{Ready, ready};
use crate::crd::SealedSecretResource;
use crate::keys::truncate_note;
use sealgate_core::seal::SealedSecretStatus;

/// Severity of an Event, as upstream emits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Normal,
    Warning,
}

/// What the Secret watch says about one Secret.
#[derive(Debug)]
pub enum Cached {
    /// No synced watch covers it: ask the API server.
    Unknown,
    Absent,
    /// The Secret's metadata (no data: the watch is metadata-only).
    Present(Box<Secret>),
}

/// The metadata-only Secret stores of the watch loops; `None` namespace = all namespaces.
pub type SecretStores = Arc<RwLock<Vec<(Option<String>, Store<PartialObjectMeta<Secret>>, Ready)>>>;

/// How long a reconcile waits for the Secret watch's first list before reading from the API.
const CACHE_READY_WAIT: Duration = Duration::from_secs(10);

/// Reads and writes of one reconcile. Errors are the API's.
pub trait Cluster: Send + Sync + 'static {
    /// The watch's view of a Secret; the default (tests, no watch) is always `Unknown`.
    fn cached_secret(&self, _namespace: &str, _name: &str) -> impl Future<Output = Cached> + Send {
        async { Cached::Unknown }
    }
    /// Registers a watch loop's Secret store for [`Cluster::cached_secret`].
    fn add_secret_store(&self, _namespace: Option<&str>, _store: Store<PartialObjectMeta<Secret>>) {
    }
    fn get_secret(
        &self,
        namespace: &str,
        name: &str,
    ) -> impl Future<Output = Result<Option<Secret>, kube::Error>> + Send;
    /// Creates the Secret; answers the resourceVersion it got.
    fn create_secret(
        &self,
        namespace: &str,
        secret: &Secret,
    ) -> impl Future<Output = Result<Option<String>, kube::Error>> + Send;
    /// Replaces the Secret (at the resourceVersion it carries); answers the new resourceVersion.
    fn replace_secret(
        &self,
        namespace: &str,
        secret: &Secret,
    ) -> impl Future<Output = Result<Option<String>, kube::Error>> + Send;
    /// Deletes exactly this Secret (its uid and resourceVersion as preconditions): a Secret
    /// whose immutable `type` was changed can only be put back by re-creating it.
    fn delete_secret(
        &self,
        namespace: &str,
        secret: &Secret,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    fn write_status(
        &self,
        sealed: &SealedSecretResource,
        status: &SealedSecretStatus,
    ) -> impl Future<Output = Result<(), kube::Error>> + Send;
    /// Best effort: a failed Event is logged, never fails the reconcile.
    fn event(
        &self,
        sealed: &SealedSecretResource,
        severity: Severity,
        reason: &str,
        note: &str,
    ) -> impl Future<Output = ()> + Send;
}

/// The field manager of the controller's Secret writes (managedFields): a `SecretRepaired`
/// Event names the other manager that changed the data, and `sealgate drift` tells the two apart.
pub const FIELD_MANAGER: &str = sealgate_core::seal::CONTROLLER_FIELD_MANAGER;

fn post_params() -> PostParams {
    PostParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PostParams::default()
    }
}

/// The real API server.
#[derive(Clone)]
pub struct KubeCluster {
    client: Client,
    recorder: NoteRecorder,
    stores: SecretStores,
}

impl KubeCluster {
    pub fn new(client: Client, recorder: NoteRecorder) -> Self {
        Self {
            client,
            recorder,
            stores: SecretStores::default(),
        }
    }

    fn store_for(&self, namespace: &str) -> Option<(Store<PartialObjectMeta<Secret>>, Ready)> {
        let stores = self.stores.read().ok()?;
        stores
            .iter()
            .find(|(ns, _, _)| ns.as_deref().is_none_or(|ns| ns == namespace))
            .map(|(_, store, ready)| (store.clone(), ready.clone()))
    }
}

impl Cluster for KubeCluster {
    async fn cached_secret(&self, namespace: &str, name: &str) -> Cached {
        let Some((store, ready)) = self.store_for(namespace) else {
            return Cached::Unknown;
        };
        if !matches!(
            tokio::time::timeout(CACHE_READY_WAIT, ready).await,
            Ok(true)
        ) {
            return Cached::Unknown;
        }
        match store.get(&ObjectRef::new(name).within(namespace)) {
            Some(meta) => Cached::Present(Box::new(Secret {
                metadata: meta.metadata.clone(),
                ..Secret::default()
            })),
            None => Cached::Absent,
        }
    }

    fn add_secret_store(&self, namespace: Option<&str>, store: Store<PartialObjectMeta<Secret>>) {
        if let Ok(mut stores) = self.stores.write() {
            let ready = ready(&store);
            stores.push((namespace.map(str::to_owned), store, ready));
        }
    }

    async fn get_secret(&self, namespace: &str, name: &str) -> Result<Option<Secret>, kube::Error> {
        Api::<Secret>::namespaced(self.client.clone(), namespace)
            .get_opt(name)
            .await
    }

    async fn create_secret(
        &self,
        namespace: &str,
        secret: &Secret,
    ) -> Result<Option<String>, kube::Error> {
        Api::<Secret>::namespaced(self.client.clone(), namespace)
            .create(&post_params(), secret)
            .await
            .map(|s| s.metadata.resource_version)
    }

    async fn delete_secret(&self, namespace: &str, secret: &Secret) -> Result<(), kube::Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                uid: secret.metadata.uid.clone(),
                resource_version: secret.metadata.resource_version.clone(),
            }),
            ..DeleteParams::default()
        };
        match Api::<Secret>::namespaced(self.client.clone(), namespace)
            .delete(&name, &params)
            .await
        {
            Ok(_) => Ok(()),
            // Already gone: the create that follows is what matters.
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn replace_secret(
        &self,
        namespace: &str,
        secret: &Secret,
    ) -> Result<Option<String>, kube::Error> {
        let name = secret.metadata.name.clone().unwrap_or_default();
        // replace carries the resourceVersion we read: a concurrent change makes it fail (409)
        // and the retry re-reads, instead of overwriting someone else's write.
        Api::<Secret>::namespaced(self.client.clone(), namespace)
            .replace(&name, &post_params(), secret)
            .await
            .map(|s| s.metadata.resource_version)
    }

    async fn write_status(
        &self,
        sealed: &SealedSecretResource,
        status: &SealedSecretStatus,
    ) -> Result<(), kube::Error> {
        let namespace = sealed.metadata.namespace.clone().unwrap_or_default();
        let name = sealed.metadata.name.clone().unwrap_or_default();
        let patch = serde_json::json!({ "status": status });
        Api::<SealedSecretResource>::namespaced(self.client.clone(), &namespace)
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ())
    }

    async fn event(
        &self,
        sealed: &SealedSecretResource,
        severity: Severity,
        reason: &str,
        note: &str,
    ) {
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
