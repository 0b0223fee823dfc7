//! crdgen: writes (or checks) the committed CRD files that `controller/src/crd.rs` renders from
//! core's SealedSecret model (`core/src/seal/sealed_secret.rs`, feature `kube`).
//!
//! `crdgen` prints the CRD YAML; `crdgen --write` rewrites `deploy/base/crd.yaml` and
//! `schemas/sealedsecret-crd.json` under the repository root; `crdgen --check` exits 1 when either
//! differs from what the Rust types give (CI drift check). `--root DIR` names the repository root.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sealgate_controller::crd::{CrdFile, generated_files};

enum Mode {
    Print,
    Write,
    Check,
}

fn parse_args() -> Result<(Mode, PathBuf), String> {
    let mut mode = Mode::Print;
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--write" => mode = Mode::Write,
            "--check" => mode = Mode::Check,
            "--root" => root = PathBuf::from(args.next().ok_or("--root needs a folder")?),
            other => {
                return Err(format!(
                    "unknown argument {other:?}; use --write, --check, --root DIR"
                ));
            }
        }
    }
    Ok((mode, root))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp-crdgen");
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<bool, String> {
    let (mode, root) = parse_args()?;
    let files = generated_files().map_err(|e| e.to_string())?;
    let mut clean = true;
    for CrdFile { path, content } in files {
        let target = root.join(path);
        match mode {
            Mode::Print if path.ends_with(".yaml") => print!("{content}"),
            Mode::Print => {}
            Mode::Write => {
                write_atomically(&target, content.as_bytes())?;
                eprintln!("crdgen: wrote {}", target.display());
            }
            Mode::Check => {
                if std::fs::read_to_string(&target).ok().as_deref() != Some(content.as_str()) {
                    eprintln!(
                        "crdgen: {} is out of date; run `cargo run -p sealgate-controller --bin crdgen -- --write`",
                        target.display()
                    );
                    clean = false;
                }
            }
        }
    }
    Ok(clean)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("crdgen: {e}");
            ExitCode::from(2)
        }
    }
}
