//! Manifest loading: a file or stdin → Kubernetes documents with file, line and positions.
//!
//! Shared by `seal`, `unseal`, `set`, `reencrypt` and the gate. Multi-document YAML, JSON and
//! concatenated JSON, lists (see [`is_list`]) expanded into their items, empty documents
//! counted, duplicate keys and YAML 1.1 booleans kept as diagnostics. Values are read the way
//! kubectl reads them (see `scalar`), so what we check is what applies. The text is kept in a
//! buffer that is wiped on drop: `seal` reads plaintext Secrets through here.

mod budget;
mod position;
pub mod redact;
mod scalar;
mod tree;

use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

pub use budget::{Budget, DEFAULT_MAX_BYTES, DEFAULT_MAX_DOCUMENTS, MAX_DEPTH};
pub use position::{NodePos, PositionIndex, push_pointer_segment};

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// `size` is how much was read before giving up (the limit plus one byte), not the file's size.
    #[error("{file}: larger than the {limit}-byte limit for one manifest file")]
    TooLarge { file: String, size: u64, limit: u64 },
    #[error("{file}:{line}: more than {limit} documents in one stream")]
    TooManyDocuments {
        file: String,
        line: usize,
        limit: usize,
    },
    #[error("{file}:{line}: YAML aliases copy more than {limit} bytes (an alias bomb?)")]
    AliasExpansion {
        file: String,
        line: usize,
        limit: u64,
    },
    #[error("{file}: looks binary (NUL byte at offset {offset}); pass YAML or JSON manifests only")]
    Binary { file: String, offset: usize },
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8")]
    NotUtf8 { file: String, offset: usize },
    #[error("{file}:{line}:{column}: invalid YAML: {message}")]
    Yaml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}

impl ManifestError {
    /// The (file, line) the error points at, when it has a line.
    pub fn location(&self) -> (&str, Option<usize>) {
        match self {
            ManifestError::Yaml { file, line, .. }
            | ManifestError::TooManyDocuments { file, line, .. }
            | ManifestError::AliasExpansion { file, line, .. } => (file, Some(*line)),
            ManifestError::Io { file, .. }
            | ManifestError::TooLarge { file, .. }
            | ManifestError::Binary { file, .. }
            | ManifestError::NotUtf8 { file, .. } => (file, None),
        }
    }
}

/// Something in a document that kubectl reads differently from what the author likely meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    /// JSON pointer of the affected value, relative to the document it belongs to.
    pub pointer: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The key appears twice in one mapping; the last value wins silently elsewhere.
    DuplicateKey { key: String },
    /// An unquoted `yes`/`no`/`on`/`off`/`y`/`n`: a boolean for Kubernetes' YAML 1.1 reader.
    Yaml11Boolean { text: String, value: bool },
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DiagnosticKind::DuplicateKey { key } => {
                write!(
                    f,
                    "duplicate key {key:?} at {}: only the last value is kept",
                    self.pointer
                )
            }
            DiagnosticKind::Yaml11Boolean { text, value } => write!(
                f,
                "unquoted {text:?} at {} is read by Kubernetes as the boolean {value}; quote it if a string is meant",
                self.pointer
            ),
        }
    }
}

/// One input, read fully and checked to be text. The text may be a plaintext Secret, so it
/// lives in a buffer that is wiped when the last document of the source is dropped, and
/// `Debug` shows only the name and the size.
#[derive(Clone)]
pub struct Source {
    name: Arc<str>,
    text: Arc<Zeroizing<String>>,
    budget: Budget,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("bytes", &self.text.len())
            .finish()
    }
}

impl Source {
    /// Reads a file, refusing anything over the budget's bytes, binary or not UTF-8.
    pub fn read_path(path: &Path, budget: impl Into<Budget>) -> Result<Source, ManifestError> {
        let budget = budget.into();
        let max_bytes = budget.bytes;
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| ManifestError::Io {
            file: name.clone(),
            source,
        })?;
        // Sized up front so the buffer is not reallocated, which would leave unwiped copies.
        let size = file.metadata().map_or(0, |m| m.len()).min(max_bytes);
        Source::read_sized(&name, file, budget, size)
    }

    /// Reads any stream (stdin) under a display name such as `<stdin>`.
    pub fn read(
        name: &str,
        reader: impl Read,
        budget: impl Into<Budget>,
    ) -> Result<Source, ManifestError> {
        Source::read_sized(name, reader, budget.into(), 0)
    }

    fn read_sized(
        name: &str,
        reader: impl Read,
        budget: Budget,
        size: u64,
    ) -> Result<Source, ManifestError> {
        let max_bytes = budget.bytes;
        let capacity = usize::try_from(size.saturating_add(1)).unwrap_or(0);
        let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
        reader
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| ManifestError::Io {
                file: name.to_owned(),
                source,
            })?;
        if bytes.len() as u64 > max_bytes {
            return Err(ManifestError::TooLarge {
                file: name.to_owned(),
                size: bytes.len() as u64,
                limit: max_bytes,
            });
        }
        Source::from_bytes(name, std::mem::take(&mut *bytes)).map(|s| s.with_budget(budget))
    }

    /// The same text under another budget (for documents and alias expansion).
    pub fn with_budget(mut self, budget: Budget) -> Source {
        self.budget = budget;
        self
    }

    /// Checks `bytes` are text (no NUL, UTF-8); the bytes are wiped if they are not.
    pub fn from_bytes(name: &str, mut bytes: Vec<u8>) -> Result<Source, ManifestError> {
        if let Some(offset) = bytes.iter().position(|b| *b == 0) {
            bytes.zeroize();
            return Err(ManifestError::Binary {
                file: name.to_owned(),
                offset,
            });
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::from_zeroizing(name, Zeroizing::new(text))),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                e.into_bytes().zeroize();
                Err(ManifestError::NotUtf8 {
                    file: name.to_owned(),
                    offset,
                })
            }
        }
    }

    /// A text already in memory (copied into the wiped buffer).
    pub fn from_text(name: &str, text: impl Into<String>) -> Source {
        Source::from_zeroizing(name, Zeroizing::new(text.into()))
    }

    /// A text already in a wiped buffer, taken without a copy.
    pub fn from_zeroizing(name: &str, text: Zeroizing<String>) -> Source {
        Source {
            name: name.into(),
            text: Arc::new(text),
            budget: Budget::default(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }
}

/// The documents of one source. Empty documents (only comments, `---` alone, `null`) are
/// counted, not returned.
#[derive(Debug)]
pub struct Manifest {
    pub documents: Vec<Document>,
    pub empty: usize,
}

/// State shared by all documents of one source: the text, and its position index computed at
/// most once, only when someone asks for a line inside a document.
struct Shared {
    source: Source,
    json_fallback: bool,
    index: OnceLock<Vec<PositionIndex>>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("file", &self.source.name())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn index(&self, stream_index: usize) -> Option<&PositionIndex> {
        let all = self.index.get_or_init(|| {
            if self.json_fallback {
                return Vec::new();
            }
            tree::parse_stream(self.source.text(), true, self.source.budget)
                .map(|docs| docs.into_iter().map(|d| d.index).collect())
                .unwrap_or_default()
        });
        all.get(stream_index)
    }
}

/// One Kubernetes object (a YAML document, or one item of a `kind: List`). Its Debug names the
/// object and where it stands, never its value: a Secret's `stringData` is plaintext.
pub struct Document {
    value: Value,
    line: usize,
    bytes: Range<usize>,
    stream_index: usize,
    /// `/items/N` for an item of a List, empty otherwise.
    prefix: String,
    diagnostics: Vec<Diagnostic>,
    shared: Arc<Shared>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("file", &self.shared.source.name())
            .field("line", &self.line)
            .field("prefix", &self.prefix)
            .field("api_version", &self.api_version())
            .field("kind", &self.kind())
            .field("namespace", &self.namespace())
            .field("name", &self.name())
            .field("diagnostics", &self.diagnostics.len())
            .finish_non_exhaustive()
    }
}

/// A line and column found for a JSON pointer, with the byte spans behind them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub bytes: Range<usize>,
    pub key_bytes: Option<Range<usize>>,
    /// False when the pointer itself does not exist and an ancestor's position is given.
    pub exact: bool,
}

impl Document {
    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn into_value(self) -> Value {
        self.value
    }

    /// Display name of the file (or `<stdin>`).
    pub fn file(&self) -> &str {
        self.shared.source.name()
    }

    /// 1-based line where the object starts.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Byte range of the whole YAML document in the source, from its `---` if it has one (a List
    /// item shares its List's).
    pub fn byte_range(&self) -> Range<usize> {
        self.bytes.clone()
    }

    /// 1-based line where the YAML document starts: its `---` if it has one, else its first
    /// token (comments before it are not counted).
    pub fn start_line(&self) -> usize {
        self.shared.source.line_at(self.bytes.start)
    }

    /// Index of the YAML document within its stream (0-based).
    pub fn stream_index(&self) -> usize {
        self.stream_index
    }

    /// `Some(n)` when this object is item `n` of a `kind: List`.
    pub fn list_item(&self) -> Option<usize> {
        self.prefix
            .strip_prefix("/items/")
            .and_then(|n| n.parse().ok())
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn source(&self) -> &Source {
        &self.shared.source
    }

    pub fn kind(&self) -> Option<&str> {
        self.value.get("kind").and_then(Value::as_str)
    }

    pub fn api_version(&self) -> Option<&str> {
        self.value.get("apiVersion").and_then(Value::as_str)
    }

    pub fn name(&self) -> Option<&str> {
        self.metadata_str("name")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata_str("namespace")
    }

    fn metadata_str(&self, field: &str) -> Option<&str> {
        self.value
            .get("metadata")
            .and_then(|m| m.get(field))
            .and_then(Value::as_str)
    }

    /// Line and spans of the value at `pointer` (RFC 6901, relative to this object), or of its
    /// nearest existing ancestor. The first call for a file parses it once more with positions.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let index = self.shared.index(self.stream_index)?;
        let full = format!("{}{}", self.prefix, pointer);
        let exact = index.get(&full).is_some();
        let pos = index.nearest(&full)?;
        Some(Location {
            line: pos.line,
            column: pos.column,
            bytes: pos.bytes.clone(),
            key_bytes: pos.key_bytes.clone(),
            exact,
        })
    }

    /// The line of a key (for `/metadata/name`, the line of `name:`), falling back to the value.
    pub fn line_of(&self, pointer: &str) -> usize {
        let Some(index) = self.shared.index(self.stream_index) else {
            return self.line;
        };
        let full = format!("{}{}", self.prefix, pointer);
        index
            .nearest(&full)
            .map(|p| p.key_line.unwrap_or(p.line))
            .unwrap_or(self.line)
    }
}

/// Whether an object is a list whose items are the objects to read, as kubectl reads it: a kind
/// ending in `List` (`List`, `SecretList`, …; `list` in any case) with an `items` array (or
/// `null`, an empty list). The one rule for every command.
pub fn is_list(value: &Value) -> bool {
    value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List") || k.eq_ignore_ascii_case("list"))
        && value
            .get("items")
            .is_some_and(|i| i.is_array() || i.is_null())
}

fn looks_like_json(source: &Source) -> bool {
    source.name().to_ascii_lowercase().ends_with(".json")
        || source.text().trim_start().starts_with(['{', '['])
}

/// Strict JSON that the YAML parser refused, read as a stream of JSON values (kubectl accepts
/// concatenated objects too), each with its first line; no inner positions.
/// Concatenated JSON values as documents: `Ok(None)` when the text is not such a stream,
/// `Err(line)` for the value past the document budget.
fn json_stream(source: &Source) -> Result<Option<Vec<tree::BuiltDoc>>, usize> {
    let text = source.text();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut docs = Vec::new();
    loop {
        let start = stream.byte_offset();
        let value = match stream.next() {
            None => break,
            Some(Ok(value)) => value,
            Some(Err(_)) => return Ok(None),
        };
        let end = stream.byte_offset();
        let lead = text
            .get(start..end)
            .map_or(0, |t| t.len() - t.trim_start().len());
        if docs.len() >= source.budget.documents {
            return Err(source.line_at(start + lead));
        }
        docs.push(tree::BuiltDoc {
            value,
            line: source.line_at(start + lead),
            bytes: start + lead..end,
            diagnostics: Vec::new(),
            index: PositionIndex::default(),
            item_lines: Vec::new(),
        });
    }
    Ok(Some(docs))
}

fn limit_error(source: &Source, failure: &tree::Failure) -> ManifestError {
    let file = source.name().to_owned();
    match failure.limit {
        Some(tree::Limit::Documents) => ManifestError::TooManyDocuments {
            file,
            line: failure.line,
            limit: source.budget.documents,
        },
        // not raisable, so reported as what it is to a reader: YAML this loader will not read
        Some(tree::Limit::Depth) => ManifestError::Yaml {
            file,
            line: failure.line,
            column: failure.column,
            message: failure.message.clone(),
        },
        _ => ManifestError::AliasExpansion {
            file,
            line: failure.line,
            limit: source.budget.bytes,
        },
    }
}

/// Splits a source into documents.
///
/// A YAML syntax error fails the whole source with its line and column. JSON is read by the
/// same YAML parser (JSON is YAML 1.2 flow style), which keeps positions; strict JSON that the
/// YAML parser refuses (concatenated objects, for one) is still accepted through serde_json,
/// without inner positions.
pub fn load(source: Source) -> Result<Manifest, ManifestError> {
    let (built, json_fallback) = match tree::parse_stream(source.text(), false, source.budget) {
        Ok(built) => (built, false),
        Err(failure) if failure.limit.is_some() => return Err(limit_error(&source, &failure)),
        Err(failure) => match json_stream(&source) {
            Ok(Some(docs)) if looks_like_json(&source) => (docs, true),
            Err(line) if looks_like_json(&source) => {
                return Err(ManifestError::TooManyDocuments {
                    file: source.name().to_owned(),
                    line,
                    limit: source.budget.documents,
                });
            }
            _ => {
                return Err(ManifestError::Yaml {
                    file: source.name().to_owned(),
                    line: failure.line,
                    column: failure.column,
                    message: failure.message,
                });
            }
        },
    };
    let shared = Arc::new(Shared {
        source,
        json_fallback,
        index: OnceLock::new(),
    });
    let mut documents = Vec::new();
    let mut empty = 0;
    for (stream_index, doc) in built.into_iter().enumerate() {
        if doc.value.is_null() {
            empty += 1;
            continue;
        }
        if !is_list(&doc.value) {
            documents.push(Document {
                value: doc.value,
                line: doc.line,
                bytes: doc.bytes,
                stream_index,
                prefix: String::new(),
                diagnostics: doc.diagnostics,
                shared: Arc::clone(&shared),
            });
            continue;
        }
        let items = match doc.value {
            Value::Object(mut map) => match map.remove("items") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        for (i, item) in items.into_iter().enumerate() {
            let prefix = format!("/items/{i}");
            let diagnostics = doc
                .diagnostics
                .iter()
                .filter_map(|d| {
                    let rest = d.pointer.strip_prefix(&prefix)?;
                    (rest.is_empty() || rest.starts_with('/')).then(|| Diagnostic {
                        pointer: rest.to_owned(),
                        ..d.clone()
                    })
                })
                .collect();
            let mut document = Document {
                value: item,
                line: doc.line,
                bytes: doc.bytes.clone(),
                stream_index,
                prefix,
                diagnostics,
                shared: Arc::clone(&shared),
            };
            // The line recorded by the first parse; locating would parse the whole source again.
            let recorded = doc.item_lines.get(i).copied().filter(|line| *line > 0);
            document.line = recorded
                .or_else(|| document.locate("").map(|l| l.line))
                .unwrap_or(doc.line);
            documents.push(document);
        }
    }
    Ok(Manifest { documents, empty })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn load_text(name: &str, text: &str) -> Manifest {
        match load(Source::from_text(name, text)) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// The lines of a List's items come from the first parse (no second parse with positions),
    /// and are the lines the position index gives, whatever the layout.
    #[test]
    fn list_item_lines_without_the_position_index() {
        let texts = [
            "kind: List\napiVersion: v1\nitems:\n- {kind: A}\n-\n  kind: B\n- &x {kind: C}\n- *x\n",
            "{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"A\"},\n\n  {\"kind\": \"B\"}]}\n",
            "---\nkind: List\nitems: []\n---\n# c\nkind: List\nitems:\n  - kind: A\n    items: [{kind: nested}]\n  - kind: B\n",
        ];
        for text in texts {
            let m = load_text("l.yaml", text);
            assert!(
                m.documents.iter().all(|d| d.shared.index.get().is_none()),
                "{text}"
            );
            let lines: Vec<usize> = m.documents.iter().map(Document::line).collect();
            let located: Vec<usize> = m
                .documents
                .iter()
                .map(|d| d.locate("").map_or(0, |l| l.line))
                .collect();
            assert_eq!(lines, located, "{text}");
            assert!(lines.iter().all(|l| *l > 1), "{text}: {lines:?}");
        }
    }

    #[test]
    fn lists_are_expanded_with_item_lines_and_pointers() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n    labels: {x: on}\n";
        let m = load_text("l.yaml", text);
        assert_eq!(m.documents.len(), 2);
        assert_eq!(m.documents[1].kind(), Some("Secret"));
        assert_eq!(m.documents[0].line(), 4);
        assert_eq!(m.documents[1].line(), 7);
        assert_eq!(m.documents[1].list_item(), Some(1));
        assert_eq!(m.documents[1].line_of("/metadata/name"), 10);
        let diags = m.documents[1].diagnostics();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pointer, "/metadata/labels/x");
        assert!(m.documents[0].diagnostics().is_empty());
    }

    /// kubectl's rule: any kind ending in `List` with `items` is a list, in YAML as in JSON.
    #[test]
    fn typed_lists_are_expanded_in_yaml_and_json() {
        let yaml = "apiVersion: v1\nkind: SecretList\nitems:\n- kind: Secret\n  metadata: {name: a}\n- kind: Secret\n  metadata: {name: b}\n";
        let json = "{\"apiVersion\": \"v1\", \"kind\": \"SecretList\", \"items\": [\n  {\"kind\": \"Secret\", \"metadata\": {\"name\": \"a\"}},\n  {\"kind\": \"Secret\", \"metadata\": {\"name\": \"b\"}}]}\n";
        for (name, text, lines) in [("l.yaml", yaml, [4, 6]), ("l.json", json, [2, 3])] {
            let m = load_text(name, text);
            let names: Vec<_> = m.documents.iter().map(Document::name).collect();
            assert_eq!(names, [Some("a"), Some("b")], "{name}");
            let got: Vec<_> = m.documents.iter().map(Document::line).collect();
            assert_eq!(got, lines, "{name}");
        }
        // `items` must be a list; a kind that only contains "List" is an object
        let m = load_text(
            "x.yaml",
            "kind: SecretList\nitems: {a: 1}\n---\nkind: Listing\nitems: []\n",
        );
        assert_eq!(m.documents.len(), 2);
    }

    #[test]
    fn concatenated_json_objects_are_documents() {
        let text = "{\"kind\": \"A\"}\n\n  {\"kind\": \"B\",\n \"x\": 1}{\"kind\": \"C\"}\n";
        let m = load_text("c.json", text);
        let kinds: Vec<_> = m.documents.iter().map(Document::kind).collect();
        assert_eq!(kinds, [Some("A"), Some("B"), Some("C")]);
        let lines: Vec<_> = m.documents.iter().map(Document::line).collect();
        assert_eq!(lines, [1, 3, 4]);
        assert_eq!(m.documents[2].start_line(), 4);
    }

    /// The document budget holds for concatenated JSON too, as the same limit error (it fell back
    /// to the YAML parser's error before), and a stream of exactly the limit is fine.
    #[test]
    fn concatenated_json_stops_at_the_document_budget() {
        let text = "{\"kind\": \"A\"}\n{\"kind\": \"B\"}\n{\"kind\": \"C\"}\n";
        let budget = |documents| Budget {
            bytes: 1 << 20,
            documents,
        };
        let three = load(Source::from_text("c.json", text).with_budget(budget(3)));
        assert_eq!(three.map(|m| m.documents.len()).ok(), Some(3));
        let two = load(Source::from_text("c.json", text).with_budget(budget(2)));
        assert!(
            matches!(
                two,
                Err(ManifestError::TooManyDocuments {
                    line: 3,
                    limit: 2,
                    ..
                })
            ),
            "{:?}",
            two.err()
        );
    }

    #[test]
    fn start_line_counts_the_document_marker() {
        let m = load_text("s.yaml", "# c\nkind: A\n---\n# c\nkind: B\n");
        let starts: Vec<_> = m.documents.iter().map(Document::start_line).collect();
        let lines: Vec<_> = m.documents.iter().map(Document::line).collect();
        assert_eq!((starts, lines), (vec![2, 3], vec![2, 5]));
    }

    #[test]
    fn source_debug_shows_no_text() {
        let source = Source::from_text("s.yaml", "stringData: {password: hunter2}\n");
        let shown = format!("{source:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("s.yaml"),
            "{shown}"
        );
    }

    #[test]
    fn empty_documents_are_counted() {
        let m = load_text("e.yaml", "---\n# nothing\n---\nkind: A\n---\nnull\n...\n");
        assert_eq!(m.documents.len(), 1);
        assert_eq!(m.empty, 2);
        assert_eq!(m.documents[0].line(), 4);
        assert_eq!(m.documents[0].stream_index(), 1);
    }

    #[test]
    fn locate_gives_line_column_and_byte_spans() {
        let text =
            "a: 1\n---\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: \"nginx\"\n";
        let m = load_text("p.yaml", text);
        let doc = &m.documents[1];
        let Some(loc) = doc.locate("/spec/containers/0/image") else {
            panic!("not located")
        };
        assert_eq!((loc.line, loc.column, loc.exact), (7, 12, true));
        assert_eq!(&text[loc.bytes.clone()], "\"nginx\"");
        let Some(key) = loc.key_bytes else {
            panic!("no key")
        };
        assert_eq!(&text[key], "image");
        let Some(missing) = doc.locate("/spec/containers/0/resources/limits") else {
            panic!("no ancestor")
        };
        assert_eq!((missing.line, missing.exact), (6, false));
        assert_eq!(
            &text[doc.byte_range()],
            "---\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: \"nginx\"\n"
        );
    }

    #[test]
    fn json_with_tabs_and_positions() {
        let text = "{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\"x\": [1,\n\t\t2]}\n}\n";
        let m = load_text("p.json", text);
        assert_eq!(
            m.documents[0].value(),
            &json!({"kind": "Pod", "spec": {"x": [1, 2]}})
        );
        assert_eq!(m.documents[0].locate("/spec/x/1").map(|l| l.line), Some(4));
    }

    #[test]
    fn yaml_errors_carry_file_line_column() {
        let err = load(Source::from_text("bad.yaml", "a: b\nc: [d\n")).err();
        let Some(ManifestError::Yaml { file, line, .. }) = err else {
            panic!("expected a YAML error")
        };
        assert_eq!(file, "bad.yaml");
        assert!(line >= 2);
    }

    #[test]
    fn binary_utf8_and_size_checks() {
        let bin = Source::from_bytes("b.yaml", b"a: \0".to_vec()).err();
        assert!(matches!(bin, Some(ManifestError::Binary { offset: 3, .. })));
        let latin1 = Source::from_bytes("l.yaml", b"a: \xe9t\xe9".to_vec()).err();
        assert!(matches!(
            latin1,
            Some(ManifestError::NotUtf8 { offset: 3, .. })
        ));
        let big = Source::read("<stdin>", &b"0123456789"[..], 5_u64).err();
        assert!(matches!(
            big,
            Some(ManifestError::TooLarge { limit: 5, .. })
        ));
        let ok = Source::read("<stdin>", &b"a: 1"[..], 5_u64);
        assert!(ok.is_ok());
    }

    #[test]
    fn diagnostics_display_says_what_to_do() {
        let m = load_text("d.yaml", "metadata:\n  labels:\n    enabled: no\n");
        let text = m.documents[0].diagnostics()[0].to_string();
        assert!(
            text.contains("boolean false") && text.contains("quote it"),
            "{text}"
        );
    }
}
