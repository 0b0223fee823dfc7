//! The seeded mutation fuzzer behind every crate's `fuzz_` tests: inputs made by mutating the
//! tests' own inputs, run for a time budget, a panic reported with the input that caused it.
//!
//! Stable Rust, no instrumentation, no extra toolchain (see docs/robustness.md "Fuzzing" for why
//! not cargo-fuzz): the seeds carry the structure (YAML, PEM, base64 blobs, Rego, templates) and
//! the mutations break it the ways that found real bugs here: deep nesting, repetition, splices
//! between seeds, truncation, and tokens of each format from a dictionary.
//!
//! `SEALGATE_FUZZ_SECS` sets the time per target (default 2 s, so `cargo test` stays quick; CI
//! and the longer documented run raise it), `SEALGATE_FUZZ_SEED` the random seed (default
//! [`DEFAULT_SEED`], so a commit's verdict does not depend on the run: the clock seed that was
//! the default once failed CI's plain `cargo test` on an input no change had touched; `clock`
//! explores, printed first so a run that aborts can be replayed exactly), and
//! `SEALGATE_FUZZ_LAST=FILE` writes each input to FILE before running it: replaying an aborted
//! run's seed with it leaves the input that aborted in FILE (a stack overflow or an allocation
//! failure cannot be caught).

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Largest input a mutation may produce: bigger inputs only test the size caps, which the
/// hostile-input tests already do, and would slow every execution.
const MAX_INPUT: usize = 64 * 1024;

/// The seed when `SEALGATE_FUZZ_SEED` is not set (the same as `tests/run`'s fuzz phase).
pub const DEFAULT_SEED: u64 = 20261206;

/// What one fuzz run did.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub execs: u64,
    pub elapsed: Duration,
    pub seed: u64,
    /// The longest single execution: a slow input is a denial of service waiting to happen.
    pub slowest: Duration,
}

/// A fuzz target: its name, the inputs it starts from and tokens of its format.
#[derive(Debug)]
pub struct Campaign {
    name: String,
    seeds: Vec<Vec<u8>>,
    dictionary: Vec<Vec<u8>>,
}

impl Campaign {
    pub fn new(name: &str) -> Self {
        Campaign {
            name: name.to_string(),
            seeds: Vec::new(),
            dictionary: Vec::new(),
        }
    }

    /// Adds one seed input.
    pub fn seed(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.seeds.push(bytes.into());
        self
    }

    /// Adds every file under `dir` (recursively) whose name ends with one of `suffixes`.
    pub fn seed_files(mut self, dir: &Path, suffixes: &[&str]) -> Self {
        let mut files = Vec::new();
        collect_files(dir, &mut files);
        files.sort();
        for file in files {
            let name = file.to_string_lossy();
            if suffixes.iter().any(|s| name.ends_with(s))
                && let Ok(bytes) = std::fs::read(&file)
                && bytes.len() <= MAX_INPUT
            {
                self.seeds.push(bytes);
            }
        }
        self
    }

    /// Tokens of the input's format that mutations insert.
    pub fn tokens(mut self, tokens: &[&str]) -> Self {
        self.dictionary
            .extend(tokens.iter().map(|t| t.as_bytes().to_vec()));
        self
    }

    /// A token that is not text (DER headers, say).
    pub fn token_bytes(mut self, token: &[u8]) -> Self {
        self.dictionary.push(token.to_vec());
        self
    }

    pub fn seed_count(&self) -> usize {
        self.seeds.len()
    }

    /// Runs `target` on every seed, then on mutated seeds until the time budget is spent. A panic
    /// is re-raised after the input was written to `$TMPDIR/sealgate-fuzz/` and
    /// printed (escaped), so the failing test names it. The slowest input is saved the same way.
    pub fn run(&self, mut target: impl FnMut(&[u8])) -> Report {
        let seed = match std::env::var("SEALGATE_FUZZ_SEED").ok().as_deref() {
            None | Some("") => DEFAULT_SEED,
            Some("clock") => clock_seed(),
            Some(text) => {
                let seed = text.parse::<u64>();
                assert!(
                    seed.is_ok(),
                    "SEALGATE_FUZZ_SEED={text:?}: give a number, or `clock` to explore"
                );
                seed.unwrap_or_default()
            }
        };
        let budget = Duration::from_secs_f64(
            std::env::var("SEALGATE_FUZZ_SECS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(2.0),
        );
        // straight to stderr, not through the test harness's capture: if the process aborts
        // (stack overflow, allocation failure), this line is what replays it
        let _ = writeln!(
            std::io::stderr(),
            "fuzz {}: {} seeds, SEALGATE_FUZZ_SEED={seed}, {budget:?}",
            self.name,
            self.seeds.len()
        );
        let mut rng = fastrand::Rng::with_seed(seed);
        let start = Instant::now();
        let mut execs = 0u64;
        let mut input = Vec::new();
        let last = std::env::var_os("SEALGATE_FUZZ_LAST").map(PathBuf::from);
        let mut slowest = Duration::ZERO;
        let mut slowest_input = Vec::new();
        loop {
            if (execs as usize) < self.seeds.len() {
                input.clone_from(&self.seeds[execs as usize]);
            } else {
                if start.elapsed() >= budget {
                    break;
                }
                self.mutant(&mut rng, &mut input);
            }
            execs += 1;
            if let Some(last) = &last {
                let _ = std::fs::write(last, &input);
            }
            let began = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| target(&input)));
            let took = began.elapsed();
            if took > slowest {
                slowest = took;
                slowest_input.clone_from(&input);
            }
            if let Err(payload) = outcome {
                let saved = self.save("crash", &input);
                let _ = writeln!(
                    std::io::stderr(),
                    "fuzz {}: crash on exec {execs} (SEALGATE_FUZZ_SEED={seed}), input saved to {}: {}",
                    self.name,
                    saved.display(),
                    String::from_utf8_lossy(&input).escape_debug()
                );
                std::panic::resume_unwind(payload);
            }
        }
        let report = Report {
            execs,
            elapsed: start.elapsed(),
            seed,
            slowest,
        };
        let _ = writeln!(
            std::io::stderr(),
            "fuzz {}: {execs} execs in {:.1?} ({:.0}/s), no crash; slowest {slowest:.1?} (input saved to {})",
            self.name,
            report.elapsed,
            execs as f64 / report.elapsed.as_secs_f64().max(1e-9),
            self.save("slowest", &slowest_input).display()
        );
        report
    }

    /// One mutant: a seed with 1–8 stacked mutations.
    fn mutant(&self, rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
        out.clear();
        if let Some(seed) = pick(rng, &self.seeds) {
            out.extend_from_slice(seed);
        }
        for _ in 0..rng.usize(1..=8) {
            self.mutate(rng, out);
        }
        out.truncate(MAX_INPUT);
    }

    fn mutate(&self, rng: &mut fastrand::Rng, data: &mut Vec<u8>) {
        let len = data.len();
        let at = rng.usize(0..=len);
        match rng.u8(0..10) {
            // flip one bit
            0 if len > 0 => {
                let i = rng.usize(0..len);
                data[i] ^= 1 << rng.u8(0..8);
            }
            // an interesting byte
            1 if len > 0 => {
                const BYTES: &[u8] = b"\0\x01\x7f\x80\xff\n\r\t \"'\\{}[]:-&*!|>%#,=$.";
                let i = rng.usize(0..len);
                data[i] = BYTES[rng.usize(0..BYTES.len())];
            }
            // delete a range
            2 if len > 0 => {
                let end = (at + rng.usize(1..=16.min(len))).min(len);
                data.drain(at.min(end)..end);
            }
            // truncate
            3 => data.truncate(at),
            // duplicate a chunk in place, many times: nesting and repetition
            4 if len > 0 => {
                let start = rng.usize(0..len);
                let end = (start + rng.usize(1..=32)).min(len);
                let chunk = data[start..end].to_vec();
                let times = if rng.bool() {
                    rng.usize(1..4)
                } else {
                    rng.usize(4..2000)
                };
                let insert: Vec<u8> = chunk
                    .iter()
                    .copied()
                    .cycle()
                    .take(chunk.len() * times)
                    .collect();
                data.splice(end..end, insert);
            }
            // splice: this input up to a point, another seed from a point
            5 => {
                if let Some(other) = pick(rng, &self.seeds) {
                    let from = rng.usize(0..=other.len());
                    data.truncate(at);
                    data.extend_from_slice(&other[from..]);
                }
            }
            // a numeric text: boundaries of integer types and huge sizes
            6 => {
                const NUMBERS: &[&str] = &[
                    "0",
                    "-1",
                    "255",
                    "65536",
                    "2147483647",
                    "-2147483648",
                    "4294967296",
                    "9223372036854775807",
                    "18446744073709551616",
                    "1e308",
                    "1e999",
                    "NaN",
                    "0.0000001",
                    "999999999999",
                ];
                let n = NUMBERS[rng.usize(0..NUMBERS.len())];
                data.splice(at..at, n.bytes());
            }
            // a token of the format
            _ => {
                if let Some(token) = pick(rng, &self.dictionary) {
                    data.splice(at..at, token.iter().copied());
                } else if len > 0 {
                    let i = rng.usize(0..len);
                    data[i] = rng.u8(..);
                }
            }
        }
    }

    /// Writes an input worth a look to `$TMPDIR/sealgate-fuzz/WHAT-TARGET-HASH`.
    fn save(&self, what: &str, input: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join("sealgate-fuzz");
        let path = dir.join(format!("{what}-{}-{:016x}", self.name, fnv(input)));
        let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
        path
    }
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &'a [Vec<u8>]) -> Option<&'a [u8]> {
    if items.is_empty() {
        None
    } else {
        Some(&items[rng.usize(0..items.len())])
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_files(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

/// A stable name for a saved input (FNV-1a).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
