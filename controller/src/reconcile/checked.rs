//! Which version (resourceVersion) of each produced Secret the controller wrote or checked.
//!
//! The Secret watch is metadata-only, so it cannot see data, but every write to a Secret gives
//! it a new resourceVersion. Remembering the versions the controller itself wrote, or whose data
//! it checked against the data digest, tells which watch events are someone else's change (a
//! data check is due) and which are the controller's own write (nothing to do: no fight, no
//! loop). An entry older than its `max_age` is checked again (the periodic resync), so a missed
//! watch event cannot hide an edit for longer than that.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Checked {
    versions: Mutex<HashMap<(String, String), (String, Instant)>>,
}

impl Checked {
    /// `namespace/name` at `resource_version` was just written or found intact.
    pub fn record(&self, namespace: &str, name: &str, resource_version: Option<&str>) {
        let Ok(mut versions) = self.versions.lock() else {
            return;
        };
        let key = (namespace.to_owned(), name.to_owned());
        match resource_version {
            Some(rv) => {
                versions.insert(key, (rv.to_owned(), Instant::now()));
            }
            None => {
                versions.remove(&key);
            }
        }
    }

    /// True when `resource_version` is the version last written or checked (any age): a watch
    /// event for it is the controller's own doing.
    pub fn is_known(&self, namespace: &str, name: &str, resource_version: Option<&str>) -> bool {
        self.lookup(namespace, name, resource_version, None)
    }

    /// True when `resource_version` was written or checked less than `max_age` ago.
    pub fn is_fresh(
        &self,
        namespace: &str,
        name: &str,
        resource_version: Option<&str>,
        max_age: Duration,
    ) -> bool {
        self.lookup(namespace, name, resource_version, Some(max_age))
    }

    pub fn forget(&self, namespace: &str, name: &str) {
        self.record(namespace, name, None);
    }

    fn lookup(
        &self,
        namespace: &str,
        name: &str,
        resource_version: Option<&str>,
        max_age: Option<Duration>,
    ) -> bool {
        let (Some(rv), Ok(versions)) = (resource_version, self.versions.lock()) else {
            return false;
        };
        versions
            .get(&(namespace.to_owned(), name.to_owned()))
            .is_some_and(|(known, at)| known == rv && max_age.is_none_or(|age| at.elapsed() < age))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_recorded_version_is_known_and_freshness_expires() {
        let checked = Checked::default();
        assert!(!checked.is_known("n", "s", Some("1")));
        checked.record("n", "s", Some("1"));
        assert!(checked.is_known("n", "s", Some("1")));
        assert!(
            !checked.is_known("n", "s", Some("2")),
            "someone else's write"
        );
        assert!(!checked.is_known("n", "s", None));
        assert!(!checked.is_known("n", "other", Some("1")));
        assert!(checked.is_fresh("n", "s", Some("1"), Duration::from_secs(60)));
        assert!(!checked.is_fresh("n", "s", Some("1"), Duration::ZERO));
        checked.forget("n", "s");
        assert!(!checked.is_known("n", "s", Some("1")));
    }
}
