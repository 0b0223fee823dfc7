//! SealedSecret → Secret offline: the controller's decryption, without the cluster side effects.

use std::collections::BTreeMap;

use super::hybrid;
use super::keys::{OpenError, UnsealingKeys};
use super::plaintext::Plaintext;
use super::scope::Scope;
use super::sealed_secret::SealedSecret;
use super::sealer::{SealError, identity_of};
use super::template::{self, TemplateError};
use super::types::{ObjectMeta, Secret};

#[derive(Debug, thiserror::Error)]
pub enum UnsealError {
    #[error("{0}")]
    Identity(#[from] SealError),
    #[error("{namespace}/{name} ({scope}): cannot decrypt item {key:?}: {error}")]
    Item {
        namespace: String,
        name: String,
        scope: Scope,
        key: String,
        #[source]
        error: OpenError,
    },
    #[error(
        "{namespace}/{name}: has both spec.data (deprecated v1 format) and spec.encryptedData; keep one"
    )]
    BothFormats { namespace: String, name: String },
    #[error(
        "{namespace}/{name}: the spec.data (v1 format) payload is not a JSON Secret ({reason})"
    )]
    LegacyPayload {
        namespace: String,
        name: String,
        reason: String,
    },
    #[error("{namespace}/{name}: {error}")]
    Template {
        namespace: String,
        name: String,
        #[source]
        error: TemplateError,
    },
}

/// The produced Secret and, per item, the fingerprint of the key that opened it (so the
/// controller can try that key first next time).
pub struct Unsealed {
    pub secret: Secret,
    pub opened_with: BTreeMap<String, String>,
}

impl std::fmt::Debug for Unsealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unsealed")
            .field("secret", &self.secret)
            .field("opened_with", &self.opened_with)
            .finish()
    }
}

/// Decrypts a SealedSecret with the given keys. The label comes from the TOP-LEVEL annotations,
/// namespace and name, as in upstream's controller; the Secret's metadata, type and immutable
/// flag come from the template, with name and namespace forced to the SealedSecret's, and
/// `template.data` is rendered over the decrypted items (see [`template::render`]).
/// `hint` is a key fingerprint to try first.
pub fn unseal(
    keys: &UnsealingKeys,
    sealed: &SealedSecret,
    hint: Option<&str>,
) -> Result<Unsealed, UnsealError> {
    let (scope, namespace, name) = identity_of(sealed)?;
    let label = scope.label(&namespace, &name);
    let template = sealed.spec.template.clone().unwrap_or_default();
    let item_error = |key: &str, error| UnsealError::Item {
        namespace: namespace.clone(),
        name: name.clone(),
        scope,
        key: key.to_owned(),
        error,
    };

    if let Some(legacy) = &sealed.spec.data {
        if !sealed.spec.encrypted_data.is_empty() {
            return Err(UnsealError::BothFormats { namespace, name });
        }
        let opened = keys
            .open(&label, legacy, hint)
            .map_err(|e| item_error("<spec.data>", e))?;
        let mut secret: Secret =
            serde_json::from_slice(opened.plaintext.as_bytes()).map_err(|e| {
                UnsealError::LegacyPayload {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    reason: format!("line {} column {}", e.line(), e.column()),
                }
            })?;
        secret.metadata.name = Some(name.clone());
        secret.metadata.namespace = Some(namespace.clone());
        let opened_with = BTreeMap::from([("<spec.data>".to_owned(), opened.fingerprint)]);
        return Ok(Unsealed {
            secret,
            opened_with,
        });
    }

    let mut data = BTreeMap::new();
    let mut opened_with = BTreeMap::new();
    for (key, value) in &sealed.spec.encrypted_data {
        let opened = keys
            .open(&label, value, hint)
            .map_err(|e| item_error(key, e))?;
        data.insert(key.clone(), opened.plaintext);
        opened_with.insert(key.clone(), opened.fingerprint);
    }
    // Upstream renders template.data over every decrypted item; a rendered entry replaces the
    // item of the same name.
    if let Some(templates) = template.data.as_ref().filter(|t| !t.is_empty()) {
        let rendered =
            template::render(templates, &data).map_err(|error| UnsealError::Template {
                namespace: namespace.clone(),
                name: name.clone(),
                error,
            })?;
        data.extend(rendered);
    }

    let metadata = ObjectMeta {
        name: Some(name),
        namespace: (!namespace.is_empty()).then_some(namespace),
        ..template.metadata
    };
    Ok(Unsealed {
        secret: Secret {
            metadata,
            type_: template.type_,
            immutable: template.immutable,
            data,
            ..Secret::default()
        },
        opened_with,
    })
}

/// Opens one bare value (a `--raw` blob) for a scope and identity.
pub fn unseal_raw(
    keys: &UnsealingKeys,
    scope: Scope,
    namespace: &str,
    name: &str,
    value_b64: &str,
) -> Result<Plaintext, OpenError> {
    let blob = hybrid::decode_base64(value_b64)?;
    keys.open_bytes(&scope.label(namespace, name), &blob, None)
        .map(|opened| opened.plaintext)
}
