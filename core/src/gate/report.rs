//! The outcome of one gate run: a verdict per resource, its findings, and the counts behind the summary line.

use serde::Serialize;

use super::finding::{Finding, Severity, Subject};

/// Verdict for one resource, in kubeconform's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Checked, no error findings (warnings and notes allowed).
    Valid,
    /// Checked, at least one error finding.
    Invalid,
    /// Not checked, on purpose (`--ignore-missing-schemas`, a skipped kind); says why.
    Skipped,
    /// Could not be checked: unreadable YAML, not an object, no `kind`/`apiVersion`, …
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceResult {
    #[serde(flatten)]
    pub subject: Subject,
    pub status: Status,
    /// Why a resource was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub findings: Vec<Finding>,
}

impl ResourceResult {
    /// Status follows from the findings: any error → invalid, else valid.
    pub fn checked(subject: Subject, findings: Vec<Finding>) -> ResourceResult {
        let status = if findings.iter().any(|f| f.severity == Severity::Error) {
            Status::Invalid
        } else {
            Status::Valid
        };
        ResourceResult {
            subject,
            status,
            reason: None,
            findings,
        }
    }

    pub fn skipped(
        subject: Subject,
        reason: impl Into<String>,
        findings: Vec<Finding>,
    ) -> ResourceResult {
        ResourceResult {
            subject,
            status: Status::Skipped,
            reason: Some(reason.into()),
            findings,
        }
    }

    pub fn error(subject: Subject, finding: Finding) -> ResourceResult {
        ResourceResult {
            subject,
            status: Status::Error,
            reason: None,
            findings: vec![finding],
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub files: usize,
    pub resources: usize,
    pub valid: usize,
    pub invalid: usize,
    pub errors: usize,
    pub skipped: usize,
    /// Empty documents (only comments, a bare `---`, `null`): counted, never validated.
    pub empty: usize,
    pub error_findings: usize,
    pub warning_findings: usize,
    pub note_findings: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub resources: Vec<ResourceResult>,
    pub files: usize,
    pub empty: usize,
    /// Findings dropped by [`Report::cap_findings`] (their resources keep their verdicts).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_findings: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.resources.iter().flat_map(|r| r.findings.iter())
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            files: self.files,
            resources: self.resources.len(),
            empty: self.empty,
            ..Counts::default()
        };
        for r in &self.resources {
            match r.status {
                Status::Valid => c.valid += 1,
                Status::Invalid => c.invalid += 1,
                Status::Skipped => c.skipped += 1,
                Status::Error => c.errors += 1,
            }
        }
        for f in self.findings() {
            match f.severity {
                Severity::Error => c.error_findings += 1,
                Severity::Warning => c.warning_findings += 1,
                Severity::Note => c.note_findings += 1,
            }
        }
        c
    }

    /// True when the run must fail (exit 1): any invalid or unreadable resource, or, with
    /// `fail_on_warn`, any warning.
    pub fn failed(&self, fail_on_warn: bool) -> bool {
        let c = self.counts();
        c.invalid > 0
            || c.errors > 0
            || c.error_findings > 0
            || (fail_on_warn && c.warning_findings > 0)
    }

    /// Keeps the first `max` findings in report order and drops the rest, counting them in
    /// `omitted_findings`: a file with a million bad lines must not print a million lines.
    /// Verdicts (and so the exit code) are unchanged.
    pub fn cap_findings(&mut self, max: usize) {
        let mut left = max;
        for r in &mut self.resources {
            let keep = r.findings.len().min(left);
            left -= keep;
            self.omitted_findings += r.findings.len() - keep;
            r.findings.truncate(keep);
        }
    }

    /// Orders resources by file, then line, so output is stable whatever the worker count.
    pub fn sort(&mut self) {
        // Results usually arrive in order already; the stable sort would copy them all once more.
        fn key(r: &ResourceResult) -> (&str, usize) {
            (&r.subject.file, r.subject.line)
        }
        if !self.resources.is_sorted_by(|a, b| key(a) <= key(b)) {
            self.resources.sort_by(|a, b| key(a).cmp(&key(b)));
        }
        for r in &mut self.resources {
            r.findings.sort_by(|a, b| {
                (a.subject.line, a.severity, &a.check, &a.message).cmp(&(
                    b.subject.line,
                    b.severity,
                    &b.check,
                    &b.message,
                ))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::finding::check;

    fn subject(file: &str, line: usize) -> Subject {
        Subject {
            kind: Some("Pod".into()),
            name: Some("p".into()),
            ..Subject::file(file, line)
        }
    }

    #[test]
    fn counts_and_verdicts() {
        let s = subject("a.yaml", 1);
        let warn = Finding::new(Severity::Warning, check::YAML11_BOOLEAN, "w", &s);
        let err = Finding::new(Severity::Error, check::SCHEMA, "e", &s);
        let mut report = Report {
            resources: vec![
                ResourceResult::checked(subject("b.yaml", 3), vec![err.clone()]),
                ResourceResult::checked(s.clone(), vec![warn.clone()]),
                ResourceResult::skipped(subject("a.yaml", 9), "no schema", vec![]),
            ],
            files: 2,
            empty: 1,
            omitted_findings: 0,
        };
        let c = report.counts();
        assert_eq!(
            (
                c.resources,
                c.valid,
                c.invalid,
                c.skipped,
                c.empty,
                c.errors
            ),
            (3, 1, 1, 1, 1, 0)
        );
        assert_eq!((c.error_findings, c.warning_findings), (1, 1));
        assert!(report.failed(false));
        report.resources.remove(0);
        assert!(!report.failed(false));
        assert!(report.failed(true));
        report
            .resources
            .push(ResourceResult::error(subject("0.yaml", 0), err));
        report.sort();
        assert_eq!(report.resources[0].subject.file, "0.yaml");
        assert!(report.failed(false));
    }

    #[test]
    fn capped_findings_keep_verdicts() {
        let s = subject("a.yaml", 1);
        let err = Finding::new(Severity::Error, check::SCHEMA, "e", &s);
        let mut report = Report {
            resources: vec![
                ResourceResult::checked(s.clone(), vec![err.clone(), err.clone()]),
                ResourceResult::checked(subject("b.yaml", 1), vec![err.clone(), err]),
            ],
            ..Report::default()
        };
        report.cap_findings(3);
        assert_eq!(report.findings().count(), 3);
        assert_eq!(report.omitted_findings, 1);
        assert_eq!(report.counts().invalid, 2);
        assert!(report.failed(false));
    }
}
