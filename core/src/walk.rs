//! The one directory walker: which files under a folder are read, and in what order.
//!
//! Every command that takes folders (`validate` and its `--crd`, `reencrypt`, `policy test`, and
//! `--policy`/`--data` loading) follows the same rule:
//!
//! - **Hidden folders are skipped**: a folder below the given one whose name starts with `.`
//!   (`.git`, `.github`, `.terraform`) is not entered. Hidden *files* are read like any other
//!   (a `.sealed.yaml` still holds manifests). A folder named on the command line is always
//!   entered, hidden or not.
//! - **Order**: files come sorted by path, component by component (`a/b.yaml` before `a.yaml`),
//!   so output and errors are the same on every file system and run.
//! - **Extensions** are matched without regard to case: [`MANIFEST_EXTENSIONS`] for manifests,
//!   [`POLICY_EXTENSIONS`] for Rego modules.
//! - Symbolic links to folders are followed; a link cycle is an error rather than a hang, and a
//!   folder reached a second time through another link is not entered again (links that fan out
//!   to the same folders would otherwise make the walk exponential).
//!
//! Built on `walkdir` (sorting, link-cycle detection and entry filtering are all it needs; the
//! `ignore` crate's `.gitignore` semantics would make which manifests are checked depend on VCS
//! files, which kubeconform and conftest do not do).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Manifest files: YAML or JSON (JSON is YAML).
pub const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];
/// Rego policy modules.
pub const POLICY_EXTENSIONS: &[&str] = &["rego"];

/// A folder or file under the walked root that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}: {source}", path.display())]
pub struct WalkError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Whether `path` ends in one of `extensions` (without the dot), ignoring case.
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The files under `root` (or `root` itself when it is a file) whose extension is one of
/// `extensions`, in the order and with the hidden-folder rule described in the module docs.
pub fn files(root: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>, WalkError> {
    files_where(root, |path| has_extension(path, extensions))
}

/// Whether `path` is a manifest file ([`MANIFEST_EXTENSIONS`]) or a kustomization, which
/// kustomize also reads from a file named `Kustomization` without an extension.
pub fn is_manifest_file(path: &Path) -> bool {
    has_extension(path, MANIFEST_EXTENSIONS) || crate::layout::is_kustomization_file(path)
}

/// The files under `root` (or `root` itself) that `keep` accepts, walked as [`files`] does.
pub fn files_where(root: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>, WalkError> {
    let mut seen_dirs = std::collections::HashSet::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            if !e.file_type().is_dir() {
                return true;
            }
            if e.depth() > 0 && is_hidden(e) {
                return false;
            }
            // (device, inode) of each folder entered; unreadable metadata is left to walkdir
            e.metadata()
                .map_or(true, |m| seen_dirs.insert((m.dev(), m.ino())))
        });
    let mut out = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            let message = e.to_string();
            // The file system's own error as it is; a link cycle has none.
            let source = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other(message));
            WalkError { path, source }
        })?;
        if !entry.file_type().is_dir() && keep(entry.path()) {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.file_name().to_string_lossy().starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_folders_are_skipped_hidden_files_read_sorted_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "b.yaml",
            "a/z.YML",
            "a.json",
            ".git/config.yaml",
            "c/.hidden.yaml",
            "c/notes.txt",
            "p/policy.rego",
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
        }
        let found: Vec<String> = files(root, MANIFEST_EXTENSIONS)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a/z.YML", "a.json", "b.yaml", "c/.hidden.yaml"]);
        let rego = files(root, POLICY_EXTENSIONS).unwrap();
        assert_eq!(rego, [root.join("p/policy.rego")]);
        // A hidden folder named as the root is walked; a file root is itself the result.
        assert_eq!(
            files(&root.join(".git"), MANIFEST_EXTENSIONS)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            files(&root.join("b.yaml"), MANIFEST_EXTENSIONS)
                .unwrap()
                .len(),
            1
        );
        assert!(
            files(&root.join("b.yaml"), POLICY_EXTENSIONS)
                .unwrap()
                .is_empty()
        );
        let missing = files(&root.join("missing"), MANIFEST_EXTENSIONS).unwrap_err();
        assert_eq!(missing.source.kind(), std::io::ErrorKind::NotFound);
    }
}
