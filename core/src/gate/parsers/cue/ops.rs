//! CUE expressions as values (spec "Expressions"): references (resolved in [`super::refs`]), the
//! operators with CUE's typing rules (`/` gives a float, `+` joins strings, `*`
//! repeats them, comparisons across int and float), bounds, disjunctions with defaults,
//! interpolation, and the builtins `len`, `div`, `mod`, `quo`, `rem`.

use super::Stop;
use super::ast::{At, Expr, StrPart};
use super::eval::{Class, Env, Eval, Label, Target, Vid, expr_at};
use super::value::{Alt, Atom, Bound, Dec, Vd, disjoin, kind_name, meet};

/// A value: basic (with its default), or a struct or list vertex.
pub(super) enum Ev {
    Scalar(Vd),
    Vertex(Vid),
}

/// Longest string that `*` may build.
const MAX_STRING: usize = 1 << 20;

pub(super) fn eval_err(msg: impl Into<String>) -> Stop {
    Stop::Eval(String::new(), msg.into())
}

pub(super) fn incomplete(msg: &str) -> Stop {
    Stop::Incomplete(String::new(), msg.into())
}

/// An integer literal: decimal, `0x`, `0o`, `0b`, `_` separators, `K`/`Ki`… multipliers.
pub(super) fn parse_int(s: &str, at: At) -> Result<Atom, Stop> {
    let s: String = s.chars().filter(|c| *c != '_').collect();
    let big = || Stop::Unsupported(at, "numbers beyond 38 digits");
    let radix = |p: &str, r: u32| i128::from_str_radix(p, r).map_err(|_| big());
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return Ok(Atom::Int(radix(h, 16)?));
    }
    if let Some(o) = s.strip_prefix("0o") {
        return Ok(Atom::Int(radix(o, 8)?));
    }
    if let Some(b) = s.strip_prefix("0b") {
        return Ok(Atom::Int(radix(b, 2)?));
    }
    let (num, mult) = match s.find(|c: char| "KMGTP".contains(c)) {
        Some(i) => {
            let p = "KMGTP".find(&s[i..i + 1]).unwrap_or(0) as u32 + 1;
            let base: i128 = if s[i..].ends_with('i') { 1024 } else { 1000 };
            (&s[..i], base.pow(p))
        }
        None => (s.as_str(), 1),
    };
    let d = parse_dec(num, at)?;
    let v = Dec::mul(d, Dec::from_int(mult), at)?;
    v.to_int()
        .map(Atom::Int)
        .ok_or(Stop::Syntax(at, "a multiplier that leaves a fraction"))
}

/// A decimal literal (`1.5`, `.5`, `1e3`, `2.5E-3`).
pub(super) fn parse_dec(s: &str, at: At) -> Result<Dec, Stop> {
    let s: String = s.chars().filter(|c| *c != '_').collect();
    let big = || Stop::Unsupported(at, "numbers beyond 38 digits");
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().map_err(|_| big())?),
        None => (s.as_str(), 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let m = if digits.is_empty() {
        0
    } else {
        digits.parse::<i128>().map_err(|_| big())?
    };
    let e = exp
        .checked_sub(i32::try_from(frac.len()).map_err(|_| big())?)
        .ok_or_else(big)?;
    Ok(Dec::new(m, e))
}

impl<'a> Eval<'a> {
    /// `expr` as a value.
    pub(super) fn value(&mut self, expr: &'a Expr, env: &Env<'a>) -> Result<Ev, Stop> {
        self.enter()?;
        let r = self.value_inner(expr, env);
        self.depth -= 1;
        r
    }

    /// The value of vertex `t`, evaluated.
    pub(super) fn vertex_value(&mut self, t: Vid, at: At) -> Result<Ev, Stop> {
        self.check_readable(t, at)?;
        self.expand(t)?;
        if self.vs[t].structural != 0 {
            Ok(Ev::Vertex(t))
        } else {
            Ok(Ev::Scalar(self.vs[t].scalar.clone()))
        }
    }

    fn value_inner(&mut self, expr: &'a Expr, env: &Env<'a>) -> Result<Ev, Stop> {
        let s = |a: Atom| Ok(Ev::Scalar(Vd::atom(a)));
        match expr {
            Expr::Int(t, at) => s(parse_int(t, *at)?),
            Expr::Float(t, at) => s(Atom::Float(parse_dec(t, *at)?)),
            Expr::Bool(b) => s(Atom::Bool(*b)),
            Expr::Null => s(Atom::Null),
            Expr::Bottom(_) => Err(eval_err("explicit error (_|_ literal) in source")),
            Expr::Str { bytes, parts, at } => self.string(*bytes, parts, env, *at),
            Expr::Ident(..) | Expr::Selector(..) | Expr::Index(..) => {
                match self.target(expr, env)? {
                    Target::Vertex(t) => self.vertex_value(t, expr_at(expr)),
                    Target::Value(vd) => Ok(Ev::Scalar(vd)),
                    Target::Expr(e, env2) => self.value(e, &env2),
                    Target::Builtin(_) => Err(eval_err("a builtin function used as a value")),
                }
            }
            Expr::Paren(e) => self.value(e, env),
            Expr::Struct(..) | Expr::List(..) => {
                let t = self.temp(expr, env.clone())?;
                self.expand(t)?;
                Ok(if self.vs[t].structural != 0 {
                    Ev::Vertex(t)
                } else {
                    Ev::Scalar(self.vs[t].scalar.clone())
                })
            }
            Expr::Binary("|", ..) | Expr::Unary("*", ..) => {
                self.disjunction(expr, env).map(Ev::Scalar)
            }
            Expr::Binary("&", a, b, _) => {
                let x = self.value(a, env)?;
                let y = self.value(b, env)?;
                match (x, y) {
                    (Ev::Scalar(x), Ev::Scalar(y)) => match meet(&x, &y)? {
                        Ok(m) => Ok(Ev::Scalar(m)),
                        Err(c) => Err(eval_err(c)),
                    },
                    _ => {
                        let t = self.temp(expr, env.clone())?;
                        self.vertex_value(t, expr_at(expr))
                    }
                }
            }
            Expr::Binary(op @ ("==" | "!="), a, b, _)
                if matches!(**a, Expr::Bottom(_)) || matches!(**b, Expr::Bottom(_)) =>
            {
                let other = if matches!(**a, Expr::Bottom(_)) { b } else { a };
                let bottom = match self.is_bottom(other, env) {
                    Ok(()) => false,
                    Err(Stop::Eval(..) | Stop::Incomplete(..)) => true,
                    Err(e) => return Err(e),
                };
                Ok(Ev::Scalar(Vd::atom(Atom::Bool(bottom == (*op == "==")))))
            }
            Expr::Binary(op, a, b, at) => self.binary(op, a, b, env, *at),
            Expr::Unary(op, x, at) => self.unary(op, x, env, *at),
            Expr::Call(f, args, at) => self.call(f, args, env, *at),
            Expr::Alias(at) => Err(Stop::Unsupported(*at, "value aliases (`x: X=…`)")),
        }
    }

    /// Whether `e` is an error (`e == _|_`): its value, all of it for a struct or list, and the
    /// struct it is selected from when that is written in place (`({…} & {…}).y`).
    fn is_bottom(&mut self, e: &'a Expr, env: &Env<'a>) -> Result<(), Stop> {
        if let Expr::Selector(base, ..) | Expr::Index(base, ..) = e
            && let Expr::Paren(_) = **base
        {
            self.is_bottom(base, env)?;
        }
        if let Ev::Vertex(t) = self.value(e, env)? {
            self.finalize(t)?;
        }
        Ok(())
    }

    /// A concrete atom, or why not.
    pub(super) fn atom(
        &mut self,
        expr: &'a Expr,
        env: &Env<'a>,
    ) -> Result<Result<Atom, Vid>, Stop> {
        match self.value(expr, env)? {
            Ev::Scalar(vd) => match vd.resolved() {
                Some(Alt::Atom(a)) => Ok(Ok(a.clone())),
                _ => Err(incomplete("an operand that is not concrete")),
            },
            Ev::Vertex(t) => Ok(Err(t)),
        }
    }

    pub(super) fn disjunction(&mut self, expr: &'a Expr, env: &Env<'a>) -> Result<Vd, Stop> {
        let mut terms = Vec::new();
        flatten_or(expr, &mut terms);
        let mut out = Vec::new();
        let mut first_err = None;
        for t in terms {
            let (marked, e) = match t {
                Expr::Unary("*", inner, _) => (true, &**inner),
                e => (false, e),
            };
            match self.value(e, env) {
                Ok(Ev::Scalar(vd)) => out.push((vd, marked)),
                Ok(Ev::Vertex(_)) => {
                    return Err(Stop::Unsupported(
                        expr_at(e),
                        "disjunctions of structs or lists",
                    ));
                }
                // a disjunct that fails, or names a field that is not there, drops out
                Err(e @ (Stop::Eval(..) | Stop::Incomplete(..))) => {
                    first_err.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        if out.is_empty() {
            return Err(first_err.unwrap_or_else(|| eval_err("empty disjunction")));
        }
        disjoin(out)
    }

    fn unary(&mut self, op: &'static str, x: &'a Expr, env: &Env<'a>, at: At) -> Result<Ev, Stop> {
        let _ = at;
        let a = match self.atom(x, env)? {
            Ok(a) => a,
            Err(_) => return Err(eval_err("an operator on a struct or list")),
        };
        let s = |a: Atom| Ok(Ev::Scalar(Vd::atom(a)));
        match (op, &a) {
            ("-", Atom::Int(i)) => s(Atom::Int(
                i.checked_neg()
                    .ok_or(Stop::Unsupported(at, "numbers beyond 38 digits"))?,
            )),
            ("-", Atom::Float(d)) => s(Atom::Float(Dec::new(-d.m, d.e))),
            ("+", Atom::Int(_) | Atom::Float(_)) => s(a),
            ("!", Atom::Bool(b)) => s(Atom::Bool(!b)),
            (
                "<" | "<=" | ">" | ">=",
                Atom::Int(_) | Atom::Float(_) | Atom::Str(_) | Atom::Bytes(_),
            )
            | ("!=", _)
            | ("=~" | "!~", Atom::Str(_)) => {
                if let ("=~" | "!~", Atom::Str(re)) = (op, &a) {
                    regex::Regex::new(re).map_err(|_| eval_err("an invalid regular expression"))?;
                }
                let b = Bound { op, value: a };
                Ok(Ev::Scalar(Vd::one(Alt::Cons {
                    kinds: b.kinds(),
                    bounds: vec![b],
                })))
            }
            _ => Err(eval_err(format!(
                "invalid operand type {} for {op}",
                kind_name(a.kind())
            ))),
        }
    }

    fn binary(
        &mut self,
        op: &'static str,
        a: &'a Expr,
        b: &'a Expr,
        env: &Env<'a>,
        at: At,
    ) -> Result<Ev, Stop> {
        // both operands are evaluated: an error in either wins over the other's incompleteness
        let (x, y) = worst(self.atom(a, env), self.atom(b, env))?;
        let (x, y) = match (x, y) {
            (Ok(x), Ok(y)) => (x, y),
            (Err(t), Err(u)) if op == "==" || op == "!=" => {
                let same = self.same_vertex_value(t, u)?;
                return Ok(Ev::Scalar(Vd::atom(Atom::Bool(same == (op == "==")))));
            }
            (Err(_), Ok(_)) | (Ok(_), Err(_)) if op == "==" || op == "!=" => {
                return Ok(Ev::Scalar(Vd::atom(Atom::Bool(op == "!="))));
            }
            _ => {
                if op == "+" || op == "*" {
                    return Err(eval_err(
                        "arithmetic on lists or structs (superseded by list.Concat, list.Repeat)",
                    ));
                }
                return Err(eval_err(format!("invalid operands for {op}")));
            }
        };
        let r = binary_atoms(op, &x, &y, at)?;
        Ok(Ev::Scalar(Vd::atom(r)))
    }

    /// Whether two structs or lists have the same exported value.
    fn same_vertex_value(&mut self, t: Vid, u: Vid) -> Result<bool, Stop> {
        self.finalize(t)?;
        self.finalize(u)?;
        let x = super::export::export(self, t)?;
        let y = super::export::export(self, u)?;
        Ok(x == y)
    }

    fn call(&mut self, f: &'a Expr, args: &'a [Expr], env: &Env<'a>, at: At) -> Result<Ev, Stop> {
        let name = match f {
            Expr::Ident(..) => match self.target(f, env)? {
                Target::Builtin(n) => n,
                _ => return Err(eval_err("a call of a value that is not a function")),
            },
            _ => return Err(Stop::Unsupported(at, "calls of package functions")),
        };
        let want = if name == "len" { 1 } else { 2 };
        if args.len() != want {
            return Err(eval_err(format!("{name} takes {want} arguments")));
        }
        let int = |e: Result<Result<Atom, Vid>, Stop>| -> Result<i128, Stop> {
            match e? {
                Ok(Atom::Int(i)) => Ok(i),
                _ => Err(eval_err(format!("{name} takes integers"))),
            }
        };
        if name == "len" {
            let n = match self.atom(&args[0], env)? {
                Ok(Atom::Str(s)) => s.len(),
                Ok(Atom::Bytes(b)) => b.len(),
                Ok(_) => {
                    return Err(eval_err(
                        "len of a value that is not a string, bytes, list or struct",
                    ));
                }
                Err(t) => {
                    let arcs = self.vs[t].arcs.clone();
                    arcs.iter()
                        .filter(|(l, a)| {
                            matches!(l, Label::Index(_) | Label::Field(_, Class::Regular))
                                && self.vs[*a].presence == super::ast::Presence::Regular
                        })
                        .count()
                }
            };
            return Ok(Ev::Scalar(Vd::atom(Atom::Int(n as i128))));
        }
        let x = int(self.atom(&args[0], env))?;
        let y = int(self.atom(&args[1], env))?;
        if y == 0 {
            return Err(eval_err("division by zero"));
        }
        let r = match name {
            "div" => x.div_euclid(y),
            "mod" => x.rem_euclid(y),
            "quo" => x / y,
            _ => x % y,
        };
        Ok(Ev::Scalar(Vd::atom(Atom::Int(r))))
    }

    fn string(
        &mut self,
        bytes: bool,
        parts: &'a [StrPart],
        env: &Env<'a>,
        at: At,
    ) -> Result<Ev, Stop> {
        // an error in any part wins over another part's incompleteness
        let mut pending: Option<Stop> = None;
        for p in parts {
            if let StrPart::Expr(e) = p {
                match self.atom(e, env) {
                    Err(e @ Stop::Incomplete(..)) => {
                        pending.get_or_insert(e);
                    }
                    Err(e) => return Err(e),
                    Ok(_) => {}
                }
            }
        }
        if let Some(e) = pending {
            return Err(e);
        }
        let mut out: Vec<u8> = Vec::new();
        for p in parts {
            match p {
                StrPart::Text(t) => out.extend_from_slice(t),
                StrPart::Expr(e) => {
                    if bytes {
                        return Err(Stop::Unsupported(at, "interpolation in bytes"));
                    }
                    match self.atom(e, env)? {
                        Ok(Atom::Str(s)) => out.extend_from_slice(s.as_bytes()),
                        Ok(Atom::Int(i)) => out.extend_from_slice(i.to_string().as_bytes()),
                        Ok(Atom::Bool(b)) => out.extend_from_slice(b.to_string().as_bytes()),
                        Ok(Atom::Float(_)) | Ok(Atom::Bytes(_)) => {
                            return Err(Stop::Unsupported(at, "interpolation of floats or bytes"));
                        }
                        Ok(Atom::Null) | Err(_) => return Err(eval_err("invalid interpolation")),
                    }
                }
            }
        }
        if out.len() > MAX_STRING {
            return Err(Stop::Budget);
        }
        Ok(Ev::Scalar(Vd::atom(if bytes {
            Atom::Bytes(out)
        } else {
            Atom::Str(
                String::from_utf8(out)
                    .map_err(|_| Stop::Syntax(at, "a string that is not UTF-8"))?,
            )
        })))
    }
}

/// Two results: the first hard error, else the first incompleteness, else both values.
fn worst<A, B>(x: Result<A, Stop>, y: Result<B, Stop>) -> Result<(A, B), Stop> {
    match (x, y) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(e @ Stop::Incomplete(..)), Err(f)) if !matches!(f, Stop::Incomplete(..)) => {
            let _ = e;
            Err(f)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// The terms of a disjunction written in one go (`a | b | *c`), not through parentheses.
pub(super) fn flatten_or<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Binary("|", a, b, _) => {
            flatten_or(a, out);
            flatten_or(b, out);
        }
        e => out.push(e),
    }
}

/// `x op y` on concrete basic values.
fn binary_atoms(op: &str, x: &Atom, y: &Atom, at: At) -> Result<Atom, Stop> {
    use Atom::*;
    use std::cmp::Ordering;
    let mismatch = || {
        eval_err(format!(
            "invalid operands for {op} (mismatched types {} and {})",
            kind_name(x.kind()),
            kind_name(y.kind())
        ))
    };
    let nums = || Some((x.dec()?, y.dec()?));
    Ok(match op {
        "+" | "-" | "*" => match (x, y) {
            (Int(a), Int(b)) => {
                let r = match op {
                    "+" => a.checked_add(*b),
                    "-" => a.checked_sub(*b),
                    _ => a.checked_mul(*b),
                };
                Int(r.ok_or(Stop::Unsupported(at, "numbers beyond 38 digits"))?)
            }
            (Str(a), Str(b)) if op == "+" => Str(format!("{a}{b}")),
            (Bytes(a), Bytes(b)) if op == "+" => Bytes([a.as_slice(), b].concat()),
            (Str(s), Int(n)) | (Int(n), Str(s)) if op == "*" => {
                let n = usize::try_from(*n).map_err(|_| eval_err("a negative repeat count"))?;
                if s.len().saturating_mul(n) > MAX_STRING {
                    return Err(Stop::Budget);
                }
                Str(s.repeat(n))
            }
            (Bytes(s), Int(n)) | (Int(n), Bytes(s)) if op == "*" => {
                let n = usize::try_from(*n).map_err(|_| eval_err("a negative repeat count"))?;
                if s.len().saturating_mul(n) > MAX_STRING {
                    return Err(Stop::Budget);
                }
                Bytes(s.repeat(n))
            }
            _ => {
                let (a, b) = nums().ok_or_else(mismatch)?;
                Float(match op {
                    "+" => Dec::add(a, b, at)?,
                    "-" => Dec::sub(a, b, at)?,
                    _ => Dec::mul(a, b, at)?,
                })
            }
        },
        "/" => {
            let (a, b) = nums().ok_or_else(mismatch)?;
            if b.m == 0 {
                return Err(eval_err("division by zero"));
            }
            Float(Dec::div(a, b, at)?)
        }
        "==" | "!=" => {
            let eq = match (x.dec(), y.dec()) {
                (Some(a), Some(b)) => Dec::cmp(a, b) == Ordering::Equal,
                _ => x == y,
            };
            Bool(eq == (op == "=="))
        }
        "<" | "<=" | ">" | ">=" => {
            let o = match (x, y) {
                (Str(a), Str(b)) => a.cmp(b),
                (Bytes(a), Bytes(b)) => a.cmp(b),
                _ => {
                    let (a, b) = nums().ok_or_else(mismatch)?;
                    Dec::cmp(a, b)
                }
            };
            Bool(match op {
                "<" => o == Ordering::Less,
                "<=" => o != Ordering::Greater,
                ">" => o == Ordering::Greater,
                _ => o != Ordering::Less,
            })
        }
        "=~" | "!~" => match (x, y) {
            (Str(s), Str(re)) => {
                let re =
                    regex::Regex::new(re).map_err(|_| eval_err("an invalid regular expression"))?;
                Bool(re.is_match(s) == (op == "=~"))
            }
            _ => return Err(mismatch()),
        },
        "&&" | "||" => match (x, y) {
            (Bool(a), Bool(b)) => Bool(if op == "&&" { *a && *b } else { *a || *b }),
            _ => return Err(mismatch()),
        },
        _ => return Err(Stop::Syntax(at, "an unknown operator")),
    })
}
