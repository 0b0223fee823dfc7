//! Manifests nobody here wrote validate clean with no flags: numeric resource quantities from
//! Kubernetes' own test manifests (the API server accepts them: `kubectl create --dry-run=server`),
//! and the CRD catalog projects' own examples against the catalog's schemas (Flux's samples,
//! Gateway API's standard examples, Argo CD's reference manifests, Prometheus operator's alerting
//! guide, the flux CLI's `flux export` golden files for HelmRelease, Alert and the other kinds whose
//! CRDs the catalog generates with controller-gen); type errors planted in a HelmRelease and an
//! Alert from those files are found. The material comes from the same Go modules as `schemas/generate` uses, read from the
//! module zip in the module cache (`go mod download`); without `go` the test fails in CI and is
//! skipped loudly elsewhere. `unzip` lists and reads the zips.

use std::process::Command;

use sealgate_core::gate::{Input, SchemaOptions, Severity, Validator};
use sealgate_core::manifest::Source;

/// `(module@version, file prefix inside the module, file suffix)`: every matching file is read.
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "k8s.io/kubernetes@v1.36.3",
        "test/e2e/testing-manifests/statefulset/",
        "statefulset.yaml",
    ),
    (
        "k8s.io/kubernetes@v1.36.3",
        "test/e2e/testing-manifests/statefulset/cassandra/",
        "controller.yaml",
    ),
    (
        "k8s.io/kubernetes@v1.36.3",
        "test/integration/scheduler_perf/templates/pod-large-cpu",
        ".yaml",
    ),
    (
        "k8s.io/kubernetes@v1.36.3",
        "test/integration/scheduler_perf/event_handling/templates/nodeadd-pod-noderesources",
        ".yaml",
    ),
    (
        "github.com/fluxcd/kustomize-controller@v1.10.1",
        "config/samples/",
        ".yaml",
    ),
    (
        "github.com/fluxcd/source-controller@v1.10.1",
        "config/samples/",
        ".yaml",
    ),
    (
        "sigs.k8s.io/gateway-api@v1.7.0",
        "examples/standard/",
        ".yaml",
    ),
    // Not applicationset.yaml: a field reference the API server refuses too (unknown fields, and
    // `matrix.generators: Required value` once its null is pruned; sealgate says the same).
    (
        "github.com/argoproj/argo-cd/v3@v3.6.2",
        "docs/operator-manual/",
        "/application.yaml",
    ),
    (
        "github.com/argoproj/argo-cd/v3@v3.6.2",
        "docs/operator-manual/",
        "/project.yaml",
    ),
    (
        "github.com/prometheus-operator/prometheus-operator@v0.85.0",
        "example/user-guides/alerting/",
        ".yaml",
    ),
    // What `flux export` writes for every Flux kind (HelmRelease, Alert, Provider, Receiver, the
    // image kinds, …): the CLI's golden files, templated on the namespace (see `FLUX_NAMESPACE`).
    (
        "github.com/fluxcd/flux2/v2@v2.9.5",
        "cmd/flux/testdata/export/",
        ".yaml",
    ),
];

/// The flux CLI's golden files say `namespace: {{ .fluxns }}`; its tests fill in a namespace.
const FLUX_NAMESPACE: (&str, &str) = ("{{ .fluxns }}", "flux-system");

fn module_zip(module: &str) -> String {
    let info = crate::peer::go_mod_download(module);
    info["Zip"]
        .as_str()
        .unwrap_or_else(|| panic!("go mod download {module}: no zip: {info}"))
        .to_owned()
}

fn unzip(args: &[&str]) -> String {
    let out = Command::new("unzip").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "unzip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `go` and `unzip` are on PATH; without them the test is skipped loudly (fails in CI).
fn tools_present(test: &str) -> bool {
    if Command::new("go").arg("version").output().is_ok()
        && Command::new("unzip").arg("-v").output().is_ok()
    {
        return true;
    }
    sealgate_tests::require(
        test,
        "`go` and `unzip` on PATH",
        "it reads upstream modules from the Go module proxy",
    )
    .unwrap();
    false
}

/// Every example file as a named source.
fn examples() -> Vec<Source> {
    let mut sources = Vec::new();
    for (module, prefix, suffix) in EXAMPLES {
        let zip = module_zip(module);
        let root = format!("{module}/{prefix}");
        let names: Vec<String> = unzip(&["-Z1", &zip])
            .lines()
            .filter(|n| n.starts_with(&root) && n.ends_with(suffix))
            .map(str::to_owned)
            .collect();
        assert!(!names.is_empty(), "no {prefix}*{suffix} in {module}");
        for name in names {
            let text = unzip(&["-p", &zip, &name]).replace(FLUX_NAMESPACE.0, FLUX_NAMESPACE.1);
            // Alertmanager's own configuration files sit next to the manifests in the guides.
            if text.contains("kind:") {
                sources.push(Source::from_text(&name, text));
            }
        }
    }
    sources
}

#[test]
fn conformance_upstream_examples_validate_clean_with_numeric_quantities_and_catalog_crds() {
    if !tools_present(
        "conformance_upstream_examples_validate_clean_with_numeric_quantities_and_catalog_crds",
    ) {
        return;
    }
    let sources = examples();
    let numeric_quantities = sources
        .iter()
        .filter(|s| {
            s.text().lines().any(|l| {
                let l = l.trim();
                (l.starts_with("cpu:") || l.starts_with("memory:"))
                    && l.split(':')
                        .nth(1)
                        .is_some_and(|v| v.trim().parse::<f64>().is_ok())
            })
        })
        .count();
    assert!(
        numeric_quantities >= 4,
        "only {numeric_quantities} sources with numeric quantities"
    );
    let mut validator = Validator::new(SchemaOptions::default(), None).unwrap();
    let report = validator
        .validate(sources.into_iter().map(Input::Read).collect())
        .unwrap();
    let errors: Vec<String> = report
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{}:{} [{}] {}",
                f.subject.file, f.subject.line, f.check, f.message
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    let used = validator.catalog_used();
    for project in [
        "argo-cd",
        "flux-helm-controller",
        "flux-image-automation-controller",
        "flux-image-reflector-controller",
        "flux-kustomize-controller",
        "flux-notification-controller",
        "flux-source-controller",
        "gateway-api",
        "prometheus-operator",
    ] {
        assert!(
            used.iter().any(|u| u.starts_with(project)),
            "{project} judged nothing: {used:?}"
        );
    }
    let checked = report.counts();
    assert!(checked.valid >= 100, "{checked:?}");
}

/// One of the flux CLI's `flux export` golden files, namespace filled in.
fn flux_export(file: &str) -> String {
    let zip = module_zip("github.com/fluxcd/flux2/v2@v2.9.5");
    let name = format!("github.com/fluxcd/flux2/v2@v2.9.5/cmd/flux/testdata/export/{file}");
    unzip(&["-p", &zip, &name]).replace(FLUX_NAMESPACE.0, FLUX_NAMESPACE.1)
}

/// A HelmRelease and an Alert as `flux export` writes them are judged by the catalog's
/// controller-gen CRDs (clean above); a type error planted in each is an error at its path.
#[test]
fn conformance_upstream_examples_flux_helmrelease_and_alert_planted_errors_found() {
    if !tools_present(
        "conformance_upstream_examples_flux_helmrelease_and_alert_planted_errors_found",
    ) {
        return;
    }
    let release = flux_export("helm-release.yaml");
    let alert = flux_export("alert.yaml");
    let planted = [
        (
            &release,
            "  interval: 5m0s",
            "  interval: [5m0s]",
            "/spec/interval",
        ),
        (
            &release,
            "      reconcileStrategy: ChartVersion",
            "      reconcileStrategy: 3",
            "/spec/chart/spec/reconcileStrategy",
        ),
        (
            &alert,
            "  eventSeverity: info",
            "  eventSeverity: loud",
            "/spec/eventSeverity",
        ),
        (
            &alert,
            "  - kind: GitRepository",
            "  - kind: 7",
            "/spec/eventSources/0/kind",
        ),
    ];
    for (text, from, to, path) in planted {
        let broken = text.replace(from, to);
        assert_ne!(&broken, text, "{from} not in the golden file");
        let mut validator = Validator::new(SchemaOptions::default(), None).unwrap();
        let report = validator
            .validate(vec![Input::Read(Source::from_text("flux.yaml", broken))])
            .unwrap();
        let errors: Vec<(String, String)> = report
            .findings()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| (f.check.clone(), f.message.clone()))
            .collect();
        assert!(
            errors.iter().any(|(_, m)| m.contains(path)),
            "{to}: {errors:?}"
        );
        assert!(
            errors.iter().all(|(check, _)| check != "missing-schema"),
            "{to}: {errors:?}"
        );
    }
}
