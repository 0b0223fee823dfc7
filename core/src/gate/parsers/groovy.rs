//! conftest's `groovy` parser (Jenkinsfiles): the concrete syntax tree conftest v0.71.1 prints,
//! which is what github.com/albertocavalcante/groovy-parser-go (v0.0.0-20260218103838-adf14fa75938)
//! parses in Groovy 2.4 mode, converted by conftest's `parser/groovy` into nodes
//! `{kind, text?, line, column, children?}`: ported with its lexer ([`lexer`]), parser
//! ([`parser`], [`stmt`], [`expr`], [`decl`]) and kinds ([`token`]).
//!
//! The conversion, as conftest writes it: an inner node is its kind (`FileNode`, `CallExpr`…)
//! and its children, at the position of its first child (1:1 when it has none); a token is its
//! kind (`Identifier`, `StringLiteral`…), its text as written (quotes and escapes kept) and its
//! position. Comments, blanks, synthetic semicolons, the end of the file and tokens the parser
//! made up are left out. Lines count `\n` only; columns count bytes from 1, as groovy-parser-go's
//! `source.Position` does (so `é` takes two columns, a tab one).
//!
//! A file groovy-parser-go finds an error in is refused with its first error, where it is. A
//! tree deeper than 256 levels or of more than 100,000 nodes (tokens and left-out ones
//! included) is refused, as conftest bounds it, once the whole file is parsed (a syntax error
//! further on is the refusal then, as in conftest); past 1,024 levels of nesting this parser
//! stops at once, so hostile nesting cannot exhaust the stack.

use serde_json::{Map, Value, json};

use super::go_unicode::json_string;

use parser::{Child, Node, Stop};
use token::Kind;

mod decl;
mod expr;
mod lexer;
mod parser;
mod stmt;
#[cfg(test)]
mod tests;
mod token;

/// conftest's bounds on the tree (`maxTreeDepth`, `maxTreeNodes`).
const MAX_DEPTH: usize = 256;
const MAX_NODES: usize = 100_000;

/// Stack of the thread a file is parsed on: the parser recurses a few calls per level of the
/// tree, up to [`parser::MAX_FRAMES`] levels, and unoptimized builds take kilobytes per call; a
/// validation worker's own stack may be 2 MiB.
const STACK_BYTES: usize = 32 << 20;

/// Parses `text` as conftest's groovy parser does (on a thread of its own, see
/// [`STACK_BYTES`]).
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("groovy.parse".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || parse_here(text))
            .map_err(|e| anyhow::anyhow!("groovy: cannot start the parse: {e}"))?
            .join()
            .map_err(|_| anyhow::anyhow!("groovy: the parse failed"))?
    })
}

fn parse_here(text: &str) -> anyhow::Result<Value> {
    let src = text.as_bytes();
    let lines = Lines::new(src);
    let root = parser::Parser::new(src).parse_file().map_err(|stop| match stop {
        Stop::Syntax { offset, message } => {
            let (line, column) = lines.position(offset);
            anyhow::anyhow!(
                "groovy: line {line}, column {column}: {message} (the first Groovy 2.4 syntax error, as conftest's parser finds it: fix the file there)"
            )
        }
        Stop::TooDeep(offset) => too_deep(lines.position(offset).0),
    })?;
    check_bounds(&root, &lines)?;
    Ok(convert(&root, src, &lines))
}

fn too_deep(line: usize) -> anyhow::Error {
    anyhow::anyhow!(
        "groovy: line {line}: the syntax tree is nested deeper than {MAX_DEPTH} levels, conftest's limit: split the expression or block"
    )
}

/// Offsets to 1-based lines and byte columns (`source.Position`).
struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(src: &[u8]) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            src.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines {
            starts,
            len: src.len(),
        }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        (line.max(1), offset - start + 1)
    }
}

enum Item<'a> {
    Node(&'a Node),
    Token,
}

/// `validateTree`: depth-first, counting every child (tokens included), as conftest does.
fn check_bounds(root: &Node, lines: &Lines) -> anyhow::Result<()> {
    let mut stack = vec![(Item::Node(root), 1usize)];
    let mut nodes = 1usize;
    while let Some((item, depth)) = stack.pop() {
        let Item::Node(node) = item else {
            if depth > MAX_DEPTH {
                return Err(too_deep(1));
            }
            continue;
        };
        let line = || first_offset(node).map_or(1, |o| lines.position(o).0);
        if depth > MAX_DEPTH {
            return Err(too_deep(line()));
        }
        let count = node.children.len();
        if count > MAX_NODES - nodes {
            anyhow::bail!(
                "groovy: line {}: the syntax tree has more than {MAX_NODES} nodes, conftest's limit: split the file",
                line()
            );
        }
        if count > 0 && depth == MAX_DEPTH {
            return Err(too_deep(line()));
        }
        nodes += count;
        for child in node.children.iter().rev() {
            let item = match child {
                Child::Node(n) => Item::Node(n),
                Child::Token(_) => Item::Token,
            };
            stack.push((item, depth + 1));
        }
    }
    Ok(())
}

fn first_offset(node: &Node) -> Option<usize> {
    node.children.iter().find_map(|c| match c {
        Child::Token(t) => Some(t.start),
        Child::Node(n) => first_offset(n),
    })
}

/// `convertNode`: tokens with text, inner nodes at their first kept child.
fn convert(node: &Node, src: &[u8], lines: &Lines) -> Value {
    let mut children = Vec::new();
    for child in &node.children {
        match child {
            Child::Token(t) if t.kind == Kind::Eof || t.start == t.end => {}
            Child::Token(t) => {
                let (line, column) = lines.position(t.start);
                children.push(json!({
                    "kind": t.kind.name(),
                    "text": json_string(&src[t.start..t.end]),
                    "line": line,
                    "column": column,
                }));
            }
            Child::Node(n) => children.push(convert(n, src, lines)),
        }
    }
    let (line, column) = children.first().map_or((json!(1), json!(1)), |c| {
        (c["line"].clone(), c["column"].clone())
    });
    let mut out = Map::new();
    out.insert("kind".into(), json!(node.kind.name()));
    out.insert("line".into(), line);
    out.insert("column".into(), column);
    if !children.is_empty() {
        out.insert("children".into(), Value::Array(children));
    }
    Value::Object(out)
}
