//! conftest's `jsonc` parser (the `.jsonc` extension, `--parser jsonc`): JSON with comments as
//! conftest v0.71.1 reads it, by its library muhammadmuzzammil1998/jsonc v1.0.0 (`translator.go`,
//! ported byte for byte) then Go's `json.Unmarshal` ([`super::go_json`]).
//!
//! The library is a small state machine, not a JSON parser, and its quirks decide what conftest
//! accepts, so they are kept: spaces, tabs and newlines outside strings are dropped, and newlines
//! inside strings too (so a string may span lines); `//`, `#` and `/* */` start comments; a `\`
//! anywhere (outside strings and inside comments too) takes the next byte as it is, so `\` then a
//! newline does not end a `//` comment; a `"` inside a comment still flips the in-string state;
//! a lone `/` is dropped and leaves the next `/` or `*` outside a string starting a comment; `*/`
//! seen once lets a later `/*/` close at once; an unterminated comment runs to the end. Trailing
//! commas stay (and Go refuses them). A refusal names the line and column in the file of the
//! character where the JSON left after the comments breaks.

use serde_json::Value;

use super::go_json;

/// The library's `commentData` with the string state beside it.
#[derive(Default)]
struct Translator {
    quote: bool,
    escaped: bool,
    can_start: bool,
    can_end: bool,
    started: bool,
    single_lined: bool,
}

impl Translator {
    /// The library's `translate` loop body for one byte: whether the byte is kept.
    fn keeps(&mut self, ch: u8) -> bool {
        if ch == b'\\' || self.escaped {
            self.escaped = !self.escaped;
            return !self.started;
        }
        if ch == b'"' {
            self.quote = !self.quote;
        }
        if (ch == b' ' || ch == b'\t') && !self.quote {
            return false;
        }
        if ch == b'\n' {
            if self.single_lined {
                self.stop();
            }
            return false;
        }
        if self.quote && !self.started {
            return true;
        }
        if self.started {
            if ch == b'*' && !self.single_lined {
                self.can_end = true;
                return false;
            }
            if self.can_end && ch == b'/' && !self.single_lined {
                self.stop();
                return false;
            }
            self.can_end = false;
            return false;
        }
        if self.can_start && (ch == b'*' || ch == b'/') {
            self.start(ch);
            return false;
        }
        if ch == b'/' {
            self.can_start = true;
            return false;
        }
        if ch == b'#' {
            self.start(ch);
            return false;
        }
        true
    }

    fn stop(&mut self) {
        self.started = false;
        self.can_start = false;
    }

    fn start(&mut self, ch: u8) {
        self.started = true;
        self.single_lined = ch == b'/' || ch == b'#';
    }
}

/// The library's `ToJSON`.
fn translate(text: &[u8]) -> Vec<u8> {
    let mut t = Translator::default();
    text.iter().copied().filter(|&ch| t.keeps(ch)).collect()
}

/// Where in `text` the translation's byte `n` came from (the end of `text` past the last one).
fn source_offset(text: &[u8], n: usize) -> usize {
    let mut t = Translator::default();
    let mut kept = 0;
    for (i, &ch) in text.iter().enumerate() {
        if t.keeps(ch) {
            if kept == n {
                return i;
            }
            kept += 1;
        }
    }
    text.len()
}

/// Parses `text` as conftest's jsonc parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let bytes = text.as_bytes();
    go_json::unmarshal(&translate(bytes)).map_err(|e| {
        let at = source_offset(bytes, e.offset);
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count()
            + 1;
        anyhow::anyhow!(
            "jsonc: line {line}, column {column}: {} (in the JSON left once comments are removed)",
            e.what
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn t(s: &str) -> String {
        String::from_utf8(translate(s.as_bytes())).unwrap()
    }

    /// The library's own `TestToJSON` cases.
    #[test]
    fn the_library_tests() {
        let json = r#"{"foo":"bar foo","true":false,"number":42,"object":{"test":"done"},"array":[1,2,3],"url":"https://github.com","escape":"\"wo//rking"}"#;
        let block = r#"{"foo": /** this is a bloc/k comm\"ent */ "bar foo", "true": /* true */ false, "number": 42, "object": { "test": "done" }, "array" : [1, 2, 3], "url" : "https://github.com", "escape":"\"wo//rking" }"#;
        let single = "{\"foo\": // this is a single line comm\\\"ent\n\"bar foo\", \"true\": false, \"number\": 42, \"object\": { \"test\": \"done\" }, \"array\" : [1, 2, 3], \"url\" : \"https://github.com\", \"escape\":\"\\\"wo//rking\" }";
        let hash = single.replacen("//", "#", 1);
        for case in [block, single, &hash] {
            assert_eq!(t(case), json);
        }
        let unterminated = r#"{"foo": /* this is a block comment "bar foo", "true": false }"#;
        assert_eq!(t(unterminated), r#"{"foo":"#);
        assert!(parse(unterminated).is_err());
        assert!(parse(r#"{"foo"://comment without ending"#).is_err());
        assert_eq!(
            parse(r#"{"foo":/*comment*/"bar"}"#).unwrap(),
            json!({"foo": "bar"})
        );
    }

    #[test]
    fn the_library_quirks_kept() {
        // Newlines inside strings are dropped; spaces there kept.
        assert_eq!(parse("[\"a b\nc\"]").unwrap(), json!(["a bc"]));
        // `\` then a newline does not end a line comment.
        assert_eq!(t("[1, // x \\\n 2]"), "[1,");
        // A quote in a comment flips the string state for what follows.
        assert_eq!(t("[1 /* \" */, 2 ]"), "[1, 2 ]");
        // A lone slash is dropped and arms the next one.
        assert_eq!(t("[1/2, \"/\"/3]"), "[12,\"/\"");
        // `*/` seen once: a later `/*/` closes at once.
        assert_eq!(t("[/* a */ 1, /*/ 2]"), "[1,2]");
        assert_eq!(t("# c\n[1]"), "[1]");
    }

    #[test]
    fn jsonc_as_conftest_reads_it() {
        let text = "// tsconfig\n{\n  \"compilerOptions\": {\n    /* strict */ \"strict\": true,\n    \"target\": \"es2020\" // here\n  },\n  \"n\": 1.5e3\n}\n";
        assert_eq!(
            parse(text).unwrap(),
            json!({"compilerOptions": {"strict": true, "target": "es2020"}, "n": 1500})
        );
    }

    #[test]
    fn refusals_name_the_place_in_the_file_not_a_value() {
        let e = parse("{\n  \"a\": 1,\n  // last\n}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4, column 1"), "{e}");
        let e = parse("{\"k\": PLANTED-7f3a}").unwrap_err().to_string();
        assert!(
            e.contains("line 1, column 7") && !e.contains("PLANTED"),
            "{e}"
        );
        let e = parse("/* only a comment */").unwrap_err().to_string();
        assert!(e.contains("unexpected end of JSON input"), "{e}");
    }
}
