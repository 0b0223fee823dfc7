//! Builtins whose result regorus 0.14 computes differently from OPA v1.22.3, corrected where they
//! differ: each is an extension under the builtin's name (looked up before the builtin) that gives
//! OPA's result for the differing arguments and calls regorus's builtin for the rest. OPA's
//! compliance cases are the oracle (folders `jsonbuiltins`, `units`, `time`, `uuid`).
//!
//! - `json.is_valid` / `yaml.is_valid` of a value that is not a string: `false` in OPA, an error
//!   in regorus; `yaml.is_valid` of several documents: valid when every document is (regorus
//!   refuses a stream of more than one);
//! - `units.parse` / `units.parse_bytes` with an exponent of more than 6 digits (`10e10000000Ei`):
//!   OPA's error "exponent too large", where regorus computes a number;
//! - `time.parse_duration_ns` with OPA's units `d`, `w` and `y` (`"1d2h"`), which OPA rewrites to
//!   hours before Go's parser (`parseExtendedDuration`); regorus knows Go's units only;
//! - `uuid.parse` of 38 characters: Go's `uuid.Parse` drops the first and last whatever they are,
//!   regorus only braces;
//! - `glob.match` with an empty alternative (`"{**/,}x"`), which regorus's glob matcher never
//!   matches: the pattern is expanded into its alternatives, each matched by regorus.

use regorus::unstable::BUILTINS;
use regorus::{Engine, Value};

use super::error::RegoError;
use super::guards::{self, call_builtin};

/// OPA's result for these operands: `None` leaves the call to regorus's builtin, `Err` is a builtin
/// error (undefined unless strict builtin errors are on).
type Correction = fn(&[Value]) -> Option<Result<Value, String>>;

const CORRECTIONS: [(&str, u8, Correction); 7] = [
    ("json.is_valid", 1, not_a_string_is_invalid),
    ("yaml.is_valid", 1, yaml_is_valid),
    ("units.parse", 1, units_exponent),
    ("units.parse_bytes", 1, units_exponent),
    ("time.parse_duration_ns", 1, extended_duration),
    ("uuid.parse", 1, uuid_38),
    ("glob.match", 3, glob_empty_alternative),
];

/// Registers the corrections on a fresh engine; `strict` is OPA's `--strict-builtin-errors`.
pub(crate) fn register(engine: &mut Engine, strict: bool) -> Result<(), RegoError> {
    for (name, nargs, correction) in CORRECTIONS {
        guards::wrap(engine, name, nargs, move |builtin, args| {
            match correction(&args) {
                None => call_builtin(builtin, &args, strict),
                Some(Ok(value)) => Ok(value),
                Some(Err(e)) if strict => anyhow::bail!("{name}: {e}"),
                Some(Err(_)) => Ok(Value::Undefined),
            }
        })?;
    }
    Ok(())
}

fn text(args: &[Value]) -> Option<&str> {
    args.first()?.as_string().ok().map(|s| s.as_ref())
}

fn not_a_string_is_invalid(args: &[Value]) -> Option<Result<Value, String>> {
    text(args).is_none().then(|| Ok(Value::from(false)))
}

/// Several documents are valid when the stream is (saphyr) and each document is (regorus, which
/// refuses what Go's YAML refuses, such as a tab before a key).
fn yaml_is_valid(args: &[Value]) -> Option<Result<Value, String>> {
    let Some(s) = text(args) else {
        return Some(Ok(Value::from(false)));
    };
    let separator = |line: &str| {
        line.strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
    };
    if !s.lines().any(separator) {
        return None;
    }
    let builtin = BUILTINS.get("yaml.is_valid")?.0;
    let stream_ok = saphyr_parser::Parser::new_from_str(s).all(|event| event.is_ok());
    let mut documents: Vec<String> = vec![String::new()];
    for line in s.lines() {
        if separator(line) {
            documents.push(String::new());
        } else if let Some(doc) = documents.last_mut() {
            doc.push_str(line);
            doc.push('\n');
        }
    }
    let each_ok = documents.iter().all(|doc| {
        doc.trim().is_empty()
            || call_builtin(builtin, &[Value::from(doc.as_str())], false)
                .is_ok_and(|v| v == Value::from(true))
    });
    Some(Ok(Value::from(stream_ok && each_ok)))
}

/// OPA's `extractNumAndUnit`: an exponent (`e`/`E`, a sign, digits) of more than 6 digits.
fn units_exponent(args: &[Value]) -> Option<Result<Value, String>> {
    let s = text(args)?.to_ascii_lowercase().replace('"', "");
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-')) {
            return None;
        }
        if c == b'e' {
            let next = b.get(i + 1).copied();
            if !next.is_some_and(|n| n.is_ascii_digit() || n == b'+' || n == b'-') {
                return None;
            }
            if matches!(next, Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
            if digits > 6 {
                return Some(Err("exponent too large".to_owned()));
            }
        }
        i += 1;
    }
    None
}

/// A duration with `d`, `w` or `y` written in hours, as OPA does, for regorus's parser.
fn extended_duration(args: &[Value]) -> Option<Result<Value, String>> {
    let s = text(args)?;
    if !s.contains(['d', 'w', 'y']) {
        return None;
    }
    let invalid = || Some(Err(format!("time: invalid duration {s:?}")));
    let (sign, mut rest) = match s.strip_prefix(['+', '-']) {
        Some(r) => (&s[..1], r),
        None => ("", s),
    };
    let mut rewritten = sign.to_owned();
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let unit_len = rest[digits..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len() - digits);
        let (number, unit) = (&rest[..digits], &rest[digits..digits + unit_len]);
        if !number.bytes().any(|b| b.is_ascii_digit()) || unit.is_empty() {
            return invalid();
        }
        let hours = match unit {
            "d" => 24.0,
            "w" => 7.0 * 24.0,
            "y" => 365.0 * 24.0,
            _ => {
                rewritten.push_str(number);
                rewritten.push_str(unit);
                rest = &rest[digits + unit_len..];
                continue;
            }
        };
        let Ok(value) = number.parse::<f64>() else {
            return invalid();
        };
        rewritten.push_str(&format!("{}h", value * hours));
        rest = &rest[digits + unit_len..];
    }
    let builtin = BUILTINS.get("time.parse_duration_ns")?.0;
    match call_builtin(builtin, &[Value::from(rewritten)], true) {
        Ok(Value::Undefined) | Err(_) => invalid(),
        Ok(v) => Some(Ok(v)),
    }
}

fn uuid_38(args: &[Value]) -> Option<Result<Value, String>> {
    let s = text(args)?;
    if s.len() != 38 || s.starts_with('{') || !s.is_char_boundary(1) || !s.is_char_boundary(37) {
        return None;
    }
    let inner = format!("{{{}}}", &s[1..37]);
    let builtin = BUILTINS.get("uuid.parse")?.0;
    Some(call_builtin(builtin, &[Value::from(inner)], false).map_err(|e| e.to_string()))
}

/// Most patterns one `glob.match` pattern is expanded into.
const MAX_ALTERNATIVES: usize = 64;

fn glob_empty_alternative(args: &[Value]) -> Option<Result<Value, String>> {
    let pattern = text(args)?;
    let empty = ["{,", ",}", ",,"].iter().any(|e| pattern.contains(e));
    if !empty || pattern.contains(['[', '\\']) {
        return None;
    }
    let mut patterns = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        let group = &rest[open + 1..close];
        if group.contains('{') {
            return None;
        }
        let literal = &rest[..open];
        let mut next = Vec::new();
        for p in &patterns {
            for alternative in group.split(',') {
                next.push(format!("{p}{literal}{alternative}"));
            }
        }
        if next.len() > MAX_ALTERNATIVES {
            return None;
        }
        patterns = next;
        rest = &rest[close + 1..];
    }
    let builtin = BUILTINS.get("glob.match")?.0;
    let mut matched = false;
    for p in patterns {
        let mut call = args.to_vec();
        call[0] = Value::from(format!("{p}{rest}"));
        match call_builtin(builtin, &call, true) {
            Ok(v) => matched |= v == Value::from(true),
            Err(e) => return Some(Err(e.to_string())),
        }
    }
    Some(Ok(Value::from(matched)))
}

#[cfg(test)]
mod tests {
    fn eval(expr: &str, strict: bool) -> String {
        let mut engine =
            super::super::engine::new_engine_with(std::time::Duration::from_secs(5), strict)
                .expect("engine");
        let policy = format!("package t\n\nx := {expr}\n");
        super::super::engine::add_policy(&mut engine, "t.rego", &policy, false).expect("policy");
        match engine.eval_rule("data.t.x".to_string()) {
            Ok(v) => serde_json::to_string(&v).unwrap_or_default(),
            Err(e) => format!("error: {e}"),
        }
    }

    /// Each value is OPA v1.22.3's (its compliance cases, or `opa eval` where noted).
    #[test]
    fn results_are_opas() {
        assert_eq!(eval("json.is_valid(1)", true), "false");
        assert_eq!(eval("yaml.is_valid(1)", true), "false");
        assert_eq!(eval("json.is_valid(\"{\\\"a\\\": 1}\")", true), "true");
        assert_eq!(
            eval(
                "[yaml.is_valid(\"  test:\\ntest1: hello\\n\"), yaml.is_valid(\"a: 1\\n---\\n\\tb: 2\\n\"), yaml.is_valid(\"a: 1\\n---\\nb: 2\\n\")]",
                true
            ),
            "[false,false,true]"
        );
        assert!(eval("units.parse(\"10e10000000Ei\")", true).contains("exponent too large"));
        assert!(eval("units.parse_bytes(\"10e10000000EiB\")", true).contains("exponent too large"));
        assert_eq!(
            eval("units.parse(\"10e10000000Ei\")", false),
            "\"<undefined>\""
        );
        assert_eq!(eval("units.parse_bytes(\"1e3KB\")", true), "1000000");
        assert_eq!(
            eval("time.parse_duration_ns(\"365d\")", true),
            "31536000000000000"
        );
        assert_eq!(
            eval("time.parse_duration_ns(\"1d2h\")", true),
            "93600000000000"
        );
        assert_eq!(
            eval("time.parse_duration_ns(\"1w\")", true),
            "604800000000000"
        );
        assert_eq!(
            eval("time.parse_duration_ns(\"1.5h\")", true),
            "5400000000000"
        );
        assert!(eval("time.parse_duration_ns(\"d\")", true).contains("invalid duration"));
        assert_eq!(eval("glob.match(\"{**/,}x\", null, \"x\")", true), "true");
        assert_eq!(
            eval("glob.match(\"{**/,}x\", null, \"a/b/x\")", true),
            "true"
        );
        assert_eq!(eval("glob.match(\"{a,}x\", [], \"bx\")", true), "false");
        assert_eq!(eval("glob.match(\"{a,b}x\", [], \"bx\")", true), "true");
        assert_eq!(
            eval(
                "uuid.parse(\"(00000000-0000-4000-8000-000000000000)\")",
                true
            ),
            r#"{"variant":"RFC4122","version":4}"#
        );
    }
}
