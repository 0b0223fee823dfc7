//! go-akka/configuration's HOCON tokenizer (`hocon/tokenizer.go`, v0.0.0-20200606091224),
//! ported byte for byte, its quirks included: whitespace is tested byte by byte (so the byte 0xA0,
//! the tail of `à`, is whitespace); a one-byte pattern tested with `MatchesMore` (`=`, `:`, `#`,
//! `${`, a space or tab) never matches as the file's last bytes; an unquoted key runs across
//! spaces and line ends up to a separator and is then trimmed; `\uXXXX` in a quoted string stays
//! the six characters `\uxxxx` (lower-cased); the `\n` that ends a value is the two characters
//! backslash and `n`. Where Go panics (an unknown token, an unknown escape), this tokenizer fails.

/// Characters an unquoted key may not hold (`HoconNotInUnquotedKey`).
const NOT_IN_UNQUOTED_KEY: &[u8] = b"$\"{}[]:=+,#`^?!@*&\\.";
/// Characters unquoted text may not hold (`HoconNotInUnquotedText`).
const NOT_IN_UNQUOTED_TEXT: &[u8] = b"$\"{}[]:=+,#`^?!@*&\\";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    Key(Vec<u8>),
    Literal(Vec<u8>),
    Assign,
    PlusAssign,
    ObjectStart,
    ObjectEnd,
    Dot,
    Eof,
    ArrayStart,
    ArrayEnd,
    Substitution { path: Vec<u8>, optional: bool },
    Include(Vec<u8>),
}

/// Where the Go tokenizer panics, with the byte offset.
#[derive(Debug)]
pub(super) enum Fault {
    UnknownToken(usize),
    UnknownEscape(usize),
    ExpectedValue(usize),
}

pub(super) struct Tokenizer<'a> {
    text: &'a [u8],
    pub(super) index: usize,
}

/// go-akka's `isWhitespace`: Go's `string(c)` of a byte is the character of that code point, so
/// of its list only the ASCII spaces and U+00A0 can match.
fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0xA0)
}

impl<'a> Tokenizer<'a> {
    pub(super) fn new(text: &'a [u8]) -> Tokenizer<'a> {
        Tokenizer { text, index: 0 }
    }

    /// The 1-based line and column (in bytes) of a byte offset, for messages.
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        (line, before.len() - line_start + 1)
    }

    pub(super) fn eof(&self) -> bool {
        self.index >= self.text.len()
    }

    fn matches(&self, pattern: &[u8]) -> bool {
        self.text[self.index.min(self.text.len())..].starts_with(pattern)
    }

    /// `MatchesMore`: a pattern that would end at the text's end does not count (Go's `>=`).
    fn matches_more(&self, patterns: &[&[u8]]) -> bool {
        patterns
            .iter()
            .any(|p| p.len() + self.index < self.text.len() && self.matches(p))
    }

    /// `Take`: nothing (and no move) when fewer than `n` bytes remain.
    fn take(&mut self, n: usize) -> &'a [u8] {
        if self.index + n > self.text.len() {
            return &[];
        }
        let s = &self.text[self.index..self.index + n];
        self.index += n;
        s
    }

    fn peek(&self) -> u8 {
        self.text.get(self.index).copied().unwrap_or(0)
    }

    fn take_one(&mut self) -> u8 {
        let c = self.peek();
        if !self.eof() {
            self.index += 1;
        }
        c
    }

    fn pull_whitespace(&mut self) {
        while !self.eof() && is_whitespace(self.peek()) {
            self.index += 1;
        }
    }

    pub(super) fn pull_whitespace_and_comments(&mut self) {
        loop {
            self.pull_whitespace();
            while self.is_start_of_comment() {
                self.pull_rest_of_line();
            }
            if !self.is_whitespace() {
                break;
            }
        }
    }

    fn pull_rest_of_line(&mut self) {
        while !self.eof() {
            if self.take_one() == b'\n' {
                break;
            }
        }
    }

    fn is_whitespace(&self) -> bool {
        is_whitespace(self.peek())
    }

    fn is_start_of_comment(&self) -> bool {
        self.matches_more(&[b"#", b"//"])
    }

    pub(super) fn is_array_end(&self) -> bool {
        self.matches(b"]")
    }

    pub(super) fn is_space_or_tab(&self) -> bool {
        self.matches_more(&[b" ", b"\t"])
    }

    pub(super) fn pull_space_or_tab(&mut self) -> &'a [u8] {
        let start = self.index;
        while self.is_space_or_tab() {
            self.index += 1;
        }
        &self.text[start..self.index]
    }

    /// `ignoreComma`.
    pub(super) fn skip_comma(&mut self) {
        if self.matches(b",") {
            self.index += 1;
        }
    }

    /// `ignoreNewline`: go-akka matches the two characters `\n` (a Go raw string), not a line end.
    pub(super) fn skip_escaped_newline(&mut self) {
        if self.matches(b"\\n") {
            self.index += 2;
        }
    }

    /// `PullArrayEnd` (also past the end, where it takes nothing).
    pub(super) fn pull_array_end(&mut self) {
        self.take_one();
    }

    fn is_unquoted_key(&self) -> bool {
        !self.eof() && !self.is_start_of_comment() && !NOT_IN_UNQUOTED_KEY.contains(&self.peek())
    }

    fn is_unquoted_text(&self) -> bool {
        !self.eof()
            && !self.is_whitespace()
            && !self.is_start_of_comment()
            && !NOT_IN_UNQUOTED_TEXT.contains(&self.peek())
    }

    fn is_substitution_start(&self) -> bool {
        self.matches_more(&[b"${", b"${?"])
    }

    /// `isValue`: whether a value starts here.
    pub(super) fn is_value(&self) -> bool {
        self.matches(b"[")
            || self.matches(b"{")
            || self.is_substitution_start()
            || self.matches(b"\"")
            || self.is_unquoted_text()
    }

    /// `PullNext`: the next token where a key is expected.
    pub(super) fn pull_next(&mut self) -> Result<Token, Fault> {
        self.pull_whitespace_and_comments();
        let token = if self.matches(b".") {
            self.index += 1;
            Token::Dot
        } else if self.matches(b"{") {
            self.index += 1;
            Token::ObjectStart
        } else if self.matches(b"}") {
            self.index += 1;
            Token::ObjectEnd
        } else if self.matches_more(&[b"=", b":"]) {
            self.index += 1;
            Token::Assign
        } else if self.matches(b"+=") {
            self.index += 2;
            Token::PlusAssign
        } else if self.is_include() {
            self.index += b"include".len();
            self.pull_whitespace_and_comments();
            Token::Include(self.pull_quoted()?)
        } else if self.matches(b"\"") {
            Token::Key(self.pull_quoted()?)
        } else if !self.is_whitespace() && self.is_unquoted_key() {
            let start = self.index;
            while self.is_unquoted_key() {
                self.index += 1;
            }
            Token::Key(go_trim_space(&self.text[start..self.index]).to_vec())
        } else if self.matches(b"[") {
            self.index += 1;
            Token::ArrayStart
        } else if self.matches(b"]") {
            self.index += 1;
            Token::ArrayEnd
        } else if self.eof() {
            Token::Eof
        } else {
            return Err(Fault::UnknownToken(self.index));
        };
        Ok(token)
    }

    /// `IsInclude`: `include`, whitespace or a comment, then a quoted string that reads without
    /// a fault; the position is restored either way.
    fn is_include(&mut self) -> bool {
        let saved = self.index;
        let mut found = false;
        if self.matches(b"include") {
            self.index += b"include".len();
            if self.is_whitespace() || self.is_start_of_comment() {
                self.pull_whitespace_and_comments();
                found = self.matches(b"\"") && self.pull_quoted().is_ok();
            }
        }
        self.index = saved;
        found
    }

    /// `PullQuotedText` / `PullQuotedKey`: to the next unescaped `"` or the end.
    fn pull_quoted(&mut self) -> Result<Vec<u8>, Fault> {
        let mut buf = Vec::new();
        self.take_one();
        while !self.eof() && !self.matches(b"\"") {
            if self.matches(b"\\") {
                self.pull_escape(&mut buf)?;
            } else {
                buf.push(self.take_one());
            }
        }
        self.take_one();
        Ok(buf)
    }

    fn pull_escape(&mut self, buf: &mut Vec<u8>) -> Result<(), Fault> {
        let at = self.index;
        self.take_one();
        let c = match self.take_one() {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                // `fmt.Sscanf("\\u" + strings.ToLower(Take(4)), "%s")`: the text itself, cut at
                // the first space.
                let lowered = go_to_lower(self.take(4));
                buf.extend_from_slice(b"\\u");
                let word: String = lowered.chars().take_while(|c| !is_fmt_space(*c)).collect();
                buf.extend_from_slice(word.as_bytes());
                return Ok(());
            }
            _ => return Err(Fault::UnknownEscape(at)),
        };
        buf.push(c);
        Ok(())
    }

    fn pull_triple_quoted(&mut self) -> Vec<u8> {
        self.take(3);
        let start = self.index;
        while !self.eof() && !self.matches(b"\"\"\"") {
            self.index += 1;
        }
        let s = self.text[start..self.index].to_vec();
        self.take(3);
        s
    }

    /// `PullValue`: the next value token.
    pub(super) fn pull_value(&mut self) -> Result<Token, Fault> {
        if self.matches(b"{") {
            self.index += 1;
            return Ok(Token::ObjectStart);
        }
        if self.matches(b"\"\"\"") {
            return Ok(Token::Literal(self.pull_triple_quoted()));
        }
        if self.matches(b"\"") {
            return Ok(Token::Literal(self.pull_quoted()?));
        }
        if self.is_unquoted_text() {
            let start = self.index;
            while self.is_unquoted_text() {
                self.index += 1;
            }
            return Ok(Token::Literal(self.text[start..self.index].to_vec()));
        }
        if self.matches(b"[") {
            self.index += 1;
            return Ok(Token::ArrayStart);
        }
        if self.matches(b"]") {
            self.index += 1;
            return Ok(Token::ArrayEnd);
        }
        if self.is_substitution_start() {
            self.index += 2;
            let optional = self.peek() == b'?';
            if optional {
                self.index += 1;
            }
            let start = self.index;
            while self.is_unquoted_text() {
                self.index += 1;
            }
            let path = self.text[start..self.index].to_vec();
            // The `}`, or whatever byte stands there.
            self.take_one();
            return Ok(Token::Substitution { path, optional });
        }
        Err(Fault::ExpectedValue(self.index))
    }
}

/// Go's `strings.TrimSpace` on bytes: Unicode white space trimmed at both ends, stopping at a
/// byte that is not UTF-8.
pub(super) fn go_trim_space(s: &[u8]) -> &[u8] {
    let mut start = 0;
    while start < s.len() {
        match leading_char(&s[start..]) {
            Some((c, n)) if c.is_whitespace() => start += n,
            _ => break,
        }
    }
    let mut end = s.len();
    while end > start {
        match trailing_char(&s[start..end]) {
            Some((c, n)) if c.is_whitespace() => end -= n,
            _ => break,
        }
    }
    &s[start..end]
}

fn leading_char(s: &[u8]) -> Option<(char, usize)> {
    let n = s.len().min(4);
    (1..=n).find_map(|k| {
        std::str::from_utf8(&s[..k])
            .ok()
            .and_then(|t| t.chars().next().map(|c| (c, k)))
    })
}

fn trailing_char(s: &[u8]) -> Option<(char, usize)> {
    let n = s.len().min(4);
    (1..=n).find_map(|k| {
        std::str::from_utf8(&s[s.len() - k..])
            .ok()
            .and_then(|t| t.chars().next_back().map(|c| (c, k)))
    })
}

/// Go's `strings.ToLower`: ASCII as is; otherwise each character's `unicode.ToLower`, a byte that
/// is not UTF-8 becoming U+FFFD.
fn go_to_lower(s: &[u8]) -> String {
    let mut out = String::new();
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            out.push(c.to_lowercase().next().unwrap_or(c));
        }
        for _ in chunk.invalid() {
            out.push('\u{fffd}');
        }
    }
    out
}

/// The spaces at which Go's `fmt` ends a `%s` word.
fn is_fmt_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_and_values(text: &str) -> Vec<Token> {
        let mut t = Tokenizer::new(text.as_bytes());
        let mut out = Vec::new();
        loop {
            let tok = t.pull_next().unwrap();
            let assign = matches!(tok, Token::Assign);
            out.push(tok.clone());
            if tok == Token::Eof {
                return out;
            }
            if assign {
                t.pull_whitespace_and_comments();
                while t.is_value() {
                    out.push(t.pull_value().unwrap());
                }
            }
        }
    }

    #[test]
    fn keys_run_across_spaces_and_escapes_stay_text() {
        assert_eq!(
            keys_and_values("a b = \"\\u00E9\\n\"\n"),
            vec![
                Token::Key(b"a b".to_vec()),
                Token::Assign,
                Token::Literal(b"\\u00e9\n".to_vec()),
                Token::Eof
            ]
        );
    }

    #[test]
    fn a_byte_a0_is_whitespace() {
        let mut t = Tokenizer::new("voilà".as_bytes());
        assert_eq!(
            t.pull_value().unwrap(),
            Token::Literal(b"voil\xc3".to_vec())
        );
    }

    #[test]
    fn a_trailing_separator_is_no_token() {
        let mut t = Tokenizer::new(b"=");
        assert!(matches!(t.pull_next(), Err(Fault::UnknownToken(0))));
    }

    #[test]
    fn trim_space_is_unicode_and_stops_at_broken_bytes() {
        assert_eq!(go_trim_space(" \u{a0}a b\u{3000}".as_bytes()), b"a b");
        assert_eq!(go_trim_space(b" a\xc3 "), b"a\xc3");
    }
}
