//! Checks in front of the Rego builtins that allocate from a small input: the result's size
//! is computed from the arguments first, and only a result within budget is built. The same
//! wrappers make arguments that regorus 0.14 panics or errors on behave as in OPA v1.22.3.
//!
//! `numbers.range(1, 1e12)`, `net.cidr_expand("0.0.0.0/0")`, a `concat` or `replace` of a
//! string referenced a million times, or `sprintf("%999999999d", …)` abort the process on
//! allocation in regorus, and `--policy-timeout` cannot stop a single allocation. A regorus
//! extension is looked up before the builtin of the same name, so each guard is registered under
//! the builtin's name: it checks the arguments, then calls regorus's own builtin, so results stay
//! exactly regorus's.

use regorus::unstable::{BUILTINS, Expr, Ref, Source, Span};
use regorus::{Engine, Value};

use super::error::RegoError;
use super::value_size::{Expansion, measure};

/// Most elements a builtin may produce (numbers.range, numbers.range_step, net.cidr_expand,
/// array.concat).
pub const MAX_ELEMENTS: f64 = 1_000_000.0;
/// Most bytes a builtin's string result may have (concat, replace, strings.replace_n, sprintf,
/// json.marshal, yaml.marshal).
pub const MAX_STRING_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
/// Most path elements `walk` may produce: the sum of every visited value's depth (each path is
/// an array of that many elements).
pub const MAX_PATH_ELEMENTS: f64 = 16.0 * MAX_ELEMENTS;
/// Deepest value a builtin may write out or walk: regorus does both by recursion, on an
/// evaluation thread's stack. A manifest nests at most 128 deep (`manifest::MAX_DEPTH`); only a
/// policy building a chain of its own gets near this.
pub const MAX_HEIGHT: usize = 1_000;
/// Most bits of an integer an arithmetic operator, `product` or `bits.lsh` may work with or
/// make: OPA's limit on a number's binary exponent (`maxNumberExp`, about 30,000 digits), past
/// which it refuses to read one. regorus's integers grow without bound, and squaring one that
/// doubles each time (`a := 1e300 * 1e300; b := a * a; …`) or a `product` of 100,000 large
/// numbers runs for minutes in one operation, past `--policy-timeout`.
pub const MAX_NUMBER_BITS: u64 = 100_000;

type Check = fn(&[Value]) -> Option<String>;
/// Adjusts the arguments before regorus's builtin runs; `false` is OPA's undefined (a builtin
/// error under non-strict builtin errors) for arguments the builtin would panic on.
type Prepare = fn(&mut [Value]) -> bool;
/// sealgate's own result where regorus's builtin computes another than OPA; `None` leaves the
/// call to regorus (its errors included).
type Own = Option<fn(&[Value]) -> Option<Value>>;

/// Registers the guards on a fresh engine (before any policy is added); `strict` is OPA's
/// `--strict-builtin-errors` (a builtin error is an error, not undefined).
pub(crate) fn register(engine: &mut Engine, strict: bool) -> Result<(), RegoError> {
    let guards: [(&'static str, u8, Check, Prepare, Own); 17] = [
        ("numbers.range", 2, range, always, None),
        (
            "numbers.range_step",
            3,
            range_step,
            positive_step,
            Some(step_past_the_end),
        ),
        ("net.cidr_expand", 1, cidr_expand, always, None),
        ("concat", 2, concat, always, None),
        ("replace", 3, replace, always, None),
        ("strings.replace_n", 2, replace_n, always, Some(go_replacer)),
        ("sprintf", 2, sprintf, always, Some(go_sprintf)),
        ("array.concat", 2, array_concat, always, None),
        ("json.marshal", 1, written_out, always, None),
        ("json.marshal_with_options", 2, written_out, always, None),
        ("yaml.marshal", 1, written_out, always, None),
        ("walk", 1, walk, always, None),
        ("product", 1, product, always, None),
        ("bits.lsh", 2, shift_left, always, None),
        (
            "object.subset",
            2,
            nothing,
            subset_operands,
            Some(subset_with_empty_arrays),
        ),
        (
            "format_int",
            2,
            nothing,
            always,
            Some(format_int_of_a_negative_fraction),
        ),
        (
            "net.cidr_is_valid",
            1,
            nothing,
            always,
            Some(cidr_is_valid_of_a_non_string),
        ),
    ];
    for (name, nargs, check, prepare, own) in guards {
        wrap(engine, name, nargs, move |builtin, mut args| {
            if !prepare(&mut args) {
                if strict {
                    anyhow::bail!("{name}: invalid arguments");
                }
                return Ok(Value::Undefined);
            }
            if let Some(problem) = check(&args) {
                anyhow::bail!(
                    "{name}: {problem}; sealgate refuses to allocate that much for one builtin call (see docs/robustness.md)"
                );
            }
            match own.and_then(|f| f(&args)) {
                Some(value) => Ok(value),
                None => call_builtin(builtin, &args, strict),
            }
        })?;
    }
    Ok(())
}

/// Registers `wrapper` under the name of regorus's builtin `name` (an extension is looked up
/// before the builtin), handing it that builtin and the operands; a name regorus lacks is skipped.
pub(super) fn wrap(
    engine: &mut Engine,
    name: &'static str,
    nargs: u8,
    wrapper: impl Fn(Builtin, Vec<Value>) -> anyhow::Result<Value> + Clone + Send + Sync + 'static,
) -> Result<(), RegoError> {
    let Some(builtin) = BUILTINS.get(name).map(|b| b.0) else {
        return Ok(());
    };
    engine
        .add_extension(
            name.to_owned(),
            nargs,
            Box::new(move |args: Vec<Value>| wrapper(builtin, args)),
        )
        .map_err(|e| RegoError::Compile {
            file: format!("builtin {name}"),
            message: e.to_string(),
        })
}

pub(super) type Builtin = fn(&Span, &[Ref<Expr>], &[Value], bool) -> anyhow::Result<Value>;

/// Calls regorus's builtin; unless `strict`, its errors become undefined, as the engine does for
/// builtins when strict builtin errors are off (OPA's behaviour, see `engine::new_engine`).
pub(super) fn call_builtin(
    builtin: Builtin,
    args: &[Value],
    strict: bool,
) -> anyhow::Result<Value> {
    let source = Source::from_contents("<builtin>".to_owned(), String::new())?;
    let span = Span {
        source,
        line: 1,
        col: 1,
        start: 0,
        end: 0,
    };
    let params: Vec<Ref<Expr>> = args
        .iter()
        .map(|_| {
            Ref::new(Expr::Null {
                span: span.clone(),
                value: Value::Null,
                eidx: 0,
            })
        })
        .collect();
    match builtin(&span, &params, args, strict) {
        Err(e) if strict => Err(e),
        result => Ok(result.unwrap_or(Value::Undefined)),
    }
}

fn number(value: Option<&Value>) -> Option<f64> {
    value?.as_number().ok()?.as_f64()
}

fn text_len(value: Option<&Value>) -> Option<f64> {
    value?.as_string().ok().map(|s| s.len() as f64)
}

/// The bits of an integer's magnitude (0 for a float: its magnitude is below 2^1024).
pub(super) fn integer_bits(value: &Value) -> u64 {
    let Value::Number(n) = value else {
        return 0;
    };
    if n.as_i64().is_some() || n.as_u64().is_some() || !n.is_integer() {
        return 0;
    }
    n.as_big().map_or(0, |b| b.bits())
}

/// A refusal for a number of `bits` bits past [`MAX_NUMBER_BITS`].
pub(super) fn over_bits(bits: u64) -> Option<String> {
    (bits > MAX_NUMBER_BITS).then(|| {
        format!("a number of {bits} bits is over the limit of {MAX_NUMBER_BITS} bits (OPA reads none that large)")
    })
}

/// `product(xs)`: its result has about as many bits as its operands together.
fn product(args: &[Value]) -> Option<String> {
    let bits: u64 = match args.first()? {
        Value::Array(xs) => xs.iter().map(integer_bits).sum(),
        Value::Set(xs) => xs.iter().map(integer_bits).sum(),
        _ => return None,
    };
    over_bits(bits)
}

/// `bits.lsh(x, n)`: `n` more bits than `x`.
fn shift_left(args: &[Value]) -> Option<String> {
    let shift = number(args.get(1))?;
    over_bits((integer_bits(args.first()?) as f64 + shift.max(0.0)).min(u64::MAX as f64) as u64)
}

pub(super) fn over_elements(count: f64) -> Option<String> {
    (count > MAX_ELEMENTS)
        .then(|| format!("{count:.0} elements is over the limit of {MAX_ELEMENTS:.0}"))
}

fn over_bytes(bytes: f64) -> Option<String> {
    (bytes > MAX_STRING_BYTES).then(|| {
        format!("a {bytes:.0}-byte result is over the limit of {MAX_STRING_BYTES:.0} bytes")
    })
}

fn too_deep(m: &Expansion) -> Option<String> {
    (m.height > MAX_HEIGHT).then(|| {
        format!(
            "a value nested {} deep is over the limit of {MAX_HEIGHT}",
            m.height
        )
    })
}

/// `json.marshal`, `yaml.marshal`: the JSON size of the value, shared parts counted each time
/// they are written (YAML is within a small factor of it).
pub(super) fn written_out(args: &[Value]) -> Option<String> {
    let m = measure(args.first()?);
    too_deep(&m).or_else(|| over_bytes(m.bytes))
}

/// `walk` gives one `[path, value]` pair per value, each path a new array.
fn walk(args: &[Value]) -> Option<String> {
    let m = measure(args.first()?);
    too_deep(&m).or_else(|| over_elements(m.nodes)).or_else(|| {
        (m.path_elements > MAX_PATH_ELEMENTS).then(|| {
            format!(
                "{:.0} path elements is over the limit of {MAX_PATH_ELEMENTS:.0}",
                m.path_elements
            )
        })
    })
}

fn range(args: &[Value]) -> Option<String> {
    let (a, b) = (number(args.first())?, number(args.get(1))?);
    over_elements((b - a).abs() + 1.0)
}

fn range_step(args: &[Value]) -> Option<String> {
    let (a, b, step) = (
        number(args.first())?,
        number(args.get(1))?,
        number(args.get(2))?,
    );
    if step == 0.0 {
        return None;
    }
    over_elements(((b - a) / step).abs() + 1.0)
}

fn nothing(_: &[Value]) -> Option<String> {
    None
}

/// `object.subset` where the subset holds an empty array: regorus 0.14 panics ("window size must
/// be non-zero", aborting the whole run); OPA v1.22.3 says an empty array is a subset of any
/// array (`object.subset([1, 2], [])` is true). Computed here as regorus does otherwise; other
/// arguments are left to regorus.
fn subset_with_empty_arrays(args: &[Value]) -> Option<Value> {
    fn has_empty_array(v: &Value) -> bool {
        match v {
            Value::Array(a) => a.is_empty() || a.iter().any(has_empty_array),
            Value::Set(s) => s.iter().any(has_empty_array),
            Value::Object(o) => o.values().any(has_empty_array),
            _ => false,
        }
    }
    fn is_subset(sup: &Value, sub: &Value) -> bool {
        match (sup, sub) {
            (Value::Object(sup), Value::Object(sub)) => sub
                .iter()
                .all(|(k, vsub)| sup.get(k).is_some_and(|vsup| is_subset(vsup, vsub))),
            (Value::Set(sup), Value::Set(sub)) => sub.is_subset(sup),
            (Value::Array(_), Value::Array(sub)) if sub.is_empty() => true,
            (Value::Array(sup), Value::Array(sub)) => sup
                .as_slice()
                .windows(sub.len())
                .any(|w| w == sub.as_slice()),
            (Value::Array(sup), Value::Set(sub)) => sub.iter().all(|v| sup.contains(v)),
            (sup, sub) => sup == sub,
        }
    }
    let collection = |v: &Value| matches!(v, Value::Array(_) | Value::Set(_) | Value::Object(_));
    let (sup, sub) = (args.first()?, args.get(1)?);
    (collection(sup) && collection(sub) && has_empty_array(sub))
        .then(|| Value::from(is_subset(sup, sub)))
}

/// `object.subset` of two objects, two sets, two arrays, or an array and a set: anything else is
/// OPA v1.22.3's operand error ("both arguments object.subset must be of the same type or array
/// and set"), undefined under non-strict builtin errors; regorus 0.14 compares the two values and
/// says `false` (found by `peer_rego_differential`).
fn subset_operands(args: &mut [Value]) -> bool {
    matches!(
        args,
        [Value::Object(_), Value::Object(_)]
            | [Value::Set(_), Value::Set(_)]
            | [Value::Array(_), Value::Array(_) | Value::Set(_)]
    )
}

/// `format_int` of a number between -1 and 0: OPA v1.22.3 truncates toward zero to a big
/// integer, which has no negative zero (`format_int(-0.5, 2)` is `"0"`); regorus 0.14 writes
/// `"-0"` (found by `peer_rego_differential`). Other numbers and bases are left to regorus.
fn format_int_of_a_negative_fraction(args: &[Value]) -> Option<Value> {
    let n = number(args.first())?;
    let base = number(args.get(1))?;
    let negative_fraction = n < 0.0 && n > -1.0;
    (negative_fraction && [2.0, 8.0, 10.0, 16.0].contains(&base)).then(|| Value::from("0"))
}

/// `net.cidr_is_valid` of a value that is not a string: `false` in OPA v1.22.3 (its operand error
/// answers `false`), undefined in regorus 0.14 (found by `peer_rego_differential`).
fn cidr_is_valid_of_a_non_string(args: &[Value]) -> Option<Value> {
    (!matches!(args.first(), Some(Value::String(_)))).then(|| Value::from(false))
}

fn always(_: &mut [Value]) -> bool {
    true
}

/// regorus 0.14's `numbers.range_step` panics (capacity overflow) on a step below 1; OPA v1.22.3
/// says "step must be a positive integer", undefined under non-strict builtin errors.
fn positive_step(args: &mut [Value]) -> bool {
    number(args.get(2)).is_none_or(|step| step >= 1.0 && step.fract() == 0.0)
}

/// A step longer than the range: OPA v1.22.3 gives the start alone (`numbers.range_step(0, 10,
/// 99999999999999999999)` is `[0]`); regorus 0.14 takes the step as a 64-bit integer and fails.
fn step_past_the_end(args: &[Value]) -> Option<Value> {
    // regorus gives no `f64` for an integer beyond 64 bits; its JSON text is the number
    let step = args.get(2).filter(|s| matches!(s, Value::Number(_)))?;
    let step =
        number(Some(step)).or_else(|| serde_json::to_string(step).ok()?.parse::<f64>().ok())?;
    let (start, end) = (args.first()?, args.get(1)?);
    let (a, b) = (number(Some(start))?, number(Some(end))?);
    let integral = a.fract() == 0.0 && b.fract() == 0.0;
    (integral && step > (b - a).abs()).then(|| Value::from(vec![start.clone()]))
}

/// `sprintf` as OPA computes it (Go's fmt), see [`super::opa_builtins::sprintf`].
fn go_sprintf(args: &[Value]) -> Option<Value> {
    super::opa_builtins::sprintf::sprintf(args)
}

/// `strings.replace_n` as OPA v1.22.3 computes it: Go's `strings.NewReplacer` over the pattern
/// keys in sorted order, so at each position the first key (in that order) that matches wins, and
/// replaced text is never scanned again. regorus 0.14 replaces one key after the other over the
/// whole string (chained replacements). Patterns with an empty or non-string key or value are
/// left to regorus.
fn go_replacer(args: &[Value]) -> Option<Value> {
    let patterns = args.first()?.as_object().ok()?;
    let text = args.get(1)?.as_string().ok()?;
    let mut pairs = Vec::with_capacity(patterns.len());
    for (old, new) in patterns.iter() {
        let old = old.as_string().ok()?;
        if old.is_empty() {
            return None;
        }
        pairs.push((old.as_ref(), new.as_string().ok()?.as_ref()));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (old, new) in &pairs {
            if let Some(after) = rest.strip_prefix(*old) {
                out.push_str(new);
                rest = after;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Some(Value::from(out))
}

fn cidr_expand(args: &[Value]) -> Option<String> {
    let cidr = args.first()?.as_string().ok()?;
    let (addr, prefix) = cidr.split_once('/')?;
    let prefix: i32 = prefix.trim().parse().ok()?;
    let bits = if addr.contains(':') { 128 } else { 32 };
    over_elements(2f64.powi(bits - prefix))
}

/// `array.concat(a, a)` doubles: thirty chained calls on a one-element array would ask for a
/// billion elements.
fn array_concat(args: &[Value]) -> Option<String> {
    let len = |v: Option<&Value>| v.and_then(|v| v.as_array().ok()).map_or(0, |a| a.len());
    over_elements((len(args.first()) + len(args.get(1))) as f64)
}

fn strings_of(value: Option<&Value>) -> Option<(f64, f64)> {
    let value = value?;
    let (count, bytes) = if let Ok(array) = value.as_array() {
        (
            array.iter().len(),
            array.iter().filter_map(|v| text_len(Some(v))).sum(),
        )
    } else {
        let set = value.as_set().ok()?;
        (
            set.len(),
            set.iter().filter_map(|v| text_len(Some(v))).sum(),
        )
    };
    Some((count as f64, bytes))
}

fn concat(args: &[Value]) -> Option<String> {
    let delimiter = text_len(args.first())?;
    let (count, bytes) = strings_of(args.get(1))?;
    over_bytes(bytes + delimiter * (count - 1.0).max(0.0))
}

/// Upper bound of `replace(s, old, new)`: every byte of `s` could start a match.
fn replace(args: &[Value]) -> Option<String> {
    let (s, old, new) = (
        text_len(args.first())?,
        text_len(args.get(1))?,
        text_len(args.get(2))?,
    );
    let matches = if old == 0.0 { s + 1.0 } else { s / old };
    over_bytes(s + matches * new)
}

fn replace_n(args: &[Value]) -> Option<String> {
    let s = text_len(args.get(1))?;
    let object = args.first()?.as_object().ok()?;
    let grown: f64 = object
        .iter()
        .filter_map(|(old, new)| {
            let (old, new) = (text_len(Some(old))?, text_len(Some(new))?);
            let matches = if old == 0.0 { s + 1.0 } else { s / old };
            Some(matches * new)
        })
        .sum();
    over_bytes(s + grown)
}

/// The widths and precisions written in a format string (`%*d` widths come from the arguments,
/// which Go's fmt caps at 1e6 itself).
fn sprintf(args: &[Value]) -> Option<String> {
    let format = args.first()?.as_string().ok()?;
    let mut largest = 0f64;
    let mut digits = String::new();
    let mut in_verb = false;
    for c in format.chars() {
        if !in_verb {
            in_verb = c == '%';
            continue;
        }
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if let Ok(n) = digits.parse::<f64>() {
            largest = largest.max(n);
        }
        digits.clear();
        // flags, `.` and `[n]` argument indexes keep the verb open; a letter or `%` ends it
        in_verb = matches!(c, '+' | '-' | '#' | ' ' | '.' | '[' | ']');
    }
    // `%v` of a collection writes it out; a width pads one operand
    let operands = args
        .get(1)
        .and_then(|a| a.as_array().ok())
        .map(|a| a.iter().map(measure).collect::<Vec<_>>())
        .unwrap_or_default();
    operands.iter().find_map(too_deep).or_else(|| {
        over_bytes(format.len() as f64 + largest + operands.iter().map(|m| m.bytes).sum::<f64>())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(query: &str) -> Result<regorus::QueryResults, String> {
        let mut engine = Engine::new();
        register(&mut engine, false).map_err(|e| e.to_string())?;
        engine
            .eval_query(query.to_owned(), false)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn huge_results_are_refused_before_allocation() {
        for query in [
            "x := numbers.range(1, 1000000000000)",
            "x := numbers.range_step(0, 1e15, 2)",
            "x := net.cidr_expand(\"0.0.0.0/0\")",
            "x := net.cidr_expand(\"::/0\")",
            "x := sprintf(\"%999999999d\", [1])",
            "s := concat(\"\", [\"x\" | numbers.range(1, 10)[_]]); x := replace(concat(\"\", [s | numbers.range(1, 100000)[_]]), \"x\", concat(\"\", [s | numbers.range(1, 1000)[_]]))",
        ] {
            let err = eval(query).err().unwrap_or_default();
            assert!(err.contains("over the limit"), "{query}: {err}");
        }
    }

    /// `a0 := first`, then `a{i} := step(i - 1)` up to `a{n}`, one per line (regorus refuses
    /// lines over 1,024 columns).
    fn chain(first: &str, n: usize, step: fn(usize) -> String) -> String {
        let mut query = format!("a0 := {first}");
        for i in 1..=n {
            query.push_str(&format!("\na{i} := {}", step(i - 1)));
        }
        query
    }

    /// Each call doubles: the 20th would make 1,048,576 elements, over the limit.
    fn doubling_chain(calls: usize) -> String {
        chain("[1]", calls, |j| format!("array.concat(a{j}, a{j})"))
    }

    #[test]
    fn array_concat_chains_are_refused_before_allocation() {
        let err = eval(&doubling_chain(22)).err().unwrap_or_default();
        assert!(
            err.contains("array.concat: 1048576 elements is over the limit"),
            "{err}"
        );
        // 19 doublings (524,288 elements) are within the limit, and results are regorus's
        let r = eval(&format!("{}; n := count(a19)", doubling_chain(19)))
            .map(|r| r.result[0].bindings["n"].clone());
        assert_eq!(r.ok(), Some(Value::from(524_288u64)));
        let r = eval("x := array.concat([1, 2], [3])")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(r.as_deref(), Ok("{\"x\":[1,2,3]}"));
    }

    /// `a{n}` holds 2^n copies of one string, in n small arrays: each array holds its
    /// predecessor twice, by reference.
    fn sharing_chain(doublings: usize) -> String {
        chain("[\"xxxxxxxx\"]", doublings, |j| format!("[a{j}, a{j}]"))
    }

    /// What aborted on allocation (2^50 strings written out by one builtin call) is refused in
    /// the time it takes to measure fifty arrays; small shared values give regorus's results.
    #[test]
    fn writing_out_shared_values_is_refused_before_allocation() {
        let chain = sharing_chain(50);
        for call in [
            "x := json.marshal(a50)",
            "x := json.marshal_with_options(a50, {\"pretty\": true})",
            "x := yaml.marshal(a50)",
            "x := sprintf(\"%v\", [a50])",
            "x := [p | walk(a50, [p, _])]",
        ] {
            let err = eval(&format!("{chain}; {call}")).err().unwrap_or_default();
            assert!(err.contains("over the limit"), "{call}: {err}");
        }
        let small = format!(
            "{}; x := json.marshal(a2); n := count([p | walk(a2, [p, _])])",
            sharing_chain(2)
        );
        let r =
            eval(&small).map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(
            r.as_deref(),
            Ok(concat!(
                r#"{"a0":["xxxxxxxx"],"a1":[["xxxxxxxx"],["xxxxxxxx"]],"a2":[[["xxxxxxxx"],["xxxxxxxx"]],[["xxxxxxxx"],["xxxxxxxx"]]],"#,
                r#""n":11,"x":"[[[\"xxxxxxxx\"],[\"xxxxxxxx\"]],[[\"xxxxxxxx\"],[\"xxxxxxxx\"]]]"}"#
            ))
        );
    }

    /// A chain of 1,001 one-element arrays is over the depth regorus can write out by recursion.
    #[test]
    fn writing_out_deep_chains_is_refused() {
        let query = chain("[1]", MAX_HEIGHT, |j| format!("[a{j}]"));
        let err = eval(&format!("{query}\nx := json.marshal(a{MAX_HEIGHT})"))
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("nested 1001 deep is over the limit of 1000"),
            "{err}"
        );
    }

    #[test]
    fn a_step_below_one_is_undefined_not_a_panic() {
        for query in [
            "x := numbers.range_step(0, 10, -2)",
            "x := numbers.range_step(0, 10, 0)",
            "x := numbers.range_step(0, 10, 0.5)",
        ] {
            let r = eval(query).map(|r| r.result.len());
            assert_eq!(r, Ok(0), "{query}");
        }
    }

    /// OPA's compliance case `numbersrangestep/big int step` and `opa eval` (v1.22.3).
    #[test]
    fn a_step_past_the_end_gives_the_start() {
        let r = eval("x := [numbers.range_step(0, 10, 99999999999999999999), numbers.range_step(10, 0, 11), numbers.range_step(0, 10, 10), numbers.range_step(0, 10, 11)]")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(r.as_deref(), Ok("{\"x\":[[0],[10],[0,10],[0]]}"));
    }

    /// The answers of `opa eval` (v1.22.3); regorus 0.14 panics on each but the last two.
    /// trivy-checks' `lib` calls `object.subset` with an empty array.
    #[test]
    fn subset_of_an_empty_array_is_true_not_a_panic() {
        for (query, want) in [
            ("x := object.subset([1, 2], [])", true),
            ("x := object.subset({\"a\": [1]}, {\"a\": []})", true),
            ("x := object.subset([], [])", true),
            ("x := object.subset({\"a\": {1}}, {\"a\": []})", false),
            ("x := object.subset([1, 2, 3], [2, 3])", true),
            ("x := object.subset([1, 2, 3], [1, 3])", false),
        ] {
            let r = eval(query).map(|r| r.result[0].bindings["x"].clone());
            assert_eq!(r, Ok(Value::from(want)), "{query}");
        }
    }

    /// `opa eval` (v1.22.3): operands of other types are an operand error, so the call is
    /// undefined (regorus 0.14 said `false`).
    #[test]
    fn subset_of_mismatched_types_is_undefined() {
        for query in [
            "x := object.subset({\"a\": 1}, \"a\")",
            "x := object.subset(3, {\"a\": 1})",
            "x := object.subset({1}, [1])",
            "x := object.subset({\"a\": 1}, [1])",
        ] {
            let r = eval(query).map(|r| r.result.len());
            assert_eq!(r, Ok(0), "{query}");
        }
        let r = eval("x := object.subset([1, 2], {2})").map(|r| r.result[0].bindings["x"].clone());
        assert_eq!(r, Ok(Value::from(true)));
    }

    /// `opa eval` (v1.22.3).
    #[test]
    fn cidr_is_valid_of_a_non_string_is_false() {
        let r = eval("x := [net.cidr_is_valid({}), net.cidr_is_valid(1), net.cidr_is_valid(\"10.0.0.0/8\"), net.cidr_is_valid(\"x\")]")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(r.as_deref(), Ok("{\"x\":[false,false,true,false]}"));
    }

    /// `opa eval` (v1.22.3).
    #[test]
    fn format_int_of_a_negative_fraction_is_zero() {
        let r = eval("x := [format_int(-0.5, 2), format_int(-0.4, 16), format_int(-1.5, 10), format_int(0.5, 10), format_int(-7, 2)]")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(
            r.as_deref(),
            Ok("{\"x\":[\"0\",\"0\",\"-1\",\"0\",\"-111\"]}")
        );
        assert_eq!(
            eval("x := format_int(-0.5, 3)").map(|r| r.result.len()),
            Ok(0)
        );
    }

    #[test]
    fn sprintf_with_missing_operands_writes_what_go_writes() {
        let r = eval("x := [sprintf(\"%v and %d, %v%%\", [1]), sprintf(\"%5v|%.2f\", [])]")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(
            r.as_deref(),
            Ok("{\"x\":[\"1 and %!d(MISSING), %!v(MISSING)%\",\"%!v(MISSING)|%!f(MISSING)\"]}")
        );
        // a width in non-ASCII digits is a verb to Go (regorus panicked on it): `opa eval` v1.22.3
        let r = eval("x := sprintf(\"%\u{0663}v\", [1])")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(r.as_deref(), Ok("{\"x\":\"%!\u{0663}(int64=1)v\"}"));
    }

    #[test]
    fn replace_n_replaces_as_go_s_replacer() {
        let r = eval("x := [strings.replace_n({\"a\": \"Xa\", \"ab\": \"X\", \"ba\": \"bYa\", \"aaa\": \"X\"}, \"aaaaab\"), strings.replace_n({\"a\": \"b\", \"b\": \"a\"}, \"abé\")]")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default());
        assert_eq!(r.as_deref(), Ok("{\"x\":[\"XaXaXaXaXab\",\"baé\"]}"));
    }

    #[test]
    fn ordinary_calls_keep_regorus_results() {
        let r = eval("x := [numbers.range(1, 3), concat(\"-\", [\"a\", \"b\"]), net.cidr_expand(\"10.0.0.0/30\"), sprintf(\"%05d\", [7]), replace(\"aa\", \"a\", \"b\")]")
            .map(|r| serde_json::to_string(&r.result[0].bindings).unwrap_or_default())
            .unwrap_or_default();
        assert!(r.contains("[1,2,3]"), "{r}");
        assert!(r.contains("\"a-b\""), "{r}");
        assert!(r.contains("10.0.0.3"), "{r}");
        assert!(r.contains("\"00007\""), "{r}");
        assert!(r.contains("\"bb\""), "{r}");
    }

    /// Integers that double with each multiplication, a `product` of large numbers and a long
    /// left shift stop at once with an error naming the limit; each ran for minutes (or, for the
    /// shift, allocated its whole result) in one step, past `--policy-timeout`.
    #[test]
    fn integers_past_the_bit_limit_are_refused_at_once() {
        let squares: String = (1..20)
            .map(|i| format!("x{i} := x{} * x{}\n", i - 1, i - 1))
            .collect();
        for (module, query) in [
            (
                format!("package p\nr if {{\nx0 := 1e300 * 1e300\n{squares}x19 > 1\n}}\n"),
                "data.p.r",
            ),
            (
                "package p\nr := product([1e308 | some i in numbers.range(1, 100000)])\n"
                    .to_owned(),
                "data.p.r",
            ),
            (
                "package p\nr := bits.lsh(1, 1000000000)\n".to_owned(),
                "data.p.r",
            ),
            (
                "package p\nr := x - 1 if x := bits.lsh(1, 99000) * bits.lsh(1, 99000)\n"
                    .to_owned(),
                "data.p.r",
            ),
        ] {
            let answer = crate::gate::rego::engine::query_json(&[module.as_str()], false, query);
            assert!(
                answer.starts_with("error:") && answer.contains("over the limit of 100000 bits"),
                "{module}: {answer}"
            );
        }
        // up to the limit, integers stay exact, as in OPA
        let answer = crate::gate::rego::engine::query_json(
            &["package p\nr := bits.lsh(1, 99000) - bits.lsh(1, 99000) + product([2, 3])\n"],
            false,
            "data.p.r",
        );
        assert_eq!(answer, "6");
    }
}
