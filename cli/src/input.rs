//! Reading inputs: a file or stdin, split into Kubernetes objects by the shared manifest loader
//! (`sealgate_core::manifest`: YAML streams, JSON, concatenated JSON, lists), each with a place
//! (`file:line`) for error messages.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use sealgate_core::manifest::{self, Budget, Source};
use serde::de::DeserializeOwned;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::error::CliError;

/// Name used for stdin in messages.
pub const STDIN: &str = "<stdin>";

/// One Kubernetes object read from a source. The value may hold a Secret's plaintext
/// (`stringData`), so its strings are wiped on drop.
pub struct Document {
    pub value: Value,
    /// `file:line` of the object.
    pub place: String,
}

impl Drop for Document {
    fn drop(&mut self) {
        wipe(&mut self.value);
    }
}

/// Overwrites every string of a JSON value (map keys, which serde_json does not let us change,
/// are item names, not values).
fn wipe(value: &mut Value) {
    match value {
        Value::String(text) => text.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn is_stdin(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p.as_os_str() == "-")
}

/// The name of an input in messages: the path, or `<stdin>`.
pub fn shown_name(path: Option<&Path>) -> String {
    match path {
        Some(p) if !is_stdin(Some(p)) => p.display().to_string(),
        _ => STDIN.to_owned(),
    }
}

/// Reads raw bytes (a secret value) from `path`, or stdin when absent or `-`, refusing more than
/// `max_bytes` (`seal -f /dev/zero` must stop, not fill the memory).
pub fn read_bytes(path: Option<&Path>, max_bytes: u64) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut bytes = Zeroizing::new(Vec::new());
    let name = shown_name(path);
    let read = match path {
        Some(p) if !is_stdin(Some(p)) => {
            let file = fs::File::open(p).map_err(|e| CliError::read(p.display(), e))?;
            // sized up front: growing the buffer would leave unwiped copies behind
            let size = file.metadata().map_or(0, |m| m.len()).min(max_bytes);
            bytes.reserve(usize::try_from(size).unwrap_or(0).saturating_add(1));
            file.take(max_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
        }
        _ => io::stdin()
            .lock()
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes),
    };
    read.map_err(|e| CliError::read(&name, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(CliError::input(
            format!("larger than the {max_bytes}-byte input limit"),
            name,
            "give a smaller input, or raise --max-file-size-mib",
        ));
    }
    Ok(bytes)
}

/// Reads a whole text input from `path`, or stdin when absent or `-`, within `budget`.
pub fn read_source(path: Option<&Path>, budget: Budget) -> Result<Source, CliError> {
    let name = shown_name(path);
    let source = match path {
        Some(p) if !is_stdin(Some(p)) => Source::read_path(p, budget),
        _ => Source::read(&name, io::stdin().lock(), budget),
    };
    source.map_err(|e| match e {
        manifest::ManifestError::Io { file, source } => CliError::read(file, source),
        manifest::ManifestError::NotUtf8 { .. } => {
            CliError::input("input is not UTF-8 text", &name, "give a YAML or JSON file")
        }
        other => CliError::manifest(other, &name),
    })
}

/// Splits a source into objects: empty documents are skipped, lists are expanded into their
/// items (`manifest::is_list`), and a top-level JSON array into its elements.
pub fn documents(source: Source) -> Result<Vec<Document>, CliError> {
    let name = source.name().to_owned();
    let manifest = manifest::load(source).map_err(|e| CliError::manifest(e, &name))?;
    let mut out = Vec::with_capacity(manifest.documents.len());
    for doc in manifest.documents {
        let line = doc.line();
        // kubectl keeps the last of two equal keys; sealing either one silently is a guess
        if let Some(duplicate) = doc
            .diagnostics()
            .iter()
            .find(|d| matches!(d.kind, manifest::DiagnosticKind::DuplicateKey { .. }))
        {
            return Err(CliError::input(
                duplicate,
                format!("{name}:{}", duplicate.line),
                "remove one of the two keys",
            ));
        }
        if !doc.value().is_array() {
            out.push(Document {
                value: doc.into_value(),
                place: format!("{name}:{line}"),
            });
            continue;
        }
        let lines: Vec<usize> = (0..doc.value().as_array().map_or(0, Vec::len))
            .map(|i| doc.locate(&format!("/{i}")).map_or(line, |l| l.line))
            .collect();
        if let Value::Array(items) = doc.into_value() {
            for (item, line) in items.into_iter().zip(lines) {
                out.push(Document {
                    value: item,
                    place: format!("{name}:{line}"),
                });
            }
        }
    }
    Ok(out)
}

/// The one kind of object a command reads, and what to tell about anything else.
pub struct Expected {
    /// The object as messages name it: `v1 Secret`.
    pub noun: &'static str,
    /// The type named in decoding errors: `Secret`.
    pub type_name: &'static str,
    pub accepts: fn(kind: &str, api_version: &str) -> bool,
    /// What to do when another kind is given.
    pub other_hint: &'static str,
    /// What to do when the object does not decode.
    pub invalid_hint: &'static str,
}

/// Checks each document is the expected kind and decodes it, with its place. Decoding reads
/// the value by reference: a copy would escape the wiping of [`Document`].
pub fn decode<T: DeserializeOwned>(
    documents: &[Document],
    expected: &Expected,
) -> Result<Vec<(T, String)>, CliError> {
    let mut out = Vec::with_capacity(documents.len());
    for doc in documents {
        let text = |field: &str| doc.value.get(field).and_then(Value::as_str).unwrap_or("");
        let (kind, api_version) = (text("kind"), text("apiVersion"));
        if !(expected.accepts)(kind, api_version) {
            let noun = expected.noun;
            let what = if kind.is_empty() {
                format!("document has no kind, so it is not a {noun}")
            } else {
                format!("document is a {kind} ({api_version}), not a {noun}")
            };
            return Err(CliError::input(what, &doc.place, expected.other_hint));
        }
        // a wrong-typed secret value is named by its path and type: the decoder would quote it
        if let Some((pointer, found)) = manifest::redact::first_non_string(&doc.value) {
            // null has no value to hide
            let found = match found {
                "null" => "null".to_owned(),
                other => format!("a {other} (value not shown)"),
            };
            return Err(CliError::input(
                format!(
                    "invalid {}: {pointer} is {found}, expected a string",
                    expected.type_name
                ),
                &doc.place,
                expected.invalid_hint,
            ));
        }
        let object = T::deserialize(&doc.value).map_err(|e| {
            let message = manifest::redact::scrub_decode_message(&e.to_string());
            // serde_json ends some messages with " at line L column C"; the place is shown apart
            let message = message
                .find(" at line ")
                .map_or(&*message, |at| &message[..at]);
            CliError::input(
                format!("invalid {}: {message}", expected.type_name),
                &doc.place,
                expected.invalid_hint,
            )
        })?;
        out.push((object, doc.place.clone()));
    }
    Ok(out)
}
