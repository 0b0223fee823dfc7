//! The JSON of tools-golang v0.5.7's SPDX 2.3 model (`spdx/v2/v2_3`, `spdx/v2/common`), as
//! `json.Marshal` writes it: the struct tags (`omitempty` or not, so an absent list can be
//! `null`), and the custom `MarshalJSON` methods: identifiers with their `SPDXRef-` and
//! `DocumentRef-` prefixes, `Type: name` for creators, annotators, suppliers and originators
//! (an empty one is an error, as Go's encoder refuses the empty output), external reference
//! categories with `-` for `_`.

use serde_json::{Map, Value, json};

use super::Parser;
use super::model::{Checksum, Creator, DocElementId};

type Out = Result<Value, String>;

/// `Document`'s JSON.
pub(super) fn document(p: &Parser) -> Out {
    let mut m = Map::new();
    m.insert("spdxVersion".into(), json!(p.spdx_version));
    m.insert("dataLicense".into(), json!(p.data_license));
    m.insert("SPDXID".into(), json!(element_id(&p.id)));
    m.insert("name".into(), json!(p.name));
    m.insert("documentNamespace".into(), json!(p.namespace));
    if !p.external_refs.is_empty() {
        let refs = p
            .external_refs
            .iter()
            .map(|r| {
                json!({
                    "externalDocumentId": document_id(&r.id),
                    "spdxDocument": r.uri,
                    "checksum": checksum(&Checksum {
                        algorithm: r.algorithm.clone(),
                        value: r.checksum.clone(),
                    }),
                })
            })
            .collect();
        m.insert("externalDocumentRefs".into(), Value::Array(refs));
    }
    put(&mut m, "comment", &p.comment);
    let creation = match &p.creation_info {
        None => Value::Null,
        Some(ci) => {
            let mut c = Map::new();
            put(&mut c, "licenseListVersion", &ci.license_list_version);
            let creators = match &ci.creators {
                None => Value::Null,
                Some(list) => Value::Array(list.iter().map(typed).collect::<Result<_, _>>()?),
            };
            c.insert("creators".into(), creators);
            c.insert("created".into(), json!(ci.created));
            put(&mut c, "comment", &ci.comment);
            Value::Object(c)
        }
    };
    m.insert("creationInfo".into(), creation);
    list(&mut m, "packages", &p.doc_packages, |&i| package(p, i))?;
    list(&mut m, "files", &p.doc_files, |&i| file(p, i))?;
    list(&mut m, "hasExtractedLicensingInfos", &p.doc_licenses, |l| {
        Ok(l.map_or(Value::Null, |i| {
            let l = &p.licenses[i];
            let mut o = Map::new();
            o.insert("licenseId".into(), json!(l.id));
            o.insert("extractedText".into(), json!(l.extracted_text));
            put(&mut o, "name", &l.name);
            strings(&mut o, "seeAlsos", &l.cross_references);
            put(&mut o, "comment", &l.comment);
            Value::Object(o)
        }))
    })?;
    list(&mut m, "relationships", &p.doc_relationships, |&i| {
        let r = &p.relationships[i];
        let mut o = Map::new();
        o.insert("spdxElementId".into(), doc_element_id(&r.a)?);
        o.insert("relatedSpdxElement".into(), doc_element_id(&r.b)?);
        o.insert("relationshipType".into(), json!(r.kind));
        put(&mut o, "comment", &r.comment);
        Ok(Value::Object(o))
    })?;
    list(&mut m, "annotations", &p.doc_annotations, |&i| {
        let a = &p.annotations[i];
        Ok(json!({
            "annotator": typed(&a.annotator)?,
            "annotationDate": a.date,
            "annotationType": a.kind,
            "comment": a.comment,
        }))
    })?;
    Ok(Value::Object(m))
}

fn package(p: &Parser, i: usize) -> Out {
    let k = &p.packages[i];
    let mut m = Map::new();
    m.insert("name".into(), json!(k.name));
    m.insert("SPDXID".into(), json!(element_id(&k.id)));
    put(&mut m, "versionInfo", &k.version);
    put(&mut m, "packageFileName", &k.file_name);
    for (key, who) in [("supplier", &k.supplier), ("originator", &k.originator)] {
        if let Some((kind, name)) = who {
            m.insert(key.into(), party(key, kind, name)?);
        }
    }
    m.insert("downloadLocation".into(), json!(k.download_location));
    m.insert("filesAnalyzed".into(), json!(k.files_analyzed));
    if let Some(code) = &k.verification_code {
        let mut c = Map::new();
        c.insert("packageVerificationCodeValue".into(), json!(code.value));
        strings(
            &mut c,
            "packageVerificationCodeExcludedFiles",
            &code.excluded,
        );
        m.insert("packageVerificationCode".into(), Value::Object(c));
    }
    if let Some(sums) = k.checksums.as_ref().filter(|s| !s.is_empty()) {
        m.insert("checksums".into(), sums.iter().map(checksum).collect());
    }
    put(&mut m, "homepage", &k.home_page);
    put(&mut m, "sourceInfo", &k.source_info);
    put(&mut m, "licenseConcluded", &k.license_concluded);
    strings(&mut m, "licenseInfoFromFiles", &k.license_info_from_files);
    put(&mut m, "licenseDeclared", &k.license_declared);
    put(&mut m, "licenseComments", &k.license_comments);
    put(&mut m, "copyrightText", &k.copyright_text);
    put(&mut m, "summary", &k.summary);
    put(&mut m, "description", &k.description);
    put(&mut m, "comment", &k.comment);
    list(&mut m, "externalRefs", &k.external_refs, |r| {
        Ok(r.map_or(Value::Null, |r| {
            let r = &p.ext_refs[r];
            let mut o = Map::new();
            o.insert(
                "referenceCategory".into(),
                json!(r.category.replace('_', "-")),
            );
            o.insert("referenceType".into(), json!(r.kind));
            o.insert("referenceLocator".into(), json!(r.locator));
            put(&mut o, "comment", &r.comment);
            Value::Object(o)
        }))
    })?;
    strings(&mut m, "attributionTexts", &k.attribution_texts);
    put(&mut m, "primaryPackagePurpose", &k.primary_purpose);
    put(&mut m, "releaseDate", &k.release_date);
    put(&mut m, "builtDate", &k.built_date);
    put(&mut m, "validUntilDate", &k.valid_until_date);
    list(&mut m, "files", &k.files, |&f| file(p, f))?;
    Ok(Value::Object(m))
}

fn file(p: &Parser, i: usize) -> Out {
    let f = &p.files[i];
    let mut m = Map::new();
    m.insert("fileName".into(), json!(f.name));
    m.insert("SPDXID".into(), json!(element_id(&f.id)));
    strings(&mut m, "fileTypes", &f.types);
    let sums = match &f.checksums {
        None => Value::Null,
        Some(sums) => sums.iter().map(checksum).collect(),
    };
    m.insert("checksums".into(), sums);
    put(&mut m, "licenseConcluded", &f.license_concluded);
    strings(&mut m, "licenseInfoInFiles", &f.license_info_in_files);
    put(&mut m, "licenseComments", &f.license_comments);
    m.insert("copyrightText".into(), json!(f.copyright_text));
    list(&mut m, "artifactOfs", &f.artifacts, |a| {
        Ok(a.map_or(Value::Null, |a| {
            let a = &p.artifacts[a];
            json!({"name": a.name, "homePage": a.home_page, "URI": a.uri})
        }))
    })?;
    put(&mut m, "comment", &f.comment);
    put(&mut m, "noticeText", &f.notice);
    strings(&mut m, "fileContributors", &f.contributors);
    strings(&mut m, "attributionTexts", &f.attribution_texts);
    strings(&mut m, "fileDependencies", &f.dependencies);
    Ok(Value::Object(m))
}

/// A string field with `omitempty`.
fn put(m: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        m.insert(key.into(), json!(value));
    }
}

/// A string list with `omitempty`.
fn strings(m: &mut Map<String, Value>, key: &str, values: &[String]) {
    if !values.is_empty() {
        m.insert(key.into(), json!(values));
    }
}

/// A list with `omitempty`, each item written by `item`.
fn list<T>(
    m: &mut Map<String, Value>,
    key: &str,
    items: &[T],
    item: impl Fn(&T) -> Out,
) -> Result<(), String> {
    if !items.is_empty() {
        let values = items.iter().map(item).collect::<Result<_, _>>()?;
        m.insert(key.into(), Value::Array(values));
    }
    Ok(())
}

fn checksum(c: &Checksum) -> Value {
    json!({"algorithm": c.algorithm, "checksumValue": c.value})
}

/// `ElementID.MarshalJSON`: the id with its `SPDXRef-` prefix (once).
fn element_id(id: &str) -> String {
    if id.starts_with("SPDXRef-") {
        id.to_string()
    } else {
        format!("SPDXRef-{id}")
    }
}

fn document_id(id: &str) -> String {
    if id.starts_with("DocumentRef-") {
        id.to_string()
    } else {
        format!("DocumentRef-{id}")
    }
}

/// `DocElementID.MarshalJSON`.
fn doc_element_id(d: &DocElementId) -> Out {
    Ok(Value::String(
        if !d.document.is_empty() && !d.element.is_empty() {
            format!("{}:{}", document_id(&d.document), element_id(&d.element))
        } else if !d.element.is_empty() {
            element_id(&d.element)
        } else if !d.special.is_empty() {
            d.special.clone()
        } else {
            return Err("failed to marshal empty DocElementID".into());
        },
    ))
}

/// `Creator.MarshalJSON` and `Annotator.MarshalJSON`: `Type: name`, refused without a name.
fn typed(c: &Creator) -> Out {
    if c.name.is_empty() {
        return Err("json: an empty creator or annotator (unexpected end of JSON input)".into());
    }
    Ok(json!(format!("{}: {}", c.kind, c.name)))
}

/// `Supplier.MarshalJSON` and `Originator.MarshalJSON`.
fn party(key: &str, kind: &str, name: &str) -> Out {
    if name == "NOASSERTION" {
        Ok(json!(name))
    } else if !kind.is_empty() && !name.is_empty() {
        Ok(json!(format!("{kind}: {name}")))
    } else {
        Err(format!("failed to marshal invalid {key}"))
    }
}
