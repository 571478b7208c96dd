-- "Everyone participates" consultations: topics, their history, support,
-- comments and proposals, pledges, the meeting, the ballot, the outcome.

-- A resident who moves out ends their household binding; they stop being
-- a verified resident (and an eligible voter) from then on.
ALTER TABLE household_requests ADD COLUMN ended_at INTEGER;
DROP INDEX household_requests_open;
CREATE UNIQUE INDEX household_requests_open ON household_requests (person_id)
    WHERE status IN ('pending', 'approved') AND ended_at IS NULL;

CREATE TABLE consultations (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id        INTEGER NOT NULL REFERENCES compounds (id),
    scope              TEXT NOT NULL CHECK (scope IN ('building', 'compound', 'community')),
    building_id        INTEGER REFERENCES buildings (id),
    title              TEXT NOT NULL,
    background         TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN
        ('proposed', 'declined', 'adopted', 'discussion', 'voting', 'concluded', 'implemented')),
    proposer_id        INTEGER NOT NULL REFERENCES people (id),
    convenor_id        INTEGER REFERENCES people (id),
    decline_reason     TEXT,
    discussion_days    INTEGER NOT NULL,
    discussion_ends_at INTEGER,
    meeting_at         INTEGER,
    meeting_place      TEXT,
    meeting_capacity   INTEGER,
    attendance_taken   INTEGER NOT NULL DEFAULT 0,
    ask_money_fen      INTEGER NOT NULL DEFAULT 0,
    ask_hours          INTEGER NOT NULL DEFAULT 0,
    ask_materials      TEXT,
    ask_venue          INTEGER NOT NULL DEFAULT 0,
    -- The ballot's rule, fixed when voting opens (options in consultation_options).
    vote_multiple      INTEGER,
    vote_per           TEXT CHECK (vote_per IN ('resident', 'household')),
    vote_secret        INTEGER,
    vote_quorum        INTEGER,
    decision           TEXT,
    reasoning          TEXT,
    published_at       INTEGER,
    created_at         INTEGER NOT NULL,
    CHECK (scope <> 'building' OR building_id IS NOT NULL)
);
CREATE INDEX consultations_compound ON consultations (compound_id, id);

-- Every move with who and when; moves only go forward.
CREATE TABLE consultation_steps (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    step            TEXT NOT NULL,
    actor_id        INTEGER NOT NULL REFERENCES people (id),
    note            TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX consultation_steps_consultation ON consultation_steps (consultation_id);

CREATE TABLE consultation_supports (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    person_id       INTEGER NOT NULL REFERENCES people (id),
    at              INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, person_id)
);

-- Comments and proposals (我来出主意); one level of replies. Hidden ones are
-- kept, with who hid them and why.
CREATE TABLE consultation_comments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    parent_id       INTEGER REFERENCES consultation_comments (id),
    author_id       INTEGER NOT NULL REFERENCES people (id),
    body            TEXT NOT NULL,
    proposal        INTEGER NOT NULL DEFAULT 0,
    hidden_at       INTEGER,
    hidden_by       INTEGER REFERENCES people (id),
    hidden_reason   TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX consultation_comments_consultation ON consultation_comments (consultation_id, id);

CREATE TABLE comment_supports (
    comment_id INTEGER NOT NULL REFERENCES consultation_comments (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (comment_id, person_id)
);

CREATE TABLE comment_reports (
    comment_id INTEGER NOT NULL REFERENCES consultation_comments (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    reason     TEXT NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (comment_id, person_id)
);

CREATE TABLE pledges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    person_id       INTEGER NOT NULL REFERENCES people (id),
    kind            TEXT NOT NULL CHECK (kind IN ('money', 'materials', 'venue', 'hours')),
    amount          INTEGER NOT NULL DEFAULT 0,
    description     TEXT,
    at              INTEGER NOT NULL
);
CREATE INDEX pledges_consultation ON pledges (consultation_id);

CREATE TABLE meeting_registrations (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    person_id       INTEGER NOT NULL REFERENCES people (id),
    attended        INTEGER NOT NULL DEFAULT 0,
    at              INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, person_id)
);

CREATE TABLE consultation_options (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    position        INTEGER NOT NULL,
    label           TEXT NOT NULL,
    PRIMARY KEY (consultation_id, position)
);

-- One ballot per voter key: `p:<person>` per resident, `h:<household>` per
-- household, so the database itself refuses a household's second vote.
CREATE TABLE ballots (
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    voter_key       TEXT NOT NULL,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    household_id    INTEGER NOT NULL REFERENCES households (id),
    choices         TEXT NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, voter_key)
);

CREATE TABLE action_items (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL
);

CREATE TABLE action_signups (
    item_id   INTEGER NOT NULL REFERENCES action_items (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    at        INTEGER NOT NULL,
    PRIMARY KEY (item_id, person_id)
);

CREATE TABLE consultation_progress (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    author_id       INTEGER NOT NULL REFERENCES people (id),
    body            TEXT NOT NULL,
    at              INTEGER NOT NULL
);

-- Photos of a topic's background or of its progress.
ALTER TABLE photos ADD COLUMN consultation_id INTEGER REFERENCES consultations (id);
ALTER TABLE photos ADD COLUMN progress_id INTEGER REFERENCES consultation_progress (id);
