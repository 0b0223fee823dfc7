//! Go's `json.Unmarshal` into an `any` (`encoding/json`, as conftest's `jsonc` parser calls it):
//! the syntax exactly as Go's scanner checks it (nothing after the value), every number a float64
//! (one beyond float64's range refuses the document), a lone surrogate escape decoded as U+FFFD,
//! a repeated key's last value kept. Iterative: nesting costs no stack here.
//!
//! One difference by design: Go nests up to 10,000 levels, sealgate up to 128 (the manifests'
//! [`MAX_DEPTH`]), as every later stage (Rego's input, the reports) walks values by recursion.
//! Not serde_json: it refuses lone surrogates and reads integers exactly, where Go replaces and
//! rounds.

use serde_json::{Map, Value};

use crate::manifest::MAX_DEPTH;

/// Why Go refuses a document, and the byte offset where.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) offset: usize,
    pub(super) what: &'static str,
}

/// A container being read: an array's items so far, or an object's members and the key of the
/// value being read.
enum Open {
    Array(Vec<Value>),
    Object(Map<String, Value>, String),
}

/// `text` as Go's `json.Unmarshal` reads it into an `any`.
pub(super) fn unmarshal(text: &[u8]) -> Result<Value, Refusal> {
    let mut r = Reader { s: text, i: 0 };
    let mut stack: Vec<Open> = Vec::new();
    // A number beyond float64's range: Go finds the syntax valid first and refuses on decoding.
    let mut overflow: Option<usize> = None;
    loop {
        r.ws();
        // A value.
        let mut value = match r.peek() {
            None => return Err(r.refuse("unexpected end of JSON input")),
            Some(b'[' | b'{') => {
                if stack.len() >= MAX_DEPTH {
                    return Err(r.refuse("arrays and objects nest deeper than 128 levels"));
                }
                let object = r.s[r.i] == b'{';
                r.i += 1;
                r.ws();
                if object {
                    if r.peek() == Some(b'}') {
                        r.i += 1;
                        Value::Object(Map::new())
                    } else {
                        let key = r.key()?;
                        stack.push(Open::Object(Map::new(), key));
                        continue;
                    }
                } else if r.peek() == Some(b']') {
                    r.i += 1;
                    Value::Array(Vec::new())
                } else {
                    stack.push(Open::Array(Vec::new()));
                    continue;
                }
            }
            Some(b'"') => Value::String(r.string()?),
            Some(b't') => r.literal("true", Value::Bool(true))?,
            Some(b'f') => r.literal("false", Value::Bool(false))?,
            Some(b'n') => r.literal("null", Value::Null)?,
            Some(_) => {
                let start = r.i;
                match r.number()? {
                    Some(f) => number(f),
                    None => {
                        overflow.get_or_insert(start);
                        Value::Null
                    }
                }
            }
        };
        // What follows it: closing containers, or a separator and the next item.
        loop {
            let Some(top) = stack.last_mut() else {
                r.ws();
                if r.peek().is_some() {
                    return Err(r.refuse("invalid character after top-level value"));
                }
                if let Some(offset) = overflow {
                    return Err(Refusal {
                        offset,
                        what: "number out of float64's range",
                    });
                }
                return Ok(value);
            };
            r.ws();
            let c = r.peek();
            match top {
                Open::Array(items) => {
                    items.push(value);
                    match c {
                        Some(b',') => {
                            r.i += 1;
                            break;
                        }
                        Some(b']') => r.i += 1,
                        None => return Err(r.refuse("unexpected end of JSON input")),
                        Some(_) => return Err(r.refuse("invalid character after array element")),
                    }
                }
                Open::Object(members, key) => {
                    members.insert(std::mem::take(key), value);
                    match c {
                        Some(b',') => {
                            r.i += 1;
                            r.ws();
                            *key = r.key()?;
                            break;
                        }
                        Some(b'}') => r.i += 1,
                        None => return Err(r.refuse("unexpected end of JSON input")),
                        Some(_) => {
                            return Err(r.refuse("invalid character after object key:value pair"));
                        }
                    }
                }
            }
            // The container closed: it is the value that its parent receives.
            value = match stack.pop() {
                Some(Open::Array(items)) => Value::Array(items),
                Some(Open::Object(members, _)) => Value::Object(members),
                None => Value::Null,
            };
        }
    }
}

/// A float64 as JSON: a whole number well inside i64's range as an integer (Go prints a whole
/// float64 without a fraction), others as floats.
pub(super) fn number(f: f64) -> Value {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "only whole numbers well inside i64's range are converted"
    )]
    if f.fract() == 0.0 && f.abs() < 9.0e15 && !(f == 0.0 && f.is_sign_negative()) {
        return Value::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn refuse(&self, what: &'static str) -> Refusal {
        Refusal {
            offset: self.i,
            what,
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Refusal> {
        for &b in word.as_bytes() {
            if self.peek() != Some(b) {
                return Err(self.refuse(if self.peek().is_none() {
                    "unexpected end of JSON input"
                } else {
                    "invalid character in literal"
                }));
            }
            self.i += 1;
        }
        Ok(value)
    }

    /// An object's key and its colon.
    fn key(&mut self) -> Result<String, Refusal> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.refuse("unexpected end of JSON input")),
            Some(_) => {
                return Err(
                    self.refuse("invalid character looking for beginning of object key string")
                );
            }
        }
        let key = self.string()?;
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                Ok(key)
            }
            None => Err(self.refuse("unexpected end of JSON input")),
            Some(_) => Err(self.refuse("invalid character after object key")),
        }
    }

    /// A string at `i` (which is `"`), decoded as Go decodes it: a lone surrogate is U+FFFD, and
    /// so is each byte that is not UTF-8.
    fn string(&mut self) -> Result<String, Refusal> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.refuse("unexpected end of JSON input"));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(go_utf8(out));
                }
                0..0x20 => return Err(self.refuse("invalid control character in string literal")),
                b'\\' => {
                    let Some(e) = self.s.get(self.i + 1).copied() else {
                        self.i += 1;
                        return Err(self.refuse("unexpected end of JSON input"));
                    };
                    let simple = match e {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => 0,
                        _ => {
                            self.i += 1;
                            return Err(self.refuse("invalid character in string escape code"));
                        }
                    };
                    self.i += 2;
                    if e != b'u' {
                        out.push(simple);
                        continue;
                    }
                    let Some((ch, next)) = unicode_escape(self.s, self.i) else {
                        return Err(
                            self.refuse("invalid character in \\u hexadecimal character escape")
                        );
                    };
                    self.i = next;
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// A number at `i`: its float64, or `None` beyond float64's range.
    fn number(&mut self) -> Result<Option<f64>, Refusal> {
        let start = self.i;
        let digits = |r: &mut Self| {
            let from = r.i;
            while r.peek().is_some_and(|b| b.is_ascii_digit()) {
                r.i += 1;
            }
            r.i - from
        };
        let bad = |r: &Self| {
            r.refuse(if r.peek().is_none() {
                "unexpected end of JSON input"
            } else {
                "invalid character in numeric literal"
            })
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ if self.i == start => {
                return Err(self.refuse("invalid character looking for beginning of value"));
            }
            _ => return Err(bad(self)),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(bad(self));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(bad(self));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
        Ok(text.parse::<f64>().ok().filter(|f| f.is_finite()))
    }
}

/// Bytes as Go's decoder keeps a string's: each byte that does not start a UTF-8 sequence
/// becomes U+FFFD (`utf8.DecodeRune` steps one byte on an error).
fn go_utf8(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len());
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(good).unwrap_or_default());
                        out.push('\u{fffd}');
                        rest = &bad[1..];
                    }
                }
            }
            out
        }
    }
}

/// The four hex digits at `at`, as a code unit.
fn hex4(s: &[u8], at: usize) -> Option<u32> {
    let h = s.get(at..at + 4)?;
    if !h.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
}

/// The character of the `\uXXXX` escape whose digits start at `at` (after `\u`), and where the
/// escape ends, as Go's decoder reads it: a surrogate pair is one character, a lone surrogate
/// U+FFFD; `None` when the four digits are not hex.
pub(super) fn unicode_escape(s: &[u8], at: usize) -> Option<(char, usize)> {
    let r = hex4(s, at)?;
    let mut end = at + 4;
    let mut ch = char::from_u32(r);
    if (0xD800..0xE000).contains(&r) {
        ch = None;
        let pair = (s.get(end..end + 2) == Some(b"\\u"))
            .then(|| hex4(s, end + 2))
            .flatten();
        if let Some(lo) = pair
            && (0xD800..0xDC00).contains(&r)
            && (0xDC00..0xE000).contains(&lo)
        {
            ch = char::from_u32(0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00));
            end += 6;
        }
    }
    Some((ch.unwrap_or('\u{fffd}'), end))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ok(t: &str) -> Value {
        unmarshal(t.as_bytes()).unwrap()
    }

    #[test]
    fn documents_as_go_reads_them() {
        assert_eq!(
            ok(r#" {"a": [1, 2.5, -0, 1e2, true, null], "b": {}, "c": [], "a": "x\u00e9\ud800"} "#),
            json!({"a": "xé\u{fffd}", "b": {}, "c": []})
        );
        assert_eq!(ok("12345678901234567890"), json!(1.2345678901234567e19));
        assert_eq!(ok(r#""\ud83d\ude00\/\b""#), json!("😀/\u{8}"));
        assert_eq!(ok("-0"), json!(-0.0));
    }

    #[test]
    fn refusals_as_go_refuses() {
        for (text, offset) in [
            ("", 0),
            ("[1,]", 3),
            ("{\"a\":1,}", 7),
            ("[1] x", 4),
            ("01", 1),
            ("1.", 2),
            ("\"a\nb\"", 2),
            ("\"\\x\"", 2),
            ("{\"a\" 1}", 5),
            ("[1e999, x]", 8),
            ("tru", 3),
            ("{'a':1}", 1),
        ] {
            let e = unmarshal(text.as_bytes()).unwrap_err();
            assert_eq!(e.offset, offset, "{text:?}: {e:?}");
        }
        assert_eq!(
            unmarshal(b"[1e999]").unwrap_err().what,
            "number out of float64's range"
        );
    }

    #[test]
    fn nesting_up_to_the_manifests_limit() {
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(unmarshal(deep.as_bytes()).is_ok());
        let deeper = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
        let e = unmarshal(deeper.as_bytes()).unwrap_err();
        assert_eq!(e.what, "arrays and objects nest deeper than 128 levels");
        // Far deeper input is refused as fast, without recursion.
        let hostile = "[".repeat(1_000_000);
        assert_eq!(unmarshal(hostile.as_bytes()).unwrap_err().offset, MAX_DEPTH);
    }

    #[test]
    fn bytes_that_are_not_utf8_become_replacement_characters() {
        assert_eq!(go_utf8(vec![b'a', 0xe2, 0x82, b'b']), "a\u{fffd}\u{fffd}b");
    }
}
