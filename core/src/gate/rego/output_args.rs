//! The output-argument style for builtins sealgate adds as extensions, rewritten at load time:
//! `crypto.sha256("x", h)` becomes `h = crypto.sha256("x")`.
//!
//! OPA accepts any builtin call with one argument more than the builtin takes as a statement
//! that unifies the result with that last argument. regorus does the same for its own builtins
//! but knows no extension's arity, so the extra argument is read as a variable used before it is
//! bound ("var h is unsafe"). A call with exactly one argument more than an extension takes can
//! only be such a statement, so it is rewritten to the unification OPA means. The replacement
//! keeps the call's line breaks, so positions in later errors do not move; a name reached through
//! a ref (`data.lib.any(…)`) is not a builtin and stays.

use regorus::unstable::TokenKind;

use super::source_edits;

/// The policy text with each output-argument call of a builtin in `builtins` (name, arity)
/// rewritten, or `None` when there is none (or the text does not lex: the engine then reports
/// the error itself).
pub(crate) fn rewrite(path: &str, text: &str, builtins: &[(&str, u8)]) -> Option<String> {
    if !builtins.iter().any(|(name, _)| text.contains(name)) {
        return None;
    }
    let tokens = source_edits::tokens(path, text)?;
    let symbol = |i: usize, s: &str| {
        tokens
            .get(i)
            .is_some_and(|(k, t, _)| *k == TokenKind::Symbol && t == s)
    };
    let mut edits = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // a dotted name that does not continue a ref, followed by `(`
        let mut name = String::new();
        let mut j = i;
        while tokens
            .get(j)
            .is_some_and(|(k, _, _)| *k == TokenKind::Ident)
        {
            name.push_str(&tokens[j].1);
            if symbol(j + 1, ".") {
                name.push('.');
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        let arity = builtins
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, arity)| usize::from(*arity));
        let (Some(arity), true, false) = (arity, symbol(j, "("), i > 0 && symbol(i - 1, "."))
        else {
            i = j.max(i + 1);
            continue;
        };
        let (close, mut commas) = source_edits::call_arguments(&tokens, j)?;
        // a trailing comma (`f(a, out,\n)`) ends the list without another argument
        let mut output_end = close;
        if commas.last().is_some_and(|c| c + 1 == close) {
            output_end = commas.pop()?;
        }
        if commas.len() != arity || arity == 0 {
            i = j + 1;
            continue;
        }
        let span = |k: usize| {
            tokens
                .get(k)
                .map(|(_, _, s)| (s.start as usize, s.end as usize))
        };
        let start = span(i)?.0;
        let end = span(close)?.1;
        let last_comma = *commas.last()?;
        let call = text.get(start..span(last_comma)?.0)?;
        let output = text.get(span(last_comma)?.1..span(output_end)?.0)?.trim();
        // the call's own text stays (a raw string may hold line breaks); those of the removed
        // last argument are kept after it
        let breaks = text.get(span(last_comma)?.0..end)?.matches('\n').count();
        edits.push((
            start,
            end,
            format!("{output} = {call}){}", "\n".repeat(breaks)),
        ));
        i = close + 1;
    }
    super::undefined::edited(text, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTINS: &[(&str, u8)] = &[("crypto.sha256", 1), ("any", 1)];

    #[test]
    fn output_arguments_become_unifications() {
        let text = "package p\n\np contains h if {\n  crypto.sha256(\"a,(b)\", h)\n  any([true,\n    false], [x])\n  any(set(), y)\n  any(\n    [1],\n    z,\n  )\n}\n";
        assert_eq!(
            rewrite("p.rego", text, BUILTINS).as_deref(),
            Some(
                "package p\n\np contains h if {\n  h = crypto.sha256(\"a,(b)\")\n  [x] = any([true,\n    false])\n  y = any(set())\n  z = any(\n    [1])\n\n\n}\n"
            )
        );
    }

    #[test]
    fn ordinary_calls_and_refs_stay() {
        for text in [
            "package p\nh := crypto.sha256(\"a\")\n",
            "package p\nh := data.lib.any([1], x)\n",
            "package p\nx := crypto.sha512(\"a\", h)\n",
            "package p\nx := 1\n",
        ] {
            assert_eq!(rewrite("p.rego", text, BUILTINS), None, "{text}");
        }
    }
}
