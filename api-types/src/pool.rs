//! The capable-person pool (能人库) and volunteer posts (岗位认领): residents
//! with a skill join the pool, stations set posts with slots, volunteers
//! claim places, check in and out, and their hours add up.
//!
//! The slot rules — capacity and the waiting list, clashes, the
//! cancellation cut-off, weekly slots, hours — are pure functions here.

use crate::validate::{Checks, FieldError, Rule, optional_text, required_text};
use serde::{Deserialize, Serialize};

const HOUR_MS: i64 = 3_600_000;
const WEEK_MS: i64 = 7 * 24 * HOUR_MS;

/// A slot of a post: `[start, end)` in Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// When it starts.
    pub start: i64,
    /// When it ends.
    pub end: i64,
}

impl Span {
    /// Whether two slots overlap in time (touching ends do not).
    pub fn clashes(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// The slots of a post: the first, then one a week for `weeks` weeks in all.
pub fn weekly(first: Span, weeks: u32) -> Vec<Span> {
    (0..i64::from(weeks.max(1)))
        .map(|w| Span {
            start: first.start + w * WEEK_MS,
            end: first.end + w * WEEK_MS,
        })
        .collect()
}

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// A place is the volunteer's.
    Confirmed,
    /// On the waiting list; moves up when someone cancels.
    Waiting,
    /// Withdrawn by the volunteer.
    Cancelled,
}

impl ClaimStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Confirmed => "confirmed",
            ClaimStatus::Waiting => "waiting",
            ClaimStatus::Cancelled => "cancelled",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<ClaimStatus> {
        [
            ClaimStatus::Confirmed,
            ClaimStatus::Waiting,
            ClaimStatus::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// What a new claim gets: a place while there is one, else the waiting list.
pub fn claim_status(places: i64, confirmed: i64) -> ClaimStatus {
    if confirmed < places {
        ClaimStatus::Confirmed
    } else {
        ClaimStatus::Waiting
    }
}

/// Whether a claim may still be cancelled: until `cutoff_hours` before the
/// slot starts.
pub fn may_cancel(now: i64, slot: Span, cutoff_hours: i64) -> bool {
    now <= slot.start - cutoff_hours * HOUR_MS
}

/// Who moves up when a confirmed place is freed: the earliest waiting claim.
/// `waiting` holds (claim id, claimed at).
pub fn promote(waiting: &[(i64, i64)]) -> Option<i64> {
    waiting
        .iter()
        .min_by_key(|(id, at)| (*at, *id))
        .map(|(id, _)| *id)
}

/// Minutes served between checking in and out, rounded down, never
/// negative: a slot over midnight counts like any other.
pub fn minutes_served(checked_in: i64, checked_out: i64) -> i64 {
    ((checked_out - checked_in) / 60_000).max(0)
}

/// How long a check-in code lasts once shown.
pub const CODE_MINUTES: i64 = 30;

/// Whether a check-in code shown at `issued` still works `now` during
/// `slot`: from an hour before the slot until an hour after it, and at
/// most [`CODE_MINUTES`] after it was shown.
pub fn code_valid(now: i64, issued: i64, slot: Span) -> bool {
    now >= slot.start - HOUR_MS
        && now <= slot.end + HOUR_MS
        && now <= issued + CODE_MINUTES * 60_000
}

/// A skill of the street-wide list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Skill {
    /// Its id.
    pub id: i64,
    /// A stable code (`plumbing_electrics`, `gas`, `medicine`...).
    pub code: String,
    /// Its name, in the request's language.
    pub name: String,
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Waiting for the station.
    Pending,
    /// In the pool.
    Approved,
    /// Declined, with a reason.
    Declined,
}

impl ApplicationStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Declined => "declined",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<ApplicationStatus> {
        [
            ApplicationStatus::Pending,
            ApplicationStatus::Approved,
            ApplicationStatus::Declined,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// `POST /api/v1/pool-applications`: a verified resident offers a skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewApplication {
    /// The compound they will serve.
    pub compound_id: i64,
    /// Skills from the street's list.
    #[serde(default)]
    pub skill_ids: Vec<i64>,
    /// Other skills, in their words.
    pub other_skills: Option<String>,
    /// When they are free each week (e.g. 周末上午).
    pub availability: String,
    /// A few words about themselves.
    pub intro: Option<String>,
    /// Party members may choose to show it (亮身份); never required.
    #[serde(default)]
    pub show_party_member: bool,
}

impl NewApplication {
    /// Every rule the application breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        let has_other = self
            .other_skills
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        if self.skill_ids.is_empty() && !has_other {
            checks.check(Err(FieldError::new("skill_ids", Rule::Required)));
        }
        if self.skill_ids.len() > 10 {
            checks.check(Err(FieldError::new(
                "skill_ids",
                Rule::OutOfRange { min: 0, max: 10 },
            )));
        }
        checks
            .check(optional_text(
                "other_skills",
                self.other_skills.as_deref(),
                100,
            ))
            .check(required_text("availability", &self.availability, 100))
            .check(optional_text("intro", self.intro.as_deref(), 500));
        checks.finish()
    }
}

/// An application to the pool, or a member of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PoolMember {
    /// The application's id.
    pub id: i64,
    /// The person's id.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// The compound served.
    pub compound_id: i64,
    /// Skills from the list, by name.
    pub skills: Vec<String>,
    /// Other skills.
    pub other_skills: Option<String>,
    /// When they are free.
    pub availability: String,
    /// About them.
    pub intro: Option<String>,
    /// Shown only if they chose to.
    pub party_member: bool,
    /// Where the application stands.
    pub status: ApplicationStatus,
    /// Why it was declined.
    pub reason: Option<String>,
}

/// `POST /api/v1/posts`: a station member sets a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewPost {
    /// The compound.
    pub compound_id: i64,
    /// What (e.g. 夜间安全巡逻).
    pub title: String,
    /// What the volunteer does.
    pub description: String,
    /// Where.
    pub place: String,
    /// The skill it needs, if any.
    pub skill_id: Option<i64>,
    /// Places per slot.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 100))]
    pub places: i64,
    /// Hours before a slot after which a claim can no longer be cancelled.
    #[cfg_attr(feature = "server", schema(minimum = 0, maximum = 168))]
    pub cutoff_hours: i64,
    /// The first slot's start (RFC 3339).
    pub starts_at: String,
    /// Each slot's length in minutes.
    #[cfg_attr(feature = "server", schema(minimum = 15, maximum = 1440))]
    pub minutes: i64,
    /// 1 for a one-off post; more for that many weekly slots.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 52))]
    pub weeks: u32,
}

impl NewPost {
    /// Every rule the post breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("title", &self.title, 40))
            .check(required_text("description", &self.description, 1000))
            .check(required_text("place", &self.place, 60));
        let ranges: [(&str, i64, i64, i64); 4] = [
            ("places", self.places, 1, 100),
            ("cutoff_hours", self.cutoff_hours, 0, 168),
            ("minutes", self.minutes, 15, 1440),
            ("weeks", i64::from(self.weeks), 1, 52),
        ];
        for (field, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                checks.check(Err(FieldError::new(field, Rule::OutOfRange { min, max })));
            }
        }
        checks.finish()
    }
}

/// A slot with its places as the viewer sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Slot {
    /// Its id.
    pub id: i64,
    /// When it starts (RFC 3339, UTC).
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
    /// Places taken.
    pub confirmed: i64,
    /// On the waiting list.
    pub waiting: i64,
    /// The viewer's claim, if any.
    pub mine: Option<ClaimStatus>,
    /// Whether the viewer may still cancel.
    pub can_cancel: bool,
    /// Minutes the viewer served here, once checked out or confirmed.
    pub my_minutes: Option<i64>,
}

/// A post with its slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Post {
    /// Its id.
    pub id: i64,
    /// The compound.
    pub compound_id: i64,
    /// What.
    pub title: String,
    /// What the volunteer does.
    pub description: String,
    /// Where.
    pub place: String,
    /// The skill needed, by name.
    pub skill: Option<String>,
    /// Whether the viewer has that skill (posts that fit come first).
    pub fits: bool,
    /// Places per slot.
    pub places: i64,
    /// Cancellation cut-off in hours.
    pub cutoff_hours: i64,
    /// The slots, soonest first.
    pub slots: Vec<Slot>,
}

/// `?compound_id=` of the post list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct PostFilter {
    /// The compound.
    pub compound_id: i64,
}

/// A check-in code a station member shows at the post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CheckInCode {
    /// Six digits.
    pub code: String,
    /// Until when it works (RFC 3339, UTC).
    pub expires_at: String,
}

/// `POST /api/v1/slots/{id}/check-ins` or `/check-outs`: the code shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CodeEntry {
    /// The six digits.
    pub code: String,
}

/// `POST /api/v1/slots/{id}/confirmations`: a member confirms afterwards
/// that someone served (or did not show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Confirmation {
    /// The volunteer.
    pub person_id: i64,
    /// Whether they came; a no-show is recorded.
    pub attended: bool,
}

/// One service in a volunteer's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Service {
    /// The post.
    pub post_title: String,
    /// The compound.
    pub compound_name: String,
    /// When the slot started (RFC 3339, UTC).
    pub starts_at: String,
    /// Minutes served.
    pub minutes: i64,
}

/// A volunteer's record: services, hours, no-shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VolunteerRecord {
    /// The volunteer's name.
    pub name: String,
    /// The studios they belong to.
    pub studios: Vec<String>,
    /// Every service, newest first.
    pub services: Vec<Service>,
    /// Total minutes served.
    pub total_minutes: i64,
    /// Slots claimed and not attended.
    pub no_shows: i64,
}

/// `PUT /api/v1/posts/{id}/details`: what a post says changed; those
/// holding a claim are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PostDetails {
    /// What.
    pub title: String,
    /// What the volunteer does.
    pub description: String,
    /// Where.
    pub place: String,
}

impl PostDetails {
    /// Every rule the details break.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("title", &self.title, 40))
            .check(required_text("description", &self.description, 1000))
            .check(required_text("place", &self.place, 60));
        checks.finish()
    }
}

/// An approved capable person a handler may ask for help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CapablePerson {
    /// The person's id.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Their skills, by name.
    pub skills: Vec<String>,
    /// When they are free.
    pub availability: String,
}

/// `?skill_id=` of the capable persons offered for an affair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct CapableFilter {
    /// Only those with this skill.
    pub skill_id: Option<i64>,
}

/// `POST /api/v1/affairs/{id}/help-requests`: a handler asks a capable
/// person for help with the affair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewHelpRequest {
    /// The capable person.
    pub person_id: i64,
    /// What is needed.
    pub note: Option<String>,
}

/// Where a help request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HelpStatus {
    /// Asked, not yet answered.
    Pending,
    /// Accepted: a service under way.
    Accepted,
    /// Declined by the capable person.
    Declined,
    /// Done, with the minutes it took.
    Done,
}

impl HelpStatus {
    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<HelpStatus> {
        match s {
            "pending" => Some(HelpStatus::Pending),
            "accepted" => Some(HelpStatus::Accepted),
            "declined" => Some(HelpStatus::Declined),
            "done" => Some(HelpStatus::Done),
            _ => None,
        }
    }
}

/// A help request with its service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HelpRequest {
    /// Its id.
    pub id: i64,
    /// The affair.
    pub affair_id: i64,
    /// The affair's title.
    pub affair_title: String,
    /// The capable person asked.
    pub person_name: String,
    /// What is needed.
    pub note: Option<String>,
    /// Where it stands.
    pub status: HelpStatus,
    /// Minutes the service took, once done.
    pub minutes: Option<i64>,
    /// The filer's rating of the service, 1 to 5.
    pub score: Option<i64>,
}

/// `POST /api/v1/help-requests/{id}/completions`: the service is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HelpDone {
    /// Minutes it took.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 1440))]
    pub minutes: i64,
}

/// A month of the pool at a station: who is in it and what they gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PoolFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Capable persons of the compound approved by the month's end and
    /// still in the pool then.
    pub pool_size: i64,
    /// People who served this month (posts or help requests).
    pub active_volunteers: i64,
    /// Services given this month.
    pub services: i64,
    /// Minutes served this month.
    pub minutes: i64,
    /// Places offered in this month's slots.
    pub places_offered: i64,
    /// Of them, taken.
    pub places_filled: i64,
}

/// `?compound_id=&month=` of the pool's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct PoolFiguresQuery {
    /// The compound.
    pub compound_id: i64,
    /// `YYYY-MM`, in China time.
    #[cfg_attr(feature = "server", param(pattern = r"^\d{4}-\d{2}$"))]
    pub month: String,
}

/// `POST /api/v1/studios`: a capable person forms a studio they lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewStudio {
    /// The compound.
    pub compound_id: i64,
    /// Its name, usually the lead's (e.g. 老周水电工作室).
    pub name: String,
    /// What it does.
    pub description: String,
}

impl NewStudio {
    /// Every rule the studio breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("name", &self.name, 30))
            .check(required_text("description", &self.description, 500));
        checks.finish()
    }
}

/// A studio with its members and this month's service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Studio {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Its lead; `None` while the post is vacant (the lead left: a member
    /// takes it with `POST /studios/{id}/lead`).
    pub lead_name: Option<String>,
    /// Its current members, the lead first.
    pub members: Vec<String>,
    /// Services its members gave this month.
    pub month_services: i64,
    /// Minutes they served this month.
    pub month_minutes: i64,
}

/// `?compound_id=` of the studio list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct StudioFilter {
    /// The compound.
    pub compound_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = HOUR_MS;

    #[test]
    fn places_then_the_waiting_list_and_the_earliest_moves_up() {
        assert_eq!(claim_status(2, 0), ClaimStatus::Confirmed);
        assert_eq!(claim_status(2, 1), ClaimStatus::Confirmed);
        assert_eq!(claim_status(2, 2), ClaimStatus::Waiting);
        assert_eq!(promote(&[(9, 300), (7, 100), (8, 100)]), Some(7));
        assert_eq!(promote(&[]), None);
    }

    #[test]
    fn overlapping_slots_clash_and_touching_ones_do_not() {
        let evening = Span {
            start: 18 * H,
            end: 20 * H,
        };
        assert!(evening.clashes(Span {
            start: 19 * H,
            end: 21 * H
        }));
        assert!(evening.clashes(Span {
            start: 17 * H,
            end: 23 * H
        }));
        assert!(!evening.clashes(Span {
            start: 20 * H,
            end: 22 * H
        }));
        assert!(!evening.clashes(Span {
            start: 16 * H,
            end: 18 * H
        }));
    }

    #[test]
    fn the_cut_off_is_hours_before_the_start() {
        let slot = Span {
            start: 100 * H,
            end: 102 * H,
        };
        assert!(may_cancel(76 * H, slot, 24));
        assert!(!may_cancel(76 * H + 1, slot, 24));
        assert!(may_cancel(100 * H, slot, 0));
    }

    #[test]
    fn weekly_slots_repeat_each_week() {
        let first = Span {
            start: 10 * H,
            end: 12 * H,
        };
        let slots = weekly(first, 3);
        assert_eq!(slots.len(), 3);
        assert_eq!(slots[2].start - slots[0].start, 2 * WEEK_MS);
        assert_eq!(slots[1].end - slots[1].start, 2 * H);
        assert_eq!(weekly(first, 0), vec![first], "a one-off post has one slot");
    }

    #[test]
    fn hours_over_midnight_count_like_any_others() {
        // 22:00 to 02:00 the next day.
        let night_in = 22 * H;
        let night_out = 26 * H;
        assert_eq!(minutes_served(night_in, night_out), 240);
        assert_eq!(
            minutes_served(night_in, night_in + 90 * 60_000 + 59_999),
            90
        );
        assert_eq!(minutes_served(night_out, night_in), 0);
    }

    #[test]
    fn codes_work_around_the_slot_and_not_for_long() {
        let slot = Span {
            start: 10 * H,
            end: 12 * H,
        };
        assert!(code_valid(10 * H, 10 * H, slot));
        assert!(!code_valid(10 * H + 31 * 60_000, 10 * H, slot), "expired");
        assert!(!code_valid(8 * H, 8 * H, slot), "too early");
        assert!(code_valid(13 * H, 12 * H + 45 * 60_000, slot));
        assert!(!code_valid(13 * H + 1, 13 * H, slot), "too late");
    }

    #[test]
    fn applications_and_posts_are_checked() {
        let app = NewApplication {
            compound_id: 1,
            skill_ids: vec![],
            other_skills: Some(" ".into()),
            availability: String::new(),
            intro: None,
            show_party_member: false,
        };
        let fields: Vec<_> = app
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["skill_ids", "availability"]);
        let post = NewPost {
            compound_id: 1,
            title: "夜间巡逻".into(),
            description: "沿小区巡查".into(),
            place: "北门".into(),
            skill_id: None,
            places: 0,
            cutoff_hours: 24,
            starts_at: "2026-12-01T19:00:00+08:00".into(),
            minutes: 120,
            weeks: 53,
        };
        let fields: Vec<_> = post
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["places", "weeks"]);
    }
}
