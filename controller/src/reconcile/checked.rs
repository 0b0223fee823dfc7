//! Which version (resourceVersion) of each produced Secret the controller wrote or checked.
//!
//! The Secret watch is metadata-only, so it cannot see data, but every write to a Secret gives
//! it a new resourceVersion. Remembering the versions the controller itself wrote, or whose data
//! it checked against the data digest, tells which watch events are someone else's change (a
//! data check is due) and which are the controller's own write (nothing to do: no fight, no
//! loop). An entry older than its `max_age` is checked again (the periodic resync), so a missed
//! watch event cannot hide an edit for longer than that.
//!
//! The watch event of a write can arrive before the write's response (and so before the new
//! version is recorded): writes in flight are tracked, and the watch loop waits for the ones
//! on the event's Secret to finish before it decides whose write the event is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The longest the watch loop waits for a write in flight before it treats the event as
/// someone else's (a data check: safe, only one GET more). A write answers well before this.
const SETTLE_WAIT: Duration = Duration::from_secs(30);

type Key = (String, String);

#[derive(Debug, Default)]
pub struct Checked {
    state: Mutex<State>,
    /// Woken whenever a write finishes.
    settled: Notify,
}

#[derive(Debug, Default)]
struct State {
    versions: HashMap<Key, (String, Instant)>,
    /// Writes in flight per Secret.
    writing: HashMap<Key, usize>,
    /// The uid of a Secret the controller deleted to re-create it (its `type` had changed).
    deleted: HashMap<Key, String>,
}

fn key(namespace: &str, name: &str) -> Key {
    (namespace.to_owned(), name.to_owned())
}

impl Checked {
    /// `namespace/name` at `resource_version` was just written or found intact.
    pub fn record(&self, namespace: &str, name: &str, resource_version: Option<&str>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let key = key(namespace, name);
        match resource_version {
            Some(rv) => {
                state.versions.insert(key, (rv.to_owned(), Instant::now()));
            }
            None => {
                state.versions.remove(&key);
            }
        }
    }

    /// True when `resource_version` is the version last written or checked (any age): a watch
    /// event for it is the controller's own doing.
    pub fn is_known(&self, namespace: &str, name: &str, resource_version: Option<&str>) -> bool {
        self.lookup(namespace, name, resource_version, None)
    }

    /// True when some version of `namespace/name` was written or checked by this replica.
    pub fn is_tracked(&self, namespace: &str, name: &str) -> bool {
        self.state
            .lock()
            .is_ok_and(|state| state.versions.contains_key(&key(namespace, name)))
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

    /// Marks a write of `namespace/name` in flight until the guard drops; record the version it
    /// produced before dropping the guard.
    pub fn writing(&self, namespace: &str, name: &str) -> Writing<'_> {
        let key = key(namespace, name);
        if let Ok(mut state) = self.state.lock() {
            *state.writing.entry(key.clone()).or_default() += 1;
        }
        Writing { checked: self, key }
    }

    /// The controller deleted the Secret with `uid` (to re-create it): its Delete event is ours.
    pub fn deleted(&self, namespace: &str, name: &str, uid: Option<&str>) {
        if let (Some(uid), Ok(mut state)) = (uid, self.state.lock()) {
            state.deleted.insert(key(namespace, name), uid.to_owned());
        }
    }

    /// True (once) when the Secret with `uid` is one the controller deleted itself.
    pub fn take_deleted(&self, namespace: &str, name: &str, uid: Option<&str>) -> bool {
        let (Some(uid), Ok(mut state)) = (uid, self.state.lock()) else {
            return false;
        };
        let key = key(namespace, name);
        if state.deleted.get(&key).is_some_and(|ours| ours == uid) {
            state.deleted.remove(&key);
            return true;
        }
        false
    }

    /// Waits until no write of `namespace/name` is in flight (at most [`SETTLE_WAIT`]).
    pub async fn settled(&self, namespace: &str, name: &str) {
        let key = key(namespace, name);
        let deadline = tokio::time::Instant::now() + SETTLE_WAIT;
        loop {
            let notified = self.settled.notified();
            tokio::pin!(notified);
            // Registered before the check, so a write finishing in between still wakes us.
            notified.as_mut().enable();
            if !self.in_flight(&key) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }

    fn in_flight(&self, key: &Key) -> bool {
        self.state
            .lock()
            .is_ok_and(|state| state.writing.get(key).is_some_and(|n| *n > 0))
    }

    fn lookup(
        &self,
        namespace: &str,
        name: &str,
        resource_version: Option<&str>,
        max_age: Option<Duration>,
    ) -> bool {
        let (Some(rv), Ok(state)) = (resource_version, self.state.lock()) else {
            return false;
        };
        state
            .versions
            .get(&key(namespace, name))
            .is_some_and(|(known, at)| known == rv && max_age.is_none_or(|age| at.elapsed() < age))
    }
}

/// A write in flight (see [`Checked::writing`]).
#[derive(Debug)]
pub struct Writing<'a> {
    checked: &'a Checked,
    key: Key,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        if let Ok(mut state) = self.checked.state.lock()
            && let Some(n) = state.writing.get_mut(&self.key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                state.writing.remove(&self.key);
            }
        }
        self.checked.settled.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn only_the_recorded_version_is_known_and_freshness_expires() {
        let checked = Checked::default();
        assert!(!checked.is_known("n", "s", Some("1")));
        assert!(!checked.is_tracked("n", "s"));
        checked.record("n", "s", Some("1"));
        assert!(checked.is_tracked("n", "s"));
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
        assert!(!checked.is_tracked("n", "s"));
    }

    #[tokio::test]
    async fn settled_waits_for_the_write_in_flight_and_only_for_that_secret() {
        let checked = Arc::new(Checked::default());
        let guard = checked.writing("n", "s");
        // Another Secret is not held up by this write.
        tokio::time::timeout(Duration::from_secs(1), checked.settled("n", "other"))
            .await
            .expect("not in flight");
        let waiter = tokio::spawn({
            let checked = checked.clone();
            async move {
                checked.settled("n", "s").await;
                checked.is_known("n", "s", Some("9"))
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiter.is_finished(), "the write is still in flight");
        checked.record("n", "s", Some("9"));
        drop(guard);
        let known = tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("woken when the write finished")
            .expect("task");
        assert!(known, "the version the write recorded");
    }

    #[tokio::test(start_paused = true)]
    async fn settled_gives_up_on_a_write_that_never_answers() {
        let checked = Checked::default();
        let _guard = checked.writing("n", "s");
        checked.settled("n", "s").await;
        assert!(!checked.is_known("n", "s", Some("1")));
    }

    #[test]
    fn a_deleted_uid_is_ours_once() {
        let checked = Checked::default();
        checked.deleted("n", "s", Some("u1"));
        assert!(
            !checked.take_deleted("n", "s", Some("u2")),
            "another Secret"
        );
        assert!(!checked.take_deleted("n", "s", None));
        assert!(checked.take_deleted("n", "s", Some("u1")));
        assert!(!checked.take_deleted("n", "s", Some("u1")), "only once");
    }
}
