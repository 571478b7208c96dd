//! Linli's server: the JSON API under `/api/`, and the built app for
//! everything else. `main.rs` only wires configuration, logging and the
//! database; [`app`] is the whole HTTP surface, so tests drive exactly what
//! production serves.

pub mod affairs;
pub mod auth;
pub mod backup;
pub mod circulation;
pub mod config;
pub mod consultations;
pub mod db;
pub mod deliveries;
pub mod demo;
pub mod error;
pub mod extract;
pub mod households;
pub mod idempotency;
pub mod leaving;
pub mod ledger;
pub mod metrics;
pub mod notices;
pub mod on_behalf;
pub mod people;
pub mod permissions;
pub mod photo_store;
pub mod photos;
pub mod place_edits;
pub mod places;
pub mod pool;
pub mod ratings;
pub mod roles;
pub mod roster;
pub mod routes;
pub mod secret;
pub mod sheet;
pub mod sms;
pub mod sms_page;
pub mod street;
pub mod telemetry;
pub mod throttle;
pub mod units;
pub mod web;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{any, get};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::{
    SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use config::Config;
pub use db::Db;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// The built app and its CSP.
    pub shell: Arc<web::AppShell>,
    /// Who sends sign-in codes and notices ([`Config::sms`] chose it).
    pub sms: Arc<dyn sms::SmsSender>,
    /// The key of keyed digests (roster phones).
    pub secret: secret::Secret,
    /// The flood guard on state-changing requests.
    pub throttle: Arc<throttle::Throttle>,
    /// Where photos are kept ([`Config::photo_store`] chose it).
    pub photos: photo_store::PhotoStore,
}

impl AppState {
    /// State for `db`, `config` and the server's `secret`, reading the built
    /// app from `config.dist_dir`; messages go through the sender
    /// `config.sms` describes, photos into the store `config.photo_store`
    /// describes (an error says why it cannot be opened).
    pub fn new(db: Db, config: Config, secret: secret::Secret) -> Result<AppState, String> {
        let shell = web::AppShell::load(&config.dist_dir);
        let sms = config.sms.sender();
        let throttle = Arc::new(throttle::Throttle::new(config.write_limit_per_minute));
        let photos = photo_store::PhotoStore::open(&config.photo_store)?;
        Ok(AppState {
            photos,
            throttle,
            db,
            config: Arc::new(config),
            shell: Arc::new(shell),
            sms,
            secret,
        })
    }
}

/// The whole HTTP surface of the portal.
pub fn app(state: AppState) -> Router {
    // The idempotency layer stands in front of the routing, so that a
    // retry of a settled key can replay a `GET` through the same routes.
    let routed: Router = api_routes(&state).with_state(state.clone());
    let keyed = Router::new()
        .fallback_service(routed)
        .layer(from_fn_with_state(state.clone(), idempotency::idempotency));
    with_middleware(keyed, state)
}

/// The API routes and the app fallback, before the shared middleware.
fn api_routes(state: &AppState) -> Router<AppState> {
    let (api, openapi) = routes::api();
    let openapi_json = openapi.to_json().unwrap_or_default();
    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route("/metrics", get(telemetry::guarded))
        .route("/me/sms", get(sms_page::show).post(sms_page::save))
        .route("/api/{*rest}", any(error::api_not_found))
        .route("/api", any(error::api_not_found))
        .route_layer(from_fn(telemetry::track))
        .layer(from_fn_with_state(state.clone(), web::same_origin_writes))
        // `limit_body` sets each path's limit; axum's own 2 MiB default
        // would otherwise cap photo and spreadsheet uploads below theirs.
        .layer(axum::extract::DefaultBodyLimit::disable());
    api.fallback(web::serve_app)
}

/// Wraps `routes` in the middleware every answer passes through: request
/// ids, tracing, security headers, the error envelope, panic recovery,
/// timeout and body limit.
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    // Outermost last: a request meets the request id first and the body
    // limit last; every error on the way out passes through the envelope.
    routes
        .layer(from_fn_with_state(state.clone(), limit_body))
        .layer(from_fn_with_state(state.clone(), throttle::guard))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(from_fn(error::localize_errors))
        .layer(from_fn_with_state(state.clone(), web::security_headers))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let path = web::loggable_path(request.uri().path());
                    tracing::info_span!("request", id, method = %request.method(), path = %path)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetSensitiveResponseHeadersLayer::new([header::SET_COOKIE]))
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::COOKIE,
            header::AUTHORIZATION,
        ]))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// The path photos are uploaded to: with spreadsheet imports, the bodies
/// allowed past the JSON limit.
pub const PHOTOS_PATH: &str = "/api/v1/photos";

/// Refuses bodies over the limit (413): the photo limit for photo uploads,
/// the JSON limit for everything else.
async fn limit_body(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let limit = if path == PHOTOS_PATH {
        state.config.photo_limit
    } else if path.ends_with("/place-imports") || path.ends_with("/roster-imports") {
        state.config.import_limit
    } else {
        state.config.body_limit
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return axum::response::IntoResponse::into_response(StatusCode::PAYLOAD_TOO_LARGE);
    }
    next.run(request.map(|body| Body::new(http_body_util::Limited::new(body, limit))))
        .await
}

/// Ends when the process is asked to stop (Ctrl-C or SIGTERM), so in-flight
/// requests can finish before the server exits.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Runs the periodic jobs every hour, forever, the first at once: photos
/// kept in the database moved into the photo store, clean-ups (expired
/// idempotency keys, old client error reports, abandoned photos) and the
/// reminders of tomorrow's volunteer slots.
pub async fn housekeeping(db: Db, photo_store: photo_store::PhotoStore) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let (d, store) = (db.clone(), photo_store.clone());
        survive("moving photos into the store", async move {
            match photos::move_into_store(&d, &store).await {
                Ok(0) => {}
                Ok(moved) => {
                    tracing::info!(moved, "moved photos from the database into the photo store")
                }
                Err(err) => {
                    tracing::warn!(error = ?err, "could not move photos into the photo store")
                }
            }
        })
        .await;
        let d = db.clone();
        survive("purging idempotency keys", async move {
            if let Err(err) = idempotency::purge_expired(&d).await {
                tracing::warn!(error = %err, "could not purge idempotency keys");
            }
        })
        .await;
        let d = db.clone();
        survive("purging client error reports", async move {
            if let Err(err) = routes::client_errors::purge_expired(&d).await {
                tracing::warn!(error = %err, "could not purge client error reports");
            }
        })
        .await;
        let (d, store) = (db.clone(), photo_store.clone());
        survive("purging abandoned photos", async move {
            if let Err(err) = photos::purge_abandoned(&d, &store).await {
                tracing::warn!(error = ?err, "could not purge abandoned photos");
            }
        })
        .await;
        let d = db.clone();
        survive("volunteer reminders", async move {
            if let Err(err) = pool::send_reminders(&d, db::now_ms()).await {
                tracing::warn!(error = %err, "could not send volunteer reminders");
            }
        })
        .await;
    }
}

/// Runs one round of a background job as its own task, so that a panic in
/// it (a library's bug, a damaged row) is logged and the loop that runs it
/// goes on to its other jobs and its next round instead of dying silently.
pub async fn survive(job: &'static str, work: impl Future<Output = ()> + Send + 'static) {
    if let Err(err) = tokio::spawn(work).await
        && err.is_panic()
    {
        tracing::error!(job, error = %err, "a background job panicked; it runs again next round");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_job_that_panics_does_not_end_the_round() {
        let ran = Arc::new(AtomicU32::new(0));
        for round in 0..3 {
            let r = ran.clone();
            super::survive("test job", async move {
                r.fetch_add(1, Ordering::SeqCst);
                assert!(round != 1, "a damaged row in round {round}");
            })
            .await;
        }
        assert_eq!(
            ran.load(Ordering::SeqCst),
            3,
            "the round after the panic ran"
        );
    }
}
