//! conftest's `textproto` parser: a protobuf text-format file, of the message type its
//! `# proto-message: pkg.Msg` comment names, as the JSON conftest v0.71.1 prints for it
//! (`parser/textproto/textproto.go`: Go's `prototext.Unmarshal`, then `protojson.Marshal` with
//! `UseProtoNames`, read back into Go values).
//!
//! prost-reflect parses the text format against the types of [`ProtoTypes`]
//! (`--proto-file-dirs`); the JSON is protojson's, written in `textproto_json`.
//!
//! What conftest checks beyond the grammar is checked too: a `required` field left unset is
//! refused (prototext and protojson both check it, not inside an `Any`), and a type named in the
//! file must be one conftest's registry holds: the header's a top-level message of a loaded file
//! (conftest finds the well-known types too but cannot use them: `could not assert
//! ProtoMessage`), an `Any`'s or an `[extension]`'s a top-level one of a loaded file or any of
//! the well-known types'.
//!
//! Known differences (prost-reflect's grammar is a little stricter than Go's): a list of
//! messages without its colon (`field [{…}]`), a group named by its field's lower-case name, and
//! a reserved field name (Go skips it with its value) are refused here. Nesting deeper than
//! [`MAX_DEPTH`] messages is refused before parsing (prost-reflect's parser recurses without a
//! bound; Go allows 10,000 levels). Error messages name the line and column but never quote the
//! file's values.

use std::sync::LazyLock;

use prost_reflect::{DynamicMessage, ReflectMessage as _, Value as Proto};
use regex::Regex;
use serde_json::Value;

use super::textproto_types::{ProtoTypes, is_registered, is_well_known, line_col};

/// Messages nested deeper than this are refused (each level is a few frames of prost-reflect's
/// recursive parser and of the JSON writer).
pub(super) const MAX_DEPTH: usize = 100;

/// The longest line Go's `bufio.Scanner` reads while conftest looks for the header: a longer
/// one ends the search.
const MAX_LINE: usize = 64 * 1024 - 1;

/// conftest's `msgTypeRegexp`, Go's ASCII `\s` spelled out; anywhere in a line, the first line
/// that has it wins.
static HEADER: LazyLock<Result<Regex, regex::Error>> =
    LazyLock::new(|| Regex::new(r"#[\t\n\f\r ]+proto-message:[\t\n\f\r ]+([a-zA-Z0-9_.]+)"));

/// Parses `text` as conftest's textproto parser does, with the message types of `types`.
pub(super) fn parse(text: &str, types: &ProtoTypes) -> anyhow::Result<Value> {
    let pool = types.pool().map_err(anyhow::Error::msg)?;
    let name = message_type(text)?.ok_or_else(|| {
        anyhow::anyhow!(
            "extract proto message type: no `# proto-message: package.Message` comment names the file's message type"
        )
    })?;
    let desc = pool
        .get_message_by_name(name)
        .filter(is_registered)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "look up message type {name:?}: not found (the .proto files that define it go in --proto-file-dirs)"
            )
        })?;
    // conftest's registry holds the well-known types as Go's generated code, whose empty message
    // it cannot use (`could not assert ProtoMessage`): only a loaded file's type names a file.
    if is_well_known(desc.parent_file().name()) {
        anyhow::bail!(
            "message type {name:?} is one of protobuf's well-known types, which conftest cannot read a textproto file as (name a message of a --proto-file-dirs file)"
        );
    }
    check_depth(text)?;
    let message = DynamicMessage::parse_text_format(desc, text)
        .map_err(|e| anyhow::anyhow!("unmarshal textproto{}", text_format_error(text, &e)))?;
    check(&message, true)?;
    super::textproto_json::message_value(&message)
}

/// The message type the header names, as conftest's line scanner finds it.
fn message_type(text: &str) -> anyhow::Result<Option<&str>> {
    let header = HEADER.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
    for line in text.split('\n') {
        if line.len() > MAX_LINE {
            break;
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(m) = header.captures(line).and_then(|c| c.get(1)) {
            return Ok(Some(m.as_str()));
        }
    }
    Ok(None)
}

/// Refuses messages nested deeper than [`MAX_DEPTH`]: `{`/`<` outside strings and comments.
fn check_depth(text: &str) -> anyhow::Result<()> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut bytes = text.bytes().enumerate();
    while let Some((i, b)) = bytes.next() {
        match (quote, b) {
            (Some(_), b'\\') => {
                bytes.next();
            }
            (Some(q), _) if b == q => quote = None,
            (Some(_), b'\n') => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') => {
                for (_, b) in bytes.by_ref() {
                    if b == b'\n' {
                        break;
                    }
                }
            }
            (None, b'{' | b'<') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    anyhow::bail!(
                        "unmarshal textproto{}: messages nested deeper than {MAX_DEPTH} levels",
                        line_col(text, i)
                    );
                }
            }
            (None, b'}' | b'>') => depth = depth.saturating_sub(1),
            (None, _) => {}
        }
    }
    Ok(())
}

/// `: line L, column C: what`, without the file's values: prost-reflect's messages quote the
/// token found, an out-of-range number or an unknown enum value name, which are cut here.
fn text_format_error(text: &str, e: &prost_reflect::text_format::ParseError) -> String {
    use miette::Diagnostic as _;
    let at = e
        .labels()
        .and_then(|mut l| l.next())
        .map(|l| line_col(text, l.offset()))
        .unwrap_or_default();
    let message = e.to_string();
    let message = if let Some((expected, _)) = message.split_once(", but found '") {
        expected.to_owned()
    } else if let Some(rest) = message.strip_prefix("expected value to be ") {
        let kind = rest.split_once(", but the value").map_or(rest, |(k, _)| k);
        format!("value out of range for {kind}")
    } else if let (true, Some((_, enum_name))) = (
        message.starts_with("value '"),
        message.split_once("' was not found for enum "),
    ) {
        format!("no such value in enum {enum_name}")
    } else {
        message
    };
    format!("{at}: {message}")
}

/// What conftest refuses after the grammar: a required field unset (`required`: not inside an
/// `Any`, which Go does not check), an extension or an `Any` type its registry lacks.
fn check(message: &DynamicMessage, required: bool) -> anyhow::Result<()> {
    let desc = message.descriptor();
    if desc.full_name() == "google.protobuf.Any" {
        let url = message
            .get_field_by_name("type_url")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if url.is_empty() {
            return Ok(());
        }
        let name = url.rsplit('/').next().unwrap_or_default();
        let inner = desc
            .parent_pool()
            .get_message_by_name(name)
            .filter(is_registered)
            .ok_or_else(|| {
                anyhow::anyhow!("unmarshal textproto: Any: message type {name:?} not found")
            })?;
        let bytes = message
            .get_field_by_name("value")
            .and_then(|v| v.as_bytes().cloned())
            .unwrap_or_default();
        // The packed message: its extensions must be registered too (Go parses it with the same
        // resolver), its required fields may be missing.
        let inner = DynamicMessage::decode(inner, bytes)
            .map_err(|e| anyhow::anyhow!("unmarshal textproto: Any: {e}"))?;
        return check(&inner, false);
    }
    if required {
        for field in desc.fields() {
            if field.cardinality() == prost_reflect::Cardinality::Required
                && !message.has_field(&field)
            {
                anyhow::bail!(
                    "unmarshal textproto: required field {} not set",
                    field.full_name()
                );
            }
        }
    }
    for (_, value) in message.fields() {
        check_value(value, required)?;
    }
    for (ext, value) in message.extensions() {
        if ext.parent_message().is_some() && !is_well_known(ext.parent_file().name()) {
            anyhow::bail!(
                "unmarshal textproto: extension {} is not registered (conftest registers only the extensions declared at the top of a file)",
                ext.full_name()
            );
        }
        check_value(value, required)?;
    }
    Ok(())
}

fn check_value(value: &Proto, required: bool) -> anyhow::Result<()> {
    match value {
        Proto::Message(m) => check(m, required),
        Proto::List(items) => items.iter().try_for_each(|v| check_value(v, required)),
        Proto::Map(entries) => entries.values().try_for_each(|v| check_value(v, required)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PROTO: &str = r#"
syntax = "proto2";
package t;
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/any.proto";
enum Color { RED = 0; GREEN = 1; }
message Item { optional string name = 1; }
message Msg {
  optional string name = 1;
  optional int32 i32 = 2;
  optional int64 i64 = 3;
  optional uint64 u64 = 4;
  optional float f = 5;
  optional double d = 6;
  optional bytes b = 7;
  optional Color color = 8;
  repeated Item items = 9;
  map<string, int64> counts = 10;
  optional google.protobuf.Timestamp at = 11;
  optional google.protobuf.Struct s = 12;
  optional google.protobuf.Any any = 13;
  optional group Grp = 14 { optional int32 x = 1; }
  optional bool flag = 15 [default = true];
  extensions 100 to 200;
  message Nested { optional int32 n = 1; }
  optional Nested nested = 16;
  optional Msg child = 17;
  extend Msg { optional int32 inner_ext = 101; }
}
extend Msg { optional string ext = 100; }
message Req { required string id = 1; }
"#;

    const PROTO3: &str = r#"
syntax = "proto3";
package t3;
message M { string s = 1; int32 n = 2; bool b = 3; optional int32 o = 4; repeated int32 r = 5; }
"#;

    fn types() -> ProtoTypes {
        static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("t.proto"), PROTO).unwrap();
            std::fs::write(dir.path().join("t3.proto"), PROTO3).unwrap();
            dir
        });
        ProtoTypes::load(&[DIR.path().to_path_buf()])
    }

    fn parse_ok(text: &str) -> Value {
        parse(text, &types()).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(text, &types()).unwrap_err().to_string()
    }

    #[test]
    fn protojson_forms_with_proto_names() {
        let text = r#"# proto-message: t.Msg
name: "n" i32: -3 i64: 9007199254740993 u64: 18446744073709551615
f: 0.1 d: 1e300 b: "\x00\xff" color: GREEN
items { name: "a" } items: < name: "b" >
counts { key: "k" value: 5 }
at { seconds: 1700000000 nanos: 500000000 }
s { fields { key: "v" value { list_value { values { number_value: 1 } values { null_value: NULL_VALUE } } } } }
any { [type.googleapis.com/t.Item] { name: "in" } }
Grp { x: 1 }
flag: true
[t.ext]: "e"
"#;
        assert_eq!(
            parse_ok(text),
            json!({
                "name": "n", "i32": -3, "i64": "9007199254740993", "u64": "18446744073709551615",
                "f": 0.1, "d": 1e300, "b": "AP8=", "color": "GREEN",
                "items": [{"name": "a"}, {"name": "b"}], "counts": {"k": "5"},
                "at": "2023-11-14T22:13:20.500Z",
                "s": {"v": [1.0, null]},
                "any": {"@type": "type.googleapis.com/t.Item", "name": "in"},
                "Grp": {"x": 1}, "flag": true, "[t.ext]": "e"
            })
        );
    }

    #[test]
    fn proto3_zero_values_are_left_out_unless_present() {
        let text = "# proto-message: t3.M\ns: \"\" n: 0 b: false o: 0 r: []\n";
        assert_eq!(parse_ok(text), json!({"o": 0}));
    }

    #[test]
    fn non_finite_floats_and_unknown_enum_numbers() {
        let text = "# proto-message: t.Msg\nf: inf d: nan\n";
        assert_eq!(parse_ok(text), json!({"f": "Infinity", "d": "NaN"}));
    }

    #[test]
    fn the_header_names_the_type_anywhere_in_a_line() {
        assert_eq!(
            message_type("x\n  a # proto-message: a.B c").unwrap(),
            Some("a.B")
        );
        assert_eq!(message_type("#proto-message: a.B").unwrap(), None);
        let long = format!("{}\n# proto-message: a.B", "x".repeat(MAX_LINE + 1));
        assert_eq!(message_type(&long).unwrap(), None);
    }

    #[test]
    fn refusals() {
        for (text, want) in [
            ("name: \"x\"", "proto-message"),
            (
                "# proto-message: t.Nope\n",
                "look up message type \"t.Nope\": not found",
            ),
            // conftest registers only the top-level messages of a loaded file.
            ("# proto-message: t.Msg.Nested\n", "not found"),
            (
                "# proto-message: t.Req\n",
                "required field t.Req.id not set",
            ),
            ("# proto-message: t.Msg\nnope: 1\n", "line 2, column 1"),
            (
                "# proto-message: t.Msg\nname: \"a\" name: \"b\"\n",
                "already set",
            ),
            (
                "# proto-message: t.Msg\n[t.Msg.inner_ext]: 1\n",
                "not registered",
            ),
            (
                "# proto-message: t.Msg\nany { [type.googleapis.com/t.Msg.Nested] { n: 1 } }\n",
                "not found",
            ),
            (
                "# proto-message: t.Msg\nany { [type.googleapis.com/t.Msg] { [t.Msg.inner_ext]: 1 } }\n",
                "not registered",
            ),
        ] {
            let e = parse_err(text);
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    /// conftest looks the header's type up among the types compiled into it too, and then cannot
    /// use it: only a message of a loaded file names a file.
    #[test]
    fn a_well_known_type_cannot_name_the_file() {
        let text = "# proto-message: google.protobuf.Duration\nseconds: 90\n";
        for types in [ProtoTypes::default(), types()] {
            let e = parse(text, &types).unwrap_err().to_string();
            assert!(e.contains("well-known types"), "{e}");
        }
        let e = parse("# proto-message: t.Msg\n", &ProtoTypes::default()).unwrap_err();
        assert!(e.to_string().contains("look up message type"), "{e}");
    }

    #[test]
    fn errors_never_echo_a_value() {
        const PLANTED: &str = "PLANTED7f3a";
        for text in [
            "# proto-message: t.Msg\nname: PLANTED7f3a\n",
            "# proto-message: t.Msg\ncolor: PLANTED7f3a\n",
            "# proto-message: t.Msg\ni32: 99999999999 # PLANTED7f3a\n",
            "# proto-message: t.Msg\nname: \"PLANTED7f3a\n",
            "# proto-message: t.Msg\nname \"PLANTED7f3a\"\n",
        ] {
            let e = parse_err(text);
            assert!(!e.contains(PLANTED), "{e}");
            assert!(e.contains("line 2"), "{e}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!(
            "# proto-message: t.Msg\n{}{}",
            "any { [type.googleapis.com/t.Msg] { ".repeat(MAX_DEPTH),
            "} }".repeat(MAX_DEPTH)
        );
        assert!(parse_err(&deep).contains("nested deeper than"));
        // As deep as allowed: parsed, checked and written without exhausting a thread's stack.
        let deepest = format!(
            "# proto-message: t.Msg\n{}{}",
            "child { ".repeat(MAX_DEPTH),
            "}".repeat(MAX_DEPTH)
        );
        let json = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || parse(&deepest, &types()).map_err(|e| e.to_string()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert!(json["child"]["child"].is_object());
        // And an Any whose packed bytes nest deeper still, inside that nesting: prost's decoder
        // stops at 100 levels, before any stack runs out.
        let mut packed: Vec<u8> = Vec::new();
        for _ in 0..150 {
            let mut outer = vec![0x8a, 0x01];
            let mut len = packed.len();
            while len >= 0x80 {
                outer.push((len as u8) | 0x80);
                len >>= 7;
            }
            outer.push(len as u8);
            outer.extend(&packed);
            packed = outer;
        }
        let escaped: String = packed.iter().map(|b| format!("\\x{b:02x}")).collect();
        let hostile = format!(
            "# proto-message: t.Msg\n{}any {{ type_url: \"type.googleapis.com/t.Msg\" value: \"{escaped}\" }}{}",
            "child { ".repeat(MAX_DEPTH - 1),
            "}".repeat(MAX_DEPTH - 1)
        );
        let outcome = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                parse(&hostile, &types())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(outcome.unwrap_err().contains("recursion limit"));
        // Braces in strings and comments are not nesting.
        let quoted = format!(
            "# proto-message: t.Msg # {{{{\nname: \"{}\"\n",
            "{".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(parse_ok(&quoted)["name"], json!("{".repeat(MAX_DEPTH + 1)));
    }
}
