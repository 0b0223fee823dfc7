//! A reference tool from `$SEALGATE_PEERS` (built by `tests/peers/build`) for live cross-checks.

use std::path::PathBuf;

/// The tool's path, or None (locally, with a loud SKIPPED line) when it is not built. In CI
/// (`CI` set) a missing tool is a failure, never a skip.
pub fn tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("SEALGATE_PEERS")
        .map(|dir| PathBuf::from(dir).join(name))
        .filter(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but $SEALGATE_PEERS/{name} is missing: run tests/peers/build"
        );
        eprintln!("SKIPPED: {test} needs $SEALGATE_PEERS/{name} (tests/peers/build)");
    }
    found
}
