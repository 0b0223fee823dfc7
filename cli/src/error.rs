//! CLI failures: each one is printed once, as `error: <what>, <where>: <what to do>`, with its exit code.
//!
//! Every error of `sealgate_core` becomes a `CliError` here, with the hint that names the flags
//! to use: core's messages say what is wrong, this file says what to do about it.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use sealgate_core::gate::{RegoError, SchemaError, ValidateError};
use sealgate_core::manifest::ManifestError;
use sealgate_core::seal::escrow::EscrowError;
use sealgate_core::seal::template::TemplateError;
use sealgate_core::seal::{
    CertError, HybridError, KeySourceError, OpenError, Scope, SealError, UnsealError,
};

/// How a successful run ended, for commands that report findings (validate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: the command ran fine and found problems in its input.
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
    finish_with(result, 2)
}

/// [`finish`] with another exit code for errors (`kubeseal` mode exits 1, as kubeseal does).
pub fn finish_with(result: Result<Outcome, CliError>, failure: u8) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            // stderr itself may be gone; there is nobody left to tell then
            // one line whatever the input put into names and messages
            let line = error.to_string();
            let _ = writeln!(
                io::stderr().lock(),
                "error: {}",
                crate::escape::controls(&line)
            );
            ExitCode::from(failure)
        }
    }
}

// Seal, unseal, escrow and certificate errors of `sealgate_core::seal`, and input documents.

impl CliError {
    /// A sealing error of the document at `place` (`SealError::Reopen` needs the item's scope:
    /// see [`CliError::open`]).
    pub fn seal(error: SealError, place: &str) -> Self {
        let (what, hint) = match &error {
            SealError::NotASecret { kind, api_version } => (
                format!("document is a {kind} ({api_version}), not a v1 Secret"),
                "give only Secrets to seal",
            ),
            SealError::MissingName { scope } => (
                format!("the Secret has no name, which scope {scope} needs"),
                "set metadata.name, pass --name N, or choose --scope namespace-wide|cluster-wide",
            ),
            SealError::MissingNamespace { name, scope } => (
                format!("Secret {name:?} has no namespace, which scope {scope} needs"),
                "set metadata.namespace, pass --namespace NS, or choose --scope cluster-wide",
            ),
            SealError::NamespaceConflict {
                name,
                in_secret,
                requested,
            } => (
                format!(
                    "Secret {name:?} is in namespace {in_secret:?} but --namespace is {requested:?}"
                ),
                "drop --namespace or make the two agree",
            ),
            SealError::ScopeConflict {
                name,
                annotated,
                requested,
            } => (
                format!("Secret {name:?} is annotated {annotated} but --scope is {requested}"),
                "drop the scope annotation or the --scope flag",
            ),
            SealError::EmptyData { name } => (
                format!("Secret {name:?} has no data and no stringData"),
                "add items, or pass --allow-empty-data",
            ),
            other => (other.to_string(), "check the certificate and the input"),
        };
        CliError::input(what, place, hint)
    }

    /// An unsealing error of the SealedSecret at `place`.
    pub fn unseal(error: UnsealError, place: &str) -> Self {
        match error {
            UnsealError::Identity(inner) => CliError::seal(inner, place),
            UnsealError::Item {
                namespace,
                name,
                scope,
                key,
                error,
            } => {
                let item = format!("item {key:?} of SealedSecret {namespace}/{name}");
                CliError::open(&item, scope, error, place)
            }
            UnsealError::Template {
                error: error @ TemplateError::Unsupported { .. },
                namespace,
                name,
            } => CliError::input(
                format!("SealedSecret {namespace}/{name}: {error}"),
                place,
                "use the supported template forms (fields, index, pipelines, if/range/with, common Sprig string functions) or unseal it with kubeseal --recovery-unseal",
            ),
            UnsealError::Template {
                error,
                namespace,
                name,
            } => CliError::input(
                format!("SealedSecret {namespace}/{name}: {error}"),
                place,
                "fix spec.template.data (Go text/template syntax)",
            ),
            other => CliError::input(
                other,
                place,
                "fix the SealedSecret or unseal it in the cluster",
            ),
        }
    }

    /// Why one sealed value (`item`, sealed with `scope`) did not open.
    pub fn open(item: &str, scope: Scope, error: OpenError, place: &str) -> Self {
        let restore = "restore the value from Git history, or seal it again";
        match error {
            OpenError::Format(HybridError::Base64 { .. }) => {
                CliError::input(format!("{item} is not valid base64"), place, restore)
            }
            OpenError::Format(HybridError::TooShort { len }) => {
                CliError::input(format!("{item} is truncated ({len} bytes)"), place, restore)
            }
            OpenError::Format(HybridError::Truncated {
                declared,
                available,
            }) => CliError::input(
                format!(
                    "{item} is truncated (its RSA block needs {declared} bytes, {available} follow)"
                ),
                place,
                restore,
            ),
            OpenError::NoKeyMatched { tried } => CliError::input(
                format!("no key could decrypt {item} (scope {scope}, tried {tried} key(s))"),
                place,
                "pass the key it was sealed with; a strict or namespace-wide value only opens under the namespace (and name) it was sealed for",
            ),
            OpenError::Tampered { .. } => CliError::input(
                format!("{item} was altered: the key matches but the AES-GCM tag does not verify"),
                place,
                restore,
            ),
            other => CliError::input(
                format!("cannot decrypt {item}: {other}"),
                place,
                "pass --key FILE",
            ),
        }
    }

    /// A sealing certificate from `place` (file, URL or cluster) that cannot be used.
    pub fn cert(error: CertError, place: &str) -> Self {
        match error {
            CertError::Expired { not_after } => CliError::input(
                format!("the certificate expired at {not_after}"),
                place,
                "fetch the controller's current certificate (sealgate cert --fetch --pem)",
            ),
            CertError::NotRsa { algorithm } => CliError::input(
                format!("the certificate holds an {algorithm} key, not RSA"),
                place,
                "sealing needs the controller's RSA certificate",
            ),
            CertError::NoCertificate => CliError::input(
                "no CERTIFICATE block found",
                place,
                "pass a PEM certificate (-----BEGIN CERTIFICATE-----)",
            ),
            other => CliError::input(other, place, "pass the controller's PEM certificate"),
        }
    }

    /// A private-key file (`--key`) that holds no usable key.
    pub fn key_file(error: KeySourceError) -> Self {
        CliError::key_source(
            error,
            "give an RSA private key as PEM, a kubernetes.io/tls Secret, or a List of them",
        )
    }

    fn key_source(error: KeySourceError, hint: &str) -> Self {
        let (what, place) = match error {
            KeySourceError::Key { source_name, error } => (error.to_string(), source_name),
            KeySourceError::Unrecognised {
                source_name,
                reason,
            } => (
                format!(
                    "not a PEM private key, nor a Secret or List of Secrets in YAML/JSON ({reason})"
                ),
                source_name,
            ),
            KeySourceError::MissingTlsKey {
                source_name,
                secret,
            } => (
                format!("Secret {secret:?} has no data[\"tls.key\"]"),
                source_name,
            ),
            KeySourceError::TlsKeyBase64 {
                source_name,
                secret,
            } => (
                format!("data[\"tls.key\"] of Secret {secret:?} is not valid base64"),
                source_name,
            ),
            KeySourceError::Empty { source_name } => {
                ("no private key found".to_owned(), source_name)
            }
        };
        CliError::input(what, place, hint)
    }

    /// A key-escrow problem (`keys backup|restore`, an age backup given to `unseal --key`). A
    /// problem with one file is an input error at that file; missing or bad flags are usage.
    pub fn escrow(error: EscrowError) -> Self {
        let damaged =
            "restore the backup file from Git history or make a new backup; it was cut or altered";
        let identity =
            "give an age identity file (age-keygen -o FILE) or an unencrypted SSH private key";
        let (what, place, hint) = match error {
            EscrowError::NoRecipients | EscrowError::BadRecipient { .. } => {
                return CliError::usage(
                    error.to_string(),
                    "pass --recipient with an age public key (age1…, from age-keygen) or an ssh-ed25519/ssh-rsa public key",
                );
            }
            EscrowError::NoIdentities => return CliError::usage(error.to_string(), identity),
            EscrowError::NoKeys
            | EscrowError::UnnamedSecret { .. }
            | EscrowError::Encrypt { .. } => {
                return CliError::usage(
                    error.to_string(),
                    "check the controller namespace holds its key Secrets, then retry",
                );
            }
            EscrowError::Keys(inner) => {
                return CliError::key_source(
                    inner,
                    "the decrypted backup holds no usable key Secret; check it was written by `sealgate keys backup`",
                );
            }
            EscrowError::BadIdentity {
                source_name,
                reason,
            } => (
                format!("not an age identity file nor an unencrypted SSH private key ({reason})"),
                source_name,
                identity,
            ),
            EscrowError::EncryptedSshIdentity { source_name } => (
                "the SSH private key is passphrase-protected".to_owned(),
                source_name,
                "decrypt a copy with `ssh-keygen -p -f COPY`, or use an age identity file",
            ),
            EscrowError::NotAgeFile {
                source_name,
                reason,
            } => (
                format!("not an age-encrypted file ({reason})"),
                source_name,
                damaged,
            ),
            EscrowError::NoMatchingIdentity { source_name, tried } => (
                format!(
                    "none of the {tried} identity(ies) given can decrypt it; it was encrypted to other recipients"
                ),
                source_name,
                "pass the --identity whose public key (age1… or SSH) the backup was encrypted to",
            ),
            EscrowError::Passphrase { source_name } => (
                "the file is passphrase-encrypted (scrypt); sealgate backups use age recipients"
                    .to_owned(),
                source_name,
                "decrypt it with `age -d` and pass the result as --key",
            ),
            EscrowError::Damaged {
                source_name,
                reason,
            } => (
                format!("the age file is damaged or was altered ({reason})"),
                source_name,
                damaged,
            ),
            EscrowError::NotKeyList {
                source_name,
                reason,
            } => (
                format!("the decrypted content is not a YAML List of Secrets ({reason})"),
                source_name,
                "the decrypted backup holds no usable key Secret; check it was written by `sealgate keys backup`",
            ),
        };
        CliError::input(what, place, hint)
    }

    /// An input (`-f`, stdin) that cannot be split into documents.
    pub fn manifest(error: ManifestError, name: &str) -> Self {
        match error {
            ManifestError::Yaml {
                file,
                line,
                message,
                ..
            } => CliError::input(
                format!("invalid YAML ({message})"),
                format!("{file}:{line}"),
                "fix the syntax",
            ),
            ManifestError::TooLarge { .. }
            | ManifestError::AliasExpansion { .. }
            | ManifestError::TooManyDocuments { .. } => {
                CliError::usage(error.to_string(), limit_hint(&error))
            }
            other => CliError::input(other, name, "give a YAML or JSON file"),
        }
    }
}

/// What to do when an input hits a limit of its budget: the flag that raises it.
pub fn limit_hint(error: &ManifestError) -> &'static str {
    match error {
        ManifestError::TooManyDocuments { .. } => "split the stream, or raise --max-documents",
        ManifestError::AliasExpansion { .. } => {
            "write the repeated values out, or raise --max-file-size-mib"
        }
        _ => "split it, or raise --max-file-size-mib",
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
    match e {
        RegoError::CapabilitiesFile { .. } => {
            return CliError::usage(
                e.to_string(),
                "give --capabilities a file of OPA's capabilities JSON (`opa capabilities --current` prints one to start from)",
            );
        }
        RegoError::NotCapable { .. } => {
            return CliError::usage(
                format!("policy: {e}"),
                "add what is missing to the capabilities file (builtins, features), or drop its use from the policy",
            );
        }
        RegoError::RuleConflicts { .. } => {
            return CliError::usage(
                format!("policy: {e}"),
                "opa and conftest refuse this policy too (OPA's compiler): define each rule one way (a value, a set with `contains`, or a function of one number of arguments), with at most one `default`, and no rule inside another rule's value",
            );
        }
        RegoError::TypeErrors { .. } => {
            return CliError::usage(
                format!("policy: {e}"),
                "opa and conftest refuse this policy too (OPA's type checker): give each builtin the argument types its `want` lists, and index a value only where it can have an element",
            );
        }
        RegoError::Deprecated { .. } => {
            return CliError::usage(
                format!("policy: {e}"),
                "Rego v1 refuses deprecated builtins, as OPA does: use their replacements (`any(xs)`: `true in xs`, `all(xs)`: `every x in xs { x }`, `re_match`: `regex.match`, `set_diff(a, b)`: `a - b`, `net.cidr_overlap`: `net.cidr_contains`, `cast_*`: a type check such as `is_array`), or load the module as v0 (--rego-version v0)",
            );
        }
        _ => {}
    }
    let detail = match e {
        RegoError::NoPolicies { .. } => {
            format!("{e}; point --policy at a folder with .rego files")
        }
        RegoError::Timeout { .. } | RegoError::ParseTimeout { .. } => {
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
        ValidateError::Input(
            e @ (ManifestError::TooLarge { .. }
            | ManifestError::AliasExpansion { .. }
            | ManifestError::TooManyDocuments { .. }),
        ) => CliError::usage(e.to_string(), limit_hint(e)),
        ValidateError::Input(e) => {
            let name = e.location().0;
            CliError::usage(e.to_string(), format!("fix or --ignore {name}"))
        }
        other => CliError::usage(other.to_string(), "see `sealgate validate --help`"),
    }
}
