//! Errors of the Rego gate: loading, compiling and running policies (a violation is a finding, not an error).

use std::path::PathBuf;

/// Everything that stops policies from being loaded or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum RegoError {
    #[error("cannot read policy path {path}: {reason}")]
    Read { path: PathBuf, reason: String },

    #[error("no Rego policies (*.rego) found in {path}")]
    NoPolicies { path: PathBuf },

    #[error("{file}:{line}:{col}: Rego syntax error: {message}")]
    Syntax {
        file: String,
        line: u32,
        col: u32,
        message: String,
    },

    #[error("{file}: cannot load policy: {message}")]
    Compile { file: String, message: String },

    #[error("unknown built-in policy {name:?}; available: {available}")]
    UnknownBuiltin { name: String, available: String },

    #[error("{path}: not a usable sealing certificate: {message}")]
    Cert { path: PathBuf, message: String },

    #[error("{path}: data file is not valid YAML/JSON: {message}")]
    Data { path: String, message: String },

    #[error("{path}: data file conflicts with data already loaded: {message}")]
    DataConflict { path: String, message: String },

    #[error("{query}: policy evaluation failed for {subject}: {message}")]
    Runtime {
        query: String,
        subject: String,
        message: String,
    },

    #[error(
        "{query}: policy evaluation stopped after {limit_ms} ms for {subject} (run-away policy?)"
    )]
    Timeout {
        query: String,
        subject: String,
        limit_ms: u128,
    },

    #[error("{file}: parsing stopped after {limit_ms} ms (a run-away policy?)")]
    ParseTimeout { file: String, limit_ms: u128 },

    #[error("{query}: result for {subject} is an object without a string \"msg\" field")]
    ResultShape { query: String, subject: String },

    #[error("invalid package name pattern {pattern:?}: {message}")]
    NamespacePattern { pattern: String, message: String },

    #[error("capabilities file {path}: {message}")]
    CapabilitiesFile { path: PathBuf, message: String },

    /// Policies use what the capabilities file does not grant; OPA refuses them at compile time.
    #[error("{}, which capabilities file {} does not allow", Refusals(refused), path.display())]
    NotCapable {
        path: PathBuf,
        refused: Vec<Refused>,
    },

    /// Rules defined in ways that cannot stand together (`p := 1` and `p contains 2`, two
    /// `default`s); OPA's compiler refuses them before anything else.
    #[error("{}", Refusals(refused))]
    RuleConflicts { refused: Vec<Refused> },

    /// Policies call builtins with arguments of the wrong type; OPA's type checker refuses them.
    #[error("{}", Refusals(refused))]
    TypeErrors { refused: Vec<Refused> },

    /// Rego v1 modules call builtins OPA deprecated; OPA refuses them at compile time.
    #[error("{}", Refusals(refused))]
    Deprecated { refused: Vec<Refused> },

    #[error("{file}: {what} {name:?}: {message}")]
    Gatekeeper {
        file: String,
        what: &'static str,
        name: String,
        message: String,
    },
}

/// One use of something a capabilities file does not grant, where OPA reports it (its line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refused {
    pub file: String,
    pub line: u32,
    pub what: Ungranted,
}

/// What a policy uses that the capabilities do not grant, in OPA's (v1.22.3) words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ungranted {
    /// A call of a function that is neither a builtin the file lists nor one the policies define;
    /// operators count as OPA's builtins (`==` is `equal`, `:=` and `=` are `eq`, …).
    Function(String),
    /// `import rego.v1` without the `rego_v1_import` (or `rego_v1`, `rego_v2`) feature.
    RegoV1Import,
    /// `import rego.v2` without the `rego_v2_import` (or `rego_v2`) feature.
    RegoV2Import,
    /// A template string without the `template_strings` feature and `internal.template_string`.
    TemplateStrings,
    /// A call of a deprecated builtin in a Rego v1 module (or one that imports `rego.v1`).
    Deprecated(String),
    /// A builtin call with arguments OPA's type checker refuses: its words after `rego_type_error: `.
    Type(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (file, line) = (&self.file, self.line);
        match &self.what {
            Ungranted::Function(name) => {
                write!(
                    f,
                    "{file}:{line}: rego_type_error: undefined function {name}"
                )
            }
            Ungranted::RegoV1Import => write!(
                f,
                "{file}:{line}: rego_compile_error: rego.v1 import is not supported"
            ),
            Ungranted::RegoV2Import => write!(
                f,
                "{file}:{line}: rego_compile_error: rego.v2 import is not supported"
            ),
            Ungranted::TemplateStrings => write!(
                f,
                "{file}:{line}: rego_compile_error: template-strings are not supported"
            ),
            Ungranted::Deprecated(name) => write!(
                f,
                "{file}:{line}: rego_type_error: deprecated built-in function calls in expression: {name}"
            ),
            Ungranted::Type(message) => write!(f, "{file}:{line}: rego_type_error: {message}"),
        }
    }
}

/// Most refusals written out in one error; a policy under a tiny capabilities file can use
/// hundreds of operators, and the first ones say what to add.
const MAX_REFUSALS_SHOWN: usize = 20;

/// Refusals joined with `; `, the first [`MAX_REFUSALS_SHOWN`] of them.
struct Refusals<'a>(&'a [Refused]);

impl std::fmt::Display for Refusals<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, r) in self.0.iter().take(MAX_REFUSALS_SHOWN).enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{r}")?;
        }
        if self.0.len() > MAX_REFUSALS_SHOWN {
            write!(f, "; and {} more", self.0.len() - MAX_REFUSALS_SHOWN)?;
        }
        Ok(())
    }
}

/// Turns a regorus parse/compile error (a multi-line diagnostic `--> file:line:col … error: msg`)
/// into one line with its position, or a plain compile error when no position is given.
pub(crate) fn from_load_error(file: &str, err: &dyn std::fmt::Display) -> RegoError {
    let text = format!("{err:#}");
    let mut position = None;
    let mut message = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--> ") {
            position = parse_position(rest);
        } else if let Some(msg) = line.strip_prefix("error: ") {
            message = Some(msg.to_string());
        }
    }
    match (position, message) {
        (Some((f, line, col)), Some(message)) => RegoError::Syntax {
            file: f,
            line,
            col,
            message,
        },
        _ => RegoError::Compile {
            file: file.to_string(),
            message: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        },
    }
}

/// `file:line:col` where the file itself may contain colons.
fn parse_position(text: &str) -> Option<(String, u32, u32)> {
    let mut parts = text.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, line, col))
}

/// Runtime errors: a time-limit hit becomes [`RegoError::Timeout`], anything else [`RegoError::Runtime`]
/// with the diagnostic folded onto one line.
pub(crate) fn from_eval_error(
    query: &str,
    subject: &str,
    limit: std::time::Duration,
    err: &dyn std::fmt::Display,
) -> RegoError {
    let text = format!("{err:#}");
    if text.contains("exceeded time limit") {
        return RegoError::Timeout {
            query: query.to_string(),
            subject: subject.to_string(),
            limit_ms: limit.as_millis(),
        };
    }
    let mut position = String::new();
    let mut message = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--> ") {
            position = format!("{rest}: ");
        } else if let Some(msg) = line.strip_prefix("error: ") {
            message.push(msg.to_string());
        } else if !line.is_empty() && !line.contains('|') {
            message.push(line.to_string());
        }
    }
    RegoError::Runtime {
        query: query.to_string(),
        subject: subject.to_string(),
        message: format!("{position}{}", message.join(" ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_position_is_extracted() {
        let err = "\n--> dir/p.rego:3:7\n  |\n3 | deny contains msg iff {\n  |       ^\nerror: unexpected token";
        match from_load_error("dir/p.rego", &err) {
            RegoError::Syntax {
                file,
                line,
                col,
                message,
            } => {
                assert_eq!((file.as_str(), line, col), ("dir/p.rego", 3, 7));
                assert_eq!(message, "unexpected token");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn error_without_position_is_a_compile_error() {
        let err = "rule conflict\n  with another";
        let e = from_load_error("x.rego", &err);
        assert_eq!(
            e.to_string(),
            "x.rego: cannot load policy: rule conflict with another"
        );
    }
}
