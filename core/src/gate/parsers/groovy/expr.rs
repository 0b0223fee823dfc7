//! groovy-parser-go's expressions (`parser/expr.go`): a Pratt parser (binding powers spaced by
//! two), member access, calls with trailing closures, command-expression arguments, ternaries
//! across lines, casts, lambdas, `new`, GStrings, closures and their parameters, list and map
//! literals, named arguments.

use super::parser::{Parser, Step};
use super::token::{Kind, NodeKind};

mod literals;

const BP_ASSIGNMENT: u8 = 2;
const BP_TERNARY: u8 = 4;
const BP_ELVIS: u8 = 6;
const BP_IMPLICATION: u8 = 8;
const BP_LOGICAL_OR: u8 = 10;
const BP_LOGICAL_AND: u8 = 12;
const BP_BITWISE_OR: u8 = 14;
const BP_BITWISE_XOR: u8 = 16;
const BP_BITWISE_AND: u8 = 18;
const BP_EQUALITY: u8 = 20;
const BP_RELATIONAL: u8 = 22;
const BP_SHIFT: u8 = 24;
const BP_RANGE: u8 = 26;
const BP_ADDITIVE: u8 = 28;
const BP_MULTIPLICATIVE: u8 = 30;
const BP_POWER: u8 = 32;
const BP_UNARY: u8 = 34;
const BP_POSTFIX: u8 = 36;
const BP_MEMBER: u8 = 38;
const BP_CALL: u8 = 40;

/// `infixInfo`: left binding power, the right operand's minimum, the node it makes.
fn infix_info(k: Kind) -> Option<(u8, u8, NodeKind)> {
    use Kind::*;
    use NodeKind as N;
    let left = |bp| Some((bp, bp, N::BinaryExpr));
    match k {
        Assign
        | PlusAssign
        | MinusAssign
        | StarAssign
        | DivAssign
        | ModAssign
        | PowerAssign
        | BitwiseAndAssign
        | BitwiseOrAssign
        | BitwiseXorAssign
        | LeftShiftAssign
        | RightShiftAssign
        | UnsignedRightShiftAssign
        | ElvisAssign => Some((BP_ASSIGNMENT, BP_ASSIGNMENT - 1, N::AssignExpr)),
        Question => Some((BP_TERNARY, 0, N::TernaryExpr)),
        Elvis => Some((BP_ELVIS, BP_ELVIS - 1, N::ElvisExpr)),
        Implication => left(BP_IMPLICATION),
        Or => left(BP_LOGICAL_OR),
        And => left(BP_LOGICAL_AND),
        BitwiseOr => left(BP_BITWISE_OR),
        BitwiseXor => left(BP_BITWISE_XOR),
        BitwiseAnd => left(BP_BITWISE_AND),
        Equal | NotEqual | Spaceship | IdentityEqual | IdentityNotEqual | Regex | Match => {
            left(BP_EQUALITY)
        }
        Lt | Gt | LtEqual | GtEqual | KwIn | NotIn => left(BP_RELATIONAL),
        KwInstanceof | NotInstanceof => Some((BP_RELATIONAL, BP_RELATIONAL, N::InstanceofExpr)),
        KwAs => Some((BP_RELATIONAL, BP_RELATIONAL, N::CastExpr)),
        LeftShift | RightShift | UnsignedRightShift => left(BP_SHIFT),
        Range | HalfOpenRight | HalfOpenLeft | FullOpen => Some((BP_RANGE, BP_RANGE, N::RangeExpr)),
        Plus | Minus => left(BP_ADDITIVE),
        Star | Div | Mod => left(BP_MULTIPLICATIVE),
        Power => Some((BP_POWER, BP_POWER - 1, N::BinaryExpr)),
        Inc | Dec => Some((BP_POSTFIX, BP_POSTFIX, N::PostfixExpr)),
        Dot => Some((BP_MEMBER, BP_MEMBER, N::PropertyExpr)),
        SafeNav => Some((BP_MEMBER, BP_MEMBER, N::SafeNavExpr)),
        Spread => Some((BP_MEMBER, BP_MEMBER, N::SpreadPropertyExpr)),
        MethodPointer => Some((BP_MEMBER, BP_MEMBER, N::MethodPointerExpr)),
        FieldAccess => Some((BP_MEMBER, BP_MEMBER, N::FieldAccessExpr)),
        MethodRef => Some((BP_MEMBER, BP_MEMBER, N::MethodRefExpr)),
        LParen | LBrace => Some((BP_CALL, 0, N::CallExpr)),
        LBrack | SafeIndex => Some((BP_CALL, 0, N::IndexExpr)),
        _ => None,
    }
}

/// `isBareKeyTokenKind`: an identifier or keyword as a map key or argument name.
fn is_bare_key(k: Kind) -> bool {
    k.is_ident() || k.is_keyword()
}

/// `isLiteralKeyTokenKind`.
fn is_literal_key(k: Kind) -> bool {
    use Kind::*;
    matches!(
        k,
        StringLiteral
            | GStringFull
            | SlashyStringLit
            | DollarSlashyStringLit
            | BoolLiteral
            | NullLiteral
    )
}

impl Parser<'_> {
    /// `parseExpr`: operators binding tighter than `min_bp`.
    pub(super) fn parse_expr(&mut self, min_bp: u8) -> Step {
        self.nested(|p| p.expression(min_bp))
    }

    fn expression(&mut self, min_bp: u8) -> Step {
        let cp = self.checkpoint();
        self.parse_prefix()?;
        loop {
            if self.at_semi() && self.is_continuation_after_semicolon() {
                self.skip_semicolons();
            }
            let (lbp, next_bp, kind) =
                infix_info(self.current.kind).unwrap_or((0, 0, NodeKind::ErrorNode));
            if lbp <= min_bp {
                if min_bp < BP_CALL && self.looks_like_command_arg() {
                    self.start_at(cp, NodeKind::CallExpr)?;
                    self.parse_command_args()?;
                    self.finish();
                    continue;
                }
                break;
            }
            self.start_at(cp, kind)?;
            match kind {
                NodeKind::TernaryExpr => {
                    self.advance();
                    self.parse_expr(0)?;
                    if self.at_semi() && self.peek_after_semicolons() == Kind::Colon {
                        self.skip_semicolons();
                    }
                    self.expect(Kind::Colon)?;
                    self.parse_expr(BP_TERNARY - 1)?;
                }
                NodeKind::PostfixExpr => {
                    self.advance();
                }
                NodeKind::PropertyExpr
                | NodeKind::SafeNavExpr
                | NodeKind::SpreadPropertyExpr
                | NodeKind::MethodPointerExpr
                | NodeKind::FieldAccessExpr => {
                    self.advance();
                    self.parse_member_name()?;
                }
                NodeKind::MethodRefExpr => {
                    self.advance();
                    if matches!(
                        self.current.kind,
                        Kind::Identifier
                            | Kind::CapitalizedIdentifier
                            | Kind::KwNew
                            | Kind::StringLiteral
                    ) {
                        self.advance();
                    } else {
                        return self.error("expected identifier after ::");
                    }
                }
                NodeKind::CallExpr => {
                    if self.at(Kind::LParen) {
                        self.parse_arg_list()?;
                    }
                    if self.at(Kind::LBrace) {
                        self.parse_closure_expr()?;
                    }
                }
                NodeKind::IndexExpr => {
                    self.advance();
                    if !self.at(Kind::RBrack) {
                        self.parse_expr(0)?;
                        while self.at(Kind::Comma) {
                            self.advance();
                            if self.at(Kind::RBrack) {
                                break;
                            }
                            self.parse_expr(0)?;
                        }
                    }
                    self.expect(Kind::RBrack)?;
                }
                NodeKind::InstanceofExpr | NodeKind::CastExpr => {
                    self.advance();
                    self.parse_type_name()?;
                }
                _ => {
                    self.advance();
                    self.parse_expr(next_bp)?;
                }
            }
            self.finish();
        }
        Ok(())
    }

    /// After `.`, `?.`, `*.`, `.&`, `.@`: a name, a string, `"$dynamic"`, `(expr)`, `@field`.
    fn parse_member_name(&mut self) -> Step {
        use Kind::*;
        let k = self.current.kind;
        if k.is_ident()
            || k.is_keyword()
            || matches!(
                k,
                BoolLiteral
                    | NullLiteral
                    | StringLiteral
                    | GStringFull
                    | SlashyStringLit
                    | DollarSlashyStringLit
            )
        {
            self.advance();
            return Ok(());
        }
        match k {
            GStringBegin => self.parse_gstring_expr(),
            LParen => {
                self.advance();
                self.parse_expr(0)?;
                self.expect(RParen)
            }
            At => {
                self.advance();
                if self.current.kind.is_ident() {
                    self.advance();
                    Ok(())
                } else {
                    self.error("expected identifier after @")
                }
            }
            _ => self.error("expected identifier after member access operator"),
        }
    }

    /// `isContinuationAfterSemicolon`: past the semicolons, a member access or `?`.
    fn is_continuation_after_semicolon(&mut self) -> bool {
        let mut pos = 1;
        while matches!(self.kind_at(pos), Kind::Semi | Kind::Semicolon) {
            pos += 1;
        }
        matches!(
            self.kind_at(pos),
            Kind::Dot
                | Kind::SafeNav
                | Kind::Spread
                | Kind::MethodPointer
                | Kind::FieldAccess
                | Kind::MethodRef
                | Kind::Question
        )
    }

    fn peek_after_semicolons(&mut self) -> Kind {
        let mut pos = 1;
        while matches!(self.kind_at(pos), Kind::Semi | Kind::Semicolon) {
            pos += 1;
        }
        self.kind_at(pos)
    }

    /// `parsePrefixExpr`: one atom or prefix operator.
    fn parse_prefix(&mut self) -> Step {
        use Kind::*;
        match self.current.kind {
            IntLiteral
            | FloatLiteral
            | StringLiteral
            | GStringFull
            | SlashyStringLit
            | DollarSlashyStringLit => self.token_node(NodeKind::LiteralExpr),
            GStringBegin => self.parse_gstring_expr(),
            BoolLiteral => self.token_node(NodeKind::BoolExpr),
            NullLiteral => self.token_node(NodeKind::NullExpr),
            Identifier | CapitalizedIdentifier => {
                if self.peek.kind == Arrow && self.closure_param_default_depth == 0 {
                    self.start(NodeKind::LambdaExpr)?;
                    self.advance();
                    self.advance();
                    self.parse_lambda_body()?;
                    self.finish();
                    Ok(())
                } else {
                    self.token_node(NodeKind::IdentExpr)
                }
            }
            KwThis | KwSuper => self.token_node(NodeKind::IdentExpr),
            k if k.is_primitive() => self.token_node(NodeKind::IdentExpr),
            LParen => self.parse_paren_or_cast(),
            LBrace => self.parse_closure_expr(),
            LBrack => self.parse_list_or_map(),
            Star => {
                self.start(NodeKind::SpreadExpr)?;
                self.advance();
                if self.at(Colon) {
                    self.advance();
                }
                self.parse_expr(BP_UNARY)?;
                self.finish();
                Ok(())
            }
            At => {
                self.start(NodeKind::AnnotationNode)?;
                self.advance();
                self.parse_type_name()?;
                if self.at(LParen) {
                    self.parse_arg_list()?;
                }
                self.finish();
                Ok(())
            }
            Plus | Minus | Not | BitwiseNot | Inc | Dec => {
                self.operator_and_operand(NodeKind::UnaryExpr, BP_UNARY)
            }
            KwNew => self.parse_new(),
            KwSwitch => self.parse_switch(),
            HalfOpenLeft | FullOpen => self.operator_and_operand(NodeKind::RangeExpr, BP_RANGE),
            _ => self.error("expected expression"),
        }
    }

    fn operator_and_operand(&mut self, kind: NodeKind, bp: u8) -> Step {
        self.start(kind)?;
        self.advance();
        self.parse_expr(bp)?;
        self.finish();
        Ok(())
    }

    /// `parseParenOrCast`: a lambda, a cast, a tuple assignment or a parenthesized expression.
    fn parse_paren_or_cast(&mut self) -> Step {
        if self.looks_like_lambda() {
            self.start(NodeKind::LambdaExpr)?;
            self.advance();
            if !self.at(Kind::RParen) {
                self.parse_closure_param()?;
                while self.at(Kind::Comma) {
                    self.advance();
                    if self.at(Kind::RParen) {
                        break;
                    }
                    self.parse_closure_param()?;
                }
            }
            self.expect(Kind::RParen)?;
            self.expect(Kind::Arrow)?;
            self.parse_lambda_body()?;
        } else if self.looks_like_cast() {
            self.start(NodeKind::CastExpr)?;
            self.advance();
            self.parse_type_name()?;
            self.expect(Kind::RParen)?;
            self.parse_expr(BP_UNARY)?;
        } else if self.looks_like_multi_assign() {
            self.start(NodeKind::AssignExpr)?;
            self.parse_names_in_parens()?;
            self.expect(Kind::Assign)?;
            self.parse_expr(0)?;
        } else {
            self.start(NodeKind::ParenExpr)?;
            self.advance();
            self.parse_expr(0)?;
            self.expect(Kind::RParen)?;
        }
        self.finish();
        Ok(())
    }

    /// `looksLikeLambda`: `( … )` followed by `->`.
    fn looks_like_lambda(&mut self) -> bool {
        let mut pos = 1;
        let mut depth = 1;
        while depth > 0 {
            match self.kind_at(pos) {
                Kind::Eof => return false,
                Kind::LParen => depth += 1,
                Kind::RParen => depth -= 1,
                _ => {}
            }
            pos += 1;
        }
        self.kind_at(pos) == Kind::Arrow
    }

    fn parse_lambda_body(&mut self) -> Step {
        if self.at(Kind::LBrace) {
            self.parse_block()
        } else {
            self.parse_expr(0)
        }
    }

    /// `looksLikeCast`: `(Type)` or `(a.b.Type)` or `(int[])` before an expression.
    fn looks_like_cast(&mut self) -> bool {
        let mut pos = 1;
        let mut tok = self.kind_at(pos);
        if tok.is_primitive() {
            pos += 1;
            tok = self.kind_at(pos);
            if tok == Kind::LBrack && self.kind_at(pos + 1) == Kind::RBrack {
                pos += 2;
                tok = self.kind_at(pos);
            }
            return tok == Kind::RParen && self.kind_at(pos + 1).can_start_expression();
        }
        match tok {
            Kind::Identifier if self.kind_at(pos + 1) != Kind::Dot => return false,
            Kind::Identifier | Kind::CapitalizedIdentifier => {}
            _ => return false,
        }
        let mut saw_capitalized = tok == Kind::CapitalizedIdentifier;
        let mut last_ident;
        loop {
            if !tok.is_ident() {
                return false;
            }
            if tok == Kind::CapitalizedIdentifier {
                saw_capitalized = true;
            }
            last_ident = tok;
            pos += 1;
            tok = self.kind_at(pos);
            if tok == Kind::Dot {
                if self.kind_at(pos + 1).is_ident() {
                    pos += 1;
                    tok = self.kind_at(pos);
                    continue;
                }
                return false;
            }
            break;
        }
        if self.kind_at(1) == Kind::Identifier
            && (!saw_capitalized || last_ident != Kind::CapitalizedIdentifier)
        {
            return false;
        }
        if tok == Kind::Lt {
            let Some(after) = self.skip_generics(pos + 1) else {
                return false;
            };
            pos = after;
            tok = self.kind_at(pos);
        }
        while tok == Kind::LBrack && self.kind_at(pos + 1) == Kind::RBrack {
            pos += 2;
            tok = self.kind_at(pos);
        }
        tok == Kind::RParen && self.kind_at(pos + 1).can_start_expression()
    }

    /// `parseNewExpr`.
    fn parse_new(&mut self) -> Step {
        self.start(NodeKind::NewExpr)?;
        self.advance();
        self.parse_type_name()?;
        match self.current.kind {
            Kind::LParen => {
                self.parse_arg_list()?;
                if self.at(Kind::LBrace) {
                    self.parse_closure_expr()?;
                }
            }
            Kind::LBrack => {
                while self.at(Kind::LBrack) {
                    self.advance();
                    if !self.at(Kind::RBrack) {
                        self.parse_expr(0)?;
                    }
                    self.expect(Kind::RBrack)?;
                }
                if self.at(Kind::LBrace) {
                    self.parse_array_initializer()?;
                }
            }
            Kind::LBrace => self.parse_array_initializer()?,
            _ => {}
        }
        self.finish();
        Ok(())
    }

    /// `parseArrayInitializer`: `{a, {b, c}, …}`, nested braces making no node (as in Go, where
    /// it recurses): kept in a loop with a count of open braces.
    fn parse_array_initializer(&mut self) -> Step {
        let mut open = 0usize;
        // at `{`: open it, then an element unless it closes at once
        'open: loop {
            self.advance();
            open += 1;
            if !self.at(Kind::RBrace) {
                if self.at(Kind::LBrace) {
                    continue 'open;
                }
                self.parse_expr(0)?;
            }
            // after an element (or an empty initializer): more elements or the closing brace
            loop {
                let mut closing = true;
                while self.at(Kind::Comma) {
                    self.advance();
                    if self.at(Kind::RBrace) {
                        break;
                    }
                    if self.at(Kind::LBrace) {
                        closing = false;
                        break;
                    }
                    self.parse_expr(0)?;
                }
                if !closing {
                    continue 'open;
                }
                self.expect(Kind::RBrace)?;
                open -= 1;
                if open == 0 {
                    return Ok(());
                }
            }
        }
    }

    /// `parseTypeName`: `int[]`, `a.b.Type<…>[]`.
    pub(super) fn parse_type_name(&mut self) -> Step {
        if self.current.kind.is_primitive() {
            self.advance();
            self.skip_array_suffix();
            return Ok(());
        }
        if self.current.kind.is_ident() {
            self.advance();
        } else {
            return self.error("expected type name");
        }
        while self.at(Kind::Dot) && self.peek.kind.is_ident() {
            self.advance();
            self.advance();
        }
        if self.at(Kind::Lt) {
            self.parse_optional_type_parameters();
        }
        self.skip_array_suffix();
        Ok(())
    }
}
