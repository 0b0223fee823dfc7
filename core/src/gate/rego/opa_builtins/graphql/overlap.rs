//! gqlparser's OverlappingFieldsCanBeMerged rule (graphql-js's): two fields selected under one
//! response name must be one field with the same arguments (unless their parents are different
//! object types), must not return conflicting types, and their sub-selections must merge too.
//!
//! gqlparser compares a selection set's own fields, its fields against the fragments it spreads
//! and the fragments against each other, with memos; here a selection set's fields are collected
//! with those of the inline fragments and fragments it reaches (each fragment once) and every pair
//! under one response name is compared, which finds the same conflicts. Collection uses a stack of
//! its own; comparing sub-selections recurses at most [`MAX_WALK_DEPTH`] deep, and every field
//! collected and pair compared counts against the validation's step budget.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use super::ast::{
    Argument, Definition, Field, FieldDefinition, FragmentDefinition, Kind, Selection, Type, Value,
};
use super::query::{MAX_WALK_DEPTH, TYPENAME, count_steps, too_deep};
use super::schema::Schema;

/// A field with the response name it is selected under and the type it is selected on.
struct Collected<'a> {
    response: &'a str,
    field: &'a Field,
    parent: Option<&'a Definition>,
}

pub(super) struct Overlap<'a> {
    pub schema: &'a Schema,
    pub fragments: &'a HashMap<&'a str, &'a FragmentDefinition>,
    /// Shared with the walk: fields collected and pairs compared count as steps.
    pub steps: &'a Cell<usize>,
}

impl<'a> Overlap<'a> {
    /// The fields of `set` (selected on `parent`) can be merged.
    pub fn within(
        &self,
        parent: Option<&'a Definition>,
        set: &'a [Selection],
    ) -> Result<(), String> {
        let fields = self.collect(parent, set)?;
        let mut groups: HashMap<&str, Vec<&Collected<'a>>> = HashMap::new();
        for c in &fields {
            groups.entry(c.response).or_default().push(c);
        }
        for (response, group) in &groups {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    self.tick(1)?;
                    if let Some(why) = self.conflict(false, a, b, 0)? {
                        return Err(conflict_message(response, &why));
                    }
                }
            }
        }
        Ok(())
    }

    fn tick(&self, n: usize) -> Result<(), String> {
        count_steps(self.steps, n)
    }

    /// The fields `set` selects, through inline fragments and fragment spreads (each fragment
    /// once), each with the type it is selected on.
    fn collect(
        &self,
        parent: Option<&'a Definition>,
        set: &'a [Selection],
    ) -> Result<Vec<Collected<'a>>, String> {
        let mut out = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo: Vec<(Option<&'a Definition>, &'a [Selection])> = vec![(parent, set)];
        while let Some((parent, set)) = todo.pop() {
            self.tick(set.len())?;
            for s in set.iter().rev() {
                match s {
                    Selection::Field(field) => out.push(Collected {
                        response: if field.alias.is_empty() {
                            &field.name
                        } else {
                            &field.alias
                        },
                        field,
                        parent,
                    }),
                    Selection::InlineFragment(f) => {
                        let next = if f.type_condition.is_empty() {
                            parent
                        } else {
                            self.schema.get(&f.type_condition)
                        };
                        todo.push((next, &f.selection_set));
                    }
                    Selection::FragmentSpread(spread) => {
                        if let Some(def) = self.fragments.get(spread.name.as_str())
                            && seen.insert(def.name.as_str())
                        {
                            todo.push((self.schema.get(&def.type_condition), &def.selection_set));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    fn definition(&self, c: &Collected<'a>) -> Option<&'a FieldDefinition> {
        if c.field.name == "__typename" {
            return Some(&TYPENAME);
        }
        c.parent
            .and_then(|p| self.schema.field(&p.name, &c.field.name))
    }

    /// Why fields `a` and `b` (under one response name) cannot be merged, if they cannot.
    fn conflict(
        &self,
        exclusive: bool,
        a: &Collected<'a>,
        b: &Collected<'a>,
        depth: usize,
    ) -> Result<Option<String>, String> {
        let (Some(pa), Some(pb)) = (a.parent, b.parent) else {
            return Ok(None);
        };
        if depth > MAX_WALK_DEPTH {
            return Err(too_deep());
        }
        let (da, db) = (self.definition(a), self.definition(b));
        let exclusive = exclusive
            || (pa.name != pb.name
                && pa.kind == "OBJECT"
                && pb.kind == "OBJECT"
                && da.is_some()
                && db.is_some());
        if !exclusive {
            if a.field.name != b.field.name {
                return Ok(Some(format!(
                    "\"{}\" and \"{}\" are different fields",
                    a.field.name, b.field.name
                )));
            }
            self.tick(a.field.arguments.len() * b.field.arguments.len())?;
            if !same_arguments(&a.field.arguments, &b.field.arguments) {
                return Ok(Some("they have differing arguments".to_owned()));
            }
        }
        let (ta, tb) = (
            da.and_then(|d| d.ty.as_ref()),
            db.and_then(|d| d.ty.as_ref()),
        );
        if let (Some(ta), Some(tb)) = (ta, tb)
            && self.types_conflict(ta, tb)
        {
            return Ok(Some(format!(
                "they return conflicting types \"{ta}\" and \"{tb}\""
            )));
        }
        let next_a = ta.and_then(|t| self.schema.get(t.name()));
        let next_b = tb.and_then(|t| self.schema.get(t.name()));
        let fields_a = self.collect(next_a, &a.field.selection_set)?;
        let fields_b = self.collect(next_b, &b.field.selection_set)?;
        let mut by_name: HashMap<&str, Vec<&Collected<'a>>> = HashMap::new();
        for c in &fields_b {
            by_name.entry(c.response).or_default().push(c);
        }
        for x in &fields_a {
            for y in by_name.get(x.response).into_iter().flatten() {
                self.tick(1)?;
                if let Some(why) = self.conflict(exclusive, x, y, depth + 1)? {
                    return Ok(Some(format!(
                        "subfields \"{}\" conflict because {why}",
                        x.response
                    )));
                }
            }
        }
        Ok(None)
    }

    /// gqlparser's `doTypesConflict`: the same list and non-null shape, and the same type where
    /// either is a leaf.
    fn types_conflict(&self, a: &Type, b: &Type) -> bool {
        if a.non_null != b.non_null || a.elem.is_some() != b.elem.is_some() {
            return true;
        }
        if let (Some(ea), Some(eb)) = (&a.elem, &b.elem) {
            return self.types_conflict(ea, eb);
        }
        let leaf = |t: &Type| {
            self.schema
                .get(&t.named_type)
                .is_some_and(|d| matches!(d.kind.as_str(), "ENUM" | "SCALAR"))
        };
        if leaf(a) || leaf(b) {
            return a.named_type != b.named_type;
        }
        false
    }
}

fn conflict_message(response: &str, why: &str) -> String {
    format!(
        "Fields \"{response}\" conflict because {why}. Use different aliases on the fields to fetch both if this was intentional."
    )
}

fn same_arguments(a: &[Argument], b: &[Argument]) -> bool {
    a.len() == b.len()
        && a.iter().all(|x| {
            b.iter()
                .any(|y| x.name == y.name && same_value(x.value.as_ref(), y.value.as_ref()))
        })
}

fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return a.is_none() && b.is_none();
    };
    if a.kind != b.kind || a.raw != b.raw || a.children.len() != b.children.len() {
        return false;
    }
    let mut ca: Vec<_> = a.children.iter().collect();
    let mut cb: Vec<_> = b.children.iter().collect();
    if a.is(Kind::Object) {
        ca.sort_by(|x, y| x.name.cmp(&y.name));
        cb.sort_by(|x, y| x.name.cmp(&y.name));
    }
    ca.iter()
        .zip(&cb)
        .all(|(x, y)| x.name == y.name && same_value(x.value.as_ref(), y.value.as_ref()))
}
