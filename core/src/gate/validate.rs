//! The parallel parts of a gate run: sources parsed and documents schema-checked by N workers
//! over one shared, compiled `SchemaSet`, results kept in input order.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::report::ResourceResult;
use super::schema::SchemaSet;
use super::schema::crd::may_define_crd;
use crate::manifest::{Document, Manifest, ManifestError, Source, load};

/// One source, parsed and schema-checked: a result per document, in order.
#[derive(Debug)]
pub struct CheckedSource {
    pub results: Vec<ResourceResult>,
    /// Empty documents (comments only, a bare `---`, `null`).
    pub empty: usize,
    /// The documents, kept only when asked for (Rego evaluates all of them together).
    pub documents: Vec<Document>,
}

/// One input of a run. A file's text is kept from the first read only when it may define a CRD
/// (for [`register_crds`]); otherwise the worker that checks the file reads it again, so a run
/// holds the text of only `jobs` files at a time, not the whole corpus.
#[derive(Debug)]
pub enum Input {
    Read(Source),
    File { path: PathBuf, max_bytes: u64 },
}

impl Input {
    /// Reads and checks a file (size, binary, UTF-8: errors come before any work is done).
    pub fn file(path: &Path, max_bytes: u64) -> Result<Input, ManifestError> {
        let source = Source::read_path(path, max_bytes)?;
        Ok(if may_define_crd(source.text()) {
            Input::Read(source)
        } else {
            Input::File {
                path: path.to_path_buf(),
                max_bytes,
            }
        })
    }

    fn name(&self) -> String {
        match self {
            Input::Read(source) => source.name().to_owned(),
            Input::File { path, .. } => path.display().to_string(),
        }
    }

    fn open(self) -> Result<Source, ManifestError> {
        match self {
            Input::Read(source) => Ok(source),
            Input::File { path, max_bytes } => Source::read_path(&path, max_bytes),
        }
    }
}

/// Every input parsed and schema-checked, in input order. Unless `keep_documents`, an input's
/// documents are dropped as soon as they are checked, and with them its text: a run holds the
/// findings of every document but the parsed documents of only `jobs` inputs at a time (parsed
/// documents take ~15x the memory of their text). Workers take whole inputs; fewer inputs
/// than workers (one big stream on stdin) are read one by one with their documents checked in
/// parallel instead.
pub fn check_sources(
    inputs: Vec<Input>,
    schemas: &SchemaSet,
    jobs: usize,
    keep_documents: bool,
) -> Vec<Result<CheckedSource, ManifestError>> {
    let per_source = inputs.len() >= jobs;
    let (outer, inner) = if per_source { (jobs, 1) } else { (1, jobs) };
    let slots: Vec<Slot> = inputs
        .into_iter()
        .map(|i| Slot {
            name: i.name(),
            input: Mutex::new(Some(i)),
        })
        .collect();
    parallel_map(&slots, outer, |slot| {
        let taken = slot
            .input
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(input) = taken else {
            // Only a worker that panicked on this input leaves it taken without a result.
            let source = std::io::Error::other("a worker thread panicked while checking it");
            return Err(ManifestError::Io {
                file: slot.name.clone(),
                source,
            });
        };
        let manifest = load(input.open()?)?;
        let results = check_schemas(&manifest.documents, schemas, inner);
        let documents = if keep_documents {
            manifest.documents
        } else {
            Vec::new()
        };
        Ok(CheckedSource {
            results,
            empty: manifest.empty,
            documents,
        })
    })
}

/// An input waiting for its worker, which takes it (so its text is freed with its documents).
struct Slot {
    name: String,
    input: Mutex<Option<Input>>,
}

/// Registers the CRDs found in the inputs (the inputs validate against their own CRDs, wherever
/// they appear), parsing only those that may hold one. Inputs that do not parse are passed over
/// here; `check_sources` reports them.
pub fn register_crds(schemas: &mut SchemaSet, inputs: &[Input], jobs: usize) {
    let candidates: Vec<Source> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Read(source) if may_define_crd(source.text()) => Some(source.clone()),
            _ => None,
        })
        .collect();
    for manifest in load_all(&candidates, jobs).into_iter().flatten() {
        schemas.add_crds_from(&manifest.documents);
    }
}

/// One result per document, in input order. `jobs` workers (at least 1) take small contiguous
/// chunks; schemas compile once, on first use, whichever worker gets there first.
pub fn check_schemas(docs: &[Document], schemas: &SchemaSet, jobs: usize) -> Vec<ResourceResult> {
    parallel_map(docs, jobs, |doc| schemas.check(doc))
}

/// Every source parsed into documents, in input order, `jobs` files at a time.
pub fn load_all(sources: &[Source], jobs: usize) -> Vec<Result<Manifest, ManifestError>> {
    parallel_map(sources, jobs, |source| load(source.clone()))
}

/// `items.iter().map(f)` on `jobs` threads, results in input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.is_empty() {
        return Vec::new();
    }
    let jobs = jobs.clamp(1, items.len());
    if jobs == 1 {
        return items.iter().map(f).collect();
    }
    // Small chunks balance the load when some items are much bigger than others.
    let chunk = items.len().div_ceil(jobs * 8).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(chunk, std::sync::atomic::Ordering::Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        let end = (start + chunk).min(items.len());
                        for (i, item) in items[start..end].iter().enumerate() {
                            out.push((start + i, f(item)));
                        }
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut slots: Vec<Option<R>> = Vec::new();
    slots.resize_with(items.len(), || None);
    for (i, result) in parts.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(result);
        }
    }
    // A worker that panicked leaves holes; compute those here rather than lose them.
    slots
        .into_iter()
        .zip(items)
        .map(|(r, item)| r.unwrap_or_else(|| f(item)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Status;
    use crate::gate::schema::SchemaOptions;
    use crate::manifest::{Source, load};

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
        let seq = check_schemas(&docs, &set, 1);
        let par = check_schemas(&docs, &set, 4);
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
        let dir =
            std::env::temp_dir().join(format!("sealgate-validate-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (plain, crd) = (dir.join("cm.yaml"), dir.join("crd.yaml"));
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
            Input::file(&plain, 1024).unwrap(),
            Input::file(&crd, 1024).unwrap(),
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
        let checked = check_sources(inputs.into(), &set, 2, false);
        assert_eq!(
            checked[0].as_ref().unwrap().results[0].status,
            Status::Valid
        );
        assert!(matches!(
            Input::file(&plain, 8),
            Err(ManifestError::TooLarge { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
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
            register_crds(&mut set, &inputs(), jobs);
            let checked: Vec<CheckedSource> = check_sources(inputs().into(), &set, jobs, keep)
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
