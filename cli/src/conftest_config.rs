//! conftest's own settings for `validate`: its configuration file (`conftest.toml` in the current
//! folder, or `--conftest-config FILE`) and its `CONFTEST_*` environment variables, so a
//! repository set up for `conftest test` runs the same under `sealgate validate`.
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

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_json::Value;

use sealgate_core::gate::parsers::Parser;

use crate::cli::{RegoVersionArg, ValidateArgs, ValidateFormat};
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

/// Applies conftest's settings to `args` where the command line did not set the flag; `given` are
/// the matches of `validate`. Returns the configuration file read, if any, for a note.
pub fn apply(args: &mut ValidateArgs, given: &ArgMatches) -> Result<Option<PathBuf>, CliError> {
    apply_in(args, given, &|name| std::env::var(name).ok(), Path::new(""))
}

/// [`apply`] with the environment `env` in the folder `cwd` (`""`: the current one).
fn apply_in(
    args: &mut ValidateArgs,
    given: &ArgMatches,
    env: &Env,
    cwd: &Path,
) -> Result<Option<PathBuf>, CliError> {
    let file = find(args.conftest_config.as_deref(), env, cwd)?;
    let settings = match &file {
        Some(path) => read(path)?,
        None => serde_json::Map::new(),
    };
    let on_command_line = |id: &str| {
        given.try_get_raw(id).is_ok() && given.value_source(id) == Some(ValueSource::CommandLine)
    };
    let lookup = |key: &'static str| -> Option<Setting<'_>> {
        let name = format!("CONFTEST_{}", key.to_ascii_uppercase().replace('-', "_"));
        if let Some(value) = env(&name) {
            return Some(Setting {
                key,
                value: Value::String(value),
                origin: Origin::Env(name),
            });
        }
        let path = file.as_deref()?;
        settings.get(key).map(|value| Setting {
            key,
            value: value.clone(),
            origin: Origin::File(path),
        })
    };
    // each setting: (conftest's key, the flag's id in `validate`'s matches)
    let wanted = |key: &'static str, id: &str| {
        if on_command_line(id) {
            None
        } else {
            lookup(key)
        }
    };
    if let Some(s) = wanted("policy", "policy") {
        args.policy.policy = s.strings()?;
    }
    if let Some(s) = wanted("namespace", "namespace") {
        args.policy.namespace = s.strings()?;
    }
    if let Some(s) = wanted("data", "data") {
        args.policy.rego.data = s.strings()?.into_iter().map(PathBuf::from).collect();
    }
    if let Some(s) = wanted("proto-file-dirs", "proto_file_dirs") {
        args.proto_file_dirs = s.strings()?.into_iter().map(PathBuf::from).collect();
    }
    if let Some(s) = wanted("all-namespaces", "all_namespaces") {
        args.policy.all_namespaces = s.bool()?;
    }
    if let Some(s) = wanted("combine", "combine") {
        args.policy.combine = s.bool()?;
    }
    if let Some(s) = wanted("fail-on-warn", "fail_on_warn") {
        args.fail_on_warn = s.bool()?;
    }
    if let Some(s) = wanted("parser", "parser") {
        let name = s.string()?;
        args.parser = if name.is_empty() {
            None
        } else {
            Some(Parser::from_name(&name).ok_or_else(|| {
                s.invalid(&format!(
                    "a parser sealgate has ({})",
                    sealgate_core::gate::parsers::names()
                ))
            })?)
        };
    }
    if let Some(s) = wanted("ignore", "ignore") {
        let pattern = s.string()?;
        args.ignore = if pattern.is_empty() {
            Vec::new()
        } else {
            vec![pattern]
        };
    }
    if let Some(s) = wanted("stdin-filename", "stdin_filename") {
        args.stdin_filename = Some(s.string()?).filter(|n| !n.is_empty());
    }
    if let Some(s) = wanted("capabilities", "capabilities") {
        args.policy.rego.capabilities = Some(s.string()?)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
    }
    if let Some(s) = wanted("rego-version", "rego_version") {
        args.policy.rego.rego_version = match s.string()?.as_str() {
            "v0" => RegoVersionArg::V0,
            "v1" => RegoVersionArg::V1,
            _ => return Err(s.invalid("v0 or v1")),
        };
    }
    if let Some(s) = wanted("output", "output") {
        args.output = match s.string()?.as_str() {
            "stdout" => ValidateFormat::Text,
            "json" => ValidateFormat::Json,
            "junit" => ValidateFormat::Junit,
            "sarif" => ValidateFormat::Sarif,
            "github" => ValidateFormat::Github,
            "tap" => ValidateFormat::Tap,
            _ => {
                return Err(
                    s.invalid("an output sealgate has (stdout, json, junit, sarif, github, tap)")
                );
            }
        };
    }
    // settings that would change the verdict or the exit code, which sealgate cannot honour
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
        if let Some(s) = lookup(key)
            && s.bool()?
        {
            return Err(unsupported(&s, hint));
        }
    }
    if let Some(s) = lookup("update")
        && !s.strings()?.is_empty()
    {
        return Err(unsupported(
            &s,
            "download the policies beforehand and pass their folder with --policy",
        ));
    }
    // `no-color`, `quiet`, `trace`, `suppress-exceptions`, `junit-hide-message`,
    // `github-hide-passed` and `tls` only change how conftest prints or fetches: ignored.
    Ok(file)
}

fn unsupported(setting: &Setting<'_>, hint: &str) -> CliError {
    CliError::input(
        format!(
            "conftest setting {} has no equivalent in sealgate validate",
            setting.key
        ),
        setting.origin.to_string(),
        hint,
    )
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;
    use crate::cli::{Cli, Command};

    /// `sealgate validate ARGS…` run in `dir` with the environment `env`: the arguments after
    /// conftest's settings are applied, or the error's text.
    fn applied(
        dir: &Path,
        argv: &[&str],
        env: &[(&str, &str)],
    ) -> Result<(ValidateArgs, Option<PathBuf>), String> {
        let matches = Cli::command()
            .try_get_matches_from(["sealgate", "validate"].iter().chain(argv))
            .unwrap();
        let Command::Validate(mut args) = Cli::from_arg_matches(&matches).unwrap().command else {
            unreachable!()
        };
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let given = matches.subcommand_matches("validate").unwrap();
        apply_in(&mut args, given, &lookup, dir)
            .map(|file| (args, file))
            .map_err(|e| e.to_string())
    }

    fn folder_with(name: &str, text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        dir
    }

    #[test]
    fn conftest_toml_fills_in_the_flags_the_command_line_left_out() {
        let dir = folder_with(
            "conftest.toml",
            "Policy = \"test\"\nnamespace = [\"a\", \"b\"]\ncombine = true\nall-namespaces = \"true\"\ndata = \"x,y\"\nno-color = true\nproto-file-dirs = [\"protos\"]\n",
        );
        let (args, file) = applied(dir.path(), &["m.yaml"], &[]).unwrap();
        assert_eq!(file, Some(dir.path().join("conftest.toml")));
        assert_eq!(args.policy.policy, ["test"]);
        assert_eq!(args.policy.namespace, ["a", "b"]);
        assert!(args.policy.combine && args.policy.all_namespaces);
        assert_eq!(
            args.policy.rego.data,
            [PathBuf::from("x"), PathBuf::from("y")]
        );
        // the command line wins, then the environment, then the file
        assert_eq!(args.proto_file_dirs, [PathBuf::from("protos")]);
        let (args, _) = applied(
            dir.path(),
            &["--policy", "p", "m.yaml"],
            &[("CONFTEST_NAMESPACE", "env"), ("CONFTEST_COMBINE", "0")],
        )
        .unwrap();
        assert_eq!(args.policy.policy, ["p"]);
        assert_eq!(args.policy.namespace, ["env"]);
        assert!(!args.policy.combine);
    }

    #[test]
    fn viper_order_and_explicit_files() {
        let dir = folder_with(
            "conftest.yaml",
            "parser: hcl2\noutput: json\nrego-version: v0\n",
        );
        std::fs::write(dir.path().join("conftest.json"), r#"{"parser": "toml"}"#).unwrap();
        let (args, file) = applied(dir.path(), &["m"], &[]).unwrap();
        assert_eq!(file, Some(dir.path().join("conftest.json")));
        assert_eq!(args.parser, Some(Parser::Toml));
        let (args, _) = applied(
            dir.path(),
            &["--conftest-config", "conftest.yaml", "m"],
            &[],
        )
        .unwrap();
        assert_eq!(args.parser, Some(Parser::Hcl2));
        assert_eq!(args.output, ValidateFormat::Json);
        assert!(matches!(args.policy.rego.rego_version, RegoVersionArg::V0));
        let (_, file) = applied(
            dir.path(),
            &["m"],
            &[("CONFTEST_CONFIG_FILE", "conftest.yaml")],
        )
        .unwrap();
        assert_eq!(file, Some(dir.path().join("conftest.yaml")));
        // none at all: nothing changes
        let empty = tempfile::tempdir().unwrap();
        let (args, file) = applied(empty.path(), &["m"], &[]).unwrap();
        assert_eq!((file, args.policy.policy.len()), (None, 0));
    }

    #[test]
    fn settings_sealgate_cannot_honour_are_refused_with_their_place() {
        for (text, says) in [
            (
                "no-fail = true",
                "conftest setting no-fail has no equivalent",
            ),
            ("strict = true", "conftest setting strict has no equivalent"),
            (
                "update = [\"https://example.com/p\"]",
                "download the policies beforehand",
            ),
            (
                "parser = \"cue\"",
                "conftest setting parser is not a parser sealgate has",
            ),
            (
                "output = \"table\"",
                "conftest setting output is not an output sealgate has",
            ),
            (
                "combine = \"maybe\"",
                "conftest setting combine is not true or false",
            ),
            ("policy = [", "invalid conftest configuration: toml: line 1"),
            ("[[x]]\n", ""),
        ] {
            let dir = folder_with("conftest.toml", text);
            let got = applied(dir.path(), &["m"], &[]);
            if says.is_empty() {
                assert!(got.is_ok(), "{text}: {:?}", got.err());
                continue;
            }
            let err = got.err().unwrap_or_else(|| panic!("{text}: accepted"));
            assert!(err.contains(says), "{text}: {err}");
            assert!(err.contains("conftest.toml"), "{text}: {err}");
        }
        // set to their defaults, they are fine
        let dir = folder_with(
            "conftest.toml",
            "no-fail = false\nupdate = []\nquiet = true\n",
        );
        assert!(applied(dir.path(), &["m"], &[]).is_ok());
        let dir = folder_with("conftest.ini", "policy = p\n");
        let err = applied(dir.path(), &["m"], &[]).err().unwrap();
        assert!(err.contains("write it as conftest.toml"), "{err}");
    }
}
