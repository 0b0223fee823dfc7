//! OPA's `regex.globs_match`: whether two globs (in OPA's small regex-like syntax: characters,
//! `.`, `[...]` sets, `+` and `*` flags, `\` escapes) match a common non-empty string.
//!
//! A port of github.com/yashtewari/glob-intersection v0.2.0 (Apache-2.0), which OPA v1.22.3
//! calls: its tokenizer (and error texts), `Simplify`, the prefix/suffix trim and the recursive
//! intersection, step for step, so the answers are the library's, including where it is not the
//! true intersection. Two differences, both bounds (docs/robustness.md): a set keeps its
//! ranges, not every rune of them (`[\x00-\U0010FFFF]` is one range, not a million-entry map),
//! and the intersection gives up with an error past [`MAX_STEPS`] steps or [`MAX_DEPTH`]
//! nested flags, where the library would run on (its search is exponential in the stars).

use regorus::Value;

use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[("regex.globs_match", 2, globs_match)];

/// The most intersection steps one call may take.
const MAX_STEPS: usize = 1_000_000;
/// The deepest the intersection may recurse (each level is a flagged token of one glob).
const MAX_DEPTH: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Character(char),
    Dot,
    /// Inclusive rune ranges, sorted and merged, so equal sets compare equal.
    Set(Vec<(u32, u32)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    None,
    Plus,
    Star,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    flag: Flag,
}

impl Kind {
    /// The library's type order (character < dot < set), which `Match` swaps operands by.
    fn rank(&self) -> u8 {
        match self {
            Kind::Character(_) => 0,
            Kind::Dot => 1,
            Kind::Set(_) => 2,
        }
    }
}

fn set_of(mut ranges: Vec<(u32, u32)>) -> Kind {
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    Kind::Set(merged)
}

/// `Match`: whether two tokens, flags aside, have a rune in common.
fn matches(a: &Token, b: &Token) -> bool {
    let (a, b) = if a.kind.rank() > b.kind.rank() {
        (&b.kind, &a.kind)
    } else {
        (&a.kind, &b.kind)
    };
    match (a, b) {
        (Kind::Character(x), Kind::Character(y)) => x == y,
        (Kind::Character(c), Kind::Set(ranges)) => {
            let c = u32::from(*c);
            ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
        }
        (Kind::Set(x), Kind::Set(y)) => x
            .iter()
            .any(|&(lo, hi)| y.iter().any(|&(l, h)| lo <= h && l <= hi)),
        // a dot matches anything, even an empty set
        _ => true,
    }
}

/// The library's error text: `input:<glob>, pos:<n>, <why>: the input provided is invalid`.
fn invalid(input: &[char], pos: usize, why: &str) -> String {
    let input: String = input.iter().collect();
    format!("input:{input}, pos:{pos}, {why}: the input provided is invalid")
}

/// `nextRune`: the rune at `index` (after a `\`, escaped), and where the next one starts;
/// `Ok(None)` at the end.
fn next_rune(index: usize, input: &[char]) -> Result<Option<(usize, char, bool)>, String> {
    match input.get(index) {
        None => Ok(None),
        Some('\\') => match input.get(index + 1) {
            Some(&r) => Ok(Some((index + 2, r, true))),
            None => Err(invalid(
                input,
                index,
                "input ends with a \\ (escape) character",
            )),
        },
        Some(&r) => Ok(Some((index + 1, r, false))),
    }
}

fn flag_of(r: char) -> Option<Flag> {
    match r {
        '+' => Some(Flag::Plus),
        '*' => Some(Flag::Star),
        _ => None,
    }
}

/// `Tokenize`.
fn tokenize(input: &[char]) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut index = 0;
    while let Some((next, r, escaped)) = next_rune(index, input)? {
        index = next;
        let kind = if escaped {
            Kind::Character(r)
        } else {
            match r {
                '.' => Kind::Dot,
                ']' => {
                    return Err(invalid(input, index, "set-close ']' with no preceding '['"));
                }
                '[' => {
                    let (next, set) = set_token(index, input)?;
                    index = next;
                    set
                }
                '+' | '*' => {
                    return Err(invalid(
                        input,
                        index,
                        &format!("flag '{r}' must be preceded by a non-flag"),
                    ));
                }
                _ => Kind::Character(r),
            }
        };
        // `nextFlag`: a following unescaped `+` or `*`
        let mut flag = Flag::None;
        if let Some((next, r, false)) = next_rune(index, input)?
            && let Some(f) = flag_of(r)
        {
            flag = f;
            index = next;
        }
        tokens.push(Token { kind, flag });
    }
    Ok(tokens)
}

/// `nextTokenSet`: the set whose `[` ends before `index`, and where the next token starts.
fn set_token(index: usize, input: &[char]) -> Result<(usize, Kind), String> {
    let mut ranges = Vec::new();
    let mut prev: Option<char> = None;
    let mut index = index;
    while let Some((next, r, escaped)) = next_rune(index, input)? {
        index = next;
        if escaped {
            ranges.push((u32::from(r), u32::from(r)));
            prev = Some(r);
            continue;
        }
        match r {
            '-' => {
                let Some(low) = prev else {
                    return Err(invalid(
                        input,
                        index,
                        "range character '-' must be preceded by a Unicode character",
                    ));
                };
                if index + 1 >= input.len() {
                    return Err(invalid(
                        input,
                        index,
                        "range character '-' must be followed by a Unicode character",
                    ));
                }
                let Some((next, high, escaped)) = next_rune(index, input)? else {
                    return Err(invalid(input, index, "found [ without matching ]"));
                };
                index = next;
                if !escaped && (high == ']' || high == '-') {
                    return Err(invalid(
                        input,
                        index,
                        "range character '-' cannot be followed by a special symbol",
                    ));
                }
                if high < low {
                    return Err(invalid(
                        input,
                        index,
                        &format!("range is out of order: '{high}' comes before '{low}' in Unicode"),
                    ));
                }
                ranges.push((u32::from(low), u32::from(high)));
                prev = None;
            }
            ']' => return Ok((index, set_of(ranges))),
            _ => {
                ranges.push((u32::from(r), u32::from(r)));
                prev = Some(r);
            }
        }
    }
    Err(invalid(input, index, "found [ without matching ]"))
}

/// `Simplify`: neighbouring flagged tokens of the same content become one (`+` wins).
fn simplify(tokens: Vec<Token>) -> Vec<Token> {
    let mut simple: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if let Some(latest) = simple.last_mut()
            && token.flag != Flag::None
            && latest.flag != Flag::None
            && token.kind == latest.kind
        {
            if token.flag == Flag::Plus || latest.flag == Flag::Plus {
                latest.flag = Flag::Plus;
            } else {
                latest.flag = Flag::Star;
            }
            continue;
        }
        simple.push(token);
    }
    simple
}

fn new_glob(input: &str) -> Result<Vec<Token>, String> {
    let runes: Vec<char> = input.chars().collect();
    Ok(simplify(tokenize(&runes)?))
}

/// `trimGlobs`: the globs without their common unflagged prefix and suffix (one token of
/// each kept), or `None` when those do not match.
fn trim<'a>(g1: &'a [Token], g2: &'a [Token]) -> Option<(&'a [Token], &'a [Token])> {
    let mut l = 0;
    while l < g1.len() && l < g2.len() && g1[l].flag == Flag::None && g2[l].flag == Flag::None {
        if !matches(&g1[l], &g2[l]) {
            return None;
        }
        l += 1;
    }
    l = l.saturating_sub(1);
    // the library's signed indexes, one past (so that "-1" is 0)
    let (mut r1, mut r2) = (g1.len(), g2.len());
    while r1 >= 1
        && r1 > l
        && r2 >= 1
        && r2 > l
        && g1[r1 - 1].flag == Flag::None
        && g2[r2 - 1].flag == Flag::None
    {
        if !matches(&g1[r1 - 1], &g2[r2 - 1]) {
            return None;
        }
        r1 -= 1;
        r2 -= 1;
    }
    if r1 < g1.len() {
        r1 += 1;
        r2 += 1;
    }
    Some((
        g1.get(l..r1).unwrap_or_default(),
        g2.get(l..r2).unwrap_or_default(),
    ))
}

/// The recursive search, with its bounds.
struct Search {
    steps: usize,
    depth: usize,
}

const TOO_COMPLEX: &str =
    "the globs are too complex to intersect (over sealgate's bound, see docs/robustness.md)";

impl Search {
    fn enter(&mut self) -> Result<(), String> {
        self.steps += 1;
        self.depth += 1;
        if self.steps > MAX_STEPS || self.depth > MAX_DEPTH {
            return Err(TOO_COMPLEX.to_owned());
        }
        Ok(())
    }

    /// `intersectNormal`.
    fn normal(&mut self, g1: &[Token], g2: &[Token]) -> Result<bool, String> {
        self.enter()?;
        let result = self.normal_inner(g1, g2);
        self.depth -= 1;
        result
    }

    fn normal_inner(&mut self, g1: &[Token], g2: &[Token]) -> Result<bool, String> {
        let mut i = 0;
        while i < g1.len() && i < g2.len() {
            self.steps += 1;
            if g1[i].flag == Flag::None && g2[i].flag == Flag::None {
                if !matches(&g1[i], &g2[i]) {
                    return Ok(false);
                }
            } else {
                return self.special(&g1[i..], &g2[i..]);
            }
            i += 1;
        }
        Ok(i == g1.len() && i == g2.len())
    }

    /// `intersectSpecial`: one of the globs starts with a flagged token.
    fn special(&mut self, g1: &[Token], g2: &[Token]) -> Result<bool, String> {
        let (flagged, other) = if g1[0].flag == Flag::None {
            (g2, g1)
        } else {
            (g1, g2)
        };
        match flagged[0].flag {
            Flag::Plus => self.plus(flagged, other),
            Flag::Star => self.star(flagged, other),
            Flag::None => Ok(false),
        }
    }

    /// `intersectPlus`: at least one token of `other` is taken by `plussed[0]`.
    fn plus(&mut self, plussed: &[Token], other: &[Token]) -> Result<bool, String> {
        if !matches(&plussed[0], &other[0]) {
            return Ok(false);
        }
        if self.star(plussed, &other[1..])? {
            return Ok(true);
        }
        Ok(other[0].flag != Flag::None && self.normal(&plussed[1..], other)?)
    }

    /// `intersectStar`: `starred[0]` takes tokens of `other` until the rest intersects
    /// `starred[1..]`.
    fn star(&mut self, starred: &[Token], other: &[Token]) -> Result<bool, String> {
        self.enter()?;
        let result = self.star_inner(starred, other);
        self.depth -= 1;
        result
    }

    fn star_inner(&mut self, starred: &[Token], other: &[Token]) -> Result<bool, String> {
        let star = &starred[0];
        let next = starred.get(1);
        for (i, t) in other.iter().enumerate() {
            self.steps += 1;
            if let Some(next) = next
                && matches(t, next)
            {
                if self.normal(&starred[1..], &other[i..])? {
                    return Ok(true);
                }
                if !matches(t, star) {
                    return Ok(false);
                }
            } else if !matches(t, star) {
                return Ok(false);
            }
        }
        Ok(next.is_none())
    }
}

/// `NonEmpty`.
fn non_empty(lhs: &str, rhs: &str) -> Result<bool, String> {
    let g1 = new_glob(lhs)?;
    let g2 = new_glob(rhs)?;
    let Some((g1, g2)) = trim(&g1, &g2) else {
        return Ok(false);
    };
    Search { steps: 0, depth: 0 }.normal(g1, g2)
}

fn globs_match(args: &[Value]) -> Result<Value, String> {
    let (lhs, rhs) = (string_operand(args, 0)?, string_operand(args, 1)?);
    Ok(Value::from(non_empty(lhs, rhs)?))
}

#[cfg(test)]
mod tests {
    use super::non_empty;

    /// The library's own `non_empty_test.go` tables (v0.2.0), and OPA's compliance cases.
    #[test]
    fn intersections_are_the_librarys() {
        let yes: &[(&str, &[&str])] = &[
            ("abcd", &["abcd", "....", "[a-d]*"]),
            ("pqrs", &[".qrs", "p.rs", "pq.s", "pqr."]),
            (".*", &["asdklfj", "jasdfh", "asdhfajfh", "asdflkasdfjl"]),
            ("d*", &["[abcd][abcd]", "d[a-z]+", ".....", "[d]*"]),
            ("[a-p]+", &["[p-z]+", "apapapaapapapap", ".*", "abcdefgh*"]),
            (
                "abcd[a-c]z+",
                &["abcd[b-d][yz]*", "abcdazzzz", "abcdbzzz", "abcdcz"],
            ),
            (".*\\\\", &[".*", "asdfasdf\\\\"]),
            (".a.a", &["b.b.", "c.c.", "d.d.", "e.e."]),
            (
                ".*.*.*.*.*.*.*.*.*.*.*.*.*.*.*",
                &[".*.*.*.*.*.*.*.*.*.*.*"],
            ),
            ("foo.*bar", &["foobar", "fooalkdsjfbar"]),
            ("[ab]+c", &["[bc]+", "[bc]*"]),
            ("a.a.[0-9]+z", &[".b.b2359825792*594823z"]),
            (r"[a-z]+\[[0-9]+\]", &[r"foo\[1\]"]),
        ];
        for (lhs, rhss) in yes {
            for rhs in *rhss {
                assert_eq!(non_empty(lhs, rhs), Ok(true), "{lhs} ∩ {rhs}");
            }
        }
        let no: &[(&str, &[&str])] = &[
            ("abcd", &["lsdfhda", "abcdla", "asdlfk", "ksdfj"]),
            ("[a-d]+", &["xyz", "p+", "[e-f]+"]),
            ("[0-9]*", &["[a-z]", ".\\*"]),
            ("mamama.*", &["dadada.*", "nanana.*"]),
            (".*mamama", &[".*dadada", ".*nanana"]),
            (".xyz.", &["paaap", ".*pqr.*"]),
            ("ab+", &["a", "b", "abc"]),
            (".*.*.*.*f", &[".*.*.*.*g"]),
            (".*", &[""]),
            ("[a-z]+", &["[0-9]*"]),
            (r"[a-z]+\[[0-9]+\]", &[r#"foo["bar"]"#]),
        ];
        for (lhs, rhss) in no {
            for rhs in *rhss {
                assert_eq!(non_empty(lhs, rhs), Ok(false), "{lhs} ∩ {rhs}");
            }
        }
    }

    #[test]
    fn bad_globs_are_the_librarys_errors() {
        assert_eq!(
            non_empty("pqrs]", "[a-b]+").err().as_deref(),
            Some(
                "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid"
            )
        );
        for bad in ["*a", "[a", "[-a]", "[b-a]", "[a-]", "a\\", "a++"] {
            assert!(non_empty(bad, "a").is_err(), "{bad}");
        }
    }

    /// A set over all of Unicode is one range, and a pathological search is cut off.
    #[test]
    fn large_sets_and_searches_are_bounded() {
        assert_eq!(non_empty("[\u{0}-\u{10FFFF}]+", "x"), Ok(true));
        let stars = ".*a".repeat(2_000);
        let other = "a".repeat(3_000);
        assert!(non_empty(&stars, &other).is_err());
    }
}
