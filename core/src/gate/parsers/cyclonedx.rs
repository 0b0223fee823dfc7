//! conftest's `cyclonedx` parser (v0.71.1, cyclonedx-go v0.12.0): a CycloneDX BOM, JSON or XML.
//!
//! A file that is valid JSON is decoded into cyclonedx-go's `BOM` only to be checked (a type
//! mismatch or an unknown spec version is an error) and conftest's `input` is the JSON itself;
//! any other file is XML, read by `xml.Unmarshal` into the `BOM` and given as the JSON of that
//! struct (`json.Marshal`), so only what the library's types hold survives, under their JSON
//! names, with their quirks (`bomFormat` empty, `specVersion` `"SpecVersion(0)"`). Both need the
//! library's type tree (`cyclonedx/types.rs`) and its custom methods, ported beside it.
//! Errors name a JSON path or an XML line, never a value of the file.

use serde_json::{Map, Value};

mod json_check;
#[rustfmt::skip]
mod types;
mod value;
mod xml_custom;
mod xml_read;

use json_check::Json;

/// Parses `text` as conftest's cyclonedx parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    match serde_json::from_str::<Json>(text) {
        Ok(doc) => {
            json_check::check_bom(&doc)
                .map_err(|e| anyhow::anyhow!("decode CycloneDX BOM: {e}"))?;
            Ok(to_value(doc))
        }
        // serde_json's nesting bound (Go's is 10,000): refused, not read as XML
        Err(e) if e.to_string().contains("recursion limit") => anyhow::bail!(
            "decode CycloneDX BOM: JSON nested deeper than 128 levels (line {})",
            e.line()
        ),
        // not JSON (as Go's `json.Valid` decides): XML
        Err(_) => {
            let bom = xml_read::unmarshal_bom(text)
                .map_err(|e| anyhow::anyhow!("decode CycloneDX BOM: {e}"))?;
            value::marshal(&types::Ty::Struct(&types::BOM), &bom)
                .map_err(|e| anyhow::anyhow!("marshaling JSON error: {e}"))
        }
    }
}

/// The document as Go reads it into `any`: a repeated key's last value, numbers as float64.
fn to_value(doc: Json) -> Value {
    match doc {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Num(Some(i), _) if i.unsigned_abs() <= 1 << 53 => Value::from(i as i64),
        Json::Num(_, f) => Value::from(f),
        Json::Str(s) => Value::String(s),
        Json::Arr(items) => Value::Array(items.into_iter().map(to_value).collect()),
        Json::Obj(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                m.insert(k, to_value(v));
            }
            Value::Object(m)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_is_given_as_written_once_the_bom_decodes() {
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "x-extra": {"kept": [1, 2.5]}, "components": [{"name": "a", "type": "library"}]}"#;
        assert_eq!(
            parse(text).unwrap(),
            json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
                "x-extra": {"kept": [1, 2.5]}, "components": [{"name": "a", "type": "library"}]})
        );
    }

    #[test]
    fn json_refusals_name_the_path_not_the_value() {
        for (text, want) in [
            (r#"{"specVersion": "9.9"}"#, "invalid specification version"),
            (r#"{"specVersion": null}"#, "invalid specification version"),
            (
                r#"{"components": [{"name": "PLANTED-7f3a", "version": 3}]}"#,
                "components[0].version of type string",
            ),
            (r#"{"version": 1.5}"#, "version of type int"),
            (r#"{"VERSION": "PLANTED-7f3a"}"#, "version of type int"),
            (
                r#"{"metadata": {"tools": "PLANTED-7f3a"}}"#,
                "metadata.tools",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
            assert!(!e.contains("PLANTED"), "{e}");
        }
    }

    #[test]
    fn xml_is_the_json_of_the_go_struct() {
        let text = r#"<?xml version="1.0"?>
            <bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1">
              <components><component type="library"><name>a</name><unknown>x</unknown>
                <licenses><license><id>MIT</id></license><expression>MIT</expression></licenses>
              </component></components>
              <dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies>
            </bom>"#;
        assert_eq!(
            parse(text).unwrap(),
            json!({"bomFormat": "", "specVersion": "SpecVersion(0)", "version": 1,
                "components": [{"type": "library", "name": "a",
                    "licenses": [{"license": {"id": "MIT"}}, {"expression": "MIT"}]}],
                "dependencies": [{"ref": "a", "dependsOn": ["b"]}]})
        );
    }

    #[test]
    fn xml_refusals_of_the_library() {
        for (text, want) in [
            ("<other/>", "expected element type <bom>"),
            ("<bom version='x'/>", "ParseInt"),
            (
                "<bom><components><component><licenses><license><id>A</id><name>B</name></license></licenses></component></components></bom>",
                "either id or name, not both",
            ),
            ("<bom><metadata><tools/></metadata></bom>", "ToolsChoice"),
            (
                "<bom><components><component><name>PLANTED-7f3a</name></components></bom>",
                "line 1",
            ),
            ("<bom>", "end of input"),
            ("", "no root element"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
            assert!(!e.contains("PLANTED"), "{e}");
        }
    }

    /// Hostile nesting is refused, not followed down the stack.
    #[test]
    fn deep_nesting_is_an_error() {
        let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&json).unwrap_err().to_string().contains("nested"));
        let xml = format!(
            "<bom>{}{}</bom>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        assert!(parse(&xml).unwrap_err().to_string().contains("nested"));
        let depth = xml_read::MAX_DEPTH - 2;
        let ok = format!("<bom>{}{}</bom>", "<a>".repeat(depth), "</a>".repeat(depth));
        assert!(parse(&ok).is_ok());
    }
}
