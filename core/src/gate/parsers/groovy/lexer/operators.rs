//! The lexer's operators and punctuation, longest match first (`>>>=`, `<..<`, `?.`, `!in`,
//! `!instanceof`), with groovy-parser-go's two rewinds (`<.` and `??`), and `/` as division
//! where a slashy string cannot start.

use super::{EOF, Kind, Lexer, Token, is_digit, is_ident_continue};

impl Lexer<'_> {
    /// Consumes `c` when it is the current character.
    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.is(c) {
            self.advance();
            true
        } else {
            false
        }
    }

    pub(super) fn scan_operator(&mut self, start: usize) -> Token {
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
    pub(super) fn try_word(&mut self, word: &[u8]) -> bool {
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
