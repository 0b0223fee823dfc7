//! `sealgate unseal`: offline recovery, SealedSecrets → Secrets with the private keys at hand.

use std::path::{Path, PathBuf};

use sealgate_core::seal::escrow::{self, EscrowError, Identities};
use sealgate_core::seal::template::TemplateError;
use sealgate_core::seal::{
    HybridError, OpenError, PrivateKey, SealedSecret, UnsealError, UnsealingKeys,
    load_private_keys, unseal,
};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::cli::{Format, UnsealArgs};
use crate::error::{CliError, Outcome};
use crate::input::{self, Document};
use crate::local_keys;
use crate::output;
use crate::seal::seal_error;

pub fn run(args: UnsealArgs) -> Result<Outcome, CliError> {
    if args.keys.is_empty() && !args.local {
        return Err(CliError::usage(
            "unseal needs at least one private key",
            "pass --key FILE (PEM, TLS Secret or List), or --local",
        ));
    }
    let keys = load_keys_with(&args.keys, &args.identities, args.local)?;
    let source = input::read_source(args.file.as_deref())?;
    let documents = input::documents(&source)?;
    let sealed = read_sealed(&documents)?;
    if sealed.is_empty() {
        return Err(CliError::input(
            "no SealedSecret found in the input",
            source.name,
            "give one or more SealedSecrets as YAML or JSON",
        ));
    }
    let mut text = Zeroizing::new(String::new());
    for (one, place) in &sealed {
        let unsealed = unseal(&keys, one, None).map_err(|e| unseal_error(e, place))?;
        let rendered = match args.format {
            Format::Yaml => output::yaml(&unsealed.secret).map(|doc| format!("---\n{doc}")),
            Format::Json => serde_json::to_string_pretty(&unsealed.secret)
                .map(|doc| format!("{doc}\n"))
                .map_err(|e| e.to_string()),
        }
        .map_err(|reason| {
            CliError::input(
                format!("cannot render the Secret ({reason})"),
                place,
                "report a bug",
            )
        })?;
        text.push_str(&Zeroizing::new(rendered));
    }
    output::to_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Reads every key file (PEM, TLS Secret, List) and, with `local`, the local key pair.
pub fn load_keys(paths: &[PathBuf], local: bool) -> Result<UnsealingKeys, CliError> {
    load_keys_with(paths, &[], local)
}

/// [`load_keys`], where a key file may also be an age-encrypted key backup opened with the
/// identities in `identity_files` (read only when a backup is among the key files).
pub fn load_keys_with(
    paths: &[PathBuf],
    identity_files: &[PathBuf],
    local: bool,
) -> Result<UnsealingKeys, CliError> {
    let mut identities = LazyIdentities {
        files: identity_files,
        loaded: None,
    };
    let mut keys = UnsealingKeys::new();
    for path in paths {
        for key in read_key_file(path, &mut identities)? {
            keys.push(key);
        }
    }
    if local {
        for key in local_keys::private_keys()? {
            keys.push(key);
        }
    }
    Ok(keys)
}

fn read_key_file(
    path: &Path,
    identities: &mut LazyIdentities<'_>,
) -> Result<Vec<PrivateKey>, CliError> {
    let shown = path.display().to_string();
    let content = Zeroizing::new(std::fs::read(path).map_err(|e| CliError::read(&shown, e))?);
    if escrow::is_age_file(&content) {
        let identities = identities.get(&shown)?;
        return escrow::load_backup_keys(&content, identities, &shown)
            .map_err(|e| escrow_error(e, &shown));
    }
    load_private_keys(&content, &shown).map_err(|e| {
        let text = e.to_string();
        let what = text
            .strip_prefix(&format!("{shown}: "))
            .unwrap_or(&text)
            .to_owned();
        CliError::input(
            what,
            shown,
            "give an RSA private key as PEM, a kubernetes.io/tls Secret, or a List of them",
        )
    })
}

/// Identity files, read once, on the first age-encrypted key file.
struct LazyIdentities<'a> {
    files: &'a [PathBuf],
    loaded: Option<Identities>,
}

impl LazyIdentities<'_> {
    fn get(&mut self, backup: &str) -> Result<&Identities, CliError> {
        if self.files.is_empty() {
            return Err(CliError::input(
                "the key file is an age-encrypted key backup",
                backup,
                "pass --identity FILE (or SEALGATE_AGE_IDENTITY) with an age identity or SSH private key it was encrypted to",
            ));
        }
        if self.loaded.is_none() {
            let mut identities = Identities::new();
            for file in self.files {
                let shown = file.display().to_string();
                let content =
                    Zeroizing::new(std::fs::read(file).map_err(|e| CliError::read(&shown, e))?);
                identities
                    .add_file(&content, &shown)
                    .map_err(|e| escrow_error(e, &shown))?;
            }
            self.loaded = Some(identities);
        }
        Ok(self.loaded.get_or_insert_with(Identities::new))
    }
}

/// Phrases a key-escrow error (backup file or identity file at `place`) as `what, where: what to do`.
pub fn escrow_error(error: EscrowError, place: &str) -> CliError {
    let text = error.to_string();
    let what = text
        .strip_prefix(&format!("{place}: "))
        .unwrap_or(&text)
        .to_owned();
    let hint = match error {
        EscrowError::NoRecipients | EscrowError::BadRecipient { .. } => {
            "pass --recipient with an age public key (age1…, from age-keygen -y) or an ssh-ed25519/ssh-rsa public key"
        }
        EscrowError::NoIdentities | EscrowError::BadIdentity { .. } => {
            "give an age identity file (age-keygen -o FILE) or an unencrypted SSH private key"
        }
        EscrowError::EncryptedSshIdentity { .. } => "or use an age identity file",
        EscrowError::NoMatchingIdentity { .. } => {
            "pass the --identity whose public key (age1… or SSH) the backup was encrypted to"
        }
        EscrowError::Passphrase { .. } => "decrypt it with `age -d` and pass the result as --key",
        EscrowError::NotAgeFile { .. } | EscrowError::Damaged { .. } => {
            "restore the backup file from Git history or make a new backup; it was cut or altered"
        }
        EscrowError::NotKeyList { .. } | EscrowError::Keys(_) => {
            "the decrypted backup holds no usable key Secret; check it was written by `sealgate keys backup`"
        }
        EscrowError::NoKeys | EscrowError::UnnamedSecret { .. } | EscrowError::Encrypt { .. } => {
            "check the controller namespace holds its key Secrets, then retry"
        }
    };
    CliError::input(what, place, hint)
}

/// Checks each document is a SealedSecret and decodes it.
pub fn read_sealed(documents: &[Document]) -> Result<Vec<(SealedSecret, String)>, CliError> {
    let mut out = Vec::with_capacity(documents.len());
    for doc in documents {
        let kind = doc.value.get("kind").and_then(Value::as_str).unwrap_or("");
        let api_version = doc
            .value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        if kind != "SealedSecret" || !api_version.starts_with("bitnami.com/") {
            let what = if kind.is_empty() {
                "document has no kind, so it is not a SealedSecret".to_owned()
            } else {
                format!("document is a {kind} ({api_version}), not a SealedSecret")
            };
            return Err(CliError::input(
                what,
                &doc.place,
                "give only bitnami.com/v1alpha1 SealedSecrets",
            ));
        }
        let sealed: SealedSecret = serde_json::from_value(doc.value.clone()).map_err(|e| {
            let message = e.to_string();
            let message = message
                .find(" at line ")
                .map_or(message.as_str(), |at| &message[..at]);
            CliError::input(
                format!("invalid SealedSecret: {message}"),
                &doc.place,
                "spec.encryptedData must map item names to base64 strings",
            )
        })?;
        out.push((sealed, doc.place.clone()));
    }
    Ok(out)
}

/// Phrases a core unseal error as `what, where: what to do`.
pub fn unseal_error(error: UnsealError, place: &str) -> CliError {
    match error {
        UnsealError::Identity(inner) => seal_error(inner, place),
        UnsealError::Item {
            namespace,
            name,
            scope,
            key,
            error,
        } => {
            let item = format!("item {key:?} of SealedSecret {namespace}/{name}");
            open_error(&item, scope, error, place)
        }
        UnsealError::Template {
            error: error @ TemplateError::Unsupported { .. },
            namespace,
            name,
        } => CliError::input(
            format!("SealedSecret {namespace}/{name}: {error}"),
            place,
            "use the supported template forms (fields, index, pipelines, if/range/with, common Sprig string functions) or unseal it with kubeseal --recovery-unseal",
        ),
        UnsealError::Template {
            error,
            namespace,
            name,
        } => CliError::input(
            format!("SealedSecret {namespace}/{name}: {error}"),
            place,
            "fix spec.template.data (Go text/template syntax)",
        ),
        other => CliError::input(
            other,
            place,
            "fix the SealedSecret or unseal it in the cluster",
        ),
    }
}

/// Phrases why one sealed value did not open.
pub fn open_error(
    item: &str,
    scope: sealgate_core::seal::Scope,
    error: OpenError,
    place: &str,
) -> CliError {
    let restore = "restore the value from Git history, or seal it again";
    match error {
        OpenError::Format(HybridError::Base64 { .. }) => {
            CliError::input(format!("{item} is not valid base64"), place, restore)
        }
        OpenError::Format(HybridError::TooShort { len }) => {
            CliError::input(format!("{item} is truncated ({len} bytes)"), place, restore)
        }
        OpenError::Format(HybridError::Truncated {
            declared,
            available,
        }) => CliError::input(
            format!(
                "{item} is truncated (its RSA block needs {declared} bytes, {available} follow)"
            ),
            place,
            restore,
        ),
        OpenError::NoKeyMatched { tried } => CliError::input(
            format!("no key could decrypt {item} (scope {scope}, tried {tried} key(s))"),
            place,
            "pass the key it was sealed with; a strict or namespace-wide value only opens under the namespace (and name) it was sealed for",
        ),
        OpenError::Tampered { .. } => CliError::input(
            format!("{item} was altered: the key matches but the AES-GCM tag does not verify"),
            place,
            restore,
        ),
        other => CliError::input(
            format!("cannot decrypt {item}: {other}"),
            place,
            "pass --key FILE",
        ),
    }
}
