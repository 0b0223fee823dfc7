//! The parallel parts of a gate run: sources parsed and documents schema-checked by N workers
//! over one shared, compiled `SchemaSet`, results kept in input order.

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

/// Every source parsed and schema-checked, in input order. Unless `keep_documents`, a source's
/// documents are dropped as soon as they are checked, and with them its text: a run holds the
/// findings of every document but the parsed documents of only `jobs` sources at a time (parsed
/// documents take ~15x the memory of their text). Workers take whole sources; fewer sources
/// than workers (one big stream on stdin) are read one by one with their documents checked in
/// parallel instead.
pub fn check_sources(sources: Vec<Source>, schemas: &SchemaSet, jobs: usize, keep_documents: bool) -> Vec<Result<CheckedSource, ManifestError>> {
    let per_source = sources.len() >= jobs;
    let (outer, inner) = if per_source { (jobs, 1) } else { (1, jobs) };
    let slots: Vec<Slot> = sources.into_iter().map(|s| Slot { name: s.name().to_owned(), source: Mutex::new(Some(s)) }).collect();
    parallel_map(&slots, outer, |slot| {
        let taken = slot.source.lock().unwrap_or_else(PoisonError::into_inner).take();
        let Some(source) = taken else {
            // Only a worker that panicked on this source leaves it taken without a result.
            let source = std::io::Error::other("a worker thread panicked while checking it");
            return Err(ManifestError::Io { file: slot.name.clone(), source });
        };
        let manifest = load(source)?;
        let results = check_schemas(&manifest.documents, schemas, inner);
        let documents = if keep_documents { manifest.documents } else { Vec::new() };
        Ok(CheckedSource { results, empty: manifest.empty, documents })
    })
}

/// A source waiting for its worker, which takes it (so its text is freed with its documents).
struct Slot {
    name: String,
    source: Mutex<Option<Source>>,
}

/// Registers the CRDs found in the sources (the inputs validate against their own CRDs, wherever
/// they appear), parsing only the sources that may hold one. Sources that do not parse are
/// passed over here; `check_sources` reports them.
pub fn register_crds(schemas: &mut SchemaSet, sources: &[Source], jobs: usize) {
    let candidates: Vec<Source> = sources.iter().filter(|s| may_define_crd(s.text())).cloned().collect();
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
        workers.into_iter().map(|w| w.join().unwrap_or_default()).collect()
    });
    let mut slots: Vec<Option<R>> = Vec::new();
    slots.resize_with(items.len(), || None);
    for (i, result) in parts.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(result);
        }
    }
    // A worker that panicked leaves holes; compute those here rather than lose them.
    slots.into_iter().zip(items).map(|(r, item)| r.unwrap_or_else(|| f(item))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::schema::SchemaOptions;
    use crate::manifest::{Source, load};

    #[test]
    fn parallel_results_keep_input_order_and_match_sequential() {
        let mut text = String::new();
        for i in 0..200 {
            let replicas = if i % 7 == 0 { "\"x\"".to_owned() } else { i.to_string() };
            text.push_str(&format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: {replicas}\n  selector: {{}}\n  template: {{}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"));
        }
        let docs = load(Source::from_text("many.yaml", text)).unwrap().documents;
        let set = SchemaSet::new(SchemaOptions::default()).unwrap();
        let seq = check_schemas(&docs, &set, 1);
        let par = check_schemas(&docs, &set, 4);
        assert_eq!(seq.len(), 400);
        for (a, b) in seq.iter().zip(&par) {
            assert_eq!((a.status, &a.subject, &a.findings), (b.status, &b.subject, &b.findings));
        }
        let invalid = par.iter().filter(|r| r.status == crate::gate::Status::Invalid).count();
        assert_eq!(invalid, 29);
    }
}
