//! Micro-affairs: filing, reading with privacy, "me too", the timeline.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use api_types::Lang;
use api_types::affairs::{Affair, AffairEvent, AffairState, Category, Level, NewAffair, Status};
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

/// Files an affair, open at the station, with the first timeline entry.
pub async fn file(db: &Db, filer: i64, affair: &NewAffair, private: bool) -> Result<i64, AppError> {
    let now = now_ms();
    let state = AffairState::FILED;
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO affairs (compound_id, filer_id, category_id, title, description, building_id, unit, \
           common_area, urgent, private, status, level, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
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
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO affair_events (affair_id, act, actor_id, to_status, to_level, at) \
         VALUES ($1, 'file', $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(filer)
    .bind(state.status.as_str())
    .bind(state.level.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

const AFFAIR_COLUMNS: &str = "SELECT a.id, a.compound_id, c.name AS compound_name, k.code AS category_code, \
       k.name_zh, k.name_en, a.title, a.description, b.name AS building_name, a.unit, a.common_area, \
       a.urgent, a.private, a.status, a.level, a.created_at, a.filer_id, p.name AS filer_name, \
       (SELECT COUNT(*) FROM affair_seconds s WHERE s.affair_id = a.id) AS seconds, \
       (SELECT COUNT(*) FROM affair_seconds s WHERE s.affair_id = a.id AND s.person_id = $1) AS seconded \
     FROM affairs a JOIN compounds c ON c.id = a.compound_id \
     JOIN affair_categories k ON k.id = a.category_id JOIN people p ON p.id = a.filer_id \
     LEFT JOIN buildings b ON b.id = a.building_id";

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
            status: Status::parse(&status).ok_or_else(|| bad("status"))?,
            level: Level::parse(&level).ok_or_else(|| bad("level"))?,
            seconds: row.try_get("seconds")?,
            seconded: row.try_get::<i64, _>("seconded")? > 0,
            mine: filer == viewer,
            filer_name: row.try_get("filer_name")?,
            created_at: rfc3339(row.try_get("created_at")?),
            timeline: None,
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
    /// The signed-in person (0 for none): their private affairs are listed.
    pub viewer: i64,
    /// Whether every private affair is listed (the viewer handles them).
    pub all_private: bool,
    /// Only affairs older than this id (`i64::MAX` for the first page).
    pub before_id: i64,
    /// At most this many.
    pub limit: i64,
    /// The language of category names.
    pub lang: Lang,
}

/// A compound's affairs, newest first: the public ones, the viewer's own,
/// and for handlers every private one.
pub async fn list(db: &Db, q: ListQuery) -> Result<Vec<Stored>, sqlx::Error> {
    let ListQuery {
        compound,
        status,
        viewer,
        all_private,
        before_id,
        limit,
        lang,
    } = q;
    let sql = format!(
        "{AFFAIR_COLUMNS} WHERE a.compound_id = $2 AND ($3 IS NULL OR a.status = $3) AND a.id < $4 \
         AND (a.private = 0 OR a.filer_id = $1 OR $5 = 1) ORDER BY a.id DESC LIMIT $6"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(viewer)
        .bind(compound)
        .bind(status.map(Status::as_str))
        .bind(before_id)
        .bind(i64::from(all_private))
        .bind(limit)
        .try_map(move |row: AnyRow| stored_from_row(&row, lang, viewer))
        .fetch_all(&db.pool)
        .await
}

/// Every step of an affair, oldest first.
pub async fn timeline(db: &Db, id: i64) -> Result<Vec<AffairEvent>, sqlx::Error> {
    sqlx::query(
        "SELECT e.act, p.name AS actor_name, e.from_level, e.to_status, e.to_level, e.note, e.at \
         FROM affair_events e LEFT JOIN people p ON p.id = e.actor_id WHERE e.affair_id = $1 ORDER BY e.id",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        let bad = || sqlx::Error::Decode("unknown stored level or status".into());
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
            at: rfc3339(row.try_get("at")?),
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// Records `person`'s "me too"; 409 if they already said it. Returns the
/// affair's count.
pub async fn second(db: &Db, affair: i64, person: i64) -> Result<i64, AppError> {
    sqlx::query("INSERT INTO affair_seconds (affair_id, person_id, at) VALUES ($1, $2, $3)")
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
