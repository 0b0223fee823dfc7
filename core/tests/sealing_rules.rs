//! Sealing and unsealing rules: kubeseal's output shape, metadata hygiene, conflicts, set,
//! re-encrypt, the legacy `spec.data` format and the template.data guard.

use std::path::Path;

use sealgate_core::seal::{
    CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, PrivateKey, SEALED_FOR_ANNOTATION, Scope,
    SealError, SealOptions, SealedSecret, SealingCert, Secret, UnsealError, UnsealingKeys,
    block_bytes_for, mark_sealed_for, reencrypt, rsa_block_bytes, seal_item_for, seal_raw,
    seal_secret, set_item, unseal,
};
use serde_json::{Value, json};

fn vectors() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn cert(stem: &str) -> SealingCert {
    SealingCert::from_pem(&std::fs::read(vectors().join(format!("{stem}-cert.pem"))).unwrap())
        .unwrap()
}

fn keys(stem: &str) -> UnsealingKeys {
    let key =
        PrivateKey::from_pem(&std::fs::read(vectors().join(format!("{stem}-key.pem"))).unwrap())
            .unwrap();
    std::iter::once(key).collect()
}

fn secret(value: Value) -> Secret {
    serde_json::from_value(value).unwrap()
}

fn blank_blobs(mut sealed: Value) -> Value {
    if let Some(items) = sealed["spec"]["encryptedData"].as_object_mut() {
        for v in items.values_mut() {
            *v = json!("<blob>");
        }
    }
    sealed
}

#[test]
fn output_has_the_shape_kubeseal_gives() {
    // Same input the generator fed kubeseal for strict_scope_roundtrip.
    let input = secret(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db-creds", "namespace": "vectors", "labels": {"app": "vectors"}, "annotations": {}},
        "type": "Opaque",
        "data": {"username": "YWRtaW4=", "password": "czNjcjN0LXZlY3Rvcg=="},
        "stringData": {"token": "from-stringData"}
    }));
    let ours = seal_secret(
        &cert("throwaway-test-4096"),
        &input,
        &SealOptions::default(),
    )
    .unwrap();
    let vector: Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("strict_scope_roundtrip.vector.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        blank_blobs(serde_json::to_value(&ours).unwrap()),
        blank_blobs(vector["sealed"].clone())
    );
    // And kubeseal's JSON field order: kind, apiVersion, metadata, spec.
    let text = serde_json::to_string(&ours).unwrap();
    assert!(
        text.starts_with(
            r#"{"kind":"SealedSecret","apiVersion":"bitnami.com/v1alpha1","metadata""#
        )
    );
}

#[test]
fn template_metadata_drops_last_applied_owner_refs_and_server_fields() {
    let input = secret(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {
            "name": "s", "namespace": "ns",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"p\":\"cGxhaW4=\"}}",
                "kubecfg.ksonnet.io/last-applied-configuration": "{}",
                "keep": "me"
            },
            "labels": {"l": "v"},
            "finalizers": ["keep/finalizer"],
            "uid": "u", "resourceVersion": "1", "selfLink": "/x", "generation": 3,
            "creationTimestamp": "2020-01-01T00:00:00Z", "deletionTimestamp": "2020-01-02T00:00:00Z",
            "managedFields": [{}], "ownerReferences": [{"kind": "X"}]
        },
        "type": "kubernetes.io/basic-auth",
        "immutable": true,
        "data": {"p": "cGxhaW4="}
    }));
    let sealed = seal_secret(
        &cert("throwaway-test-2048"),
        &input,
        &SealOptions::default(),
    )
    .unwrap();
    let meta = serde_json::to_value(&sealed.spec.template.as_ref().unwrap().metadata).unwrap();
    assert_eq!(
        meta,
        json!({"name": "s", "namespace": "ns", "labels": {"l": "v"}, "annotations": {"keep": "me"},
               "finalizers": ["keep/finalizer"]})
    );
    let template = sealed.spec.template.as_ref().unwrap();
    assert_eq!(template.type_.as_deref(), Some("kubernetes.io/basic-auth"));
    assert_eq!(template.immutable, Some(true));
    // Top level: identity only (plus the scope annotation when not strict).
    assert_eq!(
        serde_json::to_value(&sealed.metadata).unwrap(),
        json!({"name": "s", "namespace": "ns"})
    );

    let unsealed = unseal(&keys("throwaway-test-2048"), &sealed, None).unwrap();
    assert_eq!(
        unsealed.secret.type_.as_deref(),
        Some("kubernetes.io/basic-auth")
    );
    assert_eq!(unsealed.secret.immutable, Some(true));
    assert_eq!(
        unsealed
            .secret
            .metadata
            .annotations
            .get("keep")
            .map(String::as_str),
        Some("me")
    );
    assert_eq!(unsealed.secret.data["p"].as_bytes(), b"plain");
}

#[test]
fn scope_flag_writes_annotation_on_both_levels() {
    let input = secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns"}, "data": {"a": "YQ=="}}));
    let options = SealOptions {
        scope: Some(Scope::NamespaceWide),
        ..SealOptions::default()
    };
    let sealed = seal_secret(&cert("throwaway-test-2048"), &input, &options).unwrap();
    assert_eq!(
        sealed
            .metadata
            .annotations
            .get(NAMESPACE_WIDE_ANNOTATION)
            .map(String::as_str),
        Some("true")
    );
    let template = &sealed.spec.template.as_ref().unwrap().metadata;
    assert_eq!(
        template
            .annotations
            .get(NAMESPACE_WIDE_ANNOTATION)
            .map(String::as_str),
        Some("true")
    );
}

#[test]
fn scope_flag_conflicting_with_annotation_is_an_error() {
    let input = secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns", "annotations": {CLUSTER_WIDE_ANNOTATION: "true"}},
        "data": {"a": "YQ=="}}));
    let options = SealOptions {
        scope: Some(Scope::Strict),
        ..SealOptions::default()
    };
    let err = seal_secret(&cert("throwaway-test-2048"), &input, &options).unwrap_err();
    assert!(
        matches!(
            err,
            SealError::ScopeConflict {
                annotated: Scope::ClusterWide,
                requested: Scope::Strict,
                ..
            }
        ),
        "{err}"
    );
    // Agreeing flag and annotation is fine.
    let options = SealOptions {
        scope: Some(Scope::ClusterWide),
        ..SealOptions::default()
    };
    assert!(seal_secret(&cert("throwaway-test-2048"), &input, &options).is_ok());
}

#[test]
fn namespace_rules() {
    let c = cert("throwaway-test-2048");
    let no_ns = secret(
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "YQ=="}}),
    );
    let err = seal_secret(&c, &no_ns, &SealOptions::default()).unwrap_err();
    assert!(matches!(err, SealError::MissingNamespace { .. }), "{err}");
    // Explicit namespace fills it; a default namespace too; cluster-wide needs none.
    let sealed = seal_secret(
        &c,
        &no_ns,
        &SealOptions {
            namespace: Some("x".into()),
            ..SealOptions::default()
        },
    )
    .unwrap();
    assert_eq!(sealed.metadata.namespace.as_deref(), Some("x"));
    let sealed = seal_secret(
        &c,
        &no_ns,
        &SealOptions {
            default_namespace: Some("d".into()),
            ..SealOptions::default()
        },
    )
    .unwrap();
    assert_eq!(sealed.metadata.namespace.as_deref(), Some("d"));
    let sealed = seal_secret(
        &c,
        &no_ns,
        &SealOptions {
            scope: Some(Scope::ClusterWide),
            ..SealOptions::default()
        },
    )
    .unwrap();
    assert_eq!(sealed.metadata.namespace, None);

    let with_ns = secret(
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "a"}, "data": {"a": "YQ=="}}),
    );
    let err = seal_secret(
        &c,
        &with_ns,
        &SealOptions {
            namespace: Some("b".into()),
            ..SealOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, SealError::NamespaceConflict { .. }), "{err}");
    // The default never overrides the Secret's own namespace.
    let sealed = seal_secret(
        &c,
        &with_ns,
        &SealOptions {
            default_namespace: Some("d".into()),
            ..SealOptions::default()
        },
    )
    .unwrap();
    assert_eq!(sealed.metadata.namespace.as_deref(), Some("a"));
}

#[test]
fn input_errors() {
    let c = cert("throwaway-test-2048");
    let empty = secret(
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"}}),
    );
    assert!(matches!(
        seal_secret(&c, &empty, &SealOptions::default()),
        Err(SealError::EmptyData { .. })
    ));
    let allowed = seal_secret(
        &c,
        &empty,
        &SealOptions {
            allow_empty_data: true,
            ..SealOptions::default()
        },
    )
    .unwrap();
    assert!(allowed.spec.encrypted_data.is_empty());

    let config_map = secret(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s", "namespace": "n"}}),
    );
    assert!(matches!(
        seal_secret(&c, &config_map, &SealOptions::default()),
        Err(SealError::NotASecret { .. })
    ));

    let no_name = secret(
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"namespace": "n"}, "data": {"a": "YQ=="}}),
    );
    assert!(matches!(
        seal_secret(&c, &no_name, &SealOptions::default()),
        Err(SealError::MissingName { .. })
    ));

    let bad_b64 = serde_json::from_value::<Secret>(
        json!({"apiVersion": "v1", "kind": "Secret", "data": {"k": "not base64!"}}),
    );
    let message = bad_b64.err().unwrap().to_string();
    assert!(
        message.contains("data[\"k\"] is not valid base64"),
        "{message}"
    );

    assert!(matches!(
        seal_raw(&c, Scope::Strict, Some("n"), None, b"v"),
        Err(SealError::MissingName { .. })
    ));
    assert!(matches!(
        seal_raw(&c, Scope::NamespaceWide, None, None, b"v"),
        Err(SealError::MissingNamespace { .. })
    ));
    assert!(seal_raw(&c, Scope::ClusterWide, None, None, b"v").is_ok());
}

#[test]
fn set_item_uses_the_files_own_scope_and_identity() {
    let c = cert("throwaway-test-2048");
    let k = keys("throwaway-test-2048");
    let input = secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns", "annotations": {NAMESPACE_WIDE_ANNOTATION: "true"}},
        "data": {"a": "YQ=="}}));
    let mut sealed = seal_secret(&c, &input, &SealOptions::default()).unwrap();
    let before_a = sealed.spec.encrypted_data["a"].clone();
    set_item(&c, &mut sealed, "b", b"bee").unwrap();
    assert_eq!(
        sealed.spec.encrypted_data["a"], before_a,
        "other items untouched"
    );
    // Namespace-wide: still opens after a rename, which proves the item used the file's scope.
    sealed.metadata.name = Some("renamed".into());
    let unsealed = unseal(&k, &sealed, None).unwrap();
    assert_eq!(unsealed.secret.data["b"].as_bytes(), b"bee");

    // The template cannot widen the scope: only top-level annotations count.
    let strict = seal_secret(
        &c,
        &secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns"}, "data": {"a": "YQ=="}})),
        &SealOptions::default(),
    )
    .unwrap();
    let mut forged = strict.clone();
    forged
        .spec
        .template
        .as_mut()
        .unwrap()
        .metadata
        .annotations
        .insert(CLUSTER_WIDE_ANNOTATION.into(), "true".into());
    let blob = seal_item_for(&c, &forged, "x", b"y").unwrap();
    let mut moved = strict.clone();
    moved.spec.encrypted_data.insert("x".into(), blob);
    moved.metadata.namespace = Some("other".into());
    assert!(unseal(&k, &moved, None).is_err());
}

#[test]
fn reencrypt_moves_items_to_the_new_key_and_keeps_everything_else() {
    let old_c = cert("throwaway-test-2048");
    let old_k = keys("throwaway-test-2048");
    let new_c = cert("throwaway-test-4096");
    let new_k = keys("throwaway-test-4096");
    let mut sealed = seal_secret(
        &old_c,
        &secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns", "labels": {"l": "v"}},
        "type": "Opaque", "data": {"a": "YQ==", "b": "Yg=="}})),
        &SealOptions::default(),
    )
    .unwrap();
    sealed
        .extra
        .insert("x-unknown".into(), json!({"kept": true}));
    let rotated = reencrypt(&old_k, &new_c, &sealed).unwrap();
    assert_eq!(rotated.spec.template, sealed.spec.template);
    assert_eq!(rotated.metadata, sealed.metadata);
    assert_eq!(rotated.extra, sealed.extra);
    assert!(
        unseal(&old_k, &rotated, None).is_err(),
        "old key no longer opens it"
    );
    let unsealed = unseal(&new_k, &rotated, None).unwrap();
    assert_eq!(unsealed.secret.data["b"].as_bytes(), b"b");

    // Without the right old key, re-encrypt refuses and names the item.
    let err = reencrypt(&new_k, &new_c, &sealed).unwrap_err();
    assert!(err.to_string().contains("item \"a\""), "{err}");
}

#[test]
fn the_sealed_for_hint_follows_reencrypt_and_the_block_size_tells_the_key_size() {
    let old_c = cert("throwaway-test-2048");
    let old_k = keys("throwaway-test-2048");
    let new_c = cert("throwaway-test-4096");
    let plain = seal_secret(
        &old_c,
        &secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns"}, "data": {"a": "YQ=="}})),
        &SealOptions::default(),
    )
    .unwrap();
    // the library's seal_secret (kubeseal's shape) writes no hint: the CLI adds it
    assert!(plain.metadata.annotations.is_empty());
    assert_eq!(rsa_block_bytes(&plain.spec.encrypted_data["a"]), Some(256));
    assert_eq!(block_bytes_for(&old_c), 256);

    let mut hinted = plain.clone();
    mark_sealed_for(&mut hinted, &old_c);
    assert_eq!(
        hinted.metadata.annotations[SEALED_FOR_ANNOTATION],
        old_c.fingerprint()
    );
    let rotated = reencrypt(&old_k, &new_c, &hinted).unwrap();
    assert_eq!(
        rotated.metadata.annotations[SEALED_FOR_ANNOTATION],
        new_c.fingerprint(),
        "all items now sealed for the new cert"
    );
    assert_eq!(
        rsa_block_bytes(&rotated.spec.encrypted_data["a"]),
        Some(512)
    );
    assert_eq!(block_bytes_for(&new_c), 512);
    // no hint before, none after
    let rotated = reencrypt(&old_k, &new_c, &plain).unwrap();
    assert_eq!(rotated.metadata, plain.metadata);
}

#[test]
fn legacy_spec_data_is_unsealed() {
    let c = cert("throwaway-test-2048");
    let k = keys("throwaway-test-2048");
    // v1 format: the whole Secret as JSON, sealed as one value under the same label.
    let whole = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "ignored", "namespace": "ignored"}, "data": {"k": "bGVnYWN5"}});
    let blob = seal_raw(
        &c,
        Scope::Strict,
        Some("ns"),
        Some("old"),
        whole.to_string().as_bytes(),
    )
    .unwrap();
    let sealed: SealedSecret = serde_json::from_value(json!({
        "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
        "metadata": {"name": "old", "namespace": "ns"}, "spec": {"data": blob}
    }))
    .unwrap();
    let unsealed = unseal(&k, &sealed, None).unwrap();
    assert_eq!(unsealed.secret.data["k"].as_bytes(), b"legacy");
    assert_eq!(unsealed.secret.metadata.name.as_deref(), Some("old"));
    assert_eq!(unsealed.secret.metadata.namespace.as_deref(), Some("ns"));

    let mut both = sealed.clone();
    both.spec.encrypted_data.insert("x".into(), "AAAA".into());
    assert!(matches!(
        unseal(&k, &both, None),
        Err(UnsealError::BothFormats { .. })
    ));
}

#[test]
fn template_data_is_rendered_over_the_items() {
    let c = cert("throwaway-test-2048");
    let k = keys("throwaway-test-2048");
    let mut sealed = seal_secret(
        &c,
        &secret(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns"}, "data": {"a": "YQ=="}})),
        &SealOptions::default(),
    )
    .unwrap();
    sealed.spec.template.as_mut().unwrap().data =
        Some([("config".to_owned(), "user={{ .a }}".to_owned())].into());
    let unsealed = unseal(&k, &sealed, None).unwrap();
    assert_eq!(unsealed.secret.data["config"].as_bytes(), b"user=a");
    assert_eq!(unsealed.secret.data["a"].as_bytes(), b"a");

    // an unsupported construct is refused and named, not misrendered
    sealed.spec.template.as_mut().unwrap().data =
        Some([("config".to_owned(), "{{ .a | sha1sum }}".to_owned())].into());
    let err = unseal(&k, &sealed, None).unwrap_err();
    assert!(matches!(err, UnsealError::Template { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "ns/s: template.data[\"config\"]: function `sha1sum` is not supported"
    );
}

#[test]
fn unknown_fields_survive_a_round_trip() {
    let text = json!({
        "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
        "metadata": {"name": "s", "namespace": "ns", "uid": "abc", "generation": 2},
        "spec": {"encryptedData": {"a": "AgA="}, "futureField": 1,
                 "template": {"metadata": {"name": "s"}, "futureTemplateField": "x"}},
        "status": {"observedGeneration": 2, "conditions": [{"type": "Synced", "status": "True"}]},
        "topLevelExtra": [1, 2]
    });
    let sealed: SealedSecret = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(serde_json::to_value(&sealed).unwrap(), text);
}
