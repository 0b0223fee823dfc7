//! A module's comments as OPA lists them: `{"Text": <base64 of the text after `#`>,
//! "Location": {"file", "row", "col"}}` (OPA's `Comment` has no JSON tags; `Text` is bytes).
//!
//! regorus's lexer skips comments, so they are found in the gaps between its tokens: there only
//! whitespace and comments stand, and a `#` in a string is inside a token.

use std::collections::BTreeMap;

use base64::Engine as _;
use regorus::Value;
use regorus::unstable::TokenKind;

use crate::gate::rego::parse;

/// The comments of `text` (which parsed), in order.
pub(super) fn comments(file: &str, text: &str) -> Result<Vec<Value>, String> {
    let source = parse::source(file, text).ok_or("over the module limits")?;
    let mut lexer = parse::lexer(&source);
    let mut found = Vec::new();
    let mut gap_start = 0usize;
    loop {
        let token = lexer.next_token().map_err(|e| e.to_string())?;
        let start = token.1.start as usize;
        scan_gap(text, gap_start, start.min(text.len()), &mut found);
        if token.0 == TokenKind::Eof {
            break;
        }
        gap_start = token.1.end as usize;
    }
    let mut rows = Rows::new(text);
    Ok(found
        .into_iter()
        .map(|(at, comment)| {
            let (row, col) = rows.position(at);
            let mut location = BTreeMap::new();
            location.insert(Value::from("file"), Value::from(file));
            location.insert(Value::from("row"), Value::from(row));
            location.insert(Value::from("col"), Value::from(col));
            let mut entry = BTreeMap::new();
            entry.insert(Value::from("Location"), Value::from(location));
            entry.insert(
                Value::from("Text"),
                Value::from(base64::engine::general_purpose::STANDARD.encode(comment)),
            );
            Value::from(entry)
        })
        .collect())
}

/// The comments between two tokens: offset of each `#` and its text.
fn scan_gap<'t>(text: &'t str, from: usize, to: usize, found: &mut Vec<(usize, &'t str)>) {
    let Some(gap) = text.get(from..to) else {
        return;
    };
    let mut at = 0;
    while let Some(hash) = gap[at..].find('#') {
        let begin = at + hash;
        let end = gap[begin..].find('\n').map_or(gap.len(), |n| begin + n);
        found.push((from + begin, trimmed(&gap[begin + 1..end])));
        at = end;
    }
}

/// OPA's `commentFromLocText`: trailing carriage returns go, but not the last character.
fn trimmed(comment: &str) -> &str {
    if comment == "\r" {
        return "";
    }
    let mut c = comment;
    while c.len() > 1 && c.ends_with('\r') {
        c = &c[..c.len() - 1];
    }
    c
}

/// Row and column (1-based, in characters as OPA's scanner counts) of byte offsets, asked in
/// increasing order.
struct Rows<'t> {
    text: &'t str,
    row: usize,
    line_start: usize,
}

impl<'t> Rows<'t> {
    fn new(text: &'t str) -> Self {
        Rows {
            text,
            row: 1,
            line_start: 0,
        }
    }

    fn position(&mut self, at: usize) -> (usize, usize) {
        let passed = &self.text[self.line_start..at];
        if let Some(last) = passed.rfind('\n') {
            self.row += passed.matches('\n').count();
            self.line_start += last + 1;
        }
        let col = self.text[self.line_start..at].chars().count() + 1;
        (self.row, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_between_tokens_not_in_strings() {
        let text = "package p\n# one\r\nx := \"# no\" # two\n#\n";
        let found = comments("f.rego", text).expect("lexes");
        let json: Vec<String> = found
            .iter()
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .collect();
        assert_eq!(
            json,
            [
                r#"{"Location":{"col":1,"file":"f.rego","row":2},"Text":"IG9uZQ=="}"#,
                r#"{"Location":{"col":13,"file":"f.rego","row":3},"Text":"IHR3bw=="}"#,
                r#"{"Location":{"col":1,"file":"f.rego","row":4},"Text":""}"#,
            ]
        );
    }
}
