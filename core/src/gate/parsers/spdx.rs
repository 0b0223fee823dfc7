//! conftest's `spdx` parser (v0.71.1): an SPDX tag-value document, read by spdx/tools-golang
//! v0.5.7's `tagvalue.Read` into its SPDX 2.3 model and given as the JSON of that model.
//!
//! A port of tools-golang's reader: `tagvalue/reader` (lines of `Tag: value`, `<text>…</text>`
//! values across lines, `#` comments), the version's parser (`spdx/v2/v2_{1,2,3}/tagvalue/reader`:
//! a state machine over the sections, which keeps only what the model holds: snippets, reviews and
//! annotation targets are read and checked but dropped), the conversion of a 2.1 or 2.2 document
//! to the 2.3 model (go-struct-converter: the version becomes `SPDX-2.3`, a package's
//! verification code is always present, an entry that is all zero becomes `null`), and the
//! model's JSON (`spdx/json.rs`). spdx-rs (0.5.5) was considered: its model and JSON follow the
//! SPDX JSON schema rather than tools-golang's model (which always writes `filesAnalyzed`, drops
//! snippets and reviews, and converts 2.1 and 2.2 documents), and its tag-value reader is its own,
//! not tools-golang's state machine.
//!
//! Errors name the line and the tag, never a value (conftest's own message prints the whole
//! input, as bytes; sealgate does not).

use serde_json::Value;

mod json;

/// `bufio.Scanner`'s longest line (its 64 KiB token buffer, the newline included).
const MAX_LINE: usize = 64 * 1024 - 1;

/// Parses `text` as conftest's spdx parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let pairs = read_tag_values(text)?;
    if pairs.is_empty() {
        anyhow::bail!("spdx: no tag values found");
    }
    let version = pairs
        .iter()
        .find(|p| p.tag == "SPDXVersion")
        .map(|p| p.value.as_str())
        .unwrap_or_default();
    let version = match version {
        "SPDX-2.1" => Version::V2_1,
        "SPDX-2.2" => Version::V2_2,
        "SPDX-2.3" => Version::V2_3,
        _ => anyhow::bail!("spdx: unsupported SPDX version (2.1, 2.2 and 2.3 are read)"),
    };
    let mut parser = Parser::new(version);
    for pair in &pairs {
        parser
            .pair(&pair.tag, &pair.value)
            .map_err(|e| anyhow::anyhow!("spdx: line {}: {e}", pair.line))?;
    }
    parser.finish().map_err(|e| anyhow::anyhow!("spdx: {e}"))?;
    if version != Version::V2_3 {
        parser.convert_to_2_3();
    }
    json::document(&parser).map_err(|e| anyhow::anyhow!("spdx: marshal spdx to json: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Version {
    V2_1,
    V2_2,
    V2_3,
}

struct Pair {
    tag: String,
    value: String,
    line: usize,
}

/// `reader.ReadTagValues`: tag-value pairs of the lines (Go's `bufio.Scanner` lines: split at
/// `\n`, one `\r` before it dropped).
fn read_tag_values(text: &str) -> anyhow::Result<Vec<Pair>> {
    let mut pairs = Vec::new();
    // a `<text>` value being read: its tag, value so far and first line
    let mut midtext: Option<(String, String, usize)> = None;
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(pairs);
    }
    for (i, raw) in body.split('\n').enumerate() {
        let number = i + 1;
        if raw.len() > MAX_LINE {
            anyhow::bail!(
                "spdx: line {number}: longer than 64 KiB (bufio.Scanner: token too long)"
            );
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((tag, mut value, start)) = midtext.take() {
            match line.split_once("</text>") {
                None => {
                    value.push_str(line);
                    value.push('\n');
                    midtext = Some((tag, value, start));
                }
                Some((before, _)) => {
                    value.push_str(before);
                    pairs.push(Pair {
                        tag,
                        value,
                        line: start,
                    });
                }
            }
            continue;
        }
        let trimmed = line.trim_start_matches(char::is_whitespace);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, rest)) = trimmed.split_once(':') else {
            anyhow::bail!("spdx: line {number}: no colon found");
        };
        let tag = tag.trim_matches(char::is_whitespace).to_string();
        let value = match rest.split_once("<text>") {
            None => rest.trim_matches(char::is_whitespace).to_string(),
            Some((_, text)) => match text.split_once("</text>") {
                Some((inside, _)) => inside.to_string(),
                None => {
                    midtext = Some((tag, format!("{text}\n"), number));
                    continue;
                }
            },
        };
        pairs.push(Pair {
            tag,
            value,
            line: number,
        });
    }
    if let Some((_, _, start)) = midtext {
        anyhow::bail!("spdx: line {start}: a <text> value is not closed");
    }
    Ok(pairs)
}

/// A document element id: `DocumentRef-x:SPDXRef-y`, `SPDXRef-y`, or `NONE`/`NOASSERTION`.
#[derive(Debug, Clone, Default, PartialEq)]
struct DocElementId {
    document: String,
    element: String,
    special: String,
}

#[derive(Default)]
struct Creator {
    kind: String,
    name: String,
}

#[derive(Default)]
struct CreationInfo {
    license_list_version: String,
    creators: Option<Vec<Creator>>,
    created: String,
    comment: String,
}

impl CreationInfo {
    fn is_zero(&self) -> bool {
        self.license_list_version.is_empty()
            && self.creators.is_none()
            && self.created.is_empty()
            && self.comment.is_empty()
    }
}

struct ExternalDocumentRef {
    id: String,
    uri: String,
    algorithm: String,
    checksum: String,
}

#[derive(Default, Clone)]
struct Checksum {
    algorithm: String,
    value: String,
}

#[derive(Default)]
struct ExternalRef {
    category: String,
    kind: String,
    locator: String,
    comment: String,
}

#[derive(Default)]
struct VerificationCode {
    value: String,
    excluded: Vec<String>,
}

#[derive(Default)]
struct Package {
    name: String,
    id: String,
    version: String,
    file_name: String,
    /// type (empty for `NOASSERTION`) and name
    supplier: Option<(String, String)>,
    originator: Option<(String, String)>,
    download_location: String,
    files_analyzed: bool,
    verification_code: Option<VerificationCode>,
    checksums: Option<Vec<Checksum>>,
    home_page: String,
    source_info: String,
    license_concluded: String,
    license_info_from_files: Vec<String>,
    license_declared: String,
    license_comments: String,
    copyright_text: String,
    summary: String,
    description: String,
    comment: String,
    /// indexes into [`Parser::ext_refs`]; `None` for one converted to nil
    external_refs: Vec<Option<usize>>,
    attribution_texts: Vec<String>,
    primary_purpose: String,
    release_date: String,
    built_date: String,
    valid_until_date: String,
    files: Vec<usize>,
}

#[derive(Default)]
struct ArtifactOfProject {
    name: String,
    home_page: String,
    uri: String,
}

#[derive(Default)]
struct File {
    name: String,
    id: String,
    types: Vec<String>,
    checksums: Option<Vec<Checksum>>,
    license_concluded: String,
    license_info_in_files: Vec<String>,
    license_comments: String,
    copyright_text: String,
    /// indexes into [`Parser::artifacts`]; `None` for one converted to nil
    artifacts: Vec<Option<usize>>,
    comment: String,
    notice: String,
    contributors: Vec<String>,
    attribution_texts: Vec<String>,
    dependencies: Vec<String>,
}

#[derive(Default)]
struct OtherLicense {
    id: String,
    extracted_text: String,
    name: String,
    cross_references: Vec<String>,
    comment: String,
}

impl OtherLicense {
    fn is_zero(&self) -> bool {
        self.id.is_empty()
            && self.extracted_text.is_empty()
            && self.name.is_empty()
            && self.cross_references.is_empty()
            && self.comment.is_empty()
    }
}

#[derive(Default)]
struct Relationship {
    a: DocElementId,
    b: DocElementId,
    kind: String,
    comment: String,
}

#[derive(Default)]
struct Annotation {
    annotator: Creator,
    date: String,
    kind: String,
    comment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    CreationInfo,
    Package,
    File,
    Snippet,
    OtherLicense,
    Review,
}

/// The version's `tvParser`: the document, every element made (the document's lists hold their
/// indexes, as Go's hold pointers), and the current element of each kind.
struct Parser {
    version: Version,
    state: State,
    spdx_version: String,
    data_license: String,
    id: String,
    name: String,
    namespace: String,
    external_refs: Vec<ExternalDocumentRef>,
    comment: String,
    creation_info: Option<CreationInfo>,
    packages: Vec<Package>,
    files: Vec<File>,
    ext_refs: Vec<ExternalRef>,
    artifacts: Vec<ArtifactOfProject>,
    licenses: Vec<OtherLicense>,
    relationships: Vec<Relationship>,
    annotations: Vec<Annotation>,
    doc_packages: Vec<usize>,
    doc_files: Vec<usize>,
    /// `None` for a license converted to nil
    doc_licenses: Vec<Option<usize>>,
    doc_relationships: Vec<usize>,
    doc_annotations: Vec<usize>,
    pkg: Option<usize>,
    pkg_ext_ref: Option<usize>,
    file: Option<usize>,
    file_aop: Option<usize>,
    snippet: bool,
    other_license: Option<usize>,
    relationship: Option<usize>,
    annotation: Option<usize>,
    review: bool,
}

type Step = Result<(), String>;

const NOT_THERE: &str = "no current element for this tag";

impl Parser {
    fn new(version: Version) -> Parser {
        Parser {
            version,
            state: State::Start,
            spdx_version: String::new(),
            data_license: String::new(),
            id: String::new(),
            name: String::new(),
            namespace: String::new(),
            external_refs: Vec::new(),
            comment: String::new(),
            creation_info: None,
            packages: Vec::new(),
            files: Vec::new(),
            ext_refs: Vec::new(),
            artifacts: Vec::new(),
            licenses: Vec::new(),
            relationships: Vec::new(),
            annotations: Vec::new(),
            doc_packages: Vec::new(),
            doc_files: Vec::new(),
            doc_licenses: Vec::new(),
            doc_relationships: Vec::new(),
            doc_annotations: Vec::new(),
            pkg: None,
            pkg_ext_ref: None,
            file: None,
            file_aop: None,
            snippet: false,
            other_license: None,
            relationship: None,
            annotation: None,
            review: false,
        }
    }

    fn pair(&mut self, tag: &str, value: &str) -> Step {
        match self.state {
            State::Start => self.start(tag, value),
            State::CreationInfo => self.creation_info(tag, value),
            State::Package => self.package(tag, value),
            State::File => self.file(tag, value),
            State::Snippet => self.snippet(tag, value),
            State::OtherLicense => self.other_license(tag, value),
            State::Review => self.review(tag, value),
        }
    }

    /// `ParseTagValues`'s last checks: the last file and package need their SPDX identifier.
    fn finish(&self) -> Step {
        if self.file.is_some_and(|f| self.files[f].id.is_empty()) {
            return Err("a file does not have an SPDX identifier".into());
        }
        if self.pkg.is_some_and(|p| self.packages[p].id.is_empty()) {
            return Err("a package does not have an SPDX identifier".into());
        }
        Ok(())
    }

    fn start(&mut self, tag: &str, value: &str) -> Step {
        match tag {
            "DocumentComment" => self.comment = value.to_string(),
            "SPDXVersion" => self.spdx_version = value.to_string(),
            "DataLicense" => self.data_license = value.to_string(),
            "SPDXID" => self.id = element_id(value)?,
            "DocumentName" => self.name = value.to_string(),
            "DocumentNamespace" => self.namespace = value.to_string(),
            "ExternalDocumentRef" => {
                let r = external_document_ref(value)?;
                self.external_refs.push(r);
            }
            _ => {
                self.state = State::CreationInfo;
                return self.creation_info(tag, value);
            }
        }
        Ok(())
    }

    fn creation_info(&mut self, tag: &str, value: &str) -> Step {
        let ci = self.creation_info.get_or_insert_with(CreationInfo::default);
        match tag {
            "LicenseListVersion" => ci.license_list_version = value.to_string(),
            "Creator" => {
                let (kind, name) = subs(value)?;
                if !matches!(kind.as_str(), "Person" | "Organization" | "Tool") {
                    return Err("unrecognized Creator type".into());
                }
                ci.creators
                    .get_or_insert_with(Vec::new)
                    .push(Creator { kind, name });
            }
            "Created" => ci.created = value.to_string(),
            "CreatorComment" => ci.comment = value.to_string(),
            "PackageName" => {
                self.check_file_id()?;
                self.state = State::Package;
                self.pkg = Some(self.new_package());
                return self.package(tag, value);
            }
            "FileName" => {
                self.state = State::File;
                self.pkg = None;
                return self.file(tag, value);
            }
            "LicenseID" => {
                self.state = State::OtherLicense;
                return self.other_license(tag, value);
            }
            "Reviewer" => {
                self.state = State::Review;
                return self.review(tag, value);
            }
            "DocumentComment" if self.version >= Version::V2_2 => {
                self.state = State::Start;
                return self.start(tag, value);
            }
            _ => return self.shared(tag, value, "CreationInfo"),
        }
        Ok(())
    }

    fn new_package(&mut self) -> usize {
        self.packages.push(Package {
            files_analyzed: true,
            ..Package::default()
        });
        self.packages.len() - 1
    }

    fn check_file_id(&self) -> Step {
        match self.file {
            Some(f) if self.files[f].id.is_empty() => {
                Err("a file does not have an SPDX identifier".into())
            }
            _ => Ok(()),
        }
    }

    /// The tags every section after the creation info reads the same way: relationships and
    /// annotations (and what is left: an unknown tag of `section`).
    fn shared(&mut self, tag: &str, value: &str, section: &str) -> Step {
        match tag {
            "Relationship" => {
                self.relationships.push(Relationship::default());
                self.relationship = Some(self.relationships.len() - 1);
                self.doc_relationships.push(self.relationships.len() - 1);
                self.relationship_pair(tag, value)
            }
            "RelationshipComment" => self.relationship_pair(tag, value),
            "Annotator" => {
                self.annotations.push(Annotation::default());
                self.annotation = Some(self.annotations.len() - 1);
                self.doc_annotations.push(self.annotations.len() - 1);
                self.annotation_pair(tag, value)
            }
            "AnnotationDate" | "AnnotationType" | "SPDXREF" | "AnnotationComment" => {
                self.annotation_pair(tag, value)
            }
            _ => Err(format!("received unknown tag {tag} in {section} section")),
        }
    }

    fn package(&mut self, tag: &str, value: &str) -> Step {
        if tag != "ExternalRefComment" {
            self.pkg_ext_ref = None;
        }
        match tag {
            "PackageName" => {
                let named = self.pkg.is_some_and(|p| !self.packages[p].name.is_empty());
                if self.pkg.is_none() || named {
                    if self.pkg.is_some_and(|p| self.packages[p].id.is_empty()) {
                        return Err("a package does not have an SPDX identifier".into());
                    }
                    self.pkg = Some(self.new_package());
                }
            }
            "FileName" => {
                self.state = State::File;
                return self.file(tag, value);
            }
            "LicenseID" => {
                self.state = State::OtherLicense;
                return self.other_license(tag, value);
            }
            "Reviewer" => {
                self.state = State::Review;
                return self.review(tag, value);
            }
            "Relationship"
            | "RelationshipComment"
            | "Annotator"
            | "AnnotationDate"
            | "AnnotationType"
            | "SPDXREF"
            | "AnnotationComment" => {
                return self.shared(tag, value, "Package");
            }
            _ => {}
        }
        let version = self.version;
        let at = self.pkg.ok_or(NOT_THERE)?;
        let p = &mut self.packages[at];
        let v = value.to_string();
        match tag {
            "PackageName" => p.name = v,
            "SPDXID" => {
                p.id = element_id(value)?;
                self.doc_packages.push(at);
            }
            "PackageVersion" => p.version = v,
            "PackageFileName" => p.file_name = v,
            "PackageSupplier" | "PackageOriginator" => {
                let who = if value == "NOASSERTION" {
                    (String::new(), v)
                } else {
                    let (kind, name) = subs(value)?;
                    if !matches!(kind.as_str(), "Person" | "Organization") {
                        return Err(format!("unrecognized {tag} type"));
                    }
                    (kind, name)
                };
                if tag == "PackageSupplier" {
                    p.supplier = Some(who);
                } else {
                    p.originator = Some(who);
                }
            }
            "PackageDownloadLocation" => p.download_location = v,
            "FilesAnalyzed" => match value {
                "false" => p.files_analyzed = false,
                "true" => p.files_analyzed = true,
                _ => {}
            },
            "PackageVerificationCode" => p.verification_code = Some(verification_code(value)),
            "PackageChecksum" => {
                let sum = checksum(version, value)?;
                p.checksums.get_or_insert_with(Vec::new).push(sum);
            }
            "PackageHomePage" => p.home_page = v,
            "PackageSourceInfo" => p.source_info = v,
            "PackageLicenseConcluded" => p.license_concluded = v,
            "PackageLicenseInfoFromFiles" => p.license_info_from_files.push(v),
            "PackageLicenseDeclared" => p.license_declared = v,
            "PackageLicenseComments" => p.license_comments = v,
            "PackageCopyrightText" => p.copyright_text = v,
            "PackageSummary" => p.summary = v,
            "PackageDescription" => p.description = v,
            "PackageComment" => p.comment = v,
            "PrimaryPackagePurpose" if version >= Version::V2_3 => p.primary_purpose = v,
            "ReleaseDate" if version >= Version::V2_3 => p.release_date = v,
            "BuiltDate" if version >= Version::V2_3 => p.built_date = v,
            "ValidUntilDate" if version >= Version::V2_3 => p.valid_until_date = v,
            "PackageAttributionText" if version >= Version::V2_2 => p.attribution_texts.push(v),
            "ExternalRef" => {
                self.ext_refs.push(ExternalRef::default());
                let r = self.ext_refs.len() - 1;
                p.external_refs.push(Some(r));
                self.pkg_ext_ref = Some(r);
                let parts = fields(value);
                let [category, kind, locator] = parts.as_slice() else {
                    return Err(format!("expected 3 elements, got {}", parts.len()));
                };
                let e = &mut self.ext_refs[r];
                e.category = category.to_string();
                e.kind = kind.to_string();
                e.locator = locator.to_string();
            }
            "ExternalRefComment" => {
                let r = self
                    .pkg_ext_ref
                    .take()
                    .ok_or("no current ExternalRef found")?;
                self.ext_refs[r].comment = v;
            }
            _ => return Err(format!("received unknown tag {tag} in Package section")),
        }
        Ok(())
    }

    fn file(&mut self, tag: &str, value: &str) -> Step {
        if tag != "ArtifactOfProjectHomePage" && tag != "ArtifactOfProjectURI" {
            self.file_aop = None;
        }
        match tag {
            "FileName" => {
                self.check_file_id()?;
                self.files.push(File {
                    name: value.to_string(),
                    ..File::default()
                });
                self.file = Some(self.files.len() - 1);
                return Ok(());
            }
            "PackageName" => {
                self.state = State::Package;
                self.check_file_id()?;
                self.file = None;
                return self.package(tag, value);
            }
            "SnippetSPDXID" => {
                self.state = State::Snippet;
                return self.snippet(tag, value);
            }
            "LicenseID" => {
                self.state = State::OtherLicense;
                return self.other_license(tag, value);
            }
            "Reviewer" => {
                self.state = State::Review;
                return self.review(tag, value);
            }
            "Relationship"
            | "RelationshipComment"
            | "Annotator"
            | "AnnotationDate"
            | "AnnotationType"
            | "SPDXREF"
            | "AnnotationComment" => {
                return self.shared(tag, value, "File");
            }
            _ => {}
        }
        let version = self.version;
        let at = self.file.ok_or(NOT_THERE)?;
        let f = &mut self.files[at];
        let v = value.to_string();
        match tag {
            "SPDXID" => {
                f.id = element_id(value)?;
                match self.pkg {
                    Some(p) => self.packages[p].files.push(at),
                    None => self.doc_files.push(at),
                }
            }
            "FileType" => f.types.push(v),
            "FileChecksum" => {
                let sum = checksum(version, value)?;
                f.checksums.get_or_insert_with(Vec::new).push(sum);
            }
            "LicenseConcluded" => f.license_concluded = v,
            "LicenseInfoInFile" => f.license_info_in_files.push(v),
            "LicenseComments" => f.license_comments = v,
            "FileCopyrightText" => f.copyright_text = v,
            "ArtifactOfProjectName" => {
                self.artifacts.push(ArtifactOfProject {
                    name: v,
                    ..ArtifactOfProject::default()
                });
                let a = self.artifacts.len() - 1;
                f.artifacts.push(Some(a));
                self.file_aop = Some(a);
            }
            "ArtifactOfProjectHomePage" | "ArtifactOfProjectURI" => {
                let a = self.file_aop.ok_or("no current ArtifactOfProject found")?;
                if tag == "ArtifactOfProjectURI" {
                    self.artifacts[a].uri = v;
                } else {
                    self.artifacts[a].home_page = v;
                }
            }
            "FileComment" => f.comment = v,
            "FileNotice" => f.notice = v,
            "FileContributor" => f.contributors.push(v),
            "FileDependency" => f.dependencies.push(v),
            "FileAttributionText" if version >= Version::V2_2 => f.attribution_texts.push(v),
            _ => return Err(format!("received unknown tag {tag} in File section")),
        }
        Ok(())
    }

    /// Snippets are read and checked, and dropped: the model keeps them where its JSON does not
    /// look (`File.Snippets`, `json:"-"`).
    fn snippet(&mut self, tag: &str, value: &str) -> Step {
        match tag {
            "SnippetSPDXID" => {
                self.check_file_id()?;
                self.snippet = true;
                element_id(value)?;
            }
            "FileName" => {
                self.state = State::File;
                self.snippet = false;
                return self.file(tag, value);
            }
            "PackageName" => {
                self.state = State::Package;
                self.file = None;
                self.snippet = false;
                return self.package(tag, value);
            }
            "LicenseID" => {
                self.state = State::OtherLicense;
                return self.other_license(tag, value);
            }
            "SnippetFromFileSPDXID" => {
                doc_element_id(value)?;
            }
            "SnippetByteRange" | "SnippetLineRange" => {
                let (start, end) = subs(value)?;
                atoi(&start)?;
                atoi(&end)?;
            }
            "SnippetLicenseConcluded"
            | "LicenseInfoInSnippet"
            | "SnippetLicenseComments"
            | "SnippetCopyrightText"
            | "SnippetComment"
            | "SnippetName" => {}
            "SnippetAttributionText" if self.version >= Version::V2_2 => {}
            "Reviewer" => {
                self.state = State::Review;
                return self.review(tag, value);
            }
            _ => return self.shared(tag, value, "Snippet"),
        }
        if !self.snippet {
            return Err(NOT_THERE.into());
        }
        Ok(())
    }

    fn other_license(&mut self, tag: &str, value: &str) -> Step {
        let v = value.to_string();
        if tag == "LicenseID" {
            self.licenses.push(OtherLicense {
                id: v,
                ..OtherLicense::default()
            });
            self.other_license = Some(self.licenses.len() - 1);
            self.doc_licenses.push(Some(self.licenses.len() - 1));
            return Ok(());
        }
        fn field(p: &mut Parser) -> Result<&mut OtherLicense, String> {
            let at = p.other_license.ok_or(NOT_THERE)?;
            Ok(&mut p.licenses[at])
        }
        match tag {
            "ExtractedText" => field(self)?.extracted_text = v,
            "LicenseName" => field(self)?.name = v,
            "LicenseCrossReference" => field(self)?.cross_references.push(v),
            "LicenseComment" => field(self)?.comment = v,
            "Reviewer" => {
                self.state = State::Review;
                return self.review(tag, value);
            }
            _ => return self.shared(tag, value, "OtherLicense"),
        }
        Ok(())
    }

    /// Reviews are read and checked, and dropped (`Document.Reviews` is `json:"-"`).
    fn review(&mut self, tag: &str, value: &str) -> Step {
        match tag {
            "Reviewer" => {
                self.review = true;
                let (kind, _) = subs(value)?;
                if !matches!(kind.as_str(), "Person" | "Organization" | "Tool") {
                    return Err("unrecognized Reviewer type".into());
                }
            }
            "ReviewDate" | "ReviewComment" if self.review => {}
            _ => return self.shared(tag, value, "Review"),
        }
        Ok(())
    }

    fn relationship_pair(&mut self, tag: &str, value: &str) -> Step {
        let at = self
            .relationship
            .ok_or("no relationship struct created in parser rln pointer")?;
        if tag == "RelationshipComment" {
            self.relationships[at].comment = value.to_string();
            return Ok(());
        }
        let parts = fields(value);
        let [a, kind, b] = parts.as_slice() else {
            return Err("invalid relationship format".into());
        };
        let a = doc_element_id(a)?;
        let b = if self.version >= Version::V2_2 && (*b == "NONE" || *b == "NOASSERTION") {
            DocElementId {
                special: b.to_string(),
                ..DocElementId::default()
            }
        } else {
            doc_element_id(b)?
        };
        let r = &mut self.relationships[at];
        r.a = a;
        r.kind = kind.to_string();
        r.b = b;
        Ok(())
    }

    fn annotation_pair(&mut self, tag: &str, value: &str) -> Step {
        let at = self
            .annotation
            .ok_or("no annotation struct created in parser ann pointer")?;
        let a = &mut self.annotations[at];
        match tag {
            "Annotator" => {
                let (kind, name) = subs(value)?;
                if !matches!(kind.as_str(), "Person" | "Organization" | "Tool") {
                    return Err("unrecognized Annotator type".into());
                }
                a.annotator = Creator { kind, name };
            }
            "AnnotationDate" => a.date = value.to_string(),
            "AnnotationType" => a.kind = value.to_string(),
            "SPDXREF" => {
                doc_element_id(value)?;
            }
            _ => a.comment = value.to_string(),
        }
        Ok(())
    }

    /// What go-struct-converter changes in a 2.1 or 2.2 document on its way to the 2.3 model:
    /// the version, a verification code on every package (a struct there, a pointer here), and
    /// elements behind pointers that are all zero become nil.
    fn convert_to_2_3(&mut self) {
        self.spdx_version = "SPDX-2.3".to_string();
        if self
            .creation_info
            .as_ref()
            .is_some_and(CreationInfo::is_zero)
        {
            self.creation_info = None;
        }
        for p in &mut self.packages {
            p.verification_code
                .get_or_insert_with(VerificationCode::default);
            for r in &mut p.external_refs {
                if r.is_some_and(|i| {
                    let e = &self.ext_refs[i];
                    e.category.is_empty()
                        && e.kind.is_empty()
                        && e.locator.is_empty()
                        && e.comment.is_empty()
                }) {
                    *r = None;
                }
            }
        }
        for f in &mut self.files {
            for a in &mut f.artifacts {
                if a.is_some_and(|i| {
                    let x = &self.artifacts[i];
                    x.name.is_empty() && x.home_page.is_empty() && x.uri.is_empty()
                }) {
                    *a = None;
                }
            }
        }
        for l in &mut self.doc_licenses {
            if l.is_some_and(|i| self.licenses[i].is_zero()) {
                *l = None;
            }
        }
    }
}

/// Go's `strings.Fields` over single spaces, as the readers split (`Split(value, " ")`, parts
/// trimmed, empty ones dropped).
fn fields(value: &str) -> Vec<&str> {
    value
        .split(' ')
        .map(|s| s.trim_matches(char::is_whitespace))
        .filter(|s| !s.is_empty())
        .collect()
}

/// `extractSubs`: `key: value`, both trimmed.
fn subs(value: &str) -> Result<(String, String), String> {
    let (k, v) = value
        .split_once(':')
        .ok_or("invalid subvalue format (no colon found)")?;
    Ok((
        k.trim_matches(char::is_whitespace).to_string(),
        v.trim_matches(char::is_whitespace).to_string(),
    ))
}

/// `strconv.Atoi`.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a range bound is not a number".into());
    }
    s.parse()
        .map_err(|_| "a range bound is out of range".into())
}

/// `extractElementID`: `SPDXRef-x` gives `x`.
fn element_id(value: &str) -> Result<String, String> {
    let id = value
        .strip_prefix("SPDXRef-")
        .ok_or("missing SPDXRef- prefix for element identifier")?;
    if value.contains(':') {
        return Err("invalid colon in element identifier".into());
    }
    if id.is_empty() {
        return Err("element identifier has nothing after prefix".into());
    }
    Ok(id.to_string())
}

/// `extractDocElementID`: `[DocumentRef-d:]SPDXRef-x`.
fn doc_element_id(value: &str) -> Result<DocElementId, String> {
    let mut document = String::new();
    let mut id = value;
    if value.starts_with("DocumentRef-") {
        let parts: Vec<&str> = value.split(':').collect();
        match parts.len() {
            1 => return Err("no colon found although DocumentRef- prefix present".into()),
            2 => {}
            _ => return Err("more than one colon found".into()),
        }
        document = parts[0]
            .strip_prefix("DocumentRef-")
            .unwrap_or_default()
            .to_string();
        if document.is_empty() {
            return Err("document identifier has nothing after prefix".into());
        }
        id = parts[1];
    }
    let element = id
        .strip_prefix("SPDXRef-")
        .ok_or("missing SPDXRef- prefix for element identifier")?;
    if id.contains(':') {
        return Err("invalid colon in element identifier".into());
    }
    if element.is_empty() {
        return Err("element identifier has nothing after prefix".into());
    }
    Ok(DocElementId {
        document,
        element: element.to_string(),
        special: String::new(),
    })
}

/// `extractExternalDocumentReference`: `DocumentRef-x URI ALG: SUM` (or `ALG:SUM`).
fn external_document_ref(value: &str) -> Result<ExternalDocumentRef, String> {
    let parts = fields(value);
    let (id, uri, algorithm, checksum) = match parts.as_slice() {
        [id, uri, alg, sum] => {
            let alg = alg
                .strip_suffix(':')
                .ok_or("algorithm does not end with colon")?;
            (*id, *uri, alg.to_string(), sum.to_string())
        }
        [id, uri, both] => {
            let (alg, sum) = both
                .split_once(':')
                .ok_or("missing colon separator between algorithm and checksum")?;
            (*id, *uri, alg.to_string(), sum.to_string())
        }
        _ => return Err(format!("expected 4 elements, got {}", parts.len())),
    };
    let id = id
        .strip_prefix("DocumentRef-")
        .ok_or("expected first element to have DocumentRef- prefix")?;
    if id.is_empty() {
        return Err("document identifier has nothing after prefix".into());
    }
    Ok(ExternalDocumentRef {
        id: id.to_string(),
        uri: uri.to_string(),
        algorithm,
        checksum,
    })
}

/// `ALG: VALUE` with an algorithm of the version's list.
fn checksum(version: Version, value: &str) -> Result<Checksum, String> {
    let (algorithm, value) = subs(value)?;
    let known: &[&str] = match version {
        Version::V2_1 => &["SHA1", "SHA256", "MD5"],
        Version::V2_2 => &[
            "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "MD2", "MD4", "MD5", "MD6",
        ],
        Version::V2_3 => &[
            "SHA1",
            "SHA224",
            "SHA256",
            "SHA384",
            "SHA512",
            "MD2",
            "MD4",
            "MD5",
            "MD6",
            "SHA3-256",
            "SHA3-384",
            "SHA3-512",
            "BLAKE2b-256",
            "BLAKE2b-384",
            "BLAKE2b-512",
            "BLAKE3",
            "ADLER32",
        ],
    };
    if !known.contains(&algorithm.as_str()) {
        return Err("got unknown checksum type".into());
    }
    Ok(Checksum { algorithm, value })
}

/// `extractCodeAndExcludes`: `CODE (excludes: FILE)`.
fn verification_code(value: &str) -> VerificationCode {
    match value.split_once("(excludes:") {
        None => VerificationCode {
            value: value.to_string(),
            excluded: Vec::new(),
        },
        Some((code, rest)) => {
            let file = rest.split_once(')').map_or(rest, |(f, _)| f);
            VerificationCode {
                value: code.trim_matches(char::is_whitespace).to_string(),
                excluded: vec![file.trim_matches(char::is_whitespace).to_string()],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const HEAD: &str = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: doc\nDocumentNamespace: https://example.com/doc\nCreator: Tool: t\nCreated: 2024-01-01T00:00:00Z\n";

    #[test]
    fn a_document_as_the_json_of_the_2_3_model() {
        let text = format!(
            "{HEAD}PackageName: p\nSPDXID: SPDXRef-p\nPackageDownloadLocation: NOASSERTION\n\
             ExternalRef: PACKAGE_MANAGER purl pkg:npm/p\nPackageCopyrightText: <text>(c)\nme</text>\n\
             FileName: ./a.c\nSPDXID: SPDXRef-a\n\
             Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p\n"
        );
        assert_eq!(
            parse(&text).unwrap(),
            json!({
                "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
                "name": "doc", "documentNamespace": "https://example.com/doc",
                "creationInfo": {"creators": ["Tool: t"], "created": "2024-01-01T00:00:00Z"},
                "packages": [{
                    "name": "p", "SPDXID": "SPDXRef-p", "downloadLocation": "NOASSERTION",
                    "filesAnalyzed": true, "copyrightText": "(c)\nme",
                    "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl", "referenceLocator": "pkg:npm/p"}],
                    "files": [{"fileName": "./a.c", "SPDXID": "SPDXRef-a", "checksums": null,
                        "copyrightText": ""}],
                }],
                "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT",
                    "relatedSpdxElement": "SPDXRef-p", "relationshipType": "DESCRIBES"}],
            })
        );
    }

    /// A 2.2 document is converted: the version says 2.3, every package has a verification code.
    #[test]
    fn older_versions_are_converted_to_2_3() {
        let text = HEAD.replace("SPDX-2.3", "SPDX-2.2") + "PackageName: p\nSPDXID: SPDXRef-p\n";
        let doc = parse(&text).unwrap();
        assert_eq!(doc["spdxVersion"], "SPDX-2.3");
        assert_eq!(
            doc["packages"][0]["packageVerificationCode"],
            json!({"packageVerificationCodeValue": ""})
        );
        let late = HEAD.replace("SPDX-2.3", "SPDX-2.2") + "PrimaryPackagePurpose: LIBRARY\n";
        assert!(parse(&late).is_err());
    }

    /// Refusals name the line and the tag, never a value (conftest prints the whole input).
    #[test]
    fn refusals_never_echo_a_value() {
        for (text, want) in [
            (format!("{HEAD}PLANTED-7f3a\n"), "line 8: no colon"),
            (
                format!("{HEAD}Creator: PLANTED-7f3a: x\n"),
                "line 8: unrecognized Creator",
            ),
            (format!("{HEAD}SPDXID: PLANTED-7f3a\n"), "line 8"),
            (
                format!("{HEAD}PackageName: PLANTED-7f3a\n"),
                "SPDX identifier",
            ),
            (format!("{HEAD}Annotator: Person:\n"), "marshal"),
            (
                format!("{HEAD}LicenseComment: <text>PLANTED-7f3a\n"),
                "line 8: a <text>",
            ),
            (
                "SPDXVersion: PLANTED-7f3a\n".to_string(),
                "unsupported SPDX version",
            ),
            (String::new(), "no tag values"),
        ] {
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
            assert!(!e.contains("PLANTED"), "{e}");
        }
    }

    #[test]
    fn a_line_past_the_scanner_buffer_is_refused() {
        let ok = format!("{HEAD}DocumentComment: {}\n", "y".repeat(MAX_LINE - 17));
        assert!(parse(&ok).is_ok());
        let long = format!("{HEAD}DocumentComment: {}\n", "y".repeat(MAX_LINE - 16));
        assert!(parse(&long).unwrap_err().to_string().contains("64 KiB"));
    }
}
