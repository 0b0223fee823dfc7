//! kubeseal v0.40.0's command line, flag for flag: the table of its flags (with what sealgate does
//! with each, the source of docs/kubeseal.md), pflag's parsing rules and its `SEALED_SECRETS_*`
//! environment.
//!
//! The table is upstream's `cmd/kubeseal/main.go` (`bindFlags`), client-go's kubectl override flags
//! (`clientcmd.RecommendedConfigOverrideFlags("")`) and klog's flags, as `kubeseal --help` lists
//! them; `peer_kubeseal_dropin` checks it against the real binary's `--help`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;

/// How a flag takes its value (pflag's value types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `--flag`, `--flag=true|false` (Go's `strconv.ParseBool` spellings).
    Bool,
    /// One string; the last one given wins.
    Text,
    /// pflag `strings`: comma-separated, repeatable, every value kept.
    List,
    /// pflag `stringArray`: repeatable, no comma splitting.
    Array,
    /// One of the given words.
    Choice(&'static [&'static str]),
    /// A signed 32-bit number (klog's `-v` level).
    Int,
    /// An unsigned number (klog's `--log_file_max_size`).
    Uint,
}

/// What sealgate does with a kubeseal flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Same meaning and effect as in kubeseal.
    Same,
    /// Supported, with a deliberate, documented difference.
    Differs(&'static str),
    /// Accepted (and its value checked) but without effect here, and why.
    NotApplicable(&'static str),
}

/// One kubeseal flag.
#[derive(Debug)]
pub struct Flag {
    pub name: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
    /// The default as `--help` shows it (empty: none shown).
    pub default: &'static str,
    /// Whether `SEALED_SECRETS_<NAME>` sets it: every flag bound before upstream's `pflagenv`
    /// call (kubeseal's own and the kubectl ones), not klog's.
    pub env: bool,
    /// Hidden from `--help` (the deprecated `--rotate`).
    pub hidden: bool,
    /// The value type `--help` shows (`string`, `strings`, `Level`…); empty for bools.
    pub type_name: &'static str,
    pub help: &'static str,
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by the docs/kubeseal.md generator, a test")
    )]
    pub status: Status,
}

const fn flag(
    name: &'static str,
    kind: Kind,
    type_name: &'static str,
    help: &'static str,
    status: Status,
) -> Flag {
    Flag {
        name,
        short: None,
        kind,
        default: "",
        env: true,
        hidden: false,
        type_name,
        help,
        status,
    }
}

const fn short(mut f: Flag, c: char) -> Flag {
    f.short = Some(c);
    f
}

const fn default(mut f: Flag, value: &'static str) -> Flag {
    f.default = value;
    f
}

/// klog's flags: bound after the environment was read, so no `SEALED_SECRETS_*` variable.
const fn klog(mut f: Flag) -> Flag {
    f.env = false;
    f
}

const LOGGING: Status =
    Status::NotApplicable("klog logging: sealgate writes nothing but its one error line");
const SCOPES: &[&str] = &["strict", "namespace-wide", "cluster-wide"];

/// Every flag of kubeseal v0.40.0, sorted by name as `--help` lists them.
#[rustfmt::skip]
pub static FLAGS: &[Flag] = &[
    klog(flag("add_dir_header", Kind::Bool, "", "If true, adds the file directory to the header of the log messages", LOGGING)),
    flag("allow-empty-data", Kind::Bool, "", "Allow empty data in the secret object", Status::Same),
    klog(flag("alsologtostderr", Kind::Bool, "", "log to standard error as well as files (no effect when -logtostderr=true)", LOGGING)),
    klog(flag("alsologtostderrthreshold", Kind::Text, "severity", "logs at or above this threshold go to stderr when -alsologtostderr=true (no effect when -logtostderr=true)", LOGGING)),
    flag("as", Kind::Text, "string", "Username to impersonate for the operation", Status::Same),
    flag("as-group", Kind::Array, "stringArray", "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.", Status::Same),
    flag("as-uid", Kind::Text, "string", "UID to impersonate for the operation", Status::Same),
    flag("cert", Kind::Text, "string", "Certificate / public key file/URL to use for encryption. Overrides --controller-*", Status::Differs("plain http:// URLs are refused unless the host is loopback (a MITM could swap the key); https:// and file:// work as in kubeseal")),
    flag("certificate-authority", Kind::Text, "string", "Path to a cert file for the certificate authority", Status::Same),
    flag("client-certificate", Kind::Text, "string", "Path to a client certificate file for TLS", Status::Same),
    flag("client-key", Kind::Text, "string", "Path to a client key file for TLS", Status::Same),
    flag("cluster", Kind::Text, "string", "The name of the kubeconfig cluster to use", Status::Same),
    flag("context", Kind::Text, "string", "The name of the kubeconfig context to use", Status::Same),
    default(flag("controller-name", Kind::Text, "string", "Name of sealed-secrets controller.", Status::Same), "sealed-secrets-controller"),
    default(flag("controller-namespace", Kind::Text, "string", "Namespace of sealed-secrets controller.", Status::Same), "kube-system"),
    flag("disable-compression", Kind::Bool, "", "If true, opt-out of response compression for all requests to the server", Status::Same),
    flag("fetch-cert", Kind::Bool, "", "Write certificate to stdout. Useful for later use with --cert", Status::Differs("without --cert the sealgate controller's `sealgate-cert` ConfigMap is read first (plain RBAC, no service proxy); kubeseal's service-proxy path is the fallback")),
    short(default(flag("format", Kind::Text, "string", "Output format for sealed secret. Either json or yaml", Status::Same), "json"), 'o'),
    flag("from-file", Kind::List, "strings", "(only with --raw) Secret items can be sourced from files. Pro-tip: you can use /dev/stdin to read pipe input. This flag tries to follow the same syntax as in kubectl", Status::Same),
    flag("help", Kind::Bool, "", "Print this help message", Status::Same),
    flag("insecure-skip-tls-verify", Kind::Bool, "", "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure", Status::Same),
    flag("kubeconfig", Kind::Text, "string", "Path to a kube config. Only required if out-of-cluster", Status::Same),
    klog(default(flag("legacy_stderr_threshold_behavior", Kind::Bool, "", "If true, stderrthreshold is ignored when logtostderr=true (legacy behavior). If false, stderrthreshold is honored even when logtostderr=true", LOGGING), "true")),
    klog(default(flag("log_backtrace_at", Kind::Text, "traceLocation", "when logging hits line file:N, emit a stack trace", LOGGING), ":0")),
    klog(flag("log_dir", Kind::Text, "string", "If non-empty, write log files in this directory (no effect when -logtostderr=true)", LOGGING)),
    klog(flag("log_file", Kind::Text, "string", "If non-empty, use this log file (no effect when -logtostderr=true)", LOGGING)),
    klog(default(flag("log_file_max_size", Kind::Uint, "uint", "Defines the maximum size a log file can grow to (no effect when -logtostderr=true). Unit is megabytes. If the value is 0, the maximum file size is unlimited.", LOGGING), "1800")),
    klog(default(flag("logtostderr", Kind::Bool, "", "log to standard error instead of files", LOGGING), "true")),
    flag("merge-into", Kind::Text, "string", "Merge items from secret into an existing sealed secret file, updating the file in-place instead of writing to stdout.", Status::Differs("keeps the file's spec.template (data, type, labels, annotations) and, without --scope or a scope annotation on the input, seals for the file's own scope; kubeseal seals strict then (items the controller cannot open) and crashes on a template without annotations; the file is replaced atomically")),
    flag("name", Kind::Text, "string", "Name of the sealed secret (required with --raw and default (strict) scope)", Status::Same),
    short(flag("namespace", Kind::Text, "string", "If present, the namespace scope for this CLI request", Status::Same), 'n'),
    klog(flag("one_output", Kind::Bool, "", "If true, only write logs to their native severity level (vs also writing to each lower severity level; no effect when -logtostderr=true)", LOGGING)),
    flag("password", Kind::Text, "string", "Password for basic authentication to the API server", Status::Same),
    flag("proxy-url", Kind::Text, "string", "If provided, this URL will be used to connect via proxy", Status::Same),
    flag("raw", Kind::Bool, "", "Encrypt a raw value passed via the --from-* flags instead of the whole secret object", Status::Same),
    flag("re-encrypt", Kind::Bool, "", "Re-encrypt the given sealed secret to use the latest cluster key.", Status::Same),
    flag("recovery-private-key", Kind::List, "strings", "Private key filename used by the --recovery-unseal command. Multiple files accepted either via comma separated list or by repetition of the flag. Either PEM encoded private keys or a backup of a json/yaml encoded k8s sealed-secret controller secret (and v1.List) are accepted. ", Status::Same),
    flag("recovery-unseal", Kind::Bool, "", "Decrypt a sealed secrets file obtained from stdin, using the private key passed with --recovery-private-key. Intended to be used in disaster recovery mode.", Status::Differs("every SealedSecret of the input is unsealed (kubeseal unseals the first and ignores the rest)")),
    default(flag("request-timeout", Kind::Text, "string", "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.", Status::Same), "0"),
    Flag {
        hidden: true,
        ..flag("rotate", Kind::Bool, "", "", Status::Differs("deprecated alias of --re-encrypt; the deprecation notice goes to stderr (kubeseal prints it on stdout, into the output)"))
    },
    default(flag("scope", Kind::Choice(SCOPES), "string", "Set the scope of the sealed secret: strict, namespace-wide, cluster-wide (defaults to strict). Mandatory for --raw, otherwise the 'sealedsecrets.bitnami.com/cluster-wide' and 'sealedsecrets.bitnami.com/namespace-wide' annotations on the input secret can be used to select the scope.", Status::Same), "strict"),
    short(flag("sealed-secret-file", Kind::Text, "string", "Sealed-secret (output) file", Status::Same), 'w'),
    short(flag("secret-file", Kind::Text, "string", "Secret (input) file", Status::Same), 'f'),
    flag("server", Kind::Text, "string", "The address and port of the Kubernetes API server", Status::Same),
    klog(flag("skip_headers", Kind::Bool, "", "If true, avoid header prefixes in the log messages", LOGGING)),
    klog(flag("skip_log_headers", Kind::Bool, "", "If true, avoid headers when opening log files (no effect when -logtostderr=true)", LOGGING)),
    klog(default(flag("stderrthreshold", Kind::Text, "severity", "logs at or above this threshold go to stderr when writing to files and stderr (no effect when -logtostderr=true or -alsologtostderr=true unless -legacy_stderr_threshold_behavior=false)", LOGGING), "2")),
    flag("tls-server-name", Kind::Text, "string", "If provided, this name will be used to validate server certificate. If this is not provided, hostname used to contact the server is used.", Status::Same),
    flag("token", Kind::Text, "string", "Bearer token for authentication to the API server", Status::Same),
    flag("user", Kind::Text, "string", "The name of the kubeconfig user to use", Status::Same),
    flag("username", Kind::Text, "string", "Username for basic authentication to the API server", Status::Same),
    klog(short(flag("v", Kind::Int, "Level", "number for the log level verbosity", LOGGING), 'v')),
    flag("validate", Kind::Bool, "", "Validate that the sealed secret can be decrypted", Status::Same),
    flag("version", Kind::Bool, "", "Print version information and exit", Status::Differs("prints `kubeseal version: v0.40.0 (sealgate X.Y.Z)`: the kubeseal release it is compatible with, then sealgate's own")),
    klog(flag("vmodule", Kind::Text, "moduleSpec", "comma-separated list of pattern=N settings for file-filtered logging", LOGGING)),
];

/// The kubeseal release whose command line this is.
pub const KUBESEAL_VERSION: &str = "v0.40.0";

/// The values of one command line: the flags set (from the environment or the command line) and
/// the arguments that are not flags (kubeseal ignores them).
#[derive(Debug, Default)]
pub struct Parsed {
    values: BTreeMap<&'static str, Vec<String>>,
    /// `List`/`Array` flags set once already: the next value appends (pflag's `changed`).
    changed: Vec<&'static str>,
    pub positional: Vec<String>,
    /// Notices to print on stderr (a deprecated flag was used).
    pub notices: Vec<String>,
}

/// Why parsing stopped: `-h` (help, exit 0) or a bad command line (exit 2).
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    Help,
    Error(String),
}

impl Parsed {
    /// The value of a `Text`/`Choice`/`Int` flag: the last one set, else its default.
    pub fn text(&self, name: &str) -> &str {
        match self.values.get(name).and_then(|v| v.last()) {
            Some(value) => value,
            None => lookup(name).map_or("", |f| f.default),
        }
    }

    /// The value of a `Text` flag, `None` when empty (kubeseal treats "" as not given).
    pub fn given(&self, name: &str) -> Option<String> {
        Some(self.text(name).to_owned()).filter(|v| !v.is_empty())
    }

    /// Whether a flag was given (on the command line or through the environment).
    pub fn is_set(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The value of a `Bool` flag.
    pub fn on(&self, name: &str) -> bool {
        parse_bool(self.text(name)).unwrap_or(false)
    }

    /// Every value of a `List`/`Array` flag.
    pub fn list(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    /// Sets `flag` to `value` the way pflag's `Value.Set` does: checks the value, splits and
    /// appends lists.
    fn set(&mut self, flag: &'static Flag, value: &str) -> Result<(), String> {
        match flag.kind {
            Kind::Bool => {
                parse_bool(value).ok_or_else(|| {
                    format!("strconv.ParseBool: parsing {value:?}: invalid syntax")
                })?;
            }
            Kind::Choice(words) if !words.contains(&value) => {
                return Err(format!("must be one of: {}", words.join(", ")));
            }
            Kind::Int => {
                value
                    .parse::<i32>()
                    .map_err(|_| format!("strconv.ParseInt: parsing {value:?}: invalid syntax"))?;
            }
            Kind::Uint => {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("strconv.ParseUint: parsing {value:?}: invalid syntax"))?;
            }
            Kind::Text | Kind::Choice(_) | Kind::List | Kind::Array => {}
        }
        let values = self.values.entry(flag.name).or_default();
        match flag.kind {
            Kind::List | Kind::Array => {
                if !self.changed.contains(&flag.name) {
                    values.clear();
                    self.changed.push(flag.name);
                }
                if flag.kind == Kind::List {
                    // pflag reads the value as one CSV record; an empty value is an empty list
                    if !value.is_empty() {
                        values.extend(value.split(',').map(str::to_owned));
                    }
                } else {
                    values.push(value.to_owned());
                }
            }
            _ => {
                values.clear();
                values.push(value.to_owned());
            }
        }
        Ok(())
    }
}

fn lookup(name: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.name == name)
}

fn lookup_short(c: char) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.short == Some(c))
}

/// Go's `strconv.ParseBool`.
fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The environment variable upstream's `pflagenv` reads for a flag.
pub fn env_name(flag: &Flag) -> String {
    format!(
        "SEALED_SECRETS_{}",
        flag.name.to_ascii_uppercase().replace('-', "_")
    )
}

/// Parses a kubeseal command line (without the program name): first every `SEALED_SECRETS_*`
/// variable `env` knows (a value that does not parse is ignored, as upstream ignores it), then
/// the arguments by pflag's rules.
pub fn parse(args: &[OsString], env: impl Fn(&str) -> Option<String>) -> Result<Parsed, Stop> {
    let mut parsed = Parsed::default();
    for flag in FLAGS.iter().filter(|f| f.env) {
        if let Some(value) = env(&env_name(flag)) {
            let _ = parsed.set(flag, &value);
        }
    }
    let mut rest = args
        .iter()
        .map(|a| {
            a.to_str()
                .map(str::to_owned)
                .ok_or_else(|| Stop::Error(format!("argument {a:?} is not valid UTF-8")))
        })
        .collect::<Result<std::collections::VecDeque<String>, Stop>>()?;
    while let Some(arg) = rest.pop_front() {
        if arg.len() < 2 || !arg.starts_with('-') {
            parsed.positional.push(arg);
        } else if arg == "--" {
            parsed.positional.extend(rest.drain(..));
        } else if let Some(long) = arg.strip_prefix("--") {
            parse_long(&mut parsed, &arg, long, &mut rest)?;
        } else {
            let mut shorthands = arg[1..].to_owned();
            while !shorthands.is_empty() {
                shorthands = parse_short(&mut parsed, &arg, &shorthands, &mut rest)?;
            }
        }
    }
    Ok(parsed)
}

fn parse_long(
    parsed: &mut Parsed,
    arg: &str,
    long: &str,
    rest: &mut std::collections::VecDeque<String>,
) -> Result<(), Stop> {
    if long.starts_with(['-', '=']) {
        return Err(Stop::Error(format!("bad flag syntax: {arg}")));
    }
    let (name, inline) = match long.split_once('=') {
        Some((name, value)) => (name, Some(value.to_owned())),
        None => (long, None),
    };
    let flag = lookup(name).ok_or_else(|| Stop::Error(format!("unknown flag: --{name}")))?;
    let value = match inline {
        Some(value) => value,
        None if flag.kind == Kind::Bool => "true".to_owned(),
        None => rest
            .pop_front()
            .ok_or_else(|| Stop::Error(format!("flag needs an argument: {arg}")))?,
    };
    set_reporting(parsed, flag, &value)
}

/// One shorthand of `-abc`; returns the shorthands left to parse.
fn parse_short(
    parsed: &mut Parsed,
    arg: &str,
    shorthands: &str,
    rest: &mut std::collections::VecDeque<String>,
) -> Result<String, Stop> {
    let mut chars = shorthands.chars();
    let Some(c) = chars.next() else {
        return Ok(String::new());
    };
    let after = chars.as_str();
    let Some(flag) = lookup_short(c) else {
        if c == 'h' {
            return Err(Stop::Help);
        }
        return Err(Stop::Error(format!(
            "unknown shorthand flag: {c:?} in {arg}"
        )));
    };
    let (value, left) = if after.len() > 1 && after.starts_with('=') {
        (after[1..].to_owned(), String::new())
    } else if flag.kind == Kind::Bool {
        ("true".to_owned(), after.to_owned())
    } else if !after.is_empty() {
        (after.to_owned(), String::new())
    } else {
        let value = rest
            .pop_front()
            .ok_or_else(|| Stop::Error(format!("flag needs an argument: {c:?} in {arg}")))?;
        (value, String::new())
    };
    set_reporting(parsed, flag, &value)?;
    Ok(left)
}

fn set_reporting(parsed: &mut Parsed, flag: &'static Flag, value: &str) -> Result<(), Stop> {
    if flag.name == "rotate" {
        parsed
            .notices
            .push("Flag --rotate has been deprecated, please use --re-encrypt instead".to_owned());
    }
    parsed.set(flag, value).map_err(|reason| {
        let shown = match flag.short {
            Some(c) => format!("-{c}, --{}", flag.name),
            None => format!("--{}", flag.name),
        };
        Stop::Error(format!(
            "invalid argument {value:?} for {shown:?} flag: {reason}"
        ))
    })
}

/// `kubeseal --help`: pflag's layout (`-o, --format string   help (default "json")`).
pub fn usage(program: &str) -> String {
    let mut text = format!("Usage of {program}:\n");
    let lefts: Vec<(String, &Flag)> = FLAGS
        .iter()
        .filter(|f| !f.hidden)
        .map(|f| {
            let mut left = match f.short {
                Some(c) => format!("  -{c}, --{}", f.name),
                None => format!("      --{}", f.name),
            };
            if !f.type_name.is_empty() {
                left.push(' ');
                left.push_str(f.type_name);
            }
            (left, f)
        })
        .collect();
    let width = lefts.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (left, flag) in lefts {
        let _ = write!(text, "{left:width$}   {}", flag.help);
        // pflag quotes the default of a string flag only
        if flag.type_name == "string" && !flag.default.is_empty() {
            let _ = write!(text, " (default {:?})", flag.default);
        } else if !flag.default.is_empty() {
            let _ = write!(text, " (default {})", flag.default);
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn table_is_sorted_and_unique() {
        let names: Vec<&str> = FLAGS.iter().map(|f| f.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn pflag_rules() {
        let p = parse(
            &args(&[
                "-oyaml",
                "--cert=c.pem",
                "-n",
                "prod",
                "--raw",
                "x",
                "--",
                "--validate",
            ]),
            no_env,
        )
        .unwrap();
        assert_eq!(p.text("format"), "yaml");
        assert_eq!(p.text("cert"), "c.pem");
        assert_eq!(p.text("namespace"), "prod");
        assert!(p.on("raw"));
        assert!(!p.on("validate"));
        assert_eq!(p.positional, ["x", "--validate"]);

        // a bool never takes the next argument: `false` is positional
        let p = parse(&args(&["--validate", "false"]), no_env).unwrap();
        assert!(p.on("validate"));
        let p = parse(&args(&["--validate=false", "-o=yaml"]), no_env).unwrap();
        assert!(!p.on("validate"));
        assert_eq!(p.text("format"), "yaml");
        // a string flag takes the next argument even when it looks like a flag
        assert_eq!(
            parse(&args(&["--cert", "-o"]), no_env)
                .unwrap()
                .text("cert"),
            "-o"
        );
    }

    #[test]
    fn lists_split_and_append_after_the_environment() {
        let env = |name: &str| {
            (name == "SEALED_SECRETS_RECOVERY_PRIVATE_KEY").then(|| "a.pem,b.pem".to_owned())
        };
        let p = parse(&args(&["--recovery-private-key", "c.pem"]), env).unwrap();
        assert_eq!(p.list("recovery-private-key"), ["a.pem", "b.pem", "c.pem"]);
        let p = parse(&args(&["--as-group", "a,b", "--as-group", "c"]), no_env).unwrap();
        assert_eq!(p.list("as-group"), ["a,b", "c"]);
    }

    #[test]
    fn environment_sets_defaults_and_bad_values_are_ignored() {
        let env = |name: &str| match name {
            "SEALED_SECRETS_FORMAT" => Some("yaml".to_owned()),
            "SEALED_SECRETS_RAW" => Some("maybe".to_owned()),
            "SEALED_SECRETS_SCOPE" => Some("everywhere".to_owned()),
            "SEALED_SECRETS_V" => Some("3".to_owned()),
            _ => None,
        };
        let p = parse(&[], env).unwrap();
        assert_eq!(p.text("format"), "yaml");
        assert!(!p.on("raw"));
        assert_eq!(p.text("scope"), "strict");
        assert_eq!(p.text("v"), "", "klog flags read no environment variable");
        assert_eq!(
            parse(&args(&["-o", "json"]), env).unwrap().text("format"),
            "json"
        );
    }

    #[test]
    fn errors_and_help() {
        let error = |list: &[&str]| match parse(&args(list), no_env) {
            Err(Stop::Error(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(error(&["--bogus"]), "unknown flag: --bogus");
        assert_eq!(error(&["-x"]), "unknown shorthand flag: 'x' in -x");
        assert_eq!(error(&["--cert"]), "flag needs an argument: --cert");
        assert_eq!(
            error(&["--scope", "weird"]),
            "invalid argument \"weird\" for \"--scope\" flag: must be one of: strict, namespace-wide, cluster-wide"
        );
        assert_eq!(
            error(&["--rotate=maybe"]),
            "invalid argument \"maybe\" for \"--rotate\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
        assert_eq!(parse(&args(&["-h"]), no_env).unwrap_err(), Stop::Help);
        assert!(parse(&args(&["--help"]), no_env).unwrap().on("help"));
    }
}
