//! sealgate-controller against the real control plane: unsealing in every scope (including
//! SealedSecrets made by the real kubeseal), updates, garbage collection, existing Secrets
//! (managed / patch / unmanaged / immutable), failures reported without crashing, malformed
//! and runtime-added keys, and a restart in sync that does no RSA operation.
//!
//! Each test runs its own in-process controller restricted to its own namespace (keys and
//! SealedSecrets both there), so tests run in parallel without seeing each other.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::controller_support::{
    BoxError, Setup, add_key_secret, create, key_secret, metric, sealed, secret_data, setup,
    start_controller, update, wait_event, wait_secret_data, wait_synced,
};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use kube::api::{DeleteParams, ObjectMeta, Patch, PatchParams, PostParams};
use sealgate_controller::crd::SealedSecretResource;
use sealgate_core::seal::{GeneratedKeyPair, Scope};
use sealgate_tests::{DEFAULT_WAIT, eventually, peer_tool};

type TestResult = Result<(), BoxError>;

#[tokio::test]
async fn controller_unseals_every_scope_including_real_kubeseal_output() -> TestResult {
    let test = "controller_unseals_every_scope_including_real_kubeseal_output";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "ctrl-scopes").await?
    else {
        return Ok(());
    };
    let kubeseal = peer_tool(test, "kubeseal")?;
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-keyabcde").await?;
    let controller = start_controller(&kubeconfig, &n, &[]).await?;

    let template = serde_json::json!({
        "type": "Opaque",
        "metadata": {"labels": {"app": "demo"}, "annotations": {"note": "kept"}},
        "data": {"dsn": "{{ .user }}:{{ .pass }}@db"}
    });
    for (name, scope) in [
        ("strict", Scope::Strict),
        ("nswide", Scope::NamespaceWide),
        ("cwide", Scope::ClusterWide),
    ] {
        create(
            &client,
            &sealed(
                &pair,
                &n,
                name,
                scope,
                &n,
                &[("user", "admin"), ("pass", name)],
                template.clone(),
            )?,
        )
        .await?;
    }
    for (name, scope) in [
        ("strict", Scope::Strict),
        ("nswide", Scope::NamespaceWide),
        ("cwide", Scope::ClusterWide),
    ] {
        let dsn = format!("admin:{name}@db");
        let secret = wait_secret_data(
            &client,
            &n,
            name,
            &[("dsn", &dsn), ("pass", name), ("user", "admin")],
        )
        .await?;
        assert_eq!(wait_synced(&client, &n, name, "True").await?, "", "{scope}");
        let labels = secret.metadata.labels.clone().unwrap_or_default();
        assert_eq!(labels.get("app").map(String::as_str), Some("demo"));
        let annotations = secret.metadata.annotations.clone().unwrap_or_default();
        assert_eq!(annotations.get("note").map(String::as_str), Some("kept"));
        let owner = secret.metadata.owner_references.clone().unwrap_or_default();
        assert_eq!(owner.len(), 1);
        assert_eq!(
            (owner[0].kind.as_str(), owner[0].controller),
            ("SealedSecret", Some(true))
        );
        wait_event(&client, &n, name, "Unsealed").await?;
    }

    // The real kubeseal, sealing offline with our key's cert, every scope.
    if let Some(kubeseal) = kubeseal {
        let dir = tempfile::tempdir()?;
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, pair.cert_pem())?;
        for scope in ["strict", "namespace-wide", "cluster-wide"] {
            let name = format!("kubeseal-{scope}");
            let input = serde_json::json!({
                "apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": name, "namespace": n, "labels": {"from": "kubeseal"}},
                "type": "kubernetes.io/basic-auth",
                "stringData": {"username": "u", "password": scope}
            });
            let mut child = std::process::Command::new(&kubeseal)
                .args([
                    "--cert",
                    &cert.to_string_lossy(),
                    "--scope",
                    scope,
                    "-o",
                    "json",
                ])
                .env("KUBECONFIG", &kubeconfig)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                use std::io::Write as _;
                stdin.write_all(input.to_string().as_bytes())?;
            }
            let out = child.wait_with_output()?;
            assert!(
                out.status.success(),
                "kubeseal failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let ss: SealedSecretResource = serde_json::from_slice(&out.stdout)?;
            create(&client, &ss).await?;
            let secret = wait_secret_data(
                &client,
                &n,
                &name,
                &[("password", scope), ("username", "u")],
            )
            .await?;
            assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/basic-auth"));
            assert_eq!(
                secret
                    .metadata
                    .labels
                    .clone()
                    .unwrap_or_default()
                    .get("from")
                    .map(String::as_str),
                Some("kubeseal")
            );
            wait_synced(&client, &n, &name, "True").await?;
        }
    }
    controller.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn controller_propagates_updates_and_deletion_collects_the_secret() -> TestResult {
    let test = "controller_propagates_updates_and_deletion_collects_the_secret";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "ctrl-update").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-key1").await?;
    let controller = start_controller(&kubeconfig, &n, &[]).await?;
    let api: Api<SealedSecretResource> = Api::namespaced(client.clone(), &n);

    create(
        &client,
        &sealed(
            &pair,
            &n,
            "app",
            Scope::Strict,
            &n,
            &[("a", "1")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    wait_secret_data(&client, &n, "app", &[("a", "1")]).await?;
    wait_synced(&client, &n, "app", "True").await?;

    // New value, new item, new label: all reach the Secret.
    let next = sealed(
        &pair,
        &n,
        "app",
        Scope::Strict,
        &n,
        &[("a", "2"), ("b", "3")],
        serde_json::json!({"metadata": {"labels": {"v": "2"}}}),
    )?;
    update(&client, &next).await?;
    let secret = wait_secret_data(&client, &n, "app", &[("a", "2"), ("b", "3")]).await?;
    assert_eq!(
        secret
            .metadata
            .labels
            .unwrap_or_default()
            .get("v")
            .map(String::as_str),
        Some("2")
    );
    wait_synced(&client, &n, "app", "True").await?;

    // Deleting the Secret: the controller re-creates it.
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &n);
    secrets.delete("app", &DeleteParams::default()).await?;
    wait_secret_data(&client, &n, "app", &[("a", "2"), ("b", "3")]).await?;

    // Deleting the SealedSecret: the garbage collector removes the Secret through its ownerReference,
    // and the condition_info series of the SealedSecret goes away.
    let series =
        format!("sealed_secrets_controller_condition_info{{namespace=\"{n}\",name=\"app\"");
    assert!(controller.shared.metrics.encode().contains(&series));
    api.delete("app", &DeleteParams::background()).await?;
    eventually("condition_info of app removed", DEFAULT_WAIT, || async {
        if controller.shared.metrics.encode().contains(&series) {
            Err("still exported")
        } else {
            Ok(())
        }
    })
    .await?;
    eventually("Secret app garbage-collected", DEFAULT_WAIT, || async {
        match secrets.get_opt("app").await {
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err("still there".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await?;

    // skip-set-owner-references: the Secret outlives its SealedSecret.
    let template = serde_json::json!({"metadata": {"annotations": {"sealedsecrets.bitnami.com/skip-set-owner-references": "true"}}});
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "keep",
            Scope::Strict,
            &n,
            &[("k", "v")],
            template,
        )?,
    )
    .await?;
    let kept = wait_secret_data(&client, &n, "keep", &[("k", "v")]).await?;
    assert!(
        kept.metadata
            .owner_references
            .unwrap_or_default()
            .is_empty()
    );
    api.delete("keep", &DeleteParams::background()).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        secrets.get_opt("keep").await?.is_some(),
        "an unowned Secret must survive"
    );

    controller.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn controller_honours_managed_patch_unmanaged_and_immutable_secrets() -> TestResult {
    let test = "controller_honours_managed_patch_unmanaged_and_immutable_secrets";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "ctrl-existing").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-key1").await?;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &n);
    let existing = |name: &str, annotations: &[(&str, &str)], data: &[(&str, &str)]| Secret {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            annotations: Some(
                annotations
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
            ..ObjectMeta::default()
        },
        data: Some(
            data.iter()
                .map(|(k, v)| ((*k).to_owned(), ByteString(v.as_bytes().to_vec())))
                .collect(),
        ),
        ..Secret::default()
    };
    secrets
        .create(
            &PostParams::default(),
            &existing("unmanaged", &[], &[("mine", "x")]),
        )
        .await?;
    secrets
        .create(
            &PostParams::default(),
            &existing(
                "patched",
                &[("sealedsecrets.bitnami.com/patch", "true")],
                &[("keep", "k")],
            ),
        )
        .await?;
    secrets
        .create(
            &PostParams::default(),
            &existing(
                "managed",
                &[("sealedsecrets.bitnami.com/managed", "true")],
                &[("old", "o")],
            ),
        )
        .await?;
    let controller = start_controller(&kubeconfig, &n, &[]).await?;

    for name in ["unmanaged", "patched", "managed"] {
        create(
            &client,
            &sealed(
                &pair,
                &n,
                name,
                Scope::Strict,
                &n,
                &[("a", "1")],
                serde_json::json!({}),
            )?,
        )
        .await?;
    }
    // Unmanaged: refused, reported, untouched.
    let message = wait_synced(&client, &n, "unmanaged", "False").await?;
    assert_eq!(
        message,
        "Resource \"unmanaged\" already exists and is not managed by SealedSecret"
    );
    wait_event(&client, &n, "unmanaged", "ErrUpdateFailed").await?;
    assert_eq!(
        secret_data(&secrets.get("unmanaged").await?),
        BTreeMap::from([("mine".to_owned(), "x".to_owned())])
    );
    // Patch: merged, not owned.
    let patched = wait_secret_data(&client, &n, "patched", &[("a", "1"), ("keep", "k")]).await?;
    assert!(
        patched
            .metadata
            .owner_references
            .unwrap_or_default()
            .is_empty()
    );
    // Managed: replaced and now owned.
    let managed = wait_secret_data(&client, &n, "managed", &[("a", "1")]).await?;
    assert_eq!(
        managed.metadata.owner_references.unwrap_or_default().len(),
        1
    );

    // Marking the unmanaged Secret `managed` lets the next retry take it over.
    let annotate = serde_json::json!({"metadata": {"annotations": {"sealedsecrets.bitnami.com/managed": "true"}}});
    secrets
        .patch(
            "unmanaged",
            &PatchParams::default(),
            &Patch::Merge(&annotate),
        )
        .await?;
    wait_secret_data(&client, &n, "unmanaged", &[("a", "1")]).await?;
    wait_synced(&client, &n, "unmanaged", "True").await?;

    // Immutable: created immutable; a later data change is refused by the API server and reported.
    let immutable = serde_json::json!({"immutable": true});
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "frozen",
            Scope::Strict,
            &n,
            &[("a", "1")],
            immutable.clone(),
        )?,
    )
    .await?;
    let frozen = wait_secret_data(&client, &n, "frozen", &[("a", "1")]).await?;
    assert_eq!(frozen.immutable, Some(true));
    update(
        &client,
        &sealed(
            &pair,
            &n,
            "frozen",
            Scope::Strict,
            &n,
            &[("a", "2")],
            immutable,
        )?,
    )
    .await?;
    let message = wait_synced(&client, &n, "frozen", "False").await?;
    assert!(message.contains("immutable"), "{message}");
    let note = wait_event(&client, &n, "frozen", "ErrUpdateFailed").await?;
    assert!(note.contains("immutable"), "{note}");
    assert_eq!(
        secret_data(&secrets.get("frozen").await?)
            .get("a")
            .map(String::as_str),
        Some("1")
    );

    controller.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn controller_reports_wrong_namespace_and_tampered_data_and_keeps_going() -> TestResult {
    let test = "controller_reports_wrong_namespace_and_tampered_data_and_keeps_going";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "ctrl-bad").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-key1").await?;
    let controller = start_controller(&kubeconfig, &n, &[]).await?;

    // Sealed for another namespace (strict and namespace-wide), then moved here.
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "moved",
            Scope::Strict,
            "elsewhere",
            &[("a", "1")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "moved-ns",
            Scope::NamespaceWide,
            "elsewhere",
            &[("a", "1")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    // Tampered: one byte of the AES-GCM part flipped.
    let mut tampered = sealed(
        &pair,
        &n,
        "tampered",
        Scope::Strict,
        &n,
        &[("a", "1")],
        serde_json::json!({}),
    )?;
    let blob = tampered
        .spec
        .encrypted_data
        .get("a")
        .cloned()
        .unwrap_or_default();
    let mut bytes = sealgate_core::seal::decode_base64(&blob)?;
    if let Some(last) = bytes.last_mut() {
        *last ^= 0x01;
    }
    tampered
        .spec
        .encrypted_data
        .insert("a".to_owned(), sealgate_core::seal::encode_base64(&bytes));
    create(&client, &tampered).await?;

    for name in ["moved", "moved-ns", "tampered"] {
        let message = wait_synced(&client, &n, name, "False").await?;
        assert!(
            message.starts_with("cannot decrypt item \"a\""),
            "{name}: {message}"
        );
        let note = wait_event(&client, &n, name, "ErrUnsealFailed").await?;
        assert!(note.starts_with("Failed to unseal: "), "{note}");
    }
    let message = wait_synced(&client, &n, "tampered", "False").await?;
    assert!(message.contains("altered"), "{message}");
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &n);
    for name in ["moved", "moved-ns", "tampered"] {
        assert!(
            secrets.get_opt(name).await?.is_none(),
            "{name} must not produce a Secret"
        );
    }
    // Still alive and working.
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "fine",
            Scope::Strict,
            &n,
            &[("a", "1")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    wait_secret_data(&client, &n, "fine", &[("a", "1")]).await?;
    let metrics = controller.shared.metrics.encode();
    assert!(
        metric(&metrics, &format!("sealed_secrets_controller_unseal_errors_total{{reason=\"unseal\",namespace=\"{n}\"}}")).unwrap_or(0.0) >= 3.0,
        "{metrics}"
    );
    controller.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn controller_survives_malformed_keys_and_picks_up_new_keys_at_runtime() -> TestResult {
    let test = "controller_survives_malformed_keys_and_picks_up_new_keys_at_runtime";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "ctrl-keys").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &n);
    secrets
        .create(
            &PostParams::default(),
            &key_secret(
                "sealed-secrets-keybroken",
                b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
                b"not a cert",
            ),
        )
        .await?;
    let pair = add_key_secret(&client, &n, "sealed-secrets-keygood").await?;
    let controller = start_controller(&kubeconfig, &n, &[]).await?;
    assert_eq!(controller.shared.keyring.current().keys.len(), 1);
    assert_eq!(
        metric(
            &controller.shared.metrics.encode(),
            "sealgate_key_secrets_invalid"
        ),
        Some(1.0)
    );
    let note = wait_event(&client, &n, "sealed-secrets-keybroken", "ErrKeyInvalid").await?;
    assert!(note.contains("sealed-secrets-keybroken"), "{note}");
    create(
        &client,
        &sealed(
            &pair,
            &n,
            "works",
            Scope::Strict,
            &n,
            &[("a", "1")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    wait_secret_data(&client, &n, "works", &[("a", "1")]).await?;

    // Sealed with a key the controller does not have yet: fails, then succeeds once the key
    // Secret appears (no restart).
    let later = sealgate_core::seal::generate_key_pair(&sealgate_core::seal::KeyGenOptions {
        bits: sealgate_core::seal::KeyBits::Rsa2048,
        ..Default::default()
    })?;
    create(
        &client,
        &sealed(
            &later,
            &n,
            "waits",
            Scope::Strict,
            &n,
            &[("b", "2")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    wait_synced(&client, &n, "waits", "False").await?;
    secrets
        .create(
            &PostParams::default(),
            &key_secret(
                "sealed-secrets-keylater",
                later.key_pem().as_bytes(),
                later.cert_pem().as_bytes(),
            ),
        )
        .await?;
    wait_secret_data(&client, &n, "waits", &[("b", "2")]).await?;
    wait_synced(&client, &n, "waits", "True").await?;
    assert_eq!(controller.shared.keyring.current().keys.len(), 2);

    // Fixing the broken Secret clears the invalid count.
    secrets
        .delete("sealed-secrets-keybroken", &DeleteParams::default())
        .await?;
    eventually("invalid key count back to 0", DEFAULT_WAIT, || async {
        match metric(
            &controller.shared.metrics.encode(),
            "sealgate_key_secrets_invalid",
        ) {
            Some(v) if v < 0.5 => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await?;
    controller.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn controller_restart_in_sync_does_no_rsa_operation() -> TestResult {
    let test = "controller_restart_in_sync_does_no_rsa_operation";
    let Some(Setup {
        client,
        kubeconfig,
        ns,
    }) = setup(test, "ctrl-restart").await?
    else {
        return Ok(());
    };
    let n = ns.name().to_owned();
    let old = add_key_secret(&client, &n, "sealed-secrets-keyold").await?;
    let names = ["one", "two", "three"];
    let first = start_controller(&kubeconfig, &n, &[]).await?;
    for name in names {
        create(
            &client,
            &sealed(
                &old,
                &n,
                name,
                Scope::Strict,
                &n,
                &[("a", name), ("b", "x"), ("c", "y")],
                serde_json::json!({}),
            )?,
        )
        .await?;
    }
    for name in names {
        wait_secret_data(&client, &n, name, &[("a", name), ("b", "x"), ("c", "y")]).await?;
        wait_synced(&client, &n, name, "True").await?;
    }
    let cold = metric(
        &first.shared.metrics.encode(),
        "sealgate_rsa_operations_total",
    )
    .unwrap_or(-1.0);
    assert_eq!(cold, 9.0, "one RSA operation per item with a single key");
    first.stop().await;

    // A newer key appears (as after a renewal): the hint still opens old items at one operation.
    let new = add_key_secret(&client, &n, "sealed-secrets-keynew").await?;
    let second = start_controller(&kubeconfig, &n, &[]).await?;
    eventually(
        "every SealedSecret seen by the restarted controller",
        DEFAULT_WAIT,
        || async {
            let text = second.shared.metrics.encode();
            match metric(&text, "sealgate_fast_path_hits_total") {
                Some(v) if v >= 3.0 => Ok(()),
                other => Err(format!("fast path hits {other:?}")),
            }
        },
    )
    .await?;
    let text = second.shared.metrics.encode();
    assert_eq!(metric(&text, "sealgate_rsa_operations_total"), Some(0.0));
    // Which key opens how many items is known without decrypting (from the Secrets' annotation).
    let per_key = |pair: &GeneratedKeyPair| -> Result<String, BoxError> {
        Ok(format!(
            "sealgate_items_per_key{{fingerprint=\"{}\"}}",
            pair.sealing_cert()?.fingerprint()
        ))
    };
    assert_eq!(metric(&text, &per_key(&old)?), Some(9.0), "{text}");
    assert_eq!(metric(&text, &per_key(&new)?), Some(0.0), "{text}");

    // Changing one item costs exactly one RSA operation per item of that SealedSecret, even
    // though the newest key is not the one that sealed it.
    update(
        &client,
        &sealed(
            &old,
            &n,
            "one",
            Scope::Strict,
            &n,
            &[("a", "changed"), ("b", "x"), ("c", "y")],
            serde_json::json!({}),
        )?,
    )
    .await?;
    wait_secret_data(
        &client,
        &n,
        "one",
        &[("a", "changed"), ("b", "x"), ("c", "y")],
    )
    .await?;
    assert_eq!(
        metric(
            &second.shared.metrics.encode(),
            "sealgate_rsa_operations_total"
        ),
        Some(3.0)
    );
    second.stop().await;
    ns.delete().await?;
    Ok(())
}
