//! Float verbs as Go's fmt writes them (`fmtFloat` over `strconv.AppendFloat`): `%e %E %f %F`
//! (precision 6 by default), `%g %G` and `%v` (shortest by default).

use super::{Spec, integers, strings};

/// Writes `f` with `verb`: `Some(false)` for a verb floats do not take.
pub(super) fn format(out: &mut String, f: f64, verb: char, spec: &Spec) -> Option<bool> {
    let mut text = match verb {
        'v' | 'g' | 'G' => general(f.abs(), spec.prec, verb == 'G'),
        'e' | 'E' => exponent(f.abs(), spec.prec.unwrap_or(6), verb == 'E'),
        'f' | 'F' => format!("{:.*}", spec.prec.unwrap_or(6), f.abs()),
        'x' | 'X' => hex(f.abs(), spec.prec, verb == 'X'),
        'b' => binary(f.abs()),
        // an integral float written with an integer verb: see the module's documentation
        _ if f.fract() == 0.0 && f.abs() < 9.2e18 && is_integer_verb(verb) => {
            return integers::format(out, f as i64, verb, spec);
        }
        _ => return Some(false),
    };
    if spec.sharp && verb != 'b' {
        text = sharp(text, verb, spec.prec);
    }
    let mut sign = if f.is_sign_negative() { '-' } else { '+' };
    if spec.space && sign == '+' && !spec.plus {
        sign = ' ';
    }
    if spec.plus || sign != '+' {
        let len = text.chars().count() + 1;
        if spec.zero
            && !spec.minus
            && let Some(w) = spec.width.filter(|&w| w > len)
        {
            out.push(sign);
            strings::padding(out, w - len, '0');
            out.push_str(&text);
        } else {
            strings::pad(out, &format!("{sign}{text}"), spec);
        }
    } else {
        strings::pad(out, &text, spec);
    }
    Some(true)
}

/// Go's `#` for floats: always a decimal point, and for `%g %v %x` trailing zeros up to the
/// precision (6 by default).
fn sharp(text: String, verb: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match verb {
        'v' | 'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
        _ => 0,
    };
    let hex = matches!(verb, 'x' | 'X');
    let split = text
        .find(|c: char| matches!(c, 'p' | 'P') || (!hex && matches!(c, 'e' | 'E')))
        .unwrap_or(text.len());
    let (num, tail) = text.split_at(split);
    let mut num = num.to_owned();
    let mut nonzero = false;
    for c in num.chars().filter(|&c| c != '.') {
        nonzero |= c != '0';
        if nonzero {
            digits -= 1;
        }
    }
    if !num.contains('.') {
        if num == "0" {
            digits -= 1;
        }
        num.push('.');
    }
    while digits > 0 {
        num.push('0');
        digits -= 1;
    }
    num + tail
}

/// `strconv`'s `%x` of a float: `0x1.8p+00`, the hex mantissa shortest or to `prec` digits.
fn hex(f: f64, prec: Option<usize>, upper: bool) -> String {
    let bits = f.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        if mant != 0 {
            // subnormal: normalise
            exp = -1022;
            while mant & (1 << 52) == 0 {
                mant <<= 1;
                exp -= 1;
            }
            mant &= (1 << 52) - 1;
        }
    } else {
        exp -= 1023;
    }
    let zero = f == 0.0;
    if zero {
        exp = 0;
    }
    let mut frac = format!("{mant:013x}");
    let mut lead = if zero { 0u64 } else { 1 };
    match prec {
        None => {
            while frac.ends_with('0') {
                frac.pop();
            }
        }
        Some(p) if p < 13 => {
            // round the 52-bit fraction to p hex digits, half to even
            let shift = 4 * (13 - p as u32);
            let full = (lead << 52) | mant;
            let rest = full & ((1 << shift) - 1);
            let half = 1 << (shift - 1);
            let mut kept = full >> shift;
            if rest > half || (rest == half && kept & 1 == 1) {
                kept += 1;
            }
            if kept >> (4 * p as u32) > 1 {
                kept >>= 1;
                exp += 1;
            }
            lead = kept >> (4 * p as u32);
            let digits = kept & ((1u64 << (4 * p as u32)) - 1);
            frac = if p == 0 {
                String::new()
            } else {
                format!("{digits:0width$x}", width = p)
            };
        }
        Some(p) => frac.push_str(&"0".repeat(p - 13)),
    }
    let mut s = format!("0x{lead}");
    if !frac.is_empty() {
        s.push('.');
        s.push_str(&frac);
    }
    let sign = if exp < 0 { '-' } else { '+' };
    s.push_str(&format!("p{sign}{:02}", exp.unsigned_abs()));
    if upper { s.to_ascii_uppercase() } else { s }
}

/// `strconv`'s `%b` of a float: decimal mantissa and binary exponent (`6755399441055744p-52`).
fn binary(f: f64) -> String {
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    let e = if exp == 0 {
        -1074
    } else {
        mant |= 1 << 52;
        exp - 1075
    };
    let sign = if e < 0 { '-' } else { '+' };
    format!("{mant}p{sign}{}", e.unsigned_abs())
}

fn is_integer_verb(verb: char) -> bool {
    matches!(verb, 'd' | 'o' | 'O' | 'c' | 'q' | 'U')
}

/// `strconv`'s `%e` with `prec` decimals: `1.234568e+05`, at least two exponent digits.
fn exponent(f: f64, prec: usize, upper: bool) -> String {
    let rust = format!("{f:.prec$e}");
    let (mantissa, exp) = rust.split_once('e').unwrap_or((&rust, "0"));
    go_exponent(mantissa, exp.parse().unwrap_or(0), upper)
}

fn go_exponent(mantissa: &str, exp: i32, upper: bool) -> String {
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{e}{sign}{:02}", exp.unsigned_abs())
}

/// The decimal digits of `f` (without trailing zeros) and where the point goes: shortest when
/// `significant` is `None`, else rounded to that many significant digits.
fn decimal(f: f64, significant: Option<usize>) -> (Vec<u8>, i32) {
    let rust = match significant {
        None => format!("{f:e}"),
        Some(p) => format!("{f:.*e}", p.saturating_sub(1)),
    };
    let (mantissa, exp) = rust.split_once('e').unwrap_or((&rust, "0"));
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits == [b'0'] {
        return (Vec::new(), 0);
    }
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// `strconv`'s `%g`: `%e` form for exponents below -4 or from the precision on (6 when
/// shortest), else `%f` form; no trailing zeros.
fn general(f: f64, prec: Option<usize>, upper: bool) -> String {
    let prec = prec.map(|p| p.max(1));
    let (digits, point) = decimal(f, prec);
    let nd = digits.len() as i32;
    let mut eprec = prec.map_or(nd, |p| p as i32);
    if eprec > nd && nd >= point {
        eprec = nd;
    }
    if prec.is_none() {
        eprec = 6;
    }
    let exp = point - 1;
    let shown = prec.map_or(nd, |p| p as i32);
    if exp < -4 || exp >= eprec {
        let decimals = shown.min(nd) - 1;
        let first = digits.first().map_or('0', |&d| char::from(d));
        let mut mantissa = first.to_string();
        if decimals > 0 {
            mantissa.push('.');
            for k in 1..=decimals {
                mantissa.push(digits.get(k as usize).map_or('0', |&d| char::from(d)));
            }
        }
        let exp = if digits.is_empty() { 0 } else { exp };
        return go_exponent(&mantissa, exp, upper);
    }
    let shown = if shown > point { nd } else { shown };
    fixed(&digits, point, (shown - point).max(0))
}

/// `strconv`'s `%f` form of decimal digits with the point at `point` and `decimals` digits after it.
fn fixed(digits: &[u8], point: i32, decimals: i32) -> String {
    let digit = |k: i32| {
        usize::try_from(k)
            .ok()
            .and_then(|k| digits.get(k))
            .map_or('0', |&d| char::from(d))
    };
    let mut s = String::new();
    if point > 0 {
        (0..point).for_each(|k| s.push(digit(k)));
    } else {
        s.push('0');
    }
    if decimals > 0 {
        s.push('.');
        (0..decimals).for_each(|k| s.push(digit(point + k)));
    }
    s
}
