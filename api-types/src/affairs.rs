//! The life of a micro-affair (微事务): handled at the lowest level that can
//! solve it — the compound's station (自议), the grid (共议), the community
//! or a department (商议) — then confirmed or reopened by the resident who
//! filed it.
//!
//! [`apply`] is the whole state machine: the server checks every act with
//! it (409 for an illegal move, 403 for the wrong person) and the app uses
//! it to show only the buttons that can work.

use crate::validate::{Checks, FieldError, Rule, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// The level holding an affair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The compound's mutual-aid station (自议).
    Station,
    /// The grid worker (共议).
    Grid,
    /// Community staff or a department liaison (商议).
    Community,
}

/// Where an affair stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the holding level to accept it.
    Open,
    /// Accepted: the holding level is working on it.
    InProgress,
    /// Reported fixed; waiting for the filer to confirm or reopen.
    Resolved,
    /// Confirmed by the filer.
    Closed,
}

/// An affair's position in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AffairState {
    /// Where it stands.
    pub status: Status,
    /// Who holds it.
    pub level: Level,
}

impl AffairState {
    /// A newly filed affair: open at the station.
    pub const FILED: AffairState = AffairState {
        status: Status::Open,
        level: Level::Station,
    };
}

/// Something done to an affair; each is recorded in its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "act", content = "to")]
pub enum Act {
    /// The holding level takes it on (its response time is recorded).
    Accept,
    /// The station passes it to the grid worker (共议).
    PassToGrid,
    /// The station or the grid escalates it to the community or a
    /// department (商议).
    Escalate,
    /// The holding level hands it back down to a lower level, with a reason.
    HandBack(Level),
    /// The holding level reports it fixed, with a note.
    Resolve,
    /// The filer confirms it is fixed.
    Confirm,
    /// The filer says it is not really fixed, with a reason: it goes back,
    /// open, to the level that resolved it.
    Reopen,
}

/// Who is acting, relative to the affair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The resident who filed it.
    Filer,
    /// A handler of `Level` for the affair's place (a station member of
    /// its compound, the worker of its grid, staff or a liaison of its
    /// community).
    Handler(Level),
}

/// Why an act was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// Not possible from where the affair stands (409).
    Illegal,
    /// Possible, but not by this person (403).
    NotYours,
}

/// The state `act` by `actor` leads to from `state`, or why it cannot.
/// An act illegal from this state is [`MoveError::Illegal`] whoever tries it.
pub fn apply(state: AffairState, act: Act, actor: Actor) -> Result<AffairState, MoveError> {
    use Level::*;
    use Status::*;
    let AffairState { status, level } = state;
    let holder = Actor::Handler(level);
    let (next, by) = match (act, status) {
        (Act::Accept, Open) => (
            AffairState {
                status: InProgress,
                level,
            },
            holder,
        ),
        (Act::PassToGrid, InProgress) if level == Station => (
            AffairState {
                status: Open,
                level: Grid,
            },
            holder,
        ),
        (Act::Escalate, InProgress) if level < Community => (
            AffairState {
                status: Open,
                level: Community,
            },
            holder,
        ),
        (Act::HandBack(to), Open | InProgress) if to < level => (
            AffairState {
                status: Open,
                level: to,
            },
            holder,
        ),
        (Act::Resolve, InProgress) => (
            AffairState {
                status: Resolved,
                level,
            },
            holder,
        ),
        (Act::Confirm, Resolved) => (
            AffairState {
                status: Closed,
                level,
            },
            Actor::Filer,
        ),
        (Act::Reopen, Resolved | Closed) => (
            AffairState {
                status: Open,
                level,
            },
            Actor::Filer,
        ),
        _ => return Err(MoveError::Illegal),
    };
    if actor == by {
        Ok(next)
    } else {
        Err(MoveError::NotYours)
    }
}

/// The longest title.
pub const TITLE_MAX: usize = 40;
/// The longest description.
pub const DESCRIPTION_MAX: usize = 1000;
/// The longest common-area or unit name.
pub const PLACE_MAX: usize = 40;

/// A category of affair, in the request's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Category {
    /// The category's id.
    pub id: i64,
    /// A stable code (`facility_repair`, `environment`, `neighbour_care`,
    /// `dispute`, `safety_hazard`, `other`, or one a street added).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Advice shown while filing, e.g. "gas smell? call 119 first".
    pub hint: Option<String>,
    /// Whether affairs of this kind are private unless the filer says otherwise.
    pub private_default: bool,
}

/// `POST /api/v1/categories`: a category a street admin adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewCategory {
    /// The street it is for.
    pub street_id: i64,
    /// A stable code: lowercase letters, digits and `_` (e.g. `elevator`).
    #[cfg_attr(feature = "server", schema(pattern = "^[a-z][a-z0-9_]{1,31}$"))]
    pub code: String,
    /// Its Chinese name.
    pub name_zh: String,
    /// Its English name.
    pub name_en: String,
    /// Advice shown while filing, in Chinese.
    pub hint_zh: Option<String>,
    /// The same advice in English.
    pub hint_en: Option<String>,
    /// Whether its affairs are private unless the filer says otherwise.
    #[serde(default)]
    pub private_default: bool,
}

/// The longest category name.
pub const CATEGORY_NAME_MAX: usize = 20;
/// The longest filing hint.
pub const HINT_MAX: usize = 100;

impl NewCategory {
    /// Every rule the category breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        let code_ok = (2..=32).contains(&self.code.len())
            && self.code.starts_with(|c: char| c.is_ascii_lowercase())
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            checks.check(Err(FieldError::new("code", Rule::Invalid)));
        }
        checks
            .check(required_text("name_zh", &self.name_zh, CATEGORY_NAME_MAX))
            .check(required_text("name_en", &self.name_en, CATEGORY_NAME_MAX))
            .check(optional_text("hint_zh", self.hint_zh.as_deref(), HINT_MAX))
            .check(optional_text("hint_en", self.hint_en.as_deref(), HINT_MAX));
        checks.finish()
    }
}

/// `?street_id=` of the category list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct CategoryFilter {
    /// The street whose categories to list.
    pub street_id: i64,
}

/// `POST /api/v1/affairs`: what a resident files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewAffair {
    /// The compound it concerns.
    pub compound_id: i64,
    /// Its category.
    pub category_id: i64,
    /// A short title (at most 40 characters).
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 40))]
    pub title: String,
    /// What is wrong (at most 1000 characters).
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 1000))]
    pub description: String,
    /// The building, if it is in one.
    pub building_id: Option<i64>,
    /// The unit of that building, if it matters.
    pub unit: Option<String>,
    /// A named common area instead (e.g. 北门车棚).
    pub common_area: Option<String>,
    /// Whether it cannot wait.
    #[serde(default)]
    pub urgent: bool,
    /// Private to the filer and handlers; the category decides when absent.
    pub private: Option<bool>,
    /// Photos uploaded first with `POST /photos` (at most 6).
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_items = 6))]
    pub photo_ids: Vec<i64>,
}

/// `POST /api/v1/affairs` as station staff send it: an affair, recorded
/// for a resident who phoned or came in when `on_behalf` is set (代办).
/// A type of its own so the residents' form carries none of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewRecordedAffair {
    /// The affair.
    #[serde(flatten)]
    pub affair: NewAffair,
    /// The resident it is recorded for: they are its filer.
    #[serde(default)]
    pub on_behalf: Option<OnBehalf>,
}

impl NewRecordedAffair {
    /// Every rule the affair and the resident's details break.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = self.affair.validate().err().unwrap_or_default();
        if let Some(on_behalf) = &self.on_behalf {
            let mut checks = Checks::default();
            checks
                .check(
                    crate::identity::normalize_phone("on_behalf.phone", &on_behalf.phone)
                        .map(|_| ()),
                )
                .check(optional_text(
                    "on_behalf.name",
                    on_behalf.name.as_deref(),
                    ON_BEHALF_NAME_MAX,
                ));
            errors.extend(checks.finish().err().unwrap_or_default());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// How a resident reached the station when staff recorded their affair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 电话: they phoned.
    PhoneCall,
    /// 来访: they came to the station.
    Visit,
    /// 微信群: they wrote in the compound's WeChat group.
    WechatGroup,
}

impl Channel {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::PhoneCall => "phone_call",
            Channel::Visit => "visit",
            Channel::WechatGroup => "wechat_group",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::PhoneCall, Channel::Visit, Channel::WechatGroup]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// The resident an affair is recorded for (代办): they are its filer, and
/// see, follow and rate it once they sign in with this number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OnBehalf {
    /// Their mobile number.
    #[cfg_attr(feature = "server", schema(min_length = 11, max_length = 20))]
    pub phone: String,
    /// Their name, for someone who has never signed in (at most 20
    /// characters); ignored for someone who has.
    #[cfg_attr(feature = "server", schema(max_length = 20))]
    pub name: Option<String>,
    /// How they reached the station.
    pub channel: Channel,
}

/// The longest name given for a resident recorded on behalf.
pub const ON_BEHALF_NAME_MAX: usize = 20;

impl OnBehalf {
    /// Every rule the resident's details break, named under `on_behalf.`.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(crate::identity::normalize_phone("on_behalf.phone", &self.phone).map(|_| ()))
            .check(optional_text(
                "on_behalf.name",
                self.name.as_deref(),
                ON_BEHALF_NAME_MAX,
            ));
        checks.finish()
    }
}

/// The optional body of an act a resident does for themselves — a meeting
/// registration (`POST /consultations/{id}/registrations`), a volunteer
/// claim (`POST /slots/{id}/claims`) — as station staff send it to act for
/// a resident who phoned or came in (代办). Residents send no body (or
/// `{}`); a type of its own so their bundles carry none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ForResident {
    /// The resident acted for: the registration or claim is theirs.
    #[serde(default)]
    pub on_behalf: Option<OnBehalf>,
}

impl ForResident {
    /// Every rule the resident's details break.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        self.on_behalf.as_ref().map_or(Ok(()), OnBehalf::validate)
    }
}

impl NewAffair {
    /// Every rule the affair breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("title", &self.title, TITLE_MAX))
            .check(required_text(
                "description",
                &self.description,
                DESCRIPTION_MAX,
            ))
            .check(optional_text("unit", self.unit.as_deref(), PLACE_MAX))
            .check(optional_text(
                "common_area",
                self.common_area.as_deref(),
                PLACE_MAX,
            ));
        let has_area = self
            .common_area
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty());
        if self.building_id.is_none() && !has_area {
            checks.check(Err(FieldError::new("building_id", Rule::Required)));
        }
        checks.check(photo_count(&self.photo_ids));
        checks.finish()
    }
}

/// One step of an affair's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AffairEvent {
    /// `file`, or an [`Act`]'s name (`accept`, `pass_to_grid`...).
    pub act: String,
    /// Who did it (absent for the system).
    pub actor_name: Option<String>,
    /// The level it was at before.
    pub from_level: Option<Level>,
    /// Where it stood after.
    pub to_status: Status,
    /// The level it was at after.
    pub to_level: Level,
    /// The note or reason given.
    pub note: Option<String>,
    /// Photos taken at this step (a resolution's), as ids of `GET /photos/{id}`.
    pub photo_ids: Vec<i64>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// An affair as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Affair {
    /// The affair's id.
    pub id: i64,
    /// The compound.
    pub compound_id: i64,
    /// Its name.
    pub compound_name: String,
    /// The category's code.
    pub category_code: String,
    /// The category's name, in the request's language.
    pub category_name: String,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The building's name, if in one.
    pub building_name: Option<String>,
    /// The unit, if given.
    pub unit: Option<String>,
    /// The common area, if given.
    pub common_area: Option<String>,
    /// Whether it cannot wait.
    pub urgent: bool,
    /// Private to the filer and handlers.
    pub private: bool,
    /// Where it stands.
    pub status: Status,
    /// Who holds it.
    pub level: Level,
    /// Neighbours who said "me too" (附议).
    pub seconds: i64,
    /// Whether the viewer said "me too".
    pub seconded: bool,
    /// Whether the viewer filed it.
    pub mine: bool,
    /// The filer's name: for the filer and handlers only.
    pub filer_name: Option<String>,
    /// When it was filed (RFC 3339, UTC).
    pub created_at: String,
    /// The grid it belongs to, if known.
    pub grid_name: Option<String>,
    /// The member it is assigned to: for the filer and handlers only.
    pub assignee_name: Option<String>,
    /// Whether the holding level has missed its time limit.
    pub overdue: bool,
    /// When the holding level must respond or resolve by (RFC 3339, UTC).
    pub due_at: Option<String>,
    /// The filer's photos, as ids of `GET /photos/{id}`.
    pub photo_ids: Vec<i64>,
    /// The levels at which the viewer handles it (none for residents).
    pub viewer_levels: Vec<Level>,
    /// Every step so far: for the filer and handlers only.
    pub timeline: Option<Vec<AffairEvent>>,
    /// The filer's rating: for the filer and handlers only.
    pub rating: Option<Rating>,
}

/// `?compound_id=&status=` of the affair list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct AffairFilter {
    /// The compound whose affairs to list.
    pub compound_id: i64,
    /// Only affairs in this state.
    pub status: Option<Status>,
    /// Only the viewer's own.
    #[serde(default)]
    pub mine: bool,
}

/// `POST /api/v1/affairs/{id}/seconds`: the affair's count after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Seconded {
    /// Neighbours who said "me too", the viewer included.
    pub seconds: i64,
}

/// The most photos an affair or a step carries.
pub const PHOTOS_MAX: usize = 6;
/// The longest note of a step, rating comment or follow-up.
pub const NOTE_MAX: usize = 500;

fn photo_count(ids: &[i64]) -> Result<(), FieldError> {
    if ids.len() > PHOTOS_MAX {
        Err(FieldError::new(
            "photo_ids",
            Rule::OutOfRange {
                min: 0,
                max: PHOTOS_MAX as i64,
            },
        ))
    } else {
        Ok(())
    }
}

/// `POST /api/v1/affairs/{id}/events`: an act on an affair, recorded in its
/// timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Move {
    /// What is done (`{"act": "hand_back", "to": "station"}`...).
    #[serde(flatten)]
    pub act: Act,
    /// The note: required to pass, escalate, hand back, resolve or reopen.
    pub note: Option<String>,
    /// Passing to the grid: which grid (the building's when absent).
    pub grid_id: Option<i64>,
    /// Accepting: the member who will work on it (the acceptor when absent).
    pub assignee_id: Option<i64>,
    /// Resolving: photos of the result (at most 6).
    #[serde(default)]
    pub photo_ids: Vec<i64>,
}

impl Act {
    /// Whether doing it needs a note (a reason, what was done).
    pub fn needs_note(self) -> bool {
        !matches!(self, Act::Accept | Act::Confirm)
    }

    /// The stored name of the act, as in the timeline.
    pub fn as_str(self) -> &'static str {
        match self {
            Act::Accept => "accept",
            Act::PassToGrid => "pass_to_grid",
            Act::Escalate => "escalate",
            Act::HandBack(_) => "hand_back",
            Act::Resolve => "resolve",
            Act::Confirm => "confirm",
            Act::Reopen => "reopen",
        }
    }
}

impl Move {
    /// Every rule the move breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        if self.act.needs_note() {
            checks.check(required_text(
                "note",
                self.note.as_deref().unwrap_or(""),
                NOTE_MAX,
            ));
        } else {
            checks.check(optional_text("note", self.note.as_deref(), NOTE_MAX));
        }
        checks.check(photo_count(&self.photo_ids));
        checks.finish()
    }
}

/// `PUT /api/v1/affairs/{id}/assignee`: hands the affair to another member
/// of the level holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// The member who will work on it.
    pub person_id: i64,
}

/// The five levels of satisfaction used by Chinese service hotlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 非常不满意
    VeryDissatisfied,
    /// 不满意
    Dissatisfied,
    /// 基本满意
    Fair,
    /// 满意
    Satisfied,
    /// 非常满意
    VerySatisfied,
}

impl Satisfaction {
    /// Best first, as offered to residents.
    pub const ALL: [Satisfaction; 5] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::Fair,
        Satisfaction::Dissatisfied,
        Satisfaction::VeryDissatisfied,
    ];

    /// The stored score, 1 (非常不满意) to 5 (非常满意).
    pub fn score(self) -> i64 {
        match self {
            Satisfaction::VeryDissatisfied => 1,
            Satisfaction::Dissatisfied => 2,
            Satisfaction::Fair => 3,
            Satisfaction::Satisfied => 4,
            Satisfaction::VerySatisfied => 5,
        }
    }

    /// Reads a stored score.
    pub fn from_score(score: i64) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|s| s.score() == score)
    }

    /// Whether it counts as satisfied (the top three levels).
    pub fn satisfied(self) -> bool {
        self >= Satisfaction::Fair
    }
}

/// `POST /api/v1/affairs/{id}/rating` (and `.../rating/re-rating` after a
/// follow-up): the filer's verdict on the handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewRating {
    /// How satisfied.
    pub satisfaction: Satisfaction,
    /// A comment; the reason, required for the bottom two levels.
    pub comment: Option<String>,
}

impl NewRating {
    /// Every rule the rating breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        if self.satisfaction.satisfied() {
            checks.check(optional_text("comment", self.comment.as_deref(), NOTE_MAX));
        } else {
            checks.check(required_text(
                "comment",
                self.comment.as_deref().unwrap_or(""),
                NOTE_MAX,
            ));
        }
        checks.finish()
    }
}

/// `POST /api/v1/affairs/{id}/rating/follow-up`: the handler's call-back
/// after a poor rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FollowUp {
    /// What the call-back found and what was done.
    pub note: String,
}

impl FollowUp {
    /// Every rule the follow-up breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        required_text("note", &self.note, NOTE_MAX).map_err(|e| vec![e])
    }
}

/// A filer's rating of an affair, with its follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Rating {
    /// The first verdict.
    pub satisfaction: Satisfaction,
    /// Its comment or reason.
    pub comment: Option<String>,
    /// When (RFC 3339, UTC).
    pub rated_at: String,
    /// For a poor rating: when the call-back is due.
    pub follow_up_due_at: Option<String>,
    /// Whether the call-back is late.
    pub follow_up_overdue: bool,
    /// Who called back.
    pub follow_up_by: Option<String>,
    /// What the call-back found and what was done.
    pub follow_up_note: Option<String>,
    /// When it was recorded.
    pub follow_up_at: Option<String>,
    /// The verdict after the follow-up.
    pub re_satisfaction: Option<Satisfaction>,
    /// Its comment.
    pub re_comment: Option<String>,
}

impl Rating {
    /// The verdict that counts: the one after the follow-up, if given.
    pub fn last(&self) -> Satisfaction {
        self.re_satisfaction.unwrap_or(self.satisfaction)
    }
}

/// `?compound_id=&category_id=&status=&view=` of a handler's queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct QueueFilter {
    /// Only this compound's affairs.
    pub compound_id: Option<i64>,
    /// Only this category.
    pub category_id: Option<i64>,
    /// Only this state (open and in progress when absent).
    pub status: Option<Status>,
    /// Only new, mine or overdue ones.
    #[cfg_attr(feature = "server", param(inline))]
    pub view: Option<QueueView>,
}

/// A slice of a handler's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    /// Not yet accepted.
    New,
    /// Assigned to the viewer.
    Mine,
    /// Past the time limit.
    Overdue,
}

/// A notice in the in-app inbox: a step of an affair, or news of a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Notice {
    /// The notice's id.
    pub id: i64,
    /// The affair it concerns, if any.
    pub affair_id: Option<i64>,
    /// The volunteer post it concerns, if any.
    pub post_id: Option<i64>,
    /// The service unit whose rating it concerns, if any.
    pub unit_id: Option<i64>,
    /// The consultation it concerns, if any.
    pub consultation_id: Option<i64>,
    /// The studio it concerns, if any (`studio_lead_wanted`: its lead left).
    pub studio_id: Option<i64>,
    /// The affair's, the post's or the consultation's title, or the unit's
    /// or the studio's name.
    pub title: String,
    /// What happened: `file`, an act's name, `assign`, `rate`, `follow_up`,
    /// `re_rate`, `help_request`, `help_accepted`, `help_done`; for posts
    /// `slot_reminder`, `post_changed`, `post_cancelled`; for units
    /// `unit_rated` (a bad rating for its liaison to answer) and
    /// `unit_answered` (the call-back, for the rater to rate the fix);
    /// `overdue` (an affair's deadline passed, for its handlers);
    /// `voting_open` (a consultation's vote began, for those who took part).
    pub act: String,
    /// Who did it.
    pub actor_name: Option<String>,
    /// Where the affair stands now.
    pub status: Option<Status>,
    /// Who holds the affair now.
    pub level: Option<Level>,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Whether it was read.
    pub read: bool,
}

/// The number of unread notices, for the navigation's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Unread {
    /// Unread notices.
    pub unread: i64,
}

/// `POST /api/v1/notice-reads`: marks notices read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MarkRead {
    /// Every notice up to this id is read.
    pub up_to_id: i64,
}

/// How long a level has, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TimeLimit {
    /// The level.
    pub level: Level,
    /// Hours to accept an affair once it arrives.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 8760))]
    pub respond_hours: i64,
    /// Hours to resolve it once it arrives.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 8760))]
    pub resolve_hours: i64,
}

/// The limits a street gives when it has set none: a day to respond at
/// every level; three days to resolve at the station, five at the grid,
/// ten at the community.
pub const DEFAULT_LIMITS: [TimeLimit; 3] = [
    TimeLimit {
        level: Level::Station,
        respond_hours: 24,
        resolve_hours: 72,
    },
    TimeLimit {
        level: Level::Grid,
        respond_hours: 24,
        resolve_hours: 120,
    },
    TimeLimit {
        level: Level::Community,
        respond_hours: 48,
        resolve_hours: 240,
    },
];

/// `GET`/`PUT /api/v1/streets/{id}/affair-settings`: a street's time limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AffairSettings {
    /// One per level.
    pub limits: Vec<TimeLimit>,
    /// Days a handler has to call back after a poor rating.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 60))]
    pub follow_up_days: i64,
}

impl AffairSettings {
    /// Every rule the settings break.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        let hours = |field: &str, h: i64| {
            if (1..=8760).contains(&h) {
                Ok(())
            } else {
                Err(FieldError::new(
                    field,
                    Rule::OutOfRange { min: 1, max: 8760 },
                ))
            }
        };
        for limit in &self.limits {
            checks
                .check(hours("respond_hours", limit.respond_hours))
                .check(hours("resolve_hours", limit.resolve_hours));
        }
        let mut levels: Vec<Level> = self.limits.iter().map(|l| l.level).collect();
        levels.sort();
        if levels != [Level::Station, Level::Grid, Level::Community] {
            checks.check(Err(FieldError::new("limits", Rule::Invalid)));
        }
        if !(1..=60).contains(&self.follow_up_days) {
            checks.check(Err(FieldError::new(
                "follow_up_days",
                Rule::OutOfRange { min: 1, max: 60 },
            )));
        }
        checks.finish()
    }
}

/// Which places' figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A compound's station (`place_id` is the compound's id).
    Station,
    /// A grid.
    Grid,
    /// A community.
    Community,
}

/// `?scope=&place_id=&month=` of the figures and their CSV export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct MetricsQuery {
    /// Station, grid or community.
    pub scope: Scope,
    /// The compound, grid or community.
    pub place_id: i64,
    /// `YYYY-MM`, in China time.
    #[cfg_attr(feature = "server", param(pattern = r"^\d{4}-\d{2}$"))]
    pub month: String,
}

/// Parses `YYYY-MM` into a year and a month.
pub fn parse_month(month: &str) -> Option<(i64, u32)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let year: i64 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    ((2000..=2100).contains(&year) && (1..=12).contains(&month)).then_some((year, month))
}

/// A count out of a total: the rates are shown with both, never as a bare
/// percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Ratio {
    /// What counts.
    pub count: i64,
    /// Out of how many.
    pub of: i64,
}

impl Ratio {
    /// The percentage in tenths (`953` for 95.3 %), or `None` out of zero.
    pub fn per_mille(self) -> Option<i64> {
        (self.of > 0).then(|| (self.count * 1000 + self.of / 2) / self.of)
    }
}

/// The median of some durations (the lower middle's and upper middle's
/// mean for an even count, rounded down), or `None` of none.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

/// A month of micro-affairs at a station, a grid or a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Metrics {
    /// Station, grid or community.
    pub scope: Scope,
    /// The compound, grid or community.
    pub place_id: i64,
    /// Its name.
    pub place_name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Affairs filed in the month.
    pub received: i64,
    /// Of them, resolved at the station (自议).
    pub handled_station: i64,
    /// Resolved at the grid (共议).
    pub handled_grid: i64,
    /// Resolved at the community or a department (商议).
    pub handled_community: i64,
    /// 响应率: accepted within the station's limit ÷ received.
    pub response: Ratio,
    /// 解决率: resolved and never reopened ÷ received.
    pub resolution: Ratio,
    /// 满意率: the top three levels ÷ rated (the re-rating after a
    /// follow-up counts).
    pub satisfaction: Ratio,
    /// Median minutes from filing to the first acceptance.
    pub median_respond_minutes: Option<i64>,
    /// Median minutes from filing to the (last) resolution.
    pub median_resolve_minutes: Option<i64>,
    /// Affairs that missed a time limit.
    pub overdue: i64,
}

/// `GET /api/v1/compounds/{id}/board`: what the compound's public board shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Board {
    /// This month's figures of its station.
    pub this_month: Metrics,
    /// Last month's.
    pub last_month: Metrics,
    /// Recently resolved public affairs, newest first.
    pub recently_resolved: Vec<Affair>,
    /// Concluded consultations with their decisions, newest first.
    pub consultations: Vec<crate::consultations::ConsultationSummary>,
    /// This month's capable-person pool and volunteer service.
    pub pool: crate::pool::PoolFigures,
    /// The service units serving the compound: this month's satisfaction
    /// and the trend.
    pub units: Vec<crate::units::UnitFigures>,
}

/// `POST /api/v1/photos`: a stored photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Photo {
    /// Its id, for `photo_ids` and `GET /photos/{id}`.
    pub id: i64,
    /// Width after re-encoding.
    pub width: i64,
    /// Height after re-encoding.
    pub height: i64,
}

impl Level {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Station => "station",
            Level::Grid => "grid",
            Level::Community => "community",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Level> {
        [Level::Station, Level::Grid, Level::Community]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

impl Status {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Open,
            Status::InProgress,
            Status::Resolved,
            Status::Closed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;
    use Status::*;

    const LEVELS: [Level; 3] = [Station, Grid, Community];

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }
    const STATUSES: [Status; 4] = [Open, InProgress, Resolved, Closed];

    fn acts() -> Vec<Act> {
        let mut acts = vec![
            Act::Accept,
            Act::PassToGrid,
            Act::Escalate,
            Act::Resolve,
            Act::Confirm,
            Act::Reopen,
        ];
        acts.extend(LEVELS.map(Act::HandBack));
        acts
    }

    fn actors() -> Vec<Actor> {
        let mut actors = vec![Actor::Filer];
        actors.extend(LEVELS.map(Actor::Handler));
        actors
    }

    fn s(status: Status, level: Level) -> AffairState {
        AffairState { status, level }
    }

    /// Every legal move: from, act, by, to. Anything not listed is illegal.
    fn legal() -> Vec<(AffairState, Act, Actor, AffairState)> {
        let mut moves = Vec::new();
        for level in LEVELS {
            let holder = Actor::Handler(level);
            moves.push((s(Open, level), Act::Accept, holder, s(InProgress, level)));
            moves.push((
                s(InProgress, level),
                Act::Resolve,
                holder,
                s(Resolved, level),
            ));
            moves.push((
                s(Resolved, level),
                Act::Confirm,
                Actor::Filer,
                s(Closed, level),
            ));
            moves.push((
                s(Resolved, level),
                Act::Reopen,
                Actor::Filer,
                s(Open, level),
            ));
            moves.push((s(Closed, level), Act::Reopen, Actor::Filer, s(Open, level)));
            for lower in LEVELS.into_iter().filter(|l| *l < level) {
                for status in [Open, InProgress] {
                    moves.push((
                        s(status, level),
                        Act::HandBack(lower),
                        holder,
                        s(Open, lower),
                    ));
                }
            }
        }
        let station = Actor::Handler(Station);
        moves.push((
            s(InProgress, Station),
            Act::PassToGrid,
            station,
            s(Open, Grid),
        ));
        moves.push((
            s(InProgress, Station),
            Act::Escalate,
            station,
            s(Open, Community),
        ));
        moves.push((
            s(InProgress, Grid),
            Act::Escalate,
            Actor::Handler(Grid),
            s(Open, Community),
        ));
        moves
    }

    #[test]
    fn every_legal_move_leads_where_it_should() {
        for (from, act, by, to) in legal() {
            assert_eq!(apply(from, act, by), Ok(to), "{from:?} {act:?} by {by:?}");
        }
    }

    #[test]
    fn every_other_move_is_refused_with_the_right_reason() {
        let legal = legal();
        for level in LEVELS {
            for status in STATUSES {
                let from = s(status, level);
                for act in acts() {
                    let possible = legal.iter().any(|(f, a, _, _)| *f == from && *a == act);
                    for actor in actors() {
                        if legal
                            .iter()
                            .any(|(f, a, b, _)| *f == from && *a == act && *b == actor)
                        {
                            continue;
                        }
                        let expected = if possible {
                            MoveError::NotYours
                        } else {
                            MoveError::Illegal
                        };
                        assert_eq!(
                            apply(from, act, actor),
                            Err(expected),
                            "{from:?} {act:?} by {actor:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_three_level_journey_of_the_brief() {
        // Filed, accepted by the station, passed to the grid, escalated to
        // the community, resolved there, reopened, resolved, confirmed.
        let station = Actor::Handler(Station);
        let grid = Actor::Handler(Grid);
        let community = Actor::Handler(Community);
        let mut state = AffairState::FILED;
        for (act, by) in [
            (Act::Accept, station),
            (Act::PassToGrid, station),
            (Act::Accept, grid),
            (Act::Escalate, grid),
            (Act::Accept, community),
            (Act::Resolve, community),
            (Act::Reopen, Actor::Filer),
            (Act::Accept, community),
            (Act::Resolve, community),
            (Act::Confirm, Actor::Filer),
        ] {
            state = apply(state, act, by).expect("a legal step");
        }
        assert_eq!(state, s(Closed, Community));
    }

    #[test]
    fn resolving_an_unaccepted_affair_is_illegal() {
        assert_eq!(
            apply(AffairState::FILED, Act::Resolve, Actor::Handler(Station)),
            Err(MoveError::Illegal)
        );
    }

    #[test]
    fn an_affair_says_where_it_is() {
        let affair = NewAffair {
            compound_id: 1,
            category_id: 1,
            title: "楼道灯坏了".into(),
            description: "3号楼2单元四楼的灯不亮".into(),
            building_id: None,
            unit: None,
            common_area: Some(" ".into()),
            urgent: false,
            private: None,
            photo_ids: vec![],
        };
        let fields: Vec<_> = affair
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["building_id"]);
        assert_eq!(
            NewAffair {
                building_id: Some(3),
                ..affair.clone()
            }
            .validate(),
            Ok(())
        );
        let for_a_caller = NewRecordedAffair {
            affair: NewAffair {
                building_id: Some(3),
                ..affair
            },
            on_behalf: Some(OnBehalf {
                phone: "12345".into(),
                name: Some("李".repeat(21)),
                channel: Channel::PhoneCall,
            }),
        };
        let fields: Vec<_> = for_a_caller
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["on_behalf.phone", "on_behalf.name"]);
    }

    #[test]
    fn acting_for_a_resident_is_optional_and_checked() {
        let plain: ForResident = serde_json::from_str("{}").unwrap();
        assert_eq!((plain.on_behalf.clone(), plain.validate()), (None, Ok(())));
        let for_a_caller: ForResident = serde_json::from_str(
            r#"{"on_behalf":{"phone":"138 0000 0099","name":"刘奶奶","channel":"visit"}}"#,
        )
        .unwrap();
        assert_eq!(for_a_caller.validate(), Ok(()));
        let bad = ForResident {
            on_behalf: Some(OnBehalf {
                phone: "12345".into(),
                name: Some("李".repeat(21)),
                channel: Channel::WechatGroup,
            }),
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["on_behalf.phone", "on_behalf.name"]);
        assert!(
            serde_json::from_str::<ForResident>(
                r#"{"on_behalf":{"phone":"13800000099","channel":"fax"}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn stored_forms_round_trip() {
        for level in LEVELS {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        for status in STATUSES {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn a_move_carries_its_act_beside_the_note() {
        let m: Move = serde_json::from_str(
            r#"{"act":"hand_back","to":"station","note":"楼内自行协调","grid_id":null}"#,
        )
        .unwrap();
        assert_eq!(m.act, Act::HandBack(Station));
        assert_eq!(m.validate(), Ok(()));
        let resolve: Move = serde_json::from_str(r#"{"act":"resolve","note":"  "}"#).unwrap();
        assert_eq!(resolve.validate().unwrap_err()[0].field, "note");
        let accept: Move = serde_json::from_str(r#"{"act":"accept"}"#).unwrap();
        assert_eq!(accept.validate(), Ok(()));
    }

    #[test]
    fn poor_ratings_need_a_reason() {
        let rating = |satisfaction, comment: Option<&str>| NewRating {
            satisfaction,
            comment: comment.map(str::to_owned),
        };
        assert_eq!(rating(Satisfaction::Fair, None).validate(), Ok(()));
        assert!(rating(Satisfaction::Dissatisfied, None).validate().is_err());
        assert!(
            rating(Satisfaction::VeryDissatisfied, Some(" "))
                .validate()
                .is_err()
        );
        assert_eq!(
            rating(Satisfaction::Dissatisfied, Some("灯还是不亮")).validate(),
            Ok(())
        );
        let satisfied: Vec<_> = Satisfaction::ALL.map(Satisfaction::satisfied).into();
        assert_eq!(satisfied, [true, true, true, false, false]);
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::from_score(s.score()), Some(s));
        }
    }

    #[test]
    fn months_and_ratios() {
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "1999-01", ""] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(Ratio { count: 2, of: 3 }.per_mille(), Some(667));
        assert_eq!(Ratio { count: 0, of: 0 }.per_mille(), None);
    }

    #[test]
    fn settings_need_every_level_once() {
        let mut settings = AffairSettings {
            limits: DEFAULT_LIMITS.to_vec(),
            follow_up_days: 3,
        };
        assert_eq!(settings.validate(), Ok(()));
        settings.limits[2].level = Grid;
        settings.limits[0].resolve_hours = 0;
        let fields: Vec<_> = settings
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["resolve_hours", "limits"]);
    }

    #[test]
    fn acts_are_snake_case_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Act::PassToGrid).unwrap(),
            r#"{"act":"pass_to_grid"}"#
        );
        assert_eq!(
            serde_json::to_string(&Act::HandBack(Station)).unwrap(),
            r#"{"act":"hand_back","to":"station"}"#
        );
    }
}
