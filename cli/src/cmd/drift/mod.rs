//! `sealgate drift`: SealedSecrets declared in files → their live state in the cluster → report.
//!
//! Files are read as `validate` reads them (files and folders walked for .yaml/.yml/.json, the
//! shared manifest loader); every SealedSecret found is looked up with a GET of the SealedSecret
//! and a metadata-only GET of its Secret, so the command needs `get` on SealedSecrets and Secret
//! metadata, and no Secret value ever reaches this process. `--prune-scope` adds a list of
//! SealedSecrets per namespace. Exit 0 when every row is in sync, 1 otherwise, 2 on error.

mod output;
mod state;

use std::collections::BTreeSet;
use std::path::Path;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::{Api, Client};
use sealgate_core::manifest::{self, Budget, Source};
use sealgate_core::seal::{SEALED_SECRET_KIND, SealedSecret};
use sealgate_core::walk;

use self::output::render;
use self::state::{Row, State, compare};
use crate::cli::DriftArgs;
use crate::error::{CliError, Outcome};
use crate::input::documents;
use crate::kube_api::Cluster;

/// One SealedSecret from a file.
struct Declared {
    sealed: SealedSecret,
    namespace: Option<String>,
    name: String,
    place: String,
}

pub fn run(args: DriftArgs) -> Result<Outcome, CliError> {
    let declared = gather(&args)?;
    let cluster = Cluster::connect(&args.cluster.target())?;
    let rows = cluster.block_on(rows(&cluster, &declared, &args.prune_scope))?;
    let text = render(&rows, args.output);
    crate::output::to_stdout(text.as_bytes())?;
    Ok(if rows.iter().all(|r| r.state == State::InSync) {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Every SealedSecret in the given files and folders (other kinds are skipped).
fn gather(args: &DriftArgs) -> Result<Vec<Declared>, CliError> {
    let budget = args.limits.budget();
    let mut files = Vec::new();
    for path in &args.paths {
        let meta = std::fs::metadata(path).map_err(|e| CliError::read(path.display(), e))?;
        if meta.is_dir() {
            files.extend(
                walk::files(path, walk::MANIFEST_EXTENSIONS)
                    .map_err(|e| CliError::read(path.display(), e.source))?,
            );
        } else {
            files.push(path.clone());
        }
    }
    let mut declared = Vec::new();
    for file in files {
        declared.extend(read_file(&file, budget)?);
    }
    Ok(declared)
}

fn read_file(file: &Path, budget: Budget) -> Result<Vec<Declared>, CliError> {
    let shown = file.display().to_string();
    let source = Source::read_path(file, budget).map_err(|e| CliError::manifest(e, &shown))?;
    let mut found = Vec::new();
    for doc in documents(source)? {
        if doc.value.get("kind").and_then(serde_json::Value::as_str) != Some(SEALED_SECRET_KIND) {
            continue;
        }
        // serde's message would quote the offending value (a ciphertext): say where, not what.
        // The model drops non-string items (as the controller reads them); a file must not.
        let wrong_type = || {
            CliError::input(
                "not a valid SealedSecret (a field has the wrong type)",
                &doc.place,
                "fix the manifest, or move it out of PATH",
            )
        };
        if manifest::redact::first_non_string(&doc.value).is_some() {
            return Err(wrong_type());
        }
        let sealed: SealedSecret =
            serde_json::from_value(doc.value.clone()).map_err(|_| wrong_type())?;
        let Some(name) = sealed.metadata.name.clone() else {
            return Err(CliError::input(
                "a SealedSecret without metadata.name",
                &doc.place,
                "give it a name",
            ));
        };
        found.push(Declared {
            namespace: sealed.metadata.namespace.clone(),
            name,
            sealed,
            place: doc.place.clone(),
        });
    }
    Ok(found)
}

fn sealed_api(client: &Client, namespace: &str) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("bitnami.com", "v1alpha1", SEALED_SECRET_KIND);
    let resource = ApiResource::from_gvk_with_plural(&gvk, "sealedsecrets");
    Api::namespaced_with(client.clone(), namespace, &resource)
}

fn api_error(cluster: &Cluster, what: &str, error: &kube::Error) -> CliError {
    match error {
        kube::Error::Api(status) if status.code == 404 => CliError::input(
            format!("{what}: the SealedSecret resource is not served (404)"),
            cluster.server(),
            "install the SealedSecret CRD, or point --kubeconfig/--context at the right cluster",
        ),
        kube::Error::Api(status) if status.code == 401 || status.code == 403 => CliError::input(
            format!("{what}: {}", status.message),
            cluster.server(),
            "drift needs get (and list with --prune-scope) on sealedsecrets, and get on secrets (metadata only is read)",
        ),
        kube::Error::Api(status) => CliError::input(
            format!("{what}: {} ({})", status.message, status.code),
            cluster.server(),
            "retry, or check the API server",
        ),
        other => cluster.unreachable(other),
    }
}

async fn rows(
    cluster: &Cluster,
    declared: &[Declared],
    prune_scope: &[String],
) -> Result<Vec<Row>, CliError> {
    let client = cluster.client();
    let default_namespace = client.default_namespace().to_owned();
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for item in declared {
        let namespace = item
            .namespace
            .clone()
            .unwrap_or_else(|| default_namespace.clone());
        let what = format!("cannot read SealedSecret {namespace}/{}", item.name);
        let live = sealed_api(client, &namespace)
            .get_opt(&item.name)
            .await
            .map_err(|e| api_error(cluster, &what, &e))?
            .map(|object| {
                serde_json::to_value(object)
                    .and_then(serde_json::from_value::<SealedSecret>)
                    .map_err(|_| {
                        CliError::input(
                            format!("{what}: unexpected shape"),
                            cluster.server(),
                            "check the SealedSecret CRD version",
                        )
                    })
            })
            .transpose()?;
        let secret = match &live {
            Some(_) => {
                let what = format!(
                    "cannot read the metadata of Secret {namespace}/{}",
                    item.name
                );
                Api::<Secret>::namespaced(client.clone(), &namespace)
                    .get_metadata_opt(&item.name)
                    .await
                    .map_err(|e| api_error(cluster, &what, &e))?
                    .map(|m| m.metadata)
            }
            None => None,
        };
        let verdict = compare(&item.sealed, live.as_ref(), secret.as_ref());
        seen.insert((namespace.clone(), item.name.clone()));
        rows.push(Row {
            kind: SEALED_SECRET_KIND,
            namespace,
            name: item.name.clone(),
            state: verdict.state,
            items: verdict.items,
            reason: verdict.reason,
            file: Some(item.place.clone()),
        });
    }
    for namespace in prune_scope {
        let what = format!("cannot list SealedSecrets in namespace {namespace}");
        let live = sealed_api(client, namespace)
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error(cluster, &what, &e))?;
        let mut orphans: Vec<String> = live
            .items
            .into_iter()
            .filter_map(|o| o.metadata.name)
            .filter(|name| !seen.contains(&(namespace.clone(), name.clone())))
            .collect();
        orphans.sort();
        rows.extend(orphans.into_iter().map(|name| Row {
            kind: SEALED_SECRET_KIND,
            namespace: namespace.clone(),
            name,
            state: State::Orphaned,
            items: Vec::new(),
            reason: "in the cluster, declared by no file in PATH".to_owned(),
            file: None,
        }));
    }
    Ok(rows)
}
