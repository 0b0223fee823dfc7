//! Where results go: stdout, or files replaced atomically (temp file in the same directory, then
//! rename) so that a failed run never leaves a partial or changed file behind.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Writes the whole output to stdout.
pub fn to_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// Writes to `path` if given, else to stdout.
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match path {
        Some(path) => replace_file(path, bytes),
        None => to_stdout(bytes),
    }
}

/// Replaces (or creates) `path` with `bytes` atomically. An existing file keeps its permissions.
/// The content written here is always ciphertext or public material, never plaintext.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let shown = path.display();
    let dir = parent_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".sealgate-")
        .tempfile_in(&dir)
        .map_err(|e| CliError::write(&shown, e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| CliError::write(&shown, e))?;
    // tempfile creates 0600; sealed output is safe to share, so a new file gets the usual 0644
    let permissions = match fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => fs::Permissions::from_mode(0o644),
    };
    fs::set_permissions(temp.path(), permissions).map_err(|e| CliError::write(&shown, e))?;
    temp.persist(path)
        .map_err(|e| CliError::write(&shown, e.error))?;
    Ok(())
}

/// Checks up front that `path` could be replaced (its directory exists and is writable), so a
/// multi-file run can fail before it writes anything.
pub fn check_writable(path: &Path) -> Result<(), CliError> {
    let dir = parent_dir(path);
    tempfile::Builder::new()
        .prefix(".sealgate-check-")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|e| CliError::write(path.display(), e))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// One YAML document of `value`, single-line scalars kept on one line (blobs are never folded, so
/// diffs stay one line per item and `set` can find them), YAML 1.1 look-alikes quoted.
pub fn yaml<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    serde_saphyr::to_string_with_options(value, options).map_err(|e| e.to_string())
}
