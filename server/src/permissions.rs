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

/// The one rule of who may see a private affair, as an SQL condition on
/// the affair row `a` (an alias) for the person whose id is the
/// placeholder `viewer` (such as `$1`): true for a public affair; for a
/// private one, true for its filer, a capable person asked to help with
/// it (a help request not declined), and whoever holds a current role at a
/// level the affair is at or has passed through — the station members of
/// its compound at the station, the worker of its grid at the grid, its
/// community's staff and department liaisons at the community. A role
/// revoked sees nothing more; a handler of another grid, or a liaison of an
/// affair that never left the station, never did. The brief: "private
/// matters are seen by the filer and the handlers".
///
/// Every place that shows an affair's record uses it — its detail (and so
/// its photos, help requests and suggestions), the compound's list, the
/// desk's queue, the month's export, the inbox — while figures that only
/// count (the three rates) count every affair.
pub fn sees_affair(a: &str, viewer: &str) -> String {
    let held = |level: &str| {
        format!(
            "({a}.level = '{level}' OR EXISTS (SELECT 1 FROM affair_events e \
             WHERE e.affair_id = {a}.id AND (e.to_level = '{level}' OR e.from_level = '{level}')))"
        )
    };
    format!(
        "({a}.private = 0 OR {a}.filer_id = {viewer} \
         OR EXISTS (SELECT 1 FROM help_requests h WHERE h.affair_id = {a}.id \
           AND h.person_id = {viewer} AND h.status <> 'declined') \
         OR EXISTS (SELECT 1 FROM role_grants r WHERE r.person_id = {viewer} AND r.revoked_at IS NULL AND ( \
           (r.role = 'station_member' AND r.compound_id = {a}.compound_id AND {station}) \
           OR (r.role = 'grid_worker' AND r.grid_id = {a}.grid_id AND {grid}) \
           OR (r.role IN ('community_staff', 'department_liaison') AND {community} \
             AND r.community_id = (SELECT community_id FROM compounds WHERE id = {a}.compound_id)))))",
        station = held("station"),
        grid = held("grid"),
        community = held("community"),
    )
}

/// Whether `person` may see affair `id` ([`sees_affair`]); `false` for an
/// affair that does not exist.
pub async fn may_see_affair(db: &Db, person: i64, id: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT 1 FROM affairs a WHERE a.id = $2 AND {}",
        sees_affair("a", "$1")
    );
    exists(
        db,
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(person).bind(id),
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
