//! Command-line flags of `sealgate-controller`; every flag also reads an environment variable.
//!
//! Each flag has `env = "SEALGATE_…"`. Where upstream's controller has the same flag, its
//! `SEALED_SECRETS_…` variable works too (see [`Config::parse_from_env_and_args`]), so an
//! existing Deployment's environment carries over unchanged.
//!
//! The flags come in groups, one per part of the controller, and each group converts into that
//! part's own configuration ([`Settings`], [`KeyPolicy`], [`LeaderConfig`], [`HttpConfig`]).
//! Values are checked when they are parsed (a `--key-size` of 1024 stops the start with a usage
//! error), so the conversions cannot fail.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, ValueEnum};
use sealgate_core::duration::GoDuration;
use sealgate_core::seal::KeyBits;

use crate::http::HttpConfig;
use crate::keys::{KeyMetadata, KeyPolicy, Schedule};
use crate::leader::LeaderConfig;
use crate::reconcile::Settings;

/// The leader looks at the key Secrets at least this often, even without a watch event.
const KEY_RESYNC: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "sealgate-controller",
    version,
    about = "Unseals SealedSecrets into Secrets in the cluster that holds the keys (drop-in for the Bitnami sealed-secrets controller)"
)]
pub struct Config {
    #[command(flatten)]
    pub cluster: ClusterFlags,
    #[command(flatten)]
    pub watch: WatchFlags,
    #[command(flatten)]
    pub reconcile: ReconcileFlags,
    #[command(flatten)]
    pub kube_client: KubeClientFlags,
    #[command(flatten)]
    pub log: LogFlags,
    #[command(flatten)]
    pub leader: LeaderFlags,
    #[command(flatten)]
    pub keys: KeyFlags,
    #[command(flatten)]
    pub backup: BackupFlags,
    #[command(flatten)]
    pub http: HttpFlags,
}

/// Where the controller runs: the API server and the namespace of its keys.
#[derive(Debug, Clone, Args)]
pub struct ClusterFlags {
    /// Kubeconfig to use out of cluster (tests, development); in-cluster config otherwise.
    #[arg(long, env = "SEALGATE_KUBECONFIG", value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// Namespace that holds the key Secrets; default: the pod's namespace, else `default`.
    #[arg(long, env = "POD_NAMESPACE", value_name = "NS")]
    pub namespace: Option<String>,
}

/// Which SealedSecrets are watched.
#[derive(Debug, Clone, Args)]
pub struct WatchFlags {
    /// Watch SealedSecrets in every namespace; `false` watches the controller namespace only.
    #[arg(long, env = "SEALGATE_ALL_NAMESPACES", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub all_namespaces: bool,

    /// Also watch these namespaces (comma-separated). With any, or with `--all-namespaces=false`,
    /// only the controller namespace and these are watched.
    #[arg(
        long,
        env = "SEALGATE_ADDITIONAL_NAMESPACES",
        value_delimiter = ',',
        value_name = "NS,…"
    )]
    pub additional_namespaces: Vec<String>,

    /// Unseal only SealedSecrets whose labels match this selector (`team=a,tier!=db`).
    #[arg(long, env = "SEALGATE_LABEL_SELECTOR", value_name = "SELECTOR")]
    pub label_selector: Option<String>,
}

/// How SealedSecrets are reconciled: see [`Settings`].
#[derive(Debug, Clone, Args)]
pub struct ReconcileFlags {
    /// Unseal the deprecated whole-Secret `spec.data` format.
    #[arg(long, env = "SEALGATE_ACCEPT_DEPRECATED_V1_DATA", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub accept_deprecated_v1_data: bool,

    /// Write `status` (observedGeneration + Synced condition) on SealedSecrets.
    #[arg(long, env = "SEALGATE_UPDATE_STATUS", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub update_status: bool,

    /// SealedSecrets reconciled at the same time (RSA work is further bounded by the CPU count).
    #[arg(long, env = "SEALGATE_WORKERS", default_value_t = 8, value_name = "N")]
    pub workers: u16,

    /// Every SealedSecret is checked again this often (cheap: an in-sync item costs no RSA work).
    #[arg(long, env = "SEALGATE_RESYNC_PERIOD", default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub resync_period: Duration,

    /// Upper bound of the retry backoff after a failure (retries never stop).
    #[arg(long, env = "SEALGATE_MAX_RETRY_BACKOFF", default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub max_retry_backoff: Duration,
}

/// Client-side rate limit of the API requests: see [`crate::kube_client`].
#[derive(Debug, Clone, Args)]
pub struct KubeClientFlags {
    /// API requests per second (client-side token bucket, as upstream's); not positive = no
    /// limit, the default (upstream's default of 5 is most of its cold-sync time).
    #[arg(long, env = "SEALGATE_KUBECLIENT_QPS", default_value_t = -1.0, allow_negative_numbers = true, value_name = "QPS")]
    pub kubeclient_qps: f32,

    /// Requests allowed at once above `--kubeclient-qps`.
    #[arg(
        long,
        env = "SEALGATE_KUBECLIENT_BURST",
        default_value_t = 10,
        value_name = "N"
    )]
    pub kubeclient_burst: u32,
}

/// Log output: see [`crate::telemetry`].
#[derive(Debug, Clone, Args)]
pub struct LogFlags {
    /// Log format.
    #[arg(long, env = "SEALGATE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log level (error, warn, info, debug, trace) or a tracing filter directive.
    #[arg(
        long,
        env = "SEALGATE_LOG_LEVEL",
        default_value = "info",
        value_name = "LEVEL"
    )]
    pub log_level: String,
}

/// Leader election: see [`LeaderConfig`].
#[derive(Debug, Clone, Args)]
pub struct LeaderFlags {
    /// Leader election on a Lease: only the leader writes. `false` for a single replica.
    #[arg(long, env = "SEALGATE_LEADER_ELECT", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub leader_elect: bool,

    /// How long the leader's lease lasts without renewal: a standby takes over within about this.
    #[arg(long, env = "SEALGATE_LEASE_DURATION", default_value = "15s", value_parser = parse_duration, value_name = "DURATION")]
    pub lease_duration: Duration,

    /// Name of the leader Lease in the controller namespace.
    #[arg(long, env = "SEALGATE_LEASE_NAME", default_value = crate::leader::DEFAULT_LEASE_NAME, value_name = "NAME")]
    pub lease_name: String,
}

/// Key generation and renewal on the leader: see [`KeyPolicy`].
#[derive(Debug, Clone, Args)]
pub struct KeyFlags {
    /// A new key this long after the newest one; 0 disables renewal.
    #[arg(long, alias = "rotate-period", env = "SEALGATE_KEY_RENEW_PERIOD", default_value = "720h", value_parser = parse_duration, value_name = "DURATION")]
    pub key_renew_period: Duration,

    /// Keys older than this time are replaced by a new one once it has passed (RFC 1123Z as
    /// `date -R` prints it, or RFC 3339).
    #[arg(long, env = "SEALGATE_KEY_CUTOFF_TIME", value_parser = crate::keys::parse_cutoff, value_name = "TIME")]
    pub key_cutoff_time: Option<time::OffsetDateTime>,

    /// Name prefix of generated key Secrets (and the exact name of the legacy key Secret).
    #[arg(
        long,
        env = "SEALGATE_KEY_PREFIX",
        default_value = "sealed-secrets-key",
        value_name = "PREFIX"
    )]
    pub key_prefix: String,

    /// RSA size of generated keys (2048, 3072 or 4096).
    #[arg(long, env = "SEALGATE_KEY_SIZE", default_value = "4096", value_parser = parse_key_size, value_name = "BITS")]
    pub key_size: KeyBits,

    /// Validity of generated certificates.
    #[arg(long, env = "SEALGATE_KEY_TTL", default_value = "87600h", value_parser = parse_key_ttl, value_name = "DURATION")]
    pub key_ttl: time::Duration,

    /// Common name of generated certificates (empty: an empty subject, like upstream).
    #[arg(long, env = "SEALGATE_MY_CN", default_value = "", value_name = "CN")]
    pub my_cn: String,

    /// Extra labels on generated key Secrets: `k=v,k2=v2`.
    #[arg(long, env = "SEALGATE_PRIVATEKEY_LABELS", default_value = "", value_parser = crate::keys::parse_pairs, value_name = "K=V,…")]
    pub privatekey_labels: BTreeMap<String, String>,

    /// Extra annotations on generated key Secrets: `k=v,k2=v2`.
    #[arg(long, env = "SEALGATE_PRIVATEKEY_ANNOTATIONS", default_value = "", value_parser = crate::keys::parse_pairs, value_name = "K=V,…")]
    pub privatekey_annotations: BTreeMap<String, String>,

    /// ConfigMap in the controller namespace where the leader publishes the newest cert
    /// (`cert.pem`, `fingerprint`) for `sealgate seal`.
    #[arg(long, env = "SEALGATE_CERT_CONFIGMAP", default_value = crate::keys::CERT_CONFIGMAP, value_name = "NAME")]
    pub cert_configmap: String,
}

/// The age backup of the keys: see [`crate::keys::Backup`].
#[derive(Debug, Clone, Args)]
pub struct BackupFlags {
    /// age recipient (`age1…`, `ssh-ed25519 …`, `ssh-rsa …`) of the key backup written before
    /// every new key; repeatable (the variable takes a comma-separated list).
    #[arg(
        long = "backup-recipient",
        env = "SEALGATE_BACKUP_RECIPIENTS",
        value_delimiter = ',',
        value_name = "RECIPIENT"
    )]
    pub backup_recipients: Vec<String>,

    /// Secret in the controller namespace that holds the age backup (`keys.age`).
    #[arg(long, env = "SEALGATE_BACKUP_NAME", default_value = crate::keys::BACKUP_NAME, value_name = "NAME")]
    pub backup_name: String,
}

/// The HTTP API and metrics servers: see [`HttpConfig`].
#[derive(Debug, Clone, Args)]
pub struct HttpFlags {
    /// Address of the HTTP API (`/healthz`, `/v1/cert.pem`, `/v1/verify`, `/v1/rotate`).
    #[arg(
        long,
        env = "SEALGATE_LISTEN_ADDR",
        default_value = ":8080",
        value_name = "ADDR"
    )]
    pub listen_addr: String,

    /// Address of the Prometheus `/metrics` endpoint.
    #[arg(
        long,
        env = "SEALGATE_LISTEN_METRICS_ADDR",
        default_value = ":8081",
        value_name = "ADDR"
    )]
    pub listen_metrics_addr: String,

    /// `/v1/verify` requests per second per client (0: unlimited).
    #[arg(
        long,
        env = "SEALGATE_RATE_LIMIT",
        default_value_t = 2,
        value_name = "N"
    )]
    pub rate_limit: u32,

    /// Burst of `/v1/verify` requests per client.
    #[arg(
        long,
        env = "SEALGATE_RATE_LIMIT_BURST",
        default_value_t = 2,
        value_name = "N"
    )]
    pub rate_limit_burst: u32,

    /// Upstream's HTTP read timeout; with `--write-timeout` it bounds one API request (503 after).
    #[arg(long, env = "SEALGATE_READ_TIMEOUT", default_value = "2m", value_parser = parse_duration, value_name = "DURATION")]
    pub read_timeout: Duration,

    /// Upstream's HTTP write timeout (see `--read-timeout`).
    #[arg(long, env = "SEALGATE_WRITE_TIMEOUT", default_value = "2m", value_parser = parse_duration, value_name = "DURATION")]
    pub write_timeout: Duration,

    /// Leave `sealed_secrets_controller_condition_info` empty, so `/metrics` does not list
    /// SealedSecret namespaces and names (for a metrics port that users who should not see the
    /// SealedSecret inventory can reach).
    #[arg(long, env = "SEALGATE_METRICS_OMIT_SECRET_LABELS", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub metrics_omit_secret_labels: bool,
}

impl From<&ReconcileFlags> for Settings {
    fn from(flags: &ReconcileFlags) -> Self {
        Self {
            accept_deprecated_v1_data: flags.accept_deprecated_v1_data,
            update_status: flags.update_status,
            resync_period: flags.resync_period,
            max_retry_backoff: flags.max_retry_backoff,
        }
    }
}

impl From<&HttpFlags> for HttpConfig {
    fn from(flags: &HttpFlags) -> Self {
        Self {
            listen_addr: flags.listen_addr.clone(),
            metrics_addr: flags.listen_metrics_addr.clone(),
            rate_limit: flags.rate_limit,
            rate_limit_burst: flags.rate_limit_burst,
            request_timeout: flags.read_timeout.saturating_add(flags.write_timeout),
        }
    }
}

impl LeaderFlags {
    /// The election of `identity` on the Lease in `namespace` (the controller namespace).
    pub fn config(&self, namespace: &str, identity: String) -> LeaderConfig {
        LeaderConfig {
            enabled: self.leader_elect,
            namespace: namespace.to_owned(),
            lease_name: self.lease_name.clone(),
            identity,
            lease_duration: self.lease_duration,
        }
    }
}

impl KeyFlags {
    /// The leader's key policy for the key Secrets in `namespace` (the controller namespace).
    pub fn policy(&self, namespace: &str) -> KeyPolicy {
        KeyPolicy {
            namespace: namespace.to_owned(),
            prefix: self.key_prefix.clone(),
            bits: self.key_size,
            ttl: self.key_ttl,
            common_name: Some(self.my_cn.clone()).filter(|cn| !cn.is_empty()),
            metadata: KeyMetadata {
                labels: self.privatekey_labels.clone(),
                annotations: self.privatekey_annotations.clone(),
            },
            schedule: Schedule::new(self.key_renew_period, self.key_cutoff_time),
            cert_configmap: self.cert_configmap.clone(),
            resync: KEY_RESYNC,
        }
    }
}

/// Flags upstream's controller also has: their `SEALED_SECRETS_<FLAG>` variables are honoured.
const UPSTREAM_FLAGS: &[&str] = &[
    "all-namespaces",
    "additional-namespaces",
    "label-selector",
    "accept-deprecated-v1-data",
    "update-status",
    "kubeclient-qps",
    "kubeclient-burst",
    "log-format",
    "log-level",
    "key-renew-period",
    "key-cutoff-time",
    "key-prefix",
    "key-size",
    "key-ttl",
    "my-cn",
    "privatekey-labels",
    "privatekey-annotations",
    "listen-addr",
    "listen-metrics-addr",
    "rate-limit",
    "rate-limit-burst",
    "read-timeout",
    "write-timeout",
    "metrics-omit-secret-labels",
];

impl Config {
    /// Parses the process arguments; `SEALED_SECRETS_*` variables fill flags that neither the
    /// command line nor a `SEALGATE_*` variable set.
    pub fn parse_from_env_and_args() -> Result<Self, clap::Error> {
        Self::parse_from_with(std::env::args_os().collect(), |k| std::env::var_os(k))
    }

    /// [`Config::parse_from_env_and_args`] with explicit arguments and environment (tests).
    pub fn parse_from_with(
        mut args: Vec<OsString>,
        env: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Self, clap::Error> {
        let command = Self::command();
        let given: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if !UPSTREAM_FLAGS.contains(&long) {
                continue;
            }
            let on_command_line = given
                .iter()
                .any(|a| a == &format!("--{long}") || a.starts_with(&format!("--{long}=")));
            let ours_set = arg
                .get_env()
                .and_then(|e| env(&e.to_string_lossy()))
                .is_some();
            if on_command_line || ours_set {
                continue;
            }
            let upstream = format!("SEALED_SECRETS_{}", long.to_uppercase().replace('-', "_"));
            if let Some(value) = env(&upstream) {
                let mut flag = OsString::from(format!("--{long}="));
                flag.push(value);
                args.push(flag);
            }
        }
        let matches = command.try_get_matches_from(args)?;
        Self::from_arg_matches(&matches)
    }
}

/// Go durations as upstream's flags take them (`720h`, `1h30m`, `90s`, `500ms`: see
/// [`sealgate_core::duration`]); a bare number is seconds. Negative durations are refused.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    match sealgate_core::duration::parse(text) {
        Ok(GoDuration {
            negative,
            magnitude,
        }) if !negative || magnitude.is_zero() => Ok(magnitude),
        _ => Err(format!(
            "{text:?} is not a duration (examples: 90s, 10m, 720h, 1h30m, 500ms)"
        )),
    }
}

/// `--key-size`: the RSA sizes keys are generated with.
fn parse_key_size(text: &str) -> Result<KeyBits, String> {
    match text.trim() {
        "2048" => Ok(KeyBits::Rsa2048),
        "3072" => Ok(KeyBits::Rsa3072),
        "4096" => Ok(KeyBits::Rsa4096),
        other => Err(format!("{other} is not supported; use 2048, 3072 or 4096")),
    }
}

/// `--key-ttl`: a duration that fits a certificate's validity.
fn parse_key_ttl(text: &str) -> Result<time::Duration, String> {
    let ttl = parse_duration(text)?;
    time::Duration::try_from(ttl).map_err(|_| format!("{ttl:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("720h"), Ok(Duration::from_secs(720 * 3600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("42"), Ok(Duration::from_secs(42)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-5m").is_err(), "no negative durations");
    }

    fn parse(extra: &[&str]) -> Result<Config, clap::Error> {
        let mut args = vec![OsString::from("sealgate-controller")];
        args.extend(extra.iter().map(OsString::from));
        Config::parse_from_with(args, |_| None)
    }

    #[test]
    fn key_size_and_ttl_are_checked_when_parsed() -> Result<(), clap::Error> {
        let config = parse(&["--key-size=2048", "--key-ttl=24h"])?;
        assert_eq!(config.keys.key_size, KeyBits::Rsa2048);
        assert_eq!(config.keys.key_ttl, time::Duration::hours(24));
        assert_eq!(
            parse(&[])?.keys.key_size,
            KeyBits::Rsa4096,
            "upstream's default"
        );
        let error = parse(&["--key-size=1024"]).err().map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("1024 is not supported; use 2048, 3072 or 4096")),
            "{error:?}"
        );
        let error = parse(&["--key-ttl=18446744073709551615"])
            .err()
            .map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains("is too long")),
            "{error:?}"
        );
        Ok(())
    }

    #[test]
    fn groups_convert_into_each_part_s_configuration() -> Result<(), clap::Error> {
        let config = parse(&[
            "--read-timeout=1m",
            "--write-timeout=30s",
            "--my-cn=",
            "--privatekey-labels=a=1",
            "--leader-elect=false",
            "--lease-name=l",
        ])?;
        let http = HttpConfig::from(&config.http);
        assert_eq!(http.request_timeout, Duration::from_secs(90));
        assert_eq!(http.listen_addr, ":8080");
        let policy = config.keys.policy("ctl");
        assert_eq!(policy.namespace, "ctl");
        assert_eq!(policy.common_name, None, "an empty CN is an empty subject");
        assert_eq!(
            policy.metadata.labels.get("a").map(String::as_str),
            Some("1")
        );
        assert_eq!(policy.resync, KEY_RESYNC);
        let leader = config.leader.config("ctl", "me".to_owned());
        assert!(!leader.enabled);
        assert_eq!(
            (leader.lease_name.as_str(), leader.lease_duration),
            ("l", Duration::from_secs(15))
        );
        let settings = Settings::from(&config.reconcile);
        assert!(settings.accept_deprecated_v1_data && settings.update_status);
        assert_eq!(settings.resync_period, Duration::from_secs(600));
        Ok(())
    }

    #[test]
    fn upstream_env_fills_only_unset_flags() -> Result<(), clap::Error> {
        let env = |k: &str| match k {
            "SEALED_SECRETS_ACCEPT_DEPRECATED_V1_DATA" => Some(OsString::from("false")),
            "SEALED_SECRETS_LOG_FORMAT" => Some(OsString::from("json")),
            "SEALED_SECRETS_LOG_LEVEL" => Some(OsString::from("debug")),
            "SEALGATE_LOG_LEVEL" => Some(OsString::from("warn")),
            _ => None,
        };
        let args = vec![
            OsString::from("sealgate-controller"),
            OsString::from("--log-format=text"),
        ];
        let config = Config::parse_from_with(args, env)?;
        assert!(
            !config.reconcile.accept_deprecated_v1_data,
            "upstream variable applies"
        );
        assert_eq!(config.log.log_format, LogFormat::Text, "command line wins");
        // Our own variable wins over upstream's: clap reads SEALGATE_LOG_LEVEL from the real
        // environment, which this test does not set, so the upstream one must have been skipped.
        assert_eq!(config.log.log_level, "info");
        Ok(())
    }
}
