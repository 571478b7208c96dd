//! Micro-affairs: filing, reading with privacy, "me too", the timeline.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use crate::{circulation, photos};
use api_types::Lang;
use api_types::affairs::{
    Affair, AffairEvent, AffairState, Category, Channel, Level, NewAffair, NewCategory, Status,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The categories of a street, in display order, in `lang`.
pub async fn categories(db: &Db, street: i64, lang: Lang) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query(
        "SELECT id, code, name_zh, name_en, hint_zh, hint_en, private_default \
         FROM affair_categories WHERE street_id = $1 ORDER BY sort_order, id",
    )
    .bind(street)
    .try_map(move |row: AnyRow| {
        let (name, hint) = match lang {
            Lang::Zh => ("name_zh", "hint_zh"),
            Lang::En => ("name_en", "hint_en"),
        };
        Ok(Category {
            id: row.try_get("id")?,
            code: row.try_get("code")?,
            name: row.try_get(name)?,
            hint: row.try_get(hint)?,
            private_default: row.try_get::<i64, _>("private_default")? != 0,
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// Adds a category at the end of a street's list; 409 if the code is taken.
pub async fn add_category(db: &Db, category: &NewCategory) -> Result<i64, AppError> {
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let id = sqlx::query_scalar(
        "INSERT INTO affair_categories (street_id, code, name_zh, name_en, hint_zh, hint_en, private_default, sort_order) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, \
           (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM affair_categories WHERE street_id = $1)) RETURNING id",
    )
    .bind(category.street_id)
    .bind(category.code.clone())
    .bind(category.name_zh.trim().to_owned())
    .bind(category.name_en.trim().to_owned())
    .bind(text(&category.hint_zh))
    .bind(text(&category.hint_en))
    .bind(i64::from(category.private_default))
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// Whether a category is private by default, if it belongs to the
/// compound's street.
pub async fn category_default(
    db: &Db,
    category: i64,
    compound: i64,
) -> Result<Option<bool>, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT k.private_default FROM affair_categories k \
         JOIN communities cm ON cm.street_id = k.street_id \
         JOIN compounds c ON c.community_id = cm.id WHERE k.id = $1 AND c.id = $2",
    )
    .bind(category)
    .bind(compound)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.map(|p| p != 0))
}

/// Whether a building belongs to a compound.
pub async fn building_in_compound(
    db: &Db,
    building: i64,
    compound: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT b.id FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE b.id = $1 AND g.compound_id = $2",
    )
    .bind(building)
    .bind(compound)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Files an affair, open at the station with the station's deadlines, with
/// the first timeline entry, its photos, and a notice for every member of
/// the station. `recorder`: the staff member who recorded it for `filer`
/// (代办), how the filer reached them, and the timeline's note saying so;
/// the photos are theirs.
pub async fn file(
    db: &Db,
    filer: i64,
    affair: &NewAffair,
    private: bool,
    recorder: Option<(i64, Channel, &str)>,
) -> Result<i64, AppError> {
    let now = now_ms();
    let state = AffairState::FILED;
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let street: i64 = sqlx::query_scalar(
        "SELECT cm.street_id FROM compounds c JOIN communities cm ON cm.id = c.community_id WHERE c.id = $1",
    )
    .bind(affair.compound_id)
    .fetch_one(&db.pool)
    .await?;
    let grid: Option<i64> = match affair.building_id {
        Some(building) => {
            sqlx::query_scalar("SELECT grid_id FROM buildings WHERE id = $1")
                .bind(building)
                .fetch_optional(&db.pool)
                .await?
        }
        None => None,
    };
    let (respond_due, resolve_due) = circulation::deadlines(db, street, state.level, now).await?;
    let station: Vec<i64> = sqlx::query_scalar(
        "SELECT person_id FROM role_grants WHERE role = 'station_member' AND compound_id = $1 AND revoked_at IS NULL",
    )
    .bind(affair.compound_id)
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO affairs (compound_id, filer_id, category_id, title, description, building_id, unit, \
           common_area, urgent, private, status, level, created_at, grid_id, respond_due_at, resolve_due_at, \
           recorded_by, channel) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
    )
    .bind(affair.compound_id)
    .bind(filer)
    .bind(affair.category_id)
    .bind(affair.title.trim().to_owned())
    .bind(affair.description.trim().to_owned())
    .bind(affair.building_id)
    .bind(text(&affair.unit))
    .bind(text(&affair.common_area))
    .bind(i64::from(affair.urgent))
    .bind(i64::from(private))
    .bind(state.status.as_str())
    .bind(state.level.as_str())
    .bind(now)
    .bind(grid)
    .bind(respond_due)
    .bind(resolve_due)
    .bind(recorder.map(|(by, _, _)| by))
    .bind(recorder.map(|(_, channel, _)| channel.as_str()))
    .fetch_one(&mut *tx)
    .await?;
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO affair_events (affair_id, act, actor_id, to_status, to_level, at, note) \
         VALUES ($1, 'file', $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(filer)
    .bind(state.status.as_str())
    .bind(state.level.as_str())
    .bind(now)
    .bind(recorder.map(|(_, _, note)| note.to_owned()))
    .fetch_one(&mut *tx)
    .await?;
    let actor = recorder.map_or(filer, |(by, _, _)| by);
    photos::claim(&mut tx, &affair.photo_ids, actor, id, None, "photo_ids").await?;
    circulation::notify(&mut tx, &station, actor, id, event).await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/affairs/{id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const AFFAIR_COLUMNS: &str = "SELECT a.id, a.compound_id, c.name AS compound_name, k.code AS category_code, \
       k.name_zh, k.name_en, a.title, a.description, b.name AS building_name, a.unit, a.common_area, \
       a.urgent, a.private, a.status, a.level, a.created_at, a.filer_id, p.name AS filer_name, \
       (SELECT COUNT(*) FROM affair_seconds s WHERE s.affair_id = a.id) AS seconds, \
       (SELECT COUNT(*) FROM affair_seconds s WHERE s.affair_id = a.id AND s.person_id = $1) AS seconded, \
       g.name AS grid_name, q.name AS assignee_name, a.respond_due_at, a.resolve_due_at \
     FROM affairs a JOIN compounds c ON c.id = a.compound_id \
     JOIN affair_categories k ON k.id = a.category_id JOIN people p ON p.id = a.filer_id \
     LEFT JOIN buildings b ON b.id = a.building_id LEFT JOIN grids g ON g.id = a.grid_id \
     LEFT JOIN people q ON q.id = a.assignee_id";

/// An affair as stored, before deciding what the viewer may see of it.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The affair, with the filer's name and no timeline.
    pub affair: Affair,
    /// Who filed it.
    pub filer: i64,
}

fn stored_from_row(row: &AnyRow, lang: Lang, viewer: i64) -> Result<Stored, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let level: String = row.try_get("level")?;
    let filer: i64 = row.try_get("filer_id")?;
    let bad = |what: &str| sqlx::Error::Decode(format!("unknown stored {what}").into());
    let status = Status::parse(&status).ok_or_else(|| bad("status"))?;
    let due_at: Option<i64> = match status {
        Status::Open => row.try_get("respond_due_at")?,
        Status::InProgress => row.try_get("resolve_due_at")?,
        Status::Resolved | Status::Closed => None,
    };
    Ok(Stored {
        filer,
        affair: Affair {
            id: row.try_get("id")?,
            compound_id: row.try_get("compound_id")?,
            compound_name: row.try_get("compound_name")?,
            category_code: row.try_get("category_code")?,
            category_name: row.try_get(if lang == Lang::Zh {
                "name_zh"
            } else {
                "name_en"
            })?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            building_name: row.try_get("building_name")?,
            unit: row.try_get("unit")?,
            common_area: row.try_get("common_area")?,
            urgent: row.try_get::<i64, _>("urgent")? != 0,
            private: row.try_get::<i64, _>("private")? != 0,
            status,
            level: Level::parse(&level).ok_or_else(|| bad("level"))?,
            seconds: row.try_get("seconds")?,
            seconded: row.try_get::<i64, _>("seconded")? > 0,
            mine: filer == viewer,
            filer_name: row.try_get("filer_name")?,
            created_at: rfc3339(row.try_get("created_at")?),
            grid_name: row.try_get("grid_name")?,
            assignee_name: row.try_get("assignee_name")?,
            overdue: due_at.is_some_and(|due| now_ms() > due),
            due_at: due_at.map(rfc3339),
            photo_ids: Vec::new(),
            viewer_levels: Vec::new(),
            timeline: None,
            rating: None,
        },
    })
}

/// One affair, as stored; `viewer` is the signed-in person (0 for none).
pub async fn load(
    db: &Db,
    id: i64,
    viewer: i64,
    lang: Lang,
) -> Result<Option<Stored>, sqlx::Error> {
    let sql = format!("{AFFAIR_COLUMNS} WHERE a.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer)
        .bind(id)
        .try_map(move |row: AnyRow| stored_from_row(&row, lang, viewer))
        .fetch_optional(&db.pool)
        .await
}

/// What a list of a compound's affairs asks for.
#[derive(Debug, Clone, Copy)]
pub struct ListQuery {
    /// The compound.
    pub compound: i64,
    /// Only this state.
    pub status: Option<Status>,
    /// The signed-in person (0 for none): the private affairs they may see
    /// are listed ([`crate::permissions::sees_affair`]).
    pub viewer: i64,
    /// Only the viewer's own.
    pub mine: bool,
    /// Only affairs older than this id (`i64::MAX` for the first page).
    pub before_id: i64,
    /// At most this many.
    pub limit: i64,
    /// The language of category names.
    pub lang: Lang,
}

/// A compound's affairs, newest first: the public ones and the private
/// ones the viewer may see.
pub async fn list(db: &Db, q: ListQuery) -> Result<Vec<Stored>, sqlx::Error> {
    let ListQuery {
        compound,
        status,
        viewer,
        mine,
        before_id,
        limit,
        lang,
    } = q;
    // The page's ids first, from the affairs table alone; the joins and
    // counts then run for those rows only.
    let sql = format!(
        "{AFFAIR_COLUMNS} WHERE a.id IN (SELECT x.id FROM affairs x WHERE x.compound_id = $2 \
           AND ($3 IS NULL OR x.status = $3) AND x.id < $4 \
           AND {} AND ($6 = 0 OR x.filer_id = $1) \
           ORDER BY x.id DESC LIMIT $5) \
         ORDER BY a.id DESC",
        crate::permissions::sees_affair("x", "$1")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer)
        .bind(compound)
        .bind(status.map(Status::as_str))
        .bind(before_id)
        .bind(limit)
        .bind(i64::from(mine))
        .try_map(move |row: AnyRow| stored_from_row(&row, lang, viewer))
        .fetch_all(&db.pool)
        .await
}

/// The photos of an affair: the filer's (no step) and each step's.
pub async fn photos_of(db: &Db, id: i64) -> Result<Vec<(Option<i64>, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT event_id, id FROM photos WHERE affair_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&db.pool)
        .await
}

/// Every step of an affair, oldest first, with the photos of each.
pub async fn timeline(
    db: &Db,
    id: i64,
    photos: &[(Option<i64>, i64)],
) -> Result<Vec<AffairEvent>, sqlx::Error> {
    sqlx::query(
        "SELECT e.id, e.act, p.name AS actor_name, e.from_level, e.to_status, e.to_level, e.note, e.at \
         FROM affair_events e LEFT JOIN people p ON p.id = e.actor_id WHERE e.affair_id = $1 ORDER BY e.id",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        let bad = || sqlx::Error::Decode("unknown stored level or status".into());
        let event: i64 = row.try_get("id")?;
        let from_level: Option<String> = row.try_get("from_level")?;
        let to_status: String = row.try_get("to_status")?;
        let to_level: String = row.try_get("to_level")?;
        Ok(AffairEvent {
            act: row.try_get("act")?,
            actor_name: row.try_get("actor_name")?,
            from_level: from_level.as_deref().map(Level::parse).map(|l| l.ok_or_else(bad)).transpose()?,
            to_status: Status::parse(&to_status).ok_or_else(bad)?,
            to_level: Level::parse(&to_level).ok_or_else(bad)?,
            note: row.try_get("note")?,
            photo_ids: photos
                .iter()
                .filter(|(e, _)| *e == Some(event))
                .map(|(_, p)| *p)
                .collect(),
            at: rfc3339(row.try_get("at")?),
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// Records `person`'s "me too"; saying it again changes nothing. Returns
/// the affair's count.
pub async fn second(db: &Db, affair: i64, person: i64) -> Result<i64, AppError> {
    sqlx::query(
        "INSERT INTO affair_seconds (affair_id, person_id, at) VALUES ($1, $2, $3) \
         ON CONFLICT (affair_id, person_id) DO NOTHING",
    )
    .bind(affair)
    .bind(person)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM affair_seconds WHERE affair_id = $1")
            .bind(affair)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// What a handler's queue asks for.
#[derive(Debug, Clone, Copy)]
pub struct QueueQuery {
    /// The handler.
    pub person: i64,
    /// Only this compound.
    pub compound: Option<i64>,
    /// Only this category.
    pub category: Option<i64>,
    /// Only this state (open and in progress when `None`).
    pub status: Option<Status>,
    /// Only new, mine or overdue.
    pub view: Option<api_types::affairs::QueueView>,
    /// The language of category names.
    pub lang: Lang,
}

/// The most affairs a queue lists: a station has a handful open at a time.
pub const QUEUE_MAX: i64 = 200;

/// The affairs `person` holds at their levels or is assigned: overdue
/// first, then urgent, then oldest.
pub async fn queue(db: &Db, q: QueueQuery) -> Result<Vec<Stored>, sqlx::Error> {
    use api_types::affairs::QueueView;
    let now = now_ms();
    let view = match q.view {
        None => "",
        Some(QueueView::New) => "AND a.status = 'open'",
        Some(QueueView::Mine) => "AND a.assignee_id = $1",
        Some(QueueView::Overdue) => {
            "AND ((a.status = 'open' AND a.respond_due_at < $6) OR (a.status = 'in_progress' AND a.resolve_due_at < $6))"
        }
    };
    // Literal when absent, so the status index serves the common case.
    let status = if q.status.is_some() {
        "a.status = $4"
    } else {
        "a.status IN ('open', 'in_progress') AND $4 IS NULL"
    };
    let sees = crate::permissions::sees_affair("a", "$1");
    let sql = format!(
        "{AFFAIR_COLUMNS} WHERE ((a.level = 'station' AND a.compound_id IN \
            (SELECT compound_id FROM role_grants WHERE person_id = $1 AND role = 'station_member' AND revoked_at IS NULL)) \
          OR (a.level = 'grid' AND a.grid_id IN \
            (SELECT grid_id FROM role_grants WHERE person_id = $1 AND role = 'grid_worker' AND revoked_at IS NULL)) \
          OR (a.level = 'community' AND c.community_id IN \
            (SELECT community_id FROM role_grants WHERE person_id = $1 \
             AND role IN ('community_staff', 'department_liaison') AND revoked_at IS NULL)) \
          OR (a.assignee_id = $1 AND {sees})) \
         AND ($2 IS NULL OR a.compound_id = $2) AND ($3 IS NULL OR a.category_id = $3) \
         AND {status} {view} \
         ORDER BY CASE WHEN (a.status = 'open' AND a.respond_due_at < $6) \
             OR (a.status = 'in_progress' AND a.resolve_due_at < $6) THEN 0 ELSE 1 END, \
           a.urgent DESC, a.id LIMIT $5"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(q.person)
        .bind(q.compound)
        .bind(q.category)
        .bind(q.status.map(Status::as_str))
        .bind(QUEUE_MAX)
        .bind(now)
        .try_map(move |row: AnyRow| stored_from_row(&row, q.lang, q.person))
        .fetch_all(&db.pool)
        .await
}

/// The character pairs of a title, spaces and punctuation left out: Chinese
/// titles have no words to compare, but "楼道灯坏了" and "3号楼楼道灯不亮"
/// share "楼道" and "道灯".
fn bigrams(title: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// How alike two titles are, 0 to 100 (the Dice coefficient of their
/// character pairs).
pub fn similarity(a: &str, b: &str) -> i64 {
    let (a, b) = (bigrams(a), bigrams(b));
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let shared = a.iter().filter(|p| b.binary_search(p).is_ok()).count();
    (200 * shared / (a.len() + b.len())) as i64
}

/// The least similarity offered as "is it this one?".
pub const SIMILAR_FROM: i64 = 30;

/// Open public affairs of the compound and category whose titles look like
/// `title`, most alike first (at most 3).
pub async fn similar(
    db: &Db,
    compound: i64,
    category: i64,
    title: &str,
    viewer: i64,
    lang: Lang,
) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = format!(
        "{AFFAIR_COLUMNS} WHERE a.compound_id = $2 AND a.category_id = $3 AND a.private = 0 \
         AND a.status IN ('open', 'in_progress') ORDER BY a.id DESC LIMIT 200"
    );
    let candidates: Vec<Stored> = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer)
        .bind(compound)
        .bind(category)
        .try_map(move |row: AnyRow| stored_from_row(&row, lang, viewer))
        .fetch_all(&db.pool)
        .await?;
    let mut scored: Vec<(i64, Stored)> = candidates
        .into_iter()
        .map(|s| (similarity(title, &s.affair.title), s))
        .filter(|(score, _)| *score >= SIMILAR_FROM)
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    Ok(scored.into_iter().take(3).map(|(_, s)| s).collect())
}

/// A compound's recently resolved public affairs, for its board.
pub async fn recently_resolved(
    db: &Db,
    compound: i64,
    lang: Lang,
) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = format!(
        "{AFFAIR_COLUMNS} WHERE a.id IN (SELECT x.id FROM affairs x WHERE x.compound_id = $2 \
           AND x.private = 0 AND x.status IN ('resolved', 'closed') ORDER BY x.resolved_at DESC LIMIT 5) \
         ORDER BY a.resolved_at DESC"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(0_i64)
        .bind(compound)
        .try_map(move |row: AnyRow| stored_from_row(&row, lang, 0))
        .fetch_all(&db.pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alike_titles_score_high_and_others_low() {
        assert!(similarity("楼道灯坏了", "3号楼楼道灯不亮") >= SIMILAR_FROM);
        assert!(similarity("北门车棚漏雨", "车棚顶漏雨了") >= SIMILAR_FROM);
        assert!(similarity("楼道灯坏了", "垃圾没人清") < SIMILAR_FROM);
        assert_eq!(similarity("灯", "灯"), 0);
        assert_eq!(similarity("电梯坏了", "电梯坏了"), 100);
    }
}
