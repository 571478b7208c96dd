-- Micro-affairs (微事务): what residents file, who holds it at which level,
-- every step of its life, and neighbours' "me too" (附议).

-- Categories are data each street can extend, each with an optional hint
-- shown while filing ("gas smell? call 119 first").
CREATE TABLE affair_categories (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    street_id       INTEGER NOT NULL REFERENCES streets (id),
    code            TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    hint_zh         TEXT,
    hint_en         TEXT,
    -- Disputes and family difficulties are private unless the filer says otherwise.
    private_default INTEGER NOT NULL DEFAULT 0,
    sort_order      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (street_id, code)
);

CREATE TABLE affairs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id  INTEGER NOT NULL REFERENCES compounds (id),
    filer_id     INTEGER NOT NULL REFERENCES people (id),
    category_id  INTEGER NOT NULL REFERENCES affair_categories (id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    -- Where: a building (and unit), or a named common area of the compound.
    building_id  INTEGER REFERENCES buildings (id),
    unit         TEXT,
    common_area  TEXT,
    urgent       INTEGER NOT NULL DEFAULT 0,
    private      INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    level        TEXT NOT NULL CHECK (level IN ('station', 'grid', 'community')),
    created_at   INTEGER NOT NULL,
    responded_at INTEGER,
    resolved_at  INTEGER,
    closed_at    INTEGER,
    CHECK (building_id IS NOT NULL OR common_area IS NOT NULL)
);
CREATE INDEX affairs_compound ON affairs (compound_id, status);
CREATE INDEX affairs_filer ON affairs (filer_id);

-- The timeline: every act with who, when, the level it moved between and a note.
CREATE TABLE affair_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    affair_id   INTEGER NOT NULL REFERENCES affairs (id),
    act         TEXT NOT NULL,
    actor_id    INTEGER REFERENCES people (id),
    from_status TEXT,
    from_level  TEXT,
    to_status   TEXT NOT NULL,
    to_level    TEXT NOT NULL,
    note        TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX affair_events_affair ON affair_events (affair_id);

CREATE TABLE affair_seconds (
    affair_id INTEGER NOT NULL REFERENCES affairs (id),
    person_id INTEGER NOT NULL REFERENCES people (id),
    at        INTEGER NOT NULL,
    PRIMARY KEY (affair_id, person_id)
);
