//! Rules with a ground ref head (`p.b.r contains "foo"`) beside a rule of the same shape with
//! variables in its head (`p[q].r contains s`), rewritten at load time to the general form
//! (`p[__sealgate_ref0].r contains "foo" if { __sealgate_ref0 := "b" }`).
//!
//! OPA (v1.22.3) merges every rule that contributes to a document: `p.b.r` above is the union of
//! both rules' elements (compliance case `refheads/general, set leaf, deep query`). regorus 0.14
//! evaluates only the ground rule when `p.b.r` (or anything below it) is asked for and silently
//! leaves out the general rule's contributions; a deny rule built that way misses findings. Once
//! the ground rule is general too, regorus evaluates both. Only a ground rule whose head matches
//! a general rule's head (same name and length, equal ground parts) is rewritten, in the places
//! where that rule has variables; general rules in other files of the package count
//! ([`GeneralRefs::add`] reads every module loaded together). Lines keep their numbers.

use std::collections::HashMap;

use regorus::unstable::{Expr, Module, Rule, RuleHead};

use super::source_edits;

/// A rule head's parts: text of each ground part, `None` for a variable.
type HeadParts = Vec<Option<String>>;

/// The general ref heads (with a variable past the name) of each package, from every module
/// loaded together.
#[derive(Debug, Clone, Default)]
pub(crate) struct GeneralRefs {
    by_package: HashMap<Vec<String>, Vec<HeadParts>>,
}

impl GeneralRefs {
    pub(crate) fn add(&mut self, module: &Module) {
        let Some(package) = super::parse::package(module) else {
            return;
        };
        for rule in &module.policy {
            if let Some((parts, _)) = head(rule)
                && parts.iter().skip(1).any(Option::is_none)
            {
                self.by_package
                    .entry(package.clone())
                    .or_default()
                    .push(parts);
            }
        }
    }

    /// Where the ground head `parts` has to become a variable to match a general rule's head.
    fn variable_places(&self, package: &[String], parts: &HeadParts) -> Vec<usize> {
        let mut places = Vec::new();
        for general in self.by_package.get(package).into_iter().flatten() {
            let matches = general.len() == parts.len()
                && general.first() == parts.first()
                && general
                    .iter()
                    .zip(parts)
                    .all(|(g, p)| g.is_none() || g == p);
            if matches {
                places.extend((1..general.len()).filter(|&i| general[i].is_none()));
            }
        }
        places.sort_unstable();
        places.dedup();
        places
    }
}

/// The parts of a (non-function, non-default) rule's head, each with the byte range its text
/// takes in the ref (`.b`, `["b"]`, `[q]`); `None` for a head that is no plain ref of variables
/// and strings.
fn head(rule: &Rule) -> Option<(HeadParts, Vec<(usize, usize)>)> {
    let refr = match rule {
        Rule::Spec {
            head: RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. },
            ..
        } => refr,
        _ => return None,
    };
    let mut parts = Vec::new();
    let mut at = refr;
    loop {
        match at.as_ref() {
            Expr::RefDot {
                refr: inner, field, ..
            } => {
                let range = (inner.span().end as usize, field.0.end as usize);
                parts.push((Some(field.0.text().to_string()), range));
                at = inner;
            }
            Expr::RefBrack {
                refr: inner, index, ..
            } => {
                let part = match index.as_ref() {
                    Expr::Var { .. } => None,
                    Expr::String { value, .. } => Some(value.as_string().ok()?.to_string()),
                    // numbers and booleans in heads are rare; such rules are left alone
                    _ => return None,
                };
                // through the closing bracket (a string's span leaves out its quotes)
                let index_end = index.span().end as usize;
                let close = index_end + text_after(index, index_end)?;
                parts.push((part, (inner.span().end as usize, close)));
                at = inner;
            }
            Expr::Var { span, .. } => {
                parts.push((
                    Some(span.text().to_string()),
                    (span.start as usize, span.end as usize),
                ));
                break;
            }
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts.into_iter().unzip())
}

/// The bytes from `at` through the `]` that closes a head's bracket around `index`.
fn text_after(index: &Expr, at: usize) -> Option<usize> {
    let rest = index.span().source.contents().get(at..)?;
    Some(rest.find(']')? + 1)
}

/// The policy text with each ground rule that matches a general rule's head rewritten (see the
/// module's documentation), or `None` when there is none (or the text does not parse).
/// `others` holds the general heads of the modules loaded with this one; this module's own are
/// read here.
pub(crate) fn rewrite(path: &str, text: &str, v0: bool, others: &GeneralRefs) -> Option<String> {
    if !text.contains('.') && !text.contains('[') {
        return None;
    }
    let module = super::parse::module(path, text, v0)?;
    let package = super::parse::package(&module)?;
    let mut own = GeneralRefs::default();
    own.add(&module);
    let mut edits = Vec::new();
    let mut next = 0usize;
    for rule in &module.policy {
        let Some((parts, ranges)) = head(rule) else {
            continue;
        };
        if parts.len() < 2 || parts.iter().any(Option::is_none) {
            continue;
        }
        let mut places = own.variable_places(&package, &parts);
        places.extend(others.variable_places(&package, &parts));
        places.sort_unstable();
        places.dedup();
        if places.is_empty() {
            continue;
        }
        let Rule::Spec { span, bodies, .. } = rule.as_ref() else {
            continue;
        };
        if bodies.iter().any(|b| b.is_else) {
            continue;
        }
        let mut bindings = Vec::new();
        for &i in &places {
            let name = format!("__sealgate_ref{next}");
            next += 1;
            let (from, to) = ranges[i];
            edits.push((from, to, format!("[{name}]")));
            let value = parts[i].as_deref().unwrap_or_default();
            bindings.push(format!("{name} := {}", serde_json::to_string(value).ok()?));
        }
        let bindings = bindings.join("; ");
        if bodies.is_empty() {
            let end = source_edits::end(text, span);
            let keyword = if v0 { "" } else { " if" };
            edits.push((end, end, format!("{keyword} {{ {bindings} }}")));
        }
        for body in bodies {
            let query = &body.query.span;
            let start = query.start as usize;
            if text.as_bytes().get(start) == Some(&b'{') {
                edits.push((start + 1, start + 1, format!(" {bindings};")));
            } else {
                let end = source_edits::end(text, query);
                edits.push((start, start, format!("{{ {bindings}; ")));
                edits.push((end, end, " }".to_string()));
            }
        }
    }
    super::undefined::edited(text, edits)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::gate::rego::engine::query_json;

    const A: &str = "package test\n\np[q].r[s] := 1 if {\n\tx := [\"a\", \"b\", \"c\"]\n\tq := x[_]\n\ts := x[_]\n\tq != s\n}\n\np.b.r.foo := 2\n\ng[q] contains s if {\n\tsome q in [\"a\", \"b\"]\n\tsome s in [1, 2]\n}\n\ng.b contains 3\n\nh[\"b\"] contains 4 if true\n\nh.a contains x if x := \"y\"\n\nk.b contains 5 if {\n\ttrue\n}\n";
    const B: &str = "package test\n\nh[q] contains s if {\n\tsome q in [\"a\", \"b\"]\n\tsome s in [1, 2]\n}\n\nk[q] contains 6 if q := \"b\"\n\nk.c.d := 7\n";

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    /// What `opa eval` (v1.22.3) answers over the two files, whole and asked deep.
    #[test]
    fn ground_rules_merge_with_general_rules_of_any_file() {
        assert_eq!(
            json(&query_json(&[A, B], false, "data.test")),
            json(
                r#"{"g":{"a":[1,2],"b":[1,2,3]},"h":{"a":[1,2,"y"],"b":[1,2,4]},"k":{"b":[5,6],"c":{"d":7}},"p":{"a":{"r":{"b":1,"c":1}},"b":{"r":{"a":1,"c":1,"foo":2}},"c":{"r":{"a":1,"b":1}}}}"#
            )
        );
        for (query, want) in [
            ("data.test.p.b.r.foo", "2"),
            ("data.test.p.b.r.a", "1"),
            ("data.test.g.b", "[1,2,3]"),
            ("data.test.h.b", "[1,2,4]"),
            ("data.test.k.b", "[5,6]"),
        ] {
            assert_eq!(
                json(&query_json(&[A, B], false, query)),
                json(want),
                "{query}"
            );
        }
    }

    #[test]
    fn rules_without_a_general_rule_of_their_shape_are_untouched() {
        let text = "package t\n\na.b.c := 1\n\nd[x] := 1 if some x in [\"k\"]\n\nd.k.l := 2\n";
        assert_eq!(
            super::rewrite("t.rego", text, false, &super::GeneralRefs::default()),
            None
        );
    }
}
