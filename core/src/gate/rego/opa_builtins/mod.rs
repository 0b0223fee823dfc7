//! OPA builtins that regorus 0.14 does not have, as regorus extensions computing what OPA v1.22.3
//! computes (OPA's compliance cases are the oracle; each file names the builtins it adds).
//!
//! An extension is looked up by name like a builtin, so policies call these as in OPA. A builtin
//! error (an operand of the wrong type, a bad schema) is undefined under OPA's default non-strict
//! builtin errors and an error naming the builtin under `--strict-builtin-errors` (`strict`).
//!
//! regorus only knows the arity of its own builtins; the output-argument style
//! (`crypto.sha256("x", h)`) is rewritten at load time for these (see `output_args`).

mod array;
mod aws;
mod crypto;
mod deprecated;
mod globs;
mod graphql;
mod json_schema;
mod jwt;
mod jwt_sign;
mod net;
mod parse_module;
mod private_keys;
pub(super) mod sprintf;
mod strings;
mod template;
mod uri;
mod x509;

use regorus::{Engine, Value};

use super::error::RegoError;
use super::guards;

/// What an added builtin computes from its operands; `Err` is OPA's builtin error text (without
/// the builtin's name).
pub(super) type Builtin = fn(&[Value]) -> Result<Value, String>;

/// The builtins of this module: name and number of operands.
pub(crate) fn arities() -> impl Iterator<Item = (&'static str, u8)> {
    all().map(|&(name, nargs, _)| (name, nargs))
}

fn all() -> impl Iterator<Item = &'static (&'static str, u8, Builtin)> {
    crypto::BUILTINS
        .iter()
        .chain(array::BUILTINS)
        .chain(json_schema::BUILTINS)
        .chain(net::BUILTINS)
        .chain(strings::BUILTINS)
        .chain(deprecated::BUILTINS)
        .chain(jwt::BUILTINS)
        .chain(jwt_sign::BUILTINS)
        .chain(uri::BUILTINS)
        .chain(aws::BUILTINS)
        .chain(globs::BUILTINS)
        .chain(x509::BUILTINS)
        .chain(private_keys::BUILTINS)
        .chain(template::BUILTINS)
        .chain(graphql::BUILTINS)
        .chain(parse_module::BUILTINS)
}

/// Registers every builtin of this module on a fresh engine; `strict` is OPA's
/// `--strict-builtin-errors`.
pub(crate) fn register(engine: &mut Engine, strict: bool) -> Result<(), RegoError> {
    for &(name, nargs, builtin) in all() {
        engine
            .add_extension(
                name.to_owned(),
                nargs,
                Box::new(move |args: Vec<Value>| {
                    if let Some(problem) = refusal(name, &args) {
                        anyhow::bail!(
                            "{name}: {problem}; sealgate refuses to allocate that much for one builtin call (see docs/robustness.md)"
                        );
                    }
                    match builtin(&args) {
                        Ok(value) => Ok(value),
                        Err(e) if strict => anyhow::bail!("{name}: {e}"),
                        Err(_) => Ok(Value::Undefined),
                    }
                }),
            )
            .map_err(|e| RegoError::Compile {
                file: format!("builtin {name}"),
                message: e.to_string(),
            })?;
    }
    Ok(())
}

/// The builtins whose result (or whose work) can grow far beyond their operands, checked as the
/// guards check regorus's own (`guards.rs`): an operand that shares one large value many times is
/// small in memory, and written out, flattened or paired it is not.
fn refusal(name: &str, args: &[Value]) -> Option<String> {
    let len = |v: Option<&Value>| match v {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::Object(o)) => o.len(),
        _ => 1,
    };
    match name {
        "array.flatten" => {
            let Some(Value::Array(items)) = args.first() else {
                return None;
            };
            let count: usize = items
                .iter()
                .map(|v| match v {
                    Value::Array(a) => a.len(),
                    _ => 1,
                })
                .sum();
            guards::over_elements(count as f64)
        }
        "net.cidr_contains_matches" => {
            guards::over_elements(len(args.first()) as f64 * len(args.get(1)) as f64)
        }
        "json.verify_schema"
        | "json.match_schema"
        | "io.jwt.encode_sign"
        | "providers.aws.sign_req" => args
            .iter()
            .find_map(|a| guards::written_out(std::slice::from_ref(a))),
        _ if name.starts_with("graphql.") => graphql::refusal(args),
        _ => None,
    }
}

/// OPA's name for a value's type, as its operand errors write it.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Set(_) => "set",
        Value::Object(_) => "object",
        Value::Undefined => "undefined",
    }
}

/// OPA's operand type error: "operand 2 must be string but got number".
pub(super) fn operand_error(args: &[Value], index: usize, expected: &str) -> String {
    let got = args.get(index).map_or("undefined", type_name);
    format!("operand {} must be {expected} but got {got}", index + 1)
}

/// Operand `index` as a string, else OPA's type error.
pub(super) fn string_operand(args: &[Value], index: usize) -> Result<&str, String> {
    match args.get(index) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(operand_error(args, index, "string")),
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::eval_x;

    /// `a50` holds one array by reference 2^50 times in 51 small arrays: written out it is
    /// petabytes. Flattening two 600,000-element arrays or pairing 2,000 with 2,000 values is
    /// over the million-element limit of the guards.
    #[test]
    fn results_far_beyond_the_operands_are_refused() {
        let mut chain = "a0 := [1]".to_owned();
        for i in 1..=50 {
            chain.push_str(&format!("; a{i} := [a{j}, a{j}]", j = i - 1));
        }
        for call in [
            "r := numbers.range(1, 600000); x := array.flatten([r, r])",
            "x := json.match_schema(a50, {})",
            "x := io.jwt.encode_sign({\"alg\": \"HS256\"}, {\"a\": a50}, {\"kty\": \"oct\", \"k\": \"c2VjcmV0\"})",
            "x := net.cidr_contains_matches(numbers.range(1, 2000), numbers.range(1, 2000))",
        ] {
            let err = eval_x(&format!("{chain}; {call}"), false)
                .err()
                .unwrap_or_default();
            assert!(err.contains("over the limit"), "{call}: {err}");
        }
    }
}

#[cfg(test)]
pub(super) mod test_support {
    use regorus::Engine;

    /// Evaluates `query` on an engine with these builtins; the binding `x` as JSON, `None` when
    /// undefined.
    pub fn eval_x(query: &str, strict: bool) -> Result<Option<String>, String> {
        eval_x_with_input(query, &serde_json::Value::Null, strict)
    }

    /// [`eval_x`] with `input`.
    pub fn eval_x_with_input(
        query: &str,
        input: &serde_json::Value,
        strict: bool,
    ) -> Result<Option<String>, String> {
        let mut engine = Engine::new();
        super::register(&mut engine, strict).map_err(|e| e.to_string())?;
        engine.set_input(regorus::Value::from(input.clone()));
        let results = engine
            .eval_query(query.to_owned(), false)
            .map_err(|e| e.to_string())?;
        Ok(results
            .result
            .first()
            .map(|r| r.bindings["x"].clone())
            .filter(|x| *x != regorus::Value::Undefined)
            .map(|x| serde_json::to_string(&x).unwrap_or_default()))
    }
}
