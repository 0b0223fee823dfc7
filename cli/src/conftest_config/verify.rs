//! conftest's settings for `sealgate policy test`, as `conftest verify` reads them: its policy
//! folders (the test paths when the command line names none), namespaces, data, capabilities, Rego
//! version and proto folders.

use std::path::{Path, PathBuf};

use clap::ArgMatches;

use super::{Env, Settings, unsupported};
use crate::cli::{PolicyTestArgs, TestFormat};
use crate::error::CliError;

/// The folder `conftest verify` tests when neither its flag nor its settings name one.
const DEFAULT_POLICY: &str = "policy";

/// Applies conftest's settings to `args` where the command line did not set the flag; `given` are
/// the matches of `policy test`. Without paths on the command line, the tests are those of
/// conftest's `policy` setting, else of `policy/`, as `conftest verify` runs them. Returns the
/// configuration file read, if any, for a note.
pub fn apply(args: &mut PolicyTestArgs, given: &ArgMatches) -> Result<Option<PathBuf>, CliError> {
    apply_in(args, given, &|name| std::env::var(name).ok(), Path::new(""))
}

/// [`apply`] with the environment `env` in the folder `cwd` (`""`: the current one).
fn apply_in(
    args: &mut PolicyTestArgs,
    given: &ArgMatches,
    env: &Env,
    cwd: &Path,
) -> Result<Option<PathBuf>, CliError> {
    let settings = Settings::load(args.conftest_config.as_deref(), given, env, cwd)?;
    // each setting: (conftest's key, the flag's id in `policy test`'s matches)
    if let Some(paths) = settings.paths("policy", "paths")? {
        args.paths = paths;
    }
    if let Some(data) = settings.paths("data", "data")? {
        args.rego.data = data;
    }
    if let Some(dirs) = settings.paths("proto-file-dirs", "proto_file_dirs")? {
        args.proto_file_dirs = dirs;
    }
    if let Some(capabilities) = settings.capabilities("capabilities")? {
        args.rego.capabilities = capabilities;
    }
    if let Some(version) = settings.rego_version("rego_version")? {
        args.rego.rego_version = version;
    }
    if let Some(s) = settings.wanted("output", "output") {
        match s.string()?.as_str() {
            "" | "stdout" => args.output = TestFormat::Text,
            _ => {
                return Err(unsupported(
                    &s,
                    "policy test",
                    "its reports are text or its own JSON: pass -o text or -o json on the command line",
                ));
            }
        }
    }
    if let Some(s) = settings.wanted("namespace", "namespace") {
        args.namespace = s.strings()?;
    }
    settings.refuse_unhonoured("policy test")?;
    if args.paths.is_empty() {
        if !cwd.join(DEFAULT_POLICY).exists() {
            return Err(CliError::usage(
                "no PATH given, and no policy/ folder here (conftest verify's default)",
                "name the folders holding the policies and their tests: sealgate policy test DIR…",
            ));
        }
        args.paths = vec![PathBuf::from(DEFAULT_POLICY)];
    }
    // `no-color`, `quiet`, `trace`, `report`, `var-values`, `junit-hide-message` and
    // `github-hide-passed` only change how conftest prints: ignored.
    Ok(settings.file)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{self, folder_with};
    use super::*;
    use crate::cli::{Command, PolicyCommand, RegoVersionArg};

    /// `sealgate policy test ARGS…` run in `dir` with the environment `env`: the arguments after
    /// conftest's settings are applied, or the error's text.
    fn applied(
        dir: &Path,
        argv: &[&str],
        env: &[(&str, &str)],
    ) -> Result<(PolicyTestArgs, Option<PathBuf>), String> {
        let argv: Vec<&str> = ["policy", "test"]
            .into_iter()
            .chain(argv.iter().copied())
            .collect();
        let pick = |command| match command {
            Command::Policy(PolicyCommand::Test(args)) => args,
            _ => unreachable!(),
        };
        test_support::applied(dir, &argv, 2, env, pick, apply_in)
    }

    #[test]
    fn conftest_verify_settings_name_the_tests_when_the_command_line_does_not() {
        let dir = folder_with(
            "conftest.toml",
            "policy = [\"rules\", \"lib\"]\ndata = \"d\"\nrego-version = \"v0\"\ncapabilities = \"caps.json\"\nproto-file-dirs = \"protos\"\nquiet = true\nparser = \"groovy\"\nnamespace = \"main,lib.*\"\n",
        );
        let (args, file) = applied(dir.path(), &[], &[]).unwrap();
        assert_eq!(file, Some(dir.path().join("conftest.toml")));
        assert_eq!(args.paths, [PathBuf::from("rules"), PathBuf::from("lib")]);
        assert_eq!(args.rego.data, [PathBuf::from("d")]);
        assert!(matches!(args.rego.rego_version, RegoVersionArg::V0));
        assert_eq!(args.rego.capabilities, Some(PathBuf::from("caps.json")));
        assert_eq!(args.proto_file_dirs, [PathBuf::from("protos")]);
        assert_eq!(args.namespace, ["main", "lib.*"]);
        // paths and flags on the command line win; the environment wins over the file
        let (args, _) = applied(
            dir.path(),
            &["mine", "--rego-version", "v1"],
            &[("CONFTEST_DATA", "e1,e2")],
        )
        .unwrap();
        assert_eq!(args.paths, [PathBuf::from("mine")]);
        assert!(matches!(args.rego.rego_version, RegoVersionArg::V1));
        assert_eq!(args.rego.data, [PathBuf::from("e1"), PathBuf::from("e2")]);
        // no settings, no paths: conftest's default folder, if there is one
        let empty = tempfile::tempdir().unwrap();
        let err = applied(empty.path(), &[], &[]).unwrap_err();
        assert!(
            err.contains("no PATH given, and no policy/ folder"),
            "{err}"
        );
        std::fs::create_dir(empty.path().join("policy")).unwrap();
        let (args, file) = applied(empty.path(), &[], &[]).unwrap();
        assert_eq!((file, args.paths), (None, vec![PathBuf::from("policy")]));
    }

    #[test]
    fn verify_settings_sealgate_cannot_honour_are_refused_with_their_place() {
        for (text, says) in [
            ("output = \"json\"", "pass -o text or -o json"),
            ("strict = true", "has no equivalent in sealgate policy test"),
            (
                "show-builtin-errors = \"true\"",
                "builtin errors are undefined",
            ),
            ("rego-version = \"v2\"", "rego-version is not v0 or v1"),
        ] {
            let dir = folder_with("conftest.toml", text);
            let err = applied(dir.path(), &[], &[])
                .err()
                .unwrap_or_else(|| panic!("{text}: accepted"));
            assert!(err.contains(says), "{text}: {err}");
            assert!(err.contains("conftest.toml"), "{text}: {err}");
        }
        // -o on the command line wins over the setting
        let dir = folder_with("conftest.toml", "output = \"json\"");
        assert!(applied(dir.path(), &["-o", "json", "p"], &[]).is_ok());
    }
}
