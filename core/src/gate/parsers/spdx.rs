//! conftest's `spdx` parser (v0.71.1): an SPDX tag-value document, read by spdx/tools-golang
//! v0.5.7's `tagvalue.Read` into its SPDX 2.3 model and given as the JSON of that model.
//!
//! A port of tools-golang's reader: `tagvalue/reader` (lines of `Tag: value`, `<text>…</text>`
//! values across lines, `#` comments), the version's parser (`spdx/v2/v2_{1,2,3}/tagvalue/reader`:
//! a state machine over the sections, which keeps only what the model holds: snippets, reviews and
//! annotation targets are read and checked but dropped), the conversion of a 2.1 or 2.2 document
//! to the 2.3 model (go-struct-converter: the version becomes `SPDX-2.3`, a package's
//! verification code is always present, an entry that is all zero becomes `null`), and the
//! model's JSON (`spdx/json.rs`). spdx-rs (0.5.5) was considered: its model and JSON follow the
//! SPDX JSON schema rather than tools-golang's model (which always writes `filesAnalyzed`, drops
//! snippets and reviews, and converts 2.1 and 2.2 documents), and its tag-value reader is its own,
//! not tools-golang's state machine.
//!
//! Errors name the line and the tag, never a value (conftest's own message prints the whole
//! input, as bytes; sealgate does not).

use serde_json::Value;

mod json;
mod model;
mod sections;
mod values;

use sections::Parser;

/// `bufio.Scanner`'s longest line (its 64 KiB token buffer, the newline included).
const MAX_LINE: usize = 64 * 1024 - 1;

/// Parses `text` as conftest's spdx parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let pairs = read_tag_values(text)?;
    if pairs.is_empty() {
        anyhow::bail!("spdx: no tag values found");
    }
    let version = pairs
        .iter()
        .find(|p| p.tag == "SPDXVersion")
        .map(|p| p.value.as_str())
        .unwrap_or_default();
    let version = match version {
        "SPDX-2.1" => Version::V2_1,
        "SPDX-2.2" => Version::V2_2,
        "SPDX-2.3" => Version::V2_3,
        _ => anyhow::bail!("spdx: unsupported SPDX version (2.1, 2.2 and 2.3 are read)"),
    };
    let mut parser = Parser::new(version);
    for pair in &pairs {
        parser
            .pair(&pair.tag, &pair.value)
            .map_err(|e| anyhow::anyhow!("spdx: line {}: {e}", pair.line))?;
    }
    parser.finish().map_err(|e| anyhow::anyhow!("spdx: {e}"))?;
    if version != Version::V2_3 {
        parser.convert_to_2_3();
    }
    json::document(&parser).map_err(|e| anyhow::anyhow!("spdx: marshal spdx to json: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Version {
    V2_1,
    V2_2,
    V2_3,
}

struct Pair {
    tag: String,
    value: String,
    line: usize,
}

/// `reader.ReadTagValues`: tag-value pairs of the lines (Go's `bufio.Scanner` lines: split at
/// `\n`, one `\r` before it dropped).
fn read_tag_values(text: &str) -> anyhow::Result<Vec<Pair>> {
    let mut pairs = Vec::new();
    // a `<text>` value being read: its tag, value so far and first line
    let mut midtext: Option<(String, String, usize)> = None;
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(pairs);
    }
    for (i, raw) in body.split('\n').enumerate() {
        let number = i + 1;
        if raw.len() > MAX_LINE {
            anyhow::bail!(
                "spdx: line {number}: longer than 64 KiB (bufio.Scanner: token too long)"
            );
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((tag, mut value, start)) = midtext.take() {
            match line.split_once("</text>") {
                None => {
                    value.push_str(line);
                    value.push('\n');
                    midtext = Some((tag, value, start));
                }
                Some((before, _)) => {
                    value.push_str(before);
                    pairs.push(Pair {
                        tag,
                        value,
                        line: start,
                    });
                }
            }
            continue;
        }
        let trimmed = line.trim_start_matches(char::is_whitespace);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, rest)) = trimmed.split_once(':') else {
            anyhow::bail!("spdx: line {number}: no colon found");
        };
        let tag = tag.trim_matches(char::is_whitespace).to_string();
        let value = match rest.split_once("<text>") {
            None => rest.trim_matches(char::is_whitespace).to_string(),
            Some((_, text)) => match text.split_once("</text>") {
                Some((inside, _)) => inside.to_string(),
                None => {
                    midtext = Some((tag, format!("{text}\n"), number));
                    continue;
                }
            },
        };
        pairs.push(Pair {
            tag,
            value,
            line: number,
        });
    }
    if let Some((_, _, start)) = midtext {
        anyhow::bail!("spdx: line {start}: a <text> value is not closed");
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const HEAD: &str = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t\nCreated: 2024-01-01T00:00:00Z\n";

    #[test]
    fn a_document_as_the_json_of_the_2_3_model() {
        let text = format!(
            "{HEAD}PackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\n\
             ExternalRef: PACKAGE_MANAGER purl pkg:npm/p\nPackageCopyrightText: <text>(c)\nme</text>\n\
             FileName: ./a.c\nSPDXID: SPDXRef-a\n\
             Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p\n"
        );
        assert_eq!(
            parse(&text).unwrap(),
            json!({
                "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
                "name": "doc", "documentNamespace": "https://example.com/doc",
                "creationInfo": {"creators": ["Tool: t"], "created": "2024-01-01T00:00:00Z"},
                "packages": [{
                    "name": "p", "SPDXID": "SPDXRef-p", "downloadLocation": "NOASSERTION",
                    "filesAnalyzed": true, "copyrightText": "(c)\nme",
                    "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl", "referenceLocator": "pkg:npm/p"}],
                    "files": [{"fileName": "./a.c", "SPDXID": "SPDXRef-a", "checksums": null,
                        "copyrightText": ""}],
                }],
                "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT",
                    "relatedSpdxElement": "SPDXRef-p", "relationshipType": "DESCRIBES"}],
            })
        );
    }

    /// A 2.2 document is converted: the version says 2.3, every package has a verification code.
    #[test]
    fn older_versions_are_converted_to_2_3() {
        let text = HEAD.replace("SPDX-2.3", "SPDX-2.2") + "PackageName: p\nSPDXID: SPDXRef-p\n";
        let doc = parse(&text).unwrap();
        assert_eq!(doc["spdxVersion"], "SPDX-2.3");
        assert_eq!(
            doc["packages"][0]["packageVerificationCode"],
            json!({"packageVerificationCodeValue": ""})
        );
        let late = HEAD.replace("SPDX-2.3", "SPDX-2.2") + "PrimaryPackagePurpose: LIBRARY\n";
        assert!(parse(&late).is_err());
    }

    /// Refusals name the line and the tag, never a value (conftest prints the whole input).
    #[test]
    fn refusals_never_echo_a_value() {
        for (text, want) in [
            (format!("{HEAD}PLANTED-7f3a\n"), "line 8: no colon"),
            (
                format!("{HEAD}Creator: PLANTED-7f3a: x\n"),
                "line 8: unrecognized Creator",
            ),
            (format!("{HEAD}SPDXID: PLANTED-7f3a\n"), "line 8"),
            (
                format!("{HEAD}PackageName: PLANTED-7f3a\n"),
                "SPDX identifier",
            ),
            (format!("{HEAD}Annotator: Person:\n"), "marshal"),
            (
                format!("{HEAD}LicenseComment: <text>PLANTED-7f3a\n"),
                "line 8: a <text>",
            ),
            (
                "SPDXVersion: PLANTED-7f3a\n".to_string(),
                "unsupported SPDX version",
            ),
            (String::new(), "no tag values"),
        ] {
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
            assert!(!e.contains("PLANTED"), "{e}");
        }
    }

    #[test]
    fn a_line_past_the_scanner_buffer_is_refused() {
        let ok = format!("{HEAD}DocumentComment: {}\n", "y".repeat(MAX_LINE - 17));
        assert!(parse(&ok).is_ok());
        let long = format!("{HEAD}DocumentComment: {}\n", "y".repeat(MAX_LINE - 16));
        assert!(parse(&long).unwrap_err().to_string().contains("64 KiB"));
    }
}
