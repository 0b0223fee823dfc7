//! What a test does when something it needs is absent: fail in CI, skip loudly elsewhere.
//!
//! This is the workspace's only such rule; every crate's tests call it (through [`require`],
//! [`crate::peer_tool`], [`crate::corpus`], [`crate::cluster`], [`crate::workspace_binary`]).

use std::fmt;

/// An environment piece a test needs is absent while `CI` is set.
#[derive(thiserror::Error)]
#[error("{test}: {what} is missing ({how}); CI must provide it, so this is a failure")]
pub struct Missing {
    pub test: String,
    pub what: String,
    pub how: String,
}

/// The message itself, so `unwrap()` and a test returning `Err` both print the reason.
impl fmt::Debug for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The one meaning of `CI` in this workspace's tests: set to anything but empty, `0` or `false`
/// (any case). `tests/run` sets `CI=true` unless it is already set.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Reports an absent requirement: an error in CI, a loud `SKIPPED` line (and `Ok`) elsewhere.
/// The caller returns early from the test on `Ok`.
pub fn require(test: &str, what: &str, how: &str) -> Result<(), Missing> {
    if in_ci() {
        return Err(Missing {
            test: test.to_owned(),
            what: what.to_owned(),
            how: how.to_owned(),
        });
    }
    eprintln!("SKIPPED: {test}: {what} is missing ({how})");
    Ok(())
}
