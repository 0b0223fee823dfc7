//! Logging: a `tracing` subscriber writing text or JSON lines to stderr. Secret values are never
//! logged: only names, fingerprints and error kinds reach a log call.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error(
        "--log-level {level:?} is not a level (error, warn, info, debug, trace) nor a filter directive: {reason}"
    )]
    Level { level: String, reason: String },
    #[error("a logger is already installed")]
    AlreadySet,
}

/// Installs the process-wide subscriber. `level` is a level name (upstream's `INFO` works too) or
/// an `EnvFilter` directive such as `info,kube=warn`.
pub fn init(format: LogFormat, level: &str) -> Result<(), TelemetryError> {
    let filter = EnvFilter::try_new(level.to_lowercase()).map_err(|e| TelemetryError::Level {
        level: level.to_owned(),
        reason: e.to_string(),
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|_| TelemetryError::AlreadySet)
}
