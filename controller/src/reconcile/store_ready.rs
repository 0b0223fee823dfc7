//! Waiting for the Secret watch's first list, from any number of reconciles at once.
//!
//! kube-runtime 5's `Store::wait_until_ready` keeps a single waker (one oneshot receiver shared
//! by every caller): when several reconciles wait at start-up, only the last one to poll is
//! woken and the others sleep until their own timeout (10 s each, at every start). So only one
//! future waits on the store, and every reconcile waits on a shared copy of it.

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use k8s_openapi::api::core::v1::Secret;
use kube::core::PartialObjectMeta;
use kube::runtime::reflector::Store;

/// Resolves once the store has its first list: `true`, or `false` when its writer is gone.
pub type Ready = Shared<BoxFuture<'static, bool>>;

pub fn ready(store: &Store<PartialObjectMeta<Secret>>) -> Ready {
    let store = store.clone();
    async move { store.wait_until_ready().await.is_ok() }
        .boxed()
        .shared()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use kube::runtime::{reflector, watcher};

    use super::*;

    #[tokio::test]
    async fn every_concurrent_waiter_is_woken() {
        let (store, mut writer) = reflector::store::<PartialObjectMeta<Secret>>();
        let ready = ready(&store);
        let waiters: Vec<_> = (0..4).map(|_| tokio::spawn(ready.clone())).collect();
        // Let every waiter register before the list completes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        writer.apply_watcher_event(&watcher::Event::Init);
        writer.apply_watcher_event(&watcher::Event::InitDone);
        for waiter in waiters {
            let woken = tokio::time::timeout(Duration::from_secs(2), waiter).await;
            assert!(matches!(woken, Ok(Ok(true))), "{woken:?}");
        }
        assert!(ready.clone().await, "and any later caller");
    }
}
