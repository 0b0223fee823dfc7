//! Kubernetes object shapes: `v1` Secret and the metadata it shares with SealedSecrets (unknown
//! fields kept). The SealedSecret model is in `sealed_secret.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::plaintext::Plaintext;

/// The parts of `ObjectMeta` sealing reads or writes; everything else stays in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `v1` Secret. `data` holds decoded bytes (base64 only on the wire); `stringData` is kept
/// apart because the apiserver merges it over `data` and so does sealing.
///
/// `Debug` is hand-written and shows item names only, never values.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    #[serde(default = "v1")]
    pub api_version: String,
    #[serde(default = "secret_kind")]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "base64_map"
    )]
    pub data: BTreeMap<String, Plaintext>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "text_map")]
    pub string_data: BTreeMap<String, Plaintext>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("metadata", &self.metadata)
            .field("type", &self.type_)
            .field("immutable", &self.immutable)
            .field("data_keys", &self.data.keys().collect::<Vec<_>>())
            .field(
                "string_data_keys",
                &self.string_data.keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Secret {
    /// `data` with `stringData` merged over it (stringData wins on the same key, as the
    /// apiserver does on write).
    pub fn merged_data(&self) -> BTreeMap<String, Plaintext> {
        let mut merged = self.data.clone();
        for (key, value) in &self.string_data {
            merged.insert(key.clone(), value.clone());
        }
        merged
    }
}

impl Default for Secret {
    fn default() -> Self {
        Self {
            api_version: v1(),
            kind: secret_kind(),
            metadata: ObjectMeta::default(),
            type_: None,
            immutable: None,
            data: BTreeMap::new(),
            string_data: BTreeMap::new(),
            extra: Map::new(),
        }
    }
}

fn v1() -> String {
    "v1".to_owned()
}

fn secret_kind() -> String {
    "Secret".to_owned()
}

/// Encoded plaintext on its way into a serializer: wiped once written.
struct WipedText(zeroize::Zeroizing<String>);

impl Serialize for WipedText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// `data` and `stringData`: item name → plaintext maps that differ on the wire only in how one
/// value is written (base64 or text) and read back. Kubernetes accepts `key: null` (and `key:`
/// with no value) as an empty item in both.
mod plaintext_map {
    use std::collections::BTreeMap;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};
    use zeroize::Zeroizing;

    use super::{Plaintext, WipedText};

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<String, Plaintext>,
        serializer: S,
        encode: fn(&[u8]) -> String,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            map.iter()
                .map(|(k, v)| (k, WipedText(Zeroizing::new(encode(v.as_bytes()))))),
        )
    }

    /// `decode` gets each value in a buffer that is wiped afterwards; its error names the item.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
        decode: fn(&str, Zeroizing<String>) -> Result<Plaintext, String>,
    ) -> Result<BTreeMap<String, Plaintext>, D::Error> {
        let raw = Option::<BTreeMap<String, Option<String>>>::deserialize(deserializer)?
            .unwrap_or_default();
        let mut out = BTreeMap::new();
        for (key, value) in raw {
            let value = decode(&key, Zeroizing::new(value.unwrap_or_default()))
                .map_err(D::Error::custom)?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// `data` values are base64 on the wire and bytes in memory.
mod base64_map {
    use std::collections::BTreeMap;

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserializer, Serializer};
    use zeroize::Zeroizing;

    use super::{Plaintext, plaintext_map};

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<String, Plaintext>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        plaintext_map::serialize(map, serializer, |bytes| STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, Plaintext>, D::Error> {
        plaintext_map::deserialize(deserializer, decode)
    }

    fn decode(key: &str, text: Zeroizing<String>) -> Result<Plaintext, String> {
        STANDARD
            .decode(text.trim())
            .map(Plaintext::new)
            .map_err(|_| format!("data[{key:?}] is not valid base64"))
    }
}

/// `stringData` values are UTF-8 text on the wire.
mod text_map {
    use std::collections::BTreeMap;

    use serde::{Deserializer, Serializer};
    use zeroize::Zeroizing;

    use super::{Plaintext, plaintext_map};

    pub fn serialize<S: Serializer>(
        map: &BTreeMap<String, Plaintext>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        plaintext_map::serialize(map, serializer, |bytes| {
            String::from_utf8_lossy(bytes).into_owned()
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, Plaintext>, D::Error> {
        plaintext_map::deserialize(deserializer, decode)
    }

    /// The text's own buffer becomes the plaintext (moved, not copied).
    fn decode(_key: &str, mut text: Zeroizing<String>) -> Result<Plaintext, String> {
        Ok(Plaintext::from(std::mem::take(&mut *text)))
    }
}
