//! A parsed textproto message as the JSON conftest prints for it: Go's `protojson.Marshal` with
//! `UseProtoNames` (`encoding/protojson/encode.go`, `well_known_types.go`, v1.36.12), read back
//! into Go values (so keys sorted, numbers as float64).
//!
//! Fields by their `.proto` names (a group by its type's name, an extension as `[full.name]`);
//! only the fields set (a proto3 scalar at its zero value is left out, `-0` is not zero);
//! 64-bit integers as strings; enums by value name (a number without one as the number,
//! `NullValue` as null); bytes in padded base64; `NaN` and the infinities as strings; a `float`
//! as its shortest decimal. The well-known types in their own forms, with protojson's checks:
//! `Timestamp` (RFC 3339, 0/3/6/9 fraction digits, years 1–9999), `Duration` (`1.5s`, at most
//! 10,000 years, signs agreeing), wrappers as their value, `Struct`/`ListValue`/`Value` as JSON
//! (a `Value` with nothing set, or a non-finite number, refused), `FieldMask` as its camel-cased
//! paths joined by commas, `Any` as `@type` beside the packed message's fields (or its `value`).

use std::collections::BTreeMap;

use base64::Engine as _;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage as _, Value as Proto,
};
use serde_json::{Map, Value};

use super::textproto_types::is_registered;

/// Timestamps protojson writes: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
const MIN_TIMESTAMP: i64 = -62_135_596_800;
const MAX_TIMESTAMP: i64 = 253_402_300_799;
/// Durations protojson writes: ±10,000 years.
const MAX_DURATION: i64 = 315_576_000_000;
const MAX_NANOS: i64 = 999_999_999;

/// A message value as protojson writes it.
pub(super) fn message_value(m: &DynamicMessage) -> anyhow::Result<Value> {
    let desc = m.descriptor();
    let name = desc.full_name();
    let Some(short) = name.strip_prefix("google.protobuf.") else {
        return Ok(Value::Object(fields_json(m)?));
    };
    let field = |name: &str| {
        desc.get_field_by_name(name)
            .map(|f| (m.get_field(&f).into_owned(), f))
            .ok_or_else(|| anyhow::anyhow!("marshal JSON: {} lacks {name}", desc.full_name()))
    };
    let int = |name: &str| -> anyhow::Result<i64> {
        let (v, _) = field(name)?;
        Ok(v.as_i64().or(v.as_i32().map(i64::from)).unwrap_or(0))
    };
    Ok(match short {
        "Any" => any_json(m)?,
        "Timestamp" => Value::String(timestamp(int("seconds")?, int("nanos")?)?),
        "Duration" => Value::String(duration(int("seconds")?, int("nanos")?)?),
        "BoolValue" | "Int32Value" | "Int64Value" | "UInt32Value" | "UInt64Value"
        | "FloatValue" | "DoubleValue" | "StringValue" | "BytesValue" => {
            let (v, f) = field("value")?;
            singular_json(&v, &f.kind())?
        }
        "Struct" => {
            let (v, f) = field("fields")?;
            field_json(&v, &f.kind())?
        }
        "ListValue" => {
            let (v, f) = field("values")?;
            field_json(&v, &f.kind())?
        }
        "Value" => {
            let (f, v) = m.fields().next().ok_or_else(|| {
                anyhow::anyhow!(
                    "marshal JSON: google.protobuf.Value: none of the oneof fields is set"
                )
            })?;
            if let Proto::F64(n) = v
                && !n.is_finite()
            {
                anyhow::bail!(
                    "marshal JSON: google.protobuf.Value.number_value: invalid {n} value"
                );
            }
            singular_json(v, &f.kind())?
        }
        "FieldMask" => {
            let (v, _) = field("paths")?;
            let paths = v.as_list().unwrap_or_default();
            let mut out = Vec::with_capacity(paths.len());
            for p in paths {
                out.push(field_mask_path(p.as_str().unwrap_or_default())?);
            }
            Value::String(out.join(","))
        }
        _ => Value::Object(fields_json(m)?),
    })
}

/// Whether protojson writes the well-known type `name` in a form of its own (`Empty` has none).
fn has_own_form(name: &str) -> bool {
    matches!(
        name.strip_prefix("google.protobuf."),
        Some(
            "Any"
                | "Timestamp"
                | "Duration"
                | "BoolValue"
                | "Int32Value"
                | "Int64Value"
                | "UInt32Value"
                | "UInt64Value"
                | "FloatValue"
                | "DoubleValue"
                | "StringValue"
                | "BytesValue"
                | "Struct"
                | "ListValue"
                | "Value"
                | "FieldMask"
        )
    )
}

/// A message's fields (and extensions), keys sorted as conftest prints them.
fn fields_json(message: &DynamicMessage) -> anyhow::Result<Map<String, Value>> {
    let mut out = BTreeMap::new();
    for field in message.descriptor().fields() {
        let set = message.has_field(&field);
        let value = message.get_field(&field);
        // Go's proto3 presence compares floats by their bits: -0 is set, prost-reflect's `==`
        // takes it for the default.
        let negative_zero = match value.as_ref() {
            Proto::F64(f) => *f == 0.0 && f.is_sign_negative(),
            Proto::F32(f) => *f == 0.0 && f.is_sign_negative(),
            _ => false,
        };
        if set || negative_zero {
            out.insert(text_name(&field), field_json(&value, &field.kind())?);
        }
    }
    for (ext, value) in message.extensions() {
        out.insert(
            format!("[{}]", ext.full_name()),
            field_json(value, &ext.kind())?,
        );
    }
    Ok(out.into_iter().collect())
}

/// protojson's `TextName`: a group field is named after its type.
fn text_name(field: &FieldDescriptor) -> String {
    if field.is_group()
        && let Kind::Message(group) = field.kind()
        && group.name().to_ascii_lowercase() == field.name()
        && group.parent_message().map(|m| m.full_name().to_owned())
            == Some(field.parent_message().full_name().to_owned())
    {
        return group.name().to_owned();
    }
    field.name().to_owned()
}

/// A field's value (a list, a map or one value).
fn field_json(value: &Proto, kind: &Kind) -> anyhow::Result<Value> {
    match value {
        Proto::List(items) => items
            .iter()
            .map(|v| singular_json(v, kind))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Proto::Map(entries) => {
            let value_kind = match kind {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other.clone(),
            };
            let mut out = BTreeMap::new();
            for (key, v) in entries {
                out.insert(map_key(key), singular_json(v, &value_kind)?);
            }
            Ok(Value::Object(out.into_iter().collect()))
        }
        other => singular_json(other, kind),
    }
}

fn map_key(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn singular_json(value: &Proto, kind: &Kind) -> anyhow::Result<Value> {
    Ok(match value {
        Proto::Bool(b) => Value::Bool(*b),
        Proto::I32(n) => Value::from(*n),
        Proto::U32(n) => Value::from(*n),
        Proto::I64(n) => Value::String(n.to_string()),
        Proto::U64(n) => Value::String(n.to_string()),
        // protojson writes a float as its shortest decimal, which Go reads back as a float64.
        Proto::F32(f) if f.is_finite() => float(f.to_string().parse::<f64>().unwrap_or(0.0)),
        Proto::F32(f) => non_finite(f64::from(*f)),
        Proto::F64(f) if f.is_finite() => float(*f),
        Proto::F64(f) => non_finite(*f),
        Proto::String(s) => Value::String(s.clone()),
        Proto::Bytes(b) => Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Proto::EnumNumber(n) => match kind {
            Kind::Enum(e) if e.full_name() == "google.protobuf.NullValue" => Value::Null,
            Kind::Enum(e) => match e.get_value(*n) {
                Some(v) => Value::String(v.name().to_owned()),
                None => Value::from(*n),
            },
            _ => Value::from(*n),
        },
        Proto::Message(m) => message_value(m)?,
        Proto::List(_) | Proto::Map(_) => field_json(value, kind)?,
    })
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn non_finite(f: f64) -> Value {
    Value::String(
        if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_owned(),
    )
}

/// protojson's `marshalAny`: `{}` when empty; else the packed message, resolved by the name
/// after the URL's last `/`, with `@type` among its fields (or beside its own form, as `value`).
fn any_json(m: &DynamicMessage) -> anyhow::Result<Value> {
    let desc = m.descriptor();
    let url = m
        .get_field_by_name("type_url")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let bytes = m
        .get_field_by_name("value")
        .and_then(|v| v.as_bytes().cloned())
        .unwrap_or_default();
    if url.is_empty() {
        if bytes.is_empty() {
            return Ok(Value::Object(Map::new()));
        }
        anyhow::bail!("marshal JSON: google.protobuf.Any: type_url is not set");
    }
    let name = url.rsplit('/').next().unwrap_or_default();
    let inner = desc
        .parent_pool()
        .get_message_by_name(name)
        .filter(is_registered)
        .ok_or_else(|| {
            anyhow::anyhow!("marshal JSON: google.protobuf.Any: unable to resolve {name:?}")
        })?;
    let inner = DynamicMessage::decode(inner, bytes)
        .map_err(|e| anyhow::anyhow!("marshal JSON: google.protobuf.Any: {e}"))?;
    let mut out = BTreeMap::new();
    out.insert("@type".to_owned(), Value::String(url));
    if has_own_form(inner.descriptor().full_name()) {
        out.insert("value".to_owned(), message_value(&inner)?);
    } else {
        out.extend(fields_json(&inner)?);
    }
    Ok(Value::Object(out.into_iter().collect()))
}

/// `2006-01-02T15:04:05[.fraction]Z`, the fraction in 3, 6 or 9 digits (none when zero).
fn timestamp(seconds: i64, nanos: i64) -> anyhow::Result<String> {
    if !(MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&seconds) {
        anyhow::bail!("marshal JSON: google.protobuf.Timestamp: seconds out of range {seconds}");
    }
    if !(0..=MAX_NANOS).contains(&nanos) {
        anyhow::bail!("marshal JSON: google.protobuf.Timestamp: nanos out of range {nanos}");
    }
    let t = time::OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|e| anyhow::anyhow!("marshal JSON: google.protobuf.Timestamp: {e}"))?;
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        fraction(nanos)
    ))
}

/// `[-]S[.fraction]s`.
fn duration(seconds: i64, nanos: i64) -> anyhow::Result<String> {
    if !(-MAX_DURATION..=MAX_DURATION).contains(&seconds) {
        anyhow::bail!("marshal JSON: google.protobuf.Duration: seconds out of range {seconds}");
    }
    if !(-MAX_NANOS..=MAX_NANOS).contains(&nanos) {
        anyhow::bail!("marshal JSON: google.protobuf.Duration: nanos out of range {nanos}");
    }
    if (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0) {
        anyhow::bail!(
            "marshal JSON: google.protobuf.Duration: signs of seconds and nanos do not match"
        );
    }
    let sign = if seconds < 0 || nanos < 0 { "-" } else { "" };
    Ok(format!(
        "{sign}{}{}s",
        seconds.unsigned_abs(),
        fraction(nanos.abs())
    ))
}

/// `.123`, `.123456` or `.123456789`: nine digits, trailing zeros cut by threes.
fn fraction(nanos: i64) -> String {
    let mut digits = format!(".{nanos:09}");
    for _ in 0..2 {
        if digits.ends_with("000") {
            digits.truncate(digits.len() - 3);
        }
    }
    if digits == ".000" {
        String::new()
    } else {
        digits
    }
}

/// A `FieldMask` path in JSON: camel case, refused when not a valid name or not reversible.
fn field_mask_path(path: &str) -> anyhow::Result<String> {
    let valid = !path.is_empty()
        && path.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if !valid {
        anyhow::bail!("marshal JSON: google.protobuf.FieldMask.paths contains an invalid path");
    }
    let mut camel = String::with_capacity(path.len());
    let mut after_underscore = false;
    for c in path.chars() {
        if c != '_' {
            camel.push(if after_underscore {
                c.to_ascii_uppercase()
            } else {
                c
            });
        }
        after_underscore = c == '_';
    }
    let snake: String = camel
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect();
    if snake != path {
        anyhow::bail!(
            "marshal JSON: google.protobuf.FieldMask.paths contains an irreversible value"
        );
    }
    Ok(camel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_durations_as_protojson_writes_them() {
        assert_eq!(timestamp(0, 0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            timestamp(1, 10_000_000).unwrap(),
            "1970-01-01T00:00:01.010Z"
        );
        assert_eq!(timestamp(-1, 1_000).unwrap(), "1969-12-31T23:59:59.000001Z");
        assert_eq!(
            timestamp(MIN_TIMESTAMP, 1).unwrap(),
            "0001-01-01T00:00:00.000000001Z"
        );
        assert!(timestamp(MAX_TIMESTAMP + 1, 0).is_err());
        assert!(timestamp(0, 1_000_000_000).is_err());
        assert_eq!(duration(1, 500_000_000).unwrap(), "1.500s");
        assert_eq!(duration(0, -1).unwrap(), "-0.000000001s");
        assert_eq!(duration(-5, 0).unwrap(), "-5s");
        assert!(duration(1, -1).is_err());
        assert!(duration(MAX_DURATION + 1, 0).is_err());
    }

    #[test]
    fn field_mask_paths_in_camel_case_when_reversible() {
        assert_eq!(field_mask_path("foo_bar.baz").unwrap(), "fooBar.baz");
        assert!(field_mask_path("fooBar").is_err());
        assert!(field_mask_path("foo__bar").is_err());
        assert!(field_mask_path("1x").is_err());
    }
}
