//! Key pair generation like upstream's controller: RSA-4096 and a self-signed encipher-only cert.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PKCS_RSA_SHA256, RsaKeySize, SerialNumber,
};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use super::cert::SealingCert;
use super::keys::PrivateKey;

#[derive(Debug, thiserror::Error)]
pub enum KeyGenError {
    #[error("RSA key generation failed ({reason})")]
    Generate { reason: String },
    #[error("self-signing the sealing certificate failed ({reason})")]
    Sign { reason: String },
    #[error("the operating system random number generator failed")]
    Random,
    #[error("the generated key could not be re-read ({reason})")]
    Reload { reason: String },
}

/// RSA modulus size of a generated key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyBits {
    Rsa2048,
    Rsa3072,
    /// Upstream's default and the only size its controller generates.
    #[default]
    Rsa4096,
}

/// How to make a key pair; the defaults are upstream's (`--key-ttl 87600h`, `--my-cn ""`).
#[derive(Debug, Clone)]
pub struct KeyGenOptions {
    pub bits: KeyBits,
    /// Subject and issuer CN; `None` gives an empty DN like upstream's default.
    pub common_name: Option<String>,
    pub not_before: OffsetDateTime,
    pub validity: Duration,
}

impl Default for KeyGenOptions {
    fn default() -> Self {
        Self {
            bits: KeyBits::default(),
            common_name: None,
            not_before: OffsetDateTime::now_utc(),
            validity: Duration::hours(87_600),
        }
    }
}

/// A freshly generated key pair as the PEM texts a `kubernetes.io/tls` key Secret stores.
pub struct GeneratedKeyPair {
    key_pem: Zeroizing<String>,
    cert_pem: String,
}

impl std::fmt::Debug for GeneratedKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKeyPair")
            .field("cert_pem", &self.cert_pem)
            .finish_non_exhaustive()
    }
}

impl GeneratedKeyPair {
    /// `tls.key`: PKCS#1 `RSA PRIVATE KEY` PEM, as upstream writes it.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// `tls.crt`: the self-signed certificate PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    pub fn sealing_cert(&self) -> Result<SealingCert, KeyGenError> {
        SealingCert::inspect_pem(self.cert_pem.as_bytes()).map_err(|e| KeyGenError::Reload {
            reason: e.to_string(),
        })
    }

    /// The private key, dated by the cert's NotBefore.
    pub fn private_key(&self) -> Result<PrivateKey, KeyGenError> {
        let cert = self.sealing_cert()?;
        let key =
            PrivateKey::from_pem(self.key_pem.as_bytes()).map_err(|e| KeyGenError::Reload {
                reason: e.to_string(),
            })?;
        Ok(key.with_not_before(cert.not_before()))
    }
}

/// Generates a key pair the way upstream's controller does (`pkg/crypto/keys.go`): random
/// 128-bit serial, subject = issuer = `CN=<common_name>` or empty, KeyUsage encipherOnly
/// (critical), BasicConstraints CA, sha256WithRSAEncryption.
pub fn generate_key_pair(options: &KeyGenOptions) -> Result<GeneratedKeyPair, KeyGenError> {
    let size = match options.bits {
        KeyBits::Rsa2048 => RsaKeySize::_2048,
        KeyBits::Rsa3072 => RsaKeySize::_3072,
        KeyBits::Rsa4096 => RsaKeySize::_4096,
    };
    let key_pair =
        KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, size).map_err(|e| KeyGenError::Generate {
            reason: e.to_string(),
        })?;

    let mut serial = [0u8; 16];
    aws_lc_rs::rand::fill(&mut serial).map_err(|_| KeyGenError::Random)?;
    let mut params = CertificateParams::default();
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let mut name = DistinguishedName::new();
    if let Some(cn) = options.common_name.as_deref().filter(|cn| !cn.is_empty()) {
        name.push(DnType::CommonName, cn);
    }
    params.distinguished_name = name;
    params.not_before = options.not_before;
    params.not_after = options.not_before + options.validity;
    params.key_usages = vec![KeyUsagePurpose::EncipherOnly];
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params
        .self_signed(&key_pair)
        .map_err(|e| KeyGenError::Sign {
            reason: e.to_string(),
        })?;

    let pkcs8 = Zeroizing::new(key_pair.serialize_der());
    let pkcs1 = pkcs1_from_pkcs8(&pkcs8)?;
    let block = pem::Pem::new("RSA PRIVATE KEY", pkcs1.to_vec());
    let key_pem = Zeroizing::new(pem::encode(&block));
    zeroize::Zeroize::zeroize(&mut block.into_contents());
    Ok(GeneratedKeyPair {
        key_pem,
        cert_pem: cert.pem(),
    })
}

/// A PKCS#8 `PrivateKeyInfo` wraps the PKCS#1 `RSAPrivateKey` in its `privateKey` octet string.
fn pkcs1_from_pkcs8(pkcs8_der: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyGenError> {
    let info = pkcs8::PrivateKeyInfo::try_from(pkcs8_der).map_err(|e| KeyGenError::Reload {
        reason: e.to_string(),
    })?;
    Ok(Zeroizing::new(info.private_key.to_vec()))
}
