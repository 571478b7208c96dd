//! The person's own data: `GET /me/export`, `DELETE /me`, and which
//! notices also come by SMS (`/me/sms-notices`).

use crate::auth::{self, CurrentPerson};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::sms::Template;
use crate::{AppState, deliveries, people};
use api_types::ErrorBody;
use api_types::identity::DataExport;
use api_types::sms::{SmsNotice, SmsNoticeSetting, SmsNoticeSettings};
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
        .routes(routes!(list_sms_notices, choose_sms_notice))
}

/// Which notices also come to the signed-in person's phone by SMS: the
/// kinds that apply to them and that the server's provider can send, with
/// their choices (a kind never chosen takes its default).
#[utoipa::path(
    get,
    path = "/me/sms-notices",
    tag = "identity",
    responses(
        (status = 200, description = "The kinds and choices", body = SmsNoticeSettings),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list_sms_notices(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<Json<SmsNoticeSettings>, AppError> {
    Ok(Json(sms_settings(&state, person.id).await?))
}

/// Turns one kind of SMS notice on or off for the signed-in person; the
/// settings as they now are.
#[utoipa::path(
    put,
    path = "/me/sms-notices",
    tag = "identity",
    request_body = SmsNoticeSetting,
    responses(
        (status = 200, description = "Saved; the kinds and choices", body = SmsNoticeSettings),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "`kind` is not one of the kinds offered to this person \
            (`GET /me/sms-notices`: a handler's kinds to handlers, only kinds the provider can send)", body = ErrorBody),
    )
)]
pub async fn choose_sms_notice(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiJson(choice): ApiJson<SmsNoticeSetting>,
) -> Result<Json<SmsNoticeSettings>, AppError> {
    let offered = sms_settings(&state, person.id).await?;
    if !offered.items.iter().any(|item| item.kind == choice.kind) {
        return Err(AppError::validation(vec![api_types::FieldError::new(
            "kind",
            api_types::Rule::Invalid,
        )]));
    }
    save_sms_choice(&state, person.id, choice).await?;
    Ok(Json(sms_settings(&state, person.id).await?))
}

/// Saves one of `person`'s SMS choices.
pub(crate) async fn save_sms_choice(
    state: &AppState,
    person: i64,
    choice: SmsNoticeSetting,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sms_notice_choices (person_id, kind, enabled) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, kind) DO UPDATE SET enabled = excluded.enabled",
    )
    .bind(person)
    .bind(choice.kind.as_str())
    .bind(i64::from(choice.enabled))
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

/// The kinds that apply to `person` and can be sent, with their choices.
pub(crate) async fn sms_settings(
    state: &AppState,
    person: i64,
) -> Result<SmsNoticeSettings, AppError> {
    let handler: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM role_grants WHERE person_id = $1 AND revoked_at IS NULL \
           AND role <> 'street_admin' LIMIT 1",
    )
    .bind(person)
    .fetch_optional(&state.db.pool)
    .await?;
    let mut conn = state.db.pool.acquire().await?;
    let mut items = Vec::new();
    for kind in SmsNotice::ALL {
        let for_handlers = matches!(kind, SmsNotice::QueueNew | SmsNotice::AffairOverdue);
        if (for_handlers && handler.is_none())
            || !state.sms.has_template(Template::for_notice(kind))
        {
            continue;
        }
        let enabled = deliveries::chosen(&mut conn, person, kind).await?;
        items.push(SmsNoticeSetting { kind, enabled });
    }
    Ok(SmsNoticeSettings { items })
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
