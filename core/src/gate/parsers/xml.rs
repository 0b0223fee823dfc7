//! conftest's `xml` parser: an XML document as the JSON that goxml2json v1.1.0 (conftest v0.71.1)
//! makes of it, read the way its reader, Go's `encoding/xml` (go1.26), reads it.
//!
//! goxml2json's rules, kept here: an element with neither attributes nor children is its text; one
//! with them is an object of its attributes (`-name`, namespace prefix dropped), its children (by
//! local name; repeated names become an array, in document order) and its text as `#content` when
//! there is any; text is the element's *last* run of character data (a comment or CDATA section
//! starts a new run), trimmed of spaces and non-graphic characters; attribute values are kept as
//! written. Every value is a string. goxml2json ignores the decoder's errors: at the first syntax
//! error (or the end of input) it stops, and what was complete by then is the document. So a file
//! is never refused for its syntax; the output shows how far Go's decoder read it, which is why
//! this is a port of that decoder (strict mode: its name tables, character range, the five
//! predefined entities and character references only, no DTD processing, `\r\n` as `\n`, a
//! declared non-UTF-8 encoding decoded with the WHATWG decoders) rather than another XML crate,
//! whose errors fall elsewhere. Nesting is bounded ([`MAX_DEPTH`]) against hostile input; DTD
//! entities are never expanded, so there is nothing to blow up.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::go_unicode::{NOT_GRAPHIC_OR_SPACE, XML_NAME, XML_NAME_START, contains};

/// Deepest element nesting read; Go has no bound (conftest refuses past 10,000, when it reads the
/// JSON back), real documents stay far below it.
const MAX_DEPTH: usize = 128;

/// Parses `text` as conftest's xml parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let mut decoder = Decoder::new(text, true);
    // goxml2json's tree: the open elements, the document's root node at the bottom
    let mut open: Vec<(String, Node)> = vec![(String::new(), Node::default())];
    let mut names: Vec<Name> = Vec::new();
    while let Some(token) = decoder.raw_token() {
        match token {
            Token::Start { name, attrs } => {
                if names.len() >= MAX_DEPTH {
                    anyhow::bail!(
                        "xml: elements nested deeper than {MAX_DEPTH} at line {}",
                        decoder.line
                    );
                }
                let mut node = Node::default();
                for (local, value) in attrs {
                    node.add(format!("-{local}"), Node::text(value));
                }
                open.push((name.local.clone(), node));
                names.push(name);
            }
            Token::End(name) => {
                // encoding/xml's Token: an end tag must close the innermost open element
                match names.pop() {
                    Some(top) if top == name => {}
                    _ => break,
                }
                if let Some((label, node)) = open.pop()
                    && let Some((_, parent)) = open.last_mut()
                {
                    parent.add(label, node);
                }
            }
            Token::Text(data) => {
                if let Some((_, node)) = open.last_mut() {
                    node.data = data
                        .trim_matches(|c| contains(NOT_GRAPHIC_OR_SPACE, c))
                        .to_string();
                }
            }
            Token::Other => {}
        }
    }
    open.truncate(1);
    Ok(open
        .pop()
        .map(|(_, root)| root.into_json())
        .unwrap_or_default())
}

/// goxml2json's node: its last text and its children by label (attributes among them).
#[derive(Default)]
struct Node {
    data: String,
    children: BTreeMap<String, Vec<Node>>,
}

impl Node {
    fn text(data: String) -> Node {
        Node {
            data,
            children: BTreeMap::new(),
        }
    }

    fn add(&mut self, label: String, child: Node) {
        self.children.entry(label).or_default().push(child);
    }

    /// goxml2json's encoder (conftest reads its output back as JSON).
    fn into_json(self) -> Value {
        if self.children.is_empty() {
            return Value::String(self.data);
        }
        let mut out = Map::new();
        if !self.data.is_empty() {
            out.insert("#content".to_string(), Value::String(self.data));
        }
        for (label, mut nodes) in self.children {
            let value = if nodes.len() == 1 {
                nodes.pop().map(Node::into_json).unwrap_or_default()
            } else {
                Value::Array(nodes.into_iter().map(Node::into_json).collect())
            };
            out.insert(label, value);
        }
        Value::Object(out)
    }
}

/// A name as written: its namespace prefix (empty without one) and local part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Name {
    pub(super) prefix: String,
    pub(super) local: String,
}

pub(super) enum Token {
    Start {
        name: Name,
        /// Each attribute's local name (prefix dropped) and value.
        attrs: Vec<(String, String)>,
    },
    End(Name),
    Text(String),
    /// A comment, processing instruction or directive: nothing goxml2json keeps.
    Other,
}

/// encoding/xml's `Decoder.rawToken` in strict mode; `None` is its first error or the end of
/// input (goxml2json stops at either).
pub(super) struct Decoder {
    bytes: Vec<u8>,
    pos: usize,
    /// The line read up to (1-based).
    pub(super) line: usize,
    /// The end half of a `<x/>` just returned.
    need_close: Option<Name>,
    /// Whether a declared encoding other than UTF-8 is decoded (goxml2json's charset reader) or
    /// is an error (a Decoder without a `CharsetReader`, as `xml.Unmarshal` uses).
    charsets: bool,
}

/// The entities every XML reader knows; encoding/xml has no others (no DTD processing).
fn predefined_entity(name: &[u8]) -> Option<char> {
    Some(match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        _ => return None,
    })
}

impl Decoder {
    pub(super) fn new(text: &str, charsets: bool) -> Decoder {
        Decoder {
            bytes: text.as_bytes().to_vec(),
            pos: 0,
            line: 1,
            need_close: None,
            charsets,
        }
    }

    fn getc(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
        }
        Some(b)
    }

    fn ungetc(&mut self, b: u8) {
        if b == b'\n' {
            self.line -= 1;
        }
        self.pos -= 1;
    }

    fn space(&mut self) {
        while let Some(b) = self.getc() {
            if !matches!(b, b' ' | b'\r' | b'\n' | b'\t') {
                self.ungetc(b);
                return;
            }
        }
    }

    pub(super) fn raw_token(&mut self) -> Option<Token> {
        if let Some(name) = self.need_close.take() {
            return Some(Token::End(name));
        }
        let b = self.getc()?;
        if b != b'<' {
            self.ungetc(b);
            return self.text(None, false).map(Token::Text);
        }
        match self.getc()? {
            b'/' => {
                let name = self.nsname()?;
                self.space();
                (self.getc()? == b'>').then_some(Token::End(name))
            }
            b'?' => self.proc_inst(),
            b'!' => match self.getc()? {
                b'-' => self.comment(),
                b'[' => {
                    for want in b"CDATA[" {
                        if self.getc()? != *want {
                            return None;
                        }
                    }
                    self.text(None, true).map(Token::Text)
                }
                _ => self.directive(),
            },
            b => {
                self.ungetc(b);
                self.start_element()
            }
        }
    }

    fn start_element(&mut self) -> Option<Token> {
        let name = self.nsname()?;
        let mut attrs = Vec::new();
        loop {
            self.space();
            match self.getc()? {
                b'/' => {
                    if self.getc()? != b'>' {
                        return None;
                    }
                    self.need_close = Some(name.clone());
                    break;
                }
                b'>' => break,
                b => self.ungetc(b),
            }
            let attr = self.nsname()?;
            self.space();
            if self.getc()? != b'=' {
                return None;
            }
            self.space();
            let quote = self.getc()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let value = self.text(Some(quote), false)?;
            attrs.push((attr.local, value));
        }
        Some(Token::Start { name, attrs })
    }

    /// `<?target …?>`; an `<?xml …?>` declaration's version must be 1.0, and its encoding
    /// switches the rest of the input to that encoding.
    fn proc_inst(&mut self) -> Option<Token> {
        let target = self.name()?;
        self.space();
        let start = self.pos;
        let mut b0 = 0;
        loop {
            let b = self.getc()?;
            if b0 == b'?' && b == b'>' {
                break;
            }
            b0 = b;
        }
        if target == "xml" {
            let content = self.bytes[start..self.pos - 2].to_vec();
            let version = proc_inst_param("version", &content);
            if !version.is_empty() && version != "1.0" {
                return None;
            }
            let encoding = proc_inst_param("encoding", &content);
            if !encoding.is_empty() && !encoding.eq_ignore_ascii_case("utf-8") {
                if !self.charsets {
                    return None;
                }
                // x/net/html/charset's labels and decoders are the WHATWG ones, as encoding_rs's
                let decoder = encoding_rs::Encoding::for_label(encoding.as_bytes())?;
                let rest = decoder
                    .decode_without_bom_handling(&self.bytes[self.pos..])
                    .0
                    .into_owned();
                self.bytes = rest.into_bytes();
                self.pos = 0;
            }
        }
        Some(Token::Other)
    }

    /// `<!-- … -->`, the `<!-` read; `--` may not appear inside.
    fn comment(&mut self) -> Option<Token> {
        if self.getc()? != b'-' {
            return None;
        }
        let (mut b0, mut b1) = (0, 0);
        loop {
            let b = self.getc()?;
            if b0 == b'-' && b1 == b'-' {
                return (b == b'>').then_some(Token::Other);
            }
            (b0, b1) = (b1, b);
        }
    }

    /// `<!DOCTYPE …>` and the like, its first byte after `<!` read (and, as in Go, not looked
    /// at): read to the matching `>` (quotes and comments inside skipped, nested `<…>` counted)
    /// and ignored.
    fn directive(&mut self) -> Option<Token> {
        let mut in_quote = 0u8;
        let mut depth = 0i64;
        let mut pending = None;
        loop {
            let b = match pending.take() {
                // a byte after `<` that did not start `<!--`: handled as any other (Go's `goto
                // HandleB`, which skips the end check)
                Some(b) => b,
                None => {
                    let b = self.getc()?;
                    if in_quote == 0 && b == b'>' && depth == 0 {
                        return Some(Token::Other);
                    }
                    b
                }
            };
            if b == in_quote {
                in_quote = 0;
            } else if in_quote != 0 {
            } else if b == b'\'' || b == b'"' {
                in_quote = b;
            } else if b == b'>' {
                depth -= 1;
            } else if b == b'<' {
                for want in b"!--" {
                    let c = self.getc()?;
                    if c != *want {
                        depth += 1;
                        pending = Some(c);
                        break;
                    }
                }
                if pending.is_none() {
                    let (mut b0, mut b1) = (0, 0);
                    loop {
                        let c = self.getc()?;
                        if b0 == b'-' && b1 == b'-' && c == b'>' {
                            break;
                        }
                        (b0, b1) = (b1, c);
                    }
                }
            }
        }
    }

    /// Character data up to `<` (or the closing quote of an attribute value, or `]]>` in CDATA),
    /// entities replaced and line ends normalized; `None` on an error.
    fn text(&mut self, quote: Option<u8>, cdata: bool) -> Option<String> {
        let mut buf: Vec<u8> = Vec::new();
        let (mut b0, mut b1) = (0u8, 0u8);
        let mut trunc = 0;
        loop {
            let Some(b) = self.getc() else {
                if cdata {
                    return None;
                }
                break;
            };
            if quote.is_none() && b0 == b']' && b1 == b']' && b == b'>' {
                if cdata {
                    trunc = 2;
                    break;
                }
                return None;
            }
            if b == b'<' && !cdata {
                if quote.is_some() {
                    return None;
                }
                self.ungetc(b);
                break;
            }
            if quote == Some(b) {
                break;
            }
            if b == b'&' && !cdata {
                let replacement = self.entity()?;
                buf.extend_from_slice(replacement.encode_utf8(&mut [0; 4]).as_bytes());
                (b0, b1) = (0, 0);
                continue;
            }
            if b == b'\r' {
                buf.push(b'\n');
            } else if b1 == b'\r' && b == b'\n' {
                // the \r was written as \n already
            } else {
                buf.push(b);
            }
            (b0, b1) = (b1, b);
        }
        buf.truncate(buf.len() - trunc);
        let text = String::from_utf8(buf).ok()?;
        text.chars().all(in_character_range).then_some(text)
    }

    /// An entity or character reference, its `&` read: the character it stands for, `None` for
    /// any other (strict mode refuses unknown entities).
    fn entity(&mut self) -> Option<char> {
        let mut b = self.getc()?;
        if b == b'#' {
            b = self.getc()?;
            let radix = if b == b'x' {
                b = self.getc()?;
                16
            } else {
                10
            };
            let mut digits = String::new();
            while (b as char).is_digit(radix) {
                digits.push(b as char);
                b = self.getc()?;
            }
            if b != b';' {
                return None;
            }
            let n = u64::from_str_radix(&digits, radix).ok()?;
            // Go's string(rune(n)): a surrogate becomes U+FFFD
            return (n <= 0x10_FFFF).then(|| {
                u32::try_from(n)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}')
            });
        }
        self.ungetc(b);
        let start = self.pos;
        self.read_name()?;
        let end = self.pos;
        if self.getc()? != b';' {
            return None;
        }
        let name = &self.bytes[start..end];
        if !is_name(name) {
            return None;
        }
        predefined_entity(name)
    }

    /// A run of name bytes (ASCII name characters and any non-ASCII byte); `None` when there is
    /// none or the input ends.
    fn read_name(&mut self) -> Option<()> {
        let start = self.pos;
        loop {
            let b = self.getc()?;
            if b.is_ascii() && !is_name_byte(b) {
                self.ungetc(b);
                return (self.pos > start).then_some(());
            }
        }
    }

    fn name(&mut self) -> Option<String> {
        let start = self.pos;
        self.read_name()?;
        let name = &self.bytes[start..self.pos];
        is_name(name).then(|| String::from_utf8_lossy(name).into_owned())
    }

    /// A name with at most one `:`, split into prefix and local part (a leading or trailing `:`
    /// is part of the local name).
    fn nsname(&mut self) -> Option<Name> {
        let s = self.name()?;
        if s.matches(':').count() > 1 {
            return None;
        }
        Some(match s.split_once(':') {
            Some((prefix, local)) if !prefix.is_empty() && !local.is_empty() => Name {
                prefix: prefix.to_string(),
                local: local.to_string(),
            },
            _ => Name {
                prefix: String::new(),
                local: s,
            },
        })
    }
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-')
}

/// encoding/xml's `isName`: its own tables (XML 1.0's first editions), not today's XML names.
fn is_name(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| contains(XML_NAME_START, c) && chars.all(|c| contains(XML_NAME, c)))
}

fn in_character_range(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// encoding/xml's `procInst`: the value of `param="…"` (or `'…'`) in a declaration, "" if none.
fn proc_inst_param(param: &str, s: &[u8]) -> String {
    let param = format!("{param}=");
    let param = param.as_bytes();
    let mut i = 0;
    let mut sep = 0u8;
    while i < s.len() {
        let sub = &s[i..];
        let Some(k) = sub.windows(param.len()).position(|w| w == param) else {
            return String::new();
        };
        let Some(&c) = sub.get(param.len() + k) else {
            return String::new();
        };
        i += param.len() + k + 1;
        if c == b'\'' || c == b'"' {
            sep = c;
            break;
        }
    }
    if sep == 0 {
        return String::new();
    }
    let rest = s.get(i..).unwrap_or_default();
    match rest.iter().position(|&b| b == sep) {
        Some(j) => String::from_utf8_lossy(&rest[..j]).into_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn elements_attributes_and_text_as_goxml2json_renders_them() {
        let v = parse("<a x=\"1\"><b>t</b><b/><c y='2'> z </c></a>").unwrap();
        assert_eq!(
            v,
            json!({"a": {"-x": "1", "b": ["t", ""], "c": {"-y": "2", "#content": "z"}}})
        );
    }

    #[test]
    fn a_syntax_error_ends_the_document_where_go_stops() {
        let v = parse("<r><a>1</a><b>&bogus;</b></r>").unwrap();
        assert_eq!(v, json!(""));
        let v = parse("<a>1</a><b>2</c>").unwrap();
        assert_eq!(v, json!({"a": "1"}));
    }

    #[test]
    fn nesting_past_the_limit_is_refused_with_its_line() {
        let deep = "<a>\n".repeat(MAX_DEPTH + 1);
        let e = parse(&deep).unwrap_err().to_string();
        assert!(e.contains("nested deeper than 128 at line 129"), "{e}");
    }

    #[test]
    fn entities_are_never_expanded() {
        let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><x>&b;</x>";
        assert_eq!(parse(bomb).unwrap(), json!(""));
    }
}
