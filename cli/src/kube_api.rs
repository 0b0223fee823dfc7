//! The cluster through kubeconfig, with the `kube` crate (contexts, exec credential plugins, OIDC,
//! token files, proxies, in-cluster config): a small current-thread runtime per command that needs
//! it, and the controller's sealing certificate (ConfigMap first, then the service proxy).

use std::future::Future;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::{ConfigMap, Service};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};

use crate::error::CliError;
use crate::kube_overrides as overrides;
pub use crate::kube_overrides::{Overrides, namespace};

/// ConfigMap in the controller namespace where the sealgate controller publishes its active
/// certificate: readable with plain RBAC, no service proxy (private control planes, any release name).
pub const CERT_CONFIGMAP: &str = "sealgate-cert";
/// Key of the PEM certificate in [`CERT_CONFIGMAP`].
pub const CERT_KEY: &str = "cert.pem";

const CLUSTER_HINT: &str = "check --kubeconfig/--context and that the cluster is up";

/// Which cluster to talk to: a kubeconfig file and a context; `None` = kubectl's defaults
/// (`$KUBECONFIG`, `~/.kube/config`, current-context, then the in-cluster service account).
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// kubectl's override flags (`kubeseal --server/--token/…`); none for sealgate's commands.
    pub overrides: Box<Overrides>,
}

/// A client for one command, with the runtime that drives it.
pub struct Cluster {
    runtime: tokio::runtime::Runtime,
    client: Client,
    /// The API server URL, for messages.
    server: String,
}

impl Cluster {
    /// Loads the kubeconfig (or in-cluster config) and builds a client; nothing is sent yet.
    pub fn connect(target: &Target) -> Result<Self, CliError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                CliError::usage(format!("cannot start the async runtime ({e})"), "retry")
            })?;
        let (client, server) = runtime.block_on(async {
            let mut config = load_config(target).await?;
            // kube retries 429/503/504 up to 15 times with backoff growing to minutes; a command
            // answers at once instead (the proxy's "no endpoints" 503 is an answer, not a hiccup)
            config.default_retry = false;
            let server = config
                .cluster_url
                .to_string()
                .trim_end_matches('/')
                .to_owned();
            let client = Client::try_from(config).map_err(|e| {
                CliError::input(
                    format!("cannot build a Kubernetes client ({})", chain(&e)),
                    &server,
                    "fix the kubeconfig's TLS and credential settings",
                )
            })?;
            Ok::<_, CliError>((client, server))
        })?;
        Ok(Cluster {
            runtime,
            client,
            server,
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// Runs one piece of async work on this command's runtime.
    pub fn block_on<F: Future>(&self, work: F) -> F::Output {
        self.runtime.block_on(work)
    }

    /// The error for a request that never got an answer from the API server.
    pub fn unreachable(&self, error: &kube::Error) -> CliError {
        CliError::input(
            format!("cannot reach the Kubernetes API server ({})", chain(error)),
            &self.server,
            CLUSTER_HINT,
        )
    }
}

async fn load_config(target: &Target) -> Result<Config, CliError> {
    if !target.overrides.is_empty() {
        let mut config = overrides::config(target).await?;
        if let Some(timeout) = target.overrides.request_timeout {
            config.read_timeout = Some(timeout);
            config.write_timeout = Some(timeout);
        }
        return Ok(config);
    }
    let options = KubeConfigOptions {
        context: target.context.clone(),
        cluster: None,
        user: None,
    };
    let hint = "fix the kubeconfig, or pick another with --kubeconfig/--context";
    match &target.kubeconfig {
        Some(path) => {
            let shown = path.display().to_string();
            let kubeconfig = Kubeconfig::read_from(path).map_err(|e| {
                CliError::input(
                    format!("cannot load the kubeconfig ({})", chain(&e)),
                    &shown,
                    hint,
                )
            })?;
            Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| {
                    CliError::input(format!("unusable kubeconfig ({})", chain(&e)), shown, hint)
                })
        }
        None if target.context.is_some() => Config::from_kubeconfig(&options).await.map_err(|e| {
            CliError::input(
                format!("unusable kubeconfig ({})", chain(&e)),
                default_kubeconfig(),
                hint,
            )
        }),
        None => Config::infer().await.map_err(|e| {
            CliError::input(
                format!(
                    "no usable kubeconfig and not running in a cluster ({})",
                    chain(&e)
                ),
                default_kubeconfig(),
                hint,
            )
        }),
    }
}

/// Where kubectl would look, for messages.
pub fn default_kubeconfig() -> String {
    match std::env::var("KUBECONFIG") {
        Ok(list) if !list.is_empty() => list,
        _ => "~/.kube/config".to_owned(),
    }
}

/// An error and its sources on one line, without repeating a source its parent already shows.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}

/// The port kubeseal names in the service proxy path: the first port's name (charts name it
/// `http`; an unnamed one gives `http:<svc>:`).
pub fn proxy_port(service: &Service) -> String {
    service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .and_then(|p| p.first())
        .and_then(|p| p.name.clone())
        .unwrap_or_default()
}

/// A certificate PEM and where it came from.
pub struct FetchedCert {
    pub pem: Vec<u8>,
    pub origin: String,
}

/// The controller's sealing certificate: the `sealgate-cert` ConfigMap in `namespace`, else
/// `GET …/services/http:<name>:<first port name>/proxy/v1/cert.pem` like kubeseal. The error says
/// what each way answered.
pub fn fetch_cert(target: &Target, namespace: &str, name: &str) -> Result<FetchedCert, CliError> {
    Cluster::connect(target)
        .and_then(|cluster| cluster.block_on(fetch(&cluster, namespace, name)))
        .map_err(|error| match error {
            // sealing can always go on offline with the cert file
            CliError::Input { what, place, hint } if !hint.contains("--cert") => CliError::Input {
                what,
                place,
                hint: format!("{hint}, or pass --cert FILE|URL"),
            },
            other => other,
        })
}

async fn fetch(cluster: &Cluster, namespace: &str, name: &str) -> Result<FetchedCert, CliError> {
    let configmaps: Api<ConfigMap> = Api::namespaced(cluster.client().clone(), namespace);
    let configmap = format!("{namespace}/{CERT_CONFIGMAP}");
    let configmap_note = match configmaps.get_opt(CERT_CONFIGMAP).await {
        Ok(Some(found)) => match found.data.as_ref().and_then(|d| d.get(CERT_KEY)) {
            Some(pem) if !pem.trim().is_empty() => {
                return Ok(FetchedCert {
                    pem: pem.clone().into_bytes(),
                    origin: format!("ConfigMap {configmap}"),
                });
            }
            _ => format!("ConfigMap {configmap} has no {CERT_KEY}"),
        },
        Ok(None) => format!("no ConfigMap {configmap}"),
        Err(kube::Error::Api(status)) => format!(
            "ConfigMap {configmap} answered {}: {}",
            status.code, status.message
        ),
        Err(other) => return Err(cluster.unreachable(&other)),
    };

    let services: Api<Service> = Api::namespaced(cluster.client().clone(), namespace);
    let proxy_note = match services.get_opt(name).await {
        Ok(None) => format!("no Service {namespace}/{name} for the service proxy"),
        Err(kube::Error::Api(status)) => {
            format!(
                "Service {namespace}/{name} answered {}: {}",
                status.code, status.message
            )
        }
        Err(other) => return Err(cluster.unreachable(&other)),
        Ok(Some(service)) => {
            let port = proxy_port(&service);
            let path = format!(
                "/api/v1/namespaces/{namespace}/services/http:{name}:{port}/proxy/v1/cert.pem"
            );
            let request = http::Request::get(&path)
                .header(http::header::ACCEPT, "application/x-pem-file, */*")
                .body(Vec::new())
                .map_err(|e| {
                    CliError::usage(
                        format!("cannot build the request {path} ({e})"),
                        "report this bug",
                    )
                })?;
            match cluster.client().request_text(request).await {
                Ok(pem) => {
                    return Ok(FetchedCert {
                        pem: pem.into_bytes(),
                        origin: format!("service proxy {namespace}/{name}"),
                    });
                }
                Err(kube::Error::Api(status)) => {
                    format!(
                        "the service proxy {path} answered {}: {}",
                        status.code,
                        status.message.trim()
                    )
                }
                Err(other) => format!("the service proxy {path} failed: {}", chain(&other)),
            }
        }
    };
    Err(CliError::input(
        format!("cannot fetch the sealing certificate: {configmap_note}, and {proxy_note}"),
        cluster.server(),
        "pass --cert FILE|URL, or --controller-namespace/--controller-name where the controller runs",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner")]
    struct Inner;

    #[derive(Debug, thiserror::Error)]
    #[error("wrapper")]
    struct Wrapper(#[source] Inner);

    #[test]
    fn chain_joins_sources_it_does_not_already_show() {
        assert_eq!(chain(&Outer(Inner)), "outer: inner");
        assert_eq!(chain(&Wrapper(Inner)), "wrapper: inner");
    }
}
