//! sealgate-controller's integration tests that need no cluster, one binary with a module per
//! concern (as ripgrep does). Tests against a control plane live in `tests/` (crate sealgate-tests).
//!
//! A `peer_` test name marks what needs the reference tools' downloads (`tests/peers/build`).

mod crd;
mod http;
