//! Jsonnet evaluated in a child process: a program can build a string or an array by doubling it
//! until memory runs out, and the evaluator has no allocation hook to stop it (go-jsonnet has no
//! bound either). The child (`PROGRAM __jsonnet [DIR]`, the program text on its stdin) runs with
//! an address-space limit of [`MEMORY_BYTES`] and a CPU limit of [`CPU_SECONDS`], so such a
//! program ends the child with one clear refusal and the run goes on.
//!
//! The child prints the JSON on stdout, or the refusal on stderr with exit code 2: the same
//! messages the in-process evaluation gives (never a value of the file).

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The address space a child may use: the evaluation thread's stack and the program's values.
pub const MEMORY_BYTES: u64 = 4 << 30;
/// The CPU time a child may use.
pub const CPU_SECONDS: u64 = 120;
/// The first argument that makes the sealgate binary a Jsonnet child.
pub const ARG: &str = "__jsonnet";

/// A child ended by its limits: not a fault of the program's syntax or values but work sealgate
/// refuses to do, which a policy's `parse_config` reports as an error rather than undefined.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OutOfLimits(String);

/// `text` evaluated by `program` run as a child ([`ARG`], then `dir` when there is one), which
/// bounds itself ([`serve`]).
pub(super) fn evaluate(program: &Path, text: &str, dir: Option<&Path>) -> anyhow::Result<Value> {
    let mut command = Command::new(program);
    command
        .arg(ARG)
        .args(dir)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| anyhow::anyhow!("jsonnet: cannot start the evaluation: {e}"))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| anyhow::anyhow!("jsonnet: the evaluation has no input"))?;
    let text = text.to_owned();
    // fed from a thread of its own: a child that stops reading must not block this one
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let output = child
        .wait_with_output()
        .map_err(|e| anyhow::anyhow!("jsonnet: the evaluation failed: {e}"))?;
    let _ = feeder.join();
    if output.status.success() {
        return serde_json::from_slice(&output.stdout)
            .map_err(|e| anyhow::anyhow!("jsonnet: the evaluation's output is not JSON: {e}"));
    }
    match output.status.code() {
        Some(2) => {
            let message = String::from_utf8_lossy(&output.stderr);
            return Err(anyhow::anyhow!("{}", message.trim_end()));
        }
        Some(code) => {
            return Err(anyhow::anyhow!(
                "jsonnet: the evaluation failed (exit code {code})"
            ));
        }
        None => {}
    }
    Err(OutOfLimits(format!(
        "jsonnet: the evaluation ran out of memory ({} GiB) or CPU time ({CPU_SECONDS} s){}",
        MEMORY_BYTES >> 30,
        output
            .status
            .signal()
            .map(|s| format!(" (signal {s})"))
            .unwrap_or_default()
    ))
    .into())
}

/// The child's side: evaluates the program on `stdin` with its imports in `dir`, in this
/// process. The JSON to print, or the refusal.
pub fn serve(stdin: &mut dyn Read, dir: Option<&Path>) -> Result<String, String> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    for (resource, value) in [(Resource::As, MEMORY_BYTES), (Resource::Cpu, CPU_SECONDS)] {
        // only ever lowered: a tighter limit the parent runs under stays (`None`: unlimited)
        let now = getrlimit(resource);
        let lower = |old: Option<u64>| Some(old.map_or(value, |old| old.min(value)));
        let limit = Rlimit {
            current: lower(now.current),
            maximum: lower(now.maximum),
        };
        setrlimit(resource, limit)
            .map_err(|e| format!("jsonnet: cannot bound the evaluation: {e}"))?;
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| format!("jsonnet: cannot read the program: {e}"))?;
    let context = super::Context {
        dir: dir.map(Path::to_path_buf),
        ..super::Context::default()
    };
    super::jsonnet::parse(&text, &context)
        .map(|value| value.to_string())
        .map_err(|e| format!("{e:#}"))
}
