//! Reading inputs: a file or stdin, split into Kubernetes documents (YAML stream through the
//! shared manifest loader, concatenated JSON objects, `List` items), each with a place
//! (`file:line`) for error messages.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::error::CliError;

/// Name used for stdin in messages.
pub const STDIN: &str = "<stdin>";

/// One input's full text. Inputs of `seal` hold plaintext, so the buffer is wiped on drop.
pub struct Source {
    pub name: String,
    pub text: Zeroizing<String>,
}

/// One Kubernetes object read from a source.
pub struct Document {
    pub value: Value,
    /// `file:line`, plus the List item when the object came from a `List`.
    pub place: String,
}

fn is_stdin(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p.as_os_str() == "-")
}

/// Reads raw bytes (a secret value) from `path`, or stdin when absent or `-`.
pub fn read_bytes(path: Option<&Path>) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut bytes = Zeroizing::new(Vec::new());
    match path {
        Some(p) if !is_stdin(Some(p)) => {
            let mut file = fs::File::open(p).map_err(|e| CliError::read(p.display(), e))?;
            file.read_to_end(&mut bytes)
                .map_err(|e| CliError::read(p.display(), e))?;
        }
        _ => {
            io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::read(STDIN, e))?;
        }
    }
    Ok(bytes)
}

/// Reads a whole text input from `path`, or stdin when absent or `-`.
pub fn read_source(path: Option<&Path>) -> Result<Source, CliError> {
    let name = match path {
        Some(p) if !is_stdin(Some(p)) => p.display().to_string(),
        _ => STDIN.to_owned(),
    };
    let bytes = read_bytes(path)?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => Zeroizing::new(text.to_owned()),
        Err(_) => {
            return Err(CliError::input(
                "input is not UTF-8 text",
                name,
                "give a YAML or JSON file",
            ));
        }
    };
    Ok(Source { name, text })
}

/// Splits a source into objects: concatenated JSON values when it starts with `{` or `[`, else a
/// YAML stream; empty documents are skipped and `List`s are expanded into their items.
pub fn documents(source: &Source) -> Result<Vec<Document>, CliError> {
    let text: &str = &source.text;
    let trimmed = text.trim_start();
    let mut raw = Vec::new();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let offset_lines = text.len() - trimmed.len();
        let lead = text[..offset_lines].matches('\n').count();
        let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<Value>();
        loop {
            let start = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(value)) => {
                    let skipped = trimmed[start..]
                        .len()
                        .saturating_sub(trimmed[start..].trim_start().len());
                    let line = lead + 1 + trimmed[..start + skipped].matches('\n').count();
                    raw.push((value, line));
                }
                Some(Err(e)) => {
                    return Err(CliError::input(
                        format!("invalid JSON ({})", first_clause(&e.to_string())),
                        format!("{}:{}", source.name, lead + e.line()),
                        "fix the syntax",
                    ));
                }
            }
        }
    } else {
        // the shared manifest loader reads YAML the way kubectl does (YAML 1.1 scalars, merge
        // keys) and expands Lists itself, with the line of every item
        let manifest = sealgate_core::manifest::load(sealgate_core::manifest::Source::from_text(
            &source.name,
            text,
        ))
        .map_err(|e| match e {
            sealgate_core::manifest::ManifestError::Yaml {
                file,
                line,
                message,
                ..
            } => CliError::input(
                format!("invalid YAML ({message})"),
                format!("{file}:{line}"),
                "fix the syntax",
            ),
            other => CliError::input(other.to_string(), &source.name, "give a YAML or JSON file"),
        })?;
        return Ok(manifest
            .documents
            .into_iter()
            .map(|doc| {
                let place = format!("{}:{}", source.name, doc.line());
                Document {
                    value: doc.into_value(),
                    place,
                }
            })
            .collect());
    }
    let mut out = Vec::new();
    for (value, line) in raw {
        let place = format!("{}:{}", source.name, line);
        match value {
            Value::Null => {}
            Value::Object(ref map) if is_list(map) => {
                let items = map
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (index, item) in items.into_iter().enumerate() {
                    out.push(Document {
                        value: item,
                        place: format!("{place} (List item {index})"),
                    });
                }
            }
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    out.push(Document {
                        value: item,
                        place: format!("{place} (array item {index})"),
                    });
                }
            }
            value => out.push(Document { value, place }),
        }
    }
    Ok(out)
}

fn is_list(map: &serde_json::Map<String, Value>) -> bool {
    map.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && map.get("items").is_some_and(Value::is_array)
}

/// serde_json errors end with " at line L column C"; the place is shown separately.
fn first_clause(full: &str) -> String {
    match full.find(" at line ") {
        Some(at) => full[..at].to_owned(),
        None => full.to_owned(),
    }
}
