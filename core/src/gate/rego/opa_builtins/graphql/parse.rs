//! GraphQL source to gqlparser's AST ([`super::ast`]) as gqlparser v2.5.64's `ParseQuery`
//! and `ParseSchema` build it: apollo-parser's lossless tree, read with gqlparser's rules on top
//! (a query document holds only operations and fragments, a schema document only type-system
//! definitions; `{}`, `()` and empty extensions are errors; variables are refused where values are
//! constant; nesting stops at gqlparser's 1,000 levels) and its comments placed where gqlparser
//! places them.
//!
//! Descriptions on operations and fragments and variables on fragments, which apollo-parser does
//! not know, are cut out first ([`super::syntax_extras`]). Where apollo-parser's grammar
//! is still narrower than gqlparser's, the document is an error here and parses under OPA:
//! descriptions on variables, `extend directive`, directives on a directive definition, the
//! `DIRECTIVE_DEFINITION` location, variables in a variable's directives or an input
//! extension's directives.

use std::collections::HashMap;

use apollo_parser::cst::{self, CstNode};
use apollo_parser::{Lexer, Parser, SyntaxKind, SyntaxNode, SyntaxToken, TokenKind};

use super::ast::{
    Argument, ArgumentDefinition, ChildValue, Comment, CommentGroup, Definition, Directive,
    DirectiveDefinition, EnumValueDefinition, Field, FieldDefinition, FragmentDefinition,
    FragmentSpread, InlineFragment, Kind, OperationDefinition, OperationTypeDefinition,
    QueryDocument, SchemaDefinition, SchemaDocument, Selection, Type, Value, VariableDefinition,
};
use super::syntax_extras::{self, Extras};

/// gqlparser's `MaxNestingDepth`: selection sets, list and object values and list types, counted
/// together.
pub(super) const MAX_NESTING: usize = 1000;

/// A parse error: gqlparser-like words and the byte offset they are about.
struct Fault {
    message: String,
    at: usize,
}

type Parsed<T> = Result<T, Fault>;

/// The tokens of `source` other than whitespace, commas and comments (a lexing error counts as
/// one), counted up to `limit + 1`.
pub(super) fn token_count(source: &str, limit: usize) -> usize {
    let mut count = 0;
    for token in Lexer::new(source) {
        if !token.is_ok_and(|t| {
            matches!(
                t.kind(),
                TokenKind::Whitespace | TokenKind::Comma | TokenKind::Comment | TokenKind::Eof
            )
        }) {
            count += 1;
            if count > limit {
                break;
            }
        }
    }
    count
}

/// A query document, else OPA's error text (`… in GraphQL string at location L:C`).
pub(super) fn query(source: &str) -> Result<QueryDocument, String> {
    query_document(source).map_err(|f| located(source, &f))
}

/// A schema document (not validated), else OPA's error text.
pub(super) fn schema(source: &str) -> Result<SchemaDocument, String> {
    schema_document(source).map_err(|f| located(source, &f))
}

fn located(source: &str, fault: &Fault) -> String {
    let before = source.get(..fault.at).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(
        "{} in GraphQL string at location {line}:{column}",
        fault.message
    )
}

/// apollo-parser's tree of `source`, once brackets are known to nest no deeper than gqlparser
/// allows (apollo-parser bounds only selection sets; a list value nested a million deep would
/// exhaust the stack).
fn tree(source: &str) -> Parsed<cst::Document> {
    let mut depth = 0usize;
    for token in Lexer::new(source).flatten() {
        match token.kind() {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LCurly => {
                depth += 1;
                // parentheses and a type's field braces are not counted by gqlparser
                if depth > MAX_NESTING + 3 {
                    return Err(Fault {
                        message: format!("exceeded maximum nesting depth of {MAX_NESTING}"),
                        at: token.index(),
                    });
                }
            }
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RCurly => {
                depth = depth.saturating_sub(1);
            }
            // gqlparser refuses control characters in strings (apollo-parser takes them)
            TokenKind::StringValue => {
                let block = token.data().starts_with("\"\"\"");
                let control = token
                    .data()
                    .char_indices()
                    .find(|&(_, c)| c < ' ' && c != '\t' && !(block && (c == '\n' || c == '\r')));
                if let Some((i, c)) = control {
                    return Err(Fault {
                        message: format!(
                            "Invalid character within String: \"\\u{:04x}\".",
                            u32::from(c)
                        ),
                        at: token.index() + i,
                    });
                }
            }
            _ => {}
        }
    }
    let tree = Parser::new(source)
        .recursion_limit(MAX_NESTING + 10)
        .parse();
    if let Some(e) = tree.errors().next() {
        return Err(Fault {
            message: e.message().to_owned(),
            at: e.index(),
        });
    }
    Ok(tree.document())
}

fn query_document(source: &str) -> Parsed<QueryDocument> {
    let mut reader = Reader::default();
    let mut doc = QueryDocument::default();
    if token_count(source, 0) == 0 {
        // apollo-parser refuses a document without definitions, gqlparser does not
        return Ok(doc);
    }
    let (source, extras) = syntax_extras::cut(source);
    reader.extras = extras;
    for definition in tree(&source)?.definitions() {
        match definition {
            cst::Definition::OperationDefinition(op) => doc.operations.push(reader.operation(&op)?),
            cst::Definition::FragmentDefinition(f) => doc.fragments.push(reader.fragment(&f)?),
            other => return Err(unexpected(other.syntax())),
        }
    }
    Ok(doc)
}

fn schema_document(source: &str) -> Parsed<SchemaDocument> {
    let mut reader = Reader::default();
    let mut doc = SchemaDocument::default();
    if token_count(source, 0) == 0 {
        let list: Vec<Comment> = Lexer::new(source)
            .flatten()
            .filter(|t| t.kind() == TokenKind::Comment)
            .map(|t| Comment {
                value: t.data().trim_end_matches(['\r', '\n']).to_owned(),
            })
            .collect();
        doc.comment = (!list.is_empty()).then_some(CommentGroup { list });
        return Ok(doc);
    }
    let document = tree(source)?;
    for definition in document.definitions() {
        reader.schema_definition(definition, &mut doc)?;
    }
    // gqlparser keeps the comments before the end of the document
    doc.comment = comments_before(document.syntax().last_token());
    Ok(doc)
}

fn is_trivia(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::WHITESPACE | SyntaxKind::COMMA | SyntaxKind::COMMENT | SyntaxKind::EOF
    )
}

fn first_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| !is_trivia(t.kind()))
}

/// The comments between `token` and the significant token before it (gqlparser's `p.comment`
/// when `token` is next); `token` itself counts when it is the end of the document.
fn comments_before(token: Option<SyntaxToken>) -> Option<CommentGroup> {
    let token = token?;
    let mut list = Vec::new();
    let mut at = if token.kind() == SyntaxKind::COMMENT {
        Some(token)
    } else {
        token.prev_token()
    };
    while let Some(t) = at {
        match t.kind() {
            SyntaxKind::COMMENT => list.push(Comment {
                value: t.text().trim_end_matches(['\r', '\n']).to_owned(),
            }),
            kind if is_trivia(kind) => {}
            _ => break,
        }
        at = t.prev_token();
    }
    list.reverse();
    (!list.is_empty()).then_some(CommentGroup { list })
}

/// The comments before the first significant token of `node`.
fn before(node: &SyntaxNode) -> Option<CommentGroup> {
    comments_before(first_token(node))
}

fn unexpected(node: &SyntaxNode) -> Fault {
    let token = first_token(node);
    Fault {
        message: format!(
            "Unexpected Name \"{}\"",
            token
                .as_ref()
                .map(|t| t.text().to_owned())
                .unwrap_or_default()
        ),
        at: token.map_or(0, |t| usize::from(t.text_range().start())),
    }
}

fn at(node: &SyntaxNode) -> usize {
    first_token(node).map_or(usize::from(node.text_range().start()), |t| {
        usize::from(t.text_range().start())
    })
}

/// gqlparser's `some`: a `{…}` or `(…)` list must hold at least one element.
fn some(count: usize, node: &SyntaxNode) -> Parsed<()> {
    if count == 0 {
        Err(Fault {
            message: "expected at least one definition, found }".to_owned(),
            at: usize::from(node.text_range().end()).saturating_sub(1),
        })
    } else {
        Ok(())
    }
}

/// A part apollo-parser may leave out of a tree it reports no error for (`@skip(if true)`).
fn required<T>(part: Option<T>, node: &SyntaxNode, message: &str) -> Parsed<T> {
    part.ok_or_else(|| Fault {
        message: message.to_owned(),
        at: usize::from(node.text_range().end()),
    })
}

fn name(n: Option<cst::Name>) -> String {
    n.map(|n| n.text().to_string()).unwrap_or_default()
}

fn named(n: Option<cst::NamedType>) -> String {
    name(n.and_then(|n| n.name()))
}

/// A description's text and the comments before it.
fn description(d: Option<cst::Description>) -> (String, Option<CommentGroup>) {
    match d.as_ref().and_then(|d| d.string_value()) {
        Some(s) => (string_value(&s).1, d.and_then(|d| before(d.syntax()))),
        None => (String::new(), None),
    }
}

/// Whether a string literal is a block string, and its value as gqlparser reads it.
fn string_value(s: &cst::StringValue) -> (bool, String) {
    match first_token(s.syntax()) {
        Some(t) if t.text().starts_with("\"\"\"") => (true, block_string_value(t.text())),
        _ => (false, String::from(s)),
    }
}

/// A block string's value as gqlparser's lexer computes it (`blockStringValue`), which differs
/// from the GraphQL spec's (and apollo-parser's): the first line counts for the common
/// indentation, so `"""a\n  b"""` keeps its two spaces.
fn block_string_value(token: &str) -> String {
    let inner = token
        .strip_prefix("\"\"\"")
        .and_then(|t| t.strip_suffix("\"\"\""))
        .unwrap_or(token);
    let raw = inner
        .replace("\\\"\"\"", "\"\"\"")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let indent = |line: &str| line.find(|c| c != ' ' && c != '\t');
    let mut lines: Vec<&str> = raw.split('\n').collect();
    if let Some(common) = lines.iter().filter_map(|l| indent(l)).min() {
        for line in lines.iter_mut().skip(1) {
            *line = line.get(common..).unwrap_or("");
        }
    }
    let start = lines.iter().position(|l| indent(l).is_some());
    let end = lines.iter().rposition(|l| indent(l).is_some());
    match (start, end) {
        (Some(start), Some(end)) => lines[start..=end].join("\n"),
        _ => String::new(),
    }
}

/// What an object or interface type (or extension) holds after its name.
type FieldsParts = (
    Option<cst::ImplementsInterfaces>,
    Option<cst::Directives>,
    Option<cst::FieldsDefinition>,
);

/// The AST builder's state: how deep gqlparser's nesting counter is, and the syntax cut out of
/// a query document for apollo-parser, by keyword offset.
#[derive(Default)]
struct Reader {
    depth: usize,
    extras: HashMap<usize, Extras>,
}

/// The text of a string literal (a description cut out of a query document).
fn literal_text(literal: &str) -> Parsed<String> {
    let doc = query_document(&format!("{{a(x: {literal})}}"))?;
    let field = doc
        .operations
        .into_iter()
        .next()
        .and_then(|o| o.selection_set.into_iter().next());
    Ok(match field {
        Some(Selection::Field(f)) => f
            .arguments
            .into_iter()
            .next()
            .and_then(|a| a.value)
            .map(|v| v.raw)
            .unwrap_or_default(),
        _ => String::new(),
    })
}

/// A fragment's variable definitions (cut out of a query document, parentheses included), read
/// as an operation's.
fn fragment_variables(text: &str) -> Parsed<Vec<VariableDefinition>> {
    let doc = query_document(&format!("query {text} {{ a }}"))?;
    Ok(doc
        .operations
        .into_iter()
        .next()
        .map(|o| o.variable_definitions)
        .unwrap_or_default())
}

fn offset(node: &SyntaxNode) -> usize {
    first_token(node).map_or(0, |t| usize::from(t.text_range().start()))
}

impl Reader {
    fn enter(&mut self, node: &SyntaxNode) -> Parsed<()> {
        if self.depth >= MAX_NESTING {
            return Err(Fault {
                message: format!("exceeded maximum nesting depth of {MAX_NESTING}"),
                at: at(node),
            });
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn operation(&mut self, op: &cst::OperationDefinition) -> Parsed<OperationDefinition> {
        let selection_set = self.required_selection_set(op.selection_set(), op.syntax())?;
        let Some(kind) = op.operation_type() else {
            // gqlparser reads the shorthand's comment after its selection set: never one
            return Ok(OperationDefinition {
                operation: "query".to_owned(),
                selection_set,
                ..OperationDefinition::default()
            });
        };
        let operation = if kind.mutation_token().is_some() {
            "mutation"
        } else if kind.subscription_token().is_some() {
            "subscription"
        } else {
            "query"
        };
        let description = match self.extras.get(&offset(kind.syntax())) {
            Some(Extras {
                description: Some(literal),
                ..
            }) => literal_text(literal)?,
            _ => String::new(),
        };
        Ok(OperationDefinition {
            description,
            operation: operation.to_owned(),
            name: name(op.name()),
            variable_definitions: self.variable_definitions(op.variable_definitions())?,
            directives: self.directives(op.directives(), false)?,
            selection_set,
            comment: before(kind.syntax()),
        })
    }

    fn fragment(&mut self, f: &cst::FragmentDefinition) -> Parsed<FragmentDefinition> {
        let fragment_name = name(f.fragment_name().and_then(|n| n.name()));
        if fragment_name == "on" {
            return Err(unexpected(f.syntax()));
        }
        let (description, variable_definition) = match self.extras.get(&offset(f.syntax())) {
            Some(extras) => (
                extras
                    .description
                    .as_deref()
                    .map(literal_text)
                    .transpose()?
                    .unwrap_or_default(),
                extras
                    .variables
                    .as_deref()
                    .map(fragment_variables)
                    .transpose()?
                    .unwrap_or_default(),
            ),
            None => (String::new(), Vec::new()),
        };
        Ok(FragmentDefinition {
            description,
            name: fragment_name,
            variable_definition,
            type_condition: named(f.type_condition().and_then(|t| t.named_type())),
            directives: self.directives(f.directives(), false)?,
            selection_set: self.required_selection_set(f.selection_set(), f.syntax())?,
            comment: before(f.syntax()),
        })
    }

    fn variable_definitions(
        &mut self,
        defs: Option<cst::VariableDefinitions>,
    ) -> Parsed<Vec<VariableDefinition>> {
        let Some(defs) = defs else {
            return Ok(Vec::new());
        };
        let out = defs
            .variable_definitions()
            .map(|d| {
                Ok(VariableDefinition {
                    description: String::new(),
                    variable: name(d.variable().and_then(|v| v.name())),
                    ty: Some(self.ty(&required(d.ty(), d.syntax(), "Expected Name")?)?),
                    default_value: d
                        .default_value()
                        .and_then(|v| v.value())
                        .map(|v| self.value(&v, true))
                        .transpose()?,
                    directives: self.directives(d.directives(), false)?,
                    comment: before(d.syntax()),
                    used: false,
                })
            })
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), defs.syntax())?;
        Ok(out)
    }

    fn required_selection_set(
        &mut self,
        set: Option<cst::SelectionSet>,
        owner: &SyntaxNode,
    ) -> Parsed<Vec<Selection>> {
        match set {
            Some(set) => self.selection_set(&set),
            None => Err(Fault {
                message: "Expected {".to_owned(),
                at: usize::from(owner.text_range().end()),
            }),
        }
    }

    fn selection_set(&mut self, set: &cst::SelectionSet) -> Parsed<Vec<Selection>> {
        self.enter(set.syntax())?;
        let out = set
            .selections()
            .map(|s| self.selection(&s))
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), set.syntax())?;
        self.leave();
        Ok(out)
    }

    fn selection(&mut self, s: &cst::Selection) -> Parsed<Selection> {
        Ok(match s {
            cst::Selection::Field(f) => {
                let field_name = name(f.name());
                let alias = match f.alias() {
                    Some(a) => name(a.name()),
                    None => field_name.clone(),
                };
                Selection::Field(Field {
                    alias,
                    name: field_name,
                    arguments: self.arguments(f.arguments(), false)?,
                    directives: self.directives(f.directives(), false)?,
                    selection_set: match f.selection_set() {
                        Some(set) => self.selection_set(&set)?,
                        None => Vec::new(),
                    },
                    comment: before(f.syntax()),
                })
            }
            cst::Selection::FragmentSpread(f) => {
                let spread_name = name(f.fragment_name().and_then(|n| n.name()));
                if spread_name == "on" {
                    return Err(unexpected(f.syntax()));
                }
                Selection::FragmentSpread(FragmentSpread {
                    name: spread_name,
                    directives: self.directives(f.directives(), false)?,
                    comment: before(f.syntax()),
                })
            }
            cst::Selection::InlineFragment(f) => Selection::InlineFragment(InlineFragment {
                type_condition: named(f.type_condition().and_then(|t| t.named_type())),
                directives: self.directives(f.directives(), false)?,
                selection_set: self.required_selection_set(f.selection_set(), f.syntax())?,
                comment: before(f.syntax()),
            }),
        })
    }

    fn arguments(&mut self, args: Option<cst::Arguments>, constant: bool) -> Parsed<Vec<Argument>> {
        let Some(args) = args else {
            return Ok(Vec::new());
        };
        let out = args
            .arguments()
            .map(|a| {
                Ok(Argument {
                    name: name(a.name()),
                    value: Some(self.after_colon(
                        a.value(),
                        a.colon_token(),
                        a.syntax(),
                        constant,
                    )?),
                    comment: before(a.syntax()),
                })
            })
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), args.syntax())?;
        Ok(out)
    }

    fn directives(
        &mut self,
        dirs: Option<cst::Directives>,
        constant: bool,
    ) -> Parsed<Vec<Directive>> {
        let Some(dirs) = dirs else {
            return Ok(Vec::new());
        };
        dirs.directives()
            .map(|d| {
                Ok(Directive {
                    name: name(d.name()),
                    arguments: self.arguments(d.arguments(), constant)?,
                    location: String::new(),
                })
            })
            .collect()
    }

    fn value(&mut self, v: &cst::Value, constant: bool) -> Parsed<Value> {
        let scalar = |kind: Kind, raw: String| Value {
            raw,
            kind: kind as u8,
            ..Value::default()
        };
        let text = |node: &SyntaxNode| first_token(node).map(|t| t.text().to_owned());
        Ok(match v {
            cst::Value::Variable(x) => {
                if constant {
                    return Err(Fault {
                        message: "Unexpected $".to_owned(),
                        at: at(x.syntax()),
                    });
                }
                scalar(Kind::Variable, name(x.name()))
            }
            cst::Value::IntValue(x) => scalar(Kind::Int, text(x.syntax()).unwrap_or_default()),
            cst::Value::FloatValue(x) => scalar(Kind::Float, text(x.syntax()).unwrap_or_default()),
            cst::Value::StringValue(x) => {
                let (block, value) = string_value(x);
                let kind = if block { Kind::Block } else { Kind::String };
                scalar(kind, value)
            }
            cst::Value::BooleanValue(x) => {
                let raw = if x.true_token().is_some() {
                    "true"
                } else {
                    "false"
                };
                scalar(Kind::Boolean, raw.to_owned())
            }
            cst::Value::NullValue(_) => scalar(Kind::Null, "null".to_owned()),
            cst::Value::EnumValue(x) => scalar(Kind::Enum, name(x.name())),
            cst::Value::ListValue(list) => {
                self.enter(list.syntax())?;
                let children = list
                    .values()
                    .map(|v| {
                        Ok(ChildValue {
                            value: Some(self.value(&v, constant)?),
                            ..ChildValue::default()
                        })
                    })
                    .collect::<Parsed<Vec<_>>>()?;
                self.leave();
                Value {
                    children,
                    kind: Kind::List as u8,
                    comment: before(list.syntax()),
                    ..Value::default()
                }
            }
            cst::Value::ObjectValue(object) => {
                self.enter(object.syntax())?;
                let children = object
                    .object_fields()
                    .map(|f| {
                        Ok(ChildValue {
                            name: name(f.name()),
                            value: Some(self.after_colon(
                                f.value(),
                                f.colon_token(),
                                f.syntax(),
                                constant,
                            )?),
                            comment: before(f.syntax()),
                        })
                    })
                    .collect::<Parsed<Vec<_>>>()?;
                self.leave();
                Value {
                    children,
                    kind: Kind::Object as u8,
                    comment: before(object.syntax()),
                    ..Value::default()
                }
            }
        })
    }

    /// The value after `name:` in an argument or object field; both parts are required.
    fn after_colon(
        &mut self,
        value: Option<cst::Value>,
        colon: Option<SyntaxToken>,
        node: &SyntaxNode,
        constant: bool,
    ) -> Parsed<Value> {
        let value = required(value.filter(|_| colon.is_some()), node, "Expected :")?;
        self.value(&value, constant)
    }

    fn ty(&mut self, t: &cst::Type) -> Parsed<Type> {
        Ok(match t {
            cst::Type::NamedType(n) => Type {
                named_type: named(Some(n.clone())),
                ..Type::default()
            },
            cst::Type::ListType(list) => self.list_type(list)?,
            cst::Type::NonNullType(nn) => {
                let mut inner = match (nn.named_type(), nn.list_type()) {
                    (Some(n), _) => Type {
                        named_type: named(Some(n)),
                        ..Type::default()
                    },
                    (None, Some(list)) => self.list_type(&list)?,
                    (None, None) => Type::default(),
                };
                inner.non_null = true;
                inner
            }
        })
    }

    fn list_type(&mut self, list: &cst::ListType) -> Parsed<Type> {
        self.enter(list.syntax())?;
        let elem = list.ty().map(|t| self.ty(&t)).transpose()?;
        self.leave();
        Ok(Type {
            elem: elem.map(Box::new),
            ..Type::default()
        })
    }

    // ---- schema documents ----

    fn schema_definition(
        &mut self,
        definition: cst::Definition,
        doc: &mut SchemaDocument,
    ) -> Parsed<()> {
        use cst::Definition as D;
        match definition {
            D::SchemaDefinition(s) => {
                let (text, comment) = description(s.description());
                let (types, end) =
                    self.root_types(&s.syntax().clone(), s.root_operation_type_definitions())?;
                doc.schema.push(SchemaDefinition {
                    description: text,
                    directives: self.directives(s.directives(), true)?,
                    operation_types: types,
                    before_description_comment: comment,
                    after_description_comment: comments_before(s.schema_token()),
                    end_of_definition_comment: end,
                });
            }
            D::SchemaExtension(s) => {
                let (types, end) =
                    self.root_types(&s.syntax().clone(), s.root_operation_type_definitions())?;
                let directives = self.directives(s.directives(), true)?;
                if types.is_empty() && directives.is_empty() {
                    return Err(unexpected(s.syntax()));
                }
                doc.schema_extension.push(SchemaDefinition {
                    directives,
                    operation_types: types,
                    after_description_comment: comments_before(s.extend_token()),
                    end_of_definition_comment: end,
                    ..SchemaDefinition::default()
                });
            }
            D::DirectiveDefinition(d) => {
                let (text, comment) = description(d.description());
                let mut locations = Vec::new();
                for l in d
                    .directive_locations()
                    .iter()
                    .flat_map(|l| l.directive_locations())
                {
                    let node = l.syntax().clone();
                    match l.text() {
                        Some(t) => locations.push(t.to_string()),
                        None => return Err(unexpected(&node)),
                    }
                }
                doc.directives.push(DirectiveDefinition {
                    description: text,
                    name: name(d.name()),
                    arguments: self.argument_definitions(d.arguments_definition())?,
                    directives: Vec::new(),
                    locations,
                    is_repeatable: d.repeatable_token().is_some(),
                    before_description_comment: comment,
                    after_description_comment: comments_before(d.directive_token()),
                });
            }
            D::ScalarTypeDefinition(d) => {
                let mut def = self.type_head("SCALAR", d.description(), d.scalar_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                doc.definitions.push(def);
            }
            D::ObjectTypeDefinition(d) => {
                let head = self.type_head("OBJECT", d.description(), d.type_token(), d.name());
                let parts = (
                    d.implements_interfaces(),
                    d.directives(),
                    d.fields_definition(),
                );
                doc.definitions.push(self.with_fields(head, parts)?);
            }
            D::InterfaceTypeDefinition(d) => {
                let head =
                    self.type_head("INTERFACE", d.description(), d.interface_token(), d.name());
                let parts = (
                    d.implements_interfaces(),
                    d.directives(),
                    d.fields_definition(),
                );
                doc.definitions.push(self.with_fields(head, parts)?);
            }
            D::UnionTypeDefinition(d) => {
                let mut def = self.type_head("UNION", d.description(), d.union_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                def.types = members(d.union_member_types());
                doc.definitions.push(def);
            }
            D::EnumTypeDefinition(d) => {
                let mut def = self.type_head("ENUM", d.description(), d.enum_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                (def.enum_values, def.end_of_definition_comment) =
                    self.enum_values(d.enum_values_definition())?;
                doc.definitions.push(def);
            }
            D::InputObjectTypeDefinition(d) => {
                let mut def =
                    self.type_head("INPUT_OBJECT", d.description(), d.input_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                (def.fields, def.end_of_definition_comment) =
                    self.input_fields(d.input_fields_definition())?;
                doc.definitions.push(def);
            }
            D::ScalarTypeExtension(d) => {
                let mut def = extension("SCALAR", d.extend_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                nonempty(def.directives.len(), d.syntax())?;
                doc.extensions.push(def);
            }
            D::ObjectTypeExtension(d) => {
                let head = extension("OBJECT", d.extend_token(), d.name());
                let parts = (
                    d.implements_interfaces(),
                    d.directives(),
                    d.fields_definition(),
                );
                doc.extensions
                    .push(self.fields_extension(head, parts, d.syntax())?);
            }
            D::InterfaceTypeExtension(d) => {
                let head = extension("INTERFACE", d.extend_token(), d.name());
                let parts = (
                    d.implements_interfaces(),
                    d.directives(),
                    d.fields_definition(),
                );
                doc.extensions
                    .push(self.fields_extension(head, parts, d.syntax())?);
            }
            D::UnionTypeExtension(d) => {
                let mut def = extension("UNION", d.extend_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                def.types = members(d.union_member_types());
                nonempty(def.directives.len() + def.types.len(), d.syntax())?;
                doc.extensions.push(def);
            }
            D::EnumTypeExtension(d) => {
                let mut def = extension("ENUM", d.extend_token(), d.name());
                def.directives = self.directives(d.directives(), true)?;
                (def.enum_values, def.end_of_definition_comment) =
                    self.enum_values(d.enum_values_definition())?;
                nonempty(def.directives.len() + def.enum_values.len(), d.syntax())?;
                doc.extensions.push(def);
            }
            D::InputObjectTypeExtension(d) => {
                let mut def = extension("INPUT_OBJECT", d.extend_token(), d.name());
                // gqlparser reads an input extension's directives as non-constant
                def.directives = self.directives(d.directives(), false)?;
                (def.fields, def.end_of_definition_comment) =
                    self.input_fields(d.input_fields_definition())?;
                nonempty(def.directives.len() + def.fields.len(), d.syntax())?;
                doc.extensions.push(def);
            }
            D::OperationDefinition(_) | D::FragmentDefinition(_) => {
                return Err(unexpected(definition.syntax()));
            }
        }
        Ok(())
    }

    fn type_head(
        &self,
        kind: &str,
        desc: Option<cst::Description>,
        keyword: Option<SyntaxToken>,
        type_name: Option<cst::Name>,
    ) -> Definition {
        let (text, comment) = description(desc);
        Definition {
            kind: kind.to_owned(),
            description: text,
            name: name(type_name),
            before_description_comment: comment,
            after_description_comment: comments_before(keyword),
            ..Definition::default()
        }
    }

    /// An object or interface type (or extension) with its interfaces, directives and fields.
    fn with_fields(&mut self, mut def: Definition, parts: FieldsParts) -> Parsed<Definition> {
        let (implements, directives, fields) = parts;
        def.interfaces = interfaces(implements);
        def.directives = self.directives(directives, true)?;
        (def.fields, def.end_of_definition_comment) = self.fields(fields)?;
        Ok(def)
    }

    /// An object or interface extension, which must add something.
    fn fields_extension(
        &mut self,
        head: Definition,
        parts: FieldsParts,
        node: &SyntaxNode,
    ) -> Parsed<Definition> {
        let def = self.with_fields(head, parts)?;
        nonempty(
            def.interfaces.len() + def.directives.len() + def.fields.len(),
            node,
        )?;
        Ok(def)
    }

    fn root_types(
        &mut self,
        owner: &SyntaxNode,
        defs: cst::CstChildren<cst::RootOperationTypeDefinition>,
    ) -> Parsed<(Vec<OperationTypeDefinition>, Option<CommentGroup>)> {
        let types: Vec<OperationTypeDefinition> = defs
            .map(|d| {
                let kind = d.operation_type();
                let operation = match &kind {
                    Some(k) if k.mutation_token().is_some() => "mutation",
                    Some(k) if k.subscription_token().is_some() => "subscription",
                    _ => "query",
                };
                OperationTypeDefinition {
                    operation: operation.to_owned(),
                    ty: named(d.named_type()),
                    comment: before(d.syntax()),
                }
            })
            .collect();
        let close = owner
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == SyntaxKind::R_CURLY);
        match close {
            Some(close) => {
                some(types.len(), owner)?;
                Ok((types, comments_before(Some(close))))
            }
            None => Ok((types, None)),
        }
    }

    fn fields(
        &mut self,
        defs: Option<cst::FieldsDefinition>,
    ) -> Parsed<(Vec<FieldDefinition>, Option<CommentGroup>)> {
        let Some(defs) = defs else {
            return Ok((Vec::new(), None));
        };
        let out = defs
            .field_definitions()
            .map(|f| {
                let (text, comment) = description(f.description());
                let has_text = !text.is_empty();
                Ok(FieldDefinition {
                    description: text,
                    name: name(f.name()),
                    arguments: self.argument_definitions(f.arguments_definition())?,
                    default_value: None,
                    ty: Some(self.ty(&required(f.ty(), f.syntax(), "Expected Name")?)?),
                    directives: self.directives(f.directives(), true)?,
                    before_description_comment: comment.filter(|_| has_text),
                    after_description_comment: f.name().and_then(|n| before(n.syntax())),
                })
            })
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), defs.syntax())?;
        Ok((out, comments_before(defs.r_curly_token())))
    }

    fn input_fields(
        &mut self,
        defs: Option<cst::InputFieldsDefinition>,
    ) -> Parsed<(Vec<FieldDefinition>, Option<CommentGroup>)> {
        let Some(defs) = defs else {
            return Ok((Vec::new(), None));
        };
        let out = defs
            .input_value_definitions()
            .map(|v| {
                let a = self.input_value(&v)?;
                Ok(FieldDefinition {
                    description: a.description,
                    name: a.name,
                    arguments: Vec::new(),
                    default_value: a.default_value,
                    ty: a.ty,
                    directives: a.directives,
                    before_description_comment: a.before_description_comment,
                    after_description_comment: a.after_description_comment,
                })
            })
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), defs.syntax())?;
        Ok((out, comments_before(defs.r_curly_token())))
    }

    fn argument_definitions(
        &mut self,
        defs: Option<cst::ArgumentsDefinition>,
    ) -> Parsed<Vec<ArgumentDefinition>> {
        let Some(defs) = defs else {
            return Ok(Vec::new());
        };
        let out = defs
            .input_value_definitions()
            .map(|v| self.input_value(&v))
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), defs.syntax())?;
        Ok(out)
    }

    fn input_value(&mut self, v: &cst::InputValueDefinition) -> Parsed<ArgumentDefinition> {
        let (text, comment) = description(v.description());
        let has_text = !text.is_empty();
        Ok(ArgumentDefinition {
            description: text,
            name: name(v.name()),
            default_value: v
                .default_value()
                .and_then(|d| d.value())
                .map(|d| self.value(&d, true))
                .transpose()?,
            ty: Some(self.ty(&required(v.ty(), v.syntax(), "Expected Name")?)?),
            directives: self.directives(v.directives(), true)?,
            before_description_comment: comment.filter(|_| has_text),
            after_description_comment: v.name().and_then(|n| before(n.syntax())),
        })
    }

    fn enum_values(
        &mut self,
        defs: Option<cst::EnumValuesDefinition>,
    ) -> Parsed<(Vec<EnumValueDefinition>, Option<CommentGroup>)> {
        let Some(defs) = defs else {
            return Ok((Vec::new(), None));
        };
        let out = defs
            .enum_value_definitions()
            .map(|e| {
                let (text, comment) = description(e.description());
                let has_text = !text.is_empty();
                let value = e.enum_value();
                Ok(EnumValueDefinition {
                    description: text,
                    name: name(value.as_ref().and_then(|v| v.name())),
                    directives: self.directives(e.directives(), true)?,
                    before_description_comment: comment.filter(|_| has_text),
                    after_description_comment: value.and_then(|v| before(v.syntax())),
                })
            })
            .collect::<Parsed<Vec<_>>>()?;
        some(out.len(), defs.syntax())?;
        Ok((out, comments_before(defs.r_curly_token())))
    }
}

fn extension(kind: &str, extend: Option<SyntaxToken>, type_name: Option<cst::Name>) -> Definition {
    Definition {
        kind: kind.to_owned(),
        name: name(type_name),
        after_description_comment: comments_before(extend),
        ..Definition::default()
    }
}

/// gqlparser refuses an extension that adds nothing.
fn nonempty(count: usize, node: &SyntaxNode) -> Parsed<()> {
    if count == 0 {
        Err(Fault {
            message: "Unexpected <EOF>".to_owned(),
            at: usize::from(node.text_range().end()),
        })
    } else {
        Ok(())
    }
}

fn interfaces(i: Option<cst::ImplementsInterfaces>) -> Vec<String> {
    i.iter()
        .flat_map(|i| i.named_types())
        .map(|n| named(Some(n)))
        .collect()
}

fn members(m: Option<cst::UnionMemberTypes>) -> Vec<String> {
    m.iter()
        .flat_map(|m| m.named_types())
        .map(|n| named(Some(n)))
        .collect()
}
