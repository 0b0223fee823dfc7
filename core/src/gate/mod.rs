//! The manifest gate: documents checked against JSON Schemas and Rego policies before they are synced.

pub mod finding;
pub mod rego;
pub mod report;
pub mod schema;
pub mod validate;

pub use finding::{Finding, Severity, Subject};
pub use report::{Counts, Report, ResourceResult, Status};
