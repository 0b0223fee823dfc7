//! `rego.metadata.rule()`, which regorus does not provide, written at load time as the literal
//! annotations of the rule it is called in.
//!
//! OPA (v1.22.3) returns the `# METADATA` block directly above the rule (rule or document scope),
//! as an object with its `scope`, or `{}` when the rule has none. conftest's own
//! `tests/annotations` builds its messages from it. The block is YAML in comments, so its value is
//! known before evaluation: each call inside a rule's text becomes that JSON object, on the same
//! line. Text without the call reaches regorus byte for byte.

use regorus::unstable::Rule;
use serde_json::{Map, Value};

const CALL: &str = "rego.metadata.rule()";

/// The policy text with each `rego.metadata.rule()` replaced, or `None` when there is none (or
/// the text does not parse: the engine then reports the syntax error itself).
pub(crate) fn rewrite(path: &str, text: &str, v0: bool) -> Option<String> {
    if !text.contains(CALL) {
        return None;
    }
    let module = super::parse::module(path, text, v0)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut edits: Vec<(usize, String)> = Vec::new();
    for rule in &module.policy {
        let span = match rule.as_ref() {
            Rule::Spec { span, .. } | Rule::Default { span, .. } => span,
        };
        let (start, end) = (span.start as usize, span.end as usize);
        let body = text.get(start..end)?;
        if !body.contains(CALL) {
            continue;
        }
        let literal = serde_json::to_string(&annotations(&lines, span.line as usize)).ok()?;
        edits.extend(
            body.match_indices(CALL)
                .map(|(at, _)| (start + at, literal.clone())),
        );
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (pos, literal) in edits {
        out.push_str(text.get(at..pos)?);
        out.push_str(&literal);
        at = pos + CALL.len();
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// The `# METADATA` block in the comment lines right above `line` (1-based), as OPA gives it to
/// `rego.metadata.rule()`: its fields and `scope` (default `rule`); `{}` without one, or for a
/// scope that is not the rule's.
fn annotations(lines: &[&str], line: usize) -> Value {
    let mut first = line.saturating_sub(1);
    while first > 0 && lines[first - 1].trim_start().starts_with('#') {
        first -= 1;
    }
    let comments: Vec<&str> = lines[first..line.saturating_sub(1)]
        .iter()
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#');
            l.strip_prefix(' ').unwrap_or(l)
        })
        .collect();
    let Some(header) = comments.iter().rposition(|l| l.trim() == "METADATA") else {
        return Value::Object(Map::new());
    };
    let yaml = comments[header + 1..].join("\n");
    let mut fields = match serde_saphyr::from_str::<Value>(&yaml) {
        Ok(Value::Object(fields)) => fields,
        _ => return Value::Object(Map::new()),
    };
    normalize(&mut fields);
    let scope = fields
        .entry("scope")
        .or_insert_with(|| Value::from("rule"))
        .clone();
    if scope == "rule" || scope == "document" {
        Value::Object(fields)
    } else {
        Value::Object(Map::new())
    }
}

/// The short forms OPA expands when it reads annotations: an author `"Name <email>"` becomes
/// `{"name", "email"}`, a related resource `"https://…"` becomes `{"ref"}`.
fn normalize(fields: &mut Map<String, Value>) {
    if let Some(Value::Array(authors)) = fields.get_mut("authors") {
        for a in authors.iter_mut() {
            if let Value::String(text) = a {
                let mut author = Map::new();
                match text
                    .trim()
                    .strip_suffix('>')
                    .and_then(|t| t.rsplit_once('<'))
                {
                    Some((name, email)) => {
                        if !name.trim().is_empty() {
                            author.insert("name".into(), Value::from(name.trim()));
                        }
                        author.insert("email".into(), Value::from(email.trim()));
                    }
                    None => {
                        author.insert("name".into(), Value::from(text.trim()));
                    }
                }
                *a = Value::Object(author);
            }
        }
    }
    if let Some(Value::Array(resources)) = fields.get_mut("related_resources") {
        for r in resources.iter_mut() {
            if let Value::String(text) = r {
                *r = serde_json::json!({"ref": text.trim()});
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values `opa eval` (v1.22.3) gives for `data.t` of this policy.
    #[test]
    fn the_call_becomes_the_rules_annotations() {
        let text = "package t\n\n# METADATA\n# title: T\n# custom:\n#   template: 'x %v'\nx := rego.metadata.rule()\n\ny := rego.metadata.rule()\n";
        let out = rewrite("t.rego", text, false).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), out).unwrap();
        let mut rule = |name: &str| {
            engine
                .eval_rule(format!("data.t.{name}"))
                .unwrap()
                .to_json_str()
                .unwrap()
                .parse::<Value>()
                .unwrap()
        };
        assert_eq!(
            rule("x"),
            serde_json::json!({"custom": {"template": "x %v"}, "scope": "rule", "title": "T"})
        );
        assert_eq!(rule("y"), serde_json::json!({}));
    }

    /// OPA v1.22.3's compliance case `regometadatarule/simple`, and an author with an email.
    #[test]
    fn authors_and_related_resources_are_expanded() {
        let lines = [
            "# METADATA",
            "# authors:",
            "# - The OPA contributors",
            "# - Ann <ann@example.com>",
            "# related_resources:",
            "# - https://example.com",
            "x := 1",
        ];
        assert_eq!(
            annotations(&lines, 7),
            serde_json::json!({
                "authors": [{"name": "The OPA contributors"}, {"name": "Ann", "email": "ann@example.com"}],
                "related_resources": [{"ref": "https://example.com"}],
                "scope": "rule",
            })
        );
    }

    #[test]
    fn text_without_the_call_is_untouched() {
        assert_eq!(rewrite("t.rego", "package t\n\nx := 1\n", false), None);
    }
}
