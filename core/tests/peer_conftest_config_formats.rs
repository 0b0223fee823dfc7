//! conftest's `toml`, `ini`, `properties` and `dotenv` parsers, side by side with the real
//! `conftest parse --parser …` (v0.71.1), on files nobody here wrote: the toml-test suite that
//! BurntSushi/toml carries (valid and invalid cases), go-ini's, gotenv's and godotenv's test
//! files, conftest's examples, and the configuration files of a fixed set of other Go modules
//! (gitea's INI, the AWS SDK's INI test profiles, camel-k's, trino's, jfrog's and syft's
//! properties, compose's and docker's `.env` files, buildpacks' and hugo's TOML…), fetched into
//! the module cache with `go mod download`. sealgate's side is `Parser::parse`. A file agrees when
//! both give the same JSON (numbers compared as numbers, integers exactly) or both refuse it. A second test runs corner cases of the four
//! formats through both the same way. Without `conftest` or `go` the tests fail in CI and are
//! skipped loudly elsewhere.
//!
//! conftest runs with an empty environment (its XDG folders in a temporary one, `TZ=UTC`): gotenv
//! and magiconair expand names the file lacks from the process environment, and BurntSushi gives
//! local date-times the machine's offset, where sealgate uses neither (see the parsers' docs).

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Outcome, Verdict, assert_none_differ, conftest_parse, exact_numbers, go_present, module_dir,
    verdict,
};

const TEST: &str = "peer_conftest_config_formats";

/// A format's corpus: the modules read, and which of their files are of the format.
struct Corpus {
    parser: Parser,
    modules: &'static [&'static str],
    wanted: fn(&Path) -> bool,
    /// Files on which sealgate must agree with conftest, at least (the count of the last run; a
    /// regression fails the test, and so does any file that differs).
    floor: usize,
}

fn ext_is(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.contains(&e))
}

fn name_of(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

const CORPORA: &[Corpus] = &[
    Corpus {
        parser: Parser::Toml,
        modules: &[
            "github.com/BurntSushi/toml@v1.6.0",
            "github.com/open-policy-agent/conftest@v0.71.1",
            "github.com/naoina/toml@v0.1.1",
            "github.com/pelletier/go-toml/v2@v2.2.4",
            "code.gitea.io/gitea@v1.22.6",
            "github.com/jfrog/jfrog-cli-core/v2@v2.56.0",
            "github.com/apache/pulsar-client-go@v0.14.0",
            "github.com/anchore/syft@v1.18.1",
            "github.com/paketo-buildpacks/libjvm@v1.46.0",
            "github.com/gohugoio/hugo@v0.139.0",
        ],
        wanted: |p| ext_is(p, &["toml"]),
        floor: 780,
    },
    Corpus {
        parser: Parser::Ini,
        modules: &[
            "github.com/go-ini/ini@v1.67.0",
            "github.com/open-policy-agent/conftest@v0.71.1",
            "github.com/unknwon/goconfig@v1.0.0",
            "code.gitea.io/gitea@v1.22.6",
            "github.com/aws/aws-sdk-go@v1.55.5",
        ],
        // The AWS SDK's INI test profiles have no extension; their expected JSON ends `_expected`.
        wanted: |p| {
            ext_is(p, &["ini"])
                || (p.to_string_lossy().contains("/internal/ini/testdata/")
                    && p.extension().is_none()
                    && !name_of(p).ends_with("_expected"))
        },
        floor: 71,
    },
    Corpus {
        parser: Parser::Properties,
        modules: &[
            "github.com/open-policy-agent/conftest@v0.71.1",
            "github.com/apache/camel-k/v2@v2.5.0",
            "github.com/apache/camel-k@v1.12.1",
            "github.com/trinodb/trino-go-client@v0.319.0",
            "github.com/jfrog/jfrog-cli-core/v2@v2.56.0",
            "github.com/testcontainers/testcontainers-go@v0.34.0",
            "github.com/anchore/syft@v1.18.1",
        ],
        wanted: |p| ext_is(p, &["properties"]),
        floor: 41,
    },
    Corpus {
        parser: Parser::Dotenv,
        modules: &[
            "github.com/subosito/gotenv@v1.6.0",
            "github.com/open-policy-agent/conftest@v0.71.1",
            "github.com/joho/godotenv@v1.5.1",
            "github.com/compose-spec/compose-go/v2@v2.4.4",
            "github.com/docker/compose/v2@v2.29.7",
            "github.com/docker/cli@v27.3.1+incompatible",
            "github.com/gohugoio/hugo@v0.139.0",
        ],
        // conftest's own rule for dotenv names (`.env`, `.env.*`, `*.env`)
        wanted: |p| Parser::for_path(p) == Some(Parser::Dotenv),
        floor: 53,
    },
];

/// Files sealgate is known to read differently from conftest, each with the reason (path
/// suffixes). Besides these, see [`burntsushi_known_failures`].
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// The invalid toml-test cases that BurntSushi/toml accepts, as its own test lists them
/// (`SkipTests` in its `toml_test.go`: "we allow appending to tables, but shouldn't", and an
/// offset minute of 60 that Go's time parser lets through). conftest prints a document for
/// them; sealgate refuses them, as the TOML spec and toml_edit do. Only a refusal by sealgate
/// alone is excused for them.
fn burntsushi_known_failures(dir: &Path) -> Vec<String> {
    let source = std::fs::read_to_string(dir.join("toml_test.go")).unwrap();
    let block = source
        .split_once("SkipTests: []string{")
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(block, _)| block)
        .unwrap();
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"invalid/"))
        .filter_map(|l| l.strip_suffix("\","))
        .map(|name| format!("internal/toml-test/tests/invalid/{name}.toml"))
        .collect()
}

/// Corner cases of the four formats, judged by conftest like the files above: the expected
/// output is whatever `conftest parse` prints.
pub(crate) const TOML_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "a = 1979-05-27 07:32:00Z\nb = 1979-05-27t07:32:00z\nc = 07:32:00\nd = 1979-05-27T07:32:00\ne = 1979-05-27T07:32:00.1234567891+05:30\nf = 2000-02-29\ng = 1979-05-27T07:32:00-00:00\nh = 1979-05-27T07:32:00+00:00\ni = 07:32:00.5\n",
    "a = 07:32\nb = 1979-05-27T07:32\nc = 1979-05-27 07:32Z\n",
    "a = 2001-02-29\n",
    "a = 1979-05-27T23:59:60Z\n",
    "a = 0x_1\n",
    "a = 0xDEAD_beef\nb = 0o777\nc = 0b1010\nd = 1_000\ne = -0.0\nf = 6.626e-34\ng = 9223372036854775807\nh = -9223372036854775808\ni = 1e300\nj = 0.1\nk = 5e-324\n",
    "a = +inf\n",
    "a = nan\n",
    "a = 9223372036854775808\n",
    "a = 1e1000\n",
    "a = \"\\u00e9 \\U0001F600 \\t \\\" \\\\\"\nb = 'lit \\n'\nc = \"\"\"\nline1\\\n   line2\"\"\"\nd = '''\nraw\n'''\n",
    "a = \"\\x41\\e\"\n",
    "[a.b]\nc = 1\n[a]\nd = 2\n[x]\ny.z = 3\n[[arr]]\nn = 1\n[[arr]]\nn = 2\n[arr.sub]\nq = true\n",
    "t = {a = 1, b.c = 2}\nu = {\n  x = 1,\n  y = 2,\n}\narr = [1, \"two\", [3.0, {four = 4}], ]\n",
    "'ké y' = 1\n\"a.b\" = 2\n\"\" = 3\n",
    "\u{feff}a = 1\n",
    "a = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\n",
    "a = 1\na = 2\n",
    "[a]\nb = 1\n[a]\nc = 2\n",
    "a = [\n",
    "a = \"unterminated\n",
    "a.b = 1\n[a.b.c]\nd = 2\n",
    "a = true\nb = false\nc = []\nd = {}\n[empty]\n",
    "[[a.b]]\nx = 1\n[[a.b]]\n[a.b.c]\ny = 2\n",
    "a = \"\"\"\\\n\n  trimmed \\\n  \"\"\"\nb = '''\n  multi 'lit' \\n'''\n",
    "\"quoted\\tkey\" = 1\nbare-key_1 = 2\n1234 = 3\n3.14 = 4\n",
    "a = 1_000_000\nb = 3.141_592\nc = 1E6\nd = -0\ne = +1\nf = 0e0\n",
    "a = 1979-05-27T07:32:00.000Z\nb = 1979-05-27T00:00:00.000001-00:01\nc = 0001-01-01\nd = 9999-12-31T23:59:59.999999999+23:59\n",
];

pub(crate) const INI_CORNERS: &[&str] = &[
    "",
    "; only a comment\n# another\n",
    "top = 1\n[s]\nk = v\n",
    "[s]\na = 1\nb = 1.5e3\nc = t\nd = FALSE\ne = 0x1p4\nf = 0x10\ng = inf\nh = NaN\ni = 1_000\nj = 01\nk = +.5\nk2 = 1_000.5\nk3 = 1e_5\nk4 = 0x1_0p0\nk5 = 1__0\nl = 1e400\nm = 1e-400\nn = True\no = yes\np =\nq = 0x_1.8p1\nr = -0\ns = 1.\nt = .e1\nu = 0x1p-1074\nv = 0X1P+2\n",
    "[s]\na = \"x\" ; c\nb = 'y'\nc = \"a;b\"\nd = x # y\ne = \"it's\"\nf = \"\"\ng = \"'\"\nh = 'a'b'\ni = \"\"x\"\"\n",
    "[s]\na = \"\"\"one\ntwo\"\"\" tail\nb = `x\ny` z\nc = `q` r\nd = \"\"\"inline\"\"\"\n",
    "[s]\na = one \\\n  two \\\n three\nb = x \\\n\nc = y\nd = last \\",
    "[s]\n\"quoted key\" = 1\n`bq` : 2\n\"\"\"tq\"\"\" = 3\nk:v=w\n- = a\n- = b\n[t]\n- = c\n\"k\" x = 4\n",
    "[ spaced ]\n[s] ; comment\nx=1\n[s]\ny=2\n[a]b]\nz=3\n[DEFAULT]\nd=1\n",
    "[s]\nnovalue\n",
    "[s\n",
    "[]\n",
    "[s]\n= v\n",
    "[s]\nk = \"\"\"open\n",
    "[s]\nk = `open\nstill\n",
    "[s]\n\"\" = 1\n",
    "[s]\n\"open = 1\n",
    "[s]\r\na = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\nc = z ; q\r\n",
    "\u{feff}[s]\na=1\n",
    "[s]\n  indented = 1\n\tk\t=\tv\t\n",
    "[s]\na = \"\"\"",
    "[s]\na = \"\"\"x\"\"\"",
    "[s]\na = 1\na = two\n",
    "[ü]\nключ = значение\n",
    "[s]\na = b = c\nb : c\nc=\"x\" y\nd = 'x' ; c\ne = v # c\n  continued = 1\nkey with spaces = v\n",
    "[s]\na = x \\\n; not a comment\nb = 1\n[s.sub]\nx = 1e5\ny = -1\nz = 00\nw = 1.5.5\n[default]\nk = v\n",
];

pub(crate) const PROPERTIES_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "a=1\nb = 2\nc:3\nd 4\ne\t5\nf\ng =\n",
    "k\\ ey = v\\u0041\\n\\t\\\\x\\y\n",
    "a = one \\\n    two\nb = x\\\r\n  y\nc = p \\\n\n",
    "# c\n! c\n  # indented\na=1 # not a comment\n",
    "a=${b}\nb=x\nc=${missing}\nd=$${b}\ne={b}\n",
    "a=$${b}\nb={c}\nc=z\n",
    "a=${b\n",
    "a=${a}\n",
    "a=${b}\nb=${a}\n",
    "=x\n",
    ":x\n",
    "a=\\u00G1\n",
    "a=b\\",
    "a=\\uD800\\uDC00\n",
    "a\\:b=c\na\\=b=c\nab\\\ncd=1\n",
    "a=1\na=2\n",
    "\u{feff}a=1\n",
    "a=   \nb\\\n",
    "a = ${b}${b}\nb = ${c}\nc = d\n",
    "a\r\nb=c\rd=e\n",
    "ключ = значение\n",
    "a = x\\\n\tb = y\n",
    "a=b\\u12",
    "a:b:c\nb==c\nc = = d\n\\u0041=1\na#b=c\nd\\\n  e = f\nf=\\  x\ng\u{c}=\u{c}h\n",
];

pub(crate) const DOTENV_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "A=1\nB = 2\nexport C=3\nD: 4\nE=\nexport   F = 6\n",
    "A='single $X'\nB=\"double \\\"q\\\" \\n \\$X\"\nC=\"it's\"\nD='x' # c\nE=\"a\" b\nF=\"x\" \"y\"\n",
    "X=1\nA=$X\nB=${X}\nC=${X\nD=$X}\nE=\\$X\nF=$x\nG=$\nH=${}\nI=${UNDEFINED}z\nJ=\"$X ${X}\"\nK=$X$X\n",
    "A=\"one\ntwo\"\nB='x\ny'\nC=\"a\\\"\nb\"\n",
    "# c\nA=1 # c\nB=1#c\n  # indented\nC=a b  c  \n",
    "A\n",
    "=1\n",
    "A=\"unclosed\n",
    "export A\n",
    "A B=1\n",
    "A-B=1\n",
    "A=1\rB=2\r\nC=3\n",
    "\u{feff}A=1\n",
    "a.b=1\n",
    "A:1\n",
    "A= \"x\"\nB='x\n  y' # c\n",
    "A=\"\"\nB=''\nC=\"a\\\\b\"\nD=\"a\\\\\\\\b\"\nE=\"\\t\\r\"\n",
    "A=\"a\\\"\nB=1\"\n",
    "A=1\nA=2\nB=$A\n",
    "A=\"x\" # \"quoted\" comment\n",
    "A=ünï\n",
    "A=x\nB=\"$A\\$A\\\\$A\"\n",
    "A='x' 'y'\nB=\"x\\\"y\"\nexport=1\nC = 'x'#c\nD=x\ty\nE=\u{a0}x\u{a0}\nl=1\nF=$l\nX=2\nG=${X:-default}\n",
    "A=\"x\\\\\"\nB=2\n",
];

/// Compares `files` (read as `texts`); a difference that `known` excuses (by path suffix, when
/// only sealgate refuses) or [`KNOWN_DIFFERENCES`] lists is counted apart.
fn compare_texts(
    conftest: &Path,
    parser: Parser,
    files: &[PathBuf],
    texts: &[String],
    known: &[String],
) -> Outcome {
    let theirs = conftest_parse(conftest, parser.name(), files, exact_numbers);
    let mut out = Outcome::default();
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = parser
            .parse(text)
            .map(exact_numbers)
            .map_err(|e| e.to_string());
        let shown = f.display().to_string();
        let excused = matches!((t, &ours), (Ok(_), Err(_)))
            && known.iter().any(|k| shown.ends_with(k.as_str()));
        match verdict(t, &ours) {
            Verdict::Same => out.agree += 1,
            Verdict::BothRefuse => {
                out.agree += 1;
                out.refused += 1;
            }
            Verdict::Differ(_)
                if excused || KNOWN_DIFFERENCES.iter().any(|(k, _)| shown.ends_with(k)) =>
            {
                out.known += 1
            }
            Verdict::Differ(why) => out.differ.push(format!("{shown}: {why}")),
        }
    }
    out
}

#[test]
fn peer_conftest_config_formats_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let mut differ = Vec::new();
    let mut short = Vec::new();
    for corpus in CORPORA {
        let parser = corpus.parser;
        let (mut agree, mut total, mut known) = (0, 0, 0);
        for module in corpus.modules {
            let dir = module_dir(module);
            let (mut files, mut texts, mut not_utf8) = (Vec::new(), Vec::new(), 0);
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.unwrap();
                if !entry.file_type().is_file() || !(corpus.wanted)(entry.path()) {
                    continue;
                }
                // UTF-16 and Latin-1 files: sealgate's parsers take text (the file readers
                // refuse what is not UTF-8).
                match std::fs::read_to_string(entry.path()) {
                    Ok(t) => {
                        files.push(entry.into_path());
                        texts.push(t);
                    }
                    Err(_) => not_utf8 += 1,
                }
            }
            let excused = if module.starts_with("github.com/BurntSushi/toml@") {
                burntsushi_known_failures(&dir)
            } else {
                Vec::new()
            };
            let o = compare_texts(&conftest, parser, &files, &texts, &excused);
            eprintln!(
                "{TEST}: {}: {module}: {} of {} files agree with conftest ({} refused by both), {} known, {} differ, {not_utf8} not UTF-8",
                parser.name(),
                o.agree,
                files.len(),
                o.refused,
                o.known,
                o.differ.len()
            );
            agree += o.agree;
            total += files.len();
            known += o.known;
            differ.extend(o.differ);
        }
        eprintln!(
            "{TEST}: {}: {agree} of {total} files agree with conftest, {known} known differences",
            parser.name()
        );
        if agree < corpus.floor {
            short.push(format!(
                "{}: {agree} files agree, fewer than the {} of the last run",
                parser.name(),
                corpus.floor
            ));
        }
    }
    assert!(short.is_empty(), "{}", short.join("\n"));
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_config_formats_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut differ = Vec::new();
    for (parser, corners) in [
        (Parser::Toml, TOML_CORNERS),
        (Parser::Ini, INI_CORNERS),
        (Parser::Properties, PROPERTIES_CORNERS),
        (Parser::Dotenv, DOTENV_CORNERS),
    ] {
        let mut texts: Vec<String> = corners.iter().map(|c| (*c).to_string()).collect();
        texts.extend(long_lines(parser));
        let files: Vec<PathBuf> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let f = dir.path().join(format!("{}-{i}", parser.name()));
                std::fs::write(&f, t).unwrap();
                f
            })
            .collect();
        let o = compare_texts(&conftest, parser, &files, &texts, &[]);
        eprintln!(
            "{TEST}: {} corner cases: {} of {} agree ({} refused by both)",
            parser.name(),
            o.agree,
            files.len(),
            o.refused
        );
        // Both sides refusing every case would prove nothing: most must parse.
        assert!(
            o.refused * 2 < files.len(),
            "{}: {} refused",
            parser.name(),
            o.refused
        );
        differ.extend(
            o.differ
                .into_iter()
                .map(|d| format!("{d}\n  input: {:?}", texts[file_index(&d)])),
        );
    }
    assert_none_differ("corner cases", &differ);
}

/// Lines at the edge of gotenv's 64 KiB line buffer (65,535 bytes read, 65,536 refused), and
/// long values for the others.
fn long_lines(parser: Parser) -> Vec<String> {
    let line = |n: usize, end: &str| format!("A={}{end}", "x".repeat(n - 2));
    match parser {
        Parser::Dotenv => vec![
            line(65_535, "\n"),
            line(65_536, "\n"),
            line(65_535, "\r\nB=1\r\n"),
            line(65_536, ""),
            format!("A=\"{}\n{}\"\n", "y".repeat(65_000), "z".repeat(65_000)),
        ],
        Parser::Ini => vec![format!("[s]\n{}\n", line(200_000, ""))],
        Parser::Properties => vec![format!("{}\n", line(200_000, ""))],
        _ => vec![format!("{}\"\n", line(200_000, "").replacen("=", "=\"", 1))],
    }
}

/// The case number in a difference's file name (`…/PARSER-N: …`).
fn file_index(difference: &str) -> usize {
    let name = difference.split(':').next().unwrap_or_default();
    name.rsplit('-').next().unwrap().parse().unwrap()
}
