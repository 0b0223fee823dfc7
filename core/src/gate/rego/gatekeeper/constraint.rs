//! Constraints: which template, which parameters, which objects, and their enforcement level.

use regorus::Value as RegoValue;
use serde_json::Value;

use super::super::engine;
use super::super::types::Level;
use super::text;

const CONSTRAINT_GROUP: &str = "constraints.gatekeeper.sh/";

pub(crate) fn is_constraint(v: &Value) -> bool {
    v.get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|a| a.starts_with(CONSTRAINT_GROUP))
}

/// A Constraint: which template, which parameters, which objects, and what a violation means.
#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub kind: String,
    pub name: String,
    pub file: String,
    /// `input.parameters`, converted once for every review.
    pub parameters: RegoValue,
    pub matcher: Option<Value>,
    /// `None`: a scoped constraint with no action for gator's enforcement point (not evaluated).
    pub level: Option<Level>,
    pub action: String,
}

pub(crate) fn read_constraint(file: &str, value: &Value) -> Constraint {
    let action = match text(value, "/spec/enforcementAction") {
        "" => "deny".to_string(),
        a => a.to_string(),
    };
    let level = enforcement_level(value, &action);
    Constraint {
        kind: text(value, "/kind").to_string(),
        name: text(value, "/metadata/name").to_string(),
        file: file.to_string(),
        parameters: value
            .pointer("/spec/parameters")
            .filter(|p| !p.is_null())
            .map_or_else(RegoValue::new_object, engine::from_json),
        matcher: value
            .pointer("/spec/match")
            .filter(|m| !m.is_null())
            .cloned(),
        level,
        action,
    }
}

/// deny → failure, warn → warning, dryrun → reported only. `scoped` takes the actions listed for
/// gator's enforcement point (or `*`), the strictest when several apply; `None` when no scoped
/// action names gator, in which case gator does not evaluate the constraint at all.
fn enforcement_level(value: &Value, action: &str) -> Option<Level> {
    let of = action_level;
    if action != "scoped" {
        return Some(of(action));
    }
    let scoped = value
        .pointer("/spec/scopedEnforcementActions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    scoped
        .iter()
        .filter(|s| {
            s.get("enforcementPoints")
                .and_then(Value::as_array)
                .is_some_and(|points| {
                    points
                        .iter()
                        .any(|p| matches!(text(p, "/name"), "*" | "gator.gatekeeper.sh"))
                })
        })
        .map(|s| of(text(s, "/action")))
        .min()
}

/// gator fails the run only for `deny` (or no action); anything else is reported and passes.
pub(super) fn action_level(action: &str) -> Level {
    match action {
        "deny" | "" => Level::Failure,
        "warn" => Level::Warning,
        _ => Level::DryRun,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scoped_enforcement_takes_the_gator_point() {
        let c = json!({"spec": {"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "warn", "enforcementPoints": [{"name": "gator.gatekeeper.sh"}]},
            {"action": "deny", "enforcementPoints": [{"name": "audit.gatekeeper.sh"}]}]}});
        assert_eq!(read_constraint("f", &c).level, Some(Level::Warning));
        let c = json!({"spec": {"enforcementAction": "scoped", "scopedEnforcementActions": [
            {"action": "warn", "enforcementPoints": [{"name": "validation.gatekeeper.sh"}]}]}});
        assert_eq!(read_constraint("f", &c).level, None);
    }
}
