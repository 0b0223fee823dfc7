//! The subcommands, one file each: each turns its `cli::…Args` into a typed request and runs it.

pub mod cert;
pub mod docs;
pub mod drift;
pub mod keys;
pub mod kubeseal;
pub mod policy_test;
pub mod reencrypt;
pub mod schemas;
pub mod seal;
pub mod set;
#[cfg(test)]
mod set_fuzz;
pub mod unseal;
pub mod validate;
