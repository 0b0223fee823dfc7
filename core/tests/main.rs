//! sealgate-core's integration tests, one binary with a module per concern (as ripgrep does): one
//! link step instead of one per file.
//!
//! Module names say what a test needs: `peer_*` runs a reference tool from `$SEALGATE_PEERS`,
//! `conformance_*` a reference tool on its corpus from `$SEALGATE_CORPORA`; the rest needs nothing
//! but this repository. So `cargo test -p sealgate-core peer_` runs one area (see `tests/run --area`).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step is a failed test"
)]

mod conftest_parse;
mod peer;
mod vector;

mod certs_and_keys;
mod conformance_crds_compile;
mod conformance_opa_compliance;
mod conformance_rego;
mod conformance_upstream_examples;
mod fuzz;
mod kubeseal_vectors;
mod no_secret_in_debug;
mod peer_conftest_config_formats;
mod peer_conftest_cue;
mod peer_conftest_cyclonedx;
mod peer_conftest_dockerfile;
mod peer_conftest_groovy;
mod peer_conftest_hcl1;
mod peer_conftest_hocon;
mod peer_conftest_jsonc;
mod peer_conftest_jsonnet;
mod peer_conftest_markup_formats;
mod peer_conftest_parsers;
mod peer_conftest_spdx;
mod peer_conftest_textproto;
mod peer_conftest_vcl;
mod peer_escrow_age_cli;
mod peer_gator_type_check;
mod peer_kubeseal_live;
mod peer_opa_parse_module;
mod peer_opa_signatures;
mod peer_opa_sprintf;
mod peer_opa_type_check;
mod peer_opa_x509;
mod peer_rego_differential;
mod peer_rego_undefined;
mod seal_roundtrip_properties;
mod sealing_rules;
mod template_vectors;
