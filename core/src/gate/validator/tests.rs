//! The validator's own tests: findings per document, files without objects, policy-chosen
//! locations, configuration files and unreadable YAML.

use super::*;
use crate::gate::rego::PolicySource;
use crate::manifest::Source;

fn validator(policy: &str) -> Validator {
    let options = RegoOptions {
        policies: vec![PolicySource::parse(policy)],
        ..RegoOptions::default()
    };
    Validator::new(SchemaOptions::default(), Some(options))
        .unwrap()
        .with_jobs(2)
}

#[test]
fn policy_results_become_findings_with_lines() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\nstringData: {password: x}\n";
    let report = validator("builtin:no-plaintext-secrets")
        .validate(vec![Input::Read(Source::from_text("secrets.yaml", text))])
        .unwrap();
    let findings: Vec<&Finding> = report.findings().collect();
    assert_eq!(findings.len(), 1);
    let f = findings[0];
    assert_eq!(
        (f.subject.file.as_str(), f.subject.line),
        ("secrets.yaml", 5)
    );
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.check, "sealgate.no_plaintext_secrets.deny");
    assert_eq!(
        (f.subject.kind.as_deref(), f.subject.name.as_deref()),
        (Some("Secret"), Some("db"))
    );
    assert_eq!(report.resources[1].status, Status::Invalid);
    assert_eq!(report.resources[0].status, Status::Valid);
}

/// As conftest: a file with no object is evaluated once with `input` null. A rule that does
/// not look at the input fires there; rules about objects stay silent and add no result.
#[test]
fn files_without_objects_are_evaluated_with_a_null_input() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.rego");
    std::fs::write(
        &policy,
        "package main\n\ndeny contains \"always\" if { true }\n\nwarn contains \"kind\" if { input.kind }\n",
    )
    .unwrap();
    let report = validator(&policy.to_string_lossy())
        .validate(vec![
            Input::Read(Source::from_text("empty.yaml", "")),
            Input::Read(Source::from_text("comments.yaml", "# nothing\n---\n")),
        ])
        .unwrap();
    let at: Vec<(&str, usize, &str)> = report
        .findings()
        .map(|f| (f.subject.file.as_str(), f.subject.line, f.message.as_str()))
        .collect();
    assert_eq!(
        at,
        [("comments.yaml", 1, "always"), ("empty.yaml", 1, "always")]
    );
    let quiet = validator("builtin:no-plaintext-secrets")
        .validate(vec![Input::Read(Source::from_text("empty.yaml", ""))])
        .unwrap();
    assert!(quiet.resources.is_empty());
}

#[test]
fn a_policy_chosen_location_wins_in_its_file_and_is_the_origin_elsewhere() {
    let subject = Subject::file("in.yaml", 4);
    let pf = |location: Option<(&str, usize)>| PolicyFinding {
        doc: Some(0),
        level: Level::Warning,
        policy: "main.warn".to_owned(),
        message: "m".to_owned(),
        location: location.map(|(f, l)| (f.to_owned(), l)),
        metadata: serde_json::json!({}),
    };
    let at = |f: Finding| {
        (
            f.subject.file,
            f.subject.line,
            f.severity,
            f.origin.map(|o| o.to_string()),
        )
    };
    let here = |line: usize, origin: Option<&str>| {
        (
            "in.yaml".to_owned(),
            line,
            Severity::Warning,
            origin.map(str::to_owned),
        )
    };
    assert_eq!(at(policy_finding(&pf(None), &subject)), here(4, None));
    // another file: the finding stays on the tested file, as conftest's does
    assert_eq!(
        at(policy_finding(&pf(Some(("other.yaml", 9))), &subject)),
        here(4, Some("other.yaml:9"))
    );
    assert_eq!(
        at(policy_finding(&pf(Some(("other.yaml", 0))), &subject)),
        here(4, Some("other.yaml"))
    );
    // the same file, however it is written: the policy's line
    assert_eq!(
        at(policy_finding(&pf(Some(("", 9))), &subject)),
        here(9, None)
    );
    assert_eq!(
        at(policy_finding(&pf(Some(("./in.yaml", 9))), &subject)),
        here(9, None)
    );
}

/// conftest's other formats: a Terraform file is judged by the policies (one result for the
/// file, line 1), takes part in `--combine`, is skipped by a schema-only run, and one its
/// parser refuses is an error result, not the end of the run.
#[test]
fn configuration_files_are_judged_by_policies_only() {
    use crate::gate::parsers::{Context, Parser};
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.rego");
    std::fs::write(
        &policy,
        "package main\n\ndeny contains sprintf(\"bucket %s is public\", [name]) if {\n\tsome name, b in input.resource.aws_s3_bucket\n\tb[_].acl == \"public-read\"\n}\n\ndeny contains \"no kind\" if { input.apiVersion; not input.kind }\n",
    )
    .unwrap();
    let tf = |name: &str, text: &str| Input::Config {
        source: Source::from_text(name, text),
        parser: Parser::Hcl2,
        context: Context::default(),
    };
    let inputs = || {
        vec![
            tf(
                "main.tf",
                "resource \"aws_s3_bucket\" \"logs\" {\n  acl = \"public-read\"\n}\n",
            ),
            tf(
                "ok.tf",
                "resource \"aws_s3_bucket\" \"x\" {\n  acl = \"private\"\n}\n",
            ),
            tf("bad.tf", "# broken\nresource \"a\" {\n  acl = = 1\n}\n"),
            Input::Read(Source::from_text(
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            )),
        ]
    };
    let report = validator(&policy.to_string_lossy())
        .validate(inputs())
        .unwrap();
    let at: Vec<(&str, usize, Status, Vec<&str>)> = report
        .resources
        .iter()
        .map(|r| {
            (
                r.subject.file.as_str(),
                r.subject.line,
                r.status,
                r.findings.iter().map(|f| f.check.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            // a parser's refusal is placed at the line it names
            ("bad.tf", 3, Status::Error, vec![check::PARSE]),
            ("cm.yaml", 1, Status::Valid, vec![]),
            ("main.tf", 1, Status::Invalid, vec!["main.deny"]),
            ("ok.tf", 1, Status::Valid, vec![]),
        ]
    );
    assert_eq!(
        report.resources[2].findings[0].message,
        "bucket logs is public"
    );
    let refused = &report.resources[0].findings[0].message;
    assert!(refused.starts_with("invalid hcl2 file: "), "{refused}");
    assert!(
        !refused.contains("hcl2: "),
        "the parser named twice: {refused}"
    );

    let schema_only = Validator::new(SchemaOptions::default(), None)
        .unwrap()
        .validate(inputs())
        .unwrap();
    let statuses: Vec<(&str, Status)> = schema_only
        .resources
        .iter()
        .map(|r| (r.subject.file.as_str(), r.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("bad.tf", Status::Error),
            ("cm.yaml", Status::Valid),
            ("main.tf", Status::Skipped),
            ("ok.tf", Status::Skipped),
        ]
    );

    let combined = dir.path().join("c.rego");
    std::fs::write(
        &combined,
        "package main\n\ndeny contains msg if {\n\tpaths := {c.path | some c in input}\n\tmsg := concat(\",\", sort(paths))\n}\n",
    )
    .unwrap();
    let options = RegoOptions {
        policies: vec![PolicySource::parse(&combined.to_string_lossy())],
        combine: true,
        ..RegoOptions::default()
    };
    let report = Validator::new(SchemaOptions::default(), Some(options))
        .unwrap()
        .validate(inputs())
        .unwrap();
    let messages: Vec<&str> = report
        .findings()
        .map(|f| f.message.as_str())
        .filter(|m| !m.starts_with("invalid"))
        .collect();
    assert_eq!(messages, ["cm.yaml,main.tf,ok.tf"]);
}

#[test]
fn unreadable_yaml_is_a_finding_and_the_rest_is_still_checked() {
    let mut v = Validator::new(SchemaOptions::default(), None).unwrap();
    let report = v
        .validate(vec![
            Input::Read(Source::from_text("bad.yaml", "a: [\n")),
            Input::Read(Source::from_text(
                "ok.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            )),
        ])
        .unwrap();
    let statuses: Vec<Status> = report.resources.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Status::Error, Status::Valid]);
    assert_eq!(report.resources[0].findings[0].check, check::PARSE);
}

#[test]
fn a_refusal_is_placed_at_the_line_it_starts_with() {
    use super::leading_line;
    assert_eq!(leading_line("line 12, column 3: unexpected `=`"), Some(12));
    assert_eq!(leading_line("line 7: empty key"), Some(7));
    assert_eq!(
        leading_line("lib.libsonnet: line 3, column 1: syntax error"),
        None
    );
    assert_eq!(leading_line("line 0: nothing"), None);
    assert_eq!(leading_line("lines of text"), None);
}
