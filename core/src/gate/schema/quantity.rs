//! A Kubernetes `resource.Quantity` as the schemas check it, and the one-line message for a value
//! that is not one.
//!
//! The built-in schemas (tools/schemagen) and every CRD controller-gen writes check a quantity
//! string against the same pattern (apimachinery `ParseQuantity`'s grammar), inside an
//! `anyOf`/int-or-string choice with a number. The engine's message for such a value ("… is not
//! valid under any of the schemas listed in the 'anyOf' keyword") says neither what a quantity is
//! nor how to write one; this says both.

use jsonschema::error::ValidationErrorKind;

/// controller-gen's pattern for a `resource.Quantity` field; schemagen writes the same text into
/// the built-in schemas (checked by a test below).
pub(crate) const PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

/// For an `anyOf` error one of whose branches is the quantity pattern: the message to give
/// instead, naming the value (`shown`, already redacted where it must be).
pub(crate) fn message(kind: &ValidationErrorKind, shown: &str) -> Option<String> {
    let ValidationErrorKind::AnyOf { context } = kind else {
        return None;
    };
    let is_quantity = context.iter().flatten().any(
        |e| matches!(e.kind(), ValidationErrorKind::Pattern { pattern } if pattern == PATTERN),
    );
    is_quantity.then(|| {
        format!(
            "{shown} is not a Kubernetes quantity; write a number or a string such as 500m, 0.5, 128Mi or 1Gi"
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::gate::schema::{SchemaOptions, SchemaSet};

    #[test]
    fn the_builtin_schemas_use_this_pattern() {
        let set = SchemaSet::new(SchemaOptions::default()).unwrap();
        let pod = set
            .builtin_schema("v1", "Pod")
            .unwrap()
            .unwrap()
            .to_string();
        assert!(
            pod.contains(&json!(PATTERN).to_string()),
            "no quantity pattern in Pod"
        );
    }

    #[test]
    fn a_value_that_is_no_quantity_gets_one_line_saying_how_to_write_one() {
        let schema = json!({"anyOf": [{"type": "string", "pattern": PATTERN}, {"type": "number"}]});
        let validator = jsonschema::draft4::new(&schema).unwrap();
        for good in [
            json!("500m"),
            json!("1.5Gi"),
            json!("1e3"),
            json!(0.5),
            json!(128),
        ] {
            assert!(validator.is_valid(&good), "{good}");
        }
        for bad in [json!("abc"), json!("1Gb"), json!(true), json!("")] {
            let error = validator.validate(&bad).unwrap_err();
            let message = message(error.kind(), &bad.to_string());
            if bad == json!(true) {
                // No string at all: the engine's own message (types) says it.
                assert_eq!(message, None);
                continue;
            }
            let message = message.unwrap();
            assert!(
                message.starts_with(&format!("{bad} is not a Kubernetes quantity")),
                "{message}"
            );
        }
        let other = jsonschema::draft4::new(
            &json!({"anyOf": [{"type": "string", "pattern": "^a$"}, {"type": "number"}]}),
        )
        .unwrap();
        let b = json!("b");
        let error = other.validate(&b).unwrap_err();
        assert_eq!(message(error.kind(), "\"b\""), None);
    }
}
