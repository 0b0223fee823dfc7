//! Flags of the commands that seal, unseal, edit and compare SealedSecrets: `seal`, `unseal`,
//! `set`, `reencrypt`, `cert`, `keys` and `drift`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum, ValueHint};

use super::{Format, LimitFlags};

/// Flags of `drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Files or folders (searched recursively for .yaml/.yml/.json) holding SealedSecrets
    #[arg(value_name = "PATH", required = true, value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,
    /// Report format
    #[arg(short, long, value_enum, default_value = "text")]
    pub output: DriftFormat,
    /// Also report live SealedSecrets there that no file declares (orphaned; repeatable)
    #[arg(long, value_name = "NAMESPACE")]
    pub prune_scope: Vec<String>,
    #[command(flatten)]
    pub limits: LimitFlags,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// Report formats of `drift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DriftFormat {
    Text,
    Json,
    Sarif,
}

/// Clusters of the repository config (`.sealgate.yaml`) to work for, each with its certificate
/// (shared by seal and set).
#[derive(Debug, Args)]
#[command(next_help_heading = "Clusters")]
pub struct ClusterSelectArgs {
    /// A cluster of the repository config (repeatable); the file path takes a {cluster} placeholder
    #[arg(long = "cluster", value_name = "NAME")]
    pub names: Vec<String>,
    /// Every cluster of the repository config
    #[arg(long, conflicts_with = "names")]
    pub all_clusters: bool,
    /// Repository config declaring the clusters (default: .sealgate.yaml here or in a parent folder)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
}

impl ClusterSelectArgs {
    pub fn any(&self) -> bool {
        !self.names.is_empty() || self.all_clusters
    }
}

/// Where the sealing certificate comes from (shared by seal, set and cert).
#[derive(Debug, Args)]
#[command(next_help_heading = "Certificate")]
pub struct CertSourceArgs {
    /// Sealing certificate: a PEM file, or an https:// URL (http:// only for loopback)
    #[arg(long, value_name = "FILE|URL", env = "SEALED_SECRETS_CERT", value_hint = ValueHint::FilePath)]
    pub cert: Option<String>,
    /// Use the local key pair under $SEALGATE_HOME (created on first use); no cluster needed
    #[arg(long)]
    pub local: bool,
    #[command(flatten)]
    pub controller: ControllerNamespaceArg,
    /// Service name of the sealed-secrets controller
    #[arg(
        long,
        value_name = "NAME",
        env = "SEALED_SECRETS_CONTROLLER_NAME",
        default_value = "sealed-secrets-controller"
    )]
    pub controller_name: String,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// The sealed-secrets controller's namespace, where its certificate and key Secrets are.
#[derive(Debug, Args)]
pub struct ControllerNamespaceArg {
    /// Namespace of the sealed-secrets controller (its certificate and key Secrets), through kubeconfig
    #[arg(
        long,
        value_name = "NS",
        env = "SEALED_SECRETS_CONTROLLER_NAMESPACE",
        default_value = "kube-system"
    )]
    pub controller_namespace: String,
}

/// Which cluster to talk to (kubectl's kubeconfig rules: exec plugins, OIDC, token files, proxies).
#[derive(Debug, Args)]
#[command(next_help_heading = "Cluster")]
pub struct ClusterArgs {
    /// kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the in-cluster service account)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub kubeconfig: Option<PathBuf>,
    /// kubeconfig context to use (default: its current-context)
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// Input Secrets (YAML stream, JSON, or a List); `-` or absent = stdin
    #[arg(
        short = 'f',
        long = "file",
        visible_alias = "secret-file",
        value_name = "IN",
        value_hint = ValueHint::FilePath
    )]
    pub file: Option<PathBuf>,
    /// Write the output here atomically (only when everything succeeded) instead of stdout
    #[arg(
        short = 'w',
        long = "output-file",
        visible_alias = "sealed-secret-file",
        value_name = "OUT",
        value_hint = ValueHint::FilePath
    )]
    pub output_file: Option<PathBuf>,
    /// Sealing scope; default: from the input's annotations, else strict
    #[arg(long, value_name = "SCOPE", value_enum)]
    pub scope: Option<ScopeArg>,
    /// Output format
    #[arg(short = 'o', long = "format", value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Name: for --raw, or to override the input Secret's name
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Namespace: for --raw, or for input Secrets that have none
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Accept Secrets with no data and no stringData
    #[arg(long)]
    pub allow_empty_data: bool,
    /// Seal one value (stdin, or --from-file) and print the bare base64 blob
    #[arg(long)]
    pub raw: bool,
    /// With --raw: read the value from this file instead of stdin
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub from_file: Option<PathBuf>,
    #[command(flatten)]
    pub clusters: ClusterSelectArgs,
    #[command(flatten)]
    pub cert: CertSourceArgs,
    #[command(flatten)]
    pub limits: LimitFlags,
}

/// Sealing scope, as the `sealedsecrets.bitnami.com/*` annotations name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    Strict,
    NamespaceWide,
    ClusterWide,
}

#[derive(Debug, Args)]
pub struct UnsealArgs {
    /// Private key: PEM (PKCS#1/PKCS#8), a kubernetes.io/tls Secret, a v1 List of them, or an age-encrypted key backup (with --identity); repeat --key or separate with commas
    #[arg(long = "key", value_name = "FILE", value_delimiter = ',', value_hint = ValueHint::FilePath)]
    pub keys: Vec<PathBuf>,
    /// age identity that opens an age-encrypted --key backup: AGE-SECRET-KEY-1… lines or an unencrypted SSH private key (repeatable)
    #[arg(
        long = "identity",
        short = 'i',
        value_name = "FILE",
        env = "SEALGATE_AGE_IDENTITY",
        value_delimiter = ',',
        value_hint = ValueHint::FilePath
    )]
    pub identities: Vec<PathBuf>,
    /// Also try the local key pair under $SEALGATE_HOME
    #[arg(long)]
    pub local: bool,
    /// Input SealedSecrets (YAML stream, JSON, or a List); `-` or absent = stdin
    #[arg(short = 'f', long = "file", value_name = "IN", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Output format (json: one JSON object per Secret)
    #[arg(short = 'o', long = "format", value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    #[command(flatten)]
    pub limits: LimitFlags,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The sealed file to edit in place (YAML or JSON, one SealedSecret)
    #[arg(value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// Item key to add or replace in spec.encryptedData
    pub key: String,
    /// Read the value from this file instead of stdin
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub from_file: Option<PathBuf>,
    #[command(flatten)]
    pub clusters: ClusterSelectArgs,
    #[command(flatten)]
    pub cert: CertSourceArgs,
    #[command(flatten)]
    pub limits: LimitFlags,
}

#[derive(Debug, Args)]
pub struct ReencryptArgs {
    /// Sealed files or directories (searched recursively for .yaml/.yml/.json); with --cluster/--all-clusters, default: the repository config's folder
    #[arg(
        required_unless_present_any = ["names", "all_clusters"],
        value_name = "PATH",
        value_hint = ValueHint::AnyPath
    )]
    pub paths: Vec<PathBuf>,
    /// Old private key(s) able to open the current items; repeat --key or separate with commas
    #[arg(long = "key", value_name = "FILE", value_delimiter = ',', value_hint = ValueHint::FilePath)]
    pub keys: Vec<PathBuf>,
    /// Also try the local key pair as an old key
    #[arg(long)]
    pub local_key: bool,
    /// New sealing certificate (PEM file or https:// URL)
    #[arg(long, value_name = "FILE|URL", value_hint = ValueHint::FilePath)]
    pub cert: Option<String>,
    /// Seal for the local key pair's certificate
    #[arg(long)]
    pub local: bool,
    #[command(flatten)]
    pub clusters: ClusterSelectArgs,
    #[command(flatten)]
    pub limits: LimitFlags,
}

#[derive(Debug, Args)]
pub struct CertArgs {
    /// Certificate to inspect: a PEM file or an https:// URL
    #[arg(value_name = "FILE|URL", value_hint = ValueHint::FilePath)]
    pub source: Option<String>,
    /// Fetch the certificate from the controller through kubeconfig
    #[arg(long)]
    pub fetch: bool,
    /// Print the certificate PEM instead of the summary
    #[arg(long)]
    pub pem: bool,
    /// One line per cluster of the repository config: fingerprint, expiry and days left
    #[arg(long)]
    pub all_clusters: bool,
    /// Repository config declaring the clusters (default: .sealgate.yaml here or in a parent folder)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub cert: CertSourceArgs,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Write the controller's key Secrets as an armored age file, safe to commit
    Backup(KeysBackupArgs),
    /// Re-create the key Secrets of an age backup in the cluster
    Restore(KeysRestoreArgs),
}

#[derive(Debug, Args)]
pub struct KeysBackupArgs {
    /// age recipient: age1… (age-keygen), or an ssh-ed25519/ssh-rsa public key (repeatable)
    #[arg(short = 'r', long = "recipient", value_name = "AGE")]
    pub recipients: Vec<String>,
    /// Write the backup here atomically instead of stdout
    #[arg(short = 'w', long = "output-file", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output_file: Option<PathBuf>,
    #[command(flatten)]
    pub controller: ControllerNamespaceArg,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Args)]
pub struct KeysRestoreArgs {
    /// age identity: AGE-SECRET-KEY-1… lines, or an unencrypted SSH private key (repeatable)
    #[arg(short = 'i', long = "identity", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub identities: Vec<PathBuf>,
    /// The backup (armored or binary age file); `-` or absent = stdin
    #[arg(short = 'f', long = "file", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Namespace to restore into (default: the one recorded in the backup)
    #[arg(long, value_name = "NS", env = "SEALED_SECRETS_CONTROLLER_NAMESPACE")]
    pub controller_namespace: Option<String>,
    /// Replace key Secrets that exist with other content (default: refuse, change nothing)
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}
