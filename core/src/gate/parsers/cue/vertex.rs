//! The pieces of CUE's evaluation: vertices (a field's node in the value tree, with its
//! conjuncts, fields, basic value, lists, patterns and closedness groups), labels, scopes
//! (frames of struct literals and bindings) and what a reference names.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::Stop;
use super::ast::{Clause, Decl, Expr, Field, Presence};
use super::value::Vd;

pub(super) type Vid = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Class {
    Regular,
    Hidden,
    Def,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Label {
    Field(String, Class),
    Index(usize),
}

/// The class of a field named by identifier `name` (a quoted label is always regular).
pub(super) fn class_of(name: &str, ident: bool) -> Class {
    if !ident {
        Class::Regular
    } else if name.starts_with('#') {
        Class::Def
    } else if name.starts_with('_') {
        Class::Hidden
    } else {
        Class::Regular
    }
}

/// The closedness groups a conjunct belongs to (one per definition reference it came through).
pub(super) type Keys = Rc<Vec<u32>>;

pub(super) type Env<'a> = Option<Rc<Frame<'a>>>;

pub(super) struct Frame<'a> {
    pub(super) parent: Env<'a>,
    pub(super) kind: FrameKind<'a>,
}

pub(super) enum FrameKind<'a> {
    /// A struct literal added to `vertex`: its fields, lets and aliases are in scope.
    Struct {
        vertex: Vid,
        decls: &'a [Decl],
    },
    Bind(&'a str, Binding<'a>),
}

#[derive(Clone)]
pub(super) enum Binding<'a> {
    Vertex(Vid),
    Value(Vd),
    Expr(&'a Expr, Env<'a>),
}

#[derive(Clone)]
pub(super) struct Conj<'a> {
    pub(super) expr: &'a Expr,
    pub(super) env: Env<'a>,
    pub(super) keys: Keys,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Fresh,
    Phase1,
    Phase2,
    Done,
}

pub(super) struct Pattern<'a> {
    pub(super) label: Vd,
    pub(super) value: &'a Expr,
    pub(super) env: Env<'a>,
    pub(super) alias: Option<&'a str>,
    pub(super) keys: Keys,
}

/// The type of an open list's further elements (`...T`), with its scope and closedness.
pub(super) type Rest<'a> = (&'a Expr, Env<'a>, Keys);

pub(super) struct Group {
    pub(super) key: u32,
    /// Whether a rejection by this group is certain: it came from a plain reference to a
    /// definition (`#D`, `a.#D`), not through an embedding or a selection from a unified value,
    /// where CUE's closedness rules are subtler than this evaluator's.
    pub(super) sure: bool,
    pub(super) allowed: HashSet<String>,
    pub(super) open: bool,
    pub(super) patterns: Vec<Vd>,
}

pub(super) enum Deferred<'a> {
    Comprehension(&'a [Clause], &'a Expr, Env<'a>, Keys),
    Dynamic(&'a Field, &'a Expr, Env<'a>, Keys),
    List(&'a [Decl], Option<&'a Expr>, Env<'a>, Keys),
}

pub(super) struct Vertex<'a> {
    pub(super) parent: Option<Vid>,
    pub(super) label: Option<Label>,
    pub(super) conjs: Vec<Conj<'a>>,
    pub(super) state: State,
    pub(super) arcs: Vec<(Label, Vid)>,
    pub(super) index: HashMap<Label, Vid>,
    pub(super) presence: Presence,
    pub(super) scalar: Vd,
    /// STRUCT and/or LIST, from literals.
    pub(super) structural: u16,
    pub(super) lists: Vec<(usize, Option<Rest<'a>>)>,
    pub(super) patterns: Vec<Pattern<'a>>,
    pub(super) patterns_applied: bool,
    pub(super) groups: Vec<Group>,
    pub(super) deferred: Vec<Deferred<'a>>,
    pub(super) err: Option<Stop>,
    /// A struct literal with `...` was added.
    pub(super) open_literal: bool,
    /// Read while its parent was still adding fields: no conjunct may come after.
    pub(super) read: bool,
    /// Its fields were listed (a `for`): no field may come after.
    pub(super) listed: bool,
    pub(super) finalizing: bool,
    pub(super) finalized: bool,
    /// The references already added (their field, closedness groups, plainness).
    pub(super) added: HashSet<(Vid, Vec<u32>, bool)>,
    /// For a vertex evaluating one combination of its disjunctions of structs or lists: which
    /// term each disjunction (by its expression's address) takes.
    pub(super) choices: Vec<(usize, usize)>,
    /// The disjunctions of structs or lists met while expanding, resolved once it is done.
    pub(super) disj: Vec<(usize, &'a Expr)>,
}

pub(super) enum Target<'a> {
    Vertex(Vid),
    Value(Vd),
    Expr(&'a Expr, Env<'a>),
    Builtin(&'static str),
}

pub(super) fn presence_rank(p: Presence) -> u8 {
    match p {
        Presence::Optional => 0,
        Presence::Required => 1,
        Presence::Regular => 2,
    }
}
