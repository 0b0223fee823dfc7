//! A reference tool from `$SEALGATE_PEERS` (built by `tests/peers/build`) for live cross-checks.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// Runs the tool with `stdin` and returns its stdout; a non-zero exit fails the test with stderr.
pub fn run(tool: &Path, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let name = tool.file_name().unwrap_or_default().to_string_lossy();
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
