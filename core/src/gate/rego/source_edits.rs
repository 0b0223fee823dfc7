//! Load-time rewrites of policy text by tokens: the text lexed as regorus lexes it, and the
//! arguments of a call found among its tokens (the edits end in `undefined::apply`).

use regorus::unstable::{Span, TokenKind};

/// A token: its kind, its text and where it is.
pub(crate) type Token = (TokenKind, String, Span);

/// The tokens of `text` (without the end), or `None` when it does not lex (the engine then
/// reports the error itself).
pub(crate) fn tokens(path: &str, text: &str) -> Option<Vec<Token>> {
    let source = super::parse::source(path, text)?;
    let mut lexer = super::parse::lexer(&source);
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token().ok()?;
        if token.0 == TokenKind::Eof {
            return Some(tokens);
        }
        tokens.push((token.0, token.1.text().to_string(), token.1));
    }
}

/// Where the text of `span` ends in `text`: regorus's spans of string literals leave out their
/// quotes, so a statement ending with a string (`c := "c"`) ends one byte later than its span.
pub(crate) fn end(text: &str, span: &Span) -> usize {
    let end = span.end as usize;
    match text.as_bytes().get(end) {
        Some(b'"' | b'`') => end + 1,
        _ => end,
    }
}

/// Where the text of `span` starts in `text`: one byte before it for a string literal, whose
/// span leaves out its opening quote (see [`end`]).
pub(crate) fn start(text: &str, span: &Span) -> usize {
    let start = span.start as usize;
    match start.checked_sub(1).and_then(|at| text.as_bytes().get(at)) {
        Some(b'"' | b'`') => start - 1,
        _ => start,
    }
}

/// The closing bracket of the call whose `(` is token `open`, and the commas between its
/// arguments (at the call's own depth), counting every bracket kind (strings are single tokens;
/// the empty set `set()` is a `set(` token and its `)`).
pub(crate) fn call_arguments(tokens: &[Token], open: usize) -> Option<(usize, Vec<usize>)> {
    let mut depth = 0usize;
    let mut commas = Vec::new();
    for (k, (kind, t, _)) in tokens.iter().enumerate().skip(open) {
        if t == "set(" {
            depth += 1;
            continue;
        }
        if *kind != TokenKind::Symbol {
            continue;
        }
        match t.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some((k, commas));
                }
            }
            "," if depth == 1 => commas.push(k),
            _ => {}
        }
    }
    None
}
