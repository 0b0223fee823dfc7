//! What a Rego value costs once written out: its JSON size, node count and nesting, measured
//! over the value as a policy can build it, where one array may hold the same inner value twice.
//!
//! `double(x) := [x, x]` applied forty times is forty small arrays in memory and a
//! 2⁴⁰-element tree for anything that writes it out (`json.marshal`, `yaml.marshal`, `sprintf`'s
//! `%v`, `walk`, the conversion of a `deny` result to a finding): regorus builds that tree in one
//! builtin call, where neither `--policy-timeout` nor a memory check can stop it, and the
//! process aborts on allocation. The measure visits each shared inner value once (remembered by
//! address), so it takes time linear in what is in memory, not in what it expands to, and needs
//! no recursion.

use std::collections::HashMap;

use regorus::Value;

/// The cost of writing out one value (every count is of the expanded tree).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Expansion {
    /// Bytes of its JSON text (strings without escapes: a bound up to a constant factor).
    pub bytes: f64,
    /// Values in it, itself included (object keys are not counted; `walk` visits values).
    pub nodes: f64,
    /// Elements of all paths `walk` gives for it: the sum of every value's depth.
    pub path_elements: f64,
    /// Collections nested inside each other on the deepest path (0 for a scalar).
    pub height: usize,
}

/// JSON bytes of a number, whatever its digits: the longest f64 rendering.
const NUMBER_BYTES: f64 = 24.0;

/// Measures `value` without recursion; each collection shared by several parents is measured
/// once.
pub(crate) fn measure(value: &Value) -> Expansion {
    // a scalar (most `sprintf` operands) costs no allocation
    if address(value).is_none() {
        return scalar(value);
    }
    let mut done: HashMap<usize, Expansion> = HashMap::new();
    // (collection, children already measured); only collections are pushed
    let mut stack: Vec<(&Value, bool)> = vec![(value, false)];
    let mut root = Expansion::default();
    while let Some((value, children_done)) = stack.pop() {
        let Some(key) = address(value) else {
            continue;
        };
        if done.contains_key(&key) {
            continue;
        }
        if !children_done {
            stack.push((value, true));
            for child in children(value) {
                if address(child).is_some_and(|k| !done.contains_key(&k)) {
                    stack.push((child, false));
                }
            }
            continue;
        }
        let of = |child: &Value| match address(child) {
            Some(k) => done.get(&k).copied().unwrap_or_default(),
            None => scalar(child),
        };
        let mut total = Expansion {
            bytes: 2.0,
            nodes: 1.0,
            path_elements: 0.0,
            height: 1,
        };
        let mut add = |child: Expansion, extra_bytes: f64| {
            total.bytes += child.bytes + extra_bytes;
            total.nodes += child.nodes;
            total.path_elements += child.path_elements + child.nodes;
            total.height = total.height.max(child.height + 1);
        };
        match value {
            Value::Object(object) => {
                for (k, v) in object.iter() {
                    add(of(v), of(k).bytes + 2.0);
                }
            }
            _ => {
                for child in children(value) {
                    add(of(child), 1.0);
                }
            }
        }
        done.insert(key, total);
        if stack.is_empty() {
            root = total;
        }
    }
    root
}

/// The address of a collection's contents: the same for every copy of one shared value.
fn address(value: &Value) -> Option<usize> {
    match value {
        Value::Array(a) => Some(&**a as *const _ as *const () as usize),
        Value::Set(s) => Some(&**s as *const _ as *const () as usize),
        Value::Object(o) => Some(&**o as *const _ as *const () as usize),
        _ => None,
    }
}

/// A collection's elements (an object's values and keys; keys can be collections in Rego).
fn children(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Array(a) => Box::new(a.iter()),
        Value::Set(s) => Box::new(s.iter()),
        Value::Object(o) => Box::new(o.iter().flat_map(|(k, v)| [k, v])),
        _ => Box::new(std::iter::empty()),
    }
}

fn scalar(value: &Value) -> Expansion {
    let bytes = match value {
        Value::Null => 4.0,
        Value::Bool(_) => 5.0,
        Value::Number(_) => NUMBER_BYTES,
        Value::String(s) => s.len() as f64 + 2.0,
        _ => 0.0,
    };
    Expansion {
        bytes,
        nodes: 1.0,
        path_elements: 0.0,
        height: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doubled(times: usize) -> Value {
        let mut v = Value::from("abc");
        for _ in 0..times {
            v = Value::from(vec![v.clone(), v]);
        }
        v
    }

    #[test]
    fn plain_values_are_measured_as_written() {
        let v = Value::from_json_str(r#"{"a": [1, "xy", null], "b": {"c": true}}"#).unwrap();
        let m = measure(&v);
        assert_eq!(m.nodes, 7.0);
        assert_eq!(m.height, 2);
        // walk's paths: a, a/0, a/1, a/2, b, b/c
        assert_eq!(m.path_elements, 1.0 + 2.0 * 3.0 + 1.0 + 2.0);
        let written = serde_json::to_string(&v).unwrap().len() as f64;
        assert!(
            m.bytes >= written && m.bytes < 4.0 * written,
            "{m:?} vs {written}"
        );
        assert_eq!(measure(&Value::from("xy")).bytes, 4.0);
    }

    /// Sixty doublings: 2⁶⁰ leaves when written out, sixty arrays in memory, measured at once.
    #[test]
    fn shared_values_are_measured_expanded_in_linear_time() {
        let m = measure(&doubled(60));
        assert_eq!(m.nodes, 2f64.powi(61) - 1.0);
        assert_eq!(m.height, 60);
        assert!(m.bytes > 5.0 * 2f64.powi(60));
        let small = doubled(3);
        let written = serde_json::to_string(&small).unwrap().len() as f64;
        assert!((written..2.0 * written).contains(&measure(&small).bytes));
    }

    /// A chain 100,000 deep is measured without a stack overflow (no recursion).
    #[test]
    fn deep_chains_are_measured_without_recursion() {
        let mut v = Value::from(1);
        for _ in 0..100_000 {
            v = Value::from(vec![v]);
        }
        assert_eq!(measure(&v).height, 100_000);
        // regorus drops nested values recursively: unwind by hand
        while let Value::Array(a) = v {
            v = a.first().cloned().unwrap_or(Value::Null);
        }
    }
}
