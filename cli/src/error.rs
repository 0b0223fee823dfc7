//! CLI failures: each one is printed once, as `error: <what>, <where>: <what to do>`, with its exit code.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use sealgate_core::gate::{RegoError, SchemaError, ValidateError};

/// How a successful run ended, for commands that report findings (validate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: the command ran fine and found problems in its input.
    #[allow(dead_code, reason = "returned by validate, which helper C adds")]
    Findings,
}

/// A failure of one CLI run. Every variant is an input or usage problem (exit 2) except a closed
/// stdout, which ends the run quietly (exit 0), as `head` users expect.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Flags that contradict each other or are missing, found after clap's own checks.
    #[error("{what}: {hint}")]
    Usage { what: String, hint: String },
    /// Bad input data: `what` went wrong, at `place` (file, document, key), and what to do.
    #[error("{what}, {place}: {hint}")]
    Input {
        what: String,
        place: String,
        hint: String,
    },
    /// A file or directory that cannot be read.
    #[error("cannot read {path}: {reason}: check the path and its permissions")]
    Read { path: String, reason: IoReason },
    /// An output file that cannot be written (nothing was changed).
    #[error("cannot write {path}: {reason}: check the directory exists and is writable")]
    Write { path: String, reason: IoReason },
    /// Writing to stdout failed (a closed pipe is reported as success).
    #[error("cannot write to stdout: {0}")]
    Stdout(io::Error),
}

/// An `io::Error` shown without the "(os error N)" noise, lower-case like the rest of the line.
#[derive(Debug)]
pub struct IoReason(pub io::Error);

impl fmt::Display for IoReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self.0.kind() {
            io::ErrorKind::NotFound => "no such file or directory".to_owned(),
            io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            io::ErrorKind::IsADirectory => "is a directory".to_owned(),
            io::ErrorKind::InvalidData => "not valid UTF-8 text".to_owned(),
            _ => {
                let full = self.0.to_string();
                match full.find(" (os error") {
                    Some(at) => full[..at].to_lowercase(),
                    None => full,
                }
            }
        };
        f.write_str(&text)
    }
}

impl CliError {
    pub fn usage(what: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Usage {
            what: what.into(),
            hint: hint.into(),
        }
    }

    pub fn input(
        what: impl fmt::Display,
        place: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        CliError::Input {
            what: what.to_string(),
            place: place.into(),
            hint: hint.into(),
        }
    }

    pub fn read(path: impl fmt::Display, error: io::Error) -> Self {
        CliError::Read {
            path: path.to_string(),
            reason: IoReason(error),
        }
    }

    pub fn write(path: impl fmt::Display, error: io::Error) -> Self {
        CliError::Write {
            path: path.to_string(),
            reason: IoReason(error),
        }
    }

    fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Stdout(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Maps the result of a run to the process exit code, printing the error line if there is one.
pub fn finish(result: Result<Outcome, CliError>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            // stderr itself may be gone; there is nobody left to tell then
            let _ = writeln!(io::stderr().lock(), "error: {error}");
            ExitCode::from(2)
        }
    }
}

// --- gate errors (validate, policy test, schemas): core's messages plus the flag to reach for ---

/// A schema-option error: core says what is wrong, the CLI names the flag and where to look.
pub fn schema_error(e: &SchemaError, help: &str) -> CliError {
    let what = match e {
        SchemaError::UnknownKubernetesVersion { .. } => {
            format!("{e} (use one of them, or --schema-location)")
        }
        SchemaError::NetworkLocation { .. } | SchemaError::Template { .. } => {
            format!("--schema-location {e}")
        }
        SchemaError::CrdDir { path, message } => format!("--crd {path}: {message}"),
        other => other.to_string(),
    };
    CliError::usage(what, help)
}

/// The one-line message for a policy load/evaluation error (exit 2).
pub fn rego_error(e: &RegoError) -> CliError {
    let detail = match e {
        RegoError::NoPolicies { .. } => {
            format!("{e}; point --policy at a folder with .rego files")
        }
        RegoError::Timeout { .. } => {
            format!("{e}; raise --policy-timeout if it is legitimately slow")
        }
        RegoError::NamespacePattern { pattern, message } => {
            format!("invalid --namespace pattern {pattern:?}: {message}")
        }
        other => other.to_string(),
    };
    CliError::usage(
        format!("policy: {detail}"),
        "fix the policy (or its --data) and run again; `sealgate policy test` runs its tests",
    )
}

/// Why `validate` could not run: its options, its policies, or an input that is not manifests.
pub fn validate_error(e: &ValidateError) -> CliError {
    match e {
        ValidateError::Schema(e) => schema_error(e, "see `sealgate validate --help`"),
        ValidateError::Rego(e) => rego_error(e),
        ValidateError::Input(e) => {
            let name = e.location().0;
            CliError::usage(e.to_string(), format!("fix or --ignore {name}"))
        }
        other => CliError::usage(other.to_string(), "see `sealgate validate --help`"),
    }
}
