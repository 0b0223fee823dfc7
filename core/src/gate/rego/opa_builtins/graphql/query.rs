//! A GraphQL query document validated against a schema with gqlparser v2.5.64's default rules, as
//! OPA v1.22.3 runs them (`ValidateWithRules`): the document is walked as gqlparser's walker walks
//! it (each operation with the fragments it spreads, then each fragment on its own), values carry
//! the type their position expects, and the first rule broken is the error, in gqlparser's words.
//!
//! All of gqlparser's default rules are checked, OverlappingFieldsCanBeMerged in
//! `overlap.rs`.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::ast::{
    Argument, ArgumentDefinition, Definition, Directive, Field, FieldDefinition,
    FragmentDefinition, Kind, QueryDocument, Selection, Type, Value, VariableDefinition,
};
use super::overlap::Overlap;
use super::schema::{Schema, is_compatible};

/// `Ok(())` when `doc` is valid against `schema`, else the first rule it breaks.
pub(super) fn validate(schema: &Schema, doc: &QueryDocument) -> Result<(), String> {
    document_rules(doc)?;
    let mut fragments: HashMap<&str, &FragmentDefinition> = HashMap::new();
    for f in &doc.fragments {
        fragments.entry(f.name.as_str()).or_insert(f);
    }
    let mut spread_from_operations: HashSet<String> = HashSet::new();
    let steps = Cell::new(0);
    for op in &doc.operations {
        let (root, location) = match op.operation.as_str() {
            "mutation" => (&schema.mutation, "MUTATION"),
            "subscription" => (&schema.subscription, "SUBSCRIPTION"),
            _ => (&schema.query, "QUERY"),
        };
        let mut walker = Walker::new(schema, &fragments, Some(&op.variable_definitions), &steps);
        for v in &op.variable_definitions {
            let ty = v.ty.as_ref().ok_or("a variable has no Type")?;
            match schema.get(ty.name()) {
                None => return Err(format!("Unknown type \"{}\".", ty.name())),
                Some(d) if !is_input(d) => {
                    return Err(format!(
                        "Variable \"${}\" cannot be non-input type \"{ty}\".",
                        v.variable
                    ));
                }
                Some(_) => {}
            }
            if let Some(default) = &v.default_value {
                walker.value(default, Some(ty), false)?;
            }
            walker.directives(&v.directives, "VARIABLE_DEFINITION")?;
        }
        let root_def = root.as_ref().and_then(|r| schema.get(r));
        walker.directives(&op.directives, location)?;
        walker.selection_set(root_def, &op.selection_set)?;
        if root_def.is_none() {
            return Err(format!(
                "Schema does not support operation type \"{}\"",
                op.operation
            ));
        }
        if let Some(unused) = op
            .variable_definitions
            .iter()
            .find(|v| !walker.used.contains(&v.variable))
        {
            return Err(match op.name.as_str() {
                "" => format!("Variable \"${}\" is never used.", unused.variable),
                name => format!(
                    "Variable \"${}\" is never used in operation \"{name}\".",
                    unused.variable
                ),
            });
        }
        if op.operation == "subscription" && schema.subscription.is_some() {
            single_field(op.name.as_str(), &op.selection_set, &fragments)?;
        }
        spread_from_operations.extend(walker.spread);
    }
    for f in &doc.fragments {
        let def = schema.get(&f.type_condition);
        match def {
            None => return Err(format!("Unknown type \"{}\".", f.type_condition)),
            Some(d) if !is_composite(d) => {
                return Err(format!(
                    "Fragment \"{}\" cannot condition on non composite type \"{}\".",
                    f.name, f.type_condition
                ));
            }
            Some(_) => {}
        }
        let mut walker = Walker::new(schema, &fragments, None, &steps);
        walker.directives(&f.directives, "FRAGMENT_DEFINITION")?;
        walker.selection_set(def, &f.selection_set)?;
        if !spread_from_operations.contains(&f.name) {
            return Err(format!("Fragment \"{}\" is never used.", f.name));
        }
    }
    Ok(())
}

/// SingleFieldSubscriptions: one top-level field (fragments looked into), not an introspection one.
fn single_field(
    name: &str,
    set: &[Selection],
    fragments: &HashMap<&str, &FragmentDefinition>,
) -> Result<(), String> {
    let mut names: Vec<&str> = Vec::new();
    let mut seen_fragments: HashSet<&str> = HashSet::new();
    let mut todo: Vec<&[Selection]> = vec![set];
    while let Some(set) = todo.pop() {
        for s in set {
            match s {
                Selection::Field(f) => {
                    if !names.contains(&f.name.as_str()) {
                        names.push(f.name.as_str());
                    }
                }
                Selection::InlineFragment(f) => todo.push(&f.selection_set),
                Selection::FragmentSpread(f) => {
                    if let Some(def) = fragments.get(f.name.as_str())
                        && seen_fragments.insert(def.name.as_str())
                    {
                        todo.push(&def.selection_set);
                    }
                }
            }
        }
    }
    let subject = match name {
        "" => "Anonymous Subscription".to_owned(),
        name => format!("Subscription \"{name}\""),
    };
    if names.len() > 1 {
        return Err(format!("{subject} must select only one top level field."));
    }
    if names.iter().any(|n| n.starts_with("__")) {
        return Err(format!(
            "{subject} must not select an introspection top level field."
        ));
    }
    Ok(())
}

/// The rules about the document as a whole: names unique, a lone anonymous operation, no
/// fragment spreading itself.
fn document_rules(doc: &QueryDocument) -> Result<(), String> {
    let anonymous = doc.operations.iter().filter(|o| o.name.is_empty()).count();
    if anonymous > 0 && doc.operations.len() > 1 {
        return Err("This anonymous operation must be the only defined operation.".to_owned());
    }
    let mut names = HashSet::new();
    for op in &doc.operations {
        if !op.name.is_empty() && !names.insert(op.name.as_str()) {
            return Err(format!(
                "There can be only one operation named \"{}\".",
                op.name
            ));
        }
        unique_variables(&op.variable_definitions)?;
    }
    let mut names = HashSet::new();
    for f in &doc.fragments {
        if !names.insert(f.name.as_str()) {
            return Err(format!(
                "There can be only one fragment named \"{}\".",
                f.name
            ));
        }
    }
    // NoFragmentCycles: one depth-first walk over the spreads (each fragment explored once, a
    // stack of its own rather than recursion), a spread of a fragment on the path is a cycle
    let by_name: HashMap<&str, &FragmentDefinition> =
        doc.fragments.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut done: HashSet<&str> = HashSet::new();
    for f in &doc.fragments {
        if done.contains(f.name.as_str()) {
            continue;
        }
        let mut on_path: HashSet<&str> = HashSet::from([f.name.as_str()]);
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(f.name.as_str(), spreads(&f.selection_set))];
        while let Some((name, pending)) = stack.last_mut() {
            let name: &str = name;
            let Some(next) = pending.pop() else {
                on_path.remove(name);
                done.insert(name);
                stack.pop();
                continue;
            };
            if on_path.contains(next) {
                return Err(format!("Cannot spread fragment \"{next}\" within itself."));
            }
            if !done.contains(next)
                && let Some(def) = by_name.get(next)
            {
                on_path.insert(next);
                stack.push((next, spreads(&def.selection_set)));
            }
        }
    }
    Ok(())
}

fn unique_variables(vars: &[VariableDefinition]) -> Result<(), String> {
    let mut names = HashSet::new();
    for v in vars {
        if !names.insert(v.variable.as_str()) {
            return Err(format!(
                "There can be only one variable named \"${}\".",
                v.variable
            ));
        }
    }
    Ok(())
}

/// The fragments a selection set spreads, inline fragments looked into.
fn spreads(set: &[Selection]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut todo: Vec<&[Selection]> = vec![set];
    while let Some(set) = todo.pop() {
        for s in set {
            match s {
                Selection::Field(f) => todo.push(&f.selection_set),
                Selection::InlineFragment(f) => todo.push(&f.selection_set),
                Selection::FragmentSpread(f) => out.push(f.name.as_str()),
            }
        }
    }
    out
}

fn is_composite(def: &Definition) -> bool {
    matches!(def.kind.as_str(), "OBJECT" | "INTERFACE" | "UNION")
}

fn is_leaf(def: &Definition) -> bool {
    matches!(def.kind.as_str(), "ENUM" | "SCALAR")
}

fn is_input(def: &Definition) -> bool {
    matches!(def.kind.as_str(), "SCALAR" | "ENUM" | "INPUT_OBJECT")
}

/// gqlparser's MaxIntrospectionDepth: lists of types nested 3 deep under `__schema`/`__type`.
const MAX_INTROSPECTION_LISTS: usize = 3;

/// Selection sets the walk may be inside at once, counted through fragment spreads (sealgate's
/// limit: gqlparser's parser stops a document at 1,000 levels, but a chain of fragments each
/// spreading the next goes deeper, and each level costs stack here).
pub(super) const MAX_WALK_DEPTH: usize = 10_000;

/// Steps the validation may take in all, selections visited and field pairs compared (sealgate's
/// limit: a fragment of many selections spread by as many operations is walked once per
/// operation, and one response name selected n times makes n² pairs, both growing with the square
/// of the document).
const MAX_WALK_STEPS: usize = 1_000_000;

struct Walker<'a> {
    schema: &'a Schema,
    fragments: &'a HashMap<&'a str, &'a FragmentDefinition>,
    /// Fragments already walked for this operation (gqlparser walks each once).
    visited: HashSet<&'a str>,
    /// The operation's variables; `None` while a fragment is walked on its own.
    variables: Option<&'a [VariableDefinition]>,
    used: HashSet<String>,
    spread: HashSet<String>,
    depth: usize,
    /// Selections visited by every walk of this validation.
    steps: &'a Cell<usize>,
    overlap: Overlap<'a>,
}

impl<'a> Walker<'a> {
    fn new(
        schema: &'a Schema,
        fragments: &'a HashMap<&'a str, &'a FragmentDefinition>,
        variables: Option<&'a [VariableDefinition]>,
        steps: &'a Cell<usize>,
    ) -> Self {
        Walker {
            schema,
            fragments,
            visited: HashSet::new(),
            variables,
            used: HashSet::new(),
            spread: HashSet::new(),
            depth: 0,
            steps,
            overlap: Overlap {
                schema,
                fragments,
                steps,
            },
        }
    }

    fn selection_set(
        &mut self,
        parent: Option<&'a Definition>,
        set: &'a [Selection],
    ) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_WALK_DEPTH {
            return Err(too_deep());
        }
        count_steps(self.steps, set.len())?;
        self.overlap.within(parent, set)?;
        for s in set {
            self.selection(parent, s)?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn selection(
        &mut self,
        parent: Option<&'a Definition>,
        s: &'a Selection,
    ) -> Result<(), String> {
        match s {
            Selection::Field(field) => self.field(parent, field),
            Selection::InlineFragment(f) => {
                let next = if f.type_condition.is_empty() {
                    parent
                } else {
                    match self.schema.get(&f.type_condition) {
                        None => return Err(format!("Unknown type \"{}\".", f.type_condition)),
                        Some(d) if !is_composite(d) => {
                            return Err(format!(
                                "Fragment cannot condition on non composite type \"{}\".",
                                f.type_condition
                            ));
                        }
                        d => d,
                    }
                };
                self.directives(&f.directives, "INLINE_FRAGMENT")?;
                self.selection_set(next, &f.selection_set)?;
                if !self.possible(parent, &f.type_condition) {
                    return Err(format!(
                        "Fragment cannot be spread here as objects of type \"{}\" can never be of type \"{}\".",
                        parent.map_or("", |p| p.name.as_str()),
                        f.type_condition
                    ));
                }
                Ok(())
            }
            Selection::FragmentSpread(spread) => {
                let Some(def) = self.fragments.get(spread.name.as_str()).copied() else {
                    return Err(format!("Unknown fragment \"{}\".", spread.name));
                };
                if self.variables.is_some() {
                    self.spread.insert(spread.name.clone());
                }
                let next = self.schema.get(&def.type_condition);
                self.directives(&spread.directives, "FRAGMENT_SPREAD")?;
                if self.visited.insert(def.name.as_str()) {
                    self.directives(&def.directives, "FRAGMENT_DEFINITION")?;
                    self.selection_set(next, &def.selection_set)?;
                }
                if !self.possible(parent, &def.type_condition) {
                    return Err(format!(
                        "Fragment \"{}\" cannot be spread here as objects of type \"{}\" can never be of type \"{}\".",
                        spread.name,
                        parent.map_or("", |p| p.name.as_str()),
                        def.type_condition
                    ));
                }
                Ok(())
            }
        }
    }

    fn field(&mut self, parent: Option<&'a Definition>, field: &'a Field) -> Result<(), String> {
        let def: Option<&'a FieldDefinition> = if field.name == "__typename" {
            Some(&TYPENAME)
        } else {
            parent.and_then(|p| self.schema.field(&p.name, &field.name))
        };
        if let (Some(parent), None) = (parent, def) {
            return Err(format!(
                "Cannot query field \"{}\" on type \"{}\".",
                field.name, parent.name
            ));
        }
        let field_type = def.and_then(|d| d.ty.as_ref());
        let next = field_type.and_then(|t| self.schema.get(t.name()));
        unique_arguments(&field.arguments)?;
        for arg in &field.arguments {
            let arg_def = def.and_then(|d| d.arguments.iter().find(|a| a.name == arg.name));
            if let (Some(def), Some(parent), None) = (def, parent, arg_def) {
                return Err(format!(
                    "Unknown argument \"{}\" on field \"{}.{}\".",
                    arg.name, parent.name, def.name
                ));
            }
            self.argument(arg, arg_def)?;
        }
        self.directives(&field.directives, "FIELD")?;
        self.selection_set(next, &field.selection_set)?;
        if let Some(def) = def {
            required(&field.arguments, &def.arguments, || {
                format!("Field \"{}\"", field.name)
            })?;
        }
        if let (Some(ty), Some(next)) = (field_type, next) {
            if is_leaf(next) && !field.selection_set.is_empty() {
                return Err(format!(
                    "Field \"{}\" must not have a selection since type \"{}\" has no subfields.",
                    field.name, next.name
                ));
            }
            if !is_leaf(next) && field.selection_set.is_empty() {
                return Err(format!(
                    "Field \"{}\" of type \"{ty}\" must have a selection of subfields.",
                    field.name
                ));
            }
        }
        if (field.name == "__schema" || field.name == "__type")
            && self.introspection_too_deep(&field.selection_set, 0, &mut Introspection::default())
        {
            return Err("Maximum introspection depth exceeded".to_owned());
        }
        Ok(())
    }

    /// MaxIntrospectionDepth, following fragments as gqlparser does: a fragment met again on
    /// the path is too deep when the lists have grown since, and each fragment's answer at a
    /// depth is remembered. Past [`MAX_WALK_DEPTH`] nested selection sets it answers too deep.
    fn introspection_too_deep(
        &self,
        set: &'a [Selection],
        depth: usize,
        state: &mut Introspection<'a>,
    ) -> bool {
        state.nesting += 1;
        let deep = state.nesting > MAX_WALK_DEPTH
            || set.iter().any(|s| match s {
                Selection::Field(f) => {
                    let lists = matches!(
                        f.name.as_str(),
                        "fields" | "interfaces" | "possibleTypes" | "inputFields"
                    );
                    let depth = depth + usize::from(lists);
                    depth >= MAX_INTROSPECTION_LISTS
                        || self.introspection_too_deep(&f.selection_set, depth, state)
                }
                Selection::InlineFragment(f) => {
                    self.introspection_too_deep(&f.selection_set, depth, state)
                }
                Selection::FragmentSpread(f) => {
                    let name = f.name.as_str();
                    if let Some(&entry) = state.visiting.get(name) {
                        return depth > entry;
                    }
                    let Some(def) = self.fragments.get(name) else {
                        return false;
                    };
                    if let Some(&known) = state.memo.get(&(name, depth)) {
                        return known;
                    }
                    state.visiting.insert(name, depth);
                    let deep = self.introspection_too_deep(&def.selection_set, depth, state);
                    state.visiting.remove(name);
                    state.memo.insert((name, depth), deep);
                    deep
                }
            });
        state.nesting -= 1;
        deep
    }

    /// PossibleFragmentSpreads: some object can be both the parent type and the fragment's.
    fn possible(&self, parent: Option<&Definition>, condition: &str) -> bool {
        let Some(parent) = parent else { return true };
        let parents: Vec<&str> = match parent.kind.as_str() {
            "OBJECT" => vec![parent.name.as_str()],
            "INTERFACE" | "UNION" => self.possible_types(&parent.name),
            _ => return true,
        };
        let Some(fragment_type) = self.schema.get(condition) else {
            return true;
        };
        if !is_composite(fragment_type) {
            return true;
        }
        self.possible_types(&fragment_type.name)
            .iter()
            .any(|t| parents.contains(t))
    }

    fn possible_types(&self, name: &str) -> Vec<&'a str> {
        self.schema
            .possible_types
            .get(name)
            .map(|p| p.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    fn argument(
        &mut self,
        arg: &'a Argument,
        def: Option<&'a ArgumentDefinition>,
    ) -> Result<(), String> {
        let Some(value) = &arg.value else {
            return Ok(());
        };
        match def {
            Some(def) => {
                let has_default = def
                    .default_value
                    .as_ref()
                    .is_some_and(|d| !d.is(Kind::Null));
                self.value(value, def.ty.as_ref(), has_default)
            }
            None => self.value(value, None, false),
        }
    }

    fn directives(&mut self, dirs: &'a [Directive], location: &str) -> Result<(), String> {
        let mut seen = HashSet::new();
        for dir in dirs {
            let def = self.schema.directives.get(&dir.name);
            if !seen.insert(dir.name.as_str()) && !def.is_some_and(|d| d.is_repeatable) {
                return Err(format!(
                    "The directive \"@{}\" can only be used once at this location.",
                    dir.name
                ));
            }
            unique_arguments(&dir.arguments)?;
            for arg in &dir.arguments {
                let arg_def = def.and_then(|d| d.arguments.iter().find(|a| a.name == arg.name));
                if def.is_some() && arg_def.is_none() {
                    return Err(format!(
                        "Unknown argument \"{}\" on directive \"@{}\".",
                        arg.name, dir.name
                    ));
                }
                self.argument(arg, arg_def)?;
            }
            let Some(def) = def else {
                return Err(format!("Unknown directive \"@{}\".", dir.name));
            };
            required(&dir.arguments, &def.arguments, || {
                format!("Directive \"@{}\"", dir.name)
            })?;
            if !def.locations.iter().any(|l| l == location) {
                return Err(format!(
                    "Directive \"@{}\" may not be used on {location}.",
                    dir.name
                ));
            }
        }
        Ok(())
    }

    /// A value where `expected` is the type its position expects (`has_default`: that position
    /// has a non-null default): NoUndefinedVariables, VariablesInAllowedPosition,
    /// UniqueInputFieldNames and ValuesOfCorrectType, children first as gqlparser walks.
    fn value(
        &mut self,
        value: &'a Value,
        expected: Option<&'a Type>,
        has_default: bool,
    ) -> Result<(), String> {
        let def = expected.and_then(|t| self.schema.get(t.name()));
        if value.is(Kind::Object) {
            let mut names = HashSet::new();
            for child in &value.children {
                if !names.insert(child.name.as_str()) {
                    return Err(format!(
                        "There can be only one input field named \"{}\".",
                        child.name
                    ));
                }
                let field = def.and_then(|d| d.fields.iter().find(|f| f.name == child.name));
                if let Some(v) = &child.value {
                    let has_default = field
                        .and_then(|f| f.default_value.as_ref())
                        .is_some_and(|d| !d.is(Kind::Null));
                    self.value(v, field.and_then(|f| f.ty.as_ref()), has_default)?;
                }
                // a oneOf input object's variables must be non-null
                if let (Some(d), Some(v)) = (def, &child.value)
                    && d.directives.iter().any(|x| x.name == "oneOf")
                    && v.is(Kind::Variable)
                    && let Some(var) = self
                        .variables
                        .and_then(|vars| vars.iter().find(|x| x.variable == v.raw))
                    && !var.ty.as_ref().is_some_and(|t| t.non_null)
                {
                    return Err(format!(
                        "Variable \"${}\" must be non-nullable to be used for OneOf Input Object \"{}\".",
                        v.raw, d.name
                    ));
                }
            }
        }
        if value.is(Kind::List) {
            let elem = expected.and_then(|t| t.elem.as_deref());
            for child in &value.children {
                if let Some(v) = &child.value {
                    self.value(v, elem, false)?;
                }
            }
        }
        if value.is(Kind::Variable)
            && let Some(vars) = self.variables
        {
            let Some(var) = vars.iter().find(|d| d.variable == value.raw) else {
                return Err(format!("Variable \"${}\" is not defined.", value.raw));
            };
            self.used.insert(value.raw.clone());
            if let (Some(expected), Some(var_type)) = (expected, var.ty.as_ref()) {
                let mut allowed = expected.clone();
                let var_default = var
                    .default_value
                    .as_ref()
                    .is_some_and(|d| !d.is(Kind::Null));
                if (var_default && expected.non_null) || has_default {
                    allowed.non_null = false;
                }
                if !is_compatible(var_type, &allowed) {
                    return Err(format!(
                        "Variable \"${}\" of type \"{var_type}\" used in position expecting type \"{expected}\".",
                        value.raw
                    ));
                }
            }
        }
        match (expected, def) {
            (Some(expected), Some(def)) => correct_type(value, expected, def),
            _ => Ok(()),
        }
    }
}

/// `n` more steps of the validation, else sealgate's limit.
pub(super) fn count_steps(steps: &Cell<usize>, n: usize) -> Result<(), String> {
    let total = steps.get().saturating_add(n);
    steps.set(total);
    if total > MAX_WALK_STEPS {
        return Err(format!(
            "validating the query takes more than {MAX_WALK_STEPS} steps (fragments spread many times? one field selected many times?), over sealgate's limit"
        ));
    }
    Ok(())
}

/// Past [`MAX_WALK_DEPTH`] selection sets.
pub(super) fn too_deep() -> String {
    format!(
        "selection sets nest more than {MAX_WALK_DEPTH} deep through fragment spreads, over sealgate's limit"
    )
}

/// MaxIntrospectionDepth's walk: the fragments on the path (at which depth they were entered),
/// what each fragment gave at a depth, how deep the selection sets are.
#[derive(Default)]
struct Introspection<'a> {
    visiting: HashMap<&'a str, usize>,
    memo: HashMap<(&'a str, usize), bool>,
    nesting: usize,
}

/// The field every selection set has.
pub(super) static TYPENAME: LazyLock<FieldDefinition> = LazyLock::new(|| FieldDefinition {
    name: "__typename".to_owned(),
    ty: Some(Type {
        named_type: "String".to_owned(),
        ..Type::default()
    }),
    ..FieldDefinition::default()
});

/// ValuesOfCorrectType for a value whose position expects `expected` (named type `def`).
fn correct_type(value: &Value, expected: &Type, def: &Definition) -> Result<(), String> {
    let wrong = || {
        Err(format!(
            "Expected value of type \"{expected}\", found {}.",
            value.raw
        ))
    };
    if value.is(Kind::Null) && expected.non_null {
        return wrong();
    }
    let builtin_scalar = ["Int", "Float", "String", "Boolean", "ID"].contains(&def.name.as_str());
    if def.kind == "SCALAR" && !builtin_scalar {
        return Ok(());
    }
    if !readable(value) {
        return wrong();
    }
    let name = def.name.as_str();
    let ok = match value.kind {
        k if k == Kind::Null as u8 || k == Kind::Variable as u8 => true,
        k if k == Kind::List as u8 => expected.elem.is_some(),
        k if k == Kind::Int as u8 => matches!(name, "Int" | "Float" | "ID"),
        k if k == Kind::Float as u8 => name == "Float",
        k if k == Kind::String as u8 || k == Kind::Block as u8 => {
            def.kind != "ENUM" && matches!(name, "String" | "ID")
        }
        k if k == Kind::Enum as u8 => {
            def.kind == "ENUM" && def.enum_values.iter().any(|v| v.name == value.raw)
        }
        k if k == Kind::Boolean as u8 => name == "Boolean",
        k if k == Kind::Object as u8 => {
            let missing = def.fields.iter().any(|f| {
                f.ty.as_ref().is_some_and(|t| t.non_null)
                    && f.default_value.is_none()
                    && !value.children.iter().any(|c| c.name == f.name)
            });
            let one_of = def.directives.iter().any(|d| d.name == "oneOf");
            let one_of_broken = one_of
                && (value.children.len() != 1
                    || value.children[0]
                        .value
                        .as_ref()
                        .is_none_or(|v| v.is(Kind::Null)));
            let unknown = value
                .children
                .iter()
                .any(|c| !def.fields.iter().any(|f| f.name == c.name));
            !missing && !one_of_broken && !unknown
        }
        _ => false,
    };
    if ok { Ok(()) } else { wrong() }
}

/// gqlparser's `Value.Value(nil)` succeeds: numbers in range, booleans Go can parse, and so on
/// inside lists and objects.
fn readable(value: &Value) -> bool {
    match value.kind {
        k if k == Kind::Int as u8 => value.raw.parse::<i64>().is_ok(),
        k if k == Kind::Float as u8 => value.raw.parse::<f64>().is_ok_and(f64::is_finite),
        k if k == Kind::Boolean as u8 => matches!(
            value.raw.as_str(),
            "1" | "t"
                | "T"
                | "TRUE"
                | "true"
                | "True"
                | "0"
                | "f"
                | "F"
                | "FALSE"
                | "false"
                | "False"
        ),
        k if k == Kind::List as u8 || k == Kind::Object as u8 => value
            .children
            .iter()
            .all(|c| c.value.as_ref().is_none_or(readable)),
        k => k <= Kind::Object as u8,
    }
}

/// UniqueArgumentNames.
fn unique_arguments(args: &[Argument]) -> Result<(), String> {
    let mut names = HashSet::new();
    match args.iter().find(|a| !names.insert(a.name.as_str())) {
        Some(dup) => Err(format!(
            "There can be only one argument named \"{}\".",
            dup.name
        )),
        None => Ok(()),
    }
}

/// ProvidedRequiredArguments: every non-null argument without a default is given.
fn required(
    args: &[Argument],
    defs: &[ArgumentDefinition],
    of: impl Fn() -> String,
) -> Result<(), String> {
    for def in defs {
        let Some(ty) = def.ty.as_ref() else { continue };
        if ty.non_null && def.default_value.is_none() && !args.iter().any(|a| a.name == def.name) {
            return Err(format!(
                "{} argument \"{}\" of type \"{ty}\" is required, but it was not provided.",
                of(),
                def.name
            ));
        }
    }
    Ok(())
}
