//! Where results go: stdout, or files replaced atomically (temp file in the same directory, then
//! rename) so that a failed run never leaves a partial or changed file behind.

use std::fs;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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

/// Replaces (or creates) `path` with `bytes`, respecting what is there: a symlink is followed and
/// the real file is replaced (the link stays a link); an existing target that is not a regular
/// file (a device, a FIFO, `/dev/stdout` on a pipe or terminal) is written in place, since
/// renaming over it would replace the node itself. A regular file is replaced atomically (temp
/// file in its directory, then rename) and keeps its mode and owner. The content written here is
/// always ciphertext or public material, never plaintext.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    replace_file_with_mode(path, bytes, 0o644)
}

/// [`replace_file`], where a file that does not exist yet is created with `new_mode` (0600 for
/// plaintext: `kubeseal --recovery-unseal -w`, and every `kubeseal -w` as kubeseal does it).
pub fn replace_file_with_mode(path: &Path, bytes: &[u8], new_mode: u32) -> Result<(), CliError> {
    let shown = path.display();
    match fs::metadata(path) {
        Ok(meta) if is_own_stdout(&meta) => to_stdout(bytes),
        Ok(meta) if !meta.is_file() && !meta.is_dir() => write_in_place(path, bytes),
        // `/dev/stdout` or `/proc/self/fd/1` redirected to a file: the shell holds the open file,
        // so a rename would send the output to a file nobody reads
        Ok(_) if is_process_alias(path) => write_in_place(path, bytes),
        Ok(meta) => {
            let real = fs::canonicalize(path).map_err(|e| CliError::write(&shown, e))?;
            replace_regular(&real, bytes, Some(&meta), new_mode)
                .map_err(|e| CliError::write(&shown, e))
        }
        Err(_) => {
            let target = dangling_target(path);
            replace_regular(&target, bytes, None, new_mode).map_err(|e| CliError::write(&shown, e))
        }
    }
}

/// Replaces several files, all or none: every target is checked writable first; if a write
/// still fails, the files already replaced get their old content back (or are removed when they
/// were new). The contents are ciphertext (sealed files), never plaintext.
pub fn replace_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), CliError> {
    for (path, _) in files {
        check_writable(path)?;
    }
    let before: Vec<Option<Vec<u8>>> = files.iter().map(|(path, _)| fs::read(path).ok()).collect();
    for (done, (path, bytes)) in files.iter().enumerate() {
        if let Err(error) = replace_file(path, bytes) {
            for ((path, _), old) in files.iter().zip(&before).take(done) {
                let _ = match old {
                    Some(old) => replace_file(path, old),
                    None => fs::remove_file(path).map_err(|e| CliError::write(path.display(), e)),
                };
            }
            return Err(error);
        }
    }
    Ok(())
}

/// Whether `meta` is the file this process's stdout is open on (`/dev/stdout`, `/proc/self/fd/1`,
/// a link to them, or the file a shell redirected stdout to): it is then written through
/// stdout, so a shell's `>>` appends. Opening the path anew would start a new file offset at 0
/// and write over what is there (`-w /dev/stdout >> log` lost the log's first lines).
fn is_own_stdout(meta: &fs::Metadata) -> bool {
    let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
        return false;
    };
    fs::File::from(fd)
        .metadata()
        .is_ok_and(|own| own.dev() == meta.dev() && own.ino() == meta.ino())
}

/// Paths that name one of this process's open files rather than a file of their own.
fn is_process_alias(path: &Path) -> bool {
    [
        "/dev/stdout",
        "/dev/stderr",
        "/dev/fd/",
        "/proc/self/fd/",
        "/dev/tty",
    ]
    .iter()
    .any(|alias| path.starts_with(alias) || path.as_os_str() == *alias)
}

/// Where a path that does not exist yet will be created: through a dangling symlink, its target.
fn dangling_target(path: &Path) -> PathBuf {
    match fs::read_link(path) {
        Ok(target) if target.is_absolute() => target,
        Ok(target) => parent_dir(path).join(target),
        Err(_) => path.to_path_buf(),
    }
}

fn write_in_place(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let shown = path.display();
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| CliError::write(&shown, e))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| CliError::write(&shown, e))
}

fn replace_regular(
    path: &Path,
    bytes: &[u8],
    existing: Option<&fs::Metadata>,
    new_mode: u32,
) -> io::Result<()> {
    let dir = parent_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(".sealgate-")
        .tempfile_in(&dir)?;
    temp.write_all(bytes)?;
    // tempfile creates 0600; sealed output is safe to share, so a new file gets the usual 0644
    let permissions = existing.map_or_else(
        || fs::Permissions::from_mode(new_mode),
        fs::Metadata::permissions,
    );
    if let Some(meta) = existing
        && (meta.uid() != temp.as_file().metadata()?.uid()
            || meta.gid() != temp.as_file().metadata()?.gid())
    {
        // the owner is kept, or nothing is written (only root may give a file away)
        std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()))?;
    }
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Checks up front that `path` could be replaced (its directory exists and is writable), so a
/// multi-file run can fail before it writes anything.
pub fn check_writable(path: &Path) -> Result<(), CliError> {
    let dir = match fs::metadata(path) {
        // not opened to check: opening and closing a FIFO would end its reader's input before
        // the real write; the write itself reports a failure
        Ok(meta) if !meta.is_file() || is_process_alias(path) => return Ok(()),
        Ok(_) => fs::canonicalize(path)
            .map(|real| parent_dir(&real))
            .map_err(|e| CliError::write(path.display(), e))?,
        Err(_) => parent_dir(&dangling_target(path)),
    };
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
