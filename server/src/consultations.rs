//! Consultations: who is in scope, the lifecycle's moves, support,
//! comments, pledges, the meeting, the ballot and the outcome. The rules
//! themselves are [`api_types::consultations`]'s; this is their storage.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use crate::on_behalf::Acting;
use crate::photos;
use api_types::consultations::{
    ActionItem, Asks, Ballot, Comment, Consultation, ConsultationSummary, Electorate, MeetingView,
    MoveTopic, NewComment, NewPledge, NewTopic, Outcome, Pledge, PledgeKind, Progress, Scope,
    State, Step, StepRecord, Tally, VoteRule, VoteView, VoterUnit, tally,
};
use api_types::{ErrorCode, FieldError, Rule};
use sqlx::Row;
use sqlx::any::AnyRow;

const DAY_MS: i64 = 86_400_000;

/// A consultation's place and state, as the rules need them.
#[derive(Debug, Clone)]
pub struct Held {
    /// Its id.
    pub id: i64,
    /// Its compound.
    pub compound: i64,
    /// The compound's community.
    pub community: i64,
    /// Who it covers.
    pub scope: Scope,
    /// The building of a building scope.
    pub building: Option<i64>,
    /// Where it stands.
    pub state: State,
    /// Who proposed it.
    pub proposer: i64,
    /// Who convenes it.
    pub convenor: Option<i64>,
}

/// The consultation `id`.
pub async fn held(db: &Db, id: i64) -> Result<Option<Held>, AppError> {
    let row = sqlx::query(
        "SELECT t.id, t.compound_id, c.community_id, t.scope, t.building_id, t.state, t.proposer_id, \
           t.convenor_id FROM consultations t JOIN compounds c ON c.id = t.compound_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let bad = || AppError::internal("a stored consultation scope or state is unknown");
    let scope: String = row.try_get("scope")?;
    let state: String = row.try_get("state")?;
    Ok(Some(Held {
        id: row.try_get("id")?,
        compound: row.try_get("compound_id")?,
        community: row.try_get("community_id")?,
        scope: Scope::parse(&scope).ok_or_else(bad)?,
        building: row.try_get("building_id")?,
        state: State::parse(&state).ok_or_else(bad)?,
        proposer: row.try_get("proposer_id")?,
        convenor: row.try_get("convenor_id")?,
    }))
}

/// The verified residents (with their households) of a scope: building,
/// compound or community. Residents who moved out are not in it.
async fn residents_of(
    db: &Db,
    scope: Scope,
    compound: i64,
    community: i64,
    building: Option<i64>,
) -> Result<Electorate, sqlx::Error> {
    let (condition, place) = match scope {
        Scope::Building => ("v.building_id = $1", building.unwrap_or(0)),
        Scope::Compound => ("v.compound_id = $1", compound),
        Scope::Community => ("v.community_id = $1", community),
    };
    let sql = format!(
        "SELECT v.person_id, v.household_id FROM ({}) v WHERE {condition}",
        crate::permissions::VERIFIED_RESIDENTS
    );
    let rows: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(place)
        .fetch_all(&db.pool)
        .await?;
    Ok(Electorate {
        residents: rows.into_iter().collect(),
    })
}

/// Who may take part in and vote on `topic`.
pub async fn electorate(db: &Db, topic: &Held) -> Result<Electorate, sqlx::Error> {
    residents_of(
        db,
        topic.scope,
        topic.compound,
        topic.community,
        topic.building,
    )
    .await
}

/// Whether `person` heads (head or deputy) the station of `compound`.
pub async fn heads_station(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM role_grants WHERE person_id = $1 AND role = 'station_member' \
         AND position IN ('head', 'deputy') AND compound_id = $2 AND revoked_at IS NULL",
    )
    .bind(person)
    .bind(compound)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Whether `person` is community staff of `community`.
pub async fn is_community_staff(db: &Db, person: i64, community: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM role_grants WHERE person_id = $1 AND role = 'community_staff' \
         AND community_id = $2 AND revoked_at IS NULL",
    )
    .bind(person)
    .bind(community)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Whether `person` moderates the topic's discussion: a station member of
/// its compound, or for a community topic, community staff.
pub async fn moderates(db: &Db, person: i64, topic: &Held) -> Result<bool, sqlx::Error> {
    if crate::permissions::is_station_member(db, person, topic.compound).await? {
        return Ok(true);
    }
    is_community_staff(db, person, topic.community).await
}

/// Whether `person` may adopt or decline a proposed topic: a head of its
/// compound's station (community staff for a community topic).
pub async fn may_adopt(db: &Db, person: i64, topic: &Held) -> Result<bool, sqlx::Error> {
    match topic.scope {
        Scope::Community => is_community_staff(db, person, topic.community).await,
        Scope::Building | Scope::Compound => heads_station(db, person, topic.compound).await,
    }
}

/// Parses an RFC 3339 time with `Z` or an offset (`2026-11-28T19:30:00+08:00`).
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut rest = &text[16..];
    let mut second = 0;
    if let Some(s) = rest.strip_prefix(':') {
        second = s.get(..2)?.parse::<i64>().ok()?;
        rest = &s[2..];
        if let Some(frac) = rest.strip_prefix('.') {
            rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (h * 60 + m)
        }
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = crate::metrics::days_from_civil(year, month as u32, day as u32);
    Some(((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000)
}

/// Files a topic: proposed by a resident, or posted (adopted at once) by a
/// station head or, for the community, community staff.
pub async fn create(db: &Db, person: i64, topic: &NewTopic, posted: bool) -> Result<i64, AppError> {
    let now = now_ms();
    let meeting_at = match &topic.meeting {
        Some(m) => Some(parse_time(&m.at).ok_or_else(|| {
            AppError::validation(vec![FieldError::new("meeting.at", Rule::Invalid)])
        })?),
        None => None,
    };
    let state = if posted {
        State::Adopted
    } else {
        State::Proposed
    };
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consultations (compound_id, scope, building_id, title, background, state, proposer_id, \
           convenor_id, discussion_days, meeting_at, meeting_place, meeting_capacity, ask_money_fen, ask_hours, \
           ask_materials, ask_venue, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(topic.compound_id)
    .bind(topic.scope.as_str())
    .bind(if topic.scope == Scope::Building { topic.building_id } else { None })
    .bind(topic.title.trim().to_owned())
    .bind(topic.background.trim().to_owned())
    .bind(state.as_str())
    .bind(person)
    .bind(posted.then_some(person))
    .bind(topic.discussion_days)
    .bind(meeting_at)
    .bind(topic.meeting.as_ref().map(|m| m.place.trim().to_owned()))
    .bind(topic.meeting.as_ref().map(|m| m.capacity))
    .bind(topic.asks.money_fen)
    .bind(topic.asks.hours)
    .bind(
        topic
            .asks
            .materials
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned),
    )
    .bind(i64::from(topic.asks.venue))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    record_step(
        &mut tx,
        id,
        if posted { "post" } else { "propose" },
        person,
        None,
        now,
    )
    .await?;
    photos::claim_for_consultation(&mut tx, &topic.photo_ids, person, id, None, "photo_ids")
        .await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/consultations/{id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn record_step(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    step: &str,
    actor: i64,
    note: Option<&str>,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO consultation_steps (consultation_id, step, actor_id, note, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(step.to_owned())
    .bind(actor)
    .bind(note.map(str::to_owned))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Takes a checked step: the new state and what comes with it (the
/// convenor, the decline reason, the discussion's end, the vote rule, the
/// outcome). 409 if the consultation moved meanwhile.
pub async fn take_step(
    db: &Db,
    topic: &Held,
    person: i64,
    step: &MoveTopic,
    next: State,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query("UPDATE consultations SET state = $1 WHERE id = $2 AND state = $3")
        .bind(next.as_str())
        .bind(topic.id)
        .bind(topic.state.as_str())
        .execute(&mut *tx)
        .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let mut note = None;
    match step.step {
        Step::Adopt => {
            sqlx::query("UPDATE consultations SET convenor_id = $1 WHERE id = $2")
                .bind(person)
                .bind(topic.id)
                .execute(&mut *tx)
                .await?;
        }
        Step::Decline => {
            note = step.reason.as_deref().map(str::trim);
            sqlx::query(
                "UPDATE consultations SET convenor_id = $1, decline_reason = $2 WHERE id = $3",
            )
            .bind(person)
            .bind(note.map(str::to_owned))
            .bind(topic.id)
            .execute(&mut *tx)
            .await?;
        }
        Step::OpenDiscussion => {
            sqlx::query(
                "UPDATE consultations SET discussion_ends_at = $1 + discussion_days * $2 WHERE id = $3",
            )
            .bind(now)
            .bind(DAY_MS)
            .bind(topic.id)
            .execute(&mut *tx)
            .await?;
        }
        Step::OpenVoting => {
            let rule = step.vote_rule.as_ref().ok_or_else(|| {
                AppError::validation(vec![FieldError::new("vote_rule", Rule::Required)])
            })?;
            sqlx::query(
                "UPDATE consultations SET vote_multiple = $1, vote_per = $2, vote_secret = $3, vote_quorum = $4 \
                 WHERE id = $5",
            )
            .bind(i64::from(rule.multiple))
            .bind(match rule.per {
                VoterUnit::Resident => "resident",
                VoterUnit::Household => "household",
            })
            .bind(i64::from(rule.secret))
            .bind(rule.quorum_percent)
            .bind(topic.id)
            .execute(&mut *tx)
            .await?;
            for (position, label) in rule.options.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO consultation_options (consultation_id, position, label) VALUES ($1, $2, $3)",
                )
                .bind(topic.id)
                .bind(position as i64)
                .bind(label.trim().to_owned())
                .execute(&mut *tx)
                .await?;
            }
            // Whoever took part hears that they may now vote.
            let took_part: Vec<i64> = sqlx::query_scalar(
                "SELECT proposer_id FROM consultations WHERE id = $1 \
                 UNION SELECT person_id FROM consultation_supports WHERE consultation_id = $1 \
                 UNION SELECT author_id FROM consultation_comments WHERE consultation_id = $1 \
                 UNION SELECT person_id FROM meeting_registrations WHERE consultation_id = $1",
            )
            .bind(topic.id)
            .fetch_all(&mut *tx)
            .await?;
            crate::notices::notify_consultation(
                &mut tx,
                &took_part,
                person,
                topic.id,
                "voting_open",
                now,
            )
            .await?;
        }
        Step::Conclude => {
            let outcome = step.outcome.as_ref().ok_or_else(|| {
                AppError::validation(vec![FieldError::new("outcome", Rule::Required)])
            })?;
            // The count as the vote closes is the vote's result for good.
            // No ballot lands after it: a ballot is stored only while the
            // row still says `voting` ([`store_ballot`]), and this
            // transaction changed it first.
            if let Some(rule) = vote_rule(db, topic.id).await? {
                let electorate = electorate(db, topic).await?;
                let cast: Vec<Ballot> = ballots_in(&mut tx, topic.id)
                    .await?
                    .into_iter()
                    .map(|(_, b)| b)
                    .collect();
                let counted = tally(&rule, &electorate, &cast);
                sqlx::query("UPDATE consultations SET final_tally = $1 WHERE id = $2")
                    .bind(serde_json::to_string(&counted).map_err(AppError::internal)?)
                    .bind(topic.id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE consultations SET decision = $1, reasoning = $2, published_at = $3 WHERE id = $4",
            )
            .bind(outcome.decision.trim().to_owned())
            .bind(outcome.reasoning.trim().to_owned())
            .bind(now)
            .bind(topic.id)
            .execute(&mut *tx)
            .await?;
            for (position, title) in outcome.action_items.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO action_items (consultation_id, position, title) VALUES ($1, $2, $3)",
                )
                .bind(topic.id)
                .bind(position as i64)
                .bind(title.trim().to_owned())
                .execute(&mut *tx)
                .await?;
            }
        }
        Step::Implement => {}
    }
    record_step(&mut tx, topic.id, step.step.as_str(), person, note, now).await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/consultations/{}", topic.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A ballot's stored rule: multiple, per, secret, quorum.
type StoredRule = (Option<i64>, Option<String>, Option<i64>, Option<i64>);

/// The ballot's rule, once voting opened.
pub async fn vote_rule(db: &Db, id: i64) -> Result<Option<VoteRule>, sqlx::Error> {
    let row: Option<StoredRule> = sqlx::query_as(
        "SELECT vote_multiple, vote_per, vote_secret, vote_quorum FROM consultations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((Some(multiple), Some(per), Some(secret), Some(quorum))) = row else {
        return Ok(None);
    };
    let options: Vec<String> = sqlx::query_scalar(
        "SELECT label FROM consultation_options WHERE consultation_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(Some(VoteRule {
        options,
        multiple: multiple != 0,
        per: if per == "household" {
            VoterUnit::Household
        } else {
            VoterUnit::Resident
        },
        secret: secret != 0,
        quorum_percent: quorum,
    }))
}

fn choices_from(text: &str) -> Vec<usize> {
    text.split(',').filter_map(|c| c.parse().ok()).collect()
}

/// Every stored ballot of a consultation, oldest first.
pub async fn ballots(db: &Db, id: i64) -> Result<Vec<(String, Ballot)>, sqlx::Error> {
    ballots_in(&mut *db.pool.acquire().await?, id).await
}

/// [`ballots`] read inside a transaction.
async fn ballots_in(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Vec<(String, Ballot)>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT voter_key, person_id, household_id, choices FROM ballots WHERE consultation_id = $1 ORDER BY at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, person, household, choices)| {
            (
                key,
                Ballot {
                    person,
                    household,
                    choices: choices_from(&choices),
                },
            )
        })
        .collect())
}

/// The key a voter's ballot is stored under.
pub fn voter_key(per: VoterUnit, person: i64, household: i64) -> String {
    match per {
        VoterUnit::Resident => format!("p:{person}"),
        VoterUnit::Household => format!("h:{household}"),
    }
}

/// Stores a checked ballot (cast, changed or taken over), on condition
/// that the ballot under `key` is still the one the check saw: none, or
/// the one cast by `seen`. A ballot another member of the household cast in
/// between is never replaced: the answer is then `Ok(Err)` with when that
/// ballot was cast (Unix ms), for the 409 that says so. 409
/// (`illegal_move`) if voting closed meanwhile: the consultation's row is
/// written first, so a ballot and the closing of the vote take turns and
/// the count kept at closing ([`take_step`]) has every ballot.
pub async fn store_ballot(
    db: &Db,
    id: i64,
    key: &str,
    seen: Option<i64>,
    voter: (i64, i64),
    choices: &[usize],
) -> Result<Result<(), i64>, AppError> {
    let (person, household) = voter;
    let text = choices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let now = now_ms();
    // Cast: inserted unless a ballot appeared, or the voter's own ballot
    // (a double tap) is changed. Change or take over: only the ballot seen.
    let mut tx = db.begin_write().await?;
    let voting =
        sqlx::query("UPDATE consultations SET state = state WHERE id = $1 AND state = 'voting'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if voting.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let stored = sqlx::query(
        "INSERT INTO ballots (consultation_id, voter_key, person_id, household_id, choices, at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consultation_id, voter_key) \
         DO UPDATE SET person_id = excluded.person_id, household_id = excluded.household_id, \
           choices = excluded.choices, at = excluded.at \
         WHERE ballots.person_id = COALESCE($7, excluded.person_id)",
    )
    .bind(id)
    .bind(key.to_owned())
    .bind(person)
    .bind(household)
    .bind(text)
    .bind(now)
    .bind(seen)
    .execute(&mut *tx)
    .await?;
    if stored.rows_affected() == 1 {
        tx.commit().await?;
        return Ok(Ok(()));
    }
    drop(tx);
    let cast_at = ballot_cast_at(db, id, key).await?;
    Ok(Err(cast_at.unwrap_or(now)))
}

/// When the ballot stored under `key` was cast (Unix ms), if there is one.
pub async fn ballot_cast_at(db: &Db, id: i64, key: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT at FROM ballots WHERE consultation_id = $1 AND voter_key = $2")
        .bind(id)
        .bind(key.to_owned())
        .fetch_optional(&db.pool)
        .await
}

/// Supports a proposed topic; supporting again changes nothing.
pub async fn support(db: &Db, id: i64, person: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO consultation_supports (consultation_id, person_id, at) VALUES ($1, $2, $3) \
         ON CONFLICT (consultation_id, person_id) DO NOTHING",
    )
    .bind(id)
    .bind(person)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Adds a comment or proposal; a reply must answer a top-level comment of
/// the same consultation (422 otherwise).
pub async fn comment(db: &Db, id: i64, person: i64, c: &NewComment) -> Result<i64, AppError> {
    if let Some(parent) = c.parent_id {
        let top: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT parent_id FROM consultation_comments WHERE id = $1 AND consultation_id = $2",
        )
        .bind(parent)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
        if !matches!(top, Some(None)) {
            return Err(AppError::validation(vec![FieldError::new(
                "parent_id",
                Rule::Invalid,
            )]));
        }
    }
    let mut tx = db.begin_write().await?;
    let comment = sqlx::query_scalar(
        "INSERT INTO consultation_comments (consultation_id, parent_id, author_id, body, proposal, at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(c.parent_id)
    .bind(person)
    .bind(c.body.trim().to_owned())
    .bind(i64::from(c.proposal && c.parent_id.is_none()))
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    let every_comment = format!("/api/v1/consultations/{id}/comments");
    crate::idempotency::settle(&mut tx, axum::http::StatusCode::CREATED, &every_comment).await?;
    tx.commit().await?;
    Ok(comment)
}

/// The consultation a comment belongs to, and whether it is a proposal.
pub async fn comment_owner(db: &Db, comment: i64) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT consultation_id, proposal FROM consultation_comments WHERE id = $1")
            .bind(comment)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(c, p)| (c, p != 0)))
}

/// Supports a proposal; supporting again changes nothing.
pub async fn support_comment(db: &Db, comment: i64, person: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO comment_supports (comment_id, person_id) VALUES ($1, $2) \
         ON CONFLICT (comment_id, person_id) DO NOTHING",
    )
    .bind(comment)
    .bind(person)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Hides a comment with a reason (kept, shown to staff); 409 if hidden.
pub async fn hide_comment(
    db: &Db,
    comment: i64,
    person: i64,
    reason: &str,
) -> Result<(), AppError> {
    let hidden = sqlx::query(
        "UPDATE consultation_comments SET hidden_at = $1, hidden_by = $2, hidden_reason = $3 \
         WHERE id = $4 AND hidden_at IS NULL",
    )
    .bind(now_ms())
    .bind(person)
    .bind(reason.trim().to_owned())
    .bind(comment)
    .execute(&db.pool)
    .await?;
    AppError::one_row(hidden.rows_affected(), ErrorCode::Conflict)
}

/// Reports a comment to the station; 409 if this person already did.
pub async fn report_comment(
    db: &Db,
    comment: i64,
    person: i64,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO comment_reports (comment_id, person_id, reason, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(comment)
    .bind(person)
    .bind(reason.trim().to_owned())
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The comments of a consultation with their replies, oldest first. Hidden
/// ones keep their place; their text is for `staff` only.
pub async fn comments(
    db: &Db,
    id: i64,
    viewer: i64,
    staff: bool,
    names: bool,
) -> Result<Vec<Comment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT k.id, k.parent_id, p.name, k.body, k.proposal, k.hidden_at, k.hidden_reason, k.at, \
           (SELECT COUNT(*) FROM comment_supports s WHERE s.comment_id = k.id) AS supports, \
           (SELECT COUNT(*) FROM comment_supports s WHERE s.comment_id = k.id AND s.person_id = $2) AS supported, \
           (SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = k.id) AS reports \
         FROM consultation_comments k JOIN people p ON p.id = k.author_id \
         WHERE k.consultation_id = $1 ORDER BY k.id",
    )
    .bind(id)
    .bind(viewer)
    .fetch_all(&db.pool)
    .await?;
    let mut top: Vec<Comment> = Vec::new();
    let mut replies: Vec<(i64, Comment)> = Vec::new();
    for row in rows {
        let hidden = row.try_get::<Option<i64>, _>("hidden_at")?.is_some();
        let comment = Comment {
            id: row.try_get("id")?,
            author_name: if names { row.try_get("name")? } else { None },
            body: if hidden && !staff {
                None
            } else {
                Some(row.try_get("body")?)
            },
            proposal: row.try_get::<i64, _>("proposal")? != 0,
            supports: row.try_get("supports")?,
            supported: row.try_get::<i64, _>("supported")? > 0,
            hidden,
            hidden_reason: if staff {
                row.try_get("hidden_reason")?
            } else {
                None
            },
            reports: if staff { row.try_get("reports")? } else { 0 },
            at: rfc3339(row.try_get("at")?),
            replies: Vec::new(),
        };
        match row.try_get::<Option<i64>, _>("parent_id")? {
            Some(parent) => replies.push((parent, comment)),
            None => top.push(comment),
        }
    }
    for (parent, reply) in replies {
        if let Some(c) = top.iter_mut().find(|c| c.id == parent) {
            c.replies.push(reply);
        }
    }
    Ok(top)
}

/// Records a pledge.
pub async fn pledge(db: &Db, id: i64, person: i64, p: &NewPledge) -> Result<(), AppError> {
    let amount = match p.kind {
        PledgeKind::Money | PledgeKind::Hours => p.amount,
        PledgeKind::Materials | PledgeKind::Venue => 0,
    };
    sqlx::query(
        "INSERT INTO pledges (consultation_id, person_id, kind, amount, description, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(person)
    .bind(p.kind.as_str())
    .bind(amount)
    .bind(
        p.description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
    )
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The pledges of a consultation, newest first.
pub async fn pledges(db: &Db, id: i64, names: bool) -> Result<Vec<Pledge>, sqlx::Error> {
    sqlx::query(
        "SELECT g.id, p.name, g.kind, g.amount, g.description, g.at FROM pledges g \
         JOIN people p ON p.id = g.person_id WHERE g.consultation_id = $1 ORDER BY g.id DESC",
    )
    .bind(id)
    .try_map(move |row: AnyRow| {
        let kind: String = row.try_get("kind")?;
        Ok(Pledge {
            id: row.try_get("id")?,
            person_name: if names { row.try_get("name")? } else { None },
            kind: match kind.as_str() {
                "money" => PledgeKind::Money,
                "materials" => PledgeKind::Materials,
                "venue" => PledgeKind::Venue,
                _ => PledgeKind::Hours,
            },
            amount: row.try_get("amount")?,
            description: row.try_get("description")?,
            at: rfc3339(row.try_get("at")?),
        })
    })
    .fetch_all(&db.pool)
    .await
}

/// Registers the resident `acting` names for the meeting, remembering who
/// registered them if staff did: registering again changes nothing (a
/// retry is one registration); 409 when full, 422 when there is no meeting.
pub async fn register(db: &Db, id: i64, acting: &Acting) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    // The consultation's row first: concurrent registrations queue here, so
    // the count below is the one the insert adds to (the last seat goes
    // once), and SQLite holds the writer's lock before reading.
    sqlx::query("UPDATE consultations SET meeting_capacity = meeting_capacity WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let already: Option<i64> = sqlx::query_scalar(
        "SELECT person_id FROM meeting_registrations WHERE consultation_id = $1 AND person_id = $2",
    )
    .bind(id)
    .bind(acting.resident)
    .fetch_optional(&mut *tx)
    .await?;
    if already.is_some() {
        return Ok(());
    }
    let room: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT meeting_capacity, (SELECT COUNT(*) FROM meeting_registrations m WHERE m.consultation_id = c.id) \
         FROM consultations c WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    match room {
        Some((Some(capacity), taken)) if taken < capacity => {}
        Some((Some(_), _)) => return Err(AppError::new(ErrorCode::Conflict)),
        _ => {
            return Err(AppError::validation(vec![FieldError::new(
                "meeting",
                Rule::Required,
            )]));
        }
    }
    sqlx::query(
        "INSERT INTO meeting_registrations (consultation_id, person_id, at, recorded_by, channel) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(acting.resident)
    .bind(now_ms())
    .bind(acting.recorded_by())
    .bind(acting.channel())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records who came to the meeting (registered or not).
pub async fn record_attendance(db: &Db, id: i64, people: &[i64]) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE meeting_registrations SET attended = 0 WHERE consultation_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for person in people {
        sqlx::query(
            "INSERT INTO meeting_registrations (consultation_id, person_id, attended, at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (consultation_id, person_id) DO UPDATE SET attended = 1",
        )
        .bind(id)
        .bind(person)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE consultations SET attendance_taken = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Signs `person` up for an action item of the consultation; 404 for an
/// item of another one; signing up again changes nothing.
pub async fn sign_up(db: &Db, id: i64, item: i64, person: i64) -> Result<(), AppError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM action_items WHERE id = $1 AND consultation_id = $2")
            .bind(item)
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    if found.is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    sqlx::query(
        "INSERT INTO action_signups (item_id, person_id, at) VALUES ($1, $2, $3) \
         ON CONFLICT (item_id, person_id) DO NOTHING",
    )
    .bind(item)
    .bind(person)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Adds a progress update with photos.
pub async fn add_progress(
    db: &Db,
    id: i64,
    person: i64,
    body: &str,
    photo_ids: &[i64],
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let progress: i64 = sqlx::query_scalar(
        "INSERT INTO consultation_progress (consultation_id, author_id, body, at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(id)
    .bind(person)
    .bind(body.trim().to_owned())
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    photos::claim_for_consultation(&mut tx, photo_ids, person, id, Some(progress), "photo_ids")
        .await?;
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/consultations/{id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the view of one consultation needs beyond its row.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    /// The signed-in person (0 for none).
    pub person: i64,
    /// Whether they are a verified resident in scope.
    pub in_scope: bool,
    /// Whether they convene it (or may adopt it while proposed).
    pub can_convene: bool,
}

/// The consultation as `viewer` sees it.
pub async fn view(db: &Db, topic: &Held, viewer: Viewer) -> Result<Consultation, AppError> {
    let id = topic.id;
    let row = sqlx::query(
        "SELECT t.*, c.name AS compound_name, b.name AS building_name, p.name AS proposer_name, \
           v.name AS convenor_name, \
           (SELECT COUNT(*) FROM consultation_supports s WHERE s.consultation_id = t.id) AS supports, \
           (SELECT COUNT(*) FROM consultation_supports s WHERE s.consultation_id = t.id AND s.person_id = $2) AS supported, \
           (SELECT COUNT(*) FROM meeting_registrations m WHERE m.consultation_id = t.id) AS registered, \
           (SELECT COUNT(*) FROM meeting_registrations m WHERE m.consultation_id = t.id AND m.person_id = $2) AS mine, \
           (SELECT COUNT(*) FROM meeting_registrations m WHERE m.consultation_id = t.id AND m.attended = 1) AS attended \
         FROM consultations t JOIN compounds c ON c.id = t.compound_id JOIN people p ON p.id = t.proposer_id \
         LEFT JOIN people v ON v.id = t.convenor_id LEFT JOIN buildings b ON b.id = t.building_id WHERE t.id = $1",
    )
    .bind(id)
    .bind(viewer.person)
    .fetch_one(&db.pool)
    .await?;
    let opt_time = |name: &str| -> Result<Option<String>, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(name)?.map(rfc3339))
    };
    let meeting = match row.try_get::<Option<i64>, _>("meeting_at")? {
        Some(at) => Some(MeetingView {
            at: rfc3339(at),
            place: row
                .try_get::<Option<String>, _>("meeting_place")?
                .unwrap_or_default(),
            capacity: row
                .try_get::<Option<i64>, _>("meeting_capacity")?
                .unwrap_or(0),
            registered: row.try_get("registered")?,
            mine: row.try_get::<i64, _>("mine")? > 0,
            attended: (row.try_get::<i64, _>("attendance_taken")? != 0)
                .then(|| row.try_get("attended"))
                .transpose()?,
        }),
        None => None,
    };
    let totals: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT kind, CAST(COALESCE(SUM(amount), 0) AS BIGINT), COUNT(*) FROM pledges \
         WHERE consultation_id = $1 GROUP BY kind",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let total = |kind: &str| totals.iter().find(|t| t.0 == kind);
    let pledged = Asks {
        money_fen: total("money").map_or(0, |t| t.1),
        hours: total("hours").map_or(0, |t| t.1),
        materials: total("materials").map(|t| t.2.to_string()),
        venue: total("venue").is_some(),
    };
    let vote = match vote_rule(db, id).await? {
        Some(rule) => Some(vote_view(db, topic, rule, viewer).await?),
        None => None,
    };
    let outcome = match row.try_get::<Option<String>, _>("decision")? {
        Some(decision) => Some(Outcome {
            decision,
            reasoning: row
                .try_get::<Option<String>, _>("reasoning")?
                .unwrap_or_default(),
            action_items: action_items(db, id, viewer).await?,
            published_at: opt_time("published_at")?.unwrap_or_default(),
        }),
        None => None,
    };
    let photos: Vec<(Option<i64>, i64)> =
        sqlx::query_as("SELECT progress_id, id FROM photos WHERE consultation_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
    let progress = sqlx::query(
        "SELECT g.id, g.body, p.name, g.at FROM consultation_progress g JOIN people p ON p.id = g.author_id \
         WHERE g.consultation_id = $1 ORDER BY g.id",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        let pid: i64 = row.try_get("id")?;
        Ok(Progress {
            body: row.try_get("body")?,
            author_name: row.try_get("name")?,
            photo_ids: photos.iter().filter(|(p, _)| *p == Some(pid)).map(|(_, id)| *id).collect(),
            at: rfc3339(row.try_get("at")?),
        })
    })
    .fetch_all(&db.pool)
    .await?;
    let history = sqlx::query(
        "SELECT s.step, p.name, s.note, s.at FROM consultation_steps s JOIN people p ON p.id = s.actor_id \
         WHERE s.consultation_id = $1 ORDER BY s.id",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        Ok(StepRecord {
            step: row.try_get("step")?,
            actor_name: row.try_get("name")?,
            note: row.try_get("note")?,
            at: rfc3339(row.try_get("at")?),
        })
    })
    .fetch_all(&db.pool)
    .await?;
    Ok(Consultation {
        id,
        compound_id: topic.compound,
        compound_name: row.try_get("compound_name")?,
        scope: topic.scope,
        building_name: row.try_get("building_name")?,
        title: row.try_get("title")?,
        background: row.try_get("background")?,
        photo_ids: photos
            .iter()
            .filter(|(p, _)| p.is_none())
            .map(|(_, id)| *id)
            .collect(),
        state: topic.state,
        proposer_name: row.try_get("proposer_name")?,
        convenor_name: row.try_get("convenor_name")?,
        supports: row.try_get("supports")?,
        supported: row.try_get::<i64, _>("supported")? > 0,
        decline_reason: row.try_get("decline_reason")?,
        discussion_days: row.try_get("discussion_days")?,
        discussion_ends_at: opt_time("discussion_ends_at")?,
        meeting,
        asks: Asks {
            money_fen: row.try_get("ask_money_fen")?,
            hours: row.try_get("ask_hours")?,
            materials: row.try_get("ask_materials")?,
            venue: row.try_get::<i64, _>("ask_venue")? != 0,
        },
        pledged,
        vote,
        outcome,
        progress,
        history,
        can_convene: viewer.can_convene,
        in_scope: viewer.in_scope,
        created_at: rfc3339(row.try_get("created_at")?),
    })
}

async fn vote_view(
    db: &Db,
    topic: &Held,
    rule: VoteRule,
    viewer: Viewer,
) -> Result<VoteView, AppError> {
    let electorate = electorate(db, topic).await?;
    let stored = ballots(db, topic.id).await?;
    let all: Vec<Ballot> = stored.iter().map(|(_, b)| b.clone()).collect();
    // A concluded vote shows the count kept when it closed.
    let kept: Option<String> =
        sqlx::query_scalar("SELECT final_tally FROM consultations WHERE id = $1")
            .bind(topic.id)
            .fetch_one(&db.pool)
            .await?;
    let counted: Tally = match kept.map(|k| serde_json::from_str(&k)) {
        Some(Ok(kept)) => kept,
        Some(Err(_)) => return Err(AppError::internal("a kept vote count is unreadable")),
        None => tally(&rule, &electorate, &all),
    };
    let household = electorate.residents.get(&viewer.person).copied();
    let mine = stored.iter().find(|(_, b)| b.person == viewer.person);
    let household_ballot = household.and_then(|h| {
        stored
            .iter()
            .find(|(key, _)| *key == voter_key(VoterUnit::Household, 0, h))
    });
    let household_voter = match household_ballot {
        Some((_, b)) if rule.per == VoterUnit::Household && !rule.secret => {
            sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
                .bind(b.person)
                .fetch_optional(&db.pool)
                .await?
        }
        _ => None,
    };
    let open = topic.state == State::Voting;
    Ok(VoteView {
        tally: (!(open && rule.secret)).then_some(counted),
        my_choices: mine.map(|(_, b)| b.choices.clone()),
        household_voted: rule.per == VoterUnit::Household && household_ballot.is_some(),
        household_voter,
        rule,
    })
}

async fn action_items(db: &Db, id: i64, viewer: Viewer) -> Result<Vec<ActionItem>, sqlx::Error> {
    let items: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, title FROM action_items WHERE consultation_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for (item, title) in items {
        let people: Vec<(i64, String)> = sqlx::query_as(
            "SELECT p.id, p.name FROM action_signups s JOIN people p ON p.id = s.person_id \
             WHERE s.item_id = $1 ORDER BY s.at",
        )
        .bind(item)
        .fetch_all(&db.pool)
        .await?;
        out.push(ActionItem {
            id: item,
            title,
            mine: people.iter().any(|(p, _)| *p == viewer.person),
            volunteers: if viewer.person != 0 {
                people.into_iter().map(|(_, n)| n).collect()
            } else {
                Vec::new()
            },
        });
    }
    Ok(out)
}

/// A compound's consultations (and its community's), newest first; only
/// `concluded` ones when asked (the public board).
pub async fn list(
    db: &Db,
    compound: i64,
    concluded_only: bool,
    before_id: i64,
    limit: i64,
) -> Result<Vec<ConsultationSummary>, sqlx::Error> {
    sqlx::query(
        "SELECT t.id, t.title, t.state, t.scope, t.decision, t.created_at, \
           (SELECT COUNT(*) FROM consultation_supports s WHERE s.consultation_id = t.id) AS supports \
         FROM consultations t JOIN compounds c ON c.id = t.compound_id \
         WHERE (t.compound_id = $1 OR (t.scope = 'community' AND c.community_id = \
             (SELECT community_id FROM compounds WHERE id = $1))) \
           AND ($2 = 0 OR t.state IN ('concluded', 'implemented')) AND t.id < $3 \
         ORDER BY t.id DESC LIMIT $4",
    )
    .bind(compound)
    .bind(i64::from(concluded_only))
    .bind(before_id)
    .bind(limit)
    .try_map(|row: AnyRow| {
        let bad = || sqlx::Error::Decode("unknown stored state or scope".into());
        let state: String = row.try_get("state")?;
        let scope: String = row.try_get("scope")?;
        Ok(ConsultationSummary {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            state: State::parse(&state).ok_or_else(bad)?,
            scope: Scope::parse(&scope).ok_or_else(bad)?,
            supports: row.try_get("supports")?,
            decision: row.try_get("decision")?,
            created_at: rfc3339(row.try_get("created_at")?),
        })
    })
    .fetch_all(&db.pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_offsets_are_read() {
        let utc = parse_time("2026-11-28T11:30:00Z").unwrap();
        assert_eq!(rfc3339(utc), "2026-11-28T11:30:00Z");
        assert_eq!(parse_time("2026-11-28T19:30:00+08:00"), Some(utc));
        assert_eq!(parse_time("2026-11-28T19:30+08:00"), Some(utc));
        assert_eq!(parse_time("2026-11-28T11:30:00.250Z"), Some(utc));
        for bad in [
            "2026-11-28",
            "2026-13-01T00:00Z",
            "2026-11-28T19:30",
            "tomorrow",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
