//! The queue of notices that go to phones by SMS (`sms_deliveries`).
//!
//! An act that causes a notice calls [`enqueue`] in its own transaction,
//! so the message is queued exactly when the act is kept. A background
//! task ([`run`]) hands due messages to the provider: it claims a batch
//! for [`CLAIM_MS`] in one statement (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, SQLite's single writer otherwise), so two servers on one
//! database never take the same message, and a server killed while it held
//! a claim leaves the message to be taken again when the claim runs out.
//! A provider that took a message just before the server died may
//! therefore get it once more; Linli's reference goes with every message
//! (Aliyun `OutId`, Tencent `SessionContext`) so its delivery reports show
//! such a repeat.
//!
//! The rules, from the operations issue (#15):
//! - **Quiet hours** (by default 21:00–08:00 China time): a message that
//!   is not urgent waits until they end ([`due_time`]).
//! - **At most [`DAILY_LIMIT`] single messages per person per China day**;
//!   the rest of that day's notices are folded into one digest
//!   ([`Template::NoticeDigest`]), sent [`DIGEST_DELAY_MS`] after the
//!   first folded notice, so a busy day costs a person four messages at most.
//! - **Retries**: throttling and provider failures are tried again after
//!   `LINLI_SMS_RETRY_SECS`, four times as long each time, at most
//!   [`MAX_ATTEMPTS`] tries; a number the provider rejects is not retried.

use crate::db::{Db, Engine, serialize_on};
use crate::metrics::CHINA_OFFSET_MS;
use crate::sms::{Sms, SmsConfig, SmsFailure, SmsSender, Template};
use sqlx::AnyConnection;
use std::time::Duration;

/// Single messages a person gets per China day before the rest fold into
/// a digest.
pub const DAILY_LIMIT: i64 = 3;
/// How long after the first folded notice its digest goes.
pub const DIGEST_DELAY_MS: i64 = 3600 * 1000;
/// How long a server holds a claimed message before another may take it:
/// well beyond the adapters' 10-second call limit.
pub const CLAIM_MS: i64 = 60 * 1000;
/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// How often the background task looks for due messages.
pub const POLL: Duration = Duration::from_secs(2);
/// Messages claimed at a time.
const BATCH: i64 = 20;
/// The app's inbox, where a digest leads.
const INBOX: &str = "/notices";
const HOUR_MS: i64 = 3600 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A notice to send to a person's phone.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Who gets it: their phone is looked up when it is sent, so a number
    /// changed meanwhile is used and a deleted account gets nothing.
    pub person: i64,
    /// Which template.
    pub template: Template,
    /// Values of the template's parameters, in its order.
    pub params: Vec<String>,
    /// Urgent messages ignore quiet hours and the daily limit.
    pub urgent: bool,
}

/// The first moment at or after `now` (Unix ms) that a message may be sent:
/// `now` itself unless it falls in `quiet` hours (China time, `(from, to)`,
/// wrapping midnight when `from > to`) and the message is not urgent, else
/// the hour the quiet ends.
pub fn due_time(now: i64, urgent: bool, quiet: Option<(u8, u8)>) -> i64 {
    let Some((from, to)) = quiet else { return now };
    if urgent {
        return now;
    }
    let local = now + CHINA_OFFSET_MS;
    let hour = local.rem_euclid(DAY_MS) / HOUR_MS;
    let (from, to) = (i64::from(from), i64::from(to));
    let quiet_now = if from > to {
        hour >= from || hour < to
    } else {
        hour >= from && hour < to
    };
    if !quiet_now {
        return now;
    }
    let day_start = local - local.rem_euclid(DAY_MS) - CHINA_OFFSET_MS;
    let end = day_start + to * HOUR_MS;
    if end > now { end } else { end + DAY_MS }
}

/// The China day around `at`: its first and its last-plus-one millisecond.
fn china_day(at: i64) -> (i64, i64) {
    let local = at + CHINA_OFFSET_MS;
    let start = local - local.rem_euclid(DAY_MS) - CHINA_OFFSET_MS;
    (start, start + DAY_MS)
}

/// Queues `notice` in the transaction of the act that causes it: a single
/// message while the person's day has room, else folded into their
/// pending digest. Nothing is queued when no template id is configured for
/// it (the notice stays in the app).
pub async fn enqueue(
    conn: &mut AnyConnection,
    engine: Engine,
    sender: &dyn SmsSender,
    config: &SmsConfig,
    notice: &Outgoing,
    now: i64,
) -> Result<(), sqlx::Error> {
    if !sender.has_template(notice.template) {
        return Ok(());
    }
    serialize_on(engine, conn, &format!("sms-person:{}", notice.person)).await?;
    let due = due_time(now, notice.urgent, config.quiet_hours);
    let (day_start, day_end) = china_day(due);
    let today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sms_deliveries WHERE person_id = $1 AND folded = 0 \
           AND urgent = 0 AND due_at >= $2 AND due_at < $3 AND gave_up_at IS NULL",
    )
    .bind(notice.person)
    .bind(day_start)
    .bind(day_end)
    .fetch_one(&mut *conn)
    .await?;
    if notice.urgent || today < DAILY_LIMIT {
        let params = serde_json::to_string(&notice.params).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO sms_deliveries (person_id, template, params, urgent, created_at, due_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(notice.person)
        .bind(notice.template.name())
        .bind(params)
        .bind(i64::from(notice.urgent))
        .bind(now)
        .bind(due)
        .execute(&mut *conn)
        .await?;
        return Ok(());
    }
    if !sender.has_template(Template::NoticeDigest) {
        return Ok(());
    }
    // A digest not yet claimed takes one more; one being sent is left alone.
    let folded = sqlx::query(
        "UPDATE sms_deliveries SET folded = folded + 1 \
         WHERE person_id = $1 AND folded > 0 AND sent_at IS NULL AND gave_up_at IS NULL \
           AND (claimed_until IS NULL OR claimed_until < $2)",
    )
    .bind(notice.person)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if folded.rows_affected() == 0 {
        let due = due_time(due.max(now + DIGEST_DELAY_MS), false, config.quiet_hours);
        sqlx::query(
            "INSERT INTO sms_deliveries (person_id, template, params, folded, created_at, due_at) \
             VALUES ($1, $2, '[]', 1, $3, $4)",
        )
        .bind(notice.person)
        .bind(Template::NoticeDigest.name())
        .bind(now)
        .bind(due)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// What became of the messages one pass handled.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Taken by the provider.
    pub sent: usize,
    /// Put back to be tried again later.
    pub retried: usize,
    /// Given up: rejected, out of tries, or the person has no number now.
    pub given_up: usize,
}

/// Sends every message due at `now` (Unix ms): the background task calls
/// it with the clock, tests with the moments they choose.
pub async fn deliver_due(
    db: &Db,
    sender: &dyn SmsSender,
    config: &SmsConfig,
    now: i64,
) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    loop {
        let batch = claim(db, now).await?;
        if batch.is_empty() {
            return Ok(pass);
        }
        for claimed in batch {
            deliver(db, sender, config, &claimed, now, &mut pass).await?;
        }
    }
}

/// A claimed message with what sending it needs.
#[derive(Debug)]
struct Claimed {
    id: i64,
    phone: Option<String>,
    template: String,
    params: String,
    folded: i64,
    attempts: i64,
    urgent: bool,
}

async fn claim(db: &Db, now: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let lock = match db.engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE sms_deliveries SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM sms_deliveries \
             WHERE sent_at IS NULL AND gave_up_at IS NULL AND due_at <= $2 \
               AND (claimed_until IS NULL OR claimed_until < $2) \
             ORDER BY urgent DESC, due_at, id LIMIT $3{lock}) \
           AND sent_at IS NULL AND gave_up_at IS NULL \
         RETURNING id, person_id, template, params, folded, attempts, urgent"
    );
    let rows: Vec<(i64, i64, String, String, i64, i64, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(now + CLAIM_MS)
            .bind(now)
            .bind(BATCH)
            .fetch_all(&db.pool)
            .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for (id, person, template, params, folded, attempts, urgent) in rows {
        let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE id = $1")
            .bind(person)
            .fetch_optional(&db.pool)
            .await?
            .flatten();
        claimed.push(Claimed {
            id,
            phone,
            template,
            params,
            folded,
            attempts,
            urgent: urgent != 0,
        });
    }
    Ok(claimed)
}

async fn deliver(
    db: &Db,
    sender: &dyn SmsSender,
    config: &SmsConfig,
    claimed: &Claimed,
    now: i64,
    pass: &mut Pass,
) -> Result<(), sqlx::Error> {
    let Some(template) = Template::parse(&claimed.template) else {
        return give_up(db, claimed.id, now, "unknown template", pass).await;
    };
    let Some(phone) = claimed.phone.as_deref() else {
        return give_up(db, claimed.id, now, "the person has no number now", pass).await;
    };
    let params: Vec<String> = if template == Template::NoticeDigest {
        vec![claimed.folded.to_string(), config.link(INBOX)]
    } else {
        serde_json::from_str(&claimed.params).unwrap_or_default()
    };
    let sms = Sms {
        phone,
        template,
        params: &params,
        reference: Some(claimed.id),
    };
    match sender.send(&sms).await {
        Ok(()) => {
            sqlx::query(
                "UPDATE sms_deliveries SET sent_at = $1, claimed_until = NULL, last_error = NULL \
                 WHERE id = $2",
            )
            .bind(now)
            .bind(claimed.id)
            .execute(&db.pool)
            .await?;
            pass.sent += 1;
            Ok(())
        }
        Err(err) if err.failure == SmsFailure::Rejected || claimed.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(delivery = claimed.id, error = %err, "gave up a text message");
            give_up(db, claimed.id, now, &err.detail, pass).await
        }
        Err(err) => {
            tracing::warn!(delivery = claimed.id, error = %err, "a text message will be tried again");
            let wait = retry_wait(config.retry_base, claimed.attempts);
            let due = due_time(now + wait, claimed.urgent, config.quiet_hours);
            sqlx::query(
                "UPDATE sms_deliveries SET due_at = $1, claimed_until = NULL, last_error = $2 \
                 WHERE id = $3",
            )
            .bind(due)
            .bind(err.detail)
            .bind(claimed.id)
            .execute(&db.pool)
            .await?;
            pass.retried += 1;
            Ok(())
        }
    }
}

/// The wait after the `attempts`-th failed try: `base`, then four times as
/// long each time, never more than six hours.
pub fn retry_wait(base: Duration, attempts: i64) -> i64 {
    let base = i64::try_from(base.as_millis()).unwrap_or(i64::MAX);
    let factor = 4_i64.saturating_pow(u32::try_from(attempts.max(1) - 1).unwrap_or(u32::MAX));
    base.saturating_mul(factor).min(6 * HOUR_MS)
}

async fn give_up(
    db: &Db,
    id: i64,
    now: i64,
    why: &str,
    pass: &mut Pass,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sms_deliveries SET gave_up_at = $1, claimed_until = NULL, last_error = $2 \
         WHERE id = $3",
    )
    .bind(now)
    .bind(why.to_owned())
    .bind(id)
    .execute(&db.pool)
    .await?;
    pass.given_up += 1;
    Ok(())
}

/// Sends due messages every [`POLL`] for as long as the server runs.
pub async fn run(db: Db, sender: std::sync::Arc<dyn SmsSender>, config: SmsConfig) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = deliver_due(&db, &*sender, &config, crate::db::now_ms()).await {
            tracing::warn!(error = %err, "could not send queued text messages");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-03 00:00 China time, in Unix ms.
    const MIDNIGHT: i64 = 1_796_227_200_000;

    fn at(hour: i64, minute: i64) -> i64 {
        MIDNIGHT + hour * HOUR_MS + minute * 60_000
    }

    #[test]
    fn quiet_hours_hold_until_eight_in_china() {
        let quiet = Some((21, 8));
        assert_eq!(due_time(at(10, 0), false, quiet), at(10, 0));
        assert_eq!(due_time(at(20, 59), false, quiet), at(20, 59));
        assert_eq!(due_time(at(21, 0), false, quiet), at(32, 0));
        assert_eq!(due_time(at(23, 30), false, quiet), at(32, 0));
        assert_eq!(due_time(at(3, 0), false, quiet), at(8, 0));
        assert_eq!(due_time(at(7, 59), false, quiet), at(8, 0));
        assert_eq!(due_time(at(8, 0), false, quiet), at(8, 0));
        assert_eq!(due_time(at(23, 30), true, quiet), at(23, 30));
        assert_eq!(due_time(at(23, 30), false, None), at(23, 30));
        assert_eq!(due_time(at(1, 0), false, Some((0, 6))), at(6, 0));
        assert_eq!(due_time(at(7, 0), false, Some((0, 6))), at(7, 0));
    }

    #[test]
    fn the_china_day_starts_at_midnight_in_china() {
        assert_eq!(china_day(at(0, 0)), (MIDNIGHT, MIDNIGHT + DAY_MS));
        assert_eq!(china_day(at(23, 59)), (MIDNIGHT, MIDNIGHT + DAY_MS));
        assert_eq!(china_day(at(24, 0)).0, MIDNIGHT + DAY_MS);
    }

    #[test]
    fn retries_wait_four_times_longer_each_time() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_wait(base, 1), 30_000);
        assert_eq!(retry_wait(base, 2), 120_000);
        assert_eq!(retry_wait(base, 3), 480_000);
        assert_eq!(retry_wait(base, 40), 6 * HOUR_MS);
    }
}
