//! Micro-affairs: categories, filing, reading, "me too". (Circulation,
//! photos, notices and rating come with later work on issue 4.)

use crate::auth::{CurrentPerson, MaybePerson};
use crate::error::{AppError, request_lang};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::places::paging;
use crate::{AppState, affairs, permissions};
use api_types::affairs::{
    Affair, AffairFilter, Category, CategoryFilter, NewAffair, Seconded, Status,
};
use api_types::page::page_from_rows;
use api_types::{ErrorBody, ErrorCode, FieldError, Page, PageParams, Rule};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The affair routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories))
        .routes(routes!(create_affair, list_affairs))
        .routes(routes!(get_affair))
        .routes(routes!(create_second))
}

/// A street's affair categories with their filing hints.
#[utoipa::path(
    get,
    path = "/categories",
    tag = "affairs",
    params(CategoryFilter),
    responses((status = 200, description = "Every category of the street, in order (one page)", body = Page<Category>))
)]
pub async fn list_categories(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(filter): ApiQuery<CategoryFilter>,
) -> Result<Json<Page<Category>>, AppError> {
    let items = affairs::categories(&state.db, filter.street_id, request_lang(&headers)).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Files an affair: open at the compound's station.
#[utoipa::path(
    post,
    path = "/affairs",
    tag = "affairs",
    request_body = NewAffair,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Filed", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "A field breaks a rule, or names another street's category or compound's building", body = ErrorBody),
    )
)]
pub async fn create_affair(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiJson(affair): ApiJson<NewAffair>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    affair.validate().map_err(AppError::validation)?;
    let db = &state.db;
    let invalid = |field: &str| AppError::validation(vec![FieldError::new(field, Rule::Invalid)]);
    let private_default = affairs::category_default(db, affair.category_id, affair.compound_id)
        .await?
        .ok_or_else(|| invalid("category_id"))?;
    if let Some(building) = affair.building_id
        && !affairs::building_in_compound(db, building, affair.compound_id).await?
    {
        return Err(invalid("building_id"));
    }
    let id = affairs::file(
        db,
        person.id,
        &affair,
        affair.private.unwrap_or(private_default),
    )
    .await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// The affair as `viewer` may see it: private ones only for the filer and
/// the compound's handlers (404 for anyone else), the filer's name and the
/// timeline likewise.
async fn view(
    state: &AppState,
    id: i64,
    viewer: Option<CurrentPerson>,
    headers: &HeaderMap,
) -> Result<Affair, AppError> {
    let viewer_id = viewer.map_or(0, |p| p.id);
    let stored = affairs::load(&state.db, id, viewer_id, request_lang(headers))
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let involved = stored.filer == viewer_id
        || (viewer.is_some()
            && permissions::handles_compound(&state.db, viewer_id, stored.affair.compound_id)
                .await?);
    if stored.affair.private && !involved {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let mut affair = stored.affair;
    if involved {
        affair.timeline = Some(affairs::timeline(&state.db, id).await?);
    } else {
        affair.filer_name = None;
    }
    Ok(affair)
}

/// One affair.
#[utoipa::path(
    get,
    path = "/affairs/{id}",
    tag = "affairs",
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 200, description = "The affair; its timeline and filer for the filer and handlers", body = Affair),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
    )
)]
pub async fn get_affair(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Affair>, AppError> {
    Ok(Json(view(&state, id, person.0, &headers).await?))
}

/// A compound's affairs, newest first: public ones for everyone, the
/// viewer's own, and every private one for the compound's handlers.
#[utoipa::path(
    get,
    path = "/affairs",
    tag = "affairs",
    params(PageParams, AffairFilter),
    responses((status = 200, description = "A page of affairs (without timelines)", body = Page<Affair>))
)]
pub async fn list_affairs(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<AffairFilter>,
) -> Result<Json<Page<Affair>>, AppError> {
    let (limit, after) = paging(&page)?;
    let viewer = person.0.map_or(0, |p| p.id);
    let handler =
        viewer != 0 && permissions::handles_compound(&state.db, viewer, filter.compound_id).await?;
    let rows = affairs::list(
        &state.db,
        affairs::ListQuery {
            compound: filter.compound_id,
            status: filter.status,
            viewer,
            all_private: handler,
            before_id: if after == 0 { i64::MAX } else { after },
            limit: limit + 1,
            lang: request_lang(&headers),
        },
    )
    .await?;
    let mut page = page_from_rows(rows, limit, |s| s.affair.id);
    Ok(Json(Page {
        items: page
            .items
            .drain(..)
            .map(|s| Affair {
                filer_name: if handler || s.filer == viewer {
                    s.affair.filer_name
                } else {
                    None
                },
                ..s.affair
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// "Me too" (附议) on a neighbour's open public affair, instead of filing
/// the same thing again.
#[utoipa::path(
    post,
    path = "/affairs/{id}/seconds",
    tag = "affairs",
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Counted", body = Seconded),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "Already said, one's own affair, or no longer open", body = ErrorBody),
    )
)]
pub async fn create_second(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Seconded>), AppError> {
    let affair = view(&state, id, Some(person), &headers).await?;
    let still_open = matches!(affair.status, Status::Open | Status::InProgress);
    if affair.mine || affair.private || !still_open {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let seconds = affairs::second(&state.db, id, person.id).await?;
    Ok((StatusCode::CREATED, Json(Seconded { seconds })))
}
