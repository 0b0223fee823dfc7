//! One Dockerfile instruction line into buildkit's node (`parser/split_command.go` and
//! `parser/line_parsers.go`, v0.33.1): the command word, the `--flags`, and the arguments as
//! that command's line parser splits them.
//!
//! buildkit reads flags byte by byte, so a non-ASCII byte in a flag becomes the Latin-1 character
//! of that byte, the bytes 0x85 and 0xA0 count as spaces, and what follows may start inside a
//! character; that is kept (values are bytes until they are printed, as Go's strings are).

use super::dockerfile::{decode, go_lower, is_go_space_byte, trim_space};
use super::dockerfile_json::{JsonArray, json_array};

/// A line's node: the command as written, its flags (`None` when the line has no arguments at
/// all, as buildkit leaves them nil), its values, and for `ONBUILD` the instruction it holds.
#[derive(Debug, Clone, Default)]
pub(super) struct Node {
    pub cmd: Vec<u8>,
    pub flags: Option<Vec<String>>,
    pub values: Vec<Vec<u8>>,
    pub json: bool,
    pub sub: Option<Box<Node>>,
}

/// buildkit's `newNodeFromLine`.
pub(super) fn node(line: &[u8], escape: u8) -> Result<Node, String> {
    let (cmd, flags, rest) = split_command(line, escape);
    let mut node = Node {
        cmd: cmd.to_vec(),
        flags,
        ..Node::default()
    };
    let lower = go_lower(cmd);
    if lower == "onbuild" {
        if !rest.is_empty() {
            node.sub = Some(Box::new(sub_command(rest, escape)?));
        }
    } else {
        (node.values, node.json) = dispatch(&lower, rest, escape)?;
    }
    Ok(node)
}

/// `ONBUILD`'s instruction; one held in turn by another `ONBUILD` is only checked for errors
/// (buildkit recurses; this loops), its values are the one empty string conftest prints for it.
fn sub_command(line: &[u8], escape: u8) -> Result<Node, String> {
    let (cmd, flags, rest) = split_command(line, escape);
    let mut sub = Node {
        cmd: cmd.to_vec(),
        flags,
        ..Node::default()
    };
    let lower = go_lower(cmd);
    if lower != "onbuild" {
        (sub.values, sub.json) = dispatch(&lower, rest, escape)?;
        return Ok(sub);
    }
    if rest.is_empty() {
        return Ok(sub);
    }
    sub.values = vec![Vec::new()];
    let mut rest = rest;
    loop {
        let (cmd, _, next) = split_command(rest, escape);
        let lower = go_lower(cmd);
        if lower != "onbuild" {
            dispatch(&lower, next, escape)?;
            return Ok(sub);
        }
        if next.is_empty() {
            return Ok(sub);
        }
        rest = next;
    }
}

/// buildkit's `splitCommand`: the command word, the flags, the rest (trimmed).
fn split_command(line: &[u8], escape: u8) -> (&[u8], Option<Vec<String>>, &[u8]) {
    let line = trim_space(line);
    // regexp `[\t\v\f\r ]+`, split once.
    let is_ws = |b: &u8| matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ');
    let Some(at) = line.iter().position(is_ws) else {
        return (line, None, &[]);
    };
    let end = at + line[at..].iter().take_while(|b| is_ws(b)).count();
    let (rest, flags) = builder_flags(&line[end..], escape);
    (&line[..at], Some(flags), trim_space(rest))
}

/// buildkit's `extractBuilderFlags`: leading `--words` (quotes and the escape character read as
/// a shell would), up to the first word that does not start with `--`, or `--` itself.
fn builder_flags(line: &[u8], escape: u8) -> (&[u8], Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    while pos <= line.len() {
        let ch = line.get(pos).copied();
        if phase == Phase::Spaces {
            let Some(c) = ch else { break };
            if is_go_space_byte(c) {
                pos += 1;
                continue;
            }
            if c != b'-' || line.get(pos + 1) != Some(&b'-') {
                return (&line[pos..], words);
            }
            phase = Phase::Word;
        }
        let Some(mut c) = ch else {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        };
        if phase == Phase::Word {
            if is_go_space_byte(c) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (&line[pos..], words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if c == b'\'' || c == b'"' {
                quote = c;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if c == escape {
                if pos + 1 == line.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = line[pos];
            }
            word.push(char::from(c));
            pos += 1;
            continue;
        }
        // Phase::Quote
        if c == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if c == escape {
            if pos + 1 == line.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = line[pos];
        }
        word.push(char::from(c));
        pos += 1;
    }
    (&[], words)
}

/// The command's line parser (buildkit's dispatch table); unknown commands get one empty value.
fn dispatch(cmd: &str, rest: &[u8], escape: u8) -> Result<(Vec<Vec<u8>>, bool), String> {
    Ok(match cmd {
        "add" | "copy" | "volume" => maybe_json_list(rest)?,
        "cmd" | "entrypoint" | "run" | "shell" => maybe_json(rest)?,
        "arg" => (words(rest, escape), false),
        "env" => (name_values(rest, "ENV", escape)?, false),
        "label" => (name_values(rest, "LABEL", escape)?, false),
        "expose" | "from" => (whitespace_split(rest), false),
        "healthcheck" => health_config(rest)?,
        "maintainer" | "stopsignal" | "user" | "workdir" => (
            if rest.is_empty() {
                vec![]
            } else {
                vec![rest.to_vec()]
            },
            false,
        ),
        _ => (vec![Vec::new()], false),
    })
}

/// regexp `[\t\v\f\r ]+` as a splitter (`parseStringsWhitespaceDelimited`); `rest` is trimmed.
fn whitespace_split(rest: &[u8]) -> Vec<Vec<u8>> {
    if rest.is_empty() {
        return Vec::new();
    }
    rest.split(|b| matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' '))
        .filter(|w| !w.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// `parseMaybeJSON`: an exec-form array, or the whole rest as one value.
fn maybe_json(rest: &[u8]) -> Result<(Vec<Vec<u8>>, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    match json_array(rest) {
        JsonArray::Strings(v) => Ok((v, true)),
        JsonArray::NotStrings => Err(NOT_STRINGS.into()),
        JsonArray::NotJson => Ok((vec![rest.to_vec()], false)),
    }
}

/// `parseMaybeJSONToList`: an exec-form array, or the rest split at whitespace.
fn maybe_json_list(rest: &[u8]) -> Result<(Vec<Vec<u8>>, bool), String> {
    match json_array(rest) {
        JsonArray::Strings(v) => Ok((v, true)),
        JsonArray::NotStrings => Err(NOT_STRINGS.into()),
        JsonArray::NotJson => Ok((whitespace_split(rest), false)),
    }
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// `parseHealthConfig`: the type word (`CMD`, `NONE`), then the command as `parseMaybeJSON`.
fn health_config(rest: &[u8]) -> Result<(Vec<Vec<u8>>, bool), String> {
    let sep = rest
        .iter()
        .position(|b| is_go_space_byte(*b))
        .unwrap_or(rest.len());
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let next = sep
        + rest[sep..]
            .iter()
            .take_while(|b| is_go_space_byte(**b))
            .count();
    let (cmd, json) = maybe_json(&rest[next..])?;
    let mut values = vec![rest[..sep].to_vec()];
    values.extend(cmd);
    Ok((values, json))
}

/// buildkit's `parseWords`: words split at whitespace, quotes and escapes kept (a rune at a
/// time: an invalid byte becomes U+FFFD, as Go's decoder reads it).
pub(super) fn words(rest: &[u8], escape: u8) -> Vec<Vec<u8>> {
    let esc = char::from(escape);
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut in_quote = false;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    while pos < rest.len() {
        let (mut ch, mut width) = decode(rest, pos);
        if !in_word {
            if ch.is_whitespace() {
                pos += width;
                continue;
            }
            in_word = true;
        }
        if !in_quote {
            if ch.is_whitespace() {
                in_word = false;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word).into_bytes());
                }
                blank_ok = false;
                pos += width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                in_quote = true;
            }
            if ch == esc {
                if pos + width == rest.len() {
                    pos += width;
                    continue;
                }
                word.push(ch);
                pos += width;
                (ch, width) = decode(rest, pos);
            }
            word.push(ch);
            pos += width;
            continue;
        }
        if ch == quote {
            in_quote = false;
        }
        if ch == esc && quote != '\'' {
            if pos + width == rest.len() {
                in_quote = false;
                pos += width;
                continue;
            }
            pos += width;
            word.push(ch);
            (ch, width) = decode(rest, pos);
        }
        word.push(ch);
        pos += width;
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(word.into_bytes());
    }
    words
}

/// `parseNameVal` (`ENV`, `LABEL`): `key value` (old form) or `key=value …`, each as the three
/// values buildkit chains: key, value, and `=` (or `` for the old form).
fn name_values(rest: &[u8], command: &str, escape: u8) -> Result<Vec<Vec<u8>>, String> {
    let words = words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains(&b'=') {
        let ws = |b: &u8| matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ');
        let Some(at) = rest.iter().position(ws) else {
            return Err(format!("{command} must have two arguments"));
        };
        let end = at + rest[at..].iter().take_while(|b| ws(b)).count();
        return Ok(vec![rest[..at].to_vec(), rest[end..].to_vec(), Vec::new()]);
    }
    let mut values = Vec::with_capacity(words.len() * 3);
    for word in words {
        let Some(eq) = word.iter().position(|b| *b == b'=') else {
            return Err(format!(
                "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                String::from_utf8_lossy(&word)
            ));
        };
        values.push(word[..eq].to_vec());
        values.push(word[eq + 1..].to_vec());
        values.push(b"=".to_vec());
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[Vec<u8>]) -> Vec<String> {
        v.iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[test]
    fn flags_are_read_byte_by_byte() {
        let (rest, flags) = builder_flags(b"--from=a --chmod=\"7 5\" x y", b'\\');
        assert_eq!(rest, b"x y");
        assert_eq!(flags, ["--from=a", "--chmod=7 5"]);
        let (rest, flags) = builder_flags(b"-- --x y", b'\\');
        assert_eq!((rest, flags.len()), (&b" --x y"[..], 0));
        let (_, flags) = builder_flags("--a=é b".as_bytes(), b'\\');
        assert_eq!(flags, ["--a=Ã©"]);
    }

    #[test]
    fn words_keep_quotes() {
        assert_eq!(
            s(&words(br#"a="b c" d\ e 'f'"#, b'\\')),
            [r#"a="b c""#, r"d\ e", "'f'"]
        );
    }
}
