//! conftest's `vcl` parser: a Varnish configuration as the JSON conftest v0.71.1 prints, which is
//! what github.com/KeisukeYamashita/go-vcl v0.4.0's `vcl.Decode` makes of it in a
//! `map[string]any` (`internal/traversal` and `decodeProgramToMap`/`decodeBlockToMap` of
//! `internal/decoder`), ported with its lexer ([`lexer`]) and parser ([`parser`]).
//!
//! The shape, as go-vcl builds it: top-level `name = value` attributes by name; blocks by their
//! keyword (`backend`, `acl`, `sub`…), then by their first label, each either an object of its
//! attributes (`.host` read as `host`) and inner blocks, wrapped in one object per further label,
//! or, when it holds neither, the array of its bare values (`"127.0.0.1";` in an `acl`, `{ … }`
//! groups as go-vcl's own `Block` structure). An inner block type that occurs once is an object
//! (labels dropped), several times an array of objects wrapped by their labels. Values: strings,
//! integers (`060` octal, as Go's `ParseInt` base 0), booleans, `50%` and identifiers as strings,
//! a CIDR as `"10.0.0.0"/8` with its quotes. A later attribute of the same name wins, and so does
//! a later block of the same type and first label. Text that is not a statement is skipped, as
//! go-vcl skips it (it collects parse errors and never returns them).
//!
//! Where go-vcl panics, this parser refuses the file with one message: a file with no attribute
//! or block at the top, an empty comment (`#` at a line's end), an assignment of anything but a
//! literal or a block (`x = a + b`), a block with a body but no label at the top, a `backend x;`
//! without a body. Where it loops forever (a block header running to the end of the file) or
//! recurses without bound, this parser refuses too ([`parser::MAX_DEPTH`]). Strings are bytes in
//! go-vcl; a byte that is not UTF-8 once cut out (a comment's dropped first byte) becomes U+FFFD
//! as Go's JSON encoder makes it.

use serde_json::{Map, Number, Value};

use super::go_unicode::json_string as go_string;

use parser::{BlockExpr, Expr, Parser, Stmt, Stop};

mod lexer;
mod parser;

/// Parses `text` as conftest's vcl parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let input = text.as_bytes();
    let at = |offset: usize| {
        1 + input[..offset.min(input.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
    };
    let program = Parser::new(input)
        .and_then(|mut p| p.program())
        .map_err(|stop| match stop {
            Stop::EmptyComment(o) => anyhow::anyhow!("vcl: line {}: empty comment", at(o)),
            Stop::UnendedBlockHeader(o) => anyhow::anyhow!(
                "vcl: line {}: block header without `{{` or `;` before the end of the file",
                at(o)
            ),
            Stop::TooDeep(o) => anyhow::anyhow!(
                "vcl: line {}: nested deeper than {} levels",
                at(o),
                parser::MAX_DEPTH
            ),
        })?;
    let body = convert_body(&program).map_err(|e| anyhow::anyhow!("vcl: {e}"))?;
    top_level(&body).map_err(|e| anyhow::anyhow!("vcl: {e}"))
}

/// An attribute's value (go-vcl's `schema.Attribute.Value`).
#[derive(Debug, Clone)]
enum Scalar {
    Str(Vec<u8>),
    Int(i64),
    Bool(bool),
}

/// go-vcl's `schema.BodyContent`: attributes (a Go map: the last of a name wins; `None` for a
/// field whose value is not a string), blocks, bare values, comments.
#[derive(Debug, Default)]
struct Body {
    attributes: Vec<(Vec<u8>, Option<Scalar>)>,
    blocks: Vec<Block>,
    flats: Vec<Flat>,
    comments: Vec<Vec<u8>>,
}

impl Body {
    fn set(&mut self, name: &[u8], value: Option<Scalar>) {
        match self.attributes.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.attributes.push((name.to_vec(), value)),
        }
    }
}

/// go-vcl's `schema.Block`; `labels` is Go's nil slice when `None`.
#[derive(Debug)]
struct Block {
    kind: Vec<u8>,
    labels: Option<Vec<Vec<u8>>>,
    body: Body,
}

#[derive(Debug)]
enum Flat {
    Scalar(Scalar),
    Block(Block),
}

/// go-vcl's `traversal.convertBody`.
fn convert_body(stmts: &[Stmt]) -> Result<Body, &'static str> {
    let mut body = Body::default();
    for stmt in stmts {
        match stmt {
            Stmt::Assign { name, value } => match value {
                Some(Expr::Block(b)) => body.blocks.push(Block {
                    kind: name.clone(),
                    labels: None,
                    body: block_body(b)?,
                }),
                Some(e) => {
                    let v = scalar(e, true).ok_or("an assignment of an expression")?;
                    body.set(name, Some(v));
                }
                None => return Err("an assignment without a value"),
            },
            Stmt::Field { name, value } => {
                let v = match value {
                    Some(Expr::Str(s)) => Some(Scalar::Str(s.clone())),
                    _ => None,
                };
                body.set(name, v);
            }
            Stmt::Expr(Some(Expr::Block(b))) => {
                let block = Block {
                    kind: b.token.clone(),
                    labels: (!b.labels.is_empty()).then(|| b.labels.clone()),
                    body: block_body(b)?,
                };
                if block.kind == b"{" {
                    body.flats.push(Flat::Block(block));
                } else {
                    body.blocks.push(block);
                }
            }
            Stmt::Expr(Some(e)) => {
                if let Some(v) = scalar(e, false) {
                    body.flats.push(Flat::Scalar(v));
                }
            }
            Stmt::Comment(c) => body.comments.push(c.clone()),
            Stmt::Expr(None) | Stmt::Ignored => {}
        }
    }
    Ok(body)
}

fn block_body(b: &BlockExpr) -> Result<Body, &'static str> {
    // go-vcl dereferences the missing body of `backend x;`.
    convert_body(b.body.as_deref().ok_or("a block without a body")?)
}

/// A literal as an attribute value (`assigned`: percentages and identifiers too) or as a bare
/// value (strings, CIDRs, booleans and integers only).
fn scalar(e: &Expr, assigned: bool) -> Option<Scalar> {
    match e {
        Expr::Str(s) | Expr::Cidr(s) => Some(Scalar::Str(s.clone())),
        Expr::Percentage(s) | Expr::Ident(s) if assigned => Some(Scalar::Str(s.clone())),
        Expr::Bool(b) => Some(Scalar::Bool(*b)),
        Expr::Int(i) => Some(Scalar::Int(*i)),
        _ => None,
    }
}

/// `decodeProgramToMap`.
fn top_level(body: &Body) -> Result<Value, &'static str> {
    if body.attributes.is_empty() && body.blocks.is_empty() {
        // go-vcl sets the map to reflect's zero Value, which panics.
        return Err("no attribute or block at the top level");
    }
    let mut out = Map::new();
    for (name, value) in &body.attributes {
        if let Some(v) = value {
            out.insert(go_string(name), scalar_json(v));
        }
    }
    for (kind, blocks) in by_type(&body.blocks) {
        let mut by_label = Map::new();
        for block in blocks {
            let labels = block.labels.as_deref().unwrap_or_default();
            let first = labels.first().map(|l| go_string(l)).unwrap_or_default();
            let content = &block.body;
            let value = if !content.attributes.is_empty() || !content.blocks.is_empty() {
                // go-vcl slices `Labels[1:]`, which panics on a block without labels.
                let rest = labels
                    .get(1..)
                    .ok_or("a block without a label at the top level")?;
                rest.iter()
                    .fold(block_to_map(block), |v, label| wrap(label, v))
            } else {
                Value::Array(content.flats.iter().map(flat_json).collect())
            };
            by_label.insert(first, value);
        }
        out.insert(go_string(kind), Value::Object(by_label));
    }
    Ok(Value::Object(out))
}

/// `decodeBlockToMap`: attributes (names trimmed of `.`), inner blocks by type.
fn block_to_map(block: &Block) -> Value {
    let mut out = Map::new();
    for (name, value) in &block.body.attributes {
        let key = go_string(trim_dots(name));
        match value {
            Some(v) => out.insert(key, scalar_json(v)),
            None => out.remove(&key),
        };
    }
    for (kind, blocks) in by_type(&block.body.blocks) {
        let value = match blocks.as_slice() {
            [one] => block_to_map(one),
            many => Value::Array(
                many.iter()
                    .map(|b| {
                        let labels = b.labels.as_deref().unwrap_or_default();
                        labels.iter().fold(block_to_map(b), |v, l| wrap(l, v))
                    })
                    .collect(),
            ),
        };
        out.insert(go_string(kind), value);
    }
    Value::Object(out)
}

fn wrap(label: &[u8], inner: Value) -> Value {
    let mut m = Map::new();
    m.insert(go_string(label), inner);
    Value::Object(m)
}

fn trim_dots(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| *b != b'.').unwrap_or(s.len());
    let end = s.iter().rposition(|b| *b != b'.').map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

/// `Blocks.ByType`: blocks grouped by type, types in order of first appearance.
fn by_type(blocks: &[Block]) -> Vec<(&[u8], Vec<&Block>)> {
    let mut out: Vec<(&[u8], Vec<&Block>)> = Vec::new();
    for b in blocks {
        match out.iter_mut().find(|(k, _)| *k == b.kind.as_slice()) {
            Some((_, list)) => list.push(b),
            None => out.push((&b.kind, vec![b])),
        }
    }
    out
}

fn scalar_json(v: &Scalar) -> Value {
    match v {
        Scalar::Str(s) => Value::String(go_string(s)),
        // conftest's JSON round trip reads every number as a float64.
        Scalar::Int(i) => Number::from_f64(*i as f64).map_or(Value::Null, Value::Number),
        Scalar::Bool(b) => Value::Bool(*b),
    }
}

fn flat_json(f: &Flat) -> Value {
    match f {
        Flat::Scalar(s) => scalar_json(s),
        Flat::Block(b) => schema_block_json(b),
    }
}

/// A `{ … }` group among bare values: go-vcl's `*schema.Block` as `encoding/json` prints it.
fn schema_block_json(b: &Block) -> Value {
    let labels = b.labels.as_ref().map_or(Value::Null, |ls| {
        Value::Array(ls.iter().map(|l| Value::String(go_string(l))).collect())
    });
    let attributes: Map<String, Value> = b
        .body
        .attributes
        .iter()
        .map(|(name, value)| {
            let mut attr = Map::new();
            attr.insert("Name".into(), Value::String(go_string(name)));
            attr.insert(
                "Value".into(),
                value.as_ref().map_or(Value::Null, scalar_json),
            );
            (go_string(name), Value::Object(attr))
        })
        .collect();
    let blocks = if b.body.blocks.is_empty() {
        Value::Null
    } else {
        Value::Array(b.body.blocks.iter().map(schema_block_json).collect())
    };
    let mut body = Map::new();
    body.insert("Attributes".into(), Value::Object(attributes));
    body.insert("Blocks".into(), blocks);
    body.insert(
        "Flats".into(),
        Value::Array(b.body.flats.iter().map(flat_json).collect()),
    );
    body.insert(
        "Comments".into(),
        Value::Array(
            b.body
                .comments
                .iter()
                .map(|c| Value::String(go_string(c)))
                .collect(),
        ),
    );
    let mut out = Map::new();
    out.insert("Type".into(), Value::String(go_string(&b.kind)));
    out.insert("Labels".into(), labels);
    out.insert("Body".into(), Value::Object(body));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vcl(text: &str) -> Value {
        parse(text).unwrap()
    }

    #[test]
    fn backends_and_acls_as_conftest_prints_them() {
        let text = "backend app {\n  .host = \"127.0.0.1\";\n  .port = \"8081\";\n  .connect_timeout = 60s;\n}\n\nacl purge {\n  \"127.0.0.1\";\n  \"10.0.0.0\"/8;\n}\n";
        assert_eq!(
            vcl(text),
            json!({
                "acl": {"purge": ["127.0.0.1", "\"10.0.0.0\"/8"]},
                "backend": {"app": {"connect_timeout": 60.0, "host": "127.0.0.1", "port": "8081"}}
            })
        );
    }

    #[test]
    fn labels_nest_and_repeated_inner_blocks_become_arrays() {
        let text = "x = 010;\ny = true;\nz = 50%;\ndirector d a b {\n  .quorum = 1;\n  backend { .b = 1; }\n  sub one { .c = 2; }\n  sub two { .c = 3; }\n}\n";
        assert_eq!(
            vcl(text),
            json!({
                "x": 8.0, "y": true, "z": "50%",
                "director": {"d": {"b": {"a": {
                    "quorum": 1.0,
                    "backend": {"b": 1.0},
                    "sub": [{"one": {"c": 2.0}}, {"two": {"c": 3.0}}]
                }}}}
            })
        );
    }

    #[test]
    fn a_group_among_bare_values_is_go_vcls_block_structure() {
        let text = "table t {\n  { \"a\": \"b\", # c\n  }\n}\n";
        assert_eq!(
            vcl(text),
            json!({"table": {"t": [{
                "Type": "{", "Labels": null,
                "Body": {"Attributes": {"a": {"Name": "a", "Value": "b"}}, "Blocks": null, "Flats": [], "Comments": ["c"]}
            }]}})
        );
    }

    #[test]
    fn refuses_where_go_vcl_panics_or_hangs() {
        for (text, what) in [
            ("", "no attribute or block"),
            ("# only a comment\n", "no attribute or block"),
            ("x = 1;\n#\n", "line 2: empty comment"),
            ("x = \"a\" + \"b\";\n", "an assignment of an expression"),
            ("x = 08;\n", "an assignment without a value"),
            ("backend b;\n", "a block without a body"),
            ("backend { .a = 1; }\n", "without a label"),
            ("backend foo", "block header"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let text = format!(
            "x = 1;\nsub s {}{}\n",
            "{".repeat(100_000),
            "}".repeat(100_000)
        );
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains("nested deeper"), "{e}");
        let bangs = format!("x = 1;\n{}y;\n", "!".repeat(100_000));
        assert!(
            parse(&bangs)
                .unwrap_err()
                .to_string()
                .contains("nested deeper")
        );
    }

    #[test]
    fn bytes_cut_out_of_a_character_become_replacement_characters() {
        assert_eq!(go_string(b"a\xc3"), "a\u{fffd}");
        assert_eq!(go_string(b"\xe2\x82A"), "\u{fffd}\u{fffd}A");
    }
}
