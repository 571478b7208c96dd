//! Moving an affair between levels: every act is checked with
//! [`api_types::affairs::apply`], recorded in the timeline with its note,
//! re-times the deadlines of the level that now holds it, and leaves a
//! notice for the people it concerns.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use crate::photos;
use api_types::affairs::{
    Act, Actor, AffairSettings, AffairState, DEFAULT_LIMITS, Level, MoveError, Status, TimeLimit,
    apply,
};
use api_types::{ErrorCode, FieldError, Rule};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const HOUR_MS: i64 = 3600 * 1000;

/// What a move needs to know of an affair.
#[derive(Debug, Clone)]
pub struct Held {
    /// The affair.
    pub id: i64,
    /// Where it stands.
    pub state: AffairState,
    /// Its compound.
    pub compound: i64,
    /// Its community.
    pub community: i64,
    /// Its street.
    pub street: i64,
    /// Its grid, if known.
    pub grid: Option<i64>,
    /// Who filed it.
    pub filer: i64,
    /// Who works on it.
    pub assignee: Option<i64>,
    /// When the holding level must accept it by.
    pub respond_due: Option<i64>,
    /// When the holding level must resolve it by.
    pub resolve_due: Option<i64>,
    /// When it was first accepted.
    pub responded_at: Option<i64>,
}

/// The affair `id` as a move sees it.
pub async fn held(db: &Db, id: i64) -> Result<Option<Held>, AppError> {
    held_in(&mut *db.pool.acquire().await?, id).await
}

/// [`held`] read inside a transaction.
pub async fn held_in(conn: &mut AnyConnection, id: i64) -> Result<Option<Held>, AppError> {
    let row = sqlx::query(
        "SELECT a.id, a.status, a.level, a.compound_id, c.community_id, cm.street_id, a.grid_id, \
           a.filer_id, a.assignee_id, a.respond_due_at, a.resolve_due_at, a.responded_at \
         FROM affairs a JOIN compounds c ON c.id = a.compound_id \
         JOIN communities cm ON cm.id = c.community_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| held_from_row(&row)).transpose()
}

fn held_from_row(row: &AnyRow) -> Result<Held, AppError> {
    let status: String = row.try_get("status")?;
    let level: String = row.try_get("level")?;
    let bad = || AppError::internal("a stored affair status or level is unknown");
    Ok(Held {
        id: row.try_get("id")?,
        state: AffairState {
            status: Status::parse(&status).ok_or_else(bad)?,
            level: Level::parse(&level).ok_or_else(bad)?,
        },
        compound: row.try_get("compound_id")?,
        community: row.try_get("community_id")?,
        street: row.try_get("street_id")?,
        grid: row.try_get("grid_id")?,
        filer: row.try_get("filer_id")?,
        assignee: row.try_get("assignee_id")?,
        respond_due: row.try_get("respond_due_at")?,
        resolve_due: row.try_get("resolve_due_at")?,
        responded_at: row.try_get("responded_at")?,
    })
}

/// The levels at which `person` handles `affair`: a station member of its
/// compound, the worker of its grid, staff or a liaison of its community.
pub async fn levels_of(db: &Db, person: i64, affair: &Held) -> Result<Vec<Level>, sqlx::Error> {
    let roles: Vec<String> = sqlx::query_scalar(
        "SELECT role FROM role_grants WHERE person_id = $1 AND revoked_at IS NULL AND \
           ((role = 'station_member' AND compound_id = $2) OR (role = 'grid_worker' AND grid_id = $3) \
            OR (role IN ('community_staff', 'department_liaison') AND community_id = $4))",
    )
    .bind(person)
    .bind(affair.compound)
    .bind(affair.grid)
    .bind(affair.community)
    .fetch_all(&db.pool)
    .await?;
    let mut levels: Vec<Level> = roles
        .iter()
        .filter_map(|role| match role.as_str() {
            "station_member" => Some(Level::Station),
            "grid_worker" => Some(Level::Grid),
            "community_staff" | "department_liaison" => Some(Level::Community),
            _ => None,
        })
        .collect();
    levels.sort();
    levels.dedup();
    Ok(levels)
}

/// Who handles `affair` at `level`, or at the level `grid` names when
/// passing: the people a step there concerns.
pub async fn handlers_at(
    db: &Db,
    level: Level,
    affair: &Held,
    grid: Option<i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    handlers_in(&mut *db.pool.acquire().await?, level, affair, grid).await
}

/// [`handlers_at`] read inside a transaction, which sees its own changes
/// (a role it revoked).
pub async fn handlers_in(
    conn: &mut AnyConnection,
    level: Level,
    affair: &Held,
    grid: Option<i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    let (sql, place) = match level {
        Level::Station => (
            "SELECT person_id FROM role_grants WHERE role = 'station_member' AND compound_id = $1 AND revoked_at IS NULL",
            Some(affair.compound),
        ),
        Level::Grid => (
            "SELECT person_id FROM role_grants WHERE role = 'grid_worker' AND grid_id = $1 AND revoked_at IS NULL",
            grid,
        ),
        Level::Community => (
            "SELECT person_id FROM role_grants WHERE role IN ('community_staff', 'department_liaison') \
             AND community_id = $1 AND revoked_at IS NULL",
            Some(affair.community),
        ),
    };
    sqlx::query_scalar(sql)
        .bind(place)
        .fetch_all(&mut *conn)
        .await
}

/// The street's limit for `level` (the defaults when it has set none).
pub async fn limit_of(db: &Db, street: i64, level: Level) -> Result<TimeLimit, sqlx::Error> {
    limit_in(&mut *db.pool.acquire().await?, street, level).await
}

/// [`limit_of`] read inside a transaction.
pub async fn limit_in(
    conn: &mut AnyConnection,
    street: i64,
    level: Level,
) -> Result<TimeLimit, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT respond_hours, resolve_hours FROM affair_time_limits WHERE street_id = $1 AND level = $2",
    )
    .bind(street)
    .bind(level.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some((respond_hours, resolve_hours)) => TimeLimit {
            level,
            respond_hours,
            resolve_hours,
        },
        None => DEFAULT_LIMITS
            .into_iter()
            .find(|l| l.level == level)
            .unwrap_or(DEFAULT_LIMITS[0]),
    })
}

/// A street's time limits and follow-up days; `None` for an unknown street.
pub async fn settings(db: &Db, street: i64) -> Result<Option<AffairSettings>, sqlx::Error> {
    let days: Option<i64> = sqlx::query_scalar("SELECT follow_up_days FROM streets WHERE id = $1")
        .bind(street)
        .fetch_optional(&db.pool)
        .await?;
    let Some(follow_up_days) = days else {
        return Ok(None);
    };
    let mut limits = Vec::new();
    for level in [Level::Station, Level::Grid, Level::Community] {
        limits.push(limit_of(db, street, level).await?);
    }
    Ok(Some(AffairSettings {
        limits,
        follow_up_days,
    }))
}

/// Replaces a street's time limits and follow-up days.
pub async fn save_settings(
    db: &Db,
    street: i64,
    settings: &AffairSettings,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE streets SET follow_up_days = $1 WHERE id = $2")
        .bind(settings.follow_up_days)
        .bind(street)
        .execute(&mut *tx)
        .await?;
    for limit in &settings.limits {
        sqlx::query(
            "INSERT INTO affair_time_limits (street_id, level, respond_hours, resolve_hours) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (street_id, level) \
             DO UPDATE SET respond_hours = excluded.respond_hours, resolve_hours = excluded.resolve_hours",
        )
        .bind(street)
        .bind(limit.level.as_str())
        .bind(limit.respond_hours)
        .bind(limit.resolve_hours)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Whether `person` may set a street's limits: its street admin.
pub async fn is_street_admin(db: &Db, person: i64, street: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM role_grants WHERE person_id = $1 AND role = 'street_admin' \
         AND street_id = $2 AND revoked_at IS NULL",
    )
    .bind(person)
    .bind(street)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// The deadlines of an affair arriving, open, at `level` now.
pub async fn deadlines(
    db: &Db,
    street: i64,
    level: Level,
    now: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let limit = limit_of(db, street, level).await?;
    Ok((
        now + limit.respond_hours * HOUR_MS,
        now + limit.resolve_hours * HOUR_MS,
    ))
}

/// A checked act, ready to be recorded.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// What is done.
    pub act: Act,
    /// Who does it.
    pub person: i64,
    /// The note or reason.
    pub note: Option<&'a str>,
    /// Passing: the chosen grid.
    pub grid: Option<i64>,
    /// Accepting: who will work on it.
    pub assignee: Option<i64>,
    /// Resolving: photos of the result.
    pub photo_ids: &'a [i64],
}

/// Checks `step` against the state machine and the person's roles: 409
/// for a move impossible from here, 403 for one that is not theirs.
pub async fn check(db: &Db, affair: &Held, step: &Step<'_>) -> Result<AffairState, AppError> {
    let mut actors: Vec<Actor> = levels_of(db, step.person, affair)
        .await?
        .into_iter()
        .map(Actor::Handler)
        .collect();
    if affair.filer == step.person {
        actors.push(Actor::Filer);
    }
    if apply(affair.state, step.act, Actor::Filer) == Err(MoveError::Illegal) {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    actors
        .into_iter()
        .find_map(|actor| apply(affair.state, step.act, actor).ok())
        .ok_or_else(|| AppError::new(ErrorCode::Forbidden))
}

/// Applies a checked step: the affair's new state, holder and deadlines,
/// the timeline entry, the photos and the notices. 409 if the affair moved
/// meanwhile.
pub async fn record(
    db: &Db,
    affair: &Held,
    step: &Step<'_>,
    next: AffairState,
) -> Result<(), AppError> {
    let mut next = next;
    let now = now_ms();
    let invalid = |field: &str| AppError::validation(vec![FieldError::new(field, Rule::Invalid)]);
    let mut grid = affair.grid;
    let mut assignee = affair.assignee;
    let mut respond_due = affair.respond_due;
    let mut resolve_due = affair.resolve_due;
    let mut late = false;
    let mut first_response = None;
    let mut recipients: Vec<i64> = Vec::new();
    match step.act {
        Act::Accept => {
            let who = step.assignee.unwrap_or(step.person);
            if !handlers_at(db, next.level, affair, affair.grid)
                .await?
                .contains(&who)
            {
                return Err(invalid("assignee_id"));
            }
            assignee = Some(who);
            late = respond_due.is_some_and(|due| now > due);
            if affair.responded_at.is_none() {
                first_response = Some(!late);
            }
            recipients.push(who);
        }
        Act::PassToGrid => {
            let chosen = step.grid.or(affair.grid).ok_or_else(|| {
                AppError::validation(vec![FieldError::new("grid_id", Rule::Required)])
            })?;
            let in_compound: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM grids WHERE id = $1 AND compound_id = $2 AND retired_at IS NULL",
            )
            .bind(chosen)
            .bind(affair.compound)
            .fetch_optional(&db.pool)
            .await?;
            if in_compound.is_none() {
                return Err(invalid("grid_id"));
            }
            grid = Some(chosen);
        }
        Act::Resolve => {
            late = resolve_due.is_some_and(|due| now > due);
        }
        Act::Confirm => recipients.extend(assignee),
        Act::Reopen => {
            // Back to the grid that had it, unless that grid has been
            // retired since: then to its building's grid now, or to the
            // station if it has no building.
            if next.level == Level::Grid {
                let now_in = grid_now(db, affair.id).await?;
                if now_in != affair.grid {
                    grid = now_in;
                    assignee = None;
                }
                if grid.is_none() {
                    next.level = Level::Station;
                }
            }
        }
        Act::Escalate | Act::HandBack(_) => {}
    }
    let arrives_open = next.status == Status::Open;
    if arrives_open {
        let (respond, resolve) = deadlines(db, affair.street, next.level, now).await?;
        (respond_due, resolve_due) = (Some(respond), Some(resolve));
        if next.level != affair.state.level {
            assignee = None;
        }
        if step.act == Act::Reopen {
            recipients.extend(assignee);
        }
        if assignee.is_none() || step.act != Act::Reopen {
            recipients.extend(handlers_at(db, next.level, affair, grid).await?);
        }
    }
    if step.person != affair.filer {
        recipients.push(affair.filer);
    }
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE affairs SET status = $1, level = $2, grid_id = $3, assignee_id = $4, \
           respond_due_at = $5, resolve_due_at = $6, late = CASE WHEN $7 = 1 THEN 1 ELSE late END, \
           responded_at = CASE WHEN $8 IS NULL THEN responded_at ELSE $9 END, \
           responded_in_time = CASE WHEN $8 IS NULL THEN responded_in_time ELSE $8 END, \
           resolved_at = CASE WHEN $1 = 'resolved' THEN $9 ELSE resolved_at END, \
           closed_at = CASE WHEN $1 = 'closed' THEN $9 ELSE closed_at END, \
           reopened = reopened + $10 \
         WHERE id = $11 AND status = $12 AND level = $13",
    )
    .bind(next.status.as_str())
    .bind(next.level.as_str())
    .bind(grid)
    .bind(assignee)
    .bind(respond_due)
    .bind(resolve_due)
    .bind(i64::from(late))
    .bind(first_response.map(i64::from))
    .bind(now)
    .bind(i64::from(step.act == Act::Reopen))
    .bind(affair.id)
    .bind(affair.state.status.as_str())
    .bind(affair.state.level.as_str())
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let note = step.note.map(str::trim).filter(|n| !n.is_empty());
    let event = insert_event(
        &mut tx,
        affair,
        step.act.as_str(),
        step.person,
        next,
        note,
        now,
    )
    .await?;
    photos::claim(
        &mut tx,
        step.photo_ids,
        step.person,
        affair.id,
        Some(event),
        "photo_ids",
    )
    .await?;
    notify(&mut tx, &recipients, step.person, affair.id, event).await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/affairs/{}", affair.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The grid a reopened affair goes back to: its grid while in service,
/// else its building's grid now (`None` for a common area).
async fn grid_now(db: &Db, affair: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE(g.id, b.grid_id) FROM affairs a \
         LEFT JOIN buildings b ON b.id = a.building_id \
         LEFT JOIN grids g ON g.id = a.grid_id AND g.retired_at IS NULL WHERE a.id = $1",
    )
    .bind(affair)
    .fetch_one(&db.pool)
    .await
}

/// Adds a timeline entry; its id.
pub async fn insert_event(
    tx: &mut sqlx::AnyConnection,
    affair: &Held,
    act: &str,
    actor: i64,
    to: AffairState,
    note: Option<&str>,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO affair_events (affair_id, act, actor_id, from_status, from_level, to_status, to_level, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(affair.id)
    .bind(act.to_owned())
    .bind(actor)
    .bind(affair.state.status.as_str())
    .bind(affair.state.level.as_str())
    .bind(to.status.as_str())
    .bind(to.level.as_str())
    .bind(note.map(str::to_owned))
    .bind(at)
    .fetch_one(&mut *tx)
    .await
}

/// Leaves a notice of `event` for each of `people` but the actor, once each.
pub async fn notify(
    tx: &mut sqlx::AnyConnection,
    people: &[i64],
    actor: i64,
    affair: i64,
    event: i64,
) -> Result<(), sqlx::Error> {
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    for person in people.into_iter().filter(|p| *p != actor) {
        sqlx::query("INSERT INTO notices (person_id, affair_id, event_id) VALUES ($1, $2, $3)")
            .bind(person)
            .bind(affair)
            .bind(event)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Hands the affair to another member of the level holding it, recorded
/// as an `assign` step; 403 unless `person` handles it at that level, 422
/// if the new assignee does not.
pub async fn assign(db: &Db, affair: &Held, person: i64, to: i64) -> Result<(), AppError> {
    let level = affair.state.level;
    if !levels_of(db, person, affair).await?.contains(&level) {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    if !matches!(affair.state.status, Status::Open | Status::InProgress) {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    if !handlers_at(db, level, affair, affair.grid)
        .await?
        .contains(&to)
    {
        return Err(AppError::validation(vec![FieldError::new(
            "person_id",
            Rule::Invalid,
        )]));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE affairs SET assignee_id = $1 WHERE id = $2")
        .bind(to)
        .bind(affair.id)
        .execute(&mut *tx)
        .await?;
    let event = insert_event(&mut tx, affair, "assign", person, affair.state, None, now).await?;
    notify(&mut tx, &[to], person, affair.id, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Tells the handlers of each affair whose deadline passed by `now` (to
/// accept an open one, to resolve one in progress): its assignee, or
/// everyone at the level holding it. Once per deadline: the deadline told
/// is claimed on the affair in the same transaction as the notices, so two
/// servers never both tell it, and a new deadline (after a pass or an
/// escalation) is told again when it passes. Returns how many affairs.
pub async fn notify_overdue(db: &Db, now: i64) -> Result<usize, AppError> {
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, CASE status WHEN 'open' THEN respond_due_at ELSE resolve_due_at END AS due \
         FROM affairs WHERE ((status = 'open' AND respond_due_at < $1) \
            OR (status = 'in_progress' AND resolve_due_at < $1)) \
         AND (overdue_told_due IS NULL OR overdue_told_due <> \
              CASE status WHEN 'open' THEN respond_due_at ELSE resolve_due_at END) \
         ORDER BY id LIMIT 100",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut told = 0;
    for (id, deadline) in due {
        let Some(affair) = held(db, id).await? else {
            continue;
        };
        let people = match affair.assignee {
            Some(assignee) => vec![assignee],
            None => handlers_at(db, affair.state.level, &affair, affair.grid).await?,
        };
        let mut tx = db.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE affairs SET overdue_told_due = $1 WHERE id = $2 \
             AND (overdue_told_due IS NULL OR overdue_told_due <> $1)",
        )
        .bind(deadline)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            for person in &people {
                sqlx::query(
                    "INSERT INTO notices (person_id, affair_id, kind, at) VALUES ($1, $2, 'overdue', $3)",
                )
                .bind(person)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            told += 1;
        }
        tx.commit().await?;
    }
    Ok(told)
}
