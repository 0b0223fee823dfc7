//! conftest's settings for `sealgate validate`, as `conftest test` reads them.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use sealgate_core::gate::parsers::Parser;

use super::{Env, Settings};
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::error::CliError;

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
    let settings = Settings::load(args.conftest_config.as_deref(), given, env, cwd)?;
    // each setting: (conftest's key, the flag's id in `validate`'s matches)
    if let Some(s) = settings.wanted("policy", "policy") {
        args.policy.policy = s.strings()?;
    }
    if let Some(s) = settings.wanted("namespace", "namespace") {
        args.policy.namespace = s.strings()?;
    }
    if let Some(data) = settings.paths("data", "data")? {
        args.policy.rego.data = data;
    }
    if let Some(dirs) = settings.paths("proto-file-dirs", "proto_file_dirs")? {
        args.proto_file_dirs = dirs;
    }
    if let Some(s) = settings.wanted("all-namespaces", "all_namespaces") {
        args.policy.all_namespaces = s.bool()?;
    }
    if let Some(s) = settings.wanted("combine", "combine") {
        args.policy.combine = s.bool()?;
    }
    if let Some(s) = settings.wanted("fail-on-warn", "fail_on_warn") {
        args.fail_on_warn = s.bool()?;
    }
    if let Some(s) = settings.wanted("parser", "parser") {
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
    if let Some(s) = settings.wanted("ignore", "ignore") {
        let pattern = s.string()?;
        args.ignore = if pattern.is_empty() {
            Vec::new()
        } else {
            vec![pattern]
        };
    }
    if let Some(s) = settings.wanted("stdin-filename", "stdin_filename") {
        args.stdin_filename = Some(s.string()?).filter(|n| !n.is_empty());
    }
    if let Some(capabilities) = settings.capabilities("capabilities")? {
        args.policy.rego.capabilities = capabilities;
    }
    if let Some(version) = settings.rego_version("rego_version")? {
        args.policy.rego.rego_version = version;
    }
    if let Some(s) = settings.wanted("output", "output") {
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
    settings.refuse_unhonoured("validate")?;
    // `no-color`, `quiet`, `trace`, `suppress-exceptions`, `junit-hide-message`,
    // `github-hide-passed` and `tls` only change how conftest prints or fetches: ignored.
    Ok(settings.file)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{self, folder_with};
    use super::*;
    use crate::cli::{Command, RegoVersionArg};

    /// `sealgate validate ARGS…` run in `dir` with the environment `env`: the arguments after
    /// conftest's settings are applied, or the error's text.
    fn applied(
        dir: &Path,
        argv: &[&str],
        env: &[(&str, &str)],
    ) -> Result<(ValidateArgs, Option<PathBuf>), String> {
        let argv: Vec<&str> = ["validate"]
            .into_iter()
            .chain(argv.iter().copied())
            .collect();
        let pick = |command| match command {
            Command::Validate(args) => args,
            _ => unreachable!(),
        };
        test_support::applied(dir, &argv, 1, env, pick, apply_in)
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
                "parser = \"nosuch\"",
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
