//! The value extractors of tools-golang's tag-value parsers (`util.go`, and the helpers of
//! `parse_creation_info.go` and `parse_package.go`), with their refusals.

use super::Version;
use super::model::{Checksum, DocElementId, ExternalDocumentRef, VerificationCode};

/// Go's `strings.Fields` over single spaces, as the readers split (`Split(value, " ")`, parts
/// trimmed, empty ones dropped).
pub(super) fn fields(value: &str) -> Vec<&str> {
    value
        .split(' ')
        .map(|s| s.trim_matches(char::is_whitespace))
        .filter(|s| !s.is_empty())
        .collect()
}

/// `extractSubs`: `key: value`, both trimmed.
pub(super) fn subs(value: &str) -> Result<(String, String), String> {
    let (k, v) = value
        .split_once(':')
        .ok_or("invalid subvalue format (no colon found)")?;
    Ok((
        k.trim_matches(char::is_whitespace).to_string(),
        v.trim_matches(char::is_whitespace).to_string(),
    ))
}

/// `strconv.Atoi`.
pub(super) fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a range bound is not a number".into());
    }
    s.parse()
        .map_err(|_| "a range bound is out of range".into())
}

/// `extractElementID`: `SPDXRef-x` gives `x`.
pub(super) fn element_id(value: &str) -> Result<String, String> {
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
pub(super) fn doc_element_id(value: &str) -> Result<DocElementId, String> {
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
pub(super) fn external_document_ref(value: &str) -> Result<ExternalDocumentRef, String> {
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
pub(super) fn checksum(version: Version, value: &str) -> Result<Checksum, String> {
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
pub(super) fn verification_code(value: &str) -> VerificationCode {
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
