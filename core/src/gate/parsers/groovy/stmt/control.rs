//! The parser's control flow: `if`/`else`, `while`, `do … while`, `for` (classic and `in`/`:`),
//! `switch` (a statement, or an expression when its first clause uses `->`), `try`/`catch`/`finally`.

use super::super::parser::{Parser, Step};
use super::super::token::{Kind, NodeKind};

impl Parser<'_> {
    pub(in super::super) fn parse_block_or_statement(&mut self) -> Step {
        if self.at(Kind::LBrace) {
            self.parse_block()
        } else {
            self.parse_statement()
        }
    }

    pub(in super::super) fn parse_if(&mut self) -> Step {
        self.start(NodeKind::IfStmt)?;
        self.advance();
        self.parse_paren_condition()?;
        self.skip_semicolons();
        self.parse_block_or_statement()?;
        self.skip_semicolons();
        if self.at(Kind::KwElse) {
            self.advance();
            self.skip_semicolons();
            self.parse_block_or_statement()?;
        }
        self.finish();
        Ok(())
    }

    pub(in super::super) fn parse_while(&mut self) -> Step {
        self.start(NodeKind::WhileStmt)?;
        self.advance();
        self.parse_paren_condition()?;
        self.skip_semicolons();
        self.parse_block_or_statement()?;
        self.finish();
        Ok(())
    }

    pub(in super::super) fn parse_do_while(&mut self) -> Step {
        self.start(NodeKind::DoWhileStmt)?;
        self.advance();
        self.parse_block_or_statement()?;
        self.expect(Kind::KwWhile)?;
        self.parse_paren_condition()?;
        self.finish();
        Ok(())
    }

    pub(in super::super) fn parse_for(&mut self) -> Step {
        let cp = self.checkpoint();
        self.advance();
        self.expect(Kind::LParen)?;
        if self.is_for_in_start() {
            self.start_at(cp, NodeKind::ForInStmt)?;
            self.parse_for_in_body()?;
        } else {
            self.start_at(cp, NodeKind::ForStmt)?;
            self.parse_traditional_for_body()?;
        }
        self.finish();
        Ok(())
    }

    /// `isForInStart`: a top-level `in` or `:` before `;` or `)`.
    pub(in super::super) fn is_for_in_start(&mut self) -> bool {
        let (mut paren, mut brack, mut brace) = (0usize, 0usize, 0usize);
        for i in 0..120 {
            let top = paren == 0 && brack == 0 && brace == 0;
            match self.kind_at(i) {
                Kind::Eof => return false,
                Kind::Semi | Kind::Semicolon if top => return false,
                Kind::KwIn | Kind::Colon if top => return true,
                Kind::LParen => paren += 1,
                Kind::RParen => {
                    if top {
                        return false;
                    }
                    paren = paren.saturating_sub(1);
                }
                Kind::LBrack => brack += 1,
                Kind::RBrack => brack = brack.saturating_sub(1),
                Kind::LBrace => brace += 1,
                Kind::RBrace => brace = brace.saturating_sub(1),
                _ => {}
            }
        }
        false
    }

    pub(in super::super) fn parse_for_in_body(&mut self) -> Step {
        while !self.at(Kind::KwIn)
            && !self.at(Kind::Colon)
            && !self.at(Kind::RParen)
            && !self.at(Kind::Eof)
        {
            if self.at(Kind::KwFinal) {
                self.advance();
            }
            if self.at(Kind::KwDef)
                || self.current.kind.is_primitive()
                || self.at(Kind::CapitalizedIdentifier)
            {
                self.advance();
                if self.at(Kind::LBrack) && self.peek.kind == Kind::RBrack {
                    self.advance();
                    self.advance();
                }
            }
            if self.current.kind.is_ident() {
                self.advance();
            } else {
                return self.error("expected identifier in for-in loop");
            }
            if self.at(Kind::Comma) {
                self.advance();
                continue;
            }
            break;
        }
        if self.at(Kind::KwIn) || self.at(Kind::Colon) {
            self.advance();
        } else {
            self.expect(Kind::KwIn)?;
        }
        self.parse_expr(0)?;
        self.expect(Kind::RParen)?;
        self.skip_semicolons();
        self.parse_block_or_statement()
    }

    pub(in super::super) fn parse_traditional_for_body(&mut self) -> Step {
        if !self.at_semi() {
            self.parse_for_init_item()?;
            while self.at(Kind::Comma) {
                self.advance();
                if self.at_semi() {
                    break;
                }
                self.parse_for_init_item()?;
            }
        }
        self.expect(Kind::Semi)?;
        if !self.at_semi() {
            self.parse_expr(0)?;
        }
        self.expect(Kind::Semi)?;
        if !self.at(Kind::RParen) {
            self.parse_expr(0)?;
            while self.at(Kind::Comma) {
                self.advance();
                self.parse_expr(0)?;
            }
        }
        self.expect(Kind::RParen)?;
        self.skip_semicolons();
        self.parse_block_or_statement()
    }

    /// `[type] name = expr`, the name and initializer optional after the type.
    pub(in super::super) fn name_and_initializer(&mut self) -> Step {
        if self.current.kind.is_ident() {
            self.advance();
        }
        if self.at(Kind::Assign) {
            self.advance();
            self.parse_expr(0)?;
        }
        Ok(())
    }

    pub(in super::super) fn parse_for_init_item(&mut self) -> Step {
        if self.at(Kind::KwDef) {
            self.advance();
            if self.at(Kind::LParen) {
                self.consume_balanced_parens();
                if self.at(Kind::Assign) {
                    self.advance();
                    self.parse_expr(0)?;
                }
                return Ok(());
            }
            return self.name_and_initializer();
        }
        if self.current.kind.is_primitive() && self.peek.kind.is_ident() {
            self.advance();
            return self.name_and_initializer();
        }
        if self.at(Kind::CapitalizedIdentifier)
            && self.peek.kind.is_ident()
            && self.kind_at(2) == Kind::Assign
        {
            self.advance();
            return self.name_and_initializer();
        }
        self.parse_expr(0)
    }

    /// `switchNodeKind`: `SwitchExpr` when the first clause uses `->`.
    pub(in super::super) fn switch_node_kind(&mut self) -> NodeKind {
        let mut i = 1;
        if self.kind_at(i) != Kind::LParen {
            return NodeKind::SwitchStmt;
        }
        i += 1;
        let mut depth = 1;
        while depth > 0 {
            match self.kind_at(i) {
                Kind::Eof => return NodeKind::SwitchStmt,
                Kind::LParen => depth += 1,
                Kind::RParen => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        while matches!(self.kind_at(i), Kind::Semi | Kind::Semicolon) {
            i += 1;
        }
        if self.kind_at(i) != Kind::LBrace {
            return NodeKind::SwitchStmt;
        }
        i += 1;
        while matches!(self.kind_at(i), Kind::Semi | Kind::Semicolon) {
            i += 1;
        }
        match self.kind_at(i) {
            Kind::KwDefault => {
                i += 1;
                while matches!(self.kind_at(i), Kind::Semi | Kind::Semicolon) {
                    i += 1;
                }
                if self.kind_at(i) == Kind::Arrow {
                    NodeKind::SwitchExpr
                } else {
                    NodeKind::SwitchStmt
                }
            }
            Kind::KwCase => {
                i += 1;
                let mut depth = 0usize;
                loop {
                    match self.kind_at(i) {
                        Kind::Eof => return NodeKind::SwitchStmt,
                        Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
                        Kind::RParen | Kind::RBrack | Kind::RBrace => {
                            depth = depth.saturating_sub(1)
                        }
                        Kind::Colon if depth == 0 => return NodeKind::SwitchStmt,
                        Kind::Arrow if depth == 0 => return NodeKind::SwitchExpr,
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => NodeKind::SwitchStmt,
        }
    }

    /// `parseSwitchStmt` (a statement, or an expression in expression position).
    pub(in super::super) fn parse_switch(&mut self) -> Step {
        let kind = self.switch_node_kind();
        self.start(kind)?;
        self.advance();
        self.parse_paren_condition()?;
        self.expect(Kind::LBrace)?;
        while !self.at(Kind::RBrace) && !self.at(Kind::Eof) {
            match self.current.kind {
                Kind::KwCase => {
                    self.start(NodeKind::CaseClause)?;
                    self.advance();
                    self.parse_expr(0)?;
                    self.parse_clause_rest()?;
                }
                Kind::KwDefault => {
                    self.start(NodeKind::DefaultClause)?;
                    self.advance();
                    self.parse_clause_rest()?;
                }
                _ => return self.error("expected 'case' or 'default' in switch body"),
            }
        }
        self.expect(Kind::RBrace)?;
        self.finish();
        Ok(())
    }

    /// A clause's `->` or `:` and statements, then the clause closed.
    pub(in super::super) fn parse_clause_rest(&mut self) -> Step {
        if self.at(Kind::Arrow) {
            self.advance();
        } else {
            self.expect(Kind::Colon)?;
        }
        while !self.at(Kind::KwCase)
            && !self.at(Kind::KwDefault)
            && !self.at(Kind::RBrace)
            && !self.at(Kind::Eof)
        {
            self.parse_statement()?;
            self.skip_semicolons();
        }
        self.finish();
        Ok(())
    }

    pub(in super::super) fn parse_try(&mut self) -> Step {
        self.start(NodeKind::TryStmt)?;
        self.advance();
        if self.at(Kind::LParen) {
            self.consume_balanced_parens();
        }
        self.parse_block()?;
        self.skip_semicolons();
        while self.at(Kind::KwCatch) {
            self.parse_catch()?;
            self.skip_semicolons();
        }
        if self.at(Kind::KwFinally) {
            self.start(NodeKind::FinallyClause)?;
            self.advance();
            self.parse_block()?;
            self.finish();
        }
        self.finish();
        Ok(())
    }

    pub(in super::super) fn parse_catch(&mut self) -> Step {
        self.start(NodeKind::CatchClause)?;
        self.advance();
        self.expect(Kind::LParen)?;
        if self.at(Kind::KwFinal) {
            self.advance();
        }
        if self.at(Kind::KwDef) {
            self.advance();
            if self.current.kind.is_ident() {
                self.advance();
            } else if !self.at(Kind::RParen) {
                return self.error("expected variable name in catch clause");
            }
        } else if self.current.kind.is_ident() && self.peek.kind == Kind::RParen {
            self.advance();
        } else if self.parse_catch_type_name() {
            while self.at(Kind::BitwiseOr) {
                self.advance();
                if !self.parse_catch_type_name() {
                    return self.error("expected type name after '|' in catch clause");
                }
            }
            if self.current.kind.is_ident() {
                self.advance();
            } else if !self.at(Kind::RParen) {
                return self.error("expected variable name in catch clause");
            }
        } else if !self.at(Kind::RParen) {
            return self.error("expected type name or variable name in catch clause");
        }
        self.expect(Kind::RParen)?;
        self.parse_block()?;
        self.finish();
        Ok(())
    }

    pub(in super::super) fn parse_catch_type_name(&mut self) -> bool {
        if !self.current.kind.is_ident() {
            return false;
        }
        self.advance();
        while self.at(Kind::Dot) && self.peek.kind.is_ident() {
            self.advance();
            self.advance();
        }
        true
    }
}
