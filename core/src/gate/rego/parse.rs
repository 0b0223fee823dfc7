//! Rego text parsed and lexed for sealgate's load-time rewrites with the length limits the
//! engine itself gets, so a module the engine accepts is never skipped by a rewrite.
//!
//! regorus refuses a line over 1,024 columns or a module over 20,000 lines or 1 MiB by default,
//! which OPA does not: OPA's own compliance cases hold JWTs and PEM keys on one line (65 failed
//! here), and generated policies run long. sealgate bounds a module by the input limit every
//! manifest reader has (`--max-file-size-mib`'s default) in bytes and lines, and a line by
//! 65,535 columns (see [`MAX_COLUMNS`]); the parse itself is under `--policy-timeout`.

use std::num::{NonZeroU32, NonZeroUsize};

use regorus::unstable::{Lexer, Module, Parser, Source};
use regorus::utils::limits::PolicyLengthConfig;

/// Columns of one line: regorus writes an error's position as a padding width, and Rust's
/// formatter panics on a width past `u16::MAX` (a bad character in a string at column 70,000
/// aborted `validate`; string errors are placed past any column limit), so a line of this many
/// bytes or more is refused before regorus sees it ([`overlong_line`]).
pub(crate) const MAX_COLUMNS: u32 = u16::MAX as u32;

/// The first line (1-based) of `text` that is [`MAX_COLUMNS`] bytes or longer, if any.
pub(crate) fn overlong_line(text: &str) -> Option<usize> {
    let limit = usize::try_from(MAX_COLUMNS).unwrap_or(usize::MAX);
    text.split('\n')
        .position(|line| line.len() >= limit)
        .map(|i| i + 1)
}

/// The limits of one Rego module: bytes, lines and columns of one line.
pub(crate) fn limits() -> PolicyLengthConfig {
    let bytes = usize::try_from(crate::manifest::DEFAULT_MAX_BYTES).unwrap_or(usize::MAX);
    let bytes = NonZeroUsize::new(bytes).unwrap_or(NonZeroUsize::MAX);
    PolicyLengthConfig {
        max_col: NonZeroU32::new(MAX_COLUMNS).unwrap_or(NonZeroU32::MIN),
        max_file_bytes: bytes,
        max_lines: bytes,
    }
}

/// `text` as a regorus source under [`limits`], or `None` when it is over them (the engine then
/// reports it).
pub(crate) fn source(path: &str, text: &str) -> Option<Source> {
    checked_source(path, text).ok()
}

/// [`source`] with the limit `text` is over.
fn checked_source(path: &str, text: &str) -> Result<Source, String> {
    if let Some(line) = overlong_line(text) {
        return Err(format!(
            "{path}: line {line} is {MAX_COLUMNS} bytes or longer"
        ));
    }
    let limits = limits();
    Source::from_contents_with_limits(
        path.to_owned(),
        text.to_owned(),
        limits.max_file_bytes,
        limits.max_lines,
    )
    .map_err(|e| e.to_string())
}

/// A lexer over `source` with [`limits`]' column limit.
pub(crate) fn lexer(source: &Source) -> Lexer<'_> {
    let mut lexer = Lexer::new(source);
    lexer.set_max_col(limits().max_col);
    lexer
}

/// `text` parsed as a Rego v0 or v1 module, or `None` when it does not parse (the engine then
/// reports the syntax error itself).
pub(crate) fn module(path: &str, text: &str, v0: bool) -> Option<Module> {
    parsed(path, text, v0).ok()
}

/// [`module`] with the reason a text does not parse (regorus's message, or the limit it is over:
/// a chain of operators longer than [`super::chains::MAX_CHAIN`] is refused before regorus
/// builds, and then drops, a tree that overflows the stack).
pub(crate) fn parsed(path: &str, text: &str, v0: bool) -> Result<Module, String> {
    if let Some(line) = super::chains::overlong_chain(path, text) {
        return Err(format!(
            "{path}:{line}: more than {} operators or reference segments in one expression",
            super::chains::MAX_CHAIN
        ));
    }
    let source = checked_source(path, text)?;
    let mut parser = Parser::new(&source).map_err(|e| e.to_string())?;
    parser.set_max_col(limits().max_col);
    if !v0 {
        parser.enable_rego_v1().map_err(|e| e.to_string())?;
    }
    parser.parse().map_err(|e| e.to_string())
}

/// The package path of a parsed module (`["a", "b"]` of `package a.b`).
pub(crate) fn package(module: &Module) -> Option<Vec<String>> {
    Some(
        Parser::get_path_ref_components(&module.package.refr)
            .ok()?
            .iter()
            .map(|s| s.text().to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OPA's compliance cases hold keys on one line: regorus's default refused past 1,024 columns,
    /// and every rewrite skipped such a module silently.
    #[test]
    fn a_line_of_thousands_of_columns_parses_and_lexes() {
        let key = "k".repeat(5_000);
        let text = format!("package p\n\nkey := \"{key}\"\n\nallow if count(key) > 0\n");
        let module = module("p.rego", &text, false).expect("parses");
        assert_eq!(module.policy.len(), 2);
        let source = source("p.rego", &text).expect("within the limits");
        let mut lexer = lexer(&source);
        let mut tokens = 0;
        while lexer.next_token().expect("lexes").0 != regorus::unstable::TokenKind::Eof {
            tokens += 1;
        }
        assert_eq!(tokens, 13);
        // and so does the engine
        let mut engine = crate::gate::rego::engine::new_engine(std::time::Duration::from_secs(5))
            .expect("engine");
        engine
            .add_policy("p.rego".to_owned(), text)
            .expect("the engine accepts it");
    }

    /// Found by the logic-operators helper: a syntax error past column 65,535 made regorus's
    /// error formatting panic (exit 101). Such a line is now one "too long" error, everywhere.
    #[test]
    fn a_line_past_65535_columns_is_an_error_not_a_panic() {
        let text = format!("package p\n\nx := \"{}\n", "a".repeat(70_000));
        assert!(module("p.rego", &text, false).is_none());
        let mut engine = crate::gate::rego::engine::new_engine(std::time::Duration::from_secs(5))
            .expect("engine");
        let error = crate::gate::rego::engine::add_policy(&mut engine, "p.rego", &text, false)
            .expect_err("too long");
        assert!(
            error.to_string().contains("line 3 is 70006 bytes long"),
            "{error}"
        );
    }
}
