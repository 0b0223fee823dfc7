//! The kubeseal drop-in side by side with the real kubeseal v0.40.0 (`$SEALGATE_PEERS/kubeseal`):
//! one table of command lines, each run under both binaries (sealgate through a symlink named
//! `kubeseal`, or as `sealgate kubeseal`) in identical scratch folders with the same cert, key,
//! inputs and environment. Per row: the exit status, the output's form (JSON / YAML documents
//! and their kinds, bare blob, PEM, usage, nothing) on stdout and in the files written, and the
//! decrypted result (sealing is randomised, so sealed output is unsealed with the private key
//! and compared, together with its identity, scope and template). A row either agrees or names
//! a deliberate difference (docs/kubeseal.md) and asserts each side's own outcome.
//!
//! Offline rows only: the cluster modes against a control plane are in sealgate-tests'
//! `cluster_cli_kubeseal_dropin`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::peer_kubeseal_compat::{fixtures, kubeseal_for, sealgate};

const TEST: &str = "peer_kubeseal_dropin";

/// What a run printed or wrote, reduced to what must agree.
#[derive(Debug, Clone, PartialEq)]
enum Form {
    Nothing,
    /// JSON objects, by kind.
    Json(Vec<String>),
    /// YAML documents opened by `---`, by kind.
    Yaml(Vec<String>),
    /// A bare base64 blob without newline (`--raw`).
    Blob,
    Pem,
    Usage,
    Version,
    /// Anything else (kubeseal's deprecation notice on stdout, a panic…).
    Other,
}

/// The exit status and output form one binary must show for a row.
#[derive(Debug, Clone, Copy)]
struct Want {
    code: i32,
    stdout: FormWant,
}

#[derive(Debug, Clone, Copy)]
enum FormWant {
    Nothing,
    Json(&'static [&'static str]),
    Yaml(&'static [&'static str]),
    Blob,
    Pem,
    Usage,
    Version,
    Other,
}

impl FormWant {
    fn matches(self, form: &Form) -> bool {
        let kinds = |want: &[&str], got: &[String]| want.iter().eq(got.iter());
        match (self, form) {
            (FormWant::Nothing, Form::Nothing)
            | (FormWant::Blob, Form::Blob)
            | (FormWant::Pem, Form::Pem)
            | (FormWant::Usage, Form::Usage)
            | (FormWant::Version, Form::Version)
            | (FormWant::Other, Form::Other) => true,
            (FormWant::Json(want), Form::Json(got)) | (FormWant::Yaml(want), Form::Yaml(got)) => {
                kinds(want, got)
            }
            _ => false,
        }
    }
}

/// How the result is checked beyond its form.
#[derive(Debug, Clone, Copy)]
enum Check {
    /// Exit status and form only.
    Form,
    /// SealedSecrets on stdout: unsealed with the key, data, identity, scope and template agree.
    Sealed,
    /// Secrets on stdout (`--recovery-unseal`): their data agree.
    Unsealed,
    /// A `--raw` blob for (scope, namespace, name): it opens under that identity to `value.txt`.
    Raw(&'static str, &'static str, &'static str),
    /// Identical bytes on both sides (a certificate).
    Bytes,
    /// SealedSecrets in the file written: as `Sealed`, and the file's form.
    File(&'static str, FormWant),
    /// The file written holds an item the key cannot open (the merged item of kubeseal's bug).
    Unopenable(&'static str),
}

struct Row {
    name: &'static str,
    args: &'static [&'static str],
    /// stdin: literal text, or `@file` from the scratch folder.
    stdin: &'static str,
    env: &'static [(&'static str, &'static str)],
    /// Run sealgate as `sealgate kubeseal …` instead of through the `kubeseal` symlink.
    subcommand: bool,
    want: Want,
    check: Check,
    /// A deliberate difference (docs/kubeseal.md): sealgate's own outcome, and why.
    differs: Option<(Want, Check, &'static str)>,
}

const fn ok(stdout: FormWant) -> Want {
    Want { code: 0, stdout }
}

const FAILS: Want = Want {
    code: 1,
    stdout: FormWant::Nothing,
};

const BAD_FLAGS: Want = Want {
    code: 2,
    stdout: FormWant::Other,
};

/// A command line that does not parse: exit 2 on both sides; pflag prints the error and the
/// whole usage on stdout, sealgate one error line on stderr.
const fn bad_flags(name: &'static str, args: &'static [&'static str]) -> Row {
    differs(
        row(name, args, BAD_FLAGS, Check::Form),
        Want {
            code: 2,
            stdout: FormWant::Nothing,
        },
        Check::Form,
        "a command line that does not parse: pflag prints the error and the usage on stdout; sealgate one error line on stderr",
    )
}

const SS: &[&str] = &["SealedSecret"];
const SS2: &[&str] = &["SealedSecret", "SealedSecret"];
const SECRET: &[&str] = &["Secret"];
const SECRET2: &[&str] = &["Secret", "Secret"];

const fn row(name: &'static str, args: &'static [&'static str], want: Want, check: Check) -> Row {
    Row {
        name,
        args,
        stdin: "@secret.yaml",
        env: &[],
        subcommand: false,
        want,
        check,
        differs: None,
    }
}

const fn stdin(mut r: Row, stdin: &'static str) -> Row {
    r.stdin = stdin;
    r
}

const fn env(mut r: Row, env: &'static [(&'static str, &'static str)]) -> Row {
    r.env = env;
    r
}

const fn differs(mut r: Row, sealgate: Want, check: Check, why: &'static str) -> Row {
    r.differs = Some((sealgate, check, why));
    r
}

const NO_NAMESPACE: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: orphan\nstringData:\n  token: changeme-demo\n";
const EMPTY: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: empty\n  namespace: prod\n";
const NO_NAME: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  namespace: prod\nstringData:\n  a: b\n";
const TWO: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: one\n  namespace: prod\nstringData:\n  a: first\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: two\n  namespace: prod\nstringData:\n  b: second\n";
const JSON_SECRET: &str = r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"prod","annotations":{"team":"a"}},"type":"kubernetes.io/basic-auth","data":{"username":"YWRtaW4="}}"#;
const EXTRA: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ignored\nstringData:\n  extra: added-later\n";
const EXTRA_LABELLED: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ignored\n  labels:\n    tier: backend\nstringData:\n  extra: added-later\n";
const BARE: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: bare\n  namespace: prod\nstringData:\n  token: changeme-demo\n";
const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n  namespace: prod\ndata:\n  a: YWJj\n";
const CW_ANNOTATED: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shared\n  namespace: prod\n  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"\nstringData:\n  token: changeme-demo\n";

const CERT: &str = "--cert=cert.pem";
const KUBECONFIG_NS: &[(&str, &str)] = &[("KUBECONFIG", "kubeconfig.yaml")];

/// The table. Every row runs under both binaries.
#[rustfmt::skip]
fn table() -> Vec<Row> {
    vec![
        // --- default sealing: formats, files, scopes, namespaces, names
        row("seal, json by default", &[CERT], ok(FormWant::Json(SS)), Check::Sealed),
        row("seal -o yaml", &[CERT, "-o", "yaml"], ok(FormWant::Yaml(SS)), Check::Sealed),
        row("seal --format=yaml", &[CERT, "--format=yaml"], ok(FormWant::Yaml(SS)), Check::Sealed),
        row("seal -oyaml (joined shorthand)", &[CERT, "-oyaml"], ok(FormWant::Yaml(SS)), Check::Sealed),
        row("seal -o YAML (any case)", &[CERT, "-o", "YAML"], ok(FormWant::Yaml(SS)), Check::Sealed),
        row("seal -f -w out.json", &[CERT, "-f", "secret.yaml", "-w", "out.json"], ok(FormWant::Nothing), Check::File("out.json", FormWant::Json(SS))),
        row("seal -w out.yaml turns yaml", &[CERT, "--secret-file", "secret.yaml", "--sealed-secret-file", "out.yaml"], ok(FormWant::Nothing), Check::File("out.yaml", FormWant::Yaml(SS))),
        row("seal -o json -w out.yml is still yaml", &[CERT, "-o", "json", "-w", "out.yml"], ok(FormWant::Nothing), Check::File("out.yml", FormWant::Yaml(SS))),
        row("seal --scope namespace-wide", &[CERT, "--scope", "namespace-wide"], ok(FormWant::Json(SS)), Check::Sealed),
        row("seal --scope cluster-wide", &[CERT, "--scope=cluster-wide"], ok(FormWant::Json(SS)), Check::Sealed),
        stdin(row("seal, cluster-wide annotation", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), CW_ANNOTATED),
        stdin(row("seal, --scope strict keeps the annotation", &[CERT, "--scope", "strict"], ok(FormWant::Json(SS)), Check::Sealed), CW_ANNOTATED),
        stdin(row("seal, --scope namespace-wide overrides the annotation", &[CERT, "--scope", "namespace-wide"], ok(FormWant::Json(SS)), Check::Sealed), CW_ANNOTATED),
        env(stdin(row("seal, namespace from the kubeconfig context", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE), KUBECONFIG_NS),
        stdin(row("seal, namespace from --kubeconfig", &[CERT, "--kubeconfig", "kubeconfig.yaml"], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE),
        env(stdin(row("seal, --context picks the namespace", &[CERT, "--context", "other"], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE), KUBECONFIG_NS),
        stdin(row("seal, -n fills a missing namespace", &[CERT, "-n", "other"], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE),
        stdin(row("seal, --namespace= fills a missing namespace", &[CERT, "--namespace=other"], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE),
        row("seal, -n equal to the Secret's", &[CERT, "-n", "prod"], ok(FormWant::Json(SS)), Check::Sealed),
        row("seal, -n against the Secret's namespace", &[CERT, "-n", "other"], FAILS, Check::Form),
        stdin(row("seal, no namespace and no kubeconfig", &[CERT], FAILS, Check::Form), NO_NAMESPACE),
        stdin(row("seal, cluster-wide needs no namespace", &[CERT, "--scope", "cluster-wide"], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE),
        row("seal --name overrides", &[CERT, "--name", "renamed"], ok(FormWant::Json(SS)), Check::Sealed),
        stdin(row("seal, two Secrets", &[CERT], ok(FormWant::Json(SS2)), Check::Sealed), TWO),
        stdin(row("seal, two Secrets as yaml", &[CERT, "-o", "yaml"], ok(FormWant::Yaml(SS2)), Check::Sealed), TWO),
        stdin(row("seal, JSON input with type and annotations", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), JSON_SECRET),
        stdin(row("seal, empty data", &[CERT], FAILS, Check::Form), EMPTY),
        stdin(row("seal, empty data allowed", &[CERT, "--allow-empty-data"], ok(FormWant::Json(SS)), Check::Sealed), EMPTY),
        stdin(row("seal, no name", &[CERT], FAILS, Check::Form), NO_NAME),
        stdin(row("seal, empty input", &[CERT], FAILS, Check::Form), ""),
        row("seal -o xml", &[CERT, "-o", "xml"], FAILS, Check::Form),
        row("seal, -f missing file", &[CERT, "-f", "missing.yaml"], FAILS, Check::Form),
        row("seal, -w into a missing folder", &[CERT, "-w", "missing/out.json"], FAILS, Check::Form),
        row("seal, --cert missing file", &["--cert", "missing.pem"], FAILS, Check::Form),
        row("seal, --cert expired", &["--cert", "expired-cert.pem"], FAILS, Check::Form),
        row("seal, --cert not RSA", &["--cert", "ec-cert.pem"], FAILS, Check::Form),
        row("seal, --cert file:// URL", &["--cert", "file://{dir}/cert.pem"], ok(FormWant::Json(SS)), Check::Sealed),
        stdin(differs(row("seal, a ConfigMap", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), FAILS, Check::Form, "kubeseal seals any object as if it were a Secret; sealgate refuses what is not a v1 Secret"), CONFIGMAP),
        // --- the environment
        env(row("SEALED_SECRETS_CERT", &[], ok(FormWant::Json(SS)), Check::Sealed), &[("SEALED_SECRETS_CERT", "cert.pem")]),
        env(row("SEALED_SECRETS_FORMAT=yaml", &[CERT], ok(FormWant::Yaml(SS)), Check::Sealed), &[("SEALED_SECRETS_FORMAT", "yaml")]),
        env(row("-o json beats SEALED_SECRETS_FORMAT", &[CERT, "-o", "json"], ok(FormWant::Json(SS)), Check::Sealed), &[("SEALED_SECRETS_FORMAT", "yaml")]),
        env(row("SEALED_SECRETS_SCOPE", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), &[("SEALED_SECRETS_SCOPE", "namespace-wide")]),
        env(row("SEALED_SECRETS_SCOPE unparsable is ignored", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), &[("SEALED_SECRETS_SCOPE", "everywhere")]),
        env(stdin(row("SEALED_SECRETS_NAMESPACE (kubectl flag)", &[CERT], ok(FormWant::Json(SS)), Check::Sealed), NO_NAMESPACE), &[("SEALED_SECRETS_NAMESPACE", "from-env")]),
        env(row("SEALED_SECRETS_SEALED_SECRET_FILE", &[CERT], ok(FormWant::Nothing), Check::File("env-out.yaml", FormWant::Yaml(SS))), &[("SEALED_SECRETS_SEALED_SECRET_FILE", "env-out.yaml")]),
        env(stdin(row("SEALED_SECRETS_RAW", &[CERT, "-n", "prod", "--name", "db"], ok(FormWant::Blob), Check::Raw("strict", "prod", "db")), "@value.txt"), &[("SEALED_SECRETS_RAW", "true")]),
        // --- --raw
        stdin(row("raw strict", &[CERT, "--raw", "--name", "db", "-n", "prod"], ok(FormWant::Blob), Check::Raw("strict", "prod", "db")), "@value.txt"),
        stdin(row("raw namespace-wide", &[CERT, "--raw", "--scope", "namespace-wide", "--namespace", "prod"], ok(FormWant::Blob), Check::Raw("namespace-wide", "prod", "")), "@value.txt"),
        stdin(row("raw cluster-wide", &[CERT, "--raw", "--scope", "cluster-wide"], ok(FormWant::Blob), Check::Raw("cluster-wide", "", "")), "@value.txt"),
        row("raw --from-file", &[CERT, "--raw", "--name", "db", "-n", "prod", "--from-file", "value.txt"], ok(FormWant::Blob), Check::Raw("strict", "prod", "db")),
        row("raw --from-file key=path", &[CERT, "--raw", "--name", "db", "-n", "prod", "--from-file=password=value.txt"], ok(FormWant::Blob), Check::Raw("strict", "prod", "db")),
        env(stdin(row("raw, namespace from the kubeconfig", &[CERT, "--raw", "--name", "db"], ok(FormWant::Blob), Check::Raw("strict", "from-kubeconfig", "db")), "@value.txt"), KUBECONFIG_NS),
        row("raw, two --from-file", &[CERT, "--raw", "--name", "db", "-n", "prod", "--from-file", "value.txt,value.txt"], FAILS, Check::Form),
        stdin(row("raw strict without --name", &[CERT, "--raw", "-n", "prod"], FAILS, Check::Form), "@value.txt"),
        stdin(row("raw without namespace or kubeconfig", &[CERT, "--raw", "--name", "db"], FAILS, Check::Form), "@value.txt"),
        row("--from-file without --raw", &[CERT, "--from-file", "value.txt"], FAILS, Check::Form),
        // --- certificates
        row("--fetch-cert --cert", &["--fetch-cert", CERT], ok(FormWant::Pem), Check::Bytes),
        row("--fetch-cert -w", &["--fetch-cert", CERT, "-w", "fetched.pem"], ok(FormWant::Nothing), Check::Form),
        stdin(row("--fetch-cert, no cluster", &["--fetch-cert"], FAILS, Check::Form), ""),
        // --- --recovery-unseal
        stdin(row("recovery-unseal", &["--recovery-unseal", "--recovery-private-key", "key.pem"], ok(FormWant::Json(SECRET)), Check::Unsealed), "@sealed.json"),
        stdin(row("recovery-unseal -o yaml", &["--recovery-unseal", "--recovery-private-key=key.pem", "-o", "yaml"], ok(FormWant::Yaml(SECRET)), Check::Unsealed), "@sealed.json"),
        stdin(differs(row("recovery-unseal, two SealedSecrets", &["--recovery-unseal", "--recovery-private-key", "key.pem", "-o", "yaml"], ok(FormWant::Yaml(SECRET)), Check::Form), ok(FormWant::Yaml(SECRET2)), Check::Unsealed, "kubeseal unseals the first SealedSecret of the input and ignores the rest; sealgate unseals each"), "@two-sealed.yaml"),
        row("recovery-unseal -w: plaintext file 0600", &["--recovery-unseal", "--recovery-private-key", "key.pem", "-f", "sealed.json", "-w", "plain.json"], ok(FormWant::Nothing), Check::Form),
        row("recovery-unseal -f", &["--recovery-unseal", "--recovery-private-key", "key.pem", "-f", "sealed.json"], ok(FormWant::Json(SECRET)), Check::Unsealed),
        stdin(row("recovery-unseal, key list with a wrong key first", &["--recovery-unseal", "--recovery-private-key", "other-key.pem,key.pem"], ok(FormWant::Json(SECRET)), Check::Unsealed), "@sealed.json"),
        stdin(row("recovery-unseal, key as a TLS Secret", &["--recovery-unseal", "--recovery-private-key", "key-secret.yaml"], ok(FormWant::Json(SECRET)), Check::Unsealed), "@sealed.json"),
        env(stdin(row("recovery-unseal, SEALED_SECRETS_RECOVERY_PRIVATE_KEY", &["--recovery-unseal"], ok(FormWant::Json(SECRET)), Check::Unsealed), "@sealed.json"), &[("SEALED_SECRETS_RECOVERY_PRIVATE_KEY", "key.pem")]),
        stdin(row("recovery-unseal, wrong key", &["--recovery-unseal", "--recovery-private-key", "other-key.pem"], FAILS, Check::Form), "@sealed.json"),
        stdin(row("recovery-unseal, no key", &["--recovery-unseal"], FAILS, Check::Form), "@sealed.json"),
        stdin(row("recovery-unseal beats --validate", &["--validate", "--recovery-unseal", "--recovery-private-key", "key.pem"], ok(FormWant::Json(SECRET)), Check::Unsealed), "@sealed.json"),
        // --- --merge-into
        stdin(row("merge-into a json file", &[CERT, "--merge-into", "target.json"], ok(FormWant::Nothing), Check::File("target.json", FormWant::Json(SS))), EXTRA),
        stdin(row("merge-into -o yaml", &[CERT, "--merge-into", "target.json", "-o", "yaml"], ok(FormWant::Nothing), Check::File("target.json", FormWant::Yaml(SS))), EXTRA),
        stdin(row("merge-into, -n against the file's namespace", &[CERT, "--merge-into", "target.json", "-n", "other"], FAILS, Check::Form), EXTRA),
        stdin(row("merge-into a missing file", &[CERT, "--merge-into", "missing.json"], FAILS, Check::Form), EXTRA),
        stdin(differs(row("merge-into a yaml file keeps yaml", &[CERT, "--merge-into", "target.yaml"], ok(FormWant::Nothing), Check::File("target.yaml", FormWant::Json(SS))), ok(FormWant::Nothing), Check::File("target.yaml", FormWant::Yaml(SS)), "without -o kubeseal rewrites a YAML file as JSON; sealgate keeps the file's format"), EXTRA),
        stdin(differs(row("merge-into, input labels and a template without labels", &[CERT, "--merge-into", "target-bare.json"], Want { code: 2, stdout: FormWant::Nothing, }, Check::Form), ok(FormWant::Nothing), Check::File("target-bare.json", FormWant::Json(SS)), "kubeseal panics (assignment to entry in nil map); sealgate merges the labels"), EXTRA_LABELLED),
        stdin(differs(row("merge-into a cluster-wide file", &[CERT, "--merge-into", "target-cw.json"], ok(FormWant::Nothing), Check::Unopenable("target-cw.json")), ok(FormWant::Nothing), Check::File("target-cw.json", FormWant::Json(SS)), "kubeseal seals the new item strict, which the controller cannot open in a cluster-wide SealedSecret; sealgate seals it for the file's scope"), EXTRA),
        // --- the command line itself
        row("--help", &["--help"], ok(FormWant::Usage), Check::Form),
        row("-h: the flags on stdout, the title on stderr", &["-h"], ok(FormWant::Other), Check::Bytes),
        env(row("SEALED_SECRETS_HELP", &[], ok(FormWant::Usage), Check::Form), &[("SEALED_SECRETS_HELP", "true")]),
        row("--version", &["--version"], ok(FormWant::Version), Check::Form),
        row("--version beats --help", &["--help", "--version"], ok(FormWant::Version), Check::Form),
        row("arguments are ignored", &["seal", CERT, "extra"], ok(FormWant::Json(SS)), Check::Sealed),
        row("-- ends the flags", &[CERT, "--", "--validate"], ok(FormWant::Json(SS)), Check::Sealed),
        row("klog flags are accepted", &[CERT, "-v", "3", "--logtostderr=false", "--log_file_max_size=10", "--skip_headers"], ok(FormWant::Json(SS)), Check::Sealed),
        row("--allow-empty-data=false", &[CERT, "--allow-empty-data=false"], ok(FormWant::Json(SS)), Check::Sealed),
        bad_flags("unknown flag", &[CERT, "--bogus"]),
        bad_flags("unknown shorthand", &[CERT, "-x"]),
        bad_flags("missing value", &["--cert"]),
        bad_flags("bad --scope", &[CERT, "--scope", "weird"]),
        bad_flags("bad bool", &[CERT, "--raw=maybe"]),
        bad_flags("bad -v", &[CERT, "-v", "loud"]),
        row("a bool takes no separate value", &["--validate", "false", CERT], FAILS, Check::Form),
        // --- cluster modes without a cluster (the cluster rows are in sealgate-tests)
        stdin(row("--validate, no cluster", &["--validate"], FAILS, Check::Form), "@sealed.json"),
        stdin(row("--re-encrypt, no cluster", &["--re-encrypt"], FAILS, Check::Form), "@sealed.json"),
        env(stdin(row("--validate, unreachable cluster", &["--validate"], FAILS, Check::Form), "@sealed.json"), &[("KUBECONFIG", "unreachable-kubeconfig.yaml")]),
        stdin(row("--fetch-cert, --server unreachable", &["--fetch-cert", "--server", "https://127.0.0.1:1", "--token", "x", "--insecure-skip-tls-verify"], FAILS, Check::Form), ""),
        stdin(differs(row("--rotate, no cluster", &["--rotate"], Want { code: 1, stdout: FormWant::Other, }, Check::Form), FAILS, Check::Form, "kubeseal prints the deprecation notice of --rotate on stdout, into the output; sealgate on stderr"), "@sealed.json"),
        // --- `sealgate kubeseal …`
        Row { subcommand: true, ..row("sealgate kubeseal", &[CERT, "-o", "yaml"], ok(FormWant::Yaml(SS)), Check::Sealed) },
        Row { subcommand: true, ..row("sealgate kubeseal --help", &["--help"], ok(FormWant::Usage), Check::Form) },
        Row { subcommand: true, ..bad_flags("sealgate kubeseal, bad flag", &["--bogus"]) },
    ]
}

/// One binary's run of a row.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    dir: tempfile::TempDir,
}

fn form_of(bytes: &[u8]) -> Form {
    let text = String::from_utf8_lossy(bytes);
    let kinds = |values: &[Value]| -> Vec<String> {
        values
            .iter()
            .map(|v| v["kind"].as_str().unwrap_or("?").to_owned())
            .collect()
    };
    if text.is_empty() {
        Form::Nothing
    } else if text.starts_with("-----BEGIN CERTIFICATE-----") {
        Form::Pem
    } else if text.starts_with("Usage of ") {
        Form::Usage
    } else if text.starts_with("kubeseal version: v0.40.0") {
        Form::Version
    } else if text.starts_with('{') {
        json_docs(&text).map_or(Form::Other, |docs| Form::Json(kinds(&docs)))
    } else if text.starts_with("---\n") {
        yaml_docs(&text).map_or(Form::Other, |docs| Form::Yaml(kinds(&docs)))
    } else if !text.contains('\n')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
    {
        Form::Blob
    } else {
        Form::Other
    }
}

fn json_docs(text: &str) -> Option<Vec<Value>> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

fn yaml_docs(text: &str) -> Option<Vec<Value>> {
    text.split("---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_saphyr::from_str::<Value>(d).ok())
        .collect()
}

fn docs(bytes: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(bytes);
    match form_of(bytes) {
        Form::Json(_) => json_docs(&text).unwrap(),
        Form::Yaml(_) => yaml_docs(&text).unwrap(),
        other => panic!("no documents in {other:?}: {text}"),
    }
}

/// The scratch folder: cert, keys, inputs, kubeconfigs and sealed targets.
struct Material {
    dir: tempfile::TempDir,
}

impl Material {
    fn new(kubeseal: &Path) -> Material {
        let dir = tempfile::tempdir().unwrap();
        let from = fixtures();
        for (name, source) in [
            ("cert.pem", "local/local-cert.pem"),
            ("key.pem", "local/local-key.pem"),
            ("expired-cert.pem", "expired-cert.pem"),
            ("ec-cert.pem", "ec-cert.pem"),
            ("secret.yaml", "secret.yaml"),
            ("value.txt", "value.txt"),
            ("unreachable-kubeconfig.yaml", "unreachable-kubeconfig.yaml"),
        ] {
            std::fs::copy(from.join(source), dir.path().join(name)).unwrap();
        }
        // a second, unrelated key pair
        let other = from.join("other");
        let other_key = std::fs::read_dir(&other)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with("key.pem"))
            .expect("a private key under fixtures/other");
        std::fs::copy(other_key, dir.path().join("other-key.pem")).unwrap();
        let key = std::fs::read(dir.path().join("key.pem")).unwrap();
        let cert = std::fs::read(dir.path().join("cert.pem")).unwrap();
        let b64 = |bytes: &[u8]| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(bytes)
        };
        std::fs::write(
            dir.path().join("key-secret.yaml"),
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sealed-secrets-key\n  namespace: kube-system\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {}\n  tls.key: {}\n",
                b64(&cert),
                b64(&key)
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("kubeconfig.yaml"),
            "apiVersion: v1\nkind: Config\nclusters:\n- name: nowhere\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: main\n  context:\n    cluster: nowhere\n    user: nobody\n    namespace: from-kubeconfig\n- name: other\n  context:\n    cluster: nowhere\n    user: nobody\n    namespace: from-context-flag\ncurrent-context: main\nusers:\n- name: nobody\n  user:\n    token: not-a-real-token\n",
        )
        .unwrap();
        // sealed targets, made by the real kubeseal
        let material = Material { dir };
        for (file, args, input) in [
            ("sealed.json", vec![CERT], None),
            ("target.json", vec![CERT], None),
            ("target.yaml", vec![CERT, "-o", "yaml"], None),
            ("target-cw.json", vec![CERT], Some(CW_ANNOTATED)),
            ("target-bare.json", vec![CERT], Some(BARE)),
            ("two-sealed.yaml", vec![CERT, "-o", "yaml"], Some(TWO)),
        ] {
            let run = material.run_kubeseal(kubeseal, &args, input.unwrap_or("@secret.yaml"));
            assert_eq!(run.code, 0, "making {file}: {}", run.stderr);
            std::fs::write(material.dir.path().join(file), &run.stdout).unwrap();
        }
        material
    }

    fn run_kubeseal(&self, kubeseal: &Path, args: &[&str], input: &'static str) -> Run {
        let row = stdin(row("material", &[], FAILS, Check::Form), input);
        run_in(self, Command::new(kubeseal), &row, args)
    }

    /// A copy of the folder for one run.
    fn copy(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
            }
        }
        dir
    }
}

/// Runs `command` (program set, args not yet) with the row's args, stdin and environment in a
/// fresh copy of the material: no inherited `SEALED_SECRETS_*`, no kubeconfig unless the row
/// gives one, `HOME` in the scratch folder.
fn run_in(material: &Material, mut command: Command, row: &Row, args: &[&str]) -> Run {
    let dir = material.copy();
    let fill = |s: &str| s.replace("{dir}", &dir.path().display().to_string());
    let args: Vec<String> = args.iter().map(|a| fill(a)).collect();
    command.args(&args).current_dir(dir.path());
    for (key, _) in std::env::vars() {
        if key.starts_with("SEALED_SECRETS_") || key.starts_with("KUBERNETES_") {
            command.env_remove(key);
        }
    }
    command
        .env("HOME", dir.path())
        .env("KUBECONFIG", dir.path().join("no-kubeconfig"))
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY");
    for (key, value) in row.env {
        command.env(key, fill(value));
    }
    let stdin = match row.stdin.strip_prefix('@') {
        Some(file) => std::fs::read(dir.path().join(file)).unwrap(),
        None => row.stdin.as_bytes().to_vec(),
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut input = child.stdin.take().unwrap();
        // a mode that never reads stdin may exit before it is written
        let _ = input.write_all(&stdin);
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        dir,
    }
}

/// The files a run created or changed (name → permission bits), against the material.
fn files_written(material: &Material, run: &Run) -> BTreeMap<String, u32> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut written = BTreeMap::new();
    for entry in std::fs::read_dir(run.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let before = std::fs::read(material.dir.path().join(&name)).ok();
        if before.as_deref() != Some(&std::fs::read(&path).unwrap()[..]) {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            written.insert(name, mode);
        }
    }
    written
}

/// `sealgate unseal --key key.pem -o json` of `sealed` (in the material's folder): the Secrets.
fn unseal(material: &Material, sealed: &[u8]) -> Vec<Value> {
    let out = try_unseal(material, sealed);
    assert!(
        out.status.success(),
        "unseal failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(sealed)
    );
    json_docs(&String::from_utf8(out.stdout).unwrap()).unwrap()
}

fn try_unseal(material: &Material, sealed: &[u8]) -> std::process::Output {
    let mut child = Command::new(sealgate())
        .args(["unseal", "--key", "key.pem", "-o", "json"])
        .current_dir(material.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(sealed).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// What must agree in SealedSecrets besides their ciphertext: identity, scope, template (kubeseal
/// writes `creationTimestamp: null`, sealgate leaves it out), item names.
fn shape(doc: &Value) -> Value {
    let mut template = doc["spec"]["template"].clone();
    if let Some(meta) = template.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("creationTimestamp");
    }
    let keys: Vec<&String> = doc["spec"]["encryptedData"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    serde_json::json!({
        "kind": doc["kind"],
        "apiVersion": doc["apiVersion"],
        "name": doc["metadata"]["name"],
        "namespace": doc["metadata"]["namespace"],
        "annotations": doc["metadata"]["annotations"],
        "template": template,
        "items": keys,
    })
}

/// What must agree in Secrets: identity and data.
fn secret_view(doc: &Value) -> Value {
    serde_json::json!({
        "name": doc["metadata"]["name"],
        "namespace": doc["metadata"]["namespace"],
        "type": doc["type"],
        "data": doc["data"],
    })
}

fn sealed_view(material: &Material, bytes: &[u8]) -> Value {
    let shapes: Vec<Value> = docs(bytes).iter().map(shape).collect();
    let secrets: Vec<Value> = unseal(material, bytes).iter().map(secret_view).collect();
    serde_json::json!({"sealed": shapes, "unsealed": secrets})
}

/// The form and result of a row's run, as compared between the two binaries.
fn result_of(material: &Material, run: &Run, check: Check) -> Value {
    match check {
        Check::Form => Value::Null,
        Check::Sealed => sealed_view(material, &run.stdout),
        Check::Unsealed => Value::Array(docs(&run.stdout).iter().map(secret_view).collect()),
        Check::Bytes => Value::String(String::from_utf8_lossy(&run.stdout).into_owned()),
        Check::File(file, _) => {
            let bytes = std::fs::read(run.dir.path().join(file)).unwrap();
            sealed_view(material, &bytes)
        }
        Check::Unopenable(file) => {
            let bytes = std::fs::read(run.dir.path().join(file)).unwrap();
            let out = try_unseal(material, &bytes);
            assert!(
                !out.status.success(),
                "{file} opens: {}",
                String::from_utf8_lossy(&bytes)
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("no key could decrypt item \"extra\""),
                "{stderr}"
            );
            Value::Null
        }
        Check::Raw(scope, namespace, name) => {
            let annotation = match scope {
                "namespace-wide" => {
                    "  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: \"true\"\n"
                }
                "cluster-wide" => {
                    "  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"\n"
                }
                _ => "",
            };
            // any identity opens a cluster-wide value, only its own a strict one
            let namespace = if namespace.is_empty() {
                "anywhere"
            } else {
                namespace
            };
            let name = if name.is_empty() { "anything" } else { name };
            let wrapped = format!(
                "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: {name}\n  namespace: {namespace}\n{annotation}spec:\n  encryptedData:\n    v: {}\n",
                String::from_utf8_lossy(&run.stdout)
            );
            let secrets = unseal(material, wrapped.as_bytes());
            secrets[0]["data"]["v"].clone()
        }
    }
}

fn check_want(who: &str, row: &Row, run: &Run, want: Want, check: Check) {
    let form = form_of(&run.stdout);
    assert_eq!(
        run.code, want.code,
        "{who}, row {:?}: exit status; stderr: {}",
        row.name, run.stderr
    );
    assert!(
        want.stdout.matches(&form),
        "{who}, row {:?}: stdout is {form:?}, want {:?}; stderr: {}",
        row.name,
        want.stdout,
        run.stderr
    );
    if run.code == 1 || (who == "sealgate" && run.code == 2) {
        assert!(
            run.stderr.contains("error: "),
            "{who}, row {:?}: no error line: {}",
            row.name,
            run.stderr
        );
    }
    if let Check::File(file, file_form) = check {
        let bytes = std::fs::read(run.dir.path().join(file)).unwrap();
        let got = form_of(&bytes);
        assert!(
            file_form.matches(&got),
            "{who}, row {:?}: {file} is {got:?}, want {file_form:?}",
            row.name
        );
    }
}

#[test]
fn kubeseal_command_lines_agree_with_the_real_kubeseal() {
    let Some(kubeseal) = kubeseal_for(TEST) else {
        return;
    };
    let material = Material::new(&kubeseal);
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("kubeseal");
    std::os::unix::fs::symlink(sealgate(), &link).unwrap();
    let value = std::fs::read(material.dir.path().join("value.txt")).unwrap();
    let value_b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&value)
    };

    let rows = table();
    let mut differences = BTreeMap::new();
    for row in &rows {
        let upstream = run_in(&material, Command::new(&kubeseal), row, row.args);
        let ours = if row.subcommand {
            let mut command = Command::new(sealgate());
            command.arg("kubeseal");
            run_in(&material, command, row, row.args)
        } else {
            run_in(&material, Command::new(&link), row, row.args)
        };
        check_want("kubeseal", row, &upstream, row.want, row.check);
        let (our_want, our_check) = match row.differs {
            Some((want, check, why)) => {
                differences.insert(row.name, why);
                (want, check)
            }
            None => (row.want, row.check),
        };
        check_want("sealgate", row, &ours, our_want, our_check);
        let theirs = result_of(&material, &upstream, row.check);
        let mine = result_of(&material, &ours, our_check);
        if let Check::Raw(..) = row.check {
            assert_eq!(
                theirs,
                Value::String(value_b64.clone()),
                "row {:?}",
                row.name
            );
        }
        if row.differs.is_none() {
            assert_eq!(mine, theirs, "row {:?}: results differ", row.name);
            assert_eq!(
                files_written(&material, &ours),
                files_written(&material, &upstream),
                "row {:?}: files written (name → mode) differ",
                row.name
            );
        } else if matches!((row.check, our_check), (Check::File(..), Check::File(..)))
            && row.name.contains("keeps yaml")
        {
            // same content, another format
            assert_eq!(mine, theirs, "row {:?}: merged content differs", row.name);
        }
    }
    assert!(rows.len() >= 90, "{} rows", rows.len());
    eprintln!(
        "peer_kubeseal_dropin: {} rows agree, {} deliberate differences: {differences:#?}",
        rows.len() - differences.len(),
        differences.len()
    );
}

/// The flag table of the drop-in is kubeseal's: `--help` of both lists the same flags, types
/// and defaults, line for line.
#[test]
fn help_lists_the_same_flags_as_kubeseal() {
    let Some(kubeseal) = kubeseal_for(TEST) else {
        return;
    };
    let help = |program: &Path| {
        let out = Command::new(program).arg("--help").output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.trim_end().to_owned())
            .collect::<Vec<_>>()
    };
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("kubeseal");
    std::os::unix::fs::symlink(sealgate(), &link).unwrap();
    let theirs = help(&kubeseal);
    let ours = help(&link);
    assert_eq!(ours, theirs);
}

/// kubeseal #361: `kubeseal --cert c.pem secret.yaml` on a terminal. kubeseal ignores the argument
/// and reads the terminal (here `script`'s pty, which gives it nothing: its tty hint, then "no
/// secrets found"); the drop-in stops at once and names the argument and what to pass instead.
#[test]
fn an_argument_instead_of_stdin_on_a_terminal_is_one_clear_error() {
    let test = "an_argument_instead_of_stdin_on_a_terminal_is_one_clear_error";
    let Some(kubeseal) = kubeseal_for(test) else {
        return;
    };
    if !Path::new("/usr/bin/script").is_file() {
        sealgate_tests::require(test, "script (util-linux)", "apt-get install bsdutils").unwrap();
        return;
    }
    let links = tempfile::tempdir().unwrap();
    let link = links.path().join("kubeseal");
    std::os::unix::fs::symlink(sealgate(), &link).unwrap();
    let on_a_terminal = |program: &Path| {
        let line = format!(
            "{} --cert local/local-cert.pem secret.yaml",
            program.display()
        );
        let out = Command::new("/usr/bin/script")
            .args(["-qec", &line, "/dev/null"])
            .current_dir(fixtures())
            .env("KUBECONFIG", "/nonexistent")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, theirs) = on_a_terminal(&kubeseal);
    assert_eq!(code, Some(1), "{theirs}");
    assert!(
        theirs.contains("(tty detected: expecting json/yaml k8s resource in stdin)"),
        "{theirs}"
    );
    let (code, ours) = on_a_terminal(&link);
    assert_eq!(code, Some(1), "{ours}");
    assert!(
        ours.contains("error: kubeseal reads its input from stdin or -f FILE, not from the argument(s) \"secret.yaml\": pass -f secret.yaml"),
        "{ours}"
    );
    assert!(!ours.contains("tty detected"), "{ours}");
}
