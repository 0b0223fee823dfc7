//! Unsealing keys: RSA private keys from PEM, and a newest-first key set that opens sealed values.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use aws_lc_rs::{hkdf, hmac};
use time::OffsetDateTime;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;
use zeroize::Zeroizing;

use super::fingerprint;
use super::hybrid::{self, HybridError, OpenFailure};
use super::plaintext::Plaintext;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no private key PEM block found (expected RSA PRIVATE KEY or PRIVATE KEY)")]
    NoPrivateKey,
    #[error("the PEM input is malformed ({reason})")]
    Pem { reason: &'static str },
    #[error("the {block} block is not a usable RSA private key (non-RSA, or RSA below 2048 bits)")]
    NotRsa { block: String },
    #[error("could not export the RSA key")]
    Export,
}

/// One RSA private key, ready for RSA-OAEP. Key bytes live inside aws-lc (freed and cleansed by
/// it); this type never prints them.
pub struct PrivateKey {
    oaep: OaepPrivateDecryptingKey,
    /// HMAC-SHA-256 key derived from the private key (see [`PrivateKey::data_tag`]).
    tag_key: hmac::Key,
    fingerprint: String,
    bits: usize,
    not_before: Option<OffsetDateTime>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("fingerprint", &self.fingerprint)
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

/// What is wrong with private-key PEM, without the parser's details: they quote header lines
/// and offending base64 bytes, which are key material and would reach logs and Events.
pub(crate) fn pem_reason(error: &pem::PemError) -> &'static str {
    match error {
        pem::PemError::MismatchedTags(..) => "BEGIN and END labels differ",
        pem::PemError::MalformedFraming => "malformed BEGIN/END framing",
        pem::PemError::MissingBeginTag => "no BEGIN line",
        pem::PemError::MissingEndTag => "no END line",
        pem::PemError::MissingData => "no data between BEGIN and END",
        pem::PemError::InvalidData(_) => "the body is not valid base64",
        pem::PemError::InvalidHeader(_) => "a malformed header line",
        pem::PemError::NotUtf8(_) => "not UTF-8 text",
    }
}

impl PrivateKey {
    /// Reads the first private-key PEM block: PKCS#1 `RSA PRIVATE KEY` (what upstream writes) or
    /// PKCS#8 `PRIVATE KEY` (what client-go's `ParsePrivateKeyPEM` also accepts).
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, KeyError> {
        let blocks = pem::parse_many(pem_text).map_err(|e| KeyError::Pem {
            reason: pem_reason(&e),
        })?;
        let block = blocks
            .into_iter()
            .find(|b| matches!(b.tag(), "RSA PRIVATE KEY" | "PRIVATE KEY"))
            .ok_or(KeyError::NoPrivateKey)?;
        let der = Zeroizing::new(block.contents().to_vec());
        if block.tag() == "RSA PRIVATE KEY" {
            Self::from_pkcs1_der(&der)
        } else {
            Self::from_pkcs8_der(&der)
        }
    }

    /// PKCS#1 `RSAPrivateKey` DER.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let not_rsa = || KeyError::NotRsa {
            block: "RSA PRIVATE KEY".to_owned(),
        };
        // aws-lc's decrypting key only reads PKCS#8; its signing KeyPair reads PKCS#1 and
        // re-exports PKCS#8, which bridges the two.
        let pair = KeyPair::from_der(der).map_err(|_| not_rsa())?;
        let pkcs8 = pair.as_der().map_err(|_| KeyError::Export)?;
        let pkcs8 = Zeroizing::new(pkcs8.as_ref().to_vec());
        Self::from_pkcs8_der(&pkcs8).map_err(|_| not_rsa())
    }

    /// PKCS#8 `PrivateKeyInfo` DER holding an RSA key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = PrivateDecryptingKey::from_pkcs8(der).map_err(|_| KeyError::NotRsa {
            block: "PRIVATE KEY".to_owned(),
        })?;
        Self::from_decrypting_key(key)
    }

    pub(crate) fn from_decrypting_key(key: PrivateDecryptingKey) -> Result<Self, KeyError> {
        let spki = key.public_key().as_der().map_err(|_| KeyError::Export)?;
        let (_, info) =
            SubjectPublicKeyInfo::from_der(spki.as_ref()).map_err(|_| KeyError::Export)?;
        let fingerprint = match info.parsed() {
            Ok(PublicKey::RSA(rsa)) => fingerprint::ssh_sha256(rsa.modulus, rsa.exponent),
            _ => return Err(KeyError::Export),
        };
        let bits = key.key_size_bits();
        let tag_key = derive_tag_key(&key)?;
        let oaep = OaepPrivateDecryptingKey::new(key).map_err(|_| KeyError::Export)?;
        Ok(Self {
            oaep,
            tag_key,
            fingerprint,
            bits,
            not_before: None,
        })
    }

    /// Records when the key pair was made (its cert's NotBefore), which orders a key set
    /// newest first like upstream's key registry.
    pub fn with_not_before(mut self, not_before: OffsetDateTime) -> Self {
        self.not_before = Some(not_before);
        self
    }

    /// Upstream's key name: `SHA256:<unpadded base64>` of the ssh-rsa public key.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub fn key_bits(&self) -> usize {
        self.bits
    }

    /// HMAC-SHA-256 over `parts` (each length-prefixed, so the framing is unambiguous) under a
    /// key only the holder of this private key can derive (HKDF-SHA-256 over its PKCS#8
    /// encoding). The controller records it on the Secrets it writes to notice later edits of
    /// their data: keyed, so the tag of a low-entropy value is no dictionary-attack oracle.
    /// The parts are fed to the MAC in place: no copy of a (secret) part is made.
    pub fn data_tag<'a>(&self, parts: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
        let mut context = hmac::Context::with_key(&self.tag_key);
        for part in parts {
            context.update(&(part.len() as u64).to_be_bytes());
            context.update(part);
        }
        context.sign().as_ref().to_vec()
    }

    /// Whether `tag` is [`PrivateKey::data_tag`] of `parts` (constant-time comparison).
    pub fn verify_data_tag<'a>(
        &self,
        parts: impl IntoIterator<Item = &'a [u8]>,
        tag: &[u8],
    ) -> bool {
        let expected = self.data_tag(parts);
        aws_lc_rs::constant_time::verify_slices_are_equal(&expected, tag).is_ok()
    }

    pub fn not_before(&self) -> Option<OffsetDateTime> {
        self.not_before
    }
}

/// Domain separation of the derived tag key: it is used for nothing else.
const TAG_KEY_SALT: &[u8] = b"sealgate.dev/data-digest";
const TAG_KEY_INFO: &[u8] = b"sealgate data digest v1 hmac-sha256";

fn derive_tag_key(key: &PrivateDecryptingKey) -> Result<hmac::Key, KeyError> {
    let pkcs8 = key.as_der().map_err(|_| KeyError::Export)?;
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, TAG_KEY_SALT).extract(pkcs8.as_ref());
    let okm = prk
        .expand(&[TAG_KEY_INFO], hmac::HMAC_SHA256)
        .map_err(|_| KeyError::Export)?;
    Ok(hmac::Key::from(okm))
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error(transparent)]
    Format(#[from] HybridError),
    #[error("no unsealing key was given")]
    NoKeys,
    #[error(
        "no key could decrypt it (tried {tried} key(s)): it was sealed with another key, or for another namespace, name or scope"
    )]
    NoKeyMatched { tried: usize },
    #[error(
        "its content was altered: the key and scope match but the AES-GCM tag does not verify (tampered or cut blob)"
    )]
    Tampered { fingerprint: String },
}

/// A value opened by a key set, with the key that opened it (for the controller's fast path).
pub struct Opened {
    pub plaintext: Plaintext,
    pub key_index: usize,
    pub fingerprint: String,
    /// RSA private-key operations spent (1 when the first key tried opened it).
    pub rsa_operations: usize,
}

/// Any number of private keys, kept newest first (by cert NotBefore; keys without one after,
/// in the order added).
#[derive(Debug, Default)]
pub struct UnsealingKeys {
    keys: Vec<PrivateKey>,
}

impl UnsealingKeys {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, key: PrivateKey) {
        if self.keys.iter().any(|k| k.fingerprint == key.fingerprint) {
            return;
        }
        self.keys.push(key);
        // Stable sort keeps insertion order among equal/unknown times.
        self.keys
            .sort_by(|a, b| match (a.not_before, b.not_before) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &PrivateKey> {
        self.keys.iter()
    }

    /// Opens one base64 value for `label`. Tries the key named by `hint` (a fingerprint, e.g. the
    /// one that opened this item last time) first, then every other key newest first, so in the
    /// steady state one RSA operation suffices.
    pub fn open(
        &self,
        label: &[u8],
        value_b64: &str,
        hint: Option<&str>,
    ) -> Result<Opened, OpenError> {
        let blob = hybrid::decode_base64(value_b64)?;
        self.open_bytes(label, &blob, hint)
    }

    /// Like [`UnsealingKeys::open`] on an already decoded blob.
    pub fn open_bytes(
        &self,
        label: &[u8],
        blob: &[u8],
        hint: Option<&str>,
    ) -> Result<Opened, OpenError> {
        if self.keys.is_empty() {
            return Err(OpenError::NoKeys);
        }
        let parts = hybrid::split(blob)?;
        let hinted = hint.and_then(|h| self.keys.iter().position(|k| k.fingerprint == h));
        let order = hinted
            .into_iter()
            .chain((0..self.keys.len()).filter(|&i| Some(i) != hinted));
        let mut tampered_with = None;
        for (attempt, index) in order.enumerate() {
            let key = &self.keys[index];
            match hybrid::open(&key.oaep, label, &parts) {
                Ok(plaintext) => {
                    return Ok(Opened {
                        plaintext,
                        key_index: index,
                        fingerprint: key.fingerprint.clone(),
                        rsa_operations: attempt + 1,
                    });
                }
                Err(OpenFailure::Tag) => tampered_with = Some(key.fingerprint.clone()),
                Err(OpenFailure::Unwrap) => {}
            }
        }
        match tampered_with {
            Some(fingerprint) => Err(OpenError::Tampered { fingerprint }),
            None => Err(OpenError::NoKeyMatched {
                tried: self.keys.len(),
            }),
        }
    }
}

impl FromIterator<PrivateKey> for UnsealingKeys {
    fn from_iter<I: IntoIterator<Item = PrivateKey>>(iter: I) -> Self {
        let mut keys = Self::new();
        for key in iter {
            keys.push(key);
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_pem_errors_quote_no_key_material() {
        // A header line and a bad base64 byte: the parser's own messages would quote both.
        let cases: [&[u8]; 3] = [
            b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: SECRETHEADERVALUE\nMIIE$%^SECRETBODY\n-----END RSA PRIVATE KEY-----\n",
            b"-----BEGIN RSA PRIVATE KEY-----\nMIIEow*SECRETBODY\n-----END RSA PRIVATE KEY-----\n",
            b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowSECRETBODY\n-----END PRIVATE KEY SECRETTAIL-----\n",
        ];
        for pem_text in cases {
            let message = match PrivateKey::from_pem(pem_text) {
                Ok(_) => panic!("malformed PEM accepted"),
                Err(e) => e.to_string(),
            };
            assert!(!message.contains("SECRET"), "{message}");
            assert!(
                !message.contains('*') && !message.contains('$'),
                "{message}"
            );
        }
    }

    #[test]
    fn data_tag_depends_on_the_key_and_the_message_and_survives_a_reload() {
        let make = || {
            crate::seal::generate_key_pair(&crate::seal::KeyGenOptions {
                bits: crate::seal::KeyBits::Rsa2048,
                ..crate::seal::KeyGenOptions::default()
            })
            .unwrap()
        };
        let (one, two) = (make(), make());
        let a = one.private_key().unwrap();
        let tag = a.data_tag([&b"mess"[..], b"age"]);
        assert_eq!(tag.len(), 32);
        assert!(a.verify_data_tag([&b"mess"[..], b"age"], &tag));
        // Length prefixes: moving a byte between parts changes the tag.
        assert!(!a.verify_data_tag([&b"messa"[..], b"ge"], &tag));
        assert!(!a.verify_data_tag([&b"mess"[..], b"agf"], &tag));
        // The same key read again (PKCS#1 PEM, as from its Secret) derives the same tag key.
        let again = PrivateKey::from_pem(one.key_pem().as_bytes()).unwrap();
        assert!(again.verify_data_tag([&b"mess"[..], b"age"], &tag));
        let b = two.private_key().unwrap();
        assert!(!b.verify_data_tag([&b"mess"[..], b"age"], &tag));
        assert_ne!(b.data_tag([&b"mess"[..], b"age"]), tag);
    }
}
