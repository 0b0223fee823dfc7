//! How deeply brackets may nest in a policy, checked on the text before regorus parses it.
//!
//! regorus's parser takes time exponential in the nesting depth of some literals (18 levels of
//! `[[[…]]]` took 16 s), and the evaluation timeout does not run while parsing. Hand-written
//! policies nest a handful of levels; a deeper one is refused with its line.

use super::error::RegoError;
use super::load::PolicyMaterial;

/// Deepest nesting of `(`, `[` and `{` accepted in a Rego module.
pub const MAX_NESTING: usize = 16;

/// Refuses a module whose brackets nest deeper than [`MAX_NESTING`].
pub(crate) fn reject_deep_nesting(material: &PolicyMaterial) -> Result<(), RegoError> {
    for file in &material.rego {
        check(&file.path, &file.text)?;
    }
    Ok(())
}

/// Refuses one module (`path` names it in the error) whose brackets nest too deep. A
/// ConstraintTemplate's modules are checked when the template is compiled.
pub(crate) fn check(path: &str, text: &str) -> Result<(), RegoError> {
    match too_deep(text) {
        Some(line) => Err(RegoError::Compile {
            file: path.to_owned(),
            message: format!(
                "line {line}: brackets nest deeper than {MAX_NESTING} levels; flatten the expression (deep nesting makes parsing take exponential time)"
            ),
        }),
        None => Ok(()),
    }
}

/// The line where the nesting first goes over the limit; strings and comments are skipped.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '#' => {
                // a comment runs to the end of the line
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        '\n' => {
                            line += 1;
                            break;
                        }
                        _ => {}
                    }
                }
            }
            '`' => {
                for c in chars.by_ref() {
                    match c {
                        '`' => break,
                        '\n' => line += 1,
                        _ => {}
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(line);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_literals_are_refused_with_their_line() {
        let deep = format!("package p\n\nx := {}1{}\n", "[".repeat(18), "]".repeat(18));
        assert_eq!(too_deep(&deep), Some(3));
        let fine = "package p\n# [[[[[[[[[[[[[[[[[[[[\nx := \"[[[[[[[[[[[[[[[[[[[[\"\ny := [{\"a\": [1]}]\n";
        assert_eq!(too_deep(fine), None);
    }
}
