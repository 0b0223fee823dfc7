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

mod literals;
mod operators;

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
}
