//! conftest's `nginx` parser: an nginx configuration as the directive tree conftest v0.71.1 prints
//! (`{"directives": [{"name", "parameters", "block": {"directives": …}}]}`), read the way its
//! library, gonginx, reads it.
//!
//! gonginx is not a plain nginx grammar, and conftest's output shows its quirks, so they are kept:
//! quoted parameters keep their quotes; unknown directive names are errors (except inside `map`
//! and `types` blocks); `http` and block `server` directives drop their parameters; `http` lists
//! its `server` blocks last; `upstream` keeps only its name and lists its `server`s last; every
//! `server …;` has its parameters reordered (address, sorted `key=value`s, flags);
//! `*_by_lua_block` bodies are opaque (an empty block); `include`s are left unresolved; a `}` at
//! the top level ends the file. Nesting is bounded ([`MAX_DEPTH`]) against hostile input.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::nginx_directives::DIRECTIVES;

/// Deepest block nesting read; gonginx has no bound, real configurations stay far below it.
const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Eof,
    Keyword,
    Quoted,
    BlockStart,
    BlockEnd,
    Semicolon,
    Comment,
    EndOfLine,
    LuaCode,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
    line: usize,
}

fn token(kind: Kind, text: String, line: usize) -> Token {
    Token { kind, text, line }
}

/// gonginx's lexer, one token at a time (the parser looks one token ahead, and an error past
/// the point where parsing stops is never seen, as there).
struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    in_lua: bool,
    latest_lua_keyword: bool,
    error: Option<String>,
}

impl Lexer {
    fn new(text: &str) -> Self {
        // gonginx reads a NUL as the end of input (its reader's EOF rune is 0).
        let text = text.split('\0').next().unwrap_or_default();
        Self {
            chars: text.chars().collect(),
            pos: 0,
            line: 1,
            in_lua: false,
            latest_lua_keyword: false,
            error: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn read(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn scan(&mut self) -> Token {
        let t = if self.error.is_some() {
            token(Kind::Eof, String::new(), self.line)
        } else {
            self.next_token()
        };
        self.latest_lua_keyword = t.kind == Kind::Keyword && t.text.ends_with("_by_lua_block");
        t
    }

    fn fail(&mut self, what: &str, line: usize) -> Token {
        if self.error.is_none() {
            self.error = Some(format!(
                "unexpected end of file while scanning {what} starting at line {line}"
            ));
        }
        token(Kind::Eof, String::new(), self.line)
    }

    fn next_token(&mut self) -> Token {
        if self.in_lua {
            self.in_lua = false;
            return self.lua_code();
        }
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.read();
        }
        let line = self.line;
        let Some(c) = self.peek() else {
            return token(Kind::Eof, String::new(), line);
        };
        let single = |kind| (kind, c.to_string());
        let (kind, text) = match c {
            ';' => single(Kind::Semicolon),
            '{' => {
                self.in_lua = self.latest_lua_keyword;
                single(Kind::BlockStart)
            }
            '}' => single(Kind::BlockEnd),
            '\r' | '\n' => single(Kind::EndOfLine),
            '#' => return token(Kind::Comment, self.read_until_eol(), line),
            '"' | '\'' | '`' => return self.quoted(c, line),
            _ => return self.keyword(line),
        };
        self.read();
        token(kind, text, line)
    }

    /// The current character and the rest of its line (gonginx's `readUntil`: the first
    /// character is taken whatever it is).
    fn read_until_eol(&mut self) -> String {
        let mut s: String = self.read().into_iter().collect();
        while let Some(c) = self.peek() {
            if c == '\r' || c == '\n' {
                break;
            }
            s.push(c);
            self.read();
        }
        s
    }

    fn lua_code(&mut self) -> Token {
        let line = self.line;
        let mut depth = 0usize;
        let mut code = String::new();
        loop {
            let Some(c) = self.read() else {
                return self.fail("lua code", line);
            };
            match c {
                '#' => {
                    code.push(c);
                    code.push_str(&self.read_until_eol());
                    continue;
                }
                '}' if depth == 0 => {
                    // The `}` is the next token (gonginx unreads it).
                    self.pos -= 1;
                    return token(Kind::LuaCode, code, line);
                }
                '}' => depth -= 1,
                '{' => depth += 1,
                _ => {}
            }
            code.push(c);
        }
    }

    fn quoted(&mut self, delimiter: char, line: usize) -> Token {
        let mut s = String::new();
        s.extend(self.read());
        loop {
            let Some(c) = self.read() else {
                return self.fail("quoted string", line);
            };
            if c == '\\' && self.peek() == Some(delimiter) {
                s.push(c);
                s.extend(self.read());
                continue;
            }
            s.push(c);
            if c == delimiter {
                break;
            }
        }
        token(Kind::Quoted, s, line)
    }

    fn keyword(&mut self, line: usize) -> Token {
        let mut s = String::new();
        let mut prev = self.read().unwrap_or_default();
        s.push(prev);
        let mut in_var = false;
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | ';' | '\r' | '\n' => break,
                '{' if prev == '$' => in_var = true,
                '{' if !in_var => break,
                '}' if in_var => in_var = false,
                '}' => break,
                '{' => {}
                _ => prev = c,
            }
            s.push(c);
            self.read();
        }
        token(Kind::Keyword, s, line)
    }
}

/// A directive as conftest prints it, and whether it is a `server` block (which `http` lists
/// last).
struct Directive {
    name: String,
    parameters: Vec<String>,
    block: Option<Vec<Directive>>,
    server_block: bool,
}

impl Directive {
    fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), Value::String(self.name.clone()));
        if !self.parameters.is_empty() {
            o.insert("parameters".into(), json!(self.parameters));
        }
        if let Some(block) = &self.block {
            o.insert("block".into(), directives_json(block));
        }
        Value::Object(o)
    }
}

fn directives_json(ds: &[Directive]) -> Value {
    json!({"directives": ds.iter().map(Directive::to_json).collect::<Vec<_>>()})
}

/// gonginx's `UpstreamServer`: the address, then the `key=value` parameters sorted by key (the
/// last of a repeated key wins), then the flags.
fn upstream_server(parameters: &[String]) -> Vec<String> {
    let address = parameters.first().cloned().unwrap_or_default();
    let mut pairs = BTreeMap::new();
    let mut flags = Vec::new();
    for p in parameters.iter().skip(1) {
        match p.split_once('=') {
            Some((k, v)) => {
                pairs.insert(k.to_string(), v.to_string());
            }
            None => flags.push(p.clone()),
        }
    }
    std::iter::once(address)
        .chain(pairs.into_iter().map(|(k, v)| format!("{k}={v}")))
        .chain(flags)
        .collect()
}

struct Parser {
    lexer: Lexer,
    current: Token,
    following: Token,
}

impl Parser {
    fn new(text: &str) -> Self {
        let mut lexer = Lexer::new(text);
        let current = lexer.scan();
        let following = lexer.scan();
        Self {
            lexer,
            current,
            following,
        }
    }

    fn next(&mut self) {
        let next = self.lexer.scan();
        self.current = std::mem::replace(&mut self.following, next);
    }

    fn is(&self, kind: Kind) -> bool {
        self.current.kind == kind
    }

    fn block(
        &mut self,
        in_block: bool,
        skip_names: bool,
        depth: usize,
    ) -> anyhow::Result<Vec<Directive>> {
        if depth > MAX_DEPTH {
            anyhow::bail!(
                "blocks nested deeper than {MAX_DEPTH} at line {}",
                self.current.line
            );
        }
        let mut out = Vec::new();
        loop {
            match self.current.kind {
                Kind::Eof if in_block => anyhow::bail!(
                    "unexpected end of file at line {}: a block is not closed with '}}'",
                    self.current.line
                ),
                Kind::Eof | Kind::BlockEnd => break,
                Kind::Keyword | Kind::Quoted => out.push(self.statement(skip_names, depth)?),
                _ => {}
            }
            self.next();
        }
        Ok(out)
    }

    fn statement(&mut self, skip_names: bool, depth: usize) -> anyhow::Result<Directive> {
        let name = self.current.text.clone();
        if !skip_names && DIRECTIVES.binary_search(&name.as_str()).is_err() {
            anyhow::bail!("unknown directive '{name}' on line {}", self.current.line);
        }
        let mut parameters = Vec::new();
        loop {
            self.next();
            match self.current.kind {
                Kind::Keyword | Kind::Quoted => parameters.push(self.current.text.clone()),
                Kind::Comment | Kind::EndOfLine => {}
                Kind::Semicolon => return Self::simple(name, parameters),
                Kind::BlockStart => return self.with_block(name, parameters, skip_names, depth),
                Kind::BlockEnd | Kind::Eof | Kind::LuaCode => anyhow::bail!(
                    "unexpected {} on line {} (directive '{name}' not ended by ';' or a block)",
                    match self.current.kind {
                        Kind::BlockEnd => "'}'",
                        Kind::Eof => "end of file",
                        _ => "lua code",
                    },
                    self.current.line
                ),
            }
        }
    }

    fn simple(name: String, parameters: Vec<String>) -> anyhow::Result<Directive> {
        let parameters = match name.as_str() {
            "include" if parameters.len() != 1 => anyhow::bail!(
                "include directive requires exactly 1 parameter, got {}",
                parameters.len()
            ),
            "server" => upstream_server(&parameters),
            _ => parameters,
        };
        Ok(Directive {
            name,
            parameters,
            block: None,
            server_block: false,
        })
    }

    fn with_block(
        &mut self,
        name: String,
        parameters: Vec<String>,
        skip_names: bool,
        depth: usize,
    ) -> anyhow::Result<Directive> {
        if name.ends_with("_by_lua_block") {
            self.skip_lua();
            return Ok(Directive {
                name,
                parameters,
                block: Some(Vec::new()),
                server_block: false,
            });
        }
        let skip = skip_names || matches!(name.as_str(), "map" | "types" | "");
        self.next();
        let mut block = self.block(true, skip, depth + 1)?;
        let mut d = Directive {
            name,
            parameters,
            block: None,
            server_block: false,
        };
        match d.name.as_str() {
            "http" => {
                d.parameters.clear();
                block.sort_by_key(|c| c.server_block);
            }
            "server" => {
                d.parameters.clear();
                d.server_block = true;
            }
            "location" if d.parameters.is_empty() => {
                anyhow::bail!("location directive has no parameter")
            }
            "location" if d.parameters.len() > 2 => {
                anyhow::bail!("too many arguments for location directive")
            }
            "upstream" => {
                let Some(upstream_name) = d.parameters.first().cloned() else {
                    anyhow::bail!("upstream directive requires a name parameter")
                };
                d.parameters = vec![upstream_name];
                for c in &mut block {
                    if c.name == "server" {
                        c.parameters = upstream_server(&c.parameters);
                        c.block = None;
                        c.server_block = false;
                    }
                }
                block.sort_by_key(|c| c.name == "server");
            }
            _ => {}
        }
        d.block = Some(block);
        Ok(d)
    }

    /// A `*_by_lua_block` body, skipped to its closing brace (gonginx keeps it as code, which
    /// conftest does not print).
    fn skip_lua(&mut self) {
        self.next();
        let mut braces = 1usize;
        while !self.is(Kind::Eof) {
            if self.is(Kind::BlockStart) {
                braces += 1;
            } else if self.is(Kind::BlockEnd) {
                braces -= 1;
                if braces == 0 {
                    break;
                }
            }
            self.next();
        }
    }
}

/// Parses `text` as conftest's nginx parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    let mut p = Parser::new(text);
    let parsed = p.block(false, false, 0);
    if let Some(e) = p.lexer.error.take() {
        anyhow::bail!("nginx: {e}");
    }
    parsed
        .map(|block| directives_json(&block))
        .map_err(|e| anyhow::anyhow!("nginx: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_blocks_and_gonginx_quirks() {
        let conf = "user nginx; # c\nhttp x {\n server { listen 80; }\n gzip on;\n upstream u extra {\n  server b:1 weight=2 backup max_fails=1;\n  keepalive 2;\n }\n}\n";
        let v = parse(conf).unwrap();
        assert_eq!(
            v,
            json!({"directives": [
                {"name": "user", "parameters": ["nginx"]},
                {"name": "http", "block": {"directives": [
                    {"name": "gzip", "parameters": ["on"]},
                    {"name": "upstream", "parameters": ["u"], "block": {"directives": [
                        {"name": "keepalive", "parameters": ["2"]},
                        {"name": "server", "parameters": ["b:1", "max_fails=1", "weight=2", "backup"]}
                    ]}},
                    {"name": "server", "block": {"directives": [
                        {"name": "listen", "parameters": ["80"]}
                    ]}}
                ]}}
            ]})
        );
    }

    #[test]
    fn quotes_variables_lua_and_errors() {
        let v = parse("set $a \"x y\";\nreturn 200 ${a}b;\ncontent_by_lua_block { if x then { } end -- #}\n }\n").unwrap();
        assert_eq!(v["directives"][0]["parameters"], json!(["$a", "\"x y\""]));
        assert_eq!(v["directives"][1]["parameters"], json!(["200", "${a}b"]));
        assert_eq!(v["directives"][2]["block"], json!({"directives": []}));
        for bad in [
            "nosuch on;",
            "http {",
            "set \"a;",
            "location a b c {}",
            "include;",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&"events {".repeat(500)).is_err());
    }
}
