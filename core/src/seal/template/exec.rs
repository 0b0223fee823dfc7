//! Executing a parsed template over the decrypted items, Go `text/template` semantics.

use std::cell::Cell;
use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::Fail;
use super::funcs;
use super::gofmt;
use super::parse::{Arg, Node};
use super::walk::{Model, Walk};
use crate::seal::plaintext::Plaintext;

/// The most bytes one template value may grow to: Kubernetes refuses a Secret whose data is over
/// 1 MiB, so nothing bigger is ever useful, and `{{ repeat 100000 (repeat 100000 "x") }}` in a
/// 1 KB file must not allocate 10 GB (in `unseal` or in the controller).
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

/// The most bytes all values of one render may produce together. Each value is capped at
/// [`MAX_TEMPLATE_BYTES`], but a 1 MiB template can hold tens of thousands of them (`print
/// (repeat 1048576 "x") (repeat 1048576 "x") …` took 22 GB before the kernel killed the fuzz
/// run); 64 values' worth is far more than a Secret's template needs.
pub const MAX_RENDER_BYTES: usize = 64 * MAX_TEMPLATE_BYTES;

/// The most nodes one render may execute, loop bodies counted once per iteration. A template
/// runs once per key and its loops go over the Secret's own keys, so a few thousand steps is a
/// large one; `{{ range 100000000000000 }}` (a 30-byte template) would otherwise run, in the
/// controller, for days (and aborted on allocation before it started).
pub const MAX_STEPS: usize = 1_000_000;

thread_local! {
    /// Bytes pushed into any [`SecretBuf`] since the current render started ([`Exec::run`]): a
    /// render runs on one thread from start to end, and the functions that make values have no
    /// handle on the executor.
    static PRODUCED: Cell<usize> = const { Cell::new(0) };
}

/// A byte buffer for plaintext that never leaves an unwiped copy behind when it grows, and never
/// grows past [`MAX_TEMPLATE_BYTES`]: a push that would is dropped and remembered, and the
/// function or template that made it fails (see [`SecretBuf::check`]).
#[derive(Default)]
pub struct SecretBuf(Zeroizing<Vec<u8>>, bool);

impl SecretBuf {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(
            Zeroizing::new(Vec::with_capacity(capacity.min(MAX_TEMPLATE_BYTES))),
            false,
        )
    }

    pub fn push(&mut self, bytes: &[u8]) {
        let needed = self.0.len().saturating_add(bytes.len());
        if self.1 || needed > MAX_TEMPLATE_BYTES {
            self.1 = true;
            return;
        }
        let produced = PRODUCED.get().saturating_add(bytes.len());
        PRODUCED.set(produced);
        if produced > MAX_RENDER_BYTES {
            self.1 = true;
            return;
        }
        if needed > self.0.capacity() {
            let mut grown = Zeroizing::new(Vec::with_capacity(
                needed
                    .max(self.0.capacity() * 2)
                    .clamp(64, MAX_TEMPLATE_BYTES),
            ));
            grown.extend_from_slice(&self.0);
            // the old buffer is wiped (whole capacity) when dropped here
            self.0 = grown;
        }
        self.0.extend_from_slice(bytes);
    }

    pub fn push_str(&mut self, text: &str) {
        self.push(text.as_bytes());
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Fails when a push went over [`MAX_TEMPLATE_BYTES`] (the value is then incomplete).
    pub fn check(&self) -> Result<(), Fail> {
        if self.1 {
            return Err(over_budget());
        }
        Ok(())
    }

    pub fn into_plaintext(self) -> Plaintext {
        let mut exact = Vec::with_capacity(self.0.len());
        exact.extend_from_slice(&self.0);
        Plaintext::new(exact)
    }
}

/// The error for a render over [`MAX_RENDER_BYTES`].
pub fn over_render_budget() -> Fail {
    Fail::Exec(format!(
        "the template's values add up to more than {MAX_RENDER_BYTES} bytes, \
         64 times the Kubernetes limit for a Secret"
    ))
}

/// The error for a value over [`MAX_TEMPLATE_BYTES`].
pub fn over_budget() -> Fail {
    Fail::Exec(format!(
        "output larger than {MAX_TEMPLATE_BYTES} bytes, the Kubernetes limit for a Secret"
    ))
}

/// A template value. Strings are bytes (Go strings), kept in wiped buffers.
pub enum Value {
    /// A missing map key: prints `<no value>`, is `nil` for `interface{}` parameters.
    Missing,
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(SecretBuf),
    /// The root data: item name → decrypted value (`map[string]string` upstream).
    Data,
}

impl Value {
    pub fn str(bytes: &[u8]) -> Self {
        let mut buf = SecretBuf::with_capacity(bytes.len());
        buf.push(bytes);
        Value::Str(buf)
    }

    /// Go's type name, for error messages (never the value).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Missing => "invalid value",
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Data => "map[string]string",
        }
    }

    pub fn duplicate(&self) -> Value {
        match self {
            Value::Missing => Value::Missing,
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(n) => Value::Int(*n),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::str(s.as_bytes()),
            Value::Data => Value::Data,
        }
    }
}

pub struct Exec<'a> {
    data: &'a BTreeMap<String, Plaintext>,
    out: SecretBuf,
    /// Nodes executed so far, against [`MAX_STEPS`].
    steps: usize,
}

impl<'a> Exec<'a> {
    pub fn new(data: &'a BTreeMap<String, Plaintext>) -> Self {
        Self {
            data,
            out: SecretBuf::default(),
            steps: 0,
        }
    }

    pub fn run(mut self, nodes: &[Node]) -> Result<Plaintext, Fail> {
        PRODUCED.set(0);
        let walked = Walk::new(&mut self, Value::Data).walk(nodes, &Value::Data);
        // over the render budget, some values were cut short: whatever came of them is wrong
        if PRODUCED.get() > MAX_RENDER_BYTES {
            return Err(over_render_budget());
        }
        walked?;
        self.out.check()?;
        Ok(self.out.into_plaintext())
    }
}

impl<'a> Model for Exec<'a> {
    type Value = Value;
    type Error = Fail;

    fn fail(&self, message: String) -> Fail {
        Fail::Exec(message)
    }

    fn duplicate(&self, value: &Value) -> Value {
        value.duplicate()
    }

    fn literal(&self, arg: &Arg) -> Value {
        match arg {
            Arg::Str(s) => Value::str(s.as_bytes()),
            Arg::Int(n) => Value::Int(*n),
            Arg::Float(f) => Value::Float(*f),
            Arg::Bool(b) => Value::Bool(*b),
            _ => Value::Nil,
        }
    }

    fn missing(&self) -> Value {
        Value::Missing
    }

    fn truth(&self, value: &Value) -> bool {
        funcs::truth(value, self.data)
    }

    fn text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn print(&mut self, value: &Value) {
        gofmt::print_value(&mut self.out, value, self.data);
    }

    fn field(&self, value: Value, name: &str) -> Result<Value, Fail> {
        match value {
            Value::Data => Ok(self
                .data
                .get(name)
                .map_or(Value::Missing, |v| Value::str(v.as_bytes()))),
            Value::Missing | Value::Nil => Err(Fail::Exec(format!(
                "nil pointer evaluating interface {{}}.{name}"
            ))),
            other => Err(Fail::Exec(format!(
                "can't evaluate field {name} in type {}",
                other.type_name()
            ))),
        }
    }

    fn call(&mut self, name: &str, args: Vec<Value>) -> Result<Value, Fail> {
        funcs::call(name, args, self.data)
    }

    type Items = Box<dyn Iterator<Item = (Value, Value)> + 'a>;

    fn items(&mut self, value: &Value) -> Result<Self::Items, Fail> {
        let data = self.data;
        Ok(match value {
            Value::Data => Box::new(
                data.iter()
                    .map(|(k, v)| (Value::str(k.as_bytes()), Value::str(v.as_bytes()))),
            ),
            Value::Int(n) => {
                // every iteration is a step: refused before the first one, and made one at a
                // time (a range over a large int allocates nothing up front)
                self.step(usize::try_from(*n).unwrap_or(0))?;
                Box::new((0..*n).map(|i| (Value::Int(i), Value::Int(i))))
            }
            Value::Missing | Value::Nil => Box::new(std::iter::empty()),
            other => {
                return Err(Fail::Exec(format!(
                    "range can't iterate over a {}",
                    other.type_name()
                )));
            }
        })
    }

    /// Counts `n` steps against [`MAX_STEPS`].
    fn step(&mut self, n: usize) -> Result<(), Fail> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_STEPS {
            return Err(Fail::Exec(format!(
                "the template takes more than {MAX_STEPS} steps (a loop over a huge range?)"
            )));
        }
        Ok(())
    }
}
