//! sealgate-core: kubeseal-compatible sealing (`seal`) and the manifest gate (`gate`).
#![forbid(unsafe_code)]

pub mod duration;
pub mod gate;
pub mod manifest;
pub mod seal;

pub use seal::{
    PrivateKey, Scope, SealOptions, SealedSecret, SealingCert, Secret, UnsealingKeys,
    generate_key_pair, seal_secret, unseal,
};
