//! regorus's rules read as OPA v1.22.3's parser builds them (`parseRules`, `parseHead`,
//! `parseElse`, and `ParseRuleFromExpr` for a rule without a body): which heads get a `name`
//! and a `key`, the `true` value of a rule written without one, the generated body of a rule
//! without a body, and the `else` chain, whose heads copy the rule's with fresh wildcards.

use regorus::Value;
use regorus::unstable::{AssignOp, Expr, Rule, RuleBody, RuleHead};

use super::exprs::{Reader, Refused};
use super::terms::{self, Term};

/// A rule head as OPA writes it.
#[derive(Clone)]
struct Head {
    name: Option<String>,
    reference: Vec<Term>,
    args: Vec<Term>,
    key: Option<Term>,
    value: Option<Term>,
    assign: bool,
}

impl Head {
    /// `VarHead`/`RefHead`: a one-part ref names the rule.
    fn new(reference: Vec<Term>) -> Self {
        let name = match reference.as_slice() {
            [Term::Var(name)] => Some(name.clone()),
            _ => None,
        };
        Head {
            name,
            reference,
            args: Vec::new(),
            key: None,
            value: None,
            assign: false,
        }
    }

    fn to_value(&self) -> Value {
        let mut fields = Vec::new();
        if let Some(name) = &self.name {
            fields.push(("name", Value::from(name.as_str())));
        }
        let reference = self
            .reference
            .iter()
            .map(Term::to_value)
            .collect::<Vec<_>>();
        fields.push(("ref", Value::from(reference)));
        if !self.args.is_empty() {
            let args = self.args.iter().map(Term::to_value).collect::<Vec<_>>();
            fields.push(("args", Value::from(args)));
        }
        if let Some(key) = &self.key {
            fields.push(("key", key.to_value()));
        }
        if let Some(value) = &self.value {
            fields.push(("value", value.to_value()));
        }
        if self.assign {
            fields.push(("assign", Value::from(true)));
        }
        terms::object(fields)
    }
}

/// A rule as OPA writes it.
struct OpaRule {
    head: Head,
    body: Vec<terms::Expr>,
    default: bool,
    otherwise: Option<Box<OpaRule>>,
}

impl OpaRule {
    fn to_value(&self) -> Value {
        let mut fields = vec![
            ("head", self.head.to_value()),
            ("body", terms::body_value(&self.body)),
        ];
        if self.default {
            fields.push(("default", Value::from(true)));
        }
        if let Some(e) = &self.otherwise {
            fields.push(("else", e.to_value()));
        }
        terms::object(fields)
    }
}

fn is_assign(op: &AssignOp) -> bool {
    matches!(op, AssignOp::ColEq)
}

/// Whether the text between two spans holds the `contains` keyword (regorus reads `p[x]`
/// without it, a v0 partial set rule, into the same head, which OPA v1 refuses).
fn says_contains(head: &RuleHead) -> bool {
    let RuleHead::Set {
        span,
        refr,
        key: Some(key),
    } = head
    else {
        return false;
    };
    let text = span.source.contents();
    let (from, to) = (refr.span().end as usize, key.span().start as usize);
    text.get(from..to)
        .is_some_and(|between| between.split_whitespace().any(|w| w == "contains"))
}

impl Reader {
    /// One rule as OPA's JSON.
    pub fn rule(&mut self, rule: &Rule) -> Result<Value, Refused> {
        let rule = match rule {
            Rule::Default {
                refr,
                args,
                op,
                value,
                ..
            } => {
                let mut head = Head::new(self.ref_parts(refr)?);
                for a in args {
                    head.args.push(self.term(a)?);
                }
                head.value = Some(self.term(value)?);
                head.assign = is_assign(op);
                OpaRule {
                    head,
                    body: vec![terms::Expr::implicit_true()],
                    default: true,
                    otherwise: None,
                }
            }
            Rule::Spec { head, bodies, .. } => self.spec_rule(head, bodies)?,
        };
        Ok(rule.to_value())
    }

    fn spec_rule(&mut self, head: &RuleHead, bodies: &[RuleBody]) -> Result<OpaRule, Refused> {
        let (first, elses) = match bodies.split_first() {
            Some((first, rest)) => (Some(first), rest),
            None => (None, &[][..]),
        };
        if first.is_some_and(|b| b.is_else) || elses.iter().any(|b| !b.is_else) {
            return Err("`if` keyword is required before rule body".to_owned());
        }
        let opa_head = match head {
            RuleHead::Set { refr, key, .. } => {
                if !says_contains(head) {
                    return Err("`contains` keyword is required for partial set rules".to_owned());
                }
                let mut h = Head::new(self.ref_parts(refr)?);
                h.key = match key {
                    Some(k) => Some(self.term(k)?),
                    None => None,
                };
                h
            }
            RuleHead::Func {
                refr, args, assign, ..
            } => {
                let mut h = Head::new(self.ref_parts(refr)?);
                for a in args {
                    h.args.push(self.term(a)?);
                }
                if let Some(assign) = assign {
                    h.value = Some(self.term(&assign.value)?);
                    h.assign = is_assign(&assign.op);
                }
                h
            }
            RuleHead::Compr { refr, assign, .. } => {
                let mut h = Head::new(self.ref_parts(refr)?);
                if let Some(assign) = assign {
                    h.value = Some(self.term(&assign.value)?);
                    h.assign = is_assign(&assign.op);
                }
                h
            }
        };
        let contains = matches!(head, RuleHead::Set { .. });
        let Some(first) = first else {
            return Ok(OpaRule {
                head: bodiless(opa_head, contains),
                body: vec![terms::Expr::implicit_true()],
                default: false,
                otherwise: None,
            });
        };
        let opa_head = with_if(opa_head, contains);
        let body = self.body(&first.query)?;
        let otherwise = self.elses(&opa_head, head, elses)?;
        Ok(OpaRule {
            head: opa_head,
            body,
            default: false,
            otherwise,
        })
    }

    /// The `else` chain: each head is the rule's, its bare `_` arguments fresh wildcards, its
    /// value the `else`'s (`true` when it has none, keeping the rule's `:=`).
    fn elses(
        &mut self,
        head: &Head,
        regorus_head: &RuleHead,
        elses: &[RuleBody],
    ) -> Result<Option<Box<OpaRule>>, Refused> {
        let Some((this, rest)) = elses.split_first() else {
            return Ok(None);
        };
        // OPA's `Ref.IsGround` looks past the head
        if head.reference.iter().skip(1).any(|t| !t.is_ground()) || head.key.is_some() {
            return Err("else keyword cannot be used on rules with variables in head".to_owned());
        }
        let mut h = head.clone();
        if let RuleHead::Func { args, .. } = regorus_head {
            for (i, a) in args.iter().enumerate() {
                if matches!(&**a, Expr::Var { value, .. } if value.as_string().is_ok_and(|s| s.as_ref() == "_"))
                {
                    h.args[i] = self.wildcard();
                }
            }
        }
        match &this.assign {
            Some(assign) => {
                h.value = Some(self.term(&assign.value)?);
                h.assign = is_assign(&assign.op);
            }
            None => h.value = Some(Term::Bool(true)),
        }
        let body = if this.query.stmts.is_empty() {
            vec![terms::Expr::implicit_true()]
        } else {
            self.body(&this.query)?
        };
        let otherwise = self.elses(head, regorus_head, rest)?;
        Ok(Some(Box::new(OpaRule {
            head: h,
            body,
            default: false,
            otherwise,
        })))
    }
}

/// `parseHead`'s value for a head that has none: `true`, unless it is `p.q` (two parts, no
/// arguments), which the rest of the parser settles.
fn default_value(mut head: Head, contains: bool) -> Head {
    if !contains
        && head.value.is_none()
        && head.key.is_none()
        && (head.reference.len() != 2 || !head.args.is_empty())
    {
        head.value = Some(Term::Bool(true));
    }
    head
}

/// A rule with `if` (`parseRules`): `p[x] if` / `p[x] := v if` key the rule by `x` when it is
/// not ground, and `p.q := v if` is named `p`.
fn with_if(head: Head, contains: bool) -> Head {
    let mut head = default_value(head, contains);
    if !contains && head.reference.len() == 2 {
        let last = &head.reference[1];
        if (!last.is_ground() || matches!(last, Term::Ref(_))) && head.args.is_empty() {
            head.key = Some(last.clone());
        }
        if head.value.is_none() {
            head.value = Some(Term::Bool(true));
        } else if let Term::Var(name) = &head.reference[0] {
            head.name = Some(name.clone());
        }
    }
    head
}

/// A rule without a body: OPA parses `p.q := v` as the statement it is
/// (`ParsePartialObjectDocRuleFromEqExpr`): two parts name and key the rule.
fn bodiless(head: Head, contains: bool) -> Head {
    let mut head = default_value(head, contains);
    if !contains && head.args.is_empty() && head.reference.len() == 2 {
        if let Term::Var(name) = &head.reference[0] {
            head.name = Some(name.clone());
        }
        head.key = Some(head.reference[1].clone());
    }
    head
}
