//! conftest's `cue` parser: a CUE file as the JSON conftest v0.71.1 prints, which is what
//! cuelang.org/go v0.17.1 gives for it: `format.Source` (a full parse: any syntax error refuses
//! the file), then `cuecontext.CompileBytes` and `Value.MarshalJSON` (conflicts, incomplete
//! values and missing required fields refuse it too).
//!
//! No Rust implementation of CUE exists (the crates that read it wrap the Go runtime), so this is
//! a port: the lexer ([`lexer`]: CUE's comma insertion, numbers with `_` and `K`/`Mi`
//! multipliers, raw `#"…"#`, multi-line and bytes literals, interpolation), the full grammar
//! ([`parser`], [`ast`]), CUE's compile-time check of references ([`scope`]), the value lattice
//! ([`value`]: kinds, bounds, defaults of disjunctions), the evaluator ([`eval`] over
//! [`vertex`]es, with [`literals`], [`refs`], [`ops`], [`comprehend`], [`closedness`],
//! [`disjunction`]:
//! lexical references, unification of structs and lists, definitions and closedness, optional and
//! required fields, pattern constraints, comprehensions, `let`, operators,
//! `len`/`div`/`mod`/`quo`/`rem`, disjunctions of structs), and the JSON of a value ([`export`]).
//!
//! What it does not evaluate, it refuses by name ("sealgate's cue reader does not support …"):
//! imports (the standard library), `close`/`and`/`or`, slices, interpolated floats, value
//! aliases, CUE's experiments, and the orders of evaluation CUE resolves by revisiting a field (a
//! comprehension adding to what it reads, a reference cycle). Hostile input is bounded: nesting
//! depth ([`parser::MAX_DEPTH`], [`eval::MAX_RECURSION`]), evaluation steps and vertices,
//! disjunction sizes, string sizes; structural cycles are refused as CUE refuses them.

use serde_json::Value;

mod ast;
mod closedness;
mod comprehend;
mod disjunction;
mod eval;
mod export;
mod lexer;
mod literals;
mod ops;
mod parser;
mod refs;
mod scope;
mod value;
mod vertex;

/// Why a file is refused: a position (byte offset) or a field path, and what.
#[derive(Debug, Clone)]
pub(super) enum Stop {
    Syntax(usize, &'static str),
    Unsupported(usize, &'static str),
    TooDeep(usize),
    Budget,
    /// A conflict or another error (path, message).
    Eval(String, String),
    /// A value that is not concrete where it must be (path, message).
    Incomplete(String, String),
}

/// The stack of the thread that evaluates one file (the recursion is bounded, and deep).
const STACK: usize = 256 << 20;

/// Parses `text` as conftest's cue parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn_scoped(s, || evaluate(text))
            .map(|h| h.join())
    });
    let outcome = match result {
        Ok(Ok(r)) => r,
        _ => return Err(anyhow::anyhow!("cue: the evaluation thread failed")),
    };
    outcome.map_err(|stop| describe(text, stop))
}

fn evaluate(text: &str) -> Result<Value, Stop> {
    let toks = lexer::tokens(text)?;
    let decls = parser::Parser::new(toks).file()?;
    scope::check(&decls)?;
    let file = ast::Expr::Struct(decls, 0);
    let mut ev = eval::Eval::new();
    let root = ev.temp(&file, None)?;
    ev.finalize(root)?;
    export::export(&mut ev, root)
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let col = 1 + String::from_utf8_lossy(&before[start..]).chars().count();
    (line, col)
}

fn describe(text: &str, stop: Stop) -> anyhow::Error {
    let field = |path: &str| {
        if path.is_empty() {
            "the file's value".to_string()
        } else {
            format!("field `{path}`")
        }
    };
    match stop {
        Stop::Syntax(at, what) => {
            let (l, c) = line_col(text, at);
            anyhow::anyhow!(
                "cue: line {l}, column {c}: syntax error: expected {what} (CUE's parser refuses it)"
            )
        }
        Stop::Unsupported(at, what) => {
            let (l, c) = line_col(text, at);
            anyhow::anyhow!(
                "cue: line {l}, column {c}: sealgate's cue reader does not support {what}; export the file to JSON or YAML with `cue export` and validate that"
            )
        }
        Stop::TooDeep(at) => {
            let (l, c) = line_col(text, at);
            anyhow::anyhow!(
                "cue: line {l}, column {c}: nested deeper than {} levels",
                parser::MAX_DEPTH
            )
        }
        Stop::Budget => anyhow::anyhow!(
            "cue: the file takes more than sealgate's evaluation budget (at most {} nested evaluations, bounded steps, sizes and disjunctions): simplify it or export it with `cue export`",
            eval::MAX_RECURSION
        ),
        Stop::Eval(path, msg) => anyhow::anyhow!("cue: {}: {msg}", field(&path)),
        Stop::Incomplete(path, msg) => anyhow::anyhow!(
            "cue: {}: {msg}: every exported field needs a concrete value",
            field(&path)
        ),
    }
}

#[cfg(test)]
mod tests;
