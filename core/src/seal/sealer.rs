//! Secret → SealedSecret exactly as kubeseal does it, plus one-value, one-item and re-encrypt forms.

use std::collections::BTreeMap;

use super::cert::SealingCert;
use super::hybrid::{self, HybridError};
use super::keys::{OpenError, UnsealingKeys};
use super::scope::Scope;
use super::sealed_secret::{SealedSecret, SealedSecretSpec, SecretTemplateSpec};
use super::types::{ObjectMeta, Secret};

/// Annotations kubeseal strips from the template: they may embed the plaintext Secret
/// (bitnami-labs/sealed-secrets#227).
const STRIPPED_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];

/// Server-set metadata fields that must not be replayed into a template, plus ownerReferences
/// (bitnami-labs/sealed-secrets#243).
const STRIPPED_METADATA: [&str; 8] = [
    "uid",
    "resourceVersion",
    "selfLink",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "managedFields",
    "ownerReferences",
];

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "the input is kind {kind:?}, apiVersion {api_version:?}; only v1 Secrets can be sealed"
    )]
    NotASecret { kind: String, api_version: String },
    #[error(
        "the Secret has no metadata.name; a {scope} SealedSecret needs one (set it, or pass a name)"
    )]
    MissingName { scope: Scope },
    #[error(
        "Secret {name:?} has no metadata.namespace; a {scope} SealedSecret needs one (set it, or pass a namespace)"
    )]
    MissingNamespace { name: String, scope: Scope },
    #[error(
        "Secret {name:?} is in namespace {in_secret:?} but namespace {requested:?} was requested; make them agree"
    )]
    NamespaceConflict {
        name: String,
        in_secret: String,
        requested: String,
    },
    #[error(
        "Secret {name:?} is annotated {annotated} but scope {requested} was requested; drop the annotation or the scope flag"
    )]
    ScopeConflict {
        name: String,
        annotated: Scope,
        requested: Scope,
    },
    #[error(
        "Secret {name:?} has no data and no stringData; add items, or allow empty data explicitly"
    )]
    EmptyData { name: String },
    #[error("sealing item {key:?} of {namespace}/{name} failed: {error}")]
    Item {
        namespace: String,
        name: String,
        key: String,
        #[source]
        error: HybridError,
    },
    #[error("{namespace}/{name}: cannot re-encrypt item {key:?}: {error}")]
    Reopen {
        namespace: String,
        name: String,
        key: String,
        #[source]
        error: OpenError,
    },
}

/// What the caller asks for on top of the input Secret (flags, in the CLI).
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// An explicit scope. A scope annotation on the input that says otherwise is an error.
    pub scope: Option<Scope>,
    /// Overrides the input Secret's name (kubeseal `--name`).
    pub name: Option<String>,
    /// An explicit namespace: fills a missing one, and must agree with one that is set.
    pub namespace: Option<String>,
    /// A fallback namespace (e.g. the kubeconfig context's), used only if none is set otherwise.
    pub default_namespace: Option<String>,
    /// Accept a Secret with neither `data` nor `stringData`.
    pub allow_empty_data: bool,
}

/// Seals one Secret the way kubeseal does (upstream's `NewSealedSecret`): every `data`/`stringData` item is
/// sealed to the cert under the scope's label; top-level metadata = name, namespace and the
/// scope annotation; the rest of the input metadata (cleaned) becomes the template metadata.
pub fn seal_secret(
    cert: &SealingCert,
    secret: &Secret,
    options: &SealOptions,
) -> Result<SealedSecret, SealError> {
    if secret.kind != "Secret" || secret.api_version != "v1" {
        return Err(SealError::NotASecret {
            kind: secret.kind.clone(),
            api_version: secret.api_version.clone(),
        });
    }
    let annotated = Scope::from_annotations(&secret.metadata.annotations);
    let scope = match options.scope {
        // A strict request against unannotated input agrees; any other mismatch is a conflict.
        Some(requested) if requested != annotated && annotated != Scope::Strict => {
            return Err(SealError::ScopeConflict {
                name: secret.metadata.name.clone().unwrap_or_default(),
                annotated,
                requested,
            });
        }
        Some(requested) => requested,
        None => annotated,
    };

    let name = options
        .name
        .clone()
        .or_else(|| secret.metadata.name.clone())
        .filter(|n| !n.is_empty());
    let name = match name {
        Some(name) => name,
        None if scope.needs_name() => return Err(SealError::MissingName { scope }),
        None => String::new(),
    };
    let namespace = resolve_namespace(secret, options, &name, scope)?;

    let items = secret.merged_data();
    if items.is_empty() && !options.allow_empty_data {
        return Err(SealError::EmptyData { name });
    }

    let label = scope.label(&namespace, &name);
    let mut encrypted_data = BTreeMap::new();
    for (key, value) in &items {
        let blob = hybrid::seal(cert.public_key(), &label, value.as_bytes()).map_err(|error| {
            SealError::Item {
                namespace: namespace.clone(),
                name: name.clone(),
                key: key.clone(),
                error,
            }
        })?;
        encrypted_data.insert(key.clone(), hybrid::encode_base64(&blob));
    }

    let mut template_meta = template_metadata(&secret.metadata);
    template_meta.name = non_empty(&name);
    template_meta.namespace = non_empty(&namespace);
    scope.apply_to(&mut template_meta.annotations);

    let mut top_annotations = BTreeMap::new();
    scope.apply_to(&mut top_annotations);
    Ok(SealedSecret {
        metadata: ObjectMeta {
            name: non_empty(&name),
            namespace: non_empty(&namespace),
            annotations: top_annotations,
            ..ObjectMeta::default()
        },
        spec: SealedSecretSpec {
            template: Some(SecretTemplateSpec {
                metadata: template_meta,
                type_: secret.type_.clone(),
                immutable: secret.immutable,
                ..SecretTemplateSpec::default()
            }),
            encrypted_data,
            ..SealedSecretSpec::default()
        },
        ..SealedSecret::default()
    })
}

/// Seals one value to a scope and identity (`kubeseal --raw`); returns the bare base64 blob.
pub fn seal_raw(
    cert: &SealingCert,
    scope: Scope,
    namespace: Option<&str>,
    name: Option<&str>,
    value: &[u8],
) -> Result<String, SealError> {
    let name = name.unwrap_or_default();
    let namespace = namespace.unwrap_or_default();
    if scope.needs_name() && name.is_empty() {
        return Err(SealError::MissingName { scope });
    }
    if scope.needs_namespace() && namespace.is_empty() {
        return Err(SealError::MissingNamespace {
            name: name.to_owned(),
            scope,
        });
    }
    seal_value(cert, scope, namespace, name, "<raw>", value)
}

/// Seals one new item for an existing SealedSecret (`sealgate set`): scope and identity come
/// from the SealedSecret's own top-level metadata, never from flags, so the item opens wherever
/// the others do.
pub fn seal_item_for(
    cert: &SealingCert,
    sealed: &SealedSecret,
    key: &str,
    value: &[u8],
) -> Result<String, SealError> {
    let (scope, namespace, name) = identity_of(sealed)?;
    seal_value(cert, scope, &namespace, &name, key, value)
}

/// Adds or replaces one item of a SealedSecret in place.
pub fn set_item(
    cert: &SealingCert,
    sealed: &mut SealedSecret,
    key: &str,
    value: &[u8],
) -> Result<(), SealError> {
    let blob = seal_item_for(cert, sealed, key, value)?;
    sealed.spec.encrypted_data.insert(key.to_owned(), blob);
    Ok(())
}

/// Re-seals one item of `sealed` for a new cert: opened with the old keys under the
/// SealedSecret's own scope, sealed again with the same label. The plaintext never leaves
/// memory and is wiped on drop.
pub fn reencrypt_item(
    keys: &UnsealingKeys,
    cert: &SealingCert,
    sealed: &SealedSecret,
    key: &str,
    value_b64: &str,
) -> Result<String, SealError> {
    let (scope, namespace, name) = identity_of(sealed)?;
    let label = scope.label(&namespace, &name);
    let opened = keys
        .open(&label, value_b64, None)
        .map_err(|error| SealError::Reopen {
            namespace: namespace.clone(),
            name: name.clone(),
            key: key.to_owned(),
            error,
        })?;
    seal_value(
        cert,
        scope,
        &namespace,
        &name,
        key,
        opened.plaintext.as_bytes(),
    )
}

/// Re-seals every item (and a legacy `spec.data` blob) for a new cert, keeping the template
/// and every other field as they are (`sealgate reencrypt`).
pub fn reencrypt(
    keys: &UnsealingKeys,
    cert: &SealingCert,
    sealed: &SealedSecret,
) -> Result<SealedSecret, SealError> {
    let mut out = sealed.clone();
    for (key, value) in &sealed.spec.encrypted_data {
        let blob = reencrypt_item(keys, cert, sealed, key, value)?;
        out.spec.encrypted_data.insert(key.clone(), blob);
    }
    if let Some(legacy) = &sealed.spec.data {
        out.spec.data = Some(reencrypt_item(keys, cert, sealed, "<spec.data>", legacy)?);
    }
    // a hint naming the old certificate would now be false (the controller's /v1/rotate too)
    if out
        .metadata
        .annotations
        .contains_key(super::sealed_for::SEALED_FOR_ANNOTATION)
    {
        super::sealed_for::mark_sealed_for(&mut out, cert);
    }
    Ok(out)
}

/// Scope, namespace and name of a SealedSecret as the controller sees them: the TOP-LEVEL
/// annotations and identity, as upstream's `Unseal` reads them (template metadata is never
/// trusted for this: whoever writes a SealedSecret controls its template).
pub(crate) fn identity_of(sealed: &SealedSecret) -> Result<(Scope, String, String), SealError> {
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    let name = sealed.metadata.name.clone().unwrap_or_default();
    let namespace = sealed.metadata.namespace.clone().unwrap_or_default();
    if scope.needs_name() && name.is_empty() {
        return Err(SealError::MissingName { scope });
    }
    if scope.needs_namespace() && namespace.is_empty() {
        return Err(SealError::MissingNamespace { name, scope });
    }
    Ok((scope, namespace, name))
}

fn seal_value(
    cert: &SealingCert,
    scope: Scope,
    namespace: &str,
    name: &str,
    key: &str,
    value: &[u8],
) -> Result<String, SealError> {
    let label = scope.label(namespace, name);
    hybrid::seal(cert.public_key(), &label, value)
        .map(|blob| hybrid::encode_base64(&blob))
        .map_err(|error| SealError::Item {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            key: key.to_owned(),
            error,
        })
}

/// kubeseal's precedence: the Secret's namespace, else the explicit one, else the default;
/// an explicit namespace that contradicts the Secret's is an error (upstream v0.31+).
fn resolve_namespace(
    secret: &Secret,
    options: &SealOptions,
    name: &str,
    scope: Scope,
) -> Result<String, SealError> {
    let in_secret = secret.metadata.namespace.clone().filter(|n| !n.is_empty());
    let requested = options.namespace.clone().filter(|n| !n.is_empty());
    match (in_secret, requested) {
        (Some(in_secret), Some(requested)) if in_secret != requested => {
            Err(SealError::NamespaceConflict {
                name: name.to_owned(),
                in_secret,
                requested,
            })
        }
        (Some(ns), _) | (None, Some(ns)) => Ok(ns),
        (None, None) if !scope.needs_namespace() => Ok(String::new()),
        (None, None) => options
            .default_namespace
            .clone()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| SealError::MissingNamespace {
                name: name.to_owned(),
                scope,
            }),
    }
}

/// The input metadata minus what must not travel into Git or onto the produced Secret.
fn template_metadata(input: &ObjectMeta) -> ObjectMeta {
    let mut meta = input.clone();
    for key in STRIPPED_ANNOTATIONS {
        meta.annotations.remove(key);
    }
    for key in STRIPPED_METADATA {
        meta.extra.remove(key);
    }
    meta
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}
