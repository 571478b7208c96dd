//! The API's routes, one module per resource; the OpenAPI document is
//! generated from the same declarations, so it cannot drift.

pub mod affairs;
pub mod client_errors;
pub mod consultations;
pub mod health;
pub mod households;
pub mod imports;
pub mod invites;
pub mod metrics;
pub mod notices;
pub mod people;
pub mod photos;
pub mod place_edits;
pub mod places;
pub mod pool;
pub mod roles;
pub mod sessions;
pub mod units;

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
            ?limit= (1-100, default 20) and ?cursor=. Every state-changing request is \
            safe to repeat: a POST sent with an Idempotency-Key header (1-255 visible \
            ASCII characters, kept a day per signed-in person) and sent again with the \
            same key and body answers the first answer (marked Idempotent-Replayed: \
            true) and does nothing new, also when the server died between the write and \
            its answer; the same key with another body answers 422, and while the first \
            is still running 409 idempotency_key_in_progress with Retry-After. Acts that \
            are the same done twice (support, \"me too\", claim, cancel a claim, register, \
            sign up, vote) answer a repeat with success and how things now stand. A 503 \
            with Retry-After means the database was busy and nothing was done.",
    ),
    components(schemas(api_types::ErrorBody)),
    tags(
        (name = "system", description = "Health and the API's own description"),
        (name = "places", description = "Streets, communities, compounds and their stations"),
        (name = "identity", description = "Signing in with a phone number and a one-time code; sessions"),
        (name = "households", description = "Binding residents to households; invite links"),
        (name = "roles", description = "Place-scoped roles, granted and revoked from above, audited"),
        (name = "affairs", description = "Micro-affairs: filing with photos, \"me too\", circulation between station, grid and community, notices, rating and follow-up, the three rates"),
        (name = "consultations", description = "\"Everyone participates\" consultations: topics, discussion, pledges, ballots, outcomes"),
        (name = "pool", description = "The capable-person pool, volunteer posts, claims, attendance and hours"),
        (name = "units", description = "Service units, residents' monthly ratings, answers and reports"),
        (name = "client-errors", description = "Failures the app reports from residents' phones"),
    )
)]
struct ApiDoc;

/// Documents what every operation may answer besides its own statuses: a
/// malformed request, a timeout, a rate limit, a server failure... always
/// the same envelope.
struct EveryErrorIsTheEnvelope;

impl utoipa::Modify for EveryErrorIsTheEnvelope {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let envelope_of = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        let envelope = envelope_of("Any other failure, as the error envelope");
        let throttled = envelope_of(
            "Too many state-changing requests from this address (LINLI_WRITE_LIMIT_PER_MINUTE); see Retry-After",
        );
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("429".to_owned())
                    .or_insert_with(|| throttled.clone().into());
            }
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("default".to_owned())
                    .or_insert_with(|| envelope.clone().into());
            }
        }
    }
}

/// Every versioned route under `/api/v1`, with its OpenAPI description.
pub fn v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(places::router())
        .merge(place_edits::router())
        .merge(imports::router())
        .merge(affairs::router())
        .merge(photos::router())
        .merge(notices::router())
        .merge(metrics::router())
        .merge(consultations::router())
        .merge(pool::router())
        .merge(units::router())
        .merge(client_errors::router())
        .merge(sessions::router())
        .merge(households::router())
        .merge(invites::router())
        .merge(roles::router())
        .merge(people::router())
}

/// The whole API (`/api/health` and `/api/v1/…`) and its OpenAPI document.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .nest(api_types::API_PREFIX, v1())
        .split_for_parts();
    utoipa::Modify::modify(&EveryErrorIsTheEnvelope, &mut openapi);
    (router, openapi)
}
