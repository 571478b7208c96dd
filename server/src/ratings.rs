//! The filer's rating of a resolved affair. The bottom two levels open a
//! follow-up: a handler calls back within the street's days and records
//! what was done, then the filer rates again (and that verdict counts).

use crate::circulation::{self, Held, insert_event, notify};
use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use api_types::ErrorCode;
use api_types::affairs::{AffairState, FollowUp, NewRating, Rating, Satisfaction, Status};
use sqlx::Row;
use sqlx::any::AnyRow;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The rating of an affair, if it has one.
pub async fn load(db: &Db, affair: i64) -> Result<Option<Rating>, AppError> {
    let row = sqlx::query(
        "SELECT r.score, r.comment, r.rated_at, r.follow_up_due_at, p.name AS follow_up_name, \
           r.follow_up_note, r.follow_up_at, r.re_score, r.re_comment \
         FROM affair_ratings r LEFT JOIN people p ON p.id = r.follow_up_by WHERE r.affair_id = $1",
    )
    .bind(affair)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| rating_from_row(&row)).transpose()
}

fn rating_from_row(row: &AnyRow) -> Result<Rating, AppError> {
    let bad = || AppError::internal("a stored score is out of range");
    let score: i64 = row.try_get("score")?;
    let re_score: Option<i64> = row.try_get("re_score")?;
    let due: Option<i64> = row.try_get("follow_up_due_at")?;
    let follow_up_at: Option<i64> = row.try_get("follow_up_at")?;
    Ok(Rating {
        satisfaction: Satisfaction::from_score(score).ok_or_else(bad)?,
        comment: row.try_get("comment")?,
        rated_at: rfc3339(row.try_get("rated_at")?),
        follow_up_due_at: due.map(rfc3339),
        follow_up_overdue: due.is_some_and(|d| follow_up_at.unwrap_or_else(now_ms) > d),
        follow_up_by: row.try_get("follow_up_name")?,
        follow_up_note: row.try_get("follow_up_note")?,
        follow_up_at: follow_up_at.map(rfc3339),
        re_satisfaction: re_score
            .map(|s| Satisfaction::from_score(s).ok_or_else(bad))
            .transpose()?,
        re_comment: row.try_get("re_comment")?,
    })
}

fn trimmed(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Who hears about a rating: whoever worked on the affair, or else every
/// handler of the level that resolved it.
async fn handlers_to_tell(db: &Db, affair: &Held) -> Result<Vec<i64>, sqlx::Error> {
    match affair.assignee {
        Some(person) => Ok(vec![person]),
        None => circulation::handlers_at(db, affair.state.level, affair, affair.grid).await,
    }
}

/// The filer rates a resolved (or closed) affair once; rating a resolved
/// one also confirms it. A poor rating opens a follow-up due in the
/// street's number of days. `call_back`: `person`, of the compound's
/// station or community staff, records the verdict of a filer whose affair
/// staff recorded for them (代办) from a call-back (回访); the rating step
/// is theirs, its note starts with this label.
pub async fn rate(
    db: &Db,
    affair: &Held,
    person: i64,
    rating: &NewRating,
    call_back: Option<&str>,
) -> Result<(), AppError> {
    let by_call_back = call_back.is_some();
    let allowed = if by_call_back {
        // Only for an affair staff recorded for its filer (who may not use
        // the app), and only by its station or community staff: a handler
        // may not take the rating from a filer who rates for themselves.
        let recorded: Option<i64> =
            sqlx::query_scalar("SELECT recorded_by FROM affairs WHERE id = $1")
                .bind(affair.id)
                .fetch_one(&db.pool)
                .await?;
        recorded.is_some()
            && crate::permissions::keeps_register(db, person, affair.compound).await?
            && crate::permissions::handles_compound(db, person, affair.compound).await?
    } else {
        person == affair.filer
    };
    if !allowed {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    if !matches!(affair.state.status, Status::Resolved | Status::Closed) {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let now = now_ms();
    let days: i64 = sqlx::query_scalar("SELECT follow_up_days FROM streets WHERE id = $1")
        .bind(affair.street)
        .fetch_one(&db.pool)
        .await?;
    let due = (!rating.satisfaction.satisfied()).then_some(now + days * DAY_MS);
    let tell = handlers_to_tell(db, affair).await?;
    let closed = AffairState {
        status: Status::Closed,
        level: affair.state.level,
    };
    let mut tx = db.begin_write().await?;
    let comment = trimmed(rating.comment.as_deref());
    // The primary key makes a second rating a 409.
    sqlx::query(
        "INSERT INTO affair_ratings (affair_id, rater_id, score, comment, rated_at, follow_up_due_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(affair.id)
    .bind(affair.filer)
    .bind(rating.satisfaction.score())
    .bind(comment.clone())
    .bind(now)
    .bind(due)
    .bind(by_call_back.then_some(person))
    .execute(&mut *tx)
    .await?;
    if affair.state.status == Status::Resolved {
        let confirmed = sqlx::query(
            "UPDATE affairs SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'resolved'",
        )
        .bind(now)
        .bind(affair.id)
        .execute(&mut *tx)
        .await?;
        if confirmed.rows_affected() != 1 {
            return Err(AppError::new(ErrorCode::Conflict));
        }
        insert_event(&mut tx, affair, "confirm", person, closed, None, now).await?;
    }
    let event = insert_event(
        &mut tx,
        &Held {
            state: closed,
            ..affair.clone()
        },
        "rate",
        person,
        closed,
        match (call_back, comment.as_deref()) {
            (Some(label), Some(comment)) => Some(format!("{label}：{comment}")),
            (Some(label), None) => Some(label.to_owned()),
            (None, comment) => comment.map(str::to_owned),
        }
        .as_deref(),
        now,
    )
    .await?;
    notify(&mut tx, &tell, person, affair.id, event).await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/affairs/{}", affair.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A handler of the affair records the call-back after a poor rating.
pub async fn follow_up(
    db: &Db,
    affair: &Held,
    person: i64,
    follow_up: &FollowUp,
) -> Result<(), AppError> {
    if circulation::levels_of(db, person, affair).await?.is_empty() {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let recorded = sqlx::query(
        "UPDATE affair_ratings SET follow_up_by = $1, follow_up_note = $2, follow_up_at = $3 \
         WHERE affair_id = $4 AND follow_up_due_at IS NOT NULL AND follow_up_at IS NULL",
    )
    .bind(person)
    .bind(follow_up.note.trim().to_owned())
    .bind(now)
    .bind(affair.id)
    .execute(&mut *tx)
    .await?;
    if recorded.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let event = insert_event(
        &mut tx,
        affair,
        "follow_up",
        person,
        affair.state,
        Some(follow_up.note.trim()),
        now,
    )
    .await?;
    notify(&mut tx, &[affair.filer], person, affair.id, event).await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/affairs/{}", affair.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The filer rates again once the follow-up is recorded.
pub async fn re_rate(
    db: &Db,
    affair: &Held,
    person: i64,
    rating: &NewRating,
) -> Result<(), AppError> {
    if person != affair.filer {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let now = now_ms();
    let comment = trimmed(rating.comment.as_deref());
    let caller: Option<i64> = sqlx::query_scalar(
        "SELECT follow_up_by FROM affair_ratings WHERE affair_id = $1 AND follow_up_at IS NOT NULL AND re_score IS NULL",
    )
    .bind(affair.id)
    .fetch_optional(&db.pool)
    .await?
    .flatten();
    let Some(caller) = caller else {
        return Err(AppError::new(ErrorCode::IllegalMove));
    };
    let mut tx = db.begin_write().await?;
    let recorded = sqlx::query(
        "UPDATE affair_ratings SET re_score = $1, re_comment = $2, re_rated_at = $3 \
         WHERE affair_id = $4 AND re_score IS NULL",
    )
    .bind(rating.satisfaction.score())
    .bind(comment.clone())
    .bind(now)
    .bind(affair.id)
    .execute(&mut *tx)
    .await?;
    if recorded.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let event = insert_event(
        &mut tx,
        affair,
        "re_rate",
        person,
        affair.state,
        comment.as_deref(),
        now,
    )
    .await?;
    notify(&mut tx, &[caller], person, affair.id, event).await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/affairs/{}", affair.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
