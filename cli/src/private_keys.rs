//! The private keys that open sealed values (`unseal --key`, `reencrypt --key`): PEM files, TLS
//! Secrets or Lists of them, age-encrypted key backups (opened with `--identity`), and the local
//! key pair.

use std::path::{Path, PathBuf};

use sealgate_core::manifest::DEFAULT_MAX_BYTES;
use sealgate_core::seal::escrow::{self, Identities};
use sealgate_core::seal::{PrivateKey, UnsealingKeys, load_private_keys};

use crate::error::CliError;
use crate::local_pair;

/// Reads every key file (PEM, TLS Secret, List) and, with `local`, the local key pair.
pub fn load_keys(paths: &[PathBuf], local: bool) -> Result<UnsealingKeys, CliError> {
    load_keys_with(paths, &[], local)
}

/// [`load_keys`], where a key file may also be an age-encrypted key backup opened with the
/// identities in `identity_files` (read only when a backup is among the key files).
pub fn load_keys_with(
    paths: &[PathBuf],
    identity_files: &[PathBuf],
    local: bool,
) -> Result<UnsealingKeys, CliError> {
    let mut identities = LazyIdentities {
        files: identity_files,
        loaded: None,
    };
    let mut keys = UnsealingKeys::new();
    for path in paths {
        for key in read_key_file(path, &mut identities)? {
            keys.push(key);
        }
    }
    if local {
        for key in local_pair::private_keys()? {
            keys.push(key);
        }
    }
    Ok(keys)
}

fn read_key_file(
    path: &Path,
    identities: &mut LazyIdentities<'_>,
) -> Result<Vec<PrivateKey>, CliError> {
    let shown = path.display().to_string();
    let content = crate::input::read_bytes(Some(path), DEFAULT_MAX_BYTES)?;
    if escrow::is_age_file(&content) {
        let identities = identities.get(&shown)?;
        return escrow::load_backup_keys(&content, identities, &shown).map_err(CliError::escrow);
    }
    load_private_keys(&content, &shown).map_err(CliError::key_file)
}

/// Identity files, read once, on the first age-encrypted key file.
struct LazyIdentities<'a> {
    files: &'a [PathBuf],
    loaded: Option<Identities>,
}

impl LazyIdentities<'_> {
    fn get(&mut self, backup: &str) -> Result<&Identities, CliError> {
        if self.files.is_empty() {
            return Err(CliError::input(
                "the key file is an age-encrypted key backup",
                backup,
                "pass --identity FILE (or SEALGATE_AGE_IDENTITY) with an age identity or SSH private key it was encrypted to",
            ));
        }
        if self.loaded.is_none() {
            let mut identities = Identities::new();
            for file in self.files {
                let shown = file.display().to_string();
                let content = crate::input::read_bytes(Some(file.as_path()), DEFAULT_MAX_BYTES)?;
                identities
                    .add_file(&content, &shown)
                    .map_err(CliError::escrow)?;
            }
            self.loaded = Some(identities);
        }
        Ok(self.loaded.get_or_insert_with(Identities::new))
    }
}
