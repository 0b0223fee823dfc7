//! What a module's load-time rewrites need to know of the modules loaded with it (a policy
//! folder, a template and its libs, a compliance case): OPA reads a package across files, so
//! `rego.metadata.chain()` sees other files' annotations ([`AnnotationSet`]) and a ground rule
//! merges with general rules of other files ([`GeneralRefs`]).

use super::metadata::AnnotationSet;
use super::ref_heads::GeneralRefs;

#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleSet {
    pub(super) annotations: AnnotationSet,
    pub(super) general_refs: GeneralRefs,
    /// Whether `print(…)` calls are kept for [`super::print::register`] (`policy test`), not
    /// erased.
    pub(super) prints: bool,
}

impl ModuleSet {
    /// Reads `modules` (path, text, Rego v0); a module that does not parse adds nothing (loading
    /// it reports its syntax error).
    pub(crate) fn of<'a>(modules: impl IntoIterator<Item = (&'a str, &'a str, bool)>) -> Self {
        let mut set = Self::default();
        for (path, text, v0) in modules {
            if let Some(module) = super::parse::module(path, text, v0) {
                set.annotations.add(&module, text);
                set.general_refs.add(&module);
            }
        }
        set
    }

    /// The same set, its modules' `print(…)` calls kept (see [`super::print`]).
    pub(crate) fn keeping_prints(self) -> Self {
        Self {
            prints: true,
            ..self
        }
    }
}
