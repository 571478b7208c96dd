//! Household bindings and invite links: the rules and the SQL.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use api_types::households::{HouseholdRequest, HouseholdStatus, Invite, Requester};
use api_types::{ErrorCode, FieldError, Rule};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The household with this unit name and room in `building`, if any.
pub async fn find_household(
    db: &Db,
    building: i64,
    unit: &str,
    room: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id \
         WHERE u.building_id = $1 AND u.name = $2 AND h.room = $3",
    )
    .bind(building)
    .bind(unit.trim().to_owned())
    .bind(room.trim().to_owned())
    .fetch_optional(&db.pool)
    .await
}

/// Whether a building exists.
pub async fn building_exists(db: &Db, building: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM buildings WHERE id = $1")
        .bind(building)
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// The compound a building belongs to.
pub async fn compound_of_building(db: &Db, building: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT g.compound_id FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE b.id = $1",
    )
    .bind(building)
    .fetch_optional(&db.pool)
    .await
}

const REQUEST_COLUMNS: &str = "SELECT r.id, r.status, r.requested_at, r.decided_at, r.reason, \
       r.household_id, g.compound_id, c.name AS compound_name, b.name AS building_name, \
       u.name AS unit, h.room, p.id AS person_id, p.name AS person_name, p.phone AS person_phone \
     FROM household_requests r JOIN households h ON h.id = r.household_id \
     JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id \
     JOIN grids g ON g.id = b.grid_id JOIN compounds c ON c.id = g.compound_id \
     JOIN people p ON p.id = r.person_id";

fn request_from_row(row: &AnyRow, with_requester: bool) -> Result<HouseholdRequest, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let decided_at: Option<i64> = row.try_get("decided_at")?;
    let requester = if with_requester {
        Some(Requester {
            id: row.try_get("person_id")?,
            name: row.try_get("person_name")?,
            phone: row
                .try_get::<Option<String>, _>("person_phone")?
                .unwrap_or_default(),
        })
    } else {
        None
    };
    Ok(HouseholdRequest {
        id: row.try_get("id")?,
        status: HouseholdStatus::parse(&status).unwrap_or(HouseholdStatus::Pending),
        compound_id: row.try_get("compound_id")?,
        compound_name: row.try_get("compound_name")?,
        building_name: row.try_get("building_name")?,
        unit: row.try_get("unit")?,
        room: row.try_get("room")?,
        requested_at: rfc3339(row.try_get("requested_at")?),
        decided_at: decided_at.map(rfc3339),
        reason: row.try_get("reason")?,
        requester,
    })
}

/// A person's own bindings, newest first.
pub async fn requests_of_person(
    db: &Db,
    person: i64,
) -> Result<Vec<HouseholdRequest>, sqlx::Error> {
    let sql = format!(
        "{REQUEST_COLUMNS} WHERE r.person_id = $1 AND r.ended_at IS NULL ORDER BY r.id DESC LIMIT 20"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .try_map(|row: AnyRow| request_from_row(&row, false))
        .fetch_all(&db.pool)
        .await
}

/// The requests `staff` may decide (station member of the compound or grid
/// worker of the grid), optionally only one status or compound, oldest first.
pub async fn requests_for_staff(
    db: &Db,
    staff: i64,
    status: Option<HouseholdStatus>,
    compound: Option<i64>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<HouseholdRequest>, sqlx::Error> {
    let sql = format!(
        "{REQUEST_COLUMNS} WHERE r.id > $1 AND ($2 IS NULL OR r.status = $2) \
         AND ($3 IS NULL OR g.compound_id = $3) AND EXISTS (SELECT 1 FROM role_grants rg \
           WHERE rg.person_id = $4 AND rg.revoked_at IS NULL \
           AND ((rg.role = 'station_member' AND rg.compound_id = g.compound_id) \
             OR (rg.role = 'grid_worker' AND rg.grid_id = g.id))) \
         ORDER BY r.id LIMIT $5"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after_id)
        .bind(status.map(|s| s.as_str()))
        .bind(compound)
        .bind(staff)
        .bind(limit)
        .try_map(|row: AnyRow| request_from_row(&row, true))
        .fetch_all(&db.pool)
        .await
}

/// One request with the household it concerns and its requester.
pub async fn request(
    db: &Db,
    id: i64,
    with_requester: bool,
) -> Result<Option<(HouseholdRequest, i64, i64)>, sqlx::Error> {
    let sql = format!("{REQUEST_COLUMNS} WHERE r.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(move |row: AnyRow| {
            Ok((
                request_from_row(&row, with_requester)?,
                row.try_get::<i64, _>("household_id")?,
                row.try_get::<i64, _>("person_id")?,
            ))
        })
        .fetch_optional(&db.pool)
        .await
}

/// Files a pending binding of `person` to `household`, counting one use of
/// `invite` in the same transaction. A person has one open binding at a
/// time: a second is 409; a used-up, expired or withdrawn invite is 422.
pub async fn create_request(
    db: &Db,
    person: i64,
    household: i64,
    invite: Option<i64>,
) -> Result<i64, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    if let Some(invite) = invite {
        let used = sqlx::query(
            "UPDATE invites SET uses = uses + 1 \
             WHERE id = $1 AND uses < max_uses AND expires_at > $2 AND revoked_at IS NULL",
        )
        .bind(invite)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(invalid_invite());
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO household_requests (person_id, household_id, invite_id, status, requested_at) \
         VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
    )
    .bind(person)
    .bind(household)
    .bind(invite)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/household-requests/{id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Decides a pending request; 409 when it is no longer pending.
pub async fn decide(
    db: &Db,
    id: i64,
    by: i64,
    status: HouseholdStatus,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE household_requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(now_ms())
    .bind(by)
    .bind(reason.map(|r| r.trim().to_owned()))
    .bind(id)
    .execute(&db.pool)
    .await?;
    AppError::one_row(done.rows_affected(), ErrorCode::Conflict)
}

const INVITE_COLUMNS: &str = "SELECT i.id, i.token, i.building_id, b.name AS building_name, \
       g.compound_id, c.name AS compound_name, u.name AS unit, h.room, i.household_id, \
       i.max_uses, i.uses, i.expires_at, i.revoked_at \
     FROM invites i JOIN buildings b ON b.id = i.building_id JOIN grids g ON g.id = b.grid_id \
     JOIN compounds c ON c.id = g.compound_id LEFT JOIN households h ON h.id = i.household_id \
     LEFT JOIN units u ON u.id = h.unit_id";

/// An invite and what the server needs to check a use of it.
#[derive(Debug, Clone)]
pub struct StoredInvite {
    /// The invite's id.
    pub id: i64,
    /// The household it is for, if only one.
    pub household_id: Option<i64>,
    /// As the API shows it.
    pub invite: Invite,
}

fn invite_from_row(row: &AnyRow) -> Result<StoredInvite, sqlx::Error> {
    let token: String = row.try_get("token")?;
    let max_uses: i64 = row.try_get("max_uses")?;
    let uses: i64 = row.try_get("uses")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let revoked_at: Option<i64> = row.try_get("revoked_at")?;
    Ok(StoredInvite {
        id: row.try_get("id")?,
        household_id: row.try_get("household_id")?,
        invite: Invite {
            path: format!("/invites/{token}"),
            token,
            compound_id: row.try_get("compound_id")?,
            compound_name: row.try_get("compound_name")?,
            building_id: row.try_get("building_id")?,
            building_name: row.try_get("building_name")?,
            unit: row.try_get("unit")?,
            room: row.try_get("room")?,
            expires_at: rfc3339(expires_at),
            max_uses,
            uses,
            usable: revoked_at.is_none() && uses < max_uses && expires_at > now_ms(),
        },
    })
}

/// The invite behind a token.
pub async fn invite_by_token(db: &Db, token: &str) -> Result<Option<StoredInvite>, sqlx::Error> {
    let sql = format!("{INVITE_COLUMNS} WHERE i.token = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token.to_owned())
        .try_map(|row: AnyRow| invite_from_row(&row))
        .fetch_optional(&db.pool)
        .await
}

/// The invites of a compound, newest first.
pub async fn invites_of_compound(
    db: &Db,
    compound: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<StoredInvite>, sqlx::Error> {
    let sql = format!(
        "{INVITE_COLUMNS} WHERE g.compound_id = $1 AND ($2 = 0 OR i.id < $2) ORDER BY i.id DESC LIMIT $3"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(compound)
        .bind(after_id)
        .bind(limit)
        .try_map(|row: AnyRow| invite_from_row(&row))
        .fetch_all(&db.pool)
        .await
}

/// Stores a new invite; returns its token.
pub async fn create_invite(
    db: &Db,
    by: i64,
    building: i64,
    household: Option<i64>,
    days: i64,
    max_uses: i64,
    token: &str,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO invites (token, created_by, building_id, household_id, max_uses, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token.to_owned())
    .bind(by)
    .bind(building)
    .bind(household)
    .bind(max_uses)
    .bind(now)
    .bind(now + days * 24 * 60 * 60 * 1000)
    .execute(&mut *tx)
    .await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/invites/{token}"),
    )
    .await?;
    tx.commit().await
}

/// The error for an invite that cannot be used for this request.
pub fn invalid_invite() -> AppError {
    AppError::validation(vec![FieldError::new("invite_token", Rule::Invalid)])
}

/// Ends an approved binding: the resident moved out. They stop being a
/// verified resident from now on; if it was their last home in the
/// compound, they also leave its capable-person pool and its duties
/// ([`crate::leaving::leave_pool`]). 409 unless the binding is approved
/// and still current.
pub async fn end_binding(db: &Db, id: i64) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let ended: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE household_requests SET ended_at = $1 WHERE id = $2 AND status = 'approved' AND ended_at IS NULL \
         RETURNING person_id, household_id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((person, household)) = ended else {
        return Err(AppError::new(api_types::ErrorCode::Conflict));
    };
    let compound: i64 = sqlx::query_scalar(
        "SELECT g.compound_id FROM households h JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id WHERE h.id = $1",
    )
    .bind(household)
    .fetch_one(&mut *tx)
    .await?;
    let still_home: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT v.person_id FROM ({}) v WHERE v.person_id = $1 AND v.compound_id = $2",
        crate::permissions::VERIFIED_RESIDENTS
    )))
    .bind(person)
    .bind(compound)
    .fetch_optional(&mut *tx)
    .await?;
    if still_home.is_none() {
        crate::leaving::leave_pool(
            &mut tx,
            person,
            Some(compound),
            crate::leaving::Why::MovedOut,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
