//! SARIF 2.1.0, the report format code-scanning UIs read: the one envelope (tool, rules,
//! results) that `validate -o sarif` and `drift -o sarif` write.

use serde_json::json;

/// One SARIF log of a single run of `tool`: `rules` as (id, description), `results` as built
/// by the caller (each naming its rule by id and index into `rules`). Pretty, newline-ended.
pub fn log(tool: &str, rules: &[(&str, String)], results: Vec<serde_json::Value>) -> String {
    let mut driver = json!({
        "name": tool,
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules
            .iter()
            .map(|(id, description)| json!({"id": id, "shortDescription": {"text": description}}))
            .collect::<Vec<_>>()
    });
    // SARIF wants a real URI here or nothing at all.
    if !env!("CARGO_PKG_REPOSITORY").is_empty() {
        driver["informationUri"] = json!(env!("CARGO_PKG_REPOSITORY"));
    }
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}]
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The official SARIF 2.1.0 JSON Schema, for the report tests.
#[cfg(test)]
pub struct Schema(jsonschema::Validator);

#[cfg(test)]
impl Schema {
    pub fn official() -> Self {
        let text = include_str!("../tests/fixtures/sarif-schema-2.1.0.json");
        let schema: serde_json::Value = serde_json::from_str(text).unwrap();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .unwrap();
        Self(validator)
    }

    /// Parses `report`, asserts it is valid SARIF 2.1.0 and answers the document.
    pub fn assert_valid(&self, report: &str) -> serde_json::Value {
        let doc: serde_json::Value = serde_json::from_str(report).unwrap();
        let errors: Vec<String> = self
            .0
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        doc
    }

    pub fn is_valid(&self, doc: &serde_json::Value) -> bool {
        self.0.is_valid(doc)
    }
}
