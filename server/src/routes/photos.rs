//! Photo uploads for affairs, and reading them back.

use crate::auth::{CurrentPerson, MaybePerson};
use crate::error::AppError;
use crate::extract::ApiPath;
use crate::routes::affairs::view;
use crate::{AppState, photos};
use api_types::affairs::Photo;
use api_types::{ErrorBody, ErrorCode};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The photo routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_photo))
        .routes(routes!(get_photo))
}

/// Uploads a photo (the app shrinks it first). The server checks its type
/// and pixel count, turns it upright, shrinks it to 1600 pixels a side and
/// re-encodes it as JPEG without any metadata; name its id in `photo_ids`
/// when filing or resolving.
#[utoipa::path(
    post,
    path = "/photos",
    tag = "affairs",
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP image"),
    responses(
        (status = 201, description = "Stored, not yet on an affair", body = Photo),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 413, description = "Larger than LINLI_PHOTO_LIMIT_BYTES", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG or WebP image", body = ErrorBody),
        (status = 422, description = "More pixels than the server decodes", body = ErrorBody),
        (status = 429, description = "Too many photos not yet on an affair", body = ErrorBody),
        (status = 503, description = "The photo store did not take it; try again", body = ErrorBody),
    )
)]
pub async fn create_photo(
    State(state): State<AppState>,
    person: CurrentPerson,
    request: Request,
) -> Result<(StatusCode, Json<Photo>), AppError> {
    let is_image = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("image/"));
    if !is_image {
        return Err(AppError::new(ErrorCode::UnsupportedImage));
    }
    let bytes = Bytes::from_request(request, &state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::new(ErrorCode::PayloadTooLarge)
            } else {
                AppError::new(ErrorCode::BadRequest)
            }
        })?;
    let encoded = tokio::task::spawn_blocking(move || photos::reencode(&bytes))
        .await
        .map_err(AppError::internal)??;
    let photo = photos::store(&state.db, &state.photos, person.id, encoded).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// A photo: for whoever may see its affair (a consultation's: for anyone);
/// before it is on one, for its uploader only.
#[utoipa::path(
    get,
    path = "/photos/{id}",
    tag = "affairs",
    params(("id" = i64, Path, description = "The photo's id")),
    responses(
        (status = 200, description = "The JPEG", content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, description = "Absent, or not visible to you", body = ErrorBody),
        (status = 503, description = "The photo store did not answer; try again", body = ErrorBody),
    )
)]
pub async fn get_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<impl IntoResponse, AppError> {
    let photo = photos::find(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    // Whether it may be seen first: the store is asked only then.
    match (photo.affair, photo.consultation) {
        (Some(affair), _) => {
            view(&state, affair, person.0, &headers).await?;
        }
        // Consultations are public, and so are their photos.
        (None, Some(_)) => {}
        (None, None) if person.0.is_some_and(|p| p.id == photo.uploader) => {}
        (None, None) => return Err(AppError::new(ErrorCode::NotFound)),
    }
    let jpeg = photo.jpeg(&state.photos).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // A photo never changes; private, since some affairs are.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            ),
        ],
        jpeg,
    ))
}
