//! `xml.Unmarshal` into cyclonedx-go's `BOM` (v0.12.0): Go's `encoding/xml` reflection decoder
//! (`read.go`: `unmarshal`, `unmarshalPath`, `unmarshalAttr`, `copyValue`, `Skip`, and the
//! end-of-element fence an `UnmarshalXML` method reads within) over the type tree, with the
//! library's `UnmarshalXML` methods ported in `xml_custom.rs`.
//!
//! The root element is read into tokens first, by the port of Go's tokenizer in `xml.rs`
//! (strict, no charset reader: a declared encoding other than UTF-8 is an error, as for
//! `xml.Unmarshal`); what follows the root element is never read, as Go never reads it. Nesting
//! is bounded by [`MAX_DEPTH`].

use super::super::xml::{Decoder, Token};
use super::types::{Field, Ty};
use super::value::{Go, zero, zero_struct};
use super::xml_custom;

/// Deepest element nesting read (Go's own bound is 10,000; real BOMs stay far below this).
pub(crate) const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone)]
pub(crate) enum Tok {
    Start {
        local: String,
        attrs: Vec<(String, String)>,
        /// The index of the matching end.
        end: usize,
    },
    End {
        local: String,
    },
    Text(String),
}

/// The token stream of the root element with Go's `Decoder.Token` over it: `pushEOF` fences.
pub(crate) struct Dec {
    toks: Vec<Tok>,
    pos: usize,
    /// Token indexes at which `Token` answers EOF (the innermost last).
    fences: Vec<usize>,
    depth: usize,
}

/// An error of the reader: Go's `io.EOF` apart, as the custom readers test for it.
#[derive(Debug)]
pub(crate) enum Error {
    Eof,
    Msg(String),
}

impl From<String> for Error {
    fn from(s: String) -> Error {
        Error::Msg(s)
    }
}

pub(crate) type Result<T> = std::result::Result<T, Error>;

pub(crate) fn msg<T>(s: impl Into<String>) -> Result<T> {
    Err(Error::Msg(s.into()))
}

/// The root element of `text` as tokens; errors name the line.
fn tokenize(text: &str) -> std::result::Result<Vec<Tok>, String> {
    let mut d = Decoder::new(text, false);
    let mut toks = Vec::new();
    let mut open: Vec<(String, String, usize)> = Vec::new();
    loop {
        let Some(token) = d.raw_token() else {
            return Err(if toks.is_empty() {
                format!(
                    "XML: no root element (a syntax error, an encoding other than UTF-8 or the end of input) on line {}",
                    d.line
                )
            } else {
                format!(
                    "XML syntax error or unexpected end of input on line {}",
                    d.line
                )
            });
        };
        match token {
            Token::Start { name, attrs } => {
                if open.len() >= MAX_DEPTH {
                    return Err(format!(
                        "XML: elements nested deeper than {MAX_DEPTH} on line {}",
                        d.line
                    ));
                }
                open.push((name.prefix, name.local.clone(), toks.len()));
                toks.push(Tok::Start {
                    local: name.local,
                    attrs,
                    end: 0,
                });
            }
            Token::End(name) => {
                let Some((prefix, local, start)) = open.pop() else {
                    return Err(format!(
                        "XML syntax error on line {}: unexpected end element",
                        d.line
                    ));
                };
                if prefix != name.prefix || local != name.local {
                    return Err(format!(
                        "XML syntax error on line {}: element <{local}> closed by </{}>",
                        d.line, name.local
                    ));
                }
                let end = toks.len();
                if let Some(Tok::Start { end: e, .. }) = toks.get_mut(start) {
                    *e = end;
                }
                toks.push(Tok::End { local: name.local });
                if open.is_empty() {
                    return Ok(toks);
                }
            }
            Token::Text(data) if !toks.is_empty() => toks.push(Tok::Text(data)),
            Token::Text(_) | Token::Other => {}
        }
    }
}

/// `xml.Unmarshal(text, &bom)`.
pub(crate) fn unmarshal_bom(text: &str) -> std::result::Result<Go, String> {
    let toks = tokenize(text)?;
    let mut dec = Dec {
        toks,
        pos: 1,
        fences: Vec::new(),
        depth: 0,
    };
    let mut bom = zero_struct(super::types::BOM.fields);
    match dec.unmarshal(&Ty::Struct(&super::types::BOM), &mut bom, 0) {
        Ok(()) => Ok(bom),
        Err(Error::Eof) => Err("EOF".to_string()),
        Err(Error::Msg(m)) => Err(m),
    }
}

/// A field's `xml` tag, read as Go's `structFieldInfo` reads it.
pub(crate) struct Info {
    pub(crate) name: String,
    pub(crate) parents: Vec<String>,
    pub(crate) mode: Mode,
}

#[derive(PartialEq, Eq)]
pub(crate) enum Mode {
    Element,
    Attr,
    CharData,
    /// `xml:"-"`, and the `XMLName` field
    Skip,
}

pub(crate) fn info(field: &Field) -> Info {
    let (name, flags) = field.xml.split_once(',').unwrap_or((field.xml, ""));
    let flags: Vec<&str> = flags.split(',').collect();
    let mode = if field.xml == "-" || field.go == "XMLName" {
        Mode::Skip
    } else if flags.contains(&"attr") {
        Mode::Attr
    } else if flags.contains(&"chardata") {
        Mode::CharData
    } else {
        Mode::Element
    };
    let name = if name.is_empty() && mode != Mode::CharData {
        field.go.to_string()
    } else {
        name.to_string()
    };
    let mut parts: Vec<String> = name.split('>').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    Info {
        name: last,
        parents: parts,
        mode,
    }
}

impl Dec {
    /// Go's `Decoder.Token`: the next token, `Eof` at a fence.
    pub(crate) fn token(&mut self) -> Result<Tok> {
        if self.fences.last().is_some_and(|f| self.pos >= *f) {
            return Err(Error::Eof);
        }
        let tok = self.toks.get(self.pos).cloned().ok_or(Error::Eof)?;
        self.pos += 1;
        Ok(tok)
    }

    /// `Decoder.Skip`: to the end of the element whose start was just read.
    pub(crate) fn skip(&mut self) -> Result<()> {
        let mut depth = 0i64;
        loop {
            match self.token()? {
                Tok::Start { .. } => depth += 1,
                Tok::End { .. } => {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                }
                Tok::Text(_) => {}
            }
        }
    }

    /// `Decoder.DecodeElement(val, start)`: `start` is the index of the element's start token.
    pub(crate) fn unmarshal(&mut self, ty: &Ty, val: &mut Go, start: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH * 4 {
            return msg(format!(
                "XML: decoding nested deeper than {}",
                MAX_DEPTH * 4
            ));
        }
        let out = self.unmarshal_inner(ty, val, start);
        self.depth -= 1;
        out
    }

    fn unmarshal_inner(&mut self, ty: &Ty, val: &mut Go, start: usize) -> Result<()> {
        match ty {
            Ty::Ptr(inner) => {
                if let Go::Ptr(slot) = val {
                    let v = slot.get_or_insert_with(|| Box::new(zero(inner)));
                    return self.unmarshal(inner, v, start);
                }
                Ok(())
            }
            Ty::Custom(custom, under) => {
                if custom.reads_xml() {
                    self.unmarshal_interface(*custom, under, val, start)
                } else {
                    self.unmarshal(under, val, start)
                }
            }
            Ty::Slice(elem) => {
                if let Go::Slice(slot) = val {
                    let items = slot.get_or_insert_with(Vec::new);
                    let mut item = zero(elem);
                    self.unmarshal(elem, &mut item, start)?;
                    items.push(item);
                }
                Ok(())
            }
            Ty::Struct(s) => self.unmarshal_struct(s.fields, val, start, Some(s.name)),
            Ty::XmlName => self.skip(),
            Ty::Str | Ty::Bool | Ty::Int(_) | Ty::Float(_) => {
                let mut data = String::new();
                loop {
                    match self.token()? {
                        Tok::Start { .. } => self.skip()?,
                        Tok::End { .. } => break,
                        Tok::Text(t) => data.push_str(&t),
                    }
                }
                copy_value(ty, val, &data)
            }
        }
    }

    /// A custom type's `UnmarshalXML`, fenced at the element's end: it must read the element
    /// to its end, and cannot read beyond it.
    fn unmarshal_interface(
        &mut self,
        custom: super::types::Custom,
        under: &Ty,
        val: &mut Go,
        start: usize,
    ) -> Result<()> {
        let end = match self.toks.get(start) {
            Some(Tok::Start { end, .. }) => *end,
            _ => return msg("XML: no element"),
        };
        self.fences.push(end + 1);
        let out = xml_custom::unmarshal_xml(self, custom, under, val, start);
        self.fences.pop();
        out?;
        if self.pos <= end {
            return msg(format!(
                "xml: {custom:?}.UnmarshalXML did not consume entire <{}> element",
                self.local(start)
            ));
        }
        Ok(())
    }

    /// The local name of the element starting at `start`.
    pub(crate) fn local(&self, start: usize) -> &str {
        match self.toks.get(start) {
            Some(Tok::Start { local, .. }) => local,
            _ => "",
        }
    }

    pub(crate) fn attrs(&self, start: usize) -> Vec<(String, String)> {
        match self.toks.get(start) {
            Some(Tok::Start { attrs, .. }) => attrs.clone(),
            _ => Vec::new(),
        }
    }

    /// The index of the token last returned (a start element's, for `DecodeElement`).
    pub(crate) fn last(&self) -> usize {
        self.pos.saturating_sub(1)
    }

    /// `unmarshal` into a struct of `fields` (named `name` in errors, when a type's).
    pub(crate) fn unmarshal_struct(
        &mut self,
        fields: &[Field],
        val: &mut Go,
        start: usize,
        name: Option<&str>,
    ) -> Result<()> {
        let Go::Struct(values) = val else {
            return Ok(());
        };
        let infos: Vec<Info> = fields.iter().map(info).collect();
        if let Some(xml_name) = fields.iter().find(|f| f.go == "XMLName") {
            let want = xml_name.xml.split(',').next().unwrap_or_default();
            if !want.is_empty() && want != self.local(start) {
                return msg(format!(
                    "expected element type <{want}> but have <{}>",
                    self.local(start)
                ));
            }
        }
        for (attr, value) in self.attrs(start) {
            for (i, (field, inf)) in fields.iter().zip(&infos).enumerate() {
                if inf.mode == Mode::Attr && inf.name == attr {
                    unmarshal_attr(field.ty, &mut values[i], &value)?;
                }
            }
        }
        let chardata = infos.iter().position(|i| i.mode == Mode::CharData);
        let mut data = String::new();
        loop {
            match self.token()? {
                Tok::Start { .. } => {
                    let at = self.last();
                    if !self.unmarshal_path(fields, &infos, values, &[], at)? {
                        self.skip()?;
                    }
                }
                Tok::End { .. } => break,
                Tok::Text(t) => {
                    if chardata.is_some() {
                        data.push_str(&t);
                    }
                }
            }
        }
        if let Some(i) = chardata {
            copy_value(fields[i].ty, &mut values[i], &data)?;
        }
        let _ = name;
        Ok(())
    }

    /// Go's `unmarshalPath`: a child element for a field named by it, or by a path (`a>b`)
    /// through it; whether it was consumed.
    fn unmarshal_path(
        &mut self,
        fields: &[Field],
        infos: &[Info],
        values: &mut [Go],
        parents: &[String],
        start: usize,
    ) -> Result<bool> {
        let local = self.local(start).to_string();
        let mut deeper: Option<Vec<String>> = None;
        for (i, inf) in infos.iter().enumerate() {
            if inf.mode != Mode::Element
                || inf.parents.len() < parents.len()
                || inf.parents[..parents.len()] != *parents
            {
                continue;
            }
            if inf.parents.len() == parents.len() && inf.name == local {
                self.unmarshal(fields[i].ty, &mut values[i], start)?;
                return Ok(true);
            }
            if inf.parents.len() > parents.len() && inf.parents[parents.len()] == local {
                deeper = Some(inf.parents[..=parents.len()].to_vec());
                break;
            }
        }
        let Some(parents) = deeper else {
            return Ok(false);
        };
        loop {
            match self.token()? {
                Tok::Start { .. } => {
                    let at = self.last();
                    if !self.unmarshal_path(fields, infos, values, &parents, at)? {
                        self.skip()?;
                    }
                }
                Tok::End { .. } => return Ok(true),
                Tok::Text(_) => {}
            }
        }
    }
}

/// `unmarshalAttr`: an attribute's value into a field.
fn unmarshal_attr(ty: &Ty, val: &mut Go, value: &str) -> Result<()> {
    match (ty, val) {
        (Ty::Ptr(inner), Go::Ptr(slot)) => {
            let v = slot.get_or_insert_with(|| Box::new(zero(inner)));
            unmarshal_attr(inner, v, value)
        }
        (Ty::Slice(elem), Go::Slice(slot)) => {
            let mut item = zero(elem);
            unmarshal_attr(elem, &mut item, value)?;
            slot.get_or_insert_with(Vec::new).push(item);
            Ok(())
        }
        (Ty::Custom(_, under), val) => unmarshal_attr(under, val, value),
        (ty, val) => copy_value(ty, val, value),
    }
}

/// `copyValue`: text into a string, bool, int or float (`strconv`'s parsers, after trimming
/// spaces; empty text is the zero value).
pub(crate) fn copy_value(ty: &Ty, val: &mut Go, src: &str) -> Result<()> {
    match ty {
        Ty::Ptr(inner) => {
            if let Go::Ptr(slot) = val {
                let v = slot.get_or_insert_with(|| Box::new(zero(inner)));
                return copy_value(inner, v, src);
            }
            Ok(())
        }
        Ty::Custom(_, under) => copy_value(under, val, src),
        Ty::Str => {
            *val = Go::Str(src.to_string());
            Ok(())
        }
        _ if src.is_empty() => {
            *val = zero(ty);
            Ok(())
        }
        Ty::Bool => {
            *val = Go::Bool(match src.trim_matches(is_go_space) {
                "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                _ => return msg("strconv.ParseBool: parsing a value: invalid syntax"),
            });
            Ok(())
        }
        Ty::Int(_) => {
            let t = src.trim_matches(is_go_space);
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return msg("strconv.ParseInt: parsing a value: invalid syntax");
            }
            *val = Go::Int(
                t.parse::<i64>()
                    .map_err(|_| Error::Msg("strconv.ParseInt: a value out of range".into()))?,
            );
            Ok(())
        }
        Ty::Float(bits) => {
            let t = src.trim_matches(is_go_space);
            let f = match super::super::ini::go_parse_float(t) {
                Some(f) => f,
                // Go reads these, and json.Marshal then refuses them
                None if is_inf_or_nan(t) => f64::NAN,
                None => {
                    return msg(
                        "strconv.ParseFloat: parsing a value: invalid syntax or out of range",
                    );
                }
            };
            if *bits == 32 && f.is_finite() && !(f as f32).is_finite() {
                return msg("strconv.ParseFloat: a value out of range");
            }
            *val = Go::Float(if *bits == 32 && f.is_finite() {
                f64::from(f as f32)
            } else {
                f
            });
            Ok(())
        }
        Ty::Slice(_) | Ty::Struct(_) | Ty::XmlName => msg("cannot unmarshal text into a structure"),
    }
}

/// `strconv.ParseFloat`'s spellings of infinity and NaN.
fn is_inf_or_nan(t: &str) -> bool {
    let u = t.strip_prefix(['+', '-']).unwrap_or(t).to_ascii_lowercase();
    matches!(u.as_str(), "inf" | "infinity") || t.eq_ignore_ascii_case("nan")
}

/// `strings.TrimSpace`'s spaces (Unicode White_Space).
pub(crate) fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}
