//! conftest's `hcl1` parser: a file read by `hcl.Unmarshal` of github.com/hashicorp/hcl v1.0.0
//! into Go's `any`, as the JSON conftest v0.71.1 prints of it. conftest never picks it by a
//! usual file name (`.hcl`, `.tf` go to `hcl2`), only for `--parser hcl1` and a `.hcl1` extension.
//!
//! The library is ported by hand, file for file (no crate reads HCL 1: `hcl-rs` is HCL 2):
//! `lex.go` (a text whose first non-space character is `{` is JSON, else HCL), the HCL scanner and
//! parser (`hcl/scanner`, `hcl/parser`: what each accepts, where a token ends, which errors the
//! parser swallows), its JSON scanner, parser and flattening (`json/…`: `{"a": {"b": {…}}}` becomes
//! `a "b" {…}`), the unquoting of `hcl/strconv` and `hcl/token` (`${…}` kept verbatim, heredocs),
//! and `decoder.go`'s decoding into an interface, whose shape is its own: an object is a list of
//! objects (`resource "a" "b" {}` is `{"resource": [{"a": [{"b": [{}]}]}]}`) except at the top
//! and inside a list; a repeated key adds to the list or, for values, decodes into the type of the
//! earlier value (`a = "x"` then `a = 1` gives `"1"`; `a = 1` then `a = "x"` is an error).
//!
//! Go's map keys match case-insensitively (`strings.EqualFold`) where the decoder filters items;
//! here by single-character case mappings, which agree with Go's simple folding but for a few
//! letters (the Turkish dotless `ı`). Nesting ([`MAX_NESTING`]), the decoder's depth
//! ([`MAX_DECODE_DEPTH`]) and its work ([`work_budget`]: keys differing only in case are decoded
//! once per spelling) are bounded against hostile input; the library bounds none of them.

use serde_json::Value;

mod decode;
mod json;
mod parser;
mod scanner;
mod strconv;

/// Deepest nesting of objects and lists the parsers read; real files stay far below it.
const MAX_NESTING: usize = 128;

/// Deepest the decoder goes (each key of a block and each object or list is a level or two).
const MAX_DECODE_DEPTH: usize = 512;

/// Decoding steps allowed for a text of `len` bytes: a real file takes about one per byte.
fn work_budget(len: usize) -> usize {
    len.saturating_mul(16).saturating_add(100_000)
}

/// Parses `text` as conftest's hcl1 parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let (items, src) = if is_json(text) {
        (json::parse(text), text.to_string())
    } else {
        // The HCL parser reads the text with CRLF line ends made LF.
        let src = text.replace("\r\n", "\n");
        (parser::parse(&src), src)
    };
    let items = items.map_err(|e| anyhow::anyhow!("hcl1: {}", e.locate(&src)))?;
    decode::decode(&items, work_budget(text.len()))
        .map_err(|e| anyhow::anyhow!("hcl1: {}", e.locate(&src)))
}

/// lex.go's `lexMode`: JSON when the first character that is not `unicode.IsSpace` is `{`.
fn is_json(text: &str) -> bool {
    text.chars().find(|c| !c.is_whitespace()) == Some('{')
}

/// A literal's kind (the scanner's token types for values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lit {
    Number,
    Float,
    Bool,
    String,
    Heredoc,
}

/// A literal value as the parsers give it: its kind and source text, unquoted only when decoded
/// (as `token.Value` does).
#[derive(Debug, Clone)]
struct Literal {
    kind: Lit,
    text: String,
    /// A JSON string (unquoted by Go's `strconv.Unquote`, not HCL's); JSON `null` is a JSON
    /// string with empty text.
    json: bool,
    /// Byte offset in the source, for errors.
    pos: usize,
}

/// An object key: an identifier, or a string to unquote.
#[derive(Debug, Clone)]
struct Key {
    text: String,
    quoted: bool,
    json: bool,
    pos: usize,
}

/// `ast.Node` as the decoder sees it.
#[derive(Debug, Clone)]
enum Node {
    Literal(Literal),
    List(Vec<Node>),
    /// An object (`ast.ObjectType`) and its items; the file itself is a list of items.
    Object(Vec<Item>),
}

/// `ast.ObjectItem`: keys (`a "b" "c" {…}` has three) and the value.
#[derive(Debug, Clone)]
struct Item {
    keys: Vec<Key>,
    val: Node,
}

/// An error of the scanner, parser or decoder: what, and where in the source when known.
#[derive(Debug)]
struct Error {
    what: String,
    pos: Option<usize>,
}

impl Error {
    fn at(pos: usize, what: impl Into<String>) -> Error {
        Error {
            what: what.into(),
            pos: Some(pos),
        }
    }

    fn new(what: impl Into<String>) -> Error {
        Error {
            what: what.into(),
            pos: None,
        }
    }

    /// The message, with the line and column (in characters, from 1) of its position in `src`.
    fn locate(&self, src: &str) -> String {
        let Some(pos) = self.pos else {
            return self.what.clone();
        };
        let before = src.get(..pos.min(src.len())).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("line {line}, column {column}: {}", self.what)
    }
}

/// Go's string from bytes as encoding/json prints it: each byte of an invalid sequence becomes
/// U+FFFD.
fn go_string(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for _ in chunk.invalid() {
                    out.push('\u{FFFD}');
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(text: &str) -> Value {
        parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn blocks_are_lists_of_objects_and_labels_nest() {
        assert_eq!(
            ok(
                "provider \"google\" {\n  project = \"p\"\n}\nresource \"a\" \"x\" { n = 1 }\nresource \"a\" \"y\" { n = 2 }\nterraform { v = true }\n"
            ),
            json!({
                "provider": [{"google": [{"project": "p"}]}],
                "resource": [{"a": [{"x": [{"n": 1}]}]}, {"a": [{"y": [{"n": 2}]}]}],
                "terraform": [{"v": true}],
            })
        );
    }

    #[test]
    fn values_lists_and_objects_in_lists() {
        assert_eq!(
            ok(
                "a = 1\nb = 1.5\nc = \"s ${x[\"k\"]} \\t\"\nd = [1, \"two\", {x = 1}, [3]]\ne = 0x1F\nf = 017\ng = -2\nh = true\n"
            ),
            json!({"a": 1, "b": 1.5, "c": "s ${x[\"k\"]} \t", "d": [1, "two", {"x": 1}, [3]],
                   "e": 31, "f": 15, "g": -2, "h": true})
        );
    }

    #[test]
    fn repeated_keys_follow_the_first_value() {
        assert_eq!(ok("a = \"x\"\na = 1\n"), json!({"a": "1"}));
        assert_eq!(ok("a = 1\na = 2\n"), json!({"a": 2}));
        assert_eq!(
            ok("b = [1]\nb { x = 1 }\nc {}\nc { y = 2 }\n"),
            json!({"b": [1, {"x": 1}], "c": [{}, {"y": 2}]})
        );
        assert!(parse("a = 1\na = \"x\"\n").is_err());
        assert!(parse("a { x = 1 }\na \"b\" {}\n").is_err());
    }

    #[test]
    fn heredocs() {
        assert_eq!(
            ok("a = <<EOF\nline\n  two\nEOF\nb = <<-EOT\n    x\n      y\n    EOT\n"),
            json!({"a": "line\n  two\n", "b": "x\n  y\n"})
        );
        assert!(parse("a = <<EOF\nno end\n").is_err());
    }

    #[test]
    fn json_input_is_flattened() {
        assert_eq!(
            ok(
                "{\"resource\": {\"aws\": {\"web\": {\"ami\": \"x\", \"n\": 1.0}}}, \"l\": [{\"a\": 1}, {\"b\": null}]}"
            ),
            json!({"resource": [{"aws": [{"web": [{"ami": "x", "n": 1.0}]}]}],
                   "l": [{"a": 1}, {"b": ""}]})
        );
        // The JSON reader stops at the end of the first object, as the library's does.
        assert_eq!(ok("{\"a\": 1} trailing"), json!({"a": 1}));
    }

    #[test]
    fn empty_and_comments() {
        assert_eq!(ok(""), json!({}));
        assert_eq!(ok("# c\n// d\n/* e */\n"), json!({}));
        // A dangling assignment at the end is dropped, as the library drops it.
        assert_eq!(ok("a = 1\nb =\n"), json!({"a": 1}));
    }

    #[test]
    fn refusals_name_line_and_column_never_a_value() {
        for (text, at) in [
            ("a = 1\nb = \"PLANTED\n", "line 2"),
            ("a = 1\nPLANTED\n", "line 3"),
            ("a = [1 2]\n", "line 1, column 8"),
            ("a = \"\\q PLANTED\"\n", "line 1"),
            ("x = \"\\400 PLANTED\"\n", "line 1, column 5"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(at), "{text:?}: {e}");
            assert!(!e.contains("PLANTED"), "{text:?}: {e}");
        }
    }

    #[test]
    fn hostile_nesting_and_expansion_are_refused() {
        let deep = format!(
            "a = {}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        assert!(parse(&deep).unwrap_err().to_string().contains("nested"));
        let keys = format!("a {} {{}}", "b ".repeat(MAX_DECODE_DEPTH));
        assert!(parse(&keys).unwrap_err().to_string().contains("deep"));
        let keys = format!("a {} {{}}", "b ".repeat(MAX_DECODE_DEPTH / 2 + 1));
        assert!(parse(&keys).unwrap_err().to_string().contains("deeper"));
        // The deepest nesting the parser reads still decodes.
        let blocks = format!(
            "{}{}",
            "a {\n".repeat(MAX_NESTING),
            "}\n".repeat(MAX_NESTING)
        );
        assert!(parse(&blocks).is_ok());
        let json = format!(
            "{}{}",
            "{\"a\":".repeat(MAX_NESTING + 1),
            "}".repeat(MAX_NESTING + 1)
        );
        assert!(parse(&json).is_err());
        // Keys differing only in case are each decoded once per spelling (quadratic).
        let mut spellings = String::new();
        for i in 0..2048u32 {
            let key: String = (0..11)
                .map(|b| if i >> b & 1 == 1 { 'K' } else { 'k' })
                .collect();
            spellings.push_str(&format!("{key} \"l\" {{}}\n"));
        }
        assert!(
            parse(&spellings)
                .unwrap_err()
                .to_string()
                .contains("budget")
        );
    }
}
