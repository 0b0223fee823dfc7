//! Decryption of one SealedSecret with the current key set, counting RSA operations.
//!
//! Each item is opened with the hinted key first (the key that opened this SealedSecret last
//! time), then newest first; the key that opened an item becomes the hint for the next item,
//! since items are usually sealed with the same key. CPU-bound: callers run it on a blocking
//! thread.

use std::collections::BTreeMap;

use sealgate_core::seal::template::{self, TemplateError};
use sealgate_core::seal::{
    OpenError, Plaintext, Scope, SealedSecret, Secret, SecretTemplateSpec, UnsealingKeys,
};

use crate::keys::ItemsPerKey;

/// Why a SealedSecret could not be decrypted (the status message and `ErrUnsealFailed` note).
#[derive(Debug, thiserror::Error)]
pub enum UnsealFailure {
    #[error("no unsealing key is loaded yet (no key Secret in the controller namespace)")]
    NoKeys,
    #[error("cannot decrypt item {item:?} ({scope} scope): {error}")]
    Item {
        item: String,
        scope: Scope,
        error: OpenError,
    },
    #[error("has both spec.data (deprecated v1 format) and spec.encryptedData; keep one")]
    BothFormats,
    #[error(
        "uses the deprecated spec.data format, which this controller does not accept (--accept-deprecated-v1-data=false)"
    )]
    LegacyRefused,
    #[error("the spec.data (v1 format) payload is not a JSON Secret ({reason})")]
    LegacyPayload { reason: String },
    /// The core's message names the entry and the construct (`template.data["k"]: … is not supported`).
    #[error("spec.{error}")]
    Template { error: TemplateError },
}

/// Decrypted content of one SealedSecret (values zeroized on drop, never Debug).
pub struct Decrypted {
    pub data: BTreeMap<String, Plaintext>,
    /// Template of the produced Secret (legacy `spec.data` payloads bring their own metadata).
    pub template: SecretTemplateSpec,
    /// Key that opened the most recent item, to try first next time.
    pub fingerprint: Option<String>,
    /// How many items each key opened (`sealgate_items_per_key`).
    pub items_per_key: ItemsPerKey,
}

/// The result plus the RSA work it cost, which is counted whether or not it succeeded.
pub struct Attempt {
    pub result: Result<Decrypted, UnsealFailure>,
    pub rsa_operations: u64,
}

/// Opens every item of `sealed` (or its legacy `spec.data`) and renders `template.data`.
pub fn decrypt(
    keys: &UnsealingKeys,
    sealed: &SealedSecret,
    hint: Option<&str>,
    accept_v1: bool,
) -> Attempt {
    let mut rsa_operations = 0u64;
    let result = decrypt_counting(keys, sealed, hint, accept_v1, &mut rsa_operations);
    Attempt {
        result,
        rsa_operations,
    }
}

fn decrypt_counting(
    keys: &UnsealingKeys,
    sealed: &SealedSecret,
    hint: Option<&str>,
    accept_v1: bool,
    rsa_operations: &mut u64,
) -> Result<Decrypted, UnsealFailure> {
    if keys.is_empty() {
        return Err(UnsealFailure::NoKeys);
    }
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    let namespace = sealed.metadata.namespace.clone().unwrap_or_default();
    let name = sealed.metadata.name.clone().unwrap_or_default();
    let label = scope.label(&namespace, &name);
    let mut hint = hint.map(str::to_owned);
    let mut items_per_key = ItemsPerKey::new();
    let mut open = |item: &str, value: &str, hint: &mut Option<String>| {
        let opened = keys.open(&label, value, hint.as_deref()).map_err(|error| {
            *rsa_operations += failed_cost(&error, keys.len());
            UnsealFailure::Item {
                item: item.to_owned(),
                scope,
                error,
            }
        })?;
        *rsa_operations += opened.rsa_operations as u64;
        *items_per_key.entry(opened.fingerprint.clone()).or_default() += 1;
        *hint = Some(opened.fingerprint.clone());
        Ok::<_, UnsealFailure>(opened.plaintext)
    };

    if let Some(legacy) = &sealed.spec.data {
        if !sealed.spec.encrypted_data.is_empty() {
            return Err(UnsealFailure::BothFormats);
        }
        if !accept_v1 {
            return Err(UnsealFailure::LegacyRefused);
        }
        let payload = open("<spec.data>", legacy, &mut hint)?;
        let secret: Secret = serde_json::from_slice(payload.as_bytes()).map_err(|e| {
            UnsealFailure::LegacyPayload {
                reason: format!("line {} column {}", e.line(), e.column()),
            }
        })?;
        let template = SecretTemplateSpec {
            metadata: secret.metadata.clone(),
            type_: secret.type_.clone(),
            immutable: secret.immutable,
            ..SecretTemplateSpec::default()
        };
        return Ok(Decrypted {
            data: secret.merged_data(),
            template,
            fingerprint: hint,
            items_per_key,
        });
    }

    let mut data = BTreeMap::new();
    for (item, value) in &sealed.spec.encrypted_data {
        let plaintext = open(item, value, &mut hint)?;
        data.insert(item.clone(), plaintext);
    }
    let template = sealed.spec.template.clone().unwrap_or_default();
    if let Some(templates) = template.data.as_ref().filter(|t| !t.is_empty()) {
        for (key, value) in render_templates(templates, &data)? {
            data.insert(key, value);
        }
    }
    Ok(Decrypted {
        data,
        template,
        fingerprint: hint,
        items_per_key,
    })
}

/// Every key was tried for an item that failed, except when the blob itself is malformed.
fn failed_cost(error: &OpenError, keys: usize) -> u64 {
    match error {
        OpenError::Format(_) | OpenError::NoKeys => 0,
        OpenError::NoKeyMatched { tried } => *tried as u64,
        OpenError::Tampered { .. } => keys as u64,
    }
}

/// `template.data` rendering (Go templates over the decrypted items); a rendered entry wins
/// over the item of the same name, as upstream.
fn render_templates(
    templates: &BTreeMap<String, String>,
    values: &BTreeMap<String, Plaintext>,
) -> Result<BTreeMap<String, Plaintext>, UnsealFailure> {
    template::render(templates, values).map_err(|error| UnsealFailure::Template { error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sealgate_core::seal::{KeyBits, KeyGenOptions, SealingCert, generate_key_pair, seal_raw};

    struct Fixture {
        keys: UnsealingKeys,
        old_cert: SealingCert,
        new_cert: SealingCert,
    }

    fn fixture() -> Result<Fixture, Box<dyn std::error::Error>> {
        let make = |days_ago: i64| {
            generate_key_pair(&KeyGenOptions {
                bits: KeyBits::Rsa2048,
                not_before: time::OffsetDateTime::now_utc() - time::Duration::days(days_ago),
                ..KeyGenOptions::default()
            })
        };
        let old = make(60)?;
        let new = make(0)?;
        Ok(Fixture {
            keys: [old.private_key()?, new.private_key()?]
                .into_iter()
                .collect(),
            old_cert: old.sealing_cert()?,
            new_cert: new.sealing_cert()?,
        })
    }

    fn sealed_with(
        cert: &SealingCert,
        items: &[(&str, &str)],
    ) -> Result<SealedSecret, Box<dyn std::error::Error>> {
        let mut sealed = SealedSecret::default();
        sealed.metadata.name = Some("s".to_owned());
        sealed.metadata.namespace = Some("n".to_owned());
        for (k, v) in items {
            sealed.spec.encrypted_data.insert(
                (*k).to_owned(),
                seal_raw(cert, Scope::Strict, Some("n"), Some("s"), v.as_bytes())?,
            );
        }
        Ok(sealed)
    }

    #[test]
    fn hint_makes_it_one_rsa_operation_per_item() -> Result<(), Box<dyn std::error::Error>> {
        let f = fixture()?;
        let sealed = sealed_with(&f.old_cert, &[("a", "1"), ("b", "2"), ("c", "3")])?;
        // No hint: the newest key fails on the first item, then the learned key opens the rest.
        let cold = decrypt(&f.keys, &sealed, None, true);
        let decrypted = cold.result?;
        assert_eq!(cold.rsa_operations, 4);
        assert_eq!(
            decrypted.data.get("b").map(Plaintext::as_bytes),
            Some(&b"2"[..])
        );
        assert_eq!(
            decrypted.items_per_key,
            [(f.old_cert.fingerprint().to_owned(), 3)].into()
        );
        let hint = decrypted.fingerprint.ok_or("no fingerprint")?;
        assert_eq!(hint, f.old_cert.fingerprint());
        let warm = decrypt(&f.keys, &sealed, Some(&hint), true);
        assert!(warm.result.is_ok());
        assert_eq!(warm.rsa_operations, 3);
        Ok(())
    }

    #[test]
    fn wrong_namespace_fails_and_counts_every_key() -> Result<(), Box<dyn std::error::Error>> {
        let f = fixture()?;
        let mut sealed = sealed_with(&f.new_cert, &[("a", "1")])?;
        sealed.metadata.namespace = Some("elsewhere".to_owned());
        let attempt = decrypt(&f.keys, &sealed, None, true);
        assert!(matches!(attempt.result, Err(UnsealFailure::Item { ref item, .. }) if item == "a"));
        assert_eq!(attempt.rsa_operations, 2);
        Ok(())
    }

    #[test]
    fn legacy_data_is_refused_when_disabled_and_both_formats_always()
    -> Result<(), Box<dyn std::error::Error>> {
        let f = fixture()?;
        let mut sealed = sealed_with(&f.new_cert, &[])?;
        sealed.spec.data = Some("AgA=".to_owned());
        assert!(matches!(
            decrypt(&f.keys, &sealed, None, false).result,
            Err(UnsealFailure::LegacyRefused)
        ));
        sealed
            .spec
            .encrypted_data
            .insert("x".to_owned(), "AgA=".to_owned());
        assert!(matches!(
            decrypt(&f.keys, &sealed, None, true).result,
            Err(UnsealFailure::BothFormats)
        ));
        Ok(())
    }

    #[test]
    fn no_keys_is_its_own_failure() {
        let attempt = decrypt(&UnsealingKeys::new(), &SealedSecret::default(), None, true);
        assert!(matches!(attempt.result, Err(UnsealFailure::NoKeys)));
        assert_eq!(attempt.rsa_operations, 0);
    }
}
