//! The controller's certificate through the API server's service proxy, like kubeseal: read
//! kubeconfig, look up the Service's first port name, then GET
//! `/api/v1/namespaces/<ns>/services/http:<svc>:<port>/proxy/v1/cert.pem`.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::cert_source::{TlsOptions, http_agent};
use crate::error::CliError;

const NO_CERT_HINT: &str = "pass --cert FILE|URL or --local, or fix the kubeconfig";
const MAX_RESPONSE_BYTES: u64 = 4 << 20;

#[derive(Deserialize)]
struct KubeConfig {
    #[serde(rename = "current-context", default)]
    current_context: Option<String>,
    #[serde(default)]
    contexts: Vec<NamedContext>,
    #[serde(default)]
    clusters: Vec<NamedCluster>,
    #[serde(default)]
    users: Vec<NamedUser>,
}

#[derive(Deserialize)]
struct NamedContext {
    name: String,
    context: Context,
}

#[derive(Deserialize)]
struct NamedCluster {
    name: String,
    cluster: Cluster,
}

#[derive(Deserialize)]
struct NamedUser {
    name: String,
    #[serde(default)]
    user: User,
}

#[derive(Deserialize)]
struct Context {
    cluster: String,
    #[serde(default)]
    user: Option<String>,
}

#[derive(Deserialize)]
struct Cluster {
    server: String,
    #[serde(rename = "certificate-authority-data", default)]
    ca_data: Option<String>,
    #[serde(rename = "certificate-authority", default)]
    ca_file: Option<PathBuf>,
    #[serde(rename = "insecure-skip-tls-verify", default)]
    insecure: bool,
}

#[derive(Deserialize, Default)]
struct User {
    #[serde(default)]
    token: Option<String>,
    #[serde(rename = "tokenFile", default)]
    token_file: Option<PathBuf>,
    #[serde(rename = "client-certificate-data", default)]
    cert_data: Option<String>,
    #[serde(rename = "client-certificate", default)]
    cert_file: Option<PathBuf>,
    #[serde(rename = "client-key-data", default)]
    key_data: Option<String>,
    #[serde(rename = "client-key", default)]
    key_file: Option<PathBuf>,
    #[serde(default)]
    exec: Option<serde_json::Value>,
}

/// Fetches the controller's current sealing certificate PEM.
pub fn fetch_cert(kubeconfig: Option<&Path>, namespace: &str, service: &str) -> Result<Vec<u8>, CliError> {
    let path = kubeconfig_path(kubeconfig)?;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::input(
            format!("no --cert given and the kubeconfig cannot be read ({})", crate::error::IoReason(e)),
            &shown,
            NO_CERT_HINT,
        )
    })?;
    let text = Zeroizing::new(text);
    let config: KubeConfig = serde_saphyr::from_str(&text).map_err(|e| {
        let first = e.to_string().lines().next().unwrap_or_default().to_owned();
        CliError::input(format!("invalid kubeconfig ({first})"), &shown, NO_CERT_HINT)
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let client = Client::from_config(&config, base, &shown)?;

    let service_url = format!("{}/api/v1/namespaces/{namespace}/services/{service}", client.server);
    let service_json = client.get(&service_url, "application/json").map_err(|e| {
        CliError::input(
            format!("cannot get the controller Service {namespace}/{service} ({e})"),
            &client.server,
            "pass --controller-namespace/--controller-name, or --cert FILE|URL, or --local",
        )
    })?;
    let port = serde_json::from_slice::<serde_json::Value>(&service_json)
        .ok()
        .and_then(|v| {
            v.pointer("/spec/ports/0/name")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let cert_url = format!(
        "{}/api/v1/namespaces/{namespace}/services/http:{service}:{port}/proxy/v1/cert.pem",
        client.server
    );
    client.get(&cert_url, "application/x-pem-file, */*").map_err(|e| {
        CliError::input(
            format!("cannot fetch the certificate from the controller {namespace}/{service} ({e})"),
            &client.server,
            "check the controller is running, or pass --cert FILE|URL",
        )
    })
}

fn kubeconfig_path(flag: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    if let Some(list) = std::env::var_os("KUBECONFIG")
        && let Some(first) = std::env::split_paths(&list).find(|p| !p.as_os_str().is_empty())
    {
        return Ok(first);
    }
    match std::env::var_os("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".kube").join("config")),
        None => Err(CliError::usage(
            "no --cert given and no kubeconfig found ($KUBECONFIG and $HOME unset)",
            NO_CERT_HINT,
        )),
    }
}

struct Client {
    server: String,
    agent: ureq::Agent,
    token: Option<Zeroizing<String>>,
}

impl Client {
    fn from_config(config: &KubeConfig, base: &Path, shown: &str) -> Result<Self, CliError> {
        let invalid = |what: String| CliError::input(what, shown, NO_CERT_HINT);
        let context_name = config
            .current_context
            .as_deref()
            .ok_or_else(|| invalid("kubeconfig has no current-context".to_owned()))?;
        let context = config
            .contexts
            .iter()
            .find(|c| c.name == context_name)
            .map(|c| &c.context)
            .ok_or_else(|| invalid(format!("kubeconfig has no context {context_name:?}")))?;
        let cluster = config
            .clusters
            .iter()
            .find(|c| c.name == context.cluster)
            .map(|c| &c.cluster)
            .ok_or_else(|| invalid(format!("kubeconfig has no cluster {:?}", context.cluster)))?;
        let default_user = User::default();
        let user = match &context.user {
            Some(name) => config
                .users
                .iter()
                .find(|u| &u.name == name)
                .map(|u| &u.user)
                .ok_or_else(|| invalid(format!("kubeconfig has no user {name:?}")))?,
            None => &default_user,
        };
        if user.exec.is_some() {
            return Err(invalid(
                "kubeconfig user uses an exec credential plugin, which sealgate does not run".to_owned(),
            ));
        }
        let read = |what: &str, data: &Option<String>, file: &Option<PathBuf>| -> Result<Option<Zeroizing<Vec<u8>>>, CliError> {
            if let Some(data) = data {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data.trim())
                    .map_err(|_| invalid(format!("kubeconfig {what}-data is not valid base64")))?;
                return Ok(Some(Zeroizing::new(bytes)));
            }
            if let Some(file) = file {
                let path = base.join(file);
                let bytes = std::fs::read(&path).map_err(|e| CliError::read(path.display(), e))?;
                return Ok(Some(Zeroizing::new(bytes)));
            }
            Ok(None)
        };
        let mut tls = TlsOptions {
            insecure: cluster.insecure,
            ..TlsOptions::default()
        };
        if let Some(ca) = read("certificate-authority", &cluster.ca_data, &cluster.ca_file)? {
            let certs = ureq::tls::parse_pem(&ca)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
                    _ => None,
                })
                .collect::<Vec<_>>();
            tls.roots = Some(certs);
        }
        let cert = read("client-certificate", &user.cert_data, &user.cert_file)?;
        let key = read("client-key", &user.key_data, &user.key_file)?;
        if let (Some(cert), Some(key)) = (cert, key) {
            let chain = ureq::tls::parse_pem(&cert)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
                    _ => None,
                })
                .collect::<Vec<_>>();
            let key = ureq::tls::PrivateKey::from_pem(&key)
                .map_err(|_| invalid("kubeconfig client-key is not a PEM private key".to_owned()))?;
            tls.client = Some(ureq::tls::ClientCert::new_with_certs(&chain, key));
        }
        let token = match (&user.token, &user.token_file) {
            (Some(token), _) => Some(Zeroizing::new(token.clone())),
            (None, Some(file)) => {
                let path = base.join(file);
                let text = std::fs::read_to_string(&path).map_err(|e| CliError::read(path.display(), e))?;
                Some(Zeroizing::new(text.trim().to_owned()))
            }
            (None, None) => None,
        };
        Ok(Client {
            server: cluster.server.trim_end_matches('/').to_owned(),
            agent: http_agent(tls),
            token,
        })
    }

    fn get(&self, url: &str, accept: &str) -> Result<Vec<u8>, ureq::Error> {
        let mut request = self.agent.get(url).header("Accept", accept);
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {}", token.as_str()));
        }
        let mut response = request.call()?;
        response.body_mut().with_config().limit(MAX_RESPONSE_BYTES).read_to_vec()
    }
}
