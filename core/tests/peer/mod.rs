//! Running a reference tool (found with `sealgate_tests::peer_tool`), and fetching the Go modules whose files tests read, for live cross-checks.

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

/// `go mod download -json MODULE@VERSION`: the module's entry in the module cache (`Dir`, `Zip`…).
/// A module asking for a newer Go is reported as an error, but its zip is downloaded and verified.
pub fn go_mod_download(module: &str) -> serde_json::Value {
    let out = Command::new("go")
        .args(["mod", "download", "-json", module])
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "go mod download {module}: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
