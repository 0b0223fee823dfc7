//! `sealgate_drift{state}`: how many SealedSecrets are out of line right now, for alerts.
//!
//! The leader records each SealedSecret's state after every reconcile: `tampered` (its Secret's
//! data was changed behind the controller's back and could not be put back yet), `not-synced`
//! (the last reconcile failed) or in sync (counted nowhere). Both series always exist, so an
//! alert on `sealgate_drift > 0` needs no `absent()`. Standbys reconcile nothing and show 0.

use std::collections::HashMap;
use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftState {
    InSync,
    Tampered,
    NotSynced,
}

impl DriftState {
    fn label(self) -> Option<&'static str> {
        match self {
            Self::InSync => None,
            Self::Tampered => Some("tampered"),
            Self::NotSynced => Some("not-synced"),
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DriftLabels {
    pub state: String,
}

#[derive(Debug)]
pub struct DriftGauges {
    family: Family<DriftLabels, Gauge>,
    states: Mutex<HashMap<(String, String), DriftState>>,
}

impl DriftGauges {
    /// The gauges, with both series at 0; `family` is what gets registered.
    pub fn new() -> (Self, Family<DriftLabels, Gauge>) {
        let family = Family::<DriftLabels, Gauge>::default();
        for state in [DriftState::Tampered, DriftState::NotSynced] {
            if let Some(label) = state.label() {
                family
                    .get_or_create(&DriftLabels {
                        state: label.to_owned(),
                    })
                    .set(0);
            }
        }
        let gauges = Self {
            family: family.clone(),
            states: Mutex::default(),
        };
        (gauges, family)
    }

    /// Records the state of `namespace/name`; `None` forgets it (the SealedSecret is gone).
    pub fn set(&self, namespace: &str, name: &str, state: Option<DriftState>) {
        let Ok(mut states) = self.states.lock() else {
            return;
        };
        let key = (namespace.to_owned(), name.to_owned());
        let old = match state {
            Some(DriftState::InSync) | None => states.remove(&key),
            Some(state) => states.insert(key, state),
        };
        if old == state {
            return;
        }
        if let Some(label) = old.and_then(DriftState::label) {
            self.gauge(label).dec();
        }
        if let Some(label) = state.and_then(DriftState::label) {
            self.gauge(label).inc();
        }
    }

    fn gauge(&self, label: &str) -> Gauge {
        self.family
            .get_or_create(&DriftLabels {
                state: label.to_owned(),
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_each_objects_latest_state() {
        let (gauges, family) = DriftGauges::new();
        let value = |state: &str| {
            family
                .get_or_create(&DriftLabels {
                    state: state.to_owned(),
                })
                .get()
        };
        assert_eq!((value("tampered"), value("not-synced")), (0, 0));
        gauges.set("n", "a", Some(DriftState::Tampered));
        gauges.set("n", "b", Some(DriftState::NotSynced));
        gauges.set("n", "b", Some(DriftState::NotSynced));
        assert_eq!((value("tampered"), value("not-synced")), (1, 1));
        gauges.set("n", "a", Some(DriftState::InSync));
        gauges.set("n", "b", None);
        gauges.set("n", "c", Some(DriftState::InSync));
        assert_eq!((value("tampered"), value("not-synced")), (0, 0));
    }
}
