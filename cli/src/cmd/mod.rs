//! The subcommands, one file each: each turns its `cli::…Args` into a typed request and runs it.
//! (`validate`, `policy test` and `schemas export` still live at the crate root.)

pub mod cert;
pub mod docs;
pub mod keys;
pub mod reencrypt;
pub mod seal;
pub mod set;
pub mod unseal;
