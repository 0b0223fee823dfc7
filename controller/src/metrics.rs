//! Prometheus metrics: upstream's `sealed_secrets_controller_*` names plus sealgate's own.
//!
//! One [`Metrics`] per controller process, shared through an `Arc`. The registry sits behind a
//! mutex so other parts (HTTP, key renewal) can register their metrics after start-up; the
//! metric handles themselves are lock-free.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// `reason` values of `unseal_errors_total`, as upstream names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReason {
    Fetch,
    Unseal,
    Update,
    Unmanaged,
    Status,
}

impl ErrorReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fetch => "fetch",
            Self::Unseal => "unseal",
            Self::Update => "update",
            Self::Unmanaged => "unmanaged",
            Self::Status => "status",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub reason: String,
    pub namespace: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ConditionLabels {
    pub namespace: String,
    pub name: String,
    pub condition: String,
    pub ss_app_kubernetes_io_instance: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BuildLabels {
    pub revision: String,
    pub version: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    pub unseal_requests: Counter,
    pub unseal_errors: Family<ErrorLabels, Counter>,
    pub condition_info: Family<ConditionLabels, Gauge>,
    pub rsa_operations: Counter,
    /// Reconciles that found the Secret already matching (no decryption).
    pub fast_path_hits: Counter,
    pub reconcile_duration: Histogram,
    pub key_secrets_invalid: Gauge,
    /// Items opened per key, exposed as `sealgate_items_per_key` by the key collector.
    pub key_usage: std::sync::Arc<crate::keys::KeyUsage>,
    /// Secrets whose data was changed behind the controller's back and rewritten.
    pub secrets_repaired: Counter,
    /// `sealgate_drift{state}`.
    pub drift: crate::drift_gauges::DriftGauges,
    /// Upstream's `--metrics-omit-secret-labels`: `condition_info` gets no series, so the
    /// metrics do not list SealedSecret namespaces and names (the only metric that has them).
    omit_secret_labels: bool,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let unseal_requests = Counter::default();
        registry.register(
            "sealed_secrets_controller_unseal_requests",
            "Total number of sealed secret unseal requests",
            unseal_requests.clone(),
        );
        let unseal_errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "sealed_secrets_controller_unseal_errors",
            "Total number of sealed secret unseal errors by reason",
            unseal_errors.clone(),
        );
        let condition_info = Family::<ConditionLabels, Gauge>::default();
        registry.register(
            "sealed_secrets_controller_condition_info",
            "Current SealedSecret condition status. Values are -1 (false), 0 (unknown or absent), 1 (true)",
            condition_info.clone(),
        );
        let build_info = Family::<BuildLabels, Gauge>::default();
        build_info
            .get_or_create(&BuildLabels {
                revision: option_env!("SEALGATE_REVISION")
                    .unwrap_or("unknown")
                    .to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            })
            .set(1);
        registry.register(
            "sealed_secrets_controller_build_info",
            "Build information",
            build_info,
        );
        let rsa_operations = Counter::default();
        registry.register(
            "sealgate_rsa_operations",
            "RSA private-key operations performed while unsealing (the fast path keeps this at one per item)",
            rsa_operations.clone(),
        );
        let fast_path_hits = Counter::default();
        registry.register(
            "sealgate_fast_path_hits",
            "Reconciles whose Secret already matched the SealedSecret digest, so nothing was decrypted",
            fast_path_hits.clone(),
        );
        let reconcile_duration = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "sealgate_reconcile_duration_seconds",
            "Time to reconcile one SealedSecret",
            reconcile_duration.clone(),
        );
        let key_secrets_invalid = Gauge::default();
        registry.register(
            "sealgate_key_secrets_invalid",
            "Key Secrets in the controller namespace that could not be loaded",
            key_secrets_invalid.clone(),
        );
        let secrets_repaired = Counter::default();
        registry.register(
            "sealgate_secrets_repaired",
            "Secrets whose data, type or item set no longer matched their data digest and were rewritten from the SealedSecret",
            secrets_repaired.clone(),
        );
        let (drift, drift_family) = crate::drift_gauges::DriftGauges::new();
        registry.register(
            "sealgate_drift",
            "SealedSecrets out of line now, by state: tampered (Secret changed and not repaired yet), not-synced (last reconcile failed)",
            drift_family,
        );
        Self {
            registry: Mutex::new(registry),
            secrets_repaired,
            drift,
            unseal_requests,
            unseal_errors,
            condition_info,
            rsa_operations,
            fast_path_hits,
            reconcile_duration,
            key_secrets_invalid,
            key_usage: std::sync::Arc::default(),
            omit_secret_labels: false,
        }
    }

    /// The metrics with `condition_info` left empty (`--metrics-omit-secret-labels`).
    pub fn omitting_secret_labels(self, omit: bool) -> Self {
        Self {
            omit_secret_labels: omit,
            ..self
        }
    }

    /// Registers more metrics (HTTP, key renewal) after start-up.
    pub fn register(&self, f: impl FnOnce(&mut Registry)) {
        if let Ok(mut registry) = self.registry.lock() {
            f(&mut registry);
        }
    }

    /// The OpenMetrics text exposition of every registered metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Ok(registry) = self.registry.lock() {
            // Writing into a String cannot fail.
            let _ = encode(&mut out, &registry);
        }
        out
    }

    pub fn error(&self, reason: ErrorReason, namespace: &str) {
        self.unseal_errors
            .get_or_create(&ErrorLabels {
                reason: reason.as_str().to_owned(),
                namespace: namespace.to_owned(),
            })
            .inc();
    }

    /// `condition_info` like upstream: 1 true, -1 false; `None` removes the series (deleted object).
    pub fn condition(&self, namespace: &str, name: &str, instance: &str, synced: Option<bool>) {
        if self.omit_secret_labels {
            return;
        }
        let labels = ConditionLabels {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            condition: crate::crd::SYNCED.to_owned(),
            ss_app_kubernetes_io_instance: instance.to_owned(),
        };
        match synced {
            Some(true) => {
                self.condition_info.get_or_create(&labels).set(1);
            }
            Some(false) => {
                self.condition_info.get_or_create(&labels).set(-1);
            }
            None => {
                self.condition_info.remove(&labels);
            }
        }
    }
}

#[cfg(test)]
mod tests {

    /// Upstream's `--metrics-omit-secret-labels`: no series names a SealedSecret.
    #[test]
    fn omitting_secret_labels_leaves_condition_info_empty() {
        let m = Metrics::new().omitting_secret_labels(true);
        m.condition("shop", "db-password", "", Some(true));
        m.condition("shop", "db-password", "", Some(false));
        let text = m.encode();
        assert!(!text.contains("db-password"), "{text}");
        assert!(!text.contains("shop"), "{text}");
        // and without the flag the same calls make the series
        let m = Metrics::new().omitting_secret_labels(false);
        m.condition("shop", "db-password", "", Some(true));
        assert!(m.encode().contains("name=\"db-password\""));
    }

    use super::*;

    #[test]
    fn upstream_names_are_exposed() {
        let m = Metrics::new();
        m.unseal_requests.inc();
        m.error(ErrorReason::Unmanaged, "ns");
        m.condition("ns", "a", "", Some(false));
        m.rsa_operations.inc_by(3);
        let text = m.encode();
        for needle in [
            "sealed_secrets_controller_unseal_requests_total 1",
            "sealed_secrets_controller_unseal_errors_total{reason=\"unmanaged\",namespace=\"ns\"} 1",
            "sealed_secrets_controller_condition_info{namespace=\"ns\",name=\"a\",condition=\"Synced\",ss_app_kubernetes_io_instance=\"\"} -1",
            "sealed_secrets_controller_build_info{",
            "sealgate_rsa_operations_total 3",
            "sealgate_reconcile_duration_seconds_bucket",
            "sealgate_key_secrets_invalid 0",
            "sealgate_secrets_repaired_total 0",
            "sealgate_drift{state=\"tampered\"} 0",
            "sealgate_drift{state=\"not-synced\"} 0",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }
}
