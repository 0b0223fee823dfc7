//! `sealgate reencrypt`: offline key rotation of sealed files. Every item is opened with the old
//! keys and sealed again for the new certificate; only the blob strings change. All files are
//! read and re-sealed in memory first; nothing is written unless every file succeeded.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sealgate_core::manifest::Budget;
use sealgate_core::seal::{Scope, SealError, SealingCert, UnsealingKeys, reencrypt_item};
use sealgate_core::walk;

use crate::cert_source::CertSource;
use crate::cli::ReencryptArgs;
use crate::error::{CliError, Outcome};
use crate::input;
use crate::output;
use crate::private_keys::load_keys;
use crate::repo_config;
use crate::sealed_file::{self, Edits, value_text};

struct ReencryptRequest {
    paths: Vec<PathBuf>,
    key_files: Vec<PathBuf>,
    local_key: bool,
    cert: CertSource,
    budget: Budget,
}

impl ReencryptRequest {
    fn from_args(args: ReencryptArgs) -> Result<Self, CliError> {
        if args.keys.is_empty() && !args.local_key {
            return Err(CliError::usage(
                "reencrypt needs the old private key(s)",
                "pass --key FILE (PEM, TLS Secret or List), or --local-key",
            ));
        }
        let cert = match (args.cert, args.local) {
            (Some(_), true) => {
                return Err(CliError::usage(
                    "--cert and --local both given",
                    "use one new certificate",
                ));
            }
            (Some(cert), false) => CertSource::from_location(&cert),
            (None, true) => CertSource::Local,
            (None, false) => {
                return Err(CliError::usage(
                    "reencrypt needs the new certificate",
                    "pass --cert FILE|URL, or --local",
                ));
            }
        };
        Ok(ReencryptRequest {
            paths: args.paths,
            key_files: args.keys,
            local_key: args.local_key,
            cert,
            budget: args.limits.budget(),
        })
    }
}

/// One file, read and re-sealed in memory.
struct Planned {
    path: PathBuf,
    text: String,
    items: usize,
}

pub fn run(args: ReencryptArgs) -> Result<Outcome, CliError> {
    if args.clusters.any() {
        return for_clusters(args);
    }
    if args.clusters.config.is_some() {
        return Err(CliError::usage(
            "--config only goes with --cluster or --all-clusters",
            "name the clusters whose files to re-seal",
        ));
    }
    let request = ReencryptRequest::from_args(args)?;
    let keys = load_keys(&request.key_files, request.local_key)?;
    let cert = request.cert.sealing_cert()?;
    let files = collect_files(&request.paths)?;

    let show_progress = std::io::stderr().is_terminal() && files.len() > 1;
    let bar = if show_progress {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("re-sealing");

    let planned = plan_all(&files, &keys, &cert, &bar, request.budget)?;
    for plan in &planned {
        output::check_writable(&plan.path)?;
    }
    bar.set_message("writing");
    bar.set_position(0);
    let mut changed_items = 0;
    for plan in &planned {
        output::replace_file(&plan.path, plan.text.as_bytes())?;
        changed_items += plan.items;
        bar.inc(1);
    }
    bar.finish_and_clear();
    if planned.is_empty() {
        // a folder with no SealedSecret is not an error, but must not look like a success
        eprintln!("note: nothing to re-seal: no SealedSecret found under the given paths");
    } else if show_progress {
        eprintln!(
            "re-sealed {changed_items} item(s) in {} file(s)",
            planned.len()
        );
    }
    Ok(Outcome::Clean)
}

/// `reencrypt --cluster NAME…/--all-clusters`: each chosen cluster's files (by the path rules,
/// under the PATHs or the config's folder) re-sealed for that cluster's certificate; every file
/// is written, or none.
fn for_clusters(args: ReencryptArgs) -> Result<Outcome, CliError> {
    if args.cert.is_some() || args.local {
        return Err(CliError::usage(
            "--cluster/--all-clusters and --cert/--local both given",
            "the clusters' certificates come from the repository config; drop --cert/--local",
        ));
    }
    if args.keys.is_empty() && !args.local_key {
        return Err(CliError::usage(
            "reencrypt needs the old private key(s)",
            "pass --key FILE (PEM, TLS Secret or List), or --local-key",
        ));
    }
    let config = repo_config::load(&repo_config::locate(args.clusters.config.as_deref())?)?;
    if config.paths.is_empty() {
        return Err(CliError::input(
            "the repository config has no path rules, so no file belongs to one cluster",
            config.file.display().to_string(),
            "add `paths:` rules (e.g. clusters/{cluster}/**), or re-seal with --cert per folder",
        ));
    }
    let chosen = config.select(&args.clusters.names, args.clusters.all_clusters)?;
    let keys = load_keys(&args.keys, args.local_key)?;
    let roots = if args.paths.is_empty() {
        vec![config.base.clone()]
    } else {
        args.paths.clone()
    };
    let files = collect_files(&roots)?;
    let budget = args.limits.budget();
    let mut planned: Vec<Planned> = Vec::new();
    let mut owner: std::collections::BTreeMap<PathBuf, String> = std::collections::BTreeMap::new();
    for cluster in chosen {
        let mine: Vec<(PathBuf, bool)> = files
            .iter()
            .filter(|(path, _)| config.allows(path, &cluster.name))
            .cloned()
            .collect();
        for (path, _) in &mine {
            if let Some(other) = owner.insert(path.clone(), cluster.name.clone()) {
                return Err(CliError::input(
                    format!(
                        "the path rules give this file to clusters {other} and {}",
                        cluster.name
                    ),
                    path.display().to_string(),
                    "make the rules give each sealed file to one cluster",
                ));
            }
        }
        let cert = cluster
            .cert
            .sealing_cert()
            .map_err(|e| repo_config::in_cluster(e, &cluster.name, &config.file))?;
        planned.extend(plan_all(
            &mine,
            &keys,
            &cert,
            &indicatif::ProgressBar::hidden(),
            budget,
        )?);
    }
    if planned.is_empty() {
        eprintln!("note: nothing to re-seal: no SealedSecret found in the clusters' files");
        return Ok(Outcome::Clean);
    }
    let files: Vec<(PathBuf, Vec<u8>)> = planned
        .into_iter()
        .map(|plan| (plan.path, plan.text.into_bytes()))
        .collect();
    output::replace_files(&files)?;
    Ok(Outcome::Clean)
}

/// Re-seals every file on all cores (each item costs an RSA private-key operation); the first
/// failure in file order is the one reported.
fn plan_all(
    files: &[(PathBuf, bool)],
    keys: &UnsealingKeys,
    cert: &SealingCert,
    bar: &indicatif::ProgressBar,
    budget: Budget,
) -> Result<Vec<Planned>, CliError> {
    let results: Vec<Result<Option<Planned>, CliError>> = files
        .par_iter()
        .map(|(path, explicit)| {
            let plan = plan_file(path, *explicit, keys, cert, budget);
            bar.inc(1);
            plan
        })
        .collect();
    let mut planned = Vec::new();
    for result in results {
        planned.extend(result?);
    }
    Ok(planned)
}

fn plan_file(
    path: &Path,
    explicit: bool,
    keys: &UnsealingKeys,
    cert: &SealingCert,
    budget: Budget,
) -> Result<Option<Planned>, CliError> {
    let shown = path.display().to_string();
    let source = input::read_source(Some(path), budget)?;
    let text = source.text();
    let file = sealed_file::read(text, &shown)?;
    if file.sealed.is_empty() {
        if explicit {
            return Err(CliError::input(
                "no SealedSecret found",
                shown,
                "name sealed files or folders that hold them",
            ));
        }
        return Ok(None);
    }
    let mut edits = Edits::default();
    let mut items = 0;
    for doc in &file.sealed {
        let place = format!("{shown}:{}", doc.line);
        let identity = doc.identity();
        let scope = Scope::from_annotations(&doc.meta.annotations);
        let all = doc
            .encrypted
            .iter()
            .flat_map(|e| e.items.iter())
            .chain(doc.legacy.iter());
        for item in all {
            let blob = reencrypt_item(keys, cert, &identity, &item.key, &item.value).map_err(
                |e| match e {
                    SealError::Reopen {
                        namespace,
                        name,
                        key,
                        error,
                    } => CliError::open(
                        &format!("item {key:?} of SealedSecret {namespace}/{name}"),
                        scope,
                        error,
                        &place,
                    ),
                    other => CliError::seal(other, &place),
                },
            )?;
            edits.replace(
                item.value_span.0,
                item.value_span.1,
                value_text(&blob, item.quoted),
            );
            items += 1;
        }
        // every item is now sealed for `cert`: a hint naming the old one would mislead validate
        if let Some(hint) = &doc.sealed_for {
            edits.replace(
                hint.value_span.0,
                hint.value_span.1,
                value_text(cert.fingerprint(), hint.quoted),
            );
        }
    }
    Ok(Some(Planned {
        path: path.to_path_buf(),
        text: edits.apply(text),
        items,
    }))
}

/// Files named on the command line (explicit: must hold SealedSecrets) and the manifest files
/// under named folders, by the project's one walking rule (`sealgate_core::walk`: hidden folders
/// such as `.git` are skipped, files sorted by path).
fn collect_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| CliError::read(path.display(), e))?;
        if meta.is_dir() {
            let found = walk::files(path, walk::MANIFEST_EXTENSIONS)
                .map_err(|e| CliError::read(e.path.display(), e.source))?;
            files.extend(found.into_iter().map(|f| (f, false)));
        } else {
            files.push((path.clone(), true));
        }
    }
    Ok(files)
}
