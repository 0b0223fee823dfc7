//! A finding: one thing wrong with one resource (or one file), with where it is and who found it.
//!
//! Findings are data, not errors: schema violations, policy results and YAML diagnostics all
//! become `Finding`s, and every output format (text, JSON, SARIF, …) renders the same list.

use serde::Serialize;

use crate::manifest::Document;

/// How much a finding counts. Errors fail the run; warnings fail it only with `--fail-on-warn`;
/// notes (Gatekeeper `dryrun`) never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Which check a finding comes from (kept short: it is printed on every line and is the SARIF rule id).
pub mod check {
    /// JSON Schema validation of the resource.
    pub const SCHEMA: &str = "schema";
    /// The input could not be read as YAML/JSON, or a document is not a Kubernetes object.
    pub const PARSE: &str = "parse";
    /// A key appears twice in one mapping.
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    /// An unquoted YAML 1.1 boolean word (`yes`, `no`, `on`, `off`, `y`, `n`).
    pub const YAML11_BOOLEAN: &str = "yaml11-boolean";
    /// No schema is known for the resource's kind.
    pub const MISSING_SCHEMA: &str = "missing-schema";
}

/// Who the finding is about: the object's identity, as far as the document tells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub file: String,
    /// 1-based line where the object starts (0 when a whole file is concerned and has no line).
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Subject {
    pub fn of(doc: &Document) -> Subject {
        Subject {
            file: doc.file().to_owned(),
            line: doc.line(),
            api_version: doc.api_version().map(str::to_owned),
            kind: doc.kind().map(str::to_owned),
            namespace: doc.namespace().map(str::to_owned),
            // An object named by the API server (`generateName`) is shown as kubeconform shows it.
            name: doc.name().map(str::to_owned).or_else(|| {
                let generate = doc.value().get("metadata")?.get("generateName")?.as_str()?;
                Some(format!("{generate}{{{{ generateName }}}}"))
            }),
        }
    }

    pub fn file(file: &str, line: usize) -> Subject {
        Subject {
            file: file.to_owned(),
            line,
            ..Subject::default()
        }
    }

    /// `Kind/namespace/name`, as precise as the object allows (`Deployment/web`, `Pod/ns/x`).
    pub fn display_name(&self) -> String {
        let mut out = self.kind.clone().unwrap_or_else(|| "<no kind>".to_owned());
        if let Some(ns) = &self.namespace {
            out.push('/');
            out.push_str(ns);
        }
        out.push('/');
        out.push_str(self.name.as_deref().unwrap_or("<no name>"));
        out
    }
}

/// One thing wrong with one object (or file). `subject` says which, at the line the finding
/// points at (the offending field's when known, else the object's first line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `schema`, `parse`, … (see [`check`]) or a policy id such as `main.deny_latest`.
    pub check: String,
    pub message: String,
    #[serde(flatten)]
    pub subject: Subject,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// JSON pointer of the offending value inside the object, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where a policy says the problem originates, when that is another file than the subject's
    /// (conftest's `_loc`): the finding stays on the file that was tested, as in conftest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A position in another file than a finding's subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: String,
    /// 1-based; 0 when the policy gave no line.
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}", self.file, self.line)
        } else {
            f.write_str(&self.file)
        }
    }
}

impl Finding {
    /// A finding about a whole object, at its first line.
    pub fn new(
        severity: Severity,
        check: &str,
        message: impl Into<String>,
        subject: &Subject,
    ) -> Finding {
        Finding {
            severity,
            check: check.to_owned(),
            message: message.into(),
            subject: subject.clone(),
            column: None,
            path: None,
            origin: None,
        }
    }

    /// A finding about the value at `pointer` inside `doc`, with the line of that value's key
    /// (or of its nearest existing ancestor).
    pub fn at(
        severity: Severity,
        check: &str,
        message: impl Into<String>,
        doc: &Document,
        pointer: &str,
    ) -> Finding {
        let mut finding = Finding::new(severity, check, message, &Subject::of(doc));
        finding.subject.line = doc.line_of(pointer);
        if !pointer.is_empty() {
            finding.path = Some(pointer.to_owned());
        }
        finding
    }

    /// `Kind/namespace/name` of the object, if the finding is about one (not about a whole file).
    pub fn object(&self) -> Option<String> {
        self.subject
            .kind
            .is_some()
            .then(|| self.subject.display_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Source, load};

    #[test]
    fn finding_at_a_pointer_uses_the_key_line() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  replicas: \"3\"\n";
        let m = load(Source::from_text("d.yaml", text)).unwrap();
        let f = Finding::at(
            Severity::Error,
            check::SCHEMA,
            "bad",
            &m.documents[0],
            "/spec/replicas",
        );
        assert_eq!((f.subject.file.as_str(), f.subject.line), ("d.yaml", 7));
        assert_eq!(f.object().as_deref(), Some("Deployment/prod/web"));
        assert_eq!(f.path.as_deref(), Some("/spec/replicas"));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["severity"], "error");
        assert!(json.get("column").is_none());
    }
}
