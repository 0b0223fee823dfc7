//! cyclonedx-go v0.12.0's BOM type tree (`cyclonedx.go`), as data: every struct reachable from
//! `BOM`, its fields in declaration order with their `json` and `xml` tags and Go types. Made
//! from the library's types by reflection (field by field, nothing left out) and kept as written
//! there, so a change of version is a regeneration, not an edit. The types with methods of their
//! own (`UnmarshalJSON`, `MarshalJSON`, `UnmarshalXML`) are [`Custom`]: the readers and the
//! writer handle those by hand, ported from `cyclonedx_json.go` and `cyclonedx_xml.go`.

/// A Go type of the tree.
pub(crate) enum Ty {
    Str,
    Bool,
    /// `int` (its bits)
    Int(u32),
    /// `float32` or `float64`
    Float(u32),
    Ptr(&'static Ty),
    Slice(&'static Ty),
    Struct(&'static Struct),
    /// `xml.Name` (the BOM's `XMLName`)
    XmlName,
    /// A named type with methods of its own, over its underlying type.
    Custom(Custom, &'static Ty),
}

/// The types whose JSON or XML methods the ports in this folder replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Custom {
    AsserterChoice,
    BOMReference,
    CertificateExtension,
    CertificateState,
    Copyright,
    DataClassification,
    Definitions,
    Dependency,
    EnvironmentVariableChoice,
    EnvironmentVariables,
    Evidence,
    EvidenceIdentityChoice,
    IKEv2Auth,
    IKEv2Enc,
    IKEv2Integ,
    IKEv2Ke,
    IKEv2Prf,
    License,
    Licenses,
    MLDatasetChoice,
    PatentChoice,
    SpecVersion,
    ToolsChoice,
}

pub(crate) struct Struct {
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
}

/// A struct field: its Go name, its `json` name (`None` for `json:"-"`) and `omitempty`, its raw
/// `xml` tag, its type.
#[derive(Clone, Copy)]
pub(crate) struct Field {
    pub(crate) go: &'static str,
    pub(crate) json: Option<&'static str>,
    pub(crate) omitempty: bool,
    pub(crate) xml: &'static str,
    pub(crate) ty: &'static Ty,
}

pub(crate) static ADVISORY: Struct = Struct {
    name: "Advisory",
    fields: &[
        Field { go: "Title", json: Some("title"), omitempty: true, xml: "title,omitempty", ty: &Ty::Str },
        Field { go: "URL", json: Some("url"), omitempty: false, xml: "url", ty: &Ty::Str },
    ],
};

pub(crate) static AFFECTED_VERSIONS: Struct = Struct {
    name: "AffectedVersions",
    fields: &[
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,omitempty", ty: &Ty::Str },
        Field { go: "Range", json: Some("range"), omitempty: true, xml: "range,omitempty", ty: &Ty::Str },
        Field { go: "Status", json: Some("status"), omitempty: false, xml: "status", ty: &Ty::Str },
    ],
};

pub(crate) static AFFECTS: Struct = Struct {
    name: "Affects",
    fields: &[
        Field { go: "Ref", json: Some("ref"), omitempty: false, xml: "ref", ty: &Ty::Str },
        Field { go: "Range", json: Some("versions"), omitempty: true, xml: "versions>version,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&AFFECTED_VERSIONS))) },
    ],
};

pub(crate) static AFFIRMATION: Struct = Struct {
    name: "Affirmation",
    fields: &[
        Field { go: "Statement", json: Some("statement"), omitempty: true, xml: "statement,omitempty", ty: &Ty::Str },
        Field { go: "Signatories", json: Some("signatories"), omitempty: true, xml: "signatories>signatory,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&SIGNATORY))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static ANNOTATION: Struct = Struct {
    name: "Annotation",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Subjects", json: Some("subjects"), omitempty: true, xml: "subjects>subject,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Annotator", json: Some("annotator"), omitempty: true, xml: "annotator,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ANNOTATOR)) },
        Field { go: "Timestamp", json: Some("timestamp"), omitempty: true, xml: "timestamp,omitempty", ty: &Ty::Str },
        Field { go: "Text", json: Some("text"), omitempty: true, xml: "text,omitempty", ty: &Ty::Str },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static ANNOTATOR: Struct = Struct {
    name: "Annotator",
    fields: &[
        Field { go: "Organization", json: Some("organization"), omitempty: true, xml: "organization,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Individual", json: Some("individual"), omitempty: true, xml: "individual,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_CONTACT)) },
        Field { go: "Component", json: Some("component"), omitempty: true, xml: "component,omitempty", ty: &Ty::Ptr(&Ty::Struct(&COMPONENT)) },
        Field { go: "Service", json: Some("service"), omitempty: true, xml: "service,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SERVICE)) },
    ],
};

pub(crate) static ASSERTER_CHOICE: Struct = Struct {
    name: "AsserterChoice",
    fields: &[
        Field { go: "Organization", json: Some("organization"), omitempty: true, xml: "organization,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Individual", json: Some("individual"), omitempty: true, xml: "contact,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_CONTACT)) },
        Field { go: "BOMRef", json: Some("ref"), omitempty: true, xml: "ref,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::BOMReference, &Ty::Str)) },
    ],
};

pub(crate) static ASSESSOR: Struct = Struct {
    name: "Assessor",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "ThirdParty", json: Some("thirdParty"), omitempty: true, xml: "thirdParty,omitempty", ty: &Ty::Bool },
        Field { go: "Organization", json: Some("organization"), omitempty: true, xml: "organization,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
    ],
};

pub(crate) static ATTACHED_TEXT: Struct = Struct {
    name: "AttachedText",
    fields: &[
        Field { go: "Content", json: Some("content"), omitempty: false, xml: ",chardata", ty: &Ty::Str },
        Field { go: "ContentType", json: Some("contentType"), omitempty: true, xml: "content-type,attr,omitempty", ty: &Ty::Str },
        Field { go: "Encoding", json: Some("encoding"), omitempty: true, xml: "encoding,attr,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ATTESTATION: Struct = Struct {
    name: "Attestation",
    fields: &[
        Field { go: "Summary", json: Some("summary"), omitempty: true, xml: "summary,omitempty", ty: &Ty::Str },
        Field { go: "Assessor", json: Some("assessor"), omitempty: true, xml: "assessor,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Map", json: Some("map"), omitempty: true, xml: "map,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ATTESTATION_MAP))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static ATTESTATION_CONFIDENCE: Struct = Struct {
    name: "AttestationConfidence",
    fields: &[
        Field { go: "Score", json: Some("score"), omitempty: true, xml: "score,omitempty", ty: &Ty::Ptr(&Ty::Float(64)) },
        Field { go: "Rationale", json: Some("rationale"), omitempty: true, xml: "rationale,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ATTESTATION_CONFORMANCE: Struct = Struct {
    name: "AttestationConformance",
    fields: &[
        Field { go: "Score", json: Some("score"), omitempty: true, xml: "score,omitempty", ty: &Ty::Ptr(&Ty::Float(64)) },
        Field { go: "Rationale", json: Some("rationale"), omitempty: true, xml: "rationale,omitempty", ty: &Ty::Str },
        Field { go: "MitigationStrategies", json: Some("mitigationStrategies"), omitempty: true, xml: "mitigationStrategies>mitigationStrategy,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
    ],
};

pub(crate) static ATTESTATION_MAP: Struct = Struct {
    name: "AttestationMap",
    fields: &[
        Field { go: "Requirement", json: Some("requirement"), omitempty: true, xml: "requirement,omitempty", ty: &Ty::Str },
        Field { go: "Claims", json: Some("claims"), omitempty: true, xml: "claims>claim,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "CounterClaims", json: Some("counterClaims"), omitempty: true, xml: "counterClaims>counterClaim,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Conformance", json: Some("conformance"), omitempty: true, xml: "conformance,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTESTATION_CONFORMANCE)) },
        Field { go: "Confidence", json: Some("confidence"), omitempty: true, xml: "confidence,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTESTATION_CONFIDENCE)) },
    ],
};

pub(crate) static BOM: Struct = Struct {
    name: "BOM",
    fields: &[
        Field { go: "XMLName", json: None, omitempty: false, xml: "bom", ty: &Ty::XmlName },
        Field { go: "XMLNS", json: None, omitempty: false, xml: "xmlns,attr", ty: &Ty::Str },
        Field { go: "JSONSchema", json: Some("$schema"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "BOMFormat", json: Some("bomFormat"), omitempty: false, xml: "-", ty: &Ty::Str },
        Field { go: "SpecVersion", json: Some("specVersion"), omitempty: false, xml: "-", ty: &Ty::Custom(Custom::SpecVersion, &Ty::Int(64)) },
        Field { go: "SerialNumber", json: Some("serialNumber"), omitempty: true, xml: "serialNumber,attr,omitempty", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: false, xml: "version,attr", ty: &Ty::Int(64) },
        Field { go: "Metadata", json: Some("metadata"), omitempty: true, xml: "metadata,omitempty", ty: &Ty::Ptr(&Ty::Struct(&METADATA)) },
        Field { go: "Components", json: Some("components"), omitempty: true, xml: "components>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Services", json: Some("services"), omitempty: true, xml: "services>service,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&SERVICE))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
        Field { go: "Dependencies", json: Some("dependencies"), omitempty: true, xml: "dependencies>dependency,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::Dependency, &Ty::Struct(&DEPENDENCY)))) },
        Field { go: "Compositions", json: Some("compositions"), omitempty: true, xml: "compositions>composition,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPOSITION))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
        Field { go: "Vulnerabilities", json: Some("vulnerabilities"), omitempty: true, xml: "vulnerabilities>vulnerability,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&VULNERABILITY))) },
        Field { go: "Annotations", json: Some("annotations"), omitempty: true, xml: "annotations>annotation,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ANNOTATION))) },
        Field { go: "Formulation", json: Some("formulation"), omitempty: true, xml: "formulation>formula,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&FORMULA))) },
        Field { go: "Declarations", json: Some("declarations"), omitempty: true, xml: "declarations,omitempty", ty: &Ty::Ptr(&Ty::Struct(&DECLARATIONS)) },
        Field { go: "Definitions", json: Some("definitions"), omitempty: true, xml: "definitions,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::Definitions, &Ty::Struct(&DEFINITIONS))) },
        Field { go: "Citations", json: Some("citations"), omitempty: true, xml: "citations>citation,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&CITATION))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static CALLSTACK: Struct = Struct {
    name: "Callstack",
    fields: &[
        Field { go: "Frames", json: Some("frames"), omitempty: true, xml: "frames>frame,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&CALLSTACK_FRAME))) },
    ],
};

pub(crate) static CALLSTACK_FRAME: Struct = Struct {
    name: "CallstackFrame",
    fields: &[
        Field { go: "Package", json: Some("package"), omitempty: true, xml: "package,omitempty", ty: &Ty::Str },
        Field { go: "Module", json: Some("module"), omitempty: true, xml: "module,omitempty", ty: &Ty::Str },
        Field { go: "Function", json: Some("function"), omitempty: true, xml: "function,omitempty", ty: &Ty::Str },
        Field { go: "Parameters", json: Some("parameters"), omitempty: true, xml: "parameters>parameter,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Line", json: Some("line"), omitempty: true, xml: "line,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Column", json: Some("column"), omitempty: true, xml: "column,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "FullFilename", json: Some("fullFilename"), omitempty: true, xml: "fullFilename,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static CERTIFICATE_EXTENSION: Struct = Struct {
    name: "CertificateExtension",
    fields: &[
        Field { go: "Common", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&COMMON_CERTIFICATE_EXTENSION)) },
        Field { go: "Custom", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&CUSTOM_CERTIFICATE_EXTENSION)) },
    ],
};

pub(crate) static CERTIFICATE_PROPERTIES: Struct = Struct {
    name: "CertificateProperties",
    fields: &[
        Field { go: "SerialNumber", json: Some("serialNumber"), omitempty: true, xml: "serialNumber,omitempty", ty: &Ty::Str },
        Field { go: "SubjectName", json: Some("subjectName"), omitempty: true, xml: "subjectName,omitempty", ty: &Ty::Str },
        Field { go: "IssuerName", json: Some("issuerName"), omitempty: true, xml: "issuerName,omitempty", ty: &Ty::Str },
        Field { go: "NotValidBefore", json: Some("notValidBefore"), omitempty: true, xml: "notValidBefore,omitempty", ty: &Ty::Str },
        Field { go: "NotValidAfter", json: Some("notValidAfter"), omitempty: true, xml: "notValidAfter,omitempty", ty: &Ty::Str },
        Field { go: "SignatureAlgorithmRef", json: Some("signatureAlgorithmRef"), omitempty: true, xml: "signatureAlgorithmRef,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "SubjectPublicKeyRef", json: Some("subjectPublicKeyRef"), omitempty: true, xml: "subjectPublicKeyRef,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "CertificateFormat", json: Some("certificateFormat"), omitempty: true, xml: "certificateFormat,omitempty", ty: &Ty::Str },
        Field { go: "CertificateExtension", json: Some("certificateExtension"), omitempty: true, xml: "certificateExtension,omitempty", ty: &Ty::Str },
        Field { go: "CertificateFileExtension", json: Some("certificateFileExtension"), omitempty: true, xml: "certificateFileExtension,omitempty", ty: &Ty::Str },
        Field { go: "Fingerprint", json: Some("fingerprint"), omitempty: true, xml: "fingerprint,omitempty", ty: &Ty::Ptr(&Ty::Struct(&HASH)) },
        Field { go: "CertificateState", json: Some("certificateState"), omitempty: true, xml: "certificateState,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::CertificateState, &Ty::Struct(&CERTIFICATE_STATE)))) },
        Field { go: "CertificateExtensions", json: Some("certificateExtensions"), omitempty: true, xml: "certificateExtensions>certificateExtension,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::CertificateExtension, &Ty::Struct(&CERTIFICATE_EXTENSION)))) },
        Field { go: "RelatedCryptographicAssets", json: Some("relatedCryptographicAssets"), omitempty: true, xml: "relatedCryptographicAssets>relatedCryptographicAsset,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RELATED_CRYPTOGRAPHIC_ASSET))) },
        Field { go: "CreationDate", json: Some("creationDate"), omitempty: true, xml: "creationDate,omitempty", ty: &Ty::Str },
        Field { go: "ActivationDate", json: Some("activationDate"), omitempty: true, xml: "activationDate,omitempty", ty: &Ty::Str },
        Field { go: "DeactivationDate", json: Some("deactivationDate"), omitempty: true, xml: "deactivationDate,omitempty", ty: &Ty::Str },
        Field { go: "RevocationDate", json: Some("revocationDate"), omitempty: true, xml: "revocationDate,omitempty", ty: &Ty::Str },
        Field { go: "DestructionDate", json: Some("destructionDate"), omitempty: true, xml: "destructionDate,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static CERTIFICATE_STATE: Struct = Struct {
    name: "CertificateState",
    fields: &[
        Field { go: "Predefined", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&PREDEFINED_CERTIFICATE_STATE)) },
        Field { go: "Custom", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&CUSTOM_CERTIFICATE_STATE)) },
    ],
};

pub(crate) static CIPHER_SUITE: Struct = Struct {
    name: "CipherSuite",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Algorithms", json: Some("algorithms"), omitempty: true, xml: "algorithms,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Identifiers", json: Some("identifiers"), omitempty: true, xml: "identifiers,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "TLSGroups", json: Some("tlsGroups"), omitempty: true, xml: "tlsGroups>group,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "TLSSignatureSchemes", json: Some("tlsSignatureSchemes"), omitempty: true, xml: "tlsSignatureSchemes>signatureScheme,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
    ],
};

pub(crate) static CITATION: Struct = Struct {
    name: "Citation",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Pointers", json: Some("pointers"), omitempty: true, xml: "pointers>pointer,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Expressions", json: Some("expressions"), omitempty: true, xml: "expressions>expression,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Timestamp", json: Some("timestamp"), omitempty: true, xml: "timestamp,omitempty", ty: &Ty::Str },
        Field { go: "AttributedTo", json: Some("attributedTo"), omitempty: true, xml: "attributedTo,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::BOMReference, &Ty::Str)) },
        Field { go: "Process", json: Some("process"), omitempty: true, xml: "process,omitempty", ty: &Ty::Str },
        Field { go: "Note", json: Some("note"), omitempty: true, xml: "note,omitempty", ty: &Ty::Str },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static CLAIM: Struct = Struct {
    name: "Claim",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Target", json: Some("target"), omitempty: true, xml: "target,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Predicate", json: Some("predicate"), omitempty: true, xml: "predicate,omitempty", ty: &Ty::Str },
        Field { go: "MitigationStrategies", json: Some("mitigationStrategies"), omitempty: true, xml: "mitigationStrategies>mitigationStrategy,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Reasoning", json: Some("reasoning"), omitempty: true, xml: "reasoning,omitempty", ty: &Ty::Str },
        Field { go: "Evidence", json: Some("evidence"), omitempty: true, xml: "evidence,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "CounterEvidence", json: Some("counterEvidence"), omitempty: true, xml: "counterEvidence,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static COMMIT: Struct = Struct {
    name: "Commit",
    fields: &[
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Str },
        Field { go: "Author", json: Some("author"), omitempty: true, xml: "author,omitempty", ty: &Ty::Ptr(&Ty::Struct(&IDENTIFIABLE_ACTION)) },
        Field { go: "Committer", json: Some("committer"), omitempty: true, xml: "committer,omitempty", ty: &Ty::Ptr(&Ty::Struct(&IDENTIFIABLE_ACTION)) },
        Field { go: "Message", json: Some("message"), omitempty: true, xml: "message,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static COMMON_CERTIFICATE_EXTENSION: Struct = Struct {
    name: "CommonCertificateExtension",
    fields: &[
        Field { go: "Name", json: Some("commonExtensionName"), omitempty: false, xml: "commonExtensionName", ty: &Ty::Str },
        Field { go: "Value", json: Some("commonExtensionValue"), omitempty: true, xml: "commonExtensionValue,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static COMPONENT: Struct = Struct {
    name: "Component",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "MIMEType", json: Some("mime-type"), omitempty: true, xml: "mime-type,attr,omitempty", ty: &Ty::Str },
        Field { go: "Type", json: Some("type"), omitempty: false, xml: "type,attr", ty: &Ty::Str },
        Field { go: "Supplier", json: Some("supplier"), omitempty: true, xml: "supplier,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Manufacturer", json: Some("manufacturer"), omitempty: true, xml: "manufacturer,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Author", json: Some("author"), omitempty: true, xml: "author,omitempty", ty: &Ty::Str },
        Field { go: "Authors", json: Some("authors"), omitempty: true, xml: "authors>author,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_CONTACT))) },
        Field { go: "Publisher", json: Some("publisher"), omitempty: true, xml: "publisher,omitempty", ty: &Ty::Str },
        Field { go: "Group", json: Some("group"), omitempty: true, xml: "group,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Scope", json: Some("scope"), omitempty: true, xml: "scope,omitempty", ty: &Ty::Str },
        Field { go: "Hashes", json: Some("hashes"), omitempty: true, xml: "hashes>hash,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&HASH))) },
        Field { go: "Licenses", json: Some("licenses"), omitempty: true, xml: "licenses,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::Licenses, &Ty::Slice(&Ty::Struct(&LICENSE_CHOICE)))) },
        Field { go: "Copyright", json: Some("copyright"), omitempty: true, xml: "copyright,omitempty", ty: &Ty::Str },
        Field { go: "CPE", json: Some("cpe"), omitempty: true, xml: "cpe,omitempty", ty: &Ty::Str },
        Field { go: "PackageURL", json: Some("purl"), omitempty: true, xml: "purl,omitempty", ty: &Ty::Str },
        Field { go: "OmniborID", json: Some("omniborId"), omitempty: true, xml: "omniborId,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "SWHID", json: Some("swhid"), omitempty: true, xml: "swhid,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "SWID", json: Some("swid"), omitempty: true, xml: "swid,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SWID)) },
        Field { go: "Modified", json: Some("modified"), omitempty: true, xml: "modified,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
        Field { go: "Pedigree", json: Some("pedigree"), omitempty: true, xml: "pedigree,omitempty", ty: &Ty::Ptr(&Ty::Struct(&PEDIGREE)) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
        Field { go: "Components", json: Some("components"), omitempty: true, xml: "components>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Evidence", json: Some("evidence"), omitempty: true, xml: "evidence,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::Evidence, &Ty::Struct(&EVIDENCE))) },
        Field { go: "ReleaseNotes", json: Some("releaseNotes"), omitempty: true, xml: "releaseNotes,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RELEASE_NOTES)) },
        Field { go: "ModelCard", json: Some("modelCard"), omitempty: true, xml: "modelCard,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_CARD)) },
        Field { go: "Data", json: Some("data"), omitempty: true, xml: "data,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT_DATA))) },
        Field { go: "CryptoProperties", json: Some("cryptoProperties"), omitempty: true, xml: "cryptoProperties,omitempty", ty: &Ty::Ptr(&Ty::Struct(&CRYPTO_PROPERTIES)) },
        Field { go: "Tags", json: Some("tags"), omitempty: true, xml: "tags>tag,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "IsExternal", json: Some("isExternal"), omitempty: true, xml: "isExternal,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
        Field { go: "PatentAssertions", json: Some("patentAssertions"), omitempty: true, xml: "patentAssertions>patentAssertion,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PATENT_ASSERTION))) },
        Field { go: "VersionRange", json: Some("versionRange"), omitempty: true, xml: "versionRange,omitempty", ty: &Ty::Str },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static COMPONENT_DATA: Struct = Struct {
    name: "ComponentData",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Contents", json: Some("contents"), omitempty: true, xml: "contents,omitempty", ty: &Ty::Ptr(&Ty::Struct(&COMPONENT_DATA_CONTENTS)) },
        Field { go: "Classification", json: Some("classification"), omitempty: true, xml: "classification,omitempty", ty: &Ty::Str },
        Field { go: "SensitiveData", json: Some("sensitiveData"), omitempty: true, xml: "sensitiveData,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Graphics", json: Some("graphics"), omitempty: true, xml: "graphics,omitempty", ty: &Ty::Ptr(&Ty::Struct(&COMPONENT_DATA_GRAPHICS)) },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Governance", json: Some("governance"), omitempty: true, xml: "governance,omitempty", ty: &Ty::Ptr(&Ty::Struct(&DATA_GOVERNANCE)) },
    ],
};

pub(crate) static COMPONENT_DATA_CONTENTS: Struct = Struct {
    name: "ComponentDataContents",
    fields: &[
        Field { go: "Attachment", json: Some("attachment"), omitempty: true, xml: "attachment,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Str },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static COMPONENT_DATA_GOVERNANCE_RESPONSIBLE_PARTY: Struct = Struct {
    name: "ComponentDataGovernanceResponsibleParty",
    fields: &[
        Field { go: "Organization", json: Some("organization"), omitempty: true, xml: "organization,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Contact", json: Some("contact"), omitempty: true, xml: "contact,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_CONTACT)) },
    ],
};

pub(crate) static COMPONENT_DATA_GRAPHIC: Struct = Struct {
    name: "ComponentDataGraphic",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Image", json: Some("image"), omitempty: true, xml: "image,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
    ],
};

pub(crate) static COMPONENT_DATA_GRAPHICS: Struct = Struct {
    name: "ComponentDataGraphics",
    fields: &[
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Collection", json: Some("collection"), omitempty: true, xml: "collection>graphic,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT_DATA_GRAPHIC))) },
    ],
};

pub(crate) static COMPOSITION: Struct = Struct {
    name: "Composition",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Aggregate", json: Some("aggregate"), omitempty: false, xml: "aggregate", ty: &Ty::Str },
        Field { go: "Assemblies", json: Some("assemblies"), omitempty: true, xml: "assemblies>assembly,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Dependencies", json: Some("dependencies"), omitempty: true, xml: "dependencies>dependency,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Vulnerabilities", json: Some("vulnerabilities"), omitempty: true, xml: "vulnerabilities>vulnerability,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static COPYRIGHT: Struct = Struct {
    name: "Copyright",
    fields: &[
        Field { go: "Text", json: Some("text"), omitempty: false, xml: "-", ty: &Ty::Str },
    ],
};

pub(crate) static CREDITS: Struct = Struct {
    name: "Credits",
    fields: &[
        Field { go: "Organizations", json: Some("organizations"), omitempty: true, xml: "organizations>organization,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_ENTITY))) },
        Field { go: "Individuals", json: Some("individuals"), omitempty: true, xml: "individuals>individual,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_CONTACT))) },
    ],
};

pub(crate) static CRYPTO_ALGORITHM_PROPERTIES: Struct = Struct {
    name: "CryptoAlgorithmProperties",
    fields: &[
        Field { go: "Primitive", json: Some("primitive"), omitempty: true, xml: "primitive,omitempty", ty: &Ty::Str },
        Field { go: "ParameterSetIdentifier", json: Some("parameterSetIdentifier"), omitempty: true, xml: "parameterSetIdentifier,omitempty", ty: &Ty::Str },
        Field { go: "AlgorithmFamily", json: Some("algorithmFamily"), omitempty: true, xml: "algorithmFamily,omitempty", ty: &Ty::Str },
        Field { go: "Curve", json: Some("curve"), omitempty: true, xml: "curve,omitempty", ty: &Ty::Str },
        Field { go: "EllipticCurve", json: Some("ellipticCurve"), omitempty: true, xml: "ellipticCurve,omitempty", ty: &Ty::Str },
        Field { go: "ExecutionEnvironment", json: Some("executionEnvironment"), omitempty: true, xml: "executionEnvironment,omitempty", ty: &Ty::Str },
        Field { go: "ImplementationPlatform", json: Some("implementationPlatform"), omitempty: true, xml: "implementationPlatform,omitempty", ty: &Ty::Str },
        Field { go: "CertificationLevel", json: Some("certificationLevel"), omitempty: true, xml: "certificationLevel,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Mode", json: Some("mode"), omitempty: true, xml: "mode,omitempty", ty: &Ty::Str },
        Field { go: "Padding", json: Some("padding"), omitempty: true, xml: "padding,omitempty", ty: &Ty::Str },
        Field { go: "CryptoFunctions", json: Some("cryptoFunctions"), omitempty: true, xml: "cryptoFunctions>cryptoFunction,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "ClassicalSecurityLevel", json: Some("classicalSecurityLevel"), omitempty: true, xml: "classicalSecurityLevel,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "NistQuantumSecurityLevel", json: Some("nistQuantumSecurityLevel"), omitempty: true, xml: "nistQuantumSecurityLevel,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
    ],
};

pub(crate) static CRYPTO_PROPERTIES: Struct = Struct {
    name: "CryptoProperties",
    fields: &[
        Field { go: "AssetType", json: Some("assetType"), omitempty: false, xml: "assetType", ty: &Ty::Str },
        Field { go: "AlgorithmProperties", json: Some("algorithmProperties"), omitempty: true, xml: "algorithmProperties,omitempty", ty: &Ty::Ptr(&Ty::Struct(&CRYPTO_ALGORITHM_PROPERTIES)) },
        Field { go: "CertificateProperties", json: Some("certificateProperties"), omitempty: true, xml: "certificateProperties,omitempty", ty: &Ty::Ptr(&Ty::Struct(&CERTIFICATE_PROPERTIES)) },
        Field { go: "RelatedCryptoMaterialProperties", json: Some("relatedCryptoMaterialProperties"), omitempty: true, xml: "relatedCryptoMaterialProperties,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RELATED_CRYPTO_MATERIAL_PROPERTIES)) },
        Field { go: "ProtocolProperties", json: Some("protocolProperties"), omitempty: true, xml: "protocolProperties,omitempty", ty: &Ty::Ptr(&Ty::Struct(&CRYPTO_PROTOCOL_PROPERTIES)) },
        Field { go: "OID", json: Some("oid"), omitempty: true, xml: "oid,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static CRYPTO_PROTOCOL_PROPERTIES: Struct = Struct {
    name: "CryptoProtocolProperties",
    fields: &[
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,omitempty", ty: &Ty::Str },
        Field { go: "CipherSuites", json: Some("cipherSuites"), omitempty: true, xml: "cipherSuites,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&CIPHER_SUITE))) },
        Field { go: "IKEv2TransformTypes", json: Some("ikev2TransformTypes"), omitempty: true, xml: "ikev2TransformTypes,omitempty", ty: &Ty::Ptr(&Ty::Struct(&IKEV2_TRANSFORM_TYPES)) },
        Field { go: "CryptoRefArray", json: Some("cryptoRefArray"), omitempty: true, xml: "cryptoRefArray,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "RelatedCryptographicAssets", json: Some("relatedCryptographicAssets"), omitempty: true, xml: "relatedCryptographicAssets>relatedCryptographicAsset,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RELATED_CRYPTOGRAPHIC_ASSET))) },
    ],
};

pub(crate) static CUSTOM_CERTIFICATE_EXTENSION: Struct = Struct {
    name: "CustomCertificateExtension",
    fields: &[
        Field { go: "Name", json: Some("customExtensionName"), omitempty: false, xml: "customExtensionName", ty: &Ty::Str },
        Field { go: "Value", json: Some("customExtensionValue"), omitempty: true, xml: "customExtensionValue,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static CUSTOM_CERTIFICATE_STATE: Struct = Struct {
    name: "CustomCertificateState",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Reason", json: Some("reason"), omitempty: true, xml: "reason,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static DATA_CLASSIFICATION: Struct = Struct {
    name: "DataClassification",
    fields: &[
        Field { go: "Flow", json: Some("flow"), omitempty: false, xml: "flow,attr", ty: &Ty::Str },
        Field { go: "Classification", json: Some("classification"), omitempty: false, xml: ",chardata", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,attr,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,attr,omitempty", ty: &Ty::Str },
        Field { go: "Governance", json: Some("governance"), omitempty: true, xml: "governance,omitempty", ty: &Ty::Ptr(&Ty::Struct(&DATA_GOVERNANCE)) },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source>url,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Destination", json: Some("destination"), omitempty: true, xml: "destination>url,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
    ],
};

pub(crate) static DATA_GOVERNANCE: Struct = Struct {
    name: "DataGovernance",
    fields: &[
        Field { go: "Custodians", json: Some("custodians"), omitempty: true, xml: "custodians>custodian,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT_DATA_GOVERNANCE_RESPONSIBLE_PARTY))) },
        Field { go: "Stewards", json: Some("stewards"), omitempty: true, xml: "stewards>steward,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT_DATA_GOVERNANCE_RESPONSIBLE_PARTY))) },
        Field { go: "Owners", json: Some("owners"), omitempty: true, xml: "owners>owner,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT_DATA_GOVERNANCE_RESPONSIBLE_PARTY))) },
    ],
};

pub(crate) static DECLARATIONS: Struct = Struct {
    name: "Declarations",
    fields: &[
        Field { go: "Assessors", json: Some("assessors"), omitempty: true, xml: "assessors>assessor,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ASSESSOR))) },
        Field { go: "Attestations", json: Some("attestations"), omitempty: true, xml: "attestations>attestation,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ATTESTATION))) },
        Field { go: "Claims", json: Some("claims"), omitempty: true, xml: "claims>claim,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&CLAIM))) },
        Field { go: "Evidence", json: Some("evidence"), omitempty: true, xml: "evidence>evidence,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&DECLARATION_EVIDENCE))) },
        Field { go: "Targets", json: Some("targets"), omitempty: true, xml: "targets,omitempty", ty: &Ty::Ptr(&Ty::Struct(&TARGETS)) },
        Field { go: "Affirmation", json: Some("affirmation"), omitempty: true, xml: "affirmation,omitempty", ty: &Ty::Ptr(&Ty::Struct(&AFFIRMATION)) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static DECLARATION_EVIDENCE: Struct = Struct {
    name: "DeclarationEvidence",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "PropertyName", json: Some("propertyName"), omitempty: true, xml: "propertyName,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Data", json: Some("data"), omitempty: true, xml: "data,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EVIDENCE_DATA))) },
        Field { go: "Created", json: Some("created"), omitempty: true, xml: "created,omitempty", ty: &Ty::Str },
        Field { go: "Expires", json: Some("expires"), omitempty: true, xml: "expires,omitempty", ty: &Ty::Str },
        Field { go: "Author", json: Some("author"), omitempty: true, xml: "author,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_CONTACT)) },
        Field { go: "Reviewer", json: Some("reviewer"), omitempty: true, xml: "reviewer,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_CONTACT)) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static DEFINITIONS: Struct = Struct {
    name: "Definitions",
    fields: &[
        Field { go: "Standards", json: Some("standards"), omitempty: true, xml: "standards>standard,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&STANDARD_DEFINITION))) },
        Field { go: "Patents", json: Some("patents"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::PatentChoice, &Ty::Struct(&PATENT_CHOICE)))) },
    ],
};

pub(crate) static DEPENDENCY: Struct = Struct {
    name: "Dependency",
    fields: &[
        Field { go: "Ref", json: Some("ref"), omitempty: false, xml: "", ty: &Ty::Str },
        Field { go: "Dependencies", json: Some("dependsOn"), omitempty: true, xml: "", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Provides", json: Some("provides"), omitempty: true, xml: "", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
    ],
};

pub(crate) static DIFF: Struct = Struct {
    name: "Diff",
    fields: &[
        Field { go: "Text", json: Some("text"), omitempty: true, xml: "text,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static DISTRIBUTION_CONSTRAINTS: Struct = Struct {
    name: "DistributionConstraints",
    fields: &[
        Field { go: "TLP", json: Some("tlp"), omitempty: true, xml: "tlp,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ENVIRONMENT_VARIABLE_CHOICE: Struct = Struct {
    name: "EnvironmentVariableChoice",
    fields: &[
        Field { go: "Property", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&PROPERTY)) },
        Field { go: "Value", json: None, omitempty: false, xml: "-", ty: &Ty::Str },
    ],
};

pub(crate) static EVENT: Struct = Struct {
    name: "Event",
    fields: &[
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "TimeReceived", json: Some("timeReceived"), omitempty: true, xml: "timeReceived,omitempty", ty: &Ty::Str },
        Field { go: "Data", json: Some("data"), omitempty: true, xml: "data,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Target", json: Some("target"), omitempty: true, xml: "target,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static EVIDENCE: Struct = Struct {
    name: "Evidence",
    fields: &[
        Field { go: "Identity", json: Some("identity"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Custom(Custom::EvidenceIdentityChoice, &Ty::Struct(&EVIDENCE_IDENTITY_CHOICE))) },
        Field { go: "Occurrences", json: Some("occurrences"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EVIDENCE_OCCURRENCE))) },
        Field { go: "Callstack", json: Some("callstack"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&CALLSTACK)) },
        Field { go: "Licenses", json: Some("licenses"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Custom(Custom::Licenses, &Ty::Slice(&Ty::Struct(&LICENSE_CHOICE)))) },
        Field { go: "Copyright", json: Some("copyright"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::Copyright, &Ty::Struct(&COPYRIGHT)))) },
    ],
};

pub(crate) static EVIDENCE_DATA: Struct = Struct {
    name: "EvidenceData",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Contents", json: Some("contents"), omitempty: true, xml: "contents,omitempty", ty: &Ty::Ptr(&Ty::Struct(&EVIDENCE_DATA_CONTENTS)) },
        Field { go: "Classification", json: Some("classification"), omitempty: true, xml: "data>classification,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::DataClassification, &Ty::Struct(&DATA_CLASSIFICATION))) },
        Field { go: "SensitiveData", json: Some("sensitiveData"), omitempty: true, xml: "sensitiveData,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Governance", json: Some("governance"), omitempty: true, xml: "governance,omitempty", ty: &Ty::Ptr(&Ty::Struct(&DATA_GOVERNANCE)) },
    ],
};

pub(crate) static EVIDENCE_DATA_CONTENTS: Struct = Struct {
    name: "EvidenceDataContents",
    fields: &[
        Field { go: "Attachment", json: Some("attachment"), omitempty: true, xml: "attachment,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static EVIDENCE_IDENTITY: Struct = Struct {
    name: "EvidenceIdentity",
    fields: &[
        Field { go: "Field", json: Some("field"), omitempty: true, xml: "field,omitempty", ty: &Ty::Str },
        Field { go: "Confidence", json: Some("confidence"), omitempty: true, xml: "confidence,omitempty", ty: &Ty::Ptr(&Ty::Float(32)) },
        Field { go: "ConcludedValue", json: Some("concludedValue"), omitempty: true, xml: "concludedValue,omitempty", ty: &Ty::Str },
        Field { go: "Methods", json: Some("methods"), omitempty: true, xml: "methods>method,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EVIDENCE_IDENTITY_METHOD))) },
        Field { go: "Tools", json: Some("tools"), omitempty: true, xml: "tools>tool,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
    ],
};

pub(crate) static EVIDENCE_IDENTITY_CHOICE: Struct = Struct {
    name: "EvidenceIdentityChoice",
    fields: &[
        Field { go: "Identity", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&EVIDENCE_IDENTITY)) },
        Field { go: "Identities", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EVIDENCE_IDENTITY))) },
    ],
};

pub(crate) static EVIDENCE_IDENTITY_METHOD: Struct = Struct {
    name: "EvidenceIdentityMethod",
    fields: &[
        Field { go: "Technique", json: Some("technique"), omitempty: true, xml: "technique,omitempty", ty: &Ty::Str },
        Field { go: "Confidence", json: Some("confidence"), omitempty: true, xml: "confidence,omitempty", ty: &Ty::Ptr(&Ty::Float(32)) },
        Field { go: "Value", json: Some("value"), omitempty: true, xml: "value,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static EVIDENCE_OCCURRENCE: Struct = Struct {
    name: "EvidenceOccurrence",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Location", json: Some("location"), omitempty: true, xml: "location,omitempty", ty: &Ty::Str },
        Field { go: "Line", json: Some("line"), omitempty: true, xml: "line,attr,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Offset", json: Some("offset"), omitempty: true, xml: "offset,attr,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Symbol", json: Some("symbol"), omitempty: true, xml: "symbol,attr,omitempty", ty: &Ty::Str },
        Field { go: "AdditionalContext", json: Some("additionalContext"), omitempty: true, xml: "additionalContext,attr,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static EXTERNAL_REFERENCE: Struct = Struct {
    name: "ExternalReference",
    fields: &[
        Field { go: "URL", json: Some("url"), omitempty: false, xml: "url", ty: &Ty::Str },
        Field { go: "Comment", json: Some("comment"), omitempty: true, xml: "comment,omitempty", ty: &Ty::Str },
        Field { go: "Hashes", json: Some("hashes"), omitempty: true, xml: "hashes>hash,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&HASH))) },
        Field { go: "Type", json: Some("type"), omitempty: false, xml: "type,attr", ty: &Ty::Str },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static FORMULA: Struct = Struct {
    name: "Formula",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Components", json: Some("components"), omitempty: true, xml: "components>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Services", json: Some("services"), omitempty: true, xml: "services>service,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&SERVICE))) },
        Field { go: "Workflows", json: Some("workflows"), omitempty: true, xml: "workflows>workflow,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&WORKFLOW))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static HASH: Struct = Struct {
    name: "Hash",
    fields: &[
        Field { go: "Algorithm", json: Some("alg"), omitempty: false, xml: "alg,attr", ty: &Ty::Str },
        Field { go: "Value", json: Some("content"), omitempty: false, xml: ",chardata", ty: &Ty::Str },
    ],
};

pub(crate) static IDENTIFIABLE_ACTION: Struct = Struct {
    name: "IdentifiableAction",
    fields: &[
        Field { go: "Timestamp", json: Some("timestamp"), omitempty: true, xml: "timestamp,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Email", json: Some("email"), omitempty: true, xml: "email,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static IKEV2_AUTH: Struct = Struct {
    name: "IKEv2Auth",
    fields: &[
        Field { go: "BOMRef", json: None, omitempty: false, xml: "-", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Algorithm", json: Some("algorithm"), omitempty: true, xml: "algorithm,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static IKEV2_ENC: Struct = Struct {
    name: "IKEv2Enc",
    fields: &[
        Field { go: "BOMRef", json: None, omitempty: false, xml: "-", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "KeyLength", json: Some("keyLength"), omitempty: true, xml: "keyLength,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Algorithm", json: Some("algorithm"), omitempty: true, xml: "algorithm,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static IKEV2_INTEG: Struct = Struct {
    name: "IKEv2Integ",
    fields: &[
        Field { go: "BOMRef", json: None, omitempty: false, xml: "-", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Algorithm", json: Some("algorithm"), omitempty: true, xml: "algorithm,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static IKEV2_KE: Struct = Struct {
    name: "IKEv2Ke",
    fields: &[
        Field { go: "BOMRef", json: None, omitempty: false, xml: "-", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Group", json: Some("group"), omitempty: true, xml: "group,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Algorithm", json: Some("algorithm"), omitempty: true, xml: "algorithm,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static IKEV2_PRF: Struct = Struct {
    name: "IKEv2Prf",
    fields: &[
        Field { go: "BOMRef", json: None, omitempty: false, xml: "-", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Algorithm", json: Some("algorithm"), omitempty: true, xml: "algorithm,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static IKEV2_TRANSFORM_TYPES: Struct = Struct {
    name: "IKEv2TransformTypes",
    fields: &[
        Field { go: "Encr", json: Some("encr"), omitempty: true, xml: "encr,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::IKEv2Enc, &Ty::Struct(&IKEV2_ENC)))) },
        Field { go: "PRF", json: Some("prf"), omitempty: true, xml: "prf,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::IKEv2Prf, &Ty::Struct(&IKEV2_PRF)))) },
        Field { go: "Integ", json: Some("integ"), omitempty: true, xml: "integ,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::IKEv2Integ, &Ty::Struct(&IKEV2_INTEG)))) },
        Field { go: "KE", json: Some("ke"), omitempty: true, xml: "ke,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::IKEv2Ke, &Ty::Struct(&IKEV2_KE)))) },
        Field { go: "ESN", json: Some("esn"), omitempty: false, xml: "esn", ty: &Ty::Bool },
        Field { go: "Auth", json: Some("auth"), omitempty: true, xml: "auth,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::IKEv2Auth, &Ty::Struct(&IKEV2_AUTH)))) },
    ],
};

pub(crate) static ISSUE: Struct = Struct {
    name: "Issue",
    fields: &[
        Field { go: "ID", json: Some("id"), omitempty: false, xml: "id", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: false, xml: "description", ty: &Ty::Str },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SOURCE)) },
        Field { go: "References", json: Some("references"), omitempty: true, xml: "references>url,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Type", json: Some("type"), omitempty: false, xml: "type,attr", ty: &Ty::Str },
    ],
};

pub(crate) static JSF_PUBLIC_KEY: Struct = Struct {
    name: "JSFPublicKey",
    fields: &[
        Field { go: "KTY", json: Some("kty"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "CRV", json: Some("crv"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "X", json: Some("x"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "Y", json: Some("y"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "N", json: Some("n"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "E", json: Some("e"), omitempty: true, xml: "-", ty: &Ty::Str },
    ],
};

pub(crate) static JSF_SIGNATURE: Struct = Struct {
    name: "JSFSignature",
    fields: &[
        Field { go: "JSFSigner", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNER)) },
        Field { go: "Signers", json: Some("signers"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&JSF_SIGNER))) },
        Field { go: "Chain", json: Some("chain"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&JSF_SIGNER))) },
    ],
};

pub(crate) static JSF_SIGNER: Struct = Struct {
    name: "JSFSigner",
    fields: &[
        Field { go: "Algorithm", json: Some("algorithm"), omitempty: false, xml: "-", ty: &Ty::Str },
        Field { go: "KeyID", json: Some("keyId"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "PublicKey", json: Some("publicKey"), omitempty: true, xml: "-", ty: &Ty::Struct(&JSF_PUBLIC_KEY) },
        Field { go: "CertificatePath", json: Some("certificatePath"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Excludes", json: Some("excludes"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Value", json: Some("value"), omitempty: false, xml: "-", ty: &Ty::Str },
    ],
};

pub(crate) static LICENSE: Struct = Struct {
    name: "License",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "ID", json: Some("id"), omitempty: true, xml: "id,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Acknowledgement", json: Some("acknowledgement"), omitempty: true, xml: "acknowledgement,attr,omitempty", ty: &Ty::Str },
        Field { go: "Text", json: Some("text"), omitempty: true, xml: "text,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Str },
        Field { go: "Licensing", json: Some("licensing"), omitempty: true, xml: "licensing,omitempty", ty: &Ty::Ptr(&Ty::Struct(&LICENSING)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static LICENSE_CHOICE: Struct = Struct {
    name: "LicenseChoice",
    fields: &[
        Field { go: "License", json: Some("license"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Custom(Custom::License, &Ty::Struct(&LICENSE))) },
        Field { go: "Expression", json: Some("expression"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "ExpressionDetails", json: Some("expressionDetails"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&LICENSE_EXPRESSION_DETAIL))) },
        Field { go: "Acknowledgement", json: Some("acknowledgement"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Str) },
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "Licensing", json: Some("licensing"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&LICENSING)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static LICENSE_EXPRESSION_DETAIL: Struct = Struct {
    name: "LicenseExpressionDetail",
    fields: &[
        Field { go: "LicenseIdentifier", json: Some("licenseIdentifier"), omitempty: false, xml: "-", ty: &Ty::Str },
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "-", ty: &Ty::Str },
        Field { go: "Text", json: Some("text"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "-", ty: &Ty::Str },
    ],
};

pub(crate) static LICENSING: Struct = Struct {
    name: "Licensing",
    fields: &[
        Field { go: "AltIDs", json: Some("altIds"), omitempty: true, xml: "altIds>altId,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Licensor", json: Some("licensor"), omitempty: true, xml: "licensor,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY_OR_CONTACT)) },
        Field { go: "Licensee", json: Some("licensee"), omitempty: true, xml: "licensee,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY_OR_CONTACT)) },
        Field { go: "Purchaser", json: Some("purchaser"), omitempty: true, xml: "purchaser,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY_OR_CONTACT)) },
        Field { go: "PurchaseOrder", json: Some("purchaseOrder"), omitempty: true, xml: "purchaseOrder,omitempty", ty: &Ty::Str },
        Field { go: "LicenseTypes", json: Some("licenseTypes"), omitempty: true, xml: "licenseTypes>licenseType,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "LastRenewal", json: Some("lastRenewal"), omitempty: true, xml: "lastRenewal,omitempty", ty: &Ty::Str },
        Field { go: "Expiration", json: Some("expiration"), omitempty: true, xml: "expiration,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static LIFECYCLE: Struct = Struct {
    name: "Lifecycle",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Phase", json: Some("phase"), omitempty: true, xml: "phase,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static METADATA: Struct = Struct {
    name: "Metadata",
    fields: &[
        Field { go: "Timestamp", json: Some("timestamp"), omitempty: true, xml: "timestamp,omitempty", ty: &Ty::Str },
        Field { go: "Lifecycles", json: Some("lifecycles"), omitempty: true, xml: "lifecycles>lifecycle,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&LIFECYCLE))) },
        Field { go: "Tools", json: Some("tools"), omitempty: true, xml: "tools,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::ToolsChoice, &Ty::Struct(&TOOLS_CHOICE))) },
        Field { go: "Authors", json: Some("authors"), omitempty: true, xml: "authors>author,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_CONTACT))) },
        Field { go: "Component", json: Some("component"), omitempty: true, xml: "component,omitempty", ty: &Ty::Ptr(&Ty::Struct(&COMPONENT)) },
        Field { go: "Manufacture", json: Some("manufacture"), omitempty: true, xml: "manufacture,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Manufacturer", json: Some("manufacturer"), omitempty: true, xml: "manufacturer,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Supplier", json: Some("supplier"), omitempty: true, xml: "supplier,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Licenses", json: Some("licenses"), omitempty: true, xml: "licenses,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::Licenses, &Ty::Slice(&Ty::Struct(&LICENSE_CHOICE)))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
        Field { go: "DistributionConstraints", json: Some("distributionConstraints"), omitempty: true, xml: "distributionConstraints,omitempty", ty: &Ty::Ptr(&Ty::Struct(&DISTRIBUTION_CONSTRAINTS)) },
    ],
};

pub(crate) static ML_DATASET_CHOICE: Struct = Struct {
    name: "MLDatasetChoice",
    fields: &[
        Field { go: "Ref", json: None, omitempty: false, xml: "-", ty: &Ty::Str },
        Field { go: "ComponentData", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&COMPONENT_DATA)) },
    ],
};

pub(crate) static ML_INPUT_OUTPUT_PARAMETERS: Struct = Struct {
    name: "MLInputOutputParameters",
    fields: &[
        Field { go: "Format", json: Some("format"), omitempty: true, xml: "format,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ML_MODEL_CARD: Struct = Struct {
    name: "MLModelCard",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "ModelParameters", json: Some("modelParameters"), omitempty: true, xml: "modelParameters,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_PARAMETERS)) },
        Field { go: "QuantitativeAnalysis", json: Some("quantitativeAnalysis"), omitempty: true, xml: "quantitativeAnalysis,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_QUANTITATIVE_ANALYSIS)) },
        Field { go: "Considerations", json: Some("considerations"), omitempty: true, xml: "considerations,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_CARD_CONSIDERATIONS)) },
    ],
};

pub(crate) static ML_MODEL_CARD_CONSIDERATIONS: Struct = Struct {
    name: "MLModelCardConsiderations",
    fields: &[
        Field { go: "Users", json: Some("users"), omitempty: true, xml: "users>user,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "UseCases", json: Some("useCases"), omitempty: true, xml: "useCases>useCase,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "TechnicalLimitations", json: Some("technicalLimitations"), omitempty: true, xml: "technicalLimitations>technicalLimitation,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "PerformanceTradeoffs", json: Some("performanceTradeoffs"), omitempty: true, xml: "performanceTradeoffs>performanceTradeoff,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "EthicalConsiderations", json: Some("ethicalConsiderations"), omitempty: true, xml: "ethicalConsiderations>ethicalConsideration,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_MODEL_CARD_ETHICAL_CONSIDERATION))) },
        Field { go: "EnvironmentalConsiderations", json: Some("environmentalConsiderations"), omitempty: true, xml: "environmentalConsiderations,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_CARD_ENVIRONMENTAL_CONSIDERATIONS)) },
        Field { go: "FairnessAssessments", json: Some("fairnessAssessments"), omitempty: true, xml: "fairnessAssessments>fairnessAssessment,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_MODEL_CARD_FAIRNESS_ASSESSMENT))) },
    ],
};

pub(crate) static ML_MODEL_CARD_ENVIRONMENTAL_CONSIDERATIONS: Struct = Struct {
    name: "MLModelCardEnvironmentalConsiderations",
    fields: &[
        Field { go: "EnergyConsumptions", json: Some("energyConsumptions"), omitempty: true, xml: "energyConsumptions>energyConsumption,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_MODEL_ENERGY_CONSUMPTION))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static ML_MODEL_CARD_ETHICAL_CONSIDERATION: Struct = Struct {
    name: "MLModelCardEthicalConsideration",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "MitigationStrategy", json: Some("mitigationStrategy"), omitempty: true, xml: "mitigationStrategy,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ML_MODEL_CARD_FAIRNESS_ASSESSMENT: Struct = Struct {
    name: "MLModelCardFairnessAssessment",
    fields: &[
        Field { go: "GroupAtRisk", json: Some("groupAtRisk"), omitempty: true, xml: "groupAtRisk,omitempty", ty: &Ty::Str },
        Field { go: "Benefits", json: Some("benefits"), omitempty: true, xml: "benefits,omitempty", ty: &Ty::Str },
        Field { go: "Harms", json: Some("harms"), omitempty: true, xml: "harms,omitempty", ty: &Ty::Str },
        Field { go: "MitigationStrategy", json: Some("mitigationStrategy"), omitempty: true, xml: "mitigationStrategy,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ML_MODEL_CO2_MEASURE: Struct = Struct {
    name: "MLModelCO2Measure",
    fields: &[
        Field { go: "Value", json: Some("value"), omitempty: false, xml: "value", ty: &Ty::Float(32) },
        Field { go: "Unit", json: Some("unit"), omitempty: false, xml: "unit", ty: &Ty::Str },
    ],
};

pub(crate) static ML_MODEL_ENERGY_CONSUMPTION: Struct = Struct {
    name: "MLModelEnergyConsumption",
    fields: &[
        Field { go: "Activity", json: Some("activity"), omitempty: false, xml: "activity", ty: &Ty::Str },
        Field { go: "EnergyProviders", json: Some("energyProviders"), omitempty: false, xml: "energyProviders", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_MODEL_ENERGY_PROVIDER))) },
        Field { go: "ActivityEnergyCost", json: Some("activityEnergyCost"), omitempty: false, xml: "activityEnergyCost", ty: &Ty::Struct(&ML_MODEL_ENERGY_MEASURE) },
        Field { go: "CO2CostEquivalent", json: Some("co2CostEquivalent"), omitempty: true, xml: "co2CostEquivalent,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_CO2_MEASURE)) },
        Field { go: "CO2CostOffset", json: Some("co2CostOffset"), omitempty: true, xml: "co2CostOffset,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_CO2_MEASURE)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static ML_MODEL_ENERGY_MEASURE: Struct = Struct {
    name: "MLModelEnergyMeasure",
    fields: &[
        Field { go: "Value", json: Some("value"), omitempty: false, xml: "value", ty: &Ty::Float(32) },
        Field { go: "Unit", json: Some("unit"), omitempty: false, xml: "unit", ty: &Ty::Str },
    ],
};

pub(crate) static ML_MODEL_ENERGY_PROVIDER: Struct = Struct {
    name: "MLModelEnergyProvider",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Organization", json: Some("organization"), omitempty: false, xml: "organization", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "EnergySource", json: Some("energySource"), omitempty: false, xml: "energySource", ty: &Ty::Str },
        Field { go: "EnergyProvided", json: Some("energyProvided"), omitempty: false, xml: "energyProvided", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_ENERGY_MEASURE)) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
    ],
};

pub(crate) static ML_MODEL_PARAMETERS: Struct = Struct {
    name: "MLModelParameters",
    fields: &[
        Field { go: "Approach", json: Some("approach"), omitempty: true, xml: "approach,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_MODEL_PARAMETERS_APPROACH)) },
        Field { go: "Task", json: Some("task"), omitempty: true, xml: "task,omitempty", ty: &Ty::Str },
        Field { go: "ArchitectureFamily", json: Some("architectureFamily"), omitempty: true, xml: "architectureFamily,omitempty", ty: &Ty::Str },
        Field { go: "ModelArchitecture", json: Some("modelArchitecture"), omitempty: true, xml: "modelArchitecture,omitempty", ty: &Ty::Str },
        Field { go: "Datasets", json: Some("datasets"), omitempty: true, xml: "datasets>dataset,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::MLDatasetChoice, &Ty::Struct(&ML_DATASET_CHOICE)))) },
        Field { go: "Inputs", json: Some("inputs"), omitempty: true, xml: "inputs>input,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_INPUT_OUTPUT_PARAMETERS))) },
        Field { go: "Outputs", json: Some("outputs"), omitempty: true, xml: "outputs>output,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_INPUT_OUTPUT_PARAMETERS))) },
    ],
};

pub(crate) static ML_MODEL_PARAMETERS_APPROACH: Struct = Struct {
    name: "MLModelParametersApproach",
    fields: &[
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ML_PERFORMANCE_METRIC: Struct = Struct {
    name: "MLPerformanceMetric",
    fields: &[
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "Value", json: Some("value"), omitempty: true, xml: "value,omitempty", ty: &Ty::Str },
        Field { go: "Slice", json: Some("slice"), omitempty: true, xml: "slice,omitempty", ty: &Ty::Str },
        Field { go: "ConfidenceInterval", json: Some("confidenceInterval"), omitempty: true, xml: "confidenceInterval,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ML_PERFORMANCE_METRIC_CONFIDENCE_INTERVAL)) },
    ],
};

pub(crate) static ML_PERFORMANCE_METRIC_CONFIDENCE_INTERVAL: Struct = Struct {
    name: "MLPerformanceMetricConfidenceInterval",
    fields: &[
        Field { go: "LowerBound", json: Some("lowerBound"), omitempty: true, xml: "lowerBound,omitempty", ty: &Ty::Str },
        Field { go: "UpperBound", json: Some("upperBound"), omitempty: true, xml: "upperBound,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ML_QUANTITATIVE_ANALYSIS: Struct = Struct {
    name: "MLQuantitativeAnalysis",
    fields: &[
        Field { go: "PerformanceMetrics", json: Some("performanceMetrics"), omitempty: true, xml: "performanceMetrics>performanceMetric,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ML_PERFORMANCE_METRIC))) },
        Field { go: "Graphics", json: Some("graphics"), omitempty: true, xml: "graphics,omitempty", ty: &Ty::Ptr(&Ty::Struct(&COMPONENT_DATA_GRAPHICS)) },
    ],
};

pub(crate) static NOTE: Struct = Struct {
    name: "Note",
    fields: &[
        Field { go: "Locale", json: Some("locale"), omitempty: true, xml: "locale,omitempty", ty: &Ty::Str },
        Field { go: "Text", json: Some("text"), omitempty: false, xml: "text", ty: &Ty::Struct(&ATTACHED_TEXT) },
    ],
};

pub(crate) static ORGANIZATIONAL_CONTACT: Struct = Struct {
    name: "OrganizationalContact",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Email", json: Some("email"), omitempty: true, xml: "email,omitempty", ty: &Ty::Str },
        Field { go: "Phone", json: Some("phone"), omitempty: true, xml: "phone,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static ORGANIZATIONAL_ENTITY: Struct = Struct {
    name: "OrganizationalEntity",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name", ty: &Ty::Str },
        Field { go: "Address", json: Some("address"), omitempty: true, xml: "address,omitempty", ty: &Ty::Ptr(&Ty::Struct(&POSTAL_ADDRESS)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Contact", json: Some("contact"), omitempty: true, xml: "contact,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_CONTACT))) },
    ],
};

pub(crate) static ORGANIZATIONAL_ENTITY_OR_CONTACT: Struct = Struct {
    name: "OrganizationalEntityOrContact",
    fields: &[
        Field { go: "Organization", json: Some("organization"), omitempty: true, xml: "organization,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Individual", json: Some("individual"), omitempty: true, xml: "individual,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_CONTACT)) },
    ],
};

pub(crate) static PARAMETER: Struct = Struct {
    name: "Parameter",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Value", json: Some("value"), omitempty: true, xml: "value,omitempty", ty: &Ty::Str },
        Field { go: "DataType", json: Some("dataType"), omitempty: true, xml: "dataType,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static PATCH: Struct = Struct {
    name: "Patch",
    fields: &[
        Field { go: "Diff", json: Some("diff"), omitempty: true, xml: "diff,omitempty", ty: &Ty::Ptr(&Ty::Struct(&DIFF)) },
        Field { go: "Resolves", json: Some("resolves"), omitempty: true, xml: "resolves>issue,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ISSUE))) },
        Field { go: "Type", json: Some("type"), omitempty: false, xml: "type,attr", ty: &Ty::Str },
    ],
};

pub(crate) static PATENT: Struct = Struct {
    name: "Patent",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "PatentNumber", json: Some("patentNumber"), omitempty: false, xml: "patentNumber", ty: &Ty::Str },
        Field { go: "ApplicationNumber", json: Some("applicationNumber"), omitempty: true, xml: "applicationNumber,omitempty", ty: &Ty::Str },
        Field { go: "Jurisdiction", json: Some("jurisdiction"), omitempty: false, xml: "jurisdiction", ty: &Ty::Str },
        Field { go: "PriorityApplication", json: Some("priorityApplication"), omitempty: true, xml: "priorityApplication,omitempty", ty: &Ty::Ptr(&Ty::Struct(&PRIORITY_APPLICATION)) },
        Field { go: "PublicationNumber", json: Some("publicationNumber"), omitempty: true, xml: "publicationNumber,omitempty", ty: &Ty::Str },
        Field { go: "Title", json: Some("title"), omitempty: true, xml: "title,omitempty", ty: &Ty::Str },
        Field { go: "Abstract", json: Some("abstract"), omitempty: true, xml: "abstract,omitempty", ty: &Ty::Str },
        Field { go: "FilingDate", json: Some("filingDate"), omitempty: true, xml: "filingDate,omitempty", ty: &Ty::Str },
        Field { go: "GrantDate", json: Some("grantDate"), omitempty: true, xml: "grantDate,omitempty", ty: &Ty::Str },
        Field { go: "PatentExpirationDate", json: Some("patentExpirationDate"), omitempty: true, xml: "patentExpirationDate,omitempty", ty: &Ty::Str },
        Field { go: "PatentLegalStatus", json: Some("patentLegalStatus"), omitempty: false, xml: "patentLegalStatus", ty: &Ty::Str },
        Field { go: "PatentAssignee", json: Some("patentAssignee"), omitempty: true, xml: "patentAssignee,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_ENTITY_OR_CONTACT))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
    ],
};

pub(crate) static PATENT_ASSERTION: Struct = Struct {
    name: "PatentAssertion",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "PatentRefs", json: Some("patentRefs"), omitempty: true, xml: "patentRefs>bom-ref,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "AssertionType", json: Some("assertionType"), omitempty: false, xml: "assertionType", ty: &Ty::Str },
        Field { go: "Asserter", json: Some("asserter"), omitempty: false, xml: "asserter", ty: &Ty::Ptr(&Ty::Custom(Custom::AsserterChoice, &Ty::Struct(&ASSERTER_CHOICE))) },
        Field { go: "Notes", json: Some("notes"), omitempty: true, xml: "notes,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static PATENT_CHOICE: Struct = Struct {
    name: "PatentChoice",
    fields: &[
        Field { go: "Patent", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&PATENT)) },
        Field { go: "PatentFamily", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&PATENT_FAMILY)) },
    ],
};

pub(crate) static PATENT_FAMILY: Struct = Struct {
    name: "PatentFamily",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "FamilyID", json: Some("familyId"), omitempty: false, xml: "familyId", ty: &Ty::Str },
        Field { go: "PriorityApplication", json: Some("priorityApplication"), omitempty: true, xml: "priorityApplication,omitempty", ty: &Ty::Ptr(&Ty::Struct(&PRIORITY_APPLICATION)) },
        Field { go: "Members", json: Some("members"), omitempty: true, xml: "members>ref,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::BOMReference, &Ty::Str))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
    ],
};

pub(crate) static PEDIGREE: Struct = Struct {
    name: "Pedigree",
    fields: &[
        Field { go: "Ancestors", json: Some("ancestors"), omitempty: true, xml: "ancestors>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Descendants", json: Some("descendants"), omitempty: true, xml: "descendants>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Variants", json: Some("variants"), omitempty: true, xml: "variants>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Commits", json: Some("commits"), omitempty: true, xml: "commits>commit,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMMIT))) },
        Field { go: "Patches", json: Some("patches"), omitempty: true, xml: "patches>patch,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PATCH))) },
        Field { go: "Notes", json: Some("notes"), omitempty: true, xml: "notes,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static POSTAL_ADDRESS: Struct = Struct {
    name: "PostalAddress",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Country", json: Some("country"), omitempty: true, xml: "country,omitempty", ty: &Ty::Str },
        Field { go: "Region", json: Some("region"), omitempty: true, xml: "region,omitempty", ty: &Ty::Str },
        Field { go: "Locality", json: Some("locality"), omitempty: true, xml: "locality,omitempty", ty: &Ty::Str },
        Field { go: "PostOfficeBoxNumber", json: Some("postOfficeBoxNumber"), omitempty: true, xml: "postOfficeBoxNumber,omitempty", ty: &Ty::Str },
        Field { go: "PostalCode", json: Some("postalCode"), omitempty: true, xml: "postalCode,omitempty", ty: &Ty::Str },
        Field { go: "StreetAddress", json: Some("streetAddress"), omitempty: true, xml: "streetAddress,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static PREDEFINED_CERTIFICATE_STATE: Struct = Struct {
    name: "PredefinedCertificateState",
    fields: &[
        Field { go: "State", json: Some("state"), omitempty: false, xml: "state", ty: &Ty::Str },
        Field { go: "Reason", json: Some("reason"), omitempty: true, xml: "reason,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static PRIORITY_APPLICATION: Struct = Struct {
    name: "PriorityApplication",
    fields: &[
        Field { go: "ApplicationNumber", json: Some("applicationNumber"), omitempty: false, xml: "applicationNumber", ty: &Ty::Str },
        Field { go: "Jurisdiction", json: Some("jurisdiction"), omitempty: false, xml: "jurisdiction", ty: &Ty::Str },
        Field { go: "FilingDate", json: Some("filingDate"), omitempty: false, xml: "filingDate", ty: &Ty::Str },
    ],
};

pub(crate) static PROOF_OF_CONCEPT: Struct = Struct {
    name: "ProofOfConcept",
    fields: &[
        Field { go: "ReproductionSteps", json: Some("reproductionSteps"), omitempty: true, xml: "reproductionSteps,omitempty", ty: &Ty::Str },
        Field { go: "Environment", json: Some("environment"), omitempty: true, xml: "environment,omitempty", ty: &Ty::Str },
        Field { go: "SupportingMaterial", json: Some("supportingMaterial"), omitempty: true, xml: "supportingMaterial>attachment,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ATTACHED_TEXT))) },
    ],
};

pub(crate) static PROPERTY: Struct = Struct {
    name: "Property",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name,attr", ty: &Ty::Str },
        Field { go: "Value", json: Some("value"), omitempty: false, xml: ",chardata", ty: &Ty::Str },
    ],
};

pub(crate) static RELATED_CRYPTOGRAPHIC_ASSET: Struct = Struct {
    name: "RelatedCryptographicAsset",
    fields: &[
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "Ref", json: Some("ref"), omitempty: true, xml: "ref,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static RELATED_CRYPTO_MATERIAL_PROPERTIES: Struct = Struct {
    name: "RelatedCryptoMaterialProperties",
    fields: &[
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "ID", json: Some("id"), omitempty: true, xml: "id,omitempty", ty: &Ty::Str },
        Field { go: "State", json: Some("state"), omitempty: true, xml: "state,omitempty", ty: &Ty::Str },
        Field { go: "AlgorithmRef", json: Some("algorithmRef"), omitempty: true, xml: "algorithmRef,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
        Field { go: "CreationDate", json: Some("creationDate"), omitempty: true, xml: "creationDate,omitempty", ty: &Ty::Str },
        Field { go: "ActivationDate", json: Some("activationDate"), omitempty: true, xml: "activationDate,omitempty", ty: &Ty::Str },
        Field { go: "UpdateDate", json: Some("updateDate"), omitempty: true, xml: "updateDate,omitempty", ty: &Ty::Str },
        Field { go: "ExpirationDate", json: Some("expirationDate"), omitempty: true, xml: "expirationDate,omitempty", ty: &Ty::Str },
        Field { go: "Value", json: Some("value"), omitempty: true, xml: "value,omitempty", ty: &Ty::Str },
        Field { go: "Size", json: Some("size"), omitempty: true, xml: "size,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Format", json: Some("format"), omitempty: true, xml: "format,omitempty", ty: &Ty::Str },
        Field { go: "SecuredBy", json: Some("securedBy"), omitempty: true, xml: "securedBy,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SECURED_BY)) },
        Field { go: "Fingerprint", json: Some("fingerprint"), omitempty: true, xml: "fingerprint,omitempty", ty: &Ty::Ptr(&Ty::Struct(&HASH)) },
        Field { go: "RelatedCryptographicAssets", json: Some("relatedCryptographicAssets"), omitempty: true, xml: "relatedCryptographicAssets>relatedCryptographicAsset,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RELATED_CRYPTOGRAPHIC_ASSET))) },
    ],
};

pub(crate) static RELEASE_NOTES: Struct = Struct {
    name: "ReleaseNotes",
    fields: &[
        Field { go: "Type", json: Some("type"), omitempty: false, xml: "type", ty: &Ty::Str },
        Field { go: "Title", json: Some("title"), omitempty: true, xml: "title,omitempty", ty: &Ty::Str },
        Field { go: "FeaturedImage", json: Some("featuredImage"), omitempty: true, xml: "featuredImage,omitempty", ty: &Ty::Str },
        Field { go: "SocialImage", json: Some("socialImage"), omitempty: true, xml: "socialImage,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Timestamp", json: Some("timestamp"), omitempty: true, xml: "timestamp,omitempty", ty: &Ty::Str },
        Field { go: "Aliases", json: Some("aliases"), omitempty: true, xml: "aliases>alias,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Tags", json: Some("tags"), omitempty: true, xml: "tags>tag,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Resolves", json: Some("resolves"), omitempty: true, xml: "resolves>issue,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ISSUE))) },
        Field { go: "Notes", json: Some("notes"), omitempty: true, xml: "notes>note,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&NOTE))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static RESOURCE_REFERENCE_CHOICE: Struct = Struct {
    name: "ResourceReferenceChoice",
    fields: &[
        Field { go: "Ref", json: Some("ref"), omitempty: true, xml: "ref,omitempty", ty: &Ty::Str },
        Field { go: "ExternalReference", json: Some("externalReference"), omitempty: true, xml: "externalReference,omitempty", ty: &Ty::Ptr(&Ty::Struct(&EXTERNAL_REFERENCE)) },
    ],
};

pub(crate) static SECURED_BY: Struct = Struct {
    name: "SecuredBy",
    fields: &[
        Field { go: "Mechanism", json: Some("mechanism"), omitempty: true, xml: "mechanism,omitempty", ty: &Ty::Str },
        Field { go: "AlgorithmRef", json: Some("algorithmRef"), omitempty: true, xml: "algorithmRef,omitempty", ty: &Ty::Custom(Custom::BOMReference, &Ty::Str) },
    ],
};

pub(crate) static SERVICE: Struct = Struct {
    name: "Service",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Provider", json: Some("provider"), omitempty: true, xml: "provider,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "Group", json: Some("group"), omitempty: true, xml: "group,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Endpoints", json: Some("endpoints"), omitempty: true, xml: "endpoints>endpoint,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Authenticated", json: Some("authenticated"), omitempty: true, xml: "authenticated,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
        Field { go: "CrossesTrustBoundary", json: Some("x-trust-boundary"), omitempty: true, xml: "x-trust-boundary,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
        Field { go: "Data", json: Some("data"), omitempty: true, xml: "data>dataflow,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::DataClassification, &Ty::Struct(&DATA_CLASSIFICATION)))) },
        Field { go: "Licenses", json: Some("licenses"), omitempty: true, xml: "licenses,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::Licenses, &Ty::Slice(&Ty::Struct(&LICENSE_CHOICE)))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
        Field { go: "Services", json: Some("services"), omitempty: true, xml: "services>service,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&SERVICE))) },
        Field { go: "ReleaseNotes", json: Some("releaseNotes"), omitempty: true, xml: "releaseNotes,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RELEASE_NOTES)) },
        Field { go: "Tags", json: Some("tags"), omitempty: true, xml: "tags>tag,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "TrustZone", json: Some("trustZone"), omitempty: true, xml: "trustZone,omitempty", ty: &Ty::Str },
        Field { go: "PatentAssertions", json: Some("patentAssertions"), omitempty: true, xml: "patentAssertions>patentAssertion,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PATENT_ASSERTION))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static SIGNATORY: Struct = Struct {
    name: "Signatory",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Role", json: Some("role"), omitempty: true, xml: "role,omitempty", ty: &Ty::Str },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
        Field { go: "Organization", json: Some("organization"), omitempty: true, xml: "organization,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ORGANIZATIONAL_ENTITY)) },
        Field { go: "ExternalReference", json: Some("externalReference"), omitempty: true, xml: "externalReference,omitempty", ty: &Ty::Ptr(&Ty::Struct(&EXTERNAL_REFERENCE)) },
    ],
};

pub(crate) static SOURCE: Struct = Struct {
    name: "Source",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static STANDARD_DEFINITION: Struct = Struct {
    name: "StandardDefinition",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Owner", json: Some("owner"), omitempty: true, xml: "owner,omitempty", ty: &Ty::Str },
        Field { go: "Requirements", json: Some("requirements"), omitempty: true, xml: "requirements>requirement,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&STANDARD_REQUIREMENT))) },
        Field { go: "Levels", json: Some("levels"), omitempty: true, xml: "levels>level,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&STANDARD_LEVEL))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
        Field { go: "Signature", json: Some("signature"), omitempty: true, xml: "-", ty: &Ty::Ptr(&Ty::Struct(&JSF_SIGNATURE)) },
    ],
};

pub(crate) static STANDARD_LEVEL: Struct = Struct {
    name: "StandardLevel",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Identifier", json: Some("identifier"), omitempty: true, xml: "identifier,omitempty", ty: &Ty::Str },
        Field { go: "Title", json: Some("title"), omitempty: true, xml: "title,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Requirements", json: Some("requirements"), omitempty: true, xml: "requirements>requirement,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
    ],
};

pub(crate) static STANDARD_REQUIREMENT: Struct = Struct {
    name: "StandardRequirement",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "Identifier", json: Some("identifier"), omitempty: true, xml: "identifier,omitempty", ty: &Ty::Str },
        Field { go: "Title", json: Some("title"), omitempty: true, xml: "title,omitempty", ty: &Ty::Str },
        Field { go: "Text", json: Some("text"), omitempty: true, xml: "text,omitempty", ty: &Ty::Str },
        Field { go: "Descriptions", json: Some("descriptions"), omitempty: true, xml: "descriptions>description,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "OpenCRE", json: Some("openCre"), omitempty: true, xml: "openCre,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Parent", json: Some("parent"), omitempty: true, xml: "parent,omitempty", ty: &Ty::Str },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
    ],
};

pub(crate) static SWID: Struct = Struct {
    name: "SWID",
    fields: &[
        Field { go: "Text", json: Some("text"), omitempty: true, xml: "text,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "URL", json: Some("url"), omitempty: true, xml: "url,attr,omitempty", ty: &Ty::Str },
        Field { go: "TagID", json: Some("tagId"), omitempty: false, xml: "tagId,attr", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name,attr", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,attr,omitempty", ty: &Ty::Str },
        Field { go: "TagVersion", json: Some("tagVersion"), omitempty: true, xml: "tagVersion,attr,omitempty", ty: &Ty::Ptr(&Ty::Int(64)) },
        Field { go: "Patch", json: Some("patch"), omitempty: true, xml: "patch,attr,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
    ],
};

pub(crate) static TARGETS: Struct = Struct {
    name: "Targets",
    fields: &[
        Field { go: "Organizations", json: Some("organizations"), omitempty: true, xml: "organizations>organization,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ORGANIZATIONAL_ENTITY))) },
        Field { go: "Components", json: Some("components"), omitempty: true, xml: "components>component,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Services", json: Some("services"), omitempty: true, xml: "services>service,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&SERVICE))) },
    ],
};

pub(crate) static TASK: Struct = Struct {
    name: "Task",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
        Field { go: "ResourceReferences", json: Some("resourceReferences"), omitempty: true, xml: "resourceReferences>resourceReference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE))) },
        Field { go: "TaskTypes", json: Some("taskTypes"), omitempty: true, xml: "taskTypes>taskType,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Trigger", json: Some("trigger"), omitempty: true, xml: "trigger,omitempty", ty: &Ty::Ptr(&Ty::Struct(&TASK_TRIGGER)) },
        Field { go: "Steps", json: Some("steps"), omitempty: true, xml: "steps>step,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_STEP))) },
        Field { go: "Inputs", json: Some("inputs"), omitempty: true, xml: "inputs>input,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_INPUT))) },
        Field { go: "Outputs", json: Some("outputs"), omitempty: true, xml: "outputs>output,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_OUTPUT))) },
        Field { go: "TimeStart", json: Some("timeStart"), omitempty: true, xml: "timeStart,omitempty", ty: &Ty::Str },
        Field { go: "TimeEnd", json: Some("timeEnd"), omitempty: true, xml: "timeEnd,omitempty", ty: &Ty::Str },
        Field { go: "Workspaces", json: Some("workspaces"), omitempty: true, xml: "workspaces>workspace,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_WORKSPACE))) },
        Field { go: "RuntimeTopology", json: Some("runtimeTopology"), omitempty: true, xml: "runtimeTopology>dependency,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::Dependency, &Ty::Struct(&DEPENDENCY)))) },
    ],
};

pub(crate) static TASK_COMMAND: Struct = Struct {
    name: "TaskCommand",
    fields: &[
        Field { go: "Executed", json: Some("executed"), omitempty: true, xml: "executed,omitempty", ty: &Ty::Str },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TASK_INPUT: Struct = Struct {
    name: "TaskInput",
    fields: &[
        Field { go: "Resource", json: Some("resource"), omitempty: true, xml: "resource,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Parameters", json: Some("parameters"), omitempty: true, xml: "parameters>parameter,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PARAMETER))) },
        Field { go: "EnvironmentVars", json: Some("environmentVars"), omitempty: true, xml: "environmentVars,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::EnvironmentVariables, &Ty::Slice(&Ty::Custom(Custom::EnvironmentVariableChoice, &Ty::Struct(&ENVIRONMENT_VARIABLE_CHOICE))))) },
        Field { go: "Data", json: Some("data"), omitempty: true, xml: "data,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Target", json: Some("target"), omitempty: true, xml: "target,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TASK_OUTPUT: Struct = Struct {
    name: "TaskOutput",
    fields: &[
        Field { go: "Resource", json: Some("resource"), omitempty: true, xml: "resource,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Parameters", json: Some("parameters"), omitempty: true, xml: "parameters>parameter,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PARAMETER))) },
        Field { go: "EnvironmentVars", json: Some("environmentVars"), omitempty: true, xml: "environmentVars,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::EnvironmentVariables, &Ty::Slice(&Ty::Custom(Custom::EnvironmentVariableChoice, &Ty::Struct(&ENVIRONMENT_VARIABLE_CHOICE))))) },
        Field { go: "Data", json: Some("data"), omitempty: true, xml: "data,omitempty", ty: &Ty::Ptr(&Ty::Struct(&ATTACHED_TEXT)) },
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Target", json: Some("target"), omitempty: true, xml: "target,omitempty", ty: &Ty::Ptr(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TASK_STEP: Struct = Struct {
    name: "TaskStep",
    fields: &[
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Commands", json: Some("commands"), omitempty: true, xml: "commands>command,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_COMMAND))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TASK_TRIGGER: Struct = Struct {
    name: "TaskTrigger",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "ResourceReferences", json: Some("resourceReferences"), omitempty: true, xml: "resourceReferences>resourceReference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE))) },
        Field { go: "Type", json: Some("type"), omitempty: true, xml: "type,omitempty", ty: &Ty::Str },
        Field { go: "Event", json: Some("event"), omitempty: true, xml: "event,omitempty", ty: &Ty::Ptr(&Ty::Struct(&EVENT)) },
        Field { go: "Conditions", json: Some("conditions"), omitempty: true, xml: "conditions>condition,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_TRIGGER_CONDITION))) },
        Field { go: "TimeActivated", json: Some("timeActivated"), omitempty: true, xml: "timeActivated,omitempty", ty: &Ty::Str },
        Field { go: "Inputs", json: Some("inputs"), omitempty: true, xml: "inputs>input,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_INPUT))) },
        Field { go: "Outputs", json: Some("outputs"), omitempty: true, xml: "outputs>output,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_OUTPUT))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TASK_TRIGGER_CONDITION: Struct = Struct {
    name: "TaskTriggerCondition",
    fields: &[
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Expression", json: Some("expression"), omitempty: true, xml: "expression,omitempty", ty: &Ty::Str },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TASK_WORKSPACE: Struct = Struct {
    name: "TaskWorkspace",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Aliases", json: Some("aliases"), omitempty: true, xml: "aliases>alias,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "ResourceReferences", json: Some("resourceReferences"), omitempty: true, xml: "resourceReferences>resourceReference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE))) },
        Field { go: "AccessMode", json: Some("accessMode"), omitempty: true, xml: "accessMode,omitempty", ty: &Ty::Str },
        Field { go: "MountPath", json: Some("mountPath"), omitempty: true, xml: "mountPath,omitempty", ty: &Ty::Str },
        Field { go: "ManagedDataType", json: Some("managedDataType"), omitempty: true, xml: "managedDataType,omitempty", ty: &Ty::Str },
        Field { go: "VolumeRequest", json: Some("volumeRequest"), omitempty: true, xml: "volumeRequest,omitempty", ty: &Ty::Str },
        Field { go: "Volume", json: Some("volume"), omitempty: true, xml: "volume,omitempty", ty: &Ty::Ptr(&Ty::Struct(&VOLUME)) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static TOOL: Struct = Struct {
    name: "Tool",
    fields: &[
        Field { go: "Vendor", json: Some("vendor"), omitempty: true, xml: "vendor,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: false, xml: "name", ty: &Ty::Str },
        Field { go: "Version", json: Some("version"), omitempty: true, xml: "version,omitempty", ty: &Ty::Str },
        Field { go: "Hashes", json: Some("hashes"), omitempty: true, xml: "hashes>hash,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&HASH))) },
        Field { go: "ExternalReferences", json: Some("externalReferences"), omitempty: true, xml: "externalReferences>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&EXTERNAL_REFERENCE))) },
    ],
};

pub(crate) static TOOLS_CHOICE: Struct = Struct {
    name: "ToolsChoice",
    fields: &[
        Field { go: "Tools", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TOOL))) },
        Field { go: "Components", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&COMPONENT))) },
        Field { go: "Services", json: None, omitempty: false, xml: "-", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&SERVICE))) },
    ],
};

pub(crate) static VOLUME: Struct = Struct {
    name: "Volume",
    fields: &[
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Mode", json: Some("mode"), omitempty: true, xml: "mode,omitempty", ty: &Ty::Str },
        Field { go: "Path", json: Some("path"), omitempty: true, xml: "path,omitempty", ty: &Ty::Str },
        Field { go: "SizeAllocated", json: Some("sizeAllocated"), omitempty: true, xml: "sizeAllocated,omitempty", ty: &Ty::Str },
        Field { go: "Persistent", json: Some("persistent"), omitempty: true, xml: "persistent,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
        Field { go: "Remote", json: Some("remote"), omitempty: true, xml: "remote,omitempty", ty: &Ty::Ptr(&Ty::Bool) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static VULNERABILITY: Struct = Struct {
    name: "Vulnerability",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "ID", json: Some("id"), omitempty: false, xml: "id", ty: &Ty::Str },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SOURCE)) },
        Field { go: "References", json: Some("references"), omitempty: true, xml: "references>reference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&VULNERABILITY_REFERENCE))) },
        Field { go: "Ratings", json: Some("ratings"), omitempty: true, xml: "ratings>rating,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&VULNERABILITY_RATING))) },
        Field { go: "CWEs", json: Some("cwes"), omitempty: true, xml: "cwes>cwe,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Int(64))) },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "Detail", json: Some("detail"), omitempty: true, xml: "detail,omitempty", ty: &Ty::Str },
        Field { go: "Recommendation", json: Some("recommendation"), omitempty: true, xml: "recommendation,omitempty", ty: &Ty::Str },
        Field { go: "Workaround", json: Some("workaround"), omitempty: true, xml: "workaround,omitempty", ty: &Ty::Str },
        Field { go: "ProofOfConcept", json: Some("proofOfConcept"), omitempty: true, xml: "proofOfConcept,omitempty", ty: &Ty::Ptr(&Ty::Struct(&PROOF_OF_CONCEPT)) },
        Field { go: "Advisories", json: Some("advisories"), omitempty: true, xml: "advisories>advisory,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&ADVISORY))) },
        Field { go: "Created", json: Some("created"), omitempty: true, xml: "created,omitempty", ty: &Ty::Str },
        Field { go: "Published", json: Some("published"), omitempty: true, xml: "published,omitempty", ty: &Ty::Str },
        Field { go: "Updated", json: Some("updated"), omitempty: true, xml: "updated,omitempty", ty: &Ty::Str },
        Field { go: "Rejected", json: Some("rejected"), omitempty: true, xml: "rejected,omitempty", ty: &Ty::Str },
        Field { go: "Credits", json: Some("credits"), omitempty: true, xml: "credits,omitempty", ty: &Ty::Ptr(&Ty::Struct(&CREDITS)) },
        Field { go: "Tools", json: Some("tools"), omitempty: true, xml: "tools,omitempty", ty: &Ty::Ptr(&Ty::Custom(Custom::ToolsChoice, &Ty::Struct(&TOOLS_CHOICE))) },
        Field { go: "Analysis", json: Some("analysis"), omitempty: true, xml: "analysis,omitempty", ty: &Ty::Ptr(&Ty::Struct(&VULNERABILITY_ANALYSIS)) },
        Field { go: "Affects", json: Some("affects"), omitempty: true, xml: "affects>target,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&AFFECTS))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};

pub(crate) static VULNERABILITY_ANALYSIS: Struct = Struct {
    name: "VulnerabilityAnalysis",
    fields: &[
        Field { go: "State", json: Some("state"), omitempty: true, xml: "state,omitempty", ty: &Ty::Str },
        Field { go: "Justification", json: Some("justification"), omitempty: true, xml: "justification,omitempty", ty: &Ty::Str },
        Field { go: "Response", json: Some("response"), omitempty: true, xml: "responses>response,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Detail", json: Some("detail"), omitempty: true, xml: "detail,omitempty", ty: &Ty::Str },
        Field { go: "FirstIssued", json: Some("firstIssued"), omitempty: true, xml: "firstIssued,omitempty", ty: &Ty::Str },
        Field { go: "LastUpdated", json: Some("lastUpdated"), omitempty: true, xml: "lastUpdated,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static VULNERABILITY_RATING: Struct = Struct {
    name: "VulnerabilityRating",
    fields: &[
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SOURCE)) },
        Field { go: "Score", json: Some("score"), omitempty: true, xml: "score,omitempty", ty: &Ty::Ptr(&Ty::Float(64)) },
        Field { go: "Severity", json: Some("severity"), omitempty: true, xml: "severity,omitempty", ty: &Ty::Str },
        Field { go: "Method", json: Some("method"), omitempty: true, xml: "method,omitempty", ty: &Ty::Str },
        Field { go: "Vector", json: Some("vector"), omitempty: true, xml: "vector,omitempty", ty: &Ty::Str },
        Field { go: "Justification", json: Some("justification"), omitempty: true, xml: "justification,omitempty", ty: &Ty::Str },
    ],
};

pub(crate) static VULNERABILITY_REFERENCE: Struct = Struct {
    name: "VulnerabilityReference",
    fields: &[
        Field { go: "ID", json: Some("id"), omitempty: true, xml: "id,omitempty", ty: &Ty::Str },
        Field { go: "Source", json: Some("source"), omitempty: true, xml: "source,omitempty", ty: &Ty::Ptr(&Ty::Struct(&SOURCE)) },
    ],
};

pub(crate) static WORKFLOW: Struct = Struct {
    name: "Workflow",
    fields: &[
        Field { go: "BOMRef", json: Some("bom-ref"), omitempty: true, xml: "bom-ref,attr,omitempty", ty: &Ty::Str },
        Field { go: "UID", json: Some("uid"), omitempty: true, xml: "uid,omitempty", ty: &Ty::Str },
        Field { go: "Name", json: Some("name"), omitempty: true, xml: "name,omitempty", ty: &Ty::Str },
        Field { go: "Description", json: Some("description"), omitempty: true, xml: "description,omitempty", ty: &Ty::Str },
        Field { go: "ResourceReferences", json: Some("resourceReferences"), omitempty: true, xml: "resourceReferences>resourceReference,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&RESOURCE_REFERENCE_CHOICE))) },
        Field { go: "Tasks", json: Some("tasks"), omitempty: true, xml: "tasks>task,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK))) },
        Field { go: "TaskDependencies", json: Some("taskDependencies"), omitempty: true, xml: "taskDependencies>dependency", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::Dependency, &Ty::Struct(&DEPENDENCY)))) },
        Field { go: "TaskTypes", json: Some("taskTypes"), omitempty: true, xml: "taskTypes>taskType,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Str)) },
        Field { go: "Trigger", json: Some("trigger"), omitempty: true, xml: "trigger,omitempty", ty: &Ty::Ptr(&Ty::Struct(&TASK_TRIGGER)) },
        Field { go: "Steps", json: Some("steps"), omitempty: true, xml: "steps>step,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_STEP))) },
        Field { go: "Inputs", json: Some("inputs"), omitempty: true, xml: "inputs>input,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_INPUT))) },
        Field { go: "Outputs", json: Some("outputs"), omitempty: true, xml: "outputs>output,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_OUTPUT))) },
        Field { go: "TimeStart", json: Some("timeStart"), omitempty: true, xml: "timeStart,omitempty", ty: &Ty::Str },
        Field { go: "TimeEnd", json: Some("timeEnd"), omitempty: true, xml: "timeEnd,omitempty", ty: &Ty::Str },
        Field { go: "Workspaces", json: Some("workspaces"), omitempty: true, xml: "workspaces>workspace,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&TASK_WORKSPACE))) },
        Field { go: "RuntimeTopology", json: Some("runtimeTopology"), omitempty: true, xml: "runtimeTopology>dependency,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Custom(Custom::Dependency, &Ty::Struct(&DEPENDENCY)))) },
        Field { go: "Properties", json: Some("properties"), omitempty: true, xml: "properties>property,omitempty", ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&PROPERTY))) },
    ],
};
