-- Binding residents to households, and the invite links station members
-- share to make that quick. A resident's binding counts (for voting and
-- rating) only once the station or the grid worker approved it.

CREATE TABLE invites (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,
    created_by   INTEGER NOT NULL REFERENCES people (id),
    building_id  INTEGER NOT NULL REFERENCES buildings (id),
    -- Set for an invite to one household; NULL for a whole building.
    household_id INTEGER REFERENCES households (id),
    max_uses     INTEGER NOT NULL CHECK (max_uses > 0),
    uses         INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX invites_building ON invites (building_id);

CREATE TABLE household_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    invite_id    INTEGER REFERENCES invites (id),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_at INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   INTEGER REFERENCES people (id),
    reason       TEXT
);
-- One open (pending or approved) binding per person at a time.
CREATE UNIQUE INDEX household_requests_open ON household_requests (person_id)
    WHERE status IN ('pending', 'approved');
CREATE INDEX household_requests_household ON household_requests (household_id);
