//! hashicorp/hcl v1.0.0's JSON reader (`json/scanner`, `json/parser`, `json/parser/flatten.go`):
//! not a JSON parser but the library's own, whose leniencies show: the first object is read and
//! the rest of the text never looked at, a missing comma ends an object, booleans and nested
//! lists inside a list are skipped, `null` is the empty string, several keys may precede one
//! colon. The result is flattened into HCL's shape: a key whose value is an object of objects
//! (or a list of objects) becomes keys of nested blocks (`{"a": {"b": {"x": 1}}}` is
//! `a "b" { x = 1 }`).

use super::scanner::{EOF, Reader, digit_val, is_digit, is_letter};
use super::{Error, Item, Key, Lit, Literal, MAX_NESTING, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Eof,
    Number,
    Float,
    Bool,
    String,
    Null,
    LBrack,
    LBrace,
    Comma,
    Period,
    Colon,
    RBrack,
    RBrace,
}

impl Tok {
    fn name(self) -> &'static str {
        match self {
            Tok::Eof => "EOF",
            Tok::Number => "NUMBER",
            Tok::Float => "FLOAT",
            Tok::Bool => "BOOL",
            Tok::String => "STRING",
            Tok::Null => "NULL",
            Tok::LBrack => "LBRACK",
            Tok::LBrace => "LBRACE",
            Tok::Comma => "COMMA",
            Tok::Period => "PERIOD",
            Tok::Colon => "COLON",
            Tok::RBrack => "RBRACK",
            Tok::RBrace => "RBRACE",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

/// The items of a JSON text (whose first non-space character is `{`), flattened.
pub(super) fn parse(src: &str) -> Result<Vec<Item>, Error> {
    let mut p = Parser {
        sc: Scanner {
            r: Reader::new(src),
        },
        tok: Token {
            kind: Tok::Eof,
            start: 0,
            end: 0,
        },
        depth: 0,
    };
    let tok = p.scan().map_err(Stop::into_error)?;
    let items = match tok.kind {
        Tok::LBrace => match p.object_type().map_err(Stop::into_error)? {
            Node::Object(items) => items,
            _ => Vec::new(),
        },
        Tok::Eof => return Err(Error::new("EOF token found")),
        other => {
            return Err(Error::at(
                tok.start,
                format!("expected object, got {}", other.name()),
            ));
        }
    };
    Ok(flatten(items))
}

/// Why a parsing function stopped.
enum Stop {
    /// The end of the input where a key or value could start.
    Eof,
    Syntax(Error),
    /// A scanner error or a limit: refuses the file.
    Fatal(Error),
}

impl Stop {
    fn into_error(self) -> Error {
        match self {
            Stop::Eof => Error::new("EOF token found"),
            Stop::Syntax(e) | Stop::Fatal(e) => e,
        }
    }
}

struct Scanner<'a> {
    r: Reader<'a>,
}

impl Scanner<'_> {
    fn err(&self, what: &str) -> Stop {
        Stop::Fatal(Error::at(self.r.pos - self.r.last_char_len, what))
    }

    /// The next rune; a NUL reads as the end, as Go's `rune(0)` marker does.
    fn next(&mut self) -> char {
        self.r.read().unwrap_or(EOF)
    }

    fn unread(&mut self) -> Result<(), Stop> {
        self.r.unread().map_err(Stop::Fatal)
    }

    fn scan(&mut self) -> Result<Token, Stop> {
        let mut ch = self.next();
        while matches!(ch, ' ' | '\t' | '\n' | '\r') {
            ch = self.next();
        }
        let start = self.r.pos - self.r.last_char_len;
        let kind = if is_letter(ch) {
            let mut c = self.next();
            while is_letter(c) || is_digit(c) || c == '-' {
                c = self.next();
            }
            if c != EOF {
                self.unread()?;
            }
            match &self.r.src[start..self.r.pos] {
                "true" | "false" => Tok::Bool,
                "null" => Tok::Null,
                _ => return Err(Stop::Fatal(Error::at(start, "illegal char"))),
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
                '[' => Tok::LBrack,
                ']' => Tok::RBrack,
                '{' => Tok::LBrace,
                '}' => Tok::RBrace,
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                '-' if self.r.peek().is_ascii_digit() => {
                    let c = self.next();
                    self.scan_number(c)?
                }
                _ => return Err(Stop::Fatal(Error::at(start, "illegal char"))),
            }
        };
        Ok(Token {
            kind,
            start,
            end: self.r.pos,
        })
    }

    fn scan_number(&mut self, ch: char) -> Result<Tok, Stop> {
        let zero = ch == '0';
        let pos = self.r.pos;
        self.scan_mantissa(ch)?;
        let mut ch = self.next();
        if ch == 'e' || ch == 'E' {
            self.scan_exponent(ch)?;
            return Ok(Tok::Float);
        }
        if ch == '.' {
            ch = self.r.peek();
            ch = self.scan_mantissa(ch)?;
            if ch == 'e' || ch == 'E' {
                ch = self.next();
                self.scan_exponent(ch)?;
            }
            return Ok(Tok::Float);
        }
        if ch != EOF {
            self.unread()?;
        }
        if zero && pos != self.r.pos {
            return Err(self.err("numbers cannot start with 0"));
        }
        Ok(Tok::Number)
    }

    fn scan_mantissa(&mut self, mut ch: char) -> Result<char, Stop> {
        let mut scanned = false;
        while ch.is_ascii_digit() {
            ch = self.next();
            scanned = true;
        }
        if scanned && ch != EOF {
            self.unread()?;
        }
        Ok(ch)
    }

    fn scan_exponent(&mut self, mut ch: char) -> Result<char, Stop> {
        if ch == 'e' || ch == 'E' {
            ch = self.next();
            if ch == '-' || ch == '+' {
                ch = self.next();
            }
            ch = self.scan_mantissa(ch)?;
        }
        Ok(ch)
    }

    fn scan_string(&mut self) -> Result<(), Stop> {
        loop {
            let ch = self.next();
            if ch == '\n' || ch == EOF {
                return Err(self.err("literal not terminated"));
            }
            if ch == '"' {
                return Ok(());
            }
            if ch == '\\' {
                let e = self.next();
                let (base, n, first) = match e {
                    'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' => continue,
                    '0'..='7' => (8, 3, e),
                    'x' => (16, 2, self.next()),
                    'u' => (16, 4, self.next()),
                    'U' => (16, 8, self.next()),
                    _ => return Err(self.err("illegal char escape")),
                };
                let (mut ch, mut n) = (first, n);
                while n > 0 && digit_val(ch) < base {
                    ch = self.next();
                    n -= 1;
                }
                if n > 0 {
                    return Err(self.err("illegal char escape"));
                }
                self.unread()?;
            }
        }
    }
}

struct Parser<'a> {
    sc: Scanner<'a>,
    tok: Token,
    depth: usize,
}

impl Parser<'_> {
    fn scan(&mut self) -> Result<Token, Stop> {
        self.tok = self.sc.scan()?;
        Ok(self.tok)
    }

    fn syntax(&self, tok: Token, what: String) -> Stop {
        Stop::Syntax(Error::at(tok.start, what))
    }

    /// `objectList`: items separated by commas; anything else after an item ends the object.
    fn object_list(&mut self) -> (Vec<Item>, Option<Stop>) {
        let mut items = Vec::new();
        loop {
            match self.object_item() {
                Ok(item) => items.push(item),
                Err(Stop::Eof) => break,
                Err(e) => return (items, Some(e)),
            }
            match self.scan() {
                Ok(tok) if tok.kind == Tok::Comma => {}
                Ok(_) => break,
                Err(e) => return (items, Some(e)),
            }
        }
        (items, None)
    }

    fn object_item(&mut self) -> Result<Item, Stop> {
        let mut keys = Vec::new();
        loop {
            let tok = self.scan()?;
            match tok.kind {
                Tok::Eof => return Err(Stop::Eof),
                Tok::String => keys.push(Key {
                    text: self.sc.r.src[tok.start..tok.end].to_string(),
                    quoted: true,
                    json: true,
                    pos: tok.start,
                }),
                Tok::Colon if !keys.is_empty() => break,
                other => {
                    return Err(self.syntax(tok, format!("expected: STRING got: {}", other.name())));
                }
            }
        }
        let val = self.object_value()?;
        Ok(Item { keys, val })
    }

    fn object_value(&mut self) -> Result<Node, Stop> {
        let tok = self.scan()?;
        match tok.kind {
            Tok::Number | Tok::Float | Tok::Bool | Tok::Null | Tok::String => Ok(self.literal(tok)),
            Tok::LBrace => self.object_type(),
            Tok::LBrack => self.list_type(),
            Tok::Eof => Err(Stop::Eof),
            other => Err(self.syntax(
                tok,
                format!("expected object value, got unknown token: {}", other.name()),
            )),
        }
    }

    /// `HCLToken`: a JSON literal as the HCL literal the decoder reads (`null` an empty string).
    fn literal(&self, tok: Token) -> Node {
        let (kind, text) = match tok.kind {
            Tok::Number => (Lit::Number, &self.sc.r.src[tok.start..tok.end]),
            Tok::Float => (Lit::Float, &self.sc.r.src[tok.start..tok.end]),
            Tok::Bool => (Lit::Bool, &self.sc.r.src[tok.start..tok.end]),
            Tok::Null => (Lit::String, ""),
            _ => (Lit::String, &self.sc.r.src[tok.start..tok.end]),
        };
        Node::Literal(Literal {
            kind,
            text: text.to_string(),
            json: tok.kind == Tok::String,
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

    fn object_type(&mut self) -> Result<Node, Stop> {
        self.nested(|p| {
            let (items, err) = p.object_list();
            match err {
                Some(Stop::Fatal(e)) => Err(Stop::Fatal(e)),
                Some(e) if p.tok.kind != Tok::RBrace => Err(e),
                _ => Ok(Node::Object(items)),
            }
        })
    }

    fn list_type(&mut self) -> Result<Node, Stop> {
        self.nested(|p| {
            let mut list = Vec::new();
            loop {
                let tok = p.scan()?;
                match tok.kind {
                    Tok::Number | Tok::Float | Tok::String => list.push(p.literal(tok)),
                    Tok::LBrace => list.push(p.object_type()?),
                    // The library skips these (booleans and nested lists are not HCL 1).
                    Tok::Comma | Tok::Bool | Tok::LBrack => {}
                    Tok::RBrack => return Ok(Node::List(list)),
                    other => {
                        let what = format!("unexpected token while parsing list: {}", other.name());
                        return Err(p.syntax(tok, what));
                    }
                }
            }
        })
    }
}

/// `flattenObjects`: each list of items rebuilt (an item whose value is a non-empty object of
/// objects, or a non-empty list of objects, replaced by its parts), then the values' own lists.
fn flatten(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    let mut frontier = items;
    while let Some(item) = frontier.pop() {
        match item.val {
            Node::Object(sub)
                if !sub.is_empty() && sub.iter().all(|s| matches!(s.val, Node::Object(_))) =>
            {
                for s in sub {
                    let mut keys = item.keys.clone();
                    keys.extend(s.keys);
                    frontier.push(Item { keys, val: s.val });
                }
            }
            Node::List(elems)
                if !elems.is_empty() && elems.iter().all(|e| matches!(e, Node::Object(_))) =>
            {
                for e in elems {
                    frontier.push(Item {
                        keys: item.keys.clone(),
                        val: e,
                    });
                }
            }
            val => out.push(Item {
                keys: item.keys,
                val,
            }),
        }
    }
    out.reverse();
    for item in &mut out {
        flatten_node(&mut item.val);
    }
    out
}

fn flatten_node(node: &mut Node) {
    match node {
        Node::Object(items) => *items = flatten(std::mem::take(items)),
        Node::List(elems) => elems.iter_mut().for_each(flatten_node),
        Node::Literal(_) => {}
    }
}
