//! `sealgate validate PATH`, with no flags, on GitOps repositories nobody here wrote, judged by a
//! real API server: zero error findings on objects the server accepts, and every planted error found.
//!
//! The repositories are rebuilt from what the Go module proxy serves (cached under
//! `~/.cache/sealgate/real-repos`, never committed):
//!
//! - **flux-fleet**, laid out as `flux bootstrap` leaves a repository: `clusters/dev/flux-system/`
//!   with `gotk-components.yaml` (the CRDs of source-controller and kustomize-controller v1.10.1,
//!   committed as bootstrap commits them) and `gotk-sync.yaml` (kustomize-controller's samples);
//!   `sources/` (source-controller's samples: GitRepository, HelmRepository, OCIRepository, Bucket,
//!   HelmChart); `apps/` (kustomize-controller's testdata: kustomize overlays of Flux Kustomizations,
//!   dependencies, SOPS, …); `infrastructure/` (flux2 v2.9.5's `manifests/`: kustomize bases with
//!   patches, label transformers and remote resources); `builds/` (flux2's `flux build` testdata:
//!   kustomizations with secret generators, var substitution, …);
//! - **examples-gitops**: this repository's `examples/gitops` (apps, crds);
//! - **helm-charts**: charts of helm v3.22.0's own tests (a Pod, a Secret, ordered objects, a
//!   chart with subcharts and `crds/`, an empty chart).
//! - **monitoring**: prometheus-operator v0.85.0's CRDs (`example/prometheus-operator-crd`, in
//!   `crds/`) next to the objects of its `example/` folder (Prometheus, Alertmanager,
//!   PrometheusRule, AlertmanagerConfig, ServiceMonitor, PodMonitor, ThanosRuler, RBAC).
//!
//! Then `--kustomize` on examples-gitops and `--helm` on helm-charts, with the reference tools of
//! `tests/peers/build` on PATH: every rendered object (rendered again by the tool alone) is judged
//! by the server the same way.
//!
//! The oracle: every CustomResourceDefinition of a repository is created for real, every namespace
//! its objects name is created, and every other object is sent as a server-side apply with
//! `dryRun=All`. A finding of sealgate's on an object the server accepts is a false alarm; files that
//! are no objects at all (kustomizations, patches) must have no error finding either. Planted broken
//! objects (a Deployment, a Flux GitRepository, a kustomization, a PrometheusRule) must each have an error finding.
//! With `SEALGATE_UPDATE_DOCS=1` the results are written to `docs/conformance.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client};
use sealgate_tests::{cluster, server_verdict, workspace_binary};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;
type AnyError = Box<dyn Error + Send + Sync>;

const TEST: &str = "cluster_real_repositories";
const FIELD_MANAGER: &str = "sealgate-real-repositories";

const FLUX2: &str = "github.com/fluxcd/flux2/v2@v2.9.5";
const SOURCE_CONTROLLER: &str = "github.com/fluxcd/source-controller@v1.10.1";
const KUSTOMIZE_CONTROLLER: &str = "github.com/fluxcd/kustomize-controller@v1.10.1";
const HELM: &str = "helm.sh/helm/v3@v3.22.0";
const PROMETHEUS_OPERATOR: &str = "github.com/prometheus-operator/prometheus-operator@v0.85.0";
/// Folders of prometheus-operator's `example/` that hold objects as people commit them (the
/// others hold Prometheus/Alertmanager configuration files, jsonnet output or a Go program), and
/// `user-guides/alerting` files that are Kubernetes objects (`alertmanager.yaml` there is an
/// Alertmanager configuration file).
const PROMETHEUS_EXAMPLES: &[&str] = &[
    "thanos",
    "shards",
    "rbac/prometheus",
    "rbac/prometheus-operator",
    "user-guides/getting-started",
    "user-guides/scrapeclass",
];
const PROMETHEUS_ALERTING: &[&str] = &[
    "alertmanager-config-example.yaml",
    "alertmanager-example.yaml",
    "alertmanager-example-service.yaml",
    "alertmanager-selector-example.yaml",
    "prometheus-example-rule-namespace-selector.yaml",
    "prometheus-example-rules.yaml",
    "prometheus-example.yaml",
];
/// Charts of helm's own tests (`cmd/helm/testdata/testcharts`) that are charts as people commit
/// them (the others there are deliberately broken: no Chart.yaml, failing templates, archives).
const HELM_CHARTS: &[&str] = &[
    "alpine",
    "chart-with-secret",
    "object-order",
    "subchart",
    "empty",
];

/// A file planted broken in a repository (its folder name, the file), and what its finding must
/// mention.
const PLANTED: &[(&str, &str, &str, &str)] = &[
    (
        "flux-fleet",
        "planted/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: planted-web, namespace: planted}\nspec:\n  replicas: two\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n",
        "two",
    ),
    (
        "flux-fleet",
        "planted/gitrepository.yaml",
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: planted-repo, namespace: planted}\nspec:\n  interval: 5\n  url: https://example.invalid/repo\n",
        "interval",
    ),
    (
        "flux-fleet",
        "planted/kustomization.yaml",
        "resources: [deployment.yaml, gitrepository.yaml]\nnamePrefixx: p-\n",
        "namePrefixx",
    ),
    // A type error inside `spec.groups`, the subtree the CRD conversion used to leave unchecked.
    (
        "monitoring",
        "planted/prometheusrule.yaml",
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: planted-rules, namespace: planted}\nspec:\n  groups:\n  - name: planted.rules\n    interval: 30\n    rules:\n    - alert: Planted\n      expr: vector(1)\n",
        "interval",
    ),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The module's files: its folder in the Go module cache, or, when its go.mod asks for a newer Go
/// than the local one (`go mod download` then reports an error but has verified and cached the
/// zip, as `schemas/generate` relies on), the zip unpacked once under `unpacked`.
fn module_dir(module: &str, unpacked: &Path) -> Result<PathBuf, AnyError> {
    let out = Command::new("go")
        .args(["mod", "download", "-json", module])
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .current_dir(std::env::temp_dir())
        .output()
        .map_err(|e| format!("go mod download {module}: {e} (is go on PATH?)"))?;
    let info: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "go mod download {module}: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    if let Some(dir) = info["Dir"].as_str().map(PathBuf::from)
        && dir.is_dir()
    {
        return Ok(dir);
    }
    let zip = info["Zip"]
        .as_str()
        .map(PathBuf::from)
        .filter(|z| z.is_file())
        .ok_or_else(|| format!("go mod download {module}: not served: {info}"))?;
    // The zip holds `module@version/…`; module paths here have no upper-case letters to escape.
    let dir = unpacked.join(module);
    if !dir.is_dir() {
        std::fs::create_dir_all(unpacked)?;
        let status = Command::new("unzip")
            .args(["-q", "-o"])
            .arg(&zip)
            .arg("-d")
            .arg(unpacked)
            .status()
            .map_err(|e| {
                format!(
                    "unzip {}: {e} (Debian: apt-get install unzip)",
                    zip.display()
                )
            })?;
        if !status.success() || !dir.is_dir() {
            return Err(format!("unzip {} gave no {}", zip.display(), dir.display()).into());
        }
    }
    Ok(dir)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            // The module cache is read-only; the copy is rebuilt (deleted) on the next run.
            let mode = std::fs::metadata(&target)?.permissions().mode() | 0o200;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

/// The YAML files of `dir` (sorted) joined into one stream.
fn concat(dir: &Path) -> Result<String, AnyError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = String::new();
    for file in files {
        out.push_str("---\n");
        out.push_str(&std::fs::read_to_string(file)?);
    }
    Ok(out)
}

/// Rebuilds the repositories under `root` (emptied first; module zips unpacked under
/// `unpacked`) and returns their folders.
fn rebuild(root: &Path, unpacked: &Path) -> Result<Vec<PathBuf>, AnyError> {
    if root.exists() {
        std::fs::remove_dir_all(root)?;
    }
    let flux2 = module_dir(FLUX2, unpacked)?;
    let source = module_dir(SOURCE_CONTROLLER, unpacked)?;
    let kustomize = module_dir(KUSTOMIZE_CONTROLLER, unpacked)?;

    let fleet = root.join("flux-fleet");
    let system = fleet.join("clusters/dev/flux-system");
    std::fs::create_dir_all(&system)?;
    let components =
        concat(&source.join("config/crd/bases"))? + &concat(&kustomize.join("config/crd/bases"))?;
    std::fs::write(system.join("gotk-components.yaml"), components)?;
    std::fs::write(
        system.join("gotk-sync.yaml"),
        concat(&kustomize.join("config/samples"))?,
    )?;
    // What `flux bootstrap` writes next to them.
    std::fs::write(
        system.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-components.yaml\n- gotk-sync.yaml\n",
    )?;
    copy_dir(&source.join("config/samples"), &fleet.join("sources"))?;
    copy_dir(&kustomize.join("config/testdata"), &fleet.join("apps"))?;
    copy_dir(&flux2.join("manifests"), &fleet.join("infrastructure"))?;
    // The kustomize trees of `flux build`'s tests; the files next to them are Go text/template
    // golden files of those tests (`namespace: {{ .fluxns }}`), not YAML anyone commits.
    let builds = flux2.join("cmd/flux/testdata/build-kustomization");
    for entry in std::fs::read_dir(&builds)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &fleet.join("builds").join(entry.file_name()))?;
        }
    }
    for (repo, file, text, _) in PLANTED {
        let path = root.join(repo).join(file);
        std::fs::create_dir_all(path.parent().unwrap_or(root))?;
        std::fs::write(path, text)?;
    }

    let example = root.join("examples-gitops");
    for sub in ["apps", "crds"] {
        copy_dir(
            &repo_root().join("examples/gitops").join(sub),
            &example.join(sub),
        )?;
    }
    let charts = root.join("helm-charts");
    let testcharts = module_dir(HELM, unpacked)?.join("cmd/helm/testdata/testcharts");
    for chart in HELM_CHARTS {
        copy_dir(&testcharts.join(chart), &charts.join(chart))?;
    }
    // A kube-prometheus-style repository: the operator's CRDs committed next to its objects.
    let monitoring = root.join("monitoring");
    let examples = module_dir(PROMETHEUS_OPERATOR, unpacked)?.join("example");
    copy_dir(
        &examples.join("prometheus-operator-crd"),
        &monitoring.join("crds"),
    )?;
    for folder in PROMETHEUS_EXAMPLES {
        copy_dir(&examples.join(folder), &monitoring.join(folder))?;
    }
    let alerting = monitoring.join("user-guides/alerting");
    std::fs::create_dir_all(&alerting)?;
    for file in PROMETHEUS_ALERTING {
        std::fs::copy(
            examples.join("user-guides/alerting").join(file),
            alerting.join(file),
        )?;
        let mode = std::fs::metadata(alerting.join(file))?.permissions().mode() | 0o200;
        std::fs::set_permissions(alerting.join(file), std::fs::Permissions::from_mode(mode))?;
    }
    Ok(vec![fleet, example, charts, monitoring])
}

/// `sealgate validate -o json DIR` with no other flag, from inside `DIR`.
fn sealgate(bin: &Path, dir: &Path) -> Result<Value, AnyError> {
    let out = Command::new(bin)
        .current_dir(dir)
        .args(["validate", "-o", "json", "."])
        .output()?;
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "sealgate validate {}: not JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into()
    })
}

/// What `validate --kustomize` gave on one repository.
#[derive(Default)]
struct RenderedTally {
    overlays: usize,
    objects: usize,
    accepted: usize,
    false_alarms: Vec<String>,
}

/// A rendering flag of `validate` and the tool it runs.
struct Renderer {
    /// `--kustomize` or `--helm`.
    flag: &'static str,
    /// What `validate` appends to the rendered folder's name.
    suffix: &'static str,
    tool: PathBuf,
}

impl Renderer {
    /// The tool's own output for `folder`, as `validate` asks for it (helm's release is named
    /// after the chart folder).
    fn render(&self, dir: &Path, folder: &str) -> Result<Vec<Value>, AnyError> {
        let mut command = Command::new(&self.tool);
        command.current_dir(dir);
        if self.flag == "--helm" {
            let release = Path::new(folder)
                .file_name()
                .map_or_else(|| folder.to_owned(), |n| n.to_string_lossy().into_owned());
            command.args(["template", &release, folder]);
        } else {
            command.args(["build", folder]);
        }
        let out = command.output()?;
        if !out.status.success() {
            return Err(format!(
                "{} {folder}: {}",
                self.tool.display(),
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let docs = serde_saphyr::from_multiple::<Value>(&String::from_utf8(out.stdout)?)?;
        Ok(docs.into_iter().filter(Value::is_object).collect())
    }
}

/// `sealgate validate FLAG -o json .` in `dir`, the tool first on PATH, and the objects of each
/// folder it rendered (rendered again here by the tool on its own) judged by the server.
async fn judge_rendered(
    client: &Client,
    bin: &Path,
    renderer: &Renderer,
    dir: &Path,
) -> Result<RenderedTally, AnyError> {
    let mut dirs = vec![
        renderer
            .tool
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf(),
    ];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let out = Command::new(bin)
        .current_dir(dir)
        .env("PATH", std::env::join_paths(dirs)?)
        .args(["validate", renderer.flag, "-o", "json", "."])
        .output()?;
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "sealgate validate {} {}: not JSON ({e}): {}",
            renderer.flag,
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let suffix = renderer.suffix;
    let mut tally = RenderedTally::default();
    let mut rendered: BTreeMap<Key, Value> = BTreeMap::new();
    let overlays: BTreeSet<&str> = report["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["file"].as_str()?.strip_suffix(suffix))
        .collect();
    for overlay in &overlays {
        let file = format!("{overlay}{suffix}");
        for doc in renderer.render(dir, overlay)? {
            rendered.insert(key_of(&file, &doc), doc);
        }
    }
    tally.overlays = overlays.len();
    prepare(client, &rendered).await?;
    for r in report["resources"].as_array().into_iter().flatten() {
        let file = str_at(r, "/file").trim_start_matches("./").to_owned();
        let errors = error_messages(r);
        let key = (
            file.clone(),
            str_at(r, "/kind").to_owned(),
            str_at(r, "/namespace").to_owned(),
            str_at(r, "/name").to_owned(),
        );
        // Files read as they are (a chart's crds/, kustomizations) are judged by the run
        // without flags; here only what was rendered.
        if !file.ends_with(suffix) {
            continue;
        }
        let Some(doc) = rendered.get(&key) else {
            return Err(format!(
                "{file}: {}/{} is not in the tool's own output",
                key.1, key.3
            )
            .into());
        };
        tally.objects += 1;
        match server_verdict(client, doc, FIELD_MANAGER).await {
            Ok(()) => {
                tally.accepted += 1;
                if !errors.is_empty() {
                    tally
                        .false_alarms
                        .push(format!("{file}: {}/{}: {errors:?}", key.1, key.3));
                }
            }
            Err(why) => eprintln!(
                "{TEST}: the server rejects a rendered object: {file}: {}/{}: {why}",
                key.1, key.3
            ),
        }
    }
    Ok(tally)
}

/// The messages of one result's error findings.
fn error_messages(result: &Value) -> Vec<&str> {
    result["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["message"].as_str())
        .collect()
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// (file, kind, namespace, name): how a document and sealgate's result about it are matched.
type Key = (String, String, String, String);

fn key_of(file: &str, doc: &Value) -> Key {
    (
        file.trim_start_matches("./").to_owned(),
        str_at(doc, "/kind").to_owned(),
        str_at(doc, "/metadata/namespace").to_owned(),
        str_at(doc, "/metadata/name").to_owned(),
    )
}

/// Every object document of the files sealgate read, by key.
fn documents(dir: &Path, report: &Value) -> BTreeMap<Key, Value> {
    let files: BTreeSet<&str> = report["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["file"].as_str())
        .collect();
    let mut out = BTreeMap::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
            continue;
        };
        let Ok(docs) = serde_saphyr::from_multiple::<Value>(&text) else {
            continue;
        };
        for doc in docs.into_iter().filter(Value::is_object) {
            let items = if str_at(&doc, "/kind") == "List" {
                doc["items"].as_array().cloned().unwrap_or_default()
            } else {
                vec![doc]
            };
            for item in items {
                out.insert(key_of(file, &item), item);
            }
        }
    }
    out
}

/// The CRDs a cluster gets at bootstrap rather than from the repository: sealed-secrets' own
/// (`deploy/base/crd.yaml`, which installing the controller applies), for `SealedSecret` objects.
fn bootstrap_crds() -> Result<Vec<Value>, AnyError> {
    let text = std::fs::read_to_string(repo_root().join("deploy/base/crd.yaml"))?;
    Ok(serde_saphyr::from_multiple::<Value>(&text)?
        .into_iter()
        .filter(|d| str_at(d, "/kind") == "CustomResourceDefinition")
        .collect())
}

/// Creates the CRDs for real (the repository's and [`bootstrap_crds`], waiting until they are
/// served) and every namespace the objects name.
async fn prepare(client: &Client, docs: &BTreeMap<Key, Value>) -> TestResult {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut names = Vec::new();
    let bootstrap = bootstrap_crds()?;
    for doc in docs
        .values()
        .filter(|d| str_at(d, "/kind") == "CustomResourceDefinition")
        .chain(&bootstrap)
    {
        let name = str_at(doc, "/metadata/name");
        // A CRD the server refuses is judged like any object below, not installed.
        let params = PatchParams::apply(FIELD_MANAGER).force();
        if crds.patch(name, &params, &Patch::Apply(doc)).await.is_ok() {
            names.push(name.to_owned());
        }
    }
    for name in names {
        tokio::time::timeout(
            Duration::from_secs(60),
            await_condition(crds.clone(), &name, conditions::is_crd_established()),
        )
        .await??;
    }
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let wanted: BTreeSet<&str> = docs
        .values()
        .map(|d| str_at(d, "/metadata/namespace"))
        .filter(|ns| !ns.is_empty())
        .collect();
    for ns in wanted {
        let object: Namespace = serde_json::from_value(json!({"metadata": {"name": ns}}))?;
        match namespaces.create(&PostParams::default(), &object).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 409 => {}
            Err(e) => return Err(format!("namespace {ns}: {e}").into()),
        }
    }
    Ok(())
}

/// What one repository gave.
#[derive(Default)]
struct Tally {
    objects: usize,
    accepted: usize,
    rejected: usize,
    files_not_objects: usize,
    skipped: usize,
    /// Accepted by the server, but an error finding from sealgate.
    false_alarms: Vec<String>,
    /// Rejected by the server, no error finding from sealgate (reported, not failed: the
    /// server-side apply is stricter, e.g. unknown fields).
    missed: Vec<String>,
    planted_found: usize,
    planted_missing: Vec<String>,
}

async fn judge(client: &Client, dir: &Path, report: &Value) -> Result<Tally, AnyError> {
    let docs = documents(dir, report);
    prepare(client, &docs).await?;
    let repo = dir.file_name().unwrap_or_default().to_string_lossy();
    let planted: BTreeMap<&str, &str> = PLANTED
        .iter()
        .filter(|(r, ..)| *r == repo)
        .map(|(_, f, _, n)| (*f, *n))
        .collect();
    let mut tally = Tally::default();
    for r in report["resources"].as_array().into_iter().flatten() {
        let file = str_at(r, "/file").trim_start_matches("./").to_owned();
        let errors = error_messages(r);
        if r["status"] == "skipped" {
            tally.skipped += 1;
        }
        if let Some(needle) = planted.get(file.as_str()) {
            if errors.iter().any(|m| m.contains(needle)) {
                tally.planted_found += 1;
            } else {
                tally.planted_missing.push(format!("{file}: {errors:?}"));
            }
            continue;
        }
        let key = (
            file.clone(),
            str_at(r, "/kind").to_owned(),
            str_at(r, "/namespace").to_owned(),
            str_at(r, "/name").to_owned(),
        );
        let object = docs.get(&key).filter(|d| {
            !str_at(d, "/apiVersion").starts_with("kustomize.config.k8s.io/")
                && !str_at(d, "/kind").is_empty()
                && !(str_at(d, "/apiVersion").is_empty())
        });
        let Some(doc) = object else {
            // A kustomization, a skipped file, a document that is no object: the server cannot
            // judge it, so any error finding on it is a false alarm.
            tally.files_not_objects += 1;
            if !errors.is_empty() {
                tally
                    .false_alarms
                    .push(format!("{file} ({}): {errors:?}", key.1));
            }
            continue;
        };
        tally.objects += 1;
        let label = format!("{file}: {}/{}", key.1, key.3);
        match server_verdict(client, doc, FIELD_MANAGER).await {
            Ok(()) => {
                tally.accepted += 1;
                if !errors.is_empty() {
                    tally.false_alarms.push(format!("{label}: {errors:?}"));
                }
            }
            Err(why) => {
                tally.rejected += 1;
                if errors.is_empty() {
                    tally.missed.push(format!("{label}: {why}"));
                }
            }
        }
    }
    Ok(tally)
}

#[tokio::test]
async fn gitops_repositories_give_no_false_alarms_and_planted_errors_are_found() -> TestResult {
    let Some(cluster) = cluster(TEST).await? else {
        return Ok(());
    };
    let Some(bin) = workspace_binary(TEST, "sealgate")? else {
        return Ok(());
    };
    let cache = std::env::var_os("SEALGATE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/sealgate")
        });
    let repos = rebuild(&cache.join("real-repos"), &cache.join("real-repos-modules"))?;
    let mut rows = String::new();
    let mut failures = Vec::new();
    let mut planted_total = 0;
    for dir in &repos {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let report = sealgate(&bin, dir)?;
        let tally = judge(&cluster.client, dir, &report).await?;
        let files = report["summary"]["files"].as_u64().unwrap_or_default();
        rows.push_str(&format!(
            "| {name} | {files} | {} | {} | {} | {} | {} | {} | {} |\n",
            tally.objects,
            tally.accepted,
            tally.rejected,
            tally.files_not_objects,
            tally.skipped,
            tally.false_alarms.len(),
            tally.missed.len(),
        ));
        for m in &tally.missed {
            eprintln!("{TEST}: {name}: the server rejects, sealgate passes: {m}");
        }
        planted_total += tally.planted_found;
        failures.extend(
            tally
                .false_alarms
                .iter()
                .map(|f| format!("{name}: false alarm: {f}")),
        );
        failures.extend(
            tally
                .planted_missing
                .iter()
                .map(|f| format!("{name}: planted error not found: {f}")),
        );
        if tally.objects == 0 {
            failures.push(format!(
                "{name}: no objects judged (the repository did not build?)"
            ));
        }
    }
    // With --kustomize and --helm, the folders are rendered and every rendered object judged.
    let mut rendered_rows = String::new();
    for (flag, suffix, tool, repo) in [
        (
            "--kustomize",
            " (kustomize build)",
            "kustomize",
            "examples-gitops",
        ),
        ("--helm", " (helm template)", "helm", "helm-charts"),
    ] {
        let Some(tool) = sealgate_tests::peer_tool(TEST, tool)? else {
            continue;
        };
        let renderer = Renderer { flag, suffix, tool };
        let dir = repos
            .iter()
            .find(|d| d.ends_with(repo))
            .ok_or("no such repository")?;
        let tally = judge_rendered(&cluster.client, &bin, &renderer, dir).await?;
        rendered_rows.push_str(&format!(
            "| {repo} | `{flag}` | {} | {} | {} | {} |\n",
            tally.overlays,
            tally.objects,
            tally.accepted,
            tally.false_alarms.len()
        ));
        failures.extend(
            tally
                .false_alarms
                .iter()
                .map(|f| format!("{repo} {flag}: false alarm: {f}")),
        );
        if tally.overlays == 0 || tally.accepted == 0 {
            failures.push(format!(
                "{repo} {flag}: {} folders rendered, {} objects accepted",
                tally.overlays, tally.accepted
            ));
        }
    }
    if planted_total != PLANTED.len() {
        failures.push(format!(
            "{planted_total} of {} planted errors found",
            PLANTED.len()
        ));
    }
    if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some_and(|v| v == "1") {
        let section = format!(
            "## Real GitOps repositories (`validate PATH`, no flags)\n\n\
             `tests/tests/cluster_real_repositories.rs` rebuilds four repositories from the Go module proxy \
             ({FLUX2}, {SOURCE_CONTROLLER}, {KUSTOMIZE_CONTROLLER}; this repository's `examples/gitops`; \
             charts of {HELM}'s tests; the CRDs and `example/` objects of {PROMETHEUS_OPERATOR}), \
             runs `sealgate validate -o json .` in each, and judges every object with a server-side apply \
             (`dryRun=All`) against the local control plane, the repositories' CRDs installed. \
             A false alarm is an error finding on an object the server accepts or on a file that is no \
             object (kustomization, patch); \"missed\" counts objects the server rejects without an error \
             finding: names and label values the server checks by format (no OpenAPI schema says it; Flux's \
             `${{var}}` substitution placeholders), and unknown fields such as SOPS's `sops:` block, which the \
             server's apply refuses and `validate` without `--strict` allows. \
             The cluster also gets sealed-secrets' own CRD (`deploy/base/crd.yaml`), as installing the controller does. \
             Planted broken objects found: {planted_total} of {}.\n\n\
             | repository | files | objects | accepted | rejected | kustomizations and other non-objects | skipped (patches, data, charts) | false alarms | missed |\n\
             |---|---|---|---|---|---|---|---|---|\n{rows}\n\
             With a rendering flag (the reference kustomize v5.8.1 and helm v3.22.0 of `tests/peers/build` \
             on PATH), every rendered object is judged the same way:\n\n\
             | repository | flag | folders rendered | rendered objects | accepted | false alarms |\n\
             |---|---|---|---|---|---|\n{rendered_rows}",
            PLANTED.len()
        );
        sealgate_tests::update_doc_section(
            &repo_root().join("docs/conformance.md"),
            "real-repositories",
            &section,
        )?;
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} problem(s):\n  {}",
            failures.len(),
            failures.join("\n  ")
        )
        .into())
    }
}
