//! conftest's `dotenv` parser: a `.env` file as the flat object of strings conftest v0.71.1
//! prints, read by the rules of its library, gotenv v1.6.0 (`StrictParse`).
//!
//! Hand-written rather than a crate: the Rust dotenv crates (`dotenvy`, `dotenv`) differ from
//! gotenv in quoting, escapes and errors, and gotenv's rules are a few regular expressions, kept
//! here as they are there (the `regex` crate has RE2's leftmost-first submatch semantics). So:
//! lines split at CR, LF or CRLF, a UTF-8 byte order mark dropped; blank lines and `#` lines
//! skipped; an opening quote whose line does not close it takes the following lines (gotenv's
//! own quote search, with its off-by-one check of the character before the closing quote); each
//! logical line must match gotenv's line pattern (`[export] KEY=value`, `KEY: value`, an inline
//! `# comment`) or the file is refused; double-quoted values unescape `\n`, `\r` and `\X`;
//! values not single-quoted expand `$VAR` / `${VAR}` from the keys above them, `\$` staying `$`.
//!
//! One difference by design: gotenv also expands from the process environment (conftest's
//! `$HOME`, `$PATH`…). sealgate never lets a policy input depend on, or carry, the environment it
//! runs in, so a name the file does not define expands to the empty string, as gotenv does for a
//! name set nowhere. A line longer than 65,535 bytes is refused, as gotenv's line scanner does.
//! Not reproduced: gotenv's line splitter takes a CR LF that straddles one of its buffer refills
//! for two line ends (an extra empty line, which shows only inside a multi-line quoted value of a
//! CRLF file); an accident of buffering, not a rule. Matching is linear in the text (the `regex`
//! crate), however long a quoted value runs.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::{Map, Value};

/// gotenv's `linePattern`, with Go's ASCII `\s` and `\w` spelled out (Rust's are Unicode).
const LINE_PATTERN: &str = r#"\A[\t\n\f\r ]*(?:export[\t\n\f\r ]+)?([0-9A-Za-z_.]+)(?:[\t\n\f\r ]*=[\t\n\f\r ]*|:[\t\n\f\r ]+?)('(?:'|[^'])*'|"(?:"|[^"])*"|[^#\n]+)?[\t\n\f\r ]*(?:[\t\n\f\r ]*#.*)?\z"#;

/// The longest line gotenv's `bufio.Scanner` reads (its 64 KiB buffer holds the line and its end).
const MAX_LINE: usize = 64 * 1024 - 1;

struct Patterns {
    line: Regex,
    unescape: Regex,
    variable: Regex,
    variable_name: Regex,
}

static PATTERNS: LazyLock<Result<Patterns, regex::Error>> = LazyLock::new(|| {
    Ok(Patterns {
        line: Regex::new(LINE_PATTERN)?,
        unescape: Regex::new(r"\\([^$])")?,
        variable: Regex::new(r"(\\)?(\$)(\{?([A-Z0-9_]+)?\}?)")?,
        variable_name: Regex::new(r"(\$)(\{?([A-Z0-9_]+)\}?)")?,
    })
});

/// The physical lines of `text` as gotenv's `splitLines` cuts them (CR, LF or CRLF), each with
/// its 1-based number.
fn physical_lines(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' => {
                out.push((out.len() + 1, &text[start..i]));
                i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        out.push((out.len() + 1, &text[start..]));
    }
    out
}

/// Parses `text` as conftest's dotenv parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let patterns = PATTERNS
        .as_ref()
        .map_err(|e| anyhow::anyhow!("dotenv: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = physical_lines(text);
    if let Some((n, _)) = lines.iter().find(|(_, l)| l.len() > MAX_LINE) {
        anyhow::bail!("dotenv: line {n} is longer than {MAX_LINE} bytes");
    }
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut rest = lines.into_iter();
    while let Some((number, raw)) = rest.next() {
        let mut line = raw.trim().to_string();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut quote = opening_quote(&line);
        // The closing quote is looked for on the following lines, each taken raw.
        while let Some(q) = quote {
            let Some((_, next)) = rest.next() else { break };
            line.push('\n');
            line.push_str(next);
            match next.rfind(q) {
                Some(i) if i > 0 && next.as_bytes()[i - 1] == b'\\' => {}
                Some(_) => quote = None,
                None => {}
            }
        }
        if quote.is_some() {
            anyhow::bail!("dotenv: line {number}: missing closing quote");
        }
        parse_line(patterns, &line, &mut env)
            .ok_or_else(|| anyhow::anyhow!("dotenv: line {number} doesn't match format"))?;
    }
    Ok(Value::Object(
        env.into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<Map<_, _>>(),
    ))
}

/// The quote a (trimmed) line opens and does not close, by gotenv's test: the value after the
/// first `=` (else `:`) starts with a quote, and the last such quote in the rest of the value is
/// missing or has a backslash at the same index of the value (gotenv compares the wrong index;
/// kept, as it decides which lines are joined).
fn opening_quote(line: &str) -> Option<char> {
    let idx = line.find('=').or_else(|| line.find(':'))?;
    if idx == 0 || idx >= line.len() - 1 {
        return None;
    }
    let val = line[idx + 1..].trim();
    let q = match val.as_bytes().first() {
        Some(b'"') => '"',
        Some(b'\'') => '\'',
        _ => return None,
    };
    match val[1..].trim().rfind(q) {
        Some(i) if val.as_bytes()[i] != b'\\' => None,
        _ => Some(q),
    }
}

/// gotenv's `parseLine`: the key and value of one logical line into `env`; `None` when the line
/// does not match gotenv's pattern.
fn parse_line(p: &Patterns, line: &str, env: &mut BTreeMap<String, String>) -> Option<()> {
    let caps = p.line.captures(line)?;
    let key = caps.get(1)?.as_str().trim().to_string();
    let mut val = caps.get(2).map_or("", |m| m.as_str()).trim().to_string();
    let b = val.as_bytes();
    let (mut single, mut double) = (false, false);
    if b.len() >= 2 {
        let last = b[b.len() - 1];
        double = b[0] == b'"' && last == b'"';
        single = b[0] == b'\'' && last == b'\'';
        if single || double {
            val = val[1..val.len() - 1].to_string();
        }
    }
    if double {
        val = val.replace("\\n", "\n").replace("\\r", "\r");
        val = p
            .unescape
            .replace_all(&val, |c: &Captures<'_>| c[1].to_string())
            .into_owned();
    }
    if !single {
        val = p
            .variable
            .replace_all(&val, |c: &Captures<'_>| expand(p, &c[0], env))
            .into_owned();
    }
    env.insert(key, val);
    Some(())
}

/// gotenv's `varReplacement` for one `$…` match, without the process environment.
fn expand(p: &Patterns, s: &str, env: &BTreeMap<String, String>) -> String {
    if let Some(escaped) = s.strip_prefix('\\') {
        return escaped.to_string();
    }
    match p.variable_name.captures(s) {
        Some(c) => env.get(&c[3]).cloned().unwrap_or_default(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_exports_comments_and_expansion() {
        let v = parse(
            "# c\nexport A=1\nB = 'x $A' # c\nC=\"a\\nb ${A}\\$A\"\nD: v\nE=${B}$C\nF=\"multi\nline\"\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"A": "1", "B": "x $A", "C": "a\nb 1$A", "D": "v", "E": "x $Aa\nb 1$A", "F": "multi\nline"})
        );
    }

    #[test]
    fn refusals_name_the_line_not_the_value() {
        for (bad, line) in [("A=1\nsecret-value\n", 2), ("A=1\nB=\"open secret\n", 2)] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("line {line}")), "{e}");
            assert!(!e.contains("secret"), "{e}");
        }
        assert!(parse(&"A".repeat(70_000)).is_err());
    }
}
