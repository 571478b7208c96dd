//! Who may act where. Every rule is scoped to a place: a station member of
//! compound A has no power in compound B. Handlers ask these; the app only
//! mirrors them.

use crate::db::Db;
use crate::error::AppError;
use api_types::ErrorCode;
use sqlx::any::AnyRow;

/// Every verified resident — a current, approved household binding — with
/// where they live: `person_id`, `household_id`, `building_id`,
/// `compound_id`, `community_id`. The one definition of "verified" that
/// voting, joining the pool and rating read, as a subquery.
pub const VERIFIED_RESIDENTS: &str = "SELECT r.person_id, r.household_id, b.id AS building_id, \
       g.compound_id, c.community_id FROM household_requests r \
     JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id \
     JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
     JOIN compounds c ON c.id = g.compound_id \
     WHERE r.status = 'approved' AND r.ended_at IS NULL";

/// Whether `person` is an active station member (any position) of `compound`.
pub async fn is_station_member(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM role_grants WHERE person_id = $1 AND role = 'station_member' \
             AND compound_id = $2 AND revoked_at IS NULL",
        )
        .bind(person)
        .bind(compound),
    )
    .await
}

/// Whether `person` may decide a binding to `household`: a station member
/// of its compound or the grid worker of its grid.
pub async fn can_decide_household(
    db: &Db,
    person: i64,
    household: i64,
) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM households h JOIN units u ON u.id = h.unit_id \
             JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
             JOIN role_grants r ON r.person_id = $1 AND r.revoked_at IS NULL \
               AND ((r.role = 'station_member' AND r.compound_id = g.compound_id) \
                 OR (r.role = 'grid_worker' AND r.grid_id = g.id)) \
             WHERE h.id = $2",
        )
        .bind(person)
        .bind(household),
    )
    .await
}

/// Whether `person` handles affairs of `compound` at some level: a station
/// member of it, the worker of one of its grids, or staff or a department
/// liaison of its community.
pub async fn handles_compound(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM compounds c JOIN role_grants r ON r.person_id = $1 AND r.revoked_at IS NULL \
             WHERE c.id = $2 AND ((r.role = 'station_member' AND r.compound_id = c.id) \
               OR (r.role = 'grid_worker' AND r.grid_id IN (SELECT id FROM grids WHERE compound_id = c.id)) \
               OR (r.role IN ('community_staff', 'department_liaison') AND r.community_id = c.community_id))",
        )
        .bind(person)
        .bind(compound),
    )
    .await
}

/// Whether `person` administers `street` (a current street administrator).
pub async fn is_street_admin(db: &Db, person: i64, street: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM role_grants WHERE person_id = $1 AND role = 'street_admin' \
             AND street_id = $2 AND revoked_at IS NULL",
        )
        .bind(person)
        .bind(street),
    )
    .await
}

/// Whether `person` keeps `compound`'s household register (uploads its
/// roster, records affairs for its residents): a station member of it,
/// staff of its community, or an administrator of its street.
pub async fn keeps_register(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM compounds c JOIN communities cm ON cm.id = c.community_id \
             JOIN role_grants r ON r.person_id = $1 AND r.revoked_at IS NULL \
             WHERE c.id = $2 AND ((r.role = 'station_member' AND r.compound_id = c.id) \
               OR (r.role = 'community_staff' AND r.community_id = c.community_id) \
               OR (r.role = 'street_admin' AND r.street_id = cm.street_id))",
        )
        .bind(person)
        .bind(compound),
    )
    .await
}

/// Whether `person` appoints people at `compound`: its station head, staff
/// of its community, or an administrator of its street.
pub async fn appoints_at_compound(
    db: &Db,
    person: i64,
    compound: i64,
) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM compounds c JOIN communities cm ON cm.id = c.community_id \
             JOIN role_grants r ON r.person_id = $1 AND r.revoked_at IS NULL \
             WHERE c.id = $2 AND ((r.role = 'station_member' AND r.position = 'head' \
                 AND r.compound_id = c.id) \
               OR (r.role = 'community_staff' AND r.community_id = c.community_id) \
               OR (r.role = 'street_admin' AND r.street_id = cm.street_id))",
        )
        .bind(person)
        .bind(compound),
    )
    .await
}

/// Whether `person` looks after `community`: staff of it, or an
/// administrator of its street. They keep its departments and its
/// compounds' grids and buildings.
pub async fn keeps_community(db: &Db, person: i64, community: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        sqlx::query(
            "SELECT 1 FROM communities cm \
             JOIN role_grants r ON r.person_id = $1 AND r.revoked_at IS NULL \
             WHERE cm.id = $2 AND ((r.role = 'community_staff' AND r.community_id = cm.id) \
               OR (r.role = 'street_admin' AND r.street_id = cm.street_id))",
        )
        .bind(person)
        .bind(community),
    )
    .await
}

/// Whether `person` may act for `compound`'s residents who phoned or came
/// in (代办: file an affair, register for a meeting, claim a volunteer
/// place in their name): those who keep its register and handle its
/// affairs — its station members and its community's staff.
pub async fn acts_for_residents(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    Ok(keeps_register(db, person, compound).await?
        && handles_compound(db, person, compound).await?)
}

/// [`acts_for_residents`], or 403.
pub async fn require_acts_for_residents(
    db: &Db,
    person: i64,
    compound: i64,
) -> Result<(), AppError> {
    if acts_for_residents(db, person, compound).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

async fn exists(
    db: &Db,
    query: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>,
) -> Result<bool, sqlx::Error> {
    let row: Option<AnyRow> = query.fetch_optional(&db.pool).await?;
    Ok(row.is_some())
}
