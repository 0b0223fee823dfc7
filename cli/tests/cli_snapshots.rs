//! Every CLI message and exit code, pinned by trycmd snapshots (`tests/cmd/*.trycmd`, run with
//! `tests/fixtures` as working directory and its throwaway key pair as the `--local` pair).
//! Refresh after an intended change with `TRYCMD=overwrite cargo test -p sealgate --test cli_snapshots`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step is a failed test"
)]

#[test]
fn cli_snapshots() {
    trycmd::TestCases::new()
        .env("SEALGATE_HOME", "local")
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.trycmd");
}
