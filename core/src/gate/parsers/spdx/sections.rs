//! The version's tag-value parser (`spdx/v2/v2_{1,2,3}/tagvalue/reader`): a state machine over
//! the document's sections (start, creation info, package, file, snippet, other license, review)
//! that moves on at the tag that opens another section; relationships and annotations may follow
//! any section. The 2.1 and 2.2 parsers differ from 2.3 in the tags and checksum algorithms they
//! know (see [`Version`]).

use super::Version;
use super::model::{
    Annotation, ArtifactOfProject, CreationInfo, Creator, DocElementId, ExternalDocumentRef,
    ExternalRef, File, OtherLicense, Package, Relationship, VerificationCode,
};
use super::values::{
    atoi, checksum, doc_element_id, element_id, external_document_ref, fields, subs,
    verification_code,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
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
pub(super) struct Parser {
    pub(super) version: Version,
    pub(super) state: State,
    pub(super) spdx_version: String,
    pub(super) data_license: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) namespace: String,
    pub(super) external_refs: Vec<ExternalDocumentRef>,
    pub(super) comment: String,
    pub(super) creation_info: Option<CreationInfo>,
    pub(super) packages: Vec<Package>,
    pub(super) files: Vec<File>,
    pub(super) ext_refs: Vec<ExternalRef>,
    pub(super) artifacts: Vec<ArtifactOfProject>,
    pub(super) licenses: Vec<OtherLicense>,
    pub(super) relationships: Vec<Relationship>,
    pub(super) annotations: Vec<Annotation>,
    pub(super) doc_packages: Vec<usize>,
    pub(super) doc_files: Vec<usize>,
    /// `None` for a license converted to nil
    pub(super) doc_licenses: Vec<Option<usize>>,
    pub(super) doc_relationships: Vec<usize>,
    pub(super) doc_annotations: Vec<usize>,
    pub(super) pkg: Option<usize>,
    pub(super) pkg_ext_ref: Option<usize>,
    pub(super) file: Option<usize>,
    pub(super) file_aop: Option<usize>,
    pub(super) snippet: bool,
    pub(super) other_license: Option<usize>,
    pub(super) relationship: Option<usize>,
    pub(super) annotation: Option<usize>,
    pub(super) review: bool,
}

type Step = Result<(), String>;

const NOT_THERE: &str = "no current element for this tag";

impl Parser {
    pub(super) fn new(version: Version) -> Parser {
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

    pub(super) fn pair(&mut self, tag: &str, value: &str) -> Step {
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
    pub(super) fn finish(&self) -> Step {
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
    pub(super) fn convert_to_2_3(&mut self) {
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
