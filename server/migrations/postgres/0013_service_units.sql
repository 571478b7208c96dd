-- The community's service units, the compounds each serves, and residents'
-- monthly ratings with the liaison's answer and the rating after the fix.
CREATE TABLE service_units (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    liaison_id   BIGINT REFERENCES people (id),
    created_at   BIGINT NOT NULL
);

CREATE TABLE unit_compounds (
    unit_id     BIGINT NOT NULL REFERENCES service_units (id),
    compound_id BIGINT NOT NULL REFERENCES compounds (id),
    PRIMARY KEY (unit_id, compound_id)
);

-- One rating per resident, unit and month (China time); a second one in the
-- month replaces the first.
CREATE TABLE unit_ratings (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES service_units (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    month       TEXT NOT NULL,
    score       BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    attitude    BIGINT CHECK (attitude BETWEEN 1 AND 5),
    speed       BIGINT CHECK (speed BETWEEN 1 AND 5),
    result      BIGINT CHECK (result BETWEEN 1 AND 5),
    comment     TEXT,
    rated_at    BIGINT NOT NULL,
    answer      TEXT,
    answered_by BIGINT REFERENCES people (id),
    answered_at BIGINT,
    fixed       BIGINT NOT NULL DEFAULT 0,
    re_score    BIGINT CHECK (re_score BETWEEN 1 AND 5),
    re_rated_at BIGINT,
    UNIQUE (unit_id, person_id, month)
);
CREATE INDEX unit_ratings_unit ON unit_ratings (unit_id, month);
