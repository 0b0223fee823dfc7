//! The sealing certificate: parse, inspect (fingerprints, size, validity) and check it is usable.

use aws_lc_rs::rsa::PublicEncryptingKey;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use super::fingerprint;

#[derive(Debug, thiserror::Error)]
pub enum CertError {
    #[error("no CERTIFICATE block found in the PEM input")]
    NoCertificate,
    #[error("the PEM input is malformed ({reason})")]
    Pem { reason: String },
    #[error("the certificate is not valid X.509 DER ({reason})")]
    Der { reason: String },
    #[error("the certificate holds a {algorithm} key; sealing needs an RSA key")]
    NotRsa { algorithm: String },
    #[error("the certificate's RSA key is not usable for RSA-OAEP ({bits} bits)")]
    UnusableKey { bits: usize },
    /// The modulus is fine but the public exponent is not (even, 1, or over 32 bits).
    #[error(
        "the certificate's RSA public exponent is not usable (it must be odd, at least 3 and at most 32 bits; 65537 is usual)"
    )]
    UnusableExponent,
    #[error(
        "the certificate expired at {not_after} (NotAfter); fetch the controller's current cert"
    )]
    Expired { not_after: String },
}

/// A parsed sealing certificate: the public half of a controller key pair.
#[derive(Clone)]
pub struct SealingCert {
    der: Vec<u8>,
    public: PublicEncryptingKey,
    bits: usize,
    fingerprint: String,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl std::fmt::Debug for SealingCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealingCert")
            .field("fingerprint", &self.fingerprint)
            .field("bits", &self.bits)
            .field("not_before", &rfc3339(self.not_before))
            .field("not_after", &rfc3339(self.not_after))
            .finish()
    }
}

impl SealingCert {
    /// Parses the first CERTIFICATE block and refuses an expired certificate, as kubeseal does
    /// ("failed to encrypt using an expired certificate"). Use this for sealing.
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, CertError> {
        let cert = Self::inspect_pem(pem_text)?;
        cert.check_not_expired_at(OffsetDateTime::now_utc())?;
        Ok(cert)
    }

    /// Parses the first CERTIFICATE block without any validity check (for `sealgate cert`).
    pub fn inspect_pem(pem_text: &[u8]) -> Result<Self, CertError> {
        let blocks = pem::parse_many(pem_text).map_err(|e| CertError::Pem {
            reason: e.to_string(),
        })?;
        let block = blocks
            .into_iter()
            .find(|b| b.tag() == "CERTIFICATE")
            .ok_or(CertError::NoCertificate)?;
        Self::from_der(block.into_contents())
    }

    /// Parses one DER certificate without any validity check.
    pub fn from_der(der: Vec<u8>) -> Result<Self, CertError> {
        let (_, cert) = X509Certificate::from_der(&der).map_err(|e| CertError::Der {
            reason: e.to_string(),
        })?;
        let spki = cert.public_key();
        let (modulus, exponent) = match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => (rsa.modulus.to_vec(), rsa.exponent.to_vec()),
            _ => {
                return Err(CertError::NotRsa {
                    algorithm: algorithm_name(&spki.algorithm.algorithm.to_id_string()),
                });
            }
        };
        let bits = significant_bits(&modulus);
        // said apart from the size: a bad exponent used to read as "not usable (4096 bits)"
        let exponent_bits = significant_bits(&exponent);
        if exponent.last().is_none_or(|b| b % 2 == 0) || !(2..=32).contains(&exponent_bits) {
            return Err(CertError::UnusableExponent);
        }
        let public =
            PublicEncryptingKey::from_der(spki.raw).map_err(|_| CertError::UnusableKey { bits })?;
        let not_before = cert.validity().not_before.to_datetime();
        let not_after = cert.validity().not_after.to_datetime();
        let fingerprint = fingerprint::ssh_sha256(&modulus, &exponent);
        Ok(Self {
            der,
            public,
            bits,
            fingerprint,
            not_before,
            not_after,
        })
    }

    /// Errors with the NotAfter time when the certificate has expired at `now`.
    pub fn check_not_expired_at(&self, now: OffsetDateTime) -> Result<(), CertError> {
        if self.not_after < now {
            return Err(CertError::Expired {
                not_after: rfc3339(self.not_after),
            });
        }
        Ok(())
    }

    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        self.not_after < now
    }

    /// Upstream's key name: `SHA256:<unpadded base64>` of the ssh-rsa public key.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Lower-case hex SHA-256 of the certificate DER (what `openssl x509 -fingerprint -sha256`
    /// shows, without colons).
    pub fn cert_sha256(&self) -> String {
        fingerprint::sha256_hex(&self.der)
    }

    pub fn key_bits(&self) -> usize {
        self.bits
    }

    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        pem::encode(&pem::Pem::new("CERTIFICATE", self.der.clone()))
    }

    pub(crate) fn public_key(&self) -> &PublicEncryptingKey {
        &self.public
    }
}

/// RFC 3339 rendering used in messages; falls back to the debug form, which never fails.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| format!("{t:?}"))
}

fn significant_bits(unsigned_be: &[u8]) -> usize {
    match unsigned_be.iter().position(|&b| b != 0) {
        Some(i) => (unsigned_be.len() - i) * 8 - unsigned_be[i].leading_zeros() as usize,
        None => 0,
    }
}

fn algorithm_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.10045.2.1" => "ECDSA",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        _ => return format!("non-RSA ({oid})"),
    };
    name.to_owned()
}
