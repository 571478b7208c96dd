//! The place hierarchy, readable by anyone: names and counts, no personal data.

use crate::error::AppError;
use crate::extract::{ApiPath, ApiQuery};
use crate::{AppState, places};
use api_types::page::page_from_rows;
use api_types::places::{
    CommunityFilter, CommunitySummary, CompoundDetail, CompoundFilter, CompoundSummary,
    StreetSummary,
};
use api_types::{ErrorBody, ErrorCode, Page, PageParams};
use axum::Json;
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The place routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_streets))
        .routes(routes!(list_communities))
        .routes(routes!(list_compounds))
        .routes(routes!(get_compound))
}

/// The page size and the id to start after, or the error they deserve.
pub fn paging(params: &PageParams) -> Result<(i64, i64), AppError> {
    let limit = params
        .limit()
        .map_err(|field| AppError::field(ErrorCode::InvalidQuery, field))?;
    let after = params
        .after_id()
        .ok_or_else(|| AppError::new(ErrorCode::InvalidCursor))?;
    Ok((limit, after))
}

/// Lists the streets with the size of what they cover.
#[utoipa::path(
    get,
    path = "/streets",
    tag = "places",
    params(PageParams),
    responses(
        (status = 200, description = "A page of streets", body = Page<StreetSummary>),
        (status = 400, description = "A bad limit or cursor", body = ErrorBody),
    )
)]
pub async fn list_streets(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Page<StreetSummary>>, AppError> {
    let (limit, after) = paging(&page)?;
    let rows = places::list_streets(&state.db, after, limit + 1).await?;
    Ok(Json(page_from_rows(rows, limit, |s| s.id)))
}

/// Lists communities, optionally of one street.
#[utoipa::path(
    get,
    path = "/communities",
    tag = "places",
    params(PageParams, CommunityFilter),
    responses(
        (status = 200, description = "A page of communities", body = Page<CommunitySummary>),
        (status = 400, description = "A bad filter, limit or cursor", body = ErrorBody),
    )
)]
pub async fn list_communities(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<CommunityFilter>,
) -> Result<Json<Page<CommunitySummary>>, AppError> {
    let (limit, after) = paging(&page)?;
    let rows = places::list_communities(&state.db, filter.street_id, after, limit + 1).await?;
    Ok(Json(page_from_rows(rows, limit, |c| c.id)))
}

/// Lists compounds with their stations and sizes, optionally of one street
/// or community.
#[utoipa::path(
    get,
    path = "/compounds",
    tag = "places",
    params(PageParams, CompoundFilter),
    responses(
        (status = 200, description = "A page of compounds", body = Page<CompoundSummary>),
        (status = 400, description = "A bad filter, limit or cursor", body = ErrorBody),
    )
)]
pub async fn list_compounds(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<CompoundFilter>,
) -> Result<Json<Page<CompoundSummary>>, AppError> {
    let (limit, after) = paging(&page)?;
    let rows = places::list_compounds(
        &state.db,
        filter.street_id,
        filter.community_id,
        after,
        limit + 1,
    )
    .await?;
    Ok(Json(page_from_rows(rows, limit, |c| c.id)))
}

/// One compound with its station, grids and buildings.
#[utoipa::path(
    get,
    path = "/compounds/{id}",
    tag = "places",
    params(("id" = i64, Path, description = "The compound's id")),
    responses(
        (status = 200, description = "The compound", body = CompoundDetail),
        (status = 404, description = "No such compound", body = ErrorBody),
    )
)]
pub async fn get_compound(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CompoundDetail>, AppError> {
    places::compound_detail(&state.db, id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}
