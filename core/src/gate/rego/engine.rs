//! The regorus engine as the gate uses it: OPA-compatible settings, limits, rule discovery, value conversion.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::time::Duration;

use regorus::unstable::{Expr, Parser, Rule, RuleHead};
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value as RegoValue};
use serde_json::Value;

use super::error::{self, RegoError};
use super::module_set::ModuleSet;

/// Which Rego dialect user policies are written in (`--rego-version`, v1 by default like conftest ≥ 0.60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegoVersion {
    V0,
    #[default]
    V1,
}

/// OPA builtins that regorus leaves out because OPA deprecated them, yet Gatekeeper templates
/// (Rego v0) still call: `re_match`, `any`, `all`. Wrong arguments (and a bad pattern) make them
/// undefined, as OPA's builtin errors are by default; an extension's error would stop regorus.
/// Under `strict` (OPA's `--strict-builtin-errors`) a bad pattern is an error, as in OPA.
fn add_deprecated_builtins(engine: &mut Engine, strict: bool) -> Result<(), RegoError> {
    let err = |e: anyhow::Error| RegoError::Compile {
        file: "deprecated builtins".to_string(),
        message: e.to_string(),
    };
    let text = |args: &[RegoValue], i: usize| -> Option<String> {
        args.get(i)
            .and_then(|v| v.as_string().ok())
            .map(|s| s.to_string())
    };
    engine
        .add_extension(
            "re_match".to_string(),
            2,
            Box::new(move |args: Vec<RegoValue>| {
                if let (true, Some(Err(e))) =
                    (strict, text(&args, 0).map(|p| regex::Regex::new(&p)))
                {
                    anyhow::bail!("re_match: {e}");
                }
                let matched = text(&args, 0)
                    .zip(text(&args, 1))
                    .and_then(|(p, v)| Some(regex::Regex::new(&p).ok()?.is_match(&v)));
                Ok(matched.map_or(RegoValue::Undefined, RegoValue::from))
            }),
        )
        .map_err(err)?;
    let items = |v: Option<&RegoValue>| -> Option<Vec<RegoValue>> {
        match v {
            Some(RegoValue::Array(a)) => Some(a.iter().cloned().collect()),
            Some(RegoValue::Set(s)) => Some(s.iter().cloned().collect()),
            _ => None,
        }
    };
    engine
        .add_extension(
            "any".to_string(),
            1,
            Box::new(move |args: Vec<RegoValue>| {
                Ok(items(args.first()).map_or(RegoValue::Undefined, |items| {
                    RegoValue::from(items.iter().any(|v| *v == RegoValue::from(true)))
                }))
            }),
        )
        .map_err(err)?;
    engine
        .add_extension(
            "all".to_string(),
            1,
            Box::new(move |args: Vec<RegoValue>| {
                Ok(items(args.first()).map_or(RegoValue::Undefined, |items| {
                    RegoValue::from(items.iter().all(|v| *v == RegoValue::from(true)))
                }))
            }),
        )
        .map_err(err)?;
    Ok(())
}

/// `strings.count` as OPA v1.22.3 (Go's `strings.Count`) counts: matches that do not overlap, and
/// for an empty substring the number of characters plus one. regorus 0.14 counts overlapping
/// matches and panics on an empty substring.
fn add_strings_count(engine: &mut Engine) -> Result<(), RegoError> {
    engine
        .add_extension(
            "strings.count".to_string(),
            2,
            Box::new(|args: Vec<RegoValue>| {
                let text = |i: usize| args.get(i).and_then(|v| v.as_string().ok()).cloned();
                Ok(match (text(0), text(1)) {
                    (Some(s), Some(sub)) if sub.is_empty() => {
                        RegoValue::from(s.chars().count() as u64 + 1)
                    }
                    (Some(s), Some(sub)) => RegoValue::from(s.matches(&*sub).count() as u64),
                    _ => RegoValue::Undefined,
                })
            }),
        )
        .map_err(|e| RegoError::Compile {
            file: "strings.count".to_string(),
            message: e.to_string(),
        })
}

/// The builtins sealgate adds as extensions (name, arity): the deprecated ones and
/// `strings.count` above, and `opa_builtins`.
pub(crate) fn own_builtins() -> Vec<(&'static str, u8)> {
    let mut builtins = vec![
        ("re_match", 2),
        ("any", 1),
        ("all", 1),
        ("strings.count", 2),
    ];
    builtins.extend(super::opa_builtins::arities());
    builtins
}

/// A fresh engine with OPA's behaviour where regorus differs by default.
pub(crate) fn new_engine(timeout: Duration) -> Result<Engine, RegoError> {
    new_engine_with(timeout, false)
}

/// [`new_engine`], with OPA's `--strict-builtin-errors` on or off (off everywhere but in OPA's
/// compliance cases that ask for it).
pub(crate) fn new_engine_with(timeout: Duration, strict: bool) -> Result<Engine, RegoError> {
    let mut engine = Engine::new();
    add_deprecated_builtins(&mut engine, strict)?;
    super::guards::register(&mut engine, strict)?;
    add_strings_count(&mut engine)?;
    super::opa_builtins::register(&mut engine, strict)?;
    super::opa_results::register(&mut engine, strict)?;
    super::template_strings::register(&mut engine).map_err(|e| RegoError::Compile {
        file: "template strings".to_string(),
        message: e.to_string(),
    })?;
    super::undefined::register(&mut engine, strict).map_err(|e| RegoError::Compile {
        file: super::undefined::COLLECTION.to_string(),
        message: e.to_string(),
    })?;
    super::set_membership::register(&mut engine).map_err(|e| RegoError::Compile {
        file: super::set_membership::MEMBER_KV.to_string(),
        message: e.to_string(),
    })?;
    // OPA turns builtin errors (e.g. `to_number("x")`) into undefined; regorus raises them by default.
    engine.set_strict_builtin_errors(strict);
    // `print` output must not interleave with reports on stdout/stderr (and the calls are erased
    // at load, see `print`; a query or case could still print).
    engine.set_gather_prints(true);
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit: timeout,
        check_interval: NonZeroU32::MIN.saturating_add(63),
    });
    engine.set_policy_length_config(super::parse::limits());
    Ok(engine)
}

/// [`add_module`] within `limit`: regorus's parser cannot be interrupted and its time is not
/// bounded by the execution timer, so the parse runs on a helper thread and is given up after
/// `limit` (`--policy-timeout`), which then is one error. The abandoned thread ends with the
/// process (the CLI exits after the error); `engine` is then left empty.
pub(crate) fn add_policy_within(
    engine: &mut Engine,
    path: &str,
    text: &str,
    v0: bool,
    modules: &ModuleSet,
    limit: Duration,
) -> Result<String, RegoError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut owned = std::mem::replace(engine, Engine::new());
    let (owned_path, owned_text) = (path.to_owned(), text.to_owned());
    let modules = modules.clone();
    std::thread::Builder::new()
        .name("rego-parse".to_owned())
        // the main thread's stack size: the parser recurses per nesting level
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let result = add_module(&mut owned, &owned_path, &owned_text, v0, &modules);
            let _ = tx.send((owned, result));
        })
        .map_err(|e| RegoError::Compile {
            file: path.to_owned(),
            message: format!("cannot start the parser thread: {e}"),
        })?;
    match rx.recv_timeout(limit) {
        Ok((parsed, result)) => {
            *engine = parsed;
            result
        }
        Err(_) => Err(RegoError::ParseTimeout {
            file: path.to_owned(),
            limit_ms: limit.as_millis(),
        }),
    }
}

/// [`add_module`] for a module loaded alone (the rewrites' unit tests).
#[cfg(test)]
pub(crate) fn add_policy(
    engine: &mut Engine,
    path: &str,
    text: &str,
    v0: bool,
) -> Result<String, RegoError> {
    add_module(engine, path, text, v0, &ModuleSet::default())
}

/// Loads one module through every load-time rewrite, then regorus's parser. `modules` is what
/// the rewrites need to know of all modules loaded together ([`ModuleSet::of`]): OPA reads a
/// package across files.
pub(crate) fn add_module(
    engine: &mut Engine,
    path: &str,
    text: &str,
    v0: bool,
    modules: &ModuleSet,
) -> Result<String, RegoError> {
    if let Some(line) = super::parse::overlong_line(text) {
        let length = text.split('\n').nth(line - 1).map_or(0, str::len);
        return Err(RegoError::Compile {
            file: path.to_owned(),
            message: format!(
                "line {line} is {length} bytes long, over the {} regorus can parse: break it up (a long string can be joined with concat)",
                super::parse::MAX_COLUMNS - 1
            ),
        });
    }
    if let Some(line) = super::chains::overlong_chain(path, text) {
        return Err(RegoError::Compile {
            file: path.to_owned(),
            message: format!(
                "line {line}: more than {} operators or reference segments in one expression, more than sealgate reads (regorus's parse of it would overflow the stack): split it into smaller expressions",
                super::chains::MAX_CHAIN
            ),
        });
    }
    engine.set_rego_v0(v0);
    let text = readable_terms(path, text, super::template_strings::rewrite);
    if let Some(loaded) = super::keyword_refs::add_policy(engine, path, &text, v0, modules) {
        return loaded;
    }
    let text = readable_operators(path, &text, v0);
    let text = text.as_str();
    let unprinted = super::print::rewrite(path, text, modules.prints);
    let text = unprinted.as_deref().unwrap_or(text);
    let annotated = super::metadata::rewrite(path, text, v0, &modules.annotations);
    let text = annotated.as_deref().unwrap_or(text);
    let split = if v0 {
        super::chained::split(path, text)
    } else {
        None
    };
    let text = split.as_deref().unwrap_or(text);
    let text = super::shadowing::rewrite(path, text, v0).unwrap_or_else(|| text.to_string());
    let text = super::undefined::rewrite(path, &text, v0).unwrap_or(text);
    let text = super::output_args::rewrite(path, &text, &own_builtins()).unwrap_or(text);
    let text = super::with_builtins::rewrite(path, &text, &own_builtins()).unwrap_or(text);
    let text = super::walk_calls::rewrite(path, &text).unwrap_or(text);
    let text = super::set_membership::rewrite(path, &text, v0).unwrap_or(text);
    let text = super::ref_heads::rewrite(path, &text, v0, &modules.general_refs).unwrap_or(text);
    let text = super::negated_unification::rewrite(path, &text, v0).unwrap_or(text);
    // A rewrite can lengthen a line; regorus's error formatting panics past 65,535 columns.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.add_policy(path.to_string(), text)
    }))
    .map_err(|_| RegoError::Compile {
        file: path.to_owned(),
        message: "regorus could not report a syntax error (past column 65,535 of a line)"
            .to_owned(),
    })?
    .map_err(|e| error::from_load_error(path, &e))
}

/// The first of the rewrites that make OPA syntax regorus cannot parse readable, in
/// [`add_module`]'s order: template strings (by `templates`, [`super::template_strings::rewrite`]
/// or its marked form), then `.5` and unary minus on a reference, which come before any rewrite
/// that reads regorus's parse (`.5` does not parse, `-x + 1` parses wrong). Keywords as
/// references ([`super::keyword_refs::split`]) come next, then [`readable_operators`]. The
/// capabilities check reads the same text ([`super::capabilities`]), so the two cannot drift.
pub(crate) fn readable_terms(
    path: &str,
    text: &str,
    templates: fn(&str) -> Option<String>,
) -> String {
    let templated = templates(text);
    let text = templated.as_deref().unwrap_or(text);
    let pointed = super::point_numbers::rewrite(text);
    let text = pointed.as_deref().unwrap_or(text);
    let negated = super::unary_minus::rewrite(path, text);
    negated.unwrap_or_else(|| text.to_owned())
}

/// The last of the rewrites that make OPA syntax readable to regorus ([`readable_terms`]): the
/// logic operators, and `import rego.v2` in a Rego v0 module.
pub(crate) fn readable_operators(path: &str, text: &str, v0: bool) -> String {
    let text = super::logic_operators::rewrite(path, text, v0).unwrap_or_else(|| text.to_owned());
    match v0
        .then(|| super::logic_operators::rego_v2_in_v0(&text))
        .flatten()
    {
        Some(as_v1) => as_v1,
        None => text,
    }
}

/// Rules declared per package (`main`, `lib.kubernetes`, …): name → number of definitions, in source order.
#[derive(Debug, Default, Clone)]
pub(crate) struct PackageRules {
    pub rules: Vec<(String, usize)>,
    /// Files that declare this package (coverage and messages).
    pub files: Vec<String>,
}

/// Walks the parsed modules (regorus' AST is `unstable`, hence kept to this one function).
pub(crate) fn declared_rules(
    engine: &mut Engine,
) -> Result<BTreeMap<String, PackageRules>, RegoError> {
    let mut out: BTreeMap<String, PackageRules> = BTreeMap::new();
    for module in engine.get_modules().iter() {
        let file = module.package.span.source.get_path().to_string();
        let package = Parser::get_path_ref_components(&module.package.refr)
            .map_err(|e| RegoError::Compile {
                file: file.clone(),
                message: e.to_string(),
            })?
            .iter()
            .map(|s| s.text().to_string())
            .collect::<Vec<_>>();
        let entry = out.entry(package_path(&package)).or_default();
        if !entry.files.contains(&file) {
            entry.files.push(file.clone());
        }
        for rule in &module.policy {
            let refr = match rule.as_ref() {
                Rule::Spec { head, .. } => match head {
                    RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => refr,
                    RuleHead::Func { .. } => continue,
                },
                Rule::Default { refr, args, .. } => {
                    if !args.is_empty() {
                        continue;
                    }
                    refr
                }
            };
            let Ok(components) = Parser::get_path_ref_components(refr) else {
                continue;
            };
            let Some(name) = components.first().map(|s| s.text().to_string()) else {
                continue;
            };
            match entry.rules.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => entry.rules.push((name, 1)),
            }
        }
    }
    Ok(out)
}

/// Rules written `name[key] if { … }` with no value: (file, line, name). In Rego v1 such a rule
/// defines an object whose values are `true`, not a set; conftest (v0.71.1) refuses it for its
/// `deny`/`warn`/`violation` rules rather than never report their messages.
pub(crate) fn keyed_rules_without_value(engine: &mut Engine) -> Vec<(String, u32, String)> {
    let mut out = Vec::new();
    for module in engine.get_modules().iter() {
        for rule in &module.policy {
            let Rule::Spec {
                head: RuleHead::Compr {
                    refr, assign: None, ..
                },
                ..
            } = rule.as_ref()
            else {
                continue;
            };
            let Expr::RefBrack { refr: base, .. } = refr.as_ref() else {
                continue;
            };
            if let Expr::Var { span, .. } = base.as_ref() {
                out.push((
                    span.source.get_path().to_string(),
                    span.line,
                    span.text().to_string(),
                ));
            }
        }
    }
    out
}

/// A package's path as OPA writes it (and as a query takes it): identifier segments joined by `.`,
/// others quoted in brackets, so `package policy["pr-check"]` is `policy["pr-check"]` (joined by
/// `.` it would name no rule: OPA v1.22.3's `opa test` runs these, from OPA's own build policies).
fn package_path(segments: &[String]) -> String {
    let mut path = String::new();
    for s in segments {
        let ident = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(s);
        } else {
            path.push('[');
            path.push_str(&serde_json::Value::String(s.clone()).to_string());
            path.push(']');
        }
    }
    path
}

/// Evaluates one rule path; `Ok(None)` when the rule is undefined for this input.
pub(crate) fn eval(
    engine: &mut Engine,
    query: &str,
    subject: &str,
    timeout: Duration,
) -> Result<Option<RegoValue>, RegoError> {
    let value = engine
        .eval_rule(query.to_string())
        .map_err(|e| error::from_eval_error(query, subject, timeout, &e))?;
    // Prints are gathered only so they stay off the terminal; drop them per evaluation.
    let _ = engine.take_prints();
    Ok(match value {
        RegoValue::Undefined => None,
        v => Some(v),
    })
}

pub(crate) fn to_json(value: &RegoValue) -> Value {
    // a result that would not fit is named, not built (see `value_size`)
    let m = super::value_size::measure(value);
    if m.bytes > super::guards::MAX_STRING_BYTES || m.height > super::guards::MAX_HEIGHT {
        return Value::String(format!(
            "(a result of {:.0} bytes nested {} deep, over sealgate's limit of {:.0} bytes or {} levels: not shown)",
            m.bytes,
            m.height,
            super::guards::MAX_STRING_BYTES,
            super::guards::MAX_HEIGHT
        ));
    }
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Reads the JSON tree in place (serde_json's `Deserializer for &Value`): no deep copy of the
/// document first, which `RegoValue::from(value.clone())` made for every input.
pub(crate) fn from_json(value: &Value) -> RegoValue {
    use serde::Deserialize;
    RegoValue::deserialize(value).unwrap_or(RegoValue::Undefined)
}

/// The first value of `query` over `modules` loaded together as `validate` loads them (each
/// rewrite's unit tests), as compact JSON; `undefined`, or `error: …` for a load or evaluation
/// error.
#[cfg(test)]
pub(crate) fn query_json(modules: &[&str], v0: bool, query: &str) -> String {
    let mut engine = match new_engine(Duration::from_secs(5)) {
        Ok(e) => e,
        Err(e) => return format!("error: {e}"),
    };
    let names: Vec<String> = (0..modules.len()).map(|i| format!("m{i}.rego")).collect();
    let module_set = ModuleSet::of(names.iter().zip(modules).map(|(n, m)| (n.as_str(), *m, v0)));
    for (name, m) in names.iter().zip(modules) {
        if let Err(e) = add_module(&mut engine, name, m, v0, &module_set) {
            return format!("error: {e}");
        }
    }
    match engine.eval_query(query.to_string(), false) {
        Ok(r) => r
            .result
            .first()
            .and_then(|r| r.expressions.first())
            .map(|e| serde_json::to_string(&e.value).unwrap_or_default())
            .unwrap_or_else(|| "undefined".to_string()),
        Err(e) => format!("error: {e}"),
    }
}
