//! `data` for policies: `--data` documents merged into the engine, the copy kept to re-inject
//! per-file info, and what the built-in policies know about the sealing cert.

use regorus::Engine;
use serde_json::{Value, json};

use super::engine;
use super::error::RegoError;
use super::load;

/// What the built-in policies know about the sealing cert: its RSA modulus size and fingerprint.
pub(super) fn cert_data(path: &std::path::Path) -> Result<Value, RegoError> {
    let pem = std::fs::read(path).map_err(|e| RegoError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let cert = crate::seal::SealingCert::inspect_pem(&pem).map_err(|e| RegoError::Cert {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(json!({"cert": {"modulus_bytes": cert.key_bits() / 8, "fingerprint": cert.fingerprint()}}))
}

pub(super) fn merge_data(engine: &mut Engine, path: &str, doc: &Value) -> Result<(), RegoError> {
    if !doc.is_object() {
        return Err(RegoError::Data {
            path: path.to_string(),
            message: "the top level must be a mapping (its keys become data.<key>)".to_string(),
        });
    }
    engine
        .add_data(engine::from_json(doc))
        .map_err(|e| RegoError::DataConflict {
            path: path.to_string(),
            message: load::one_line(&e.to_string()),
        })
}

/// Deep merge for the copy of `data` kept to re-inject `data.conftest.file`.
pub(super) fn merge_value(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(slot) => merge_value(slot, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}
