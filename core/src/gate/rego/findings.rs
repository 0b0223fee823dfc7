//! Policy results as gate findings: manifest documents in, [`Finding`]s with file and line out.

use crate::gate::{Finding, Severity, Subject};
use crate::manifest::Document;

use super::{Evaluation, InputDoc, Level, PolicyFinding, RegoError, RegoGate};

impl Level {
    /// conftest deny/violation and Gatekeeper deny fail the run; warn warns; Gatekeeper dryrun is a note.
    pub fn severity(self) -> Severity {
        match self {
            Level::Failure => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::DryRun => Severity::Note,
        }
    }
}

impl PolicyFinding {
    /// The gate finding, attributed to `doc` (or to a policy-chosen `_loc`, which wins).
    pub fn to_finding(&self, doc: Option<&Document>) -> Finding {
        let subject = match doc {
            Some(d) => Subject::of(d),
            None => Subject::file("(combined input)", 0),
        };
        let mut finding = Finding::new(
            self.level.severity(),
            &self.policy,
            self.message.clone(),
            &subject,
        );
        if let Some((file, line)) = &self.location {
            if !file.is_empty() {
                finding.file = file.clone();
            }
            if *line > 0 {
                finding.line = *line;
            }
        }
        finding
    }
}

impl RegoGate {
    /// Evaluates manifest documents (compiled once, `jobs` workers) and returns their findings in
    /// document order, followed by those of the combined input in `--combine` mode.
    pub fn check_documents(
        &self,
        docs: &[Document],
        jobs: usize,
    ) -> Result<(Vec<Finding>, Evaluation), RegoError> {
        let inputs: Vec<InputDoc<'_>> = docs
            .iter()
            .map(|d| InputDoc {
                file: d.file(),
                line: d.line(),
                value: d.value(),
            })
            .collect();
        let eval = self.evaluate(&inputs, jobs)?;
        let mut findings = Vec::new();
        for (doc, outcome) in docs.iter().zip(&eval.docs) {
            findings.extend(outcome.findings.iter().map(|f| f.to_finding(Some(doc))));
        }
        if let Some(c) = &eval.combined {
            findings.extend(c.findings.iter().map(|f| f.to_finding(None)));
        }
        Ok((findings, eval))
    }
}
