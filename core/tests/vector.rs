//! The vector file format both vector suites share (`vectors/`, `template_vectors/`): a
//! SealedSecret made by the real kubeseal, the key that opens it, and what kubeseal got from it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealgate_core::seal::{PrivateKey, SealedSecret, Unsealed, UnsealingKeys};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// One `<name>.vector.json`. `Suite` holds the fields only one suite has; `Error` is how that
/// suite states an expected failure.
#[derive(Deserialize)]
pub struct Vector<Suite, Error> {
    pub description: String,
    /// File name of the private key, next to the vector.
    pub key: String,
    pub sealed: SealedSecret,
    pub expect: Expect<Error>,
    #[serde(flatten)]
    pub suite: Suite,
}

/// kubeseal's outcome: the unsealed items (base64), or an error (an absent field is `None`).
#[derive(Deserialize)]
pub struct Expect<Error> {
    pub data: Option<BTreeMap<String, String>>,
    pub error: Option<Error>,
}

/// A folder of this package's `tests/`.
pub fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// `<dir>/<name>.vector.json`.
pub fn load<T: DeserializeOwned>(dir: &Path, name: &str) -> T {
    let path = dir.join(format!("{name}.vector.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names (file stems) of every vector in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name())
        .filter_map(|name| {
            name.to_str()
                .and_then(|n| n.strip_suffix(".vector.json"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// The vector's key (a file in `dir`) as the only unsealing key.
pub fn keys<S, E>(dir: &Path, vector: &Vector<S, E>) -> UnsealingKeys {
    let pem = std::fs::read(dir.join(&vector.key)).expect("read key");
    std::iter::once(PrivateKey::from_pem(&pem).expect("parse key")).collect()
}

/// The unsealed items as a vector states them: base64 of each value.
pub fn data_base64(unsealed: &Unsealed) -> BTreeMap<String, String> {
    unsealed
        .secret
        .data
        .iter()
        .map(|(k, v)| (k.clone(), STANDARD.encode(v.as_bytes())))
        .collect()
}
