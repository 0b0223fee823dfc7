//! tools-golang's SPDX 2.3 model (`spdx/v2/v2_3`, `spdx/v2/common`), as far as its JSON shows
//! it: the elements the tag-value parsers fill in, each list that Go leaves nil apart from an
//! empty one (`None`), since the JSON writes `null` for one and leaves the other out.

/// A document element id: `DocumentRef-x:SPDXRef-y`, `SPDXRef-y`, or `NONE`/`NOASSERTION`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct DocElementId {
    pub(super) document: String,
    pub(super) element: String,
    pub(super) special: String,
}

#[derive(Default)]
pub(super) struct Creator {
    pub(super) kind: String,
    pub(super) name: String,
}

#[derive(Default)]
pub(super) struct CreationInfo {
    pub(super) license_list_version: String,
    pub(super) creators: Option<Vec<Creator>>,
    pub(super) created: String,
    pub(super) comment: String,
}

impl CreationInfo {
    pub(super) fn is_zero(&self) -> bool {
        self.license_list_version.is_empty()
            && self.creators.is_none()
            && self.created.is_empty()
            && self.comment.is_empty()
    }
}

pub(super) struct ExternalDocumentRef {
    pub(super) id: String,
    pub(super) uri: String,
    pub(super) algorithm: String,
    pub(super) checksum: String,
}

#[derive(Default, Clone)]
pub(super) struct Checksum {
    pub(super) algorithm: String,
    pub(super) value: String,
}

#[derive(Default)]
pub(super) struct ExternalRef {
    pub(super) category: String,
    pub(super) kind: String,
    pub(super) locator: String,
    pub(super) comment: String,
}

#[derive(Default)]
pub(super) struct VerificationCode {
    pub(super) value: String,
    pub(super) excluded: Vec<String>,
}

#[derive(Default)]
pub(super) struct Package {
    pub(super) name: String,
    pub(super) id: String,
    pub(super) version: String,
    pub(super) file_name: String,
    /// type (empty for `NOASSERTION`) and name
    pub(super) supplier: Option<(String, String)>,
    pub(super) originator: Option<(String, String)>,
    pub(super) download_location: String,
    pub(super) files_analyzed: bool,
    pub(super) verification_code: Option<VerificationCode>,
    pub(super) checksums: Option<Vec<Checksum>>,
    pub(super) home_page: String,
    pub(super) source_info: String,
    pub(super) license_concluded: String,
    pub(super) license_info_from_files: Vec<String>,
    pub(super) license_declared: String,
    pub(super) license_comments: String,
    pub(super) copyright_text: String,
    pub(super) summary: String,
    pub(super) description: String,
    pub(super) comment: String,
    /// indexes into [`Parser::ext_refs`]; `None` for one converted to nil
    pub(super) external_refs: Vec<Option<usize>>,
    pub(super) attribution_texts: Vec<String>,
    pub(super) primary_purpose: String,
    pub(super) release_date: String,
    pub(super) built_date: String,
    pub(super) valid_until_date: String,
    pub(super) files: Vec<usize>,
}

#[derive(Default)]
pub(super) struct ArtifactOfProject {
    pub(super) name: String,
    pub(super) home_page: String,
    pub(super) uri: String,
}

#[derive(Default)]
pub(super) struct File {
    pub(super) name: String,
    pub(super) id: String,
    pub(super) types: Vec<String>,
    pub(super) checksums: Option<Vec<Checksum>>,
    pub(super) license_concluded: String,
    pub(super) license_info_in_files: Vec<String>,
    pub(super) license_comments: String,
    pub(super) copyright_text: String,
    /// indexes into [`Parser::artifacts`]; `None` for one converted to nil
    pub(super) artifacts: Vec<Option<usize>>,
    pub(super) comment: String,
    pub(super) notice: String,
    pub(super) contributors: Vec<String>,
    pub(super) attribution_texts: Vec<String>,
    pub(super) dependencies: Vec<String>,
}

#[derive(Default)]
pub(super) struct OtherLicense {
    pub(super) id: String,
    pub(super) extracted_text: String,
    pub(super) name: String,
    pub(super) cross_references: Vec<String>,
    pub(super) comment: String,
}

impl OtherLicense {
    pub(super) fn is_zero(&self) -> bool {
        self.id.is_empty()
            && self.extracted_text.is_empty()
            && self.name.is_empty()
            && self.cross_references.is_empty()
            && self.comment.is_empty()
    }
}

#[derive(Default)]
pub(super) struct Relationship {
    pub(super) a: DocElementId,
    pub(super) b: DocElementId,
    pub(super) kind: String,
    pub(super) comment: String,
}

#[derive(Default)]
pub(super) struct Annotation {
    pub(super) annotator: Creator,
    pub(super) date: String,
    pub(super) kind: String,
    pub(super) comment: String,
}
