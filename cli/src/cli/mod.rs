//! Command-line definitions: clap derive structs that only describe flags, with no logic.
//!
//! Each subcommand is one `Command` variant holding one `…Args` struct; the subcommand's own
//! module (`cmd/`) turns those args into a typed request (rejecting conflicts) and runs it.
//! Adding a subcommand = one variant here + one args struct + one `match` arm in `main.rs`.
//! Flags shared by several commands are one `#[command(flatten)]` group each, defined once.
//!
//! Flattened groups come last in each struct: a group's help heading stays in force for the
//! flags declared after it.
//!
//! `gate.rs` holds the flags of validate, policy test and schemas; `secrets.rs` those of the
//! commands that seal, unseal and compare SealedSecrets; this file the commands and what all share.
//!
//! Two short flags mean different things in different commands, for compatibility with the
//! tools they replace: `-o` is kubeseal's `--format` in seal/unseal but conftest's `--output` in
//! validate, and `-n` is kubeseal's `--namespace` in seal but conftest's Rego `--namespace` in
//! validate and policy test.

use clap::{Args, Parser, Subcommand, ValueEnum};

mod gate;
mod secrets;

pub use gate::*;
pub use secrets::*;

/// Seal Kubernetes Secrets for Git (kubeseal-compatible), recover them offline, and gate manifests.
#[derive(Debug, Parser)]
#[command(name = "sealgate", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Encrypt Secrets into SealedSecrets (or one value with --raw) with a sealing certificate
    Seal(SealArgs),
    /// Decrypt SealedSecrets back into Secrets offline with private keys (disaster recovery)
    Unseal(UnsealArgs),
    /// Add or replace one item of a sealed file; every other line stays byte-identical
    Set(SetArgs),
    /// Re-seal the items of sealed files for a new certificate, offline, keeping everything else
    Reencrypt(ReencryptArgs),
    /// Show a sealing certificate: fingerprint, key size, validity and days left
    Cert(CertArgs),
    /// Back up the controller's private keys to age recipients, or restore them (through kubeconfig)
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
    /// Work on Rego policies: `policy test` runs their unit tests, Gatekeeper Suites and case files
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Check manifests against Kubernetes JSON Schemas (and Rego policies with --policy); exit 0 clean, 1 findings, 2 error
    ///
    /// With a repository config (.sealgate.yaml here or in a parent folder, or --config FILE), a
    /// SealedSecret in a file the config's path rules give to one cluster must also be sealed for
    /// that cluster's certificate (check `sealed-for-cluster`: by the sealgate.dev/sealed-for hint
    /// that `sealgate seal` writes, else by key size; docs/multi-cluster.md).
    Validate(ValidateArgs),
    /// Run kubeseal v0.40.0's command line, flag for flag (also what the binary does when invoked as `kubeseal`): see docs/kubeseal.md
    #[command(disable_help_flag = true)]
    Kubeseal(KubesealArgs),
    /// Work with the built-in schemas: `schemas list` shows what is known, `schemas export` writes the Kubernetes ones for kubeconform
    #[command(subcommand)]
    Schemas(SchemasCommand),
    /// Compare SealedSecrets in files with the live cluster; exit 0 in sync, 1 drift, 2 error
    Drift(DriftArgs),
}

/// `sealgate kubeseal …`: everything after the subcommand goes to the kubeseal command line.
#[derive(Debug, Args)]
pub struct KubesealArgs {
    /// kubeseal's flags and arguments, as kubeseal takes them (`sealgate kubeseal --help` lists them)
    #[arg(
        value_name = "KUBESEAL ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<std::ffi::OsString>,
}

/// The input budget of every command that reads manifests (see docs/robustness.md).
#[derive(Debug, Args, Clone, Copy)]
pub struct LimitFlags {
    /// Largest input accepted (each file, and stdin), in MiB; bytes copied by YAML aliases count too
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub max_file_size_mib: u64,
    /// Most YAML documents accepted in one file or stream
    #[arg(long, value_name = "N", default_value_t = sealgate_core::manifest::DEFAULT_MAX_DOCUMENTS)]
    pub max_documents: usize,
}

impl LimitFlags {
    pub fn budget(&self) -> sealgate_core::manifest::Budget {
        sealgate_core::manifest::Budget {
            bytes: self.max_file_size_mib.saturating_mul(1024 * 1024),
            documents: self.max_documents,
        }
    }
}

/// Output document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
