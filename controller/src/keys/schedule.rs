//! When the leader must create a key: none yet, the newest one due for renewal, or older than the cutoff.

use std::time::Duration as StdDuration;

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::{Duration, OffsetDateTime};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScheduleError {
    #[error(
        "--key-cutoff-time {given:?} is neither RFC 1123Z (`date -R`, e.g. \"Mon, 02 Jan 2006 15:04:05 -0700\") nor RFC 3339 (e.g. \"2006-01-02T15:04:05Z\")"
    )]
    Cutoff { given: String },
}

/// Why a key is created now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No usable key exists: first start, or every key Secret is malformed.
    NoKey,
    /// The newest key is older than the renew period.
    Renewal,
    /// The newest key predates `--key-cutoff-time`, which has passed.
    Cutoff,
    /// SIGUSR1 (an operator asked for a new key now).
    Requested,
}

impl Reason {
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::NoKey => "no-key",
            Reason::Renewal => "renewal",
            Reason::Cutoff => "cutoff",
            Reason::Requested => "requested",
        }
    }
}

/// The decision for one look at the key Secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyDue {
    Now(Reason),
    /// Look again at this time (renewal or cutoff), unless something changes earlier.
    At(OffsetDateTime),
    /// Renewal disabled and no cutoff ahead: only a change or SIGUSR1 creates a key.
    Never,
}

/// `--key-renew-period` and `--key-cutoff-time`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// `None` for a zero period (renewal disabled, as upstream's `0`).
    pub renew_period: Option<Duration>,
    pub cutoff: Option<OffsetDateTime>,
}

impl Schedule {
    pub fn new(renew_period: StdDuration, cutoff: Option<OffsetDateTime>) -> Self {
        let renew_period = (!renew_period.is_zero())
            .then(|| Duration::try_from(renew_period).unwrap_or(Duration::MAX));
        Self {
            renew_period,
            // Key times are cert NotBefore, whole seconds: a cutoff with a fraction (RFC 3339 allows
            // one) would find the key made in its own second "older" and ask for another, forever.
            cutoff: cutoff.map(|c| c.replace_nanosecond(0).unwrap_or(c)),
        }
    }

    /// `newest` is the ordering time (cert NotBefore) of the newest usable key.
    ///
    /// Unlike upstream, which checks the cutoff only at startup (so every restart before a
    /// future cutoff made yet another key), a cutoff still ahead schedules ONE key for that time.
    pub fn decide(&self, newest: Option<OffsetDateTime>, now: OffsetDateTime) -> KeyDue {
        let Some(newest) = newest else {
            return KeyDue::Now(Reason::NoKey);
        };
        let cutoff_due = self.cutoff.filter(|cutoff| newest < *cutoff);
        if cutoff_due.is_some_and(|cutoff| cutoff <= now) {
            return KeyDue::Now(Reason::Cutoff);
        }
        // A period so long that the date overflows never comes due.
        let renewal_due = self
            .renew_period
            .and_then(|period| newest.checked_add(period));
        if renewal_due.is_some_and(|due| due <= now) {
            return KeyDue::Now(Reason::Renewal);
        }
        match (cutoff_due, renewal_due) {
            (Some(a), Some(b)) => KeyDue::At(a.min(b)),
            (Some(at), None) | (None, Some(at)) => KeyDue::At(at),
            (None, None) => KeyDue::Never,
        }
    }
}

/// `--key-cutoff-time`: RFC 1123Z like upstream (`date -R`), or RFC 3339.
pub fn parse_cutoff(text: &str) -> Result<OffsetDateTime, ScheduleError> {
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc2822)
        .or_else(|_| OffsetDateTime::parse(text, &Rfc3339))
        .map_err(|_| ScheduleError::Cutoff {
            given: text.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-26 01:00:00 UTC);

    fn monthly() -> Schedule {
        Schedule::new(StdDuration::from_secs(720 * 3600), None)
    }

    #[test]
    fn no_key_means_a_key_now_whatever_the_schedule() {
        assert_eq!(monthly().decide(None, NOW), KeyDue::Now(Reason::NoKey));
        assert_eq!(
            Schedule::default().decide(None, NOW),
            KeyDue::Now(Reason::NoKey)
        );
    }

    #[test]
    fn renewal_is_due_one_period_after_the_newest_key() {
        let newest = NOW - Duration::days(10);
        assert_eq!(
            monthly().decide(Some(newest), NOW),
            KeyDue::At(newest + Duration::days(30))
        );
        let old = NOW - Duration::days(30);
        assert_eq!(
            monthly().decide(Some(old), NOW),
            KeyDue::Now(Reason::Renewal)
        );
        let older = NOW - Duration::days(400);
        assert_eq!(
            monthly().decide(Some(older), NOW),
            KeyDue::Now(Reason::Renewal)
        );
    }

    #[test]
    fn a_zero_period_disables_renewal() {
        let schedule = Schedule::new(StdDuration::ZERO, None);
        assert_eq!(schedule.renew_period, None);
        assert_eq!(
            schedule.decide(Some(NOW - Duration::days(4000)), NOW),
            KeyDue::Never
        );
    }

    #[test]
    fn a_past_cutoff_after_the_newest_key_forces_a_key() {
        let schedule = Schedule::new(StdDuration::ZERO, Some(NOW - Duration::hours(1)));
        assert_eq!(
            schedule.decide(Some(NOW - Duration::days(2)), NOW),
            KeyDue::Now(Reason::Cutoff)
        );
        // A key made after the cutoff satisfies it: no second key.
        assert_eq!(
            schedule.decide(Some(NOW - Duration::minutes(5)), NOW),
            KeyDue::Never
        );
        // A key made in the very second of the cutoff satisfies it too (cert times are whole seconds).
        assert_eq!(
            schedule.decide(Some(NOW - Duration::hours(1)), NOW),
            KeyDue::Never
        );
        // ...also when the cutoff carries a fraction of that second.
        let fractional = Schedule::new(
            StdDuration::ZERO,
            Some(NOW - Duration::hours(1) + Duration::milliseconds(700)),
        );
        assert_eq!(
            fractional.decide(Some(NOW - Duration::hours(1)), NOW),
            KeyDue::Never
        );
    }

    #[test]
    fn a_future_cutoff_schedules_one_key_for_that_time() {
        let cutoff = NOW + Duration::hours(2);
        let schedule = Schedule::new(StdDuration::from_secs(720 * 3600), Some(cutoff));
        assert_eq!(
            schedule.decide(Some(NOW - Duration::days(1)), NOW),
            KeyDue::At(cutoff)
        );
        assert_eq!(
            schedule.decide(Some(NOW - Duration::days(1)), cutoff),
            KeyDue::Now(Reason::Cutoff)
        );
        // Renewal earlier than the cutoff wins.
        let near_renewal = NOW - Duration::days(30) + Duration::hours(1);
        assert_eq!(
            schedule.decide(Some(near_renewal), NOW),
            KeyDue::At(near_renewal + Duration::days(30))
        );
    }

    #[test]
    fn cutoff_accepts_rfc1123z_and_rfc3339() {
        assert_eq!(parse_cutoff("Thu, 26 Nov 2026 01:00:00 +0000"), Ok(NOW));
        assert_eq!(parse_cutoff("Thu, 26 Nov 2026 02:30:00 +0130"), Ok(NOW));
        assert_eq!(parse_cutoff("2026-11-26T01:00:00Z"), Ok(NOW));
        assert_eq!(parse_cutoff(" 2026-11-26T02:00:00+01:00 "), Ok(NOW));
        assert!(matches!(
            parse_cutoff("26/11/2026"),
            Err(ScheduleError::Cutoff { .. })
        ));
        let message = parse_cutoff("yesterday")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("date -R"), "{message}");
    }
}
