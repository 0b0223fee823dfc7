//! go-akka/configuration's HOCON parser (`hocon/parser.go`), ported as it is: keys, `.` paths,
//! `=`/`:`/`+=`/`{`, values concatenated from literals, the spaces between them, objects, arrays
//! and substitutions; an object assigned over an object merges with it; `include "file"` parses
//! the file (with its own substitutions resolved) and merges it in; after the parse every
//! substitution is looked up by its path in the final tree.
//!
//! Refusals: where go-akka panics (an unresolved `${x}`, a value missing at the end of the file,
//! an include it cannot read, a token it does not know), and where it never returns (an array
//! that stops making progress, as `[=]`; nesting or includes deeper than [`MAX_DEPTH`]).

use super::tokenizer::{Fault, Token, Tokenizer};
use super::value::{Element, Stop, SubId, Tree, ValueId};

/// Deepest nesting of objects, arrays and includes; go-akka recurses without bound.
pub(super) const MAX_DEPTH: usize = 200;

#[derive(Debug)]
pub(super) enum Error {
    /// A fault at a line and column (1-based, in bytes) of the text being parsed.
    At {
        line: usize,
        column: usize,
        what: At,
    },
    Stop(Stop),
    /// A `${path}` found nowhere (go-akka then reads the environment; sealgate never does).
    Unresolved(Vec<u8>),
    /// `=` with nothing after it (go-akka panics).
    EndOfFile,
    /// An include that could not be read, or failed to parse.
    Include {
        name: String,
        why: Box<IncludeFailure>,
    },
    /// An object that go-akka dereferences as nil (an included text that is not an object).
    NotAnObject,
}

/// Why an include failed: the file could not be read, or its text was refused.
#[derive(Debug)]
pub(super) enum IncludeFailure {
    Read(String),
    Parse(Error),
}

/// What went wrong at a line.
#[derive(Debug)]
pub(super) enum At {
    /// A character no token starts with (go-akka panics).
    UnknownToken,
    /// An escape go-akka does not know (it panics).
    UnknownEscape,
    /// A value go-akka expects and does not find (it panics).
    ExpectedValue,
    /// An array whose next value takes no text (go-akka loops forever).
    ArrayStuck,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl From<Stop> for Error {
    fn from(s: Stop) -> Error {
        Error::Stop(s)
    }
}

/// Reads an included file by the name the text gives.
pub(super) trait Loader {
    fn load(&self, name: &[u8]) -> Result<Vec<u8>, String>;
}

pub(super) struct Parser<'a, 't> {
    tree: &'t mut Tree,
    reader: Tokenizer<'a>,
    loader: &'t dyn Loader,
    subs: Vec<SubId>,
    depth: usize,
}

/// `hocon.Parse`: the root value of `text` and its substitutions, resolved.
pub(super) fn parse(
    tree: &mut Tree,
    text: &[u8],
    loader: &dyn Loader,
    depth: usize,
) -> Result<(ValueId, Vec<SubId>), Error> {
    let root = tree.new_value();
    let mut p = Parser {
        tree,
        reader: Tokenizer::new(text),
        loader,
        subs: Vec::new(),
        depth,
    };
    p.reader.pull_whitespace_and_comments();
    p.parse_object(root, true, b"")?;
    for &sub in &p.subs {
        let path = p.tree.subs[sub].path.clone();
        match p.tree.get_node(root, &path)? {
            Some(v) => p.tree.subs[sub].resolved = Some(v),
            None if p.tree.subs[sub].optional => {}
            None => return Err(Error::Unresolved(p.tree.subs[sub].original.clone())),
        }
    }
    Ok((root, p.subs))
}

fn join_path(path: &[u8], key: &[u8]) -> Vec<u8> {
    if path.is_empty() {
        return key.to_vec();
    }
    [path, b".", key].concat()
}

impl Parser<'_, '_> {
    fn at(&self, offset: usize, what: At) -> Error {
        let (line, column) = self.reader.position(offset);
        Error::At { line, column, what }
    }

    fn fault(&self, f: Fault) -> Error {
        match f {
            Fault::UnknownToken(o) => self.at(o, At::UnknownToken),
            Fault::UnknownEscape(o) => self.at(o, At::UnknownEscape),
            Fault::ExpectedValue(o) => self.at(o, At::ExpectedValue),
        }
    }

    fn next_token(&mut self) -> Result<Token, Error> {
        let t = self.reader.pull_next();
        t.map_err(|f| self.fault(f))
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.at(self.reader.index, At::TooDeep));
        }
        Ok(())
    }

    fn parse_object(&mut self, owner: ValueId, root: bool, path: &[u8]) -> Result<(), Error> {
        self.enter()?;
        self.parse_object_in(owner, root, path)?;
        self.depth -= 1;
        Ok(())
    }

    fn parse_object_in(&mut self, owner: ValueId, root: bool, path: &[u8]) -> Result<(), Error> {
        if !self.tree.is_object(owner)? {
            let o = self.tree.new_object();
            self.tree.values[owner].elements = vec![Element::Object(o)];
        }
        // An object over an object: each older one merges into the newer.
        let mut r = owner;
        while let Some(old) = self.tree.values[r].old {
            let (Some(old_obj), Some(obj)) = (self.tree.get_object(old)?, self.tree.get_object(r)?)
            else {
                break;
            };
            self.tree.merge(obj, old_obj)?;
            r = old;
        }
        let current = self.tree.get_object(owner)?.ok_or(Error::NotAnObject)?;
        while !self.reader.eof() {
            match self.next_token()? {
                Token::Include(name) => self.include(owner, &name, path)?,
                Token::Key(key) => {
                    let value = self.tree.get_or_create_key(current, &key);
                    self.parse_key_content(value, &join_path(path, &key))?;
                    if !root {
                        return Ok(());
                    }
                }
                Token::ObjectEnd => return Ok(()),
                _ => {}
            }
        }
        Ok(())
    }

    fn include(&mut self, owner: ValueId, name: &[u8], path: &[u8]) -> Result<(), Error> {
        let shown = String::from_utf8_lossy(name).into_owned();
        let fail = |why| Error::Include {
            name: shown.clone(),
            why: Box::new(why),
        };
        let text = self
            .loader
            .load(name)
            .map_err(|e| fail(IncludeFailure::Read(e)))?;
        let (root, subs) = parse(self.tree, &text, self.loader, self.depth + 1)
            .map_err(|e| fail(IncludeFailure::Parse(e)))?;
        for &sub in &subs {
            let s = &mut self.tree.subs[sub];
            s.path = [path, b".", &s.path].concat();
        }
        self.subs.extend(subs);
        let other = self.tree.get_object(root)?.ok_or(Error::NotAnObject)?;
        let this = self.tree.get_object(owner)?.ok_or(Error::NotAnObject)?;
        self.tree.merge(this, other)?;
        Ok(())
    }

    fn parse_key_content(&mut self, value: ValueId, path: &[u8]) -> Result<(), Error> {
        while !self.reader.eof() {
            match self.next_token()? {
                Token::Dot => return self.parse_object(value, false, path),
                Token::Assign => {
                    if !self.tree.is_object(value)? {
                        self.tree.values[value].elements.clear();
                    }
                    return self.parse_value(value, false, path);
                }
                Token::PlusAssign => {
                    if !self.tree.is_object(value)? {
                        self.tree.values[value].elements.clear();
                    }
                    return self.parse_value(value, true, path);
                }
                Token::ObjectStart => return self.parse_object(value, true, path),
                _ => {}
            }
        }
        Ok(())
    }

    fn parse_value(&mut self, owner: ValueId, plus: bool, path: &[u8]) -> Result<(), Error> {
        if self.reader.eof() {
            return Err(Error::EndOfFile);
        }
        self.reader.pull_whitespace_and_comments();
        while self.reader.is_value() {
            let token = self.reader.pull_value();
            let token = token.map_err(|f| self.fault(f))?;
            if plus {
                // go-akka's `+=`: a substitution of the key's own path before each value.
                let sub = self.tree.substitution(path.to_vec(), false);
                self.subs.push(sub);
                self.tree.push(owner, Element::Sub(sub));
            }
            match token {
                Token::Literal(text) => {
                    if self.tree.is_object(owner)? {
                        self.tree.values[owner].elements.clear();
                    }
                    let lit = self.tree.literal(text);
                    self.tree.push(owner, lit);
                }
                Token::ObjectStart => self.parse_object(owner, true, path)?,
                Token::ArrayStart => {
                    let array = self.parse_array(path)?;
                    self.tree.push(owner, Element::Array(array));
                }
                Token::Substitution { path: p, optional } => {
                    let sub = self.tree.substitution(p, optional);
                    self.subs.push(sub);
                    self.tree.push(owner, Element::Sub(sub));
                }
                _ => {}
            }
            if self.reader.is_space_or_tab() {
                let ws = self.reader.pull_space_or_tab().to_vec();
                if !ws.is_empty() {
                    let lit = self.tree.literal(ws);
                    self.tree.push(owner, lit);
                }
            }
        }
        self.reader.skip_comma();
        self.reader.skip_escaped_newline();
        Ok(())
    }

    fn parse_array(&mut self, path: &[u8]) -> Result<usize, Error> {
        self.enter()?;
        let mut items = Vec::new();
        while !self.reader.eof() && !self.reader.is_array_end() {
            let before = self.reader.index;
            let v = self.tree.new_value();
            self.parse_value(v, false, path)?;
            items.push(v);
            self.reader.pull_whitespace_and_comments();
            if self.reader.index == before {
                return Err(self.at(before, At::ArrayStuck));
            }
        }
        self.reader.pull_array_end();
        self.tree.arrays.push(items);
        self.depth -= 1;
        Ok(self.tree.arrays.len() - 1)
    }
}
