//! The active cert in a ConfigMap, so `sealgate seal` reads it through the API server alone.
//!
//! No service proxy is involved: it works behind private control planes, under any release
//! name, and with RBAC that grants `get` on one ConfigMap.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::api::{ObjectMeta, Patch, PatchParams};
use sealgate_core::seal::SealingCert;

/// Default name of the ConfigMap (`--cert-configmap`), in the controller namespace.
pub const CERT_CONFIGMAP: &str = "sealgate-cert";
/// Data keys of the ConfigMap.
pub const CERT_PEM_KEY: &str = "cert.pem";
pub const FINGERPRINT_KEY: &str = "fingerprint";

/// Field manager of every object the controller applies.
pub const FIELD_MANAGER: &str = "sealgate-controller";

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("publishing the sealing cert in ConfigMap {namespace}/{name} failed: {source}")]
    Apply {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
}

/// PEM with `\n` line ends, as upstream's `/v1/cert.pem` and kubeseal write it.
pub fn cert_pem(cert: &SealingCert) -> String {
    let block = pem::Pem::new("CERTIFICATE", cert.der().to_vec());
    pem::encode_config(
        &block,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// The ConfigMap for `cert`: `cert.pem` and its `fingerprint` (upstream's `SHA256:…` key name).
pub fn cert_configmap(cert: &SealingCert, name: &str, namespace: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/managed-by".to_owned(),
                FIELD_MANAGER.to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([
            (CERT_PEM_KEY.to_owned(), cert_pem(cert)),
            (FINGERPRINT_KEY.to_owned(), cert.fingerprint().to_owned()),
        ])),
        ..ConfigMap::default()
    }
}

/// Writes the ConfigMap with server-side apply (idempotent; creates it when missing).
pub async fn publish(
    api: &Api<ConfigMap>,
    cert: &SealingCert,
    name: &str,
    namespace: &str,
) -> Result<(), PublishError> {
    let configmap = cert_configmap(cert, name, namespace);
    api.patch(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&configmap),
    )
    .await
    .map(|_| ())
    .map_err(|source| PublishError::Apply {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sealgate_core::seal::{KeyBits, KeyGenOptions, generate_key_pair};

    #[test]
    fn the_configmap_holds_the_cert_and_its_fingerprint() {
        let pair = generate_key_pair(&KeyGenOptions {
            bits: KeyBits::Rsa2048,
            ..KeyGenOptions::default()
        })
        .unwrap();
        let cert = pair.sealing_cert().unwrap();
        let cm = cert_configmap(&cert, CERT_CONFIGMAP, "kube-system");
        let data = cm.data.unwrap_or_default();
        let pem_text = data.get(CERT_PEM_KEY).cloned().unwrap_or_default();
        assert!(!pem_text.contains('\r'), "LF line ends only");
        assert!(pem_text.starts_with("-----BEGIN CERTIFICATE-----\n"));
        let reread = SealingCert::from_pem(pem_text.as_bytes()).unwrap();
        assert_eq!(reread.der(), cert.der());
        assert_eq!(
            data.get(FINGERPRINT_KEY).map(String::as_str),
            Some(cert.fingerprint())
        );
        assert_eq!(cm.metadata.namespace.as_deref(), Some("kube-system"));
    }
}
