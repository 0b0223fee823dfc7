//! The kubeseal value format: `u16 BE len ‖ RSA-OAEP(key) ‖ AES-GCM(plaintext) ‖ tag`, base64.
//!
//! One fresh 32-byte AES-256 key per value is wrapped with RSA-OAEP (SHA-256 for both the OAEP
//! hash and MGF1, the scope label as OAEP label). The GCM nonce is 12 zero bytes and there is no
//! AAD: safe only because each session key encrypts exactly one message, so keys are never cached.

use aws_lc_rs::aead::{AES_128_GCM, AES_192_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rsa::{
    OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PublicEncryptingKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::plaintext::Plaintext;

const SESSION_KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HybridError {
    #[error("sealed value is not valid base64 ({reason})")]
    Base64 { reason: String },
    #[error(
        "sealed value is too short: {len} bytes, a sealed value has at least a 2-byte length prefix"
    )]
    TooShort { len: usize },
    #[error(
        "sealed value is truncated: its prefix announces a {declared}-byte RSA block but only {available} bytes follow"
    )]
    Truncated { declared: usize, available: usize },
    #[error("the operating system random number generator failed")]
    Random,
    #[error("RSA-OAEP encryption failed (a {key_bits}-bit key)")]
    Encrypt { key_bits: usize },
}

/// Why one key could not open one value. The caller aggregates these over a key set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFailure {
    /// The RSA block did not unwrap: another key, or another scope label (namespace/name).
    Unwrap,
    /// The RSA block unwrapped, so key and label are right, but AES-GCM rejected the payload:
    /// the ciphertext or its tag was altered or cut.
    Tag,
}

/// The two parts of a decoded blob, borrowed from it.
pub(crate) struct Parts<'a> {
    pub rsa: &'a [u8],
    pub aead: &'a [u8],
}

/// Decodes the standard padded base64 text stored in `encryptedData` (and `spec.data`).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, HybridError> {
    STANDARD
        .decode(text.trim())
        .map_err(|e| HybridError::Base64 {
            reason: e.to_string(),
        })
}

pub fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Splits a decoded blob into its RSA block and its AES-GCM part (which may be empty here; GCM
/// rejects it later, as upstream does).
pub(crate) fn split(blob: &[u8]) -> Result<Parts<'_>, HybridError> {
    let (prefix, rest) = blob
        .split_first_chunk::<2>()
        .ok_or(HybridError::TooShort { len: blob.len() })?;
    let declared = usize::from(u16::from_be_bytes(*prefix));
    if rest.len() < declared {
        return Err(HybridError::Truncated {
            declared,
            available: rest.len(),
        });
    }
    let (rsa, aead) = rest.split_at(declared);
    Ok(Parts { rsa, aead })
}

/// Seals one value to a public key and label; returns the raw (not yet base64) blob.
pub(crate) fn seal(
    public: &PublicEncryptingKey,
    label: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, HybridError> {
    let key_bits = public.key_size_bits();
    let oaep = OaepPublicEncryptingKey::new(public.clone())
        .map_err(|_| HybridError::Encrypt { key_bits })?;

    let mut session_key = Zeroizing::new([0u8; SESSION_KEY_LEN]);
    aws_lc_rs::rand::fill(session_key.as_mut_slice()).map_err(|_| HybridError::Random)?;

    let mut wrapped = vec![0u8; oaep.ciphertext_size()];
    let wrapped_len = oaep
        .encrypt(
            &OAEP_SHA256_MGF1SHA256,
            session_key.as_slice(),
            &mut wrapped,
            Some(label),
        )
        .map_err(|_| HybridError::Encrypt { key_bits })?
        .len();
    wrapped.truncate(wrapped_len);
    let prefix = u16::try_from(wrapped_len).map_err(|_| HybridError::Encrypt { key_bits })?;

    let unbound = UnboundKey::new(&AES_256_GCM, session_key.as_slice())
        .map_err(|_| HybridError::Encrypt { key_bits })?;
    let aead = LessSafeKey::new(unbound);

    let mut blob = Vec::with_capacity(2 + wrapped_len + plaintext.len() + TAG_LEN);
    blob.extend_from_slice(&prefix.to_be_bytes());
    blob.extend_from_slice(&wrapped);
    // Encrypt in a separate, zeroizing buffer with room for the tag, so no copy of the plaintext
    // is left behind in a reallocated or spare region.
    let mut body = Zeroizing::new(Vec::with_capacity(plaintext.len() + TAG_LEN));
    body.extend_from_slice(plaintext);
    aead.seal_in_place_append_tag(
        Nonce::assume_unique_for_key([0u8; 12]),
        Aad::empty(),
        &mut *body,
    )
    .map_err(|_| HybridError::Encrypt { key_bits })?;
    blob.extend_from_slice(&body);
    Ok(blob)
}

/// Tries one private key on one split blob.
pub(crate) fn open(
    key: &OaepPrivateDecryptingKey,
    label: &[u8],
    parts: &Parts<'_>,
) -> Result<Plaintext, OpenFailure> {
    let mut unwrapped = Zeroizing::new(vec![0u8; key.min_output_size()]);
    let session_key = key
        .decrypt(
            &OAEP_SHA256_MGF1SHA256,
            parts.rsa,
            &mut unwrapped,
            Some(label),
        )
        .map_err(|_| OpenFailure::Unwrap)?;
    // Upstream hands the unwrapped bytes to Go's aes.NewCipher, which takes 16, 24 or 32 bytes;
    // accept the same so that any value upstream opens, we open too.
    let algorithm = match session_key.len() {
        16 => &AES_128_GCM,
        24 => &AES_192_GCM,
        32 => &AES_256_GCM,
        _ => return Err(OpenFailure::Tag),
    };
    let unbound = UnboundKey::new(algorithm, session_key).map_err(|_| OpenFailure::Tag)?;
    let aead = LessSafeKey::new(unbound);
    let mut buffer = Plaintext::from_slice(parts.aead);
    let len = buffer
        .open_in_place_with(|bytes| {
            aead.open_in_place(Nonce::assume_unique_for_key([0u8; 12]), Aad::empty(), bytes)
                .map(|plain| plain.len())
        })
        .map_err(|_| OpenFailure::Tag)?;
    buffer.truncate(len);
    Ok(buffer)
}
