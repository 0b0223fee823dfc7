//! `sealgate set FILE KEY`: seal one value into an existing sealed file, with the scope and
//! identity of the file itself, changing only that item's text.

use std::path::Path;

use sealgate_core::seal::{SealingCert, seal_item_for};

use crate::cert_source::CertSource;
use crate::cli::SetArgs;
use crate::error::{CliError, Outcome};
use crate::input;
use crate::output;
use crate::repo_config;
use crate::sealed_file::{self, SealedDoc, SealedFile};

pub fn run(args: SetArgs) -> Result<Outcome, CliError> {
    check_key(&args.key)?;
    if args.clusters.any() {
        return for_clusters(&args);
    }
    if args.clusters.config.is_some() {
        return Err(CliError::usage(
            "--config only goes with --cluster or --all-clusters",
            "name the clusters whose copies to change",
        ));
    }
    let cert = CertSource::from_args(&args.cert)?;
    let value = input::read_bytes(args.from_file.as_deref(), args.limits.budget().bytes)?;
    let updated = plan(&args.file, &args, &cert.sealing_cert()?, &value)?;
    output::replace_file(Path::new(&args.file), updated.as_bytes())?;
    Ok(Outcome::Clean)
}

/// `set` on every chosen cluster's copy (FILE with `{cluster}`), each item sealed with that
/// cluster's certificate; every file changes, or none.
fn for_clusters(args: &SetArgs) -> Result<Outcome, CliError> {
    if args.cert.cert.is_some() || args.cert.local {
        return Err(CliError::usage(
            "--cluster/--all-clusters and --cert/--local (or SEALED_SECRETS_CERT) both given",
            "the clusters' certificates come from the repository config; drop --cert/--local",
        ));
    }
    let config = repo_config::load(&repo_config::locate(args.clusters.config.as_deref())?)?;
    let chosen = config.select(&args.clusters.names, args.clusters.all_clusters)?;
    let files = config.files_for(&chosen, &args.file.to_string_lossy())?;
    let value = input::read_bytes(args.from_file.as_deref(), args.limits.budget().bytes)?;
    let mut planned = Vec::with_capacity(files.len());
    for (cluster, path) in files {
        let cert = cluster
            .cert
            .sealing_cert()
            .map_err(|e| repo_config::in_cluster(e, &cluster.name, &config.file))?;
        let updated = plan(&path, args, &cert, &value)?;
        planned.push((path, updated.into_bytes()));
    }
    output::replace_files(&planned)?;
    Ok(Outcome::Clean)
}

/// The sealed file at `path` with the item `args.key` set to `value` sealed for `cert`, every
/// other byte as it was.
fn plan(path: &Path, args: &SetArgs, cert: &SealingCert, value: &[u8]) -> Result<String, CliError> {
    let shown = path.display().to_string();
    let source = input::read_source(Some(path), args.limits.budget())?;
    let text = source.text();
    let file = sealed_file::read(text, &shown)?;
    let doc = single_sealed(&file, &shown)?;
    let place = format!("{shown}:{}", doc.line);
    let blob = seal_item_for(cert, &doc.identity(), &args.key, value)
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
    Ok(updated)
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

pub(super) fn single_sealed<'a>(
    file: &'a SealedFile,
    shown: &str,
) -> Result<&'a SealedDoc, CliError> {
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
pub(super) fn verify(
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
