//! The parser's composite literals: arguments and named arguments, map entries, GStrings
//! (`$path`, `${…}`, `${ x -> … }`), closures and their parameters, list and map literals.

use super::super::parser::{Parser, Step};
use super::super::token::{Kind, NodeKind};
use super::{is_bare_key, is_literal_key};

impl Parser<'_> {
    /// `parseArgList`: `( arg, name: value, … )`.
    pub(in super::super) fn parse_arg_list(&mut self) -> Step {
        self.expect(Kind::LParen)?;
        if !self.at(Kind::RParen) {
            self.parse_arg_or_named_arg()?;
            while self.at(Kind::Comma) {
                self.advance();
                if self.at(Kind::RParen) {
                    break;
                }
                self.parse_arg_or_named_arg()?;
            }
        }
        self.expect(Kind::RParen)
    }

    pub(in super::super) fn looks_like_bare_map_key(&self) -> bool {
        is_bare_key(self.current.kind) && self.peek.kind == Kind::Colon
    }

    pub(in super::super) fn parse_arg_or_named_arg(&mut self) -> Step {
        let named = self.peek.kind == Kind::Colon
            && (is_bare_key(self.current.kind) || is_literal_key(self.current.kind));
        if named {
            self.parse_map_entry()
        } else {
            self.parse_expr(0)
        }
    }

    /// `parseMapEntry`: `key: value`.
    pub(in super::super) fn parse_map_entry(&mut self) -> Step {
        self.start(NodeKind::MapEntry)?;
        if self.looks_like_bare_map_key() {
            self.token_node(NodeKind::IdentExpr)?;
        } else {
            self.parse_expr(0)?;
        }
        self.expect(Kind::Colon)?;
        self.parse_expr(0)?;
        self.finish();
        Ok(())
    }

    /// `parseGStringExpr`: begin, `$path` / `${…}` and parts, end.
    pub(in super::super) fn parse_gstring_expr(&mut self) -> Step {
        self.start(NodeKind::GStringExpr)?;
        self.advance();
        loop {
            match self.current.kind {
                Kind::GStringEnd => {
                    self.advance();
                    break;
                }
                Kind::GStringPart => {
                    self.advance();
                }
                Kind::LBrace => {
                    self.advance();
                    if !self.at(Kind::RBrace) {
                        if self.at(Kind::Arrow) || self.looks_like_closure_params() {
                            if self.at(Kind::Arrow) {
                                self.advance();
                            } else {
                                self.parse_closure_params()?;
                                self.expect(Kind::Arrow)?;
                            }
                            self.parse_statements_until_rbrace()?;
                        } else {
                            while !self.at(Kind::RBrace) && !self.at(Kind::Eof) {
                                self.skip_semicolons();
                                if self.at(Kind::RBrace) || self.at(Kind::Eof) {
                                    break;
                                }
                                self.parse_statement()?;
                                self.skip_semicolons();
                            }
                        }
                    }
                    self.expect(Kind::RBrace)?;
                }
                Kind::Identifier | Kind::CapitalizedIdentifier => {
                    self.start(NodeKind::GStringPath)?;
                    self.advance();
                    while self.at(Kind::Dot) {
                        self.advance();
                        if self.current.kind.is_ident() {
                            self.advance();
                        } else {
                            break;
                        }
                    }
                    self.finish();
                }
                Kind::Eof => break,
                _ => self.token_node(NodeKind::ErrorNode)?,
            }
        }
        self.finish();
        Ok(())
    }

    /// `parseClosureExpr`: `{ [params ->] statements }`.
    pub(in super::super) fn parse_closure_expr(&mut self) -> Step {
        self.start(NodeKind::ClosureExpr)?;
        self.advance();
        if self.at(Kind::Arrow) {
            self.advance();
        } else if !self.at(Kind::RBrace) && self.looks_like_closure_params() {
            self.parse_closure_params()?;
            self.expect(Kind::Arrow)?;
        }
        self.parse_statements_until_rbrace()?;
        self.expect(Kind::RBrace)?;
        self.finish();
        Ok(())
    }

    /// `looksLikeClosureParams`.
    pub(in super::super) fn looks_like_closure_params(&mut self) -> bool {
        let (cur, next) = (self.current.kind, self.peek.kind);
        if cur.is_ident() && next == Kind::Arrow {
            return true;
        }
        let params = cur.is_ident() && (next == Kind::Assign || next == Kind::Comma)
            || self.looks_like_parameter_type()
            || cur.is_primitive() && (next.is_ident() || next == Kind::LBrack)
            || (cur == Kind::KwDef || cur == Kind::KwFinal) && next.is_ident();
        params && self.has_arrow_before_body()
    }

    /// `hasArrowBeforeBody`: `->` before a statement boundary, within 80 tokens.
    pub(in super::super) fn has_arrow_before_body(&mut self) -> bool {
        let mut depth = 0usize;
        for i in 0..80 {
            match self.kind_at(i) {
                Kind::Arrow if depth == 0 => return true,
                Kind::LBrace => depth += 1,
                Kind::RBrace => {
                    if depth == 0 {
                        return false;
                    }
                    depth -= 1;
                }
                Kind::Semi | Kind::Semicolon | Kind::Eof if depth == 0 => return false,
                _ => {}
            }
        }
        false
    }

    pub(in super::super) fn parse_closure_params(&mut self) -> Step {
        self.parse_closure_param()?;
        while self.at(Kind::Comma) {
            self.advance();
            self.parse_closure_param()?;
        }
        Ok(())
    }

    /// `parseClosureParam`: `[type] [...] name [= default]`.
    pub(in super::super) fn parse_closure_param(&mut self) -> Step {
        let (cur, next) = (self.current.kind, self.peek.kind);
        if (cur == Kind::KwDef || cur == Kind::KwFinal) && next.is_ident() {
            self.advance();
        } else if cur.is_primitive() && (next.is_ident() || next == Kind::LBrack)
            || self.looks_like_parameter_type()
        {
            self.parse_type_name()?;
        }
        if self.at(Kind::Ellipsis) {
            self.advance();
        }
        if self.current.kind.is_ident() {
            self.advance();
        } else {
            return self.error("expected parameter name");
        }
        if self.at(Kind::Assign) {
            self.advance();
            self.closure_param_default_depth += 1;
            let step = self.parse_expr(0);
            self.closure_param_default_depth -= 1;
            step?;
        }
        Ok(())
    }

    /// `parseListOrMapLiteral`: `[]`, `[:]`, `[a, b]`, `[k: v, *: m]`.
    pub(in super::super) fn parse_list_or_map(&mut self) -> Step {
        if self.peek.kind == Kind::Colon {
            self.start(NodeKind::MapExpr)?;
            self.advance();
            self.advance();
            self.expect(Kind::RBrack)?;
            self.finish();
            return Ok(());
        }
        if self.peek.kind == Kind::RBrack {
            self.start(NodeKind::ListExpr)?;
            self.advance();
            self.advance();
            self.finish();
            return Ok(());
        }
        let outer = self.checkpoint();
        self.advance();
        if self.looks_like_bare_map_key() {
            self.start_at(outer, NodeKind::MapExpr)?;
            self.parse_map_entry()?;
            return self.parse_map_rest();
        }
        if self.at(Kind::Star) && self.peek.kind == Kind::Colon {
            self.start_at(outer, NodeKind::MapExpr)?;
            self.parse_expr(0)?;
            return self.parse_map_rest();
        }
        let first = self.checkpoint();
        self.parse_expr(0)?;
        if self.at(Kind::Colon) {
            self.start_at(first, NodeKind::MapEntry)?;
            self.advance();
            self.parse_expr(0)?;
            self.finish();
            self.map_entries()?;
            self.start_at(outer, NodeKind::MapExpr)?;
        } else {
            while self.at(Kind::Comma) {
                self.advance();
                if self.at(Kind::RBrack) {
                    break;
                }
                self.parse_expr(0)?;
            }
            self.start_at(outer, NodeKind::ListExpr)?;
        }
        self.expect(Kind::RBrack)?;
        self.finish();
        Ok(())
    }

    /// The entries after a map's first, its `]`, the map closed.
    pub(in super::super) fn parse_map_rest(&mut self) -> Step {
        self.map_entries()?;
        self.expect(Kind::RBrack)?;
        self.finish();
        Ok(())
    }

    /// `, entry`… (a `*: map` spread among them), a trailing comma allowed.
    pub(in super::super) fn map_entries(&mut self) -> Step {
        while self.at(Kind::Comma) {
            self.advance();
            if self.at(Kind::RBrack) {
                break;
            }
            if self.at(Kind::Star) && self.peek.kind == Kind::Colon {
                self.parse_expr(0)?;
            } else {
                self.parse_map_entry()?;
            }
        }
        Ok(())
    }
}
