//! `sealgate set FILE KEY`: seal one value into an existing sealed file, with the scope and
//! identity of the file itself, changing only that item's text.

use std::path::Path;

use sealgate_core::seal::seal_item_for;

use crate::cert_source::CertSource;
use crate::cli::SetArgs;
use crate::error::{CliError, Outcome};
use crate::input;
use crate::output;
use crate::sealed_file::{self, SealedDoc, SealedFile};

pub fn run(args: SetArgs) -> Result<Outcome, CliError> {
    let cert = CertSource::from_args(&args.cert)?;
    check_key(&args.key)?;
    let shown = args.file.display().to_string();
    let source = input::read_source(Some(args.file.as_path()), args.limits.budget())?;
    let text = source.text();
    let file = sealed_file::read(text, &shown)?;
    let doc = single_sealed(&file, &shown)?;
    let value = input::read_bytes(args.from_file.as_deref(), args.limits.budget().bytes)?;
    let cert = cert.sealing_cert()?;
    let place = format!("{shown}:{}", doc.line);
    let blob = seal_item_for(&cert, &doc.identity(), &args.key, &value)
        .map_err(|e| CliError::seal(e, &place))?;
    let edits = sealed_file::set_item(text, doc, &args.key, &blob).ok_or_else(|| {
        CliError::input(
            "spec.encryptedData is missing or laid out in a way sealgate cannot edit in place",
            &place,
            "add an `encryptedData:` mapping with at least one item, or re-seal the file",
        )
    })?;
    let updated = edits.apply(text);
    verify(&updated, doc, &args.key, &blob, &place)?;
    output::replace_file(Path::new(&args.file), updated.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Kubernetes' rule for Secret data keys.
fn check_key(key: &str) -> Result<(), CliError> {
    let valid = !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && key != "."
        && key != "..";
    if valid {
        Ok(())
    } else {
        Err(CliError::usage(
            format!("{key:?} is not a valid Secret key"),
            "use letters, digits, '-', '_' and '.' (at most 253 characters)",
        ))
    }
}

fn single_sealed<'a>(file: &'a SealedFile, shown: &str) -> Result<&'a SealedDoc, CliError> {
    match file.sealed.as_slice() {
        [one] => Ok(one),
        [] => {
            let what = match file.others.first() {
                Some(other) => format!("document is a {}, not a SealedSecret", other.kind),
                None => "no SealedSecret found".to_owned(),
            };
            let place = file
                .others
                .first()
                .map_or(shown.to_owned(), |o| format!("{shown}:{}", o.line));
            Err(CliError::input(
                what,
                place,
                "point set at a sealed file (seal a Secret first)",
            ))
        }
        many => Err(CliError::input(
            format!("the file holds {} SealedSecrets", many.len()),
            shown,
            "split it, one SealedSecret per file, to use set",
        )),
    }
}

/// Re-reads the edited text: the item must hold the new blob and every other item be unchanged.
fn verify(
    updated: &str,
    before: &SealedDoc,
    key: &str,
    blob: &str,
    place: &str,
) -> Result<(), CliError> {
    let broken = || {
        CliError::input(
            "the in-place edit did not produce the expected document",
            place,
            "report a bug; the file was not changed",
        )
    };
    let after = sealed_file::parse(updated).map_err(|_| broken())?;
    let doc = after.sealed.first().ok_or_else(broken)?;
    let items = |d: &SealedDoc| {
        d.encrypted
            .as_ref()
            .map(|e| {
                e.items
                    .iter()
                    .map(|i| (i.key.clone(), i.value.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let mut expected: std::collections::BTreeMap<_, _> = items(before).into_iter().collect();
    expected.insert(key.to_owned(), blob.to_owned());
    let actual: std::collections::BTreeMap<_, _> = items(doc).into_iter().collect();
    if actual == expected && doc.meta == before.meta {
        Ok(())
    } else {
        Err(broken())
    }
}
