//! CUE's evaluation (spec "Unification", "Structs", "Closed structs", "Comprehensions"): a tree of
//! vertices, each the unification of its conjuncts (an expression and the scope it appeared in),
//! evaluated lazily. A struct literal adds fields (arcs) whose own conjuncts wait until needed;
//! a reference adds the conjuncts of the field it names, re-evaluated in the new place (so
//! `y: {a: int, b: a}; x: y & {a: 1}` gives `x.b: 1`); a definition reference closes what it adds.
//!
//! A vertex is expanded in two phases: its conjuncts (fields, embeddings, scalars, patterns), then
//! what may read its own fields (comprehensions, dynamic labels). Where CUE's evaluator would
//! revisit a field that has already been read (a comprehension adding to what it iterates), this
//! one refuses as unsupported instead of answering differently.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::Stop;
use super::ast::{At, Decl, Expr, Presence};
use super::closedness::plain_path;
use super::value::{Alt, Atom, LIST, STRUCT, Vd, meet};
pub(super) use super::vertex::*;

/// Most evaluation steps and vertices, and the deepest evaluation recursion (hostile input).
const MAX_STEPS: usize = 1_000_000;
const MAX_VERTICES: usize = 1_000_000;
pub(super) const MAX_RECURSION: usize = 1500;

pub(super) struct Eval<'a> {
    pub(super) vs: Vec<Vertex<'a>>,
    steps: usize,
    next_key: u32,
    /// Closedness groups whose rejections are not certain (see [`Group::sure`]).
    pub(super) unsure: HashSet<u32>,
    pub(super) depth: usize,
}

impl<'a> Eval<'a> {
    pub(super) fn new() -> Eval<'a> {
        Eval {
            vs: Vec::new(),
            steps: 0,
            next_key: 0,
            unsure: HashSet::new(),
            depth: 0,
        }
    }

    pub(super) fn tick(&mut self) -> Result<(), Stop> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Stop::Budget);
        }
        Ok(())
    }

    pub(super) fn enter(&mut self) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_RECURSION {
            return Err(Stop::Budget);
        }
        self.tick()
    }

    pub(super) fn new_vertex(
        &mut self,
        parent: Option<Vid>,
        label: Option<Label>,
    ) -> Result<Vid, Stop> {
        if self.vs.len() >= MAX_VERTICES {
            return Err(Stop::Budget);
        }
        self.vs.push(Vertex {
            parent,
            label,
            conjs: Vec::new(),
            state: State::Fresh,
            arcs: Vec::new(),
            index: HashMap::new(),
            presence: Presence::Regular,
            scalar: Vd::top(),
            structural: 0,
            lists: Vec::new(),
            patterns: Vec::new(),
            patterns_applied: false,
            groups: Vec::new(),
            deferred: Vec::new(),
            err: None,
            open_literal: false,
            read: false,
            listed: false,
            finalizing: false,
            finalized: false,
            added: HashSet::new(),
            choices: Vec::new(),
            disj: Vec::new(),
        });
        Ok(self.vs.len() - 1)
    }

    /// A vertex of its own (no parent) holding `expr`: a struct or list used as a value.
    pub(super) fn temp(&mut self, expr: &'a Expr, env: Env<'a>) -> Result<Vid, Stop> {
        let t = self.new_vertex(None, None)?;
        self.vs[t].conjs.push(Conj {
            expr,
            env,
            keys: Rc::new(Vec::new()),
        });
        Ok(t)
    }

    /// The path of `v` for messages (`a.b.0`).
    pub(super) fn path(&self, v: Vid) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(v);
        while let Some(c) = cur {
            match &self.vs[c].label {
                Some(Label::Field(s, _)) => parts.push(s.clone()),
                Some(Label::Index(i)) => parts.push(i.to_string()),
                None => {}
            }
            cur = self.vs[c].parent;
        }
        parts.reverse();
        parts.join(".")
    }

    pub(super) fn eval_err(&self, v: Vid, msg: impl Into<String>) -> Stop {
        Stop::Eval(self.path(v), msg.into())
    }

    fn is_ancestor(&self, a: Vid, mut v: Vid) -> bool {
        while let Some(p) = self.vs[v].parent {
            if p == a {
                return true;
            }
            v = p;
        }
        false
    }

    /// The arc `label` of `v` (made if new), with `conj` added.
    pub(super) fn add_arc(
        &mut self,
        v: Vid,
        label: Label,
        presence: Presence,
        conj: Conj<'a>,
        at: At,
    ) -> Result<Vid, Stop> {
        let arc = match self.vs[v].index.get(&label) {
            Some(a) => *a,
            None => {
                if self.vs[v].listed {
                    return Err(Stop::Unsupported(
                        at,
                        "a comprehension that adds fields to what it iterates",
                    ));
                }
                let a = self.new_vertex(Some(v), Some(label.clone()))?;
                self.vs[a].presence = presence;
                self.vs[v].arcs.push((label.clone(), a));
                self.vs[v].index.insert(label.clone(), a);
                if self.vs[v].patterns_applied {
                    self.apply_patterns(v, a)?;
                }
                a
            }
        };
        if self.vs[arc].state != State::Fresh || self.vs[arc].read {
            return Err(Stop::Unsupported(
                at,
                "a field added to after it was read (by a comprehension or a reference)",
            ));
        }
        let node = &mut self.vs[arc];
        if presence_rank(presence) > presence_rank(node.presence) {
            node.presence = presence;
        }
        node.conjs.push(conj);
        Ok(arc)
    }

    fn apply_patterns(&mut self, v: Vid, arc: Vid) -> Result<(), Stop> {
        let Some(Label::Field(name, Class::Regular)) = self.vs[arc].label.clone() else {
            return Ok(());
        };
        let s = Vd::atom(Atom::Str(name.clone()));
        let mut add = Vec::new();
        for p in &self.vs[v].patterns {
            if meet(&p.label, &s)?.is_ok() {
                let env = match p.alias {
                    Some(a) => Some(Rc::new(Frame {
                        parent: p.env.clone(),
                        kind: FrameKind::Bind(a, Binding::Value(Vd::atom(Atom::Str(name.clone())))),
                    })),
                    None => p.env.clone(),
                };
                add.push(Conj {
                    expr: p.value,
                    env,
                    keys: p.keys.clone(),
                });
            }
        }
        self.vs[arc].conjs.extend(add);
        Ok(())
    }

    pub(super) fn meet_scalar(&mut self, v: Vid, vd: &Vd) -> Result<(), Stop> {
        match meet(&self.vs[v].scalar, vd)? {
            Ok(m) => {
                self.vs[v].scalar = m;
                Ok(())
            }
            Err(c) => Err(self.eval_err(v, c)),
        }
    }

    /// Unifies `expr` (in `env`) into `v`.
    pub(super) fn add(
        &mut self,
        v: Vid,
        expr: &'a Expr,
        env: Env<'a>,
        keys: Keys,
    ) -> Result<(), Stop> {
        self.enter()?;
        let r = self.add_inner(v, expr, env, keys);
        self.depth -= 1;
        r
    }

    fn add_inner(&mut self, v: Vid, expr: &'a Expr, env: Env<'a>, keys: Keys) -> Result<(), Stop> {
        match expr {
            Expr::Struct(decls, _) => self.add_struct(v, decls, env, keys),
            Expr::List(elems, rest, at) => {
                if elems.iter().any(|e| matches!(e, Decl::Comprehension(..))) {
                    if self.vs[v].state != State::Phase1 {
                        return Err(Stop::Unsupported(
                            *at,
                            "a list comprehension in this position",
                        ));
                    }
                    self.mark(v, LIST)?;
                    self.vs[v]
                        .deferred
                        .push(Deferred::List(elems, rest.as_deref(), env, keys));
                    return Ok(());
                }
                self.add_list(v, elems, rest.as_deref(), env, keys)
            }
            Expr::Paren(e) => self.add(v, e, env, keys),
            Expr::Binary("|", ..) | Expr::Unary("*", ..) => {
                self.add_disjunction(v, expr, env, keys)
            }
            Expr::Binary("&", a, b, _) => {
                self.add(v, a, env.clone(), keys.clone())?;
                self.add(v, b, env, keys)
            }
            Expr::Ident(..) | Expr::Selector(..) | Expr::Index(..) => match self
                .target(expr, &env)?
            {
                Target::Vertex(t) => self.add_vertex(v, t, keys, expr_at(expr), plain_path(expr)),
                Target::Expr(e, env2) => self.add(v, e, env2, keys),
                Target::Value(vd) => self.meet_scalar(v, &vd),
                Target::Builtin(_) => Err(self.eval_err(v, "a builtin function used as a value")),
            },
            _ => match self.value(expr, &env)? {
                super::ops::Ev::Scalar(vd) => self.meet_scalar(v, &vd),
                super::ops::Ev::Vertex(t) => self.add_vertex(v, t, keys, expr_at(expr), false),
            },
        }
    }

    /// Checks that `t`'s conjuncts are complete before they are read.
    pub(super) fn check_readable(&mut self, t: Vid, at: At) -> Result<(), Stop> {
        if let Some(p) = self.vs[t].parent {
            match self.vs[p].state {
                State::Phase1 => {
                    return Err(Stop::Unsupported(
                        at,
                        "a reference to a field of a struct that is still being evaluated",
                    ));
                }
                State::Phase2 => self.vs[t].read = true,
                _ => {}
            }
            if self.vs[p].state == State::Fresh {
                return Err(Stop::Unsupported(
                    at,
                    "a reference into a struct that was not evaluated",
                ));
            }
        }
        Ok(())
    }

    /// Adds the conjuncts of `t` to `v` (a reference), closing them when `t` is a definition.
    fn add_vertex(&mut self, v: Vid, t: Vid, keys: Keys, at: At, plain: bool) -> Result<(), Stop> {
        if t == v {
            return Ok(());
        }
        if self.is_ancestor(t, v) {
            return Err(self.eval_err(v, "structural cycle"));
        }
        self.check_readable(t, at)?;
        // `x & x` is `x`: the same field's conjuncts, closed alike, add nothing the second time
        // (and a file repeating `x: #D & …` does not multiply the work)
        if !self.vs[v].added.insert((t, keys.to_vec(), plain)) {
            return Ok(());
        }
        let mut keys = keys;
        if matches!(self.vs[t].label, Some(Label::Field(_, Class::Def))) {
            let mut k = (*keys).clone();
            k.push(self.next_key);
            if !plain {
                self.unsure.insert(self.next_key);
            }
            self.next_key += 1;
            keys = Rc::new(k);
        }
        let conjs = self.vs[t].conjs.clone();
        if !plain {
            // closedness carried through a selection from a unified value: not certain
            for c in &conjs {
                self.unsure.extend(c.keys.iter().copied());
            }
        }
        for c in conjs {
            let merged = if c.keys.is_empty() {
                keys.clone()
            } else if keys.is_empty() {
                c.keys.clone()
            } else {
                let mut k = (*keys).clone();
                k.extend(c.keys.iter().copied().filter(|x| !keys.contains(x)));
                Rc::new(k)
            };
            self.add(v, c.expr, c.env, merged)?;
        }
        Ok(())
    }

    /// Evaluates `v`'s conjuncts into fields, a scalar, patterns; then its comprehensions and
    /// dynamic fields; then checks lists and closedness.
    pub(super) fn expand(&mut self, v: Vid) -> Result<(), Stop> {
        match self.vs[v].state {
            State::Done => return self.vs[v].err.clone().map_or(Ok(()), Err),
            State::Phase1 | State::Phase2 => {
                return Err(Stop::Unsupported(
                    0,
                    "reference cycles (a field whose value depends on itself)",
                ));
            }
            State::Fresh => {}
        }
        self.enter()?;
        self.vs[v].state = State::Phase1;
        let r = self.expand_inner(v);
        self.depth -= 1;
        self.vs[v].state = State::Done;
        if let Err(e) = &r {
            self.vs[v].err = Some(e.clone());
        }
        r
    }

    fn expand_inner(&mut self, v: Vid) -> Result<(), Stop> {
        let mut i = 0;
        while i < self.vs[v].conjs.len() {
            let c = self.vs[v].conjs[i].clone();
            self.add(v, c.expr, c.env, c.keys)?;
            i += 1;
        }
        self.vs[v].patterns_applied = true;
        let arcs: Vec<Vid> = self.vs[v].arcs.iter().map(|(_, a)| *a).collect();
        for a in arcs {
            self.apply_patterns(v, a)?;
        }
        self.vs[v].state = State::Phase2;
        // what a comprehension yields may hold comprehensions and dynamic fields of its own
        loop {
            let deferred = std::mem::take(&mut self.vs[v].deferred);
            if deferred.is_empty() {
                break;
            }
            for d in deferred {
                match d {
                    Deferred::Comprehension(clauses, body, env, keys) => {
                        let mut out = Vec::new();
                        self.comprehend(clauses, body, env, &mut out)
                            .map_err(|e| self.locate(v, e))?;
                        // a comprehension yielding nothing still makes a struct (`{for x in [] {…}}`)
                        if out.is_empty()
                            && self.vs[v].structural == 0
                            && self.vs[v].scalar == Vd::top()
                        {
                            self.mark(v, STRUCT)?;
                        }
                        for (b, benv) in out {
                            self.add(v, b, benv, keys.clone())?;
                        }
                    }
                    Deferred::Dynamic(f, e, env, keys) => {
                        let name = match self.value(e, &env).map_err(|e| self.locate(v, e))? {
                            super::ops::Ev::Scalar(vd) => match vd.resolved() {
                                Some(Alt::Atom(Atom::Str(s))) => s.clone(),
                                Some(Alt::Atom(_)) => {
                                    return Err(self.eval_err(v, "a label that is not a string"));
                                }
                                _ => {
                                    return Err(Stop::Incomplete(
                                        self.path(v),
                                        "a label that is not concrete".into(),
                                    ));
                                }
                            },
                            super::ops::Ev::Vertex(_) => {
                                return Err(self.eval_err(v, "a label that is not a string"));
                            }
                        };
                        // a definition allows the fields its dynamic labels name
                        for k in keys.iter() {
                            self.group(v, *k).allowed.insert(name.clone());
                        }
                        let conj = Conj {
                            expr: &f.value,
                            env,
                            keys,
                        };
                        self.add_arc(
                            v,
                            Label::Field(name, Class::Regular),
                            f.presence,
                            conj,
                            f.at,
                        )?;
                    }
                    Deferred::List(elems, rest, env, keys) => {
                        self.add_list(v, elems, rest, env, keys)?;
                    }
                }
            }
        }
        self.finish(v)?;
        if !self.vs[v].disj.is_empty() {
            self.resolve_disjunctions(v)?;
        }
        Ok(())
    }

    /// An error without a path gets `v`'s.
    fn locate(&self, v: Vid, e: Stop) -> Stop {
        match e {
            Stop::Eval(p, m) if p.is_empty() => Stop::Eval(self.path(v), m),
            Stop::Incomplete(p, m) if p.is_empty() => Stop::Incomplete(self.path(v), m),
            e => e,
        }
    }

    fn finish(&mut self, v: Vid) -> Result<(), Stop> {
        let structural = self.vs[v].structural;
        if structural != 0 {
            let ok = self.vs[v].scalar.v.iter().any(|a| match a {
                Alt::Top => true,
                Alt::Cons { kinds, bounds } => {
                    kinds & structural != 0 && bounds.iter().all(|b| b.op == "!=")
                }
                Alt::Atom(_) => false,
            });
            if !ok {
                return Err(self.eval_err(
                    v,
                    format!(
                        "conflicting values (mismatched types {} and a basic value)",
                        if structural == STRUCT {
                            "struct"
                        } else {
                            "list"
                        }
                    ),
                ));
            }
            self.vs[v].scalar = Vd::top();
        }
        let lists = std::mem::take(&mut self.vs[v].lists);
        let n = lists.iter().map(|(c, _)| *c).max().unwrap_or(0);
        for (c, rest) in &lists {
            match rest {
                None if *c < n => {
                    return Err(self.eval_err(v, "incompatible list lengths"));
                }
                None => {}
                Some((r, env, keys)) => {
                    for i in *c..n {
                        let conj = Conj {
                            expr: r,
                            env: env.clone(),
                            keys: keys.clone(),
                        };
                        self.add_arc(v, Label::Index(i), Presence::Regular, conj, expr_at(r))?;
                    }
                }
            }
        }
        self.check_closed(v)
    }

    /// Evaluates `v` and every field below it but optional ones; an incomplete value under a
    /// hidden field or a definition is no error (CUE reports only conflicts there).
    pub(super) fn finalize(&mut self, v: Vid) -> Result<(), Stop> {
        if self.vs[v].finalized {
            return self.vs[v].err.clone().map_or(Ok(()), Err);
        }
        if self.vs[v].finalizing {
            return Err(Stop::Unsupported(
                0,
                "reference cycles (a struct whose value depends on itself)",
            ));
        }
        self.enter()?;
        self.vs[v].finalizing = true;
        let r = self.finalize_inner(v);
        self.depth -= 1;
        self.vs[v].finalizing = false;
        self.vs[v].finalized = true;
        if let Err(e) = &r {
            self.vs[v].err = Some(e.clone());
        }
        r
    }

    fn finalize_inner(&mut self, v: Vid) -> Result<(), Stop> {
        self.expand(v)?;
        let arcs = self.vs[v].arcs.clone();
        for (label, a) in arcs {
            if self.vs[a].presence == Presence::Optional {
                continue;
            }
            let quiet = matches!(label, Label::Field(_, Class::Hidden | Class::Def))
                || self.vs[a].presence == Presence::Required;
            match self.finalize(a) {
                Err(Stop::Incomplete(..)) if quiet => {}
                Err(e) => return Err(e),
                Ok(()) => {}
            }
        }
        Ok(())
    }
}

/// Where an expression starts, for messages.
pub(super) fn expr_at(e: &Expr) -> At {
    match e {
        Expr::Ident(_, at)
        | Expr::Int(_, at)
        | Expr::Float(_, at)
        | Expr::Str { at, .. }
        | Expr::Bottom(at)
        | Expr::Unary(_, _, at)
        | Expr::Binary(_, _, _, at)
        | Expr::Selector(_, _, at)
        | Expr::Index(_, _, at)
        | Expr::Call(_, _, at)
        | Expr::Struct(_, at)
        | Expr::List(_, _, at)
        | Expr::Alias(at) => *at,
        Expr::Paren(e) => expr_at(e),
        Expr::Bool(_) | Expr::Null => 0,
    }
}
