//! The controller's keys: loading them for unsealing (every replica), and on the leader
//! generation, renewal, cutoff and SIGUSR1, the published cert and age backups.
//!
//! `ring` watches the key Secrets and keeps the [`Keyring`] every replica unseals with;
//! `renewal` creates keys, exactly once even when replicas race, and publishes the newest cert
//! where `sealgate seal` can read it.

mod backup;
mod metrics;
mod publish;
mod renewal;
mod ring;
mod schedule;
mod store;
mod usage;

pub use backup::{BACKUP_COUNT_ANNOTATION, BACKUP_KEY, BACKUP_NAME, Backup, BackupError};
pub use metrics::KeyMetrics;
pub use publish::{
    CERT_CONFIGMAP, CERT_PEM_KEY, FIELD_MANAGER, FINGERPRINT_KEY, PublishError, cert_pem,
};
pub use renewal::{KeyPolicy, KeyRenewal, Pass, RenewalError, Triggers, sigusr1_requests};
pub(crate) use ring::truncate_note;
pub use ring::{
    KEY_LABEL, KEY_LABEL_ACTIVE, KeyInfo, KeySecretError, KeySnapshot, Keyring, LEGACY_KEY_SECRET,
    watch_keys,
};
pub use schedule::{KeyDue, Reason, Schedule, ScheduleError, parse_cutoff};
pub use store::{KeyListing, KeyMetadata, StoreError, key_secret, parse_pairs};
pub use usage::{
    ITEMS_PER_KEY_ANNOTATION, ItemsPerKey, KeyUsage, format_items_per_key, parse_items_per_key,
};
