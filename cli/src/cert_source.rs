//! Where the sealing certificate comes from: a PEM file, an https:// URL, the local key pair, or
//! the controller (through kubeconfig: its `sealgate-cert` ConfigMap, else the service proxy).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use sealgate_core::seal::SealingCert;

use crate::cli::{CertSourceArgs, ClusterArgs};
use crate::error::CliError;
use crate::kube_api;
use crate::local_pair;

/// Largest certificate response accepted from a URL (a PEM cert is a few KiB).
const MAX_CERT_BYTES: u64 = 1 << 20;

/// The typed form of the certificate flags, after conflicts are rejected.
pub enum CertSource {
    File(std::path::PathBuf),
    Url(String),
    Local,
    Controller {
        namespace: String,
        name: String,
        target: kube_api::Target,
    },
}

/// A certificate's PEM bytes and where they came from (for messages and `cert`'s summary).
pub struct CertPem {
    pub bytes: Vec<u8>,
    pub origin: String,
}

impl CertSource {
    pub fn from_args(args: &CertSourceArgs) -> Result<Self, CliError> {
        match (&args.cert, args.local) {
            (Some(_), true) => Err(CliError::usage(
                "--cert and --local both given",
                "use one certificate source",
            )),
            (Some(cert), false) => Ok(Self::from_location(cert)),
            (None, true) => Ok(CertSource::Local),
            (None, false) => Ok(CertSource::Controller {
                namespace: args.controller.controller_namespace.clone(),
                name: args.controller_name.clone(),
                target: args.cluster.target(),
            }),
        }
    }

    /// A `--cert` value: `https://` / `http://` URL, `file://` URL, or a path.
    pub fn from_location(location: &str) -> Self {
        if location.starts_with("https://") || location.starts_with("http://") {
            CertSource::Url(location.to_owned())
        } else {
            let path = location.strip_prefix("file://").unwrap_or(location);
            CertSource::File(path.into())
        }
    }

    /// Where the cert came from, for messages.
    pub fn describe(&self) -> String {
        match self {
            CertSource::File(path) => path.display().to_string(),
            CertSource::Url(url) => url.clone(),
            CertSource::Local => local_pair::cert_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "the local key pair".to_owned()),
            CertSource::Controller {
                namespace, name, ..
            } => format!("controller {namespace}/{name}"),
        }
    }

    /// The certificate PEM bytes.
    pub fn pem(&self) -> Result<CertPem, CliError> {
        let bytes = match self {
            // a cert is small; `--cert /dev/zero` must stop
            CertSource::File(path) => {
                crate::input::read_bytes(Some(path.as_path()), MAX_CERT_BYTES)?.to_vec()
            }
            CertSource::Url(url) => fetch_url(url)?,
            CertSource::Local => local_pair::ensure()?.cert_pem.into_bytes(),
            CertSource::Controller {
                namespace,
                name,
                target,
            } => {
                let fetched = kube_api::fetch_cert(target, namespace, name)?;
                return Ok(CertPem {
                    bytes: fetched.pem,
                    origin: fetched.origin,
                });
            }
        };
        Ok(CertPem {
            bytes,
            origin: self.describe(),
        })
    }

    /// Loads the certificate for sealing: refuses expired and non-RSA certificates.
    pub fn sealing_cert(&self) -> Result<SealingCert, CliError> {
        let pem = self.pem()?;
        SealingCert::from_pem(&pem.bytes).map_err(|e| CliError::cert(e, &pem.origin))
    }

    /// Loads the certificate for inspection only (an expired one is shown, not refused), with
    /// where it came from.
    pub fn inspect_cert(&self) -> Result<(SealingCert, String), CliError> {
        let pem = self.pem()?;
        let cert =
            SealingCert::inspect_pem(&pem.bytes).map_err(|e| CliError::cert(e, &pem.origin))?;
        Ok((cert, pem.origin))
    }
}

impl ClusterArgs {
    pub fn target(&self) -> kube_api::Target {
        kube_api::Target {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            overrides: Box::default(),
        }
    }
}

fn fetch_url(url: &str) -> Result<Vec<u8>, CliError> {
    if let Some(rest) = url.strip_prefix("http://") {
        let host = host_of(rest);
        if !is_loopback(host) {
            return Err(CliError::input(
                "plain http:// is refused for a non-loopback host",
                url,
                "use an https:// URL or download the cert and pass the file",
            ));
        }
    }
    let agent = http_agent();
    let mut response = agent
        .get(url)
        .header("Accept", "application/x-pem-file, */*")
        .call()
        .map_err(|e| {
            CliError::input(
                format!("cannot fetch the certificate ({e})"),
                url,
                "check the URL, or pass --cert FILE",
            )
        })?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_CERT_BYTES)
        .read_to_vec()
        .map_err(|e| {
            CliError::input(
                format!("cannot read the certificate response ({e})"),
                url,
                "check the URL, or pass --cert FILE",
            )
        })
}

/// An HTTP agent on rustls with the aws-lc-rs provider (the one crypto library of the project)
/// and the webpki roots, for `--cert https://…` URLs.
fn http_agent() -> ureq::Agent {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(provider)
        .root_certs(ureq::tls::RootCerts::WebPki)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(true)
        .build()
        .new_agent()
}

fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        assert_eq!(host_of("127.0.0.1:8080/v1/cert.pem"), "127.0.0.1");
        assert_eq!(host_of("[::1]:80/x"), "::1");
        assert_eq!(host_of("user@localhost/x"), "localhost");
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("::1"));
        assert!(is_loopback("LOCALHOST"));
        assert!(!is_loopback("example.com"));
        assert!(!is_loopback("10.0.0.1"));
    }
}
