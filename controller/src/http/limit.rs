//! Per-client rate limit of `/v1/verify` and `/v1/rotate`, decryption oracles (GCRA like upstream's limiter).
//!
//! Clients are told apart as upstream does: by `X-Forwarded-For` (the API server's service
//! proxy sets it to the caller), else by the peer address.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::http::HeaderMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys kept per client are pruned once this many are held (an unbounded map would let a
/// caller who varies `X-Forwarded-For` grow memory).
const PRUNE_AT: usize = 10_000;

#[derive(Clone)]
pub struct RateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<String>>>,
}

impl RateLimit {
    /// `per_second` requests per second with bursts of `burst`; `per_second == 0` disables it.
    pub fn new(per_second: u32, burst: u32) -> Self {
        let limiter = NonZeroU32::new(per_second).map(|rate| {
            let burst = NonZeroU32::new(burst).unwrap_or(rate);
            Arc::new(RateLimiter::keyed(
                Quota::per_second(rate).allow_burst(burst),
            ))
        });
        Self { limiter }
    }

    /// `true` when the request may go ahead.
    pub fn admit(&self, path: &str, headers: &HeaderMap, peer: Option<IpAddr>) -> bool {
        let Some(limiter) = &self.limiter else {
            return true;
        };
        if limiter.len() >= PRUNE_AT {
            limiter.retain_recent();
        }
        limiter.check_key(&client_key(path, headers, peer)).is_ok()
    }
}

fn client_key(path: &str, headers: &HeaderMap, peer: Option<IpAddr>) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match (forwarded, peer) {
        (Some(client), _) => format!("{path}|{client}"),
        (None, Some(ip)) => format!("{path}|{ip}"),
        (None, None) => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn forwarded(client: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().unwrap());
        headers
    }

    #[test]
    fn the_burst_passes_then_the_client_is_refused_but_others_are_not() {
        let limit = RateLimit::new(2, 2);
        let a = forwarded("10.0.0.1");
        assert!(limit.admit("/v1/verify", &a, None));
        assert!(limit.admit("/v1/verify", &a, None));
        assert!(!limit.admit("/v1/verify", &a, None));
        assert!(limit.admit("/v1/verify", &forwarded("10.0.0.2, 10.0.0.9"), None));
        let peer = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert!(limit.admit("/v1/verify", &HeaderMap::new(), peer));
    }

    #[test]
    fn zero_disables_the_limit() {
        let limit = RateLimit::new(0, 0);
        assert!((0..100).all(|_| limit.admit("/v1/verify", &HeaderMap::new(), None)));
    }

    #[test]
    fn the_first_forwarded_address_is_the_client() {
        assert_eq!(
            client_key("/p", &forwarded(" 1.2.3.4 , 5.6.7.8"), None),
            "/p|1.2.3.4"
        );
        let peer = Some(IpAddr::V4(Ipv4Addr::new(9, 9, 9, 9)));
        assert_eq!(client_key("/p", &HeaderMap::new(), peer), "/p|9.9.9.9");
    }
}
