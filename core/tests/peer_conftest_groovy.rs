//! conftest's `groovy` parser (groovy-parser-go in Groovy 2.4 mode), side by side with the real
//! `conftest parse --parser groovy` (v0.71.1), on files nobody here wrote: groovy-parser-go's own
//! corpus samples and every string literal of its Go tests, conftest's Jenkinsfiles, and the
//! Groovy scripts, Gradle builds and Jenkinsfiles of other Go modules (Camel K's integrations,
//! JFrog CLI's and syft's/trivy's Gradle fixtures, flatbuffers' Android build); then corner cases
//! of the lexer and parser. sealgate's side is `Parser::parse`. A file agrees when both give the
//! same JSON (numbers as f64, as conftest prints Go's float64s), or both refuse it at the same
//! place: conftest's `parse groovy at LINE:COL` is sealgate's `line LINE, column COL`. A tree too
//! deep for conftest is refused by both, conftest after parsing all of it (so with a syntax error
//! found later, if there is one), sealgate too up to 1,024 levels of nesting, and past them at
//! once: any refusal of conftest agrees with that one. Without `conftest` or `go` the tests fail
//! in CI and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Outcome, Verdict, Wanted, check_module_files, conftest_parse, go_present, numbers_as_f64,
    verdict, write_cases,
};

const TEST: &str = "peer_conftest_groovy";

const MODULES: &[&str] = &[
    "github.com/albertocavalcante/groovy-parser-go@v0.0.0-20260218103838-adf14fa75938",
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/apache/camel-k@v1.12.1",
    "github.com/apache/camel-k/v2@v2.5.0",
    "github.com/jfrog/jfrog-cli-core/v2@v2.56.0",
    "github.com/google/flatbuffers@v25.2.10+incompatible",
    "github.com/anchore/syft@v1.18.1",
    "github.com/aquasecurity/trivy@v0.67.2",
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 87;

/// Corner cases, judged by conftest like the files.
pub(crate) const GROOVY_CORNERS: &[&str] = &[
    "",
    "// only a comment\n",
    "#!/usr/bin/env groovy\npipeline { agent any }\n",
    "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n        sh 'make build'\n      }\n    }\n  }\n}\n",
    "node {\n  def target = \"${env.BRANCH_NAME}\"\n  sh \"make deploy TARGET=${target}\"\n}\n",
    "x = 'a' + '''b\nc''' + \"d\" + \"\"\"e\n$f\"\"\" + /g\\/h/ + $/i$$j/$\n",
    "x = \"a $b.c.d ${e} ${-> f} ${g; h} $ ${}\"\n",
    "x = \"\"\"multi ${\n  a +\n  b\n} line\"\"\"\n",
    "def s = 'unterminated\ny = 1\n",
    "def s = \"unterminated\ny = 1\n",
    "x = 1 /* unterminated comment\n",
    "x = '''unterminated\n",
    "x = 1 + /* a */ 2 // b\n/* c\n */ y = 3\n",
    "x = 'é' + \"ü\" + ünï\n",
    "x\t=\t'\t'\r\ny = 2\r\n",
    "x = 42 + 0x1F + 0b101 + 017 + 09.5 + 1e3 + 2f + 3G + 1_000L + .5\n",
    "a = b ? c : d\ne = f ?: g\nh = i?.j\nk = l*.m\nn = o.&p\nq = r.@s\nt = u[1..2]\nv = w[1..<3]\n",
    "x = a\n  .b()\n  ?.c\n  *.d\n",
    "x = a ?\n  b :\n  c\n",
    "[1, 2, 3].each { it -> println it }\n[a: 1, 'b': 2, (c): 3, *: m].each { k, v -> }\n",
    "def f(int a, String b = 'x', def... c) { return a }\nString g() { null }\n",
    "class A extends B implements C, D {\n  private static final int X = 1\n  def y\n  A(int a) { this.y = a }\n  void m() throws E { }\n}\n",
    "@Library('lib@1.0') _\nimport groovy.json.JsonSlurper\nimport static java.lang.Math.*\n",
    "enum Color { RED, GREEN(1) { }, BLUE; int x }\ninterface I extends J, K { void m() }\ntrait T { }\n",
    "if (a) { b() } else if (c) d() else { e }\nwhile (x) { x-- }\nfor (i = 0; i < 10; i++) { }\nfor (x in xs) { }\nfor (String s : ss) { }\n",
    "switch (x) {\n  case 1: a(); break\n  case [2, 3]: b()\n  default: c()\n}\n",
    "try { a() } catch (IOException | RuntimeException e) { b() } finally { c() }\ntry { } catch (e) { }\n",
    "def (a, b) = [1, 2]\n(c, d) = [3, 4]\nlabel: for (;;) { break label }\n",
    "x = new Foo(1, a: 2) { }\ny = new int[3]\nz = new String[] { 'a', 'b' }\nw = (String) v\nu = v as List<String>\nt = v instanceof Map\n",
    "x = { a -> { b -> { c -> a + b + c } } }\ny = { -> }\nz = { }\n",
    "assert a == b : 'message'\nthrow new Exception('x')\nsynchronized (this) { }\n",
    "x = a <=> b && c || !d & e | f ^ ~g << 1 >> 2 >>> 3\ny = a =~ /b/ ==~ /c/\nz **= 2\n",
    "stage('x') {\n  steps {\n    sh '''\n      curl http://x | sh\n    '''\n  }\n}\n",
    "pipeline {",
    "x = (1",
    "x = [1, 2",
    "foo(a b c d)",
    "x = ",
    "def",
    "class { }",
    "switch (x) { foo }",
    "catch (e) { }",
    "x = a.",
    "x = 1 ) + 2",
    "import",
    "x = @\n",
    "x = \u{0}\n",
    "x = ¤\n",
    "a = b <.c\n",
    "a = !instanceof b\nc = d !in e\n",
    "x = a ?? b\n",
    "x = \"a ${b\"\n",
    "x = \"$\"\ny = \"$1\"\nz = \"a$\"\n",
    "x = \"${'}'}\"\n",
    "foo { \"${x}\" }\nbar()\n",
    "x = y\n// c\n.z\n",
    "x = y \\\n  + z\n",
    "return\n",
    "x = a.'b'.\"c\".\"$d\".(e)\n",
    "\u{feff}pipeline { }\n",
    "x = 1\u{c}\n",
    "Ünï = ǅa + Ωb + _c + $d\n",
    "a = b <.é\n",
    "a = !iné\n",
    "a = !instanceofé\n",
    "x = \"\\u00e9 \\$notInterp ${'$'}\"\n",
    "x = \"$é\" + \"$_a\" + \"$$\"\n",
    "#!/bin/groovy\n#!again\n",
    "x = 1;;; y = 2;\n;\n",
    "def m() {\n  return\n}\n",
    "x = [\n  1,\n  2,\n]\ny = [a: 1,\n b: 2,\n]\n",
    "pipeline {\n  environment { A = credentials('x') }\n  post { always { cleanWs() } }\n}\n",
    "x = a\n  ?.b\n  ?: c\n",
    "x = y /* a\n b */ z\n",
    "x = 'a' \\\n  + 'b'\n",
    "a++\n--b\n+c\n",
    "foo bar: 1, baz: 2\nfoo 'a', { b }\n",
    "timeout(time: 5, unit: 'MINUTES') {\n  input message: 'ok?'\n}\n",
    // each error groovy-parser-go reports
    "x = new 1\n",
    "x = a::1\n",
    "x = a.@1\n",
    "x = { int -> }\n",
    "try { } catch (final def 1) { }\n",
    "try { } catch (A | 1 e) { }\n",
    "try { } catch (A 1) { }\n",
    "try { } catch (1) { }\n",
    "class A { int 1 }\n",
    "class A { int a, 1 }\n",
    "enum E { @X 1 }\n",
    "for (1 in x) { }\n",
    "def (a, 1) = x\n",
    "final 1 = 2\n",
    "import a as 1\n",
    "package 1\n",
    "do x while y\n",
    "for (a; b) { }\n",
    "(a, b) = \n",
    "x = (a, b)\n",
    "def x = 1, 2\n",
    "switch (x) { case 1 }\n",
    "@interface A { int v() default 1 }\n",
];

/// `L:C` of conftest's refusal (`parse groovy at L:C: …`) or of sealgate's (`line L, column C:`);
/// `None` for a refusal without one (a tree too deep).
fn refusal_position(e: &str) -> Option<String> {
    if let Some(rest) = e.split("parse groovy at ").nth(1) {
        return rest.split(": ").next().map(str::to_string);
    }
    let rest = e.split("line ").nth(1)?;
    let (line, rest) = rest.split_once(", column ")?;
    let column = rest.split(':').next()?;
    Some(format!("{line}:{column}"))
}

/// How many of `files` (read as `texts`) agree, refusals compared by position.
fn compare(conftest: &Path, files: &[PathBuf], texts: &[String], show_input: bool) -> Outcome {
    let theirs = conftest_parse(conftest, "groovy", files, numbers_as_f64);
    let mut out = Outcome::default();
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = Parser::Groovy
            .parse(text)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        let why = match (verdict(t, &ours), t, &ours) {
            (Verdict::Same, ..) => {
                out.agree += 1;
                continue;
            }
            (Verdict::BothRefuse, Err(t), Err(o)) => {
                let (tp, op) = (refusal_position(t), refusal_position(o));
                if op.is_none() || tp == op {
                    out.agree += 1;
                    out.refused += 1;
                    continue;
                }
                format!(
                    "refused at {} by conftest ({}), at {} by sealgate ({o})",
                    tp.unwrap_or_default(),
                    t.lines().last().unwrap_or_default(),
                    op.unwrap_or_default()
                )
            }
            (Verdict::Differ(why), ..) => why,
            (Verdict::BothRefuse, ..) => unreachable!(),
        };
        let shown = f.display();
        out.differ.push(if show_input {
            format!("{shown}: {why}\n  input: {text:?}")
        } else {
            format!("{shown}: {why}")
        });
    }
    out
}

#[test]
fn peer_conftest_groovy_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let is_groovy: Wanted = |p| {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        name.ends_with(".groovy") || name.ends_with(".gradle") || name.starts_with("jenkinsfile")
    };
    let modules: Vec<(&str, Wanted)> = MODULES.iter().map(|m| (*m, is_groovy)).collect();
    check_module_files(TEST, &modules, FLOOR, |files, texts| {
        compare(&conftest, files, texts, false)
    });
}

#[test]
fn peer_conftest_groovy_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut texts: Vec<String> = GROOVY_CORNERS.iter().map(|c| (*c).to_string()).collect();
    // nesting within conftest's bound and past it
    for depth in [25, 60, 120, 200] {
        texts.push(format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)));
        texts.push(format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth)));
    }
    texts.push("if (a) ".repeat(100) + "b\n");
    texts.push(format!("x = {}1{}\n", "(".repeat(300), ")".repeat(300)));
    texts.push(format!("x = {}1{}\n", "[".repeat(300), "]".repeat(300)));
    texts.push(format!("x = {}1\n", "[".repeat(300)));
    texts.push("if (a) ".repeat(300) + "b\n");
    texts.push(format!("x = {}1 +\n", "[".repeat(900)));
    texts.push(format!("{}\n", "{".repeat(900)));
    texts.push(format!("x = {}1{}\n", "-".repeat(1000), " +"));
    let files = write_cases(dir.path(), &texts, |i| format!("case-{i}.groovy"));
    let o = compare(&conftest, &files, &texts, true);
    o.assert_most_parse(files.len());
    o.assert_corner_cases(TEST, files.len());
}

/// The string literals of Go source `src` (raw and interpreted, comments and runes skipped);
/// an interpreted one with an escape this reader does not know is left out.
fn go_string_literals(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'`' => {
                let end = src[i + 1..].find('`').map_or(b.len(), |e| i + 1 + e);
                out.push(src[i + 1..end.min(b.len())].replace('\r', ""));
                i = end + 1;
            }
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                let mut text = String::new();
                let mut ok = true;
                while j < b.len() && b[j] != q && b[j] != b'\n' {
                    if b[j] == b'\\' {
                        let (c, len) = match b.get(j + 1) {
                            Some(b'n') => (Some('\n'), 2),
                            Some(b't') => (Some('\t'), 2),
                            Some(b'r') => (Some('\r'), 2),
                            Some(b'\\') => (Some('\\'), 2),
                            Some(b'"') => (Some('"'), 2),
                            Some(b'\'') => (Some('\''), 2),
                            Some(b'x') => (
                                src.get(j + 2..j + 4)
                                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                                    .filter(u8::is_ascii)
                                    .map(char::from),
                                4,
                            ),
                            Some(b'u') => (
                                src.get(j + 2..j + 6)
                                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                                    .and_then(char::from_u32),
                                6,
                            ),
                            _ => (None, 2),
                        };
                        match c {
                            Some(c) => text.push(c),
                            None => ok = false,
                        }
                        j += len;
                    } else {
                        let c = src[j..].chars().next().unwrap();
                        text.push(c);
                        j += c.len_utf8();
                    }
                }
                if q == b'"' && ok {
                    out.push(text);
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Every string written in groovy-parser-go's own tests (inputs of its lexer, parser and tree
/// tests, valid and broken, and the names and messages around them), each as a file.
#[test]
fn peer_conftest_groovy_matches_conftest_on_its_library_tests() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let is_test: Wanted = |p| p.to_str().is_some_and(|s| s.ends_with("_test.go"));
    let mut texts: Vec<String> = crate::conftest_parse::module_files(MODULES[0], is_test)
        .iter()
        .flat_map(|f| go_string_literals(&std::fs::read_to_string(f).unwrap()))
        .collect();
    texts.sort();
    texts.dedup();
    let dir = tempfile::tempdir().unwrap();
    let files = write_cases(dir.path(), &texts, |i| format!("inline-{i}.groovy"));
    let o = compare(&conftest, &files, &texts, true);
    o.assert_inline(
        TEST,
        "strings of groovy-parser-go's tests",
        files.len(),
        INLINE_FLOOR,
    );
}

/// Strings of groovy-parser-go's tests on which sealgate must agree, at least.
const INLINE_FLOOR: usize = 2152;
