//! Schema checks over many documents in parallel: one shared, compiled `SchemaSet`, N workers.

use super::report::ResourceResult;
use super::schema::SchemaSet;
use crate::manifest::Document;

/// One result per document, in input order. `jobs` workers (at least 1) take contiguous chunks;
/// schemas compile once, on first use, whichever worker gets there first.
pub fn check_schemas(docs: &[Document], schemas: &SchemaSet, jobs: usize) -> Vec<ResourceResult> {
    if docs.is_empty() {
        return Vec::new();
    }
    let jobs = jobs.clamp(1, docs.len());
    if jobs == 1 {
        return docs.iter().map(|d| schemas.check(d)).collect();
    }
    // Small chunks balance the load when some kinds are much bigger than others.
    let chunk = docs.len().div_ceil(jobs * 8).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<ResourceResult>> = Vec::new();
    slots.resize_with(docs.len(), || None);
    let parts: Vec<Vec<(usize, ResourceResult)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(chunk, std::sync::atomic::Ordering::Relaxed);
                        if start >= docs.len() {
                            break;
                        }
                        let end = (start + chunk).min(docs.len());
                        for (i, doc) in docs[start..end].iter().enumerate() {
                            out.push((start + i, schemas.check(doc)));
                        }
                    }
                    out
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_default()).collect()
    });
    for (i, result) in parts.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(result);
        }
    }
    // A worker that panicked leaves holes; check those documents here rather than lose them.
    slots.into_iter().enumerate().map(|(i, r)| r.unwrap_or_else(|| schemas.check(&docs[i]))).collect()
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
