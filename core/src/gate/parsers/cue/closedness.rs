//! CUE's closed structs (spec "Closed structs", "Definitions"): the fields a definition allows,
//! in groups (one per definition reference, carried by the conjuncts it added, so `#A & #B`
//! allows what both allow and an embedding adds its struct's own fields), checked once a vertex
//! is expanded; and whether a missing field is an error (closed) or incomplete (open).

use std::collections::HashSet;

use super::Stop;
use super::ast::Expr;
use super::eval::{Class, Eval, Group, Label, Vid};
use super::value::{Atom, STRUCT, Vd, meet};

impl Eval<'_> {
    pub(super) fn group(&mut self, v: Vid, key: u32) -> &mut Group {
        let i = match self.vs[v].groups.iter().position(|g| g.key == key) {
            Some(i) => i,
            None => {
                let sure = !self.unsure.contains(&key);
                self.vs[v].groups.push(Group {
                    key,
                    sure,
                    allowed: HashSet::new(),
                    open: false,
                    patterns: Vec::new(),
                });
                self.vs[v].groups.len() - 1
            }
        };
        &mut self.vs[v].groups[i]
    }

    /// Whether `v` is a definition or lies under one.
    fn under_definition(&self, v: Vid) -> bool {
        let mut cur = Some(v);
        while let Some(c) = cur {
            if matches!(self.vs[c].label, Some(Label::Field(_, Class::Def))) {
                return true;
            }
            cur = self.vs[c].parent;
        }
        false
    }

    /// Whether `v` is a closed struct: under a definition or closed by one, with no `...`.
    pub(super) fn is_closed(&self, v: Vid) -> bool {
        let node = &self.vs[v];
        if node.structural != STRUCT || node.open_literal || node.groups.iter().any(|g| g.open) {
            return false;
        }
        !node.groups.is_empty() || self.under_definition(v)
    }

    /// Checks `v`'s fields against the groups of the definitions that closed it.
    pub(super) fn check_closed(&mut self, v: Vid) -> Result<(), Stop> {
        if !self.vs[v].disj.is_empty() {
            // each combination of the disjunctions still to resolve is checked on its own
            return Ok(());
        }
        let groups = std::mem::take(&mut self.vs[v].groups);
        // inside a definition's own body CUE sometimes lets a literal add fields to a definition
        // it is unified with (`#B: #A & {b: int}`), by rules this evaluator does not follow
        let in_definition = self.under_definition(v);
        for g in &groups {
            if g.open {
                continue;
            }
            for (label, _) in &self.vs[v].arcs {
                let Label::Field(s, Class::Regular) = label else {
                    continue;
                };
                if g.allowed.contains(s) {
                    continue;
                }
                let sv = Vd::atom(Atom::Str(s.clone()));
                let mut matched = false;
                for p in &g.patterns {
                    if meet(p, &sv)?.is_ok() {
                        matched = true;
                    }
                }
                if !matched && (!g.sure || in_definition) {
                    return Err(Stop::Unsupported(
                        0,
                        "the closedness of definitions within definitions, or reached through embeddings or selections",
                    ));
                }
                if !matched {
                    let path = self.path(v);
                    let at = if path.is_empty() {
                        s.clone()
                    } else {
                        format!("{path}.{s}")
                    };
                    return Err(Stop::Eval(at, "field not allowed".into()));
                }
            }
        }
        self.vs[v].groups = groups;
        Ok(())
    }
}

/// Whether `e` is a plain reference: identifiers joined by selectors.
pub(super) fn plain_path(e: &Expr) -> bool {
    match e {
        Expr::Ident(..) => true,
        Expr::Selector(b, _, _) => plain_path(b),
        _ => false,
    }
}
