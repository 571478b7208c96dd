//! Invite links: a station member makes one for a building or a household
//! and shares it in a WeChat group; whoever opens it finds their binding
//! request filled in.

use crate::auth::{CurrentPerson, base64url, random_bytes};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::places::paging;
use crate::{AppState, households, permissions};
use api_types::households::{INVITE_DAYS, Invite, InviteFilter, NewInvite};
use api_types::page::page_from_rows;
use api_types::{ErrorBody, ErrorCode, FieldError, Page, PageParams, Rule};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The invite routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_invite, list_invites))
        .routes(routes!(get_invite))
}

/// Makes an invite link for a building, or for one household of it.
#[utoipa::path(
    post,
    path = "/invites",
    tag = "households",
    request_body = NewInvite,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "The link", body = Invite),
        (status = 403, description = "Not a station member of this compound", body = ErrorBody),
        (status = 422, description = "No such building or household, or limits out of range", body = ErrorBody),
    )
)]
pub async fn create_invite(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiJson(request): ApiJson<NewInvite>,
) -> Result<(StatusCode, Json<Invite>), AppError> {
    request.validate().map_err(AppError::validation)?;
    let db = &state.db;
    let compound = households::compound_of_building(db, request.building_id)
        .await?
        .ok_or_else(|| AppError::validation(vec![FieldError::new("building_id", Rule::Invalid)]))?;
    if !permissions::is_station_member(db, person.id, compound).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let household = match (request.unit.as_deref(), request.room.as_deref()) {
        (Some(unit), Some(room)) if !unit.trim().is_empty() => Some(
            households::find_household(db, request.building_id, unit, room)
                .await?
                .ok_or_else(|| {
                    AppError::validation(vec![FieldError::new("room", Rule::Invalid)])
                })?,
        ),
        _ => None,
    };
    let days = request.expires_in_days.unwrap_or(INVITE_DAYS.2);
    let max_uses = request
        .max_uses
        .unwrap_or(if household.is_some() { 5 } else { 100 });
    let token = base64url(&random_bytes::<16>()?);
    households::create_invite(
        db,
        person.id,
        request.building_id,
        household,
        days,
        max_uses,
        &token,
    )
    .await?;
    let stored = households::invite_by_token(db, &token)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(stored.invite)))
}

/// The invites of a compound, newest first, for its station members.
#[utoipa::path(
    get,
    path = "/invites",
    tag = "households",
    params(PageParams, InviteFilter),
    responses(
        (status = 200, description = "A page of invites", body = Page<Invite>),
        (status = 403, description = "Not a station member of this compound", body = ErrorBody),
    )
)]
pub async fn list_invites(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<InviteFilter>,
) -> Result<Json<Page<Invite>>, AppError> {
    let (limit, after) = paging(&page)?;
    if !permissions::is_station_member(&state.db, person.id, filter.compound_id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let rows =
        households::invites_of_compound(&state.db, filter.compound_id, after, limit + 1).await?;
    let mut page = page_from_rows(rows, limit, |i| i.id);
    Ok(Json(Page {
        items: page.items.drain(..).map(|i| i.invite).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// What an invite link is for, to whoever holds it.
#[utoipa::path(
    get,
    path = "/invites/{token}",
    tag = "households",
    params(("token" = String, Path, description = "The link's secret")),
    responses(
        (status = 200, description = "The invite; `usable` says whether it still works", body = Invite),
        (status = 404, description = "No such invite", body = ErrorBody),
    )
)]
pub async fn get_invite(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Invite>, AppError> {
    households::invite_by_token(&state.db, &token)
        .await?
        .map(|stored| Json(stored.invite))
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}
