//! CUE's syntax tree, as far as evaluation needs it (cuelang.org/go v0.17.1 `cue/ast`): the
//! declarations of a struct, the expressions, the clauses of a comprehension.

/// A byte offset in the file, for messages.
pub(super) type At = usize;

#[derive(Debug, Clone)]
pub(super) enum Expr {
    Ident(String, At),
    Int(String, At),
    Float(String, At),
    Str {
        bytes: bool,
        parts: Vec<StrPart>,
        at: At,
    },
    Bool(bool),
    Null,
    Bottom(At),
    Unary(&'static str, Box<Expr>, At),
    Binary(&'static str, Box<Expr>, Box<Expr>, At),
    Selector(Box<Expr>, String, At),
    Index(Box<Expr>, Box<Expr>, At),
    Call(Box<Expr>, Vec<Expr>, At),
    Struct(Vec<Decl>, At),
    /// Elements (embeddings or comprehensions) and, for an open list, the type of the rest.
    List(Vec<Decl>, Option<Box<Expr>>, At),
    Paren(Box<Expr>),
    /// `X=expr` in a value position.
    Alias(At),
}

#[derive(Debug, Clone)]
pub(super) enum StrPart {
    Text(Vec<u8>),
    Expr(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    Regular,
    Optional,
    Required,
}

#[derive(Debug, Clone)]
pub(super) enum LabelName {
    /// An identifier or a plain string.
    Name(String),
    /// `(expr)` or an interpolated string.
    Dynamic(Expr),
    /// `[expr]`: a pattern constraint, with the alias of the label it binds.
    Pattern(Expr, Option<String>),
}

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) name: LabelName,
    pub(super) presence: Presence,
    /// `X=label: …`
    pub(super) alias: Option<String>,
    /// Whether the label was an identifier (a reference can name it; a quoted `"a"` cannot).
    pub(super) ident: bool,
    pub(super) value: Expr,
    pub(super) at: At,
}

#[derive(Debug, Clone)]
pub(super) enum Clause {
    For(Option<String>, String, Expr),
    If(Expr),
    Let(String, Expr),
}

#[derive(Debug, Clone)]
pub(super) enum Decl {
    Field(Field),
    Embed(Expr),
    Let(String, Expr, At),
    /// `...` or `...T` in a struct.
    Ellipsis(At),
    Comprehension(Vec<Clause>, Expr),
}
