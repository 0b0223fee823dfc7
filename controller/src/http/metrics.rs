//! HTTP request metrics with upstream's names, and the `:8081/metrics` endpoint that serves the registry.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Go client's default buckets, as upstream's histogram uses.
const DEFAULT_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub path: String,
    pub code: String,
    pub method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DurationLabels {
    pub path: String,
    pub method: String,
}

/// `sealed_secrets_controller_http_requests_total{path,code,method}` and
/// `sealed_secrets_controller_http_request_duration_seconds{path,method}`.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    durations: Family<DurationLabels, Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            durations: Family::new_with_constructor(|| Histogram::new(DEFAULT_BUCKETS)),
        }
    }
}

impl HttpMetrics {
    /// Registers both families under their full upstream names (`registry` must not add a prefix).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "sealed_secrets_controller_http_requests",
            "Total number of HTTP requests by path, status code and method",
            self.requests.clone(),
        );
        registry.register(
            "sealed_secrets_controller_http_request_duration_seconds",
            "HTTP request latencies in seconds by path and method",
            self.durations.clone(),
        );
    }

    pub fn requests(&self, path: &str, code: u16, method: &str) -> u64 {
        self.requests
            .get_or_create(&RequestLabels {
                path: path.to_owned(),
                code: code.to_string(),
                method: method.to_owned(),
            })
            .get()
    }
}

/// Middleware: counts and times every request by its route (never the raw URL, so arbitrary
/// paths cannot grow the label set).
pub async fn track(State(metrics): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    metrics
        .durations
        .get_or_create(&DurationLabels {
            path: path.clone(),
            method: method.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            path,
            code: response.status().as_u16().to_string(),
            method,
        })
        .inc();
    response
}

/// Produces the OpenMetrics text of every registered metric (the controller's `Metrics::encode`).
pub type RenderMetrics = Arc<dyn Fn() -> String + Send + Sync>;

/// The `:8081` routes: `/metrics` in the OpenMetrics text format.
pub fn metrics_router(render: RenderMetrics) -> Router {
    Router::new()
        .route("/metrics", get(serve_metrics))
        .with_state(render)
}

async fn serve_metrics(State(render): State<RenderMetrics>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        render(),
    )
        .into_response()
}
