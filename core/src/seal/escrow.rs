//! Key escrow: the controller's key Secrets as a `v1` List, encrypted to age recipients and armored.
//!
//! The decrypted content of a backup is plain Kubernetes YAML (`kubectl apply -f` works on it):
//! a `v1` `List` of the `kubernetes.io/tls` key Secrets with their name, namespace, labels,
//! annotations, type and data, minus the fields the API server sets (uid, resourceVersion,
//! timestamps, managedFields, ownerReferences), so a restore re-creates them verbatim.
//! Plaintext only lives in zeroizing buffers in memory; errors never quote it.

use std::io::{BufReader, Read, Write};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::key_source::{KeySourceError, load_private_keys};
use super::keys::PrivateKey;
use super::types::Secret;

/// Metadata the API server owns: dropped from a backup so `create`/`apply` of it succeeds on any
/// cluster (an ownerReference to a uid that does not exist there would get the Secret collected).
const SERVER_SET_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
    "managedFields",
    "ownerReferences",
];

/// What armored age files start with; binary ones start with [`AGE_BINARY_HEADER`].
pub const AGE_ARMOR_HEADER: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
pub const AGE_BINARY_HEADER: &str = "age-encryption.org/v1";

#[derive(Debug, thiserror::Error)]
pub enum EscrowError {
    #[error("no age recipient was given (pass an age1… public key or an ssh-ed25519/ssh-rsa key)")]
    NoRecipients,
    #[error(
        "recipient {recipient:?} is not an age public key (age1…) nor an ssh-ed25519/ssh-rsa public key ({reason})"
    )]
    BadRecipient { recipient: String, reason: String },
    #[error("no key Secret to back up")]
    NoKeys,
    #[error("{secret}: cannot back up a Secret without metadata.name")]
    UnnamedSecret { secret: String },
    #[error("could not encrypt the backup ({reason})")]
    Encrypt { reason: String },
    #[error(
        "no age identity was given (pass a file with AGE-SECRET-KEY-1… lines or an SSH private key)"
    )]
    NoIdentities,
    #[error(
        "{source_name}: not an age identity file nor an unencrypted SSH private key ({reason})"
    )]
    BadIdentity { source_name: String, reason: String },
    #[error(
        "{source_name}: the SSH private key is passphrase-protected; decrypt a copy with `ssh-keygen -p -f COPY` or use an age identity"
    )]
    EncryptedSshIdentity { source_name: String },
    #[error("{source_name}: not an age-encrypted file ({reason})")]
    NotAgeFile { source_name: String, reason: String },
    #[error(
        "{source_name}: none of the {tried} identity(ies) given can decrypt it; it was encrypted to other recipients"
    )]
    NoMatchingIdentity { source_name: String, tried: usize },
    #[error(
        "{source_name}: the file is passphrase-encrypted (scrypt); sealgate backups use age recipients"
    )]
    Passphrase { source_name: String },
    #[error("{source_name}: the age file is damaged or was altered ({reason})")]
    Damaged { source_name: String, reason: String },
    #[error("{source_name}: the decrypted content is not a YAML List of Secrets ({reason})")]
    NotKeyList { source_name: String, reason: String },
    #[error(transparent)]
    Keys(#[from] KeySourceError),
}

/// The age recipients a backup is encrypted to: `age1…` X25519 keys, `ssh-ed25519` and
/// `ssh-rsa` public keys (an `authorized_keys` line with its comment works).
pub struct Recipients {
    list: Vec<Box<dyn age::Recipient + Send + Sync>>,
}

impl std::fmt::Debug for Recipients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recipients")
            .field("count", &self.list.len())
            .finish()
    }
}

impl Recipients {
    /// Parses each recipient; blank entries and `#` comment lines are skipped, so the lines of
    /// a recipients file can be passed as they are.
    pub fn parse<S: AsRef<str>>(recipients: &[S]) -> Result<Self, EscrowError> {
        let mut list: Vec<Box<dyn age::Recipient + Send + Sync>> = Vec::new();
        for raw in recipients {
            let text = raw.as_ref().trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            list.push(parse_recipient(text)?);
        }
        if list.is_empty() {
            return Err(EscrowError::NoRecipients);
        }
        Ok(Self { list })
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

fn parse_recipient(text: &str) -> Result<Box<dyn age::Recipient + Send + Sync>, EscrowError> {
    let bad = |reason: String| EscrowError::BadRecipient {
        recipient: shorten(text),
        reason,
    };
    if text.starts_with("ssh-") {
        return text
            .parse::<age::ssh::Recipient>()
            .map(|r| Box::new(r) as Box<dyn age::Recipient + Send + Sync>)
            .map_err(|e| bad(ssh_recipient_reason(&e)));
    }
    text.parse::<age::x25519::Recipient>()
        .map(|r| Box::new(r) as Box<dyn age::Recipient + Send + Sync>)
        .map_err(|e| bad(e.to_owned()))
}

fn ssh_recipient_reason(error: &age::ssh::ParseRecipientKeyError) -> String {
    use age::ssh::ParseRecipientKeyError as E;
    match error {
        E::Ignore => "not a public key line".to_owned(),
        E::Invalid(why) => (*why).to_owned(),
        E::RsaModulusTooLarge => "RSA modulus too large".to_owned(),
        E::RsaModulusTooSmall => "RSA modulus too small".to_owned(),
        E::Unsupported(kind) => format!("unsupported SSH key type {kind}"),
        _ => "not a supported SSH public key".to_owned(),
    }
}

/// A recipient is public, but keep messages one line even for a pasted file.
fn shorten(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    if first.chars().count() > 80 {
        format!("{}…", first.chars().take(80).collect::<String>())
    } else {
        first.to_owned()
    }
}

/// The age identities that may open a backup, collected from any number of files.
#[derive(Default)]
pub struct Identities {
    list: Vec<Box<dyn age::Identity + Send + Sync>>,
}

/// Shows how many identities are held, never their keys.
impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identities")
            .field("count", &self.list.len())
            .finish()
    }
}

impl Identities {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one identity file's content: age identity lines (`AGE-SECRET-KEY-1…`, `#` comments
    /// and blank lines allowed, as `age-keygen` writes them) or one unencrypted OpenSSH / PEM
    /// `ssh-ed25519` or `ssh-rsa` private key. `source_name` (a path) only names it in errors.
    pub fn from_file(content: &[u8], source_name: &str) -> Result<Self, EscrowError> {
        let mut identities = Self::new();
        identities.add_file(content, source_name)?;
        Ok(identities)
    }

    /// Like [`Identities::from_file`], adding to the identities already held.
    pub fn add_file(&mut self, content: &[u8], source_name: &str) -> Result<(), EscrowError> {
        let bad = |reason: String| EscrowError::BadIdentity {
            source_name: source_name.to_owned(),
            reason,
        };
        let trimmed = content.trim_ascii_start();
        if trimmed.starts_with(b"-----BEGIN") {
            let identity = age::ssh::Identity::from_buffer(trimmed, Some(source_name.to_owned()))
                .map_err(|e| bad(e.to_string()))?;
            return match identity {
                age::ssh::Identity::Unencrypted(_) => {
                    self.list.push(Box::new(identity));
                    Ok(())
                }
                age::ssh::Identity::Encrypted(_) => Err(EscrowError::EncryptedSshIdentity {
                    source_name: source_name.to_owned(),
                }),
                age::ssh::Identity::Unsupported(key) => {
                    Err(bad(format!("unsupported SSH key: {key:?}")))
                }
            };
        }
        // age's parser reports a line number, never the line itself.
        let file = age::IdentityFile::from_buffer(trimmed).map_err(|e| bad(e.to_string()))?;
        let identities = file.into_identities().map_err(|e| bad(e.to_string()))?;
        if identities.is_empty() {
            return Err(bad("no AGE-SECRET-KEY-1… line".to_owned()));
        }
        self.list.extend(identities);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyList<'a> {
    api_version: &'static str,
    kind: &'static str,
    items: &'a [Secret],
}

/// Encrypts the key Secrets to `recipients` and returns the ASCII-armored age file
/// (`-----BEGIN AGE ENCRYPTED FILE-----`), safe to commit. Server-set metadata is dropped;
/// everything else (name, namespace, labels, annotations, type, data) is kept as given.
///
/// Callers holding `k8s_openapi` Secrets convert them with
/// `serde_json::from_value::<Secret>(serde_json::to_value(&secret)?)`.
pub fn backup<S: AsRef<str>>(keys: &[Secret], recipients: &[S]) -> Result<String, EscrowError> {
    let recipients = Recipients::parse(recipients)?;
    backup_to(keys, &recipients)
}

/// [`backup`] with recipients parsed once (the controller re-uses them for every new key).
pub fn backup_to(keys: &[Secret], recipients: &Recipients) -> Result<String, EscrowError> {
    if keys.is_empty() {
        return Err(EscrowError::NoKeys);
    }
    let mut items: Vec<Secret> = keys.iter().map(without_server_fields).collect();
    for (index, item) in items.iter().enumerate() {
        if item.metadata.name.as_deref().is_none_or(str::is_empty) {
            return Err(EscrowError::UnnamedSecret {
                secret: format!("key Secret #{}", index + 1),
            });
        }
    }
    items.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    let list = KeyList {
        api_version: "v1",
        kind: "List",
        items: &items,
    };
    let yaml =
        Zeroizing::new(
            serde_saphyr::to_string(&list).map_err(|e| EscrowError::Encrypt {
                reason: format!("YAML: {e}"),
            })?,
        );
    encrypt_armored(yaml.as_bytes(), &recipients.list)
}

fn without_server_fields(secret: &Secret) -> Secret {
    let mut copy = secret.clone();
    for field in SERVER_SET_METADATA {
        copy.metadata.extra.remove(*field);
    }
    copy.api_version = "v1".to_owned();
    copy.kind = "Secret".to_owned();
    copy
}

fn encrypt_armored(
    plaintext: &[u8],
    recipients: &[Box<dyn age::Recipient + Send + Sync>],
) -> Result<String, EscrowError> {
    let encrypt_err = |reason: String| EscrowError::Encrypt { reason };
    let encryptor = age::Encryptor::with_recipients(
        recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
    )
    .map_err(|e| encrypt_err(e.to_string()))?;
    let armor = ArmoredWriter::wrap_output(Vec::new(), Format::AsciiArmor)
        .map_err(|e| encrypt_err(e.to_string()))?;
    let mut writer = encryptor
        .wrap_output(armor)
        .map_err(|e| encrypt_err(e.to_string()))?;
    writer
        .write_all(plaintext)
        .map_err(|e| encrypt_err(e.to_string()))?;
    // Both layers must be finished, or the file is cut short and cannot be decrypted.
    let armored = writer
        .finish()
        .and_then(ArmoredWriter::finish)
        .map_err(|e| encrypt_err(e.to_string()))?;
    String::from_utf8(armored).map_err(|_| encrypt_err("armor is not UTF-8".to_owned()))
}

/// Whether `content` is an age file (armored or binary), e.g. to tell a backup from a PEM key.
pub fn is_age_file(content: &[u8]) -> bool {
    let start = content.trim_ascii_start();
    start.starts_with(AGE_ARMOR_HEADER.as_bytes())
        || start.starts_with(AGE_BINARY_HEADER.as_bytes())
}

/// Decrypts an age file (armored or binary) with the identities; the plaintext stays in a
/// zeroizing buffer. `source_name` (a path) only names the file in errors.
pub fn decrypt(
    encrypted: &[u8],
    identities: &Identities,
    source_name: &str,
) -> Result<Zeroizing<Vec<u8>>, EscrowError> {
    if identities.is_empty() {
        return Err(EscrowError::NoIdentities);
    }
    if !is_age_file(encrypted) {
        return Err(EscrowError::NotAgeFile {
            source_name: source_name.to_owned(),
            reason: format!("expected {AGE_ARMOR_HEADER} or {AGE_BINARY_HEADER}"),
        });
    }
    let reader = ArmoredReader::new(BufReader::new(encrypted.trim_ascii_start()));
    let decryptor = age::Decryptor::new_buffered(reader)
        .map_err(|e| decrypt_error(e, source_name, identities.len()))?;
    if decryptor.is_scrypt() {
        return Err(EscrowError::Passphrase {
            source_name: source_name.to_owned(),
        });
    }
    let mut stream = decryptor
        .decrypt(
            identities
                .list
                .iter()
                .map(|i| i.as_ref() as &dyn age::Identity),
        )
        .map_err(|e| decrypt_error(e, source_name, identities.len()))?;
    // The plaintext is shorter than the file, so this buffer never reallocates (a reallocation
    // would leave an unwiped copy behind).
    let mut plaintext = Zeroizing::new(Vec::with_capacity(encrypted.len()));
    stream
        .read_to_end(&mut plaintext)
        .map_err(|e| EscrowError::Damaged {
            source_name: source_name.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(plaintext)
}

fn decrypt_error(error: age::DecryptError, source_name: &str, tried: usize) -> EscrowError {
    let source_name = source_name.to_owned();
    match error {
        age::DecryptError::NoMatchingKeys => EscrowError::NoMatchingIdentity { source_name, tried },
        // the file starts like an age file (checked before), so an unreadable header is damage
        age::DecryptError::UnknownFormat => EscrowError::Damaged {
            source_name,
            reason: "its header is unreadable".to_owned(),
        },
        other => EscrowError::Damaged {
            source_name,
            reason: other.to_string(),
        },
    }
}

#[derive(Deserialize)]
struct KindProbe {
    #[serde(default)]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct SecretList {
    #[serde(default)]
    items: Vec<Secret>,
}

/// Decrypts a backup and returns its key Secrets as they were backed up (ready to create).
/// Also reads an age-encrypted `kubectl get secret … -o yaml` (a `List`) or a YAML stream of
/// Secrets.
pub fn restore(
    encrypted: &[u8],
    identities: &Identities,
    source_name: &str,
) -> Result<Vec<Secret>, EscrowError> {
    let plaintext = decrypt(encrypted, identities, source_name)?;
    secrets_from_yaml(&plaintext, source_name)
}

fn secrets_from_yaml(plaintext: &[u8], source_name: &str) -> Result<Vec<Secret>, EscrowError> {
    let not_list = |reason: String| EscrowError::NotKeyList {
        source_name: source_name.to_owned(),
        reason,
    };
    let text = std::str::from_utf8(plaintext).map_err(|_| not_list("not UTF-8".to_owned()))?;
    // Parse errors are reduced to a position: the message could quote key material.
    let position = |e: serde_saphyr::Error| match e.location() {
        Some(at) => format!("YAML error at line {} column {}", at.line(), at.column()),
        None => "YAML error".to_owned(),
    };
    let kinds: Vec<KindProbe> =
        serde_saphyr::from_multiple(text).map_err(|e| not_list(position(e)))?;
    let lists = kinds
        .iter()
        .filter(|k| k.kind.as_deref() == Some("List"))
        .count();
    let secrets: Vec<Secret> = if lists == 0 {
        serde_saphyr::from_multiple(text).map_err(|e| not_list(position(e)))?
    } else if lists == kinds.len() {
        let lists: Vec<SecretList> =
            serde_saphyr::from_multiple(text).map_err(|e| not_list(position(e)))?;
        lists.into_iter().flat_map(|l| l.items).collect()
    } else {
        return Err(not_list(
            "it mixes List and single-object documents".to_owned(),
        ));
    };
    if let Some(other) = secrets.iter().find(|s| s.kind != "Secret") {
        return Err(not_list(format!("found kind {:?}", other.kind)));
    }
    if secrets.is_empty() {
        return Err(not_list("no Secret in it".to_owned()));
    }
    Ok(secrets)
}

/// The private keys in a backup, for `unseal --key backup.age --identity FILE`.
pub fn load_backup_keys(
    encrypted: &[u8],
    identities: &Identities,
    source_name: &str,
) -> Result<Vec<PrivateKey>, EscrowError> {
    let plaintext = decrypt(encrypted, identities, source_name)?;
    Ok(load_private_keys(&plaintext, source_name)?)
}

#[cfg(test)]
#[path = "escrow_tests.rs"]
mod tests;
