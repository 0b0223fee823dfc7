//! A sealed file as text plus the source positions of each SealedSecret's items, so `set` and
//! `reencrypt` change only the blob strings and leave every other byte (comments, order, quoting,
//! templates) as it was.

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use sealgate_core::seal::{ObjectMeta, SealedSecret};

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
    pub items: Vec<Item>,
    /// Byte offset just past the last item's value, for block mappings.
    pub end: usize,
}

/// One SealedSecret document of the file.
#[derive(Debug, Clone)]
pub struct SealedDoc {
    /// 1-based line where the document starts.
    pub line: usize,
    pub meta: ObjectMeta,
    pub encrypted: Option<EncryptedData>,
    /// Byte offset and column of the `encryptedData` key, and of the `spec` key.
    pub encrypted_key: Option<(usize, usize)>,
    /// The legacy `spec.data` value (whole-secret v1 format), if any.
    pub legacy: Option<Item>,
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

enum Frame {
    Mapping {
        key: Option<String>,
        expecting_key: bool,
    },
    Sequence,
}

#[derive(Default)]
struct DocState {
    line: usize,
    kind: Option<String>,
    api_version: Option<String>,
    meta: ObjectMeta,
    encrypted: Option<EncryptedData>,
    encrypted_key: Option<(usize, usize)>,
    legacy: Option<Item>,
    pending_key: Option<(String, Span)>,
}

/// Maps every document of `text`.
pub fn parse(text: &str) -> Result<SealedFile, SealedFileError> {
    // saphyr markers count characters; edits need byte offsets
    let mut char_to_byte: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    char_to_byte.push(text.len());
    let byte = |index: usize| char_to_byte.get(index).copied().unwrap_or(text.len());

    let mut file = SealedFile::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut doc = DocState::default();
    let mut in_doc = false;

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SealedFileError::Syntax {
            line: e.marker().line(),
            reason: e.info().to_owned(),
        })?;
        match event {
            Event::DocumentStart(_) => {
                doc = DocState {
                    line: span.start.line(),
                    ..DocState::default()
                };
                stack.clear();
                in_doc = true;
            }
            Event::DocumentEnd => {
                if in_doc {
                    finish(&mut file, std::mem::take(&mut doc));
                }
                in_doc = false;
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = current_path(&stack);
                let is_mapping = matches!(event, Event::MappingStart(..));
                if is_mapping && path == ["spec", "encryptedData"] {
                    let flow = text[byte(span.start.index())..].starts_with('{');
                    doc.encrypted = Some(EncryptedData {
                        flow: flow.then_some((byte(span.start.index()), 0)),
                        items: Vec::new(),
                        end: 0,
                    });
                    if let Some((_, key_span)) = doc.pending_key.take() {
                        doc.encrypted_key =
                            Some((byte(key_span.start.index()), key_span.start.col()));
                    }
                }
                stack.push(if is_mapping {
                    Frame::Mapping {
                        key: None,
                        expecting_key: true,
                    }
                } else {
                    Frame::Sequence
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let path = current_path(&stack);
                if matches!(event, Event::MappingEnd)
                    && path_is(&path, &["spec", "encryptedData"], 2)
                    && let Some(enc) = doc.encrypted.as_mut()
                    && let Some((open, _)) = enc.flow
                {
                    enc.flow = Some((open, byte(span.start.index())));
                }
                stack.pop();
                value_done(&mut stack);
            }
            Event::Scalar(value, style, _, _) => {
                let expecting_key = matches!(
                    stack.last(),
                    Some(Frame::Mapping {
                        expecting_key: true,
                        ..
                    })
                );
                if expecting_key {
                    if let Some(Frame::Mapping { key, expecting_key }) = stack.last_mut() {
                        *key = Some(value.to_string());
                        *expecting_key = false;
                    }
                    doc.pending_key = Some((value.to_string(), span));
                } else {
                    let path = current_path(&stack);
                    let path: Vec<&str> = path.iter().map(String::as_str).collect();
                    let (start, end) = (byte(span.start.index()), byte(span.end.index()));
                    let quoted =
                        matches!(style, ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted);
                    let (key_start, key_col) = doc
                        .pending_key
                        .as_ref()
                        .map_or((start, 0), |(_, s)| (byte(s.start.index()), s.start.col()));
                    let item = |key: &str| Item {
                        key: key.to_owned(),
                        value: value.to_string(),
                        value_span: (start, end),
                        quoted,
                        key_start,
                        key_col,
                    };
                    match path.as_slice() {
                        ["kind"] => doc.kind = Some(value.to_string()),
                        ["apiVersion"] => doc.api_version = Some(value.to_string()),
                        ["metadata", "name"] => doc.meta.name = Some(value.to_string()),
                        ["metadata", "namespace"] => doc.meta.namespace = Some(value.to_string()),
                        ["metadata", "annotations", key] => {
                            doc.meta
                                .annotations
                                .insert((*key).to_owned(), value.to_string());
                        }
                        ["spec", "data"] => doc.legacy = Some(item("<spec.data>")),
                        ["spec", "encryptedData", key] => {
                            let entry = item(key);
                            if let Some(enc) = doc.encrypted.as_mut() {
                                enc.end = end;
                                enc.items.push(entry);
                            }
                        }
                        _ => {}
                    }
                    value_done(&mut stack);
                }
            }
            Event::Alias(_) => value_done(&mut stack),
            _ => {}
        }
        // a non-scalar value under encryptedData cannot be edited safely
        if stack.len() > 3 && current_path(&stack[..2]) == ["spec", "encryptedData"] {
            let key = match stack.get(2) {
                Some(Frame::Mapping { key: Some(key), .. }) => key.clone(),
                _ => String::new(),
            };
            return Err(SealedFileError::NotAString {
                key,
                line: span.start.line(),
            });
        }
    }
    Ok(file)
}

fn finish(file: &mut SealedFile, doc: DocState) {
    let is_sealed = doc.kind.as_deref() == Some("SealedSecret")
        && doc
            .api_version
            .as_deref()
            .is_some_and(|v| v.starts_with("bitnami.com/"));
    if is_sealed {
        file.sealed.push(SealedDoc {
            line: doc.line,
            meta: doc.meta,
            encrypted: doc.encrypted,
            encrypted_key: doc.encrypted_key,
            legacy: doc.legacy,
        });
    } else if doc.kind.is_some() || doc.api_version.is_some() {
        file.others.push(OtherDoc {
            line: doc.line,
            kind: doc.kind.unwrap_or_default(),
        });
    }
}

/// Keys of the mappings on the stack that lead to the current position.
fn current_path(stack: &[Frame]) -> Vec<String> {
    let mut path = Vec::new();
    for frame in stack {
        match frame {
            Frame::Mapping { key: Some(key), .. } => path.push(key.clone()),
            Frame::Mapping { key: None, .. } => {}
            Frame::Sequence => path.push("[]".to_owned()),
        }
    }
    path
}

fn path_is(path: &[String], prefix: &[&str], len: usize) -> bool {
    path.len() == len && path.iter().zip(prefix).all(|(a, b)| a == b)
}

fn value_done(stack: &mut [Frame]) {
    if let Some(Frame::Mapping { key, expecting_key }) = stack.last_mut() {
        *key = None;
        *expecting_key = true;
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
    fn keys_that_yaml11_reads_as_other_types_are_quoted() {
        assert_eq!(key_text("on", false), "\"on\"");
        assert_eq!(key_text("123", false), "\"123\"");
        assert_eq!(key_text("password", false), "password");
        assert_eq!(key_text("tls.crt", false), "tls.crt");
    }
}
