-- Setting a street up from its own spreadsheets: each places ledger import
-- and what it changed, and each compound's household rosters. Roster phones
-- are kept only as keyed digests (HMAC-SHA256 with the server's secret), so
-- a copy of the database does not reveal the register's numbers.

CREATE TABLE place_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    street_id   INTEGER NOT NULL REFERENCES streets (id),
    -- NULL: imported from the command line.
    actor_id    INTEGER REFERENCES people (id),
    at          INTEGER NOT NULL,
    row_count   INTEGER NOT NULL,
    communities INTEGER NOT NULL,
    compounds   INTEGER NOT NULL,
    grids       INTEGER NOT NULL,
    buildings   INTEGER NOT NULL,
    units       INTEGER NOT NULL,
    households  INTEGER NOT NULL
);
CREATE INDEX place_imports_street ON place_imports (street_id);

-- A place's field changed: who, when, before and after.
CREATE TABLE place_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    street_id  INTEGER NOT NULL REFERENCES streets (id),
    import_id  INTEGER REFERENCES place_imports (id),
    actor_id   INTEGER REFERENCES people (id),
    at         INTEGER NOT NULL,
    place      TEXT NOT NULL,
    field      TEXT NOT NULL,
    before     TEXT NOT NULL,
    after      TEXT NOT NULL
);
CREATE INDEX place_changes_street ON place_changes (street_id);

CREATE TABLE roster_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    compound_id INTEGER NOT NULL REFERENCES compounds (id),
    -- NULL: imported from the command line.
    uploaded_by INTEGER REFERENCES people (id),
    uploaded_at INTEGER NOT NULL,
    row_count   INTEGER NOT NULL
);
CREATE INDEX roster_imports_compound ON roster_imports (compound_id);

-- The entries of each compound's latest roster only.
CREATE TABLE roster_entries (
    import_id    INTEGER NOT NULL REFERENCES roster_imports (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    phone_digest TEXT NOT NULL,
    name         TEXT
);
CREATE INDEX roster_entries_phone ON roster_entries (phone_digest);
CREATE INDEX roster_entries_import ON roster_entries (import_id);

-- A binding verified by a roster rather than by a person's approval.
ALTER TABLE household_requests ADD COLUMN roster_import_id INTEGER REFERENCES roster_imports (id);

-- An affair recorded by station staff for a resident who phoned or came in
-- (代办): the resident is the filer; who recorded it and how they came.
ALTER TABLE affairs ADD COLUMN recorded_by INTEGER REFERENCES people (id);
ALTER TABLE affairs ADD COLUMN channel TEXT CHECK (channel IN ('phone_call', 'visit', 'wechat_group'));

-- A rating a handler recorded from a call-back (回访) for a filer who does
-- not use the app; NULL when the filer rated it themselves.
ALTER TABLE affair_ratings ADD COLUMN recorded_by INTEGER REFERENCES people (id);
