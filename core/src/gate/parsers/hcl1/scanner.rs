//! The HCL scanner of hashicorp/hcl v1.0.0 (`hcl/scanner/scanner.go`), rune for rune: its reads
//! and one-rune unreads over a `bytes.Buffer` decide where tokens end (`.5e3` is `.5e` then `3`;
//! `1e}` is one malformed number). Any scanner error refuses the file, as the library's parser
//! returns the scanner's error whatever it parsed, so scanning stops at the first.

use super::super::go_unicode::{self, DIGIT, LETTER};
use super::Error;

/// The scanner's end-of-input rune (Go's `rune(0)`; a NUL in the text reads as this too).
pub(super) const EOF: char = '\0';

/// HCL token types (`hcl/token`), comments included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Eof,
    Comment,
    Ident,
    Number,
    Float,
    Bool,
    String,
    Heredoc,
    LBrack,
    LBrace,
    Comma,
    Period,
    RBrack,
    RBrace,
    Assign,
    Add,
    Sub,
}

impl Tok {
    /// The library's name for it, for errors.
    pub(super) fn name(self) -> &'static str {
        match self {
            Tok::Eof => "EOF",
            Tok::Comment => "COMMENT",
            Tok::Ident => "IDENT",
            Tok::Number => "NUMBER",
            Tok::Float => "FLOAT",
            Tok::Bool => "BOOL",
            Tok::String => "STRING",
            Tok::Heredoc => "HEREDOC",
            Tok::LBrack => "LBRACK",
            Tok::LBrace => "LBRACE",
            Tok::Comma => "COMMA",
            Tok::Period => "PERIOD",
            Tok::RBrack => "RBRACK",
            Tok::RBrace => "RBRACE",
            Tok::Assign => "ASSIGN",
            Tok::Add => "ADD",
            Tok::Sub => "SUB",
        }
    }
}

/// A token: its type and its text's byte range.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: Tok,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Go's `bytes.Buffer` as both scanners read it: runes, and one unread after a successful read
/// (an unread after a peek or at the end panics in Go, an error here).
pub(super) struct Reader<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
    /// Size of the last successful read, 0 when an unread is not allowed.
    last: usize,
    /// The scanner's `lastCharLen`: size of the last rune `next` returned (0 at the end).
    pub(super) last_char_len: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(src: &'a str) -> Reader<'a> {
        Reader {
            src,
            pos: 0,
            last: 0,
            last_char_len: 0,
        }
    }

    /// The next rune and the reader past it; `None` at the end.
    pub(super) fn read(&mut self) -> Option<char> {
        match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => {
                self.pos += c.len_utf8();
                self.last = c.len_utf8();
                self.last_char_len = c.len_utf8();
                Some(c)
            }
            None => {
                self.last = 0;
                self.last_char_len = 0;
                None
            }
        }
    }

    pub(super) fn unread(&mut self) -> Result<(), Error> {
        if self.last == 0 {
            return Err(Error::at(self.pos, "unexpected end of input"));
        }
        self.pos -= self.last;
        self.last = 0;
        Ok(())
    }

    /// The next rune without reading it (`EOF` at the end); no unread may follow.
    pub(super) fn peek(&mut self) -> char {
        let (pos, len) = (self.pos, self.last_char_len);
        let c = self.read();
        self.pos = pos;
        self.last = 0;
        self.last_char_len = len;
        c.unwrap_or(EOF)
    }
}

/// The HCL scanner.
pub(super) struct Scanner<'a> {
    pub(super) r: Reader<'a>,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(src: &'a str) -> Scanner<'a> {
        Scanner {
            r: Reader::new(src),
        }
    }

    /// An error at the last character read (the library's `recentPosition`).
    fn err(&self, what: &str) -> Error {
        Error::at(self.r.pos - self.r.last_char_len, what)
    }

    fn next(&mut self) -> Result<char, Error> {
        match self.r.read() {
            None => Ok(EOF),
            Some('\0') => Err(self.err("unexpected null character (0x00)")),
            Some('\u{E123}') => {
                Err(self.err("unicode code point U+E123 reserved for internal use"))
            }
            Some(c) => Ok(c),
        }
    }

    /// `Scan`: the next token, comments included.
    pub(super) fn scan(&mut self) -> Result<Token, Error> {
        let mut ch = self.next()?;
        while matches!(ch, ' ' | '\t' | '\n' | '\r') {
            ch = self.next()?;
        }
        let start = self.r.pos - self.r.last_char_len;
        let kind = if is_letter(ch) {
            let end = self.scan_identifier()?;
            match &self.r.src[start..end] {
                "true" | "false" => Tok::Bool,
                _ => Tok::Ident,
            }
        } else if ch.is_ascii_digit() {
            self.scan_number(ch)?
        } else {
            match ch {
                EOF => Tok::Eof,
                '"' => {
                    self.scan_string()?;
                    Tok::String
                }
                '#' | '/' => {
                    self.scan_comment(ch)?;
                    Tok::Comment
                }
                '.' => {
                    let c = self.r.peek();
                    if c.is_ascii_digit() {
                        let c = self.scan_mantissa(c)?;
                        self.scan_exponent(c)?;
                        Tok::Float
                    } else {
                        Tok::Period
                    }
                }
                '<' => {
                    self.scan_heredoc()?;
                    Tok::Heredoc
                }
                '[' => Tok::LBrack,
                ']' => Tok::RBrack,
                '{' => Tok::LBrace,
                '}' => Tok::RBrace,
                ',' => Tok::Comma,
                '=' => Tok::Assign,
                '+' => Tok::Add,
                '-' => {
                    if self.r.peek().is_ascii_digit() {
                        let c = self.next()?;
                        self.scan_number(c)?
                    } else {
                        Tok::Sub
                    }
                }
                _ => return Err(Error::at(start, "illegal character")),
            }
        };
        Ok(Token {
            kind,
            start,
            end: self.r.pos,
        })
    }

    fn scan_comment(&mut self, mut ch: char) -> Result<(), Error> {
        if ch == '#' || (ch == '/' && self.r.peek() != '*') {
            if ch == '/' && self.r.peek() != '/' {
                return Err(self.err("expected '/' for comment"));
            }
            ch = self.next()?;
            while ch != '\n' && ch != EOF {
                ch = self.next()?;
            }
            if ch != EOF {
                self.r.unread()?;
            }
            return Ok(());
        }
        if ch == '/' {
            self.next()?;
            ch = self.next()?;
        }
        loop {
            if ch == EOF {
                return Err(self.err("comment not terminated"));
            }
            let ch0 = ch;
            ch = self.next()?;
            if ch0 == '*' && ch == '/' {
                return Ok(());
            }
        }
    }

    fn scan_number(&mut self, mut ch: char) -> Result<Tok, Error> {
        if ch == '0' {
            ch = self.next()?;
            if ch == 'x' || ch == 'X' {
                ch = self.next()?;
                let mut found = false;
                while ch.is_ascii_hexdigit() {
                    ch = self.next()?;
                    found = true;
                }
                if !found {
                    return Err(self.err("illegal hexadecimal number"));
                }
                if ch != EOF {
                    self.r.unread()?;
                }
                return Ok(Tok::Number);
            }
            let mut illegal_octal = false;
            while ch.is_ascii_digit() {
                ch = self.next()?;
                if ch == '8' || ch == '9' {
                    illegal_octal = true;
                }
            }
            if ch == 'e' || ch == 'E' {
                self.scan_exponent(ch)?;
                return Ok(Tok::Float);
            }
            if ch == '.' {
                ch = self.scan_fraction(ch)?;
                if ch == 'e' || ch == 'E' {
                    ch = self.next()?;
                    self.scan_exponent(ch)?;
                }
                return Ok(Tok::Float);
            }
            if illegal_octal {
                return Err(self.err("illegal octal number"));
            }
            if ch != EOF {
                self.r.unread()?;
            }
            return Ok(Tok::Number);
        }
        self.scan_mantissa(ch)?;
        ch = self.next()?;
        if ch == 'e' || ch == 'E' {
            self.scan_exponent(ch)?;
            return Ok(Tok::Float);
        }
        if ch == '.' {
            ch = self.scan_fraction(ch)?;
            if ch == 'e' || ch == 'E' {
                ch = self.next()?;
                self.scan_exponent(ch)?;
            }
            return Ok(Tok::Float);
        }
        if ch != EOF {
            self.r.unread()?;
        }
        Ok(Tok::Number)
    }

    fn scan_mantissa(&mut self, mut ch: char) -> Result<char, Error> {
        let mut scanned = false;
        while ch.is_ascii_digit() {
            ch = self.next()?;
            scanned = true;
        }
        if scanned && ch != EOF {
            self.r.unread()?;
        }
        Ok(ch)
    }

    fn scan_fraction(&mut self, mut ch: char) -> Result<char, Error> {
        if ch == '.' {
            ch = self.r.peek();
            ch = self.scan_mantissa(ch)?;
        }
        Ok(ch)
    }

    fn scan_exponent(&mut self, mut ch: char) -> Result<char, Error> {
        if ch == 'e' || ch == 'E' {
            ch = self.next()?;
            if ch == '-' || ch == '+' {
                ch = self.next()?;
            }
            ch = self.scan_mantissa(ch)?;
        }
        Ok(ch)
    }

    fn scan_heredoc(&mut self) -> Result<(), Error> {
        if self.next()? != '<' {
            return Err(self.err("heredoc expected second '<', didn't see it"));
        }
        let offs = self.r.pos;
        let mut ch = self.next()?;
        if ch == '-' {
            ch = self.next()?;
        }
        while is_letter(ch) || is_digit(ch) {
            ch = self.next()?;
        }
        if ch == EOF {
            return Err(self.err("heredoc not terminated"));
        }
        if ch == '\r' && self.r.peek() == '\n' {
            ch = self.next()?;
        }
        if ch != '\n' {
            return Err(self.err("invalid characters in heredoc anchor"));
        }
        let src = self.r.src;
        let ident = &src[offs..self.r.pos - self.r.last_char_len];
        if ident.is_empty() || ident == "-" {
            return Err(self.err("zero-length heredoc anchor"));
        }
        let anchor = ident.strip_prefix('-').unwrap_or(ident);
        let mut line_start = self.r.pos;
        loop {
            let ch = self.next()?;
            if ch == '\n' {
                let line = &src[line_start..self.r.pos - self.r.last_char_len];
                if line.len() >= ident.len() && is_anchor_line(line, anchor) {
                    return Ok(());
                }
                line_start = self.r.pos;
            }
            if ch == EOF {
                return Err(self.err("heredoc not terminated"));
            }
        }
    }

    fn scan_string(&mut self) -> Result<(), Error> {
        let mut braces = 0usize;
        loop {
            let ch = self.next()?;
            if (ch == '\n' && braces == 0) || ch == EOF {
                return Err(self.err("literal not terminated"));
            }
            if ch == '"' && braces == 0 {
                return Ok(());
            }
            if braces == 0 && ch == '$' && self.r.peek() == '{' {
                braces += 1;
                self.next()?;
            } else if braces > 0 && ch == '{' {
                braces += 1;
            }
            if braces > 0 && ch == '}' {
                braces -= 1;
            }
            if ch == '\\' {
                self.scan_escape()?;
            }
        }
    }

    fn scan_escape(&mut self) -> Result<(), Error> {
        let ch = self.next()?;
        match ch {
            'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' => Ok(()),
            '0'..='7' => self.scan_digits(ch, 8, 3),
            'x' | 'u' | 'U' => {
                let n = match ch {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let c = self.next()?;
                self.scan_digits(c, 16, n)
            }
            _ => Err(self.err("illegal char escape")),
        }
    }

    fn scan_digits(&mut self, mut ch: char, base: u32, mut n: usize) -> Result<(), Error> {
        let start = n;
        while n > 0 && digit_val(ch) < base {
            ch = self.next()?;
            if ch == EOF {
                break;
            }
            n -= 1;
        }
        if n > 0 {
            return Err(self.err("illegal char escape"));
        }
        if n != start && ch != EOF {
            self.r.unread()?;
        }
        Ok(())
    }

    /// Reads the rest of an identifier; the end of its text.
    fn scan_identifier(&mut self) -> Result<usize, Error> {
        let mut ch = self.next()?;
        while is_letter(ch) || is_digit(ch) || ch == '-' || ch == '.' {
            ch = self.next()?;
        }
        if ch != EOF {
            self.r.unread()?;
        }
        Ok(self.r.pos)
    }
}

/// Whether a heredoc line ends it: the library's `^[[:space:]]*ANCHOR\r*\z`.
fn is_anchor_line(line: &str, anchor: &str) -> bool {
    let crs = line.len() - line.trim_end_matches('\r').len();
    (0..=crs).any(|k| {
        line[..line.len() - k]
            .strip_suffix(anchor)
            .is_some_and(|pre| {
                pre.bytes()
                    .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
            })
    })
}

/// The scanners' `isLetter`: ASCII letters, `_`, and Go's `unicode.IsLetter` beyond ASCII.
pub(super) fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && go_unicode::contains(LETTER, c))
}

/// The scanners' `isDigit`: ASCII digits and Go's `unicode.IsDigit` beyond ASCII.
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && go_unicode::contains(DIGIT, c))
}

/// `digitVal`: a hexadecimal digit's value, 16 for anything else.
pub(super) fn digit_val(c: char) -> u32 {
    c.to_digit(16).unwrap_or(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<(Tok, &str)> {
        let mut s = Scanner::new(src);
        let mut out = Vec::new();
        loop {
            let t = s.scan().unwrap();
            out.push((t.kind, &src[t.start..t.end]));
            if t.kind == Tok::Eof {
                return out;
            }
        }
    }

    #[test]
    fn tokens_end_where_the_library_ends_them() {
        assert_eq!(
            tokens(".5e3 1.e5 0x1F -2 a-b.c true"),
            vec![
                (Tok::Float, ".5e"),
                (Tok::Number, "3"),
                (Tok::Float, "1.e5"),
                (Tok::Number, "0x1F"),
                (Tok::Number, "-2"),
                (Tok::Ident, "a-b.c"),
                (Tok::Bool, "true"),
                (Tok::Eof, ""),
            ]
        );
        assert_eq!(tokens("1e}")[0], (Tok::Float, "1e}"));
        assert_eq!(
            tokens("<<EOF\nx\n  EOF\n=")[0],
            (Tok::Heredoc, "<<EOF\nx\n  EOF\n")
        );
    }

    #[test]
    fn scanner_errors() {
        for bad in [
            "\"a\n\"", "089", "0x", "<<EOF\nx", "/* x", "/x", "\"\\q\"", "@", "\0",
        ] {
            let mut s = Scanner::new(bad);
            let mut result = Ok(());
            for _ in 0..4 {
                if let Err(e) = s.scan() {
                    result = Err(e);
                    break;
                }
            }
            assert!(result.is_err(), "{bad:?}");
        }
    }
}
