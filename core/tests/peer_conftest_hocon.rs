//! conftest's `hocon` parser (go-akka/configuration, walked as conftest walks it), side by side
//! with the real `conftest parse --parser hocon` (v0.71.1), on files nobody here wrote: go-akka's
//! own test files, gurkankaymak/hocon's test data, conftest's example, and every `.conf` file of a
//! fixed set of other Go modules (nginx, PostgreSQL, Pulsar, pacman, OpenSSL… configurations,
//! which stress go-akka's tokenizer as HOCON never would), fetched into the module cache with `go
//! mod download`; then corner cases of go-akka's grammar, values and substitutions. sealgate's
//! side is `Parser::parse`. A file agrees when both give the same JSON (numbers compared as f64,
//! as conftest prints Go's float64s) or both refuse it (go-akka and conftest panic on most HOCON:
//! a top-level key that is not an object, an unresolved substitution, a character the tokenizer
//! does not know…). Includes are read from the working directory by both, which is this test's.
//! Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.
//!
//! conftest runs with an empty environment (go-akka reads a substitution the file lacks from it;
//! sealgate never does). Not run through conftest: inputs on which go-akka never returns
//! ([`NEVER_RETURNS`]); sealgate must refuse them.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;
use serde_json::Value;

use crate::conftest_parse::{
    Outcome, Verdict, assert_none_differ, conftest_parse, go_present, module_files, numbers_as_f64,
    verdict, write_cases,
};

const TEST: &str = "peer_conftest_hocon";

const MODULES: &[&str] = &[
    "github.com/go-akka/configuration@v0.0.0-20200606091224-a002c0330665",
    "github.com/gurkankaymak/hocon@v1.2.21",
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/tufanbarisyildirim/gonginx@v0.0.0-20260220081509-8e17ce617db3",
    "k8s.io/ingress-nginx@v0.0.0-20240708192948-52c50467d67d",
    "github.com/testcontainers/testcontainers-go@v0.34.0",
    "github.com/lib/pq@v1.12.3",
    "github.com/apache/pulsar-client-go@v0.14.0",
    "github.com/docker/docker@v28.5.2+incompatible",
    "helm.sh/helm/v3@v3.22.0",
    "github.com/hashicorp/hcl/v2@v2.23.0",
    "github.com/jfrog/jfrog-cli-core/v2@v2.56.0",
];

/// Files on which go-akka never returns (path suffixes, with the reason); sealgate must refuse
/// them.
const NEVER_RETURNS: &[(&str, &str)] = &[(
    "images/e2e-test-echo/rootfs/nginx.conf",
    "an array whose next item takes no text: go-akka's ParseArray loops forever",
)];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 55;

/// Corner cases, judged by conftest like the files: the expected output is whatever `conftest
/// parse` prints.
pub(crate) const HOCON_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "a = 1\n",
    "a { b = 1 }\n",
    "a { b = 1, c = 2.5, d = -0, e = 1e5, f = .5, g = 5., h = 1_000, i = 0x1p-2, j = 0x10, k = 1e400, l = 010 }\n",
    "a { t = true, f = false, y = yes, o = on, T = T, F = FALSE, one = 1, zero = 0, n = null, nn = \"null\" }\n",
    "a { inf = inf }\n",
    "a { nan = NaN }\n",
    "a { i = Infinity }\n",
    "a { i = -infinity, j = +nan, k = infinit }\n",
    "a { s = hello world, q = \"quoted  text\", e = \"\", t = \"\"\"triple \"q\" \"\"\", tab = a\tb }\n",
    "a { esc = \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\", u = \"\\u00E9\\u0041x\", short = \"\\u12\" }\n",
    "a { bad = \"\\q\" }\n",
    "a { arr = [1, 2, 3], mixed = [1, \"two words\", true, [4, 5], {x = 1, y { z = 2 }}], empty = [], nested = [[]] }\n",
    "a { arr = [\n  1\n  2\n], trailing = [1,] }\n",
    "a { o { b = 1 } , o { c = 2 }, o.d = 3, p = { x = 1 }, p = { y = 2 }, q = { x = 1 }, q = 5 }\n",
    "a.b.c = 1\na.b.d = 2\na { e = 3 }\n",
    "a { port = 9001\n port = ${?PORT}\n port = ${?http.port}\n dir = ${?user.dir}\n}\n",
    "a { x = 1, y = ${a.x}, z = ${?a.missing}, w = ${a.x} ${a.x}, v = pre${a.x}post }\n",
    "a { x = ${b.y} }\nb { y = 2 }\n",
    "a { x = ${b} }\nb { y = 2 }\n",
    "a { x = ${missing} }\n",
    "a { x = ${a.y}, y = ${a.x} }\n",
    "a { x = ${HOME}, y = ${?HOME} }\n",
    "a { x += 1 }\n",
    "a { x = [1], x += 2 }\n",
    "a { \"b.c\" = 1 }\n",
    "a { \"b c\" = 1, \"d\te\" = 2 }\n",
    "a { arr = [{ \"k y\" = 1 }] }\n",
    "a { b = 1 } # comment\n// another\na { c = 2 } // trailing\n",
    "a { b = 1 2  3 , c = x y # c\n d = \"x\" \"y\" }\n",
    "a {\n  b : 1\n  c = 2\n}\n",
    "a { b = 1 }\r\nc { d = 2 }\r\n",
    "a { b = voilà, c = é, d = çà }\n",
    "a { clé = 1, ключ = значение }\n",
    "a { b = 1 }\nb = 2\n",
    "a { b = 1 }\n}\n",
    "a { b = 1 \n",
    "a {\n b = ! }\n",
    "a { b +=",
    "a { b =",
    "a { b = }\n",
    "a { b = \"unterminated }\n",
    "a { b = ${a.c\n",
    "a { include \"missing.conf\" }\n",
    "include \"missing.conf\"\n",
    "a { includes = 1, include = 2 }\n",
    "a { b { c { d { e = 1 } } } }\n",
    "a { b = $x, c = {}, d = { } }\n",
    "a { b = 10 seconds, c = 64k, d = 1.5GB, e = 2 days }\n",
    "a {\n  b = 1\\nc = 2\n}\n",
    "a { b = 1 } a { c = 2 }\n",
    "a { x = 1 }\na = ${?nothing}\n",
    "a { x { y = 1 } }\nb { z = ${a.x} }\n",
    "a { k = 1 }\nb = ${a}\nb { l = 2 }\n",
    "\u{feff}a { b = 1 }\n",
    "a{b=1,c=[1,2],d{e=f}}\n",
    "a { b = \"x\"\"\"y\"\"\" }\n",
    "a { b = [\"a\", \"b c\"], c = [\"\"] }\n",
    "a { b { c = 1 }\n b = 2 }\n",
    "a { b = 2\n b { c = 1 } }\n",
    "a { b = { c = 1 }\n b.d = 2 }\n",
    "a { x = [1,2]\n y = ${a.x} }\n",
    "a { x = \"a\"\n x += \"b\" }\n",
    "a { x = 1\n x = ${?z}\n x = ${?w}\n y = ${a.x} }\n",
    "a { b = ${a.c}, c { d = 1 } }\n",
    "a.b = 1\na.b.c = 2\n",
    "a { \"x\".\"y\" = 1, \"p q\".r = 2 }\n",
    "a { b = 1 }\na.c = ${a.b}\n",
    "a { arr = [${a.x}, 2], x = 1, opt = [${?nope}] }\n",
    "a { b = true false, c = 1.0, d = 1.50, e = -1e-3, f = +1, g = 0.1e1 }\n",
    "a { b = x\r\n c = 1 }\n",
    "a {\tb\t=\t1\t}\n",
    "a { b = 1 } #",
    "a { b = x//y\n c = 2 }\n",
    "a { b = http://x }\n",
    "a { 1 = 2, 2.5 = x }\n",
    "a { b = ${a.c}\n c = ${a.d}\n d = 3 }\n",
    "a { b = [1, [2, [3]]], c { d = [ { e = 1, f = [x] } ] } }\n",
    "a { b = { c = [ { d = 1 } ] } }\n",
    "a { b = x, b += y }\n",
    "a { b = [ # comment\n 1, // two\n 2 ] }\n",
    "a { b = \"\"\"multi\nline\"\"\" }\n",
    "a { b = \"tab\\there\", c = \"a,b\", d = a\\b }\n",
    "a { b = 0x1.8p1, c = 1e-400, d = 1E+2, e = 0X1P4, f = 1__0, g = _1, h = 1_ }\n",
    "a { b = [1 2, 3  4] }\n",
    "a { b: { c: 1 }, d: [1], e: \"s\" }\n",
    "a { b = ${?a.c} fallback, c = 1 }\n",
    "a { b = \"${a.c}\", c = 1 }\n",
    "a { include = x }\n",
    "include\"x\"\na { b = 1 }\n",
    "a { b = 1 }\n\n\n\n   \n",
    "x { a = 1 }\ny = ${x}\n",
    "a { b = true false, c = 1.0, d = 1.50, e = -1e-3, g = 0.1e1 }\n",
    "a { b = 0x1.8p1, c = 1e-400, e = 0X1P4, f = 1__0, g = _1, h = 1_, i = 1e5_0, j = 0x_1p0 }\n",
    "a { d = a\\b }\n",
];

/// How many of `files` (read as `texts`) agree, and the differences (with the input when
/// `show_input`); where both refuse, go-akka's place of failure must be sealgate's too.
fn compare(conftest: &Path, files: &[PathBuf], texts: &[String], show_input: bool) -> Outcome {
    let theirs = conftest_parse(conftest, "hocon", files, numbers_as_f64);
    let mut out = Outcome::default();
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = Parser::Hocon
            .parse(text)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        match verdict(t, &ours) {
            Verdict::Same => out.agree += 1,
            Verdict::BothRefuse => match misplaced(t, &ours, text) {
                None => {
                    out.agree += 1;
                    out.refused += 1;
                }
                Some(why) => out.differ.push(format!("{}: {why}", f.display())),
            },
            Verdict::Differ(why) if show_input => out
                .differ
                .push(format!("{}: {why}\n  input: {text:?}", f.display())),
            Verdict::Differ(why) => out.differ.push(format!("{}: {why}", f.display())),
        }
    }
    out
}

#[test]
fn peer_conftest_hocon_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let mut differ = Vec::new();
    let (mut agree, mut total) = (0, 0);
    for module in MODULES {
        let all = module_files(module, |p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("conf" | "hocon")
            )
        });
        let (hangs, files): (Vec<PathBuf>, Vec<PathBuf>) = all.into_iter().partition(|f| {
            NEVER_RETURNS
                .iter()
                .any(|(s, _)| f.to_string_lossy().ends_with(s))
        });
        for f in &hangs {
            let text = std::fs::read_to_string(f).unwrap();
            if Parser::Hocon.parse(&text).is_ok() {
                differ.push(format!(
                    "{}: sealgate reads a file go-akka never returns on",
                    f.display()
                ));
            }
        }
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        let o = compare(&conftest, &files, &texts, false);
        eprintln!(
            "{TEST}: {module}: {} of {} files agree with conftest ({} refused by both)",
            o.agree,
            files.len(),
            o.refused
        );
        agree += o.agree;
        total += files.len();
        differ.extend(o.differ);
    }
    eprintln!("{TEST}: {agree} of {total} files agree with conftest");
    assert!(
        agree >= FLOOR,
        "{agree} files agree, fewer than the {FLOOR} of the last run"
    );
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_hocon_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    // inside the working directory (the package folder, while cargo runs the test): sealgate
    // reads includes only there
    let dir = tempfile::Builder::new()
        .prefix(".peer-hocon-")
        .tempdir_in(".")
        .unwrap();
    let mut texts: Vec<String> = HOCON_CORNERS.iter().map(|c| (*c).to_string()).collect();
    texts.extend(include_cases(dir.path()));
    let files = write_cases(dir.path(), &texts, |i| format!("case-{i}.hocon"));
    let o = compare(&conftest, &files, &texts, true);
    o.assert_most_parse(files.len());
    o.assert_corner_cases(TEST, files.len());
}

/// Files that include others, by absolute path (both read an include from the working
/// directory, so a relative one would depend on where the test runs); `dir` is inside it.
fn include_cases(dir: &Path) -> Vec<String> {
    let d = dir.join("includes");
    std::fs::create_dir_all(&d).unwrap();
    let d = d.display();
    for (name, text) in [
        ("inc.conf", "x = 1\ny { z = ${?nope} }\n".to_string()),
        ("top.conf", "a { x = 1, y = ${a.x} }\n".to_string()),
        ("subs.conf", "s = ${t}\nt = 2\n".to_string()),
        ("nest.conf", format!("include \"{d}/inc.conf\"\nq = 1\n")),
        ("broken.conf", "s = \"\\q\"\n".to_string()),
        ("unresolved.conf", "s = ${elsewhere}\n".to_string()),
    ] {
        std::fs::write(dir.join("includes").join(name), text).unwrap();
    }
    vec![
        format!("a {{\n  include \"{d}/inc.conf\"\n  w = 3\n}}\n"),
        format!("include \"{d}/top.conf\"\nb {{ c = 1 }}\n"),
        format!("a {{ include \"{d}/subs.conf\" }}\n"),
        format!("a {{ include \"{d}/nest.conf\", x = 2 }}\n"),
        format!("a {{ include \"{d}/nest.conf\"\n x = 2 }}\n"),
        format!("a {{ x = 0\n include \"{d}/inc.conf\" }}\n"),
        format!("a {{ include \"{d}/broken.conf\" }}\n"),
        format!("a {{ include \"{d}/unresolved.conf\" }}\nelsewhere = 1\n"),
        format!("a {{ include \"{d}\" }}\n"),
    ]
}

/// When go-akka panics at an offset (`unknown token, offset: N`), whether sealgate's refusal
/// names the same place (line and column in bytes); the reason if not.
fn misplaced(
    theirs: &Result<Value, String>,
    ours: &Result<Value, String>,
    text: &str,
) -> Option<String> {
    let (Err(t), Err(o)) = (theirs, ours) else {
        return None;
    };
    let offset: usize = t
        .split_once("unknown token, offset: ")?
        .1
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let column = before.len()
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    let place = format!("line {line}, column {column}:");
    (!o.contains(&place)).then(|| format!("go-akka stops at {place} sealgate: {o}"))
}
