//! The places ledger (楼栋台账): a street office's spreadsheet of buildings,
//! one row each, turned into communities, compounds with their stations,
//! grids, buildings, units and households.
//!
//! Columns (Chinese or English header, any order): 社区/community,
//! 小区/compound, 小区地址/address, 网格/grid, 楼栋/building, 单元数/units,
//! 层数/floors, 每层户数/per_floor, and an optional 房号/rooms listing the
//! rooms of each unit for an irregular building. Without a room list,
//! rooms are numbered floor by floor as the field does (101, 102 … 602).
//!
//! Places are matched by name within their parent. Importing the same file
//! again changes nothing; a changed file adds places, gives compounds new
//! addresses and moves buildings between grids; nothing is ever deleted:
//! buildings the file does not list are reported with what they hold. The
//! dry run and the import walk the file through the same code, so the dry
//! run says exactly what the import will do, and the import writes in one
//! transaction only a file without a single bad row.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use crate::sheet::{self, Column, RowCells, Sheet};
use api_types::imports::{
    ADDRESS_MAX, FLOORS_RANGE, ImportProblem, PER_FLOOR_RANGE, PLACE_NAME_MAX, PlaceChange,
    PlaceCounts, PlaceImportReport, RowError, UNITS_RANGE, UnlistedPlace, numbered_rooms,
    split_rooms,
};
use api_types::place_edits::change;
use api_types::{ErrorCode, Lang};
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

const COMMUNITY: usize = 0;
const COMPOUND: usize = 1;
const ADDRESS: usize = 2;
const GRID: usize = 3;
const BUILDING: usize = 4;
const UNITS: usize = 5;
const FLOORS: usize = 6;
const PER_FLOOR: usize = 7;
const ROOMS: usize = 8;

/// The ledger's columns, in the order of the constants above.
const COLUMNS: [Column; 9] = [
    Column {
        name: "社区",
        aliases: &["社区", "community", "社区名称", "所属社区"],
        required: true,
    },
    Column {
        name: "小区",
        aliases: &["小区", "compound", "小区名称"],
        required: true,
    },
    Column {
        name: "小区地址",
        aliases: &["小区地址", "address", "地址"],
        required: false,
    },
    Column {
        name: "网格",
        aliases: &["网格", "grid", "网格名称", "所属网格"],
        required: true,
    },
    sheet::BUILDING_COLUMN,
    Column {
        name: "单元数",
        aliases: &["单元数", "units"],
        required: true,
    },
    Column {
        name: "层数",
        aliases: &["层数", "floors", "楼层数"],
        required: false,
    },
    Column {
        name: "每层户数",
        aliases: &["每层户数", "per_floor", "一梯几户", "每层每单元户数"],
        required: false,
    },
    Column {
        name: "房号",
        aliases: &["房号", "rooms", "房间号"],
        required: false,
    },
];

/// One building of the ledger, checked.
#[derive(Debug, Clone)]
struct Building {
    row: u32,
    community: String,
    compound: String,
    address: Option<String>,
    grid: String,
    name: String,
    units: i64,
    rooms: Vec<String>,
}

/// Every building of the sheet, or every reason some row cannot be used.
fn parse(sheet: &Sheet, lang: Lang) -> (Vec<Building>, Vec<RowError>) {
    let at = match sheet::locate(&sheet.header, &COLUMNS, lang) {
        Ok(at) => at,
        Err(errors) => return (Vec::new(), errors),
    };
    let mut errors = Vec::new();
    let mut buildings = Vec::new();
    // (community, compound, building) → (row, grid); (community, compound) → (row, address).
    let mut seen: HashMap<(String, String, String), (u32, String)> = HashMap::new();
    let mut addresses: HashMap<(String, String), (u32, String)> = HashMap::new();
    for row in &sheet.rows {
        let mut cells = RowCells {
            row,
            at: &at,
            header: &sheet.header,
            columns: &COLUMNS,
            lang,
            errors: &mut errors,
        };
        let community = cells.name(COMMUNITY, PLACE_NAME_MAX);
        let compound = cells.name(COMPOUND, PLACE_NAME_MAX);
        let address = cells.text(ADDRESS);
        if address
            .as_ref()
            .is_some_and(|a| a.chars().count() > ADDRESS_MAX)
        {
            cells.fail(ADDRESS, ImportProblem::TooLong, &ADDRESS_MAX.to_string());
        }
        let grid = cells.name(GRID, PLACE_NAME_MAX);
        let building = cells.name(BUILDING, PLACE_NAME_MAX);
        let units = cells.number(UNITS, UNITS_RANGE);
        let rooms = match cells.text(ROOMS) {
            Some(list) => {
                let rooms = split_rooms(&list);
                if rooms.is_none() {
                    cells.fail(ROOMS, ImportProblem::BadRooms, "");
                }
                rooms
            }
            None if cells.is_formula(ROOMS) => None,
            None => {
                let floors = cells.number(FLOORS, FLOORS_RANGE);
                let per_floor = cells.number(PER_FLOOR, PER_FLOOR_RANGE);
                floors.zip(per_floor).map(|(f, p)| numbered_rooms(f, p))
            }
        };
        // A compound's address counts even from a row that is bad otherwise.
        let mut address_differs = false;
        if let (Some(community), Some(compound), Some(address)) = (&community, &compound, &address)
        {
            let compound_key = (community.clone(), compound.clone());
            match addresses.get(&compound_key) {
                Some((earlier, known)) if known != address => {
                    cells.fail(ADDRESS, ImportProblem::AddressDiffers, &earlier.to_string());
                    address_differs = true;
                }
                Some(_) => {}
                None => {
                    addresses.insert(compound_key, (row.number, address.clone()));
                }
            }
        }
        let (Some(community), Some(compound), Some(grid), Some(name), Some(units), Some(rooms)) =
            (community, compound, grid, building, units, rooms)
        else {
            continue;
        };
        if address_differs {
            continue;
        }
        let key = (community.clone(), compound.clone(), name.clone());
        if let Some((earlier, earlier_grid)) = seen.get(&key) {
            let (column, problem) = if *earlier_grid == grid {
                (BUILDING, ImportProblem::Duplicate)
            } else {
                (GRID, ImportProblem::BuildingInTwoGrids)
            };
            cells.fail(column, problem, &earlier.to_string());
            continue;
        }
        seen.insert(key, (row.number, grid.clone()));
        buildings.push(Building {
            row: row.number,
            community,
            compound,
            address,
            grid,
            name,
            units,
            rooms,
        });
    }
    // A compound's address may stand on any one of its rows.
    for building in &mut buildings {
        if building.address.is_none() {
            building.address = addresses
                .get(&(building.community.clone(), building.compound.clone()))
                .map(|(_, a)| a.clone());
        }
    }
    (buildings, errors)
}

/// A new compound's mutual-aid station: 海景花园居民自治互助站.
pub fn station_name(compound: &str) -> String {
    format!("{compound}居民自治互助站")
}

/// The street's places as they stand, by name.
#[derive(Default)]
struct Existing {
    communities: HashMap<String, i64>,
    compounds: HashMap<(i64, String), (i64, String)>,
    grids: HashMap<(i64, String), i64>,
    /// (compound, building name) → (building, grid).
    buildings: HashMap<(i64, String), (i64, i64)>,
    grid_names: HashMap<i64, String>,
    /// Grids retired on the staff page; a ledger that lists one brings it
    /// back.
    retired_grids: HashSet<i64>,
    units: HashMap<(i64, String), i64>,
    households: HashSet<(i64, String)>,
}

impl Existing {
    async fn load(conn: &mut sqlx::AnyConnection, street: i64) -> Result<Existing, sqlx::Error> {
        let mut existing = Existing::default();
        let communities: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM communities WHERE street_id = $1")
                .bind(street)
                .fetch_all(&mut *conn)
                .await?;
        existing.communities = communities.into_iter().map(|(id, n)| (n, id)).collect();
        let compounds: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT c.id, c.community_id, c.name, c.address FROM compounds c \
             JOIN communities cm ON cm.id = c.community_id WHERE cm.street_id = $1",
        )
        .bind(street)
        .fetch_all(&mut *conn)
        .await?;
        existing.compounds = compounds
            .into_iter()
            .map(|(id, community, name, address)| ((community, name), (id, address)))
            .collect();
        let grids: Vec<(i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT g.id, g.compound_id, g.name, g.retired_at FROM grids g \
             JOIN compounds c ON c.id = g.compound_id \
             JOIN communities cm ON cm.id = c.community_id WHERE cm.street_id = $1",
        )
        .bind(street)
        .fetch_all(&mut *conn)
        .await?;
        for (id, compound, name, retired) in grids {
            if retired.is_some() {
                existing.retired_grids.insert(id);
            }
            existing.grid_names.insert(id, name.clone());
            existing.grids.insert((compound, name), id);
        }
        let buildings: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT b.id, b.grid_id, g.compound_id, b.name FROM buildings b \
             JOIN grids g ON g.id = b.grid_id JOIN compounds c ON c.id = g.compound_id \
             JOIN communities cm ON cm.id = c.community_id WHERE cm.street_id = $1 ORDER BY b.id",
        )
        .bind(street)
        .fetch_all(&mut *conn)
        .await?;
        for (id, grid, compound, name) in buildings {
            existing
                .buildings
                .entry((compound, name))
                .or_insert((id, grid));
        }
        let units: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT u.id, u.building_id, u.name FROM units u JOIN buildings b ON b.id = u.building_id \
             JOIN grids g ON g.id = b.grid_id JOIN compounds c ON c.id = g.compound_id \
             JOIN communities cm ON cm.id = c.community_id WHERE cm.street_id = $1",
        )
        .bind(street)
        .fetch_all(&mut *conn)
        .await?;
        existing.units = units
            .into_iter()
            .map(|(id, building, name)| ((building, name), id))
            .collect();
        let households: Vec<(i64, String)> = sqlx::query_as(
            "SELECT h.unit_id, h.room FROM households h JOIN units u ON u.id = h.unit_id \
             JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
             JOIN compounds c ON c.id = g.compound_id JOIN communities cm ON cm.id = c.community_id \
             WHERE cm.street_id = $1",
        )
        .bind(street)
        .fetch_all(&mut *conn)
        .await?;
        existing.households = households.into_iter().collect();
        Ok(existing)
    }
}

/// Where the walk writes: nowhere (a dry run numbers new places with
/// negative ids), or a transaction.
struct Writer<'t> {
    tx: Option<&'t mut Transaction<'static, Any>>,
    next_fake: i64,
}

impl Writer<'_> {
    async fn insert(
        &mut self,
        query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
    ) -> Result<i64, sqlx::Error> {
        use sqlx::Row;
        match self.tx.as_deref_mut() {
            Some(tx) => query.fetch_one(&mut **tx).await?.try_get(0),
            None => {
                self.next_fake -= 1;
                Ok(self.next_fake)
            }
        }
    }

    async fn execute(
        &mut self,
        query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
    ) -> Result<(), sqlx::Error> {
        if let Some(tx) = self.tx.as_deref_mut() {
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Walks the buildings against what stands, creating what is missing
/// through `writer`; the counts, the changes, and new compounds without an
/// address as errors.
async fn walk(
    buildings: &[Building],
    existing: &mut Existing,
    street: i64,
    writer: &mut Writer<'_>,
    lang: Lang,
) -> Result<(PlaceCounts, Vec<PlaceChange>, i64, Vec<RowError>), sqlx::Error> {
    let mut created = PlaceCounts::default();
    let mut changed = Vec::new();
    let mut unchanged = 0;
    let mut errors = Vec::new();
    for b in buildings {
        let community = match existing.communities.get(&b.community) {
            Some(id) => *id,
            None => {
                let id = writer
                    .insert(
                        sqlx::query(
                            "INSERT INTO communities (street_id, name) VALUES ($1, $2) RETURNING id",
                        )
                        .bind(street)
                        .bind(b.community.clone()),
                    )
                    .await?;
                created.communities += 1;
                existing.communities.insert(b.community.clone(), id);
                id
            }
        };
        let compound_key = (community, b.compound.clone());
        let compound = match existing.compounds.get(&compound_key).cloned() {
            Some((id, address)) => {
                if let Some(new) = b.address.as_ref().filter(|new| **new != address) {
                    writer
                        .execute(
                            sqlx::query("UPDATE compounds SET address = $1 WHERE id = $2")
                                .bind(new.clone())
                                .bind(id),
                        )
                        .await?;
                    changed.push(PlaceChange {
                        row: b.row,
                        place: format!("{} {}", b.community, b.compound),
                        field: change::ADDRESS.to_owned(),
                        before: address,
                        after: new.clone(),
                    });
                    existing.compounds.insert(compound_key, (id, new.clone()));
                }
                id
            }
            None => {
                let Some(address) = &b.address else {
                    let header = COLUMNS[ADDRESS].name;
                    errors.push(RowError::new(
                        lang,
                        b.row,
                        Some(header),
                        ImportProblem::AddressMissing,
                        "",
                    ));
                    continue;
                };
                let id = writer
                    .insert(
                        sqlx::query(
                            "INSERT INTO compounds (community_id, name, address) VALUES ($1, $2, $3) RETURNING id",
                        )
                        .bind(community)
                        .bind(b.compound.clone())
                        .bind(address.clone()),
                    )
                    .await?;
                writer
                    .execute(
                        sqlx::query("INSERT INTO stations (compound_id, name) VALUES ($1, $2)")
                            .bind(id)
                            .bind(station_name(&b.compound)),
                    )
                    .await?;
                created.compounds += 1;
                existing
                    .compounds
                    .insert(compound_key, (id, address.clone()));
                id
            }
        };
        let grid = match existing.grids.get(&(compound, b.grid.clone())) {
            Some(id) if existing.retired_grids.remove(id) => {
                writer
                    .execute(
                        sqlx::query("UPDATE grids SET retired_at = NULL WHERE id = $1").bind(*id),
                    )
                    .await?;
                changed.push(PlaceChange {
                    row: b.row,
                    place: format!("{} {}", b.compound, b.grid),
                    field: change::RETIRED.to_owned(),
                    before: change::RETIRED.to_owned(),
                    after: String::new(),
                });
                *id
            }
            Some(id) => *id,
            None => {
                let id = writer
                    .insert(
                        sqlx::query(
                            "INSERT INTO grids (compound_id, name) VALUES ($1, $2) RETURNING id",
                        )
                        .bind(compound)
                        .bind(b.grid.clone()),
                    )
                    .await?;
                created.grids += 1;
                existing.grids.insert((compound, b.grid.clone()), id);
                existing.grid_names.insert(id, b.grid.clone());
                id
            }
        };
        let building_key = (compound, b.name.clone());
        let (building, is_new) = match existing.buildings.get(&building_key).copied() {
            Some((id, old_grid)) => {
                if old_grid != grid {
                    writer
                        .execute(
                            sqlx::query("UPDATE buildings SET grid_id = $1 WHERE id = $2")
                                .bind(grid)
                                .bind(id),
                        )
                        .await?;
                    changed.push(PlaceChange {
                        row: b.row,
                        place: format!("{} {}", b.compound, b.name),
                        field: change::GRID.to_owned(),
                        before: existing
                            .grid_names
                            .get(&old_grid)
                            .cloned()
                            .unwrap_or_default(),
                        after: b.grid.clone(),
                    });
                    existing.buildings.insert(building_key, (id, grid));
                }
                (id, false)
            }
            None => {
                let id = writer
                    .insert(
                        sqlx::query(
                            "INSERT INTO buildings (grid_id, name) VALUES ($1, $2) RETURNING id",
                        )
                        .bind(grid)
                        .bind(b.name.clone()),
                    )
                    .await?;
                created.buildings += 1;
                existing.buildings.insert(building_key, (id, grid));
                (id, true)
            }
        };
        let households_before = created.households + created.units;
        for unit_no in 1..=b.units {
            let unit_name = format!("{unit_no}单元");
            let unit = match existing.units.get(&(building, unit_name.clone())) {
                Some(id) => *id,
                None => {
                    let id = writer
                        .insert(
                            sqlx::query(
                                "INSERT INTO units (building_id, name) VALUES ($1, $2) RETURNING id",
                            )
                            .bind(building)
                            .bind(unit_name.clone()),
                        )
                        .await?;
                    created.units += 1;
                    existing.units.insert((building, unit_name), id);
                    id
                }
            };
            let missing: Vec<&String> = b
                .rooms
                .iter()
                .filter(|room| !existing.households.contains(&(unit, (*room).clone())))
                .collect();
            if missing.is_empty() {
                continue;
            }
            for chunk in missing.chunks(500) {
                insert_households(writer, unit, chunk).await?;
            }
            created.households += i64::try_from(missing.len()).unwrap_or(0);
            for room in missing {
                existing.households.insert((unit, room.clone()));
            }
        }
        let moved = changed.last().is_some_and(|c| c.row == b.row);
        if !is_new && !moved && created.households + created.units == households_before {
            unchanged += 1;
        }
    }
    Ok((created, changed, unchanged, errors))
}

/// One statement for a unit's rooms: N street's 35,000 households are
/// some 2,400 statements, not 35,000.
async fn insert_households(
    writer: &mut Writer<'_>,
    unit: i64,
    rooms: &[&String],
) -> Result<(), sqlx::Error> {
    let values: Vec<String> = (0..rooms.len())
        .map(|i| format!("($1, ${})", i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO households (unit_id, room) VALUES {}",
        values.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit);
    for room in rooms {
        query = query.bind((*room).clone());
    }
    writer.execute(query).await
}

/// The street's buildings the ledger does not list, with what they hold.
/// The counts are one grouped query, made only when some building is
/// unlisted (a correlated count per building took PostgreSQL 5.7 s for
/// N street's 1,200 buildings).
async fn unlisted(
    db: &Db,
    street: i64,
    buildings: &[Building],
) -> Result<Vec<UnlistedPlace>, sqlx::Error> {
    let listed: HashSet<(&str, &str, &str)> = buildings
        .iter()
        .map(|b| (b.community.as_str(), b.compound.as_str(), b.name.as_str()))
        .collect();
    let all: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT b.id, cm.name, c.name, b.name FROM buildings b JOIN grids g ON g.id = b.grid_id \
         JOIN compounds c ON c.id = g.compound_id JOIN communities cm ON cm.id = c.community_id \
         WHERE cm.street_id = $1 ORDER BY b.id",
    )
    .bind(street)
    .fetch_all(&db.pool)
    .await?;
    let missing: Vec<(i64, String)> = all
        .into_iter()
        .filter(|(_, cm, c, b)| !listed.contains(&(cm.as_str(), c.as_str(), b.as_str())))
        .map(|(id, cm, c, b)| (id, format!("{cm} {c} {b}")))
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let counts: HashMap<i64, (i64, i64)> = sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT b.id, COUNT(DISTINCT h.id), COUNT(r.id) FROM buildings b \
         JOIN grids g ON g.id = b.grid_id JOIN compounds c ON c.id = g.compound_id \
         JOIN communities cm ON cm.id = c.community_id \
         LEFT JOIN units u ON u.building_id = b.id LEFT JOIN households h ON h.unit_id = u.id \
         LEFT JOIN household_requests r ON r.household_id = h.id AND r.status = 'approved' \
           AND r.ended_at IS NULL \
         WHERE cm.street_id = $1 GROUP BY b.id",
    )
    .bind(street)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(id, households, residents)| (id, (households, residents)))
    .collect();
    Ok(missing
        .into_iter()
        .map(|(id, place)| {
            let (households, residents) = counts.get(&id).copied().unwrap_or_default();
            UnlistedPlace {
                place,
                households,
                residents,
            }
        })
        .collect())
}

/// Checks the ledger `bytes` against street `street` and, unless
/// `dry_run` or a row is bad, writes it in one transaction, recorded as
/// imported by `actor` (`None`: the command line). 404 when there is no
/// such street; the report lists every bad row.
pub async fn import(
    db: &Db,
    street: i64,
    bytes: &[u8],
    dry_run: bool,
    actor: Option<i64>,
    lang: Lang,
) -> Result<PlaceImportReport, AppError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM streets WHERE id = $1")
        .bind(street)
        .fetch_optional(&db.pool)
        .await?;
    if exists.is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let mut report = PlaceImportReport {
        applied: false,
        rows: 0,
        created: PlaceCounts::default(),
        changed: Vec::new(),
        unchanged_buildings: 0,
        unlisted: Vec::new(),
        errors: Vec::new(),
    };
    let sheet = match sheet::read(bytes, lang) {
        Ok(sheet) => sheet,
        Err(error) => {
            report.errors.push(error);
            return Ok(report);
        }
    };
    report.rows = i64::try_from(sheet.rows.len()).unwrap_or(i64::MAX);
    let (buildings, mut errors) = parse(&sheet, lang);
    let mut existing = Existing::load(&mut *db.pool.acquire().await?, street).await?;
    let mut dry = Writer {
        tx: None,
        next_fake: 0,
    };
    let (created, changed, unchanged, walk_errors) =
        walk(&buildings, &mut existing, street, &mut dry, lang).await?;
    errors.extend(walk_errors);
    errors.sort_by_key(|e| e.row);
    report.created = created;
    report.changed = changed;
    report.unchanged_buildings = unchanged;
    report.unlisted = unlisted(db, street, &buildings).await?;
    report.errors = errors;
    if dry_run || !report.errors.is_empty() {
        return Ok(report);
    }
    let mut tx = db.begin_write().await?;
    let mut existing = Existing::load(&mut tx, street).await?;
    let mut writer = Writer {
        tx: Some(&mut tx),
        next_fake: 0,
    };
    let (created, changed, _, _) =
        walk(&buildings, &mut existing, street, &mut writer, lang).await?;
    let now = now_ms();
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO place_imports (street_id, actor_id, at, row_count, communities, compounds, \
           grids, buildings, units, households) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(street)
    .bind(actor)
    .bind(now)
    .bind(report.rows)
    .bind(created.communities)
    .bind(created.compounds)
    .bind(created.grids)
    .bind(created.buildings)
    .bind(created.units)
    .bind(created.households)
    .fetch_one(&mut *tx)
    .await?;
    for change in &changed {
        sqlx::query(
            "INSERT INTO place_changes (street_id, import_id, actor_id, at, place, field, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(street)
        .bind(import_id)
        .bind(actor)
        .bind(now)
        .bind(change.place.clone())
        .bind(change.field.clone())
        .bind(change.before.clone())
        .bind(change.after.clone())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    report.applied = true;
    report.created = created;
    report.changed = changed;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(csv: &str) -> Sheet {
        sheet::read(csv.as_bytes(), Lang::Zh).expect("a sheet")
    }

    const HEADER: &str = "社区,小区,小区地址,网格,楼栋,单元数,层数,每层户数,房号\n";

    #[test]
    fn rows_become_buildings_with_numbered_or_listed_rooms() {
        let (buildings, errors) = parse(
            &sheet(&format!(
                "{HEADER}东港社区,海景花园,东港路 88 号,第一网格,1号楼,2,6,2,\n\
                 东港社区,海景花园,,第一网格,2号楼,1,,,\"101, 102, 201\"\n"
            )),
            Lang::Zh,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(buildings[0].rooms.len(), 12);
        assert_eq!(buildings[1].rooms, ["101", "102", "201"]);
        assert_eq!(buildings[1].address.as_deref(), Some("东港路 88 号"));
    }

    #[test]
    fn every_bad_row_is_named_with_its_column() {
        let (_, errors) = parse(
            &sheet(&format!(
                "{HEADER}东港社区,海景花园,东港路 88 号,第一网格,1号楼,2,六,2,\n\
                 东港社区,海景花园,,第二网格,1号楼,2,6,2,\n\
                 东港社区,海景花园,,第一网格,,2,6,2,\n\
                 东港社区,海景花园,,第一网格,3号楼,=A1,6,2,\n\
                 东港社区,海景花园,,第一网格,4号楼,2,6,2,\n\
                 东港社区,海景花园,,第二网格,4号楼,2,6,2,\n\
                 东港社区,海景花园,,第一网格,4号楼,2,6,2,\n\
                 东港社区,海景花园,别处,第一网格,5号楼,99,6,2,\n"
            )),
            Lang::Zh,
        );
        let got: Vec<(u32, Option<&str>, ImportProblem)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_deref(), e.problem))
            .collect();
        assert_eq!(
            got,
            [
                (2, Some("层数"), ImportProblem::NotANumber),
                (4, Some("楼栋"), ImportProblem::Required),
                (5, Some("单元数"), ImportProblem::Formula),
                (7, Some("网格"), ImportProblem::BuildingInTwoGrids),
                (8, Some("楼栋"), ImportProblem::Duplicate),
                (9, Some("单元数"), ImportProblem::OutOfRange),
                (9, Some("小区地址"), ImportProblem::AddressDiffers),
            ]
        );
        assert_eq!(
            errors[3].message,
            "第 7 行「网格」：这栋楼在第 6 行属于另一个网格"
        );
    }

    #[test]
    fn english_headers_work_too() {
        let (buildings, errors) = parse(
            &sheet(
                "community,compound,address,grid,building,units,floors,per_floor\n\
                 A,B,C,D,E,1,1,1\n",
            ),
            Lang::En,
        );
        assert!(errors.is_empty());
        assert_eq!(buildings[0].rooms, ["101"]);
    }
}
