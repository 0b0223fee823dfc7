//! OPA's static types (v1.22.3, package `types`): what the type checker knows of a term, read
//! from a builtin's declaration in OPA's capabilities JSON, compared as `ast/check.go`'s
//! `unifies` compares them and written as OPA writes them in its errors.

use serde_json::Value;

/// One of OPA's types. Function types (which only `with` replacements compare) are read as
/// [`Type::any`], which every type unifies with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Type {
    Null,
    Boolean,
    Number,
    String,
    /// `array<fixed…>[rest]`: the types of the first elements, then of any further ones.
    Array {
        fixed: Vec<Type>,
        rest: Option<Box<Type>>,
    },
    /// `object<key: value, …>[key: value]`: named keys, then any further ones.
    Object {
        fixed: Vec<(String, Type)>,
        rest: Option<Box<(Type, Type)>>,
    },
    /// `set[of]`; `None` is the empty set's type, a member of every set type.
    Set(Option<Box<Type>>),
    /// Any of these types; none listed: any type at all (OPA's `types.A`).
    Any(Vec<Type>),
}

impl Type {
    /// Any type at all: what is not known.
    pub(super) fn any() -> Self {
        Type::Any(Vec::new())
    }

    pub(super) fn is_any(&self) -> bool {
        matches!(self, Type::Any(alternatives) if alternatives.is_empty())
    }

    /// A type of the values of all these types (`types.Or`): `any` when one is, the one type
    /// when all are the same, else `any<…>` of each once; `any` for none.
    pub(super) fn or(types: impl IntoIterator<Item = Type>) -> Self {
        let mut alternatives: Vec<Type> = Vec::new();
        for t in types {
            if t.is_any() {
                return Type::any();
            }
            let parts = match t {
                Type::Any(parts) => parts,
                other => vec![other],
            };
            for part in parts {
                if !alternatives.contains(&part) {
                    alternatives.push(part);
                }
            }
        }
        match alternatives.len() {
            1 => alternatives.remove(0),
            _ => Type::Any(alternatives),
        }
    }

    /// `array[of]`.
    pub(super) fn array_of(of: Type) -> Self {
        Type::Array {
            fixed: Vec::new(),
            rest: Some(Box::new(of)),
        }
    }

    /// `set[of]`.
    pub(super) fn set_of(of: Type) -> Self {
        Type::Set(Some(Box::new(of)))
    }

    /// `object[key: value]`.
    pub(super) fn object_of(key: Type, value: Type) -> Self {
        Type::Object {
            fixed: Vec::new(),
            rest: Some(Box::new((key, value))),
        }
    }

    /// The type of an array's element at `index`, `None` when it has none there.
    pub(super) fn element<'a>(
        fixed: &'a [Type],
        rest: Option<&'a Type>,
        index: usize,
    ) -> Option<&'a Type> {
        fixed.get(index).or(rest)
    }

    /// The type of an object's value at `key`, `None` when it has none there.
    pub(super) fn property<'a>(
        fixed: &'a [(String, Type)],
        rest: Option<&'a (Type, Type)>,
        key: &str,
    ) -> Option<&'a Type> {
        fixed
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t)
            .or(rest.map(|(_, v)| v))
    }

    /// A type as OPA's capabilities JSON declares it (`{"type": "array", "dynamic": …}`); a
    /// marker this does not know, or a function type, is [`Type::any`].
    pub(super) fn from_decl(decl: &Value) -> Type {
        let field = |name: &str| decl.get(name).filter(|v| !v.is_null());
        match decl.get("type").and_then(Value::as_str) {
            Some("null") => Type::Null,
            Some("boolean") => Type::Boolean,
            Some("number") => Type::Number,
            Some("string") => Type::String,
            Some("array") => Type::Array {
                fixed: field("static")
                    .and_then(Value::as_array)
                    .map(|items| items.iter().map(Type::from_decl).collect())
                    .unwrap_or_default(),
                rest: field("dynamic").map(|d| Box::new(Type::from_decl(d))),
            },
            Some("object") => Type::Object {
                fixed: field("static")
                    .and_then(Value::as_array)
                    .map(|props| {
                        props
                            .iter()
                            .map(|p| {
                                let key = match &p["key"] {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                };
                                (key, Type::from_decl(&p["value"]))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                rest: field("dynamic")
                    .map(|d| Box::new((Type::from_decl(&d["key"]), Type::from_decl(&d["value"])))),
            },
            Some("set") => Type::Set(field("of").map(|of| Box::new(Type::from_decl(of)))),
            Some("any") => Type::Any(
                field("of")
                    .and_then(Value::as_array)
                    .map(|alternatives| alternatives.iter().map(Type::from_decl).collect())
                    .unwrap_or_default(),
            ),
            _ => Type::any(),
        }
    }
}

/// Whether a term of type `a` may be a value of type `b` (`unifies` of OPA's `ast/check.go`).
pub(super) fn unifies(a: &Type, b: &Type) -> bool {
    if let Type::Any(alternatives) = a
        && unifies_any(alternatives, b)
    {
        return true;
    }
    if let Type::Any(alternatives) = b
        && unifies_any(alternatives, a)
    {
        return true;
    }
    match (a, b) {
        (Type::Any(_), _) | (_, Type::Any(_)) => false,
        (Type::Null, Type::Null)
        | (Type::Boolean, Type::Boolean)
        | (Type::Number, Type::Number)
        | (Type::String, Type::String) => true,
        (
            Type::Array { fixed, rest },
            Type::Array {
                fixed: fixed_b,
                rest: rest_b,
            },
        ) => {
            arrays_static(fixed, fixed_b, rest_b.as_deref())
                && arrays_static(fixed_b, fixed, rest.as_deref())
                && match (rest, rest_b) {
                    (Some(x), Some(y)) => unifies(x, y),
                    _ => true,
                }
        }
        (
            Type::Object { fixed, rest },
            Type::Object {
                fixed: fixed_b,
                rest: rest_b,
            },
        ) => {
            objects_static(fixed, rest.as_deref(), fixed_b, rest_b.as_deref())
                && objects_static(fixed_b, rest_b.as_deref(), fixed, rest.as_deref())
                && match (rest, rest_b) {
                    (Some(x), Some(y)) => unifies(&x.1, &y.1),
                    _ => true,
                }
        }
        (Type::Set(x), Type::Set(y)) => match (x, y) {
            (Some(x), Some(y)) => unifies(x, y),
            _ => true,
        },
        _ => false,
    }
}

/// `unifiesAny`: one alternative unifies, or there are none (any type).
fn unifies_any(alternatives: &[Type], b: &Type) -> bool {
    alternatives.is_empty() || alternatives.iter().any(|a| unifies(a, b))
}

/// `unifiesArraysStatic`: each of `a`'s fixed elements unifies with `b`'s element there.
fn arrays_static(a: &[Type], b: &[Type], b_rest: Option<&Type>) -> bool {
    a.iter()
        .enumerate()
        .all(|(i, x)| Type::element(b, b_rest, i).is_some_and(|y| unifies(x, y)))
}

/// `unifiesObjectsStatic`: each of `a`'s named keys unifies with `b`'s value there, or either
/// takes further keys.
fn objects_static(
    a: &[(String, Type)],
    a_rest: Option<&(Type, Type)>,
    b: &[(String, Type)],
    b_rest: Option<&(Type, Type)>,
) -> bool {
    a.iter()
        .all(|(key, value)| match Type::property(b, b_rest, key) {
            Some(other) => unifies(value, other),
            None => a_rest.is_some() || b_rest.is_some(),
        })
}

impl std::fmt::Display for Type {
    /// As OPA's `types.Sprint` writes it: `array<number, any>`, `set[string]`,
    /// `object<op: string>[any: any]`, `any<number, set[any]>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Null => f.write_str("null"),
            Type::Boolean => f.write_str("boolean"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Array { fixed, rest } => {
                f.write_str("array")?;
                if !fixed.is_empty() {
                    write!(f, "<{}>", joined(fixed.iter()))?;
                }
                if let Some(rest) = rest {
                    write!(f, "[{rest}]")?;
                }
                Ok(())
            }
            Type::Object { fixed, rest } => {
                f.write_str("object")?;
                if !fixed.is_empty() {
                    let props: Vec<String> =
                        fixed.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    write!(f, "<{}>", props.join(", "))?;
                }
                if let Some(rest) = rest {
                    write!(f, "[{}: {}]", rest.0, rest.1)?;
                }
                Ok(())
            }
            Type::Set(None) => f.write_str("set"),
            Type::Set(Some(of)) => write!(f, "set[{of}]"),
            Type::Any(alternatives) if alternatives.is_empty() => f.write_str("any"),
            Type::Any(alternatives) => write!(f, "any<{}>", joined(alternatives.iter())),
        }
    }
}

/// Widest a type is written out in full in a type error's `have` that is too wide itself
/// (OPA's `maxElidedTypeWidth`).
const MAX_ELIDED_WIDTH: usize = 32;

impl Type {
    /// The type as OPA writes it in a too wide error line (`elideType`): in full up to
    /// [`MAX_ELIDED_WIDTH`] characters, else its outermost constructor with `...` inside
    /// (`array<...>`, `object<...>[...]`, `set[...]`, `any<...>`), so that a literal of
    /// thousands of elements does not make an error of thousands of words.
    pub(super) fn elided(&self) -> String {
        let full = self.to_string();
        if full.chars().count() <= MAX_ELIDED_WIDTH {
            return full;
        }
        let (name, fixed, rest) = match self {
            Type::Array { fixed, rest } => ("array", !fixed.is_empty(), rest.is_some()),
            Type::Object { fixed, rest } => ("object", !fixed.is_empty(), rest.is_some()),
            Type::Set(_) => return "set[...]".to_owned(),
            Type::Any(_) => return "any<...>".to_owned(),
            _ => return full,
        };
        format!(
            "{name}{}{}",
            if fixed { "<...>" } else { "" },
            if rest { "[...]" } else { "" }
        )
    }
}

/// Types joined with `, `.
fn joined<'a>(types: impl Iterator<Item = &'a Type>) -> String {
    types.map(Type::to_string).collect::<Vec<_>>().join(", ")
}
