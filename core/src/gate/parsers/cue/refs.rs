//! CUE references (spec "References", "Selectors", "Index expressions"): an identifier in its
//! lexical scope (the nearest struct literal declaring it, a `let`, a label alias, a comprehension
//! variable, then the predeclared identifiers), and the fields selectors and indexes name.

use super::Stop;
use super::ast::{At, Decl, Expr, LabelName};
use super::eval::{Binding, Class, Env, Eval, FrameKind, Label, Target, Vid, class_of, expr_at};
use super::ops::{Ev, eval_err, incomplete};
use super::value::{Alt, Atom, BOOL, BYTES, Bound, FLOAT, INT, LIST, NUMBER, STRING, Vd};

impl<'a> Eval<'a> {
    /// What a reference (identifier, selector, index) names.
    pub(super) fn target(&mut self, expr: &'a Expr, env: &Env<'a>) -> Result<Target<'a>, Stop> {
        self.enter()?;
        let r = self.target_inner(expr, env);
        self.depth -= 1;
        r
    }

    fn target_inner(&mut self, expr: &'a Expr, env: &Env<'a>) -> Result<Target<'a>, Stop> {
        match expr {
            Expr::Ident(name, at) => self.resolve(name, env, *at),
            Expr::Selector(base, sel, at) => {
                let t = self.target_vertex(base, env)?;
                let label = Label::Field(sel.clone(), class_of(sel, true));
                self.select(t, &label, *at)
            }
            Expr::Index(base, index, at) => {
                let t = self.target_vertex(base, env)?;
                let i = self.value(index, env)?;
                let label = match i {
                    Ev::Scalar(vd) => match vd.resolved() {
                        Some(Alt::Atom(Atom::Int(i))) => {
                            if self.vs[t].structural != LIST {
                                return Err(eval_err(
                                    "an integer index into a value that is not a list",
                                ));
                            }
                            Label::Index(
                                usize::try_from(*i).map_err(|_| eval_err("a negative index"))?,
                            )
                        }
                        Some(Alt::Atom(Atom::Str(s))) => Label::Field(s.clone(), Class::Regular),
                        Some(Alt::Atom(_)) => {
                            return Err(eval_err("an index that is not an int or string"));
                        }
                        _ => return Err(incomplete("an index that is not concrete")),
                    },
                    Ev::Vertex(_) => return Err(eval_err("an index that is not an int or string")),
                };
                self.select(t, &label, *at)
            }
            Expr::Paren(e) => self.target(e, env),
            _ => Ok(match self.value(expr, env)? {
                Ev::Vertex(t) => Target::Vertex(t),
                Ev::Scalar(vd) => Target::Value(vd),
            }),
        }
    }

    fn select(&mut self, t: Vid, label: &Label, at: At) -> Result<Target<'a>, Stop> {
        match self.vs[t].index.get(label) {
            Some(a) => {
                if self.vs[*a].presence != super::ast::Presence::Regular {
                    return Err(incomplete("a reference to an optional or required field"));
                }
                Ok(Target::Vertex(*a))
            }
            None => {
                let _ = at;
                let may_be_struct = self.vs[t].scalar.v.iter().any(|a| match a {
                    Alt::Top => true,
                    Alt::Cons { kinds, .. } => kinds & super::value::STRUCT != 0,
                    Alt::Atom(_) => false,
                });
                if self.is_closed(t) {
                    return Err(eval_err("undefined field (the struct is closed)"));
                }
                if self.vs[t].structural != 0 || may_be_struct {
                    Err(incomplete("a reference to a field that does not exist"))
                } else {
                    Err(eval_err("a selector on a value that is not a struct"))
                }
            }
        }
    }

    /// The vertex `expr` names, expanded.
    fn target_vertex(&mut self, expr: &'a Expr, env: &Env<'a>) -> Result<Vid, Stop> {
        let t = match self.target(expr, env)? {
            Target::Vertex(t) => t,
            Target::Expr(e, env2) => return self.target_vertex(e, &env2),
            Target::Value(vd) => {
                return Err(match vd.resolved() {
                    Some(Alt::Atom(_)) => eval_err("a selector on a value that is not a struct"),
                    _ => incomplete("a selector on a value that is not concrete"),
                });
            }
            Target::Builtin(_) => return Err(eval_err("a selector on a builtin")),
        };
        self.check_readable(t, expr_at(expr))?;
        self.expand(t)?;
        Ok(t)
    }

    /// An identifier in its scope: the nearest struct declaring it, a binding, or a predeclared
    /// name.
    fn resolve(&mut self, name: &str, env: &Env<'a>, at: At) -> Result<Target<'a>, Stop> {
        let mut cur = env.clone();
        while let Some(frame) = cur {
            match &frame.kind {
                FrameKind::Struct { vertex, decls } => {
                    for d in decls.iter() {
                        match d {
                            Decl::Field(f) => {
                                let named =
                                    matches!(&f.name, LabelName::Name(n) if f.ident && n == name);
                                let aliased = f.alias.as_deref() == Some(name);
                                if named || aliased {
                                    let LabelName::Name(n) = &f.name else {
                                        return Err(Stop::Unsupported(
                                            at,
                                            "aliases of dynamic or pattern labels",
                                        ));
                                    };
                                    let label = Label::Field(n.clone(), class_of(n, f.ident));
                                    let Some(arc) = self.vs[*vertex].index.get(&label) else {
                                        return Err(eval_err(
                                            "a reference to a field not yet added",
                                        ));
                                    };
                                    if self.vs[*arc].presence != super::ast::Presence::Regular {
                                        return Err(incomplete(
                                            "a reference to an optional or required field",
                                        ));
                                    }
                                    return Ok(Target::Vertex(*arc));
                                }
                            }
                            Decl::Let(n, e, _) if n == name => {
                                return Ok(Target::Expr(e, Some(frame.clone())));
                            }
                            _ => {}
                        }
                    }
                }
                FrameKind::Bind(n, b) if *n == name => {
                    return Ok(match b {
                        Binding::Vertex(v) => Target::Vertex(*v),
                        Binding::Value(vd) => Target::Value(vd.clone()),
                        Binding::Expr(e, env) => Target::Expr(e, env.clone()),
                    });
                }
                FrameKind::Bind(..) => {}
            }
            cur = frame.parent.clone();
        }
        let int_range = |lo: i128, hi: i128| {
            Vd::one(Alt::Cons {
                kinds: INT,
                bounds: vec![
                    Bound {
                        op: ">=",
                        value: Atom::Int(lo),
                    },
                    Bound {
                        op: "<=",
                        value: Atom::Int(hi),
                    },
                ],
            })
        };
        Ok(match name {
            "_" => Target::Value(Vd::top()),
            "int" => Target::Value(Vd::kind(INT)),
            "float" => Target::Value(Vd::kind(FLOAT)),
            "number" => Target::Value(Vd::kind(NUMBER)),
            "string" => Target::Value(Vd::kind(STRING)),
            "bytes" => Target::Value(Vd::kind(BYTES)),
            "bool" => Target::Value(Vd::kind(BOOL)),
            "uint" => Target::Value(Vd::one(Alt::Cons {
                kinds: INT,
                bounds: vec![Bound {
                    op: ">=",
                    value: Atom::Int(0),
                }],
            })),
            "int8" => Target::Value(int_range(-128, 127)),
            "int16" => Target::Value(int_range(-32768, 32767)),
            "int32" => Target::Value(int_range(i32::MIN.into(), i32::MAX.into())),
            "int64" => Target::Value(int_range(i64::MIN.into(), i64::MAX.into())),
            "uint8" | "byte" => Target::Value(int_range(0, 255)),
            "uint16" => Target::Value(int_range(0, 65535)),
            "uint32" => Target::Value(int_range(0, u32::MAX.into())),
            "uint64" => Target::Value(int_range(0, u64::MAX.into())),
            "rune" => Target::Value(int_range(0, 0x10FFFF)),
            "len" => Target::Builtin("len"),
            "div" => Target::Builtin("div"),
            "mod" => Target::Builtin("mod"),
            "quo" => Target::Builtin("quo"),
            "rem" => Target::Builtin("rem"),
            "close" | "and" | "or" | "int128" | "uint128" | "float32" | "float64" => {
                return Err(Stop::Unsupported(
                    at,
                    "the builtins close, and, or and the sized types int128, uint128, float32, float64",
                ));
            }
            _ if name.starts_with("__") => {
                return Err(Stop::Unsupported(at, "reserved identifiers (`__x`)"));
            }
            "error" | "matchN" | "matchIf" | "self" => {
                return Err(Stop::Unsupported(
                    at,
                    "the builtins error, matchN and matchIf",
                ));
            }
            _ => {
                return Err(Stop::Eval(
                    String::new(),
                    format!("reference `{name}` is not declared"),
                ));
            }
        })
    }
}
