//! go-vcl's Pratt parser (`internal/parser/parser.go`, v0.4.0), keeping only what its decoder
//! reads: assignments, `"name": value` fields, comments, blocks (`backend`, `sub`, `acl`,
//! `director`, `table`, `{ … }`) and literal expression statements. Operators, `if`, `return`
//! and `call` are parsed as go-vcl parses them (so they consume the same tokens) and then kept
//! only as "some other expression". go-vcl collects its parse errors and never reports them;
//! neither does this port.
//!
//! Two refusals where go-vcl has none: a block header that reaches the end of the file with no
//! `{` or `;` (go-vcl loops forever collecting labels), and nesting deeper than [`MAX_DEPTH`]
//! (go-vcl recurses without bound).

use super::lexer::{EmptyComment, Kind, Lexer, Token};

/// Deepest nesting of blocks and expressions read; real VCL stays far below it.
pub(super) const MAX_DEPTH: usize = 200;

/// What stops the parse (go-vcl panics or hangs there), with the byte offset.
#[derive(Debug)]
pub(super) enum Stop {
    EmptyComment(usize),
    UnendedBlockHeader(usize),
    TooDeep(usize),
}

impl From<EmptyComment> for Stop {
    fn from(e: EmptyComment) -> Stop {
        Stop::EmptyComment(e.0)
    }
}

#[derive(Debug)]
pub(super) enum Expr {
    Ident(Vec<u8>),
    Int(i64),
    Percentage(Vec<u8>),
    Str(Vec<u8>),
    Cidr(Vec<u8>),
    Bool(bool),
    Block(BlockExpr),
    /// A prefix, infix or `if` expression: parsed, never decoded.
    Other,
}

/// A block: its keyword's literal (`backend`, `{`…), labels, and statements (none when a `;`
/// ends the header).
#[derive(Debug)]
pub(super) struct BlockExpr {
    pub(super) token: Vec<u8>,
    pub(super) labels: Vec<Vec<u8>>,
    pub(super) body: Option<Vec<Stmt>>,
}

#[derive(Debug)]
pub(super) enum Stmt {
    /// `name = value` (an identifier's name).
    Assign {
        name: Vec<u8>,
        value: Option<Expr>,
    },
    /// `"name": value`.
    Field {
        name: Vec<u8>,
        value: Option<Expr>,
    },
    Expr(Option<Expr>),
    /// A comment's token literal: its text for `#` and `//`, `/*` for a block comment.
    Comment(Vec<u8>),
    /// `return (…)`, `call …`.
    Ignored,
}

// go-vcl's precedences.
const LOWEST: u8 = 1;
const EQUALS: u8 = 2;
const SUM: u8 = 4;
const PREFIX: u8 = 6;

fn precedence(kind: Kind) -> u8 {
    match kind {
        Kind::Equal | Kind::Match | Kind::And | Kind::Or => EQUALS,
        Kind::Plus => SUM,
        _ => LOWEST,
    }
}

pub(super) struct Parser<'a> {
    lexer: Lexer<'a>,
    cur: Token,
    peek: Token,
    depth: usize,
}

type Parsed<T> = Result<T, Stop>;

impl<'a> Parser<'a> {
    pub(super) fn new(input: &'a [u8]) -> Parsed<Parser<'a>> {
        let mut lexer = Lexer::new(input);
        let cur = lexer.next_token()?;
        let peek = lexer.next_token()?;
        Ok(Parser {
            lexer,
            cur,
            peek,
            depth: 0,
        })
    }

    fn next_token(&mut self) -> Parsed<()> {
        let next = self.lexer.next_token()?;
        self.cur = std::mem::replace(&mut self.peek, next);
        Ok(())
    }

    fn cur_is(&self, kind: Kind) -> bool {
        self.cur.kind == kind
    }

    fn peek_is(&self, kind: Kind) -> bool {
        self.peek.kind == kind
    }

    fn expect_peek(&mut self, kind: Kind) -> Parsed<bool> {
        if self.peek_is(kind) {
            self.next_token()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::TooDeep(self.lexer.offset()));
        }
        Ok(())
    }

    /// `ParseProgram`.
    pub(super) fn program(&mut self) -> Parsed<Vec<Stmt>> {
        let mut stmts = Vec::new();
        while !self.cur_is(Kind::Eof) {
            if let Some(s) = self.statement()? {
                stmts.push(s);
            }
            self.next_token()?;
        }
        Ok(stmts)
    }

    fn statement(&mut self) -> Parsed<Option<Stmt>> {
        match self.cur.kind {
            Kind::Ident if self.peek_is(Kind::Assign) => self.assign().map(Some),
            Kind::LMultiComment => self.multi_comment(),
            Kind::Hash | Kind::CommentLine => Ok(Some(Stmt::Comment(self.cur.literal.clone()))),
            Kind::Return => self.return_statement(),
            Kind::Call => {
                self.next_token()?;
                self.expression(LOWEST)?;
                self.skip_peek(Kind::Semicolon)?;
                Ok(Some(Stmt::Ignored))
            }
            Kind::Str if self.peek_is(Kind::Colon) => self.field().map(Some),
            _ => {
                let e = self.expression(LOWEST)?;
                self.skip_peek(Kind::Semicolon)?;
                Ok(Some(Stmt::Expr(e)))
            }
        }
    }

    fn skip_peek(&mut self, kind: Kind) -> Parsed<()> {
        if self.peek_is(kind) {
            self.next_token()?;
        }
        Ok(())
    }

    fn assign(&mut self) -> Parsed<Stmt> {
        let name = self.cur.literal.clone();
        self.next_token()?; // the `=`
        self.next_token()?;
        let value = self.expression(LOWEST)?;
        self.skip_peek(Kind::Semicolon)?;
        Ok(Stmt::Assign { name, value })
    }

    fn field(&mut self) -> Parsed<Stmt> {
        let name = self.cur.literal.clone();
        self.next_token()?; // the `:`
        self.next_token()?;
        let value = self.expression(LOWEST)?;
        self.skip_peek(Kind::Comma)?;
        Ok(Stmt::Field { name, value })
    }

    fn return_statement(&mut self) -> Parsed<Option<Stmt>> {
        if !self.expect_peek(Kind::LParen)? {
            return Ok(None);
        }
        self.next_token()?;
        self.expression(LOWEST)?;
        if !self.expect_peek(Kind::RParen)? {
            return Ok(None);
        }
        self.skip_peek(Kind::Semicolon)?;
        Ok(Some(Stmt::Ignored))
    }

    /// `/* … */`: the tokens up to `*/` (lexed as usual); none at all when the file ends first.
    fn multi_comment(&mut self) -> Parsed<Option<Stmt>> {
        let literal = self.cur.literal.clone();
        self.next_token()?;
        while !self.cur_is(Kind::RMultiComment) {
            if self.cur_is(Kind::Eof) {
                return Ok(None);
            }
            self.next_token()?;
        }
        Ok(Some(Stmt::Comment(literal)))
    }

    fn expression(&mut self, prec: u8) -> Parsed<Option<Expr>> {
        self.enter()?;
        let left = self.prefix()?;
        let out = self.infixes(prec, left);
        self.depth -= 1;
        out
    }

    fn infixes(&mut self, prec: u8, mut left: Option<Expr>) -> Parsed<Option<Expr>> {
        while !self.peek_is(Kind::Semicolon) && prec < precedence(self.peek.kind) {
            if !matches!(self.peek.kind, Kind::Match | Kind::Plus) {
                return Ok(left);
            }
            self.next_token()?;
            let p = precedence(self.cur.kind);
            self.next_token()?;
            self.expression(p)?;
            left = Some(Expr::Other);
        }
        Ok(left)
    }

    fn prefix(&mut self) -> Parsed<Option<Expr>> {
        let literal = self.cur.literal.clone();
        Ok(match self.cur.kind {
            Kind::Ident => Some(Expr::Ident(literal)),
            Kind::Int => go_parse_int(&literal).map(Expr::Int),
            Kind::Percentage => Some(Expr::Percentage(literal)),
            Kind::Str => Some(Expr::Str(literal)),
            Kind::Cidr => Some(Expr::Cidr(literal)),
            Kind::True | Kind::False => Some(Expr::Bool(self.cur_is(Kind::True))),
            Kind::Bang => {
                self.next_token()?;
                self.expression(PREFIX)?;
                Some(Expr::Other)
            }
            Kind::LParen => {
                self.next_token()?;
                let e = self.expression(LOWEST)?;
                if self.expect_peek(Kind::RParen)? {
                    e
                } else {
                    None
                }
            }
            Kind::If => self.if_expression()?,
            Kind::Sub | Kind::Acl | Kind::Backend | Kind::Director | Kind::Table => {
                self.block_expression()?
            }
            Kind::LBrace => {
                let token = literal;
                let body = if self.peek_is(Kind::Semicolon) {
                    None
                } else {
                    Some(self.block_statement()?)
                };
                Some(Expr::Block(BlockExpr {
                    token,
                    labels: Vec::new(),
                    body,
                }))
            }
            _ => None,
        })
    }

    fn if_expression(&mut self) -> Parsed<Option<Expr>> {
        if !self.expect_peek(Kind::LParen)? {
            return Ok(None);
        }
        self.next_token()?;
        self.expression(LOWEST)?;
        if !self.expect_peek(Kind::RParen)? || !self.expect_peek(Kind::LBrace)? {
            return Ok(None);
        }
        self.block_statement()?;
        if self.peek_is(Kind::Else) {
            self.next_token()?;
            if !self.expect_peek(Kind::LBrace)? {
                return Ok(None);
            }
            self.block_statement()?;
        }
        Ok(Some(Expr::Other))
    }

    /// `backend name … {` or `… ;`: every token up to the brace or semicolon is a label.
    fn block_expression(&mut self) -> Parsed<Option<Expr>> {
        let token = self.cur.literal.clone();
        let mut labels = Vec::new();
        while !self.peek_is(Kind::LBrace) && !self.peek_is(Kind::Semicolon) {
            if self.peek_is(Kind::Eof) && self.lexer.exhausted() {
                return Err(Stop::UnendedBlockHeader(self.lexer.offset()));
            }
            self.next_token()?;
            labels.push(self.cur.literal.clone());
        }
        if self.peek_is(Kind::Semicolon) {
            return Ok(Some(Expr::Block(BlockExpr {
                token,
                labels,
                body: None,
            })));
        }
        self.next_token()?;
        let body = Some(self.block_statement()?);
        Ok(Some(Expr::Block(BlockExpr {
            token,
            labels,
            body,
        })))
    }

    /// `parseBlockStatement`: from the current `{` to its `}` (or the end of the file).
    fn block_statement(&mut self) -> Parsed<Vec<Stmt>> {
        self.enter()?;
        self.next_token()?;
        let mut stmts = Vec::new();
        while !self.cur_is(Kind::RBrace) && !self.cur_is(Kind::Eof) {
            if let Some(s) = self.statement()? {
                stmts.push(s);
            }
            self.next_token()?;
        }
        self.depth -= 1;
        Ok(stmts)
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` on the lexer's digit strings: a leading `0` makes it
/// octal; `None` where Go fails (`08`, overflow).
fn go_parse_int(digits: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(digits).ok()?;
    match s.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => i64::from_str_radix(rest, 8).ok(),
        _ => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_go_parse_int_base_0() {
        assert_eq!(go_parse_int(b"0"), Some(0));
        assert_eq!(go_parse_int(b"010"), Some(8));
        assert_eq!(go_parse_int(b"08"), None);
        assert_eq!(go_parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(go_parse_int(b"9223372036854775808"), None);
    }
}
