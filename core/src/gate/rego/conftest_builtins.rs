//! conftest's extra Rego builtins (`parse_config`, `parse_config_file`, `parse_combined_config_files`) as regorus extensions.
//!
//! conftest resolves file paths against the directory of the Rego file that calls the builtin;
//! a regorus extension does not know its caller, so paths are tried against each policy folder
//! in load order and the first existing file wins. A policy may come from an untrusted pull
//! request, so files are read only inside the policy and data folders (and the folders of
//! `--allow-file-access`), after symlinks and `..` are resolved.
//!
//! Parsers: those of [`crate::gate::parsers`]. As in conftest (OPA's non-strict builtin errors),
//! a text that does not parse or a file that is not there makes the call undefined; what sealgate
//! refuses to do (read outside those folders, a parser it lacks, a Jsonnet program past its
//! child's limits) is an error.

use std::path::{Path, PathBuf};

use regorus::{Engine, Value as RegoValue};
use serde_json::{Value, json};

use super::engine;
use super::error::RegoError;
use crate::gate::parsers::jsonnet_child::OutOfLimits;
use crate::gate::parsers::{self, Parser};

fn parse_text(parser: &str, text: &str, context: &parsers::Context) -> anyhow::Result<Value> {
    let parser = Parser::from_name(parser).ok_or_else(|| {
        Refusal(format!(
            "parser {parser:?} is not supported by sealgate ({} are)",
            parsers::names()
        ))
    })?;
    parser.parse_in(text, context)
}

/// Why sealgate will not run a call that conftest would: a file outside the folders a policy may
/// read, a parser sealgate lacks. Reported as an error, never undefined.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refusal(String);

/// OPA's default, non-strict builtin errors, which conftest keeps: a text that does not parse or a
/// file that is not there makes the call undefined, and the policy's other rules still judge. The
/// calls sealgate refuses ([`Refusal`], a Jsonnet child ended by its limits) stay errors, so the
/// run says why.
fn undefined_on_error(result: anyhow::Result<RegoValue>) -> anyhow::Result<RegoValue> {
    match result {
        Err(e) if !(e.is::<Refusal>() || e.is::<OutOfLimits>()) => Ok(RegoValue::Undefined),
        other => other,
    }
}

/// Where the file builtins look for relative paths, and the only folders they may read.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileAccess {
    pub search: Vec<PathBuf>,
    /// Canonical folders; a file is read only if its canonical path is inside one.
    pub allowed: Vec<PathBuf>,
}

impl FileAccess {
    /// `search` (the policy folders) plus `extra` folders (data files' folders, `--allow-file-access`).
    pub(crate) fn new(search: Vec<PathBuf>, extra: &[PathBuf]) -> Self {
        let allowed = search
            .iter()
            .chain(extra)
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p.as_path()
                }
            })
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .map(|p| {
                if p.is_file() {
                    p.parent().map(Path::to_path_buf).unwrap_or(p)
                } else {
                    p
                }
            })
            .collect();
        Self { search, allowed }
    }

    fn resolve(&self, path: &str) -> anyhow::Result<PathBuf> {
        let p = Path::new(path);
        let found = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.search
                .iter()
                .map(|d| d.join(p))
                .find(|c| c.is_file())
                .ok_or_else(|| {
                    anyhow::anyhow!("config file {path} not found next to any policy file")
                })?
        };
        let real = std::fs::canonicalize(&found)
            .map_err(|_| anyhow::anyhow!("config file {path} not found"))?;
        if !self.allowed.iter().any(|root| real.starts_with(root)) {
            return Err(Refusal(format!(
                "config file {path} is outside the policy and data folders; a policy may only read files there (allow a folder with --allow-file-access DIR)"
            ))
            .into());
        }
        Ok(real)
    }
}

/// The parser conftest picks for a file by its name; YAML for names it has none for.
fn parser_for(path: &Path) -> Parser {
    Parser::for_path(path).unwrap_or(Parser::Yaml)
}

fn string_arg(args: &[RegoValue], i: usize) -> anyhow::Result<String> {
    args.get(i)
        .and_then(|v| v.as_string().ok())
        .map(|s| s.to_string())
        .ok_or_else(|| anyhow::anyhow!("argument {} must be a string", i + 1))
}

/// The builtins [`register`] adds: conftest's, not OPA's.
pub(crate) const NAMES: [&str; 3] = [PARSE_CONFIG, PARSE_CONFIG_FILE, PARSE_COMBINED_CONFIG_FILES];
const PARSE_CONFIG: &str = "parse_config";
const PARSE_CONFIG_FILE: &str = "parse_config_file";
const PARSE_COMBINED_CONFIG_FILES: &str = "parse_combined_config_files";

/// Registers the three builtins on `engine`, reading files only where `files` allows, and text as
/// `context` says (proto types, Jsonnet child; `parse_config`'s text has no folder).
pub(crate) fn register(
    engine: &mut Engine,
    files: FileAccess,
    context: parsers::Context,
) -> Result<(), RegoError> {
    let err = |e: anyhow::Error| RegoError::Compile {
        file: "conftest builtins".to_string(),
        message: e.to_string(),
    };
    engine
        .add_extension(
            PARSE_CONFIG.to_string(),
            2,
            Box::new({
                let context = parsers::Context {
                    dir: None,
                    ..context.clone()
                };
                move |args: Vec<RegoValue>| {
                    let (parser, text) = (string_arg(&args, 0)?, string_arg(&args, 1)?);
                    undefined_on_error(
                        parse_text(&parser, &text, &context).map(|v| engine::from_json(&v)),
                    )
                }
            }),
        )
        .map_err(err)?;
    let file_access = files.clone();
    let file_context = context.clone();
    engine
        .add_extension(
            PARSE_CONFIG_FILE.to_string(),
            1,
            Box::new(move |args: Vec<RegoValue>| {
                let name = string_arg(&args, 0)?;
                undefined_on_error((|| {
                    let path = file_access.resolve(&name)?;
                    let text = std::fs::read_to_string(&path)?;
                    let value = parser_for(&path).parse_in(&text, &file_context.for_file(&path))?;
                    Ok(engine::from_json(&value))
                })())
            }),
        )
        .map_err(err)?;
    engine
        .add_extension(
            PARSE_COMBINED_CONFIG_FILES.to_string(),
            1,
            Box::new(move |args: Vec<RegoValue>| {
                let paths = args
                    .first()
                    .and_then(|v| v.as_array().ok())
                    .ok_or_else(|| anyhow::anyhow!("argument 1 must be an array of paths"))?;
                let names = paths
                    .iter()
                    .map(|p| {
                        p.as_string()
                            .map(|s| s.to_string())
                            .map_err(|_| anyhow::anyhow!("paths must be strings"))
                    })
                    .collect::<anyhow::Result<Vec<String>>>()?;
                undefined_on_error((|| {
                    let mut combined = Vec::new();
                    for name in &names {
                        let path = files.resolve(name)?;
                        let text = std::fs::read_to_string(&path)?;
                        let docs = parser_for(&path).documents(&text, &context.for_file(&path))?;
                        let shown = path.to_string_lossy().into_owned();
                        for doc in docs {
                            combined.push(json!({"path": shown, "contents": doc}));
                        }
                    }
                    Ok(engine::from_json(&Value::Array(combined)))
                })())
            }),
        )
        .map_err(err)?;
    Ok(())
}
