//! Template functions: Go's builtins and the Sprig string functions upstream templates use.
//!
//! Each function checks its arguments the way Go's reflection-based call does (a missing map
//! key is an invalid value for a `string` parameter, `nil` for an `interface{}` one) and
//! produces Go's output byte for byte (`%q` quoting, `encoding/json` escaping).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::Fail;
use super::exec::{SecretBuf, Value};
use super::gofmt::{go_base64_error, go_quote, json, print_value, printf, sprint};
use crate::seal::plaintext::Plaintext;

type Data = BTreeMap<String, Plaintext>;

/// Every function name a template may use; anything else is rejected before execution.
const SUPPORTED: &[&str] = &[
    // Go builtins
    "and",
    "or",
    "not",
    "len",
    "index",
    "print",
    "printf",
    "println",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge", // Sprig
    "toJson",
    "toRawJson",
    "toPrettyJson",
    "b64enc",
    "b64dec",
    "quote",
    "squote",
    "upper",
    "lower",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "default",
    "empty",
    "coalesce",
    "ternary",
    "replace",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "nospace",
    "repeat",
    "indent",
    "nindent",
    "toString",
    "cat",
    "sha256sum",
    "trunc",
];

pub fn is_supported(name: &str) -> bool {
    SUPPORTED.contains(&name)
}

/// Calls `name` with evaluated arguments (a piped value comes last).
pub fn call(name: &str, args: Vec<Value>, data: &Data) -> Result<Value, Fail> {
    let err = |reason: String| Fail::Exec(format!("error calling {name}: {reason}"));
    let arity = |want: usize| -> Result<(), Fail> {
        if args.len() == want {
            Ok(())
        } else {
            Err(Fail::Exec(format!(
                "wrong number of args for {name}: want {want} got {}",
                args.len()
            )))
        }
    };
    let at_least = |want: usize| -> Result<(), Fail> {
        if args.len() >= want {
            Ok(())
        } else {
            Err(Fail::Exec(format!(
                "wrong number of args for {name}: want at least {want} got {}",
                args.len()
            )))
        }
    };
    match name {
        "and" | "or" => {
            at_least(1)?;
            let want = name == "or";
            let mut last = Value::Nil;
            for arg in args {
                if truth(&arg, data) == want {
                    return Ok(arg);
                }
                last = arg;
            }
            Ok(last)
        }
        "not" => {
            arity(1)?;
            Ok(Value::Bool(!truth(&args[0], data)))
        }
        "len" => {
            arity(1)?;
            match &args[0] {
                Value::Str(s) => Ok(Value::Int(s.as_bytes().len() as i64)),
                Value::Data => Ok(Value::Int(data.len() as i64)),
                other => Err(err(format!("len of type {}", other.type_name()))),
            }
        }
        "index" => {
            at_least(1)?;
            index(&args, data).map_err(err)
        }
        "print" | "println" => {
            let mut out = SecretBuf::default();
            sprint(&mut out, &args, data, name == "println");
            Ok(Value::Str(out))
        }
        "printf" => {
            at_least(1)?;
            let format = string_param(name, &args[0])?;
            let format =
                zeroize::Zeroizing::new(String::from_utf8_lossy(format.as_bytes()).into_owned());
            let mut out = SecretBuf::default();
            printf(&mut out, &format, &args[1..], data)?;
            Ok(Value::Str(out))
        }
        "eq" => {
            at_least(1)?;
            for other in &args[1..] {
                if compare(&args[0], other).map_err(err)? == std::cmp::Ordering::Equal {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        "ne" | "lt" | "le" | "gt" | "ge" => {
            arity(2)?;
            if name != "ne" && matches!(args[0], Value::Bool(_)) {
                return Err(err("invalid type for comparison".to_owned()));
            }
            let order = compare(&args[0], &args[1]).map_err(err)?;
            Ok(Value::Bool(match name {
                "ne" => order.is_ne(),
                "lt" => order.is_lt(),
                "le" => order.is_le(),
                "gt" => order.is_gt(),
                _ => order.is_ge(),
            }))
        }
        "toJson" | "toRawJson" | "toPrettyJson" => {
            arity(1)?;
            let mut out = SecretBuf::default();
            json(
                &mut out,
                &args[0],
                data,
                name != "toRawJson",
                name == "toPrettyJson",
            );
            Ok(Value::Str(out))
        }
        "b64enc" => {
            arity(1)?;
            let input = string_param(name, &args[0])?;
            let mut out = SecretBuf::with_capacity(input.as_bytes().len().div_ceil(3) * 4);
            out.push(zeroize::Zeroizing::new(STANDARD.encode(input.as_bytes())).as_bytes());
            Ok(Value::Str(out))
        }
        "b64dec" => {
            arity(1)?;
            let input = string_param(name, &args[0])?;
            // Go's decoder skips line breaks
            let mut compact = SecretBuf::with_capacity(input.as_bytes().len());
            for &byte in input
                .as_bytes()
                .iter()
                .filter(|&&b| b != b'\n' && b != b'\r')
            {
                compact.push(&[byte]);
            }
            match STANDARD.decode(compact.as_bytes()) {
                Ok(bytes) => {
                    let bytes = zeroize::Zeroizing::new(bytes);
                    Ok(Value::str(&bytes))
                }
                // Sprig returns the error text as the value.
                Err(e) => Ok(Value::str(
                    go_base64_error(&e, compact.as_bytes().len()).as_bytes(),
                )),
            }
        }
        "quote" | "squote" => {
            let mut out = SecretBuf::default();
            let mut first = true;
            for arg in args.iter().filter(|a| !is_nil(a)) {
                if !first {
                    out.push(b" ");
                }
                first = false;
                let text = strval(arg, data);
                if name == "quote" {
                    go_quote(&mut out, text.as_bytes());
                } else {
                    out.push(b"'");
                    out.push(text.as_bytes());
                    out.push(b"'");
                }
            }
            Ok(Value::Str(out))
        }
        "upper" | "lower" | "trim" | "nospace" | "sha256sum" => {
            arity(1)?;
            let input = string_param(name, &args[0])?;
            Ok(Value::Str(string_map(name, input.as_bytes())))
        }
        "trimAll" | "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix" | "hasSuffix" => {
            arity(2)?;
            let needle = string_param(name, &args[0])?;
            let hay = string_param(name, &args[1])?;
            Ok(two_strings(name, needle.as_bytes(), hay.as_bytes()))
        }
        "replace" => {
            arity(3)?;
            let old = string_param(name, &args[0])?;
            let new = string_param(name, &args[1])?;
            let src = string_param(name, &args[2])?;
            Ok(Value::Str(replace(
                src.as_bytes(),
                old.as_bytes(),
                new.as_bytes(),
            )))
        }
        "repeat" | "indent" | "nindent" | "trunc" => {
            arity(2)?;
            let count = int_param(name, &args[0])?;
            let text = string_param(name, &args[1])?;
            Ok(Value::Str(counted(name, count, text.as_bytes())))
        }
        "default" => {
            at_least(1)?;
            let mut args = args;
            if args.len() == 1 || empty(&args[1], data) {
                Ok(nil_if_missing(args.swap_remove(0)))
            } else {
                Ok(nil_if_missing(args.swap_remove(1)))
            }
        }
        "empty" => {
            arity(1)?;
            Ok(Value::Bool(empty(&args[0], data)))
        }
        "coalesce" => Ok(args
            .into_iter()
            .find(|a| !empty(a, data))
            .unwrap_or(Value::Nil)),
        "ternary" => {
            arity(3)?;
            let Value::Bool(cond) = args[2] else {
                return Err(Fail::Exec(format!(
                    "wrong type for value; expected bool; got {}",
                    args[2].type_name()
                )));
            };
            let mut args = args;
            Ok(nil_if_missing(args.swap_remove(if cond { 0 } else { 1 })))
        }
        "toString" => {
            arity(1)?;
            Ok(Value::Str(strval(&args[0], data)))
        }
        "cat" => {
            let kept: Vec<&Value> = args.iter().filter(|a| !is_nil(a)).collect();
            let mut out = SecretBuf::default();
            for (i, arg) in kept.iter().enumerate() {
                if i > 0 {
                    out.push(b" ");
                }
                print_value(&mut out, arg, data);
            }
            Ok(Value::Str(out))
        }
        _ => Err(Fail::Unsupported(format!("function `{name}`"))),
    }
}

fn is_nil(value: &Value) -> bool {
    matches!(value, Value::Nil | Value::Missing)
}

/// A missing key passed through `interface{}` arrives as `nil`.
pub fn nil_if_missing(value: Value) -> Value {
    match value {
        Value::Missing => Value::Nil,
        other => other,
    }
}

/// A `string` parameter: Go refuses a missing key ("invalid value") or another type.
fn string_param<'v>(name: &str, value: &'v Value) -> Result<&'v SecretBuf, Fail> {
    match value {
        Value::Str(s) => Ok(s),
        Value::Missing => Err(Fail::Exec(format!(
            "{name}: invalid value; expected string"
        ))),
        other => Err(Fail::Exec(format!(
            "{name}: wrong type for value; expected string; got {}",
            other.type_name()
        ))),
    }
}

fn int_param(name: &str, value: &Value) -> Result<i64, Fail> {
    match value {
        Value::Int(n) => Ok(*n),
        other => Err(Fail::Exec(format!(
            "{name}: wrong type for value; expected int; got {}",
            other.type_name()
        ))),
    }
}

/// Go's `truth`: the zero value of its type, or an empty map/string, is false.
pub fn truth(value: &Value, data: &Data) -> bool {
    match value {
        Value::Missing | Value::Nil => false,
        Value::Bool(b) => *b,
        Value::Int(n) => *n != 0,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.as_bytes().is_empty(),
        Value::Data => !data.is_empty(),
    }
}

/// Sprig's `empty` (same as "not truth" for the types a template sees here).
fn empty(value: &Value, data: &Data) -> bool {
    !truth(value, data)
}

fn index(args: &[Value], data: &Data) -> Result<Value, String> {
    let mut current = args[0].duplicate();
    for key in &args[1..] {
        current = match (&current, key) {
            (Value::Data, Value::Str(k)) => {
                let name = String::from_utf8_lossy(k.as_bytes());
                // a missing key gives the element type's zero value: ""
                data.get(name.as_ref())
                    .map_or_else(|| Value::str(b""), |v| Value::str(v.as_bytes()))
            }
            (Value::Str(s), Value::Int(i)) => {
                let byte = usize::try_from(*i)
                    .ok()
                    .and_then(|i| s.as_bytes().get(i))
                    .ok_or_else(|| format!("index out of range: {i}"))?;
                Value::Int(i64::from(*byte))
            }
            (Value::Data, other) => {
                return Err(format!(
                    "value has type {}; should be string",
                    other.type_name()
                ));
            }
            (Value::Missing | Value::Nil, _) => {
                return Err("index of untyped nil".to_owned());
            }
            (other, _) => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(current)
}

fn compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x
            .partial_cmp(y)
            .ok_or_else(|| "NaN is not comparable".to_owned()),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Missing | Value::Nil, Value::Missing | Value::Nil) => Ok(std::cmp::Ordering::Equal),
        _ => Err("incompatible types for comparison".to_owned()),
    }
}

/// Sprig's `strval`: strings as they are, everything else through `%v`.
fn strval(value: &Value, data: &Data) -> SecretBuf {
    let mut out = SecretBuf::default();
    print_value(&mut out, &nil_if_missing(value.duplicate()), data);
    out
}

fn string_map(name: &str, input: &[u8]) -> SecretBuf {
    let text = String::from_utf8_lossy(input);
    let mut out = SecretBuf::with_capacity(input.len());
    let mut buf = [0u8; 4];
    match name {
        "upper" | "lower" => {
            for c in text.chars() {
                // Go maps rune by rune with simple case mappings: keep a char whose full
                // mapping is several chars (ß stays ß).
                let mut mapped = if name == "upper" {
                    c.to_uppercase().collect::<Vec<char>>()
                } else {
                    c.to_lowercase().collect::<Vec<char>>()
                };
                if mapped.len() != 1 {
                    mapped = vec![c];
                }
                out.push(mapped[0].encode_utf8(&mut buf).as_bytes());
            }
        }
        "trim" => out.push(text.trim().as_bytes()),
        "nospace" => {
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                out.push(c.encode_utf8(&mut buf).as_bytes());
            }
        }
        _ => {
            // sha256sum: lower-case hex of the SHA-256 of the bytes
            let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input);
            for byte in digest.as_ref() {
                out.push_str(&format!("{byte:02x}"));
            }
        }
    }
    out
}

fn two_strings(name: &str, needle: &[u8], hay: &[u8]) -> Value {
    match name {
        "trimPrefix" => Value::str(hay.strip_prefix(needle).unwrap_or(hay)),
        "trimSuffix" => Value::str(hay.strip_suffix(needle).unwrap_or(hay)),
        "contains" => {
            Value::Bool(needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle))
        }
        "hasPrefix" => Value::Bool(hay.starts_with(needle)),
        "hasSuffix" => Value::Bool(hay.ends_with(needle)),
        _ => {
            // trimAll(cutset, s) = strings.Trim(s, cutset)
            let cutset = String::from_utf8_lossy(needle);
            let text = String::from_utf8_lossy(hay);
            Value::str(text.trim_matches(|c: char| cutset.contains(c)).as_bytes())
        }
    }
}

fn replace(src: &[u8], old: &[u8], new: &[u8]) -> SecretBuf {
    let mut out = SecretBuf::with_capacity(src.len());
    if old.is_empty() {
        // Go inserts `new` before every rune and at the end
        let text = String::from_utf8_lossy(src);
        let mut buf = [0u8; 4];
        for c in text.chars() {
            out.push(new);
            out.push(c.encode_utf8(&mut buf).as_bytes());
        }
        out.push(new);
        return out;
    }
    let mut i = 0;
    while i < src.len() {
        if src[i..].starts_with(old) {
            out.push(new);
            i += old.len();
        } else {
            out.push(&src[i..=i]);
            i += 1;
        }
    }
    out
}

fn counted(name: &str, count: i64, text: &[u8]) -> SecretBuf {
    let mut out = SecretBuf::default();
    let n = usize::try_from(count).unwrap_or(0);
    match name {
        "repeat" => {
            for _ in 0..n {
                out.push(text);
            }
        }
        "trunc" => {
            // Sprig: negative counts keep the end; counts past the length keep everything
            let len = text.len();
            let keep = if count >= 0 {
                &text[..n.min(len)]
            } else {
                let from = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
                &text[len.saturating_sub(from)..]
            };
            out.push(keep);
        }
        _ => {
            if name == "nindent" {
                out.push(b"\n");
            }
            let pad = " ".repeat(n);
            out.push(pad.as_bytes());
            for &byte in text {
                out.push(&[byte]);
                if byte == b'\n' {
                    out.push(pad.as_bytes());
                }
            }
        }
    }
    out
}
