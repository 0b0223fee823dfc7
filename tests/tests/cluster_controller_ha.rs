//! Controller HA against the real control plane: one leader, failover, keys created exactly once.
//!
//! Replicas run in-process (leader election + key loop, each with its own identity), which is
//! what several controller pods do; "killing" a replica stops it renewing without releasing.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use k8s_openapi::ByteString;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{ListParams, ObjectMeta, PostParams};
use kube::{Api, Client, ResourceExt};
use sealgate_controller::keys::KEY_LABEL;
use sealgate_controller::keys::{
    BACKUP_COUNT_ANNOTATION, BACKUP_KEY, BACKUP_NAME, Backup, CERT_CONFIGMAP, CERT_PEM_KEY,
    FINGERPRINT_KEY, KeyListing, KeyMetadata, KeyPolicy, KeyRenewal, Reason, Schedule, Triggers,
};
use sealgate_controller::leader::{DEFAULT_LEASE_NAME, LeaderConfig, Leadership};
use sealgate_core::seal::escrow::{Identities, restore};
use sealgate_core::seal::{KeyBits, SealingCert};
use sealgate_tests::{DEFAULT_WAIT, TestNamespace, cluster, eventually};
use time::OffsetDateTime;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

type TestResult = Result<(), Box<dyn Error + Send + Sync>>;

const LEASE: Duration = Duration::from_secs(4);
const PREFIX: &str = "sealed-secrets-key";

fn policy(namespace: &str, schedule: Schedule) -> KeyPolicy {
    KeyPolicy {
        namespace: namespace.to_owned(),
        prefix: PREFIX.to_owned(),
        // 2048 bits keeps generation well under a second on the shared CI cores; the size is a flag.
        bits: KeyBits::Rsa2048,
        ttl: time::Duration::days(3650),
        common_name: None,
        metadata: KeyMetadata::default(),
        schedule,
        cert_configmap: CERT_CONFIGMAP.to_owned(),
        resync: Duration::from_secs(2),
    }
}

async fn stop_signal(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// One in-process controller replica: election plus (optionally) the key loop.
struct Replica {
    identity: String,
    leadership: Leadership,
    stop: watch::Sender<bool>,
    keys: Option<JoinHandle<()>>,
}

impl Replica {
    async fn start(
        client: &Client,
        namespace: &str,
        identity: &str,
        keys: Option<(KeyPolicy, Option<Backup>)>,
        requests: Option<mpsc::Receiver<()>>,
    ) -> Result<Self, Box<dyn Error + Send + Sync>> {
        let (stop, stop_rx) = watch::channel(false);
        let config = LeaderConfig {
            enabled: true,
            namespace: namespace.to_owned(),
            lease_name: DEFAULT_LEASE_NAME.to_owned(),
            identity: identity.to_owned(),
            lease_duration: LEASE,
        };
        let leadership = Leadership::start(client.clone(), config, stop_signal(stop_rx.clone()))?;
        let keys = keys.map(|(policy, backup)| {
            let triggers = Triggers {
                is_leader: leadership.subscribe(),
                requests,
                key_changes: None,
            };
            let rotation = KeyRenewal::new(client.clone(), policy, backup);
            tokio::spawn(rotation.run(triggers, stop_signal(stop_rx)))
        });
        Ok(Self {
            identity: identity.to_owned(),
            leadership,
            stop,
            keys,
        })
    }

    fn is_leader(&self) -> bool {
        self.leadership.is_leader()
    }

    /// Graceful: stop writing, release the lease.
    async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(keys) = self.keys.take() {
            let _ = keys.await;
        }
        self.leadership.stopped().await;
    }

    /// A crash: nothing is released; the lease must expire.
    fn kill(self) {
        if let Some(keys) = &self.keys {
            keys.abort();
        }
        // Dropped without `stopped()`: renewing stops, the lease is not released.
        drop(self.leadership);
    }
}

/// The Lease's holder; an API error is an error, not "no holder" (that would let assertions pass).
async fn lease_holder(client: &Client, namespace: &str) -> Result<Option<String>, kube::Error> {
    let leases: Api<Lease> = Api::namespaced(client.clone(), namespace);
    let lease = leases.get_opt(DEFAULT_LEASE_NAME).await?;
    Ok(lease.and_then(|l| l.spec).and_then(|s| s.holder_identity))
}

async fn key_secrets(client: &Client, namespace: &str) -> Result<Vec<Secret>, kube::Error> {
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    Ok(secrets
        .list(&ListParams::default().labels(KEY_LABEL))
        .await?
        .items)
}

fn cert_of(secret: &Secret) -> Result<SealingCert, Box<dyn Error + Send + Sync>> {
    let pem = secret
        .data
        .as_ref()
        .and_then(|d| d.get("tls.crt"))
        .ok_or("key Secret without tls.crt")?;
    Ok(SealingCert::inspect_pem(&pem.0)?)
}

/// The published ConfigMap holds exactly this Secret's cert.
async fn published_matches(
    client: &Client,
    namespace: &str,
    secret: &Secret,
) -> Result<(), String> {
    let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    let cm = configmaps
        .get_opt(CERT_CONFIGMAP)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no cert ConfigMap yet")?;
    let data = cm.data.unwrap_or_default();
    let pem = data.get(CERT_PEM_KEY).ok_or("no cert.pem")?;
    let published = SealingCert::inspect_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
    let expected = cert_of(secret).map_err(|e| e.to_string())?;
    if published.der() != expected.der() {
        return Err(format!(
            "ConfigMap has {}, newest key is {}",
            published.fingerprint(),
            expected.fingerprint()
        ));
    }
    if data.get(FINGERPRINT_KEY).map(String::as_str) != Some(expected.fingerprint()) {
        return Err("fingerprint entry does not match".to_owned());
    }
    Ok(())
}

/// Samples both replicas for `window`: never two leaders at once; returns the leader's index.
async fn single_leader(replicas: &[&Replica], window: Duration) -> Result<usize, String> {
    let start = Instant::now();
    let mut leader = None;
    while start.elapsed() < window {
        let leaders: Vec<usize> = (0..replicas.len())
            .filter(|&i| replicas[i].is_leader())
            .collect();
        if leaders.len() > 1 {
            return Err(format!("{} replicas lead at once", leaders.len()));
        }
        leader = leaders.first().copied().or(leader);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    leader.ok_or_else(|| "no replica became the leader".to_owned())
}

#[tokio::test]
async fn two_replicas_elect_one_leader_and_the_standby_takes_over_within_the_lease() -> TestResult {
    let Some(cluster) = cluster("two_replicas_elect_one_leader").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "ha-elect").await?;
    let a = Replica::start(&cluster.client, ns.name(), "replica-a", None, None).await?;
    let b = Replica::start(&cluster.client, ns.name(), "replica-b", None, None).await?;

    eventually("a leader", DEFAULT_WAIT, || async {
        if a.is_leader() || b.is_leader() {
            Ok(())
        } else {
            Err("no leader yet")
        }
    })
    .await?;
    // Over more than two lease periods (several renewals) exactly one leads, and the Lease agrees.
    let leader_index = single_leader(&[&a, &b], LEASE * 2 + Duration::from_secs(1)).await?;
    let (leader, standby) = if leader_index == 0 { (a, b) } else { (b, a) };
    assert_eq!(
        lease_holder(&cluster.client, ns.name()).await?.as_deref(),
        Some(leader.identity.as_str())
    );
    assert!(!standby.is_leader());

    // Kill the leader: the standby takes over once the lease expires.
    let killed_at = Instant::now();
    leader.kill();
    let bound = LEASE * 2 + Duration::from_secs(5);
    eventually("the standby to take over", bound, || async {
        if standby.is_leader() {
            Ok(())
        } else {
            Err("standby not leading yet")
        }
    })
    .await?;
    let takeover = killed_at.elapsed();
    eprintln!("failover: standby led {takeover:?} after the leader died (lease {LEASE:?})");
    assert!(takeover <= bound, "takeover took {takeover:?}");
    assert_eq!(
        lease_holder(&cluster.client, ns.name()).await?.as_deref(),
        Some(standby.identity.as_str())
    );

    // Graceful stop releases the lease: no holder is left behind.
    standby.stop().await;
    assert_eq!(lease_holder(&cluster.client, ns.name()).await?, None);
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn replicas_started_together_create_exactly_one_key_and_publish_its_cert() -> TestResult {
    let Some(cluster) = cluster("replicas_started_together_create_exactly_one_key").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "ha-keys").await?;
    let schedule = Schedule::new(Duration::from_secs(720 * 3600), None);
    let replicas = futures::future::try_join_all(["r1", "r2", "r3"].map(|id| {
        Replica::start(
            &cluster.client,
            ns.name(),
            id,
            Some((policy(ns.name(), schedule.clone()), None)),
            None,
        )
    }))
    .await?;

    let client = cluster.client.clone();
    let name = ns.name().to_owned();
    eventually("a key Secret", DEFAULT_WAIT, || async {
        let keys = key_secrets(&client, &name)
            .await
            .map_err(|e| e.to_string())?;
        if keys.is_empty() {
            Err("no key yet".to_owned())
        } else {
            Ok(())
        }
    })
    .await?;
    // Let every replica run several passes (resync 2 s), and a leader change happen too.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut replicas = replicas;
    if let Some(pos) = replicas.iter().position(Replica::is_leader) {
        replicas.remove(pos).kill();
    }
    tokio::time::sleep(LEASE * 2 + Duration::from_secs(3)).await;
    let keys = key_secrets(&client, &name).await?;
    assert_eq!(
        keys.len(),
        1,
        "keys: {:?}",
        keys.iter().map(ResourceExt::name_any).collect::<Vec<_>>()
    );
    let key = &keys[0];
    assert_eq!(key.type_.as_deref(), Some("kubernetes.io/tls"));
    assert_eq!(
        key.labels().get(KEY_LABEL).map(String::as_str),
        Some("active")
    );
    assert!(key.name_any().starts_with(PREFIX));
    eventually("the cert ConfigMap", DEFAULT_WAIT, || {
        published_matches(&client, &name, key)
    })
    .await?;
    for replica in replicas {
        replica.stop().await;
    }
    ns.delete().await?;
    Ok(())
}

/// Even replicas that all believe they lead (a split brain) make one key: the key name is
/// derived from the key Secrets they saw, so the API server refuses the second.
#[tokio::test]
async fn replicas_that_all_think_they_lead_still_create_one_key() -> TestResult {
    let Some(cluster) = cluster("replicas_that_all_think_they_lead").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "ha-split").await?;
    let schedule = Schedule::new(Duration::ZERO, None);
    let always = Leadership::always("split".to_owned()).subscribe();
    let passes = (0..4).map(|_| {
        let mut rotation = KeyRenewal::new(
            cluster.client.clone(),
            policy(ns.name(), schedule.clone()),
            None,
        );
        let is_leader = always.clone();
        async move { rotation.pass(false, &is_leader).await }
    });
    let results = futures::future::join_all(passes).await;
    let mut created = 0;
    for result in results {
        if result?.created.is_some() {
            created += 1;
        }
    }
    let keys = key_secrets(&cluster.client, ns.name()).await?;
    assert_eq!(
        keys.len(),
        1,
        "keys: {:?}",
        keys.iter().map(ResourceExt::name_any).collect::<Vec<_>>()
    );
    assert_eq!(created, 1, "exactly one pass reports a created key");
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn a_cutoff_time_gives_exactly_one_new_key_when_it_passes() -> TestResult {
    let Some(cluster) = cluster("a_cutoff_time_gives_one_new_key").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "cutoff").await?;
    let leader = Leadership::always("cutoff".to_owned()).subscribe();
    let first = KeyRenewal::new(
        cluster.client.clone(),
        policy(ns.name(), Schedule::default()),
        None,
    )
    .pass(false, &leader)
    .await?;
    assert_eq!(first.created.as_ref().map(|c| &c.1), Some(&Reason::NoKey));
    let first_key = first.created.map(|c| c.0).unwrap_or_default();

    // A cutoff a little ahead: not yet due, then due once, then satisfied.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let cutoff = OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let schedule = Schedule::new(Duration::ZERO, Some(cutoff));
    let mut rotation = KeyRenewal::new(cluster.client.clone(), policy(ns.name(), schedule), None);
    let early = rotation.pass(false, &leader).await?;
    assert_eq!(early.created, None, "created before the cutoff");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let due = rotation.pass(false, &leader).await?;
    assert_eq!(due.created.as_ref().map(|c| &c.1), Some(&Reason::Cutoff));
    let again = rotation.pass(false, &leader).await?;
    assert_eq!(again.created, None, "a second key for the same cutoff");

    let keys = key_secrets(&cluster.client, ns.name()).await?;
    assert_eq!(keys.len(), 2);
    let listing = KeyListing::from_secrets(ns.name(), keys);
    let newest = listing.newest().ok_or("no newest key")?;
    assert_ne!(
        newest.secret_name, first_key,
        "the cutoff key is the newest"
    );
    assert!(listing.newest_time().ok_or("no time")? >= cutoff.replace_nanosecond(0)?);
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn sigusr1_makes_the_leader_create_a_key_now() -> TestResult {
    let Some(cluster) = cluster("sigusr1_makes_the_leader_create_a_key").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "sigusr1").await?;
    let requests = sealgate_controller::keys::sigusr1_requests()?;
    let schedule = Schedule::new(Duration::ZERO, None);
    let replica = Replica::start(
        &cluster.client,
        ns.name(),
        "usr1",
        Some((policy(ns.name(), schedule), None)),
        Some(requests),
    )
    .await?;
    let client = cluster.client.clone();
    let name = ns.name().to_owned();
    let count = |want: usize| {
        let client = client.clone();
        let name = name.clone();
        async move {
            let n = key_secrets(&client, &name)
                .await
                .map_err(|e| e.to_string())?
                .len();
            if n == want {
                Ok(())
            } else {
                Err(format!("{n} keys, want {want}"))
            }
        }
    };
    eventually("the first key", DEFAULT_WAIT, || count(1)).await?;
    let status = std::process::Command::new("kill")
        .args(["-USR1", &std::process::id().to_string()])
        .status()?;
    assert!(status.success());
    eventually("a second key after SIGUSR1", DEFAULT_WAIT, || count(2)).await?;
    // And only one: the loop does not keep making keys.
    tokio::time::sleep(Duration::from_secs(3)).await;
    count(2).await?;
    let keys = key_secrets(&client, &name).await?;
    let listing = KeyListing::from_secrets(ns.name(), keys);
    let newest = listing.newest().ok_or("no key")?;
    let newest_secret = listing
        .secrets
        .iter()
        .find(|s| s.name_any() == newest.secret_name)
        .ok_or("newest secret")?;
    eventually("the new cert published", DEFAULT_WAIT, || {
        published_matches(&client, &name, newest_secret)
    })
    .await?;
    replica.stop().await;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn a_malformed_key_secret_does_not_stop_key_creation() -> TestResult {
    let Some(cluster) = cluster("a_malformed_key_secret_does_not_stop_key_creation").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "malformed").await?;
    let secrets: Api<Secret> = ns.api();
    let broken = Secret {
        metadata: ObjectMeta {
            name: Some("sealed-secrets-keybroken".to_owned()),
            labels: Some(BTreeMap::from([(
                KEY_LABEL.to_owned(),
                "active".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        type_: Some("kubernetes.io/tls".to_owned()),
        data: Some(BTreeMap::from([
            (
                "tls.crt".to_owned(),
                ByteString(
                    b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
                        .to_vec(),
                ),
            ),
            ("tls.key".to_owned(), ByteString(b"garbage".to_vec())),
        ])),
        ..Secret::default()
    };
    secrets.create(&PostParams::default(), &broken).await?;
    let leader = Leadership::always("malformed".to_owned()).subscribe();
    let mut rotation = KeyRenewal::new(
        cluster.client.clone(),
        policy(ns.name(), Schedule::default()),
        None,
    );
    let pass = rotation.pass(false, &leader).await?;
    assert_eq!(pass.created.as_ref().map(|c| &c.1), Some(&Reason::NoKey));
    assert!(pass.published.is_some());
    let keys = key_secrets(&cluster.client, ns.name()).await?;
    assert_eq!(keys.len(), 2);
    let listing = KeyListing::from_secrets(ns.name(), keys);
    assert_eq!(listing.snapshot.infos.len(), 1);
    assert_eq!(listing.snapshot.invalid.len(), 1);
    let created = pass.created.map(|c| c.0).unwrap_or_default();
    let good = listing
        .secrets
        .iter()
        .find(|s| s.name_any() == created)
        .ok_or("created key")?;
    published_matches(&cluster.client, ns.name(), good).await?;
    ns.delete().await?;
    Ok(())
}

#[tokio::test]
async fn the_backup_written_before_a_new_key_decrypts_with_the_identity() -> TestResult {
    let Some(cluster) = cluster("the_backup_written_before_a_new_key").await? else {
        return Ok(());
    };
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/escrow");
    let recipient = std::fs::read_to_string(fixtures.join("throwaway-ssh-ed25519.pub"))?;
    let identity = std::fs::read(fixtures.join("throwaway-ssh-ed25519"))?;
    let ns = TestNamespace::create(&cluster.client, "backup").await?;
    let leader = Leadership::always("backup".to_owned()).subscribe();
    let backup = Backup::new(
        cluster.client.clone(),
        ns.name(),
        BACKUP_NAME,
        &[recipient.trim().to_owned()],
    )?;
    let mut rotation = KeyRenewal::new(
        cluster.client.clone(),
        policy(ns.name(), Schedule::default()),
        Some(backup),
    );
    let first = rotation.pass(false, &leader).await?;
    assert!(first.created.is_some());
    let second = rotation.pass(true, &leader).await?;
    assert_eq!(
        second.created.as_ref().map(|c| &c.1),
        Some(&Reason::Requested)
    );

    let secrets: Api<Secret> = ns.api();
    let stored = secrets.get(BACKUP_NAME).await?;
    assert_eq!(
        stored
            .annotations()
            .get(BACKUP_COUNT_ANNOTATION)
            .map(String::as_str),
        Some("2")
    );
    let armored = stored
        .data
        .as_ref()
        .and_then(|d| d.get(BACKUP_KEY))
        .ok_or("backup without keys.age")?;
    assert!(armored.0.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    let identities = Identities::from_file(&identity, "throwaway-ssh-ed25519")?;
    let restored = restore(&armored.0, &identities, BACKUP_KEY)?;
    let keys = key_secrets(&cluster.client, ns.name()).await?;
    assert_eq!(restored.len(), keys.len());
    for key in &keys {
        let backed_up = restored
            .iter()
            .find(|r| r.metadata.name.as_deref() == Some(key.name_any().as_str()))
            .ok_or("key missing from the backup")?;
        let json = serde_json::to_value(backed_up)?;
        let expected = key
            .data
            .as_ref()
            .and_then(|d| d.get("tls.key"))
            .ok_or("tls.key")?;
        let got = json["data"]["tls.key"].as_str().ok_or("backup tls.key")?;
        assert_eq!(
            got,
            base64_of(&expected.0),
            "tls.key of {} differs",
            key.name_any()
        );
    }
    ns.delete().await?;
    Ok(())
}

fn base64_of(bytes: &[u8]) -> String {
    sealgate_core::seal::encode_base64(bytes)
}

/// A leader that can no longer see a lease of its own (here another holder wrote it) stops
/// writing within one watchdog period, not at its next renewal (two thirds of a lease later).
#[tokio::test]
async fn a_leader_that_loses_its_lease_stops_writing_before_its_next_renewal() -> TestResult {
    let Some(cluster) = cluster("a_leader_that_loses_its_lease_stops_writing").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "ha-lost").await?;
    // 12 s lease: renewal 8 s after acquiring, watchdog every 2 s.
    let lease = Duration::from_secs(12);
    let (_stop, stop_rx) = watch::channel(false);
    let config = LeaderConfig {
        enabled: true,
        namespace: ns.name().to_owned(),
        lease_name: DEFAULT_LEASE_NAME.to_owned(),
        identity: "replica-a".to_owned(),
        lease_duration: lease,
    };
    let a = Leadership::start(cluster.client.clone(), config, stop_signal(stop_rx))?;
    let mut leading = a.subscribe();
    tokio::time::timeout(DEFAULT_WAIT, leading.wait_for(|l| *l)).await??;
    let leases: Api<Lease> = ns.api();
    let now = k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
        k8s_openapi::jiff::Timestamp::now(),
    );
    let takeover = serde_json::json!({"spec": {"holderIdentity": "intruder", "renewTime": now, "leaseDurationSeconds": 60}});
    let taken_at = Instant::now();
    leases
        .patch(
            DEFAULT_LEASE_NAME,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&takeover),
        )
        .await?;
    tokio::time::timeout(lease, leading.wait_for(|l| !*l)).await??;
    let stepped_down = taken_at.elapsed();
    eprintln!(
        "step-down after losing the lease: {stepped_down:?} (lease {lease:?}, next renewal after 8 s)"
    );
    assert!(
        stepped_down < Duration::from_secs(6),
        "stepped down only after {stepped_down:?}"
    );
    // It stays a standby while the intruder's lease is valid.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!a.is_leader());
    assert_eq!(
        lease_holder(&cluster.client, ns.name()).await?.as_deref(),
        Some("intruder")
    );
    drop(a); // stops renewing without releasing the lease
    ns.delete().await?;
    Ok(())
}

/// After an outage longer than the lease, a replica finds the Lease still naming it but
/// expired: it must renew it and keep leading (the watchdog must not see the stale renewTime
/// and step down again and again).
#[tokio::test]
async fn a_replica_that_finds_its_own_expired_lease_renews_it_and_keeps_leading() -> TestResult {
    let Some(cluster) = cluster("a_replica_that_finds_its_own_expired_lease").await? else {
        return Ok(());
    };
    let ns = TestNamespace::create(&cluster.client, "ha-expired").await?;
    let leases: Api<Lease> = ns.api();
    let stale = k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
        k8s_openapi::jiff::Timestamp::now() - k8s_openapi::jiff::SignedDuration::from_secs(60),
    );
    let lease: Lease = serde_json::from_value(serde_json::json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": DEFAULT_LEASE_NAME},
        "spec": {"holderIdentity": "replica-a", "renewTime": stale, "acquireTime": stale, "leaseDurationSeconds": 4},
    }))?;
    leases.create(&PostParams::default(), &lease).await?;
    let a = Replica::start(&cluster.client, ns.name(), "replica-a", None, None).await?;
    eventually("a to lead", DEFAULT_WAIT, || async {
        if a.is_leader() {
            Ok(())
        } else {
            Err("not leading yet")
        }
    })
    .await?;
    let start = Instant::now();
    while start.elapsed() < LEASE {
        assert!(a.is_leader(), "stepped down after {:?}", start.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let renewed = leases
        .get(DEFAULT_LEASE_NAME)
        .await?
        .spec
        .and_then(|s| s.renew_time)
        .ok_or("no renewTime")?;
    assert!(renewed.0 > stale.0, "the lease was not renewed");
    a.stop().await;
    ns.delete().await?;
    Ok(())
}
