//! The SealedSecret status, exactly as upstream writes it: `observedGeneration` and one `Synced`
//! condition (message = the error, cleared on success; `lastTransitionTime` moves only when the
//! status flips). A write is due only when something visible changed, never on every reconcile
//! (upstream's status hot-loop, bitnami-labs/sealed-secrets#223 and #525).

use k8s_openapi::jiff::Timestamp;
use sealgate_core::seal::{SealedSecretCondition, SealedSecretStatus};

use crate::crd::SYNCED;

/// `now` as `metav1.Time` writes it, the form upstream's conditions have: RFC 3339, whole
/// seconds, UTC.
pub fn metav1_time(now: Timestamp) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", now)
        .unwrap_or_else(|_| now.to_string())
}

/// The status to write after a sync, or `None` when the current one already says it.
/// `outcome` is `Ok(())` or the error message; `now` is a [`metav1_time`].
pub fn next_status(
    current: Option<&SealedSecretStatus>,
    generation: Option<i64>,
    outcome: Result<(), &str>,
    now: &str,
) -> Option<SealedSecretStatus> {
    let mut status = current.cloned().unwrap_or_default();
    let (wanted, message) = match outcome {
        Ok(()) => ("True", None),
        Err(message) => ("False", Some(message.to_owned())),
    };
    let index = match status.conditions.iter().position(|c| c.type_ == SYNCED) {
        Some(i) => i,
        None => {
            status.conditions.push(SealedSecretCondition {
                type_: SYNCED.to_owned(),
                status: String::new(),
                ..SealedSecretCondition::default()
            });
            status.conditions.len() - 1
        }
    };
    let condition = &mut status.conditions[index];
    let flipped = condition.status != wanted;
    let message_changed = condition.message != message;
    let generation_changed = status.observed_generation != generation;
    if !(flipped || message_changed || generation_changed) {
        return None;
    }
    condition.message = message;
    condition.last_update_time = Some(now.to_owned());
    if flipped {
        condition.status = wanted.to_owned();
        condition.last_transition_time = Some(now.to_owned());
    }
    status.observed_generation = generation;
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> String {
        metav1_time(Timestamp::from_second(secs).unwrap())
    }

    #[test]
    fn times_are_written_as_metav1_time_writes_them() {
        let now = Timestamp::new(1_717_243_200, 999_000_000).unwrap();
        assert_eq!(metav1_time(now), "2024-06-01T12:00:00Z");
        let time = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now);
        assert_eq!(
            serde_json::to_value(&time).unwrap(),
            metav1_time(now).as_str()
        );
    }

    #[test]
    fn first_success_writes_true_with_both_times() {
        let s = next_status(None, Some(1), Ok(()), &at(10)).unwrap();
        assert_eq!(s.observed_generation, Some(1));
        let c = &s.conditions[0];
        assert_eq!(
            (c.type_.as_str(), c.status.as_str(), c.message.as_deref()),
            ("Synced", "True", None)
        );
        assert_eq!(c.last_transition_time, Some(at(10)));
        assert_eq!(c.last_update_time, Some(at(10)));
    }

    #[test]
    fn unchanged_outcome_writes_nothing() {
        let s = next_status(None, Some(1), Ok(()), &at(10)).unwrap();
        assert_eq!(next_status(Some(&s), Some(1), Ok(()), &at(20)), None);
        let f = next_status(Some(&s), Some(1), Err("boom"), &at(20)).unwrap();
        assert_eq!(next_status(Some(&f), Some(1), Err("boom"), &at(30)), None);
    }

    #[test]
    fn failure_flips_and_success_clears_the_message() {
        let s = next_status(None, Some(1), Ok(()), &at(10)).unwrap();
        let f = next_status(Some(&s), Some(1), Err("no key could decrypt"), &at(20)).unwrap();
        assert_eq!(f.conditions[0].status, "False");
        assert_eq!(
            f.conditions[0].message.as_deref(),
            Some("no key could decrypt")
        );
        assert_eq!(f.conditions[0].last_transition_time, Some(at(20)));
        // Same status, new message: updated, but the transition time stays.
        let g = next_status(Some(&f), Some(1), Err("other"), &at(30)).unwrap();
        assert_eq!(g.conditions[0].last_transition_time, Some(at(20)));
        assert_eq!(g.conditions[0].last_update_time, Some(at(30)));
        let ok = next_status(Some(&g), Some(1), Ok(()), &at(40)).unwrap();
        assert_eq!(ok.conditions[0].message, None);
        assert_eq!(ok.conditions[0].status, "True");
    }

    #[test]
    fn new_generation_is_written_even_when_still_synced() {
        let s = next_status(None, Some(1), Ok(()), &at(10)).unwrap();
        let t = next_status(Some(&s), Some(2), Ok(()), &at(20)).unwrap();
        assert_eq!(t.observed_generation, Some(2));
        assert_eq!(t.conditions[0].last_transition_time, Some(at(10)));
        assert_eq!(t.conditions.len(), 1);
    }
}
