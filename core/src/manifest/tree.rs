//! YAML event stream → one JSON value per document, with diagnostics and (on demand) positions.
//!
//! One pass over saphyr-parser events. The same pass, with `record` on, fills the position index;
//! it is only run for files that need a line for a finding, so a clean run pays for values only.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Value};

use super::position::{CharToByte, NodePos, PositionIndex, push_pointer_segment};
use super::scalar::{key_string, resolve_plain};
use super::{Budget, Diagnostic, DiagnosticKind, MAX_DEPTH};

/// What one node costs besides its text, in the byte count of alias expansion: an alias to an
/// empty scalar still copies a JSON value.
const NODE_BYTES: u64 = 16;

pub(crate) struct BuiltDoc {
    pub value: Value,
    /// 1-based line of the first content token (or of `---` for an empty document).
    pub line: usize,
    pub bytes: Range<usize>,
    pub diagnostics: Vec<Diagnostic>,
    pub index: PositionIndex,
    /// 1-based line of each item of the root mapping's `items` sequence (a `kind: List`'s
    /// objects; 0 = not seen), kept without the position index, which would cost a second
    /// parse of the whole source that holds ~30x its size.
    pub item_lines: Vec<usize>,
}

/// Where and why the stream could not be read as YAML.
pub(crate) struct Failure {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Set when a budget limit, not the syntax, stopped the parse.
    pub limit: Option<Limit>,
}

/// Which limit of the [`Budget`] was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// Bytes copied by aliases (alias expansion is counted in bytes, not nodes: an alias to a
    /// long string costs its length, so a few kilobytes cannot expand to gigabytes).
    AliasBytes,
    Documents,
    /// Mappings and sequences nested deeper than [`MAX_DEPTH`], counting what aliases copy in.
    Depth,
}

struct KeySlot {
    name: String,
    span: Span,
    merge: bool,
}

enum Container {
    Map {
        map: Map<String, Value>,
        key: Option<KeySlot>,
        /// `<<` merge sources; explicit keys of this mapping win over them, whatever the order.
        merged: Vec<Map<String, Value>>,
    },
    Seq(Vec<Value>),
}

struct Frame {
    container: Container,
    anchor: usize,
    start: Marker,
    /// Bytes of the node built so far (text plus [`NODE_BYTES`] per node).
    bytes: u64,
    /// Nesting height of the node built so far: 1 for an empty collection.
    height: usize,
}

struct DocState {
    start: Marker,
    first_content: Option<Marker>,
    root: Option<Value>,
    diagnostics: Vec<Diagnostic>,
    index: PositionIndex,
    item_lines: Vec<usize>,
}

struct Anchored {
    value: Value,
    bytes: u64,
    height: usize,
}

struct Builder<'t> {
    chars: CharToByte<'t>,
    record: bool,
    stack: Vec<Frame>,
    /// Each anchor's value, its bytes and its nesting height.
    anchors: HashMap<usize, Anchored>,
    alias_bytes: u64,
    budget: Budget,
    doc: Option<DocState>,
    docs: Vec<BuiltDoc>,
}

pub(crate) fn parse_stream(
    text: &str,
    record: bool,
    budget: Budget,
) -> Result<Vec<BuiltDoc>, Failure> {
    let mut builder = Builder {
        chars: CharToByte::new(text),
        record,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_bytes: 0,
        budget,
        doc: None,
        docs: Vec::new(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| Failure {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_owned(),
            limit: None,
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.docs)
}

/// The failure for a node that would end deeper than [`MAX_DEPTH`].
fn too_deep(mark: Marker) -> Failure {
    let mut failure = failure_at(
        mark,
        format!("mappings and sequences nest deeper than {MAX_DEPTH} levels"),
    );
    failure.limit = Some(Limit::Depth);
    failure
}

fn failure_at(mark: Marker, message: impl Into<String>) -> Failure {
    Failure {
        line: mark.line(),
        column: mark.col() + 1,
        message: message.into(),
        limit: None,
    }
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Failure> {
        match event {
            Event::DocumentStart(_) => {
                // checked while streaming: a million empty documents stop at the limit, not at
                // the end of the stream
                if self.docs.len() >= self.budget.documents {
                    let mut failure = failure_at(
                        span.start,
                        format!("more than {} documents", self.budget.documents),
                    );
                    failure.limit = Some(Limit::Documents);
                    return Err(failure);
                }
                self.anchors.clear();
                self.doc = Some(DocState {
                    start: span.start,
                    first_content: None,
                    root: None,
                    diagnostics: Vec::new(),
                    index: PositionIndex::default(),
                    item_lines: Vec::new(),
                });
            }
            Event::DocumentEnd => self.end_document(span),
            Event::MappingStart(anchor, _) => {
                self.note_content(span.start);
                self.open_collection(span.start)?;
                self.stack.push(Frame {
                    container: Container::Map {
                        map: Map::new(),
                        key: None,
                        merged: Vec::new(),
                    },
                    anchor,
                    start: span.start,
                    bytes: NODE_BYTES,
                    height: 1,
                });
            }
            Event::SequenceStart(anchor, _) => {
                self.note_content(span.start);
                self.open_collection(span.start)?;
                self.stack.push(Frame {
                    container: Container::Seq(Vec::new()),
                    anchor,
                    start: span.start,
                    bytes: NODE_BYTES,
                    height: 1,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(failure_at(span.start, "unbalanced collection end"));
                };
                let value = match frame.container {
                    Container::Map {
                        mut map, merged, ..
                    } => {
                        for source in merged {
                            for (k, v) in source {
                                map.entry(k).or_insert(v);
                            }
                        }
                        Value::Object(map)
                    }
                    Container::Seq(items) => Value::Array(items),
                };
                self.complete(
                    value,
                    Span::new(frame.start, span.end),
                    frame.anchor,
                    (frame.bytes, frame.height),
                )?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.note_content(span.start);
                let expecting_key = matches!(
                    self.stack.last(),
                    Some(Frame {
                        container: Container::Map { key: None, .. },
                        ..
                    })
                );
                let value = if expecting_key {
                    self.scalar_key(&text, style, tag.as_deref(), span)
                } else {
                    self.scalar_value(&text, style, tag.as_deref(), span)
                };
                let bytes = NODE_BYTES.saturating_add(text.len() as u64);
                self.complete(value, span, anchor, (bytes, 0))?;
            }
            Event::Alias(id) => {
                self.note_content(span.start);
                // checked before the copy is made
                let Some((bytes, height)) = self.anchors.get(&id).map(|a| (a.bytes, a.height))
                else {
                    return Err(failure_at(span.start, "alias to an unknown anchor"));
                };
                if self.stack.len().saturating_add(height) > MAX_DEPTH {
                    return Err(too_deep(span.start));
                }
                self.alias_bytes = self.alias_bytes.saturating_add(bytes);
                if self.alias_bytes > self.budget.bytes {
                    let mut failure = failure_at(
                        span.start,
                        format!("aliases copy more than {} bytes", self.budget.bytes),
                    );
                    failure.limit = Some(Limit::AliasBytes);
                    return Err(failure);
                }
                let Some(value) = self.anchors.get(&id).map(|a| a.value.clone()) else {
                    return Err(failure_at(span.start, "alias to an unknown anchor"));
                };
                self.complete(value, span, 0, (bytes, height))?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Refuses a collection that would open deeper than [`MAX_DEPTH`]: every later stage
    /// (serde, the schema validator, Rego, drop) recurses once per level.
    fn open_collection(&mut self, mark: Marker) -> Result<(), Failure> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(mark));
        }
        Ok(())
    }

    fn note_content(&mut self, mark: Marker) {
        if let Some(doc) = self.doc.as_mut() {
            doc.first_content.get_or_insert(mark);
        }
    }

    fn end_document(&mut self, span: Span) {
        let Some(doc) = self.doc.take() else { return };
        let start = self.chars.byte(doc.start.index());
        let end = self.chars.byte(span.start.index()).max(start);
        let line = doc.first_content.unwrap_or(doc.start).line();
        self.docs.push(BuiltDoc {
            value: doc.root.unwrap_or(Value::Null),
            line,
            bytes: start..end,
            diagnostics: doc.diagnostics,
            index: doc.index,
            item_lines: doc.item_lines,
        });
    }

    fn scalar_key(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Value {
        if style != ScalarStyle::Plain || tag.is_some() || text == "<<" {
            return Value::String(text.to_owned());
        }
        // A key spelled `on:` is a boolean for kubectl and becomes the JSON key "true".
        let resolved = resolve_plain(text);
        if resolved.yaml11_bool {
            let value = resolved.value.as_bool().unwrap_or_default();
            let mut pointer = self.current_pointer();
            push_pointer_segment(&mut pointer, &key_string(&resolved.value));
            self.diagnose(
                DiagnosticKind::Yaml11Boolean {
                    text: text.to_owned(),
                    value,
                },
                pointer,
                span.start,
            );
        }
        resolved.value
    }

    fn scalar_value(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Value {
        if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
            return match tag.suffix.as_str() {
                "str" | "binary" | "timestamp" => Value::String(text.to_owned()),
                _ => resolve_plain(text).value,
            };
        }
        if style != ScalarStyle::Plain {
            return Value::String(text.to_owned());
        }
        let resolved = resolve_plain(text);
        if resolved.yaml11_bool {
            let value = resolved.value.as_bool().unwrap_or_default();
            let pointer = self.current_pointer();
            self.diagnose(
                DiagnosticKind::Yaml11Boolean {
                    text: text.to_owned(),
                    value,
                },
                pointer,
                span.start,
            );
        }
        resolved.value
    }

    fn diagnose(&mut self, kind: DiagnosticKind, pointer: String, mark: Marker) {
        if let Some(doc) = self.doc.as_mut() {
            doc.diagnostics.push(Diagnostic {
                kind,
                pointer,
                line: mark.line(),
                column: mark.col() + 1,
            });
        }
    }

    /// JSON pointer of the slot the next completed node fills.
    fn current_pointer(&self) -> String {
        let mut pointer = String::new();
        for frame in &self.stack {
            match &frame.container {
                Container::Map { key: Some(key), .. } => {
                    push_pointer_segment(&mut pointer, &key.name)
                }
                Container::Map { key: None, .. } => {}
                Container::Seq(items) => {
                    push_pointer_segment(&mut pointer, &items.len().to_string())
                }
            }
        }
        pointer
    }

    /// `Some(n)` when the node being completed is item `n` of the root mapping's `items`.
    fn list_item_index(&self) -> Option<usize> {
        match self.stack.as_slice() {
            [
                Frame {
                    container: Container::Map { key: Some(key), .. },
                    ..
                },
                Frame {
                    container: Container::Seq(items),
                    ..
                },
            ] if key.name == "items" => Some(items.len()),
            _ => None,
        }
    }

    fn complete(
        &mut self,
        value: Value,
        span: Span,
        anchor: usize,
        (bytes, height): (u64, usize),
    ) -> Result<(), Failure> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    bytes,
                    height,
                },
            );
        }
        let is_key = matches!(
            self.stack.last(),
            Some(Frame {
                container: Container::Map { key: None, .. },
                ..
            })
        );
        if self.record && !is_key {
            let pointer = self.current_pointer();
            let key_span = match self.stack.last() {
                Some(Frame {
                    container: Container::Map { key: Some(k), .. },
                    ..
                }) => Some(k.span),
                _ => None,
            };
            let pos = NodePos {
                line: span.start.line(),
                column: span.start.col() + 1,
                bytes: self.chars.byte(span.start.index())..self.chars.byte(span.end.index()),
                key_bytes: key_span
                    .map(|k| self.chars.byte(k.start.index())..self.chars.byte(k.end.index())),
                key_line: key_span.map(|k| k.start.line()),
            };
            if let Some(doc) = self.doc.as_mut() {
                doc.index.insert(pointer, pos);
            }
        }
        if let Some(n) = self.list_item_index()
            && let Some(doc) = self.doc.as_mut()
        {
            if doc.item_lines.len() <= n {
                doc.item_lines.resize(n + 1, 0);
            }
            if let Some(line) = doc.item_lines.get_mut(n) {
                *line = span.start.line();
            }
        }
        let Some(parent) = self.stack.last_mut() else {
            if let Some(doc) = self.doc.as_mut() {
                doc.root = Some(value);
            }
            return Ok(());
        };
        parent.bytes = parent.bytes.saturating_add(bytes);
        parent.height = parent.height.max(height.saturating_add(1));
        match &mut parent.container {
            Container::Seq(items) => items.push(value),
            Container::Map {
                key: slot @ None, ..
            } => {
                if value.is_object() || value.is_array() {
                    return Err(failure_at(
                        span.start,
                        "a mapping or sequence cannot be a mapping key",
                    ));
                }
                let merge = value.as_str() == Some("<<");
                *slot = Some(KeySlot {
                    name: key_string(&value),
                    span,
                    merge,
                });
            }
            Container::Map {
                map,
                key: slot @ Some(_),
                merged,
            } => {
                let Some(key) = slot.take() else {
                    return Ok(());
                };
                if key.merge {
                    match value {
                        Value::Object(source) => merged.push(source),
                        // `<<: [*a, *b]`: the first mapping listed wins, as in go-yaml.
                        Value::Array(sources) => {
                            merged.extend(sources.into_iter().filter_map(|s| match s {
                                Value::Object(m) => Some(m),
                                _ => None,
                            }))
                        }
                        _ => {
                            return Err(failure_at(
                                key.span.start,
                                "`<<` merge key needs a mapping or a list of mappings",
                            ));
                        }
                    }
                    return Ok(());
                }
                let duplicate = map.contains_key(&key.name);
                map.insert(key.name.clone(), value);
                if duplicate {
                    let mut pointer = self.current_pointer();
                    push_pointer_segment(&mut pointer, &key.name);
                    self.diagnose(
                        DiagnosticKind::DuplicateKey { key: key.name },
                        pointer,
                        key.span.start,
                    );
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs(text: &str) -> Vec<BuiltDoc> {
        match parse_stream(text, true, Budget::default()) {
            Ok(d) => d,
            Err(f) => panic!("parse failed at {}:{}: {}", f.line, f.column, f.message),
        }
    }

    #[test]
    fn multi_document_values_and_lines() {
        let d = docs("# c\na: 1\n---\nb: [x, 'y']\n---\n---\n# only a comment\n");
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].value, json!({"a": 1}));
        assert_eq!(d[0].line, 2);
        assert_eq!(d[1].value, json!({"b": ["x", "y"]}));
        assert_eq!(d[1].line, 4);
        assert_eq!(d[2].value, Value::Null);
        assert_eq!(d[3].value, Value::Null);
    }

    #[test]
    fn duplicate_keys_are_diagnosed_and_last_wins() {
        let d = docs("metadata:\n  name: a\n  name: b\n");
        assert_eq!(d[0].value, json!({"metadata": {"name": "b"}}));
        assert_eq!(d[0].diagnostics.len(), 1);
        let diag = &d[0].diagnostics[0];
        assert_eq!(diag.pointer, "/metadata/name");
        assert_eq!((diag.line, diag.column), (3, 3));
        assert!(matches!(&diag.kind, DiagnosticKind::DuplicateKey { key } if key == "name"));
    }

    #[test]
    fn yaml11_booleans_are_diagnosed_with_their_pointer() {
        let d = docs("labels:\n  a: yes\n  b: \"yes\"\nlist:\n- off\n");
        assert_eq!(
            d[0].value,
            json!({"labels": {"a": true, "b": "yes"}, "list": [false]})
        );
        let pointers: Vec<&str> = d[0]
            .diagnostics
            .iter()
            .map(|x| x.pointer.as_str())
            .collect();
        assert_eq!(pointers, ["/labels/a", "/list/0"]);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let d = docs("base: &b {p: 1, q: 2}\nother:\n  <<: *b\n  q: 3\nsame: *b\n");
        assert_eq!(
            d[0].value,
            json!({"base": {"p": 1, "q": 2}, "other": {"q": 3, "p": 1}, "same": {"p": 1, "q": 2}})
        );
        assert!(d[0].diagnostics.is_empty());
    }

    #[test]
    fn positions_of_values_and_keys() {
        let text = "a:\n  b: [1, 2]\n  c: é\n  d: x\n";
        let d = docs(text);
        let idx = &d[0].index;
        let b1 = idx.get("/a/b/1").map(|p| (p.line, p.column));
        assert_eq!(b1, Some((2, 10)));
        let dpos = idx.get("/a/d").map(|p| p.bytes.clone());
        let Some(range) = dpos else { panic!("no /a/d") };
        assert_eq!(&text[range], "x");
        let key = idx.get("/a/c").and_then(|p| p.key_bytes.clone());
        let Some(key) = key else {
            panic!("no key span")
        };
        assert_eq!(&text[key], "c");
    }

    #[test]
    fn keys_that_kubectl_reads_as_booleans_become_strings() {
        let d = docs("on: push\n1: one\n");
        assert_eq!(d[0].value, json!({"true": "push", "1": "one"}));
        assert_eq!(d[0].diagnostics.len(), 1);
        assert_eq!(d[0].diagnostics[0].pointer, "/true");
    }

    #[test]
    fn complex_keys_and_bad_yaml_fail_with_position() {
        let err = parse_stream("? [a]\n: b\n", false, Budget::default()).err();
        assert!(err.is_some_and(|f| f.line == 1));
        let err = parse_stream("a: b\n  c: d\n", false, Budget::default()).err();
        assert!(
            err.is_some_and(|f| f.line == 2),
            "bad indentation must point at line 2"
        );
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let failure = parse_stream(&text, false, Budget::default()).err();
        assert_eq!(failure.and_then(|f| f.limit), Some(Limit::AliasBytes));
    }

    /// A 10 KB string behind aliases nested 10 deep: few nodes, gigabytes of text. Counted in
    /// bytes, it stops at the budget before anything big is built.
    #[test]
    fn aliases_of_long_strings_are_counted_in_bytes() {
        let mut text = format!("a0: &a0 \"{}\"\n", "x".repeat(10_000));
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let failure = parse_stream(&text, false, Budget::default()).err();
        assert_eq!(failure.and_then(|f| f.limit), Some(Limit::AliasBytes));
        // a few aliases of the string are fine
        let small = format!("a: &a \"{}\"\nb: [*a, *a, *a]\n", "x".repeat(10_000));
        assert!(parse_stream(&small, false, Budget::default()).is_ok());
    }

    /// `depth` collections nested in flow style, `[[…]]`, or block style, `- - - …`.
    fn nested(depth: usize, flow: bool) -> String {
        if flow {
            format!("{}{}\n", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}x\n", "- ".repeat(depth))
        }
    }

    /// The fuzzer's input that overflowed the stack after parsing (2,245 `- `): refused with
    /// the line where the limit was crossed, in both styles, from exactly MAX_DEPTH + 1 on.
    /// (saphyr's scanner refuses flow nesting past 2,000 by itself, reading ahead of us.)
    #[test]
    fn nesting_is_refused_past_max_depth() {
        for flow in [false, true] {
            assert!(parse_stream(&nested(MAX_DEPTH, flow), false, Budget::default()).is_ok());
            let failure = parse_stream(&nested(MAX_DEPTH + 1, flow), false, Budget::default());
            let failure = failure.err();
            assert_eq!(failure.as_ref().and_then(|f| f.limit), Some(Limit::Depth));
            assert_eq!(failure.map(|f| f.line), Some(1));
            for depth in [2_245, 100_000] {
                let failure = parse_stream(&nested(depth, flow), false, Budget::default()).err();
                assert_eq!(failure.map(|f| f.line), Some(1), "{depth} deep");
            }
        }
    }

    /// Aliases build depth without nesting events: two 100-deep halves make one 200-deep value.
    #[test]
    fn nesting_built_from_aliases_is_counted() {
        let half = |tail: &str| format!("{}{tail}{}", "[".repeat(99), "]".repeat(99));
        let text = format!("a: &a {}\nb: {}\n", half("1"), half("*a"));
        let failure = parse_stream(&text, false, Budget::default()).err();
        assert_eq!(failure.as_ref().and_then(|f| f.limit), Some(Limit::Depth));
        assert_eq!(failure.map(|f| f.line), Some(2));
        let fits = format!("a: &a {}\nb: [*a]\n", half("1"));
        assert!(parse_stream(&fits, false, Budget::default()).is_ok());
    }

    #[test]
    fn documents_are_counted_while_streaming() {
        let text = "---\n".repeat(50);
        let budget = Budget {
            bytes: 1 << 20,
            documents: 10,
        };
        let failure = parse_stream(&text, false, budget).err();
        assert_eq!(
            failure.as_ref().and_then(|f| f.limit),
            Some(Limit::Documents)
        );
        assert_eq!(failure.map(|f| f.line), Some(11));
    }

    #[test]
    fn many_documents_are_not_an_alias_bomb() {
        let text = "kind: ConfigMap\nmetadata:\n  name: a\n  labels: {x: y}\ndata:\n  k: v\n---\n"
            .repeat(300_000);
        // the trailing `---` opens one more, empty, document
        assert_eq!(
            parse_stream(
                &text,
                false,
                Budget {
                    bytes: u64::MAX,
                    documents: 400_000
                }
            )
            .map(|d| d.len())
            .ok(),
            Some(300_001)
        );
    }

    #[test]
    fn core_schema_tags() {
        let d = docs("a: !!str 123\nb: !!int \"7\"\nc: !custom yes\n");
        assert_eq!(d[0].value, json!({"a": "123", "b": 7, "c": true}));
    }
}
