//! Service units: listing them, residents' monthly ratings, the liaison's
//! answers, and the monthly report.

use crate::auth::{CurrentPerson, MaybePerson};
use crate::consultations::is_community_staff;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{AppState, metrics, units};
use api_types::affairs::NewRating;
use api_types::units::{
    CommunityReports, NewUnit, NewUnitRating, Report, Unit, UnitAnswer, UnitRecord,
};
use api_types::validate::required_text;
use api_types::{ErrorBody, ErrorCode, Page};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The service-unit routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_unit, list_units))
        .routes(routes!(update_unit, retire_unit))
        .routes(routes!(list_community_units))
        .routes(routes!(put_my_rating))
        .routes(routes!(get_report))
        .routes(routes!(export_report))
        .routes(routes!(create_answer))
        .routes(routes!(create_re_rating))
        .routes(routes!(get_community_reports))
}

fn this_month() -> String {
    metrics::month_of(crate::db::now_ms(), 0)
}

/// Community staff list a unit serving some of their compounds.
#[utoipa::path(
    post,
    path = "/service-units",
    tag = "units",
    request_body = NewUnit,
    responses(
        (status = 201, description = "Listed", body = Unit),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff of the community", body = ErrorBody),
        (status = 422, description = "No name, a compound of another community, or a liaison's number nobody signed in with", body = ErrorBody),
    )
)]
pub async fn create_unit(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiJson(unit): ApiJson<NewUnit>,
) -> Result<(StatusCode, Json<Unit>), AppError> {
    unit.validate().map_err(AppError::validation)?;
    if !is_community_staff(&state.db, person.id, unit.community_id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let liaison = liaison(&state, &unit).await?;
    let id = units::create(&state.db, &unit, liaison).await?;
    Ok((
        StatusCode::CREATED,
        Json(Unit {
            id,
            name: unit.name.trim().to_owned(),
            kind: unit.kind,
            mine: None,
        }),
    ))
}

/// The liaison's id from their number; 422 if nobody signed in with it.
async fn liaison(state: &AppState, unit: &NewUnit) -> Result<Option<i64>, AppError> {
    let Some(raw) = unit.liaison() else {
        return Ok(None);
    };
    let phone = api_types::identity::normalize_phone("liaison_phone", raw)
        .map_err(|e| AppError::validation(vec![e]))?;
    crate::roles::person_by_phone(&state.db, &phone)
        .await?
        .map(Some)
        .ok_or_else(|| {
            AppError::validation(vec![api_types::FieldError::new(
                "liaison_phone",
                api_types::Rule::Unknown,
            )])
        })
}

/// The unit's community, after checking `person` is its staff.
async fn kept_by(state: &AppState, person: i64, id: i64) -> Result<i64, AppError> {
    let (_, community, _) = units::unit(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if is_community_staff(&state.db, person, community).await? {
        Ok(community)
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

/// Community staff change a unit: its name, kind, compounds and liaison.
#[utoipa::path(
    put,
    path = "/service-units/{id}",
    tag = "units",
    request_body = NewUnit,
    params(("id" = i64, Path, description = "The unit's id")),
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff of its community", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
        (status = 422, description = "No name, another community, a compound of another community, or an unknown liaison", body = ErrorBody),
    )
)]
pub async fn update_unit(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(unit): ApiJson<NewUnit>,
) -> Result<StatusCode, AppError> {
    unit.validate().map_err(AppError::validation)?;
    if kept_by(&state, person.id, id).await? != unit.community_id {
        return Err(AppError::validation(vec![api_types::FieldError::new(
            "community_id",
            api_types::Rule::Invalid,
        )]));
    }
    let liaison = liaison(&state, &unit).await?;
    units::update(&state.db, id, &unit, liaison).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Community staff retire a unit that no longer serves them: residents no
/// longer see or rate it, its reports stay.
#[utoipa::path(
    delete,
    path = "/service-units/{id}",
    tag = "units",
    params(("id" = i64, Path, description = "The unit's id")),
    responses(
        (status = 204, description = "Retired (or already retired)"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff of its community", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
    )
)]
pub async fn retire_unit(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    kept_by(&state, person.id, id).await?;
    units::retire(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The community's units in service with their compounds and liaisons,
/// for its staff to keep.
#[utoipa::path(
    get,
    path = "/communities/{id}/service-units",
    tag = "units",
    params(("id" = i64, Path, description = "The community's id")),
    responses(
        (status = 200, description = "Every unit (one page)", body = Page<UnitRecord>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff of the community", body = ErrorBody),
    )
)]
pub async fn list_community_units(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Page<UnitRecord>>, AppError> {
    if !is_community_staff(&state.db, person.id, id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    Ok(Json(Page {
        items: units::records(&state.db, id).await?,
        next_cursor: None,
    }))
}

/// `?compound_id=` of the unit list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UnitFilter {
    /// The compound.
    pub compound_id: i64,
}

/// The units serving a compound, with the viewer's rating this month.
#[utoipa::path(
    get,
    path = "/service-units",
    tag = "units",
    params(UnitFilter),
    responses((status = 200, description = "Every unit (one page)", body = Page<Unit>))
)]
pub async fn list_units(
    State(state): State<AppState>,
    person: MaybePerson,
    ApiQuery(filter): ApiQuery<UnitFilter>,
) -> Result<Json<Page<Unit>>, AppError> {
    let viewer = person.0.map_or(0, |p| p.id);
    Ok(Json(Page {
        items: units::serving(&state.db, filter.compound_id, viewer, &this_month()).await?,
        next_cursor: None,
    }))
}

/// A verified resident of a compound the unit serves rates it for this
/// month; a second rating in the month replaces the first.
#[utoipa::path(
    put,
    path = "/service-units/{id}/ratings/mine",
    tag = "units",
    request_body = NewUnitRating,
    params(("id" = i64, Path, description = "The unit's id")),
    responses(
        (status = 200, description = "Rated", body = Unit),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a verified resident of a compound it serves", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
        (status = 422, description = "A bad rating without what went wrong, or an aspect out of range", body = ErrorBody),
    )
)]
pub async fn put_my_rating(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewUnitRating>,
) -> Result<Json<Unit>, AppError> {
    rating.validate().map_err(AppError::validation)?;
    if units::unit(&state.db, id).await?.is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    if !units::may_rate(&state.db, person.id, id).await? {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let month = this_month();
    units::rate(&state.db, id, person.id, &month, &rating).await?;
    Ok(Json(units::listed(&state.db, id, person.id, &month).await?))
}

/// `?month=` of a report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// `YYYY-MM`, in China time.
    #[param(pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
}

/// The unit's name, after checking `person` may read its report: staff of
/// its community, or its own liaison.
async fn readable(state: &AppState, person: i64, id: i64) -> Result<String, AppError> {
    let (name, community, liaison) = units::unit(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if liaison == Some(person) || is_community_staff(&state.db, person, community).await? {
        Ok(name)
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

/// A unit's monthly report: ratings, the five-level distribution,
/// satisfaction with counts (small samples marked), aspects, answered and
/// fixed shares, the twelve-month trend, and this month's comments without
/// who wrote them.
#[utoipa::path(
    get,
    path = "/service-units/{id}/report",
    tag = "units",
    params(("id" = i64, Path, description = "The unit's id"), ReportQuery),
    responses(
        (status = 200, description = "The report", body = Report),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor its liaison", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
        (status = 422, description = "The month is not YYYY-MM", body = ErrorBody),
    )
)]
pub async fn get_report(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Json<Report>, AppError> {
    let name = readable(&state, person.id, id).await?;
    Ok(Json(
        units::report(&state.db, id, &name, &query.month).await?,
    ))
}

/// The report as CSV, to take to the unit.
#[utoipa::path(
    get,
    path = "/service-units/{id}/report/export",
    tag = "units",
    params(("id" = i64, Path, description = "The unit's id"), ReportQuery),
    responses(
        (status = 200, description = "CSV, UTF-8 with a byte-order mark", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither staff of its community nor its liaison", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
        (status = 422, description = "The month is not YYYY-MM", body = ErrorBody),
    )
)]
pub async fn export_report(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<impl IntoResponse, AppError> {
    let name = readable(&state, person.id, id).await?;
    let r = units::report(&state.db, id, &name, &query.month).await?;
    let cell = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let mut csv =
        String::from("\u{feff}月份,评价数,非常满意,满意,基本满意,不满意,非常不满意,满意率\r\n");
    for m in &r.trend {
        let rate = if m.ratings > 0 {
            format!("{}/{}", m.satisfied, m.ratings)
        } else {
            String::new()
        };
        let levels = if m.month == r.month {
            r.distribution.map(|n| n.to_string()).join(",")
        } else {
            ",,,,".to_owned()
        };
        csv.push_str(&format!("{},{},{levels},{rate}\r\n", m.month, m.ratings));
    }
    csv.push_str("\r\n评分,意见,答复,已整改,整改后评分\r\n");
    for c in &r.comments {
        csv.push_str(&format!(
            "{},{},{},{},{}\r\n",
            c.score,
            cell(c.comment.trim_start_matches(['=', '+', '-', '@'])),
            cell(c.answer.as_deref().unwrap_or("")),
            if c.fixed { "是" } else { "否" },
            c.re_score.map(|s| s.to_string()).unwrap_or_default()
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"unit-report.csv\"",
            ),
        ],
        csv,
    ))
}

/// The unit's liaison (or community staff) answers a rating: the call-back
/// and whether it is fixed.
#[utoipa::path(
    post,
    path = "/unit-ratings/{id}/answers",
    tag = "units",
    request_body = UnitAnswer,
    params(("id" = i64, Path, description = "The rating's id")),
    responses(
        (status = 204, description = "Answered"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither its liaison nor staff of its community", body = ErrorBody),
        (status = 404, description = "No such rating", body = ErrorBody),
        (status = 409, description = "Already answered", body = ErrorBody),
        (status = 422, description = "No note", body = ErrorBody),
    )
)]
pub async fn create_answer(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(answer): ApiJson<UnitAnswer>,
) -> Result<StatusCode, AppError> {
    required_text("note", &answer.note, 500).map_err(|e| AppError::validation(vec![e]))?;
    let (unit, rater) = units::rating_parties(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    readable(&state, person.id, unit).await?;
    units::answer(&state.db, id, rater, person.id, &answer.note, answer.fixed).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The rater rates the fix, once answered.
#[utoipa::path(
    post,
    path = "/unit-ratings/{id}/re-ratings",
    tag = "units",
    request_body = NewRating,
    params(("id" = i64, Path, description = "The rating's id")),
    responses(
        (status = 204, description = "Rated"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the rater", body = ErrorBody),
        (status = 404, description = "No such rating", body = ErrorBody),
        (status = 409, description = "Not answered yet, or already rated again", body = ErrorBody),
    )
)]
pub async fn create_re_rating(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewRating>,
) -> Result<StatusCode, AppError> {
    rating.validate().map_err(AppError::validation)?;
    let (_, rater) = units::rating_parties(&state.db, id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if rater != person.id {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    units::re_rate(&state.db, id, rating.satisfaction.score()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every report of a community's month side by side, for its staff: each
/// service unit, each compound's station (from its affairs' ratings) and
/// the volunteers (from their services' ratings). Comments are on each
/// unit's own report.
#[utoipa::path(
    get,
    path = "/communities/{id}/service-reports",
    tag = "units",
    params(("id" = i64, Path, description = "The community's id"), ReportQuery),
    responses(
        (status = 200, description = "The reports", body = CommunityReports),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff of the community", body = ErrorBody),
        (status = 404, description = "No such community", body = ErrorBody),
        (status = 422, description = "The month is not YYYY-MM", body = ErrorBody),
    )
)]
pub async fn get_community_reports(
    State(state): State<AppState>,
    person: CurrentPerson,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Json<CommunityReports>, AppError> {
    if !is_community_staff(&state.db, person.id, id).await? {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM communities WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await?;
        return Err(AppError::new(match exists {
            Some(_) => ErrorCode::Forbidden,
            None => ErrorCode::NotFound,
        }));
    }
    units::community_reports(&state.db, id, &query.month)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}
