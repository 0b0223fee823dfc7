//! conftest's `dockerfile` and `ignore` parsers, side by side with the real `conftest parse
//! --parser …` (v0.71.1), on files nobody here wrote: every Dockerfile (by conftest's name rule:
//! `Dockerfile`, `Dockerfile.*`, `*.dockerfile`) and every `.gitignore`/`.dockerignore` in a fixed
//! set of Go modules (buildkit's parser test files, moby, docker/cli, buildx, containerd,
//! Kubernetes, Prometheus, Trivy's fixtures, conftest's examples…), fetched into the module cache
//! with `go mod download`; and the Dockerfiles written inline in buildkit's own Dockerfile tests
//! (raw strings with a `FROM` line in `frontend/dockerfile/**/*_test.go`). sealgate's side is
//! `Parser::parse`. A file agrees when both print the same JSON (numbers compared as numbers) or
//! both refuse it. A second test runs corner cases of both formats through both the same way.
//! Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Verdict, assert_none_differ, conftest_parse, go_present, module_dir, module_files,
    numbers_as_f64, verdict,
};

const TEST: &str = "peer_conftest_dockerfile";

/// Modules whose Dockerfiles and ignore files are read (exact versions: the counts below are
/// theirs).
const MODULES: &[&str] = &[
    "github.com/moby/buildkit@v0.33.1",
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/docker/docker@v28.5.2+incompatible",
    "github.com/docker/cli@v28.5.2+incompatible",
    "github.com/docker/buildx@v0.29.1",
    "github.com/containerd/containerd/v2@v2.2.0",
    "k8s.io/kubernetes@v1.34.2",
    "github.com/prometheus/prometheus@v0.307.3",
    "github.com/aquasecurity/trivy@v0.67.2",
    "github.com/bitnami-labs/sealed-secrets@v0.40.0",
];

/// The module whose Go tests hold Dockerfiles inline, and where.
const EMBEDDED_MODULE: &str = "github.com/moby/buildkit@v0.33.1";
const EMBEDDED_UNDER: &str = "frontend/dockerfile";

/// Files on which sealgate must agree with conftest, at least (the counts of the last run; a
/// regression fails the test, and so does any file that differs).
const DOCKERFILE_FLOOR: usize = 165;
const EMBEDDED_FLOOR: usize = 540;
const IGNORE_FLOOR: usize = 48;

/// Files where sealgate and conftest are known to differ, by path suffix, with why. Empty: none
/// is known.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// Corner cases of buildkit's grammar and of conftest's rendering, judged by conftest like the
/// files above: the expected output is whatever `conftest parse` prints.
pub(crate) const DOCKERFILE_CORNERS: &[&str] = &[
    "FROM a\n",
    "from a as B\nrun x\n",
    "FROM a AS 1x\n",
    "FROM a AS x y\n",
    "FROM a aſ b\n",
    "FROM --platform=linux/amd64 a AS b\nFROM --platform a\n",
    "FROM a\nFROM b\n# c\nFROM c\n",
    "\u{feff}# syntax=x\n# escape=`\n# check=skip=all\nFROM a\nRUN a `\n  b\n",
    "# escape=`\n# escape=`\nFROM a\n",
    "# escape=x\nFROM a\n",
    "#escape = \\ \nFROM a\n",
    "\n# escape=`\nFROM a\nRUN a `\n b\n",
    "# foo\n# escape=`\nFROM a\n",
    "# a\n#\n# b\n\n  # c\nFROM a\n# d\n",
    "FROM a\n# check=skip=all\nRUN x\n",
    "FROM a\n# check=bogus\nRUN x\n",
    "FROM a\n# check=error=maybe\nRUN x\n",
    "FROM a\nRUN a \\\n\n  # x\n  b \\\n  c\n",
    "FROM a\nRUN a \\\\\nRUN b\n",
    "FROM a\nRUN a\\\n",
    "FROM a\n\\\nRUN x\n",
    "FROM a\nRUN \\  \n x\n",
    "FROM a\nRUN x\\\\ \\\n y\n",
    "FROM a\nRUN [\"a\", \"b c\"]\nCMD [ \"x\" ] \nENTRYPOINT []\nSHELL [\"sh\", \"-c\"]\n",
    "FROM a\nCMD [\"a\", 1]\n",
    "FROM a\nCMD [\"a\" \"b\"]\n",
    "FROM a\nCMD [\"a\", 1e999]\n",
    "FROM a\nCMD [\"\\u00e9\\ud800\\ud83d\\ude00\", \"\\/\\t\"]\n",
    "FROM a\nCMD ['a']\n",
    "FROM a\nCMD [\"a\"] x\n",
    "FROM a\nSHELL sh -c\n",
    "FROM a\nSHELL []\n",
    "FROM a\nCOPY [\"a b\", \"c\"]\nADD x y z\nVOLUME [\"/a\", \"/b\"]\nVOLUME /c /d\n",
    "FROM a\nVOLUME [\"\"]\n",
    "FROM a\nCOPY --from=b --chmod=0755 --chown=1:2 --link --exclude=x --exclude=y --parents a b\n",
    "FROM a\nCOPY --from=b --from=c a b\n",
    "FROM a\nCOPY --link=maybe a b\n",
    "FROM a\nCOPY --link= a b\n",
    "FROM a\nCOPY --from a b\n",
    "FROM a\nCOPY --bogus=1 a b\n",
    "FROM a\nCOPY -- --x b\n",
    "FROM a\nCOPY \"--from=x y\" a b\n",
    "FROM a\nCOPY --from=\"x y\" a b\n",
    "FROM a\nADD --checksum=sha256:x --keep-git-dir --unpack=false --exclude=a https://x /y\n",
    "FROM a\nADD a\n",
    "FROM a\nCOPY <<EOF /dest\nhello\nEOF\n",
    "FROM a\nCOPY a <<EOF\nx\nEOF\n",
    "FROM a\nRUN <<EOF bash\nset -e\nEOF\nRUN <<-\"EOT\"\n\techo\n\tEOT\n",
    "FROM a\nRUN cat <<A <<B\na\nA\nb\nB\n",
    "FROM a\nRUN <<EOF\nunterminated\n",
    "FROM a\nRUN echo \"a << b\" && x<<y && $((1<<2))\n",
    "FROM a\nRUN <<'E F'\nx\nE F\n",
    "FROM a\nRUN 3<<EOF cat\nx\nEOF\n",
    "FROM a\nRUN <<${x:-y}\nq\n${x:-y}\n",
    "FROM a\nRUN <<\"EOF\nx\n",
    "FROM a\nRUN [\"a\"] <<EOF\nx\n",
    "FROM a\nONBUILD RUN <<EOF\nx\nEOF\n",
    "FROM a\nONBUILD RUN echo\nONBUILD COPY --from=x a b\nONBUILD foo bar\n",
    "FROM a\nONBUILD\n",
    "FROM a\nONBUILD ONBUILD RUN x\n",
    "FROM a\nONBUILD FROM b\n",
    "FROM a\nONBUILD --x RUN y\n",
    "FROM a\nENV A=1 B=\"2 3\" C=4\\ 5\nENV D 6 7\nENV E\nENV =x\n",
    "FROM a\nENV A=1 B\n",
    "FROM a\nLABEL \"a b\"=c d=\ne=\"\"\n",
    "FROM a\nARG A\nARG B=1 C\nARG --x=y D\nARG =1\n",
    "FROM a\nARG\n",
    "FROM a\nEXPOSE 80 443/tcp\nEXPOSE\n",
    "FROM a\nUSER a b\n",
    "FROM a\nUSER a\nWORKDIR /x y\nSTOPSIGNAL --x SIGTERM\nMAINTAINER me <m@e>\n",
    "FROM a\nWORKDIR\n",
    "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --bogus NONE\nHEALTHCHECK --interval=5s --timeout=1m30s --start-period=0 --retries=3 CMD [\"curl\", \"x\"]\nHEALTHCHECK CMD curl x\n",
    "FROM a\nHEALTHCHECK NONE x\n",
    "FROM a\nHEALTHCHECK CMD\n",
    "FROM a\nHEALTHCHECK --interval=1ns CMD x\n",
    "FROM a\nHEALTHCHECK --interval=5 CMD x\n",
    "FROM a\nHEALTHCHECK --retries=-1 CMD x\n",
    "FROM a\nHEALTHCHECK --retries=99999999999 CMD x\n",
    "FROM a\nHEALTHCHECK --interval=5µs CMD x\n",
    "FROM a\nHEALTHCHECK BOGUS x\n",
    "FROM a\nRUN --mount=type=cache,target=/c,sharing=locked --network=none --security=insecure x\n",
    "FROM a\nRUN --mount=type=bind,from=$X,target=/x y\n",
    "FROM a\nRUN --mount=from=x$ y\n",
    "FROM a\nRUN --mount= y\n",
    "FROM a\nRUN --mount=\"a y\n",
    "FROM a\nRUN --mount=type=bogus y\n",
    "FROM a\nRUN --network=bogus y\n",
    "FROM a\nRUN --security=bogus y\n",
    "FROM a\nRUN --device=a,required y\nRUN --device=name=a,name=b y\n",
    "FROM a\nRUN --device=a,b y\n",
    "FROM a\nRUN --bogus y\n",
    "FROM a\nRUN\nCMD\n",
    "FROM a\nBOGUS x\n",
    "FROM a\nRUN --a=é x\n",
    "FROM a\nARG --a=\u{800} x\n",
    "FROM a\nRUN a\u{a0}b \u{3000}\n",
    "FROM a\nRUN x\r\nRUN y \\\r\n z\r\n",
    "FROM a\nRUN x\ty\u{b}z\n",
    "FROM a\nWOR\u{212a}DIR /x\n",
    "",
    "\n\n",
    "# only comments\n",
    "RUN x\n",
];

pub(crate) const IGNORE_CORNERS: &[&str] = &[
    "",
    "\n",
    "a\nb",
    "# comment \n#\n  # not a comment\n",
    "!neg\n!\n!!x\n",
    "trailing   \nescaped\\ \nescaped2\\   \n",
    "a\\b\\\\c\\",
    "a\\\n",
    "\\#x\n\\!y\n",
    "crlf\r\nline\r\n",
    "é/ü\n!ñ\n# ümlaut\n",
    "  \n\t\n \t \n",
];

/// Corner cases too big to write out: buildkit's 64 KiB line limit at its edge, JSON nesting at
/// Go's depth limit, deep `${…}` nesting in a heredoc line, long `ONBUILD` chains.
fn generated_dockerfile_corners() -> Vec<String> {
    let line = |n: usize| format!("FROM a\nRUN {}\n", "x".repeat(n - 4));
    let json = |n: usize| format!("FROM a\nCMD {}{}\n", "[".repeat(n), "]".repeat(n));
    vec![
        line(65_535),
        line(65_536),
        format!("FROM a\nRUN {}", "x".repeat(65_531)),
        format!("FROM a\nRUN {}", "x".repeat(65_532)),
        json(10_000),
        json(10_001),
        format!(
            "FROM a\nRUN <<EOF {}{}\nEOF\n",
            "${a-".repeat(5_000),
            "}".repeat(5_000)
        ),
        format!(
            "FROM a\nRUN \"{}\" <<EOF\nx\nEOF\n",
            "${a:-\"".repeat(3_000)
        ),
        format!("FROM a\nONBUILD {}RUN x\n", "ONBU\u{130}LD ".repeat(2_000)),
        format!("FROM a\nONBUILD {}RUN x\n", "ONBUILD ".repeat(2_000)),
        format!(
            "FROM a\nRUN {}\n{}",
            "<<A ".repeat(1_000),
            "A\n".repeat(1_000)
        ),
        format!("FROM a\nCOPY {}a b\n", "--exclude=x ".repeat(5_000)),
    ]
}

/// conftest's Dockerfile name rule.
fn is_dockerfile(path: &Path) -> bool {
    Parser::for_path(path) == Some(Parser::Dockerfile)
}

fn is_ignore_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    name.ends_with(".gitignore") || name.ends_with(".dockerignore")
}

/// (agreeing files, of which both refuse, differences) for `parser` on `files` with `texts`.
fn compare(
    conftest: &Path,
    parser: Parser,
    files: &[PathBuf],
    texts: &[String],
) -> (usize, usize, Vec<String>) {
    let theirs = conftest_parse(conftest, parser.name(), files, numbers_as_f64);
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for ((f, text), t) in files.iter().zip(texts).zip(&theirs) {
        let o = parser
            .parse(text)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        match verdict(t, &o) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(_)
                if KNOWN_DIFFERENCES
                    .iter()
                    .any(|(suffix, _)| f.to_string_lossy().ends_with(suffix)) => {}
            Verdict::Differ(why) => differ.push(format!("{}: {why}", f.display())),
        }
    }
    (agree, refused, differ)
}

/// The files (readable as UTF-8) and their texts.
fn read_all(files: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<String>) {
    files
        .into_iter()
        .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t)))
        .unzip()
}

/// The Dockerfiles written inline in buildkit's Go tests (raw strings with a `FROM` line),
/// each saved to a file of its own in `dir` for conftest.
fn embedded_dockerfiles(dir: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let root = module_dir(EMBEDDED_MODULE).join(EMBEDDED_UNDER);
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !name.ends_with("_test.go") {
            continue;
        }
        let Ok(source) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        texts.extend(
            source
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|raw| {
                    raw.lines()
                        .any(|l| l.trim_start().to_ascii_uppercase().starts_with("FROM "))
                })
                .map(str::to_string),
        );
    }
    let files = (0..texts.len())
        .map(|i| {
            let f = dir.join(format!("embedded-{i}.Dockerfile"));
            std::fs::write(&f, &texts[i]).unwrap();
            f
        })
        .collect();
    (files, texts)
}

#[test]
fn peer_conftest_dockerfile_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut totals = [(Parser::Dockerfile, 0usize, 0usize), (Parser::Ignore, 0, 0)];
    let mut differ = Vec::new();
    for module in MODULES {
        for (parser, agreed, seen) in &mut totals {
            let wanted: fn(&Path) -> bool = match parser {
                Parser::Dockerfile => is_dockerfile,
                _ => is_ignore_file,
            };
            let (files, texts) = read_all(module_files(module, wanted));
            let (agree, refused, d) = compare(&conftest, *parser, &files, &texts);
            eprintln!(
                "{TEST}: {}: {module}: {agree} of {} files agree with conftest ({refused} refused by both), {} differ",
                parser.name(),
                files.len(),
                d.len()
            );
            *agreed += agree;
            *seen += files.len();
            differ.extend(d);
        }
    }
    let (files, texts) = embedded_dockerfiles(dir.path());
    let (embedded, refused, d) = compare(&conftest, Parser::Dockerfile, &files, &texts);
    eprintln!(
        "{TEST}: dockerfile: inline in {EMBEDDED_MODULE}'s tests: {embedded} of {} agree with conftest ({refused} refused by both), {} differ",
        files.len(),
        d.len()
    );
    differ.extend(d);
    let [(_, dockerfiles, seen_docker), (_, ignores, seen_ignore)] = totals;
    eprintln!(
        "{TEST}: in all: dockerfile {dockerfiles} of {seen_docker} files and {embedded} of {} inline; ignore {ignores} of {seen_ignore}",
        files.len()
    );
    for (what, agree, floor) in [
        ("dockerfile files", dockerfiles, DOCKERFILE_FLOOR),
        ("inline Dockerfiles", embedded, EMBEDDED_FLOOR),
        ("ignore files", ignores, IGNORE_FLOOR),
    ] {
        assert!(
            agree >= floor,
            "{what}: {agree} agree, fewer than the {floor} of the last run"
        );
    }
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_dockerfile_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut differ = Vec::new();
    let dockerfiles: Vec<String> = DOCKERFILE_CORNERS
        .iter()
        .map(|c| (*c).to_string())
        .chain(generated_dockerfile_corners())
        .collect();
    let ignores: Vec<String> = IGNORE_CORNERS.iter().map(|c| (*c).to_string()).collect();
    for (parser, texts) in [(Parser::Dockerfile, dockerfiles), (Parser::Ignore, ignores)] {
        let files: Vec<PathBuf> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let f = dir.path().join(format!("{}-{i}", parser.name()));
                std::fs::write(&f, t).unwrap();
                f
            })
            .collect();
        let (agree, refused, d) = compare(&conftest, parser, &files, &texts);
        eprintln!(
            "{TEST}: {} corner cases: {agree} of {} agree ({refused} refused by both)",
            parser.name(),
            files.len()
        );
        // Both sides refusing every case would prove nothing: a third must parse at least (many
        // Dockerfile cases are refusals on purpose: buildkit's checks are half its rules).
        assert!(
            refused * 3 < files.len() * 2,
            "{}: {refused} refused",
            parser.name()
        );
        differ.extend(d.into_iter().map(|d| {
            let input: String = format!("{:?}", texts[file_index(&d)])
                .chars()
                .take(300)
                .collect();
            format!("{d}\n  input: {input}")
        }));
    }
    assert_none_differ("corner cases", &differ);
}

/// The case number in a difference's file name (`…/PARSER-N: …`).
fn file_index(difference: &str) -> usize {
    let name = difference.split(':').next().unwrap_or_default();
    name.rsplit('-').next().unwrap().parse().unwrap()
}
