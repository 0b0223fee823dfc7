//! The controller's HTTP API and metrics over real sockets: upstream's paths, codes and limits.
//!
//! The servers run in-process on free ports with fixed keys (an old and a new key pair), which
//! is what every replica serves from its loaded keys; no cluster is needed. (Two complete
//! controllers serving one leader's key are a cluster test: `tests/tests/cluster_controller_http.rs`.)

use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use sealgate_controller::http::{HttpConfig, HttpMetrics, HttpServers, serve};
use sealgate_controller::keys::{KeyMetadata, KeyMetrics, key_secret};
use sealgate_controller::keys::{KeySnapshot, Keyring};
use sealgate_controller::metrics::Metrics;
use sealgate_core::seal::{
    GeneratedKeyPair, KeyBits, KeyGenOptions, Scope, SealOptions, SealedSecret, SealingCert,
    Secret, UnsealingKeys, generate_key_pair, seal_secret, unseal_raw,
};
use sealgate_tests::call;
use tokio::sync::watch;

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

fn pair() -> Result<GeneratedKeyPair, Box<dyn Error + Send + Sync>> {
    pair_made(time::Duration::ZERO)
}

/// A key pair whose cert NotBefore lies `ago` in the past (which key is newest is decided by it).
fn pair_made(ago: time::Duration) -> Result<GeneratedKeyPair, Box<dyn Error + Send + Sync>> {
    Ok(generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        not_before: time::OffsetDateTime::now_utc() - ago,
        ..KeyGenOptions::default()
    })?)
}

fn keys_of(pairs: &[&GeneratedKeyPair]) -> Result<UnsealingKeys, Box<dyn Error + Send + Sync>> {
    let mut keys = UnsealingKeys::new();
    for pair in pairs {
        keys.push(pair.private_key()?);
    }
    Ok(keys)
}

/// The keyring every replica would hold with these key Secrets loaded.
fn keyring(pairs: &[&GeneratedKeyPair]) -> Keyring {
    let secrets: Vec<_> = pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            key_secret(
                pair,
                &format!("sealed-secrets-key{i}"),
                "kube-system",
                &KeyMetadata::default(),
            )
        })
        .collect();
    Keyring::fixed(KeySnapshot::from_secrets("kube-system", &secrets))
}

struct Server {
    servers: HttpServers,
    stop: watch::Sender<bool>,
    /// What `/readyz` answers from (the controller sets it once its watches started).
    ready: watch::Sender<bool>,
    base: String,
    metrics_url: String,
}

impl Server {
    async fn start(keyring: Keyring, burst: u32) -> Result<Self, Box<dyn Error + Send + Sync>> {
        Self::start_bounded(keyring, burst, Duration::from_secs(60)).await
    }

    async fn start_bounded(
        keyring: Keyring,
        burst: u32,
        request_timeout: Duration,
    ) -> Result<Self, Box<dyn Error + Send + Sync>> {
        let config = HttpConfig {
            listen_addr: "127.0.0.1:0".to_owned(),
            metrics_addr: "127.0.0.1:0".to_owned(),
            rate_limit: 2,
            rate_limit_burst: burst,
            request_timeout,
        };
        let http_metrics = HttpMetrics::default();
        let metrics = Arc::new(Metrics::new());
        let (_leader_tx, leader_rx) = watch::channel(true);
        let usage = Arc::clone(&metrics.key_usage);
        metrics.register(|registry| {
            http_metrics.register(registry);
            registry.register_collector(Box::new(KeyMetrics::new(
                keyring.clone(),
                leader_rx,
                Arc::clone(&usage),
            )));
        });
        let (stop, mut stop_rx) = watch::channel(false);
        let shutdown = async move {
            let _ = stop_rx.wait_for(|s| *s).await;
        };
        let render = Arc::new(move || metrics.encode());
        let (ready, ready_rx) = watch::channel(true);
        let servers = serve(&config, keyring, ready_rx, http_metrics, render, shutdown).await?;
        let base = format!("http://{}", servers.api_addr);
        let metrics_url = format!("http://{}/metrics", servers.metrics_addr);
        Ok(Self {
            servers,
            stop,
            ready,
            base,
            metrics_url,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        self.servers.stopped().await;
    }
}

fn secret(json: serde_json::Value) -> Result<Secret, Box<dyn Error + Send + Sync>> {
    Ok(serde_json::from_value(json)?)
}

fn sealed_for(
    cert: &SealingCert,
    scope: Scope,
) -> Result<SealedSecret, Box<dyn Error + Send + Sync>> {
    let input = secret(serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "labels": {"app": "shop"}},
        "type": "Opaque",
        "stringData": {"password": "hunter2", "user": "admin"},
    }))?;
    let options = SealOptions {
        scope: Some(scope),
        ..SealOptions::default()
    };
    Ok(seal_secret(cert, &input, &options)?)
}

#[tokio::test]
async fn healthz_cert_verify_rate_limit_and_metrics_answer_like_upstream() -> TestResult {
    let ours = pair()?;
    let foreign = pair()?;
    let cert = ours.sealing_cert()?;
    let server = Server::start(keyring(&[&ours]), 2).await?;

    let health = call("GET", server.url("/healthz"), None, Vec::new()).await?;
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));

    let pem = call("GET", server.url("/v1/cert.pem"), None, Vec::new()).await?;
    assert_eq!(pem.status, 200);
    assert_eq!(pem.content_type, "application/x-pem-file");
    assert_eq!(
        SealingCert::inspect_pem(pem.body.as_bytes())?.der(),
        cert.der()
    );
    assert_eq!(
        pem.body.as_bytes(),
        ours.cert_pem().replace("\r\n", "\n").as_bytes()
    );

    // Verify: ours → 200, sealed for another key → 409, not a SealedSecret → 500. Each from its
    // own client address so the rate limit stays out of the way.
    let good = serde_json::to_vec(&sealed_for(&cert, Scope::Strict)?)?;
    let bad = serde_json::to_vec(&sealed_for(&foreign.sealing_cert()?, Scope::Strict)?)?;
    let verify = server.url("/v1/verify");
    assert_eq!(
        call("POST", verify.clone(), Some("10.0.0.1"), good.clone())
            .await?
            .status,
        200
    );
    let conflict = call("POST", verify.clone(), Some("10.0.0.2"), bad).await?;
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    assert!(
        conflict.body.contains("password") || conflict.body.contains("user"),
        "{}",
        conflict.body
    );
    let garbage = call(
        "POST",
        verify.clone(),
        Some("10.0.0.3"),
        b"kind: ConfigMap\n".to_vec(),
    )
    .await?;
    assert_eq!(garbage.status, 500);
    // YAML bodies are accepted too.
    let yaml = serde_saphyr::to_string(&sealed_for(&cert, Scope::NamespaceWide)?)?;
    assert_eq!(
        call("POST", verify.clone(), Some("10.0.0.4"), yaml.into_bytes())
            .await?
            .status,
        200
    );

    // Rate limit: a burst of 2 per client, then 429; another client is unaffected.
    // Requests are sent until the first 429 (at most 8, so a slow machine that refills the
    // bucket between two requests still meets the limit).
    let mut statuses = Vec::new();
    while statuses.len() < 8 && !statuses.contains(&429) {
        statuses.push(
            call("POST", verify.clone(), Some("10.9.9.9"), good.clone())
                .await?
                .status,
        );
    }
    assert_eq!(&statuses[..2], &[200, 200]);
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(
        call("POST", verify.clone(), Some("10.8.8.8"), good.clone())
            .await?
            .status,
        200
    );

    let metrics = call("GET", server.metrics_url.clone(), None, Vec::new()).await?;
    assert_eq!(metrics.status, 200);
    for name in [
        "sealed_secrets_controller_http_requests_total{path=\"/v1/verify\",code=\"200\",method=\"POST\"}",
        "sealed_secrets_controller_http_requests_total{path=\"/v1/verify\",code=\"429\",method=\"POST\"}",
        "sealed_secrets_controller_http_requests_total{path=\"/healthz\",code=\"200\",method=\"GET\"} 1",
        "sealed_secrets_controller_http_request_duration_seconds_bucket{",
        "sealgate_keys 1",
        &format!(
            "sealgate_key_age_seconds{{fingerprint=\"{}\"}}",
            cert.fingerprint()
        ),
        "sealgate_leader 1",
    ] {
        assert!(
            metrics.body.contains(name),
            "{name} missing from:\n{}",
            metrics.body
        );
    }
    server.stop().await;
    Ok(())
}

/// Upstream v0.40: `/readyz` is 503 until the controller's watches started (`/healthz` answers
/// from the start), and `/v1/rotate` is rate-limited per client like `/v1/verify`, each path
/// with its own budget.
#[tokio::test]
async fn readyz_follows_startup_and_rotate_is_rate_limited_like_verify() -> TestResult {
    let ours = pair()?;
    let server = Server::start(keyring(&[&ours]), 2).await?;
    server.ready.send_replace(false);
    let starting = call("GET", server.url("/readyz"), None, Vec::new()).await?;
    assert_eq!(
        (starting.status, starting.body.as_str()),
        (503, "not ready\n")
    );
    let health = call("GET", server.url("/healthz"), None, Vec::new()).await?;
    assert_eq!(health.status, 200, "liveness does not wait for readiness");
    server.ready.send_replace(true);
    let ready = call("GET", server.url("/readyz"), None, Vec::new()).await?;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ok\n"));

    let body = serde_json::to_vec(&sealed_for(&ours.sealing_cert()?, Scope::Strict)?)?;
    let rotate = server.url("/v1/rotate");
    for _ in 0..2 {
        let r = call("POST", rotate.clone(), Some("10.3.0.1"), body.clone()).await?;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let refused = call("POST", rotate.clone(), Some("10.3.0.1"), body.clone()).await?;
    assert_eq!(refused.status, 429, "{}", refused.body);
    let other = call("POST", rotate, Some("10.3.0.2"), body.clone()).await?;
    assert_eq!(other.status, 200, "another client has its own budget");
    let verify = call("POST", server.url("/v1/verify"), Some("10.3.0.1"), body).await?;
    assert_eq!(verify.status, 200, "verify has its own budget");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn cert_pem_is_500_until_a_key_exists() -> TestResult {
    let server = Server::start(keyring(&[]), 2).await?;
    let pem = call("GET", server.url("/v1/cert.pem"), None, Vec::new()).await?;
    assert_eq!(pem.status, 500);
    let rotate = call("POST", server.url("/v1/rotate"), None, b"{}".to_vec()).await?;
    assert_eq!(rotate.status, 500);
    server.stop().await;
    Ok(())
}

/// `--read-timeout` + `--write-timeout` bound a request: a verify of 400 items (400 RSA
/// operations, about 0.3 s) under a 20 ms bound is answered 503; `/healthz` still answers 200.
#[tokio::test]
async fn a_request_past_the_timeout_is_answered_503() -> TestResult {
    let ours = pair()?;
    let server = Server::start_bounded(keyring(&[&ours]), 100, Duration::from_millis(20)).await?;
    let items: serde_json::Map<String, serde_json::Value> = (0..400)
        .map(|i| (format!("k{i}"), serde_json::Value::from("v")))
        .collect();
    let input = secret(serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "many", "namespace": "shop"},
        "stringData": items,
    }))?;
    let sealed = seal_secret(&ours.sealing_cert()?, &input, &SealOptions::default())?;
    let body = serde_json::to_vec(&sealed)?;
    let verify = call("POST", server.url("/v1/verify"), Some("10.1.1.1"), body).await?;
    assert_eq!(verify.status, 503, "{}", verify.body);
    let health = call("GET", server.url("/healthz"), None, Vec::new()).await?;
    assert_eq!(health.status, 200);
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn rotate_reseals_with_the_newest_key_and_keeps_scope_and_template() -> TestResult {
    let old = pair_made(time::Duration::days(40))?;
    let new = pair()?;
    let new_cert = new.sealing_cert()?;
    let server = Server::start(keyring(&[&old, &new]), 2).await?;
    let pem = call("GET", server.url("/v1/cert.pem"), None, Vec::new()).await?;
    assert_eq!(
        SealingCert::inspect_pem(pem.body.as_bytes())?.der(),
        new_cert.der(),
        "the newest cert is served"
    );

    // Strict, with a data template, and a template annotation that claims cluster-wide: the
    // scope must come from the top level (strict), never from the template.
    let mut sealed = sealed_for(&old.sealing_cert()?, Scope::Strict)?;
    let template = sealed.spec.template.get_or_insert_with(Default::default);
    template.metadata.annotations.insert(
        "sealedsecrets.bitnami.com/cluster-wide".to_owned(),
        "true".to_owned(),
    );
    template.data = Some(BTreeMap::from([(
        "dsn".to_owned(),
        "postgres://{{ .user }}:{{ .password }}@db".to_owned(),
    )]));
    let response = call(
        "POST",
        server.url("/v1/rotate"),
        Some("10.2.0.1"),
        serde_json::to_vec(&sealed)?,
    )
    .await?;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.content_type, "application/json");
    let rotated: SealedSecret = serde_json::from_str(&response.body)?;

    assert_eq!(
        rotated.spec.template, sealed.spec.template,
        "template kept verbatim"
    );
    assert_eq!(
        rotated.metadata.annotations, sealed.metadata.annotations,
        "top-level scope kept"
    );
    assert_eq!(
        rotated.spec.encrypted_data.keys().collect::<Vec<_>>(),
        sealed.spec.encrypted_data.keys().collect::<Vec<_>>()
    );
    let only_new = keys_of(&[&new])?;
    let only_old = keys_of(&[&old])?;
    for (key, blob) in &rotated.spec.encrypted_data {
        assert_ne!(
            Some(blob),
            sealed.spec.encrypted_data.get(key),
            "{key} not re-sealed"
        );
        let value = unseal_raw(&only_new, Scope::Strict, "shop", "db", blob)?;
        let expected: &[u8] = if key == "password" {
            b"hunter2"
        } else {
            b"admin"
        };
        assert_eq!(value.as_bytes(), expected);
        assert!(
            unseal_raw(&only_old, Scope::Strict, "shop", "db", blob).is_err(),
            "{key} still opens with the old key"
        );
        // Never widened: the blob does not open under the wider scopes.
        assert!(unseal_raw(&only_new, Scope::ClusterWide, "", "", blob).is_err());
        assert!(unseal_raw(&only_new, Scope::NamespaceWide, "shop", "", blob).is_err());
    }

    // Undecryptable input is refused, not passed through.
    let foreign = sealed_for(&pair()?.sealing_cert()?, Scope::Strict)?;
    let refused = call(
        "POST",
        server.url("/v1/rotate"),
        Some("10.2.0.2"),
        serde_json::to_vec(&foreign)?,
    )
    .await?;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let garbage = call(
        "POST",
        server.url("/v1/rotate"),
        Some("10.2.0.3"),
        b"{not json".to_vec(),
    )
    .await?;
    assert_eq!(garbage.status, 400);
    server.stop().await;
    Ok(())
}
