//! A number written from its decimal point (`.5`), rewritten at load time with its leading zero
//! (`0.5`).
//!
//! OPA (v1.22.3) reads `.5` as a number wherever a `.` is followed by a digit (its scanner and
//! `parseNumber`; compliance case `sprintf/float/zero_fraction`); regorus 0.14's lexer takes `.5`
//! for a number token too but then cannot read it ("invalid number"). Each such token gets its
//! `0` (after the sign of `-.5`).

/// The policy text with each `.5` written `0.5`, or `None` when there is none. regorus's lexer
/// stops at such a number, so the text is scanned here: outside strings and comments, a `.`
/// followed by a digit and not preceded by a digit, a name or a closing bracket.
pub(crate) fn rewrite(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut edits = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n)
            }
            b'`' => {
                i = bytes[i + 1..]
                    .iter()
                    .position(|&b| b == b'`')
                    .map_or(bytes.len(), |n| i + 1 + n)
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let before = i.checked_sub(1).map(|p| bytes[p]);
                let in_term = before.is_some_and(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b')' | b']' | b'}')
                });
                if !in_term {
                    edits.push((i, i, "0".to_owned()));
                }
            }
            _ => {}
        }
        i += 1;
    }
    super::undefined::edited(text, edits)
}

#[cfg(test)]
mod tests {
    use crate::gate::rego::engine::query_json;

    /// OPA's compliance case `sprintf/float/zero_fraction`, and a sum.
    #[test]
    fn a_number_from_its_point_is_read() {
        let text = "package t\n\np := sprintf(\"%f, %3.1f, %.3f\", [0.0, 100.0, .0])\n\nq := 1 + .25 # .5\n\nr := [-.5, \".5\", `.5`]\n";
        assert_eq!(
            query_json(&[text], false, "data.t"),
            r#"{"p":"0.000000, 100.0, 0.000","q":1.25,"r":[-0.5,".5",".5"]}"#
        );
    }

    #[test]
    fn references_are_untouched() {
        let text = "package t\n\na := input.x.y\n\nb := [1, 2][0]\n\nc := 1.5\n";
        assert_eq!(super::rewrite(text), None);
    }
}
