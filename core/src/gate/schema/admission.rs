//! A custom resource as the API server validates it: before its CRD's schema judges an object,
//! the server drops `null` fields the schema does not declare nullable and fills in the schema's
//! defaults (apiextensions-apiserver: structural pruning of nulls, then defaulting). Without the
//! same steps, `gitlab:` left empty in an ApplicationSet, or a Gateway address whose `type` is
//! defaulted and then decides a `oneOf`, would be refused here and accepted there.

use serde_json::Value;

/// Prunes undeclared-nullable `null` fields and applies defaults to `instance`, following the
/// raw `openAPIV3Schema` `schema` through `properties`, `additionalProperties` and `items`.
pub(crate) fn prepare(schema: &Value, instance: &mut Value) {
    match instance {
        Value::Object(fields) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            fields.retain(|key, value| {
                let sub = properties.and_then(|p| p.get(key)).or(additional);
                !(value.is_null()
                    && sub.is_some_and(|s| s.get("nullable") != Some(&Value::Bool(true))))
            });
            if let Some(properties) = properties {
                for (key, sub) in properties {
                    if !fields.contains_key(key)
                        && let Some(default) = sub.get("default")
                    {
                        fields.insert(key.clone(), default.clone());
                    }
                }
            }
            for (key, value) in fields.iter_mut() {
                if let Some(sub) = properties.and_then(|p| p.get(key)).or(additional) {
                    prepare(sub, value);
                }
            }
        }
        Value::Array(items) => {
            if let Some(sub) = schema.get("items").filter(|i| i.is_object()) {
                items.iter_mut().for_each(|item| prepare(sub, item));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_are_pruned_unless_nullable_and_defaults_filled() {
        let schema = json!({"type": "object", "properties": {
            "gitlab": {"type": "object"},
            "note": {"type": "string", "nullable": true},
            "addresses": {"type": "array", "items": {"type": "object", "properties": {
                "type": {"type": "string", "default": "IPAddress"},
                "value": {"type": "string"}
            }}}
        }});
        let mut doc = json!({"gitlab": null, "note": null, "addresses": [{"value": "1.2.3.4"}, {"type": "Hostname"}]});
        prepare(&schema, &mut doc);
        assert_eq!(
            doc,
            json!({"note": null, "addresses": [{"type": "IPAddress", "value": "1.2.3.4"}, {"type": "Hostname"}]})
        );
    }
}
