//! conftest's `cyclonedx` parser, side by side with the real `conftest parse --parser cyclonedx`
//! (v0.71.1), on CycloneDX documents nobody here wrote: cyclonedx-go's own test BOMs (JSON and
//! XML, spec 1.0 to 1.6, and its encoder's snapshots), those of an older cyclonedx-go, conftest's
//! example, and the CycloneDX fixtures of trivy and syft (valid BOMs, broken ones, golden
//! outputs), fetched into the module cache with `go mod download`. sealgate's side is
//! `Parser::parse`. A file agrees when both give the same JSON (numbers compared as numbers) or
//! both refuse it. A second test runs corner cases (type mismatches, spec versions, the custom
//! decoders' choices, XML quirks) through both the same way. Without `conftest` or `go` the tests
//! fail in CI and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Outcome, Wanted, check_module_files, compare_files, go_present, numbers_as_f64, write_cases,
};

const TEST: &str = "peer_conftest_cyclonedx";

/// The modules read, and which of their files are CycloneDX documents.
const MODULES: &[(&str, Wanted)] = &[
    ("github.com/CycloneDX/cyclonedx-go@v0.12.0", in_testdata),
    ("github.com/CycloneDX/cyclonedx-go@v0.9.2", in_testdata),
    ("github.com/open-policy-agent/conftest@v0.71.1", |p| {
        p.to_string_lossy().contains("/examples/cyclonedx/") && !ext_is(p, &["rego"])
    }),
    ("github.com/aquasecurity/trivy@v0.67.2", named_cyclonedx),
    ("github.com/anchore/syft@v1.18.1", |p| {
        named_cyclonedx(p) && !p.to_string_lossy().contains("/schema/")
    }),
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 408;

/// Files sealgate is known to read differently from conftest, each with the reason (path
/// suffixes).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

fn ext_is(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.contains(&e))
}

fn in_testdata(p: &Path) -> bool {
    p.to_string_lossy().contains("/testdata/") && ext_is(p, &["json", "xml"])
}

/// Fixtures with CycloneDX in their path (`cyclonedx`, `.cdx`), data files only.
fn named_cyclonedx(p: &Path) -> bool {
    let s = p.to_string_lossy().to_ascii_lowercase();
    (s.contains("cyclonedx") || s.contains(".cdx"))
        && (s.contains("testdata") || s.contains("test-fixtures"))
        && !ext_is(p, &["go", "md", "xsd", "gitignore"])
        && !s.ends_with("makefile")
}

/// How many of `files` (read as `texts`) agree, and the differences ([`KNOWN_DIFFERENCES`] counted
/// apart; with the input when `show_input`).
fn compare(conftest: &Path, files: &[PathBuf], texts: &[String], show_input: bool) -> Outcome {
    let known = |shown: &str| KNOWN_DIFFERENCES.iter().any(|(k, _)| shown.ends_with(k));
    compare_files(
        conftest,
        Parser::Cyclonedx,
        files,
        texts,
        numbers_as_f64,
        &known,
        show_input,
    )
}

#[test]
fn peer_conftest_cyclonedx_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    check_module_files(TEST, MODULES, FLOOR, |files, texts| {
        compare(&conftest, files, texts, false)
    });
}

/// Corner cases, judged by conftest like the files above.
pub(crate) const CYCLONEDX_CORNERS: &[&str] = &[
    "",
    "{}",
    "null",
    "[]",
    "\"x\"",
    "{\"specVersion\": \"1.4\"}",
    "{\"specVersion\": \"1.8\"}",
    "{\"specVersion\": null}",
    "{\"specVersion\": 1.4}",
    "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"version\": 1.5}",
    "{\"specVersion\": \"1.5\", \"version\": \"1\"}",
    "{\"specVersion\": \"1.5\", \"version\": 1e2}",
    "{\"specVersion\": \"1.5\", \"version\": 9223372036854775808}",
    "{\"specVersion\": \"1.5\", \"VERSION\": \"x\"}",
    "{\"specVersion\": \"1.5\", \"version\": 1, \"version\": \"x\"}",
    "{\"specVersion\": \"1.5\", \"unknown\": [1, {\"a\": null}], \"big\": 12345678901234567890}",
    "{\"specVersion\": \"1.5\", \"components\": {}}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": 5}]}",
    "{\"specVersion\": \"1.5\", \"components\": [null, {\"type\": \"library\", \"name\": \"a\", \"hashes\": [{\"alg\": \"MD5\", \"content\": \"x\"}]}]}",
    "{\"specVersion\": \"1.5\", \"metadata\": {\"tools\": [{\"name\": \"t\"}]}}",
    "{\"specVersion\": \"1.5\", \"metadata\": {\"tools\": {\"components\": [{\"name\": \"t\"}]}}}",
    "{\"specVersion\": \"1.5\", \"metadata\": {\"tools\": \"t\"}}",
    "{\"specVersion\": \"1.5\", \"metadata\": {\"tools\": {\"components\": [{\"name\": 1}]}}}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"a\", \"evidence\": {\"identity\": [{\"field\": \"purl\", \"confidence\": 1e39}]}}]}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"a\", \"evidence\": {\"identity\": {\"field\": 1}}}]}",
    "{\"specVersion\": \"1.5\", \"formulation\": [{\"workflows\": [{\"bom-ref\": \"w\", \"uid\": \"u\", \"taskTypes\": [], \"runtimeTopology\": [{\"ref\": \"r\", \"dependsOn\": [\"x\"]}], \"steps\": [{\"commands\": [{\"executed\": \"e\"}]}], \"trigger\": {\"environmentVars\": [\"A\", {\"name\": \"B\", \"value\": \"c\"}, 5]}}]}]}",
    "{\"specVersion\": \"1.5\", \"formulation\": [{\"workflows\": [{\"trigger\": {\"environmentVars\": [\"A\", {\"name\": \"B\"}, null, {}]}}]}]}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"m\", \"modelCard\": {\"modelParameters\": {\"datasets\": [{\"ref\": \"d\"}, {\"type\": \"dataset\", \"name\": 3}]}}}]}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"m\", \"modelCard\": {\"modelParameters\": {\"datasets\": [\"d\"]}}}]}",
    "{\"specVersion\": \"1.6\", \"declarations\": {\"attestations\": [{\"map\": [{\"requirement\": \"r\"}]}], \"affirmation\": {\"signatories\": [{\"name\": \"n\"}]}}}",
    "{\"specVersion\": \"1.6\", \"definitions\": {\"standards\": [{\"name\": \"s\"}], \"patents\": [{\"familyId\": \"f\"}, {\"patentNumber\": \"p\"}, {\"familyId\": 3}]}}",
    "{\"specVersion\": \"1.5\", \"\\u017fpecVersion\": \"1.0\", \"S\\u212aipped\": 1}",
    "{\"specVersion\": \"1.5\", \"vulnerabilities\": [{\"ratings\": [{\"score\": \"9\"}]}]}",
    "{\"specVersion\": \"1.5\", \"vulnerabilities\": [{\"ratings\": [{\"score\": 9.8}], \"cwes\": [79, 1.5]}]}",
    "{\"specVersion\": \"1.5\", \"SPECVERSION\": \"9\"}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"a\", \"licenses\": [{\"license\": {\"id\": 1}}]}]}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"a\", \"licenses\": [{\"expression\": \"MIT\"}, {\"license\": {\"name\": \"x\", \"text\": {\"content\": \"t\"}}}]}]}",
    "{\"specVersion\": \"1.5\", \"formulation\": [{\"workflows\": [{\"trigger\": {\"environmentVars\": [[]]}}]}]}",
    "{\"specVersion\": \"1.5\", \"formulation\": [{\"workflows\": [{\"trigger\": {\"environmentVars\": [{\"name\": 5}]}}]}]}",
    "{\"specVersion\": \"1.6\", \"components\": [{\"name\": \"c\", \"cryptoProperties\": {\"assetType\": \"protocol\", \"protocolProperties\": {\"ikev2TransformTypes\": {\"encr\": [\"ref-1\", {\"name\": \"AES\", \"keyLength\": 256}], \"auth\": [3]}}}}]}",
    "{\"specVersion\": \"1.6\", \"components\": [{\"name\": \"c\", \"cryptoProperties\": {\"assetType\": \"certificate\", \"certificateProperties\": {\"certificateState\": [{\"state\": \"active\"}, {\"name\": \"x\"}, {\"state\": 1}]}}}]}",
    "{\"specVersion\": \"1.6\", \"declarations\": {\"claims\": [{\"target\": \"t\"}], \"attestations\": [{\"summary\": \"s\", \"assessor\": \"a\"}]}, \"annotations\": [{\"annotator\": {\"organization\": {\"name\": \"o\"}}, \"subjects\": [\"a\"], \"text\": \"t\"}]}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"a\", \"supplier\": {\"name\": \"s\", \"url\": \"u\"}}]}",
    "{\"specVersion\": \"1.5\", \"components\": [{\"name\": \"a\", \"supplier\": {\"name\": \"s\", \"url\": [\"u\"]}}]}",
    "<bom version=\"1\"><components><component type=\"library\" bom-ref=\"r\"><name>a</name><hashes><hash alg=\"MD5\">x</hash></hashes><properties><property name=\"p\">v</property><property name=\"q\"/></properties><externalReferences><reference type=\"vcs\"><url>u</url></reference></externalReferences><components><component type=\"file\"><name>n</name></component></components></component></components></bom>",
    "<bom><components><component><name>a</name><cpe> x </cpe><swid tagId=\"t\" name=\"n\" version=\"1\" tagVersion=\"2\" patch=\"false\"><text content-type=\"text/xml\" encoding=\"base64\">Zm9v</text></swid></component></components></bom>",
    "<bom><components><component><name>a</name><swid tagId=\"t\" name=\"n\" tagVersion=\"x\"/></component></components></bom>",
    "<bom><metadata><timestamp>2020-01-01T00:00:00Z</timestamp><component type=\"application\"><name>m</name></component><manufacture><name>x</name><url>u1</url><url>u2</url><contact><name>c</name></contact></manufacture><supplier><name>s</name></supplier><licenses><license><name>L</name></license></licenses><properties><property name=\"a\">b</property></properties></metadata></bom>",
    "<bom><compositions><composition><aggregate>complete</aggregate><assemblies><assembly ref=\"a\"/></assemblies><dependencies><dependency ref=\"b\"/></dependencies></composition></compositions></bom>",
    "<bom><vulnerabilities><vulnerability bom-ref=\"v\"><id>CVE-1</id><source><name>NVD</name></source><ratings><rating><severity>high</severity><method>CVSSv31</method></rating></ratings><affects><target><ref>a</ref><versions><version><version>1</version><status>affected</status></version></versions></target></affects><analysis><state>exploitable</state><response><response>update</response></response></analysis></vulnerability></vulnerabilities></bom>",
    "<bom/>",
    "<other/>",
    "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\" version=\"x\"/>",
    "<bom version=\" 3 \" serialNumber=\"urn:uuid:1\"><components></components></bom>",
    "<bom version=\"1\"><components><component type=\"library\"><name>a</name><version>1</version><licenses><license><id>MIT</id><name>MIT</name></license></licenses></component></components></bom>",
    "<bom version=\"1\"><components><component type=\"library\"><name>a</name><licenses><license><url>u</url></license></licenses></component></components></bom>",
    "<bom version=\"1\"><components><component><name>a</name><licenses><expression acknowledgement=\"declared\">MIT OR Apache-2.0</expression><foo/></licenses></component></components></bom>",
    "<bom version=\"1\"><components><component><name>a</name><licenses><expression>MIT</expression></licenses></component></components></bom>",
    "<bom><metadata><tools/></metadata></bom>",
    "<bom><metadata><tools><tool><name>t</name></tool></tools></metadata></bom>",
    "<bom><metadata><tools><tool><name>t</name></tool><components><component><name>c</name></component></components></tools></metadata></bom>",
    "<bom><metadata><tools><components><component><name>c</name></component></components><services><service><name>s</name></service></services></tools></metadata></bom>",
    "<bom><dependencies><dependency ref=\"a\"><dependency ref=\"b\"/><dependency ref=\"c\"><dependency ref=\"d\"/></dependency></dependency><dependency ref=\"e\"/></dependencies></bom>",
    "<bom><services><service><name>s</name><data><classification flow=\"inbound\">PII</classification></data></service></services></bom>",
    "<bom><services><service><name>s</name><data><dataflow name=\"n\"><classification flow=\"inbound\">PII</classification><source><url>a</url><x/><url>b</url></source></dataflow></data></service></services></bom>",
    "<bom><vulnerabilities><vulnerability><ratings><rating><score>NaN</score></rating></ratings></vulnerability></vulnerabilities></bom>",
    "<bom><vulnerabilities><vulnerability><ratings><rating><score> 9.80 </score></rating></ratings><cwes><cwe>79</cwe><cwe></cwe></cwes></vulnerability></vulnerabilities></bom>",
    "<bom><components><component><name>a</name><evidence><identity><field>purl</field><confidence>0.1</confidence></identity><copyright><text>c</text></copyright></evidence></component></components></bom>",
    "<bom><components><component><name>a</name><evidence><other/></evidence></component></components></bom>",
    "<bom><components><component><name>a</name><modified>yes</modified></component></components></bom>",
    "<bom><components><component><name>a</name><modified>TRUE</modified></component></components></bom>",
    "<bom><components><component><name>a<!-- c --><![CDATA[<b>]]>&amp;&#x41;</name></component></components></bom>",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><bom/>",
    "<bom><components><component><name>a</name></component></components>",
    "<bom><components><component><name>a</name></components></bom>",
    "<bom></bom>trailing <<< garbage",
    "<bom><definitions><standards><standard bom-ref=\"s\"><name>n</name></standard><junk><standard><name>m</name></standard></junk></standards><patents><patentFamily><familyId>f</familyId></patentFamily><patent><patentNumber>1</patentNumber></patent></patents><other/></definitions></bom>",
    "<bom><formulation><formula><workflows><workflow><trigger><environmentVars><value>A</value><environmentVar name=\"B\">c</environmentVar></environmentVars></trigger></workflow></workflows></formula></formulation></bom>",
    "<bom><formulation><formula><workflows><workflow><trigger><environmentVars><bogus/></environmentVars></trigger></workflow></workflows></formula></formulation></bom>",
];

#[test]
fn peer_conftest_cyclonedx_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = CYCLONEDX_CORNERS.iter().map(|c| (*c).to_string()).collect();
    let files = write_cases(dir.path(), &texts, |i| format!("cyclonedx-{i}"));
    let o = compare(&conftest, &files, &texts, true);
    o.assert_corner_cases(TEST, files.len());
}
