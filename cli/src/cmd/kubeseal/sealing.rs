//! kubeseal's sealing modes on sealgate's sealer: Secrets → SealedSecrets (`Seal`), one value
//! (`--raw`), and items merged into a sealed file (`--merge-into`). Name, namespace and scope
//! are settled here by kubeseal's rules; `seal_secret`/`seal_raw` do the sealing.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sealgate_core::seal::{
    Scope, SealOptions, SealedSecret, SealingCert, Secret, seal_raw, seal_secret,
};

use super::{BUDGET, Request};
use crate::cli::Format;
use crate::cmd::seal::{SECRETS, check_secret_size, render};
use crate::error::CliError;
use crate::input;
use crate::kube_api;
use crate::output;

/// `--scope` (kubeseal's default is strict, and only a non-strict flag overrides the input's
/// annotations).
fn scope_flag(request: &Request<'_>) -> Scope {
    Scope::from_str(request.flags.text("scope")).unwrap_or_default()
}

/// The namespace kubectl would use, read only when needed; kubeseal's `Seal` ignores a
/// kubeconfig that cannot be read (the namespace stays empty).
struct KubeNamespace<'a> {
    target: &'a kube_api::Target,
    cached: Option<(String, bool)>,
}

impl KubeNamespace<'_> {
    fn get(&mut self) -> &(String, bool) {
        let target = self.target;
        self.cached
            .get_or_insert_with(|| kube_api::namespace(target).unwrap_or_default())
    }
}

/// Name and namespace `--merge-into` forces on the input.
#[derive(Default)]
struct Forced {
    name: Option<String>,
    namespace: Option<String>,
    /// The scope to seal with when neither `--scope` nor the input says one.
    scope: Option<Scope>,
}

/// Default mode: every Secret of the input sealed, rendered in the output format.
pub fn seal(request: &Request<'_>, cert: &SealingCert) -> Result<String, CliError> {
    let sealed = seal_input(request, cert, &Forced::default())?;
    render(&sealed, request.format()?)
}

/// kubeseal's `Seal`: per Secret, the empty-data check, `--name`, the scope annotations of a
/// non-strict `--scope`, then the namespace (the Secret's, else `-n`, else the kubeconfig's; a
/// `-n` that contradicts the Secret's is an error; cluster-wide takes none).
fn seal_input(
    request: &Request<'_>,
    cert: &SealingCert,
    forced: &Forced,
) -> Result<Vec<SealedSecret>, CliError> {
    let source = input::read_source(request.input.as_deref(), BUDGET)?;
    let shown = source.name().to_owned();
    let mut secrets: Vec<(Secret, String)> = input::decode(&input::documents(source)?, &SECRETS)?;
    if secrets.is_empty() {
        return Err(CliError::input(
            "no secrets found",
            shown,
            "ensure the input is a valid Secret in YAML or JSON, UTF-8 encoded",
        ));
    }
    let allow_empty = request.flags.on("allow-empty-data");
    let name_flag = forced.name.clone().or_else(|| request.flags.given("name"));
    let scope_flag = scope_flag(request);
    let explicit_scope = request.flags.given("scope").is_some() && scope_flag != Scope::Strict;
    let mut kube = KubeNamespace {
        target: &request.target,
        cached: None,
    };
    let mut sealed = Vec::with_capacity(secrets.len());
    for (secret, place) in &mut secrets {
        check_secret_size(secret, place)?;
        if secret.data.is_empty() && secret.string_data.is_empty() && !allow_empty {
            return Err(CliError::input(
                "secret.data is empty in the input Secret",
                place.as_str(),
                "add items, or pass --allow-empty-data",
            ));
        }
        if let Some(name) = &name_flag {
            secret.metadata.name = Some(name.clone());
        }
        if secret.metadata.name.as_deref().unwrap_or("").is_empty() {
            return Err(CliError::input(
                "missing metadata.name in the input Secret",
                place.as_str(),
                "set metadata.name, or pass --name N",
            ));
        }
        if let Some(namespace) = &forced.namespace {
            secret.metadata.namespace = Some(namespace.clone());
        }
        let annotated = Scope::from_annotations(&secret.metadata.annotations);
        if explicit_scope {
            scope_flag.apply_to(&mut secret.metadata.annotations);
        } else if let Some(scope) = forced.scope.filter(|_| annotated == Scope::Strict) {
            scope.apply_to(&mut secret.metadata.annotations);
        }
        if Scope::from_annotations(&secret.metadata.annotations) != Scope::ClusterWide {
            let (namespace, explicit) = kube.get().clone();
            let own = secret.metadata.namespace.clone().unwrap_or_default();
            if explicit && !own.is_empty() && own != namespace {
                return Err(CliError::input(
                    format!(
                        "namespace mismatch: input secret is in namespace {own:?} but {namespace:?} was specified"
                    ),
                    place.as_str(),
                    "drop -n/--namespace or make the two agree",
                ));
            }
            if own.is_empty() && !namespace.is_empty() {
                secret.metadata.namespace = Some(namespace);
            }
        }
        let options = SealOptions {
            allow_empty_data: true,
            ..SealOptions::default()
        };
        sealed.push(seal_secret(cert, secret, &options).map_err(|e| CliError::seal(e, place))?);
    }
    Ok(sealed)
}

/// `--raw`: one value (stdin, or the one `--from-file [key=]path`) sealed for `--scope` and
/// the identity `--name`/namespace; the bare base64 blob, no newline.
pub fn raw(request: &Request<'_>, cert: &SealingCert) -> Result<String, CliError> {
    let scope = scope_flag(request);
    let name = request.flags.given("name").unwrap_or_default();
    let mut namespace = String::new();
    if scope != Scope::ClusterWide {
        (namespace, _) = kube_api::namespace(&request.target)?;
        if namespace.is_empty() {
            return Err(CliError::usage(
                format!("must provide the --namespace flag with --raw and --scope {scope}"),
                "pass -n NS, or --scope cluster-wide",
            ));
        }
        if name.is_empty() && scope == Scope::Strict {
            return Err(CliError::usage(
                format!("must provide the --name flag with --raw and --scope {scope}"),
                "pass --name N, or --scope namespace-wide|cluster-wide",
            ));
        }
    }
    let from_file = request.flags.list("from-file");
    let value = match from_file {
        [] => {
            if std::io::stdin().is_terminal() {
                eprintln!("(tty detected: expecting a secret to encrypt in stdin)");
            }
            input::read_bytes(None, BUDGET.bytes)?
        }
        [one] => {
            // kubectl's `[key=]path`: the key means nothing for one raw value
            let path = one.split_once('=').map_or(one.as_str(), |(_, path)| path);
            input::read_bytes(Some(Path::new(path)), BUDGET.bytes)?
        }
        _ => {
            return Err(CliError::usage(
                "must provide only one --from-file when encrypting a single item with --raw",
                "seal one value per run",
            ));
        }
    };
    seal_raw(cert, scope, Some(&namespace), Some(&name), &value)
        .map_err(|e| CliError::seal(e, "--raw value"))
}

/// `--merge-into FILE`: the input Secret sealed under the file's name and namespace, its items,
/// template labels, annotations and data merged into the file, which is replaced atomically.
/// Sensible where kubeseal is not: the file's own scope is kept when nothing says another, a
/// template without labels/annotations does not crash, and the file keeps its format unless
/// `-o` says one.
pub fn merge_into(request: &Request<'_>, cert: &SealingCert, file: &Path) -> Result<(), CliError> {
    let shown = file.display().to_string();
    let source = input::read_source(Some(file), BUDGET)?;
    let own_format = if source.text().trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    };
    let sealed: Vec<(SealedSecret, String)> =
        input::decode(&input::documents(source)?, &crate::cmd::unseal::SEALED)?;
    let Some((mut original, place)) = sealed.into_iter().next() else {
        return Err(CliError::input(
            "no SealedSecret to merge into",
            shown,
            "name a sealed file written by kubeseal or sealgate",
        ));
    };
    let file_scope = Scope::from_annotations(&original.metadata.annotations);
    let forced = Forced {
        name: original.metadata.name.clone().filter(|n| !n.is_empty()),
        namespace: original
            .metadata
            .namespace
            .clone()
            .filter(|n| !n.is_empty()),
        scope: Some(file_scope),
    };
    let mut update = seal_input(request, cert, &forced)?;
    if update.len() != 1 {
        return Err(CliError::input(
            format!("the input holds {} Secrets", update.len()),
            input::shown_name(request.input.as_deref()),
            "merge one Secret at a time",
        ));
    }
    let update = update.remove(0);
    let update_scope = Scope::from_annotations(&update.metadata.annotations);
    if update_scope != file_scope {
        return Err(CliError::input(
            format!(
                "the Secret would be sealed {update_scope}, but the file is {file_scope}: the controller could not open the merged items"
            ),
            place,
            "drop --scope and the input's scope annotation, or re-seal the whole file",
        ));
    }
    original
        .spec
        .encrypted_data
        .extend(update.spec.encrypted_data);
    let template = original.spec.template.get_or_insert_with(Default::default);
    if let Some(new) = update.spec.template {
        template
            .metadata
            .annotations
            .extend(new.metadata.annotations);
        template.metadata.labels.extend(new.metadata.labels);
        if let Some(data) = new.data {
            template
                .data
                .get_or_insert_with(Default::default)
                .extend(data);
        }
    }
    let format = if format_given(request) {
        request.format()?
    } else {
        own_format
    };
    let text = render(std::slice::from_ref(&original), format)?;
    output::replace_file(&PathBuf::from(file), text.as_bytes())
}

/// Whether an output format was asked for (`-o`, `SEALED_SECRETS_FORMAT`, or a `-w` ending in
/// `.yaml`), rather than kubeseal's json default.
fn format_given(request: &Request<'_>) -> bool {
    request.flags.is_set("format") || request.format != request.flags.text("format")
}
