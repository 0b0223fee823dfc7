//! OPA's `providers.aws.sign_req(request, aws_config, time_ns)`: the request object with AWS
//! Signature Version 4 headers added (`Authorization`, `host`, `x-amz-date`, for s3 and glacier
//! `x-amz-content-sha256`, with a session token `x-amz-security-token`), as OPA v1.22.3 signs it
//! (`topdown/providers.go`, `internal/providers/aws/signing_v4.go`), SHA-256 and HMAC by aws-lc-rs.
//!
//! The canonical request is OPA's, not the AWS SDK's: the method as given, Go's escaped path and
//! raw query of the URL, every request header but `authorization`, `user-agent` and
//! `x-amzn-trace-id` (lowercased, a non-string value signed as ""), and the body as Go's
//! `json.Marshal` writes it (`raw_body` wins). Nothing is sent: the builtin only computes. The
//! secret key never appears in an error.

use std::collections::BTreeMap;

use aws_lc_rs::{digest, hmac};
use regorus::Value;
use regorus::value::Object;

use super::jwt_sign::marshalled;
use super::uri::go_parse;
use super::{Builtin, operand_error};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[("providers.aws.sign_req", 3, sign_req)];

/// The keys `http.send` accepts in a request (`topdown/http.go`); `sign_req` refuses others.
const REQUEST_KEYS: &[&str] = &[
    "method",
    "url",
    "body",
    "enable_redirect",
    "force_json_decode",
    "force_yaml_decode",
    "headers",
    "raw_body",
    "tls_use_system_certs",
    "tls_ca_cert",
    "tls_ca_cert_file",
    "tls_ca_cert_env_variable",
    "tls_client_cert",
    "tls_client_cert_file",
    "tls_client_cert_env_variable",
    "tls_client_key",
    "tls_client_key_file",
    "tls_client_key_env_variable",
    "tls_insecure_skip_verify",
    "tls_server_name",
    "timeout",
    "cache",
    "force_cache",
    "force_cache_duration_seconds",
    "raise_error",
    "caching_mode",
    "max_retry_attempts",
    "cache_ignored_headers",
];

/// The AWS config keys that must be strings, sorted as OPA prints the set.
const CONFIG_KEYS: &[&str] = &[
    "aws_access_key",
    "aws_region",
    "aws_secret_access_key",
    "aws_service",
];

/// Request headers left out of the signature (a proxy may change them).
const UNSIGNED_HEADERS: &[&str] = &["authorization", "user-agent", "x-amzn-trace-id"];

/// OPA's string form of a set of names: `{"a", "b"}`.
fn set_text(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("{{{}}}", quoted.join(", "))
}

/// A string value, else "" (OPA's `stringFromTerm`).
fn text_of(value: Option<&Value>) -> &str {
    match value {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

fn field<'a>(object: &'a Object, key: &str) -> Option<&'a Value> {
    object.get(&Value::from(key))
}

fn keys_of(object: &Object) -> Vec<&str> {
    object.keys().map(|k| text_of(Some(k))).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

fn mac(key: &[u8], message: &str) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, message.as_bytes()).as_ref().to_vec()
}

/// OPA's operand error when `names` (sorted) is not empty: `operand <n> <what>: {"a", "b"}`.
fn refuse(operand: u8, what: &str, names: &[&str]) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    Err(format!("operand {operand} {what}: {}", set_text(names)))
}

/// Of the `required` keys, those `object` lacks and those that are not strings.
fn missing_and_not_strings<'k>(
    object: &Object,
    required: &[&'k str],
) -> (Vec<&'k str>, Vec<&'k str>) {
    let present = keys_of(object);
    let missing = required
        .iter()
        .copied()
        .filter(|k| !present.contains(k))
        .collect();
    let not_strings = required
        .iter()
        .copied()
        .filter(|k| !matches!(field(object, k), Some(Value::String(_))))
        .collect();
    (missing, not_strings)
}

/// `validateAWSAuthParameters`: the four keys are there and are strings.
fn check_config(config: &Object) -> Result<(), String> {
    let (missing, invalid) = missing_and_not_strings(config, CONFIG_KEYS);
    refuse(2, "missing required AWS config parameters(s)", &missing)?;
    refuse(
        2,
        "invalid values for required AWS config parameters(s)",
        &invalid,
    )
}

/// `validateHTTPRequestOperand`: only `http.send`'s keys, and `method` and `url` as strings.
fn check_request(request: &Object) -> Result<(), String> {
    let mut unknown: Vec<&str> = keys_of(request)
        .into_iter()
        .filter(|k| !REQUEST_KEYS.contains(k))
        .collect();
    unknown.sort_unstable();
    refuse(1, "invalid request parameters(s)", &unknown)?;
    let (missing, invalid) = missing_and_not_strings(request, &["method", "url"]);
    refuse(1, "missing required request parameters(s)", &missing)?;
    refuse(
        1,
        "invalid values for required request parameters(s)",
        &invalid,
    )
}

/// Go's `time.Unix(0, ns).UTC()` as SigV4's date (`20060102`) and timestamp (`…T150405Z`).
fn dates(ns: i64) -> Result<(String, String), String> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .map_err(|e| e.to_string())?;
    let day = format!("{:04}{:02}{:02}", t.year(), u8::from(t.month()), t.day());
    let stamp = format!("{day}T{:02}{:02}{:02}Z", t.hour(), t.minute(), t.second());
    Ok((day, stamp))
}

/// What `SignV4` signs with.
struct Signing<'a> {
    method: &'a str,
    host: &'a str,
    path: &'a str,
    query: &'a str,
    body: &'a [u8],
    service: &'a str,
    region: &'a str,
    access_key: &'a str,
    secret_key: &'a str,
    session_token: &'a str,
    unsigned_payload: bool,
}

/// `SignV4`: the `Authorization` header and the AWS headers to add.
fn sign_v4(
    s: &Signing,
    headers: &BTreeMap<String, String>,
    day: &str,
    stamp: &str,
) -> (String, BTreeMap<String, String>) {
    let content_sha256 = if s.unsigned_payload {
        "UNSIGNED-PAYLOAD".to_owned()
    } else {
        sha256_hex(s.body)
    };
    let mut aws = BTreeMap::from([
        ("host".to_owned(), s.host.to_owned()),
        ("x-amz-date".to_owned(), stamp.to_owned()),
    ]);
    if s.service == "s3" || s.service == "glacier" {
        aws.insert("x-amz-content-sha256".to_owned(), content_sha256.clone());
    }
    if !s.session_token.is_empty() {
        aws.insert(
            "x-amz-security-token".to_owned(),
            s.session_token.to_owned(),
        );
    }
    let mut signed = aws.clone();
    for (k, v) in headers {
        let lower = k.to_lowercase();
        if !UNSIGNED_HEADERS.contains(&lower.as_str()) {
            signed.insert(lower, v.clone());
        }
    }
    let mut canonical = format!("{}\n{}\n{}\n", s.method, s.path, s.query);
    for (k, v) in &signed {
        canonical.push_str(&format!("{k}:{v}\n"));
    }
    let header_list = signed
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(";");
    canonical.push_str(&format!("\n{header_list}\n{content_sha256}"));

    let scope = format!("{day}/{}/{}/aws4_request", s.region, s.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let mut key = mac(format!("AWS4{}", s.secret_key).as_bytes(), day);
    for part in [s.region, s.service, "aws4_request"] {
        key = mac(&key, part);
    }
    let signature = hex(&mac(&key, &to_sign));
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope},SignedHeaders={header_list},Signature={signature}",
        s.access_key
    );
    (auth, aws)
}

fn sign_req(args: &[Value]) -> Result<Value, String> {
    let Some(Value::Object(request)) = args.first() else {
        return Err(operand_error(args, 0, "object"));
    };
    let Some(Value::Object(config)) = args.get(1) else {
        return Err(operand_error(args, 1, "object"));
    };
    check_config(config)?;
    let Some(Value::Number(ns)) = args.get(2) else {
        return Err(operand_error(args, 2, "number"));
    };
    let ns = ns
        .as_i64()
        .ok_or("operand 3 could not convert time_ns value into a unix timestamp")?;
    check_request(request)?;

    let headers: BTreeMap<String, String> = match field(request, "headers") {
        None => BTreeMap::new(),
        Some(Value::Object(h)) => h
            .iter()
            .map(|(k, v)| (text_of(Some(k)).to_owned(), text_of(Some(v)).to_owned()))
            .collect(),
        Some(other) => {
            return Err(operand_error(std::slice::from_ref(other), 0, "object"));
        }
    };
    let url = go_parse(text_of(field(request, "url")))?;
    let body = match (field(request, "raw_body"), field(request, "body")) {
        (Some(raw), _) => text_of(Some(raw)).as_bytes().to_vec(),
        (None, Some(body)) => marshalled(Some(body)).into_bytes(),
        (None, None) => Vec::new(),
    };
    let unsigned_payload = match field(config, "disable_payload_signing") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(
                "operand 2 invalid value for 'disable_payload_signing' in AWS config".to_owned(),
            );
        }
    };
    let (day, stamp) = dates(ns)?;
    let path = url.escaped_path();
    let signing = Signing {
        method: text_of(field(request, "method")),
        host: &url.host,
        path: &path,
        query: &url.raw_query,
        body: &body,
        service: text_of(field(config, "aws_service")),
        region: text_of(field(config, "aws_region")),
        access_key: text_of(field(config, "aws_access_key")),
        secret_key: text_of(field(config, "aws_secret_access_key")),
        session_token: text_of(field(config, "aws_session_token")),
        unsigned_payload,
    };
    let (auth, aws) = sign_v4(&signing, &headers, &day, &stamp);

    let signed_headers: Object = headers
        .into_iter()
        .chain([("Authorization".to_owned(), auth)])
        .chain(aws)
        .map(|(k, v)| (Value::from(k), Value::from(v)))
        .collect();
    let mut out = request.as_ref().clone();
    out.insert(Value::from("headers"), Value::from(signed_headers));
    Ok(Value::from(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    const CONFIG: &str = r#"{"aws_access_key": "AKIDEXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "aws_service": "service", "aws_region": "us-east-1"}"#;

    fn signed(request: &str, config: &str, ns: &str) -> Option<serde_json::Value> {
        let query = format!("x := providers.aws.sign_req({request}, {config}, {ns})");
        eval_x(&query, false)
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .map(|x| serde_json::from_str(&x).unwrap_or_default())
    }

    /// The AWS SigV4 test suite's `get-vanilla` (aws-sig-v4-test-suite, 2015-08-30T12:36:00Z):
    /// OPA's canonical request is the suite's for a request without headers of its own.
    #[test]
    fn the_aws_test_suites_vanilla_get() {
        let out = signed(
            r#"{"method": "GET", "url": "https://example.amazonaws.com/"}"#,
            CONFIG,
            "1440938160000000000",
        )
        .unwrap_or_default();
        assert_eq!(
            out["headers"]["Authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,\
             SignedHeaders=host;x-amz-date,\
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert_eq!(out["headers"]["x-amz-date"], "20150830T123600Z");
        assert_eq!(out["headers"]["host"], "example.amazonaws.com");
        assert_eq!(out["url"], "https://example.amazonaws.com/");
    }

    /// What `opa eval` (v1.22.3) signs for a request with an escaped path, a query, headers
    /// (`User-Agent` unsigned, a number signed as ""), a JSON body (HTML-escaped, a set as an
    /// array) and a session token.
    #[test]
    fn signs_as_opa_signs() {
        let out = signed(
            r#"{"method": "POST", "url": "https://sts.us-east-1.amazonaws.com/a%20b/c?Action=GetCallerIdentity&Version=2011-06-15", "headers": {"User-Agent": "x", "X-Custom": "v", "n": 1}, "body": {"b": "<&>", "n": 1.5, "s": {3, 1}}}"#,
            r#"{"aws_access_key": "AKID", "aws_secret_access_key": "SECRET", "aws_service": "sts", "aws_region": "us-east-1", "aws_session_token": "TOKEN"}"#,
            "1700000000123456789",
        )
        .unwrap_or_default();
        assert_eq!(
            out["headers"],
            serde_json::json!({
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/sts/aws4_request,SignedHeaders=host;n;x-amz-date;x-amz-security-token;x-custom,Signature=503aaaaa828a7b8463633b53f43a68945c7c1f983e1ee13ca5a0301e11456541",
                "User-Agent": "x",
                "X-Custom": "v",
                "host": "sts.us-east-1.amazonaws.com",
                "n": "",
                "x-amz-date": "20231114T221320Z",
                "x-amz-security-token": "TOKEN"
            })
        );
    }

    #[test]
    fn bad_operands_are_undefined_or_strict_errors() {
        assert_eq!(signed(r#"{"method": "GET"}"#, CONFIG, "0"), None, "no url");
        assert_eq!(
            signed(
                r#"{"method": "GET", "url": "http://x", "bogus": 1}"#,
                CONFIG,
                "0"
            ),
            None
        );
        assert_eq!(
            signed(r#"{"method": "GET", "url": "http://x"}"#, "{}", "0"),
            None
        );
        let err = eval_x(
            r#"x := providers.aws.sign_req({"method": "GET", "url": "http://x"}, {"aws_access_key": 1}, 0)"#,
            true,
        )
        .err()
        .unwrap_or_default();
        assert!(
            err.contains(r#"operand 2 missing required AWS config parameters(s): {"aws_region", "aws_secret_access_key", "aws_service"}"#),
            "{err}"
        );
    }
}
