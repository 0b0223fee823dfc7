//! gqlparser's GraphQL AST (github.com/vektah/gqlparser/v2 v2.5.64 `ast`, which OPA v1.22.3's
//! `graphql.*` builtins use) as Rust types, and its JSON: what `graphql.parse_query` and
//! `graphql.parse_schema` return and what the builtins accept as an AST object.
//!
//! The field names are gqlparser's (Go's exported names); the fields gqlparser's validator fills in
//! (`Definition`, `ObjectDefinition`, `ExpectedType` …) are left out, as OPA converts an AST before
//! validating it and they are null there. OPA prunes the JSON (`pruneIrrelevantGraphQLASTNodes`):
//! no `Position`, no nulls, no empty arrays or objects; `false`, `0` and `""` stay.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// A `# …` comment, its text with the `#`.
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Comment {
    pub value: String,
}

/// The comments between two tokens.
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct CommentGroup {
    pub list: Vec<Comment>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct QueryDocument {
    pub operations: Vec<OperationDefinition>,
    pub fragments: Vec<FragmentDefinition>,
    pub comment: Option<CommentGroup>,
}

/// gqlparser decodes `Operation`, `Name`, `VariableDefinitions`, `Directives` and `SelectionSet`
/// of an operation object and ignores the rest.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct OperationDefinition {
    #[serde(skip_deserializing)]
    pub description: String,
    pub operation: String,
    pub name: String,
    pub variable_definitions: Vec<VariableDefinition>,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    #[serde(skip_deserializing)]
    pub comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct VariableDefinition {
    pub description: String,
    pub variable: String,
    #[serde(rename = "Type")]
    pub ty: Option<Type>,
    pub default_value: Option<Value>,
    pub directives: Vec<Directive>,
    pub comment: Option<CommentGroup>,
    pub used: bool,
}

/// A type reference: `NamedType` for a named type, `Elem` for a list.
#[derive(Serialize, Deserialize, Default, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Type {
    pub named_type: String,
    pub elem: Option<Box<Type>>,
    pub non_null: bool,
}

impl Type {
    /// The named type under the lists.
    pub fn name(&self) -> &str {
        match &self.elem {
            Some(elem) if self.named_type.is_empty() => elem.name(),
            _ => &self.named_type,
        }
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bang = if self.non_null { "!" } else { "" };
        match &self.elem {
            Some(elem) if self.named_type.is_empty() => write!(f, "[{elem}]{bang}"),
            _ => write!(f, "{}{bang}", self.named_type),
        }
    }
}

/// gqlparser's `ValueKind`, in its order (the JSON has the number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Variable = 0,
    Int = 1,
    Float = 2,
    String = 3,
    Block = 4,
    Boolean = 5,
    Null = 6,
    Enum = 7,
    List = 8,
    Object = 9,
}

/// A value literal: `Raw` is the source text of a number, the unescaped text of a string, the
/// name of a variable (without `$`) or enum value; a list or object has `Children`.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Value {
    pub raw: String,
    pub children: Vec<ChildValue>,
    pub kind: u8,
    pub comment: Option<CommentGroup>,
    pub expected_type_has_default: bool,
}

impl Value {
    pub fn is(&self, kind: Kind) -> bool {
        self.kind == kind as u8
    }
}

/// An element of a list (`Name` empty) or a field of an object value.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ChildValue {
    pub name: String,
    pub value: Option<Value>,
    pub comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Argument {
    pub name: String,
    pub value: Option<Value>,
    pub comment: Option<CommentGroup>,
}

/// A directive used somewhere; `Location` stays empty until gqlparser's validator fills it.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Directive {
    pub name: String,
    pub arguments: Vec<Argument>,
    pub location: String,
}

/// A selection. An AST object's selections are all decoded as fields, as gqlparser's
/// `UnmarshalSelectionSet` does (a field decodes from any object).
#[derive(Serialize, Clone, Debug)]
#[serde(untagged)]
pub(super) enum Selection {
    Field(Field),
    FragmentSpread(FragmentSpread),
    InlineFragment(InlineFragment),
}

impl<'de> Deserialize<'de> for Selection {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Field::deserialize(d).map(Selection::Field)
    }
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Field {
    pub alias: String,
    pub name: String,
    pub arguments: Vec<Argument>,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    #[serde(skip_deserializing)]
    pub comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct FragmentSpread {
    pub name: String,
    pub directives: Vec<Directive>,
    pub comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct InlineFragment {
    pub type_condition: String,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    pub comment: Option<CommentGroup>,
}

/// gqlparser names the variables of a fragment `VariableDefinition` (singular).
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct FragmentDefinition {
    #[serde(skip_deserializing)]
    pub description: String,
    pub name: String,
    pub variable_definition: Vec<VariableDefinition>,
    pub type_condition: String,
    pub directives: Vec<Directive>,
    pub selection_set: Vec<Selection>,
    #[serde(skip_deserializing)]
    pub comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct SchemaDocument {
    pub schema: Vec<SchemaDefinition>,
    pub schema_extension: Vec<SchemaDefinition>,
    pub directives: Vec<DirectiveDefinition>,
    pub directive_extensions: Vec<DirectiveDefinition>,
    pub definitions: Vec<Definition>,
    pub extensions: Vec<Definition>,
    pub comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct SchemaDefinition {
    pub description: String,
    pub directives: Vec<Directive>,
    pub operation_types: Vec<OperationTypeDefinition>,
    pub before_description_comment: Option<CommentGroup>,
    pub after_description_comment: Option<CommentGroup>,
    pub end_of_definition_comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct OperationTypeDefinition {
    pub operation: String,
    #[serde(rename = "Type")]
    pub ty: String,
    pub comment: Option<CommentGroup>,
}

/// A named type: `Kind` is `SCALAR`, `OBJECT`, `INTERFACE`, `UNION`, `ENUM` or `INPUT_OBJECT`.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Definition {
    pub kind: String,
    pub description: String,
    pub name: String,
    pub directives: Vec<Directive>,
    pub interfaces: Vec<String>,
    pub fields: Vec<FieldDefinition>,
    pub types: Vec<String>,
    pub enum_values: Vec<EnumValueDefinition>,
    pub built_in: bool,
    pub before_description_comment: Option<CommentGroup>,
    pub after_description_comment: Option<CommentGroup>,
    pub end_of_definition_comment: Option<CommentGroup>,
}

/// A field of an object or interface, or (with `DefaultValue`) of an input object.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct FieldDefinition {
    pub description: String,
    pub name: String,
    pub arguments: Vec<ArgumentDefinition>,
    pub default_value: Option<Value>,
    #[serde(rename = "Type")]
    pub ty: Option<Type>,
    pub directives: Vec<Directive>,
    pub before_description_comment: Option<CommentGroup>,
    pub after_description_comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ArgumentDefinition {
    pub description: String,
    pub name: String,
    pub default_value: Option<Value>,
    #[serde(rename = "Type")]
    pub ty: Option<Type>,
    pub directives: Vec<Directive>,
    pub before_description_comment: Option<CommentGroup>,
    pub after_description_comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct EnumValueDefinition {
    pub description: String,
    pub name: String,
    pub directives: Vec<Directive>,
    pub before_description_comment: Option<CommentGroup>,
    pub after_description_comment: Option<CommentGroup>,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct DirectiveDefinition {
    pub description: String,
    pub name: String,
    pub arguments: Vec<ArgumentDefinition>,
    pub directives: Vec<Directive>,
    pub locations: Vec<String>,
    pub is_repeatable: bool,
    pub before_description_comment: Option<CommentGroup>,
    pub after_description_comment: Option<CommentGroup>,
}

/// An AST as OPA returns it: JSON with nulls, empty arrays and empty objects pruned (recursively:
/// an object left empty by pruning goes too).
pub(super) fn pruned_json<T: Serialize>(ast: &T) -> Result<Json, String> {
    let json = serde_json::to_value(ast).map_err(|e| e.to_string())?;
    Ok(pruned(json).unwrap_or(Json::Object(serde_json::Map::new())))
}

fn pruned(value: Json) -> Option<Json> {
    match value {
        Json::Null => None,
        Json::Array(items) => {
            let items: Vec<Json> = items.into_iter().filter_map(pruned).collect();
            (!items.is_empty()).then_some(Json::Array(items))
        }
        Json::Object(map) => {
            let map: serde_json::Map<String, Json> = map
                .into_iter()
                .filter(|(k, _)| k != "Position")
                .filter_map(|(k, v)| pruned(v).map(|v| (k, v)))
                .collect();
            (!map.is_empty()).then_some(Json::Object(map))
        }
        scalar => Some(scalar),
    }
}

/// An AST object decoded as Go's `json.Unmarshal` decodes it: keys matched ignoring case (but
/// where gqlparser decodes a type itself: operations, fragments and selections), a missing or null
/// field the zero value, a field of the wrong type an error, unknown fields ignored.
pub(super) fn decoded<T: for<'de> Deserialize<'de>>(json: Json, shape: Shape) -> Result<T, String> {
    serde_json::from_value(folded(json, shape)).map_err(|e| e.to_string())
}

/// The AST's types, as far as decoding JSON needs them.
#[derive(Clone, Copy)]
pub(super) enum Shape {
    QueryDocument,
    SchemaDocument,
    Operation,
    Fragment,
    Field,
    VariableDefinition,
    Type,
    Value,
    Named,
    Directive,
    CommentGroup,
    Comment,
    SchemaDefinition,
    OperationTypeDefinition,
    Definition,
    FieldDefinition,
    EnumValueDefinition,
    DirectiveDefinition,
    Leaf,
}

impl Shape {
    /// Whether gqlparser matches this type's keys exactly (its own `UnmarshalJSON`), and its
    /// fields with their shapes (a list's elements have the shape).
    fn fields(self) -> (bool, &'static [(&'static str, Shape)]) {
        use Shape as S;
        const COMMENTS: [(&str, Shape); 2] = [
            ("BeforeDescriptionComment", S::CommentGroup),
            ("AfterDescriptionComment", S::CommentGroup),
        ];
        match self {
            S::QueryDocument => (
                false,
                &[
                    ("Operations", S::Operation),
                    ("Fragments", S::Fragment),
                    ("Comment", S::CommentGroup),
                ],
            ),
            S::Operation => (
                true,
                &[
                    ("Operation", S::Leaf),
                    ("Name", S::Leaf),
                    ("VariableDefinitions", S::VariableDefinition),
                    ("Directives", S::Directive),
                    ("SelectionSet", S::Field),
                ],
            ),
            S::Fragment => (
                true,
                &[
                    ("Name", S::Leaf),
                    ("VariableDefinition", S::VariableDefinition),
                    ("TypeCondition", S::Leaf),
                    ("Directives", S::Directive),
                    ("SelectionSet", S::Field),
                ],
            ),
            S::Field => (
                true,
                &[
                    ("Alias", S::Leaf),
                    ("Name", S::Leaf),
                    ("Arguments", S::Named),
                    ("Directives", S::Directive),
                    ("SelectionSet", S::Field),
                ],
            ),
            S::VariableDefinition => (
                false,
                &[
                    ("Description", S::Leaf),
                    ("Variable", S::Leaf),
                    ("Type", S::Type),
                    ("DefaultValue", S::Value),
                    ("Directives", S::Directive),
                    ("Comment", S::CommentGroup),
                    ("Used", S::Leaf),
                ],
            ),
            S::Type => (
                false,
                &[
                    ("NamedType", S::Leaf),
                    ("Elem", S::Type),
                    ("NonNull", S::Leaf),
                ],
            ),
            S::Value => (
                false,
                &[
                    ("Raw", S::Leaf),
                    ("Children", S::Named),
                    ("Kind", S::Leaf),
                    ("Comment", S::CommentGroup),
                    ("ExpectedTypeHasDefault", S::Leaf),
                ],
            ),
            // an argument, or a list element or object field of a value
            S::Named => (
                false,
                &[
                    ("Name", S::Leaf),
                    ("Value", S::Value),
                    ("Comment", S::CommentGroup),
                ],
            ),
            S::Directive => (
                false,
                &[
                    ("Name", S::Leaf),
                    ("Arguments", S::Named),
                    ("Location", S::Leaf),
                ],
            ),
            S::CommentGroup => (false, &[("List", S::Comment)]),
            S::Comment => (false, &[("Value", S::Leaf)]),
            S::SchemaDocument => (
                false,
                &[
                    ("Schema", S::SchemaDefinition),
                    ("SchemaExtension", S::SchemaDefinition),
                    ("Directives", S::DirectiveDefinition),
                    ("DirectiveExtensions", S::DirectiveDefinition),
                    ("Definitions", S::Definition),
                    ("Extensions", S::Definition),
                    ("Comment", S::CommentGroup),
                ],
            ),
            S::SchemaDefinition => (
                false,
                &[
                    ("Description", S::Leaf),
                    ("Directives", S::Directive),
                    ("OperationTypes", S::OperationTypeDefinition),
                    COMMENTS[0],
                    COMMENTS[1],
                    ("EndOfDefinitionComment", S::CommentGroup),
                ],
            ),
            S::OperationTypeDefinition => (
                false,
                &[
                    ("Operation", S::Leaf),
                    ("Type", S::Leaf),
                    ("Comment", S::CommentGroup),
                ],
            ),
            S::Definition => (
                false,
                &[
                    ("Kind", S::Leaf),
                    ("Description", S::Leaf),
                    ("Name", S::Leaf),
                    ("Directives", S::Directive),
                    ("Interfaces", S::Leaf),
                    ("Fields", S::FieldDefinition),
                    ("Types", S::Leaf),
                    ("EnumValues", S::EnumValueDefinition),
                    ("BuiltIn", S::Leaf),
                    COMMENTS[0],
                    COMMENTS[1],
                    ("EndOfDefinitionComment", S::CommentGroup),
                ],
            ),
            // a field, input field or argument definition
            S::FieldDefinition => (
                false,
                &[
                    ("Description", S::Leaf),
                    ("Name", S::Leaf),
                    ("Arguments", S::FieldDefinition),
                    ("DefaultValue", S::Value),
                    ("Type", S::Type),
                    ("Directives", S::Directive),
                    COMMENTS[0],
                    COMMENTS[1],
                ],
            ),
            S::EnumValueDefinition => (
                false,
                &[
                    ("Description", S::Leaf),
                    ("Name", S::Leaf),
                    ("Directives", S::Directive),
                    COMMENTS[0],
                    COMMENTS[1],
                ],
            ),
            S::DirectiveDefinition => (
                false,
                &[
                    ("Description", S::Leaf),
                    ("Name", S::Leaf),
                    ("Arguments", S::FieldDefinition),
                    ("Directives", S::Directive),
                    ("Locations", S::Leaf),
                    ("IsRepeatable", S::Leaf),
                    COMMENTS[0],
                    COMMENTS[1],
                ],
            ),
            S::Leaf => (true, &[]),
        }
    }
}

/// `value` with its keys named as the fields they decode into (unknown keys and nulls dropped:
/// Go leaves those fields as they are).
fn folded(value: Json, shape: Shape) -> Json {
    match value {
        Json::Array(items) => Json::Array(items.into_iter().map(|v| folded(v, shape)).collect()),
        Json::Object(map) if !matches!(shape, Shape::Leaf) => {
            let (exact, fields) = shape.fields();
            let mut out = serde_json::Map::new();
            for (key, v) in map {
                let field = fields.iter().find(|(name, _)| *name == key).or_else(|| {
                    fields
                        .iter()
                        .find(|(name, _)| !exact && name.eq_ignore_ascii_case(&key))
                });
                if let Some(&(name, child)) = field
                    && !v.is_null()
                {
                    out.insert(name.to_owned(), folded(v, child));
                }
            }
            Json::Object(out)
        }
        other => other,
    }
}
