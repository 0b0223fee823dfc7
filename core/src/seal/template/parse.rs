//! Go `text/template` source → syntax tree: actions, pipelines, `if`/`range`/`with`, trim markers.
//!
//! Template text is not secret (it sits in the SealedSecret in Git), so errors may quote it.

use super::Fail;

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

const KEYWORDS_UNSUPPORTED: &[&str] = &["define", "template", "block", "break", "continue"];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Field(String),
    /// `.name` glued to the operand before it (`$x.a`, `(…).a`, `.a.b`).
    Chain(String),
    Dot,
    Var(String),
    Str(String),
    Num(String),
    Pipe,
    Open,
    Close,
    Declare,
    Assign,
    Comma,
}

/// One `{{ … }}` after lexing, with the line it starts on.
struct Action {
    line: usize,
    toks: Vec<Tok>,
}

enum Piece {
    Text(String),
    Action(Action),
}

/// Splits the source into text and actions, applying `{{- ` / ` -}}` trimming and dropping
/// `{{/* comments */}}`.
fn split(source: &str) -> Result<Vec<Piece>, Fail> {
    let mut pieces = Vec::new();
    let mut rest = source;
    let mut line = 1;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let mut text = &rest[..open];
        if trim_next {
            text = text.trim_start_matches(is_space);
        }
        let after_open = &rest[open + 2..];
        let left_trim =
            after_open.starts_with('-') && after_open[1..].starts_with(|c: char| is_space(c));
        if left_trim {
            text = text.trim_end_matches(is_space);
        }
        line += rest[..open].matches('\n').count();
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_owned()));
        }
        let body_start = if left_trim { 1 } else { 0 };
        let inner = &after_open[body_start..];
        let (toks, consumed, right_trim) = lex_action(inner, line)?;
        if let Some(toks) = toks {
            pieces.push(Piece::Action(Action { line, toks }));
        }
        line += inner[..consumed].matches('\n').count();
        trim_next = right_trim;
        rest = &after_open[body_start + consumed..];
    }
    let text = if trim_next {
        rest.trim_start_matches(is_space)
    } else {
        rest
    };
    if !text.is_empty() {
        pieces.push(Piece::Text(text.to_owned()));
    }
    Ok(pieces)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Lexes from just after `{{` (and its trim marker) to just after `}}`. Returns the tokens
/// (`None` for a comment), the bytes consumed and whether the action ends with ` -}}`.
fn lex_action(input: &str, line: usize) -> Result<(Option<Vec<Tok>>, usize, bool), Fail> {
    let parse = |reason: String| Fail::Parse { line, reason };
    let trimmed = input.trim_start_matches(is_space);
    if trimmed.starts_with("/*") {
        let end = trimmed
            .find("*/")
            .ok_or_else(|| parse("unclosed comment".to_owned()))?;
        let after = &trimmed[end + 2..];
        if let Some(rest) = after.strip_prefix("}}") {
            return Ok((None, input.len() - rest.len(), false));
        }
        if let Some(rest) = after.strip_prefix(" -}}") {
            return Ok((None, input.len() - rest.len(), true));
        }
        return Err(parse("comment ends before closing delimiter".to_owned()));
    }
    let bytes = input.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if is_space(c as char) {
            // ` -}}` closes with a right trim marker
            if input[i..].trim_start_matches(is_space).starts_with("-}}") {
                let dash = i + (input[i..].len() - input[i..].trim_start_matches(is_space).len());
                return Ok((Some(toks), dash + 3, true));
            }
            i += 1;
            continue;
        }
        if input[i..].starts_with("}}") {
            return Ok((Some(toks), i + 2, false));
        }
        let single = match c {
            b'|' => Some(Tok::Pipe),
            b'(' => Some(Tok::Open),
            b')' => Some(Tok::Close),
            b',' => Some(Tok::Comma),
            b'=' => Some(Tok::Assign),
            _ => None,
        };
        if let Some(tok) = single {
            toks.push(tok);
            i += 1;
            continue;
        }
        match c {
            b':' if input[i..].starts_with(":=") => {
                toks.push(Tok::Declare);
                i += 2;
            }
            b'"' => {
                let (text, len) = lex_quoted(&input[i..]).map_err(parse)?;
                toks.push(Tok::Str(text));
                i += len;
            }
            b'`' => {
                let end = input[i + 1..]
                    .find('`')
                    .ok_or_else(|| parse("unterminated raw quoted string".to_owned()))?;
                toks.push(Tok::Str(input[i + 1..i + 1 + end].to_owned()));
                i += end + 2;
            }
            b'\'' => {
                return Err(Fail::Unsupported("character constants ('x')".to_owned()));
            }
            b'.' => {
                let name_len = ident_len(&input[i + 1..]);
                if name_len == 0 {
                    if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                        let len = number_len(&input[i..]);
                        toks.push(Tok::Num(input[i..i + len].to_owned()));
                        i += len;
                    } else {
                        toks.push(Tok::Dot);
                        i += 1;
                    }
                } else {
                    let name = input[i + 1..i + 1 + name_len].to_owned();
                    let glued = i > 0
                        && !is_space(bytes[i - 1] as char)
                        && matches!(
                            toks.last(),
                            Some(Tok::Field(_) | Tok::Chain(_) | Tok::Var(_) | Tok::Close)
                        );
                    toks.push(if glued {
                        Tok::Chain(name)
                    } else {
                        Tok::Field(name)
                    });
                    i += 1 + name_len;
                }
            }
            b'$' => {
                let name_len = ident_len(&input[i + 1..]);
                toks.push(Tok::Var(input[i..i + 1 + name_len].to_owned()));
                i += 1 + name_len;
            }
            b'-' | b'+' | b'0'..=b'9' => {
                let len = number_len(&input[i..]);
                if len == 0 {
                    return Err(parse(format!("unexpected {:?} in action", c as char)));
                }
                toks.push(Tok::Num(input[i..i + len].to_owned()));
                i += len;
            }
            _ => {
                let len = ident_len(&input[i..]);
                if len == 0 {
                    let ch = input[i..].chars().next().unwrap_or(' ');
                    return Err(parse(format!("unexpected {ch:?} in action")));
                }
                toks.push(Tok::Ident(input[i..i + len].to_owned()));
                i += len;
            }
        }
    }
    Err(parse("unclosed action (missing }})".to_owned()))
}

fn ident_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map_or(s.len(), |(i, _)| i)
}

fn number_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let start = i;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric()
            || bytes[i] == b'.'
            || bytes[i] == b'_'
            || (matches!(bytes[i], b'+' | b'-')
                && matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P')))
    {
        i += 1;
    }
    if i == start { 0 } else { i }
}

/// A Go interpreted string literal starting at `"`: its value and length in the source.
fn lex_quoted(s: &str) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\n' => break,
            '\\' => {
                let (_, e) = chars.next().ok_or("unterminated quoted string")?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\x07'),
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'v' => out.push('\x0b'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let digits = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = (0..digits)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .map_err(|_| format!("invalid escape \\{e}{hex} in quoted string"))?;
                        let ch = char::from_u32(code)
                            .ok_or_else(|| format!("invalid escape \\{e}{hex} in quoted string"))?;
                        out.push(ch);
                    }
                    other => return Err(format!("unknown escape \\{other} in quoted string")),
                }
            }
            c => out.push(c),
        }
    }
    Err("unterminated quoted string".to_owned())
}

/// Parses a whole template.
pub fn parse(source: &str) -> Result<Vec<Node>, Fail> {
    let pieces = split(source)?;
    let mut parser = Parser {
        pieces: pieces.into_iter().peekable(),
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
                    nodes.push(self.control(&keyword, toks, line)?);
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
