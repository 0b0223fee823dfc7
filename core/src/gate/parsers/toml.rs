//! conftest's `toml` parser: a TOML document as the JSON conftest v0.71.1 prints for it, which
//! is BurntSushi/toml v1.6.0 decoding into Go values (TOML 1.1) marshalled by `encoding/json`.
//!
//! Read with `toml_edit` (toml-rs, TOML 1.1, recursion-bounded), whose grammar matches
//! BurntSushi's, then rendered as Go renders the decoded values: integers exact (int64),
//! floats as numbers (`inf` and `nan` have no JSON form, so conftest fails to print them: refused
//! here), and every date-time as the RFC 3339 string of Go's `time.Time` — a local date-time,
//! date or time gets the offset of the machine's zone there (`Z` on a UTC machine, which is what
//! sealgate always writes, so its output does not depend on where it runs), a local date is its
//! midnight, a local time falls on 0000-01-01, fractions keep at most nine digits without
//! trailing zeros. A leap second (`:60`) is refused, as Go's time parser refuses it.
//!
//! One difference, on invalid TOML only: BurntSushi accepts documents that extend a table after
//! it was defined (a `[a.b.c]` table grown by a dotted key under `[a]`, inline tables overwritten,
//! an array of tables extended by a header) and an offset minute of 60; its own test suite lists
//! these as known failures. toml_edit refuses them, as the TOML spec does, and so does sealgate.

use serde_json::{Map, Number, Value};
use toml_edit::{Datetime, Item, Offset};

/// Parses `text` as conftest's toml parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        anyhow::anyhow!(
            "toml: line {}: {}",
            line_of(text, e.span()),
            e.message().trim_end()
        )
    })?;
    Render { text }.item(doc.as_item())
}

/// The 1-based line where `span` starts, counted on bytes (a span need not start on a
/// character boundary).
fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> usize {
    let start = span.map_or(0, |s| s.start.min(text.len()));
    text.as_bytes()[..start]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The decoded document as Go values marshal, `text` at hand to name a refused value's line.
struct Render<'a> {
    text: &'a str,
}

impl Render<'_> {
    fn item(&self, item: &Item) -> anyhow::Result<Value> {
        Ok(match item {
            Item::None => Value::Null,
            Item::Value(v) => self.value(v)?,
            Item::Table(t) => self.table(t)?,
            Item::ArrayOfTables(a) => Value::Array(
                a.iter()
                    .map(|t| self.table(t))
                    .collect::<anyhow::Result<_>>()?,
            ),
        })
    }

    fn table(&self, t: &toml_edit::Table) -> anyhow::Result<Value> {
        let mut entries = Vec::new();
        for (k, i) in t.iter().filter(|(_, i)| !i.is_none()) {
            entries.push((k.to_string(), self.item(i)?));
        }
        Ok(object(entries))
    }

    fn value(&self, v: &toml_edit::Value) -> anyhow::Result<Value> {
        use toml_edit::Value as V;
        let refuse =
            |what: &str| anyhow::anyhow!("toml: line {}: {what}", line_of(self.text, v.span()));
        Ok(match v {
            V::String(s) => Value::String(s.value().clone()),
            V::Integer(i) => Value::from(*i.value()),
            V::Float(f) => Value::Number(Number::from_f64(*f.value()).ok_or_else(|| {
                refuse("inf and nan have no JSON form (conftest cannot print them)")
            })?),
            V::Boolean(b) => Value::Bool(*b.value()),
            V::Datetime(d) => {
                Value::String(go_time(d.value()).ok_or_else(|| {
                    refuse("a leap second (:60) is not a time Go's parser accepts")
                })?)
            }
            V::Array(a) => Value::Array(
                a.iter()
                    .map(|v| self.value(v))
                    .collect::<anyhow::Result<_>>()?,
            ),
            V::InlineTable(t) => object(
                t.iter()
                    .map(|(k, v)| Ok((k.to_string(), self.value(v)?)))
                    .collect::<anyhow::Result<_>>()?,
            ),
        })
    }
}

/// Go prints a map's keys sorted.
fn object(mut entries: Vec<(String, Value)>) -> Value {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(entries.into_iter().collect::<Map<_, _>>())
}

/// A TOML date-time as Go's `time.Time` marshals it (RFC 3339 with nanoseconds, local kinds
/// in UTC); `None` for a leap second.
fn go_time(d: &Datetime) -> Option<String> {
    let (year, month, day) = d.date.map_or((0, 1, 1), |d| (d.year, d.month, d.day));
    let (hour, minute, second, nanos) = d.time.map_or((0, 0, 0, 0), |t| {
        (
            t.hour,
            t.minute,
            t.second.unwrap_or(0),
            t.nanosecond.unwrap_or(0),
        )
    });
    if second > 59 {
        return None;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    match d.offset {
        Some(Offset::Custom { minutes }) if minutes != 0 => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        _ => out.push('Z'),
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_as_go_prints_them() {
        let v = parse(
            "a = 1979-05-27T07:32:00\nb = 1979-05-27\nc = 07:32:00.120\nd = 1979-05-27T00:32:00.999999-07:00\ne = 9223372036854775807\n[t]\nx = [1, 'q', {y = true}]\n[[arr]]\nz = 1.5\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": "1979-05-27T07:32:00Z", "b": "1979-05-27T00:00:00Z", "c": "0000-01-01T07:32:00.12Z",
                   "d": "1979-05-27T00:32:00.999999-07:00", "e": 9223372036854775807i64,
                   "t": {"x": [1, "q", {"y": true}]}, "arr": [{"z": 1.5}]})
        );
    }

    #[test]
    fn refusals() {
        assert!(parse("a = inf\n").is_err());
        assert!(parse("a = 1\na = 2\n").is_err());
        assert!(parse("a = 1979-05-27T23:59:60Z\n").is_err());
        let e = parse("ok = 1\nsecret = \"unterminated\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains("unterminated"), "{e}");
        assert!(parse(&format!("a = {}", "[".repeat(100_000))).is_err());
        assert!(parse(&format!("a = {}", "{b = ".repeat(100_000))).is_err());
        assert!(parse(&format!("{}a = 1", "a.".repeat(100_000))).is_err());
        assert!(parse(&format!("[{}a]", "a.".repeat(100_000))).is_err());
    }
}
