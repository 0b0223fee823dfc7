//! olympos.io/encoding/edn's lexer, ported state for state: which characters a token may hold
//! and where it ends (a literal ends at the character after it, which is left for the next token).

use crate::gate::parsers::go_unicode::{LETTER, contains};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) enum Lex {
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
pub(super) struct Lexer {
    state: State,
    pub(super) token: Kind,
    pub(super) error: &'static str,
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
    pub(super) fn new() -> Lexer {
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

    pub(super) fn step(&mut self, r: char) -> Lex {
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
