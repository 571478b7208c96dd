//! "Everyone participates" consultations (人人参与 · 议事协商): a topic
//! goes from a resident's idea through deliberation (众议), pledges (众筹)
//! and a vote to a published outcome that residents carry out (众行) and
//! share (众享).
//!
//! [`advance`] is the lifecycle and [`check_ballot`] / [`tally`] the vote
//! rules: pure functions the server applies and the tests pin.

use crate::validate::{Checks, FieldError, Rule, optional_text, required_text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a consultation stands. It only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// A resident's idea, gathering support.
    Proposed,
    /// The station head declined it, with a reason.
    Declined,
    /// Adopted by a convenor; not yet open.
    Adopted,
    /// Open for comments, proposals and pledges (众议 · 众筹).
    Discussion,
    /// The ballot is open.
    Voting,
    /// The outcome is published (众行).
    Concluded,
    /// Carried out (众享).
    Implemented,
}

/// A move of the lifecycle, by the convenor (adopting or declining: by a
/// head of the compound's station, who becomes the convenor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Take a proposed topic up.
    Adopt,
    /// Turn a proposed topic down, with a reason.
    Decline,
    /// Open it for discussion.
    OpenDiscussion,
    /// Open the ballot, with its rule.
    OpenVoting,
    /// Close the ballot and publish the outcome.
    Conclude,
    /// Mark the outcome carried out.
    Implement,
}

impl State {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Proposed => "proposed",
            State::Declined => "declined",
            State::Adopted => "adopted",
            State::Discussion => "discussion",
            State::Voting => "voting",
            State::Concluded => "concluded",
            State::Implemented => "implemented",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<State> {
        use State::*;
        [
            Proposed,
            Declined,
            Adopted,
            Discussion,
            Voting,
            Concluded,
            Implemented,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Whether residents may comment, propose and pledge.
    pub fn deliberating(self) -> bool {
        matches!(self, State::Discussion | State::Voting)
    }
}

impl Step {
    /// The stored name, as in the consultation's history.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Adopt => "adopt",
            Step::Decline => "decline",
            Step::OpenDiscussion => "open_discussion",
            Step::OpenVoting => "open_voting",
            Step::Conclude => "conclude",
            Step::Implement => "implement",
        }
    }
}

/// The state `step` leads to from `state`; `None` if it cannot be taken
/// from there (409).
pub fn advance(state: State, step: Step) -> Option<State> {
    use State::*;
    match (state, step) {
        (Proposed, Step::Adopt) => Some(Adopted),
        (Proposed, Step::Decline) => Some(Declined),
        (Adopted, Step::OpenDiscussion) => Some(Discussion),
        (Discussion, Step::OpenVoting) => Some(Voting),
        (Voting, Step::Conclude) => Some(Concluded),
        (Concluded, Step::Implement) => Some(Implemented),
        _ => None,
    }
}

/// Who casts a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VoterUnit {
    /// One vote per verified resident.
    Resident,
    /// One vote per household, cast by any of its verified residents.
    Household,
}

/// How the ballot works, set by the convenor when voting opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteRule {
    /// The options, in order (2 to 10).
    pub options: Vec<String>,
    /// Whether a voter may choose several options.
    pub multiple: bool,
    /// One vote per resident or per household.
    pub per: VoterUnit,
    /// Secret: nobody sees who chose what, nor a household who voted for it.
    pub secret: bool,
    /// The least turnout, in percent of those eligible, for the result to stand.
    #[cfg_attr(feature = "server", schema(minimum = 0, maximum = 100))]
    pub quorum_percent: i64,
}

/// The longest option.
pub const OPTION_MAX: usize = 40;

impl VoteRule {
    /// Every rule the rule breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        if !(2..=10).contains(&self.options.len()) {
            checks.check(Err(FieldError::new(
                "options",
                Rule::OutOfRange { min: 2, max: 10 },
            )));
        }
        for option in &self.options {
            checks.check(required_text("options", option, OPTION_MAX));
        }
        if !(0..=100).contains(&self.quorum_percent) {
            checks.check(Err(FieldError::new(
                "quorum_percent",
                Rule::OutOfRange { min: 0, max: 100 },
            )));
        }
        checks.finish()
    }
}

/// A ballot as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// Who cast it.
    pub person: i64,
    /// Their household when they cast it.
    pub household: i64,
    /// The chosen options, by position in [`VoteRule::options`].
    pub choices: Vec<usize>,
}

/// Who may vote now: verified residents in scope and their households.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Electorate {
    /// Each eligible person and their household.
    pub residents: BTreeMap<i64, i64>,
}

impl Electorate {
    /// How many may vote under `per`.
    pub fn size(&self, per: VoterUnit) -> i64 {
        match per {
            VoterUnit::Resident => self.residents.len() as i64,
            VoterUnit::Household => {
                let mut households: Vec<i64> = self.residents.values().copied().collect();
                households.sort_unstable();
                households.dedup();
                households.len() as i64
            }
        }
    }
}

/// Why a ballot is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotError {
    /// Voting is not open (409).
    Closed,
    /// Not a verified resident in scope (403).
    NotEligible,
    /// Another member already voted for the household (409).
    HouseholdVoted,
    /// No option, an unknown one, or several on a single-choice ballot (422).
    BadChoice,
}

/// What a ballot does to the stored ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotAction {
    /// The voter's first ballot.
    Cast,
    /// The voter changes their ballot (allowed until voting closes).
    Change,
    /// The household's ballot was cast by someone no longer eligible (who
    /// moved out): this member's replaces it.
    TakeOver,
}

/// Checks a ballot by `person` choosing `choices`, given the ballot already
/// stored for their vote (theirs, or under a household rule their
/// household's, with whether its caster is still eligible).
pub fn check_ballot(
    state: State,
    rule: &VoteRule,
    electorate: &Electorate,
    person: i64,
    choices: &[usize],
    existing: Option<&Ballot>,
) -> Result<BallotAction, BallotError> {
    if state != State::Voting {
        return Err(BallotError::Closed);
    }
    if !electorate.residents.contains_key(&person) {
        return Err(BallotError::NotEligible);
    }
    let mut sorted = choices.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let bad = sorted.is_empty()
        || sorted.len() != choices.len()
        || sorted.iter().any(|c| *c >= rule.options.len())
        || (!rule.multiple && sorted.len() > 1);
    if bad {
        return Err(BallotError::BadChoice);
    }
    match existing {
        None => Ok(BallotAction::Cast),
        Some(b) if b.person == person => Ok(BallotAction::Change),
        Some(b) if !electorate.residents.contains_key(&b.person) => Ok(BallotAction::TakeOver),
        Some(_) => Err(BallotError::HouseholdVoted),
    }
}

/// The result of a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Tally {
    /// Votes per option, in the rule's order.
    pub counts: Vec<i64>,
    /// Ballots that count.
    pub turnout: i64,
    /// Residents or households who may vote.
    pub eligible: i64,
    /// Whether the turnout reached the quorum.
    pub quorum_met: bool,
}

/// Counts the ballots of those still eligible: a resident who moved out
/// mid-vote no longer counts, and under a household rule each household
/// counts once.
pub fn tally(rule: &VoteRule, electorate: &Electorate, ballots: &[Ballot]) -> Tally {
    let mut counts = vec![0_i64; rule.options.len()];
    let mut seen_households = Vec::new();
    let mut turnout = 0;
    for ballot in ballots {
        let Some(household) = electorate.residents.get(&ballot.person) else {
            continue;
        };
        if rule.per == VoterUnit::Household {
            if seen_households.contains(household) {
                continue;
            }
            seen_households.push(*household);
        }
        turnout += 1;
        for choice in &ballot.choices {
            if let Some(count) = counts.get_mut(*choice) {
                *count += 1;
            }
        }
    }
    let eligible = electorate.size(rule.per);
    Tally {
        counts,
        turnout,
        eligible,
        quorum_met: eligible > 0 && turnout * 100 >= rule.quorum_percent * eligible,
    }
}

/// What a consultation covers: who may take part and vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
// Named apart from the figures' `Scope` in the OpenAPI document.
#[cfg_attr(feature = "server", schema(as = ConsultationScope))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One building of the compound.
    Building,
    /// The whole compound.
    Compound,
    /// The whole community (convened by community staff).
    Community,
}

impl Scope {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Building => "building",
            Scope::Compound => "compound",
            Scope::Community => "community",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::Building, Scope::Compound, Scope::Community]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// An offline meeting residents register for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Meeting {
    /// When (RFC 3339, e.g. `2026-11-28T19:30:00+08:00`).
    pub at: String,
    /// Where.
    pub place: String,
    /// How many can come.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 1000))]
    pub capacity: i64,
}

/// What the topic asks residents to give, or what they pledged in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Asks {
    /// Money, in fen (分).
    #[cfg_attr(feature = "server", schema(minimum = 0))]
    pub money_fen: i64,
    /// Hours of work.
    #[cfg_attr(feature = "server", schema(minimum = 0))]
    pub hours: i64,
    /// Materials, in words (asked), or how many pledged some.
    pub materials: Option<String>,
    /// Whether a venue is needed (asked), or was offered.
    pub venue: bool,
}

/// The longest title.
pub const TITLE_MAX: usize = 40;
/// The longest background, comment, reason or outcome text.
pub const TEXT_MAX: usize = 2000;

/// `POST /api/v1/consultations`: a resident's proposal, or a topic a station
/// head (or community staff, for the community) posts directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewTopic {
    /// The compound it concerns.
    pub compound_id: i64,
    /// Who it covers.
    pub scope: Scope,
    /// For a building scope: which building.
    pub building_id: Option<i64>,
    /// The title.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 40))]
    pub title: String,
    /// Why it matters.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 2000))]
    pub background: String,
    /// Photos uploaded first with `POST /photos`.
    #[serde(default)]
    pub photo_ids: Vec<i64>,
    /// Days of discussion once it opens (1 to 60).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 60))]
    pub discussion_days: i64,
    /// An offline meeting, if there is one.
    pub meeting: Option<Meeting>,
    /// What it asks residents to give.
    #[serde(default)]
    pub asks: Asks,
}

impl NewTopic {
    /// Every rule the topic breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("title", &self.title, TITLE_MAX))
            .check(required_text("background", &self.background, TEXT_MAX))
            .check(optional_text(
                "asks.materials",
                self.asks.materials.as_deref(),
                200,
            ));
        if self.scope == Scope::Building && self.building_id.is_none() {
            checks.check(Err(FieldError::new("building_id", Rule::Required)));
        }
        if !(1..=60).contains(&self.discussion_days) {
            checks.check(Err(FieldError::new(
                "discussion_days",
                Rule::OutOfRange { min: 1, max: 60 },
            )));
        }
        if self.asks.money_fen < 0 || self.asks.hours < 0 {
            checks.check(Err(FieldError::new(
                "asks",
                Rule::OutOfRange {
                    min: 0,
                    max: i64::MAX,
                },
            )));
        }
        if self.photo_ids.len() > 6 {
            checks.check(Err(FieldError::new(
                "photo_ids",
                Rule::OutOfRange { min: 0, max: 6 },
            )));
        }
        if let Some(m) = &self.meeting {
            checks.check(required_text("meeting.place", &m.place, 60));
            if !(1..=1000).contains(&m.capacity) {
                checks.check(Err(FieldError::new(
                    "meeting.capacity",
                    Rule::OutOfRange { min: 1, max: 1000 },
                )));
            }
        }
        checks.finish()
    }
}

/// The published outcome, with what residents can sign up to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewOutcome {
    /// What was decided.
    pub decision: String,
    /// Why.
    pub reasoning: String,
    /// Things to do that residents can sign up for (at most 10).
    #[serde(default)]
    pub action_items: Vec<String>,
}

/// `POST /api/v1/consultations/{id}/steps`: the convenor moves it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MoveTopic {
    /// The move.
    pub step: Step,
    /// Declining: the reason.
    pub reason: Option<String>,
    /// Opening the vote: its rule.
    pub vote_rule: Option<VoteRule>,
    /// Concluding: the outcome.
    pub outcome: Option<NewOutcome>,
}

impl MoveTopic {
    /// Every rule the move breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        match self.step {
            Step::Decline => {
                checks.check(required_text(
                    "reason",
                    self.reason.as_deref().unwrap_or(""),
                    TEXT_MAX,
                ));
            }
            Step::OpenVoting => match &self.vote_rule {
                Some(rule) => {
                    if let Err(errors) = rule.validate() {
                        for e in errors {
                            checks.check(Err(e));
                        }
                    }
                }
                None => {
                    checks.check(Err(FieldError::new("vote_rule", Rule::Required)));
                }
            },
            Step::Conclude => match &self.outcome {
                Some(o) => {
                    checks
                        .check(required_text("outcome.decision", &o.decision, TEXT_MAX))
                        .check(required_text("outcome.reasoning", &o.reasoning, TEXT_MAX));
                    if o.action_items.len() > 10 {
                        checks.check(Err(FieldError::new(
                            "outcome.action_items",
                            Rule::OutOfRange { min: 0, max: 10 },
                        )));
                    }
                    for item in &o.action_items {
                        checks.check(required_text("outcome.action_items", item, 60));
                    }
                }
                None => {
                    checks.check(Err(FieldError::new("outcome", Rule::Required)));
                }
            },
            Step::Adopt | Step::OpenDiscussion | Step::Implement => {}
        }
        checks.finish()
    }
}

/// A step of the consultation's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct StepRecord {
    /// `propose`, `post` or a [`Step`]'s name.
    pub step: String,
    /// Who.
    pub actor_name: Option<String>,
    /// The reason given, if any.
    pub note: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// The meeting with its registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MeetingView {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Where.
    pub place: String,
    /// How many can come.
    pub capacity: i64,
    /// How many registered.
    pub registered: i64,
    /// Whether the viewer registered.
    pub mine: bool,
    /// How many the convenor recorded as present (once recorded).
    pub attended: Option<i64>,
}

/// The ballot as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VoteView {
    /// The rule.
    pub rule: VoteRule,
    /// The count so far (open ballots) or final (after closing); `None`
    /// for a secret ballot still open.
    pub tally: Option<Tally>,
    /// The viewer's choices, if they voted.
    pub my_choices: Option<Vec<usize>>,
    /// Household rule: whether the viewer's household has voted.
    pub household_voted: bool,
    /// Household rule, open ballot: who voted for the household.
    pub household_voter: Option<String>,
}

/// An action item of the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionItem {
    /// Its id.
    pub id: i64,
    /// What to do.
    pub title: String,
    /// Who signed up (names, for residents in scope).
    pub volunteers: Vec<String>,
    /// Whether the viewer signed up.
    pub mine: bool,
}

/// The published outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// What was decided.
    pub decision: String,
    /// Why.
    pub reasoning: String,
    /// What residents can sign up to do.
    pub action_items: Vec<ActionItem>,
    /// When it was published (RFC 3339, UTC).
    pub published_at: String,
}

/// A progress update after the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Progress {
    /// What was done.
    pub body: String,
    /// Who wrote it.
    pub author_name: String,
    /// Photos of it.
    pub photo_ids: Vec<i64>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// `POST /api/v1/consultations/{id}/progress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewProgress {
    /// What was done.
    pub body: String,
    /// Photos uploaded first with `POST /photos`.
    #[serde(default)]
    pub photo_ids: Vec<i64>,
}

/// A consultation as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Consultation {
    /// Its id.
    pub id: i64,
    /// The compound.
    pub compound_id: i64,
    /// Its name.
    pub compound_name: String,
    /// Who it covers.
    pub scope: Scope,
    /// The building, for a building scope.
    pub building_name: Option<String>,
    /// The title.
    pub title: String,
    /// Why it matters.
    pub background: String,
    /// Photos of the background.
    pub photo_ids: Vec<i64>,
    /// Where it stands.
    pub state: State,
    /// Who proposed or posted it.
    pub proposer_name: String,
    /// Who convenes it, once adopted.
    pub convenor_name: Option<String>,
    /// Neighbours who support the proposal.
    pub supports: i64,
    /// Whether the viewer supports it.
    pub supported: bool,
    /// Why it was declined.
    pub decline_reason: Option<String>,
    /// Days of discussion once open.
    pub discussion_days: i64,
    /// When discussion closes (RFC 3339, UTC), once open.
    pub discussion_ends_at: Option<String>,
    /// The offline meeting.
    pub meeting: Option<MeetingView>,
    /// What it asks residents to give.
    pub asks: Asks,
    /// What residents pledged, in total (`materials`: how many pledged some).
    pub pledged: Asks,
    /// The ballot, once voting opened.
    pub vote: Option<VoteView>,
    /// The outcome, once concluded.
    pub outcome: Option<Outcome>,
    /// Progress since.
    pub progress: Vec<Progress>,
    /// Every step with who and when.
    pub history: Vec<StepRecord>,
    /// Whether the viewer convenes it (or, proposed, may adopt it).
    pub can_convene: bool,
    /// Whether the viewer is a verified resident in scope (may take part).
    pub in_scope: bool,
    /// When it was proposed (RFC 3339, UTC).
    pub created_at: String,
}

/// A consultation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConsultationSummary {
    /// Its id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// Where it stands.
    pub state: State,
    /// Who it covers.
    pub scope: Scope,
    /// Supports.
    pub supports: i64,
    /// The decision, once concluded.
    pub decision: Option<String>,
    /// When it was proposed (RFC 3339, UTC).
    pub created_at: String,
}

/// `?compound_id=` of the consultation list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct ConsultationFilter {
    /// The compound (and its community's consultations).
    pub compound_id: i64,
}

/// A comment or a proposal (我来出主意), with its replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Comment {
    /// Its id.
    pub id: i64,
    /// Who wrote it (for signed-in viewers).
    pub author_name: Option<String>,
    /// The text; `None` when hidden and the viewer is not staff.
    pub body: Option<String>,
    /// Whether it is a proposal others can support.
    pub proposal: bool,
    /// Supports of a proposal.
    pub supports: i64,
    /// Whether the viewer supports it.
    pub supported: bool,
    /// Whether a station member hid it.
    pub hidden: bool,
    /// Why (for staff).
    pub hidden_reason: Option<String>,
    /// Reports by residents (for staff).
    pub reports: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Replies, oldest first (one level).
    #[cfg_attr(feature = "server", schema(no_recursion))]
    pub replies: Vec<Comment>,
}

/// `POST /api/v1/consultations/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewComment {
    /// The text.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 2000))]
    pub body: String,
    /// A reply to this comment (replies have no replies).
    pub parent_id: Option<i64>,
    /// A proposal (我来出主意) rather than a comment.
    #[serde(default)]
    pub proposal: bool,
}

/// A reason: for hiding or reporting a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Reason {
    /// Why.
    pub reason: String,
}

/// What a pledge gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PledgeKind {
    /// Money (`amount` in fen).
    Money,
    /// Materials (described).
    Materials,
    /// A venue (described).
    Venue,
    /// Hours of work (`amount` in hours).
    Hours,
}

impl PledgeKind {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PledgeKind::Money => "money",
            PledgeKind::Materials => "materials",
            PledgeKind::Venue => "venue",
            PledgeKind::Hours => "hours",
        }
    }
}

/// `POST /api/v1/consultations/{id}/pledges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewPledge {
    /// What kind.
    pub kind: PledgeKind,
    /// Fen for money, hours for hours; ignored otherwise.
    #[serde(default)]
    pub amount: i64,
    /// What it is (materials, venue) or a word about it.
    pub description: Option<String>,
}

impl NewPledge {
    /// Every rule the pledge breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        match self.kind {
            PledgeKind::Money | PledgeKind::Hours => {
                // Up to 1,000,000 yuan, or a year of hours.
                let max = if self.kind == PledgeKind::Money {
                    100_000_000
                } else {
                    8760
                };
                if !(1..=max).contains(&self.amount) {
                    checks.check(Err(FieldError::new(
                        "amount",
                        Rule::OutOfRange { min: 1, max },
                    )));
                }
                checks.check(optional_text(
                    "description",
                    self.description.as_deref(),
                    200,
                ));
            }
            PledgeKind::Materials | PledgeKind::Venue => {
                checks.check(required_text(
                    "description",
                    self.description.as_deref().unwrap_or(""),
                    200,
                ));
            }
        }
        checks.finish()
    }
}

/// A pledge, with who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Pledge {
    /// Its id.
    pub id: i64,
    /// Who (for signed-in viewers).
    pub person_name: Option<String>,
    /// What kind.
    pub kind: PledgeKind,
    /// Fen or hours.
    pub amount: i64,
    /// What it is.
    pub description: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// `PUT /api/v1/consultations/{id}/ballot`: the viewer's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BallotChoices {
    /// Positions in the rule's options.
    pub choices: Vec<usize>,
}

/// `POST /api/v1/consultations/{id}/attendance`: who came to the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Attendance {
    /// The people present (registered or not).
    pub person_ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::*;

    const STATES: [State; 7] = [
        Proposed,
        Declined,
        Adopted,
        Discussion,
        Voting,
        Concluded,
        Implemented,
    ];
    const STEPS: [Step; 6] = [
        Step::Adopt,
        Step::Decline,
        Step::OpenDiscussion,
        Step::OpenVoting,
        Step::Conclude,
        Step::Implement,
    ];

    #[test]
    fn the_lifecycle_only_moves_forward_one_step_at_a_time() {
        let legal = [
            (Proposed, Step::Adopt, Adopted),
            (Proposed, Step::Decline, Declined),
            (Adopted, Step::OpenDiscussion, Discussion),
            (Discussion, Step::OpenVoting, Voting),
            (Voting, Step::Conclude, Concluded),
            (Concluded, Step::Implement, Implemented),
        ];
        for state in STATES {
            for step in STEPS {
                let expected = legal
                    .iter()
                    .find(|(s, st, _)| *s == state && *st == step)
                    .map(|(_, _, to)| *to);
                assert_eq!(advance(state, step), expected, "{state:?} {step:?}");
                if let Some(to) = expected {
                    assert!(to > state, "{state:?} → {to:?} moves forward");
                }
            }
        }
    }

    fn rule(per: VoterUnit, multiple: bool, quorum_percent: i64) -> VoteRule {
        VoteRule {
            options: vec!["装".into(), "不装".into(), "再议".into()],
            multiple,
            per,
            secret: false,
            quorum_percent,
        }
    }

    /// Residents 1 and 2 share household 10; 3 lives in 11; 4 in 12.
    fn electorate() -> Electorate {
        Electorate {
            residents: [(1, 10), (2, 10), (3, 11), (4, 12)].into_iter().collect(),
        }
    }

    fn ballot(person: i64, household: i64, choices: &[usize]) -> Ballot {
        Ballot {
            person,
            household,
            choices: choices.to_vec(),
        }
    }

    #[test]
    fn a_household_with_two_verified_residents_votes_once() {
        let rule = rule(VoterUnit::Household, false, 50);
        let e = electorate();
        let first = ballot(1, 10, &[0]);
        assert_eq!(
            check_ballot(Voting, &rule, &e, 1, &[0], None),
            Ok(BallotAction::Cast)
        );
        assert_eq!(
            check_ballot(Voting, &rule, &e, 2, &[1], Some(&first)),
            Err(BallotError::HouseholdVoted)
        );
        let t = tally(&rule, &e, &[first, ballot(3, 11, &[1])]);
        assert_eq!(t.counts, [1, 1, 0]);
        assert_eq!((t.turnout, t.eligible), (2, 3));
        assert!(t.quorum_met, "2 of 3 households is over half");
    }

    #[test]
    fn per_resident_both_members_vote() {
        let rule = rule(VoterUnit::Resident, false, 60);
        let e = electorate();
        let t = tally(&rule, &e, &[ballot(1, 10, &[0]), ballot(2, 10, &[0])]);
        assert_eq!(t.counts, [2, 0, 0]);
        assert_eq!((t.turnout, t.eligible), (2, 4));
        assert!(!t.quorum_met, "2 of 4 is under 60 %");
    }

    #[test]
    fn a_resident_who_moves_out_mid_vote_no_longer_counts() {
        let rule = rule(VoterUnit::Household, false, 0);
        let mut e = electorate();
        let stale = ballot(1, 10, &[0]);
        e.residents.remove(&1);
        let t = tally(&rule, &e, std::slice::from_ref(&stale));
        assert_eq!(
            (t.counts.clone(), t.turnout, t.eligible),
            (vec![0, 0, 0], 0, 3)
        );
        // The household's other member may now vote for it.
        assert_eq!(
            check_ballot(Voting, &rule, &e, 2, &[1], Some(&stale)),
            Ok(BallotAction::TakeOver)
        );
        assert_eq!(
            check_ballot(Voting, &rule, &e, 1, &[1], None),
            Err(BallotError::NotEligible)
        );
    }

    #[test]
    fn a_vote_changes_until_close_and_not_after() {
        let rule = rule(VoterUnit::Resident, false, 0);
        let e = electorate();
        let mine = ballot(3, 11, &[0]);
        assert_eq!(
            check_ballot(Voting, &rule, &e, 3, &[2], Some(&mine)),
            Ok(BallotAction::Change)
        );
        for closed in [Discussion, Concluded, Implemented] {
            assert_eq!(
                check_ballot(closed, &rule, &e, 3, &[2], Some(&mine)),
                Err(BallotError::Closed)
            );
        }
    }

    #[test]
    fn choices_follow_the_rule() {
        let single = rule(VoterUnit::Resident, false, 0);
        let multi = rule(VoterUnit::Resident, true, 0);
        let e = electorate();
        for bad in [&[][..], &[0, 1], &[3], &[1, 1]] {
            assert_eq!(
                check_ballot(Voting, &single, &e, 4, bad, None),
                Err(BallotError::BadChoice),
                "{bad:?}"
            );
        }
        assert_eq!(
            check_ballot(Voting, &multi, &e, 4, &[0, 2], None),
            Ok(BallotAction::Cast)
        );
        let t = tally(&multi, &e, &[ballot(4, 12, &[0, 2]), ballot(3, 11, &[2])]);
        assert_eq!(t.counts, [1, 0, 2]);
        assert_eq!(t.turnout, 2);
    }

    #[test]
    fn quorum_is_a_share_of_the_eligible() {
        let e = electorate();
        let ballots = [ballot(3, 11, &[0])];
        assert!(tally(&rule(VoterUnit::Household, false, 33), &e, &ballots).quorum_met);
        assert!(!tally(&rule(VoterUnit::Household, false, 34), &e, &ballots).quorum_met);
        assert!(
            !tally(
                &rule(VoterUnit::Household, false, 0),
                &Electorate::default(),
                &[]
            )
            .quorum_met
        );
    }

    #[test]
    fn vote_rules_are_checked() {
        let mut r = rule(VoterUnit::Resident, false, 120);
        r.options = vec!["只有一个".into()];
        let fields: Vec<_> = r
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["options", "quorum_percent"]);
    }

    #[test]
    fn topics_and_moves_are_checked() {
        let topic = NewTopic {
            compound_id: 1,
            scope: Scope::Building,
            building_id: None,
            title: "加装电梯".into(),
            background: "老人上下楼难".into(),
            photo_ids: vec![],
            discussion_days: 0,
            meeting: None,
            asks: Asks::default(),
        };
        let fields: Vec<_> = topic
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["building_id", "discussion_days"]);
        let decline = MoveTopic {
            step: Step::Decline,
            reason: None,
            vote_rule: None,
            outcome: None,
        };
        assert_eq!(decline.validate().unwrap_err()[0].field, "reason");
        let open = MoveTopic {
            step: Step::OpenVoting,
            ..decline.clone()
        };
        assert_eq!(open.validate().unwrap_err()[0].field, "vote_rule");
        let pledge = NewPledge {
            kind: PledgeKind::Money,
            amount: 0,
            description: None,
        };
        assert_eq!(pledge.validate().unwrap_err()[0].field, "amount");
    }

    #[test]
    fn stored_states_round_trip() {
        for s in STATES {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }
}
