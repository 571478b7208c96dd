//! A flood guard on every state-changing request (`POST`, `PUT`, `PATCH`,
//! `DELETE` under `/api/`), per client address, with `governor`'s keyed
//! limiter: `LINLI_WRITE_LIMIT_PER_MINUTE` acts a minute (default 300),
//! all of them allowed in a burst. Beyond it: 429 `rate_limited` with
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

/// Addresses remembered before the limiter forgets those with a full
/// allowance again.
const FORGET_AFTER: usize = 10_000;

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

    /// Takes one act from `client`'s allowance; the seconds to wait when
    /// there is none left.
    pub fn take(&self, client: &str) -> Result<(), u64> {
        if self.limiter.len() > FORGET_AFTER {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&client.to_owned())
            .map_err(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1)
            })
    }
}

/// Refuses a state-changing request whose address has no allowance left.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if writes && request.uri().path().starts_with("/api/") {
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
