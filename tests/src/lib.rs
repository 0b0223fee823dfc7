//! Shared helpers for sealgate integration tests: the local control plane, reference tools, polling.
//!
//! The environment comes from `tests/run` (or by hand, see README "Development"):
//! `KUBECONFIG` (admin kubeconfig of `tests/cluster/up`), `SEALGATE_PEERS` (reference tools) and
//! `SEALGATE_CORPORA` (fixture corpora). A test that needs one of them and does not find it
//! fails when `CI` is set (to anything but empty, `0` or `false`) and prints `SKIPPED: <why>`
//! otherwise; [`require`] is that rule, and every crate's integration tests use it.
#![forbid(unsafe_code)]

mod binaries;
mod cluster;
mod doc_section;
mod eventually;
mod fuzz;
mod http;
mod namespace;
mod peers;
mod requirement;
mod server_verdict;

pub use binaries::workspace_binary;
pub use cluster::{Cluster, ClusterError, cluster};
pub use doc_section::update_doc_section;
pub use eventually::{DEFAULT_WAIT, Timeout, eventually};
pub use fuzz::{Campaign, Report};
pub use http::{Response, call};
pub use namespace::TestNamespace;
pub use peers::{PeersError, corpus, peer_tool};
pub use requirement::{Missing, in_ci, require};
pub use server_verdict::server_verdict;
