//! Signing in and out: `POST /sign-in-codes`, `POST /sessions`,
//! `GET` and `DELETE /sessions/current`, `DELETE /sessions`.

use crate::auth::{self, ClientAddress, CurrentPerson, MaybePerson};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::{AppState, people, roster};
use api_types::ErrorBody;
use api_types::identity::{
    CODE_TTL_SECS, CodeRequest, CodeSent, CurrentSession, Me, RESEND_AFTER_SECS, SignIn, code,
    normalize_phone,
};
use api_types::validate::Checks;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The sign-in routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_sign_in_code))
        .routes(routes!(create_session, delete_sessions))
        .routes(routes!(get_current_session, delete_current_session))
}

/// Sends a six-digit code to a mobile number. Answers the same whether or
/// not the number has an account.
#[utoipa::path(
    post,
    path = "/sign-in-codes",
    tag = "identity",
    request_body = CodeRequest,
    responses(
        (status = 202, description = "A code is on its way", body = CodeSent),
        (status = 422, description = "Not a mainland mobile number", body = ErrorBody),
        (status = 429, description = "Too many codes; see Retry-After", body = ErrorBody),
    )
)]
pub async fn create_sign_in_code(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiJson(request): ApiJson<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), AppError> {
    let phone =
        normalize_phone("phone", &request.phone).map_err(|e| AppError::validation(vec![e]))?;
    auth::send_code(&state, &phone, &client).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            resend_after_secs: RESEND_AFTER_SECS,
            expires_in_secs: CODE_TTL_SECS,
        }),
    ))
}

/// Signs in with the code: a new session (any previous one of this browser
/// ends), its cookie, and the person.
#[utoipa::path(
    post,
    path = "/sessions",
    tag = "identity",
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in; the session cookie is set", body = Me),
        (status = 422, description = "A malformed number or code, or a wrong, expired or used code", body = ErrorBody),
    )
)]
pub async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SignIn>,
) -> Result<impl IntoResponse, AppError> {
    let mut checks = Checks::default();
    let phone = normalize_phone("phone", &request.phone);
    checks.check(phone.as_ref().map(|_| ()).map_err(Clone::clone));
    checks.check(code("code", &request.code));
    checks.finish().map_err(AppError::validation)?;
    let phone = phone.map_err(|e| AppError::validation(vec![e]))?;
    auth::redeem_code(&state.db, &state.secret, &phone, &request.code).await?;
    if let Some(old) = auth::session_token(&headers) {
        auth::end_session(&state.db, old).await?;
    }
    let person = auth::person_for_phone(&state.db, &phone, None).await?;
    // The code is spent: a failed roster check must not fail the sign-in.
    if let Err(err) = roster::verify_on_sign_in(&state.db, &state.secret, person, &phone).await {
        tracing::warn!(error = %err, "could not check the rosters at sign-in");
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let token = auth::start_session(&state.db, person, user_agent).await?;
    let me = people::me(&state.db, person).await?;
    Ok((
        StatusCode::CREATED,
        AppendHeaders([(
            header::SET_COOKIE,
            auth::session_cookie(Some(&token), state.config.https),
        )]),
        Json(me),
    ))
}

/// Signs this browser out.
#[utoipa::path(
    delete,
    path = "/sessions/current",
    tag = "identity",
    responses((status = 204, description = "Signed out (also when nobody was signed in)"))
)]
pub async fn delete_current_session(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    if let Some(token) = auth::session_token(&headers) {
        auth::end_session(&state.db, token).await?;
    }
    Ok(auth::signed_out(state.config.https))
}

/// Signs the person out on every device ("sign out everywhere").
#[utoipa::path(
    delete,
    path = "/sessions",
    tag = "identity",
    responses(
        (status = 204, description = "Every session of the person ended"),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn delete_sessions(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<impl IntoResponse, AppError> {
    auth::end_all_sessions(&state.db, person.id).await?;
    Ok(auth::signed_out(state.config.https))
}

/// This browser's session: the signed-in person, or `null` for an
/// anonymous visitor (not an error: the app asks on every start).
#[utoipa::path(
    get,
    path = "/sessions/current",
    tag = "identity",
    responses((status = 200, description = "The session's person, if any", body = CurrentSession))
)]
pub async fn get_current_session(
    State(state): State<AppState>,
    person: MaybePerson,
) -> Result<Json<CurrentSession>, AppError> {
    let person = match person.0 {
        Some(person) => Some(people::me(&state.db, person.id).await?),
        None => None,
    };
    Ok(Json(CurrentSession { person }))
}
