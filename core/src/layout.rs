//! What role a file plays in a GitOps folder: a manifest, a kustomization, a file a kustomization
//! names for another use (a patch, a generator's data, Helm values…), or part of a Helm chart.
//!
//! `validate` asks this before it reads a file as manifests, so that a repository checked with no
//! flags beyond its path gets no false alarms from files that are not Kubernetes objects:
//!
//! - **Kustomizations** are the files kustomize reads (`kustomization.yaml`, `kustomization.yml`,
//!   `Kustomization`, [`KUSTOMIZATION_FILE_NAMES`]); they are checked against kustomize's own schema.
//! - **Files a kustomization names** for another use than `resources`/`crds` — patches
//!   (`patchesStrategicMerge`, `patches[].path`, `patchesJson6902[].path`), generator sources
//!   (`configMapGenerator`/`secretGenerator` `files`, `envs`, `env`), Helm values, `replacements`
//!   and `configurations` files, plugin configs (`generators`/`transformers`/`validators`), the
//!   `openapi` schema — are not objects on their own: they are skipped with a note saying who names
//!   them. Only kustomizations in the file's folder or above can name it: kustomize loads nothing
//!   from outside a kustomization's folder by default.
//! - **Helm chart folders** (a `Chart.yaml`; subcharts included) are templates, never manifests;
//!   only their `crds/` folder holds plain manifests, which helm installs as they are.
//! - **Configuration of the repository's tools** ([`TOOL_CONFIGS`]: pre-commit, SOPS, yamllint,
//!   GitHub and GitLab CI, sealgate's own `.sealgate.yaml`) is YAML that is no Kubernetes object: skipped with a note, so that
//!   `validate .` at a repository's root, or a pre-commit hook given every YAML file, is quiet.
//!
//! Paths are compared after [`std::path::absolute`] (lexical, no symlink resolution), so `a/../b`
//! and `b` are one file. Reading here never fails: a kustomization that does not parse names
//! nothing (its own check reports it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::manifest::{DEFAULT_MAX_BYTES, Source, load};

/// The file names kustomize recognises as a kustomization (kustomize's `konfig`), in its order.
pub const KUSTOMIZATION_FILE_NAMES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];
/// The file that makes a folder a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// Configuration files of tools that GitOps repositories carry next to their manifests, by file
/// name, and the tool. (Anything under a `.github` folder is GitHub's.)
pub const TOOL_CONFIGS: &[(&str, &str)] = &[
    (".pre-commit-config.yaml", "pre-commit"),
    (".pre-commit-hooks.yaml", "pre-commit"),
    (".sops.yaml", "SOPS"),
    (".yamllint", "yamllint"),
    (".yamllint.yaml", "yamllint"),
    (".yamllint.yml", "yamllint"),
    (".gitlab-ci.yml", "GitLab CI"),
    // sealgate's own repository config: `validate` reads it (and reports a wrong one) itself
    (".sealgate.yaml", "sealgate"),
];

/// The tool whose configuration `path` is, if it is one of [`TOOL_CONFIGS`] or under `.github/`.
pub fn tool_config(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    if let Some((_, tool)) = TOOL_CONFIGS.iter().find(|(n, _)| *n == name) {
        return Some(tool);
    }
    path.parent()?
        .components()
        .any(|c| c.as_os_str() == ".github")
        .then_some("GitHub")
}

/// Whether a path's file name is one kustomize reads as a kustomization.
pub fn is_kustomization_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_FILE_NAMES.contains(&n))
}

/// What a kustomization uses a file for, when not as a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A strategic-merge or JSON 6902 patch.
    Patch,
    /// Data of a ConfigMap or Secret generator.
    GeneratorSource,
    /// Values for a Helm chart kustomize inflates.
    HelmValues,
    /// A `replacements` file.
    Replacement,
    /// A transformer configuration (`configurations`).
    Configuration,
    /// A generator, transformer or validator plugin configuration.
    Plugin,
    /// A custom OpenAPI schema (`openapi.path`).
    OpenApi,
}

impl Use {
    fn as_str(self) -> &'static str {
        match self {
            Use::Patch => "a patch",
            Use::GeneratorSource => "generator data",
            Use::HelmValues => "Helm values",
            Use::Replacement => "a replacements file",
            Use::Configuration => "a transformer configuration",
            Use::Plugin => "a plugin configuration",
            Use::OpenApi => "an OpenAPI schema",
        }
    }
}

/// The role of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Kubernetes objects: checked as they are.
    Manifest,
    /// A kustomization: checked against kustomize's schema.
    Kustomization,
    /// Named by the kustomization `by` for another use: skipped with a note.
    Named { by: PathBuf, what: Use },
    /// Inside the Helm chart whose folder is `chart`: never read as manifests.
    Chart { chart: PathBuf },
    /// The configuration of a tool (pre-commit, CI, …): skipped with a note.
    ToolConfig { tool: &'static str },
}

impl Role {
    /// Why a file with this role is not checked as manifests (`None` when it is).
    pub fn skip_reason(&self) -> Option<String> {
        match self {
            Role::Manifest | Role::Kustomization => None,
            Role::Named { by, what } => Some(format!(
                "{} named by {}, not an object on its own (validate the rendered output with --kustomize)",
                what.as_str(),
                shown(by)
            )),
            Role::Chart { chart } => Some(format!(
                "part of the Helm chart {} (templates, not manifests; render it with --helm)",
                shown(chart)
            )),
            Role::ToolConfig { tool } => {
                Some(format!("{tool} configuration, not a Kubernetes object"))
            }
        }
    }
}

/// One kustomization and what it names.
#[derive(Debug, Clone, Default)]
pub struct Kustomization {
    /// The kustomization file.
    pub file: PathBuf,
    /// `resources`, `bases` and `components` entries that are local folders (other
    /// kustomizations), absolute.
    pub folders: Vec<PathBuf>,
    /// `resources` and `crds` entries that are local files, absolute.
    pub resource_files: Vec<PathBuf>,
    /// Files named for another use, absolute.
    pub named: Vec<(PathBuf, Use)>,
    /// A `kind: Component`: only built as part of a kustomization that lists it.
    pub component: bool,
}

/// The kustomizations and charts around a set of files.
#[derive(Debug, Default)]
pub struct Layout {
    /// Kustomization folder (absolute) → its kustomization.
    kustomizations: BTreeMap<PathBuf, Kustomization>,
    /// Folders (absolute) known to be chart roots, or not.
    charts: HashMap<PathBuf, bool>,
    /// Folders (absolute) already looked at for a kustomization.
    seen: BTreeSet<PathBuf>,
}

/// `path` made absolute and with `.`/`..` resolved lexically (kustomize's own view of paths).
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `path` as the user would write it: relative to the working folder when it is below it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().map(|d| normalize(&d)).ok();
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

impl Layout {
    /// Looks at the folders of `files` and every folder above them for kustomizations and charts.
    pub fn around<'a>(files: impl IntoIterator<Item = &'a Path>) -> Layout {
        let mut layout = Layout::default();
        for file in files {
            let file = normalize(file);
            for dir in file.ancestors().skip(1) {
                if !layout.seen.insert(dir.to_path_buf()) {
                    break;
                }
                layout.read_kustomization(dir);
            }
        }
        layout
    }

    fn read_kustomization(&mut self, dir: &Path) {
        let Some(file) = KUSTOMIZATION_FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        else {
            return;
        };
        let value = Source::read_path(&file, DEFAULT_MAX_BYTES)
            .and_then(load)
            .ok()
            .and_then(|m| m.documents.into_iter().next())
            .map(crate::manifest::Document::into_value)
            .unwrap_or_default();
        let k = kustomization_of(&file, dir, &value);
        self.kustomizations.insert(dir.to_path_buf(), k);
    }

    /// Whether `dir` (absolute) holds a `Chart.yaml`, cached.
    fn is_chart(&mut self, dir: &Path) -> bool {
        *self
            .charts
            .entry(dir.to_path_buf())
            .or_insert_with(|| dir.join(CHART_FILE).is_file())
    }

    /// The role of `file` (one of the files the layout was built around, or any file below them).
    pub fn role(&mut self, file: &Path) -> Role {
        let file = normalize(file);
        if let Some(tool) = tool_config(&file) {
            return Role::ToolConfig { tool };
        }
        // The outermost chart wins: a subchart is part of its parent chart.
        let mut chart = None;
        for dir in file.ancestors().skip(1) {
            if self.is_chart(dir) {
                chart = Some(dir.to_path_buf());
            }
        }
        if let Some(chart) = chart {
            let in_crds = file
                .strip_prefix(&chart)
                .ok()
                .and_then(|rest| rest.components().next())
                .is_some_and(|c| c.as_os_str() == "crds");
            // The top chart's crds/ folder is plain YAML that helm installs as it is.
            if !in_crds {
                return Role::Chart { chart };
            }
        }
        if is_kustomization_file(&file) {
            return Role::Kustomization;
        }
        for dir in file.ancestors().skip(1) {
            if let Some(k) = self.kustomizations.get(dir)
                && let Some((_, what)) = k.named.iter().find(|(p, _)| *p == file)
            {
                return Role::Named {
                    by: k.file.clone(),
                    what: *what,
                };
            }
        }
        Role::Manifest
    }

    /// The kustomization of the folder `dir` (absolute), if it has one.
    pub fn kustomization(&self, dir: &Path) -> Option<&Kustomization> {
        self.kustomizations.get(dir)
    }

    /// The kustomization folders under `root` (absolute or not) that no other kustomization under
    /// it includes: the overlays `kustomize build` renders, each once.
    pub fn overlays_under(&self, root: &Path) -> Vec<PathBuf> {
        let root = normalize(root);
        let inside: Vec<&Kustomization> = self
            .kustomizations
            .iter()
            .filter(|(dir, _)| dir.starts_with(&root))
            .map(|(_, k)| k)
            .collect();
        let included: BTreeSet<&PathBuf> = inside.iter().flat_map(|k| &k.folders).collect();
        self.kustomizations
            .keys()
            .filter(|dir| dir.starts_with(&root) && !included.contains(dir))
            .cloned()
            .collect()
    }

    /// Whether a kustomization under one of `roots` (the folders whose overlays are rendered)
    /// includes `file` as a resource: with rendering on, its objects are checked in the rendered
    /// output instead. A kustomization above every root is not rendered, so it does not count.
    pub fn is_rendered_resource(&self, file: &Path, roots: &[PathBuf]) -> bool {
        let file = normalize(file);
        self.kustomizations.iter().any(|(dir, k)| {
            roots.iter().any(|root| dir.starts_with(root)) && k.resource_files.contains(&file)
        })
    }
}

/// A local path named in a kustomization (not a URL, not inline YAML), resolved against its folder.
fn local(dir: &Path, entry: &str) -> Option<PathBuf> {
    let entry = entry.trim();
    if entry.is_empty()
        || entry.contains('\n')
        || entry.contains("://")
        || entry.starts_with("git@")
    {
        return None;
    }
    Some(normalize(&dir.join(entry)))
}

fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// What the kustomization `file` in `dir` names, from its parsed `value`.
pub fn kustomization_of(file: &Path, dir: &Path, value: &Value) -> Kustomization {
    let mut k = Kustomization {
        file: file.to_path_buf(),
        component: value.get("kind").and_then(Value::as_str) == Some("Component"),
        ..Kustomization::default()
    };
    let mut name = |entry: &str, what: Use| {
        if let Some(path) = local(dir, entry) {
            k.named.push((path, what));
        }
    };
    for entry in strings(value.get("patchesStrategicMerge")) {
        name(entry, Use::Patch);
    }
    for key in ["patches", "patchesJson6902"] {
        for patch in items(value, key) {
            if let Some(path) = patch.get("path").and_then(Value::as_str) {
                name(path, Use::Patch);
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for generator in items(value, key) {
            for entry in strings(generator.get("files")) {
                // `key=path` names the data key; the file is after the `=`.
                name(
                    entry.rsplit('=').next().unwrap_or(entry),
                    Use::GeneratorSource,
                );
            }
            for entry in strings(generator.get("envs")) {
                name(entry, Use::GeneratorSource);
            }
            if let Some(env) = generator.get("env").and_then(Value::as_str) {
                name(env, Use::GeneratorSource);
            }
        }
    }
    for chart in items(value, "helmCharts") {
        if let Some(values) = chart.get("valuesFile").and_then(Value::as_str) {
            name(values, Use::HelmValues);
        }
        for entry in strings(chart.get("additionalValuesFiles")) {
            name(entry, Use::HelmValues);
        }
    }
    for chart in items(value, "helmChartInflationGenerator") {
        if let Some(values) = chart.get("values").and_then(Value::as_str) {
            name(values, Use::HelmValues);
        }
    }
    for replacement in items(value, "replacements") {
        if let Some(path) = replacement.get("path").and_then(Value::as_str) {
            name(path, Use::Replacement);
        }
    }
    for entry in strings(value.get("configurations")) {
        name(entry, Use::Configuration);
    }
    for key in ["generators", "transformers", "validators"] {
        for entry in strings(value.get(key)) {
            name(entry, Use::Plugin);
        }
    }
    if let Some(path) = value
        .get("openapi")
        .and_then(|o| o.get("path"))
        .and_then(Value::as_str)
    {
        name(path, Use::OpenApi);
    }
    for key in ["resources", "bases", "components", "crds"] {
        for entry in strings(value.get(key)) {
            let Some(path) = local(dir, entry) else {
                continue;
            };
            if path.is_dir() {
                k.folders.push(path);
            } else if key != "components" {
                k.resource_files.push(path);
            }
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn kustomizations_name_patches_and_data_charts_hold_templates() {
        let dir = tree(&[
            (
                "base/kustomization.yaml",
                "resources: [deploy.yaml, https://example.com/x.yaml]\nconfigMapGenerator:\n- name: v\n  files: [values.yaml=my-values.yaml]\n",
            ),
            ("base/deploy.yaml", "kind: Deployment\n"),
            ("base/my-values.yaml", "replicas: 2\n"),
            (
                "overlays/prod/kustomization.yml",
                "resources: [../../base]\npatchesStrategicMerge: [replicas.yaml, \"apiVersion: v1\\nkind: X\\n\"]\npatches:\n- path: sub/json.yaml\n  target: {kind: Deployment}\n",
            ),
            ("overlays/prod/replicas.yaml", "kind: Deployment\n"),
            ("overlays/prod/sub/json.yaml", "- op: add\n"),
            ("overlays/prod/extra.yaml", "kind: ConfigMap\n"),
            ("charts/app/Chart.yaml", "name: app\n"),
            ("charts/app/templates/d.yaml", "{{ .Values }}\n"),
            (
                "charts/app/crds/crd.yaml",
                "kind: CustomResourceDefinition\n",
            ),
            ("charts/app/charts/sub/Chart.yaml", "name: sub\n"),
            (
                "charts/app/charts/sub/crds/c.yaml",
                "kind: CustomResourceDefinition\n",
            ),
        ]);
        let root = dir.path();
        let files: Vec<PathBuf> =
            crate::walk::files(root, crate::walk::MANIFEST_EXTENSIONS).unwrap();
        let mut layout = Layout::around(files.iter().map(PathBuf::as_path));
        let role = |layout: &mut Layout, p: &str| layout.role(&root.join(p));
        assert_eq!(role(&mut layout, "base/deploy.yaml"), Role::Manifest);
        assert_eq!(
            role(&mut layout, "overlays/prod/extra.yaml"),
            Role::Manifest
        );
        assert_eq!(
            role(&mut layout, "base/kustomization.yaml"),
            Role::Kustomization
        );
        let overlay = normalize(&root.join("overlays/prod/kustomization.yml"));
        for patch in ["overlays/prod/replicas.yaml", "overlays/prod/sub/json.yaml"] {
            assert_eq!(
                role(&mut layout, patch),
                Role::Named {
                    by: overlay.clone(),
                    what: Use::Patch
                },
                "{patch}"
            );
        }
        assert!(matches!(
            role(&mut layout, "base/my-values.yaml"),
            Role::Named {
                what: Use::GeneratorSource,
                ..
            }
        ));
        let chart = normalize(&root.join("charts/app"));
        for file in [
            "charts/app/Chart.yaml",
            "charts/app/templates/d.yaml",
            "charts/app/charts/sub/crds/c.yaml",
        ] {
            assert_eq!(
                role(&mut layout, file),
                Role::Chart {
                    chart: chart.clone()
                },
                "{file}"
            );
        }
        assert_eq!(
            role(&mut layout, "charts/app/crds/crd.yaml"),
            Role::Manifest
        );
        // The overlay includes base: only the overlay is rendered; deploy.yaml is in its output.
        assert_eq!(
            layout.overlays_under(root),
            [normalize(&root.join("overlays/prod"))]
        );
        let roots = [normalize(root)];
        assert!(layout.is_rendered_resource(&root.join("base/./deploy.yaml"), &roots));
        assert!(!layout.is_rendered_resource(&root.join("overlays/prod/extra.yaml"), &roots));
        // Rendering only overlays/: base's kustomization is not rendered on its own.
        let overlays = [normalize(&root.join("overlays"))];
        assert!(!layout.is_rendered_resource(&root.join("base/deploy.yaml"), &overlays));
        // A file named by a kustomization in a folder below it is not a patch of it.
        assert!(Role::Manifest.skip_reason().is_none());
    }

    #[test]
    fn tool_configs_are_known_by_name_and_github_by_folder() {
        let mut layout = Layout::default();
        for (file, tool) in [
            ("repo/.pre-commit-config.yaml", "pre-commit"),
            ("repo/.sops.yaml", "SOPS"),
            ("repo/.sealgate.yaml", "sealgate"),
            ("repo/.github/workflows/ci.yml", "GitHub"),
            ("repo/.github/dependabot.yml", "GitHub"),
        ] {
            assert_eq!(
                layout.role(Path::new(file)),
                Role::ToolConfig { tool },
                "{file}"
            );
        }
        for file in ["repo/sops.yaml", "repo/github/deploy.yaml", "repo/.github"] {
            assert_eq!(layout.role(Path::new(file)), Role::Manifest, "{file}");
        }
    }

    #[test]
    fn a_file_passed_alone_still_finds_its_kustomization_above() {
        let dir = tree(&[
            ("app/kustomization.yaml", "patches:\n- path: p/patch.yaml\n"),
            ("app/p/patch.yaml", "kind: Deployment\n"),
        ]);
        let file = dir.path().join("app/p/patch.yaml");
        let mut layout = Layout::around([file.as_path()]);
        assert!(matches!(
            layout.role(&file),
            Role::Named {
                what: Use::Patch,
                ..
            }
        ));
        let reason = layout.role(&file).skip_reason().unwrap();
        assert!(reason.starts_with("a patch named by "), "{reason}");
        assert!(is_kustomization_file(Path::new("x/Kustomization")));
        assert!(!is_kustomization_file(Path::new("x/kustomization.json")));
    }
}
