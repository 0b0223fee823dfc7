//! sealgate-controller: turns SealedSecrets into Secrets in the cluster that holds the keys.
#![forbid(unsafe_code)]

pub mod config;
pub mod crd;
pub mod drift_gauges;
pub mod http;
pub mod keys;
pub mod kube_client;
pub mod leader;
pub mod metrics;
pub mod reconcile;
pub mod replica;
pub mod run;
pub mod telemetry;
