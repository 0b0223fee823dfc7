//! What rsjsonnet-lang's errors say, in sealgate's words: where (the span an error carries) and
//! what (its kind, without the values its fields may hold).

use rsjsonnet_lang::lexer::LexError;
use rsjsonnet_lang::program::{AnalyzeError, EvalErrorKind, EvalStackTraceItem};
use rsjsonnet_lang::span::SpanId;

/// Where a stack trace's item is, when it says.
pub(super) fn trace_span(item: &EvalStackTraceItem) -> Option<SpanId> {
    match item {
        EvalStackTraceItem::Expr { span }
        | EvalStackTraceItem::Variable { span, .. }
        | EvalStackTraceItem::Import { span } => Some(*span),
        EvalStackTraceItem::Call { span, .. }
        | EvalStackTraceItem::ArrayItem { span, .. }
        | EvalStackTraceItem::ObjectField { span, .. } => *span,
        _ => None,
    }
}

/// An error's kind in words, without its fields (which may hold values): `UnknownObjectField`
/// becomes "unknown object field".
pub(super) fn words(kind: &impl std::fmt::Debug) -> String {
    let debug = format!("{kind:?}");
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Where an evaluation error's own expression is, when its kind says.
pub(super) fn kind_span(kind: &EvalErrorKind) -> Option<SpanId> {
    use EvalErrorKind as K;
    match kind {
        K::InvalidIndexedType { span, .. }
        | K::InvalidSlicedType { span, .. }
        | K::SliceIndexOrStepIsNotNumber { span, .. }
        | K::StringIndexIsNotNumber { span, .. }
        | K::ArrayIndexIsNotNumber { span, .. }
        | K::NumericIndexIsNotValid { span, .. }
        | K::NumericIndexOutOfRange { span, .. }
        | K::ObjectIndexIsNotString { span, .. }
        | K::RepeatedFieldName { span, .. }
        | K::FieldNameIsNotString { span, .. }
        | K::UnknownObjectField { span, .. }
        | K::FieldOfNonObject { span, .. }
        | K::SuperWithoutSuperObject { span, .. }
        | K::ForSpecValueIsNotArray { span, .. }
        | K::CondIsNotBool { span, .. }
        | K::InvalidUnaryOpType { span, .. }
        | K::AssertFailed { span, .. }
        | K::ExplicitError { span, .. }
        | K::ImportFailed { span, .. } => Some(*span),
        K::CalleeIsNotFunction { span, .. }
        | K::TooManyCallArgs { span, .. }
        | K::UnknownCallParam { span, .. }
        | K::RepeatedCallParam { span, .. }
        | K::CallParamNotBound { span, .. }
        | K::InvalidBinaryOpTypes { span, .. }
        | K::NumberNotBitwiseSafe { span, .. }
        | K::NumberOverflow { span, .. }
        | K::NumberNan { span, .. }
        | K::DivByZero { span, .. }
        | K::ShiftByNegative { span, .. }
        | K::Other { span, .. } => *span,
        _ => None,
    }
}

pub(super) fn lex_span(e: &LexError) -> SpanId {
    match e {
        LexError::InvalidChar { span, .. }
        | LexError::InvalidUtf8 { span, .. }
        | LexError::UnfinishedMultilineComment { span }
        | LexError::LeadingZeroInNumber { span }
        | LexError::MissingFracDigits { span }
        | LexError::MissingExpDigits { span }
        | LexError::MissingDigitAfterUnderscore { span }
        | LexError::ExpOverflow { span }
        | LexError::InvalidEscapeInString { span, .. }
        | LexError::IncompleteUnicodeEscape { span }
        | LexError::InvalidUtf16EscapeSequence { span, .. }
        | LexError::UnfinishedString { span }
        | LexError::MissingLineBreakAfterTextBlockStart { span }
        | LexError::MissingWhitespaceTextBlockStart { span }
        | LexError::InvalidTextBlockTermination { span } => *span,
    }
}

pub(super) fn analyze_span(e: &AnalyzeError) -> SpanId {
    match e {
        AnalyzeError::UnknownVariable { span, .. }
        | AnalyzeError::PositionalArgAfterNamed { arg_span: span }
        | AnalyzeError::TextBlockAsImportPath { span }
        | AnalyzeError::ComputedImportPath { span } => *span,
        AnalyzeError::SelfOutsideObject { self_span } => *self_span,
        AnalyzeError::SuperOutsideObject { super_span } => *super_span,
        AnalyzeError::DollarOutsideObject { dollar_span } => *dollar_span,
        AnalyzeError::RepeatedLocalName { repeated_span, .. }
        | AnalyzeError::RepeatedFieldName { repeated_span, .. }
        | AnalyzeError::RepeatedParamName { repeated_span, .. } => *repeated_span,
    }
}
