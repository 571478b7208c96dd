//! Consultations: topics, their lifecycle, support, comments and
//! proposals, pledges, the meeting, the ballot and the outcome.

use crate::AppState;
use crate::auth::{CurrentPerson, MaybePerson};
use crate::consultations::{self, Held, Viewer};
use crate::error::{AppError, request_lang};
use crate::extract::{ApiJson, ApiPath, ApiQuery, OptionalJson};
use crate::on_behalf;
use crate::routes::places::paging;
use api_types::Lang;
use api_types::affairs::ForResident;
use api_types::consultations::{
    Attendance, BallotChoices, BallotError, Comment, Consultation, ConsultationFilter,
    ConsultationSummary, MoveTopic, NewComment, NewPledge, NewProgress, NewTopic, Pledge, Reason,
    Scope, State, Step, TEXT_MAX, advance, check_ballot,
};
use api_types::page::page_from_rows;
use api_types::validate::required_text;
use api_types::{ErrorBody, ErrorCode, FieldError, Page, PageParams, Rule};
use axum::Json;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The consultation routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_consultation, list_consultations))
        .routes(routes!(get_consultation))
        .routes(routes!(create_step))
        .routes(routes!(create_support))
        .routes(routes!(list_comments, create_comment))
        .routes(routes!(create_comment_support))
        .routes(routes!(create_hiding))
        .routes(routes!(create_report))
        .routes(routes!(list_pledges, create_pledge))
        .routes(routes!(create_registration))
        .routes(routes!(create_attendance))
        .routes(routes!(put_ballot))
        .routes(routes!(create_signup))
        .routes(routes!(create_progress))
}

type Shown = Result<(StatusCode, Json<Consultation>), AppError>;

async fn topic(state: &AppState, id: i64) -> Result<Held, AppError> {
    consultations::held(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Who the viewer is to the topic.
async fn viewer(state: &AppState, topic: &Held, person: Option<i64>) -> Result<Viewer, AppError> {
    let Some(person) = person else {
        return Ok(Viewer {
            person: 0,
            in_scope: false,
            can_convene: false,
        });
    };
    let in_scope = consultations::electorate(&state.db, topic)
        .await?
        .residents
        .contains_key(&person);
    let can_convene = if topic.state == State::Proposed {
        consultations::may_adopt(&state.db, person, topic).await?
    } else {
        topic.convenor == Some(person)
    };
    Ok(Viewer {
        person,
        in_scope,
        can_convene,
    })
}

async fn shown(state: &AppState, id: i64, person: Option<i64>, status: StatusCode) -> Shown {
    let topic = topic(state, id).await?;
    let viewer = viewer(state, &topic, person).await?;
    Ok((
        status,
        Json(consultations::view(&state.db, &topic, viewer).await?),
    ))
}

/// 403 unless the person takes part: a verified resident in scope, or
/// someone who moderates it.
async fn must_take_part(state: &AppState, topic: &Held, person: i64) -> Result<(), AppError> {
    let v = viewer(state, topic, Some(person)).await?;
    if v.in_scope || consultations::moderates(&state.db, person, topic).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

fn conflict_unless(ok: bool) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::IllegalMove))
    }
}

/// Proposes a topic (a verified resident of the compound), or posts one
/// directly, adopted (a head of its station; community staff for a
/// community topic).
#[utoipa::path(
    post,
    path = "/consultations",
    tag = "consultations",
    request_body = NewTopic,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Proposed, or posted and adopted", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a verified resident of the compound, nor its head", body = ErrorBody),
        (status = 422, description = "A field breaks a rule, or names another compound's building", body = ErrorBody),
    )
)]
pub async fn create_consultation(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiJson(topic): ApiJson<NewTopic>,
) -> Shown {
    topic.validate().map_err(AppError::validation)?;
    let db = &state.db;
    let community: i64 = sqlx::query_scalar("SELECT community_id FROM compounds WHERE id = $1")
        .bind(topic.compound_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::validation(vec![FieldError::new("compound_id", Rule::Unknown)]))?;
    if let (Scope::Building, Some(building)) = (topic.scope, topic.building_id)
        && !crate::affairs::building_in_compound(db, building, topic.compound_id).await?
    {
        return Err(AppError::validation(vec![FieldError::new(
            "building_id",
            Rule::Invalid,
        )]));
    }
    let posted = match topic.scope {
        Scope::Community => {
            if !consultations::is_community_staff(db, person.id, community).await? {
                return Err(AppError::new(ErrorCode::Forbidden));
            }
            true
        }
        Scope::Building | Scope::Compound => {
            if consultations::heads_station(db, person.id, topic.compound_id).await? {
                true
            } else {
                let resident = consultations::Held {
                    id: 0,
                    compound: topic.compound_id,
                    community,
                    scope: Scope::Compound,
                    building: None,
                    state: State::Proposed,
                    proposer: person.id,
                    convenor: None,
                };
                let residents = consultations::electorate(db, &resident).await?;
                if !residents.residents.contains_key(&person.id) {
                    return Err(AppError::new(ErrorCode::Forbidden));
                }
                false
            }
        }
    };
    let id = consultations::create(db, person.id, &topic, posted).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

/// The consultations of a compound and of its community, newest first.
#[utoipa::path(
    get,
    path = "/consultations",
    tag = "consultations",
    params(PageParams, ConsultationFilter),
    responses((status = 200, description = "A page of consultations", body = Page<ConsultationSummary>))
)]
pub async fn list_consultations(
    AxumState(state): AxumState<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<ConsultationFilter>,
) -> Result<Json<Page<ConsultationSummary>>, AppError> {
    let (limit, after) = paging(&page)?;
    let before = if after == 0 { i64::MAX } else { after };
    let rows = consultations::list(&state.db, filter.compound_id, false, before, limit + 1).await?;
    Ok(Json(page_from_rows(rows, limit, |c| c.id)))
}

/// One consultation: readable by anyone with the link.
#[utoipa::path(
    get,
    path = "/consultations/{id}",
    tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 200, description = "The consultation", body = Consultation),
        (status = 404, description = "No such consultation", body = ErrorBody),
    )
)]
pub async fn get_consultation(
    AxumState(state): AxumState<AppState>,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Consultation>, AppError> {
    let (_, body) = shown(&state, id, person.0.map(|p| p.id), StatusCode::OK).await?;
    Ok(body)
}

/// Moves the consultation on: adopt or decline (a head of the station), then
/// open discussion, open voting with its rule, conclude with the outcome,
/// mark implemented (the convenor).
#[utoipa::path(
    post,
    path = "/consultations/{id}/steps",
    tag = "consultations",
    request_body = MoveTopic,
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 201, description = "Moved", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the convenor (nor, for a proposal, a head of the station)", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "Not possible from where it stands", body = ErrorBody),
        (status = 422, description = "A missing reason, vote rule or outcome", body = ErrorBody),
    )
)]
pub async fn create_step(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(step): ApiJson<MoveTopic>,
) -> Shown {
    step.validate().map_err(AppError::validation)?;
    let topic = topic(&state, id).await?;
    let next =
        advance(topic.state, step.step).ok_or_else(|| AppError::new(ErrorCode::IllegalMove))?;
    let allowed = match step.step {
        Step::Adopt | Step::Decline => {
            consultations::may_adopt(&state.db, person.id, &topic).await?
        }
        _ => topic.convenor == Some(person.id),
    };
    if !allowed {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    consultations::take_step(&state.db, &topic, person.id, &step, next).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

/// Supports a proposed topic (a verified resident in scope).
#[utoipa::path(
    post,
    path = "/consultations/{id}/supports",
    tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 201, description = "Counted", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a verified resident in scope", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "No longer proposed (supporting again answers 201)", body = ErrorBody),
    )
)]
pub async fn create_support(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Shown {
    let topic = topic(&state, id).await?;
    conflict_unless(topic.state == State::Proposed)?;
    if !viewer(&state, &topic, Some(person.id)).await?.in_scope {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    consultations::support(&state.db, id, person.id).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

async fn comment_list(
    state: &AppState,
    topic: &Held,
    person: Option<i64>,
) -> Result<Vec<Comment>, AppError> {
    let person_id = person.unwrap_or(0);
    let staff = person.is_some() && consultations::moderates(&state.db, person_id, topic).await?;
    Ok(consultations::comments(&state.db, topic.id, person_id, staff, person.is_some()).await?)
}

/// The discussion: comments and proposals with their replies, oldest
/// first. Hidden ones keep their place without their text (staff see it).
#[utoipa::path(
    get,
    path = "/consultations/{id}/comments",
    tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 200, description = "Every comment (one page)", body = Page<Comment>),
        (status = 404, description = "No such consultation", body = ErrorBody),
    )
)]
pub async fn list_comments(
    AxumState(state): AxumState<AppState>,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Page<Comment>>, AppError> {
    let topic = topic(&state, id).await?;
    Ok(Json(Page {
        items: comment_list(&state, &topic, person.0.map(|p| p.id)).await?,
        next_cursor: None,
    }))
}

/// Comments, replies to a comment, or makes a proposal (我来出主意), while
/// the topic is open for discussion or voting.
#[utoipa::path(
    post,
    path = "/consultations/{id}/comments",
    tag = "consultations",
    request_body = NewComment,
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 201, description = "Added; every comment", body = Page<Comment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not taking part", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "Not open for discussion", body = ErrorBody),
        (status = 422, description = "Empty, too long, or a reply to a reply", body = ErrorBody),
    )
)]
pub async fn create_comment(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(comment): ApiJson<NewComment>,
) -> Result<(StatusCode, Json<Page<Comment>>), AppError> {
    required_text("body", &comment.body, TEXT_MAX).map_err(|e| AppError::validation(vec![e]))?;
    let topic = topic(&state, id).await?;
    conflict_unless(topic.state.deliberating())?;
    must_take_part(&state, &topic, person.id).await?;
    consultations::comment(&state.db, id, person.id, &comment).await?;
    comments_after(&state, &topic, person.id).await
}

/// Every comment after a change by `person`: what the acts on comments answer.
async fn comments_after(
    state: &AppState,
    topic: &Held,
    person: i64,
) -> Result<(StatusCode, Json<Page<Comment>>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(Page {
            items: comment_list(state, topic, Some(person)).await?,
            next_cursor: None,
        }),
    ))
}

async fn comment_topic(state: &AppState, comment: i64) -> Result<(Held, bool), AppError> {
    let (topic_id, proposal) = consultations::comment_owner(&state.db, comment)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((topic(state, topic_id).await?, proposal))
}

/// Supports a proposal.
#[utoipa::path(
    post,
    path = "/comments/{id}/supports",
    tag = "consultations",
    params(("id" = i64, Path, description = "The proposal's id")),
    responses(
        (status = 201, description = "Counted; every comment", body = Page<Comment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not taking part", body = ErrorBody),
        (status = 404, description = "No such comment", body = ErrorBody),
        (status = 409, description = "Not a proposal, or discussion closed (supporting again answers 201)", body = ErrorBody),
    )
)]
pub async fn create_comment_support(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Page<Comment>>), AppError> {
    let (topic, proposal) = comment_topic(&state, id).await?;
    conflict_unless(proposal && topic.state.deliberating())?;
    must_take_part(&state, &topic, person.id).await?;
    consultations::support_comment(&state.db, id, person.id).await?;
    comments_after(&state, &topic, person.id).await
}

/// Hides a comment with a reason (a station member): kept, shown to staff,
/// never silently deleted.
#[utoipa::path(
    post,
    path = "/comments/{id}/hidings",
    tag = "consultations",
    request_body = Reason,
    params(("id" = i64, Path, description = "The comment's id")),
    responses(
        (status = 201, description = "Hidden; every comment", body = Page<Comment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such comment", body = ErrorBody),
        (status = 409, description = "Already hidden", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody),
    )
)]
pub async fn create_hiding(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(reason): ApiJson<Reason>,
) -> Result<(StatusCode, Json<Page<Comment>>), AppError> {
    required_text("reason", &reason.reason, TEXT_MAX).map_err(|e| AppError::validation(vec![e]))?;
    let (topic, _) = comment_topic(&state, id).await?;
    if !consultations::moderates(&state.db, person.id, &topic).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    consultations::hide_comment(&state.db, id, person.id, &reason.reason).await?;
    comments_after(&state, &topic, person.id).await
}

/// Reports a comment to the station (a resident taking part).
#[utoipa::path(
    post,
    path = "/comments/{id}/reports",
    tag = "consultations",
    request_body = Reason,
    params(("id" = i64, Path, description = "The comment's id")),
    responses(
        (status = 201, description = "Reported; every comment", body = Page<Comment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not taking part", body = ErrorBody),
        (status = 404, description = "No such comment", body = ErrorBody),
        (status = 409, description = "Already reported by this person", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody),
    )
)]
pub async fn create_report(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(reason): ApiJson<Reason>,
) -> Result<(StatusCode, Json<Page<Comment>>), AppError> {
    required_text("reason", &reason.reason, TEXT_MAX).map_err(|e| AppError::validation(vec![e]))?;
    let (topic, _) = comment_topic(&state, id).await?;
    must_take_part(&state, &topic, person.id).await?;
    consultations::report_comment(&state.db, id, person.id, &reason.reason).await?;
    comments_after(&state, &topic, person.id).await
}

/// The pledges, newest first (names for signed-in viewers).
#[utoipa::path(
    get,
    path = "/consultations/{id}/pledges",
    tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 200, description = "Every pledge (one page)", body = Page<Pledge>),
        (status = 404, description = "No such consultation", body = ErrorBody),
    )
)]
pub async fn list_pledges(
    AxumState(state): AxumState<AppState>,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Page<Pledge>>, AppError> {
    topic(&state, id).await?;
    Ok(Json(Page {
        items: consultations::pledges(&state.db, id, person.0.is_some()).await?,
        next_cursor: None,
    }))
}

/// Pledges money (fen), materials, a venue or hours to the outcome (众筹).
#[utoipa::path(
    post,
    path = "/consultations/{id}/pledges",
    tag = "consultations",
    request_body = NewPledge,
    params(
        ("id" = i64, Path, description = "The consultation's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
    ),
    responses(
        (status = 201, description = "Pledged; the totals", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not taking part", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "Not open for discussion", body = ErrorBody),
        (status = 422, description = "An amount out of range or a missing description", body = ErrorBody),
    )
)]
pub async fn create_pledge(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(pledge): ApiJson<NewPledge>,
) -> Shown {
    pledge.validate().map_err(AppError::validation)?;
    let topic = topic(&state, id).await?;
    conflict_unless(topic.state.deliberating())?;
    must_take_part(&state, &topic, person.id).await?;
    consultations::pledge(&state.db, id, person.id, &pledge).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

/// Registers for the offline meeting (a resident in scope), until it is
/// concluded. The consultation's station members and its community's staff
/// may register a resident who phoned or came in, with `on_behalf`: the
/// registration is the resident's, under the rules they would meet
/// themselves. Residents send no body (or `{}`).
#[utoipa::path(
    post,
    path = "/consultations/{id}/registrations",
    tag = "consultations",
    request_body(content = Option<ForResident>, description = "Only to register a resident (代办); none for oneself"),
    params(
        ("id" = i64, Path, description = "The consultation's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
    ),
    responses(
        (status = 201, description = "Registered (with `on_behalf`: that resident is); the consultation as the caller sees it", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not taking part; with `on_behalf`, not a station member of the compound nor staff of its community, or the resident does not take part", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "Full, or concluded (registering again answers 201)", body = ErrorBody),
        (status = 415, description = "A body that is not JSON", body = ErrorBody),
        (status = 422, description = "The consultation has no meeting, or a bad phone, name or channel in `on_behalf`", body = ErrorBody),
    )
)]
pub async fn create_registration(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<ForResident>,
) -> Shown {
    let body = body.unwrap_or_default();
    body.validate().map_err(AppError::validation)?;
    let topic = topic(&state, id).await?;
    conflict_unless(matches!(
        topic.state,
        State::Adopted | State::Discussion | State::Voting
    ))?;
    let acting =
        on_behalf::acting(&state, person.id, topic.compound, body.on_behalf.as_ref()).await?;
    must_take_part(&state, &topic, acting.resident).await?;
    consultations::register(&state.db, id, &acting).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

/// Records who came to the meeting (the convenor).
#[utoipa::path(
    post,
    path = "/consultations/{id}/attendance",
    tag = "consultations",
    request_body = Attendance,
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 201, description = "Recorded", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the convenor", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 422, description = "Someone unknown, or no meeting", body = ErrorBody),
    )
)]
pub async fn create_attendance(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(attendance): ApiJson<Attendance>,
) -> Shown {
    let topic = topic(&state, id).await?;
    if topic.convenor != Some(person.id) {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let has_meeting: Option<i64> =
        sqlx::query_scalar("SELECT meeting_at FROM consultations WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db.pool)
            .await?;
    if has_meeting.is_none() || attendance.person_ids.len() > 1000 {
        return Err(AppError::validation(vec![FieldError::new(
            "person_ids",
            Rule::Invalid,
        )]));
    }
    for p in &attendance.person_ids {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
            .bind(p)
            .fetch_optional(&state.db.pool)
            .await?;
        if known.is_none() {
            return Err(AppError::validation(vec![FieldError::new(
                "person_ids",
                Rule::Unknown,
            )]));
        }
    }
    consultations::record_attendance(&state.db, id, &attendance.person_ids).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

/// Casts or changes the viewer's ballot while voting is open. Under a
/// household rule, one ballot per household: a second member is refused.
#[utoipa::path(
    put,
    path = "/consultations/{id}/ballot",
    tag = "consultations",
    request_body = BallotChoices,
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 200, description = "Counted", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a verified resident in scope", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "Voting is not open, or the household already voted", body = ErrorBody),
        (status = 422, description = "No option, an unknown one, or several on a single-choice ballot", body = ErrorBody),
    )
)]
pub async fn put_ballot(
    AxumState(state): AxumState<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(ballot): ApiJson<BallotChoices>,
) -> Result<Json<Consultation>, AppError> {
    let topic = topic(&state, id).await?;
    let db = &state.db;
    let Some(rule) = consultations::vote_rule(db, id).await? else {
        return Err(AppError::new(ErrorCode::IllegalMove));
    };
    let electorate = consultations::electorate(db, &topic).await?;
    let household = electorate.residents.get(&person.id).copied().unwrap_or(0);
    let key = consultations::voter_key(rule.per, person.id, household);
    let stored = consultations::ballots(db, id).await?;
    let existing = stored.iter().find(|(k, _)| *k == key).map(|(_, b)| b);
    match check_ballot(
        topic.state,
        &rule,
        &electorate,
        person.id,
        &ballot.choices,
        existing,
    ) {
        Ok(_) => {}
        Err(BallotError::Closed) => return Err(AppError::new(ErrorCode::IllegalMove)),
        Err(BallotError::NotEligible) => return Err(AppError::new(ErrorCode::Forbidden)),
        Err(BallotError::HouseholdVoted) => {
            let cast_at = consultations::ballot_cast_at(db, id, &key).await?;
            return Err(household_voted(
                request_lang(&headers),
                cast_at.unwrap_or(0),
            ));
        }
        Err(BallotError::BadChoice) => {
            return Err(AppError::validation(vec![FieldError::new(
                "choices",
                Rule::Invalid,
            )]));
        }
    }
    let seen = existing.map(|b| b.person);
    let voter = (person.id, household);
    if let Err(cast_at) =
        consultations::store_ballot(db, id, &key, seen, voter, &ballot.choices).await?
    {
        return Err(household_voted(request_lang(&headers), cast_at));
    }
    let (_, body) = shown(&state, id, Some(person.id), StatusCode::OK).await?;
    Ok(body)
}

/// 409 for a second member of a household that voted under a household
/// rule: says when the household's ballot was cast (China time).
fn household_voted(lang: Lang, cast_at: i64) -> AppError {
    let at = crate::metrics::china_time(cast_at);
    let message = match lang {
        Lang::Zh => format!("您家已有人投过票（{at}），一户只算一票"),
        Lang::En => format!("Your household already voted ({at}); one vote per household"),
    };
    AppError::new(ErrorCode::Conflict).with_message(message)
}

/// Signs up for an action item of the outcome (众行).
#[utoipa::path(
    post,
    path = "/consultations/{id}/action-items/{item}/signups",
    tag = "consultations",
    params(
        ("id" = i64, Path, description = "The consultation's id"),
        ("item" = i64, Path, description = "The action item's id"),
    ),
    responses(
        (status = 201, description = "Signed up", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not taking part", body = ErrorBody),
        (status = 404, description = "No such consultation or item", body = ErrorBody),
        (status = 409, description = "Not concluded yet (signing up again answers 201)", body = ErrorBody),
    )
)]
pub async fn create_signup(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
) -> Shown {
    let topic = topic(&state, id).await?;
    conflict_unless(matches!(topic.state, State::Concluded | State::Implemented))?;
    must_take_part(&state, &topic, person.id).await?;
    consultations::sign_up(&state.db, id, item, person.id).await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}

/// Posts progress on the outcome, with photos (the convenor), until it is
/// marked implemented.
#[utoipa::path(
    post,
    path = "/consultations/{id}/progress",
    tag = "consultations",
    request_body = NewProgress,
    params(("id" = i64, Path, description = "The consultation's id")),
    responses(
        (status = 201, description = "Posted", body = Consultation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the convenor", body = ErrorBody),
        (status = 404, description = "No such consultation", body = ErrorBody),
        (status = 409, description = "Not concluded, or already implemented", body = ErrorBody),
        (status = 422, description = "Empty, too long, or a photo that is not yours", body = ErrorBody),
    )
)]
pub async fn create_progress(
    AxumState(state): AxumState<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(progress): ApiJson<NewProgress>,
) -> Shown {
    required_text("body", &progress.body, TEXT_MAX).map_err(|e| AppError::validation(vec![e]))?;
    if progress.photo_ids.len() > 6 {
        return Err(AppError::validation(vec![FieldError::new(
            "photo_ids",
            Rule::OutOfRange { min: 0, max: 6 },
        )]));
    }
    let topic = topic(&state, id).await?;
    conflict_unless(topic.state == State::Concluded)?;
    if topic.convenor != Some(person.id) {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    consultations::add_progress(
        &state.db,
        id,
        person.id,
        &progress.body,
        &progress.photo_ids,
    )
    .await?;
    shown(&state, id, Some(person.id), StatusCode::CREATED).await
}
