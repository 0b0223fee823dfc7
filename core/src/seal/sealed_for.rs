//! Which certificate a SealedSecret was sealed for. The blob format carries no key id, so sealgate
//! records a hint in its own top-level annotation, and the blob's RSA block length tells the
//! key size even without one.
//!
//! The hint lives on the SealedSecret's top-level metadata, never in `spec.template`: neither the
//! sealed-secrets controller nor sealgate's copies top-level annotations into the Secret, and the
//! blob stays byte-compatible.

use super::cert::SealingCert;
use super::hybrid;
use super::sealed_secret::SealedSecret;

/// `sealgate.dev/sealed-for: SHA256:<fingerprint>` — the fingerprint `sealgate cert` shows (the
/// upstream key name) of the certificate every item was sealed for.
pub const SEALED_FOR_ANNOTATION: &str = "sealgate.dev/sealed-for";

/// Records that every item of `sealed` was sealed for `cert`.
pub fn mark_sealed_for(sealed: &mut SealedSecret, cert: &SealingCert) {
    sealed.metadata.annotations.insert(
        SEALED_FOR_ANNOTATION.to_owned(),
        cert.fingerprint().to_owned(),
    );
}

/// The length in bytes of a blob's RSA block, which is the sealing key's modulus size: `None`
/// when the text is not base64 or too short to hold the length prefix.
pub fn rsa_block_bytes(blob: &str) -> Option<usize> {
    let bytes = hybrid::decode_base64(blob).ok()?;
    let parts = hybrid::split(&bytes).ok()?;
    Some(parts.rsa.len())
}

/// The size in bytes of an RSA block sealed for `cert`.
pub fn block_bytes_for(cert: &SealingCert) -> usize {
    cert.key_bits().div_ceil(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{KeyBits, KeyGenOptions, Scope, generate_key_pair, seal_raw};

    #[test]
    fn block_length_is_the_modulus_size() {
        let pair = generate_key_pair(&KeyGenOptions {
            bits: KeyBits::Rsa2048,
            ..KeyGenOptions::default()
        })
        .unwrap();
        let cert = pair.sealing_cert().unwrap();
        let blob = seal_raw(&cert, Scope::ClusterWide, None, None, b"v").unwrap();
        assert_eq!(rsa_block_bytes(&blob), Some(256));
        assert_eq!(block_bytes_for(&cert), 256);
        assert_eq!(rsa_block_bytes("not base64!"), None);
        assert_eq!(rsa_block_bytes("AA=="), None);
    }
}
