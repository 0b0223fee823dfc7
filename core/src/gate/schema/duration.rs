//! The `duration` format as kubeconform checks it: a Go duration (`1h30m`) or an ISO 8601 one (`P1DT2H`).
//!
//! JSON Schema's own `duration` is ISO 8601 only, which would reject the Go durations many
//! CRDs (cert-manager, Flux, …) use; kubeconform registers this wider check for the same reason.

pub(crate) fn is_valid(s: &str) -> bool {
    is_go_duration(s) || is_iso_duration(s)
}

/// Go's `time.ParseDuration` grammar (kubeconform tries `time.ParseDuration` first).
fn is_go_duration(s: &str) -> bool {
    crate::duration::parse(s).is_ok()
}

/// kubeconform's `validateDuration` ISO 8601 branch: `P[nW]` or `P[nY][nM][nD][T[nH][nM][nS]]`.
fn is_iso_duration(s: &str) -> bool {
    let Some(s) = s.strip_prefix('P') else {
        return false;
    };
    if s.is_empty() {
        return false;
    }
    if let Some(weeks) = s.strip_suffix('W') {
        return !weeks.is_empty() && weeks.chars().all(|c| c.is_ascii_digit());
    }
    let all_units = ["YMD", "HMS"];
    for (i, part) in s.split('T').enumerate() {
        if i != 0 && part.is_empty() {
            return false;
        }
        let Some(units) = all_units.get(i) else {
            return false;
        };
        let mut units: &str = units;
        let mut rest = part;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 || digits == rest.len() {
                return false;
            }
            let unit = &rest[digits..digits + 1];
            let Some(j) = units.find(unit) else {
                return false;
            };
            units = &units[j + 1..];
            rest = &rest[digits + 1..];
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_and_iso_durations() {
        for ok in [
            "0",
            "1h",
            "1h30m",
            "2.5s",
            "300ms",
            "-1m",
            "P1D",
            "PT2H",
            "P1Y2M3DT4H5M6S",
            "P3W",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "", "1", "h", "1x", "P", "PT", "P1H", "PT1D", "P1DT", "1h 2m", "P1M1Y",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
