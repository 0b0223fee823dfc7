//! `--backup-recipient`: an age-encrypted copy of every key Secret, written before a new key exists.
//!
//! The backup is a Secret (`--backup-name`, data `keys.age`) in the controller namespace. Its
//! content is armored age (safe to commit once fetched); `sealgate keys restore --identity` and
//! `sealgate unseal --key keys.age --identity` read it.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{ObjectMeta, Patch, PatchParams};
use kube::{Api, Client};
use sealgate_core::seal::escrow::{EscrowError, Recipients, backup_to};

use super::publish::FIELD_MANAGER;

/// Default name of the backup Secret (`--backup-name`).
pub const BACKUP_NAME: &str = "sealgate-key-backup";
/// Data key of the armored age file in the backup Secret.
pub const BACKUP_KEY: &str = "keys.age";
/// Annotation: how many key Secrets the backup holds (readable without decrypting).
pub const BACKUP_COUNT_ANNOTATION: &str = "sealgate.dev/backup-key-count";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("--backup-recipient: {0}")]
    Recipients(#[source] EscrowError),
    #[error("encrypting the key backup failed: {0}")]
    Encrypt(#[source] EscrowError),
    #[error("converting key Secret {name:?} for the backup failed: {reason}")]
    Convert { name: String, reason: String },
    #[error("writing the key backup Secret {namespace}/{name} failed: {source}")]
    Write {
        namespace: String,
        name: String,
        #[source]
        source: kube::Error,
    },
}

/// Where and to whom backups go; the recipients are parsed once at startup.
pub struct Backup {
    recipients: Arc<Recipients>,
    api: Api<Secret>,
    namespace: String,
    name: String,
}

impl Backup {
    /// Fails on a malformed recipient, so a typo stops the controller at startup rather than at
    /// the first key creation.
    pub fn new(
        client: Client,
        namespace: &str,
        name: &str,
        recipients: &[String],
    ) -> Result<Self, BackupError> {
        let recipients = Recipients::parse(recipients).map_err(BackupError::Recipients)?;
        Ok(Self {
            recipients: Arc::new(recipients),
            api: Api::namespaced(client, namespace),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Encrypts `keys` (all key Secrets, the new one included) and writes the backup Secret.
    pub async fn write(&self, keys: &[Secret]) -> Result<(), BackupError> {
        let armored = encrypt(keys, &self.recipients)?;
        let secret = backup_secret(&armored, keys.len(), &self.name, &self.namespace);
        self.api
            .patch(
                &self.name,
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&secret),
            )
            .await
            .map_err(|source| BackupError::Write {
                namespace: self.namespace.clone(),
                name: self.name.clone(),
                source,
            })?;
        tracing::info!(secret = %self.name, keys = keys.len(), "wrote the age key backup");
        Ok(())
    }
}

/// The armored age file of `keys` (core's escrow format: a `v1` List of the key Secrets).
pub fn encrypt(keys: &[Secret], recipients: &Recipients) -> Result<String, BackupError> {
    let converted = keys
        .iter()
        .map(|secret| {
            let convert_err = |reason: String| BackupError::Convert {
                name: secret.metadata.name.clone().unwrap_or_default(),
                reason,
            };
            // Never serde's message: a type error quotes the value, and these values are keys.
            let shape = || convert_err("it does not have the shape of a v1 Secret".to_owned());
            let value = serde_json::to_value(secret).map_err(|_| shape())?;
            serde_json::from_value::<sealgate_core::seal::Secret>(value).map_err(|_| shape())
        })
        .collect::<Result<Vec<_>, _>>()?;
    backup_to(&converted, recipients).map_err(BackupError::Encrypt)
}

fn backup_secret(armored: &str, count: usize, name: &str, namespace: &str) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/managed-by".to_owned(),
                FIELD_MANAGER.to_owned(),
            )])),
            annotations: Some(BTreeMap::from([(
                BACKUP_COUNT_ANNOTATION.to_owned(),
                count.to_string(),
            )])),
            ..ObjectMeta::default()
        },
        type_: Some("Opaque".to_owned()),
        data: Some(BTreeMap::from([(
            BACKUP_KEY.to_owned(),
            ByteString(armored.as_bytes().to_vec()),
        )])),
        ..Secret::default()
    }
}
