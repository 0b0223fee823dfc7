//! The declared types of OPA's builtins, as `opa capabilities --current` (v1.22.3) lists them:
//! `signatures.json`, the capabilities file's `decl`s without their descriptions, written and
//! checked against the real `opa` by `core/tests/peer_opa_signatures.rs`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::types::Type;

/// Builtin name → its `decl` (`{"args": […], "result": …, "type": "function"}`).
const JSON: &str = include_str!("signatures.json");

/// What one builtin takes and gives.
#[derive(Debug)]
pub(super) struct Signature {
    /// Each argument's name (when OPA names it) and type.
    pub(super) args: Vec<(Option<String>, Type)>,
    pub(super) result: Option<(Option<String>, Type)>,
    /// Only `print` takes any number of arguments.
    pub(super) variadic: bool,
}

/// The signature of OPA's builtin `name` (`plus` for `+`, `internal.member_2` for `in`).
pub(super) fn of(name: &str) -> Option<&'static Signature> {
    static ALL: OnceLock<HashMap<String, Signature>> = OnceLock::new();
    ALL.get_or_init(|| {
        // read by `signatures_are_read` below; were it not, no call would be checked
        let decls: serde_json::Map<String, Value> = serde_json::from_str(JSON).unwrap_or_default();
        decls
            .into_iter()
            .map(|(name, decl)| (name, Signature::of(&decl)))
            .collect()
    })
    .get(name)
}

impl Signature {
    fn of(decl: &Value) -> Self {
        let named = |t: &Value| {
            (
                t.get("name").and_then(Value::as_str).map(str::to_owned),
                Type::from_decl(t),
            )
        };
        Signature {
            args: decl
                .get("args")
                .and_then(Value::as_array)
                .map(|args| args.iter().map(named).collect())
                .unwrap_or_default(),
            result: decl.get("result").filter(|r| !r.is_null()).map(named),
            variadic: decl.get("variadic").is_some_and(|v| !v.is_null()),
        }
    }

    /// The arguments and the result (OPA's last, output argument) as OPA writes them in a
    /// type error's `want`: `(x: string, y: string)`.
    pub(super) fn want(&self) -> String {
        let written: Vec<String> = self
            .args
            .iter()
            .chain(&self.result)
            .map(|(name, t)| match name {
                Some(name) => format!("{name}: {t}"),
                None => t.to_string(),
            })
            .collect();
        format!("({})", written.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_read() {
        let upper = of("upper").unwrap();
        assert_eq!(upper.args, vec![(Some("x".to_owned()), Type::String)]);
        assert_eq!(upper.want(), "(x: string, y: string)");
        assert!(of("print").unwrap().variadic);
        assert_eq!(
            of("minus").unwrap().want(),
            "(x: any<number, set[any]>, y: any<number, set[any]>, z: any<number, set[any]>)"
        );
        assert!(of("plus").is_some() && of("internal.member_2").is_some());
    }
}
