//! String verbs as Go's fmt writes them (`fmtS`, `fmtSx`, `fmtQ` over `strconv.Quote`), and the
//! padding every verb shares (`pad`, `writePadding`).

use super::Spec;

/// Writes `s` with `verb`: `Some(false)` for a verb strings do not take.
pub(super) fn format(out: &mut String, s: &str, verb: char, spec: &Spec) -> Option<bool> {
    match verb {
        'v' if spec.sharp_v => quote(out, s, spec),
        'v' | 's' => pad(out, truncated(s, spec), spec),
        'x' => hex(out, s, spec, false),
        'X' => hex(out, s, spec, true),
        'q' => quote(out, s, spec),
        _ => return Some(false),
    }
    Some(true)
}

/// At most the precision's number of characters.
fn truncated<'s>(s: &'s str, spec: &Spec) -> &'s str {
    match spec.prec.and_then(|p| s.char_indices().nth(p)) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// `text` padded to the width with spaces (zeros under the `0` flag), left or right (`-`).
pub(super) fn pad(out: &mut String, text: &str, spec: &Spec) {
    let len = text.chars().count();
    let fill = spec.width.map_or(0, |w| w.saturating_sub(len));
    let byte = if spec.zero { '0' } else { ' ' };
    if spec.minus {
        out.push_str(text);
        padding(out, fill, byte);
    } else {
        padding(out, fill, byte);
        out.push_str(text);
    }
}

pub(super) fn padding(out: &mut String, n: usize, c: char) {
    out.extend(std::iter::repeat_n(c, n));
}

/// `%x`: two hex digits a byte (up to the precision's number of bytes), `#` adds `0x`, a space
/// flag separates the bytes.
fn hex(out: &mut String, s: &str, spec: &Spec, upper: bool) {
    let bytes = &s.as_bytes()[..spec.prec.map_or(s.len(), |p| p.min(s.len()))];
    let prefix = if upper { "0X" } else { "0x" };
    let mut text = String::with_capacity(bytes.len() * 3 + 2);
    if spec.sharp {
        text.push_str(prefix);
    }
    for (k, b) in bytes.iter().enumerate() {
        if spec.space && k > 0 {
            text.push(' ');
            if spec.sharp {
                text.push_str(prefix);
            }
        }
        if upper {
            text.push_str(&format!("{b:02X}"));
        } else {
            text.push_str(&format!("{b:02x}"));
        }
    }
    if bytes.is_empty() {
        text.clear();
    }
    pad(
        out,
        &text,
        &Spec {
            zero: spec.zero && !spec.minus,
            ..*spec
        },
    );
}

/// `%q`: Go's double-quoted string (`+`: ASCII only), or back-quoted under `#` where Go can.
fn quote(out: &mut String, s: &str, spec: &Spec) {
    let s = truncated(s, spec);
    // `%#v` quotes (sharp_v) but never back-quotes: Go's fmtQ reads only the `#` of `%#q`
    if spec.sharp && can_backquote(s) {
        pad(out, &format!("`{s}`"), spec);
        return;
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        escape(&mut q, c, '"', spec.plus);
    }
    q.push('"');
    pad(out, &q, spec);
}

/// One character as Go's `strconv` quotes it inside `quote` (`"` or `'`).
pub(crate) fn escape(out: &mut String, c: char, quote: char, ascii: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if printable(c) && (!ascii || c.is_ascii()) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.IsPrint`, approximated without Unicode's tables: the space, and no control,
/// other whitespace, format character (Cf) or noncharacter.
pub(crate) fn printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let u = c as u32;
    let format = matches!(u, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb);
    let noncharacter = (0xfdd0..=0xfdef).contains(&u) || u & 0xfffe == 0xfffe;
    let private_or_surrogate = (0xe000..=0xf8ff).contains(&u) || u >= 0xf0000;
    !c.is_control() && !c.is_whitespace() && !format && !noncharacter && !private_or_surrogate
}

/// Go's `strconv.CanBackquote`: no back quote, no control character but tab, no BOM.
fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{feff}' && c != '\u{7f}' && (c >= ' ' || c == '\t'))
}
