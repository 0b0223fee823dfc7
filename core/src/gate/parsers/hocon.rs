//! conftest's `hocon` parser: a HOCON file as the JSON conftest v0.71.1 prints, which is what
//! github.com/go-akka/configuration (v0.0.0-20200606091224) `ParseString` makes of it, walked as
//! conftest walks it: every top-level key must hold an object; under it each key that is an
//! object becomes an object, and every other value its go-akka `String()`, read as a float64
//! where Go's `strconv.ParseFloat` accepts it, as a boolean where `strconv.ParseBool` does, and
//! as a string otherwise.
//!
//! Hand-ported rather than the `hocon` crate: that crate reads HOCON as the spec says, and
//! go-akka does not. What conftest prints follows go-akka: an array is the text `[1,"x y",{…}]`
//! (strings with spaces quoted, objects as `{\r\n  k : v\r\n}`), an empty array or an unresolved
//! `${?x}` is `<<unknown value>>` unless it replaced an earlier value, which it then shows
//! (`port = 9001` then `port = ${?PORT}` is 9001), a value of several words is quoted (`"75
//! seconds"`), `null` is `""`, `\u00e9` stays those six characters; keys are looked up again by
//! their dotted path, so a key holding `.` or `"` is lost. The tokenizer ([`tokenizer`]), parser
//! ([`parser`]) and value model ([`value`]) are ported from go-akka with their quirks.
//!
//! Substitutions resolve against the file only: go-akka falls back to the process environment
//! for a path the file lacks (conftest's `${HOME}`), sealgate never lets a policy input carry its
//! environment, so such a `${x}` is refused as unresolved (`${?x}` stays unresolved). `include
//! "name"` reads `name` as go-akka does, relative to the working directory (not the file's
//! folder), a regular file only, at most [`MAX_INCLUDE_BYTES`] in all; unlike go-akka, only a
//! file inside the working directory (after symlinks), so an input cannot pull a file from
//! elsewhere on the machine (`/etc/…`, `../../secrets`) into what the policies see.
//!
//! Where go-akka or conftest panic (an unresolved substitution, a top-level key that is not an
//! object, a key its dotted path does not find, an unknown token or escape, a cycle of
//! substitutions) or never return (an array that takes no text, as `[=]`; unbounded nesting),
//! this parser refuses the file with one message naming the line or the key, never a value; so
//! it does for a value Go reads as an infinite or NaN number (conftest's JSON encoder refuses it).

use std::cell::Cell;
use std::io::Read;

use serde_json::{Map, Number, Value};

use super::go_unicode::json_string;
use super::ini::go_parse_float;
use parser::{At, Error, IncludeFailure, Loader, MAX_DEPTH};
use value::{MAX_EVAL_DEPTH, MAX_RENDER, Stop, Tree, ValueId};

mod parser;
mod tokenizer;
mod value;

/// The most bytes all of a file's includes may read.
pub(super) const MAX_INCLUDE_BYTES: usize = 16 << 20;

/// Parses `text` as conftest's hocon parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    parse_with(text, &Files::default())
}

fn parse_with(text: &str, loader: &dyn Loader) -> anyhow::Result<Value> {
    let mut tree = Tree::default();
    let (root, _) = parser::parse(&mut tree, text.as_bytes(), loader, 0)
        .map_err(|e| anyhow::anyhow!("hocon: {}", message(&e)))?;
    walk_root(&mut tree, root).map_err(|e| anyhow::anyhow!("hocon: {e}"))
}

/// Included files, read from the working directory as go-akka's `defaultIncludeCallback` reads
/// them, within a byte budget.
#[derive(Default)]
struct Files {
    read: Cell<usize>,
}

impl Loader for Files {
    fn load(&self, name: &[u8]) -> Result<Vec<u8>, String> {
        let name = std::str::from_utf8(name).map_err(|_| "its name is not UTF-8".to_string())?;
        let inside = |path: &std::path::Path| {
            let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
            matches!((cwd, path.canonicalize()), (Ok(cwd), Ok(p)) if p.starts_with(&cwd))
        };
        let file = std::fs::File::open(name).map_err(|e| e.to_string())?;
        if !inside(std::path::Path::new(name)) {
            return Err(
                "outside the working directory (sealgate reads includes only inside it)".into(),
            );
        }
        if !file.metadata().map_err(|e| e.to_string())?.is_file() {
            return Err("not a regular file".into());
        }
        let left = MAX_INCLUDE_BYTES.saturating_sub(self.read.get());
        let mut data = Vec::new();
        file.take(left as u64 + 1)
            .read_to_end(&mut data)
            .map_err(|e| e.to_string())?;
        if data.len() > left {
            return Err(format!("includes read more than {MAX_INCLUDE_BYTES} bytes"));
        }
        self.read.set(self.read.get() + data.len());
        Ok(data)
    }
}

fn message(e: &Error) -> String {
    match e {
        Error::At { line, column, what } => format!(
            "line {line}, column {column}: {}",
            match what {
                At::UnknownToken => "unexpected character where a key was expected",
                At::UnknownEscape => "unknown escape sequence in a quoted string",
                At::ExpectedValue => "a value was expected",
                At::ArrayStuck => "an array item that is not a value",
                At::TooDeep => "nested deeper than 200 levels",
            }
        ),
        Error::Stop(s) => stop_message(s),
        Error::Unresolved(path) => format!(
            "unresolved substitution ${{{}}} (sealgate never reads the environment)",
            json_string(path)
        ),
        Error::EndOfFile => "a value was expected at the end of the file".into(),
        Error::Include { name, why } => match why.as_ref() {
            IncludeFailure::Read(e) => format!("include \"{name}\": {e}"),
            IncludeFailure::Parse(e) => format!("in included file \"{name}\": {}", message(e)),
        },
        Error::NotAnObject => "an include where no object is".into(),
    }
}

/// A key for a message: as it is when short and without white space; otherwise only its size
/// (a line that is not HOCON reads as one long key, and may hold a secret).
fn shown_key(key: &[u8]) -> String {
    if key.len() <= 64 && !key.iter().any(u8::is_ascii_whitespace) {
        format!("\"{}\"", json_string(key))
    } else {
        format!("of {} bytes with spaces", key.len())
    }
}

fn stop_message(s: &Stop) -> String {
    match s {
        Stop::Cycle(path) => format!("substitution ${{{}}} refers to itself", json_string(path)),
        Stop::WrongKind => "a value read as a string that is an object or array".into(),
        Stop::QuotedKey(k) => format!(
            "key {} (with a space) of an object inside an array cannot be printed",
            shown_key(k)
        ),
        Stop::TooDeep => format!("substitutions nested deeper than {MAX_EVAL_DEPTH}"),
        Stop::TooMuchWork => "substitutions take too many steps to resolve".into(),
        Stop::TooLong => format!("a value's text is longer than {MAX_RENDER} bytes"),
    }
}

/// conftest's `Unmarshal`: each top-level key's object, walked.
fn walk_root(tree: &mut Tree, root: ValueId) -> Result<Value, String> {
    let stop = |s: Stop| stop_message(&s);
    let root_object = tree
        .get_object(root)
        .map_err(stop)?
        .ok_or("the file is not an object")?;
    let mut out = Map::new();
    for key in tree.objects[root_object].keys.clone() {
        let node = tree.get_node(root, &key).map_err(stop)?.ok_or_else(|| {
            format!(
                "top-level key {} is not found by its dotted path",
                shown_key(&key)
            )
        })?;
        if tree.get_object(node).map_err(stop)?.is_none() {
            return Err(format!(
                "top-level key {} is not an object (conftest reads objects only there)",
                shown_key(&key)
            ));
        }
        let value = walk(tree, root, node, &key, 1)?;
        out.insert(json_string(&key), value);
    }
    Ok(Value::Object(out))
}

/// conftest's `getConfig`: the keys of the object at `node`, each looked up again from the root
/// by its dotted path.
fn walk(
    tree: &mut Tree,
    root: ValueId,
    node: ValueId,
    path: &[u8],
    depth: usize,
) -> Result<Value, String> {
    let stop = |s: Stop| stop_message(&s);
    if depth > MAX_DEPTH {
        return Err(format!(
            "keys nested deeper than {MAX_DEPTH} (an object that holds itself)"
        ));
    }
    let object = tree
        .get_object(node)
        .map_err(stop)?
        .ok_or("a value that is no longer an object")?;
    let mut out = Map::new();
    for key in tree.objects[object].keys.clone() {
        let full = [path, b".", &key].concat();
        let found = tree.get_node(root, &full).map_err(stop)?;
        let value = match found {
            Some(n) if tree.is_object(n).map_err(stop)? => walk(tree, root, n, &full, depth + 1)?,
            Some(n) => {
                let mut text = Vec::new();
                tree.render(n, 0, &mut text).map_err(stop)?;
                typed(&text).ok_or_else(|| {
                    format!(
                        "key {}: a value Go reads as an infinite or NaN number, which conftest cannot print",
                        shown_key(&full)
                    )
                })?
            }
            None => {
                return Err(format!(
                    "key {} is not found by its dotted path (a key holding `.` or `\"`)",
                    shown_key(&full)
                ));
            }
        };
        out.insert(json_string(&key), value);
    }
    Ok(Value::Object(out))
}

/// conftest's `convertType`: a number where Go's `ParseFloat` accepts the text, a boolean where
/// `ParseBool` does, else the string; `None` for infinities and NaN, which Go parses and its JSON
/// encoder refuses.
fn typed(text: &[u8]) -> Option<Value> {
    let Ok(s) = std::str::from_utf8(text) else {
        return Some(Value::String(json_string(text)));
    };
    if go_special_float(s) {
        return None;
    }
    if let Some(f) = go_parse_float(s) {
        return Number::from_f64(f).map(Value::Number);
    }
    Some(match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(s.to_string()),
    })
}

/// The spellings Go's `ParseFloat` reads as an infinity or NaN: `inf`/`infinity` with an
/// optional sign, `nan` without, in any case.
fn go_special_float(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    matches!(unsigned, "inf" | "infinity") || lower == "nan"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hocon(text: &str) -> Value {
        parse(text).unwrap()
    }

    #[test]
    fn values_as_conftest_types_them() {
        let text = "a {\n  n = 9001\n  f = 0x1p-2\n  b = true\n  t = T\n  s = 75 seconds\n  e = \"\"\n  z = null\n  q = \"\\u00E9\"\n}\n";
        assert_eq!(
            hocon(text),
            json!({"a": {"n": 9001.0, "f": 0.25, "b": true, "t": true, "s": "\"75 seconds\"", "e": "\"\"", "z": "\"\"", "q": "\\u00e9"}})
        );
    }

    #[test]
    fn arrays_are_their_text_and_empty_ones_unknown() {
        assert_eq!(
            hocon("a { b = [1, \"x y\", {c=1}], e = [] }\n"),
            json!({"a": {"b": "[1,\"x y\",{\r\n    c : 1\r\n  }]", "e": "<<unknown value>>"}})
        );
    }

    #[test]
    fn substitutions_resolve_or_fall_back_to_the_value_they_replaced() {
        let text = "a {\n  port = 9001\n  port = ${?PORT}\n  dir = ${?HOME}\n  copy = ${a.port}\n  b.c = 1\n  b { d = 2 }\n}\n";
        assert_eq!(
            hocon(text),
            json!({"a": {"port": 9001.0, "dir": "<<unknown value>>", "copy": 9001.0, "b": {"c": 1.0, "d": 2.0}}})
        );
    }

    #[test]
    fn refuses_where_go_akka_or_conftest_panic_or_hang() {
        for (text, what) in [
            ("a = 1\n", "not an object"),
            ("a { \"b.c\" = 1 }\n", "dotted path"),
            ("a { b = ${x} }\n", "unresolved substitution ${x}"),
            ("a { b = ${a.b} }\n", "refers to itself"),
            ("a { b = \"\\q\" }\n", "line 1, column 10: unknown escape"),
            ("a { b = [=] }\n", "line 1, column 10: an array item"),
            ("a { b = inf }\n", "infinite or NaN"),
            ("a { b +=", "end of the file"),
            ("a { b =", "line 1, column 7: unexpected character"),
            ("a {\n b = ! }\n", "line 2, column 6: unexpected character"),
            (
                "a { include \"/nonexistent/x.conf\" }\n",
                "include \"/nonexistent/x.conf\"",
            ),
            (
                "a { include \"/etc/hostname\" }\n",
                "outside the working directory",
            ),
            (
                "a { include \"../../../../../../../../etc/hostname\" }\n",
                "outside the working directory",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn hostile_nesting_and_expansion_are_refused() {
        let deep = format!("a {}{}", "{ b ".repeat(10_000), "}".repeat(10_000));
        assert!(parse(&deep).unwrap_err().to_string().contains("deeper"));
        let arrays = format!("a {{ b = {}{} }}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&arrays).unwrap_err().to_string().contains("deeper"));
        let mut doubling = String::from("a {\n v0 = [x, x]\n");
        for i in 1..40 {
            doubling.push_str(&format!(" v{i} = [${{a.v{}}}, ${{a.v{}}}]\n", i - 1, i - 1));
        }
        doubling.push_str("}\n");
        assert!(parse(&doubling).is_err());
        let selfish = "a { b = ${a} }\n";
        assert!(parse(selfish).unwrap_err().to_string().contains("deeper"));
    }

    struct Fake;

    impl Loader for Fake {
        fn load(&self, name: &[u8]) -> Result<Vec<u8>, String> {
            match name {
                b"one.conf" => Ok(b"x = 1\ny = ${?nothing}\n".to_vec()),
                b"loop.conf" => Ok(b"include \"loop.conf\"\n".to_vec()),
                _ => Err("no such file".into()),
            }
        }
    }

    #[test]
    fn includes_merge_and_a_loop_is_refused() {
        assert_eq!(
            parse_with("a {\n include \"one.conf\"\n z = 2\n}\n", &Fake).unwrap(),
            json!({"a": {"x": 1.0, "y": "<<unknown value>>", "z": 2.0}})
        );
        let e = parse_with("include \"loop.conf\"\n", &Fake)
            .unwrap_err()
            .to_string();
        assert!(e.contains("deeper"), "{e}");
    }
}
