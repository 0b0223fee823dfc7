//! kubeconform-compatible `--schema-location`: `default`, a directory in the
//! kubernetes-json-schema layout, or a file path template with Go-template variables.

use std::path::PathBuf;

use super::SchemaError;

/// One `--schema-location`, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaLocation {
    /// The built-in schemas (kubeconform's `default`, without the network).
    Builtin,
    /// A local path template; a directory `D` means `D/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json`.
    Template(String),
}

impl SchemaLocation {
    pub fn parse(raw: &str) -> Result<SchemaLocation, SchemaError> {
        if raw == "default" || raw == "builtin" {
            return Ok(SchemaLocation::Builtin);
        }
        if raw.starts_with("http://") || raw.starts_with("https://") {
            return Err(SchemaError::NetworkLocation {
                location: raw.to_owned(),
            });
        }
        let template = if raw.ends_with("json") {
            raw.to_owned()
        } else {
            format!(
                "{}/{{{{ .NormalizedKubernetesVersion }}}}-standalone{{{{ .StrictSuffix }}}}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
                raw.trim_end_matches('/')
            )
        };
        // Refuse unknown variables now, not on the first resource.
        expand(&template, "Deployment", "apps/v1", "master", true).map_err(|variable| {
            SchemaError::Template {
                location: raw.to_owned(),
                variable,
            }
        })?;
        Ok(SchemaLocation::Template(template))
    }

    /// The file this location names for a resource, if it is a file location.
    pub fn path_for(
        &self,
        kind: &str,
        api_version: &str,
        k8s_version: &str,
        strict: bool,
    ) -> Option<PathBuf> {
        // kind and apiVersion come from the input: `kind: ../../etc/x` must not name a file
        // outside the location (Kubernetes kinds are alphanumeric, versions have one `/`)
        let unsafe_part = |p: &str| p.is_empty() || p == "." || p == ".." || p.contains('\\');
        if !kind.chars().all(|c| c.is_ascii_alphanumeric())
            || api_version.split('/').count() > 2
            || api_version.split('/').any(unsafe_part)
        {
            return None;
        }
        match self {
            SchemaLocation::Builtin => None,
            SchemaLocation::Template(t) => expand(t, kind, api_version, k8s_version, strict)
                .ok()
                .map(PathBuf::from),
        }
    }
}

/// kubeconform's file name for a kind in its registry layout: `{{ .ResourceKind }}{{ .KindSuffix }}.json`.
pub(crate) fn kubeconform_file_name(kind: &str, api_version: &str) -> String {
    expand(
        "{{ .ResourceKind }}{{ .KindSuffix }}.json",
        kind,
        api_version,
        "master",
        false,
    )
    .unwrap_or_default()
}

/// kubeconform's `schemaPath`: the same variables, computed the same way.
fn expand(
    template: &str,
    kind: &str,
    api_version: &str,
    k8s_version: &str,
    strict: bool,
) -> Result<String, String> {
    let normalized = if k8s_version == "master" {
        k8s_version.to_owned()
    } else {
        format!("v{}", k8s_version.trim_start_matches('v'))
    };
    let group_parts: Vec<&str> = api_version.split('/').collect();
    let first = group_parts.first().copied().unwrap_or_default();
    let mut kind_suffix = format!(
        "-{}",
        first.split('.').next().unwrap_or_default().to_lowercase()
    );
    if let Some(version) = group_parts.get(1) {
        kind_suffix.push('-');
        kind_suffix.push_str(&version.to_lowercase());
    }
    let vars = [
        ("NormalizedKubernetesVersion", normalized),
        (
            "StrictSuffix",
            if strict {
                "-strict".to_owned()
            } else {
                String::new()
            },
        ),
        ("ResourceKind", kind.to_lowercase()),
        (
            "ResourceAPIVersion",
            group_parts.last().copied().unwrap_or_default().to_owned(),
        ),
        ("Group", first.to_owned()),
        ("KindSuffix", kind_suffix),
    ];
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err("unclosed {{".to_owned());
        };
        let name = after[..close].trim().trim_start_matches('.');
        let Some((_, value)) = vars.iter().find(|(n, _)| *n == name) else {
            return Err(name.to_owned());
        };
        out.push_str(value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconform_variables() {
        let t = "s/{{ .Group }}/{{.ResourceKind}}_{{ .ResourceAPIVersion }}{{ .KindSuffix }}{{ .StrictSuffix }}-{{ .NormalizedKubernetesVersion }}.json";
        assert_eq!(
            expand(t, "Deployment", "apps/v1", "1.35.0", true).unwrap(),
            "s/apps/deployment_v1-apps-v1-strict-v1.35.0.json"
        );
        assert_eq!(
            expand(t, "Pod", "v1", "master", false).unwrap(),
            "s/v1/pod_v1-v1-master.json"
        );
        assert_eq!(
            expand(t, "Widget", "stable.example.com/v1beta1", "master", false).unwrap(),
            "s/stable.example.com/widget_v1beta1-stable-v1beta1-master.json"
        );
    }

    #[test]
    fn directories_get_the_standalone_layout_and_urls_are_refused() {
        let SchemaLocation::Template(t) = SchemaLocation::parse("/schemas/").unwrap() else {
            panic!()
        };
        assert_eq!(
            expand(&t, "Service", "v1", "1.35.4", true).unwrap(),
            "/schemas/v1.35.4-standalone-strict/service-v1.json"
        );
        assert!(matches!(
            SchemaLocation::parse("https://x/{{ .ResourceKind }}.json"),
            Err(SchemaError::NetworkLocation { .. })
        ));
        assert!(matches!(
            SchemaLocation::parse("d/{{ .Nope }}.json"),
            Err(SchemaError::Template { .. })
        ));
        assert_eq!(
            SchemaLocation::parse("default").unwrap(),
            SchemaLocation::Builtin
        );
    }
}
