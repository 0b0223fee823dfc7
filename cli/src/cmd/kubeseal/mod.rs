//! `kubeseal` drop-in: the binary invoked as `kubeseal` (a symlink or copy) or as `sealgate
//! kubeseal …` takes kubeseal v0.40.0's command line and runs its modes, in its order of
//! precedence, on sealgate's own sealing, unsealing, certificate and cluster code.
//!
//! Exit statuses are kubeseal's: 0 done (and `--help`, `-h`, `--version`), 1 any error, 2 a
//! command line that does not parse. Deliberate differences are in docs/kubeseal.md.

mod controller;
mod flags;
#[cfg(test)]
mod reference;
mod sealing;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use sealgate_core::manifest::{Budget, DEFAULT_MAX_BYTES};
use sealgate_core::seal::SealedSecret;
use zeroize::Zeroizing;

use crate::cert_source::CertSource;
use crate::cli::Format;
use crate::error::{self, CliError, Outcome};
use crate::input;
use crate::kube_api::{Overrides, Target};
use crate::output;
use crate::private_keys::load_keys;

use flags::{KUBESEAL_VERSION, Parsed, Stop};

/// What every input may hold (sealgate's defaults for `-f`/stdin).
const BUDGET: Budget = Budget::bytes(DEFAULT_MAX_BYTES);

/// Whether the binary was started under kubeseal's name (`kubeseal`, a symlink or a copy).
pub fn invoked_as_kubeseal(argv0: &OsString) -> bool {
    Path::new(argv0)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == "kubeseal" || n == "kubeseal.exe")
}

/// Runs one kubeseal command line (`args` without the program name).
pub fn main(program: &str, args: &[OsString]) -> ExitCode {
    let parsed = match flags::parse(args, |name| std::env::var(name).ok()) {
        Ok(parsed) => parsed,
        Err(Stop::Help) => {
            // pflag's own `-h`: the title on stderr, the flags on stdout
            eprintln!("Usage of {program}:");
            let usage = flags::usage(program);
            return print(usage.split_once('\n').map_or("", |(_, flags)| flags));
        }
        Err(Stop::Error(message)) => {
            eprintln!(
                "error: {}\nSee '{program} --help' for the flags.",
                crate::escape::controls(&message)
            );
            return ExitCode::from(2);
        }
    };
    for notice in &parsed.notices {
        eprintln!("{notice}");
    }
    if parsed.on("version") {
        return print(&format!(
            "kubeseal version: {KUBESEAL_VERSION} (sealgate {})\n",
            env!("CARGO_PKG_VERSION")
        ));
    }
    if parsed.on("help") {
        return print(&flags::usage(program));
    }
    error::finish_with(run(&parsed), 1)
}

fn print(text: &str) -> ExitCode {
    error::finish_with(
        output::to_stdout(text.as_bytes()).map(|()| Outcome::Clean),
        1,
    )
}

/// The command line after the flags were read: what kubeseal's `runCLI` works with.
struct Request<'a> {
    flags: &'a Parsed,
    /// `-f`; `None` = stdin.
    input: Option<PathBuf>,
    /// `-w` (or the input file for `--re-encrypt -f` without `-w`, kubeseal #405).
    output: Option<PathBuf>,
    /// `-o`, turned to yaml by a `-w` ending in `.yaml`/`.yml`.
    format: String,
    target: Target,
}

impl Request<'_> {
    /// kubeseal's output formats: `json` (or empty) and `yaml`, any case; checked when there
    /// is something to write.
    fn format(&self) -> Result<Format, CliError> {
        match self.format.to_ascii_lowercase().as_str() {
            "json" | "" => Ok(Format::Json),
            "yaml" => Ok(Format::Yaml),
            other => Err(CliError::usage(
                format!("unsupported output format: {other}"),
                "pass -o json or -o yaml",
            )),
        }
    }

    fn controller(&self) -> (String, String) {
        (
            self.flags.text("controller-namespace").to_owned(),
            self.flags.text("controller-name").to_owned(),
        )
    }

    /// The SealedSecrets of the input (every document).
    fn sealed_input(&self) -> Result<Vec<(SealedSecret, String)>, CliError> {
        let source = input::read_source(self.input.as_deref(), BUDGET)?;
        input::decode(&input::documents(source)?, &crate::cmd::unseal::SEALED)
    }
}

fn run(flags: &Parsed) -> Result<Outcome, CliError> {
    let raw = flags.on("raw");
    if !flags.list("from-file").is_empty() && !raw {
        return Err(CliError::usage(
            "--from-file requires --raw",
            "add --raw to seal one value, or pass the Secret with -f FILE",
        ));
    }
    let input = flags.given("secret-file").map(PathBuf::from);
    if let Some(path) = &input {
        // kubeseal opens the input first, whatever the mode
        std::fs::File::open(path).map_err(|e| CliError::read(path.display(), e))?;
    }
    let fetch_cert = flags.on("fetch-cert");
    let reencrypt = flags.on("re-encrypt") || flags.on("rotate");
    let mut output = flags.given("sealed-secret-file").map(PathBuf::from);
    if reencrypt && output.is_none() {
        output.clone_from(&input);
    }
    let mut format = flags.text("format").to_owned();
    if let Some(path) = &output {
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            "yaml".clone_into(&mut format);
        }
        // kubeseal creates its temporary output file before anything else
        output::check_writable(path)?;
    }
    let request = Request {
        flags,
        input,
        output,
        format,
        target: target(flags)?,
    };
    let reads_stdin =
        request.input.is_none() && !fetch_cert && (!raw || flags.list("from-file").is_empty());
    stray_arguments(
        &flags.positional,
        reads_stdin,
        std::io::stdin().is_terminal(),
    )?;
    // every mode but --raw (which says so itself) and --fetch-cert reads a resource from stdin
    if request.input.is_none() && !raw && !fetch_cert && std::io::stdin().is_terminal() {
        eprintln!("(tty detected: expecting json/yaml k8s resource in stdin)");
    }

    let text: Zeroizing<Vec<u8>> = if flags.on("recovery-unseal") {
        recovery_unseal(&request)?
    } else {
        if !flags.list("recovery-private-key").is_empty() && std::io::stderr().is_terminal() {
            eprintln!(
                "warning: ignoring --recovery-private-key because unseal command not chosen with --recovery-unseal"
            );
        }
        if flags.on("validate") {
            controller::validate(&request)?;
            Zeroizing::new(Vec::new())
        } else if reencrypt {
            Zeroizing::new(controller::reencrypt(&request)?.into_bytes())
        } else {
            let cert = cert_source(&request);
            if fetch_cert {
                Zeroizing::new(cert.pem()?.bytes)
            } else {
                let cert = cert.sealing_cert()?;
                if let Some(file) = flags.given("merge-into") {
                    sealing::merge_into(&request, &cert, Path::new(&file))?;
                    Zeroizing::new(Vec::new())
                } else if raw {
                    Zeroizing::new(sealing::raw(&request, &cert)?.into_bytes())
                } else {
                    Zeroizing::new(sealing::seal(&request, &cert)?.into_bytes())
                }
            }
        }
    };
    match request.output.as_deref() {
        // kubeseal's -w file is created 0600 (renameio's temporary file); it may hold plaintext
        Some(path) => output::replace_file_with_mode(path, &text, 0o600)?,
        None => output::to_stdout(&text)?,
    }
    Ok(Outcome::Clean)
}

/// Arguments that are not flags, which kubeseal ignores: `kubeseal --cert c.pem secret.json`
/// then waits on the terminal for a Secret, with only its tty hint to say why (kubeseal #361).
/// Here the same command line is an error when stdin is a terminal the mode would read, and a
/// warning on stderr otherwise (a script that pipes its input keeps working).
fn stray_arguments(positional: &[String], reads_stdin: bool, tty: bool) -> Result<(), CliError> {
    if positional.is_empty() {
        return Ok(());
    }
    let shown = positional
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if reads_stdin && tty {
        return Err(CliError::usage(
            format!(
                "kubeseal reads its input from stdin or -f FILE, not from the argument(s) {shown}"
            ),
            format!(
                "pass -f {0}, or redirect it: < {0}",
                positional.first().map_or("FILE", String::as_str)
            ),
        ));
    }
    eprintln!(
        "warning: ignoring the argument(s) {shown}: kubeseal reads its input from stdin or -f FILE"
    );
    Ok(())
}

/// `--cert FILE|URL`, else the controller through the cluster.
fn cert_source(request: &Request<'_>) -> CertSource {
    match request.flags.given("cert") {
        Some(location) => CertSource::from_location(&location),
        None => {
            let (namespace, name) = request.controller();
            CertSource::Controller {
                namespace,
                name,
                target: request.target.clone(),
            }
        }
    }
}

/// `--recovery-unseal`: the input's SealedSecrets opened with `--recovery-private-key` files.
fn recovery_unseal(request: &Request<'_>) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let key_files: Vec<PathBuf> = request
        .flags
        .list("recovery-private-key")
        .iter()
        .map(PathBuf::from)
        .collect();
    let keys = load_keys(&key_files, false)?;
    let sealed = request.sealed_input()?;
    if sealed.is_empty() {
        return Err(CliError::input(
            "no SealedSecret found in the input",
            input::shown_name(request.input.as_deref()),
            "give a SealedSecret as YAML or JSON",
        ));
    }
    let format = request.format()?;
    let text = crate::cmd::unseal::unseal_all(&keys, &sealed, format)?;
    Ok(Zeroizing::new(text.as_bytes().to_vec()))
}

/// The cluster as the kubectl flags name it.
fn target(flags: &Parsed) -> Result<Target, CliError> {
    let request_timeout = match flags.text("request-timeout") {
        "" | "0" => None,
        text => Some(go_duration(text).ok_or_else(|| {
            CliError::usage(
                format!("invalid --request-timeout {text:?}"),
                "give a duration with a unit: 30s, 2m, 1h",
            )
        })?),
    };
    Ok(Target {
        kubeconfig: flags.given("kubeconfig").map(PathBuf::from),
        context: flags.given("context"),
        overrides: Box::new(Overrides {
            cluster: flags.given("cluster"),
            user: flags.given("user"),
            namespace: flags.given("namespace"),
            server: flags.given("server"),
            certificate_authority: flags.given("certificate-authority"),
            insecure_skip_tls_verify: flags.on("insecure-skip-tls-verify"),
            tls_server_name: flags.given("tls-server-name"),
            proxy_url: flags.given("proxy-url"),
            disable_compression: flags.on("disable-compression"),
            token: flags.given("token"),
            client_certificate: flags.given("client-certificate"),
            client_key: flags.given("client-key"),
            username: flags.given("username"),
            password: flags.given("password"),
            impersonate: flags.given("as"),
            impersonate_uid: flags.given("as-uid"),
            impersonate_groups: flags.list("as-group").to_vec(),
            request_timeout,
        }),
    })
}

/// A Go duration as kubectl's `--request-timeout` takes it: `1h2m3.5s`, `500ms`; a bare number
/// is seconds.
fn go_duration(text: &str) -> Option<Duration> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut total = 0.0_f64;
    let mut rest = text;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number * scale;
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("30"), Some(Duration::from_secs(30)));
        assert_eq!(go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(go_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(go_duration("5x"), None);
        assert_eq!(go_duration("s"), None);
    }

    #[test]
    fn stray_arguments_fail_only_when_a_terminal_would_be_read() {
        let args = ["secret.json".to_owned()];
        assert!(stray_arguments(&[], true, true).is_ok());
        assert!(stray_arguments(&args, true, false).is_ok());
        assert!(stray_arguments(&args, false, true).is_ok());
        let error = stray_arguments(&args, true, true).unwrap_err().to_string();
        assert!(error.contains("\"secret.json\""), "{error}");
        assert!(error.contains("pass -f secret.json"), "{error}");
    }

    #[test]
    fn program_names() {
        assert!(invoked_as_kubeseal(&"/usr/local/bin/kubeseal".into()));
        assert!(invoked_as_kubeseal(&"kubeseal".into()));
        assert!(!invoked_as_kubeseal(&"/usr/bin/sealgate".into()));
        assert!(!invoked_as_kubeseal(&"kubeseal-old".into()));
    }
}
