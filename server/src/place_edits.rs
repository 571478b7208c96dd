//! Editing places one at a time (the staff page): add a community, a
//! compound with its station, a grid or a building; rename a grid or a
//! building; move a building to another grid; retire an empty grid. Each
//! act checks its rules, writes the place and its audit line in one
//! transaction, and answers the place as it now is. Nothing is deleted: a
//! grid is retired, and only once it holds no building, no grid worker and
//! no open affair.
//!
//! Races are settled by the database: every transaction that depends on a
//! grid or on a compound's building names first writes (locks) that row,
//! so on PostgreSQL a concurrent act waits and then sees the other's
//! result, and on SQLite the transaction holds the single writer's lock
//! before it reads.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use api_types::imports::numbered_rooms;
use api_types::place_edits::{BuildingEdit, NewBuilding, PlaceChangeRecord, PlaceRef, change};
use api_types::{ErrorCode, FieldError, Rule};
use sqlx::{Any, Row, Transaction};

/// How many changes the page reads: the latest, newest first.
pub const CHANGES_SHOWN: i64 = 200;

/// Where a place sits: the street it belongs to and, below the street,
/// its community; for grids and buildings also its compound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The street.
    pub street: i64,
    /// The community (`None` for a street).
    pub community: Option<i64>,
    /// The compound, for grids and buildings.
    pub compound: Option<i64>,
    /// How the audit names the place, e.g. 海景花园 3幢.
    pub label: String,
}

/// What kind of place an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A street.
    Street,
    /// A community.
    Community,
    /// A compound.
    Compound,
    /// A grid.
    Grid,
    /// A building.
    Building,
}

/// Where the place `id` of `level` sits, or `None` if there is none.
pub async fn placed(db: &Db, level: Level, id: i64) -> Result<Option<Placed>, sqlx::Error> {
    let sql = match level {
        Level::Street => "SELECT s.id, NULL, NULL, s.name FROM streets s WHERE s.id = $1",
        Level::Community => {
            "SELECT cm.street_id, cm.id, NULL, cm.name FROM communities cm WHERE cm.id = $1"
        }
        Level::Compound => {
            "SELECT cm.street_id, cm.id, c.id, cm.name || ' ' || c.name FROM compounds c \
             JOIN communities cm ON cm.id = c.community_id WHERE c.id = $1"
        }
        Level::Grid => {
            "SELECT cm.street_id, cm.id, c.id, c.name || ' ' || g.name FROM grids g \
             JOIN compounds c ON c.id = g.compound_id \
             JOIN communities cm ON cm.id = c.community_id WHERE g.id = $1"
        }
        Level::Building => {
            "SELECT cm.street_id, cm.id, c.id, c.name || ' ' || b.name FROM buildings b \
             JOIN grids g ON g.id = b.grid_id JOIN compounds c ON c.id = g.compound_id \
             JOIN communities cm ON cm.id = c.community_id WHERE b.id = $1"
        }
    };
    let row: Option<(i64, Option<i64>, Option<i64>, String)> = sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(street, community, compound, label)| Placed {
        street,
        community,
        compound,
        label,
    }))
}

/// One audit line: who changed which place's `field` from `before` to
/// `after`.
async fn record(
    tx: &mut Transaction<'static, Any>,
    street: i64,
    actor: i64,
    place: &str,
    field: &str,
    (before, after): (&str, &str),
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO place_changes (street_id, import_id, actor_id, at, place, field, before, after) \
         VALUES ($1, NULL, $2, $3, $4, $5, $6, $7)",
    )
    .bind(street)
    .bind(actor)
    .bind(now_ms())
    .bind(place.to_owned())
    .bind(field.to_owned())
    .bind(before.to_owned())
    .bind(after.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts with `RETURNING id`; a community, compound or grid name already
/// taken under the same parent is a 409 (the unique constraints answer it,
/// so two staff adding the same name at once cannot both succeed).
async fn insert(
    tx: &mut Transaction<'static, Any>,
    query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
) -> Result<i64, AppError> {
    let row = query.fetch_one(&mut **tx).await?;
    Ok(row.try_get(0)?)
}

/// Adds a community to `at`'s street.
pub async fn add_community(
    db: &Db,
    actor: i64,
    at: &Placed,
    name: &str,
) -> Result<PlaceRef, AppError> {
    let name = name.trim();
    let mut tx = db.begin_write().await?;
    let id = insert(
        &mut tx,
        sqlx::query("INSERT INTO communities (street_id, name) VALUES ($1, $2) RETURNING id")
            .bind(at.street)
            .bind(name.to_owned()),
    )
    .await?;
    record(&mut tx, at.street, actor, name, change::CREATED, ("", name)).await?;
    tx.commit().await?;
    Ok(PlaceRef {
        id,
        name: name.to_owned(),
    })
}

/// Adds a compound, with its mutual-aid station, to the community `at`.
pub async fn add_compound(
    db: &Db,
    actor: i64,
    at: &Placed,
    name: &str,
    address: &str,
) -> Result<PlaceRef, AppError> {
    let (name, address) = (name.trim(), address.trim());
    let community = at
        .community
        .ok_or_else(|| AppError::internal("a compound needs a community"))?;
    let mut tx = db.begin_write().await?;
    let id = insert(
        &mut tx,
        sqlx::query(
            "INSERT INTO compounds (community_id, name, address) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(community)
        .bind(name.to_owned())
        .bind(address.to_owned()),
    )
    .await?;
    sqlx::query("INSERT INTO stations (compound_id, name) VALUES ($1, $2)")
        .bind(id)
        .bind(crate::ledger::station_name(name))
        .execute(&mut *tx)
        .await?;
    let label = format!("{} {name}", at.label);
    record(
        &mut tx,
        at.street,
        actor,
        &label,
        change::CREATED,
        ("", address),
    )
    .await?;
    tx.commit().await?;
    Ok(PlaceRef {
        id,
        name: name.to_owned(),
    })
}

/// Adds a grid to the compound `compound` (placed `at`), or brings back a
/// retired grid of that name.
pub async fn add_grid(
    db: &Db,
    actor: i64,
    compound: i64,
    at: &Placed,
    name: &str,
) -> Result<PlaceRef, AppError> {
    let name = name.trim();
    let mut tx = db.begin_write().await?;
    lock_compound(&mut tx, compound).await?;
    let place = compound_name(&mut tx, compound).await?;
    let label = format!("{place} {name}");
    // A retired grid of that name comes back rather than blocking it.
    let revived: Option<i64> = sqlx::query_scalar(
        "UPDATE grids SET retired_at = NULL WHERE compound_id = $1 AND name = $2 \
         AND retired_at IS NOT NULL RETURNING id",
    )
    .bind(compound)
    .bind(name.to_owned())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = revived {
        record(
            &mut tx,
            at.street,
            actor,
            &label,
            change::RETIRED,
            (change::RETIRED, ""),
        )
        .await?;
        tx.commit().await?;
        return Ok(PlaceRef {
            id,
            name: name.to_owned(),
        });
    }
    let id = insert(
        &mut tx,
        sqlx::query("INSERT INTO grids (compound_id, name) VALUES ($1, $2) RETURNING id")
            .bind(compound)
            .bind(name.to_owned()),
    )
    .await?;
    record(
        &mut tx,
        at.street,
        actor,
        &label,
        change::CREATED,
        ("", name),
    )
    .await?;
    tx.commit().await?;
    Ok(PlaceRef {
        id,
        name: name.to_owned(),
    })
}

async fn compound_name(tx: &mut Transaction<'static, Any>, id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM compounds WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await
}

/// Locks the grid `id` if it is in service; whether it is.
async fn lock_grid(tx: &mut Transaction<'static, Any>, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE grids SET retired_at = retired_at WHERE id = $1 AND retired_at IS NULL",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks the compound `id`, whose building names must stay distinct.
async fn lock_compound(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE compounds SET name = name WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Renames the grid `id` (placed `at`); 409 if the compound has a grid of
/// that name (a retired one too), 404 if the grid is retired.
pub async fn rename_grid(
    db: &Db,
    actor: i64,
    id: i64,
    at: &Placed,
    name: &str,
) -> Result<PlaceRef, AppError> {
    let name = name.trim();
    let mut tx = db.begin_write().await?;
    if !lock_grid(&mut tx, id).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let old: String = sqlx::query_scalar("SELECT name FROM grids WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if old != name {
        sqlx::query("UPDATE grids SET name = $1 WHERE id = $2")
            .bind(name.to_owned())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            at.street,
            actor,
            &at.label,
            change::NAME,
            (&old, name),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(PlaceRef {
        id,
        name: name.to_owned(),
    })
}

/// Retires the grid `id` (placed `at`): 409 while it holds a building, a
/// grid worker or an affair not yet resolved; a grid retired already stays
/// so (a retry answers as the first time did).
pub async fn retire_grid(db: &Db, actor: i64, id: i64, at: &Placed) -> Result<PlaceRef, AppError> {
    let mut tx = db.begin_write().await?;
    // Retired first, so a building added or moved here meanwhile either
    // committed before (and is seen below) or finds the grid retired.
    let retired =
        sqlx::query("UPDATE grids SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if retired.rows_affected() != 1 {
        // Retired already (a retry, or another staff member): done.
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM grids WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return name
            .map(|name| PlaceRef { id, name })
            .ok_or_else(|| AppError::new(ErrorCode::NotFound));
    }
    let holds: Option<i64> = sqlx::query_scalar(
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM buildings WHERE grid_id = $1) \
         OR EXISTS (SELECT 1 FROM role_grants WHERE grid_id = $1 AND revoked_at IS NULL) \
         OR EXISTS (SELECT 1 FROM affairs WHERE grid_id = $1 AND status IN ('open', 'in_progress'))",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if holds.is_some() {
        return Err(AppError::new(ErrorCode::Conflict).with_message(
            "这个网格还有楼栋、网格员或没办完的事务，先移走或办完再撤销".to_owned(),
        ));
    }
    let name: String = sqlx::query_scalar("SELECT name FROM grids WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    record(
        &mut tx,
        at.street,
        actor,
        &at.label,
        change::RETIRED,
        ("", change::RETIRED),
    )
    .await?;
    tx.commit().await?;
    Ok(PlaceRef { id, name })
}

/// Adds a building to the grid `grid` (placed `at`), with its units and
/// rooms numbered floor by floor; 409 if the compound has a building of
/// that name, 404 if the grid is retired.
pub async fn add_building(
    db: &Db,
    actor: i64,
    grid: i64,
    at: &Placed,
    building: &NewBuilding,
) -> Result<PlaceRef, AppError> {
    let name = building.name.trim();
    let compound = at
        .compound
        .ok_or_else(|| AppError::internal("a grid needs a compound"))?;
    let mut tx = db.begin_write().await?;
    if !lock_grid(&mut tx, grid).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    lock_compound(&mut tx, compound).await?;
    name_free_in_compound(&mut tx, compound, name).await?;
    let id = insert(
        &mut tx,
        sqlx::query("INSERT INTO buildings (grid_id, name) VALUES ($1, $2) RETURNING id")
            .bind(grid)
            .bind(name.to_owned()),
    )
    .await?;
    let rooms = numbered_rooms(building.floors, building.per_floor);
    for unit in 1..=building.units {
        let unit_id = insert(
            &mut tx,
            sqlx::query("INSERT INTO units (building_id, name) VALUES ($1, $2) RETURNING id")
                .bind(id)
                .bind(format!("{unit}单元")),
        )
        .await?;
        for chunk in rooms.chunks(500) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("($1, ${})", i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO households (unit_id, room) VALUES {}",
                values.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit_id);
            for room in chunk {
                query = query.bind(room.clone());
            }
            query.execute(&mut *tx).await?;
        }
    }
    let compound_name = compound_name(&mut tx, compound).await?;
    let label = format!("{compound_name} {name}");
    let shape = format!(
        "{}单元 {}层 每层{}户",
        building.units, building.floors, building.per_floor
    );
    record(
        &mut tx,
        at.street,
        actor,
        &label,
        change::CREATED,
        ("", &shape),
    )
    .await?;
    tx.commit().await?;
    Ok(PlaceRef {
        id,
        name: name.to_owned(),
    })
}

/// 409 if the compound already has a building named `name` (the ledger
/// knows a building by its compound and name); the caller holds the
/// compound's lock.
async fn name_free_in_compound(
    tx: &mut Transaction<'static, Any>,
    compound: i64,
    name: &str,
) -> Result<(), AppError> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT b.id FROM buildings b JOIN grids g ON g.id = b.grid_id \
         WHERE g.compound_id = $1 AND b.name = $2",
    )
    .bind(compound)
    .bind(name.to_owned())
    .fetch_optional(&mut **tx)
    .await?;
    match taken {
        Some(_) => Err(AppError::new(ErrorCode::Conflict)),
        None => Ok(()),
    }
}

/// Renames the building `id` (placed `at`) and/or moves it to another
/// grid of its compound, recording what changed: 422 `grid_id` for a grid
/// elsewhere or retired, 409 for a name the compound already has.
pub async fn edit_building(
    db: &Db,
    actor: i64,
    id: i64,
    at: &Placed,
    edit: &BuildingEdit,
) -> Result<PlaceRef, AppError> {
    let compound = at
        .compound
        .ok_or_else(|| AppError::internal("a building needs a compound"))?;
    let mut tx = db.begin_write().await?;
    let (old_name, old_grid, old_grid_name): (String, i64, String) = sqlx::query_as(
        "SELECT b.name, b.grid_id, g.name FROM buildings b JOIN grids g ON g.id = b.grid_id \
         WHERE b.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let compound_name = compound_name(&mut tx, compound).await?;
    let mut name = old_name.clone();
    let new = edit.name.trim();
    if new != old_name {
        name_free_in_compound(&mut tx, compound, new).await?;
        sqlx::query("UPDATE buildings SET name = $1 WHERE id = $2")
            .bind(new.to_owned())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            at.street,
            actor,
            &at.label,
            change::NAME,
            (&old_name, new),
        )
        .await?;
        new.clone_into(&mut name);
    }
    let grid = edit.grid_id;
    if grid != old_grid {
        let new_grid: Option<String> = sqlx::query_scalar(
            "UPDATE grids SET retired_at = retired_at \
             WHERE id = $1 AND compound_id = $2 AND retired_at IS NULL RETURNING name",
        )
        .bind(grid)
        .bind(compound)
        .fetch_optional(&mut *tx)
        .await?;
        let new_grid = new_grid
            .ok_or_else(|| AppError::validation(vec![FieldError::new("grid_id", Rule::Invalid)]))?;
        sqlx::query("UPDATE buildings SET grid_id = $1 WHERE id = $2")
            .bind(grid)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // Open affairs of the building follow it to its new grid's worker.
        sqlx::query(
            "UPDATE affairs SET grid_id = $1 WHERE building_id = $2 \
             AND status IN ('open', 'in_progress')",
        )
        .bind(grid)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let label = format!("{compound_name} {name}");
        record(
            &mut tx,
            at.street,
            actor,
            &label,
            change::GRID,
            (&old_grid_name, &new_grid),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(PlaceRef { id, name })
}

/// The street's latest recorded changes, newest first: the page's edits
/// and the ledger imports' alike.
pub async fn changes(db: &Db, street: i64) -> Result<Vec<PlaceChangeRecord>, AppError> {
    let rows = sqlx::query(
        "SELECT x.id, p.name AS actor_name, x.at, x.import_id, x.place, x.field, x.before, x.after \
         FROM place_changes x LEFT JOIN people p ON p.id = x.actor_id \
         WHERE x.street_id = $1 ORDER BY x.at DESC, x.id DESC LIMIT $2",
    )
    .bind(street)
    .bind(CHANGES_SHOWN)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PlaceChangeRecord {
                id: row.try_get("id")?,
                actor_name: row.try_get("actor_name")?,
                at: rfc3339(row.try_get("at")?),
                import_id: row.try_get("import_id")?,
                place: row.try_get("place")?,
                field: row.try_get("field")?,
                before: row.try_get("before")?,
                after: row.try_get("after")?,
            })
        })
        .collect()
}
