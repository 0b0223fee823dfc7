//! CUE's tokens (cuelang.org/go v0.17.1 `cue/scanner`): identifiers, keywords, numbers, strings
//! (quoted, raw `#"…"#`, multi-line, bytes, with `\(…)` interpolations), operators, attributes,
//! and the commas the scanner inserts at a line's end after a value-ending token.

use super::Stop;

/// One token, with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Int(String),
    Float(String),
    /// A string or bytes literal: its parts (text and interpolated expressions).
    Str {
        bytes: bool,
        parts: Vec<Part>,
    },
    Bottom,
    /// An attribute: `@name(…)`, with its name.
    Attr(String),
    Op(&'static str),
    /// An explicit `,` or one inserted at a newline.
    Comma,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    Text(Vec<u8>),
    Expr(Vec<(Tok, usize)>),
}

pub(super) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    insert_comma: bool,
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// Every token of `src`, or the first error.
pub(super) fn tokens(src: &str) -> Result<Vec<(Tok, usize)>, Stop> {
    let mut lx = Lexer {
        src: src.as_bytes(),
        pos: 0,
        insert_comma: false,
    };
    if lx.src.starts_with("\u{feff}".as_bytes()) {
        lx.pos = 3;
    }
    let mut out = Vec::new();
    loop {
        let (t, at) = lx.next()?;
        let end = t == Tok::Eof;
        out.push((t, at));
        if end {
            return Ok(out);
        }
    }
}

impl<'a> Lexer<'a> {
    /// The character at the current offset (the text is UTF-8: it came from a `&str`).
    fn peek_char(&self) -> Option<char> {
        let end = (self.pos + 4).min(self.src.len());
        (self.pos + 1..=end)
            .find_map(|e| std::str::from_utf8(&self.src[self.pos..e]).ok())
            .and_then(|s| s.chars().next())
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.get(at).copied()
    }

    fn ident_run(&mut self) {
        while let Some(c) = self.peek_char() {
            if is_letter(c) || is_digit(c) || c == '_' || c == '$' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    /// The next token.
    fn next(&mut self) -> Result<(Tok, usize), Stop> {
        loop {
            match self.byte(self.pos) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\n') => {
                    let at = self.pos;
                    self.pos += 1;
                    if self.insert_comma {
                        self.insert_comma = false;
                        // a newline followed by `,` or `:` inserts nothing
                        let mut p = self.pos;
                        while matches!(self.byte(p), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                            p += 1;
                        }
                        if matches!(self.byte(p), Some(b',' | b':')) {
                            continue;
                        }
                        return Ok((Tok::Comma, at));
                    }
                }
                Some(b'/') if self.byte(self.pos + 1) == Some(b'/') => {
                    if self.insert_comma {
                        self.insert_comma = false;
                        return Ok((Tok::Comma, self.pos));
                    }
                    while !matches!(self.byte(self.pos), Some(b'\n') | None) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let at = self.pos;
        let Some(c) = self.peek_char() else {
            if self.insert_comma {
                self.insert_comma = false;
                return Ok((Tok::Comma, at));
            }
            return Ok((Tok::Eof, at));
        };
        let mut insert = false;
        let tok = if c.is_ascii_digit() {
            insert = true;
            self.number(false)?
        } else if is_letter(c) || c == '$' || c == '#' {
            let start = self.pos;
            if c == '#' {
                self.pos += 1;
                let n = self.peek_char();
                if matches!(n, Some('#' | '"' | '\'')) {
                    self.pos = start;
                    let t = self.string(at)?;
                    return self.finish(t, at, true);
                }
                if n.is_some_and(is_digit) {
                    return Err(Stop::Syntax(at, "a definition name starting with a digit"));
                }
            }
            self.ident_run();
            let lit = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or_default();
            insert = true;
            Tok::Ident(lit.to_string())
        } else if c == '"' || c == '\'' {
            insert = true;
            self.string(at)?
        } else if c == '_' {
            insert = true;
            if self.src[self.pos..].starts_with(b"_|_") {
                self.pos += 3;
                Tok::Bottom
            } else {
                let start = self.pos;
                self.pos += 1;
                if self.byte(self.pos) == Some(b'#') {
                    self.pos += 1;
                }
                self.ident_run();
                let lit = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or_default();
                if lit.starts_with("__") && self.byte(self.pos) == Some(b'#') {
                    return Err(Stop::Syntax(at, "an identifier (`__#` is illegal)"));
                }
                Tok::Ident(lit.to_string())
            }
        } else if c == '@' {
            insert = true;
            self.pos += 1;
            let name_start = self.pos;
            self.ident_run();
            let name = self.text(name_start);
            if self.byte(self.pos) != Some(b'(') {
                return Err(Stop::Syntax(at, "an attribute without `(`"));
            }
            // the body's tokens up to the matching `)` (brackets nest)
            self.pos += 1;
            let saved = self.insert_comma;
            let mut depth = 1usize;
            while depth > 0 {
                match self.next()?.0 {
                    Tok::Eof => return Err(Stop::Syntax(at, "an attribute without its `)`")),
                    Tok::Op("(" | "[" | "{") => depth += 1,
                    Tok::Op(")" | "]" | "}") => depth -= 1,
                    _ => {}
                }
            }
            self.insert_comma = saved;
            Tok::Attr(name)
        } else if c == '.' && self.byte(self.pos + 1).is_some_and(|b| b.is_ascii_digit()) {
            insert = true;
            self.number(true)?
        } else {
            let rest = &self.src[self.pos..];
            const OPS: &[&str] = &[
                "...", "&&", "||", "==", "!=", "<=", ">=", "=~", "!~", "<-", "+", "-", "*", "/",
                "&", "|", "=", "<", ">", "!", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";",
                "?", "^", "~",
            ];
            let Some(op) = OPS.iter().find(|o| rest.starts_with(o.as_bytes())) else {
                return Err(Stop::Syntax(at, "an illegal character"));
            };
            self.pos += op.len();
            match *op {
                "," => {
                    self.insert_comma = false;
                    return Ok((Tok::Comma, at));
                }
                ")" | "]" | "}" | "..." | "?" | ";" => insert = true,
                "^" => return Err(Stop::Syntax(at, "an illegal token")),
                _ => {}
            }
            Tok::Op(op)
        };
        self.finish(tok, at, insert)
    }

    fn finish(&mut self, tok: Tok, at: usize, insert: bool) -> Result<(Tok, usize), Stop> {
        self.insert_comma = insert;
        Ok((tok, at))
    }

    fn digits(&mut self, base: u32, at: usize) -> Result<usize, Stop> {
        let start = self.pos;
        let mut last = 0u8;
        while let Some(b) = self.byte(self.pos) {
            let ok = b == b'_' || (b as char).to_digit(16).is_some_and(|d| d < base);
            if !ok {
                break;
            }
            if b == b'_' && last == b'_' {
                return Err(Stop::Syntax(at, "an illegal `_` in a number"));
            }
            last = b;
            self.pos += 1;
        }
        if last == b'_' {
            return Err(Stop::Syntax(at, "an illegal `_` in a number"));
        }
        Ok(self.pos - start)
    }

    fn number(&mut self, seen_dot: bool) -> Result<Tok, Stop> {
        let at = self.pos;
        let mut float = false;
        if seen_dot {
            self.pos += 1;
            float = true;
            self.digits(10, at)?;
        } else if self.byte(self.pos) == Some(b'0')
            && matches!(self.byte(self.pos + 1), Some(b'x' | b'X' | b'b' | b'o'))
        {
            let base = match self.byte(self.pos + 1) {
                Some(b'b') => 2,
                Some(b'o') => 8,
                _ => 16,
            };
            self.pos += 2;
            if self.digits(base, at)? == 0 {
                return Err(Stop::Syntax(at, "an illegal number"));
            }
            return Ok(Tok::Int(self.text(at)));
        } else if self.byte(self.pos) == Some(b'0') {
            self.pos += 1;
            let more = self.digits(10, at)? > 0;
            let dot = self.byte(self.pos) == Some(b'.') && self.byte(self.pos + 1) != Some(b'.');
            if !dot && !matches!(self.byte(self.pos), Some(b'e' | b'E')) {
                if more {
                    return Err(Stop::Syntax(at, "an illegal integer number (a leading 0)"));
                }
                return self.suffix(at, false);
            }
        } else {
            self.digits(10, at)?;
        }
        if !seen_dot && self.byte(self.pos) == Some(b'.') && self.byte(self.pos + 1) != Some(b'.') {
            float = true;
            self.pos += 1;
            self.digits(10, at)?;
        }
        self.suffix(at, float)
    }

    fn suffix(&mut self, at: usize, float: bool) -> Result<Tok, Stop> {
        if let Some(b'K' | b'M' | b'G' | b'T' | b'P') = self.byte(self.pos) {
            self.pos += 1;
            if self.byte(self.pos) == Some(b'i') {
                self.pos += 1;
            }
            return Ok(Tok::Int(self.text(at)));
        }
        if let Some(b'e' | b'E') = self.byte(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.byte(self.pos) {
                self.pos += 1;
            }
            if !self.byte(self.pos).is_some_and(|b| b.is_ascii_digit()) {
                return Err(Stop::Syntax(at, "an illegal exponent in a number"));
            }
            self.digits(10, at)?;
            return Ok(Tok::Float(self.text(at)));
        }
        Ok(if float {
            Tok::Float(self.text(at))
        } else {
            Tok::Int(self.text(at))
        })
    }

    fn text(&self, at: usize) -> String {
        String::from_utf8_lossy(&self.src[at..self.pos]).into_owned()
    }

    /// A string or bytes literal starting at `at` (its `#`s, quotes, body, closing).
    fn string(&mut self, at: usize) -> Result<Tok, Stop> {
        let mut hashes = 0;
        while self.byte(self.pos) == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        let q = self.byte(self.pos).unwrap_or(b'"');
        self.pos += 1;
        let bytes = q == b'\'';
        let close_hashes = |lx: &Self, p: usize| (0..hashes).all(|i| lx.byte(p + i) == Some(b'#'));
        // `""` (empty) or `"""` (multi-line)
        if self.byte(self.pos) == Some(q) {
            if self.byte(self.pos + 1) == Some(q) {
                self.pos += 2;
                match self.byte(self.pos) {
                    Some(b'\n') => self.pos += 1,
                    Some(b'\r') if self.byte(self.pos + 1) == Some(b'\n') => self.pos += 2,
                    _ => {
                        return Err(Stop::Syntax(at, "no newline after a multi-line quote"));
                    }
                }
                return self.multiline(at, q, hashes, bytes);
            }
            if close_hashes(self, self.pos + 1) {
                self.pos += 1 + hashes;
                return Ok(Tok::Str {
                    bytes,
                    parts: vec![Part::Text(Vec::new())],
                });
            }
        }
        let mut parts = Vec::new();
        let mut cur = Vec::new();
        loop {
            match self.byte(self.pos) {
                None | Some(b'\n') => {
                    return Err(Stop::Syntax(
                        at,
                        "a string literal without its closing quote",
                    ));
                }
                Some(b) if b == q && close_hashes(self, self.pos + 1) => {
                    self.pos += 1 + hashes;
                    break;
                }
                Some(b'\\') if close_hashes(self, self.pos + 1) => {
                    self.pos += 1 + hashes;
                    self.escape(at, q, &mut cur, &mut parts)?;
                }
                Some(b) => {
                    cur.push(b);
                    self.pos += 1;
                }
            }
        }
        parts.push(Part::Text(cur));
        Ok(Tok::Str { bytes, parts })
    }

    /// After a `\` (and its `#`s): an escape into `cur`, or an interpolation into `parts`.
    fn escape(
        &mut self,
        at: usize,
        q: u8,
        cur: &mut Vec<u8>,
        parts: &mut Vec<Part>,
    ) -> Result<(), Stop> {
        let Some(c) = self.byte(self.pos) else {
            return Err(Stop::Syntax(at, "an escape sequence without its end"));
        };
        self.pos += 1;
        let simple = match c {
            b'a' => Some(7u8),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            _ if c == q => Some(q),
            _ => None,
        };
        if let Some(b) = simple {
            cur.push(b);
            return Ok(());
        }
        match c {
            b'(' => {
                parts.push(Part::Text(std::mem::take(cur)));
                let mut inner = Vec::new();
                let mut depth = 0usize;
                let saved = self.insert_comma;
                self.insert_comma = false;
                loop {
                    let (t, p) = self.next()?;
                    match &t {
                        Tok::Eof => {
                            return Err(Stop::Syntax(at, "an interpolation without its `)`"));
                        }
                        Tok::Op("(" | "[" | "{") => depth += 1,
                        Tok::Op(")") if depth == 0 => break,
                        Tok::Op(")" | "]" | "}") => depth = depth.saturating_sub(1),
                        Tok::Comma if self.src.get(p) == Some(&b'\n') => {
                            return Err(Stop::Syntax(at, "a newline in an interpolation"));
                        }
                        _ => {}
                    }
                    inner.push((t, p));
                }
                self.insert_comma = saved;
                parts.push(Part::Expr(inner));
                Ok(())
            }
            b'0'..=b'7' | b'x' if q == b'\'' => {
                let (n, base) = if c == b'x' { (2, 16) } else { (3, 8) };
                let start = if c == b'x' { self.pos } else { self.pos - 1 };
                let digits = self.src.get(start..start + n).unwrap_or_default();
                let s = std::str::from_utf8(digits).unwrap_or("!");
                let v = u32::from_str_radix(s, base)
                    .ok()
                    .filter(|_| digits.len() == n && !s.contains(['+', '-']))
                    .filter(|v| *v <= 255)
                    .ok_or(Stop::Syntax(at, "an illegal escape sequence"))?;
                self.pos = start + n;
                cur.push(v as u8);
                Ok(())
            }
            b'u' | b'U' => {
                let n = if c == b'u' { 4 } else { 8 };
                let digits = self.src.get(self.pos..self.pos + n).unwrap_or_default();
                let s = std::str::from_utf8(digits).unwrap_or("!");
                let ch = u32::from_str_radix(s, 16)
                    .ok()
                    .filter(|_| digits.len() == n && !s.contains(['+', '-']))
                    .and_then(char::from_u32)
                    .ok_or(Stop::Syntax(at, "an illegal unicode escape sequence"))?;
                self.pos += n;
                let mut buf = [0u8; 4];
                cur.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                Ok(())
            }
            _ => Err(Stop::Syntax(at, "an unknown escape sequence")),
        }
    }

    /// The body of a multi-line string (after `"""` and its newline): its lines, less the
    /// closing line's indentation, without the last newline.
    fn multiline(&mut self, at: usize, q: u8, hashes: usize, bytes: bool) -> Result<Tok, Stop> {
        let mut parts = Vec::new();
        let mut cur = Vec::new();
        // where each line's text starts in `cur`-space is handled after: collect raw pieces
        let mut line_start = true;
        let mut indents: Vec<Vec<u8>> = Vec::new();
        loop {
            if line_start {
                let s = self.pos;
                while matches!(self.byte(self.pos), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                let pending_ws = self.src[s..self.pos].to_vec();
                line_start = false;
                // closing quotes on their own line
                let c = self.pos;
                if self.byte(c) == Some(q)
                    && self.byte(c + 1) == Some(q)
                    && self.byte(c + 2) == Some(q)
                    && (0..hashes).all(|i| self.byte(c + 3 + i) == Some(b'#'))
                {
                    self.pos = c + 3 + hashes;
                    // the newline before the closing quotes is not part of the text
                    if cur.last() == Some(&b'\n') {
                        cur.pop();
                    }
                    for ind in &indents {
                        if !ind.starts_with(&pending_ws) {
                            return Err(Stop::Syntax(
                                at,
                                "a multi-line string whose lines are less indented than its closing quotes",
                            ));
                        }
                    }
                    parts.push(Part::Text(cur));
                    return Ok(Tok::Str {
                        bytes,
                        parts: strip_indent(parts, &pending_ws),
                    });
                }
                if !pending_ws.is_empty() || !matches!(self.byte(self.pos), Some(b'\n' | b'\r')) {
                    indents.push(pending_ws.clone());
                }
                cur.push(0); // marks a line start for the indentation strip
                cur.extend_from_slice(&pending_ws);
            }
            match self.byte(self.pos) {
                None => {
                    return Err(Stop::Syntax(
                        at,
                        "a multi-line string without its closing quotes",
                    ));
                }
                Some(b'\n') => {
                    cur.push(b'\n');
                    self.pos += 1;
                    line_start = true;
                }
                Some(b'\r') => self.pos += 1,
                Some(b'\\') if (0..hashes).all(|i| self.byte(self.pos + 1 + i) == Some(b'#')) => {
                    self.pos += 1 + hashes;
                    self.escape(at, q, &mut cur, &mut parts)?;
                    // `0` bytes are line markers: an escaped NUL must not look like one
                    if cur.last() == Some(&0) {
                        return Err(Stop::Unsupported(at, "a NUL escape in a multi-line string"));
                    }
                }
                Some(0) => {
                    return Err(Stop::Unsupported(at, "a NUL byte in a multi-line string"));
                }
                Some(b) => {
                    cur.push(b);
                    self.pos += 1;
                }
            }
        }
    }
}

/// Removes `indent` after each line-start marker (a 0 byte) of the text parts.
fn strip_indent(parts: Vec<Part>, indent: &[u8]) -> Vec<Part> {
    parts
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => {
                let mut out = Vec::with_capacity(t.len());
                let mut i = 0;
                while i < t.len() {
                    if t[i] == 0 {
                        i += 1;
                        if t[i..].starts_with(indent) {
                            i += indent.len();
                        } else {
                            // a blank line: only its whitespace
                            while i < t.len() && (t[i] == b' ' || t[i] == b'\t') {
                                i += 1;
                            }
                        }
                    } else {
                        out.push(t[i]);
                        i += 1;
                    }
                }
                Part::Text(out)
            }
            e => e,
        })
        .collect()
}
