//! The local control plane as tests see it: a kube client built from `KUBECONFIG`.

use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};

use crate::requirement::{Missing, require};

/// Errors while connecting to the test cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(transparent)]
    Missing(#[from] Missing),
    #[error("cannot read kubeconfig {path}: {source}")]
    Kubeconfig {
        path: PathBuf,
        #[source]
        source: KubeconfigError,
    },
    #[error("cannot build a client from kubeconfig {path}: {source}")]
    Client {
        path: PathBuf,
        #[source]
        source: kube::Error,
    },
}

/// A running control plane: its admin client and the kubeconfig it came from.
#[derive(Clone)]
pub struct Cluster {
    pub client: Client,
    pub kubeconfig: PathBuf,
    config: Config,
}

impl Cluster {
    /// A client that impersonates `user` in `groups` (admin credentials, so RBAC applies to the
    /// impersonated identity): for tests of what a less privileged caller may do.
    pub fn impersonating(&self, user: &str, groups: &[&str]) -> Result<Client, ClusterError> {
        let mut config = self.config.clone();
        config.auth_info.impersonate = Some(user.to_owned());
        config.auth_info.impersonate_groups =
            Some(groups.iter().map(|g| (*g).to_owned()).collect());
        Client::try_from(config).map_err(|source| ClusterError::Client {
            path: self.kubeconfig.clone(),
            source,
        })
    }
}

/// Connects to the cluster named by `KUBECONFIG` (one path). Without it: an error in CI, `None`
/// after a `SKIPPED` line elsewhere.
pub async fn cluster(test: &str) -> Result<Option<Cluster>, ClusterError> {
    let Some(path) = std::env::var_os("KUBECONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
    else {
        require(
            test,
            "KUBECONFIG",
            "start the control plane with tests/cluster/up, or run tests/run",
        )?;
        return Ok(None);
    };
    let kubeconfig = Kubeconfig::read_from(&path).map_err(|source| ClusterError::Kubeconfig {
        path: path.clone(),
        source,
    })?;
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .map_err(|source| ClusterError::Kubeconfig {
            path: path.clone(),
            source,
        })?;
    let client = Client::try_from(config.clone()).map_err(|source| ClusterError::Client {
        path: path.clone(),
        source,
    })?;
    Ok(Some(Cluster {
        client,
        kubeconfig: path,
        config,
    }))
}
