//! Bounded polling: wait for the cluster to reach a state, fail with what was last seen.

use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

/// Default bound for waits on controllers (garbage collector, namespace deletion, our controller).
/// Generous because the control plane shares 2 cores with the test build.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(90);

const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// A state never came within its bound.
#[derive(Debug, thiserror::Error)]
#[error("timed out after {waited:?} waiting for {what}; last observation: {last}")]
pub struct Timeout {
    pub what: String,
    pub waited: Duration,
    pub last: String,
}

/// Calls `probe` every 200 ms until it returns `Ok`, or fails after `bound` with the last `Err`
/// it saw (which says what the state was instead).
pub async fn eventually<T, E, F, Fut>(
    what: &str,
    bound: Duration,
    mut probe: F,
) -> Result<T, Timeout>
where
    E: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let start = Instant::now();
    loop {
        let last = match probe().await {
            Ok(value) => return Ok(value),
            Err(not_yet) => not_yet.to_string(),
        };
        if start.elapsed() >= bound {
            return Err(Timeout {
                what: what.to_owned(),
                waited: start.elapsed(),
                last,
            });
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}
