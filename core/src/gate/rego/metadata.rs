//! `rego.metadata.rule()` and `rego.metadata.chain()`, which regorus does not provide, written
//! at load time as the literal annotations of the rule they are called in.
//!
//! OPA (v1.22.3) returns for `rule()` the `# METADATA` block directly above the rule (rule or
//! document scope), as an object with its `scope`, or `{}` when the rule has none; for `chain()`
//! the list from the rule outwards: the rule's own entry (`path`, and its rule-scope
//! `annotations` when it has them), the document-scope annotations of the rule's name, the
//! package's and the `subpackages`-scope ones (`ast.AnnotationSet.Chain`). conftest's own
//! `tests/annotations` builds its messages from `rule()`. The blocks are YAML in comments, so
//! their values are known before evaluation: each call inside a rule's text becomes that JSON
//! value, on the same line. Text without the calls reaches regorus byte for byte.
//!
//! `chain()` reads across files as OPA's `AnnotationSet` does: the modules loaded together are
//! read first ([`AnnotationSet::of`]) for their package-, document- and subpackages-scope
//! blocks, so a package block in another file of the package, a document-scope block on a
//! definition in another file and a parent package's `subpackages` block are in the chain. Where
//! OPA refuses a second block of one scope on one path ("annotation redeclared"), the first
//! loaded is used here.

use std::collections::HashMap;

use regorus::unstable::{Expr, Module, Rule, RuleHead};
use serde_json::{Map, Value};

const RULE_CALL: &str = "rego.metadata.rule()";
const CHAIN_CALL: &str = "rego.metadata.chain()";

/// A rule's name as a path (`a.b` of `a.b[x] := …`: the ground prefix OPA files document-scope
/// annotations under), its first line and its text's byte range.
struct RuleAt {
    path: Vec<String>,
    line: usize,
    start: usize,
    end: usize,
}

fn rules_of(module: &Module) -> Vec<RuleAt> {
    let mut out = Vec::new();
    for rule in &module.policy {
        let (span, refr) = match rule.as_ref() {
            Rule::Spec { span, head, .. } => match head {
                RuleHead::Compr { refr, .. }
                | RuleHead::Set { refr, .. }
                | RuleHead::Func { refr, .. } => (span, refr),
            },
            Rule::Default { span, refr, .. } => (span, refr),
        };
        out.push(RuleAt {
            path: ground_prefix(refr),
            line: span.line as usize,
            start: span.start as usize,
            end: span.end as usize,
        });
    }
    out
}

/// The leading ground part of a rule's ref (`p.q` of `p.q[x].r`), as OPA's `GroundPrefix`.
fn ground_prefix(refr: &Expr) -> Vec<String> {
    let mut parts = Vec::new();
    let mut at = refr;
    loop {
        match at {
            Expr::RefDot { refr, field, .. } => {
                parts.push(Some(field.0.text().to_string()));
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                parts.push(match index.as_ref() {
                    Expr::String { value, .. } => value.as_string().ok().map(|s| s.to_string()),
                    _ => None,
                });
                at = refr;
            }
            Expr::Var { span, .. } => {
                parts.push(Some(span.text().to_string()));
                break;
            }
            _ => return Vec::new(),
        }
    }
    parts.into_iter().rev().map_while(|p| p).collect()
}

/// The `# METADATA` blocks of modules loaded together that `rego.metadata.chain()` reads beyond
/// the rule's own, as OPA's `AnnotationSet` holds them: a package's `package`-scope block, and
/// by path (package and rule name, without `data`) the `document`-scope blocks of rules and the
/// `subpackages`-scope blocks of packages (one tree in OPA, hence one map).
#[derive(Debug, Clone, Default)]
pub(crate) struct AnnotationSet {
    packages: HashMap<Vec<String>, Map<String, Value>>,
    by_path: HashMap<Vec<String>, Map<String, Value>>,
}

impl AnnotationSet {
    /// Adds the blocks of `module`, parsed from `text`. Only a text that could hold one is read
    /// further (a `# METADATA` comment).
    pub(super) fn add(&mut self, module: &Module, text: &str) {
        if !text.contains("METADATA") {
            return;
        }
        let lines: Vec<&str> = text.lines().collect();
        let lines = lines.as_slice();
        let Some(package) = super::parse::package(module) else {
            return;
        };
        if let Some(fields) = block(lines, module.package.span.line as usize, "package") {
            if fields["scope"] == "package" {
                self.packages.entry(package.clone()).or_insert(fields);
            } else if fields["scope"] == "subpackages" {
                self.by_path.entry(package.clone()).or_insert(fields);
            }
        }
        for rule in rules_of(module) {
            if let Some(fields) =
                block(lines, rule.line, "rule").filter(|f| f["scope"] == "document")
            {
                let mut path = package.clone();
                path.extend(rule.path);
                self.by_path.entry(path).or_insert(fields);
            }
        }
    }
}

/// The policy text with each `rego.metadata.rule()` and `rego.metadata.chain()` replaced, or
/// `None` when there is none (or the text does not parse: the engine then reports the syntax
/// error itself). `others` holds the blocks of the modules loaded with this one (empty when it
/// is loaded alone); this module's own are read here.
pub(crate) fn rewrite(path: &str, text: &str, v0: bool, others: &AnnotationSet) -> Option<String> {
    if !text.contains(RULE_CALL) && !text.contains(CHAIN_CALL) {
        return None;
    }
    let module = super::parse::module(path, text, v0)?;
    let lines: Vec<&str> = text.lines().collect();
    let package = super::parse::package(&module)?;
    let mut own = AnnotationSet::default();
    own.add(&module, text);
    let rules = rules_of(&module);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for rule in &rules {
        let body = text.get(rule.start..rule.end)?;
        if body.contains(RULE_CALL) {
            let literal = serde_json::to_string(&annotations(&lines, rule.line)).ok()?;
            edits.extend(
                body.match_indices(RULE_CALL)
                    .map(|(at, _)| (rule.start + at, RULE_CALL.len(), literal.clone())),
            );
        }
        if body.contains(CHAIN_CALL) {
            let chain = chain(&lines, rule, &package, [others, &own]);
            let literal = serde_json::to_string(&chain).ok()?;
            edits.extend(
                body.match_indices(CHAIN_CALL)
                    .map(|(at, _)| (rule.start + at, CHAIN_CALL.len(), literal.clone())),
            );
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(pos, _, _)| *pos);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (pos, len, literal) in edits {
        out.push_str(text.get(at..pos)?);
        out.push_str(&literal);
        at = pos + len;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// `{"path": […], "annotations": {…}}`, without `annotations` when there are none.
fn link(path: &[String], annotations: Option<Map<String, Value>>) -> Value {
    let mut entry = Map::new();
    entry.insert("path".into(), Value::from(path.to_vec()));
    if let Some(fields) = annotations {
        entry.insert("annotations".into(), Value::Object(fields));
    }
    Value::Object(entry)
}

/// `rego.metadata.chain()` for `rule` (OPA's `AnnotationSet.Chain`): the rule's own block, the
/// document-scope block of its path, its package's block, then the `subpackages` blocks from
/// the package up to the root. `sets` are looked up in order, the first holding a path wins.
fn chain(lines: &[&str], rule: &RuleAt, package: &[String], sets: [&AnnotationSet; 2]) -> Value {
    let mut path = package.to_vec();
    path.extend(rule.path.iter().cloned());
    let own = block(lines, rule.line, "rule").filter(|f| f["scope"] == "rule");
    let mut links = vec![link(&path, own)];
    let by_path = |p: &[String]| sets.iter().find_map(|s| s.by_path.get(p)).cloned();
    if let Some(fields) = by_path(&path) {
        links.push(link(&path, Some(fields)));
    }
    if let Some(fields) = sets.iter().find_map(|s| s.packages.get(package)) {
        links.push(link(package, Some(fields.clone())));
    }
    for end in (1..=package.len()).rev() {
        if let Some(fields) = by_path(&package[..end]) {
            links.push(link(&package[..end], Some(fields)));
        }
    }
    Value::Array(links)
}

/// The `# METADATA` block in the comment lines right above `line` (1-based), as OPA gives it to
/// `rego.metadata.rule()`: its fields and `scope` (default `rule`); `{}` without one, or for a
/// scope that is not the rule's.
fn annotations(lines: &[&str], line: usize) -> Value {
    match block(lines, line, "rule") {
        Some(fields) if fields["scope"] == "rule" || fields["scope"] == "document" => {
            Value::Object(fields)
        }
        _ => Value::Object(Map::new()),
    }
}

/// The fields of the `# METADATA` block in the comment lines right above `line` (1-based),
/// with `scope` (`default_scope` when the block has none).
fn block(lines: &[&str], line: usize, default_scope: &str) -> Option<Map<String, Value>> {
    let end = line.saturating_sub(1).min(lines.len());
    let mut first = end;
    while first > 0 && lines[first - 1].trim_start().starts_with('#') {
        first -= 1;
    }
    let comments: Vec<&str> = lines[first..end]
        .iter()
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#');
            l.strip_prefix(' ').unwrap_or(l)
        })
        .collect();
    let header = comments.iter().rposition(|l| l.trim() == "METADATA")?;
    let yaml = comments[header + 1..].join("\n");
    let mut fields = match serde_saphyr::from_str::<Value>(&yaml) {
        Ok(Value::Object(fields)) => fields,
        _ => return None,
    };
    normalize(&mut fields);
    fields
        .entry("scope")
        .or_insert_with(|| Value::from(default_scope));
    Some(fields)
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

    /// The rewritten policy's rules, each evaluated by regorus, as JSON; the rewrite keeps every
    /// line where it was.
    fn rewritten_rules(text: &str, package: &str) -> impl FnMut(&str) -> Value {
        let out = rewrite("t.rego", text, false, &AnnotationSet::default()).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), out).unwrap();
        let package = package.to_owned();
        move |name| {
            engine
                .eval_rule(format!("data.{package}.{name}"))
                .unwrap()
                .to_json_str()
                .unwrap()
                .parse::<Value>()
                .unwrap()
        }
    }

    /// The values `opa eval` (v1.22.3) gives for `data.t` of this policy.
    #[test]
    fn the_call_becomes_the_rules_annotations() {
        let text = "package t\n\n# METADATA\n# title: T\n# custom:\n#   template: 'x %v'\nx := rego.metadata.rule()\n\ny := rego.metadata.rule()\n";
        let mut rule = rewritten_rules(text, "t");
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

    /// OPA v1.22.3's compliance case `regometadatachain/rule mixed scope`: the rule's own
    /// block, the document-scope block of another definition, the package's.
    #[test]
    fn the_chain_goes_from_the_rule_outwards() {
        let text = "# METADATA\n# description: The Rego test suite\npackage testing\n\n# METADATA\n# scope: document\n# title: Testing annotations\n# authors:\n# - The OPA contributors\np := \"foo\" if {\n\tfalse\n}\n\n# METADATA\n# title: Another annotation\np := x if {\n\tx := rego.metadata.chain()\n}\n\nq := rego.metadata.chain()\n";
        let mut rule = rewritten_rules(text, "testing");
        let package = serde_json::json!({"path": ["testing"], "annotations": {"description": "The Rego test suite", "scope": "package"}});
        assert_eq!(
            rule("p"),
            serde_json::json!([
                {"path": ["testing", "p"], "annotations": {"scope": "rule", "title": "Another annotation"}},
                {"path": ["testing", "p"], "annotations": {"authors": [{"name": "The OPA contributors"}], "scope": "document", "title": "Testing annotations"}},
                package,
            ])
        );
        assert_eq!(
            rule("q"),
            serde_json::json!([{"path": ["testing", "q"]}, package])
        );
    }

    /// `opa eval` (v1.22.3) of three files: a parent package's `subpackages` block, the package's
    /// block and a document-scope block in one file, the calls in another. A document block on
    /// `p[x]` is filed under `a.b.p`, not under `p["y"]`'s ground path `a.b.p.y`.
    #[test]
    fn the_chain_reads_the_blocks_of_the_other_files() {
        let parent = "# METADATA\n# scope: subpackages\n# title: Everything under a\npackage a\n";
        let package = "# METADATA\n# title: package a.b\npackage a.b\n\n# METADATA\n# scope: document\n# description: all of p\np[x] := 1 if some x in [\"k\"]\n\n# METADATA\n# scope: document\n# description: all of r\nr = 1 if false\n";
        let calls = "package a.b\n\n# METADATA\n# title: this p\np[\"y\"] := v if {\n\tv := rego.metadata.chain()\n}\n\nq := rego.metadata.chain()\n\nr = rego.metadata.chain()\n";
        let got =
            crate::gate::rego::engine::query_json(&[parent, package, calls], false, "data.a.b");
        let outer = r#"{"annotations":{"scope":"package","title":"package a.b"},"path":["a","b"]},{"annotations":{"scope":"subpackages","title":"Everything under a"},"path":["a"]}"#;
        let want = format!(
            r#"{{"p":{{"k":1,"y":[{{"annotations":{{"scope":"rule","title":"this p"}},"path":["a","b","p","y"]}},{outer}]}},"q":[{{"path":["a","b","q"]}},{outer}],"r":[{{"path":["a","b","r"]}},{{"annotations":{{"description":"all of r","scope":"document"}},"path":["a","b","r"]}},{outer}]}}"#
        );
        assert_eq!(
            serde_json::from_str::<Value>(&got).unwrap(),
            serde_json::from_str::<Value>(&want).unwrap()
        );
    }

    #[test]
    fn text_without_the_call_is_untouched() {
        assert_eq!(
            rewrite(
                "t.rego",
                "package t\n\nx := 1\n",
                false,
                &AnnotationSet::default()
            ),
            None
        );
    }
}
