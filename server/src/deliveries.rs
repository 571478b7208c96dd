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
//! - **At most [`DAILY_LIMIT`] single messages per person per China day**
//!   (the day they are due, which is the day the person gets them); the
//!   rest are folded into a digest ([`Template::NoticeDigest`]) sent
//!   [`DIGEST_DELAY_MS`] after the first notice it folds, so a busy day
//!   costs a person three messages and at most one digest an hour.
//! - **Retries**: throttling and provider failures are tried again after
//!   `LINLI_SMS_RETRY_SECS`, four times as long each time, at most
//!   [`MAX_ATTEMPTS`] tries; a number the provider rejects is not retried.

use crate::db::{Db, Engine, serialize_on};
use crate::metrics::CHINA_OFFSET_MS;
use crate::sms::{Sms, SmsConfig, SmsFailure, SmsSender, Template};
use api_types::sms::SmsNotice;
use sqlx::AnyConnection;
use std::time::Duration;

/// Single messages a person gets per China day before the rest fold into
/// a digest.
pub const DAILY_LIMIT: i64 = 3;
/// How long after the first folded notice its digest goes.
pub const DIGEST_DELAY_MS: i64 = 3600 * 1000;
/// How long a server holds a claimed message before another may take it:
/// well beyond a batch's worst case ([`BATCH`] calls of the adapters'
/// 10-second limit each).
pub const CLAIM_MS: i64 = 120 * 1000;
/// Tries before a message is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// How often the background task looks for due messages.
pub const POLL: Duration = Duration::from_secs(2);
/// Messages claimed at a time.
pub const BATCH: i64 = 5;
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
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE id = $1")
        .bind(notice.person)
        .fetch_optional(&mut *conn)
        .await?
        .flatten();
    if phone.is_none() {
        return Ok(());
    }
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
    // The newest digest not yet claimed takes one more; one being sent is
    // left alone, and a new one is started an hour on.
    let folded = sqlx::query(
        "UPDATE sms_deliveries SET folded = folded + 1 WHERE id = (SELECT MAX(id) \
           FROM sms_deliveries WHERE person_id = $1 AND folded > 0 AND sent_at IS NULL \
             AND gave_up_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2))",
    )
    .bind(notice.person)
    .bind(crate::db::now_ms())
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
            deliver(db, sender, config, claimed, now, &mut pass).await?;
        }
    }
}

/// A claimed message with what sending it needs.
#[derive(Debug)]
struct Claimed {
    id: i64,
    /// The claim's end: the row is this server's while it still says so.
    lease: i64,
    phone: Option<String>,
    template: String,
    params: String,
    folded: i64,
    attempts: i64,
    urgent: bool,
}

/// Claims up to [`BATCH`] messages due at `now`. The claim itself runs on
/// the real clock, whatever moment `now` is: it is about this server's
/// work, not the messages' schedule.
async fn claim(db: &Db, now: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let clock = crate::db::now_ms();
    let lease = clock + CLAIM_MS;
    let lock = match db.engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE sms_deliveries SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM sms_deliveries \
             WHERE sent_at IS NULL AND gave_up_at IS NULL AND due_at <= $2 \
               AND (claimed_until IS NULL OR claimed_until < $3) \
             ORDER BY urgent DESC, due_at, id LIMIT $4{lock}) \
           AND sent_at IS NULL AND gave_up_at IS NULL \
         RETURNING id, person_id, template, params, folded, attempts, urgent"
    );
    let rows: Vec<(i64, i64, String, String, i64, i64, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(lease)
            .bind(now)
            .bind(clock)
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
            lease,
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
    mut claimed: Claimed,
    now: i64,
    pass: &mut Pass,
) -> Result<(), sqlx::Error> {
    let Some(template) = Template::parse(&claimed.template) else {
        return give_up(db, &claimed, now, "unknown template", pass).await;
    };
    let Some(phone) = claimed.phone.clone() else {
        return give_up(db, &claimed, now, "the person has no number now", pass).await;
    };
    // The claim is renewed right before the call: a batch that stalled may
    // have lost it to another server, which then sends this message itself.
    let renewed = crate::db::now_ms() + CLAIM_MS;
    let kept = sqlx::query(
        "UPDATE sms_deliveries SET claimed_until = $1 WHERE id = $2 AND claimed_until = $3",
    )
    .bind(renewed)
    .bind(claimed.id)
    .bind(claimed.lease)
    .execute(&db.pool)
    .await?;
    if kept.rows_affected() == 0 {
        return Ok(());
    }
    claimed.lease = renewed;
    let params: Vec<String> = if template == Template::NoticeDigest {
        vec![claimed.folded.to_string()]
    } else {
        serde_json::from_str(&claimed.params).unwrap_or_default()
    };
    let sms = Sms {
        phone: &phone,
        template,
        params: &params,
        reference: Some(claimed.id),
    };
    let sent = sender.send(&sms).await;
    crate::telemetry::sms_outcome(template.name(), sent.as_ref().err().map(|e| e.failure));
    match sent {
        Ok(()) => {
            let marked = sqlx::query(
                "UPDATE sms_deliveries SET sent_at = $1, claimed_until = NULL, last_error = NULL \
                 WHERE id = $2 AND claimed_until = $3",
            )
            .bind(now)
            .bind(claimed.id)
            .bind(claimed.lease)
            .execute(&db.pool)
            .await?;
            if marked.rows_affected() == 0 {
                tracing::warn!(
                    delivery = claimed.id,
                    "a text message was sent after its claim ran out"
                );
            }
            pass.sent += 1;
            Ok(())
        }
        Err(err) if err.failure == SmsFailure::Rejected || claimed.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(delivery = claimed.id, error = %err, "gave up a text message");
            give_up(db, &claimed, now, &err.detail, pass).await
        }
        Err(err) => {
            tracing::warn!(delivery = claimed.id, error = %err, "a text message will be tried again");
            let wait = retry_wait(config.retry_base, claimed.attempts);
            let due = due_time(now + wait, claimed.urgent, config.quiet_hours);
            sqlx::query(
                "UPDATE sms_deliveries SET due_at = $1, claimed_until = NULL, last_error = $2 \
                 WHERE id = $3 AND claimed_until = $4",
            )
            .bind(due)
            .bind(err.detail)
            .bind(claimed.id)
            .bind(claimed.lease)
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
    claimed: &Claimed,
    now: i64,
    why: &str,
    pass: &mut Pass,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sms_deliveries SET gave_up_at = $1, claimed_until = NULL, last_error = $2 \
         WHERE id = $3 AND claimed_until = $4",
    )
    .bind(now)
    .bind(why.to_owned())
    .bind(claimed.id)
    .bind(claimed.lease)
    .execute(&db.pool)
    .await?;
    pass.given_up += 1;
    Ok(())
}

/// Titles in messages are cut to this many characters: a title is a
/// reminder of which affair, and every 70 characters are billed as one
/// more SMS.
pub const TITLE_CHARS: usize = 16;

/// A notice row waiting to be considered for SMS: its id, person, kind,
/// step's act, affair, post and consultation, their titles, the affair's
/// filer and urgency.
type Unrelayed = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// What a notice means for SMS: its kind, its parameters, whether urgent.
/// `None` for notices that are not texted (comments, help, unit ratings).
///
/// - To the filer: `resolve` is [`SmsNotice::AffairResolved`] (it now waits
///   for their rating); `accept`, `pass_to_grid`, `escalate`, `hand_back`
///   are [`SmsNotice::AffairMoved`].
/// - To anyone else: `file`, `pass_to_grid`, `escalate`, `hand_back`,
///   `reopen`, `assign` and `release` (its handler left) put the affair in
///   their queue:
///   [`SmsNotice::QueueNew`], urgent when the affair is.
/// - A post's `slot_reminder` is [`SmsNotice::SlotReminder`], an affair's
///   `overdue` [`SmsNotice::AffairOverdue`] (urgent when the affair is), a
///   consultation's `voting_open` [`SmsNotice::VotingOpen`].
pub fn texted(
    person: i64,
    kind: Option<&str>,
    act: Option<&str>,
    filer: Option<i64>,
    urgent: bool,
) -> Option<(SmsNotice, bool)> {
    match kind {
        Some("slot_reminder") => return Some((SmsNotice::SlotReminder, false)),
        Some("overdue") => return Some((SmsNotice::AffairOverdue, urgent)),
        Some("voting_open") => return Some((SmsNotice::VotingOpen, false)),
        _ => {}
    }
    let act = act?;
    if filer == Some(person) {
        return match act {
            "resolve" => Some((SmsNotice::AffairResolved, false)),
            "accept" | "pass_to_grid" | "escalate" | "hand_back" => {
                Some((SmsNotice::AffairMoved, false))
            }
            _ => None,
        };
    }
    matches!(
        act,
        "file" | "pass_to_grid" | "escalate" | "hand_back" | "reopen" | "assign" | "release"
    )
    .then_some((SmsNotice::QueueNew, urgent))
}

/// Whether `person` gets `kind` by SMS: their choice, else the default.
pub async fn chosen(
    conn: &mut AnyConnection,
    person: i64,
    kind: SmsNotice,
) -> Result<bool, sqlx::Error> {
    let enabled: Option<i64> = sqlx::query_scalar(
        "SELECT enabled FROM sms_notice_choices WHERE person_id = $1 AND kind = $2",
    )
    .bind(person)
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(enabled.map_or(kind.on_by_default(), |e| e != 0))
}

/// Considers every in-app notice not yet considered, once: those the
/// person chose to get by SMS are queued. Each notice is claimed and
/// queued in one transaction, so two servers never text it twice and a
/// crash texts it once later. Returns how many notices this call
/// considered (claimed), texted or not.
pub async fn relay_notices(
    db: &Db,
    sender: &dyn SmsSender,
    config: &SmsConfig,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let mut considered = 0;
    loop {
        let rows: Vec<Unrelayed> = sqlx::query_as(
            "SELECT n.id, n.person_id, n.kind, e.act, n.affair_id, n.post_id, n.consultation_id, \
               a.title, p.title, k.title, a.filer_id, a.urgent FROM notices n \
             LEFT JOIN affair_events e ON e.id = n.event_id LEFT JOIN affairs a ON a.id = n.affair_id \
             LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN consultations k ON k.id = n.consultation_id \
             WHERE n.sms_relayed = 0 ORDER BY n.id LIMIT 50",
        )
        .fetch_all(&db.pool)
        .await?;
        if rows.is_empty() {
            return Ok(considered);
        }
        for row in rows {
            let (id, person, kind, act, affair, post, consultation) =
                (row.0, row.1, row.2, row.3, row.4, row.5, row.6);
            let (affair_title, post_title, topic_title, filer, urgent) =
                (row.7, row.8, row.9, row.10, row.11);
            let mut tx = db.begin_write().await?;
            let claimed =
                sqlx::query("UPDATE notices SET sms_relayed = 1 WHERE id = $1 AND sms_relayed = 0")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            considered += usize::from(claimed.rows_affected() == 1);
            if claimed.rows_affected() == 1
                && let Some((notice, urgent)) = texted(
                    person,
                    kind.as_deref(),
                    act.as_deref(),
                    filer,
                    urgent.unwrap_or(0) != 0,
                )
                && chosen(&mut tx, person, notice).await?
            {
                let (title, record) = match (affair, post, consultation) {
                    (Some(affair), _, _) => (affair_title, affair),
                    (_, Some(post), _) => (post_title, post),
                    (_, _, consultation) => (topic_title, consultation.unwrap_or_default()),
                };
                let outgoing = Outgoing {
                    person,
                    template: Template::for_notice(notice),
                    params: vec![short(&title.unwrap_or_default()), record.to_string()],
                    urgent,
                };
                enqueue(&mut tx, db.engine, sender, config, &outgoing, now).await?;
            }
            tx.commit().await?;
        }
    }
}

/// `title` cut to [`TITLE_CHARS`] characters, with an ellipsis if cut.
fn short(title: &str) -> String {
    let mut chars = title.trim().chars();
    let cut: String = chars.by_ref().take(TITLE_CHARS).collect();
    if chars.next().is_some() {
        cut + "…"
    } else {
        cut
    }
}

/// Tells handlers of affairs gone overdue, texts new notices and sends due
/// messages every [`POLL`] for as long as the server runs.
pub async fn run(db: Db, sender: std::sync::Arc<dyn SmsSender>, config: SmsConfig) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = crate::db::now_ms();
        let d = db.clone();
        crate::survive("overdue notices", async move {
            if let Err(err) = crate::circulation::notify_overdue(&d, now).await {
                tracing::warn!(error = ?err, "could not tell handlers of overdue affairs");
            }
        })
        .await;
        let (d, s, c) = (db.clone(), sender.clone(), config.clone());
        crate::survive("queueing notices for SMS", async move {
            if let Err(err) = relay_notices(&d, &*s, &c, now).await {
                tracing::warn!(error = %err, "could not queue notices for SMS");
            }
        })
        .await;
        let (d, s, c) = (db.clone(), sender.clone(), config.clone());
        crate::survive("SMS deliveries", async move {
            if let Err(err) = deliver_due(&d, &*s, &c, now).await {
                tracing::warn!(error = %err, "could not send queued text messages");
            }
        })
        .await;
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
    fn titles_are_cut_to_fit_one_message() {
        assert_eq!(short(" 楼道灯坏了 "), "楼道灯坏了");
        assert_eq!(
            short(&"灯".repeat(20)),
            format!("{}…", "灯".repeat(TITLE_CHARS))
        );
    }

    #[test]
    fn which_notices_are_texted() {
        let (filer, handler) = (1, 2);
        let to_filer = |act| texted(filer, None, Some(act), Some(filer), false).map(|t| t.0);
        assert_eq!(to_filer("resolve"), Some(SmsNotice::AffairResolved));
        assert_eq!(to_filer("pass_to_grid"), Some(SmsNotice::AffairMoved));
        assert_eq!(to_filer("comment"), None);
        assert_eq!(
            texted(handler, None, Some("escalate"), Some(filer), true),
            Some((SmsNotice::QueueNew, true))
        );
        assert_eq!(
            texted(handler, None, Some("confirm"), Some(filer), false),
            None
        );
        assert_eq!(
            texted(filer, Some("slot_reminder"), None, None, false),
            Some((SmsNotice::SlotReminder, false))
        );
        assert_eq!(texted(filer, Some("post_changed"), None, None, false), None);
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
