//! OPA's digest builtins on strings: `crypto.sha1`, `crypto.sha256`, `crypto.hmac.sha1`,
//! `crypto.hmac.sha256`, `crypto.hmac.sha512`, `crypto.md5`, `crypto.hmac.md5` (lowercase hex,
//! as OPA writes them) and `crypto.hmac.equal` (a constant-time comparison).
//!
//! aws-lc-rs computes all but MD5, which its safe API does not expose (only the C library has
//! it, and the workspace forbids `unsafe`): MD5 is RustCrypto's `md-5`, keyed by RustCrypto's
//! `hmac` (already in the build through `age`).

use ::hmac::Mac as _;
use aws_lc_rs::{constant_time, digest, hmac};
use md5::Digest as _;
use regorus::Value;

use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("crypto.sha1", 1, sha1),
    ("crypto.sha256", 1, sha256),
    ("crypto.hmac.sha1", 2, hmac_sha1),
    ("crypto.hmac.sha256", 2, hmac_sha256),
    ("crypto.hmac.sha512", 2, hmac_sha512),
    ("crypto.hmac.equal", 2, hmac_equal),
    ("crypto.md5", 1, md5_builtin),
    ("crypto.hmac.md5", 2, hmac_md5),
];

fn hex(bytes: &[u8]) -> Value {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    Value::from(out)
}

fn digest_of(algorithm: &'static digest::Algorithm, args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    Ok(hex(digest::digest(algorithm, text.as_bytes()).as_ref()))
}

fn sha1(args: &[Value]) -> Result<Value, String> {
    digest_of(&digest::SHA1_FOR_LEGACY_USE_ONLY, args)
}

fn sha256(args: &[Value]) -> Result<Value, String> {
    digest_of(&digest::SHA256, args)
}

/// `crypto.hmac.<hash>(message, key)`.
fn mac_of(algorithm: hmac::Algorithm, args: &[Value]) -> Result<Value, String> {
    let message = string_operand(args, 0)?;
    let key = string_operand(args, 1)?;
    let key = hmac::Key::new(algorithm, key.as_bytes());
    Ok(hex(hmac::sign(&key, message.as_bytes()).as_ref()))
}

fn hmac_sha1(args: &[Value]) -> Result<Value, String> {
    mac_of(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, args)
}

fn hmac_sha256(args: &[Value]) -> Result<Value, String> {
    mac_of(hmac::HMAC_SHA256, args)
}

fn hmac_sha512(args: &[Value]) -> Result<Value, String> {
    mac_of(hmac::HMAC_SHA512, args)
}

fn md5_builtin(args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    Ok(hex(&md5::Md5::digest(text.as_bytes())))
}

fn hmac_md5(args: &[Value]) -> Result<Value, String> {
    let message = string_operand(args, 0)?;
    let key = string_operand(args, 1)?;
    // HMAC takes a key of any length (a long one is hashed first, RFC 2104)
    let mut mac =
        ::hmac::Hmac::<md5::Md5>::new_from_slice(key.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(message.as_bytes());
    Ok(hex(&mac.finalize().into_bytes()))
}

/// Go's `hmac.Equal` on the two strings' bytes: false for different lengths, else compared in
/// constant time.
fn hmac_equal(args: &[Value]) -> Result<Value, String> {
    let (a, b) = (string_operand(args, 0)?, string_operand(args, 1)?);
    Ok(Value::from(
        constant_time::verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    fn x(query: &str) -> Option<String> {
        eval_x(query, false).unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// Digests of RFC 3174 / FIPS 180-2's "abc" and RFC 4231's test case 2 ("Jefe"), and the
    /// values `opa eval` (v1.22.3) gives.
    #[test]
    fn digests_are_lowercase_hex() {
        assert_eq!(
            x(r#"x := crypto.sha1("abc")"#).as_deref(),
            Some(r#""a9993e364706816aba3e25717850c26c9cd0d89d""#)
        );
        assert_eq!(
            x(r#"x := crypto.sha256("abc")"#).as_deref(),
            Some(r#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#)
        );
        assert_eq!(
            x(r#"x := crypto.hmac.sha256("what do ya want for nothing?", "Jefe")"#).as_deref(),
            Some(r#""5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843""#)
        );
        assert_eq!(
            x(r#"x := crypto.hmac.sha512("what do ya want for nothing?", "Jefe")"#).as_deref(),
            Some(concat!(
                r#""164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a"#,
                r#"6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737""#
            ))
        );
        assert_eq!(
            x(r#"x := crypto.hmac.sha1("foo", "bar")"#).as_deref(),
            Some(r#""85d155c55ed286a300bd1cf124de08d87e914f3a""#)
        );
    }

    /// RFC 1321's test suite ("abc", "message digest") and RFC 2104's HMAC-MD5 vector
    /// ("Jefe"), and a key longer than MD5's 64-byte block (hashed first).
    #[test]
    fn md5_digests_are_lowercase_hex() {
        assert_eq!(
            x(r#"x := crypto.md5("abc")"#).as_deref(),
            Some(r#""900150983cd24fb0d6963f7d28e17f72""#)
        );
        assert_eq!(
            x(r#"x := crypto.md5("message digest")"#).as_deref(),
            Some(r#""f96b697d7cb7938d525a2f31aaf161d0""#)
        );
        assert_eq!(
            x(r#"x := crypto.hmac.md5("what do ya want for nothing?", "Jefe")"#).as_deref(),
            Some(r#""750c783e6ab0b503eaa86e310a5db738""#)
        );
        // Python's `hmac.new(b"k" * 100, b"m", hashlib.md5)`
        let long_key = "k".repeat(100);
        assert_eq!(
            x(&format!(r#"x := crypto.hmac.md5("m", "{long_key}")"#)).as_deref(),
            Some(r#""42b30474e1d3e8c54f2060cc0b35bf27""#)
        );
        assert_eq!(x("x := crypto.md5(1)"), None);
    }

    #[test]
    fn hmac_equal_compares_whole_strings() {
        assert_eq!(
            x(r#"x := crypto.hmac.equal("ab12", "ab12")"#).as_deref(),
            Some("true")
        );
        assert_eq!(
            x(r#"x := crypto.hmac.equal("ab12", "ab1")"#).as_deref(),
            Some("false")
        );
        assert_eq!(
            x(r#"x := crypto.hmac.equal("ab12", "ab13")"#).as_deref(),
            Some("false")
        );
    }

    #[test]
    fn wrong_operand_types_are_undefined_or_strict_errors() {
        assert_eq!(x("x := crypto.sha256(1)"), None);
        assert_eq!(x(r#"x := crypto.hmac.sha1("m", 2)"#), None);
        let err = eval_x(r#"x := crypto.hmac.sha1("m", 2)"#, true)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("crypto.hmac.sha1: operand 2 must be string but got number"),
            "{err}"
        );
    }
}
