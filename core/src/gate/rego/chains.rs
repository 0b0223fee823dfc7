//! How long a chain of operators a policy (or a text given to `rego.parse_module`) may have,
//! checked on the tokens before regorus parses them.
//!
//! regorus parses `1 + 1 + … + 1` without recursion but builds one nested node per operator,
//! and dropping that tree (regorus), like reading it (every load-time rewrite), recurses once
//! per level: a chain of a thousand operators overflowed a 2 MiB thread's stack, 30,000 the
//! main thread's (the process aborts). A reference is built the same way, one nested node per
//! `.field` or `[key]` (`input.a.a.…` with 1,700 segments overflowed a 2 MiB thread), so the
//! segments of the reference being read add to the depth too (those of separate references do
//! not: `input.a or input.b or …` is one level per `or`). The operators of one expression plus
//! the segments of the reference at hand, summed over the brackets it is nested in, may number at
//! most [`MAX_CHAIN`] (hand-written Rego has a handful; OPA has no such limit).

use regorus::unstable::TokenKind;

use super::parse;

/// Deepest tree accepted: operators in one expression plus the segments of a reference in it,
/// counted through the brackets around it.
pub(crate) const MAX_CHAIN: usize = 500;

const OPERATORS: [&str; 14] = [
    "+", "-", "*", "/", "%", "&", "|", "==", "!=", "<", "<=", ">", ">=", "in",
];

/// One open bracket (or the statement outside all of them) as the scan sees it.
#[derive(Default)]
struct Level {
    /// Operators so far in its expression.
    operators: usize,
    /// Segments (`.field`, `[key]`) so far of the reference being read, if one is.
    segments: usize,
    /// Whether the bracket is a `(`: a new line does not end a statement inside it.
    parens: bool,
}

/// The line where `text` has a longer chain than [`MAX_CHAIN`], if any (a text that does not
/// lex is left to the parser to report).
pub(crate) fn overlong_chain(file: &str, text: &str) -> Option<u32> {
    let source = parse::source(file, text)?;
    let mut lexer = parse::lexer(&source);
    let mut levels = vec![Level::default()];
    let mut last_line = 1;
    let mut last_joins = false;
    // the last token: a `.` (a name after it is a segment), or the end of a term (a `[` after
    // it is a reference's `[key]`)
    let mut last_was_dot = false;
    let mut last_ends_term = false;
    loop {
        let token = lexer.next_token().ok()?;
        if token.0 == TokenKind::Eof {
            return None;
        }
        let text = token.1.text();
        let is_operator = OPERATORS.contains(&text);
        let is_segment = text == "." || (text == "[" && last_ends_term);
        let joins = is_operator || is_segment;
        let level = levels.last_mut()?;
        // a new line ends a statement, unless in parentheses or next to an operator
        if token.1.line != last_line && !level.parens && !joins && !last_joins {
            level.operators = 0;
            level.segments = 0;
        }
        let is_name = matches!(token.0, TokenKind::Ident) && last_was_dot;
        if is_operator {
            level.operators += 1;
            level.segments = 0;
        } else if is_segment {
            level.segments += 1;
        } else if !is_name && !matches!(text, ")" | "]" | "}") {
            level.segments = 0;
        }
        if levels
            .iter()
            .map(|l| l.operators + l.segments)
            .sum::<usize>()
            > MAX_CHAIN
        {
            return Some(token.1.line);
        }
        match text {
            "(" | "[" | "{" | "set(" => levels.push(Level {
                parens: text == "(" || text == "set(",
                ..Level::default()
            }),
            ")" | "]" | "}" if levels.len() > 1 => {
                levels.pop();
            }
            "," | ";" | ":" | ":=" | "=" | "if" | "else" | "with" | "as" | "some" | "not" => {
                if let Some(level) = levels.last_mut() {
                    level.operators = 0;
                }
            }
            _ => {}
        }
        last_line = token.1.line;
        last_joins = joins;
        last_was_dot = text == ".";
        last_ends_term = matches!(
            token.0,
            TokenKind::Ident | TokenKind::Number | TokenKind::String | TokenKind::RawString
        ) || matches!(text, ")" | "]" | "}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_chains_are_found_through_brackets_and_lines() {
        let chain = |n: usize| "1 + ".repeat(n) + "1";
        let ok = format!("package p\n\nx := {}\n", chain(MAX_CHAIN));
        assert_eq!(overlong_chain("p.rego", &ok), None);
        let long = format!("package p\n\nx := {}\n", chain(MAX_CHAIN + 1));
        assert_eq!(overlong_chain("p.rego", &long), Some(3));
        let lines = format!(
            "package p\n\nx := {}\n",
            chain(MAX_CHAIN + 1).replace("+ ", "+\n")
        );
        assert!(overlong_chain("p.rego", &lines).is_some());
        let parens = format!("package p\n\nx := (1 + ({}))\n", chain(MAX_CHAIN));
        assert!(overlong_chain("p.rego", &parens).is_some());
        // many statements of one operator each are no chain
        let body = "\tinput.x == 1\n".repeat(2 * MAX_CHAIN);
        let many = format!("package p\n\np if {{\n{body}}}\n");
        assert_eq!(overlong_chain("p.rego", &many), None);
    }

    #[test]
    fn reference_segments_count_as_operators() {
        let dots = |n: usize| format!("package p\n\nx := input{}\n", ".a".repeat(n));
        assert_eq!(overlong_chain("p.rego", &dots(MAX_CHAIN)), None);
        assert_eq!(overlong_chain("p.rego", &dots(MAX_CHAIN + 1)), Some(3));
        let keys = |n: usize| format!("package p\n\nx := input{}\n", "[0]".repeat(n));
        assert_eq!(overlong_chain("p.rego", &keys(MAX_CHAIN)), None);
        assert_eq!(overlong_chain("p.rego", &keys(MAX_CHAIN + 1)), Some(3));
        // an array after `:=` or `in` is no segment; refs in rule heads and bodies of many lines
        let ordinary = "package p\n\nx := [1, [2, [3]]]\n\ny.z[k] := v if {\n\tsome k, v in [input.a[0].b]\n}\n";
        assert_eq!(overlong_chain("p.rego", ordinary), None);
        // separate references do not add up; a reference within a chain adds to it
        let refs = (0..2 * MAX_CHAIN)
            .map(|i| format!("input.a{i}.b[0].c"))
            .collect::<Vec<_>>()
            .join(" or ");
        assert_eq!(
            overlong_chain("p.rego", &format!("package p\n\np if {refs}\n")),
            None
        );
        let mixed = format!(
            "package p\n\nx := {}input{}\n",
            "1 + ".repeat(MAX_CHAIN / 2),
            ".a".repeat(MAX_CHAIN / 2 + 1)
        );
        assert_eq!(overlong_chain("p.rego", &mixed), Some(3));
    }

    /// A reference of 1,700 segments overflowed the fuzz test's 2 MiB thread in regorus's tree
    /// (found by `fuzz_policy_loading`): now one load error.
    #[test]
    fn a_policy_with_a_long_reference_is_one_error_not_an_abort() {
        let text = format!("package p\n\nx := input{}\n", ".spec".repeat(2_000));
        let answer = crate::gate::rego::engine::query_json(&[&text], false, "data.p.x");
        assert!(
            answer.starts_with("error: ") && answer.contains("line 3: more than 500 operators"),
            "{answer}"
        );
    }

    /// 30,000 operators over lines in parentheses aborted `validate --policy` and `policy test`
    /// (the main thread's stack overflowed in regorus's tree): now one load error.
    #[test]
    fn a_policy_with_a_longer_chain_is_one_error_not_an_abort() {
        let chain = vec!["1"; 30_000].join(" +\n");
        let text = format!("package p\n\nx := ({chain})\n");
        let answer = crate::gate::rego::engine::query_json(&[&text], false, "data.p.x");
        assert!(
            answer.starts_with("error: ") && answer.contains("line 503: more than 500 operators"),
            "{answer}"
        );
    }
}
