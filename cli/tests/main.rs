//! The sealgate CLI's integration tests, one binary with a module per concern (as ripgrep does):
//! one link step instead of one per file. They run the built `sealgate` as users do.
//!
//! Module names say what a test needs: `peer_*` runs a reference tool from `$SEALGATE_PEERS`,
//! `conformance_*` a reference tool on its corpus from `$SEALGATE_CORPORA`; the rest needs nothing
//! but this repository (and python3 for `gitops_example`'s pre-commit run). So
//! `cargo test -p sealgate peer_` runs one area (see `tests/run --area`).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step is a failed test"
)]

mod conformance_kubeconform;
mod conformance_policy_repos;
mod escrow_unseal;
mod file_safety;
mod folders;
mod gitops_example;
mod hostile_input;
mod multi_cluster;
mod peer_folders_render;
mod peer_kubeseal_compat;
mod peer_kubeseal_dropin;
mod peer_kubeseal_sealed_for;
mod peer_opa_test_print;
mod snapshots;
mod validate_clusters;
