//! The kinds of groovy-parser-go's tokens (`token.Kind`) and syntax tree nodes (`cst.NodeKind`),
//! named as conftest prints them (`kind` in its JSON), with the classes its lexer and parser ask
//! about. Only what Groovy 2.4 mode can produce: `var`, `record`, `sealed`, `permits`, `yield`
//! are identifiers there, so their keyword kinds never occur.

/// Declares a kind enum whose `name` is the variant's name (Go's `String()` of the constant).
macro_rules! named_kinds {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum $name { $($variant),* }

        impl $name {
            pub(super) fn name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant)),* }
            }
        }
    };
}

named_kinds! {
    /// A token's kind (`token.Kind`).
    Kind {
        IntLiteral, FloatLiteral, StringLiteral, GStringBegin, GStringPart, GStringEnd,
        GStringFull, NullLiteral, BoolLiteral, SlashyStringLit, DollarSlashyStringLit,
        Identifier, CapitalizedIdentifier,
        KwAs, KwAssert, KwBreak, KwCase, KwCatch, KwClass, KwContinue, KwDef, KwDefault, KwDo,
        KwElse, KwEnum, KwExtends, KwFinal, KwFinally, KwFor, KwIf, KwImplements, KwImport, KwIn,
        KwInstanceof, KwInterface, KwNew, KwPackage, KwReturn, KwStatic, KwSuper, KwSwitch,
        KwThis, KwThrow, KwThrows, KwTrait, KwTry, KwWhile,
        KwAbstract, KwNative, KwPrivate, KwProtected, KwPublic, KwSynchronized, KwTransient,
        KwVolatile, KwStrictfp, KwThreadsafe,
        KwVoid, KwBoolean, KwByte, KwChar, KwShort, KwInt, KwLong, KwFloat, KwDouble,
        Plus, Minus, Star, Div, Mod, Power,
        Assign, Equal, NotEqual, Lt, Gt, LtEqual, GtEqual, Spaceship,
        IdentityEqual, IdentityNotEqual,
        And, Or, Not,
        BitwiseAnd, BitwiseOr, BitwiseXor, BitwiseNot,
        LeftShift, RightShift, UnsignedRightShift,
        PlusAssign, MinusAssign, StarAssign, DivAssign, ModAssign, PowerAssign,
        BitwiseAndAssign, BitwiseOrAssign, BitwiseXorAssign, LeftShiftAssign, RightShiftAssign,
        UnsignedRightShiftAssign,
        SafeNav, NullSafe, Spread, MethodPointer, FieldAccess,
        Elvis, Range, HalfOpenRight, HalfOpenLeft, FullOpen, Regex, Match,
        Arrow, Inc, Dec, MethodRef, Question, SafeIndex, ElvisAssign, Implication, NotIn,
        NotInstanceof,
        LParen, RParen, LBrace, RBrace, LBrack, RBrack, Dot, Comma, Semi, Colon, At, Ellipsis,
        Semicolon, Eof, Error,
    }
}

named_kinds! {
    /// A syntax tree node's kind (`cst.NodeKind`), those the parser builds.
    NodeKind {
        FileNode,
        PackageDecl, ImportDecl, ClassDecl, InterfaceDecl, EnumDecl, TraitDecl, AnnotationDecl,
        MethodDecl, FieldDecl, VariableDecl, EnumConstant, AnnotationNode,
        BlockStmt, ExpressionStmt, ReturnStmt, IfStmt, WhileStmt, DoWhileStmt, ForStmt, ForInStmt,
        SwitchStmt, CaseClause, DefaultClause, TryStmt, CatchClause, FinallyClause, ThrowStmt,
        AssertStmt, BreakStmt, ContinueStmt, SynchronizedStmt, LabeledStmt,
        IdentExpr, LiteralExpr, NullExpr, BoolExpr, GStringExpr, GStringPath, ClosureExpr,
        ListExpr, MapExpr, MapEntry, BinaryExpr, UnaryExpr, PostfixExpr, TernaryExpr, ElvisExpr,
        AssignExpr, CallExpr, IndexExpr, PropertyExpr, SafeNavExpr, SpreadExpr,
        SpreadPropertyExpr, RangeExpr, CastExpr, InstanceofExpr, NewExpr, ParenExpr, LambdaExpr,
        MethodRefExpr, FieldAccessExpr, MethodPointerExpr, SwitchExpr,
        ErrorNode,
    }
}

impl Kind {
    /// Go's name for the kind (`EOF` in capitals).
    pub(super) fn go_name(self) -> &'static str {
        match self {
            Kind::Eof => "EOF",
            k => k.name(),
        }
    }

    /// The keyword `word` is in Groovy 2.4 (`buildKeywords`), `true`/`false`/`null` as literals.
    pub(super) fn of_word(word: &[u8]) -> Option<Kind> {
        use Kind::*;
        Some(match word {
            b"true" | b"false" => BoolLiteral,
            b"null" => NullLiteral,
            b"as" => KwAs,
            b"assert" => KwAssert,
            b"break" => KwBreak,
            b"case" => KwCase,
            b"catch" => KwCatch,
            b"class" => KwClass,
            b"continue" => KwContinue,
            b"def" => KwDef,
            b"default" => KwDefault,
            b"do" => KwDo,
            b"else" => KwElse,
            b"enum" => KwEnum,
            b"extends" => KwExtends,
            b"final" => KwFinal,
            b"finally" => KwFinally,
            b"for" => KwFor,
            b"if" => KwIf,
            b"implements" => KwImplements,
            b"import" => KwImport,
            b"in" => KwIn,
            b"instanceof" => KwInstanceof,
            b"interface" => KwInterface,
            b"new" => KwNew,
            b"package" => KwPackage,
            b"return" => KwReturn,
            b"static" => KwStatic,
            b"super" => KwSuper,
            b"switch" => KwSwitch,
            b"this" => KwThis,
            b"throw" => KwThrow,
            b"throws" => KwThrows,
            b"trait" => KwTrait,
            b"try" => KwTry,
            b"while" => KwWhile,
            b"abstract" => KwAbstract,
            b"native" => KwNative,
            b"private" => KwPrivate,
            b"protected" => KwProtected,
            b"public" => KwPublic,
            b"synchronized" => KwSynchronized,
            b"transient" => KwTransient,
            b"volatile" => KwVolatile,
            b"strictfp" => KwStrictfp,
            b"threadsafe" => KwThreadsafe,
            b"void" => KwVoid,
            b"boolean" => KwBoolean,
            b"byte" => KwByte,
            b"char" => KwChar,
            b"short" => KwShort,
            b"int" => KwInt,
            b"long" => KwLong,
            b"float" => KwFloat,
            b"double" => KwDouble,
            _ => return None,
        })
    }

    /// `IsKeyword`: any `Kw*` kind.
    pub(super) fn is_keyword(self) -> bool {
        let name = self.name();
        name.len() > 2 && name.starts_with("Kw")
    }

    /// `IsStatementEnd`: a token after which a newline ends the statement.
    pub(super) fn is_statement_end(self) -> bool {
        use Kind::*;
        matches!(
            self,
            Identifier
                | CapitalizedIdentifier
                | IntLiteral
                | FloatLiteral
                | StringLiteral
                | GStringEnd
                | GStringFull
                | NullLiteral
                | BoolLiteral
                | SlashyStringLit
                | DollarSlashyStringLit
                | KwBreak
                | KwContinue
                | KwReturn
                | KwThis
                | KwSuper
                | Inc
                | Dec
                | RParen
                | RBrack
                | RBrace
        )
    }

    /// `canPrecedeSlashyString`: after this token (`None`: none yet), `/` starts a slashy
    /// string rather than a division.
    pub(super) fn can_precede_slashy(kind: Option<Kind>) -> bool {
        use Kind::*;
        let Some(k) = kind else { return true };
        matches!(
            k,
            Assign
                | Equal
                | NotEqual
                | Lt
                | Gt
                | LtEqual
                | GtEqual
                | Plus
                | Minus
                | Star
                | Mod
                | Div
                | Power
                | PlusAssign
                | MinusAssign
                | StarAssign
                | DivAssign
                | ModAssign
                | PowerAssign
                | BitwiseAnd
                | BitwiseOr
                | BitwiseXor
                | BitwiseNot
                | BitwiseAndAssign
                | BitwiseOrAssign
                | BitwiseXorAssign
                | LeftShift
                | RightShift
                | UnsignedRightShift
                | LeftShiftAssign
                | RightShiftAssign
                | UnsignedRightShiftAssign
                | And
                | Or
                | Not
                | Spaceship
                | IdentityEqual
                | IdentityNotEqual
                | Regex
                | Match
                | Spread
                | Arrow
                | MethodRef
                | Question
                | Elvis
                | ElvisAssign
                | Range
                | HalfOpenRight
                | HalfOpenLeft
                | FullOpen
                | SafeNav
                | NullSafe
                | MethodPointer
                | FieldAccess
                | Implication
                | NotIn
                | NotInstanceof
                | LParen
                | LBrack
                | LBrace
                | Comma
                | Semi
                | Colon
                | At
                | Semicolon
                | Dot
                | KwReturn
                | KwIf
                | KwWhile
                | KwFor
                | KwCase
                | KwIn
                | KwAssert
                | KwThrow
                | KwNew
                | KwDef
                | KwElse
                | KwDo
                | KwSwitch
        )
    }

    /// `isPrimitiveTypeKeyword`.
    pub(super) fn is_primitive(self) -> bool {
        use Kind::*;
        matches!(
            self,
            KwVoid | KwBoolean | KwByte | KwChar | KwShort | KwInt | KwLong | KwFloat | KwDouble
        )
    }

    /// `isIdentifier` (the contextual keywords it adds are identifiers in Groovy 2.4).
    pub(super) fn is_ident(self) -> bool {
        matches!(self, Kind::Identifier | Kind::CapitalizedIdentifier)
    }

    /// `isModifierKeyword`.
    pub(super) fn is_modifier(self) -> bool {
        use Kind::*;
        matches!(
            self,
            KwPublic
                | KwPrivate
                | KwProtected
                | KwStatic
                | KwAbstract
                | KwFinal
                | KwNative
                | KwSynchronized
                | KwTransient
                | KwVolatile
                | KwStrictfp
                | KwThreadsafe
        )
    }

    /// `canStartExpression`.
    pub(super) fn can_start_expression(self) -> bool {
        use Kind::*;
        self.is_primitive()
            || matches!(
                self,
                Identifier
                    | CapitalizedIdentifier
                    | IntLiteral
                    | FloatLiteral
                    | StringLiteral
                    | GStringFull
                    | GStringBegin
                    | SlashyStringLit
                    | DollarSlashyStringLit
                    | BoolLiteral
                    | NullLiteral
                    | KwThis
                    | KwSuper
                    | KwNew
                    | KwSwitch
                    | LParen
                    | LBrack
                    | LBrace
                    | Plus
                    | Minus
                    | Star
                    | Not
                    | BitwiseNot
                    | Inc
                    | Dec
                    | At
                    | HalfOpenLeft
                    | FullOpen
            )
    }
}
