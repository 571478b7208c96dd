//! The API's routes, one module per resource; the OpenAPI document is
//! generated from the same declarations, so it cannot drift.

pub mod client_errors;
pub mod health;
pub mod households;
pub mod invites;
pub mod people;
pub mod places;
pub mod roles;
pub mod sessions;

use crate::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The OpenAPI document's fixed parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linli (邻里) API",
        description = "The JSON API of Linli, a neighbourhood self-governance portal. \
            Errors answer {\"error\": {\"code\", \"message\", \"fields\"}}; lists take \
            ?limit= (1-100, default 20) and ?cursor=; creating POSTs accept an \
            Idempotency-Key header.",
    ),
    components(schemas(api_types::ErrorBody)),
    tags(
        (name = "system", description = "Health and the API's own description"),
        (name = "places", description = "Streets, communities, compounds and their stations"),
        (name = "identity", description = "Signing in with a phone number and a one-time code; sessions"),
        (name = "households", description = "Binding residents to households; invite links"),
        (name = "roles", description = "Place-scoped roles, granted and revoked from above, audited"),
        (name = "client-errors", description = "Failures the app reports from residents' phones"),
    )
)]
struct ApiDoc;

/// Every versioned route under `/api/v1`, with its OpenAPI description.
pub fn v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(places::router())
        .merge(client_errors::router())
        .merge(sessions::router())
        .merge(households::router())
        .merge(invites::router())
        .merge(roles::router())
        .merge(people::router())
}

/// The whole API with its document: `/api/health` and `/api/v1/…`.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .nest(api_types::API_PREFIX, v1())
}
