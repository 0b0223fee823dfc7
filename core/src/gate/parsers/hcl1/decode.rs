//! `decoder.go`'s decoding into Go's `any`, by the same steps over the same reflection kinds:
//! an empty interface takes a new value chosen by the node (a map for an object at the top or
//! directly inside a slice, else a slice of maps; a slice for a list; the literal's type), and a
//! value already there (a repeated key) is decoded into again by its own kind: a slice appends,
//! a string takes a number's text, an int parses a string, anything else refuses. Items with
//! several keys are gathered by `ObjectList.Filter` (first key compared case-insensitively) and
//! decoded one key deeper.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Number, Value};

use super::super::ini::go_parse_float;
use super::strconv::{go_parse_int, go_unquote, hcl_unquote, unindent_heredoc};
use super::{Error, Item, Key, Lit, Literal, MAX_DECODE_DEPTH, Node, go_string};

/// A Go value the decoder makes: what an `any` holds, or a `map[string]any`.
#[derive(Debug)]
enum GoVal {
    /// An interface that holds nothing yet.
    Nil,
    Bool(bool),
    Float(f64),
    Int(i64),
    Str(String),
    Map(GoMap),
    /// `[]map[string]interface{}`: a block's objects.
    Maps(Vec<GoMap>),
    /// `[]interface{}`: a list.
    Slice(Vec<GoVal>),
}

type GoMap = BTreeMap<String, GoVal>;

/// An item as `Filter` leaves it: its keys from some point on, and its value.
#[derive(Clone, Copy)]
struct View<'a> {
    keys: &'a [Key],
    val: &'a Node,
}

/// A node the decoder is handed.
#[derive(Clone, Copy)]
enum In<'v, 'a> {
    /// An `ast.ObjectList` (the file, or items gathered by `Filter`).
    List(&'v [View<'a>]),
    /// An `ast.ObjectItem`.
    Item(View<'a>),
    /// An object, list or literal.
    Node(&'a Node),
}

/// Decodes the file's items into the JSON conftest prints.
pub(super) fn decode(items: &[Item], budget: usize) -> Result<Value, Error> {
    let mut d = Decoder {
        stack: Vec::new(),
        steps: 0,
        budget,
    };
    let views = views(items);
    let mut root = GoVal::Nil;
    d.decode(In::List(&views), &mut root)?;
    Ok(to_json(root))
}

fn views(items: &[Item]) -> Vec<View<'_>> {
    items
        .iter()
        .map(|i| View {
            keys: &i.keys,
            val: &i.val,
        })
        .collect()
}

struct Decoder {
    /// The reflection kinds being decoded into (`true` for a slice), as the library's stack.
    stack: Vec<bool>,
    steps: usize,
    budget: usize,
}

impl Decoder {
    fn tick(&mut self) -> Result<(), Error> {
        self.steps += 1;
        if self.steps > self.budget {
            return Err(Error::new(
                "the file expands beyond sealgate's decoding budget (keys differing only in case?)",
            ));
        }
        Ok(())
    }

    /// Decodes into `val` one kind deeper (the library pushes each concrete kind it enters).
    fn enter<T>(
        &mut self,
        is_slice: bool,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.stack.len() >= MAX_DECODE_DEPTH {
            return Err(Error::new(format!(
                "keys and values nested deeper than {MAX_DECODE_DEPTH}"
            )));
        }
        self.stack.push(is_slice);
        let r = f(self);
        self.stack.pop();
        r
    }

    /// `decode` into an interface.
    fn decode(&mut self, node: In<'_, '_>, val: &mut GoVal) -> Result<(), Error> {
        self.tick()?;
        match val {
            GoVal::Nil => {
                *val = self.fresh(node)?;
                self.decode(node, val)
            }
            GoVal::Bool(b) => self.enter(false, |_| {
                *b = literal(node, &[Lit::Bool])?.text == "true";
                Ok(())
            }),
            GoVal::Float(f) => self.enter(false, |_| {
                let lit = literal(node, &[Lit::Float, Lit::Number])?;
                *f = go_parse_float(&lit.text)
                    .ok_or_else(|| Error::at(lit.pos, "number out of range or malformed"))?;
                Ok(())
            }),
            GoVal::Int(i) => self.enter(false, |_| {
                let lit = literal(node, &[Lit::Number, Lit::String])?;
                let text = match lit.kind {
                    Lit::Number => lit.text.clone(),
                    _ => value(lit)?,
                };
                *i = go_parse_int(&text).ok_or_else(|| {
                    Error::at(
                        lit.pos,
                        "not an integer (or out of range) for an integer key",
                    )
                })?;
                Ok(())
            }),
            GoVal::Str(s) => self.enter(false, |_| {
                let lit = literal(node, &[Lit::Number, Lit::String, Lit::Heredoc])?;
                *s = match lit.kind {
                    Lit::Number => lit.text.clone(),
                    _ => value(lit)?,
                };
                Ok(())
            }),
            GoVal::Map(m) => self.enter(false, |d| d.decode_map(node, m)),
            GoVal::Maps(maps) => self.enter(true, |d| {
                for item in elements(node)? {
                    let mut m = GoMap::new();
                    d.tick()?;
                    d.enter(false, |d| d.decode_map(item, &mut m))?;
                    maps.push(m);
                }
                Ok(())
            }),
            GoVal::Slice(list) => self.enter(true, |d| {
                for item in elements(node)? {
                    let mut v = GoVal::Nil;
                    d.decode(item, &mut v)?;
                    list.push(v);
                }
                Ok(())
            }),
        }
    }

    /// `decodeInterface`: the new value an empty interface takes for `node`.
    fn fresh(&self, node: In<'_, '_>) -> Result<GoVal, Error> {
        Ok(match node {
            In::List(_) | In::Node(Node::Object(_)) => {
                if self.stack.last().is_none_or(|&is_slice| is_slice) {
                    GoVal::Map(GoMap::new())
                } else {
                    GoVal::Maps(Vec::new())
                }
            }
            In::Node(Node::List(_)) => GoVal::Slice(Vec::new()),
            In::Node(Node::Literal(lit)) => match lit.kind {
                Lit::Bool => GoVal::Bool(false),
                Lit::Float => GoVal::Float(0.0),
                Lit::Number => GoVal::Int(0),
                Lit::String | Lit::Heredoc => GoVal::Str(String::new()),
            },
            In::Item(item) => return Err(at_item(item, "an item cannot be decoded into a value")),
        })
    }

    /// `decodeMap`: each item into the map under its first key; items with more keys gathered
    /// by that key (once per spelling) and decoded one key deeper.
    fn decode_map(&mut self, node: In<'_, '_>, map: &mut GoMap) -> Result<(), Error> {
        let owned;
        let items: &[View<'_>] = match node {
            In::Item(item) => {
                owned = vec![item];
                &owned
            }
            In::List(items) => items,
            In::Node(Node::Object(items)) => {
                owned = views(items);
                &owned
            }
            In::Node(Node::List(_) | Node::Literal(_)) => {
                return Err(Error::new("a value where an object was expected"));
            }
        };
        let firsts = items
            .iter()
            .map(|item| item.keys.first().map(key_value).transpose())
            .collect::<Result<Vec<Option<String>>, Error>>()?;
        // `Filter` compares every item's first key; by folded key here, built when first needed.
        let mut by_fold: Option<HashMap<String, Vec<usize>>> = None;
        let mut done: HashSet<&str> = HashSet::new();
        for (item, first) in items.iter().zip(&firsts) {
            self.tick()?;
            let Some(key) = first.as_deref() else {
                return Err(Error::new("map must have string keys"));
            };
            if done.contains(key) {
                continue;
            }
            let gathered: Vec<View<'_>>;
            let node = if item.keys.len() > 1 {
                let index = by_fold.get_or_insert_with(|| {
                    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
                    for (i, first) in firsts.iter().enumerate() {
                        if let Some(k) = first {
                            index.entry(fold(k)).or_default().push(i);
                        }
                    }
                    index
                });
                gathered = index
                    .get(&fold(key))
                    .into_iter()
                    .flatten()
                    .filter(|&&i| firsts[i].as_deref().is_some_and(|k| equal_fold(k, key)))
                    .map(|&i| View {
                        keys: &items[i].keys[1..],
                        val: items[i].val,
                    })
                    .collect();
                done.insert(key);
                In::List(&gathered)
            } else {
                In::Node(item.val)
            };
            let mut val = map.remove(key).unwrap_or(GoVal::Nil);
            self.decode(node, &mut val)
                .map_err(|e| in_key(e, key, item.keys[0].pos))?;
            map.insert(key.to_string(), val);
        }
        Ok(())
    }
}

/// `decodeSlice`'s items: an object list's items, an object itself, a list's elements.
fn elements<'v, 'a>(node: In<'v, 'a>) -> Result<Vec<In<'v, 'a>>, Error> {
    Ok(match node {
        In::List(items) => items.iter().map(|&i| In::Item(i)).collect(),
        In::Item(item) => return Err(at_item(item, "an item where a list was expected")),
        In::Node(Node::Object(_)) => vec![node],
        In::Node(Node::List(elems)) => elems.iter().map(In::Node).collect(),
        In::Node(Node::Literal(lit)) => {
            return Err(Error::at(lit.pos, "a value where a list was expected"));
        }
    })
}

/// The literal `node` is, when of one of `kinds`.
fn literal<'a>(node: In<'_, 'a>, kinds: &[Lit]) -> Result<&'a Literal, Error> {
    match node {
        In::Node(Node::Literal(lit)) if kinds.contains(&lit.kind) => Ok(lit),
        In::Node(Node::Literal(lit)) => Err(Error::at(
            lit.pos,
            format!(
                "a {} where an earlier value of the key makes a {} expected",
                kind_name(lit.kind),
                kind_name(kinds[0])
            ),
        )),
        _ => Err(Error::new(format!(
            "an object or list where an earlier value of the key makes a {} expected",
            kind_name(kinds[0])
        ))),
    }
}

fn kind_name(kind: Lit) -> &'static str {
    match kind {
        Lit::Number => "number",
        Lit::Float => "float",
        Lit::Bool => "boolean",
        Lit::String => "string",
        Lit::Heredoc => "heredoc",
    }
}

/// `token.Value` of a string or heredoc literal.
fn value(lit: &Literal) -> Result<String, Error> {
    let bytes = match lit.kind {
        Lit::Heredoc => unindent_heredoc(&lit.text),
        // JSON `null`.
        _ if lit.text.is_empty() => Some(Vec::new()),
        _ if lit.json => go_unquote(&lit.text),
        _ => hcl_unquote(&lit.text),
    };
    bytes
        .map(go_string)
        .ok_or_else(|| Error::at(lit.pos, "invalid string (escape or interpolation)"))
}

/// A key's string: an identifier's text, a string unquoted.
fn key_value(key: &Key) -> Result<String, Error> {
    if !key.quoted {
        return Ok(key.text.clone());
    }
    let bytes = if key.json {
        go_unquote(&key.text)
    } else {
        hcl_unquote(&key.text)
    };
    bytes
        .map(go_string)
        .ok_or_else(|| Error::at(key.pos, "invalid quoted key"))
}

fn at_item(item: View<'_>, what: &str) -> Error {
    match item.keys.first() {
        Some(k) => Error::at(k.pos, what),
        None => Error::new(what),
    }
}

/// An error under `key`, placed at the key when it has no place of its own.
fn in_key(e: Error, key: &str, pos: usize) -> Error {
    match e.pos {
        Some(_) => e,
        None => Error {
            what: format!("key `{key}`: {}", e.what),
            pos: Some(pos),
        },
    }
}

/// A character's case-folded form, as Go's `strings.EqualFold` matches characters (by their
/// single-character mappings: `K`, `k` and the Kelvin sign fold together).
fn fold_char(c: char) -> char {
    let mut upper = c.to_uppercase();
    let u = match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    };
    let mut lower = u.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => u,
    }
}

fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn equal_fold(a: &str, b: &str) -> bool {
    a == b || (a.chars().count() == b.chars().count() && fold(a) == fold(b))
}

fn to_json(v: GoVal) -> Value {
    let map = |m: GoMap| Value::Object(m.into_iter().map(|(k, v)| (k, to_json(v))).collect());
    match v {
        GoVal::Nil => Value::Null,
        GoVal::Bool(b) => Value::Bool(b),
        GoVal::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        GoVal::Int(i) => Value::Number(i.into()),
        GoVal::Str(s) => Value::String(s),
        GoVal::Map(m) => map(m),
        GoVal::Maps(ms) => Value::Array(ms.into_iter().map(map).collect()),
        GoVal::Slice(items) => Value::Array(items.into_iter().map(to_json).collect()),
    }
}
