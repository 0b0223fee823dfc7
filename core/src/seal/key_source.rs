//! Where unsealing keys come from: PEM files, `kubernetes.io/tls` Secrets, and `v1` Lists of them.

use std::collections::BTreeMap;

use serde::Deserialize;
use zeroize::{Zeroize, Zeroizing};

use super::cert::SealingCert;
use super::hybrid;
use super::keys::{KeyError, PrivateKey, pem_reason};

#[derive(Debug, thiserror::Error)]
pub enum KeySourceError {
    #[error("{source_name}: {error}")]
    Key {
        source_name: String,
        #[source]
        error: KeyError,
    },
    #[error(
        "{source_name}: not a PEM private key, nor a Secret or List of Secrets in YAML/JSON ({reason})"
    )]
    Unrecognised { source_name: String, reason: String },
    #[error("{source_name}: Secret {secret:?} has no data[\"tls.key\"]")]
    MissingTlsKey { source_name: String, secret: String },
    #[error("{source_name}: data[\"tls.key\"] of Secret {secret:?} is not valid base64")]
    TlsKeyBase64 { source_name: String, secret: String },
    #[error("{source_name}: no private key found")]
    Empty { source_name: String },
}

#[derive(Deserialize, Default)]
struct KeyDoc {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<KeyDocMeta>,
    #[serde(default)]
    data: Option<BTreeMap<String, String>>,
    #[serde(default)]
    items: Option<Vec<KeyDoc>>,
}

impl Drop for KeyDoc {
    fn drop(&mut self) {
        if let Some(data) = self.data.as_mut() {
            data.values_mut().for_each(Zeroize::zeroize);
        }
    }
}

#[derive(Deserialize, Default)]
struct KeyDocMeta {
    #[serde(default)]
    name: Option<String>,
}

/// Reads every private key in one file's content, whatever form `kubeseal
/// --recovery-private-key` accepts: PEM (PKCS#1 or PKCS#8), a TLS Secret in YAML or JSON, a `v1`
/// `List` of them (`kubectl get secret -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml`),
/// or a YAML stream of Secrets. `source_name` (a path) is used in error messages only.
pub fn load_private_keys(
    content: &[u8],
    source_name: &str,
) -> Result<Vec<PrivateKey>, KeySourceError> {
    let key_err = |error| KeySourceError::Key {
        source_name: source_name.to_owned(),
        error,
    };
    let text = Zeroizing::new(String::from_utf8_lossy(content).into_owned());
    let keys = if text.contains("-----BEGIN") {
        keys_from_pem(text.as_bytes()).map_err(key_err)?
    } else {
        let docs: Vec<KeyDoc> =
            serde_saphyr::from_multiple(&text).map_err(|e| KeySourceError::Unrecognised {
                source_name: source_name.to_owned(),
                // Only a position: serde's "invalid type: string \"…\"" would quote the value,
                // e.g. the base64 key of a `data:` given as a string instead of a map.
                reason: match e.location() {
                    Some(at) => format!("YAML error at line {} column {}", at.line(), at.column()),
                    None => "YAML error".to_owned(),
                },
            })?;
        let mut keys = Vec::new();
        for doc in &docs {
            collect_from_doc(doc, source_name, &mut keys)?;
        }
        keys
    };
    if keys.is_empty() {
        return Err(KeySourceError::Empty {
            source_name: source_name.to_owned(),
        });
    }
    Ok(keys)
}

/// Every private-key block of a PEM text; a CERTIFICATE block in the same text dates the key.
fn keys_from_pem(pem_text: &[u8]) -> Result<Vec<PrivateKey>, KeyError> {
    let blocks = pem::parse_many(pem_text).map_err(|e| KeyError::Pem {
        reason: pem_reason(&e),
    })?;
    let not_before = blocks
        .iter()
        .find(|b| b.tag() == "CERTIFICATE")
        .and_then(|b| SealingCert::from_der(b.contents().to_vec()).ok())
        .map(|c| c.not_before());
    let mut keys = Vec::new();
    for block in blocks
        .iter()
        .filter(|b| matches!(b.tag(), "RSA PRIVATE KEY" | "PRIVATE KEY"))
    {
        let der = Zeroizing::new(block.contents().to_vec());
        let key = if block.tag() == "RSA PRIVATE KEY" {
            PrivateKey::from_pkcs1_der(&der)?
        } else {
            PrivateKey::from_pkcs8_der(&der)?
        };
        keys.push(match not_before {
            Some(t) => key.with_not_before(t),
            None => key,
        });
    }
    if keys.is_empty() {
        return Err(KeyError::NoPrivateKey);
    }
    Ok(keys)
}

fn collect_from_doc(
    doc: &KeyDoc,
    source_name: &str,
    keys: &mut Vec<PrivateKey>,
) -> Result<(), KeySourceError> {
    if let Some(items) = &doc.items {
        for item in items {
            collect_from_doc(item, source_name, keys)?;
        }
        return Ok(());
    }
    if doc.kind.as_deref() != Some("Secret") {
        return Err(KeySourceError::Unrecognised {
            source_name: source_name.to_owned(),
            reason: format!("found kind {:?}", doc.kind.as_deref().unwrap_or("<none>")),
        });
    }
    let secret = doc
        .metadata
        .as_ref()
        .and_then(|m| m.name.clone())
        .unwrap_or_default();
    let data = doc.data.as_ref();
    let encoded =
        data.and_then(|d| d.get("tls.key"))
            .ok_or_else(|| KeySourceError::MissingTlsKey {
                source_name: source_name.to_owned(),
                secret: secret.clone(),
            })?;
    let key_pem = Zeroizing::new(hybrid::decode_base64(encoded).map_err(|_| {
        KeySourceError::TlsKeyBase64 {
            source_name: source_name.to_owned(),
            secret: secret.clone(),
        }
    })?);
    let mut key = PrivateKey::from_pem(&key_pem).map_err(|error| KeySourceError::Key {
        source_name: format!("{source_name} (Secret {secret:?})"),
        error,
    })?;
    // The cert dates the key so a key set can be ordered newest first, like upstream's registry.
    let cert = data
        .and_then(|d| d.get("tls.crt"))
        .and_then(|c| hybrid::decode_base64(c).ok())
        .and_then(|pem_text| SealingCert::inspect_pem(&pem_text).ok());
    if let Some(cert) = cert {
        key = key.with_not_before(cert.not_before());
    }
    keys.push(key);
    Ok(())
}
