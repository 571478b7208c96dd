//! Granting and revoking place-scoped roles: only someone above the place
//! may, and every act is written to the audit log in the same transaction.

use crate::db::{Db, now_ms, rfc3339};
use crate::deliveries;
use crate::error::AppError;
use crate::sms::{SmsConfig, SmsSender, Template};
use api_types::roles::{
    Department, NewRoleGrant, Position, Role, RoleEvent, RoleGrant, RoleRecord, RoleScope,
};
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

/// 422 for a grant at a retired grid (`place_id`) or naming a department
/// its community does not keep (`department_id`).
pub async fn check_place(db: &Db, request: &NewRoleGrant) -> Result<(), AppError> {
    if request.role == Role::GridWorker {
        let live: Option<i64> =
            sqlx::query_scalar("SELECT id FROM grids WHERE id = $1 AND retired_at IS NULL")
                .bind(request.place_id)
                .fetch_optional(&db.pool)
                .await?;
        if live.is_none() {
            return Err(unknown_place());
        }
    }
    if let Some(department) = request.department_id {
        let kept: Option<i64> =
            sqlx::query_scalar("SELECT id FROM departments WHERE id = $1 AND community_id = $2")
                .bind(department)
                .bind(request.place_id)
                .fetch_optional(&db.pool)
                .await?;
        if kept.is_none() {
            return Err(AppError::validation(vec![FieldError::new(
                "department_id",
                Rule::Invalid,
            )]));
        }
    }
    Ok(())
}

/// Grants the requested role to `person`, with the audit entry; 409 if
/// they already hold it there (a station member: any position of that
/// station), or the station already has a head. The place is checked first
/// ([`check_place`]).
pub async fn grant(
    db: &Db,
    actor: i64,
    person: i64,
    request: &NewRoleGrant,
    invite: Invite<'_>,
) -> Result<i64, AppError> {
    let NewRoleGrant {
        role,
        place_id,
        position,
        department_id,
        ref reason,
        ..
    } = *request;
    let column = place_column(role);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let insert = format!(
        "INSERT INTO role_grants (person_id, role, {column}, position, department_id, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    );
    let inserted = sqlx::query_scalar(sqlx::AssertSqlSafe(insert))
        .bind(person)
        .bind(role.as_str())
        .bind(place_id)
        .bind(position.map(Position::as_str))
        .bind(department_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        // The unique indexes hold a role once and a station's one head,
        // however many requests race.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            return Err(held_already(db, person, request).await?);
        }
        Err(e) => return Err(e.into()),
    };
    record_event(&mut tx, id, "grant", Some(actor), reason, now).await?;
    // Someone who has never signed in (however they came to be known: a
    // racing grant, an affair filed for them) is told the role waits, by a
    // message queued with the grant itself.
    let signed_in: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM sessions WHERE person_id = $1 LIMIT 1")
            .bind(person)
            .fetch_optional(&mut *tx)
            .await?;
    if signed_in.is_none() {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{GRANT_SELECT} WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let granted = grant_from_row(&row)?;
        let invitation = deliveries::Outgoing {
            person,
            template: Template::RoleInvitation,
            params: vec![granted.place_name.clone(), role_words(&granted)],
            urgent: false,
        };
        deliveries::enqueue(
            &mut tx,
            db.engine,
            invite.sender,
            invite.config,
            &invitation,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// How a grant tells someone who has never signed in that a role waits for
/// them: template `role_invitation`, through the SMS queue.
#[derive(Debug, Clone, Copy)]
pub struct Invite<'a> {
    /// The server's sender (it says which templates are configured).
    pub sender: &'a dyn SmsSender,
    /// The SMS settings (quiet hours, the portal's address).
    pub config: &'a SmsConfig,
}

/// A role in the words of an invitation: 互助站站长, 网格员…
pub fn role_words(grant: &RoleGrant) -> String {
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

/// The 409 for a grant the unique indexes refused, saying why.
async fn held_already(db: &Db, person: i64, request: &NewRoleGrant) -> Result<AppError, AppError> {
    let head: Option<String> = if request.position == Some(Position::Head) {
        sqlx::query_scalar(
            "SELECT p.name FROM role_grants r JOIN people p ON p.id = r.person_id \
             WHERE r.role = 'station_member' AND r.position = 'head' AND r.compound_id = $1 \
             AND r.revoked_at IS NULL AND r.person_id <> $2",
        )
        .bind(request.place_id)
        .bind(person)
        .fetch_optional(&db.pool)
        .await?
    } else {
        None
    };
    let message = match head {
        Some(name) => format!("这个互助站已有站长（{name}），请先撤销原站长的职务再任命"),
        None => "此人在这里已有职务；要换职务，请先撤销原来的".to_owned(),
    };
    Ok(AppError::new(ErrorCode::Conflict).with_message(message))
}

/// Revokes a grant with the audit entry (`actor` `None`: the system);
/// 409 if it was already revoked. The affairs its holder was assigned at
/// a level they no longer handle go back to that level's queue in the
/// same transaction ([`crate::leaving::release_affairs`]).
pub async fn revoke(db: &Db, id: i64, actor: Option<i64>, reason: &str) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let holder: Option<i64> = sqlx::query_scalar(
        "UPDATE role_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING person_id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(holder) = holder else {
        return Err(AppError::new(ErrorCode::Conflict));
    };
    record_event(&mut tx, id, "revoke", actor, reason, now).await?;
    crate::leaving::release_affairs(&mut tx, holder, crate::leaving::Why::RoleRevoked, now).await?;
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

/// A grant as the API shows it: the columns `grant_from_row` reads, and
/// `signed_in` (whether its holder has a session or ever had one).
const GRANT_SELECT: &str = "SELECT r.id, r.person_id, p.name AS person_name, r.role, r.position, \
       r.department_id, d.name AS department_name, r.granted_at, r.revoked_at, \
       COALESCE(r.compound_id, r.grid_id, r.community_id, r.street_id) AS place_id, \
       COALESCE(c.name, gc.name || ' ' || g.name, cm.name, s.name) AS place_name, \
       CAST(CASE WHEN EXISTS (SELECT 1 FROM sessions x WHERE x.person_id = r.person_id) \
         THEN 1 ELSE 0 END AS BIGINT) AS signed_in \
     FROM role_grants r JOIN people p ON p.id = r.person_id \
     LEFT JOIN departments d ON d.id = r.department_id \
     LEFT JOIN compounds c ON c.id = r.compound_id LEFT JOIN grids g ON g.id = r.grid_id \
     LEFT JOIN compounds gc ON gc.id = g.compound_id \
     LEFT JOIN communities cm ON cm.id = r.community_id LEFT JOIN streets s ON s.id = r.street_id";

/// One grant as the API shows it, with where it sits.
pub async fn grant_by_id(db: &Db, id: i64) -> Result<Option<(RoleGrant, Ancestry)>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{GRANT_SELECT} WHERE r.id = $1"
    )))
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
    let parse_err = || AppError::internal("a stored role or position is unknown");
    let role: String = row.try_get("role")?;
    let position: Option<String> = row.try_get("position")?;
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
        department_id: row.try_get("department_id")?,
        department_name: row.try_get("department_name")?,
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

/// Every grant at the place `scope` names and the places within it, live
/// and revoked, each with its acts oldest first: a street's administrators
/// and all its communities' roles; a community's staff and liaisons and its
/// compounds'; a compound's station and its grids' workers. Ordered by
/// place, then by when they were granted. `None` if the scope names no
/// place, or more or fewer than one.
pub async fn records(db: &Db, scope: &RoleScope) -> Result<Option<Vec<RoleRecord>>, AppError> {
    let within = match (scope.street_id, scope.community_id, scope.compound_id) {
        (Some(id), None, None) => (
            "COALESCE(cm.street_id, s.id, gcm.street_id, ccm.street_id)",
            id,
        ),
        (None, Some(id), None) => ("COALESCE(cm.id, gc.community_id, c.community_id)", id),
        (None, None, Some(id)) => ("COALESCE(c.id, gc.id)", id),
        _ => return Ok(None),
    };
    let sql = format!(
        "{GRANT_SELECT} LEFT JOIN communities gcm ON gcm.id = gc.community_id \
         LEFT JOIN communities ccm ON ccm.id = c.community_id \
         WHERE {} = $1 ORDER BY place_name, r.granted_at, r.id",
        within.0
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(within.1)
        .fetch_all(&db.pool)
        .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let grant = grant_from_row(row)?;
        let signed_in: i64 = row.try_get("signed_in")?;
        records.push(RoleRecord {
            grant,
            signed_in: signed_in != 0,
            events: Vec::new(),
        });
    }
    let events = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT e.role_grant_id, e.action, p.name AS actor_name, e.reason, e.at \
         FROM role_events e LEFT JOIN people p ON p.id = e.actor_id \
         WHERE e.role_grant_id IN (SELECT r.id FROM ({GRANT_SELECT} \
           LEFT JOIN communities gcm ON gcm.id = gc.community_id \
           LEFT JOIN communities ccm ON ccm.id = c.community_id WHERE {} = $1) r) \
         ORDER BY e.at, e.id",
        within.0
    )))
    .bind(within.1)
    .fetch_all(&db.pool)
    .await?;
    let index: std::collections::HashMap<i64, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.grant.id, i))
        .collect();
    for event in &events {
        let grant: i64 = event.try_get("role_grant_id")?;
        if let Some(record) = index.get(&grant).and_then(|i| records.get_mut(*i)) {
            record.events.push(RoleEvent {
                action: event.try_get("action")?,
                actor_name: event.try_get("actor_name")?,
                reason: event.try_get("reason")?,
                at: rfc3339(event.try_get("at")?),
            });
        }
    }
    Ok(Some(records))
}

/// The departments `community` keeps, by name.
pub async fn departments(db: &Db, community: i64) -> Result<Vec<Department>, sqlx::Error> {
    sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT id, community_id, name FROM departments WHERE community_id = $1 ORDER BY name",
    )
    .bind(community)
    .fetch_all(&db.pool)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|(id, community_id, name)| Department {
                id,
                community_id,
                name,
            })
            .collect()
    })
}

/// Adds a department to `community`'s list; 409 if it already has one of
/// that name.
pub async fn add_department(db: &Db, community: i64, name: &str) -> Result<Department, AppError> {
    let name = name.trim().to_owned();
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO departments (community_id, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (community_id, name) DO NOTHING RETURNING id",
    )
    .bind(community)
    .bind(name.clone())
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    let id = id.ok_or_else(|| AppError::new(ErrorCode::Conflict))?;
    Ok(Department {
        id,
        community_id: community,
        name,
    })
}
