//! Reading OPA's capabilities file: what it grants, checked as OPA's decoder checks it.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::super::error::RegoError;

/// Largest capabilities file read: OPA v1.22.3's own (`opa capabilities --current`) has 174 KB.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// What a capabilities file grants: builtin names and language features.
#[derive(Debug, Clone)]
pub(crate) struct Capabilities {
    pub(super) path: PathBuf,
    pub(super) builtins: BTreeSet<String>,
    features: BTreeSet<String>,
}

impl Capabilities {
    /// Reads a capabilities file; any problem is one [`RegoError::CapabilitiesFile`].
    pub(crate) fn read(path: &Path) -> Result<Self, RegoError> {
        let problem = |message: String| RegoError::CapabilitiesFile {
            path: path.to_path_buf(),
            message,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| problem(io_reason(&e)))?;
        if text.len() as u64 > MAX_BYTES {
            return Err(problem(format!(
                "over {} MiB, more than a capabilities file holds",
                MAX_BYTES >> 20
            )));
        }
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| problem(format!("not JSON: {e}")))?;
        Self::from_value(path, &value).map_err(problem)
    }

    /// The file's JSON as OPA's `ast.Capabilities` decodes it: unknown fields are ignored, the
    /// known ones must have their type (`null` is none); `future_keywords` and `allow_net` are
    /// only checked. A builtin is taken by its name; its `decl` is not read (conftest v0.71.1,
    /// on OPA v1.21.1, crashes on a builtin without one: a file for both needs them).
    fn from_value(path: &Path, value: &serde_json::Value) -> Result<Self, String> {
        let object = value
            .as_object()
            .ok_or("not OPA's capabilities JSON: a JSON object expected")?;
        let strings = |field: &str| -> Result<Vec<String>, String> {
            let items = match object.get(field) {
                None | Some(serde_json::Value::Null) => return Ok(Vec::new()),
                Some(v) => v
                    .as_array()
                    .ok_or_else(|| format!("{field}: a list of strings expected"))?,
            };
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{field}[{i}]: a string expected"))
                })
                .collect()
        };
        let features = strings("features")?.into_iter().collect();
        strings("future_keywords")?;
        strings("allow_net")?;
        let mut builtins = BTreeSet::new();
        let declared = match object.get("builtins") {
            None | Some(serde_json::Value::Null) => &Vec::new(),
            Some(v) => v
                .as_array()
                .ok_or("builtins: a list of builtin declarations expected")?,
        };
        for (i, builtin) in declared.iter().enumerate() {
            let name = match builtin.as_object().map(|b| b.get("name")) {
                Some(None | Some(serde_json::Value::Null)) => "",
                Some(Some(serde_json::Value::String(name))) => name,
                Some(Some(_)) => return Err(format!("builtins[{i}].name: a string expected")),
                None => {
                    return Err(format!(
                        "builtins[{i}]: a builtin declaration ({{\"name\": …}}) expected"
                    ));
                }
            };
            builtins.insert(name.to_owned());
        }
        Ok(Self {
            path: path.to_path_buf(),
            builtins,
            features,
        })
    }

    /// Capabilities from JSON text (unit tests).
    #[cfg(test)]
    pub(crate) fn from_json(text: &str) -> Self {
        let value = serde_json::from_str(text).expect("capabilities JSON");
        Self::from_value(Path::new("caps.json"), &value).expect("capabilities")
    }

    pub(super) fn has_feature(&self, any_of: &[&str]) -> bool {
        any_of.iter().any(|f| self.features.contains(*f))
    }
}

/// An I/O error without the "(os error N)" noise.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_owned(),
        _ => {
            let text = e.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_is_one_error() {
        let dir = std::env::temp_dir().join(format!("sealgate-caps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text, want) in [
            (
                "empty.json",
                "",
                "not JSON: EOF while parsing a value at line 1 column 0",
            ),
            (
                "list.json",
                "[]",
                "not OPA's capabilities JSON: a JSON object expected",
            ),
            (
                "names.json",
                r#"{"builtins": [{"name": "count"}, {"name": 1}]}"#,
                "builtins[1].name: a string expected",
            ),
            (
                "features.json",
                r#"{"features": "rego_v1"}"#,
                "features: a list of strings expected",
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            let err = Capabilities::read(&path).unwrap_err().to_string();
            assert!(err.contains(want), "{name}: {err}");
            assert!(err.starts_with("capabilities file "), "{err}");
        }
        let err = Capabilities::read(&dir.join("missing.json"))
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("missing.json: no such file"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
