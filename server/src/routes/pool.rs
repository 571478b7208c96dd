//! The capable-person pool and volunteer posts: applying and approval,
//! posts and their slots, claims and the waiting list, check-in codes,
//! attendance, and each volunteer's record.

use crate::auth::{CurrentPerson, MaybePerson};
use crate::error::{AppError, request_lang};
use crate::extract::{ApiJson, ApiPath, ApiQuery, OptionalJson};
use crate::{AppState, circulation, on_behalf, permissions, pool};
use api_types::affairs::{ForResident, NewRating};
use api_types::consultations::Reason;
use api_types::pool::{
    ApplicationStatus, CapableFilter, CapablePerson, CheckInCode, CodeEntry, Confirmation,
    HelpDone, HelpRequest, NewApplication, NewHelpRequest, NewPost, NewStudio, PoolFigures,
    PoolFiguresQuery, PoolMember, Post, PostDetails, PostFilter, Skill, Span, Studio, StudioFilter,
    VolunteerRecord, code_valid, minutes_served,
};
use api_types::validate::required_text;
use api_types::{ErrorBody, ErrorCode, FieldError, Page, Rule};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The pool routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_skills))
        .routes(routes!(create_application, list_applications))
        .routes(routes!(approve_application))
        .routes(routes!(decline_application))
        .routes(routes!(create_post, list_posts))
        .routes(routes!(get_post))
        .routes(routes!(create_claim))
        .routes(routes!(create_cancellation))
        .routes(routes!(create_code))
        .routes(routes!(create_check_in))
        .routes(routes!(create_check_out))
        .routes(routes!(create_confirmation))
        .routes(routes!(get_record))
        .routes(routes!(export_record))
        .routes(routes!(put_post_details))
        .routes(routes!(create_post_cancellation))
        .routes(routes!(list_capable_persons))
        .routes(routes!(create_help_request, list_affair_help_requests))
        .routes(routes!(list_my_help_requests))
        .routes(routes!(create_help_acceptance))
        .routes(routes!(create_help_decline))
        .routes(routes!(create_help_completion))
        .routes(routes!(create_help_rating))
        .routes(routes!(get_pool_figures))
        .routes(routes!(create_studio, list_studios))
        .routes(routes!(create_studio_member))
        .routes(routes!(create_studio_lead))
}

/// `?street_id=` of the skill list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SkillFilter {
    /// The street.
    pub street_id: i64,
}

/// The street-wide list of skills.
#[utoipa::path(
    get,
    path = "/skills",
    tag = "pool",
    params(SkillFilter),
    responses((status = 200, description = "Every skill, in order (one page)", body = Page<Skill>))
)]
pub async fn list_skills(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(filter): ApiQuery<SkillFilter>,
) -> Result<Json<Page<Skill>>, AppError> {
    Ok(Json(Page {
        items: pool::skills(&state.db, filter.street_id, request_lang(&headers)).await?,
        next_cursor: None,
    }))
}

async fn must_be_station(state: &AppState, person: i64, compound: i64) -> Result<(), AppError> {
    if permissions::is_station_member(&state.db, person, compound).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

/// A verified resident applies to the compound's pool with their skills.
#[utoipa::path(
    post,
    path = "/pool-applications",
    tag = "pool",
    request_body = NewApplication,
    responses(
        (status = 201, description = "Applied; the station decides", body = PoolMember),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a verified resident of the compound", body = ErrorBody),
        (status = 409, description = "An application is already open", body = ErrorBody),
        (status = 422, description = "No skill, no availability, or another street's skill", body = ErrorBody),
    )
)]
pub async fn create_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiJson(application): ApiJson<NewApplication>,
) -> Result<(StatusCode, Json<PoolMember>), AppError> {
    application.validate().map_err(AppError::validation)?;
    if !pool::is_resident_of(&state.db, person.id, application.compound_id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let id = pool::apply(&state.db, person.id, &application).await?;
    let member = pool::member(&state.db, id, request_lang(&headers))
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(member)))
}

/// `?compound_id=&status=` of the application list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ApplicationFilter {
    /// The compound.
    pub compound_id: i64,
    /// Only this state.
    #[param(inline)]
    pub status: Option<ApplicationStatus>,
}

/// The compound's applications and pool members, for its station.
#[utoipa::path(
    get,
    path = "/pool-applications",
    tag = "pool",
    params(ApplicationFilter),
    responses(
        (status = 200, description = "At most 200, oldest first (one page)", body = Page<PoolMember>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
    )
)]
pub async fn list_applications(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiQuery(filter): ApiQuery<ApplicationFilter>,
) -> Result<Json<Page<PoolMember>>, AppError> {
    must_be_station(&state, person.id, filter.compound_id).await?;
    Ok(Json(Page {
        items: pool::members(
            &state.db,
            filter.compound_id,
            filter.status,
            request_lang(&headers),
        )
        .await?,
        next_cursor: None,
    }))
}

async fn decide(
    state: &AppState,
    headers: &HeaderMap,
    person: CurrentPerson,
    id: i64,
    status: ApplicationStatus,
    reason: Option<&str>,
) -> Result<(StatusCode, Json<PoolMember>), AppError> {
    let lang = request_lang(headers);
    let member = pool::member(&state.db, id, lang)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    must_be_station(state, person.id, member.compound_id).await?;
    pool::decide(&state.db, id, person.id, status, reason).await?;
    let member = pool::member(&state.db, id, lang)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(member)))
}

/// The station takes the applicant into the pool.
#[utoipa::path(
    post,
    path = "/pool-applications/{id}/approvals",
    tag = "pool",
    params(("id" = i64, Path, description = "The application's id")),
    responses(
        (status = 201, description = "In the pool", body = PoolMember),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
    )
)]
pub async fn approve_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<PoolMember>), AppError> {
    decide(
        &state,
        &headers,
        person,
        id,
        ApplicationStatus::Approved,
        None,
    )
    .await
}

/// The station declines an application, with a reason.
#[utoipa::path(
    post,
    path = "/pool-applications/{id}/rejections",
    tag = "pool",
    request_body = Reason,
    params(("id" = i64, Path, description = "The application's id")),
    responses(
        (status = 201, description = "Declined", body = PoolMember),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody),
    )
)]
pub async fn decline_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(reason): ApiJson<Reason>,
) -> Result<(StatusCode, Json<PoolMember>), AppError> {
    required_text("reason", &reason.reason, 500).map_err(|e| AppError::validation(vec![e]))?;
    decide(
        &state,
        &headers,
        person,
        id,
        ApplicationStatus::Declined,
        Some(&reason.reason),
    )
    .await
}

/// A station member sets a post: one slot, or one a week.
#[utoipa::path(
    post,
    path = "/posts",
    tag = "pool",
    request_body = NewPost,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Posted with its slots", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
pub async fn create_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiJson(post): ApiJson<NewPost>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    post.validate().map_err(AppError::validation)?;
    let start = crate::consultations::parse_time(&post.starts_at)
        .ok_or_else(|| AppError::validation(vec![FieldError::new("starts_at", Rule::Invalid)]))?;
    must_be_station(&state, person.id, post.compound_id).await?;
    if let Some(skill) = post.skill_id {
        let known = pool::skills(
            &state.db,
            street_of(&state, post.compound_id).await?,
            request_lang(&headers),
        )
        .await?
        .iter()
        .any(|s| s.id == skill);
        if !known {
            return Err(AppError::validation(vec![FieldError::new(
                "skill_id",
                Rule::Invalid,
            )]));
        }
    }
    let first = Span {
        start,
        end: start + post.minutes * 60_000,
    };
    let id = pool::create_post(&state.db, person.id, &post, first).await?;
    let shown = pool::post(&state.db, id, person.id, request_lang(&headers))
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(shown)))
}

async fn street_of(state: &AppState, compound: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT cm.street_id FROM compounds c JOIN communities cm ON cm.id = c.community_id WHERE c.id = $1",
    )
    .bind(compound)
    .fetch_one(&state.db.pool)
    .await?)
}

/// A compound's posts with slots to come, those fitting the viewer's skills first.
#[utoipa::path(
    get,
    path = "/posts",
    tag = "pool",
    params(PostFilter),
    responses((status = 200, description = "At most 50 posts (one page)", body = Page<Post>))
)]
pub async fn list_posts(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiQuery(filter): ApiQuery<PostFilter>,
) -> Result<Json<Page<Post>>, AppError> {
    let viewer = person.0.map_or(0, |p| p.id);
    Ok(Json(Page {
        items: pool::posts(
            &state.db,
            filter.compound_id,
            viewer,
            request_lang(&headers),
        )
        .await?,
        next_cursor: None,
    }))
}

/// One post with its slots and the viewer's claims.
#[utoipa::path(
    get,
    path = "/posts/{id}",
    tag = "pool",
    params(("id" = i64, Path, description = "The post's id")),
    responses(
        (status = 200, description = "The post", body = Post),
        (status = 404, description = "No such post", body = ErrorBody),
    )
)]
pub async fn get_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Post>, AppError> {
    let viewer = person.0.map_or(0, |p| p.id);
    pool::post(&state.db, id, viewer, request_lang(&headers))
        .await?
        .map(Json)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

async fn slot_of(state: &AppState, id: i64) -> Result<pool::HeldSlot, AppError> {
    pool::slot(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

async fn post_after(
    state: &AppState,
    headers: &HeaderMap,
    slot: &pool::HeldSlot,
    person: i64,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let shown = pool::post(&state.db, slot.post, person, request_lang(headers))
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// Claims a place in a slot, or joins its waiting list when it is full.
/// The compound's station members and its community's staff may claim for
/// a resident who phoned or came in, with `on_behalf`: the claim is the
/// resident's, under the rules they would meet themselves (a volunteer of
/// the compound with the skill; one live claim per slot, none overlapping;
/// the waiting list when full). Residents send no body (or `{}`).
#[utoipa::path(
    post,
    path = "/slots/{id}/claims",
    tag = "pool",
    request_body(content = Option<ForResident>, description = "Only to claim for a resident (代办); none for oneself"),
    params(
        ("id" = i64, Path, description = "The slot's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
    ),
    responses(
        (status = 201, description = "Claimed (or waiting); the post as the caller sees it", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a volunteer of the compound, or without the skill; with `on_behalf`, not a station member of the compound nor staff of its community, or the resident is not such a volunteer", body = ErrorBody),
        (status = 404, description = "No such slot", body = ErrorBody),
        (status = 409, description = "Overlapping another claimed slot, over, or the post was cancelled (claiming again a slot one holds answers 201 with it)", body = ErrorBody),
        (status = 415, description = "A body that is not JSON", body = ErrorBody),
        (status = 422, description = "A bad phone, name or channel in `on_behalf`", body = ErrorBody),
    )
)]
pub async fn create_claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<ForResident>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let body = body.unwrap_or_default();
    body.validate().map_err(AppError::validation)?;
    let slot = slot_of(&state, id).await?;
    if slot.span.end <= crate::db::now_ms() || pool::is_cancelled(&state.db, slot.post).await? {
        return Err(AppError::new(ErrorCode::IllegalMove));
    }
    let acting =
        on_behalf::acting(&state, person.id, slot.compound, body.on_behalf.as_ref()).await?;
    if !pool::may_volunteer(&state.db, acting.resident, slot.compound, slot.skill).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    pool::claim(&state.db, &slot, &acting).await?;
    post_after(&state, &headers, &slot, person.id).await
}

/// Cancels the viewer's claim before the cut-off; the first on the waiting
/// list moves up.
#[utoipa::path(
    post,
    path = "/slots/{id}/cancellations",
    tag = "pool",
    params(("id" = i64, Path, description = "The slot's id")),
    responses(
        (status = 201, description = "Cancelled (or cancelled already); the post", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such slot, or never claimed", body = ErrorBody),
        (status = 409, description = "Past the cancellation cut-off", body = ErrorBody),
    )
)]
pub async fn create_cancellation(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let slot = slot_of(&state, id).await?;
    pool::cancel(&state.db, &slot, person.id).await?;
    post_after(&state, &headers, &slot, person.id).await
}

/// A station member shows a fresh check-in code at the post.
#[utoipa::path(
    post,
    path = "/slots/{id}/codes",
    tag = "pool",
    params(("id" = i64, Path, description = "The slot's id")),
    responses(
        (status = 201, description = "The code to show", body = CheckInCode),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such slot", body = ErrorBody),
    )
)]
pub async fn create_code(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<CheckInCode>), AppError> {
    let slot = slot_of(&state, id).await?;
    must_be_station(&state, person.id, slot.compound).await?;
    let (code, issued) = pool::issue_code(&state.db, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(CheckInCode {
            code,
            expires_at: crate::db::rfc3339(issued + api_types::pool::CODE_MINUTES * 60_000),
        }),
    ))
}

/// Checks the code a volunteer with the claim `claim` typed: 422 when
/// wrong or expired; 429 once the claim has had
/// [`pool::CODE_TRIES`] tries at the code now shown (the station shows a
/// new one), so that six digits cannot be guessed.
async fn check_code(
    state: &AppState,
    slot: &pool::HeldSlot,
    claim: i64,
    entry: &CodeEntry,
) -> Result<(), AppError> {
    let wrong = || AppError::validation(vec![FieldError::new("code", Rule::Invalid)]);
    let (code, issued) = pool::current_code(&state.db, slot.id)
        .await?
        .ok_or_else(wrong)?;
    if !pool::take_code_try(&state.db, claim, issued).await? {
        let now = crate::db::now_ms();
        let left = issued + api_types::pool::CODE_MINUTES * 60_000 - now;
        return Err(AppError::new(ErrorCode::RateLimited)
            .retry_after(u64::try_from(left / 1000).unwrap_or(0).max(1)));
    }
    if code != entry.code.trim() || !code_valid(crate::db::now_ms(), issued, slot.span) {
        return Err(wrong());
    }
    Ok(())
}

/// A volunteer with a place checks in with the code shown at the post.
#[utoipa::path(
    post,
    path = "/slots/{id}/check-ins",
    tag = "pool",
    request_body = CodeEntry,
    params(("id" = i64, Path, description = "The slot's id")),
    responses(
        (status = 201, description = "Checked in; the post", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such slot, or no place in it", body = ErrorBody),
        (status = 409, description = "Already checked in", body = ErrorBody),
        (status = 422, description = "The code is wrong or expired", body = ErrorBody),
        (status = 429, description = "Tried too often at this code: the station shows a new one", body = ErrorBody),
    )
)]
pub async fn create_check_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(entry): ApiJson<CodeEntry>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let slot = slot_of(&state, id).await?;
    let (claim, checked_in, _) = pool::confirmed_claim(&state.db, id, person.id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    check_code(&state, &slot, claim, &entry).await?;
    if checked_in.is_some() {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    pool::record_check(&state.db, claim, None).await?;
    post_after(&state, &headers, &slot, person.id).await
}

/// The volunteer checks out with the code; the minutes since checking in
/// are added to their record.
#[utoipa::path(
    post,
    path = "/slots/{id}/check-outs",
    tag = "pool",
    request_body = CodeEntry,
    params(("id" = i64, Path, description = "The slot's id")),
    responses(
        (status = 201, description = "Checked out; the post", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such slot, or no place in it", body = ErrorBody),
        (status = 409, description = "Not checked in, or already checked out", body = ErrorBody),
        (status = 422, description = "The code is wrong or expired", body = ErrorBody),
        (status = 429, description = "Tried too often at this code: the station shows a new one", body = ErrorBody),
    )
)]
pub async fn create_check_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(entry): ApiJson<CodeEntry>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let slot = slot_of(&state, id).await?;
    let (claim, checked_in, checked_out) = pool::confirmed_claim(&state.db, id, person.id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    check_code(&state, &slot, claim, &entry).await?;
    let (Some(checked_in), None) = (checked_in, checked_out) else {
        return Err(AppError::new(ErrorCode::Conflict));
    };
    let minutes = minutes_served(checked_in, crate::db::now_ms());
    pool::record_check(&state.db, claim, Some(minutes)).await?;
    post_after(&state, &headers, &slot, person.id).await
}

/// A station member confirms afterwards that a volunteer came (the slot's
/// length counts) or did not (a no-show).
#[utoipa::path(
    post,
    path = "/slots/{id}/confirmations",
    tag = "pool",
    request_body = Confirmation,
    params(("id" = i64, Path, description = "The slot's id")),
    responses(
        (status = 201, description = "Recorded; the post", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such slot", body = ErrorBody),
        (status = 422, description = "That person holds no place in the slot", body = ErrorBody),
    )
)]
pub async fn create_confirmation(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(confirmation): ApiJson<Confirmation>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    let slot = slot_of(&state, id).await?;
    must_be_station(&state, person.id, slot.compound).await?;
    pool::confirm(
        &state.db,
        &slot,
        confirmation.person_id,
        confirmation.attended,
    )
    .await?;
    post_after(&state, &headers, &slot, person.id).await
}

/// The signed-in volunteer's record: services, hours, no-shows.
#[utoipa::path(
    get,
    path = "/me/volunteer-record",
    tag = "pool",
    responses(
        (status = 200, description = "The record", body = VolunteerRecord),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn get_record(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<Json<VolunteerRecord>, AppError> {
    Ok(Json(pool::record(&state.db, person.id).await?))
}

/// The record as CSV (UTF-8 with a byte-order mark).
#[utoipa::path(
    get,
    path = "/me/volunteer-record/export",
    tag = "pool",
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn export_record(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<impl IntoResponse, AppError> {
    let record = pool::record(&state.db, person.id).await?;
    let mut csv = String::from("\u{feff}岗位,小区,时间,服务分钟\r\n");
    for s in &record.services {
        let cell = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
        csv.push_str(&format!(
            "{},{},{},{}\r\n",
            cell(&s.post_title),
            cell(&s.compound_name),
            cell(&s.starts_at),
            s.minutes
        ));
    }
    csv.push_str(&format!("\"合计\",,,{}\r\n", record.total_minutes));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"volunteer-record.csv\"",
            ),
        ],
        csv,
    ))
}

async fn station_post(state: &AppState, person: i64, id: i64) -> Result<i64, AppError> {
    let compound: i64 = sqlx::query_scalar("SELECT compound_id FROM posts WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    must_be_station(state, person, compound).await?;
    Ok(compound)
}

async fn shown_post(
    state: &AppState,
    headers: &HeaderMap,
    id: i64,
    person: i64,
) -> Result<Post, AppError> {
    pool::post(&state.db, id, person, request_lang(headers))
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Changes what a post says (a station member); those holding a claim get a notice.
#[utoipa::path(
    put,
    path = "/posts/{id}/details",
    tag = "pool",
    request_body = PostDetails,
    params(("id" = i64, Path, description = "The post's id")),
    responses(
        (status = 200, description = "Changed", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such post", body = ErrorBody),
        (status = 409, description = "The post was cancelled", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
pub async fn put_post_details(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(details): ApiJson<PostDetails>,
) -> Result<Json<Post>, AppError> {
    details.validate().map_err(AppError::validation)?;
    station_post(&state, person.id, id).await?;
    pool::change_post(&state.db, id, &details).await?;
    Ok(Json(shown_post(&state, &headers, id, person.id).await?))
}

/// Cancels a post (a station member); those holding a claim get a notice.
#[utoipa::path(
    post,
    path = "/posts/{id}/cancellations",
    tag = "pool",
    params(("id" = i64, Path, description = "The post's id")),
    responses(
        (status = 201, description = "Cancelled", body = Post),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a station member of the compound", body = ErrorBody),
        (status = 404, description = "No such post", body = ErrorBody),
        (status = 409, description = "Already cancelled", body = ErrorBody),
    )
)]
pub async fn create_post_cancellation(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Post>), AppError> {
    station_post(&state, person.id, id).await?;
    pool::cancel_post(&state.db, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(shown_post(&state, &headers, id, person.id).await?),
    ))
}

/// The affair `id` for a handler of it: 404 if unseen, 403 if not a handler.
async fn handled_affair(
    state: &AppState,
    headers: &HeaderMap,
    person: CurrentPerson,
    id: i64,
) -> Result<circulation::Held, AppError> {
    crate::routes::affairs::view(state, id, Some(person), headers).await?;
    let held = circulation::held(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if circulation::levels_of(&state.db, person.id, &held)
        .await?
        .is_empty()
    {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    Ok(held)
}

/// The compound's approved capable persons a handler may ask for help with
/// the affair (the resources list matched to the needs list).
#[utoipa::path(
    get,
    path = "/affairs/{id}/capable-persons",
    tag = "pool",
    params(("id" = i64, Path, description = "The affair's id"), CapableFilter),
    responses(
        (status = 200, description = "Every match (one page)", body = Page<CapablePerson>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a handler of the affair", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
    )
)]
pub async fn list_capable_persons(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(filter): ApiQuery<CapableFilter>,
) -> Result<Json<Page<CapablePerson>>, AppError> {
    let held = handled_affair(&state, &headers, person, id).await?;
    Ok(Json(Page {
        items: pool::capable_persons(
            &state.db,
            held.compound,
            filter.skill_id,
            request_lang(&headers),
        )
        .await?,
        next_cursor: None,
    }))
}

async fn shown_help(state: &AppState, id: i64) -> Result<HelpRequest, AppError> {
    pool::help_request(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// A handler asks a capable person of the compound to help with the affair;
/// they get a notice.
#[utoipa::path(
    post,
    path = "/affairs/{id}/help-requests",
    tag = "pool",
    request_body = NewHelpRequest,
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Asked", body = HelpRequest),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a handler of the affair", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 422, description = "Not an approved capable person of the compound", body = ErrorBody),
    )
)]
pub async fn create_help_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<NewHelpRequest>,
) -> Result<(StatusCode, Json<HelpRequest>), AppError> {
    api_types::validate::optional_text("note", request.note.as_deref(), 500)
        .map_err(|e| AppError::validation(vec![e]))?;
    let held = handled_affair(&state, &headers, person, id).await?;
    let capable = pool::capable_persons(&state.db, held.compound, None, request_lang(&headers))
        .await?
        .iter()
        .any(|c| c.person_id == request.person_id);
    if !capable {
        return Err(AppError::validation(vec![FieldError::new(
            "person_id",
            Rule::Invalid,
        )]));
    }
    let help = pool::ask_for_help(
        &state.db,
        &held,
        person.id,
        request.person_id,
        request.note.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(shown_help(&state, help).await?)))
}

/// The capable person answers or completes a help request.
async fn answer(
    state: &AppState,
    person: CurrentPerson,
    id: i64,
    to: &str,
    minutes: Option<i64>,
) -> Result<(StatusCode, Json<HelpRequest>), AppError> {
    let (affair, helper, _) = pool::help_parties(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if helper != person.id {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let held = circulation::held(&state.db, affair)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    pool::answer_help(&state.db, id, &held, person.id, to, minutes).await?;
    Ok((StatusCode::CREATED, Json(shown_help(state, id).await?)))
}

/// The capable person accepts: it becomes a service that counts hours.
#[utoipa::path(
    post,
    path = "/help-requests/{id}/acceptances",
    tag = "pool",
    params(("id" = i64, Path, description = "The help request's id")),
    responses(
        (status = 201, description = "Accepted", body = HelpRequest),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the person asked", body = ErrorBody),
        (status = 404, description = "No such help request", body = ErrorBody),
        (status = 409, description = "Already answered", body = ErrorBody),
    )
)]
pub async fn create_help_acceptance(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<HelpRequest>), AppError> {
    answer(&state, person, id, "accepted", None).await
}

/// The capable person declines.
#[utoipa::path(
    post,
    path = "/help-requests/{id}/declines",
    tag = "pool",
    params(("id" = i64, Path, description = "The help request's id")),
    responses(
        (status = 201, description = "Declined", body = HelpRequest),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the person asked", body = ErrorBody),
        (status = 404, description = "No such help request", body = ErrorBody),
        (status = 409, description = "Already answered", body = ErrorBody),
    )
)]
pub async fn create_help_decline(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<HelpRequest>), AppError> {
    answer(&state, person, id, "declined", None).await
}

/// The capable person records the service done and how long it took.
#[utoipa::path(
    post,
    path = "/help-requests/{id}/completions",
    tag = "pool",
    request_body = HelpDone,
    params(("id" = i64, Path, description = "The help request's id")),
    responses(
        (status = 201, description = "Done; the minutes count in the record", body = HelpRequest),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the person asked", body = ErrorBody),
        (status = 404, description = "No such help request", body = ErrorBody),
        (status = 409, description = "Not accepted, or already done", body = ErrorBody),
        (status = 422, description = "Minutes out of range", body = ErrorBody),
    )
)]
pub async fn create_help_completion(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(done): ApiJson<HelpDone>,
) -> Result<(StatusCode, Json<HelpRequest>), AppError> {
    if !(1..=1440).contains(&done.minutes) {
        return Err(AppError::validation(vec![FieldError::new(
            "minutes",
            Rule::OutOfRange { min: 1, max: 1440 },
        )]));
    }
    answer(&state, person, id, "done", Some(done.minutes)).await
}

/// The affair's filer rates the help service on the five levels.
#[utoipa::path(
    post,
    path = "/help-requests/{id}/rating",
    tag = "pool",
    request_body = NewRating,
    params(("id" = i64, Path, description = "The help request's id")),
    responses(
        (status = 201, description = "Rated", body = HelpRequest),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the affair's filer", body = ErrorBody),
        (status = 404, description = "No such help request", body = ErrorBody),
        (status = 409, description = "Not done yet, or already rated", body = ErrorBody),
        (status = 422, description = "A poor rating without a reason", body = ErrorBody),
    )
)]
pub async fn create_help_rating(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewRating>,
) -> Result<(StatusCode, Json<HelpRequest>), AppError> {
    rating.validate().map_err(AppError::validation)?;
    let (affair, _, _) = pool::help_parties(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let held = circulation::held(&state.db, affair)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if held.filer != person.id {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    pool::rate_help(
        &state.db,
        id,
        rating.satisfaction.score(),
        rating.comment.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(shown_help(&state, id).await?)))
}

/// A month of the pool at a compound's station: its size, active
/// volunteers, services and hours, places filled of those offered. Public,
/// like the board that shows them.
#[utoipa::path(
    get,
    path = "/pool-figures",
    tag = "pool",
    params(PoolFiguresQuery),
    responses(
        (status = 200, description = "The month's figures", body = PoolFigures),
        (status = 422, description = "The month is not YYYY-MM", body = ErrorBody),
    )
)]
pub async fn get_pool_figures(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PoolFiguresQuery>,
) -> Result<Json<PoolFigures>, AppError> {
    Ok(Json(
        pool::figures(&state.db, query.compound_id, &query.month).await?,
    ))
}

/// An approved capable person forms a studio they lead.
#[utoipa::path(
    post,
    path = "/studios",
    tag = "pool",
    request_body = NewStudio,
    responses(
        (status = 201, description = "Formed; the compound's studios", body = Page<Studio>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an approved capable person of the compound", body = ErrorBody),
        (status = 409, description = "The compound has a studio of that name", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
pub async fn create_studio(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiJson(studio): ApiJson<NewStudio>,
) -> Result<(StatusCode, Json<Page<Studio>>), AppError> {
    studio.validate().map_err(AppError::validation)?;
    if !pool::is_member(&state.db, person.id, studio.compound_id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    pool::create_studio(&state.db, person.id, &studio).await?;
    Ok((
        StatusCode::CREATED,
        Json(studio_page(&state, studio.compound_id).await?),
    ))
}

async fn studio_page(state: &AppState, compound: i64) -> Result<Page<Studio>, AppError> {
    let month = crate::metrics::month_of(crate::db::now_ms(), 0);
    Ok(Page {
        items: pool::studios(&state.db, compound, &month).await?,
        next_cursor: None,
    })
}

/// A compound's studios, with their members and this month's service.
#[utoipa::path(
    get,
    path = "/studios",
    tag = "pool",
    params(StudioFilter),
    responses((status = 200, description = "Every studio (one page)", body = Page<Studio>))
)]
pub async fn list_studios(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<StudioFilter>,
) -> Result<Json<Page<Studio>>, AppError> {
    Ok(Json(studio_page(&state, filter.compound_id).await?))
}

/// An approved capable person of the compound joins a studio.
#[utoipa::path(
    post,
    path = "/studios/{id}/members",
    tag = "pool",
    params(("id" = i64, Path, description = "The studio's id")),
    responses(
        (status = 201, description = "Joined; the compound's studios", body = Page<Studio>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an approved capable person of the compound", body = ErrorBody),
        (status = 404, description = "No such studio", body = ErrorBody),
        (status = 409, description = "Already a member", body = ErrorBody),
    )
)]
pub async fn create_studio_member(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Page<Studio>>), AppError> {
    let compound = pool::studio_compound(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !pool::is_member(&state.db, person.id, compound).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    pool::join_studio(&state.db, id, person.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(studio_page(&state, compound).await?),
    ))
}

/// A member takes the lead of a studio whose lead left (its members were
/// told: `studio_lead_wanted`).
#[utoipa::path(
    post,
    path = "/studios/{id}/lead",
    tag = "pool",
    params(("id" = i64, Path, description = "The studio's id")),
    responses(
        (status = 201, description = "Leading it now; the compound's studios", body = Page<Studio>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a current member of the studio and its pool", body = ErrorBody),
        (status = 404, description = "No such studio", body = ErrorBody),
        (status = 409, description = "The studio has a lead", body = ErrorBody),
    )
)]
pub async fn create_studio_lead(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Page<Studio>>), AppError> {
    let compound = pool::studio_compound(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !pool::is_member(&state.db, person.id, compound).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    pool::take_lead(&state.db, id, person.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(studio_page(&state, compound).await?),
    ))
}

/// The help requests of an affair, for its filer and its handlers.
#[utoipa::path(
    get,
    path = "/affairs/{id}/help-requests",
    tag = "pool",
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 200, description = "Newest first (one page)", body = Page<HelpRequest>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither its filer nor a handler", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
    )
)]
pub async fn list_affair_help_requests(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Page<HelpRequest>>, AppError> {
    crate::routes::affairs::view(&state, id, Some(person), &headers).await?;
    let held = circulation::held(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let handler = !circulation::levels_of(&state.db, person.id, &held)
        .await?
        .is_empty();
    if held.filer != person.id && !handler {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    Ok(Json(Page {
        items: pool::help_requests(&state.db, None, Some(id)).await?,
        next_cursor: None,
    }))
}

/// The help requests asked of the signed-in capable person, newest first.
#[utoipa::path(
    get,
    path = "/me/help-requests",
    tag = "pool",
    responses(
        (status = 200, description = "Newest first (one page)", body = Page<HelpRequest>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list_my_help_requests(
    State(state): State<AppState>,
    person: CurrentPerson,
) -> Result<Json<Page<HelpRequest>>, AppError> {
    Ok(Json(Page {
        items: pool::help_requests(&state.db, Some(person.id), None).await?,
        next_cursor: None,
    }))
}
