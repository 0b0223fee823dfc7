//! groovy-parser-go's statements (`parser/stmt.go`): the dispatch on the first token, blocks
//! against closures at statement level, control flow, `try`, variable declarations and
//! script-level methods, labels, tuple assignments, and command expressions (`sh 'make'`).

use super::parser::{Parser, Step};
use super::token::{Kind, NodeKind};

mod control;

impl Parser<'_> {
    /// `parseStatement`.
    pub(super) fn parse_statement(&mut self) -> Step {
        self.nested(Self::statement)
    }

    fn statement(&mut self) -> Step {
        let kind = self.current.kind;
        match kind {
            Kind::LBrace => {
                if self.looks_like_closure_at_stmt_level() {
                    self.parse_expression_stmt()
                } else {
                    self.parse_block()
                }
            }
            Kind::KwIf => self.parse_if(),
            Kind::KwWhile => self.parse_while(),
            Kind::KwDo => self.parse_do_while(),
            Kind::KwFor => self.parse_for(),
            Kind::KwSwitch => self.parse_switch(),
            Kind::KwTry => self.parse_try(),
            Kind::KwThrow => self.keyword_and_expr(NodeKind::ThrowStmt),
            Kind::KwReturn => {
                self.start(NodeKind::ReturnStmt)?;
                self.advance();
                if self.current.kind.can_start_expression() {
                    self.parse_expr(0)?;
                }
                self.finish();
                Ok(())
            }
            Kind::KwBreak => self.keyword_and_label(NodeKind::BreakStmt),
            Kind::KwContinue => self.keyword_and_label(NodeKind::ContinueStmt),
            Kind::KwAssert => {
                self.start(NodeKind::AssertStmt)?;
                self.advance();
                self.parse_expr(0)?;
                if self.at(Kind::Colon) || self.at(Kind::Comma) {
                    self.advance();
                    self.parse_expr(0)?;
                }
                self.finish();
                Ok(())
            }
            Kind::KwSynchronized => {
                self.start(NodeKind::SynchronizedStmt)?;
                self.advance();
                self.parse_paren_condition()?;
                self.parse_block()?;
                self.finish();
                Ok(())
            }
            Kind::KwDef => self.parse_variable_decl(),
            Kind::KwFinal => {
                if self.looks_like_class_like_decl_after_modifiers(1) {
                    self.parse_modified_declaration()
                } else {
                    self.parse_variable_decl()
                }
            }
            Kind::KwPackage => {
                self.start(NodeKind::PackageDecl)?;
                self.advance();
                self.parse_dotted_name()?;
                self.finish();
                Ok(())
            }
            Kind::KwImport => self.parse_import_decl(),
            Kind::KwClass | Kind::KwInterface | Kind::KwEnum | Kind::KwTrait => {
                let cp = self.checkpoint();
                self.parse_type_decl(cp)
            }
            k if k.is_modifier() || k == Kind::At => self.parse_modified_declaration(),
            k if k.is_primitive()
                && (self.peek.kind.is_ident() || self.peek.kind == Kind::LBrack) =>
            {
                self.parse_variable_decl()
            }
            Kind::CapitalizedIdentifier if self.looks_like_script_level_type_decl() => {
                self.parse_variable_decl()
            }
            Kind::Identifier if self.peek.kind == Kind::Colon => {
                self.start(NodeKind::LabeledStmt)?;
                self.advance();
                self.advance();
                self.parse_statement()?;
                self.finish();
                Ok(())
            }
            Kind::LParen if self.looks_like_multi_assign() => {
                self.start(NodeKind::ExpressionStmt)?;
                self.parse_names_in_parens()?;
                if self.at(Kind::Assign) {
                    self.advance();
                    self.parse_expr(0)?;
                }
                self.finish();
                Ok(())
            }
            _ => self.parse_expression_stmt(),
        }
    }

    /// `( name, name… )` as a tuple assignment's left side (the `(` current).
    pub(super) fn parse_names_in_parens(&mut self) -> Step {
        self.advance();
        loop {
            if self.current.kind.is_ident() {
                self.advance();
            } else {
                return self.error("expected variable name");
            }
            if !self.at(Kind::Comma) {
                break;
            }
            self.advance();
        }
        self.expect(Kind::RParen)
    }

    fn keyword_and_expr(&mut self, kind: NodeKind) -> Step {
        self.start(kind)?;
        self.advance();
        self.parse_expr(0)?;
        self.finish();
        Ok(())
    }

    fn keyword_and_label(&mut self, kind: NodeKind) -> Step {
        self.start(kind)?;
        self.advance();
        if self.current.kind.is_ident() {
            self.advance();
        }
        self.finish();
        Ok(())
    }

    fn parse_paren_condition(&mut self) -> Step {
        self.expect(Kind::LParen)?;
        self.parse_expr(0)?;
        self.expect(Kind::RParen)
    }

    /// `parseExpressionStmt`, with a command expression's arguments (`println 'hello'`).
    pub(super) fn parse_expression_stmt(&mut self) -> Step {
        self.start(NodeKind::ExpressionStmt)?;
        let cp = self.checkpoint();
        self.parse_expr(0)?;
        if self.looks_like_command_arg() {
            self.start_at(cp, NodeKind::CallExpr)?;
            self.parse_command_args()?;
            self.finish();
        }
        self.finish();
        Ok(())
    }

    /// A command expression's comma-separated arguments.
    pub(super) fn parse_command_args(&mut self) -> Step {
        self.parse_arg_or_named_arg()?;
        while self.at(Kind::Comma) {
            self.advance();
            self.parse_arg_or_named_arg()?;
        }
        Ok(())
    }

    /// `looksLikeClassLikeDeclAfterModifiers`.
    pub(super) fn looks_like_class_like_decl_after_modifiers(&mut self, start: usize) -> bool {
        let mut i = start;
        while i < start + 80 {
            let kind = self.kind_at(i);
            match kind {
                Kind::Semi | Kind::Semicolon => i += 1,
                Kind::KwClass | Kind::KwInterface | Kind::KwEnum | Kind::KwTrait => return true,
                Kind::At => {
                    if self.kind_at(i + 1) == Kind::KwInterface {
                        return true;
                    }
                    i += 1;
                    if !self.kind_at(i).is_ident() {
                        return false;
                    }
                    while self.kind_at(i).is_ident() {
                        i += 1;
                        if self.kind_at(i) == Kind::Dot && self.kind_at(i + 1).is_ident() {
                            i += 1;
                            continue;
                        }
                        break;
                    }
                    if self.kind_at(i) == Kind::LParen {
                        let mut depth = 1;
                        i += 1;
                        while depth > 0 {
                            match self.kind_at(i) {
                                Kind::Eof => return false,
                                Kind::LParen => depth += 1,
                                Kind::RParen => depth -= 1,
                                _ => {}
                            }
                            i += 1;
                        }
                    }
                }
                k if k.is_modifier() => i += 1,
                _ => return false,
            }
        }
        false
    }

    /// `looksLikeCommandArg`.
    pub(super) fn looks_like_command_arg(&self) -> bool {
        use Kind::*;
        matches!(
            self.current.kind,
            StringLiteral
                | GStringFull
                | GStringBegin
                | SlashyStringLit
                | DollarSlashyStringLit
                | IntLiteral
                | FloatLiteral
                | BoolLiteral
                | NullLiteral
                | Identifier
                | CapitalizedIdentifier
                | LParen
                | LBrack
                | KwNew
                | KwThis
                | KwSuper
                | BitwiseNot
        )
    }

    /// `parseBlock`: `{ stmt* }`.
    pub(super) fn parse_block(&mut self) -> Step {
        self.start(NodeKind::BlockStmt)?;
        self.expect(Kind::LBrace)?;
        self.parse_statements_until_rbrace()?;
        self.expect(Kind::RBrace)?;
        self.finish();
        Ok(())
    }

    /// Statements up to a `}` (or the end of the file).
    pub(super) fn parse_statements_until_rbrace(&mut self) -> Step {
        while !self.at(Kind::RBrace) && !self.at(Kind::Eof) {
            self.parse_statement()?;
            self.skip_semicolons();
        }
        Ok(())
    }

    /// `looksLikeClosureAtStmtLevel`: an arrow before the matching `}`.
    fn looks_like_closure_at_stmt_level(&mut self) -> bool {
        if self.peek.kind == Kind::Arrow {
            return true;
        }
        let mut depth = 0;
        for i in 1..80 {
            match self.kind_at(i) {
                Kind::Eof => return false,
                Kind::LBrace => depth += 1,
                Kind::RBrace => {
                    if depth == 0 {
                        return false;
                    }
                    depth -= 1;
                }
                Kind::Arrow if depth == 0 => return true,
                Kind::Semi | Kind::Semicolon if depth == 0 => return false,
                _ => {}
            }
        }
        false
    }

    /// `consumeBalancedParens`: tokens through the `)` that closes the current `(`.
    pub(super) fn consume_balanced_parens(&mut self) {
        if !self.at(Kind::LParen) {
            return;
        }
        let mut depth = 0usize;
        while !self.at(Kind::Eof) {
            match self.current.kind {
                Kind::LParen => {
                    depth += 1;
                    self.advance();
                }
                Kind::RParen => {
                    depth = depth.saturating_sub(1);
                    self.advance();
                    if depth == 0 {
                        return;
                    }
                }
                _ => {
                    self.advance();
                }
            }
        }
    }

    /// `parseVariableDecl`: a variable declaration, or a script-level method.
    pub(super) fn parse_variable_decl(&mut self) -> Step {
        let cp = self.checkpoint();
        if self.at(Kind::KwFinal) {
            self.advance();
        }
        match self.current.kind {
            Kind::KwDef => {
                self.advance();
                if self.at(Kind::LParen) {
                    return self.parse_tuple_decl(cp);
                }
            }
            k if k.is_primitive() => {
                self.advance();
                self.skip_array_suffix();
            }
            Kind::CapitalizedIdentifier => self.parse_type_name()?,
            Kind::Identifier if self.peek.kind == Kind::Assign => {}
            _ => return self.error("expected type in variable declaration"),
        }
        if self.current.kind.is_ident() {
            self.advance();
        } else {
            return self.error("expected variable name");
        }
        if self.at(Kind::LParen) {
            self.start_at(cp, NodeKind::MethodDecl)?;
            self.parse_parameter_list()?;
            self.parse_optional_throws()?;
            if self.at(Kind::LBrace) {
                self.parse_block()?;
            }
        } else {
            self.start_at(cp, NodeKind::VariableDecl)?;
            self.parse_declarators("expected variable name")?;
        }
        self.finish();
        Ok(())
    }

    /// `= expr` optional, then `, name [= expr]`… (variables and fields alike).
    pub(super) fn parse_declarators(&mut self, missing_name: &str) -> Step {
        if self.at(Kind::Assign) {
            self.advance();
            self.parse_expr(0)?;
        }
        while self.at(Kind::Comma) {
            self.advance();
            if self.current.kind.is_ident() {
                self.advance();
            } else {
                return self.error(missing_name);
            }
            if self.at(Kind::Assign) {
                self.advance();
                self.parse_expr(0)?;
            }
        }
        Ok(())
    }

    /// `def (a, Type b) = expr` (the `(` current).
    fn parse_tuple_decl(&mut self, cp: usize) -> Step {
        self.start_at(cp, NodeKind::VariableDecl)?;
        self.advance();
        loop {
            if self.at(Kind::CapitalizedIdentifier) && self.peek.kind.is_ident()
                || self.current.kind.is_ident() && self.peek.kind == Kind::Dot
            {
                self.parse_type_name()?;
            } else if self.current.kind.is_primitive() && self.peek.kind.is_ident() {
                self.advance();
            }
            if self.current.kind.is_ident() {
                self.advance();
            } else {
                return self.error("expected variable name");
            }
            if !self.at(Kind::Comma) {
                break;
            }
            self.advance();
        }
        self.expect(Kind::RParen)?;
        if self.at(Kind::Assign) {
            self.advance();
            self.parse_expr(0)?;
        }
        self.finish();
        Ok(())
    }

    /// `[]` pairs after a type.
    pub(super) fn skip_array_suffix(&mut self) {
        while self.at(Kind::LBrack) && self.peek.kind == Kind::RBrack {
            self.advance();
            self.advance();
        }
    }

    /// `looksLikeMultiAssign`: `( name, name… ) =`.
    pub(super) fn looks_like_multi_assign(&mut self) -> bool {
        if !self.at(Kind::LParen) {
            return false;
        }
        let mut i = 1;
        loop {
            if !self.kind_at(i).is_ident() {
                return false;
            }
            i += 1;
            match self.kind_at(i) {
                Kind::Comma => i += 1,
                Kind::RParen => return self.kind_at(i + 1) == Kind::Assign,
                _ => return false,
            }
        }
    }

    /// `looksLikeScriptLevelTypeDecl`: `Type name`, `Type<…> name`, `Type[] name`.
    fn looks_like_script_level_type_decl(&mut self) -> bool {
        if self.peek.kind.is_ident() {
            return true;
        }
        if self.peek.kind == Kind::Lt {
            let Some(pos) = self.skip_generics(2) else {
                return false;
            };
            return self.kind_at(pos).is_ident();
        }
        self.peek.kind == Kind::LBrack
            && self.kind_at(2) == Kind::RBrack
            && self.kind_at(3).is_ident()
    }

    /// Past `<…>` whose first token after `<` is at `pos`: the position after the closing `>`
    /// (`>>` closes two, `>>>` three), `None` at the end of the file.
    pub(super) fn skip_generics(&mut self, mut pos: usize) -> Option<usize> {
        let mut depth: i64 = 1;
        while depth > 0 {
            match self.kind_at(pos) {
                Kind::Eof => return None,
                Kind::Lt => depth += 1,
                Kind::Gt => depth -= 1,
                Kind::RightShift => depth -= 2,
                Kind::UnsignedRightShift => depth -= 3,
                _ => {}
            }
            pos += 1;
        }
        Some(pos)
    }
}
