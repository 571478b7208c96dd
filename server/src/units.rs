//! Service units, residents' monthly ratings of them, the liaison's
//! answers, and the monthly report (whose arithmetic is
//! [`api_types::units::report`]).

use crate::Db;
use crate::db::now_ms;
use crate::error::AppError;
use api_types::ErrorCode;
use api_types::units::{
    CommunityReports, MyUnitRating, NewUnit, NewUnitRating, Report, ReportComment, Scored, Unit,
    UnitFigures, UnitKind, UnitRecord,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Sets the compounds a unit serves; 422 for a compound of another
/// community.
async fn set_compounds(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    unit: &NewUnit,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM unit_compounds WHERE unit_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for compound in &unit.compound_ids {
        let added = sqlx::query(
            "INSERT INTO unit_compounds (unit_id, compound_id) SELECT $1, id FROM compounds \
             WHERE id = $2 AND community_id = $3 ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(compound)
        .bind(unit.community_id)
        .execute(&mut **tx)
        .await?;
        if added.rows_affected() != 1 {
            return Err(AppError::validation(vec![api_types::FieldError::new(
                "compound_ids",
                api_types::Rule::Invalid,
            )]));
        }
    }
    Ok(())
}

/// Lists a unit with the compounds it serves and its liaison.
pub async fn create(db: &Db, unit: &NewUnit, liaison: Option<i64>) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_units (community_id, name, kind, liaison_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(unit.community_id)
    .bind(unit.name.trim().to_owned())
    .bind(unit.kind.as_str())
    .bind(liaison)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    set_compounds(&mut tx, id, unit).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a unit's name, kind, compounds and liaison.
pub async fn update(
    db: &Db,
    id: i64,
    unit: &NewUnit,
    liaison: Option<i64>,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE service_units SET name = $1, kind = $2, liaison_id = $3 WHERE id = $4")
        .bind(unit.name.trim().to_owned())
        .bind(unit.kind.as_str())
        .bind(liaison)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    set_compounds(&mut tx, id, unit).await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a unit: its reports stay, residents no longer see or rate it.
pub async fn retire(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE service_units SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The community's units in service, as its staff keep them.
pub async fn records(db: &Db, community: i64) -> Result<Vec<UnitRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.kind, p.name AS liaison_name, p.phone AS liaison_phone \
         FROM service_units u LEFT JOIN people p ON p.id = u.liaison_id \
         WHERE u.community_id = $1 AND u.retired_at IS NULL ORDER BY u.id",
    )
    .bind(community)
    .fetch_all(&db.pool)
    .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        records.push(UnitRecord {
            id,
            name: row.try_get("name")?,
            kind: kind(&row)?,
            compound_ids: sqlx::query_scalar(
                "SELECT compound_id FROM unit_compounds WHERE unit_id = $1 ORDER BY compound_id",
            )
            .bind(id)
            .fetch_all(&db.pool)
            .await?,
            liaison_name: row.try_get("liaison_name")?,
            liaison_phone: row.try_get("liaison_phone")?,
        });
    }
    Ok(records)
}

fn kind(row: &AnyRow) -> Result<UnitKind, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    UnitKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode("unknown unit kind".into()))
}

/// Units with the viewer's (`$2`) rating of the month (`$3`), joined as
/// `r`, for a condition on `u` binding `$1`.
const LISTED: &str = "SELECT u.id, u.name, u.kind, r.id AS rating_id, r.score, r.answer, r.fixed, r.re_score \
     FROM service_units u \
     LEFT JOIN unit_ratings r ON r.unit_id = u.id AND r.person_id = $2 AND r.month = $3";

fn listed_unit(row: AnyRow) -> Result<Unit, sqlx::Error> {
    let mine = match row.try_get::<Option<i64>, _>("rating_id")? {
        Some(rating_id) => Some(MyUnitRating {
            rating_id,
            score: row.try_get("score")?,
            answer: row.try_get("answer")?,
            fixed: row.try_get::<i64, _>("fixed")? != 0,
            re_score: row.try_get("re_score")?,
        }),
        None => None,
    };
    Ok(Unit {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: kind(&row)?,
        mine,
    })
}

/// The units serving a compound, with the viewer's rating this month and
/// the liaison's answer to it.
pub async fn serving(
    db: &Db,
    compound: i64,
    viewer: i64,
    month: &str,
) -> Result<Vec<Unit>, sqlx::Error> {
    let sql = format!(
        "{LISTED} WHERE u.id IN (SELECT unit_id FROM unit_compounds WHERE compound_id = $1) \
         AND u.retired_at IS NULL ORDER BY u.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(compound)
        .bind(viewer)
        .bind(month.to_owned())
        .try_map(listed_unit)
        .fetch_all(&db.pool)
        .await
}

/// One unit as the viewer sees it in the list.
pub async fn listed(db: &Db, id: i64, viewer: i64, month: &str) -> Result<Unit, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{LISTED} WHERE u.id = $1")))
        .bind(id)
        .bind(viewer)
        .bind(month.to_owned())
        .try_map(listed_unit)
        .fetch_one(&db.pool)
        .await
}

/// A unit's name, community and liaison.
pub async fn unit(db: &Db, id: i64) -> Result<Option<(String, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT name, community_id, liaison_id FROM service_units WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Whether `person` is a verified resident of a compound the unit, still
/// in service, serves.
pub async fn may_rate(db: &Db, person: i64, unit: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT v.person_id FROM ({}) v JOIN unit_compounds c ON c.compound_id = v.compound_id \
         JOIN service_units u ON u.id = c.unit_id \
         WHERE v.person_id = $1 AND c.unit_id = $2 AND u.retired_at IS NULL",
        crate::permissions::VERIFIED_RESIDENTS
    );
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(unit)
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// Records this month's rating, replacing one given earlier in the month
/// (and any answer to it, which was about the old rating). A bad rating
/// is a notice to the unit's liaison, or without one to its community's
/// staff, to answer it.
pub async fn rate(
    db: &Db,
    unit: i64,
    person: i64,
    month: &str,
    r: &NewUnitRating,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO unit_ratings (unit_id, person_id, month, score, attitude, speed, result, comment, rated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (unit_id, person_id, month) DO UPDATE SET \
           score = excluded.score, attitude = excluded.attitude, speed = excluded.speed, result = excluded.result, \
           comment = excluded.comment, rated_at = excluded.rated_at, answer = NULL, answered_by = NULL, \
           answered_at = NULL, fixed = 0, re_score = NULL, re_rated_at = NULL RETURNING id",
    )
    .bind(unit)
    .bind(person)
    .bind(month.to_owned())
    .bind(r.satisfaction.score())
    .bind(r.attitude)
    .bind(r.speed)
    .bind(r.result)
    .bind(r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if !r.satisfaction.satisfied() {
        let answerers: Vec<i64> = sqlx::query_scalar(
            "SELECT liaison_id FROM service_units WHERE id = $1 AND liaison_id IS NOT NULL \
             UNION SELECT g.person_id FROM role_grants g JOIN service_units u ON u.community_id = g.community_id \
             WHERE u.id = $1 AND u.liaison_id IS NULL AND g.role = 'community_staff' AND g.revoked_at IS NULL",
        )
        .bind(unit)
        .fetch_all(&mut *tx)
        .await?;
        crate::notices::notify_unit_rating(&mut tx, &answerers, id, "unit_rated", now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A rating's unit and rater.
pub async fn rating_parties(db: &Db, id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT unit_id, person_id FROM unit_ratings WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// The liaison's (or staff's) answer to a rating, a notice to the rater;
/// 409 if already answered.
pub async fn answer(
    db: &Db,
    id: i64,
    rater: i64,
    by: i64,
    note: &str,
    fixed: bool,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE unit_ratings SET answer = $1, answered_by = $2, answered_at = $3, fixed = $4 \
         WHERE id = $5 AND answered_at IS NULL",
    )
    .bind(note.trim().to_owned())
    .bind(by)
    .bind(now)
    .bind(i64::from(fixed))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    AppError::one_row(done.rows_affected(), ErrorCode::IllegalMove)?;
    crate::notices::notify_unit_rating(&mut tx, &[rater], id, "unit_answered", now).await?;
    tx.commit().await?;
    Ok(())
}

/// The rater rates the fix once it is answered; 409 before or twice.
pub async fn re_rate(db: &Db, id: i64, score: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE unit_ratings SET re_score = $1, re_rated_at = $2 WHERE id = $3 AND answered_at IS NOT NULL AND re_score IS NULL",
    )
    .bind(score)
    .bind(now_ms())
    .bind(id)
    .execute(&db.pool)
    .await?;
    AppError::one_row(done.rows_affected(), ErrorCode::IllegalMove)
}

/// The twelve months of a report ending with `month`, and their span in
/// Unix milliseconds; 422 unless `month` is `YYYY-MM`.
fn months_of(month: &str) -> Result<(Vec<String>, i64, i64), AppError> {
    let invalid = || {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    };
    let months = api_types::units::twelve_months(month);
    let (start, _) = months
        .first()
        .and_then(|m| crate::metrics::month_range(m))
        .ok_or_else(invalid)?;
    let (_, end) = crate::metrics::month_range(month).ok_or_else(invalid)?;
    Ok((months, start, end))
}

/// The unit's report for `month`: its arithmetic over the last twelve
/// months, and this month's comments (anonymous), worst first.
pub async fn report(db: &Db, unit: i64, name: &str, month: &str) -> Result<Report, AppError> {
    let (months, _, _) = months_of(month)?;
    let rows = sqlx::query(
        "SELECT id, person_id, month, score, attitude, speed, result, comment, rated_at, answer, answered_at, \
           fixed, re_score \
         FROM unit_ratings WHERE unit_id = $1 AND month >= $2 AND month <= $3 ORDER BY score, id",
    )
    .bind(unit)
    .bind(months[0].clone())
    .bind(month.to_owned())
    .fetch_all(&db.pool)
    .await?;
    let mut scored = Vec::new();
    let mut comments = Vec::new();
    for row in rows {
        let m: String = row.try_get("month")?;
        let score: i64 = row.try_get("score")?;
        let fixed = row.try_get::<i64, _>("fixed")? != 0;
        let answer: Option<String> = row.try_get("answer")?;
        let at: i64 = row.try_get("rated_at")?;
        let answered_at: Option<i64> = row.try_get("answered_at")?;
        scored.push(Scored {
            key: row.try_get("person_id")?,
            at,
            month: m.clone(),
            score,
            aspects: [
                row.try_get("attitude")?,
                row.try_get("speed")?,
                row.try_get("result")?,
            ],
            answered: answered_at.is_some(),
            fixed,
            answer_minutes: answered_at.map(|t| (t - at) / 60_000),
        });
        if m == month
            && let Some(comment) = row.try_get::<Option<String>, _>("comment")?
        {
            comments.push(ReportComment {
                rating_id: row.try_get("id")?,
                score,
                comment,
                answer,
                fixed,
                re_score: row.try_get("re_score")?,
            });
        }
    }
    let mut report = api_types::units::report(unit, name, &months, &scored);
    report.comments = comments;
    Ok(report)
}

/// A report from ratings with no aspects, selected by `sql` binding the
/// place as `$1` and the span as `$2`..`$3`, returning `key`, `score`,
/// `at`, `answered` (when, nullable) and `fixed` (0 or 1).
async fn report_of(
    db: &Db,
    sql: &'static str,
    place: (i64, &str),
    month: &str,
) -> Result<Report, AppError> {
    let (months, start, end) = months_of(month)?;
    let rows = sqlx::query(sql)
        .bind(place.0)
        .bind(start)
        .bind(end)
        .fetch_all(&db.pool)
        .await?;
    let mut scored = Vec::with_capacity(rows.len());
    for row in rows {
        let at: i64 = row.try_get("at")?;
        let answered: Option<i64> = row.try_get("answered")?;
        scored.push(Scored {
            key: row.try_get("key")?,
            at,
            month: crate::metrics::month_of(at, 0),
            score: row.try_get("score")?,
            aspects: [None; 3],
            answered: answered.is_some(),
            fixed: row.try_get::<i64, _>("fixed")? != 0,
            answer_minutes: answered.map(|t| (t - at) / 60_000),
        });
    }
    Ok(api_types::units::report(place.0, place.1, &months, &scored))
}

/// A station's report, from the ratings of its compound's affairs in the
/// month they were given: the follow-up call answers a bad rating, and
/// the filer's second rating in the top three levels says it is fixed.
pub async fn station_report(
    db: &Db,
    compound: (i64, &str),
    month: &str,
) -> Result<Report, AppError> {
    report_of(
        db,
        "SELECT r.affair_id AS key, r.score, r.rated_at AS at, r.follow_up_at AS answered, \
           CAST(CASE WHEN r.re_score >= 3 THEN 1 ELSE 0 END AS BIGINT) AS fixed \
         FROM affair_ratings r JOIN affairs a ON a.id = r.affair_id \
         WHERE a.compound_id = $1 AND r.rated_at >= $2 AND r.rated_at < $3",
        compound,
        month,
    )
    .await
}

/// A community's volunteers' report, from the ratings of the help they
/// gave, in the month it was done. Nobody answers these ratings.
pub async fn volunteers_report(
    db: &Db,
    community: (i64, &str),
    month: &str,
) -> Result<Report, AppError> {
    report_of(
        db,
        "SELECT h.id AS key, h.score, h.done_at AS at, CAST(NULL AS BIGINT) AS answered, \
           CAST(0 AS BIGINT) AS fixed \
         FROM help_requests h JOIN affairs a ON a.id = h.affair_id JOIN compounds c ON c.id = a.compound_id \
         WHERE c.community_id = $1 AND h.score IS NOT NULL AND h.done_at >= $2 AND h.done_at < $3",
        community,
        month,
    )
    .await
}

/// Every report of a community's month, side by side; `None` if there is
/// no such community.
pub async fn community_reports(
    db: &Db,
    community: i64,
    month: &str,
) -> Result<Option<CommunityReports>, AppError> {
    let Some(name) = sqlx::query_scalar::<_, String>("SELECT name FROM communities WHERE id = $1")
        .bind(community)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    // The units in service at some time in the month: a month's report
    // keeps a unit retired after it.
    let (start, _) = crate::metrics::month_range(month).ok_or_else(|| {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    })?;
    let unit_names: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM service_units WHERE community_id = $1 \
         AND (retired_at IS NULL OR retired_at >= $2) ORDER BY id",
    )
    .bind(community)
    .bind(start)
    .fetch_all(&db.pool)
    .await?;
    let mut units = Vec::with_capacity(unit_names.len());
    for (id, unit_name) in unit_names {
        let mut r = report(db, id, &unit_name, month).await?;
        r.comments.clear();
        units.push(r);
    }
    let compounds: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM compounds WHERE community_id = $1 ORDER BY id")
            .bind(community)
            .fetch_all(&db.pool)
            .await?;
    let mut stations = Vec::with_capacity(compounds.len());
    for (id, compound_name) in compounds {
        stations.push(station_report(db, (id, &compound_name), month).await?);
    }
    let volunteers = volunteers_report(db, (community, &name), month).await?;
    Ok(Some(CommunityReports {
        community: name,
        month: month.to_owned(),
        units,
        stations,
        volunteers,
    }))
}

/// The public figures of the units serving a compound: one query of
/// monthly counts (a rater has one rating per unit and month, by the
/// table's key), read through [`UnitFigures::of`]. Written as `IN` so
/// SQLite searches the covering index per unit instead of scanning every
/// unit's ratings.
pub async fn board_figures(
    db: &Db,
    compound: i64,
    month: &str,
) -> Result<Vec<UnitFigures>, AppError> {
    let (months, _, _) = months_of(month)?;
    let units = sqlx::query(
        "SELECT u.id, u.name, u.kind FROM service_units u JOIN unit_compounds c ON c.unit_id = u.id \
         WHERE c.compound_id = $1 AND u.retired_at IS NULL ORDER BY u.id",
    )
    .bind(compound)
    .fetch_all(&db.pool)
    .await?;
    let counts = sqlx::query(
        "SELECT r.unit_id, r.month, COUNT(*) AS rated, SUM(CASE WHEN r.score >= 3 THEN 1 ELSE 0 END) AS satisfied \
         FROM unit_ratings r WHERE r.unit_id IN (SELECT unit_id FROM unit_compounds WHERE compound_id = $1) \
           AND r.month >= $2 AND r.month <= $3 GROUP BY r.unit_id, r.month",
    )
    .bind(compound)
    .bind(months[0].clone())
    .bind(month.to_owned())
    .fetch_all(&db.pool)
    .await?;
    let mut counted = Vec::with_capacity(counts.len());
    for row in counts {
        counted.push((
            row.try_get::<i64, _>("unit_id")?,
            row.try_get::<String, _>("month")?,
            row.try_get::<i64, _>("rated")?,
            row.try_get::<i64, _>("satisfied")?,
        ));
    }
    let mut figures = Vec::with_capacity(units.len());
    for row in units {
        let id: i64 = row.try_get("id")?;
        let trend = months
            .iter()
            .map(|m| {
                let (ratings, satisfied) = counted
                    .iter()
                    .find(|(unit, month, _, _)| *unit == id && month == m)
                    .map_or((0, 0), |(_, _, rated, satisfied)| (*rated, *satisfied));
                api_types::units::MonthFigures {
                    month: m.clone(),
                    ratings,
                    satisfied,
                }
            })
            .collect();
        figures.push(UnitFigures::of(row.try_get("name")?, kind(&row)?, trend));
    }
    Ok(figures)
}
