//! conftest's `properties` parser: a Java properties file as the flat object of strings conftest
//! v0.71.1 prints, read by the rules of its library, magiconair/properties v1.18.12
//! (`LoadString`, then `Map()`).
//!
//! Hand-written rather than a crate (`java-properties`): magiconair's lexer is not Java's and
//! its differences show. A UTF-8 byte order mark is dropped; `#` and `!` start comment lines;
//! a key runs to a space, tab, form feed, line end, `:` or `=`, escapes kept (`\ `, `\:`, `\=`,
//! `\f`, `\n`, `\r`, `\t`, `\uXXXX`, any other `\X` is `X`, a surrogate `\u` is U+FFFD); one `:`
//! or `=` between blanks separates the value, which runs to the line end (CR or LF) and continues
//! after a trailing `\` and the next line end, leading blanks dropped; a line starting with `:`
//! or `=` (an empty key) is refused. `Map()` gives the values unexpanded, but `LoadString` first
//! checks that every `${key}` in them expands (no `${` without `}`, no circular reference, no
//! chain deeper than 64), so a file failing that is refused here too.
//!
//! Two differences by design: magiconair expands a key the file lacks from the process
//! environment; here it is the empty string (a policy input never depends on the environment),
//! as magiconair gives for a name set nowhere. And the check's expansions, exponential in the
//! worst case there, stop at [`EXPANSION_BUDGET`] bytes with an error.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

/// magiconair's `maxExpansionDepth`: a chain of more keys than this is an error.
const MAX_EXPANSION_DEPTH: usize = 64;

/// Bytes the `${}` check may produce across all keys (real files use a few kilobytes; each
/// reference expanded repeats its value, so a hostile file could ask for 2^64).
const EXPANSION_BUDGET: usize = 64 << 20;

/// Parses `text` as conftest's properties parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = HashMap::new();
    let values = Lexer::new(text).properties(&mut lines)?;
    check_expansions(&values, &lines)?;
    let sorted: BTreeMap<String, String> = values.into_iter().collect();
    Ok(Value::Object(
        sorted
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<Map<_, _>>(),
    ))
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
}

fn blank(c: char) -> bool {
    matches!(c, ' ' | '\u{c}' | '\t')
}

fn eol(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            chars: text.chars().peekable(),
            line: 1,
        }
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.next();
        if c == Some('\n') {
            self.line += 1;
        }
        c
    }

    fn error(&self, what: &str) -> anyhow::Error {
        anyhow::anyhow!("properties: line {}: {what}", self.line)
    }

    /// The key/value pairs, a later key replacing an earlier one; each key's line in `lines`.
    fn properties(
        mut self,
        lines: &mut HashMap<String, usize>,
    ) -> anyhow::Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        loop {
            // lexBeforeKey: line ends and blanks skipped, comments read to their line end.
            let Some(&c) = self.chars.peek() else {
                return Ok(out);
            };
            if eol(c) || blank(c) {
                self.next();
                continue;
            }
            if c == '#' || c == '!' {
                while let Some(c) = self.next() {
                    if eol(c) {
                        break;
                    }
                }
                continue;
            }
            let line = self.line;
            let key = self.key()?;
            if key.is_empty() {
                // magiconair emits no key and then meets a value: an unexpected token.
                return Err(anyhow::anyhow!("properties: line {line}: empty key"));
            }
            let value = self.value()?;
            lines.insert(key.clone(), line);
            out.insert(key, value);
        }
    }

    /// lexKey: up to an unescaped blank, line end, `:` or `=` (left unread), or the end.
    fn key(&mut self) -> anyhow::Result<String> {
        let mut key = String::new();
        while let Some(&c) = self.chars.peek() {
            if c == '\\' {
                self.next();
                self.escape(&mut key)?;
            } else if blank(c) || eol(c) || c == ':' || c == '=' {
                break;
            } else {
                key.push(c);
                self.next();
            }
        }
        Ok(key)
    }

    /// lexBeforeValue and lexValue: the value, its line end consumed.
    fn value(&mut self) -> anyhow::Result<String> {
        self.skip_blanks();
        if matches!(self.chars.peek(), Some(':' | '=')) {
            self.next();
        }
        self.skip_blanks();
        let mut value = String::new();
        while let Some(c) = self.next() {
            match c {
                '\\' => match self.chars.peek() {
                    // A continuation: one line-end character, then the next line's blanks.
                    Some(&e) if eol(e) => {
                        self.next();
                        self.skip_blanks();
                    }
                    _ => self.escape(&mut value)?,
                },
                c if eol(c) => break,
                c => value.push(c),
            }
        }
        Ok(value)
    }

    fn skip_blanks(&mut self) {
        while self.chars.peek().is_some_and(|&c| blank(c)) {
            self.next();
        }
    }

    /// scanEscapeSequence, after the backslash.
    fn escape(&mut self, out: &mut String) -> anyhow::Result<()> {
        let c = match self.next() {
            None => return Err(self.error("premature end of file after a backslash")),
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => {
                let mut code = 0u32;
                for _ in 0..4 {
                    let digit = self
                        .next()
                        .and_then(|c| c.to_digit(16))
                        .ok_or_else(|| self.error("invalid unicode literal"))?;
                    code = code * 16 + digit;
                }
                char::from_u32(code).unwrap_or('\u{fffd}')
            }
            Some(c) => c,
        };
        out.push(c);
        Ok(())
    }
}

/// magiconair's `check()`: every value's `${…}` references expand.
fn check_expansions(
    values: &HashMap<String, String>,
    lines: &HashMap<String, usize>,
) -> anyhow::Result<()> {
    let mut budget = EXPANSION_BUDGET;
    let mut keys: Vec<&String> = values.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let mut chain = vec![key.clone()];
        expand(&values[key], &mut chain, values, &mut budget).map_err(|e| {
            let line = lines.get(key).copied().unwrap_or(1);
            anyhow::anyhow!("properties: line {line}: key {key:?}: {e}")
        })?;
    }
    Ok(())
}

/// magiconair's `expand`: `s` with each `${key}` replaced by the key's expanded value, searched
/// again after each replacement (a replacement can complete a `${` with the text around it).
/// The text before a replacement holds no `${`, so the search resumes there (one byte before,
/// for a `$` left just before it). Every byte written counts against `budget`.
fn expand(
    s: &str,
    chain: &mut Vec<String>,
    values: &HashMap<String, String>,
    budget: &mut usize,
) -> Result<String, String> {
    if chain.len() > MAX_EXPANSION_DEPTH {
        return Err("expansion too deep".to_string());
    }
    let mut s = s.to_string();
    let mut from = 0;
    while let Some(i) = s[from..].find("${") {
        let start = from + i;
        let key_start = start + 2;
        let key_len = s[key_start..]
            .find('}')
            .ok_or_else(|| "malformed expression".to_string())?;
        let name = &s[key_start..key_start + key_len];
        if chain.iter().any(|k| k == name) {
            return Err("circular reference".to_string());
        }
        let val = values.get(name).map_or("", String::as_str);
        chain.push(name.to_string());
        let replaced = expand(val, chain, values, budget);
        chain.pop();
        let replaced = replaced?;
        *budget = budget
            .checked_sub(s.len() + replaced.len())
            .ok_or_else(|| format!("${{}} expansion exceeds {EXPANSION_BUDGET} bytes"))?;
        s.replace_range(start..key_start + key_len + 1, &replaced);
        from = if start > 0 && s.as_bytes()[start - 1] == b'$' {
            start - 1
        } else {
            start
        };
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_values_escapes_and_continuations() {
        let v = parse(
            "# c\n! c\na=1\nb : two words\nc\\ d\\=e = \\u00e9\\t\\q\nf = x \\\n    y\ng\nh=${a}\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": "1", "b": "two words", "c d=e": "é\tq", "f": "x y", "g": "", "h": "${a}"})
        );
    }

    #[test]
    fn expansion_errors_refuse_the_file() {
        let e = parse("secret=${open value\n").unwrap_err().to_string();
        assert!(e.contains("secret") && !e.contains("open"), "{e}");
        assert!(parse("a=${b}\nb=${a}\n").is_err());
        assert!(parse("a=$${b}\nb={a}\n").is_err());
        assert!(parse("a=${missing}\n").is_ok());
        let deep: String = (0..70).map(|i| format!("k{i}=${{k{}}}\n", i + 1)).collect();
        assert!(parse(&deep).is_err());
        // 2^40 copies of a 4 KiB value: stopped at the budget, quickly.
        let mut wide: String = (0..40)
            .map(|i| format!("k{i}=${{k{}}}${{k{}}}\n", i + 1, i + 1))
            .collect();
        wide.push_str(&format!("k40={}\n", "v".repeat(4096)));
        let e = parse(&wide).unwrap_err().to_string();
        assert!(e.contains("exceeds"), "{e}");
        assert!(parse("=x\n").is_err());
        assert!(parse("a=\\").is_err());
    }
}
