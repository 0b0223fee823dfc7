//! The `sealgate` binary: parse arguments, run one subcommand, map the outcome to an exit code.
#![forbid(unsafe_code)]

mod cert_source;
mod cli;
mod cmd;
mod conftest_config;
mod controller_proxy;
mod error;
mod escape;
mod input;
mod kube_api;
mod kube_overrides;
mod local_pair;
mod output;
mod policy_flags;
mod private_keys;
#[cfg(test)]
mod reference;
mod repo_config;
mod sarif;
mod sealed_file;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use sealgate_core::gate::parsers::jsonnet_child;

use crate::cli::{Cli, Command};
use crate::cmd::{
    cert, docs, drift, keys, policy_test, reencrypt, schemas, seal, set, unseal, validate,
};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `validate` runs each Jsonnet input in a bounded child: this binary with `__jsonnet [DIR]`
    if args.get(1).is_some_and(|a| a == jsonnet_child::ARG) {
        return serve_jsonnet_child(args.get(2).map(std::path::Path::new));
    }
    if let Some((program, rest)) = args.split_first()
        && cmd::kubeseal::invoked_as_kubeseal(program)
    {
        return cmd::kubeseal::main(&program.to_string_lossy(), rest);
    }
    let matches = Cli::command().get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Kubeseal(args) => return cmd::kubeseal::main("sealgate kubeseal", &args.args),
        Command::Seal(args) => seal::run(args),
        Command::Unseal(args) => unseal::run(args),
        Command::Set(args) => set::run(args),
        Command::Reencrypt(args) => reencrypt::run(args),
        Command::Cert(args) => cert::run(args),
        Command::Keys(cli::KeysCommand::Backup(args)) => keys::backup(args),
        Command::Keys(cli::KeysCommand::Restore(args)) => keys::restore(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man => docs::man(),
        Command::Policy(cli::PolicyCommand::Test(args)) => {
            let given = matches
                .subcommand_matches("policy")
                .and_then(|m| m.subcommand_matches("test"));
            policy_test::run(args, given.unwrap_or(&matches))
        }
        Command::Validate(args) => {
            let given = matches.subcommand_matches("validate");
            validate::run(args, given.unwrap_or(&matches))
        }
        Command::Schemas(cli::SchemasCommand::Export(args)) => schemas::export(args),
        Command::Schemas(cli::SchemasCommand::List(args)) => schemas::list(args),
        Command::Drift(args) => drift::run(args),
    };
    error::finish(result)
}

/// The Jsonnet child's side: the program on stdin, the JSON on stdout, a refusal on stderr (exit 2).
fn serve_jsonnet_child(dir: Option<&std::path::Path>) -> ExitCode {
    match jsonnet_child::serve(&mut std::io::stdin().lock(), dir) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            eprintln!("{refusal}");
            ExitCode::from(2)
        }
    }
}
