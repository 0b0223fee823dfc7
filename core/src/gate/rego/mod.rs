//! The Rego side of the gate: conftest-style packages and Gatekeeper constraints, compiled once, run in parallel.

mod builtin;
mod capabilities;
pub(super) mod cases;
mod chained;
mod chains;
mod conftest;
mod conftest_builtins;
mod data;
mod engine;
mod error;
mod gate;
mod gatekeeper;
mod glob;
mod guards;
mod keyword_refs;
mod load;
mod logic_operators;
mod metadata;
mod module_set;
mod negated_unification;
mod nesting;
mod opa_builtins;
mod opa_results;
mod operators;
mod output_args;
mod parse;
mod point_numbers;
mod print;
pub(super) mod query;
mod recursion;
mod ref_heads;
mod rule_walk;
mod set_membership;
mod shadowing;
mod source_edits;
pub(super) mod suite;
mod template_strings;
mod term_text;
mod typecheck;
mod types;
mod unary_minus;
mod undefined;
mod value_size;
pub(super) mod verify;
mod walk_calls;
mod with_builtins;

pub use builtin::{BuiltinPolicy, builtin_policies};
pub use engine::RegoVersion;
pub use error::{Refused, RegoError, Ungranted};
pub use gate::RegoGate;
pub use load::PolicySource;
pub(crate) use load::parse_yaml_stream;
pub use types::{DocOutcome, Evaluation, InputDoc, Level, PolicyError, PolicyFinding, RegoOptions};

#[cfg(test)]
mod tests;
