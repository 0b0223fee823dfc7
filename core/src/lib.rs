//! sealgate-core: kubeseal-compatible sealing (`seal`) and the manifest gate (`gate`).
#![forbid(unsafe_code)]

pub mod gate;
pub mod manifest;
