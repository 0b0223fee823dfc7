//! OPA's *undefined* where regorus raises an error or says true, rewritten at load time: loops over
//! values that are not collections, operands of negated calls, a newline before `(`.
//!
//! OPA (v1.22.3) treats iteration over a value that is undefined or not a collection as undefined:
//! `some x in "apps/v1"` yields nothing, and so does a rule head or comprehension term such as
//! `pod.spec[k][_]` when `pod.spec.initContainers` is absent. regorus 0.14 raises instead:
//! "`some .. in collection` expects array/set/object" and, for a loop in a rule head or comprehension
//! term, "item cannot be indexed" (it hoists such loops out of the body, and only the body's loops
//! treat a non-collection as "no iterations"). So:
//!
//! - the collection of every `some … in` goes through `__sealgate_collection(…)`, an extension that
//!   returns collections unchanged and is undefined for anything else (see [`register`]);
//! - a rule head value/key or comprehension term that loops (`x[_]`, `x[k]`) moves into its body as
//!   `__sealgate_outN := (…)`, where a non-collection means no iteration, as in OPA (whose compiler
//!   also rewrites head terms into body expressions);
//! - in `not f(input.missing)`, `not input.x > 0`, `not 1 in input.xs`, OPA's compiler evaluates the
//!   operands of a call (comparisons, arithmetic, membership and set operators are calls; `==` is
//!   unification, whose sides are not moved) and any nested call *before* the negation, so an
//!   undefined operand makes the whole body undefined; regorus negates the undefined call (true).
//!   Such operands move in front of their statement as `__sealgate_outN := (…)`; a `not
//!   input.missing == 1` stays true in both. A module that imports `future.keywords`,
//!   `future.keywords.not` or `rego.v2` opts into OPA's newer `not`, under which the negation of
//!   an undefined operand is true, as in regorus: nothing moves there;
//! - a statement that starts with a ref ending its line, followed by a line starting with `(`, is two
//!   statements in OPA; regorus reads a call. A `;` after the ref splits them;
//! - arithmetic and set operators on operands of the wrong type (`input.s + 1`, `input.s | {1}`)
//!   are builtin errors in OPA, undefined by default; regorus raises "`add` expects numeric
//!   argument". Each operand that is not a literal of the right type goes through an extension
//!   ([`NUMBER`], [`INTEGER`] for `%`, [`SET`]) that is undefined for other types. `-` is
//!   number minus number or set minus set: beside a literal number or set, the other operand is
//!   guarded as that type (`{1, 2} - 0` is undefined, as in OPA); with no literal side, the whole
//!   operation becomes [`MINUS`]`(a , b)`, which computes regorus's difference and is undefined
//!   for a number and a set.
//!
//! Policies without these patterns reach regorus byte for byte; rewritten text keeps its lines.
//! The proper fix belongs in regorus' interpreter (three `bail!`s).

use regorus::unstable::{
    ArithOp, BoolOp, Expr, Literal, LiteralStmt, Query, Ref, Rule, RuleHead, Span,
};
use regorus::{Engine, Value};

use super::shadowing::{StmtPart, children, head_value, stmt_parts};

/// The extension that guards `some … in` collections.
pub(crate) const COLLECTION: &str = "__sealgate_collection";

/// The extensions that guard the operands of `+ * / %` and of `| &` (and one side of `-`).
pub(crate) const NUMBER: &str = "__sealgate_number";
pub(crate) const INTEGER: &str = "__sealgate_integer";
pub(crate) const SET: &str = "__sealgate_set";
/// The extension `a - b` becomes when neither operand is a literal (see [`register`]).
pub(crate) const MINUS: &str = "__sealgate_minus";

/// Whether a value has the type a guard lets through.
type TypeCheck = fn(&Value) -> bool;

/// Registers [`COLLECTION`] and the operand guards on an engine: a value of the right type
/// passes, anything else is undefined (an error for the operand guards under OPA's
/// `--strict-builtin-errors`, as OPA's arithmetic builtins then raise).
pub(crate) fn register(engine: &mut Engine, strict: bool) -> anyhow::Result<()> {
    let guards: [(&str, TypeCheck); 4] = [
        (COLLECTION, |v| {
            matches!(v, Value::Array(_) | Value::Set(_) | Value::Object(_))
        }),
        (NUMBER, |v| matches!(v, Value::Number(_))),
        (INTEGER, |v| matches!(v, Value::Number(n) if n.is_integer())),
        (SET, |v| matches!(v, Value::Set(_))),
    ];
    engine.add_extension(
        MINUS.to_string(),
        2,
        Box::new(move |args: Vec<Value>| {
            too_big(&args.iter().collect::<Vec<_>>())?;
            match minus(&args) {
                Some(difference) => difference,
                None if strict => anyhow::bail!("minus: operands of the wrong types"),
                None => Ok(Value::Undefined),
            }
        }),
    )?;
    for (name, passes) in guards {
        engine.add_extension(
            name.to_string(),
            1,
            Box::new(
                move |args: Vec<Value>| match args.into_iter().next().filter(passes) {
                    Some(v) if name != COLLECTION => {
                        too_big(&[&v])?;
                        Ok(v)
                    }
                    Some(v) => Ok(v),
                    None if strict && name != COLLECTION => {
                        anyhow::bail!("operand of the wrong type for an operator")
                    }
                    None => Ok(Value::Undefined),
                },
            ),
        )?;
    }
    Ok(())
}

/// An error for an operand past [`super::guards::MAX_NUMBER_BITS`]: an operator on it could run
/// for minutes in one step (see there).
fn too_big(operands: &[&Value]) -> anyhow::Result<()> {
    for operand in operands {
        if let Some(problem) = super::guards::over_bits(super::guards::integer_bits(operand)) {
            anyhow::bail!(
                "operand of an arithmetic operator: {problem}; sealgate refuses to compute with it (see docs/robustness.md)"
            );
        }
    }
    Ok(())
}

/// `a - b` as regorus computes it for two numbers (its overflow error included) or two sets;
/// `None` (OPA's builtin error, undefined by default) for any other pair.
fn minus(args: &[Value]) -> Option<anyhow::Result<Value>> {
    match args {
        [Value::Number(a), Value::Number(b)] => Some(a.sub(b).map(Value::from)),
        [Value::Set(a), Value::Set(b)] => Some(Ok(Value::from(
            a.iter()
                .filter(|v| !b.contains(v))
                .cloned()
                .collect::<std::collections::BTreeSet<Value>>(),
        ))),
        _ => None,
    }
}

/// Nesting depth up to which head/term loops are moved (one level per pass).
const MAX_PASSES: usize = 16;

/// The policy text with the rewrites above, or `None` when nothing needs rewriting (or the text
/// does not parse: the engine then reports the syntax error itself).
pub(crate) fn rewrite(path: &str, text: &str, v0: bool) -> Option<String> {
    let mut current = text.to_string();
    let mut changed = false;
    let mut next_name = 0;
    let hoist = !new_not(text);
    // Pass 0 wraps `some … in` collections, moves negated operands and splits statements; pass 1
    // guards operator operands (also those pass 0 moved); later passes move looping terms,
    // outermost first.
    for pass in 0..=MAX_PASSES + 1 {
        let rules = parse(path, &current, v0)?;
        let mut edits = Edits {
            text: &current,
            v0,
            list: Vec::new(),
            hoist,
            guarding: pass == 1,
            stmt_start: None,
            regions: Vec::new(),
            next_name,
        };
        for rule in &rules {
            if pass <= 1 {
                edits.wrap_some_in(rule);
            } else {
                edits.move_rule(rule);
            }
        }
        next_name = edits.next_name;
        if edits.list.is_empty() {
            if pass > 1 {
                break;
            }
            continue;
        }
        current = apply(&current, edits.list)?;
        changed = true;
    }
    changed.then_some(current)
}

/// Whether the module imports OPA's newer `not` (`future.keywords`, `future.keywords.not` or
/// `rego.v2`, which enables it as it does `and` and `or`).
fn new_not(text: &str) -> bool {
    text.lines().any(|line| {
        let code = line.split('#').next().unwrap_or_default();
        let words: Vec<&str> = code.split_whitespace().collect();
        matches!(
            words.as_slice(),
            [
                "import",
                "future.keywords" | "future.keywords.not" | "rego.v2"
            ]
        )
    })
}

pub(super) fn parse(path: &str, text: &str, v0: bool) -> Option<Vec<Ref<Rule>>> {
    Some(super::parse::module(path, text, v0)?.policy)
}

/// [`apply`] for a rewrite's edits: `None` (the text is unchanged) when there are none.
pub(super) fn edited(text: &str, edits: Vec<(usize, usize, String)>) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    apply(text, edits)
}

/// Applies (start, end, replacement) edits; insertions at one byte keep their order of addition.
/// Every load-time rewrite (`shadowing`, `print`, this module) ends with it.
pub(super) fn apply(text: &str, mut list: Vec<(usize, usize, String)>) -> Option<String> {
    list.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = String::with_capacity(text.len() + 64 * list.len());
    let mut at = 0;
    for (start, end, new) in &list {
        out.push_str(text.get(at..*start)?);
        out.push_str(new);
        at = *end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

struct Edits<'t> {
    text: &'t str,
    v0: bool,
    list: Vec<(usize, usize, String)>,
    /// Whether operands of negated calls move in front (OPA's `not` without `future.keywords.not`).
    hoist: bool,
    /// Pass 1: only operator operands are guarded (the walk is pass 0's).
    guarding: bool,
    /// Start of the statement of a braced query being walked (pass 0): a call found there whose
    /// `(` opens a new line is two statements.
    stmt_start: Option<usize>,
    /// Byte ranges already rewritten in this pass: a site inside one waits for the next pass.
    regions: Vec<(usize, usize)>,
    next_name: usize,
}

/// Where the text of `span` starts and ends in `text`, a string literal with its quotes (regorus's
/// span leaves them out: a guard put around it went inside the string).
fn range(text: &str, span: &Span) -> (usize, usize) {
    (
        super::source_edits::start(text, span),
        super::source_edits::end(text, span),
    )
}

/// Where the operator's `-` is in the text between two operands (blanks, brackets of
/// parenthesized operands and comments besides it).
fn minus_sign(gap: &str) -> Option<usize> {
    let mut comment = false;
    for (at, c) in gap.char_indices() {
        match c {
            '\n' => comment = false,
            '#' => comment = true,
            '-' if !comment => return Some(at),
            _ => {}
        }
    }
    None
}

/// Whether evaluating `expr` itself loops: a bracket index that is a variable (`x[_]`, `x[k]`),
/// outside nested comprehensions (their own queries).
fn loops(expr: &Ref<Expr>) -> bool {
    match expr.as_ref() {
        Expr::RefBrack { refr, index, .. } => {
            matches!(index.as_ref(), Expr::Var { .. }) || loops(refr) || loops(index)
        }
        _ => {
            let mut found = false;
            children(expr, &mut |c| found |= loops(c));
            found
        }
    }
}

impl Edits<'_> {
    fn fresh(&mut self) -> String {
        loop {
            let name = format!("__sealgate_out{}", self.next_name);
            self.next_name += 1;
            if !self.text.contains(&name) {
                return name;
            }
        }
    }

    // ---- pass 0: `some … in` collections ----

    fn wrap_some_in(&mut self, rule: &Ref<Rule>) {
        match rule.as_ref() {
            Rule::Spec { head, bodies, .. } => {
                if let Some(value) = head_value(head) {
                    self.wrap_in_expr(value);
                }
                for body in bodies {
                    if let Some(a) = &body.assign {
                        self.wrap_in_expr(&a.value);
                    }
                    self.wrap_in_query(&body.query);
                }
            }
            Rule::Default { value, .. } => self.wrap_in_expr(value),
        }
    }

    fn wrap_in_query(&mut self, query: &Ref<Query>) {
        let braced = self.braced(query);
        for stmt in &query.stmts {
            for wm in &stmt.with_mods {
                self.wrap_in_expr(&wm.r#as);
            }
            if let Literal::NotExpr { expr, .. } = &stmt.literal
                && stmt.with_mods.is_empty()
                && self.hoist
                && !self.guarding
            {
                self.hoist_negated_operands(query, stmt, expr);
            }
            self.stmt_start = match &stmt.literal {
                Literal::Expr { .. } if braced && !self.guarding => Some(stmt.span.start as usize),
                _ => None,
            };
            match &stmt.literal {
                Literal::SomeIn { collection, .. } if self.guarding => {
                    self.wrap_in_expr(collection);
                }
                Literal::SomeIn { collection, .. } => {
                    let (start, end) = range(self.text, collection.span());
                    self.list.push((start, start, format!("{COLLECTION}(")));
                    self.wrap_in_expr(collection);
                    self.list.push((end, end, ")".to_string()));
                }
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                    self.wrap_in_expr(expr);
                }
                Literal::Every { domain, query, .. } => {
                    self.wrap_in_expr(domain);
                    self.wrap_in_query(query);
                }
                Literal::SomeVars { .. } => {}
            }
        }
    }

    fn wrap_in_expr(&mut self, expr: &Ref<Expr>) {
        if self.guarding {
            self.guard_operands(expr);
        }
        if let Expr::Call { span, fcn, .. } = expr.as_ref()
            && self.stmt_start == Some(span.start as usize)
        {
            let end = fcn.span().end as usize;
            let gap = self.text.get(end..).unwrap_or_default();
            let blank = gap.len() - gap.trim_start().len();
            if gap[..blank].contains('\n') && gap[blank..].starts_with('(') {
                self.list.push((end, end, ";".to_string()));
            }
        }
        if !matches!(
            expr.as_ref(),
            Expr::BoolExpr { .. } | Expr::ArithExpr { .. }
        ) {
            // Only the left operand of an operator starts where its statement starts.
            self.stmt_start = None;
        }
        match expr.as_ref() {
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                self.wrap_in_expr(term);
                self.wrap_in_query(query);
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                self.wrap_in_expr(key);
                self.wrap_in_expr(value);
                self.wrap_in_query(query);
            }
            _ => children(expr, &mut |c| self.wrap_in_expr(c)),
        }
    }

    /// Wraps the operands of an arithmetic or set operator that are not literals of the right type.
    fn guard_operands(&mut self, expr: &Ref<Expr>) {
        let (guard, lhs, rhs) = match expr.as_ref() {
            Expr::ArithExpr {
                op: ArithOp::Sub,
                span,
                lhs,
                rhs,
                ..
            } => return self.guard_minus(span, lhs, rhs),
            Expr::ArithExpr { op, lhs, rhs, .. } => {
                let guard = match op {
                    ArithOp::Mod => INTEGER,
                    _ => NUMBER,
                };
                (guard, lhs, rhs)
            }
            Expr::BinExpr { lhs, rhs, .. } => (SET, lhs, rhs),
            _ => return,
        };
        for operand in [lhs, rhs] {
            let literal = match operand.as_ref() {
                Expr::Number { span, .. } if guard == INTEGER => {
                    span.text().bytes().all(|b| b.is_ascii_digit())
                }
                Expr::Number { .. } => guard == NUMBER,
                Expr::Set { .. } | Expr::SetCompr { .. } => guard == SET,
                _ => false,
            };
            if !literal {
                self.wrap(operand, guard);
            }
        }
    }

    /// `-` takes two numbers or two sets: a literal side decides the other's guard; without
    /// one, the operation becomes a call of [`MINUS`], which checks the pair (the operator's
    /// `-` becomes the call's `,`, so lines and the operands' text stay as written).
    fn guard_minus(&mut self, span: &Span, lhs: &Ref<Expr>, rhs: &Ref<Expr>) {
        let kind = |e: &Ref<Expr>| match e.as_ref() {
            Expr::Number { .. } => Some(NUMBER),
            Expr::Set { .. } | Expr::SetCompr { .. } => Some(SET),
            _ => None,
        };
        match (kind(lhs), kind(rhs)) {
            (Some(l), Some(r)) if l == r => {}
            (Some(_), Some(r)) => self.wrap(lhs, r),
            (Some(l), None) => self.wrap(rhs, l),
            (None, Some(r)) => self.wrap(lhs, r),
            (None, None) => {
                let (_, lhs_end) = range(self.text, lhs.span());
                let (rhs_start, _) = range(self.text, rhs.span());
                let Some(operator) = self
                    .text
                    .get(lhs_end..rhs_start)
                    .and_then(minus_sign)
                    .map(|at| lhs_end + at)
                else {
                    return;
                };
                let (start, end) = range(self.text, span);
                self.list.push((start, start, format!("{MINUS}(")));
                self.list.push((operator, operator + 1, ",".to_string()));
                self.list.push((end, end, ")".to_string()));
            }
        }
    }

    /// Puts `guard(…)` around `operand`.
    fn wrap(&mut self, operand: &Ref<Expr>, guard: &str) {
        let (start, end) = range(self.text, operand.span());
        self.list.push((start, start, format!("{guard}(")));
        self.list.push((end, end, ")".to_string()));
    }

    /// Whether a query is written in braces (else a bare `if x` body of one statement).
    fn braced(&self, query: &Ref<Query>) -> bool {
        self.text
            .get(query.span.start as usize..)
            .is_some_and(|t| t.starts_with('{'))
    }

    /// Moves the operands OPA evaluates before a negation (see the module doc) in front of `stmt`.
    fn hoist_negated_operands(&mut self, query: &Ref<Query>, stmt: &LiteralStmt, expr: &Ref<Expr>) {
        let mut terms = Vec::new();
        match expr.as_ref() {
            Expr::BoolExpr {
                op: BoolOp::Eq,
                lhs,
                rhs,
                ..
            } => {
                nested_calls(lhs, &mut terms);
                nested_calls(rhs, &mut terms);
            }
            e if is_call(e) => children(expr, &mut |o| operand_terms(o, &mut terms)),
            _ => {}
        }
        terms.retain(|t| !local_scope(t));
        if terms.is_empty() {
            return;
        }
        let braced = self.braced(query);
        let start = stmt.span.start as usize;
        if !braced {
            self.list.push((start, start, "{ ".to_string()));
        }
        for term in terms {
            let name = self.fresh();
            let (s, e) = range(self.text, term.span());
            self.list.push((
                start,
                start,
                format!("{name} := ({}); ", term.span().text()),
            ));
            self.list.push((s, e, name));
        }
        if !braced {
            let end = super::source_edits::end(self.text, &stmt.span);
            self.list.push((end, end, " }".to_string()));
        }
    }

    // ---- later passes: looping head values and comprehension terms move into their bodies ----

    fn free(&self, (start, end): (usize, usize)) -> bool {
        !self.regions.iter().any(|(s, e)| start < *e && *s < end)
    }

    fn move_rule(&mut self, rule: &Ref<Rule>) {
        let Rule::Spec { span, head, bodies } = rule.as_ref() else {
            return;
        };
        let mut moves: Vec<(&Ref<Expr>, Option<&Ref<Query>>)> = Vec::new();
        if let Some(value) = head_value(head).filter(|v| loops(v)) {
            if bodies.is_empty() {
                moves.push((value, None));
            }
            // The head's value is that of the first body and of the bodies chained to it
            // (an `else` without a value of its own is `true`).
            for (i, body) in bodies.iter().enumerate() {
                if i == 0 || (!body.is_else && body.assign.is_none()) {
                    moves.push((value, Some(&body.query)));
                }
            }
        }
        for body in bodies.iter().skip(1) {
            if let Some(a) = body.assign.as_ref().filter(|a| loops(&a.value)) {
                moves.push((&a.value, Some(&body.query)));
            }
        }
        if !moves.is_empty() {
            let region = range(self.text, span);
            let mut names: Vec<(usize, String)> = Vec::new();
            for (value, query) in moves {
                let (start, end) = range(self.text, value.span());
                let name = match names.iter().find(|(s, _)| *s == start) {
                    Some((_, n)) => n.clone(),
                    None => {
                        let n = self.fresh();
                        names.push((start, n.clone()));
                        self.list.push((start, end, n.clone()));
                        n
                    }
                };
                let binding = format!("{name} := ({})", value.span().text());
                match query {
                    Some(q) => self.append_to_body(q, &binding),
                    None => {
                        let at = range(self.text, rule_head_span(head)).1;
                        let keyword = if self.v0 { "" } else { " if" };
                        self.list
                            .push((at, at, format!("{keyword} {{ {binding} }}")));
                    }
                }
            }
            self.regions.push(region);
            return;
        }
        // Nothing to move in the head: look for comprehensions, outermost first.
        if let Some(value) = head_value(head) {
            self.move_in_expr(value);
        }
        for body in bodies {
            if let Some(a) = &body.assign {
                self.move_in_expr(&a.value);
            }
            self.move_in_query(&body.query);
        }
    }

    /// Adds `; binding` after the last statement of a rule body (braces added to a bare `if x`).
    fn append_to_body(&mut self, query: &Ref<Query>, binding: &str) {
        let braced = self.braced(query);
        let Some(last) = query.stmts.last() else {
            return;
        };
        let end = super::source_edits::end(self.text, &last.span);
        if braced {
            self.list.push((end, end, format!("; {binding}")));
        } else {
            let start = query.stmts.first().map_or(end, |s| s.span.start as usize);
            self.list.push((start, start, "{ ".to_string()));
            self.list.push((end, end, format!("; {binding} }}")));
        }
    }

    fn move_in_query(&mut self, query: &Ref<Query>) {
        for stmt in &query.stmts {
            for part in stmt_parts(stmt) {
                match part {
                    StmtPart::Expr(e) => self.move_in_expr(e),
                    StmtPart::Query(q) => self.move_in_query(q),
                }
            }
        }
    }

    fn move_in_expr(&mut self, expr: &Ref<Expr>) {
        let (terms, query): (Vec<&Ref<Expr>>, &Ref<Query>) = match expr.as_ref() {
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                (vec![term], query)
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => (vec![key, value], query),
            _ => {
                children(expr, &mut |c| self.move_in_expr(c));
                return;
            }
        };
        let region = range(self.text, expr.span());
        let looping: Vec<&Ref<Expr>> = terms.iter().copied().filter(|t| loops(t)).collect();
        if looping.is_empty() || !self.free(region) {
            for t in terms {
                self.move_in_expr(t);
            }
            self.move_in_query(query);
            return;
        }
        let Some(last) = query.stmts.last() else {
            return;
        };
        let end = super::source_edits::end(self.text, &last.span);
        for term in looping {
            let (start, stop) = range(self.text, term.span());
            let name = self.fresh();
            self.list.push((start, stop, name.clone()));
            self.list
                .push((end, end, format!("; {name} := ({})", term.span().text())));
        }
        self.regions.push(region);
    }
}

/// Expressions OPA compiles to builtin calls (all but `==`, which is unification there).
fn is_call(expr: &Expr) -> bool {
    match expr {
        Expr::BoolExpr { op, .. } => *op != BoolOp::Eq,
        Expr::Call { .. } | Expr::ArithExpr { .. } | Expr::BinExpr { .. } => true,
        Expr::Membership { .. } => true,
        _ => false,
    }
}

/// The operands of a negated call that OPA evaluates first: refs and calls, also inside
/// array/set/object literals.
fn operand_terms(expr: &Ref<Expr>, out: &mut Vec<Ref<Expr>>) {
    match expr.as_ref() {
        Expr::RefDot { .. } | Expr::RefBrack { .. } => out.push(expr.clone()),
        e if is_call(e) => out.push(expr.clone()),
        Expr::Array { .. } | Expr::Set { .. } | Expr::Object { .. } => {
            children(expr, &mut |c| operand_terms(c, out));
        }
        _ => {}
    }
}

/// The calls nested in a side of a negated `==`.
fn nested_calls(expr: &Ref<Expr>, out: &mut Vec<Ref<Expr>>) {
    match expr.as_ref() {
        e if is_call(e) => out.push(expr.clone()),
        Expr::Array { .. } | Expr::Set { .. } | Expr::Object { .. } => {
            children(expr, &mut |c| nested_calls(c, out));
        }
        _ => {}
    }
}

/// Whether a term uses names local to the negation (`_`) or holds a comprehension (own scope):
/// such a term stays where it is.
fn local_scope(expr: &Ref<Expr>) -> bool {
    match expr.as_ref() {
        Expr::Var { span, .. } => span.text() == "_",
        Expr::ArrayCompr { .. } | Expr::SetCompr { .. } | Expr::ObjectCompr { .. } => true,
        _ => {
            let mut found = false;
            children(expr, &mut |c| found |= local_scope(c));
            found
        }
    }
}

fn rule_head_span(head: &RuleHead) -> &Span {
    match head {
        RuleHead::Compr { span, .. } | RuleHead::Set { span, .. } | RuleHead::Func { span, .. } => {
            span
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_in_collections_are_guarded() {
        let text = "package p\nr contains x if {\n  some x in input.a\n}\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nr contains x if {\n  some x in __sealgate_collection(input.a)\n}\n"
        );
    }

    /// Found by `peer_rego_differential`: the guard went inside the quotes of a string literal
    /// (`some y in "__sealgate_collection(ab)"`), so the loop raised, naming the guard.
    #[test]
    fn string_literals_are_guarded_with_their_quotes() {
        let text = "package p\nr contains y if some y in \"ab\"\ns contains y if some y in `cd`\nt := \"a\" + 1\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nr contains y if some y in __sealgate_collection(\"ab\")\ns contains y if some y in __sealgate_collection(`cd`)\nt := __sealgate_number(\"a\") + 1\n"
        );
        let answer = crate::gate::rego::engine::query_json(
            &["package p\nr := [y | some y in \"ab\"]\n"],
            false,
            "data.p.r",
        );
        assert_eq!(answer, "[]");
    }

    #[test]
    fn looping_heads_and_terms_move_into_their_bodies() {
        let text = "package p\nf(pod) := pod.spec[k][_] if some k in {\"a\"}\ns := [p.x[_] | some p in input]\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nf(pod) := __sealgate_out0 if { some k in __sealgate_collection({\"a\"}); __sealgate_out0 := (pod.spec[k][_]) }\ns := [__sealgate_out1 | some p in __sealgate_collection(input); __sealgate_out1 := (p.x[_])]\n"
        );
    }

    #[test]
    fn operands_of_negated_calls_move_in_front() {
        let text = "package p\nr if not f(input.a, [input.b])\ns if {\n  not input.c > count(input.d)\n  not input.e == g(1)\n  not input.f == 1\n}\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nr if { __sealgate_out0 := (input.a); __sealgate_out1 := (input.b); not f(__sealgate_out0, [__sealgate_out1]) }\ns if {\n  __sealgate_out2 := (input.c); __sealgate_out3 := (count(input.d)); not __sealgate_out2 > __sealgate_out3\n  __sealgate_out4 := (g(1)); not input.e == __sealgate_out4\n  not input.f == 1\n}\n"
        );
    }

    #[test]
    fn the_newer_not_of_future_keywords_is_left_alone() {
        let text = "package p\nimport future.keywords.not\nr if not f(input.a)\n";
        assert_eq!(rewrite("p.rego", text, false), None);
        // `import rego.v2` enables it too: OPA v1.22.3 gives `true` for `not f(input.missing)`
        let text = "package p\nimport rego.v2\nr if not f(input.a)\n";
        assert_eq!(rewrite("p.rego", text, false), None);
    }

    #[test]
    fn operator_operands_are_guarded_unless_literals_of_their_type() {
        let text =
            "package p\nr := (input.a + 1) * input.b\ns := {1} | input.c\nt := input.d - {2}\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nr := (__sealgate_number(__sealgate_number(input.a) + 1)) * __sealgate_number(input.b)\ns := {1} | __sealgate_set(input.c)\nt := __sealgate_set(input.d) - {2}\n"
        );
    }

    /// `-` is number minus number or set minus set: OPA v1.22.3 gives undefined for
    /// `{1, 2} - 0`, `0 - {1}` and a number minus a set held in locals; regorus raised.
    #[test]
    fn minus_takes_two_numbers_or_two_sets() {
        let text = "package p\nr := {1, 2} - 0\ns := input.a - (input.b) # a-b\nt := (input.c)\n  - input.d - 1\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nr := __sealgate_number({1, 2}) - 0\ns := __sealgate_minus(input.a , (input.b)) # a-b\nt := __sealgate_number(__sealgate_minus((input.c)\n  , input.d)) - 1\n"
        );
        let query = |module: &str| {
            crate::gate::rego::engine::query_json(&[module], false, "[x | x := data.p.r]")
        };
        for (module, want) in [
            ("package p\nr := {1, 2} - 0", "[]"),
            ("package p\nr := 0 - {1}", "[]"),
            ("package p\nr := x - y if { x := {1}; y := 1 }", "[]"),
            ("package p\nr := x - y if { x := 1; y := {1} }", "[]"),
            (
                "package p\nr := x - y if { x := {1, 2}; y := {1} }",
                "[[2]]",
            ),
            ("package p\nr := x - y - 1 if { x := 5; y := 1.5 }", "[2.5]"),
            (
                "package p\nr := x - y if { x := 9223372036854775807; y := -1 }",
                "[9223372036854775808]",
            ),
        ] {
            assert_eq!(query(module), want, "{module}");
        }
    }

    #[test]
    fn a_paren_opening_a_line_starts_a_statement() {
        let text = "package p\nr if {\n  input.a\n  (input.b - 1) > 0\n  x := f(\n  1)\n}\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\nr if {\n  input.a;\n  (__sealgate_number(input.b) - 1) > 0\n  x := f(\n  1)\n}\n"
        );
    }

    /// OPA's `planner-ir` case "call-dynamic with ref heads": the binding went inside `"c"`.
    #[test]
    fn a_binding_goes_after_a_closing_quote() {
        let text = "package p\np := a[b][c] if {\n  b := \"b\"\n  c := `c`\n}\nq := [x[_] | x := \"s\"]\nr := x[_] if x := \"t\"\n";
        assert_eq!(
            rewrite("p.rego", text, false).unwrap(),
            "package p\np := __sealgate_out0 if {\n  b := \"b\"\n  c := `c`; __sealgate_out0 := (a[b][c])\n}\nq := [__sealgate_out1 | x := \"s\"; __sealgate_out1 := (x[_])]\nr := __sealgate_out2 if { x := \"t\"; __sealgate_out2 := (x[_]) }\n"
        );
    }

    #[test]
    fn policies_without_loops_in_heads_or_some_in_are_left_alone() {
        let text =
            "package p\nr contains msg if {\n  c := input.spec.containers[_]\n  msg := c.name\n}\n";
        assert_eq!(rewrite("p.rego", text, false), None);
        assert_eq!(rewrite("p.rego", "package p\nr := [\n", false), None);
    }
}
