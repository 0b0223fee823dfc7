//! conftest's `codeowners` parser: a GitHub CODEOWNERS file as the rules conftest v0.71.1 prints
//! (`{"rules": [{"pattern", "owners": [{"type", "value"}], "comment", "lineNumber"}]}`), read the
//! way its library, hmarr/codeowners v1.2.1, reads it.
//!
//! Its rules, kept here: lines are split as Go's `bufio.Scanner` splits them (a trailing `\r`
//! dropped; a line of 64 KiB or more silently ends the file, as the library never checks the
//! scanner's error); blank lines and `#` lines are skipped; a rule is a pattern (its characters
//! limited, `\` escaping the next one and kept) then owners (an email, `@org/team` or `@user`,
//! tried in that order), a `#` anywhere starting the trimmed comment; `***` in a pattern and any
//! character outside the allowed sets refuse the file. No rules at all is `"rules": null`.

use serde_json::{Value, json};

/// `bufio.MaxScanTokenSize`: a line as long as this (with its `\n`, longer) stops the scanner.
const MAX_LINE: usize = 64 * 1024;

/// Parses `text` as conftest's codeowners parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let mut rules = Vec::new();
    let mut lines = text.split('\n').peekable();
    let mut number = 0;
    while let Some(line) = lines.next() {
        // the empty piece after a final newline is no line
        if line.is_empty() && lines.peek().is_none() {
            break;
        }
        if line.len() >= MAX_LINE {
            break;
        }
        number += 1;
        let line = line.strip_suffix('\r').unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut rule =
            parse_rule(line).map_err(|e| anyhow::anyhow!("codeowners: line {number}: {e}"))?;
        if let Value::Object(fields) = &mut rule {
            fields.insert("lineNumber".to_string(), json!(number));
        }
        rules.push(rule);
    }
    Ok(json!({ "rules": if rules.is_empty() { Value::Null } else { Value::Array(rules) } }))
}

/// One rule line (trimmed, not a comment): its pattern, owners and comment.
fn parse_rule(line: &str) -> Result<Value, String> {
    let mut pattern: Option<String> = None;
    let mut owners = Vec::new();
    let mut comment = String::new();
    let mut escaped = false;
    let mut buf = String::new();
    for (i, ch) in line.char_indices() {
        if ch == '#' {
            comment = line[i + 1..].trim().to_string();
            break;
        }
        let position = i + 1;
        if pattern.is_none() {
            match ch {
                '\\' => {
                    escaped = true;
                    buf.push(ch);
                    continue;
                }
                _ if is_whitespace(ch) && !escaped => {
                    check_pattern(&buf)?;
                    pattern = Some(std::mem::take(&mut buf));
                }
                _ if is_pattern_char(ch) || is_whitespace(ch) => buf.push(ch),
                _ => return Err(format!("unexpected character at position {position}")),
            }
            escaped = false;
        } else if is_whitespace(ch) {
            if !buf.is_empty() {
                owners.push(owner(&buf, position - buf.len())?);
                buf.clear();
            }
        } else if is_owner_char(ch) {
            buf.push(ch);
        } else {
            return Err(format!("unexpected character at position {position}"));
        }
    }
    match &pattern {
        None => {
            check_pattern(&buf)?;
            pattern = Some(buf);
        }
        Some(_) if !buf.is_empty() => owners.push(owner(&buf, line.len() + 1 - buf.len())?),
        Some(_) => {}
    }
    Ok(json!({
        "pattern": pattern,
        "owners": owners,
        "comment": comment,
    }))
}

/// The one pattern the library's pattern compiler refuses.
fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.contains("***") {
        return Err("pattern cannot contain three consecutive asterisks".to_string());
    }
    Ok(())
}

/// The library's default owner matchers, in order: email, team, username. The text is made of
/// owner characters only (ASCII).
fn owner(s: &str, position: usize) -> Result<Value, String> {
    let team_or_user = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let (kind, value) = if is_email(s) {
        ("email", s)
    } else if let Some(name) = s.strip_prefix('@')
        && let Some((org, team)) = name.split_once('/')
        && !org.is_empty()
        && org.chars().all(team_or_user)
        && !team.is_empty()
        && team.chars().all(|c| team_or_user(c) || c == '_')
    {
        ("team", name)
    } else if let Some(name) = s.strip_prefix('@')
        && !name.is_empty()
        && name.chars().all(|c| team_or_user(c) || c == '_')
    {
        ("username", name)
    } else {
        return Err(format!("invalid owner format at position {position}"));
    };
    Ok(json!({"type": kind, "value": value}))
}

/// `\A[A-Z0-9a-z._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,6}\z`.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let Some((host, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

fn is_whitespace(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\n')
}

fn is_pattern_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || "*?./@_+-\\()".contains(ch)
}

fn is_owner_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ".@/_%+-".contains(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_owners_and_comments() {
        let v = parse("# c\n*.go @o/team a@b.io @u # note \r\n\ndocs/\\ x\n").unwrap();
        assert_eq!(
            v,
            json!({"rules": [
                {"pattern": "*.go", "owners": [
                    {"type": "team", "value": "o/team"},
                    {"type": "email", "value": "a@b.io"},
                    {"type": "username", "value": "u"}],
                 "comment": "note", "lineNumber": 2},
                {"pattern": "docs/\\ x", "owners": [], "comment": "", "lineNumber": 4}]})
        );
    }

    #[test]
    fn refusals_name_the_line_but_not_the_owner() {
        let e = parse("a @ok\nb secret-value\n").unwrap_err().to_string();
        assert_eq!(e, "codeowners: line 2: invalid owner format at position 3");
        assert!(parse("a/***/b @x\n").is_err());
        assert_eq!(parse("").unwrap(), json!({"rules": null}));
    }

    #[test]
    fn conftest_picks_these_parsers_by_file_name() {
        use std::path::Path;

        use crate::gate::parsers::Parser;
        for (path, parser) in [
            (".github/CODEOWNERS", Parser::Codeowners),
            ("docs/codeowners", Parser::Codeowners),
            ("pom.XML", Parser::Xml),
            ("deps.edn", Parser::Edn),
        ] {
            assert_eq!(Parser::for_path(Path::new(path)), Some(parser), "{path}");
        }
    }
}
