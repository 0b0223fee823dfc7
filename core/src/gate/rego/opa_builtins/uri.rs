//! OPA's `uri.parse` and `uri.is_valid`: Go's `net/url.Parse` (Go 1.26, which OPA v1.22.3 is
//! built with), ported for what the builtins return: `scheme`, `hostname`, `port`, `path`,
//! `raw_path`, `raw_query` and `fragment`, each present only when not empty.
//!
//! The `url` crate parses by the WHATWG rules, which normalise (lowercase hosts, resolve dots,
//! add a root path) and accept and reject other inputs than Go; a policy sees Go's answers
//! here, including its errors (`invalid URL escape "%6d"`, `net/url: invalid userinfo`).
//!
//! The parsing steps follow Go's `src/net/url/url.go` (Copyright 2009 The Go Authors,
//! BSD-3-Clause: <https://go.dev/LICENSE>).

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use regorus::Value;

use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("uri.parse", 1, parse_builtin),
    ("uri.is_valid", 1, is_valid),
];

/// The parts of a URL Go's parser fills that the builtins read.
#[derive(Default)]
pub(super) struct Url {
    pub(super) scheme: String,
    pub(super) host: String,
    pub(super) path: String,
    pub(super) raw_path: String,
    pub(super) raw_query: String,
    pub(super) fragment: String,
}

impl Url {
    /// Go's `URL.EscapedPath` (what `providers.aws.sign_req` signs).
    pub(super) fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded_path(&self.raw_path)
            && unescape(&self.raw_path, Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == "*" {
            return "*".to_owned();
        }
        escape_path(&self.path)
    }
}

/// Go's `validEncoded(s, encodePath)`: sub-delimiters, `:`, `@`, brackets and `%` are kept.
fn valid_encoded_path(s: &str) -> bool {
    s.bytes()
        .all(|c| b"!$&'()*+,;=:@[]%".contains(&c) || !should_escape(c, Mode::Path))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    UserPassword,
    Host,
    Zone,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host | Mode::Zone => true,
            };
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c.wrapping_sub(b'A').wrapping_add(10),
    }
}

/// Go's `unescape` (no query modes: the builtins never unescape queries).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if i + 2 >= b.len()
                    || !b[i + 1].is_ascii_hexdigit()
                    || !b[i + 2].is_ascii_hexdigit()
                {
                    let bad = String::from_utf8_lossy(&b[i..b.len().min(i + 3)]).into_owned();
                    return Err(format!("invalid URL escape {bad:?}"));
                }
                let escape = &s[i..i + 3];
                let v = (unhex(b[i + 1]) << 4) | unhex(b[i + 2]);
                if mode == Mode::Host && unhex(b[i + 1]) < 8 && escape != "%25" {
                    return Err(format!("invalid URL escape {escape:?}"));
                }
                if mode == Mode::Zone
                    && escape != "%25"
                    && v != b' '
                    && should_escape(v, Mode::Host)
                {
                    return Err(format!("invalid URL escape {escape:?}"));
                }
                out.push(v);
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {:?} in host name",
                        char::from(c).to_string()
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `escape` for paths.
fn escape_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, Mode::Path) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// Go's `getScheme`: the scheme and the rest.
fn scheme_of(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_owned()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `validOptionalPort`.
fn valid_optional_port(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| digits.chars().all(|c| c.is_ascii_digit()))
}

/// Go's `validUserinfo`.
fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|r| {
        r.is_ascii_alphanumeric()
            || matches!(
                r,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

/// Go's `parseHost`.
fn parse_host(scheme: &str, host: &str) -> Result<String, String> {
    match host.rfind('[') {
        Some(open) if open > 0 => Err("invalid IP-literal".to_owned()),
        Some(_) => {
            let close = host
                .rfind(']')
                .ok_or_else(|| "missing ']' in host".to_owned())?;
            let colon_port = &host[close + 1..];
            if !valid_optional_port(colon_port) {
                return Err(format!("invalid port {colon_port:?} after host"));
            }
            let colon_port = unescape(colon_port, Mode::Host)?;
            let hostname = &host[1..close];
            let unescaped = match hostname.find("%25") {
                Some(zone) => {
                    unescape(&hostname[..zone], Mode::Host)?
                        + &unescape(&hostname[zone..], Mode::Zone)?
                }
                None => unescape(hostname, Mode::Host)?,
            };
            let address = unescaped
                .split_once('%')
                .map_or(unescaped.as_str(), |(a, _)| a);
            if address.parse::<Ipv4Addr>().is_ok() && !unescaped.contains('%') {
                return Err("invalid IP-literal".to_owned());
            }
            if address.parse::<Ipv6Addr>().is_err() {
                return Err(format!(
                    "invalid host: ParseAddr({unescaped:?}): unable to parse IP"
                ));
            }
            Ok(format!("[{unescaped}]{colon_port}"))
        }
        None => {
            if let Some(first) = host.find(':') {
                let last = host.rfind(':').unwrap_or(first);
                // Go 1.26 keeps the first colon for http(s) (`urlstrictcolons`)
                let at = if scheme == "http" || scheme == "https" {
                    first
                } else {
                    last
                };
                let colon_port = &host[at..];
                if !valid_optional_port(colon_port) {
                    return Err(format!("invalid port {colon_port:?} after host"));
                }
            }
            unescape(host, Mode::Host)
        }
    }
}

/// Go's `parseAuthority`: the host (user information is checked, then dropped).
fn parse_authority(scheme: &str, authority: &str) -> Result<String, String> {
    let at = authority.rfind('@');
    let host = parse_host(scheme, at.map_or(authority, |i| &authority[i + 1..]))?;
    if let Some(i) = at {
        let userinfo = &authority[..i];
        if !valid_userinfo(userinfo) {
            return Err("net/url: invalid userinfo".to_owned());
        }
        for part in userinfo.splitn(2, ':') {
            unescape(part, Mode::UserPassword)?;
        }
    }
    Ok(host)
}

/// Go's `parse(rawURL, false)`.
fn parse_without_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_owned();
        return Ok(url);
    }
    let (scheme, rest) = scheme_of(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest;
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        rest = &rest[..rest.len() - 1];
    } else if let Some((before, query)) = rest.split_once('?') {
        url.raw_query = query.to_owned();
        rest = before;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // opaque: nothing the builtins report
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or_default();
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    let mut path = rest;
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority = &rest[2..];
        let (authority, after) = match authority.find('/') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        };
        url.host = parse_authority(&url.scheme, authority)?;
        path = after;
    }
    url.path = unescape(path, Mode::Path)?;
    if escape_path(&url.path) != path {
        url.raw_path = path.to_owned();
    }
    Ok(url)
}

/// Go's `url.Parse`, with its error text (`parse "<url>": <why>`).
pub(super) fn go_parse(raw: &str) -> Result<Url, String> {
    let (without, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let mut url = parse_without_fragment(without).map_err(|e| format!("parse {without:?}: {e}"))?;
    if !fragment.is_empty() {
        url.fragment =
            unescape(fragment, Mode::Fragment).map_err(|e| format!("parse {raw:?}: {e}"))?;
    }
    Ok(url)
}

/// Go's `URL.Hostname` and `URL.Port`.
fn host_and_port(host: &str) -> (&str, &str) {
    let (mut name, mut port) = (host, "");
    if let Some(colon) = host.rfind(':')
        && valid_optional_port(&host[colon..])
    {
        (name, port) = (&host[..colon], &host[colon + 1..]);
    }
    if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        name = inner;
    }
    (name, port)
}

fn parse_builtin(args: &[Value]) -> Result<Value, String> {
    let url = go_parse(string_operand(args, 0)?)?;
    let (hostname, port) = host_and_port(&url.host);
    let raw_path = if url.raw_path.is_empty() {
        &url.path
    } else {
        &url.raw_path
    };
    let mut out = BTreeMap::new();
    for (key, value, present) in [
        ("scheme", url.scheme.as_str(), !url.scheme.is_empty()),
        ("hostname", hostname, !hostname.is_empty()),
        ("port", port, !port.is_empty()),
        ("path", url.path.as_str(), !url.path.is_empty()),
        ("raw_path", raw_path, !url.path.is_empty()),
        (
            "raw_query",
            url.raw_query.as_str(),
            !url.raw_query.is_empty(),
        ),
        ("fragment", url.fragment.as_str(), !url.fragment.is_empty()),
    ] {
        if present {
            out.insert(Value::from(key), Value::from(value));
        }
    }
    Ok(Value::from(out))
}

fn is_valid(args: &[Value]) -> Result<Value, String> {
    Ok(Value::from(match args.first() {
        Some(Value::String(s)) if !s.is_empty() => go_parse(s).is_ok(),
        _ => false,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x_with_input;

    /// What `opa eval` (v1.22.3) answers for each URL: the object, or the strict error.
    #[test]
    fn parses_as_go_parses() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("uri_cases.json")).unwrap_or_default();
        let cases = cases.as_array().cloned().unwrap_or_default();
        assert!(cases.len() > 30, "{}", cases.len());
        for case in cases {
            let input = serde_json::json!({"u": case["url"]});
            let got = eval_x_with_input("x := uri.parse(input.u)", &input, true).map(|x| {
                x.map(|x| serde_json::from_str::<serde_json::Value>(&x).unwrap_or_default())
            });
            match case.get("error").and_then(|e| e.as_str()) {
                Some(error) => {
                    let err = got.err().unwrap_or_default();
                    assert!(err.contains(error), "{}: {err} (want {error})", case["url"]);
                }
                None => assert_eq!(got, Ok(Some(case["parsed"].clone())), "{}", case["url"]),
            }
            let valid = eval_x_with_input("x := uri.is_valid(input.u)", &input, false);
            assert_eq!(
                valid,
                Ok(Some(case["valid"].to_string())),
                "{}",
                case["url"]
            );
        }
    }
}
