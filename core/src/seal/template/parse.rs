//! Go `text/template` tokens → syntax tree: actions, pipelines, variables, `if`/`range`/`with`.
//!
//! Template text is not secret (it sits in the SealedSecret in Git), so errors may quote it.

use super::Fail;
use super::lex::{Piece, Tok, split};

/// One node of a parsed template.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Action(Pipeline),
    If {
        branches: Vec<(Pipeline, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
    Range {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    With {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
}

/// `$a, $b := cmd | cmd …`: declared variables (empty for none), then commands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pipeline {
    pub declare: Vec<String>,
    /// `=` (assign to existing variables) rather than `:=`.
    pub assign: bool,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.a.b` (empty chain = `.`).
    Field(Vec<String>),
    /// `$x.a.b` (`$` alone is the root data).
    Var(String, Vec<String>),
    Func(String),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    /// `( pipeline ).a.b`
    Sub(Box<Pipeline>, Vec<String>),
}

/// How deep `{{if}}`/`{{range}}`/`{{with}}` blocks and parentheses may nest. The parser and the
/// executor recurse once per level, so without a limit a 1 KB template overflows the stack (found
/// by `fuzz_template`); no Secret template comes near 100 levels.
pub const MAX_NESTING: usize = 100;

const KEYWORDS_UNSUPPORTED: &[&str] = &["define", "template", "block", "break", "continue"];

/// Parses a whole template.
pub fn parse(source: &str) -> Result<Vec<Node>, Fail> {
    let pieces = split(source)?;
    let mut parser = Parser {
        pieces: pieces.into_iter().peekable(),
        depth: 0,
    };
    let (nodes, end) = parser.list()?;
    match end {
        Stop::Eof => Ok(nodes),
        Stop::End(line) => Err(Fail::Parse {
            line,
            reason: "unexpected {{end}}".to_owned(),
        }),
        Stop::Else(line, _) => Err(Fail::Parse {
            line,
            reason: "unexpected {{else}}".to_owned(),
        }),
    }
}

enum Stop {
    Eof,
    End(usize),
    /// `{{else}}` or `{{else if …}}` (the tokens after `else`).
    Else(usize, Vec<Tok>),
}

struct Parser {
    pieces: std::iter::Peekable<std::vec::IntoIter<Piece>>,
    /// Blocks open around the current position.
    depth: usize,
}

fn too_deep(line: usize) -> Fail {
    Fail::Parse {
        line,
        reason: format!("blocks and parentheses nest deeper than {MAX_NESTING} levels"),
    }
}

/// The deepest parenthesis nesting in one action.
fn paren_depth(toks: &[Tok]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for tok in toks {
        match tok {
            Tok::Open => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Tok::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

impl Parser {
    /// Nodes up to the end of input, `{{end}}` or `{{else …}}`.
    fn list(&mut self) -> Result<(Vec<Node>, Stop), Fail> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.next() {
            let action = match piece {
                Piece::Text(text) => {
                    nodes.push(Node::Text(text));
                    continue;
                }
                Piece::Action(action) => action,
            };
            let line = action.line;
            let mut toks = action.toks;
            if self.depth + paren_depth(&toks) > MAX_NESTING {
                return Err(too_deep(line));
            }
            let keyword = match toks.first() {
                Some(Tok::Ident(word)) => word.clone(),
                _ => String::new(),
            };
            match keyword.as_str() {
                "end" if toks.len() == 1 => return Ok((nodes, Stop::End(line))),
                "else" => {
                    toks.remove(0);
                    return Ok((nodes, Stop::Else(line, toks)));
                }
                "if" | "range" | "with" => {
                    toks.remove(0);
                    self.depth += 1;
                    let node = self.control(&keyword, toks, line);
                    self.depth -= 1;
                    nodes.push(node?);
                }
                word if KEYWORDS_UNSUPPORTED.contains(&word) => {
                    return Err(Fail::Unsupported(format!("`{{{{{word}}}}}`")));
                }
                _ => {
                    if toks.is_empty() {
                        return Err(Fail::Parse {
                            line,
                            reason: "missing value for command".to_owned(),
                        });
                    }
                    nodes.push(Node::Action(pipeline(&toks, line)?));
                }
            }
        }
        Ok((nodes, Stop::Eof))
    }

    fn control(&mut self, keyword: &str, toks: Vec<Tok>, line: usize) -> Result<Node, Fail> {
        let unclosed = || Fail::Parse {
            line,
            reason: format!("unexpected EOF: {{{{{keyword}}}}} has no {{{{end}}}}"),
        };
        let pipe = pipeline(&toks, line)?;
        let (body, end) = self.list()?;
        let mut branches = vec![(pipe, body)];
        let mut end = end;
        let otherwise = loop {
            match end {
                Stop::Eof => return Err(unclosed()),
                Stop::End(_) => break Vec::new(),
                Stop::Else(else_line, rest) => {
                    if rest.is_empty() {
                        let (nodes, after) = self.list()?;
                        match after {
                            Stop::End(_) => break nodes,
                            Stop::Eof => return Err(unclosed()),
                            Stop::Else(l, _) => {
                                return Err(Fail::Parse {
                                    line: l,
                                    reason: "expected {{end}} after {{else}}".to_owned(),
                                });
                            }
                        }
                    }
                    // `{{else if …}}` / `{{else with …}}` chain into the same construct
                    let same = matches!(rest.first(), Some(Tok::Ident(w)) if w == keyword);
                    if !same || keyword == "range" {
                        return Err(Fail::Parse {
                            line: else_line,
                            reason: "unexpected tokens after {{else}}".to_owned(),
                        });
                    }
                    let pipe = pipeline(&rest[1..], else_line)?;
                    let (nodes, after) = self.list()?;
                    branches.push((pipe, nodes));
                    end = after;
                }
            }
        };
        Ok(match keyword {
            "if" => Node::If {
                branches,
                otherwise,
            },
            // `with … else with …` nests, which keeps evaluation order.
            "with" => nest_with(branches, otherwise),
            _ => {
                let (pipe, body) = branches.remove(0);
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                }
            }
        })
    }
}

fn nest_with(mut branches: Vec<(Pipeline, Vec<Node>)>, otherwise: Vec<Node>) -> Node {
    let (pipe, body) = branches.remove(0);
    let otherwise = if branches.is_empty() {
        otherwise
    } else {
        vec![nest_with(branches, otherwise)]
    };
    Node::With {
        pipe,
        body,
        otherwise,
    }
}

/// Parses `[$a[, $b] :=|=] command ('|' command)*`.
fn pipeline(toks: &[Tok], line: usize) -> Result<Pipeline, Fail> {
    let parse = |reason: String| Fail::Parse { line, reason };
    let mut declare = Vec::new();
    let mut assign = false;
    let mut rest = toks;
    let decl_end = toks
        .iter()
        .position(|t| matches!(t, Tok::Declare | Tok::Assign));
    if let Some(end) = decl_end {
        let names = &toks[..end];
        let valid = names.iter().enumerate().all(|(i, t)| {
            if i % 2 == 0 {
                matches!(t, Tok::Var(_))
            } else {
                *t == Tok::Comma
            }
        });
        if valid && !names.is_empty() && names.len() % 2 == 1 && names.len() <= 3 {
            declare = names
                .iter()
                .filter_map(|t| match t {
                    Tok::Var(v) => Some(v.clone()),
                    _ => None,
                })
                .collect();
            assign = toks[end] == Tok::Assign;
            rest = &toks[end + 1..];
        }
    }
    if rest.is_empty() {
        return Err(parse("missing value for command".to_owned()));
    }
    let mut commands = Vec::new();
    for part in split_top(rest, &Tok::Pipe) {
        if part.is_empty() {
            return Err(parse("missing command in pipeline".to_owned()));
        }
        commands.push(command(part, line)?);
    }
    Ok(Pipeline {
        declare,
        assign,
        commands,
    })
}

/// Splits on `sep` outside parentheses.
fn split_top<'a>(toks: &'a [Tok], sep: &Tok) -> Vec<&'a [Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            t if t == sep && depth == 0 => {
                parts.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&toks[start..]);
    parts
}

fn command(toks: &[Tok], line: usize) -> Result<Command, Fail> {
    let parse = |reason: String| Fail::Parse { line, reason };
    let mut args = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        i += 1;
        let arg = match tok {
            Tok::Dot => Arg::Field(Vec::new()),
            Tok::Field(name) => {
                let mut chain = vec![name.clone()];
                chain.extend(fields_after(toks, &mut i));
                Arg::Field(chain)
            }
            Tok::Var(name) => Arg::Var(name.clone(), fields_after(toks, &mut i)),
            Tok::Str(s) => Arg::Str(s.clone()),
            Tok::Num(n) => number(n).map_err(parse)?,
            Tok::Ident(word) => match word.as_str() {
                "true" => Arg::Bool(true),
                "false" => Arg::Bool(false),
                "nil" => Arg::Nil,
                "if" | "range" | "with" | "else" | "end" => {
                    return Err(parse(format!("unexpected {word:?} in command")));
                }
                w if KEYWORDS_UNSUPPORTED.contains(&w) => {
                    return Err(Fail::Unsupported(format!("`{{{{{w}}}}}`")));
                }
                _ => Arg::Func(word.clone()),
            },
            Tok::Open => {
                let start = i;
                let mut depth = 1usize;
                while i < toks.len() && depth > 0 {
                    match toks[i] {
                        Tok::Open => depth += 1,
                        Tok::Close => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                if depth > 0 {
                    return Err(parse("unclosed left paren".to_owned()));
                }
                let inner = pipeline(&toks[start..i - 1], line)?;
                Arg::Sub(Box::new(inner), fields_after(toks, &mut i))
            }
            Tok::Close => return Err(parse("unexpected right paren".to_owned())),
            Tok::Chain(name) => return Err(parse(format!("unexpected .{name} in operand"))),
            Tok::Pipe | Tok::Declare | Tok::Assign | Tok::Comma => {
                return Err(parse("unexpected token in operand".to_owned()));
            }
        };
        args.push(arg);
    }
    Ok(Command { args })
}

/// The `.a.b` glued to the operand just parsed.
fn fields_after(toks: &[Tok], i: &mut usize) -> Vec<String> {
    let mut chain = Vec::new();
    while let Some(Tok::Chain(name)) = toks.get(*i) {
        chain.push(name.clone());
        *i += 1;
    }
    chain
}

fn number(text: &str) -> Result<Arg, String> {
    let clean = text.replace('_', "");
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let radix_parsed = if let Some(hex) = digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = digits.strip_prefix("0o").or(digits.strip_prefix("0O")) {
        i64::from_str_radix(oct, 8).ok()
    } else if let Some(bin) = digits.strip_prefix("0b").or(digits.strip_prefix("0B")) {
        i64::from_str_radix(bin, 2).ok()
    } else {
        digits.parse::<i64>().ok()
    };
    if let Some(n) = radix_parsed {
        return Ok(Arg::Int(if negative { -n } else { n }));
    }
    clean
        .parse::<f64>()
        .map(Arg::Float)
        .map_err(|_| format!("bad number syntax: {text:?}"))
}
