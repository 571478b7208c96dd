//! The three rates, their CSV export, a compound's public board, and the
//! street's time limits they are measured against.

use crate::auth::CurrentPerson;
use crate::db::now_ms;
use crate::error::{AppError, request_lang};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::affairs::view;
use crate::{AppState, affairs, circulation, metrics};
use api_types::affairs::{AffairSettings, Board, Metrics, MetricsQuery, Scope};
use api_types::{ErrorBody, ErrorCode};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The metrics routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_metrics))
        .routes(routes!(export_metrics))
        .routes(routes!(get_board))
        .routes(routes!(get_settings, put_settings))
}

/// A month's figures of a station, grid or community: received, the split
/// by level, the three rates with their counts, median times, overdue.
/// Public: they are counts, and the board shows them to residents.
#[utoipa::path(
    get,
    path = "/affair-metrics",
    tag = "affairs",
    params(MetricsQuery),
    responses(
        (status = 200, description = "The month's figures", body = Metrics),
        (status = 404, description = "No such place", body = ErrorBody),
        (status = 422, description = "The month is not YYYY-MM", body = ErrorBody),
    )
)]
pub async fn get_metrics(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MetricsQuery>,
) -> Result<Json<Metrics>, AppError> {
    Ok(Json(
        metrics::month(&state.db, query.scope, query.place_id, &query.month).await?,
    ))
}

/// The month's affairs of a place as CSV, for its staff and those above.
#[utoipa::path(
    get,
    path = "/affair-metrics/export",
    tag = "affairs",
    params(MetricsQuery),
    responses(
        (status = 200, description = "CSV, UTF-8 with a byte-order mark", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff of the place", body = ErrorBody),
        (status = 422, description = "The month is not YYYY-MM", body = ErrorBody),
    )
)]
pub async fn export_metrics(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiQuery(query): ApiQuery<MetricsQuery>,
) -> Result<impl IntoResponse, AppError> {
    if !metrics::may_export(&state.db, person.id, query.scope, query.place_id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let csv = metrics::csv(
        &state.db,
        query.scope,
        query.place_id,
        &query.month,
        person.id,
    )
    .await?;
    let disposition = format!(
        "attachment; filename=\"affairs-{}-{}-{}.csv\"",
        match query.scope {
            Scope::Station => "station",
            Scope::Grid => "grid",
            Scope::Community => "community",
        },
        query.place_id,
        query.month.replace(['"', '\\'], "")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    ))
}

/// The compound's public board: its station's figures for this month and
/// last, recently resolved public affairs, concluded consultations, and
/// the month's volunteer service.
#[utoipa::path(
    get,
    path = "/compounds/{id}/board",
    tag = "affairs",
    params(("id" = i64, Path, description = "The compound's id")),
    responses(
        (status = 200, description = "The board", body = Board),
        (status = 404, description = "No such compound", body = ErrorBody),
    )
)]
pub async fn get_board(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Board>, AppError> {
    let now = now_ms();
    let db = &state.db;
    let this_month = metrics::month(db, Scope::Station, id, &metrics::month_of(now, 0)).await?;
    let last_month = metrics::month(db, Scope::Station, id, &metrics::month_of(now, 1)).await?;
    let mut recently_resolved = Vec::new();
    for stored in affairs::recently_resolved(db, id, request_lang(&headers)).await? {
        recently_resolved.push(view(&state, stored.affair.id, None, &headers).await?);
    }
    let consultations = crate::consultations::list(db, id, true, i64::MAX, 5).await?;
    let pool = crate::pool::figures(db, id, &metrics::month_of(now, 0)).await?;
    let units = crate::units::board_figures(db, id, &metrics::month_of(now, 0)).await?;
    Ok(Json(Board {
        units,
        this_month,
        last_month,
        recently_resolved,
        consultations,
        pool,
    }))
}

/// A street's time limits per level and its follow-up days.
#[utoipa::path(
    get,
    path = "/streets/{id}/affair-settings",
    tag = "affairs",
    params(("id" = i64, Path, description = "The street's id")),
    responses(
        (status = 200, description = "The settings", body = AffairSettings),
        (status = 404, description = "No such street", body = ErrorBody),
    )
)]
pub async fn get_settings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AffairSettings>, AppError> {
    circulation::settings(&state.db, id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Sets a street's time limits and follow-up days (its street admin).
/// Affairs already at a level keep the deadlines they arrived with.
#[utoipa::path(
    put,
    path = "/streets/{id}/affair-settings",
    tag = "affairs",
    request_body = AffairSettings,
    params(("id" = i64, Path, description = "The street's id")),
    responses(
        (status = 200, description = "Saved", body = AffairSettings),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the street's admin", body = ErrorBody),
        (status = 422, description = "A limit out of range, or a level missing or twice", body = ErrorBody),
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(settings): ApiJson<AffairSettings>,
) -> Result<Json<AffairSettings>, AppError> {
    settings.validate().map_err(AppError::validation)?;
    if !circulation::is_street_admin(&state.db, person.id, id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    circulation::save_settings(&state.db, id, &settings).await?;
    get_settings(State(state), ApiPath(id)).await
}
