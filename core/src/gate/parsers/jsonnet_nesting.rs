//! How deep a Jsonnet file nests, from its tokens, before rsjsonnet-lang's parser and analyzer
//! (which recurse) read it: see [`too_deep`].

use rsjsonnet_lang::arena::Arena;

use super::jsonnet::MAX_NESTING;

/// Where `code` first nests deeper than [`MAX_NESTING`], by its tokens (rsjsonnet-lang's own
/// lexer, which does not recurse). A level is an open bracket; a construct that parses the rest
/// of its expression inside it (`local`, `if`, `function`, `assert`, `error`, imports, `for`),
/// until a comma or the bracket's close; and a link of a chain (`.field`, a call, an index, an
/// object applied, a prefix operator), until the chain ends. `None` when it stays within, or
/// does not lex (the parser then says why). Before lexing, a run of more than [`MAX_NESTING`]
/// operator characters is refused: the lexer reads one in quadratic time (minutes for 100,000
/// minus signs), and no real file holds one outside a string.
pub(super) fn too_deep(code: &[u8]) -> Option<(usize, String)> {
    let mut run = 0usize;
    for (i, b) in code.iter().enumerate() {
        if b"!$:~+-&|^=<>*/%".contains(b) {
            run += 1;
            if run > MAX_NESTING {
                return Some((
                    i,
                    format!("more than {MAX_NESTING} operator characters in a row"),
                ));
            }
        } else {
            run = 0;
        }
    }
    use rsjsonnet_lang::token::{STokenKind as S, TokenKind as T};
    /// An open bracket (or the file): its constructs, and its current chain's links.
    struct Level {
        units: usize,
        chain: usize,
    }
    let (arena, ast_arena) = (Arena::new(), Arena::new());
    let interner = rsjsonnet_lang::interner::StrInterner::new();
    let mut spans = rsjsonnet_lang::span::SpanManager::new();
    let (ctx, _) = spans.insert_source_context(code.len());
    let tokens =
        rsjsonnet_lang::lexer::Lexer::new(&arena, &ast_arena, &interner, &mut spans, ctx, code)
            .lex_to_eof(false)
            .ok()?;
    let mut open = vec![Level { units: 0, chain: 0 }];
    let mut depth = 0usize;
    // Whether the token before ends an operand (so `(`, `[`, `{` after it extend a chain).
    let mut after_operand = false;
    for token in &tokens {
        let mut ends_operand = false;
        let top = open.len() - 1;
        match token.kind {
            T::Ident(_) | T::Number(_) | T::String(_) | T::TextBlock(_) => ends_operand = true,
            T::Simple(S::Self_ | S::Super | S::Dollar | S::True | S::False | S::Null) => {
                ends_operand = true;
            }
            T::Simple(S::LeftBrace | S::LeftBracket | S::LeftParen) => {
                if after_operand {
                    open[top].chain += 1;
                    depth += 1;
                }
                open.push(Level { units: 1, chain: 0 });
                depth += 1;
            }
            T::Simple(S::RightBrace | S::RightBracket | S::RightParen) => {
                if open.len() > 1
                    && let Some(level) = open.pop()
                {
                    depth -= level.units + level.chain;
                }
                ends_operand = true;
            }
            T::Simple(S::Dot) => {
                open[top].chain += 1;
                depth += 1;
            }
            T::Simple(S::Minus | S::Plus | S::Exclam | S::Tilde) if !after_operand => {
                open[top].chain += 1;
                depth += 1;
            }
            T::Simple(S::Comma) => {
                // What the item before the comma opened is closed; the bracket stays.
                let bracket = usize::from(top > 0);
                let level = &mut open[top];
                depth -= level.units - bracket + level.chain;
                level.units = bracket;
                level.chain = 0;
            }
            T::Simple(
                S::Local
                | S::If
                | S::Function
                | S::Assert
                | S::Error
                | S::Import
                | S::Importstr
                | S::Importbin
                | S::For,
            ) => {
                let level = &mut open[top];
                depth = depth - level.chain + 1;
                level.chain = 0;
                level.units += 1;
            }
            _ => {
                let level = &mut open[top];
                depth -= level.chain;
                level.chain = 0;
            }
        }
        after_operand = ends_operand;
        if depth > MAX_NESTING {
            let (_, start, _) = spans.get_span(token.span);
            return Some((start, format!("nested deeper than {MAX_NESTING} levels")));
        }
    }
    None
}
