//! Man page and shell completions, generated from the same clap definitions as the parser.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{CliError, Outcome};

pub fn completions(args: CompletionsArgs) -> Result<Outcome, CliError> {
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "sealgate", &mut buffer);
    write_stdout(&buffer)
}

pub fn man() -> Result<Outcome, CliError> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buffer)
        .map_err(CliError::Stdout)?;
    write_stdout(&buffer)
}

fn write_stdout(bytes: &[u8]) -> Result<Outcome, CliError> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)?;
    Ok(Outcome::Clean)
}
