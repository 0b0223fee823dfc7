//! One fresh namespace per test, so tests run in parallel and never see each other's objects.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{DeleteParams, ObjectMeta, PostParams};
use kube::{Api, Client, Resource};

/// Label on every namespace the tests create, to find leftovers.
pub const TEST_LABEL: &str = "sealgate.dev/test";

/// A namespace created for one test. Deleting it is explicit (`delete`); it is never waited for,
/// as namespace finalization is the namespace controller's business, not the test's.
pub struct TestNamespace {
    client: Client,
    name: String,
}

impl TestNamespace {
    /// Creates `<prefix>-<random>` (prefix reduced to a DNS label part), labelled with [`TEST_LABEL`].
    pub async fn create(client: &Client, prefix: &str) -> Result<Self, kube::Error> {
        let name = unique_name(prefix);
        let ns = Namespace {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                labels: Some(BTreeMap::from([(
                    TEST_LABEL.to_owned(),
                    prefix_label(prefix),
                )])),
                ..ObjectMeta::default()
            },
            ..Namespace::default()
        };
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &ns)
            .await?;
        Ok(Self {
            client: client.clone(),
            name,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The client the namespace was created with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// An API handle for namespaced resources of kind `K` in this namespace.
    pub fn api<K>(&self) -> Api<K>
    where
        K: Resource<Scope = NamespaceResourceScope>,
        <K as Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &self.name)
    }

    /// Starts deleting the namespace (background propagation) and returns at once.
    pub async fn delete(self) -> Result<(), kube::Error> {
        Api::<Namespace>::all(self.client)
            .delete(&self.name, &DeleteParams::background())
            .await
            .map(|_| ())
    }
}

fn prefix_label(prefix: &str) -> String {
    let cleaned: String = prefix
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "t".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `sg-<prefix>-<8 hex>`: random per process (RandomState is seeded per process) and per call.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("sg-{}-{:08x}", prefix_label(prefix), hasher.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dns_labels_and_distinct() {
        let a = unique_name("Owner_Ref GC!");
        let b = unique_name("Owner_Ref GC!");
        assert_ne!(a, b);
        assert!(a.starts_with("sg-owner-ref-gc-"), "{a}");
        assert!(a.len() <= 63, "{a}");
        assert!(
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{a}"
        );
        assert_eq!(prefix_label("---"), "t");
    }
}
