//! CUE's basic values and their lattice (spec "Values", "Unification", "Default values"): atoms
//! (null, bools, integers, decimal floats, strings, bytes), constraints (a kind such as `int` with
//! bounds such as `>=0`), and value-default pairs of disjunctions, with their meet (`&`).

use super::Stop;

pub(super) const NULL: u16 = 1;
pub(super) const BOOL: u16 = 2;
pub(super) const INT: u16 = 4;
pub(super) const FLOAT: u16 = 8;
pub(super) const STRING: u16 = 16;
pub(super) const BYTES: u16 = 32;
pub(super) const LIST: u16 = 64;
pub(super) const STRUCT: u16 = 128;
pub(super) const NUMBER: u16 = INT | FLOAT;
pub(super) const SCALARS: u16 = NULL | BOOL | NUMBER | STRING | BYTES;
pub(super) const ALL: u16 = SCALARS | LIST | STRUCT;

/// A kind mask's name, as CUE prints it (`int`, `string`, `number`…).
pub(super) fn kind_name(k: u16) -> &'static str {
    match k {
        NULL => "null",
        BOOL => "bool",
        INT => "int",
        FLOAT => "float",
        NUMBER => "number",
        STRING => "string",
        BYTES => "bytes",
        LIST => "list",
        STRUCT => "struct",
        _ => "a mix of types",
    }
}

/// A decimal: `m × 10^e`, kept with no trailing zeros in `m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dec {
    pub(super) m: i128,
    pub(super) e: i32,
}

/// Numbers beyond i128 are refused, not wrapped.
fn big(at: usize) -> Stop {
    Stop::Unsupported(at, "numbers beyond 38 digits")
}

impl Dec {
    pub(super) fn new(mut m: i128, mut e: i32) -> Dec {
        if m == 0 {
            return Dec { m: 0, e: 0 };
        }
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        Dec { m, e }
    }

    pub(super) fn from_int(i: i128) -> Dec {
        Dec::new(i, 0)
    }

    /// Both with the same exponent (the smaller one).
    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let scale = |d: Dec| -> Option<i128> {
            let k = u32::try_from(d.e - e).ok()?;
            d.m.checked_mul(10i128.checked_pow(k)?)
        };
        Some((scale(a)?, scale(b)?, e))
    }

    pub(super) fn add(a: Dec, b: Dec, at: usize) -> Result<Dec, Stop> {
        let (x, y, e) = Dec::align(a, b).ok_or_else(|| big(at))?;
        Ok(Dec::new(x.checked_add(y).ok_or_else(|| big(at))?, e))
    }

    pub(super) fn sub(a: Dec, b: Dec, at: usize) -> Result<Dec, Stop> {
        let (x, y, e) = Dec::align(a, b).ok_or_else(|| big(at))?;
        Ok(Dec::new(x.checked_sub(y).ok_or_else(|| big(at))?, e))
    }

    pub(super) fn mul(a: Dec, b: Dec, at: usize) -> Result<Dec, Stop> {
        let m = a.m.checked_mul(b.m).ok_or_else(|| big(at))?;
        Ok(Dec::new(m, a.e.checked_add(b.e).ok_or_else(|| big(at))?))
    }

    /// `a / b` to 34 significant digits (CUE's decimal context), rounded half up.
    pub(super) fn div(a: Dec, b: Dec, at: usize) -> Result<Dec, Stop> {
        let neg = (a.m < 0) != (b.m < 0);
        let (x, y) = (a.m.unsigned_abs(), b.m.unsigned_abs());
        if y > 10u128.pow(36) || x > 10u128.pow(36) {
            return Err(big(at));
        }
        let mut q = x / y;
        let mut r = x % y;
        let mut e = a.e - b.e;
        let digits = |v: u128| if v == 0 { 0 } else { v.ilog10() + 1 };
        while r != 0 && digits(q) < 34 {
            r *= 10;
            q = q * 10 + r / y;
            r %= y;
            e -= 1;
        }
        if r != 0 && r * 2 >= y {
            q += 1;
        }
        let m = i128::try_from(q).map_err(|_| big(at))?;
        Ok(Dec::new(if neg { -m } else { m }, e))
    }

    pub(super) fn cmp(a: Dec, b: Dec) -> std::cmp::Ordering {
        match Dec::align(a, b) {
            Some((x, y, _)) => x.cmp(&y),
            None => a.to_f64().total_cmp(&b.to_f64()),
        }
    }

    pub(super) fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }

    /// The integer, when the value is one.
    pub(super) fn to_int(self) -> Option<i128> {
        if self.e < 0 {
            return None;
        }
        self.m
            .checked_mul(10i128.checked_pow(u32::try_from(self.e).ok()?)?)
    }
}

/// A concrete basic value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Atom {
    Null,
    Bool(bool),
    Int(i128),
    Float(Dec),
    Str(String),
    Bytes(Vec<u8>),
}

impl Atom {
    pub(super) fn kind(&self) -> u16 {
        match self {
            Atom::Null => NULL,
            Atom::Bool(_) => BOOL,
            Atom::Int(_) => INT,
            Atom::Float(_) => FLOAT,
            Atom::Str(_) => STRING,
            Atom::Bytes(_) => BYTES,
        }
    }

    pub(super) fn dec(&self) -> Option<Dec> {
        match self {
            Atom::Int(i) => Some(Dec::from_int(*i)),
            Atom::Float(d) => Some(*d),
            _ => None,
        }
    }
}

/// A comparison bound: `>=0`, `<10`, `!="a"`, `=~"^x"`, `!~"y"`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bound {
    pub(super) op: &'static str,
    pub(super) value: Atom,
}

impl Bound {
    /// The kinds a value satisfying the bound may have.
    pub(super) fn kinds(&self) -> u16 {
        match self.op {
            "=~" | "!~" => STRING | BYTES,
            "!=" if self.value == Atom::Null => ALL,
            _ => match self.value.kind() {
                INT | FLOAT => NUMBER,
                k => k,
            },
        }
    }
}

/// One non-disjunctive basic value: anything (`_`), an atom, or a kind with bounds.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Alt {
    Top,
    Atom(Atom),
    Cons { kinds: u16, bounds: Vec<Bound> },
}

/// Why two values do not unify: a message naming their types (never their contents).
pub(super) type Conflict = String;

/// Compares two atoms of the same family (numbers, strings, bytes).
pub(super) fn compare(a: &Atom, b: &Atom) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Atom::Str(x), Atom::Str(y)) => Some(x.cmp(y)),
        (Atom::Bytes(x), Atom::Bytes(y)) => Some(x.cmp(y)),
        (Atom::Bool(x), Atom::Bool(y)) => Some(x.cmp(y)),
        (Atom::Null, Atom::Null) => Some(std::cmp::Ordering::Equal),
        _ => Some(Dec::cmp(a.dec()?, b.dec()?)),
    }
}

/// Whether `v` satisfies `b` (`Err` for a regular expression CUE would refuse).
pub(super) fn satisfies(v: &Atom, b: &Bound) -> Result<bool, Stop> {
    use std::cmp::Ordering::*;
    match b.op {
        "=~" | "!~" => {
            let (Atom::Str(s), Atom::Str(re)) = (v, &b.value) else {
                return Err(Stop::Unsupported(0, "regular expressions on bytes"));
            };
            let re = regex::Regex::new(re)
                .map_err(|_| Stop::Eval(String::new(), "an invalid regular expression".into()))?;
            Ok(re.is_match(s) == (b.op == "=~"))
        }
        "!=" => Ok(compare(v, &b.value) != Some(Equal)),
        op => {
            let Some(o) = compare(v, &b.value) else {
                return Ok(false);
            };
            Ok(match op {
                "<" => o == Less,
                "<=" => o != Greater,
                ">" => o == Greater,
                _ => o != Less,
            })
        }
    }
}

/// `a & b` for non-disjunctive values.
pub(super) fn meet_alt(a: &Alt, b: &Alt) -> Result<Result<Alt, Conflict>, Stop> {
    Ok(match (a, b) {
        (Alt::Top, x) | (x, Alt::Top) => Ok(x.clone()),
        (Alt::Atom(x), Alt::Atom(y)) => {
            if x == y {
                Ok(a.clone())
            } else if x.kind() != y.kind() {
                Err(format!(
                    "conflicting values (mismatched types {} and {})",
                    kind_name(x.kind()),
                    kind_name(y.kind())
                ))
            } else {
                Err(format!(
                    "conflicting values (two different {} values)",
                    kind_name(x.kind())
                ))
            }
        }
        (Alt::Atom(x), Alt::Cons { kinds, bounds })
        | (Alt::Cons { kinds, bounds }, Alt::Atom(x)) => {
            if kinds & x.kind() == 0 {
                return Ok(Err(format!(
                    "conflicting values (mismatched types {} and {})",
                    kind_name(x.kind()),
                    kind_name(*kinds)
                )));
            }
            for b in bounds {
                if b.kinds() & x.kind() == 0 {
                    return Ok(Err(format!(
                        "conflicting values (mismatched types {} and {})",
                        kind_name(x.kind()),
                        kind_name(b.kinds())
                    )));
                }
                if !satisfies(x, b)? {
                    return Ok(Err(format!("invalid value (out of bound {})", b.op)));
                }
            }
            Ok(Alt::Atom(x.clone()))
        }
        (
            Alt::Cons {
                kinds: k1,
                bounds: b1,
            },
            Alt::Cons {
                kinds: k2,
                bounds: b2,
            },
        ) => {
            let mut kinds = k1 & k2;
            let mut bounds = b1.clone();
            for b in b2 {
                if !bounds.contains(b) {
                    bounds.push(b.clone());
                }
            }
            for b in &bounds {
                kinds &= b.kinds();
            }
            if kinds == 0 {
                return Ok(Err(format!(
                    "conflicting values (mismatched types {} and {})",
                    kind_name(*k1),
                    kind_name(*k2)
                )));
            }
            if empty_range(&bounds) {
                return Ok(Err("incompatible bounds".into()));
            }
            Ok(Alt::Cons { kinds, bounds })
        }
    })
}

/// Whether numeric bounds leave no value (`>5 & <3`).
fn empty_range(bounds: &[Bound]) -> bool {
    use std::cmp::Ordering::*;
    for lo in bounds.iter().filter(|b| matches!(b.op, ">" | ">=")) {
        for hi in bounds.iter().filter(|b| matches!(b.op, "<" | "<=")) {
            match compare(&lo.value, &hi.value) {
                Some(Greater) => return true,
                Some(Equal) if lo.op == ">" || hi.op == "<" => return true,
                _ => {}
            }
        }
    }
    false
}

/// Most alternatives a disjunction may hold (a bound on `(a|b) & (c|d) & …` blowups).
const MAX_ALTS: usize = 1024;

/// A value with its default (spec: `⟨v, d⟩`), each a set of alternatives.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Vd {
    pub(super) v: Vec<Alt>,
    pub(super) d: Option<Vec<Alt>>,
}

impl Vd {
    pub(super) fn top() -> Vd {
        Vd::one(Alt::Top)
    }

    pub(super) fn one(a: Alt) -> Vd {
        Vd {
            v: vec![a],
            d: None,
        }
    }

    pub(super) fn atom(a: Atom) -> Vd {
        Vd::one(Alt::Atom(a))
    }

    pub(super) fn kind(k: u16) -> Vd {
        Vd::one(Alt::Cons {
            kinds: k,
            bounds: Vec::new(),
        })
    }

    /// The value an operation uses: the only alternative, else the only default.
    pub(super) fn resolved(&self) -> Option<&Alt> {
        match (self.v.as_slice(), &self.d) {
            ([one], _) => Some(one),
            (_, Some(d)) if d.len() == 1 => Some(&d[0]),
            _ => None,
        }
    }
}

fn push_alt(out: &mut Vec<Alt>, a: Alt) -> Result<(), Stop> {
    if !out.contains(&a) {
        if out.len() >= MAX_ALTS {
            return Err(Stop::Budget);
        }
        out.push(a);
    }
    Ok(())
}

fn cross(a: &[Alt], b: &[Alt], first: &mut Option<Conflict>) -> Result<Vec<Alt>, Stop> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            match meet_alt(x, y)? {
                Ok(m) => push_alt(&mut out, m)?,
                Err(c) => {
                    first.get_or_insert(c);
                }
            }
        }
    }
    Ok(out)
}

/// `a & b` (spec U0–U2); `Ok(Err(_))` when nothing is left.
pub(super) fn meet(a: &Vd, b: &Vd) -> Result<Result<Vd, Conflict>, Stop> {
    let mut conflict = None;
    let v = cross(&a.v, &b.v, &mut conflict)?;
    if v.is_empty() {
        return Ok(Err(conflict.unwrap_or_else(|| "conflicting values".into())));
    }
    let d = match (&a.d, &b.d) {
        (None, None) => None,
        (Some(d1), None) => Some(cross(d1, &b.v, &mut None)?),
        (None, Some(d2)) => Some(cross(&a.v, d2, &mut None)?),
        (Some(d1), Some(d2)) => {
            let d = cross(d1, d2, &mut None)?;
            if d.is_empty() && v.len() > 1 {
                // CUE's evaluator (v3) picks a default here by rules of its own
                return Err(Stop::Unsupported(
                    0,
                    "unifying two disjunctions whose defaults conflict",
                ));
            }
            Some(d)
        }
    };
    Ok(Ok(Vd {
        v,
        d: d.filter(|d| !d.is_empty()),
    }))
}

/// A disjunction of terms (each `(value, marked)`), by spec rules M0–M3 and D0–D2.
pub(super) fn disjoin(terms: Vec<(Vd, bool)>) -> Result<Vd, Stop> {
    let marked = terms.iter().any(|(_, m)| *m);
    let mut v = Vec::new();
    let mut d: Option<Vec<Alt>> = None;
    for (t, m) in terms {
        let td = if marked {
            if m {
                Some(t.d.unwrap_or_else(|| t.v.clone()))
            } else {
                None
            }
        } else {
            t.d
        };
        for a in t.v {
            push_alt(&mut v, a)?;
        }
        if let Some(td) = td {
            let slot = d.get_or_insert_with(Vec::new);
            for a in td {
                push_alt(slot, a)?;
            }
        }
    }
    Ok(Vd { v, d })
}
