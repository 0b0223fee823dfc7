//! The exec (JSON) form of a Dockerfile instruction as buildkit reads it: Go's `encoding/json`
//! decoding into `[]any` (v0.33.1's `parseJSON`), with Go's rules kept where they decide what
//! conftest prints: syntax exactly as Go's scanner checks it (nesting up to 10,000), a lone
//! surrogate escape decoded as U+FFFD, a number beyond float64's range a decoding error (so the
//! line is shell form), an array with a non-string item an error. Iterative: nesting costs no
//! stack.

use super::dockerfile::trim_left_space;
use super::go_json::unicode_escape;

pub(super) enum JsonArray {
    NotJson,
    NotStrings,
    Strings(Vec<Vec<u8>>),
}

/// Go's deepest JSON nesting (`encoding/json`'s scanner).
const MAX_JSON_DEPTH: usize = 10_000;

/// `parseJSON` as Go's `json.Unmarshal` into `[]any` reads it: anything but a syntactically valid
/// array is not JSON (the line is then shell form); a number out of float64's range anywhere is
/// a decoding error, so not JSON either; an array with a non-string item is an error.
/// Iterative, so nesting costs no stack.
pub(super) fn json_array(rest: &[u8]) -> JsonArray {
    let text = trim_left_space(rest);
    if text.first() != Some(&b'[') {
        return JsonArray::NotJson;
    }
    let mut p = JsonReader { s: text, i: 0 };
    // Stack of open containers: true for an object.
    let mut stack: Vec<bool> = Vec::new();
    let mut items = Vec::new();
    let mut all_strings = true;
    let mut overflow = false;
    // Expecting a value (true) or what follows one (false).
    let mut want_value = true;
    loop {
        p.ws();
        if want_value {
            let Some(&c) = p.s.get(p.i) else {
                return JsonArray::NotJson;
            };
            let top_item = stack.len() == 1;
            match c {
                b'[' | b'{' => {
                    if stack.len() >= MAX_JSON_DEPTH {
                        return JsonArray::NotJson;
                    }
                    p.i += 1;
                    stack.push(c == b'{');
                    p.ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if p.s.get(p.i) == Some(&close) {
                        p.i += 1;
                        stack.pop();
                        want_value = false;
                    } else if c == b'{' && (p.string().is_none() || !p.colon()) {
                        return JsonArray::NotJson;
                    }
                    if top_item {
                        all_strings = false;
                    }
                    if stack.is_empty() {
                        break;
                    }
                    continue;
                }
                b'"' => {
                    let Some(s) = p.string() else {
                        return JsonArray::NotJson;
                    };
                    if top_item {
                        items.push(s);
                    }
                }
                _ => {
                    match p.scalar() {
                        None => return JsonArray::NotJson,
                        Some(true) => overflow = true,
                        Some(false) => {}
                    }
                    if top_item {
                        all_strings = false;
                    }
                }
            }
            want_value = false;
            continue;
        }
        let (Some(&object), Some(&c)) = (stack.last(), p.s.get(p.i)) else {
            return JsonArray::NotJson;
        };
        p.i += 1;
        match (c, object) {
            (b',', false) => want_value = true,
            (b',', true) => {
                p.ws();
                if p.string().is_none() || !p.colon() {
                    return JsonArray::NotJson;
                }
                want_value = true;
            }
            (b']', false) | (b'}', true) => {
                stack.pop();
                if stack.is_empty() {
                    break;
                }
            }
            _ => return JsonArray::NotJson,
        }
    }
    p.ws();
    if p.i != p.s.len() || overflow {
        return JsonArray::NotJson;
    }
    if all_strings {
        JsonArray::Strings(items)
    } else {
        JsonArray::NotStrings
    }
}

struct JsonReader<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonReader<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn colon(&mut self) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&b':') {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A string at `i` (which is `"`), decoded as Go decodes it (a lone surrogate is U+FFFD).
    fn string(&mut self) -> Option<Vec<u8>> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.i)?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                0..0x20 => return None,
                b'\\' => {
                    let e = *self.s.get(self.i + 1)?;
                    self.i += 2;
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
                        _ => return None,
                    };
                    if e != b'u' {
                        out.push(simple);
                        continue;
                    }
                    let (ch, next) = unicode_escape(self.s, self.i)?;
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

    /// A number or literal at `i`: `None` if malformed, else whether it is a number beyond
    /// float64's range.
    fn scalar(&mut self) -> Option<bool> {
        for lit in [&b"true"[..], b"false", b"null"] {
            if self.s[self.i..].starts_with(lit) {
                self.i += lit.len();
                return Some(false);
            }
        }
        let start = self.i;
        let digits = |r: &mut Self| {
            let from = r.i;
            while r.s.get(r.i).is_some_and(u8::is_ascii_digit) {
                r.i += 1;
            }
            r.i - from
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return None,
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(text.parse::<f64>().map_or(true, f64::is_infinite))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[Vec<u8>]) -> Vec<String> {
        v.iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[test]
    fn json_arrays_as_go_reads_them() {
        let strings = |t: &str| match json_array(t.as_bytes()) {
            JsonArray::Strings(v) => Some(s(&v)),
            _ => None,
        };
        assert_eq!(
            strings(r#"["a", "b\u00e9\ud800"]"#),
            Some(vec!["a".into(), "bé\u{fffd}".into()])
        );
        assert_eq!(strings("[]"), Some(vec![]));
        assert!(matches!(json_array(b"[1]"), JsonArray::NotStrings));
        assert!(matches!(
            json_array(b"[\"a\", {\"k\": [1e999]}]"),
            JsonArray::NotJson
        ));
        assert!(matches!(json_array(b"[\"a\",]"), JsonArray::NotJson));
        assert!(matches!(json_array(b"[\"a\"] x"), JsonArray::NotJson));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(matches!(json_array(deep.as_bytes()), JsonArray::NotStrings));
        let deeper = "[".repeat(10_001) + &"]".repeat(10_001);
        assert!(matches!(json_array(deeper.as_bytes()), JsonArray::NotJson));
    }
}
