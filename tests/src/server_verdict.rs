//! The API server's verdict on one manifest object: a server-side apply with `dryRun=All`, the
//! oracle the gate's verdicts are compared with.

use kube::Client;
use kube::api::{Api, DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::discovery::{Scope, pinned_kind};
use serde_json::Value;

/// `Ok` when the server accepts `doc` (nothing is stored), `Err` with why not (not served, no
/// name, or the server's refusal). A namespaced object without a namespace goes to `default`.
pub async fn server_verdict(
    client: &Client,
    doc: &Value,
    field_manager: &str,
) -> Result<(), String> {
    let text = |pointer: &str| {
        doc.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let api_version = text("/apiVersion");
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, text("/kind"));
    let (resource, caps) = pinned_kind(client, &gvk)
        .await
        .map_err(|e| format!("not served: {e}"))?;
    let name = text("/metadata/name");
    if name.is_empty() {
        return Err("no metadata.name".to_owned());
    }
    let api: Api<DynamicObject> = match caps.scope {
        Scope::Namespaced => {
            let ns = text("/metadata/namespace");
            Api::namespaced_with(
                client.clone(),
                if ns.is_empty() { "default" } else { ns },
                &resource,
            )
        }
        Scope::Cluster => Api::all_with(client.clone(), &resource),
    };
    let params = PatchParams::apply(field_manager).force().dry_run();
    api.patch(name, &params, &Patch::Apply(doc))
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}
