//! `POST /role-grants` and `POST /role-grants/{id}/revocations`.

use crate::auth::{self, CurrentPerson};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::{AppState, roles};
use api_types::identity::normalize_phone;
use api_types::roles::{NewRoleGrant, Revocation, RoleGrant};
use api_types::{ErrorBody, ErrorCode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The role routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_role_grant))
        .routes(routes!(create_role_revocation))
}

/// Grants a role at a place to a person, found by phone; someone who has
/// never signed in is invited by SMS (template `role_invitation`) and
/// holds the role once they sign in.
#[utoipa::path(
    post,
    path = "/role-grants",
    tag = "roles",
    request_body = NewRoleGrant,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Granted and recorded in the audit log", body = RoleGrant),
        (status = 403, description = "Not above this place in the hierarchy", body = ErrorBody),
        (status = 409, description = "The person already holds exactly this role", body = ErrorBody),
        (status = 422, description = "A field breaks a rule, or no such place", body = ErrorBody),
    )
)]
pub async fn create_role_grant(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiJson(request): ApiJson<NewRoleGrant>,
) -> Result<(StatusCode, Json<RoleGrant>), AppError> {
    request.validate().map_err(AppError::validation)?;
    let db = &state.db;
    let at = roles::ancestry(db, request.role, request.place_id)
        .await?
        .ok_or_else(roles::unknown_place)?;
    if !roles::may_manage(db, actor.id, request.role, request.position, at).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let phone =
        normalize_phone("phone", &request.phone).map_err(|e| AppError::validation(vec![e]))?;
    let known = roles::person_by_phone(db, &phone).await?;
    let person = match known {
        Some(person) => person,
        None => auth::person_for_phone(db, &phone, request.name.as_deref()).await?,
    };
    let id = roles::grant(db, actor.id, person, &request).await?;
    let (grant, _) = roles::grant_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if known.is_none() {
        // The role waits for them: they hold it once they sign in.
        let params = [
            ("role", role_words(&grant)),
            ("place", grant.place_name.clone()),
            ("link", "/sign-in?next=/admin".to_owned()),
        ];
        if let Err(err) = state
            .sms
            .send_notice(&phone, "role_invitation", &params)
            .await
        {
            tracing::warn!(error = %err, "could not send a role invitation");
        }
    }
    Ok((StatusCode::CREATED, Json(grant)))
}

/// The role in the words of the invitation.
fn role_words(grant: &RoleGrant) -> String {
    use api_types::roles::{Position, Role};
    match (grant.role, grant.position) {
        (Role::StationMember, Some(Position::Head)) => "互助站站长",
        (Role::StationMember, Some(Position::Deputy)) => "互助站副站长",
        (Role::StationMember, Some(Position::SecretaryGeneral)) => "互助站秘书长",
        (Role::StationMember, _) => "互助站成员",
        (Role::GridWorker, _) => "网格员",
        (Role::CommunityStaff, _) => "社区工作人员",
        (Role::DepartmentLiaison, _) => "服务单位联络人",
        (Role::StreetAdmin, _) => "街道管理员",
    }
    .to_owned()
}

/// Revokes a grant, recording who and why.
#[utoipa::path(
    post,
    path = "/role-grants/{id}/revocations",
    tag = "roles",
    params(("id" = i64, Path, description = "The grant's id")),
    request_body = Revocation,
    responses(
        (status = 201, description = "Revoked and recorded in the audit log", body = RoleGrant),
        (status = 403, description = "Not above this place in the hierarchy", body = ErrorBody),
        (status = 404, description = "No such grant", body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
    )
)]
pub async fn create_role_revocation(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(revocation): ApiJson<Revocation>,
) -> Result<(StatusCode, Json<RoleGrant>), AppError> {
    revocation.validate().map_err(AppError::validation)?;
    let db = &state.db;
    let (grant, at) = roles::grant_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !roles::may_manage(db, actor.id, grant.role, grant.position, at).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    roles::revoke(db, id, Some(actor.id), &revocation.reason).await?;
    let (grant, _) = roles::grant_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(grant)))
}
