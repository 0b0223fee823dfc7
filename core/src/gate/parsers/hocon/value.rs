//! go-akka/configuration's value model (`hocon/value.go`, `object.go`, `array.go`,
//! `literal.go`, `substitution.go`): values as lists of elements with the value they replaced
//! (`oldValue`), objects as keys in order, substitutions resolved after the parse. Go's pointers
//! are indices into one [`Tree`]; two places sharing a pointer share an index.
//!
//! The questions go-akka asks of a value (is it a string, an object, an array; its string; its
//! `String()`) are ported as they are, including how an unresolved substitution falls back to the
//! value it replaced and how `checkCycleRef` refuses a cycle. Go recurses without bound and can
//! render an exponential text; here every question counts against [`Tree::steps`] and nests at
//! most [`MAX_EVAL_DEPTH`] deep, and a rendering stops at [`MAX_RENDER`] bytes.

use std::collections::HashMap;

pub(super) type ValueId = usize;
pub(super) type ObjectId = usize;
pub(super) type ArrayId = usize;
pub(super) type SubId = usize;

/// Deepest chain of substitutions, old values and nested values followed.
pub(super) const MAX_EVAL_DEPTH: usize = 200;
/// Steps a whole parse may take through the value questions.
const MAX_STEPS: u64 = 5_000_000;
/// Longest `String()` of a value.
pub(super) const MAX_RENDER: usize = 16 << 20;

#[derive(Debug, Clone, Copy)]
pub(super) enum Element {
    Object(ObjectId),
    Literal(usize),
    Array(ArrayId),
    Sub(SubId),
}

/// What `topValueOfSub` gives: a stored element, or a value standing in for a substitution.
#[derive(Debug, Clone, Copy)]
enum View {
    Element(Element),
    Value(ValueId),
}

#[derive(Debug, Default)]
pub(super) struct Value {
    pub(super) elements: Vec<Element>,
    pub(super) old: Option<ValueId>,
}

#[derive(Debug, Default, Clone)]
pub(super) struct Object {
    pub(super) items: HashMap<Vec<u8>, ValueId>,
    pub(super) keys: Vec<Vec<u8>>,
}

#[derive(Debug)]
pub(super) struct Substitution {
    pub(super) path: Vec<u8>,
    pub(super) original: Vec<u8>,
    pub(super) optional: bool,
    pub(super) resolved: Option<ValueId>,
}

/// Why a question has no answer: where go-akka panics or never returns.
#[derive(Debug)]
pub(super) enum Stop {
    /// `checkCycleRef`, with the substitution's path.
    Cycle(Vec<u8>),
    /// `GetString` or `GetArray` asked of an object or a literal (go-akka panics).
    WrongKind,
    /// A key that `quoteIfNeeded` quotes, looked up quoted (a nil value in Go).
    QuotedKey(Vec<u8>),
    TooDeep,
    TooMuchWork,
    TooLong,
}

type Answer<T> = Result<T, Stop>;

#[derive(Debug, Default)]
pub(super) struct Tree {
    pub(super) values: Vec<Value>,
    pub(super) objects: Vec<Object>,
    pub(super) arrays: Vec<Vec<ValueId>>,
    pub(super) literals: Vec<Vec<u8>>,
    pub(super) subs: Vec<Substitution>,
    steps: u64,
    depth: usize,
}

impl Tree {
    pub(super) fn new_value(&mut self) -> ValueId {
        self.values.push(Value::default());
        self.values.len() - 1
    }

    pub(super) fn new_object(&mut self) -> ObjectId {
        self.objects.push(Object::default());
        self.objects.len() - 1
    }

    pub(super) fn literal(&mut self, text: Vec<u8>) -> Element {
        self.literals.push(text);
        Element::Literal(self.literals.len() - 1)
    }

    pub(super) fn substitution(&mut self, path: Vec<u8>, optional: bool) -> SubId {
        self.subs.push(Substitution {
            original: path.clone(),
            path,
            optional,
            resolved: None,
        });
        self.subs.len() - 1
    }

    pub(super) fn push(&mut self, value: ValueId, e: Element) {
        self.values[value].elements.push(e);
    }

    /// `GetOrCreateKey`: a new value for `key`, remembering the one it replaces.
    pub(super) fn get_or_create_key(&mut self, object: ObjectId, key: &[u8]) -> ValueId {
        let child = self.new_value();
        let o = &mut self.objects[object];
        match o.items.insert(key.to_vec(), child) {
            Some(old) => self.values[child].old = Some(old),
            None => o.keys.push(key.to_vec()),
        }
        child
    }

    /// Counts a step and a level of nesting; `leave` undoes the level.
    fn enter(&mut self) -> Answer<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Stop::TooMuchWork);
        }
        self.depth += 1;
        if self.depth > MAX_EVAL_DEPTH {
            return Err(Stop::TooDeep);
        }
        Ok(())
    }

    fn leave<T>(&mut self, out: Answer<T>) -> Answer<T> {
        self.depth -= 1;
        out
    }

    /// `HoconObject.Merge`: keys `other` adds are shared; objects under a common key merge.
    pub(super) fn merge(&mut self, this: ObjectId, other: ObjectId) -> Answer<()> {
        self.enter()?;
        let out = self.merge_in(this, other);
        self.leave(out)
    }

    fn merge_in(&mut self, this: ObjectId, other: ObjectId) -> Answer<()> {
        let keys = self.objects[other].keys.clone();
        for key in keys {
            let Some(&other_value) = self.objects[other].items.get(&key) else {
                continue;
            };
            match self.objects[this].items.get(&key).copied() {
                Some(this_value) => {
                    if let Some(a) = self.get_object(this_value)?
                        && let Some(b) = self.get_object(other_value)?
                    {
                        self.merge(a, b)?;
                    }
                }
                None => {
                    let o = &mut self.objects[this];
                    o.items.insert(key.clone(), other_value);
                    o.keys.push(key);
                }
            }
        }
        Ok(())
    }

    /// `topValueOfSub`.
    fn top(&self, owner: ValueId, e: Element) -> View {
        if let Element::Sub(s) = e {
            match self.subs[s].resolved {
                Some(r) => {
                    if let Some(old) = self.values[r].old {
                        return View::Value(old);
                    }
                }
                None => {
                    if let Some(old) = self.values[owner].old {
                        return View::Value(old);
                    }
                }
            }
        }
        View::Element(e)
    }

    /// `checkCycleRef`: follows the first resolved substitution of each value; a value seen
    /// again at another level is a cycle.
    fn check_cycle(&mut self, sub: SubId) -> Answer<()> {
        let mut seen: HashMap<ValueId, usize> = HashMap::new();
        let mut level = 1;
        let mut next = self.subs[sub].resolved;
        while let Some(v) = next {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                return Err(Stop::TooMuchWork);
            }
            if seen.get(&v).is_some_and(|l| *l != level) {
                return Err(Stop::Cycle(self.subs[sub].path.clone()));
            }
            seen.insert(v, level);
            next = self.values[v].elements.iter().find_map(|e| match e {
                Element::Sub(s) => self.subs[*s].resolved,
                _ => None,
            });
            level += 1;
        }
        Ok(())
    }

    fn view_is_string(&mut self, v: View) -> Answer<bool> {
        match v {
            View::Value(id) => self.is_string(id),
            View::Element(Element::Literal(_)) => Ok(true),
            View::Element(Element::Object(_) | Element::Array(_)) => Ok(false),
            View::Element(Element::Sub(s)) => match self.subs[s].resolved {
                None => Ok(false),
                Some(r) => {
                    self.check_cycle(s)?;
                    self.is_string(r)
                }
            },
        }
    }

    fn view_get_string(&mut self, v: View) -> Answer<Vec<u8>> {
        match v {
            View::Value(id) => self.get_string(id),
            View::Element(Element::Literal(l)) => Ok(self.literals[l].clone()),
            View::Element(Element::Object(_) | Element::Array(_)) => Err(Stop::WrongKind),
            View::Element(Element::Sub(s)) => match self.subs[s].resolved {
                None => Ok(Vec::new()),
                Some(r) => {
                    self.check_cycle(s)?;
                    self.get_string(r)
                }
            },
        }
    }

    fn view_is_array(&mut self, v: View) -> Answer<bool> {
        match v {
            View::Value(id) => self.is_array(id),
            View::Element(Element::Array(_)) => Ok(true),
            View::Element(Element::Object(_) | Element::Literal(_)) => Ok(false),
            View::Element(Element::Sub(s)) => match self.subs[s].resolved {
                None => Ok(false),
                Some(r) => {
                    self.check_cycle(s)?;
                    self.is_array(r)
                }
            },
        }
    }

    fn view_get_array(&mut self, v: View) -> Answer<Vec<ValueId>> {
        match v {
            View::Value(id) => self.get_array(id),
            View::Element(Element::Array(a)) => Ok(self.arrays[a].clone()),
            View::Element(Element::Object(_) | Element::Literal(_)) => Err(Stop::WrongKind),
            View::Element(Element::Sub(s)) => match self.subs[s].resolved {
                None => Ok(Vec::new()),
                Some(r) => self.get_array(r),
            },
        }
    }

    /// `HoconValue.IsString`: every element (through `topValueOfSub`) a string, and at least one.
    pub(super) fn is_string(&mut self, id: ValueId) -> Answer<bool> {
        self.enter()?;
        let out = self.is_string_in(id);
        self.leave(out)
    }

    fn is_string_in(&mut self, id: ValueId) -> Answer<bool> {
        let elements = self.values[id].elements.clone();
        let mut count = 0;
        for e in &elements {
            let v = self.top(id, *e);
            if self.view_is_string(v)? {
                count += 1;
            }
        }
        Ok(count > 0 && count == elements.len())
    }

    /// `HoconValue.GetString`: the elements' strings joined, `null` read as empty, trimmed.
    pub(super) fn get_string(&mut self, id: ValueId) -> Answer<Vec<u8>> {
        self.enter()?;
        let out = self.get_string_in(id);
        self.leave(out)
    }

    fn get_string_in(&mut self, id: ValueId) -> Answer<Vec<u8>> {
        if !self.is_string(id)? {
            return Ok(Vec::new());
        }
        let elements = self.values[id].elements.clone();
        let mut concat = Vec::new();
        for e in elements {
            let v = self.top(id, e);
            concat.extend(self.view_get_string(v)?);
            if concat.len() > MAX_RENDER {
                return Err(Stop::TooLong);
            }
        }
        if concat == b"null" {
            concat.clear();
        }
        Ok(super::tokenizer::go_trim_space(&concat).to_vec())
    }

    /// `HoconValue.GetObject`.
    pub(super) fn get_object(&mut self, id: ValueId) -> Answer<Option<ObjectId>> {
        self.enter()?;
        let out = self.get_object_in(id);
        self.leave(out)
    }

    fn get_object_in(&mut self, id: ValueId) -> Answer<Option<ObjectId>> {
        let Some(&first) = self.values[id].elements.first() else {
            return Ok(None);
        };
        if let Element::Object(o) = first {
            return Ok(Some(o));
        }
        match self.top(id, first) {
            View::Value(v) => self.get_object(v),
            View::Element(Element::Sub(s)) => match self.subs[s].resolved {
                None => Ok(None),
                Some(r) => {
                    self.check_cycle(s)?;
                    self.get_object(r)
                }
            },
            View::Element(_) => Ok(None),
        }
    }

    pub(super) fn is_object(&mut self, id: ValueId) -> Answer<bool> {
        Ok(self.get_object(id)?.is_some())
    }

    /// `HoconValue.GetArray`: the items of every element that is an array.
    pub(super) fn get_array(&mut self, id: ValueId) -> Answer<Vec<ValueId>> {
        self.enter()?;
        let out = self.get_array_in(id);
        self.leave(out)
    }

    fn get_array_in(&mut self, id: ValueId) -> Answer<Vec<ValueId>> {
        let elements = self.values[id].elements.clone();
        let mut items = Vec::new();
        for e in elements {
            let v = self.top(id, e);
            if self.view_is_array(v)? {
                items.extend(self.view_get_array(v)?);
            }
        }
        Ok(items)
    }

    /// `HoconValue.IsArray`: Go's `GetArray() != nil`, so an empty array is not one.
    pub(super) fn is_array(&mut self, id: ValueId) -> Answer<bool> {
        Ok(!self.get_array(id)?.is_empty())
    }

    /// `HoconValue.ToString(indent)`: what conftest puts in its output for a leaf.
    pub(super) fn render(&mut self, id: ValueId, indent: usize, out: &mut Vec<u8>) -> Answer<()> {
        self.enter()?;
        let r = self.render_in(id, indent, out);
        self.leave(r)?;
        if out.len() > MAX_RENDER {
            return Err(Stop::TooLong);
        }
        Ok(())
    }

    fn render_in(&mut self, id: ValueId, indent: usize, out: &mut Vec<u8>) -> Answer<()> {
        if self.is_string(id)? {
            let s = self.get_string(id)?;
            if s.is_empty() {
                out.extend_from_slice(b"\"\"");
            } else if s.contains(&b' ') || s.contains(&b'\t') {
                out.push(b'"');
                out.extend_from_slice(&s);
                out.push(b'"');
            } else {
                out.extend_from_slice(&s);
            }
            return Ok(());
        }
        if let Some(o) = self.get_object(id)? {
            out.extend_from_slice(b"{\r\n");
            self.render_object(o, indent + 1, out)?;
            out.extend(std::iter::repeat_n(b' ', indent * 2));
            out.push(b'}');
            return Ok(());
        }
        let items = self.get_array(id)?;
        if !items.is_empty() {
            out.push(b'[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self.render(item, indent + 1, out)?;
            }
            out.push(b']');
            return Ok(());
        }
        out.extend_from_slice(b"<<unknown value>>");
        Ok(())
    }

    /// `HoconObject.ToString(indent)`: `key : value` lines; a key with a space or tab is looked
    /// up quoted, which finds nothing (Go then panics on the nil value).
    fn render_object(&mut self, o: ObjectId, indent: usize, out: &mut Vec<u8>) -> Answer<()> {
        let keys = self.objects[o].keys.clone();
        for k in keys {
            let quoted = k.contains(&b' ') || k.contains(&b'\t');
            let value = if quoted {
                None
            } else {
                self.objects[o].items.get(&k).copied()
            };
            let Some(v) = value else {
                return Err(Stop::QuotedKey(k));
            };
            out.extend(std::iter::repeat_n(b' ', indent * 2));
            out.extend_from_slice(&k);
            out.extend_from_slice(b" : ");
            self.render(v, indent, out)?;
            out.extend_from_slice(b"\r\n");
        }
        Ok(())
    }

    /// go-akka's `getNode`: the value at a dotted path, split at every `"` and `.`.
    pub(super) fn get_node(&mut self, root: ValueId, path: &[u8]) -> Answer<Option<ValueId>> {
        let mut node = root;
        for key in split_path(path) {
            let Some(o) = self.get_object(node)? else {
                return Ok(None);
            };
            match self.objects[o].items.get(key) {
                Some(&v) => node = v,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }
}

/// `splitDottedPathHonouringQuotes`: despite its name, every `"` and `.` splits; empty parts go.
pub(super) fn split_path(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|b| *b == b'"' || *b == b'.')
        .filter(|p| !p.is_empty())
}
