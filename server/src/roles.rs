//! Granting and revoking place-scoped roles: only someone above the place
//! may, and every act is written to the audit log in the same transaction.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use api_types::roles::{Department, NewRoleGrant, Position, Role, RoleGrant};
use api_types::{ErrorCode, FieldError, Rule};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Where a place sits: its compound, community and street (each `None`
/// above the place's own level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ancestry {
    /// The compound (for station members and grid workers).
    pub compound: Option<i64>,
    /// The community.
    pub community: Option<i64>,
    /// The street.
    pub street: i64,
}

/// The ancestry of the place `place_id` of `role`'s kind, or `None` if
/// there is no such place.
pub async fn ancestry(db: &Db, role: Role, place_id: i64) -> Result<Option<Ancestry>, sqlx::Error> {
    let sql = match role {
        Role::StationMember => {
            "SELECT c.id, cm.id, cm.street_id FROM compounds c \
             JOIN communities cm ON cm.id = c.community_id WHERE c.id = $1"
        }
        Role::GridWorker => {
            "SELECT c.id, cm.id, cm.street_id FROM grids g JOIN compounds c ON c.id = g.compound_id \
             JOIN communities cm ON cm.id = c.community_id WHERE g.id = $1"
        }
        Role::CommunityStaff | Role::DepartmentLiaison => {
            "SELECT NULL, cm.id, cm.street_id FROM communities cm WHERE cm.id = $1"
        }
        Role::StreetAdmin => "SELECT NULL, NULL, s.id FROM streets s WHERE s.id = $1",
    };
    let row: Option<(Option<i64>, Option<i64>, i64)> = sqlx::query_as(sql)
        .bind(place_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(compound, community, street)| Ancestry {
        compound,
        community,
        street,
    }))
}

/// A role someone holds: role, position, street, community, compound.
type HeldRole = (
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Whether `actor` may grant or revoke `role` (with `position`) at a place
/// with `ancestry`: a street administrator of its street; community staff
/// of its community for stations, grids and liaisons; a station head of
/// its compound for the station's other positions. Nobody here appoints
/// street administrators or station heads' peers above them.
pub async fn may_manage(
    db: &Db,
    actor: i64,
    role: Role,
    position: Option<Position>,
    at: Ancestry,
) -> Result<bool, sqlx::Error> {
    let held: Vec<HeldRole> = sqlx::query_as(
        "SELECT role, position, street_id, community_id, compound_id FROM role_grants \
         WHERE person_id = $1 AND revoked_at IS NULL",
    )
    .bind(actor)
    .fetch_all(&db.pool)
    .await?;
    Ok(held.iter().any(
        |(held_role, held_position, street, community, compound)| match Role::parse(held_role) {
            Some(Role::StreetAdmin) => role != Role::StreetAdmin && *street == Some(at.street),
            Some(Role::CommunityStaff) => {
                matches!(
                    role,
                    Role::StationMember | Role::GridWorker | Role::DepartmentLiaison
                ) && at.community.is_some()
                    && *community == at.community
            }
            Some(Role::StationMember) => {
                held_position.as_deref() == Some("head")
                    && role == Role::StationMember
                    && position != Some(Position::Head)
                    && at.compound.is_some()
                    && *compound == at.compound
            }
            _ => false,
        },
    ))
}

/// The id of the person with this (normalized) number.
pub async fn person_by_phone(db: &Db, phone: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM people WHERE phone = $1")
        .bind(phone.to_owned())
        .fetch_optional(&db.pool)
        .await
}

fn place_column(role: Role) -> &'static str {
    match role {
        Role::StationMember => "compound_id",
        Role::GridWorker => "grid_id",
        Role::CommunityStaff | Role::DepartmentLiaison => "community_id",
        Role::StreetAdmin => "street_id",
    }
}

/// Grants the requested role to `person`, with the audit entry; 409 if
/// they already hold exactly that.
pub async fn grant(
    db: &Db,
    actor: i64,
    person: i64,
    request: &NewRoleGrant,
) -> Result<i64, AppError> {
    let NewRoleGrant {
        role,
        place_id,
        position,
        department,
        ref reason,
        ..
    } = *request;
    let column = place_column(role);
    let held_sql = format!(
        "SELECT id FROM role_grants WHERE person_id = $1 AND role = $2 AND {column} = $3 \
         AND revoked_at IS NULL AND COALESCE(position, '') = $4 AND COALESCE(department, '') = $5"
    );
    let held: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(held_sql))
        .bind(person)
        .bind(role.as_str())
        .bind(place_id)
        .bind(position.map_or("", Position::as_str))
        .bind(department.map_or("", Department::as_str))
        .fetch_optional(&db.pool)
        .await?;
    if held.is_some() {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let insert = format!(
        "INSERT INTO role_grants (person_id, role, {column}, position, department, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    );
    let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(insert))
        .bind(person)
        .bind(role.as_str())
        .bind(place_id)
        .bind(position.map(Position::as_str))
        .bind(department.map(Department::as_str))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    record_event(&mut tx, id, "grant", Some(actor), reason, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes a grant with the audit entry (`actor` `None`: the system, for
/// an account its owner deleted); 409 if it was already revoked.
pub async fn revoke(db: &Db, id: i64, actor: Option<i64>, reason: &str) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let done =
        sqlx::query("UPDATE role_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    record_event(&mut tx, id, "revoke", actor, reason, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn record_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    grant: i64,
    action: &str,
    actor: Option<i64>,
    reason: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO role_events (role_grant_id, action, actor_id, reason, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(grant)
    .bind(action.to_owned())
    .bind(actor)
    .bind(reason.trim().to_owned())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One grant as the API shows it, with where it sits.
pub async fn grant_by_id(db: &Db, id: i64) -> Result<Option<(RoleGrant, Ancestry)>, AppError> {
    let row = sqlx::query(
        "SELECT r.id, r.person_id, p.name AS person_name, r.role, r.position, r.department, \
           r.granted_at, r.revoked_at, \
           COALESCE(r.compound_id, r.grid_id, r.community_id, r.street_id) AS place_id, \
           COALESCE(c.name, gc.name || ' ' || g.name, cm.name, s.name) AS place_name \
         FROM role_grants r JOIN people p ON p.id = r.person_id \
         LEFT JOIN compounds c ON c.id = r.compound_id LEFT JOIN grids g ON g.id = r.grid_id \
         LEFT JOIN compounds gc ON gc.id = g.compound_id \
         LEFT JOIN communities cm ON cm.id = r.community_id LEFT JOIN streets s ON s.id = r.street_id \
         WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let grant = grant_from_row(&row)?;
    let at = ancestry(db, grant.role, grant.place_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(Some((grant, at)))
}

fn grant_from_row(row: &AnyRow) -> Result<RoleGrant, AppError> {
    let parse_err = || AppError::internal("a stored role, position or department is unknown");
    let role: String = row.try_get("role")?;
    let position: Option<String> = row.try_get("position")?;
    let department: Option<String> = row.try_get("department")?;
    let revoked_at: Option<i64> = row.try_get("revoked_at")?;
    Ok(RoleGrant {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        person_name: row.try_get("person_name")?,
        role: Role::parse(&role).ok_or_else(parse_err)?,
        place_id: row.try_get("place_id")?,
        place_name: row.try_get("place_name")?,
        position: position
            .map(|p| decode(&p))
            .transpose()
            .map_err(|_| parse_err())?,
        department: department
            .map(|d| decode(&d))
            .transpose()
            .map_err(|_| parse_err())?,
        granted_at: rfc3339(row.try_get("granted_at")?),
        revoked_at: revoked_at.map(rfc3339),
    })
}

/// Reads a stored snake_case value into its API enum.
fn decode<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned()))
}

/// The error for a place of the wrong kind or none at all.
pub fn unknown_place() -> AppError {
    AppError::validation(vec![FieldError::new("place_id", Rule::Invalid)])
}
