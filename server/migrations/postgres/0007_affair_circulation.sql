-- Circulating micro-affairs: which grid and member hold one, the time
-- limits of each level, photos, notices, and the filer's rating.

-- The grid an affair belongs to (the building's, or the one the station
-- chose when passing it), the member it is assigned to, the deadlines of
-- the level holding it, and what the metrics count.
ALTER TABLE affairs ADD COLUMN grid_id BIGINT REFERENCES grids (id);
ALTER TABLE affairs ADD COLUMN assignee_id BIGINT REFERENCES people (id);
ALTER TABLE affairs ADD COLUMN respond_due_at BIGINT;
ALTER TABLE affairs ADD COLUMN resolve_due_at BIGINT;
-- Set once a deadline was missed; never cleared, so the month's count holds.
ALTER TABLE affairs ADD COLUMN late BIGINT NOT NULL DEFAULT 0;
-- Whether the first acceptance came within the station's limit.
ALTER TABLE affairs ADD COLUMN responded_in_time BIGINT NOT NULL DEFAULT 0;
ALTER TABLE affairs ADD COLUMN reopened BIGINT NOT NULL DEFAULT 0;
UPDATE affairs SET grid_id = (SELECT grid_id FROM buildings b WHERE b.id = affairs.building_id);
CREATE INDEX affairs_grid ON affairs (grid_id, status);
CREATE INDEX affairs_compound_month ON affairs (compound_id, created_at);
CREATE INDEX affairs_grid_month ON affairs (grid_id, created_at);

-- How long each level of a street has to respond and to resolve (a street
-- without a row uses the defaults in `api_types::affairs`), and how
-- many days a handler has to call back after a poor rating.
CREATE TABLE affair_time_limits (
    street_id       BIGINT NOT NULL REFERENCES streets (id),
    level           TEXT NOT NULL CHECK (level IN ('station', 'grid', 'community')),
    respond_hours   BIGINT NOT NULL CHECK (respond_hours > 0),
    resolve_hours   BIGINT NOT NULL CHECK (resolve_hours > 0),
    PRIMARY KEY (street_id, level)
);
ALTER TABLE streets ADD COLUMN follow_up_days BIGINT NOT NULL DEFAULT 3;

-- Photos, re-encoded by the server (no location or camera metadata). Until
-- an affair or a step claims one, only its uploader sees it.
CREATE TABLE photos (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uploader_id BIGINT NOT NULL REFERENCES people (id),
    affair_id   BIGINT REFERENCES affairs (id),
    event_id    BIGINT REFERENCES affair_events (id),
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    jpeg        BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX photos_affair ON photos (affair_id);

-- The in-app inbox: one notice per step for each person it concerns.
CREATE TABLE notices (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    affair_id BIGINT NOT NULL REFERENCES affairs (id),
    event_id  BIGINT NOT NULL REFERENCES affair_events (id),
    read_at   BIGINT
);
CREATE INDEX notices_person ON notices (person_id, id);

-- The filer's rating (5 非常满意 … 1 非常不满意). The bottom two open a
-- follow-up: a handler records a call-back before the due time, then the
-- filer rates again.
CREATE TABLE affair_ratings (
    affair_id         BIGINT PRIMARY KEY REFERENCES affairs (id),
    rater_id          BIGINT NOT NULL REFERENCES people (id),
    score             BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment           TEXT,
    rated_at          BIGINT NOT NULL,
    follow_up_due_at  BIGINT,
    follow_up_by      BIGINT REFERENCES people (id),
    follow_up_note    TEXT,
    follow_up_at      BIGINT,
    re_score          BIGINT CHECK (re_score BETWEEN 1 AND 5),
    re_comment        TEXT,
    re_rated_at       BIGINT
);
