//! `sealgate keys backup|restore`: the controller's key Secrets escrowed to age recipients through
//! kubeconfig, and re-created from such a backup.
//!
//! Key Secrets are read and written with raw requests into `sealgate_core`'s `Secret`, whose
//! values are zeroizing `Plaintext`s, rather than `k8s_openapi`'s, which keeps them in plain `Vec`s.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kube::api::{ListParams, PostParams};
use kube::core::Request;
use kube::core::params::GetParams;
use sealgate_core::seal::Secret;
use sealgate_core::seal::escrow::{self, Identities, Recipients};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::cli::{KeysBackupArgs, KeysRestoreArgs};
use crate::error::{CliError, Outcome};
use crate::input;
use crate::kube_api::{Cluster, chain};
use crate::output;

/// Label upstream puts on every key Secret (`=active`; any value is a key).
const KEY_LABEL: &str = "sealedsecrets.bitnami.com/sealed-secrets-key";
/// The single key Secret of sealed-secrets before v0.9, still loaded by the controller.
const LEGACY_KEY_SECRET: &str = "sealed-secrets-key";

#[derive(Deserialize)]
struct SecretList {
    #[serde(default)]
    items: Vec<Secret>,
}

pub fn backup(args: KeysBackupArgs) -> Result<Outcome, CliError> {
    // Recipients are checked before the cluster is asked for anything.
    let recipients = Recipients::parse(&args.recipients).map_err(CliError::escrow)?;
    let namespace = args.controller.controller_namespace;
    let cluster = Cluster::connect(&args.cluster.target())?;
    let keys = cluster.block_on(read_keys(&cluster, &namespace))?;
    if keys.is_empty() {
        return Err(CliError::input(
            format!(
                "no key Secrets in namespace {namespace} (label {KEY_LABEL}, or a Secret named {LEGACY_KEY_SECRET})"
            ),
            cluster.server(),
            "pass --controller-namespace where the controller keeps its keys",
        ));
    }
    let armored = escrow::backup_to(&keys, &recipients).map_err(CliError::escrow)?;
    output::emit(args.output_file.as_deref(), armored.as_bytes())?;
    let names: Vec<&str> = keys
        .iter()
        .filter_map(|k| k.metadata.name.as_deref())
        .collect();
    let target = args
        .output_file
        .as_deref()
        .map_or_else(|| "stdout".to_owned(), |p| p.display().to_string());
    eprintln!(
        "backed up {} key Secret(s) from {namespace} ({}) to {target}, encrypted to {} recipient(s)",
        keys.len(),
        names.join(", "),
        recipients.len()
    );
    Ok(Outcome::Clean)
}

/// Every key Secret of the namespace: the labelled ones and the legacy one, each once, by name.
async fn read_keys(cluster: &Cluster, namespace: &str) -> Result<Vec<Secret>, CliError> {
    let secrets = Request::new(format!("/api/v1/namespaces/{namespace}/secrets"));
    let list = secrets
        .list(&ListParams::default().labels(KEY_LABEL))
        .map_err(|e| request_bug(&e))?;
    let mut keys: BTreeMap<String, Secret> = BTreeMap::new();
    let text = send(
        cluster,
        list,
        &format!("list the key Secrets in {namespace}"),
    )
    .await?;
    let listed: SecretList = parse(&text, &format!("the Secret list of {namespace}"), cluster)?;
    for secret in listed.items {
        if let Some(name) = secret.metadata.name.clone() {
            keys.insert(name, secret);
        }
    }
    if !keys.contains_key(LEGACY_KEY_SECRET)
        && let Some(legacy) = get_secret(cluster, namespace, LEGACY_KEY_SECRET).await?
    {
        keys.insert(LEGACY_KEY_SECRET.to_owned(), legacy);
    }
    Ok(keys.into_values().collect())
}

async fn get_secret(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
) -> Result<Option<Secret>, CliError> {
    let request = Request::new(format!("/api/v1/namespaces/{namespace}/secrets"))
        .get(name, &GetParams::default())
        .map_err(|e| request_bug(&e))?;
    match cluster.client().request_text(request).await {
        Ok(text) => {
            let text = Zeroizing::new(text);
            parse(&text, &format!("Secret {namespace}/{name}"), cluster).map(Some)
        }
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(None),
        Err(error) => Err(api_error(
            cluster,
            &error,
            &format!("read Secret {namespace}/{name}"),
        )),
    }
}

/// Sends a request whose answer may hold key material; the text is wiped when dropped.
async fn send(
    cluster: &Cluster,
    request: http::Request<Vec<u8>>,
    doing: &str,
) -> Result<Zeroizing<String>, CliError> {
    cluster
        .client()
        .request_text(request)
        .await
        .map(Zeroizing::new)
        .map_err(|e| api_error(cluster, &e, doing))
}

fn parse<T: for<'de> Deserialize<'de>>(
    text: &str,
    what: &str,
    cluster: &Cluster,
) -> Result<T, CliError> {
    // Only a position: serde_json's "invalid type: string \"…\"" would quote a value, and the
    // text holds key material.
    serde_json::from_str(text).map_err(|e| {
        CliError::input(
            format!(
                "the API server sent {what} in an unexpected shape (JSON error at line {} column {})",
                e.line(),
                e.column()
            ),
            cluster.server(),
            "check the kubeconfig points at a Kubernetes API server",
        )
    })
}

fn api_error(cluster: &Cluster, error: &kube::Error, doing: &str) -> CliError {
    match error {
        kube::Error::Api(status) => {
            let hint = if status.code == 403 {
                "use credentials allowed to do this (kubectl auth can-i), or another --context"
            } else {
                "check --controller-namespace and the cluster"
            };
            CliError::input(
                format!(
                    "cannot {doing}: the API server answered {} ({})",
                    status.code, status.message
                ),
                cluster.server(),
                hint,
            )
        }
        other => cluster.unreachable(other),
    }
}

fn request_bug(error: &dyn std::error::Error) -> CliError {
    CliError::usage(
        format!("cannot build an API request ({})", chain(error)),
        "report this bug",
    )
}

/// What restore does with one key Secret of the backup.
enum Step {
    Create(Secret),
    Unchanged(String),
    Replace {
        secret: Secret,
        resource_version: String,
    },
}

pub fn restore(args: KeysRestoreArgs) -> Result<Outcome, CliError> {
    let identities = read_identities(&args.identities)?;
    // an age file may be binary, so bytes, not text
    let backup = input::read_bytes(
        args.file.as_deref(),
        sealgate_core::manifest::DEFAULT_MAX_BYTES,
    )?;
    let name = match args.file.as_deref() {
        Some(path) if path.as_os_str() != "-" => path.display().to_string(),
        _ => input::STDIN.to_owned(),
    };
    let keys = escrow::restore(&backup, &identities, &name).map_err(CliError::escrow)?;
    let cluster = Cluster::connect(&args.cluster.target())?;
    let steps = cluster.block_on(plan(
        &cluster,
        keys,
        args.controller_namespace.as_deref(),
        args.force,
    ))?;
    let report = cluster.block_on(apply(&cluster, steps))?;
    output::to_stdout(report.as_bytes())?;
    Ok(Outcome::Clean)
}

fn read_identities(files: &[std::path::PathBuf]) -> Result<Identities, CliError> {
    if files.is_empty() {
        return Err(CliError::usage(
            "no age identity given",
            "pass --identity FILE (AGE-SECRET-KEY-1… lines, or an unencrypted SSH private key)",
        ));
    }
    let mut identities = Identities::new();
    for path in files {
        let content = input::read_bytes(
            Some(path.as_path()),
            sealgate_core::manifest::DEFAULT_MAX_BYTES,
        )?;
        let shown = path.display().to_string();
        identities
            .add_file(&content, &shown)
            .map_err(CliError::escrow)?;
    }
    Ok(identities)
}

/// Decides every step before anything is written, so a conflict changes nothing.
async fn plan(
    cluster: &Cluster,
    keys: Vec<Secret>,
    namespace: Option<&str>,
    force: bool,
) -> Result<Vec<Step>, CliError> {
    let mut steps = Vec::with_capacity(keys.len());
    let mut conflicts = Vec::new();
    for mut key in keys {
        let name = key.metadata.name.clone().unwrap_or_default();
        let Some(ns) = namespace
            .map(str::to_owned)
            .or_else(|| key.metadata.namespace.clone())
        else {
            return Err(CliError::usage(
                format!("key Secret {name:?} in the backup has no namespace"),
                "pass --controller-namespace NS",
            ));
        };
        key.metadata.namespace = Some(ns.clone());
        match get_secret(cluster, &ns, &name).await? {
            None => steps.push(Step::Create(key)),
            Some(existing) if same_key(&existing, &key) => {
                steps.push(Step::Unchanged(format!("{ns}/{name}")))
            }
            Some(existing) if force => {
                let resource_version = existing
                    .metadata
                    .extra
                    .get("resourceVersion")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                steps.push(Step::Replace {
                    secret: key,
                    resource_version,
                });
            }
            Some(_) => conflicts.push(format!("{ns}/{name}")),
        }
    }
    if !conflicts.is_empty() {
        return Err(CliError::input(
            format!(
                "key Secret(s) {} already exist with other content; nothing was changed",
                conflicts.join(", ")
            ),
            cluster.server(),
            "pass --force to replace them (the keys they hold now are lost unless backed up)",
        ));
    }
    Ok(steps)
}

fn same_key(existing: &Secret, restored: &Secret) -> bool {
    existing.type_ == restored.type_
        && existing.data.len() == restored.data.len()
        && existing
            .data
            .iter()
            .zip(&restored.data)
            .all(|((ka, va), (kb, vb))| ka == kb && va.as_bytes() == vb.as_bytes())
}

async fn apply(cluster: &Cluster, steps: Vec<Step>) -> Result<String, CliError> {
    let mut report = String::new();
    for step in steps {
        match step {
            Step::Unchanged(what) => {
                let _ = writeln!(report, "unchanged {what} (already there, identical)");
            }
            Step::Create(secret) => {
                let what = write_secret(cluster, &secret, None).await?;
                let _ = writeln!(report, "created   {what}");
            }
            Step::Replace {
                secret,
                resource_version,
            } => {
                let what = write_secret(cluster, &secret, Some(resource_version)).await?;
                let _ = writeln!(report, "replaced  {what} (--force)");
            }
        }
    }
    Ok(report)
}

/// Creates the Secret, or replaces it at `resource_version` (optimistic concurrency: a change
/// made meanwhile makes the replace fail instead of being overwritten).
async fn write_secret(
    cluster: &Cluster,
    secret: &Secret,
    resource_version: Option<String>,
) -> Result<String, CliError> {
    let ns = secret.metadata.namespace.clone().unwrap_or_default();
    let name = secret.metadata.name.clone().unwrap_or_default();
    let mut body = secret.clone();
    if let Some(version) = &resource_version {
        body.metadata.extra.insert(
            "resourceVersion".to_owned(),
            serde_json::Value::String(version.clone()),
        );
    }
    let bytes = serde_json::to_vec(&body).map_err(|e| request_bug(&e))?;
    let request = Request::new(format!("/api/v1/namespaces/{ns}/secrets"));
    let request = match resource_version {
        None => request.create(&PostParams::default(), bytes),
        Some(_) => request.replace(&name, &PostParams::default(), bytes),
    }
    .map_err(|e| request_bug(&e))?;
    let doing = format!("write Secret {ns}/{name}");
    send(cluster, request, &doing).await?;
    Ok(format!("{ns}/{name}"))
}
