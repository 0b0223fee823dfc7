//! `sealgate unseal`: offline recovery, SealedSecrets → Secrets with the private keys at hand.

use std::path::Path;

use sealgate_core::seal::{
    HybridError, OpenError, SealedSecret, UnsealError, UnsealingKeys, load_private_keys, unseal,
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
    let keys = load_keys(&args.keys, args.local)?;
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
            CliError::input(format!("cannot render the Secret ({reason})"), place, "report a bug")
        })?;
        text.push_str(&Zeroizing::new(rendered));
    }
    output::to_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Reads every key file (PEM, TLS Secret, List) and, with `local`, the local key pair.
pub fn load_keys(paths: &[std::path::PathBuf], local: bool) -> Result<UnsealingKeys, CliError> {
    let mut keys = UnsealingKeys::new();
    for path in paths {
        for key in read_key_file(path)? {
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

fn read_key_file(path: &Path) -> Result<Vec<sealgate_core::seal::PrivateKey>, CliError> {
    let shown = path.display().to_string();
    let content = Zeroizing::new(std::fs::read(path).map_err(|e| CliError::read(&shown, e))?);
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

/// Checks each document is a SealedSecret and decodes it.
pub fn read_sealed(documents: &[Document]) -> Result<Vec<(SealedSecret, String)>, CliError> {
    let mut out = Vec::with_capacity(documents.len());
    for doc in documents {
        let kind = doc.value.get("kind").and_then(Value::as_str).unwrap_or("");
        let api_version = doc.value.get("apiVersion").and_then(Value::as_str).unwrap_or("");
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
            let message = message.find(" at line ").map_or(message.as_str(), |at| &message[..at]);
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
        other => CliError::input(other, place, "fix the SealedSecret or unseal it in the cluster"),
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
        OpenError::Format(HybridError::TooShort { len }) => CliError::input(
            format!("{item} is truncated ({len} bytes)"),
            place,
            restore,
        ),
        OpenError::Format(HybridError::Truncated {
            declared,
            available,
        }) => CliError::input(
            format!("{item} is truncated (its RSA block needs {declared} bytes, {available} follow)"),
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
        other => CliError::input(format!("cannot decrypt {item}: {other}"), place, "pass --key FILE"),
    }
}
