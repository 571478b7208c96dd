//! The life of a micro-affair (微事务): handled at the lowest level that can
//! solve it — the compound's station (自议), the grid (共议), the community
//! or a department (商议) — then confirmed or reopened by the resident who
//! filed it.
//!
//! [`apply`] is the whole state machine: the server checks every act with
//! it (409 for an illegal move, 403 for the wrong person) and the app uses
//! it to show only the buttons that can work.

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
