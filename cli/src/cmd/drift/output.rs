//! The drift report as text (one line per SealedSecret), JSON (an array of rows) or SARIF 2.1.0
//! (one result per row that is not in sync). Rows hold names and reasons, never values.

use serde_json::json;

use super::state::{Row, State};
use crate::cli::DriftFormat;

pub fn render(rows: &[Row], format: DriftFormat) -> String {
    match format {
        DriftFormat::Text => text(rows),
        DriftFormat::Json => {
            let mut out = serde_json::to_string_pretty(rows).unwrap_or_default();
            out.push('\n');
            out
        }
        DriftFormat::Sarif => sarif(rows),
    }
}

fn text(rows: &[Row]) -> String {
    let mut out = String::new();
    for row in rows {
        out.push_str(&format!(
            "{:<10}  {}/{}",
            row.state.as_str(),
            row.namespace,
            row.name
        ));
        if !row.items.is_empty() {
            out.push_str(&format!("  items: {}", row.items.join(", ")));
        }
        if !row.reason.is_empty() {
            out.push_str(&format!("  ({})", row.reason));
        }
        if let Some(file) = &row.file {
            out.push_str(&format!("  [{file}]"));
        }
        out.push('\n');
    }
    let drifted = rows.iter().filter(|r| r.state != State::InSync).count();
    out.push_str(&format!(
        "{} SealedSecret(s), {} in sync, {drifted} drifted\n",
        rows.len(),
        rows.len() - drifted
    ));
    out
}

fn description(state: State) -> &'static str {
    match state {
        State::InSync => "The cluster runs what the file declares",
        State::Missing => "Declared in a file, absent from the cluster",
        State::Differs => {
            "The live SealedSecret's ciphertext, template or scope differs from the file"
        }
        State::NotSynced => "The controller has not (successfully) unsealed the current generation",
        State::Tampered => "The Secret was changed after the controller wrote it",
        State::Orphaned => "In the cluster (within --prune-scope), declared by no file",
    }
}

/// `file:line` into SARIF's artifact URI and start line.
fn location(row: &Row) -> serde_json::Value {
    match &row.file {
        Some(place) => {
            let (file, line) = place
                .rsplit_once(':')
                .and_then(|(f, l)| l.parse::<u64>().ok().map(|l| (f, l)))
                .unwrap_or((place.as_str(), 1));
            json!({"physicalLocation": {
                "artifactLocation": {"uri": file.trim_start_matches("./")},
                "region": {"startLine": line.max(1)}
            }})
        }
        None => json!({"logicalLocations": [{
            "fullyQualifiedName": format!("{}/{}", row.namespace, row.name),
            "kind": "resource"
        }]}),
    }
}

fn sarif(rows: &[Row]) -> String {
    let mut rules: Vec<State> = rows
        .iter()
        .map(|r| r.state)
        .filter(|s| *s != State::InSync)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<serde_json::Value> = rows
        .iter()
        .filter(|r| r.state != State::InSync)
        .map(|row| {
            let mut message = format!(
                "SealedSecret {}/{} is {}",
                row.namespace,
                row.name,
                row.state.as_str()
            );
            if !row.items.is_empty() {
                message.push_str(&format!(" (items: {})", row.items.join(", ")));
            }
            if !row.reason.is_empty() {
                message.push_str(&format!(": {}", row.reason));
            }
            json!({
                "ruleId": row.state.as_str(),
                "ruleIndex": rules.iter().position(|s| *s == row.state).unwrap_or(0),
                "level": "error",
                "message": {"text": message},
                "locations": [location(row)]
            })
        })
        .collect();
    let rules: Vec<(&str, String)> = rules
        .iter()
        .map(|s| (s.as_str(), description(*s).to_owned()))
        .collect();
    crate::sarif::log("sealgate drift", &rules, results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        let row = |state, file: Option<&str>| Row {
            kind: "SealedSecret",
            namespace: "n".to_owned(),
            name: state_name(state),
            state,
            items: vec!["a".to_owned()],
            reason: "why".to_owned(),
            file: file.map(str::to_owned),
        };
        vec![
            row(State::InSync, Some("dir/ok.yaml:1")),
            row(State::Tampered, Some("dir/t.yaml:4")),
            row(State::Orphaned, None),
        ]
    }

    fn state_name(state: State) -> String {
        state.as_str().to_owned()
    }

    #[test]
    fn sarif_is_valid_against_the_official_schema() {
        let schema = crate::sarif::Schema::official();
        let doc = schema.assert_valid(&sarif(&rows()));
        let results = doc["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "in-sync rows are no results");
        assert_eq!(results[0]["ruleId"], "tampered");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            4
        );
        let mut broken = doc.clone();
        broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
        assert!(!schema.is_valid(&broken), "the check above can fail");
    }

    #[test]
    fn json_rows_carry_the_documented_fields() {
        let doc: serde_json::Value =
            serde_json::from_str(&render(&rows(), DriftFormat::Json)).unwrap();
        for field in ["kind", "namespace", "name", "state", "items", "reason"] {
            assert!(doc[1].get(field).is_some(), "{field}: {doc}");
        }
        assert_eq!(doc[1]["state"], "tampered");
        assert_eq!(doc[2]["state"], "orphaned");
        let text = render(&rows(), DriftFormat::Text);
        assert!(
            text.contains("tampered    n/tampered  items: a  (why)  [dir/t.yaml:4]"),
            "{text}"
        );
        assert!(
            text.ends_with("3 SealedSecret(s), 1 in sync, 2 drifted\n"),
            "{text}"
        );
    }
}
