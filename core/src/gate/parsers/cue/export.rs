//! A CUE value as JSON, as `cue.Value.MarshalJSON` gives it: regular fields only (hidden fields,
//! definitions and optional fields left out, a required field never given is an error), lists in
//! order, bytes as base64, every value concrete (else "incomplete").

use base64::Engine;
use serde_json::{Map, Number, Value};

use super::Stop;
use super::ast::Presence;
use super::eval::{Class, Eval, Label, Vid};
use super::value::{Alt, Atom, LIST, STRUCT};

pub(super) fn export(ev: &mut Eval<'_>, v: Vid) -> Result<Value, Stop> {
    ev.enter()?;
    let r = export_inner(ev, v);
    ev.depth -= 1;
    r
}

fn export_inner(ev: &mut Eval<'_>, v: Vid) -> Result<Value, Stop> {
    if let Some(e) = &ev.vs[v].err {
        return Err(e.clone());
    }
    let node = &ev.vs[v];
    if node.structural == STRUCT {
        let arcs = node.arcs.clone();
        let mut out = Map::new();
        for (label, a) in arcs {
            let Label::Field(name, Class::Regular) = &label else {
                continue;
            };
            match ev.vs[a].presence {
                Presence::Optional => continue,
                Presence::Required => {
                    return Err(Stop::Eval(
                        ev.path(a),
                        "field is required but not present".into(),
                    ));
                }
                Presence::Regular => {}
            }
            let value = export(ev, a)?;
            out.insert(name.clone(), value);
        }
        return Ok(Value::Object(out));
    }
    if node.structural == LIST {
        let mut arcs: Vec<(usize, Vid)> = node
            .arcs
            .iter()
            .filter_map(|(l, a)| match l {
                Label::Index(i) => Some((*i, *a)),
                Label::Field(..) => None,
            })
            .collect();
        arcs.sort_unstable();
        let mut out = Vec::with_capacity(arcs.len());
        for (_, a) in arcs {
            out.push(export(ev, a)?);
        }
        return Ok(Value::Array(out));
    }
    match node.scalar.resolved() {
        Some(Alt::Atom(a)) => {
            atom_json(a).ok_or_else(|| Stop::Eval(ev.path(v), "a number too large for JSON".into()))
        }
        _ => Err(Stop::Incomplete(
            ev.path(v),
            "incomplete value (not concrete)".into(),
        )),
    }
}

fn atom_json(a: &Atom) -> Option<Value> {
    Some(match a {
        Atom::Null => Value::Null,
        Atom::Bool(b) => Value::Bool(*b),
        Atom::Int(i) => {
            if let Ok(x) = i64::try_from(*i) {
                Value::Number(x.into())
            } else if let Ok(x) = u64::try_from(*i) {
                Value::Number(x.into())
            } else {
                Value::Number(Number::from_f64(*i as f64)?)
            }
        }
        Atom::Float(d) => {
            Value::Number(Number::from_f64(d.to_f64()).filter(|_| d.to_f64().is_finite())?)
        }
        Atom::Str(s) => Value::String(s.clone()),
        Atom::Bytes(b) => Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
    })
}
