//! The parallel parts of a gate run: sources parsed and documents schema-checked by the rayon
//! pool's workers over one shared, compiled `SchemaSet`, results kept in input order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use super::kustomization;
use super::parsers::{Context, Parser};
use super::report::ResourceResult;
use super::schema::SchemaSet;
use super::schema::crd::may_define_crd;
use crate::manifest::{Budget, Document, Manifest, ManifestError, Source, load};

/// One source, parsed and schema-checked: a result per document, in order.
#[derive(Debug)]
pub struct CheckedSource {
    /// The source's name (file path, or `-` for stdin).
    pub file: String,
    pub results: Vec<ResourceResult>,
    /// Empty documents (comments only, a bare `---`, `null`).
    pub empty: usize,
    /// The documents, kept only when asked for (Rego evaluates all of them together).
    pub documents: Vec<Document>,
    /// A configuration file's documents ([`Input::Config`]), or why its parser refused it.
    pub config: Option<ConfigFile>,
}

/// A file read with one of conftest's parsers: judged by policies only (no schema is about it).
#[derive(Debug)]
pub struct ConfigFile {
    pub parser: Parser,
    /// The documents conftest evaluates (empty unless documents are kept), or the parser's error.
    pub documents: Result<Vec<Value>, String>,
}

/// One input of a run. A file's text is kept from the first read only when it may define a CRD
/// (for [`register_crds`]); otherwise the worker that checks the file reads it again, so a run
/// holds the text of only `jobs` files at a time, not the whole corpus.
#[derive(Debug)]
pub enum Input {
    Read(Source),
    File {
        path: PathBuf,
        budget: Budget,
    },
    /// A configuration file that is no Kubernetes manifest (Terraform, a Dockerfile, TOML…), read
    /// with one of conftest's parsers; only policies judge it, as `conftest test` does.
    Config {
        source: Source,
        parser: Parser,
        /// The file's folder (for formats with imports) and what else its parser may read.
        context: Context,
    },
}

impl Input {
    /// Reads and checks a file (size, binary, UTF-8: errors come before any work is done).
    pub fn file(path: &Path, budget: impl Into<Budget>) -> Result<Input, ManifestError> {
        let budget = budget.into();
        let source = Source::read_path(path, budget)?;
        Ok(if may_define_crd(source.text()) {
            Input::Read(source)
        } else {
            Input::File {
                path: path.to_path_buf(),
                budget,
            }
        })
    }

    fn open(self) -> Result<Source, ManifestError> {
        match self {
            Input::Read(source) => Ok(source),
            Input::File { path, budget } => Source::read_path(&path, budget),
            Input::Config { source, .. } => Ok(source),
        }
    }
}

/// Every input parsed and schema-checked, in input order, on the current rayon pool. Unless
/// `keep_documents`, an input's documents are dropped as soon as they are checked, and with them
/// its text: a run holds the findings of every document but the parsed documents of only `jobs`
/// inputs at a time (parsed documents take ~15x the memory of their text). Workers take whole
/// inputs; fewer inputs than workers (one big stream on stdin) are read one by one with their
/// documents checked in parallel instead; never both, so a worker waiting on its own documents
/// does not pick up another input and hold it too.
pub fn check_sources(
    inputs: Vec<Input>,
    schemas: &SchemaSet,
    jobs: usize,
    keep_documents: bool,
) -> Vec<Result<CheckedSource, ManifestError>> {
    let check = |input: Input, parallel_documents: bool| {
        if let Input::Config {
            source,
            parser,
            context,
        } = input
        {
            let documents = parser
                .documents(source.text(), &context)
                .map(|docs| if keep_documents { docs } else { Vec::new() })
                .map_err(|e| format!("{e:#}"));
            return Ok(CheckedSource {
                file: source.name().to_owned(),
                results: Vec::new(),
                empty: 0,
                documents: Vec::new(),
                config: Some(ConfigFile { parser, documents }),
            });
        }
        let source = input.open()?;
        let file = source.name().to_owned();
        let manifest = load(source)?;
        let results = if parallel_documents {
            check_schemas(&manifest.documents, schemas)
        } else {
            manifest
                .documents
                .iter()
                .map(|d| check_document(d, schemas))
                .collect()
        };
        let documents = if keep_documents {
            manifest.documents
        } else {
            Vec::new()
        };
        Ok(CheckedSource {
            file,
            results,
            empty: manifest.empty,
            documents,
            config: None,
        })
    };
    if inputs.len() >= jobs {
        inputs.into_par_iter().map(|i| check(i, false)).collect()
    } else {
        inputs.into_iter().map(|i| check(i, true)).collect()
    }
}

/// Registers the CRDs found in the inputs (the inputs validate against their own CRDs, wherever
/// they appear), parsing only those that may hold one. Inputs that do not parse are passed over
/// here; `check_sources` reports them.
pub fn register_crds(schemas: &mut SchemaSet, inputs: &[Input]) {
    let manifests: Vec<Result<Manifest, ManifestError>> = inputs
        .par_iter()
        .filter_map(|i| match i {
            Input::Read(source) if may_define_crd(source.text()) => Some(load(source.clone())),
            _ => None,
        })
        .collect();
    for manifest in manifests.into_iter().flatten() {
        schemas.add_crds_from(&manifest.documents);
    }
}

/// One result per document, in input order, on the current rayon pool; schemas compile once, on
/// first use, whichever worker gets there first.
pub fn check_schemas(docs: &[Document], schemas: &SchemaSet) -> Vec<ResourceResult> {
    docs.par_iter()
        .map(|doc| check_document(doc, schemas))
        .collect()
}

/// One document's schema verdict: kustomize's own files against kustomize's schema, everything
/// else against the Kubernetes, CRD and location schemas.
fn check_document(doc: &Document, schemas: &SchemaSet) -> ResourceResult {
    if kustomization::applies(doc) {
        kustomization::check(doc, schemas.strict())
    } else {
        schemas.check(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Status;
    use crate::gate::schema::SchemaOptions;
    use crate::manifest::{Source, load};

    /// `f` on a pool of `threads` workers, as the `Validator` runs it.
    fn on_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    #[test]
    fn parallel_results_keep_input_order_and_match_sequential() {
        let mut text = String::new();
        for i in 0..200 {
            let replicas = if i % 7 == 0 {
                "\"x\"".to_owned()
            } else {
                i.to_string()
            };
            text.push_str(&format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: {replicas}\n  selector: {{}}\n  template: {{}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"));
        }
        let docs = load(Source::from_text("many.yaml", text))
            .unwrap()
            .documents;
        let set = SchemaSet::new(SchemaOptions::default()).unwrap();
        let seq = on_pool(1, || check_schemas(&docs, &set));
        let par = on_pool(4, || check_schemas(&docs, &set));
        assert_eq!(seq.len(), 400);
        for (a, b) in seq.iter().zip(&par) {
            assert_eq!(
                (a.status, &a.subject, &a.findings),
                (b.status, &b.subject, &b.findings)
            );
        }
        let invalid = par
            .iter()
            .filter(|r| r.status == crate::gate::Status::Invalid)
            .count();
        assert_eq!(invalid, 29);
    }

    #[test]
    fn files_are_read_again_by_their_worker_unless_they_may_hold_a_crd() {
        let dir = tempfile::tempdir().unwrap();
        let (plain, crd) = (dir.path().join("cm.yaml"), dir.path().join("crd.yaml"));
        std::fs::write(
            &plain,
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        )
        .unwrap();
        std::fs::write(
            &crd,
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n",
        )
        .unwrap();
        let inputs = [
            Input::file(&plain, 1024_u64).unwrap(),
            Input::file(&crd, 1024_u64).unwrap(),
        ];
        assert!(
            matches!(&inputs[0], Input::File { path, .. } if *path == plain),
            "{inputs:?}"
        );
        assert!(
            matches!(&inputs[1], Input::Read(source) if source.name() == crd.display().to_string()),
            "{inputs:?}"
        );
        let set = SchemaSet::new(SchemaOptions::default()).unwrap();
        let checked = on_pool(2, || check_sources(inputs.into(), &set, 2, false));
        assert_eq!(
            checked[0].as_ref().unwrap().results[0].status,
            Status::Valid
        );
        assert!(matches!(
            Input::file(&plain, 8_u64),
            Err(ManifestError::TooLarge { .. })
        ));
    }

    /// A CRD in a later file (its kind even spelled with escapes) still gives the custom
    /// resources of an earlier file their schema, though sources are checked as they stream by.
    #[test]
    fn streamed_sources_see_crds_from_any_file() {
        let crd = crate::gate::schema::tests::WIDGET_CRD.replace(
            "kind: CustomResourceDefinition",
            r#"kind: "Custom\u0052esourceDefinition""#,
        );
        assert!(crd.contains("Custom\\u0052esource") && !crd.contains("CustomResourceDefinition"));
        let widgets = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\nspec: {size: 3}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: b}\nspec: {}\n";
        let inputs = || {
            [
                ("a.yaml", widgets),
                ("b.yaml", widgets),
                ("z.yaml", crd.as_str()),
            ]
            .map(|(name, text)| Input::Read(Source::from_text(name, text)))
        };
        assert!(!may_define_crd(widgets) && may_define_crd(&crd));
        for (jobs, keep) in [(1, false), (2, false), (4, true)] {
            let mut set = SchemaSet::new(SchemaOptions {
                strict: true,
                ..SchemaOptions::default()
            })
            .unwrap();
            on_pool(jobs, || register_crds(&mut set, &inputs()));
            let checked: Vec<CheckedSource> =
                on_pool(jobs, || check_sources(inputs().into(), &set, jobs, keep))
                    .into_iter()
                    .map(Result::unwrap)
                    .collect();
            let statuses: Vec<Vec<Status>> = checked
                .iter()
                .map(|c| c.results.iter().map(|r| r.status).collect())
                .collect();
            assert_eq!(
                statuses,
                [
                    vec![Status::Valid, Status::Invalid],
                    vec![Status::Valid, Status::Invalid],
                    vec![Status::Valid]
                ],
                "jobs {jobs}"
            );
            let kept: Vec<usize> = checked.iter().map(|c| c.documents.len()).collect();
            assert_eq!(kept, if keep { [2, 2, 1] } else { [0, 0, 0] });
        }
    }
}
