//! groovy-parser-go's declarations (`parser/decl.go`): modifiers and annotations, imports,
//! classes, interfaces, enums, traits, annotation types, their members (methods, fields, nested
//! types, initializer blocks), parameters, and the lookahead that tells a type before a name.

use super::parser::{Parser, Step};
use super::token::{Kind, NodeKind};

impl Parser<'_> {
    /// `parseModifiers`: modifiers, annotations, and the newlines between them.
    fn parse_modifiers(&mut self) -> Step {
        loop {
            if self.current.kind.is_modifier() {
                self.advance();
            } else if self.at(Kind::At) && self.peek.kind != Kind::KwInterface {
                self.parse_annotation()?;
            } else if self.at_semi() {
                self.advance();
            } else {
                return Ok(());
            }
        }
    }

    /// `parseAnnotation`: `@Type[(args)]`.
    fn parse_annotation(&mut self) -> Step {
        self.start(NodeKind::AnnotationNode)?;
        self.advance();
        self.parse_type_name()?;
        if self.at(Kind::LParen) {
            self.parse_arg_list()?;
        }
        self.finish();
        Ok(())
    }

    /// `parseImportDecl`, its node included.
    pub(super) fn parse_import_decl(&mut self) -> Step {
        self.start(NodeKind::ImportDecl)?;
        self.advance();
        if self.at(Kind::KwStatic) {
            self.advance();
        }
        self.parse_dotted_name()?;
        if self.at(Kind::Dot) && self.peek.kind == Kind::Star {
            self.advance();
            self.advance();
        }
        if self.at(Kind::KwAs) {
            self.advance();
            if self.current.kind.is_ident() {
                self.advance();
            } else {
                return self.error("expected identifier after 'as' in import");
            }
        }
        self.finish();
        Ok(())
    }

    /// `parseDottedName`.
    pub(super) fn parse_dotted_name(&mut self) -> Step {
        if self.current.kind.is_ident() {
            self.advance();
        } else {
            return self.error("expected identifier");
        }
        while self.at(Kind::Dot) && self.peek.kind.is_ident() {
            self.advance();
            self.advance();
        }
        Ok(())
    }

    /// A class, interface, enum or trait (the keyword current), its node opened at `cp`.
    pub(super) fn parse_type_decl(&mut self, cp: usize) -> Step {
        let kind = match self.current.kind {
            Kind::KwClass => NodeKind::ClassDecl,
            Kind::KwInterface => NodeKind::InterfaceDecl,
            Kind::KwEnum => NodeKind::EnumDecl,
            _ => NodeKind::TraitDecl,
        };
        self.start_at(cp, kind)?;
        self.advance();
        self.parse_decl_name()?;
        match kind {
            NodeKind::ClassDecl => {
                self.parse_optional_type_parameters();
                self.parse_optional_extends()?;
                self.parse_optional_type_list(Kind::KwImplements)?;
                self.parse_class_body()?;
            }
            NodeKind::InterfaceDecl => {
                self.parse_optional_type_parameters();
                self.parse_optional_type_list(Kind::KwExtends)?;
                self.parse_class_body()?;
            }
            NodeKind::EnumDecl => {
                self.parse_optional_type_list(Kind::KwImplements)?;
                self.parse_enum_body()?;
            }
            _ => {
                self.parse_optional_extends()?;
                self.parse_optional_type_list(Kind::KwImplements)?;
                self.parse_class_body()?;
            }
        }
        self.finish();
        Ok(())
    }

    /// A declared type's name, dotted as in AST dumps.
    fn parse_decl_name(&mut self) -> Step {
        if self.current.kind.is_ident() {
            self.advance();
            while self.at(Kind::Dot) && self.peek.kind.is_ident() {
                self.advance();
                self.advance();
            }
            Ok(())
        } else {
            self.expect(Kind::CapitalizedIdentifier)
        }
    }

    fn parse_optional_extends(&mut self) -> Step {
        if self.at(Kind::KwExtends) {
            self.advance();
            self.parse_type_name()?;
        }
        Ok(())
    }

    /// `implements A, B` (or an interface's `extends A, B`, or `throws A, B`).
    fn parse_optional_type_list(&mut self, keyword: Kind) -> Step {
        if !self.at(keyword) {
            return Ok(());
        }
        self.advance();
        self.parse_type_name()?;
        while self.at(Kind::Comma) {
            self.advance();
            self.parse_type_name()?;
        }
        Ok(())
    }

    pub(super) fn parse_optional_throws(&mut self) -> Step {
        self.parse_optional_type_list(Kind::KwThrows)
    }

    /// `{ CONSTANT[(args)][{ body }], … [;] members }`.
    fn parse_enum_body(&mut self) -> Step {
        self.expect(Kind::LBrace)?;
        if self.current.kind.is_ident() {
            self.parse_enum_constant()?;
            while self.at(Kind::Comma) {
                self.advance();
                if self.at_semi() || self.at(Kind::RBrace) || !self.current.kind.is_ident() {
                    break;
                }
                self.parse_enum_constant()?;
            }
        }
        if self.at_semi() {
            self.advance();
        }
        self.parse_members()?;
        self.expect(Kind::RBrace)
    }

    fn parse_enum_constant(&mut self) -> Step {
        self.start(NodeKind::EnumConstant)?;
        while self.at(Kind::At) && self.peek.kind != Kind::KwInterface {
            self.parse_annotation()?;
        }
        if self.current.kind.is_ident() {
            self.advance();
        } else {
            return self.error("expected enum constant name");
        }
        if self.at(Kind::LParen) {
            self.parse_arg_list()?;
        }
        if self.at(Kind::LBrace) {
            self.parse_class_body()?;
        }
        self.finish();
        Ok(())
    }

    /// `@interface Name { … }` (the `@` current), its node opened at `cp`.
    fn parse_annotation_decl(&mut self, cp: usize) -> Step {
        self.start_at(cp, NodeKind::AnnotationDecl)?;
        self.advance();
        self.advance();
        self.parse_decl_name()?;
        self.parse_class_body()?;
        self.finish();
        Ok(())
    }

    /// `parseClassBody`: `{ member* }`, a newline allowed before the `{`.
    fn parse_class_body(&mut self) -> Step {
        self.skip_semicolons();
        self.expect(Kind::LBrace)?;
        self.parse_members()?;
        self.expect(Kind::RBrace)
    }

    fn parse_members(&mut self) -> Step {
        while !self.at(Kind::RBrace) && !self.at(Kind::Eof) {
            self.parse_class_member()?;
            self.skip_semicolons();
        }
        Ok(())
    }

    /// `parseClassMember`.
    fn parse_class_member(&mut self) -> Step {
        let cp = self.checkpoint();
        self.parse_modifiers()?;
        match self.current.kind {
            Kind::KwClass | Kind::KwInterface | Kind::KwEnum | Kind::KwTrait => {
                self.parse_type_decl(cp)
            }
            Kind::LBrace => {
                self.start_at(cp, NodeKind::BlockStmt)?;
                self.parse_block()?;
                self.finish();
                Ok(())
            }
            Kind::At if self.peek.kind == Kind::KwInterface => self.parse_annotation_decl(cp),
            _ => self.parse_method_or_field(cp),
        }
    }

    /// `parseModifiedDeclaration`: modifiers or annotations at statement level, then what they
    /// modify.
    pub(super) fn parse_modified_declaration(&mut self) -> Step {
        let cp = self.checkpoint();
        self.parse_modifiers()?;
        if self.at(Kind::At) && self.peek.kind == Kind::KwInterface {
            return self.parse_annotation_decl(cp);
        }
        match self.current.kind {
            Kind::KwClass | Kind::KwInterface | Kind::KwEnum | Kind::KwTrait => {
                self.parse_type_decl(cp)
            }
            Kind::KwImport => {
                self.start_at(cp, NodeKind::ImportDecl)?;
                self.parse_import_decl()?;
                self.finish();
                Ok(())
            }
            _ => self.parse_method_or_field(cp),
        }
    }

    /// `parseMethodOrField`: after the modifiers, `[<T>] [type] name` then `(params)…` or a
    /// field's initializers.
    fn parse_method_or_field(&mut self, cp: usize) -> Step {
        if self.at(Kind::Lt) {
            self.parse_optional_type_parameters();
        }
        if self.at(Kind::KwDef) {
            self.advance();
            if self.at(Kind::Lt) {
                self.parse_optional_type_parameters();
                if self.looks_like_type_before_name()
                    || self.current.kind.is_primitive() && self.peek.kind.is_ident()
                {
                    self.parse_type_name()?;
                }
            }
        } else if self.at(Kind::KwVoid) {
            self.advance();
        } else if self.current.kind.is_primitive() || self.looks_like_type_before_name() {
            self.parse_type_name()?;
        }
        let k = self.current.kind;
        if !k.is_ident() && !k.is_keyword() && k != Kind::StringLiteral && k != Kind::GStringFull {
            return self.error("expected member name in class body");
        }
        self.advance();
        if self.at(Kind::LParen) {
            self.start_at(cp, NodeKind::MethodDecl)?;
            self.parse_parameter_list()?;
            self.parse_optional_throws()?;
            if self.at(Kind::KwDefault) {
                self.advance();
                self.parse_expr(0)?;
            }
            self.skip_semicolons();
            if self.at(Kind::LBrace) {
                self.parse_block()?;
            }
        } else {
            self.start_at(cp, NodeKind::FieldDecl)?;
            self.parse_declarators("expected field name after comma")?;
        }
        self.finish();
        Ok(())
    }

    /// `parseParameterList`: `( param, … )`, a trailing comma allowed.
    pub(super) fn parse_parameter_list(&mut self) -> Step {
        self.expect(Kind::LParen)?;
        if !self.at(Kind::RParen) {
            self.parse_parameter()?;
            while self.at(Kind::Comma) {
                self.advance();
                if self.at(Kind::RParen) {
                    break;
                }
                self.parse_parameter()?;
            }
        }
        self.expect(Kind::RParen)
    }

    /// `parseParameter`: `[@A…] [final] [type] [...] name [= default]`.
    fn parse_parameter(&mut self) -> Step {
        while self.at(Kind::At) && self.peek.kind != Kind::KwInterface {
            self.parse_annotation()?;
        }
        if self.at(Kind::KwFinal) {
            self.advance();
        }
        let next = self.peek.kind;
        if self.at(Kind::KwDef) {
            self.advance();
        } else if self.current.kind.is_primitive()
            && (next.is_ident() || next == Kind::Ellipsis || next == Kind::LBrack)
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
            self.parse_expr(0)?;
        }
        Ok(())
    }

    /// A dotted name's end from its first identifier at `pos`: the position after it, `None`
    /// when a dot is not followed by an identifier or it does not start with one.
    fn skip_dotted(&mut self, mut pos: usize) -> Option<usize> {
        loop {
            if !self.kind_at(pos).is_ident() {
                return None;
            }
            pos += 1;
            if self.kind_at(pos) == Kind::Dot {
                if self.kind_at(pos + 1).is_ident() {
                    pos += 1;
                    continue;
                }
                return None;
            }
            return Some(pos);
        }
    }

    /// A type's end (dotted name, generics, `[]`s) when the current token starts one
    /// (`Type…` or `a.…`), for the two lookaheads below.
    fn type_end(&mut self) -> Option<usize> {
        let starts = self.at(Kind::CapitalizedIdentifier)
            || self.at(Kind::Identifier) && self.peek.kind == Kind::Dot;
        if !starts {
            return None;
        }
        let mut pos = self.skip_dotted(0)?;
        if self.kind_at(pos) == Kind::Lt {
            pos = self.skip_generics(pos + 1)?;
        }
        while self.kind_at(pos) == Kind::LBrack && self.kind_at(pos + 1) == Kind::RBrack {
            pos += 2;
        }
        Some(pos)
    }

    /// `looksLikeParameterType`: a type, then a name, `...` or a keyword.
    pub(super) fn looks_like_parameter_type(&mut self) -> bool {
        let Some(pos) = self.type_end() else {
            return false;
        };
        let k = self.kind_at(pos);
        k.is_ident() || k == Kind::Ellipsis || k.is_keyword()
    }

    /// `looksLikeTypeBeforeName`: a type, then a member name (an identifier, a keyword, a
    /// string).
    fn looks_like_type_before_name(&mut self) -> bool {
        let Some(pos) = self.type_end() else {
            return false;
        };
        let k = self.kind_at(pos);
        k.is_ident() || k == Kind::StringLiteral || k == Kind::GStringFull || k.is_keyword()
    }

    /// `parseOptionalTypeParameters`: every token from `<` to its matching `>`.
    pub(super) fn parse_optional_type_parameters(&mut self) {
        if !self.at(Kind::Lt) {
            return;
        }
        self.advance();
        let mut depth: i64 = 1;
        while depth > 0 && !self.at(Kind::Eof) {
            match self.current.kind {
                Kind::Lt => depth += 1,
                Kind::Gt => depth -= 1,
                Kind::RightShift => depth -= 2,
                Kind::UnsignedRightShift => depth -= 3,
                _ => {}
            }
            self.advance();
        }
    }
}
