//! The local key pair behind `--local`: `local-key.pem` (mode 0600) and `local-cert.pem` under
//! `$SEALGATE_HOME` (default `$XDG_DATA_HOME/sealgate` or `~/.local/share/sealgate`), made on
//! first use so examples run with no cluster.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sealgate_core::seal::{
    KeyGenOptions, PrivateKey, SealingCert, generate_key_pair, load_private_keys,
};
use zeroize::Zeroizing;

use crate::error::CliError;

const KEY_FILE: &str = "local-key.pem";
const CERT_FILE: &str = "local-cert.pem";

/// The local pair as PEM texts.
pub struct LocalPair {
    pub key_pem: Zeroizing<String>,
    pub cert_pem: String,
}

/// The folder that holds the local key pair.
pub fn home() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os("SEALGATE_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir).join("sealgate"));
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/sealgate")),
        None => Err(CliError::usage(
            "--local needs a folder for its key pair but $SEALGATE_HOME, $XDG_DATA_HOME and $HOME are unset",
            "set SEALGATE_HOME to a folder",
        )),
    }
}

pub fn cert_path() -> Result<PathBuf, CliError> {
    Ok(home()?.join(CERT_FILE))
}

/// Loads the local pair, generating it (RSA-4096, like the controller) if the folder has none.
pub fn ensure() -> Result<LocalPair, CliError> {
    let dir = home()?;
    let key_path = dir.join(KEY_FILE);
    let cert_path = dir.join(CERT_FILE);
    if !key_path.exists() {
        create(&dir, &key_path, &cert_path)?;
    }
    let pair = load(&key_path, &cert_path)?;
    check_matching(&pair, &key_path, &cert_path)?;
    Ok(pair)
}

/// Refuses a local pair whose key is unreadable or does not belong to the cert: sealing to that
/// cert would make blobs that nothing can open.
fn check_matching(pair: &LocalPair, key_path: &Path, cert_path: &Path) -> Result<(), CliError> {
    let shown = key_path.display().to_string();
    let hint = "restore the matching local-key.pem and local-cert.pem, or move both away to make a new pair";
    let keys = load_private_keys(pair.key_pem.as_bytes(), &shown)
        .map_err(|e| CliError::input(e, &shown, hint))?;
    let cert = SealingCert::inspect_pem(pair.cert_pem.as_bytes())
        .map_err(|e| CliError::input(e, cert_path.display().to_string(), hint))?;
    if !keys.iter().any(|k| k.fingerprint() == cert.fingerprint()) {
        return Err(CliError::input(
            "the local private key does not belong to the local certificate",
            cert_path.display().to_string(),
            hint,
        ));
    }
    Ok(())
}

/// The local private key, for `unseal --local` / `reencrypt --local-key`. Never creates one:
/// a fresh key could not open anything.
pub fn private_keys() -> Result<Vec<PrivateKey>, CliError> {
    let dir = home()?;
    let key_path = dir.join(KEY_FILE);
    let pair = load(&key_path, &dir.join(CERT_FILE))?;
    let shown = key_path.display().to_string();
    load_private_keys(pair.key_pem.as_bytes(), &shown)
        .map_err(|e| CliError::input(e, &shown, "restore the local key pair or pass --key FILE"))
}

fn load(key_path: &Path, cert_path: &Path) -> Result<LocalPair, CliError> {
    let key_pem =
        fs::read_to_string(key_path).map_err(|e| CliError::read(key_path.display(), e))?;
    // a concurrent first run may have written the key but not yet the cert
    for _ in 0..100 {
        if cert_path.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let cert_pem =
        fs::read_to_string(cert_path).map_err(|e| CliError::read(cert_path.display(), e))?;
    Ok(LocalPair {
        key_pem: Zeroizing::new(key_pem),
        cert_pem,
    })
}

fn create(dir: &Path, key_path: &Path, cert_path: &Path) -> Result<(), CliError> {
    fs::create_dir_all(dir).map_err(|e| CliError::write(dir.display(), e))?;
    let pair = generate_key_pair(&KeyGenOptions::default()).map_err(|e| {
        CliError::input(
            e,
            dir.display().to_string(),
            "retry; report a bug if it persists",
        )
    })?;
    // the key is written first and without clobbering, so when two runs race only one pair
    // wins; the winner then writes the cert, which `load` waits for briefly
    match write_new(key_path, pair.key_pem().as_bytes(), 0o600) {
        Ok(()) => write_new(cert_path, pair.cert_pem().as_bytes(), 0o644),
        Err(_) if key_path.exists() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes a file through a temp file in the same folder (created 0600 by tempfile), then sets
/// `mode` and renames. The key is never world-readable, not even for a moment.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), CliError> {
    let shown = path.display();
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".sealgate-")
        .tempfile_in(dir)
        .map_err(|e| CliError::write(&shown, e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| CliError::write(&shown, e))?;
    fs::set_permissions(temp.path(), fs::Permissions::from_mode(mode))
        .map_err(|e| CliError::write(&shown, e))?;
    if mode == 0o600 {
        temp.persist_noclobber(path)
            .map_err(|e| CliError::write(&shown, e.error))?;
    } else {
        temp.persist(path)
            .map_err(|e| CliError::write(&shown, e.error))?;
    }
    Ok(())
}
