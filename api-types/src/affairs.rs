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
    /// Every step so far: for the filer and handlers only.
    pub timeline: Option<Vec<AffairEvent>>,
}

/// `?compound_id=&status=` of the affair list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct AffairFilter {
    /// The compound whose affairs to list.
    pub compound_id: i64,
    /// Only affairs in this state.
    pub status: Option<Status>,
}

/// `POST /api/v1/affairs/{id}/seconds`: the affair's count after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Seconded {
    /// Neighbours who said "me too", the viewer included.
    pub seconds: i64,
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
                ..affair
            }
            .validate(),
            Ok(())
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
