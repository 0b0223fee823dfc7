//! The controller's Kubernetes client: where it connects, and its client-side rate limit
//! (`--kubeclient-qps/-burst`).
//!
//! The limit is upstream's client-go token bucket, as a tower layer on the kube client: a
//! request waits for a token before it is sent (watches included, as in client-go). Off unless
//! asked for — the controller makes about one read and one write per changed SealedSecret, and
//! upstream's default of 5 QPS is most of why its cold sync is slow — but an operator who caps
//! the load on a shared API server gets the cap.

use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use kube::Client;
use kube::client::ClientBuilder;
use kube::config::{KubeConfigOptions, Kubeconfig};
use tower::{Layer, Service};

use crate::config::{ClusterFlags, KubeClientFlags};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot read kubeconfig {path}: {reason}")]
    Kubeconfig { path: String, reason: String },
    #[error("cannot configure the Kubernetes client: {reason}")]
    ClientConfig { reason: String },
}

/// A client from `--kubeconfig`, else the usual inference (in-cluster, then `KUBECONFIG`),
/// rate-limited when `--kubeclient-qps` is positive.
pub async fn client(
    cluster: &ClusterFlags,
    limit: &KubeClientFlags,
) -> Result<Client, ClientError> {
    let kube_config = match &cluster.kubeconfig {
        Some(path) => {
            let unreadable = |reason: String| ClientError::Kubeconfig {
                path: path.display().to_string(),
                reason,
            };
            let kubeconfig = Kubeconfig::read_from(path).map_err(|e| unreadable(e.to_string()))?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
                .await
                .map_err(|e| unreadable(e.to_string()))?
        }
        None => kube::Config::infer()
            .await
            .map_err(|e| ClientError::ClientConfig {
                reason: e.to_string(),
            })?,
    };
    let builder = ClientBuilder::try_from(kube_config).map_err(|e| ClientError::ClientConfig {
        reason: e.to_string(),
    })?;
    Ok(match layer(limit.kubeclient_qps, limit.kubeclient_burst) {
        Some(limit) => builder.with_layer(&limit).build(),
        None => builder.build(),
    })
}

/// `qps` requests per second with bursts of `burst`; `None` when `qps` is not positive
/// (upstream's `-1` means unlimited too).
pub fn layer(qps: f32, burst: u32) -> Option<RateLimitLayer> {
    if !qps.is_finite() || qps <= 0.0 {
        return None;
    }
    let period = std::time::Duration::from_secs_f64(1.0 / f64::from(qps));
    let burst = NonZeroU32::new(burst.max(1))?;
    let quota = Quota::with_period(period)?.allow_burst(burst);
    Some(RateLimitLayer {
        limiter: Arc::new(RateLimiter::direct(quota)),
    })
}

#[derive(Clone)]
pub struct RateLimitLayer {
    limiter: Arc<DefaultDirectRateLimiter>,
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimited<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimited {
            inner,
            limiter: Arc::clone(&self.limiter),
            sleep: None,
            permitted: false,
        }
    }
}

/// The limited service: `poll_ready` takes a token (sleeping until one is due) before it asks
/// the inner service, so the caller's `call` goes out at the allowed rate. kube's client drives
/// it through a buffer, which calls `poll_ready` before every `call`.
pub struct RateLimited<S> {
    inner: S,
    limiter: Arc<DefaultDirectRateLimiter>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    permitted: bool,
}

impl<S, Request> Service<Request> for RateLimited<S>
where
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        while !self.permitted {
            if let Some(sleep) = self.sleep.as_mut() {
                ready!(sleep.as_mut().poll(cx));
                self.sleep = None;
            }
            match self.limiter.check() {
                Ok(()) => self.permitted = true,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    self.sleep = Some(Box::pin(tokio::time::sleep(wait)));
                }
            }
        }
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.permitted = false;
        self.inner.call(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use tower::ServiceExt;

    #[test]
    fn non_positive_qps_means_no_limit() {
        assert!(layer(-1.0, 10).is_none());
        assert!(layer(0.0, 10).is_none());
        assert!(layer(f32::NAN, 10).is_none());
        assert!(
            layer(5.0, 0).is_some(),
            "a zero burst still lets one request through"
        );
    }

    #[tokio::test]
    async fn requests_beyond_the_burst_wait_for_a_token() {
        // One token per 1,000 s: after the burst of 2, the third request cannot be ready.
        let limit = layer(0.001, 2).unwrap();
        let mut service = limit.layer(tower::service_fn(|n: u32| async move {
            Ok::<_, std::convert::Infallible>(n)
        }));
        for n in 0..2 {
            let ready = service.ready().await.map_err(|e| e.to_string());
            assert!(ready.is_ok());
            assert_eq!(service.call(n).await.ok(), Some(n));
        }
        assert!(
            service.ready().now_or_never().is_none(),
            "the third request must wait"
        );
    }
}
