//! Unary minus on a reference (`-x`, `-input.n + 1`), rewritten at load time to OPA's reading
//! of it, `(0 - x)`.
//!
//! OPA (v1.22.3) parses `-` before a reference as `minus(0, ref)` on that reference alone
//! (`parseTerm`: "Unary minus on a reference: -ref → minus(0, ref)"), so `-x + 1` is `(0 - x) +
//! 1` and `-x * 3` is `(0 - x) * 3`. regorus 0.14 refuses it at evaluation ("unary - can only be
//! used with numeric literals"), and its parser reads `-x + 1` as `-(x + 1)`. A `-` where a term
//! starts (after an operator, a bracket, a comma or a keyword), followed by a reference (a name
//! with its `.field`, `[index]` and call arguments), becomes `(0 - reference)`; `-1` and `a - b`
//! are untouched. Lines keep their numbers.

use regorus::unstable::TokenKind;

use super::source_edits::{self, Token};

/// Keywords after which a term starts.
const BEFORE_TERM: &[&str] = &[
    "if", "in", "not", "some", "every", "else", "with", "as", "contains", "default", "return",
];

/// The policy text with each unary minus on a reference rewritten, or `None` when there is none
/// (or the text does not lex: the engine then reports it).
pub(crate) fn rewrite(path: &str, text: &str) -> Option<String> {
    if !text.contains('-') {
        return None;
    }
    let tokens = source_edits::tokens(path, text)?;
    let mut edits = Vec::new();
    for i in 0..tokens.len() {
        let (kind, t, _) = &tokens[i];
        if *kind != TokenKind::Symbol || t != "-" || !term_starts(&tokens, i) {
            continue;
        }
        let Some(last) = reference_end(&tokens, i + 1) else {
            continue;
        };
        let start = tokens[i].2.start as usize;
        let from = tokens[i + 1].2.start as usize;
        let end = source_edits::end(text, &tokens[last].2);
        edits.push((start, end, format!("(0 - {})", text.get(from..end)?)));
    }
    super::undefined::edited(text, edits)
}

/// Whether a term starts at token `i` (a `-` there is unary).
fn term_starts(tokens: &[Token], i: usize) -> bool {
    let Some((kind, t, _)) = i.checked_sub(1).and_then(|p| tokens.get(p)) else {
        return true;
    };
    match kind {
        TokenKind::Symbol => !matches!(t.as_str(), ")" | "]" | "}"),
        TokenKind::Ident => BEFORE_TERM.contains(&t.as_str()),
        _ => false,
    }
}

/// The last token of the reference starting at token `first` (a name, then `.name`, `[…]` and
/// `(…)`), or `None` when no name starts there.
fn reference_end(tokens: &[Token], first: usize) -> Option<usize> {
    let (kind, t, _) = tokens.get(first)?;
    if *kind != TokenKind::Ident || BEFORE_TERM.contains(&t.as_str()) {
        return None;
    }
    if matches!(t.as_str(), "true" | "false" | "null") {
        return None;
    }
    let mut last = first;
    loop {
        match tokens.get(last + 1).map(|(k, t, _)| (k, t.as_str())) {
            Some((TokenKind::Symbol, ".")) => match tokens.get(last + 2) {
                Some((TokenKind::Ident, _, _)) => last += 2,
                _ => return Some(last),
            },
            Some((TokenKind::Symbol, "[" | "(")) => {
                last = source_edits::call_arguments(tokens, last + 1)?.0;
            }
            _ => return Some(last),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gate::rego::engine::query_json;

    /// What `opa eval` (v1.22.3) answers for `data.t`.
    #[test]
    fn a_minus_before_a_reference_negates_that_reference() {
        let text = "package t\n\nx := 2\n\nf(n) := n\n\na := -x + 1\n\nb := -2 + 1\n\nc := - x * 3 + 1\n\nd := 1 - -x\n\ne := [-f(x), -data.t.v[0], -v[0]]\n\ng if -x < 0\n\nv := [4]\n";
        let got: serde_json::Value =
            serde_json::from_str(&query_json(&[text], false, "data.t")).unwrap();
        assert_eq!(
            got,
            serde_json::json!({"a": -1, "b": -1, "c": -5, "d": 3, "e": [-2, -4, -4], "g": true, "v": [4], "x": 2})
        );
    }

    #[test]
    fn binary_minus_and_numbers_are_untouched() {
        let text = "package t\n\na := x - y\n\nb := -1\n\nc := [1, 2][0] - 3\n\nd := f(1) - x\n";
        assert_eq!(super::rewrite("t.rego", text), None);
    }
}
