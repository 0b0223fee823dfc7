//! `spec.template.data`: Go `text/template` strings rendered over the decrypted items, as upstream does.
//!
//! Upstream (`sealedsecret_expansion.go`, `Unseal`) executes each `template.data` value with
//! Go's `text/template` and Sprig's generic functions (minus `env`, `expandenv`,
//! `getHostByName`), the data being a `map[string]string` of every decrypted item; each result
//! becomes `Secret.data[key]`, replacing a decrypted item of the same name. This module
//! implements the forms templates use: fields (`{{ .password }}`), `index`, pipelines,
//! variables, `if`/`else`/`range`/`with`, `{{- -}}` trimming, comments, literals and the
//! functions listed in `funcs.rs`, formatting values as Go does (`gofmt.rs`). Anything else is
//! refused with an error naming it, before any output is produced.

mod exec;
mod funcs;
mod gofmt;
mod lex;
mod parse;
mod walk;

use std::collections::BTreeMap;

use super::plaintext::Plaintext;
// crate-visible for OPA's `strings.render_template` (see `parse_go_template`)
pub(crate) use parse::{Arg, Node, Pipeline};
#[cfg(feature = "gate")]
pub(crate) use walk::{Model, Walk};

/// Why one `template.data` entry could not be rendered. Messages name the entry and the
/// construct, never a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("template.data[{key:?}]: {construct} is not supported")]
    Unsupported { key: String, construct: String },
    #[error("template.data[{key:?}]: line {line}: {reason}")]
    Parse {
        key: String,
        line: usize,
        reason: String,
    },
    #[error("template.data[{key:?}]: {reason}")]
    Exec { key: String, reason: String },
}

/// Internal failure, before the entry's key is attached.
#[derive(Debug)]
pub(crate) enum Fail {
    Unsupported(String),
    Parse { line: usize, reason: String },
    Exec(String),
}

impl Fail {
    fn for_key(self, key: &str) -> TemplateError {
        let key = key.to_owned();
        match self {
            Fail::Unsupported(construct) => TemplateError::Unsupported { key, construct },
            Fail::Parse { line, reason } => TemplateError::Parse { key, line, reason },
            Fail::Exec(reason) => TemplateError::Exec { key, reason },
        }
    }
}

/// Renders every template over `values` (the decrypted items). Returns only the rendered
/// entries; the caller merges them over the decrypted items (a template wins on the same key).
pub fn render(
    templates: &BTreeMap<String, String>,
    values: &BTreeMap<String, Plaintext>,
) -> Result<BTreeMap<String, Plaintext>, TemplateError> {
    let mut rendered = BTreeMap::new();
    for (key, source) in templates {
        let output = render_one(source, values).map_err(|fail| fail.for_key(key))?;
        rendered.insert(key.clone(), output);
    }
    Ok(rendered)
}

/// Checks that a template parses and uses only supported constructs, without values (for
/// validation before anything is decrypted).
pub fn check(templates: &BTreeMap<String, String>) -> Result<(), TemplateError> {
    for (key, source) in templates {
        parse_checked(source).map_err(|fail| fail.for_key(key))?;
    }
    Ok(())
}

fn render_one(source: &str, values: &BTreeMap<String, Plaintext>) -> Result<Plaintext, Fail> {
    let nodes = parse_checked(source)?;
    exec::Exec::new(values).run(&nodes)
}

/// Parses a Go `text/template` for another executor: OPA's `strings.render_template`
/// (`gate::rego::opa_builtins::template`), which runs Go's templates over JSON values with Go's
/// own functions. SealedSecret templates do not go through here.
/// `known` says which function names the executor has: Go resolves them when parsing.
#[cfg(feature = "gate")]
pub(crate) fn parse_go_template(
    source: &str,
    known: &dyn Fn(&str) -> bool,
) -> Result<Vec<Node>, String> {
    let parsed = parse::parse(source).and_then(|nodes| {
        check_functions(&nodes, known)?;
        Ok(nodes)
    });
    parsed.map_err(|fail| match fail {
        Fail::Unsupported(construct) => format!("template: {construct} is not supported"),
        Fail::Parse { line, reason } => format!("template: template:{line}: {reason}"),
        Fail::Exec(reason) => format!("template: {reason}"),
    })
}

fn parse_checked(source: &str) -> Result<Vec<Node>, Fail> {
    let nodes = parse::parse(source)?;
    // Go resolves function names when parsing, so an unknown one fails even in a branch
    // that never runs.
    check_functions(&nodes, &funcs::is_supported)?;
    Ok(nodes)
}

fn check_functions(nodes: &[Node], known: &dyn Fn(&str) -> bool) -> Result<(), Fail> {
    for node in nodes {
        match node {
            Node::Text(_) => {}
            Node::Action(pipe) => check_pipeline(pipe, known)?,
            Node::If {
                branches,
                otherwise,
            } => {
                for (pipe, body) in branches {
                    check_pipeline(pipe, known)?;
                    check_functions(body, known)?;
                }
                check_functions(otherwise, known)?;
            }
            Node::Range {
                pipe,
                body,
                otherwise,
            }
            | Node::With {
                pipe,
                body,
                otherwise,
            } => {
                check_pipeline(pipe, known)?;
                check_functions(body, known)?;
                check_functions(otherwise, known)?;
            }
        }
    }
    Ok(())
}

fn check_pipeline(pipe: &Pipeline, known: &dyn Fn(&str) -> bool) -> Result<(), Fail> {
    for command in &pipe.commands {
        for arg in &command.args {
            match arg {
                Arg::Func(name) if !known(name) => {
                    return Err(Fail::Unsupported(format!("function `{name}`")));
                }
                Arg::Sub(inner, _) => check_pipeline(inner, known)?,
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
