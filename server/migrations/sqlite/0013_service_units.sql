-- The community's service units, the compounds each serves, and residents'
-- monthly ratings with the liaison's answer and the rating after the fix.
CREATE TABLE service_units (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    liaison_id   INTEGER REFERENCES people (id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE unit_compounds (
    unit_id     INTEGER NOT NULL REFERENCES service_units (id),
    compound_id INTEGER NOT NULL REFERENCES compounds (id),
    PRIMARY KEY (unit_id, compound_id)
);

-- One rating per resident, unit and month (China time); a second one in the
-- month replaces the first.
CREATE TABLE unit_ratings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id     INTEGER NOT NULL REFERENCES service_units (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    month       TEXT NOT NULL,
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    attitude    INTEGER CHECK (attitude BETWEEN 1 AND 5),
    speed       INTEGER CHECK (speed BETWEEN 1 AND 5),
    result      INTEGER CHECK (result BETWEEN 1 AND 5),
    comment     TEXT,
    rated_at    INTEGER NOT NULL,
    answer      TEXT,
    answered_by INTEGER REFERENCES people (id),
    answered_at INTEGER,
    fixed       INTEGER NOT NULL DEFAULT 0,
    re_score    INTEGER CHECK (re_score BETWEEN 1 AND 5),
    re_rated_at INTEGER,
    UNIQUE (unit_id, person_id, month)
);
CREATE INDEX unit_ratings_unit ON unit_ratings (unit_id, month);
