//! The kubeseal drop-in's cluster modes side by side with the real kubeseal v0.40.0, against a
//! control plane and a running sealgate-controller reached as kubeseal reaches it: the API
//! server's service proxy to a Service (no selector) whose Endpoints point at the in-process
//! controller on this host (see `cluster_cli_cert_fetch` for why a Pod with a hand-set status
//! backs them). One table: `--fetch-cert`, sealing without `--cert`, `--validate`, `--re-encrypt`
//! (stdout, and in place with `-f`), `--raw`, the `SEALED_SECRETS_CONTROLLER_*` variables and the
//! kubectl flags; exit status, output form and the decrypted result must agree.

use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use sealgate_tests::{TestNamespace, cluster, eventually, peer_tool, workspace_binary};
use serde_json::Value;

use crate::cluster_cli_cert_fetch::{host_ip, serve_through_proxy};
use crate::controller_support::{add_key_secret, install_crd, start_controller};

type AnyError = Box<dyn Error + Send + Sync>;

const TEST: &str = "kubeseal_cluster_modes_agree_with_the_real_kubeseal";
const SERVICE: &str = "sealed-secrets-controller";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    dir: tempfile::TempDir,
}

/// Runs `program` (or `sealgate kubeseal` when `subcommand`) in a copy of `material`, with the
/// cluster's kubeconfig, no inherited `SEALED_SECRETS_*`, and `env` on top. The wait happens
/// off the runtime's task threads (`block_in_place`), so the controller keeps answering.
fn run(
    program: &Path,
    subcommand: bool,
    material: &Path,
    args: &[String],
    stdin: &[u8],
    env: &[(&str, String)],
) -> Result<Run, AnyError> {
    tokio::task::block_in_place(|| {
        let dir = tempfile::tempdir()?;
        for entry in std::fs::read_dir(material)? {
            let path = entry?.path();
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, dir.path().join(name))?;
            }
        }
        let mut command = Command::new(program);
        if subcommand {
            command.arg("kubeseal");
        }
        command.args(args).current_dir(dir.path());
        for (key, _) in std::env::vars() {
            if key.starts_with("SEALED_SECRETS_") {
                command.env_remove(key);
            }
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let _ = child.stdin.take().ok_or("no stdin")?.write_all(stdin);
        let out = child.wait_with_output()?;
        Ok(Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout)?,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            dir,
        })
    })
}

/// JSON objects or `---` YAML documents.
fn docs(text: &str) -> Result<Vec<Value>, AnyError> {
    if text.trim_start().starts_with('{') {
        Ok(serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .collect::<Result<Vec<_>, _>>()?)
    } else {
        text.split("---\n")
            .filter(|d| !d.trim().is_empty())
            .map(|d| serde_saphyr::from_str::<Value>(d).map_err(AnyError::from))
            .collect()
    }
}

/// The form of an output: `json`, `yaml`, `pem`, `blob` or `nothing`.
fn form(text: &str) -> &'static str {
    if text.is_empty() {
        "nothing"
    } else if text.starts_with("-----BEGIN CERTIFICATE-----") {
        "pem"
    } else if text.starts_with('{') {
        "json"
    } else if text.starts_with("---\n") {
        "yaml"
    } else if !text.contains('\n') {
        "blob"
    } else {
        "other"
    }
}

/// The Secrets `sealgate unseal --key key.pem` makes of `sealed`: identity and data.
fn unsealed(sealgate: &Path, material: &Path, sealed: &str) -> Result<Value, AnyError> {
    let mut child = Command::new(sealgate)
        .args(["unseal", "--key", "key.pem", "-o", "json"])
        .current_dir(material)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(sealed.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(format!("unseal: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let secrets = docs(&String::from_utf8(out.stdout)?)?;
    Ok(Value::Array(
        secrets
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s["metadata"]["name"],
                    "namespace": s["metadata"]["namespace"],
                    "data": s["data"],
                })
            })
            .collect(),
    ))
}

/// How a row's result is compared.
#[derive(Clone, Copy)]
enum Check {
    /// Exit status and form only.
    Form,
    /// The same certificate text.
    Pem,
    /// SealedSecrets on stdout, unsealed.
    Sealed,
    /// SealedSecrets in this file afterwards, unsealed.
    File(&'static str),
    /// A `--raw` blob for (namespace, name), strict.
    Raw,
}

struct Row {
    name: &'static str,
    args: Vec<String>,
    stdin: Vec<u8>,
    env: Vec<(&'static str, String)>,
    code: i32,
    form: &'static str,
    check: Check,
}

/// The in-process controller listening on `ip` (the API server's proxy refuses loopback).
async fn start_on(
    kubeconfig: &Path,
    namespace: &str,
    ip: std::net::IpAddr,
) -> Result<(sealgate_controller::run::Running, u16), AnyError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let port = std::net::TcpListener::bind((ip, 0))?.local_addr()?.port();
        let listen = format!("--listen-addr={ip}:{port}");
        // the table posts many /v1/verify requests from one client: no rate limit
        match start_controller(kubeconfig, namespace, &[&listen, "--rate-limit=0"]).await {
            Ok(running) => return Ok((running, port)),
            Err(error) if error.to_string().contains("cannot listen") && attempts < 10 => {}
            Err(error) => return Err(error),
        }
    }
}

// multi-threaded: the in-process controller answers while a test thread waits for a process
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubeseal_cluster_modes_agree_with_the_real_kubeseal() -> Result<(), AnyError> {
    let Some(cluster) = cluster(TEST).await? else {
        return Ok(());
    };
    let Some(kubeseal) = peer_tool(TEST, "kubeseal")? else {
        return Ok(());
    };
    let Some(sealgate) = workspace_binary(TEST, "sealgate")? else {
        return Ok(());
    };
    install_crd(&cluster.client).await?;
    let ns = TestNamespace::create(&cluster.client, "kubeseal-dropin").await?;
    let n = ns.name().to_owned();
    let pair = add_key_secret(&cluster.client, &n, "sealed-secrets-key1").await?;
    let ip = host_ip()?;
    eprintln!("{TEST}: starting the controller");
    let (controller, port) = start_on(&cluster.kubeconfig, &n, ip).await?;

    // the controller behind kubeseal's service proxy path
    serve_through_proxy(&ns, SERVICE, ip, port).await?;

    let material = tempfile::tempdir()?;
    let m = material.path();
    std::fs::write(m.join("key.pem"), pair.key_pem())?;
    std::fs::write(m.join("cert.pem"), pair.cert_pem())?;
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: {n}\n  labels:\n    app: db\nstringData:\n  password: not-a-real-password\n"
    );
    std::fs::write(m.join("secret.yaml"), &secret)?;
    std::fs::write(m.join("value.txt"), "not-a-real-value")?;
    let kubeconfig = cluster.kubeconfig.display().to_string();
    let base_env = vec![("KUBECONFIG", kubeconfig.clone())];

    // wait until the proxy reaches the controller
    eprintln!("{TEST}: controller on {ip}:{port}, waiting for the service proxy");
    let flags = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "--controller-namespace".to_owned(),
            n.clone(),
            "--controller-name".to_owned(),
            SERVICE.to_owned(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    eventually(
        "the cert through the service proxy",
        Duration::from_secs(60),
        || {
            let args = flags(&["--fetch-cert"]);
            let (kubeseal, m, env) = (kubeseal.clone(), m.to_path_buf(), base_env.clone());
            async move {
                let out = run(&kubeseal, false, &m, &args, b"", &env).map_err(|e| e.to_string())?;
                if out.code == 0 {
                    Ok(())
                } else {
                    Err(out.stderr)
                }
            }
        },
    )
    .await?;

    let seal_with_cert = |stdin: &str| -> Result<String, AnyError> {
        let out = run(
            &kubeseal,
            false,
            m,
            &["--cert".to_owned(), "cert.pem".to_owned()],
            stdin.as_bytes(),
            &base_env,
        )?;
        if out.code != 0 {
            return Err(out.stderr.into());
        }
        Ok(out.stdout)
    };
    let sealed = seal_with_cert(&secret)?;
    std::fs::write(m.join("sealed.json"), &sealed)?;
    // sealed for this key but another namespace: strict, so the controller cannot open it here
    let foreign =
        seal_with_cert(&secret.replace(&format!("namespace: {n}"), "namespace: elsewhere"))?
            .replace("\"elsewhere\"", &format!("{n:?}"));

    let row = |name: &'static str,
               args: Vec<String>,
               stdin: &[u8],
               code: i32,
               form: &'static str,
               check: Check| Row {
        name,
        args,
        stdin: stdin.to_vec(),
        env: base_env.clone(),
        code,
        form,
        check,
    };
    let mut rows = vec![
        row(
            "--fetch-cert",
            flags(&["--fetch-cert"]),
            b"",
            0,
            "pem",
            Check::Pem,
        ),
        row(
            "--fetch-cert -w",
            flags(&["--fetch-cert", "-w", "fetched.pem"]),
            b"",
            0,
            "nothing",
            Check::Form,
        ),
        row(
            "seal without --cert",
            flags(&[]),
            secret.as_bytes(),
            0,
            "json",
            Check::Sealed,
        ),
        row(
            "seal without --cert -o yaml",
            flags(&["-o", "yaml"]),
            secret.as_bytes(),
            0,
            "yaml",
            Check::Sealed,
        ),
        row(
            "seal, namespace from -n",
            flags(&["-n", &n]),
            secret
                .replace(&format!("  namespace: {n}\n"), "")
                .as_bytes(),
            0,
            "json",
            Check::Sealed,
        ),
        row(
            "raw without --cert",
            flags(&[
                "--raw",
                "--name",
                "db",
                "-n",
                &n,
                "--from-file",
                "value.txt",
            ]),
            b"",
            0,
            "blob",
            Check::Raw,
        ),
        row(
            "--validate",
            flags(&["--validate"]),
            sealed.as_bytes(),
            0,
            "nothing",
            Check::Form,
        ),
        row(
            "--validate -f",
            flags(&["--validate", "-f", "sealed.json"]),
            b"",
            0,
            "nothing",
            Check::Form,
        ),
        row(
            "--validate, sealed for another namespace",
            flags(&["--validate"]),
            foreign.as_bytes(),
            1,
            "nothing",
            Check::Form,
        ),
        row(
            "--validate, wrong --controller-name",
            vec![
                "--validate".to_owned(),
                "--controller-namespace".to_owned(),
                n.clone(),
                "--controller-name".to_owned(),
                "nobody".to_owned(),
            ],
            sealed.as_bytes(),
            1,
            "nothing",
            Check::Form,
        ),
        row(
            "--re-encrypt",
            flags(&["--re-encrypt"]),
            sealed.as_bytes(),
            0,
            "json",
            Check::Sealed,
        ),
        row(
            "--re-encrypt -o yaml",
            flags(&["--re-encrypt", "-o", "yaml"]),
            sealed.as_bytes(),
            0,
            "yaml",
            Check::Sealed,
        ),
        row(
            "--re-encrypt -f rewrites the file",
            flags(&["--re-encrypt", "-f", "sealed.json"]),
            b"",
            0,
            "nothing",
            Check::File("sealed.json"),
        ),
        row(
            "--re-encrypt -w out.yaml",
            flags(&["--re-encrypt", "-w", "out.yaml"]),
            sealed.as_bytes(),
            0,
            "nothing",
            Check::File("out.yaml"),
        ),
        row(
            "--re-encrypt, sealed for another namespace",
            flags(&["--re-encrypt"]),
            foreign.as_bytes(),
            1,
            "nothing",
            Check::Form,
        ),
        row(
            "--validate beats --re-encrypt",
            flags(&["--re-encrypt", "--validate"]),
            sealed.as_bytes(),
            0,
            "nothing",
            Check::Form,
        ),
        row(
            "--kubeconfig flag",
            [
                flags(&["--fetch-cert", "--kubeconfig"]),
                vec![kubeconfig.clone()],
            ]
            .concat(),
            b"",
            0,
            "pem",
            Check::Pem,
        ),
        row(
            "--context that does not exist",
            flags(&["--fetch-cert", "--context", "nowhere"]),
            b"",
            1,
            "nothing",
            Check::Form,
        ),
        row(
            "--server elsewhere",
            flags(&["--fetch-cert", "--server", "https://127.0.0.1:1"]),
            b"",
            1,
            "nothing",
            Check::Form,
        ),
        row(
            "--request-timeout",
            flags(&["--validate", "--request-timeout", "30s"]),
            sealed.as_bytes(),
            0,
            "nothing",
            Check::Form,
        ),
        // impersonation reaches the API server: a user without RBAC is refused, the same user
        // in system:masters is not
        row(
            "--as a user without RBAC",
            flags(&["--fetch-cert", "--as", "kubeseal-dropin-nobody"]),
            b"",
            1,
            "nothing",
            Check::Form,
        ),
        row(
            "--as with --as-group system:masters",
            flags(&[
                "--fetch-cert",
                "--as",
                "kubeseal-dropin-nobody",
                "--as-group",
                "system:masters",
            ]),
            b"",
            0,
            "pem",
            Check::Pem,
        ),
    ];
    let mut by_env = row(
        "SEALED_SECRETS_CONTROLLER_NAMESPACE/NAME",
        vec!["--fetch-cert".to_owned()],
        b"",
        0,
        "pem",
        Check::Pem,
    );
    by_env
        .env
        .push(("SEALED_SECRETS_CONTROLLER_NAMESPACE", n.clone()));
    by_env
        .env
        .push(("SEALED_SECRETS_CONTROLLER_NAME", SERVICE.to_owned()));
    rows.push(by_env);
    // kubectl's connection flags alone, no kubeconfig: the server, its CA and the admin's cert
    let server = kube::config::Kubeconfig::read_from(&cluster.kubeconfig)?
        .clusters
        .first()
        .and_then(|c| c.cluster.as_ref())
        .and_then(|c| c.server.clone())
        .ok_or("kubeconfig without a server")?;
    let certs = cluster
        .kubeconfig
        .parent()
        .ok_or("no state dir")?
        .join("certs");
    let file = |name: &str| certs.join(name).display().to_string();
    for (name, tls) in [
        (
            "--server, --certificate-authority, --client-certificate/--client-key",
            vec!["--certificate-authority".to_owned(), file("ca.crt")],
        ),
        (
            "--server, --insecure-skip-tls-verify, --client-certificate/--client-key",
            vec!["--insecure-skip-tls-verify".to_owned()],
        ),
    ] {
        let mut args = flags(&["--fetch-cert", "--server", &server, "--client-certificate"]);
        args.extend([
            file("admin.crt"),
            "--client-key".to_owned(),
            file("admin.key"),
        ]);
        args.extend(tls);
        let mut by_flags = row(name, args, b"", 0, "pem", Check::Pem);
        by_flags.env = vec![("KUBECONFIG", "/nonexistent".to_owned())];
        rows.push(by_flags);
    }
    let mut by_env = row(
        "SEALED_SECRETS_KUBECONFIG",
        flags(&["--validate"]),
        sealed.as_bytes(),
        0,
        "nothing",
        Check::Form,
    );
    by_env.env = vec![
        ("KUBECONFIG", "/nonexistent".to_owned()),
        ("SEALED_SECRETS_KUBECONFIG", kubeconfig.clone()),
    ];
    rows.push(by_env);

    let links = tempfile::tempdir()?;
    let link = links.path().join("kubeseal");
    std::os::unix::fs::symlink(&sealgate, &link)?;
    for (i, row) in rows.iter().enumerate() {
        eprintln!("{TEST}: row {:?}", row.name);
        let theirs = run(&kubeseal, false, m, &row.args, &row.stdin, &row.env)?;
        // every fourth row as `sealgate kubeseal …`, the rest through the symlink
        let ours = if i % 4 == 3 {
            run(&sealgate, true, m, &row.args, &row.stdin, &row.env)?
        } else {
            run(&link, false, m, &row.args, &row.stdin, &row.env)?
        };
        let mut results = Vec::new();
        for (who, out) in [("kubeseal", &theirs), ("sealgate", &ours)] {
            assert_eq!(
                out.code, row.code,
                "{who}, row {:?}: {}",
                row.name, out.stderr
            );
            assert_eq!(
                form(&out.stdout),
                row.form,
                "{who}, row {:?}: {}",
                row.name,
                out.stdout
            );
            if out.code != 0 {
                assert!(
                    out.stderr.contains("error: "),
                    "{who}, row {:?}: {}",
                    row.name,
                    out.stderr
                );
            }
            results.push(match row.check {
                Check::Form => Value::Null,
                Check::Pem => Value::String(out.stdout.trim().to_owned()),
                Check::Sealed => unsealed(&sealgate, m, &out.stdout)?,
                Check::File(file) => {
                    let text = std::fs::read_to_string(out.dir.path().join(file))?;
                    assert_ne!(text, sealed, "{who}, row {:?}: {file} not rewritten", row.name);
                    unsealed(&sealgate, m, &text)?
                }
                Check::Raw => {
                    let wrapped = format!(
                        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: {n}\nspec:\n  encryptedData:\n    v: {}\n",
                        out.stdout
                    );
                    unsealed(&sealgate, m, &wrapped)?
                }
            });
        }
        assert_eq!(results[0], results[1], "row {:?}: results differ", row.name);
        if let Check::Pem = row.check {
            assert_eq!(results[0], Value::String(pair.cert_pem().trim().to_owned()));
        }
    }
    eprintln!("{TEST}: {} rows agree", rows.len());
    controller.stop().await;
    ns.delete().await?;
    Ok(())
}
