//! Go durations (`1h30m`, `2.5s`, `300ms`): one parser of `time.ParseDuration`'s grammar.
//!
//! Two callers need Go's grammar: the controller's duration flags (upstream's are Go `flag`
//! durations) and the gate's JSON Schema `duration` format (kubeconform accepts what
//! `time.ParseDuration` accepts). Both get the same answer from [`parse`], a port of Go's
//! `time.ParseDuration`: `[-+]?` then one or more `<decimal><unit>`, or a bare `0`; units `ns`,
//! `us` (`µs`, `μs`), `ms`, `s`, `m`, `h`; the total at most 2^63−1 ns (about 292 years).
//! Each caller adds its own rules on top (a bare number as seconds, ISO 8601 durations).

use std::time::Duration;

/// A parsed Go duration: Go's is a signed count of nanoseconds, `std`'s is unsigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoDuration {
    /// A leading `-` (only meaningful when `magnitude` is not zero).
    pub negative: bool,
    pub magnitude: Duration,
}

/// Why a text is not a Go duration; the messages are Go's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("invalid duration {text:?}")]
    Invalid { text: String },
    #[error("missing unit in duration {text:?}")]
    MissingUnit { text: String },
    #[error("unknown unit {unit:?} in duration {text:?}")]
    UnknownUnit { unit: String, text: String },
}

/// Nanoseconds per unit, as Go's `unitMap` (`µ` is U+00B5 MICRO SIGN, `μ` U+03BC GREEK MU).
const UNITS: [(&str, u64); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Go's bound on the magnitude: an `int64` of nanoseconds (`-1<<63` itself is allowed).
const LIMIT: u64 = 1 << 63;

/// Parses `text` exactly as Go's `time.ParseDuration` does, overflow checks and the float
/// arithmetic of fractions included, so both callers agree with Go on every input.
pub fn parse(text: &str) -> Result<GoDuration, DurationError> {
    let invalid = || DurationError::Invalid {
        text: text.to_owned(),
    };
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Ok(GoDuration {
            negative,
            magnitude: Duration::ZERO,
        });
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        if !rest.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let (whole, after) = split_digits(rest);
        let whole_value = leading_int(whole).ok_or_else(invalid)?;
        let (fraction, after) = match after.strip_prefix('.') {
            Some(after) => split_digits(after),
            None => ("", after),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(invalid());
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(DurationError::MissingUnit {
                text: text.to_owned(),
            });
        }
        let (_, per_unit) = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .ok_or_else(|| DurationError::UnknownUnit {
                unit: unit.to_owned(),
                text: text.to_owned(),
            })?;
        if whole_value > LIMIT / per_unit {
            return Err(invalid());
        }
        let mut value = whole_value * per_unit;
        let (digits, scale) = leading_fraction(fraction);
        if digits > 0 {
            // Go's uint64(float64(f) * (float64(unit) / scale)), float rounding and truncation
            // included: "0.3333333333333333333h" is exactly 20m in Go, and so here.
            let part = (digits as f64 * (*per_unit as f64 / scale)) as u64;
            value = value
                .checked_add(part)
                .filter(|v| *v <= LIMIT)
                .ok_or_else(invalid)?;
        }
        total = total
            .checked_add(value)
            .filter(|t| *t <= LIMIT)
            .ok_or_else(invalid)?;
        rest = after;
    }
    if !negative && total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(GoDuration {
        negative,
        magnitude: Duration::from_nanos(total),
    })
}

/// The leading ASCII digits of `text`, and what follows them.
fn split_digits(text: &str) -> (&str, &str) {
    text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    )
}

/// Go's `leadingInt`: the value of `digits`, `None` past 2^63.
fn leading_int(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |value, digit| {
        value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))
            .filter(|v| *v <= LIMIT)
    })
}

/// Go's `leadingFraction`: the digits' value and its scale (10^digits counted), where digits
/// that would overflow are read but ignored.
fn leading_fraction(digits: &str) -> (u64, f64) {
    let mut value: u64 = 0;
    let mut scale = 1.0;
    for digit in digits.bytes() {
        let next = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit - b'0')))
            .filter(|v| *v <= LIMIT);
        match next {
            Some(next) => {
                value = next;
                scale *= 10.0;
            }
            None => break,
        }
    }
    (value, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(text: &str) -> Option<(bool, u128)> {
        parse(text)
            .ok()
            .map(|d| (d.negative, d.magnitude.as_nanos()))
    }

    #[test]
    fn go_accepts() {
        // Cases from Go's time/time_test.go parseDurationTests.
        assert_eq!(nanos("0"), Some((false, 0)));
        assert_eq!(nanos("5s"), Some((false, 5_000_000_000)));
        assert_eq!(nanos("+5s"), Some((false, 5_000_000_000)));
        assert_eq!(nanos("-5s"), Some((true, 5_000_000_000)));
        assert_eq!(nanos("1.5h"), Some((false, 5_400_000_000_000)));
        assert_eq!(nanos("1h30m"), Some((false, 5_400_000_000_000)));
        assert_eq!(nanos(".5m"), Some((false, 30_000_000_000)));
        assert_eq!(nanos("5.s"), Some((false, 5_000_000_000)));
        assert_eq!(nanos("300ms"), Some((false, 300_000_000)));
        assert_eq!(nanos("11us"), Some((false, 11_000)));
        assert_eq!(nanos("12µs"), Some((false, 12_000)));
        assert_eq!(nanos("12μs"), Some((false, 12_000)));
        assert_eq!(nanos("13ns"), Some((false, 13)));
        assert_eq!(nanos("39h9m14.425s"), Some((false, 140_954_425_000_000)));
        assert_eq!(nanos("52763797000ns"), Some((false, 52_763_797_000)));
        assert_eq!(
            nanos("0.3333333333333333333h"),
            Some((false, 1_200_000_000_000))
        );
        assert_eq!(
            nanos("9007199254.740993ms"),
            Some((false, 9_007_199_254_740_993))
        );
        assert_eq!(nanos("9223372036854775807ns"), Some((false, (1 << 63) - 1)));
        assert_eq!(nanos("-9223372036854775808ns"), Some((true, 1 << 63)));
        assert_eq!(
            nanos("0.100000000000000000000h"),
            Some((false, 360_000_000_000))
        );
    }

    #[test]
    fn go_rejects() {
        for bad in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "1h 2m",
            "1x",
            "P1D",
            "1..5s",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "3000000h",
            "-9223372036854775809ns",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse("3"),
            Err(DurationError::MissingUnit { text: "3".into() })
        );
        assert_eq!(
            parse("1d"),
            Err(DurationError::UnknownUnit {
                unit: "d".into(),
                text: "1d".into()
            })
        );
    }
}
