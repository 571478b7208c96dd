//! People as they see themselves.

use crate::db::Db;
use crate::error::AppError;
use api_types::identity::{Me, RoleSummary};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The person `id` with their roles, for their own eyes.
pub async fn me(db: &Db, id: i64) -> Result<Me, AppError> {
    let (name, phone): (String, Option<String>) =
        sqlx::query_as("SELECT name, phone FROM people WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    let roles: Vec<RoleSummary> = sqlx::query(
        "SELECT r.role, r.position, r.department, \
           COALESCE(r.compound_id, r.grid_id, r.community_id, r.street_id) AS place_id, \
           COALESCE(c.name, gc.name || ' ' || g.name, cm.name, s.name) AS place_name \
         FROM role_grants r \
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
