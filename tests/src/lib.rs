//! Shared helpers for sealgate integration tests.
