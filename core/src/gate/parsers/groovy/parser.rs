//! groovy-parser-go's parser (`parser/parser.go`): its token window (current, peek, and a
//! buffer beyond), its tree builder (`cst.Builder`: nodes opened, tokens added, nodes opened at a
//! checkpoint around what was already built), and the file loop. Statements, expressions and
//! declarations are in [`super::stmt`], [`super::expr`] and [`super::decl`].
//!
//! groovy-parser-go records an error and recovers; conftest reports only the first error
//! recorded. So this port stops at the first: what the recovery would build is never seen.

use std::collections::VecDeque;

use super::lexer::{Lexer, Token};
use super::token::{Kind, NodeKind};

/// Builder frames deeper than this make a tree far deeper than conftest's 256 levels (a node's
/// depth is at least its frame's): parsing stops there, the stack stays bounded. Below it, a
/// tree too deep is parsed to the end, as conftest parses it, so that a syntax error further on
/// is the refusal, as in conftest; only past it is the depth refused at once.
pub(super) const MAX_FRAMES: usize = 1024;

/// A tree node: its kind and children in source order.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: NodeKind,
    pub(super) children: Vec<Child>,
}

#[derive(Debug)]
pub(super) enum Child {
    Token(Token),
    Node(Node),
}

/// Why parsing stopped.
#[derive(Debug)]
pub(super) enum Stop {
    /// groovy-parser-go's first error: at the offset of the token it met.
    Syntax { offset: usize, message: String },
    /// Nested past [`MAX_FRAMES`] or [`MAX_NESTING`], at the offset of the token it met there.
    TooDeep(usize),
}

pub(super) type Step = Result<(), Stop>;

struct Frame {
    kind: NodeKind,
    children: Vec<Child>,
}

pub(super) struct Parser<'a> {
    lexer: Lexer<'a>,
    pub(super) current: Token,
    pub(super) peek: Token,
    lookahead: VecDeque<Token>,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// `closureParamDefaultDepth`: inside a closure parameter's default value, `x -> …` is no
    /// lambda.
    pub(super) closure_param_default_depth: usize,
    /// Statements and expressions being parsed, one inside the other: each makes a node inside
    /// the one before, so past [`MAX_NESTING`] the tree is too deep for conftest.
    nesting: usize,
}

/// Statements and expressions nested deeper than this make a tree deeper than conftest's 256
/// levels (each makes a node inside the one before): parsing stops, as at [`MAX_FRAMES`], even
/// where the tree's nodes are opened only after their contents (`[[[…`).
pub(super) const MAX_NESTING: usize = 1024;

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a [u8]) -> Parser<'a> {
        let mut lexer = Lexer::new(src);
        let current = lexer.next_token();
        let peek = lexer.next_token();
        Parser {
            lexer,
            current,
            peek,
            lookahead: VecDeque::new(),
            stack: Vec::new(),
            root: None,
            closure_param_default_depth: 0,
            nesting: 0,
        }
    }

    /// `Parse`: the file's statements, then its end.
    pub(super) fn parse_file(mut self) -> Result<Node, Stop> {
        self.start(NodeKind::FileNode)?;
        while !self.at(Kind::Eof) {
            self.parse_statement()?;
            self.skip_semicolons();
        }
        self.advance();
        self.finish();
        self.root.take().ok_or(Stop::TooDeep(0))
    }

    /// Runs `f` one level deeper, refusing past [`MAX_NESTING`].
    pub(super) fn nested(&mut self, f: impl FnOnce(&mut Self) -> Step) -> Step {
        if self.nesting >= MAX_NESTING {
            return Err(Stop::TooDeep(self.current.start));
        }
        self.nesting += 1;
        let step = f(self);
        self.nesting -= 1;
        step
    }

    // --- tree building (`cst.Builder`) ---

    pub(super) fn start(&mut self, kind: NodeKind) -> Step {
        if self.stack.len() >= MAX_FRAMES {
            return Err(Stop::TooDeep(self.current.start));
        }
        self.stack.push(Frame {
            kind,
            children: Vec::new(),
        });
        Ok(())
    }

    /// A mark in the open node's children, for [`Parser::start_at`].
    pub(super) fn checkpoint(&self) -> usize {
        self.stack.last().map_or(0, |f| f.children.len())
    }

    /// Opens a node around the open node's children since `checkpoint`.
    pub(super) fn start_at(&mut self, checkpoint: usize, kind: NodeKind) -> Step {
        if self.stack.len() >= MAX_FRAMES {
            return Err(Stop::TooDeep(self.current.start));
        }
        let taken = match self.stack.last_mut() {
            Some(top) => top.children.split_off(checkpoint.min(top.children.len())),
            None => Vec::new(),
        };
        self.stack.push(Frame {
            kind,
            children: taken,
        });
        Ok(())
    }

    pub(super) fn finish(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let node = Node {
            kind: frame.kind,
            children: frame.children,
        };
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Child::Node(node)),
            None => self.root = Some(node),
        }
    }

    // --- tokens ---

    /// Consumes the current token into the open node.
    pub(super) fn advance(&mut self) -> Token {
        let next = match self.lookahead.pop_front() {
            Some(t) => t,
            None => self.lexer.next_token(),
        };
        let prev = std::mem::replace(&mut self.current, std::mem::replace(&mut self.peek, next));
        if let Some(top) = self.stack.last_mut() {
            top.children.push(Child::Token(prev));
        }
        prev
    }

    /// The token `n` ahead (0: current, 1: peek).
    pub(super) fn peek_n(&mut self, n: usize) -> Token {
        match n {
            0 => self.current,
            1 => self.peek,
            _ => {
                while self.lookahead.len() <= n - 2 {
                    let t = self.lexer.next_token();
                    self.lookahead.push_back(t);
                }
                self.lookahead[n - 2]
            }
        }
    }

    pub(super) fn kind_at(&mut self, n: usize) -> Kind {
        self.peek_n(n).kind
    }

    pub(super) fn at(&self, kind: Kind) -> bool {
        self.current.kind == kind
    }

    pub(super) fn expect(&mut self, kind: Kind) -> Step {
        if self.at(kind) {
            self.advance();
            return Ok(());
        }
        let message = format!(
            "expected {}, got {}",
            kind.go_name(),
            self.current.kind.go_name()
        );
        self.error(&message)
    }

    /// The error groovy-parser-go records at the current token.
    pub(super) fn error(&self, message: &str) -> Step {
        Err(Stop::Syntax {
            offset: self.current.start,
            message: message.to_string(),
        })
    }

    pub(super) fn at_semi(&self) -> bool {
        self.at(Kind::Semi) || self.at(Kind::Semicolon)
    }

    pub(super) fn skip_semicolons(&mut self) {
        while self.at_semi() {
            self.advance();
        }
    }

    /// A node of `kind` holding just the current token.
    pub(super) fn token_node(&mut self, kind: NodeKind) -> Step {
        self.start(kind)?;
        self.advance();
        self.finish();
        Ok(())
    }
}
