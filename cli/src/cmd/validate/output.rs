//! Report formats of `validate`: text, JSON, JUnit XML, SARIF 2.1.0, GitHub annotations, TAP.
//!
//! Every format renders the same `Report`; each finding keeps its file:line, check and object.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sealgate_core::gate::{Finding, Report, ResourceResult, Severity, Status};
use serde_json::json;

use crate::cli::ValidateFormat;
use crate::escape::controls;

/// Context shown in summaries and tool metadata.
pub struct RunInfo {
    pub kubernetes_version: &'static str,
    /// `--max-findings`, named when findings were left out.
    pub max_findings: usize,
    /// Catalog projects that judged a kind (`argo-cd v3.6.2`).
    pub catalog: Vec<String>,
    pub strict: bool,
    pub policies: bool,
    /// Where rendered objects are in the repository, for annotations that need a real file.
    pub sources: super::render::SourceLocations,
}

pub fn render(report: &Report, format: ValidateFormat, info: &RunInfo) -> String {
    match format {
        ValidateFormat::Text => text(report, info),
        ValidateFormat::Json => json_report(report, info),
        ValidateFormat::Junit => junit(report),
        ValidateFormat::Sarif => sarif(report),
        ValidateFormat::Github => github(report, info),
        ValidateFormat::Tap => tap(report),
    }
}

fn location(f: &Finding) -> String {
    let at = &f.subject;
    let file = controls(&at.file);
    match f.column {
        Some(col) if at.line > 0 => format!("{file}:{}:{col}", at.line),
        _ if at.line > 0 => format!("{file}:{}", at.line),
        _ => file.into_owned(),
    }
}

fn object_label(f: &Finding) -> String {
    f.object()
        .map(|o| format!("{}: ", controls(&o.to_string())))
        .unwrap_or_default()
}

/// One finding as one line: `file:line[:col] severity [check] [object: ]message[ (originating
/// from file:line)]`.
fn finding_line(f: &Finding, with_object: bool) -> String {
    format!(
        "{} {} [{}] {}{}{}",
        location(f),
        f.severity.as_str(),
        controls(&f.check),
        if with_object {
            object_label(f)
        } else {
            String::new()
        },
        controls(&f.message),
        origin_note(f)
    )
}

/// ` (originating from file:line)` when a policy placed the finding's cause in another file.
fn origin_note(f: &Finding) -> String {
    f.origin
        .as_ref()
        .map(|o| format!(" (originating from {})", controls(&o.to_string())))
        .unwrap_or_default()
}

/// `file:line name` of a resource, escaped.
fn resource_line(r: &ResourceResult) -> String {
    format!(
        "{}:{} {}",
        controls(&r.subject.file),
        r.subject.line,
        controls(&r.subject.display_name())
    )
}

pub fn summary(report: &Report, info: &RunInfo) -> String {
    let c = report.counts();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "Summary: {} in {}: {} valid, {} invalid, {}, {} skipped, {} empty; {}, {} (Kubernetes {} schemas{}{}{})",
        plural(c.resources, "resource", "resources"),
        plural(c.files, "file", "files"),
        c.valid,
        c.invalid,
        plural(c.errors, "error", "errors"),
        c.skipped,
        c.empty,
        plural(c.error_findings, "error finding", "error findings"),
        plural(c.warning_findings, "warning", "warnings"),
        info.kubernetes_version,
        if info.catalog.is_empty() {
            String::new()
        } else {
            format!(", CRD catalog: {}", info.catalog.join(", "))
        },
        if info.strict { ", strict" } else { "" },
        if info.policies { ", policies" } else { "" },
    ) + &omitted(report, info)
}

/// The line that says findings were left out, or nothing.
pub fn omitted(report: &Report, info: &RunInfo) -> String {
    if report.omitted_findings == 0 {
        return String::new();
    }
    format!(
        "; {} more findings not shown (limit {}, raise it with --max-findings)",
        report.omitted_findings, info.max_findings
    )
}

fn text(report: &Report, info: &RunInfo) -> String {
    let mut out = String::new();
    for f in report.findings() {
        let _ = writeln!(out, "{}", finding_line(f, true));
    }
    for r in report
        .resources
        .iter()
        .filter(|r| r.status == Status::Skipped)
    {
        // A skipped file (a patch, generator data) names no object.
        let object = if r.subject.kind.is_none() && r.subject.name.is_none() {
            String::new()
        } else {
            format!(" {}", r.subject.display_name())
        };
        let _ = writeln!(
            out,
            "{}:{} skipped{}: {}",
            controls(&r.subject.file),
            r.subject.line,
            controls(&object),
            controls(r.reason.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(out, "{}", summary(report, info));
    out
}

fn json_report(report: &Report, info: &RunInfo) -> String {
    let mut value = json!({
        "resources": report.resources,
        "summary": report.counts(),
        "kubernetesVersion": info.kubernetes_version,
        "strict": info.strict,
    });
    if report.omitted_findings > 0 {
        value["omittedFindings"] = json!(report.omitted_findings);
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn testcase_name(r: &ResourceResult) -> String {
    format!("{} (line {})", r.subject.display_name(), r.subject.line)
}

fn junit(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&ResourceResult>> = BTreeMap::new();
    for r in &report.resources {
        by_file.entry(r.subject.file.as_str()).or_default().push(r);
    }
    let c = report.counts();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"sealgate validate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        c.resources, c.invalid, c.errors, c.skipped
    );
    for (id, (file, results)) in by_file.iter().enumerate() {
        let count = |s: Status| results.iter().filter(|r| r.status == s).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" id=\"{id}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            xml_escape(&controls(file)),
            results.len(),
            count(Status::Invalid),
            count(Status::Error),
            count(Status::Skipped)
        );
        for r in results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\">",
                xml_escape(&controls(file)),
                xml_escape(&controls(&testcase_name(r)))
            );
            let details: String = r
                .findings
                .iter()
                .map(|f| format!("{}\n", finding_line(f, false)))
                .collect();
            let first = r
                .findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .map(|f| controls(&f.message))
                .unwrap_or_default();
            match r.status {
                Status::Valid => {}
                Status::Invalid => {
                    let _ = write!(
                        out,
                        "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    ",
                        xml_escape(&first),
                        xml_escape(r.findings.first().map_or("", |f| f.check.as_str())),
                        xml_escape(&details)
                    );
                }
                Status::Error => {
                    let _ = write!(
                        out,
                        "\n      <error message=\"{}\" type=\"error\">{}</error>\n    ",
                        xml_escape(&first),
                        xml_escape(&details)
                    );
                }
                Status::Skipped => {
                    let _ = write!(
                        out,
                        "\n      <skipped message=\"{}\"/>\n    ",
                        xml_escape(&controls(r.reason.as_deref().unwrap_or("")))
                    );
                }
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_description(check: &str) -> String {
    match check {
        "schema" => "The object does not match the JSON Schema of its kind".to_owned(),
        "parse" => "The input is not a readable Kubernetes object".to_owned(),
        "duplicate-key" => "A key appears twice in one YAML mapping".to_owned(),
        "yaml11-boolean" => {
            "An unquoted yes/no/on/off that Kubernetes reads as a boolean".to_owned()
        }
        "missing-schema" => "No schema is known for the object's apiVersion and kind".to_owned(),
        policy => format!("Rego policy {policy}"),
    }
}

fn sarif(report: &Report) -> String {
    let mut rules: Vec<&str> = report.findings().map(|f| f.check.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let rule_index = |id: &str| rules.iter().position(|r| *r == id).unwrap_or(0);
    let results: Vec<serde_json::Value> = report
        .findings()
        .map(|f| {
            let mut region = json!({"startLine": f.subject.line.max(1)});
            if let Some(col) = f.column {
                region["startColumn"] = json!(col.max(1));
            }
            let mut message = format!("{}{}", object_label(f), f.message);
            if message.is_empty() {
                message = f.check.clone();
            }
            let mut result = json!({
                "ruleId": f.check,
                "ruleIndex": rule_index(&f.check),
                "level": sarif_level(f.severity),
                "message": {"text": message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.subject.file.trim_start_matches("./")},
                    "region": region
                }}]
            });
            if let Some(origin) = &f.origin {
                let mut location = json!({
                    "id": 0,
                    "message": {"text": "where the policy says the problem originates"},
                    "physicalLocation": {
                        "artifactLocation": {"uri": origin.file.trim_start_matches("./")}
                    }
                });
                if origin.line > 0 {
                    location["physicalLocation"]["region"] = json!({"startLine": origin.line});
                }
                result["relatedLocations"] = json!([location]);
            }
            result
        })
        .collect();
    let rules: Vec<(&str, String)> = rules.iter().map(|id| (*id, rule_description(id))).collect();
    crate::sarif::log("sealgate", &rules, results)
}

/// GitHub workflow commands: data escapes `%`, CR, LF; property values also `:` and `,`.
fn gh_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    // other control bytes (ESC) would reach the log viewer
    controls(&escaped).into_owned()
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &Report, info: &RunInfo) -> String {
    let mut out = String::new();
    for f in report.findings() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        // A rendered object's finding goes on the file it comes from (GitHub shows annotations
        // on files of the commit; `overlays/prod (kustomize build)` is none), the rendered
        // position kept in the message; the column is the output's, so it is left out there.
        let source = info.sources.get(&(f.subject.file.clone(), f.subject.line));
        let (file, line, rendered) = match source {
            Some((file, line)) => (
                file.as_str(),
                *line,
                format!(" [rendered: {}:{}]", f.subject.file, f.subject.line),
            ),
            None => (f.subject.file.as_str(), f.subject.line, String::new()),
        };
        let mut props = format!("file={},line={}", gh_property(file), line.max(1));
        if let Some(col) = f.column.filter(|_| source.is_none()) {
            let _ = write!(props, ",col={col}");
        }
        let _ = write!(
            props,
            ",title={}",
            gh_property(&format!("sealgate {}", f.check))
        );
        let message = format!("{}{}{rendered}", object_label(f), f.message);
        // A cause in another file: annotated there too, and the tested file's annotation says
        // where from, as conftest's GitHub output does.
        let message = match &f.origin {
            Some(origin) => {
                let _ = writeln!(
                    out,
                    "::{command} file={},line={},title={}::{}",
                    gh_property(&origin.file),
                    origin.line.max(1),
                    gh_property(&format!("sealgate {}", f.check)),
                    gh_data(&message)
                );
                format!("(originating from {origin}) {message}")
            }
            None => message,
        };
        let _ = writeln!(out, "::{command} {props}::{}", gh_data(&message));
    }
    let _ = writeln!(out, "{}", summary(report, info));
    out
}

fn tap(report: &Report) -> String {
    let mut out = format!("TAP version 13\n1..{}\n", report.resources.len());
    for (i, r) in report.resources.iter().enumerate() {
        let n = i + 1;
        let name = resource_line(r);
        match r.status {
            Status::Valid => {
                let _ = writeln!(out, "ok {n} - {name}");
            }
            Status::Skipped => {
                let _ = writeln!(
                    out,
                    "ok {n} - {name} # SKIP {}",
                    controls(r.reason.as_deref().unwrap_or(""))
                );
            }
            Status::Invalid | Status::Error => {
                let _ = writeln!(out, "not ok {n} - {name}");
                out.push_str("  ---\n  findings:\n");
                for f in &r.findings {
                    let line = serde_json::to_string(&finding_line(f, false)).unwrap_or_default();
                    let _ = writeln!(out, "    - {line}");
                }
                out.push_str("  ...\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sealgate_core::gate::{Finding, Subject};

    fn report() -> Report {
        let s = Subject {
            kind: Some("Deployment".into()),
            name: Some("web".into()),
            namespace: Some("prod".into()),
            ..Subject::file("apps/web.yaml", 3)
        };
        let mut f = Finding::new(
            Severity::Error,
            "schema",
            "/spec/replicas: \"two\" is not of type \"integer\"",
            &s,
        );
        f.subject.line = 9;
        let w = Finding::new(
            Severity::Warning,
            "yaml11-boolean",
            "unquoted \"on\" <&>, 100%",
            &s,
        );
        Report {
            resources: vec![
                ResourceResult::checked(s.clone(), vec![f, w]),
                ResourceResult::skipped(
                    Subject {
                        line: 20,
                        ..s.clone()
                    },
                    "no schema for x/v1 Y",
                    vec![],
                ),
                ResourceResult::checked(Subject { line: 30, ..s }, vec![]),
            ],
            files: 1,
            empty: 1,
            omitted_findings: 0,
        }
    }

    const INFO: RunInfo = RunInfo {
        kubernetes_version: "1.36.3",
        max_findings: 10_000,
        catalog: Vec::new(),
        strict: true,
        policies: false,
        sources: BTreeMap::new(),
    };

    #[test]
    fn text_lines_carry_file_line_check_and_object() {
        let t = text(&report(), &INFO);
        assert!(
            t.starts_with("apps/web.yaml:9 error [schema] Deployment/prod/web: /spec/replicas"),
            "{t}"
        );
        assert!(
            t.contains(
                "Summary: 3 resources in 1 file: 1 valid, 1 invalid, 0 errors, 1 skipped, 1 empty"
            ),
            "{t}"
        );
    }

    #[test]
    fn github_annotations_escape_data_and_properties() {
        let g = github(&report(), &INFO);
        assert!(g.contains("::error file=apps/web.yaml,line=9,title=sealgate schema::Deployment/prod/web: /spec/replicas"), "{g}");
        assert!(g.contains("::warning ") && g.contains("100%25"), "{g}");
    }

    /// A policy that names another file (conftest `_loc`) as the cause: the finding stays on the
    /// tested file, and every format says where from (GitHub annotates both, as conftest does).
    #[test]
    fn an_origin_in_another_file_shows_in_every_format() {
        let mut f = Finding::new(
            Severity::Error,
            "main.deny",
            "test",
            &Subject::file("data.yaml", 1),
        );
        f.origin = Some(sealgate_core::gate::Origin {
            file: "test.txt".into(),
            line: 123,
        });
        let report = Report {
            resources: vec![ResourceResult::checked(
                Subject::file("data.yaml", 1),
                vec![f],
            )],
            files: 1,
            empty: 0,
            omitted_findings: 0,
        };
        let t = text(&report, &INFO);
        assert!(
            t.starts_with("data.yaml:1 error [main.deny] test (originating from test.txt:123)\n"),
            "{t}"
        );
        let g = github(&report, &INFO);
        assert!(
            g.starts_with(
                "::error file=test.txt,line=123,title=sealgate main.deny::test\n\
                 ::error file=data.yaml,line=1,title=sealgate main.deny::(originating from test.txt:123) test\n"
            ),
            "{g}"
        );
        crate::sarif::Schema::official().assert_valid(&sarif(&report));
        let s: serde_json::Value = serde_json::from_str(&sarif(&report)).unwrap();
        let related = &s["runs"][0]["results"][0]["relatedLocations"][0]["physicalLocation"];
        assert_eq!(related["artifactLocation"]["uri"], "test.txt");
        assert_eq!(related["region"]["startLine"], 123);
        let j: serde_json::Value = serde_json::from_str(&json_report(&report, &INFO)).unwrap();
        assert_eq!(
            j["resources"][0]["findings"][0]["origin"],
            serde_json::json!({"file": "test.txt", "line": 123})
        );
    }

    #[test]
    fn tap_counts_every_resource() {
        let t = tap(&report());
        assert!(
            t.starts_with("TAP version 13\n1..3\nnot ok 1 - apps/web.yaml:3 Deployment/prod/web\n"),
            "{t}"
        );
        assert!(
            t.contains("ok 2 - apps/web.yaml:20 Deployment/prod/web # SKIP no schema"),
            "{t}"
        );
        assert!(t.contains("ok 3 - "), "{t}");
    }

    #[test]
    fn junit_is_escaped_and_counts_match() {
        let j = junit(&report());
        assert!(
            j.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""),
            "{j}"
        );
        assert!(j.contains("&lt;&amp;&gt;"), "{j}");
        assert!(!j.contains("<&>"));
    }

    #[test]
    fn sarif_is_valid_against_the_official_schema() {
        let schema = crate::sarif::Schema::official();
        let doc = schema.assert_valid(&sarif(&report()));
        assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            9
        );
        // A document that breaks the schema must be caught, so the check above can fail.
        let mut broken = doc.clone();
        broken["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!schema.is_valid(&broken));
    }
}
