//! buildkit's shell-word lexer (`frontend/dockerfile/shell`, v0.33.1) as its Dockerfile parser
//! uses it: to find heredoc words (`<<EOF`, `<<-'EOT'`) in an `ADD`/`COPY`/`RUN` line, with no
//! environment and unset variables left as written.
//!
//! Only the word splitting matters here, with its quirks: quotes and escapes kept or dropped by
//! the caller's choice; a `${name:-word}`/`${name/pattern/replacement}` expansion re-lexes its
//! inner words with the lexer's shared word buffer, which drops the part of the current word
//! read before it (buildkit resets that buffer in every nested call). buildkit recurses once per
//! nested `${` or quote; this keeps its frames on an explicit stack, so a line cannot drive the
//! native stack deep, and every expansion appends to one output string (linear in the line).

use std::sync::LazyLock;

use regex::Regex;

/// Go's `unicode.IsLetter` (general category L) and `unicode.IsDigit` (Nd), for variable names.
static LETTER: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\p{L}$").ok());
static DIGIT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\p{Nd}$").ok());

fn in_class(class: &LazyLock<Option<Regex>>, c: char) -> bool {
    let mut buf = [0; 4];
    class
        .as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_class(&DIGIT, c))
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && in_class(&LETTER, c))
}

/// A heredoc word's terminator and whether its lines lose their leading tabs (`<<-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Heredoc {
    pub name: String,
    pub chomp: bool,
}

/// The lexer's refusal (an unterminated quote, a bad `${…}`); buildkit's message is not kept.
#[derive(Debug)]
pub(super) struct LexError;

enum Frame {
    /// `processStopOn`: the whole input (`stop` None) or up to `stop` inside `${…}`.
    Stop {
        stop: Option<char>,
        restore_raw: Option<bool>,
    },
    /// `processDoubleQuote`, its text starting at `start` in the output.
    Double { start: usize },
    /// `processDollar` for `${…}` waiting for its inner word(s), its text starting at `start`.
    Dollar { start: usize, stage: Stage },
}

#[derive(Clone, Copy)]
enum Stage {
    Word,
    Pattern,
    Replacement,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    /// Everything the frames produce, appended in order; a frame's text is a suffix of it.
    out: String,
    /// The top level's words, its shared word buffer and whether a word is open.
    words: Vec<String>,
    buf: String,
    in_word: bool,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn add_char(&mut self, c: char) {
        if c.is_whitespace() {
            if self.in_word && !self.buf.is_empty() {
                self.words.push(std::mem::take(&mut self.buf));
                self.in_word = false;
            }
        } else {
            self.buf.push(c);
            self.in_word = true;
        }
    }

    fn add_raw(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }

    /// `processName`: a variable name, or one digit run, or one special parameter.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && is_digit(c) {
                while let Some(d) = self.peek().filter(|d| is_digit(*d)) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                name.push(c);
                return name;
            }
            if !is_letter(c) && !is_digit(c) && c != '_' {
                break;
            }
            self.pos += 1;
            name.push(c);
        }
        name
    }

    fn single_quote(&mut self) -> Result<(), LexError> {
        self.next();
        if self.raw_quotes {
            self.out.push('\'');
        }
        loop {
            match self.next() {
                None => return Err(LexError),
                Some('\'') => {
                    if self.raw_quotes {
                        self.out.push('\'');
                    }
                    return Ok(());
                }
                Some(c) => self.out.push(c),
            }
        }
    }

    fn possible_heredoc(&mut self) {
        self.next();
        self.out.push('<');
        if self.peek() == Some('<') {
            self.next();
            self.out.push('<');
            while let Some(c) = self.peek().filter(|c| matches!(c, '\t' | '\r' | ' ')) {
                self.out.push(c);
                self.pos += 1;
            }
        }
    }

    /// A frame is done: its text goes to the top level's words if its caller is the top level.
    fn deliver(&mut self, stack: &[Frame], start: usize, split: bool) {
        if stack.len() == 1 {
            let text = self.out[start..].to_string();
            if split {
                text.chars().for_each(|c| self.add_char(c));
            } else {
                self.add_raw(&text);
            }
        }
    }

    /// Starts a nested `processStopOn`, which resets the shared word buffer.
    fn push_stop(&mut self, stack: &mut Vec<Frame>, stop: char, raw: bool) {
        self.buf.clear();
        let restore_raw = (raw != self.raw_escapes).then_some(self.raw_escapes);
        self.raw_escapes = raw;
        stack.push(Frame::Stop {
            stop: Some(stop),
            restore_raw,
        });
    }

    /// `processDollar` up to its first nested word, or whole when it has none.
    fn dollar(&mut self, stack: &mut Vec<Frame>) -> Result<(), LexError> {
        let start = self.out.len();
        self.next();
        if self.peek() != Some('{') {
            let name = self.name();
            self.out.push('$');
            self.out.push_str(&name);
            self.deliver(stack, start, true);
            return Ok(());
        }
        self.next();
        if matches!(self.peek(), None | Some('{' | '}' | ':')) {
            return Err(LexError);
        }
        let name = self.name();
        self.out.push_str("${");
        self.out.push_str(&name);
        match self.next() {
            Some('}') => {
                self.out.push('}');
                self.deliver(stack, start, true);
            }
            Some(':') => {
                let c = self.next().ok_or(LexError)?;
                if matches!(c, '#' | '%') {
                    return Err(LexError);
                }
                self.out.push(':');
                self.out.push(c);
                stack.push(Frame::Dollar {
                    start,
                    stage: Stage::Word,
                });
                self.push_stop(stack, '}', false);
            }
            Some(c @ ('+' | '-' | '?' | '#' | '%')) => {
                self.out.push(c);
                stack.push(Frame::Dollar {
                    start,
                    stage: Stage::Word,
                });
                self.push_stop(stack, '}', matches!(c, '#' | '%'));
            }
            Some('/') => {
                if self.peek() == Some('/') {
                    self.next();
                }
                self.out.push('/');
                stack.push(Frame::Dollar {
                    start,
                    stage: Stage::Pattern,
                });
                self.push_stop(stack, '/', true);
            }
            _ => return Err(LexError),
        }
        Ok(())
    }

    fn run(&mut self) -> Result<(), LexError> {
        let mut stack = vec![Frame::Stop {
            stop: None,
            restore_raw: None,
        }];
        while let Some(frame) = stack.last() {
            match *frame {
                Frame::Stop { stop, restore_raw } => {
                    let top = stack.len() == 1;
                    let Some(c) = self.peek() else {
                        return if stop.is_some() {
                            Err(LexError)
                        } else {
                            Ok(())
                        };
                    };
                    if Some(c) == stop {
                        self.next();
                        if let Some(raw) = restore_raw {
                            self.raw_escapes = raw;
                        }
                        self.buf.clear();
                        stack.pop();
                        self.resume_dollar(&mut stack)?;
                        continue;
                    }
                    let start = self.out.len();
                    match c {
                        '$' => self.dollar(&mut stack)?,
                        '<' => {
                            self.possible_heredoc();
                            self.deliver(&stack, start, false);
                        }
                        '\'' => {
                            self.single_quote()?;
                            self.deliver(&stack, start, false);
                        }
                        '"' => {
                            self.next();
                            if self.raw_quotes {
                                self.out.push('"');
                            }
                            stack.push(Frame::Double { start });
                        }
                        _ => {
                            self.next();
                            let mut c = c;
                            if c == '\\' {
                                if self.raw_escapes {
                                    self.out.push(c);
                                    if top {
                                        self.add_raw("\\");
                                    }
                                }
                                match self.next() {
                                    Some(escaped) => c = escaped,
                                    None if top => return Ok(()),
                                    None => return Err(LexError),
                                }
                                if top {
                                    self.add_raw(c.encode_utf8(&mut [0; 4]));
                                }
                            } else if top {
                                self.add_char(c);
                            }
                            self.out.push(c);
                        }
                    }
                }
                Frame::Double { start } => match self.peek() {
                    None => return Err(LexError),
                    Some('"') => {
                        self.next();
                        if self.raw_quotes {
                            self.out.push('"');
                        }
                        stack.pop();
                        self.deliver(&stack, start, false);
                    }
                    Some('$') => self.dollar(&mut stack)?,
                    Some(_) => {
                        let mut c = self.next().unwrap_or_default();
                        if c == '\\' {
                            if self.raw_escapes {
                                self.out.push(c);
                            }
                            match self.peek() {
                                None => continue,
                                Some(e @ ('"' | '$' | '\\')) => {
                                    self.next();
                                    c = e;
                                }
                                Some(_) => {}
                            }
                        }
                        self.out.push(c);
                    }
                },
                Frame::Dollar { .. } => return Err(LexError),
            }
        }
        Ok(())
    }

    /// A nested word ended: the `${…}` waiting for it goes on, or ends.
    fn resume_dollar(&mut self, stack: &mut Vec<Frame>) -> Result<(), LexError> {
        let Some(Frame::Dollar { start, stage }) = stack.last_mut() else {
            return Err(LexError);
        };
        let start = *start;
        match *stage {
            Stage::Pattern => {
                *stage = Stage::Replacement;
                self.out.push('/');
                self.push_stop(stack, '}', true);
            }
            Stage::Word | Stage::Replacement => {
                self.out.push('}');
                stack.pop();
                self.deliver(stack, start, true);
            }
        }
        Ok(())
    }
}

/// buildkit's `Lex.ProcessWords` with escape `\`, no environment and `SkipUnsetEnv`: the words
/// of `input`, quotes and escapes kept as written when asked (`RawQuotes`, `RawEscapes`).
pub(super) fn words(
    input: &str,
    raw_quotes: bool,
    raw_escapes: bool,
) -> Result<Vec<String>, LexError> {
    let mut chars: Vec<char> = input.chars().collect();
    // text/scanner drops a byte-order mark that starts its input.
    if chars.first() == Some(&'\u{feff}') {
        chars.remove(0);
    }
    let mut lexer = Lexer {
        chars,
        pos: 0,
        raw_quotes,
        raw_escapes,
        out: String::new(),
        words: Vec::new(),
        buf: String::new(),
        in_word: false,
    };
    lexer.run()?;
    if !lexer.buf.is_empty() {
        let last = std::mem::take(&mut lexer.buf);
        lexer.words.push(last);
    }
    Ok(lexer.words)
}

/// buildkit's `ParseHeredoc`: `word` as a heredoc (`[fd]<<[-]name`, the name unquoted), `None`
/// when it is not one; an error when its name does not lex (which fails the whole Dockerfile).
pub(super) fn heredoc(word: &str) -> Result<Option<Heredoc>, LexError> {
    // ^(\d*)<<(-?)\s*([^<]*)$
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let plain = words(rest, false, false)?;
    let [name] = plain.as_slice() else {
        return Ok(None);
    };
    if words(rest, true, false)?.len() != 1 {
        return Err(LexError);
    }
    Ok(Some(Heredoc {
        name: name.clone(),
        chomp,
    }))
}

/// buildkit's `heredocsFromLine`: the heredocs a line opens, in order. A line that does not lex
/// opens none.
pub(super) fn heredocs_in_line(line: &str) -> Result<Vec<Heredoc>, LexError> {
    let Ok(words) = words(line, true, true) else {
        return Ok(Vec::new());
    };
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = heredoc(&word)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str, rq: bool, re: bool) -> Vec<String> {
        words(s, rq, re).unwrap_or_else(|_| vec!["<error>".into()])
    }

    #[test]
    fn words_quotes_escapes_and_buildkits_buffer_reset() {
        assert_eq!(w("a 'b c' \"d\\\"e\"", false, false), ["a", "b c", "d\"e"]);
        assert_eq!(
            w("a 'b c' \"d\\\"e\"", true, true),
            ["a", "'b c'", "\"d\\\"e\""]
        );
        assert_eq!(w("x\\ y", false, false), ["x y"]);
        assert_eq!(
            w("$a ${b} ${c:-d e}", false, false),
            ["$a", "${b}", "${c:-d", "e}"]
        );
        // The nested word resets the shared buffer: `abc` is lost.
        assert_eq!(w("abc${x:-y}", false, false), ["${x:-y}"]);
        assert_eq!(w("${a//b/c}", false, false), ["${a/b/c}"]);
        assert_eq!(w("<< EOF", true, true), ["<< EOF"]);
        assert!(words("'open", false, false).is_err());
        assert!(words("${", false, false).is_err());
        assert!(words("${a:#x}", false, false).is_err());
        assert!(words("${a!}", false, false).is_err());
    }

    #[test]
    fn heredoc_words() {
        let h = |s: &str| heredoc(s).ok().flatten().map(|h| (h.name, h.chomp));
        assert_eq!(h("<<EOF"), Some(("EOF".into(), false)));
        assert_eq!(h("<<-'EOT'"), Some(("EOT".into(), true)));
        assert_eq!(h("2<<\"x\""), Some(("x".into(), false)));
        assert_eq!(h("<<"), None);
        assert_eq!(h("a<<b"), None);
        assert_eq!(h("<<<x"), None);
    }

    #[test]
    fn deep_nesting_is_not_recursion() {
        let deep = "${a-".repeat(50_000) + &"}".repeat(50_000);
        assert_eq!(words(&deep, true, true).map(|w| w.len()).ok(), Some(1));
    }
}
