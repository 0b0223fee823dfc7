//! Which key opens how many items: the ledger behind `sealgate_items_per_key`.
//!
//! Operators retire old keys only once nothing is sealed with them any more; upstream gives no
//! way to know (bitnami-labs/sealed-secrets#108). Each reconcile records, per SealedSecret, how
//! many of its items each key opened; the produced Secret carries the same counts in an
//! annotation, so after a restart the ledger is rebuilt from the fast path without decrypting
//! anything.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Annotation on the produced Secret: `<fingerprint>=<items>,…` for the keys that opened its items.
pub const ITEMS_PER_KEY_ANNOTATION: &str = "sealgate.dev/items-per-key";

/// Items opened per key fingerprint, for one SealedSecret.
pub type ItemsPerKey = BTreeMap<String, u32>;

/// Per SealedSecret (namespace, name): items opened per key.
#[derive(Debug, Default)]
pub struct KeyUsage {
    by_object: Mutex<HashMap<(String, String), ItemsPerKey>>,
}

impl KeyUsage {
    /// Replaces what is known about one SealedSecret.
    pub fn record(&self, namespace: &str, name: &str, items: ItemsPerKey) {
        if let Ok(mut map) = self.by_object.lock() {
            map.insert((namespace.to_owned(), name.to_owned()), items);
        }
    }

    /// Drops a deleted SealedSecret.
    pub fn forget(&self, namespace: &str, name: &str) {
        if let Ok(mut map) = self.by_object.lock() {
            map.remove(&(namespace.to_owned(), name.to_owned()));
        }
    }

    /// Items per key fingerprint over every known SealedSecret.
    pub fn totals(&self) -> ItemsPerKey {
        let mut totals = ItemsPerKey::new();
        if let Ok(map) = self.by_object.lock() {
            for items in map.values() {
                for (fingerprint, count) in items {
                    *totals.entry(fingerprint.clone()).or_default() += count;
                }
            }
        }
        totals
    }
}

/// The annotation value: `fp1=2,fp2=1` (fingerprints are hex, so no escaping is needed).
pub fn format_items_per_key(items: &ItemsPerKey) -> String {
    items
        .iter()
        .map(|(fp, n)| format!("{fp}={n}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Parses [`format_items_per_key`]'s output; `None` when malformed (e.g. edited by hand).
pub fn parse_items_per_key(text: &str) -> Option<ItemsPerKey> {
    let mut items = ItemsPerKey::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (fingerprint, count) = part.split_once('=')?;
        if fingerprint.is_empty() || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        items.insert(fingerprint.to_owned(), count.parse().ok()?);
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_round_trips_and_rejects_garbage() {
        let items: ItemsPerKey = [("ab12".to_owned(), 2), ("cd34".to_owned(), 1)].into();
        let text = format_items_per_key(&items);
        assert_eq!(text, "ab12=2,cd34=1");
        assert_eq!(parse_items_per_key(&text), Some(items));
        assert_eq!(parse_items_per_key(""), Some(ItemsPerKey::new()));
        assert_eq!(parse_items_per_key("ab12"), None);
        assert_eq!(parse_items_per_key("zz=1"), None);
        assert_eq!(parse_items_per_key("ab=-1"), None);
    }

    #[test]
    fn totals_follow_records_and_deletions() {
        let usage = KeyUsage::default();
        usage.record("n", "a", [("k1".to_owned(), 3)].into());
        usage.record(
            "n",
            "b",
            [("k1".to_owned(), 1), ("k2".to_owned(), 2)].into(),
        );
        assert_eq!(
            usage.totals(),
            [("k1".to_owned(), 4), ("k2".to_owned(), 2)].into()
        );
        usage.record("n", "b", [("k2".to_owned(), 3)].into());
        usage.forget("n", "a");
        assert_eq!(usage.totals(), [("k2".to_owned(), 3)].into());
    }
}
