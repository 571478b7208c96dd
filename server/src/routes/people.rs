//! The person's own data: `GET /me/export` and `DELETE /me`.

use crate::auth::{self, CurrentPerson};
use crate::error::AppError;
use crate::{AppState, people};
use api_types::ErrorBody;
use api_types::identity::DataExport;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{AppendHeaders, IntoResponse};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The personal-data routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_me))
        .routes(routes!(delete_me))
}

/// Everything the portal keeps about the signed-in person, as a download.
#[utoipa::path(
    get,
    path = "/me/export",
    tag = "identity",
    responses(
        (status = 200, description = "The person's data as JSON", body = DataExport),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn export_me(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<impl IntoResponse, AppError> {
    let data = people::export(&state.db, person.id).await?;
    Ok((
        AppendHeaders([
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"linli-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ]),
        Json(data),
    ))
}

/// Deletes the signed-in person's account and signs them out everywhere.
#[utoipa::path(
    delete,
    path = "/me",
    tag = "identity",
    responses(
        (status = 204, description = "Deleted: personal data erased, contributions anonymous"),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn delete_me(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<impl IntoResponse, AppError> {
    people::delete_account(&state.db, person.id).await?;
    Ok(auth::signed_out(state.config.https))
}
