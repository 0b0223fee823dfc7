//! conftest's `hcl2` parser: HCL2 as the JSON that hcl2json v0.6.7 (conftest v0.71.1) produces.
//!
//! hcl2json's rules, kept here: blocks nest by type then each label into objects, the innermost
//! holding an array of bodies; attributes (after blocks, so an attribute wins over a block of the
//! same name); literals and literal-operand unary operations become JSON values, arrays and
//! objects stay structured; a template is re-written as a string (literal text with `${`/`%{`
//! escaped as `$${`/`%%{`, interpolations as `${source}`, directives as `%{if …}`/`%{for …}`),
//! a template that is one interpolation is that expression; anything else is `${source}`, the
//! expression's own source text (with hcl2json's trailing `)` quirk). The source text needs
//! spans, which is why this reads hcl-rs's lossless parser (`hcl-edit`). String values are NFC
//! (cty normalizes them); quoted strings may not span lines (hclsyntax refuses them).

use std::collections::BTreeSet;
use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::{Decorated, Number, Span};
use serde_json::{Map, Value};

/// Deepest bracket nesting read: the parser recurses per level, and a hostile file must not
/// exhaust the stack (real configurations stay far below it).
const MAX_DEPTH: usize = 64;

/// Parses `text` as conftest's hcl2 parser does.
pub(super) fn parse(text: &str) -> anyhow::Result<Value> {
    check_depth(text)?;
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = e.location();
        anyhow::anyhow!(
            "hcl2: line {}, column {}: {}",
            at.line(),
            at.column(),
            e.message()
        )
    })?;
    let conv = Converter { src: text };
    Ok(Value::Object(
        conv.body(&body).map_err(|e| anyhow::anyhow!("hcl2: {e}"))?,
    ))
}

/// Refuses text whose brackets (`{[(`, counted everywhere, strings included) nest deeper than
/// [`MAX_DEPTH`], before the recursive parser sees it.
fn check_depth(text: &str) -> anyhow::Result<()> {
    let mut depth = 0usize;
    for (line, l) in text.lines().enumerate() {
        for c in l.chars() {
            match c {
                '{' | '[' | '(' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        anyhow::bail!(
                            "hcl2: brackets nested deeper than {MAX_DEPTH} at line {}",
                            line + 1
                        );
                    }
                }
                '}' | ']' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
}

/// One piece of a template with its nesting flattened, as hclsyntax sees it when it applies
/// strip markers (`~`) across directive boundaries.
enum Piece<'a> {
    Literal(String),
    Interpolation(&'a Expression),
    If(&'a Expression),
    Else,
    Endif,
    For {
        key: Option<&'a str>,
        value: &'a str,
        collection: &'a Expression,
    },
    Endfor,
}

struct Converter<'a> {
    src: &'a str,
}

impl Converter<'_> {
    fn body(&self, body: &Body) -> anyhow::Result<Map<String, Value>> {
        let mut out = Map::new();
        for block in body.blocks() {
            self.block(block, &mut out)?;
        }
        let mut seen = BTreeSet::new();
        for attr in body.attributes() {
            let key = attr.key.as_str();
            if !seen.insert(key) {
                anyhow::bail!("attribute {key:?} redefined{}", self.at(attr.key.span()));
            }
            out.insert(key.to_string(), self.expr(&attr.value)?);
        }
        Ok(out)
    }

    fn block(&self, block: &Block, out: &mut Map<String, Value>) -> anyhow::Result<()> {
        let mut key = block.ident.as_str().to_string();
        let mut cur = out;
        for label in &block.labels {
            let entry = cur.entry(key).or_insert_with(|| Value::Object(Map::new()));
            cur = entry.as_object_mut().ok_or_else(|| {
                anyhow::anyhow!(
                    "Unable to convert Block to JSON: {}.{}{}",
                    block.ident.as_str(),
                    block
                        .labels
                        .iter()
                        .map(|l| l.as_str())
                        .collect::<Vec<_>>()
                        .join("."),
                    self.at(block.ident.span())
                )
            })?;
            key = label.as_str().to_string();
        }
        let value = Value::Object(self.body(&block.body)?);
        match cur.get_mut(&key) {
            Some(Value::Array(a)) => a.push(value),
            Some(_) => anyhow::bail!(
                "invalid HCL detected for {key:?} block, cannot have blocks with and without labels{}",
                self.at(block.ident.span())
            ),
            None => {
                cur.insert(key, Value::Array(vec![value]));
            }
        }
        Ok(())
    }

    /// ` (line N)` for an error at `span`.
    fn at(&self, span: Option<Range<usize>>) -> String {
        span.and_then(|s| self.src.get(..s.start))
            .map(|before| format!(" (line {})", before.matches('\n').count() + 1))
            .unwrap_or_default()
    }

    /// hcl2json's `rangeSource`: the expression's source, plus a `)` right after it.
    fn source(&self, e: &impl Span) -> anyhow::Result<&str> {
        let span = e
            .span()
            .ok_or_else(|| anyhow::anyhow!("expression without a source position"))?;
        let end = if self.src.as_bytes().get(span.end) == Some(&b')') {
            span.end + 1
        } else {
            span.end
        };
        self.src
            .get(span.start..end)
            .ok_or_else(|| anyhow::anyhow!("expression outside the source text"))
    }

    fn wrap(&self, e: &impl Span) -> anyhow::Result<String> {
        Ok(format!("${{{}}}", self.source(e)?))
    }

    fn expr(&self, e: &Expression) -> anyhow::Result<Value> {
        Ok(match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => number(n.value()),
            Expression::String(s) => Value::String(self.quoted(s)?),
            Expression::StringTemplate(t) => match self.single_line_template(t)? {
                Some(inner) => self.expr(inner)?,
                None => Value::String(self.template(t)?),
            },
            Expression::HeredocTemplate(h) => Value::String(self.template(&h.template)?),
            Expression::Array(a) => Value::Array(
                a.iter()
                    .map(|e| self.expr(e))
                    .collect::<anyhow::Result<_>>()?,
            ),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o.iter() {
                    m.insert(self.key(k)?, self.expr(v.expr())?);
                }
                Value::Object(m)
            }
            Expression::UnaryOp(u) => match (u.operator.value(), &u.expr) {
                (UnaryOperator::Neg, Expression::Number(n)) => negate(n.value()),
                (UnaryOperator::Not, Expression::Bool(b)) => Value::Bool(!*b.value()),
                (_, Expression::Null(_) | Expression::Bool(_) | Expression::Number(_)) => {
                    anyhow::bail!(
                        "invalid operand for {}{}",
                        self.source(e)?,
                        self.at(e.span())
                    )
                }
                _ => Value::String(self.wrap(e)?),
            },
            _ => Value::String(self.wrap(e)?),
        })
    }

    /// hcl2json's `convertKey`: a bare name (or traversal) is its source text, anything else
    /// a string part.
    fn key(&self, k: &ObjectKey) -> anyhow::Result<String> {
        match k {
            ObjectKey::Ident(i) => Ok(i.as_str().to_string()),
            ObjectKey::Expression(e @ (Expression::Variable(_) | Expression::Traversal(_))) => {
                Ok(self.source(e)?.to_string())
            }
            ObjectKey::Expression(e) => self.string_part(e),
        }
    }

    /// hcl2json's `convertStringPart`: an expression inside a template, as template text.
    fn string_part(&self, e: &Expression) -> anyhow::Result<String> {
        Ok(match e {
            Expression::Null(_) => "null".to_string(),
            Expression::Bool(b) => b.value().to_string(),
            Expression::Number(n) => escape(&number_text(n.value())),
            Expression::String(s) => self.quoted(s)?,
            Expression::StringTemplate(t) => match self.single_line_template(t)? {
                Some(inner) => self.string_part(inner)?,
                None => self.template(t)?,
            },
            Expression::HeredocTemplate(h) => self.template(&h.template)?,
            Expression::Conditional(c) => {
                let yes = self.string_part(&c.true_expr)?;
                let no = self.string_part(&c.false_expr)?;
                conditional(self.source(&c.cond_expr)?, &yes, &no)
            }
            _ => self.wrap(e)?,
        })
    }

    /// A string literal's value, refused if the quoted string spans lines.
    fn quoted(&self, s: &Decorated<String>) -> anyhow::Result<String> {
        self.single_line(s.span())?;
        Ok(escape(&nfc(s.value())))
    }

    /// hclsyntax's "Invalid multi-line string": a raw line break inside quotes.
    fn single_line(&self, span: Option<Range<usize>>) -> anyhow::Result<()> {
        let text = span.as_ref().and_then(|r| self.src.get(r.clone()));
        if let Some(text) = text
            && text.starts_with('"')
            && text.contains('\n')
        {
            anyhow::bail!(
                "quoted strings may not be split over multiple lines{}",
                self.at(span)
            );
        }
        Ok(())
    }

    /// Refuses a quoted template with a raw line break in its text; then its
    /// [`single_interpolation`].
    fn single_line_template<'t>(&self, t: &'t Template) -> anyhow::Result<Option<&'t Expression>> {
        for el in t.iter() {
            match el {
                Element::Literal(l) => {
                    let text = l.span().and_then(|r| self.src.get(r));
                    if text.is_some_and(|t| t.contains('\n')) {
                        anyhow::bail!(
                            "quoted strings may not be split over multiple lines{}",
                            self.at(l.span())
                        );
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        self.single_line_template(&d.if_expr.template)?;
                        if let Some(e) = &d.else_expr {
                            self.single_line_template(&e.template)?;
                        }
                    }
                    Directive::For(d) => {
                        self.single_line_template(&d.for_expr.template)?;
                    }
                },
                Element::Interpolation(_) => {}
            }
        }
        Ok(single_interpolation(t))
    }

    fn template(&self, t: &Template) -> anyhow::Result<String> {
        let mut pieces = Vec::new();
        flatten(t, &mut pieces);
        let mut i = 0;
        self.render(&pieces, &mut i)
    }

    /// Renders pieces from `i` up to the `else`/`endif`/`endfor` that closes the current level.
    fn render(&self, pieces: &[Piece<'_>], i: &mut usize) -> anyhow::Result<String> {
        let mut out = String::new();
        while let Some(p) = pieces.get(*i) {
            *i += 1;
            match p {
                Piece::Literal(s) => out.push_str(&escape(s)),
                Piece::Interpolation(e) => out.push_str(&self.string_part(e)?),
                Piece::If(cond) => {
                    let yes = self.render(pieces, i)?;
                    let no = if matches!(pieces.get(*i - 1), Some(Piece::Else)) {
                        self.render(pieces, i)?
                    } else {
                        String::new()
                    };
                    out.push_str(&conditional(self.source(*cond)?, &yes, &no));
                }
                Piece::For {
                    key,
                    value,
                    collection,
                } => {
                    out.push_str("%{for ");
                    if let Some(k) = key {
                        out.push_str(k);
                        out.push_str(", ");
                    }
                    out.push_str(value);
                    out.push_str(" in ");
                    out.push_str(self.source(*collection)?);
                    out.push('}');
                    out.push_str(&self.render(pieces, i)?);
                    out.push_str("%{endfor}");
                }
                Piece::Else | Piece::Endif | Piece::Endfor => break,
            }
        }
        Ok(out)
    }
}

fn conditional(cond: &str, yes: &str, no: &str) -> String {
    let mut s = format!("%{{if {cond}}}{yes}");
    if !no.is_empty() {
        s.push_str("%{else}");
        s.push_str(no);
    }
    s.push_str("%{endif}");
    s
}

/// The template's pieces with the strip markers applied: `~` trims the whitespace of the
/// literal right before (opening marker) or after (closing marker), across directives.
fn flatten<'a>(t: &'a Template, out: &mut Vec<Piece<'a>>) {
    let mut strips: Vec<(usize, Strip)> = Vec::new();
    {
        let mut mark = |out: &mut Vec<Piece<'a>>, piece, strip| {
            strips.push((out.len(), strip));
            out.push(piece);
        };
        flatten_nested(t, out, &mut mark);
    }
    for (at, strip) in strips {
        if strip.strip_start()
            && let Some(Piece::Literal(s)) = at.checked_sub(1).and_then(|j| out.get_mut(j))
        {
            s.truncate(s.trim_end().len());
        }
        if strip.strip_end()
            && let Some(Piece::Literal(s)) = out.get_mut(at + 1)
        {
            *s = s.trim_start().to_string();
        }
    }
}

/// Appends `t`'s pieces, directives' bodies inline; `mark` records a marker piece and its strip.
fn flatten_nested<'a>(
    t: &'a Template,
    out: &mut Vec<Piece<'a>>,
    mark: &mut impl FnMut(&mut Vec<Piece<'a>>, Piece<'a>, Strip),
) {
    for el in t.iter() {
        match el {
            Element::Literal(s) => out.push(Piece::Literal(nfc(s.value()))),
            Element::Interpolation(i) => mark(out, Piece::Interpolation(&i.expr), i.strip),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    mark(out, Piece::If(&d.if_expr.cond_expr), d.if_expr.strip);
                    flatten_nested(&d.if_expr.template, out, mark);
                    if let Some(e) = &d.else_expr {
                        mark(out, Piece::Else, e.strip);
                        flatten_nested(&e.template, out, mark);
                    }
                    mark(out, Piece::Endif, d.endif_expr.strip);
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    let piece = Piece::For {
                        key: f.key_var.as_ref().map(|k| k.as_str()),
                        value: f.value_var.as_str(),
                        collection: &f.collection_expr,
                    };
                    mark(out, piece, f.strip);
                    flatten_nested(&f.template, out, mark);
                    mark(out, Piece::Endfor, d.endfor_expr.strip);
                }
            },
        }
    }
}

/// A quoted template that is exactly one interpolation: hclsyntax's pass-through, whose value is
/// the inner expression's, not a string.
fn single_interpolation(t: &Template) -> Option<&Expression> {
    let mut it = t.iter();
    match (it.next(), it.next()) {
        (Some(Element::Interpolation(i)), None) => Some(&i.expr),
        _ => None,
    }
}

/// cty's string normalization (Unicode NFC).
fn nfc(s: &str) -> String {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc()
        .normalize(s)
        .into_owned()
}

/// hcl2json's `escapeLiteral`: literal text that would read as a template sequence.
fn escape(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// A number as JSON: whole numbers as integers (cty prints them without a fraction).
fn number(n: &Number) -> Value {
    if let Some(u) = n.as_u64() {
        return Value::from(u);
    }
    if let Some(i) = n.as_i64() {
        return Value::from(i);
    }
    let f = n.as_f64().unwrap_or_default();
    float(f)
}

fn float(f: f64) -> Value {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "only whole numbers well inside i64's range are converted"
    )]
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Value::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn negate(n: &Number) -> Value {
    if let Some(i) = n.as_i64().and_then(i64::checked_neg) {
        return Value::from(i);
    }
    float(-n.as_f64().unwrap_or_default())
}

/// A number as template text (cty's number-to-string conversion: no exponent).
fn number_text(n: &Number) -> String {
    match number(n) {
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// hcl2json's own test case (convert_test.go, "simple-resources"), expected output verbatim.
    #[test]
    fn hcl2json_simple_resources() {
        let input = r#"
resource "aws_elastic_beanstalk_environment" "example" {
  name        = "test_environment"
  application = "testing"

  setting {
    namespace = "aws:autoscaling:asg"
    name      = "MinSize"
    value     = "1"
  }

  dynamic "setting" {
    for_each = data.consul_key_prefix.environment.var
    content {
      heredoc = <<-EOF
        This is a heredoc template.
        It references ${local.other.3}
        EOF
      simple = "${4 - 2}"
      cond = test3 > 2 ? 1: 0
      heredoc2 = <<EOF
        Another heredoc, that
        doesn't remove indentation
        ${local.other.3}
        %{if true ? false : true}"gotcha"\n%{else}4%{endif}
      EOF
      loop = "This has a for loop: %{for x in local.arr}x,%{endfor}"
      namespace = "aws:elasticbeanstalk:application:environment"
      name      = setting.key
      value     = setting.value
    }
  }
}"#;
        let want = json!({"resource": {"aws_elastic_beanstalk_environment": {"example": [{
            "name": "test_environment",
            "application": "testing",
            "setting": [{"name": "MinSize", "namespace": "aws:autoscaling:asg", "value": "1"}],
            "dynamic": {"setting": [{
                "for_each": "${data.consul_key_prefix.environment.var}",
                "content": [{
                    "cond": "${test3 > 2 ? 1: 0}",
                    "heredoc": "This is a heredoc template.\nIt references ${local.other.3}\n",
                    "heredoc2": "        Another heredoc, that\n        doesn't remove indentation\n        ${local.other.3}\n        %{if true ? false : true}\"gotcha\"\\n%{else}4%{endif}\n",
                    "loop": "This has a for loop: %{for x in local.arr}x,%{endfor}",
                    "name": "${setting.key}",
                    "namespace": "aws:elasticbeanstalk:application:environment",
                    "simple": "${4 - 2}",
                    "value": "${setting.value}"
                }]
            }]}
        }]}}});
        assert_eq!(parse(input).unwrap(), want);
    }

    /// At the bound, every kind of nesting parses on a test thread's small stack; one more is refused.
    #[test]
    fn nesting_is_bounded() {
        let n = MAX_DEPTH;
        let deep = [
            format!("a = {}1{}\n", "[".repeat(n), "]".repeat(n)),
            format!("a = {}1{}\n", "(".repeat(n), ")".repeat(n)),
            format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)),
            format!("a = {}x{}\n", "\"${".repeat(n), "}\"".repeat(n)),
            format!("{}\n{}\n", "b {\n".repeat(n), "}\n".repeat(n)),
        ];
        for text in &deep {
            parse(text).unwrap();
        }
        assert!(check_depth(&"[".repeat(n + 1)).is_err());
    }

    #[test]
    fn literals_strips_and_errors() {
        let v = parse("a = -1\nb = \"${true}\"\nc = \"x ${~ y ~} z\"\nd = [1.5, null, \"$${x}\"]\ne = { k = 1, \"q\" = f(x) }\n").unwrap();
        assert_eq!(
            v,
            json!({"a": -1, "b": true, "c": "x${y}z", "d": [1.5, null, "$${x}"], "e": {"k": 1, "q": "${f(x)}"}})
        );
        assert!(parse("a = 1\na = 2\n").is_err());
        assert!(parse("b {}\nb \"x\" {}\n").is_err());
        assert!(parse("a = ").is_err());
        assert!(parse("a = \"x\ny\"\n").is_err());
        assert!(parse("a = \"${b}x\ny\"\n").is_err());
        assert_eq!(
            parse("a = \"an\u{303}o\"\n").unwrap(),
            json!({"a": "a\u{f1}o"})
        );
        assert!(parse(&format!("a = {}1{}", "[".repeat(100), "]".repeat(100))).is_err());
    }
}
