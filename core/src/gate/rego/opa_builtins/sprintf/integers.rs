//! Integer verbs as Go's fmt writes them (`fmtInteger`, `fmtC`, `fmtQc`, `fmtUnicode`, and
//! `big.Int`'s `Format`).

use super::{Big, Spec, floats, strings};

/// Writes `n` with `verb`: `Some(false)` for a verb integers do not take (a bad verb).
pub(super) fn format(out: &mut String, n: i64, verb: char, spec: &Spec) -> Option<bool> {
    let negative = n < 0;
    let magnitude = u128::from(n.unsigned_abs());
    match verb {
        'v' | 'd' => digits(out, negative, magnitude, 10, verb, spec, false),
        'b' => digits(out, negative, magnitude, 2, verb, spec, false),
        'o' | 'O' => digits(out, negative, magnitude, 8, verb, spec, false),
        'x' => digits(out, negative, magnitude, 16, verb, spec, false),
        'X' => digits(out, negative, magnitude, 16, verb, spec, true),
        'c' => {
            let mut buf = [0; 4];
            strings::pad(out, rune(n).encode_utf8(&mut buf), spec);
        }
        'q' => {
            let r = rune(n);
            let quoted = if spec.sharp && strings::printable(r) {
                format!("'{r}'")
            } else {
                let mut q = String::from("'");
                strings::escape(&mut q, r, '\'', spec.plus);
                q.push('\'');
                q
            };
            strings::pad(out, &quoted, spec);
        }
        'U' => unicode(out, n, spec),
        // an integral value written with a float verb: see the module's documentation
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => return floats::format(out, n as f64, verb, spec),
        _ => return Some(false),
    }
    Some(true)
}

/// The character Go's `%c` writes for `n`: U+FFFD for what is no Unicode scalar value.
fn rune(n: i64) -> char {
    u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// `%U`: `U+0041`, at least four hex digits (or the precision), `#` adds the character.
fn unicode(out: &mut String, n: i64, spec: &Spec) {
    // Go formats the operand as uint64: a negative one is its two's complement
    let u = n as u64;
    let width = spec.prec.filter(|&p| p > 4).unwrap_or(4);
    let mut text = format!("U+{u:0width$X}");
    if spec.sharp
        && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
        && strings::printable(c)
    {
        text.push_str(&format!(" '{c}'"));
    }
    strings::pad(
        out,
        &text,
        &Spec {
            zero: false,
            ..*spec
        },
    );
}

/// Go's `fmtInteger`: precision or zero flag as leading zeros, `#` prefixes, sign, padding.
fn digits(
    out: &mut String,
    negative: bool,
    magnitude: u128,
    base: u32,
    verb: char,
    spec: &Spec,
    upper: bool,
) {
    let mut prec = 0;
    if let Some(p) = spec.prec {
        prec = p;
        if p == 0 && magnitude == 0 {
            strings::padding(out, spec.width.unwrap_or(0), ' ');
            return;
        }
    } else if spec.zero
        && !spec.minus
        && let Some(w) = spec.width
    {
        prec = w;
        if negative || spec.plus || spec.space {
            prec = prec.saturating_sub(1);
        }
    }
    let mut body = radix(magnitude, base, upper);
    if body.len() < prec {
        body.insert_str(0, &"0".repeat(prec - body.len()));
    }
    let mut prefix = String::new();
    if negative {
        prefix.push('-');
    } else if spec.plus {
        prefix.push('+');
    } else if spec.space {
        prefix.push(' ');
    }
    if spec.sharp {
        match base {
            2 => prefix.push_str("0b"),
            8 if !body.starts_with('0') => prefix.push('0'),
            16 => prefix.push_str(if upper { "0X" } else { "0x" }),
            _ => {}
        }
    }
    if verb == 'O' {
        prefix.push_str("0o");
    }
    prefix.push_str(&body);
    strings::pad(
        out,
        &prefix,
        &Spec {
            zero: false,
            ..*spec
        },
    );
}

fn radix(mut n: u128, base: u32, upper: bool) -> String {
    if n == 0 {
        return "0".to_owned();
    }
    let mut digits = Vec::new();
    while n > 0 {
        let d = (n % u128::from(base)) as u32;
        let c = char::from_digit(d, base).unwrap_or('0');
        digits.push(if upper { c.to_ascii_uppercase() } else { c });
        n /= u128::from(base);
    }
    digits.iter().rev().collect()
}

/// An integer beyond int64 (`*big.Int`'s `Format`): sign, `#` prefix, precision as leading
/// zeros, width; its own text for a verb it does not take.
pub(super) fn format_big(out: &mut String, big: &Big, verb: char, spec: &Spec) -> Option<bool> {
    let (digits, prefix) = match verb {
        'd' | 's' | 'v' => (big.decimal.clone(), ""),
        'b' => (big.binary.clone(), "0b"),
        'o' => (big.octal.clone(), "0"),
        'O' => (big.octal.clone(), "0o"),
        'x' => (big.hex.clone(), "0x"),
        'X' => (big.hex.to_ascii_uppercase(), "0X"),
        _ => {
            let sign = if big.negative { "-" } else { "" };
            out.push_str(&format!("%!{verb}(big.Int={sign}{})", big.decimal));
            return Some(true);
        }
    };
    let prefix = if verb == 'O'
        || (spec.sharp || spec.sharp_v) && verb != 'd' && verb != 's' && verb != 'v'
    {
        prefix
    } else {
        ""
    };
    let sign = if big.negative {
        "-"
    } else if spec.plus || spec.plus_v {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let mut zeros = 0;
    if let Some(p) = spec.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return Some(true);
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = spec.width.filter(|&w| w > length) {
        let d = w - length;
        if spec.minus {
            right = d;
        } else if spec.zero && spec.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    strings::padding(out, left, ' ');
    out.push_str(sign);
    out.push_str(prefix);
    strings::padding(out, zeros, '0');
    out.push_str(&digits);
    strings::padding(out, right, ' ');
    Some(true)
}
