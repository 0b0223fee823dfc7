//! OPA's `io.jwt.encode_sign(headers, payload, key)` and `io.jwt.encode_sign_raw` (the same with
//! the three as JSON text): a compact JWS signed with the first key of a JWK or JWK set, for the
//! header's `alg` (OPA v1.22.3, `topdown/tokens.go`), aws-lc-rs signing.
//!
//! `encode_sign` writes the header and payload as Go's `json.Marshal` does (keys sorted, compact,
//! `<`, `>`, `&` escaped, whole numbers without a fraction), so HMAC, RSA PKCS #1 and Ed25519
//! tokens are byte for byte OPA's; ECDSA and RSA-PSS signatures are randomised (in OPA too). A key
//! never appears in an error.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::{hmac, rsa, signature};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use regorus::Value;
use serde_json::Value as Json;

use super::super::engine;
use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("io.jwt.encode_sign", 3, encode_sign),
    ("io.jwt.encode_sign_raw", 3, encode_sign_raw),
];

/// A JSON string as Go's encoder writes it (HTML-safe).
fn go_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Marshal` of a decoded JSON value.
fn go_json(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match n.as_f64() {
            Some(f) if !(n.is_i64() || n.is_u64()) && f.fract() == 0.0 && f.abs() < 1e21 => {
                out.push_str(&format!("{f:.0}"));
            }
            _ => out.push_str(&n.to_string()),
        },
        Json::String(s) => go_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_string(k, out);
                out.push(':');
                go_json(v, out);
            }
            out.push('}');
        }
    }
}

/// Go's `json.Marshal` of a Rego value (also the body `providers.aws.sign_req` signs).
pub(super) fn marshalled(value: Option<&Value>) -> String {
    let mut out = String::new();
    go_json(&engine::to_json(value.unwrap_or(&Value::Null)), &mut out);
    out
}

fn encode_sign(args: &[Value]) -> Result<Value, String> {
    sign(
        &marshalled(args.first()),
        &marshalled(args.get(1)),
        &marshalled(args.get(2)),
    )
}

fn encode_sign_raw(args: &[Value]) -> Result<Value, String> {
    let key = string_operand(args, 2)?;
    let header = string_operand(args, 0)?;
    let payload = string_operand(args, 1)?;
    sign(header, payload, key)
}

fn bytes(jwk: &Json, name: &str) -> Result<Vec<u8>, String> {
    let text = jwk
        .get(name)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("required field {name} is missing from the JWK"))?;
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| format!("field {name} of the JWK is not base64url"))
}

/// The signature of `message` under `alg` with the JWK `jwk`.
fn signature_of(alg: &str, jwk: &Json, message: &[u8]) -> Result<Vec<u8>, String> {
    let kty = jwk.get("kty").and_then(Json::as_str).unwrap_or_default();
    let wrong_key = || format!("the JWK (kty {kty:?}) cannot sign {alg}");
    let rng = SystemRandom::new();
    match alg {
        "HS256" | "HS384" | "HS512" => {
            if kty != "oct" {
                return Err(wrong_key());
            }
            let algorithm = match alg {
                "HS256" => hmac::HMAC_SHA256,
                "HS384" => hmac::HMAC_SHA384,
                _ => hmac::HMAC_SHA512,
            };
            let key = hmac::Key::new(algorithm, &bytes(jwk, "k")?);
            Ok(hmac::sign(&key, message).as_ref().to_vec())
        }
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => {
            if kty != "RSA" {
                return Err(wrong_key());
            }
            let components = rsa::KeyPairComponents {
                public_key: rsa::PublicKeyComponents {
                    n: bytes(jwk, "n")?,
                    e: bytes(jwk, "e")?,
                },
                d: bytes(jwk, "d")?,
                p: bytes(jwk, "p")?,
                q: bytes(jwk, "q")?,
                dP: bytes(jwk, "dp")?,
                dQ: bytes(jwk, "dq")?,
                qInv: bytes(jwk, "qi")?,
            };
            let pair = signature::RsaKeyPair::from_components(&components)
                .map_err(|_| "the RSA JWK is not a valid private key".to_owned())?;
            let encoding: &'static dyn signature::RsaEncoding = match alg {
                "RS256" => &signature::RSA_PKCS1_SHA256,
                "RS384" => &signature::RSA_PKCS1_SHA384,
                "RS512" => &signature::RSA_PKCS1_SHA512,
                "PS256" => &signature::RSA_PSS_SHA256,
                "PS384" => &signature::RSA_PSS_SHA384,
                _ => &signature::RSA_PSS_SHA512,
            };
            let mut out = vec![0; pair.public_modulus_len()];
            pair.sign(encoding, &rng, message, &mut out)
                .map_err(|_| "RSA signing failed".to_owned())?;
            Ok(out)
        }
        "ES256" | "ES384" | "ES512" => {
            let (algorithm, curve, size) = match alg {
                "ES256" => (&signature::ECDSA_P256_SHA256_FIXED_SIGNING, "P-256", 32),
                "ES384" => (&signature::ECDSA_P384_SHA384_FIXED_SIGNING, "P-384", 48),
                _ => (&signature::ECDSA_P521_SHA512_FIXED_SIGNING, "P-521", 66),
            };
            if kty != "EC" || jwk.get("crv").and_then(Json::as_str) != Some(curve) {
                return Err(wrong_key());
            }
            let mut point = vec![4u8];
            for c in [bytes(jwk, "x")?, bytes(jwk, "y")?] {
                if c.len() > size {
                    return Err("invalid EC key coordinates".to_owned());
                }
                point.extend(std::iter::repeat_n(0, size - c.len()));
                point.extend(c);
            }
            let pair = signature::EcdsaKeyPair::from_private_key_and_public_key(
                algorithm,
                &bytes(jwk, "d")?,
                &point,
            )
            .map_err(|_| "the EC JWK is not a valid private key".to_owned())?;
            pair.sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| "ECDSA signing failed".to_owned())
        }
        _ => {
            if kty != "OKP" || jwk.get("crv").and_then(Json::as_str) != Some("Ed25519") {
                return Err(wrong_key());
            }
            let pair = signature::Ed25519KeyPair::from_seed_and_public_key(
                &bytes(jwk, "d")?,
                &bytes(jwk, "x")?,
            )
            .map_err(|_| "the Ed25519 JWK is not a valid private key".to_owned())?;
            Ok(pair.sign(message).as_ref().to_vec())
        }
    }
}

/// OPA's `commonBuiltinJWTEncodeSign`.
fn sign(header: &str, payload: &str, key: &str) -> Result<Value, String> {
    let jwk: Json =
        serde_json::from_str(key).map_err(|_| "the key is not a JWK (invalid JSON)".to_owned())?;
    let jwk = match jwk.get("keys") {
        Some(Json::Array(keys)) => keys
            .first()
            .cloned()
            .ok_or_else(|| "no keys found in JWK set".to_owned())?,
        _ => jwk,
    };
    let headers: Json = serde_json::from_str(header).unwrap_or(Json::Null);
    let alg = headers
        .get("alg")
        .and_then(Json::as_str)
        .ok_or_else(|| "missing or invalid 'alg' header".to_owned())?;
    if !super::jwt::ALGORITHMS.contains(&alg) {
        return Err(format!("unknown JWS algorithm: {alg}"));
    }
    let typ = headers.get("typ").and_then(Json::as_str);
    if typ.is_none_or(|t| t == "JWT") && serde_json::from_str::<Json>(payload).is_err() {
        return Err("type is JWT but payload is not JSON".to_owned());
    }
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = signature_of(alg, &jwk, message.as_bytes())?;
    Ok(Value::from(format!(
        "{message}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    )))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{eval_x, eval_x_with_input};

    /// `opa eval` (v1.22.3) signs these to the same bytes (the HMAC key of OPA's own cases, the
    /// Ed25519 key of RFC 8037, an RSA key generated for these tests).
    #[test]
    fn deterministic_tokens_are_opa_s_byte_for_byte() {
        let got = eval_x_with_input(
            "x := io.jwt.encode_sign({\"alg\": \"HS256\", \"typ\": \"JWT\"}, {\"iat\": 1.678e15 / 1e6, \"b\": \"<&>\"}, input.k)",
            &json!({"k": {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}}),
            false,
        );
        assert_eq!(
            got,
            Ok(Some(
                "\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJiIjoiXHUwMDNjXHUwMDI2XHUwMDNlIiwiaWF0IjoxNjc4MDAwMDAwfQ.IiAXtf_Yy6So11noaPxi-zQoD5yteeflDANrcTFwH7E\"".to_owned()
            ))
        );
        let got = eval_x(
            r#"x := io.jwt.encode_sign_raw(`{"alg":"EdDSA"}`, `{"a": 1}`, `{"kty": "OKP", "alg": "EdDSA", "crv": "Ed25519", "x": "wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8", "d": "9XI34uQzYUJfWhDZf_0nYsLMBRVu8a6dFsy60P8uugk"}`)"#,
            false,
        );
        assert_eq!(
            got,
            Ok(Some(concat!(
                "\"eyJhbGciOiJFZERTQSJ9.eyJhIjogMX0.-cqi8FlJFIgijPiW1Hl2-eQ5plQ5b5mR_XSjMDiP_uUWW_Crd1NY7",
                "JOWpICTF2vj8KiB6txv60SyuKP79DmtBQ\""
            )
            .to_owned()))
        );
        let got = eval_x_with_input(
            r#"x := io.jwt.encode_sign({"alg": "RS256", "kid": "r"}, {"sub": "alice"}, input.k)"#,
            &json!({"k": signing()["rsa"]}),
            false,
        );
        assert_eq!(got, Ok(Some(signing()["rs256"].to_string())));
    }

    fn signing() -> serde_json::Value {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("jwt_vectors.json")).unwrap_or_default();
        vectors["signing"].clone()
    }

    /// Random signatures (ECDSA, RSA-PSS) verify with the matching public key.
    #[test]
    fn random_signatures_verify() {
        let rsa = signing()["rsa"].clone();
        let ec = signing()["ec"].clone();
        for (alg, key, verify) in [
            ("ES256", &ec, "verify_es256"),
            ("PS256", &rsa, "verify_ps256"),
            ("PS512", &rsa, "verify_ps512"),
        ] {
            let mut public = key.clone();
            for private in ["d", "p", "q", "dp", "dq", "qi"] {
                public.as_object_mut().map(|o| o.remove(private));
            }
            let got = eval_x_with_input(
                &format!(
                    "t := io.jwt.encode_sign({{\"alg\": \"{alg}\"}}, {{\"n\": 1}}, input.k); x := io.jwt.{verify}(t, input.p)"
                ),
                &json!({"k": key, "p": public.to_string()}),
                false,
            );
            assert_eq!(got, Ok(Some("true".to_owned())), "{alg}");
        }
    }

    /// A wrong key type or a missing `alg` is a builtin error, and the key is not in it.
    #[test]
    fn bad_keys_and_headers_are_builtin_errors() {
        let err = eval_x_with_input(
            r#"x := io.jwt.encode_sign({"alg": "RS256"}, {}, input.k)"#,
            &json!({"k": {"kty": "oct", "k": "c2VjcmV0"}}),
            true,
        )
        .err()
        .unwrap_or_default();
        assert!(err.contains("cannot sign RS256"), "{err}");
        assert!(!err.contains("c2VjcmV0"), "{err}");
        let err = eval_x(
            r#"x := io.jwt.encode_sign({"typ": "JWT"}, {}, {"kty": "oct", "k": "c2VjcmV0"})"#,
            true,
        )
        .err()
        .unwrap_or_default();
        assert!(err.contains("missing or invalid 'alg' header"), "{err}");
    }
}
