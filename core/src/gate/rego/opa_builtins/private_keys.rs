//! OPA's `crypto.parse_private_keys` (every RSA, EC and Ed25519 private key of PEM text, as Go's
//! `json.Marshal` writes Go's key structs) and `crypto.x509.parse_rsa_private_key` (the first key
//! as a JWK), OPA v1.22.3's `topdown/crypto.go`.
//!
//! Keys are read from `RSA PRIVATE KEY` (PKCS #1), `EC PRIVATE KEY` (SEC 1) and `PRIVATE KEY`
//! (PKCS #8) blocks by der-parser (through x509-parser); an EC key's public point comes from
//! aws-lc-rs, an Ed25519 key's from its seed. Go's JSON of an RSA key holds its numbers (`N`, `E`,
//! `D`, `Primes`, `Precomputed`), of an EC key `Curve` (`{}`: Go's curve has no exported field),
//! `X`, `Y` and `D`, of an Ed25519 key the 64 bytes seed and public key in base64. A key never
//! appears in an error.

use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use regorus::Value;
use x509_parser::asn1_rs::Class;
use x509_parser::der_parser::ber::BerObject;
use x509_parser::der_parser::der::parse_der;
use x509_parser::num_bigint::BigUint;

use super::x509::{big_value, object};
use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("crypto.parse_private_keys", 1, parse_private_keys),
    (
        "crypto.x509.parse_rsa_private_key",
        1,
        parse_rsa_private_key,
    ),
];

pub(super) struct RsaKey {
    n: BigUint,
    e: BigUint,
    d: BigUint,
    p: BigUint,
    q: BigUint,
    dp: BigUint,
    dq: BigUint,
    qi: BigUint,
}

/// A NIST curve Go supports: its name in a JWK, its size in bytes and its aws-lc-rs algorithm.
struct Curve {
    name: &'static str,
    size: usize,
    signing: &'static signature::EcdsaSigningAlgorithm,
}

pub(super) enum PrivateKey {
    Rsa(RsaKey),
    Ec {
        curve: &'static str,
        size: usize,
        x: Vec<u8>,
        y: Vec<u8>,
        d: Vec<u8>,
    },
    Ed25519 {
        seed: Vec<u8>,
        public: Vec<u8>,
    },
}

const BAD_KEY: &str = "x509: failed to parse private key";

fn curve_of(oid: &str) -> Result<Curve, String> {
    match oid {
        "1.2.840.10045.3.1.7" => Ok(Curve {
            name: "P-256",
            size: 32,
            signing: &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        }),
        "1.3.132.0.34" => Ok(Curve {
            name: "P-384",
            size: 48,
            signing: &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        }),
        "1.3.132.0.35" => Ok(Curve {
            name: "P-521",
            size: 66,
            signing: &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
        }),
        _ => Err("x509: unknown elliptic curve".to_owned()),
    }
}

fn der(bytes: &[u8]) -> Result<BerObject<'_>, String> {
    parse_der(bytes)
        .map(|(_, object)| object)
        .map_err(|_| BAD_KEY.to_owned())
}

fn unsigned(object: &BerObject) -> Result<BigUint, String> {
    object.as_biguint().map_err(|_| BAD_KEY.to_owned())
}

/// Go's `ParsePKCS1PrivateKey`: version 0, two primes.
fn pkcs1(bytes: &[u8]) -> Result<PrivateKey, String> {
    let object = der(bytes)?;
    let items = object.as_sequence().map_err(|_| BAD_KEY.to_owned())?;
    let [version, n, e, d, p, q, dp, dq, qi, ..] = items.as_slice() else {
        return Err(BAD_KEY.to_owned());
    };
    if version.as_u32().ok() != Some(0) {
        return Err("x509: unsupported private key version".to_owned());
    }
    Ok(PrivateKey::Rsa(RsaKey {
        n: unsigned(n)?,
        e: unsigned(e)?,
        d: unsigned(d)?,
        p: unsigned(p)?,
        q: unsigned(q)?,
        dp: unsigned(dp)?,
        dq: unsigned(dq)?,
        qi: unsigned(qi)?,
    }))
}

/// The public point `04 || X || Y` of an aws-lc-rs key pair, split.
fn point(pair: &EcdsaKeyPair, size: usize) -> Result<(Vec<u8>, Vec<u8>), String> {
    let public = pair.public_key().as_ref();
    if public.len() != 1 + 2 * size || public[0] != 4 {
        return Err(BAD_KEY.to_owned());
    }
    Ok((public[1..=size].to_vec(), public[size + 1..].to_vec()))
}

/// The private scalar and curve OID (when present) of a SEC 1 `ECPrivateKey`.
fn sec1_fields(bytes: &[u8]) -> Result<(Vec<u8>, Option<String>), String> {
    let object = der(bytes)?;
    let items = object.as_sequence().map_err(|_| BAD_KEY.to_owned())?;
    let d = items
        .get(1)
        .and_then(|d| d.as_slice().ok())
        .ok_or(BAD_KEY)?
        .to_vec();
    // `[0] EXPLICIT` parameters: the curve's OID
    let curve = items.iter().skip(2).find_map(|item| {
        if item.header.class() != Class::ContextSpecific || item.header.tag().0 != 0 {
            return None;
        }
        let (_, oid) = parse_der(item.as_slice().ok()?).ok()?;
        oid.as_oid().ok().map(|o| o.to_id_string())
    });
    Ok((d, curve))
}

fn ec_key(
    curve_oid: &str,
    d: Vec<u8>,
    pair: impl FnOnce(&Curve) -> Option<EcdsaKeyPair>,
) -> Result<PrivateKey, String> {
    let curve = curve_of(curve_oid)?;
    let pair = pair(&curve).ok_or(BAD_KEY)?;
    let (x, y) = point(&pair, curve.size)?;
    Ok(PrivateKey::Ec {
        curve: curve.name,
        size: curve.size,
        x,
        y,
        d,
    })
}

/// Go's `ParseECPrivateKey`.
fn sec1(bytes: &[u8]) -> Result<PrivateKey, String> {
    let (d, curve) = sec1_fields(bytes)?;
    let curve = curve.ok_or("x509: failed to parse EC private key: no curve")?;
    ec_key(&curve, d, |c| {
        EcdsaKeyPair::from_private_key_der(c.signing, bytes).ok()
    })
}

/// Go's `ParsePKCS8PrivateKey`: RSA, EC and Ed25519.
fn pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let object = der(bytes)?;
    let items = object.as_sequence().map_err(|_| BAD_KEY.to_owned())?;
    let (Some(algorithm), Some(key)) = (items.get(1), items.get(2)) else {
        return Err(BAD_KEY.to_owned());
    };
    let algorithm = algorithm.as_sequence().map_err(|_| BAD_KEY.to_owned())?;
    let oid = algorithm
        .first()
        .and_then(|o| o.as_oid().ok())
        .map(|o| o.to_id_string())
        .unwrap_or_default();
    let key = key.as_slice().map_err(|_| BAD_KEY.to_owned())?;
    match oid.as_str() {
        "1.2.840.113549.1.1.1" => pkcs1(key),
        "1.2.840.10045.2.1" => {
            let curve = algorithm
                .get(1)
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .ok_or(BAD_KEY)?;
            let (d, _) = sec1_fields(key)?;
            ec_key(&curve, d, |c| {
                EcdsaKeyPair::from_pkcs8(c.signing, bytes).ok()
            })
        }
        "1.3.101.112" => {
            let seed = der(key)?
                .as_slice()
                .map_err(|_| BAD_KEY.to_owned())?
                .to_vec();
            let pair = signature::Ed25519KeyPair::from_seed_unchecked(&seed)
                .map_err(|_| BAD_KEY.to_owned())?;
            Ok(PrivateKey::Ed25519 {
                public: pair.public_key().as_ref().to_vec(),
                seed,
            })
        }
        _ => Err("x509: PKCS#8 wrapping contained private key with unknown algorithm".to_owned()),
    }
}

/// Go's `base64.StdEncoding.DecodeString`, which skips line breaks.
pub(super) fn go_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    STANDARD
        .decode(compact)
        .map_err(|e| format!("illegal base64 data: {e}"))
}

/// OPA's `getPrivateKeysFromPEMData`: base64 of PEM or PEM, then every private key block in
/// order (other blocks skipped).
pub(super) fn keys_of_pem(text: &str) -> Result<Vec<PrivateKey>, String> {
    let bytes = go_base64(text).unwrap_or_else(|_| text.as_bytes().to_vec());
    let Ok(blocks) = pem::parse_many(&bytes) else {
        return Ok(Vec::new());
    };
    let mut keys = Vec::new();
    for block in blocks {
        match block.tag() {
            "RSA PRIVATE KEY" => keys.push(pkcs1(block.contents())?),
            "PRIVATE KEY" => keys.push(pkcs8(block.contents())?),
            "EC PRIVATE KEY" => keys.push(sec1(block.contents())?),
            _ => {}
        }
    }
    Ok(keys)
}

fn number(n: &BigUint) -> Value {
    big_value(&n.to_string())
}

/// Go's `json.Marshal` of the key struct.
pub(super) fn go_json(key: &PrivateKey) -> Value {
    match key {
        PrivateKey::Rsa(k) => object(vec![
            ("N", number(&k.n)),
            ("E", number(&k.e)),
            ("D", number(&k.d)),
            ("Primes", Value::from(vec![number(&k.p), number(&k.q)])),
            (
                "Precomputed",
                object(vec![
                    ("Dp", number(&k.dp)),
                    ("Dq", number(&k.dq)),
                    ("Qinv", number(&k.qi)),
                    ("CRTValues", Value::from(Vec::<Value>::new())),
                ]),
            ),
        ]),
        PrivateKey::Ec { x, y, d, .. } => object(vec![
            ("Curve", object(Vec::new())),
            ("X", number(&BigUint::from_bytes_be(x))),
            ("Y", number(&BigUint::from_bytes_be(y))),
            ("D", number(&BigUint::from_bytes_be(d))),
        ]),
        PrivateKey::Ed25519 { seed, public } => {
            Value::from(STANDARD.encode([seed.as_slice(), public.as_slice()].concat()))
        }
    }
}

fn url64(bytes: &[u8]) -> Value {
    Value::from(URL_SAFE_NO_PAD.encode(bytes))
}

/// `bytes` left-padded with zeros to `size` (a JWK's EC coordinates have the curve's length).
fn padded(bytes: &[u8], size: usize) -> Vec<u8> {
    let mut out = vec![0; size.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes);
    out
}

/// The key as the JWK that OPA's jwx `jwk.Import` marshals.
fn jwk(key: &PrivateKey) -> Value {
    match key {
        PrivateKey::Rsa(k) => {
            let b = |n: &BigUint| url64(&n.to_bytes_be());
            object(vec![
                ("kty", Value::from("RSA")),
                ("n", b(&k.n)),
                ("e", b(&k.e)),
                ("d", b(&k.d)),
                ("p", b(&k.p)),
                ("q", b(&k.q)),
                ("dp", b(&k.dp)),
                ("dq", b(&k.dq)),
                ("qi", b(&k.qi)),
            ])
        }
        PrivateKey::Ec {
            curve,
            size,
            x,
            y,
            d,
        } => object(vec![
            ("kty", Value::from("EC")),
            ("crv", Value::from(*curve)),
            ("x", url64(&padded(x, *size))),
            ("y", url64(&padded(y, *size))),
            ("d", url64(&padded(d, *size))),
        ]),
        PrivateKey::Ed25519 { seed, public } => object(vec![
            ("kty", Value::from("OKP")),
            ("crv", Value::from("Ed25519")),
            ("x", url64(public)),
            ("d", url64(seed)),
        ]),
    }
}

fn parse_private_keys(args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let keys = keys_of_pem(text)?;
    Ok(Value::from(keys.iter().map(go_json).collect::<Vec<_>>()))
}

fn parse_rsa_private_key(args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    if text.is_empty() {
        return Err("input PEM data was empty".to_owned());
    }
    let pem_text = if text.starts_with("-----BEGIN") {
        text.to_owned()
    } else {
        String::from_utf8_lossy(&go_base64(text)?).into_owned()
    };
    Ok(keys_of_pem(&pem_text)?.first().map_or(Value::Null, jwk))
}
