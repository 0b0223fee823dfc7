//! Tests of the Rego gate against real policies on disk: conftest semantics, Gatekeeper, limits, built-ins.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use super::cases::{parse_cases, run_builtin_cases};
use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn gate(dir: &Path, tweak: impl FnOnce(&mut RegoOptions)) -> Result<RegoGate, RegoError> {
    let mut options = RegoOptions {
        policies: vec![PolicySource::Path(dir.to_path_buf())],
        ..RegoOptions::default()
    };
    tweak(&mut options);
    RegoGate::load(options)
}

/// The values as the documents of one file, `in.yaml`, one per line.
fn inputs(values: &[Value]) -> Vec<InputDoc<'_>> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| InputDoc {
            file: "in.yaml",
            line: i + 1,
            value: v,
        })
        .collect()
}

fn run(gate: &RegoGate, values: &[Value]) -> Evaluation {
    gate.evaluate(&inputs(values)).unwrap()
}

fn eval_err(gate: &RegoGate, values: &[Value]) -> RegoError {
    gate.evaluate(&inputs(values)).unwrap_err()
}

fn messages(outcome: &DocOutcome, level: Level) -> Vec<String> {
    let mut m: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.level == level)
        .map(|f| f.message.clone())
        .collect();
    m.sort();
    m
}

const CONFTEST_POLICY: &str = r#"
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Containers must not run as root in Deployment %s", [input.metadata.name])
}

deny_latest contains {"msg": "latest tag", "severity": "high", "_loc": {"file": "x.yaml", "line": 7}} if {
	some c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
}

warn contains msg if {
	input.kind == "Service"
	msg := "services are not allowed"
}

exception contains rules if {
	input.metadata.name == "legacy"
	rules := ["latest"]
}
"#;

#[test]
fn conftest_rules_results_metadata_and_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy/main.rego", CONFTEST_POLICY);
    let g = gate(&dir.path().join("policy"), |_| {}).unwrap();
    let dep = |name: &str| {
        json!({"kind": "Deployment", "metadata": {"name": name},
               "spec": {"template": {"spec": {"containers": [{"image": "nginx:latest"}]}}}})
    };
    let svc = json!({"kind": "Service", "metadata": {"name": "s"}});
    let eval = run(&g, &[dep("web"), dep("legacy"), svc]);

    let web = &eval.docs[0];
    assert_eq!(
        messages(web, Level::Failure),
        vec![
            "Containers must not run as root in Deployment web",
            "latest tag"
        ]
    );
    let latest = web
        .findings
        .iter()
        .find(|f| f.message == "latest tag")
        .unwrap();
    assert_eq!(latest.location, Some(("x.yaml".to_string(), 7)));
    assert_eq!(latest.metadata["severity"], json!("high"));
    assert_eq!(latest.metadata["query"], json!("data.main.deny_latest"));
    assert_eq!(latest.policy, "main.deny_latest");
    // 3 rule definitions, 2 failed, 1 (warn) passed.
    assert_eq!((web.successes, web.exceptions), (1, 0));

    let legacy = &eval.docs[1];
    assert_eq!(
        messages(legacy, Level::Failure),
        vec!["Containers must not run as root in Deployment legacy"]
    );
    assert_eq!(legacy.exceptions, 1);

    let s = &eval.docs[2];
    assert_eq!(
        messages(s, Level::Warning),
        vec!["services are not allowed"]
    );
    assert_eq!(messages(s, Level::Failure), Vec::<String>::new());
    assert_eq!(s.successes, 2);
}

#[test]
fn namespaces_default_explicit_glob_and_all() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.rego",
        "package main\ndeny contains \"main\" if true\n",
    );
    write(
        dir.path(),
        "b.rego",
        "package team.one\ndeny contains \"one\" if true\n",
    );
    write(
        dir.path(),
        "c.rego",
        "package team.two\nwarn contains \"two\" if true\n",
    );
    let doc = [json!({"kind": "x"})];
    let found = |tweak: fn(&mut RegoOptions)| {
        let g = gate(dir.path(), tweak).unwrap();
        let mut all: Vec<String> = run(&g, &doc)
            .findings()
            .map(|f| f.message.clone())
            .collect();
        all.sort();
        all
    };
    assert_eq!(found(|_| {}), vec!["main"]);
    assert_eq!(
        found(|o| o.namespaces = vec!["team.one".into()]),
        vec!["one"]
    );
    assert_eq!(
        found(|o| o.namespaces = vec!["team.*".into()]),
        vec!["one", "two"]
    );
    assert_eq!(
        found(|o| o.all_namespaces = true),
        vec!["main", "one", "two"]
    );
}

#[test]
fn rego_v0_policies_need_the_v0_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "old.rego",
        "package main\ndeny[msg] {\n  input.kind == \"Pod\"\n  msg := \"no pods\"\n}\n",
    );
    let err = gate(dir.path(), |_| {}).unwrap_err();
    assert!(matches!(err, RegoError::Syntax { line: 2, .. }), "{err}");
    assert!(err.to_string().contains("old.rego:2:"), "{err}");
    let g = gate(dir.path(), |o| o.rego_version = RegoVersion::V0).unwrap();
    let eval = run(&g, &[json!({"kind": "Pod"})]);
    assert_eq!(messages(&eval.docs[0], Level::Failure), vec!["no pods"]);
}

#[test]
fn data_files_and_conftest_file_info() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p/main.rego",
        "package main\nimport rego.v1\ndeny contains sprintf(\"%s in %s\", [data.allowed.kinds[0], data.conftest.file.name]) if true\n",
    );
    write(dir.path(), "d/allowed.yaml", "allowed:\n  kinds: [Pod]\n");
    let g = gate(&dir.path().join("p"), |o| {
        o.data = vec![dir.path().join("d")]
    })
    .unwrap();
    let eval = run(&g, &[json!({})]);
    assert_eq!(
        messages(&eval.docs[0], Level::Failure),
        vec!["Pod in in.yaml"]
    );
}

#[test]
fn combine_mode_sees_every_document() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.rego",
        "package main\nimport rego.v1\ndeny contains sprintf(\"%d docs\", [count(input)]) if input[0].path\n",
    );
    let g = gate(dir.path(), |o| o.combine = true).unwrap();
    let eval = run(&g, &[json!({"a": 1}), json!({"b": 2})]);
    let combined = eval.combined.unwrap();
    assert_eq!(messages(&combined, Level::Failure), vec!["2 docs"]);
    assert!(eval.docs.iter().all(|d| d.findings.is_empty()));
}

#[test]
fn runaway_policy_stops_with_a_timeout() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "slow.rego",
        // 10^12 steps over a range within the builtin guard's element limit (a range of 10^8
        // is now refused before it allocates, see guards.rs)
        "package main\nimport rego.v1\ndeny contains \"x\" if {\n  n := numbers.range(1, 1000000)\n  count([x | some x in n; some y in n; x == 0 - y]) > 0\n}\n",
    );
    let g = gate(dir.path(), |o| o.timeout = Duration::from_millis(200)).unwrap();
    let err = eval_err(&g, &[json!({})]);
    assert!(matches!(err, RegoError::Timeout { .. }), "{err}");
}

#[test]
fn object_result_without_msg_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.rego",
        "package main\ndeny contains {\"message\": \"x\"} if true\n",
    );
    let g = gate(dir.path(), |_| {}).unwrap();
    let err = eval_err(&g, &[json!({})]);
    assert!(matches!(err, RegoError::ResultShape { .. }), "{err}");
}

const TEMPLATE: &str = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        import data.lib.helpers.missing
        violation[{"msg": msg, "details": {"missing": m}}] {
          m := missing(input.review.object.metadata.labels, input.parameters.labels)
          count(m) > 0
          msg := sprintf("you must provide labels: %v", [m])
        }
      libs:
        - |
          package lib.helpers
          missing(provided, required) = m {
            p := {l | provided[l]}
            r := {l | l := required[_]}
            m := r - p
          }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: must-have-owner
spec:
  enforcementAction: warn
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Namespace"]
    excludedNamespaces: ["kube-*"]
  parameters:
    labels: ["owner"]
"#;

#[test]
fn gatekeeper_constraints_from_the_policy_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gk/required-labels.yaml", TEMPLATE);
    let g = gate(&dir.path().join("gk"), |_| {}).unwrap();
    let docs = [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "labels": {"x": "y"}}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ok", "labels": {"owner": "me"}}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
    ];
    let eval = run(&g, &docs);
    assert_eq!(
        messages(&eval.docs[0], Level::Warning),
        vec![r#"you must provide labels: {"owner"}"#]
    );
    let f = &eval.docs[0].findings[0];
    assert_eq!(f.policy, "K8sRequiredLabels/must-have-owner");
    assert_eq!(f.metadata["details"], json!({"missing": ["owner"]}));
    assert!(eval.docs[1].findings.is_empty(), "excluded namespace");
    assert!(eval.docs[2].findings.is_empty(), "labelled namespace");
    assert!(eval.docs[3].findings.is_empty(), "kind does not match");
}

#[test]
fn gatekeeper_objects_among_the_inputs_and_inventory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.rego", "package main\n");
    let g = gate(dir.path(), |_| {}).unwrap();
    let template = json!({
        "apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
        "metadata": {"name": "uniquename"},
        "spec": {"crd": {"spec": {"names": {"kind": "UniqueName"}}}, "targets": [{
            "target": "admission.k8s.gatekeeper.sh",
            "code": [{"engine": "Rego", "source": {"version": "v1", "rego":
                "package uniquename\nimport rego.v1\nviolation contains {\"msg\": sprintf(\"name %s also in %s\", [name, ns])} if {\n  name := input.review.object.metadata.name\n  some ns, _ in data.inventory.namespace\n  ns != input.review.object.metadata.namespace\n  data.inventory.namespace[ns][_][input.review.kind.kind][name]\n}\n"}}]}]}
    });
    let constraint = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "UniqueName",
                            "metadata": {"name": "unique"}, "spec": {"enforcementAction": "deny"}});
    let a = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "a"}});
    let b = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "b"}});
    let eval = run(&g, &[template, constraint, a, b]);
    assert_eq!(
        messages(&eval.docs[2], Level::Failure),
        vec!["name c also in b"]
    );
    assert_eq!(
        messages(&eval.docs[3], Level::Failure),
        vec!["name c also in a"]
    );
}

/// gator test: a Deployment implies its Pod (ExpansionTemplate); the Pod's violation is reported on
/// the Deployment's document, prefixed, with the template's enforcementAction.
#[test]
fn expansion_templates_review_implied_resources() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.rego", "package main\n");
    let g = gate(dir.path(), |_| {}).unwrap();
    let template = json!({
        "apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
        "metadata": {"name": "nolatest"},
        "spec": {"crd": {"spec": {"names": {"kind": "NoLatest"}}}, "targets": [{
            "target": "admission.k8s.gatekeeper.sh",
            "code": [{"engine": "Rego", "source": {"version": "v1", "rego":
                "package nolatest\nimport rego.v1\nviolation contains {\"msg\": sprintf(\"%s uses :latest\", [input.review.object.metadata.name])} if {\n  endswith(input.review.object.spec.containers[_].image, \":latest\")\n}\n"}}]}]}
    });
    let constraint = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "NoLatest",
        "metadata": {"name": "no-latest"},
        "spec": {"match": {"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]}}});
    let expansion = |action: &str| {
        json!({"apiVersion": "expansion.gatekeeper.sh/v1beta1", "kind": "ExpansionTemplate",
            "metadata": {"name": "expand-deployments"},
            "spec": {"applyTo": [{"groups": ["apps"], "kinds": ["Deployment"], "versions": ["v1"]}],
                     "templateSource": "spec.template", "enforcementAction": action,
                     "generatedGVK": {"group": "", "version": "v1", "kind": "Pod"}}})
    };
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}}});
    let eval = run(
        &g,
        &[
            template.clone(),
            constraint.clone(),
            expansion(""),
            deployment.clone(),
        ],
    );
    assert_eq!(
        messages(&eval.docs[3], Level::Failure),
        vec!["[Implied by expand-deployments] web-pod uses :latest"]
    );
    let eval = run(
        &g,
        &[
            template.clone(),
            constraint.clone(),
            expansion("warn"),
            deployment.clone(),
        ],
    );
    assert_eq!(
        messages(&eval.docs[3], Level::Warning),
        vec!["[Implied by expand-deployments] web-pod uses :latest"]
    );
    assert_eq!(
        eval.docs[3].findings[0].metadata["enforcementAction"],
        "warn"
    );
    // The same objects twice (policy folder and inputs) count once, as gator upserts them by name.
    let eval = run(
        &g,
        &[
            template.clone(),
            constraint.clone(),
            constraint.clone(),
            expansion(""),
            expansion(""),
            deployment.clone(),
        ],
    );
    assert_eq!(
        messages(&eval.docs[5], Level::Failure),
        vec!["[Implied by expand-deployments] web-pod uses :latest"]
    );
    // Without the ExpansionTemplate the Deployment itself does not match the Pod constraint.
    let eval = run(&g, &[template, constraint, deployment]);
    assert!(eval.docs[2].findings.is_empty());
}

#[test]
fn constraint_without_template_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.yaml",
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: Nope\nmetadata: {name: n}\n",
    );
    let g = gate(dir.path(), |_| {}).unwrap();
    let err = eval_err(&g, &[json!({})]);
    assert!(
        err.to_string()
            .contains("no ConstraintTemplate defines kind \"Nope\""),
        "{err}"
    );
}

#[test]
fn missing_policy_folder_content_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "readme.md", "nothing");
    assert!(matches!(
        gate(dir.path(), |_| {}),
        Err(RegoError::NoPolicies { .. })
    ));
    let err = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::parse("builtin:nope")],
        ..RegoOptions::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("no-plaintext-secrets"), "{err}");
}

/// Every built-in policy against every case in its `cases.yaml`: exact messages, both levels.
#[test]
fn builtin_policy_cases() {
    let mut ran = 0;
    for policy in builtin_policies() {
        let cases = parse_cases(policy.name, policy.cases).unwrap();
        assert!(cases.len() >= 4, "{}: too few cases", policy.name);
        let mut saw_deny = false;
        let mut saw_pass = false;
        for case in cases {
            let g = RegoGate::load(RegoOptions {
                policies: vec![PolicySource::Builtin(Some(policy.name.to_string()))],
                builtin_data: case.data.clone(),
                ..RegoOptions::default()
            })
            .unwrap();
            assert_eq!(g.namespaces(), vec!["main".to_string(), policy.package()]);
            let input = [InputDoc {
                file: "case.yaml",
                line: 1,
                value: &case.input,
            }];
            let eval = g.evaluate(&input).unwrap();
            let outcome = &eval.docs[0];
            let mut deny = case.deny.clone();
            deny.sort();
            let mut warn = case.warn.clone();
            warn.sort();
            assert_eq!(
                messages(outcome, Level::Failure),
                deny,
                "{} / {}: deny",
                policy.name,
                case.name
            );
            assert_eq!(
                messages(outcome, Level::Warning),
                warn,
                "{} / {}: warn",
                policy.name,
                case.name
            );
            saw_deny |= !deny.is_empty();
            saw_pass |= deny.is_empty() && warn.is_empty();
            ran += 1;
        }
        assert!(
            saw_deny && saw_pass,
            "{}: cases must cover both a denial and a pass",
            policy.name
        );
    }
    assert!(ran >= 30, "only {ran} cases ran");
}

/// "Undefined is not allowed": the deny rule of every built-in exists and yields a (possibly empty)
/// set, so a typo in a rule name cannot make every input pass.
#[test]
fn builtin_deny_rules_are_defined_for_clean_input() {
    for policy in builtin_policies() {
        let mut e = engine::new_engine(Duration::from_secs(5)).unwrap();
        engine::add_policy(&mut e, policy.name, policy.rego, false).unwrap();
        e.set_input(engine::from_json(
            &json!({"kind": "ConfigMap", "metadata": {"name": "x"}}),
        ));
        let v = engine::eval(
            &mut e,
            &format!("data.{}.deny", policy.package()),
            "clean",
            Duration::from_secs(5),
        )
        .unwrap();
        assert!(
            matches!(&v, Some(regorus::Value::Set(s)) if s.is_empty()),
            "{}: deny is {v:?}",
            policy.name
        );
    }
}

#[test]
fn case_runner_passes_builtins_and_catches_a_wrong_expectation() {
    let runs = run_builtin_cases().unwrap();
    assert!(runs.len() >= 30);
    for r in &runs {
        assert!(
            r.result.is_ok(),
            "{} / {}: {:?}",
            r.policy,
            r.case,
            r.result
        );
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p/policy.rego",
        "package mine\nimport rego.v1\ndeny contains \"no\" if input.bad\n",
    );
    write(
        dir.path(),
        "p/cases.yaml",
        "cases:\n  - name: right\n    input: {bad: true}\n    deny: [\"no\"]\n    warn: []\n  - name: wrong\n    input: {bad: false}\n    deny: [\"no\"]\n    warn: []\n",
    );
    let runs = super::cases::run_case_files(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs[0].result.is_ok());
    assert_eq!(
        runs[1].result,
        Err("deny: got [], want [\"no\"]".to_string())
    );
    // A case that omits an expectation is rejected rather than passing silently.
    let err = parse_cases("f", "cases:\n  - name: x\n    input: {}\n    deny: []\n").unwrap_err();
    assert!(err.to_string().contains("`warn:`"), "{err}");
}

/// sealedsecret-sanity against blobs made by the real sealer: the cert that sealed them passes,
/// a cert with another key size makes every blob a finding.
#[test]
fn sealedsecret_sanity_with_the_sealing_cert() {
    use crate::seal::{
        KeyBits, KeyGenOptions, SealOptions, Secret, generate_key_pair, seal_secret,
    };
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        ..KeyGenOptions::default()
    })
    .unwrap();
    let secret: Secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "prod"},
        "stringData": {"password": "hunter2", "user": "admin"}
    }))
    .unwrap();
    let sealed = seal_secret(
        &pair.sealing_cert().unwrap(),
        &secret,
        &SealOptions::default(),
    )
    .unwrap();
    let sealed = serde_json::to_value(&sealed).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = write(dir.path(), "cert.pem", pair.cert_pem());
    let run_with = |data: Value, cert: Option<PathBuf>| {
        let g = RegoGate::load(RegoOptions {
            policies: vec![PolicySource::parse("builtin:sealedsecret-sanity")],
            builtin_data: data,
            sealing_cert: cert,
            ..RegoOptions::default()
        })
        .unwrap();
        let input = [InputDoc {
            file: "s.yaml",
            line: 1,
            value: &sealed,
        }];
        messages(&g.evaluate(&input).unwrap().docs[0], Level::Failure)
    };
    assert_eq!(run_with(json!({}), None), Vec::<String>::new());
    assert_eq!(run_with(json!({}), Some(cert)), Vec::<String>::new());
    let wrong = run_with(json!({"cert": {"modulus_bytes": 512}}), None);
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(
        wrong[0].contains("holds a 256-byte RSA part but the sealing cert's key needs 512"),
        "{wrong:?}"
    );
    let bad = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::parse("builtin:sealedsecret-sanity")],
        sealing_cert: Some(dir.path().join("missing.pem")),
        ..RegoOptions::default()
    });
    assert!(matches!(bad, Err(RegoError::Read { .. })));
}

/// conftest v0.71.1's tests/problematic-if: `deny[msg] if` (Rego v1) is refused, as conftest
/// does, instead of never reporting its messages; `deny contains msg if` and a bare `deny if`
/// load.
#[test]
fn keyed_deny_without_contains_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.rego",
        "package main\n\ndeny[msg] if {\n    msg := \"foo\"\n}\n",
    );
    let err = gate(dir.path(), |_| {}).err().unwrap().to_string();
    assert!(
        err.contains("rule is using 'if' keyword without 'contains' keyword")
            && err.contains("at line 3"),
        "{err}"
    );
    for ok in [
        "package main\n\ndeny contains msg if {\n    msg := \"foo\"\n}\n",
        "package main\n\ndeny if {\n    true\n}\n",
        "package main\n\nlabels[name] if {\n    name := \"x\"\n}\n",
    ] {
        write(dir.path(), "p.rego", ok);
        assert!(gate(dir.path(), |_| {}).is_ok(), "{ok}");
    }
}

/// `re_match` with a bad pattern: undefined by default, OPA's builtin error under
/// `--strict-builtin-errors` (compliance case `regexmatch/re_match: bad pattern err`).
#[test]
fn re_match_with_a_bad_pattern_errs_only_when_strict() {
    for strict in [false, true] {
        let mut e = engine::new_engine_with(Duration::from_secs(5), strict).expect("engine");
        engine::add_policy(
            &mut e,
            "p.rego",
            "package p\nx := re_match(\"[\", \"a\")\n",
            true,
        )
        .expect("policy");
        let r = e.eval_rule("data.p.x".to_string());
        if strict {
            let err = r.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("re_match: regex parse error"), "{err}");
        } else {
            assert_eq!(r.ok(), Some(regorus::Value::Undefined));
        }
    }
}

/// `parse_config("textproto", …)` and `parse_config_file` read with the types of
/// `--proto-file-dirs`, as `conftest test --proto-file-dirs` gives them to its builtins.
#[test]
fn conftest_builtins_read_textproto_with_the_loaded_types() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "protos/p.proto",
        "syntax = \"proto3\"; package p; message M { int64 n = 1; }",
    );
    write(
        dir.path(),
        "policy/m.textproto",
        "# proto-message: p.M\nn: 7\n",
    );
    write(
        dir.path(),
        "policy/main.rego",
        r##"package main

import rego.v1

deny contains msg if {
	doc := parse_config("textproto", "# proto-message: p.M\nn: 5\n")
	file := parse_config_file("m.textproto")
	msg := sprintf("%s %s", [doc.n, file.n])
}
"##,
    );
    let types = crate::gate::parsers::ProtoTypes::load(&[dir.path().join("protos")]);
    let g = gate(&dir.path().join("policy"), |o| {
        o.parsers = crate::gate::parsers::Context::default().with_proto_types(types)
    })
    .unwrap();
    let eval = run(&g, &[json!({})]);
    assert_eq!(messages(&eval.docs[0], Level::Failure), vec!["5 7"]);
    // Without them the type is not found: the builtin fails, the rule is undefined (as conftest's
    // non-strict builtin errors make it).
    let g = gate(&dir.path().join("policy"), |_| {}).unwrap();
    let eval = run(&g, &[json!({})]);
    assert!(
        eval.docs[0].findings.is_empty(),
        "the type must not be found: {:?}",
        eval.docs[0].findings
    );
}

/// conftest's builtins under OPA's non-strict builtin errors: a text that does not parse and a
/// file that is not there make the call undefined (the policy's other rules still judge, as in
/// conftest); a parser sealgate lacks is an error on that policy and document.
#[test]
fn conftest_builtin_errors_are_undefined_and_refusals_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "policy/main.rego",
        r#"package main

import rego.v1

deny contains "bad text" if parse_config("json", "{")

deny contains "missing file" if parse_config_file("nope.yaml")

deny contains "missing files" if parse_combined_config_files(["nope.yaml"])

deny contains "judged" if input.n > 1
"#,
    );
    let g = gate(&dir.path().join("policy"), |_| {}).unwrap();
    let eval = run(&g, &[json!({"n": 2})]);
    assert_eq!(messages(&eval.docs[0], Level::Failure), vec!["judged"]);
    write(
        dir.path(),
        "policy/main.rego",
        "package main\n\nimport rego.v1\n\ndeny contains \"x\" if parse_config(\"nosuch\", \"x\")\n",
    );
    let g = gate(&dir.path().join("policy"), |_| {}).unwrap();
    let err = eval_err(&g, &[json!({"n": 2})]).to_string();
    assert!(
        err.contains("parser \"nosuch\" is not supported by sealgate"),
        "{err}"
    );
}
