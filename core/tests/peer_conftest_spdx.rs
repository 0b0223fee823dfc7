//! conftest's `spdx` parser, side by side with the real `conftest parse --parser spdx` (v0.71.1),
//! on SPDX tag-value documents nobody here wrote: tools-golang's sample documents (SPDX 2.2 and
//! 2.3, of this version and older ones), conftest's example, and syft's tag-value fixtures and
//! golden outputs, fetched into the module cache with `go mod download`; and the tag-value
//! documents written inline in tools-golang's writer tests. sealgate's side is
//! `Parser::parse`. A file agrees when both give the same JSON or both refuse it. A second test
//! runs corner cases (each section's tags, SPDX 2.1 and 2.2 documents converted to the 2.3 model,
//! `<text>` values, every refusal of the readers and of the JSON encoder) through both the same
//! way. Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::Parser;

use crate::conftest_parse::{
    Outcome, Wanted, check_module_files, compare_files, go_present, module_dir, numbers_as_f64,
    write_cases,
};

const TEST: &str = "peer_conftest_spdx";

/// The modules read, and which of their files are SPDX tag-value documents.
const MODULES: &[(&str, Wanted)] = &[
    ("github.com/spdx/tools-golang@v0.5.7", sample_doc),
    ("github.com/spdx/tools-golang@v0.4.0", sample_doc),
    ("github.com/spdx/tools-golang@v0.3.0", sample_doc),
    ("github.com/open-policy-agent/conftest@v0.71.1", |p| {
        p.to_string_lossy().contains("/examples/spdx/") && !ext_is(p, &["rego"])
    }),
    ("github.com/anchore/syft@v1.18.1", |p| {
        let s = p.to_string_lossy();
        (s.contains("/spdxtagvalue/test-fixtures/") || ext_is(p, &["spdx"])) && !ext_is(p, &["go"])
    }),
];

/// Files on which sealgate must agree with conftest, at least (the count of the last run).
const FLOOR: usize = 22;

/// Files sealgate is known to read differently from conftest, each with the reason (path
/// suffixes).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

fn ext_is(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.contains(&e))
}

/// tools-golang's tag-value files (its sample documents, and test data of older versions).
fn sample_doc(p: &Path) -> bool {
    ext_is(p, &["spdx", "tv"])
}

/// How many of `files` (read as `texts`) agree, and the differences ([`KNOWN_DIFFERENCES`] counted
/// apart; with the input when `show_input`).
fn compare(conftest: &Path, files: &[PathBuf], texts: &[String], show_input: bool) -> Outcome {
    let known = |shown: &str| KNOWN_DIFFERENCES.iter().any(|(k, _)| shown.ends_with(k));
    compare_files(
        conftest,
        Parser::Spdx,
        files,
        texts,
        numbers_as_f64,
        &known,
        show_input,
    )
}

#[test]
fn peer_conftest_spdx_matches_conftest_parse() {
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

/// The tag-value documents written inline in tools-golang's writer tests (Go raw strings with a
/// tag line), each as written and, for the fragments without an `SPDXVersion`, after the head of
/// a document of the version of the test's folder.
fn inline_documents(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.path().to_string_lossy().to_string();
        if !name.ends_with("_test.go") || !name.contains("/tagvalue/") {
            continue;
        }
        let source = std::fs::read_to_string(entry.path()).unwrap();
        let version = ["v2_1", "v2_2", "v2_3"]
            .into_iter()
            .find(|v| name.contains(&format!("/{v}/")))
            .map(|v| v.replace("v2_", "SPDX-2."));
        for (i, literal) in source.split('`').enumerate() {
            let tagged = literal.lines().any(|l| {
                l.split_once(':').is_some_and(|(tag, _)| {
                    !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric())
                })
            });
            if i % 2 == 0 || !tagged || !literal.contains(": ") {
                continue;
            }
            out.push(literal.to_string());
            if let Some(v) = &version
                && !literal.contains("SPDXVersion:")
            {
                out.push(format!("{}{literal}", HEAD_23.replace("SPDX-2.3", v)));
            }
        }
    }
    out
}

/// Files on which sealgate must agree with conftest, at least, among the inline documents.
const INLINE_FLOOR: usize = 168;

#[test]
fn peer_conftest_spdx_inline_documents_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let texts = inline_documents(&module_dir("github.com/spdx/tools-golang@v0.5.7"));
    let dir = tempfile::tempdir().unwrap();
    let files = write_cases(dir.path(), &texts, |i| format!("inline-{i}"));
    let o = compare(&conftest, &files, &texts, false);
    o.assert_inline(
        TEST,
        "tools-golang's inline documents",
        files.len(),
        INLINE_FLOOR,
    );
}

/// Corner cases, judged by conftest like the files above.
pub(crate) const SPDX_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "SPDXVersion: SPDX-2.3\n",
    "SPDXVersion: SPDX-3.0\n",
    "no colon here\n",
    "DataLicense: CC0-1.0\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\n",
    "\n\n  # c\n\tSPDXVersion:   SPDX-2.3  \r\nDocumentName:   spaced name  \r\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nDocumentComment: <text>one\ntwo\n# not a comment\n\n three</text> trailing\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nCreatorComment: <text>unclosed\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nCreatorComment: <text>same line</text>\nLicenseListVersion: 3.20\n",
    "SPDXVersion: SPDX-2.3\nSPDXID: DOCUMENT\n",
    "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-\n",
    "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-a:b\n",
    "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-SPDXRef-x\n",
    "SPDXVersion: SPDX-2.3\nDocumentName: d\n",
    "SPDXVersion: SPDX-2.3\nExternalDocumentRef: DocumentRef-x http://a SHA1: abc\nExternalDocumentRef: DocumentRef-DocumentRef-y  http://b   SHA256:def\n",
    "SPDXVersion: SPDX-2.3\nExternalDocumentRef: DocumentRef-x http://a SHA1 abc\n",
    "SPDXVersion: SPDX-2.3\nExternalDocumentRef: x http://a SHA1:abc\n",
    "SPDXVersion: SPDX-2.3\nExternalDocumentRef: DocumentRef-x http://a\n",
    "SPDXVersion: SPDX-2.3\nCreator: Robot: r\n",
    "SPDXVersion: SPDX-2.3\nCreator: Tool:\n",
    "SPDXVersion: SPDX-2.3\nCreator: none\n",
    "SPDXVersion: SPDX-2.3\nUnknownTag: x\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nDocumentComment: late comment\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nDocumentComment: late comment\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nPackageName: q\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageName: q\nSPDXID: SPDXRef-q\nPackageVersion: 1\nSPDXID: SPDXRef-q2\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPrimaryPackagePurpose: LIBRARY\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageChecksum: BLAKE3: 22\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageChecksum: SHA512: 22\nPackageAttributionText: a\nPackageVerificationCode: abc\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageChecksum: SHA512: 22\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageAttributionText: a\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageSupplier: Tool: t\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageSupplier: Person:\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageOriginator: Person: NOASSERTION\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nExternalRefComment: orphan\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nExternalRef: SECURITY cpe23Type\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nExternalRef: A B C\nPackageComment: x\nExternalRefComment: late\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nPackageVerificationCode: abc (excludes: unclosed\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nFileType: SOURCE\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nFileType: SOURCE\nFileType: TEXT\nLicenseConcluded: MIT\nLicenseInfoInFile: MIT\nLicenseComments: lc\nFileCopyrightText: NOASSERTION\nArtifactOfProjectName: ap\nArtifactOfProjectHomePage: http://ap\nArtifactOfProjectURI: http://uri\nArtifactOfProjectName:\nFileComment: fc\nFileNotice: fn\nFileContributor: me\nFileDependency: ./b.c\nFileAttributionText: fa\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nFileName: ./b.c\nSPDXID: SPDXRef-b\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nArtifactOfProjectName:\nFileName: ./b.c\nSPDXID: SPDXRef-b\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nFileName: ./b.c\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nPackageName: p\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nArtifactOfProjectURI: orphan\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nFileChecksum: CRC32: 1\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nFileChecksum: SHA512: 1\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nFileAttributionText: x\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nPackageName: q\nSPDXID: SPDXRef-q\nFileName: ./c.c\nSPDXID: SPDXRef-c\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nSnippetSPDXID: SPDXRef-s\nSnippetFromFileSPDXID: SPDXRef-a\nSnippetByteRange: 1:20\nSnippetLineRange: 2 : 3\nSnippetLicenseConcluded: MIT\nLicenseInfoInSnippet: MIT\nSnippetCopyrightText: c\nSnippetComment: c\nSnippetName: n\nSnippetAttributionText: sa\nFileName: ./z.c\nSPDXID: SPDXRef-z\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nSnippetSPDXID: SPDXRef-s\nSnippetByteRange: a:20\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nSnippetSPDXID: SPDXRef-s\nSnippetByteRange: 20\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nSnippetSPDXID: SPDXRef-s\nSnippetFromFileSPDXID: DocumentRef-x:SPDXRef-y\nSnippetLineRange: +1:-2\nPackageName: p2\nSPDXID: SPDXRef-p2\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nSnippetSPDXID: s\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSPDXID: SPDXRef-a\nFileChecksum: SHA1: 0123\nSnippetSPDXID: SPDXRef-s\nSnippetAttributionText: sa\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nFileName: ./a.c\nSnippetSPDXID: SPDXRef-s\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nLicenseID: LicenseRef-1\nExtractedText: <text>text\nmore</text>\nLicenseName: n\nLicenseCrossReference: http://a\nLicenseCrossReference: http://b\nLicenseComment: c\nLicenseID: LicenseRef-2\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nLicenseID:\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nLicenseID:\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nLicenseID: L\nPackageName: p\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p\nRelationshipComment: rc\nRelationship: DocumentRef-x:SPDXRef-a   CONTAINS   NONE\nRelationship: SPDXRef-a OTHER NOASSERTION\n",
    "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationship: SPDXRef-a OTHER NOASSERTION\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationship: SPDXRef-a OTHER\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationship: DocumentRef-x SPDXRef-a OTHER\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationship: DocumentRef-:SPDXRef-a OTHER SPDXRef-b\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationship: DocumentRef-x:y:z OTHER SPDXRef-b\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nRelationshipComment: orphan\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nAnnotator: Person: P\nAnnotationDate: 2020\nAnnotationType: REVIEW\nSPDXREF: SPDXRef-DOCUMENT\nAnnotationComment: <text>ac</text>\nAnnotator: Tool: t\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nAnnotator: Person:\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nAnnotator: Alien: a\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nAnnotationDate: 2020\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nAnnotator: Person: P\nSPDXREF: bad\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nReviewer: Person: R\nReviewDate: 2020\nReviewComment: rc\nRelationship: SPDXRef-a OTHER SPDXRef-b\nReviewer: Tool: t\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nReviewer: Alien: R\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nReviewer: Person: R\nPackageName: p\n",
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nReviewer: nocolon\n",
    "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\nPackageName: p\nSPDXID: SPDXRef-p\n",
    "SPDXVersion: SPDX-2.2\nPackageName: p\nSPDXID: SPDXRef-p\n",
    "SPDXVersion: SPDX-2.3\nPackageName: p\nSPDXID: SPDXRef-p\n",
    "SPDXVersion: SPDX-2.2\nLicenseListVersion:\nPackageName: p\nSPDXID: SPDXRef-p\n",
    "SPDXVersion: SPDX-2.2\nSPDXVersion: SPDX-2.3\nPackageName: p\nSPDXID: SPDXRef-p\nPrimaryPackagePurpose: x\n",
    "  SPDXVersion : SPDX-2.3\n Tag With Spaces : v\n",
    "SPDXVersion: <text>SPDX-2.3</text>\n",
];

/// Lines at the edge of `bufio.Scanner`'s 64 KiB buffer (65,535 bytes read, 65,536 refused).
fn long_lines() -> Vec<String> {
    let comment = |n: usize, end: &str| format!("{HEAD_23}DocumentComment: {}{end}", "y".repeat(n));
    vec![
        format!("{HEAD_23}{}: x\n", "A".repeat(70_000)),
        comment(65_535 - 17, "\n"),
        comment(65_536 - 17, "\n"),
        comment(65_536 - 17, ""),
        comment(65_534 - 17, "\r\n"),
    ]
}

/// The head of a document, to which the corner cases add sections.
const HEAD_23: &str = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t-1.0\nCreated: 2024-01-01T00:00:00Z\n";

#[test]
fn peer_conftest_spdx_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut texts: Vec<String> = SPDX_CORNERS.iter().map(|c| (*c).to_string()).collect();
    texts.extend(long_lines());
    let files = write_cases(dir.path(), &texts, |i| format!("spdx-{i}"));
    let o = compare(&conftest, &files, &texts, true);
    o.assert_corner_cases(TEST, files.len());
}
