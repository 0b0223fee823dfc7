//! The HCL parser of hashicorp/hcl v1.0.0 (`hcl/parser/parser.go`), with its one-token lookback
//! and its quirks kept, since they decide what is accepted: an error met inside an object at a
//! closing brace is dropped (`x { a = } }` is `x {}`), an assignment cut off by the end of the
//! file is dropped (`a = 1 b =`), items may be separated by commas, nested lists need no commas
//! between them. Comments are skipped (the library keeps them for its printer only).

use super::scanner::{Scanner, Tok, Token};
use super::{Error, Item, Key, Lit, Literal, MAX_NESTING, Node};

/// Why a parsing function stopped.
enum Stop {
    /// The library's `errEofToken`: the end of the input where an item could start.
    Eof,
    /// A parse error (an object at a closing brace swallows it).
    Syntax(Error),
    /// A scanner error or a limit: refuses the file whatever else happens.
    Fatal(Error),
}

/// The items of an HCL file.
pub(super) fn parse(src: &str) -> Result<Vec<Item>, Error> {
    let mut p = Parser {
        sc: Scanner::new(src),
        tok: Token {
            kind: Tok::Eof,
            start: 0,
            end: 0,
        },
        buffered: false,
        depth: 0,
    };
    match p.object_list(false) {
        (items, None) => Ok(items),
        (_, Some(Stop::Syntax(e) | Stop::Fatal(e))) => Err(e),
        (_, Some(Stop::Eof)) => Err(Error::new("unexpected end of input")),
    }
}

struct Parser<'a> {
    sc: Scanner<'a>,
    /// The last token read.
    tok: Token,
    /// Whether `tok` was pushed back (`unscan`).
    buffered: bool,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn src(&self) -> &'a str {
        self.sc.r.src
    }

    /// The next token that is not a comment (or the pushed-back one).
    fn scan(&mut self) -> Result<Token, Stop> {
        if self.buffered {
            self.buffered = false;
            return Ok(self.tok);
        }
        loop {
            self.tok = self.sc.scan().map_err(Stop::Fatal)?;
            if self.tok.kind != Tok::Comment {
                return Ok(self.tok);
            }
        }
    }

    fn unscan(&mut self) {
        self.buffered = true;
    }

    fn syntax(&self, at: Token, what: String) -> Stop {
        Stop::Syntax(Error::at(at.start, what))
    }

    /// `objectList`: items up to the end (or, in an object, a closing brace), and the error
    /// that stopped it early, if any.
    fn object_list(&mut self, in_object: bool) -> (Vec<Item>, Option<Stop>) {
        let mut items = Vec::new();
        loop {
            if in_object {
                match self.scan() {
                    Ok(tok) => {
                        self.unscan();
                        if tok.kind == Tok::RBrace {
                            break;
                        }
                    }
                    Err(e) => return (items, Some(e)),
                }
            }
            match self.object_item() {
                Ok(item) => items.push(item),
                Err(Stop::Eof) => break,
                Err(e) => return (items, Some(e)),
            }
            match self.scan() {
                Ok(tok) if tok.kind == Tok::Comma => {}
                Ok(_) => self.unscan(),
                Err(e) => return (items, Some(e)),
            }
        }
        (items, None)
    }

    fn object_item(&mut self) -> Result<Item, Stop> {
        let (keys, mut err) = self.object_key();
        if !keys.is_empty() && matches!(err, Some(Stop::Eof)) {
            err = None;
        }
        if !keys.is_empty() && matches!(err, Some(Stop::Syntax(_))) && self.tok.kind == Tok::RBrace
        {
            // The library lets this through to the error below, marking the token as the end.
            err = None;
            self.tok.kind = Tok::Eof;
        }
        if let Some(e) = err {
            return Err(e);
        }
        let val = match self.tok.kind {
            Tok::Assign => self.object()?,
            Tok::LBrace => self.object_type()?,
            _ => {
                return Err(self.syntax(
                    self.tok,
                    "key expected start of object ('{') or assignment ('=')".into(),
                ));
            }
        };
        // The library's look-ahead for a line comment.
        self.scan()?;
        self.unscan();
        Ok(Item { keys, val })
    }

    /// `objectKey`: the keys before `=` or `{`, and what stopped the keys otherwise.
    fn object_key(&mut self) -> (Vec<Key>, Option<Stop>) {
        let mut keys = Vec::new();
        loop {
            let tok = match self.scan() {
                Ok(tok) => tok,
                Err(e) => return (keys, Some(e)),
            };
            match tok.kind {
                Tok::Eof => return (keys, Some(Stop::Eof)),
                Tok::Assign => {
                    let what = match keys.len() {
                        0 => "no object keys found",
                        1 => return (keys, None),
                        _ => "nested object expected: LBRACE got: ASSIGN",
                    };
                    return (Vec::new(), Some(self.syntax(tok, what.into())));
                }
                Tok::LBrace => {
                    let err = keys
                        .is_empty()
                        .then(|| self.syntax(tok, "expected: IDENT | STRING got: LBRACE".into()));
                    return (keys, err);
                }
                Tok::Ident | Tok::String => {
                    if keys.len() >= super::MAX_DECODE_DEPTH {
                        let e = Error::at(
                            tok.start,
                            format!(
                                "more than {} keys on one item (nested too deep)",
                                super::MAX_DECODE_DEPTH
                            ),
                        );
                        return (keys, Some(Stop::Fatal(e)));
                    }
                    keys.push(Key {
                        text: self.src()[tok.start..tok.end].to_string(),
                        quoted: tok.kind == Tok::String,
                        json: false,
                        pos: tok.start,
                    });
                }
                other => {
                    let what = format!(
                        "expected: IDENT | STRING | ASSIGN | LBRACE got: {}",
                        other.name()
                    );
                    return (keys, Some(self.syntax(tok, what)));
                }
            }
        }
    }

    /// `object`: a value after `=`.
    fn object(&mut self) -> Result<Node, Stop> {
        let tok = self.scan()?;
        match tok.kind {
            Tok::Number | Tok::Float | Tok::Bool | Tok::String | Tok::Heredoc => {
                Ok(self.literal(tok))
            }
            Tok::LBrace => self.object_type(),
            Tok::LBrack => self.list_type(),
            Tok::Eof => Err(Stop::Eof),
            other => Err(self.syntax(tok, format!("unknown token: {}", other.name()))),
        }
    }

    fn literal(&self, tok: Token) -> Node {
        let kind = match tok.kind {
            Tok::Number => Lit::Number,
            Tok::Float => Lit::Float,
            Tok::Bool => Lit::Bool,
            Tok::Heredoc => Lit::Heredoc,
            _ => Lit::String,
        };
        Node::Literal(Literal {
            kind,
            text: self.src()[tok.start..tok.end].to_string(),
            json: false,
            pos: tok.start,
        })
    }

    /// Runs `f` one level of nesting deeper, refusing past [`MAX_NESTING`].
    fn nested(&mut self, f: fn(&mut Self) -> Result<Node, Stop>) -> Result<Node, Stop> {
        if self.depth >= MAX_NESTING {
            return Err(Stop::Fatal(Error::at(
                self.tok.start,
                format!("objects and lists nested deeper than {MAX_NESTING}"),
            )));
        }
        self.depth += 1;
        let node = f(self);
        self.depth -= 1;
        node
    }

    /// `objectType`: an object's items after its `{`.
    fn object_type(&mut self) -> Result<Node, Stop> {
        self.nested(Self::object_type_items)
    }

    fn object_type_items(&mut self) -> Result<Node, Stop> {
        let (items, err) = self.object_list(true);
        match err {
            Some(Stop::Fatal(e)) => return Err(Stop::Fatal(e)),
            Some(e) if self.tok.kind != Tok::RBrace => return Err(e),
            _ => {}
        }
        let tok = self.scan()?;
        if tok.kind != Tok::RBrace {
            let what = format!("object expected closing RBRACE got: {}", tok.kind.name());
            return Err(self.syntax(tok, what));
        }
        Ok(Node::Object(items))
    }

    /// `listType`: a list's elements after its `[`.
    fn list_type(&mut self) -> Result<Node, Stop> {
        self.nested(Self::list_type_items)
    }

    fn list_type_items(&mut self) -> Result<Node, Stop> {
        let mut list = Vec::new();
        let mut need_comma = false;
        loop {
            let tok = self.scan()?;
            if need_comma && !matches!(tok.kind, Tok::Comma | Tok::RBrack) {
                let what = format!(
                    "error parsing list, expected comma or list end, got: {}",
                    tok.kind.name()
                );
                return Err(self.syntax(tok, what));
            }
            match tok.kind {
                Tok::Bool | Tok::Number | Tok::Float | Tok::String | Tok::Heredoc => {
                    list.push(self.literal(tok));
                    need_comma = true;
                }
                Tok::Comma => {
                    self.scan()?;
                    self.unscan();
                    need_comma = false;
                }
                Tok::LBrace => {
                    list.push(self.object_type().map_err(|e| within(e, "object"))?);
                    need_comma = true;
                }
                Tok::LBrack => list.push(self.list_type().map_err(|e| within(e, "list"))?),
                Tok::RBrack => return Ok(Node::List(list)),
                other => {
                    let what = format!("unexpected token while parsing list: {}", other.name());
                    return Err(self.syntax(tok, what));
                }
            }
        }
    }
}

/// An error inside a list's element, as a plain error (the library wraps it in a new one).
fn within(e: Stop, what: &str) -> Stop {
    match e {
        Stop::Syntax(e) => Stop::Syntax(Error {
            what: format!("error while trying to parse {what} within list: {}", e.what),
            pos: e.pos,
        }),
        Stop::Eof => Stop::Syntax(Error::new(format!(
            "error while trying to parse {what} within list: unexpected end of input"
        ))),
        fatal => fatal,
    }
}
