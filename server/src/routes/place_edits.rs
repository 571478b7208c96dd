//! Editing places on the staff page: a street's administrators add
//! communities; they and a community's staff add compounds, grids and
//! buildings, rename and move them, retire empty grids. Every change is
//! recorded and listed with the ledger imports' at
//! `GET /streets/{id}/place-changes`.

use crate::auth::CurrentPerson;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::place_edits::{self, Level, Placed};
use crate::{AppState, permissions};
use api_types::ErrorBody;
use api_types::ErrorCode;
use api_types::place_edits::{BuildingEdit, NewBuilding, NewPlace, PlaceChangeRecord, PlaceRef};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The place-editing routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_community))
        .routes(routes!(create_compound))
        .routes(routes!(create_grid))
        .routes(routes!(update_grid, retire_grid))
        .routes(routes!(create_building))
        .routes(routes!(update_building))
        .routes(routes!(list_place_changes))
}

/// The place `id` of `level`, if `actor` may edit there: a street's
/// administrators everywhere in it; a community's staff below the
/// community (`street_only` leaves them out). 404 for no such place, 403
/// for someone else.
async fn editable(
    state: &AppState,
    actor: i64,
    level: Level,
    id: i64,
    street_only: bool,
) -> Result<Placed, AppError> {
    let db = &state.db;
    let at = place_edits::placed(db, level, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let allowed = match at.community {
        Some(community) if !street_only => {
            permissions::keeps_community(db, actor, community).await?
        }
        _ => permissions::is_street_admin(db, actor, at.street).await?,
    };
    if allowed {
        Ok(at)
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

/// Adds a community to a street: its administrators only.
#[utoipa::path(
    post,
    path = "/streets/{id}/communities",
    tag = "places",
    params(("id" = i64, Path, description = "The street's id")),
    request_body = NewPlace,
    responses(
        (status = 201, description = "Added and recorded", body = PlaceRef),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator of the street", body = ErrorBody),
        (status = 404, description = "No such street", body = ErrorBody),
        (status = 409, description = "The street has a community of that name", body = ErrorBody),
        (status = 422, description = "No name, or a name over 40 characters", body = ErrorBody),
    )
)]
pub async fn create_community(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(place): ApiJson<NewPlace>,
) -> Result<(StatusCode, Json<PlaceRef>), AppError> {
    let at = editable(&state, actor.id, Level::Street, id, true).await?;
    place.validate(false).map_err(AppError::validation)?;
    let created = place_edits::add_community(&state.db, actor.id, &at, &place.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Adds a compound, with its mutual-aid station, to a community.
#[utoipa::path(
    post,
    path = "/communities/{id}/compounds",
    tag = "places",
    params(("id" = i64, Path, description = "The community's id")),
    request_body = NewPlace,
    responses(
        (status = 201, description = "Added with its station, and recorded", body = PlaceRef),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of the community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 409, description = "The community has a compound of that name", body = ErrorBody),
        (status = 422, description = "No name or address, or one too long", body = ErrorBody),
    )
)]
pub async fn create_compound(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(place): ApiJson<NewPlace>,
) -> Result<(StatusCode, Json<PlaceRef>), AppError> {
    let at = editable(&state, actor.id, Level::Community, id, false).await?;
    place.validate(true).map_err(AppError::validation)?;
    let address = place.address.as_deref().unwrap_or_default();
    let created = place_edits::add_compound(&state.db, actor.id, &at, &place.name, address).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Adds a grid to a compound.
#[utoipa::path(
    post,
    path = "/compounds/{id}/grids",
    tag = "places",
    params(("id" = i64, Path, description = "The compound's id")),
    request_body = NewPlace,
    responses(
        (status = 201, description = "Added and recorded", body = PlaceRef),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such compound", body = ErrorBody),
        (status = 409, description = "The compound has a grid of that name", body = ErrorBody),
        (status = 422, description = "No name, or a name over 40 characters", body = ErrorBody),
    )
)]
pub async fn create_grid(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(place): ApiJson<NewPlace>,
) -> Result<(StatusCode, Json<PlaceRef>), AppError> {
    let at = editable(&state, actor.id, Level::Compound, id, false).await?;
    place.validate(false).map_err(AppError::validation)?;
    let created = place_edits::add_grid(&state.db, actor.id, id, &at, &place.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renames a grid.
#[utoipa::path(
    put,
    path = "/grids/{id}",
    tag = "places",
    params(("id" = i64, Path, description = "The grid's id")),
    request_body = NewPlace,
    responses(
        (status = 200, description = "Renamed and recorded (or already so named)", body = PlaceRef),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such grid, or it is retired", body = ErrorBody),
        (status = 409, description = "The compound has a grid of that name", body = ErrorBody),
        (status = 422, description = "No name, or a name over 40 characters", body = ErrorBody),
    )
)]
pub async fn update_grid(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(place): ApiJson<NewPlace>,
) -> Result<Json<PlaceRef>, AppError> {
    let at = editable(&state, actor.id, Level::Grid, id, false).await?;
    place.validate(false).map_err(AppError::validation)?;
    let renamed = place_edits::rename_grid(&state.db, actor.id, id, &at, &place.name).await?;
    Ok(Json(renamed))
}

/// Retires an empty grid: it no longer appears among its compound's grids
/// and takes no affairs; its history stays. A ledger that lists it again
/// brings it back.
#[utoipa::path(
    delete,
    path = "/grids/{id}",
    tag = "places",
    params(("id" = i64, Path, description = "The grid's id")),
    responses(
        (status = 204, description = "Retired and recorded, or retired already"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such grid", body = ErrorBody),
        (status = 409, description = "It still holds a building, a grid worker or an unresolved affair", body = ErrorBody),
    )
)]
pub async fn retire_grid(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let at = editable(&state, actor.id, Level::Grid, id, false).await?;
    place_edits::retire_grid(&state.db, actor.id, id, &at).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a building to a grid, with its units and rooms.
#[utoipa::path(
    post,
    path = "/grids/{id}/buildings",
    tag = "places",
    params(("id" = i64, Path, description = "The grid's id")),
    request_body = NewBuilding,
    responses(
        (status = 201, description = "Added with its units and households, and recorded", body = PlaceRef),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such grid, or it is retired", body = ErrorBody),
        (status = 409, description = "The compound has a building of that name", body = ErrorBody),
        (status = 422, description = "No name, or units, floors or households per floor out of range", body = ErrorBody),
    )
)]
pub async fn create_building(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(building): ApiJson<NewBuilding>,
) -> Result<(StatusCode, Json<PlaceRef>), AppError> {
    let at = editable(&state, actor.id, Level::Grid, id, false).await?;
    building.validate().map_err(AppError::validation)?;
    let created = place_edits::add_building(&state.db, actor.id, id, &at, &building).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renames a building or moves it to another grid of its compound (its
/// open affairs follow it to the new grid).
#[utoipa::path(
    put,
    path = "/buildings/{id}",
    tag = "places",
    params(("id" = i64, Path, description = "The building's id")),
    request_body = BuildingEdit,
    responses(
        (status = 200, description = "Changed and recorded (or already so)", body = PlaceRef),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such building", body = ErrorBody),
        (status = 409, description = "The compound has a building of that name", body = ErrorBody),
        (status = 422, description = "A bad name, or a grid of another compound or retired", body = ErrorBody),
    )
)]
pub async fn update_building(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(edit): ApiJson<BuildingEdit>,
) -> Result<Json<PlaceRef>, AppError> {
    let at = editable(&state, actor.id, Level::Building, id, false).await?;
    edit.validate().map_err(AppError::validation)?;
    let changed = place_edits::edit_building(&state.db, actor.id, id, &at, &edit).await?;
    Ok(Json(changed))
}

/// The street's latest 200 place changes, newest first: edits on the
/// staff page and ledger imports alike (who, when, what, before → after).
#[utoipa::path(
    get,
    path = "/streets/{id}/place-changes",
    tag = "places",
    params(("id" = i64, Path, description = "The street's id")),
    responses(
        (status = 200, description = "The changes, newest first", body = Vec<PlaceChangeRecord>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator of the street", body = ErrorBody),
        (status = 404, description = "No such street", body = ErrorBody),
    )
)]
pub async fn list_place_changes(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<PlaceChangeRecord>>, AppError> {
    editable(&state, actor.id, Level::Street, id, true).await?;
    Ok(Json(place_edits::changes(&state.db, id).await?))
}
