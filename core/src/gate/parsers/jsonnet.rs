//! conftest's `jsonnet` parser: a Jsonnet program evaluated to the JSON conftest v0.71.1 prints
//! for it (go-jsonnet v0.22.0's `EvaluateAnonymousSnippet`, its output read back by
//! `json.Unmarshal`, so every number a float64), by rsjsonnet-lang, a Rust implementation of the
//! same language and standard library.
//!
//! As conftest sets go-jsonnet up: no external variables, no native functions, a top-level
//! function called with no arguments, and imports (`import`, `importstr`, `importbin`) looked up
//! beside the importing file, then in the input file's folder (conftest's one library path); the
//! same file imported twice is evaluated once. Without a folder (standard input, `parse_config`)
//! an import is refused, where go-jsonnet would look in the working directory, and the input
//! file's own imports are looked up in its folder, not first in the working directory as
//! go-jsonnet does with the nameless snippet conftest gives it. Unlike go-jsonnet, an import must
//! lie inside the input file's folder or the working directory (after symlinks), so an input
//! cannot pull `/etc/…` or `../..` files into the policies' input.
//!
//! A refusal names the file, line and column and what went wrong, never a value: an `error` or
//! `assert` message is not repeated (it may quote the file's data).
//!
//! Budgets, as a Jsonnet program can compute anything: rsjsonnet-lang's evaluator keeps its own
//! stack, so recursion ends in its stack-overflow error after [`MAX_STACK`] calls (go-jsonnet's
//! default); its parser and analyzer recurse natively, so a file nesting deeper than
//! [`MAX_NESTING`] levels (counted from its tokens first) is refused, and the evaluation runs on
//! a thread with room for that many; `std.range`, `std.makeArray` and `std.repeat` refuse to
//! build more than [`MAX_ITEMS`] items (the program's `std` is a copy of the standard library
//! with those checked first); the result may hold at most [`MAX_OUTPUT`] values and string bytes,
//! and nest at most 128 deep (the manifests' limit). Not bounded: a program that doubles a string
//! or an array with `+` until memory runs out (the evaluator has no allocation hook; go-jsonnet
//! has no bound at all).
//!
//! rsjsonnet-lang rather than jrsonnet: stable releases (jrsonnet publishes pre-releases only),
//! no unsafe code, the standard library in one crate, an evaluator with its own stack (jrsonnet
//! recurses and grows the thread's stack with `stacker`); on go-jsonnet's test suite it agrees
//! with conftest on 805 of 810 files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rsjsonnet_lang::arena::Arena;
use rsjsonnet_lang::interner::InternedStr;
use rsjsonnet_lang::parser::ParseError;
use rsjsonnet_lang::program::{
    Callbacks, EvalError, EvalErrorKind, EvalStackTraceItem, ImportError, LoadError, NativeError,
    Program, Thunk, Value as JValue, ValueKind,
};
use rsjsonnet_lang::span::{SpanContextId, SpanId};
use serde_json::{Map, Value};

use super::jsonnet_errors::{analyze_span, kind_span, lex_span, trace_span, words};
use super::jsonnet_nesting::too_deep;
use super::{Context, go_json};
use crate::manifest::{DEFAULT_MAX_BYTES, MAX_DEPTH};

/// Deepest call stack (go-jsonnet's default `MaxStack`).
const MAX_STACK: usize = 500;

/// Deepest nesting of what rsjsonnet-lang's parser and analyzer read by recursion (brackets,
/// `local`, `if`, `function`, `assert`, `error`, imports and `for`, counted from the tokens
/// before parsing: each `local` or `if` nests the rest of its expression).
pub(super) const MAX_NESTING: usize = 2_000;

/// The evaluating thread's stack: 128 KiB per level of [`MAX_NESTING`] (a level costs a few
/// parser and analyzer frames, under 32 KiB in a debug build); only the pages used are taken.
const STACK_BYTES: usize = MAX_NESTING * 128 * 1024;

/// Most items `std.range`, `std.makeArray` and `std.repeat` may build.
const MAX_ITEMS: u64 = 1 << 24;

/// Most values plus string bytes in the result.
const MAX_OUTPUT: usize = 16 << 20;

/// The message of the budget's error, told apart from the program's own.
const BUDGET_MESSAGE: &str = "sealgate: jsonnet item budget exceeded";

/// go-jsonnet's refusals that rsjsonnet-lang lacks, raised by the standard library's copy (its
/// words, told apart from the program's own errors, which are not repeated).
const GO_REFUSALS: &[&str] = &[
    "std.xor and std.xnor take booleans",
    "std.strReplace's 'from' string must not be empty",
];

/// Put before each file's text on its first line (so line numbers hold): `std` rebound to a
/// copy of the standard library with the item budget on `std.range`, `std.makeArray` and
/// `std.repeat`, and go-jsonnet v0.22.0's behaviour where rsjsonnet-lang's differs (type checks
/// of `std.xor`/`std.xnor`, an empty `from` in `std.strReplace`, `std.foldl`/`std.foldr` over a
/// string's characters, `std.id`, which rsjsonnet-lang lacks, and go-jsonnet's parameter names,
/// for calls that name them, where go-jsonnet's stdlib smoke test shows them differ). The standard library calls
/// itself through `self`, so its own calls go through the copy too.
fn std_prefix() -> String {
    let [xor, replace] = GO_REFUSALS else {
        return String::new();
    };
    format!(
        "local sealgate_std = std; local std = sealgate_std + {{ \
         range(from, to):: if to - from >= {MAX_ITEMS} then error '{BUDGET_MESSAGE}' else sealgate_std.range(from, to), \
         makeArray(sz, func):: if sz > {MAX_ITEMS} then error '{BUDGET_MESSAGE}' else sealgate_std.makeArray(sz, func), \
         repeat(what, count):: if count * (if sealgate_std.isString(what) || sealgate_std.isArray(what) then sealgate_std.length(what) else 1) > {MAX_ITEMS} then error '{BUDGET_MESSAGE}' else sealgate_std.repeat(what, count), \
         xor(x, y):: if sealgate_std.isBoolean(x) && sealgate_std.isBoolean(y) then x != y else error \"{xor}\", \
         xnor(x, y):: if sealgate_std.isBoolean(x) && sealgate_std.isBoolean(y) then x == y else error \"{xor}\", \
         strReplace(str, from, to):: if from == '' then error \"{replace}\" else sealgate_std.strReplace(str, from, to), \
         foldl(func, arr, init):: sealgate_std.foldl(func, if sealgate_std.isString(arr) then sealgate_std.stringChars(arr) else arr, init), \
         foldr(func, arr, init):: sealgate_std.foldr(func, if sealgate_std.isString(arr) then sealgate_std.stringChars(arr) else arr, init), \
         escapeStringBash(str_):: sealgate_std.escapeStringBash(str_), \
         escapeStringJson(str_):: sealgate_std.escapeStringJson(str_), \
         escapeStringDollars(str_):: sealgate_std.escapeStringDollars(str_), \
         find(value, arr):: sealgate_std.find(value, arr), \
         exp(x):: sealgate_std.exp(x), exponent(x):: sealgate_std.exponent(x), mantissa(x):: sealgate_std.mantissa(x), log(x):: sealgate_std.log(x), \
         isNull(x):: sealgate_std.isNull(x), equals(x, y):: sealgate_std.equals(x, y), primitiveEquals(x, y):: sealgate_std.primitiveEquals(x, y), \
         hypot(x, y):: sealgate_std.hypot(x, y), modulo(x, y):: sealgate_std.modulo(x, y), sum(arr):: sealgate_std.sum(arr), avg(arr):: sealgate_std.avg(arr), \
         md5(s):: sealgate_std.md5(s), sha1(s):: sealgate_std.sha1(s), sha256(s):: sealgate_std.sha256(s), sha3(s):: sealgate_std.sha3(s), sha512(s):: sealgate_std.sha512(s), \
         objectFieldsEx(obj, hidden):: sealgate_std.objectFieldsEx(obj, hidden), objectHasEx(obj, fname, hidden):: sealgate_std.objectHasEx(obj, fname, hidden), \
         removeAt(arr, i):: sealgate_std.removeAt(arr, i), \
         id(x):: x, \
         }}; "
    )
}

/// One loaded file: where its errors point.
struct Source {
    /// An imported file's path (empty for the input file, as go-jsonnet names the snippet
    /// conftest gives it): `std.thisFile`, and the file in messages.
    name: String,
    /// The folder its imports are looked up in first.
    dir: Option<PathBuf>,
    /// Its text, after the standard library's copy when it is Jsonnet code.
    text: Vec<u8>,
    /// Bytes of that copy before the file's own text.
    prefix: usize,
}

/// The import callbacks: conftest's `FileImporter` with the file's folder as its library path.
struct Loader<'p> {
    /// The input file's folder, conftest's one library path.
    library: Option<PathBuf>,
    sources: HashMap<SpanContextId, Source>,
    /// Imported code by path, evaluated once.
    code: HashMap<PathBuf, Thunk<'p>>,
    /// Why the last import failed, for the message.
    failure: Option<String>,
    prefix: String,
}

/// Parses `text` as conftest's jsonnet parser does, its imports read from `context`'s folder, on
/// a thread of its own with room for [`MAX_NESTING`] levels.
pub(super) fn parse(text: &str, context: &Context) -> anyhow::Result<Value> {
    if let Some(program) = &context.jsonnet_child {
        return super::jsonnet_child::evaluate(program, text, context.dir.as_deref());
    }
    let (text, context) = (text.to_string(), context.clone());
    std::thread::Builder::new()
        .name("jsonnet".to_string())
        .stack_size(STACK_BYTES)
        .spawn(move || evaluate(&text, &context))
        .map_err(|e| anyhow::anyhow!("jsonnet: cannot start the evaluation: {e}"))?
        .join()
        .map_err(|_| anyhow::anyhow!("jsonnet: the evaluator failed"))?
}

fn evaluate(text: &str, context: &Context) -> anyhow::Result<Value> {
    let arena = Arena::new();
    let mut program = Program::new(&arena);
    program.set_max_stack(MAX_STACK);
    let mut loader = Loader {
        library: context.dir.clone(),
        sources: HashMap::new(),
        code: HashMap::new(),
        failure: None,
        prefix: std_prefix(),
    };
    let top = loader
        .load(&mut program, "", context.dir.clone(), text.as_bytes())
        .map_err(|e| anyhow::anyhow!("jsonnet: {e}"))?;
    let mut value = program
        .eval_value(&top, &mut loader)
        .map_err(|e| anyhow::anyhow!("jsonnet: {}", loader.eval_error(&program, &e)))?;
    if value.is_function() {
        value = program
            .eval_call(&top, &[], &[], &mut loader)
            .map_err(|e| anyhow::anyhow!("jsonnet: {}", loader.eval_error(&program, &e)))?;
    }
    let mut budget = MAX_OUTPUT;
    to_json(&value, 0, &mut budget).map_err(|e| anyhow::anyhow!("jsonnet: {e}"))
}

impl<'p> Loader<'p> {
    /// Loads Jsonnet code, after the standard library's copy.
    fn load(
        &mut self,
        program: &mut Program<'p>,
        name: &str,
        dir: Option<PathBuf>,
        code: &[u8],
    ) -> Result<Thunk<'p>, String> {
        if let Some((at, what)) = too_deep(code) {
            let (line, column) = line_column(code, at);
            let place = if name.is_empty() {
                String::new()
            } else {
                format!("{name}: ")
            };
            return Err(format!("{place}line {line}, column {column}: {what}"));
        }
        let mut text = self.prefix.clone().into_bytes();
        text.extend_from_slice(code);
        let (span_ctx, _) = program.span_manager_mut().insert_source_context(text.len());
        let loaded = program.load_source(span_ctx, &text, true, name);
        self.sources.insert(
            span_ctx,
            Source {
                name: name.to_string(),
                dir,
                text,
                prefix: self.prefix.len(),
            },
        );
        loaded.map_err(|e| self.load_error(program, &e))
    }

    /// The file `path` imported from where `from` is, as go-jsonnet's `FileImporter` finds it:
    /// beside the importing file, then in the library folder.
    fn find(
        &mut self,
        program: &Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<PathBuf, ImportError> {
        let (ctx, _, _) = program.span_manager().get_span(from);
        let beside = self.sources.get(&ctx).and_then(|s| s.dir.clone());
        let wanted = Path::new(path);
        let found = if wanted.is_absolute() {
            wanted.is_file().then(|| wanted.to_path_buf())
        } else {
            [beside, self.library.clone()]
                .into_iter()
                .flatten()
                .map(|dir| dir.join(wanted))
                .find(|p| p.is_file())
        };
        // unlike go-jsonnet, only files inside the input file's folder or the working directory
        // (after symlinks): an input does not pull `/etc/…` or `../..` files into the policies'
        // input
        if let Some(p) = &found
            && !self.may_read(p)
        {
            self.failure = Some(format!(
                "cannot import `{path}`: outside the input file's folder and the working directory"
            ));
            return Err(ImportError);
        }
        found.ok_or_else(|| {
            self.failure = Some(if self.library.is_none() {
                format!("cannot import `{path}`: no folder to look in (the input is not a file)")
            } else {
                format!("cannot import `{path}`: no such file beside the importing file or in the input file's folder")
            });
            ImportError
        })
    }

    /// Whether `path` lies inside the input file's folder or the working directory.
    fn may_read(&self, path: &Path) -> bool {
        let Ok(real) = path.canonicalize() else {
            return false;
        };
        let cwd = std::env::current_dir().ok();
        [self.library.clone(), cwd]
            .into_iter()
            .flatten()
            .filter_map(|dir| dir.canonicalize().ok())
            .any(|dir| real.starts_with(dir))
    }

    /// An imported file's bytes, within the byte budget of an input file.
    fn read(&mut self, path: &Path) -> Result<Vec<u8>, ImportError> {
        let fail = |this: &mut Self, why: &str| {
            this.failure = Some(format!("cannot import `{}`: {why}", path.display()));
            ImportError
        };
        match std::fs::metadata(path) {
            Ok(m) if m.len() > DEFAULT_MAX_BYTES => {
                return Err(fail(
                    self,
                    &format!("larger than {DEFAULT_MAX_BYTES} bytes"),
                ));
            }
            Ok(_) => {}
            Err(e) => return Err(fail(self, &e.to_string())),
        }
        std::fs::read(path).map_err(|e| fail(self, &e.to_string()))
    }

    /// `span`'s place as `line L, column C` (after an imported file's path), the copy's
    /// columns taken off the first line; `None` in the standard library or its copy.
    fn place(&self, program: &Program<'p>, span: SpanId) -> Option<String> {
        let (ctx, start, _) = program.span_manager().get_span(span);
        let source = self.sources.get(&ctx)?;
        let at = start.checked_sub(source.prefix)?;
        let (line, column) = line_column(source.text.get(source.prefix..)?, at);
        Some(if source.name.is_empty() {
            format!("line {line}, column {column}")
        } else {
            format!("{}: line {line}, column {column}", source.name)
        })
    }

    fn load_error(&self, program: &Program<'p>, e: &LoadError) -> String {
        let (span, what) = match e {
            LoadError::Lex(e) => (lex_span(e), format!("syntax error: {}", words(e))),
            LoadError::Parse(ParseError::Expected { span, .. }) => {
                (*span, "syntax error: unexpected token".to_string())
            }
            LoadError::Analyze(e) => (analyze_span(e), words(e)),
        };
        match self.place(program, span) {
            Some(place) => format!("{place}: {what}"),
            None => what,
        }
    }

    fn eval_error(&self, program: &Program<'p>, e: &EvalError) -> String {
        let what = match &e.kind {
            EvalErrorKind::StackOverflow => {
                format!("stack overflow (more than {MAX_STACK} calls deep)")
            }
            EvalErrorKind::ExplicitError { message, .. } if message == BUDGET_MESSAGE => {
                format!(
                    "the program builds more than {MAX_ITEMS} items (std.range, std.makeArray or std.repeat)"
                )
            }
            EvalErrorKind::ExplicitError { message, .. }
                if GO_REFUSALS.contains(&message.as_str()) =>
            {
                message.clone()
            }
            EvalErrorKind::ExplicitError { .. } => "the program raised an error".to_string(),
            EvalErrorKind::AssertFailed { .. } | EvalErrorKind::AssertEqualFailed { .. } => {
                "an assertion failed".to_string()
            }
            EvalErrorKind::ImportFailed { .. } => self
                .failure
                .clone()
                .unwrap_or_else(|| "an import failed".to_string()),
            kind => words(kind),
        };
        let place = kind_span(&e.kind)
            .into_iter()
            .chain(e.stack_trace.iter().filter_map(trace_span))
            .find_map(|span| self.place(program, span));
        match place {
            Some(place) => format!("{place}: {what}"),
            None => what,
        }
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn line_column(text: &[u8], at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

impl<'p> Callbacks<'p> for Loader<'p> {
    fn import(
        &mut self,
        program: &mut Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<Thunk<'p>, ImportError> {
        let found = self.find(program, from, path)?;
        if let Some(thunk) = self.code.get(&found) {
            return Ok(thunk.clone());
        }
        let code = self.read(&found)?;
        let name = found.display().to_string();
        let thunk = self
            .load(program, &name, found.parent().map(Path::to_path_buf), &code)
            .map_err(|e| {
                self.failure = Some(format!("in an imported file: {e}"));
                ImportError
            })?;
        self.code.insert(found, thunk.clone());
        Ok(thunk)
    }

    fn import_str(
        &mut self,
        program: &mut Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<String, ImportError> {
        let found = self.find(program, from, path)?;
        let bytes = self.read(&found)?;
        String::from_utf8(bytes).map_err(|_| {
            self.failure = Some(format!("cannot import `{path}` as a string: not UTF-8"));
            ImportError
        })
    }

    fn import_bin(
        &mut self,
        program: &mut Program<'p>,
        from: SpanId,
        path: &str,
    ) -> Result<Vec<u8>, ImportError> {
        let found = self.find(program, from, path)?;
        self.read(&found)
    }

    /// `std.trace` writes to conftest's standard error; sealgate's input parsers say nothing.
    fn trace(&mut self, _: &mut Program<'p>, _: &str, _: &[EvalStackTraceItem]) {}

    /// None registered, as in conftest.
    fn native_call(
        &mut self,
        _: &mut Program<'p>,
        _: InternedStr<'p>,
        _: &[JValue<'p>],
    ) -> Result<JValue<'p>, NativeError> {
        Err(NativeError)
    }
}

/// The evaluated value as go-jsonnet's JSON reads back: numbers as float64s, hidden fields left
/// out, a function refused; within the output budget and the manifests' depth.
fn to_json(value: &JValue<'_>, depth: usize, budget: &mut usize) -> Result<Value, String> {
    spend(budget, 1)?;
    Ok(match value.kind() {
        ValueKind::Null => Value::Null,
        ValueKind::Bool(b) => Value::Bool(b),
        ValueKind::Number(n) => go_json::number(n),
        ValueKind::String(s) => {
            spend(budget, s.len())?;
            Value::String(s)
        }
        ValueKind::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(format!("the result nests deeper than {MAX_DEPTH} levels"));
            }
            let mut out = Vec::with_capacity(items.len());
            for item in &items {
                out.push(to_json(item, depth + 1, budget)?);
            }
            Value::Array(out)
        }
        ValueKind::Object(fields) => {
            if depth >= MAX_DEPTH {
                return Err(format!("the result nests deeper than {MAX_DEPTH} levels"));
            }
            let mut out = Map::new();
            for (key, field) in &fields {
                spend(budget, key.value().len())?;
                out.insert(key.value().to_string(), to_json(field, depth + 1, budget)?);
            }
            Value::Object(out)
        }
        ValueKind::Function => return Err("the result holds a function (not JSON)".to_string()),
    })
}

/// Takes `n` from the output budget.
fn spend(budget: &mut usize, n: usize) -> Result<(), String> {
    *budget = budget
        .checked_sub(n)
        .ok_or_else(|| format!("the result is larger than {MAX_OUTPUT} values and string bytes"))?;
    Ok(())
}

#[cfg(test)]
mod tests;
