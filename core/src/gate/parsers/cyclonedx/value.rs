//! A Go value of cyclonedx-go's BOM tree (what `xml.Unmarshal` fills in) and `encoding/json`'s
//! `Marshal` of it: field names and `omitempty` from the tags, the types' own `MarshalJSON`
//! methods ported from `cyclonedx_json.go` (v0.12.0), and their refusals (a license with both an
//! id and a name, an empty tools choice, a NaN…), which conftest reports as errors.

use serde_json::{Map, Value};

use super::types::{Custom, Field, Ty};

/// A Go value: a struct's fields in declaration order; `None` is a nil pointer or slice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Go {
    Str(String),
    Bool(bool),
    Int(i64),
    /// A `float64`, or a `float32` widened (its bits are in the type).
    Float(f64),
    Ptr(Option<Box<Go>>),
    Slice(Option<Vec<Go>>),
    Struct(Vec<Go>),
    /// `xml.Name`, never encoded to JSON
    Name,
}

/// The zero value of `ty`.
pub(crate) fn zero(ty: &Ty) -> Go {
    match ty {
        Ty::Str => Go::Str(String::new()),
        Ty::Bool => Go::Bool(false),
        Ty::Int(_) => Go::Int(0),
        Ty::Float(_) => Go::Float(0.0),
        Ty::Ptr(_) => Go::Ptr(None),
        Ty::Slice(_) => Go::Slice(None),
        Ty::Struct(s) => zero_struct(s.fields),
        Ty::XmlName => Go::Name,
        Ty::Custom(_, under) => zero(under),
    }
}

pub(crate) fn zero_struct(fields: &[Field]) -> Go {
    Go::Struct(fields.iter().map(|f| zero(f.ty)).collect())
}

impl Go {
    /// Go's `==` against the zero value (pointers compared by address: any set one differs).
    pub(crate) fn is_zero(&self) -> bool {
        match self {
            Go::Str(s) => s.is_empty(),
            Go::Bool(b) => !b,
            Go::Int(i) => *i == 0,
            Go::Float(f) => *f == 0.0,
            Go::Ptr(p) => p.is_none(),
            Go::Slice(s) => s.is_none(),
            Go::Struct(fields) => fields.iter().all(Go::is_zero),
            Go::Name => true,
        }
    }

    /// The field named `go` of a struct value of `fields`.
    pub(crate) fn field(&self, fields: &[Field], go: &str) -> &Go {
        static NIL: Go = Go::Ptr(None);
        match self {
            Go::Struct(values) => fields
                .iter()
                .position(|f| f.go == go)
                .and_then(|i| values.get(i))
                .unwrap_or(&NIL),
            _ => &NIL,
        }
    }

    pub(crate) fn set(&mut self, fields: &[Field], go: &str, value: Go) {
        if let (Go::Struct(values), Some(i)) = (self, fields.iter().position(|f| f.go == go))
            && let Some(slot) = values.get_mut(i)
        {
            *slot = value;
        }
    }

    pub(crate) fn str(&self) -> &str {
        match self {
            Go::Str(s) => s,
            _ => "",
        }
    }

    /// The pointee of a set pointer.
    pub(crate) fn deref(&self) -> Option<&Go> {
        match self {
            Go::Ptr(Some(v)) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn ptr(value: Go) -> Go {
        Go::Ptr(Some(Box::new(value)))
    }
}

/// `encoding/json`'s `isEmptyValue`, for `omitempty` (a struct is never empty, an empty slice is).
fn is_empty(v: &Go) -> bool {
    match v {
        Go::Slice(s) => s.as_ref().is_none_or(Vec::is_empty),
        Go::Struct(_) | Go::Name => false,
        other => other.is_zero(),
    }
}

/// `json.Marshal` of `v`, a value of `ty`.
pub(crate) fn marshal(ty: &Ty, v: &Go) -> anyhow::Result<Value> {
    Ok(match (ty, v) {
        (Ty::Custom(custom, under), _) => return marshal_custom(*custom, under, v),
        (_, Go::Str(s)) => Value::String(s.clone()),
        (_, Go::Bool(b)) => Value::Bool(*b),
        (_, Go::Int(i)) => Value::from(*i),
        (Ty::Float(bits), Go::Float(f)) => {
            if !f.is_finite() {
                anyhow::bail!("json: unsupported value: a float that is not finite");
            }
            if *bits == 32 {
                // Go writes a float32 in its shortest float32 form, read back as a float64.
                let shortest = format!("{}", *f as f32);
                Value::from(shortest.parse::<f64>().unwrap_or(*f))
            } else {
                Value::from(*f)
            }
        }
        (Ty::Ptr(inner), Go::Ptr(Some(p))) => marshal(inner, p)?,
        (Ty::Slice(elem), Go::Slice(Some(items))) => Value::Array(
            items
                .iter()
                .map(|i| marshal(elem, i))
                .collect::<anyhow::Result<_>>()?,
        ),
        (Ty::Struct(s), Go::Struct(_)) => marshal_struct(s.fields, v)?,
        _ => Value::Null,
    })
}

fn marshal_struct(fields: &[Field], v: &Go) -> anyhow::Result<Value> {
    let Go::Struct(values) = v else {
        return Ok(Value::Null);
    };
    let mut out = Map::new();
    for (field, value) in fields.iter().zip(values) {
        let Some(name) = field.json else { continue };
        if field.omitempty && is_empty(value) {
            continue;
        }
        out.insert(name.to_string(), marshal(field.ty, value)?);
    }
    Ok(Value::Object(out))
}

fn fields_of(ty: &Ty) -> &'static [Field] {
    match ty {
        Ty::Struct(s) => s.fields,
        _ => &[],
    }
}

/// The pointee type of a `*T` field.
fn elem(fields: &[Field], go: &str) -> &'static Ty {
    match fields.iter().find(|f| f.go == go).map(|f| f.ty) {
        Some(Ty::Ptr(inner)) => inner,
        Some(other) => other,
        None => &Ty::Str,
    }
}

/// The `MarshalJSON` methods of `cyclonedx_json.go`; the other custom types marshal as their
/// underlying type.
fn marshal_custom(custom: Custom, under: &Ty, v: &Go) -> anyhow::Result<Value> {
    let fields = fields_of(under);
    let get = |go: &str| v.field(fields, go);
    let one = |go: &str| -> anyhow::Result<Option<Value>> {
        get(go)
            .deref()
            .map(|p| marshal(elem(fields, go), p))
            .transpose()
    };
    let empty = || Ok(Value::Object(Map::new()));
    match custom {
        Custom::EnvironmentVariableChoice => {
            if let Some(p) = get("Property").deref().filter(|p| !p.is_zero()) {
                marshal(elem(fields, "Property"), p)
            } else if !get("Value").str().is_empty() {
                Ok(Value::String(get("Value").str().to_string()))
            } else {
                empty()
            }
        }
        Custom::MLDatasetChoice => {
            if !get("Ref").str().is_empty() {
                let mut m = Map::new();
                m.insert("ref".into(), Value::String(get("Ref").str().to_string()));
                Ok(Value::Object(m))
            } else {
                one("ComponentData")?.map_or_else(empty, Ok)
            }
        }
        Custom::SpecVersion => {
            let n = match v {
                Go::Int(n) => *n,
                _ => 0,
            };
            Ok(Value::String(spec_version_name(n)))
        }
        Custom::ToolsChoice => {
            let (tools, components, services) = (get("Tools"), get("Components"), get("Services"));
            let set = |g: &Go| !matches!(g, Go::Ptr(None));
            if set(tools) && (set(components) || set(services)) {
                anyhow::bail!(
                    "either a list of tools, or an object holding components and services can be used, but not both"
                );
            }
            if set(tools) {
                return marshal(elem(fields, "Tools"), tools.deref().unwrap_or(tools));
            }
            if !set(components) && !set(services) {
                // `[]byte(nil)`, which encoding/json refuses as a marshaler's output
                anyhow::bail!(
                    "json: error calling MarshalJSON for type cyclonedx.ToolsChoice: unexpected end of JSON input"
                );
            }
            let mut m = Map::new();
            for (go, name) in [("Components", "components"), ("Services", "services")] {
                if let Some(value) = one(go)? {
                    m.insert(name.into(), value);
                }
            }
            Ok(Value::Object(m))
        }
        Custom::EvidenceIdentityChoice => {
            let (a, b) = (one("Identity")?, one("Identities")?);
            match (a, b) {
                (Some(_), Some(_)) => anyhow::bail!(
                    "either a single identity or an array of identities can be used, but not both"
                ),
                (Some(x), None) | (None, Some(x)) => Ok(x),
                (None, None) => Ok(Value::Null),
            }
        }
        Custom::License => {
            let (id, name) = (get("ID").str(), get("Name").str());
            if !id.is_empty() && !name.is_empty() {
                anyhow::bail!("license must have either id or name, not both");
            }
            if id.is_empty() && name.is_empty() {
                anyhow::bail!("license must have either id or name");
            }
            marshal_struct(fields, v)
        }
        Custom::CertificateState | Custom::CertificateExtension => {
            let (a, b) = match custom {
                Custom::CertificateState => ("Predefined", "Custom"),
                _ => ("Common", "Custom"),
            };
            match (one(a)?, one(b)?) {
                (Some(_), Some(_)) => anyhow::bail!(
                    "either a {} or custom certificate {} can be used, but not both",
                    a.to_ascii_lowercase(),
                    if custom == Custom::CertificateState {
                        "state"
                    } else {
                        "extension"
                    }
                ),
                (Some(x), None) | (None, Some(x)) => Ok(x),
                (None, None) => empty(),
            }
        }
        Custom::AsserterChoice => {
            for (go, name) in [
                ("Organization", "organization"),
                ("Individual", "individual"),
                ("BOMRef", "ref"),
            ] {
                if let Some(value) = one(go)? {
                    let mut m = Map::new();
                    m.insert(name.into(), value);
                    return Ok(Value::Object(m));
                }
            }
            empty()
        }
        Custom::IKEv2Auth
        | Custom::IKEv2Enc
        | Custom::IKEv2Integ
        | Custom::IKEv2Ke
        | Custom::IKEv2Prf => {
            let bom_ref = get("BOMRef").str();
            if bom_ref.is_empty() {
                marshal_struct(fields, v)
            } else {
                Ok(Value::String(bom_ref.to_string()))
            }
        }
        Custom::PatentChoice => Ok(match (one("Patent")?, one("PatentFamily")?) {
            (Some(x), _) | (None, Some(x)) => x,
            (None, None) => Value::Object(Map::new()),
        }),
        Custom::BOMReference
        | Custom::Copyright
        | Custom::DataClassification
        | Custom::Definitions
        | Custom::Dependency
        | Custom::EnvironmentVariables
        | Custom::Evidence
        | Custom::Licenses => marshal(under, v),
    }
}

/// `SpecVersion.String()` (stringer's output for values out of range).
pub(crate) fn spec_version_name(n: i64) -> String {
    match n {
        1..=8 => format!("1.{}", n - 1),
        _ => format!("SpecVersion({n})"),
    }
}
