//! The manifest gate: documents checked against JSON Schemas and Rego policies before they are synced.
//!
//! [`Validator`] is the entry point: it compiles [`SchemaOptions`] and (optionally) [`RegoOptions`]
//! once and turns a run's [`Input`]s into a [`Report`] of [`Finding`]s. [`RegoGate`] evaluates
//! policies on their own (conftest/Gatekeeper semantics); [`policy_test`] runs policies' own tests.

mod finding;
mod kustomization;
pub mod parsers;
mod rego;
mod report;
mod schema;
mod validate;
mod validator;

pub use finding::{Finding, Origin, Severity, Subject, check};
pub use rego::{
    BuiltinPolicy, DocOutcome, Evaluation, InputDoc, Level, PolicyError, PolicyFinding,
    PolicySource, Refused, RegoError, RegoGate, RegoOptions, RegoVersion, Ungranted,
    builtin_policies,
};
pub use report::{Counts, Report, ResourceResult, Status};
pub use schema::{
    CatalogProject, ExportedFolder, KnownKind, SchemaError, SchemaLocation, SchemaOptions,
    catalog_projects, known_kinds, kubeconform_folder, kubernetes_versions,
};
pub use validate::Input;
pub use validator::{COMBINED_INPUT, ValidateError, Validator};

/// Policies' own tests: Rego unit tests with coverage (`opa test`), Gatekeeper Suites
/// (`gator verify`) and `cases.yaml` files.
pub mod policy_test {
    pub use super::rego::cases::{
        CaseRun, PolicyCase, parse_cases, run_builtin_cases, run_case_files,
    };
    pub use super::rego::query::{AdHocQuery, eval_query};
    pub use super::rego::suite::{CaseOutcome, CaseResult, find_suites, run_suite};
    pub use super::rego::verify::{
        Coverage, FileCoverage, TestOutcome, TestResult, VerifyOptions, VerifyReport,
        run_rego_tests,
    };
}
