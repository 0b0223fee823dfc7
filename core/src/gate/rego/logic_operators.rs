//! OPA's logic operators (`a and b`, `a or b`, `( … )` groups and `{ … }` operand bodies) and
//! `not { … }` bodies, rewritten at load time into generated functions regorus evaluates alike.
//!
//! OPA (v1.22.3) enables them per module with `import future.keywords.and` / `.or` / `.not`,
//! `import future.keywords` or `import rego.v2`; elsewhere `and` and `or` stay identifiers. Its
//! parser folds `or`-chains of `and`-chains (`and` binds tighter), a trailing `with` belongs to the
//! whole expression, and its evaluator (`evalLogicalOperand`) runs every operand as a closed
//! scope: it sees the bindings made before it, its own bindings do not leave it, and it
//! contributes at most one success; `and` stops at the first undefined operand, `or` at the
//! first defined one. regorus 0.14 parses none of it. So this module writes each such
//! expression as a call of a generated function `__sealgate_logic_<module>_<n>(0, v…)`, with the
//! variables of the enclosing scope an operand uses passed in (the leading `0` gives every
//! function an argument), and defines one function per operand
//! (`f(_, v…) := true if { operand }`), per `and` (`… if { f1(…); f2(…) }`) and per `or`
//! (`… if { f1(…) } else := true if { f2(…) }`). A function call has one value, which is the
//! "at most one success"; `else` is the short circuit; a `not { … }` body is `not` of its
//! function. A variable the operand declares itself (`:=`, `some`, `every`) stays its own.
//!
//! The call stays where the expression was and keeps its line breaks (inside its parentheses),
//! the functions are written after the end of the enclosing rule on its last line (past
//! [`MAX_COLUMN`], after the module's last line), so every line keeps its number; the `future.keywords.and` / `.or` imports are blanked. A module without
//! these keywords reaches regorus byte for byte.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use regorus::unstable::TokenKind;

/// Prefix of every generated function (reserved like `__sealgate_template_value`: no user name
/// starts with it).
const PREFIX: &str = "__sealgate_logic_";

/// Words that never end an operand (so an `and`/`or` after them is not an operator).
const NOT_OPERANDS: [&str; 12] = [
    "not", "some", "if", "else", "with", "as", "in", "every", "contains", "default", "import",
    "package",
];

/// Words that are never variables.
const KEYWORDS: [&str; 17] = [
    "not", "some", "if", "else", "with", "as", "in", "every", "contains", "default", "import",
    "package", "true", "false", "null", "input", "data",
];

/// The longest line the functions are written on after their rule: regorus 0.14 refuses a rule
/// that starts past column 65,535 (and then panics formatting the error), so functions that
/// would go further are written on lines of their own after the module's last line instead.
const MAX_COLUMN: usize = 60_000;

/// Tokens after which a line break does not end a statement.
const CONTINUES_AFTER: [&str; 30] = [
    ":=", "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&", "|", ",", ".", ":",
    "in", "with", "as", "if", "else", "some", "every", "contains", "default", "not", "(", "[",
];

/// Which of the keywords a module enables.
#[derive(Debug, Default)]
struct Keywords {
    and: bool,
    or: bool,
    not: bool,
    /// `import rego.v1` or `import rego.v2`: rules are written with `if` even in a v0 module.
    v1: bool,
    /// The byte ranges of `import future.keywords.and` / `.or`: regorus would then refuse
    /// `and`/`or` as names (`or(a, b)`, the set union OPA still calls so), and its own parser
    /// needs neither once the operators are rewritten.
    imports: Vec<(usize, usize)>,
}

/// One token: its text (strings with their quotes) and where it is in the text.
struct Tok {
    kind: TokenKind,
    text: String,
    start: usize,
    end: usize,
}

/// An `and`/`or` expression or a `not { … }` body, as OPA parses it.
enum Node {
    /// A plain expression operand (may start with `not`): tokens `a..=b`.
    Expr(usize, usize),
    /// A `{ … }` body or a `( … )` group: the tokens inside, `a..=b`.
    Body(usize, usize),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// The policy text with every logic expression rewritten, or `None` when the module enables no
/// logic keyword or has none of these expressions (or one is not understood: then regorus
/// reports the text as written). The result is not checked to parse: regorus parses none of
/// these expressions, so a syntax error elsewhere in the module is better reported by the
/// rewritten text, at its own line.
pub(crate) fn rewrite(path: &str, text: &str, v0: bool) -> Option<String> {
    if !text.contains("future.keywords") && !text.contains("rego.v2") {
        return None;
    }
    let toks = lex(path, text)?;
    Rewriter::new(path, text, toks, v0)?.module()
}

/// Whether a (possibly qualified) rule name is one of the functions generated here.
pub(crate) fn generated(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|last| last.starts_with(PREFIX))
}

/// The tokens of `text` with the byte ranges strings take with their quotes.
fn lex(path: &str, text: &str) -> Option<Vec<Tok>> {
    let tokens = super::source_edits::tokens(path, text)?;
    let bytes = text.as_bytes();
    tokens
        .into_iter()
        .map(|(kind, t, span)| {
            let start = usize::try_from(span.start).ok()?;
            let end = usize::try_from(span.end).ok()?;
            let (start, end) = match kind {
                TokenKind::String => {
                    let open = start.checked_sub(1)?;
                    let mut j = open + 1;
                    while *bytes.get(j)? != b'"' {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    (open, j + 1)
                }
                TokenKind::RawString => {
                    let open = start.checked_sub(1)?;
                    let close = open + 1 + text.get(open + 1..)?.find('`')?;
                    (open, close + 1)
                }
                _ => (start, end),
            };
            let text = match kind {
                TokenKind::String | TokenKind::RawString => text.get(start..end)?.to_string(),
                _ => t,
            };
            Some(Tok {
                kind,
                text,
                start,
                end,
            })
        })
        .collect()
}

struct Rewriter<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    /// Open brackets before each token (an opening bracket's own depth is outside it).
    depth: Vec<usize>,
    /// The matching bracket of each bracket token.
    matching: Vec<Option<usize>>,
    /// Whether each token is an `and`/`or` operator.
    op: Vec<bool>,
    /// The brackets of comprehensions and `every` bodies: scopes of their own.
    scopes: Vec<(usize, usize)>,
    kw: Keywords,
    /// Rule names, function names and import aliases: never variables to pass.
    globals: BTreeSet<String>,
    /// Generated function names: `PREFIX` + a tag of the module path + a counter.
    tag: String,
    count: usize,
    v1_syntax: bool,
}

impl<'a> Rewriter<'a> {
    fn new(path: &str, text: &'a str, toks: Vec<Tok>, v0: bool) -> Option<Self> {
        let n = toks.len();
        let mut depth = vec![0; n];
        let mut matching = vec![None; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut comprehensions: Vec<usize> = Vec::new();
        for (k, t) in toks.iter().enumerate() {
            depth[k] = stack.len();
            if t.text == "|" && t.kind == TokenKind::Symbol {
                comprehensions.extend(stack.last().filter(|&&o| toks[o].text != "("));
            }
            match t.text.as_str() {
                "(" | "[" | "{" | "set(" if t.kind == TokenKind::Symbol || t.text == "set(" => {
                    stack.push(k)
                }
                ")" | "]" | "}" if t.kind == TokenKind::Symbol => {
                    // an unmatched bracket is the user's syntax error, which regorus reports
                    if let Some(open) = stack.pop() {
                        matching[open] = Some(k);
                        matching[k] = Some(open);
                        depth[k] = stack.len();
                    }
                }
                _ => {}
            }
        }
        let mut r = Rewriter {
            text,
            toks,
            depth,
            matching,
            op: vec![false; n],
            scopes: Vec::new(),
            kw: Keywords::default(),
            globals: BTreeSet::new(),
            tag: format!("{:08x}", fnv(path)),
            count: 0,
            v1_syntax: !v0,
        };
        r.imports();
        if !(r.kw.and || r.kw.or || r.kw.not) {
            return None;
        }
        r.v1_syntax |= r.kw.v1;
        for k in 0..n {
            let word = r.toks[k].text.as_str();
            let enabled = (word == "and" && r.kw.and) || (word == "or" && r.kw.or);
            r.op[k] = enabled
                && r.toks[k].kind == TokenKind::Ident
                && k > 0
                && r.ends_operand(k - 1)
                && r.toks[k - 1].text != ".";
        }
        r.collect_globals();
        for o in comprehensions {
            r.scopes.extend(r.matching[o].map(|c| (o, c)));
        }
        for v in 0..n {
            if r.toks[v].text != "every" || r.toks[v].kind != TokenKind::Ident {
                continue;
            }
            // the body is the first `{` after the domain (a `{` right after `in` is the domain)
            let body = (v + 2..n)
                .take_while(|&j| r.depth[j] >= r.depth[v])
                .find(|&j| {
                    r.toks[j].text == "{" && r.depth[j] == r.depth[v] && r.ends_operand(j - 1)
                });
            r.scopes
                .extend(body.and_then(|o| r.matching[o].map(|c| (o, c))));
        }
        Some(r)
    }

    /// Reads the imports: which keywords the module enables.
    fn imports(&mut self) {
        let mut k = 0;
        while k < self.toks.len() {
            if self.toks[k].text == "import" && self.depth[k] == 0 {
                let mut path = String::new();
                let mut j = k + 1;
                while let Some(t) = self.toks.get(j) {
                    if t.kind == TokenKind::Ident || t.text == "." {
                        path.push_str(&t.text);
                        j += 1;
                        if t.kind == TokenKind::Ident
                            && self.toks.get(j).is_none_or(|n| n.text != ".")
                        {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                match path.as_str() {
                    "future.keywords" | "rego.v2" => {
                        self.kw.and = true;
                        self.kw.or = true;
                        self.kw.not = true;
                        self.kw.v1 |= path == "rego.v2";
                    }
                    "future.keywords.and" | "future.keywords.or" => {
                        self.kw.and |= path.ends_with("and");
                        self.kw.or |= path.ends_with("or");
                        let last = j.saturating_sub(1);
                        self.kw
                            .imports
                            .push((self.toks[k].start, self.toks[last].end));
                    }
                    "future.keywords.not" => self.kw.not = true,
                    "rego.v1" => self.kw.v1 = true,
                    _ => {}
                }
                k = j;
            } else {
                k += 1;
            }
        }
    }

    /// Rule and function names (the first word of each top-level item) and import aliases.
    fn collect_globals(&mut self) {
        let items = self.items();
        for (a, b) in items {
            match self.toks[a].text.as_str() {
                "package" => {}
                // `import data.a.b` is `b`, `import data.a.b as c` is `c`: the last word
                "import" => {
                    self.globals.insert(self.toks[b].text.clone());
                }
                "default" => {
                    if let Some(t) = self.toks.get(a + 1) {
                        self.globals.insert(t.text.clone());
                    }
                }
                _ => {
                    self.globals.insert(self.toks[a].text.clone());
                }
            }
        }
    }

    /// The top-level items (package, imports, rules with their `else` branches) as token ranges.
    fn items(&self) -> Vec<(usize, usize)> {
        let mut items = Vec::new();
        let mut start = 0;
        for k in 1..self.toks.len() {
            let t = self.toks[k].text.as_str();
            if self.depth[k] == 0
                && self.line_break(k - 1, k)
                && !self.continues(k - 1, k)
                && !matches!(t, "else" | "{" | "if")
                && !self.is_close(k)
            {
                items.push((start, k - 1));
                start = k;
            }
        }
        if !self.toks.is_empty() {
            items.push((start, self.toks.len() - 1));
        }
        items
    }

    fn ends_operand(&self, k: usize) -> bool {
        let t = &self.toks[k];
        match t.kind {
            TokenKind::Ident => !NOT_OPERANDS.contains(&t.text.as_str()) && !self.op[k],
            TokenKind::Number | TokenKind::String | TokenKind::RawString => true,
            TokenKind::Symbol => matches!(t.text.as_str(), ")" | "]" | "}"),
            _ => false,
        }
    }

    fn is_open(&self, k: usize) -> bool {
        self.matching[k].is_some_and(|m| m > k)
    }

    fn is_close(&self, k: usize) -> bool {
        self.matching[k].is_some_and(|m| m < k)
    }

    /// A line break between tokens `a` and `b` (in a comment or between them).
    fn line_break(&self, a: usize, b: usize) -> bool {
        self.text
            .get(self.toks[a].end..self.toks[b].start)
            .is_some_and(|gap| gap.contains('\n'))
    }

    /// Whether a statement goes on from token `a` to token `b` over a line break.
    fn continues(&self, a: usize, b: usize) -> bool {
        CONTINUES_AFTER.contains(&self.toks[a].text.as_str())
            || self.toks[a].text == "set("
            || self.op[a]
            || self.op[b]
            || self.toks[b].text == "with"
    }

    /// Whether the `(` at `k` groups (`(a or b)`, `not (…)`) rather than opens call arguments.
    fn groups(&self, k: usize, lo: usize) -> bool {
        k == lo
            || !self.ends_operand(k - 1)
            || (self.line_break(k - 1, k) && !self.continues(k - 1, k))
    }

    /// The statement around the logic token `t`, within the tokens `lo..=hi`: its first and last
    /// token (without its `with` modifiers).
    fn statement(&self, t: usize, lo: usize, hi: usize) -> Option<(usize, usize)> {
        let mut k = t;
        let mut nested = 0usize;
        while k > lo {
            let p = k - 1;
            if nested == 0 && self.line_break(p, k) && !self.continues(p, k) {
                break;
            }
            if self.is_close(p) {
                nested += 1;
            } else if self.is_open(p) {
                if nested > 0 {
                    nested -= 1;
                } else if self.toks[p].text == "(" && self.groups(p, lo) {
                    // a group: the statement goes on outside it
                } else {
                    break;
                }
            } else if nested == 0 {
                let word = self.toks[p].text.as_str();
                if matches!(word, ";" | "|" | "if" | "else") {
                    break;
                }
            }
            k = p;
        }
        let start = k;
        let mut end = start;
        let mut nested = 0usize;
        let mut j = start;
        while j <= hi {
            if nested == 0 && j > start && self.line_break(j - 1, j) && !self.continues(j - 1, j) {
                break;
            }
            if self.is_open(j) {
                nested += 1;
            } else if self.is_close(j) {
                if nested == 0 {
                    break;
                }
                nested -= 1;
            } else if nested == 0 {
                let word = self.toks[j].text.as_str();
                if matches!(word, ";" | "|" | "else" | "with") && j > start {
                    break;
                }
            }
            end = j;
            j += 1;
        }
        (end >= t && nested == 0).then_some((start, end))
    }

    /// The outermost logic statements within `lo..=hi`, in order.
    fn statements(&self, lo: usize, hi: usize) -> Option<Vec<(usize, usize)>> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for t in lo..=hi {
            // a token inside the statement just found is its own (a long chain is scanned once)
            if found.last().is_some_and(|&(_, e)| t <= e) {
                continue;
            }
            let not_body = self.kw.not
                && self.toks[t].text == "not"
                && self.toks[t].kind == TokenKind::Ident
                && (t == 0 || self.toks[t - 1].text != ".")
                && self.toks.get(t + 1).is_some_and(|n| n.text == "{");
            if self.op[t] || not_body {
                found.push(self.statement(t, lo, hi)?);
            }
        }
        found.sort_unstable();
        found.dedup();
        let mut outer: Vec<(usize, usize)> = Vec::new();
        for (s, e) in found {
            match outer.last() {
                Some(&(_, pe)) if s <= pe => {
                    // nested in the previous one, or overlapping it (then it is not understood)
                    if e > pe {
                        return None;
                    }
                }
                _ => outer.push((s, e)),
            }
        }
        Some(outer)
    }

    /// The rewritten module: each logic statement replaced by its call (its line breaks kept
    /// inside the call's parentheses) and the functions after its rule.
    fn module(&mut self) -> Option<String> {
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        for &(from, to) in &self.kw.imports {
            edits.push((from, to, " ".repeat(to - from)));
        }
        // functions that would not fit after their rule (see `MAX_COLUMN`)
        let mut tail: Vec<String> = Vec::new();
        for (lo, hi) in self.items() {
            let statements = self.statements(lo, hi)?;
            if statements.is_empty() {
                continue;
            }
            let mut helpers = Vec::new();
            for &(s, e) in &statements {
                let names = self.names_outside(lo, hi, s, e, &statements, &BTreeSet::new());
                let call = self.call(s, e, &names, &mut helpers)?;
                let (from, to) = (self.toks[s].start, self.toks[e].end);
                let breaks = self.text.get(from..to)?.matches('\n').count();
                // the call always ends in `)`: its line breaks go before it
                let call = format!("{}{})", call.strip_suffix(')')?, "\n".repeat(breaks));
                edits.push((from, to, call));
            }
            let after = self.toks[hi].end;
            let column = after - self.text.get(..after)?.rfind('\n').map_or(0, |n| n + 1);
            let line = format!(" {}", helpers.join(" "));
            if column + line.len() <= MAX_COLUMN {
                edits.push((after, after, line));
            } else {
                // an `or` function has one `else` per operand: one line each, since regorus
                // cannot report on a line past 65,535 columns (`parse::overlong_line`)
                tail.extend(helpers.iter().map(|h| h.replace("} else ", "}\nelse ")));
            }
        }
        if !tail.is_empty() {
            let end = self.text.len();
            let newline = if self.text.ends_with('\n') { "" } else { "\n" };
            edits.push((end, end, format!("{newline}{}\n", tail.join("\n"))));
        }
        if edits.is_empty() {
            return None;
        }
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(self.text.len() * 2);
        let mut at = 0;
        for (from, to, with) in edits {
            out.push_str(self.text.get(at..from)?);
            out.push_str(&with);
            at = to;
        }
        out.push_str(self.text.get(at..)?);
        Some(out)
    }

    /// The statement `s..=e` as a condition (a call of its function, or `not` of one), its
    /// functions added to `helpers`; `names` are the variables the enclosing scope has.
    fn call(
        &mut self,
        s: usize,
        e: usize,
        names: &BTreeSet<String>,
        helpers: &mut Vec<String>,
    ) -> Option<String> {
        let node = self.tree(s, e, &["or", "and"])?;
        Some(self.condition(&node, names, helpers)?.0)
    }

    /// Splits `a..=b` at the operators `words` of its own level, the first binding loosest
    /// (`["or", "and"]`: an `or`-chain of `and`-chains).
    fn tree(&self, a: usize, b: usize, words: &[&str]) -> Option<Node> {
        let Some((word, tighter)) = words.split_first() else {
            return self.operand(a, b);
        };
        let parts = self.split(a, b, word);
        if parts.len() == 1 {
            return self.tree(a, b, tighter);
        }
        let nodes = parts
            .into_iter()
            .map(|(x, y)| self.tree(x, y, tighter))
            .collect::<Option<Vec<_>>>()?;
        Some(if *word == "or" {
            Node::Or(nodes)
        } else {
            Node::And(nodes)
        })
    }

    /// The parts of `a..=b` between the operators `word` at its own level.
    fn split(&self, a: usize, b: usize, word: &str) -> Vec<(usize, usize)> {
        let mut parts = Vec::new();
        let mut from = a;
        for k in a..=b {
            if self.op[k] && self.toks[k].text == word && self.depth[k] == self.depth[a] {
                parts.push((from, k.saturating_sub(1)));
                from = k + 1;
            }
        }
        parts.push((from, b));
        parts
    }

    fn operand(&self, a: usize, b: usize) -> Option<Node> {
        if a > b {
            return None;
        }
        let whole = |o: usize| {
            matches!(self.toks[o].text.as_str(), "{" | "(")
                && self.toks[o].kind == TokenKind::Symbol
                && self.matching[o] == Some(b)
        };
        if whole(a) {
            return (a + 1 < b).then_some(Node::Body(a + 1, b - 1));
        }
        if self.toks[a].text == "not" && a < b && whole(a + 1) {
            return (a + 2 < b).then(|| Node::Not(Box::new(Node::Body(a + 2, b - 1))));
        }
        Some(Node::Expr(a, b))
    }

    /// A node as a condition and the variables it takes, its functions added to `helpers`.
    fn condition(
        &mut self,
        node: &Node,
        names: &BTreeSet<String>,
        helpers: &mut Vec<String>,
    ) -> Option<(String, BTreeSet<String>)> {
        let (body, params) = match node {
            Node::Not(inner) => {
                let (c, params) = self.condition(inner, names, helpers)?;
                return Some((format!("not {c}"), params));
            }
            Node::Expr(a, b) | Node::Body(a, b) => {
                let (a, b) = (*a, *b);
                let declared = self.declared(a, b);
                let params: BTreeSet<String> = self
                    .variables(a, b)
                    .into_iter()
                    .filter(|v| names.contains(v) && !declared.contains(v))
                    .collect();
                (vec![self.body(a, b, &params, helpers)?], params)
            }
            Node::And(parts) | Node::Or(parts) => {
                let mut conditions = Vec::new();
                let mut params = BTreeSet::new();
                for p in parts {
                    let (c, ps) = self.condition(p, names, helpers)?;
                    conditions.push(c);
                    params.extend(ps);
                }
                match node {
                    Node::And(_) => (vec![conditions.join("; ")], params),
                    _ => (conditions, params),
                }
            }
        };
        self.count += 1;
        let name = format!("{PREFIX}{}_{}", self.tag, self.count);
        let args = params.iter().fold(String::new(), |mut s, p| {
            let _ = write!(s, ", {p}");
            s
        });
        let (assign, cond) = if self.v1_syntax {
            (":=", " if")
        } else {
            ("=", "")
        };
        let branches: Vec<String> = body
            .iter()
            .map(|b| format!("true{cond} {{ {b} }}"))
            .collect();
        let definition = format!(
            "{name}(_{args}) {assign} {}",
            branches.join(&format!(" else {assign} "))
        );
        if definition.contains('\n') {
            return None;
        }
        helpers.push(definition);
        Some((format!("{name}(0{args})"), params))
    }

    /// The tokens `a..=b` as the text of one body on one line: statements split by line breaks
    /// joined with `;`, comments left out, logic statements inside replaced by their calls.
    fn body(
        &mut self,
        a: usize,
        b: usize,
        params: &BTreeSet<String>,
        helpers: &mut Vec<String>,
    ) -> Option<String> {
        let statements = self.statements(a, b)?;
        let level = self.depth[a];
        let mut out = String::new();
        let mut k = a;
        while k <= b {
            if k > a {
                let gap = self.text.get(self.toks[k - 1].end..self.toks[k].start)?;
                if !gap.contains('\n') {
                    out.push_str(gap);
                } else if self.depth[k] == level
                    && !self.continues(k - 1, k)
                    && self.toks[k - 1].text != ";"
                    && self.toks[k].text != ";"
                {
                    out.push_str("; ");
                } else {
                    out.push(' ');
                }
            }
            if let Some(&(s, e)) = statements.iter().find(|(s, _)| *s == k) {
                let names = self.names_outside(a, b, s, e, &statements, params);
                out.push_str(&self.call(s, e, &names, helpers)?);
                k = e + 1;
            } else {
                out.push_str(&self.toks[k].text);
                k += 1;
            }
        }
        Some(out)
    }

    /// The variables the scope `lo..=hi` has outside the statement `s..=e`: `base` and those
    /// written in it, but not inside the other logic statements or comprehensions (closed scopes)
    /// that do not hold the statement.
    fn names_outside(
        &self,
        lo: usize,
        hi: usize,
        s: usize,
        e: usize,
        statements: &[(usize, usize)],
        base: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        let mut closed: Vec<(usize, usize)> = statements.to_vec();
        closed.extend(
            self.scopes
                .iter()
                .filter(|&&(o, c)| o >= lo && c <= hi && !(o < s && c > e)),
        );
        let mut names = base.clone();
        names.extend(
            self.variable_tokens(lo, hi)
                .into_iter()
                .filter(|&k| !closed.iter().any(|&(x, y)| (x..=y).contains(&k)))
                .map(|k| self.toks[k].text.clone()),
        );
        names
    }

    fn variables(&self, a: usize, b: usize) -> BTreeSet<String> {
        self.variable_tokens(a, b)
            .into_iter()
            .map(|k| self.toks[k].text.clone())
            .collect()
    }

    /// The tokens in `a..=b` that name variables: not keywords, fields (`x.f`), called names
    /// (`f(…)`, `io.jwt.decode(…)`), `with` targets, rules, imports or `_`.
    fn variable_tokens(&self, a: usize, b: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut k = a;
        while k <= b {
            let t = &self.toks[k];
            if t.kind != TokenKind::Ident
                || self.op[k]
                || KEYWORDS.contains(&t.text.as_str())
                || t.text == "_"
                || t.text.starts_with(PREFIX)
                || self.globals.contains(&t.text)
                || (k > 0 && self.toks[k - 1].text == ".")
            {
                k += 1;
                continue;
            }
            // a dotted name: called (`f(`, `a.b(`) or the target of `with`
            let mut j = k;
            while self.toks.get(j + 1).is_some_and(|n| n.text == ".")
                && self
                    .toks
                    .get(j + 2)
                    .is_some_and(|n| n.kind == TokenKind::Ident)
            {
                j += 2;
            }
            let called = self.toks.get(j + 1).is_some_and(|n| n.text == "(")
                && self.toks[j + 1].start == self.toks[j].end;
            let target = k > 0 && self.toks[k - 1].text == "with";
            if !called && !target {
                out.push(k);
            }
            k = j + 1;
        }
        out
    }

    /// The variables `a..=b` declares: `x := …`, `[x, y] := …`, `some x, y (in …)`, `every k, v in`.
    fn declared(&self, a: usize, b: usize) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for k in a..=b {
            match self.toks[k].text.as_str() {
                ":=" if k > a => {
                    let p = k - 1;
                    let from = match self.matching[p] {
                        Some(o) if o < p => o,
                        _ => p,
                    };
                    out.extend(self.variables(from.max(a), p));
                }
                "some" | "every" => {
                    let mut j = k + 1;
                    while j <= b
                        && (self.toks[j].kind == TokenKind::Ident || self.toks[j].text == ",")
                        && self.toks[j].text != "in"
                    {
                        if self.toks[j].kind == TokenKind::Ident {
                            out.insert(self.toks[j].text.clone());
                        }
                        j += 1;
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// FNV-1a of the module path: generated names differ between modules of one package.
fn fnv(path: &str) -> u32 {
    path.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// In a Rego v0 module, `import rego.v2` as `import rego.v1`: OPA (v1.22.3) reads `rego.v2` as
/// implying `rego.v1` (a v0 module importing it gets `if`, `contains`, `in` and `every`), and
/// regorus knows only `rego.v1` there. Run after [`rewrite`], which reads `rego.v2` for the logic
/// operators; same length, so every position stays.
pub(crate) fn rego_v2_in_v0(text: &str) -> Option<String> {
    if !text.contains("rego.v2") {
        return None;
    }
    let tokens = super::source_edits::tokens("<rego.v2>", text)?;
    let mut out = text.to_owned();
    let mut changed = false;
    for window in tokens.windows(4) {
        let [import, rego, dot, version] = window else {
            continue;
        };
        if import.1 == "import" && rego.1 == "rego" && dot.1 == "." && version.1 == "v2" {
            let at = version.2.start as usize;
            out.replace_range(at..at + 2, "v1");
            changed = true;
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::gate::rego::engine;

    /// `data.t.p` under the whole load pipeline (strict builtin errors as asked), as JSON, or
    /// the error.
    fn eval_strict(policy: &str, input: &str, strict: bool) -> String {
        let mut e = engine::new_engine_with(Duration::from_secs(5), strict).unwrap();
        if let Err(err) = engine::add_policy(&mut e, "t.rego", policy, false) {
            return format!("error: {err}");
        }
        e.set_input(regorus::Value::from_json_str(input).unwrap());
        match e.eval_rule("data.t.p".into()) {
            Ok(v) => serde_json::from_str::<serde_json::Value>(&v.to_json_str().unwrap())
                .unwrap()
                .to_string(),
            Err(err) => format!("error: {err}"),
        }
    }

    fn eval(policy: &str, input: &str) -> String {
        eval_strict(policy, input, false)
    }

    fn module(imports: &str, rules: &str) -> String {
        format!("package t\n{imports}\n\n{rules}\n")
    }

    /// OPA: `import rego.v2` in a v0 module implies `rego.v1` (OPA's compliance cases
    /// `v0/rego_v2_import`); the import is read as a token, never in a string.
    #[test]
    fn rego_v2_in_a_v0_module_switches_on_v1_keywords() {
        let text = "package t\nimport rego.v2\n\np contains x if {\n  some x in input.xs\n  x > 1 or x < 0\n}\n";
        let mut e = engine::new_engine(Duration::from_secs(5)).unwrap();
        engine::add_policy(&mut e, "t.rego", text, true).unwrap();
        e.set_input(regorus::Value::from_json_str(r#"{"xs": [-1, 1, 2]}"#).unwrap());
        let p = e
            .eval_rule("data.t.p".into())
            .unwrap()
            .to_json_str()
            .unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&p).unwrap(),
            serde_json::json!([-1, 2]),
            "the set {{-1, 2}}"
        );
        let quoted = "package t\nimport rego.v1\n\nm := \"import rego.v2\"\n";
        assert_eq!(rego_v2_in_v0(quoted), None);
        assert_eq!(
            rego_v2_in_v0("package t\nimport rego.v2\n").as_deref(),
            Some("package t\nimport rego.v1\n")
        );
    }

    /// Each value is what `opa eval` (v1.22.3) gives for the same policy and input.
    #[test]
    fn and_or_evaluate_as_in_opa() {
        let both = "import future.keywords.and\nimport future.keywords.or";
        let p = "p if {\n  input.a and input.b or input.c and input.d\n}";
        let input = r#"{"a": false, "b": true, "c": true, "d": true}"#;
        assert_eq!(eval(&module(both, p), input), "true");
        let input = r#"{"a": false, "b": true, "c": true, "d": false}"#;
        assert_eq!(eval(&module(both, p), input), undefined());
        // `x or y and z` is `x or (y and z)`; `not x or y` is `(not x) or y`
        let p = "p if input.x or input.y and input.z";
        assert_eq!(
            eval(&module(both, p), r#"{"x": true, "y": false, "z": false}"#),
            "true"
        );
        let p = "p if {\n  not input.x or input.y\n}";
        assert_eq!(eval(&module(both, p), r#"{"x": true, "y": true}"#), "true");
        // groups, explicit bodies, nesting
        let p = "p if {\n  (input.a or input.b) and { input.c or { input.d and input.e } }\n}";
        let input = r#"{"a": false, "b": true, "c": false, "d": true, "e": true}"#;
        assert_eq!(eval(&module(both, p), input), "true");
        let input = r#"{"a": false, "b": true, "c": false, "d": true, "e": false}"#;
        assert_eq!(eval(&module(both, p), input), undefined());
        // a rule body may be one (`p if { a } or { b }`), as may an `else` branch's
        let p = "p := 1 if { input.a } or { input.b } else := 2 if input.c or input.d";
        assert_eq!(eval(&module("import rego.v2", p), r#"{"b": true}"#), "1");
        assert_eq!(eval(&module("import rego.v2", p), r#"{"d": true}"#), "2");
        // in a function, with its arguments passed through
        let p = "in_range(n) if n > 0 and n < 10\np := [in_range(5), in_range(42)]";
        assert_eq!(eval(&module(both, p), "{}"), undefined());
        let p = "in_range(n) if n > 0 and n < 10\np := [x | some x in [-1, 5, 42]; in_range(x)]";
        assert_eq!(eval(&module(both, p), "{}"), "[5]");
    }

    fn undefined() -> String {
        let text = regorus::Value::Undefined.to_json_str().unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap()
            .to_string()
    }

    /// OPA runs each operand as a closed scope: it sees the bindings made before it, its own
    /// bindings do not leave it, and it counts once however often it succeeds.
    #[test]
    fn operands_are_closed_scopes_that_succeed_once() {
        let or = "import future.keywords.or";
        let p = "p := [i |\n  i := input.xs[_]\n  i > 0 or i != 0\n]";
        assert_eq!(eval(&module(or, p), r#"{"xs": [1, 2, 3]}"#), "[1,2,3]");
        let p = "p := [1 | { some n in [1, 2, 3]; n > 0 } or false]";
        assert_eq!(eval(&module(or, p), "{}"), "[1]");
        let and = "import future.keywords.and";
        let p = "p if {\n  a := -100\n  { a := 1; a > 0 } and { a := 2; a > 1 }\n  a == -100\n}";
        assert_eq!(eval(&module(and, p), "{}"), "true");
        let p = "p if {\n  { a = 1; a > 0 } and { a = -1; a < 0 }\n}";
        assert_eq!(eval(&module(and, p), "{}"), "true");
        let p = "p := [v |\n  walk(input, [_, v])\n  is_string(v) and count(v) > 0\n]";
        assert_eq!(eval(&module(and, p), r#"{"a": "x", "b": ""}"#), r#"["x"]"#);
        let p = "p if {\n  every n in input.xs {\n    { m := n; m > 0 } and n < 10\n  }\n}";
        assert_eq!(eval(&module(and, p), r#"{"xs": [1, 2]}"#), "true");
        assert_eq!(eval(&module(and, p), r#"{"xs": [1, 20]}"#), undefined());
        // a name bound in another closed scope (a comprehension, an `every` body) is not passed
        let p = "p if {\n  every n in input.xs { y := n; y > 0 }\n  count([y | y := 1]) == 1\n  { y = 2; y > 1 } and true\n}";
        assert_eq!(eval(&module(and, p), r#"{"xs": [1]}"#), "true");
    }

    /// `and` stops at the first undefined operand and `or` at the first defined one: an error
    /// further on (strict builtin errors) is not raised.
    #[test]
    fn evaluation_stops_as_in_opa() {
        let and = module(
            "import future.keywords.and",
            "p if input.x > 0 and to_number(\"foo\") == 1",
        );
        assert_eq!(eval_strict(&and, r#"{"x": 0}"#, true), undefined());
        assert!(eval_strict(&and, r#"{"x": 1}"#, true).contains("error"));
        let or = module(
            "import future.keywords.or",
            "p if input.x > 0 or to_number(\"foo\") == 1",
        );
        assert_eq!(eval_strict(&or, r#"{"x": 1}"#, true), "true");
        assert!(eval_strict(&or, r#"{"x": 0}"#, true).contains("error"));
    }

    #[test]
    fn with_applies_to_its_expression_or_group() {
        let p = "p if {\n  input.x > 0 or input.y > 0 with input as {\"x\": 0, \"y\": 1}\n}";
        assert_eq!(eval(&module("import future.keywords.or", p), "{}"), "true");
        let p = "p if {\n  (input.x < 2 with input.x as 1) and input.x == 5\n}";
        assert_eq!(
            eval(&module("import future.keywords.and", p), r#"{"x": 5}"#),
            "true"
        );
    }

    #[test]
    fn not_bodies_and_negated_groups() {
        let p = "p if {\n  not { input.a and input.b }\n  not (input.c or input.d)\n}";
        assert_eq!(eval(&module("import rego.v2", p), r#"{"a": true}"#), "true");
        assert_eq!(
            eval(
                &module("import future.keywords", p),
                r#"{"a": true, "b": true}"#
            ),
            undefined()
        );
        let p = "p if {\n  a = 2\n  not {\n    a := 1\n    a == 3\n  }\n  a == 2\n}";
        assert_eq!(eval(&module("import future.keywords.not", p), "{}"), "true");
    }

    /// Without the imports `and` and `or` are identifiers: the module reaches regorus as written.
    #[test]
    fn modules_without_the_keywords_are_untouched() {
        let text = "package t\n\nq := or if {\n  or := 1\n  and := or\n}\np := or({1}, {2})\n";
        assert_eq!(rewrite("t.rego", text, false), None);
        let text = "package t\nimport rego.v1\n\np := or({1}, {2}) if input.and\n";
        assert_eq!(rewrite("t.rego", text, false), None);
        // with the import, only the import goes (regorus would refuse `or` as a name)
        let text = "package t\nimport future.keywords.or\n\np := [input.or] if input.or\n";
        let blank = " ".repeat("import future.keywords.or".len());
        assert_eq!(
            rewrite("t.rego", text, false).unwrap(),
            text.replace("import future.keywords.or", &blank)
        );
        assert_eq!(eval(text, r#"{"or": true}"#), "[true]");
    }

    #[test]
    fn strings_and_comments_are_not_operators() {
        let text = "package t\nimport future.keywords.or\n\n# a or b\np := \"a or b\" # or\nq := `x\nor y`\n";
        let blank = " ".repeat("import future.keywords.or".len());
        assert_eq!(
            rewrite("t.rego", text, false).unwrap(),
            text.replace("import future.keywords.or", &blank)
        );
        let text = module(
            "import future.keywords.or",
            "p := x if {\n  x := \"a or b\" # or c\n  x == \"or\" or x == \"a or b\"\n}",
        );
        assert_eq!(eval(&text, "{}"), "\"a or b\"");
    }

    /// The expression's line breaks stay (inside the call) and the functions go on the rule's
    /// last line: every other line keeps its number and text.
    #[test]
    fn lines_keep_their_numbers() {
        let text = "package t\nimport future.keywords.or\n\np if {\n  input.a or # why\n    input.b\n  input.c\n}\n\nq := 1 # q\n";
        let out = rewrite("t.rego", text, false).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        for (n, (a, b)) in text.lines().zip(out.lines()).enumerate() {
            if ![1, 4, 5, 7].contains(&n) {
                assert_eq!(a, b, "line {}", n + 1);
            }
        }
        assert!(
            out.lines()
                .nth(4)
                .unwrap()
                .starts_with(&format!("  {PREFIX}"))
        );
        assert!(
            out.lines()
                .nth(7)
                .unwrap()
                .starts_with(&format!("}} {PREFIX}"))
        );
        // an error after the expression is reported on its own line
        let text = "package t\nimport future.keywords.or\n\np if {\n  input.a or\n    input.b\n}\n\nq := )\n";
        let err = eval(text, "{}");
        assert!(err.contains("t.rego:9:"), "{err}");
    }

    /// A chain of thousands of operands is rewritten (each operator's statement is scanned once;
    /// speed is the benchmarks' business, not a test's) and evaluates: its functions, too many for
    /// the rule's last line, go after the module's last line, an `else` branch per line (the
    /// `or` function of 4,000 operands is 200 KB).
    #[test]
    fn long_chains_stay_linear() {
        let chain = (0..4_000)
            .map(|i| format!("input.a{i}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let text = module("import future.keywords.or", &format!("p if {chain}"));
        assert!(super::super::parse::overlong_line(&text).is_none());
        let out = rewrite("t.rego", &text, false).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[..3], ["package t", &" ".repeat(25), ""]);
        assert!(
            lines[3].starts_with(&format!("p if {PREFIX}")),
            "{}",
            lines[3]
        );
        assert!(lines[4].starts_with(PREFIX));
        assert_eq!(eval(&text, r#"{"a3999": true}"#), "true");
    }

    #[test]
    fn generated_names_differ_between_modules_of_a_package() {
        let text = module("import future.keywords.or", "p if input.a or input.b");
        let a = rewrite("a.rego", &text, false).unwrap();
        let b = rewrite("b.rego", &text, false).unwrap();
        let mut e = engine::new_engine(Duration::from_secs(5)).unwrap();
        engine::add_policy(&mut e, "a.rego", &text, false).unwrap();
        engine::add_policy(&mut e, "b.rego", &text, false).unwrap();
        e.set_input(regorus::Value::from_json_str(r#"{"b": true}"#).unwrap());
        assert_eq!(
            e.eval_rule("data.t.p".into()).unwrap(),
            regorus::Value::from(true)
        );
        assert_ne!(a, b);
    }

    /// Rego v0 modules get v0 functions (`f(x) = true { … }`).
    #[test]
    fn v0_modules_get_v0_functions() {
        let text = "package t\nimport future.keywords.or\n\np { input.a or input.b }\n";
        let out = rewrite("t.rego", text, true).unwrap();
        assert!(out.contains("(_) = true { input.a } "), "{out}");
        assert!(out.contains("(0) } else = true { "), "{out}");
    }
}
