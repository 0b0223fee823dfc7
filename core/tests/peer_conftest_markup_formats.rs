//! conftest's `xml`, `codeowners` and `edn` parsers, side by side with the real `conftest parse
//! --parser …` (v0.71.1), on files nobody here wrote: every `.xml` file, every file named
//! `CODEOWNERS` and every `.edn` file in a fixed set of Go modules (conftest's examples, CycloneDX
//! and SPDX documents, SAML metadata, JUnit reports, Maven POMs, Unicode's CLDR data, GitHub
//! projects' owner files and hmarr/codeowners' pattern suite, the EDN library's own examples…),
//! fetched into the module cache with `go mod download`. sealgate's side is `Parser::parse`. A
//! file agrees when both give the same JSON (numbers compared as numbers) or both refuse it. A
//! second test runs corner cases of each format (Go's XML decoder's stopping points, entities,
//! encodings; CODEOWNERS escapes, owners and long lines; EDN's literals, Go's `%v` text and its
//! map ordering, and documents shaped like deps.edn or Integrant configs) through both the same
//! way. No file or case is a known difference. (EDN that conftest cannot print the same way twice
//! is left out: a collection as a map key, printed as a memory address, and keys whose texts
//! collide.) Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;
use serde_json::Value;

use crate::conftest_parse::{
    Verdict, assert_none_differ, conftest_parse, go_present, module_dir, module_files,
    numbers_as_f64, verdict,
};

const TEST: &str = "peer_conftest_markup_formats";

/// Modules whose `.xml` files are read.
const XML_MODULES: &[&str] = &[
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/CycloneDX/cyclonedx-go@v0.12.0",
    "github.com/aquasecurity/trivy@v0.67.2",
    "github.com/jstemmer/go-junit-report@v1.0.0",
    "github.com/jfrog/jfrog-cli-core/v2@v2.56.0",
    "github.com/google/flatbuffers@v25.2.10+incompatible",
    "github.com/yannh/kubeconform@v0.8.0",
    "github.com/apache/camel-k@v1.12.1",
    "github.com/envoyproxy/protoc-gen-validate@v1.3.3",
    "golang.org/x/text@v0.42.0",
    "github.com/prometheus/prometheus@v0.307.3",
    "github.com/crewjam/saml@v0.6.3",
    "github.com/spdx/tools-golang@v0.5.7",
];

/// Modules whose files named `CODEOWNERS` are read.
const CODEOWNERS_MODULES: &[&str] = &[
    "github.com/bitnami-labs/sealed-secrets@v0.40.0",
    "oras.land/oras-go/v2@v2.6.2",
    "go.opentelemetry.io/otel@v1.47.0",
    "cloud.google.com/go@v0.123.0",
    "cuelang.org/go@v0.17.1",
    "github.com/dgraph-io/ristretto/v2@v2.2.0",
    "github.com/dgraph-io/badger/v4@v4.9.6",
    "github.com/prometheus/client_golang@v1.23.2",
    "github.com/prometheus/prometheus@v0.307.3",
    "github.com/aws/aws-sdk-go-v2@v1.44.0",
    "github.com/aws/smithy-go@v1.28.1",
    "github.com/Microsoft/go-winio@v0.6.2",
    "github.com/Microsoft/hnslib@v0.1.2",
    "github.com/docker/cli@v28.5.2+incompatible",
    "github.com/docker/docker@v28.5.2+incompatible",
    "github.com/hashicorp/go-getter@v1.8.9",
    "github.com/hashicorp/aws-sdk-go-base/v2@v2.0.0-beta.74",
    "github.com/hashicorp/go-version@v1.9.0",
    "github.com/hashicorp/go-retryablehttp@v0.7.8",
    "github.com/google/uuid@v1.6.0",
    "github.com/aquasecurity/trivy@v0.67.2",
    "github.com/testcontainers/testcontainers-go@v0.34.0",
];

/// Modules whose `.edn` files are read (few Go modules ship EDN: the corner cases carry more).
const EDN_MODULES: &[&str] = &[
    "github.com/open-policy-agent/conftest@v0.71.1",
    "olympos.io/encoding/edn@v0.0.0-20201019073823-d3554ca0b0a3",
];

/// Files on which sealgate must agree with conftest, at least (the counts of the last run; a
/// regression fails the test, and so does any file that differs).
const XML_FLOOR: usize = 330;
const CODEOWNERS_FLOOR: usize = 23;
const EDN_FLOOR: usize = 3;
const CODEOWNERS_PATTERNS_FLOOR: usize = 28;

/// The module whose pattern suite (`testdata/patterns.json`) becomes CODEOWNERS files.
const CODEOWNERS_LIBRARY: &str = "github.com/hmarr/codeowners@v1.2.1";

/// Corner cases of Go's XML decoder as goxml2json uses it: the expected output is whatever
/// `conftest parse` prints.
pub(crate) const XML_CORNERS: &[&str] = &[
    "",
    "hello",
    "<a/>",
    "<a>x</a>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a b=\"1\" c='2'>t<d/>u</a>\n",
    "<a>1</a><a>2</a>junk",
    "<a><b>1</b><b>2</b><c>3</c></a>",
    "<a>  &lt;&amp;&gt;&quot;&apos; &#65;&#x42; </a>",
    "<r><a>1</a><b>&bogus;</b></r><c/>",
    "<a>1</a><b>&#0;</b>",
    "<a>&#xD800;</a>",
    "<a>1</a><b>&#x110000;</b>",
    "<a>1</a><b>&#X41;</b>",
    "<a>1</a><b>&amp</b>",
    "<a><![CDATA[<x> & y]]></a>",
    "<a>pre<![CDATA[cd]]></a>",
    "<a>pre<!-- c -->post</a><b>pre<!-- c --></b>",
    "<a>1</a><b>x]]>y</b>",
    "<x:a xmlns:x=\"u\" x:b=\"1\" b=\"2\"><x:c/><c/></x:a>",
    "<a>1</a><b></c>",
    "<a>1</a><b>unterminated",
    "<a>1</a><b c=1/>",
    "<a>1</a><b c=\"<\"/>",
    "<a b=\"x\" b=\"y\"/>",
    "<!DOCTYPE a [<!ENTITY e \"v\"> <!-- c > --> <!ELEMENT a (#PCDATA)>]><a>x</a>",
    "<!DOCTYPE a [<!ENTITY e \"v\">]><a>&e;</a>",
    "<!DOCTYPE a '>' <b> ><a>x</a>",
    "<?xml version=\"1.1\"?><a/>",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>",
    "<?xml version='1.0' encoding='windows-1252'?><a>\u{80}</a>",
    "<?xml version='1.0' encoding='bogus-encoding'?><a/>",
    "<?xml version='1.0' encoding='utf8'?><a>é</a>",
    "<?xml-stylesheet href=\"x\"?><a/>",
    "\u{feff}<a>bom</a>",
    "<a>x\r\ny\rz</a>",
    "<a> \u{a0}text\u{200b} </a>",
    "<a b=\"  spaced \n\r\n \"/>",
    "<a>1</a><b:c:d/>",
    "<:a/><b:/>",
    "<a>1</a><1b/>",
    "<a\u{e9}t\u{e9} \u{e9}=\"1\"/>",
    "<a><b>1</b>text</a>",
    "<a x=\"1\">  </a>",
    "<a><b/><b x='1'/><b>t</b></a>",
    "<a>&#x1F600;</a>",
    "<a>1</a><b><!- bad --></b>",
    "<a>1</a><b><!-- a -- b --></b>",
    "<a>1</a><b>\u{1}</b>",
    "<a>1</a><b>\u{fffe}</b>",
    "<a><b><c><d><e><f><g><h><i><j>deep</j></i></h></g></f></e></d></c></b></a>",
    "<a x=\"1\" y = '2'\n z=\"3\"></a >",
    "<a>1</a></a>",
    "<a>1</a><b/ >",
    "<a>1</a><b x/>",
    "<a -x=\"1\"/>",
    "<a>  <b>1</b>  </a>",
];

/// Corner cases of hmarr/codeowners' grammar.
pub(crate) const CODEOWNERS_CORNERS: &[&str] = &[
    "",
    "# only comment\n",
    "* @user\n",
    "*.go @org/team a@b.io @user #comment\n",
    "docs/\\ space @u\n",
    "a\\#b @u\n",
    "*** @u\n",
    "a/**/b @u\n",
    "/x @bad!owner\n",
    "/x @org/team/extra\n",
    "/x u@host.toolongtld\n",
    "/x u@h.c\n",
    "/x u@h.co\n",
    "x@y.com\n",
    "x\t@u\r\n",
    "  indented @u  \n",
    "pat[x] @u\n",
    "pat @u\n\n\n  # c\n next @v",
    "\u{feff}* @u\n",
    "*.js    @carol #This is an inline comment.",
    "a @u\r\rb @v\n",
    "/only-pattern\n",
    "a @u@v\n",
    "a a.b+c%d@e-f.gh\n",
    "a @user_name @org/team_x @-\n",
    "a @a/b/c\n",
    "a @@u\n",
    "a/(b)+c?d @u\n",
    "a # @notanowner\n",
    "a @u # comment # more\n",
    "a\\ @u\n",
    "a\\\\ @u\n",
    "\\\n",
    "a @u\u{a0}@v\n",
    "a\u{a0}@u\n",
    "a @o/t\u{85}\n",
    "* @u\r\n* @v\r\n",
];

/// Corner cases of olympos.io/encoding/edn and conftest's `%v` cleanup.
pub(crate) const EDN_CORNERS: &[&str] = &[
    "",
    "  ; only a comment\n",
    "nil",
    "42 garbage",
    "{:a 1 :a 2}",
    "{:sample true}",
    "{;; comment\n:sample1 \"my-username\",\n:sample2 false,\n:sample3 5432}",
    "[1 2",
    "{:a}",
    "(1 (2 (3)))",
    "[1 2]",
    "#{1 2 3}",
    "#{:b :a \"c\" sym 1 2.5 true nil \\c}",
    "#foo [1 {:k v}]",
    "#foo/bar 1",
    "[1N -5N 0N 18446744073709551616N -18446744073709551617N]",
    "1N",
    "-0N",
    "123456789012345678901234567890N",
    "1.5M",
    "-0.000012345M",
    "1e400M",
    "100M",
    "[1.5M 1M]",
    "#{1N}",
    "[1e400]",
    "[1e-400 5e-324]",
    "9223372036854775808",
    "-9223372036854775808",
    "0x10",
    "01",
    "[+5 -0 + - . / a/b :a/b]",
    "::a",
    ":/a",
    "[\\a \\newline \\return \\space \\tab \\formfeed \\n \\u \\u00e9 \\uD800 \\é]",
    "\\ne",
    "\\u12",
    "\"esc \\n \\t \\\" \\\\ \\/ \\u00e9 \\uD800 \\b \\f \\r\"",
    "\"bad \\x\"",
    "\"unterminated",
    "#inst \"2020-01-01T00:00:00Z\"",
    "[#inst \"2020-01-01T10:00:00.123456789+02:00\" #inst \"2020-01-01T00:00:00.5-00:00\"]",
    "#inst \"2020-02-30T00:00:00Z\"",
    "#inst \"2020-02-29T23:59:59.1234567891Z\"",
    "#inst \"2020-01-01T00:00:00+24:00\"",
    "#inst \"2020-01-01 00:00:00Z\"",
    "#inst 5",
    "#base64 \"aGk=\"",
    "#base64 \"aGk\"",
    "#base64 \"aG\\nk=\"",
    "#base64 \"aGl=\"",
    "[#base64 \"\"]",
    "#base64 5",
    "#_ 1 2",
    "[1 #_ 2 3]",
    "[1 #_]",
    "#_ {:a} :b",
    "#_#_ 1 2 3",
    "{:a, 1, :b, 2}",
    "[a\\b]",
    "[1\"x\"]",
    "[:a:b a#b a'b]",
    "[1#]",
    "{nil 1 true 2 false 3}",
    "{\\a 1 2.5 x :k v \"s\" 4}",
    "(1.5 -2.5e-3 100000.0 1000000.0 0.0001 0.00001 1e21 123456.7 1E3)",
    "[##Inf]",
    "#{#t 1 #t \"x\" #t nil #t :k}",
    "#{#t [1]}",
    "#t #u 1",
    "{:a #{} :b {} :c [] :d ()}",
    "#{}",
    "{:s #{\"b\" \"a\" \"B\"} :n #{3 -1 2} :f #{2.5 -1.5} :b #{true false}}",
    "#{#inst \"2020-01-01T00:00:00Z\" #inst \"2019-01-01T00:00:00.5Z\"}",
    "{:k {:nested #{:x} :v [nil true]}}",
    "#t {:b 1 :a 2}",
    "[1 2)",
    "}",
    "#",
    "#{1 2",
    "{:a 1 :b}",
    "[\u{e9}t\u{e9} :\u{e9}]",
    "[a\u{a0}b]",
    "[-a +b .c -/x]",
    "[.5]",
    "[1. 1.e5]",
    "1e",
    "{#_ :a :b 1}",
    // documents shaped like the EDN people write: deps.edn, clj-kondo, Datomic schema,
    // shadow-cljs, Integrant, Aero, and reader syntax this library does not have
    "{:paths [\"src\" \"resources\"]\n :deps {org.clojure/clojure {:mvn/version \"1.11.1\"}\n        metosin/malli {:mvn/version \"0.11.0\"}}\n :aliases {:test {:extra-paths [\"test\"]\n                  :extra-deps {io.github.cognitect-labs/test-runner {:git/tag \"v0.5.1\" :git/sha \"dfb30dd\"}}\n                  :main-opts [\"-m\" \"cognitect.test-runner\"]\n                  :exec-fn cognitect.test-runner.api/test}}}\n",
    "{:linters {:unresolved-symbol {:exclude [(foo.bar/baz) match?]}\n           :unused-namespace {:level :warning}}\n :lint-as {my.macros/defthing clojure.core/def}\n :output {:exclude-files [\"^test/resources\"]}\n :skip-comments true}",
    "[{:db/ident :user/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/doc \"A user's name\"}\n {:db/ident :user/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many :db/index true}]",
    "{:source-paths [\"src\"]\n :dependencies [[reagent \"1.2.0\"] [re-frame \"1.3.0\"]]\n :builds {:app {:target :browser :output-dir \"public/js\"\n                :modules {:main {:init-fn app.core/init}}\n                :devtools {:http-port 8080 :preloads [devtools.preload]}}}}",
    "{:adapter/jetty {:port 8080, :handler #ig/ref :handler/greet}\n :handler/greet {:name \"Alice\"}}",
    "{:port #long #or [#env PORT 8080]\n :db #profile {:dev \"jdbc:sqlite:dev.db\" :prod #env DB_URL}\n :secret #ref [:db]}",
    "{:level #{:info :warn :error} :ratio 0.75 :max-size 1048576 :retries -3 :timeout 2.5e3}",
    "{:k #\"regex\"}",
    "{:k ^:private x}",
    "#?(:clj 1 :cljs 2)",
    "#:user{:name \"x\"}",
    "[1/2]",
    "['quoted]",
    "[##NaN]",
];

fn files(modules: &[&str], wanted: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    modules
        .iter()
        .flat_map(|module| module_files(module, &wanted))
        .collect()
}

fn parser(name: &str) -> Parser {
    Parser::from_name(name).unwrap()
}

/// (agreeing files, of which both refuse, differences) for `parser` on `files`.
fn compare(conftest: &Path, name: &str, files: &[PathBuf]) -> (usize, usize, Vec<String>) {
    let (files, texts): (Vec<PathBuf>, Vec<String>) = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok().map(|t| (f.clone(), t)))
        .unzip();
    compare_texts(conftest, name, &files, &texts)
}

fn compare_texts(
    conftest: &Path,
    name: &str,
    files: &[PathBuf],
    texts: &[String],
) -> (usize, usize, Vec<String>) {
    let theirs = conftest_parse(conftest, name, files, numbers_as_f64);
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = parser(name)
            .parse(text)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        match verdict(t, &ours) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(why) => differ.push(format!("{}: {why}", f.display())),
        }
    }
    (agree, refused, differ)
}

/// One CODEOWNERS file per pattern of hmarr/codeowners' suite (with an owner of each kind), and
/// one holding them all, written to `dir`: (files, texts).
fn codeowners_pattern_suite(dir: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let suite = module_dir(CODEOWNERS_LIBRARY).join("testdata/patterns.json");
    let suite: Value = serde_json::from_str(&std::fs::read_to_string(suite).unwrap()).unwrap();
    let mut texts: Vec<String> = suite
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let pattern = case["pattern"].as_str().unwrap();
            format!(
                "{pattern} @owner @org/team someone@example.com # {}\n",
                case["name"].as_str().unwrap()
            )
        })
        .collect();
    texts.push(texts.concat());
    let files = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = dir.join(format!("CODEOWNERS-{i}"));
            std::fs::write(&f, t).unwrap();
            f
        })
        .collect();
    (files, texts)
}

#[test]
fn peer_conftest_markup_formats_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let extension =
        |ext: &'static str| move |p: &Path| p.extension().and_then(|e| e.to_str()) == Some(ext);
    let xml = files(XML_MODULES, extension("xml"));
    let codeowners = files(CODEOWNERS_MODULES, |p| {
        p.file_name().and_then(|n| n.to_str()) == Some("CODEOWNERS")
    });
    let edn = files(EDN_MODULES, extension("edn"));
    // hmarr/codeowners' pattern suite: each pattern as a one-rule file, and all in one
    let dir = tempfile::tempdir().unwrap();
    let (pattern_files, pattern_texts) = codeowners_pattern_suite(dir.path());
    let mut differ = Vec::new();
    for (name, files, floor) in [
        ("xml", &xml, XML_FLOOR),
        ("codeowners", &codeowners, CODEOWNERS_FLOOR),
        ("edn", &edn, EDN_FLOOR),
    ] {
        let (agree, refused, d) = compare(&conftest, name, files);
        eprintln!(
            "{TEST}: {name}: {agree} of {} files agree with conftest ({refused} refused by both), {} differ",
            files.len(),
            d.len()
        );
        assert!(
            agree >= floor,
            "{name}: {agree} files agree, fewer than the {floor} of the last run"
        );
        differ.extend(d);
    }
    let (agree, refused, d) =
        compare_texts(&conftest, "codeowners", &pattern_files, &pattern_texts);
    eprintln!(
        "{TEST}: codeowners: {agree} of {} files made of hmarr/codeowners' test patterns agree ({refused} refused by both)",
        pattern_files.len()
    );
    assert!(
        agree >= CODEOWNERS_PATTERNS_FLOOR,
        "hmarr/codeowners patterns: {agree} agree, fewer than {CODEOWNERS_PATTERNS_FLOOR}"
    );
    differ.extend(d);
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_markup_formats_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let long_line = format!("{} @u\n* @v\n", "a".repeat(65_540));
    let at_limit = format!("{} @u\n* @v\n", "a".repeat(65_535 - 3));
    let past_limit = format!("{} @u\n* @v\n", "a".repeat(65_536 - 3));
    let extra_codeowners = [long_line, at_limit, past_limit];
    let mut differ = Vec::new();
    for (name, corners, extra) in [
        ("xml", XML_CORNERS, &[][..]),
        ("codeowners", CODEOWNERS_CORNERS, &extra_codeowners[..]),
        ("edn", EDN_CORNERS, &[][..]),
    ] {
        let texts: Vec<String> = corners
            .iter()
            .map(|c| (*c).to_string())
            .chain(extra.iter().cloned())
            .collect();
        let files: Vec<PathBuf> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let f = dir.path().join(format!("{name}-{i}"));
                std::fs::write(&f, t).unwrap();
                f
            })
            .collect();
        let (agree, refused, d) = compare_texts(&conftest, name, &files, &texts);
        eprintln!(
            "{TEST}: {name} corner cases: {agree} of {} agree ({refused} refused by both)",
            files.len()
        );
        // Both sides refusing every case would prove nothing: most must parse.
        assert!(refused * 2 < files.len(), "{name}: {refused} refused");
        differ.extend(d.into_iter().map(|d| {
            let input = &texts[file_index(&d)];
            let shown: String = input.chars().take(200).collect();
            format!("{d}\n  input: {shown:?}")
        }));
    }
    assert_none_differ("corner cases", &differ);
}

/// The case number in a difference's file name (`…/PARSER-N: …`).
fn file_index(difference: &str) -> usize {
    let name = difference.split(':').next().unwrap_or_default();
    name.rsplit('-').next().unwrap().parse().unwrap()
}
