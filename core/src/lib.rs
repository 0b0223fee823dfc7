//! sealgate-core: kubeseal-compatible sealing ([`seal`]) and the manifest gate ([`gate`]).
//!
//! Two cargo features, both on by default: `seal` (the crypto, certs, keys and escrow; what the
//! controller uses) and `gate` (JSON Schema and Rego validation; implies `seal`, whose sealing
//! cert a built-in policy reads). [`manifest`] (YAML/JSON documents with positions) and [`walk`]
//! (the one directory walker) are always built. A third, off by default: `kube` (implies `seal`)
//! derives the SealedSecret custom resource (`seal::SealedSecretResource`, its CRD schema) on the
//! same model the CLI seals with; the controller enables it.
//!
//! Sealing a Secret for a cert, and opening it with the matching key:
//!
//! ```
//! # #[cfg(feature = "seal")] {
//! use sealgate_core::seal::{
//!     KeyBits, KeyGenOptions, ObjectMeta, Plaintext, SealOptions, Secret, UnsealingKeys,
//!     generate_key_pair, seal_secret, unseal,
//! };
//!
//! let pair = generate_key_pair(&KeyGenOptions { bits: KeyBits::Rsa2048, ..KeyGenOptions::default() })?;
//! let secret = Secret {
//!     metadata: ObjectMeta {
//!         name: Some("db".into()),
//!         namespace: Some("prod".into()),
//!         ..ObjectMeta::default()
//!     },
//!     string_data: [("password".to_owned(), Plaintext::from("hunter2".to_owned()))].into(),
//!     ..Secret::default()
//! };
//! let sealed = seal_secret(&pair.sealing_cert()?, &secret, &SealOptions::default())?;
//! assert!(sealed.spec.encrypted_data.contains_key("password"));
//!
//! let mut keys = UnsealingKeys::new();
//! keys.push(pair.private_key()?);
//! let opened = unseal(&keys, &sealed, None)?;
//! assert_eq!(opened.secret.data["password"].as_bytes(), b"hunter2");
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Validating manifests against the built-in Kubernetes schemas (add
//! [`gate::RegoOptions`] for policies):
//!
//! ```
//! # #[cfg(feature = "gate")] {
//! use sealgate_core::gate::{Input, SchemaOptions, Status, Validator};
//! use sealgate_core::manifest::Source;
//!
//! let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: two}\n";
//! let mut validator = Validator::new(SchemaOptions::default(), None)?;
//! let report = validator.validate(vec![Input::Read(Source::from_text("web.yaml", text))])?;
//! let result = &report.resources[0];
//! assert_eq!(result.status, Status::Invalid);
//! assert_eq!(result.findings[0].check, "schema");
//! assert_eq!(result.findings[0].subject.line, 4);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod duration;
#[cfg(feature = "gate")]
pub mod gate;
pub mod layout;
pub mod manifest;
#[cfg(feature = "seal")]
pub mod seal;
pub mod walk;
