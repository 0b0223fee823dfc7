//! Every CLI message and exit code, pinned by trycmd snapshots (`tests/cmd/*.trycmd`, run with
//! `tests/fixtures` as working directory and its throwaway key pair as the `--local` pair).
//! Refresh after an intended change with `TRYCMD=overwrite cargo test -p sealgate --test integration snapshots`.

#[test]
fn cli_snapshots() {
    trycmd::TestCases::new()
        .env("SEALGATE_HOME", "local")
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.trycmd");
}
