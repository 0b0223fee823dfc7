//! The built-in multi-cluster check of `validate`: a SealedSecret in a file the repository
//! config (`.sealgate.yaml`) gives to one cluster, but sealed for another certificate. It is on
//! whenever a config is found upwards from the working directory (or named with `--config`), and
//! knows the certificates the config gives as files (validate does not go to the network).
//!
//! The blob has no key id, so two signs are read: the `sealgate.dev/sealed-for` hint that
//! sealgate writes when it seals (an error when it names another known cluster's certificate),
//! and each item's RSA block length, which is the sealing key's modulus size (an error when it
//! differs from the cluster's certificate). kubeseal's output has no hint and is judged by size.

use std::path::{Path, PathBuf};

use sealgate_core::gate::{Finding, Report, ResourceResult, Severity, Status, Subject};
use sealgate_core::manifest::push_pointer_segment;
use sealgate_core::seal::{SEALED_FOR_ANNOTATION, block_bytes_for, rsa_block_bytes};

use crate::cert_source::CertSource;
use crate::error::CliError;
use crate::repo_config::{self, RepoConfig};
use crate::sealed_file::{self, SealedDoc};

/// The check's name on every finding it makes.
pub const CHECK: &str = "sealed-for-cluster";

/// A cluster whose certificate is known: its fingerprint and RSA block size.
struct Known {
    name: String,
    fingerprint: String,
    block: usize,
}

/// The repository config and the certificates it makes known.
pub struct ClusterCheck {
    config: RepoConfig,
    /// One entry per cluster of the config, in its order; `None` when not a file.
    known: Vec<Option<Known>>,
}

/// The check, when `--config` names a config or one is found upwards from the working
/// directory; `None` otherwise. A wrong config or an unreadable cert file is an error.
pub fn load(explicit: Option<&Path>) -> Result<Option<ClusterCheck>, CliError> {
    let file = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let cwd = std::env::current_dir().map_err(|e| CliError::read(".", e))?;
            match repo_config::find(&cwd) {
                Some(found) => found,
                None => return Ok(None),
            }
        }
    };
    let config = repo_config::load(&file)?;
    let known = config
        .clusters
        .iter()
        .map(|cluster| match &cluster.cert {
            CertSource::File(_) => {
                let (cert, _) = cluster
                    .cert
                    .inspect_cert()
                    .map_err(|e| repo_config::in_cluster(e, &cluster.name, &file))?;
                Ok(Some(Known {
                    name: cluster.name.clone(),
                    fingerprint: cert.fingerprint().to_owned(),
                    block: block_bytes_for(&cert),
                }))
            }
            _ => Ok(None),
        })
        .collect::<Result<_, CliError>>()?;
    Ok(Some(ClusterCheck { config, known }))
}

impl ClusterCheck {
    /// Adds a finding to each SealedSecret of `files` sealed for another cluster's certificate.
    pub fn apply(&self, files: &[PathBuf], report: &mut Report) {
        for file in files {
            let mut owners = self
                .config
                .clusters
                .iter()
                .enumerate()
                .filter(|(_, c)| self.config.allows(file, &c.name));
            // a file that no rule, or several clusters' rules, give to one cluster is not checked
            let (Some((index, _)), None) = (owners.next(), owners.next()) else {
                continue;
            };
            // unreadable or broken files are already the validator's findings
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let Ok(sealed) = sealed_file::parse(&text) else {
                continue;
            };
            let shown = file.display().to_string();
            for doc in &sealed.sealed {
                if let Some(finding) = self.judge(index, doc, &shown, &text) {
                    attach(report, finding);
                }
            }
        }
    }

    /// The finding for one SealedSecret of cluster `index`'s file, if it was sealed for another.
    fn judge(&self, index: usize, doc: &SealedDoc, shown: &str, text: &str) -> Option<Finding> {
        let cluster = &self.config.clusters[index].name;
        let own = self.known[index].as_ref();
        let subject = Subject {
            kind: Some("SealedSecret".to_owned()),
            namespace: doc.meta.namespace.clone(),
            name: doc.meta.name.clone(),
            ..Subject::file(shown, doc.line)
        };
        let own_shown = own.map_or_else(String::new, |k| format!(" ({})", k.fingerprint));
        let hint = doc.meta.annotations.get(SEALED_FOR_ANNOTATION);
        if let Some(hint) = hint
            && own.is_none_or(|k| &k.fingerprint != hint)
            && let Some(other) = self
                .known
                .iter()
                .flatten()
                .find(|k| &k.fingerprint == hint && &k.name != cluster)
        {
            let mut finding = Finding::new(
                Severity::Error,
                CHECK,
                format!(
                    "sealed for cluster {}'s certificate ({hint}), but the path rules give this file to cluster {cluster}{own_shown}: the controller there cannot open it; re-seal it for {cluster} (sealgate reencrypt --cluster {cluster})",
                    other.name
                ),
                &subject,
            );
            let mut pointer = String::from("/metadata/annotations");
            push_pointer_segment(&mut pointer, SEALED_FOR_ANNOTATION);
            finding.subject.line = doc
                .sealed_for
                .as_ref()
                .map_or(doc.line, |h| line_of(text, h.value_span.0));
            finding.path = Some(pointer);
            return Some(finding);
        }
        let own = own?;
        let wrong: Vec<(&str, usize)> = doc
            .encrypted
            .iter()
            .flat_map(|e| e.items.iter())
            .chain(doc.legacy.iter())
            .filter_map(|item| {
                let block = rsa_block_bytes(&item.value)?;
                (block != own.block).then_some((item.key.as_str(), block))
            })
            .collect();
        let (first, first_block) = *wrong.first()?;
        let names: Vec<String> = wrong.iter().map(|(k, _)| format!("{k:?}")).collect();
        let same_size: Vec<&str> = self
            .known
            .iter()
            .flatten()
            .filter(|k| k.block == first_block && &k.name != cluster)
            .map(|k| k.name.as_str())
            .collect();
        let whose = match same_size.as_slice() {
            [] => String::new(),
            [one] => format!(" (the key size of cluster {one})"),
            many => format!(" (the key size of clusters {})", many.join(", ")),
        };
        let mut finding = Finding::new(
            Severity::Error,
            CHECK,
            format!(
                "{} sealed for a {}-bit RSA key{whose}, but the path rules give this file to cluster {cluster}, whose certificate{own_shown} has a {}-bit key: the controller there cannot open it; re-seal it for {cluster}",
                if names.len() == 1 {
                    format!("item {} was", names[0])
                } else {
                    format!("items {} were", names.join(", "))
                },
                first_block * 8,
                own.block * 8
            ),
            &subject,
        );
        let mut pointer = String::from("/spec/encryptedData");
        push_pointer_segment(&mut pointer, first);
        finding.path = Some(pointer);
        Some(finding)
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// Puts the finding on the validator's result for the same object, which it makes invalid.
fn attach(report: &mut Report, finding: Finding) {
    let wanted = &finding.subject;
    let same = |r: &&mut ResourceResult| {
        r.subject.file == wanted.file
            && r.subject.kind.as_deref() == Some("SealedSecret")
            && r.subject.name == wanted.name
            && r.subject.namespace == wanted.namespace
    };
    match report.resources.iter_mut().find(same) {
        Some(result) => {
            if result.status == Status::Valid {
                result.status = Status::Invalid;
            }
            result.findings.push(finding);
        }
        None => {
            let subject = finding.subject.clone();
            report
                .resources
                .push(ResourceResult::checked(subject, vec![finding]));
        }
    }
}
