//! The in-app inbox: one notice per step for each person it concerns.

use crate::db::{Db, rfc3339};
use api_types::affairs::{Level, Notice, Status};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;

/// `person`'s notices, newest first, older than `before_id`; a notice of a
/// private affair only while they may see it
/// ([`crate::permissions::sees_affair`]: a handler whose role was revoked
/// no longer reads its title in the inbox).
pub async fn list(
    db: &Db,
    person: i64,
    before_id: i64,
    limit: i64,
) -> Result<Vec<Notice>, sqlx::Error> {
    let sql = format!(
        "SELECT n.id, n.affair_id, n.post_id, r.unit_id, n.consultation_id, n.studio_id, \
           COALESCE(a.title, p.title, k.title, su.name, st.name) AS title, \
           COALESCE(e.act, n.kind) AS act, u.name AS actor_name, a.status, a.level, COALESCE(e.at, n.at) AS at, n.read_at \
         FROM notices n LEFT JOIN affairs a ON a.id = n.affair_id LEFT JOIN affair_events e ON e.id = n.event_id \
         LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN people u ON u.id = COALESCE(e.actor_id, n.actor_id) \
         LEFT JOIN unit_ratings r ON r.id = n.unit_rating_id LEFT JOIN service_units su ON su.id = r.unit_id \
         LEFT JOIN consultations k ON k.id = n.consultation_id LEFT JOIN studios st ON st.id = n.studio_id \
         WHERE n.person_id = $1 AND n.id < $2 AND (n.affair_id IS NULL OR {}) \
         ORDER BY n.id DESC LIMIT $3",
        crate::permissions::sees_affair("a", "$1")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(before_id)
        .bind(limit)
        .try_map(|row: AnyRow| {
            let bad = || sqlx::Error::Decode("unknown stored status or level".into());
            let status: Option<String> = row.try_get("status")?;
            let level: Option<String> = row.try_get("level")?;
            Ok(Notice {
                id: row.try_get("id")?,
                affair_id: row.try_get("affair_id")?,
                post_id: row.try_get("post_id")?,
                unit_id: row.try_get("unit_id")?,
                consultation_id: row.try_get("consultation_id")?,
                studio_id: row.try_get("studio_id")?,
                title: row
                    .try_get::<Option<String>, _>("title")?
                    .unwrap_or_default(),
                act: row.try_get::<Option<String>, _>("act")?.unwrap_or_default(),
                actor_name: row.try_get("actor_name")?,
                status: status
                    .map(|s| Status::parse(&s).ok_or_else(bad))
                    .transpose()?,
                level: level
                    .map(|l| Level::parse(&l).ok_or_else(bad))
                    .transpose()?,
                at: rfc3339(row.try_get::<Option<i64>, _>("at")?.unwrap_or_default()),
                read: row.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .fetch_all(&db.pool)
        .await
}

/// Leaves a notice about a post for each of `people`, in the transaction
/// of the act that causes it.
pub async fn notify_post(
    conn: &mut AnyConnection,
    people: &[i64],
    post: i64,
    kind: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    for person in people {
        sqlx::query("INSERT INTO notices (person_id, post_id, kind, at) VALUES ($1, $2, $3, $4)")
            .bind(person)
            .bind(post)
            .bind(kind.to_owned())
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Leaves a notice about a studio (its lead left) for each of `people`,
/// in the transaction of the act that causes it.
pub async fn notify_studio(
    conn: &mut AnyConnection,
    people: &[i64],
    studio: i64,
    kind: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    for person in people {
        sqlx::query("INSERT INTO notices (person_id, studio_id, kind, at) VALUES ($1, $2, $3, $4)")
            .bind(person)
            .bind(studio)
            .bind(kind.to_owned())
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Leaves a notice about a service-unit rating for each of `people`, in
/// the transaction of the act that causes it.
pub async fn notify_unit_rating(
    conn: &mut AnyConnection,
    people: &[i64],
    rating: i64,
    kind: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    for person in people {
        sqlx::query(
            "INSERT INTO notices (person_id, unit_rating_id, kind, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(person)
        .bind(rating)
        .bind(kind.to_owned())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Leaves a notice about a consultation for each of `people` but `actor`
/// (who is named in it), once each, in the transaction of the act that
/// causes it.
pub async fn notify_consultation(
    conn: &mut AnyConnection,
    people: &[i64],
    actor: i64,
    consultation: i64,
    kind: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    for person in people.into_iter().filter(|p| *p != actor) {
        sqlx::query(
            "INSERT INTO notices (person_id, consultation_id, kind, at, actor_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(person)
        .bind(consultation)
        .bind(kind.to_owned())
        .bind(at)
        .bind(actor)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many of `person`'s notices are unread.
pub async fn unread(db: &Db, person: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE person_id = $1 AND read_at IS NULL")
        .bind(person)
        .fetch_one(&db.pool)
        .await
}

/// Marks `person`'s notices up to `up_to_id` read.
pub async fn mark_read(db: &Db, person: i64, up_to_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notices SET read_at = $1 WHERE person_id = $2 AND id <= $3 AND read_at IS NULL",
    )
    .bind(now)
    .bind(person)
    .bind(up_to_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}
