//! kubectl's override flags (`--server`, `--token`, `--cluster`, `-n`, …, client-go's
//! `ConfigOverrides`) laid over the kubeconfig, and the namespace kubectl would use.

use std::fmt;
use std::time::Duration;

use kube::Config;
use kube::config::{
    AuthInfo, Cluster, Context, KubeConfigOptions, Kubeconfig, NamedAuthInfo, NamedCluster,
    NamedContext,
};

use crate::error::CliError;
use crate::kube_api::{Target, chain, default_kubeconfig};

/// The override flags given; empty ones are `None`/`false`. `Debug` never shows a credential.
#[derive(Clone, Default)]
pub struct Overrides {
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub server: Option<String>,
    pub certificate_authority: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub tls_server_name: Option<String>,
    pub proxy_url: Option<String>,
    pub disable_compression: bool,
    pub token: Option<String>,
    pub client_certificate: Option<String>,
    pub client_key: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub impersonate: Option<String>,
    pub impersonate_uid: Option<String>,
    pub impersonate_groups: Vec<String>,
    pub request_timeout: Option<Duration>,
}

impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<set>");
        f.debug_struct("Overrides")
            .field("cluster", &self.cluster)
            .field("user", &self.user)
            .field("namespace", &self.namespace)
            .field("server", &self.server)
            .field("token", &hidden(&self.token))
            .field("password", &hidden(&self.password))
            .finish_non_exhaustive()
    }
}

impl Overrides {
    /// Whether anything but the namespace is overridden (the namespace does not change how
    /// the cluster is reached).
    pub fn is_empty(&self) -> bool {
        let Overrides {
            cluster,
            user,
            namespace: _,
            server,
            certificate_authority,
            insecure_skip_tls_verify,
            tls_server_name,
            proxy_url,
            disable_compression,
            token,
            client_certificate,
            client_key,
            username,
            password,
            impersonate,
            impersonate_uid,
            impersonate_groups,
            request_timeout,
        } = self;
        [
            cluster,
            user,
            server,
            certificate_authority,
            tls_server_name,
            proxy_url,
            token,
            client_certificate,
            client_key,
            username,
            password,
            impersonate,
            impersonate_uid,
        ]
        .iter()
        .all(|v| v.is_none())
            && !insecure_skip_tls_verify
            && !disable_compression
            && impersonate_groups.is_empty()
            && request_timeout.is_none()
    }
}

/// The name of the cluster, user and context the override flags make up when the kubeconfig has
/// none to override.
const OVERRIDE: &str = "kubeseal-override";

const HINT: &str = "fix the kubeconfig, or pick another with --kubeconfig/--context";

/// The kubeconfig kubectl would read: `--kubeconfig`, else `$KUBECONFIG` (merged), else
/// `~/.kube/config`; `None` when there is none.
fn read_kubeconfig(target: &Target) -> Result<Option<Kubeconfig>, CliError> {
    let failed = |e: kube::config::KubeconfigError, shown: String| {
        CliError::input(
            format!("cannot load the kubeconfig ({})", chain(&e)),
            shown,
            HINT,
        )
    };
    if let Some(path) = &target.kubeconfig {
        return Kubeconfig::read_from(path)
            .map(Some)
            .map_err(|e| failed(e, path.display().to_string()));
    }
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|l| !l.is_empty()) {
        // client-go merges the files of the list that exist and skips the others
        let mut merged: Option<Kubeconfig> = None;
        for path in std::env::split_paths(&list).filter(|p| p.is_file()) {
            let next =
                Kubeconfig::read_from(&path).map_err(|e| failed(e, path.display().to_string()))?;
            merged = Some(match merged {
                Some(first) => first
                    .merge(next)
                    .map_err(|e| failed(e, default_kubeconfig()))?,
                None => next,
            });
        }
        return Ok(merged);
    }
    let Some(home) = std::env::var_os("HOME") else {
        return Ok(None);
    };
    let path = std::path::Path::new(&home).join(".kube/config");
    if !path.is_file() {
        return Ok(None);
    }
    Kubeconfig::read_from(&path)
        .map(Some)
        .map_err(|e| failed(e, path.display().to_string()))
}

/// The namespace of a request, as client-go's `ClientConfig.Namespace()` gives it: `-n`
/// (explicit: `true`), else the context's namespace, else `default`; in a pod without a
/// kubeconfig, its service account's namespace.
pub fn namespace(target: &Target) -> Result<(String, bool), CliError> {
    if let Some(namespace) = target.overrides.namespace.clone() {
        return Ok((namespace, true));
    }
    let Some(kubeconfig) = read_kubeconfig(target)? else {
        if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
            let file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
            if let Ok(namespace) = std::fs::read_to_string(file) {
                return Ok((namespace.trim().to_owned(), false));
            }
        }
        if target.overrides.server.is_some() {
            return Ok(("default".to_owned(), false));
        }
        return Err(CliError::input(
            "no kubeconfig to take the namespace from",
            default_kubeconfig(),
            "pass --namespace NS, or --kubeconfig FILE",
        ));
    };
    let name = context_name(target, &kubeconfig).ok_or_else(|| {
        CliError::input(
            "the kubeconfig has no current-context",
            default_kubeconfig(),
            "pass --context NAME or --namespace NS",
        )
    })?;
    let context = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            CliError::input(
                format!("context {name:?} is not in the kubeconfig"),
                default_kubeconfig(),
                "pass an existing --context, or --namespace NS",
            )
        })?;
    let namespace = context
        .context
        .as_ref()
        .and_then(|c| c.namespace.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_owned());
    Ok((namespace, false))
}

/// The context kubectl would use: `--context`, else the kubeconfig's current-context (empty = none).
fn context_name(target: &Target, kubeconfig: &Kubeconfig) -> Option<String> {
    target
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
        .filter(|n| !n.is_empty())
}

/// The client configuration with the overrides applied to the cluster and user the context
/// names (or `--cluster`/`--user`); `--server` alone works without any kubeconfig.
pub async fn config(target: &Target) -> Result<Config, CliError> {
    let o = &target.overrides;
    let mut kubeconfig = match read_kubeconfig(target)? {
        Some(kubeconfig) => kubeconfig,
        None if o.server.is_some() => Kubeconfig::default(),
        None => {
            return Err(CliError::input(
                "no kubeconfig, and no --server",
                default_kubeconfig(),
                "pass --kubeconfig FILE, or --server URL",
            ));
        }
    };
    let context_name = context_name(target, &kubeconfig).unwrap_or_else(|| OVERRIDE.to_owned());
    let context = entry(&mut kubeconfig.contexts, &context_name).clone();
    let cluster_name = o.cluster.clone().unwrap_or(context.cluster);
    let user_name = o
        .user
        .clone()
        .or(context.user)
        .unwrap_or_else(|| OVERRIDE.to_owned());

    let cluster = entry(&mut kubeconfig.clusters, &cluster_name);
    if let Some(server) = &o.server {
        cluster.server = Some(server.clone());
    }
    if let Some(ca) = &o.certificate_authority {
        cluster.certificate_authority = Some(ca.clone());
        cluster.certificate_authority_data = None;
    }
    if o.insecure_skip_tls_verify {
        cluster.insecure_skip_tls_verify = Some(true);
        // client-go drops the CA then: both together are refused
        cluster.certificate_authority = None;
        cluster.certificate_authority_data = None;
    }
    if let Some(name) = &o.tls_server_name {
        cluster.tls_server_name = Some(name.clone());
    }
    if let Some(url) = &o.proxy_url {
        cluster.proxy_url = Some(url.clone());
    }
    if o.disable_compression {
        cluster.disable_compression = Some(true);
    }

    let user = entry(&mut kubeconfig.auth_infos, &user_name);
    if let Some(token) = &o.token {
        user.token = Some(token.clone().into());
        user.token_file = None;
    }
    if let Some(path) = &o.client_certificate {
        user.client_certificate = Some(path.clone());
        user.client_certificate_data = None;
    }
    if let Some(path) = &o.client_key {
        user.client_key = Some(path.clone());
        user.client_key_data = None;
    }
    if let Some(name) = &o.username {
        user.username = Some(name.clone());
    }
    if let Some(password) = &o.password {
        user.password = Some(password.clone().into());
    }
    if let Some(name) = &o.impersonate {
        user.impersonate = Some(name.clone());
    }
    if let Some(uid) = &o.impersonate_uid {
        user.impersonate_uid = Some(uid.clone());
    }
    if !o.impersonate_groups.is_empty() {
        user.impersonate_groups = Some(o.impersonate_groups.clone());
    }

    let options = KubeConfigOptions {
        context: Some(context_name),
        cluster: Some(cluster_name),
        user: Some(user_name),
    };
    let shown = target
        .kubeconfig
        .as_ref()
        .map_or_else(default_kubeconfig, |p| p.display().to_string());
    Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| CliError::input(format!("unusable kubeconfig ({})", chain(&e)), shown, HINT))
}

/// A named kubeconfig entry (cluster, user, context) and what a new one holds.
trait Named {
    type Inner;
    fn name(&self) -> &str;
    fn fresh(name: String) -> Self;
    fn inner(&mut self) -> &mut Option<Self::Inner>;
    fn default_inner() -> Self::Inner;
}

/// The entry named `name` (added when missing), its inner part filled in when empty.
fn entry<'a, T: Named>(list: &'a mut Vec<T>, name: &str) -> &'a mut T::Inner {
    let at = match list.iter().position(|item| item.name() == name) {
        Some(at) => at,
        None => {
            list.push(T::fresh(name.to_owned()));
            list.len() - 1
        }
    };
    list[at].inner().get_or_insert_with(T::default_inner)
}

/// One `Named` impl: kube's three `Named*` entries differ only in their field and in what a
/// fresh inner part holds.
macro_rules! named {
    ($entry:ident, $field:ident: $inner:ty = $fresh:expr) => {
        impl Named for $entry {
            type Inner = $inner;
            fn name(&self) -> &str {
                &self.name
            }
            fn fresh(name: String) -> Self {
                $entry {
                    name,
                    $field: None,
                    other: Default::default(),
                }
            }
            fn inner(&mut self) -> &mut Option<$inner> {
                &mut self.$field
            }
            fn default_inner() -> $inner {
                $fresh
            }
        }
    };
}

named!(NamedCluster, cluster: Cluster = Cluster::default());
named!(NamedAuthInfo, auth_info: AuthInfo = AuthInfo::default());
// A context the override flags make up: their own cluster and user.
named!(NamedContext, context: Context = Context {
    cluster: OVERRIDE.to_owned(),
    user: Some(OVERRIDE.to_owned()),
    ..Context::default()
});
