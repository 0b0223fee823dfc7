//! A sealed file as text plus the source positions of each SealedSecret's items (from the shared
//! manifest loader), so `set` and `reencrypt` change only the blob strings and leave every other
//! byte (comments, order, quoting, templates) as it was.

use std::collections::BTreeMap;

use sealgate_core::manifest::{self, Document, ManifestError, Source, push_pointer_segment};
use sealgate_core::seal::{ObjectMeta, SEALED_FOR_ANNOTATION, SealedSecret};
use serde_json::{Map, Value};

use crate::error::CliError;

/// Why a file could not be mapped for editing.
#[derive(Debug, thiserror::Error)]
pub enum SealedFileError {
    #[error("invalid YAML/JSON ({reason}) at line {line}")]
    Syntax { line: usize, reason: String },
    #[error("spec.encryptedData item {key:?} is not a string (line {line})")]
    NotAString { key: String, line: usize },
}

/// One `encryptedData` entry: its key, value text and byte spans.
#[derive(Debug, Clone)]
pub struct Item {
    pub key: String,
    pub value: String,
    /// Byte range of the value as written (quotes included).
    pub value_span: (usize, usize),
    pub quoted: bool,
    /// Byte offset of the key's first character, and its column in characters.
    pub key_start: usize,
    pub key_col: usize,
}

/// The `spec.encryptedData` mapping of one SealedSecret.
#[derive(Debug, Clone, Default)]
pub struct EncryptedData {
    /// `Some((open, close))` byte offsets of `{` and `}` for a flow mapping.
    pub flow: Option<(usize, usize)>,
    /// In the order of the file.
    pub items: Vec<Item>,
    /// Byte offset just past the last item's value, for block mappings.
    pub end: usize,
}

/// One SealedSecret document of the file.
#[derive(Debug, Clone)]
pub struct SealedDoc {
    /// 1-based line where the document starts (its `---` if it has one).
    pub line: usize,
    pub meta: ObjectMeta,
    pub encrypted: Option<EncryptedData>,
    /// Byte offset and column of the `encryptedData` key.
    pub encrypted_key: Option<(usize, usize)>,
    /// The legacy `spec.data` value (whole-secret v1 format), if any.
    pub legacy: Option<Item>,
    /// The `sealgate.dev/sealed-for` annotation's value as written, if any.
    pub sealed_for: Option<Item>,
}

impl SealedDoc {
    /// The identity (name, namespace, scope annotations) as a SealedSecret, for the core API.
    pub fn identity(&self) -> SealedSecret {
        SealedSecret {
            metadata: self.meta.clone(),
            ..SealedSecret::default()
        }
    }
}

/// A document kind seen in the file, for "not a SealedSecret" messages.
#[derive(Debug, Clone)]
pub struct OtherDoc {
    pub line: usize,
    pub kind: String,
}

/// All documents of a file, split into SealedSecrets and others.
#[derive(Debug, Default)]
pub struct SealedFile {
    pub sealed: Vec<SealedDoc>,
    pub others: Vec<OtherDoc>,
}

/// [`parse`], with a syntax error or an uneditable item as a CLI error at `shown:line`.
pub fn read(text: &str, shown: &str) -> Result<SealedFile, CliError> {
    parse(text).map_err(|e| match e {
        SealedFileError::Syntax { line, reason } => CliError::input(
            format!("invalid YAML/JSON ({reason})"),
            format!("{shown}:{line}"),
            "fix the syntax",
        ),
        SealedFileError::NotAString { key, line } => CliError::input(
            format!("spec.encryptedData item {key:?} is not a string"),
            format!("{shown}:{line}"),
            "each item must be a base64 blob",
        ),
    })
}

/// Maps every document of `text` with the shared manifest loader. SealedSecrets inside a list
/// are not edited in place: the list counts as one other document, as it always has here.
pub fn parse(text: &str) -> Result<SealedFile, SealedFileError> {
    let manifest = manifest::load(Source::from_text("", text)).map_err(|e| match e {
        ManifestError::Yaml { line, message, .. } => SealedFileError::Syntax {
            line,
            reason: message,
        },
        other => SealedFileError::Syntax {
            line: 1,
            reason: other.to_string(),
        },
    })?;
    let mut file = SealedFile::default();
    let mut lists_seen = Vec::new();
    for doc in &manifest.documents {
        let line = doc.start_line();
        if doc.list_item().is_some() {
            if !lists_seen.contains(&doc.stream_index()) {
                lists_seen.push(doc.stream_index());
                file.others.push(OtherDoc {
                    line,
                    kind: "List".to_owned(),
                });
            }
            continue;
        }
        let is_sealed = doc.kind() == Some("SealedSecret")
            && doc
                .api_version()
                .is_some_and(|v| v.starts_with("bitnami.com/"));
        if is_sealed {
            file.sealed.push(sealed_doc(doc, text)?);
        } else if doc.kind().is_some() || doc.api_version().is_some() {
            file.others.push(OtherDoc {
                line,
                kind: doc.kind().unwrap_or_default().to_owned(),
            });
        }
    }
    Ok(file)
}

fn sealed_doc(doc: &Document, text: &str) -> Result<SealedDoc, SealedFileError> {
    let spec = doc.value().get("spec");
    let encrypted = match spec.and_then(|s| s.get("encryptedData")) {
        Some(Value::Object(map)) => Some(encrypted_data(doc, text, map)?),
        _ => None,
    };
    let encrypted_key = encrypted
        .as_ref()
        .and_then(|_| doc.locate("/spec/encryptedData")?.key_bytes)
        .map(|key| (key.start, column(text, key.start)));
    let legacy = match spec.and_then(|s| s.get("data")) {
        Some(value) if is_scalar(value) => item(doc, text, "/spec/data", "<spec.data>", value),
        _ => None,
    };
    let mut hint_pointer = String::from("/metadata/annotations");
    push_pointer_segment(&mut hint_pointer, SEALED_FOR_ANNOTATION);
    let sealed_for = doc
        .value()
        .pointer(&hint_pointer)
        .filter(|v| v.is_string())
        .and_then(|value| item(doc, text, &hint_pointer, SEALED_FOR_ANNOTATION, value));
    Ok(SealedDoc {
        line: doc.start_line(),
        meta: meta(doc.value()),
        encrypted,
        encrypted_key,
        legacy,
        sealed_for,
    })
}

fn encrypted_data(
    doc: &Document,
    text: &str,
    map: &Map<String, Value>,
) -> Result<EncryptedData, SealedFileError> {
    let mut items = Vec::with_capacity(map.len());
    for (key, value) in map {
        let mut pointer = String::from("/spec/encryptedData");
        push_pointer_segment(&mut pointer, key);
        if !is_scalar(value) {
            // a non-scalar value under encryptedData cannot be edited safely
            let line = doc.locate(&pointer).map_or(doc.line(), |l| l.line);
            return Err(SealedFileError::NotAString {
                key: key.clone(),
                line,
            });
        }
        if let Some(item) = item(doc, text, &pointer, key, value) {
            items.push(item);
        }
    }
    items.sort_by_key(|i| i.value_span.0);
    let flow = doc
        .locate("/spec/encryptedData")
        .filter(|l| l.exact && text[l.bytes.clone()].starts_with('{'))
        .and_then(|l| {
            let close = text[l.bytes.clone()].rfind('}')?;
            Some((l.bytes.start, l.bytes.start + close))
        });
    let end = items.iter().map(|i| i.value_span.1).max().unwrap_or(0);
    Ok(EncryptedData { flow, items, end })
}

/// The item at `pointer`, with its spans; `None` when the source has no positions (strict JSON
/// the YAML parser refused), which leaves the item out of in-place edits.
fn item(doc: &Document, text: &str, pointer: &str, key: &str, value: &Value) -> Option<Item> {
    let at = doc.locate(pointer).filter(|l| l.exact)?;
    let written = &text[at.bytes.clone()];
    let key_start = at.key_bytes.map_or(at.bytes.start, |k| k.start);
    Some(Item {
        key: key.to_owned(),
        value: match value {
            Value::String(s) => s.clone(),
            // a number or boolean is kept as written
            _ => written.to_owned(),
        },
        value_span: (at.bytes.start, at.bytes.end),
        quoted: written.starts_with(['"', '\'']),
        key_start,
        key_col: column(text, key_start),
    })
}

fn is_scalar(value: &Value) -> bool {
    !(value.is_object() || value.is_array())
}

/// 0-based column, in characters, of a byte offset.
fn column(text: &str, offset: usize) -> usize {
    text[line_start(text, offset)..offset].chars().count()
}

/// Name, namespace and annotations: what the sealing identity is made of.
fn meta(value: &Value) -> ObjectMeta {
    let metadata = value.get("metadata");
    let text = |field: &str| {
        metadata
            .and_then(|m| m.get(field))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let annotations = metadata
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter(|(_, v)| is_scalar(v) && !v.is_null())
                .map(|(k, v)| {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    ObjectMeta {
        name: text("name"),
        namespace: text("namespace"),
        annotations,
        ..ObjectMeta::default()
    }
}

/// Byte-range replacements applied from the end so earlier offsets stay valid.
#[derive(Default)]
pub struct Edits(BTreeMap<usize, (usize, String)>);

impl Edits {
    pub fn replace(&mut self, start: usize, end: usize, text: String) {
        self.0.insert(start, (end, text));
    }

    pub fn apply(self, text: &str) -> String {
        let mut out = text.to_owned();
        for (start, (end, replacement)) in self.0.into_iter().rev() {
            out.replace_range(start..end, &replacement);
        }
        out
    }
}

/// The new text of an item's value, written in the style of the old one (JSON files keep
/// double quotes; base64 needs no quoting in YAML).
pub fn value_text(blob: &str, quoted: bool) -> String {
    if quoted {
        format!("\"{blob}\"")
    } else {
        blob.to_owned()
    }
}

/// A key written so that YAML 1.1 readers (kubectl) still read it as the same string.
pub fn key_text(key: &str, json: bool) -> String {
    let reserved = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ];
    let plain_safe = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !reserved.contains(&key.to_ascii_lowercase().as_str());
    if json || !plain_safe {
        format!("\"{key}\"")
    } else {
        key.to_owned()
    }
}

/// Edits that set `key` to `blob` in one document: replace the value in place, or insert a new
/// entry next to its neighbours in sorted position.
pub fn set_item(text: &str, doc: &SealedDoc, key: &str, blob: &str) -> Option<Edits> {
    let enc = doc.encrypted.as_ref()?;
    let mut edits = Edits::default();
    if let Some(item) = enc.items.iter().find(|i| i.key == key) {
        edits.replace(
            item.value_span.0,
            item.value_span.1,
            value_text(blob, item.quoted),
        );
        return Some(edits);
    }
    match enc.flow {
        Some((open, close)) => {
            let inner = text[open + 1..close].trim();
            let entry = format!("{}: \"{blob}\"", key_text(key, true));
            match enc.items.last() {
                Some(last) => {
                    // keep the layout of the existing entries: same separator before the key
                    let indent = line_indent(text, last.key_start);
                    let sep = if text[open..close].contains('\n') {
                        format!(",\n{indent}")
                    } else {
                        ", ".to_owned()
                    };
                    edits.replace(
                        last.value_span.1,
                        last.value_span.1,
                        format!("{sep}{entry}"),
                    );
                }
                None if inner.is_empty() => {
                    let (key_offset, key_col) = doc.encrypted_key?;
                    let json = text[key_offset..].starts_with('"');
                    if json {
                        edits.replace(open, close + 1, format!("{{{entry}}}"));
                    } else {
                        let indent = " ".repeat(key_col + 2);
                        edits.replace(
                            open,
                            close + 1,
                            format!("\n{indent}{}: {blob}", key_text(key, false)),
                        );
                    }
                }
                None => return None,
            }
        }
        None => {
            let first = enc.items.first()?;
            let indent = " ".repeat(first.key_col);
            let line = format!("{indent}{}: {blob}\n", key_text(key, false));
            match enc.items.iter().find(|i| i.key.as_str() > key) {
                Some(next) => {
                    let at = line_start(text, next.key_start);
                    edits.replace(at, at, line);
                }
                None => {
                    let at = line_end(text, enc.end);
                    let line = if at == text.len() && !text.ends_with('\n') {
                        format!("\n{}", line.trim_end_matches('\n'))
                    } else {
                        line
                    };
                    edits.replace(at, at, line);
                }
            }
        }
    }
    Some(edits)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |at| at + 1)
}

/// Offset just past the newline ending the line that holds `offset` (or the text's end).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |at| offset + at + 1)
}

fn line_indent(text: &str, offset: usize) -> String {
    let start = line_start(text, offset);
    text[start..offset]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "# keep me\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: prod\n  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: \"true\"\nspec:\n  encryptedData:\n    b: AgBold # old\n    d: \"AgDquoted\"\n  template:\n    metadata:\n      name: db\n";

    fn map(text: &str) -> SealedFile {
        match parse(text) {
            Ok(file) => file,
            Err(e) => panic!("parse failed: {e}"),
        }
    }

    #[test]
    fn finds_identity_and_items() {
        let file = map(YAML);
        assert_eq!(file.sealed.len(), 1);
        let doc = &file.sealed[0];
        assert_eq!(doc.meta.name.as_deref(), Some("db"));
        assert_eq!(doc.meta.namespace.as_deref(), Some("prod"));
        assert_eq!(
            doc.meta
                .annotations
                .get("sealedsecrets.bitnami.com/namespace-wide")
                .map(String::as_str),
            Some("true")
        );
        let enc = doc
            .encrypted
            .as_ref()
            .map(|e| e.items.clone())
            .unwrap_or_default();
        let keys: Vec<_> = enc
            .iter()
            .map(|i| (i.key.as_str(), i.value.as_str(), i.quoted))
            .collect();
        assert_eq!(keys, [("b", "AgBold", false), ("d", "AgDquoted", true)]);
    }

    #[test]
    fn replacing_keeps_every_other_byte() {
        let file = map(YAML);
        let edits = set_item(YAML, &file.sealed[0], "d", "NEW");
        let out = edits.map(|e| e.apply(YAML)).unwrap_or_default();
        assert_eq!(out, YAML.replace("\"AgDquoted\"", "\"NEW\""));
    }

    #[test]
    fn inserting_goes_in_sorted_position() {
        let file = map(YAML);
        let out = set_item(YAML, &file.sealed[0], "c", "NEW")
            .map(|e| e.apply(YAML))
            .unwrap_or_default();
        assert_eq!(out, YAML.replace("    d: ", "    c: NEW\n    d: "));
        let out = set_item(YAML, &file.sealed[0], "a", "NEW")
            .map(|e| e.apply(YAML))
            .unwrap_or_default();
        assert_eq!(out, YAML.replace("    b: ", "    a: NEW\n    b: "));
        let out = set_item(YAML, &file.sealed[0], "z", "NEW")
            .map(|e| e.apply(YAML))
            .unwrap_or_default();
        assert_eq!(
            out,
            YAML.replace("\"AgDquoted\"\n", "\"AgDquoted\"\n    z: NEW\n")
        );
    }

    #[test]
    fn empty_flow_mapping_becomes_block() {
        let text = "kind: SealedSecret\napiVersion: bitnami.com/v1alpha1\nmetadata: {name: a, namespace: b}\nspec:\n  encryptedData: {}\n";
        let file = map(text);
        let out = set_item(text, &file.sealed[0], "k", "NEW")
            .map(|e| e.apply(text))
            .unwrap_or_default();
        assert_eq!(out, text.replace("{}", "\n    k: NEW"));
    }

    #[test]
    fn json_files_stay_json() {
        let text = "{\n  \"kind\": \"SealedSecret\",\n  \"apiVersion\": \"bitnami.com/v1alpha1\",\n  \"metadata\": {\"name\": \"a\", \"namespace\": \"b\"},\n  \"spec\": {\n    \"encryptedData\": {\n      \"x\": \"AgOld\"\n    }\n  }\n}\n";
        let file = map(text);
        let doc = &file.sealed[0];
        let out = set_item(text, doc, "y", "NEW")
            .map(|e| e.apply(text))
            .unwrap_or_default();
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(parsed["spec"]["encryptedData"]["y"], "NEW");
        assert_eq!(parsed["spec"]["encryptedData"]["x"], "AgOld");
        let out = set_item(text, doc, "x", "NEW")
            .map(|e| e.apply(text))
            .unwrap_or_default();
        assert_eq!(out, text.replace("AgOld", "NEW"));
    }

    #[test]
    fn documents_lines_and_lists() {
        let text = format!(
            "# head\n{}---\napiVersion: v1\nkind: List\nitems:\n- {{kind: SealedSecret, apiVersion: bitnami.com/v1alpha1}}\n---\nkind: ConfigMap\n",
            YAML.replacen("# keep me\n", "", 1)
        );
        let file = map(&text);
        assert_eq!(file.sealed.len(), 1);
        assert_eq!(file.sealed[0].line, 2);
        let others: Vec<_> = file
            .others
            .iter()
            .map(|o| (o.kind.as_str(), o.line))
            .collect();
        assert_eq!(others, [("List", 16), ("ConfigMap", 21)]);
    }

    #[test]
    fn nested_items_cannot_be_edited() {
        let text = "kind: SealedSecret\napiVersion: bitnami.com/v1alpha1\nspec:\n  encryptedData:\n    a: AgA\n    b:\n      c: d\n";
        let err = parse(text).err();
        assert!(
            matches!(&err, Some(SealedFileError::NotAString { key, line: 7 }) if key == "b"),
            "{err:?}"
        );
    }

    #[test]
    fn flow_mappings_with_items_keep_their_layout() {
        let text = "kind: SealedSecret\napiVersion: bitnami.com/v1alpha1\nmetadata: {name: a, namespace: b}\nspec:\n  encryptedData: {a: AgX, b: 'AgY'}\n";
        let file = map(text);
        let out = set_item(text, &file.sealed[0], "z", "NEW")
            .map(|e| e.apply(text))
            .unwrap_or_default();
        assert_eq!(out, text.replace("'AgY'}", "'AgY', \"z\": \"NEW\"}"));
        let out = set_item(text, &file.sealed[0], "b", "NEW")
            .map(|e| e.apply(text))
            .unwrap_or_default();
        assert_eq!(out, text.replace("'AgY'", "\"NEW\""));
    }

    #[test]
    fn keys_that_yaml11_reads_as_other_types_are_quoted() {
        assert_eq!(key_text("on", false), "\"on\"");
        assert_eq!(key_text("123", false), "\"123\"");
        assert_eq!(key_text("password", false), "password");
        assert_eq!(key_text("tls.crt", false), "tls.crt");
    }
}
