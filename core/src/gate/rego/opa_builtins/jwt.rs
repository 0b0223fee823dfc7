//! OPA's JSON Web Token builtins that only read and check tokens: `io.jwt.decode` and the
//! signature checks `io.jwt.verify_hs256/384/512`, `verify_rs256/384/512`, `verify_ps256/384/512`,
//! `verify_es256/384/512` and `verify_eddsa` (OPA v1.22.3's `topdown/tokens.go`), with
//! aws-lc-rs doing the cryptography.
//!
//! A key is a PEM certificate, a PEM public key, a JWK or a JWK set (`{"keys": […]}`), as in OPA:
//! a key whose `kid` matches the token's is the only one tried; otherwise every key whose `alg`
//! is absent or equal to the token's. A malformed token or key is a builtin error (undefined, or
//! an error under strict builtin errors); a signature that does not verify is `false`. RSA keys
//! from 1,024 bits are accepted (as Go does; PKCS #1 with SHA-384 from 2,048).
//! `io.jwt.decode_verify(token, constraints)` checks the signature with the `cert` or `secret`
//! and the algorithm the header names, then `alg`, `iss`, `aud`, `exp` and `nbf` against the
//! constraints and `time` (nanoseconds; now when absent), and is `[valid, header, payload]`
//! (`[false, {}, {}]` when anything fails). Signing (`io.jwt.encode_sign*`) is not here.

use aws_lc_rs::{constant_time, hmac, signature};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use regorus::Value;
use serde_json::Value as Json;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::super::engine;
use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("io.jwt.decode", 1, decode),
    ("io.jwt.verify_hs256", 2, |a| {
        verify_hs(a, hmac::HMAC_SHA256)
    }),
    ("io.jwt.verify_hs384", 2, |a| {
        verify_hs(a, hmac::HMAC_SHA384)
    }),
    ("io.jwt.verify_hs512", 2, |a| {
        verify_hs(a, hmac::HMAC_SHA512)
    }),
    ("io.jwt.verify_rs256", 2, |a| {
        verify(a, Scheme::Pkcs1(Sha::S256))
    }),
    ("io.jwt.verify_rs384", 2, |a| {
        verify(a, Scheme::Pkcs1(Sha::S384))
    }),
    ("io.jwt.verify_rs512", 2, |a| {
        verify(a, Scheme::Pkcs1(Sha::S512))
    }),
    ("io.jwt.verify_ps256", 2, |a| {
        verify(a, Scheme::Pss(Sha::S256))
    }),
    ("io.jwt.verify_ps384", 2, |a| {
        verify(a, Scheme::Pss(Sha::S384))
    }),
    ("io.jwt.verify_ps512", 2, |a| {
        verify(a, Scheme::Pss(Sha::S512))
    }),
    ("io.jwt.verify_es256", 2, |a| {
        verify(a, Scheme::Ecdsa(Sha::S256))
    }),
    ("io.jwt.verify_es384", 2, |a| {
        verify(a, Scheme::Ecdsa(Sha::S384))
    }),
    ("io.jwt.verify_es512", 2, |a| {
        verify(a, Scheme::Ecdsa(Sha::S512))
    }),
    ("io.jwt.verify_eddsa", 2, |a| verify(a, Scheme::EdDsa)),
    ("io.jwt.decode_verify", 2, decode_verify),
];

/// The algorithms OPA knows; a JWK naming another is skipped.
pub(super) const ALGORITHMS: [&str; 13] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256",
    "HS384", "HS512", "EdDSA",
];

#[derive(Clone, Copy)]
enum Sha {
    S256,
    S384,
    S512,
}

#[derive(Clone, Copy)]
enum Scheme {
    Pkcs1(Sha),
    Pss(Sha),
    Ecdsa(Sha),
    EdDsa,
}

/// A verification key as Go holds it after parsing.
enum Key {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// An uncompressed point (`04 ‖ x ‖ y`).
    Ec(Vec<u8>),
    Ed25519(Vec<u8>),
    /// A private or symmetric key: Go's type check fails, so nothing verifies with it.
    Other,
}

struct VerificationKey {
    alg: String,
    kid: String,
    key: Key,
}

/// OPA's `base64url.decode`: padding added when absent, then Go's (lenient) URL decoding.
fn base64url(text: &str) -> Result<Vec<u8>, String> {
    let mut padded = text.to_owned();
    if !text.ends_with('=') {
        match text.len() % 4 {
            0 => {}
            2 => padded.push_str("=="),
            3 => padded.push('='),
            _ => return Err(format!("illegal base64url string: {text}")),
        }
    }
    let engine = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    engine
        .decode(padded.as_bytes())
        .map_err(|e| format!("illegal base64 data: {e}"))
}

/// The three sections of a compact JWS.
fn sections(token: &str) -> Result<[&str; 3], String> {
    if !token.contains('.') {
        return Err("encoded JWT had no period separators".to_owned());
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => Ok([h, p, s]),
        _ => Err(format!(
            "encoded JWT must have 3 sections, found {}",
            parts.len()
        )),
    }
}

/// A JSON object from decoded bytes (`json.unmarshal`: the last of duplicate keys wins).
fn json_object(bytes: &[u8]) -> Result<serde_json::Map<String, Json>, String> {
    match serde_json::from_slice::<Json>(bytes) {
        Ok(Json::Object(o)) => Ok(o),
        Ok(_) => Err("decoded JSON type was not an Object".to_owned()),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

fn header_of(section: &str) -> Result<serde_json::Map<String, Json>, String> {
    let bytes = base64url(section).map_err(|e| format!("JWT header had invalid encoding: {e}"))?;
    let header = json_object(&bytes).map_err(|e| format!("bad JWT header: {e}"))?;
    if header.contains_key("enc") {
        return Err("JWT is a JWE object, which is not supported".to_owned());
    }
    Ok(header)
}

fn decode_token(token: &str) -> Result<Json, String> {
    let [h, p, s] = sections(token)?;
    let header = header_of(h)?;
    let payload = base64url(p).map_err(|e| format!("JWT payload had invalid encoding: {e}"))?;
    if header.get("cty").and_then(Json::as_str) == Some("JWT") {
        // a nested token, quoted as jwt.io writes it
        let inner = String::from_utf8_lossy(&payload);
        return decode_token(inner.trim_matches(['"', '\'']));
    }
    let payload = json_object(&payload)?;
    let signature = base64url(s).map_err(|e| format!("JWT signature had invalid encoding: {e}"))?;
    Ok(Json::Array(vec![
        Json::Object(header),
        Json::Object(payload),
        Json::String(signature.iter().map(|b| format!("{b:02x}")).collect()),
    ]))
}

fn decode(args: &[Value]) -> Result<Value, String> {
    Ok(engine::from_json(&decode_token(string_operand(args, 0)?)?))
}

fn verify_hs(args: &[Value], algorithm: hmac::Algorithm) -> Result<Value, String> {
    let token = string_operand(args, 0)?;
    let secret = string_operand(args, 1)?;
    let [h, p, s] = sections(token)?;
    let key = hmac::Key::new(algorithm, secret.as_bytes());
    let mac = hmac::sign(&key, format!("{h}.{p}").as_bytes());
    let signature = base64url(s)?;
    Ok(Value::from(
        constant_time::verify_slices_are_equal(mac.as_ref(), &signature).is_ok(),
    ))
}

/// A big-endian integer without its leading zeros (aws-lc-rs's encoding of `n` and `e`).
fn unpadded(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

fn spki_key(der: &[u8]) -> Result<Key, String> {
    let (_, spki) = SubjectPublicKeyInfo::from_der(der)
        .map_err(|e| format!("failed to parse a PEM public key: {e}"))?;
    spki_to_key(&spki)
}

fn spki_to_key(spki: &SubjectPublicKeyInfo<'_>) -> Result<Key, String> {
    if spki.algorithm.algorithm.to_id_string() == "1.3.101.112" {
        return Ok(Key::Ed25519(spki.subject_public_key.data.to_vec()));
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => Ok(Key::Rsa {
            n: unpadded(rsa.modulus),
            e: unpadded(rsa.exponent),
        }),
        Ok(PublicKey::EC(point)) => Ok(Key::Ec(point.data().to_vec())),
        Ok(_) => Ok(Key::Other),
        Err(e) => Err(format!("failed to parse a public key: {e}")),
    }
}

/// One JWK as Go's jwx exports it.
fn jwk_key(jwk: &Json) -> Result<VerificationKey, String> {
    let field = |name: &str| jwk.get(name).and_then(Json::as_str);
    let bytes = |name: &str| -> Result<Vec<u8>, String> {
        base64url(field(name).ok_or_else(|| format!("required field {name} is missing"))?)
    };
    let private = jwk.get("d").is_some();
    let key = match field("kty") {
        Some("RSA") if !private => Key::Rsa {
            n: unpadded(&bytes("n")?),
            e: unpadded(&bytes("e")?),
        },
        Some("EC") if !private => {
            let (x, y) = (bytes("x")?, bytes("y")?);
            let size = match field("crv") {
                Some("P-256") => 32,
                Some("P-384") => 48,
                Some("P-521") => 66,
                other => return Err(format!("unsupported curve {other:?}")),
            };
            if x.len() > size || y.len() > size {
                return Err("invalid EC key coordinates".to_owned());
            }
            let mut point = vec![4u8];
            for c in [x, y] {
                point.extend(std::iter::repeat_n(0, size - c.len()));
                point.extend(c);
            }
            Key::Ec(point)
        }
        Some("OKP") if !private && field("crv") == Some("Ed25519") => Key::Ed25519(bytes("x")?),
        Some("RSA" | "EC" | "OKP" | "oct") => Key::Other,
        other => return Err(format!("invalid key type from JSON ({other:?})")),
    };
    Ok(VerificationKey {
        alg: field("alg").unwrap_or_default().to_owned(),
        kid: field("kid").unwrap_or_default().to_owned(),
        key,
    })
}

/// OPA's `parseKeysFromCertOrJWK`: one PEM block (a certificate or a public key), else a JWK or
/// a JWK set.
fn keys_of(text: &str) -> Result<Vec<VerificationKey>, String> {
    if text.contains("-----BEGIN") {
        let blocks = pem::parse_many(text).map_err(|e| format!("failed to parse PEM: {e}"))?;
        // Go's `pem.Decode` leaves what follows the block's END line: OPA refuses it
        let after_end = text
            .rfind("-----END ")
            .and_then(|at| text[at..].find('\n').map(|nl| &text[at + nl..]))
            .unwrap_or_default();
        let [block] = blocks.as_slice() else {
            return Err("extra data after a PEM certificate block".to_owned());
        };
        if !after_end.trim().is_empty() {
            return Err("extra data after a PEM certificate block".to_owned());
        }
        let key = match block.tag() {
            "CERTIFICATE" => {
                let (_, cert) = x509_parser::parse_x509_certificate(block.contents())
                    .map_err(|e| format!("failed to parse a PEM certificate: {e}"))?;
                spki_to_key(cert.public_key())?
            }
            "PUBLIC KEY" => spki_key(block.contents())?,
            _ => return Err("failed to extract a Key from the PEM certificate".to_owned()),
        };
        return Ok(vec![VerificationKey {
            alg: String::new(),
            kid: String::new(),
            key,
        }]);
    }
    let json: Json =
        serde_json::from_str(text).map_err(|e| format!("failed to parse a JWK key (set): {e}"))?;
    let jwks = match json.get("keys") {
        Some(Json::Array(keys)) => keys.clone(),
        _ => vec![json],
    };
    let mut keys = Vec::with_capacity(jwks.len());
    for jwk in &jwks {
        let key = jwk_key(jwk).map_err(|e| format!("failed to parse a JWK key (set): {e}"))?;
        if key.alg.is_empty() || ALGORITHMS.contains(&key.alg.as_str()) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// Whether `signature` over `message` verifies with `key` under `scheme`.
fn verifies(scheme: Scheme, key: &Key, message: &[u8], signature: &[u8]) -> bool {
    use signature::{
        ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, ECDSA_P521_SHA256_FIXED,
        ECDSA_P521_SHA384_FIXED, ECDSA_P521_SHA512_FIXED, ED25519,
        RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA384,
        RSA_PSS_2048_8192_SHA256, RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512,
        RsaPublicKeyComponents, UnparsedPublicKey,
    };
    match (scheme, key) {
        (Scheme::Pkcs1(sha) | Scheme::Pss(sha), Key::Rsa { n, e }) => {
            let params = match (scheme, sha) {
                (Scheme::Pkcs1(_), Sha::S256) => &RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                (Scheme::Pkcs1(_), Sha::S384) => &RSA_PKCS1_2048_8192_SHA384,
                (Scheme::Pkcs1(_), Sha::S512) => &RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                (_, Sha::S256) => &RSA_PSS_2048_8192_SHA256,
                (_, Sha::S384) => &RSA_PSS_2048_8192_SHA384,
                (_, Sha::S512) => &RSA_PSS_2048_8192_SHA512,
            };
            RsaPublicKeyComponents { n, e }
                .verify(params, message, signature)
                .is_ok()
        }
        (Scheme::Ecdsa(sha), Key::Ec(point)) => {
            // Go splits the signature in halves (r, s) of any length
            let size = (point.len().saturating_sub(1)) / 2;
            let half = signature.len() / 2;
            let (r, s) = signature.split_at(half);
            let (r, s) = (unpadded(r), unpadded(s));
            if r.len() > size || s.len() > size {
                return false;
            }
            let mut fixed = Vec::with_capacity(2 * size);
            for part in [r, s] {
                fixed.extend(std::iter::repeat_n(0, size - part.len()));
                fixed.extend(part);
            }
            let algorithm = match (size, sha) {
                (32, Sha::S256) => &ECDSA_P256_SHA256_FIXED,
                (48, Sha::S384) => &ECDSA_P384_SHA384_FIXED,
                (66, Sha::S256) => &ECDSA_P521_SHA256_FIXED,
                (66, Sha::S384) => &ECDSA_P521_SHA384_FIXED,
                (66, Sha::S512) => &ECDSA_P521_SHA512_FIXED,
                _ => return false,
            };
            UnparsedPublicKey::new(algorithm, point)
                .verify(message, &fixed)
                .is_ok()
        }
        (Scheme::EdDsa, Key::Ed25519(public)) => UnparsedPublicKey::new(&ED25519, public)
            .verify(message, signature)
            .is_ok(),
        _ => false,
    }
}

/// The scheme of a JWS `alg` header, for `decode_verify` (jwx's `jwsbb.Verify`).
fn scheme_of(alg: &str) -> Option<Scheme> {
    Some(match alg {
        "RS256" => Scheme::Pkcs1(Sha::S256),
        "RS384" => Scheme::Pkcs1(Sha::S384),
        "RS512" => Scheme::Pkcs1(Sha::S512),
        "PS256" => Scheme::Pss(Sha::S256),
        "PS384" => Scheme::Pss(Sha::S384),
        "PS512" => Scheme::Pss(Sha::S512),
        "ES256" => Scheme::Ecdsa(Sha::S256),
        "ES384" => Scheme::Ecdsa(Sha::S384),
        "ES512" => Scheme::Ecdsa(Sha::S512),
        "EdDSA" => Scheme::EdDsa,
        _ => return None,
    })
}

/// The parsed `constraints` operand of `decode_verify`.
#[derive(Default)]
struct Constraints {
    keys: Option<Vec<VerificationKey>>,
    secret: String,
    alg: String,
    iss: String,
    aud: String,
    /// Nanoseconds since the epoch.
    time: f64,
}

fn constraints_of(value: Option<&Value>) -> Result<Constraints, String> {
    let Some(Value::Object(object)) = value else {
        return Err(super::operand_error(
            &[value.cloned().unwrap_or(Value::Undefined)],
            0,
            "object",
        )
        .replace("operand 1", "operand 2"));
    };
    let mut c = Constraints {
        time: -1.0,
        ..Constraints::default()
    };
    for (name, v) in object.iter() {
        let name = name.as_string().map(|n| n.to_string()).unwrap_or_default();
        let text = |what: &str| match v {
            Value::String(s) => Ok(s.to_string()),
            _ => Err(format!("{what} constraint: must be a string")),
        };
        match name.as_str() {
            "cert" => c.keys = Some(keys_of(&text("cert")?)?),
            "secret" => c.secret = text("secret")?,
            "alg" => c.alg = text("alg")?,
            "iss" => c.iss = text("iss")?,
            "aud" => c.aud = text("aud")?,
            "time" => {
                let t = match engine::to_json(v) {
                    Json::Number(n) => n
                        .as_f64()
                        .ok_or_else(|| "token time constraint: unvalid float64".to_owned())?,
                    _ => return Err("token time constraint: must be a number".to_owned()),
                };
                if t < 0.0 {
                    return Err("token time constraint: must not be negative".to_owned());
                }
                c.time = t;
            }
            other => return Err(format!("unknown token validation constraint: {other}")),
        }
    }
    if c.time < 0.0 {
        c.time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as f64)
            .unwrap_or(0.0);
    }
    match (c.keys.is_some(), !c.secret.is_empty()) {
        (true, true) => Err("duplicate key constraints".to_owned()),
        (false, false) => Err("no key constraint".to_owned()),
        _ => Ok(c),
    }
}

/// The header fields OPA reads; `None` when the header is not valid (no `alg`, or a critical
/// parameter OPA does not know).
struct Header {
    alg: String,
    kid: String,
    cty: String,
}

fn parsed_header(header: &serde_json::Map<String, Json>) -> Result<Option<Header>, String> {
    let text = |name: &str| -> Result<String, String> {
        match header.get(name) {
            None => Ok(String::new()),
            Some(Json::String(v)) => Ok(v.clone()),
            Some(_) => Err(format!("{name}: must be a string")),
        }
    };
    let (alg, kid, cty) = (text("alg")?, text("kid")?, text("cty")?);
    text("typ")?;
    let mut critical = Vec::new();
    if let Some(crit) = header.get("crit") {
        let Json::Array(items) = crit else {
            return Err("crit: must be a list".to_owned());
        };
        critical = items.iter().filter_map(Json::as_str).collect();
        if critical.is_empty() {
            return Err("crit: must be a nonempty list".to_owned());
        }
    }
    let known = ["alg", "kid", "typ", "cty", "crit"];
    let unknown_critical = header
        .keys()
        .any(|k| !known.contains(&k.as_str()) && critical.contains(&k.as_str()));
    Ok((!alg.is_empty() && !unknown_critical).then_some(Header { alg, kid, cty }))
}

/// jwx's `jwsbb.Verify` over the constraints' keys or secret.
fn signature_verifies(c: &Constraints, header: &Header, message: &[u8], signature: &[u8]) -> bool {
    if let Some(keys) = &c.keys {
        let Some(scheme) = scheme_of(&header.alg) else {
            return false;
        };
        if !header.kid.is_empty()
            && let Some(key) = keys.iter().find(|k| k.kid == header.kid)
        {
            return verifies(scheme, &key.key, message, signature);
        }
        return keys
            .iter()
            .filter(|k| k.alg.is_empty() || k.alg == header.alg)
            .any(|k| verifies(scheme, &k.key, message, signature));
    }
    let algorithm = match header.alg.as_str() {
        "HS256" => hmac::HMAC_SHA256,
        "HS384" => hmac::HMAC_SHA384,
        "HS512" => hmac::HMAC_SHA512,
        _ => return false,
    };
    let mac = hmac::sign(&hmac::Key::new(algorithm, c.secret.as_bytes()), message);
    constant_time::verify_slices_are_equal(mac.as_ref(), signature).is_ok()
}

/// OPA's `builtinJWTDecodeVerify`.
fn decode_verify(args: &[Value]) -> Result<Value, String> {
    let unverified = || Ok(engine::from_json(&serde_json::json!([false, {}, {}])));
    let c = constraints_of(args.get(1))?;
    let mut token = string_operand(args, 0)?.to_owned();
    let (header, payload) = loop {
        let [h, p, s] = sections(&token)?;
        let header_object = header_of(h)?;
        let Some(header) = parsed_header(&header_object)? else {
            return unverified();
        };
        if !c.alg.is_empty() && c.alg != header.alg {
            return unverified();
        }
        let signature = base64url(s)?;
        if !signature_verifies(&c, &header, format!("{h}.{p}").as_bytes(), &signature) {
            return unverified();
        }
        let payload = base64url(p).map_err(|e| format!("JWT payload had invalid encoding: {e}"))?;
        if header.cty.eq_ignore_ascii_case("JWT") {
            token = String::from_utf8_lossy(&payload).into_owned();
            continue;
        }
        break (header_object, json_object(&payload)?);
    };
    if !c.iss.is_empty() && payload.get("iss").and_then(Json::as_str) != Some(c.iss.as_str()) {
        return unverified();
    }
    match payload.get("aud") {
        Some(Json::String(aud)) if *aud == c.aud => {}
        Some(Json::Array(auds)) if auds.iter().any(|a| a.as_str() == Some(c.aud.as_str())) => {}
        None if c.aud.is_empty() => {}
        _ => return unverified(),
    }
    let now = c.time / 1e9;
    match payload.get("exp") {
        Some(Json::Number(exp)) if now >= exp.as_f64().unwrap_or(f64::INFINITY) => {
            return unverified();
        }
        Some(Json::Number(_)) | None => {}
        Some(_) => return Err("exp value must be a number".to_owned()),
    }
    match payload.get("nbf") {
        Some(Json::Number(nbf)) if now < nbf.as_f64().unwrap_or(f64::NEG_INFINITY) => {
            return unverified();
        }
        Some(Json::Number(_)) | None => {}
        Some(_) => return Err("nbf value must be a number".to_owned()),
    }
    Ok(engine::from_json(&serde_json::json!([
        true,
        Json::Object(header),
        Json::Object(payload)
    ])))
}

/// OPA's `builtinJWTVerify`.
fn verify(args: &[Value], scheme: Scheme) -> Result<Value, String> {
    let token = string_operand(args, 0)?;
    let [h, p, s] = sections(token)?;
    let keys = keys_of(string_operand(args, 1)?)?;
    let signature = base64url(s)?;
    let header = header_of(h)?;
    let text = |name: &str| -> Result<String, String> {
        match header.get(name) {
            None => Ok(String::new()),
            Some(Json::String(v)) => Ok(v.clone()),
            Some(_) => Err(format!("{name}: must be a string")),
        }
    };
    let (alg, kid) = (text("alg")?, text("kid")?);
    let message = format!("{h}.{p}");
    if !kid.is_empty()
        && let Some(key) = keys.iter().find(|k| k.kid == kid)
    {
        return Ok(Value::from(verifies(
            scheme,
            &key.key,
            message.as_bytes(),
            &signature,
        )));
    }
    let valid = keys
        .iter()
        .filter(|k| k.alg.is_empty() || k.alg == alg)
        .any(|k| verifies(scheme, &k.key, message.as_bytes(), &signature));
    Ok(Value::from(valid))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::super::test_support::{eval_x, eval_x_with_input};

    /// Tokens signed by `opa eval` (v1.22.3) with `io.jwt.encode_sign` (fresh RSA-2048, P-256,
    /// P-384 and Ed25519 keys, and HS256/HS384 secrets), each checked with the verify builtins
    /// against the key as a PEM certificate, a PEM public key, a JWK, a JWK set and another key's
    /// certificate, and with `decode_verify` under `alg`, `iss`, `aud`, `time` (around `exp` and
    /// `nbf`) and bad constraints; `want` is what `opa eval` answered for the same call (`null`
    /// for undefined).
    const VECTORS: &str = include_str!("jwt_vectors.json");

    #[test]
    fn verdicts_and_decodings_are_opa_s() {
        let vectors: Json = serde_json::from_str(VECTORS).unwrap_or_default();
        let cases = vectors["cases"].as_array().cloned().unwrap_or_default();
        assert!(cases.len() > 100, "{} cases", cases.len());
        for case in cases {
            let named = |v: &Json| match v.as_str() {
                Some(name) if name.starts_with('@') => vectors["keys"][&name[1..]].clone(),
                _ => v.clone(),
            };
            let mut key = named(&case["key"]);
            if let Some(cert) = key.get_mut("cert") {
                *cert = named(cert);
            }
            let function = case["fn"].as_str().unwrap_or_default();
            let query = if function == "decode" {
                "x := io.jwt.decode(input.t)".to_owned()
            } else if function == "decode_verify" {
                "x := io.jwt.decode_verify(input.t, input.k)".to_owned()
            } else {
                format!("x := io.jwt.{function}(input.t, input.k)")
            };
            let got = eval_x_with_input(&query, &json!({"t": case["token"], "k": key}), false)
                .unwrap_or_else(|e| panic!("{query}: {e}"))
                .map(|x| serde_json::from_str::<Json>(&x).unwrap_or_default());
            // `null`: OPA's answer was undefined (a builtin error)
            let want = Some(&case["want"]).filter(|w| !w.is_null());
            assert_eq!(got.as_ref(), want, "{query} with {key}");
        }
    }

    /// `opa eval` (v1.22.3): malformed tokens and keys are builtin errors.
    #[test]
    fn malformed_tokens_and_keys_are_builtin_errors() {
        for (call, error) in [
            (
                r#"io.jwt.decode("abc")"#,
                "encoded JWT had no period separators",
            ),
            (
                r#"io.jwt.decode("a.b")"#,
                "encoded JWT must have 3 sections, found 2",
            ),
            (r#"io.jwt.verify_hs256("a.b.c.d", "s")"#, "found 4"),
            (
                r#"io.jwt.verify_rs256("e30.e30.", "{")"#,
                "failed to parse a JWK key (set)",
            ),
            (
                r#"io.jwt.verify_rs256("e30.e30.", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\nEXTRA")"#,
                "extra data after a PEM certificate block",
            ),
            (
                r#"io.jwt.decode("eyJlbmMiOiJBMTI4R0NNIn0.e30.")"#,
                "JWT is a JWE object, which is not supported",
            ),
        ] {
            assert_eq!(eval_x(&format!("x := {call}"), false), Ok(None), "{call}");
            let err = eval_x(&format!("x := {call}"), true)
                .err()
                .unwrap_or_default();
            assert!(err.contains(error), "{call}: {err}");
        }
    }
}
