//! kubeseal-compatible sealing: scopes, the hybrid value format, certs, keys and the SealedSecret
//! model (with feature `kube`, also the custom resource the controller watches).

mod cert;
#[cfg(feature = "kube")]
mod crd_schema;
mod digest;
pub mod escrow;
mod fingerprint;
mod hybrid;
mod key_source;
mod keygen;
mod keys;
mod plaintext;
mod scope;
mod sealed_for;
mod sealed_secret;
mod sealer;
pub mod template;
mod types;
mod unsealer;

pub use cert::{CertError, SealingCert};
pub use digest::{
    CONTROLLER_FIELD_MANAGER, DATA_DIGEST_ANNOTATION, SEALED_DIGEST_ANNOTATION, sealed_digest,
};
pub use hybrid::{HybridError, decode_base64, encode_base64};
pub use key_source::{KeySourceError, load_private_keys};
pub use keygen::{GeneratedKeyPair, KeyBits, KeyGenError, KeyGenOptions, generate_key_pair};
pub use keys::{KeyError, OpenError, Opened, PrivateKey, UnsealingKeys};
pub use plaintext::Plaintext;
pub use scope::{CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, Scope, ScopeError};
pub use sealed_for::{SEALED_FOR_ANNOTATION, block_bytes_for, mark_sealed_for, rsa_block_bytes};
#[cfg(feature = "kube")]
pub use sealed_secret::SealedSecretResource;
pub use sealed_secret::{
    SEALED_SECRET_API_VERSION, SEALED_SECRET_KIND, SealedSecret, SealedSecretCondition,
    SealedSecretSpec, SealedSecretStatus, SecretTemplateSpec,
};
pub use sealer::{
    SealError, SealOptions, reencrypt, reencrypt_item, seal_item_for, seal_raw, seal_secret,
    set_item,
};
pub use types::{ObjectMeta, Secret};
pub use unsealer::{UnsealError, Unsealed, unseal, unseal_raw};
