//! conftest's `ini` parser: an INI file as the object of sections conftest v0.71.1 prints (each
//! section an object of its keys; the `DEFAULT` section, which holds the keys above the first
//! header, left out), read by the rules of its library, go-ini v1.67.0 with default options, and
//! each value typed as conftest types it: a finite number (Go's `strconv.ParseFloat`, hex floats
//! included) is a number, else a Go boolean (`1`, `t`, `TRUE`, `False`…) a boolean, else a string.
//!
//! Hand-written rather than a crate (`rust-ini`, `configparser`): go-ini's rules are its own and
//! show in the output. Lines end at LF (a CR is trimmed as space); `#` and `;` start comment
//! lines; `[name]` runs to the line's last `]`, untrimmed, and sections of one name merge; a key
//! ends at the first `=` or `:` unless quoted with `"`, `"""` or `` ` ``, `-` keys count `#1`,
//! `#2`… per section; a value may be `"""…"""` or `` `…` `` (spanning lines), may continue on
//! the next line after a trailing `\`, loses everything from its first `#` or `;`, then one pair
//! of surrounding quotes; a later key of the same name wins. go-ini looks keys and sections up in
//! lists, quadratic in their number; maps here.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Number, Value};

/// One section's keys, by name; the order does not show (conftest prints Go maps, sorted).
type Keys = BTreeMap<String, String>;

/// go-ini's reader: the text as LF-terminated lines, one at a time.
struct Lines<'a> {
    rest: &'a str,
    /// Number of the next line to read (1-based).
    number: usize,
    eof: bool,
}

impl<'a> Lines<'a> {
    /// go-ini's `readUntil('\n')`: the next line with its `\n`, if any; at the end, what is left
    /// (possibly empty) and `eof` set.
    fn next(&mut self) -> &'a str {
        match self.rest.find('\n') {
            Some(i) => {
                let (line, rest) = self.rest.split_at(i + 1);
                self.rest = rest;
                self.number += 1;
                line
            }
            None => {
                self.eof = true;
                std::mem::take(&mut self.rest)
            }
        }
    }
}

/// Parses `text` as conftest's ini parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Sections in a list with an index by name: a key goes to the current one by position, so
    // a long section name is hashed once per header, not once per key.
    let mut sections: Vec<(String, Keys)> = vec![("DEFAULT".to_string(), Keys::new())];
    let mut index: HashMap<String, usize> = HashMap::from([("DEFAULT".to_string(), 0)]);
    let mut current = 0;
    let mut counter = 1usize;
    let mut lines = Lines {
        rest: text,
        number: 1,
        eof: false,
    };
    while !lines.eof {
        let number = lines.number;
        let line = lines.next().trim_start();
        let err = |what: &str| anyhow::anyhow!("ini: line {number}: {what}");
        let Some(first) = line.as_bytes().first() else {
            continue;
        };
        match first {
            b'#' | b';' => continue,
            b'[' => {
                let close = line.rfind(']').ok_or_else(|| err("unclosed section"))?;
                let name = &line[1..close];
                if name.is_empty() {
                    return Err(err("empty section name"));
                }
                current = *index.entry(name.to_string()).or_insert_with(|| {
                    sections.push((name.to_string(), Keys::new()));
                    sections.len() - 1
                });
                counter = 1;
                continue;
            }
            _ => {}
        }
        let (mut name, offset) = key_name(line).map_err(err)?;
        if name == "-" {
            name = format!("#{counter}");
            counter += 1;
        }
        let value = value(&line[offset..], &mut lines).map_err(err)?;
        if name.is_empty() {
            return Err(err("empty key name"));
        }
        sections[current].1.insert(name, value);
    }
    let sorted: BTreeMap<String, Keys> = sections
        .into_iter()
        .filter(|(name, _)| name != "DEFAULT")
        .collect();
    Ok(Value::Object(
        sorted
            .into_iter()
            .map(|(name, keys)| {
                let keys: Map<String, Value> =
                    keys.into_iter().map(|(k, v)| (k, typed(&v))).collect();
                (name, Value::Object(keys))
            })
            .collect(),
    ))
}

/// go-ini's `readKeyName`: the key and the offset just past its `=`/`:` delimiter.
fn key_name(line: &str) -> Result<(String, usize), &'static str> {
    let quote = if line.starts_with('"') {
        if line.len() > 6 && line.starts_with("\"\"\"") {
            "\"\"\""
        } else {
            "\""
        }
    } else if line.starts_with('`') {
        "`"
    } else {
        ""
    };
    if !quote.is_empty() {
        let start = quote.len();
        let pos = line[start..]
            .find(quote)
            .ok_or("missing closing key quote")?
            + start;
        // go-ini looks for the delimiter from `pos + len(quote)`, counting from the quote's start.
        let from = pos + start;
        let i = line
            .get(from..)
            .and_then(|rest| rest.find(['=', ':']))
            .ok_or("key-value delimiter not found")?;
        return Ok((line[start..pos].trim().to_string(), pos + i + start + 1));
    }
    match line.find(['=', ':']) {
        None => Err("key-value delimiter not found"),
        Some(0) => Err("empty key name"),
        Some(end) => Ok((line[..end].trim().to_string(), end + 1)),
    }
}

/// go-ini's `readValue` with default options, reading further lines for multi-line values.
fn value(raw: &str, lines: &mut Lines<'_>) -> Result<String, &'static str> {
    let line = raw.trim_start();
    if line.is_empty() {
        return Ok(String::new());
    }
    let quote = if line.len() > 3 && line.starts_with("\"\"\"") {
        "\"\"\""
    } else if line.starts_with('`') {
        "`"
    } else {
        ""
    };
    if !quote.is_empty() {
        let start = quote.len();
        return match line[start..].rfind(quote) {
            Some(pos) => Ok(line[start..start + pos].to_string()),
            None => multiline(line[start..].to_string(), quote, lines),
        };
    }
    let mut line = line.trim();
    if let Some(start) = line.strip_suffix('\\') {
        return Ok(continuation(start, lines));
    }
    if let Some(i) = line.find(['#', ';']) {
        line = line[..i].trim();
    }
    if surrounded_by(line, b'\'') || surrounded_by(line, b'"') {
        line = &line[1..line.len() - 1];
    }
    Ok(line.to_string())
}

/// go-ini's `readMultilines`: lines up to the one holding the closing quote (its last one).
fn multiline(mut val: String, quote: &str, lines: &mut Lines<'_>) -> Result<String, &'static str> {
    loop {
        let next = lines.next();
        if let Some(pos) = next.rfind(quote) {
            val.push_str(&next[..pos]);
            return Ok(val);
        }
        val.push_str(next);
        if lines.eof {
            return Err("missing closing value quote");
        }
    }
}

/// go-ini's `readContinuationLines`: trimmed lines appended while each ends with `\`.
fn continuation(start: &str, lines: &mut Lines<'_>) -> String {
    let mut val = start.to_string();
    loop {
        let next = lines.next().trim();
        if next.is_empty() {
            return val;
        }
        val.push_str(next);
        match val.strip_suffix('\\') {
            Some(v) => val.truncate(v.len()),
            None => return val,
        }
    }
}

/// go-ini's `hasSurroundedQuote`: `quote` first, last, and nowhere between.
fn surrounded_by(s: &str, quote: u8) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == quote && b[b.len() - 1] == quote && !b[1..b.len() - 1].contains(&quote)
}

/// conftest's typing of an INI value: a finite number, then a Go boolean, then the string.
fn typed(v: &str) -> Value {
    if let Some(n) = go_parse_float(v).and_then(Number::from_f64) {
        return Value::Number(n);
    }
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(v.to_string()),
    }
}

/// Go's `strconv.ParseFloat(s, 64)` where it succeeds with a finite value (`inf`, `nan` and
/// overflow are not numbers to conftest): decimal as Rust reads it (the same grammar once
/// Rust's extra spellings are excluded), hexadecimal (`0x1.8p3`) by hand; both with Go's `_`
/// between digits (`1_000`).
pub(super) fn go_parse_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let negative = s.starts_with('-');
    if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        let v = hex_float(hex)?;
        return Some(if negative { -v } else { v });
    }
    if !unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
    {
        return None;
    }
    if unsigned.contains('_') && !underscores_ok(unsigned, false) {
        return None;
    }
    s.replace('_', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The part of a Go hexadecimal float after `0x`: digits with at most one point, a mandatory
/// `p` exponent; underscores only between digits (Go's `underscoreOK`), rounded to nearest even.
fn hex_float(s: &str) -> Option<f64> {
    if !underscores_ok(&format!("0x{s}"), true) {
        return None;
    }
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let exp: i64 = {
        let e = exponent.strip_prefix('+').unwrap_or(exponent);
        let (neg, digits) = match e.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, e),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
            return None;
        }
        let v = digits
            .bytes()
            .filter(|b| *b != b'_')
            .fold(0i64, |a, b| {
                a.saturating_mul(10).saturating_add(i64::from(b - b'0'))
            })
            .min(100_000);
        if neg { -v } else { v }
    };
    // Up to 16 significant hex digits exactly, the rest as a sticky bit (as Go's readFloat).
    let (mut mant, mut digits, mut sticky, mut point_shift, mut seen_point, mut any) =
        (0u64, 0u32, false, 0i64, false, false);
    for c in mantissa.chars() {
        match c {
            '_' => {}
            '.' if !seen_point => seen_point = true,
            _ => {
                let d = u64::from(c.to_digit(16)?);
                any = true;
                if digits < 16 {
                    if mant != 0 || d != 0 {
                        digits += 1;
                    }
                    mant = mant * 16 + d;
                    if seen_point {
                        point_shift -= 4;
                    }
                } else {
                    sticky |= d != 0;
                    if !seen_point {
                        point_shift += 4;
                    }
                }
            }
        }
    }
    if !any {
        return None;
    }
    round_to_f64(mant, sticky, exp + point_shift)
}

/// `mant × 2^exp` (plus a sticky fraction below `mant`) rounded to the nearest f64, `None` on
/// overflow (Go's range error).
fn round_to_f64(mut mant: u64, sticky: bool, mut exp: i64) -> Option<f64> {
    if mant == 0 {
        return Some(0.0);
    }
    // Normalise to 64 significant bits, keep 53 plus round and sticky bits.
    let lz = mant.leading_zeros();
    mant <<= lz;
    exp -= i64::from(lz);
    // value = mant × 2^exp with mant in [2^63, 2^64): the f64 exponent of its top bit.
    let top = exp + 63;
    // Bits to drop: 11 for a normal number, more below the normal range.
    let mut drop = 11i64;
    if top < -1022 {
        drop += -1022 - top;
    }
    if drop > 64 {
        return Some(0.0);
    }
    let kept = if drop == 64 { 0 } else { mant >> drop };
    let rest = if drop == 64 {
        mant
    } else {
        mant & ((1u64 << drop) - 1)
    };
    let half = 1u64 << (drop - 1);
    let mut kept = kept;
    if rest > half || (rest == half && (sticky || kept & 1 == 1)) {
        kept += 1;
    }
    let value = (kept as f64) * pow2(exp + drop);
    value.is_finite().then_some(value)
}

/// 2^e as an f64, exact across the subnormal range (split so no step under- or overflows early).
fn pow2(e: i64) -> f64 {
    let e = e.clamp(-2200, 2200) as i32;
    let half = e / 2;
    2f64.powi(half) * 2f64.powi(e - half)
}

/// Go's `underscoreOK` for an unsigned literal: `_` only between digits (or after a base prefix),
/// hex letters being digits in a hexadecimal literal.
pub(super) fn underscores_ok(s: &str, hex: bool) -> bool {
    let mut saw = '^';
    let b = s.as_bytes();
    let mut i = 0;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'x' | b'b' | b'o') {
        i = 2;
        saw = '0';
    }
    for &c in &b[i..] {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = '0';
        } else if c == b'_' {
            if saw != '0' {
                return false;
            }
            saw = '_';
        } else {
            if saw == '_' {
                return false;
            }
            saw = '!';
        }
    }
    saw != '_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sections_keys_and_types() {
        let v = parse(
            "top = skipped\n[a]\nx = 1\ny = t\nz = \"quoted\" ; c\n- = one\n- = two\n[ b ]\nk: \"\"\"multi\nline\"\"\"\nc = a \\\n  b\n[a]\nx = 0x1p-2\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": {"x": 0.25, "y": true, "z": "quoted", "#1": "one", "#2": "two"},
                   " b ": {"k": "multi\nline", "c": "a b"}})
        );
    }

    #[test]
    fn go_floats() {
        for (s, want) in [
            ("1", Some(1.0)),
            ("-.5", Some(-0.5)),
            ("1e400", None),
            ("inf", None),
            ("NaN", None),
            ("1_0", Some(10.0)),
            ("1__0", None),
            ("1e_5", None),
            ("_1", None),
            ("1_", None),
            ("1_000.2_5", Some(1000.25)),
            ("0x1p4", Some(16.0)),
            ("0x_1p0", Some(1.0)),
            ("0x1__0p0", None),
            ("0x10", None),
            ("0x1.8p1", Some(3.0)),
            ("0x1p-1074", Some(f64::from_bits(1))),
            ("0x1p1024", None),
        ] {
            assert_eq!(go_parse_float(s), want, "{s}");
        }
    }

    #[test]
    fn refusals_name_the_line() {
        for (bad, line) in [
            ("[a]\nsecret\n", 2),
            ("[a\n", 1),
            ("[a]\nk = \"\"\"secret\n", 2),
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("line {line}")), "{e}");
            assert!(!e.contains("secret"), "{e}");
        }
    }
}
