//! Key generation, renewal, cutoff and SIGUSR1 on the leader; the published cert; age backups.
//!
//! Loading keys for unsealing is the keyring's job; this module only creates them, exactly once
//! even when replicas race, and publishes the newest cert where `sealgate seal` can read it.

mod backup;
mod metrics;
mod publish;
mod rotation;
mod schedule;
mod store;
mod usage;

pub use backup::{BACKUP_COUNT_ANNOTATION, BACKUP_KEY, BACKUP_NAME, Backup, BackupError};
pub use metrics::KeyMetrics;
pub use publish::{
    CERT_CONFIGMAP, CERT_PEM_KEY, FIELD_MANAGER, FINGERPRINT_KEY, PublishError, cert_pem,
};
pub use rotation::{KeyPolicy, KeyRotation, Pass, RotationError, Triggers, sigusr1_requests};
pub use schedule::{KeyDue, Reason, Schedule, ScheduleError, parse_cutoff};
pub use store::{KeyListing, KeyMetadata, StoreError, key_secret, parse_pairs};
pub use usage::{
    ITEMS_PER_KEY_ANNOTATION, ItemsPerKey, KeyUsage, format_items_per_key, parse_items_per_key,
};
