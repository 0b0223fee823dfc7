//! Tamper detection and repair against the real control plane: a Secret whose data, item set or
//! type was changed behind the controller's back is rewritten from its SealedSecret within
//! seconds (Event `SecretRepaired` with item names and the field manager, never values; metric
//! `sealgate_secrets_repaired_total`), while nothing changes no RSA operation happens, the
//! controller's own writes and unmanaged Secrets are left alone, and two replicas repair once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use kube::api::{DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::{Api, Client};
use sealgate_controller::run::Running;
use sealgate_core::seal::{DATA_DIGEST_ANNOTATION, GeneratedKeyPair, Scope};
use sealgate_tests::{DEFAULT_WAIT, eventually};

use crate::controller_support::{
    BoxError, Setup, add_key_secret, create, metric, pause, sealed, secret_data, setup,
    start_controller, update, wait_event, wait_metric, wait_secret_data, wait_synced,
};

type TestResult = Result<(), BoxError>;

const PLANTED: &str = "planted-by-an-intruder-7f3a";

fn counter(controller: &Running, name: &str) -> f64 {
    metric(&controller.shared.metrics.encode(), name).unwrap_or(-1.0)
}

fn rsa(controller: &Running) -> f64 {
    counter(controller, "sealgate_rsa_operations_total")
}

fn repaired(controller: &Running) -> f64 {
    counter(controller, "sealgate_secrets_repaired_total")
}

fn reconciles(controller: &Running) -> f64 {
    counter(
        controller,
        "sealed_secrets_controller_unseal_requests_total",
    )
}

/// A JSON merge patch of the Secret by another field manager, as `kubectl edit` would do.
async fn edit(client: &Client, ns: &str, name: &str, patch: serde_json::Value) -> TestResult {
    let params = PatchParams {
        field_manager: Some("tamper-test".to_owned()),
        ..PatchParams::default()
    };
    Api::<Secret>::namespaced(client.clone(), ns)
        .patch(name, &params, &Patch::Merge(&patch))
        .await?;
    Ok(())
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Events with `reason` about `name`, each counted with its series (repeats of one Event).
async fn event_count(client: &Client, ns: &str, name: &str, reason: &str) -> Result<i32, BoxError> {
    let events = Api::<Event>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await?;
    Ok(events
        .items
        .iter()
        .filter(|e| {
            e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name)
                && e.reason.as_deref() == Some(reason)
        })
        .map(|e| e.series.as_ref().map_or(1, |s| s.count))
        .sum())
}

/// The Secret `name` deleted and created again by someone else with the same annotations
/// (so it still looks like ours), `change` applied, while no controller runs.
async fn recreate(
    client: &Client,
    ns: &str,
    name: &str,
    change: impl FnOnce(&mut Secret),
) -> TestResult {
    let api = Api::<Secret>::namespaced(client.clone(), ns);
    let old = api.get(name).await?;
    api.delete(name, &DeleteParams::default()).await?;
    eventually("the Secret to be gone", DEFAULT_WAIT, || async {
        match api.get_opt(name).await {
            Ok(None) => Ok(()),
            other => Err(format!("still there: {:?}", other.map(|s| s.is_some()))),
        }
    })
    .await?;
    let mut next = Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            annotations: old.metadata.annotations.clone(),
            labels: old.metadata.labels.clone(),
            owner_references: old.metadata.owner_references.clone(),
            ..ObjectMeta::default()
        },
        type_: old.type_.clone(),
        data: old.data.clone(),
        ..Secret::default()
    };
    change(&mut next);
    let params = PostParams {
        field_manager: Some("tamper-test".to_owned()),
        ..PostParams::default()
    };
    api.create(&params, &next).await?;
    Ok(())
}

/// Waits for a `SecretRepaired` Event whose note contains `needle`.
async fn wait_repair_note(client: &Client, ns: &str, needle: &str) -> TestResult {
    eventually(
        &format!("a SecretRepaired Event naming {needle}"),
        DEFAULT_WAIT,
        || async {
            let events = Api::<Event>::namespaced(client.clone(), ns)
                .list(&ListParams::default())
                .await
                .map_err(|e| e.to_string())?;
            events
                .items
                .iter()
                .find(|e| {
                    e.reason.as_deref() == Some("SecretRepaired")
                        && e.note.as_deref().is_some_and(|t| t.contains(needle))
                })
                .map(|_| ())
                .ok_or_else(|| format!("no SecretRepaired naming {needle}"))
        },
    )
    .await?;
    Ok(())
}

async fn sealed_two_items(
    client: &Client,
    pair: &GeneratedKeyPair,
    ns: &str,
    name: &str,
) -> TestResult {
    create(
        client,
        &sealed(
            pair,
            ns,
            name,
            Scope::Strict,
            ns,
            &[("a", "value-a"), ("b", "value-b")],
            serde_json::json!({"metadata": {"labels": {"app": "demo"}}}),
        )?,
    )
    .await?;
    wait_secret_data(client, ns, name, &[("a", "value-a"), ("b", "value-b")]).await?;
    wait_synced(client, ns, name, "True").await?;
    Ok(())
}

#[tokio::test]
async fn an_edited_secret_is_repaired_within_seconds_and_reported_by_item_name() -> TestResult {
    let test = "an_edited_secret_is_repaired_within_seconds";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "repair-edit").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keyrepair").await?;
    // A long resync: only the watch can notice the edits within the test's time.
    let controller = start_controller(&kubeconfig, &n, &["--resync-period=10m"]).await?;
    sealed_two_items(&client, &pair, &n, "app").await?;
    let secret = Api::<Secret>::namespaced(client.clone(), &n)
        .get("app")
        .await?;
    let digest = secret
        .metadata
        .annotations
        .unwrap_or_default()
        .get(DATA_DIGEST_ANNOTATION)
        .cloned()
        .unwrap_or_default();
    assert!(digest.starts_with("hmac-sha256:"), "{digest}");
    assert!(!digest.contains(&b64("value-a")) && !digest.contains("value-a"));

    // Nothing changes: no RSA operation, no repair.
    let cold = rsa(&controller);
    assert_eq!(cold, 2.0);
    pause(3000).await;
    assert_eq!((rsa(&controller), repaired(&controller)), (2.0, 0.0));

    // One value changed, annotations kept.
    let started = Instant::now();
    edit(
        &client,
        &n,
        "app",
        serde_json::json!({"data": {"a": b64(PLANTED)}}),
    )
    .await?;
    wait_secret_data(&client, &n, "app", &[("a", "value-a"), ("b", "value-b")]).await?;
    let took = started.elapsed();
    eprintln!("value edit repaired after {took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    let note = wait_event(&client, &n, "app", "SecretRepaired").await?;
    assert!(
        note.contains("a (changed)") && note.contains("\"tamper-test\""),
        "{note}"
    );
    assert!(
        !note.contains(PLANTED) && !note.contains("value-"),
        "{note}"
    );
    wait_metric(&controller, "sealgate_secrets_repaired_total", 1.0).await?;
    assert_eq!(rsa(&controller), 4.0, "one RSA operation per item, once");

    // One item deleted.
    let started = Instant::now();
    edit(&client, &n, "app", serde_json::json!({"data": {"b": null}})).await?;
    wait_secret_data(&client, &n, "app", &[("a", "value-a"), ("b", "value-b")]).await?;
    eprintln!("item deletion repaired after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(10));
    wait_metric(&controller, "sealgate_secrets_repaired_total", 2.0).await?;
    wait_repair_note(&client, &n, "b (deleted)").await?;

    // An item added.
    edit(
        &client,
        &n,
        "app",
        serde_json::json!({"data": {"extra": b64(PLANTED)}}),
    )
    .await?;
    wait_secret_data(&client, &n, "app", &[("a", "value-a"), ("b", "value-b")]).await?;
    wait_metric(&controller, "sealgate_secrets_repaired_total", 3.0).await?;
    // Every repair re-writes from the SealedSecret: one RSA operation per item, per repair.
    assert_eq!(rsa(&controller), 8.0, "2 cold + 3 repairs of 2 items");

    // Quiet again: our own repairs do not come back as repairs, and cost nothing more.
    pause(3000).await;
    assert_eq!((rsa(&controller), repaired(&controller)), (8.0, 3.0));
    // One reconcile for the create and one per edit: the watch events of the controller's own
    // writes (however fast they overtake the write's response) start none.
    assert_eq!(reconciles(&controller), 4.0);

    // The type changed (Secret re-created by someone else while no controller ran): the next
    // controller notices at start and re-creates it with the SealedSecret's type.
    controller.stop().await;
    recreate(&client, &n, "app", |s| {
        s.type_ = Some("example.com/tampered".to_owned());
    })
    .await?;
    let restarted = start_controller(&kubeconfig, &n, &["--resync-period=10m"]).await?;
    let started = Instant::now();
    let secret = eventually("the type put back", DEFAULT_WAIT, || async {
        let secret = Api::<Secret>::namespaced(client.clone(), &n)
            .get("app")
            .await
            .map_err(|e| e.to_string())?;
        match secret.type_.as_deref() {
            Some("Opaque") => Ok(secret),
            other => Err(format!("type {other:?}")),
        }
    })
    .await?;
    eprintln!("type change repaired {:?} after start", started.elapsed());
    assert_eq!(
        secret_data(&secret),
        BTreeMap::from([
            ("a".to_owned(), "value-a".to_owned()),
            ("b".to_owned(), "value-b".to_owned())
        ])
    );
    wait_metric(&restarted, "sealgate_secrets_repaired_total", 1.0).await?;
    wait_repair_note(&client, &n, "type").await?;
    // The start-up list of Secrets and the delete + create of the repair start no reconcile.
    pause(2000).await;
    assert_eq!(reconciles(&restarted), 1.0);
    restarted.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn own_writes_unmanaged_secrets_and_quiet_resyncs_never_repair() -> TestResult {
    let test = "own_writes_unmanaged_secrets_and_quiet_resyncs_never_repair";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "repair-quiet").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keyquiet").await?;
    // An unmanaged Secret: exists before its SealedSecret, no annotation lets us take it over.
    let secrets = Api::<Secret>::namespaced(client.clone(), &n);
    secrets
        .create(
            &PostParams::default(),
            &Secret {
                metadata: ObjectMeta {
                    name: Some("theirs".to_owned()),
                    ..ObjectMeta::default()
                },
                data: Some(BTreeMap::from([(
                    "a".to_owned(),
                    ByteString(b"their-value".to_vec()),
                )])),
                ..Secret::default()
            },
        )
        .await?;
    // Resync every 2 s: the periodic data checks run several times during the test.
    let controller = start_controller(&kubeconfig, &n, &["--resync-period=2s"]).await?;
    sealed_two_items(&client, &pair, &n, "ours").await?;
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "theirs",
            Scope::Strict,
            &n,
            &[("a", "sealed-value")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    let message = wait_synced(&client, &n, "theirs", "False").await?;
    assert!(message.contains("not managed"), "{message}");

    // The controller's own write (a new generation) is no repair.
    update(
        &client,
        &sealed(
            &pair,
            &n,
            "ours",
            Scope::Strict,
            &n,
            &[("a", "value-a2"), ("b", "value-b")],
            serde_json::json!({"metadata": {"labels": {"app": "demo"}}}),
        )?,
    )
    .await?;
    wait_secret_data(&client, &n, "ours", &[("a", "value-a2"), ("b", "value-b")]).await?;
    let after_update = rsa(&controller);
    assert_eq!(after_update, 4.0, "two items, unsealed twice");

    // The unmanaged Secret edited by its owner: left alone.
    edit(
        &client,
        &n,
        "theirs",
        serde_json::json!({"data": {"a": b64("their-new")}}),
    )
    .await?;

    // Several resyncs (data checks by GET) later: no RSA operation, no repair, nothing rewritten.
    let hits_before = metric(
        &controller.shared.metrics.encode(),
        "sealgate_fast_path_hits_total",
    )
    .unwrap_or(0.0);
    pause(7000).await;
    let text = controller.shared.metrics.encode();
    assert_eq!(
        metric(&text, "sealgate_rsa_operations_total"),
        Some(after_update)
    );
    assert_eq!(metric(&text, "sealgate_secrets_repaired_total"), Some(0.0));
    assert!(
        metric(&text, "sealgate_fast_path_hits_total").unwrap_or(0.0) >= hits_before + 3.0,
        "resyncs checked the Secret: {text}"
    );
    assert_eq!(event_count(&client, &n, "ours", "SecretRepaired").await?, 0);
    assert_eq!(
        event_count(&client, &n, "theirs", "SecretRepaired").await?,
        0
    );
    let theirs = secrets.get("theirs").await?;
    assert_eq!(
        secret_data(&theirs),
        BTreeMap::from([("a".to_owned(), "their-new".to_owned())])
    );
    // Upstream's Unsealed Event after every successful reconcile (a series of repeats).
    assert!(event_count(&client, &n, "ours", "Unsealed").await? >= 3);
    // sealgate_drift: the unmanaged one is not synced, nothing is tampered.
    wait_metric(&controller, "sealgate_drift{state=\"not-synced\"}", 1.0).await?;
    wait_metric(&controller, "sealgate_drift{state=\"tampered\"}", 0.0).await?;
    controller.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn a_tampered_secret_that_cannot_be_rewritten_shows_in_the_drift_gauge() -> TestResult {
    let test = "a_tampered_secret_that_cannot_be_rewritten_shows_in_the_drift_gauge";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "repair-stuck").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keystuck").await?;
    let controller = start_controller(&kubeconfig, &n, &[]).await?;
    sealed_two_items(&client, &pair, &n, "app").await?;
    controller.stop().await;
    // Re-created with a planted value and made immutable: it can be found, not rewritten.
    recreate(&client, &n, "app", |s| {
        s.immutable = Some(true);
        if let Some(data) = s.data.as_mut() {
            data.insert("a".to_owned(), ByteString(PLANTED.as_bytes().to_vec()));
        }
    })
    .await?;
    let restarted = start_controller(&kubeconfig, &n, &[]).await?;
    wait_metric(&restarted, "sealgate_drift{state=\"tampered\"}", 1.0).await?;
    let note = wait_event(&client, &n, "app", "ErrUpdateFailed").await?;
    assert!(!note.contains(PLANTED), "{note}");
    assert_eq!(repaired(&restarted), 0.0);
    // Deleting the Secret lets the controller put it back: the gauge clears.
    Api::<Secret>::namespaced(client.clone(), &n)
        .delete("app", &DeleteParams::default())
        .await?;
    wait_secret_data(&client, &n, "app", &[("a", "value-a"), ("b", "value-b")]).await?;
    wait_metric(&restarted, "sealgate_drift{state=\"tampered\"}", 0.0).await?;
    restarted.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn two_replicas_repair_once() -> TestResult {
    let test = "two_replicas_repair_once";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "repair-ha").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keyha").await?;
    let flags = [
        "--leader-elect=true",
        "--lease-duration=4s",
        "--resync-period=10m",
    ];
    let a = start_controller(&kubeconfig, &n, &flags).await?;
    let b = start_controller(&kubeconfig, &n, &flags).await?;
    eventually("a leader", DEFAULT_WAIT, || async {
        let leaders = [&a, &b]
            .iter()
            .filter(|c| *c.shared.is_leader.borrow())
            .count();
        if leaders == 1 {
            Ok(())
        } else {
            Err(format!("{leaders} leaders"))
        }
    })
    .await?;
    sealed_two_items(&client, &pair, &n, "app").await?;
    edit(
        &client,
        &n,
        "app",
        serde_json::json!({"data": {"a": b64(PLANTED)}}),
    )
    .await?;
    wait_secret_data(&client, &n, "app", &[("a", "value-a"), ("b", "value-b")]).await?;
    wait_event(&client, &n, "app", "SecretRepaired").await?;
    pause(3000).await;
    assert_eq!(
        repaired(&a) + repaired(&b),
        1.0,
        "one repair in all: a {} b {}",
        repaired(&a),
        repaired(&b)
    );
    assert_eq!(event_count(&client, &n, "app", "SecretRepaired").await?, 1);
    assert_eq!(rsa(&a) + rsa(&b), 4.0, "unsealed once, repaired once");
    a.stop().await;
    b.stop().await;
    ns.delete().await?;
    Ok(())
}
