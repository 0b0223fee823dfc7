//! Go `text/template` execution order: nodes, `if`/`with`/`range`, pipelines, variables and
//! operands, shared by SealedSecret templates (`exec.rs`, over the decrypted items) and OPA's
//! `strings.render_template` (`gate::rego::opa_builtins::template`, over JSON values). What a
//! value is, how it prints and is tested, its fields, the functions and the budget are the
//! [`Model`]'s.

use super::parse::{Arg, Command, Node, Pipeline};

/// The values a template runs over and what Go's engine does with them.
pub(crate) trait Model {
    type Value;
    type Error;

    /// An execution error with Go's text.
    fn fail(&self, message: String) -> Self::Error;
    /// A copy of a value (a variable's, a range item's).
    fn duplicate(&self, value: &Self::Value) -> Self::Value;
    /// A literal operand: `Str`, `Int`, `Float`, `Bool` or `Nil`.
    fn literal(&self, arg: &Arg) -> Self::Value;
    /// What an empty pipeline yields (`<no value>`).
    fn missing(&self) -> Self::Value;
    /// Go's `isTrue`.
    fn truth(&self, value: &Self::Value) -> bool;
    /// Writes template text.
    fn text(&mut self, text: &str);
    /// Writes a value as an action prints it.
    fn print(&mut self, value: &Self::Value);
    /// `value.name`.
    fn field(&self, value: Self::Value, name: &str) -> Result<Self::Value, Self::Error>;
    /// A function call.
    fn call(&mut self, name: &str, args: Vec<Self::Value>) -> Result<Self::Value, Self::Error>;
    /// What `range` visits: (key, value) pairs, made one at a time (borrowing the model's data,
    /// not the model).
    type Items: Iterator<Item = (Self::Value, Self::Value)>;
    fn items(&mut self, value: &Self::Value) -> Result<Self::Items, Self::Error>;
    /// Counts `n` steps against the model's budget.
    fn step(&mut self, n: usize) -> Result<(), Self::Error>;
    /// Whether the function `name` (`and`, `or`) takes its operands one at a time and stops at
    /// the first that decides, as Go's do since Go 1.18 (`{{if and .a .a.b}}` does not evaluate
    /// `.a.b` when `.a` is missing).
    fn short_circuits(&self, _name: &str) -> bool {
        false
    }
}

/// A template run: the model and the variables in scope (`$` first).
pub(crate) struct Walk<'m, M: Model> {
    model: &'m mut M,
    vars: Vec<(String, M::Value)>,
}

impl<'m, M: Model> Walk<'m, M> {
    pub(crate) fn new(model: &'m mut M, root: M::Value) -> Self {
        Self {
            model,
            vars: vec![("$".to_owned(), root)],
        }
    }

    pub(crate) fn walk(&mut self, nodes: &[Node], dot: &M::Value) -> Result<(), M::Error> {
        for node in nodes {
            self.model.step(1)?;
            match node {
                Node::Text(text) => self.model.text(text),
                Node::Action(pipe) => {
                    let value = self.pipeline(pipe, dot)?;
                    // a declaration prints nothing
                    if pipe.declare.is_empty() {
                        self.model.print(&value);
                    }
                }
                Node::If {
                    branches,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let mut taken = false;
                    for (pipe, body) in branches {
                        let cond = self.pipeline(pipe, dot)?;
                        if self.model.truth(&cond) {
                            self.walk(body, dot)?;
                            taken = true;
                            break;
                        }
                    }
                    if !taken {
                        self.walk(otherwise, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::With {
                    pipe,
                    body,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let value = self.pipeline(pipe, dot)?;
                    if self.model.truth(&value) {
                        self.walk(body, &value)?;
                    } else {
                        self.walk(otherwise, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                } => self.range(pipe, body, otherwise, dot)?,
            }
        }
        Ok(())
    }

    fn range(
        &mut self,
        pipe: &Pipeline,
        body: &[Node],
        otherwise: &[Node],
        dot: &M::Value,
    ) -> Result<(), M::Error> {
        let mark = self.vars.len();
        let plain = Pipeline {
            declare: Vec::new(),
            assign: false,
            commands: pipe.commands.clone(),
        };
        let over = self.pipeline(&plain, dot)?;
        let mut items = self.model.items(&over)?;
        let Some(first) = items.next() else {
            self.walk(otherwise, dot)?;
            return Ok(());
        };
        for (key, value) in std::iter::once(first).chain(items) {
            match pipe.declare.as_slice() {
                [] => {}
                [v] => {
                    let copy = self.model.duplicate(&value);
                    self.vars.push((v.clone(), copy));
                }
                [k, v, ..] => {
                    self.vars.push((k.clone(), key));
                    let copy = self.model.duplicate(&value);
                    self.vars.push((v.clone(), copy));
                }
            }
            self.walk(body, &value)?;
            self.vars.truncate(mark);
        }
        Ok(())
    }

    fn pipeline(&mut self, pipe: &Pipeline, dot: &M::Value) -> Result<M::Value, M::Error> {
        let mut last: Option<M::Value> = None;
        for (stage, command) in pipe.commands.iter().enumerate() {
            last = Some(self.command(command, dot, last, stage)?);
        }
        let value = last.unwrap_or_else(|| self.model.missing());
        if let Some(name) = pipe.declare.first() {
            let copy = self.model.duplicate(&value);
            if pipe.assign {
                let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) else {
                    return Err(self.model.fail(format!("undefined variable: {name}")));
                };
                slot.1 = copy;
            } else {
                self.vars.push((name.clone(), copy));
            }
        }
        Ok(value)
    }

    fn command(
        &mut self,
        command: &Command,
        dot: &M::Value,
        piped: Option<M::Value>,
        stage: usize,
    ) -> Result<M::Value, M::Error> {
        let Some(first) = command.args.first() else {
            return Err(self.model.fail("empty command".to_owned()));
        };
        if let Arg::Func(name) = first {
            if piped.is_none() && self.model.short_circuits(name) {
                return self.short_circuit(name, &command.args[1..], dot);
            }
            let mut args = Vec::with_capacity(command.args.len());
            for arg in &command.args[1..] {
                args.push(self.operand(arg, dot)?);
            }
            if let Some(value) = piped {
                args.push(value);
            }
            return self.model.call(name, args);
        }
        if matches!(first, Arg::Nil) && command.args.len() == 1 {
            return Err(self.model.fail("nil is not a command".to_owned()));
        }
        if stage > 0 {
            return Err(self.model.fail(format!(
                "non executable command in pipeline stage {}",
                stage + 1
            )));
        }
        if command.args.len() > 1 {
            return Err(self
                .model
                .fail("can't give argument to non-function".to_owned()));
        }
        self.operand(first, dot)
    }

    /// `and` (stops at the first false operand) or `or` (at the first true one): that operand,
    /// else the last.
    fn short_circuit(
        &mut self,
        name: &str,
        args: &[Arg],
        dot: &M::Value,
    ) -> Result<M::Value, M::Error> {
        let stop_at = name == "or";
        let mut last = None;
        for arg in args {
            let value = self.operand(arg, dot)?;
            let decides = self.model.truth(&value) == stop_at;
            last = Some(value);
            if decides {
                break;
            }
        }
        match last {
            Some(value) => Ok(value),
            None => self.model.call(name, Vec::new()),
        }
    }

    fn operand(&mut self, arg: &Arg, dot: &M::Value) -> Result<M::Value, M::Error> {
        match arg {
            Arg::Field(chain) => {
                let value = self.model.duplicate(dot);
                self.fields(value, chain)
            }
            Arg::Var(name, chain) => {
                let Some(value) = self
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| self.model.duplicate(v))
                else {
                    return Err(self.model.fail(format!("undefined variable: {name}")));
                };
                self.fields(value, chain)
            }
            Arg::Func(name) => self.model.call(name, Vec::new()),
            Arg::Sub(pipe, chain) => {
                let value = self.pipeline(pipe, dot)?;
                self.fields(value, chain)
            }
            literal => Ok(self.model.literal(literal)),
        }
    }

    fn fields(&self, mut value: M::Value, chain: &[String]) -> Result<M::Value, M::Error> {
        for name in chain {
            value = self.model.field(value, name)?;
        }
        Ok(value)
    }
}
