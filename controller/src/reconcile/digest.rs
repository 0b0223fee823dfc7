//! The fast-path digest: a SHA-256 over everything that decides a SealedSecret's Secret.
//!
//! Stored on the produced Secret (`sealgate.dev/sealed-digest`). When a SealedSecret's digest
//! equals the one on its existing Secret, the Secret is already what unsealing would produce, so
//! nothing is decrypted: a restart with everything in sync costs no RSA operation. The digest
//! covers ciphertexts (not plaintexts), so it reveals nothing about secret values.

/// Computed in the core, where `sealgate drift` finds it too.
pub use sealgate_core::seal::sealed_digest;

/// Annotation on the Secret: digest of the SealedSecret it was produced from.
pub const DIGEST_ANNOTATION: &str = sealgate_core::seal::SEALED_DIGEST_ANNOTATION;
/// Annotation on the Secret: fingerprint of the key that opened its items (tried first next time).
pub const FINGERPRINT_ANNOTATION: &str = "sealgate.dev/key-fingerprint";
