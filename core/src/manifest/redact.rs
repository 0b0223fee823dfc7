//! Which values are secret (a Secret's `data`/`stringData`, a SealedSecret's `spec.template.data`)
//! and how to speak about them without showing them: by JSON pointer and type, never by value.

use serde_json::Value;

/// Where the secret values of an object of `kind` live, as JSON pointers.
fn secret_roots(kind: Option<&str>) -> &'static [&'static str] {
    match kind {
        Some("Secret") => &["/data", "/stringData"],
        // template.data holds Go templates that may spell a value out
        Some("SealedSecret") => &["/spec/template/data"],
        _ => &[],
    }
}

/// Whether something said about the value at `pointer` of an object of `kind` could show a
/// secret value: the pointer is a secret root, inside one, or an ancestor of one (a message about
/// `/spec` may print the whole `/spec`, template data included).
pub fn touches_secret(kind: Option<&str>, pointer: &str) -> bool {
    secret_roots(kind).iter().any(|root| {
        let inside = pointer
            .strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        let ancestor = root
            .strip_prefix(pointer)
            .is_some_and(|rest| rest.starts_with('/'));
        inside || ancestor || pointer.is_empty()
    })
}

/// The JSON type of a value as messages name it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// String maps that the typed model reads leniently and a file reader must not: the SealedSecret
/// model drops non-string `encryptedData` entries, as objects from the API server need (see
/// `seal::SealedSecretSpec`), but a file's item dropped on reading would be lost on rewrite. Not
/// secret (ciphertexts), and unlike the secret roots a `null` map is refused too.
fn strict_string_maps(kind: Option<&str>) -> &'static [&'static str] {
    match kind {
        Some("SealedSecret") => &["/spec/encryptedData"],
        _ => &[],
    }
}

/// The first secret value of `object` that is not a string (where Kubernetes wants one), or the
/// first entry of a strict string map that is not ([`first_dropped_item`]), as `(pointer, type)`:
/// seal reports it this way instead of through a decoder message that would quote the value.
pub fn first_non_string(object: &Value) -> Option<(String, &'static str)> {
    let kind = object.get("kind").and_then(Value::as_str);
    first_non_string_in(object, secret_roots(kind), false).or_else(|| first_dropped_item(object))
}

/// The first entry of a strict string map (a SealedSecret's `encryptedData`) that is not a
/// string, or the map itself when it is not a mapping (`null` included): what the model would
/// drop or empty on reading, which a reader that writes the object back must refuse.
pub fn first_dropped_item(object: &Value) -> Option<(String, &'static str)> {
    let kind = object.get("kind").and_then(Value::as_str);
    first_non_string_in(object, strict_string_maps(kind), true)
}

fn first_non_string_in(
    object: &Value,
    roots: &[&str],
    null_refused: bool,
) -> Option<(String, &'static str)> {
    for root in roots {
        match object.pointer(root) {
            None => {}
            Some(Value::Null) if !null_refused => {}
            Some(Value::Object(items)) => {
                for (key, value) in items {
                    if !value.is_string() {
                        let mut at = (*root).to_owned();
                        super::push_pointer_segment(&mut at, key);
                        return Some((at, type_name(value)));
                    }
                }
            }
            Some(other) => return Some(((*root).to_owned(), type_name(other))),
        }
    }
    None
}

/// A serde decoding message with any quoted value taken out: serde writes `invalid type:
/// integer `8675309123`, expected a string` and `invalid value: string "…"`; what follows the
/// colon up to `, expected` is replaced by the kind of value only.
pub fn scrub_decode_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = ["invalid type: ", "invalid value: "]
        .iter()
        .filter_map(|marker| rest.find(marker).map(|i| (i, marker.len())))
        .min()
    {
        let (start, len) = at;
        out.push_str(&rest[..start + len]);
        let tail = &rest[start + len..];
        let end = tail.find(", expected").unwrap_or(tail.len());
        // the first word names the kind (integer, string, map…); the rest is the value
        let kind = tail[..end].split([' ', '`', '"']).next().unwrap_or("");
        out.push_str(kind);
        out.push_str(" (value not shown)");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A serde-saphyr error as one line, without the source excerpt it renders by default and with
/// any quoted value taken out: data files, case files and key Secrets hold secret values.
pub fn yaml_error(error: &serde_saphyr::Error) -> String {
    let text = error.without_snippet().to_string();
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    scrub_decode_message(&line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_pointers() {
        let secret = Some("Secret");
        for p in ["/data", "/data/a", "/stringData/x/y", ""] {
            assert!(touches_secret(secret, p), "{p}");
        }
        for p in ["/metadata/name", "/type", "/dataX", "/immutable"] {
            assert!(!touches_secret(secret, p), "{p}");
        }
        let sealed = Some("SealedSecret");
        for p in ["/spec", "/spec/template", "/spec/template/data/k"] {
            assert!(touches_secret(sealed, p), "{p}");
        }
        assert!(!touches_secret(sealed, "/spec/encryptedData/k"));
        assert!(!touches_secret(Some("ConfigMap"), "/data/k"));
    }

    #[test]
    fn non_strings_found_by_path() {
        let doc = json!({"kind": "Secret", "stringData": {"a": "x", "password": 8675309123_u64}});
        assert_eq!(
            first_non_string(&doc),
            Some(("/stringData/password".to_owned(), "number"))
        );
        let doc = json!({"kind": "Secret", "data": "hunter2"});
        assert_eq!(first_non_string(&doc), Some(("/data".to_owned(), "string")));
        let doc = json!({"kind": "Secret", "data": null, "stringData": null});
        assert_eq!(first_non_string(&doc), None);
    }

    #[test]
    fn sealed_items_that_the_model_would_drop_are_found() {
        let sealed = |spec: Value| json!({"kind": "SealedSecret", "spec": spec});
        let doc = sealed(json!({"encryptedData": {"a": "AgA=", "b": {"c": 1}}}));
        assert_eq!(
            first_non_string(&doc),
            Some(("/spec/encryptedData/b".to_owned(), "mapping"))
        );
        let doc = sealed(json!({"encryptedData": null}));
        assert_eq!(
            first_non_string(&doc),
            Some(("/spec/encryptedData".to_owned(), "null"))
        );
        let doc = sealed(json!({"encryptedData": {"a": "AgA="}, "template": {"data": null}}));
        assert_eq!(first_non_string(&doc), None);
        // template data is a secret root, not a map the model drops from
        let doc = sealed(json!({"encryptedData": {"a": "AgA="}, "template": {"data": {"t": 1}}}));
        assert_eq!(
            first_non_string(&doc),
            Some(("/spec/template/data/t".to_owned(), "number"))
        );
        assert_eq!(first_dropped_item(&doc), None);
        let doc = sealed(json!({"encryptedData": {"a": true}}));
        assert_eq!(
            first_dropped_item(&doc),
            Some(("/spec/encryptedData/a".to_owned(), "boolean"))
        );
        assert_eq!(first_non_string(&sealed(json!({}))), None);
    }

    #[test]
    fn decode_messages_lose_their_values() {
        let m = scrub_decode_message(
            "invalid type: integer `8675309123`, expected a string at line 1 column 2",
        );
        assert_eq!(
            m,
            "invalid type: integer (value not shown), expected a string at line 1 column 2"
        );
        let m = scrub_decode_message("invalid value: string \"hunter2\", expected base64");
        assert!(!m.contains("hunter2"), "{m}");
    }
}
