//! Key metrics read at scrape time: how many keys, each key's age, items per key, leadership.
//!
//! Computed from the live key view on every scrape, so ages are exact and removed keys vanish
//! without bookkeeping (upstream has no key metrics at all, bitnami-labs/sealed-secrets#108).

use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::gauge::ConstGauge;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::ring::Keyring;
use super::usage::KeyUsage;

/// Register with `registry.register_collector(Box::new(KeyMetrics::new(…)))`.
pub struct KeyMetrics {
    keyring: Keyring,
    is_leader: watch::Receiver<bool>,
    usage: Arc<KeyUsage>,
}

impl std::fmt::Debug for KeyMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyMetrics").finish_non_exhaustive()
    }
}

impl KeyMetrics {
    pub fn new(keyring: Keyring, is_leader: watch::Receiver<bool>, usage: Arc<KeyUsage>) -> Self {
        Self {
            keyring,
            is_leader,
            usage,
        }
    }
}

impl Collector for KeyMetrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let snapshot = self.keyring.current();
        let keys = &snapshot.keys;
        let count = ConstGauge::new(i64::try_from(keys.len()).unwrap_or(i64::MAX));
        count.encode(encoder.encode_descriptor(
            "sealgate_keys",
            "Private keys loaded for unsealing",
            None,
            count.metric_type(),
        )?)?;

        let now = OffsetDateTime::now_utc();
        let mut ages = encoder.encode_descriptor(
            "sealgate_key_age_seconds",
            "Age of each key by its cert NotBefore, labelled by fingerprint",
            None,
            MetricType::Gauge,
        )?;
        for key in keys.iter() {
            if let Some(not_before) = key.not_before() {
                let age = ConstGauge::new((now - not_before).as_seconds_f64());
                let labels = [("fingerprint", key.fingerprint().to_owned())];
                age.encode(ages.encode_family(&labels)?)?;
            }
        }

        // Every loaded key gets a series (0 = nothing sealed with it is in the cluster, so it can
        // be retired); a fingerprint no loaded key has would mean a key Secret was removed.
        let mut totals = self.usage.totals();
        let mut per_key = encoder.encode_descriptor(
            "sealgate_items_per_key",
            "SealedSecret items that each key opened at their last reconcile, labelled by fingerprint (leader only)",
            None,
            MetricType::Gauge,
        )?;
        for key in keys.iter() {
            let items = totals.remove(key.fingerprint()).unwrap_or(0);
            let labels = [("fingerprint", key.fingerprint().to_owned())];
            ConstGauge::new(i64::from(items)).encode(per_key.encode_family(&labels)?)?;
        }
        for (fingerprint, items) in totals {
            let labels = [("fingerprint", fingerprint)];
            ConstGauge::new(i64::from(items)).encode(per_key.encode_family(&labels)?)?;
        }

        let leader = ConstGauge::new(i64::from(*self.is_leader.borrow()));
        leader.encode(encoder.encode_descriptor(
            "sealgate_leader",
            "Whether this replica holds the leader lease (1) or stands by (0)",
            None,
            leader.metric_type(),
        )?)?;
        Ok(())
    }
}
