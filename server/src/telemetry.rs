//! Operational figures in Prometheus' text format (the `metrics` crate,
//! exported by `metrics-exporter-prometheus`): requests and their latency
//! by route, text messages sent and failed, the SMS queue's depth, photo
//! store operations and the photos not yet moved into it, the database
//! pool.
//!
//! `GET /metrics` answers only to `Authorization: Bearer <LINLI_METRICS_TOKEN>`
//! on the portal's address, or to anyone on `LINLI_METRICS_ADDR`, a
//! separate address for a private network; with neither set it is 404.

use crate::AppState;
use crate::error::AppError;
use api_types::ErrorCode;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Requests answered: `method`, `route` (the route's pattern, such as
/// `/api/v1/affairs/{id}`), `status`.
pub const REQUESTS: &str = "linli_http_requests_total";
/// Seconds from a request to its answer: `method`, `route`.
pub const LATENCY: &str = "linli_http_request_duration_seconds";
/// Text messages the provider took: `template`.
pub const SMS_SENT: &str = "linli_sms_sent_total";
/// Text messages the provider did not take: `template`, `failure`
/// (`throttled`, `rejected`, `unavailable`).
pub const SMS_FAILED: &str = "linli_sms_failed_total";
/// Text messages waiting in the queue (not sent, not given up).
pub const SMS_QUEUED: &str = "linli_sms_queue_depth";
/// Photo store operations: `op` (`put`, `get`, `delete`), `outcome` (`ok`,
/// `error`).
pub const PHOTO_STORE: &str = "linli_photo_store_ops_total";
/// Seconds a photo store operation took: `op`.
pub const PHOTO_STORE_LATENCY: &str = "linli_photo_store_duration_seconds";
/// Photos still in the database, waiting to be copied into the store.
pub const PHOTOS_UNMOVED: &str = "linli_photos_unmoved";
/// The database pool's open and idle connections.
pub const DB_CONNECTIONS: &str = "linli_db_connections";
/// …of which idle.
pub const DB_IDLE: &str = "linli_db_connections_idle";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed the first time it is needed.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(
                Matcher::Full(LATENCY.to_owned()),
                &[
                    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                ],
            )
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (only in tests) keeps its place.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Drains the histograms' samples into their buckets every few seconds
/// (the exporter does it on a scrape otherwise, and nobody may scrape),
/// for as long as the server runs.
pub async fn upkeep() {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        tick.tick().await;
        handle().run_upkeep();
    }
}

/// Counts each routed request and times it, by its route's pattern (so
/// `/affairs/1` and `/affairs/2` are one series).
pub async fn track(request: Request, next: Next) -> Response {
    handle();
    // Any other word a client sends as a method would be a new series.
    let method = match *request.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let start = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

/// Counts a message the provider took, or did not.
pub fn sms_outcome(template: &'static str, failure: Option<crate::sms::SmsFailure>) {
    use crate::sms::SmsFailure;
    handle();
    match failure {
        None => metrics::counter!(SMS_SENT, "template" => template).increment(1),
        Some(failure) => {
            let failure = match failure {
                SmsFailure::Throttled => "throttled",
                SmsFailure::Rejected => "rejected",
                SmsFailure::Unavailable => "unavailable",
            };
            metrics::counter!(SMS_FAILED, "template" => template, "failure" => failure)
                .increment(1);
        }
    }
}

/// Counts and times one photo store operation `op` begun at `started`.
pub fn photo_store(op: &'static str, started: Instant, ok: bool) {
    handle();
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!(PHOTO_STORE, "op" => op, "outcome" => outcome).increment(1);
    metrics::histogram!(PHOTO_STORE_LATENCY, "op" => op).record(started.elapsed().as_secs_f64());
}

/// `GET /metrics` on the portal's address: the figures for the bearer of
/// `LINLI_METRICS_TOKEN`, 401 for anyone else, 404 when no token is set.
pub async fn guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return AppError::new(ErrorCode::NotFound).into_response();
    };
    let offered = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !crate::auth::same_digest(offered, token) {
        return AppError::new(ErrorCode::Unauthorized).into_response();
    }
    render(State(state)).await
}

/// The figures, the gauges read now.
pub async fn render(State(state): State<AppState>) -> Response {
    let handle = handle();
    let queued: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sms_deliveries WHERE sent_at IS NULL AND gave_up_at IS NULL",
    )
    .fetch_one(&state.db.pool)
    .await;
    if let Ok(queued) = queued {
        metrics::gauge!(SMS_QUEUED).set(queued as f64);
    }
    let unmoved: Result<i64, sqlx::Error> =
        sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE jpeg IS NOT NULL")
            .fetch_one(&state.db.pool)
            .await;
    if let Ok(unmoved) = unmoved {
        metrics::gauge!(PHOTOS_UNMOVED).set(unmoved as f64);
    }
    metrics::gauge!(DB_CONNECTIONS).set(f64::from(state.db.pool.size()));
    metrics::gauge!(DB_IDLE).set(state.db.pool.num_idle() as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}
