//! `sprintf` as OPA (v1.22.3) computes it: Go's `fmt.Sprintf` over the operands as OPA's builtin
//! hands them over (a number as int64, *big.Int or float64, a string as string, any other value
//! as its Rego text).
//!
//! regorus 0.14's own sprintf reads few of Go's flags, widths and precisions: `%-10s`, `%+d`,
//! `%8.3f`, `%e`, `%g`, `%x` of a string, `%q`, `%*d` and more came out differently from `opa
//! eval` (24 of 40 common formats), so messages built with them differed. This is a port of Go's
//! `fmt/print.go` (`doPrintf`) and `fmt/format.go`: flags `+ - # 0 space`, widths and precisions
//! (also `*`), argument indexes `[n]`, and Go's texts for mistakes (`%!d(string=x)`,
//! `%!v(MISSING)`, `%!(EXTRA int64=1)`, `%!(NOVERB)`, `%!(BADWIDTH)`, `%!v(BADINDEX)`).
//!
//! One difference is deliberate: regorus keeps a number's value, not its text, so `100` and
//! `100.0` (or `1e2`) are the same number here. OPA formats the first as int64 and the others as
//! float64; here an integral number is int64, but a float verb (`%f %e %g`) formats it as a float
//! and an integer verb (`%d %x …`) formats an integral float as an integer, where OPA writes
//! `%!f(int64=100)` or `%!d(float64=2)`; an integer past int64 with more than 21 digits is taken
//! for a float (`1e300`). `peer_opa_sprintf` compares a grid of formats and operands with `opa
//! eval`.

mod floats;
mod integers;
mod strings;

pub(crate) use strings::escape;

use regorus::Value;

/// An operand as OPA hands it to Go's fmt.
#[derive(Debug, Clone)]
enum Operand {
    Int(i64),
    /// An integer beyond int64.
    Big(Big),
    Float(f64),
    Str(String),
}

impl Operand {
    fn type_name(&self) -> &'static str {
        match self {
            Self::Int(_) => "int64",
            Self::Big(_) => "*big.Int",
            Self::Float(_) => "float64",
            Self::Str(_) => "string",
        }
    }
}

/// An integer beyond int64: its sign and its magnitude's digits in the bases Go writes.
#[derive(Debug, Clone)]
struct Big {
    negative: bool,
    decimal: String,
    binary: String,
    octal: String,
    hex: String,
}

/// Go's fmt flags, width and precision of one verb.
#[derive(Debug, Clone, Copy, Default)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%+v` and `%#v`: the flags as `v` reads them (Go's plusV, sharpV).
    plus_v: bool,
    sharp_v: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// OPA's `sprintf(format, operands)`; `None` (regorus's error: undefined) for a format that is
/// no string or operands that are no array.
pub(crate) fn sprintf(args: &[Value]) -> Option<Value> {
    let format = args.first()?.as_string().ok()?;
    let operands = args.get(1)?.as_array().ok()?;
    let operands: Vec<Operand> = operands.iter().map(operand).collect::<Option<_>>()?;
    format_all(format, &operands).map(Value::from)
}

/// Most digits of an integer past int64 taken as a *big.Int (u64's 20, and a margin).
const MAX_BIG_DIGITS: usize = 21;

fn operand(value: &Value) -> Option<Operand> {
    Some(match value {
        Value::String(s) => Operand::Str(s.to_string()),
        Value::Number(n) if n.is_integer() => match n.as_i64() {
            Some(i) => Operand::Int(i),
            // an integer past int64 written out in a policy or document is a *big.Int in OPA;
            // past 21 digits it is far likelier a float (`1e300`), whose text regorus dropped
            None => match n.as_big() {
                Some(big) if big.magnitude().to_string().len() <= MAX_BIG_DIGITS => {
                    Operand::Big(Big {
                        negative: big.to_string().starts_with('-'),
                        decimal: big.magnitude().to_str_radix(10),
                        binary: big.magnitude().to_str_radix(2),
                        octal: big.magnitude().to_str_radix(8),
                        hex: big.magnitude().to_str_radix(16),
                    })
                }
                _ => Operand::Float(n.as_f64()?),
            },
        },
        Value::Number(n) => Operand::Float(n.as_f64()?),
        // OPA passes any other value as its text (`t.Value.String()`), which regorus's `%v`
        // writes the same way
        other => Operand::Str(super::super::term_text::text(other)),
    })
}

/// Go's `doPrintf`.
fn format_all(format: &str, operands: &[Operand]) -> Option<String> {
    let bytes = format.as_bytes();
    let end = bytes.len();
    let mut out = String::with_capacity(format.len() + 16 * operands.len());
    let mut i = 0;
    let mut arg = 0usize;
    let mut reordered = false;
    while i < end {
        let mut good_arg = true;
        let last = i;
        while i < end && bytes[i] != b'%' {
            i += 1;
        }
        out.push_str(format.get(last..i)?);
        if i >= end {
            break;
        }
        i += 1;
        let mut spec = Spec::default();
        while i < end {
            match bytes[i] {
                b'#' => spec.sharp = true,
                b'0' => spec.zero = !spec.minus,
                b'+' => spec.plus = true,
                b'-' => {
                    spec.minus = true;
                    spec.zero = false;
                }
                b' ' => spec.space = true,
                _ => break,
            }
            i += 1;
        }
        let mut index = ArgIndex {
            arg,
            reordered: &mut reordered,
            good: &mut good_arg,
            count: operands.len(),
        };
        let mut after_index;
        (i, after_index) = index.parse(bytes, i);
        if i < end && bytes[i] == b'*' {
            i += 1;
            match int_operand(operands, index.arg) {
                Some(w) if w < 0 => {
                    spec.width = Some(w.unsigned_abs() as usize);
                    spec.minus = true;
                    spec.zero = false;
                }
                Some(w) => spec.width = Some(w as usize),
                None => out.push_str("%!(BADWIDTH)"),
            }
            index.arg += 1;
            after_index = false;
        } else if let Some((w, next)) = number(bytes, i) {
            i = next;
            spec.width = Some(w);
            if after_index {
                *index.good = false;
            }
        } else {
            i = skip_overlong(bytes, i);
        }
        if i + 1 < end && bytes[i] == b'.' {
            i += 1;
            if after_index {
                *index.good = false;
            }
            (i, after_index) = index.parse(bytes, i);
            if i < end && bytes[i] == b'*' {
                i += 1;
                match int_operand(operands, index.arg) {
                    Some(p) if p >= 0 => spec.prec = Some(p as usize),
                    _ => out.push_str("%!(BADPREC)"),
                }
                index.arg += 1;
                after_index = false;
            } else if let Some((p, next)) = number(bytes, i) {
                i = next;
                spec.prec = Some(p);
            } else {
                i = skip_overlong(bytes, i);
                spec.prec = Some(0);
            }
        }
        if !after_index {
            (i, _) = index.parse(bytes, i);
        }
        arg = index.arg;
        if i >= end {
            out.push_str("%!(NOVERB)");
            break;
        }
        let verb = format.get(i..)?.chars().next()?;
        i += verb.len_utf8();
        match verb {
            '%' => out.push('%'),
            _ if !good_arg => push_bad(&mut out, verb, "BADINDEX"),
            _ if arg >= operands.len() => push_bad(&mut out, verb, "MISSING"),
            _ => {
                if verb == 'v' {
                    spec.sharp_v = spec.sharp;
                    spec.sharp = false;
                    spec.plus_v = spec.plus;
                    spec.plus = false;
                }
                print(&mut out, &operands[arg], verb, &spec)?;
                arg += 1;
            }
        }
    }
    if !reordered && arg < operands.len() {
        out.push_str("%!(EXTRA ");
        for (k, extra) in operands[arg..].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(extra.type_name());
            out.push('=');
            print(&mut out, extra, 'v', &Spec::default())?;
        }
        out.push(')');
    }
    Some(out)
}

fn push_bad(out: &mut String, verb: char, what: &str) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    out.push_str(what);
    out.push(')');
}

/// Go's largest width or precision (`tooLarge`): past it a number is no number.
const MAX_NUMBER: usize = 1_000_000;

/// The decimal number at `i` and the index after it, as Go's `parsenum`.
fn number(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut n = 0usize;
    let mut at = i;
    while let Some(d) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
        if n > MAX_NUMBER {
            return None;
        }
        n = n * 10 + usize::from(d - b'0');
        at += 1;
    }
    (at > i).then_some((n, at))
}

/// Go's `parsenum` gives up on an overlong number and jumps to the end of the format.
fn skip_overlong(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i).is_some_and(u8::is_ascii_digit) {
        bytes.len()
    } else {
        i
    }
}

/// An int operand for `*` (Go's `intFromArg`).
fn int_operand(operands: &[Operand], at: usize) -> Option<i64> {
    match operands.get(at)? {
        Operand::Int(n) if n.unsigned_abs() <= MAX_NUMBER as u64 => Some(*n),
        _ => None,
    }
}

/// Go's argument index state (`argNumber`): `[n]` picks operand n (1-based).
struct ArgIndex<'a> {
    arg: usize,
    reordered: &'a mut bool,
    good: &'a mut bool,
    count: usize,
}

impl ArgIndex<'_> {
    /// The index after a `[n]` at `i` (if any) and whether there was one.
    fn parse(&mut self, bytes: &[u8], i: usize) -> (usize, bool) {
        if bytes.get(i) != Some(&b'[') {
            return (i, false);
        }
        *self.reordered = true;
        let Some(close) = bytes[i..]
            .iter()
            .position(|&b| b == b']')
            .filter(|_| bytes.len() - i >= 3)
        else {
            *self.good = false;
            return (i + 1, false);
        };
        let close = i + close;
        match number(bytes, i + 1) {
            Some((n, next)) if next == close && n >= 1 && n - 1 < self.count => {
                self.arg = n - 1;
                (close + 1, true)
            }
            Some((_, next)) if next == close => {
                *self.good = false;
                (close + 1, true)
            }
            _ => {
                *self.good = false;
                (close + 1, false)
            }
        }
    }
}

/// Go's `printArg` of one operand with one verb; `None` when left to regorus.
fn print(out: &mut String, operand: &Operand, verb: char, spec: &Spec) -> Option<()> {
    if verb == 'T' {
        strings::pad(out, operand.type_name(), spec);
        return Some(());
    }
    let done = match operand {
        Operand::Int(n) => integers::format(out, *n, verb, spec),
        Operand::Big(big) => integers::format_big(out, big, verb, spec),
        Operand::Float(f) => floats::format(out, *f, verb, spec),
        Operand::Str(s) => strings::format(out, s, verb, spec),
    };
    match done? {
        true => Some(()),
        false => bad_verb(out, operand, verb, spec),
    }
}

/// Go's `badVerb`: `%!d(string=x)`, the operand written with `v` under the same flags.
fn bad_verb(out: &mut String, operand: &Operand, verb: char, spec: &Spec) -> Option<()> {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    out.push_str(operand.type_name());
    out.push('=');
    print(out, operand, 'v', spec)?;
    out.push(')');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(format: &str, operands: &[Operand]) -> String {
        format_all(format, operands).unwrap()
    }

    /// Outputs of Go's fmt (through `opa eval`, v1.22.3); `peer_opa_sprintf` compares many more.
    #[test]
    fn flags_widths_and_mistakes_as_go_writes_them() {
        use Operand::{Float, Int, Str};
        let s = |t: &str| Str(t.to_owned());
        for (format, operands, want) in [
            ("%-10s|", vec![s("ab")], "ab        |"),
            (
                "%+d %5d|%-5d|",
                vec![Int(42), Int(42), Int(42)],
                "+42    42|42   |",
            ),
            ("%08.3f", vec![Float(-3.5)], "-003.500"),
            (
                "%e %g %g",
                vec![Float(123456.789), Float(0.000001), Float(1.5)],
                "1.234568e+05 1e-06 1.5",
            ),
            ("%x %q", vec![s("hi"), s("a\"b")], "6869 \"a\\\"b\""),
            ("%d", vec![s("x")], "%!d(string=x)"),
            ("%s=%v", vec![s("k")], "k=%!v(MISSING)"),
            ("%[2]s %[1]s", vec![s("a"), s("b")], "b a"),
            ("%*d", vec![Int(5), Int(3)], "    3"),
            ("%d", vec![Int(1), Int(2)], "1%!(EXTRA int64=2)"),
            ("%", vec![], "%!(NOVERB)"),
            ("%f %.1f", vec![Int(100), Float(99.95)], "100.000000 100.0"),
        ] {
            assert_eq!(go(format, &operands), want, "{format}");
        }
    }
}
