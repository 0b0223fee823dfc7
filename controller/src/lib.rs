//! sealgate-controller: turns SealedSecrets into Secrets in the cluster that holds the keys.
#![forbid(unsafe_code)]

pub mod api_rate;
pub mod config;
pub mod crd;
pub mod http;
pub mod keyring;
pub mod keys;
pub mod leader;
pub mod metrics;
pub mod reconcile;
pub mod replica;
pub mod run;
pub mod telemetry;
