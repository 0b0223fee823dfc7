//! `sealgate schemas export` and `schemas list`: the built-in schemas as kubeconform registry
//! folders, and the list of every kind the binary knows.
//!
//! Every folder is written in full to a temporary folder next to its destination first; the
//! destinations are replaced only once all of them are complete, so a failed run leaves the old
//! folders untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

use sealgate_core::gate::{ExportedFolder, known_kinds, kubeconform_folder, kubernetes_versions};

use crate::cli::{SchemasExportArgs, SchemasListArgs};
use crate::error::{CliError, Outcome, schema_error};

pub fn export(args: SchemasExportArgs) -> Result<Outcome, CliError> {
    let versions: Vec<String> = if args.kubernetes_version.is_empty() {
        kubernetes_versions()
            .into_iter()
            .map(str::to_owned)
            .collect()
    } else {
        args.kubernetes_version.clone()
    };
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::write(args.out.display(), e))?;
    let mut staged: Vec<(tempfile::TempDir, PathBuf, usize)> = Vec::new();
    for version in &versions {
        for strict in [false, true] {
            let folder = kubeconform_folder(Some(version), strict)
                .map_err(|e| schema_error(&e, "see `sealgate schemas export --help`"))?;
            let destination = args.out.join(&folder.name);
            let temp = stage(&args.out, &folder)?;
            staged.push((temp, destination, folder.files.len()));
        }
    }
    let mut summary = String::new();
    for (temp, destination, count) in staged {
        if destination.exists() {
            std::fs::remove_dir_all(&destination)
                .map_err(|e| CliError::write(destination.display(), e))?;
        }
        let staged_path = temp.keep();
        std::fs::rename(&staged_path, &destination)
            .map_err(|e| CliError::write(destination.display(), e))?;
        summary.push_str(&format!("{count} schemas in {}\n", destination.display()));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(summary.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)?;
    Ok(Outcome::Clean)
}

fn stage(out: &Path, folder: &ExportedFolder) -> Result<tempfile::TempDir, CliError> {
    let temp = tempfile::Builder::new()
        .prefix(".sealgate-export-")
        .tempdir_in(out)
        .map_err(|e| CliError::write(out.display(), e))?;
    for (name, schema) in &folder.files {
        let path = temp.path().join(name);
        let bytes = serde_json::to_vec(schema)
            .map_err(|e| CliError::write(path.display(), std::io::Error::other(e)))?;
        std::fs::write(&path, bytes).map_err(|e| CliError::write(path.display(), e))?;
    }
    Ok(temp)
}

/// `sealgate schemas list`: one line per kind with a schema in the binary.
pub fn list(args: SchemasListArgs) -> Result<Outcome, CliError> {
    let kinds = known_kinds(args.kubernetes_version.as_deref())
        .map_err(|e| schema_error(&e, "see `sealgate schemas list --help`"))?;
    let mut text = String::new();
    for k in &kinds {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            k.source, k.version, k.api_version, k.kind
        ));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)?;
    Ok(Outcome::Clean)
}
