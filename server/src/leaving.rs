//! Leaving hands duties back. Someone who stops holding a role (revoked,
//! or their account deleted) or stops living in a compound (moved out, or
//! deleted) leaves what they were doing for others to those who can take
//! it up, in the transaction of the act that ends it. What they did stays:
//! timeline steps, service minutes, ballots and comments keep their author
//! (anonymised when the account is deleted, [`crate::people`]).

use crate::circulation::{self, Held};
use crate::error::AppError;
use api_types::affairs::{AffairState, Status};
use sqlx::AnyConnection;

/// Why duties were handed back, as the timeline step's note says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The person deleted their account.
    AccountDeleted,
    /// A role of theirs was revoked.
    RoleRevoked,
    /// They moved out of the compound (their binding ended).
    MovedOut,
}

impl Why {
    /// The note of the `release` step on an affair they held.
    fn affair_note(self) -> &'static str {
        match self {
            Why::AccountDeleted => "经办人已注销账号，事项退回待受理",
            Why::RoleRevoked | Why::MovedOut => "经办人已不再担任此职务，事项退回待受理",
        }
    }

    /// The note of the `help_declined` step on an affair they were asked
    /// to help with.
    fn help_note(self) -> &'static str {
        match self {
            Why::AccountDeleted => "帮忙的能人已注销账号，请另找人帮忙",
            Why::RoleRevoked | Why::MovedOut => "帮忙的能人已搬离小区，请另找人帮忙",
        }
    }
}

/// Every open or in-progress affair assigned to `person` at a level where
/// they no longer hold a role (read in `tx`, after the revocation) goes
/// back to that level's queue: unassigned and open again, with a fresh
/// deadline to accept it and the deadline to resolve it unchanged (the
/// resident's wait does not restart because a handler left). Each gets a
/// `release` step by `person` with the reason, and a notice for the
/// level's handlers and the filer. Returns how many went back.
pub async fn release_affairs(
    tx: &mut AnyConnection,
    person: i64,
    why: Why,
    now: i64,
) -> Result<usize, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT a.id FROM affairs a JOIN compounds c ON c.id = a.compound_id \
         WHERE a.assignee_id = $1 AND a.status IN ('open', 'in_progress') \
         AND NOT EXISTS (SELECT 1 FROM role_grants r WHERE r.person_id = $1 AND r.revoked_at IS NULL AND ( \
           (a.level = 'station' AND r.role = 'station_member' AND r.compound_id = a.compound_id) \
           OR (a.level = 'grid' AND r.role = 'grid_worker' AND r.grid_id = a.grid_id) \
           OR (a.level = 'community' AND r.role IN ('community_staff', 'department_liaison') \
             AND r.community_id = c.community_id))) \
         ORDER BY a.id",
    )
    .bind(person)
    .fetch_all(&mut *tx)
    .await?;
    for id in &ids {
        let Some(affair) = circulation::held_in(tx, *id).await? else {
            continue;
        };
        release(tx, &affair, person, why, now).await?;
    }
    Ok(ids.len())
}

async fn release(
    tx: &mut AnyConnection,
    affair: &Held,
    person: i64,
    why: Why,
    now: i64,
) -> Result<(), AppError> {
    let level = affair.state.level;
    let limit = circulation::limit_in(tx, affair.street, level).await?;
    let respond_due = now + limit.respond_hours * 3600 * 1000;
    sqlx::query(
        "UPDATE affairs SET status = 'open', assignee_id = NULL, respond_due_at = $2 WHERE id = $1",
    )
    .bind(affair.id)
    .bind(respond_due)
    .execute(&mut *tx)
    .await?;
    let to = AffairState {
        status: Status::Open,
        level,
    };
    let event = circulation::insert_event(
        tx,
        affair,
        "release",
        person,
        to,
        Some(why.affair_note()),
        now,
    )
    .await?;
    let mut people = circulation::handlers_in(tx, level, affair, affair.grid).await?;
    people.push(affair.filer);
    circulation::notify(tx, &people, person, affair.id, event).await?;
    Ok(())
}

/// `person` leaves the capable-person pool and its duties, at one compound
/// or (`None`) everywhere:
/// - their membership ends (`ended_at`): they are no longer offered as a
///   capable person, counted in the pool, or asked to help;
/// - their claims on slots that have not started are cancelled, each
///   freed place going to the first on the waiting list, who is told
///   ([`crate::pool::free_place`]);
/// - help they were asked for and have not done is declined, with a step
///   on the affair's timeline telling who asked and the filer;
/// - they leave their studios from now (their time in them is kept), and
///   a studio they led has its lead post vacant, its members told
///   (`studio_lead_wanted`) so one of them takes it.
pub async fn leave_pool(
    tx: &mut AnyConnection,
    person: i64,
    compound: Option<i64>,
    why: Why,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE pool_members SET ended_at = $3 WHERE person_id = $1 AND ($2 IS NULL OR compound_id = $2) \
         AND status IN ('pending', 'approved') AND ended_at IS NULL",
    )
    .bind(person)
    .bind(compound)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let claims: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT c.id, c.slot_id, c.status FROM claims c JOIN slots s ON s.id = c.slot_id \
         JOIN posts p ON p.id = s.post_id WHERE c.person_id = $1 AND ($2 IS NULL OR p.compound_id = $2) \
         AND c.status IN ('confirmed', 'waiting') AND s.starts_at > $3 ORDER BY c.slot_id",
    )
    .bind(person)
    .bind(compound)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for (claim, slot, status) in claims {
        sqlx::query("UPDATE slots SET confirmed = confirmed WHERE id = $1")
            .bind(slot)
            .execute(&mut *tx)
            .await?;
        crate::pool::free_place(tx, slot, claim, &status, now).await?;
    }
    let helps: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT h.id, h.affair_id, h.requested_by FROM help_requests h JOIN affairs a ON a.id = h.affair_id \
         WHERE h.person_id = $1 AND ($2 IS NULL OR a.compound_id = $2) \
         AND h.status IN ('pending', 'accepted') ORDER BY h.id",
    )
    .bind(person)
    .bind(compound)
    .fetch_all(&mut *tx)
    .await?;
    for (help, affair, asker) in helps {
        sqlx::query("UPDATE help_requests SET status = 'declined' WHERE id = $1")
            .bind(help)
            .execute(&mut *tx)
            .await?;
        let Some(affair) = circulation::held_in(tx, affair).await? else {
            continue;
        };
        let event = circulation::insert_event(
            tx,
            &affair,
            "help_declined",
            person,
            affair.state,
            Some(why.help_note()),
            now,
        )
        .await?;
        circulation::notify(tx, &[asker, affair.filer], person, affair.id, event).await?;
    }
    let led: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM studios WHERE lead_id = $1 AND lead_vacant_since IS NULL \
         AND ($2 IS NULL OR compound_id = $2) ORDER BY id",
    )
    .bind(person)
    .bind(compound)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE studio_members SET left_at = $3 WHERE person_id = $1 AND left_at IS NULL \
         AND ($2 IS NULL OR studio_id IN (SELECT id FROM studios WHERE compound_id = $2))",
    )
    .bind(person)
    .bind(compound)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for studio in led {
        sqlx::query("UPDATE studios SET lead_vacant_since = $2 WHERE id = $1")
            .bind(studio)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let members: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM studio_members WHERE studio_id = $1 AND left_at IS NULL",
        )
        .bind(studio)
        .fetch_all(&mut *tx)
        .await?;
        crate::notices::notify_studio(tx, &members, studio, "studio_lead_wanted", now).await?;
    }
    Ok(())
}
