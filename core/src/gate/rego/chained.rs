//! Rego v0's chained rule bodies (`p[x] { a } { b }`), split into one rule per body at load time.
//!
//! OPA (v1.22.3) reads a body that directly follows another rule's body as a second definition of
//! the same head ("incremental definition"), for every kind of rule. regorus 0.14 rejects it for
//! partial set rules ("else cannot be used with set rules"), which gatekeeper-library's
//! `noupdateserviceaccount` uses. Repeating the head before each chained body means the same to
//! OPA and is accepted by regorus. The head is repeated on the body's own line, so every line
//! keeps its number.

/// The v0 policy text with every chained body given its rule's head, or `None` when there is none
/// (or the result would not parse: then regorus sees the text as written).
pub(crate) fn split(path: &str, text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut edits: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    // Head of the rule whose body is open (or was the last one closed) at depth 0.
    let mut head: Option<String> = None;
    // A body just closed at depth 0, and nothing but blanks and comments since.
    let mut after_body = false;
    // The `{` open at depth 0 starts a body (not an object or set in a head: `p = {…} {`).
    let mut in_body = false;
    // The last byte before this one that is not blank or inside a comment.
    let mut last = b'\n';
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                after_body = false;
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
                after_body = false;
            }
            b'{' if depth == 0 => {
                in_body = !matches!(last, b'=' | b',' | b':');
                if after_body {
                    edits.push((i, format!("{} ", head.clone()?)));
                } else if in_body {
                    let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                    head = Some(text[line_start..i].trim().to_string())
                        .filter(|h| !h.is_empty() && !h.contains('#'));
                }
                after_body = false;
                depth += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                after_body = false;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                after_body = depth == 0 && bytes[i] == b'}' && in_body;
            }
            b if b.is_ascii_whitespace() => {}
            _ => after_body = false,
        }
        if let Some(&b) = bytes.get(i).filter(|b| !b.is_ascii_whitespace()) {
            last = b;
        }
        i += 1;
    }
    if edits.is_empty() {
        return None;
    }
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.1.len()).sum::<usize>());
    let mut at = 0;
    for (pos, insert) in edits {
        out.push_str(text.get(at..pos)?);
        out.push_str(&insert);
        at = pos;
    }
    out.push_str(text.get(at..)?);
    super::undefined::parse(path, &out, true).map(|_| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_chained_body_gets_the_head_on_its_own_line() {
        let text = "package p\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a\"\n} {\n  input.b # } {\n  msg := \"}\"\n}\n";
        assert_eq!(
            split("p.rego", text).unwrap(),
            "package p\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a\"\n} violation[{\"msg\": msg}] {\n  input.b # } {\n  msg := \"}\"\n}\n"
        );
    }

    #[test]
    fn separate_rules_and_else_chains_are_left_alone() {
        assert_eq!(
            split(
                "p.rego",
                "package p\np { true }\nq = {\"a\": 1}\nr = 1 { false } else = 2 { true }\nf(c) = {\"p\": c} {\n  c\n}\n"
            ),
            None
        );
    }
}
