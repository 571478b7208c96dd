//! The in-app inbox of notices about affairs.

use crate::auth::CurrentPerson;
use crate::db::now_ms;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery};
use crate::routes::places::paging;
use crate::{AppState, notices};
use api_types::affairs::{MarkRead, Notice, Unread};
use api_types::page::page_from_rows;
use api_types::{ErrorBody, Page, PageParams};
use axum::Json;
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The notice routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notices))
        .routes(routes!(get_unread))
        .routes(routes!(create_notice_read))
}

/// The signed-in person's notices, newest first.
#[utoipa::path(
    get,
    path = "/notices",
    tag = "affairs",
    params(PageParams),
    responses(
        (status = 200, description = "A page of notices", body = Page<Notice>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list_notices(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Page<Notice>>, AppError> {
    let (limit, after) = paging(&page)?;
    let before = if after == 0 { i64::MAX } else { after };
    let rows = notices::list(&state.db, person.id, before, limit + 1).await?;
    Ok(Json(page_from_rows(rows, limit, |n| n.id)))
}

/// How many notices are unread, for the navigation's badge.
#[utoipa::path(
    get,
    path = "/notices/unread",
    tag = "affairs",
    responses(
        (status = 200, description = "The count", body = Unread),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn get_unread(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<Json<Unread>, AppError> {
    Ok(Json(Unread {
        unread: notices::unread(&state.db, person.id).await?,
    }))
}

/// Marks every notice up to an id read; the count left unread.
#[utoipa::path(
    post,
    path = "/notice-reads",
    tag = "affairs",
    request_body = MarkRead,
    responses(
        (status = 200, description = "Marked", body = Unread),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn create_notice_read(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiJson(mark): ApiJson<MarkRead>,
) -> Result<Json<Unread>, AppError> {
    notices::mark_read(&state.db, person.id, mark.up_to_id, now_ms()).await?;
    Ok(Json(Unread {
        unread: notices::unread(&state.db, person.id).await?,
    }))
}
