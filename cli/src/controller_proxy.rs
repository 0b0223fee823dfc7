//! The controller's HTTP API through the API server's service proxy, as kubeseal reaches it for
//! `--validate` (`/v1/verify`) and `--re-encrypt` (`/v1/rotate`): the Service's first port name,
//! then `POST …/services/http:<name>:<port>/proxy/v1/…`.

use k8s_openapi::api::core::v1::Service;
use kube::Api;

use crate::error::CliError;
use crate::kube_api::{Cluster, Target, proxy_port};

/// A connection to one controller's service proxy.
pub struct ControllerProxy {
    cluster: Cluster,
    /// `/api/v1/namespaces/<ns>/services/http:<name>:<port>/proxy`
    base: String,
}

/// The controller's answer to one call: its body, or the HTTP status and message it failed with.
pub enum Answer {
    Ok(String),
    Failed { code: u16, message: String },
}

impl ControllerProxy {
    /// Connects and finds the controller's Service (its first port's name is the proxy's port).
    pub fn connect(target: &Target, namespace: &str, name: &str) -> Result<Self, CliError> {
        let cluster = Cluster::connect(target)?;
        let services: Api<Service> = Api::namespaced(cluster.client().clone(), namespace);
        let service = match cluster.block_on(services.get_opt(name)) {
            Ok(Some(service)) => service,
            Ok(None) => {
                return Err(CliError::input(
                    format!("cannot get sealed secret service: no Service {namespace}/{name}"),
                    cluster.server(),
                    "use the flags --controller-name and --controller-namespace to name the sealed secrets controller",
                ));
            }
            Err(kube::Error::Api(status)) => {
                return Err(CliError::input(
                    format!(
                        "cannot get sealed secret service {namespace}/{name}: {} {}",
                        status.code, status.message
                    ),
                    cluster.server(),
                    "check your permissions, --controller-name and --controller-namespace",
                ));
            }
            Err(other) => return Err(cluster.unreachable(&other)),
        };
        let port = proxy_port(&service);
        Ok(ControllerProxy {
            cluster,
            base: format!("/api/v1/namespaces/{namespace}/services/http:{name}:{port}/proxy"),
        })
    }

    /// `POST <suffix>` with a JSON body.
    pub fn post(&self, suffix: &str, body: Vec<u8>) -> Result<Answer, CliError> {
        let path = format!("{}{suffix}", self.base);
        let request = http::Request::post(&path)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "application/json, */*")
            .body(body)
            .map_err(|e| {
                CliError::usage(
                    format!("cannot build the request {path} ({e})"),
                    "report this bug",
                )
            })?;
        match self
            .cluster
            .block_on(self.cluster.client().request_text(request))
        {
            Ok(text) => Ok(Answer::Ok(text)),
            Err(kube::Error::Api(status)) => Ok(Answer::Failed {
                code: status.code,
                message: status.message.trim().to_owned(),
            }),
            Err(other) => Err(self.cluster.unreachable(&other)),
        }
    }

    /// The API server, for messages.
    pub fn server(&self) -> &str {
        self.cluster.server()
    }
}
