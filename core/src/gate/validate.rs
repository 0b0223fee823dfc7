//! The parallel parts of a gate run: sources parsed and documents schema-checked by N workers
//! over one shared, compiled `SchemaSet`, results kept in input order.

use super::report::ResourceResult;
use super::schema::SchemaSet;
use crate::manifest::{Document, Manifest, ManifestError, Source, load};

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
