//! The capable-person pool and volunteer posts: storage of applications,
//! posts, slots and claims. The slot rules are [`api_types::pool`]'s.

use crate::db::{Db, now_ms, rfc3339};
use crate::error::AppError;
use crate::on_behalf::Acting;
use api_types::pool::{
    ApplicationStatus, ClaimStatus, NewApplication, NewPost, PoolMember, Post, Service, Skill,
    Slot, Span, VolunteerRecord, may_cancel, promote,
};
use api_types::{ErrorCode, Lang};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A street's skills, in order, in `lang`.
pub async fn skills(db: &Db, street: i64, lang: Lang) -> Result<Vec<Skill>, sqlx::Error> {
    let name = if lang == Lang::Zh {
        "name_zh"
    } else {
        "name_en"
    };
    let sql = format!(
        "SELECT id, code, {name} AS name FROM skills WHERE street_id = $1 ORDER BY sort_order, id"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(street)
        .fetch_all(&db.pool)
        .await
        .map(|rows: Vec<(i64, String, String)>| {
            rows.into_iter()
                .map(|(id, code, name)| Skill { id, code, name })
                .collect()
        })
}

/// Whether `person` is a verified resident (a current, approved binding) of
/// a household in `compound`.
pub async fn is_resident_of(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT v.person_id FROM ({}) v WHERE v.person_id = $1 AND v.compound_id = $2",
        crate::permissions::VERIFIED_RESIDENTS
    );
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(compound)
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// Files an application; 409 if one is already open; 422 for a skill of
/// another street.
pub async fn apply(db: &Db, person: i64, a: &NewApplication) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pool_members (person_id, compound_id, other_skills, availability, intro, show_party_member, \
           status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
    )
    .bind(person)
    .bind(a.compound_id)
    .bind(a.other_skills.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned))
    .bind(a.availability.trim().to_owned())
    .bind(a.intro.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned))
    .bind(i64::from(a.show_party_member))
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    for skill in &a.skill_ids {
        let added = sqlx::query(
            "INSERT INTO pool_member_skills (member_id, skill_id) \
             SELECT $1, k.id FROM skills k JOIN communities cm ON cm.street_id = k.street_id \
             JOIN compounds c ON c.community_id = cm.id WHERE k.id = $2 AND c.id = $3 \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(skill)
        .bind(a.compound_id)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() != 1 {
            return Err(AppError::validation(vec![api_types::FieldError::new(
                "skill_ids",
                api_types::Rule::Invalid,
            )]));
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// One application, and the compound it is for.
pub async fn member(db: &Db, id: i64, lang: Lang) -> Result<Option<PoolMember>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT m.id, m.person_id, p.name, m.compound_id, m.other_skills, m.availability, m.intro, \
           m.show_party_member, m.status, m.reason FROM pool_members m JOIN people p ON p.id = m.person_id \
         WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let name = if lang == Lang::Zh {
        "k.name_zh"
    } else {
        "k.name_en"
    };
    let sql = format!(
        "SELECT {name} FROM pool_member_skills s JOIN skills k ON k.id = s.skill_id \
         WHERE s.member_id = $1 ORDER BY k.sort_order"
    );
    let skills: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let status: String = row.try_get("status")?;
    Ok(Some(PoolMember {
        id,
        person_id: row.try_get("person_id")?,
        name: row.try_get("name")?,
        compound_id: row.try_get("compound_id")?,
        skills,
        other_skills: row.try_get("other_skills")?,
        availability: row.try_get("availability")?,
        intro: row.try_get("intro")?,
        party_member: row.try_get::<i64, _>("show_party_member")? != 0,
        status: ApplicationStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode("unknown stored application status".into()))?,
        reason: row.try_get("reason")?,
    }))
}

/// The current applications of a compound (not those of people who left),
/// optionally in one state, oldest first.
pub async fn members(
    db: &Db,
    compound: i64,
    status: Option<ApplicationStatus>,
    lang: Lang,
) -> Result<Vec<PoolMember>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM pool_members WHERE compound_id = $1 AND ended_at IS NULL \
         AND ($2 IS NULL OR status = $2) ORDER BY id LIMIT 200",
    )
    .bind(compound)
    .bind(status.map(ApplicationStatus::as_str))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(member(db, id, lang).await?);
    }
    Ok(out)
}

/// Approves or declines a pending application; 409 unless pending.
pub async fn decide(
    db: &Db,
    id: i64,
    by: i64,
    status: ApplicationStatus,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE pool_members SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(reason.map(|r| r.trim().to_owned()))
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(&db.pool)
    .await?;
    AppError::one_row(done.rows_affected(), ErrorCode::Conflict)
}

/// Sets a post with its slots (one, or one a week).
pub async fn create_post(db: &Db, by: i64, post: &NewPost, first: Span) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO posts (compound_id, title, description, place, skill_id, places, cutoff_hours, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(post.compound_id)
    .bind(post.title.trim().to_owned())
    .bind(post.description.trim().to_owned())
    .bind(post.place.trim().to_owned())
    .bind(post.skill_id)
    .bind(post.places)
    .bind(post.cutoff_hours)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    for span in api_types::pool::weekly(first, post.weeks) {
        sqlx::query("INSERT INTO slots (post_id, starts_at, ends_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(span.start)
            .bind(span.end)
            .execute(&mut *tx)
            .await?;
    }
    crate::idempotency::settle(
        &mut tx,
        axum::http::StatusCode::CREATED,
        &format!("/api/v1/posts/{id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A post's place and rules, for the checks.
#[derive(Debug, Clone, Copy)]
pub struct HeldSlot {
    /// The slot.
    pub id: i64,
    /// Its post.
    pub post: i64,
    /// The post's compound.
    pub compound: i64,
    /// The skill the post needs.
    pub skill: Option<i64>,
    /// Places.
    pub places: i64,
    /// Cancellation cut-off.
    pub cutoff_hours: i64,
    /// When.
    pub span: Span,
}

/// The slot `id` with its post's rules.
pub async fn slot(db: &Db, id: i64) -> Result<Option<HeldSlot>, sqlx::Error> {
    sqlx::query(
        "SELECT s.id, p.id AS post_id, p.compound_id, p.skill_id, p.places, p.cutoff_hours, s.starts_at, s.ends_at \
         FROM slots s JOIN posts p ON p.id = s.post_id WHERE s.id = $1",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        Ok(HeldSlot {
            id: row.try_get("id")?,
            post: row.try_get("post_id")?,
            compound: row.try_get("compound_id")?,
            skill: row.try_get("skill_id")?,
            places: row.try_get("places")?,
            cutoff_hours: row.try_get("cutoff_hours")?,
            span: Span {
                start: row.try_get("starts_at")?,
                end: row.try_get("ends_at")?,
            },
        })
    })
    .fetch_optional(&db.pool)
    .await
}

/// Whether `person` may claim places of posts needing `skill` in `compound`:
/// an approved member of its pool with that skill; for posts needing none,
/// also any verified resident.
pub async fn may_volunteer(
    db: &Db,
    person: i64,
    compound: i64,
    skill: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT m.id FROM pool_members m WHERE m.person_id = $1 AND m.compound_id = $2 AND m.status = 'approved' \
         AND m.ended_at IS NULL AND ($3 IS NULL OR EXISTS (SELECT 1 FROM pool_member_skills s WHERE s.member_id = m.id AND s.skill_id = $3))",
    )
    .bind(person)
    .bind(compound)
    .bind(skill)
    .fetch_optional(&db.pool)
    .await?;
    if member.is_some() {
        return Ok(true);
    }
    Ok(skill.is_none() && is_resident_of(db, person, compound).await?)
}

/// Claims a place (or the waiting list) for the resident `acting` names,
/// remembering who claimed it for them if staff did. Claiming again a slot
/// one holds answers what one holds (a retry or a double tap is one
/// claim); 409 if one holds a claim on another slot that overlaps this one,
/// a cancelled post's slots aside.
///
/// One write transaction, serialised on the resident: the clash check and
/// the claim cannot interleave with another claim of theirs.
pub async fn claim(db: &Db, slot: &HeldSlot, acting: &Acting) -> Result<ClaimStatus, AppError> {
    let person = acting.resident;
    let mut tx = db.begin_write().await?;
    crate::db::serialize_on(db.engine, &mut tx, &format!("claims:{person}")).await?;
    let held: Option<String> = sqlx::query_scalar(
        "SELECT status FROM claims WHERE slot_id = $1 AND person_id = $2 AND status <> 'cancelled'",
    )
    .bind(slot.id)
    .bind(person)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(held) = held {
        return Ok(ClaimStatus::parse(&held).unwrap_or(ClaimStatus::Waiting));
    }
    let clash: Option<i64> = sqlx::query_scalar(
        "SELECT c.id FROM claims c JOIN slots s ON s.id = c.slot_id JOIN posts p ON p.id = s.post_id \
         WHERE c.person_id = $1 AND c.status <> 'cancelled' AND p.cancelled_at IS NULL \
           AND s.starts_at < $2 AND $3 < s.ends_at",
    )
    .bind(person)
    .bind(slot.span.end)
    .bind(slot.span.start)
    .fetch_optional(&mut *tx)
    .await?;
    if clash.is_some() {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    // Taking a place is one conditional update: of two claims for the last
    // place, exactly one changes a row.
    let took =
        sqlx::query("UPDATE slots SET confirmed = confirmed + 1 WHERE id = $1 AND confirmed < $2")
            .bind(slot.id)
            .bind(slot.places)
            .execute(&mut *tx)
            .await?;
    let status = if took.rows_affected() == 1 {
        ClaimStatus::Confirmed
    } else {
        ClaimStatus::Waiting
    };
    sqlx::query(
        "INSERT INTO claims (slot_id, person_id, status, claimed_at, recorded_by, channel) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(slot.id)
    .bind(person)
    .bind(status.as_str())
    .bind(now_ms())
    .bind(acting.recorded_by())
    .bind(acting.channel())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(status)
}

/// Cancels the person's claim before the cut-off; a freed place goes to the
/// earliest on the waiting list ([`free_place`]), unless the post itself
/// was cancelled.
/// Cancelling again what one cancelled answers success (a retry); 404 for
/// someone who never claimed the slot, 409 past the cut-off.
///
/// The slot's row is written first, so two cancellations on one slot take
/// their turns and each frees its own place.
pub async fn cancel(db: &Db, slot: &HeldSlot, person: i64) -> Result<(), AppError> {
    if !may_cancel(now_ms(), slot.span, slot.cutoff_hours) {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE slots SET confirmed = confirmed WHERE id = $1")
        .bind(slot.id)
        .execute(&mut *tx)
        .await?;
    let mine: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM claims WHERE slot_id = $1 AND person_id = $2 \
         ORDER BY CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END, id DESC LIMIT 1",
    )
    .bind(slot.id)
    .bind(person)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((claim, status)) = mine else {
        return Err(AppError::new(ErrorCode::NotFound));
    };
    if status == "cancelled" {
        return Ok(());
    }
    free_place(&mut tx, slot.id, claim, &status, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels the live claim `claim` (`status` `confirmed` or `waiting`) of
/// slot `slot` inside `tx`, whose first write must have been the slot's
/// row (so cancellations of one slot take turns). A confirmed place goes
/// to the earliest on the waiting list, who is told (`claim_confirmed`),
/// unless the post was cancelled; else the slot has a place free again.
pub async fn free_place(
    tx: &mut AnyConnection,
    slot: i64,
    claim: i64,
    status: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE claims SET status = 'cancelled' WHERE id = $1")
        .bind(claim)
        .execute(&mut *tx)
        .await?;
    if status != "confirmed" {
        return Ok(());
    }
    let post_live: Option<i64> = sqlx::query_scalar(
        "SELECT p.id FROM slots s JOIN posts p ON p.id = s.post_id \
         WHERE s.id = $1 AND p.cancelled_at IS NULL",
    )
    .bind(slot)
    .fetch_optional(&mut *tx)
    .await?;
    let waiting: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, claimed_at FROM claims WHERE slot_id = $1 AND status = 'waiting'",
    )
    .bind(slot)
    .fetch_all(&mut *tx)
    .await?;
    match promote(&waiting).zip(post_live) {
        Some((next, post)) => {
            let person: i64 = sqlx::query_scalar(
                "UPDATE claims SET status = 'confirmed' WHERE id = $1 RETURNING person_id",
            )
            .bind(next)
            .fetch_one(&mut *tx)
            .await?;
            crate::notices::notify_post(tx, &[person], post, "claim_confirmed", now).await?;
        }
        None => {
            sqlx::query("UPDATE slots SET confirmed = confirmed - 1 WHERE id = $1")
                .bind(slot)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// Issues a fresh check-in code for a slot.
pub async fn issue_code(db: &Db, slot: i64) -> Result<(String, i64), AppError> {
    let code = crate::auth::new_code()?;
    let now = now_ms();
    sqlx::query("UPDATE slots SET code = $1, code_issued_at = $2 WHERE id = $3")
        .bind(code.clone())
        .bind(now)
        .bind(slot)
        .execute(&db.pool)
        .await?;
    Ok((code, now))
}

/// Tries a claim has at each check-in code shown: checking in and out
/// take two, which leaves three for typing it wrong (a sign-in code gets
/// [`api_types::identity::CODE_MAX_ATTEMPTS`] guesses).
pub const CODE_TRIES: i64 = 5;

/// Takes one of `claim`'s tries at the code shown at `issued`; `false` when
/// none is left. One statement, so tries sent at once cannot all pass.
pub async fn take_code_try(db: &Db, claim: i64, issued: i64) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(
        "UPDATE claims SET code_tries = CASE WHEN code_tries_for = $2 THEN code_tries + 1 ELSE 1 END, \
           code_tries_for = $2 \
         WHERE id = $1 AND (code_tries_for IS NULL OR code_tries_for <> $2 OR code_tries < $3)",
    )
    .bind(claim)
    .bind(issued)
    .bind(CODE_TRIES)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// The slot's current code and when it was shown.
pub async fn current_code(db: &Db, slot: i64) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT code, code_issued_at FROM slots WHERE id = $1")
            .bind(slot)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(code, at)| code.zip(at)))
}

/// The person's confirmed claim on a slot: id, checked in, checked out.
pub async fn confirmed_claim(
    db: &Db,
    slot: i64,
    person: i64,
) -> Result<Option<(i64, Option<i64>, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, checked_in_at, checked_out_at FROM claims WHERE slot_id = $1 AND person_id = $2 AND status = 'confirmed'",
    )
    .bind(slot)
    .bind(person)
    .fetch_optional(&db.pool)
    .await
}

/// Records a check-in, or a check-out with the minutes served.
pub async fn record_check(db: &Db, claim: i64, out: Option<i64>) -> Result<(), sqlx::Error> {
    let now = now_ms();
    match out {
        None => {
            sqlx::query("UPDATE claims SET checked_in_at = $1 WHERE id = $2")
                .bind(now)
                .bind(claim)
                .execute(&db.pool)
                .await?
        }
        Some(minutes) => {
            sqlx::query(
                "UPDATE claims SET checked_out_at = $1, minutes = $2, no_show = 0 WHERE id = $3",
            )
            .bind(now)
            .bind(minutes)
            .bind(claim)
            .execute(&db.pool)
            .await?
        }
    };
    Ok(())
}

/// A member confirms afterwards whether the volunteer came: the slot's
/// length is counted, or a no-show recorded.
pub async fn confirm(
    db: &Db,
    slot: &HeldSlot,
    person: i64,
    attended: bool,
) -> Result<(), AppError> {
    let minutes = (slot.span.end - slot.span.start) / 60_000;
    let done = sqlx::query(
        "UPDATE claims SET minutes = $1, no_show = $2 WHERE slot_id = $3 AND person_id = $4 AND status = 'confirmed'",
    )
    .bind(attended.then_some(minutes))
    .bind(i64::from(!attended))
    .bind(slot.id)
    .bind(person)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::validation(vec![api_types::FieldError::new(
            "person_id",
            api_types::Rule::Invalid,
        )]))
    }
}

/// A post as `viewer` sees it; `skills` are the viewer's approved skills.
pub async fn post(db: &Db, id: i64, viewer: i64, lang: Lang) -> Result<Option<Post>, sqlx::Error> {
    let name = if lang == Lang::Zh {
        "k.name_zh"
    } else {
        "k.name_en"
    };
    let sql = format!(
        "SELECT p.id, p.compound_id, p.title, p.description, p.place, p.skill_id, {name} AS skill, p.places, \
           p.cutoff_hours, (SELECT COUNT(*) FROM pool_members m JOIN pool_member_skills s ON s.member_id = m.id \
             WHERE m.person_id = $2 AND m.status = 'approved' AND m.ended_at IS NULL AND s.skill_id = p.skill_id) AS fits \
         FROM posts p LEFT JOIN skills k ON k.id = p.skill_id WHERE p.id = $1"
    );
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(viewer)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let cutoff: i64 = row.try_get("cutoff_hours")?;
    let now = now_ms();
    let slots = sqlx::query(
        "SELECT s.id, s.starts_at, s.ends_at, s.confirmed, \
           (SELECT COUNT(*) FROM claims c WHERE c.slot_id = s.id AND c.status = 'waiting') AS waiting, \
           (SELECT c.status FROM claims c WHERE c.slot_id = s.id AND c.person_id = $2 AND c.status <> 'cancelled') AS mine, \
           (SELECT c.minutes FROM claims c WHERE c.slot_id = s.id AND c.person_id = $2 AND c.status = 'confirmed') AS my_minutes \
         FROM slots s WHERE s.post_id = $1 ORDER BY s.starts_at",
    )
    .bind(id)
    .bind(viewer)
    .try_map(|row: AnyRow| {
        let start: i64 = row.try_get("starts_at")?;
        let end: i64 = row.try_get("ends_at")?;
        let mine: Option<String> = row.try_get("mine")?;
        let mine = mine.as_deref().and_then(ClaimStatus::parse);
        Ok(Slot {
            id: row.try_get("id")?,
            starts_at: rfc3339(start),
            ends_at: rfc3339(end),
            confirmed: row.try_get("confirmed")?,
            waiting: row.try_get("waiting")?,
            can_cancel: mine.is_some() && may_cancel(now, Span { start, end }, cutoff),
            mine,
            my_minutes: row.try_get("my_minutes")?,
        })
    })
    .fetch_all(&db.pool)
    .await?;
    Ok(Some(Post {
        id: row.try_get("id")?,
        compound_id: row.try_get("compound_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        place: row.try_get("place")?,
        skill: row.try_get("skill")?,
        fits: row.try_get::<i64, _>("fits")? > 0,
        places: row.try_get("places")?,
        cutoff_hours: cutoff,
        slots,
    }))
}

/// A compound's posts with a slot still to come: those fitting the viewer's
/// skills first, then the soonest.
pub async fn posts(
    db: &Db,
    compound: i64,
    viewer: i64,
    lang: Lang,
) -> Result<Vec<Post>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT p.id FROM posts p WHERE p.compound_id = $1 AND p.cancelled_at IS NULL \
           AND EXISTS (SELECT 1 FROM slots s WHERE s.post_id = p.id AND s.ends_at > $2) \
         ORDER BY (SELECT MIN(s.starts_at) FROM slots s WHERE s.post_id = p.id AND s.ends_at > $2) LIMIT 50",
    )
    .bind(compound)
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(post(db, id, viewer, lang).await?);
    }
    out.sort_by_key(|p| !p.fits);
    Ok(out)
}

/// The person's record: every service with its minutes, and no-shows.
pub async fn record(db: &Db, person: i64) -> Result<VolunteerRecord, sqlx::Error> {
    let name: String = sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(person)
        .fetch_one(&db.pool)
        .await?;
    let services = sqlx::query(
        "SELECT p.title, c.name AS compound, s.starts_at, k.minutes FROM claims k \
         JOIN slots s ON s.id = k.slot_id JOIN posts p ON p.id = s.post_id JOIN compounds c ON c.id = p.compound_id \
         WHERE k.person_id = $1 AND k.status = 'confirmed' AND k.minutes IS NOT NULL ORDER BY s.starts_at DESC",
    )
    .bind(person)
    .try_map(|row: AnyRow| {
        Ok(Service {
            post_title: row.try_get("title")?,
            compound_name: row.try_get("compound")?,
            starts_at: rfc3339(row.try_get("starts_at")?),
            minutes: row.try_get("minutes")?,
        })
    })
    .fetch_all(&db.pool)
    .await?;
    let helped = sqlx::query(
        "SELECT a.title, c.name AS compound, h.done_at, h.minutes FROM help_requests h \
         JOIN affairs a ON a.id = h.affair_id JOIN compounds c ON c.id = a.compound_id \
         WHERE h.person_id = $1 AND h.status = 'done' ORDER BY h.done_at DESC",
    )
    .bind(person)
    .try_map(|row: AnyRow| {
        Ok(Service {
            post_title: row.try_get("title")?,
            compound_name: row.try_get("compound")?,
            starts_at: rfc3339(row.try_get("done_at")?),
            minutes: row.try_get::<Option<i64>, _>("minutes")?.unwrap_or(0),
        })
    })
    .fetch_all(&db.pool)
    .await?;
    let mut services = services;
    services.extend(helped);
    services.sort_by(|a, b| b.starts_at.cmp(&a.starts_at));
    let no_shows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM claims WHERE person_id = $1 AND status = 'confirmed' AND no_show = 1",
    )
    .bind(person)
    .fetch_one(&db.pool)
    .await?;
    let studios: Vec<String> = sqlx::query_scalar(
        "SELECT s.name FROM studio_members m JOIN studios s ON s.id = m.studio_id \
         WHERE m.person_id = $1 AND m.left_at IS NULL ORDER BY s.id",
    )
    .bind(person)
    .fetch_all(&db.pool)
    .await?;
    Ok(VolunteerRecord {
        name,
        studios,
        total_minutes: services.iter().map(|s| s.minutes).sum(),
        services,
        no_shows,
    })
}

/// The people holding a live claim on a slot of `post` still to come.
async fn claimants(conn: &mut AnyConnection, post: i64) -> Result<Vec<i64>, sqlx::Error> {
    let mut people: Vec<i64> = sqlx::query_scalar(
        "SELECT c.person_id FROM claims c JOIN slots s ON s.id = c.slot_id \
         WHERE s.post_id = $1 AND c.status <> 'cancelled' AND s.ends_at > $2",
    )
    .bind(post)
    .bind(now_ms())
    .fetch_all(&mut *conn)
    .await?;
    people.sort_unstable();
    people.dedup();
    Ok(people)
}

/// Changes what a post says, and tells those holding a claim.
pub async fn change_post(
    db: &Db,
    post: i64,
    d: &api_types::pool::PostDetails,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE posts SET title = $1, description = $2, place = $3 WHERE id = $4 AND cancelled_at IS NULL",
    )
    .bind(d.title.trim().to_owned())
    .bind(d.description.trim().to_owned())
    .bind(d.place.trim().to_owned())
    .bind(post)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let people = claimants(&mut tx, post).await?;
    crate::notices::notify_post(&mut tx, &people, post, "post_changed", now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels a post: its slots to come take no more claims, and those holding
/// one are told. 409 if already cancelled.
pub async fn cancel_post(db: &Db, post: i64) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let people = claimants(&mut tx, post).await?;
    let cancelled =
        sqlx::query("UPDATE posts SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL")
            .bind(now)
            .bind(post)
            .execute(&mut *tx)
            .await?;
    if cancelled.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    crate::notices::notify_post(&mut tx, &people, post, "post_cancelled", now).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a post was cancelled.
pub async fn is_cancelled(db: &Db, post: i64) -> Result<bool, sqlx::Error> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT cancelled_at FROM posts WHERE id = $1")
            .bind(post)
            .fetch_optional(&db.pool)
            .await?;
    Ok(at.flatten().is_some())
}

/// Leaves a reminder for every place in a slot starting within a day, once.
/// Run by the hourly housekeeping; returns how many were sent.
pub async fn send_reminders(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.person_id, s.post_id FROM claims c JOIN slots s ON s.id = c.slot_id \
         JOIN posts p ON p.id = s.post_id \
         WHERE c.status = 'confirmed' AND c.reminded_at IS NULL AND p.cancelled_at IS NULL \
           AND s.starts_at > $1 AND s.starts_at <= $2",
    )
    .bind(now)
    .bind(now + 24 * 3_600_000)
    .fetch_all(&db.pool)
    .await?;
    for (claim, person, post) in &due {
        // The reminder and its mark together: never twice, never lost.
        let mut tx = db.begin_write().await?;
        let marked =
            sqlx::query("UPDATE claims SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL")
                .bind(now)
                .bind(claim)
                .execute(&mut *tx)
                .await?;
        if marked.rows_affected() == 1 {
            crate::notices::notify_post(&mut tx, &[*person], *post, "slot_reminder", now).await?;
        }
        tx.commit().await?;
    }
    Ok(due.len())
}

/// Approved capable persons of `compound`, optionally with `skill`.
pub async fn capable_persons(
    db: &Db,
    compound: i64,
    skill: Option<i64>,
    lang: Lang,
) -> Result<Vec<api_types::pool::CapablePerson>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT m.id FROM pool_members m WHERE m.compound_id = $1 AND m.status = 'approved' AND m.ended_at IS NULL \
         AND ($2 IS NULL OR EXISTS (SELECT 1 FROM pool_member_skills s WHERE s.member_id = m.id AND s.skill_id = $2)) \
         ORDER BY m.id",
    )
    .bind(compound)
    .bind(skill)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(m) = member(db, id, lang).await? {
            out.push(api_types::pool::CapablePerson {
                person_id: m.person_id,
                name: m.name,
                skills: m.skills,
                availability: m.availability,
            });
        }
    }
    Ok(out)
}

/// One help request.
pub async fn help_request(
    db: &Db,
    id: i64,
) -> Result<Option<api_types::pool::HelpRequest>, sqlx::Error> {
    sqlx::query(
        "SELECT h.id, h.affair_id, a.title, p.name, h.note, h.status, h.minutes, h.score \
         FROM help_requests h JOIN affairs a ON a.id = h.affair_id JOIN people p ON p.id = h.person_id \
         WHERE h.id = $1",
    )
    .bind(id)
    .try_map(|row: AnyRow| {
        let status: String = row.try_get("status")?;
        Ok(api_types::pool::HelpRequest {
            id: row.try_get("id")?,
            affair_id: row.try_get("affair_id")?,
            affair_title: row.try_get("title")?,
            person_name: row.try_get("name")?,
            note: row.try_get("note")?,
            status: api_types::pool::HelpStatus::parse(&status)
                .ok_or_else(|| sqlx::Error::Decode("unknown stored help status".into()))?,
            minutes: row.try_get("minutes")?,
            score: row.try_get("score")?,
        })
    })
    .fetch_optional(&db.pool)
    .await
}

/// The affair and the capable person of a help request.
pub async fn help_parties(db: &Db, id: i64) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT affair_id, person_id, status FROM help_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Records a help request, with a step on the affair's timeline that tells
/// the capable person.
pub async fn ask_for_help(
    db: &Db,
    affair: &crate::circulation::Held,
    by: i64,
    person: i64,
    note: Option<&str>,
) -> Result<i64, AppError> {
    let now = now_ms();
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO help_requests (affair_id, person_id, requested_by, note, status, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
    )
    .bind(affair.id)
    .bind(person)
    .bind(by)
    .bind(note.map(str::to_owned))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let event = crate::circulation::insert_event(
        &mut tx,
        affair,
        "help_request",
        by,
        affair.state,
        note,
        now,
    )
    .await?;
    crate::circulation::notify(&mut tx, &[person], by, affair.id, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves a help request on (`accepted`, `declined`, or `done` with its
/// minutes) from the state it must be in, with a timeline step telling
/// the handler who asked and the filer. 409 from the wrong state.
pub async fn answer_help(
    db: &Db,
    id: i64,
    affair: &crate::circulation::Held,
    by: i64,
    to: &str,
    minutes: Option<i64>,
) -> Result<(), AppError> {
    let from = if to == "done" { "accepted" } else { "pending" };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE help_requests SET status = $1, minutes = COALESCE($2, minutes), \
           done_at = CASE WHEN $1 = 'done' THEN $3 ELSE done_at END WHERE id = $4 AND status = $5",
    )
    .bind(to.to_owned())
    .bind(minutes)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let asker: i64 = sqlx::query_scalar("SELECT requested_by FROM help_requests WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let act = match to {
        "accepted" => "help_accepted",
        "done" => "help_done",
        _ => "help_declined",
    };
    let event =
        crate::circulation::insert_event(&mut tx, affair, act, by, affair.state, None, now).await?;
    crate::circulation::notify(&mut tx, &[asker, affair.filer], by, affair.id, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The filer rates a done help service once.
pub async fn rate_help(
    db: &Db,
    id: i64,
    score: i64,
    comment: Option<&str>,
) -> Result<(), AppError> {
    let rated = sqlx::query(
        "UPDATE help_requests SET score = $1, comment = $2 WHERE id = $3 AND status = 'done' AND score IS NULL",
    )
    .bind(score)
    .bind(comment.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned))
    .bind(id)
    .execute(&db.pool)
    .await?;
    AppError::one_row(rated.rows_affected(), ErrorCode::IllegalMove)
}

/// A month of the pool at a compound's station (China time).
pub async fn figures(
    db: &Db,
    compound: i64,
    month: &str,
) -> Result<api_types::pool::PoolFigures, AppError> {
    let (start, end) = crate::metrics::month_range(month).ok_or_else(|| {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    })?;
    // The pool as it stood at the month's end: a month that has ended
    // keeps its size when members leave later, and a member who left
    // (account deleted, moved out) is not counted in the months after.
    let pool_size: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pool_members WHERE compound_id = $1 AND status = 'approved' \
         AND COALESCE(decided_at, created_at) < $2 AND (ended_at IS NULL OR ended_at >= $2)",
    )
    .bind(compound)
    .bind(end)
    .fetch_one(&db.pool)
    .await?;
    // Every service of the month: a slot served, or a help request done.
    let served: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.person_id, c.minutes FROM claims c JOIN slots s ON s.id = c.slot_id \
         JOIN posts p ON p.id = s.post_id \
         WHERE p.compound_id = $1 AND c.status = 'confirmed' AND c.minutes IS NOT NULL \
           AND s.starts_at >= $2 AND s.starts_at < $3 \
         UNION ALL \
         SELECT h.person_id, h.minutes FROM help_requests h JOIN affairs a ON a.id = h.affair_id \
         WHERE a.compound_id = $1 AND h.status = 'done' AND h.done_at >= $2 AND h.done_at < $3",
    )
    .bind(compound)
    .bind(start)
    .bind(end)
    .fetch_all(&db.pool)
    .await?;
    let mut people: Vec<i64> = served.iter().map(|(p, _)| *p).collect();
    people.sort_unstable();
    people.dedup();
    let (offered, filled): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(p.places), 0) AS BIGINT), CAST(COALESCE(SUM(s.confirmed), 0) AS BIGINT) \
         FROM slots s JOIN posts p ON p.id = s.post_id \
         WHERE p.compound_id = $1 AND p.cancelled_at IS NULL AND s.starts_at >= $2 AND s.starts_at < $3",
    )
    .bind(compound)
    .bind(start)
    .bind(end)
    .fetch_one(&db.pool)
    .await?;
    Ok(api_types::pool::PoolFigures {
        month: month.to_owned(),
        pool_size,
        active_volunteers: people.len() as i64,
        services: served.len() as i64,
        minutes: served.iter().map(|(_, m)| m).sum(),
        places_offered: offered,
        places_filled: filled,
    })
}

/// Whether `person` is an approved capable person of `compound`.
pub async fn is_member(db: &Db, person: i64, compound: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM pool_members WHERE person_id = $1 AND compound_id = $2 AND status = 'approved' \
         AND ended_at IS NULL",
    )
    .bind(person)
    .bind(compound)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Forms a studio led by `lead`, who is its first member; 409 if the name
/// is taken in the compound.
pub async fn create_studio(
    db: &Db,
    lead: i64,
    s: &api_types::pool::NewStudio,
) -> Result<i64, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO studios (compound_id, lead_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(s.compound_id)
    .bind(lead)
    .bind(s.name.trim().to_owned())
    .bind(s.description.trim().to_owned())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO studio_members (studio_id, person_id, joined_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(lead)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The compound a studio belongs to.
pub async fn studio_compound(db: &Db, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT compound_id FROM studios WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Joins a studio; 409 if already a member. Someone who left (moved out
/// and came back) joins again from now.
pub async fn join_studio(db: &Db, id: i64, person: i64) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let back = sqlx::query(
        "UPDATE studio_members SET joined_at = $3, left_at = NULL \
         WHERE studio_id = $1 AND person_id = $2 AND left_at IS NOT NULL",
    )
    .bind(id)
    .bind(person)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if back.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO studio_members (studio_id, person_id, joined_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(person)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A member takes the vacant lead of a studio whose lead left. 403 unless
/// `person` is a current member, 409 if the lead is not vacant (someone
/// else took it first: one conditional update wins).
pub async fn take_lead(db: &Db, id: i64, person: i64) -> Result<(), AppError> {
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM studio_members WHERE studio_id = $1 AND person_id = $2 AND left_at IS NULL",
    )
    .bind(id)
    .bind(person)
    .fetch_optional(&db.pool)
    .await?;
    if member.is_none() {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let taken = sqlx::query(
        "UPDATE studios SET lead_id = $2, lead_vacant_since = NULL \
         WHERE id = $1 AND lead_vacant_since IS NOT NULL",
    )
    .bind(id)
    .bind(person)
    .execute(&db.pool)
    .await?;
    AppError::one_row(taken.rows_affected(), ErrorCode::Conflict)
}

/// A compound's studios with their current members and a month's service:
/// the slots of the compound's posts and the help requests its members
/// served while they were members (a slot that overlaps their membership,
/// help done during it), so a month keeps its figures when a member
/// leaves or joins later.
pub async fn studios(
    db: &Db,
    compound: i64,
    month: &str,
) -> Result<Vec<api_types::pool::Studio>, AppError> {
    let (start, end) = crate::metrics::month_range(month).ok_or_else(|| {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    })?;
    let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT s.id, s.name, s.description, p.name FROM studios s \
         LEFT JOIN people p ON p.id = s.lead_id AND s.lead_vacant_since IS NULL \
         WHERE s.compound_id = $1 ORDER BY s.id",
    )
    .bind(compound)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for (id, name, description, lead_name) in rows {
        let members: Vec<String> = sqlx::query_scalar(
            "SELECT p.name FROM studio_members m JOIN studios s ON s.id = m.studio_id \
             JOIN people p ON p.id = m.person_id WHERE m.studio_id = $1 AND m.left_at IS NULL \
             ORDER BY CASE WHEN m.person_id = s.lead_id AND s.lead_vacant_since IS NULL THEN 0 ELSE 1 END, \
               m.joined_at, p.id",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
        let served: Vec<i64> = sqlx::query_scalar(
            "SELECT c.minutes FROM claims c JOIN slots s ON s.id = c.slot_id JOIN posts p ON p.id = s.post_id \
             WHERE p.compound_id = $1 AND c.status = 'confirmed' AND c.minutes IS NOT NULL \
               AND s.starts_at >= $2 AND s.starts_at < $3 \
               AND EXISTS (SELECT 1 FROM studio_members m WHERE m.studio_id = $4 \
                 AND m.person_id = c.person_id AND m.joined_at < s.ends_at \
                 AND (m.left_at IS NULL OR m.left_at > s.starts_at)) \
             UNION ALL \
             SELECT h.minutes FROM help_requests h JOIN affairs a ON a.id = h.affair_id \
             WHERE a.compound_id = $1 AND h.status = 'done' AND h.done_at >= $2 AND h.done_at < $3 \
               AND EXISTS (SELECT 1 FROM studio_members m WHERE m.studio_id = $4 \
                 AND m.person_id = h.person_id AND m.joined_at <= h.done_at \
                 AND (m.left_at IS NULL OR m.left_at > h.done_at))",
        )
        .bind(compound)
        .bind(start)
        .bind(end)
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
        out.push(api_types::pool::Studio {
            id,
            name,
            description,
            lead_name,
            members,
            month_services: served.len() as i64,
            month_minutes: served.iter().sum(),
        });
    }
    Ok(out)
}

/// Whether `person` was asked to help with `affair` (they may then read it).
pub async fn is_helper(db: &Db, person: i64, affair: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM help_requests WHERE person_id = $1 AND affair_id = $2 AND status <> 'declined'",
    )
    .bind(person)
    .bind(affair)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Help requests, newest first: those asked of `person`, or those of `affair`.
pub async fn help_requests(
    db: &Db,
    person: Option<i64>,
    affair: Option<i64>,
) -> Result<Vec<api_types::pool::HelpRequest>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM help_requests WHERE ($1 IS NULL OR person_id = $1) AND ($2 IS NULL OR affair_id = $2) \
         ORDER BY id DESC LIMIT 100",
    )
    .bind(person)
    .bind(affair)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(help_request(db, id).await?);
    }
    Ok(out)
}
