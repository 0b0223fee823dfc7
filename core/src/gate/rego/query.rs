//! One ad-hoc query through the gate's engine setup (options, extensions, load-time rewrites):
//! what OPA's compliance cases (`v1/test/cases/testdata`) run against.

use std::time::Duration;

use regorus::Value as RegoValue;
use serde_json::Value;

use super::engine;
use super::error::{self, RegoError};
use super::module_set::ModuleSet;

/// A query with its modules, `data` and `input`, as one OPA compliance case states them.
#[derive(Debug, Clone, Default)]
pub struct AdHocQuery {
    pub modules: Vec<String>,
    pub data: Option<Value>,
    pub input: Option<Value>,
    /// Rego to evaluate for the input instead of `input` (the cases' `input_term`).
    pub input_term: Option<String>,
    pub query: String,
    /// Rego v0 syntax (the cases under `v0/`).
    pub v0: bool,
    /// OPA's `strict-builtin-errors` (a case's `strict_error`); off in `validate`.
    pub strict_builtin_errors: bool,
    pub timeout: Duration,
}

/// Every result of the query: per result its bindings, or the value of its last expression
/// when it binds nothing (what OPA's compliance runner compares with `want_result`).
pub fn eval_query(q: &AdHocQuery) -> Result<Vec<Value>, RegoError> {
    let mut e = engine::new_engine_with(q.timeout, q.strict_builtin_errors)?;
    let err = |file: &str| {
        let file = file.to_string();
        move |e: anyhow::Error| error::from_load_error(&file, &e)
    };
    if let Some(data) = &q.data {
        e.add_data(engine::from_json(data)).map_err(err("data"))?;
    }
    if let Some(input) = &q.input {
        e.set_input(engine::from_json(input));
    }
    if let Some(term) = &q.input_term {
        let results = e
            .eval_query(term.clone(), false)
            .map_err(err("input_term"))?;
        let value = results
            .result
            .last()
            .and_then(|r| r.expressions.last())
            .map(|x| x.value.clone())
            .unwrap_or(RegoValue::Undefined);
        e.set_input(value);
    }
    e.set_rego_v0(q.v0);
    let names: Vec<String> = (0..q.modules.len())
        .map(|i| format!("module{i}.rego"))
        .collect();
    let module_set = ModuleSet::of(
        names
            .iter()
            .zip(&q.modules)
            .map(|(name, module)| (name.as_str(), module.as_str(), q.v0)),
    );
    for (name, module) in names.iter().zip(&q.modules) {
        engine::add_module(&mut e, name, module, q.v0, &module_set)?;
    }
    // Template strings and output arguments in the query itself, as in its modules (`add_module`).
    let query = super::template_strings::rewrite(&q.query).unwrap_or_else(|| q.query.clone());
    let query =
        super::output_args::rewrite("query", &query, &engine::own_builtins()).unwrap_or(query);
    let results = e
        .eval_query(query, false)
        .map_err(|x| error::from_eval_error(&q.query, "the case", q.timeout, &x))?;
    Ok(results
        .result
        .iter()
        .map(|r| {
            let bound = r.bindings.as_object().is_ok_and(|b| !b.is_empty());
            if bound {
                engine::to_json(&r.bindings)
            } else {
                r.expressions
                    .last()
                    .map_or(Value::Null, |x| engine::to_json(&x.value))
            }
        })
        .collect())
}
