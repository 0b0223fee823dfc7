//! groovy-parser-go's lexer (`lexer/lexer.go`) in Groovy 2.4 mode: tokens with their byte offset,
//! synthetic semicolons for significant newlines (none inside `()`/`[]` or `${…}`, none before a
//! line that continues with `.`, `?.`, `?:`, `??.`, `*.`), GStrings split into begin / part / end
//! around `$name.path` and `${…}`, slashy strings after tokens that cannot end an expression. It
//! never fails: an unknown character is an `Error` token, an unterminated string or comment runs to
//! the end of its line or of the file. Trivia (blanks, comments, newlines that end nothing) is
//! skipped, as conftest's output leaves it out.
//!
//! It reads bytes as Go does, rune by rune (an invalid byte as a rune of its own value), keeping
//! the same three cursors (`offset` past the current character, `ch`, `width`) so that its few
//! rewinds land where Go's land.

use std::collections::VecDeque;

use super::super::go_unicode::{LETTER, contains};
use super::token::Kind;

const EOF: i32 = -1;

/// A token: its kind and its bytes `start..end` of the source (empty for synthetic ones).
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    GString,
    TripleGString,
    /// Inside `${…}`, with the depth of `{` opened within it.
    Interp(usize),
}

pub(super) struct Lexer<'a> {
    src: &'a [u8],
    offset: usize,
    ch: i32,
    width: usize,
    insert_semi: bool,
    pending_semi: bool,
    parens: Vec<u8>,
    modes: Vec<Mode>,
    pending: VecDeque<Token>,
    token_index: usize,
    last_kind: Option<Kind>,
}

/// Go's `utf8.DecodeRune`: the rune and its width; `(0xFFFD, 1)` for an invalid byte, `(EOF, 0)`
/// past the end.
fn decode(bytes: &[u8]) -> (i32, usize) {
    let Some(&b) = bytes.first() else {
        return (EOF, 0);
    };
    let n = match b {
        0x00..=0x7F => return (i32::from(b), 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (0xFFFD, 1),
    };
    match bytes.get(..n).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next().map_or(0xFFFD, |c| c as i32), n),
        None => (0xFFFD, 1),
    }
}

fn as_char(r: i32) -> Option<char> {
    u32::try_from(r).ok().and_then(char::from_u32)
}

fn is_letter(r: i32) -> bool {
    as_char(r).is_some_and(|c| contains(LETTER, c))
}

fn is_digit_rune(r: i32) -> bool {
    as_char(r).is_some_and(|c| contains(super::super::go_unicode::DIGIT, c))
}

fn is_ident_start(r: i32) -> bool {
    r == '_' as i32 || r == '$' as i32 || is_letter(r)
}

pub(super) fn is_ident_continue(r: i32) -> bool {
    is_ident_start(r) || is_digit_rune(r)
}

fn is_digit(r: i32) -> bool {
    (b'0' as i32..=b'9' as i32).contains(&r)
}

fn is_hex_digit(r: i32) -> bool {
    is_digit(r)
        || (b'a' as i32..=b'f' as i32).contains(&r)
        || (b'A' as i32..=b'F' as i32).contains(&r)
}

fn is_type_suffix(r: i32) -> bool {
    as_char(r).is_some_and(|c| "lLiIfFdDgG".contains(c))
}

fn is_float_suffix(r: i32) -> bool {
    as_char(r).is_some_and(|c| "fFdD".contains(c))
}

/// `Identifier`, or `CapitalizedIdentifier` when its first rune is upper case.
fn ident_kind(text: &[u8]) -> Kind {
    let (r, _) = decode(text);
    if as_char(r).is_some_and(char::is_uppercase) {
        Kind::CapitalizedIdentifier
    } else {
        Kind::Identifier
    }
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a [u8]) -> Lexer<'a> {
        let mut l = Lexer {
            src,
            offset: 0,
            ch: EOF,
            width: 0,
            insert_semi: false,
            pending_semi: false,
            parens: Vec::new(),
            modes: Vec::new(),
            pending: VecDeque::new(),
            token_index: 0,
            last_kind: None,
        };
        l.advance();
        l
    }

    fn is(&self, c: u8) -> bool {
        self.ch == i32::from(c)
    }

    /// The offset of the current character.
    fn pos(&self) -> usize {
        self.offset - self.width
    }

    /// `readRune`: an invalid byte becomes a rune of its own value.
    fn advance(&mut self) {
        if self.offset >= self.src.len() {
            self.ch = EOF;
            self.width = 0;
            return;
        }
        let (r, size) = decode(&self.src[self.offset..]);
        self.ch = if r == 0xFFFD && size == 1 {
            i32::from(self.src[self.offset])
        } else {
            r
        };
        self.width = size;
        self.offset += size;
    }

    fn peek(&self) -> i32 {
        decode(self.src.get(self.offset..).unwrap_or_default()).0
    }

    fn peek_is(&self, c: u8) -> bool {
        self.peek() == i32::from(c)
    }

    fn byte_at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn tok(&self, kind: Kind, start: usize) -> Token {
        Token {
            kind,
            start,
            end: self.pos(),
        }
    }

    fn synthetic(&self, kind: Kind) -> Token {
        let at = self.pos();
        Token {
            kind,
            start: at,
            end: at,
        }
    }

    fn mode(&self) -> Option<Mode> {
        self.modes.last().copied()
    }

    fn in_string(&self) -> bool {
        matches!(self.mode(), Some(Mode::GString | Mode::TripleGString))
    }

    fn in_interp(&self) -> bool {
        matches!(self.mode(), Some(Mode::Interp(_)))
    }

    /// `NextToken`.
    pub(super) fn next_token(&mut self) -> Token {
        if let Some(tok) = self.pending.pop_front() {
            self.token_index += 1;
            self.last_kind = Some(tok.kind);
            self.insert_semi = tok.kind.is_statement_end();
            return tok;
        }
        if self.pending_semi {
            self.pending_semi = false;
            self.insert_semi = false;
            self.token_index += 1;
            self.last_kind = Some(Kind::Semicolon);
            return self.synthetic(Kind::Semicolon);
        }
        if !self.in_string() && self.skip_leading_trivia() {
            self.insert_semi = false;
            self.token_index += 1;
            self.last_kind = Some(Kind::Semicolon);
            return self.synthetic(Kind::Semicolon);
        }
        let tok = self.scan_token();
        self.update_parens(tok.kind);
        let local_insert_semi = tok.kind != Kind::Eof && tok.kind.is_statement_end();
        if self.pending.is_empty() && !self.in_string() {
            let newline = self.skip_trailing_trivia();
            if newline
                && local_insert_semi
                && !self.inside_paren_or_bracket()
                && !self.in_interp()
                && !self.continuation_at(self.pos())
            {
                self.pending_semi = true;
            }
        }
        self.insert_semi = local_insert_semi;
        self.token_index += 1;
        self.last_kind = Some(tok.kind);
        tok
    }

    fn inside_paren_or_bracket(&self) -> bool {
        matches!(self.parens.last(), Some(b'(' | b'['))
    }

    fn update_parens(&mut self, kind: Kind) {
        let pop = |parens: &mut Vec<u8>, open: u8| {
            if parens.last() == Some(&open) {
                parens.pop();
            }
        };
        match kind {
            Kind::LParen => self.parens.push(b'('),
            Kind::LBrack | Kind::SafeIndex => self.parens.push(b'['),
            Kind::LBrace => self.parens.push(b'{'),
            Kind::RParen => pop(&mut self.parens, b'('),
            Kind::RBrack => pop(&mut self.parens, b'['),
            Kind::RBrace => pop(&mut self.parens, b'{'),
            _ => {}
        }
    }

    fn at_newline(&self) -> bool {
        self.is(b'\n') || self.is(b'\r')
    }

    fn at_line_continuation(&self) -> bool {
        self.is(b'\\') && (self.peek_is(b'\n') || self.peek_is(b'\r'))
    }

    /// `collectLeadingTrivia`: whether it stopped at a significant newline (a `Semicolon`).
    fn skip_leading_trivia(&mut self) -> bool {
        while self.ch != EOF {
            let start = self.pos();
            if self.is(b' ') || self.is(b'\t') {
                self.skip_blanks();
            } else if self.at_line_continuation() {
                self.skip_line_continuation();
            } else if self.at_newline() {
                if self.in_interp() || self.inside_paren_or_bracket() || !self.insert_semi {
                    self.skip_newline();
                } else {
                    // past the newline itself (`\r\n` or `\n`)
                    let mut i = start;
                    if self.byte_at(i) == b'\r' {
                        i += 1;
                    }
                    if self.byte_at(i) == b'\n' {
                        i += 1;
                    }
                    if self.continuation_at(i) {
                        self.skip_newline();
                        self.insert_semi = false;
                    } else {
                        return true;
                    }
                }
            } else if self.is(b'#') && self.peek_is(b'!') && self.token_index == 0 && start == 0 {
                while self.ch != EOF && !self.at_newline() {
                    self.advance();
                }
            } else if self.is(b'/') && self.peek_is(b'/') {
                self.skip_line_comment();
            } else if self.is(b'/') && self.peek_is(b'*') {
                self.skip_block_comment();
            } else {
                return false;
            }
        }
        false
    }

    /// `collectTrailingTriviaTracked`: same-line trivia through the first newline; whether it
    /// took a newline (or a block comment holding one).
    fn skip_trailing_trivia(&mut self) -> bool {
        while self.ch != EOF {
            let start = self.pos();
            if self.is(b' ') || self.is(b'\t') {
                self.skip_blanks();
            } else if self.is(b'/') && self.peek_is(b'/') {
                self.skip_line_comment();
            } else if self.is(b'/') && self.peek_is(b'*') {
                self.skip_block_comment();
                if self.src[start..self.pos()]
                    .iter()
                    .any(|b| *b == b'\n' || *b == b'\r')
                {
                    return true;
                }
            } else if self.at_line_continuation() {
                self.skip_line_continuation();
            } else if self.at_newline() {
                self.skip_newline();
                return true;
            } else {
                return false;
            }
        }
        false
    }

    fn skip_blanks(&mut self) {
        while self.is(b' ') || self.is(b'\t') {
            self.advance();
        }
    }

    fn skip_newline(&mut self) {
        if self.is(b'\r') {
            self.advance();
            if self.is(b'\n') {
                self.advance();
            }
        } else {
            self.advance();
        }
    }

    fn skip_line_continuation(&mut self) {
        self.advance();
        if self.is(b'\r') {
            self.advance();
            if self.is(b'\n') {
                self.advance();
            }
        } else if self.is(b'\n') {
            self.advance();
        }
    }

    fn skip_line_comment(&mut self) {
        self.advance();
        self.advance();
        while self.ch != EOF && !self.at_newline() {
            self.advance();
        }
    }

    /// Unterminated, it runs to the end of the file.
    fn skip_block_comment(&mut self) {
        self.advance();
        self.advance();
        while self.ch != EOF {
            if self.is(b'*') && self.peek_is(b'/') {
                self.advance();
                self.advance();
                break;
            }
            self.advance();
        }
    }

    /// `isContinuationNext` / `isContinuationAhead` from byte `i`: past blanks, newlines and line
    /// continuations, a `.`, `?.`, `?:`, `??.` or `*.` continues the expression.
    fn continuation_at(&self, mut i: usize) -> bool {
        let src = self.src;
        while i < src.len() {
            let b = src[i];
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
                continue;
            }
            if b == b'\\' && matches!(src.get(i + 1), Some(b'\n' | b'\r')) {
                i += 1;
                if src.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if src.get(i) == Some(&b'\n') {
                    i += 1;
                }
                continue;
            }
            break;
        }
        match src.get(i) {
            Some(b'.') => true,
            Some(b'?') => match src.get(i + 1) {
                Some(b'.' | b':') => true,
                Some(b'?') => src.get(i + 2) == Some(&b'.'),
                _ => false,
            },
            Some(b'*') => src.get(i + 1) == Some(&b'.'),
            _ => false,
        }
    }

    fn scan_token(&mut self) -> Token {
        if self.ch == EOF {
            return Token {
                kind: Kind::Eof,
                start: self.offset,
                end: self.offset,
            };
        }
        match self.mode() {
            Some(Mode::GString) => return self.scan_gstring_content(false),
            Some(Mode::TripleGString) => return self.scan_gstring_content(true),
            Some(Mode::Interp(depth)) => {
                if self.is(b'}') {
                    if depth == 0 {
                        let start = self.pos();
                        self.advance();
                        self.modes.pop();
                        return self.tok(Kind::RBrace, start);
                    }
                    self.set_depth(depth - 1);
                } else if self.is(b'{') {
                    self.set_depth(depth + 1);
                }
            }
            None => {}
        }
        let start = self.pos();
        if self.is(b'$') && self.peek_is(b'/') {
            return self.scan_dollar_slashy(start);
        }
        if is_ident_start(self.ch) {
            return self.scan_identifier(start);
        }
        if is_digit(self.ch) {
            return self.scan_number(start);
        }
        if self.is(b'\'') {
            return self.scan_single_quoted(start);
        }
        if self.is(b'"') {
            return self.scan_double_quoted(start);
        }
        self.scan_operator(start)
    }

    fn set_depth(&mut self, depth: usize) {
        if let Some(top) = self.modes.last_mut() {
            *top = Mode::Interp(depth);
        }
    }

    fn scan_identifier(&mut self, start: usize) -> Token {
        while is_ident_continue(self.ch) {
            self.advance();
        }
        let text = &self.src[start..self.pos()];
        let kind = Kind::of_word(text).unwrap_or_else(|| ident_kind(text));
        self.tok(kind, start)
    }

    fn scan_number(&mut self, start: usize) -> Token {
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

    fn scan_digits(&mut self) {
        while is_digit(self.ch) || self.is(b'_') {
            self.advance();
        }
    }

    fn scan_exponent(&mut self) {
        self.advance();
        if self.is(b'+') || self.is(b'-') {
            self.advance();
        }
        self.scan_digits();
    }

    fn scan_decimal(&mut self, start: usize) -> Token {
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

    fn scan_hex(&mut self, start: usize) -> Token {
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

    fn scan_binary(&mut self, start: usize) -> Token {
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

    fn scan_octal(&mut self, start: usize) -> Token {
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

    fn scan_fraction(&mut self, start: usize) -> Token {
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
    fn scan_single_quoted(&mut self, start: usize) -> Token {
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

    fn skip_newline_in_string(&mut self) {
        if self.is(b'\r') {
            self.advance();
            if self.is(b'\n') {
                self.advance();
            }
        } else {
            self.advance();
        }
    }

    fn scan_triple_single_quoted(&mut self, start: usize) -> Token {
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

    fn scan_double_quoted(&mut self, start: usize) -> Token {
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
    fn scan_gstring_body(&mut self, start: usize, triple: bool, first: bool) -> Token {
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

    fn scan_gstring_content(&mut self, triple: bool) -> Token {
        self.modes.pop();
        let start = self.pos();
        self.scan_gstring_body(start, triple, false)
    }

    /// `$` followed by `{`, `_` or a letter.
    fn interp_starts(&self) -> bool {
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
    fn scan_interpolation(&mut self) {
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

    fn queue_identifier(&mut self) {
        let start = self.pos();
        while is_ident_continue(self.ch) {
            self.advance();
        }
        let kind = ident_kind(&self.src[start..self.pos()]);
        self.pending.push_back(self.tok(kind, start));
    }

    /// `/…/`, escapes kept; unterminated, to the end of the file.
    fn scan_slashy(&mut self, start: usize) -> Token {
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
    fn scan_dollar_slashy(&mut self, start: usize) -> Token {
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

    /// Consumes `c` when it is the current character.
    fn eat(&mut self, c: u8) -> bool {
        if self.is(c) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn scan_operator(&mut self, start: usize) -> Token {
        use Kind::*;
        // a character that is no operator (`¤`, a control character) is an `Error` token
        let c = u8::try_from(self.ch).unwrap_or(0);
        if c == b'/' {
            let next = self.peek();
            if next != i32::from(b'/')
                && next != i32::from(b'=')
                && next != EOF
                && Kind::can_precede_slashy(self.last_kind)
            {
                return self.scan_slashy(start);
            }
        }
        self.advance();
        let kind = match c {
            b'+' if self.eat(b'=') => PlusAssign,
            b'+' if self.eat(b'+') => Inc,
            b'+' => Plus,
            b'-' if self.eat(b'>') => Arrow,
            b'-' if self.eat(b'=') => MinusAssign,
            b'-' if self.eat(b'-') => Dec,
            b'-' => Minus,
            b'*' if self.eat(b'*') => {
                if self.eat(b'=') {
                    PowerAssign
                } else {
                    Power
                }
            }
            b'*' if self.eat(b'.') => Spread,
            b'*' if self.eat(b'=') => StarAssign,
            b'*' => Star,
            b'/' if self.eat(b'=') => DivAssign,
            b'/' => Div,
            b'%' if self.eat(b'=') => ModAssign,
            b'%' => Mod,
            b'=' if self.eat(b'=') => {
                if self.eat(b'>') {
                    Implication
                } else if self.eat(b'~') {
                    Match
                } else if self.eat(b'=') {
                    IdentityEqual
                } else {
                    Equal
                }
            }
            b'=' if self.eat(b'~') => Regex,
            b'=' => Assign,
            b'!' => {
                if self.is(b'i') && self.try_word(b"instanceof") {
                    NotInstanceof
                } else if self.is(b'i') && self.try_word(b"in") {
                    NotIn
                } else if self.eat(b'=') {
                    if self.eat(b'=') {
                        IdentityNotEqual
                    } else {
                        NotEqual
                    }
                } else {
                    Not
                }
            }
            b'<' if self.is(b'.') => {
                self.advance();
                if self.eat(b'.') {
                    if self.eat(b'<') {
                        FullOpen
                    } else {
                        HalfOpenLeft
                    }
                } else {
                    // `<.` is no operator: back to the `.` (as Go rewinds, by one byte)
                    self.offset -= 1;
                    self.ch = i32::from(b'.');
                    Lt
                }
            }
            b'<' if self.eat(b'=') => {
                if self.eat(b'>') {
                    Spaceship
                } else {
                    LtEqual
                }
            }
            b'<' if self.eat(b'<') => {
                if self.eat(b'=') {
                    LeftShiftAssign
                } else {
                    LeftShift
                }
            }
            b'<' => Lt,
            b'>' if self.eat(b'>') => {
                if self.eat(b'>') {
                    if self.eat(b'=') {
                        UnsignedRightShiftAssign
                    } else {
                        UnsignedRightShift
                    }
                } else if self.eat(b'=') {
                    RightShiftAssign
                } else {
                    RightShift
                }
            }
            b'>' if self.eat(b'=') => GtEqual,
            b'>' => Gt,
            b'&' if self.eat(b'&') => And,
            b'&' if self.eat(b'=') => BitwiseAndAssign,
            b'&' => BitwiseAnd,
            b'|' if self.eat(b'|') => Or,
            b'|' if self.eat(b'=') => BitwiseOrAssign,
            b'|' => BitwiseOr,
            b'^' if self.eat(b'=') => BitwiseXorAssign,
            b'^' => BitwiseXor,
            b'~' => BitwiseNot,
            b'?' if self.is(b'?') => {
                self.advance();
                if self.eat(b'.') {
                    NullSafe
                } else {
                    // `??` is no operator: back to just after the first `?`
                    self.offset = start + 1;
                    self.advance();
                    Question
                }
            }
            b'?' if self.eat(b':') => Elvis,
            b'?' if self.eat(b'.') => SafeNav,
            b'?' if self.eat(b'[') => SafeIndex,
            b'?' if self.eat(b'=') => ElvisAssign,
            b'?' => Question,
            b'.' if is_digit(self.ch) => return self.scan_fraction(start),
            b'.' if self.eat(b'.') => {
                if self.eat(b'.') {
                    Ellipsis
                } else if self.eat(b'<') {
                    HalfOpenRight
                } else {
                    Range
                }
            }
            b'.' if self.eat(b'@') => FieldAccess,
            b'.' if self.eat(b'&') => MethodPointer,
            b'.' => Dot,
            b':' if self.eat(b':') => MethodRef,
            b':' => Colon,
            b'(' => LParen,
            b')' => RParen,
            b'{' => LBrace,
            b'}' => RBrace,
            b'[' => LBrack,
            b']' => RBrack,
            b',' => Comma,
            b';' => Semi,
            b'@' => At,
            _ => Error,
        };
        self.tok(kind, start)
    }

    /// `tryNotInstanceof` / `tryNotIn`: `word` not followed by an identifier character; on a
    /// miss, back to where it started (offset and character, not the width, as in Go).
    fn try_word(&mut self, word: &[u8]) -> bool {
        let (save_offset, save_ch) = (self.offset, self.ch);
        for &b in word {
            if !self.is(b) {
                self.offset = save_offset;
                self.ch = save_ch;
                return false;
            }
            self.advance();
        }
        if is_ident_continue(self.ch) {
            self.offset = save_offset;
            self.ch = save_ch;
            return false;
        }
        true
    }
}
