//! `sealgate seal`: Secrets → SealedSecrets, or one raw value → a bare base64 blob.

use std::path::PathBuf;

use sealgate_core::manifest::Budget;
use sealgate_core::seal::{
    Scope, SealOptions, SealedSecret, Secret, mark_sealed_for, seal_raw, seal_secret,
};

use crate::cert_source::CertSource;
use crate::cli::{Format, ScopeArg, SealArgs};
use crate::error::{CliError, Outcome};
use crate::input;
use crate::output;
use crate::repo_config;

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
    /// Once per cluster of the repository config, each with its certificate.
    Clusters {
        input: Option<PathBuf>,
        /// `-w`, with `{cluster}` standing for each cluster's name.
        output: Option<PathBuf>,
        config: Option<PathBuf>,
        names: Vec<String>,
        all: bool,
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
        if args.clusters.any() {
            if args.cert.cert.is_some() || args.cert.local {
                return Err(CliError::usage(
                    "--cluster/--all-clusters and --cert/--local (or SEALED_SECRETS_CERT) both given",
                    "the clusters' certificates come from the repository config; drop --cert/--local",
                ));
            }
            if args.raw || args.from_file.is_some() {
                return Err(CliError::usage(
                    "--raw seals for one identity and one certificate",
                    "seal Secrets for several clusters, or --raw with --cert",
                ));
            }
            return Ok(SealRequest::Clusters {
                input: args.file,
                output: args.output_file,
                config: args.clusters.config,
                names: args.clusters.names,
                all: args.clusters.all_clusters,
                format: args.format,
                options: options(args.scope, args.name, args.namespace, args.allow_empty_data),
                budget: args.limits.budget(),
            });
        }
        if args.clusters.config.is_some() {
            return Err(CliError::usage(
                "--config only goes with --cluster or --all-clusters",
                "name the clusters to seal for",
            ));
        }
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
            options: options(args.scope, args.name, args.namespace, args.allow_empty_data),
            budget,
        })
    }
}

fn options(
    scope: Option<ScopeArg>,
    name: Option<String>,
    namespace: Option<String>,
    allow_empty_data: bool,
) -> SealOptions {
    SealOptions {
        scope: scope.map(Scope::from),
        name,
        namespace,
        default_namespace: None,
        allow_empty_data,
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
            let secrets = read_secrets(input.as_deref(), budget, &options)?;
            let cert = cert.sealing_cert()?;
            let text = render(&seal_all(&cert, &secrets, &options)?, format)?;
            output::emit(output.as_deref(), text.as_bytes())?;
        }
        SealRequest::Clusters {
            input,
            output,
            config,
            names,
            all,
            format,
            options,
            budget,
        } => {
            let secrets = read_secrets(input.as_deref(), budget, &options)?;
            let config = repo_config::load(&repo_config::locate(config.as_deref())?)?;
            let chosen = config.select(&names, all)?;
            let Some(template) = output.map(|p| p.to_string_lossy().into_owned()) else {
                let [cluster] = chosen.as_slice() else {
                    return Err(CliError::usage(
                        format!(
                            "sealing for {} clusters needs -w PATH with {{cluster}}",
                            chosen.len()
                        ),
                        "write e.g. -w clusters/{cluster}/db-sealed.yaml",
                    ));
                };
                let cert = cluster
                    .cert
                    .sealing_cert()
                    .map_err(|e| repo_config::in_cluster(e, &cluster.name, &config.file))?;
                let text = render(&seal_all(&cert, &secrets, &options)?, format)?;
                output::to_stdout(text.as_bytes())?;
                return Ok(Outcome::Clean);
            };
            let mut files = Vec::with_capacity(chosen.len());
            for (cluster, path) in config.files_for(&chosen, &template)? {
                let cert = cluster
                    .cert
                    .sealing_cert()
                    .map_err(|e| repo_config::in_cluster(e, &cluster.name, &config.file))?;
                let text = render(&seal_all(&cert, &secrets, &options)?, format)?;
                files.push((path, text.into_bytes()));
            }
            // every cluster's file, or none
            output::replace_files(&files)?;
        }
    }
    Ok(Outcome::Clean)
}

/// The input's Secrets, checked: at least one, each within Kubernetes' size limit, one when
/// `--name` renames it.
fn read_secrets(
    input: Option<&std::path::Path>,
    budget: Budget,
    options: &SealOptions,
) -> Result<Vec<(Secret, String)>, CliError> {
    let source = input::read_source(input, budget)?;
    let name = source.name().to_owned();
    let secrets: Vec<(Secret, String)> = input::decode(&input::documents(source)?, &SECRETS)?;
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
    Ok(secrets)
}

fn seal_all(
    cert: &sealgate_core::seal::SealingCert,
    secrets: &[(Secret, String)],
    options: &SealOptions,
) -> Result<Vec<SealedSecret>, CliError> {
    secrets
        .iter()
        .map(|(secret, place)| {
            let mut sealed =
                seal_secret(cert, secret, options).map_err(|e| CliError::seal(e, place))?;
            // which cluster's certificate: `validate` reads it back (kubeseal mode leaves it out)
            mark_sealed_for(&mut sealed, cert);
            Ok(sealed)
        })
        .collect()
}

/// What `seal` reads: v1 Secrets (base64 `data` is checked when decoding).
pub const SECRETS: input::Expected = input::Expected {
    noun: "v1 Secret",
    type_name: "Secret",
    accepts: |kind, api_version| kind == "Secret" && api_version == "v1",
    other_hint: "give only Secrets to seal",
    invalid_hint: "base64-encode values under data, or put plain text under stringData",
};

/// Kubernetes refuses a Secret whose data is over 1 MiB; sealing one would only fail later, in
/// the controller.
pub fn check_secret_size(secret: &Secret, place: &str) -> Result<(), CliError> {
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
