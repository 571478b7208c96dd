//! The three rates (响应率 / 解决率 / 满意率) of a station, grid or
//! community for a month in China time, the split by level, and the
//! month's affairs as CSV for staff.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use api_types::ErrorCode;
use api_types::affairs::{Level, Metrics, Ratio, Satisfaction, Scope, Status, parse_month};
use sqlx::Row;
use sqlx::any::AnyRow;

/// China Standard Time, UTC+8 all year.
pub const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The month `YYYY-MM` in China time as Unix milliseconds `[start, end)`.
pub fn month_range(month: &str) -> Option<(i64, i64)> {
    let (year, m) = parse_month(month)?;
    let (next_year, next_month) = if m == 12 {
        (year + 1, 1)
    } else {
        (year, m + 1)
    };
    let ms = |y, m| days_from_civil(y, m, 1) * 86_400_000 - CHINA_OFFSET_MS;
    Some((ms(year, m), ms(next_year, next_month)))
}

/// The month `ms` falls in, in China time, `months_back` months earlier.
pub fn month_of(ms: i64, months_back: u32) -> String {
    let china = crate::db::rfc3339(ms + CHINA_OFFSET_MS);
    let year: i64 = china[..4].parse().unwrap_or(1970);
    let month: i64 = china[5..7].parse().unwrap_or(1);
    let index = year * 12 + month - 1 - i64::from(months_back);
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// `YYYY-MM-DD HH:MM` in China time, for people and spreadsheets.
pub fn china_time(ms: i64) -> String {
    let t = crate::db::rfc3339(ms + CHINA_OFFSET_MS);
    format!("{} {}", &t[..10], &t[11..16])
}

/// The condition selecting a scope's affairs, on `a` (affairs) and `c`
/// (their compounds), with the place bound as `$1`.
fn scope_condition(scope: Scope) -> &'static str {
    match scope {
        Scope::Station => "a.compound_id = $1",
        Scope::Grid => "a.grid_id = $1",
        Scope::Community => "c.community_id = $1",
    }
}

/// The name of a scope's place; `None` if there is no such place.
pub async fn place_name(db: &Db, scope: Scope, place: i64) -> Result<Option<String>, sqlx::Error> {
    let sql = match scope {
        Scope::Station => "SELECT s.name FROM stations s WHERE s.compound_id = $1",
        Scope::Grid => {
            "SELECT c.name || ' · ' || g.name FROM grids g JOIN compounds c ON c.id = g.compound_id WHERE g.id = $1"
        }
        Scope::Community => "SELECT name FROM communities WHERE id = $1",
    };
    sqlx::query_scalar(sql)
        .bind(place)
        .fetch_optional(&db.pool)
        .await
}

struct Counted {
    status: Status,
    level: Level,
    created_at: i64,
    responded_at: Option<i64>,
    resolved_at: Option<i64>,
    responded_in_time: bool,
    late: bool,
    reopened: bool,
    due: Option<i64>,
    score: Option<i64>,
}

fn counted_from_row(row: &AnyRow) -> Result<Counted, sqlx::Error> {
    let bad = || sqlx::Error::Decode("unknown stored status or level".into());
    let status: String = row.try_get("status")?;
    let level: String = row.try_get("level")?;
    let status = Status::parse(&status).ok_or_else(bad)?;
    let due: Option<i64> = match status {
        Status::Open => row.try_get("respond_due_at")?,
        Status::InProgress => row.try_get("resolve_due_at")?,
        Status::Resolved | Status::Closed => None,
    };
    let score: Option<i64> = row.try_get("score")?;
    let re_score: Option<i64> = row.try_get("re_score")?;
    Ok(Counted {
        status,
        level: Level::parse(&level).ok_or_else(bad)?,
        created_at: row.try_get("created_at")?,
        responded_at: row.try_get("responded_at")?,
        resolved_at: row.try_get("resolved_at")?,
        responded_in_time: row.try_get::<i64, _>("responded_in_time")? != 0,
        late: row.try_get::<i64, _>("late")? != 0,
        reopened: row.try_get::<i64, _>("reopened")? > 0,
        due,
        score: re_score.or(score),
    })
}

/// A month's figures for a station, grid or community. 404 for an unknown
/// place, 422 for a malformed month.
///
/// The rule for recomputing them: a month's figures are those of the
/// affairs received in it (China time), read from what each affair itself
/// recorded (accepted in time, late, reopened, its rating). They settle as
/// the month's affairs are closed and do not move after that; nothing about
/// people enters them, so role changes, moves and deleted accounts leave
/// them as they were.
pub async fn month(db: &Db, scope: Scope, place: i64, month: &str) -> Result<Metrics, AppError> {
    let (start, end) = month_range(month).ok_or_else(|| {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    })?;
    let place_name = place_name(db, scope, place)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let sql = format!(
        "SELECT a.status, a.level, a.created_at, a.responded_at, a.resolved_at, a.responded_in_time, \
           a.late, a.reopened, a.respond_due_at, a.resolve_due_at, r.score, r.re_score \
         FROM affairs a JOIN compounds c ON c.id = a.compound_id \
         LEFT JOIN affair_ratings r ON r.affair_id = a.id \
         WHERE {} AND a.created_at >= $2 AND a.created_at < $3",
        scope_condition(scope)
    );
    let rows: Vec<Counted> = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(place)
        .bind(start)
        .bind(end)
        .try_map(|row: AnyRow| counted_from_row(&row))
        .fetch_all(&db.pool)
        .await?;
    let now = now_ms();
    let done = |a: &&Counted| matches!(a.status, Status::Resolved | Status::Closed);
    let handled = |level| {
        rows.iter()
            .filter(done)
            .filter(|a| a.level == level)
            .count() as i64
    };
    let received = rows.len() as i64;
    let rated: Vec<i64> = rows.iter().filter_map(|a| a.score).collect();
    let minutes = |from: i64, to: i64| (to - from) / 60_000;
    Ok(Metrics {
        scope,
        place_id: place,
        place_name,
        month: month.to_owned(),
        received,
        handled_station: handled(Level::Station),
        handled_grid: handled(Level::Grid),
        handled_community: handled(Level::Community),
        response: Ratio {
            count: rows.iter().filter(|a| a.responded_in_time).count() as i64,
            of: received,
        },
        resolution: Ratio {
            count: rows.iter().filter(done).filter(|a| !a.reopened).count() as i64,
            of: received,
        },
        satisfaction: Ratio {
            count: rated
                .iter()
                .filter(|s| Satisfaction::from_score(**s).is_some_and(Satisfaction::satisfied))
                .count() as i64,
            of: rated.len() as i64,
        },
        median_respond_minutes: api_types::affairs::median(
            rows.iter()
                .filter_map(|a| a.responded_at.map(|r| minutes(a.created_at, r)))
                .collect(),
        ),
        median_resolve_minutes: api_types::affairs::median(
            rows.iter()
                .filter(done)
                .filter_map(|a| a.resolved_at.map(|r| minutes(a.created_at, r)))
                .collect(),
        ),
        overdue: rows
            .iter()
            .filter(|a| a.late || a.due.is_some_and(|d| now > d))
            .count() as i64,
    })
}

/// Whether `person` may read a place's affairs in full (for the CSV): staff
/// or a station member at it, someone above it, or the street's admin.
pub async fn may_export(
    db: &Db,
    person: i64,
    scope: Scope,
    place: i64,
) -> Result<bool, sqlx::Error> {
    // The compounds the place covers, and who is above them.
    let compounds = match scope {
        Scope::Station => "SELECT id FROM compounds WHERE id = $2",
        Scope::Grid => "SELECT compound_id FROM grids WHERE id = $2",
        Scope::Community => "SELECT id FROM compounds WHERE community_id = $2",
    };
    let sql = format!(
        "SELECT r.id FROM role_grants r WHERE r.person_id = $1 AND r.revoked_at IS NULL AND ( \
           (r.role = 'street_admin' AND r.street_id IN (SELECT cm.street_id FROM communities cm \
              JOIN compounds c ON c.community_id = cm.id WHERE c.id IN ({compounds}))) \
           OR (r.role IN ('community_staff', 'department_liaison') AND r.community_id IN \
              (SELECT community_id FROM compounds WHERE id IN ({compounds}))) \
           OR ($3 <> 'community' AND r.role = 'station_member' AND r.compound_id IN ({compounds})) \
           OR ($3 = 'grid' AND r.role = 'grid_worker' AND r.grid_id = $2))"
    );
    let scope_name = match scope {
        Scope::Station => "station",
        Scope::Grid => "grid",
        Scope::Community => "community",
    };
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(place)
        .bind(scope_name)
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.is_some())
}

/// A spreadsheet cell: quoted, and never read as a formula.
fn cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The month's affairs of a place as CSV (UTF-8 with a byte-order mark, so
/// spreadsheet programs read the Chinese right), as `viewer` may read it: a
/// private affair they may not see ([`crate::permissions::sees_affair`])
/// keeps its row, so that the sheet's counts match the month's figures,
/// but not its title or where it is ([`WITHHELD`]).
pub async fn csv(
    db: &Db,
    scope: Scope,
    place: i64,
    month: &str,
    viewer: i64,
) -> Result<String, AppError> {
    let (start, end) = month_range(month).ok_or_else(|| {
        AppError::validation(vec![api_types::FieldError::new(
            "month",
            api_types::Rule::Invalid,
        )])
    })?;
    let sql = format!(
        "SELECT a.id, a.created_at, c.name AS compound, k.name_zh AS category, a.title, \
           b.name AS building, a.unit, a.common_area, a.urgent, a.private, a.status, a.level, \
           g.name AS grid, a.responded_at, a.resolved_at, a.closed_at, a.late, a.reopened, \
           r.score, r.re_score, r.recorded_by AS call_back, \
           CASE WHEN {} THEN 1 ELSE 0 END AS seen \
         FROM affairs a JOIN compounds c ON c.id = a.compound_id \
         JOIN affair_categories k ON k.id = a.category_id \
         LEFT JOIN buildings b ON b.id = a.building_id LEFT JOIN grids g ON g.id = a.grid_id \
         LEFT JOIN affair_ratings r ON r.affair_id = a.id \
         WHERE {} AND a.created_at >= $2 AND a.created_at < $3 ORDER BY a.id",
        crate::permissions::sees_affair("a", "$4"),
        scope_condition(scope)
    );
    let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(place)
        .bind(start)
        .bind(end)
        .bind(viewer)
        .fetch_all(&db.pool)
        .await?;
    let mut out = String::from(
        "\u{feff}编号,提交时间,小区,类别,标题,地点,紧急,仅处理人可见,状态,所在层级,网格,首次响应时间,解决时间,办结时间,超时,被重新打开,满意度,回访录入\r\n",
    );
    let time = |v: Option<i64>| v.map(china_time).unwrap_or_default();
    let yes = |v: i64| if v != 0 { "是" } else { "否" };
    for row in rows {
        let building: Option<String> = row.try_get("building")?;
        let unit: Option<String> = row.try_get("unit")?;
        let area: Option<String> = row.try_get("common_area")?;
        let seen = row.try_get::<i64, _>("seen")? == 1;
        let place = if seen {
            [building, unit, area]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            String::new()
        };
        let title: String = if seen {
            row.try_get("title")?
        } else {
            WITHHELD.to_owned()
        };
        let status: String = row.try_get("status")?;
        let level: String = row.try_get("level")?;
        let score: Option<i64> = row.try_get("score")?;
        let re_score: Option<i64> = row.try_get("re_score")?;
        let satisfaction = re_score
            .or(score)
            .and_then(Satisfaction::from_score)
            .map(satisfaction_zh)
            .unwrap_or_default();
        let fields = [
            row.try_get::<i64, _>("id")?.to_string(),
            china_time(row.try_get("created_at")?),
            row.try_get("compound")?,
            row.try_get("category")?,
            title,
            place,
            yes(row.try_get("urgent")?).to_owned(),
            yes(row.try_get("private")?).to_owned(),
            status_zh(&status).to_owned(),
            level_zh(&level).to_owned(),
            row.try_get::<Option<String>, _>("grid")?
                .unwrap_or_default(),
            time(row.try_get("responded_at")?),
            time(row.try_get("resolved_at")?),
            time(row.try_get("closed_at")?),
            yes(row.try_get("late")?).to_owned(),
            row.try_get::<i64, _>("reopened")?.to_string(),
            satisfaction.to_owned(),
            if row.try_get::<Option<i64>, _>("call_back")?.is_some() {
                "是"
            } else {
                ""
            }
            .to_owned(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// The title the export writes for a private affair its reader may not
/// see.
pub const WITHHELD: &str = "（私密事项，仅经办人可见）";

fn status_zh(status: &str) -> &'static str {
    match status {
        "open" => "待受理",
        "in_progress" => "办理中",
        "resolved" => "已解决待确认",
        "closed" => "已办结",
        _ => "",
    }
}

fn level_zh(level: &str) -> &'static str {
    match level {
        "station" => "互助站（自议）",
        "grid" => "网格（共议）",
        "community" => "社区/部门（商议）",
        _ => "",
    }
}

fn satisfaction_zh(s: Satisfaction) -> &'static str {
    match s {
        Satisfaction::VerySatisfied => "非常满意",
        Satisfaction::Satisfied => "满意",
        Satisfaction::Fair => "基本满意",
        Satisfaction::Dissatisfied => "不满意",
        Satisfaction::VeryDissatisfied => "非常不满意",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_china_time() {
        // 2026-11-01 00:00 in Beijing is 2026-10-31 16:00 UTC.
        let (start, end) = month_range("2026-11").unwrap();
        assert_eq!(crate::db::rfc3339(start), "2026-10-31T16:00:00Z");
        assert_eq!(crate::db::rfc3339(end), "2026-11-30T16:00:00Z");
        let (_, december_end) = month_range("2026-12").unwrap();
        assert_eq!(crate::db::rfc3339(december_end), "2026-12-31T16:00:00Z");
        assert_eq!(month_of(start, 0), "2026-11");
        assert_eq!(month_of(start - 1, 0), "2026-10");
        assert_eq!(month_of(start, 11), "2025-12");
        assert_eq!(china_time(start), "2026-11-01 00:00");
    }

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("a\"b"), "\"a\"\"b\"");
        assert_eq!(cell("=SUM(A1)"), "\"'=SUM(A1)\"");
    }
}
