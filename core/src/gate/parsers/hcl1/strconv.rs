//! The library's literal values (`hcl/token.Value`): HCL strings unquoted by `hcl/strconv` (a
//! `${…}` is copied as written), JSON strings by Go's `strconv.Unquote`, heredocs cut and
//! unindented by `unindentHeredoc`'s arithmetic; and Go's `strconv.ParseInt(s, 0, 0)` for the
//! decoder's integers. Strings are bytes here, as in Go (`\xff` makes an invalid one).

use super::super::ini::underscores_ok;

/// HCL's `strconv.Unquote` of a string token's text (quotes included).
pub(super) fn hcl_unquote(s: &str) -> Option<Vec<u8>> {
    let s = s.strip_prefix('"')?.strip_suffix('"')?;
    if !s.contains(['$', '{']) && s.contains('\n') {
        return None;
    }
    if !s.contains(['\\', '"', '$']) {
        return Some(s.as_bytes().to_vec());
    }
    let mut buf = Vec::with_capacity(s.len());
    let mut s = s;
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix("${") {
            // The interpolation is copied as it is, up to its balancing brace.
            buf.extend_from_slice(b"${");
            s = rest;
            let mut braces = 1usize;
            while braces > 0 {
                let Some(c) = s.chars().next() else { break };
                if c == '\u{FFFD}' {
                    return None;
                }
                s = &s[c.len_utf8()..];
                let mut tmp = [0u8; 4];
                buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                match c {
                    '{' => braces += 1,
                    '}' => braces -= 1,
                    _ => {}
                }
            }
            if braces != 0 {
                return None;
            }
            continue;
        }
        if s.starts_with('\n') {
            return None;
        }
        let (c, rest) = unquote_char(s, false)?;
        push(&mut buf, c);
        s = rest;
    }
    Some(buf)
}

/// Go's `strconv.Unquote` of a double-quoted string (a JSON string token's text).
pub(super) fn go_unquote(s: &str) -> Option<Vec<u8>> {
    let inner = s.strip_prefix('"')?;
    let end = inner.find('"')?;
    if !inner[..end].contains(['\\', '\n']) {
        // Without escapes the string ends at its first quote: nothing may follow it.
        return (end + 1 == inner.len()).then(|| inner.as_bytes()[..end].to_vec());
    }
    let mut buf = Vec::with_capacity(s.len());
    let mut rest = inner;
    while !rest.is_empty() && !rest.starts_with('"') {
        if rest.starts_with('\n') {
            return None;
        }
        let (c, tail) = unquote_char(rest, true)?;
        push(&mut buf, c);
        rest = tail;
    }
    (rest == "\"").then_some(buf)
}

/// A character as `Unquote` appends it: a byte escape (`\xff`, `\377`) as that byte, any other
/// as UTF-8 (a surrogate as U+FFFD, as Go's `EncodeRune` writes it).
enum Unquoted {
    Byte(u8),
    Rune(u32),
}

fn push(buf: &mut Vec<u8>, c: Unquoted) {
    match c {
        Unquoted::Byte(b) => buf.push(b),
        Unquoted::Rune(r) => {
            let c = char::from_u32(r).unwrap_or('\u{FFFD}');
            let mut tmp = [0u8; 4];
            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
    }
}

/// `unquoteChar` for a double-quoted string: the first character of `s` and the rest. `go`:
/// Go's version, which refuses `\u` escapes that are not valid code points (surrogates); HCL's
/// takes them (and writes U+FFFD).
fn unquote_char(s: &str, go: bool) -> Option<(Unquoted, &str)> {
    let c = s.chars().next()?;
    if c == '"' {
        return None;
    }
    if c != '\\' {
        let rest = &s[c.len_utf8()..];
        return Some(if c.is_ascii() {
            (Unquoted::Byte(c as u8), rest)
        } else {
            (Unquoted::Rune(u32::from(c)), rest)
        });
    }
    let b = s.as_bytes();
    let e = *b.get(1)?;
    let s = &s[2..];
    let simple = |v: u8| Some((Unquoted::Byte(v), s));
    match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        b'"' => simple(b'"'),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = s.get(..n)?;
            let mut v = 0u32;
            for d in digits.bytes() {
                v = v << 4 | char::from(d).to_digit(16)?;
            }
            let s = &s[n..];
            if e == b'x' {
                return Some((Unquoted::Byte(v as u8), s));
            }
            if v > 0x10FFFF || (go && (0xD800..0xE000).contains(&v)) {
                return None;
            }
            Some((Unquoted::Rune(v), s))
        }
        b'0'..=b'7' => {
            let mut v = u32::from(e - b'0');
            for d in s.get(..2)?.bytes() {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = v << 3 | u32::from(d - b'0');
            }
            let byte = u8::try_from(v).ok()?;
            Some((Unquoted::Byte(byte), &s[2..]))
        }
        _ => None,
    }
}

/// `unindentHeredoc` of a heredoc token's text (`<<EOF\n…EOF\n`): the lines between the
/// anchors, and for `<<-` less the closing anchor's indentation when every line has it.
pub(super) fn unindent_heredoc(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let idx = b.iter().position(|&c| c == b'\n')?;
    let plain = b.get(idx + 1..(b.len() + 1).checked_sub(idx)?)?;
    if b.get(2) != Some(&b'-') {
        return Some(plain.to_vec());
    }
    let body = b.get(idx + 1..(b.len() + 2).checked_sub(idx)?)?;
    let lines: Vec<&[u8]> = body.split(|&c| c == b'\n').collect();
    let prefix = lines.last().copied().unwrap_or_default();
    if !lines.iter().all(|l| l.starts_with(prefix)) {
        let keep = plain.len()
            - plain
                .iter()
                .rev()
                .take_while(|&&c| c == b' ' || c == b'\t')
                .count();
        return Some(plain[..keep].to_vec());
    }
    let mut out = Vec::with_capacity(body.len());
    for (k, line) in lines.iter().enumerate() {
        if k > 0 {
            out.push(b'\n');
        }
        if k + 1 < lines.len() {
            out.extend_from_slice(&line[prefix.len()..]);
        }
    }
    Some(out)
}

/// Go's `strconv.ParseInt(s, 0, 64)`: a sign, a `0x`/`0o`/`0b` prefix or a leading `0` for
/// octal, `_` between digits; `None` where Go gives an error (syntax or range).
pub(super) fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let b = body.as_bytes();
    let (base, digits): (u64, &[u8]) = match b {
        [] => return None,
        [b'0', p, _, ..] if matches!(p | 0x20, b'b' | b'o' | b'x') => (
            match p | 0x20 {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            },
            &b[2..],
        ),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, b),
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = u64::from(char::from(c).to_digit(36)?);
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    let hex = base == 16;
    if underscores && !underscores_ok(body, hex) {
        return None;
    }
    if negative {
        0i64.checked_sub_unsigned(n)
    } else {
        i64::try_from(n).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(s: &str) -> Option<String> {
        hcl_unquote(s).map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    #[test]
    fn hcl_strings() {
        assert_eq!(hcl(r#""a\tb\u00e9\x41\101""#).as_deref(), Some("a\tbéAA"));
        assert_eq!(
            hcl(r#""${a("\t", "x")} \n""#).as_deref(),
            Some("${a(\"\\t\", \"x\")} \n")
        );
        // Braces are counted whether quoted or not, as the library counts them.
        assert_eq!(hcl(r#""${a("}")}""#), None);
        assert_eq!(hcl("\"${a\nb}\"").as_deref(), Some("${a\nb}"));
        assert_eq!(hcl("\"a\nb\"").as_deref(), None);
        assert_eq!(hcl(r#""\'""#), None);
        assert_eq!(hcl(r#""\400""#), None);
        assert_eq!(hcl(r#""\ud800""#).as_deref(), Some("\u{FFFD}"));
        assert_eq!(hcl(r#""${a""#), None);
    }

    #[test]
    fn go_strings() {
        let go = |s: &str| go_unquote(s).map(|b| String::from_utf8_lossy(&b).into_owned());
        assert_eq!(go(r#""plain ${x}""#).as_deref(), Some("plain ${x}"));
        assert_eq!(go(r#""q\"\u00e9""#).as_deref(), Some("q\"é"));
        assert_eq!(go(r#""\ud800""#), None);
        assert_eq!(go(r#""\/""#), None);
        assert_eq!(go_unquote(r#""\xff""#), Some(vec![0xff]));
    }

    #[test]
    fn heredocs() {
        let h = |s: &str| String::from_utf8(unindent_heredoc(s).unwrap()).unwrap();
        assert_eq!(h("<<EOF\na\n b\nEOF\n"), "a\n b\n");
        assert_eq!(h("<<EOF\nEOF\n"), "");
        assert_eq!(h("<<EOF\na\n  EOF\n"), "a\n  ");
        assert_eq!(h("<<-EOF\n  a\n    b\n  EOF\n"), "a\n  b\n");
        assert_eq!(h("<<-EOF\n  a\nb\n  EOF\n"), "  a\nb\n");
    }

    #[test]
    fn go_ints() {
        for (s, want) in [
            ("0", Some(0)),
            ("017", Some(15)),
            ("08", None),
            ("0x1F", Some(31)),
            ("-0x10", Some(-16)),
            ("0b101", Some(5)),
            ("0o17", Some(15)),
            ("0x", None),
            ("1_000", Some(1000)),
            ("1__0", None),
            ("9223372036854775807", Some(i64::MAX)),
            ("9223372036854775808", None),
            ("-9223372036854775808", Some(i64::MIN)),
            ("", None),
            ("-", None),
            ("x", None),
        ] {
            assert_eq!(go_parse_int(s), want, "{s}");
        }
    }
}
