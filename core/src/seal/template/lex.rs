//! Go `text/template` lexing: text and `{{ … }}` actions, trim markers, comments, tokens.

use super::Fail;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
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
pub struct Action {
    pub line: usize,
    pub toks: Vec<Tok>,
}

pub enum Piece {
    Text(String),
    Action(Action),
}

/// Splits the source into text and actions, applying `{{- ` / ` -}}` trimming and dropping
/// `{{/* comments */}}`.
pub fn split(source: &str) -> Result<Vec<Piece>, Fail> {
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
            // the whole run of spaces at once: one step per space rescanned the run (quadratic:
            // 20 KB of spaces took 7 s, found by `fuzz_template`)
            let after = input[i..].trim_start_matches(is_space);
            let dash = input.len() - after.len();
            // ` -}}` closes with a right trim marker
            if after.starts_with("-}}") {
                return Ok((Some(toks), dash + 3, true));
            }
            i = dash;
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
