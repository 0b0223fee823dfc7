//! Source positions: JSON pointer → line, column and byte spans of a value and of its key.

use std::collections::HashMap;
use std::ops::Range;

/// Where one node sits in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePos {
    /// 1-based line of the value's first character.
    pub line: usize,
    /// 1-based column (in characters) of the value's first character.
    pub column: usize,
    /// Byte span of the value in the whole source (for a block collection, up to the next token).
    pub bytes: Range<usize>,
    /// Byte span of the mapping key that holds the value, if any.
    pub key_bytes: Option<Range<usize>>,
    /// 1-based line of that key.
    pub key_line: Option<usize>,
}

/// Positions of every node of one document, keyed by RFC 6901 JSON pointer (`""` = root).
#[derive(Debug, Clone, Default)]
pub struct PositionIndex {
    nodes: HashMap<String, NodePos>,
}

impl PositionIndex {
    pub(crate) fn insert(&mut self, pointer: String, pos: NodePos) {
        self.nodes.insert(pointer, pos);
    }

    /// The node at exactly this pointer.
    pub fn get(&self, pointer: &str) -> Option<&NodePos> {
        self.nodes.get(pointer)
    }

    /// The node at this pointer, or at its nearest existing ancestor (a missing required
    /// field is reported on the object that lacks it).
    pub fn nearest(&self, pointer: &str) -> Option<&NodePos> {
        let mut current = pointer;
        loop {
            if let Some(pos) = self.nodes.get(current) {
                return Some(pos);
            }
            let cut = current.rfind('/')?;
            current = &current[..cut];
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// Appends one reference token to a JSON pointer, escaped per RFC 6901.
pub fn push_pointer_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

/// saphyr markers count characters; slicing needs bytes. Markers arrive almost in order, so a
/// cursor that walks from the last answer costs O(distance), and ASCII text costs nothing.
pub(crate) struct CharToByte<'t> {
    text: &'t str,
    ascii: bool,
    char_pos: usize,
    byte_pos: usize,
}

impl<'t> CharToByte<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        CharToByte {
            text,
            ascii: text.is_ascii(),
            char_pos: 0,
            byte_pos: 0,
        }
    }

    pub(crate) fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.char_pos {
            let back = self.char_pos - char_index;
            let before = &self.text[..self.byte_pos];
            let moved: usize = before.chars().rev().take(back).map(char::len_utf8).sum();
            self.byte_pos -= moved;
            self.char_pos = char_index;
        } else if char_index > self.char_pos {
            let ahead = char_index - self.char_pos;
            let after = &self.text[self.byte_pos..];
            let mut taken = 0;
            let mut moved = 0;
            for c in after.chars().take(ahead) {
                moved += c.len_utf8();
                taken += 1;
            }
            self.byte_pos += moved;
            self.char_pos += taken;
        }
        self.byte_pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_are_escaped() {
        let mut p = String::new();
        push_pointer_segment(&mut p, "metadata");
        push_pointer_segment(&mut p, "app.kubernetes.io/name");
        push_pointer_segment(&mut p, "a~b");
        assert_eq!(p, "/metadata/app.kubernetes.io~1name/a~0b");
    }

    #[test]
    fn char_to_byte_walks_both_ways() {
        let text = "aé€b";
        let mut c = CharToByte::new(text);
        assert_eq!(c.byte(3), 6);
        assert_eq!(c.byte(1), 1);
        assert_eq!(c.byte(2), 3);
        assert_eq!(c.byte(4), 7);
        assert_eq!(c.byte(99), 7);
    }

    #[test]
    fn nearest_falls_back_to_ancestors() {
        let mut idx = PositionIndex::default();
        let pos = NodePos {
            line: 3,
            column: 1,
            bytes: 0..1,
            key_bytes: None,
            key_line: None,
        };
        idx.insert("/spec".to_owned(), pos.clone());
        assert_eq!(idx.nearest("/spec/template/x"), Some(&pos));
        assert_eq!(idx.nearest("/status"), None);
    }
}
