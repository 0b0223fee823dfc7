//! `sealgate seal`: Secrets → SealedSecrets, or one raw value → a bare base64 blob.

use std::path::PathBuf;

use sealgate_core::manifest::Budget;
use sealgate_core::seal::{Scope, SealOptions, SealedSecret, Secret, seal_raw, seal_secret};

use crate::cert_source::CertSource;
use crate::cli::{Format, ScopeArg, SealArgs};
use crate::error::{CliError, Outcome};
use crate::input;
use crate::output;

/// What `seal` was asked to do, after flag conflicts are rejected.
enum SealRequest {
    Stream {
        input: Option<PathBuf>,
        output: Option<PathBuf>,
        cert: CertSource,
        format: Format,
        options: SealOptions,
        budget: Budget,
    },
    Raw {
        value: Option<PathBuf>,
        output: Option<PathBuf>,
        cert: CertSource,
        scope: Scope,
        namespace: Option<String>,
        name: Option<String>,
        budget: Budget,
    },
}

impl SealRequest {
    fn from_args(args: SealArgs) -> Result<Self, CliError> {
        let cert = CertSource::from_args(&args.cert)?;
        let scope = args.scope.map(Scope::from);
        let budget = args.limits.budget();
        if args.raw {
            if args.file.is_some() {
                return Err(CliError::usage(
                    "--raw reads one value, not a Secret file (-f)",
                    "pass the value on stdin or with --from-file PATH",
                ));
            }
            let scope = scope.unwrap_or_default();
            if scope.needs_namespace() && args.namespace.is_none() {
                return Err(CliError::usage(
                    format!("--raw with scope {scope} needs --namespace"),
                    "pass --namespace NS, or --scope cluster-wide",
                ));
            }
            if scope.needs_name() && args.name.is_none() {
                return Err(CliError::usage(
                    "--raw with scope strict needs --name",
                    "pass --name N, or --scope namespace-wide|cluster-wide",
                ));
            }
            return Ok(SealRequest::Raw {
                value: args.from_file,
                output: args.output_file,
                cert,
                scope,
                namespace: args.namespace,
                name: args.name,
                budget,
            });
        }
        if args.from_file.is_some() {
            return Err(CliError::usage(
                "--from-file only goes with --raw",
                "add --raw to seal one value, or pass the Secret with -f FILE",
            ));
        }
        Ok(SealRequest::Stream {
            input: args.file,
            output: args.output_file,
            cert,
            format: args.format,
            options: SealOptions {
                scope,
                name: args.name,
                namespace: args.namespace,
                default_namespace: None,
                allow_empty_data: args.allow_empty_data,
            },
            budget,
        })
    }
}

impl From<ScopeArg> for Scope {
    fn from(arg: ScopeArg) -> Self {
        match arg {
            ScopeArg::Strict => Scope::Strict,
            ScopeArg::NamespaceWide => Scope::NamespaceWide,
            ScopeArg::ClusterWide => Scope::ClusterWide,
        }
    }
}

pub fn run(args: SealArgs) -> Result<Outcome, CliError> {
    match SealRequest::from_args(args)? {
        SealRequest::Raw {
            value,
            output,
            cert,
            scope,
            namespace,
            name,
            budget,
        } => {
            let plaintext = input::read_bytes(value.as_deref(), budget.bytes)?;
            let cert = cert.sealing_cert()?;
            let blob = seal_raw(
                &cert,
                scope,
                namespace.as_deref(),
                name.as_deref(),
                &plaintext,
            )
            .map_err(|e| CliError::seal(e, "--raw value"))?;
            output::emit(output.as_deref(), blob.as_bytes())?;
        }
        SealRequest::Stream {
            input,
            output,
            cert,
            format,
            options,
            budget,
        } => {
            let source = input::read_source(input.as_deref(), budget)?;
            let name = source.name().to_owned();
            let secrets: Vec<(Secret, String)> =
                input::decode(&input::documents(source)?, &SECRETS)?;
            for (secret, place) in &secrets {
                check_secret_size(secret, place)?;
            }
            if secrets.is_empty() {
                return Err(CliError::input(
                    "no Secret found in the input",
                    name,
                    "give one or more Secrets as YAML or JSON",
                ));
            }
            if options.name.is_some() && secrets.len() > 1 {
                return Err(CliError::usage(
                    format!("--name given but the input holds {} Secrets", secrets.len()),
                    "seal one Secret at a time with --name, or set metadata.name in each",
                ));
            }
            let cert = cert.sealing_cert()?;
            let mut sealed = Vec::with_capacity(secrets.len());
            for (secret, place) in &secrets {
                let one =
                    seal_secret(&cert, secret, &options).map_err(|e| CliError::seal(e, place))?;
                sealed.push(one);
            }
            let text = render(&sealed, format)?;
            output::emit(output.as_deref(), text.as_bytes())?;
        }
    }
    Ok(Outcome::Clean)
}

/// What `seal` reads: v1 Secrets (base64 `data` is checked when decoding).
const SECRETS: input::Expected = input::Expected {
    noun: "v1 Secret",
    type_name: "Secret",
    accepts: |kind, api_version| kind == "Secret" && api_version == "v1",
    other_hint: "give only Secrets to seal",
    invalid_hint: "base64-encode values under data, or put plain text under stringData",
};

/// Kubernetes refuses a Secret whose data is over 1 MiB; sealing one would only fail later, in
/// the controller.
fn check_secret_size(secret: &Secret, place: &str) -> Result<(), CliError> {
    const LIMIT: usize = 1024 * 1024;
    let size: usize = secret
        .data
        .iter()
        .chain(&secret.string_data)
        .map(|(key, value)| key.len() + value.as_bytes().len())
        .sum();
    if size > LIMIT {
        return Err(CliError::input(
            format!(
                "the Secret holds {size} bytes, over Kubernetes' limit of {LIMIT} bytes for one Secret"
            ),
            place,
            "split the values over several Secrets",
        ));
    }
    Ok(())
}

/// YAML (every document opened by `---`, like kubeseal) or one JSON object per SealedSecret.
pub fn render(sealed: &[SealedSecret], format: Format) -> Result<String, CliError> {
    let mut text = String::new();
    for one in sealed {
        match format {
            Format::Yaml => {
                text.push_str("---\n");
                text.push_str(&output::yaml(one).map_err(render_error)?);
            }
            Format::Json => {
                text.push_str(
                    &serde_json::to_string_pretty(one).map_err(|e| render_error(e.to_string()))?,
                );
                text.push('\n');
            }
        }
    }
    Ok(text)
}

fn render_error(reason: String) -> CliError {
    CliError::input(
        format!("cannot render the output ({reason})"),
        "output",
        "report a bug",
    )
}
