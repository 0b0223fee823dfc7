//! Policy repositories nobody here wrote, run by the real tools and by the `sealgate` binary:
//! `sealgate validate --policy` against `conftest test` (verdicts and messages, per file), and
//! `sealgate policy test` against `opa test` (or `conftest verify` where only conftest loads the
//! policies) per unit test.
//!
//! Corpora from `tests/peers/build`: conftest's `examples/` and `tests/`, and OPA's own policies with
//! `*_test.rego`. The command lines are those of conftest's bats tests and OPA's Makefile targets.
//! Missing tools or corpora fail in CI and print a loud SKIPPED line elsewhere.
//! `SEALGATE_UPDATE_DOCS=1` rewrites the policy-repositories section of `docs/conformance.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const TEST: &str = "conformance_policy_repos";
const SEALGATE: &str = env!("CARGO_BIN_EXE_sealgate");

/// `conftest test` command lines, `corpus/folder: flags and files` (run in that folder); without
/// `-p` conftest reads `policy/`, and so is sealgate told to.
const VALIDATE_CASES: &[&str] = &[
    "conftest-examples/.: -p kubernetes/policy kubernetes/service.yaml",
    "conftest-examples/.: -p kubernetes/policy kubernetes/deployment.yaml",
    "conftest-examples/.: -p kubernetes/policy kubernetes/deployment+service.yaml",
    "conftest-examples/.: -p kubernetes/policy kubernetes/deployment.yaml kubernetes/service.yaml",
    "conftest-examples/.: --namespace notpresent -p kubernetes/policy kubernetes/deployment.yaml",
    "conftest-examples/.: --all-namespaces -p kubernetes/policy kubernetes/deployment.yaml",
    "conftest-examples/.: -p kubernetes/policy/deny.rego kubernetes/deployment.yaml",
    "conftest-examples/.: -p report/policy_print/labels.rego kubernetes/deployment.yaml",
    "conftest-examples/.: -p strict-rules/policy kubernetes/deployment.yaml",
    "conftest-examples/.: -p builtin-errors/invalid-dns.rego kubernetes/deployment.yaml",
    "conftest-examples/.: -p data/policy -d data/exclusions data/service.yaml",
    "conftest-examples/.: -p exceptions/policy exceptions/deployments.yaml",
    "conftest-examples/.: --combine -p combine/policy combine/team.yaml combine/user1.yaml combine/user2.yaml",
    "conftest-examples/.: --combine -p combine/policy combine/team.yaml combine/users.yaml",
    "conftest-examples/.: --combine -p kubernetes/combine/combine.rego kubernetes/combine/deployment.yaml kubernetes/combine/service.yaml",
    "conftest-examples/.: -p compose/policy compose/docker-compose.yml",
    "conftest-examples/.: -p compose/policy compose/docker-compose-valid.yml",
    "conftest-examples/.: -p awssam/policy awssam/lambda.yaml",
    "conftest-examples/.: -p serverless/policy serverless/serverless.yaml",
    "conftest-examples/.: -p kustomize/policy kustomize/deployment.yaml kustomize/service.yaml kustomize/configMap.yaml",
    "conftest-examples/.: -p hcl2/policy hcl2/terraform.tf",
    "conftest-examples/.: -p hcl2/policy hcl2",
    "conftest-examples/.: -p hcl1/policy/gke.rego hcl1/gke.tf",
    "conftest-examples/.: --namespace main.gke -p hcl1/policy/ hcl1/gke.tf",
    "conftest-examples/.: --parser hcl1 -p hcl1/policy/gke.rego hcl1/gke.tf",
    "conftest-examples/.: --namespace main.gke --parser hcl1 -p hcl1/policy/ hcl1/gke.tf",
    "conftest-examples/.: -p hcl1/policy/gke_combine.rego hcl1/gke.tf --combine --parser hcl1 --all-namespaces",
    "conftest-examples/.: -p hcl1/policy/base.rego hcl1/gke-show.json",
    "conftest-examples/.: --parser hcl1 -p hcl1/policy/base.rego hcl1/gke.tf",
    "conftest-examples/.: -p nginx/policy nginx/nginx.conf",
    "conftest-examples/.: -p nginx/policy --parser nginx nginx/nginx.conf",
    "conftest-examples/.: -p nginx/policy --parser nginx - < nginx/nginx.conf",
    "conftest-examples/.: -p kubernetes/policy - < kubernetes/service.yaml",
    "conftest-examples/.: -p docker/policy docker/Dockerfile",
    "conftest-examples/.: --all-namespaces -p docker/policy docker/Dockerfile",
    "conftest-examples/.: --namespace main -p docker/policy docker/Dockerfile",
    "conftest-examples/.: --namespace * -p docker/policy docker/Dockerfile",
    "conftest-examples/.: --namespace c* -p docker/policy docker/Dockerfile",
    "conftest-examples/.: -p ignore/dockerignore/policy ignore/dockerignore/.dockerignore",
    "conftest-examples/.: -p ignore/gitignore/policy ignore/gitignore/.gitignore",
    "conftest-examples/.: -p traefik/policy traefik/traefik.toml",
    "conftest-examples/.: -p kubernetes/policy traefik/traefik.toml kubernetes/service.yaml",
    "conftest-examples/.: -p ini/policy ini/grafana.ini",
    "conftest-examples/.: -p ini/policy --parser ini - < ini/grafana.ini",
    "conftest-examples/.: -p properties/policy/ properties/sample.properties",
    "conftest-examples/.: -p dotenv/policy/ dotenv/sample.env",
    "conftest-examples/.: -p vcl/policy vcl/varnish.vcl",
    "conftest-examples/.: -p vcl/policy --parser vcl - < vcl/varnish.vcl",
    "conftest-examples/.: -p hocon/policy hocon/hocon.conf --parser hocon",
    "conftest-examples/.: -p kubernetes/policy/ -p capabilities/malicious.rego --capabilities capabilities/capabilities.json kubernetes/deployment.yaml",
    "conftest-examples/.: -p kubernetes/policy/ --capabilities capabilities/capabilities.json kubernetes/deployment.yaml",
    "conftest-examples/.: --parser yaml -p kubernetes/policy - < kubernetes/service.yaml",
    "conftest-examples/.: -p edn/policy edn/sample_config.edn",
    "conftest-examples/.: -p xml/policy xml/pom.xml",
    "conftest-examples/.: -p codeowners/policy codeowners/CODEOWNERS",
    // conftest's settings file: found in the current folder, or named with -c
    "conftest-examples/configfile: deployment.yaml",
    "conftest-examples/.: -c configfile/conftest.toml -p configfile/test configfile/deployment.yaml",
    "conftest-examples/.: --policy cyclonedx/policy/ cyclonedx/cyclonedx.json --parser cyclonedx",
    "conftest-examples/.: --policy cyclonedx/policy/ cyclonedx/cyclonedx.xml --parser cyclonedx",
    "conftest-examples/.: --policy cyclonedx/policy/ --parser cyclonedx - < cyclonedx/cyclonedx.xml",
    "conftest-examples/.: -p spdx/policy spdx/sbom.spdx",
    "conftest-examples/.: -p spdx/policy --parser spdx - < spdx/sbom.spdx",
    "conftest-examples/.: --proto-file-dirs=textproto/protos -p textproto/policy textproto/",
    "conftest-examples/.: -p textproto/policy textproto/",
    "conftest-examples/.: -p jsonnet/policy jsonnet/arith.jsonnet",
    "conftest-examples/.: -p jenkins/policy jenkins/Jenkinsfile",
    "conftest-examples/.: -p jenkins/policy jenkins/Jenkinsfile.safe",
    "conftest-examples/.: -p jenkins/policy --parser groovy - < jenkins/Jenkinsfile",
    "conftest-examples/.: -p cue/policy cue/deployment.cue",
    "conftest-examples/.: -p cue/policy --parser cue - < cue/deployment.cue",
    "conftest-tests/multidir: --policy org --policy team data.json",
    "conftest-tests/nested: --namespace group1 data.json",
    "conftest-tests/nested: --namespace group2 data.json",
    "conftest-tests/nested: --namespace group1 --namespace group2 data.json",
    "conftest-tests/nested: --all-namespaces data.json",
    "conftest-tests/problematic-if: --policy=policy/valid.rego data.yaml",
    "conftest-tests/problematic-if: --policy=policy/valid_bare_deny.rego data.yaml",
    "conftest-tests/problematic-if: --policy=policy/invalid.rego data.yaml",
    "conftest-tests/rego-version: --policy=policy/v0.rego --rego-version=v0 data.yaml",
    "conftest-tests/rego-version: --policy=policy/v0.rego --rego-version=v1 data.yaml",
    "conftest-tests/rego-version: --policy=policy/v1.rego --rego-version=v0 data.yaml",
    "conftest-tests/rego-version: --policy=policy/v1.rego --rego-version=v1 data.yaml",
    "conftest-tests/return-multiple-failures: -p policy.rego file.json",
    "conftest-tests/source-location: -d loc_different_file.yaml data.yaml",
    "conftest-tests/source-location: -d loc_same_file.yaml data.yaml",
    "conftest-tests/annotations: -d exclusions service.yaml",
    "conftest-tests/multitype: deployment.yaml",
];

/// Unit-test runs, `TOOL corpus/folder: paths [-d DATA]`: TOOL judges, `opa` (`opa test`), or
/// `conftest` (`conftest verify`) where the policies use conftest's builtins (`parse_config`…) or
/// sit next to files that `opa test` would load as data.
const TEST_CASES: &[&str] = &[
    "opa opa-policy-tests/.: build/policy/files",
    "opa opa-policy-tests/.: build/policy/pr-check",
    "opa opa-policy-tests/.: internal/metricsexport internal/configpolicy",
    "opa opa-policy-tests/.: v1/config internal/configpolicy",
    "opa opa-policy-tests/.: v1/plugins/server/decoding internal/configpolicy",
    "opa opa-policy-tests/.: v1/plugins/server/encoding internal/configpolicy",
    "opa opa-policy-tests/.: v1/plugins/server/metrics internal/configpolicy",
    "opa conftest-examples/.: kubernetes/policy",
    "opa conftest-examples/.: kubernetes/policy --capabilities capabilities/capabilities.json",
    "opa conftest-examples/.: dotenv/policy",
    "opa conftest-examples/.: data/policy -d data/exclusions",
    "opa conftest-examples/.: traefik/policy",
    "conftest conftest-examples/.: kubernetes/combine",
    // conftest's bats: `verify --namespace`, literal, glob, none matching
    "conftest conftest-examples/.: kubernetes/policy --namespace main",
    "conftest conftest-examples/.: kubernetes/policy --namespace ma*",
    "conftest conftest-examples/.: kubernetes/policy --namespace doesnotexist",
    // conftest's bats: `verify --report` (a policy folder plus a test folder)
    "conftest conftest-examples/.: report/policy report/success",
    "conftest conftest-examples/.: report/policy_print report/success",
    "conftest conftest-examples/.: report/policy report/fail",
    // no paths: the policy and namespace of conftest's settings file there
    "conftest conftest-examples/configfile: ",
    "conftest conftest-examples/.: hcl2/policy",
    "conftest conftest-examples/.: jenkins/policy",
    "conftest conftest-examples/.: nginx/policy --allow-file-access nginx",
    "opa conftest-tests/annotations: policy -d exclusions",
    "opa conftest-tests/document: policy",
    "conftest conftest-tests/builtin-errors: policy",
];

/// Cases where sealgate knowingly differs, by their label's start, with the reason shown in the doc.
/// Exact: a listed case that agrees again fails the test too, so the list stays true.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "`conftest-examples/.: conftest test -p builtin-errors/invalid-dns.rego",
    "network builtins (`net.lookup_ip_addr`) are disabled in sealgate by design (no network from a gate), so the policy is refused; conftest's failed lookup is undefined",
)];

/// One tool's answer: per file (or `Combined`), the sorted `failure:`/`warning:` messages; or the
/// tool's refusal (policy error).
type Verdicts = Result<BTreeMap<String, Vec<String>>, String>;

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// `FILE` (relative to `dir`) as the command's stdin; nothing when `file` is empty.
fn feed_stdin(cmd: &mut Command, dir: &Path, file: &str) {
    if !file.is_empty() {
        let f = std::fs::File::open(dir.join(file))
            .unwrap_or_else(|e| panic!("stdin file {file}: {e}"));
        cmd.stdin(f);
    }
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_string()
}

/// conftest's arguments split into (policies, data, namespaces, rego-version, flags, files), and
/// sealgate's own `--allow-file-access` folders (conftest reads any file; sealgate only inside the
/// policy and data folders unless told, as a user of those policies would tell it).
#[derive(Default)]
struct Args {
    allow_file_access: Vec<String>,
    policies: Vec<String>,
    data: Vec<String>,
    namespaces: Vec<String>,
    rego_version: Option<String>,
    /// `--capabilities FILE`, which both tools (and `opa`) take.
    capabilities: Option<String>,
    flags: Vec<String>,
    files: Vec<String>,
    /// `< FILE`: the file both tools read on stdin (given as `-`).
    stdin: Option<String>,
    /// `-c FILE`: conftest's settings file (sealgate's `--conftest-config`).
    config: Option<String>,
}

fn parse_args(line: &str) -> Args {
    let mut a = Args::default();
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (w, None),
        };
        let mut value = || inline.clone().or_else(|| words.next().map(str::to_string));
        match flag {
            "-p" | "--policy" => a.policies.push(value().unwrap()),
            "-d" | "--data" => a.data.push(value().unwrap()),
            "-n" | "--namespace" => a.namespaces.push(value().unwrap()),
            "--rego-version" => a.rego_version = value(),
            "--capabilities" => a.capabilities = value(),
            "-c" | "--config-file" => a.config = value(),
            "--allow-file-access" => a.allow_file_access.push(value().unwrap()),
            "--combine" | "--all-namespaces" => a.flags.push(flag.to_string()),
            "--parser" | "--proto-file-dirs" => {
                a.flags.extend([flag.to_string(), value().unwrap()]);
            }
            "<" => a.stdin = value(),
            f if f.starts_with('-') && f != "-" => panic!("flag {f} not mapped"),
            file => a.files.push(file.to_string()),
        }
    }
    a
}

fn conftest_verdicts(conftest: &Path, dir: &Path, line: &str) -> Verdicts {
    let mut cmd = Command::new(conftest);
    cmd.current_dir(dir)
        .args(["test", "--no-color", "-o", "json"]);
    let (line, stdin) = line.split_once(" < ").unwrap_or((line, ""));
    cmd.args(line.split_whitespace());
    feed_stdin(&mut cmd, dir, stdin.trim());
    let out = run(&mut cmd);
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|_| first_line(&out.stderr))?;
    let mut v = BTreeMap::<String, Vec<String>>::new();
    for r in json.as_array().map(Vec::as_slice).unwrap_or_default() {
        // stdin is the empty name in conftest's JSON, `-` in sealgate's (as told)
        let name = match r["filename"].as_str().unwrap_or_default() {
            "" => "-",
            name => name,
        };
        let entry = v.entry(name.to_string());
        let entry = entry.or_default();
        for (key, level) in [("failures", "failure"), ("warnings", "warning")] {
            for f in r
                .get(key)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                entry.push(format!(
                    "{level}: {}",
                    f["msg"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    for msgs in v.values_mut() {
        msgs.sort();
    }
    v.retain(|_, m| !m.is_empty());
    Ok(v)
}

/// Whether a finding comes from a policy (`pkg.rule`), not from the schema or parse checks that
/// `validate` runs besides (conftest has none).
fn is_policy_check(check: &str) -> bool {
    check.contains('.')
}

fn sealgate_verdicts(dir: &Path, line: &str) -> Verdicts {
    let a = parse_args(line);
    let mut cmd = Command::new(SEALGATE);
    cmd.current_dir(dir)
        .args(["validate", "--ignore-missing-schemas", "-o", "json"]);
    // conftest's default policy folder, unless its settings file (-c, or conftest.toml in the
    // folder) names one: sealgate reads that file itself
    let configured = a.config.is_some() || dir.join("conftest.toml").is_file();
    let policies = if a.policies.is_empty() && !configured {
        vec!["policy".to_string()]
    } else {
        a.policies.clone()
    };
    for p in &policies {
        cmd.args(["--policy", p]);
    }
    for d in &a.data {
        cmd.args(["-d", d]);
    }
    for n in &a.namespaces {
        cmd.args(["--namespace", n]);
    }
    for f in &a.allow_file_access {
        cmd.args(["--allow-file-access", f]);
    }
    if let Some(v) = &a.rego_version {
        cmd.args(["--rego-version", v]);
    }
    if let Some(c) = &a.capabilities {
        cmd.args(["--capabilities", c]);
    }
    if let Some(c) = &a.config {
        cmd.args(["--conftest-config", c]);
    }
    cmd.args(&a.flags).args(&a.files);
    if let Some(file) = &a.stdin {
        // conftest names stdin `-` in its report
        cmd.args(["--stdin-filename", "-"]);
        feed_stdin(&mut cmd, dir, file);
    }
    let out = run(&mut cmd);
    if out.status.code() == Some(2) {
        return Err(first_line(&out.stderr));
    }
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("sealgate validate {line}: not JSON ({e})"));
    let combine = a.flags.iter().any(|f| f == "--combine");
    let mut v = BTreeMap::<String, Vec<String>>::new();
    let resources = json["resources"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let findings = || {
        resources.iter().flat_map(|r| {
            r["findings"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
        })
    };
    // A configuration file one of conftest's parsers refuses is sealgate's finding
    // (`invalid PARSER file: …`); conftest stops the whole run on it.
    let refused = |f: &&Value| {
        f["check"] == "parse"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("invalid ") && m.contains(" file: "))
    };
    if let Some(f) = findings().find(refused) {
        return Err(format!(
            "{}: {}",
            f["file"].as_str().unwrap_or_default(),
            f["message"].as_str().unwrap_or_default()
        ));
    }
    for f in findings() {
        if !is_policy_check(f["check"].as_str().unwrap_or_default()) {
            continue;
        }
        let level = match f["severity"].as_str() {
            Some("error") => "failure",
            Some("warning") => "warning",
            _ => continue,
        };
        let file = if combine {
            "Combined".to_string()
        } else {
            f["file"].as_str().unwrap_or_default().to_string()
        };
        v.entry(file).or_default().push(format!(
            "{level}: {}",
            f["message"].as_str().unwrap_or_default()
        ));
    }
    for msgs in v.values_mut() {
        msgs.sort();
    }
    Ok(v)
}

/// Per unit test (`package.name` without `data.`): passed or not; or the tool's refusal.
type TestVerdicts = Result<BTreeMap<String, bool>, String>;

fn opa_tests(opa: &Path, dir: &Path, line: &str) -> TestVerdicts {
    let a = parse_args(line);
    let mut cmd = Command::new(opa);
    cmd.current_dir(dir).args(["test", "--format", "json"]);
    if a.rego_version.as_deref() == Some("v0") {
        cmd.arg("--v0-compatible");
    }
    if let Some(c) = &a.capabilities {
        cmd.args(["--capabilities", c]);
    }
    // `opa test` loads the data files under its paths, as conftest's `-d` does.
    cmd.args(&a.files).args(&a.data);
    let out = run(&mut cmd);
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|_| first_line(&out.stderr))?;
    let mut v = BTreeMap::new();
    for t in json.as_array().map(Vec::as_slice).unwrap_or_default() {
        let name = format!(
            "{}.{}",
            t["package"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("data."),
            t["name"].as_str().unwrap_or_default()
        );
        let failed = t.get("fail").and_then(Value::as_bool).unwrap_or(false)
            || t.get("error").is_some_and(|e| !e.is_null());
        v.insert(name, !failed);
    }
    Ok(v)
}

/// `conftest verify` names only failing tests; the passing ones are the other tests sealgate
/// found, checked by count.
fn conftest_tests(conftest: &Path, dir: &Path, line: &str, ours: &TestVerdicts) -> TestVerdicts {
    let a = parse_args(line);
    let mut cmd = Command::new(conftest);
    cmd.current_dir(dir)
        .args(["verify", "--no-color", "-o", "json"]);
    for p in &a.files {
        cmd.args(["-p", p]);
    }
    for d in &a.data {
        cmd.args(["-d", d]);
    }
    for n in &a.namespaces {
        cmd.args(["--namespace", n]);
    }
    if let Some(v) = &a.rego_version {
        cmd.arg(format!("--rego-version={v}"));
    }
    if let Some(c) = &a.capabilities {
        cmd.args(["--capabilities", c]);
    }
    let out = run(&mut cmd);
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|_| first_line(&out.stderr))?;
    let mut passed = 0;
    let mut failed = Vec::new();
    for r in json.as_array().map(Vec::as_slice).unwrap_or_default() {
        passed += r["successes"].as_u64().unwrap_or(0) as usize;
        for f in r["failures"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let name = f["msg"].as_str().unwrap_or_default();
            failed.push(name.trim_start_matches("data.").to_string());
        }
    }
    let mut v: BTreeMap<String, bool> = failed.into_iter().map(|n| (n, false)).collect();
    let ours_names = ours.as_ref().map(|o| o.keys().cloned().collect::<Vec<_>>());
    let others: Vec<String> = ours_names
        .unwrap_or_default()
        .into_iter()
        .filter(|n| !v.contains_key(n))
        .collect();
    if others.len() == passed {
        v.extend(others.into_iter().map(|n| (n, true)));
    } else {
        v.insert(format!("({passed} passing tests)"), true);
    }
    Ok(v)
}

fn sealgate_tests(dir: &Path, line: &str) -> TestVerdicts {
    let a = parse_args(line);
    let mut cmd = Command::new(SEALGATE);
    cmd.current_dir(dir)
        .args(["policy", "test", "-o", "json"])
        .args(&a.files);
    for d in &a.data {
        cmd.args(["-d", d]);
    }
    for f in &a.allow_file_access {
        cmd.args(["--allow-file-access", f]);
    }
    for n in &a.namespaces {
        cmd.args(["--namespace", n]);
    }
    if let Some(v) = &a.rego_version {
        cmd.args(["--rego-version", v]);
    }
    if let Some(c) = &a.capabilities {
        cmd.args(["--capabilities", c]);
    }
    let out = run(&mut cmd);
    if out.status.code() == Some(2) {
        return Err(first_line(&out.stderr));
    }
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("sealgate policy test {line}: not JSON ({e})"));
    Ok(json["tests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|t| {
            (
                format!(
                    "{}.{}",
                    t["package"].as_str().unwrap_or_default(),
                    t["name"].as_str().unwrap_or_default()
                ),
                t["outcome"] == "pass",
            )
        })
        .collect())
}

struct Row {
    folder: String,
    what: String,
    units: usize,
    agreeing: usize,
    detail: String,
}

impl Row {
    fn agree(&self) -> bool {
        self.units == self.agreeing
    }
}

/// Files (or tests) on which both tools say the same; both refusing the policy counts as one.
/// The details are `summary` of their answer when all agree, else what differs.
fn compare<V: PartialEq + std::fmt::Debug>(
    theirs: &Result<BTreeMap<String, V>, String>,
    ours: &Result<BTreeMap<String, V>, String>,
    summary: impl Fn(&BTreeMap<String, V>) -> String,
) -> (usize, usize, String) {
    match (theirs, ours) {
        (Ok(t), Ok(o)) => {
            let keys: std::collections::BTreeSet<&String> = t.keys().chain(o.keys()).collect();
            let differ: Vec<String> = keys
                .iter()
                .filter(|k| t.get(**k) != o.get(**k))
                .map(|k| format!("{k}: theirs {:?}, ours {:?}", t.get(*k), o.get(*k)))
                .collect();
            let units = keys.len().max(1);
            let agreeing = if keys.is_empty() {
                1
            } else {
                units - differ.len()
            };
            let detail = if differ.is_empty() {
                summary(t)
            } else {
                differ.join("; ")
            };
            (units, agreeing, detail)
        }
        (Err(t), Err(o)) => (1, 1, format!("both refuse: {t} / {o}")),
        (Err(t), Ok(_)) => (1, 0, format!("only theirs refuses: {t}")),
        (Ok(_), Err(o)) => (1, 0, format!("only sealgate refuses: {o}")),
    }
}

fn section(rows: &[Row], opa: &str, conftest: &str) -> String {
    let mut s = format!(
        "## Policy repositories: conftest test, opa test\n\nGenerated by `cli/tests/conformance_policy_repos.rs` (`SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate conformance_policy_repos`), against {conftest} and {opa}. A *case* is one command line; its units are the files (validate) or unit tests (policy test) compared.\n\n| corpus folder | cases | agreeing | differing |\n|---|---|---|---|\n"
    );
    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows {
        let e = per.entry(&r.folder).or_default();
        e.0 += 1;
        e.1 += usize::from(r.agree());
    }
    for (folder, (cases, agreeing)) in &per {
        writeln!(
            s,
            "| {folder} | {cases} | {agreeing} | {} |",
            cases - agreeing
        )
        .unwrap();
    }
    let agreeing = rows.iter().filter(|r| r.agree()).count();
    let units: usize = rows.iter().map(|r| r.units).sum();
    let units_agreeing: usize = rows.iter().map(|r| r.agreeing).sum();
    writeln!(
        s,
        "\nIn all: {agreeing} of {} cases agree ({units_agreeing} of {units} files or unit tests); every difference is listed with its reason below (`KNOWN_DIFFERENCES`, exact: a new difference, or a listed one that agrees again, fails the test).",
        rows.len()
    )
    .unwrap();
    s.push_str("\n| case | units agreeing | details |\n|---|---|---|\n");
    for r in rows {
        let reason = KNOWN_DIFFERENCES
            .iter()
            .find(|(k, _)| r.what.starts_with(k))
            .map(|(_, why)| format!("**known**: {why} "))
            .unwrap_or_default();
        writeln!(
            s,
            "| {} | {}/{} | {reason}{} |",
            r.what,
            r.agreeing,
            r.units,
            r.detail.replace('|', "\\|").replace('\n', " ")
        )
        .unwrap();
    }
    s
}

/// The module@version a reference tool was built from (`tests/peers/build`'s stamp), else its name.
fn built_from(bin: &Path, name: &str) -> String {
    bin.parent()
        .map(|d| d.join(".stamps").join(name))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| t.lines().next().map(str::to_string))
        .unwrap_or_else(|| name.to_string())
}

/// `corpus/folder: rest` as its three parts.
fn split_case(case: &str) -> (&str, &str, &str) {
    let (location, line) = case.split_once(": ").unwrap();
    let (corpus, sub) = location.split_once('/').unwrap();
    (corpus, sub, line)
}

/// The corpus folder a case belongs to: its folder, or in a corpus' root the top folder of the
/// first path it names.
fn folder(corpus: &str, sub: &str, line: &str) -> String {
    let top = line
        .split_whitespace()
        .find(|w| !w.starts_with('-') && w.contains('/'))
        .and_then(|w| w.split('/').next());
    match (sub, top) {
        (".", Some(top)) => format!("{corpus}/{top}"),
        _ => format!("{corpus}/{sub}"),
    }
}

#[test]
fn conftest_and_opa_agree_with_sealgate_on_policy_repositories() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let Some(opa) = sealgate_tests::peer_tool(TEST, "opa").unwrap() else {
        return;
    };
    let mut corpora = BTreeMap::new();
    for name in ["conftest-examples", "conftest-tests", "opa-policy-tests"] {
        let Some(dir) = sealgate_tests::corpus(TEST, name).unwrap() else {
            return;
        };
        corpora.insert(name, dir);
    }
    let mut rows = Vec::new();
    for case in VALIDATE_CASES {
        let (corpus, sub, line) = split_case(case);
        let dir = corpora[corpus].join(sub);
        let theirs = conftest_verdicts(&conftest, &dir, line);
        let ours = sealgate_verdicts(&dir, line);
        let (units, agreeing, detail) = compare(&theirs, &ours, |t| {
            format!(
                "{} message(s) in {} file(s)",
                t.values().map(Vec::len).sum::<usize>(),
                t.len()
            )
        });
        rows.push(Row {
            folder: format!("validate: {}", folder(corpus, sub, line)),
            what: format!("`{corpus}/{sub}: conftest test {line}`"),
            units,
            agreeing,
            detail,
        });
    }
    for case in TEST_CASES {
        let (oracle, case) = case.split_once(' ').unwrap();
        let (corpus, sub, line) = split_case(case);
        let dir = corpora[corpus].join(sub);
        let ours = sealgate_tests(&dir, line);
        let (theirs, tool) = match oracle {
            "opa" => (opa_tests(&opa, &dir, line), "opa test"),
            _ => (
                conftest_tests(&conftest, &dir, line, &ours),
                "conftest verify",
            ),
        };
        let (units, agreeing, detail) = compare(&theirs, &ours, |t| {
            format!(
                "{} test(s), {} passing",
                t.len(),
                t.values().filter(|p| **p).count()
            )
        });
        rows.push(Row {
            folder: format!("policy test: {}", folder(corpus, sub, line)),
            what: format!("`{corpus}/{sub}: {tool} {line}`"),
            units,
            agreeing,
            detail,
        });
    }
    let text = section(
        &rows,
        &built_from(&opa, "opa"),
        &built_from(&conftest, "conftest"),
    );
    eprintln!("{text}");
    if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
        let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md");
        sealgate_tests::update_doc_section(&doc, "policy-repositories", &text).unwrap();
    }
    let known = |r: &Row| KNOWN_DIFFERENCES.iter().any(|(k, _)| r.what.starts_with(k));
    let unexpected: Vec<String> = rows
        .iter()
        .filter(|r| !r.agree() && !known(r))
        .map(|r| format!("{}: {}", r.what, r.detail))
        .collect();
    let fixed: Vec<&str> = rows
        .iter()
        .filter(|r| r.agree() && known(r))
        .map(|r| r.what.as_str())
        .collect();
    assert!(
        unexpected.is_empty(),
        "sealgate differs from the real tools: {unexpected:#?}"
    );
    assert!(
        fixed.is_empty(),
        "now agreeing: remove from KNOWN_DIFFERENCES: {fixed:#?}"
    );
}
