//! Entry point of `sealgate-controller`: parse flags, start logging, run until a shutdown signal.

use std::process::ExitCode;

use sealgate_controller::config::Config;
use sealgate_controller::{run, telemetry};

fn main() -> ExitCode {
    let config = match Config::parse_from_env_and_args() {
        Ok(config) => config,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    if let Err(e) = telemetry::init(config.log.log_format, &config.log.log_level) {
        eprintln!("sealgate-controller: {e}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("sealgate-controller: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "sealgate-controller stopped");
            eprintln!("sealgate-controller: {e}");
            ExitCode::FAILURE
        }
    }
}
