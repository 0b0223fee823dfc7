//! The repository config `.sealgate.yaml`: the clusters a repository seals for (a name and where
//! its sealing certificate comes from) and the path rules that map files to clusters. Found
//! upwards from the working directory like `.sops.yaml`, or named with `--config`; its JSON
//! Schema is `schemas/sealgate-config.schema.json`. A wrong file is one error naming file:line.

use std::path::{Path, PathBuf};

use sealgate_core::manifest::{self, Budget, DEFAULT_MAX_BYTES, Source};
use serde_json::{Map, Value};

use crate::cert_source::CertSource;
use crate::error::CliError;
use crate::kube_api::Target;

/// The file name looked for in the working directory and its parents.
pub const FILE_NAME: &str = ".sealgate.yaml";

/// One cluster of the config.
pub struct ClusterEntry {
    pub name: String,
    pub cert: CertSource,
    /// `cert:` as written in the config (a path relative to its folder, or a URL), for display.
    pub cert_as_written: Option<String>,
}

/// A path rule: files matching `pattern` (relative to the config's folder; `*`, `**` and one
/// `{cluster}` placeholder) belong to the named clusters, or to the cluster `{cluster}` matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    pub pattern: String,
    pub clusters: Vec<String>,
}

/// A loaded `.sealgate.yaml`.
pub struct RepoConfig {
    /// The file, for messages.
    pub file: PathBuf,
    /// Its folder, which path rules are relative to.
    pub base: PathBuf,
    pub clusters: Vec<ClusterEntry>,
    pub paths: Vec<PathRule>,
}

/// `.sealgate.yaml` in `start` or the nearest parent that has one.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The config named by `--config`, else the one found upwards from the working directory.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| CliError::read(".", e))?;
    find(&cwd).ok_or_else(|| {
        CliError::input(
            format!("no {FILE_NAME} in this folder or any parent"),
            cwd.display().to_string(),
            format!("write a {FILE_NAME} declaring the clusters (schemas/sealgate-config.schema.json), or pass --config FILE"),
        )
    })
}

/// Reads and checks a config file.
pub fn load(path: &Path) -> Result<RepoConfig, CliError> {
    let shown = path.display().to_string();
    let source =
        Source::read_path(path, Budget::bytes(DEFAULT_MAX_BYTES)).map_err(|e| match e {
            manifest::ManifestError::Io { file, source } => CliError::read(file, source),
            other => CliError::manifest(other, &shown),
        })?;
    let loaded = manifest::load(source).map_err(|e| CliError::manifest(e, &shown))?;
    let [doc] = loaded.documents.as_slice() else {
        return Err(CliError::input(
            format!("{} YAML documents, expected one", loaded.documents.len()),
            shown,
            "keep one mapping with `clusters` and `paths`",
        ));
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(doc.value(), &base)
        .map_err(|(pointer, what, hint)| {
            CliError::input(what, format!("{shown}:{}", doc.line_of(&pointer)), hint)
        })
        .map(|(clusters, paths)| RepoConfig {
            file: path.to_path_buf(),
            base: absolute(&base),
            clusters,
            paths,
        })
}

/// An error while getting `cluster`'s certificate, saying which cluster it is.
pub fn in_cluster(error: CliError, cluster: &str, config: &Path) -> CliError {
    match error {
        CliError::Input { what, place, hint } => CliError::Input {
            what: format!("cluster {cluster}: {what}"),
            place,
            hint,
        },
        CliError::Read { path, reason } => CliError::Input {
            what: format!("cluster {cluster}: cannot read its certificate ({reason})"),
            place: path,
            hint: format!("fix its `cert` path in {}", config.display()),
        },
        other => other,
    }
}

impl RepoConfig {
    /// The clusters named (in the config's order), or all of them.
    pub fn select(&self, names: &[String], all: bool) -> Result<Vec<&ClusterEntry>, CliError> {
        if all {
            return Ok(self.clusters.iter().collect());
        }
        if let Some(unknown) = names
            .iter()
            .find(|n| !self.clusters.iter().any(|c| &c.name == *n))
        {
            let known: Vec<&str> = self.clusters.iter().map(|c| c.name.as_str()).collect();
            return Err(CliError::input(
                format!("cluster {unknown:?} is not declared"),
                self.file.display().to_string(),
                format!("use one of: {}", known.join(", ")),
            ));
        }
        Ok(self
            .clusters
            .iter()
            .filter(|c| names.contains(&c.name))
            .collect())
    }

    /// Each chosen cluster's file: `template` with `{cluster}` replaced by its name, which the
    /// path rules must give to that cluster. Several clusters need the placeholder.
    pub fn files_for<'a>(
        &self,
        chosen: &[&'a ClusterEntry],
        template: &str,
    ) -> Result<Vec<(&'a ClusterEntry, PathBuf)>, CliError> {
        if chosen.len() > 1 && !template.contains("{cluster}") {
            return Err(CliError::usage(
                format!("{template} has no {{cluster}}: every cluster would use the same file"),
                "put {cluster} in the path, e.g. clusters/{cluster}/db-sealed.yaml",
            ));
        }
        chosen
            .iter()
            .map(|cluster| {
                let path = PathBuf::from(template.replace("{cluster}", &cluster.name));
                if !self.allows(&path, &cluster.name) {
                    return Err(CliError::input(
                        format!(
                            "{} is not a file of cluster {} by the path rules",
                            path.display(),
                            cluster.name
                        ),
                        self.file.display().to_string(),
                        "use a path a rule gives to the cluster, or add a rule",
                    ));
                }
                Ok((*cluster, path))
            })
            .collect()
    }

    /// Whether the path rules let `file` hold `cluster`'s SealedSecrets (any file when there
    /// are no rules); a file outside the config's folder is never one.
    pub fn allows(&self, file: &Path, cluster: &str) -> bool {
        if self.paths.is_empty() {
            return true;
        }
        let Ok(relative) = absolute(file)
            .strip_prefix(&self.base)
            .map(Path::to_path_buf)
        else {
            return false;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        self.paths
            .iter()
            .any(|rule| rule.assigns(&relative, cluster))
    }
}

impl PathRule {
    /// Whether `path` (relative, `/`-separated) belongs to `cluster` by this rule.
    pub fn assigns(&self, path: &str, cluster: &str) -> bool {
        if !self.clusters.is_empty() && !self.clusters.iter().any(|c| c == cluster) {
            return false;
        }
        glob_regex(&self.pattern.replace("{cluster}", cluster)).is_some_and(|re| re.is_match(path))
    }
}

/// A path glob as a regex: `**` any folders, `*` and `?` within one path segment.
fn glob_regex(glob: &str) -> Option<regex::Regex> {
    let mut re = String::from("^");
    let mut rest = glob;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**/") {
            re.push_str("(?:.*/)?");
            rest = after;
        } else if let Some(after) = rest.strip_prefix("**") {
            re.push_str(".*");
            rest = after;
        } else {
            match c {
                '*' => re.push_str("[^/]*"),
                '?' => re.push_str("[^/]"),
                other => re.push_str(&regex::escape(&other.to_string())),
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    re.push('$');
    regex::Regex::new(&re).ok()
}

/// `path` made absolute against the working directory and cleaned of `.` and `..` (it may not
/// exist yet).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut clean = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

/// What is wrong: the JSON pointer of the culprit, what, and what to do.
type Problem = (String, String, String);

fn problem(pointer: &str, what: impl Into<String>, hint: impl Into<String>) -> Problem {
    (pointer.to_owned(), what.into(), hint.into())
}

/// Checks the document's shape (the rules of the JSON Schema) and builds the config.
fn parse(value: &Value, base: &Path) -> Result<(Vec<ClusterEntry>, Vec<PathRule>), Problem> {
    let top = object(value, "", &["clusters", "paths"])?;
    let clusters_value = top.get("clusters").ok_or_else(|| {
        problem(
            "",
            "no `clusters`",
            "declare at least one cluster under `clusters:`",
        )
    })?;
    let declared = object(clusters_value, "/clusters", &[])?;
    if declared.is_empty() {
        return Err(problem(
            "/clusters",
            "`clusters` is empty",
            "declare at least one cluster",
        ));
    }
    let mut clusters = Vec::with_capacity(declared.len());
    for (name, entry) in declared {
        let pointer = format!("/clusters/{}", escape(name));
        if !valid_name(name) {
            return Err(problem(
                &pointer,
                format!("cluster name {name:?} is not a DNS label"),
                "use lower-case letters, digits and '-', at most 63 characters",
            ));
        }
        clusters.push(ClusterEntry {
            name: name.clone(),
            cert: cluster_source(entry, &pointer, base)?,
            cert_as_written: entry.get("cert").and_then(Value::as_str).map(str::to_owned),
        });
    }
    let mut paths = Vec::new();
    if let Some(rules) = top.get("paths") {
        let Value::Array(rules) = rules else {
            return Err(problem(
                "/paths",
                "`paths` is not a list",
                "give a list of {path, clusters} rules",
            ));
        };
        for (i, rule) in rules.iter().enumerate() {
            let pointer = format!("/paths/{i}");
            let fields = object(rule, &pointer, &["path", "clusters"])?;
            let pattern = text(fields, &pointer, "path")?.ok_or_else(|| {
                problem(
                    &pointer,
                    "a path rule without `path`",
                    "give a pattern such as clusters/{cluster}/**",
                )
            })?;
            let named = match fields.get("clusters") {
                None => Vec::new(),
                Some(Value::Array(list)) => list
                    .iter()
                    .enumerate()
                    .map(|(j, v)| {
                        let at = format!("{pointer}/clusters/{j}");
                        let name = v.as_str().ok_or_else(|| {
                            problem(
                                &at,
                                "a cluster name that is not a string",
                                "list cluster names",
                            )
                        })?;
                        if !declared.contains_key(name) {
                            return Err(problem(
                                &at,
                                format!("cluster {name:?} is not declared under `clusters`"),
                                "declare it, or fix the name",
                            ));
                        }
                        Ok(name.to_owned())
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(problem(
                        &format!("{pointer}/clusters"),
                        "`clusters` is not a list",
                        "list cluster names",
                    ));
                }
            };
            let placeholders = pattern.matches("{cluster}").count();
            if placeholders > 1 || (placeholders == 0 && named.is_empty()) {
                return Err(problem(
                    &format!("{pointer}/path"),
                    format!("path {pattern:?} needs exactly one {{cluster}}, or a `clusters` list"),
                    "write clusters/{cluster}/**, or list the clusters the files are for",
                ));
            }
            if pattern.starts_with('/') || pattern.split('/').any(|part| part == "..") {
                return Err(problem(
                    &format!("{pointer}/path"),
                    format!("path {pattern:?} leaves the repository"),
                    "give a pattern relative to the config's folder",
                ));
            }
            paths.push(PathRule {
                pattern: pattern.to_owned(),
                clusters: named,
            });
        }
    }
    Ok((clusters, paths))
}

/// One cluster's certificate source: `cert` (a PEM file relative to the config, or an https://
/// URL) or `context` (the controller through that kubeconfig context), not both.
fn cluster_source(entry: &Value, pointer: &str, base: &Path) -> Result<CertSource, Problem> {
    let fields = object(
        entry,
        pointer,
        &[
            "cert",
            "context",
            "kubeconfig",
            "controllerNamespace",
            "controllerName",
        ],
    )?;
    let cert = text(fields, pointer, "cert")?;
    let context = text(fields, pointer, "context")?;
    let cluster_only = ["kubeconfig", "controllerNamespace", "controllerName"];
    match (cert, context) {
        (Some(_), Some(_)) => Err(problem(
            pointer,
            "both `cert` and `context`",
            "give one certificate source: a file or URL (`cert`), or the controller through a kubeconfig `context`",
        )),
        (None, None) => Err(problem(
            pointer,
            "no certificate source",
            "give `cert: FILE|URL`, or `context: NAME` (with controllerNamespace/controllerName)",
        )),
        (Some(cert), None) => {
            if let Some(extra) = cluster_only.iter().find(|k| fields.contains_key(**k)) {
                return Err(problem(
                    &format!("{pointer}/{extra}"),
                    format!("`{extra}` goes with `context`, not with `cert`"),
                    "drop it, or fetch the cert through `context`",
                ));
            }
            Ok(match CertSource::from_location(cert) {
                CertSource::File(file) if file.is_relative() => CertSource::File(base.join(file)),
                other => other,
            })
        }
        (None, Some(context)) => Ok(CertSource::Controller {
            namespace: text(fields, pointer, "controllerNamespace")?
                .unwrap_or("kube-system")
                .to_owned(),
            name: text(fields, pointer, "controllerName")?
                .unwrap_or("sealed-secrets-controller")
                .to_owned(),
            target: Target {
                kubeconfig: text(fields, pointer, "kubeconfig")?.map(|k| base.join(k)),
                context: Some(context.to_owned()),
                overrides: Box::default(),
            },
        }),
    }
}

/// `value` as a mapping whose keys are all in `known` (any key when `known` is empty).
fn object<'a>(
    value: &'a Value,
    pointer: &str,
    known: &[&str],
) -> Result<&'a Map<String, Value>, Problem> {
    let Value::Object(map) = value else {
        return Err(problem(
            pointer,
            format!("{} is not a mapping", shown(pointer)),
            "write key: value pairs",
        ));
    };
    if !known.is_empty()
        && let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str()))
    {
        return Err(problem(
            &format!("{pointer}/{}", escape(unknown)),
            format!("unknown key `{unknown}` in {}", shown(pointer)),
            format!("the keys here are: {}", known.join(", ")),
        ));
    }
    Ok(map)
}

/// A non-empty string field, if present.
fn text<'a>(
    fields: &'a Map<String, Value>,
    pointer: &str,
    key: &str,
) -> Result<Option<&'a str>, Problem> {
    match fields.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(_) => Err(problem(
            &format!("{pointer}/{key}"),
            format!("`{key}` is not a non-empty string"),
            "give a string",
        )),
    }
}

fn shown(pointer: &str) -> String {
    if pointer.is_empty() {
        "the config".to_owned()
    } else {
        format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A DNS label (RFC 1123), as cluster names appear in paths and messages.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
clusters:
  prod:
    cert: certs/prod.pem
  dr:
    cert: https://dr.example.invalid/v1/cert.pem
  staging:
    context: staging
    controllerNamespace: sealed
paths:
  - path: clusters/{cluster}/**
  - path: shared/**
    clusters: [prod, dr]
";

    /// (config text, the line the error names, a part of its message); `None`: accepted.
    const CASES: &[(&str, Option<(usize, &str)>)] = &[
        (GOOD, None),
        ("clusters:\n  prod:\n    cert: a.pem\n", None),
        (
            "clusters:\n  prod:\n    context: prod\n    kubeconfig: kube/prod.yaml\n    controllerName: ss\n",
            None,
        ),
        ("paths: []\n", Some((1, "no `clusters`"))),
        ("clusters: {}\n", Some((1, "`clusters` is empty"))),
        (
            "clusters:\n  prod:\n    cert: a.pem\nextra: 1\n",
            Some((4, "unknown key `extra`")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\n    context: prod\n",
            Some((2, "both `cert` and `context`")),
        ),
        (
            "clusters:\n  prod:\n    controllerName: x\n",
            Some((2, "no certificate source")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\n    controllerNamespace: x\n",
            Some((4, "`controllerNamespace` goes with `context`")),
        ),
        (
            "clusters:\n  Prod:\n    cert: a.pem\n",
            Some((2, "not a DNS label")),
        ),
        (
            "clusters:\n  prod:\n    cert: ''\n",
            Some((3, "`cert` is not a non-empty string")),
        ),
        (
            "clusters:\n  prod: a.pem\n",
            Some((2, "`clusters.prod` is not a mapping")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\npaths:\n  - path: shared/**\n",
            Some((5, "needs exactly one {cluster}")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\npaths:\n  - path: a/{cluster}/{cluster}\n",
            Some((5, "needs exactly one {cluster}")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\npaths:\n  - path: ../{cluster}/x\n",
            Some((5, "leaves the repository")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\npaths:\n  - clusters: [prod]\n",
            Some((5, "without `path`")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\npaths:\n  - path: x/**\n    clusters: [prod, qa]\n",
            Some((6, "cluster \"qa\" is not declared")),
        ),
        (
            "clusters:\n  prod:\n    cert: a.pem\npaths: shared\n",
            Some((4, "`paths` is not a list")),
        ),
    ];

    fn load_text(text: &str) -> Result<RepoConfig, CliError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path)
    }

    #[test]
    fn a_good_config_keeps_its_order_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, GOOD).unwrap();
        let config = load(&path).unwrap();
        let names: Vec<&str> = config.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["prod", "dr", "staging"]);
        assert!(
            matches!(&config.clusters[0].cert, CertSource::File(p) if *p == dir.path().join("certs/prod.pem"))
        );
        assert!(
            matches!(&config.clusters[1].cert, CertSource::Url(u) if u.starts_with("https://"))
        );
        let CertSource::Controller {
            namespace,
            name,
            target,
        } = &config.clusters[2].cert
        else {
            panic!("staging is a controller source");
        };
        assert_eq!(
            (namespace.as_str(), name.as_str()),
            ("sealed", "sealed-secrets-controller")
        );
        assert_eq!(target.context.as_deref(), Some("staging"));
        assert_eq!(
            config.paths,
            [
                PathRule {
                    pattern: "clusters/{cluster}/**".to_owned(),
                    clusters: vec![]
                },
                PathRule {
                    pattern: "shared/**".to_owned(),
                    clusters: vec!["prod".to_owned(), "dr".to_owned()]
                },
            ]
        );
    }

    #[test]
    fn a_wrong_config_is_one_error_naming_file_and_line() {
        for (text, expected) in CASES {
            match (load_text(text), expected) {
                (Ok(_), None) => {}
                (Err(error), Some((line, part))) => {
                    let message = error.to_string();
                    assert!(message.contains(part), "{text:?}: {message}");
                    assert!(
                        message.contains(&format!("{FILE_NAME}:{line}: ")),
                        "{text:?}: line {line} expected in {message}"
                    );
                }
                (Ok(_), Some(_)) => panic!("{text:?} was accepted"),
                (Err(error), None) => panic!("{text:?} was refused: {error}"),
            }
        }
    }

    /// The shipped JSON Schema accepts and refuses what the loader does (the loader also checks
    /// that a rule names declared clusters, which a schema cannot).
    #[test]
    fn the_json_schema_agrees_with_the_loader() {
        let schema: Value =
            serde_json::from_str(include_str!("../../schemas/sealgate-config.schema.json"))
                .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for (text, expected) in CASES {
            if expected.is_some_and(|(_, part)| part.contains("is not declared")) {
                continue;
            }
            let doc: Value = serde_saphyr::from_str(text).unwrap();
            assert_eq!(
                validator.is_valid(&doc),
                expected.is_none(),
                "schema and loader disagree on {text:?}"
            );
        }
    }

    #[test]
    fn path_rules_assign_files_to_clusters() {
        let rule = |pattern: &str, clusters: &[&str]| PathRule {
            pattern: pattern.to_owned(),
            clusters: clusters.iter().map(|c| (*c).to_owned()).collect(),
        };
        let per_cluster = rule("clusters/{cluster}/**", &[]);
        assert!(per_cluster.assigns("clusters/prod/db.yaml", "prod"));
        assert!(per_cluster.assigns("clusters/prod/apps/db.yaml", "prod"));
        assert!(!per_cluster.assigns("clusters/prod/db.yaml", "dr"));
        assert!(!per_cluster.assigns("clusters/production/db.yaml", "prod"));
        let shared = rule("shared/*.yaml", &["prod", "dr"]);
        assert!(shared.assigns("shared/db.yaml", "dr"));
        assert!(!shared.assigns("shared/x/db.yaml", "dr"));
        assert!(!shared.assigns("shared/db.yaml", "staging"));
        assert!(rule("**/{cluster}.yaml", &[]).assigns("a/b/prod.yaml", "prod"));
        assert!(rule("**/{cluster}.yaml", &[]).assigns("prod.yaml", "prod"));
        assert!(!rule("a.b/{cluster}", &[]).assigns("aXb/prod", "prod"));
    }

    #[test]
    fn found_upwards() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert!(find(&deep).is_none_or(|p| !p.starts_with(dir.path())));
        std::fs::write(dir.path().join(FILE_NAME), GOOD).unwrap();
        assert_eq!(find(&deep), Some(dir.path().join(FILE_NAME)));
    }
}
