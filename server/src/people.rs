//! People as they see themselves.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use crate::leaving::Why;
use api_types::identity::{DataExport, Me, RoleSummary, SessionRecord};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A person's display name.
pub async fn name_of(db: &Db, id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?)
}

/// The person `id` with their roles, for their own eyes.
pub async fn me(db: &Db, id: i64) -> Result<Me, AppError> {
    let (name, phone): (String, Option<String>) =
        sqlx::query_as("SELECT name, phone FROM people WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    let roles: Vec<RoleSummary> = sqlx::query(
        "SELECT r.role, r.position, d.name AS department, \
           COALESCE(r.compound_id, r.grid_id, r.community_id, r.street_id) AS place_id, \
           COALESCE(c.name, gc.name || ' ' || g.name, cm.name, s.name) AS place_name \
         FROM role_grants r \
         LEFT JOIN departments d ON d.id = r.department_id \
         LEFT JOIN compounds c ON c.id = r.compound_id \
         LEFT JOIN grids g ON g.id = r.grid_id \
         LEFT JOIN compounds gc ON gc.id = g.compound_id \
         LEFT JOIN communities cm ON cm.id = r.community_id \
         LEFT JOIN streets s ON s.id = r.street_id \
         WHERE r.person_id = $1 AND r.revoked_at IS NULL ORDER BY r.id",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        Ok(RoleSummary {
            role: row.try_get("role")?,
            place_id: row.try_get("place_id")?,
            place_name: row.try_get("place_name")?,
            position: row.try_get("position")?,
            department: row.try_get("department")?,
        })
    })
    .fetch_all(&db.pool)
    .await?;
    Ok(Me {
        id,
        name,
        phone: phone.unwrap_or_default(),
        roles,
        households: crate::households::requests_of_person(db, id).await?,
    })
}

/// Everything kept about `id`, for their own download.
pub async fn export(db: &Db, id: i64) -> Result<DataExport, AppError> {
    let person = me(db, id).await?;
    let created_at: i64 = sqlx::query_scalar("SELECT created_at FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let sessions = sqlx::query(
        "SELECT created_at, last_seen_at, expires_at, revoked_at, user_agent FROM sessions \
         WHERE person_id = $1 ORDER BY created_at DESC",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        Ok(SessionRecord {
            created_at: rfc3339(row.try_get("created_at")?),
            last_seen_at: rfc3339(row.try_get("last_seen_at")?),
            expires_at: rfc3339(row.try_get("expires_at")?),
            revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(rfc3339),
            user_agent: row.try_get("user_agent")?,
        })
    })
    .fetch_all(&db.pool)
    .await?;
    Ok(DataExport {
        person,
        created_at: rfc3339(created_at),
        sessions,
    })
}

/// The name a deleted account's contributions stay under.
pub const DELETED_NAME: &str = "已注销居民";

/// Deletes `id`'s account: personal fields erased, pending household
/// requests and codes removed, approved bindings ended, roles revoked
/// (recorded in the audit log as the system's act), every session ended.
/// Their duties go back ([`crate::leaving`]): assigned affairs to their
/// level's queue; the pool, future claims, help not given and studio leads
/// to others. The person row stays under an
/// anonymous name, so what they contributed keeps its author.
pub async fn delete_account(db: &Db, id: i64) -> Result<(), AppError> {
    let now = now_ms();
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO role_events (role_grant_id, action, actor_id, reason, at) \
         SELECT id, 'revoke', NULL, 'account deleted by its owner', $2 FROM role_grants \
         WHERE person_id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE role_grants SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::leaving::release_affairs(&mut tx, id, Why::AccountDeleted, now).await?;
    crate::leaving::leave_pool(&mut tx, id, None, Why::AccountDeleted, now).await?;
    // A binding that was approved ends (the household had this resident
    // until now, and past months keep counting them); one never approved
    // goes.
    sqlx::query(
        "UPDATE household_requests SET ended_at = $2 WHERE person_id = $1 AND status = 'approved' \
         AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM household_requests WHERE person_id = $1 AND status <> 'approved'")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if let Some(phone) = phone {
        sqlx::query("DELETE FROM sign_in_codes WHERE phone = $1")
            .bind(phone)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // Text messages waiting for them, and what was sent, go with the
    // number; their notices are not texted any more.
    for sql in [
        "UPDATE notices SET sms_relayed = 1 WHERE person_id = $1",
        "DELETE FROM sms_deliveries WHERE person_id = $1",
        "DELETE FROM sms_notice_choices WHERE person_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE people SET name = $2, phone = NULL WHERE id = $1")
        .bind(id)
        .bind(DELETED_NAME)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
