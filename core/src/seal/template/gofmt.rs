//! Go's formatting, byte for byte: `fmt` printing (`%v`, `Sprint`, `Sprintf`), `strconv.Quote`,
//! `encoding/json` strings and floats, and `encoding/base64` error texts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Fail;
use super::exec::{SecretBuf, Value};
use super::funcs::nil_if_missing;
use crate::seal::plaintext::Plaintext;

type Data = BTreeMap<String, Plaintext>;

/// `fmt.Fprint` of one value, as a template action prints it.
pub fn print_value(out: &mut SecretBuf, value: &Value, data: &Data) {
    match value {
        Value::Missing => out.push(b"<no value>"),
        Value::Nil => out.push(b"<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float(f) => out.push_str(&go_float(*f)),
        Value::Str(s) => out.push(s.as_bytes()),
        Value::Data => {
            out.push(b"map[");
            for (i, (key, item)) in data.iter().enumerate() {
                if i > 0 {
                    out.push(b" ");
                }
                out.push_str(key);
                out.push(b":");
                out.push(item.as_bytes());
            }
            out.push(b"]");
        }
    }
}

/// `fmt.Sprint` / `fmt.Sprintln` (a missing key arrives as nil through `...any`).
pub fn sprint(out: &mut SecretBuf, args: &[Value], data: &Data, line: bool) {
    for (i, arg) in args.iter().enumerate() {
        let is_string = |v: &Value| matches!(v, Value::Str(_));
        if i > 0 && (line || (!is_string(arg) && !is_string(&args[i - 1]))) {
            out.push(b" ");
        }
        print_value(out, &nil_if_missing(arg.duplicate()), data);
    }
    if line {
        out.push(b"\n");
    }
}

/// `fmt.Sprintf` for the plain verbs `%s %v %d %q %x %X %t %%`; flags, width and precision
/// are reported as unsupported rather than guessed.
pub fn printf(out: &mut SecretBuf, format: &str, args: &[Value], data: &Data) -> Result<(), Fail> {
    let mut next = 0;
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            let mut buf = [0u8; 4];
            out.push(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(verb) = chars.next() else {
            out.push(b"%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push(b"%");
            continue;
        }
        if !matches!(verb, 's' | 'v' | 'd' | 'q' | 'x' | 'X' | 't') {
            return Err(Fail::Unsupported(format!(
                "printf verb `%{verb}` (flags, width and precision included)"
            )));
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let arg = nil_if_missing(arg.duplicate());
        format_verb(out, verb, &arg, data);
    }
    if next < args.len() {
        out.push(b"%!(EXTRA ");
        for (i, arg) in args[next..].iter().enumerate() {
            if i > 0 {
                out.push(b", ");
            }
            let arg = nil_if_missing(arg.duplicate());
            out.push_str(arg.type_name());
            out.push(b"=");
            print_value(out, &arg, data);
        }
        out.push(b")");
    }
    Ok(())
}

fn format_verb(out: &mut SecretBuf, verb: char, arg: &Value, data: &Data) {
    match (verb, arg) {
        ('v', _) | ('s', Value::Str(_)) | ('d', Value::Int(_)) | ('t', Value::Bool(_)) => {
            print_value(out, arg, data);
        }
        ('q', Value::Str(s)) => go_quote(out, s.as_bytes()),
        ('x' | 'X', Value::Str(s)) => {
            for byte in s.as_bytes() {
                let mut pair = String::with_capacity(2);
                if verb == 'x' {
                    let _ = write!(pair, "{byte:02x}");
                } else {
                    let _ = write!(pair, "{byte:02X}");
                }
                out.push_str(&pair);
                zeroize::Zeroize::zeroize(&mut pair);
            }
        }
        ('x', Value::Int(n)) => out.push_str(&format!("{n:x}")),
        ('X', Value::Int(n)) => out.push_str(&format!("{n:X}")),
        ('s' | 'q' | 'd' | 'x' | 'X' | 't', Value::Nil) => {
            out.push_str(&format!("%!{verb}(<nil>)"));
        }
        _ => {
            out.push_str(&format!("%!{verb}({}=", arg.type_name()));
            print_value(out, arg, data);
            out.push(b")");
        }
    }
}

/// Writes `bytes` in double quotes with the escapes Go's `strconv.Quote` and `encoding/json`
/// share; `other` writes every other rune, `invalid` each byte that is not UTF-8.
fn quote_with(
    out: &mut SecretBuf,
    bytes: &[u8],
    other: impl Fn(&mut SecretBuf, char),
    invalid: impl Fn(&mut SecretBuf, u8),
) {
    out.push(b"\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push(b"\\\""),
                '\\' => out.push(b"\\\\"),
                '\n' => out.push(b"\\n"),
                '\r' => out.push(b"\\r"),
                '\t' => out.push(b"\\t"),
                '\x08' => out.push(b"\\b"),
                '\x0c' => out.push(b"\\f"),
                c => other(out, c),
            }
        }
        for &byte in chunk.invalid() {
            invalid(out, byte);
        }
    }
    out.push(b"\"");
}

fn push_char(out: &mut SecretBuf, c: char) {
    let mut buf = [0u8; 4];
    out.push(c.encode_utf8(&mut buf).as_bytes());
}

/// `strconv.Quote`: printable runes as they are, the rest escaped; invalid UTF-8 as `\xNN`.
pub fn go_quote(out: &mut SecretBuf, bytes: &[u8]) {
    quote_with(
        out,
        bytes,
        |out, c| match c {
            '\x07' => out.push(b"\\a"),
            '\x0b' => out.push(b"\\v"),
            c if go_is_print(c) => push_char(out, c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        },
        |out, byte| out.push_str(&format!("\\x{byte:02x}")),
    );
}

/// Go's `unicode.IsPrint` approximated with std: no controls, no spaces but U+0020, no format
/// characters (soft hyphen, zero-width and bidi marks, BOM).
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF))
}

/// `encoding/json` output for a value: `html` escapes `<`, `>`, `&` like `json.Marshal`;
/// `pretty` indents objects by two spaces like `json.MarshalIndent`.
pub fn json(out: &mut SecretBuf, value: &Value, data: &Data, html: bool, pretty: bool) {
    match value {
        Value::Missing | Value::Nil => out.push(b"null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float(f) => out.push_str(&go_json_float(*f)),
        Value::Str(s) => json_string(out, s.as_bytes(), html),
        Value::Data => {
            if data.is_empty() {
                out.push(b"{}");
                return;
            }
            out.push(b"{");
            for (i, (key, item)) in data.iter().enumerate() {
                if i > 0 {
                    out.push(b",");
                }
                if pretty {
                    out.push(b"\n  ");
                }
                json_string(out, key.as_bytes(), html);
                out.push(if pretty { b": " } else { b":" });
                json_string(out, item.as_bytes(), html);
            }
            if pretty {
                out.push(b"\n");
            }
            out.push(b"}");
        }
    }
}

fn json_string(out: &mut SecretBuf, bytes: &[u8], html: bool) {
    quote_with(
        out,
        bytes,
        |out, c| match c {
            '<' | '>' | '&' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => push_char(out, c),
        },
        |out, _| out.push(b"\\ufffd"),
    );
}

/// `%v` of a float64: shortest representation, exponent form below 1e-4 and from 1e21.
fn go_float(f: f64) -> String {
    float_with_exponent_below(f, 1e-4)
}

/// `encoding/json` float: like `%v` but exponent form only below 1e-6.
fn go_json_float(f: f64) -> String {
    float_with_exponent_below(f, 1e-6)
}

fn float_with_exponent_below(f: f64, small: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(small..1e21).contains(&abs) {
        go_exponent(f)
    } else {
        format!("{f}")
    }
}

/// Rust's `1e-5` → Go's `1e-05` (at least two exponent digits, explicit sign).
fn go_exponent(f: f64) -> String {
    let text = format!("{f:e}");
    match text.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

/// Go's `base64.CorruptInputError` text, which Sprig's `b64dec` returns as the value.
/// A cut-short input is reported at the start of its incomplete last quantum, as Go does.
pub fn go_base64_error(error: &base64::DecodeError, input_len: usize) -> String {
    let offset = match error {
        base64::DecodeError::InvalidByte(at, _) | base64::DecodeError::InvalidLastSymbol(at, _) => {
            *at
        }
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            input_len / 4 * 4
        }
    };
    format!("illegal base64 data at input byte {offset}")
}
