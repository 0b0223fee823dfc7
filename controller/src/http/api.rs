//! Upstream's HTTP API: `/healthz`, `/readyz`, `/v1/cert.pem`, `/v1/verify`, `/v1/rotate`.
//!
//! `/healthz` answers once the listener is up (liveness); `/readyz` answers 503 until the keys
//! are loaded and the watches started, as upstream v0.40's. verify and rotate are rate-limited
//! per client and path (upstream limits rotate too since v0.40: both are decryption oracles).
//! Status codes follow upstream's `server.go`: verify answers 200 (decryptable), 409 (not),
//! 400 (body unreadable) and 500 (not a SealedSecret); cert.pem answers 500 without a key.
//! Rotate answers 400 for a body that is not a SealedSecret, 409 when no key opens it, 500
//! without a key. RSA work runs on blocking threads, off the reactor.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use sealgate_core::manifest::redact::first_dropped_item;
use sealgate_core::seal::{Scope, SealError, SealedSecret, SealingCert, UnsealingKeys, reencrypt};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::watch;

use super::limit::RateLimit;
use super::metrics::{HttpMetrics, track};
use crate::keys::Keyring;
use crate::keys::cert_pem;

/// What the handlers share: the loaded keys, the limiter and whether the replica is ready.
#[derive(Clone)]
pub struct ApiState {
    keyring: Keyring,
    limit: RateLimit,
    timeout: Duration,
    ready: watch::Receiver<bool>,
}

impl ApiState {
    pub fn new(
        keyring: Keyring,
        limit: RateLimit,
        timeout: Duration,
        ready: watch::Receiver<bool>,
    ) -> Self {
        Self {
            keyring,
            limit,
            timeout,
            ready,
        }
    }

    fn newest_cert(&self) -> Option<SealingCert> {
        self.keyring.current().newest().and_then(|k| k.cert.clone())
    }
}

/// The `:8080` routes with request metrics.
pub fn router(state: ApiState, metrics: HttpMetrics) -> Router {
    Router::new()
        .route("/healthz", any(healthz))
        .route("/readyz", any(readyz))
        .route("/v1/cert.pem", get(cert))
        .route("/v1/verify", post(verify))
        .route("/v1/rotate", post(rotate))
        .layer(axum::middleware::from_fn_with_state(state.timeout, bounded))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(metrics, track))
}

/// Answers 503 when reading, deciding and writing one request takes longer than `timeout`
/// (upstream's read and write timeouts, as one bound).
async fn bounded(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the request took too long; retry later\n",
        ),
    }
}

async fn healthz() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
}

async fn readyz(State(state): State<ApiState>) -> Response {
    if *state.ready.borrow() {
        text(StatusCode::OK, "ok\n")
    } else {
        text(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

async fn cert(State(state): State<ApiState>) -> Response {
    match state.newest_cert() {
        Some(cert) => (
            [(header::CONTENT_TYPE, "application/x-pem-file")],
            cert_pem(&cert),
        )
            .into_response(),
        None => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "no sealing key yet; the leader creates one at startup\n",
        ),
    }
}

/// 429 when the client has spent its budget for `path` (verify and rotate: decryption oracles).
fn over_limit(
    state: &ApiState,
    path: &str,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Option<Response> {
    (!state.limit.admit(path, headers, Some(peer.ip()))).then(|| {
        text(
            StatusCode::TOO_MANY_REQUESTS,
            "rate limit exceeded; retry later\n",
        )
    })
}

async fn verify(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = over_limit(&state, "/v1/verify", &headers, peer) {
        return refused;
    }
    let sealed = match parse_sealed_secret(&body) {
        Ok(sealed) => sealed,
        Err(message) => return text(StatusCode::INTERNAL_SERVER_ERROR, &message),
    };
    let snapshot = state.keyring.current();
    match blocking(move || opens(&snapshot.keys, &sealed)).await {
        Ok(Ok(())) => text(StatusCode::OK, ""),
        Ok(Err(message)) => text(StatusCode::CONFLICT, &message),
        Err(message) => text(StatusCode::INTERNAL_SERVER_ERROR, &message),
    }
}

async fn rotate(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = over_limit(&state, "/v1/rotate", &headers, peer) {
        return refused;
    }
    let sealed = match parse_sealed_secret(&body) {
        Ok(sealed) => sealed,
        Err(message) => return text(StatusCode::BAD_REQUEST, &message),
    };
    let Some(cert) = state.newest_cert() else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "no sealing key yet\n");
    };
    let snapshot = state.keyring.current();
    // Same top-level scope, namespace and name in and out: the label never changes, so the
    // scope can never widen, and the template (data templates included) is kept verbatim.
    let rotated = blocking(move || reencrypt(&snapshot.keys, &cert, &sealed)).await;
    match rotated {
        Ok(Ok(out)) => match serde_json::to_vec(&out) {
            Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
            Err(error) => text(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("encoding the result failed: {error}\n"),
            ),
        },
        Ok(Err(error @ (SealError::MissingName { .. } | SealError::MissingNamespace { .. }))) => {
            text(StatusCode::BAD_REQUEST, &format!("{error}\n"))
        }
        Ok(Err(error)) => text(StatusCode::CONFLICT, &format!("{error}\n")),
        Err(message) => text(StatusCode::INTERNAL_SERVER_ERROR, &message),
    }
}

/// One SealedSecret, JSON or single-document YAML (upstream rejects multi-doc bodies too).
fn parse_sealed_secret(body: &[u8]) -> Result<SealedSecret, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8 text\n".to_owned())?;
    let sealed: SealedSecret = match serde_json::from_str(text) {
        Ok(sealed) => sealed,
        Err(_) => serde_saphyr::from_str(text).map_err(|e| {
            format!(
                "the body is not one SealedSecret in JSON or YAML: {}\n",
                sealgate_core::manifest::redact::yaml_error(&e)
            )
        })?,
    };
    if sealed.kind != "SealedSecret" {
        return Err(format!(
            "expected kind SealedSecret, got {:?}\n",
            sealed.kind
        ));
    }
    // The model drops `encryptedData` entries that are not strings (as the watch must); a body
    // with one is refused instead of being verified, or rotated, without that item.
    let raw: Option<serde_json::Value> = serde_json::from_str(text)
        .ok()
        .or_else(|| serde_saphyr::from_str(text).ok());
    if let Some((pointer, found)) = raw.as_ref().and_then(first_dropped_item) {
        let article = if found == "null" { "" } else { "a " };
        return Err(format!(
            "the body is not one SealedSecret in JSON or YAML: {pointer} is {article}{found}, expected a string\n"
        ));
    }
    Ok(sealed)
}

/// Opens every item as the controller would (label from the TOP-LEVEL scope); the plaintext is
/// dropped (and wiped) at once.
fn opens(keys: &UnsealingKeys, sealed: &SealedSecret) -> Result<(), String> {
    let scope = Scope::from_annotations(&sealed.metadata.annotations);
    let namespace = sealed.metadata.namespace.clone().unwrap_or_default();
    let name = sealed.metadata.name.clone().unwrap_or_default();
    let label = scope.label(&namespace, &name);
    let legacy = sealed.spec.data.iter().map(|v| ("<spec.data>", v.as_str()));
    let items = sealed
        .spec
        .encrypted_data
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()));
    for (key, value) in items.chain(legacy) {
        keys.open(&label, value, None)
            .map_err(|error| format!("item {key:?} of {namespace}/{name} ({scope}): {error}\n"))?;
    }
    Ok(())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("internal error: {e}\n"))
}

fn text(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.to_owned(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_or_single_yaml_sealed_secrets() {
        let json = br#"{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{"name":"a","namespace":"b"},"spec":{"encryptedData":{"k":"AgA="}}}"#;
        assert!(parse_sealed_secret(json).is_ok());
        let yaml = b"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a, namespace: b}\nspec:\n  encryptedData: {k: AgA=}\n";
        assert!(parse_sealed_secret(yaml).is_ok());
        let two = [yaml.as_slice(), b"---\n", yaml.as_slice()].concat();
        assert!(parse_sealed_secret(&two).is_err());
        assert!(parse_sealed_secret(b"kind: Secret\napiVersion: v1\n").is_err());
        assert!(parse_sealed_secret(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn bodies_with_items_the_model_would_drop_are_refused() {
        let json = br#"{"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret","metadata":{"name":"a","namespace":"b"},"spec":{"encryptedData":{"k":"AgA=","n":3}}}"#;
        let refused = parse_sealed_secret(json).err().unwrap_or_default();
        assert!(
            refused.contains("/spec/encryptedData/n is a number"),
            "{refused}"
        );
        let yaml = b"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a, namespace: b}\nspec:\n  encryptedData: {k: AgA=, m: {x: y}}\n";
        assert!(parse_sealed_secret(yaml).is_err());
        let yaml = b"apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a, namespace: b}\nspec:\n  encryptedData:\n";
        assert!(parse_sealed_secret(yaml).is_err());
    }
}
