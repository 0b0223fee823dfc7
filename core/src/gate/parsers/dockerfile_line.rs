//! One Dockerfile instruction line into buildkit's node (`parser/split_command.go` and
//! `parser/line_parsers.go`, v0.33.1): the command word, the `--flags`, and the arguments as
//! that command's line parser splits them.
//!
//! buildkit reads flags byte by byte, so a non-ASCII byte in a flag becomes the Latin-1 character
//! of that byte, the bytes 0x85 and 0xA0 count as spaces, and what follows may start inside a
//! character; that is kept (values are bytes until they are printed, as Go's strings are).

use super::dockerfile::{decode, go_lower, is_go_space_byte, trim_left_space, trim_space};

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

enum JsonArray {
    NotJson,
    NotStrings,
    Strings(Vec<Vec<u8>>),
}

/// Go's deepest JSON nesting (`encoding/json`'s scanner).
const MAX_JSON_DEPTH: usize = 10_000;

/// `parseJSON` as Go's `json.Unmarshal` into `[]any` reads it: anything but a syntactically valid
/// array is not JSON (the line is then shell form); a number out of float64's range anywhere is
/// a decoding error, so not JSON either; an array with a non-string item is an error.
/// Iterative, so nesting costs no stack.
fn json_array(rest: &[u8]) -> JsonArray {
    let text = trim_left_space(rest);
    if text.first() != Some(&b'[') {
        return JsonArray::NotJson;
    }
    let mut p = JsonReader { s: text, i: 0 };
    // Stack of open containers: true for an object.
    let mut stack: Vec<bool> = Vec::new();
    let mut items = Vec::new();
    let mut all_strings = true;
    let mut overflow = false;
    // Expecting a value (true) or what follows one (false).
    let mut want_value = true;
    loop {
        p.ws();
        if want_value {
            let Some(&c) = p.s.get(p.i) else {
                return JsonArray::NotJson;
            };
            let top_item = stack.len() == 1;
            match c {
                b'[' | b'{' => {
                    if stack.len() >= MAX_JSON_DEPTH {
                        return JsonArray::NotJson;
                    }
                    p.i += 1;
                    stack.push(c == b'{');
                    p.ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if p.s.get(p.i) == Some(&close) {
                        p.i += 1;
                        stack.pop();
                        want_value = false;
                    } else if c == b'{' && (p.string().is_none() || !p.colon()) {
                        return JsonArray::NotJson;
                    }
                    if top_item {
                        all_strings = false;
                    }
                    if stack.is_empty() {
                        break;
                    }
                    continue;
                }
                b'"' => {
                    let Some(s) = p.string() else {
                        return JsonArray::NotJson;
                    };
                    if top_item {
                        items.push(s);
                    }
                }
                _ => {
                    match p.scalar() {
                        None => return JsonArray::NotJson,
                        Some(true) => overflow = true,
                        Some(false) => {}
                    }
                    if top_item {
                        all_strings = false;
                    }
                }
            }
            want_value = false;
            continue;
        }
        let (Some(&object), Some(&c)) = (stack.last(), p.s.get(p.i)) else {
            return JsonArray::NotJson;
        };
        p.i += 1;
        match (c, object) {
            (b',', false) => want_value = true,
            (b',', true) => {
                p.ws();
                if p.string().is_none() || !p.colon() {
                    return JsonArray::NotJson;
                }
                want_value = true;
            }
            (b']', false) | (b'}', true) => {
                stack.pop();
                if stack.is_empty() {
                    break;
                }
            }
            _ => return JsonArray::NotJson,
        }
    }
    p.ws();
    if p.i != p.s.len() || overflow {
        return JsonArray::NotJson;
    }
    if all_strings {
        JsonArray::Strings(items)
    } else {
        JsonArray::NotStrings
    }
}

struct JsonReader<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonReader<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn colon(&mut self) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&b':') {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.s.get(at..at + 4)?;
        let h = std::str::from_utf8(h).ok()?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(h, 16).ok()
    }

    /// A string at `i` (which is `"`), decoded as Go decodes it (a lone surrogate is U+FFFD).
    fn string(&mut self) -> Option<Vec<u8>> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.i)?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                0..0x20 => return None,
                b'\\' => {
                    let e = *self.s.get(self.i + 1)?;
                    self.i += 2;
                    let simple = match e {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => 0,
                        _ => return None,
                    };
                    if e != b'u' {
                        out.push(simple);
                        continue;
                    }
                    let r = self.hex4(self.i)?;
                    self.i += 4;
                    let mut ch = char::from_u32(r);
                    if (0xD800..0xE000).contains(&r) {
                        ch = None;
                        let pair = (self.s.get(self.i..self.i + 2) == Some(b"\\u"))
                            .then(|| self.hex4(self.i + 2))
                            .flatten();
                        if let Some(lo) = pair
                            && (0xD800..0xDC00).contains(&r)
                            && (0xDC00..0xE000).contains(&lo)
                        {
                            ch = char::from_u32(0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00));
                            self.i += 6;
                        }
                    }
                    let ch = ch.unwrap_or('\u{fffd}');
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// A number or literal at `i`: `None` if malformed, else whether it is a number beyond
    /// float64's range.
    fn scalar(&mut self) -> Option<bool> {
        for lit in [&b"true"[..], b"false", b"null"] {
            if self.s[self.i..].starts_with(lit) {
                self.i += lit.len();
                return Some(false);
            }
        }
        let start = self.i;
        let digits = |r: &mut Self| {
            let from = r.i;
            while r.s.get(r.i).is_some_and(u8::is_ascii_digit) {
                r.i += 1;
            }
            r.i - from
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return None,
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(text.parse::<f64>().map_or(true, f64::is_infinite))
    }
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
    fn json_arrays_as_go_reads_them() {
        let strings = |t: &str| match json_array(t.as_bytes()) {
            JsonArray::Strings(v) => Some(s(&v)),
            _ => None,
        };
        assert_eq!(
            strings(r#"["a", "b\u00e9\ud800"]"#),
            Some(vec!["a".into(), "bé\u{fffd}".into()])
        );
        assert_eq!(strings("[]"), Some(vec![]));
        assert!(matches!(json_array(b"[1]"), JsonArray::NotStrings));
        assert!(matches!(
            json_array(b"[\"a\", {\"k\": [1e999]}]"),
            JsonArray::NotJson
        ));
        assert!(matches!(json_array(b"[\"a\",]"), JsonArray::NotJson));
        assert!(matches!(json_array(b"[\"a\"] x"), JsonArray::NotJson));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(matches!(json_array(deep.as_bytes()), JsonArray::NotStrings));
        let deeper = "[".repeat(10_001) + &"]".repeat(10_001);
        assert!(matches!(json_array(deeper.as_bytes()), JsonArray::NotJson));
    }

    #[test]
    fn words_keep_quotes() {
        assert_eq!(
            s(&words(br#"a="b c" d\ e 'f'"#, b'\\')),
            [r#"a="b c""#, r"d\ e", "'f'"]
        );
    }
}
