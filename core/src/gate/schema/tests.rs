//! Schema checks on real manifests: verdicts, lines, strictness, CRDs and locations.

use super::*;
use crate::gate::report::Status;
use crate::manifest::{Source, load};

fn docs(text: &str) -> Vec<Document> {
    load(Source::from_text("t.yaml", text)).unwrap().documents
}

fn set(strict: bool) -> SchemaSet {
    SchemaSet::new(SchemaOptions {
        strict,
        ..SchemaOptions::default()
    })
    .unwrap()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          limits: {cpu: 500m, memory: 128Mi}
";

#[test]
fn valid_deployment_is_valid_in_both_modes() {
    for strict in [false, true] {
        let r = set(strict).check(&docs(DEPLOYMENT)[0]);
        assert_eq!(r.status, Status::Valid, "strict={strict}: {:?}", r.findings);
    }
}

#[test]
fn wrong_type_is_reported_on_its_line() {
    let text = DEPLOYMENT.replace("replicas: 2", "replicas: two");
    let r = set(false).check(&docs(&text)[0]);
    assert_eq!(r.status, Status::Invalid);
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    assert_eq!(r.findings[0].subject.line, 7);
    assert_eq!(r.findings[0].path.as_deref(), Some("/spec/replicas"));
    assert!(
        r.findings[0].message.contains("two"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn unknown_fields_fail_only_in_strict_mode() {
    let text = DEPLOYMENT.replace(
        "        image: nginx:1.27\n",
        "        image: nginx:1.27\n        imagePullPolicyy: Always\n",
    );
    assert_eq!(set(false).check(&docs(&text)[0]).status, Status::Valid);
    let r = set(true).check(&docs(&text)[0]);
    assert_eq!(r.status, Status::Invalid);
    assert_eq!(r.findings[0].subject.line, 17);
    assert_eq!(
        r.findings[0].path.as_deref(),
        Some("/spec/template/spec/containers/0/imagePullPolicyy")
    );
}

#[test]
fn int_or_string_and_null_optional_fields_like_kubeconform() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: s, annotations: null}\nspec:\n  ports:\n  - port: 80\n    targetPort: http\n  - port: 81\n    targetPort: 8081\n";
    let r = set(true).check(&docs(text)[0]);
    assert_eq!(r.status, Status::Valid, "{:?}", r.findings);
    let bad = text.replace("targetPort: http", "targetPort: [x]");
    assert_eq!(set(true).check(&docs(&bad)[0]).status, Status::Invalid);
}

#[test]
fn kind_must_match_the_schema() {
    let r = set(false).check(&docs("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n")[0]);
    assert_eq!(r.status, Status::Valid, "{:?}", r.findings);
}

#[test]
fn missing_schemas_are_errors_or_counted_skips() {
    let d = docs("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n");
    let r = set(false).check(&d[0]);
    assert_eq!(r.status, Status::Error);
    assert_eq!(r.findings[0].check, check::MISSING_SCHEMA);
    assert!(r.findings[0].message.contains("--ignore-missing-schemas"));
    let lenient = SchemaSet::new(SchemaOptions {
        ignore_missing_schemas: true,
        ..SchemaOptions::default()
    })
    .unwrap();
    assert_eq!(lenient.check(&d[0]).status, Status::Skipped);
}

#[test]
fn documents_without_kind_or_object_shape_are_errors() {
    let d = docs("apiVersion: v1\nmetadata: {name: x}\n---\n- a\n- b\n");
    let s = set(false);
    assert!(
        s.check(&d[0]).findings[0]
            .message
            .contains("missing 'kind'")
    );
    assert_eq!(s.check(&d[1]).status, Status::Error);
}

/// A CRD whose Widgets need an integer `spec.size`.
pub(crate) const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer}
";

#[test]
fn crds_in_the_inputs_provide_schemas() {
    let widgets = "---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: 3}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w2}
spec: {colour: red}
";
    let d = docs(&format!("{WIDGET_CRD}{widgets}"));
    let mut s = set(true);
    s.add_crds_from(&d);
    assert_eq!(s.check(&d[1]).status, Status::Valid);
    let r = s.check(&d[2]);
    assert_eq!(r.status, Status::Invalid);
    assert_eq!(
        r.findings.len(),
        2,
        "required size + unknown colour: {:?}",
        r.findings
    );
}

#[test]
fn sealed_secrets_have_a_builtin_schema() {
    let ok = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s, namespace: n}\nspec:\n  encryptedData: {password: AgBy3i4OJSWK}\n  template:\n    metadata: {name: s}\n    type: Opaque\n";
    assert_eq!(set(true).check(&docs(ok)[0]).status, Status::Valid);
    let bad = ok.replace("type: Opaque", "type: [Opaque]");
    assert_eq!(set(true).check(&docs(&bad)[0]).status, Status::Invalid);
}

#[test]
fn duplicate_keys_are_warnings_unless_strict_and_yaml11_booleans_warn() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  enabled: \"yes\"\n";
    let r = set(false).check(&docs(text)[0]);
    assert_eq!(r.status, Status::Valid);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert_eq!(r.findings[0].subject.line, 5);
    // Strict: unreadable, like kubeconform -strict (an error, not an invalid object).
    assert_eq!(set(true).check(&docs(text)[0]).status, Status::Error);
    let r = set(false).check(
        &docs("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  enabled: yes\n")[0],
    );
    assert_eq!(
        r.status,
        Status::Invalid,
        "a boolean where a string is required"
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.check == check::YAML11_BOOLEAN && f.subject.line == 5)
    );
}

#[test]
fn schema_locations_with_templates_are_read_in_order() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let schema = serde_json::json!({"type": "object", "required": ["spec"]});
    std::fs::write(dir.join("thing_v1.json"), schema.to_string()).unwrap();
    let template = format!(
        "{}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
        dir.display()
    );
    let options = SchemaOptions {
        locations: vec![
            SchemaLocation::parse(&template).unwrap(),
            SchemaLocation::parse("default").unwrap(),
        ],
        ..SchemaOptions::default()
    };
    let s = SchemaSet::new(options).unwrap();
    let d = docs(
        "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    assert_eq!(s.check(&d[0]).status, Status::Invalid);
    assert_eq!(
        s.check(&d[1]).status,
        Status::Valid,
        "falls through to the built-in location"
    );
}

#[test]
fn every_builtin_kind_compiles_in_every_version() {
    for version in kubernetes_versions() {
        for strict in [false, true] {
            let s = SchemaSet::new(SchemaOptions {
                kubernetes_version: Some(version.to_owned()),
                strict,
                ..SchemaOptions::default()
            })
            .unwrap();
            for (api_version, kind) in s.builtin_kinds().unwrap() {
                let lookup = s.lookup(&api_version, &kind);
                assert!(
                    matches!(lookup, Lookup::Found(_)),
                    "{version} {api_version} {kind} strict={strict}"
                );
            }
        }
    }
}

/// A Gatekeeper template and its constraints, as gatekeeper-library ships them.
const TEMPLATE_AND_CONSTRAINTS: &str = "apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
      validation:
        openAPIV3Schema:
          type: object
          properties:
            labels:
              type: array
              items: {type: string}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8srequiredlabels
      violation[{\"msg\": \"x\"}] { false }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: must-have-owner
spec:
  enforcementAction: warn
  match:
    kinds:
    - apiGroups: [\"\"]
      kinds: [Namespace]
  parameters:
    labels: [owner]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: typo
spec:
  match:
    kind: [Namespace]
  parameters:
    labels: owner
";

#[test]
fn constraint_templates_validate_and_give_their_constraints_a_schema() {
    let docs = docs(TEMPLATE_AND_CONSTRAINTS);
    for strict in [false, true] {
        let unregistered = set(strict);
        // The template itself is known without any CRD being given (built-in frameworks CRD)…
        let r = unregistered.check(&docs[0]);
        assert_eq!(r.status, Status::Valid, "strict={strict}: {:?}", r.findings);
        // …and until it is registered, its constraint kind has no schema.
        assert_eq!(unregistered.check(&docs[1]).status, Status::Error);
        let mut registered = set(strict);
        registered.add_crds_from(&docs);
        let r = registered.check(&docs[1]);
        assert_eq!(r.status, Status::Valid, "strict={strict}: {:?}", r.findings);
        // A wrong parameter type is found where the template's schema says.
        let r = registered.check(&docs[2]);
        assert_eq!(r.status, Status::Invalid, "strict={strict}");
        let paths: Vec<_> = r
            .findings
            .iter()
            .filter_map(|f| f.path.as_deref())
            .collect();
        assert!(
            paths.contains(&"/spec/parameters/labels"),
            "strict={strict}: {:?}",
            r.findings
        );
        // A misspelt match field is refused in strict mode only, like any unknown field.
        assert_eq!(
            paths.contains(&"/spec/match/kind"),
            strict,
            "strict={strict}: {:?}",
            r.findings
        );
    }
}
