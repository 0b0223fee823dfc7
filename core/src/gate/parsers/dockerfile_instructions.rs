//! buildkit's `instructions.ParseInstruction` (v0.33.1) as conftest calls it on every
//! instruction: only its refusals matter here (conftest prints the parser's nodes, not the typed
//! instructions), so this checks what it checks: the instruction is known, its argument count,
//! its flags (known, well-formed, not repeated), `RUN`'s `--mount`/`--device`/`--network`/
//! `--security` values, `HEALTHCHECK`'s durations and retries, `FROM`'s stage name, `ONBUILD`'s
//! trigger, and no heredoc as a destination. Also the crash conftest v0.71.1 has on a `check=`
//! comment before an instruction (its linter is nil), which is a refusal too.

use super::dockerfile::{Instruction, directive, go_lower, go_lower_char, go_upper, trim_space};
use super::dockerfile_shell as shell;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    String,
    Strings,
}

/// `instructions.ParseInstruction`'s verdict on one instruction.
pub(super) fn check(instruction: &Instruction) -> Result<(), String> {
    lint_crash(&instruction.comments)?;
    let node = &instruction.node;
    let cmd = go_lower(&node.cmd);
    let flags = node.flags.as_deref().unwrap_or_default();
    // buildkit's `nodeArgs`: an ONBUILD's arguments start with its instruction's command.
    let args: Vec<&[u8]> = match &node.sub {
        Some(sub) => std::iter::once(&sub.cmd[..])
            .chain(sub.values.iter().map(|v| &v[..]))
            .collect(),
        None => node.values.iter().map(|v| &v[..]).collect(),
    };
    let name = cmd.to_uppercase();
    let exactly_one = |args: &[&[u8]]| {
        if args.len() == 1 {
            Ok(())
        } else {
            Err(format!("{name} requires exactly one argument"))
        }
    };
    let at_least_one = |args: &[&[u8]]| {
        if args.is_empty() {
            Err(format!("{name} requires at least one argument"))
        } else {
            Ok(())
        }
    };
    match cmd.as_str() {
        "env" | "label" => {
            parse_flags(flags, &[])?;
            at_least_one(&args)?;
            if args.chunks(3).any(|kv| kv[0].is_empty()) {
                return Err(format!("{name} names can not be blank"));
            }
        }
        "maintainer" | "workdir" | "user" => {
            exactly_one(&args)?;
            parse_flags(flags, &[])?;
        }
        "stopsignal" => exactly_one(&args)?,
        "add" | "copy" => {
            if args.len() < 2 {
                return Err(format!(
                    "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
                ));
            }
            let known: &[(&str, Kind)] = if cmd == "add" {
                &[
                    ("chown", Kind::String),
                    ("chmod", Kind::String),
                    ("link", Kind::Bool),
                    ("keep-git-dir", Kind::Bool),
                    ("checksum", Kind::String),
                    ("unpack", Kind::Bool),
                    ("exclude", Kind::Strings),
                ]
            } else {
                &[
                    ("chown", Kind::String),
                    ("from", Kind::String),
                    ("chmod", Kind::String),
                    ("link", Kind::Bool),
                    ("exclude", Kind::Strings),
                    ("parents", Kind::Bool),
                ]
            };
            parse_flags(flags, known)?;
            let dest = String::from_utf8_lossy(args[args.len() - 1]);
            if let Ok(Some(_)) = shell::heredoc(&dest) {
                return Err(format!("{name} cannot accept a heredoc as a destination"));
            }
        }
        "from" => {
            stage_name(&args)?;
            parse_flags(flags, &[("platform", Kind::String)])?;
        }
        "onbuild" => {
            at_least_one(&args)?;
            parse_flags(flags, &[])?;
            let trigger = go_upper(trim_space(args[0]));
            match trigger.as_str() {
                "ONBUILD" => {
                    return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into());
                }
                "MAINTAINER" | "FROM" => {
                    return Err(format!("{trigger} isn't allowed as an ONBUILD trigger"));
                }
                _ => {}
            }
        }
        "run" => {
            let used = parse_flags(
                flags,
                &[
                    ("device", Kind::Strings),
                    ("mount", Kind::Strings),
                    ("network", Kind::String),
                    ("security", Kind::String),
                ],
            )?;
            for (flag, value) in used {
                match flag {
                    "device" => device(value)?,
                    "mount" => mount(value)?,
                    "network" if !matches!(value, "default" | "none" | "host") => {
                        return Err(format!("invalid network mode {value:?}"));
                    }
                    "security" if !matches!(value, "insecure" | "sandbox") => {
                        return Err(format!("security {value:?} is not valid"));
                    }
                    _ => {}
                }
            }
        }
        "cmd" | "entrypoint" => {
            parse_flags(flags, &[])?;
        }
        "healthcheck" => healthcheck(&args, flags)?,
        "expose" | "volume" => {
            at_least_one(&args)?;
            parse_flags(flags, &[])?;
            if cmd == "volume" && args.iter().any(|v| trim_space(v).is_empty()) {
                return Err("VOLUME specified can not be an empty string".into());
            }
        }
        "arg" => {
            at_least_one(&args)?;
            if args.iter().any(|a| a.first() == Some(&b'=')) {
                return Err("ARG names can not be blank".into());
            }
        }
        "shell" => {
            parse_flags(flags, &[])?;
            at_least_one(&args)?;
            if !node.json {
                return Err("SHELL requires the arguments to be in JSON form".into());
            }
        }
        _ => {
            return Err(format!(
                "unknown instruction: {}",
                String::from_utf8_lossy(&node.cmd)
            ));
        }
    }
    Ok(())
}

/// buildkit's `BFlags.Parse` against the flags an instruction defines: the last value of each
/// flag used (every value of a repeatable one), in order.
fn parse_flags<'a>(
    flags: &'a [String],
    known: &[(&'a str, Kind)],
) -> Result<Vec<(&'a str, &'a str)>, String> {
    let mut used: Vec<(&str, &str)> = Vec::new();
    for a in flags {
        if a == "--" {
            break;
        }
        let Some(stripped) = a.strip_prefix("--") else {
            return Err(format!("arg should start with -- : {a}"));
        };
        let (name, value) = match stripped.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (stripped, None),
        };
        let Some(&(name, kind)) = known.iter().find(|(k, _)| *k == name) else {
            return Err(format!("unknown flag: --{name}"));
        };
        if kind != Kind::Strings && used.iter().any(|(n, _)| *n == name) {
            return Err(format!("duplicate flag specified: --{name}"));
        }
        let value = match (kind, value) {
            (Kind::Bool, Some("")) | (Kind::String | Kind::Strings, None) => {
                return Err(format!("missing a value on flag: --{name}"));
            }
            (Kind::Bool, v) => {
                let v = v.unwrap_or_default();
                if !matches!(go_lower(v.as_bytes()).as_str(), "true" | "false" | "") {
                    return Err(format!(
                        "expecting boolean value for flag --{name}, not: {v}"
                    ));
                }
                v
            }
            (_, Some(v)) => v,
        };
        used.push((name, value));
    }
    Ok(used)
}

/// `parseBuildStageName`: `FROM image` or `FROM image AS name` (`as` in any case, Go's folding:
/// `ſ` is an `s`), the name lower-cased matching `^[a-z][a-z0-9-_.]*$`.
fn stage_name(args: &[&[u8]]) -> Result<(), String> {
    let is_as = |w: &[u8]| {
        let w = String::from_utf8_lossy(w);
        let mut c = w.chars();
        matches!(
            (c.next(), c.next(), c.next()),
            (Some('a' | 'A'), Some('s' | 'S' | 'ſ'), None)
        )
    };
    if args.len() == 3 && is_as(args[1]) {
        let name: String = String::from_utf8_lossy(args[2])
            .chars()
            .map(go_lower_char)
            .collect();
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            });
        if !valid {
            return Err(format!(
                "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                String::from_utf8_lossy(args[2])
            ));
        }
        return Ok(());
    }
    if args.len() != 1 {
        return Err("FROM requires either one or three arguments".into());
    }
    Ok(())
}

fn healthcheck(args: &[&[u8]], flags: &[String]) -> Result<(), String> {
    let Some(first) = args.first() else {
        return Err("HEALTHCHECK requires at least one argument".into());
    };
    let typ = go_upper(first);
    if typ == "NONE" {
        if args.len() != 1 {
            return Err("HEALTHCHECK NONE takes no arguments".into());
        }
        return Ok(());
    }
    let used = parse_flags(
        flags,
        &[
            ("interval", Kind::String),
            ("timeout", Kind::String),
            ("start-period", Kind::String),
            ("start-interval", Kind::String),
            ("retries", Kind::String),
        ],
    )?;
    if typ != "CMD" {
        return Err(format!("Unknown type {typ:?} in HEALTHCHECK (try CMD)"));
    }
    if args.len() == 1 {
        return Err("Missing command after HEALTHCHECK CMD".into());
    }
    for (flag, value) in used {
        if flag == "retries" {
            if value.is_empty() {
                continue;
            }
            match value.parse::<i32>() {
                Ok(n) if n >= 0 => {}
                Ok(n) => return Err(format!("--retries cannot be negative ({n})")),
                Err(e) => return Err(format!("--retries {value:?}: {e}")),
            }
        } else if !value.is_empty() {
            let d = duration(value).ok_or_else(|| format!("time: invalid duration {value:?}"))?;
            if d != 0 && d < 1_000_000 {
                return Err(format!("Interval {flag:?} cannot be less than 1ms"));
            }
        }
    }
    Ok(())
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn duration(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let (neg, mut b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if b == b"0" {
        return Some(0);
    }
    if b.is_empty() {
        return None;
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !b.is_empty() {
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return None;
        }
        let mut v: u64 = 0;
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        for c in &b[..int_len] {
            if v > LIMIT / 10 {
                return None;
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return None;
            }
        }
        b = &b[int_len..];
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if b.first() == Some(&b'.') {
            b = &b[1..];
            let frac_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let mut overflow = false;
            for c in &b[..frac_len] {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = frac_len > 0;
            b = &b[frac_len..];
        }
        if int_len == 0 && !post {
            return None;
        }
        let unit_len = b
            .iter()
            .take_while(|c| !(**c == b'.' || c.is_ascii_digit()))
            .count();
        if unit_len == 0 {
            return None;
        }
        let unit: u64 = match &b[..unit_len] {
            b"ns" => 1,
            b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => return None,
        };
        b = &b[unit_len..];
        if v > LIMIT / unit {
            return None;
        }
        v *= unit;
        if f > 0 {
            #[expect(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "Go's own float arithmetic for fractions, reproduced"
            )]
            let frac = (f as f64 * (unit as f64 / scale)) as u64;
            v = v.checked_add(frac)?;
            if v > LIMIT {
                return None;
            }
        }
        d = d.checked_add(v)?;
        if d > LIMIT {
            return None;
        }
    }
    if neg {
        return Some(-i128::from(d));
    }
    if d > LIMIT - 1 {
        return None;
    }
    Some(i128::from(d))
}

/// tonistiigi/go-csvvalue's `Fields`: a `--mount`/`--device` value as CSV fields.
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line);
    if line.is_empty() {
        return Err("EOF".into());
    }
    let mut fields: Vec<String> = Vec::new();
    let mut rest = line;
    'field: loop {
        if !rest.starts_with('"') {
            let (field, next) = match rest.find(',') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            if field.contains('"') {
                return Err("bare \" in non-quoted-field".into());
            }
            fields.push(field.to_string());
            match next {
                Some(n) => {
                    rest = n;
                    continue;
                }
                None => break,
            }
        }
        rest = &rest[1..];
        let mut half_open = false;
        loop {
            let Some(i) = rest.find('"') else {
                return Err("extraneous or missing \" in quoted-field".into());
            };
            if half_open {
                if let Some(last) = fields.last_mut() {
                    last.push_str(&rest[..i]);
                }
            } else {
                fields.push(rest[..i].to_string());
            }
            rest = &rest[i + 1..];
            match rest.chars().next() {
                Some('"') => {
                    if let Some(last) = fields.last_mut() {
                        last.push('"');
                    }
                    rest = &rest[1..];
                    half_open = true;
                }
                Some(',') => {
                    rest = &rest[1..];
                    continue 'field;
                }
                None => break 'field,
                Some(_) => return Err("extraneous or missing \" in quoted-field".into()),
            }
        }
    }
    Ok(fields)
}

/// `--mount` as buildkit checks it before variables are expanded: valid CSV, and `from=` not
/// using a variable (all else waits for the expansion, which conftest never does).
fn mount(value: &str) -> Result<(), String> {
    for field in csv_fields(value).map_err(|e| format!("failed to parse csv mounts: {e}"))? {
        if let Some((key, value)) = field.split_once('=')
            && go_lower(key.as_bytes()) == "from"
            && value.find('$').is_some_and(|i| i != value.len() - 1)
        {
            return Err(
                "'from' doesn't support variable expansion, define alias stage instead".into(),
            );
        }
    }
    Ok(())
}

/// Go's `strconv.ParseBool`.
fn go_bool(s: &str) -> bool {
    matches!(
        s,
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False"
    )
}

/// `--device` as buildkit's `ParseDevice` checks it.
fn device(value: &str) -> Result<(), String> {
    let mut name = String::new();
    for field in csv_fields(value).map_err(|e| format!("failed to parse csv devices: {e}"))? {
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (go_lower(k.as_bytes()), Some(v)),
            None => (go_lower(field.as_bytes()), None),
        };
        match (key.as_str(), val) {
            ("required", None) => {}
            ("name", Some(v)) => {
                if !name.is_empty() {
                    return Err(format!("device name already set to {name}"));
                }
                name = v.to_string();
            }
            ("required", Some(v)) => {
                if !go_bool(v) {
                    return Err(format!("invalid value for {key}: {v}"));
                }
            }
            _ if name.is_empty() => name.clone_from(&field),
            (_, None) => return Err(format!("invalid field '{field}' must be a key=value pair")),
            (_, Some(_)) => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    Ok(())
}

/// conftest v0.71.1 crashes (a nil linter) when a comment before an instruction is a valid
/// `check=` directive: buildkit merges its options into the linter it was not given.
fn lint_crash(comments: &[Vec<u8>]) -> Result<(), String> {
    for comment in comments {
        let Some((name, value)) = directive(comment) else {
            continue;
        };
        if name != "check" {
            continue;
        }
        let value = value.split(|b| *b == b' ').next().unwrap_or_default();
        if lint_options_valid(&String::from_utf8_lossy(value)) {
            return Err(
                "a `check=` comment before an instruction: conftest v0.71.1 crashes on it (buildkit's linter is nil there)".into(),
            );
        }
        return Ok(());
    }
    Ok(())
}

/// buildkit's `ParseLintOptions` accepts `v`.
fn lint_options_valid(v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() {
        return true;
    }
    v.splitn(3, ';').all(|part| match part.split_once('=') {
        None => false,
        Some((k, v)) => match k.trim() {
            "skip" | "experimental" => true,
            "error" => go_bool(v.trim()),
            _ => false,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_reads_them() {
        assert_eq!(duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(duration("1.5s"), Some(1_500_000_000));
        assert_eq!(duration("-0"), Some(0));
        assert_eq!(duration(".5ms"), Some(500_000));
        assert_eq!(duration("5µs"), Some(5_000));
        assert_eq!(duration("1"), None);
        assert_eq!(duration("."), None);
        assert_eq!(duration("1x"), None);
        assert_eq!(duration("9999999999h"), None);
    }

    #[test]
    fn csv_as_csvvalue_reads_it() {
        assert_eq!(
            csv_fields("a,\"b,c\",\"d\"\"e\",").unwrap(),
            ["a", "b,c", "d\"e", ""]
        );
        assert!(csv_fields("").is_err());
        assert!(csv_fields("a\"b").is_err());
        assert!(csv_fields("\"a\"b").is_err());
        assert!(mount("type=cache,from=$x/y").is_err());
        assert!(mount("type=cache,from=x$").is_ok());
        assert!(device("a,b").is_err());
        assert!(device("a,required=maybe").is_err());
        assert!(device("name=a,required").is_ok());
    }
}
