//! Micro-affairs: categories, filing, reading, "me too", the handlers'
//! queue and acts, assignment, rating and follow-up.

use crate::auth::{self, CurrentPerson, MaybePerson};
use crate::error::{AppError, request_lang};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::places::paging;
use crate::{AppState, affairs, circulation, people, permissions, ratings};
use api_types::affairs::{
    Affair, AffairFilter, Assignment, Category, CategoryFilter, Channel, FollowUp, Move,
    NewCategory, NewRating, NewRecordedAffair, QueueFilter, Seconded, Status,
};
use api_types::identity::normalize_phone;
use api_types::page::page_from_rows;
use api_types::{ErrorBody, ErrorCode, FieldError, Lang, Page, PageParams, Rule};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The affair routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(create_affair, list_affairs))
        .routes(routes!(get_affair))
        .routes(routes!(create_second))
        .routes(routes!(create_event))
        .routes(routes!(put_assignee))
        .routes(routes!(create_rating))
        .routes(routes!(create_call_back_rating))
        .routes(routes!(create_follow_up))
        .routes(routes!(create_re_rating))
        .routes(routes!(list_queue))
        .routes(routes!(list_similar))
}

/// A street's affair categories with their filing hints.
#[utoipa::path(
    get,
    path = "/categories",
    tag = "affairs",
    params(CategoryFilter),
    responses((status = 200, description = "Every category of the street, in order (one page)", body = Page<Category>))
)]
pub async fn list_categories(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(filter): ApiQuery<CategoryFilter>,
) -> Result<Json<Page<Category>>, AppError> {
    let items = affairs::categories(&state.db, filter.street_id, request_lang(&headers)).await?;
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Adds a category to a street's list (its street admin), with the hint
/// shown while filing.
#[utoipa::path(
    post,
    path = "/categories",
    tag = "affairs",
    request_body = NewCategory,
    responses(
        (status = 201, description = "Added, in the request's language", body = Category),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the street's admin", body = ErrorBody),
        (status = 409, description = "The street already has this code", body = ErrorBody),
        (status = 422, description = "A field breaks a rule", body = ErrorBody),
    )
)]
pub async fn create_category(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiJson(category): ApiJson<NewCategory>,
) -> Result<(StatusCode, Json<Category>), AppError> {
    category.validate().map_err(AppError::validation)?;
    if !circulation::is_street_admin(&state.db, person.id, category.street_id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let id = affairs::add_category(&state.db, &category).await?;
    affairs::categories(&state.db, category.street_id, request_lang(&headers))
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .map(|c| (StatusCode::CREATED, Json(c)))
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Files an affair: open at the compound's station. Its station members and
/// its community's staff may record it for a resident who phoned or came
/// in, with `on_behalf`.
#[utoipa::path(
    post,
    path = "/affairs",
    tag = "affairs",
    request_body = NewRecordedAffair,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Filed (with `on_behalf`: recorded for that resident, who is the filer)", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "`on_behalf` from someone who does not keep the compound's register", body = ErrorBody),
        (status = 422, description = "A field breaks a rule, or names another street's category or compound's building", body = ErrorBody),
    )
)]
pub async fn create_affair(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiJson(recorded): ApiJson<NewRecordedAffair>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    recorded.validate().map_err(AppError::validation)?;
    let affair = &recorded.affair;
    let db = &state.db;
    let invalid = |field: &str| AppError::validation(vec![FieldError::new(field, Rule::Invalid)]);
    let private_default = affairs::category_default(db, affair.category_id, affair.compound_id)
        .await?
        .ok_or_else(|| invalid("category_id"))?;
    if let Some(building) = affair.building_id
        && !affairs::building_in_compound(db, building, affair.compound_id).await?
    {
        return Err(invalid("building_id"));
    }
    let lang = request_lang(&headers);
    let (filer, recorder) = match &recorded.on_behalf {
        None => (person.id, None),
        Some(on_behalf) => {
            // Those who keep the register and handle the compound's affairs
            // (so they can see what they recorded): its station and its
            // community's staff.
            permissions::require_acts_for_residents(db, person.id, affair.compound_id).await?;
            let phone = normalize_phone("on_behalf.phone", &on_behalf.phone)
                .map_err(|e| AppError::validation(vec![e]))?;
            let filer = auth::person_for_phone(db, &phone, on_behalf.name.as_deref()).await?;
            let name = people::name_of(db, person.id).await?;
            (
                filer,
                Some((
                    on_behalf.channel,
                    recorded_note(lang, &name, on_behalf.channel),
                )),
            )
        }
    };
    let id = affairs::file(
        db,
        filer,
        affair,
        affair.private.unwrap_or(private_default),
        recorder
            .as_ref()
            .map(|(channel, note)| (person.id, *channel, note.as_str())),
    )
    .await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// The affair as `viewer` may see it: a private one only for those
/// [`permissions::sees_affair`] names (404 for anyone else, as for an
/// affair that does not exist); the filer's name, the assignee, the
/// timeline and the rating for them, and of a public affair for its filer,
/// the compound's handlers and a capable person asked to help.
pub async fn view(
    state: &AppState,
    id: i64,
    viewer: Option<CurrentPerson>,
    headers: &HeaderMap,
) -> Result<Affair, AppError> {
    let db = &state.db;
    let viewer_id = viewer.map_or(0, |p| p.id);
    let stored = affairs::load(db, id, viewer_id, request_lang(headers))
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let involved = if stored.affair.private {
        viewer.is_some() && permissions::may_see_affair(db, viewer_id, id).await?
    } else {
        stored.filer == viewer_id
            || (viewer.is_some()
                && (permissions::handles_compound(db, viewer_id, stored.affair.compound_id)
                    .await?
                    || crate::pool::is_helper(db, viewer_id, id).await?))
    };
    if stored.affair.private && !involved {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let mut affair = stored.affair;
    let photos = affairs::photos_of(db, id).await?;
    affair.photo_ids = photos
        .iter()
        .filter(|(event, _)| event.is_none())
        .map(|(_, p)| *p)
        .collect();
    if involved {
        affair.timeline = Some(affairs::timeline(db, id, &photos).await?);
        affair.rating = ratings::load(db, id).await?;
        if let Some(held) = circulation::held(db, id).await? {
            affair.viewer_levels = circulation::levels_of(db, viewer_id, &held).await?;
        }
    } else {
        affair.filer_name = None;
        affair.assignee_name = None;
    }
    Ok(affair)
}

/// One affair.
#[utoipa::path(
    get,
    path = "/affairs/{id}",
    tag = "affairs",
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 200, description = "The affair; its timeline and filer for the filer and handlers", body = Affair),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
    )
)]
pub async fn get_affair(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Affair>, AppError> {
    Ok(Json(view(&state, id, person.0, &headers).await?))
}

/// A compound's affairs, newest first: public ones for everyone, and the
/// private ones the viewer may see ([`permissions::sees_affair`]).
#[utoipa::path(
    get,
    path = "/affairs",
    tag = "affairs",
    params(PageParams, AffairFilter),
    responses((status = 200, description = "A page of affairs (without timelines)", body = Page<Affair>))
)]
pub async fn list_affairs(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<AffairFilter>,
) -> Result<Json<Page<Affair>>, AppError> {
    let (limit, after) = paging(&page)?;
    let viewer = person.0.map_or(0, |p| p.id);
    let handler =
        viewer != 0 && permissions::handles_compound(&state.db, viewer, filter.compound_id).await?;
    let rows = affairs::list(
        &state.db,
        affairs::ListQuery {
            compound: filter.compound_id,
            status: filter.status,
            viewer,
            mine: filter.mine,
            before_id: if after == 0 { i64::MAX } else { after },
            limit: limit + 1,
            lang: request_lang(&headers),
        },
    )
    .await?;
    let page = page_from_rows(rows, limit, |s| s.affair.id);
    Ok(Json(Page {
        items: shown(page.items, viewer, handler),
        next_cursor: page.next_cursor,
    }))
}

/// Listed affairs, without the names a viewer who neither filed nor
/// handles them may not see.
fn shown(rows: Vec<affairs::Stored>, viewer: i64, handler: bool) -> Vec<Affair> {
    rows.into_iter()
        .map(|s| {
            let involved = handler || s.filer == viewer;
            Affair {
                filer_name: s.affair.filer_name.filter(|_| involved),
                assignee_name: s.affair.assignee_name.filter(|_| involved),
                ..s.affair
            }
        })
        .collect()
}

/// "Me too" (附议) on a neighbour's open public affair, instead of filing
/// the same thing again.
#[utoipa::path(
    post,
    path = "/affairs/{id}/seconds",
    tag = "affairs",
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Counted", body = Seconded),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "One's own affair, or no longer open (saying it again answers 201)", body = ErrorBody),
    )
)]
pub async fn create_second(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Seconded>), AppError> {
    let affair = view(&state, id, Some(person), &headers).await?;
    let still_open = matches!(affair.status, Status::Open | Status::InProgress);
    if affair.mine || affair.private || !still_open {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    let seconds = affairs::second(&state.db, id, person.id).await?;
    Ok((StatusCode::CREATED, Json(Seconded { seconds })))
}

/// The affair `id` as a move sees it, 404 if the person may not see it.
async fn held_for(
    state: &AppState,
    id: i64,
    person: CurrentPerson,
    headers: &HeaderMap,
) -> Result<circulation::Held, AppError> {
    view(state, id, Some(person), headers).await?;
    circulation::held(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// An act on an affair by a handler (accept, pass to the grid, escalate,
/// hand back, resolve) or by its filer (confirm, reopen), with its note.
#[utoipa::path(
    post,
    path = "/affairs/{id}/events",
    tag = "affairs",
    request_body = Move,
    params(
        ("id" = i64, Path, description = "The affair's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
    ),
    responses(
        (status = 201, description = "Done; the affair as it now stands", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Possible, but not by this person (another grid's worker...)", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "Not possible from where the affair stands, or it moved meanwhile", body = ErrorBody),
        (status = 422, description = "A missing note, or a grid, member or photo that does not fit", body = ErrorBody),
    )
)]
pub async fn create_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(step): ApiJson<Move>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    step.validate().map_err(AppError::validation)?;
    let held = held_for(&state, id, person, &headers).await?;
    let checked = circulation::Step {
        act: step.act,
        person: person.id,
        note: step.note.as_deref(),
        grid: step.grid_id,
        assignee: step.assignee_id,
        photo_ids: &step.photo_ids,
    };
    let next = circulation::check(&state.db, &held, &checked).await?;
    circulation::record(&state.db, &held, &checked, next).await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// Hands the affair to another member of the level holding it.
#[utoipa::path(
    put,
    path = "/affairs/{id}/assignee",
    tag = "affairs",
    request_body = Assignment,
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 200, description = "Assigned", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a handler of the level holding it", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "Finished affairs are not assigned", body = ErrorBody),
        (status = 422, description = "The person does not handle it at that level", body = ErrorBody),
    )
)]
pub async fn put_assignee(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(assignment): ApiJson<Assignment>,
) -> Result<Json<Affair>, AppError> {
    let held = held_for(&state, id, person, &headers).await?;
    circulation::assign(&state.db, &held, person.id, assignment.person_id).await?;
    Ok(Json(view(&state, id, Some(person), &headers).await?))
}

/// The filer rates the handling of a resolved affair (confirming it); the
/// bottom two levels need a reason and open a follow-up.
#[utoipa::path(
    post,
    path = "/affairs/{id}/rating",
    tag = "affairs",
    request_body = NewRating,
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Rated", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Only the filer rates", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "Not resolved yet, or already rated", body = ErrorBody),
        (status = 422, description = "A poor rating without a reason", body = ErrorBody),
    )
)]
pub async fn create_rating(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewRating>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    rating.validate().map_err(AppError::validation)?;
    let held = held_for(&state, id, person, &headers).await?;
    ratings::rate(&state.db, &held, person.id, &rating, None).await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// The timeline's note on an affair staff recorded for its filer.
fn recorded_note(lang: Lang, by: &str, channel: Channel) -> String {
    let how = |zh: &'static str, en: &'static str| if lang == Lang::Zh { zh } else { en };
    let how = match channel {
        Channel::PhoneCall => how("电话", "phone call"),
        Channel::Visit => how("来访", "came in"),
        Channel::WechatGroup => how("微信群", "WeChat group"),
    };
    match lang {
        Lang::Zh => format!("由{by}代为登记（{how}）"),
        Lang::En => format!("Recorded by {by} ({how})"),
    }
}

/// The station or community staff record the filer's rating from a
/// call-back (回访), for an affair recorded for its filer (代办: an elder
/// who phoned the station); the rating's timeline step is theirs, marked
/// 回访录入, and the month's CSV export marks it (回访录入).
#[utoipa::path(
    post,
    path = "/affairs/{id}/call-back-ratings",
    tag = "affairs",
    request_body = NewRating,
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Rated on the filer's behalf", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not recorded for its filer, or not the station's or community's staff", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "Not resolved yet, or already rated", body = ErrorBody),
        (status = 422, description = "A poor rating without a reason", body = ErrorBody),
    )
)]
pub async fn create_call_back_rating(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewRating>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    rating.validate().map_err(AppError::validation)?;
    let held = held_for(&state, id, person, &headers).await?;
    let label = match request_lang(&headers) {
        Lang::Zh => "回访录入",
        Lang::En => "Recorded from a call-back",
    };
    ratings::rate(&state.db, &held, person.id, &rating, Some(label)).await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// A handler records the call-back after a poor rating.
#[utoipa::path(
    post,
    path = "/affairs/{id}/rating/follow-up",
    tag = "affairs",
    request_body = FollowUp,
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Recorded", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a handler of the affair", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "No poor rating waits for a follow-up", body = ErrorBody),
        (status = 422, description = "The note is missing or too long", body = ErrorBody),
    )
)]
pub async fn create_follow_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(follow_up): ApiJson<FollowUp>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    follow_up.validate().map_err(AppError::validation)?;
    let held = held_for(&state, id, person, &headers).await?;
    ratings::follow_up(&state.db, &held, person.id, &follow_up).await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// The filer rates again after the follow-up; this verdict counts.
#[utoipa::path(
    post,
    path = "/affairs/{id}/rating/re-rating",
    tag = "affairs",
    request_body = NewRating,
    params(("id" = i64, Path, description = "The affair's id")),
    responses(
        (status = 201, description = "Rated again", body = Affair),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Only the filer rates", body = ErrorBody),
        (status = 404, description = "Absent, or private and not yours", body = ErrorBody),
        (status = 409, description = "No follow-up recorded yet, or already rated again", body = ErrorBody),
        (status = 422, description = "A poor rating without a reason", body = ErrorBody),
    )
)]
pub async fn create_re_rating(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewRating>,
) -> Result<(StatusCode, Json<Affair>), AppError> {
    rating.validate().map_err(AppError::validation)?;
    let held = held_for(&state, id, person, &headers).await?;
    ratings::re_rate(&state.db, &held, person.id, &rating).await?;
    let shown = view(&state, id, Some(person), &headers).await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// The signed-in handler's queue: what their levels hold and what is
/// assigned to them, overdue first, then urgent, then oldest.
#[utoipa::path(
    get,
    path = "/affair-queue",
    tag = "affairs",
    params(QueueFilter),
    responses(
        (status = 200, description = "At most 200 affairs (one page)", body = Page<Affair>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list_queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: CurrentPerson,
    ApiQuery(filter): ApiQuery<QueueFilter>,
) -> Result<Json<Page<Affair>>, AppError> {
    let rows = affairs::queue(
        &state.db,
        affairs::QueueQuery {
            person: person.id,
            compound: filter.compound_id,
            category: filter.category_id,
            status: filter.status,
            view: filter.view,
            lang: request_lang(&headers),
        },
    )
    .await?;
    Ok(Json(Page {
        items: shown(rows, person.id, true),
        next_cursor: None,
    }))
}

/// `?compound_id=&category_id=&title=` of the similar-affair suggestions.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SimilarQuery {
    /// The compound being filed for.
    pub compound_id: i64,
    /// The chosen category.
    pub category_id: i64,
    /// The title typed so far.
    pub title: String,
}

/// Open public affairs of the compound and category with a similar title,
/// offered before filing so a neighbour can say "me too" instead.
#[utoipa::path(
    get,
    path = "/similar-affairs",
    tag = "affairs",
    params(SimilarQuery),
    responses((status = 200, description = "At most three, most alike first (one page)", body = Page<Affair>))
)]
pub async fn list_similar(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    ApiQuery(query): ApiQuery<SimilarQuery>,
) -> Result<Json<Page<Affair>>, AppError> {
    let viewer = person.0.map_or(0, |p| p.id);
    let rows = affairs::similar(
        &state.db,
        query.compound_id,
        query.category_id,
        &query.title,
        viewer,
        request_lang(&headers),
    )
    .await?;
    Ok(Json(Page {
        items: shown(rows, viewer, false),
        next_cursor: None,
    }))
}
