//! Roster verification (花名册核验): a station uploads its compound's
//! household register — 楼栋, 单元, 房号, 手机号, optionally 姓名 — and a
//! resident who signs in with a listed phone is bound to that household and
//! verified at once, marked as verified by that roster. Others ask and
//! wait for the station as before.
//!
//! Phones are kept only as keyed digests ([`Secret`]), never shown or
//! exported. Each upload replaces the compound's roster; a resident bound
//! earlier whose phone the new roster lacks stays bound, listed as "not in
//! the latest roster" for the station to decide.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use crate::secret::Secret;
use crate::sheet::{self, Column, RowCells};
use api_types::households::HouseholdRequest;
use api_types::identity::normalize_phone;
use api_types::imports::{
    ImportProblem, PLACE_NAME_MAX, RosterImportReport, RosterStatus, RosterUpload, RowError,
    unit_name,
};
use api_types::{ErrorCode, Lang};
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

/// What the digests of roster phones are made for ([`Secret::digest`]).
pub const PURPOSE: &str = "roster-phone";

const BUILDING: usize = 0;
const UNIT: usize = 1;
const ROOM: usize = 2;
const PHONE: usize = 3;
const NAME: usize = 4;

const COLUMNS: [Column; 5] = [
    sheet::BUILDING_COLUMN,
    Column {
        name: "单元",
        aliases: &["单元", "unit", "单元号"],
        required: true,
    },
    Column {
        name: "房号",
        aliases: &["房号", "room", "房间号", "门牌号"],
        required: true,
    },
    Column {
        name: "手机号",
        aliases: &["手机号", "phone", "手机", "手机号码", "联系电话", "电话"],
        required: true,
    },
    Column {
        name: "姓名",
        aliases: &["姓名", "name", "户主姓名", "居民姓名"],
        required: false,
    },
];

/// One listed phone of a household.
struct Entry {
    household: i64,
    phone: String,
    name: Option<String>,
}

/// The rows of a roster, checked against the compound's households.
async fn parse(
    db: &Db,
    compound: i64,
    sheet: &sheet::Sheet,
    lang: Lang,
) -> Result<(Vec<Entry>, Vec<RowError>), sqlx::Error> {
    let at = match sheet::locate(&sheet.header, &COLUMNS, lang) {
        Ok(at) => at,
        Err(errors) => return Ok((Vec::new(), errors)),
    };
    let rooms: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT h.id, b.name, u.name, h.room FROM households h JOIN units u ON u.id = h.unit_id \
         JOIN buildings b ON b.id = u.building_id JOIN grids g ON g.id = b.grid_id \
         WHERE g.compound_id = $1 ORDER BY b.id",
    )
    .bind(compound)
    .fetch_all(&db.pool)
    .await?;
    let mut buildings: Vec<String> = Vec::new();
    let mut households = HashMap::new();
    for (id, building, unit, room) in rooms {
        if buildings.last() != Some(&building) && !buildings.contains(&building) {
            buildings.push(building.clone());
        }
        households.insert((building, unit, room), id);
    }
    let known_buildings = {
        let mut names = buildings
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("、");
        if buildings.len() > 10 {
            names.push('…');
        }
        names
    };
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    // phone → (row, household)
    let mut seen: HashMap<String, (u32, i64)> = HashMap::new();
    for row in &sheet.rows {
        let mut cells = RowCells {
            row,
            at: &at,
            header: &sheet.header,
            columns: &COLUMNS,
            lang,
            errors: &mut errors,
        };
        let building = cells.name(BUILDING, PLACE_NAME_MAX);
        let unit = cells.name(UNIT, PLACE_NAME_MAX).map(|u| unit_name(&u));
        let room = cells.name(ROOM, PLACE_NAME_MAX);
        let phone = match cells.text(PHONE) {
            Some(raw) => match normalize_phone("phone", &raw) {
                Ok(phone) => Some(phone),
                Err(_) => {
                    cells.fail(PHONE, ImportProblem::BadPhone, "");
                    None
                }
            },
            None => {
                if !cells.is_formula(PHONE) {
                    cells.fail(PHONE, ImportProblem::Required, "");
                }
                None
            }
        };
        let name = cells.text(NAME);
        if name
            .as_ref()
            .is_some_and(|n| n.chars().count() > PLACE_NAME_MAX)
        {
            cells.fail(NAME, ImportProblem::TooLong, &PLACE_NAME_MAX.to_string());
            continue;
        }
        let (Some(building), Some(unit), Some(room), Some(phone)) = (building, unit, room, phone)
        else {
            continue;
        };
        if !buildings.contains(&building) {
            cells.fail(BUILDING, ImportProblem::UnknownBuilding, &known_buildings);
            continue;
        }
        let Some(&household) = households.get(&(building, unit, room)) else {
            cells.fail(ROOM, ImportProblem::UnknownRoom, "");
            continue;
        };
        if let Some((earlier, other)) = seen.get(&phone) {
            let problem = if *other == household {
                ImportProblem::Duplicate
            } else {
                ImportProblem::PhoneInTwoHouseholds
            };
            cells.fail(PHONE, problem, &earlier.to_string());
            continue;
        }
        seen.insert(phone.clone(), (row.number, household));
        entries.push(Entry {
            household,
            phone,
            name,
        });
    }
    Ok((entries, errors))
}

/// The residents bound in `compound` now: binding, household, phone.
async fn bound_residents(db: &Db, compound: i64) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT r.id, r.household_id, p.phone FROM household_requests r \
         JOIN people p ON p.id = r.person_id JOIN households h ON h.id = r.household_id \
         JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id \
         JOIN grids g ON g.id = b.grid_id \
         WHERE g.compound_id = $1 AND r.status = 'approved' AND r.ended_at IS NULL ORDER BY r.id",
    )
    .bind(compound)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, household, phone)| Some((id, household, phone?)))
        .collect())
}

/// Checks the roster `bytes` of `compound` and, unless `dry_run` or a row
/// is bad, makes it the compound's roster in one transaction and binds the
/// people already signed in with a listed phone. `uploader` `None`: the
/// command line. 404 when there is no such compound.
pub async fn import(
    db: &Db,
    secret: &Secret,
    compound: i64,
    bytes: &[u8],
    dry_run: bool,
    uploader: Option<i64>,
    lang: Lang,
) -> Result<RosterImportReport, AppError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM compounds WHERE id = $1")
        .bind(compound)
        .fetch_optional(&db.pool)
        .await?;
    if exists.is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let mut report = RosterImportReport {
        applied: false,
        rows: 0,
        households: 0,
        verified_now: 0,
        not_in_roster: 0,
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
    let (entries, errors) = parse(db, compound, &sheet, lang).await?;
    report.errors = errors;
    let listed: HashSet<(i64, &str)> = entries
        .iter()
        .map(|e| (e.household, e.phone.as_str()))
        .collect();
    report.households = i64::try_from(
        entries
            .iter()
            .map(|e| e.household)
            .collect::<HashSet<_>>()
            .len(),
    )
    .unwrap_or(0);
    report.not_in_roster = i64::try_from(
        bound_residents(db, compound)
            .await?
            .iter()
            .filter(|(_, household, phone)| !listed.contains(&(*household, phone.as_str())))
            .count(),
    )
    .unwrap_or(0);
    if dry_run || !report.errors.is_empty() {
        return Ok(report);
    }
    // People who already signed in with a listed phone (counted only once
    // the roster is stored: a dry run would tell who has an account).
    let mut known = Vec::new();
    for entry in &entries {
        if let Some(person) = crate::roles::person_by_phone(db, &entry.phone).await? {
            known.push((person, entry.household));
        }
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO roster_imports (compound_id, uploaded_by, uploaded_at, row_count) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(compound)
    .bind(uploader)
    .bind(now)
    .bind(report.rows)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM roster_entries WHERE import_id IN \
           (SELECT id FROM roster_imports WHERE compound_id = $1 AND id <> $2)",
    )
    .bind(compound)
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    for chunk in entries.chunks(500) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, ${}, ${})", 3 * i + 2, 3 * i + 3, 3 * i + 4))
            .collect();
        let sql = format!(
            "INSERT INTO roster_entries (import_id, household_id, phone_digest, name) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(import_id);
        for entry in chunk {
            query = query
                .bind(entry.household)
                .bind(secret.digest(PURPOSE, &entry.phone))
                .bind(entry.name.clone());
        }
        query.execute(&mut *tx).await?;
    }
    let mut bound = 0;
    for (person, household) in known {
        if bind(&mut tx, person, household, import_id, uploader, now).await? {
            bound += 1;
        }
    }
    tx.commit().await?;
    report.applied = true;
    report.verified_now = bound;
    Ok(report)
}

/// Binds and verifies `person` at `household` by roster `import` (approving
/// their pending request to it, or filing an approved one when they have
/// none open); whether it did.
async fn bind(
    tx: &mut Transaction<'static, Any>,
    person: i64,
    household: i64,
    import: i64,
    uploader: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let approved = sqlx::query(
        "UPDATE household_requests SET status = 'approved', decided_at = $1, decided_by = $2, \
           roster_import_id = $3 \
         WHERE person_id = $4 AND household_id = $5 AND status = 'pending' AND ended_at IS NULL",
    )
    .bind(now)
    .bind(uploader)
    .bind(import)
    .bind(person)
    .bind(household)
    .execute(&mut **tx)
    .await?;
    if approved.rows_affected() > 0 {
        return Ok(true);
    }
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM household_requests \
         WHERE person_id = $1 AND status IN ('pending', 'approved') AND ended_at IS NULL",
    )
    .bind(person)
    .fetch_optional(&mut **tx)
    .await?;
    if open.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO household_requests (person_id, household_id, status, requested_at, \
           decided_at, decided_by, roster_import_id) \
         VALUES ($1, $2, 'approved', $3, $3, $4, $5)",
    )
    .bind(person)
    .bind(household)
    .bind(now)
    .bind(uploader)
    .bind(import)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Whether any compound's latest roster lists `phone` (normalized).
pub async fn lists(db: &Db, secret: &Secret, phone: &str) -> Result<bool, sqlx::Error> {
    let listed: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM roster_entries WHERE phone_digest = $1 LIMIT 1")
            .bind(secret.digest(PURPOSE, phone))
            .fetch_optional(&db.pool)
            .await?;
    Ok(listed.is_some())
}

/// On sign-in: binds and verifies `person` if a compound's roster lists
/// `phone` (the latest roster listing it wins) and they have no other
/// binding open. Whether it did.
pub async fn verify_on_sign_in(
    db: &Db,
    secret: &Secret,
    person: i64,
    phone: &str,
) -> Result<bool, sqlx::Error> {
    let listed: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT e.household_id, e.import_id, i.uploaded_by FROM roster_entries e \
         JOIN roster_imports i ON i.id = e.import_id WHERE e.phone_digest = $1 \
         ORDER BY e.import_id DESC LIMIT 1",
    )
    .bind(secret.digest(PURPOSE, phone))
    .fetch_optional(&db.pool)
    .await?;
    let Some((household, import, uploader)) = listed else {
        return Ok(false);
    };
    // The station already ended or refused a binding of theirs there: the
    // roster does not overrule it at every sign-in.
    let decided: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM household_requests WHERE person_id = $1 AND household_id = $2 \
         AND (status = 'rejected' OR ended_at IS NOT NULL) LIMIT 1",
    )
    .bind(person)
    .bind(household)
    .fetch_optional(&db.pool)
    .await?;
    if decided.is_some() {
        return Ok(false);
    }
    let mut tx = db.begin_write().await?;
    let bound = match bind(&mut tx, person, household, import, uploader, now_ms()).await {
        Ok(bound) => bound,
        // Two sign-ins of one person raced: the other one bound them.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(false),
        Err(e) => return Err(e),
    };
    tx.commit().await?;
    Ok(bound)
}

/// The compound's latest roster and the residents bound now whose phone it
/// does not list for their household.
pub async fn status(db: &Db, secret: &Secret, compound: i64) -> Result<RosterStatus, AppError> {
    let latest: Option<(i64, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT i.id, p.name, i.uploaded_at, i.row_count FROM roster_imports i \
         LEFT JOIN people p ON p.id = i.uploaded_by WHERE i.compound_id = $1 \
         ORDER BY i.id DESC LIMIT 1",
    )
    .bind(compound)
    .fetch_optional(&db.pool)
    .await?;
    let verified_by_roster: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM household_requests r JOIN households h ON h.id = r.household_id \
         JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id \
         JOIN grids g ON g.id = b.grid_id WHERE g.compound_id = $1 AND r.status = 'approved' \
         AND r.ended_at IS NULL AND r.roster_import_id IS NOT NULL",
    )
    .bind(compound)
    .fetch_one(&db.pool)
    .await?;
    let Some((id, uploaded_by, uploaded_at, rows)) = latest else {
        return Ok(RosterStatus {
            latest: None,
            verified_by_roster,
            not_in_roster: Vec::new(),
        });
    };
    let entries: Vec<(i64, String)> = sqlx::query_as(
        "SELECT household_id, phone_digest FROM roster_entries WHERE import_id = $1",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let listed: HashSet<(i64, String)> = entries.into_iter().collect();
    let mut not_in_roster: Vec<HouseholdRequest> = Vec::new();
    for (binding, household, phone) in bound_residents(db, compound).await? {
        if listed.contains(&(household, secret.digest(PURPOSE, &phone))) {
            continue;
        }
        if let Some((request, _, _)) = crate::households::request(db, binding, true).await? {
            not_in_roster.push(request);
        }
    }
    Ok(RosterStatus {
        latest: Some(RosterUpload {
            id,
            uploaded_by,
            uploaded_at: rfc3339(uploaded_at),
            rows,
        }),
        verified_by_roster,
        not_in_roster,
    })
}
