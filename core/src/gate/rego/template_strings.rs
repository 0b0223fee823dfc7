//! OPA's template strings (`$"… {expr} …"`, raw `` $`… {expr} …` ``), rewritten at load time for
//! regorus, which does not parse them.
//!
//! OPA (v1.22.3, `rewriteTemplateStrings` and `internal.template_string`) evaluates each `{expr}`
//! as the set of its values: none writes `<undefined>`, one writes a string as is and any other
//! value in Rego syntax, more than one is an error ("template-strings must not produce multiple
//! outputs"). OPA's own policies use them (`build/policy/files`, `v1/config`, …). So this module
//! writes each template as `concat("", [literal, __sealgate_template_value({__tmpl | __tmpl :=
//! (expr)}), …])`, and [`register`] adds the extension that renders one set as OPA does. The
//! rewrite keeps every line where it was; text without a template reaches regorus byte for byte.

use regorus::{Engine, Value};

/// The extension that renders one `{expr}`'s set of values.
pub(crate) const TEMPLATE_VALUE: &str = "__sealgate_template_value";
/// The variable that collects one `{expr}`'s values (`{__tmpl | __tmpl := (expr)}`).
pub(crate) const TEMPLATE_VAR: &str = "__tmpl";

/// Registers [`TEMPLATE_VALUE`] on an engine.
pub(crate) fn register(engine: &mut Engine) -> anyhow::Result<()> {
    engine.add_extension(
        TEMPLATE_VALUE.to_string(),
        1,
        Box::new(|args: Vec<Value>| match args.first() {
            Some(Value::Set(values)) => match values.len() {
                0 => Ok(Value::from("<undefined>")),
                1 => Ok(Value::from(
                    values
                        .iter()
                        .next()
                        .map(super::term_text::bare)
                        .unwrap_or_default(),
                )),
                _ => anyhow::bail!("template-strings must not produce multiple outputs"),
            },
            _ => Ok(Value::Undefined),
        }),
    )
}

/// The function a template becomes in [`rewrite_marked`]'s text: a name no builtin has, so a
/// reader of that text tells a template from a `concat` the policy wrote.
pub(crate) const TEMPLATE_STRING: &str = "__sealgate_template_string";

/// The policy text with every template string rewritten, or `None` when it has none.
pub(crate) fn rewrite(text: &str) -> Option<String> {
    rewrite_with(text, "concat")
}

/// [`rewrite`] with each template written as a call of [`TEMPLATE_STRING`] instead of `concat`
/// (the capabilities check: OPA calls `internal.template_string` there, not `concat`).
pub(crate) fn rewrite_marked(text: &str) -> Option<String> {
    rewrite_with(text, TEMPLATE_STRING)
}

/// [`rewrite`] with templates joined by the function `join`.
fn rewrite_with(text: &str, join: &str) -> Option<String> {
    let moved = head_arguments(text);
    let text = moved.as_deref().unwrap_or(text);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut i = 0;
    let mut changed = false;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = skip_comment(bytes, i),
            b'"' | b'`' => i = skip_string(bytes, i),
            b'$' if matches!(bytes.get(i + 1), Some(b'"' | b'`')) => {
                let (end, replacement) = template(text, i + 1, join)?;
                out.push_str(text.get(at..i)?);
                out.push_str(&replacement);
                at = end;
                i = end;
                changed = true;
            }
            _ => i += 1,
        }
    }
    if !changed {
        return None;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// Templates among a function's arguments in its head (`f($"{x} {input.y}") := 42 if { x =
/// "foo" }`): OPA compares the argument with the template once the body has bound its variables.
/// Each becomes a parameter `__sealgate_template_argN` and a statement `__sealgate_template_argN
/// == $"…";` at the start of the body (regorus orders statements by the variables they need).
/// Only a head whose body opens with `if {` and a template on one line are rewritten.
fn head_arguments(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut depth = 0usize;
    // the templates of the head being read (byte ranges), and whether a head's `(` is open
    let mut templates: Vec<(usize, usize)> = Vec::new();
    let mut in_head = false;
    let mut i = 0;
    let mut next = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = skip_comment(bytes, i),
            b'"' | b'`' => i = skip_string(bytes, i),
            b'$' if in_head && depth == 1 && matches!(bytes.get(i + 1), Some(b'"' | b'`')) => {
                let end = skip_template(bytes, i + 1)?;
                if !text.get(i..end)?.contains('\n') {
                    templates.push((i, end));
                }
                i = end;
            }
            b'(' => {
                let line = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let name = &text[line..i];
                in_head = depth == 0
                    && !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
                depth += 1;
                i += 1;
            }
            b'[' => {
                depth += 1;
                i += 1;
            }
            b'{' => {
                let body = depth == 0 && text[..i].trim_end().ends_with(" if");
                if body && !templates.is_empty() {
                    let mut checks = String::new();
                    for &(start, end) in &templates {
                        let name = format!("__sealgate_template_arg{next}");
                        next += 1;
                        edits.push((start, end, name.clone()));
                        checks.push_str(&format!(" {name} == {};", text.get(start..end)?));
                    }
                    edits.push((i + 1, i + 1, checks));
                }
                if depth == 0 {
                    templates.clear();
                }
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                in_head &= depth > 0;
                i += 1;
            }
            b'\n' if depth == 0 && !templates.is_empty() => {
                // a head whose body does not open with `if {` on its line keeps its templates
                let rest = text[i..].trim_start();
                if !rest.starts_with("if") && !rest.starts_with(":=") && !rest.starts_with('=') {
                    templates.clear();
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    super::undefined::edited(text, edits)
}

/// The index after the template whose quote is at `open` (`{…}` expressions may hold strings).
fn skip_template(bytes: &[u8], open: usize) -> Option<usize> {
    let quote = bytes[open];
    let mut i = open + 1;
    loop {
        match *bytes.get(i)? {
            b if b == quote => return Some(i + 1),
            b'\\' if quote == b'"' => i += 2,
            b'{' => {
                i += 1;
                let mut depth = 0usize;
                loop {
                    match *bytes.get(i)? {
                        b'"' | b'`' => i = skip_string(bytes, i),
                        b'{' => {
                            depth += 1;
                            i += 1;
                        }
                        b'}' if depth == 0 => break,
                        b'}' => {
                            depth -= 1;
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
}

fn skip_comment(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

/// The index after the string literal that opens at `i` (`"…"` with escapes, or `` `…` ``).
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let quote = bytes[i];
    let mut j = i + 1;
    while j < bytes.len() && bytes[j] != quote {
        j += if quote == b'"' && bytes[j] == b'\\' {
            2
        } else {
            1
        };
    }
    j + 1
}

/// The template whose quote is at `open`: the index after it and its `concat(…)` replacement
/// (`join(…)`); `None` when it does not end (regorus then reports the text as written).
fn template(text: &str, open: usize, join: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let raw = quote == b'`';
    let mut parts: Vec<String> = Vec::new();
    let mut literal = String::new();
    let mut i = open + 1;
    let literal_part = |s: &str| {
        if raw {
            format!("`{s}`")
        } else {
            format!("\"{s}\"")
        }
    };
    loop {
        let b = *bytes.get(i)?;
        if b == quote {
            i += 1;
            break;
        }
        match b {
            b'\\' if bytes.get(i + 1) == Some(&b'{') => {
                literal.push('{');
                i += 2;
            }
            b'\\' if !raw => {
                literal.push_str(text.get(i..i + 2)?);
                i += 2;
            }
            b'{' => {
                let start = i + 1;
                let mut depth = 0usize;
                let mut j = start;
                loop {
                    match *bytes.get(j)? {
                        b'"' | b'`' => j = skip_string(bytes, j),
                        b'{' | b'[' | b'(' => {
                            depth += 1;
                            j += 1;
                        }
                        b'}' if depth == 0 => break,
                        b'}' | b']' | b')' => {
                            depth -= 1;
                            j += 1;
                        }
                        _ => j += 1,
                    }
                }
                let expr = text.get(start..j)?;
                let expr = rewrite_with(expr, join).unwrap_or_else(|| expr.to_string());
                if !literal.is_empty() {
                    parts.push(literal_part(&literal));
                    literal.clear();
                }
                // `x with input as …` applies `with` to the whole statement, so it stays outside
                // the parentheses that keep other expressions whole.
                let value = if expr.split_whitespace().any(|w| w == "with") {
                    expr
                } else {
                    format!("({expr})")
                };
                parts.push(format!(
                    "{TEMPLATE_VALUE}({{{TEMPLATE_VAR} | {TEMPLATE_VAR} := {value}}})"
                ));
                i = j + 1;
            }
            _ => {
                let ch = text.get(i..)?.chars().next()?;
                literal.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(literal_part(&literal));
    }
    Some((i, format!("{join}(\"\", [{}])", parts.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(policy: &str, input: &str) -> String {
        let text = rewrite(policy).unwrap_or_else(|| policy.to_string());
        let mut engine = Engine::new();
        register(&mut engine).unwrap();
        engine.add_policy("t.rego".into(), text).unwrap();
        engine.set_input(Value::from_json_str(input).unwrap());
        match engine.eval_rule("data.t.x".into()) {
            Ok(v) => v.to_json_str().unwrap(),
            Err(e) => format!("error: {e}"),
        }
    }

    /// Each string is what `opa eval` (v1.22.3) gives for the same policy and input.
    #[test]
    fn templates_render_as_in_opa() {
        let p = |body: &str| format!("package t\n\nx := {body}\n");
        assert_eq!(
            eval(
                &p(r#"$"{input.name} is {input.age}""#),
                r#"{"name": "ann", "age": 3}"#
            ),
            r#""ann is 3""#
        );
        assert_eq!(
            eval(&p(r#"$"missing: {input.nope}""#), "{}"),
            r#""missing: <undefined>""#
        );
        assert_eq!(
            eval(
                &p(r#"$"v={input.v} \{literal}""#),
                r#"{"v": [1, "a", {"k": true}]}"#
            ),
            r#""v=[1, \"a\", {\"k\": true}] {literal}""#
        );
        assert_eq!(
            eval(&p("$`raw \"{concat(\"-\", [\"a\", \"b\"])}\"`"), "{}"),
            r#""raw \"a-b\"""#
        );
        assert_eq!(
            eval(&p(r#"$"foo {input.a with input as {"a": 42}}""#), "{}"),
            r#""foo 42""#
        );
        // OPA refuses this one when compiling (`var _ is undeclared`); sealgate when evaluating.
        assert!(
            eval(&p(r#"$"{input.xs[_]}""#), r#"{"xs": [1, 2]}"#)
                .contains("template-strings must not produce multiple outputs")
        );
    }

    /// OPA's compliance cases `string-interpolation/…template-string function arg`; the values
    /// are `opa eval`'s (v1.22.3).
    #[test]
    fn templates_among_head_arguments_compare_in_the_body() {
        for quote in ['"', '`'] {
            let policy = format!(
                "package t\n\nx := [f(\"foo bar\"), object.get({{}}, \"k\", 0)]\n\nz := f(\"foo baz\")\n\nf(${quote}{{y}} {{input.y}}{quote}) := 42 if {{\n    y = \"foo\"\n}}\n"
            );
            assert_eq!(
                eval(&policy, r#"{"y": "bar"}"#).replace([' ', '\n'], ""),
                "[42,0]",
                "{policy}"
            );
            let out = rewrite(&policy).expect("rewritten");
            assert_eq!(out.lines().count(), policy.lines().count());
            assert!(out.contains(
                "f(__sealgate_template_arg0) := 42 if { __sealgate_template_arg0 == concat("
            ));
        }
        // a template in a rule's value is no argument of a head
        assert_eq!(
            eval("package t\n\nx := g($\"{1}\") if true\n\ng(a) := a\n", "{}"),
            "\"1\""
        );
        assert_eq!(
            eval(
                "package t\n\nx := h(2)\n\nh(a) := [$\"{a}\"] if {\n  a > 1\n}\n",
                "{}"
            )
            .replace([' ', '\n'], ""),
            "[\"2\"]"
        );
    }

    #[test]
    fn text_without_templates_is_untouched() {
        assert_eq!(rewrite("package t\n# $\"no\"\nx := \"$\\\"{y}\"\n"), None);
    }

    #[test]
    fn lines_keep_their_numbers() {
        let text = "package t\n\nx := $\"a {1 +\n 2} b\"\ny := 1\n";
        let out = rewrite(text).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(out.lines().nth(4).unwrap().starts_with("y := 1"));
    }
}
