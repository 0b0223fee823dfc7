//! The policies shipped inside the binary (`--policy builtin[:NAME]`) and their data-driven cases.

use super::error::RegoError;

/// A shipped policy: its Rego (v1, package `sealgate.<name_with_underscores>`) and its case file.
#[derive(Debug)]
pub struct BuiltinPolicy {
    pub name: &'static str,
    pub rego: &'static str,
    /// `cases.yaml`: inputs with the exact deny/warn messages they must produce.
    pub cases: &'static str,
}

macro_rules! builtin {
    ($name:literal) => {
        BuiltinPolicy {
            name: $name,
            rego: include_str!(concat!("../../../../policies/", $name, "/policy.rego")),
            cases: include_str!(concat!("../../../../policies/", $name, "/cases.yaml")),
        }
    };
}

static POLICIES: [BuiltinPolicy; 5] = [
    builtin!("no-plaintext-secrets"),
    builtin!("sealedsecret-sanity"),
    builtin!("pinned-image-tags"),
    builtin!("resource-requests-limits"),
    builtin!("no-privileged-containers"),
];

/// Every shipped policy, in a stable order.
pub fn builtin_policies() -> &'static [BuiltinPolicy] {
    &POLICIES
}

impl BuiltinPolicy {
    /// `data.sealgate.<package>` of this policy.
    pub fn package(&self) -> String {
        format!("sealgate.{}", self.name.replace('-', "_"))
    }
}

pub(crate) fn select(name: Option<&str>) -> Result<Vec<&'static BuiltinPolicy>, RegoError> {
    match name {
        None => Ok(POLICIES.iter().collect()),
        Some(n) => POLICIES
            .iter()
            .find(|p| p.name == n)
            .map(|p| vec![p])
            .ok_or_else(|| RegoError::UnknownBuiltin {
                name: n.to_string(),
                available: POLICIES
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}
