//! Rating the community's service units (property company, water, power,
//! gas, canteen, clinic, city management, the stations) once a month, and
//! the monthly report taken to each unit.
//!
//! [`report`] is the arithmetic: the five-level distribution, satisfaction
//! with its counts, aspect scores, the share of bad ratings answered and
//! fixed, the trend, and small samples marked as such.

use crate::affairs::{Ratio, Satisfaction};
use crate::validate::{Checks, FieldError, Rule, optional_text, required_text};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Fewer ratings than this are a small sample: shown, but not as a
/// confident percentage.
pub const SMALL_SAMPLE: i64 = 10;

/// What kind of unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 物业
    Property,
    /// 供水
    Water,
    /// 供电
    Power,
    /// 燃气
    Gas,
    /// 食堂
    Canteen,
    /// 卫生站
    Clinic,
    /// 城管
    CityManagement,
    /// 互助站
    Station,
}

impl UnitKind {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Property => "property",
            UnitKind::Water => "water",
            UnitKind::Power => "power",
            UnitKind::Gas => "gas",
            UnitKind::Canteen => "canteen",
            UnitKind::Clinic => "clinic",
            UnitKind::CityManagement => "city_management",
            UnitKind::Station => "station",
        }
    }

    /// Every kind, in the order staff choose from.
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Property,
        UnitKind::Water,
        UnitKind::Power,
        UnitKind::Gas,
        UnitKind::Canteen,
        UnitKind::Clinic,
        UnitKind::CityManagement,
        UnitKind::Station,
    ];

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// `POST /api/v1/service-units`: community staff list a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewUnit {
    /// The community.
    pub community_id: i64,
    /// Its name (e.g. 海景物业服务中心).
    pub name: String,
    /// What kind.
    pub kind: UnitKind,
    /// The compounds it serves.
    pub compound_ids: Vec<i64>,
    /// Its liaison's mobile number (they must have signed in once): the
    /// person who answers bad ratings. Without one, the community's staff
    /// do.
    pub liaison_phone: Option<String>,
}

impl NewUnit {
    /// Every rule the unit breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks.check(required_text("name", &self.name, 40));
        if self.compound_ids.is_empty() {
            checks.check(Err(FieldError::new("compound_ids", Rule::Required)));
        }
        if let Some(phone) = self.liaison() {
            checks.check(crate::identity::normalize_phone("liaison_phone", phone).map(|_| ()));
        }
        checks.finish()
    }

    /// The liaison's number, if one was given (a blank one is none).
    pub fn liaison(&self) -> Option<&str> {
        self.liaison_phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

/// A unit as its community's staff keep it: `GET
/// /api/v1/communities/{id}/service-units`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnitRecord {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What kind.
    pub kind: UnitKind,
    /// The compounds it serves.
    pub compound_ids: Vec<i64>,
    /// Its liaison's name, if it has one.
    pub liaison_name: Option<String>,
    /// Its liaison's number.
    pub liaison_phone: Option<String>,
}

/// A unit as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Unit {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What kind.
    pub kind: UnitKind,
    /// The viewer's rating this month, if any, with the liaison's answer.
    pub mine: Option<MyUnitRating>,
}

/// The viewer's own rating of a unit this month: the rater sees the
/// liaison's call-back and may then rate the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MyUnitRating {
    /// The rating's id (for `/unit-ratings/{id}/re-ratings`).
    pub rating_id: i64,
    /// 1 to 5.
    pub score: i64,
    /// The liaison's answer, if any.
    pub answer: Option<String>,
    /// Whether they recorded it fixed.
    pub fixed: bool,
    /// The rater's score after the fix, if given.
    pub re_score: Option<i64>,
}

/// `PUT /api/v1/service-units/{id}/ratings/mine`: this month's rating; a
/// second one in the month replaces the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewUnitRating {
    /// How satisfied overall.
    pub satisfaction: Satisfaction,
    /// Attitude, 1 to 5 (optional).
    pub attitude: Option<i64>,
    /// Speed, 1 to 5 (optional).
    pub speed: Option<i64>,
    /// Result, 1 to 5 (optional).
    pub result: Option<i64>,
    /// A comment; what went wrong, required for the bottom two levels.
    pub comment: Option<String>,
}

impl NewUnitRating {
    /// Every rule the rating breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        for (field, value) in [
            ("attitude", self.attitude),
            ("speed", self.speed),
            ("result", self.result),
        ] {
            if value.is_some_and(|v| !(1..=5).contains(&v)) {
                checks.check(Err(FieldError::new(
                    field,
                    Rule::OutOfRange { min: 1, max: 5 },
                )));
            }
        }
        if self.satisfaction.satisfied() {
            checks.check(optional_text("comment", self.comment.as_deref(), 500));
        } else {
            checks.check(required_text(
                "comment",
                self.comment.as_deref().unwrap_or(""),
                500,
            ));
        }
        checks.finish()
    }
}

/// `POST /api/v1/unit-ratings/{id}/answers`: the liaison's call-back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnitAnswer {
    /// What the call-back found and what was done.
    pub note: String,
    /// Whether the problem is fixed.
    pub fixed: bool,
}

/// A rating as the arithmetic sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// Who rated what: the rater of a unit, the affair of a station's
    /// rating, the help request of a volunteer's. One rating per key and
    /// month counts, the latest.
    pub key: i64,
    /// When it was given (Unix milliseconds).
    pub at: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// 1 to 5.
    pub score: i64,
    /// Aspects, each 1 to 5 if given: attitude, speed, result.
    pub aspects: [Option<i64>; 3],
    /// Whether the liaison answered it.
    pub answered: bool,
    /// Whether they recorded it fixed.
    pub fixed: bool,
    /// Minutes from the rating to the answer, if answered.
    pub answer_minutes: Option<i64>,
}

/// A month's figures of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Ratings.
    pub ratings: i64,
    /// Of them, the top three levels.
    pub satisfied: i64,
}

/// A rating's comment in the report: never who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReportComment {
    /// The rating's id (to answer it).
    pub rating_id: i64,
    /// 1 to 5.
    pub score: i64,
    /// The comment.
    pub comment: String,
    /// The liaison's answer, if any.
    pub answer: Option<String>,
    /// Whether it was fixed.
    pub fixed: bool,
    /// The rater's score after the fix, if they gave one.
    pub re_score: Option<i64>,
}

/// A monthly report of a service unit, a station (from its affairs'
/// ratings) or a community's volunteers (from their services' ratings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Report {
    /// The unit's id; the compound's for a station, the community's for
    /// its volunteers.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Ratings this month.
    pub ratings: i64,
    /// How many at each level, 非常满意 first.
    pub distribution: [i64; 5],
    /// 满意率: the top three levels ÷ rated.
    pub satisfaction: Ratio,
    /// Fewer than [`SMALL_SAMPLE`] ratings: read the counts, not the rate.
    pub small_sample: bool,
    /// Average of each aspect in tenths (attitude, speed, result), if rated.
    pub aspects: [Option<i64>; 3],
    /// Of the bottom two levels, how many the liaison answered.
    pub answered: Ratio,
    /// Of the bottom two levels, how many were fixed.
    pub fixed: Ratio,
    /// The median minutes from a bad rating to its answer, of those
    /// answered.
    pub median_answer_minutes: Option<i64>,
    /// The last twelve months, oldest first.
    pub trend: Vec<MonthFigures>,
    /// This month's comments, worst first.
    pub comments: Vec<ReportComment>,
}

/// The arithmetic of a report: `ratings` of every month, `months` the
/// twelve of the trend ending with the report's month (oldest first).
/// A second rating with the same key in a month replaces the first.
/// Comments are filled in by the caller.
pub fn report(id: i64, name: &str, months: &[String], ratings: &[Scored]) -> Report {
    let mut latest: HashMap<(i64, &str), &Scored> = HashMap::new();
    for r in ratings {
        latest
            .entry((r.key, r.month.as_str()))
            .and_modify(|kept| {
                if r.at >= kept.at {
                    *kept = r;
                }
            })
            .or_insert(r);
    }
    let ratings: Vec<&Scored> = ratings
        .iter()
        .filter(|r| {
            latest
                .get(&(r.key, r.month.as_str()))
                .is_some_and(|kept| std::ptr::eq(*kept, *r))
        })
        .collect();
    let month = months.last().cloned().unwrap_or_default();
    let this: Vec<&Scored> = ratings
        .iter()
        .copied()
        .filter(|r| r.month == month)
        .collect();
    let mut distribution = [0_i64; 5];
    for r in &this {
        if (1..=5).contains(&r.score) {
            distribution[(5 - r.score) as usize] += 1;
        }
    }
    let count = this.len() as i64;
    let satisfied = distribution[..3].iter().sum();
    let aspects = std::array::from_fn(|i| {
        let given: Vec<i64> = this.iter().filter_map(|r| r.aspects[i]).collect();
        (!given.is_empty()).then(|| {
            let n = given.len() as i64;
            (given.iter().sum::<i64>() * 10 + n / 2) / n
        })
    });
    let bad: Vec<&&Scored> = this.iter().filter(|r| r.score <= 2).collect();
    let trend = months
        .iter()
        .map(|m| {
            let of_month: Vec<&&Scored> = ratings.iter().filter(|r| &r.month == m).collect();
            MonthFigures {
                month: m.clone(),
                ratings: of_month.len() as i64,
                satisfied: of_month.iter().filter(|r| r.score >= 3).count() as i64,
            }
        })
        .collect();
    Report {
        id,
        name: name.to_owned(),
        month,
        ratings: count,
        distribution,
        satisfaction: Ratio {
            count: satisfied,
            of: count,
        },
        small_sample: count < SMALL_SAMPLE,
        aspects,
        answered: Ratio {
            count: bad.iter().filter(|r| r.answered).count() as i64,
            of: bad.len() as i64,
        },
        fixed: Ratio {
            count: bad.iter().filter(|r| r.fixed).count() as i64,
            of: bad.len() as i64,
        },
        median_answer_minutes: crate::affairs::median(
            bad.iter().filter_map(|r| r.answer_minutes).collect(),
        ),
        trend,
        comments: Vec::new(),
    }
}

/// Every report of a community's month side by side, for its staff:
/// service units, stations and volunteers (comments are on each unit's
/// own report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CommunityReports {
    /// The community's name.
    pub community: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Its service units.
    pub units: Vec<Report>,
    /// Its compounds' stations, from the ratings of their affairs: a bad
    /// rating is answered by the follow-up call, fixed when the filer's
    /// second rating is one of the top three levels.
    pub stations: Vec<Report>,
    /// Its volunteers, from the ratings of the help they gave.
    pub volunteers: Report,
}

/// A unit's figures on a compound's public board: no comments, only counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnitFigures {
    /// Its name.
    pub name: String,
    /// What kind.
    pub kind: UnitKind,
    /// This month's satisfaction, with counts.
    pub satisfaction: Ratio,
    /// Too few ratings to read the percentage.
    pub small_sample: bool,
    /// The last twelve months, oldest first.
    pub trend: Vec<MonthFigures>,
}

impl UnitFigures {
    /// A unit's public figures from its twelve months' counts, oldest
    /// first: the last month's satisfaction, marked as [`report`] marks it.
    pub fn of(name: String, kind: UnitKind, trend: Vec<MonthFigures>) -> Self {
        let (satisfied, rated) = trend.last().map_or((0, 0), |m| (m.satisfied, m.ratings));
        UnitFigures {
            name,
            kind,
            satisfaction: Ratio {
                count: satisfied,
                of: rated,
            },
            small_sample: rated < SMALL_SAMPLE,
            trend,
        }
    }
}

/// The twelve months ending with `month` (`YYYY-MM`), oldest first.
pub fn twelve_months(month: &str) -> Vec<String> {
    let Some((year, m)) = crate::affairs::parse_month(month) else {
        return Vec::new();
    };
    let last = year * 12 + i64::from(m) - 1;
    (last - 11..=last)
        .map(|i| format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(
        month: &str,
        score: i64,
        aspects: [Option<i64>; 3],
        answered: Option<i64>,
        fixed: bool,
    ) -> Scored {
        static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
        let key = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Scored {
            key,
            at: key,
            month: month.into(),
            score,
            aspects,
            answered: answered.is_some(),
            fixed,
            answer_minutes: answered,
        }
    }

    #[test]
    fn a_known_month_adds_up() {
        let months = twelve_months("2026-11");
        assert_eq!(months.first().map(String::as_str), Some("2025-12"));
        assert_eq!(months.len(), 12);
        let ratings = [
            scored("2026-11", 5, [Some(5), Some(4), None], None, false),
            scored("2026-11", 4, [Some(4), None, None], None, false),
            scored("2026-11", 3, [None, None, None], None, false),
            scored("2026-11", 1, [Some(1), Some(1), Some(1)], Some(90), true),
            scored("2026-11", 2, [None, Some(2), None], Some(30), false),
            scored("2026-10", 5, [None, None, None], None, false),
            scored("2026-10", 2, [None, None, None], Some(5), false),
            scored("2024-01", 5, [None, None, None], None, false),
        ];
        let r = report(7, "海景物业", &months, &ratings);
        assert_eq!(r.month, "2026-11");
        assert_eq!(r.ratings, 5);
        assert_eq!(r.distribution, [1, 1, 1, 1, 1]);
        assert_eq!(r.satisfaction, Ratio { count: 3, of: 5 });
        assert!(r.small_sample);
        // Attitude (5+4+1)/3 = 3.3; speed (4+1+2)/3 = 2.3; result 1.0.
        assert_eq!(r.aspects, [Some(33), Some(23), Some(10)]);
        assert_eq!(r.answered, Ratio { count: 2, of: 2 });
        assert_eq!(r.fixed, Ratio { count: 1, of: 2 });
        // Answered after 90 and 30 minutes; October's answer is not this month's.
        assert_eq!(r.median_answer_minutes, Some(60));
        let october = r.trend.iter().find(|m| m.month == "2026-10").unwrap();
        assert_eq!((october.ratings, october.satisfied), (2, 1));
        assert!(
            r.trend.iter().all(|m| m.month.as_str() >= "2025-12"),
            "older months are out"
        );
    }

    #[test]
    fn a_second_rating_in_the_month_replaces_the_first() {
        let months = twelve_months("2026-11");
        let first = scored("2026-11", 1, [Some(1), None, None], None, false);
        let again = Scored {
            score: 4,
            aspects: [Some(4), None, None],
            at: first.at + 1,
            ..first.clone()
        };
        // The same rater last month is another month's rating.
        let october = Scored {
            month: "2026-10".into(),
            ..first.clone()
        };
        let other = scored("2026-11", 2, [None, None, None], None, false);
        let r = report(1, "x", &months, &[again.clone(), first, october, other]);
        assert_eq!(r.ratings, 2);
        assert_eq!(r.distribution, [0, 1, 0, 1, 0]);
        assert_eq!(r.satisfaction, Ratio { count: 1, of: 2 });
        assert_eq!(r.aspects, [Some(40), None, None]);
        let trend: Vec<(i64, i64)> = r.trend[10..]
            .iter()
            .map(|m| (m.ratings, m.satisfied))
            .collect();
        assert_eq!(trend, [(1, 0), (2, 1)]);
    }

    #[test]
    fn the_boards_figures_agree_with_the_report() {
        let months = twelve_months("2026-11");
        let ratings: Vec<Scored> = [5, 4, 1, 3, 2]
            .into_iter()
            .map(|score| scored("2026-11", score, [None, None, None], None, false))
            .collect();
        let r = report(1, "x", &months, &ratings);
        let f = UnitFigures::of("x".into(), UnitKind::Water, r.trend.clone());
        assert_eq!(
            (f.satisfaction, f.small_sample, f.trend),
            (r.satisfaction, r.small_sample, r.trend)
        );
    }

    #[test]
    fn ten_ratings_are_no_longer_a_small_sample() {
        let months = twelve_months("2026-11");
        let ratings: Vec<Scored> = (0..10)
            .map(|_| scored("2026-11", 4, [None, None, None], None, false))
            .collect();
        let r = report(1, "x", &months, &ratings);
        assert!(!r.small_sample);
        assert_eq!(r.aspects, [None, None, None]);
        assert_eq!(r.answered, Ratio { count: 0, of: 0 });
        assert_eq!(r.median_answer_minutes, None);
    }

    #[test]
    fn a_bad_rating_needs_what_went_wrong() {
        let rating = NewUnitRating {
            satisfaction: Satisfaction::VeryDissatisfied,
            attitude: Some(6),
            speed: None,
            result: None,
            comment: None,
        };
        let fields: Vec<_> = rating
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["attitude", "comment"]);
    }
}
