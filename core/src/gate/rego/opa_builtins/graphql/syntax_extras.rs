//! The query-document syntax gqlparser v2.5.64 accepts and apollo-parser 0.8 does not:
//! a description before an operation or fragment (`"why" query Q { … }`) and variables on a
//! fragment definition (`fragment F($v: Int = 1) on T { … }`). They are cut out of the source
//! (blanked byte for byte, so offsets and line numbers stay) before apollo-parser reads it, and
//! handed back by the offset of the keyword they belong to.

use std::collections::HashMap;
use std::ops::Range;

use apollo_parser::{Lexer, Token, TokenKind};

/// What was cut before or after one operation's or fragment's keyword: source text.
#[derive(Default, Debug)]
pub(super) struct Extras {
    /// The description's string literal, quotes and escapes included.
    pub description: Option<String>,
    /// A fragment's variable definitions, parentheses included.
    pub variables: Option<String>,
}

/// `source` with the extras blanked out, and the extras by the byte offset of their keyword.
pub(super) fn cut(source: &str) -> (String, HashMap<usize, Extras>) {
    let tokens: Vec<Token<'_>> = Lexer::new(source)
        .flatten()
        .filter(|t| {
            !matches!(
                t.kind(),
                TokenKind::Whitespace | TokenKind::Comma | TokenKind::Comment
            )
        })
        .collect();
    let mut extras: HashMap<usize, Extras> = HashMap::new();
    let mut blanks: Vec<Range<usize>> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        i += 1;
        match token.kind() {
            TokenKind::LCurly | TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RCurly | TokenKind::RParen | TokenKind::RBracket => {
                depth = depth.saturating_sub(1);
            }
            TokenKind::StringValue if depth == 0 => {
                if let Some(keyword) = tokens.get(i).filter(|k| {
                    k.kind() == TokenKind::Name
                        && matches!(k.data(), "query" | "mutation" | "subscription" | "fragment")
                }) {
                    extras.entry(keyword.index()).or_default().description =
                        Some(token.data().to_owned());
                    blanks.push(token.index()..token.index() + token.data().len());
                }
            }
            TokenKind::Name if depth == 0 && token.data() == "fragment" => {
                let named = tokens.get(i).is_some_and(|t| t.kind() == TokenKind::Name);
                let open = tokens.get(i + 1).filter(|t| t.kind() == TokenKind::LParen);
                if let (true, Some(open)) = (named, open)
                    && let Some(close) = closing(&tokens, i + 1)
                {
                    let range = open.index()..close.index() + close.data().len();
                    extras.entry(token.index()).or_default().variables =
                        source.get(range.clone()).map(str::to_owned);
                    blanks.push(range);
                }
            }
            _ => {}
        }
    }
    if blanks.is_empty() {
        return (source.to_owned(), extras);
    }
    let mut bytes = source.as_bytes().to_vec();
    for range in blanks {
        for b in bytes.get_mut(range).into_iter().flatten() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // whole tokens were blanked, so the bytes are still UTF-8
    match String::from_utf8(bytes) {
        Ok(blanked) => (blanked, extras),
        Err(_) => (source.to_owned(), HashMap::new()),
    }
}

/// The token closing the bracket at `open`.
fn closing<'a>(tokens: &[Token<'a>], open: usize) -> Option<Token<'a>> {
    let mut depth = 0usize;
    for token in tokens.get(open..)? {
        match token.kind() {
            TokenKind::LCurly | TokenKind::LParen | TokenKind::LBracket => depth += 1,
            TokenKind::RCurly | TokenKind::RParen | TokenKind::RBracket => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(token.clone());
                }
            }
            _ => {}
        }
    }
    None
}
