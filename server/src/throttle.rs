//! A flood guard on every state-changing request (`POST`, `PUT`, `PATCH`,
//! `DELETE` under `/api/`), per client address (an IPv6 address by its
//! /64), with `governor`'s keyed limiter: `LINLI_WRITE_LIMIT_PER_MINUTE`
//! acts a minute (default 300), all of them allowed in a burst. Beyond it: 429 `rate_limited` with
//! `Retry-After`, in the error envelope like every other error.
//!
//! It is a guard against scripts, not a rule for people: a compound's
//! shared Wi-Fi or a carrier's NAT puts many residents behind one address,
//! and the acts that need a tighter rule have their own (sign-in codes,
//! check-in codes). Each server counts for itself: behind a proxy with
//! several servers, the limit is per server.

use crate::AppState;
use crate::error::AppError;
use api_types::ErrorCode;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::net::SocketAddr;
use std::num::NonZeroU32;

/// The limiter: one allowance per client address.
#[derive(Debug)]
pub struct Throttle {
    limiter: RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>,
}

impl Throttle {
    /// A limiter allowing `per_minute` acts a minute per address.
    pub fn new(per_minute: NonZeroU32) -> Throttle {
        Throttle {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    /// Takes one act from `client`'s allowance; the whole seconds to wait
    /// when there is none left (rounded up, so a client that waits them
    /// finds one).
    pub fn take(&self, client: &str) -> Result<(), u64> {
        self.limiter.check_key(&key(client)).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            u64::try_from(wait.as_millis().div_ceil(1000))
                .unwrap_or(u64::MAX)
                .max(1)
        })
    }
}

/// The key an address counts under: an IPv6 address by its /64 (one
/// household's or phone's prefix, which holds any number of addresses),
/// anything else as it is.
fn key(client: &str) -> String {
    match client.parse::<std::net::Ipv6Addr>() {
        Ok(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Err(_) => client.to_owned(),
    }
}

/// Forgets, every minute, the addresses whose allowance is whole again, so
/// the limiter's memory follows the traffic of the last minute.
pub async fn forget_idle(throttle: std::sync::Arc<Throttle>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        throttle.limiter.retain_recent();
    }
}

/// Refuses a state-changing request whose address has no allowance left.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    // A forged cross-site write is refused further in (403) and is not
    // counted: a page one resident opens must not spend a compound's
    // allowance.
    if writes
        && request.uri().path().starts_with("/api/")
        && crate::web::is_same_origin(request.headers(), state.config.https)
    {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let client = crate::auth::client_address(
            request.headers(),
            peer,
            state.config.client_ip_header.as_deref(),
        );
        if let Err(wait) = state.throttle.take(&client) {
            return AppError::new(ErrorCode::RateLimited)
                .retry_after(wait)
                .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_prefix_shares_one_allowance() {
        assert_eq!(key("2408:8207:1234:5678::1"), "2408:8207:1234:5678::/64");
        assert_eq!(
            key("2408:8207:1234:5678:abcd::9"),
            "2408:8207:1234:5678::/64"
        );
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn the_wait_is_whole_seconds_rounded_up() {
        let throttle = Throttle::new(NonZeroU32::new(1).unwrap());
        assert_eq!(throttle.take("203.0.113.7"), Ok(()));
        let wait = throttle.take("203.0.113.7").unwrap_err();
        assert!((59..=60).contains(&wait), "{wait}");
    }
}
