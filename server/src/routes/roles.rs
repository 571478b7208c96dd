//! `GET`/`POST /role-grants`, `POST /role-grants/{id}/revocations`, and the
//! departments each community keeps.

use crate::auth::{self, CurrentPerson};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{AppState, permissions, roles};
use api_types::identity::normalize_phone;
use api_types::roles::{
    Department, NewDepartment, NewRoleGrant, Revocation, RoleGrant, RoleRecord, RoleScope,
};
use api_types::{ErrorBody, ErrorCode, FieldError, Rule};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The role routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_role_grant, list_role_grants))
        .routes(routes!(create_role_revocation))
        .routes(routes!(list_departments, create_department))
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
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not above this place in the hierarchy", body = ErrorBody),
        (status = 409, description = "The person already holds this role there (a station member: any position of the station), or the station already has a head", body = ErrorBody),
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
    // Checked before anyone is invited: a refused grant leaves no one behind.
    roles::check_place(db, &request).await?;
    let person = match roles::person_by_phone(db, &phone).await? {
        Some(person) => person,
        None => auth::person_for_phone(db, &phone, request.name.as_deref()).await?,
    };
    let invite = roles::Invite {
        sender: &*state.sms,
        config: &state.config.sms,
    };
    let id = roles::grant(db, actor.id, person, &request, invite).await?;
    let (grant, _) = roles::grant_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(grant)))
}

/// The roles at a place and within it, live and revoked, each with its
/// history: for those who may appoint there — the street's administrators,
/// the community's staff, the compound's station head.
#[utoipa::path(
    get,
    path = "/role-grants",
    tag = "roles",
    params(RoleScope),
    responses(
        (status = 200, description = "The grants, by place and then by when granted", body = Vec<RoleRecord>),
        (status = 400, description = "Not exactly one of street_id, community_id, compound_id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an administrator, staff nor the station head there", body = ErrorBody),
    )
)]
pub async fn list_role_grants(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiQuery(scope): ApiQuery<RoleScope>,
) -> Result<Json<Vec<RoleRecord>>, AppError> {
    let db = &state.db;
    let allowed = match (scope.street_id, scope.community_id, scope.compound_id) {
        (Some(street), None, None) => permissions::is_street_admin(db, actor.id, street).await?,
        (None, Some(community), None) => {
            permissions::keeps_community(db, actor.id, community).await?
        }
        (None, None, Some(compound)) => {
            permissions::appoints_at_compound(db, actor.id, compound).await?
        }
        _ => {
            return Err(AppError::field(
                ErrorCode::InvalidQuery,
                FieldError::new("street_id", Rule::Invalid),
            ));
        }
    };
    if !allowed {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let records = roles::records(db, &scope).await?.ok_or_else(|| {
        AppError::field(
            ErrorCode::InvalidQuery,
            FieldError::new("street_id", Rule::Invalid),
        )
    })?;
    Ok(Json(records))
}

/// The departments a community keeps, by name: what a department liaison
/// can be appointed to. Names only, readable by anyone.
#[utoipa::path(
    get,
    path = "/communities/{id}/departments",
    tag = "roles",
    params(("id" = i64, Path, description = "The community's id")),
    responses(
        (status = 200, description = "The community's departments", body = Vec<Department>),
        (status = 404, description = "No such community", body = ErrorBody),
    )
)]
pub async fn list_departments(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Department>>, AppError> {
    if roles::ancestry(&state.db, api_types::roles::Role::CommunityStaff, id)
        .await?
        .is_none()
    {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    Ok(Json(roles::departments(&state.db, id).await?))
}

/// Adds a department to a community's list: its staff or the street's
/// administrators.
#[utoipa::path(
    post,
    path = "/communities/{id}/departments",
    tag = "roles",
    params(("id" = i64, Path, description = "The community's id")),
    request_body = NewDepartment,
    responses(
        (status = 201, description = "Added", body = Department),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of the community nor an administrator of its street", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 409, description = "The community already keeps a department of that name", body = ErrorBody),
        (status = 422, description = "No name, or a name over 30 characters", body = ErrorBody),
    )
)]
pub async fn create_department(
    State(state): State<AppState>,
    actor: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(department): ApiJson<NewDepartment>,
) -> Result<(StatusCode, Json<Department>), AppError> {
    let db = &state.db;
    if roles::ancestry(db, api_types::roles::Role::CommunityStaff, id)
        .await?
        .is_none()
    {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    if !permissions::keeps_community(db, actor.id, id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    department.validate().map_err(AppError::validation)?;
    let added = roles::add_department(db, id, &department.name).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// The role in the words of the invitation.
/// Revokes a grant, recording who and why.
#[utoipa::path(
    post,
    path = "/role-grants/{id}/revocations",
    tag = "roles",
    params(("id" = i64, Path, description = "The grant's id")),
    request_body = Revocation,
    responses(
        (status = 201, description = "Revoked and recorded in the audit log", body = RoleGrant),
        (status = 401, description = "Not signed in", body = ErrorBody),
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
