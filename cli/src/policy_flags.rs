//! The `--policy` flags of `validate` (and `policy test`'s `--rego-version`) as the core's `RegoOptions`.

use std::path::PathBuf;
use std::time::Duration;

use sealgate_core::gate::parsers::{Context, ProtoTypes};
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
        // `validate` sets its own (`--proto-file-dirs`, the Jsonnet child); other commands read
        // textproto with the well-known types only, Jsonnet in this process.
        parsers: Default::default(),
    }
}

/// How this run reads configuration text (input files and the policies' `parse_config*`): the
/// message types of `--proto-file-dirs`, and Jsonnet evaluated by this very binary in bounded child
/// processes (in this process when the binary cannot be found, as without /proc).
pub fn parser_context(proto_file_dirs: &[PathBuf]) -> Context {
    let context = Context::default().with_proto_types(ProtoTypes::load(proto_file_dirs));
    match std::env::current_exe() {
        Ok(program) => context.with_jsonnet_child(program),
        Err(_) => context,
    }
}
