//! An API server restart in the middle of a sync: the controller survives (watches re-establish,
//! failed writes are retried with backoff) and every SealedSecret converges.
//!
//! Runs on its OWN control plane (tests/cluster/up), since restarting the shared one would
//! disturb every other test; tests/cluster/restart-apiserver restarts it with the same flags.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::controller_support::{
    BoxError, add_key_secret, install_crd, start_controller, wait_secret_data, wait_synced,
};
use kube::api::PostParams;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client};
use sealgate_controller::crd::SealedSecretResource;
use sealgate_core::seal::{Scope, seal_raw};
use sealgate_tests::{TestNamespace, cluster};

/// A control plane of this test's own, stopped (and its state removed) on drop.
struct OwnCluster {
    kubeconfig: PathBuf,
}

impl OwnCluster {
    fn up() -> Result<Self, BoxError> {
        let out = Command::new(script("up")).output()?;
        if !out.status.success() {
            return Err(format!(
                "tests/cluster/up failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        let stdout = String::from_utf8(out.stdout)?;
        let kubeconfig = stdout
            .lines()
            .last()
            .ok_or("tests/cluster/up printed nothing")?
            .trim()
            .into();
        Ok(Self { kubeconfig })
    }

    async fn client(&self) -> Result<Client, BoxError> {
        let kubeconfig = Kubeconfig::read_from(&self.kubeconfig)?;
        let config =
            kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default()).await?;
        Ok(Client::try_from(config)?)
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new(script("down")).arg(&self.kubeconfig).output();
    }
}

/// tests/cluster/restart-apiserver: stop, wait `down_seconds`, start with the same flags.
fn restart_apiserver(kubeconfig: &Path, down_seconds: u32) -> Result<(), BoxError> {
    let out = Command::new(script("restart-apiserver"))
        .arg(kubeconfig)
        .arg(down_seconds.to_string())
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "restart-apiserver failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("cluster")
        .join(name)
}

#[tokio::test]
async fn controller_survives_an_apiserver_restart_during_a_sync_and_converges()
-> Result<(), BoxError> {
    // The shared cluster's presence says the control-plane binaries exist (fails in CI if not).
    let Some(_) =
        cluster("controller_survives_an_apiserver_restart_during_a_sync_and_converges").await?
    else {
        return Ok(());
    };
    let own = OwnCluster::up()?;
    let client = own.client().await?;
    install_crd(&client).await?;
    let ns = TestNamespace::create(&client, "ctrl-apiserver").await?;
    let n = ns.name().to_owned();
    let pair = add_key_secret(&client, &n, "sealed-secrets-key1").await?;
    let cert = pair.sealing_cert()?;
    // Leader election on, as deployed: the replica must ride out the outage AND win its lease
    // back (it once lost the lease for good after an outage longer than the lease; fixed in aeecd17).
    let controller = start_controller(&own.kubeconfig, &n, &[]).await?;
    let api: Api<SealedSecretResource> = Api::namespaced(client.clone(), &n);
    let make = |i: usize| -> Result<SealedSecretResource, BoxError> {
        let name = format!("item-{i}");
        let value = seal_raw(&cert, Scope::Strict, Some(&n), Some(&name), name.as_bytes())?;
        Ok(serde_json::from_value(serde_json::json!({
            "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": name, "namespace": n},
            "spec": {"encryptedData": {"v": value}}
        }))?)
    };
    for i in 0..30 {
        api.create(&PostParams::default(), &make(i)?).await?;
    }
    // The controller is now syncing those; take the API server away under it.
    let kubeconfig = own.kubeconfig.clone();
    tokio::task::spawn_blocking(move || restart_apiserver(&kubeconfig, 3)).await??;
    // Objects created after the restart arrive through the re-established watch.
    for i in 30..35 {
        api.create(&PostParams::default(), &make(i)?).await?;
    }
    for i in 0..35 {
        let name = format!("item-{i}");
        let converged = async {
            wait_secret_data(&client, &n, &name, &[("v", &name)]).await?;
            wait_synced(&client, &n, &name, "True").await
        };
        if let Err(e) = converged.await {
            let leader = *controller.shared.is_leader.borrow();
            return Err(format!(
                "{e}; leader={leader}; metrics:\n{}",
                controller.shared.metrics.encode()
            )
            .into());
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    controller.stop().await;
    drop(own);
    Ok(())
}
