-- Micro-affairs (微事务): what residents file, who holds it at which level,
-- every step of its life, and neighbours' "me too" (附议).

-- Categories are data each street can extend, each with an optional hint
-- shown while filing ("gas smell? call 119 first").
CREATE TABLE affair_categories (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    street_id       BIGINT NOT NULL REFERENCES streets (id),
    code            TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    hint_zh         TEXT,
    hint_en         TEXT,
    -- Disputes and family difficulties are private unless the filer says otherwise.
    private_default BIGINT NOT NULL DEFAULT 0,
    sort_order      BIGINT NOT NULL DEFAULT 0,
    UNIQUE (street_id, code)
);

CREATE TABLE affairs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compound_id  BIGINT NOT NULL REFERENCES compounds (id),
    filer_id     BIGINT NOT NULL REFERENCES people (id),
    category_id  BIGINT NOT NULL REFERENCES affair_categories (id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    -- Where: a building (and unit), or a named common area of the compound.
    building_id  BIGINT REFERENCES buildings (id),
    unit         TEXT,
    common_area  TEXT,
    urgent       BIGINT NOT NULL DEFAULT 0,
    private      BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    level        TEXT NOT NULL CHECK (level IN ('station', 'grid', 'community')),
    created_at   BIGINT NOT NULL,
    responded_at BIGINT,
    resolved_at  BIGINT,
    closed_at    BIGINT,
    CHECK (building_id IS NOT NULL OR common_area IS NOT NULL)
);
CREATE INDEX affairs_compound ON affairs (compound_id, status);
CREATE INDEX affairs_filer ON affairs (filer_id);

-- The timeline: every act with who, when, the level it moved between and a note.
CREATE TABLE affair_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    affair_id   BIGINT NOT NULL REFERENCES affairs (id),
    act         TEXT NOT NULL,
    actor_id    BIGINT REFERENCES people (id),
    from_status TEXT,
    from_level  TEXT,
    to_status   TEXT NOT NULL,
    to_level    TEXT NOT NULL,
    note        TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX affair_events_affair ON affair_events (affair_id);

CREATE TABLE affair_seconds (
    affair_id BIGINT NOT NULL REFERENCES affairs (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    at        BIGINT NOT NULL,
    PRIMARY KEY (affair_id, person_id)
);
