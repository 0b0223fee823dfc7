//! Numeric quantities (`cpu: 1`, `memory: 1.5`, `storage: 10`) as real manifests write them, judged
//! by `sealgate validate` and by the real API server (server-side apply, `dryRun=All`): the same
//! verdict on every object. The API server decodes a `resource.Quantity` from a JSON number as
//! well as from a string; a schema that says only `string` refused every such manifest. Objects
//! the server refuses (`cpu: abc`, `memory: true`, `memory: 1Gb`) must be refused too.

use std::error::Error;
use std::path::Path;
use std::process::Command;

use sealgate_tests::{TestNamespace, cluster, server_verdict, workspace_binary};
use serde_json::Value;

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

const TEST: &str = "cluster_numeric_quantities";

/// One file per object: its name (`refused-*` = the server must refuse it) and its text, with
/// `NS` standing for the test's namespace.
const CASES: &[(&str, &str)] = &[
    (
        "pod-numbers",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: pod-numbers, namespace: NS}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: 0.5, memory: 1.5}\n      limits: {cpu: 1, memory: 128}\n",
    ),
    (
        "pod-strings",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: pod-strings, namespace: NS}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: 500m, memory: 64Mi}\n      limits: {cpu: '1', memory: 1e9}\n",
    ),
    (
        "deployment-numbers",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deployment-numbers, namespace: NS}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          requests: {cpu: 0.3, memory: 128}\n          limits: {cpu: 2, ephemeral-storage: 1024}\n",
    ),
    (
        "pvc-numbers",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: pvc-numbers, namespace: NS}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10}\n    limits: {storage: 20}\n",
    ),
    (
        "quota-numbers",
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: quota-numbers, namespace: NS}\nspec:\n  hard: {cpu: 4, memory: 1024, pods: 10, requests.storage: 100, limits.cpu: 8.5}\n",
    ),
    (
        "limitrange-numbers",
        "apiVersion: v1\nkind: LimitRange\nmetadata: {name: limitrange-numbers, namespace: NS}\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 0.5, memory: 512}\n    defaultRequest: {cpu: 0.25, memory: 256}\n    max: {cpu: 2, memory: 4096}\n    maxLimitRequestRatio: {cpu: 4}\n",
    ),
    (
        "hpa-numbers",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: hpa-numbers, namespace: NS}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n  - type: Pods\n    pods:\n      metric: {name: requests}\n      target: {type: AverageValue, averageValue: 20}\n",
    ),
    (
        "refused-cpu-abc",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: refused-cpu-abc, namespace: NS}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: abc}\n",
    ),
    (
        "refused-memory-true",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: refused-memory-true, namespace: NS}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits: {memory: true}\n",
    ),
    (
        "refused-storage-gb",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: refused-storage-gb, namespace: NS}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 1Gb}\n",
    ),
    (
        "refused-quota-list",
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: refused-quota-list, namespace: NS}\nspec:\n  hard: {cpu: [1]}\n",
    ),
];

/// `sealgate validate -o json .` in `dir`: whether each file (by name, without `.yaml`) has an
/// error finding.
fn sealgate_verdicts(
    bin: &Path,
    dir: &Path,
) -> Result<Vec<(String, bool)>, Box<dyn Error + Send + Sync>> {
    let out = Command::new(bin)
        .current_dir(dir)
        .args(["validate", "-o", "json", "."])
        .output()?;
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "sealgate validate: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok(report["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let file = r["file"].as_str().unwrap_or_default();
            let name = file.trim_start_matches("./").trim_end_matches(".yaml");
            let refused = r["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f["severity"] == "error");
            (name.to_owned(), refused)
        })
        .collect())
}

#[tokio::test]
async fn cluster_numeric_quantities_get_the_servers_verdict() -> TestResult {
    let Some(cluster) = cluster(TEST).await? else {
        return Ok(());
    };
    let Some(bin) = workspace_binary(TEST, "sealgate")? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "quantities").await?;
    let dir = tempfile::tempdir()?;
    for (name, text) in CASES {
        std::fs::write(
            dir.path().join(format!("{name}.yaml")),
            text.replace("NS", ns.name()),
        )?;
    }
    let verdicts = sealgate_verdicts(&bin, dir.path())?;
    assert_eq!(verdicts.len(), CASES.len(), "{verdicts:?}");
    let mut disagreements = Vec::new();
    for (name, text) in CASES {
        let doc: Value = serde_saphyr::from_str(&text.replace("NS", ns.name()))?;
        let server = server_verdict(&cluster.client, &doc, TEST).await;
        let server_refuses = server.is_err();
        if server_refuses != name.starts_with("refused-") {
            disagreements.push(format!(
                "{name}: the server's verdict is not what this case was written for: {server:?}"
            ));
        }
        let sealgate_refuses = verdicts
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, refused)| *refused)
            .ok_or_else(|| format!("{name}: no result from sealgate in {verdicts:?}"))?;
        if sealgate_refuses != server_refuses {
            disagreements.push(format!(
                "{name}: sealgate {}, the server {} ({server:?})",
                if sealgate_refuses {
                    "refuses"
                } else {
                    "accepts"
                },
                if server_refuses { "refuses" } else { "accepts" },
            ));
        }
    }
    ns.delete().await?;
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    Ok(())
}
