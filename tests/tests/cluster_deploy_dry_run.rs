//! deploy/base as the API server sees it: rendered by kustomize, CRD applied, everything else
//! server-side applied with dryRun=All, plus the invariants the controller's HA and security rely on.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::discovery::{Scope, pinned_kind};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client};
use sealgate_tests::{cluster, peer_tool};
use serde_json::Value;

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

const FIELD_MANAGER: &str = "sealgate-deploy-test";
const CONTROLLER_NS: &str = "kube-system";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `kustomize build DIR`, parsed into one JSON value per document.
fn render(kustomize: &Path, dir: &Path) -> Result<Vec<Value>, Box<dyn Error + Send + Sync>> {
    let out = Command::new(kustomize).arg("build").arg(dir).output()?;
    if !out.status.success() {
        return Err(format!(
            "kustomize build {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    let text = String::from_utf8(out.stdout)?;
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text)?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

fn kind(doc: &Value) -> &str {
    doc["kind"].as_str().unwrap_or_default()
}

fn name(doc: &Value) -> &str {
    doc["metadata"]["name"].as_str().unwrap_or_default()
}

fn label(doc: &Value) -> String {
    format!("{}/{}", kind(doc), name(doc))
}

/// The one document of `kind` (named `name` when given), or an error naming what is missing.
fn find<'a>(docs: &'a [Value], k: &str, n: Option<&str>) -> Result<&'a Value, String> {
    let mut hits = docs
        .iter()
        .filter(|d| kind(d) == k && n.is_none_or(|n| name(d) == n));
    let first = hits
        .next()
        .ok_or_else(|| format!("deploy/base renders no {k} {}", n.unwrap_or("")))?;
    if hits.next().is_some() {
        return Err(format!(
            "deploy/base renders more than one {k} {}",
            n.unwrap_or("")
        ));
    }
    Ok(first)
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// True when every `matchLabels` pair is among `labels` (the selectors here use no expressions).
fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    let wanted = string_map(&selector["matchLabels"]);
    selector.get("matchExpressions").is_none()
        && !wanted.is_empty()
        && wanted.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether some rule of a Role/ClusterRole grants every verb in `verbs` on `group`/`resource`.
fn grants(role: &Value, group: &str, resource: &str, verbs: &[&str]) -> bool {
    verbs.iter().all(|verb| {
        role["rules"].as_array().into_iter().flatten().any(|rule| {
            strings(&rule["apiGroups"]).contains(&group)
                && strings(&rule["resources"]).contains(&resource)
                && strings(&rule["verbs"])
                    .iter()
                    .any(|v| v == verb || *v == "*")
        })
    })
}

/// A copy of the repo's deploy/base in `tmp/base` (overlays must name their base by a relative
/// path); until the generated CRD is committed, upstream's CRD from the Go module cache stands in.
fn base_dir(tmp: &Path) -> Result<PathBuf, Box<dyn Error + Send + Sync>> {
    let base = repo_root().join("deploy/base");
    let copy = tmp.join("base");
    std::fs::create_dir_all(&copy)?;
    for entry in std::fs::read_dir(&base)? {
        let entry = entry?;
        std::fs::copy(entry.path(), copy.join(entry.file_name()))?;
    }
    if base.join("crd.yaml").is_file() {
        return Ok(copy);
    }
    let gomodcache = Command::new("go").args(["env", "GOMODCACHE"]).output()?;
    let upstream = PathBuf::from(String::from_utf8(gomodcache.stdout)?.trim())
        .join("github.com/bitnami-labs/sealed-secrets@v0.40.0/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml");
    if !upstream.is_file() {
        return Err(format!(
            "deploy/base/crd.yaml is not generated yet and {} is missing",
            upstream.display()
        )
        .into());
    }
    eprintln!(
        "NOTE: deploy/base/crd.yaml is not generated yet: using upstream's CRD {}",
        upstream.display()
    );
    std::fs::copy(upstream, copy.join("crd.yaml"))?;
    Ok(copy)
}

/// Server-side apply of one rendered document; `dry_run` asks for dryRun=All.
async fn apply(client: &Client, doc: &Value, dry_run: bool) -> Result<(), String> {
    let (group, version) = match doc["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .split_once('/')
    {
        Some((g, v)) => (g.to_owned(), v.to_owned()),
        None => (
            String::new(),
            doc["apiVersion"].as_str().unwrap_or_default().to_owned(),
        ),
    };
    let gvk = GroupVersionKind::gvk(&group, &version, kind(doc));
    let (resource, caps) = pinned_kind(client, &gvk)
        .await
        .map_err(|e| format!("{}: not served: {e}", label(doc)))?;
    let api: Api<DynamicObject> = match (caps.scope, doc["metadata"]["namespace"].as_str()) {
        (Scope::Namespaced, Some(ns)) => Api::namespaced_with(client.clone(), ns, &resource),
        (Scope::Namespaced, None) => {
            return Err(format!(
                "{}: namespaced but rendered without a namespace",
                label(doc)
            ));
        }
        (Scope::Cluster, _) => Api::all_with(client.clone(), &resource),
    };
    let mut params = PatchParams::apply(FIELD_MANAGER).force();
    if dry_run {
        params = params.dry_run();
    }
    api.patch(name(doc), &params, &Patch::Apply(doc))
        .await
        .map(drop)
        .map_err(|e| format!("{}: rejected: {e}", label(doc)))
}

/// Every document of deploy/base is accepted by a real API server: the CRD for real, the rest
/// as a server-side apply with dryRun=All (schema, defaulting, validation and admission all run).
#[tokio::test]
async fn deploy_base_passes_server_side_dry_run() -> TestResult {
    let test = "deploy_base_passes_server_side_dry_run";
    let Some(cluster) = cluster(test).await? else {
        return Ok(());
    };
    let Some(kustomize) = peer_tool(test, "kustomize")? else {
        return Ok(());
    };
    let tmp = tempfile::tempdir()?;
    let docs = render(&kustomize, &base_dir(tmp.path())?)?;
    let crd = find(
        &docs,
        "CustomResourceDefinition",
        Some("sealedsecrets.bitnami.com"),
    )?;

    apply(&cluster.client, crd, false).await?;
    let crds: Api<CustomResourceDefinition> = Api::all(cluster.client.clone());
    tokio::time::timeout(
        Duration::from_secs(60),
        await_condition(
            crds,
            "sealedsecrets.bitnami.com",
            conditions::is_crd_established(),
        ),
    )
    .await??;

    let mut rejected = Vec::new();
    let mut accepted = Vec::new();
    for doc in docs
        .iter()
        .filter(|d| kind(d) != "CustomResourceDefinition")
    {
        match apply(&cluster.client, doc, true).await {
            Ok(()) => accepted.push(label(doc)),
            Err(e) => rejected.push(e),
        }
    }
    if !rejected.is_empty() {
        return Err(format!(
            "the API server rejected {} document(s):\n  {}",
            rejected.len(),
            rejected.join("\n  ")
        )
        .into());
    }
    // The documents the rest of this file reasons about were really sent.
    for expected in [
        "Deployment/sealed-secrets-controller",
        "Service/sealed-secrets-controller",
        "PodDisruptionBudget/sealed-secrets-controller",
    ] {
        if !accepted.iter().any(|a| a == expected) {
            return Err(
                format!("{expected} was not among the dry-run documents: {accepted:?}").into(),
            );
        }
    }
    Ok(())
}

/// Without a cluster: the rendered objects keep the properties HA and hardening depend on.
#[test]
fn deploy_base_invariants() -> TestResult {
    let test = "deploy_base_invariants";
    let Some(kustomize) = peer_tool(test, "kustomize")? else {
        return Ok(());
    };
    let tmp = tempfile::tempdir()?;
    let docs = render(&kustomize, &base_dir(tmp.path())?)?;

    for doc in &docs {
        let scoped = !matches!(
            kind(doc),
            "CustomResourceDefinition" | "ClusterRole" | "ClusterRoleBinding"
        );
        if scoped && doc["metadata"]["namespace"].as_str() != Some(CONTROLLER_NS) {
            return Err(format!("{} is not in {CONTROLLER_NS}", label(doc)).into());
        }
    }

    let deployment = find(&docs, "Deployment", Some("sealed-secrets-controller"))?;
    let spec = &deployment["spec"];
    assert_eq!(
        spec["replicas"], 2,
        "two replicas: one leader, one warm standby"
    );
    let pod_labels = string_map(&spec["template"]["metadata"]["labels"]);
    assert!(
        selects(&spec["selector"], &pod_labels),
        "the Deployment selects its own pods"
    );
    let pdb = find(
        &docs,
        "PodDisruptionBudget",
        Some("sealed-secrets-controller"),
    )?;
    assert_eq!(pdb["spec"]["minAvailable"], 1);
    assert!(
        selects(&pdb["spec"]["selector"], &pod_labels),
        "the PDB selects the Deployment's pods: {pdb}"
    );
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], "sealed-secrets-controller");
    assert_ne!(
        pod["automountServiceAccountToken"], false,
        "the controller needs its API token"
    );
    let spread = pod["topologySpreadConstraints"]
        .as_array()
        .ok_or("no topologySpreadConstraints")?;
    assert!(
        spread
            .iter()
            .any(|c| c["topologyKey"] == "kubernetes.io/hostname"
                && selects(&c["labelSelector"], &pod_labels)),
        "replicas are spread over nodes"
    );

    let pod_sc = &pod["securityContext"];
    let containers = pod["containers"].as_array().ok_or("no containers")?;
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    let sc = &c["securityContext"];
    // container-level settings win over pod-level ones
    let eff = |field: &str| {
        if sc[field].is_null() {
            pod_sc[field].clone()
        } else {
            sc[field].clone()
        }
    };
    assert_eq!(eff("runAsNonRoot"), true);
    assert_eq!(eff("runAsUser"), 1001);
    assert_eq!(eff("seccompProfile")["type"], "RuntimeDefault");
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    assert_eq!(strings(&sc["capabilities"]["drop"]), ["ALL"]);
    assert!(
        sc["capabilities"]["add"].is_null(),
        "no capability added back"
    );
    assert!(!c["resources"]["requests"].is_null() && !c["resources"]["limits"]["memory"].is_null());
    let env: BTreeMap<String, String> = c["env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_owned(),
                e["valueFrom"]["fieldRef"]["fieldPath"].as_str()?.to_owned(),
            ))
        })
        .collect();
    assert_eq!(
        env.get("POD_NAMESPACE").map(String::as_str),
        Some("metadata.namespace")
    );
    assert_eq!(
        env.get("POD_NAME").map(String::as_str),
        Some("metadata.name")
    );
    let ports: BTreeMap<String, i64> = c["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p["containerPort"].as_i64()?)))
        .collect();
    assert_eq!(ports.get("http"), Some(&8080));
    assert_eq!(ports.get("metrics"), Some(&8081));
    // liveness as soon as the listener is up; readiness once keys and watches are (upstream v0.40)
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        assert_eq!(c[probe]["httpGet"]["path"], path, "{probe}");
        assert_eq!(c[probe]["httpGet"]["port"], "http", "{probe}");
    }

    // kubeseal and `sealgate cert --fetch` proxy to the FIRST port of this Service by name.
    let service = find(&docs, "Service", Some("sealed-secrets-controller"))?;
    let service_selector = string_map(&service["spec"]["selector"]);
    assert!(
        !service_selector.is_empty()
            && service_selector
                .iter()
                .all(|(k, v)| pod_labels.get(k) == Some(v)),
        "the Service selects the pods"
    );
    assert_eq!(service["spec"]["ports"][0]["name"], "http");
    assert_eq!(service["spec"]["ports"][0]["port"], 8080);
    assert!(
        service["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["port"] == 8081)
    );

    let cluster_role = find(&docs, "ClusterRole", Some("secrets-unsealer"))?;
    assert!(grants(
        cluster_role,
        "bitnami.com",
        "sealedsecrets",
        &["get", "list", "watch"]
    ));
    assert!(grants(
        cluster_role,
        "bitnami.com",
        "sealedsecrets/status",
        &["update", "patch"]
    ));
    assert!(grants(
        cluster_role,
        "",
        "secrets",
        &[
            "get", "list", "watch", "create", "update", "patch", "delete"
        ]
    ));
    assert!(grants(cluster_role, "", "events", &["create", "patch"]));
    assert!(grants(
        cluster_role,
        "events.k8s.io",
        "events",
        &["create", "patch"]
    ));
    assert!(
        !grants(cluster_role, "", "secrets", &["deletecollection"])
            && !grants(cluster_role, "*", "*", &["get"])
    );
    let key_role = find(&docs, "Role", Some("sealed-secrets-key-admin"))?;
    assert!(
        grants(
            key_role,
            "coordination.k8s.io",
            "leases",
            &["get", "create", "update"]
        ),
        "leader election needs leases"
    );
    assert!(grants(key_role, "", "secrets", &["create", "list"]));
    assert!(grants(
        key_role,
        "",
        "configmaps",
        &["get", "create", "update"]
    ));

    // Each binding gives its role to the controller's ServiceAccount in the controller namespace;
    // the service proxier goes to every authenticated user, as upstream.
    for (binding_kind, binding, role) in [
        (
            "ClusterRoleBinding",
            "sealed-secrets-controller",
            "secrets-unsealer",
        ),
        (
            "RoleBinding",
            "sealed-secrets-controller",
            "sealed-secrets-key-admin",
        ),
    ] {
        let b = find(&docs, binding_kind, Some(binding))?;
        assert_eq!(b["roleRef"]["name"], role);
        let subjects = b["subjects"].as_array().ok_or("no subjects")?;
        assert!(
            subjects.iter().any(|s| s["kind"] == "ServiceAccount"
                && s["name"] == "sealed-secrets-controller"
                && s["namespace"] == CONTROLLER_NS),
            "{binding_kind}/{binding}: {subjects:?}"
        );
    }
    let proxier = find(&docs, "RoleBinding", Some("sealed-secrets-service-proxier"))?;
    assert_eq!(proxier["subjects"][0]["name"], "system:authenticated");
    let proxier_role = find(&docs, "Role", Some("sealed-secrets-service-proxier"))?;
    assert!(grants(
        proxier_role,
        "",
        "services/proxy",
        &["get", "create"]
    ));
    assert!(
        !grants(proxier_role, "", "secrets", &["get"]),
        "authenticated users read no Secret"
    );

    Ok(())
}

/// The namespace is changed the way deploy/README.md says: an overlay with `namespace:` moves
/// every namespaced object and the ServiceAccount subjects of the bindings.
#[test]
fn deploy_overlay_moves_everything_to_another_namespace() -> TestResult {
    let test = "deploy_overlay_moves_everything_to_another_namespace";
    let Some(kustomize) = peer_tool(test, "kustomize")? else {
        return Ok(());
    };
    let tmp = tempfile::tempdir()?;
    base_dir(tmp.path())?;
    let overlay = tmp.path().join("overlay");
    std::fs::create_dir_all(&overlay)?;
    std::fs::write(
        overlay.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: sealed-secrets\nresources:\n  - ../base\n",
    )?;
    let docs = render(&kustomize, &overlay)?;
    let mut subjects = 0;
    for doc in &docs {
        let scoped = !matches!(
            kind(doc),
            "CustomResourceDefinition" | "ClusterRole" | "ClusterRoleBinding"
        );
        if scoped && doc["metadata"]["namespace"] != "sealed-secrets" {
            return Err(
                format!("{} stayed in {}", label(doc), doc["metadata"]["namespace"]).into(),
            );
        }
        for s in doc["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["kind"] == "ServiceAccount")
        {
            subjects += 1;
            if s["namespace"] != "sealed-secrets" {
                return Err(format!(
                    "{}: subject {s} still points at the old namespace",
                    label(doc)
                )
                .into());
            }
        }
    }
    assert_eq!(subjects, 2, "both controller bindings were checked");
    Ok(())
}

#[test]
fn dockerfile_builds_only_the_controller_as_non_root() -> TestResult {
    let text = std::fs::read_to_string(repo_root().join("deploy/Dockerfile"))?;
    let run_stage = text.rsplit("\nFROM ").next().ok_or("no FROM")?;
    assert!(
        text.contains("cargo build --release --locked -p sealgate-controller"),
        "release build of the controller, lockfile enforced"
    );
    assert!(
        run_stage.contains("USER 1001"),
        "runtime stage runs as uid 1001"
    );
    assert_eq!(
        run_stage.matches("COPY").count(),
        1,
        "only the binary is copied into the runtime image"
    );
    // `COPY . .` from the repository root: without these exclusions the context is the target dir.
    let ignored = std::fs::read_to_string(repo_root().join(".dockerignore"))?;
    for excluded in ["target/", ".git/"] {
        assert!(
            ignored.lines().any(|l| l.trim() == excluded),
            ".dockerignore must exclude {excluded}"
        );
    }
    Ok(())
}
