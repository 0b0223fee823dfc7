//! A GraphQL schema document made a schema and validated, as gqlparser v2.5.64's
//! `ValidateSchemaDocument` does after OPA v1.22.3 merges gqlparser's prelude (the built-in
//! scalars, directives and introspection types) in front of it: the same rules, checked in the
//! same order, with gqlparser's messages (without positions).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::ast::{
    ArgumentDefinition, Definition, Directive, DirectiveDefinition, FieldDefinition, Kind,
    SchemaDocument, Type, Value,
};
use super::parse;

/// gqlparser's prelude, without its descriptions.
const PRELUDE: &str = include_str!("prelude.graphql");

/// The directives the prelude declares, which a schema may declare again.
const PRELUDE_DIRECTIVES: [&str; 6] = [
    "defer",
    "deprecated",
    "include",
    "oneOf",
    "skip",
    "specifiedBy",
];

/// The prelude parsed once, its definitions marked built in.
static PRELUDE_DOCUMENT: LazyLock<Result<SchemaDocument, String>> = LazyLock::new(|| {
    let mut prelude = parse::schema(PRELUDE)?;
    for dir in &mut prelude.directives {
        if dir.name == "deprecated" {
            dir.locations.push("DIRECTIVE_DEFINITION".to_owned());
        }
    }
    for def in &mut prelude.definitions {
        def.built_in = true;
    }
    Ok(prelude)
});

/// A validated schema: its types with their extensions merged in, its directives and root types.
#[derive(Debug)]
pub(super) struct Schema {
    pub types: HashMap<String, Definition>,
    pub directives: HashMap<String, DirectiveDefinition>,
    /// For an interface or union, the types that are one of it (an object also lists itself).
    pub possible_types: HashMap<String, Vec<String>>,
    pub query: Option<String>,
    pub mutation: Option<String>,
    pub subscription: Option<String>,
    /// For each type, where its fields are by name (the first of a name, as gqlparser's
    /// `ForName`): a query selecting many fields looks each up once.
    field_index: HashMap<String, HashMap<String, usize>>,
}

impl Schema {
    pub fn get(&self, name: &str) -> Option<&Definition> {
        self.types.get(name)
    }

    /// Field `name` of type `ty`.
    pub fn field(&self, ty: &str, name: &str) -> Option<&FieldDefinition> {
        let i = *self.field_index.get(ty)?.get(name)?;
        self.types.get(ty)?.fields.get(i)
    }
}

/// `doc` merged after the prelude and validated, else gqlparser's reason.
pub(super) fn validated(doc: &SchemaDocument) -> Result<Schema, String> {
    let mut merged = PRELUDE_DOCUMENT.clone()?;
    merged.schema.extend(doc.schema.iter().cloned());
    merged
        .schema_extension
        .extend(doc.schema_extension.iter().cloned());
    merged.directives.extend(doc.directives.iter().cloned());
    merged
        .directive_extensions
        .extend(doc.directive_extensions.iter().cloned());
    merged.definitions.extend(doc.definitions.iter().cloned());
    merged.extensions.extend(doc.extensions.iter().cloned());
    build(merged)
        .map_err(|e| format!("Error in gqlparser SchemaDocument to Schema conversion: {e}"))
}

fn build(sd: SchemaDocument) -> Result<Schema, String> {
    let mut types: HashMap<String, Definition> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for def in sd.definitions {
        if types.contains_key(&def.name) {
            return Err(format!("Cannot redeclare type {}.", def.name));
        }
        order.push(def.name.clone());
        types.insert(def.name.clone(), def);
    }
    for ext in sd.extensions {
        let def = types.entry(ext.name.clone()).or_insert_with(|| {
            order.push(ext.name.clone());
            Definition {
                kind: ext.kind.clone(),
                name: ext.name.clone(),
                ..Definition::default()
            }
        });
        if def.kind != ext.kind {
            return Err(format!(
                "Cannot extend type {} because the base type is a {}, not {}.",
                ext.name, def.kind, ext.kind
            ));
        }
        def.directives.extend(ext.directives);
        def.interfaces.extend(ext.interfaces);
        def.fields.extend(ext.fields);
        def.types.extend(ext.types);
        def.enum_values.extend(ext.enum_values);
    }

    let mut possible_types: HashMap<String, Vec<String>> = HashMap::new();
    for name in &order {
        let Some(def) = types.get(name) else { continue };
        let mut add = |of: &str, member: &str| {
            possible_types
                .entry(of.to_owned())
                .or_default()
                .push(member.to_owned());
        };
        match def.kind.as_str() {
            "UNION" => {
                for t in &def.types {
                    if types.contains_key(t) {
                        add(&def.name, t);
                    }
                }
            }
            "INPUT_OBJECT" | "OBJECT" => {
                for i in &def.interfaces {
                    add(i, &def.name);
                }
                add(&def.name, &def.name);
            }
            "INTERFACE" => {
                for i in &def.interfaces {
                    add(i, &def.name);
                }
            }
            _ => {}
        }
    }

    let mut directives: HashMap<String, DirectiveDefinition> = HashMap::new();
    for dir in sd.directives {
        if directives.contains_key(&dir.name) && !PRELUDE_DIRECTIVES.contains(&dir.name.as_str()) {
            return Err(format!("Cannot redeclare directive {}.", dir.name));
        }
        directives.insert(dir.name.clone(), dir);
    }
    for ext in sd.directive_extensions {
        let Some(def) = directives.get_mut(&ext.name) else {
            return Err(format!(
                "Cannot extend directive @{} because it is not defined.",
                ext.name
            ));
        };
        def.directives.extend(ext.directives);
    }

    let mut schema = Schema {
        types,
        directives,
        possible_types,
        query: None,
        mutation: None,
        subscription: None,
        field_index: HashMap::new(),
    };

    if sd.schema.len() > 1 {
        return Err(
            "Cannot have multiple schema entry points, consider schema extensions instead."
                .to_owned(),
        );
    }
    let mut roots: HashSet<String> = HashSet::new();
    for entry in sd.schema.iter().chain(sd.schema_extension.iter()) {
        for op in &entry.operation_types {
            if !roots.insert(op.operation.clone()) {
                return Err(format!(
                    "There can be only one {} type in schema.",
                    op.operation
                ));
            }
            if !schema.types.contains_key(&op.ty) {
                return Err(format!(
                    "Schema root {} refers to a type {} that does not exist.",
                    op.operation, op.ty
                ));
            }
            let slot = match op.operation.as_str() {
                "query" => &mut schema.query,
                "mutation" => &mut schema.mutation,
                "subscription" => &mut schema.subscription,
                _ => continue,
            };
            *slot = Some(op.ty.clone());
        }
        validate_directives(&schema, &entry.directives, "SCHEMA", None, true)?;
    }

    let mut names: Vec<&String> = schema.types.keys().collect();
    names.sort();
    for name in &names {
        if let Some(def) = schema.types.get(*name) {
            validate_definition(&schema, def)?;
        }
    }
    input_object_cycles(&schema, &names)?;
    let mut dir_names: Vec<&String> = schema.directives.keys().collect();
    dir_names.sort();
    for name in dir_names {
        if let Some(def) = schema.directives.get(name) {
            validate_directive(&schema, def)?;
        }
    }

    if sd.schema.is_empty() {
        for (slot, name) in [
            (&mut schema.query, "Query"),
            (&mut schema.mutation, "Mutation"),
            (&mut schema.subscription, "Subscription"),
        ] {
            if slot.is_none() && schema.types.contains_key(name) {
                *slot = Some(name.to_owned());
            }
        }
    }
    for (root, message) in [
        (
            &schema.query,
            "Query root type must be Object type, it cannot be",
        ),
        (
            &schema.mutation,
            "Mutation root type must be Object type if provided, it cannot be",
        ),
        (
            &schema.subscription,
            "Subscription root type must be Object type if provided, it cannot be",
        ),
    ] {
        if let Some(def) = root.as_ref().and_then(|r| schema.types.get(r))
            && def.kind != "OBJECT"
        {
            return Err(format!("{message} {}.", def.name));
        }
    }
    // the introspection fields every query type has
    if let Some(query) = schema.query.clone()
        && let Some(def) = schema.types.get_mut(&query)
    {
        def.fields.push(FieldDefinition {
            name: "__schema".to_owned(),
            ty: Some(named("__Schema", true)),
            ..FieldDefinition::default()
        });
        def.fields.push(FieldDefinition {
            name: "__type".to_owned(),
            ty: Some(named("__Type", false)),
            arguments: vec![ArgumentDefinition {
                name: "name".to_owned(),
                ty: Some(named("String", true)),
                ..ArgumentDefinition::default()
            }],
            ..FieldDefinition::default()
        });
    }
    schema.field_index = schema
        .types
        .iter()
        .map(|(name, def)| {
            let mut index = HashMap::new();
            for (i, f) in def.fields.iter().enumerate() {
                index.entry(f.name.clone()).or_insert(i);
            }
            (name.clone(), index)
        })
        .collect();
    Ok(schema)
}

fn named(name: &str, non_null: bool) -> Type {
    Type {
        named_type: name.to_owned(),
        elem: None,
        non_null,
    }
}

/// A type reference is required where gqlparser dereferences it; an AST object may lack one.
fn type_of(ty: Option<&Type>) -> Result<&Type, String> {
    ty.ok_or_else(|| "a field or argument has no Type".to_owned())
}

fn validate_name(name: &str) -> Result<(), String> {
    if name.starts_with("__") {
        return Err(format!(
            "Name \"{name}\" must not begin with \"__\", which is reserved by GraphQL introspection."
        ));
    }
    Ok(())
}

fn validate_type_ref(schema: &Schema, ty: &Type) -> Result<(), String> {
    if schema.types.contains_key(ty.name()) {
        Ok(())
    } else {
        Err(format!("Undefined type {}.", ty.name()))
    }
}

fn duplicate_arg(args: &[ArgumentDefinition]) -> Option<&ArgumentDefinition> {
    let mut seen = HashSet::new();
    args.iter().find(|a| !seen.insert(a.name.as_str()))
}

fn validate_directive(schema: &Schema, def: &DirectiveDefinition) -> Result<(), String> {
    validate_name(&def.name)?;
    if let Some(dup) = duplicate_arg(&def.arguments) {
        return Err(format!(
            "Argument @{}({}:) can only be defined once.",
            def.name, dup.name
        ));
    }
    validate_directives(
        schema,
        &def.directives,
        "DIRECTIVE_DEFINITION",
        Some(&def.name),
        true,
    )?;
    validate_args(schema, &def.arguments, Some(&def.name))
}

fn validate_definition(schema: &Schema, def: &Definition) -> Result<(), String> {
    for field in &def.fields {
        validate_name(&field.name)?;
        validate_type_ref(schema, type_of(field.ty.as_ref())?)?;
        validate_input_field_names(field.default_value.as_ref())?;
        if let Some(dup) = duplicate_arg(&field.arguments) {
            return Err(format!(
                "Argument {}.{}({}:) can only be defined once.",
                def.name, field.name, dup.name
            ));
        }
        validate_args(schema, &field.arguments, None)?;
        let location = if def.kind == "INPUT_OBJECT" {
            "INPUT_FIELD_DEFINITION"
        } else {
            "FIELD_DEFINITION"
        };
        validate_directives(schema, &field.directives, location, None, true)?;
    }
    for t in &def.types {
        let Some(member) = schema.types.get(t) else {
            return Err(format!("Undefined type \"{t}\"."));
        };
        if member.kind != "OBJECT" {
            return Err(format!("{} type \"{t}\" must be OBJECT.", def.kind));
        }
    }
    for (i, interface) in def.interfaces.iter().enumerate() {
        if def.interfaces[..i].contains(interface) {
            return Err(format!(
                "Type {} can only implement {interface} once.",
                def.name
            ));
        }
        validate_implements(schema, def, interface)?;
    }
    let empty = || {
        format!(
            "{} {}: must define one or more {}.",
            def.kind,
            def.name,
            match def.kind.as_str() {
                "ENUM" => "unique enum values",
                "UNION" => "member types",
                "INPUT_OBJECT" => "input fields",
                _ => "fields",
            }
        )
    };
    match def.kind.as_str() {
        "OBJECT" | "INTERFACE" => {
            if def.fields.is_empty() {
                return Err(empty());
            }
            for field in &def.fields {
                if let Some(t) = schema.types.get(type_of(field.ty.as_ref())?.name())
                    && !matches!(
                        t.kind.as_str(),
                        "SCALAR" | "OBJECT" | "INTERFACE" | "UNION" | "ENUM"
                    )
                {
                    return Err(format!(
                        "{} {}: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.",
                        def.kind, def.name
                    ));
                }
            }
        }
        "ENUM" => {
            if def.enum_values.is_empty() {
                return Err(empty());
            }
            for value in &def.enum_values {
                validate_name(&value.name)?;
                if matches!(value.name.as_str(), "true" | "false" | "null") {
                    return Err(format!(
                        "{} {}: non-enum value {}.",
                        def.kind, def.name, value.name
                    ));
                }
                validate_directives(schema, &value.directives, "ENUM_VALUE", None, true)?;
            }
        }
        "INPUT_OBJECT" => {
            if def.fields.is_empty() {
                return Err(empty());
            }
            for field in &def.fields {
                if let Some(t) = schema.types.get(type_of(field.ty.as_ref())?.name())
                    && !matches!(t.kind.as_str(), "SCALAR" | "ENUM" | "INPUT_OBJECT")
                {
                    return Err(format!(
                        "{} {}: field must be one of SCALAR, ENUM, INPUT_OBJECT.",
                        t.kind, field.name
                    ));
                }
            }
        }
        "UNION" if def.types.is_empty() => return Err(empty()),
        _ => {}
    }
    let mut seen = HashSet::new();
    if let Some(dup) = def.fields.iter().find(|f| !seen.insert(f.name.as_str())) {
        return Err(format!(
            "Field {}.{} can only be defined once.",
            def.name, dup.name
        ));
    }
    let mut seen = HashSet::new();
    if let Some(dup) = def
        .enum_values
        .iter()
        .find(|v| !seen.insert(v.name.as_str()))
    {
        return Err(format!(
            "Enum value {}.{} can only be defined once.",
            def.name, dup.name
        ));
    }
    let mut seen = HashSet::new();
    if let Some(dup) = def.types.iter().find(|t| !seen.insert(t.as_str())) {
        return Err(format!(
            "Union type {} can only include type {dup} once.",
            def.name
        ));
    }
    if !def.built_in {
        validate_name(&def.name)?;
    }
    validate_directives(schema, &def.directives, &def.kind, None, false)
}

fn validate_args(
    schema: &Schema,
    args: &[ArgumentDefinition],
    current_directive: Option<&str>,
) -> Result<(), String> {
    for arg in args {
        validate_name(&arg.name)?;
        let ty = type_of(arg.ty.as_ref())?;
        validate_type_ref(schema, ty)?;
        validate_input_field_names(arg.default_value.as_ref())?;
        let kind = schema.types.get(ty.name()).map_or("", |d| d.kind.as_str());
        if !matches!(kind, "SCALAR" | "ENUM" | "INPUT_OBJECT") {
            return Err(format!(
                "cannot use {ty} as argument {} because {kind} is not a valid input type",
                arg.name
            ));
        }
        validate_directives(
            schema,
            &arg.directives,
            "ARGUMENT_DEFINITION",
            current_directive,
            true,
        )?;
    }
    Ok(())
}

fn validate_directives(
    schema: &Schema,
    dirs: &[Directive],
    location: &str,
    current_directive: Option<&str>,
    single_location: bool,
) -> Result<(), String> {
    let mut seen = HashSet::new();
    for dir in dirs {
        validate_name(&dir.name)?;
        if current_directive == Some(dir.name.as_str()) {
            return Err(format!("Directive {} cannot refer to itself.", dir.name));
        }
        let Some(def) = schema.directives.get(&dir.name) else {
            return Err(format!("Undefined directive {}.", dir.name));
        };
        if single_location && !seen.insert(dir.name.as_str()) && !def.is_repeatable {
            return Err(format!(
                "The directive {} can only be used once at this location.",
                dir.name
            ));
        }
        if !def.locations.iter().any(|l| l == location) {
            return Err(format!(
                "Directive {} is not applicable on {location}.",
                dir.name
            ));
        }
        for (i, arg) in dir.arguments.iter().enumerate() {
            if !def.arguments.iter().any(|a| a.name == arg.name) {
                return Err(format!(
                    "Undefined argument {} for directive {}.",
                    arg.name, dir.name
                ));
            }
            if dir.arguments[..i].iter().any(|a| a.name == arg.name) {
                return Err(format!(
                    "There can be only one argument named {}.",
                    arg.name
                ));
            }
        }
        for wanted in &def.arguments {
            let required = wanted.ty.as_ref().is_some_and(|t| t.non_null);
            if required && wanted.default_value.is_none() {
                let given = dir.arguments.iter().find(|a| a.name == wanted.name);
                let null = given.is_none_or(|a| a.value.as_ref().is_none_or(|v| v.is(Kind::Null)));
                if null {
                    return Err(format!(
                        "Argument {} for directive {} cannot be null.",
                        wanted.name, dir.name
                    ));
                }
            }
        }
        for arg in &dir.arguments {
            validate_input_field_names(arg.value.as_ref())?;
        }
    }
    Ok(())
}

fn validate_input_field_names(value: Option<&Value>) -> Result<(), String> {
    let Some(value) = value else {
        return Ok(());
    };
    let mut seen = HashSet::new();
    for child in &value.children {
        if value.is(Kind::Object) && !seen.insert(child.name.as_str()) {
            return Err(format!(
                "There can be only one input field named \"{}\".",
                child.name
            ));
        }
        validate_input_field_names(child.value.as_ref())?;
    }
    Ok(())
}

fn validate_implements(schema: &Schema, def: &Definition, name: &str) -> Result<(), String> {
    let Some(interface) = schema.types.get(name) else {
        return Err(format!("Undefined type \"{name}\"."));
    };
    if interface.kind != "INTERFACE" {
        return Err(format!(
            "\"{name}\" is a non interface type {}.",
            interface.kind
        ));
    }
    if interface.name == def.name {
        return Err(format!(
            "Type {} cannot implement itself because it would create a circular reference.",
            def.name
        ));
    }
    let mut fields: HashMap<&str, &FieldDefinition> = HashMap::new();
    for f in &def.fields {
        fields.entry(f.name.as_str()).or_insert(f);
    }
    for required in &interface.fields {
        let Some(found) = fields.get(required.name.as_str()).copied() else {
            return Err(format!(
                "For {} to implement {} it must have a field called {}.",
                def.name, interface.name, required.name
            ));
        };
        let required_ty = type_of(required.ty.as_ref())?;
        if !is_covariant(schema, required_ty, type_of(found.ty.as_ref())?) {
            return Err(format!(
                "For {} to implement {} the field {} must have type {required_ty}.",
                def.name, interface.name, required.name
            ));
        }
        for wanted in &required.arguments {
            let Some(given) = found.arguments.iter().find(|a| a.name == wanted.name) else {
                return Err(format!(
                    "For {} to implement {} the field {} must have the same arguments but it is missing {}.",
                    def.name, interface.name, required.name, wanted.name
                ));
            };
            if !is_compatible(type_of(wanted.ty.as_ref())?, type_of(given.ty.as_ref())?) {
                return Err(format!(
                    "For {} to implement {} the field {} must have the same arguments but {} has the wrong type.",
                    def.name, interface.name, required.name, wanted.name
                ));
            }
        }
        for extra in &found.arguments {
            let declared = required.arguments.iter().any(|a| a.name == extra.name);
            let non_null = type_of(extra.ty.as_ref())?.non_null;
            if !declared && non_null && extra.default_value.is_none() {
                return Err(format!(
                    "For {} to implement {} any additional arguments on {} must be optional or have a default value but {} is required.",
                    def.name, interface.name, found.name, extra.name
                ));
            }
        }
    }
    for transitive in &interface.interfaces {
        if !def.interfaces.contains(transitive) {
            if *transitive == def.name {
                return Err(format!(
                    "Type {} cannot implement {name} because it would create a circular reference.",
                    def.name
                ));
            }
            return Err(format!(
                "Type {} must implement {transitive} because it is implemented by {name}.",
                def.name
            ));
        }
    }
    Ok(())
}

/// gqlparser's `Type.IsCompatible`.
pub(super) fn is_compatible(t: &Type, other: &Type) -> bool {
    if t.named_type != other.named_type {
        return false;
    }
    match (&t.elem, &other.elem) {
        (Some(_), None) => return false,
        (Some(a), Some(b)) if !is_compatible(a, b) => return false,
        _ => {}
    }
    if other.non_null {
        return t.non_null;
    }
    true
}

fn is_covariant(schema: &Schema, required: &Type, actual: &Type) -> bool {
    if required.non_null && !actual.non_null {
        return false;
    }
    if !required.named_type.is_empty() {
        if required.named_type == actual.named_type {
            return true;
        }
        return schema
            .possible_types
            .get(&required.named_type)
            .is_some_and(|p| p.contains(&actual.named_type));
    }
    match (&required.elem, &actual.elem) {
        (Some(_), None) | (None, _) => false,
        (Some(r), Some(a)) => is_covariant(schema, r, a),
    }
}

/// An input object that reaches itself through non-null fields can never be given. Walked with
/// a stack of its own, not by recursion: a chain of 100,000 input types is a small document.
fn input_object_cycles(schema: &Schema, names: &[&String]) -> Result<(), String> {
    let non_null_input = |field: &FieldDefinition| {
        let ty = field.ty.as_ref()?;
        if !ty.non_null || ty.named_type.is_empty() {
            return None;
        }
        schema
            .types
            .get(&ty.named_type)
            .filter(|t| t.kind == "INPUT_OBJECT")
    };
    let mut visited: HashSet<&str> = HashSet::new();
    let mut path: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for name in names {
        let Some(root) = schema.types.get(*name) else {
            continue;
        };
        if root.kind != "INPUT_OBJECT" || !visited.insert(root.name.as_str()) {
            continue;
        }
        index.insert(root.name.as_str(), 0);
        let mut stack: Vec<(&Definition, usize)> = vec![(root, 0)];
        while let Some((def, next)) = stack.last_mut() {
            let def: &Definition = def;
            let Some(field) = def.fields.get(*next) else {
                index.remove(def.name.as_str());
                stack.pop();
                if !stack.is_empty() {
                    path.pop();
                }
                continue;
            };
            *next += 1;
            let Some(field_type) = non_null_input(field) else {
                continue;
            };
            path.push(field.name.as_str());
            if let Some(&start) = index.get(field_type.name.as_str()) {
                return Err(format!(
                    "Cannot reference Input Object \"{}\" within itself through a series of non-null fields: \"{}\".",
                    field_type.name,
                    path[start..].join(".")
                ));
            }
            if visited.insert(field_type.name.as_str()) {
                index.insert(field_type.name.as_str(), path.len());
                stack.push((field_type, 0));
            } else {
                path.pop();
            }
        }
    }
    Ok(())
}
