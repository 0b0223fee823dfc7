//! `print(…)` calls, rewritten at load time: erased for `validate` and Gatekeeper templates, kept
//! and gathered for `policy test`, which shows them under each test as `opa test` does.
//!
//! Erased: `validate` reads manifests, Secrets among them, and a policy that prints its input
//! would write a Secret's values into CI logs; sealgate's reports are its own stdout. regorus's
//! own `print` also writes each argument out with no size check, outside any builtin sealgate
//! can guard (`print` cannot be an extension: extensions take a fixed number of arguments, `print`
//! any): a policy that prints a value built by doubling shared arrays asks for gigabytes in one
//! call and aborts the process (see `value_size`). OPA's `print` never fails and never makes its
//! body undefined (undefined arguments print as `<undefined>`), so replacing the call with `true`
//! keeps the policy's meaning. The replacement keeps the call's line breaks, so positions in later
//! errors do not move. A module that defines its own `print` (a rule head at the start of a line)
//! is left as it is.
//!
//! Kept (`policy test`): as OPA's compiler does (`rewritePrintCalls`), each argument becomes the
//! set of its values, `print(a, b)` → `__sealgate_print("file:line", [{__sealgate_printed |
//! __sealgate_printed := (a)}, {… := (b)}])`, an extension ([`register`]) that is always true and
//! writes one line per combination of the sets' values (OPA's cross product): a string as it is,
//! any other value in Rego syntax, an empty set as `<undefined>`; each value is measured before
//! it is written out, and a test keeps 10,000 lines or 16 MiB (a call past that counts its other
//! lines without making them).

use std::sync::{Arc, Mutex, PoisonError};

use regorus::unstable::TokenKind;
use regorus::{Engine, Value};

use super::source_edits;

/// The extension a kept `print(…)` calls.
const PRINT: &str = "__sealgate_print";
/// The local each argument's values are gathered in.
const PRINTED: &str = "__sealgate_printed";
/// Most lines, and bytes of them, one test keeps; the rest are counted in a last line.
const MAX_LINES: usize = 10_000;
const MAX_BYTES: usize = 16 << 20;
/// Most bytes one printed value may have written out (larger ones are named, not written).
const MAX_VALUE_BYTES: f64 = 1024.0 * 1024.0;

/// The policy text with every builtin `print(…)` call replaced, or `None` when there is none (or
/// the text does not lex: the engine then reports the error itself). `keep`: by a call of
/// [`PRINT`] (`policy test`), else by `true`.
pub(crate) fn rewrite(path: &str, text: &str, keep: bool) -> Option<String> {
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
        let (last, commas) = source_edits::call_arguments(&tokens, i + 1)?;
        let end = tokens.get(last).map(|(_, _, span)| span.end as usize)?;
        let (start, line) = tokens
            .get(i)
            .map(|(_, _, span)| (span.start as usize, span.line))?;
        if keep {
            keep_call(&tokens, (i, last), &commas, (path, line), &mut edits)?;
        } else {
            let breaks = text.get(start..end)?.matches('\n').count();
            edits.push((start, end, format!("true{}", "\n".repeat(breaks))));
        }
        i = last + 1;
    }
    super::undefined::edited(text, edits)
}

/// The edits that turn the call from token `call` (`print`) to token `last` (its `)`) into a
/// call of [`PRINT`], each argument into the set of its values; the arguments' text stays where
/// it is, so lines do not move.
fn keep_call(
    tokens: &[source_edits::Token],
    (call, last): (usize, usize),
    commas: &[usize],
    (path, line): (&str, u32),
    edits: &mut Vec<(usize, usize, String)>,
) -> Option<()> {
    let span = |k: usize| {
        tokens
            .get(k)
            .map(|(_, _, s)| (s.start as usize, s.end as usize))
    };
    let (start, _) = span(call)?;
    let (_, open_end) = span(call + 1)?;
    let (close, close_end) = span(last)?;
    let location = serde_json::to_string(&format!("{path}:{line}")).ok()?;
    let set = format!("{{{PRINTED} | {PRINTED} := (");
    if last == call + 2 {
        // `print()`: one empty line
        edits.push((start, close_end, format!("{PRINT}({location}, [])")));
        return Some(());
    }
    edits.push((start, open_end, format!("{PRINT}({location}, [{set}")));
    // a comma right before the `)` ends the arguments (`print(a, b,)`)
    let trailing = commas.last().is_some_and(|&c| c + 1 == last);
    for (n, &comma) in commas.iter().enumerate() {
        let (at, after) = span(comma)?;
        let last_one = trailing && n + 1 == commas.len();
        let joint = if last_one {
            ")}".to_string()
        } else {
            format!(")}}, {set}")
        };
        edits.push((at, after, joint));
    }
    let closing = if trailing { "])" } else { ")}])" };
    edits.push((close, close_end, closing.to_string()));
    Some(())
}

/// The lines the kept `print(…)` calls wrote, shared with the engine's [`PRINT`] extension.
#[derive(Clone, Default)]
pub(crate) struct Printed(Arc<Mutex<Lines>>);

#[derive(Default)]
struct Lines {
    kept: Vec<String>,
    bytes: usize,
    dropped: u64,
}

impl Printed {
    /// The lines written since the last call (the count of dropped ones last).
    pub(crate) fn take(&self) -> Vec<String> {
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = std::mem::take(&mut lines.kept);
        if lines.dropped > 0 {
            out.push(format!(
                "({} more printed lines not shown: sealgate keeps {MAX_LINES} lines or {} MiB per test)",
                lines.dropped,
                MAX_BYTES >> 20
            ));
        }
        lines.bytes = 0;
        lines.dropped = 0;
        out
    }

    /// Keeps `line` if the test's lines are within their bounds; `false` when full.
    fn push(&self, line: String) -> bool {
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.kept.len() >= MAX_LINES || lines.bytes + line.len() > MAX_BYTES {
            return false;
        }
        lines.bytes += line.len();
        lines.kept.push(line);
        true
    }

    fn drop_lines(&self, count: u64) {
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lines.dropped = lines.dropped.saturating_add(count);
    }
}

/// Registers [`PRINT`] on an engine whose modules were loaded with `print` kept; what it writes
/// goes to the returned [`Printed`].
pub(crate) fn register(engine: &mut Engine) -> anyhow::Result<Printed> {
    let printed = Printed::default();
    let sink = printed.clone();
    engine.add_extension(
        PRINT.to_string(),
        2,
        Box::new(move |args: Vec<Value>| {
            if let Some(Value::Array(operands)) = args.get(1) {
                print(operands.as_slice(), &sink);
            }
            Ok(Value::Bool(true))
        }),
    )?;
    Ok(printed)
}

/// Writes one call's lines, one per combination of its arguments' values (OPA's
/// `builtinPrintCrossProductOperands`), until the test's bounds are reached; the lines past
/// them are counted, not written.
fn print(operands: &[Value], sink: &Printed) {
    let lines = operands
        .iter()
        .map(|v| match v {
            Value::Set(values) => values.len().max(1) as u64,
            _ => 1,
        })
        .fold(1u64, u64::saturating_mul);
    let arguments: Vec<Vec<String>> = operands.iter().map(texts).collect();
    let mut written = 0u64;
    cross_product(&arguments, &mut Vec::new(), sink, &mut written);
    sink.drop_lines(lines - written);
}

/// The texts of one argument's values. A value too large to write out is named; the texts stop
/// once they add up to more than a test keeps (every line holds one of them, so lines with the
/// rest would not be kept either).
fn texts(values: &Value) -> Vec<String> {
    let Value::Set(values) = values else {
        return vec!["<undefined>".to_string()];
    };
    if values.is_empty() {
        return vec!["<undefined>".to_string()];
    }
    let mut bytes = 0;
    let mut out = Vec::new();
    for v in values.iter() {
        if bytes > MAX_BYTES {
            break;
        }
        let size = super::value_size::measure(v);
        let text = if size.bytes > MAX_VALUE_BYTES || size.height > super::guards::MAX_HEIGHT {
            format!(
                "(a value of {:.0} bytes nested {} deep: not shown)",
                size.bytes, size.height
            )
        } else {
            super::term_text::bare(v)
        };
        bytes += text.len();
        out.push(text);
    }
    out
}

/// Writes the lines of the combinations of the arguments' texts in order, counting them in
/// `written`; `false` once the sink is full (the rest are not tried).
fn cross_product(
    texts: &[Vec<String>],
    line: &mut Vec<String>,
    sink: &Printed,
    written: &mut u64,
) -> bool {
    let Some((first, rest)) = texts.split_first() else {
        let kept = sink.push(line.join(" "));
        *written += u64::from(kept);
        return kept;
    };
    for text in first {
        line.push(text.clone());
        let more = cross_product(rest, line, sink, written);
        line.pop();
        if !more {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_calls_become_true_and_keep_their_lines() {
        let text =
            "package p\n\nallow if {\n  print(\"a)\", [1, (2)],\n    input.x)\n  x := 1\n}\n";
        let out = rewrite("p.rego", text, false);
        assert_eq!(
            out.as_deref(),
            Some("package p\n\nallow if {\n  true\n\n  x := 1\n}\n")
        );
        assert_eq!(rewrite("p.rego", "package p\nx := 1\n", false), None);
        // the empty set is one `set(` token: its `)` does not end the call
        assert_eq!(
            rewrite("p.rego", "package p\nx if {\n  print(set(), 1)\n}\n", false).as_deref(),
            Some("package p\nx if {\n  true\n}\n")
        );
        // a ref ending in `print`, and a module's own print function, stay
        assert_eq!(
            rewrite("p.rego", "package p\nx := data.lib.print(1)\n", false),
            None
        );
        assert_eq!(
            rewrite("p.rego", "package p\nprint(x) := x\ny := print(1)\n", false),
            None
        );
    }

    #[test]
    fn kept_calls_gather_each_argument_as_a_set_on_the_same_lines() {
        let text = "package p\nr if {\n  print(\"a)\", input.x,\n    [1, (2)])\n  print()\n  print(1,)\n}\n";
        assert_eq!(
            rewrite("dir/p.rego", text, true).as_deref(),
            Some(
                "package p\nr if {\n  __sealgate_print(\"dir/p.rego:3\", [{__sealgate_printed | __sealgate_printed := (\"a)\")}, {__sealgate_printed | __sealgate_printed := ( input.x)}, {__sealgate_printed | __sealgate_printed := (\n    [1, (2)])}])\n  __sealgate_print(\"dir/p.rego:5\", [])\n  __sealgate_print(\"dir/p.rego:6\", [{__sealgate_printed | __sealgate_printed := (1)}])\n}\n"
            )
        );
    }

    /// OPA's cross product of the arguments' values, `<undefined>` for an empty set; a value too
    /// large to write out is named instead (a tree of 2^40 leaves built from 40 small arrays).
    #[test]
    fn lines_are_the_cross_product_and_huge_values_are_named() {
        let set = |values: Vec<Value>| {
            Value::from(
                values
                    .into_iter()
                    .collect::<std::collections::BTreeSet<_>>(),
            )
        };
        let printed = Printed::default();
        print(
            &[
                set(vec![Value::from("a"), Value::from("b")]),
                set(vec![]),
                set(vec![Value::from(1u64), Value::from(2u64)]),
            ],
            &printed,
        );
        assert_eq!(
            printed.take(),
            [
                "a <undefined> 1",
                "a <undefined> 2",
                "b <undefined> 1",
                "b <undefined> 2"
            ]
        );
        let mut doubled = Value::from("x".repeat(100));
        for _ in 0..40 {
            doubled = Value::from(vec![doubled.clone(), doubled]);
        }
        let text = texts(&set(vec![doubled]));
        assert_eq!(text.len(), 1);
        assert!(text[0].starts_with("(a value of "), "{}", text[0]);
    }

    /// A test keeps 10,000 lines or 16 MiB of them; the rest are counted, and a call whose
    /// cross product is huge stops at the bound instead of trying each combination.
    #[test]
    fn lines_past_the_bounds_are_counted_not_made() {
        let printed = Printed::default();
        for n in 0..MAX_LINES + 5 {
            printed.push(n.to_string());
        }
        printed.drop_lines(5);
        let lines = printed.take();
        assert_eq!(lines.len(), MAX_LINES + 1);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("(5 more printed lines not shown: sealgate keeps 10000 lines or 16 MiB per test)")
        );
        assert!(printed.take().is_empty());

        // 1,000 × 1,000 × 1,000 combinations: 10,000 written, the rest only counted
        let thousand = || {
            Value::from(
                (0..1000u64)
                    .map(Value::from)
                    .collect::<std::collections::BTreeSet<_>>(),
            )
        };
        print(&[thousand(), thousand(), thousand()], &printed);
        let lines = printed.take();
        assert_eq!(lines.len(), MAX_LINES + 1);
        assert_eq!(
            lines.last().map(String::as_str),
            Some(
                "(999990000 more printed lines not shown: sealgate keeps 10000 lines or 16 MiB per test)"
            )
        );

        // values of 600 KB each: 27 lines make 16 MiB
        let big = Value::from(
            (0..40u64)
                .map(|n| Value::from(format!("{n:02}{}", "x".repeat(600_000))))
                .collect::<std::collections::BTreeSet<_>>(),
        );
        print(&[big], &printed);
        let lines = printed.take();
        let bytes: usize = lines.iter().map(String::len).sum();
        assert!(bytes <= MAX_BYTES, "{bytes}");
        assert_eq!(lines.len(), 27 + 1, "{:?}", lines.last());
        assert_eq!(
            lines.last().map(String::as_str),
            Some(
                "(13 more printed lines not shown: sealgate keeps 10000 lines or 16 MiB per test)"
            )
        );
    }
}
