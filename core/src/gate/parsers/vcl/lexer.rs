//! go-vcl's lexer (`internal/lexer/lexer.go`, v0.4.0), ported byte for byte: what a token holds
//! and where it ends, its quirks included (a string runs past a closing quote followed by `/` and
//! stops at `;`; a comment's first character after `#` or `//` is dropped; a NUL byte is an end
//! of file; a byte no token takes is the character of its code point, as Go's `string(byte)`).
//! Where the Go code slices out of bounds (an empty comment) and so panics, this lexer
//! refuses the file.

/// A token type of go-vcl (`internal/token/token.go`). `Unknown` is the empty type the lexer
/// gives a lone `/`, `*`, `|` or `&`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Illegal,
    Eof,
    Ident,
    Int,
    Percentage,
    Str,
    Cidr,
    True,
    False,
    Assign,
    Match,
    Plus,
    Bang,
    Equal,
    And,
    Or,
    Comma,
    Semicolon,
    Colon,
    Hash,
    CommentLine,
    LMultiComment,
    RMultiComment,
    LParen,
    RParen,
    LBrace,
    RBrace,
    If,
    Else,
    Return,
    Import,
    Table,
    Acl,
    Backend,
    Sub,
    Call,
    Director,
    Unknown,
}

/// A token: its type and its literal (bytes, as Go slices the text by byte).
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) literal: Vec<u8>,
}

impl Token {
    fn new(kind: Kind, literal: &[u8]) -> Token {
        Token {
            kind,
            literal: literal.to_vec(),
        }
    }
}

/// A place where go-vcl's lexer panics: the byte offset of the comment it cannot slice.
#[derive(Debug)]
pub(super) struct EmptyComment(pub(super) usize);

pub(super) struct Lexer<'a> {
    input: &'a [u8],
    pos: usize,
    read_pos: usize,
    ch: u8,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(input: &'a [u8]) -> Lexer<'a> {
        let mut l = Lexer {
            input,
            pos: 0,
            read_pos: 0,
            ch: 0,
        };
        l.read_char();
        l
    }

    /// Whether every further token is the end of file (the Go lexer then returns `EOF` forever).
    pub(super) fn exhausted(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// The byte offset the lexer is at, for messages.
    pub(super) fn offset(&self) -> usize {
        self.pos.min(self.input.len())
    }

    fn read_char(&mut self) {
        self.ch = self.input.get(self.read_pos).copied().unwrap_or(0);
        self.pos = self.read_pos;
        self.read_pos += 1;
    }

    fn peek_char(&self) -> u8 {
        self.input.get(self.read_pos).copied().unwrap_or(0)
    }

    fn read_while(&mut self, keep: fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while keep(self.ch) {
            self.read_char();
        }
        &self.input[start..self.pos]
    }

    /// `readString`: from after the opening quote to a quote not followed by `/`, a `;` or the
    /// end (the closing quote or the `;` is then skipped by `next_token`).
    fn read_string(&mut self) -> &'a [u8] {
        let start = self.pos + 1;
        while self.ch != 0 && self.ch != b';' {
            self.read_char();
            if self.ch == b'"' && self.peek_char() != b'/' {
                break;
            }
        }
        &self.input[start..self.pos]
    }

    /// `readCommentLine`: the rest of the line after the comment mark, less its first byte.
    fn read_comment_line(&mut self) -> Result<Vec<u8>, EmptyComment> {
        let at = self.pos;
        self.read_char();
        let start = self.pos + 1;
        while self.ch != b'\n' {
            self.read_char();
            if self.ch == 0 {
                break;
            }
        }
        // Go's `input[pos:l.pos]` panics on these bounds.
        if start > self.pos || self.pos > self.input.len() {
            return Err(EmptyComment(at));
        }
        Ok(self.input[start..self.pos].to_vec())
    }

    fn pair(&mut self, kind: Kind) -> Token {
        let first = self.ch;
        self.read_char();
        Token::new(kind, &[first, self.ch])
    }

    pub(super) fn next_token(&mut self) -> Result<Token, EmptyComment> {
        while matches!(self.ch, b' ' | b'\t' | b'\n' | b'\r') {
            self.read_char();
        }
        let c = self.ch;
        let tok = match c {
            b'=' if self.peek_char() == b'=' => self.pair(Kind::Equal),
            b'=' => Token::new(Kind::Assign, b"="),
            b':' => Token::new(Kind::Colon, b":"),
            b'~' => Token::new(Kind::Match, b"~"),
            b',' => Token::new(Kind::Comma, b","),
            b';' => Token::new(Kind::Semicolon, b";"),
            b'#' => Token {
                kind: Kind::Hash,
                literal: self.read_comment_line()?,
            },
            b'/' if self.peek_char() == b'/' => {
                self.read_char();
                Token {
                    kind: Kind::CommentLine,
                    literal: self.read_comment_line()?,
                }
            }
            b'/' if self.peek_char() == b'*' => self.pair(Kind::LMultiComment),
            b'*' if self.peek_char() == b'/' => self.pair(Kind::RMultiComment),
            b'(' => Token::new(Kind::LParen, b"("),
            b')' => Token::new(Kind::RParen, b")"),
            b'{' => Token::new(Kind::LBrace, b"{"),
            b'}' => Token::new(Kind::RBrace, b"}"),
            b'!' => Token::new(Kind::Bang, b"!"),
            b'+' => Token::new(Kind::Plus, b"+"),
            b'"' => {
                let s = self.read_string();
                if s.contains(&b'/') {
                    // A CIDR is written `"35.0.0.0"/24`: go-vcl puts the opening quote back.
                    let mut literal = vec![b'"'];
                    literal.extend_from_slice(s);
                    Token {
                        kind: Kind::Cidr,
                        literal,
                    }
                } else {
                    Token::new(Kind::Str, s)
                }
            }
            b'|' if self.peek_char() == b'|' => self.pair(Kind::Or),
            b'&' if self.peek_char() == b'&' => self.pair(Kind::And),
            b'/' | b'*' | b'|' | b'&' => Token::new(Kind::Unknown, b""),
            0 => Token::new(Kind::Eof, b""),
            _ if is_letter(c) => {
                let literal = self.read_while(|c| is_letter(c) || c.is_ascii_digit());
                return Ok(Token::new(keyword(literal), literal));
            }
            _ if c.is_ascii_digit() => {
                let number = self.read_while(|c| c.is_ascii_digit()).to_vec();
                if self.ch == b'%' {
                    self.read_char();
                    let mut literal = number;
                    literal.push(b'%');
                    return Ok(Token {
                        kind: Kind::Percentage,
                        literal,
                    });
                }
                return Ok(Token {
                    kind: Kind::Int,
                    literal: number,
                });
            }
            // Go's `string(char)` of a byte is the character of that code point (`é`'s first
            // byte 0xC3 becomes `Ã`).
            _ => Token::new(Kind::Illegal, char::from(c).to_string().as_bytes()),
        };
        self.read_char();
        Ok(tok)
    }
}

/// go-vcl's `isLetter`: ASCII letters, `_` and `.`.
fn is_letter(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'.'
}

/// go-vcl's `LookupIndent`.
fn keyword(ident: &[u8]) -> Kind {
    match ident {
        b"sub" => Kind::Sub,
        b"call" => Kind::Call,
        b"true" => Kind::True,
        b"false" => Kind::False,
        b"if" => Kind::If,
        b"else" => Kind::Else,
        b"return" => Kind::Return,
        b"table" => Kind::Table,
        b"import" => Kind::Import,
        b"acl" => Kind::Acl,
        b"backend" => Kind::Backend,
        b"director" => Kind::Director,
        _ => Kind::Ident,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(Kind, String)> {
        let mut l = Lexer::new(text.as_bytes());
        let mut out = Vec::new();
        loop {
            let t = l.next_token().unwrap();
            if t.kind == Kind::Eof {
                return out;
            }
            out.push((t.kind, String::from_utf8_lossy(&t.literal).into_owned()));
        }
    }

    #[test]
    fn strings_cidrs_and_comments_as_go_vcl_cuts_them() {
        assert_eq!(
            tokens("\"35.0.0.0\"/24; \"a\" # note\n.x=50%"),
            vec![
                (Kind::Cidr, "\"35.0.0.0\"/24".into()),
                (Kind::Str, "a".into()),
                (Kind::Hash, "note".into()),
                (Kind::Ident, ".x".into()),
                (Kind::Assign, "=".into()),
                (Kind::Percentage, "50%".into()),
            ]
        );
        // An unterminated string stops at `;`, which it swallows.
        assert_eq!(
            tokens("\"abc; x"),
            vec![(Kind::Str, "abc".into()), (Kind::Ident, "x".into())]
        );
    }

    #[test]
    fn an_empty_comment_is_refused_where_go_panics() {
        for text in ["#\nx", "x //", "#"] {
            let mut l = Lexer::new(text.as_bytes());
            let mut failed = false;
            for _ in 0..4 {
                if l.next_token().is_err() {
                    failed = true;
                    break;
                }
            }
            assert!(failed, "{text:?}");
        }
    }
}
