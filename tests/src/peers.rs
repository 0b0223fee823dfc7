//! Reference tools and fixture corpora built by `tests/peers/build`, found through env vars.

use std::path::PathBuf;

use crate::requirement::{Missing, require};

/// Errors while locating a reference tool or corpus.
#[derive(Debug, thiserror::Error)]
pub enum PeersError {
    #[error(transparent)]
    Missing(#[from] Missing),
}

/// `$SEALGATE_PEERS/<name>` (kubeseal, controller, conftest, opa, kubeconform, gator) if it is an
/// executable file. Absent: an error in CI, `None` after a `SKIPPED` line elsewhere.
pub fn peer_tool(test: &str, name: &str) -> Result<Option<PathBuf>, PeersError> {
    find(test, "SEALGATE_PEERS", name, |p| p.is_file())
}

/// `$SEALGATE_CORPORA/<name>` (conftest-examples, kubeconform-fixtures, gatekeeper-gator-tests,
/// gatekeeper-library) if it is a folder. Absent: an error in CI, `None` after `SKIPPED` elsewhere.
pub fn corpus(test: &str, name: &str) -> Result<Option<PathBuf>, PeersError> {
    find(test, "SEALGATE_CORPORA", name, |p| p.is_dir())
}

fn find(
    test: &str,
    var: &str,
    name: &str,
    ok: impl Fn(&std::path::Path) -> bool,
) -> Result<Option<PathBuf>, PeersError> {
    let how = "build them with tests/peers/build, or run tests/run";
    let Some(dir) = std::env::var_os(var)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
    else {
        require(test, &format!("{var} (for {name})"), how)?;
        return Ok(None);
    };
    let path = dir.join(name);
    if ok(&path) {
        return Ok(Some(path));
    }
    require(test, &path.display().to_string(), how)?;
    Ok(None)
}
