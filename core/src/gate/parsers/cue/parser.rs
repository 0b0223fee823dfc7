//! CUE's grammar (cuelang.org/go v0.17.1 `cue/parser`): a file's preamble (attributes, `package`,
//! `import`), declarations (fields with their `a: b: c:` chains, embeddings, `let`, `...`,
//! comprehensions), and expressions by CUE's precedence. Whatever CUE's parser refuses is
//! refused here (conftest formats a file first, and formatting fails on any syntax error).

use super::Stop;
use super::ast::{At, Clause, Decl, Expr, Field, LabelName, Presence, StrPart};
use super::lexer::{Part, Tok};

/// How deep expressions and structs may nest before the file is refused (no stack overflow).
pub(super) const MAX_DEPTH: usize = 200;

pub(super) struct Parser {
    toks: Vec<(Tok, At)>,
    i: usize,
    depth: usize,
}

fn precedence(op: &str) -> u8 {
    match op {
        "|" => 1,
        "&" => 2,
        "||" => 3,
        "&&" => 4,
        "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "!~" => 5,
        "+" | "-" => 6,
        "*" | "/" => 7,
        _ => 0,
    }
}

impl Parser {
    pub(super) fn new(toks: Vec<(Tok, At)>) -> Parser {
        Parser {
            toks,
            i: 0,
            depth: 0,
        }
    }

    fn tok(&self) -> &Tok {
        &self.toks[self.i.min(self.toks.len() - 1)].0
    }

    fn peek(&self, n: usize) -> &Tok {
        &self.toks[(self.i + n).min(self.toks.len() - 1)].0
    }

    fn at(&self) -> At {
        self.toks[self.i.min(self.toks.len() - 1)].1
    }

    fn bump(&mut self) {
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.tok(), Tok::Op(o) if *o == op)
    }

    fn is_ident(&self, name: &str) -> bool {
        matches!(self.tok(), Tok::Ident(n) if n == name)
    }

    fn expect_op(&mut self, op: &'static str, what: &'static str) -> Result<(), Stop> {
        if self.is_op(op) {
            self.bump();
            Ok(())
        } else {
            Err(Stop::Syntax(self.at(), what))
        }
    }

    fn enter(&mut self) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::TooDeep(self.at()));
        }
        Ok(())
    }

    /// The whole file: its declarations, as the body of the top-level struct.
    pub(super) fn file(&mut self) -> Result<Vec<Decl>, Stop> {
        while let Tok::Attr(name) = self.tok() {
            if name == "extern" {
                // `@extern(embed)`: files embedded from a module, which conftest has none of
                return Err(Stop::Eval(
                    String::new(),
                    "cannot embed files when not in a module".into(),
                ));
            }
            self.bump();
            self.decl_comma()?;
        }
        if self.is_ident("package") && matches!(self.peek(1), Tok::Ident(_)) {
            self.bump();
            let Tok::Ident(name) = self.tok().clone() else {
                return Err(Stop::Syntax(self.at(), "a package name"));
            };
            if name.starts_with('#') || name.starts_with("_#") {
                return Err(Stop::Syntax(self.at(), "an invalid package name"));
            }
            self.bump();
            match self.tok() {
                Tok::Comma => self.bump(),
                Tok::Eof => {}
                _ => return Err(Stop::Syntax(self.at(), "a `,` after the package clause")),
            }
        }
        while matches!(self.tok(), Tok::Attr(_)) {
            self.bump();
            self.decl_comma()?;
        }
        if self.is_ident("import") && !matches!(self.peek(1), Tok::Op(":" | "=" | "?" | "!")) {
            return Err(Stop::Unsupported(self.at(), "imports"));
        }
        let decls = self.decls()?;
        if *self.tok() != Tok::Eof {
            return Err(Stop::Syntax(self.at(), "a declaration"));
        }
        Ok(decls)
    }

    /// Declarations up to a `}` or the end of the file.
    fn decls(&mut self) -> Result<Vec<Decl>, Stop> {
        let mut out = Vec::new();
        while !self.is_op("}") && *self.tok() != Tok::Eof {
            match self.tok() {
                Tok::Attr(_) => {
                    self.bump();
                    self.decl_comma()?;
                }
                Tok::Op("...") => {
                    let at = self.at();
                    self.bump();
                    out.push(Decl::Ellipsis(at));
                    self.decl_comma()?;
                }
                _ => out.push(self.decl()?),
            }
        }
        Ok(out)
    }

    /// After a declaration: a comma, or the `}`/end that closes the struct.
    fn decl_comma(&mut self) -> Result<(), Stop> {
        match self.tok() {
            Tok::Comma => {
                self.bump();
                Ok(())
            }
            Tok::Op("}") | Tok::Eof => Ok(()),
            _ => Err(Stop::Syntax(
                self.at(),
                "a `,` or a newline between declarations",
            )),
        }
    }

    fn ident_name(&mut self, what: &'static str) -> Result<String, Stop> {
        match self.tok().clone() {
            Tok::Ident(n) => {
                self.bump();
                Ok(n)
            }
            _ => Err(Stop::Syntax(self.at(), what)),
        }
    }

    fn decl(&mut self) -> Result<Decl, Stop> {
        let at = self.at();
        // `for`/`if` start a comprehension, `let` a let clause, unless they are labels
        let next_is_label_end = matches!(
            self.peek(1),
            Tok::Op(":" | "=" | "?") | Tok::Comma | Tok::Eof
        ) || (matches!(self.peek(1), Tok::Op("!"))
            && matches!(self.peek(2), Tok::Op(":")));
        if (self.is_ident("for") || self.is_ident("if")) && !next_is_label_end {
            let clauses = self.clauses()?;
            if !self.is_op("{") {
                return Err(Stop::Syntax(
                    self.at(),
                    "a struct after a comprehension's clauses",
                ));
            }
            let body = self.operand()?;
            if self.is_ident("else") || self.is_ident("fallback") || self.is_ident("otherwise") {
                return Err(Stop::Unsupported(self.at(), "fallback clauses"));
            }
            self.decl_comma()?;
            return Ok(Decl::Comprehension(clauses, body));
        }
        if self.is_ident("try") && matches!(self.peek(1), Tok::Op("{") | Tok::Ident(_)) {
            return Err(Stop::Unsupported(at, "try clauses"));
        }
        if self.is_ident("let") && matches!(self.peek(1), Tok::Ident(_)) {
            self.bump();
            let name = self.ident_name("a name after `let`")?;
            self.check_decl_ident(&name, at)?;
            self.expect_op("=", "`=` after a let name")?;
            let value = self.expr()?;
            self.decl_comma()?;
            return Ok(Decl::Let(name, value, at));
        }
        let first = self.tok().clone();
        let (label, expr) = self.label_or_expr()?;
        let Some(mut label) = label else {
            if matches!(expr, Expr::Alias(_)) {
                return Err(Stop::Syntax(self.at(), "a label or `:` after an alias"));
            }
            self.decl_comma()?;
            return Ok(Decl::Embed(expr));
        };
        if self.is_op("~") {
            return Err(Stop::Unsupported(self.at(), "postfix aliases"));
        }
        label.presence = self.presence();
        if let LabelName::Name(n) = &label.name
            && label.ident
            && self.is_op(":")
        {
            self.check_decl_ident(n, label.at)?;
        }
        if !self.is_op(":") {
            let embeddable = matches!(first, Tok::Ident(_) | Tok::Op("[" | "(") | Tok::Str { .. })
                && label.alias.is_none()
                && label.presence == Presence::Regular;
            if embeddable && matches!(self.tok(), Tok::Comma | Tok::Op("}") | Tok::Eof) {
                self.decl_comma()?;
                return Ok(Decl::Embed(expr));
            }
            return Err(Stop::Syntax(self.at(), "a label or `:`"));
        }
        self.bump();
        let field = self.field_value(label)?;
        while matches!(self.tok(), Tok::Attr(_)) {
            self.bump();
        }
        self.decl_comma()?;
        Ok(Decl::Field(field))
    }

    /// The value after `label:`, following a chain `a: b: c: v`.
    fn field_value(&mut self, mut label: Field) -> Result<Field, Stop> {
        self.enter()?;
        let save = self.i;
        let (next, expr) = match self.tok() {
            Tok::Ident(n) if n == "for" || n == "if" => (None, self.expr()?),
            _ => self.label_or_expr()?,
        };
        let value = match next {
            Some(mut inner) if matches!(self.tok(), Tok::Op(":" | "?" | "!")) => {
                inner.presence = self.presence();
                if !self.is_op(":") {
                    return Err(Stop::Syntax(self.at(), "`:` after a label"));
                }
                self.bump();
                let at = inner.at;
                let inner = self.field_value(inner)?;
                Expr::Struct(vec![Decl::Field(inner)], at)
            }
            _ => {
                if matches!(expr, Expr::Alias(_)) {
                    let _ = save;
                }
                expr
            }
        };
        self.depth -= 1;
        label.value = value;
        Ok(label)
    }

    fn presence(&mut self) -> Presence {
        if self.is_op("?") {
            self.bump();
            Presence::Optional
        } else if self.is_op("!") && matches!(self.peek(1), Tok::Op(":")) {
            self.bump();
            Presence::Required
        } else {
            Presence::Regular
        }
    }

    fn check_decl_ident(&self, name: &str, at: At) -> Result<(), Stop> {
        if name == "_" {
            return Err(Stop::Syntax(
                at,
                "a name other than `_` for an alias or let clause",
            ));
        }
        // (labels too: `__a: 1` is refused as CUE refuses it)
        if name.starts_with("__") {
            return Err(Stop::Syntax(at, "an identifier starting with `__`"));
        }
        Ok(())
    }

    /// An expression, and the label it forms when it has a label's shape (as CUE's
    /// `parseLabel`: an identifier, a string, `(expr)`, `[expr]`, `X=label`).
    fn label_or_expr(&mut self) -> Result<(Option<Field>, Expr), Stop> {
        let at = self.at();
        let expr = self.expr()?;
        let mut alias = None;
        let (expr, aliased) = if self.is_op("=") {
            let Expr::Ident(name, _) = &expr else {
                return Err(Stop::Syntax(self.at(), "an identifier before `=`"));
            };
            self.check_decl_ident(name, at)?;
            alias = Some(name.clone());
            self.bump();
            let inner = self.expr()?;
            (inner, true)
        } else {
            (expr, false)
        };
        let label = match &expr {
            Expr::Ident(n, _) => Some((LabelName::Name(n.clone()), true)),
            Expr::Bool(b) => Some((LabelName::Name(b.to_string()), true)),
            Expr::Null => Some((LabelName::Name("null".into()), true)),
            Expr::Str {
                bytes: false,
                parts,
                ..
            } => match parts.as_slice() {
                [StrPart::Text(t)] => Some((
                    LabelName::Name(String::from_utf8_lossy(t).into_owned()),
                    false,
                )),
                _ => Some((LabelName::Dynamic(expr.clone()), false)),
            },
            Expr::Paren(inner) => Some((LabelName::Dynamic((**inner).clone()), false)),
            Expr::List(elems, None, _) if elems.len() == 1 => match &elems[0] {
                Decl::Embed(e) => Some((LabelName::Pattern(e.clone(), None), false)),
                Decl::Field(f) if f.alias.is_some() => match (&f.name, f.presence) {
                    (LabelName::Name(n), Presence::Regular) if f.ident => {
                        Some((LabelName::Pattern(f.value.clone(), Some(n.clone())), false))
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        if aliased && label.is_none() {
            return Ok((None, Expr::Alias(at)));
        }
        Ok((
            label.map(|(name, ident)| Field {
                name,
                presence: Presence::Regular,
                alias,
                ident,
                value: Expr::Null,
                at,
            }),
            expr,
        ))
    }

    fn clauses(&mut self) -> Result<Vec<Clause>, Stop> {
        let mut out = Vec::new();
        loop {
            if self.is_ident("for") {
                self.bump();
                let first = self.ident_name("a name after `for`")?;
                let (key, value) = if *self.tok() == Tok::Comma {
                    self.bump();
                    (Some(first), self.ident_name("a name after `,`")?)
                } else {
                    (None, first)
                };
                if !self.is_ident("in") {
                    return Err(Stop::Syntax(self.at(), "`in` in a for clause"));
                }
                self.bump();
                out.push(Clause::For(key, value, self.expr()?));
            } else if self.is_ident("if") {
                self.bump();
                out.push(Clause::If(self.expr()?));
            } else if self.is_ident("let") {
                self.bump();
                let name = self.ident_name("a name after `let`")?;
                self.expect_op("=", "`=` after a let name")?;
                out.push(Clause::Let(name, self.expr()?));
            } else if self.is_ident("try") {
                return Err(Stop::Unsupported(self.at(), "try clauses"));
            } else {
                return Ok(out);
            }
            if *self.tok() == Tok::Comma {
                self.bump();
            }
        }
    }

    pub(super) fn expr(&mut self) -> Result<Expr, Stop> {
        self.binary(1)
    }

    fn binary(&mut self, min: u8) -> Result<Expr, Stop> {
        self.enter()?;
        let mut x = self.unary()?;
        while let Tok::Op(op) = *self.tok() {
            let prec = precedence(op);
            if prec == 0 || prec < min {
                break;
            }
            let at = self.at();
            self.bump();
            let y = self.binary(prec + 1)?;
            x = Expr::Binary(op, Box::new(x), Box::new(y), at);
        }
        self.depth -= 1;
        Ok(x)
    }

    fn unary(&mut self) -> Result<Expr, Stop> {
        if let Tok::Op(
            op @ ("+" | "-" | "!" | "*" | "<" | "<=" | ">" | ">=" | "!=" | "=~" | "!~"),
        ) = *self.tok()
        {
            let at = self.at();
            self.bump();
            self.enter()?;
            let x = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Unary(op, Box::new(x), at));
        }
        let mut x = self.operand()?;
        loop {
            let at = self.at();
            match self.tok() {
                Tok::Op(".") => {
                    self.bump();
                    let name = match self.tok().clone() {
                        Tok::Ident(n) => n,
                        Tok::Str {
                            bytes: false,
                            parts,
                        } if parts.len() == 1 => match &parts[0] {
                            Part::Text(t) => String::from_utf8_lossy(t).into_owned(),
                            Part::Expr(_) => {
                                return Err(Stop::Syntax(self.at(), "a selector"));
                            }
                        },
                        _ => return Err(Stop::Syntax(self.at(), "a selector")),
                    };
                    self.bump();
                    x = Expr::Selector(Box::new(x), name, at);
                }
                Tok::Op("[") => {
                    self.bump();
                    if self.is_op(":") {
                        return Err(Stop::Unsupported(at, "slices"));
                    }
                    let index = self.expr()?;
                    if self.is_op(":") {
                        return Err(Stop::Unsupported(at, "slices"));
                    }
                    if *self.tok() == Tok::Comma {
                        self.bump();
                    }
                    self.expect_op("]", "`]` after an index")?;
                    x = Expr::Index(Box::new(x), Box::new(index), at);
                }
                Tok::Op("(") => {
                    self.bump();
                    let mut args = Vec::new();
                    while !self.is_op(")") && *self.tok() != Tok::Eof {
                        args.push(self.expr()?);
                        match self.tok() {
                            Tok::Comma => self.bump(),
                            Tok::Op(")") => {}
                            _ => return Err(Stop::Syntax(self.at(), "`,` in an argument list")),
                        }
                    }
                    self.expect_op(")", "`)` after the arguments")?;
                    x = Expr::Call(Box::new(x), args, at);
                }
                Tok::Op("?")
                    if !matches!(self.peek(1), Tok::Op(":"))
                        && matches!(x, Expr::Ident(..) | Expr::Selector(..) | Expr::Index(..)) =>
                {
                    return Err(Stop::Unsupported(at, "optional references (`x?`)"));
                }
                Tok::Op("...") => {
                    return Err(Stop::Unsupported(
                        at,
                        "postfix `...` (the explicitopen experiment)",
                    ));
                }
                _ => return Ok(x),
            }
        }
    }

    fn operand(&mut self) -> Result<Expr, Stop> {
        let at = self.at();
        let tok = self.tok().clone();
        match tok {
            Tok::Ident(n) => {
                self.bump();
                Ok(match n.as_str() {
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    "null" => Expr::Null,
                    _ => Expr::Ident(n, at),
                })
            }
            Tok::Int(s) => {
                self.bump();
                Ok(Expr::Int(s, at))
            }
            Tok::Float(s) => {
                self.bump();
                Ok(Expr::Float(s, at))
            }
            Tok::Bottom => {
                self.bump();
                Ok(Expr::Bottom(at))
            }
            Tok::Str { bytes, parts } => {
                self.bump();
                let mut out = Vec::new();
                for p in parts {
                    match p {
                        Part::Text(t) => out.push(StrPart::Text(t)),
                        Part::Expr(mut toks) => {
                            toks.push((Tok::Eof, at));
                            let mut sub = Parser {
                                toks,
                                i: 0,
                                depth: self.depth,
                            };
                            let e = sub.expr()?;
                            if *sub.tok() == Tok::Comma {
                                sub.bump();
                            }
                            if *sub.tok() != Tok::Eof {
                                return Err(Stop::Syntax(sub.at(), "`)` ending an interpolation"));
                            }
                            out.push(StrPart::Expr(e));
                        }
                    }
                }
                Ok(Expr::Str {
                    bytes,
                    parts: out,
                    at,
                })
            }
            Tok::Op("(") => {
                self.bump();
                self.enter()?;
                let x = self.expr()?;
                self.depth -= 1;
                self.expect_op(")", "`)`")?;
                Ok(Expr::Paren(Box::new(x)))
            }
            Tok::Op("{") => {
                self.bump();
                self.enter()?;
                let decls = self.decls()?;
                self.depth -= 1;
                self.expect_op("}", "`}` closing a struct")?;
                Ok(Expr::Struct(decls, at))
            }
            Tok::Op("[") => {
                self.bump();
                self.enter()?;
                let list = self.list(at)?;
                self.depth -= 1;
                Ok(list)
            }
            _ => Err(Stop::Syntax(at, "an operand")),
        }
    }

    fn list(&mut self, at: At) -> Result<Expr, Stop> {
        let mut elems = Vec::new();
        let mut rest = None;
        loop {
            if self.is_op("]") {
                break;
            }
            if self.is_op("...") {
                self.bump();
                let t = if matches!(self.tok(), Tok::Comma | Tok::Op("]")) {
                    Expr::Ident("_".into(), at)
                } else {
                    self.expr()?
                };
                rest = Some(Box::new(t));
                if *self.tok() == Tok::Comma {
                    self.bump();
                }
                break;
            }
            let eat = self.at();
            if (self.is_ident("for") || self.is_ident("if"))
                && !matches!(
                    self.peek(1),
                    Tok::Op(":" | "=" | "?") | Tok::Comma | Tok::Eof
                )
            {
                let clauses = self.clauses()?;
                if !self.is_op("{") {
                    return Err(Stop::Syntax(
                        self.at(),
                        "a struct after a comprehension's clauses",
                    ));
                }
                let body = self.operand()?;
                if self.is_ident("else") || self.is_ident("fallback") || self.is_ident("otherwise")
                {
                    return Err(Stop::Unsupported(self.at(), "fallback clauses"));
                }
                elems.push(Decl::Comprehension(clauses, body));
            } else {
                let e = self.expr()?;
                if self.is_op("=") {
                    let Expr::Ident(name, _) = &e else {
                        return Err(Stop::Syntax(self.at(), "an identifier before `=`"));
                    };
                    let name = name.clone();
                    self.bump();
                    let v = self.expr()?;
                    // `[X=expr]`: only meaningful as a pattern label
                    elems.push(Decl::Field(Field {
                        name: LabelName::Name(name.clone()),
                        presence: Presence::Regular,
                        alias: Some(name),
                        ident: true,
                        value: v,
                        at: eat,
                    }));
                } else {
                    elems.push(Decl::Embed(e));
                }
            }
            match self.tok() {
                Tok::Comma => self.bump(),
                Tok::Op("]") => {}
                _ => return Err(Stop::Syntax(self.at(), "`,` or `]` in a list")),
            }
        }
        self.expect_op("]", "`]` closing a list")?;
        Ok(Expr::List(elems, rest, at))
    }
}
