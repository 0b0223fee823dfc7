//! conftest's own settings: its configuration file (`conftest.toml` in the current folder, or
//! `--conftest-config FILE`) and its `CONFTEST_*` environment variables, so a repository set up for
//! `conftest test` and `conftest verify` runs the same under `sealgate validate` and `sealgate
//! policy test` (one applier per command: `validate.rs`, `verify.rs`).
//!
//! As conftest (v0.71.1, through viper): a flag given on the command line wins, then the
//! environment variable (`CONFTEST_ALL_NAMESPACES` for `all-namespaces`), then the file. The file
//! is the first of `conftest.json`, `conftest.toml`, `conftest.yaml`, `conftest.yml` in the current
//! folder (viper's order; its other formats are refused with a hint). Values are read as viper's
//! weak decoding reads them: a string where a list is wanted is split at commas, `"true"` is a
//! bool. Relative paths stay relative to the current folder, as in conftest.
//!
//! Keys sealgate has no flag for are refused when they would change the verdict (`no-fail`,
//! `strict`, `update`, `show-builtin-errors`) and ignored when they only change presentation
//! (`no-color`, `quiet`, `trace`, …); unknown keys are ignored, as viper ignores them.

mod validate;
mod verify;

pub use validate::apply as apply_to_validate;
pub use verify::apply as apply_to_policy_test;

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_json::Value;

use sealgate_core::gate::parsers::Parser;

use crate::cli::RegoVersionArg;
use crate::error::CliError;

/// The names viper tries, in its order, for a configuration called `conftest`.
const FILE_NAMES: [&str; 4] = [
    "conftest.json",
    "conftest.toml",
    "conftest.yaml",
    "conftest.yml",
];
/// Extensions viper would also read, which sealgate refuses with a hint rather than skip.
const OTHER_EXTENSIONS: [&str; 8] = [
    "properties",
    "props",
    "prop",
    "hcl",
    "tfvars",
    "dotenv",
    "env",
    "ini",
];

/// Where one setting came from, for messages.
enum Origin<'a> {
    File(&'a Path),
    Env(String),
}

impl std::fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Env(name) => write!(f, "${name}"),
        }
    }
}

/// One setting's value and where it came from.
struct Setting<'a> {
    key: &'static str,
    value: Value,
    origin: Origin<'a>,
}

impl Setting<'_> {
    fn invalid(&self, wanted: &str) -> CliError {
        CliError::input(
            format!("conftest setting {} is not {wanted}", self.key),
            self.origin.to_string(),
            "fix the value or pass the flag on the command line",
        )
    }

    /// A list, as viper decodes one: a string is split at commas (empty: no items).
    fn strings(&self) -> Result<Vec<String>, CliError> {
        match &self.value {
            Value::String(s) if s.is_empty() => Ok(Vec::new()),
            Value::String(s) => Ok(s.split(',').map(str::to_owned).collect()),
            Value::Array(items) => items
                .iter()
                .map(|item| scalar_text(item).ok_or_else(|| self.invalid("a list of strings")))
                .collect(),
            other => scalar_text(other)
                .map(|s| vec![s])
                .ok_or_else(|| self.invalid("a list of strings")),
        }
    }

    fn string(&self) -> Result<String, CliError> {
        scalar_text(&self.value).ok_or_else(|| self.invalid("a string"))
    }

    /// A bool, as viper's weak decoding reads one (Go's `strconv.ParseBool` for strings; an
    /// empty string is false; a number is true unless zero).
    fn bool(&self) -> Result<bool, CliError> {
        match &self.value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) => match s.as_str() {
                "" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
                "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
                _ => Err(self.invalid("true or false")),
            },
            Value::Number(n) => Ok(n.as_f64() != Some(0.0)),
            _ => Err(self.invalid("true or false")),
        }
    }
}

/// A scalar as viper's weak decoding turns it into a string (`true` is `1`, as Go's mapstructure).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

/// The configuration file conftest would read in `cwd`: `explicit` (`--conftest-config`, else
/// `$CONFTEST_CONFIG_FILE`), else the first `conftest.*` there.
fn find(explicit: Option<&Path>, env: &Env, cwd: &Path) -> Result<Option<PathBuf>, CliError> {
    let named = env("CONFTEST_CONFIG_FILE").filter(|v| !v.is_empty());
    if let Some(path) = explicit.map(Path::to_path_buf).or(named.map(PathBuf::from)) {
        return Ok(Some(cwd.join(path)));
    }
    for name in FILE_NAMES {
        if cwd.join(name).is_file() {
            return Ok(Some(cwd.join(name)));
        }
    }
    for ext in OTHER_EXTENSIONS {
        let name = format!("conftest.{ext}");
        if cwd.join(&name).is_file() {
            return Err(CliError::input(
                format!("conftest's configuration in {name} is in a format sealgate does not read"),
                name,
                "write it as conftest.toml (or .json, .yaml)",
            ));
        }
    }
    Ok(None)
}

/// The file's settings as one JSON object with lower-case keys (viper's keys are case-insensitive).
fn read(path: &Path) -> Result<serde_json::Map<String, Value>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::read(path.display(), e))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let parser = match ext.as_str() {
        "json" => Parser::Json,
        "yaml" | "yml" => Parser::Yaml,
        "toml" => Parser::Toml,
        _ => {
            return Err(CliError::input(
                "conftest's configuration file must be .toml, .json, .yaml or .yml",
                path.display().to_string(),
                "rename or convert it",
            ));
        }
    };
    let value = parser.parse(&text).map_err(|e| {
        CliError::input(
            format!("invalid conftest configuration: {e:#}"),
            path.display().to_string(),
            "fix the file, or point --conftest-config at another",
        )
    })?;
    match value {
        Value::Object(map) => Ok(map
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect()),
        Value::Null => Ok(serde_json::Map::new()),
        _ => Err(CliError::input(
            "conftest's configuration is not a table of settings",
            path.display().to_string(),
            "write `key = value` lines, e.g. policy = \"policy\"",
        )),
    }
}

/// The environment as a lookup (a test passes its own).
type Env = dyn Fn(&str) -> Option<String>;

/// The settings conftest would see in `cwd` for one command: the file's, the environment's, and
/// which flags the command line set (`given`), which win over both.
struct Settings<'a> {
    file: Option<PathBuf>,
    values: serde_json::Map<String, Value>,
    env: &'a Env,
    given: &'a ArgMatches,
}

impl<'a> Settings<'a> {
    /// The file `explicit` names (`--conftest-config`, else `$CONFTEST_CONFIG_FILE`), else the
    /// first `conftest.*` in `cwd`, read.
    fn load(
        explicit: Option<&Path>,
        given: &'a ArgMatches,
        env: &'a Env,
        cwd: &Path,
    ) -> Result<Settings<'a>, CliError> {
        let file = find(explicit, env, cwd)?;
        let values = match &file {
            Some(path) => read(path)?,
            None => serde_json::Map::new(),
        };
        Ok(Settings {
            file,
            values,
            env,
            given,
        })
    }

    /// Whether the flag with clap id `id` was given on the command line.
    fn on_command_line(&self, id: &str) -> bool {
        self.given.try_get_raw(id).is_ok()
            && self.given.value_source(id) == Some(ValueSource::CommandLine)
    }

    /// conftest's setting `key`: its `CONFTEST_*` variable, else the file's value.
    fn lookup(&self, key: &'static str) -> Option<Setting<'_>> {
        let name = format!("CONFTEST_{}", key.to_ascii_uppercase().replace('-', "_"));
        if let Some(value) = (self.env)(&name) {
            return Some(Setting {
                key,
                value: Value::String(value),
                origin: Origin::Env(name),
            });
        }
        let path = self.file.as_deref()?;
        self.values.get(key).map(|value| Setting {
            key,
            value: value.clone(),
            origin: Origin::File(path),
        })
    }

    /// Setting `key` unless the command line set the flag with clap id `id`.
    fn wanted(&self, key: &'static str, id: &str) -> Option<Setting<'_>> {
        if self.on_command_line(id) {
            None
        } else {
            self.lookup(key)
        }
    }

    /// `rego-version`, `v0` or `v1`.
    fn rego_version(&self, id: &str) -> Result<Option<RegoVersionArg>, CliError> {
        let Some(s) = self.wanted("rego-version", id) else {
            return Ok(None);
        };
        match s.string()?.as_str() {
            "v0" => Ok(Some(RegoVersionArg::V0)),
            "v1" => Ok(Some(RegoVersionArg::V1)),
            _ => Err(s.invalid("v0 or v1")),
        }
    }

    /// `capabilities`: a file, or none when empty.
    fn capabilities(&self, id: &str) -> Result<Option<Option<PathBuf>>, CliError> {
        self.wanted("capabilities", id)
            .map(|s| {
                Ok(Some(s.string()?)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from))
            })
            .transpose()
    }

    /// A list of paths (`data`, `proto-file-dirs`, `policy`).
    fn paths(&self, key: &'static str, id: &str) -> Result<Option<Vec<PathBuf>>, CliError> {
        self.wanted(key, id)
            .map(|s| Ok(s.strings()?.into_iter().map(PathBuf::from).collect()))
            .transpose()
    }

    /// Refuses the settings that would change the verdict or the exit code, which `command`
    /// cannot honour.
    fn refuse_unhonoured(&self, command: &str) -> Result<(), CliError> {
        for (key, hint) in [
            (
                "no-fail",
                "remove it; sealgate exits 1 on failures, as conftest does without it",
            ),
            (
                "strict",
                "remove it; sealgate has no Rego strict mode (--strict is about schemas)",
            ),
            (
                "show-builtin-errors",
                "remove it; builtin errors are undefined, as OPA's default",
            ),
        ] {
            if let Some(s) = self.lookup(key)
                && s.bool()?
            {
                return Err(unsupported(&s, command, hint));
            }
        }
        if let Some(s) = self.lookup("update")
            && !s.strings()?.is_empty()
        {
            return Err(unsupported(
                &s,
                command,
                "download the policies beforehand and pass their folder with --policy",
            ));
        }
        Ok(())
    }
}

fn unsupported(setting: &Setting<'_>, command: &str, hint: &str) -> CliError {
    CliError::input(
        format!(
            "conftest setting {} has no equivalent in sealgate {command}",
            setting.key
        ),
        setting.origin.to_string(),
        hint,
    )
}

/// What the appliers' tests share: a parsed command line, an environment, a folder with a file.
#[cfg(test)]
mod test_support {
    use std::path::{Path, PathBuf};

    use clap::{ArgMatches, CommandFactory, FromArgMatches};

    use super::Env;
    use crate::cli::{Cli, Command};
    use crate::error::CliError;

    /// `sealgate ARGV…` run in `dir` with the environment `env`: the arguments of the subcommand
    /// its first `depth` words name (`["policy", "test", …]`: 2), as `pick` takes them out, after
    /// `apply` gave them conftest's settings; or the error's text.
    pub(super) fn applied<A>(
        dir: &Path,
        argv: &[&str],
        depth: usize,
        env: &[(&str, &str)],
        pick: impl FnOnce(Command) -> A,
        apply: impl FnOnce(&mut A, &ArgMatches, &Env, &Path) -> Result<Option<PathBuf>, CliError>,
    ) -> Result<(A, Option<PathBuf>), String> {
        let matches = Cli::command()
            .try_get_matches_from(std::iter::once(&"sealgate").chain(argv))
            .unwrap();
        let mut args = pick(Cli::from_arg_matches(&matches).unwrap().command);
        let mut given = &matches;
        for name in &argv[..depth] {
            given = given.subcommand_matches(name).unwrap();
        }
        apply(&mut args, given, &env_of(env), dir)
            .map(|file| (args, file))
            .map_err(|e| e.to_string())
    }

    /// An environment holding only `pairs`.
    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let env: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// A new folder holding the file `name` with `text`.
    pub(super) fn folder_with(name: &str, text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(Path::new(dir.path()).join(name), text).unwrap();
        dir
    }
}
