//! conftest's `edn` parser: an EDN document as the JSON conftest v0.71.1 makes of it: the first
//! value, read the way olympos.io/encoding/edn (v0.0.0-20201019073823) reads it into Go's `any`,
//! then conftest's `cleanupMapValue`: strings stay strings, vectors and lists become arrays, maps
//! objects keyed by their keys' Go `%v` text, and every other value (numbers, keywords, symbols,
//! booleans, nil, characters, sets, tagged values) becomes its Go `%v` text (`:kw`, `1e+06`,
//! `<nil>`, a character as its code point, a set as `map[a:true b:true]`, `1N` as Go prints a
//! `big.Int` value, `#inst` as Go prints a `time.Time` read in a UTC zone).
//!
//! The library's lexer is ported state for state (what it accepts, where a token ends); anything
//! after the first value is never read; a whole document that is one `…N`/`…M` number is read
//! as `*big.Int`/`*big.Float` and printed as its decimal. Go prints map and set entries sorted by
//! key, keys of different types in an order fixed by its binary (measured on conftest v0.71.1:
//! nil, collection, string, character, integer, float, boolean, keyword, symbol, tagged value,
//! instant). Two things conftest prints cannot be reproduced and are rendered differently: a map
//! key or set element that is itself a collection (conftest prints a memory address; here its
//! `%v` text) and keys whose texts collide (`:a` and `":a"`: conftest keeps one at random; here
//! the last). A big integer as a key, or a tagged collection, is refused as Go refuses it
//! (unhashable). Nesting (collections, tags, discards) is bounded ([`MAX_DEPTH`]) against hostile
//! input.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::go_unicode::{LETTER, contains};

/// Deepest nesting read; the library has no bound, real documents stay far below it.
const MAX_DEPTH: usize = 128;

/// Parses `text` as conftest's edn parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let mut decoder = Decoder {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        depth: 0,
    };
    let value = decoder
        .top_value()
        .map_err(|e| anyhow::anyhow!("edn: line {}: {e}", decoder.line))?;
    cleanup(&value).map_err(|e| anyhow::anyhow!("edn: {e}"))
}

/// A value as the library gives it to conftest.
#[derive(Debug, Clone)]
enum Edn {
    Nil,
    Bool(bool),
    Int(i64),
    /// `123N`: a `big.Int` (sign, 64-bit words from the least significant).
    BigInt(bool, Vec<u64>),
    Float(f64),
    /// A character: Go's `rune`, printed as its number.
    Char(u32),
    Str(String),
    Keyword(String),
    Symbol(String),
    Tag(String, Box<Edn>),
    /// `#inst`: Go's `time.Time` text, and its nanoseconds and seconds (Go compares times by
    /// those fields, in that order).
    Time(String, u32, i64),
    /// A whole document that is one `…N` or `…M` number: read into a `*big.Int`/`*big.Float`
    /// there (only nested ones are `any`'s values), printed as the number's decimal text.
    Exact(String),
    /// `#base64`: Go's `[]byte`.
    Bytes(Vec<u8>),
    List(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
    Set(Vec<Edn>),
}

/// conftest's `cleanupMapValue`.
fn cleanup(value: &Edn) -> Result<Value, String> {
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
fn hashable(value: &Edn) -> bool {
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
fn exact_number(text: &str) -> Option<String> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Symbol,
    Keyword,
    Str,
    Int,
    Float,
    Tag,
    Char,
    ListStart,
    ListEnd,
    VectorStart,
    VectorEnd,
    MapStart,
    /// `}`: ends maps and sets.
    MapEnd,
    SetStart,
    Discard,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    Cont,
    Ignore,
    End,
    EndPrev,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Begin,
    Comment,
    EndLit,
    Keyword,
    Sym,
    Slash,
    PostSlash,
    Neg,
    Pos,
    Zero,
    One,
    DotPre,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Char,
    SpecialChar(&'static str, usize),
    UnicodeChar(usize),
    InString,
    InStringEsc,
    InStringEscU(usize),
    Pound,
    Error,
}

/// The library's lexer, one character at a time.
struct Lexer {
    state: State,
    token: Kind,
    error: &'static str,
}

fn ok_symbol_first(r: char) -> bool {
    ".*+!-_?$%&=<>".contains(r)
}

fn ok_symbol(r: char) -> bool {
    ".*+!-_?$%&=<>:#'".contains(r)
}

fn is_letter(r: char) -> bool {
    contains(LETTER, r)
}

fn is_whitespace(r: char) -> bool {
    r.is_whitespace() || r == ','
}

fn symbol_char(r: char) -> bool {
    ok_symbol(r) || is_letter(r) || r.is_ascii_digit()
}

impl Lexer {
    fn new() -> Lexer {
        Lexer {
            state: State::Begin,
            token: Kind::None,
            error: "",
        }
    }

    fn fail(&mut self, why: &'static str) -> Lex {
        self.state = State::Error;
        self.error = why;
        Lex::Error
    }

    fn go(&mut self, state: State) -> Lex {
        self.state = state;
        Lex::Cont
    }

    fn end(&mut self, token: Kind) -> Lex {
        self.token = token;
        Lex::End
    }

    fn step(&mut self, r: char) -> Lex {
        match self.state {
            State::Begin => self.begin(r),
            State::Comment => {
                if r == '\n' {
                    self.state = State::Begin;
                }
                Lex::Ignore
            }
            State::EndLit => self.end_lit(r),
            State::Keyword => match r {
                ':' => self.fail("namespace-qualified keyword"),
                '/' => self.fail("keyword beginning with /"),
                _ if symbol_char(r) => {
                    self.token = Kind::Keyword;
                    self.go(State::Sym)
                }
                _ => self.fail("unexpected character after keyword start"),
            },
            State::Sym => match r {
                _ if symbol_char(r) => Lex::Cont,
                '/' => self.go(State::Slash),
                _ => self.end_lit(r),
            },
            State::Slash => {
                if symbol_char(r) {
                    self.go(State::PostSlash)
                } else {
                    self.fail("unexpected character after '/' in a namespaced symbol")
                }
            }
            State::PostSlash => {
                if symbol_char(r) {
                    Lex::Cont
                } else {
                    self.end_lit(r)
                }
            }
            State::Neg | State::Pos => match r {
                '0' => self.go(State::Zero),
                '1'..='9' => self.go(State::One),
                _ if ok_symbol(r) || is_letter(r) => {
                    self.token = Kind::Symbol;
                    self.go(State::Sym)
                }
                '/' => {
                    self.token = Kind::Symbol;
                    self.go(State::Slash)
                }
                _ => {
                    self.token = Kind::Symbol;
                    self.end_lit(r)
                }
            },
            State::Zero => self.zero(r),
            State::One => {
                if r.is_ascii_digit() {
                    Lex::Cont
                } else {
                    self.zero(r)
                }
            }
            State::DotPre => match r {
                _ if ok_symbol(r) || is_letter(r) => {
                    self.token = Kind::Symbol;
                    self.go(State::Sym)
                }
                '/' => {
                    self.token = Kind::Symbol;
                    self.go(State::Slash)
                }
                _ => self.end_lit(r),
            },
            State::Dot => {
                if r.is_ascii_digit() {
                    self.go(State::Dot0)
                } else {
                    self.fail("unexpected character after a decimal point")
                }
            }
            State::Dot0 => match r {
                '0'..='9' => Lex::Cont,
                'e' | 'E' => self.go(State::E),
                'M' => {
                    self.token = Kind::Float;
                    self.go(State::EndLit)
                }
                _ => {
                    self.token = Kind::Float;
                    self.end_lit(r)
                }
            },
            State::E => {
                if r == '+' || r == '-' {
                    self.go(State::ESign)
                } else {
                    self.e_sign(r)
                }
            }
            State::ESign => self.e_sign(r),
            State::E0 => match r {
                '0'..='9' => Lex::Cont,
                'M' => {
                    self.token = Kind::Float;
                    self.go(State::EndLit)
                }
                _ => {
                    self.token = Kind::Float;
                    self.end_lit(r)
                }
            },
            State::Char => {
                let special = match r {
                    'n' => Some("newline"),
                    'r' => Some("return"),
                    's' => Some("space"),
                    't' => Some("tab"),
                    'f' => Some("formfeed"),
                    _ => None,
                };
                if let Some(name) = special {
                    return self.go(State::SpecialChar(name, 1));
                }
                if r == 'u' {
                    return self.go(State::UnicodeChar(0));
                }
                if is_whitespace(r) {
                    return self.fail("backslash followed by whitespace");
                }
                self.token = Kind::Char;
                self.go(State::EndLit)
            }
            State::SpecialChar(name, count) => {
                if name.chars().nth(count) == Some(r) {
                    if count + 1 == name.len() {
                        self.token = Kind::Char;
                        return self.go(State::EndLit);
                    }
                    return self.go(State::SpecialChar(name, count + 1));
                }
                if count != 1 {
                    return self.fail("unexpected character in a named character");
                }
                self.token = Kind::Char;
                self.end_lit(r)
            }
            State::UnicodeChar(count) => {
                if r.is_ascii_hexdigit() {
                    if count + 1 == 4 {
                        self.token = Kind::Char;
                        return self.go(State::EndLit);
                    }
                    return self.go(State::UnicodeChar(count + 1));
                }
                if count != 0 {
                    return self.fail("unexpected character in a \\u character");
                }
                self.token = Kind::Char;
                self.end_lit(r)
            }
            State::InString => match r {
                '"' => self.end(Kind::Str),
                '\\' => self.go(State::InStringEsc),
                _ => Lex::Cont,
            },
            State::InStringEsc => match r {
                'b' | 'f' | 'n' | 'r' | 't' | '\\' | '/' | '"' => self.go(State::InString),
                'u' => self.go(State::InStringEscU(0)),
                _ => self.fail("unknown escape in a string"),
            },
            State::InStringEscU(count) => {
                if r.is_ascii_hexdigit() {
                    let next = if count + 1 == 4 {
                        State::InString
                    } else {
                        State::InStringEscU(count + 1)
                    };
                    self.go(next)
                } else {
                    self.fail("unexpected character in a \\u escape")
                }
            }
            State::Pound => match r {
                '_' => self.end(Kind::Discard),
                '{' => self.end(Kind::SetStart),
                _ if is_letter(r) => {
                    self.token = Kind::Tag;
                    self.go(State::Sym)
                }
                _ => self.fail("unexpected character after '#'"),
            },
            State::Error => Lex::Error,
        }
    }

    fn begin(&mut self, r: char) -> Lex {
        match r {
            _ if is_whitespace(r) => Lex::Ignore,
            '{' => self.end(Kind::MapStart),
            '}' => self.end(Kind::MapEnd),
            '[' => self.end(Kind::VectorStart),
            ']' => self.end(Kind::VectorEnd),
            '(' => self.end(Kind::ListStart),
            ')' => self.end(Kind::ListEnd),
            '#' => self.go(State::Pound),
            ':' => self.go(State::Keyword),
            '/' => {
                self.token = Kind::Symbol;
                self.go(State::EndLit)
            }
            '+' => self.go(State::Pos),
            '-' => self.go(State::Neg),
            '.' => {
                self.token = Kind::Symbol;
                self.go(State::DotPre)
            }
            '"' => self.go(State::InString),
            '\\' => self.go(State::Char),
            _ if ok_symbol_first(r) || is_letter(r) => {
                self.token = Kind::Symbol;
                self.go(State::Sym)
            }
            '1'..='9' => self.go(State::One),
            '0' => self.go(State::Zero),
            ';' => {
                self.state = State::Comment;
                Lex::Ignore
            }
            _ => self.fail("unexpected character"),
        }
    }

    fn end_lit(&mut self, r: char) -> Lex {
        if is_whitespace(r) || "\"{[()]}\\;".contains(r) {
            Lex::EndPrev
        } else {
            self.fail("unexpected character after a value")
        }
    }

    fn zero(&mut self, r: char) -> Lex {
        match r {
            '.' => self.go(State::Dot),
            'e' | 'E' => self.go(State::E),
            'M' => {
                self.token = Kind::Float;
                self.go(State::EndLit)
            }
            'N' => {
                self.token = Kind::Int;
                self.go(State::EndLit)
            }
            _ => {
                self.token = Kind::Int;
                self.end_lit(r)
            }
        }
    }

    fn e_sign(&mut self, r: char) -> Lex {
        if r.is_ascii_digit() {
            self.go(State::E0)
        } else {
            self.fail("unexpected character in an exponent")
        }
    }
}

struct Decoder {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    /// Open collections, tags and discards.
    depth: usize,
}

impl Decoder {
    fn getc(&mut self) -> Option<char> {
        let c = *self.chars.get(self.pos)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// The library's `rawToken`: the next token's text and kind. A literal ends at the character
    /// after it, which is left for the next token.
    fn raw_token(&mut self) -> Result<(String, Kind), String> {
        let mut lexer = Lexer::new();
        let mut text = String::new();
        loop {
            let Some(r) = self.getc() else {
                return Err("unexpected end of input".to_string());
            };
            match lexer.step(r) {
                Lex::Ignore => {}
                Lex::Cont => {
                    text.push(r);
                    break;
                }
                Lex::End => {
                    text.push(r);
                    return Ok((text, lexer.token));
                }
                Lex::EndPrev | Lex::Error => return Err(lexer.error.to_string()),
            }
        }
        loop {
            let (r, at_eof) = match self.getc() {
                Some(r) => (r, false),
                None => (' ', true),
            };
            match lexer.step(r) {
                Lex::Cont if at_eof => return Err("unexpected end of input".to_string()),
                Lex::Cont => text.push(r),
                Lex::Ignore => return Err("unexpected end of input".to_string()),
                Lex::End => {
                    if !at_eof {
                        text.push(r);
                    }
                    return Ok((text, lexer.token));
                }
                Lex::EndPrev => {
                    if !at_eof {
                        self.pos -= 1;
                        if r == '\n' {
                            self.line -= 1;
                        }
                    }
                    return Ok((text, lexer.token));
                }
                Lex::Error => return Err(lexer.error.to_string()),
            }
        }
    }

    /// The next token, `#_` and the value after it skipped.
    fn next_token(&mut self) -> Result<(String, Kind), String> {
        loop {
            let token = self.raw_token()?;
            if token.1 != Kind::Discard {
                return Ok(token);
            }
            self.enter()?;
            self.skip_value()?;
            self.depth -= 1;
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("values nested deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    /// The library's `traverseValue`: one value skipped, brackets matched but not checked
    /// further (a map's pairs are not counted).
    fn skip_value(&mut self) -> Result<(), String> {
        let mut open: Vec<Kind> = Vec::new();
        loop {
            let (_, kind) = self.next_token()?;
            match kind {
                Kind::MapStart
                | Kind::VectorStart
                | Kind::ListStart
                | Kind::SetStart
                | Kind::Tag => {
                    open.push(kind);
                    continue;
                }
                Kind::MapEnd | Kind::ListEnd | Kind::VectorEnd => {
                    let opener = match kind {
                        Kind::ListEnd => [Kind::ListStart, Kind::ListStart],
                        Kind::VectorEnd => [Kind::VectorStart, Kind::VectorStart],
                        _ => [Kind::MapStart, Kind::SetStart],
                    };
                    match open.last() {
                        Some(top) if opener.contains(top) => {
                            open.pop();
                        }
                        _ => return Err("unexpected token".to_string()),
                    }
                }
                _ => {}
            }
            // a tag ends with the value after it
            while open.last() == Some(&Kind::Tag) {
                open.pop();
            }
            if open.is_empty() {
                return Ok(());
            }
        }
    }

    /// The document's value: its first (only a top-level `…N`/`…M` number is read differently).
    fn top_value(&mut self) -> Result<Edn, String> {
        let (text, kind) = self.next_token()?;
        if (kind == Kind::Int && text.ends_with('N'))
            || (kind == Kind::Float && text.ends_with('M'))
        {
            return exact_number(&text)
                .map(Edn::Exact)
                .ok_or_else(|| "number too long".to_string());
        }
        self.value_from(text, kind)
    }

    fn value(&mut self) -> Result<Edn, String> {
        let (text, kind) = self.next_token()?;
        self.value_from(text, kind)
    }

    fn value_from(&mut self, text: String, kind: Kind) -> Result<Edn, String> {
        match kind {
            Kind::Symbol | Kind::Keyword | Kind::Str | Kind::Int | Kind::Float | Kind::Char => {
                literal(&text, kind)
            }
            Kind::Tag => {
                self.enter()?;
                let v = self.tagged(&text[1..]);
                self.depth -= 1;
                v
            }
            Kind::ListStart | Kind::VectorStart | Kind::SetStart | Kind::MapStart => {
                self.enter()?;
                let v = self.collection(kind);
                self.depth -= 1;
                v
            }
            _ => Err("unexpected token".to_string()),
        }
    }

    fn collection(&mut self, kind: Kind) -> Result<Edn, String> {
        let end = match kind {
            Kind::ListStart => Kind::ListEnd,
            Kind::VectorStart => Kind::VectorEnd,
            _ => Kind::MapEnd,
        };
        let mut items = Vec::new();
        let mut entries = Vec::new();
        loop {
            let (text, token) = self.next_token()?;
            if token == end {
                break;
            }
            let item = self.value_from(text, token)?;
            match kind {
                Kind::MapStart => {
                    if !hashable(&item) {
                        return Err("unhashable map key".to_string());
                    }
                    let value = self.value()?;
                    entries.push((item, value));
                }
                Kind::SetStart if !hashable(&item) => {
                    return Err("unhashable set element".to_string());
                }
                _ => items.push(item),
            }
        }
        Ok(match kind {
            Kind::MapStart => Edn::Map(entries),
            Kind::SetStart => Edn::Set(items),
            _ => Edn::List(items),
        })
    }

    /// `#name value`: `#inst` and `#base64` are read as the library's converters read them (a
    /// string, else an error); other tags keep their value.
    fn tagged(&mut self, name: &str) -> Result<Edn, String> {
        if name != "inst" && name != "base64" {
            return Ok(Edn::Tag(name.to_string(), Box::new(self.value()?)));
        }
        let (text, kind) = self.next_token()?;
        let Edn::Str(s) = (if kind == Kind::Str {
            literal(&text, kind)?
        } else {
            Edn::Nil
        }) else {
            return Err(format!("#{name} needs a string"));
        };
        if name == "inst" {
            instant(&s).ok_or_else(|| "#inst: not an RFC 3339 time".to_string())
        } else {
            go_base64(&s)
                .map(Edn::Bytes)
                .ok_or_else(|| "#base64: not base64".to_string())
        }
    }
}

/// A literal token as the library's `literalInterface` reads it.
fn literal(text: &str, kind: Kind) -> Result<Edn, String> {
    Ok(match kind {
        Kind::Symbol => match text {
            "nil" => Edn::Nil,
            "true" => Edn::Bool(true),
            "false" => Edn::Bool(false),
            _ => Edn::Symbol(text.to_string()),
        },
        Kind::Keyword => Edn::Keyword(text[1..].to_string()),
        Kind::Int => match text.strip_suffix('N') {
            Some(digits) => big_int(digits).ok_or("integer too long")?,
            None => Edn::Int(text.parse().map_err(|_| "integer out of range")?),
        },
        Kind::Float => {
            let digits = text.strip_suffix('M').unwrap_or(text);
            let f: f64 = digits.parse().map_err(|_| "invalid float")?;
            if f.is_infinite() {
                return Err("float out of range".to_string());
            }
            Edn::Float(f)
        }
        Kind::Char => Edn::Char(character(text)),
        Kind::Str => Edn::Str(unquote(text)),
        _ => return Err("unexpected token".to_string()),
    })
}

/// `\c`, `\newline`…, `\uXXXX`: the character's code point (a lone surrogate is kept).
fn character(text: &str) -> u32 {
    match text {
        "\\newline" => 10,
        "\\return" => 13,
        "\\space" => 32,
        "\\tab" => 9,
        "\\formfeed" => 12,
        _ if text.len() == 6 && text.as_bytes().get(1) == Some(&b'u') => {
            u32::from_str_radix(&text[2..], 16).unwrap_or(0xFFFD)
        }
        _ => text[1..].chars().next().map_or(0xFFFD, u32::from),
    }
}

/// A string token without its quotes, escapes replaced (a `\u` surrogate becomes U+FFFD).
fn unquote(text: &str) -> String {
    let inner = &text[1..text.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let c = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                out.push(c);
            }
            Some(c) => out.push(c),
            None => {}
        }
    }
    out
}

/// Most decimal digits a `…N` integer may have (its conversion is quadratic in them).
const MAX_BIG_DIGITS: usize = 10_000;

/// `digits` (sign allowed) as Go's `big.Int`: sign and 64-bit words, least significant first.
fn big_int(digits: &str) -> Option<Edn> {
    let (neg, digits) = match digits.as_bytes().first() {
        Some(b'-') => (true, &digits[1..]),
        Some(b'+') => (false, &digits[1..]),
        _ => (false, digits),
    };
    if digits.len() > MAX_BIG_DIGITS {
        return None;
    }
    let mut words: Vec<u64> = Vec::new();
    for d in digits.bytes() {
        let mut carry = u128::from(d - b'0');
        for w in &mut words {
            let v = u128::from(*w) * 10 + carry;
            *w = v as u64;
            carry = v >> 64;
        }
        if carry > 0 {
            words.push(carry as u64);
        }
    }
    Some(Edn::BigInt(neg && !words.is_empty(), words))
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, line breaks ignored, stray bits
/// after the last byte allowed.
fn go_base64(s: &str) -> Option<Vec<u8>> {
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
fn instant(s: &str) -> Option<Edn> {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_become_go_text() {
        let v = parse("{:a nil :b [1 2.5 1e6 1234567.0 0.00001 -0.0 \\a \\newline] :c (x \"s\")}")
            .unwrap();
        assert_eq!(
            v,
            json!({":a": "<nil>", ":b": ["1", "2.5", "1e+06", "1.234567e+06", "1e-05", "-0", "97", "10"], ":c": ["x", "s"]})
        );
    }

    #[test]
    fn sets_and_tags_print_as_go_prints_them() {
        let v = parse("[#{:y :x \"s\" sym 1 2.5 true nil \\c} #foo [1 {:k v}] 1N #inst \"2020-01-01T10:00:00.50+02:00\"]").unwrap();
        assert_eq!(
            v,
            json!([
                "map[<nil>:true s:true 99:true 1:true 2.5:true true:true :x:true :y:true sym:true]",
                "#foo [1 map[:k:v]]",
                "{false [1]}",
                "2020-01-01 10:00:00.5 +0200 +0200"
            ])
        );
    }

    #[test]
    fn only_the_first_value_is_read() {
        assert_eq!(parse("42 }}} garbage").unwrap(), json!("42"));
        assert_eq!(parse("#_ {:ignored} 2").unwrap(), json!("2"));
        assert!(parse("").is_err());
        assert!(parse("{:a}").is_err());
        assert!(parse("#{1N}").is_err());
    }

    #[test]
    fn nesting_past_the_limit_is_refused() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        let e = parse(&deep).unwrap_err().to_string();
        assert!(e.contains("nested deeper than 128"), "{e}");
        let tags = "#t ".repeat(MAX_DEPTH + 1) + "1";
        assert!(parse(&tags).is_err());
        let discards = "#_ ".repeat(MAX_DEPTH + 1) + "1";
        assert!(parse(&discards).is_err());
    }
}
