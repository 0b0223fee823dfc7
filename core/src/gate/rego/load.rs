//! Finding policy material on disk: `.rego` modules, YAML/JSON data files and Gatekeeper objects.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::builtin;
use super::error::RegoError;
use crate::walk;

/// Where `--policy` points: a file or folder on disk, or the policies shipped in the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    /// A `.rego` file, or a folder searched recursively for `.rego` files and Gatekeeper YAML.
    Path(PathBuf),
    /// `builtin` (every shipped policy) or `builtin:NAME`.
    Builtin(Option<String>),
}

impl PolicySource {
    /// Reads a `--policy` value: `builtin`, `builtin:NAME`, or a path.
    pub fn parse(value: &str) -> Self {
        if value == "builtin" {
            Self::Builtin(None)
        } else if let Some(name) = value.strip_prefix("builtin:") {
            Self::Builtin(Some(name.to_string()))
        } else {
            Self::Path(PathBuf::from(value))
        }
    }
}

/// One Rego module with the name errors and coverage refer to.
#[derive(Debug, Clone)]
pub(crate) struct RegoFile {
    pub path: String,
    pub text: String,
    /// Shipped policies are always Rego v1, whatever `--rego-version` says about the user's.
    pub builtin: bool,
}

/// One YAML/JSON document found next to policies (a ConstraintTemplate or Constraint, typically).
#[derive(Debug, Clone)]
pub(crate) struct PolicyObject {
    pub file: String,
    pub value: Value,
}

/// Everything the `--policy` arguments name.
#[derive(Debug, Default)]
pub(crate) struct PolicyMaterial {
    pub rego: Vec<RegoFile>,
    pub objects: Vec<PolicyObject>,
}

pub(crate) fn collect(sources: &[PolicySource]) -> Result<PolicyMaterial, RegoError> {
    let mut material = PolicyMaterial::default();
    for source in sources {
        match source {
            PolicySource::Builtin(name) => {
                for policy in builtin::select(name.as_deref())? {
                    material.rego.push(RegoFile {
                        path: format!("builtin:{}/policy.rego", policy.name),
                        text: policy.rego.to_string(),
                        builtin: true,
                    });
                }
            }
            PolicySource::Path(path) => {
                let before = material.rego.len() + material.objects.len();
                let wanted = [walk::POLICY_EXTENSIONS, walk::MANIFEST_EXTENSIONS].concat();
                for file in files(path, &wanted)? {
                    let name = file.to_string_lossy().into_owned();
                    if walk::has_extension(&file, walk::POLICY_EXTENSIONS) {
                        let text = read(&file)?;
                        material.rego.push(RegoFile {
                            path: name,
                            text,
                            builtin: false,
                        });
                    } else {
                        // Only Gatekeeper objects are policy; other YAML (test fixtures, data) is skipped.
                        let text = read(&file)?;
                        if let Ok(docs) = parse_yaml_stream(&text) {
                            for value in docs {
                                if super::gatekeeper::is_policy_object(&value) {
                                    material.objects.push(PolicyObject {
                                        file: name.clone(),
                                        value,
                                    });
                                }
                            }
                        }
                    }
                }
                if material.rego.len() + material.objects.len() == before {
                    return Err(RegoError::NoPolicies { path: path.clone() });
                }
            }
        }
    }
    super::nesting::reject_deep_nesting(&material)?;
    super::recursion::reject_recursion(&material)?;
    Ok(material)
}

/// Merges `--data` files (YAML/JSON, folders walked) into one object, like conftest's `-d`.
pub(crate) fn collect_data(paths: &[PathBuf]) -> Result<Vec<(String, Value)>, RegoError> {
    let mut out = Vec::new();
    for path in paths {
        for file in files(path, walk::MANIFEST_EXTENSIONS)? {
            let name = file.to_string_lossy().into_owned();
            let text = read(&file)?;
            let docs = parse_yaml_stream(&text).map_err(|message| RegoError::Data {
                path: name.clone(),
                message,
            })?;
            for doc in docs {
                out.push((name.clone(), doc));
            }
        }
    }
    Ok(out)
}

/// Multi-document YAML (JSON is YAML) into JSON values; empty documents are dropped.
pub(crate) fn parse_yaml_stream(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(text).map_err(|e| crate::manifest::redact::yaml_error(&e))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

pub(crate) fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn read(path: &Path) -> Result<String, RegoError> {
    std::fs::read_to_string(path).map_err(|e| RegoError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The files under `path` with one of `extensions`, by the project's one walking rule.
pub(crate) fn files(path: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>, RegoError> {
    walk::files(path, extensions).map_err(|e| RegoError::Read {
        path: e.path,
        reason: e.source.to_string(),
    })
}

/// What conftest's file builtins may read: the policy folders (searched for relative paths), the
/// `--data` paths and the `--allow-file-access` folders.
pub(crate) fn file_access(
    files: &[RegoFile],
    data: &[PathBuf],
    allow_file_access: &[PathBuf],
) -> super::conftest_builtins::FileAccess {
    let extra: Vec<PathBuf> = data.iter().chain(allow_file_access).cloned().collect();
    super::conftest_builtins::FileAccess::new(policy_dirs(files), &extra)
}

/// Folders of the user's policy files, in load order (where conftest's file builtins look).
pub(crate) fn policy_dirs(files: &[RegoFile]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for f in files.iter().filter(|f| !f.builtin) {
        let dir = Path::new(&f.path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}
