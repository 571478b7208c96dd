-- "Everyone participates" consultations: topics, their history, support,
-- comments and proposals, pledges, the meeting, the ballot, the outcome.

-- A resident who moves out ends their household binding; they stop being
-- a verified resident (and an eligible voter) from then on.
ALTER TABLE household_requests ADD COLUMN ended_at BIGINT;
DROP INDEX household_requests_open;
CREATE UNIQUE INDEX household_requests_open ON household_requests (person_id)
    WHERE status IN ('pending', 'approved') AND ended_at IS NULL;

CREATE TABLE consultations (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compound_id        BIGINT NOT NULL REFERENCES compounds (id),
    scope              TEXT NOT NULL CHECK (scope IN ('building', 'compound', 'community')),
    building_id        BIGINT REFERENCES buildings (id),
    title              TEXT NOT NULL,
    background         TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN
        ('proposed', 'declined', 'adopted', 'discussion', 'voting', 'concluded', 'implemented')),
    proposer_id        BIGINT NOT NULL REFERENCES people (id),
    convenor_id        BIGINT REFERENCES people (id),
    decline_reason     TEXT,
    discussion_days    BIGINT NOT NULL,
    discussion_ends_at BIGINT,
    meeting_at         BIGINT,
    meeting_place      TEXT,
    meeting_capacity   BIGINT,
    attendance_taken   BIGINT NOT NULL DEFAULT 0,
    ask_money_fen      BIGINT NOT NULL DEFAULT 0,
    ask_hours          BIGINT NOT NULL DEFAULT 0,
    ask_materials      TEXT,
    ask_venue          BIGINT NOT NULL DEFAULT 0,
    -- The ballot's rule, fixed when voting opens (options in consultation_options).
    vote_multiple      BIGINT,
    vote_per           TEXT CHECK (vote_per IN ('resident', 'household')),
    vote_secret        BIGINT,
    vote_quorum        BIGINT,
    decision           TEXT,
    reasoning          TEXT,
    published_at       BIGINT,
    created_at         BIGINT NOT NULL,
    CHECK (scope <> 'building' OR building_id IS NOT NULL)
);
CREATE INDEX consultations_compound ON consultations (compound_id, id);

-- Every move with who and when; moves only go forward.
CREATE TABLE consultation_steps (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    step            TEXT NOT NULL,
    actor_id        BIGINT NOT NULL REFERENCES people (id),
    note            TEXT,
    at              BIGINT NOT NULL
);
CREATE INDEX consultation_steps_consultation ON consultation_steps (consultation_id);

CREATE TABLE consultation_supports (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    person_id       BIGINT NOT NULL REFERENCES people (id),
    at              BIGINT NOT NULL,
    PRIMARY KEY (consultation_id, person_id)
);

-- Comments and proposals (我来出主意); one level of replies. Hidden ones are
-- kept, with who hid them and why.
CREATE TABLE consultation_comments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    parent_id       BIGINT REFERENCES consultation_comments (id),
    author_id       BIGINT NOT NULL REFERENCES people (id),
    body            TEXT NOT NULL,
    proposal        BIGINT NOT NULL DEFAULT 0,
    hidden_at       BIGINT,
    hidden_by       BIGINT REFERENCES people (id),
    hidden_reason   TEXT,
    at              BIGINT NOT NULL
);
CREATE INDEX consultation_comments_consultation ON consultation_comments (consultation_id, id);

CREATE TABLE comment_supports (
    comment_id BIGINT NOT NULL REFERENCES consultation_comments (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (comment_id, person_id)
);

CREATE TABLE comment_reports (
    comment_id BIGINT NOT NULL REFERENCES consultation_comments (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    reason     TEXT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (comment_id, person_id)
);

CREATE TABLE pledges (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    person_id       BIGINT NOT NULL REFERENCES people (id),
    kind            TEXT NOT NULL CHECK (kind IN ('money', 'materials', 'venue', 'hours')),
    amount          BIGINT NOT NULL DEFAULT 0,
    description     TEXT,
    at              BIGINT NOT NULL
);
CREATE INDEX pledges_consultation ON pledges (consultation_id);

CREATE TABLE meeting_registrations (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    person_id       BIGINT NOT NULL REFERENCES people (id),
    attended        BIGINT NOT NULL DEFAULT 0,
    at              BIGINT NOT NULL,
    PRIMARY KEY (consultation_id, person_id)
);

CREATE TABLE consultation_options (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    position        BIGINT NOT NULL,
    label           TEXT NOT NULL,
    PRIMARY KEY (consultation_id, position)
);

-- One ballot per voter key: `p:<person>` per resident, `h:<household>` per
-- household, so the database itself refuses a household's second vote.
CREATE TABLE ballots (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    voter_key       TEXT NOT NULL,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    household_id    BIGINT NOT NULL REFERENCES households (id),
    choices         TEXT NOT NULL,
    at              BIGINT NOT NULL,
    PRIMARY KEY (consultation_id, voter_key)
);

CREATE TABLE action_items (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    position        BIGINT NOT NULL,
    title           TEXT NOT NULL
);

CREATE TABLE action_signups (
    item_id   BIGINT NOT NULL REFERENCES action_items (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    at        BIGINT NOT NULL,
    PRIMARY KEY (item_id, person_id)
);

CREATE TABLE consultation_progress (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    author_id       BIGINT NOT NULL REFERENCES people (id),
    body            TEXT NOT NULL,
    at              BIGINT NOT NULL
);

-- Photos of a topic's background or of its progress.
ALTER TABLE photos ADD COLUMN consultation_id BIGINT REFERENCES consultations (id);
ALTER TABLE photos ADD COLUMN progress_id BIGINT REFERENCES consultation_progress (id);
