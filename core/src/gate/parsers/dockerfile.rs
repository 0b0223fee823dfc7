//! conftest's `dockerfile` parser: a Dockerfile as conftest v0.71.1 prints it, one list of
//! commands `[[{Cmd, SubCmd, JSON, Flags, Value, Stage}, …]]`, read by the rules of its library,
//! buildkit v0.33.1 (`frontend/dockerfile/parser`, then `instructions.ParseInstruction` on each
//! instruction, whose refusals conftest passes on).
//!
//! Hand-written: no Rust crate reproduces buildkit's node tree and its quirks, which conftest's
//! output shows and policies see. Kept here: parser directives (`# escape=`, `# syntax=`,
//! `# check=`) only before anything else, and not printed; comments printed as `comment`
//! commands before the next instruction (a bare `#` forgets those before it; an indented one
//! keeps its `#`); line continuations (comment and blank lines inside them skipped); heredocs
//! after `ADD`/`COPY`/`RUN` consumed but not printed; the exec (JSON) form read as Go's
//! `encoding/json` reads it; flags as buildkit reads them (byte by byte); stages counted by
//! `FROM`. Refused as conftest refuses: unknown instructions, wrong argument counts, unknown or
//! malformed flags, a line over 64 KiB, no instruction at all, and the files conftest v0.71.1
//! crashes on (a `check=` comment before an instruction: buildkit's linter is nil there).
//!
//! Bounded against hostile input: no recursion (`ONBUILD` chains, JSON and `${…}` nesting are
//! iterative), every step linear in its line.

use serde_json::{Map, Value, json};

use super::dockerfile_instructions as instructions;
use super::dockerfile_line::{self as line, Node};
use super::dockerfile_shell as shell;

/// bufio.Scanner's default token limit: buildkit refuses a longer line.
const MAX_LINE: usize = 64 * 1024;

/// Parses `text` as conftest's dockerfile parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let nodes = read(text)?;
    let mut commands = Vec::new();
    let mut stages = 0usize;
    for node in &nodes {
        instructions::check(node).map_err(|e| anyhow::anyhow!("line {}: {e}", node.start))?;
        if go_lower(&node.node.cmd) == "from" {
            stages += 1;
        }
        let stage = stages.saturating_sub(1);
        for comment in &node.comments {
            commands.push(command(
                "comment",
                "",
                false,
                None,
                std::slice::from_ref(comment),
                stage,
            ));
        }
        let (sub, values, json) = match &node.node.sub {
            Some(sub) => (lossy(&sub.cmd), &sub.values, sub.json),
            None => (String::new(), &node.node.values, node.node.json),
        };
        let cmd = go_lower(&node.node.cmd);
        commands.push(command(
            &cmd,
            &sub,
            json,
            node.node.flags.as_deref(),
            values,
            stage,
        ));
    }
    Ok(json!([commands]))
}

fn command(
    cmd: &str,
    sub: &str,
    is_json: bool,
    flags: Option<&[String]>,
    values: &[Vec<u8>],
    stage: usize,
) -> Value {
    let mut c = Map::new();
    c.insert("Cmd".into(), json!(cmd));
    c.insert("SubCmd".into(), json!(sub));
    c.insert("JSON".into(), json!(is_json));
    c.insert("Flags".into(), flags.map_or(Value::Null, |f| json!(f)));
    let values: Vec<String> = values.iter().map(|v| lossy(v)).collect();
    c.insert(
        "Value".into(),
        if values.is_empty() {
            Value::Null
        } else {
            json!(values)
        },
    );
    c.insert("Stage".into(), json!(stage));
    Value::Object(c)
}

/// An instruction with where it starts and the comments before it.
pub(super) struct Instruction {
    pub node: Node,
    pub start: usize,
    pub comments: Vec<Vec<u8>>,
}

/// The parser directives seen so far (buildkit's `DirectiveParser`).
struct Directives {
    done: bool,
    seen: Vec<String>,
    escape: u8,
}

impl Directives {
    /// One line (trimmed) looked at as a directive: whether it was one.
    fn line(&mut self, line: &[u8]) -> Result<bool, String> {
        if self.done {
            return Ok(false);
        }
        let Some((name, value)) = line.strip_prefix(b"#").and_then(directive) else {
            self.done = true;
            return Ok(false);
        };
        if self.seen.contains(&name) {
            return Err(format!("only one {name} parser directive can be used"));
        }
        self.seen.push(name.clone());
        if name == "escape" {
            match value {
                b"\\" | b"`" => self.escape = value[0],
                _ => {
                    return Err(format!(
                        "invalid escape token '{}' does not match ` or \\",
                        lossy(value)
                    ));
                }
            }
        }
        Ok(true)
    }
}

/// `name=value` as buildkit's directive regexp `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` reads
/// it (after leading whitespace), for the names buildkit knows (`syntax`, `escape`, `check`).
pub(super) fn directive(text: &[u8]) -> Option<(String, &[u8])> {
    let text = trim_left_space(text);
    let re_space = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ');
    let name_len = text
        .iter()
        .enumerate()
        .take_while(|(i, b)| b.is_ascii_alphabetic() || (*i > 0 && b.is_ascii_digit()))
        .count();
    if name_len == 0 {
        return None;
    }
    let after = &text[name_len..];
    let after = &after[after.iter().take_while(|b| re_space(b)).count()..];
    let value = after.strip_prefix(b"=")?;
    let lead = value.iter().take_while(|b| re_space(b)).count();
    let value = if lead == value.len() {
        // `\s*` gives back one character so that `.+?` matches.
        value.get(value.len().checked_sub(1)?..)?
    } else {
        let trail = value.iter().rev().take_while(|b| re_space(b)).count();
        &value[lead..value.len() - trail]
    };
    let name = String::from_utf8_lossy(&text[..name_len]).to_ascii_lowercase();
    matches!(name.as_str(), "syntax" | "escape" | "check").then_some((name, value))
}

/// Lines as bufio.Scanner gives them to buildkit: each with its `\n`.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split_inclusive(|b| *b == b'\n')
}

fn is_comment(line: &[u8]) -> bool {
    trim_left_space(line).first() == Some(&b'#')
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let keep = line.len()
        - line
            .iter()
            .rev()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
    &line[..keep]
}

/// buildkit's `processLine`: the line without its newline (and leading whitespace for a first
/// line), looked at as a directive, and empty if it is a comment.
fn process_line<'a>(
    d: &mut Directives,
    line: &'a [u8],
    strip_left: bool,
) -> Result<(&'a [u8], bool), String> {
    let mut token = trim_newline(line);
    if strip_left {
        token = trim_left_space(token);
    }
    let is_directive = d.line(token)?;
    Ok((if is_comment(token) { &[] } else { token }, is_directive))
}

/// buildkit's `trimContinuationCharacter`: the line without a final escape character (and the
/// blanks after it), and whether the instruction ends here. An escaped escape character at the
/// end is no continuation.
fn trim_continuation(line: &[u8], escape: u8) -> (&[u8], bool) {
    let body = line.len()
        - line
            .iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
    if body == 0 || line[body - 1] != escape {
        return (line, true);
    }
    if body == 1 {
        return (&[], false);
    }
    if line[body - 2] == escape {
        return (line, true);
    }
    (&line[..body - 1], false)
}

/// buildkit's `Parse`: the instructions of a Dockerfile, each with its comments; heredoc bodies
/// consumed.
fn read(text: &str) -> anyhow::Result<Vec<Instruction>> {
    let bytes = text.as_bytes();
    if let Some((n, _)) = lines(bytes)
        .enumerate()
        .find(|(_, l)| l.strip_suffix(b"\n").unwrap_or(l).len() >= MAX_LINE)
    {
        anyhow::bail!(
            "line {}: dockerfile line greater than max allowed size of {}",
            n + 1,
            MAX_LINE - 1
        );
    }
    let mut d = Directives {
        done: false,
        seen: Vec::new(),
        escape: b'\\',
    };
    let mut out = Vec::new();
    let mut comments: Vec<Vec<u8>> = Vec::new();
    let mut lines = lines(bytes);
    let mut current = 0usize;
    let err = |at: usize, e: String| anyhow::anyhow!("line {at}: {e}");
    while let Some(mut raw) = lines.next() {
        if current == 0 {
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if is_comment(raw) {
            let comment = trim_space(&raw[1..]);
            if comment.is_empty() {
                comments.clear();
            } else {
                comments.push(comment.to_vec());
            }
        }
        let (token, is_directive) = process_line(&mut d, raw, true).map_err(|e| err(current, e))?;
        if is_directive {
            comments.pop();
        }
        current += 1;
        let start = current;
        let (token, mut end) = trim_continuation(token, d.escape);
        if end && token.is_empty() {
            continue;
        }
        let mut buf = token.to_vec();
        while !end {
            let Some(raw) = lines.next() else { break };
            let (token, _) = process_line(&mut d, raw, false).map_err(|e| err(current, e))?;
            current += 1;
            if is_comment(raw) || trim_left_space(trim_newline(token)).is_empty() {
                continue;
            }
            let (token, e) = trim_continuation(token, d.escape);
            buf.extend_from_slice(token);
            end = e;
        }
        let node = line::node(&buf, d.escape).map_err(|e| err(start, e))?;
        if can_contain_heredoc(&node) && buf.windows(2).any(|w| w == b"<<") {
            let line_text = String::from_utf8_lossy(&buf);
            let docs = shell::heredocs_in_line(&line_text)
                .map_err(|_| err(start, "a heredoc's name does not lex".into()))?;
            for doc in docs {
                let mut terminated = false;
                for raw in lines.by_ref() {
                    current += 1;
                    let mut candidate = trim_newline(raw);
                    if doc.chomp {
                        candidate =
                            &candidate[candidate.iter().take_while(|b| **b == b'\t').count()..];
                    }
                    if candidate == doc.name.as_bytes() {
                        terminated = true;
                        break;
                    }
                }
                if !terminated {
                    return Err(err(start, "unterminated heredoc".into()));
                }
            }
        }
        out.push(Instruction {
            node,
            start,
            comments: std::mem::take(&mut comments),
        });
    }
    if out.is_empty() {
        return Err(err(current, "file with no instructions".into()));
    }
    Ok(out)
}

/// Whether buildkit looks for heredocs after this instruction: `ADD`, `COPY`, `RUN` (or one held
/// by `ONBUILD`) in shell form.
fn can_contain_heredoc(node: &Node) -> bool {
    let node = match &node.sub {
        Some(sub) if go_lower(&node.cmd) == "onbuild" => sub,
        _ => node,
    };
    matches!(go_lower(&node.cmd).as_str(), "add" | "copy" | "run") && !node.json
}

/// Go's `utf8.DecodeRune`: the character at `i` and its width, U+FFFD and 1 for an invalid byte.
pub(super) fn decode(b: &[u8], i: usize) -> (char, usize) {
    let end = b.len().min(i + 4);
    let chunk = &b[i..end];
    let valid = match std::str::from_utf8(chunk) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or_default(),
    };
    valid
        .chars()
        .next()
        .map_or(('\u{fffd}', 1), |c| (c, c.len_utf8()))
}

/// Go's `unicode.IsSpace` on a byte taken as a character (`rune(b)`), as buildkit's byte loops do.
pub(super) fn is_go_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xA0)
}

pub(super) fn trim_left_space(b: &[u8]) -> &[u8] {
    let mut i = 0;
    while i < b.len() {
        let (c, w) = decode(b, i);
        if !(c.is_whitespace() && !(c == '\u{fffd}' && w == 1)) {
            break;
        }
        i += w;
    }
    &b[i..]
}

/// Go's `strings.TrimSpace` (Unicode whitespace; an invalid byte is not whitespace).
pub(super) fn trim_space(b: &[u8]) -> &[u8] {
    let b = trim_left_space(b);
    let mut end = b.len();
    'outer: while end > 0 {
        for k in 1..=end.min(4) {
            if let Ok(s) = std::str::from_utf8(&b[end - k..end]) {
                let mut chars = s.chars();
                if let (Some(c), None) = (chars.next(), chars.next())
                    && c.is_whitespace()
                {
                    end -= k;
                    continue 'outer;
                }
                break 'outer;
            }
        }
        break;
    }
    &b[..end]
}

/// Go's `unicode.ToLower` on one character (simple case mapping: `İ` is `i`).
pub(super) fn go_lower_char(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.ToLower` (an invalid byte becomes U+FFFD).
pub(super) fn go_lower(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let (c, w) = decode(b, i);
        out.push(go_lower_char(c));
        i += w;
    }
    out
}

/// Go's `strings.ToUpper`, for comparing with ASCII words (a character whose upper case is
/// several characters stays as it is, as Go's simple mapping mostly leaves it).
pub(super) fn go_upper(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let (c, w) = decode(b, i);
        let mut upper = c.to_uppercase();
        out.push(match (upper.next(), upper.next()) {
            (Some(u), None) => u,
            _ => c,
        });
        i += w;
    }
    out
}

/// Bytes as Go's JSON encoder prints a string: each invalid byte is U+FFFD.
pub(super) fn lossy(b: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(b) {
        return s.to_string();
    }
    let mut out = String::with_capacity(b.len() + 8);
    let mut i = 0;
    while i < b.len() {
        let (c, w) = decode(b, i);
        out.push(c);
        i += w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_comments_stages_and_directives() {
        let text = "# syntax=docker/dockerfile:1\n# about the base\nFROM golang:1.22 AS build\n  # indented\nRUN --mount=type=cache,target=/root/.cache \\\n    # skipped\n    go build \\\n\n    ./...\nFROM scratch\nCOPY --from=build /out /\nONBUILD RUN [\"a\", \"b\"]\nRUN <<EOF\nnot an instruction\nEOF\nCMD\n";
        let v = parse(text).unwrap();
        let c = |cmd: &str, sub: &str, j: bool, flags: Value, value: Value, stage: usize| json!({"Cmd": cmd, "SubCmd": sub, "JSON": j, "Flags": flags, "Value": value, "Stage": stage});
        assert_eq!(
            v,
            json!([[
                c(
                    "comment",
                    "",
                    false,
                    Value::Null,
                    json!(["about the base"]),
                    0
                ),
                c(
                    "from",
                    "",
                    false,
                    json!([]),
                    json!(["golang:1.22", "AS", "build"]),
                    0
                ),
                c("comment", "", false, Value::Null, json!(["# indented"]), 0),
                c(
                    "run",
                    "",
                    false,
                    json!(["--mount=type=cache,target=/root/.cache"]),
                    json!(["go build     ./..."]),
                    0
                ),
                c("from", "", false, json!([]), json!(["scratch"]), 1),
                c(
                    "copy",
                    "",
                    false,
                    json!(["--from=build"]),
                    json!(["/out", "/"]),
                    1
                ),
                c("onbuild", "RUN", true, json!([]), json!(["a", "b"]), 1),
                c("run", "", false, json!([]), json!(["<<EOF"]), 1),
                c("cmd", "", false, Value::Null, Value::Null, 1),
            ]])
        );
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "# only a comment\n",
            "FROM a\nBOGUS x\n",
            "FROM a b\n",
            "FROM a\nCOPY x\n",
            "FROM a\nRUN --network=bogus x\n",
            "FROM a\nRUN <<EOF\nno end\n",
            "# escape=x\nFROM a\n",
            "FROM a\n# check=skip=all\nRUN x\n",
            "FROM a\nCMD [\"a\", 1]\n",
            "FROM a\nENV x\n",
            "FROM a\nONBUILD FROM b\n",
            "FROM a\nHEALTHCHECK --interval=1ns CMD x\n",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("FROM a\nRUN {}\n", "x".repeat(MAX_LINE));
        assert!(parse(&long).is_err());
    }

    #[test]
    fn escape_directive_and_continuations() {
        let v = parse("# escape=`\nFROM a\nRUN dir c:\\ `\n  x\n").unwrap();
        assert_eq!(v[0][1]["Value"], json!(["dir c:\\   x"]));
    }

    #[test]
    fn directives_as_buildkit_reads_them() {
        assert_eq!(
            directive(b" escape = ` "),
            Some(("escape".into(), &b"`"[..]))
        );
        assert_eq!(directive(b"escape= "), Some(("escape".into(), &b" "[..])));
        assert_eq!(directive(b"escape="), None);
        assert_eq!(directive(b"other=1"), None);
        assert_eq!(directive(b"1a=1"), None);
    }
}
