//! Two complete controllers (reconcile, keyring, election, key loop, HTTP) against the real
//! control plane serve the cert of the one key the leader made. (The HTTP API itself, which needs
//! no cluster, is tested in `controller/tests/http.rs`.)

use std::error::Error;

use sealgate_core::seal::SealingCert;
use sealgate_tests::call;

use crate::controller_support;

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

/// A free local port (bound then released; the controller binds it a moment later).
fn free_port() -> Result<u16, Box<dyn Error + Send + Sync>> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Two complete controllers (reconcile, keyring, election, key loop, HTTP) with a malformed key
/// Secret present: one key appears, both replicas serve its cert, and metrics show one leader.
#[tokio::test]
async fn two_controllers_serve_the_cert_of_the_one_key_the_leader_made() -> TestResult {
    use k8s_openapi::api::core::v1::{ConfigMap, Secret as KubeSecret};
    use kube::Api;
    use kube::api::{ListParams, PostParams};
    use sealgate_controller::config::Config;
    use sealgate_controller::keys::KEY_LABEL;
    use sealgate_controller::keys::{CERT_CONFIGMAP, CERT_PEM_KEY};

    let Some(cluster) = sealgate_tests::cluster("two_controllers_serve_the_cert").await? else {
        return Ok(());
    };
    controller_support::install_crd(&cluster.client).await?;
    let ns = sealgate_tests::TestNamespace::create(&cluster.client, "http-full").await?;
    let mut broken =
        controller_support::key_secret("sealed-secrets-keybroken", b"not a key", b"not a cert");
    broken.metadata.namespace = Some(ns.name().to_owned());
    ns.api::<KubeSecret>()
        .create(&PostParams::default(), &broken)
        .await?;

    let mut replicas = Vec::new();
    let mut ports = Vec::new();
    let mut attempts = 0;
    while replicas.len() < 2 {
        attempts += 1;
        let (api, metrics) = (free_port()?, free_port()?);
        let args: Vec<std::ffi::OsString> = [
            "sealgate-controller".to_owned(),
            format!("--kubeconfig={}", cluster.kubeconfig.display()),
            format!("--namespace={}", ns.name()),
            "--all-namespaces=false".to_owned(),
            format!("--listen-addr=127.0.0.1:{api}"),
            format!("--listen-metrics-addr=127.0.0.1:{metrics}"),
            "--lease-duration=4s".to_owned(),
            "--key-size=2048".to_owned(),
        ]
        .into_iter()
        .map(Into::into)
        .collect();
        let config = Config::parse_from_with(args, |_| None)?;
        match sealgate_controller::run::start(config, std::future::pending()).await {
            Ok(running) => {
                replicas.push(running);
                ports.push((api, metrics));
            }
            // Another test took a port between free_port() and the bind: pick new ones.
            Err(error) if error.to_string().contains("cannot listen") && attempts < 10 => {
                eprintln!("retrying with other ports: {error}");
            }
            Err(error) => return Err(error.into()),
        }
    }

    let secrets: Api<KubeSecret> = ns.api();
    let key =
        sealgate_tests::eventually("one usable key", sealgate_tests::DEFAULT_WAIT, || async {
            let keys = secrets
                .list(&ListParams::default().labels(KEY_LABEL))
                .await
                .map_err(|e| e.to_string())?
                .items;
            let made: Vec<_> = keys
                .into_iter()
                .filter(|k| k.metadata.name.as_deref() != Some("sealed-secrets-keybroken"))
                .collect();
            match made.len() {
                1 => Ok(made.into_iter().next()),
                n => Err(format!("{n} generated keys")),
            }
        })
        .await?
        .ok_or("no key")?;
    let key_cert = key
        .data
        .as_ref()
        .and_then(|d| d.get("tls.crt"))
        .ok_or("no tls.crt")?;
    let expected = SealingCert::inspect_pem(&key_cert.0)?;

    for (api, _) in &ports {
        let url = format!("http://127.0.0.1:{api}/v1/cert.pem");
        let pem = sealgate_tests::eventually("cert.pem", sealgate_tests::DEFAULT_WAIT, || {
            let url = url.clone();
            async move {
                let response = call("GET", url, None, Vec::new())
                    .await
                    .map_err(|e| e.to_string())?;
                if response.status == 200 {
                    Ok(response.body)
                } else {
                    Err(format!("status {}", response.status))
                }
            }
        })
        .await?;
        assert_eq!(
            SealingCert::inspect_pem(pem.as_bytes())?.der(),
            expected.der()
        );
        let health = call(
            "GET",
            format!("http://127.0.0.1:{api}/healthz"),
            None,
            Vec::new(),
        )
        .await?;
        assert_eq!(health.body, "ok\n");
    }
    let configmaps: Api<ConfigMap> = ns.api();
    // Published right after the key is created (the keyring may see the key a moment earlier).
    sealgate_tests::eventually(
        "the cert ConfigMap",
        sealgate_tests::DEFAULT_WAIT,
        || async {
            let published = configmaps
                .get_opt(CERT_CONFIGMAP)
                .await
                .map_err(|e| e.to_string())?;
            let pem = published
                .and_then(|cm| cm.data)
                .and_then(|d| d.get(CERT_PEM_KEY).cloned())
                .ok_or("no cert.pem yet")?;
            let cert = SealingCert::inspect_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
            if cert.der() == expected.der() {
                Ok(())
            } else {
                Err(format!("published {}", cert.fingerprint()))
            }
        },
    )
    .await?;

    let mut leaders = 0;
    for (_, metrics) in &ports {
        let text = call(
            "GET",
            format!("http://127.0.0.1:{metrics}/metrics"),
            None,
            Vec::new(),
        )
        .await?
        .body;
        assert!(text.lines().any(|l| l == "sealgate_keys 1"), "{text}");
        assert!(
            text.contains("sealed_secrets_controller_unseal_requests_total"),
            "{text}"
        );
        leaders += usize::from(text.lines().any(|l| l == "sealgate_leader 1"));
    }
    assert_eq!(leaders, 1, "exactly one replica leads");
    for replica in replicas {
        replica.stop().await;
    }
    ns.delete().await?;
    Ok(())
}
