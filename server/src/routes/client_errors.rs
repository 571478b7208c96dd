//! `POST /api/v1/client-errors`: crashes and failed calls reported by the
//! app from residents' phones, kept for the team (30 days) and logged.

use crate::AppState;
use crate::db::now_ms;
use crate::error::AppError;
use crate::extract::ApiJson;
use api_types::ErrorBody;
use api_types::client_errors::{ClientErrorKind, ClientErrorReceipt, NewClientError};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use sqlx::Row;
use utoipa_axum::{router::OpenApiRouter, routes};

/// How long reports are kept.
pub const RETENTION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The client-error route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_client_error))
}

/// Records a failure the app saw.
#[utoipa::path(
    post,
    path = "/client-errors",
    tag = "client-errors",
    request_body = NewClientError,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Recorded", body = ClientErrorReceipt),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 413, description = "Too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
pub async fn create_client_error(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(report): ApiJson<NewClientError>,
) -> Result<(StatusCode, Json<ClientErrorReceipt>), AppError> {
    report.validate().map_err(AppError::validation)?;
    let text = |name: header::HeaderName, max: usize| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(max).collect::<String>())
    };
    let user_agent = text(header::USER_AGENT, 500);
    let request_id = text(header::HeaderName::from_static("x-request-id"), 100);
    let kind = match report.kind {
        ClientErrorKind::Panic => "panic",
        ClientErrorKind::Api => "api",
    };
    // Debug formatting escapes what a client sent: no forged log lines or
    // terminal escape codes.
    tracing::warn!(
        kind,
        message = ?report.message,
        page = ?report.page,
        user_agent = ?user_agent,
        "the app reported a failure"
    );
    let row = sqlx::query(
        "INSERT INTO client_errors (kind, message, page, user_agent, request_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind)
    .bind(report.message.trim().to_owned())
    .bind(report.page)
    .bind(user_agent)
    .bind(request_id)
    .bind(now_ms())
    .fetch_one(&state.db.pool)
    .await?;
    let id: i64 = row.try_get(0)?;
    Ok((StatusCode::CREATED, Json(ClientErrorReceipt { id })))
}

/// Forgets reports older than the retention period; run periodically.
pub async fn purge_expired(db: &crate::db::Db) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM client_errors WHERE created_at < $1")
        .bind(now_ms() - RETENTION_MS)
        .execute(&db.pool)
        .await
        .map(|r| r.rows_affected())
}
