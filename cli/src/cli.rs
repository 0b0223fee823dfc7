//! Command-line definitions: clap derive structs that only describe flags, with no logic.
//!
//! Each subcommand is one `Command` variant holding one `…Args` struct; the subcommand's own
//! module (`cmd/`) turns those args into a typed request (rejecting conflicts) and runs it.
//! Adding a subcommand = one variant here + one args struct + one `match` arm in `main.rs`.
//! Flags shared by several commands are one `#[command(flatten)]` group each, defined once.
//!
//! Flattened groups come last in each struct: a group's help heading stays in force for the
//! flags declared after it.
//!
//! Two short flags mean different things in different commands, for compatibility with the
//! tools they replace: `-o` is kubeseal's `--format` in seal/unseal but conftest's `--output` in
//! validate, and `-n` is kubeseal's `--namespace` in seal but conftest's Rego `--namespace` in
//! validate.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use sealgate_core::gate::parsers::{self, Parser as InputParser};

/// Seal Kubernetes Secrets for Git (kubeseal-compatible), recover them offline, and gate manifests.
#[derive(Debug, Parser)]
#[command(name = "sealgate", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Encrypt Secrets into SealedSecrets (or one value with --raw) with a sealing certificate
    Seal(SealArgs),
    /// Decrypt SealedSecrets back into Secrets offline with private keys (disaster recovery)
    Unseal(UnsealArgs),
    /// Add or replace one item of a sealed file; every other line stays byte-identical
    Set(SetArgs),
    /// Re-seal the items of sealed files for a new certificate, offline, keeping everything else
    Reencrypt(ReencryptArgs),
    /// Show a sealing certificate: fingerprint, key size, validity and days left
    Cert(CertArgs),
    /// Back up the controller's private keys to age recipients, or restore them (through kubeconfig)
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
    /// Work on Rego policies: `policy test` runs their unit tests, Gatekeeper Suites and case files
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Check manifests against Kubernetes JSON Schemas (and Rego policies with --policy); exit 0 clean, 1 findings, 2 error
    ///
    /// With a repository config (.sealgate.yaml here or in a parent folder, or --config FILE), a
    /// SealedSecret in a file the config's path rules give to one cluster must also be sealed for
    /// that cluster's certificate (check `sealed-for-cluster`: by the sealgate.dev/sealed-for hint
    /// that `sealgate seal` writes, else by key size; docs/multi-cluster.md).
    Validate(ValidateArgs),
    /// Run kubeseal v0.40.0's command line, flag for flag (also what the binary does when invoked as `kubeseal`): see docs/kubeseal.md
    #[command(disable_help_flag = true)]
    Kubeseal(KubesealArgs),
    /// Work with the built-in schemas: `schemas list` shows what is known, `schemas export` writes the Kubernetes ones for kubeconform
    #[command(subcommand)]
    Schemas(SchemasCommand),
    /// Compare SealedSecrets in files with the live cluster; exit 0 in sync, 1 drift, 2 error
    Drift(DriftArgs),
}

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

/// `sealgate kubeseal …`: everything after the subcommand goes to the kubeseal command line.
#[derive(Debug, Args)]
pub struct KubesealArgs {
    /// kubeseal's flags and arguments, as kubeseal takes them (`sealgate kubeseal --help` lists them)
    #[arg(
        value_name = "KUBESEAL ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<std::ffi::OsString>,
}

#[derive(Debug, Subcommand)]
pub enum SchemasCommand {
    /// List every kind with a built-in schema: one line per kind, `SOURCE VERSION APIVERSION KIND` (Kubernetes, built-in CRDs, the CRD catalog)
    List(SchemasListArgs),
    /// Write the built-in schemas in kubeconform's layout (DIR/v<version>-standalone[-strict]/<kind>-<group>-<version>.json)
    Export(SchemasExportArgs),
}

#[derive(Debug, Args)]
pub struct SchemasListArgs {
    /// Kubernetes version whose built-in kinds to list (1.34, 1.35, 1.36; default: newest)
    #[arg(long, value_name = "V")]
    pub kubernetes_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct SchemasExportArgs {
    /// Folder to write into (created if missing); kubeconform reads it with -schema-location DIR
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,
    /// Kubernetes version to export (repeatable; default: every built-in version)
    #[arg(long, value_name = "V")]
    pub kubernetes_version: Vec<String>,
}

/// Flags of `validate` (schema side; the Rego flags are `PolicyFlags`).
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, folders (searched recursively for .yaml/.yml/.json; with --policy also for the configuration files conftest reads, such as .tf and nginx.conf) or - for stdin
    #[arg(value_name = "PATH|-", required = true, value_hint = ValueHint::AnyPath)]
    pub paths: Vec<String>,
    /// Where schemas come from, in order: `default` (built-in), a folder in kubernetes-json-schema layout, or a path template with {{ .ResourceKind }}, {{ .ResourceAPIVersion }}, {{ .Group }}, {{ .KindSuffix }}, {{ .StrictSuffix }}, {{ .NormalizedKubernetesVersion }}
    #[arg(long, value_name = "LOC", help_heading = "Schemas")]
    pub schema_location: Vec<String>,
    /// Folder or file with CustomResourceDefinitions whose schemas validate custom resources (CRDs among the inputs are used automatically)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::AnyPath, help_heading = "Schemas")]
    pub crd: Vec<PathBuf>,
    /// Kubernetes version of the built-in schemas (1.34, 1.35, 1.36; default: newest)
    #[arg(
        long,
        value_name = "V",
        env = "SEALGATE_KUBERNETES_VERSION",
        help_heading = "Schemas"
    )]
    pub kubernetes_version: Option<String>,
    /// Refuse fields the schema does not know, and duplicate keys
    #[arg(long, help_heading = "Schemas")]
    pub strict: bool,
    /// Skip (and count) resources whose kind has no schema instead of failing them
    #[arg(long, help_heading = "Schemas")]
    pub ignore_missing_schemas: bool,
    /// Regex of file paths to leave out when walking folders (repeatable)
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,
    /// Read every input with this one of conftest's parsers (default: by file name, as conftest; files that are no manifests are judged by policies only)
    #[arg(long, value_name = "NAME", value_parser = parse_parser)]
    pub parser: Option<InputParser>,
    /// Folders whose .proto files (each read alone, in walk order, as conftest does) define the message types textproto files name in their `# proto-message:` comment (repeatable, or comma-separated)
    #[arg(long, value_name = "DIR", value_delimiter = ',', value_hint = ValueHint::DirPath)]
    pub proto_file_dirs: Vec<PathBuf>,
    /// Render each kustomize overlay with `kustomize build` (else `kubectl kustomize`) and validate the output instead of its resource files
    #[arg(long, help_heading = "Rendering")]
    pub kustomize: bool,
    /// Render each Helm chart folder (Chart.yaml) with `helm template` and validate the output (without it, charts are skipped with a note)
    #[arg(long, help_heading = "Rendering")]
    pub helm: bool,
    /// Values file for `helm template` (repeatable, in order; needs --helm)
    #[arg(long, value_name = "FILE", requires = "helm", value_hint = ValueHint::FilePath, help_heading = "Rendering")]
    pub values: Vec<PathBuf>,
    /// Longest one render (an overlay's `kustomize build`, a chart's `helm template`) may take, in seconds; the tool is stopped then
    #[arg(long, value_name = "SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..), help_heading = "Rendering")]
    pub render_timeout: u64,
    /// Report format
    #[arg(
        short,
        long,
        value_enum,
        default_value = "text",
        help_heading = "Output"
    )]
    pub output: ValidateFormat,
    /// Warnings fail the run too (exit 1)
    #[arg(long, help_heading = "Output")]
    pub fail_on_warn: bool,
    /// Worker threads (default: number of CPUs)
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Name shown for stdin in findings
    #[arg(long, value_name = "NAME", help_heading = "Output")]
    pub stdin_filename: Option<String>,
    /// Repository config whose clusters' certificates the sealed files must match (default: .sealgate.yaml here or in a parent folder; none found: no such check)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    /// conftest's configuration file, read as conftest reads it (default: $CONFTEST_CONFIG_FILE, else conftest.toml/.json/.yaml here; flags and CONFTEST_* variables win over it)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, help_heading = "Policies")]
    pub conftest_config: Option<PathBuf>,
    /// Findings reported at most; the rest are counted in one summary line
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10_000,
        help_heading = "Output"
    )]
    pub max_findings: usize,
    #[command(flatten)]
    pub limits: LimitFlags,
    #[command(flatten)]
    pub policy: PolicyFlags,
}

/// `--parser NAME`: one of conftest's parsers that sealgate has.
fn parse_parser(name: &str) -> Result<InputParser, String> {
    InputParser::from_name(name)
        .ok_or_else(|| format!("unknown parser (sealgate has {})", parsers::names()))
}

/// The input budget of every command that reads manifests (see docs/robustness.md).
#[derive(Debug, Args, Clone, Copy)]
pub struct LimitFlags {
    /// Largest input accepted (each file, and stdin), in MiB; bytes copied by YAML aliases count too
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub max_file_size_mib: u64,
    /// Most YAML documents accepted in one file or stream
    #[arg(long, value_name = "N", default_value_t = sealgate_core::manifest::DEFAULT_MAX_DOCUMENTS)]
    pub max_documents: usize,
}

impl LimitFlags {
    pub fn budget(&self) -> sealgate_core::manifest::Budget {
        sealgate_core::manifest::Budget {
            bytes: self.max_file_size_mib.saturating_mul(1024 * 1024),
            documents: self.max_documents,
        }
    }
}

/// Report formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Text,
    Json,
    Junit,
    Sarif,
    Github,
    Tap,
}

/// Output document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Yaml,
    Json,
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

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run `test_*` rules (with coverage), gator `Suite` files and `cases.yaml` files under PATHs
    Test(PolicyTestArgs),
}

/// Rego dialect of user policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegoVersionArg {
    V0,
    V1,
}

/// Report format of `policy test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// Folders or files with policies and tests; `builtin` tests the shipped policies (default: conftest's `policy` setting, else policy/, as conftest verify)
    #[arg(value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,
    /// Report which policy lines the tests ran
    #[arg(long)]
    pub coverage: bool,
    /// Only run tests whose name (package.rule, suite test/case, policy/case) matches this regex
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// Only run the Rego tests of packages matching this glob (as conftest verify: `*` matches dots too; repeatable)
    #[arg(short = 'n', long, value_name = "GLOB")]
    pub namespace: Vec<String>,
    /// Print passing tests too
    #[arg(short, long)]
    pub verbose: bool,
    /// Report format
    #[arg(short, long, value_enum, default_value = "text")]
    pub output: TestFormat,
    /// Folders whose .proto files define the message types textproto text handed to parse_config names (as `validate --proto-file-dirs`)
    #[arg(long, value_name = "DIR", value_delimiter = ',', value_hint = ValueHint::DirPath)]
    pub proto_file_dirs: Vec<PathBuf>,
    /// conftest's configuration file, read as conftest verify reads it (default: $CONFTEST_CONFIG_FILE, else conftest.toml/.json/.yaml here; flags and CONFTEST_* variables win over it)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub conftest_config: Option<PathBuf>,
    #[command(flatten)]
    pub rego: RegoFlags,
}

/// How Rego runs, shared by `validate --policy` and `policy test`.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Policies")]
pub struct RegoFlags {
    /// YAML/JSON files or folders merged into `data` (conftest --data)
    #[arg(short = 'd', long = "data", value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub data: Vec<PathBuf>,
    /// Rego dialect of the policies (shipped policies are always v1)
    #[arg(long, value_enum, default_value = "v1")]
    pub rego_version: RegoVersionArg,
    /// Wall-clock limit for one rule evaluation, in milliseconds
    #[arg(long = "policy-timeout", value_name = "MS", default_value_t = 5000)]
    pub policy_timeout_ms: u64,
    /// Folders that parse_config_file and friends may read besides the policy and data folders (repeatable)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub allow_file_access: Vec<PathBuf>,
    /// OPA's capabilities JSON (as conftest and opa take it): policies calling a builtin it does not list are refused
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub capabilities: Option<PathBuf>,
}

/// Rego flags of `validate` (flatten into its args; `policy_flags::rego_options` converts them).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Policies")]
pub struct PolicyFlags {
    /// Rego policies: a folder or file (repeatable), `builtin` for all shipped policies, `builtin:NAME` for one
    #[arg(long, value_name = "DIR|builtin[:NAME]", value_hint = ValueHint::AnyPath)]
    pub policy: Vec<String>,
    #[command(flatten)]
    pub rego: RegoFlags,
    /// Rego packages to query (repeatable, globs allowed); default `main`
    #[arg(short = 'n', long = "namespace", value_name = "PKG")]
    pub namespace: Vec<String>,
    /// Query every package found in the policies
    #[arg(long)]
    pub all_namespaces: bool,
    /// Evaluate all documents at once: `input` = [{path, contents}, …] (conftest --combine)
    #[arg(long)]
    pub combine: bool,
    /// Sealing certificate (PEM): builtin:sealedsecret-sanity then checks blobs against its key size
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub cert: Option<PathBuf>,
}
