//! `print(…)` calls erased at load time: sealgate gathers print output only to drop it (reports
//! own stdout), and regorus formats every argument before it could be measured.
//!
//! regorus's `print` writes each argument out with no size check, outside any builtin sealgate can
//! guard (`print` cannot be an extension: extensions take a fixed number of arguments, `print`
//! any). A policy that prints a value built by doubling shared arrays asks for gigabytes in one
//! call and aborts the process (see `value_size`). OPA's `print` never fails and never makes its
//! body undefined (undefined arguments print as `<undefined>`), so replacing the call with `true`
//! keeps the policy's meaning. The replacement keeps the call's line breaks, so positions in later
//! errors do not move. A module that defines its own `print` (a rule head at the start of a line)
//! is left as it is.

use regorus::unstable::TokenKind;

use super::source_edits;

/// The policy text with every builtin `print(…)` call replaced by `true`, or `None` when there is
/// none (or the text does not lex: the engine then reports the error itself).
pub(crate) fn rewrite(path: &str, text: &str) -> Option<String> {
    if !text.contains("print") {
        return None;
    }
    let tokens = source_edits::tokens(path, text)?;
    let is = |i: usize, kind: TokenKind, word: &str| {
        tokens
            .get(i)
            .is_some_and(|(k, t, _)| *k == kind && t == word)
    };
    let mut edits = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let starts_call = is(i, TokenKind::Ident, "print")
            && is(i + 1, TokenKind::Symbol, "(")
            && !(i > 0 && is(i - 1, TokenKind::Symbol, "."));
        if !starts_call {
            i += 1;
            continue;
        }
        if tokens.get(i).is_some_and(|(_, _, span)| span.col == 1) {
            // `print(x) := …` at the start of a line: the module's own function
            return None;
        }
        let (last, _) = source_edits::call_arguments(&tokens, i + 1)?;
        let end = tokens.get(last).map(|(_, _, span)| span.end as usize)?;
        let start = tokens.get(i).map(|(_, _, span)| span.start as usize)?;
        let breaks = text.get(start..end)?.matches('\n').count();
        edits.push((start, end, format!("true{}", "\n".repeat(breaks))));
        i = last + 1;
    }
    super::undefined::edited(text, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_calls_become_true_and_keep_their_lines() {
        let text =
            "package p\n\nallow if {\n  print(\"a)\", [1, (2)],\n    input.x)\n  x := 1\n}\n";
        let out = rewrite("p.rego", text);
        assert_eq!(
            out.as_deref(),
            Some("package p\n\nallow if {\n  true\n\n  x := 1\n}\n")
        );
        assert_eq!(rewrite("p.rego", "package p\nx := 1\n"), None);
        // the empty set is one `set(` token: its `)` does not end the call
        assert_eq!(
            rewrite("p.rego", "package p\nx if {\n  print(set(), 1)\n}\n").as_deref(),
            Some("package p\nx if {\n  true\n}\n")
        );
        // a ref ending in `print`, and a module's own print function, stay
        assert_eq!(
            rewrite("p.rego", "package p\nx := data.lib.print(1)\n"),
            None
        );
        assert_eq!(
            rewrite("p.rego", "package p\nprint(x) := x\ny := print(1)\n"),
            None
        );
    }
}
