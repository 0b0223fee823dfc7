//! Which JSON documents `json.Unmarshal` into cyclonedx-go's `BOM` refuses (v0.12.0, Go's
//! `encoding/json`): a value of the wrong kind for its field (a number where a string goes, a
//! fraction for an `int`, an object for a list), an unknown spec version, and the refusals of the
//! types' own `UnmarshalJSON` methods (`cyclonedx_json.go`). Keys match fields as Go matches
//! them (exactly, else case-folded); unknown keys are ignored; every occurrence of a repeated key
//! is decoded, so each is checked. conftest gives the document itself, so only the verdict counts
//! here.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::types::{self, Custom, Field, Ty};

/// A JSON value as written: numbers kept with their kind, objects with every key in order.
#[derive(Debug)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// An integer literal (as Go's `strconv.ParseInt` reads it), or `None` for one with a
    /// fraction or an exponent, with its value as a float.
    Num(Option<i128>, f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Num(Some(i128::from(n)), n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Num(Some(i128::from(n)), n as f64))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        Ok(Json::Num(None, n))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        Ok(Json::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry()? {
            entries.push((k, v));
        }
        Ok(Json::Obj(entries))
    }
}

impl Json {
    /// Go's name for the JSON kind, as its type errors give it.
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "bool",
            Json::Num(..) => "number",
            Json::Str(_) => "string",
            Json::Arr(_) => "array",
            Json::Obj(_) => "object",
        }
    }
}

static LEGACY_TOOLS: Ty = Ty::Slice(&Ty::Struct(&types::TOOL));
static IDENTITIES: Ty = Ty::Slice(&Ty::Struct(&types::EVIDENCE_IDENTITY));

/// `toolsChoiceJSON`: the tools as an object.
static TOOLS_CHOICE_JSON: types::Struct = types::Struct {
    name: "toolsChoiceJSON",
    fields: &[
        Field {
            go: "Components",
            json: Some("components"),
            omitempty: true,
            xml: "-",
            ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&types::COMPONENT))),
        },
        Field {
            go: "Services",
            json: Some("services"),
            omitempty: true,
            xml: "-",
            ty: &Ty::Ptr(&Ty::Slice(&Ty::Struct(&types::SERVICE))),
        },
    ],
};

/// Checks `doc` as `json.Unmarshal(doc, &cyclonedx.BOM{})` would decode it; the error names
/// where (a JSON path) and what was wrong, never a value.
pub(crate) fn check_bom(doc: &Json) -> Result<(), String> {
    check(&Ty::Struct(&types::BOM), doc, "")
}

fn type_error(json: &Json, at: &str, ty: &str) -> String {
    let at = if at.is_empty() { "(the document)" } else { at };
    format!("cannot unmarshal {} into {at} of type {ty}", json.kind())
}

fn check(ty: &Ty, json: &Json, at: &str) -> Result<(), String> {
    match (ty, json) {
        // null leaves a value as it is, except for a type that reads null itself
        (Ty::Custom(custom, under), _) => check_custom(*custom, under, json, at),
        (_, Json::Null) => Ok(()),
        (Ty::Ptr(inner), _) => check(inner, json, at),
        (Ty::Str, Json::Str(_)) | (Ty::Bool, Json::Bool(_)) => Ok(()),
        (Ty::Int(bits), Json::Num(Some(n), _))
            if n.unsigned_abs() < 1u128 << (bits - 1) || *n == -(1i128 << (bits - 1)) =>
        {
            Ok(())
        }
        (Ty::Float(64), Json::Num(_, f)) if f.is_finite() => Ok(()),
        (Ty::Float(_), Json::Num(_, f)) if (*f as f32).is_finite() => Ok(()),
        (Ty::Slice(elem), Json::Arr(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check(elem, item, &format!("{at}[{i}]"))),
        (Ty::Struct(s), Json::Obj(_)) => check_struct(s.fields, json, at),
        (Ty::Str, _) => Err(type_error(json, at, "string")),
        (Ty::Bool, _) => Err(type_error(json, at, "bool")),
        (Ty::Int(_), _) => Err(type_error(json, at, "int")),
        (Ty::Float(bits), _) => Err(type_error(json, at, &format!("float{bits}"))),
        (Ty::Slice(_), _) => Err(type_error(json, at, "a list")),
        (Ty::Struct(s), _) => Err(type_error(json, at, s.name)),
        (Ty::XmlName, _) => Ok(()),
    }
}

/// Go's key folding for field names (`encoding/json`'s `foldName`): ASCII upper case, other
/// letters through lower then upper case.
fn fold(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii() {
                return c.to_ascii_uppercase();
            }
            let lower = c.to_lowercase().next().unwrap_or(c);
            let mut upper = lower.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => lower,
            }
        })
        .collect()
}

/// The field a key sets: the one named exactly so, else the first whose name folds the same.
fn field_for<'f>(fields: &'f [Field], key: &str) -> Option<&'f Field> {
    let named = || fields.iter().filter(|f| f.json.is_some());
    named().find(|f| f.json == Some(key)).or_else(|| {
        let folded = fold(key);
        named().find(|f| f.json.is_some_and(|n| fold(n) == folded))
    })
}

fn check_struct(fields: &[Field], json: &Json, at: &str) -> Result<(), String> {
    let Json::Obj(entries) = json else {
        return match json {
            Json::Null => Ok(()),
            _ => Err(type_error(json, at, "an object")),
        };
    };
    for (key, value) in entries {
        if let Some(field) = field_for(fields, key) {
            let name = field.json.unwrap_or_default();
            let path = if at.is_empty() {
                name.to_string()
            } else {
                format!("{at}.{name}")
            };
            check(field.ty, value, &path)?;
        }
    }
    Ok(())
}

/// The value the last occurrence of `name` (as Go matches keys) sets in an object, when a
/// string (what the `peek` structs of the custom decoders read).
fn peek<'j>(json: &'j Json, name: &str) -> Option<&'j Json> {
    let Json::Obj(entries) = json else {
        return None;
    };
    let folded = fold(name);
    let mut found = None;
    for (key, value) in entries {
        if key == name || fold(key) == folded {
            found = Some(value);
        }
    }
    found
}

fn nonempty_str(v: Option<&Json>) -> bool {
    matches!(v, Some(Json::Str(s)) if !s.is_empty())
}

/// A struct of one string field `name` (the peeks of `cyclonedx_json.go`).
fn check_peek(json: &Json, name: &'static str, at: &str) -> Result<(), String> {
    let fields = [Field {
        go: "",
        json: Some(name),
        omitempty: false,
        xml: "",
        ty: &Ty::Str,
    }];
    check_struct(&fields, json, at)
}

/// The `UnmarshalJSON` methods of `cyclonedx_json.go`; types without one decode as their
/// underlying type.
fn check_custom(custom: Custom, under: &Ty, json: &Json, at: &str) -> Result<(), String> {
    let structure = |s: &'static types::Struct| check(&Ty::Struct(s), json, at);
    match custom {
        Custom::SpecVersion => match json {
            Json::Str(v)
                if ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
                    .contains(&v.as_str()) =>
            {
                Ok(())
            }
            Json::Str(_) | Json::Null => Err(format!(
                "{}: invalid specification version",
                if at.is_empty() { "specVersion" } else { at }
            )),
            _ => Err(type_error(json, at, "string")),
        },
        // a property object, or a string
        Custom::EnvironmentVariableChoice => match json {
            Json::Str(_) | Json::Null => Ok(()),
            _ => structure(&types::PROPERTY),
        },
        Custom::MLDatasetChoice => {
            check_peek(json, "ref", at)?;
            if nonempty_str(peek(json, "ref")) {
                Ok(())
            } else {
                structure(&types::COMPONENT_DATA)
            }
        }
        // the legacy list of tools, or an object of components and services
        Custom::ToolsChoice => match json {
            Json::Arr(_) => check(&LEGACY_TOOLS, json, at),
            _ => structure(&TOOLS_CHOICE_JSON),
        },
        Custom::EvidenceIdentityChoice => match json {
            Json::Arr(_) => check(&IDENTITIES, json, at),
            _ => structure(&types::EVIDENCE_IDENTITY),
        },
        Custom::CertificateState => {
            check_peek(json, "state", at)?;
            if nonempty_str(peek(json, "state")) {
                structure(&types::PREDEFINED_CERTIFICATE_STATE)
            } else {
                structure(&types::CUSTOM_CERTIFICATE_STATE)
            }
        }
        Custom::CertificateExtension => {
            check_peek(json, "commonExtensionName", at)?;
            if nonempty_str(peek(json, "commonExtensionName")) {
                structure(&types::COMMON_CERTIFICATE_EXTENSION)
            } else {
                structure(&types::CUSTOM_CERTIFICATE_EXTENSION)
            }
        }
        Custom::PatentChoice => {
            check_peek(json, "familyId", at)?;
            if nonempty_str(peek(json, "familyId")) {
                structure(&types::PATENT_FAMILY)
            } else {
                structure(&types::PATENT)
            }
        }
        // one of three members, the first set (not null) decides
        Custom::AsserterChoice => {
            if !matches!(json, Json::Obj(_) | Json::Null) {
                return Err(type_error(json, at, "an object"));
            }
            let set = |name| peek(json, name).filter(|v| !matches!(v, Json::Null));
            if let Some(v) = set("organization") {
                check(&Ty::Struct(&types::ORGANIZATIONAL_ENTITY), v, at)
            } else if let Some(v) = set("individual") {
                check(&Ty::Struct(&types::ORGANIZATIONAL_CONTACT), v, at)
            } else if let Some(v) = set("ref") {
                check(&Ty::Str, v, at)
            } else {
                Ok(())
            }
        }
        // a reference (a string), or the structure
        Custom::IKEv2Auth
        | Custom::IKEv2Enc
        | Custom::IKEv2Integ
        | Custom::IKEv2Ke
        | Custom::IKEv2Prf => match json {
            Json::Str(_) => Ok(()),
            _ => check(under, json, at),
        },
        Custom::BOMReference
        | Custom::Copyright
        | Custom::DataClassification
        | Custom::Definitions
        | Custom::Dependency
        | Custom::EnvironmentVariables
        | Custom::Evidence
        | Custom::License
        | Custom::Licenses => match json {
            Json::Null => Ok(()),
            _ => check(under, json, at),
        },
    }
}
