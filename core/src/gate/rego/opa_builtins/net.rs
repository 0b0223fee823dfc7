//! OPA's CIDR builtins regorus 0.14 lacks: `net.cidr_merge`, `net.cidr_intersects`,
//! `net.cidr_contains_matches` and the deprecated `net.cidr_overlap` (OPA v1.22.3's
//! `topdown/cidr.go`, Go's `net.ParseIP`/`ParseCIDR` rules).
//!
//! Addresses live in one 128-bit space as Go's merge keeps them: an IPv4 address is its
//! IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so `::/0` absorbs IPv4 networks as OPA's does. A bare
//! IPv4 address given to `net.cidr_merge` takes its classful default mask (`10.1.2.3` is
//! `10.1.2.3/8`) and, when nothing merges with it, comes back written so, host bits and all; a
//! merged range comes back as the fewest CIDRs that cover it. Containment in
//! `net.cidr_contains_matches` is regorus's `net.cidr_contains`, so both builtins agree.
//!
//! The merge follows OPA's `v1/topdown/cidr.go` (Copyright The OPA Authors, Apache-2.0).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use regorus::Value;
use regorus::unstable::BUILTINS as REGORUS_BUILTINS;

use super::super::guards;
use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("net.cidr_merge", 1, merge),
    ("net.cidr_intersects", 2, intersects),
    ("net.cidr_contains_matches", 2, contains_matches),
    ("net.cidr_overlap", 2, overlap),
];

/// The start of the IPv4-mapped block, `::ffff:0.0.0.0`.
const MAPPED: u128 = 0xffff_0000_0000;

/// A parsed network: its first address and prefix length in the 128-bit space, and how Go
/// writes it when it comes back unmerged.
struct Net {
    first: u128,
    prefix: u32,
    /// An IPv4 network (also when written as IPv4-mapped IPv6, which Go reads as IPv4).
    v4: bool,
    written: String,
}

impl Net {
    fn last(&self) -> u128 {
        self.first | host_mask(self.prefix)
    }
}

/// The host bits of a prefix length in the 128-bit space.
fn host_mask(prefix: u32) -> u128 {
    u128::MAX.checked_shr(prefix).unwrap_or(0)
}

/// Go's `net.ParseCIDR`: an address, `/`, a decimal prefix within the family's bits; the result
/// has its host bits cleared. IPv4 networks are placed in the IPv4-mapped block.
fn parse_cidr(text: &str) -> Result<Net, String> {
    let invalid = || format!("invalid CIDR address: {text}");
    let (addr, prefix) = text.split_once('/').ok_or_else(invalid)?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let prefix: u32 = prefix.parse().map_err(|_| invalid())?;
    match addr.parse::<IpAddr>().map_err(|_| invalid())? {
        IpAddr::V4(v4) if prefix <= 32 => {
            let first = mapped(v4) & !host_mask(96 + prefix);
            Ok(Net {
                first,
                prefix: 96 + prefix,
                v4: true,
                written: format!("{}/{prefix}", Ipv4Addr::from((first as u32).to_be_bytes())),
            })
        }
        IpAddr::V6(v6) if prefix <= 128 => {
            let first = u128::from(v6) & !host_mask(prefix);
            // Go treats a network whose address is IPv4-mapped as IPv4 (the mask's last 4 bytes)
            let v4 = in_mapped(first);
            let written = if v4 {
                format!(
                    "{}/{}",
                    Ipv4Addr::from((first as u32).to_be_bytes()),
                    prefix.saturating_sub(96)
                )
            } else {
                format!("{}/{prefix}", Ipv6Addr::from(first))
            };
            Ok(Net {
                first,
                prefix: if v4 { prefix.max(96) } else { prefix },
                v4,
                written,
            })
        }
        _ => Err(invalid()),
    }
}

fn mapped(v4: Ipv4Addr) -> u128 {
    MAPPED | u128::from(u32::from(v4))
}

/// Go's `IP.DefaultMask`: the classful mask of an IPv4 address.
fn default_prefix(v4: Ipv4Addr) -> u32 {
    match v4.octets()[0] {
        0..0x80 => 8,
        0x80..0xc0 => 16,
        _ => 24,
    }
}

/// An element of `net.cidr_merge`'s operand: an IPv4 address (classful mask) or a CIDR.
fn merge_element(value: &Value) -> Result<Net, String> {
    let Value::String(text) = value else {
        return Err("element must be string".to_owned());
    };
    match text.parse::<IpAddr>() {
        Ok(ip) => {
            let v4 = match ip {
                IpAddr::V4(v4) => v4,
                IpAddr::V6(v6) => v6
                    .to_ipv4_mapped()
                    .ok_or_else(|| "IPv6 invalid: needs prefix length".to_owned())?,
            };
            let prefix = default_prefix(v4);
            Ok(Net {
                first: mapped(v4) & !host_mask(96 + prefix),
                prefix: 96 + prefix,
                v4: true,
                written: format!("{v4}/{prefix}"),
            })
        }
        Err(_) => parse_cidr(text),
    }
}

/// Whether an address is in the IPv4-mapped block.
fn in_mapped(address: u128) -> bool {
    (MAPPED..=MAPPED | u128::from(u32::MAX)).contains(&address)
}

/// The fewest CIDRs covering `first..=last`, written as IPv4 inside the mapped block.
fn covering(mut first: u128, last: u128, out: &mut Vec<String>) {
    let v4 = in_mapped(first) && in_mapped(last);
    loop {
        // the largest block aligned at `first` that ends within `last`
        let mut prefix = 128 - first.trailing_zeros();
        while prefix < 128 && first | host_mask(prefix) > last {
            prefix += 1;
        }
        out.push(if v4 {
            format!(
                "{}/{}",
                Ipv4Addr::from((first as u32).to_be_bytes()),
                prefix - 96
            )
        } else {
            format!("{}/{prefix}", Ipv6Addr::from(first))
        });
        let end = first | host_mask(prefix);
        if end >= last {
            break;
        }
        first = end + 1;
    }
}

/// Go's `GetPreviousIP`: the address before, except for `::` and `::ffff:0.0.0.0`.
fn previous(address: u128) -> u128 {
    if address == 0 || address == MAPPED {
        address
    } else {
        address - 1
    }
}

fn merge(args: &[Value]) -> Result<Value, String> {
    let elements: Vec<&Value> = match args.first() {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Set(items)) => items.iter().collect(),
        _ => return Err("operand must be an array".to_owned()),
    };
    let mut nets = elements
        .into_iter()
        .map(merge_element)
        .collect::<Result<Vec<_>, _>>()?;
    // Go's order: by last address, then first; then each range joins the one before it when
    // it starts at most one address after that one's end
    nets.sort_by_key(|n| (n.last(), n.first));
    let mut ranges: Vec<(u128, u128, Option<String>)> = Vec::new();
    for net in nets.into_iter().rev() {
        let (first, last) = (net.first, net.last());
        match ranges.last_mut() {
            Some((next_first, next_last, written)) if previous(*next_first) <= last => {
                *next_first = (*next_first).min(first);
                *next_last = (*next_last).max(last);
                *written = None;
            }
            _ => ranges.push((first, last, Some(net.written))),
        }
    }
    let mut out = Vec::new();
    for (first, last, written) in ranges {
        match written {
            Some(w) => out.push(w),
            None => covering(first, last, &mut out),
        }
    }
    Ok(Value::from(
        out.into_iter()
            .map(Value::from)
            .collect::<std::collections::BTreeSet<_>>(),
    ))
}

/// Go's `IPNet.Contains` for another network's first address: an address in the IPv4-mapped
/// block is only ever in an IPv4 network, any other only in an IPv6 one.
fn contains(net: &Net, address: u128) -> bool {
    net.v4 == in_mapped(address) && address & !host_mask(net.prefix) == net.first
}

fn intersects(args: &[Value]) -> Result<Value, String> {
    let a = parse_cidr(string_operand(args, 0)?)?;
    let b = parse_cidr(string_operand(args, 1)?)?;
    Ok(Value::from(contains(&a, b.first) || contains(&b, a.first)))
}

/// `net.cidr_overlap`, the deprecated name of `net.cidr_contains`.
fn overlap(args: &[Value]) -> Result<Value, String> {
    cidr_contains(args.first(), args.get(1))
}

/// regorus's `net.cidr_contains`, its errors kept as errors.
fn cidr_contains(cidr: Option<&Value>, other: Option<&Value>) -> Result<Value, String> {
    let builtin = REGORUS_BUILTINS
        .get("net.cidr_contains")
        .map(|b| b.0)
        .ok_or_else(|| "net.cidr_contains is not available".to_owned())?;
    let args = [
        cidr.cloned().unwrap_or(Value::Undefined),
        other.cloned().unwrap_or(Value::Undefined),
    ];
    guards::call_builtin(builtin, &args, true).map_err(|e| e.to_string())
}

/// The (address, key) pairs an operand of `net.cidr_contains_matches` stands for: a string is
/// itself; an array's, set's or object's elements are strings or arrays whose first element is
/// the address, keyed by index, element or key. Other values stand for nothing.
fn match_operand(args: &[Value], index: usize) -> Result<Vec<(Value, Value)>, String> {
    let element = |v: &Value| match v {
        Value::String(_) => Ok(v.clone()),
        Value::Array(a) if !a.is_empty() => Ok(a[0].clone()),
        _ => Err(format!(
            "operand {}: element must be string or non-empty array",
            index + 1
        )),
    };
    Ok(match args.get(index) {
        Some(v @ Value::String(_)) => vec![(v.clone(), v.clone())],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| Ok((element(v)?, Value::from(i as u64))))
            .collect::<Result<_, String>>()?,
        Some(Value::Set(items)) => items
            .iter()
            .map(|v| Ok((element(v)?, v.clone())))
            .collect::<Result<_, String>>()?,
        Some(Value::Object(items)) => items
            .iter()
            .map(|(k, v)| Ok((element(v)?, k.clone())))
            .collect::<Result<_, String>>()?,
        _ => Vec::new(),
    })
}

fn contains_matches(args: &[Value]) -> Result<Value, String> {
    let cidrs = match_operand(args, 0)?;
    let others = match_operand(args, 1)?;
    let mut pairs = std::collections::BTreeSet::new();
    for (cidr, key1) in &cidrs {
        for (other, key2) in &others {
            if cidr_contains(Some(cidr), Some(other))? == Value::from(true) {
                pairs.insert(Value::from(vec![key1.clone(), key2.clone()]));
            }
        }
    }
    Ok(Value::from(pairs))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    fn x(query: &str) -> String {
        eval_x(query, false)
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .unwrap_or_else(|| panic!("{query}: undefined"))
    }

    /// The answers of `opa eval` (v1.22.3).
    #[test]
    fn merge_as_opa_merges() {
        for (operand, want) in [
            (
                r#"["192.0.2.1", "10.1.2.3", "1.2.3.4", "224.0.0.1", "10.2.0.0/16"]"#,
                r#"["1.2.3.4/8","10.0.0.0/8","192.0.2.1/24","224.0.0.1/24"]"#,
            ),
            (r#"{"::/0", "10.0.0.0/8"}"#, r#"["::/0"]"#),
            (
                r#"["192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31", "2001:db8::/33", "2001:db8:8000::/33", "::ffff:1.2.3.0/120"]"#,
                r#"["1.2.3.0/24","192.0.2.112/30","192.0.2.116/32","192.0.2.118/31","2001:db8::/32"]"#,
            ),
            (r#"["0.0.0.0/1", "128.0.0.0/1"]"#, r#"["0.0.0.0/0"]"#),
            ("[]", "[]"),
        ] {
            assert_eq!(
                x(&format!("x := net.cidr_merge({operand})")),
                want,
                "{operand}"
            );
        }
        for bad in [
            r#"["fe80::1"]"#,
            r#"["10.0.0.0/33"]"#,
            "[1]",
            r#""10.0.0.0/8""#,
        ] {
            assert_eq!(
                eval_x(&format!("x := net.cidr_merge({bad})"), false),
                Ok(None),
                "{bad}"
            );
        }
        let err = eval_x(r#"x := net.cidr_merge(["fe80::1"])"#, true)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("net.cidr_merge: IPv6 invalid: needs prefix length"),
            "{err}"
        );
    }

    #[test]
    fn intersects_contains_matches_and_overlap_as_opa() {
        assert_eq!(
            x(
                r#"x := [net.cidr_intersects("192.168.0.0/16", "192.168.1.0/24"), net.cidr_intersects("::/0", "10.0.0.0/8"), net.cidr_intersects("::ffff:10.0.0.0/104", "10.0.0.0/8"), net.cidr_intersects("10.0.0.0/8", "11.0.0.0/8")]"#
            ),
            "[true,false,true,false]"
        );
        assert_eq!(
            x(
                r#"x := net.cidr_contains_matches({"a": "10.0.0.0/8", "b": ["192.168.0.0/16", 1]}, ["10.1.1.1", "192.168.3.0/24", "8.8.8.8"])"#
            ),
            r#"[["a",0],["b",1]]"#
        );
        assert_eq!(
            x(r#"x := net.cidr_overlap("192.168.1.0/24", "192.168.1.67")"#),
            "true"
        );
        let err = eval_x(
            r#"x := net.cidr_contains_matches(["10.0.0.0/8"], {[], "10.1.1.1"})"#,
            true,
        )
        .err()
        .unwrap_or_default();
        assert!(
            err.contains("operand 2: element must be string or non-empty array"),
            "{err}"
        );
    }
}
