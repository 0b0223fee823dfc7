//! What sealgate-controller watches and what it says, against the real control plane:
//! `--additional-namespaces` and `--label-selector` (upstream flags) pick exactly the
//! SealedSecrets they name, each is reconciled once (its own status and Secret writes do not
//! come back as reconciles), `sealgate_items_per_key` counts items per key — and the real binary,
//! at trace level and through a rate-limited API client, keeps secret values out of its logs,
//! the status and the Events.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::controller_support::{
    BoxError, add_key_secret, create, install_crd, metric, pause, sealed, start_controller,
    wait_metric, wait_secret_data, wait_synced,
};
use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use kube::Api;
use kube::api::{ListParams, Patch, PatchParams};
use sealgate_controller::crd::SealedSecretResource;
use sealgate_core::seal::Scope;
use sealgate_tests::{TestNamespace, cluster, workspace_binary};

type TestResult = Result<(), BoxError>;

fn labelled(mut ss: SealedSecretResource, team: &str) -> SealedSecretResource {
    ss.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert("team".to_owned(), team.to_owned());
    ss
}

#[tokio::test]
async fn controller_watches_additional_namespaces_by_label_and_reconciles_each_once() -> TestResult
{
    let test = "controller_watches_additional_namespaces_by_label_and_reconciles_each_once";
    let Some(cluster) = cluster(test).await? else {
        return Ok(());
    };
    let client = cluster.client.clone();
    install_crd(&client).await?;
    let home = TestNamespace::create(&client, "ctrl-watch-home").await?;
    let extra = TestNamespace::create(&client, "ctrl-watch-extra").await?;
    let outside = TestNamespace::create(&client, "ctrl-watch-out").await?;
    let (h, e, o) = (
        home.name().to_owned(),
        extra.name().to_owned(),
        outside.name().to_owned(),
    );
    let pair = add_key_secret(&client, &h, "sealed-secrets-keywatch").await?;
    let fingerprint = pair.sealing_cert()?.fingerprint().to_owned();
    // A long resync, so every reconcile counted below comes from a watch event.
    let controller = start_controller(
        &cluster.kubeconfig,
        &h,
        &[
            &format!("--additional-namespaces={e}"),
            "--label-selector=team=x",
            "--resync-period=10m",
        ],
    )
    .await?;
    wait_metric(&controller, "sealgate_leader", 1.0).await?;

    let make = |ns: &str, name: &str, team: &str| -> Result<SealedSecretResource, BoxError> {
        Ok(labelled(
            sealed(
                &pair,
                ns,
                name,
                Scope::Strict,
                ns,
                &[("a", name), ("b", "2")],
                serde_json::json!({}),
            )?,
            team,
        ))
    };
    create(&client, &make(&h, "picked", "x")?).await?;
    create(&client, &make(&h, "unlabelled", "y")?).await?;
    create(&client, &make(&e, "extra", "x")?).await?;
    create(&client, &make(&o, "outside", "x")?).await?;
    wait_secret_data(&client, &h, "picked", &[("a", "picked"), ("b", "2")]).await?;
    wait_secret_data(&client, &e, "extra", &[("a", "extra"), ("b", "2")]).await?;
    wait_synced(&client, &h, "picked", "True").await?;
    wait_synced(&client, &e, "extra", "True").await?;
    // Long enough for a status write or the created Secret to come back as a watch event.
    pause(3000).await;
    for (ns, name) in [(&h, "unlabelled"), (&o, "outside")] {
        let secret = Api::<Secret>::namespaced(client.clone(), ns)
            .get_opt(name)
            .await?;
        assert!(
            secret.is_none(),
            "{ns}/{name} is not selected and must not be unsealed"
        );
        let ss = Api::<SealedSecretResource>::namespaced(client.clone(), ns)
            .get(name)
            .await?;
        assert!(
            ss.status.is_none(),
            "{ns}/{name} must not get a status from this controller"
        );
    }
    let text = controller.shared.metrics.encode();
    assert_eq!(
        metric(&text, "sealed_secrets_controller_unseal_requests_total"),
        Some(2.0),
        "one reconcile each:\n{text}"
    );
    assert_eq!(
        metric(&text, "sealgate_rsa_operations_total"),
        Some(4.0),
        "{text}"
    );
    let per_key = format!("sealgate_items_per_key{{fingerprint=\"{fingerprint}\"}}");
    assert_eq!(metric(&text, &per_key), Some(4.0), "{text}");

    // A label change is a change that matters: the SealedSecret is now selected.
    Api::<SealedSecretResource>::namespaced(client.clone(), &h)
        .patch(
            "unlabelled",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"metadata": {"labels": {"team": "x"}}})),
        )
        .await?;
    wait_secret_data(
        &client,
        &h,
        "unlabelled",
        &[("a", "unlabelled"), ("b", "2")],
    )
    .await?;
    wait_metric(&controller, &per_key, 6.0).await?;
    // A deleted SealedSecret no longer counts for its key.
    Api::<SealedSecretResource>::namespaced(client.clone(), &e)
        .delete("extra", &Default::default())
        .await?;
    wait_metric(&controller, &per_key, 4.0).await?;
    controller.stop().await;
    for ns in [home, extra, outside] {
        ns.delete().await?;
    }
    Ok(())
}

/// Every form a value could leak in: as is, and base64 (as in Secret data and API bodies).
fn leak_forms(values: &[&str]) -> Vec<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    values
        .iter()
        .flat_map(|v| {
            [
                (*v).to_owned(),
                engine.encode(v),
                engine.encode(v).trim_end_matches('=').to_owned(),
            ]
        })
        .collect()
}

#[tokio::test]
async fn controller_binary_keeps_secret_values_out_of_logs_status_and_events() -> TestResult {
    let test = "controller_binary_keeps_secret_values_out_of_logs_status_and_events";
    let Some(cluster) = cluster(test).await? else {
        return Ok(());
    };
    let Some(binary) = workspace_binary(test, "sealgate-controller")? else {
        return Ok(());
    };
    let client = cluster.client.clone();
    install_crd(&client).await?;
    let ns = TestNamespace::create(&client, "ctrl-noleak").await?;
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keyleak").await?;
    let values = ["pw-7f3c9a1e-never-logged", "tok-52d8b06c-never-logged"];

    let log_file = tempfile::Builder::new()
        .prefix(&format!("sealgate-noleak-{n}-"))
        .suffix(".log")
        .tempfile()?;
    let log_path = log_file.path().to_owned();
    let log = log_file.reopen()?;
    let mut child = Command::new(&binary)
        .args(["--kubeconfig".as_ref(), cluster.kubeconfig.as_os_str()])
        .args(["--namespace", &n, "--all-namespaces=false", "--leader-elect=false", "--log-level=trace", "--log-format=json"])
        .args(["--listen-addr=127.0.0.1:0", "--listen-metrics-addr=127.0.0.1:0", "--resync-period=5s", "--max-retry-backoff=2s"])
        // Upstream's client rate limit, so the rate-limited client stack is exercised end to end.
        .args(["--kubeclient-qps=100", "--kubeclient-burst=20"])
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()?;

    let outcome = async {
        // Unsealed, with a rendered template; a template error that involves the values; an
        // item sealed for another namespace (decryption fails after the RSA step).
        let good = serde_json::json!({"data": {"dsn": "{{ .user }}:{{ .pass }}"}});
        create(
            &client,
            &sealed(
                &pair,
                &n,
                "good",
                Scope::Strict,
                &n,
                &[("user", values[0]), ("pass", values[1])],
                good,
            )?,
        )
        .await?;
        let bad_template = serde_json::json!({"data": {"x": "{{ .pass | nosuchfunction .user }}"}});
        create(
            &client,
            &sealed(
                &pair,
                &n,
                "template",
                Scope::Strict,
                &n,
                &[("user", values[0]), ("pass", values[1])],
                bad_template,
            )?,
        )
        .await?;
        create(
            &client,
            &sealed(
                &pair,
                &n,
                "moved",
                Scope::Strict,
                "elsewhere",
                &[("pass", values[1])],
                serde_json::json!({}),
            )?,
        )
        .await?;
        let dsn = format!("{}:{}", values[0], values[1]);
        wait_secret_data(
            &client,
            &n,
            "good",
            &[("user", values[0]), ("pass", values[1]), ("dsn", &dsn)],
        )
        .await?;
        let mut said = vec![
            wait_synced(&client, &n, "template", "False").await?,
            wait_synced(&client, &n, "moved", "False").await?,
        ];
        assert!(
            said[0].contains("nosuchfunction"),
            "the status names the construct: {}",
            said[0]
        );
        // A few retries' worth of logs and Events.
        pause(4000).await;
        for event in Api::<Event>::namespaced(client.clone(), &n)
            .list(&ListParams::default())
            .await?
            .items
        {
            said.extend(event.note);
        }
        for ss in Api::<SealedSecretResource>::namespaced(client.clone(), &n)
            .list(&ListParams::default())
            .await?
            .items
        {
            said.push(serde_json::to_string(&ss.status)?);
        }
        Ok::<_, BoxError>(said)
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    let mut logs = String::new();
    std::fs::File::open(&log_path)?.read_to_string(&mut logs)?;
    log_file.close()?;
    let said = outcome?;

    assert!(
        logs.contains("unsealed"),
        "the log shows the controller worked: {} bytes",
        logs.len()
    );
    assert!(
        logs.contains("\"level\":\"TRACE\""),
        "the log is at trace level, the most talkative"
    );
    for form in leak_forms(&values) {
        // Report where, never the surrounding text: it could hold more of the value.
        let line = logs.lines().position(|l| l.contains(&form));
        assert!(
            line.is_none(),
            "a secret value (in some encoding) is in log line {line:?}"
        );
        assert!(
            !said.iter().any(|s| s.contains(&form)),
            "a secret value is in a status message or an Event note"
        );
    }
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn controller_refuses_a_malformed_label_selector_at_start() -> TestResult {
    let test = "controller_refuses_a_malformed_label_selector_at_start";
    let Some(cluster) = cluster(test).await? else {
        return Ok(());
    };
    install_crd(&cluster.client).await?;
    let ns = TestNamespace::create(&cluster.client, "ctrl-badsel").await?;
    let started = tokio::time::timeout(
        Duration::from_secs(60),
        start_controller(
            &cluster.kubeconfig,
            ns.name(),
            &["--label-selector=team in (x"],
        ),
    )
    .await?;
    let Err(error) = started else {
        return Err("a malformed --label-selector must stop the start".into());
    };
    let message = error.to_string();
    assert!(
        message.starts_with("--label-selector is not a valid label selector"),
        "{message}"
    );
    ns.delete().await?;
    Ok(())
}
