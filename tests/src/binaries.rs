//! This workspace's own binaries (`sealgate`, …) as built by cargo, for tests that run them the
//! way users do. `env!("CARGO_BIN_EXE_…")` only exists inside the binary's own crate, so they
//! are found next to the test executable (`target/<profile>/deps/<test>` → `target/<profile>/<bin>`).

use std::path::PathBuf;

use crate::requirement::{Missing, require};

/// `$SEALGATE_BIN_DIR/<name>` if that variable is set, else `<name>` in the cargo profile folder of
/// the running test. `cargo test --workspace` (tests/run) builds every binary first; a bare
/// `cargo test -p sealgate-tests` does not, so absent: an error in CI, `None` after `SKIPPED`.
pub fn workspace_binary(test: &str, name: &str) -> Result<Option<PathBuf>, Missing> {
    let dir = match std::env::var_os("SEALGATE_BIN_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => std::env::current_exe().ok().and_then(|exe| {
            exe.parent()
                .and_then(|deps| deps.parent())
                .map(PathBuf::from)
        }),
    };
    if let Some(path) = dir.map(|d| d.join(name))
        && path.is_file()
    {
        return Ok(Some(path));
    }
    require(
        test,
        &format!("the {name} binary"),
        "build it first (cargo build -p <its package>, or cargo test --workspace), or set SEALGATE_BIN_DIR",
    )?;
    Ok(None)
}
