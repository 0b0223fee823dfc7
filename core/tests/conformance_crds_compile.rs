//! Every CRD sealgate may meet compiles into a usable schema: each kind of the embedded catalog
//! (`sealgate schemas list`) and each CRD in the reference corpora (kubeconform's fixtures and
//! registry, gator's tests), in loose and strict mode. A kind whose schema did not compile would
//! turn each of its objects into an error; a fragment that does not convert would become a
//! "not checked here" warning, and none may: no such fragment is left in any of them (RE2
//! patterns and fields named `properties` used to leave PrometheusRule's `spec.groups`,
//! AlertmanagerConfig's `spec.muteTimeIntervals` and Kyverno's reports unchecked). No message may
//! be longer than one bounded line.

use std::path::Path;

use sealgate_core::gate::{Input, SchemaOptions, Severity, Validator, known_kinds};
use sealgate_core::manifest::Source;
use sealgate_core::walk;

/// A minimal object of each kind: enough to make the validator build that kind's schema.
fn probe(kinds: &[(String, String)]) -> Source {
    let text: String = kinds
        .iter()
        .map(|(api_version, kind)| {
            format!("---\napiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: probe\n")
        })
        .collect();
    Source::from_text("probe.yaml", text)
}

fn assert_compiles(inputs: impl Fn() -> Vec<Input>, what: &str) {
    for strict in [false, true] {
        let options = SchemaOptions {
            strict,
            ..SchemaOptions::default()
        };
        let mut validator = Validator::new(options, None).unwrap();
        let report = validator.validate(inputs()).unwrap();
        for f in report.findings() {
            assert!(
                !f.message.contains("does not compile") && !f.message.contains('\n'),
                "{what} (strict {strict}): {}:{} {}",
                f.subject.file,
                f.subject.line,
                f.message
            );
            assert!(
                f.message.len() < 600,
                "{what}: unbounded message {}",
                f.message
            );
            assert!(
                !(f.severity == Severity::Warning && f.message.starts_with("not checked here")),
                "{what} (strict {strict}): {}",
                f.message
            );
        }
    }
}

#[test]
fn every_catalog_kind_compiles() {
    let kinds: Vec<(String, String)> = known_kinds(None)
        .unwrap()
        .into_iter()
        .filter(|k| k.source != "kubernetes" && k.source != "built-in")
        .map(|k| (k.api_version, k.kind))
        .collect();
    assert!(kinds.len() > 100, "{} catalog kinds", kinds.len());
    assert_compiles(|| vec![Input::Read(probe(&kinds))], "catalog");
}

#[test]
fn conformance_every_corpus_crd_compiles() {
    let mut sources = Vec::new();
    for corpus in ["kubeconform-fixtures", "gatekeeper-gator-tests"] {
        let Some(dir) =
            sealgate_tests::corpus("conformance_every_corpus_crd_compiles", corpus).unwrap()
        else {
            return;
        };
        for file in walk::files(&dir, walk::MANIFEST_EXTENSIONS).unwrap() {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let Ok(docs) = serde_saphyr::from_multiple::<serde_json::Value>(&text) else {
                continue;
            };
            let crds: Vec<serde_json::Value> = docs
                .into_iter()
                .filter(|d| d["kind"] == "CustomResourceDefinition")
                .collect();
            if crds.is_empty() {
                continue;
            }
            sources.push((file, crds));
        }
    }
    assert!(!sources.is_empty(), "no CRDs in the corpora");
    let inputs = || {
        let mut inputs = Vec::new();
        for (file, crds) in &sources {
            let mut kinds = Vec::new();
            for crd in crds {
                let group = crd["spec"]["group"].as_str().unwrap_or_default();
                let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or_default();
                for v in crd["spec"]["versions"].as_array().into_iter().flatten() {
                    let version = v["name"].as_str().unwrap_or_default();
                    kinds.push((format!("{group}/{version}"), kind.to_owned()));
                }
            }
            let text = std::fs::read_to_string(file).unwrap();
            let name = Path::new(file).display().to_string();
            inputs.push(Input::Read(Source::from_text(&name, text)));
            inputs.push(Input::Read(probe(&kinds)));
        }
        inputs
    };
    assert_compiles(inputs, "corpus CRDs");
}

/// A PrometheusRule as prometheus-operator's `example/user-guides/alerting` writes one, judged by
/// the catalog's v0.85.0 CRD: valid as written, and a type error planted inside `spec.groups`
/// (the subtree that used to go unchecked) found, in loose and strict mode.
#[test]
fn prometheus_rule_groups_are_checked() {
    let rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: prometheus-example-rules\n  labels: {prometheus: example, role: alert-rules}\nspec:\n  groups:\n  - name: ./example.rules\n    partial_response_strategy: ABORT\n    rules:\n    - alert: ExampleAlert\n      expr: vector(1)\n      for: 5m\n";
    let planted = [
        ("    partial_response_strategy: ABORT", "    interval: 30"),
        ("      for: 5m", "      for: 5"),
        (
            "    partial_response_strategy: ABORT",
            "    partial_response_strategy: maybe",
        ),
    ];
    for strict in [false, true] {
        let options = SchemaOptions {
            strict,
            ..SchemaOptions::default()
        };
        let mut validator = Validator::new(options.clone(), None).unwrap();
        let report = validator
            .validate(vec![Input::Read(Source::from_text("rule.yaml", rule))])
            .unwrap();
        let findings: Vec<_> = report.findings().map(|f| f.message.clone()).collect();
        assert!(findings.is_empty(), "strict {strict}: {findings:?}");
        for (from, to) in planted {
            let broken = rule.replace(from, to);
            assert_ne!(broken, rule);
            let mut validator = Validator::new(options.clone(), None).unwrap();
            let report = validator
                .validate(vec![Input::Read(Source::from_text("rule.yaml", broken))])
                .unwrap();
            let errors: Vec<_> = report
                .findings()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| f.message.clone())
                .collect();
            assert!(
                errors.iter().any(|m| m.contains("/spec/groups/0")),
                "strict {strict}, {to}: {errors:?}"
            );
        }
    }
}
