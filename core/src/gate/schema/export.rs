//! The built-in Kubernetes schemas written out in kubeconform's registry layout, so kubeconform
//! (or any tool reading yannh/kubernetes-json-schema) can run offline on exactly our schemas.
//!
//! Layout: `<dir>/v<patch>-standalone[-strict]/<kind><KindSuffix>.json`, the file name being
//! kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`: `pod-v1.json`,
//! `deployment-apps-v1.json`, `customresourcedefinition-apiextensions-v1.json`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{SchemaError, SchemaOptions, SchemaSet, location};

/// One folder of the layout: its name and its files (name → schema), sorted by file name.
#[derive(Debug)]
pub struct ExportedFolder {
    /// `v1.36.3-standalone` or `v1.36.3-standalone-strict`.
    pub name: String,
    /// The Kubernetes version, as `1.36.3` (what kubeconform's `-kubernetes-version` takes).
    pub kubernetes_version: &'static str,
    pub files: BTreeMap<String, Value>,
}

/// Every built-in kind of one Kubernetes version, normal or strict, as kubeconform files.
/// Two kinds that would share a file name (kubeconform keeps only the group's first label)
/// are an error rather than a silently overwritten schema.
pub fn kubeconform_folder(
    kubernetes_version: Option<&str>,
    strict: bool,
) -> Result<ExportedFolder, SchemaError> {
    let set = SchemaSet::new(SchemaOptions {
        kubernetes_version: kubernetes_version.map(str::to_owned),
        strict,
        ..SchemaOptions::default()
    })?;
    let patch = set.kubernetes_version();
    let mut files = BTreeMap::new();
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for (api_version, kind) in set.builtin_kinds()? {
        let Some(schema) = set.builtin_schema(&api_version, &kind)? else {
            continue;
        };
        let name = location::kubeconform_file_name(&kind, &api_version);
        if let Some(previous) = owners.insert(name.clone(), format!("{api_version} {kind}")) {
            return Err(SchemaError::ExportCollision {
                file: name,
                first: previous,
                second: format!("{api_version} {kind}"),
            });
        }
        files.insert(name, schema);
    }
    let name = format!("v{patch}-standalone{}", if strict { "-strict" } else { "" });
    Ok(ExportedFolder {
        name,
        kubernetes_version: patch,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_kubeconform_and_schemas_match_the_builtin_ones() {
        let folder = kubeconform_folder(Some("1.35"), true).unwrap();
        assert_eq!(folder.name, "v1.35.4-standalone-strict");
        assert_eq!(folder.kubernetes_version, "1.35.4");
        for name in [
            "pod-v1.json",
            "deployment-apps-v1.json",
            "customresourcedefinition-apiextensions-v1.json",
            "event-events-v1.json",
            "event-v1.json",
        ] {
            assert!(folder.files.contains_key(name), "{name} missing");
        }
        let set = SchemaSet::new(SchemaOptions {
            kubernetes_version: Some("1.35".into()),
            strict: true,
            ..SchemaOptions::default()
        })
        .unwrap();
        assert_eq!(
            folder.files.get("deployment-apps-v1.json"),
            set.builtin_schema("apps/v1", "Deployment")
                .unwrap()
                .as_ref()
        );
        assert_eq!(folder.files.len(), set.builtin_kinds().unwrap().len());
        let normal = kubeconform_folder(Some("1.35"), false).unwrap();
        assert_eq!(normal.name, "v1.35.4-standalone");
        assert_ne!(
            normal.files.get("pod-v1.json"),
            folder.files.get("pod-v1.json")
        );
    }
}
