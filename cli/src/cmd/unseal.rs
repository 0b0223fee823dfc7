//! `sealgate unseal`: offline recovery, SealedSecrets → Secrets with the private keys at hand.

use sealgate_core::seal::{SealedSecret, unseal};
use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::cli::{Format, UnsealArgs};
use crate::error::{CliError, Outcome};
use crate::input::{self, Document};
use crate::output;
use crate::private_keys::load_keys_with;

pub fn run(args: UnsealArgs) -> Result<Outcome, CliError> {
    if args.keys.is_empty() && !args.local {
        return Err(CliError::usage(
            "unseal needs at least one private key",
            "pass --key FILE (PEM, TLS Secret or List), or --local",
        ));
    }
    let keys = load_keys_with(&args.keys, &args.identities, args.local)?;
    let source = input::read_source(args.file.as_deref())?;
    let name = source.name().to_owned();
    let sealed = read_sealed(&input::documents(source)?)?;
    if sealed.is_empty() {
        return Err(CliError::input(
            "no SealedSecret found in the input",
            name,
            "give one or more SealedSecrets as YAML or JSON",
        ));
    }
    let mut text = Zeroizing::new(String::new());
    for (one, place) in &sealed {
        let unsealed = unseal(&keys, one, None).map_err(|e| CliError::unseal(e, place))?;
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
        let sealed = SealedSecret::deserialize(&doc.value).map_err(|e| {
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
