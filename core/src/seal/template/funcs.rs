//! Template functions: Go's builtins and the Sprig string functions upstream templates use.
//!
//! Each function checks its arguments the way Go's reflection-based call does (a missing map
//! key is an invalid value for a `string` parameter, `nil` for an `interface{}` one) and
//! produces Go's output byte for byte (`%q` quoting, `encoding/json` escaping).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::Fail;
use super::exec::{MAX_TEMPLATE_BYTES, SecretBuf, Value, over_budget};
use super::gofmt::{self, go_base64_error, go_quote, json, print_value, sprint};
use crate::seal::plaintext::Plaintext;

type Data = BTreeMap<String, Plaintext>;

/// One template function: its evaluated arguments (a piped value comes last) → its value.
type Func = fn(&Call<'_>, Vec<Value>) -> Result<Value, Fail>;

/// Every function a template may use, by name; anything else is rejected before execution.
static FUNCS: &[(&str, Func)] = &[
    // Go builtins
    ("and", and),
    ("or", or),
    ("not", not),
    ("len", len),
    ("index", index),
    ("print", print),
    ("printf", printf),
    ("println", println),
    ("eq", eq),
    ("ne", ne),
    ("lt", lt),
    ("le", le),
    ("gt", gt),
    ("ge", ge),
    // Sprig
    ("toJson", to_json),
    ("toRawJson", to_raw_json),
    ("toPrettyJson", to_pretty_json),
    ("b64enc", b64enc),
    ("b64dec", b64dec),
    ("quote", quote),
    ("squote", squote),
    ("upper", upper),
    ("lower", lower),
    ("trim", trim),
    ("trimAll", trim_all),
    ("trimPrefix", trim_prefix),
    ("trimSuffix", trim_suffix),
    ("default", default),
    ("empty", empty),
    ("coalesce", coalesce),
    ("ternary", ternary),
    ("replace", replace),
    ("contains", contains),
    ("hasPrefix", has_prefix),
    ("hasSuffix", has_suffix),
    ("nospace", nospace),
    ("repeat", repeat),
    ("indent", indent),
    ("nindent", nindent),
    ("toString", to_string),
    ("cat", cat),
    ("sha256sum", sha256sum),
    ("trunc", trunc),
];

fn lookup(name: &str) -> Option<Func> {
    FUNCS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, func)| *func)
}

pub fn is_supported(name: &str) -> bool {
    lookup(name).is_some()
}

/// Calls `name` with evaluated arguments (a piped value comes last).
pub fn call(name: &str, args: Vec<Value>, data: &Data) -> Result<Value, Fail> {
    let func = lookup(name).ok_or_else(|| Fail::Unsupported(format!("function `{name}`")))?;
    let value = func(&Call { name, data }, args)?;
    if let Value::Str(buf) = &value {
        buf.check()?;
    }
    Ok(value)
}

/// What a function sees besides its arguments: the name it was called by (Go's messages name
/// it) and the decrypted items (`.`).
struct Call<'a> {
    name: &'a str,
    data: &'a Data,
}

impl Call<'_> {
    /// Go's "error calling NAME: …".
    fn error(&self, reason: String) -> Fail {
        Fail::Exec(format!("error calling {}: {reason}", self.name))
    }

    fn arity(&self, args: &[Value], want: usize) -> Result<(), Fail> {
        if args.len() == want {
            return Ok(());
        }
        Err(Fail::Exec(format!(
            "wrong number of args for {}: want {want} got {}",
            self.name,
            args.len()
        )))
    }

    fn at_least(&self, args: &[Value], want: usize) -> Result<(), Fail> {
        if args.len() >= want {
            return Ok(());
        }
        Err(Fail::Exec(format!(
            "wrong number of args for {}: want at least {want} got {}",
            self.name,
            args.len()
        )))
    }

    fn string<'v>(&self, value: &'v Value) -> Result<&'v SecretBuf, Fail> {
        string_param(self.name, value)
    }

    /// The one `string` parameter of `upper`, `b64enc`, ….
    fn one_string<'v>(&self, args: &'v [Value]) -> Result<&'v SecretBuf, Fail> {
        self.arity(args, 1)?;
        self.string(&args[0])
    }

    /// The two `string` parameters of `trimPrefix`, `contains`, …: (needle, haystack).
    fn two_strings<'v>(&self, args: &'v [Value]) -> Result<(&'v [u8], &'v [u8]), Fail> {
        self.arity(args, 2)?;
        let needle = self.string(&args[0])?;
        let hay = self.string(&args[1])?;
        Ok((needle.as_bytes(), hay.as_bytes()))
    }

    /// The `int` and `string` parameters of `repeat`, `indent`, `nindent`, `trunc`.
    fn count_and_text<'v>(&self, args: &'v [Value]) -> Result<(i64, &'v [u8]), Fail> {
        self.arity(args, 2)?;
        let count = int_param(self.name, &args[0])?;
        let text = self.string(&args[1])?;
        Ok((count, text.as_bytes()))
    }
}

// --- Go builtins ---

fn and(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    first_with_truth(call, args, false)
}

fn or(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    first_with_truth(call, args, true)
}

/// `and`/`or`: the first argument whose truth is `want`, else the last one.
fn first_with_truth(call: &Call<'_>, args: Vec<Value>, want: bool) -> Result<Value, Fail> {
    call.at_least(&args, 1)?;
    let mut last = Value::Nil;
    for arg in args {
        if truth(&arg, call.data) == want {
            return Ok(arg);
        }
        last = arg;
    }
    Ok(last)
}

fn not(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.arity(&args, 1)?;
    Ok(Value::Bool(!truth(&args[0], call.data)))
}

fn len(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.arity(&args, 1)?;
    match &args[0] {
        Value::Str(s) => Ok(Value::Int(s.as_bytes().len() as i64)),
        Value::Data => Ok(Value::Int(call.data.len() as i64)),
        other => Err(call.error(format!("len of type {}", other.type_name()))),
    }
}

fn index(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.at_least(&args, 1)?;
    index_into(&args, call.data).map_err(|reason| call.error(reason))
}

fn print(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let mut out = SecretBuf::default();
    sprint(&mut out, &args, call.data, false);
    Ok(Value::Str(out))
}

fn println(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let mut out = SecretBuf::default();
    sprint(&mut out, &args, call.data, true);
    Ok(Value::Str(out))
}

fn printf(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.at_least(&args, 1)?;
    let format = call.string(&args[0])?;
    let format = zeroize::Zeroizing::new(String::from_utf8_lossy(format.as_bytes()).into_owned());
    let mut out = SecretBuf::default();
    gofmt::printf(&mut out, &format, &args[1..], call.data)?;
    Ok(Value::Str(out))
}

fn eq(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.at_least(&args, 1)?;
    for other in &args[1..] {
        if compare(&args[0], other).map_err(|reason| call.error(reason))? == Ordering::Equal {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn ne(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    ordered(call, args, true, Ordering::is_ne)
}

fn lt(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    ordered(call, args, false, Ordering::is_lt)
}

fn le(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    ordered(call, args, false, Ordering::is_le)
}

fn gt(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    ordered(call, args, false, Ordering::is_gt)
}

fn ge(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    ordered(call, args, false, Ordering::is_ge)
}

/// The two-argument comparisons; only `ne` accepts booleans, as in Go.
fn ordered(
    call: &Call<'_>,
    args: Vec<Value>,
    bools: bool,
    holds: fn(Ordering) -> bool,
) -> Result<Value, Fail> {
    call.arity(&args, 2)?;
    if !bools && matches!(args[0], Value::Bool(_)) {
        return Err(call.error("invalid type for comparison".to_owned()));
    }
    let order = compare(&args[0], &args[1]).map_err(|reason| call.error(reason))?;
    Ok(Value::Bool(holds(order)))
}

// --- Sprig ---

fn to_json(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    json_of(call, args, true, false)
}

fn to_raw_json(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    json_of(call, args, false, false)
}

fn to_pretty_json(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    json_of(call, args, true, true)
}

/// `toJson` escapes HTML characters as `encoding/json` does; `toRawJson` does not.
fn json_of(
    call: &Call<'_>,
    args: Vec<Value>,
    escape_html: bool,
    pretty: bool,
) -> Result<Value, Fail> {
    call.arity(&args, 1)?;
    let mut out = SecretBuf::default();
    json(&mut out, &args[0], call.data, escape_html, pretty);
    Ok(Value::Str(out))
}

fn b64enc(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
    let mut out = SecretBuf::with_capacity(input.as_bytes().len().div_ceil(3) * 4);
    out.push(zeroize::Zeroizing::new(STANDARD.encode(input.as_bytes())).as_bytes());
    Ok(Value::Str(out))
}

fn b64dec(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
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

fn quote(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    Ok(quoted_each(call, &args, go_quote))
}

fn squote(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    Ok(quoted_each(call, &args, |out, text| {
        out.push(b"'");
        out.push(text);
        out.push(b"'");
    }))
}

/// `quote`/`squote`: every non-nil argument quoted, separated by spaces.
fn quoted_each(call: &Call<'_>, args: &[Value], quote: fn(&mut SecretBuf, &[u8])) -> Value {
    let mut out = SecretBuf::default();
    for (i, arg) in args.iter().filter(|a| !is_nil(a)).enumerate() {
        if i > 0 {
            out.push(b" ");
        }
        quote(&mut out, strval(arg, call.data).as_bytes());
    }
    Value::Str(out)
}

fn upper(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
    Ok(Value::Str(map_case(input.as_bytes(), char::to_uppercase)))
}

fn lower(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
    Ok(Value::Str(map_case(input.as_bytes(), char::to_lowercase)))
}

fn trim(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
    let text = String::from_utf8_lossy(input.as_bytes());
    Ok(Value::str(text.trim().as_bytes()))
}

fn nospace(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
    let text = String::from_utf8_lossy(input.as_bytes());
    let mut out = SecretBuf::with_capacity(input.as_bytes().len());
    let mut buf = [0u8; 4];
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        out.push(c.encode_utf8(&mut buf).as_bytes());
    }
    Ok(Value::Str(out))
}

/// Lower-case hex of the SHA-256 of the bytes.
fn sha256sum(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let input = call.one_string(&args)?;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input.as_bytes());
    let mut out = SecretBuf::with_capacity(64);
    for byte in digest.as_ref() {
        out.push_str(&format!("{byte:02x}"));
    }
    Ok(Value::Str(out))
}

/// `trimAll(cutset, s)` is `strings.Trim(s, cutset)`.
fn trim_all(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (cutset, hay) = call.two_strings(&args)?;
    let cutset = String::from_utf8_lossy(cutset);
    let text = String::from_utf8_lossy(hay);
    Ok(Value::str(
        text.trim_matches(|c: char| cutset.contains(c)).as_bytes(),
    ))
}

fn trim_prefix(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (prefix, hay) = call.two_strings(&args)?;
    Ok(Value::str(hay.strip_prefix(prefix).unwrap_or(hay)))
}

fn trim_suffix(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (suffix, hay) = call.two_strings(&args)?;
    Ok(Value::str(hay.strip_suffix(suffix).unwrap_or(hay)))
}

fn contains(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (needle, hay) = call.two_strings(&args)?;
    Ok(Value::Bool(
        needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle),
    ))
}

fn has_prefix(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (prefix, hay) = call.two_strings(&args)?;
    Ok(Value::Bool(hay.starts_with(prefix)))
}

fn has_suffix(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (suffix, hay) = call.two_strings(&args)?;
    Ok(Value::Bool(hay.ends_with(suffix)))
}

fn replace(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.arity(&args, 3)?;
    let old = call.string(&args[0])?;
    let new = call.string(&args[1])?;
    let src = call.string(&args[2])?;
    Ok(Value::Str(replace_all(
        src.as_bytes(),
        old.as_bytes(),
        new.as_bytes(),
    )))
}

fn repeat(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (count, text) = call.count_and_text(&args)?;
    // checked before the loop: `repeat 1000000000000 "x"` must not spin either
    let total = usize::try_from(count)
        .unwrap_or(0)
        .saturating_mul(text.len());
    if total > MAX_TEMPLATE_BYTES {
        return Err(over_budget());
    }
    let mut out = SecretBuf::default();
    for _ in 0..usize::try_from(count).unwrap_or(0) {
        out.push(text);
    }
    Ok(Value::Str(out))
}

fn indent(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (count, text) = call.count_and_text(&args)?;
    let mut out = SecretBuf::default();
    indent_into(&mut out, count, text);
    Ok(Value::Str(out))
}

fn nindent(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (count, text) = call.count_and_text(&args)?;
    let mut out = SecretBuf::default();
    out.push(b"\n");
    indent_into(&mut out, count, text);
    Ok(Value::Str(out))
}

/// Sprig's `trunc`: negative counts keep the end; counts past the length keep everything.
fn trunc(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let (count, text) = call.count_and_text(&args)?;
    let len = text.len();
    let keep = if count >= 0 {
        &text[..usize::try_from(count).unwrap_or(0).min(len)]
    } else {
        let from = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        &text[len.saturating_sub(from)..]
    };
    Ok(Value::str(keep))
}

fn default(call: &Call<'_>, mut args: Vec<Value>) -> Result<Value, Fail> {
    call.at_least(&args, 1)?;
    if args.len() == 1 || is_empty(&args[1], call.data) {
        Ok(nil_if_missing(args.swap_remove(0)))
    } else {
        Ok(nil_if_missing(args.swap_remove(1)))
    }
}

fn empty(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.arity(&args, 1)?;
    Ok(Value::Bool(is_empty(&args[0], call.data)))
}

fn coalesce(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    Ok(args
        .into_iter()
        .find(|a| !is_empty(a, call.data))
        .unwrap_or(Value::Nil))
}

fn ternary(call: &Call<'_>, mut args: Vec<Value>) -> Result<Value, Fail> {
    call.arity(&args, 3)?;
    let Value::Bool(cond) = args[2] else {
        return Err(Fail::Exec(format!(
            "wrong type for value; expected bool; got {}",
            args[2].type_name()
        )));
    };
    Ok(nil_if_missing(args.swap_remove(if cond { 0 } else { 1 })))
}

fn to_string(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    call.arity(&args, 1)?;
    Ok(Value::Str(strval(&args[0], call.data)))
}

fn cat(call: &Call<'_>, args: Vec<Value>) -> Result<Value, Fail> {
    let mut out = SecretBuf::default();
    for (i, arg) in args.iter().filter(|a| !is_nil(a)).enumerate() {
        if i > 0 {
            out.push(b" ");
        }
        print_value(&mut out, arg, call.data);
    }
    Ok(Value::Str(out))
}

// --- helpers ---

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
fn is_empty(value: &Value, data: &Data) -> bool {
    !truth(value, data)
}

fn index_into(args: &[Value], data: &Data) -> Result<Value, String> {
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

fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x
            .partial_cmp(y)
            .ok_or_else(|| "NaN is not comparable".to_owned()),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Missing | Value::Nil, Value::Missing | Value::Nil) => Ok(Ordering::Equal),
        _ => Err("incompatible types for comparison".to_owned()),
    }
}

/// Sprig's `strval`: strings as they are, everything else through `%v`.
fn strval(value: &Value, data: &Data) -> SecretBuf {
    let mut out = SecretBuf::default();
    print_value(&mut out, &nil_if_missing(value.duplicate()), data);
    out
}

/// `upper`/`lower`: Go maps rune by rune with simple case mappings, so a char whose full
/// mapping is several chars is kept (ß stays ß).
fn map_case<M: Iterator<Item = char>>(input: &[u8], mapping: fn(char) -> M) -> SecretBuf {
    let text = String::from_utf8_lossy(input);
    let mut out = SecretBuf::with_capacity(input.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let mut mapped = mapping(c);
        let one = match (mapped.next(), mapped.next()) {
            (Some(single), None) => single,
            _ => c,
        };
        out.push(one.encode_utf8(&mut buf).as_bytes());
    }
    out
}

fn replace_all(src: &[u8], old: &[u8], new: &[u8]) -> SecretBuf {
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

/// `indent`/`nindent`: `count` spaces before the text and after every line break.
fn indent_into(out: &mut SecretBuf, count: i64, text: &[u8]) {
    // a pad over the budget could never be pushed; the buffer records the overflow
    let count = usize::try_from(count)
        .unwrap_or(0)
        .min(MAX_TEMPLATE_BYTES.saturating_add(1));
    let pad = " ".repeat(count);
    out.push(pad.as_bytes());
    for &byte in text {
        out.push(&[byte]);
        if byte == b'\n' {
            out.push(pad.as_bytes());
        }
    }
}
