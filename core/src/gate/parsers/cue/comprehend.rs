//! CUE's comprehensions (spec "Comprehensions"): `for k, v in x`, `if`, `let` clauses, run in
//! their scope; each result is the body (a struct) with the bindings of that run.

use std::rc::Rc;

use super::Stop;
use super::ast::{Clause, Expr, Presence};
use super::eval::{Binding, Class, Env, Eval, Frame, FrameKind, Label};
use super::ops::Ev;
use super::value::{Alt, Atom, Vd};

/// Most results one comprehension may yield (nested `for`s multiply).
const MAX_RESULTS: usize = 100_000;

impl<'a> Eval<'a> {
    /// Runs `clauses`, collecting the body (with its scope) once per result.
    pub(super) fn comprehend(
        &mut self,
        clauses: &'a [Clause],
        body: &'a Expr,
        env: Env<'a>,
        out: &mut Vec<(&'a Expr, Env<'a>)>,
    ) -> Result<(), Stop> {
        self.enter()?;
        let r = self.comprehend_inner(clauses, body, env, out);
        self.depth -= 1;
        r
    }

    fn comprehend_inner(
        &mut self,
        clauses: &'a [Clause],
        body: &'a Expr,
        env: Env<'a>,
        out: &mut Vec<(&'a Expr, Env<'a>)>,
    ) -> Result<(), Stop> {
        let Some((first, rest)) = clauses.split_first() else {
            if out.len() >= MAX_RESULTS {
                return Err(Stop::Budget);
            }
            out.push((body, env));
            return Ok(());
        };
        match first {
            Clause::If(cond) => match self.value(cond, &env)? {
                Ev::Scalar(vd) => match vd.resolved() {
                    Some(Alt::Atom(Atom::Bool(true))) => self.comprehend(rest, body, env, out),
                    Some(Alt::Atom(Atom::Bool(false))) => Ok(()),
                    Some(Alt::Atom(_)) => Err(Stop::Eval(
                        String::new(),
                        "a condition that is not a bool".into(),
                    )),
                    _ => Err(Stop::Incomplete(
                        String::new(),
                        "a condition that is not concrete".into(),
                    )),
                },
                Ev::Vertex(_) => Err(Stop::Eval(
                    String::new(),
                    "a condition that is not a bool".into(),
                )),
            },
            Clause::Let(name, e) => {
                let env2 = Some(Rc::new(Frame {
                    parent: env.clone(),
                    kind: FrameKind::Bind(name, Binding::Expr(e, env)),
                }));
                self.comprehend(rest, body, env2, out)
            }
            Clause::For(key, val, src) => {
                let t = match self.value(src, &env)? {
                    Ev::Vertex(t) => t,
                    Ev::Scalar(vd) => {
                        return Err(match vd.resolved() {
                            Some(Alt::Atom(_)) => Stop::Eval(
                                String::new(),
                                "a for clause over a value that is not a list or struct".into(),
                            ),
                            _ => Stop::Incomplete(
                                String::new(),
                                "a for clause over a value that is not concrete".into(),
                            ),
                        });
                    }
                };
                self.vs[t].listed = true;
                let arcs = self.vs[t].arcs.clone();
                for (label, arc) in arcs {
                    let k = match &label {
                        Label::Field(s, Class::Regular) => Atom::Str(s.clone()),
                        Label::Index(i) => Atom::Int(*i as i128),
                        Label::Field(..) => continue,
                    };
                    if self.vs[arc].presence != Presence::Regular {
                        continue;
                    }
                    self.check_readable(arc, 0)?;
                    let mut env2 = env.clone();
                    if let Some(kname) = key {
                        env2 = Some(Rc::new(Frame {
                            parent: env2,
                            kind: FrameKind::Bind(kname, Binding::Value(Vd::atom(k))),
                        }));
                    }
                    env2 = Some(Rc::new(Frame {
                        parent: env2,
                        kind: FrameKind::Bind(val, Binding::Vertex(arc)),
                    }));
                    self.comprehend(rest, body, env2, out)?;
                }
                Ok(())
            }
        }
    }
}
