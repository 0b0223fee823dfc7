//! Rule definitions that cannot stand together, refused as OPA's compiler refuses them
//! (`checkRuleConflicts`, v1.22.3 `ast/compile.go`), before it looks for undefined functions or
//! types: `opa`, conftest, `opa test` and gator refuse such policies at load, where regorus
//! loaded them and evaluated one definition or the other.
//!
//! Definitions are grouped by the constant start of their name (`q[x] := 1` and `q := 2` are both
//! at `q`), in every module together. At one name:
//!
//! - rules of two kinds (`p := 1` and `p contains 2`), of two numbers of arguments (`p := 1` and
//!   `p(x) := 2`, `f(x)` and `f(x, y)`), a complete rule with a partial one (`q := 2` and `q[x]
//!   := 1`), or a set with an object of sets (`p contains 1` and `p[k] contains 2`):
//!   `conflicting rules data.t.q[x] found`, at the first definition, named as the last one is
//!   written;
//! - two `default`s: `multiple default rules data.t.x found at a.rego:3, a.rego:4`, at the first
//!   one's `package` line;
//! - rules under a rule of a constant name (`a := 2` and `a.b := 1`), or functions under a rule
//!   whose name has a variable: `rule data.t.a conflicts with: rule data.t.a.b at a.rego:4`
//!   (OPA writes each on a line of its own).

use std::collections::BTreeMap;

use regorus::unstable::{Expr, Module, Ref, Rule, RuleHead};

use super::super::error::{Refused, Ungranted};
use super::super::load::RegoFile;
use super::package_of;

/// One definition, as `checkRuleConflicts` sees it.
struct Definition<'m> {
    file: &'m str,
    line: u32,
    package_line: u32,
    /// `data.t.q[x]`: its package and its name as written.
    name: String,
    /// The constant start of its name, package included (the node of OPA's rule tree).
    node: Vec<String>,
    /// Its name has no variable.
    ground: bool,
    /// `p contains x`, `p[k] contains v`.
    multi_value: bool,
    arguments: usize,
    default: bool,
}

/// The conflicts among the rules of `modules`, in OPA's words (see the module doc).
pub(super) fn conflicts(modules: &[(&RegoFile, Module)]) -> Vec<Refused> {
    let mut nodes: BTreeMap<Vec<String>, Vec<Definition<'_>>> = BTreeMap::new();
    for (file, module) in modules {
        let package = package_of(module);
        for rule in &module.policy {
            if let Some(d) = definition(&file.path, module, &package, rule) {
                nodes.entry(d.node.clone()).or_default().push(d);
            }
        }
    }
    let mut refused = Vec::new();
    for (node, rules) in &nodes {
        let Some(first) = rules.first() else {
            continue;
        };
        let below: Vec<&Definition<'_>> = nodes
            .range(node.clone()..)
            .skip(1)
            .take_while(|(n, _)| n.starts_with(node))
            .flat_map(|(_, r)| r)
            .collect();
        let mut conflicting: Vec<&Definition<'_>> = Vec::new();
        if rules.iter().any(|r| r.ground) {
            conflicting = below.clone();
        } else if rules.iter().any(|r| !r.ground) {
            conflicting = below.iter().copied().filter(|r| r.arguments > 0).collect();
        }
        let what = if !conflicting.is_empty() {
            // in the order of the keys (OPA's `RefCompare`), not of their text
            conflicting.sort_by(|a, b| (&a.node, &a.name).cmp(&(&b.node, &b.name)));
            conflicting.dedup_by(|a, b| a.name == b.name);
            let list: Vec<String> = conflicting
                .iter()
                .map(|c| format!("rule {} at {}:{}", c.name, c.file, c.line))
                .collect();
            format!("rule {} conflicts with: {}", first.name, list.join(", "))
        } else if mixed(rules) {
            let last = rules.last().map_or(&first.name, |r| &r.name);
            format!("conflicting rules {last} found")
        } else if rules.iter().filter(|r| r.default).count() > 1 {
            let defaults: Vec<&Definition<'_>> = rules.iter().filter(|r| r.default).collect();
            let at: Vec<String> = defaults
                .iter()
                .map(|d| format!("{}:{}", d.file, d.line))
                .collect();
            refused.push(Refused {
                file: defaults[0].file.to_owned(),
                line: defaults[0].package_line,
                what: Ungranted::Type(format!(
                    "multiple default rules {} found at {}",
                    defaults[0].name,
                    at.join(", ")
                )),
            });
            continue;
        } else {
            continue;
        };
        refused.push(Refused {
            file: first.file.to_owned(),
            line: first.line,
            what: Ungranted::Type(what),
        });
    }
    refused
}

/// Kinds, numbers of arguments, complete and partial rules, sets and objects of sets mixed.
fn mixed(rules: &[Definition<'_>]) -> bool {
    let differ = |f: &dyn Fn(&Definition<'_>) -> usize| {
        rules.iter().any(|r| f(r) != rules.first().map_or(0, f))
    };
    let complete = rules.iter().any(|r| !r.multi_value && r.ground);
    let partial = rules.iter().any(|r| r.multi_value || !r.ground);
    let set = rules.iter().any(|r| r.multi_value && r.ground);
    let object = rules.iter().any(|r| r.multi_value && !r.ground);
    differ(&|r| usize::from(r.multi_value))
        || differ(&|r| r.arguments)
        || (complete && partial)
        || (set && object)
}

fn definition<'m>(
    file: &'m str,
    module: &Module,
    package: &[String],
    rule: &Ref<Rule>,
) -> Option<Definition<'m>> {
    let (refr, line, multi_value, arguments, default) = match rule.as_ref() {
        Rule::Default {
            refr, args, span, ..
        } => (refr, span.line, false, args.len(), true),
        Rule::Spec { head, span, .. } => match head {
            RuleHead::Compr { refr, .. } => (refr, span.line, false, 0, false),
            RuleHead::Set { refr, .. } => (refr, span.line, true, 0, false),
            RuleHead::Func { refr, args, .. } => (refr, span.line, false, args.len(), false),
        },
    };
    let (name, ground) = constant_start(refr)?;
    let written = written(refr);
    let mut node: Vec<String> = package.to_vec();
    node.extend(name);
    Some(Definition {
        file,
        line,
        package_line: module.package.span.line,
        name: format!("data.{}.{written}", package.join(".")),
        node,
        ground,
        multi_value,
        arguments,
        default,
    })
}

/// A term's text without comments, its blanks and line breaks as one space (OPA writes terms
/// in its own layout: `p[{"a": #\n"b"}]` is `p[{"a": "b"}]`).
fn canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut escaped, mut comment) = (false, false, false);
    for c in text.chars() {
        if comment {
            comment = c != '\n';
            if comment {
                continue;
            }
        }
        if quoted {
            out.push(c);
            (quoted, escaped) = (escaped || c != '"', !escaped && c == '\\');
            continue;
        }
        match c {
            '#' => comment = true,
            '"' => {
                quoted = true;
                out.push(c);
            }
            c if c.is_whitespace() => {
                if !out.ends_with([' ', '[', '{', '(']) {
                    out.push(' ');
                }
            }
            ']' | '}' | ')' | ',' if out.ends_with(' ') => {
                out.pop();
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.trim_end().to_owned()
}

/// A rule's name as OPA writes it: a string key that could be a name as `.name`, any other key
/// in brackets (`q["a-b"]`, `q[x]`, a composite as [`canonical`] writes it; OPA names a
/// composite key by the local its compiler makes of it, `q[__local0__]`).
fn written(refr: &Ref<Expr>) -> String {
    match refr.as_ref() {
        Expr::Var { span, .. } => span.text().to_owned(),
        Expr::RefDot { refr, field, .. } => format!("{}.{}", written(refr), field.0.text()),
        Expr::RefBrack { refr, index, .. } => {
            let key = match index.as_ref() {
                Expr::String { value, .. } => match value.as_string() {
                    Ok(s) if name_like(s) => return format!("{}.{s}", written(refr)),
                    Ok(s) => serde_json::to_string(s.as_ref()).unwrap_or_default(),
                    Err(_) => String::new(),
                },
                _ => canonical(index.span().text()),
            };
            format!("{}[{key}]", written(refr))
        }
        other => canonical(other.span().text()),
    }
}

/// Whether a string can be written as a name in a reference (OPA's `IsVarCompatibleString`).
fn name_like(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "not", "package", "import", "as", "default", "else", "with", "null", "true", "false",
        "some", "every", "in", "if", "contains",
    ];
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

/// The constant parts a rule's name starts with (`p.q[x].r` → `p`, `q`), and whether that is
/// all of it.
fn constant_start(refr: &Ref<Expr>) -> Option<(Vec<String>, bool)> {
    let mut parts = Vec::new();
    let mut ground = true;
    let mut at = refr;
    loop {
        match at.as_ref() {
            Expr::Var { span, .. } => {
                parts.push(span.text().to_owned());
                break;
            }
            Expr::RefDot { refr, field, .. } => {
                parts.push(field.0.text().to_owned());
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                match index.as_ref() {
                    Expr::String { value, .. } => {
                        parts.push(value.as_string().ok()?.to_string());
                    }
                    Expr::Number { span, .. } => parts.push(span.text().to_owned()),
                    // a variable, or any other term (OPA's compiler makes a composite key a
                    // local of its own): the parts after it, written later, are not constant
                    _ => {
                        parts.clear();
                        ground = false;
                    }
                }
                at = refr;
            }
            _ => return None,
        }
    }
    parts.reverse();
    Some((parts, ground))
}

#[cfg(test)]
mod tests {
    use super::super::super::error::RegoError;
    use super::super::super::load::PolicyMaterial;
    use super::super::check;
    use super::*;

    /// The refusal for modules `x.rego` (`package t`, then `rules`) and `y.rego` (`package t`,
    /// then `more`), one line per conflict; empty when they load.
    fn refused(rules: &str, more: &str) -> String {
        let module = |path: &str, body: &str| RegoFile {
            path: path.to_owned(),
            text: format!("package t\n\nimport rego.v1\n\n{body}\n"),
            builtin: false,
        };
        let material = PolicyMaterial {
            rego: vec![module("x.rego", rules), module("y.rego", more)],
            objects: Vec::new(),
        };
        match check(None, &material, |_| false) {
            Ok(()) => String::new(),
            Err(RegoError::RuleConflicts { refused }) => refused
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => format!("other error: {e}"),
        }
    }

    /// Each pinned to `opa check` (v1.22.3) on the same two files (OPA writes a list of
    /// conflicting rules on lines of their own).
    #[test]
    fn conflicts_are_opas() {
        let cases = [
            (
                "default x := 1\ndefault x := 2",
                "",
                "x.rego:1: rego_type_error: multiple default rules data.t.x found at x.rego:5, x.rego:6",
            ),
            (
                "default x := 1",
                "default x := 2",
                "x.rego:1: rego_type_error: multiple default rules data.t.x found at x.rego:5, y.rego:5",
            ),
            (
                "foo := 1",
                "foo contains 2",
                "x.rego:5: rego_type_error: conflicting rules data.t.foo found",
            ),
            (
                "f(x) := 1\nf(x, y) := 2",
                "",
                "x.rego:5: rego_type_error: conflicting rules data.t.f found",
            ),
            (
                "p := 1\np(x) := 2",
                "",
                "x.rego:5: rego_type_error: conflicting rules data.t.p found",
            ),
            (
                "default foo := false\nfoo contains x if some x in input",
                "",
                "x.rego:5: rego_type_error: conflicting rules data.t.foo found",
            ),
            (
                "q := 2\nq[x] := 1 if some x in input",
                "",
                "x.rego:5: rego_type_error: conflicting rules data.t.q[x] found",
            ),
            (
                "p contains 1\np[k] contains 2 if some k in input",
                "",
                "x.rego:5: rego_type_error: conflicting rules data.t.p[k] found",
            ),
            (
                "a := 2\na.b := 1\na.c.d := 3",
                "",
                "x.rego:5: rego_type_error: rule data.t.a conflicts with: rule data.t.a.b at x.rego:6, rule data.t.a.c.d at x.rego:7",
            ),
            (
                "p[x] := 1 if some x in input\np.f(y) := 2",
                "",
                "x.rego:5: rego_type_error: rule data.t.p[x] conflicts with: rule data.t.p.f at x.rego:6",
            ),
            (
                "q := 1\nq[\"a-b\"] := 2\nq[\"c\"] := 3\nq[\"if\"] := 4",
                "",
                "x.rego:5: rego_type_error: rule data.t.q conflicts with: rule data.t.q[\"a-b\"] at x.rego:6, rule data.t.q.c at x.rego:7, rule data.t.q[\"if\"] at x.rego:8",
            ),
            (
                "p[{\"a\": # one\n\"b\"}] := true\np := 2",
                "",
                "x.rego:5: rego_type_error: conflicting rules data.t.p found",
            ),
            (
                "default f(_) := 1\ndefault f(_) := 2\nf(x) := 3 if x",
                "",
                "x.rego:1: rego_type_error: multiple default rules data.t.f found at x.rego:5, x.rego:6",
            ),
        ];
        for (rules, more, want) in cases {
            assert_eq!(refused(rules, more), want, "{rules} / {more}");
        }
    }

    /// Definitions OPA puts together without complaint.
    #[test]
    fn rules_that_stand_together_load() {
        for (rules, more) in [
            ("p := 1 if input.a\np := 2 if input.b\ndefault p := 0", ""),
            ("p contains 1", "p contains 2"),
            (
                "q[x] := 1 if some x in input\nq[y] := 2 if some y in input",
                "",
            ),
            ("a.b.c := 1\na.b.d := 2", ""),
            ("f(x) := 1 if x\nf(x) := 2 if not x\ndefault f(_) := 0", ""),
            ("p[x].r := 1 if some x in input\np.q.s := 2", ""),
            ("p[{\"a\": \"b\"}] := true\np[{\"a\": \"b\"}].c := 1", ""),
        ] {
            assert_eq!(refused(rules, more), "", "{rules} / {more}");
        }
    }
}
