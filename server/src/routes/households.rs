//! Household bindings: a resident asks, the compound's station or grid
//! worker approves or rejects with a reason.

use crate::auth::CurrentPerson;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::places::paging;
use crate::{AppState, households, permissions};
use api_types::households::{
    HouseholdRequest, HouseholdRequestFilter, HouseholdStatus, NewHouseholdRequest, Rejection,
};
use api_types::page::page_from_rows;
use api_types::{ErrorBody, ErrorCode, FieldError, Page, PageParams, Rule};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The household-request routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_household_request, list_household_requests))
        .routes(routes!(get_household_request))
        .routes(routes!(approve_household_request))
        .routes(routes!(reject_household_request))
        .routes(routes!(create_move_out))
}

/// Asks to be bound to a household, by building, unit and room (and the
/// invite link the resident came through, if any).
#[utoipa::path(
    post,
    path = "/household-requests",
    tag = "households",
    request_body = NewHouseholdRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Filed, pending approval", body = HouseholdRequest),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "The person already has an open binding", body = ErrorBody),
        (status = 422, description = "No such building, unit or room, or an unusable invite", body = ErrorBody),
    )
)]
pub async fn create_household_request(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiJson(request): ApiJson<NewHouseholdRequest>,
) -> Result<(StatusCode, Json<HouseholdRequest>), AppError> {
    request.validate().map_err(AppError::validation)?;
    let db = &state.db;
    if !households::building_exists(db, request.building_id).await? {
        return Err(AppError::validation(vec![FieldError::new(
            "building_id",
            Rule::Invalid,
        )]));
    }
    let household =
        households::find_household(db, request.building_id, &request.unit, &request.room)
            .await?
            .ok_or_else(|| AppError::validation(vec![FieldError::new("room", Rule::Invalid)]))?;
    let invite = match request.invite_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => {
            let stored = households::invite_by_token(db, token)
                .await?
                .ok_or_else(households::invalid_invite)?;
            let fits = stored.invite.building_id == request.building_id
                && stored.household_id.is_none_or(|h| h == household);
            if !fits {
                return Err(households::invalid_invite());
            }
            Some(stored.id)
        }
        None => None,
    };
    let id = households::create_request(db, person.id, household, invite).await?;
    let (created, _, _) = households::request(db, id, false)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The requests the signed-in person may decide (as a station member of
/// the compound or the grid worker of the grid), oldest first. A
/// resident's own requests come with their session.
#[utoipa::path(
    get,
    path = "/household-requests",
    tag = "households",
    params(PageParams, HouseholdRequestFilter),
    responses(
        (status = 200, description = "A page of requests", body = Page<HouseholdRequest>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list_household_requests(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<HouseholdRequestFilter>,
) -> Result<Json<Page<HouseholdRequest>>, AppError> {
    let (limit, after) = paging(&page)?;
    let rows = households::requests_for_staff(
        &state.db,
        person.id,
        filter.status,
        filter.compound_id,
        after,
        limit + 1,
    )
    .await?;
    Ok(Json(page_from_rows(rows, limit, |r| r.id)))
}

/// One request, for its resident or its deciding staff; 404 for anyone else.
#[utoipa::path(
    get,
    path = "/household-requests/{id}",
    tag = "households",
    params(("id" = i64, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request", body = HouseholdRequest),
        (status = 404, description = "Absent, or not yours to see", body = ErrorBody),
    )
)]
pub async fn get_household_request(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HouseholdRequest>, AppError> {
    let (request, _) = visible_request(&state, person, id).await?;
    Ok(Json(request))
}

/// The request if `person` may see it, and whether they may decide it.
async fn visible_request(
    state: &AppState,
    person: CurrentPerson,
    id: i64,
) -> Result<(HouseholdRequest, bool), AppError> {
    let (request, household, requester) = households::request(&state.db, id, true)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if permissions::can_decide_household(&state.db, person.id, household).await? {
        Ok((request, true))
    } else if requester == person.id {
        Ok((
            HouseholdRequest {
                requester: None,
                ..request
            },
            false,
        ))
    } else {
        Err(AppError::new(ErrorCode::NotFound))
    }
}

/// Decides `id` as `person`: 404 if they cannot see it, 403 if they may see
/// but not decide it (their own), 409 if it is no longer pending.
async fn decide(
    state: &AppState,
    person: CurrentPerson,
    id: i64,
    status: HouseholdStatus,
    reason: Option<&str>,
) -> Result<(StatusCode, Json<HouseholdRequest>), AppError> {
    let (_, may_decide) = visible_request(state, person, id).await?;
    if !may_decide {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    households::decide(&state.db, id, person.id, status, reason).await?;
    let (request, _) = visible_request(state, person, id).await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// Approves a pending request: the resident's household is verified.
#[utoipa::path(
    post,
    path = "/household-requests/{id}/approvals",
    tag = "households",
    params(("id" = i64, Path, description = "The request's id")),
    responses(
        (status = 201, description = "Approved", body = HouseholdRequest),
        (status = 403, description = "Not a station member or grid worker of this household", body = ErrorBody),
        (status = 404, description = "Absent, or not yours to see", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
    )
)]
pub async fn approve_household_request(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<HouseholdRequest>), AppError> {
    decide(&state, person, id, HouseholdStatus::Approved, None).await
}

/// Rejects a pending request with a reason the resident can act on.
#[utoipa::path(
    post,
    path = "/household-requests/{id}/rejections",
    tag = "households",
    params(("id" = i64, Path, description = "The request's id")),
    request_body = Rejection,
    responses(
        (status = 201, description = "Rejected", body = HouseholdRequest),
        (status = 403, description = "Not a station member or grid worker of this household", body = ErrorBody),
        (status = 404, description = "Absent, or not yours to see", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    )
)]
pub async fn reject_household_request(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rejection): ApiJson<Rejection>,
) -> Result<(StatusCode, Json<HouseholdRequest>), AppError> {
    rejection.validate().map_err(AppError::validation)?;
    decide(
        &state,
        person,
        id,
        HouseholdStatus::Rejected,
        Some(&rejection.reason),
    )
    .await
}

/// Ends an approved binding: the resident moved out. The resident or the
/// household's station or grid worker records it; from then on they are no
/// longer a verified resident (their open ballots stop counting).
#[utoipa::path(
    post,
    path = "/household-requests/{id}/move-outs",
    tag = "households",
    params(("id" = i64, Path, description = "The request's id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Absent, or not yours to see", body = ErrorBody),
        (status = 409, description = "Not an approved, current binding", body = ErrorBody),
    )
)]
pub async fn create_move_out(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    visible_request(&state, person, id).await?;
    households::end_binding(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
