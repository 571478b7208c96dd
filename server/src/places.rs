//! Reading the place hierarchy: public names and counts only.

use crate::db::Db;
use api_types::places::{
    BuildingSummary, CommunitySummary, CompoundDetail, CompoundSummary, GridSummary,
    StationSummary, StreetSummary,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Streets after `after_id`, at most `limit` of them.
pub async fn list_streets(
    db: &Db,
    after_id: i64,
    limit: i64,
) -> Result<Vec<StreetSummary>, sqlx::Error> {
    sqlx::query(
        "SELECT s.id, s.name, s.district, \
           (SELECT COUNT(*) FROM communities cm WHERE cm.street_id = s.id) AS community_count, \
           (SELECT COUNT(*) FROM compounds c JOIN communities cm ON cm.id = c.community_id \
              WHERE cm.street_id = s.id) AS compound_count, \
           (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
              JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
              JOIN compounds c ON c.id = g.compound_id JOIN communities cm ON cm.id = c.community_id \
              WHERE cm.street_id = s.id) AS household_count \
         FROM streets s WHERE s.id > $1 ORDER BY s.id LIMIT $2",
    )
    .bind(after_id)
    .bind(limit)
    .try_map(|row: AnyRow| {
        Ok(StreetSummary {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            district: row.try_get("district")?,
            community_count: row.try_get("community_count")?,
            compound_count: row.try_get("compound_count")?,
            household_count: row.try_get("household_count")?,
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// Communities after `after_id`, optionally of one street.
pub async fn list_communities(
    db: &Db,
    street_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<CommunitySummary>, sqlx::Error> {
    sqlx::query(
        "SELECT cm.id, cm.street_id, cm.name, \
           (SELECT COUNT(*) FROM compounds c WHERE c.community_id = cm.id) AS compound_count, \
           (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
              JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
              JOIN compounds c ON c.id = g.compound_id WHERE c.community_id = cm.id) AS household_count \
         FROM communities cm \
         WHERE cm.id > $1 AND ($2 IS NULL OR cm.street_id = $2) \
         ORDER BY cm.id LIMIT $3",
    )
    .bind(after_id)
    .bind(street_id)
    .bind(limit)
    .try_map(|row: AnyRow| {
        Ok(CommunitySummary {
            id: row.try_get("id")?,
            street_id: row.try_get("street_id")?,
            name: row.try_get("name")?,
            compound_count: row.try_get("compound_count")?,
            household_count: row.try_get("household_count")?,
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// The columns of a compound summary; `WHERE` and `ORDER` are added per use.
const COMPOUND_SUMMARY: &str = "SELECT c.id, c.community_id, cm.street_id, cm.name AS community_name, \
       c.name, c.address, s.id AS station_id, s.name AS station_name, \
       (SELECT p.name FROM role_grants r JOIN people p ON p.id = r.person_id \
          WHERE r.compound_id = c.id AND r.role = 'station_member' AND r.position = 'head' \
            AND r.revoked_at IS NULL ORDER BY r.id LIMIT 1) AS head_name, \
       (SELECT COUNT(*) FROM role_grants r WHERE r.compound_id = c.id \
          AND r.role = 'station_member' AND r.revoked_at IS NULL) AS member_count, \
       (SELECT COUNT(*) FROM grids g WHERE g.compound_id = c.id AND g.retired_at IS NULL) AS grid_count, \
       (SELECT COUNT(*) FROM buildings b JOIN grids g ON g.id = b.grid_id \
          WHERE g.compound_id = c.id) AS building_count, \
       (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
          JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
          WHERE g.compound_id = c.id) AS household_count \
     FROM compounds c JOIN communities cm ON cm.id = c.community_id \
     LEFT JOIN stations s ON s.compound_id = c.id";

fn compound_summary(row: &AnyRow) -> Result<CompoundSummary, sqlx::Error> {
    let station_id: Option<i64> = row.try_get("station_id")?;
    let station = match station_id {
        Some(id) => Some(StationSummary {
            id,
            name: row.try_get("station_name")?,
            head_name: row.try_get("head_name")?,
            member_count: row.try_get("member_count")?,
        }),
        None => None,
    };
    Ok(CompoundSummary {
        id: row.try_get("id")?,
        community_id: row.try_get("community_id")?,
        street_id: row.try_get("street_id")?,
        community_name: row.try_get("community_name")?,
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        station,
        grid_count: row.try_get("grid_count")?,
        building_count: row.try_get("building_count")?,
        household_count: row.try_get("household_count")?,
    })
}

/// Compounds after `after_id`, optionally of one street or community.
pub async fn list_compounds(
    db: &Db,
    street_id: Option<i64>,
    community_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<CompoundSummary>, sqlx::Error> {
    let sql = format!(
        "{COMPOUND_SUMMARY} WHERE c.id > $1 AND ($2 IS NULL OR cm.street_id = $2) \
         AND ($3 IS NULL OR c.community_id = $3) ORDER BY c.id LIMIT $4"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after_id)
        .bind(street_id)
        .bind(community_id)
        .bind(limit)
        .try_map(|row: AnyRow| compound_summary(&row))
        .fetch_all(&db.pool)
        .await
}

/// One compound with its grids and buildings; `None` if there is none.
pub async fn compound_detail(db: &Db, id: i64) -> Result<Option<CompoundDetail>, sqlx::Error> {
    let sql = format!("{COMPOUND_SUMMARY} WHERE c.id = $1");
    let Some(summary) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .try_map(|row: AnyRow| compound_summary(&row))
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let grids: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT g.id, g.name, \
           (SELECT p.name FROM role_grants r JOIN people p ON p.id = r.person_id \
              WHERE r.grid_id = g.id AND r.role = 'grid_worker' AND r.revoked_at IS NULL \
              ORDER BY r.id LIMIT 1) AS worker_name \
         FROM grids g WHERE g.compound_id = $1 AND g.retired_at IS NULL ORDER BY g.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let buildings: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT b.grid_id, b.id, b.name, \
           (SELECT COUNT(*) FROM units u WHERE u.building_id = b.id) AS unit_count, \
           (SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id \
              WHERE u.building_id = b.id) AS household_count \
         FROM buildings b JOIN grids g ON g.id = b.grid_id \
         WHERE g.compound_id = $1 ORDER BY b.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let units: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.building_id, u.name FROM units u JOIN buildings b ON b.id = u.building_id \
         JOIN grids g ON g.id = b.grid_id WHERE g.compound_id = $1 ORDER BY u.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let grids = grids
        .into_iter()
        .map(|(grid_id, name, worker_name)| {
            let buildings: Vec<BuildingSummary> = buildings
                .iter()
                .filter(|b| b.0 == grid_id)
                .map(
                    |(_, id, name, unit_count, household_count)| BuildingSummary {
                        id: *id,
                        name: name.clone(),
                        unit_count: *unit_count,
                        units: units
                            .iter()
                            .filter(|(building, _)| building == id)
                            .map(|(_, name)| name.clone())
                            .collect(),
                        household_count: *household_count,
                    },
                )
                .collect();
            GridSummary {
                id: grid_id,
                name,
                worker_name,
                household_count: buildings.iter().map(|b| b.household_count).sum(),
                buildings,
            }
        })
        .collect();
    Ok(Some(CompoundDetail { summary, grids }))
}

/// Whether any street exists (an empty database gets the demo data).
pub async fn has_streets(db: &Db) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM streets")
        .fetch_one(&db.pool)
        .await?;
    Ok(count > 0)
}
