//! Flags of the gate: `validate`, `policy test` and `schemas`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum, ValueHint};
use sealgate_core::gate::parsers::{self, Parser as InputParser};

use super::LimitFlags;

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
