//! `walk(x)` assigned in a statement (`[path, value] := walk(x)`), rewritten at load time to the
//! output-argument form `walk(x, [path, value])`, the one regorus enumerates.
//!
//! In OPA (v1.22.3) `walk` is a relation: `[path, value] := walk(x)` and `pv = walk(x)` bind each
//! pair of the walk in turn, as `walk(x, [path, value])` does (compliance case `walkbuiltin/array
//! path not overwritten`). regorus 0.14 enumerates only the output-argument form; assigned, the
//! call yields nothing, so a rule or comprehension built on it is silently empty (a `deny` that
//! never fires). A statement that is exactly `term := walk(arg)` or `term = walk(arg)` is
//! rewritten; the texts of `term` and `arg` are kept, so lines keep their numbers. Other uses of
//! `walk` reach regorus unchanged.

use regorus::unstable::TokenKind;

use super::source_edits::{self, Token};

/// The policy text with each assigned `walk(…)` statement in the output-argument form, or `None`
/// when there is none (or the text does not lex: the engine then reports it).
pub(crate) fn rewrite(path: &str, text: &str) -> Option<String> {
    if !text.contains("walk") {
        return None;
    }
    let tokens = source_edits::tokens(path, text)?;
    let t = |i: usize| tokens.get(i).map_or("", |(_, t, _)| t.as_str());
    // bracket depth before each token: at depth 0 a statement follows `if` (else it is a head)
    let mut depths = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    for (kind, t, _) in &tokens {
        depths.push(depth);
        match t.as_str() {
            "(" | "[" | "{" | "set(" if *kind == TokenKind::Symbol || t == "set(" => depth += 1,
            ")" | "]" | "}" if *kind == TokenKind::Symbol => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut edits = Vec::new();
    for i in 2..tokens.len() {
        let call = t(i) == "walk" && tokens[i].0 == TokenKind::Ident && t(i + 1) == "(";
        if !call || !matches!(t(i - 1), ":=" | "=") {
            continue;
        }
        let Some((close, commas)) = source_edits::call_arguments(&tokens, i + 1) else {
            continue;
        };
        if !commas.is_empty() || !ends_statement(&tokens, close) {
            continue;
        }
        let Some(first) = term_start(&tokens, i - 2) else {
            continue;
        };
        let in_head = depths[first] == 0 && (first == 0 || t(first - 1) != "if");
        if in_head || !starts_statement(&tokens, first) {
            continue;
        }
        let span = |k: usize| {
            (
                tokens[k].2.start as usize,
                source_edits::end(text, &tokens[k].2),
            )
        };
        let term = text.get(span(first).0..span(i - 2).1)?;
        let arg = text.get(span(i + 1).1..span(close).0)?;
        edits.push((span(first).0, span(close).1, format!("walk({arg}, {term})")));
    }
    super::undefined::edited(text, edits)
}

/// The first token of the term that ends at token `last`: a variable, or a bracketed array or
/// object written whole.
fn term_start(tokens: &[Token], last: usize) -> Option<usize> {
    let (kind, t, _) = tokens.get(last)?;
    if *kind == TokenKind::Ident {
        return Some(last);
    }
    if !matches!(t.as_str(), "]" | "}") || *kind != TokenKind::Symbol {
        return None;
    }
    let mut depth = 0usize;
    for k in (0..=last).rev() {
        let (kind, t, _) = &tokens[k];
        if *kind != TokenKind::Symbol && t != "set(" {
            continue;
        }
        match t.as_str() {
            "]" | "}" | ")" => depth += 1,
            "[" | "{" | "(" | "set(" => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether token `k` starts a statement: first on its line or after `{`, `;`, `|` or `if`.
fn starts_statement(tokens: &[Token], k: usize) -> bool {
    k == 0
        || tokens[k - 1].2.line < tokens[k].2.line
        || matches!(tokens[k - 1].1.as_str(), "{" | ";" | "|" | "if")
}

/// Whether the statement ends after token `k`: at the end of its line, of the text, or before
/// `;`, `}` or `]`.
fn ends_statement(tokens: &[Token], k: usize) -> bool {
    tokens
        .get(k + 1)
        .is_none_or(|(_, t, s)| s.line > tokens[k].2.line || matches!(t.as_str(), ";" | "}" | "]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(policy: &str) -> String {
        super::super::engine::query_json(&[policy], false, "data.t.p")
    }

    /// Each value is what `opa eval` (v1.22.3) gives for the same rule.
    #[test]
    fn assigned_walks_enumerate_as_in_opa() {
        let p = |rule: &str| format!("package t\n\nx := {{\"a\": [1, 2]}}\n\n{rule}\n");
        let pairs = r#"[[[],{"a":[1,2]}],[["a"],[1,2]],[["a",0],1],[["a",1],2]]"#;
        assert_eq!(
            eval(&p("p := [[path, value] | [path, value] := walk(x)]")),
            pairs
        );
        assert_eq!(eval(&p("p := [pv | pv := walk(x)]")), pairs);
        assert_eq!(
            eval(&p("p := [v | [_, v] = walk(x); is_number(v)]")),
            "[1,2]"
        );
        assert_eq!(
            eval(&p("p contains k if {\n  [k, v] := walk(x)\n  v == 2\n}")),
            r#"[["a",1]]"#
        );
    }

    #[test]
    fn lines_keep_their_numbers_and_other_uses_are_left_alone() {
        let text = "package t\n\np if {\n  [path,\n   value] := walk(input) # x := walk(y)\n  value == 1\n}\n";
        assert_eq!(
            rewrite("t.rego", text).expect("rewritten"),
            "package t\n\np if {\n  walk(input, [path,\n   value]) # x := walk(y)\n  value == 1\n}\n"
        );
        for untouched in [
            "package t\np if walk(input, [_, v])\n",
            "package t\np if { y := walk(input)[0] }\n",
            "package t\np if { y := walk(input) with input as 1 }\n",
            "package t\np if { y := data.lib.walk(input) }\n",
            "package t\nq := \"y := walk(x)\"\n",
            "package t\nq := walk(input)\n",
        ] {
            assert_eq!(rewrite("t.rego", untouched), None, "{untouched}");
        }
    }
}
