//! ConstraintTemplates whose Rego OPA's type checker refuses, side by side with the real `gator
//! test` (from `tests/peers/build`): gatekeeper compiles templates with OPA's compiler, so gator
//! refuses such a template (`adding template "x": unable to compile modules: … rego_type_error`),
//! and sealgate must refuse it too, naming the same line of the template's Rego; a template
//! without type errors is loaded by both.

use std::path::Path;
use std::process::Command;

use sealgate_core::gate::{InputDoc, RegoGate, RegoOptions};
use serde_json::Value;

const TEST: &str = "peer_gator_type_check";

/// (Rego version, the template's Rego, the line of its type error as gator names it).
const CASES: &[(&str, &str, Option<u32>)] = &[
    (
        "v0",
        "package k8stypes\n\nviolation[{\"msg\": msg}] {\n  x := upper(1)\n  msg := sprintf(\"bad %v\", [x])\n}\n",
        Some(4),
    ),
    (
        "v0",
        "package k8stypes\n\nviolation[{\"msg\": msg}] {\n  name := input.review.object.metadata.name\n  startswith(name, 5)\n  msg := concat(\", \", [name, count(input.review.object.data)])\n}\n",
        Some(5),
    ),
    (
        "v1",
        "package k8stypes\n\nviolation contains {\"msg\": msg} if {\n  labels := {\"a\": 1}\n  msg := labels.b\n}\n",
        Some(5),
    ),
    (
        "v0",
        "package k8stypes\n\nviolation[{\"msg\": msg}] {\n  name := input.review.object.metadata.name\n  startswith(name, \"demo\")\n  msg := sprintf(\"%v has %v keys\", [name, count(input.review.object.data)])\n}\n",
        None,
    ),
];

fn template(version: &str, rego: &str) -> String {
    let indented: String = rego.lines().map(|l| format!("          {l}\n")).collect();
    let source = if version == "v1" {
        format!(
            "      code:\n        - engine: Rego\n          source:\n            version: v1\n            rego: |\n{}",
            indented
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        )
    } else {
        format!("      rego: |\n{indented}")
    };
    format!(
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8stypes\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sTypes\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n{source}"
    )
}

const CONSTRAINT: &str = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sTypes\nmetadata:\n  name: types\nspec:\n  match:\n    kinds:\n      - apiGroups: [\"\"]\n        kinds: [\"ConfigMap\"]\n";

const OBJECT: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: default\ndata:\n  a: b\n";

/// gator's verdict: the line of the type error it names, `None` when it loads the template.
fn gator_line(gator: &Path, dir: &Path) -> Option<u32> {
    let out = Command::new(gator)
        .current_dir(dir)
        .args([
            "test",
            "-f",
            "template.yaml",
            "-f",
            "constraint.yaml",
            "-f",
            "object.yaml",
        ])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    type_error_line(&text)
}

/// The line number right before the first `: rego_type_error:` of an error text.
fn type_error_line(text: &str) -> Option<u32> {
    let at = text.find(": rego_type_error:")?;
    let line: String = text[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    line.chars().rev().collect::<String>().parse().ok()
}

/// sealgate's verdict, read from its error the same way.
fn sealgate_line(dir: &Path) -> Option<u32> {
    let docs: Vec<Value> = ["template.yaml", "constraint.yaml", "object.yaml"]
        .iter()
        .map(|f| serde_saphyr::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap())
        .collect();
    let inputs: Vec<InputDoc<'_>> = docs
        .iter()
        .map(|value| InputDoc {
            file: "template.yaml",
            line: 1,
            value,
        })
        .collect();
    match RegoGate::load(RegoOptions::default()).and_then(|g| g.evaluate(&inputs)) {
        Ok(_) => None,
        Err(e) => type_error_line(&e.to_string()),
    }
}

#[test]
fn peer_gator_type_check_matches_gator() {
    let Some(gator) = sealgate_tests::peer_tool(TEST, "gator").unwrap() else {
        return;
    };
    for (version, rego, line) in CASES {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("template.yaml"), template(version, rego)).unwrap();
        std::fs::write(dir.path().join("constraint.yaml"), CONSTRAINT).unwrap();
        std::fs::write(dir.path().join("object.yaml"), OBJECT).unwrap();
        let theirs = gator_line(&gator, dir.path());
        assert_eq!(theirs, *line, "gator on {rego}");
        assert_eq!(sealgate_line(dir.path()), theirs, "sealgate on {rego}");
    }
}
