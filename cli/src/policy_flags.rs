//! The `--policy` flags of `validate` (and `policy test`'s `--rego-version`) as the core's `RegoOptions`.

use std::time::Duration;

use sealgate_core::gate::{PolicySource, RegoOptions, RegoVersion};

use crate::cli::{PolicyFlags, RegoVersionArg};

impl From<RegoVersionArg> for RegoVersion {
    fn from(v: RegoVersionArg) -> Self {
        match v {
            RegoVersionArg::V0 => RegoVersion::V0,
            RegoVersionArg::V1 => RegoVersion::V1,
        }
    }
}

/// `--policy`/`--data`/`--namespace`… as the core's options; `builtin_data` feeds `data.sealgate`
/// (e.g. `{"cert": {"modulus_bytes": 512}}` from `--cert`).
pub fn rego_options(flags: &PolicyFlags, builtin_data: serde_json::Value) -> RegoOptions {
    RegoOptions {
        policies: flags
            .policy
            .iter()
            .map(|p| PolicySource::parse(p))
            .collect(),
        data: flags.rego.data.clone(),
        namespaces: flags.namespace.clone(),
        all_namespaces: flags.all_namespaces,
        rego_version: flags.rego.rego_version.into(),
        combine: flags.combine,
        timeout: Duration::from_millis(flags.rego.policy_timeout_ms),
        builtin_data,
        sealing_cert: flags.cert.clone(),
        allow_file_access: flags.rego.allow_file_access.clone(),
        capabilities: flags.rego.capabilities.clone(),
        // `validate --proto-file-dirs` sets them; other commands have only the well-known types.
        proto_types: Default::default(),
    }
}
