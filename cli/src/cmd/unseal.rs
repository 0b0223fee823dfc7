//! `sealgate unseal`: offline recovery, SealedSecrets → Secrets with the private keys at hand.

use sealgate_core::seal::{SealedSecret, UnsealingKeys, unseal};
use zeroize::Zeroizing;

use crate::cli::{Format, UnsealArgs};
use crate::error::{CliError, Outcome};
use crate::input;
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
    let source = input::read_source(args.file.as_deref(), args.limits.budget())?;
    let name = source.name().to_owned();
    let sealed: Vec<(SealedSecret, String)> = input::decode(&input::documents(source)?, &SEALED)?;
    if sealed.is_empty() {
        return Err(CliError::input(
            "no SealedSecret found in the input",
            name,
            "give one or more SealedSecrets as YAML or JSON",
        ));
    }
    let text = unseal_all(&keys, &sealed, args.format)?;
    output::to_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Every SealedSecret opened with `keys` and rendered as Secrets in `format` (YAML documents
/// opened by `---`, or one JSON object each), in a buffer wiped on drop.
pub fn unseal_all(
    keys: &UnsealingKeys,
    sealed: &[(SealedSecret, String)],
    format: Format,
) -> Result<Zeroizing<String>, CliError> {
    let mut text = Zeroizing::new(String::new());
    for (one, place) in sealed {
        let unsealed = unseal(keys, one, None).map_err(|e| CliError::unseal(e, place))?;
        let rendered = match format {
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
    Ok(text)
}

/// What `unseal` reads: SealedSecrets.
pub const SEALED: input::Expected = input::Expected {
    noun: "SealedSecret",
    type_name: "SealedSecret",
    accepts: |kind, api_version| kind == "SealedSecret" && api_version.starts_with("bitnami.com/"),
    other_hint: "give only bitnami.com/v1alpha1 SealedSecrets",
    invalid_hint: "spec.encryptedData must map item names to base64 strings",
};
