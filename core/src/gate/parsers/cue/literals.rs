//! Struct and list literals unified into a vertex (spec "Structs", "Lists"): a struct's fields
//! become arcs with their conjuncts, its embeddings are unified in place, its patterns, `...`,
//! comprehensions and dynamic fields are recorded, and its labels join the closedness groups of
//! the definitions it came through; a list's elements become indexed arcs, with the type of an
//! open list's rest.

use std::rc::Rc;

use super::Stop;
use super::ast::{Decl, Expr, LabelName, Presence};
use super::eval::{
    Class, Conj, Deferred, Env, Eval, Frame, FrameKind, Keys, Label, Pattern, Vid, class_of,
    expr_at,
};
use super::value::{LIST, STRUCT, Vd};

impl<'a> Eval<'a> {
    pub(super) fn mark(&mut self, v: Vid, kind: u16) -> Result<(), Stop> {
        let s = self.vs[v].structural | kind;
        if s == STRUCT | LIST {
            return Err(self.eval_err(v, "conflicting values (mismatched types list and struct)"));
        }
        self.vs[v].structural = s;
        Ok(())
    }

    pub(super) fn add_struct(
        &mut self,
        v: Vid,
        decls: &'a [Decl],
        env: Env<'a>,
        keys: Keys,
    ) -> Result<(), Stop> {
        // a struct of embeddings, definitions and hidden fields only is its embedded value
        let embeds = decls
            .iter()
            .any(|d| matches!(d, Decl::Embed(_) | Decl::Comprehension(..)));
        let regular = decls.iter().any(|d| match d {
            Decl::Field(f) => match &f.name {
                LabelName::Name(n) => class_of(n, f.ident) == Class::Regular,
                _ => true,
            },
            Decl::Embed(_) | Decl::Let(..) => false,
            Decl::Ellipsis(_) => true,
            Decl::Comprehension(..) => false,
        });
        if regular || !embeds {
            self.mark(v, STRUCT)?;
        }
        let frame = Rc::new(Frame {
            parent: env,
            kind: FrameKind::Struct { vertex: v, decls },
        });
        let env2 = Some(frame);
        for k in keys.iter() {
            self.group(v, *k);
        }
        let mut labels: Vec<String> = Vec::new();
        let mut pats: Vec<Vd> = Vec::new();
        let mut open = false;
        let mut embedded_keys: Vec<u32> = Vec::new();
        for d in decls {
            if let Decl::Field(f) = d
                && let LabelName::Name(n) = &f.name
            {
                let class = class_of(n, f.ident);
                if class == Class::Regular {
                    labels.push(n.clone());
                }
                let conj = Conj {
                    expr: &f.value,
                    env: env2.clone(),
                    keys: keys.clone(),
                };
                self.add_arc(v, Label::Field(n.clone(), class), f.presence, conj, f.at)?;
            }
        }
        for d in decls {
            match d {
                Decl::Field(f) => match &f.name {
                    LabelName::Name(_) => {}
                    LabelName::Dynamic(e) => {
                        self.vs[v].deferred.push(Deferred::Dynamic(
                            f,
                            e,
                            env2.clone(),
                            keys.clone(),
                        ));
                    }
                    LabelName::Pattern(e, alias) => {
                        if self.vs[v].patterns_applied {
                            return Err(Stop::Unsupported(
                                f.at,
                                "a pattern constraint added by a comprehension",
                            ));
                        }
                        if f.presence != Presence::Regular {
                            return Err(Stop::Syntax(
                                f.at,
                                "a pattern constraint cannot be optional or required",
                            ));
                        }
                        let label = match self.value(e, &env2)? {
                            super::ops::Ev::Scalar(vd) => vd,
                            super::ops::Ev::Vertex(_) => {
                                return Err(self.eval_err(v, "a struct or list as a pattern"));
                            }
                        };
                        pats.push(label.clone());
                        self.vs[v].patterns.push(Pattern {
                            label,
                            value: &f.value,
                            env: env2.clone(),
                            alias: alias.as_deref(),
                            keys: keys.clone(),
                        });
                    }
                },
                Decl::Embed(e) => {
                    let before: Vec<u32> = self.vs[v].groups.iter().map(|g| g.key).collect();
                    self.add(v, e, env2.clone(), keys.clone())?;
                    for g in &self.vs[v].groups {
                        if !before.contains(&g.key) && !keys.contains(&g.key) {
                            embedded_keys.push(g.key);
                        }
                    }
                    for k in &embedded_keys {
                        self.unsure.insert(*k);
                    }
                    for g in &mut self.vs[v].groups {
                        if embedded_keys.contains(&g.key) {
                            g.sure = false;
                        }
                    }
                }
                Decl::Let(..) => {}
                Decl::Ellipsis(_) => open = true,
                Decl::Comprehension(clauses, body) => {
                    self.vs[v].deferred.push(Deferred::Comprehension(
                        clauses,
                        body,
                        env2.clone(),
                        keys.clone(),
                    ));
                }
            }
        }
        self.vs[v].open_literal |= open;
        for k in keys.iter().chain(embedded_keys.iter()) {
            let g = self.group(v, *k);
            g.allowed.extend(labels.iter().cloned());
            g.patterns.extend(pats.iter().cloned());
            g.open |= open;
        }
        Ok(())
    }

    pub(super) fn add_list(
        &mut self,
        v: Vid,
        elems: &'a [Decl],
        rest: Option<&'a Expr>,
        env: Env<'a>,
        keys: Keys,
    ) -> Result<(), Stop> {
        self.mark(v, LIST)?;
        let mut i = 0;
        for e in elems {
            match e {
                Decl::Embed(x) => {
                    let conj = Conj {
                        expr: x,
                        env: env.clone(),
                        keys: keys.clone(),
                    };
                    self.add_arc(v, Label::Index(i), Presence::Regular, conj, expr_at(x))?;
                    i += 1;
                }
                Decl::Comprehension(clauses, body) => {
                    let mut out = Vec::new();
                    self.comprehend(clauses, body, env.clone(), &mut out)?;
                    for (b, benv) in out {
                        let conj = Conj {
                            expr: b,
                            env: benv,
                            keys: keys.clone(),
                        };
                        self.add_arc(v, Label::Index(i), Presence::Regular, conj, expr_at(b))?;
                        i += 1;
                    }
                }
                Decl::Field(f) => return Err(Stop::Syntax(f.at, "an alias in a list")),
                Decl::Let(_, _, at) | Decl::Ellipsis(at) => {
                    return Err(Stop::Syntax(*at, "a declaration in a list"));
                }
            }
        }
        let rest = rest.map(|r| (r, env, keys));
        self.vs[v].lists.push((i, rest));
        Ok(())
    }
}
