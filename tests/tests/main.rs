//! Cross-crate integration tests against a real local control plane (`KUBECONFIG`, from
//! `tests/cluster/up` or `tests/run`), one binary with a module per concern (as ripgrep does).
//!
//! Every module is named `cluster_*`, for what it needs; some also run a reference tool from
//! `$SEALGATE_PEERS` (kubeseal, kustomize). Without a cluster each test fails when `CI` is set and
//! prints a loud SKIPPED line otherwise (see `sealgate_tests::require`).

mod controller_support;
mod node_support;

mod cluster_cli_cert_fetch;
mod cluster_cli_drift;
mod cluster_cli_keys_escrow;
mod cluster_cli_kubeseal_dropin;
mod cluster_controller_apiserver_restart;
mod cluster_controller_ha;
mod cluster_controller_http;
mod cluster_controller_reconcile;
mod cluster_controller_repair;
mod cluster_controller_watch;
mod cluster_deploy_dry_run;
mod cluster_env;
mod cluster_node_e2e;
mod cluster_node_migration;
mod cluster_numeric_quantities;
mod cluster_real_repositories;
