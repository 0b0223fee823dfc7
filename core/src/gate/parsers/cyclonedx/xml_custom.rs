//! The `UnmarshalXML` methods of cyclonedx-go v0.12.0 (`cyclonedx_xml.go`), ported one by one
//! over the reader of `xml_read.rs`, with the helper structs they decode into. Their quirks are
//! kept: an unknown child of `<licenses>`, `<tools>`, `<evidence>` or `<environmentVars>` is an
//! error, a data classification reads to a `</dataflow>` (so one written as `<classification>`
//! ends in EOF), the standards and patents of `<definitions>` end at the first end tag.

use super::types::{self, Custom, Field, Ty};
use super::value::{Go, zero_struct};
use super::xml_read::{Dec, Error, Result, Tok, msg};

impl Custom {
    /// Whether the type has an `UnmarshalXML` method.
    pub(crate) fn reads_xml(self) -> bool {
        !matches!(
            self,
            Custom::EnvironmentVariableChoice
                | Custom::EvidenceIdentityChoice
                | Custom::License
                | Custom::PatentChoice
        )
    }
}

/// A field of a helper struct (no JSON side).
const fn f(go: &'static str, xml: &'static str, ty: &'static Ty) -> Field {
    Field {
        go,
        json: None,
        omitempty: false,
        xml,
        ty,
    }
}

static BOM_REFERENCE_XML: &[Field] = &[f("Ref", "ref,attr", &Ty::Str)];

static DEPENDENCY_XML: types::Struct = types::Struct {
    name: "dependencyXML",
    fields: &[
        f("Ref", "ref,attr", &Ty::Str),
        f(
            "Dependencies",
            "dependency,omitempty",
            &Ty::Ptr(&Ty::Slice(&Ty::Struct(&DEPENDENCY_XML))),
        ),
        f(
            "Provides",
            "provides,omitempty",
            &Ty::Ptr(&Ty::Slice(&Ty::Struct(&DEPENDENCY_XML))),
        ),
    ],
};

static LICENSE_EXPRESSION_XML: &[Field] = &[
    f("Expression", ",chardata", &Ty::Str),
    f(
        "Acknowledgement",
        "acknowledgement,attr,omitempty",
        &Ty::Str,
    ),
    f("BOMRef", "bom-ref,attr,omitempty", &Ty::Str),
];

static LICENSE_EXPRESSION_DETAIL_XML: types::Struct = types::Struct {
    name: "licenseExpressionDetailXML",
    fields: &[
        f("LicenseIdentifier", "license-identifier,attr", &Ty::Str),
        f(
            "Text",
            "text,omitempty",
            &Ty::Ptr(&Ty::Struct(&types::ATTACHED_TEXT)),
        ),
        f("URL", "url,omitempty", &Ty::Str),
    ],
};

static LICENSE_EXPRESSION_DETAILED_XML: &[Field] = &[
    f("Expression", "expression,attr", &Ty::Str),
    f(
        "Acknowledgement",
        "acknowledgement,attr,omitempty",
        &Ty::Str,
    ),
    f("BOMRef", "bom-ref,attr,omitempty", &Ty::Str),
    f(
        "Details",
        "details",
        &Ty::Slice(&Ty::Struct(&LICENSE_EXPRESSION_DETAIL_XML)),
    ),
];

static CERTIFICATE_STATE_RAW: &[Field] = &[
    f("State", "state", &Ty::Str),
    f("Name", "name", &Ty::Str),
    f("Description", "description", &Ty::Str),
    f("Reason", "reason", &Ty::Str),
];

static CERTIFICATE_EXTENSION_RAW: &[Field] = &[
    f("CommonExtensionName", "commonExtensionName", &Ty::Str),
    f("CommonExtensionValue", "commonExtensionValue", &Ty::Str),
    f("CustomExtensionName", "customExtensionName", &Ty::Str),
    f("CustomExtensionValue", "customExtensionValue", &Ty::Str),
];

static IKEV2_RAW: &[Field] = &[
    f("Content", ",chardata", &Ty::Str),
    f("Name", "name", &Ty::Str),
    f("Algorithm", "algorithm", &Ty::Str),
];

static IKEV2_ENC_RAW: &[Field] = &[
    f("Content", ",chardata", &Ty::Str),
    f("Name", "name", &Ty::Str),
    f("KeyLength", "keyLength", &Ty::Ptr(&Ty::Int(64))),
    f("Algorithm", "algorithm", &Ty::Str),
];

static IKEV2_KE_RAW: &[Field] = &[
    f("Content", ",chardata", &Ty::Str),
    f("Group", "group", &Ty::Ptr(&Ty::Int(64))),
    f("Algorithm", "algorithm", &Ty::Str),
];

static TOOLS_CHOICE_UNMARSHAL_XML: &[Field] = &[
    f(
        "Components",
        "component,omitempty",
        &Ty::Ptr(&Ty::Slice(&Ty::Struct(&types::COMPONENT))),
    ),
    f(
        "Services",
        "service,omitempty",
        &Ty::Ptr(&Ty::Slice(&Ty::Struct(&types::SERVICE))),
    ),
];

/// The type of field `go` of `fields`, a pointer's target for a pointer.
fn target(fields: &[Field], go: &str) -> &'static Ty {
    match fields.iter().find(|f| f.go == go).map(|f| f.ty) {
        Some(Ty::Ptr(inner)) => inner,
        Some(other) => other,
        None => &Ty::Str,
    }
}

fn evidence_unmarshal_xml() -> [Field; 2] {
    let ev = types::EVIDENCE.fields;
    [
        f(
            "Occurrences",
            "occurrence,omitempty",
            field_ty(ev, "Occurrences"),
        ),
        f("Copyright", "text,omitempty", field_ty(ev, "Copyright")),
    ]
}

fn field_ty(fields: &[Field], go: &str) -> &'static Ty {
    fields
        .iter()
        .find(|f| f.go == go)
        .map_or(&Ty::Str, |f| f.ty)
}

/// `d.DecodeElement(&s, &start)` into a struct of `fields`.
fn decode_struct(dec: &mut Dec, fields: &[Field], start: usize) -> Result<Go> {
    let mut v = zero_struct(fields);
    dec.unmarshal_struct(fields, &mut v, start, None)?;
    Ok(v)
}

fn decode(dec: &mut Dec, ty: &Ty, start: usize) -> Result<Go> {
    let mut v = super::value::zero(ty);
    dec.unmarshal(ty, &mut v, start)?;
    Ok(v)
}

fn decode_string(dec: &mut Dec, start: usize) -> Result<String> {
    Ok(decode(dec, &Ty::Str, start)?.str().to_string())
}

fn str_of(v: &Go, fields: &[Field], go: &str) -> String {
    v.field(fields, go).str().to_string()
}

fn nonempty_slice(v: &Go) -> Option<&Vec<Go>> {
    match v {
        Go::Ptr(Some(p)) => nonempty_slice(p),
        Go::Slice(Some(items)) if !items.is_empty() => Some(items),
        _ => None,
    }
}

/// The next start element of the fenced element (its index and name), `None` at its end (the
/// EOF the fence gives); other tokens are passed over.
fn next_start(dec: &mut Dec) -> Result<Option<(usize, String)>> {
    loop {
        match dec.token() {
            Err(Error::Eof) => return Ok(None),
            Err(e) => return Err(e),
            Ok(Tok::Start { local, .. }) => return Ok(Some((dec.last(), local))),
            Ok(_) => {}
        }
    }
}

/// `custom`'s `UnmarshalXML(d, start)` into `val`, a value of `under`.
pub(crate) fn unmarshal_xml(
    dec: &mut Dec,
    custom: Custom,
    under: &Ty,
    val: &mut Go,
    start: usize,
) -> Result<()> {
    let fields: &[Field] = match under {
        Ty::Struct(s) => s.fields,
        _ => &[],
    };
    match custom {
        Custom::BOMReference => {
            let raw = decode_struct(dec, BOM_REFERENCE_XML, start)?;
            *val = Go::Str(str_of(&raw, BOM_REFERENCE_XML, "Ref"));
        }
        Custom::Copyright => {
            let text = decode_string(dec, start)?;
            val.set(fields, "Text", Go::Str(text));
        }
        Custom::Dependency => {
            let raw = decode_struct(dec, DEPENDENCY_XML.fields, start)?;
            let mut dep = zero_struct(fields);
            dep.set(
                fields,
                "Ref",
                raw.field(DEPENDENCY_XML.fields, "Ref").clone(),
            );
            for go in ["Dependencies", "Provides"] {
                if let Some(items) = nonempty_slice(raw.field(DEPENDENCY_XML.fields, go)) {
                    let refs = items
                        .iter()
                        .map(|d| Go::Str(str_of(d, DEPENDENCY_XML.fields, "Ref")))
                        .collect();
                    dep.set(fields, go, Go::ptr(Go::Slice(Some(refs))));
                }
            }
            *val = dep;
        }
        Custom::EnvironmentVariables => {
            let choice = types::ENVIRONMENT_VARIABLE_CHOICE.fields;
            let mut vars = Vec::new();
            while let Some((at, local)) = next_start(dec)? {
                let mut item = zero_struct(choice);
                match local.as_str() {
                    "value" => item.set(choice, "Value", Go::Str(decode_string(dec, at)?)),
                    "environmentVar" => {
                        let p = decode_struct(dec, types::PROPERTY.fields, at)?;
                        item.set(choice, "Property", Go::ptr(p));
                    }
                    _ => return msg(format!("unknown element: {local}")),
                }
                vars.push(item);
            }
            *val = Go::Slice(Some(vars));
        }
        Custom::Licenses => *val = Go::Slice(Some(licenses(dec)?)),
        Custom::MLDatasetChoice => {
            let mut all = vec![f("Ref", "ref", &Ty::Str)];
            all.extend_from_slice(types::COMPONENT_DATA.fields);
            let raw = decode_struct(dec, &all, start)?;
            let reference = str_of(&raw, &all, "Ref");
            if !reference.is_empty() {
                val.set(fields, "Ref", Go::Str(reference));
            } else if let Go::Struct(values) = raw {
                let data = Go::Struct(values.into_iter().skip(1).collect());
                if !data.is_zero() {
                    val.set(fields, "ComponentData", Go::ptr(data));
                }
            }
        }
        Custom::SpecVersion => {
            let v = decode_string(dec, start)?;
            match (1..=8).find(|n| super::value::spec_version_name(*n) == v) {
                Some(n) => *val = Go::Int(n),
                None => return msg("invalid specification version"),
            }
        }
        Custom::CertificateState => {
            let raw = decode_struct(dec, CERTIFICATE_STATE_RAW, start)?;
            let get = |go| Go::Str(str_of(&raw, CERTIFICATE_STATE_RAW, go));
            if !raw.field(CERTIFICATE_STATE_RAW, "State").str().is_empty() {
                let s = types::PREDEFINED_CERTIFICATE_STATE.fields;
                let mut p = zero_struct(s);
                p.set(s, "State", get("State"));
                p.set(s, "Reason", get("Reason"));
                val.set(fields, "Predefined", Go::ptr(p));
            } else {
                let s = types::CUSTOM_CERTIFICATE_STATE.fields;
                let mut c = zero_struct(s);
                for go in ["Name", "Description", "Reason"] {
                    c.set(s, go, get(go));
                }
                val.set(fields, "Custom", Go::ptr(c));
            }
        }
        Custom::CertificateExtension => {
            let raw = decode_struct(dec, CERTIFICATE_EXTENSION_RAW, start)?;
            let get = |go| Go::Str(str_of(&raw, CERTIFICATE_EXTENSION_RAW, go));
            let (slot, s, name, value) = if !raw
                .field(CERTIFICATE_EXTENSION_RAW, "CommonExtensionName")
                .str()
                .is_empty()
            {
                let s = types::COMMON_CERTIFICATE_EXTENSION.fields;
                ("Common", s, "CommonExtensionName", "CommonExtensionValue")
            } else {
                let s = types::CUSTOM_CERTIFICATE_EXTENSION.fields;
                ("Custom", s, "CustomExtensionName", "CustomExtensionValue")
            };
            let mut e = zero_struct(s);
            e.set(s, "Name", get(name));
            e.set(s, "Value", get(value));
            val.set(fields, slot, Go::ptr(e));
        }
        // its helper struct has the type's own tags
        Custom::AsserterChoice => *val = decode_struct(dec, fields, start)?,
        Custom::IKEv2Auth
        | Custom::IKEv2Enc
        | Custom::IKEv2Integ
        | Custom::IKEv2Ke
        | Custom::IKEv2Prf => {
            let raw_fields = match custom {
                Custom::IKEv2Enc => IKEV2_ENC_RAW,
                Custom::IKEv2Ke => IKEV2_KE_RAW,
                _ => IKEV2_RAW,
            };
            let raw = decode_struct(dec, raw_fields, start)?;
            let content = str_of(&raw, raw_fields, "Content");
            let content = content.trim_matches(super::xml_read::is_go_space);
            let others_empty = raw_fields
                .iter()
                .filter(|f| f.go != "Content")
                .all(|f| raw.field(raw_fields, f.go).is_zero());
            if !content.is_empty() && others_empty {
                val.set(fields, "BOMRef", Go::Str(content.to_string()));
            } else {
                for field in raw_fields.iter().filter(|f| f.go != "Content") {
                    val.set(fields, field.go, raw.field(raw_fields, field.go).clone());
                }
            }
        }
        Custom::ToolsChoice => tools(dec, fields, val)?,
        Custom::Evidence => *val = evidence(dec, fields)?,
        Custom::DataClassification => data_classification(dec, fields, val, start)?,
        Custom::Definitions => definitions(dec, fields, val)?,
        Custom::EnvironmentVariableChoice
        | Custom::EvidenceIdentityChoice
        | Custom::License
        | Custom::PatentChoice => {
            return Err(Error::Msg(format!("{custom:?} has no UnmarshalXML")));
        }
    }
    Ok(())
}

/// `Licenses.UnmarshalXML`: `<expression>`, `<expression-detailed>` and `<license>` children.
fn licenses(dec: &mut Dec) -> Result<Vec<Go>> {
    let choice = types::LICENSE_CHOICE.fields;
    let mut out = Vec::new();
    while let Some((at, local)) = next_start(dec)? {
        let mut item = zero_struct(choice);
        match local.as_str() {
            "expression" | "expression-detailed" => {
                let raw_fields = if local == "expression" {
                    LICENSE_EXPRESSION_XML
                } else {
                    LICENSE_EXPRESSION_DETAILED_XML
                };
                let raw = decode_struct(dec, raw_fields, at)?;
                let get = |go| str_of(&raw, raw_fields, go);
                item.set(choice, "Expression", Go::Str(get("Expression")));
                item.set(choice, "BOMRef", Go::Str(get("BOMRef")));
                if !get("Acknowledgement").is_empty() {
                    item.set(
                        choice,
                        "Acknowledgement",
                        Go::ptr(Go::Str(get("Acknowledgement"))),
                    );
                }
                if let Some(details) = nonempty_slice(raw.field(raw_fields, "Details")) {
                    let d = types::LICENSE_EXPRESSION_DETAIL.fields;
                    let dx = LICENSE_EXPRESSION_DETAIL_XML.fields;
                    let items = details
                        .iter()
                        .map(|x| {
                            let mut detail = zero_struct(d);
                            for go in ["LicenseIdentifier", "Text", "URL"] {
                                detail.set(d, go, x.field(dx, go).clone());
                            }
                            detail
                        })
                        .collect();
                    item.set(choice, "ExpressionDetails", Go::ptr(Go::Slice(Some(items))));
                }
            }
            "license" => {
                let license = decode(dec, target(choice, "License"), at)?;
                item.set(choice, "License", Go::ptr(license));
            }
            _ => return msg(format!("unknown element: {local}")),
        }
        out.push(item);
    }
    Ok(out)
}

/// `ToolsChoice.UnmarshalXML`: legacy `<tool>`s, or `<components>` and `<services>`.
fn tools(dec: &mut Dec, fields: &[Field], val: &mut Go) -> Result<()> {
    let (mut legacy, mut components, mut services) = (Vec::new(), Vec::new(), Vec::new());
    while let Some((at, local)) = next_start(dec)? {
        match local.as_str() {
            "tool" => legacy.push(decode(dec, &Ty::Struct(&types::TOOL), at)?),
            "components" | "services" => {
                let raw = decode_struct(dec, TOOLS_CHOICE_UNMARSHAL_XML, at)?;
                let (go, into) = if local == "components" {
                    ("Components", &mut components)
                } else {
                    ("Services", &mut services)
                };
                if let Go::Ptr(Some(list)) = raw.field(TOOLS_CHOICE_UNMARSHAL_XML, go)
                    && let Go::Slice(items) = list.as_ref()
                {
                    *into = items.clone().unwrap_or_default();
                }
            }
            _ => return msg(format!("unknown element: {local}")),
        }
    }
    if !legacy.is_empty() && (!components.is_empty() || !services.is_empty()) {
        return msg(
            "either a list of tools, or an object holding components and services can be used, but not both",
        );
    }
    for (go, items) in [
        ("Components", components),
        ("Services", services),
        ("Tools", legacy),
    ] {
        if !items.is_empty() {
            val.set(fields, go, Go::ptr(Go::Slice(Some(items))));
        }
    }
    Ok(())
}

/// `Evidence.UnmarshalXML`.
fn evidence(dec: &mut Dec, fields: &[Field]) -> Result<Go> {
    let mut out = zero_struct(fields);
    let helper = evidence_unmarshal_xml();
    let mut identities = Vec::new();
    while let Some((at, local)) = next_start(dec)? {
        match local.as_str() {
            "identity" => {
                identities.push(decode(dec, &Ty::Struct(&types::EVIDENCE_IDENTITY), at)?);
            }
            "occurrences" | "copyright" => {
                let raw = decode_struct(dec, &helper, at)?;
                let go = if local == "occurrences" {
                    "Occurrences"
                } else {
                    "Copyright"
                };
                let got = raw.field(&helper, go);
                if !matches!(got, Go::Ptr(None)) {
                    out.set(fields, go, got.clone());
                }
            }
            "callstack" => {
                let cs = decode(dec, target(fields, "Callstack"), at)?;
                if !matches!(cs.field(types::CALLSTACK.fields, "Frames"), Go::Ptr(None)) {
                    out.set(fields, "Callstack", Go::ptr(cs));
                }
            }
            "licenses" => {
                let licenses = decode(dec, target(fields, "Licenses"), at)?;
                if matches!(&licenses, Go::Slice(Some(items)) if !items.is_empty()) {
                    out.set(fields, "Licenses", Go::ptr(licenses));
                }
            }
            _ => return msg(format!("unknown element: {local}")),
        }
    }
    if !identities.is_empty() {
        let c = types::EVIDENCE_IDENTITY_CHOICE.fields;
        let mut choice = zero_struct(c);
        choice.set(c, "Identities", Go::ptr(Go::Slice(Some(identities))));
        out.set(fields, "Identity", Go::ptr(choice));
    }
    Ok(out)
}

/// `DataClassification.UnmarshalXML`: reads to an end tag named `dataflow`; any error, EOF
/// included, is returned.
fn data_classification(dec: &mut Dec, fields: &[Field], val: &mut Go, start: usize) -> Result<()> {
    for (name, value) in dec.attrs(start) {
        match name.as_str() {
            "name" => val.set(fields, "Name", Go::Str(value)),
            "description" => val.set(fields, "Description", Go::Str(value)),
            _ => {}
        }
    }
    loop {
        match dec.token()? {
            Tok::Start { local, attrs, .. } => {
                let at = dec.last();
                match local.as_str() {
                    "classification" => {
                        for (name, value) in attrs {
                            if name == "flow" {
                                val.set(fields, "Flow", Go::Str(value));
                            }
                        }
                        let content = decode_string(dec, at)?;
                        val.set(fields, "Classification", Go::Str(content));
                    }
                    "governance" => {
                        let gov = decode(dec, target(fields, "Governance"), at)?;
                        val.set(fields, "Governance", Go::ptr(gov));
                    }
                    "source" | "destination" => {
                        let mut urls = Vec::new();
                        loop {
                            match dec.token()? {
                                Tok::End { local: end } if end == local => break,
                                Tok::Start { local: url, .. } if url == "url" => {
                                    let at = dec.last();
                                    urls.push(Go::Str(decode_string(dec, at)?));
                                }
                                _ => {}
                            }
                        }
                        if !urls.is_empty() {
                            let go = if local == "source" {
                                "Source"
                            } else {
                                "Destination"
                            };
                            val.set(fields, go, Go::ptr(Go::Slice(Some(urls))));
                        }
                    }
                    _ => {}
                }
            }
            Tok::End { local } if local == "dataflow" => return Ok(()),
            _ => {}
        }
    }
}

/// `Definitions.UnmarshalXML`: `<standards>` and `<patents>`, each list ending at the first
/// end tag inside it.
fn definitions(dec: &mut Dec, fields: &[Field], val: &mut Go) -> Result<()> {
    loop {
        let tok = match dec.token() {
            Err(Error::Eof) => return Ok(()),
            other => other?,
        };
        match tok {
            Tok::Start { local, .. } if local == "standards" || local == "patents" => {
                let mut items = Vec::new();
                loop {
                    let inner = match dec.token() {
                        Err(Error::Eof) => break,
                        other => other?,
                    };
                    match inner {
                        Tok::Start { local: child, .. } => {
                            let at = dec.last();
                            let pc = types::PATENT_CHOICE.fields;
                            match (local.as_str(), child.as_str()) {
                                ("standards", "standard") => items.push(decode(
                                    dec,
                                    &Ty::Struct(&types::STANDARD_DEFINITION),
                                    at,
                                )?),
                                ("patents", "patent" | "patentFamily") => {
                                    let (go, s) = if child == "patent" {
                                        ("Patent", &types::PATENT)
                                    } else {
                                        ("PatentFamily", &types::PATENT_FAMILY)
                                    };
                                    let p = decode(dec, &Ty::Struct(s), at)?;
                                    let mut choice = zero_struct(pc);
                                    choice.set(pc, go, Go::ptr(p));
                                    items.push(choice);
                                }
                                _ => {}
                            }
                        }
                        Tok::End { .. } => break,
                        Tok::Text(_) => {}
                    }
                }
                if !items.is_empty() {
                    let go = if local == "standards" {
                        "Standards"
                    } else {
                        "Patents"
                    };
                    val.set(fields, go, Go::ptr(Go::Slice(Some(items))));
                }
            }
            Tok::Start { .. } => dec.skip()?,
            Tok::End { .. } => return Ok(()),
            Tok::Text(_) => {}
        }
    }
}
