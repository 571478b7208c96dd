//! Spreadsheet uploads that set a street up: `POST /streets/{id}/place-imports`
//! (the places ledger) and `POST /compounds/{id}/roster-imports` with
//! `GET /compounds/{id}/roster` (household rosters).

use crate::auth::CurrentPerson;
use crate::error::{AppError, request_lang};
use crate::extract::{ApiPath, ApiQuery};
use crate::{AppState, ledger, permissions, roster};
use api_types::imports::{
    ImportParams, PlaceImportReport, RosterImportReport, RosterStatus, RowError,
};
use api_types::{ErrorBody, ErrorCode, Lang};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The import routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_place_import))
        .routes(routes!(create_roster_import))
        .routes(routes!(get_roster))
}

/// The upload's bytes, or 413 past `LINLI_IMPORT_LIMIT_BYTES`.
async fn file_bytes(request: Request, state: &AppState) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::new(ErrorCode::PayloadTooLarge)
            } else {
                AppError::new(ErrorCode::BadRequest)
            }
        })
}

/// The answer to an import: 200 for a dry run, 201 once written, 422
/// `validation_failed` (nothing written) naming the first bad rows.
fn answer<T>(
    report: T,
    applied: bool,
    dry_run: bool,
    errors: &[RowError],
    lang: Lang,
) -> Result<(StatusCode, Json<T>), AppError> {
    if dry_run {
        return Ok((StatusCode::OK, Json(report)));
    }
    if applied {
        return Ok((StatusCode::CREATED, Json(report)));
    }
    let first: Vec<&str> = errors.iter().take(3).map(|e| e.message.as_str()).collect();
    let message = match lang {
        Lang::Zh => format!(
            "表格中有 {} 处错误，没有导入任何内容：{}",
            errors.len(),
            first.join("；")
        ),
        Lang::En => format!(
            "The file has {} errors and nothing was imported: {}",
            errors.len(),
            first.join("; ")
        ),
    };
    Err(AppError::new(ErrorCode::ValidationFailed).with_message(message))
}

/// Imports a street's places ledger (楼栋台账): one row per building with
/// 社区/community, 小区/compound, 小区地址/address, 网格/grid, 楼栋/building,
/// 单元数/units, 层数/floors, 每层户数/per_floor and optionally 房号/rooms,
/// as XLSX or CSV (UTF-8 or GBK). With `?dry_run=true` it only reports
/// what it would create and change, and every bad row. Places are matched
/// by name; nothing is deleted. For the street's administrators.
#[utoipa::path(
    post,
    path = "/streets/{id}/place-imports",
    tag = "places",
    params(("id" = i64, Path, description = "The street's id"), ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The ledger: CSV (UTF-8 or GBK) or an Excel workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)"),
    responses(
        (status = 200, description = "Dry run: what the import would do, and every bad row", body = PlaceImportReport),
        (status = 201, description = "Imported", body = PlaceImportReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator of this street", body = ErrorBody),
        (status = 404, description = "No such street", body = ErrorBody),
        (status = 413, description = "Larger than LINLI_IMPORT_LIMIT_BYTES", body = ErrorBody),
        (status = 422, description = "Bad rows (the message names the first); nothing was written", body = ErrorBody),
    )
)]
pub async fn create_place_import(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(street): ApiPath<i64>,
    ApiQuery(params): ApiQuery<ImportParams>,
    request: Request,
) -> Result<(StatusCode, Json<PlaceImportReport>), AppError> {
    let lang = request_lang(request.headers());
    if !permissions::is_street_admin(&state.db, person.id, street).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let bytes = file_bytes(request, &state).await?;
    let report = ledger::import(
        &state.db,
        street,
        &bytes,
        params.dry_run,
        Some(person.id),
        lang,
    )
    .await?;
    let (applied, errors) = (report.applied, report.errors.clone());
    answer(report, applied, params.dry_run, &errors, lang)
}

/// Uploads a compound's household roster (花名册): 楼栋/building, 单元/unit,
/// 房号/room, 手机号/phone and optionally 姓名/name, as XLSX or CSV. It
/// replaces the compound's roster; people already signed in with a listed
/// phone are bound and verified at once, others when they first sign in.
/// Phones are kept only as keyed digests. For the compound's station, its
/// community's staff and the street's administrators.
#[utoipa::path(
    post,
    path = "/compounds/{id}/roster-imports",
    tag = "households",
    params(("id" = i64, Path, description = "The compound's id"), ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The roster: CSV (UTF-8 or GBK) or an Excel workbook"),
    responses(
        (status = 200, description = "Dry run: what the roster would do, and every bad row", body = RosterImportReport),
        (status = 201, description = "The compound's roster now", body = RosterImportReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not keeping this compound's register", body = ErrorBody),
        (status = 404, description = "No such compound", body = ErrorBody),
        (status = 413, description = "Larger than LINLI_IMPORT_LIMIT_BYTES", body = ErrorBody),
        (status = 422, description = "Bad rows (the message names the first); nothing was written", body = ErrorBody),
    )
)]
pub async fn create_roster_import(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(compound): ApiPath<i64>,
    ApiQuery(params): ApiQuery<ImportParams>,
    request: Request,
) -> Result<(StatusCode, Json<RosterImportReport>), AppError> {
    let lang = request_lang(request.headers());
    if !permissions::keeps_register(&state.db, person.id, compound).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let bytes = file_bytes(request, &state).await?;
    let report = roster::import(
        &state.db,
        &state.secret,
        compound,
        &bytes,
        params.dry_run,
        Some(person.id),
        lang,
    )
    .await?;
    let (applied, errors) = (report.applied, report.errors.clone());
    answer(report, applied, params.dry_run, &errors, lang)
}

/// The compound's latest roster, and the residents bound now whose phone
/// it does not list ("not in the latest roster"): they stay bound until the
/// station decides (a move-out ends a binding).
#[utoipa::path(
    get,
    path = "/compounds/{id}/roster",
    tag = "households",
    params(("id" = i64, Path, description = "The compound's id")),
    responses(
        (status = 200, description = "The roster's state", body = RosterStatus),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not keeping this compound's register", body = ErrorBody),
    )
)]
pub async fn get_roster(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(compound): ApiPath<i64>,
) -> Result<Json<RosterStatus>, AppError> {
    if !permissions::keeps_register(&state.db, person.id, compound).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    Ok(Json(
        roster::status(&state.db, &state.secret, compound).await?,
    ))
}
