//! Service units, residents' monthly ratings of them, the liaison's
//! answers, and the monthly report (whose arithmetic is
//! [`api_types::units::report`]).

use crate::Db;
use crate::db::now_ms;
use crate::error::AppError;
use api_types::ErrorCode;
use api_types::units::{NewUnit, NewUnitRating, Report, ReportComment, Scored, Unit, UnitKind};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Lists a unit with the compounds it serves; 422 for a compound of
/// another community.
pub async fn create(db: &Db, unit: &NewUnit) -> Result<i64, AppError> {
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_units (community_id, name, kind, liaison_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(unit.community_id)
    .bind(unit.name.trim().to_owned())
    .bind(unit.kind.as_str())
    .bind(unit.liaison_id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    for compound in &unit.compound_ids {
        let added = sqlx::query(
            "INSERT INTO unit_compounds (unit_id, compound_id) SELECT $1, id FROM compounds \
             WHERE id = $2 AND community_id = $3 ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(compound)
        .bind(unit.community_id)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() != 1 {
            return Err(AppError::validation(vec![api_types::FieldError::new(
                "compound_ids",
                api_types::Rule::Invalid,
            )]));
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// The units serving a compound, with the viewer's rating this month.
pub async fn serving(
    db: &Db,
    compound: i64,
    viewer: i64,
    month: &str,
) -> Result<Vec<Unit>, sqlx::Error> {
    sqlx::query(
        "SELECT u.id, u.name, u.kind, \
           (SELECT r.score FROM unit_ratings r WHERE r.unit_id = u.id AND r.person_id = $2 AND r.month = $3) AS mine \
         FROM service_units u JOIN unit_compounds c ON c.unit_id = u.id WHERE c.compound_id = $1 ORDER BY u.id",
    )
    .bind(compound)
    .bind(viewer)
    .bind(month.to_owned())
    .try_map(|row: AnyRow| {
        let kind: String = row.try_get("kind")?;
        Ok(Unit {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            kind: UnitKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode("unknown unit kind".into()))?,
            my_score: row.try_get("mine")?,
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// A unit's name, community and liaison.
pub async fn unit(db: &Db, id: i64) -> Result<Option<(String, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT name, community_id, liaison_id FROM service_units WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Whether `person` is a verified resident of a compound the unit serves.
pub async fn may_rate(db: &Db, person: i64, unit: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT v.person_id FROM ({}) v JOIN unit_compounds c ON c.compound_id = v.compound_id \
         WHERE v.person_id = $1 AND c.unit_id = $2",
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
/// (and any answer to it, which was about the old rating).
pub async fn rate(
    db: &Db,
    unit: i64,
    person: i64,
    month: &str,
    r: &NewUnitRating,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO unit_ratings (unit_id, person_id, month, score, attitude, speed, result, comment, rated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (unit_id, person_id, month) DO UPDATE SET \
           score = excluded.score, attitude = excluded.attitude, speed = excluded.speed, result = excluded.result, \
           comment = excluded.comment, rated_at = excluded.rated_at, answer = NULL, answered_by = NULL, \
           answered_at = NULL, fixed = 0, re_score = NULL, re_rated_at = NULL",
    )
    .bind(unit)
    .bind(person)
    .bind(month.to_owned())
    .bind(r.satisfaction.score())
    .bind(r.attitude)
    .bind(r.speed)
    .bind(r.result)
    .bind(r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned))
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A rating's unit and rater.
pub async fn rating_parties(db: &Db, id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT unit_id, person_id FROM unit_ratings WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// The liaison's (or staff's) answer to a rating; 409 if already answered.
pub async fn answer(db: &Db, id: i64, by: i64, note: &str, fixed: bool) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE unit_ratings SET answer = $1, answered_by = $2, answered_at = $3, fixed = $4 \
         WHERE id = $5 AND answered_at IS NULL",
    )
    .bind(note.trim().to_owned())
    .bind(by)
    .bind(now_ms())
    .bind(i64::from(fixed))
    .bind(id)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::IllegalMove))
    }
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
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::IllegalMove))
    }
}

/// The unit's report for `month`: its arithmetic over the last twelve
/// months, and this month's comments (anonymous), worst first.
pub async fn report(db: &Db, unit: i64, name: &str, month: &str) -> Result<Report, AppError> {
    let months = api_types::units::twelve_months(month);
    let first = months.first().cloned().ok_or_else(|| {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    })?;
    let rows = sqlx::query(
        "SELECT id, month, score, attitude, speed, result, comment, answer, answered_at, fixed, re_score \
         FROM unit_ratings WHERE unit_id = $1 AND month >= $2 AND month <= $3 ORDER BY score, id",
    )
    .bind(unit)
    .bind(first)
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
        scored.push(Scored {
            month: m.clone(),
            score,
            aspects: [
                row.try_get("attitude")?,
                row.try_get("speed")?,
                row.try_get("result")?,
            ],
            answered: row.try_get::<Option<i64>, _>("answered_at")?.is_some(),
            fixed,
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
