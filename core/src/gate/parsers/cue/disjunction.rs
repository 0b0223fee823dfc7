//! CUE's disjunctions of structs and lists (spec "Disjunction", "Default values"): each
//! combination of terms is unified with the field's other conjuncts in a vertex of its own;
//! the combinations that fail drop out; one left is the value, else the one default (every marked
//! disjunction taking a marked term), else the value is incomplete.
//! Disjunctions of basic values stay in the lattice ([`super::value::disjoin`]).

use super::Stop;
use super::ast::Expr;
use super::eval::{Env, Eval, Keys, State, Vid};
use super::ops::flatten_or;

/// Most combinations of one field's disjunctions that are tried.
const MAX_COMBINATIONS: usize = 64;

const STRUCT_TERMS: &str = "disjunctions of structs or lists";

impl<'a> Eval<'a> {
    /// `a | b` unified into `v`: the chosen term when `v` evaluates one combination; a basic
    /// value's disjunction in the lattice; else noted, to be resolved once `v` is expanded.
    pub(super) fn add_disjunction(
        &mut self,
        v: Vid,
        expr: &'a Expr,
        env: Env<'a>,
        keys: Keys,
    ) -> Result<(), Stop> {
        let key = expr as *const Expr as usize;
        if let Some(&(_, i)) = self.vs[v].choices.iter().find(|(k, _)| *k == key) {
            let mut terms = Vec::new();
            flatten_or(expr, &mut terms);
            let term = match terms[i] {
                Expr::Unary("*", inner, _) => &**inner,
                t => t,
            };
            return self.add(v, term, env, keys);
        }
        match self.disjunction(expr, &env) {
            Ok(vd) => self.meet_scalar(v, &vd),
            Err(Stop::Unsupported(_, STRUCT_TERMS)) => {
                if !self.vs[v].disj.iter().any(|(k, _)| *k == key) {
                    self.vs[v].disj.push((key, expr));
                }
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Evaluates each combination of `v`'s disjunctions and takes the value CUE gives.
    pub(super) fn resolve_disjunctions(&mut self, v: Vid) -> Result<(), Stop> {
        let disj = std::mem::take(&mut self.vs[v].disj);
        let terms: Vec<Vec<bool>> = disj
            .iter()
            .map(|(_, e)| {
                let mut t = Vec::new();
                flatten_or(e, &mut t);
                t.iter()
                    .map(|x| matches!(x, Expr::Unary("*", ..)))
                    .collect()
            })
            .collect();
        let total = terms.iter().try_fold(1usize, |n, t| {
            n.checked_mul(t.len()).filter(|n| *n <= MAX_COMBINATIONS)
        });
        let Some(total) = total else {
            return Err(Stop::Unsupported(
                0,
                "disjunctions of more than 64 combinations in one field",
            ));
        };
        let marked: Vec<bool> = terms.iter().map(|t| t.iter().any(|m| *m)).collect();
        let mut candidates: Vec<(Vid, bool)> = Vec::new();
        let mut first_err = None;
        for combo in 0..total {
            let mut choices = self.vs[v].choices.clone();
            let mut rest = combo;
            let mut default = true;
            for (i, (key, _)) in disj.iter().enumerate() {
                let n = terms[i].len();
                let pick = rest % n;
                rest /= n;
                if marked[i] && !terms[i][pick] {
                    default = false;
                }
                choices.push((*key, pick));
            }
            let w = self.new_vertex(self.vs[v].parent, self.vs[v].label.clone())?;
            self.vs[w].presence = self.vs[v].presence;
            self.vs[w].conjs = self.vs[v].conjs.clone();
            self.vs[w].choices = choices;
            match self.finalize(w) {
                Ok(()) => candidates.push((w, default)),
                Err(e @ Stop::Incomplete(..)) => first_err = Some(e),
                Err(e @ Stop::Eval(..)) => {
                    first_err.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        let chosen = match candidates.as_slice() {
            [] => {
                return Err(match first_err {
                    // CUE keeps an incomplete disjunct for later; this evaluator does not
                    Some(Stop::Incomplete(..)) => Stop::Unsupported(
                        0,
                        "a disjunction of structs whose terms are all incomplete",
                    ),
                    Some(e) => e,
                    None => Stop::Eval(self.path(v), "empty disjunction".into()),
                });
            }
            [(w, _)] => Some(*w),
            _ => {
                let defaults: Vec<Vid> = candidates
                    .iter()
                    .filter(|(_, d)| *d && marked.iter().any(|m| *m))
                    .map(|(w, _)| *w)
                    .collect();
                let default_pairs: Vec<(Vid, bool)> = defaults.iter().map(|w| (*w, true)).collect();
                match defaults.as_slice() {
                    [w] => Some(*w),
                    // several combinations reaching the same default (`(_ | *{}) & (_ | #T)`)
                    [w, ..] if self.all_equal(&default_pairs)? => Some(*w),
                    _ => {
                        if self.all_equal(&candidates)? {
                            // CUE drops a disjunct equal to another, by its own equality
                            return Err(Stop::Unsupported(
                                0,
                                "a disjunction whose values differ only in what is not exported",
                            ));
                        }
                        None
                    }
                }
            }
        };
        let Some(w) = chosen else {
            return Err(Stop::Incomplete(
                self.path(v),
                "incomplete value (a disjunction with more than one value and no default)".into(),
            ));
        };
        self.adopt(v, w);
        Ok(())
    }

    /// Whether all candidates export alike.
    fn all_equal(&mut self, candidates: &[(Vid, bool)]) -> Result<bool, Stop> {
        let mut first = None;
        for (w, _) in candidates {
            let Ok(value) = super::export::export(self, *w) else {
                return Ok(false);
            };
            match &first {
                None => first = Some(value),
                Some(f) if *f == value => {}
                Some(_) => return Ok(false),
            }
        }
        Ok(true)
    }

    /// `v` takes the evaluated content of `w` (its fields stay `w`'s children).
    fn adopt(&mut self, v: Vid, w: Vid) {
        let arcs = self.vs[w].arcs.clone();
        let index = self.vs[w].index.clone();
        let scalar = self.vs[w].scalar.clone();
        let node = &mut self.vs[v];
        node.arcs = arcs;
        node.index = index;
        node.scalar = scalar;
        let (structural, open) = (self.vs[w].structural, self.vs[w].open_literal);
        let groups = std::mem::take(&mut self.vs[w].groups);
        let node = &mut self.vs[v];
        node.structural = structural;
        node.open_literal = open;
        node.groups = groups;
        node.state = State::Done;
    }
}
