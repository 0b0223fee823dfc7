//! Go's renderings of the values the EDN library decodes, as conftest prints them: `fmt`'s `%v`
//! (maps and sets sorted as `internal/fmtsort` sorts them, floats as strconv's shortest `'g'`),
//! conftest's `cleanupMapValue`, and the library's `#inst` and `#base64` converters.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::Edn;

/// conftest's `cleanupMapValue`.
pub(super) fn cleanup(value: &Edn) -> Result<Value, String> {
    Ok(match value {
        Edn::Str(s) => Value::String(s.clone()),
        Edn::List(items) => Value::Array(items.iter().map(cleanup).collect::<Result<_, _>>()?),
        Edn::Map(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(go_v(k), cleanup(v)?);
            }
            Value::Object(out)
        }
        other => Value::String(go_v(other)),
    })
}

/// Go's `fmt.Sprintf("%v", v)` of a decoded value.
fn go_v(value: &Edn) -> String {
    let join = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(" ");
    match value {
        Edn::Nil => "<nil>".to_string(),
        Edn::Bool(b) => b.to_string(),
        Edn::Int(n) => n.to_string(),
        Edn::BigInt(neg, words) => format!(
            "{{{neg} [{}]}}",
            join(&mut words.iter().map(|w| w.to_string()))
        ),
        Edn::Float(f) => go_float(*f),
        Edn::Char(c) => c.to_string(),
        Edn::Str(s) | Edn::Symbol(s) => s.clone(),
        Edn::Keyword(k) => format!(":{k}"),
        Edn::Tag(name, v) => format!("#{name} {}", go_v(v)),
        Edn::Time(text, ..) | Edn::Exact(text) => text.clone(),
        Edn::Bytes(b) => format!("[{}]", join(&mut b.iter().map(|b| b.to_string()))),
        Edn::List(items) => format!("[{}]", join(&mut items.iter().map(go_v))),
        Edn::Map(entries) => {
            let entries = go_map(entries.iter().map(|(k, v)| (k, go_v(v))));
            format!("map[{}]", join(&mut entries.into_iter()))
        }
        Edn::Set(items) => {
            let entries = go_map(items.iter().map(|k| (k, "true".to_string())));
            format!("map[{}]", join(&mut entries.into_iter()))
        }
    }
}

/// A Go map's `key:value` texts as `%v` prints them: one entry per distinct key (the last
/// value), sorted by key.
fn go_map<'a>(entries: impl Iterator<Item = (&'a Edn, String)>) -> Vec<String> {
    let mut kept: Vec<(&Edn, String)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, v) in entries {
        match identity(k).and_then(|id| match seen.entry(id) {
            Entry::Occupied(at) => Some(*at.get()),
            Entry::Vacant(slot) => {
                slot.insert(kept.len());
                None
            }
        }) {
            Some(at) => {
                if let Some(entry) = kept.get_mut(at) {
                    entry.1 = v;
                }
            }
            None => kept.push((k, v)),
        }
    }
    kept.sort_by(|a, b| go_compare(a.0, b.0));
    kept.into_iter()
        .map(|(k, v)| format!("{}:{v}", go_v(k)))
        .collect()
}

/// What Go's `==` sees of a map key, as a text (equal keys, equal texts); `None` for a
/// collection, which is a pointer there and equal to no other key.
fn identity(value: &Edn) -> Option<String> {
    Some(match value {
        Edn::Tag(name, inner) => format!("9:{name} {}", identity(inner)?),
        Edn::Float(f) if *f == 0.0 => "5:0".to_string(),
        Edn::BigInt(..) | Edn::Bytes(_) | Edn::List(_) | Edn::Map(_) | Edn::Set(_) => return None,
        other => format!("{}:{}", type_rank(other), go_v(other)),
    })
}

/// Where Go's `fmt` puts a key's type among others (by its type descriptor's address in the
/// conftest v0.71.1 binary, measured); a collection key is a pointer there.
fn type_rank(value: &Edn) -> u8 {
    match value {
        Edn::Nil => 0,
        Edn::BigInt(..) | Edn::Bytes(_) | Edn::List(_) | Edn::Map(_) | Edn::Set(_) => 1,
        Edn::Str(_) => 2,
        Edn::Char(_) => 3,
        Edn::Int(_) => 4,
        Edn::Float(_) => 5,
        Edn::Bool(_) => 6,
        Edn::Keyword(_) => 7,
        Edn::Symbol(_) => 8,
        Edn::Tag(..) => 9,
        Edn::Time(..) => 10,
        Edn::Exact(_) => 11,
    }
}

/// Go's `internal/fmtsort` order of two map keys.
fn go_compare(a: &Edn, b: &Edn) -> Ordering {
    type_rank(a).cmp(&type_rank(b)).then_with(|| match (a, b) {
        (Edn::Str(x), Edn::Str(y))
        | (Edn::Keyword(x), Edn::Keyword(y))
        | (Edn::Symbol(x), Edn::Symbol(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Edn::Char(x), Edn::Char(y)) => x.cmp(y),
        (Edn::Int(x), Edn::Int(y)) => x.cmp(y),
        (Edn::Float(x), Edn::Float(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Edn::Bool(x), Edn::Bool(y)) => x.cmp(y),
        (Edn::Tag(n, x), Edn::Tag(m, y)) => n
            .as_bytes()
            .cmp(m.as_bytes())
            .then_with(|| go_compare(x, y)),
        (Edn::Time(_, n, s), Edn::Time(_, m, t)) => n.cmp(m).then(s.cmp(t)),
        // pointers: by address, unknowable; document order
        _ => Ordering::Equal,
    })
}

/// Whether Go can hash `value` as a map key: collections are stored by pointer (hashable), but a
/// `big.Int`, or a tagged value holding anything but a scalar, panics as unhashable.
pub(super) fn hashable(value: &Edn) -> bool {
    fn in_struct(value: &Edn) -> bool {
        match value {
            Edn::BigInt(..) | Edn::Bytes(_) | Edn::List(_) | Edn::Map(_) | Edn::Set(_) => false,
            Edn::Tag(_, inner) => in_struct(inner),
            _ => true,
        }
    }
    match value {
        Edn::BigInt(..) => false,
        Edn::Tag(_, inner) => in_struct(inner),
        _ => true,
    }
}

/// Go's `%v` of a float64 (strconv's `'g'`, precision -1): the shortest digits that read back.
fn go_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust's `{:e}` gives the same shortest digits: d.ddddde±x
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    format_g(negative, &digits, exp.parse().unwrap_or(0))
}

/// `0.d₁d₂…` × 10^(`exp`+1), digits without leading or trailing zeros, as Go's `'g'` format with
/// the shortest precision prints it (strconv and math/big alike): `%e` form, with at least two
/// exponent digits, when the exponent is below -4 or at least 6.
fn format_g(negative: bool, digits: &str, exp: i64) -> String {
    let sign = if negative { "-" } else { "" };
    if digits.is_empty() {
        return format!("{sign}0");
    }
    let n = digits.len() as i64;
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{exp_sign}{:02}", exp.abs());
    }
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        format!("{sign}0.{zeros}{digits}")
    } else if exp + 1 >= n {
        let zeros = "0".repeat((exp + 1 - n) as usize);
        format!("{sign}{digits}{zeros}")
    } else {
        let (int, frac) = digits.split_at((exp + 1) as usize);
        format!("{sign}{int}.{frac}")
    }
}

/// A top-level `…N`/`…M` literal as Go prints the `*big.Int`/`*big.Float` (192-bit) read from
/// it: the exact decimal value (a float of more than 50 significant digits is refused: Go rounds
/// it to 192 bits).
pub(super) fn exact_number(text: &str) -> Option<String> {
    let body = &text[..text.len() - 1];
    let (negative, body) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], body[at + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let digits = all.trim_start_matches('0');
    let exp = exp - frac.len() as i64 + digits.len() as i64 - 1;
    let digits = digits.trim_end_matches('0');
    if text.ends_with('N') {
        // an integer: its digits, sign dropped for zero
        let sign = if negative && !digits.is_empty() {
            "-"
        } else {
            ""
        };
        let zeros = "0".repeat(usize::try_from(exp + 1).ok()?.saturating_sub(digits.len()));
        return Some(if digits.is_empty() {
            "0".to_string()
        } else {
            format!("{sign}{digits}{zeros}")
        });
    }
    (digits.len() <= 50).then(|| format_g(negative, digits, exp))
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, line breaks ignored, stray bits
/// after the last byte allowed.
pub(super) fn go_base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let cleaned: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    engine.decode(cleaned).ok()
}

/// `#inst "…"`: Go's `time.Parse(time.RFC3339Nano, s)` printed by `Time.String` in a UTC zone
/// (`2006-01-02 15:04:05.999999999 -0700 MST`; an offset other than zero has no zone name, so
/// Go prints the offset twice).
pub(super) fn instant(s: &str) -> Option<Edn> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = *days_in_month.get(month.checked_sub(1)? as usize)?;
    if day == 0 || day > max_day || hour > 23 || min > 59 || sec > 59 {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    let mut fraction = String::new();
    if let Some(after) = rest.strip_prefix('.') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        // Go reads nanoseconds: digits past the ninth are dropped
        fraction = after[..n.min(9)].to_string();
        nanos = format!("{fraction:0<9}").parse().ok()?;
        rest = &after[n..];
    }
    let offset_minutes: i64 = if rest == "Z" {
        0
    } else {
        let rb = rest.as_bytes();
        let sign = match rb.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        if rest.len() != 6 || rb.get(3) != Some(&b':') {
            return None;
        }
        let (h, m) = (num_of(rest.get(1..3)?)?, num_of(rest.get(4..6)?)?);
        // Go's general parser, where its RFC 3339 fast path gives up, takes up to 24:60
        if h > 24 || m > 60 {
            return None;
        }
        sign * i64::from(h * 60 + m)
    };
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    let zone = if offset_minutes == 0 {
        "+0000 UTC".to_string()
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let (h, m) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
        format!("{sign}{h:02}{m:02} {sign}{h:02}{m:02}")
    };
    let text =
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{min:02}:{sec:02}{fraction} {zone}");
    // seconds since the Unix epoch, for Go's ordering of times
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    let seconds = days * 86_400 + i64::from(hour * 3600 + min * 60 + sec) - offset_minutes * 60;
    Some(Edn::Time(text, nanos, seconds))
}

fn num_of(s: &str) -> Option<u32> {
    s.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| s.parse().ok())?
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
