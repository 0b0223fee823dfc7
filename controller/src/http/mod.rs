//! The HTTP servers every replica runs: the API on `:8080` and Prometheus metrics on `:8081`.
//!
//! Only reads happen here (certs, trial decryptions, re-sealing), so standbys serve too.

mod api;
mod limit;
mod metrics;

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::Duration;

use futures::FutureExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use api::{ApiState, router};
pub use limit::RateLimit;
pub use metrics::{HttpMetrics, RenderMetrics, metrics_router};

use crate::keys::Keyring;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(
        "{flag} {given:?} is not an address to listen on (use \":8080\", \"0.0.0.0:8080\" or \"[::1]:8080\")"
    )]
    Address { flag: &'static str, given: String },
    #[error("cannot listen on {addr} ({flag}): {source}")]
    Bind {
        flag: &'static str,
        addr: String,
        #[source]
        source: std::io::Error,
    },
}

/// `--listen-addr`, `--listen-metrics-addr`, `--rate-limit`, `--rate-limit-burst`.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen_addr: String,
    pub metrics_addr: String,
    /// `/v1/verify` and `/v1/rotate` requests per second per client and path; 0 disables the limit.
    pub rate_limit: u32,
    pub rate_limit_burst: u32,
    /// One API request must be answered within this (`--read-timeout` + `--write-timeout`).
    pub request_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen_addr: ":8080".to_owned(),
            metrics_addr: ":8081".to_owned(),
            rate_limit: 2,
            rate_limit_burst: 2,
            request_timeout: Duration::from_secs(240),
        }
    }
}

/// The running servers and the addresses they actually bound (port 0 picks a free port).
pub struct HttpServers {
    pub api_addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    task: JoinHandle<()>,
}

impl HttpServers {
    /// Waits for both servers to finish (after shutdown, once open requests are answered).
    pub async fn stopped(mut self) {
        if let Err(error) = (&mut self.task).await {
            tracing::warn!(%error, "HTTP server task ended abnormally");
        }
    }
}

/// Dropped without [`HttpServers::stopped`]: the servers stop and free their ports.
impl Drop for HttpServers {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds both addresses (errors at once, so a taken port fails startup), then serves until
/// `shutdown`. `render` encodes the registry that holds `metrics` (see [`HttpMetrics::register`]).
pub async fn serve(
    config: &HttpConfig,
    keyring: Keyring,
    ready: tokio::sync::watch::Receiver<bool>,
    metrics: HttpMetrics,
    render: RenderMetrics,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<HttpServers, HttpError> {
    let api_listener = bind("--listen-addr", &config.listen_addr).await?;
    let metrics_listener = bind("--listen-metrics-addr", &config.metrics_addr).await?;
    let api_addr = local_addr("--listen-addr", &api_listener)?;
    let metrics_addr = local_addr("--listen-metrics-addr", &metrics_listener)?;
    let limit = RateLimit::new(config.rate_limit, config.rate_limit_burst);
    let api_app = router(
        ApiState::new(keyring, limit, config.request_timeout, ready),
        metrics,
    );
    let metrics_app = metrics_router(render);
    let shutdown = shutdown.shared();
    let api = axum::serve(
        api_listener,
        api_app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone());
    let metrics_server =
        axum::serve(metrics_listener, metrics_app).with_graceful_shutdown(shutdown);
    tracing::info!(%api_addr, %metrics_addr, "HTTP servers listening");
    let task = tokio::spawn(async move {
        let (a, m) = tokio::join!(api.into_future(), metrics_server.into_future());
        for result in [a, m] {
            if let Err(error) = result {
                tracing::warn!(%error, "HTTP server stopped with an error");
            }
        }
    });
    Ok(HttpServers {
        api_addr,
        metrics_addr,
        task,
    })
}

/// Go-style `:8080` listens on every interface (IPv6 and IPv4 where the host allows it).
async fn bind(flag: &'static str, given: &str) -> Result<TcpListener, HttpError> {
    let candidates: Vec<String> = match given.strip_prefix(':') {
        Some(port) if port.parse::<u16>().is_ok() => {
            vec![format!("[::]:{port}"), format!("0.0.0.0:{port}")]
        }
        Some(_) => {
            return Err(HttpError::Address {
                flag,
                given: given.to_owned(),
            });
        }
        None => vec![given.to_owned()],
    };
    let mut last = None;
    for candidate in candidates {
        let addr: SocketAddr = candidate.parse().map_err(|_| HttpError::Address {
            flag,
            given: given.to_owned(),
        })?;
        match TcpListener::bind(addr).await {
            Ok(listener) => return Ok(listener),
            Err(source) => last = Some((candidate, source)),
        }
    }
    let (addr, source) =
        last.unwrap_or_else(|| (given.to_owned(), std::io::Error::other("no address")));
    Err(HttpError::Bind { flag, addr, source })
}

fn local_addr(flag: &'static str, listener: &TcpListener) -> Result<SocketAddr, HttpError> {
    listener.local_addr().map_err(|source| HttpError::Bind {
        flag,
        addr: "bound socket".to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn addresses_parse_like_upstream_flags() {
        let any = bind("--listen-addr", ":0").await.unwrap();
        assert!(any.local_addr().unwrap().port() > 0);
        let local = bind("--listen-addr", "127.0.0.1:0").await.unwrap();
        assert!(local.local_addr().unwrap().ip().is_loopback());
        for bad in [":http", "8080", "localhost:x", ""] {
            assert!(
                matches!(
                    bind("--listen-addr", bad).await,
                    Err(HttpError::Address { .. })
                ),
                "{bad:?} accepted"
            );
        }
    }
}
