//! OPA's `strings.render_template(template, vars)`: Go's `text/template` executed over the
//! object `vars` as Go sees it after a JSON round trip (`map[string]any`, numbers as
//! `json.Number`, which Go treats as a string), with `<no value>` written `<undefined>` (OPA
//! v1.22.3, `topdown/template.go`).
//!
//! The template is parsed by the parser of SealedSecret templates (`seal::template`, Go's syntax:
//! actions, pipelines, variables, `if`/`else`/`range`/`with`, `{{- -}}`, comments) and walked by
//! their executor (`seal::template::walk`); the values, their printing and the functions are
//! here, Go's over JSON values, with Go's built-in functions only (no Sprig, as in OPA):
//! `and`, `or`, `not`, `len`, `index`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `print`, `println`
//! and `printf` with `%v`, `%s`, `%d` and `%%`; another name is refused when parsing, as Go
//! refuses an unknown one (Go's `html`, `js`, `urlquery`, `slice` and `call` are among those).
//! The output is bounded (docs/robustness.md): a render stops with an error past
//! [`MAX_OUTPUT`] bytes or [`MAX_STEPS`] steps.

use std::collections::BTreeMap;
use std::sync::Arc;

use regorus::Value;

use super::{Builtin, operand_error, string_operand};
use crate::seal::template::{Arg, Model, Walk, parse_go_template};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] =
    &[("strings.render_template", 2, render_template)];

/// The most bytes one render may write.
const MAX_OUTPUT: usize = 16 * 1024 * 1024;
/// The most nodes one render may execute, loop bodies counted once per iteration.
const MAX_STEPS: usize = 1_000_000;

/// A value as Go's template engine sees it.
#[derive(Clone, Debug, PartialEq)]
enum T {
    /// A missing map key: prints `<no value>`.
    Missing,
    Nil,
    Bool(bool),
    /// A template's integer constant, or a range index.
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    /// `json.Number`: a string kind holding the number's text.
    Number(Arc<str>),
    List(Arc<Vec<T>>),
    Map(Arc<BTreeMap<String, T>>),
}

impl T {
    /// Go's `ast.As` into `any`: objects need string keys, sets become arrays.
    fn from_rego(value: &Value) -> Result<T, String> {
        Ok(match value {
            Value::Null | Value::Undefined => T::Nil,
            Value::Bool(b) => T::Bool(*b),
            Value::Number(n) => T::Number(n.format_decimal().into()),
            Value::String(s) => T::Str(s.clone()),
            Value::Array(items) => T::List(Arc::new(
                items.iter().map(T::from_rego).collect::<Result<_, _>>()?,
            )),
            Value::Set(items) => T::List(Arc::new(
                items.iter().map(T::from_rego).collect::<Result<_, _>>()?,
            )),
            Value::Object(fields) => {
                let mut map = BTreeMap::new();
                for (k, v) in fields.iter() {
                    let Value::String(k) = k else {
                        return Err("json: unsupported type: object with non-string keys".into());
                    };
                    map.insert(k.to_string(), T::from_rego(v)?);
                }
                T::Map(Arc::new(map))
            }
        })
    }

    /// Go's type name, for errors.
    fn type_name(&self) -> &'static str {
        match self {
            T::Missing => "invalid value",
            T::Nil => "<nil>",
            T::Bool(_) => "bool",
            T::Int(_) => "int",
            T::Float(_) => "float64",
            T::Str(_) => "string",
            T::Number(_) => "json.Number",
            T::List(_) => "[]interface {}",
            T::Map(_) => "map[string]interface {}",
        }
    }

    /// Go's `isTrue`.
    fn truth(&self) -> bool {
        match self {
            T::Missing | T::Nil => false,
            T::Bool(b) => *b,
            T::Int(n) => *n != 0,
            T::Float(f) => *f != 0.0,
            T::Str(s) | T::Number(s) => !s.is_empty(),
            T::List(l) => !l.is_empty(),
            T::Map(m) => !m.is_empty(),
        }
    }
}

/// Go's `%v` of a float64 (shortest representation).
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

/// `fmt.Print` of one value (`%v`).
fn print(out: &mut String, value: &T) {
    match value {
        T::Missing => out.push_str("<no value>"),
        T::Nil => out.push_str("<nil>"),
        T::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        T::Int(n) => out.push_str(&n.to_string()),
        T::Float(f) => out.push_str(&float_text(*f)),
        T::Str(s) | T::Number(s) => out.push_str(s),
        T::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print(out, item);
            }
            out.push(']');
        }
        T::Map(map) => {
            out.push_str("map[");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                print(out, v);
            }
            out.push(']');
        }
    }
}

fn is_string(value: &T) -> bool {
    matches!(value, T::Str(_) | T::Number(_))
}

/// `fmt.Sprint`: a space between operands when neither is a string; `Sprintln`: always, and a
/// newline.
fn sprint(args: &[T], line: bool) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 && (line || !(is_string(arg) || is_string(&args[i - 1]))) {
            out.push(' ');
        }
        print(&mut out, arg);
    }
    if line {
        out.push('\n');
    }
    out
}

/// `fmt.Sprintf` for `%v`, `%s`, `%d` and `%%`.
fn sprintf(format: &str, args: &[T]) -> Result<String, String> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb @ ('v' | 's' | 'd')) => match args.next() {
                Some(arg) => match (verb, arg) {
                    ('d', T::Int(_) | T::Float(_)) | ('v', _) => print(&mut out, arg),
                    ('s', arg) if is_string(arg) => print(&mut out, arg),
                    (verb, arg) => {
                        out.push_str(&format!("%!{verb}({}=", arg.type_name()));
                        print(&mut out, arg);
                        out.push(')');
                    }
                },
                None => out.push_str(&format!("%!{verb}(MISSING)")),
            },
            Some(other) => {
                return Err(format!("printf: the verb %{other} is not supported here"));
            }
            None => out.push_str("%!(NOVERB)"),
        }
    }
    Ok(out)
}

/// Go's `eq`/`lt` comparison of basic kinds.
fn compare(a: &T, b: &T) -> Result<std::cmp::Ordering, String> {
    use std::cmp::Ordering;
    match (a, b) {
        (T::Int(x), T::Int(y)) => Ok(x.cmp(y)),
        (T::Int(_) | T::Float(_), T::Int(_) | T::Float(_)) => {
            let f = |v: &T| match v {
                T::Int(n) => *n as f64,
                T::Float(f) => *f,
                _ => 0.0,
            };
            f(a).partial_cmp(&f(b))
                .ok_or_else(|| "incomparable numbers".to_owned())
        }
        (T::Str(x) | T::Number(x), T::Str(y) | T::Number(y)) => Ok(x.cmp(y)),
        (T::Bool(x), T::Bool(y)) => Ok(x.cmp(y)),
        (T::Missing | T::Nil, T::Missing | T::Nil) => Ok(Ordering::Equal),
        _ => Err("error calling eq: incompatible types for comparison".to_owned()),
    }
}

/// A render's output and budget.
struct Exec {
    out: String,
    steps: usize,
}

impl Model for Exec {
    type Value = T;
    type Error = String;

    fn fail(&self, message: String) -> String {
        message
    }

    fn duplicate(&self, value: &T) -> T {
        value.clone()
    }

    fn literal(&self, arg: &Arg) -> T {
        match arg {
            Arg::Str(s) => T::Str(s.as_str().into()),
            Arg::Int(n) => T::Int(*n),
            Arg::Float(f) => T::Float(*f),
            Arg::Bool(b) => T::Bool(*b),
            _ => T::Nil,
        }
    }

    fn missing(&self) -> T {
        T::Missing
    }

    fn truth(&self, value: &T) -> bool {
        value.truth()
    }

    fn text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn print(&mut self, value: &T) {
        print(&mut self.out, value);
    }

    /// `.a.b`: map keys (a missing one is `<no value>`).
    fn field(&self, value: T, name: &str) -> Result<T, String> {
        match value {
            T::Map(map) => Ok(map.get(name).cloned().unwrap_or(T::Missing)),
            T::Missing | T::Nil => Err(format!("nil pointer evaluating interface {{}}.{name}")),
            other => Err(format!(
                "can't evaluate field {name} in type {}",
                other.type_name()
            )),
        }
    }

    fn call(&mut self, name: &str, args: Vec<T>) -> Result<T, String> {
        call(name, &args)
    }

    type Items = Box<dyn Iterator<Item = (T, T)>>;

    fn items(&mut self, value: &T) -> Result<Self::Items, String> {
        Ok(match value {
            T::List(items) => {
                let items = items.clone();
                Box::new((0..items.len()).map(move |i| (T::Int(i as i64), items[i].clone())))
            }
            T::Map(map) => {
                let map = map.clone();
                let keys: Vec<String> = map.keys().cloned().collect();
                Box::new(keys.into_iter().map(move |k| {
                    let v = map.get(&k).cloned().unwrap_or(T::Missing);
                    (T::Str(k.as_str().into()), v)
                }))
            }
            T::Int(n) => {
                // every iteration is a step: refused before the first one
                self.step(usize::try_from(*n).unwrap_or(0))?;
                Box::new((0..*n).map(|i| (T::Int(i), T::Int(i))))
            }
            T::Missing | T::Nil => Box::new(std::iter::empty()),
            other => return Err(format!("range can't iterate over {}", other.type_name())),
        })
    }

    fn short_circuits(&self, name: &str) -> bool {
        name == "and" || name == "or"
    }

    fn step(&mut self, n: usize) -> Result<(), String> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_STEPS || self.out.len() > MAX_OUTPUT {
            return Err(format!(
                "the template takes more than {MAX_STEPS} steps or writes more than {MAX_OUTPUT} bytes (sealgate's bound, see docs/robustness.md)"
            ));
        }
        Ok(())
    }
}

/// A string a function made, within [`MAX_OUTPUT`]: variables keep values without printing
/// them, so `{{$a = print $a $a}}` thirty times would double its way past any output check.
fn made(text: String) -> Result<T, String> {
    if text.len() > MAX_OUTPUT {
        return Err(format!(
            "a function's result is over {MAX_OUTPUT} bytes (sealgate's bound, see docs/robustness.md)"
        ));
    }
    Ok(T::Str(text.into()))
}

/// The functions [`call`] has.
const FUNCTIONS: &[&str] = &[
    "and", "or", "not", "len", "index", "eq", "ne", "lt", "le", "gt", "ge", "print", "println",
    "printf",
];

/// Go's built-in template functions.
fn call(name: &str, args: &[T]) -> Result<T, String> {
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            ))
        }
    };
    match name {
        "and" => Ok(args
            .iter()
            .find(|a| !a.truth())
            .or(args.last())
            .cloned()
            .unwrap_or(T::Missing)),
        "or" => Ok(args
            .iter()
            .find(|a| a.truth())
            .or(args.last())
            .cloned()
            .unwrap_or(T::Missing)),
        "not" => {
            arity(1)?;
            Ok(T::Bool(!args[0].truth()))
        }
        "len" => {
            arity(1)?;
            let n = match &args[0] {
                T::Str(s) | T::Number(s) => s.len(),
                T::List(l) => l.len(),
                T::Map(m) => m.len(),
                other => return Err(format!("len of type {}", other.type_name())),
            };
            Ok(T::Int(n as i64))
        }
        "index" => {
            let Some((first, keys)) = args.split_first() else {
                return Err(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                ));
            };
            let mut value = first.clone();
            for key in keys {
                value = match (&value, key) {
                    (T::Map(map), T::Str(k)) => map.get(&**k).cloned().unwrap_or(T::Missing),
                    (T::List(items), T::Int(i)) => usize::try_from(*i)
                        .ok()
                        .and_then(|i| items.get(i).cloned())
                        .ok_or_else(|| format!("error calling index: index out of range: {i}"))?,
                    (T::Missing | T::Nil, _) => {
                        return Err("error calling index: index of untyped nil".to_owned());
                    }
                    (v, k) => {
                        return Err(format!(
                            "error calling index: cannot index {} with {}",
                            v.type_name(),
                            k.type_name()
                        ));
                    }
                };
            }
            Ok(value)
        }
        "eq" => {
            let Some((first, rest)) = args.split_first() else {
                return Err("missing argument for comparison".to_owned());
            };
            for other in rest {
                if compare(first, other)? == std::cmp::Ordering::Equal {
                    return Ok(T::Bool(true));
                }
            }
            Ok(T::Bool(false))
        }
        "ne" | "lt" | "le" | "gt" | "ge" => {
            arity(2)?;
            let order = compare(&args[0], &args[1])?;
            Ok(T::Bool(match name {
                "ne" => order.is_ne(),
                "lt" => order.is_lt(),
                "le" => order.is_le(),
                "gt" => order.is_gt(),
                _ => order.is_ge(),
            }))
        }
        "print" => made(sprint(args, false)),
        "println" => made(sprint(args, true)),
        "printf" => {
            let Some((T::Str(format), rest)) = args.split_first() else {
                return Err("printf: the format must be a string".to_owned());
            };
            made(sprintf(format, rest)?)
        }
        _ => Err(format!("function {name:?} not defined")),
    }
}

fn render_template(args: &[Value]) -> Result<Value, String> {
    let source = string_operand(args, 0)?;
    let Some(vars @ Value::Object(_)) = args.get(1) else {
        return Err(operand_error(args, 1, "object"));
    };
    let data = T::from_rego(vars)?;
    let nodes = parse_go_template(source, &|name| FUNCTIONS.contains(&name))?;
    let mut exec = Exec {
        out: String::new(),
        steps: 0,
    };
    Walk::new(&mut exec, data.clone())
        .walk(&nodes, &data)
        .map_err(|e| format!("template: template: {e}"))?;
    exec.step(1)?;
    Ok(Value::from(exec.out.replace("<no value>", "<undefined>")))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::eval_x;

    fn render(template: &str, vars: &str) -> Option<String> {
        eval_x(
            &format!("x := strings.render_template({template:?}, {vars})"),
            false,
        )
        .unwrap_or_else(|e| panic!("{template}: {e}"))
        .map(|x| serde_json::from_str::<String>(&x).unwrap_or_default())
    }

    /// OPA v1.22.3's compliance cases and what `opa eval` answers for Go's other forms.
    #[test]
    fn renders_as_go_over_json() {
        for (template, vars, want) in [
            ("{{.test}}", r#"{"test": "hello world"}"#, "hello world"),
            ("{{.test}}", r#"{"test": 2023}"#, "2023"),
            (
                "{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}",
                r#"{"hellonames": ["rohan", "john doe"]}"#,
                "hello rohan,hello john doe",
            ),
            (
                "test {{.foo}} {{.bar}} {{.baz}}",
                r#"{"baz": 1}"#,
                "test <undefined> <undefined> 1",
            ),
            (
                "{{.a}}",
                r#"{"a": [1, "x", null, {"k": true}]}"#,
                "[1 x <nil> map[k:true]]",
            ),
            (
                "{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}",
                r#"{"m": {"b": 2, "a": 1}}"#,
                "a=1;b=2;",
            ),
            (
                "{{if eq .s \"x\"}}yes{{else}}no{{end}}",
                r#"{"s": "x"}"#,
                "yes",
            ),
            (
                "{{len .l}} {{index .l 1}} {{printf \"%s-%d\" .s 3}}",
                r#"{"l": [1, 2], "s": "a"}"#,
                "2 2 a-3",
            ),
            ("{{with .missing}}x{{else}}none{{end}}", "{}", "none"),
            // a json.Number is a string to Go: "0" is true
            ("{{if .zero}}t{{end}}", r#"{"zero": 0}"#, "t"),
            ("{{range 3}}x{{end}}", "{}", "xxx"),
            // `and` and `or` stop at the operand that decides
            (
                "{{if and .a .a.b}}yes{{else}}no{{end}} {{or .x .y}} {{and 1 .z}}",
                r#"{"y": "Y"}"#,
                "no Y <undefined>",
            ),
            (
                r#"{{.f}} {{1.5}} {{print 1 2 "a" "b" 3}}"#,
                r#"{"f": 1.5}"#,
                "1.5 1.5 1 2ab3",
            ),
        ] {
            assert_eq!(render(template, vars).as_deref(), Some(want), "{template}");
        }
    }

    #[test]
    fn errors_are_undefined_and_output_is_bounded() {
        assert_eq!(render("{{.a.b}}", r#"{"a": "s"}"#), None);
        assert_eq!(render("{{nosuch 1}}", "{}"), None);
        assert_eq!(
            render("{{if false}}{{nosuch}}{{end}}", "{}"),
            None,
            "Go parses it"
        );
        assert_eq!(render("{{if}}", "{}"), None);
        assert_eq!(
            render("{{eq .n 1}}", r#"{"n": 1}"#),
            None,
            "json.Number vs int"
        );
        assert_eq!(render("{{range 100000000}}x{{end}}", "{}"), None);
        let doubling = format!(
            "{{{{$a := print .s .s}}}}{}{{{{len $a}}}}",
            "{{$a = print $a $a}}".repeat(30)
        );
        assert_eq!(render(&doubling, r#"{"s": "xxxxxxxx"}"#), None);
        assert_eq!(render("{{.}}", "[]"), None, "vars must be an object");
    }
}
