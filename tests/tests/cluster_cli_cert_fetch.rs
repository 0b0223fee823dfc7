//! `sealgate seal` / `cert --fetch` without `--cert` find the controller's certificate through
//! kubeconfig on a real API server: the `sealgate-cert` ConfigMap first, then kubeseal's service
//! proxy path; neither gives one clear error line and exit code 2.

use std::collections::BTreeMap;
use std::error::Error;
use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{
    ConfigMap, EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod,
    Service, ServicePort, ServiceSpec,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{ObjectMeta, Patch, PatchParams, PostParams};
use kube::config::Kubeconfig;
use sealgate_tests::{Cluster, TestNamespace, cluster, workspace_binary};

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\nstringData:\n  password: not-a-real-password\n";

/// The built `sealgate` with a private `SEALGATE_HOME` (its local key pair stands in for the
/// controller's), and no cert/controller variables inherited from the caller's shell.
struct Sealgate {
    bin: PathBuf,
    /// The private `SEALGATE_HOME`, removed on drop.
    home: tempfile::TempDir,
}

impl Sealgate {
    fn new(test: &str) -> Result<Option<Self>, Box<dyn Error + Send + Sync>> {
        let Some(bin) = workspace_binary(test, "sealgate")? else {
            return Ok(None);
        };
        let home = tempfile::Builder::new()
            .prefix(&format!("sealgate-{test}-"))
            .tempdir()?;
        Ok(Some(Sealgate { bin, home }))
    }

    fn run(&self, args: &[&str], stdin: &[u8]) -> Result<Output, Box<dyn Error + Send + Sync>> {
        let mut child = Command::new(&self.bin)
            .args(args)
            .env("SEALGATE_HOME", self.home.path())
            .env_remove("SEALED_SECRETS_CERT")
            .env_remove("SEALED_SECRETS_CONTROLLER_NAMESPACE")
            .env_remove("SEALED_SECRETS_CONTROLLER_NAME")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        child.stdin.take().ok_or("no stdin")?.write_all(stdin)?;
        Ok(child.wait_with_output()?)
    }

    /// Runs and requires exit 0; returns stdout.
    fn ok(&self, args: &[&str], stdin: &[u8]) -> Result<String, Box<dyn Error + Send + Sync>> {
        let out = self.run(args, stdin)?;
        if !out.status.success() {
            return Err(format!(
                "sealgate {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// The local key pair's certificate, which the tests publish as "the controller's".
    fn local_cert(&self) -> Result<String, Box<dyn Error + Send + Sync>> {
        self.ok(&["cert", "--local", "--pem"], b"")
    }
}

/// The control plane, the `sealgate` binary and a fresh namespace; `None` after a SKIPPED line.
async fn setup(
    test: &str,
    prefix: &str,
) -> Result<Option<(Cluster, Sealgate, TestNamespace)>, Box<dyn Error + Send + Sync>> {
    let Some(cluster) = cluster(test).await? else {
        return Ok(None);
    };
    let Some(sealgate) = Sealgate::new(test)? else {
        return Ok(None);
    };
    let ns = TestNamespace::create(&cluster.client, prefix).await?;
    Ok(Some((cluster, sealgate, ns)))
}

fn kubeconfig_arg(path: &Path) -> String {
    path.display().to_string()
}

fn line_of<'a>(summary: &'a str, field: &str) -> Result<&'a str, String> {
    summary
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .map(str::trim)
        .ok_or_else(|| format!("no {field:?} line in {summary:?}"))
}

/// The ConfigMap path: `cert --fetch` reports it as the source, `seal` seals with it (the local
/// key opens the result), and `--context` picks the right context of a two-context kubeconfig.
#[tokio::test]
async fn cert_comes_from_the_sealgate_configmap() -> TestResult {
    let test = "cert_comes_from_the_sealgate_configmap";
    let Some((cluster, sealgate, ns)) = setup(test, "cert-configmap").await? else {
        return Ok(());
    };
    let pem = sealgate.local_cert()?;
    ns.api::<ConfigMap>()
        .create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("sealgate-cert".to_owned()),
                    ..ObjectMeta::default()
                },
                data: Some(BTreeMap::from([("cert.pem".to_owned(), pem.clone())])),
                ..ConfigMap::default()
            },
        )
        .await?;
    let kubeconfig = kubeconfig_arg(&cluster.kubeconfig);
    let fetch = [
        "cert",
        "--fetch",
        "--kubeconfig",
        &kubeconfig,
        "--controller-namespace",
        ns.name(),
    ];

    let summary = sealgate.ok(&fetch, b"")?;
    assert_eq!(
        line_of(&summary, "source:")?,
        format!("ConfigMap {}/sealgate-cert", ns.name())
    );
    let local = sealgate.ok(&["cert", "--local"], b"")?;
    assert_eq!(
        line_of(&summary, "fingerprint:")?,
        line_of(&local, "fingerprint:")?
    );
    let fetched_pem = sealgate.ok(&[&fetch[..], &["--pem"]].concat(), b"")?;
    assert_eq!(fetched_pem.trim(), pem.trim());

    let sealed = sealgate.ok(
        &[
            "seal",
            "--kubeconfig",
            &kubeconfig,
            "--controller-namespace",
            ns.name(),
        ],
        SECRET.as_bytes(),
    )?;
    assert!(sealed.contains("kind: SealedSecret"), "{sealed}");
    assert!(!sealed.contains("not-a-real-password"), "{sealed}");
    let unsealed = sealgate.ok(&["unseal", "--local", "-o", "json"], sealed.as_bytes())?;
    let secret: serde_json::Value = serde_json::from_str(&unsealed)?;
    assert_eq!(
        secret.pointer("/data/password"),
        Some(&serde_json::json!("bm90LWEtcmVhbC1wYXNzd29yZA=="))
    );

    // A kubeconfig whose current-context points nowhere: only --context reaches the cluster.
    let mut two = Kubeconfig::read_from(&cluster.kubeconfig)?;
    let real = two
        .current_context
        .clone()
        .ok_or("kubeconfig without current-context")?;
    let mut broken_cluster = two
        .clusters
        .first()
        .cloned()
        .ok_or("kubeconfig without clusters")?;
    broken_cluster.name = "nowhere".to_owned();
    if let Some(c) = broken_cluster.cluster.as_mut() {
        c.server = Some("https://127.0.0.1:1".to_owned());
    }
    let mut broken_context = two
        .contexts
        .first()
        .cloned()
        .ok_or("kubeconfig without contexts")?;
    broken_context.name = "nowhere".to_owned();
    if let Some(c) = broken_context.context.as_mut() {
        c.cluster = "nowhere".to_owned();
    }
    two.clusters.push(broken_cluster);
    two.contexts.push(broken_context);
    two.current_context = Some("nowhere".to_owned());
    let two_path = sealgate.home.path().join("two-contexts.json");
    std::fs::write(&two_path, serde_json::to_vec(&two)?)?;
    let two_arg = kubeconfig_arg(&two_path);
    let out = sealgate.run(
        &[
            "cert",
            "--fetch",
            "--kubeconfig",
            &two_arg,
            "--controller-namespace",
            ns.name(),
        ],
        b"",
    )?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.starts_with("error: cannot reach the Kubernetes API server"),
        "{stderr}"
    );
    assert!(stderr.contains("https://127.0.0.1:1"), "{stderr}");
    let summary = sealgate.ok(
        &[
            "cert",
            "--fetch",
            "--kubeconfig",
            &two_arg,
            "--context",
            &real,
            "--controller-namespace",
            ns.name(),
        ],
        b"",
    )?;
    assert_eq!(
        line_of(&summary, "source:")?,
        format!("ConfigMap {}/sealgate-cert", ns.name())
    );
    ns.delete().await?;
    Ok(())
}

/// A non-loopback address of this host: the API server rejects loopback endpoints.
pub(crate) fn host_ip() -> Result<IpAddr, Box<dyn Error + Send + Sync>> {
    let out = Command::new("hostname").arg("-I").output()?;
    let text = String::from_utf8(out.stdout)?;
    text.split_whitespace()
        .filter_map(|w| w.parse::<IpAddr>().ok())
        .find(|ip| ip.is_ipv4() && !ip.is_loopback())
        .ok_or_else(|| format!("`hostname -I` gave no non-loopback IPv4 address: {text:?}").into())
}

/// The request lines a test HTTP server has seen.
type Seen = Arc<Mutex<Vec<String>>>;

/// Serves `body` to every request on `ip` (any port); returns the port and the request lines seen.
fn serve_cert(ip: IpAddr, body: String) -> Result<(u16, Seen), Box<dyn Error + Send + Sync>> {
    let listener = TcpListener::bind((ip, 0))?;
    let port = listener.local_addr()?.port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            if let Ok(mut seen) = log.lock() {
                seen.push(request_line.trim().to_owned());
            }
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-pem-file\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = (&stream).write_all(response.as_bytes());
        }
    });
    Ok((port, seen))
}

pub(crate) fn service(name: &str, target_port: Option<u16>) -> Service {
    Service {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        // no selector: the endpoints are ours to write
        spec: Some(ServiceSpec {
            ports: Some(vec![ServicePort {
                name: Some("http".to_owned()),
                port: 8080,
                target_port: target_port.map(|p| IntOrString::Int(i32::from(p))),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// Endpoints for a selector-less Service: `addresses` (each backed by the Pod `pod`) on port `port`
/// named `http`; none = an Endpoints object without subsets.
pub(crate) fn endpoints(name: &str, target: Option<(IpAddr, u16, &str, &str)>) -> Endpoints {
    Endpoints {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        subsets: target.map(|(ip, port, pod, namespace)| {
            vec![EndpointSubset {
                addresses: Some(vec![EndpointAddress {
                    ip: ip.to_string(),
                    target_ref: Some(ObjectReference {
                        kind: Some("Pod".to_owned()),
                        name: Some(pod.to_owned()),
                        namespace: Some(namespace.to_owned()),
                        ..ObjectReference::default()
                    }),
                    ..EndpointAddress::default()
                }]),
                ports: Some(vec![EndpointPort {
                    name: Some("http".to_owned()),
                    port: i32::from(port),
                    protocol: Some("TCP".to_owned()),
                    ..EndpointPort::default()
                }]),
                ..EndpointSubset::default()
            }]
        }),
    }
}

/// Puts `ip:port` (a server on this host) behind the API server's service proxy as Service `name`
/// in `ns`: a Pod (never scheduled; its status set by hand to that IP), a selector-less Service
/// and its Endpoints.
pub(crate) async fn serve_through_proxy(
    ns: &TestNamespace,
    name: &str,
    ip: IpAddr,
    port: u16,
) -> Result<(), Box<dyn Error + Send + Sync>> {
    let pod_name = format!("{name}-server");
    let pods = ns.api::<Pod>();
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": pod_name},
        "spec": {"containers": [{"name": "server", "image": "example.invalid/not-pulled"}]},
    }))?;
    pods.create(&PostParams::default(), &pod).await?;
    let status = serde_json::json!({
        "status": {"phase": "Running", "podIP": ip.to_string(), "podIPs": [{"ip": ip.to_string()}]},
    });
    pods.patch_status(&pod_name, &PatchParams::default(), &Patch::Merge(&status))
        .await?;
    ns.api::<Service>()
        .create(&PostParams::default(), &service(name, Some(port)))
        .await?;
    ns.api::<Endpoints>()
        .create(
            &PostParams::default(),
            &endpoints(name, Some((ip, port, &pod_name, ns.name()))),
        )
        .await?;
    Ok(())
}

/// No ConfigMap, but kubeseal's path works: the API server proxies `/v1/cert.pem` to a tiny HTTP
/// server on this host. The 1.35 service proxy reads the Service's Endpoints and only goes to
/// addresses of existing Pods whose status has that IP, so the test writes a Pod (never scheduled;
/// its status set by hand), a selector-less Service and its Endpoints (kube-controller-manager
/// mirrors them into the EndpointSlice that newer API servers read).
#[tokio::test]
async fn cert_comes_through_the_service_proxy_without_a_configmap() -> TestResult {
    let test = "cert_comes_through_the_service_proxy_without_a_configmap";
    let Some((cluster, sealgate, ns)) = setup(test, "cert-proxy").await? else {
        return Ok(());
    };
    let pem = sealgate.local_cert()?;
    let ip = host_ip()?;
    let (port, seen) = serve_cert(ip, pem.clone())?;
    let name = "my-sealed-secrets";
    serve_through_proxy(&ns, name, ip, port).await?;
    let kubeconfig = kubeconfig_arg(&cluster.kubeconfig);
    let fetch = [
        "cert",
        "--fetch",
        "--kubeconfig",
        &kubeconfig,
        "--controller-namespace",
        ns.name(),
        "--controller-name",
        name,
    ];
    let summary = sealgate.ok(&fetch, b"")?;
    assert_eq!(
        line_of(&summary, "source:")?,
        format!("service proxy {}/{name}", ns.name())
    );
    let fetched = sealgate.ok(&[&fetch[..], &["--pem"]].concat(), b"")?;
    assert_eq!(fetched.trim(), pem.trim());
    let requests = seen.lock().map_err(|_| "poisoned")?.clone();
    assert!(
        !requests.is_empty() && requests.iter().all(|r| r == "GET /v1/cert.pem HTTP/1.1"),
        "{requests:?}"
    );

    // The same names through the upstream environment variables.
    let out = Command::new(&sealgate.bin)
        .args(["seal", "--kubeconfig", &kubeconfig])
        .env("SEALGATE_HOME", sealgate.home.path())
        .env("SEALED_SECRETS_CONTROLLER_NAMESPACE", ns.name())
        .env("SEALED_SECRETS_CONTROLLER_NAME", name)
        .env_remove("SEALED_SECRETS_CERT")
        .stdin(std::fs::File::open(write_secret(sealgate.home.path())?)?)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let unsealed = sealgate.ok(&["unseal", "--local", "-o", "json"], &out.stdout)?;
    assert!(
        unsealed.contains("bm90LWEtcmVhbC1wYXNzd29yZA=="),
        "{unsealed}"
    );
    ns.delete().await?;
    Ok(())
}

fn write_secret(dir: &Path) -> Result<PathBuf, Box<dyn Error + Send + Sync>> {
    let path = dir.join("secret.yaml");
    std::fs::write(&path, SECRET)?;
    Ok(path)
}

/// Neither a ConfigMap nor a Service: one error line naming both attempts, exit 2, no output.
/// A Service without endpoints: the proxy's 503 is in the line.
#[tokio::test]
async fn no_controller_certificate_is_one_clear_error() -> TestResult {
    let test = "no_controller_certificate_is_one_clear_error";
    let Some((cluster, sealgate, ns)) = setup(test, "cert-none").await? else {
        return Ok(());
    };
    let kubeconfig = kubeconfig_arg(&cluster.kubeconfig);
    let seal = [
        "seal",
        "--kubeconfig",
        &kubeconfig,
        "--controller-namespace",
        ns.name(),
    ];

    let out = sealgate.run(&seal, SECRET.as_bytes())?;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let n = ns.name();
    for part in [
        "error: cannot fetch the sealing certificate: ".to_owned(),
        format!("no ConfigMap {n}/sealgate-cert, and no Service {n}/sealed-secrets-controller"),
        "pass --cert FILE|URL".to_owned(),
    ] {
        assert!(stderr.contains(&part), "{part:?} not in {stderr}");
    }

    // A Service whose Endpoints have no address: the proxy answers 503.
    ns.api::<Service>()
        .create(
            &PostParams::default(),
            &service("sealed-secrets-controller", None),
        )
        .await?;
    ns.api::<Endpoints>()
        .create(
            &PostParams::default(),
            &endpoints("sealed-secrets-controller", None),
        )
        .await?;
    let out = sealgate.run(&seal, SECRET.as_bytes())?;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr)?;
    let expected = format!(
        "no ConfigMap {n}/sealgate-cert, and the service proxy /api/v1/namespaces/{n}/services/http:sealed-secrets-controller:http/proxy/v1/cert.pem answered 503"
    );
    assert!(stderr.contains(&expected), "{expected:?} not in {stderr}");
    ns.delete().await?;
    Ok(())
}
