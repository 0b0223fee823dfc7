//! The lexer's literals: identifiers and keywords, numbers (decimal, hex, binary, octal, with
//! suffixes), `'…'` and `'''…'''` strings, GStrings split around `$name.path` and `${…}`
//! (their tokens queued, a mode pushed), slashy and dollar-slashy strings.

use super::{
    EOF, Kind, Lexer, Mode, Token, decode, ident_kind, is_digit, is_float_suffix, is_hex_digit,
    is_ident_continue, is_ident_start, is_letter, is_type_suffix,
};

impl Lexer<'_> {
    pub(super) fn scan_identifier(&mut self, start: usize) -> Token {
        while is_ident_continue(self.ch) {
            self.advance();
        }
        let text = &self.src[start..self.pos()];
        let kind = Kind::of_word(text).unwrap_or_else(|| ident_kind(text));
        self.tok(kind, start)
    }

    pub(super) fn scan_number(&mut self, start: usize) -> Token {
        if self.is(b'0') {
            let next = self.peek();
            if next == i32::from(b'x') || next == i32::from(b'X') {
                return self.scan_hex(start);
            }
            if next == i32::from(b'b') || next == i32::from(b'B') {
                return self.scan_binary(start);
            }
            if (i32::from(b'0')..=i32::from(b'7')).contains(&next) {
                return self.scan_octal(start);
            }
        }
        self.scan_decimal(start)
    }

    pub(super) fn scan_digits(&mut self) {
        while is_digit(self.ch) || self.is(b'_') {
            self.advance();
        }
    }

    pub(super) fn scan_exponent(&mut self) {
        self.advance();
        if self.is(b'+') || self.is(b'-') {
            self.advance();
        }
        self.scan_digits();
    }

    pub(super) fn scan_decimal(&mut self, start: usize) -> Token {
        self.scan_digits();
        let mut kind = Kind::IntLiteral;
        if self.is(b'.') && is_digit(self.peek()) {
            kind = Kind::FloatLiteral;
            self.advance();
            self.scan_digits();
        }
        if self.is(b'e') || self.is(b'E') {
            kind = Kind::FloatLiteral;
            self.scan_exponent();
        }
        if is_type_suffix(self.ch) {
            if is_float_suffix(self.ch) {
                kind = Kind::FloatLiteral;
            }
            self.advance();
        }
        self.tok(kind, start)
    }

    pub(super) fn scan_hex(&mut self, start: usize) -> Token {
        self.advance();
        self.advance();
        while is_hex_digit(self.ch) || self.is(b'_') {
            self.advance();
        }
        if is_type_suffix(self.ch) {
            let float = is_float_suffix(self.ch);
            self.advance();
            if float {
                return self.tok(Kind::FloatLiteral, start);
            }
        }
        self.tok(Kind::IntLiteral, start)
    }

    pub(super) fn scan_binary(&mut self, start: usize) -> Token {
        self.advance();
        self.advance();
        while self.is(b'0') || self.is(b'1') || self.is(b'_') {
            self.advance();
        }
        if is_type_suffix(self.ch) {
            self.advance();
        }
        self.tok(Kind::IntLiteral, start)
    }

    pub(super) fn scan_octal(&mut self, start: usize) -> Token {
        while (i32::from(b'0')..=i32::from(b'7')).contains(&self.ch) || self.is(b'_') {
            self.advance();
        }
        if self.is(b'8') || self.is(b'9') || (self.is(b'.') && is_digit(self.peek())) {
            return self.scan_decimal(start);
        }
        if is_type_suffix(self.ch) {
            self.advance();
        }
        self.tok(Kind::IntLiteral, start)
    }

    pub(super) fn scan_fraction(&mut self, start: usize) -> Token {
        self.advance();
        self.scan_digits();
        if self.is(b'e') || self.is(b'E') {
            self.scan_exponent();
        }
        if is_type_suffix(self.ch) {
            self.advance();
        }
        self.tok(Kind::FloatLiteral, start)
    }

    /// `'…'` (to the end of its line when unterminated) or `'''…'''`.
    pub(super) fn scan_single_quoted(&mut self, start: usize) -> Token {
        self.advance();
        if self.is(b'\'') && self.peek_is(b'\'') {
            return self.scan_triple_single_quoted(start);
        }
        while self.ch != EOF {
            if self.is(b'\\') {
                let next = self.peek();
                if next == i32::from(b'\'') || next == i32::from(b'\\') {
                    self.advance();
                    self.advance();
                    continue;
                }
                if next == i32::from(b'\n') || next == i32::from(b'\r') {
                    self.advance();
                    self.skip_newline_in_string();
                    continue;
                }
                self.advance();
                continue;
            }
            if self.is(b'\'') {
                self.advance();
                break;
            }
            if self.at_newline() {
                break;
            }
            self.advance();
        }
        self.tok(Kind::StringLiteral, start)
    }

    pub(super) fn skip_newline_in_string(&mut self) {
        if self.is(b'\r') {
            self.advance();
            if self.is(b'\n') {
                self.advance();
            }
        } else {
            self.advance();
        }
    }

    pub(super) fn scan_triple_single_quoted(&mut self, start: usize) -> Token {
        self.advance();
        self.advance();
        while self.ch != EOF {
            if self.is(b'\\') {
                let next = self.peek();
                if next == i32::from(b'\'') || next == i32::from(b'\\') {
                    self.advance();
                    self.advance();
                    continue;
                }
                self.advance();
                continue;
            }
            if self.is(b'\'')
                && self.byte_at(self.offset) == b'\''
                && self.byte_at(self.offset + 1) == b'\''
            {
                self.advance();
                self.advance();
                self.advance();
                break;
            }
            self.advance();
        }
        self.tok(Kind::StringLiteral, start)
    }

    pub(super) fn scan_double_quoted(&mut self, start: usize) -> Token {
        self.advance();
        let mut triple = false;
        if self.is(b'"') && self.peek_is(b'"') {
            self.advance();
            self.advance();
            triple = true;
        }
        self.scan_gstring_body(start, triple, true)
    }

    /// `scanGStringBody`: text up to an interpolation (`GStringBegin`/`GStringPart`, the `$`
    /// included, its tokens queued) or the closing quote (`GStringFull`/`GStringEnd`).
    pub(super) fn scan_gstring_body(&mut self, start: usize, triple: bool, first: bool) -> Token {
        let closed = |first: bool| {
            if first {
                Kind::GStringFull
            } else {
                Kind::GStringEnd
            }
        };
        while self.ch != EOF {
            if self.is(b'\\') {
                self.advance();
                if self.ch != EOF {
                    self.advance();
                }
                continue;
            }
            if self.is(b'$') && self.interp_starts() {
                self.advance();
                let kind = if first {
                    Kind::GStringBegin
                } else {
                    Kind::GStringPart
                };
                let tok = self.tok(kind, start);
                self.modes.push(if triple {
                    Mode::TripleGString
                } else {
                    Mode::GString
                });
                self.scan_interpolation();
                return tok;
            }
            if triple {
                if self.is(b'"')
                    && self.byte_at(self.offset) == b'"'
                    && self.byte_at(self.offset + 1) == b'"'
                {
                    self.advance();
                    self.advance();
                    self.advance();
                    return self.tok(closed(first), start);
                }
                self.advance();
            } else {
                if self.is(b'"') {
                    self.advance();
                    return self.tok(closed(first), start);
                }
                if self.at_newline() {
                    return self.tok(closed(first), start);
                }
                self.advance();
            }
        }
        self.tok(closed(first), start)
    }

    pub(super) fn scan_gstring_content(&mut self, triple: bool) -> Token {
        self.modes.pop();
        let start = self.pos();
        self.scan_gstring_body(start, triple, false)
    }

    /// `$` followed by `{`, `_` or a letter.
    pub(super) fn interp_starts(&self) -> bool {
        match self.src.get(self.offset) {
            None => false,
            Some(b'{') => true,
            Some(_) => {
                let (r, _) = decode(&self.src[self.offset..]);
                r == i32::from(b'_') || is_letter(r)
            }
        }
    }

    /// After the `$`: `{` opens `${…}`; otherwise `name.path` as identifiers and dots.
    pub(super) fn scan_interpolation(&mut self) {
        if self.is(b'{') {
            let start = self.pos();
            self.advance();
            self.pending.push_back(self.tok(Kind::LBrace, start));
            self.modes.push(Mode::Interp(0));
            return;
        }
        self.queue_identifier();
        while self.is(b'.') {
            let (r, _) = decode(self.src.get(self.offset..).unwrap_or_default());
            if self.offset >= self.src.len() || !is_ident_start(r) {
                break;
            }
            let dot = self.pos();
            self.advance();
            self.pending.push_back(self.tok(Kind::Dot, dot));
            self.queue_identifier();
        }
    }

    pub(super) fn queue_identifier(&mut self) {
        let start = self.pos();
        while is_ident_continue(self.ch) {
            self.advance();
        }
        let kind = ident_kind(&self.src[start..self.pos()]);
        self.pending.push_back(self.tok(kind, start));
    }

    /// `/…/`, escapes kept; unterminated, to the end of the file.
    pub(super) fn scan_slashy(&mut self, start: usize) -> Token {
        self.advance();
        while self.ch != EOF {
            if self.is(b'/') {
                self.advance();
                break;
            }
            if self.is(b'\\') {
                self.advance();
                if self.ch != EOF {
                    self.advance();
                }
            } else {
                self.advance();
            }
        }
        self.tok(Kind::SlashyStringLit, start)
    }

    /// `$/…/$` with `$$` and `$/` escapes; unterminated, to the end of the file.
    pub(super) fn scan_dollar_slashy(&mut self, start: usize) -> Token {
        self.advance();
        self.advance();
        while self.ch != EOF {
            if self.is(b'/') && self.peek_is(b'$') {
                self.advance();
                self.advance();
                break;
            }
            if self.is(b'$') && (self.peek_is(b'$') || self.peek_is(b'/')) {
                self.advance();
                self.advance();
                continue;
            }
            self.advance();
        }
        self.tok(Kind::DollarSlashyStringLit, start)
    }
}
