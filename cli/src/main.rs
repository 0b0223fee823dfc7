//! The `sealgate` binary: parse arguments, run one subcommand, map the outcome to an exit code.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
