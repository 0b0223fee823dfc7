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

use serde_json::Value;

use go_fmt::{cleanup, exact_number, go_base64, hashable, instant};
use lexer::{Kind, Lex, Lexer};

mod go_fmt;
mod lexer;

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
