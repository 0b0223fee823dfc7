//! Public-key fingerprints: upstream's OpenSSH-style `SHA256:…` name for an RSA key.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// `SHA256:<unpadded base64 of SHA-256 over the ssh-rsa wire encoding>` — what upstream's
/// `PublicKeyFingerprint` (x/crypto/ssh `FingerprintSHA256`) computes, so our key names match the
/// ones an existing installation logs.
pub(crate) fn ssh_sha256(modulus: &[u8], exponent: &[u8]) -> String {
    let mut wire = Vec::with_capacity(modulus.len() + exponent.len() + 32);
    put_string(&mut wire, b"ssh-rsa");
    put_mpint(&mut wire, exponent);
    put_mpint(&mut wire, modulus);
    format!(
        "SHA256:{}",
        STANDARD_NO_PAD.encode(digest(&SHA256, &wire).as_ref())
    )
}

/// Lower-case hex SHA-256 of arbitrary bytes (used for the cert DER fingerprint).
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    digest(&SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    // RFC 4251 lengths are u32; an RSA modulus is far below that.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// RFC 4251 mpint of a non-negative big-endian integer: minimal bytes, with a 0x00 in front when
/// the top bit is set so it does not read as negative.
fn put_mpint(out: &mut Vec<u8>, unsigned_be: &[u8]) {
    let first_non_zero = unsigned_be
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(unsigned_be.len());
    let digits = &unsigned_be[first_non_zero..];
    if digits.first().is_some_and(|&b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(digits.len() + 1);
        padded.push(0);
        padded.extend_from_slice(digits);
        put_string(out, &padded);
    } else {
        put_string(out, digits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpint_adds_sign_byte_and_strips_leading_zeros() {
        let mut out = Vec::new();
        put_mpint(&mut out, &[0x00, 0x00, 0x80, 0x01]);
        assert_eq!(out, vec![0, 0, 0, 3, 0x00, 0x80, 0x01]);
        let mut out = Vec::new();
        put_mpint(&mut out, &[0x01, 0x00, 0x01]);
        assert_eq!(out, vec![0, 0, 0, 3, 0x01, 0x00, 0x01]);
    }
}
