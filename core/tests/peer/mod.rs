//! Running a reference tool (found with `sealgate_tests::peer_tool`) for live cross-checks.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

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
