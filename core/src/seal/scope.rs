//! Sealing scope: which SealedSecret identities may decrypt a value, encoded as the OAEP label.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Top-level annotation that makes a SealedSecret cluster-wide (wins over namespace-wide).
pub const CLUSTER_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/cluster-wide";
/// Top-level annotation that makes a SealedSecret namespace-wide.
pub const NAMESPACE_WIDE_ANNOTATION: &str = "sealedsecrets.bitnami.com/namespace-wide";

/// Where a sealed value may be unsealed. Upstream enum order: strict 0, namespace-wide 1,
/// cluster-wide 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Only a SealedSecret with the same namespace and name (`"<namespace>/<name>"` label).
    #[default]
    Strict,
    /// Any name within the same namespace (`"<namespace>"` label).
    NamespaceWide,
    /// Any namespace and name (empty label).
    ClusterWide,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScopeError {
    #[error("unknown scope {value:?}: use strict, namespace-wide or cluster-wide")]
    Unknown { value: String },
}

impl Scope {
    /// The OAEP label bytes, exactly as upstream's `EncryptionLabel` builds them (note the `/`:
    /// upstream's prose docs omit it, its code and tests use it).
    pub fn label(self, namespace: &str, name: &str) -> Vec<u8> {
        match self {
            Scope::Strict => format!("{namespace}/{name}").into_bytes(),
            Scope::NamespaceWide => namespace.as_bytes().to_vec(),
            Scope::ClusterWide => Vec::new(),
        }
    }

    /// Scope from a metadata annotation map: the value must be exactly `"true"`, and cluster-wide
    /// wins when both are set (upstream behaviour).
    pub fn from_annotations(annotations: &BTreeMap<String, String>) -> Scope {
        let is_true = |key: &str| annotations.get(key).is_some_and(|v| v == "true");
        if is_true(CLUSTER_WIDE_ANNOTATION) {
            Scope::ClusterWide
        } else if is_true(NAMESPACE_WIDE_ANNOTATION) {
            Scope::NamespaceWide
        } else {
            Scope::Strict
        }
    }

    /// The annotation that selects this scope, if any (strict has none).
    pub fn annotation(self) -> Option<&'static str> {
        match self {
            Scope::Strict => None,
            Scope::NamespaceWide => Some(NAMESPACE_WIDE_ANNOTATION),
            Scope::ClusterWide => Some(CLUSTER_WIDE_ANNOTATION),
        }
    }

    /// Sets this scope's annotation to `"true"` and removes the other scope annotation, so the
    /// map selects exactly this scope afterwards.
    pub fn apply_to(self, annotations: &mut BTreeMap<String, String>) {
        annotations.remove(CLUSTER_WIDE_ANNOTATION);
        annotations.remove(NAMESPACE_WIDE_ANNOTATION);
        if let Some(key) = self.annotation() {
            annotations.insert(key.to_owned(), "true".to_owned());
        }
    }

    /// Whether a namespace is needed to build the label.
    pub fn needs_namespace(self) -> bool {
        !matches!(self, Scope::ClusterWide)
    }

    /// Whether a name is needed to build the label.
    pub fn needs_name(self) -> bool {
        matches!(self, Scope::Strict)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Strict => "strict",
            Scope::NamespaceWide => "namespace-wide",
            Scope::ClusterWide => "cluster-wide",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "strict" => Ok(Scope::Strict),
            "namespace-wide" => Ok(Scope::NamespaceWide),
            "cluster-wide" => Ok(Scope::ClusterWide),
            other => Err(ScopeError::Unknown {
                value: other.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_upstream_test_encryption_label() {
        // Upstream's TestEncryptionLabel pins exactly these three.
        assert_eq!(Scope::Strict.label("myns", "myname"), b"myns/myname");
        assert_eq!(Scope::NamespaceWide.label("myns", "myname"), b"myns");
        assert_eq!(Scope::ClusterWide.label("myns", "myname"), b"");
    }

    #[test]
    fn annotations_select_scope_and_cluster_wide_wins() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(Scope::from_annotations(&map(&[])), Scope::Strict);
        assert_eq!(
            Scope::from_annotations(&map(&[(NAMESPACE_WIDE_ANNOTATION, "true")])),
            Scope::NamespaceWide
        );
        assert_eq!(
            Scope::from_annotations(&map(&[
                (NAMESPACE_WIDE_ANNOTATION, "true"),
                (CLUSTER_WIDE_ANNOTATION, "true")
            ])),
            Scope::ClusterWide
        );
        // Only the exact string "true" counts.
        assert_eq!(
            Scope::from_annotations(&map(&[(CLUSTER_WIDE_ANNOTATION, "True")])),
            Scope::Strict
        );
        let mut annotations = map(&[(CLUSTER_WIDE_ANNOTATION, "true"), ("other", "x")]);
        Scope::NamespaceWide.apply_to(&mut annotations);
        assert_eq!(Scope::from_annotations(&annotations), Scope::NamespaceWide);
        assert_eq!(annotations.len(), 2);
    }

    #[test]
    fn parses_flag_values() {
        for scope in [Scope::Strict, Scope::NamespaceWide, Scope::ClusterWide] {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
        let err = "namespace".parse::<Scope>().unwrap_err();
        assert!(
            err.to_string()
                .contains("strict, namespace-wide or cluster-wide")
        );
    }
}
